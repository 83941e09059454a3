// Package sqlite implements the store on an embedded SQLite database
// (modernc.org/sqlite, pure Go) in WAL mode, with goose migrations. It is
// the zero-set-up default: one file in the data folder.
package sqlite

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"sort"
	"time"

	"github.com/pressly/goose/v3"
	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"github.com/depenses-eclairees/depenses/internal/anomaly"
	"github.com/depenses-eclairees/depenses/internal/chorus"
	"github.com/depenses-eclairees/depenses/internal/document"
	"github.com/depenses-eclairees/depenses/internal/reconcile"
	"github.com/depenses-eclairees/depenses/internal/referential"
	"github.com/depenses-eclairees/depenses/internal/store"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Store is the SQLite store. Its pool has one connection, as River's
// SQLite driver asks: SQLite runs one writer at a time anyway, and one
// connection turns "database is locked" into plain waiting.
type Store struct {
	db *sql.DB
}

var _ store.Store = (*Store)(nil)

// Open opens (creating it if needed) the database file at path and
// brings its schema up to date.
func Open(ctx context.Context, path string) (*Store, error) {
	q := url.Values{}
	for _, p := range []string{"journal_mode(WAL)", "busy_timeout(30000)", "foreign_keys(1)", "synchronous(NORMAL)"} {
		q.Add("_pragma", p)
	}
	q.Set("_txlock", "immediate")
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("ouverture de la base %s impossible : %w", path, err)
	}
	db.SetMaxOpenConns(1)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("ouverture de la base %s impossible : %w", path, err)
	}
	if err := migrate(ctx, db); err != nil {
		db.Close()
		return nil, err
	}
	return &Store{db: db}, nil
}

func migrate(ctx context.Context, db *sql.DB) error {
	p, err := goose.NewProvider(goose.DialectSQLite3, db, mustSub(migrations, "migrations"), goose.WithDisableGlobalRegistry(true))
	if err != nil {
		return fmt.Errorf("migrations : %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("mise à jour du schéma de la base impossible : %w", err)
	}
	return nil
}

// DB is the pool, shared with the job queue.
func (s *Store) DB() *sql.DB { return s.db }

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// InTx runs fn in a transaction, committed when fn returns nil.
func (s *Store) InTx(ctx context.Context, fn func(store.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("début de transaction impossible : %w", err)
	}
	if err := fn(&Tx{tx: tx}); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("validation de la transaction impossible : %w", err)
	}
	return nil
}

// Tx is one SQLite transaction.
type Tx struct{ tx *sql.Tx }

// Driver returns the *sql.Tx, for River's riversqlite driver.
func (t *Tx) Driver() any { return t.tx }

func now() string { return time.Now().UTC().Format(time.RFC3339Nano) }

func parseTime(s string) time.Time {
	t, _ := time.Parse(time.RFC3339Nano, s)
	return t
}

// ejHash identifies an EJ's content; the extract's line numbers are not
// content, so a re-import of the same data in another order is unchanged.
func ejHash(ej chorus.EJ) (data []byte, hash string, err error) {
	data, err = json.Marshal(ej)
	if err != nil {
		return nil, "", err
	}
	ej.Lines = nil
	content, err := json.Marshal(ej)
	if err != nil {
		return nil, "", err
	}
	sum := sha256.Sum256(content)
	return data, hex.EncodeToString(sum[:]), nil
}

