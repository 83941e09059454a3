package anomaly

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/depenses-eclairees/depenses/internal/chorus"
	"github.com/depenses-eclairees/depenses/internal/document"
	"github.com/depenses-eclairees/depenses/internal/fr"
	"github.com/depenses-eclairees/depenses/internal/reconcile"
	"github.com/depenses-eclairees/depenses/internal/referential"
)

// run holds one Detect call: the records, the referential and what the
// rules share about each record.
type run struct {
	recs   []Record
	ref    *referential.Set
	params *referential.AnomalyParams
	opt    Options
	byNum  map[string]int
	// decp runs fractionnement on DECP marchés: buyer × holder, CPV group.
	decp bool
	// extractDate anchors parameters of anomalies without a dated EJ: the
	// latest EJ date seen, else today.
	latest time.Time
}

func newRun(recs []Record, ref *referential.Set, opt Options) *run {
	if opt.Params == nil {
		opt.Params = referential.DefaultAnomalyParams()
	}
	if opt.BuyerLevel == "" {
		opt.BuyerLevel = BuyerOAGA
	}
	if opt.Window == "" {
		opt.Window = Window12Months
	}
	r := &run{recs: recs, ref: ref, params: opt.Params, opt: opt, byNum: map[string]int{}}
	for i := range recs {
		if _, dup := r.byNum[recs[i].EJ.NumEJ]; !dup {
			r.byNum[recs[i].EJ.NumEJ] = i
		}
		if d, ok := recDate(&recs[i]); ok && d.After(r.latest) {
			r.latest = d
		}
	}
	if r.latest.IsZero() {
		r.latest = time.Now().UTC()
	}
	return r
}

// num reads a numeric parameter in force on that date.
func (r *run) num(code string, on time.Time) (float64, bool) {
	p, ok := r.params.Param(code, on)
	if !ok || !p.Numeric() {
		return 0, false
	}
	return p.Number, true
}

// text reads a text parameter in force on that date.
func (r *run) text(code string, on time.Time) (referential.AnomalyParam, bool) {
	p, ok := r.params.Param(code, on)
	if !ok || p.Numeric() {
		return referential.AnomalyParam{}, false
	}
	return p, true
}

// threshold reads the threshold a code_seuil parameter names.
func (r *run) threshold(code string, on time.Time) (referential.Threshold, bool) {
	p, ok := r.text(code, on)
	if !ok || p.Unit != "code_seuil" {
		return referential.Threshold{}, false
	}
	return r.ref.Threshold(p.Text, on)
}

// anchor is the date parameters of an anomaly on that EJ are read at.
func (r *run) anchor(numEJ string) time.Time {
	if i, ok := r.byNum[numEJ]; ok {
		if d, ok := recDate(&r.recs[i]); ok {
			return d
		}
	}
	return r.latest
}

func (r *run) severity(score float64, on time.Time) string {
	high, ok1 := r.num("severite.haute", on)
	mid, ok2 := r.num("severite.moyenne", on)
	switch {
	case !ok1 || !ok2:
		return ""
	case score >= high:
		return SeveriteHaute
	case score >= mid:
		return SeveriteMoyenne
	}
	return SeveriteBasse
}

