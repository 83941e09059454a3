package ui

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/depenses-eclairees/depenses/internal/chorus"
	"github.com/depenses-eclairees/depenses/internal/export"
	"github.com/depenses-eclairees/depenses/internal/intake"
	"github.com/depenses-eclairees/depenses/internal/intake/limits"
	"github.com/depenses-eclairees/depenses/internal/intake/pdf"
	"github.com/depenses-eclairees/depenses/internal/pipeline"
	"github.com/depenses-eclairees/depenses/internal/referential"
	"github.com/depenses-eclairees/depenses/internal/store"
	"github.com/depenses-eclairees/depenses/internal/store/sqlite"
)

const corpus = "../../../../shared/corpus"

// The extract of the pipeline's own test, on two ministries so that
// perimeters can be checked: 0129 is the Premier ministre's, 0218 Bercy's.
const extract = `num_ej;poste_ej;date_creation_ej;centre_financier;groupe_marchandises;fournisseur_nom;fournisseur_siret;designation_ej;montant_engage_ht
1300000001;1;2019-07-01;0129-CDBU-DSAF;33.01.04;MARC SIBERT;79049427200020;PRESTATION;1250
1300000002;1;2026-03-02;0218-CSGE-DAJ;33.02.01;AU BON MOULIN;;Achat de farine et de pain pour la cantine;3000,00
1300000003;1;2026-03-05;0129-CDBU-DSAF;33.99.99;UGAP;77605646700020;DIVERS;900
`

// env is a store filled by the real pipeline from corpus documents, and
// the UI on it.
type env struct {
	dir    string
	store  *sqlite.Store
	web    store.Web
	blobs  store.Blobs
	ref    *referential.Set
	engine *pdf.Engine
	auth   *testAuth
}

var (
	sharedEnv  *env
	sharedErr  error
	sharedOnce sync.Once
)

// testEnv ingests once per test binary: reading the corpus costs seconds.
func testEnv(t *testing.T) *env {
	t.Helper()
	sharedOnce.Do(func() { sharedEnv, sharedErr = newEnv() })
	if sharedErr != nil {
		t.Fatal(sharedErr)
	}
	return sharedEnv
}

func TestMain(m *testing.M) {
	code := m.Run()
	if sharedEnv != nil {
		sharedEnv.close()
	}
	os.Exit(code)
}

func newEnv() (*env, error) {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "ui-test-")
	if err != nil {
		return nil, err
	}
	pieces := filepath.Join(dir, "pieces")
	put := func(name, src string, cut int) error {
		data, err := os.ReadFile(filepath.Join(corpus, src))
		if err != nil {
			return err
		}
		if cut > 0 {
			data = data[:len(data)/cut]
		}
		p := filepath.Join(pieces, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		return os.WriteFile(p, data, 0o644)
	}
	for _, f := range []struct {
		name, src string
		cut       int
	}{
		{"1300000001_1_DEVIS_2019_07.pdf", "real-misc/devis-sibert-2019-07.pdf", 0},
		{"1300000001_2_RIB.pdf", "real-misc/rib-karate-villebon.pdf", 0},
		{"1300000001_3_casse.pdf", "real-misc/devis-sibert-2019-07.pdf", 3},
		{"1300000002/facture.pdf", "invoices/Facture_FR_BASIC.pdf", 0},
	} {
		if err := put(f.name, f.src, f.cut); err != nil {
			return nil, err
		}
	}
	chorusFile := filepath.Join(dir, "chorus.csv")
	if err := os.WriteFile(chorusFile, []byte(extract), 0o644); err != nil {
		return nil, err
	}
	s, err := sqlite.Open(ctx, filepath.Join(dir, "depenses.db"))
	if err != nil {
		return nil, err
	}
	e := &env{dir: dir, store: s, blobs: store.BlobDir{Root: filepath.Join(dir, "originaux")}, ref: referential.Default()}
	reader := intake.New(intake.Options{OCRMode: intake.OCROff, Workers: 2})
	defer reader.Close()
	p, err := pipeline.New(ctx, pipeline.Config{Store: s, Blobs: e.blobs, Reader: reader, Ref: e.ref, Workers: 2, MaxFileBytes: 100 << 20})
	if err != nil {
		return nil, err
	}
	if _, err := p.Ingest(ctx, pipeline.IngestOptions{Chorus: chorusFile, Attachments: pieces}); err != nil {
		return nil, err
	}
	// The SQLite store implements store.Web once issue 6's data layer lands;
	// until then an in-memory index stands in for it.
	if w, ok := any(s).(store.Web); ok {
		e.web = w
	} else {
		e.web = newMemWeb()
	}
	if err := e.reindexAll(ctx); err != nil {
		return nil, err
	}
	if e.engine, err = pdf.NewEngine(ctx, 1); err != nil {
		return nil, err
	}
	e.auth = newTestAuth(map[string]testAccount{
		"agent.revue":   {"motdepasse-revue", store.User{Login: "agent.revue", Name: "Agente Revue", Scopes: []string{store.ScopeRead, store.ScopeReview}, Perimeter: store.Perimeter{All: true}}},
		"agent.lecture": {"motdepasse-lecture", store.User{Login: "agent.lecture", Name: "Agent Lecture", Scopes: []string{store.ScopeRead}, Perimeter: store.Perimeter{Ministeres: []string{"Services du Premier ministre"}}}},
		"agent.admin":   {"motdepasse-admin", store.User{Login: "agent.admin", Name: "Agent Admin", Scopes: []string{store.ScopeAdmin}, Perimeter: store.Perimeter{All: true}}},
	})
	return e, nil
}

