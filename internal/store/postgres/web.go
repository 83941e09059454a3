package postgres

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"github.com/depenses-eclairees/depenses/internal/fr"
	"github.com/depenses-eclairees/depenses/internal/store"
)

var _ store.Web = (*Store)(nil)

// Absent values sort last in every order, as in SQLite's store.
const (
	sortLastNumber = 1e308
	sortLastDate   = "9999-99-99"
)

// Bounds of the search words: a lexeme holds at most 2 KB and a tsvector
// 1 MB. Query words are cut like indexed ones, so that they still match.
const (
	maxWordBytes   = 255
	maxSearchBytes = 256 << 10
	maxQueryWords  = 8
)

// indexBatch is how many EJ go to the server in one round trip.
const indexBatch = 500

// documentTextVector is the expression of the French full-text index on
// document_text (migration 00004): a search over the documents' text must
// use it verbatim, with websearch_to_tsquery('french', …) over text folded
// by foldWords, for PostgreSQL to use the index.
const documentTextVector = `to_tsvector('french'::regconfig,
    translate(lower(replace(replace(replace(replace(left(text, 100000), 'œ', 'oe'), 'Œ', 'oe'), 'æ', 'ae'), 'Æ', 'ae')),
        'àâäáãåéèêëîïíìôöóòõùûüúçÿñÀÂÄÁÃÅÉÈÊËÎÏÍÌÔÖÓÒÕÙÛÜÚÇŸÑ',
        'aaaaaaeeeeiiiiooooouuuucynaaaaaaeeeeiiiiooooouuuucyn'))`

// foldWords splits s into words of letters and digits, folded as
// fr.FoldRune does (case, accents) but for ligatures, each cut to
// maxWordBytes; at most limit words when limit > 0.
func foldWords(s string, limit int) []string {
	var words []string
	var b strings.Builder
	flush := func() {
		if b.Len() > 0 {
			words = append(words, b.String())
			b.Reset()
		}
	}
	for _, r := range s {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			flush()
			if limit > 0 && len(words) == limit {
				return words
			}
			continue
		}
		c, second := fr.FoldRune(r)
		if second != 0 {
			// SQLite's tokenizer keeps œ and æ as letters of their own:
			// "oeuvre" does not find "œuvre" there, nor here.
			c = unicode.ToLower(r)
		}
		if b.Len()+utf8.RuneLen(c) <= maxWordBytes {
			b.WriteRune(c)
		}
	}
	flush()
	if limit > 0 && len(words) > limit {
		words = words[:limit]
	}
	return words
}

// searchWords is what IndexEJ stores in search_words: the words of the
// EJ number, SIREN, designation and supplier (SQLite's ej_fts columns),
// one space apart, within maxSearchBytes.
func searchWords(r store.EJIndex) string {
	var b strings.Builder
	for _, field := range []string{r.NumEJ, r.FournisseurSIREN, r.Designation, r.FournisseurNom} {
		for _, w := range foldWords(cleanText(field), 0) {
			if b.Len()+1+len(w) > maxSearchBytes {
				return b.String()
			}
			if b.Len() > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(w)
		}
	}
	return b.String()
}

// prefixQuery turns free text into a tsquery requiring every word as a
// prefix of an indexed word, as SQLite's FTS5 query does. Words are
// letters and digits only, so quoting them is enough: operators and
// quotes typed by the user are separators, not syntax.
func prefixQuery(text string) string {
	words := foldWords(cleanText(text), maxQueryWords)
	for i, w := range words {
		words[i] = "'" + w + "':*"
	}
	return strings.Join(words, " & ")
}