// recDate is the date thresholds are read at: the EJ's creation, else its
// notification (the launch of the consultation is not in Chorus).
func recDate(rec *Record) (time.Time, bool) {
	for _, s := range []string{rec.EJ.DateCreation, rec.EJ.DateNotification} {
		if t, err := time.Parse(time.DateOnly, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// amountHT is the EJ's amount HT: Chorus's engaged HT, else the order
// documents' HT, else Chorus's TTC divided by its single VAT rate.
func amountHT(rec *Record) (v float64, from string, ok bool) {
	ej := &rec.EJ
	if v, ok := ej.Total(func(p *chorus.Poste) *float64 { return p.MontantEngageHT }); ok {
		return v, "chorus:montant_engage_ht", true
	}
	if m := rec.Enriched.Montants; m != nil && m.Commande != nil && m.Commande.MontantHT != nil {
		return *m.Commande.MontantHT, "pieces:montant_ht", true
	}
	if ttc, ok := ej.Total(func(p *chorus.Poste) *float64 { return p.MontantEngageTTC }); ok {
		if rate, ok := singleRate(rec); ok {
			return ttc / (1 + rate/100), "chorus:montant_engage_ttc", true
		}
	}
	return 0, "", false
}

// singleRate is the one VAT rate of the EJ's postes, when they agree.
func singleRate(rec *Record) (float64, bool) {
	var rate float64
	found := false
	for _, p := range rec.EJ.Postes {
		if p.TauxTVA == nil {
			continue
		}
		if found && *p.TauxTVA != rate {
			return 0, false
		}
		rate, found = *p.TauxTVA, true
	}
	return rate, found
}

// contractRef returns the marché or accord-cadre reference of the EJ, from
// Chorus or from any of its documents, with where it was read.
func contractRef(rec *Record) (string, *Evidence) {
	ej := &rec.EJ
	for _, c := range []struct{ champ, v string }{{"num_contrat", ej.NumContrat}, {"num_accord_cadre", ej.NumAccordCadre}, {"num_marche_subsequent", ej.NumMarcheSubsequent}} {
		if strings.TrimSpace(c.v) != "" {
			return c.v, &Evidence{NumEJ: ej.NumEJ, Document: "chorus", Champ: c.champ, Valeur: c.v}
		}
	}
	var ev *Evidence
	eachDoc(rec.Enriched.Documents, func(d *reconcile.DocumentSummary) bool {
		if f, ok := d.Fields["reference_marche"]; ok {
			if s := fieldText(f); s != "" {
				e := docEvidence(ej.NumEJ, d, "reference_marche", f)
				ev = &e
				return false
			}
		}
		return true
	})
	if ev != nil {
		return ev.Valeur, ev
	}
	return "", nil
}

// accordCadre reports whether the EJ is an order under an accord-cadre
// (Chorus's accord-cadre or marché subséquent number).
func accordCadre(rec *Record) bool {
	return strings.TrimSpace(rec.EJ.NumAccordCadre) != "" || strings.TrimSpace(rec.EJ.NumMarcheSubsequent) != ""
}

// supplierSIREN is the supplier's SIREN: reconcile's when identified, else
// Chorus's valid SIREN or SIRET.
func supplierSIREN(rec *Record) string {
	if p := rec.Enriched.Prestataire; p.Identifie && p.SIREN != "" {
		return p.SIREN
	}
	f := rec.EJ.Fournisseur
	if fr.ValidSIREN(f.SIREN) {
		return f.SIREN
	}
	if fr.ValidSIRET(f.SIRET) {
		return f.SIRET[:9]
	}
	return ""
}

// centrale reports whether the supplier is a centrale d'achat (UGAP),
// whose orders exempt the buyer from competition.
func (r *run) centrale(rec *Record, on time.Time) bool {
	p, ok := r.text("hors_marche.siren_centrale", on)
	if !ok {
		return false
	}
	sirens := p.Fields()
	for _, s := range []string{supplierSIREN(rec), rec.EJ.Fournisseur.SIREN, prefix9(rec.EJ.Fournisseur.SIRET)} {
		for _, c := range sirens {
			if s != "" && s == c {
				return true
			}
		}
	}
	return false
}

func prefix9(s string) string {
	if len(s) >= 9 {
		return s[:9]
	}
	return ""
}

// eachDoc visits the documents and those found inside them, depth first,
// until fn returns false.
func eachDoc(docs []reconcile.DocumentSummary, fn func(*reconcile.DocumentSummary) bool) bool {
	for i := range docs {
		if !fn(&docs[i]) {
			return false
		}
		if !eachDoc(docs[i].Children, fn) {
			return false
		}
	}
	return true
}

func fieldText(f document.Field) string {
	switch v := f.Value.(type) {
	case string:
		return strings.TrimSpace(v)
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case int:
		return strconv.Itoa(v)
	case nil:
		return ""
	}
	return strings.TrimSpace(fmt.Sprint(f.Value))
}

func fieldNumber(f document.Field) (float64, bool) {
	switch v := f.Value.(type) {
	case float64:
		return v, true
	case int:
		return float64(v), true
	case string:
		return fr.ParseAmount(v)
	}
	return 0, false
}

func docEvidence(numEJ string, d *reconcile.DocumentSummary, champ string, f document.Field) Evidence {
	return Evidence{NumEJ: numEJ, Document: d.SHA256, Nom: d.Nom, Page: f.Page, Champ: champ, Valeur: fieldText(f)}
}

func sourceEvidence(numEJ string, s reconcile.Source, valeur string) Evidence {
	return Evidence{NumEJ: numEJ, Document: s.Document, Nom: s.Name, Page: s.Page, Champ: s.Field, Valeur: valeur}
}

func chorusEvidence(numEJ, champ, valeur string) Evidence {
	return Evidence{NumEJ: numEJ, Document: "chorus", Champ: champ, Valeur: valeur}
}

// euros writes an amount the French way: "40 000 €", "1 234,50 €".
func euros(v float64) string {
	neg := v < 0
	v = math.Abs(v)
	cents := int64(math.Round(v * 100))
	units, frac := cents/100, cents%100
	s := strconv.FormatInt(units, 10)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(c)
	}
	out := b.String()
	if frac != 0 {
		out += fmt.Sprintf(",%02d", frac)
	}
	if neg {
		out = "-" + out
	}
	return out + " €"
}

func thresholdRule(t referential.Threshold, on time.Time) string {
	return fmt.Sprintf("%s %s %s au %s", t.Code, euros(t.Amount), t.Basis, on.Format(time.DateOnly))
}

func round3(v float64) float64 { return math.Round(v*1000) / 1000 }

func clamp01(v float64) float64 { return max(0, min(1, v)) }

func date(t time.Time) string { return t.Format(time.DateOnly) }

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
