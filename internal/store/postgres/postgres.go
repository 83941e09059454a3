// Package postgres implements the store on a PostgreSQL server through a
// pgx pool, with goose migrations. It is the scale-out database: several
// processes (depenses worker) share it and its job queue.
package postgres

import (
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"

	"github.com/depenses-eclairees/depenses/internal/anomaly"
	"github.com/depenses-eclairees/depenses/internal/chorus"
	"github.com/depenses-eclairees/depenses/internal/document"
	"github.com/depenses-eclairees/depenses/internal/reconcile"
	"github.com/depenses-eclairees/depenses/internal/referential"
	"github.com/depenses-eclairees/depenses/internal/store"
)

//go:embed migrations/*.sql
var migrations embed.FS

// defaultMaxConns sizes the pool when the address does not
// (pool_max_conns): River keeps one connection listening and a few for its
// producers and maintenance, besides the workers' transactions.
const defaultMaxConns = 10

// minConns is what Open itself needs: one connection holds the migration
// lock while others migrate.
const minConns = 3

// Store is the PostgreSQL store.
type Store struct {
	pool *pgxpool.Pool
}

var _ store.Store = (*Store)(nil)

// Open connects to the database at url (postgres://… or key=value) and
// brings its schema up to date; tables go to the first schema of the
// search_path.
func Open(ctx context.Context, url string) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("adresse PostgreSQL invalide : %w", err)
	}
	if !strings.Contains(url, "pool_max_conns") {
		cfg.MaxConns = defaultMaxConns
	}
	if cfg.MaxConns < minConns {
		return nil, fmt.Errorf("pool_max_conns vaut %d : il faut au moins %d connexions PostgreSQL", cfg.MaxConns, minConns)
	}
	where := fmt.Sprintf("%s sur %s:%d", cfg.ConnConfig.Database, cfg.ConnConfig.Host, cfg.ConnConfig.Port)
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("connexion à la base PostgreSQL %s impossible : %w", where, err)
	}
	s := &Store{pool: pool}
	if err := s.check(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("base PostgreSQL %s : %w", where, err)
	}
	if err := s.migrate(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	return s, nil
}

// check makes sure the server answers and can hold French text.
func (s *Store) check(ctx context.Context) error {
	var encoding string
	if err := s.pool.QueryRow(ctx, `SHOW server_encoding`).Scan(&encoding); err != nil {
		return fmt.Errorf("connexion impossible : %w", err)
	}
	if encoding != "UTF8" {
		return fmt.Errorf("la base doit être encodée en UTF8 (elle l'est en %s)", encoding)
	}
	return nil
}

func (s *Store) migrate(ctx context.Context) error {
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return err
	}
	db := stdlib.OpenDBFromPool(s.pool)
	defer db.Close()
	p, err := goose.NewProvider(goose.DialectPostgres, db, sub, goose.WithDisableGlobalRegistry(true))
	if err != nil {
		return fmt.Errorf("migrations : %w", err)
	}
	// Several processes may start together on one database.
	return Locked(ctx, s.pool, "goose", func(ctx context.Context) error {
		if _, err := p.Up(ctx); err != nil {
			return fmt.Errorf("mise à jour du schéma de la base impossible : %w", err)
		}
		return nil
	})
}

