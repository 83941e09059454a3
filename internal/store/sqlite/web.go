package sqlite

import (
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/depenses-eclairees/depenses/internal/store"
)

var _ store.Web = (*Store)(nil)

// Absent values sort last in every order.
const (
	sortLastNumber = 1e308
	sortLastDate   = "9999-99-99"
)

// IndexEJ upserts the searchable summaries and their full-text rows.
func (s *Store) IndexEJ(ctx context.Context, rows []store.EJIndex) error {
	return s.InTx(ctx, func(stx store.Tx) error {
		tx := stx.(*Tx).tx
		ts := now()
		for _, r := range rows {
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
			var rowid int64
			err := tx.QueryRowContext(ctx, `
				INSERT INTO ej_index (num_ej, designation, designation_claire, fournisseur_nom, fournisseur_siren,
				    prestataire_identifie, administration, ministere, ministere_cle, programme, centre_financier,
				    groupe_marchandises, organisation_achat, groupe_acheteurs, montant_ht, date_ej, conseil,
				    nb_documents, nb_anomalies, review_status, min_confidence, sort_montant_asc, sort_montant_desc,
				    sort_date_asc, sort_revue, indexed_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
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
				    indexed_at = excluded.indexed_at
				RETURNING rowid`,
				r.NumEJ, r.Designation, r.DesignationClaire, r.FournisseurNom, r.FournisseurSIREN,
				r.PrestataireIdentif, r.Administration, r.Ministere, store.MinistryKey(r.Ministere), r.Programme,
				r.CentreFinancier, r.GroupeMarchandises, strings.TrimSpace(r.OrganisationAchat),
				strings.TrimSpace(r.GroupeAcheteurs), r.MontantHT, r.Date, r.Conseil, r.NbDocuments, r.NbAnomalies,
				r.ReviewStatus, r.MinConfidence, ascM, descM, sortDate, revue, ts).Scan(&rowid)
			if err != nil {
				return fmt.Errorf("index de l'EJ %s : %w", r.NumEJ, err)
			}
			if _, err := tx.ExecContext(ctx, `DELETE FROM ej_fts WHERE rowid = ?`, rowid); err != nil {
				return fmt.Errorf("index plein texte de l'EJ %s : %w", r.NumEJ, err)
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO ej_fts (rowid, ids, designation, fournisseur) VALUES (?, ?, ?, ?)`,
				rowid, r.NumEJ+" "+r.FournisseurSIREN, r.Designation, r.FournisseurNom); err != nil {
				return fmt.Errorf("index plein texte de l'EJ %s : %w", r.NumEJ, err)
			}
		}
		return nil
	})
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

// perimeterClause restricts ej_index (aliased i) to a perimeter; a
// perimeter that lists nothing sees nothing.
func perimeterClause(p store.Perimeter) (string, []any) {
	if p.All {
		return "1 = 1", nil
	}
	var parts []string
	var args []any
	add := func(column string, values []string, key func(string) string) {
		var marks []string
		for _, v := range values {
			if k := key(v); k != "" {
				marks = append(marks, "?")
				args = append(args, k)
			}
		}
		if len(marks) > 0 {
			parts = append(parts, column+" IN ("+strings.Join(marks, ", ")+")")
		}
	}
	add("i.organisation_achat", p.OrganisationsAchat, strings.TrimSpace)
	add("i.groupe_acheteurs", p.GroupesAcheteurs, strings.TrimSpace)
	add("i.ministere_cle", p.Ministeres, store.MinistryKey)
	if len(parts) == 0 {
		return "1 = 0", nil
	}
	return "(" + strings.Join(parts, " OR ") + ")", args
}

// ftsQuery turns free text into an FTS5 query: every word, as a prefix.
// Words are letters and digits only, so quoting them is enough.
func ftsQuery(text string) string {
	var words []string
	for _, w := range strings.FieldsFunc(text, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		words = append(words, `"`+w+`"*`) // the tokenizer folds case and accents inside the quotes
		if len(words) == 8 {
			break
		}
	}
	return strings.Join(words, " ")
}

func queryFilters(p store.Perimeter, q store.EJQuery) (string, []any) {
	where, args := perimeterClause(p)
	conds := []string{where}
	eq := func(column, v string) {
		if v = strings.TrimSpace(v); v != "" {
			conds = append(conds, column+" = ?")
			args = append(args, v)
		}
	}
	eq("i.ministere_cle", store.MinistryKey(q.Ministere))
	eq("i.programme", q.Programme)
	eq("i.centre_financier", q.CentreFinancier)
	eq("i.groupe_marchandises", q.GroupeMarchandises)
	eq("i.fournisseur_siren", q.FournisseurSIREN)
	eq("i.review_status", q.ReviewStatus)
	if q.MontantMin != nil {
		conds, args = append(conds, "i.montant_ht >= ?"), append(args, *q.MontantMin)
	}
	if q.MontantMax != nil {
		conds, args = append(conds, "i.montant_ht <= ?"), append(args, *q.MontantMax)
	}
	if q.DateFrom != "" {
		conds, args = append(conds, "i.date_ej <> '' AND i.date_ej >= ?"), append(args, q.DateFrom)
	}
	if q.DateTo != "" {
		conds, args = append(conds, "i.date_ej <> '' AND i.date_ej <= ?"), append(args, q.DateTo)
	}
	if q.Conseil != nil {
		conds, args = append(conds, "i.conseil = ?"), append(args, *q.Conseil)
	}
	if q.AvecAnomalie != nil {
		if *q.AvecAnomalie {
			conds = append(conds, "i.nb_anomalies > 0")
		} else {
			conds = append(conds, "i.nb_anomalies = 0")
		}
	}
	if m := ftsQuery(q.Text); m != "" {
		conds, args = append(conds, "i.rowid IN (SELECT rowid FROM ej_fts WHERE ej_fts MATCH ?)"), append(args, m)
	}
	return strings.Join(conds, " AND "), args
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
	where, args := queryFilters(p, q)
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM ej_index i WHERE `+where, args...).Scan(&page.Total); err != nil {
		return page, fmt.Errorf("recherche d'EJ : %w", err)
	}
	if q.Cursor != "" {
		c, err := decodeCursor(q.Cursor, q.Sort)
		if err != nil {
			return page, err
		}
		var key any = c.Val
		if spec.text {
			key = c.Text
		}
		op := ">"
		if spec.desc {
			op = "<"
		}
		where += fmt.Sprintf(" AND (i.%s %s ? OR (i.%s = ? AND i.num_ej > ?))", spec.column, op, spec.column)
		args = append(args, key, key, c.Num)
	}
	order := "i." + spec.column
	if spec.desc {
		order += " DESC"
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+indexColumns+`, i.`+spec.column+` FROM ej_index i WHERE `+where+
		` ORDER BY `+order+`, i.num_ej LIMIT ?`, append(args, limit+1)...)
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
			return page, err
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
		case int64:
			last.Val = float64(k)
		}
	}
	return page, rows.Err()
}

// InPerimeter tells whether an indexed EJ is within p.
func (s *Store) InPerimeter(ctx context.Context, p store.Perimeter, numEJ string) (bool, error) {
	where, args := perimeterClause(p)
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM ej_index i WHERE i.num_ej = ? AND `+where,
		append([]any{numEJ}, args...)...).Scan(&n)
	return n > 0, err
}

func joinScopes(scopes []string) string { return strings.Join(scopes, ",") }

func splitScopes(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

func timeText(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
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
	res, err := s.db.ExecContext(ctx, `INSERT INTO web_user (login, name, password_hash, scopes, perimeter, created_at)
		VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (login) DO NOTHING`,
		u.Login, u.Name, u.PasswordHash, joinScopes(u.Scopes), string(per), timeText(created))
	if err != nil {
		return fmt.Errorf("création du compte %s : %w", u.Login, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("le compte %s existe déjà", u.Login)
	}
	return nil
}

// User returns an account by its login.
func (s *Store) User(ctx context.Context, login string) (store.User, error) {
	var u store.User
	var scopes, per, created string
	err := s.db.QueryRowContext(ctx, `SELECT login, name, password_hash, scopes, perimeter, created_at FROM web_user
		WHERE login = ?`, login).Scan(&u.Login, &u.Name, &u.PasswordHash, &scopes, &per, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return u, fmt.Errorf("compte %s : %w", login, store.ErrNotFound)
	}
	if err != nil {
		return u, err
	}
	u.Scopes, u.CreatedAt = splitScopes(scopes), parseTime(created)
	return u, json.Unmarshal([]byte(per), &u.Perimeter)
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
	_, err = s.db.ExecContext(ctx, `INSERT INTO api_key (id, hash, organisation, use_case, contact, scopes, perimeter,
		created_at, expires_at, revoked_at, last_used_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		k.ID, k.Hash, k.Organisation, k.UseCase, k.Contact, joinScopes(k.Scopes), string(per), timeText(created),
		timeText(k.ExpiresAt), timeText(k.RevokedAt), timeText(k.LastUsedAt))
	if err != nil {
		return fmt.Errorf("création de la clé %s : %w", k.ID, err)
	}
	return nil
}

const keyColumns = `id, hash, organisation, use_case, contact, scopes, perimeter, created_at, expires_at, revoked_at, last_used_at`

func scanKey(sc interface{ Scan(...any) error }) (store.APIKey, error) {
	var k store.APIKey
	var scopes, per, created, expires, revoked, used string
	if err := sc.Scan(&k.ID, &k.Hash, &k.Organisation, &k.UseCase, &k.Contact, &scopes, &per, &created, &expires,
		&revoked, &used); err != nil {
		return k, err
	}
	k.Scopes = splitScopes(scopes)
	k.CreatedAt, k.ExpiresAt, k.RevokedAt, k.LastUsedAt = parseTime(created), parseTime(expires), parseTime(revoked), parseTime(used)
	return k, json.Unmarshal([]byte(per), &k.Perimeter)
}

// APIKeyByHash returns the key whose secret hashes to hash.
func (s *Store) APIKeyByHash(ctx context.Context, hash string) (store.APIKey, error) {
	k, err := scanKey(s.db.QueryRowContext(ctx, `SELECT `+keyColumns+` FROM api_key WHERE hash = ?`, hash))
	if errors.Is(err, sql.ErrNoRows) {
		return k, fmt.Errorf("clé d'API : %w", store.ErrNotFound)
	}
	return k, err
}

// RevokeAPIKey revokes a key; revoking it again keeps the first date.
func (s *Store) RevokeAPIKey(ctx context.Context, id string, at time.Time) error {
	res, err := s.db.ExecContext(ctx, `UPDATE api_key SET revoked_at = CASE WHEN revoked_at = '' THEN ? ELSE revoked_at END
		WHERE id = ?`, timeText(at), id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("clé %s : %w", id, store.ErrNotFound)
	}
	return nil
}

// APIKeys lists every key, oldest first.
func (s *Store) APIKeys(ctx context.Context) ([]store.APIKey, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+keyColumns+` FROM api_key ORDER BY created_at, id`)
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

// CountUsage adds a call and marks the key as used.
func (s *Store) CountUsage(ctx context.Context, keyID, endpoint string, day time.Time) error {
	return s.InTx(ctx, func(stx store.Tx) error {
		tx := stx.(*Tx).tx
		if _, err := tx.ExecContext(ctx, `INSERT INTO api_usage (key_id, endpoint, day, calls) VALUES (?, ?, ?, 1)
			ON CONFLICT (key_id, endpoint, day) DO UPDATE SET calls = calls + 1`,
			keyID, endpoint, day.UTC().Format(time.DateOnly)); err != nil {
			return fmt.Errorf("compteur d'usage : %w", err)
		}
		_, err := tx.ExecContext(ctx, `UPDATE api_key SET last_used_at = ? WHERE id = ?`, timeText(day), keyID)
		return err
	})
}

// Usage lists the counts from since's day on.
func (s *Store) Usage(ctx context.Context, since time.Time) ([]store.Usage, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT key_id, endpoint, day, calls FROM api_usage WHERE day >= ?
		ORDER BY key_id, day, endpoint`, since.UTC().Format(time.DateOnly))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.Usage
	for rows.Next() {
		var u store.Usage
		if err := rows.Scan(&u.KeyID, &u.Endpoint, &u.Day, &u.Calls); err != nil {
			return nil, err
		}
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
	_, err := s.db.ExecContext(ctx, `INSERT INTO audit (at, actor, action, subject, detail) VALUES (?, ?, ?, ?, ?)`,
		timeText(at), e.Actor, e.Action, e.Subject, e.Detail)
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
	q := `SELECT at, actor, action, subject, detail FROM audit ORDER BY id DESC LIMIT ?`
	args := []any{limit}
	if subject != "" {
		q = `SELECT at, actor, action, subject, detail FROM audit WHERE subject = ? ORDER BY id DESC LIMIT ?`
		args = []any{subject, limit}
	}
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.AuditEntry
	for rows.Next() {
		var e store.AuditEntry
		var at string
		if err := rows.Scan(&at, &e.Actor, &e.Action, &e.Subject, &e.Detail); err != nil {
			return nil, err
		}
		e.At = parseTime(at)
		out = append(out, e)
	}
	return out, rows.Err()
}

// SaveDocumentText keeps (or replaces) a document's text.
func (s *Store) SaveDocumentText(ctx context.Context, sha, text string) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO document_text (sha256, text) VALUES (?, ?)
		ON CONFLICT (sha256) DO UPDATE SET text = excluded.text`, sha, text)
	if err != nil {
		return fmt.Errorf("texte du document %s : %w", sha, err)
	}
	return nil
}

// DocumentText returns a document's kept text.
func (s *Store) DocumentText(ctx context.Context, sha string) (string, error) {
	var text string
	err := s.db.QueryRowContext(ctx, `SELECT text FROM document_text WHERE sha256 = ?`, sha).Scan(&text)
	if errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("texte du document %s : %w", sha, store.ErrNotFound)
	}
	return text, err
}