// IndexEJ upserts the searchable summaries, search words included, in
// one transaction. Rows go in EJ number order, so that two workers
// indexing overlapping EJ lock them in the same order and never deadlock;
// of two rows of one EJ the last given still wins.
func (s *Store) IndexEJ(ctx context.Context, rows []store.EJIndex) error {
	rows = slices.Clone(rows)
	slices.SortStableFunc(rows, func(a, b store.EJIndex) int { return strings.Compare(a.NumEJ, b.NumEJ) })
	return s.InTx(ctx, func(stx store.Tx) error {
		tx := stx.(*Tx).tx
		for start := 0; start < len(rows); start += indexBatch {
			chunk := rows[start:min(start+indexBatch, len(rows))]
			b := &pgx.Batch{}
			for _, r := range chunk {
				ascM, descM := sortLastNumber, sortLastNumber
				revue := 0.0
				if r.MontantHT != nil {
					ascM, descM = *r.MontantHT, -*r.MontantHT
					revue = -(1 - clamp01(r.MinConfidence)) * *r.MontantHT
				}
				sortDate := r.Date
				if sortDate == "" {
					sortDate = sortLastDate
				}
				b.Queue(`
					INSERT INTO ej_index (num_ej, designation, designation_claire, fournisseur_nom, fournisseur_siren,
					    prestataire_identifie, administration, ministere, ministere_cle, programme, centre_financier,
					    groupe_marchandises, organisation_achat, groupe_acheteurs, montant_ht, date_ej, conseil,
					    nb_documents, nb_anomalies, review_status, min_confidence, sort_montant_asc, sort_montant_desc,
					    sort_date_asc, sort_revue, indexed_at, search_words)
					VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20,
					    $21, $22, $23, $24, $25, now(), $26)
					ON CONFLICT (num_ej) DO UPDATE SET designation = excluded.designation,
					    designation_claire = excluded.designation_claire, fournisseur_nom = excluded.fournisseur_nom,
					    fournisseur_siren = excluded.fournisseur_siren, prestataire_identifie = excluded.prestataire_identifie,
					    administration = excluded.administration, ministere = excluded.ministere,
					    ministere_cle = excluded.ministere_cle, programme = excluded.programme,
					    centre_financier = excluded.centre_financier, groupe_marchandises = excluded.groupe_marchandises,
					    organisation_achat = excluded.organisation_achat, groupe_acheteurs = excluded.groupe_acheteurs,
					    montant_ht = excluded.montant_ht, date_ej = excluded.date_ej, conseil = excluded.conseil,
					    nb_documents = excluded.nb_documents, nb_anomalies = excluded.nb_anomalies,
					    review_status = excluded.review_status, min_confidence = excluded.min_confidence,
					    sort_montant_asc = excluded.sort_montant_asc, sort_montant_desc = excluded.sort_montant_desc,
					    sort_date_asc = excluded.sort_date_asc, sort_revue = excluded.sort_revue,
					    indexed_at = excluded.indexed_at, search_words = excluded.search_words`,
					clean([]any{r.NumEJ, r.Designation, r.DesignationClaire, r.FournisseurNom, r.FournisseurSIREN,
						r.PrestataireIdentif, r.Administration, r.Ministere, store.MinistryKey(r.Ministere), r.Programme,
						r.CentreFinancier, r.GroupeMarchandises, strings.TrimSpace(r.OrganisationAchat),
						strings.TrimSpace(r.GroupeAcheteurs), r.MontantHT, r.Date, r.Conseil, r.NbDocuments, r.NbAnomalies,
						r.ReviewStatus, r.MinConfidence, ascM, descM, sortDate, revue, searchWords(r)})...)
			}
			if err := sendBatch(ctx, tx, b, chunk); err != nil {
				return err
			}
		}
		return nil
	})
}

func sendBatch(ctx context.Context, tx pgx.Tx, b *pgx.Batch, chunk []store.EJIndex) error {
	br := tx.SendBatch(ctx, b)
	defer br.Close()
	for _, r := range chunk {
		if _, err := br.Exec(); err != nil {
			return fmt.Errorf("index de l'EJ %s : %w", r.NumEJ, err)
		}
	}
	return br.Close()
}

func clamp01(v float64) float64 { return max(0, min(1, v)) }

// sortSpec is one order: a column ascending or descending, then num_ej.
type sortSpec struct {
	column string
	desc   bool
	text   bool
}

