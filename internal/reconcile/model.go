// Package reconcile builds the enriched record of one EJ from its Chorus
// data and the extraction results of its attachments: the designation
// claire, the prestataire identifié and the administration bénéficiaire
// explicite, each with its sources and the conflicts between them
// (CONTRACT.md §3, "An enriched EJ").
//
// Reconcile is pure and deterministic. Documents are read with the
// documents found inside them (archives, e-mails); a document that failed
// is listed but not used, and a document attached twice (same SHA-256)
// counts once. Documents are ranked by type: acte d'engagement, bon de
// commande, devis, CCAP/CCTP/CCP, fiche navette, mémoire technique,
// facture, avoir, then the rest; then by the field's confidence, then by
// input order.
//
// # Designation claire
//
// The candidates are the documents' objet, best ranked first; the first
// that IsClear accepts wins, else the first clear Chorus designation (the
// EJ's, then the postes'), else the best candidate with clair=false and
// its motif. Every other document, and Chorus, whose text is the same once
// folded (case, accents, punctuation) is added as a source.
//
// IsClear accepts a text when, once folded:
//   - it is not empty;
//   - it holds a meaningful word: three letters or more and not a stop word
//     (articles, prepositions, code labels such as "réf", "CPV"); a text
//     without one is a bare code or number ("DA-2026-041", "33.01.04",
//     "CPV 79400000-8", an EJ number) or has no word at all;
//   - not all its meaningful words are generic: purchase vocabulary
//     ("prestation", "commande", "achat", "fourniture", "service",
//     "marché"), document kinds ("devis", "facture", "bon"), references
//     ("selon", "voir", "pièce jointe"), quantities and units ("jour",
//     "demi-journée", "mois", "forfait", "montant") and fillers ("divers",
//     "matériel", "nécessaire"), singular or plural;
//   - it has at least two meaningful words (generic ones count once a
//     specific one is there: "Travaux de peinture" is clear);
//   - it is not an acronym soup: ALL CAPS, fewer than 16 letters, and half
//     its words or more of at most four letters ("AMOA SIRH", "MCO TMA SI").
//
// Texts longer than 4 000 bytes are judged on their beginning.
//
// # Prestataire identifié
//
// Only fournisseur.* fields count, and only on documents the supplier
// issues or that name the titulaire (devis, facture, avoir, acte
// d'engagement, bon de commande, avenant, notification, ordre de service,
// service fait, fiche navette, Kbis, RIB, attestations, DC1/DC2, mémoire
// technique, bordereaux and décompositions de prix); acheteur.* fields
// never do. An identifier counts when it is valid: not flagged
// valid=false, and its checksum passes here (SIRET, SIREN, French VAT,
// from which the SIREN is derived). An invalid identifier, or a supplier
// identifier whose SIREN is the buyer's (acheteur.* of the same document,
// or Chorus's SIRET acheteur), is a warning (avertissements), never the
// value. Chorus's supplier identifiers count the same way.
//
// Each document and Chorus is one independent source. The SIREN with the
// most sources wins; on a tie documents win over Chorus, because the quote
// or invoice is printed by the supplier itself while Chorus's titulaire may
// be a placeholder (tiers occasionnel) or a stale record; then the better
// document type, the higher confidence. The supplier is identifié when the
// SIREN is not contradicted by as many sources as support it, and it is
// backed by Chorus and a document, or by two documents, or by one document
// read with confidence ≥ 0.85, or by Chorus alone when no document gives
// any identifier (as before enrichment). Differing SIRENs give a
// prestataire.siren conflict, differing SIRETs a prestataire.siret one.
// The SIRET is the most supported one of the chosen SIREN; the name comes
// from the best document behind the SIREN, else from Chorus when it
// agrees. Without any valid identifier, the name is Chorus's, else the
// best supplier-side document's.
//
// # Administration bénéficiaire explicite
//
// Chorus implies a ministry through the programme of its postes (the
// programme column, or the head of the centre financier) and the
// Referential, else through EJ.Ministere. A document's
// administration_beneficiaire ("Ministère > Direction > Service"), then
// acheteur.nom, refines it when its ministry agrees; otherwise the value
// is the ministry itself. Without Chorus, the best document's value is
// taken. Without a document, Chorus's value is the ministry refined by the
// service it names (ODA service bénéficiaire, else the centre financier's
// label). It is explicite when it names the body that benefits, not only
// a ministry — any programme gives the ministry, which tells an agent
// little: "Ministère > Direction…", or a body that is not a ministry
// ("Direction des achats de l'État"). A document naming
// another ministry gives an administration_beneficiaire conflict. Two
// ministry names agree when the content words (folded, without
// "Ministère", articles and prepositions) of one are all in the other, or
// when they share at least half of their words together: names change
// with governments and are written by portfolio or in full.
//
// # Montants, conseil, before enrichment
//
// Montants sets Chorus's engaged amount and basis (EJ.Engaged) next to the
// totals of one order document (acte d'engagement, then bon de commande,
// then devis; the most recent first) and the sums of the invoices and of
// the credit notes (one invoice per numero; a sum only when each invoice
// prints it). Conseil takes conseil.nb_jours, conseil.tjm and
// conseil.categorie from the best document printing them. Both are absent
// when nothing says. AvantEnrichissement applies the same three tests to
// Chorus alone: a clear EJ or poste designation, a valid supplier SIRET,
// SIREN or VAT number, a ministry from the programme or EJ.Ministere.
package reconcile

