package anomaly

import (
	"fmt"
	"strings"

	"github.com/depenses-eclairees/depenses/internal/fr"
)

// fournisseur flags an EJ whose documents name, with a valid identifier,
// another supplier (SIREN) than Chorus's titulaire: a wrong tiers, a
// change of legal entity not recorded, or a fraud on the payee. It reads
// reconcile's prestataire.siren conflict, which keeps only valid
// identifiers of supplier-side documents and never the buyer's; an
// invalid identifier is identifiant_invalide's business, not this rule's.
func (r *run) fournisseur() []Anomaly {
	var out []Anomaly
	for i := range r.recs {
		rec := &r.recs[i]
		chorusSIREN := ""
		if f := rec.EJ.Fournisseur; fr.ValidSIREN(f.SIREN) {
			chorusSIREN = f.SIREN
		} else if fr.ValidSIRET(f.SIRET) {
			chorusSIREN = f.SIRET[:9]
		}
		if chorusSIREN == "" {
			continue
		}
		on, ok := recDate(rec)
		if !ok {
			on = r.latest
		}
		score, ok := r.num("fournisseur_incoherent.score", on)
		if !ok {
			continue
		}
		num := rec.EJ.NumEJ
		var others []string
		var proofs []Evidence
		for _, c := range rec.Enriched.Conflits {
			if c.Champ != "prestataire.siren" {
				continue
			}
			for _, v := range c.Valeurs {
				if v.Source == "chorus" || v.Value == chorusSIREN || !fr.ValidSIREN(v.Value) {
					continue
				}
				if !contains(others, v.Value) {
					others = append(others, v.Value)
				}
				proofs = append(proofs, r.documentProof(rec, v.Source, v.Value))
			}
		}
		if len(others) == 0 {
			continue
		}
		f := rec.EJ.Fournisseur
		proofs = append([]Evidence{chorusEvidence(num, "fournisseur.siret", strings.TrimSpace(f.SIRET+" "+f.Nom))}, proofs...)
		out = append(out, Anomaly{Code: CodeFournisseur, NumEJ: num, Score: score,
			Explication: fmt.Sprintf("Le titulaire dans Chorus est %s (SIREN %s) mais les pièces désignent le SIREN %s : vérifier le tiers de l'EJ et les coordonnées bancaires avant paiement.",
				labelOr(f.Nom, "sans nom"), chorusSIREN, strings.Join(others, ", ")),
			Preuves: proofs, Regle: "SIREN Chorus ≠ SIREN des pièces (identifiants valides)"})
	}
	return out
}

// documentProof finds, on the document with that SHA-256, the supplier
// field carrying the SIREN value.
func (r *run) documentProof(rec *Record, sha, siren string) Evidence {
	num := rec.EJ.NumEJ
	ev := Evidence{NumEJ: num, Document: sha, Champ: "fournisseur.siren", Valeur: siren}
	eachDoc(rec.Enriched.Documents, func(d *docSummary) bool {
		if d.SHA256 != sha {
			return true
		}
		ev.Nom = d.Nom
		for _, k := range []string{"fournisseur.siret", "fournisseur.siren", "fournisseur.tva"} {
			if f, ok := d.Fields[k]; ok && strings.Contains(fieldText(f), siren) {
				ev = docEvidence(num, d, k, f)
				return false
			}
		}
		return false
	})
	return ev
}
