package ui

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/depenses-eclairees/depenses/internal/anomaly"
	"github.com/depenses-eclairees/depenses/internal/chorus"
	"github.com/depenses-eclairees/depenses/internal/export"
	"github.com/depenses-eclairees/depenses/internal/indicators"
	"github.com/depenses-eclairees/depenses/internal/reconcile"
	"github.com/depenses-eclairees/depenses/internal/store"
)

// dashboardTTL is how long a dashboard is reused: it reads every EJ of the
// perimeter, and a figure a few seconds old tells the same story.
const dashboardTTL = 30 * time.Second

// bar is one bar of a server-drawn chart.
type bar struct {
	Label string
	Text  string  // the value as written next to the bar
	Ratio float64 // of the longest bar, in [0, 1]
}

type share struct {
	Label         string
	Before, After reconcile.Indicator
}

type dashboardData struct {
	NbEJ        int
	Shares      []share
	Conseil     indicators.Indicators
	ByMinistere []bar
	ByCategorie []bar
	ByQuarter   []bar
	Anomalies   []bar
	ToCheck     int
	Reviewed    int
	Progress    []bar
	Documents   map[string]int
	Computed    time.Time
}

type dashboardView struct {
	Sess session
	Data dashboardData
}

type dashboardCache struct {
	mu      sync.Mutex
	entries map[string]dashboardData
}

func newDashboardCache() *dashboardCache {
	return &dashboardCache{entries: map[string]dashboardData{}}
}

func (s *server) dashboard(w http.ResponseWriter, r *http.Request) {
	sess := sessionOf(r)
	key, _ := json.Marshal(sess.User.Perimeter)
	s.dash.mu.Lock()
	d, ok := s.dash.entries[string(key)]
	s.dash.mu.Unlock()
	if !ok || s.Now().Sub(d.Computed) > dashboardTTL {
		var err error
		if d, err = s.computeDashboard(r.Context(), sess.User.Perimeter); err != nil {
			s.internal(w, r, err)
			return
		}
		s.dash.mu.Lock()
		s.dash.entries[string(key)] = d
		s.dash.mu.Unlock()
	}
	s.render(w, r, http.StatusOK, dashboardPage(dashboardView{Sess: sess, Data: d}))
}

// visibleSet lists the EJ of a perimeter through the search index, so that
// the dashboard counts exactly what searches show; nil means all.
func (s *server) visibleSet(ctx context.Context, p store.Perimeter) (map[string]bool, error) {
	if p.All {
		return nil, nil
	}
	set := map[string]bool{}
	q := store.EJQuery{Limit: 500}
	for {
		page, err := s.Web.SearchEJ(ctx, p, q)
		if err != nil {
			return nil, err
		}
		for _, it := range page.Items {
			set[it.NumEJ] = true
		}
		if page.Next == "" || len(page.Items) == 0 {
			return set, nil
		}
		q.Cursor = page.Next
	}
}