import (
	"github.com/depenses-eclairees/depenses/internal/chorus"
	"github.com/depenses-eclairees/depenses/internal/document"
)

// Doc is one attachment of the EJ with its extraction result.
type Doc struct {
	SHA256 string
	Name   string // file name as attached to the EJ
	Result document.Result
}

// Input is everything reconcile looks at for one EJ.
type Input struct {
	EJ        chorus.EJ
	Documents []Doc
}

// Referential is the reference data reconcile needs.
type Referential interface {
	// MinistryOfProgramme names the ministry of a LOLF programme given as
	// printed in a centre financier ("0129") or bare ("129").
	MinistryOfProgramme(programme string) (string, bool)
}

// Enriched is one line of `depenses export --format jsonl`.
type Enriched struct {
	NumEJ                      string            `json:"num_ej"`
	Chorus                     ChorusSummary     `json:"chorus"`
	Designation                Designation       `json:"designation"`
	Prestataire                Prestataire       `json:"prestataire"`
	AdministrationBeneficiaire Administration    `json:"administration_beneficiaire"`
	Conflits                   []Conflict        `json:"conflits"`
	Documents                  []DocumentSummary `json:"documents"`
	Anomalies                  []Anomaly         `json:"anomalies"`

	// Montants sets the documents' totals next to Chorus's engaged amount;
	// nil when neither says anything.
	Montants *Amounts `json:"montants,omitempty"`
	// Conseil holds the consulting figures the documents print; nil when none does.
	Conseil *Consulting `json:"conseil,omitempty"`
	// AvantEnrichissement is what Chorus alone achieves, for the before/after indicators.
	AvantEnrichissement BeforeEnrichment `json:"avant_enrichissement"`
	// Avertissements name what was read but not used (invalid identifiers,
	// supplier identifiers equal to the buyer's), in French.
	Avertissements []string `json:"avertissements,omitempty"`
}

// Amounts are the totals of the order as the documents and Chorus give them.
type Amounts struct {
	// Engage is Chorus's engaged amount (EJ.Engaged).
	Engage *EngagedAmount `json:"engage,omitempty"`
	// Commande is the totals of the chosen acte d'engagement, bon de commande or devis.
	Commande *DocumentAmounts `json:"commande,omitempty"`
	// Factures sums the invoices; Avoirs the credit notes, as printed (positive).
	Factures *DocumentAmounts `json:"factures,omitempty"`
	Avoirs   *DocumentAmounts `json:"avoirs,omitempty"`
}

// EngagedAmount is an amount engaged in Chorus and its basis ("HT", "TTC",
// or empty when the extract does not say).
type EngagedAmount struct {
	Montant float64 `json:"montant"`
	Base    string  `json:"base,omitempty"`
}

// DocumentAmounts are totals read on documents. A sum is present only when
// every counted document prints it.
type DocumentAmounts struct {
	MontantHT   *float64 `json:"montant_ht,omitempty"`
	MontantTTC  *float64 `json:"montant_ttc,omitempty"`
	NbDocuments int      `json:"nb_documents"`
	Sources     []Source `json:"sources"`
}

