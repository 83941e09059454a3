package anomaly

import (
	"fmt"
	"strings"

	"github.com/depenses-eclairees/depenses/internal/fr"
)

// identifierChecks are the printed identifiers with a checksum.
var identifierChecks = []struct {
	suffix string
	valid  func(string) bool
	iban   bool
}{
	{".siret", fr.ValidSIRET, false},
	{".siren", fr.ValidSIREN, false},
	{".tva", fr.ValidVAT, false},
	{"iban", fr.ValidIBAN, true},
}

// identifiant flags a SIRET, SIREN, TVA number or IBAN printed on a
// document whose checksum fails: a typing error, an OCR misreading to
// check on the page, or a forged document. The extractor's valid flag is
// trusted when set (it may have repaired an OCR error), else the checksum
// is computed here. One anomaly per EJ.
func (r *run) identifiant() []Anomaly {
	var out []Anomaly
	for i := range r.recs {
		rec := &r.recs[i]
		on, ok := recDate(rec)
		if !ok {
			on = r.latest
		}
		sSIRET, ok1 := r.num("identifiant_invalide.score_siret", on)
		sIBAN, ok2 := r.num("identifiant_invalide.score_iban", on)
		if !ok1 || !ok2 {
			continue
		}
		num := rec.EJ.NumEJ
		var proofs []Evidence
		var names []string
		score := 0.0
		seen := map[string]bool{}
		eachDoc(rec.Enriched.Documents, func(d *docSummary) bool {
			for _, k := range sortedKeys(d.Fields) {
				f := d.Fields[k]
				for _, c := range identifierChecks {
					if !strings.HasSuffix(k, c.suffix) {
						continue
					}
					v := fieldText(f)
					bad := f.Valid != nil && !*f.Valid
					if f.Valid == nil {
						bad = v != "" && !c.valid(v)
					}
					if !bad {
						continue
					}
					proofs = append(proofs, docEvidence(num, d, k, f))
					if !seen[k+"|"+v] {
						seen[k+"|"+v] = true
						names = append(names, fmt.Sprintf("%s %s (pièce %s, page %d)", k, v, labelOr(d.Nom, d.SHA256), f.Page))
					}
					if c.iban {
						score = max(score, sIBAN)
					} else {
						score = max(score, sSIRET)
					}
				}
			}
			return true
		})
		if len(proofs) == 0 {
			continue
		}
		out = append(out, Anomaly{Code: CodeIdentifiant, NumEJ: num, Score: score,
			Explication: "Identifiant imprimé dont la clé de contrôle est fausse : " + strings.Join(names, " ; ") +
				". Vérifier sur la page (erreur de saisie ou de lecture) et obtenir du fournisseur un document ou un RIB corrects avant paiement.",
			Preuves: proofs, Regle: "clés de Luhn (SIREN, SIRET), clé TVA FR, ISO 13616 mod 97 (IBAN)"})
	}
	return out
}