// Locked runs fn while holding a session advisory lock named after name
// and the current schema, so that processes sharing a schema take turns
// (migrations) while tests in other schemas do not wait.
func Locked(ctx context.Context, pool *pgxpool.Pool, name string, fn func(context.Context) error) error {
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("connexion à PostgreSQL impossible : %w", err)
	}
	defer conn.Release()
	var key int64
	err = conn.QueryRow(ctx, `SELECT hashtextextended($1 || ':' || coalesce(current_schema(), ''), 0)`, "depenses:"+name).Scan(&key)
	if err != nil {
		return err
	}
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1)`, key); err != nil {
		return fmt.Errorf("verrou %s : %w", name, err)
	}
	defer func() {
		if _, err := conn.Exec(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, key); err != nil {
			conn.Conn().Close(context.WithoutCancel(ctx)) // a closed session drops its locks
		}
	}()
	return fn(ctx)
}

// Pool is the connection pool, shared with the job queue.
func (s *Store) Pool() *pgxpool.Pool { return s.pool }

// Close closes the pool, once every connection is given back.
func (s *Store) Close() error {
	s.pool.Close()
	return nil
}

// InTx runs fn in a transaction (READ COMMITTED), committed when fn
// returns nil.
func (s *Store) InTx(ctx context.Context, fn func(store.Tx) error) error {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("début de transaction impossible : %w", err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx)) // no-op once committed; also on panic
	if err := fn(&Tx{tx: tx}); err != nil {
		return err
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("validation de la transaction impossible : %w", err)
	}
	return nil
}

// Tx is one PostgreSQL transaction.
type Tx struct{ tx pgx.Tx }

// Driver returns the pgx.Tx, for River's riverpgxv5 driver.
func (t *Tx) Driver() any { return t.tx }

// querier is what a pool and a transaction both do.
type querier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// jsonArg marks a parameter holding JSON for a JSONB column.
type jsonArg []byte

// clean makes arguments storable. PostgreSQL's text holds neither NUL nor
// invalid UTF-8, which file names and extracted text may carry: both
// become U+FFFD, as encoding/json already does for invalid bytes, rather
// than losing the row. Lookups are cleaned the same way, so they match.
func clean(args []any) []any {
	for i, a := range args {
		switch v := a.(type) {
		case string:
			args[i] = cleanText(v)
		case jsonArg:
			args[i] = string(cleanJSON(v))
		}
	}
	return args
}

func cleanText(s string) string {
	if utf8.ValidString(s) && strings.IndexByte(s, 0) < 0 {
		return s
	}
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "\uFFFD")
}

// cleanJSON replaces the escape \u0000, which JSONB refuses, by \ufffd.
// Backslashes only occur in strings of valid JSON, each starting an escape.
func cleanJSON(data []byte) []byte {
	if !strings.Contains(string(data), `\u0000`) {
		return data
	}
	out := make([]byte, 0, len(data))
	for i := 0; i < len(data); i++ {
		c := data[i]
		switch {
		case c != '\\' || i+1 == len(data):
			out = append(out, c)
		case i+6 <= len(data) && string(data[i+1:i+6]) == "u0000":
			out = append(out, `\ufffd`...)
			i += 5
		default:
			out = append(out, c, data[i+1])
			i++
		}
	}
	return out
}

func exec(ctx context.Context, q querier, sql string, args ...any) (pgconn.CommandTag, error) {
	return q.Exec(ctx, sql, clean(args)...)
}

func query(ctx context.Context, q querier, sql string, args ...any) (pgx.Rows, error) {
	return q.Query(ctx, sql, clean(args)...)
}

func queryRow(ctx context.Context, q querier, sql string, args ...any) pgx.Row {
	return q.QueryRow(ctx, sql, clean(args)...)
}

// nullTime stores an unset time as NULL.
func nullTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// utc reads a nullable time as SQLite's store gives it back: in UTC, zero
// when unset. TIMESTAMPTZ keeps microseconds.
func utc(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.UTC()
}

func short(sha string) string { return sha[:min(12, len(sha))] }

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

// UpsertEJ stores an EJ; an identical one is left untouched. One
// statement: the update only runs when the content changed, and a row
// without xmax was inserted rather than updated.
func (t *Tx) UpsertEJ(ctx context.Context, ej chorus.EJ) (store.Change, error) {
	data, hash, err := ejHash(ej)
	if err != nil {
		return store.Unchanged, err
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
	var inserted bool
	err = queryRow(ctx, t.tx, `
		INSERT INTO ej (num_ej, data, data_hash, fournisseur_siren, montant_engage, date_ej, programme,
		                centre_financier, groupe_marchandises, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, now(), now())
		ON CONFLICT (num_ej) DO UPDATE SET data = excluded.data, data_hash = excluded.data_hash,
		    fournisseur_siren = excluded.fournisseur_siren, montant_engage = excluded.montant_engage,
		    date_ej = excluded.date_ej, programme = excluded.programme,
		    centre_financier = excluded.centre_financier, groupe_marchandises = excluded.groupe_marchandises,
		    updated_at = excluded.updated_at
		WHERE ej.data_hash <> excluded.data_hash
		RETURNING xmax = 0`,
		ej.NumEJ, jsonArg(data), hash, siren, amount, date, first.Programme, first.CentreFinancier,
		first.GroupeMarchandises).Scan(&inserted)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return store.Unchanged, nil
	case err != nil:
		return store.Unchanged, fmt.Errorf("EJ %s : %w", ej.NumEJ, err)
	case inserted:
		return store.Created, nil
	}
	return store.Updated, nil
}

// AddDocument inserts a pending document unless its SHA-256 is known.
func (t *Tx) AddDocument(ctx context.Context, d store.NewDocument) (bool, error) {
	tag, err := exec(ctx, t.tx, `
		INSERT INTO document (sha256, size, name, status, created_at) VALUES ($1, $2, $3, $4, now())
		ON CONFLICT (sha256) DO NOTHING`, d.SHA256, d.Size, d.Name, store.StatusPending)
	if err != nil {
		return false, fmt.Errorf("document %s : %w", d.Name, err)
	}
	return tag.RowsAffected() == 1, nil
}

// Attach links a document to an EJ.
func (t *Tx) Attach(ctx context.Context, numEJ, sha, name string) (bool, error) {
	tag, err := exec(ctx, t.tx, `
		INSERT INTO ej_document (num_ej, sha256, name, created_at) VALUES ($1, $2, $3, now())
		ON CONFLICT DO NOTHING`, numEJ, sha, name)
	if err != nil {
		return false, fmt.Errorf("rattachement de %s à l'EJ %s : %w", name, numEJ, err)
	}
	return tag.RowsAffected() == 1, nil
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
	tag, err := exec(ctx, t.tx, `
		UPDATE document SET status = $1, document_type = $2, type_confidence = $3, error_code = $4, error = $5,
		    result = $6, version = $7, processed_at = $8
		WHERE sha256 = $9`,
		p.Status, typ, conf, p.Result.ErrorCode, msg, jsonArg(data), p.Version, at, sha)
	if err != nil {
		return fmt.Errorf("résultat du document %s : %w", short(sha), err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("document %s : %w", short(sha), store.ErrNotFound)
	}
	return nil
}

// MarkPending sets documents back to pending and returns those that
// exist, in the order given (every document, by SHA-256, when none is).
func (t *Tx) MarkPending(ctx context.Context, shas ...string) ([]string, error) {
	if len(shas) == 0 {
		rows, err := query(ctx, t.tx, `UPDATE document SET status = $1 RETURNING sha256`, store.StatusPending)
		if err != nil {
			return nil, err
		}
		all, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			return nil, err
		}
		slices.Sort(all)
		return all, nil
	}
	keys := make([]string, len(shas))
	for i, s := range shas {
		keys[i] = cleanText(s)
	}
	rows, err := t.tx.Query(ctx, `UPDATE document SET status = $1 WHERE sha256 = ANY($2) RETURNING sha256`,
		store.StatusPending, keys)
	if err != nil {
		return nil, err
	}
	found, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, err
	}
	exists := make(map[string]bool, len(found))
	for _, s := range found {
		exists[s] = true
	}
	var done []string
	for i, s := range shas {
		if exists[keys[i]] {
			done = append(done, s)
		}
	}
	return done, nil
}

// PendingOf counts an EJ's attachments still to process, after locking
// the EJ's links (SELECT … FOR UPDATE). Of two transactions finishing
// documents of one EJ, the second waits for the first to commit; its count,
// a statement of its own and so a fresh snapshot under READ COMMITTED,
// then sees the first's document done. Row locks rather than an advisory
// lock on the EJ number: they take no slot in the server's shared lock
// table (an ingest checks 500 EJ in one transaction), share no key space
// with River's advisory locks, and an EJ without links has nothing to race
// on. Callers lock EJ in num_ej order, or two such transactions may
// deadlock (PostgreSQL then fails one, and its job is retried).
func (t *Tx) PendingOf(ctx context.Context, numEJ string) (int, error) {
	if _, err := exec(ctx, t.tx, `
		SELECT count(*) FROM (SELECT 1 FROM ej_document WHERE num_ej = $1 ORDER BY sha256, name FOR UPDATE) l`,
		numEJ); err != nil {
		return 0, fmt.Errorf("verrou de l'EJ %s : %w", numEJ, err)
	}
	var n int
	err := queryRow(ctx, t.tx, `
		SELECT count(*) FROM ej_document l JOIN document d ON d.sha256 = l.sha256
		WHERE l.num_ej = $1 AND d.status = $2`, numEJ, store.StatusPending).Scan(&n)
	return n, err
}

// SaveEnriched stores an EJ's enriched record.
func (t *Tx) SaveEnriched(ctx context.Context, e reconcile.Enriched, version string) error {
	data, err := json.Marshal(e)
	if err != nil {
		return err
	}
	_, err = exec(ctx, t.tx, `
		INSERT INTO enriched (num_ej, record, version, computed_at) VALUES ($1, $2, $3, now())
		ON CONFLICT (num_ej) DO UPDATE SET record = excluded.record, version = excluded.version,
		    computed_at = excluded.computed_at`, e.NumEJ, jsonArg(data), version)
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
	_, err := exec(ctx, t.tx, `
		INSERT INTO step (subject, name, status, error, duration_ms, attempt, at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		s.Subject, s.Name, s.Status, s.Error, s.Duration.Milliseconds(), s.Attempt, at)
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
	_, err := exec(ctx, t.tx, `
		INSERT INTO review (subject, field, value, reviewer, comment, at) VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (subject, field) DO UPDATE SET value = excluded.value, reviewer = excluded.reviewer,
		    comment = excluded.comment, at = excluded.at`,
		r.Subject, r.Field, r.Value, r.Reviewer, r.Comment, at)
	return err
}