var sorts = map[string]sortSpec{
	"num_ej":   {column: "num_ej", text: true},
	"montant":  {column: "sort_montant_asc"},
	"-montant": {column: "sort_montant_desc"},
	"date":     {column: "sort_date_asc", text: true},
	"-date":    {column: "date_ej", desc: true, text: true},
	"revue":    {column: "sort_revue"},
}

// cursor is where a page ends: the sort's key and the EJ number there.
// The same encoding as SQLite's store, so a cursor means the same on both.
type cursor struct {
	Sort string  `json:"s"`
	Num  string  `json:"n"`
	Text string  `json:"t,omitempty"`
	Val  float64 `json:"v,omitempty"`
}

func encodeCursor(c cursor) string {
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeCursor(s, sort string) (cursor, error) {
	var c cursor
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(b) > 1024 || json.Unmarshal(b, &c) != nil || c.Sort != sort || c.Num == "" {
		return c, errors.New("curseur de pagination invalide : reprenez la liste depuis le début")
	}
	return c, nil
}

// args numbers the parameters of a statement being built.
type args []any

func (a *args) add(v any) string {
	*a = append(*a, v)
	return "$" + strconv.Itoa(len(*a))
}

// perimeterClause restricts ej_index (aliased i) to a perimeter; a
// perimeter that lists nothing sees nothing.
func perimeterClause(p store.Perimeter, a *args) string {
	if p.All {
		return "true"
	}
	var parts []string
	in := func(column string, values []string, key func(string) string) {
		var keys []string
		for _, v := range values {
			if k := key(v); k != "" {
				keys = append(keys, cleanText(k))
			}
		}
		if len(keys) > 0 {
			parts = append(parts, column+" = ANY("+a.add(keys)+")")
		}
	}
	in("i.organisation_achat", p.OrganisationsAchat, strings.TrimSpace)
	in("i.groupe_acheteurs", p.GroupesAcheteurs, strings.TrimSpace)
	in("i.ministere_cle", p.Ministeres, store.MinistryKey)
	if len(parts) == 0 {
		return "false"
	}
	return "(" + strings.Join(parts, " OR ") + ")"
}

func queryFilters(p store.Perimeter, q store.EJQuery, a *args) string {
	conds := []string{perimeterClause(p, a)}
	eq := func(column, v string) {
		if v = strings.TrimSpace(v); v != "" {
			conds = append(conds, column+" = "+a.add(cleanText(v)))
		}
	}
	eq("i.ministere_cle", store.MinistryKey(q.Ministere))
	eq("i.programme", q.Programme)
	eq("i.centre_financier", q.CentreFinancier)
	eq("i.groupe_marchandises", q.GroupeMarchandises)
	eq("i.fournisseur_siren", q.FournisseurSIREN)
	eq("i.review_status", q.ReviewStatus)
	if q.MontantMin != nil {
		conds = append(conds, "i.montant_ht >= "+a.add(*q.MontantMin))
	}
	if q.MontantMax != nil {
		conds = append(conds, "i.montant_ht <= "+a.add(*q.MontantMax))
	}
	if q.DateFrom != "" {
		conds = append(conds, "i.date_ej <> '' AND i.date_ej >= "+a.add(cleanText(q.DateFrom)))
	}
	if q.DateTo != "" {
		conds = append(conds, "i.date_ej <> '' AND i.date_ej <= "+a.add(cleanText(q.DateTo)))
	}
	if q.Conseil != nil {
		conds = append(conds, "i.conseil = "+a.add(*q.Conseil))
	}
	if q.AvecAnomalie != nil {
		if *q.AvecAnomalie {
			conds = append(conds, "i.nb_anomalies > 0")
		} else {
			conds = append(conds, "i.nb_anomalies = 0")
		}
	}
	if m := prefixQuery(q.Text); m != "" {
		conds = append(conds, "i.search @@ "+a.add(m)+"::tsquery")
	}
	return strings.Join(conds, " AND ")
}

const indexColumns = `i.num_ej, i.designation, i.designation_claire, i.fournisseur_nom, i.fournisseur_siren,
	i.prestataire_identifie, i.administration, i.ministere, i.programme, i.centre_financier, i.groupe_marchandises,
	i.organisation_achat, i.groupe_acheteurs, i.montant_ht, i.date_ej, i.conseil, i.nb_documents, i.nb_anomalies,
	i.review_status, i.min_confidence`

// SearchEJ returns one page of the EJ matching q within p.
func (s *Store) SearchEJ(ctx context.Context, p store.Perimeter, q store.EJQuery) (store.EJPage, error) {
	var page store.EJPage
	if q.Sort == "" {
		q.Sort = "num_ej"
	}
	spec, ok := sorts[q.Sort]
	if !ok {
		return page, fmt.Errorf("tri inconnu %q : num_ej, montant, -montant, date, -date ou revue", q.Sort)
	}
	limit := q.Limit
	if limit <= 0 {
		limit = 50
	}
	limit = min(limit, 500)
	var c cursor
	if q.Cursor != "" {
		var err error
		if c, err = decodeCursor(q.Cursor, q.Sort); err != nil {
			return page, err
		}
	}
	var a args
	where := queryFilters(p, q, &a)
	if err := s.pool.QueryRow(ctx, `SELECT count(*) FROM ej_index i WHERE `+where, a...).Scan(&page.Total); err != nil {
		return page, fmt.Errorf("recherche d'EJ : %w", err)
	}
	if q.Cursor != "" {
		var key any = c.Val
		if spec.text {
			key = cleanText(c.Text)
		}
		op := ">"
		if spec.desc {
			op = "<"
		}
		k := a.add(key)
		where += fmt.Sprintf(" AND (i.%s %s %s OR (i.%s = %s AND i.num_ej > %s))",
			spec.column, op, k, spec.column, k, a.add(cleanText(c.Num)))
	}
	order := "i." + spec.column
	if spec.desc {
		order += " DESC"
	}
	rows, err := s.pool.Query(ctx, `SELECT `+indexColumns+`, i.`+spec.column+` FROM ej_index i WHERE `+where+
		` ORDER BY `+order+`, i.num_ej LIMIT `+a.add(limit+1), a...)
	if err != nil {
		return page, fmt.Errorf("recherche d'EJ : %w", err)
	}
	defer rows.Close()
	var last cursor
	for rows.Next() {
		var r store.EJIndex
		var key any
		if err := rows.Scan(&r.NumEJ, &r.Designation, &r.DesignationClaire, &r.FournisseurNom, &r.FournisseurSIREN,
			&r.PrestataireIdentif, &r.Administration, &r.Ministere, &r.Programme, &r.CentreFinancier,
			&r.GroupeMarchandises, &r.OrganisationAchat, &r.GroupeAcheteurs, &r.MontantHT, &r.Date, &r.Conseil,
			&r.NbDocuments, &r.NbAnomalies, &r.ReviewStatus, &r.MinConfidence, &key); err != nil {
			return page, fmt.Errorf("recherche d'EJ : %w", err)
		}
		if len(page.Items) == limit {
			page.Next = encodeCursor(last)
			break
		}
		page.Items = append(page.Items, r)
		last = cursor{Sort: q.Sort, Num: r.NumEJ}
		switch k := key.(type) {
		case string:
			last.Text = k
		case float64:
			last.Val = k
		}
	}
	if err := rows.Err(); err != nil {
		return page, fmt.Errorf("recherche d'EJ : %w", err)
	}
	return page, nil
}

// InPerimeter tells whether an indexed EJ is within p.
func (s *Store) InPerimeter(ctx context.Context, p store.Perimeter, numEJ string) (bool, error) {
	a := args{cleanText(numEJ)}
	where := perimeterClause(p, &a)
	var found bool
	err := s.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM ej_index i WHERE i.num_ej = $1 AND `+where+`)`, a...).Scan(&found)
	return found, err
}

// scopes stores a list of scopes; none is an empty array, read back as nil.
func scopes(list []string) []string {
	out := make([]string, 0, len(list))
	for _, s := range list {
		out = append(out, cleanText(s))
	}
	return out
}

func noneIfEmpty(list []string) []string {
	if len(list) == 0 {
		return nil
	}
	return list
}

// CreateUser adds an account; a login already taken is an error.
func (s *Store) CreateUser(ctx context.Context, u store.User) error {
	per, err := json.Marshal(u.Perimeter)
	if err != nil {
		return err
	}
	created := u.CreatedAt
	if created.IsZero() {
		created = time.Now()
	}
	tag, err := exec(ctx, s.pool, `INSERT INTO web_user (login, name, password_hash, scopes, perimeter, created_at)
		VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (login) DO NOTHING`,
		u.Login, u.Name, u.PasswordHash, scopes(u.Scopes), jsonArg(per), created)
	if err != nil {
		return fmt.Errorf("création du compte %s : %w", u.Login, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("le compte %s existe déjà", u.Login)
	}
	return nil
}

// User returns an account by its login.
func (s *Store) User(ctx context.Context, login string) (store.User, error) {
	var u store.User
	var per []byte
	var created time.Time
	err := queryRow(ctx, s.pool, `SELECT login, name, password_hash, scopes, perimeter, created_at FROM web_user
		WHERE login = $1`, login).Scan(&u.Login, &u.Name, &u.PasswordHash, &u.Scopes, &per, &created)
	if errors.Is(err, pgx.ErrNoRows) {
		return u, fmt.Errorf("compte %s : %w", login, store.ErrNotFound)
	}
	if err != nil {
		return u, err
	}
	u.Scopes, u.CreatedAt = noneIfEmpty(u.Scopes), created.UTC()
	return u, json.Unmarshal(per, &u.Perimeter)
}

// CreateAPIKey stores a key (its hash, never its secret).
func (s *Store) CreateAPIKey(ctx context.Context, k store.APIKey) error {
	per, err := json.Marshal(k.Perimeter)
	if err != nil {
		return err
	}
	created := k.CreatedAt
	if created.IsZero() {
		created = time.Now()
	}
	_, err = exec(ctx, s.pool, `INSERT INTO api_key (id, hash, organisation, use_case, contact, scopes, perimeter,
		created_at, expires_at, revoked_at, last_used_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
		k.ID, k.Hash, k.Organisation, k.UseCase, k.Contact, scopes(k.Scopes), jsonArg(per), created,
		nullTime(k.ExpiresAt), nullTime(k.RevokedAt), nullTime(k.LastUsedAt))
	if err != nil {
		return fmt.Errorf("création de la clé %s : %w", k.ID, err)
	}
	return nil
}