func (e *env) close() {
	if e.engine != nil {
		e.engine.Close()
	}
	e.store.Close()
	os.RemoveAll(e.dir)
}

func (e *env) deps() Deps {
	return Deps{
		Store: e.store, Web: e.web, Blobs: e.blobs, Ref: e.ref, Auth: e.auth,
		Render: func(ctx context.Context, data []byte, page, dpi int) (image.Image, error) {
			return e.engine.Render(ctx, data, page, dpi, limits.Limits{})
		},
		CacheDir: filepath.Join(e.dir, "cache"),
		Reindex:  e.reindex,
	}
}

func (e *env) reindexAll(ctx context.Context) error {
	var nums []string
	if err := e.store.EachEJ(ctx, func(ej chorus.EJ) error { nums = append(nums, ej.NumEJ); return nil }); err != nil {
		return err
	}
	for _, n := range nums {
		if err := e.reindex(ctx, n); err != nil {
			return err
		}
	}
	return nil
}

// reindex builds an EJ's search summary from the store, as the data layer
// will after reconciliation.
func (e *env) reindex(ctx context.Context, num string) error {
	ej, err := e.store.EJ(ctx, num)
	if err != nil {
		return err
	}
	rec, err := export.Record(ctx, e.store, num)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	row := store.EJIndex{NumEJ: num, Designation: rec.Designation.Value, DesignationClaire: rec.Designation.Clair,
		FournisseurNom: rec.Prestataire.Nom, FournisseurSIREN: rec.Prestataire.SIREN, PrestataireIdentif: rec.Prestataire.Identifie,
		Administration: rec.AdministrationBeneficiaire.Value, Date: ej.DateCreation, MinConfidence: 1,
		OrganisationAchat: ej.OrganisationAchat, GroupeAcheteurs: ej.GroupeAcheteurs, NbDocuments: len(rec.Documents)}
	if row.Designation == "" {
		row.Designation = ej.Designation
	}
	if len(ej.Postes) > 0 {
		p := ej.Postes[0]
		row.Programme, row.CentreFinancier, row.GroupeMarchandises = p.Programme, p.CentreFinancier, p.GroupeMarchandises
		if row.Programme == "" && len(p.CentreFinancier) >= 4 {
			row.Programme = p.CentreFinancier[:4]
		}
		row.Ministere, _ = e.ref.MinistryOfProgramme(row.Programme)
	}
	if v, _, ok := ej.Engaged(); ok {
		row.MontantHT = &v
	}
	for _, d := range rec.Documents {
		for _, f := range d.Fields {
			row.MinConfidence = min(row.MinConfidence, f.Confidence)
		}
	}
	anoms, err := e.store.AnomaliesOf(ctx, num)
	if err != nil {
		return err
	}
	row.NbAnomalies = len(anoms)
	if len(anoms) > 0 {
		row.ReviewStatus = "revue"
		for _, a := range anoms {
			if a.Review.Statut == "" || a.Review.Statut == store.AnomalyToCheck {
				row.ReviewStatus = store.AnomalyToCheck
			}
		}
	}
	return e.web.IndexEJ(ctx, []store.EJIndex{row})
}

// memWeb is the search index and audit log in memory, standing in for the
// data layer's SQLite implementation in these tests.
type memWeb struct {
	store.Web // methods the UI does not call; nil, they panic if called
	mu        sync.Mutex
	rows      map[string]store.EJIndex
	audit     []store.AuditEntry
}

func newMemWeb() *memWeb { return &memWeb{rows: map[string]store.EJIndex{}} }

func (m *memWeb) IndexEJ(_ context.Context, rows []store.EJIndex) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, r := range rows {
		m.rows[r.NumEJ] = r
	}
	return nil
}

func inPerimeter(p store.Perimeter, r store.EJIndex) bool {
	has := func(list []string, v string) bool {
		for _, x := range list {
			if v != "" && x == v {
				return true
			}
		}
		return false
	}
	return p.All || has(p.OrganisationsAchat, r.OrganisationAchat) || has(p.GroupesAcheteurs, r.GroupeAcheteurs) || has(p.Ministeres, r.Ministere)
}

