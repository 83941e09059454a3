// Package store keeps the EJ, their attachments, extraction results,
// enriched records, processing steps and reviews. It holds the interface
// and the domain types; sqlite/ (and postgres/, later) implement it, and
// storetest/ is the one test suite every implementation passes.
package store

import (
	"context"
	"errors"
	"sort"
	"strings"
	"time"

	"github.com/depenses-eclairees/depenses/internal/anomaly"
	"github.com/depenses-eclairees/depenses/internal/chorus"
	"github.com/depenses-eclairees/depenses/internal/document"
	"github.com/depenses-eclairees/depenses/internal/reconcile"
	"github.com/depenses-eclairees/depenses/internal/referential"
)

// ErrNotFound is returned when the EJ or document asked for is not stored.
var ErrNotFound = errors.New("introuvable")

// Document statuses.
const (
	StatusPending = "a_traiter"
	StatusDone    = "traite"
	StatusFailed  = "erreur" // read but unusable (corrupt, encrypted…): final
)

// Change says what an upsert did.
type Change int

const (
	Unchanged Change = iota
	Created
	Updated
)

// Store is the persistent state of the product.
type Store interface {
	// InTx runs fn in one transaction: everything it writes, jobs included,
	// is committed together or not at all.
	InTx(ctx context.Context, fn func(Tx) error) error

	EJ(ctx context.Context, numEJ string) (chorus.EJ, error)
	// EachEJ calls fn for every stored EJ in num_ej order.
	EachEJ(ctx context.Context, fn func(chorus.EJ) error) error
	Document(ctx context.Context, sha string) (Document, error)
	// DocumentsOf lists the attachments of an EJ in name order.
	DocumentsOf(ctx context.Context, numEJ string) ([]Attachment, error)
	// EJsOf lists the EJ a document is attached to.
	EJsOf(ctx context.Context, sha string) ([]string, error)
	Enriched(ctx context.Context, numEJ string) (reconcile.Enriched, error)
	// EachEnriched calls fn for every enriched record in num_ej order.
	EachEnriched(ctx context.Context, fn func(reconcile.Enriched) error) error
	Counts(ctx context.Context) (Counts, error)
	Steps(ctx context.Context, subject string) ([]Step, error)
	Reviews(ctx context.Context, subject string) ([]Review, error)
	Run(ctx context.Context, id int64) (Run, error)
	// EachAnomaly calls fn for every anomaly of the last detection, with its
	// review, ordered by code then EJ.
	EachAnomaly(ctx context.Context, fn func(AnomalyRow) error) error
	// AnomaliesOf lists the anomalies that concern an EJ.
	AnomaliesOf(ctx context.Context, numEJ string) ([]AnomalyRow, error)
	// Etablissement returns a SIRET from the imported SIRENE stock.
	Etablissement(ctx context.Context, siret string) (referential.Etablissement, error)

	Close() error
}

