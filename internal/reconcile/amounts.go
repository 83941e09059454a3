package reconcile

import (
	"cmp"
	"math"
	"slices"

	"github.com/depenses-eclairees/depenses/internal/chorus"
)

// orderTypes are the documents whose totals are the order's price.
var orderTypes = map[string]bool{"acte_engagement": true, "bon_de_commande": true, "devis": true}

// amounts sets the documents' totals next to Chorus's engaged amount.
func amounts(views []*view, ej *chorus.EJ) *Amounts {
	a := &Amounts{}
	if v, basis, ok := ej.Engaged(); ok {
		a.Engage = &EngagedAmount{Montant: round2(v), Base: basis}
	}
	a.Commande = orderAmounts(views)
	a.Factures = summedAmounts(views, "facture")
	a.Avoirs = summedAmounts(views, "avoir")
	if *a == (Amounts{}) {
		return nil
	}
	return a
}

// orderAmounts takes the totals of one order document: the acte
// d'engagement before the bon de commande before the devis, then the most
// recent (a revised quote replaces the first), then the most confident.
func orderAmounts(views []*view) *DocumentAmounts {
	type priced struct {
		v       *view
		date    string
		conf    float64
		ht, ttc *float64
	}
	var list []priced
	for _, v := range views {
		if !orderTypes[v.typ] {
			continue
		}
		p := priced{v: v}
		p.ht, p.conf = amountField(v, "montant_ht", p.conf)
		p.ttc, p.conf = amountField(v, "montant_ttc", p.conf)
		if p.ht == nil && p.ttc == nil {
			continue
		}
		p.date, _, _ = v.text("date")
		list = append(list, p)
	}
	if len(list) == 0 {
		return nil
	}
	slices.SortStableFunc(list, func(a, b priced) int {
		if c := cmp.Compare(a.v.rank, b.v.rank); c != 0 {
			return c
		}
		if c := cmp.Compare(b.date, a.date); c != 0 {
			return c
		}
		if c := cmp.Compare(b.conf, a.conf); c != 0 {
			return c
		}
		return cmp.Compare(a.v.order, b.v.order)
	})
	best := list[0]
	d := &DocumentAmounts{MontantHT: best.ht, MontantTTC: best.ttc, NbDocuments: 1, Sources: []Source{}}
	for _, key := range []string{"montant_ht", "montant_ttc"} {
		if _, ok := best.v.fields[key]; ok {
			d.Sources = append(d.Sources, best.v.source(key))
		}
	}
	return d
}

// amountField reads an amount field and raises conf to its confidence.
func amountField(v *view, key string, conf float64) (*float64, float64) {
	f, ok := v.fields[key]
	if !ok {
		return nil, conf
	}
	n, ok := numberValue(f.Value)
	if !ok {
		return nil, conf
	}
	n = round2(n)
	return &n, max(conf, f.Confidence)
}

// summedAmounts sums the totals of the documents of one type, each
// invoice once (the same numero twice is one invoice). A sum is kept only
// when every counted document prints that total.
func summedAmounts(views []*view, typ string) *DocumentAmounts {
	d := &DocumentAmounts{Sources: []Source{}}
	var ht, ttc float64
	allHT, allTTC := true, true
	seen := map[string]bool{}
	for _, v := range views {
		if v.typ != typ {
			continue
		}
		h, _ := amountField(v, "montant_ht", 0)
		t, _ := amountField(v, "montant_ttc", 0)
		if h == nil && t == nil {
			continue
		}
		if num, _, ok := v.text("numero"); ok {
			if seen[normalize(num)] {
				continue
			}
			seen[normalize(num)] = true
		}
		d.NbDocuments++
		if h != nil {
			ht += *h
			d.Sources = append(d.Sources, v.source("montant_ht"))
		} else {
			allHT = false
		}
		if t != nil {
			ttc += *t
			d.Sources = append(d.Sources, v.source("montant_ttc"))
		} else {
			allTTC = false
		}
	}
	if d.NbDocuments == 0 {
		return nil
	}
	if allHT {
		v := round2(ht)
		d.MontantHT = &v
	}
	if allTTC {
		v := round2(ttc)
		d.MontantTTC = &v
	}
	return d
}

func round2(v float64) float64 { return math.Round(v*100) / 100 }

// consulting takes each consulting figure from the best document that
// prints it; documents printing the same value are added as sources.
func consulting(views []*view) *Consulting {
	c := &Consulting{NbJours: sourcedNumber(views, "conseil.nb_jours"), TJM: sourcedNumber(views, "conseil.tjm")}
	if list := candidates(views, "conseil.categorie", nil); len(list) > 0 {
		c.Categorie = &SourcedText{Value: list[0].text}
		for _, x := range list {
			if x.text == list[0].text {
				c.Categorie.Sources = append(c.Categorie.Sources, x.source())
			}
		}
	}
	if *c == (Consulting{}) {
		return nil
	}
	return c
}

func sourcedNumber(views []*view, key string) *SourcedNumber {
	var out *SourcedNumber
	for _, x := range candidates(views, key, nil) {
		n, ok := numberValue(x.field.Value)
		if !ok {
			continue
		}
		n = round2(n)
		if out == nil {
			out = &SourcedNumber{Value: n}
		}
		if n == out.Value {
			out.Sources = append(out.Sources, x.source())
		}
	}
	return out
}
