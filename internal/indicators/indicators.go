// Package indicators computes the consulting-spend indicators of issue 5
// and DOMAIN.md §2.3: spend by ministry, programme, quarter and legal
// category, the distribution of daily rates and days, the top suppliers
// and the share ordered through accords-cadres. It reads enriched EJ and
// decides what is consulting as the anomaly rules do.
package indicators

import (
	"cmp"
	"math"
	"slices"
	"strings"

	"github.com/depenses-eclairees/depenses/internal/anomaly"
	"github.com/depenses-eclairees/depenses/internal/chorus"
	"github.com/depenses-eclairees/depenses/internal/referential"
)

// Indicators is the output of `depenses indicators --format json`.
type Indicators struct {
	NbEJ             int            `json:"nb_ej"`
	NbEJConseil      int            `json:"nb_ej_conseil"`
	MontantConseilHT float64        `json:"montant_conseil_ht"`
	SansMontant      int            `json:"ej_conseil_sans_montant_ht"`
	ParMinistere     []Total        `json:"par_ministere"`
	ParProgramme     []Total        `json:"par_programme"`
	ParTrimestre     []Total        `json:"par_trimestre"`
	ParCategorie     []Total        `json:"par_categorie"`
	TJM              Distribution   `json:"tjm"`
	Jours            Distribution   `json:"jours"`
	TJMParCategorie  []Distribution `json:"tjm_par_categorie"`
	Fournisseurs     []Supplier     `json:"principaux_fournisseurs"`
	AccordsCadres    Share          `json:"part_accords_cadres"`
}

// Total is spend of one group.
type Total struct {
	Cle       string  `json:"cle"`
	Libelle   string  `json:"libelle,omitempty"`
	NbEJ      int     `json:"nb_ej"`
	MontantHT float64 `json:"montant_ht"`
}

// Distribution summarises values (quantiles by nearest rank).
type Distribution struct {
	Cle     string  `json:"cle,omitempty"`
	N       int     `json:"n"`
	Min     float64 `json:"min,omitempty"`
	Q1      float64 `json:"q1,omitempty"`
	Mediane float64 `json:"mediane,omitempty"`
	Q3      float64 `json:"q3,omitempty"`
	Max     float64 `json:"max,omitempty"`
	Moyenne float64 `json:"moyenne,omitempty"`
}

// Supplier is a consulting supplier's total.
type Supplier struct {
	SIREN     string  `json:"siren,omitempty"`
	Nom       string  `json:"nom"`
	NbEJ      int     `json:"nb_ej"`
	MontantHT float64 `json:"montant_ht"`
}

// Share is a part of the consulting spend.
type Share struct {
	MontantHT float64 `json:"montant_ht"`
	Part      float64 `json:"part"` // of MontantConseilHT, in [0, 1]
	NbEJ      int     `json:"nb_ej"`
}

// TopSuppliers is how many suppliers the ranking keeps.
const TopSuppliers = 10

// Compute reads the records once. Amounts are HT: Chorus's engaged HT, else
// a single poste's TTC divided by its VAT rate when Chorus gives it, else
// the documents' order total; an EJ with none is counted apart
// (SansMontant), never guessed.
func Compute(recs []anomaly.Record, ref *referential.Set) Indicators {
	out := Indicators{NbEJ: len(recs)}
	byMin, byProg, byQuarter, byCat := map[string]*Total{}, map[string]*Total{}, map[string]*Total{}, map[string]*Total{}
	suppliers := map[string]*Supplier{}
	var tjm, days []float64
	tjmByCat := map[string][]float64{}
	add := func(m map[string]*Total, key, label string, ht float64) {
		t := m[key]
		if t == nil {
			t = &Total{Cle: key, Libelle: label}
			m[key] = t
		}
		t.NbEJ++
		t.MontantHT += ht
	}
	for i := range recs {
		rec := &recs[i]
		ok, cat := anomaly.Consulting(rec, ref)
		if !ok {
			continue
		}
		out.NbEJConseil++
		if cat == "" {
			cat = "non_precisee"
		}
		if c := rec.Enriched.Conseil; c != nil {
			if c.TJM != nil && c.TJM.Value > 0 {
				tjm = append(tjm, c.TJM.Value)
				tjmByCat[cat] = append(tjmByCat[cat], c.TJM.Value)
			}
			if c.NbJours != nil && c.NbJours.Value > 0 {
				days = append(days, c.NbJours.Value)
			}
		}
		ht, known := amountHT(rec)
		if !known {
			out.SansMontant++
			continue
		}
		out.MontantConseilHT += ht
		prog, ministry := programmeOf(rec, ref)
		add(byMin, orUnknown(ministry), "", ht)
		add(byProg, orUnknown(prog), "", ht)
		add(byQuarter, quarter(rec), "", ht)
		add(byCat, cat, categoryLabel(ref, cat), ht)
		key, name := supplierOf(rec)
		s := suppliers[key]
		if s == nil {
			s = &Supplier{SIREN: rec.Enriched.Prestataire.SIREN, Nom: name}
			suppliers[key] = s
		}
		s.NbEJ++
		s.MontantHT += ht
		if strings.TrimSpace(rec.EJ.NumAccordCadre) != "" {
			out.AccordsCadres.MontantHT += ht
			out.AccordsCadres.NbEJ++
		}
	}
	if out.MontantConseilHT > 0 {
		out.AccordsCadres.Part = round4(out.AccordsCadres.MontantHT / out.MontantConseilHT)
	}
	out.ParMinistere, out.ParProgramme = sorted(byMin, byAmount), sorted(byProg, byKey)
	out.ParTrimestre, out.ParCategorie = sorted(byQuarter, byKey), sorted(byCat, byAmount)
	out.TJM, out.Jours = distribution("", tjm), distribution("", days)
	cats := make([]string, 0, len(tjmByCat))
	for c := range tjmByCat {
		cats = append(cats, c)
	}
	slices.Sort(cats)
	for _, c := range cats {
		out.TJMParCategorie = append(out.TJMParCategorie, distribution(c, tjmByCat[c]))
	}
	for _, s := range suppliers {
		s.MontantHT = round2(s.MontantHT)
		out.Fournisseurs = append(out.Fournisseurs, *s)
	}
	slices.SortFunc(out.Fournisseurs, func(a, b Supplier) int {
		if c := cmp.Compare(b.MontantHT, a.MontantHT); c != 0 {
			return c
		}
		return cmp.Compare(a.Nom, b.Nom)
	})
	if len(out.Fournisseurs) > TopSuppliers {
		out.Fournisseurs = out.Fournisseurs[:TopSuppliers]
	}
	out.MontantConseilHT = round2(out.MontantConseilHT)
	out.AccordsCadres.MontantHT = round2(out.AccordsCadres.MontantHT)
	return out
}