func (s *server) computeDashboard(ctx context.Context, p store.Perimeter) (dashboardData, error) {
	d := dashboardData{Computed: s.Now(), Documents: map[string]int{}}
	visible, err := s.visibleSet(ctx, p)
	if err != nil {
		return d, err
	}
	in := func(num string) bool { return visible == nil || visible[num] }
	ejs := map[string]chorus.EJ{}
	if err := s.Store.EachEJ(ctx, func(ej chorus.EJ) error {
		if in(ej.NumEJ) {
			ejs[ej.NumEJ] = ej
		}
		return nil
	}); err != nil {
		return d, err
	}
	var tally reconcile.Tally
	var recs []anomaly.Record
	if err := export.Each(ctx, s.Store, func(e reconcile.Enriched) error {
		ej, ok := ejs[e.NumEJ]
		if !ok {
			return nil
		}
		tally.Add(e)
		recs = append(recs, anomaly.Record{EJ: ej, Enriched: e})
		return nil
	}); err != nil {
		return d, err
	}
	st := tally.Stats()
	d.NbEJ = st.NbEJ
	d.Shares = []share{
		{"Désignation claire", st.Avant.DesignationClaire, st.Apres.DesignationClaire},
		{"Prestataire identifié", st.Avant.PrestataireIdentifie, st.Apres.PrestataireIdentifie},
		{"Administration bénéficiaire explicite", st.Avant.AdministrationExplicite, st.Apres.AdministrationExplicite},
	}
	d.Conseil = indicators.Compute(recs, s.Ref)
	totals := func(list []indicators.Total, label func(indicators.Total) string, limit int) []bar {
		var out []bar
		peak := 0.0
		for _, t := range list {
			peak = math.Max(peak, t.MontantHT)
		}
		for i, t := range list {
			if i == limit {
				break
			}
			out = append(out, bar{Label: label(t), Text: fmt.Sprintf("%s HT · %d EJ", euros(t.MontantHT), t.NbEJ), Ratio: ratio(t.MontantHT, peak)})
		}
		return out
	}
	withLabel := func(t indicators.Total) string {
		if t.Libelle != "" {
			return t.Libelle
		}
		return t.Cle
	}
	d.ByMinistere = totals(d.Conseil.ParMinistere, withLabel, 10)
	d.ByCategorie = totals(d.Conseil.ParCategorie, withLabel, 10)
	quarters := append([]indicators.Total(nil), d.Conseil.ParTrimestre...)
	sort.Slice(quarters, func(i, j int) bool { return quarters[i].Cle < quarters[j].Cle })
	d.ByQuarter = totals(quarters, func(t indicators.Total) string { return t.Cle }, 16)

	byCode := map[string]int{}
	if err := s.Store.EachAnomaly(ctx, func(a store.AnomalyRow) error {
		if !in(a.NumEJ) {
			return nil
		}
		byCode[a.Code]++
		if a.Review.Statut == "" || a.Review.Statut == store.AnomalyToCheck {
			d.ToCheck++
		} else {
			d.Reviewed++
		}
		return nil
	}); err != nil {
		return d, err
	}
	peak := 0
	for _, n := range byCode {
		peak = max(peak, n)
	}
	for _, code := range anomaly.Codes {
		if n := byCode[code]; n > 0 {
			d.Anomalies = append(d.Anomalies, bar{Label: anomalyLabel(code), Text: fmt.Sprint(n), Ratio: ratio(float64(n), float64(peak))})
		}
	}

	if visible == nil {
		c, err := s.Store.Counts(ctx)
		if err != nil {
			return d, err
		}
		d.Documents = c.Documents
	} else {
		// Counts covers the whole base: count the perimeter's own documents.
		seen := map[string]bool{}
		for num := range ejs {
			atts, err := s.Store.DocumentsOf(ctx, num)
			if err != nil {
				return d, err
			}
			for _, a := range atts {
				if !seen[a.SHA256] {
					seen[a.SHA256] = true
					d.Documents[a.Status]++
				}
			}
		}
	}
	total := 0
	for _, n := range d.Documents {
		total += n
	}
	for _, st := range []string{store.StatusDone, store.StatusPending, store.StatusFailed} {
		n := d.Documents[st]
		d.Progress = append(d.Progress, bar{Label: statusLabel(st), Text: fmt.Sprintf("%d (%s)", n, percent(float64(n), float64(total))), Ratio: ratio(float64(n), float64(total))})
	}
	return d, nil
}

func ratio(v, peak float64) float64 {
	if peak <= 0 || v <= 0 {
		return 0
	}
	return math.Min(v/peak, 1)
}

func percent(n, total float64) string {
	if total == 0 {
		return "0 %"
	}
	return strings.Replace(fmt.Sprintf("%.1f %%", 100*n/total), ".", ",", 1)
}

// euros writes an amount the French way: 1 234 567 €.
func euros(v float64) string {
	s := fmt.Sprintf("%.0f", math.Abs(v))
	var b strings.Builder
	if v < 0 && s != "0" {
		b.WriteString("−")
	}
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString("\u202f")
		}
		b.WriteRune(c)
	}
	return b.String() + "\u00a0€"
}

func statusLabel(st string) string {
	switch st {
	case store.StatusDone:
		return "Traités"
	case store.StatusPending:
		return "En attente"
	case store.StatusFailed:
		return "Illisibles"
	}
	return st
}

var anomalyLabels = map[string]string{
	anomaly.CodeHorsMarche:      "Achat hors marché",
	anomaly.CodeFractionnement:  "Fractionnement",
	anomaly.CodeImputation:      "Imputation douteuse",
	anomaly.CodeFournisseur:     "Fournisseur incohérent",
	anomaly.CodeMontant:         "Montant incohérent",
	anomaly.CodeDoublon:         "Doublon",
	anomaly.CodeIdentifiant:     "Identifiant invalide",
	anomaly.CodeRevueDITP:       "Conseil à revoir par la DITP",
	anomaly.CodeTJMAtypique:     "TJM atypique",
	anomaly.CodeConseilHorsDITP: "Conseil hors DITP",
}

func anomalyLabel(code string) string {
	if l, ok := anomalyLabels[code]; ok {
		return l
	}
	return code
}