// Consulting holds the consulting figures of the documents (DOMAIN.md §2.3).
type Consulting struct {
	NbJours   *SourcedNumber `json:"nb_jours,omitempty"`
	TJM       *SourcedNumber `json:"tjm,omitempty"` // € HT per day
	Categorie *SourcedText   `json:"categorie,omitempty"`
}

// SourcedNumber is a number with where it was read.
type SourcedNumber struct {
	Value   float64  `json:"value"`
	Sources []Source `json:"sources"`
}

// SourcedText is a text value with where it was read.
type SourcedText struct {
	Value   string   `json:"value"`
	Sources []Source `json:"sources"`
}

// BeforeEnrichment holds the three indicators computed from Chorus alone.
type BeforeEnrichment struct {
	DesignationClaire       bool `json:"designation_claire"`
	PrestataireIdentifie    bool `json:"prestataire_identifie"`
	AdministrationExplicite bool `json:"administration_explicite"`
}

// ChorusSummary is what Chorus alone says.
type ChorusSummary struct {
	Fournisseur        string   `json:"fournisseur,omitempty"`
	SIRET              string   `json:"siret,omitempty"`
	MontantEngage      *float64 `json:"montant_engage,omitempty"`
	GroupeMarchandises string   `json:"groupe_marchandises,omitempty"`
	CentreFinancier    string   `json:"centre_financier,omitempty"`
	Designation        string   `json:"designation,omitempty"`
}

// Source is where a value was read.
type Source struct {
	Document string `json:"document"` // SHA-256, or "chorus"
	Name     string `json:"nom,omitempty"`
	Page     int    `json:"page,omitempty"`
	Evidence string `json:"evidence,omitempty"`
	Field    string `json:"field,omitempty"`
}

// Designation is what was bought, and whether it says so clearly.
type Designation struct {
	Value   string   `json:"value,omitempty"`
	Clair   bool     `json:"clair"`
	Sources []Source `json:"sources"`
	// Motif says why the value is not clear (IsClear's reason); empty when it is.
	Motif string `json:"motif,omitempty"`
}

// Prestataire is the supplier, identified when a valid SIRET or SIREN backs it.
type Prestataire struct {
	Nom       string   `json:"nom,omitempty"`
	SIREN     string   `json:"siren,omitempty"`
	SIRET     string   `json:"siret,omitempty"`
	Identifie bool     `json:"identifie"`
	Sources   []Source `json:"sources"`
}

// Administration is the public body that benefits, "Ministère > Direction > Service".
type Administration struct {
	Value     string   `json:"value,omitempty"`
	Explicite bool     `json:"explicite"`
	Sources   []Source `json:"sources"`
}

// Conflict lists the differing values of one enriched field.
type Conflict struct {
	Champ   string          `json:"champ"`
	Valeurs []ConflictValue `json:"valeurs"`
}

// ConflictValue is one of the values in conflict and where it comes from.
type ConflictValue struct {
	Value  string `json:"value"`
	Source string `json:"source"` // "chorus" or a document's SHA-256
}

// DocumentSummary is one attachment as the export shows it.
type DocumentSummary struct {
	SHA256       string                    `json:"sha256"`
	Nom          string                    `json:"nom"`
	DocumentType string                    `json:"document_type,omitempty"`
	Fields       map[string]document.Field `json:"fields"`
	Error        string                    `json:"error,omitempty"`
	// Children are the documents found inside this one (archive, e-mail,
	// PDF attachments), so that every source's SHA-256 is listed.
	Children []DocumentSummary `json:"documents_inclus,omitempty"`
}

// Anomaly is filled by the anomaly stage (a later issue); reconcile leaves it empty.
type Anomaly struct {
	Code        string   `json:"code"`
	Severite    string   `json:"severite"`
	Explication string   `json:"explication"`
	Score       float64  `json:"score,omitempty"`
	AutresEJ    []string `json:"autres_ej,omitempty"`
	// Cle identifies the anomaly for its review (depenses anomalies revue).
	Cle string `json:"cle,omitempty"`
	// Statut is the review: a_verifier, confirmee or faux_positif.
	Statut string `json:"statut,omitempty"`
}
