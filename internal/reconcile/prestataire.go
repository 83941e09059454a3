package reconcile

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/depenses-eclairees/depenses/internal/chorus"
	"github.com/depenses-eclairees/depenses/internal/document"
	"github.com/depenses-eclairees/depenses/internal/fr"
)

// supplierTypes are the document types whose fournisseur.* fields name the
// supplier of this order. Left out: the buyer's own documents (CCAP, CCTP,
// règlement, avis), the ones naming several companies (rapport d'analyse,
// sous-traitance: the subcontractor), CV, mails and unknown types.
var supplierTypes = map[string]bool{
	"devis": true, "facture": true, "avoir": true, "acte_engagement": true, "bon_de_commande": true,
	"avenant": true, "notification": true, "ordre_service": true, "service_fait": true, "fiche_navette": true,
	"kbis": true, "rib": true, "att_sirene": true, "att_fiscale": true, "att_sociale": true,
	"lettre_candidature_dc1": true, "lettre_candidature_dc2": true, "memoire_technique": true,
	"bordereau_prix": true, "decomposition_prix": true, "detail_quantitatif_estimatif": true,
}

// singleDocumentConfidence is the field confidence at which one document's
// valid identifier, uncontradicted, identifies the supplier on its own.
const singleDocumentConfidence = 0.85

// idClaim is one valid identifier of the supplier and where it was read;
// v is nil for Chorus.
type idClaim struct {
	siren string
	siret string // set when read from a SIRET
	v     *view
	key   string // the field, e.g. "fournisseur.siret"
	conf  float64
}

func (c idClaim) sourceID() string {
	if c.v == nil {
		return chorusSource
	}
	return c.v.sha
}

func (c idClaim) source(ej *chorus.EJ) Source {
	if c.v != nil {
		return c.v.source(c.key)
	}
	ev := map[string]string{"siret": ej.Fournisseur.SIRET, "siren": ej.Fournisseur.SIREN, "tva": ej.Fournisseur.TVA}[c.key[len("fournisseur."):]]
	return Source{Document: chorusSource, Field: c.key, Evidence: ev}
}

// identifierKeys are the supplier identifier fields, in the order a SIREN
// is taken from them.
var identifierKeys = []string{"fournisseur.siret", "fournisseur.siren", "fournisseur.tva"}

// parseIdentifier checks one identifier: it returns its SIREN and, for a
// SIRET, the SIRET. A foreign VAT number gives no SIREN and no complaint.
func parseIdentifier(key, value string) (siren, siret string, valid bool) {
	switch key {
	case "fournisseur.siret":
		n, ok, _ := fr.ParseSIRET(value)
		if !ok {
			return "", "", false
		}
		return n[:9], n, true
	case "fournisseur.siren":
		n, ok, _ := fr.ParseSIREN(value)
		return n, "", ok
	default:
		vat := fr.NormalizeVAT(value)
		if len(vat) < 2 || vat[:2] != "FR" {
			return "", "", fr.ValidVAT(vat)
		}
		s, ok := fr.SIRENFromVAT(vat)
		return s, "", ok
	}
}

var idLabel = map[string]string{"fournisseur.siret": "SIRET", "fournisseur.siren": "SIREN", "fournisseur.tva": "numéro de TVA"}

// claimsOf reads the valid supplier identifiers of a document. A field
// flagged invalid by the extractor, or failing the checksum here, is only
// a warning; so is a supplier identifier equal to the buyer's.
func claimsOf(v *view, buyer map[string]bool, warn func(string)) []idClaim {
	own := map[string]bool{}
	for s := range buyer {
		own[s] = true
	}
	for _, key := range []string{"acheteur.siret", "acheteur.siren", "acheteur.tva"} {
		if s, f, ok := v.text(key); ok && (f.Valid == nil || *f.Valid) {
			if siren, _, valid := parseIdentifier("fournisseur."+key[len("acheteur."):], s); valid && siren != "" {
				own[siren] = true
			}
		}
	}
	var out []idClaim
	for _, key := range identifierKeys {
		s, f, ok := v.text(key)
		if !ok {
			continue
		}
		siren, siret, valid := parseIdentifier(key, s)
		if f.Valid != nil && !*f.Valid || !valid {
			warn(fmt.Sprintf("%s %s lu sur « %s »%s : clé de contrôle invalide, non retenu", idLabel[key], s, v.name, pageSuffix(f)))
			continue
		}
		if siren == "" {
			continue
		}
		if own[siren] {
			warn(fmt.Sprintf("%s %s lu comme fournisseur sur « %s »%s : c'est celui de l'acheteur, non retenu", idLabel[key], s, v.name, pageSuffix(f)))
			continue
		}
		out = append(out, idClaim{siren: siren, siret: siret, v: v, key: key, conf: f.Confidence})
	}
	return out
}