const keyColumns = `id, hash, organisation, use_case, contact, scopes, perimeter, created_at, expires_at, revoked_at, last_used_at`

func scanKey(sc pgx.Row) (store.APIKey, error) {
	var k store.APIKey
	var per []byte
	var created time.Time
	var expires, revoked, used *time.Time
	if err := sc.Scan(&k.ID, &k.Hash, &k.Organisation, &k.UseCase, &k.Contact, &k.Scopes, &per, &created, &expires,
		&revoked, &used); err != nil {
		return k, err
	}
	k.Scopes = noneIfEmpty(k.Scopes)
	k.CreatedAt, k.ExpiresAt, k.RevokedAt, k.LastUsedAt = created.UTC(), utc(expires), utc(revoked), utc(used)
	return k, json.Unmarshal(per, &k.Perimeter)
}

// APIKeyByHash returns the key whose secret hashes to hash.
func (s *Store) APIKeyByHash(ctx context.Context, hash string) (store.APIKey, error) {
	k, err := scanKey(queryRow(ctx, s.pool, `SELECT `+keyColumns+` FROM api_key WHERE hash = $1`, hash))
	if errors.Is(err, pgx.ErrNoRows) {
		return k, fmt.Errorf("clé d'API : %w", store.ErrNotFound)
	}
	return k, err
}