func (m *memWeb) SearchEJ(_ context.Context, p store.Perimeter, q store.EJQuery) (store.EJPage, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var hits []store.EJIndex
	text := strings.ToLower(q.Text)
	for _, r := range m.rows {
		if !inPerimeter(p, r) {
			continue
		}
		if text != "" && !strings.Contains(strings.ToLower(r.NumEJ+" "+r.FournisseurNom+" "+r.FournisseurSIREN+" "+r.Designation), text) {
			continue
		}
		if q.Programme != "" && r.Programme != q.Programme || q.FournisseurSIREN != "" && r.FournisseurSIREN != q.FournisseurSIREN ||
			q.ReviewStatus != "" && r.ReviewStatus != q.ReviewStatus || q.AvecAnomalie != nil && (r.NbAnomalies > 0) != *q.AvecAnomalie ||
			q.MontantMin != nil && (r.MontantHT == nil || *r.MontantHT < *q.MontantMin) || q.MontantMax != nil && (r.MontantHT == nil || *r.MontantHT > *q.MontantMax) {
			continue
		}
		hits = append(hits, r)
	}
	sort.Slice(hits, func(i, j int) bool { return hits[i].NumEJ < hits[j].NumEJ })
	limit := q.Limit
	if limit <= 0 {
		limit = 50
	}
	start := 0
	if q.Cursor != "" {
		n, err := strconv.Atoi(q.Cursor)
		if err != nil || n < 0 {
			return store.EJPage{}, fmt.Errorf("curseur invalide %q", q.Cursor)
		}
		start = min(n, len(hits))
	}
	page := store.EJPage{Total: len(hits), Items: hits[start:min(start+limit, len(hits))]}
	if start+limit < len(hits) {
		page.Next = strconv.Itoa(start + limit)
	}
	return page, nil
}

func (m *memWeb) InPerimeter(_ context.Context, p store.Perimeter, num string) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	r, ok := m.rows[num]
	return ok && inPerimeter(p, r), nil
}

func (m *memWeb) Audit(_ context.Context, e store.AuditEntry) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.audit = append(m.audit, e)
	return nil
}

func (m *memWeb) AuditLog(_ context.Context, subject string, limit int) ([]store.AuditEntry, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []store.AuditEntry
	for i := len(m.audit) - 1; i >= 0 && len(out) < limit; i-- {
		if m.audit[i].Subject == subject {
			out = append(out, m.audit[i])
		}
	}
	return out, nil
}

// testAuth is a minimal session layer: a random session cookie, and a CSRF
// token bound to it by HMAC (bound to "anonyme" before login).
type testAuth struct {
	mu       sync.Mutex
	accounts map[string]testAccount
	sessions map[string]string // cookie → login
	secret   []byte
}

type testAccount struct {
	password string
	user     store.User
}

const sessionCookie = "session_test"

func newTestAuth(accounts map[string]testAccount) *testAuth {
	secret := make([]byte, 32)
	_, _ = rand.Read(secret)
	return &testAuth{accounts: accounts, sessions: map[string]string{}, secret: secret}
}

func (a *testAuth) Login(w http.ResponseWriter, _ *http.Request, login, password string) error {
	acc, ok := a.accounts[login]
	if !ok || !hmac.Equal([]byte(acc.password), []byte(password)) {
		return errors.New("Identifiant ou mot de passe incorrect.")
	}
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	id := hex.EncodeToString(b)
	a.mu.Lock()
	a.sessions[id] = login
	a.mu.Unlock()
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: id, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode})
	return nil
}

func (a *testAuth) Logout(w http.ResponseWriter, r *http.Request) error {
	if c, err := r.Cookie(sessionCookie); err == nil {
		a.mu.Lock()
		delete(a.sessions, c.Value)
		a.mu.Unlock()
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1})
	return nil
}

func (a *testAuth) Current(r *http.Request) (store.User, bool) {
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return store.User{}, false
	}
	a.mu.Lock()
	login, ok := a.sessions[c.Value]
	a.mu.Unlock()
	if !ok {
		return store.User{}, false
	}
	return a.accounts[login].user, true
}

func (a *testAuth) CSRFToken(r *http.Request) string {
	bind := "anonyme"
	if c, err := r.Cookie(sessionCookie); err == nil {
		bind = c.Value
	}
	m := hmac.New(sha256.New, a.secret)
	m.Write([]byte(bind))
	return hex.EncodeToString(m.Sum(nil))
}

func (a *testAuth) CheckCSRF(r *http.Request) error {
	got := r.Header.Get(CSRFHeader)
	if got == "" {
		got = r.PostFormValue(CSRFField)
	}
	if got == "" || !hmac.Equal([]byte(got), []byte(a.CSRFToken(r))) {
		return errors.New("jeton CSRF absent ou invalide")
	}
	return nil
}