func pageSuffix(f document.Field) string {
	if f.Page > 0 {
		return fmt.Sprintf(" (page %d)", f.Page)
	}
	return ""
}

// chorusClaims reads the valid identifiers of Chorus's supplier.
func chorusClaims(ej *chorus.EJ, warn func(string)) []idClaim {
	var out []idClaim
	for _, key := range identifierKeys {
		s := map[string]string{"fournisseur.siret": ej.Fournisseur.SIRET, "fournisseur.siren": ej.Fournisseur.SIREN, "fournisseur.tva": ej.Fournisseur.TVA}[key]
		if s == "" {
			continue
		}
		siren, siret, valid := parseIdentifier(key, s)
		if !valid {
			warn(fmt.Sprintf("%s %s du fournisseur dans Chorus : clé de contrôle invalide, non retenu", idLabel[key], s))
			continue
		}
		if siren != "" {
			out = append(out, idClaim{siren: siren, siret: siret, key: key, conf: 1})
		}
	}
	return out
}

// chorusSIREN is the SIREN Chorus gives for its supplier, if valid.
func chorusSIREN(ej *chorus.EJ) (string, bool) {
	claims := chorusClaims(ej, func(string) {})
	if len(claims) == 0 {
		return "", false
	}
	return claims[0].siren, true
}

// support counts the independent sources behind one value.
type support struct {
	value  string
	docs   map[string]bool // distinct documents (by SHA-256, or order when unhashed)
	chorus bool
	rank   int // best document type rank among its documents
	conf   float64
	claims []idClaim
}

func (s *support) total() int {
	n := len(s.docs)
	if s.chorus {
		n++
	}
	return n
}

// tally groups claims by the value get returns.
func tally(claims []idClaim, get func(idClaim) string) []*support {
	var out []*support
	byValue := map[string]*support{}
	for _, c := range claims {
		val := get(c)
		if val == "" {
			continue
		}
		s := byValue[val]
		if s == nil {
			s = &support{value: val, docs: map[string]bool{}, rank: otherRank + 1}
			byValue[val] = s
			out = append(out, s)
		}
		s.claims = append(s.claims, c)
		if c.v == nil {
			s.chorus = true
			continue
		}
		s.docs[fmt.Sprintf("%s#%d", c.v.sha, c.v.order)] = true
		s.rank = min(s.rank, c.v.rank)
		s.conf = max(s.conf, c.conf)
	}
	// Most independent sources first; on a tie, documents before Chorus,
	// then the better document type, the higher confidence, the smaller value.
	slices.SortStableFunc(out, func(a, b *support) int {
		if c := cmp.Compare(b.total(), a.total()); c != 0 {
			return c
		}
		if c := cmp.Compare(len(b.docs), len(a.docs)); c != 0 {
			return c
		}
		if c := cmp.Compare(a.rank, b.rank); c != 0 {
			return c
		}
		if c := cmp.Compare(b.conf, a.conf); c != 0 {
			return c
		}
		return cmp.Compare(a.value, b.value)
	})
	return out
}

