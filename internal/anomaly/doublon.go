package anomaly

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/depenses-eclairees/depenses/internal/fr"
)

// doublon flags the same document (same SHA-256) of a type that engages or
// bills (invoice, quote, purchase order) attached to several EJ, and the
// same invoice (supplier SIREN, number without spaces or leading zeros,
// amount) on several EJ (DOMAIN.md §3.3). A RIB, a Kbis or a CCTP shared
// by several orders is normal; two invoices with one number and different
// amounts are partial invoices, not a duplicate.
func (r *run) doublon() []Anomaly {
	type hit struct {
		num string
		ev  Evidence
	}
	type group struct {
		kind string // "fichier" or "facture"
		key  string
		hits []hit
	}
	groups := map[string]*group{}
	var order []string
	addHit := func(kind, key string, h hit) {
		id := kind + "|" + key
		g := groups[id]
		if g == nil {
			g = &group{kind: kind, key: key}
			groups[id] = g
			order = append(order, id)
		}
		for _, x := range g.hits {
			if x.num == h.num {
				return // the same EJ twice is one attachment, not a duplicate
			}
		}
		g.hits = append(g.hits, h)
	}
	for i := range r.recs {
		rec := &r.recs[i]
		on, ok := recDate(rec)
		if !ok {
			on = r.latest
		}
		types, ok := r.text("doublon.types_documents", on)
		if !ok {
			continue
		}
		num := rec.EJ.NumEJ
		eachDoc(rec.Enriched.Documents, func(d *docSummary) bool {
			if d.SHA256 != "" && contains(types.Fields(), d.DocumentType) {
				addHit("fichier", d.SHA256, hit{num, Evidence{NumEJ: num, Document: d.SHA256, Nom: d.Nom, Champ: "sha256", Valeur: d.SHA256}})
			}
			if d.DocumentType != "facture" {
				return true
			}
			nf, ok := d.Fields["numero"]
			if !ok {
				return true
			}
			number := invoiceNumber(fieldText(nf))
			amount, basis, ok := invoiceAmount(d)
			siren := documentSIREN(d)
			if siren == "" {
				siren = supplierSIREN(rec)
			}
			if number == "" || !ok || siren == "" {
				return true
			}
			key := fmt.Sprintf("%s|%s|%.2f|%s", siren, number, amount, basis)
			addHit("facture", key, hit{num, docEvidence(num, d, "numero", nf)})
			return true
		})
	}
	type finding struct {
		nums   []string
		kinds  []string
		proofs []Evidence
		labels []string
	}
	bySet := map[string]*finding{}
	var setOrder []string
	for _, id := range order {
		g := groups[id]
		if len(g.hits) < 2 {
			continue
		}
		// Input order must not change the output.
		slices.SortStableFunc(g.hits, func(a, b hit) int { return strings.Compare(a.num, b.num) })
		var nums []string
		for _, h := range g.hits {
			nums = append(nums, h.num)
		}
		slices.Sort(nums)
		setKey := strings.Join(nums, " ")
		f := bySet[setKey]
		if f == nil {
			f = &finding{nums: nums}
			bySet[setKey] = f
			setOrder = append(setOrder, setKey)
		}
		if !contains(f.kinds, g.kind) {
			f.kinds = append(f.kinds, g.kind)
		}
		for _, h := range g.hits {
			f.proofs = append(f.proofs, h.ev)
		}
		if g.kind == "fichier" {
			f.labels = append(f.labels, fmt.Sprintf("le même fichier « %s » est joint aux EJ %s", labelOr(g.hits[0].ev.Nom, g.key), setKey))
		} else {
			parts := strings.SplitN(g.key, "|", 4)
			f.labels = append(f.labels, fmt.Sprintf("la facture n° %s du fournisseur SIREN %s de %s %s figure sur les EJ %s", g.hits[0].ev.Valeur, parts[0], amountLabel(parts[2]), strings.ReplaceAll(parts[3], "NET_A_PAYER", "net à payer"), setKey))
		}
	}
	var out []Anomaly
	for _, k := range setOrder {
		f := bySet[k]
		on := r.anchor(f.nums[0])
		score := 0.0
		for _, kind := range f.kinds {
			code := "doublon.score_fichier"
			if kind == "facture" {
				code = "doublon.score_facture"
			}
			if s, ok := r.num(code, on); ok {
				score = max(score, s)
			}
		}
		if score == 0 {
			continue
		}
		out = append(out, Anomaly{Code: CodeDoublon, NumEJ: f.nums[0], AutresEJ: f.nums[1:], Score: score,
			Explication: "Doublon possible : " + strings.Join(f.labels, " ; ") + ". Vérifier qu'une même dépense n'est pas engagée ou payée deux fois.",
			Preuves:     f.proofs, Regle: "même fichier (SHA-256) ou même n° de facture, montant et SIREN"})
	}
	return out
}

// invoiceNumber keeps letters and digits, upper case, without leading
// zeros ("0789" and "789" are one invoice, as gestion-eclairee found).
func invoiceNumber(s string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return strings.TrimLeft(b.String(), "0")
}

// invoiceAmount is the invoice's TTC, else HT, else net à payer, rounded
// to the cent, with its basis.
func invoiceAmount(d *docSummary) (float64, string, bool) {
	for _, k := range []string{"montant_ttc", "montant_ht", "net_a_payer"} {
		if f, ok := d.Fields[k]; ok {
			if v, ok := fieldNumber(f); ok {
				return math.Round(v*100) / 100, strings.ToUpper(strings.TrimPrefix(k, "montant_")), true
			}
		}
	}
	return 0, "", false
}

func documentSIREN(d *docSummary) string {
	if f, ok := d.Fields["fournisseur.siren"]; ok && fr.ValidSIREN(fieldText(f)) {
		return fieldText(f)
	}
	if f, ok := d.Fields["fournisseur.siret"]; ok && fr.ValidSIRET(fieldText(f)) {
		return fieldText(f)[:9]
	}
	if f, ok := d.Fields["fournisseur.tva"]; ok {
		if s, ok := fr.SIRENFromVAT(fieldText(f)); ok && fr.ValidSIREN(s) {
			return s
		}
	}
	return ""
}

func amountLabel(s string) string {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return s + " €"
	}
	return euros(v)
}
