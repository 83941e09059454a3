// Package reconcile builds the enriched record of one EJ from its Chorus
// data and the extraction results of its attachments: the designation
// claire, the prestataire identifié and the administration bénéficiaire
// explicite, each with its sources and the conflicts between them
// (CONTRACT.md §3, "An enriched EJ").
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
}

// Anomaly is filled by the anomaly stage (a later issue); reconcile leaves it empty.
type Anomaly struct {
	Code        string `json:"code"`
	Severite    string `json:"severite"`
	Explication string `json:"explication"`
}