// UpsertEJ stores an EJ; an identical one is left untouched.
func (t *Tx) UpsertEJ(ctx context.Context, ej chorus.EJ) (store.Change, error) {
	data, hash, err := ejHash(ej)
	if err != nil {
		return store.Unchanged, err
	}
	var old string
	err = t.tx.QueryRowContext(ctx, `SELECT data_hash FROM ej WHERE num_ej = ?`, ej.NumEJ).Scan(&old)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return store.Unchanged, fmt.Errorf("EJ %s : %w", ej.NumEJ, err)
	case old == hash:
		return store.Unchanged, nil
	}
	var amount *float64
	if v, _, ok := ej.Engaged(); ok {
		amount = &v
	}
	first := chorus.Poste{}
	if len(ej.Postes) > 0 {
		first = ej.Postes[0]
	}
	date := ej.DateCreation
	if date == "" {
		date = ej.DateNotification
	}
	siren := ej.Fournisseur.SIREN
	if siren == "" && len(ej.Fournisseur.SIRET) == 14 {
		siren = ej.Fournisseur.SIRET[:9]
	}
	ts := now()
	_, err = t.tx.ExecContext(ctx, `
		INSERT INTO ej (num_ej, data, data_hash, fournisseur_siren, montant_engage, date_ej, programme,
		                centre_financier, groupe_marchandises, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (num_ej) DO UPDATE SET data = excluded.data, data_hash = excluded.data_hash,
		    fournisseur_siren = excluded.fournisseur_siren, montant_engage = excluded.montant_engage,
		    date_ej = excluded.date_ej, programme = excluded.programme,
		    centre_financier = excluded.centre_financier, groupe_marchandises = excluded.groupe_marchandises,
		    updated_at = excluded.updated_at`,
		ej.NumEJ, string(data), hash, siren, amount, date, first.Programme, first.CentreFinancier,
		first.GroupeMarchandises, ts, ts)
	if err != nil {
		return store.Unchanged, fmt.Errorf("EJ %s : %w", ej.NumEJ, err)
	}
	if old == "" {
		return store.Created, nil
	}
	return store.Updated, nil
}

