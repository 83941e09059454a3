package referential

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Natures of purchase a threshold applies to.
const (
	NatureSuppliesServices = "fournitures_services"
	NatureWorks            = "travaux"
	NatureAll              = "tous"
)

// Threshold is one value of a procurement threshold over a period.
type Threshold struct {
	Code   string // e.g. "dispense_fs"
	Label  string
	Amount float64 // euros
	Basis  string  // "HT" or "TTC"
	Nature string  // NatureSuppliesServices, NatureWorks or NatureAll
	From   time.Time
	Until  time.Time // last day in force; zero while still in force
	Source string
	line   int // in seuils.csv, for errors found across rows
}

// InForce reports whether the threshold applies on that calendar day.
func (t Threshold) InForce(on time.Time) bool {
	d := day(on)
	return !d.Before(t.From) && (t.Until.IsZero() || !d.After(t.Until))
}

// day keeps the calendar date of t (in t's own location) as UTC midnight,
// so that "2026-04-01 00:30 Paris" is 1 April, not 31 March.
func day(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// Threshold returns the value of code in force on that date. The date that
// matters is the launch of the consultation; callers usually only have the
// EJ creation or notification date (DOMAIN.md §7).
func (s *Set) Threshold(code string, on time.Time) (Threshold, bool) {
	for _, t := range s.thresholds[code] {
		if t.InForce(on) {
			return t, true
		}
	}
	return Threshold{}, false
}

// Thresholds returns every threshold in force on that date, by amount.
// nature "" gives all; otherwise the thresholds of that nature and those
// that apply to all natures.
func (s *Set) Thresholds(on time.Time, nature string) []Threshold {
	var out []Threshold
	for _, ts := range s.thresholds {
		for _, t := range ts {
			if t.InForce(on) && (nature == "" || t.Nature == nature || t.Nature == NatureAll) {
				out = append(out, t)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Amount != out[j].Amount {
			return out[i].Amount < out[j].Amount
		}
		return out[i].Code < out[j].Code
	})
	return out
}

// ThresholdCodes returns the codes of the table, sorted.
func (s *Set) ThresholdCodes() []string {
	out := make([]string, 0, len(s.thresholds))
	for c := range s.thresholds {
		out = append(out, c)
	}
	sort.Strings(out)
	return out
}

func (s *Set) parseThresholds(t *table, data []byte) error {
	s.thresholds = map[string][]Threshold{}
	err := t.each(data, ';', []string{"code", "libelle", "montant", "base", "nature", "depuis", "jusqu_a", "source"}, nil, func(r row) error {
		th := Threshold{line: r.line, Code: r.get("code"), Label: r.get("libelle"), Basis: strings.ToUpper(r.get("base")), Nature: r.get("nature"), Source: r.get("source")}
		if th.Code == "" || strings.ContainsAny(th.Code, " \t") {
			return fmt.Errorf("code de seuil %q invalide", th.Code)
		}
		amount, err := strconv.ParseFloat(strings.ReplaceAll(strings.ReplaceAll(r.get("montant"), " ", ""), ",", "."), 64)
		if err != nil || !(amount > 0) || amount > 1e12 {
			return fmt.Errorf("montant %q invalide pour %s (attendu : euros, par exemple 40000)", r.get("montant"), th.Code)
		}
		th.Amount = amount
		if th.Basis != "HT" && th.Basis != "TTC" {
			return fmt.Errorf("base %q invalide pour %s (attendu : HT ou TTC)", r.get("base"), th.Code)
		}
		switch th.Nature {
		case NatureSuppliesServices, NatureWorks, NatureAll:
		default:
			return fmt.Errorf("nature %q invalide pour %s (attendu : fournitures_services, travaux ou tous)", th.Nature, th.Code)
		}
		if th.From, err = time.Parse(time.DateOnly, r.get("depuis")); err != nil {
			return fmt.Errorf("date depuis %q invalide pour %s (attendu : AAAA-MM-JJ)", r.get("depuis"), th.Code)
		}
		if u := r.get("jusqu_a"); u != "" {
			if th.Until, err = time.Parse(time.DateOnly, u); err != nil {
				return fmt.Errorf("date jusqu_a %q invalide pour %s (attendu : AAAA-MM-JJ ou vide)", u, th.Code)
			}
			if th.Until.Before(th.From) {
				return fmt.Errorf("période vide pour %s : jusqu_a %s avant depuis %s", th.Code, u, r.get("depuis"))
			}
		}
		s.thresholds[th.Code] = append(s.thresholds[th.Code], th)
		return nil
	})
	if err != nil {
		return err
	}
	for code, ts := range s.thresholds {
		sort.Slice(ts, func(i, j int) bool { return ts[i].From.Before(ts[j].From) })
		for i := 1; i < len(ts); i++ {
			prev := ts[i-1]
			if prev.Until.IsZero() || !prev.Until.Before(ts[i].From) {
				return t.errorf(ts[i].line, "périodes qui se chevauchent pour %s : la valeur depuis %s commence avant la fin de celle depuis %s", code, ts[i].From.Format(time.DateOnly), prev.From.Format(time.DateOnly))
			}
		}
		for _, th := range ts[1:] {
			if th.Basis != ts[0].Basis || th.Nature != ts[0].Nature {
				return t.errorf(th.line, "le seuil %s change de base ou de nature d'une période à l'autre : donnez-lui deux codes", code)
			}
		}
	}
	return nil
}