// StartRun records the start of an ingest.
func (t *Tx) StartRun(ctx context.Context, r store.Run) (int64, error) {
	var id int64
	err := queryRow(ctx, t.tx, `INSERT INTO ingest_run (started_at, chorus, attachments) VALUES ($1, $2, $3) RETURNING id`,
		r.StartedAt, r.Chorus, r.Attachments).Scan(&id)
	return id, err
}

// FinishRun records the end of an ingest and its report.
func (t *Tx) FinishRun(ctx context.Context, r store.Run) error {
	_, err := exec(ctx, t.tx, `UPDATE ingest_run SET finished_at = $1, report = $2 WHERE id = $3`,
		nullTime(r.FinishedAt), r.Report, r.ID)
	return err
}

// AddIssues records what a run reported, in one round trip.
func (t *Tx) AddIssues(ctx context.Context, runID int64, issues []store.Issue) error {
	if len(issues) == 0 {
		return nil
	}
	b := &pgx.Batch{}
	for _, is := range issues {
		b.Queue(`INSERT INTO ingest_issue (run_id, source, ref, message) VALUES ($1, $2, $3, $4)`,
			clean([]any{runID, is.Source, is.Ref, is.Message})...)
	}
	return t.tx.SendBatch(ctx, b).Close()
}