// RevokeAPIKey revokes a key; revoking it again keeps the first date.
func (s *Store) RevokeAPIKey(ctx context.Context, id string, at time.Time) error {
	tag, err := exec(ctx, s.pool, `UPDATE api_key SET revoked_at = coalesce(revoked_at, $1) WHERE id = $2`,
		nullTime(at), id)
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("clé %s : %w", id, store.ErrNotFound)
	}
	return nil
}

// APIKeys lists every key, oldest first.
func (s *Store) APIKeys(ctx context.Context) ([]store.APIKey, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+keyColumns+` FROM api_key ORDER BY created_at, id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.APIKey
	for rows.Next() {
		k, err := scanKey(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, k)
	}
	return out, rows.Err()
}

// day is t's UTC calendar day, as a DATE parameter.
func day(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// CountUsage adds a call and marks the key as used, in one statement.
func (s *Store) CountUsage(ctx context.Context, keyID, endpoint string, at time.Time) error {
	_, err := exec(ctx, s.pool, `
		WITH used AS (UPDATE api_key SET last_used_at = $4 WHERE id = $1)
		INSERT INTO api_usage (key_id, endpoint, day, calls) VALUES ($1, $2, $3, 1)
		ON CONFLICT (key_id, endpoint, day) DO UPDATE SET calls = api_usage.calls + 1`,
		keyID, endpoint, day(at), nullTime(at))
	if err != nil {
		return fmt.Errorf("compteur d'usage : %w", err)
	}
	return nil
}

// Usage lists the counts from since's day on.
func (s *Store) Usage(ctx context.Context, since time.Time) ([]store.Usage, error) {
	rows, err := s.pool.Query(ctx, `SELECT key_id, endpoint, day, calls FROM api_usage WHERE day >= $1
		ORDER BY key_id, day, endpoint`, day(since))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.Usage
	for rows.Next() {
		var u store.Usage
		var d time.Time
		if err := rows.Scan(&u.KeyID, &u.Endpoint, &d, &u.Calls); err != nil {
			return nil, err
		}
		u.Day = d.Format(time.DateOnly)
		out = append(out, u)
	}
	return out, rows.Err()
}

// Audit appends an entry.
func (s *Store) Audit(ctx context.Context, e store.AuditEntry) error {
	at := e.At
	if at.IsZero() {
		at = time.Now()
	}
	_, err := exec(ctx, s.pool, `INSERT INTO audit (at, actor, action, subject, detail) VALUES ($1, $2, $3, $4, $5)`,
		at, e.Actor, e.Action, e.Subject, e.Detail)
	if err != nil {
		return fmt.Errorf("journal d'audit : %w", err)
	}
	return nil
}

// AuditLog lists a subject's entries (every subject's when empty), most
// recent first.
func (s *Store) AuditLog(ctx context.Context, subject string, limit int) ([]store.AuditEntry, error) {
	if limit <= 0 || limit > 10000 {
		limit = 10000
	}
	q := `SELECT at, actor, action, subject, detail FROM audit ORDER BY id DESC LIMIT $1`
	a := []any{limit}
	if subject != "" {
		q = `SELECT at, actor, action, subject, detail FROM audit WHERE subject = $1 ORDER BY id DESC LIMIT $2`
		a = []any{subject, limit}
	}
	rows, err := query(ctx, s.pool, q, a...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.AuditEntry
	for rows.Next() {
		var e store.AuditEntry
		if err := rows.Scan(&e.At, &e.Actor, &e.Action, &e.Subject, &e.Detail); err != nil {
			return nil, err
		}
		e.At = e.At.UTC()
		out = append(out, e)
	}
	return out, rows.Err()
}

// SaveDocumentText keeps (or replaces) a document's text.
func (s *Store) SaveDocumentText(ctx context.Context, sha, text string) error {
	_, err := exec(ctx, s.pool, `INSERT INTO document_text (sha256, text) VALUES ($1, $2)
		ON CONFLICT (sha256) DO UPDATE SET text = excluded.text`, sha, text)
	if err != nil {
		return fmt.Errorf("texte du document %s : %w", short(sha), err)
	}
	return nil
}

// DocumentText returns a document's kept text.
func (s *Store) DocumentText(ctx context.Context, sha string) (string, error) {
	var text string
	err := queryRow(ctx, s.pool, `SELECT text FROM document_text WHERE sha256 = $1`, sha).Scan(&text)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", fmt.Errorf("texte du document %s : %w", short(sha), store.ErrNotFound)
	}
	return text, err
}