// choosePrestataire identifies the supplier from the valid identifiers of
// the supplier-side documents and of Chorus.
func choosePrestataire(views []*view, ej *chorus.EJ, conflicts *[]Conflict, warnings *[]string) Prestataire {
	warn := func(s string) { *warnings = append(*warnings, s) }
	buyer := map[string]bool{}
	if s, ok := fr.SIRENFromSIRET(ej.SIRETAcheteur); ok {
		buyer[s] = true
	}
	var claims []idClaim
	for _, v := range views {
		if supplierTypes[v.typ] {
			claims = append(claims, claimsOf(v, buyer, warn)...)
		}
	}
	// Chorus last: sources and conflict values read documents first.
	slices.SortStableFunc(claims, func(a, b idClaim) int {
		if c := cmp.Compare(a.v.rank, b.v.rank); c != 0 {
			return c
		}
		return cmp.Compare(a.v.order, b.v.order)
	})
	claims = append(claims, chorusClaims(ej, warn)...)

	sirens := tally(claims, func(c idClaim) string { return c.siren })
	sirets := tally(claims, func(c idClaim) string { return c.siret })
	addIDConflict(conflicts, "prestataire.siren", sirens)
	addIDConflict(conflicts, "prestataire.siret", sirets)

	p := Prestataire{Sources: []Source{}}
	if len(sirens) == 0 {
		p.Nom, p.Sources = supplierName(views, ej, nil)
		return p
	}
	best := sirens[0]
	p.SIREN = best.value
	p.Identifie = identified(sirens)
	for _, s := range sirets {
		if s.value[:9] == best.value {
			p.SIRET = s.value
			break
		}
	}
	seen := map[Source]bool{}
	for _, c := range best.claims {
		if src := c.source(ej); !seen[src] {
			seen[src] = true
			p.Sources = append(p.Sources, src)
		}
	}
	var nameSources []Source
	p.Nom, nameSources = supplierName(views, ej, best)
	for _, src := range nameSources {
		if !seen[src] {
			p.Sources = append(p.Sources, src)
		}
	}
	return p
}

// identified applies the rule of the package documentation to the SIRENs
// tallied, best first.
func identified(sirens []*support) bool {
	best := sirens[0]
	if len(sirens) > 1 && sirens[1].total() >= best.total() {
		return false // contradicted as often as supported
	}
	switch n := len(best.docs); {
	case best.chorus && n >= 1, n >= 2:
		return true
	case n == 1:
		return best.conf >= singleDocumentConfidence
	}
	return best.chorus // Chorus alone, no document saying otherwise
}

// supplierName takes the name from the best document behind the chosen
// SIREN, else from Chorus when Chorus agrees (or nothing is identified),
// else, with no identifier anywhere, from the best supplier-side document.
func supplierName(views []*view, ej *chorus.EJ, best *support) (string, []Source) {
	if best != nil {
		for _, c := range best.claims {
			if c.v == nil {
				continue
			}
			if s, _, ok := c.v.text("fournisseur.nom"); ok {
				return s, []Source{c.v.source("fournisseur.nom")}
			}
		}
		if best.chorus && ej.Fournisseur.Nom != "" {
			return ej.Fournisseur.Nom, []Source{{Document: chorusSource, Field: "fournisseur.nom", Evidence: ej.Fournisseur.Nom}}
		}
		return "", nil
	}
	if ej.Fournisseur.Nom != "" {
		return ej.Fournisseur.Nom, []Source{{Document: chorusSource, Field: "fournisseur.nom", Evidence: ej.Fournisseur.Nom}}
	}
	if c := candidates(views, "fournisseur.nom", func(v *view) bool { return supplierTypes[v.typ] }); len(c) > 0 {
		return c[0].text, []Source{c[0].source()}
	}
	return "", nil
}

// addIDConflict lists every source of every value when sources disagree.
func addIDConflict(conflicts *[]Conflict, champ string, values []*support) {
	if len(values) < 2 {
		return
	}
	c := Conflict{Champ: champ}
	seen := map[ConflictValue]bool{}
	for _, s := range values {
		for _, cl := range s.claims {
			cv := ConflictValue{Value: s.value, Source: cl.sourceID()}
			if !seen[cv] {
				seen[cv] = true
				c.Valeurs = append(c.Valeurs, cv)
			}
		}
	}
	*conflicts = append(*conflicts, c)
}