// EJ returns one stored EJ.
func (s *Store) EJ(ctx context.Context, numEJ string) (chorus.EJ, error) {
	var data []byte
	err := queryRow(ctx, s.pool, `SELECT data FROM ej WHERE num_ej = $1`, numEJ).Scan(&data)
	if errors.Is(err, pgx.ErrNoRows) {
		return chorus.EJ{}, fmt.Errorf("EJ %s : %w", numEJ, store.ErrNotFound)
	}
	if err != nil {
		return chorus.EJ{}, err
	}
	var ej chorus.EJ
	return ej, json.Unmarshal(data, &ej)
}

// EachEJ calls fn for every EJ, reading in pages so that fn may be slow
// without holding a connection.
func (s *Store) EachEJ(ctx context.Context, fn func(chorus.EJ) error) error {
	return s.pages(ctx, `SELECT num_ej, data FROM ej WHERE num_ej > $1 ORDER BY num_ej LIMIT 500`, func(data []byte) error {
		var ej chorus.EJ
		if err := json.Unmarshal(data, &ej); err != nil {
			return err
		}
		return fn(ej)
	})
}

// EachEnriched calls fn for every enriched record.
func (s *Store) EachEnriched(ctx context.Context, fn func(reconcile.Enriched) error) error {
	return s.pages(ctx, `SELECT num_ej, record FROM enriched WHERE num_ej > $1 ORDER BY num_ej LIMIT 500`, func(data []byte) error {
		var e reconcile.Enriched
		if err := json.Unmarshal(data, &e); err != nil {
			return err
		}
		return fn(e)
	})
}