// Tx is what can be written in one transaction.
type Tx interface {
	// UpsertEJ stores an EJ; an identical one already stored is Unchanged.
	UpsertEJ(ctx context.Context, ej chorus.EJ) (Change, error)
	// AddDocument stores a new document as pending; false when the
	// SHA-256 is already known (its row is left as it is).
	AddDocument(ctx context.Context, d NewDocument) (bool, error)
	// Attach links a document to an EJ under a file name; false when the
	// link already exists.
	Attach(ctx context.Context, numEJ, sha, name string) (bool, error)
	// SaveResult records the outcome of processing a document.
	SaveResult(ctx context.Context, sha string, p Processed) error
	// MarkPending sets documents back to pending for reprocessing; their
	// results stay until replaced. No shas means every document.
	MarkPending(ctx context.Context, shas ...string) ([]string, error)
	// PendingOf counts the attachments of an EJ still to process. It locks
	// the EJ's row where the database can, so that of two documents of one
	// EJ finishing together exactly one sees the other done.
	PendingOf(ctx context.Context, numEJ string) (int, error)
	SaveEnriched(ctx context.Context, e reconcile.Enriched, version string) error
	RecordStep(ctx context.Context, s Step) error
	// SaveReview records a person's value; it is never overwritten by processing.
	SaveReview(ctx context.Context, r Review) error
	StartRun(ctx context.Context, r Run) (int64, error)
	FinishRun(ctx context.Context, r Run) error
	AddIssues(ctx context.Context, runID int64, issues []Issue) error
	// ReplaceAnomalies stores the result of a detection in place of the
	// previous one; reviews stay, keyed by AnomalyKey.
	ReplaceAnomalies(ctx context.Context, list []anomaly.Anomaly) error
	// ReviewAnomaly records a person's decision on an anomaly.
	ReviewAnomaly(ctx context.Context, r AnomalyReview) error
	// PutEtablissements adds or replaces establishments of the SIRENE stock.
	PutEtablissements(ctx context.Context, es []referential.Etablissement) error
	// Driver is the database driver's own transaction, for the job queue.
	Driver() any
}

// NewDocument is an attachment seen for the first time.
type NewDocument struct {
	SHA256 string
	Size   int64
	Name   string
}

// Document is a stored attachment and, once processed, its result.
type Document struct {
	SHA256         string
	Size           int64
	Name           string // the first name it was seen under
	Status         string
	DocumentType   string
	TypeConfidence float64
	ErrorCode      string
	Error          string
	Result         *document.Result
	Version        string
	ProcessedAt    time.Time
	CreatedAt      time.Time
}

// Processed is the outcome of one processing of a document.
type Processed struct {
	Status  string // StatusDone or StatusFailed
	Result  document.Result
	Version string
	At      time.Time
}

// Attachment is a document as attached to one EJ.
type Attachment struct {
	Name string
	Document
}

// Step is one processing step of a document or an EJ.
type Step struct {
	Subject  string // "doc:<sha256>" or "ej:<num_ej>"
	Name     string // "lecture", "analyse", "rapprochement"
	Status   string // "ok" or "erreur"
	Error    string
	Duration time.Duration
	Attempt  int
	At       time.Time
}

// Review is a value a person validated or corrected.
type Review struct {
	Subject  string // "doc:<sha256>" or "ej:<num_ej>"
	Field    string // a contract field name, or an enriched value ("designation")
	Value    string // JSON
	Reviewer string
	Comment  string
	At       time.Time
}

// Run is one `depenses ingest`.
type Run struct {
	ID          int64
	StartedAt   time.Time
	FinishedAt  time.Time
	Chorus      string
	Attachments string
	Report      string // JSON summary
}

// Issue is something a run reported: a rejected row, an unlinkable file.
type Issue struct {
	Source  string // "chorus" or "piece"
	Ref     string // line number or file name
	Message string
}

// Counts summarises the store.
type Counts struct {
	EJ        int
	Enriched  int
	Documents map[string]int // by status
	Links     int
}

// Review statuses of an anomaly.
const (
	AnomalyToCheck       = "a_verifier"
	AnomalyConfirmed     = "confirmee"
	AnomalyFalsePositive = "faux_positif"
)

// AnomalyKey identifies an anomaly across detections: its rule and the EJ
// it concerns. A group that gains or loses an EJ is a new anomaly.
func AnomalyKey(a anomaly.Anomaly) string {
	others := append([]string(nil), a.AutresEJ...)
	sort.Strings(others)
	return a.Code + ":" + a.NumEJ + ":" + strings.Join(others, ",")
}

// AnomalyRow is a stored anomaly with its review.
type AnomalyRow struct {
	Key string
	anomaly.Anomaly
	Review AnomalyReview
}

// AnomalyReview is what a person decided; Statut is AnomalyToCheck when
// nobody has looked yet.
type AnomalyReview struct {
	Key      string
	Statut   string
	Reviewer string
	Comment  string
	At       time.Time
}