func amountHT(rec *anomaly.Record) (float64, bool) {
	ej := &rec.EJ
	if v, ok := ej.Total(func(p *chorus.Poste) *float64 { return p.MontantEngageHT }); ok {
		return v, true
	}
	if len(ej.Postes) == 1 && ej.Postes[0].MontantEngageTTC != nil && ej.Postes[0].TauxTVA != nil {
		return *ej.Postes[0].MontantEngageTTC / (1 + *ej.Postes[0].TauxTVA/100), true
	}
	if m := rec.Enriched.Montants; m != nil && m.Commande != nil && m.Commande.MontantHT != nil {
		return *m.Commande.MontantHT, true
	}
	return 0, false
}

// programmeOf is the first poste's programme and its ministry.
func programmeOf(rec *anomaly.Record, ref *referential.Set) (prog, ministry string) {
	for _, p := range rec.EJ.Postes {
		code := p.Programme
		if code == "" {
			code, _, _ = strings.Cut(p.CentreFinancier, "-")
		}
		if code == "" {
			continue
		}
		if m, ok := ref.MinistryOfProgramme(code); ok {
			return code, m
		}
		return code, rec.EJ.Ministere
	}
	return "", rec.EJ.Ministere
}

func quarter(rec *anomaly.Record) string {
	d := rec.EJ.DateCreation
	if d == "" {
		d = rec.EJ.DateNotification
	}
	if len(d) < 7 {
		return "inconnu"
	}
	month := int(d[5]-'0')*10 + int(d[6]-'0')
	if month < 1 || month > 12 {
		return "inconnu"
	}
	return d[:4] + "-T" + string(rune('1'+(month-1)/3))
}

func supplierOf(rec *anomaly.Record) (key, name string) {
	p := rec.Enriched.Prestataire
	name = p.Nom
	if name == "" {
		name = rec.EJ.Fournisseur.Nom
	}
	if p.SIREN != "" && p.Identifie {
		return p.SIREN, name
	}
	return "nom:" + strings.ToUpper(strings.TrimSpace(name)), name
}

func categoryLabel(ref *referential.Set, cat string) string {
	if l, ok := ref.CategoryLabel(cat); ok {
		return l
	}
	return ""
}

func orUnknown(s string) string {
	if strings.TrimSpace(s) == "" {
		return "inconnu"
	}
	return s
}

var (
	byAmount = func(a, b Total) int {
		if c := cmp.Compare(b.MontantHT, a.MontantHT); c != 0 {
			return c
		}
		return cmp.Compare(a.Cle, b.Cle)
	}
	byKey = func(a, b Total) int { return cmp.Compare(a.Cle, b.Cle) }
)

func sorted(m map[string]*Total, order func(a, b Total) int) []Total {
	out := make([]Total, 0, len(m))
	for _, t := range m {
		t.MontantHT = round2(t.MontantHT)
		out = append(out, *t)
	}
	slices.SortFunc(out, order)
	return out
}

// distribution uses nearest-rank quantiles: the values are amounts people
// can find back in the documents, not interpolations.
func distribution(key string, v []float64) Distribution {
	d := Distribution{Cle: key, N: len(v)}
	if len(v) == 0 {
		return d
	}
	s := slices.Clone(v)
	slices.Sort(s)
	rank := func(q float64) float64 { return s[max(0, int(math.Ceil(q*float64(len(s))))-1)] }
	sum := 0.0
	for _, x := range s {
		sum += x
	}
	d.Min, d.Q1, d.Mediane, d.Q3, d.Max = s[0], rank(0.25), rank(0.5), rank(0.75), s[len(s)-1]
	d.Moyenne = round2(sum / float64(len(s)))
	return d
}

func round2(v float64) float64 { return math.Round(v*100) / 100 }
func round4(v float64) float64 { return math.Round(v*1e4) / 1e4 }