// pages runs a keyset-paginated query (key, data) and calls fn on each
// row once the page is read.
func (s *Store) pages(ctx context.Context, sql string, fn func(data []byte) error) error {
	after := ""
	for {
		rows, err := s.pool.Query(ctx, sql, after)
		if err != nil {
			return err
		}
		var batch [][]byte
		for rows.Next() {
			var data []byte
			if err := rows.Scan(&after, &data); err != nil {
				rows.Close()
				return err
			}
			batch = append(batch, data)
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

func scanDocument(sc pgx.Row, extra ...any) (store.Document, error) {
	var d store.Document
	var result []byte
	var processed, created *time.Time
	dest := append([]any{&d.SHA256, &d.Size, &d.Name, &d.Status, &d.DocumentType, &d.TypeConfidence,
		&d.ErrorCode, &d.Error, &result, &d.Version, &processed, &created}, extra...)
	if err := sc.Scan(dest...); err != nil {
		return d, err
	}
	d.ProcessedAt, d.CreatedAt = utc(processed), utc(created)
	if result != nil {
		var r document.Result
		if err := json.Unmarshal(result, &r); err != nil {
			return d, fmt.Errorf("résultat illisible du document %s : %w", short(d.SHA256), err)
		}
		d.Result = &r
	}
	return d, nil
}

// Document returns one stored document.
func (s *Store) Document(ctx context.Context, sha string) (store.Document, error) {
	d, err := scanDocument(queryRow(ctx, s.pool, `SELECT `+documentColumns+` FROM document d WHERE d.sha256 = $1`, sha))
	if errors.Is(err, pgx.ErrNoRows) {
		return d, fmt.Errorf("document %s : %w", sha, store.ErrNotFound)
	}
	return d, err
}

// DocumentsOf lists an EJ's attachments.
func (s *Store) DocumentsOf(ctx context.Context, numEJ string) ([]store.Attachment, error) {
	rows, err := query(ctx, s.pool, `SELECT `+documentColumns+`, l.name FROM ej_document l
		JOIN document d ON d.sha256 = l.sha256 WHERE l.num_ej = $1 ORDER BY l.name, l.sha256`, numEJ)
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
	rows, err := query(ctx, s.pool, `SELECT DISTINCT num_ej FROM ej_document WHERE sha256 = $1 ORDER BY num_ej`, sha)
	if err != nil {
		return nil, err
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if len(out) == 0 {
		out = nil // as SQLite's store: no EJ is a nil list
	}
	return out, err
}

// Enriched returns an EJ's enriched record.
func (s *Store) Enriched(ctx context.Context, numEJ string) (reconcile.Enriched, error) {
	var data []byte
	err := queryRow(ctx, s.pool, `SELECT record FROM enriched WHERE num_ej = $1`, numEJ).Scan(&data)
	if errors.Is(err, pgx.ErrNoRows) {
		return reconcile.Enriched{}, fmt.Errorf("fiche enrichie de l'EJ %s : %w", numEJ, store.ErrNotFound)
	}
	if err != nil {
		return reconcile.Enriched{}, err
	}
	var e reconcile.Enriched
	return e, json.Unmarshal(data, &e)
}

// Counts summarises the store.
func (s *Store) Counts(ctx context.Context) (store.Counts, error) {
	c := store.Counts{Documents: map[string]int{}}
	err := s.pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM ej), (SELECT count(*) FROM enriched),
		(SELECT count(*) FROM ej_document)`).Scan(&c.EJ, &c.Enriched, &c.Links)
	if err != nil {
		return c, err
	}
	rows, err := s.pool.Query(ctx, `SELECT status, count(*) FROM document GROUP BY status`)
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
	rows, err := query(ctx, s.pool, `SELECT subject, name, status, error, duration_ms, attempt, at FROM step
		WHERE subject = $1 ORDER BY id`, subject)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.Step
	for rows.Next() {
		var st store.Step
		var ms int64
		var at time.Time
		if err := rows.Scan(&st.Subject, &st.Name, &st.Status, &st.Error, &ms, &st.Attempt, &at); err != nil {
			return nil, err
		}
		st.Duration, st.At = time.Duration(ms)*time.Millisecond, at.UTC()
		out = append(out, st)
	}
	return out, rows.Err()
}

// Reviews lists the values people validated for a subject, by field.
func (s *Store) Reviews(ctx context.Context, subject string) ([]store.Review, error) {
	rows, err := query(ctx, s.pool, `SELECT subject, field, value, reviewer, comment, at FROM review
		WHERE subject = $1 ORDER BY field`, subject)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.Review
	for rows.Next() {
		var r store.Review
		var at time.Time
		if err := rows.Scan(&r.Subject, &r.Field, &r.Value, &r.Reviewer, &r.Comment, &at); err != nil {
			return nil, err
		}
		r.At = at.UTC()
		out = append(out, r)
	}
	return out, rows.Err()
}

// Run returns one ingest run.
func (s *Store) Run(ctx context.Context, id int64) (store.Run, error) {
	var r store.Run
	var started, finished *time.Time
	err := s.pool.QueryRow(ctx, `SELECT id, started_at, finished_at, chorus, attachments, report FROM ingest_run WHERE id = $1`, id).
		Scan(&r.ID, &started, &finished, &r.Chorus, &r.Attachments, &r.Report)
	if errors.Is(err, pgx.ErrNoRows) {
		return r, fmt.Errorf("import %d : %w", id, store.ErrNotFound)
	}
	r.StartedAt, r.FinishedAt = utc(started), utc(finished)
	return r, err
}

// PutEtablissements upserts SIRENE establishments in one round trip.
func (t *Tx) PutEtablissements(ctx context.Context, es []referential.Etablissement) error {
	if len(es) == 0 {
		return nil
	}
	b := &pgx.Batch{}
	for _, e := range es {
		b.Queue(`
			INSERT INTO sirene_etablissement (siret, siren, etat, activite, nomenclature, nom, enseigne, creation,
			                                  code_postal, commune, debut)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
			ON CONFLICT (siret) DO UPDATE SET siren = excluded.siren, etat = excluded.etat, activite = excluded.activite,
			    nomenclature = excluded.nomenclature, nom = excluded.nom, enseigne = excluded.enseigne,
			    creation = excluded.creation, code_postal = excluded.code_postal, commune = excluded.commune,
			    debut = excluded.debut`,
			clean([]any{e.SIRET, e.SIREN, e.State, e.Activity, e.ActivityNomenclature, e.UsualName,
				e.Sign, e.Created, e.PostalCode, e.Municipality, e.PeriodStart})...)
	}
	br := t.tx.SendBatch(ctx, b)
	defer br.Close()
	for _, e := range es {
		if _, err := br.Exec(); err != nil {
			return fmt.Errorf("SIRET %s : %w", e.SIRET, err)
		}
	}
	return br.Close()
}

// Etablissement returns an imported SIRENE establishment.
func (s *Store) Etablissement(ctx context.Context, siret string) (referential.Etablissement, error) {
	var e referential.Etablissement
	err := queryRow(ctx, s.pool, `SELECT siret, siren, etat, activite, nomenclature, nom, enseigne, creation,
		code_postal, commune, debut FROM sirene_etablissement WHERE siret = $1`, siret).
		Scan(&e.SIRET, &e.SIREN, &e.State, &e.Activity, &e.ActivityNomenclature, &e.UsualName, &e.Sign, &e.Created,
			&e.PostalCode, &e.Municipality, &e.PeriodStart)
	if errors.Is(err, pgx.ErrNoRows) {
		return e, fmt.Errorf("SIRET %s absent du stock SIRENE importé : %w", siret, store.ErrNotFound)
	}
	if len(e.SIRET) == 14 {
		e.NIC = e.SIRET[9:]
	}
	e.Active = e.State == "A"
	return e, err
}

// ReplaceAnomalies replaces the stored anomalies by a new detection, in
// one round trip after the deletion.
func (t *Tx) ReplaceAnomalies(ctx context.Context, list []anomaly.Anomaly) error {
	if _, err := t.tx.Exec(ctx, `DELETE FROM anomaly_ej`); err != nil {
		return err
	}
	if _, err := t.tx.Exec(ctx, `DELETE FROM anomaly`); err != nil {
		return err
	}
	b := &pgx.Batch{}
	var keys []string // one per queued statement, for errors
	for _, a := range list {
		data, err := json.Marshal(a)
		if err != nil {
			return err
		}
		key := store.AnomalyKey(a)
		b.Queue(`INSERT INTO anomaly (key, code, num_ej, severite, score, data, detected_at)
			VALUES ($1, $2, $3, $4, $5, $6, now()) ON CONFLICT (key) DO NOTHING`,
			clean([]any{key, a.Code, a.NumEJ, a.Severite, a.Score, jsonArg(data)})...)
		keys = append(keys, key)
		for _, num := range append([]string{a.NumEJ}, a.AutresEJ...) {
			b.Queue(`INSERT INTO anomaly_ej (key, num_ej) VALUES ($1, $2) ON CONFLICT DO NOTHING`, clean([]any{key, num})...)
			keys = append(keys, key)
		}
	}
	if len(keys) == 0 {
		return nil
	}
	br := t.tx.SendBatch(ctx, b)
	defer br.Close()
	for _, key := range keys {
		if _, err := br.Exec(); err != nil {
			return fmt.Errorf("anomalie %s : %w", key, err)
		}
	}
	return br.Close()
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
	_, err := exec(ctx, t.tx, `INSERT INTO anomaly_review (key, statut, reviewer, comment, at) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (key) DO UPDATE SET statut = excluded.statut, reviewer = excluded.reviewer, comment = excluded.comment, at = excluded.at`,
		r.Key, r.Statut, r.Reviewer, r.Comment, at)
	return err
}

const anomalySelect = `SELECT a.key, a.data, coalesce(r.statut, ''), coalesce(r.reviewer, ''), coalesce(r.comment, ''), r.at
	FROM anomaly a LEFT JOIN anomaly_review r ON r.key = a.key`

func scanAnomalies(rows pgx.Rows) ([]store.AnomalyRow, error) {
	defer rows.Close()
	var out []store.AnomalyRow
	for rows.Next() {
		var row store.AnomalyRow
		var data []byte
		var at *time.Time
		if err := rows.Scan(&row.Key, &data, &row.Review.Statut, &row.Review.Reviewer, &row.Review.Comment, &at); err != nil {
			return nil, err
		}
		if err := json.Unmarshal(data, &row.Anomaly); err != nil {
			return nil, err
		}
		row.Review.Key, row.Review.At = row.Key, utc(at)
		if row.Review.Statut == "" {
			row.Review.Statut = store.AnomalyToCheck
		}
		out = append(out, row)
	}
	return out, rows.Err()
}

// EachAnomaly calls fn for every stored anomaly.
func (s *Store) EachAnomaly(ctx context.Context, fn func(store.AnomalyRow) error) error {
	rows, err := s.pool.Query(ctx, anomalySelect+` ORDER BY a.code, a.num_ej, a.key`)
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
	rows, err := query(ctx, s.pool, anomalySelect+` WHERE a.key IN (SELECT key FROM anomaly_ej WHERE num_ej = $1)
		ORDER BY a.code, a.num_ej, a.key`, numEJ)
	if err != nil {
		return nil, err
	}
	return scanAnomalies(rows)
}