// AddDocument inserts a pending document unless its SHA-256 is known.
func (t *Tx) AddDocument(ctx context.Context, d store.NewDocument) (bool, error) {
	res, err := t.tx.ExecContext(ctx, `
		INSERT INTO document (sha256, size, name, status, created_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (sha256) DO NOTHING`, d.SHA256, d.Size, d.Name, store.StatusPending, now())
	if err != nil {
		return false, fmt.Errorf("document %s : %w", d.Name, err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// Attach links a document to an EJ.
func (t *Tx) Attach(ctx context.Context, numEJ, sha, name string) (bool, error) {
	res, err := t.tx.ExecContext(ctx, `
		INSERT INTO ej_document (num_ej, sha256, name, created_at) VALUES (?, ?, ?, ?)
		ON CONFLICT DO NOTHING`, numEJ, sha, name, now())
	if err != nil {
		return false, fmt.Errorf("rattachement de %s à l'EJ %s : %w", name, numEJ, err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// SaveResult stores a processed document's result.
func (t *Tx) SaveResult(ctx context.Context, sha string, p store.Processed) error {
	data, err := json.Marshal(p.Result)
	if err != nil {
		return err
	}
	var typ string
	var conf float64
	if p.Result.DocumentType != nil {
		typ, conf = p.Result.DocumentType.Value, p.Result.DocumentType.Confidence
	}
	var msg string
	if p.Result.Error != nil {
		msg = *p.Result.Error
	}
	at := p.At
	if at.IsZero() {
		at = time.Now()
	}
	res, err := t.tx.ExecContext(ctx, `
		UPDATE document SET status = ?, document_type = ?, type_confidence = ?, error_code = ?, error = ?,
		    result = ?, version = ?, processed_at = ?
		WHERE sha256 = ?`,
		p.Status, typ, conf, p.Result.ErrorCode, msg, string(data), p.Version, at.UTC().Format(time.RFC3339Nano), sha)
	if err != nil {
		return fmt.Errorf("résultat du document %s : %w", sha[:12], err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("document %s : %w", sha[:12], store.ErrNotFound)
	}
	return nil
}

// MarkPending sets documents back to pending.
func (t *Tx) MarkPending(ctx context.Context, shas ...string) ([]string, error) {
	if len(shas) == 0 {
		rows, err := t.tx.QueryContext(ctx, `SELECT sha256 FROM document ORDER BY sha256`)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				rows.Close()
				return nil, err
			}
			shas = append(shas, s)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	var done []string
	for _, s := range shas {
		res, err := t.tx.ExecContext(ctx, `UPDATE document SET status = ? WHERE sha256 = ?`, store.StatusPending, s)
		if err != nil {
			return nil, err
		}
		if n, _ := res.RowsAffected(); n == 1 {
			done = append(done, s)
		}
	}
	return done, nil
}

// PendingOf counts an EJ's attachments still to process. SQLite runs one
// write transaction at a time (_txlock=immediate), which is the lock.
func (t *Tx) PendingOf(ctx context.Context, numEJ string) (int, error) {
	var n int
	err := t.tx.QueryRowContext(ctx, `
		SELECT count(*) FROM ej_document l JOIN document d ON d.sha256 = l.sha256
		WHERE l.num_ej = ? AND d.status = ?`, numEJ, store.StatusPending).Scan(&n)
	return n, err
}

// SaveEnriched stores an EJ's enriched record.
func (t *Tx) SaveEnriched(ctx context.Context, e reconcile.Enriched, version string) error {
	data, err := json.Marshal(e)
	if err != nil {
		return err
	}
	_, err = t.tx.ExecContext(ctx, `
		INSERT INTO enriched (num_ej, record, version, computed_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (num_ej) DO UPDATE SET record = excluded.record, version = excluded.version,
		    computed_at = excluded.computed_at`, e.NumEJ, string(data), version, now())
	if err != nil {
		return fmt.Errorf("EJ %s : %w", e.NumEJ, err)
	}
	return nil
}

// RecordStep appends a processing step.
func (t *Tx) RecordStep(ctx context.Context, s store.Step) error {
	at := s.At
	if at.IsZero() {
		at = time.Now()
	}
	_, err := t.tx.ExecContext(ctx, `
		INSERT INTO step (subject, name, status, error, duration_ms, attempt, at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		s.Subject, s.Name, s.Status, s.Error, s.Duration.Milliseconds(), s.Attempt, at.UTC().Format(time.RFC3339Nano))
	return err
}

// SaveReview records (or replaces) a person's value for a field.
func (t *Tx) SaveReview(ctx context.Context, r store.Review) error {
	if !json.Valid([]byte(r.Value)) {
		return fmt.Errorf("valeur validée pour %s : JSON invalide", r.Field)
	}
	at := r.At
	if at.IsZero() {
		at = time.Now()
	}
	_, err := t.tx.ExecContext(ctx, `
		INSERT INTO review (subject, field, value, reviewer, comment, at) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (subject, field) DO UPDATE SET value = excluded.value, reviewer = excluded.reviewer,
		    comment = excluded.comment, at = excluded.at`,
		r.Subject, r.Field, r.Value, r.Reviewer, r.Comment, at.UTC().Format(time.RFC3339Nano))
	return err
}

// StartRun records the start of an ingest.
func (t *Tx) StartRun(ctx context.Context, r store.Run) (int64, error) {
	res, err := t.tx.ExecContext(ctx, `INSERT INTO ingest_run (started_at, chorus, attachments) VALUES (?, ?, ?)`,
		r.StartedAt.UTC().Format(time.RFC3339Nano), r.Chorus, r.Attachments)
	if err != nil {
		return 0, err
	}
	return res.LastInsertId()
}

// FinishRun records the end of an ingest and its report.
func (t *Tx) FinishRun(ctx context.Context, r store.Run) error {
	_, err := t.tx.ExecContext(ctx, `UPDATE ingest_run SET finished_at = ?, report = ? WHERE id = ?`,
		r.FinishedAt.UTC().Format(time.RFC3339Nano), r.Report, r.ID)
	return err
}

// AddIssues records what a run reported.
func (t *Tx) AddIssues(ctx context.Context, runID int64, issues []store.Issue) error {
	for _, is := range issues {
		if _, err := t.tx.ExecContext(ctx, `INSERT INTO ingest_issue (run_id, source, ref, message) VALUES (?, ?, ?, ?)`,
			runID, is.Source, is.Ref, is.Message); err != nil {
			return err
		}
	}
	return nil
}

// EJ returns one stored EJ.
func (s *Store) EJ(ctx context.Context, numEJ string) (chorus.EJ, error) {
	var data string
	err := s.db.QueryRowContext(ctx, `SELECT data FROM ej WHERE num_ej = ?`, numEJ).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return chorus.EJ{}, fmt.Errorf("EJ %s : %w", numEJ, store.ErrNotFound)
	}
	if err != nil {
		return chorus.EJ{}, err
	}
	var ej chorus.EJ
	return ej, json.Unmarshal([]byte(data), &ej)
}

// EachEJ calls fn for every EJ, reading in pages so that fn may be slow
// without holding the connection.
func (s *Store) EachEJ(ctx context.Context, fn func(chorus.EJ) error) error {
	return s.pages(ctx, `SELECT num_ej, data FROM ej WHERE num_ej > ? ORDER BY num_ej LIMIT 500`, func(data string) error {
		var ej chorus.EJ
		if err := json.Unmarshal([]byte(data), &ej); err != nil {
			return err
		}
		return fn(ej)
	})
}

// EachEnriched calls fn for every enriched record.
func (s *Store) EachEnriched(ctx context.Context, fn func(reconcile.Enriched) error) error {
	return s.pages(ctx, `SELECT num_ej, record FROM enriched WHERE num_ej > ? ORDER BY num_ej LIMIT 500`, func(data string) error {
		var e reconcile.Enriched
		if err := json.Unmarshal([]byte(data), &e); err != nil {
			return err
		}
		return fn(e)
	})
}

// pages runs a keyset-paginated query (key, data) and calls fn on each
// row, outside the query, since the pool has a single connection.
func (s *Store) pages(ctx context.Context, query string, fn func(data string) error) error {
	after := ""
	for {
		rows, err := s.db.QueryContext(ctx, query, after)
		if err != nil {
			return err
		}
		var batch []string
		for rows.Next() {
			var key, data string
			if err := rows.Scan(&key, &data); err != nil {
				rows.Close()
				return err
			}
			batch = append(batch, data)
			after = key
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, d := range batch {
			if err := fn(d); err != nil {
				return err
			}
		}
		if len(batch) < 500 {
			return nil
		}
	}
}

const documentColumns = `d.sha256, d.size, d.name, d.status, d.document_type, d.type_confidence, d.error_code,
	d.error, d.result, d.version, d.processed_at, d.created_at`

func scanDocument(sc interface{ Scan(...any) error }, extra ...any) (store.Document, error) {
	var d store.Document
	var result sql.NullString
	var processed, created string
	dest := append([]any{&d.SHA256, &d.Size, &d.Name, &d.Status, &d.DocumentType, &d.TypeConfidence,
		&d.ErrorCode, &d.Error, &result, &d.Version, &processed, &created}, extra...)
	if err := sc.Scan(dest...); err != nil {
		return d, err
	}
	d.ProcessedAt, d.CreatedAt = parseTime(processed), parseTime(created)
	if result.Valid {
		var r document.Result
		if err := json.Unmarshal([]byte(result.String), &r); err != nil {
			return d, fmt.Errorf("résultat illisible du document %s : %w", d.SHA256[:12], err)
		}
		d.Result = &r
	}
	return d, nil
}

// Document returns one stored document.
func (s *Store) Document(ctx context.Context, sha string) (store.Document, error) {
	d, err := scanDocument(s.db.QueryRowContext(ctx, `SELECT `+documentColumns+` FROM document d WHERE d.sha256 = ?`, sha))
	if errors.Is(err, sql.ErrNoRows) {
		return d, fmt.Errorf("document %s : %w", sha, store.ErrNotFound)
	}
	return d, err
}

// DocumentsOf lists an EJ's attachments.
func (s *Store) DocumentsOf(ctx context.Context, numEJ string) ([]store.Attachment, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+documentColumns+`, l.name FROM ej_document l
		JOIN document d ON d.sha256 = l.sha256 WHERE l.num_ej = ? ORDER BY l.name, l.sha256`, numEJ)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.Attachment
	for rows.Next() {
		var a store.Attachment
		d, err := scanDocument(rows, &a.Name)
		if err != nil {
			return nil, err
		}
		a.Document = d
		out = append(out, a)
	}
	return out, rows.Err()
}

// EJsOf lists the EJ a document is attached to.
func (s *Store) EJsOf(ctx context.Context, sha string) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT DISTINCT num_ej FROM ej_document WHERE sha256 = ? ORDER BY num_ej`, sha)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// Enriched returns an EJ's enriched record.
func (s *Store) Enriched(ctx context.Context, numEJ string) (reconcile.Enriched, error) {
	var data string
	err := s.db.QueryRowContext(ctx, `SELECT record FROM enriched WHERE num_ej = ?`, numEJ).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return reconcile.Enriched{}, fmt.Errorf("fiche enrichie de l'EJ %s : %w", numEJ, store.ErrNotFound)
	}
	if err != nil {
		return reconcile.Enriched{}, err
	}
	var e reconcile.Enriched
	return e, json.Unmarshal([]byte(data), &e)
}

// Counts summarises the store.
func (s *Store) Counts(ctx context.Context) (store.Counts, error) {
	c := store.Counts{Documents: map[string]int{}}
	for q, dst := range map[string]*int{
		`SELECT count(*) FROM ej`:          &c.EJ,
		`SELECT count(*) FROM enriched`:    &c.Enriched,
		`SELECT count(*) FROM ej_document`: &c.Links,
	} {
		if err := s.db.QueryRowContext(ctx, q).Scan(dst); err != nil {
			return c, err
		}
	}
	rows, err := s.db.QueryContext(ctx, `SELECT status, count(*) FROM document GROUP BY status`)
	if err != nil {
		return c, err
	}
	defer rows.Close()
	for rows.Next() {
		var st string
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			return c, err
		}
		c.Documents[st] = n
	}
	return c, rows.Err()
}

// Steps lists a subject's processing steps, oldest first.
func (s *Store) Steps(ctx context.Context, subject string) ([]store.Step, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT subject, name, status, error, duration_ms, attempt, at FROM step
		WHERE subject = ? ORDER BY id`, subject)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.Step
	for rows.Next() {
		var st store.Step
		var ms int64
		var at string
		if err := rows.Scan(&st.Subject, &st.Name, &st.Status, &st.Error, &ms, &st.Attempt, &at); err != nil {
			return nil, err
		}
		st.Duration, st.At = time.Duration(ms)*time.Millisecond, parseTime(at)
		out = append(out, st)
	}
	return out, rows.Err()
}

// Reviews lists the values people validated for a subject.
func (s *Store) Reviews(ctx context.Context, subject string) ([]store.Review, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT subject, field, value, reviewer, comment, at FROM review
		WHERE subject = ? ORDER BY field`, subject)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.Review
	for rows.Next() {
		var r store.Review
		var at string
		if err := rows.Scan(&r.Subject, &r.Field, &r.Value, &r.Reviewer, &r.Comment, &at); err != nil {
			return nil, err
		}
		r.At = parseTime(at)
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Field < out[j].Field })
	return out, rows.Err()
}

// Run returns one ingest run.
func (s *Store) Run(ctx context.Context, id int64) (store.Run, error) {
	var r store.Run
	var started, finished string
	err := s.db.QueryRowContext(ctx, `SELECT id, started_at, finished_at, chorus, attachments, report FROM ingest_run WHERE id = ?`, id).
		Scan(&r.ID, &started, &finished, &r.Chorus, &r.Attachments, &r.Report)
	if errors.Is(err, sql.ErrNoRows) {
		return r, fmt.Errorf("import %d : %w", id, store.ErrNotFound)
	}
	r.StartedAt, r.FinishedAt = parseTime(started), parseTime(finished)
	return r, err
}

// PutEtablissements upserts SIRENE establishments.
func (t *Tx) PutEtablissements(ctx context.Context, es []referential.Etablissement) error {
	stmt, err := t.tx.PrepareContext(ctx, `
		INSERT INTO sirene_etablissement (siret, siren, etat, activite, nomenclature, nom, enseigne, creation,
		                                  code_postal, commune, debut)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (siret) DO UPDATE SET siren = excluded.siren, etat = excluded.etat, activite = excluded.activite,
		    nomenclature = excluded.nomenclature, nom = excluded.nom, enseigne = excluded.enseigne,
		    creation = excluded.creation, code_postal = excluded.code_postal, commune = excluded.commune,
		    debut = excluded.debut`)
	if err != nil {
		return err
	}
	defer stmt.Close()
	for _, e := range es {
		if _, err := stmt.ExecContext(ctx, e.SIRET, e.SIREN, e.State, e.Activity, e.ActivityNomenclature, e.UsualName,
			e.Sign, e.Created, e.PostalCode, e.Municipality, e.PeriodStart); err != nil {
			return fmt.Errorf("SIRET %s : %w", e.SIRET, err)
		}
	}
	return nil
}

// Etablissement returns an imported SIRENE establishment.
func (s *Store) Etablissement(ctx context.Context, siret string) (referential.Etablissement, error) {
	var e referential.Etablissement
	err := s.db.QueryRowContext(ctx, `SELECT siret, siren, etat, activite, nomenclature, nom, enseigne, creation,
		code_postal, commune, debut FROM sirene_etablissement WHERE siret = ?`, siret).
		Scan(&e.SIRET, &e.SIREN, &e.State, &e.Activity, &e.ActivityNomenclature, &e.UsualName, &e.Sign, &e.Created,
			&e.PostalCode, &e.Municipality, &e.PeriodStart)
	if errors.Is(err, sql.ErrNoRows) {
		return e, fmt.Errorf("SIRET %s absent du stock SIRENE importé : %w", siret, store.ErrNotFound)
	}
	if len(e.SIRET) == 14 {
		e.NIC = e.SIRET[9:]
	}
	e.Active = e.State == "A"
	return e, err
}

// ReplaceAnomalies replaces the stored anomalies by a new detection.
func (t *Tx) ReplaceAnomalies(ctx context.Context, list []anomaly.Anomaly) error {
	if _, err := t.tx.ExecContext(ctx, `DELETE FROM anomaly_ej`); err != nil {
		return err
	}
	if _, err := t.tx.ExecContext(ctx, `DELETE FROM anomaly`); err != nil {
		return err
	}
	ts := now()
	for _, a := range list {
		data, err := json.Marshal(a)
		if err != nil {
			return err
		}
		key := store.AnomalyKey(a)
		_, err = t.tx.ExecContext(ctx, `INSERT INTO anomaly (key, code, num_ej, severite, score, data, detected_at)
			VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING`, key, a.Code, a.NumEJ, a.Severite, a.Score, string(data), ts)
		if err != nil {
			return fmt.Errorf("anomalie %s : %w", key, err)
		}
		for _, num := range append([]string{a.NumEJ}, a.AutresEJ...) {
			if _, err := t.tx.ExecContext(ctx, `INSERT INTO anomaly_ej (key, num_ej) VALUES (?, ?) ON CONFLICT DO NOTHING`, key, num); err != nil {
				return err
			}
		}
	}
	return nil
}

// ReviewAnomaly records a decision on an anomaly.
func (t *Tx) ReviewAnomaly(ctx context.Context, r store.AnomalyReview) error {
	switch r.Statut {
	case store.AnomalyToCheck, store.AnomalyConfirmed, store.AnomalyFalsePositive:
	default:
		return fmt.Errorf("statut de revue inconnu %q : a_verifier, confirmee ou faux_positif", r.Statut)
	}
	at := r.At
	if at.IsZero() {
		at = time.Now()
	}
	_, err := t.tx.ExecContext(ctx, `INSERT INTO anomaly_review (key, statut, reviewer, comment, at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (key) DO UPDATE SET statut = excluded.statut, reviewer = excluded.reviewer, comment = excluded.comment, at = excluded.at`,
		r.Key, r.Statut, r.Reviewer, r.Comment, at.UTC().Format(time.RFC3339Nano))
	return err
}

const anomalySelect = `SELECT a.key, a.data, coalesce(r.statut, ''), coalesce(r.reviewer, ''), coalesce(r.comment, ''), coalesce(r.at, '')
	FROM anomaly a LEFT JOIN anomaly_review r ON r.key = a.key`

func scanAnomalies(rows *sql.Rows) ([]store.AnomalyRow, error) {
	defer rows.Close()
	var out []store.AnomalyRow
	for rows.Next() {
		var row store.AnomalyRow
		var data, at string
		if err := rows.Scan(&row.Key, &data, &row.Review.Statut, &row.Review.Reviewer, &row.Review.Comment, &at); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(data), &row.Anomaly); err != nil {
			return nil, err
		}
		row.Review.Key, row.Review.At = row.Key, parseTime(at)
		if row.Review.Statut == "" {
			row.Review.Statut = store.AnomalyToCheck
		}
		out = append(out, row)
	}
	return out, rows.Err()
}

// EachAnomaly calls fn for every stored anomaly.
func (s *Store) EachAnomaly(ctx context.Context, fn func(store.AnomalyRow) error) error {
	rows, err := s.db.QueryContext(ctx, anomalySelect+` ORDER BY a.code, a.num_ej, a.key`)
	if err != nil {
		return err
	}
	list, err := scanAnomalies(rows)
	if err != nil {
		return err
	}
	for _, a := range list {
		if err := fn(a); err != nil {
			return err
		}
	}
	return nil
}

// AnomaliesOf lists the anomalies concerning an EJ.
func (s *Store) AnomaliesOf(ctx context.Context, numEJ string) ([]store.AnomalyRow, error) {
	rows, err := s.db.QueryContext(ctx, anomalySelect+` WHERE a.key IN (SELECT key FROM anomaly_ej WHERE num_ej = ?)
		ORDER BY a.code, a.num_ej, a.key`, numEJ)
	if err != nil {
		return nil, err
	}
	return scanAnomalies(rows)
}
