package store

import (
	"context"
	"strings"
	"time"
	"unicode"

	"github.com/depenses-eclairees/depenses/internal/fr"
)

// Web is what the web UI and the API need beyond the processing store:
// searching EJ within a perimeter, accounts, API keys, usage counts and
// the audit log. The SQLite store implements it (PostgreSQL later), and
// storetest checks it.
type Web interface {
	// IndexEJ refreshes the searchable summary of EJ (after reconciliation
	// and after each anomaly detection).
	IndexEJ(ctx context.Context, rows []EJIndex) error
	// SearchEJ lists EJ matching q within perimeter p, one page at a time.
	SearchEJ(ctx context.Context, p Perimeter, q EJQuery) (EJPage, error)
	// InPerimeter tells whether an EJ is visible within p.
	InPerimeter(ctx context.Context, p Perimeter, numEJ string) (bool, error)

	CreateUser(ctx context.Context, u User) error
	User(ctx context.Context, login string) (User, error)

	CreateAPIKey(ctx context.Context, k APIKey) error
	// APIKeyByHash returns a key by the SHA-256 of its secret.
	APIKeyByHash(ctx context.Context, hash string) (APIKey, error)
	RevokeAPIKey(ctx context.Context, id string, at time.Time) error
	APIKeys(ctx context.Context) ([]APIKey, error)

	// CountUsage adds one call of a key to an endpoint on a day.
	CountUsage(ctx context.Context, keyID, endpoint string, day time.Time) error
	Usage(ctx context.Context, since time.Time) ([]Usage, error)

	Audit(ctx context.Context, e AuditEntry) error
	AuditLog(ctx context.Context, subject string, limit int) ([]AuditEntry, error)

	// SaveDocumentText keeps a document's text in reading order (what
	// document.Document.Text returns), for the API and the viewer.
	SaveDocumentText(ctx context.Context, sha, text string) error
	// DocumentText returns it; ErrNotFound when it was not kept.
	DocumentText(ctx context.Context, sha string) (string, error)
}

// Perimeter is what a user or key may see: EJ of these purchasing
// organisations, purchasing groups or ministries. All true sees everything.
type Perimeter struct {
	All                bool     `json:"tout,omitempty"`
	OrganisationsAchat []string `json:"organisations_achat,omitempty"`
	GroupesAcheteurs   []string `json:"groupes_acheteurs,omitempty"`
	Ministeres         []string `json:"ministeres,omitempty"`
}

// EJIndex is the searchable summary of one EJ.
type EJIndex struct {
	NumEJ              string
	Designation        string // enriched designation, else Chorus's
	DesignationClaire  bool
	FournisseurNom     string
	FournisseurSIREN   string
	PrestataireIdentif bool
	Administration     string
	Ministere          string
	Programme          string
	CentreFinancier    string
	GroupeMarchandises string
	OrganisationAchat  string
	GroupeAcheteurs    string
	MontantHT          *float64
	Date               string // YYYY-MM-DD
	Conseil            bool
	NbDocuments        int
	NbAnomalies        int
	// ReviewStatus is "a_verifier" when an anomaly awaits review, "revue"
	// when every anomaly was reviewed, "" without anomaly.
	ReviewStatus string
	// MinConfidence is the lowest confidence among the fields the record
	// rests on: the review queue orders by low confidence × high amount.
	MinConfidence float64
}

// EJQuery filters and orders a search. Empty fields do not filter.
type EJQuery struct {
	Text               string // EJ number, supplier name or SIREN, words of the designation
	Ministere          string
	Programme          string
	CentreFinancier    string
	GroupeMarchandises string
	FournisseurSIREN   string
	MontantMin         *float64
	MontantMax         *float64
	DateFrom, DateTo   string
	Conseil            *bool
	AvecAnomalie       *bool
	ReviewStatus       string
	// Sort is one of "num_ej" (default), "-montant", "montant", "-date",
	// "date", "revue" (review queue: low confidence × high amount first).
	Sort   string
	Cursor string // opaque, from the previous page
	Limit  int    // default 50, at most 500
}

// EJPage is one page of results.
type EJPage struct {
	Items []EJIndex
	Total int    // matching EJ within the perimeter
	Next  string // cursor of the next page, "" at the end
}

// User is an agent of the web UI.
type User struct {
	Login        string
	Name         string
	PasswordHash string // argon2id, encoded with its parameters
	Scopes       []string
	Perimeter    Perimeter
	CreatedAt    time.Time
}

// Scopes of users and API keys.
const (
	ScopeRead   = "read"
	ScopeReview = "review"
	ScopeAdmin  = "admin"
)

// APIKey belongs to a named reuser; only the SHA-256 of its secret is kept.
type APIKey struct {
	ID           string
	Hash         string
	Organisation string
	UseCase      string
	Contact      string
	Scopes       []string
	Perimeter    Perimeter
	CreatedAt    time.Time
	ExpiresAt    time.Time // zero: no expiry
	RevokedAt    time.Time // zero: active
	LastUsedAt   time.Time
}

// Usage counts calls of one key to one endpoint on one day.
type Usage struct {
	KeyID    string
	Endpoint string
	Day      string // YYYY-MM-DD
	Calls    int
}

// AuditEntry is who opened or changed what.
type AuditEntry struct {
	At      time.Time
	Actor   string // "user:<login>" or "key:<id>"
	Action  string // "ouverture_document", "correction_champ", "revue_anomalie", …
	Subject string // "ej:<num>", "doc:<sha256>", "anomalie:<key>"
	Detail  string // JSON
}

// MinistryKey is how perimeters compare ministry names: folded (case,
// accents), every run of non-letters and non-digits one space. Stores
// index it and compare a perimeter's names folded the same way.
func MinistryKey(s string) string {
	var b strings.Builder
	space := false
	for _, r := range s {
		first, second := fr.FoldRune(r)
		if !unicode.IsLetter(first) && !unicode.IsDigit(first) {
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(first)
		if second != 0 {
			b.WriteRune(second)
		}
	}
	return b.String()
}
