package ui

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/depenses-eclairees/depenses/internal/store"
	"github.com/depenses-eclairees/depenses/internal/store/sqlite"
)

var seedOnce sync.Once

// seedReuses creates five reusers' keys and their calls in the shared store,
// through the store as the API does: two are active, one was last called 40
// days ago, one is revoked and one expired.
func seedReuses(t *testing.T, e *env) {
	t.Helper()
	var err error
	seedOnce.Do(func() { err = createReuses(context.Background(), e.web, time.Now().UTC()) })
	if err != nil {
		t.Fatal(err)
	}
}

func createReuses(ctx context.Context, w store.Web, now time.Time) error {
	day := func(ago int) time.Time { return now.AddDate(0, 0, -ago) }
	keys := []store.APIKey{
		{ID: "cle-dinum", Organisation: "DINUM – Etalab", UseCase: "Tableau de bord de la commande publique", Contact: "donnees@dinum.gouv.fr",
			Scopes: []string{store.ScopeRead}, CreatedAt: day(60)},
		{ID: "cle-ccomptes", Organisation: "Cour des comptes", UseCase: "Contrôle des marchés de conseil", Contact: "controle@ccomptes.fr",
			Scopes: []string{store.ScopeRead}, CreatedAt: day(90)},
		{ID: "cle-revoquee", Organisation: "Société Exemple", UseCase: "Veille commerciale", Contact: "veille@exemple.fr",
			Scopes: []string{store.ScopeRead}, CreatedAt: day(20), RevokedAt: day(1)},
		{ID: "cle-expiree", Organisation: "Université de Lille", UseCase: "Recherche sur l'achat public", Contact: "labo@univ-lille.fr",
			Scopes: []string{store.ScopeRead, store.ScopeReview}, CreatedAt: day(100), ExpiresAt: day(1)},
		{ID: "cle-pm", Organisation: "Services du Premier ministre", UseCase: "Suivi des dépenses de conseil", Contact: "ditp@modernisation.gouv.fr",
			Scopes: []string{store.ScopeRead}, CreatedAt: day(45), ExpiresAt: day(-300)},
	}
	for _, k := range keys {
		k.Hash = "empreinte-" + k.ID
		if err := w.CreateAPIKey(ctx, k); err != nil {
			return err
		}
	}
	calls := []struct {
		key, endpoint string
		ago, n        int
	}{
		{"cle-dinum", "GET /documents/{sha256}", 10, 1},
		{"cle-dinum", "GET /ej", 5, 3},
		{"cle-dinum", "GET /anomalies", 2, 1},
		{"cle-dinum", "GET /ej", 0, 5},
		{"cle-dinum", "GET /ej/{num}", 0, 2},
		{"cle-ccomptes", "GET /ej", 40, 7},
		{"cle-revoquee", "GET /ej", 3, 4},
		{"cle-expiree", "GET /exports/ej.csv", 2, 1},
		// The window's first day still counts.
		{"cle-pm", "GET /ej/{num}/anomalies", 29, 1},
	}
	for _, c := range calls {
		for range c.n {
			if err := w.CountUsage(ctx, c.key, c.endpoint, day(c.ago)); err != nil {
				return err
			}
		}
	}
	return nil
}

// rowOf returns the table row of a key, tags stripped and spaces folded.
func rowOf(t *testing.T, page, id string) string {
	t.Helper()
	m := regexp.MustCompile(`(?s)<tr data-cle="` + regexp.QuoteMeta(id) + `">(.*?)</tr>`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("ligne de la clé %s absente", id)
	}
	text := regexp.MustCompile(`<[^>]*>`).ReplaceAllString(m[1], " ")
	return strings.Join(strings.Fields(text), " ")
}

// unescapeQuotes undoes templ's escaping of apostrophes in expressions,
// so that wanted texts read as the page does.
func unescapeQuotes(s string) string { return strings.ReplaceAll(s, "&#39;", "'") }

func TestReusesPage(t *testing.T) {
	e, srv := newServer(t)
	seedReuses(t, e)
	c := newClient(t, srv)
	c.login("agent.admin", "motdepasse-admin")
	code, body := c.get("/admin/reutilisations")
	if code != http.StatusOK {
		t.Fatalf("page des réutilisations : %d\n%s", code, shorten(body, 500))
	}
	body = unescapeQuotes(body)
	for _, want := range []string{
		"2 réutilisations actives sur l'objectif de 10",
		"ni révoquée ni expirée",
		"au cours des 30 derniers jours",
		"5 clé(s) d'API",
		"18 appels sur 30 jours", // 12 + 1 + 4 + 1; the Cour des comptes' calls are older
		`<caption>Réutilisations : une ligne par clé d'API, les actives d'abord</caption>`,
		`<th scope="col">Organisation</th>`,
		`href="/admin/reutilisations" aria-current="page"`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("page sans %q", want)
		}
	}
	today := time.Now().UTC()
	rows := []struct {
		id   string
		want []string
	}{
		{"cle-dinum", []string{"DINUM – Etalab", "Tableau de bord de la commande publique", "donnees@dinum.gouv.fr", "lecture",
			today.AddDate(0, 0, -60).Local().Format("02/01/2006"), "aucune", "active",
			" 12 GET /ej (8) GET /ej/{num} (2) GET /anomalies (1) et 1 autre(s)"}},
		{"cle-pm", []string{"Services du Premier ministre", "active", " 1 GET /ej/{num}/anomalies (1)",
			today.AddDate(0, 0, 300).Local().Format("02/01/2006")}},
		{"cle-ccomptes", []string{"Cour des comptes", "inactive", " 0 —"}},
		{"cle-expiree", []string{"Université de Lille", "lecture, revue", "expirée", " 1 GET /exports/ej.csv (1)"}},
		{"cle-revoquee", []string{"Société Exemple", "révoquée", " 4 GET /ej (4)"}},
	}
	last := -1
	for _, r := range rows {
		got := rowOf(t, body, r.id)
		for _, w := range r.want {
			if !strings.Contains(got, w) {
				t.Errorf("ligne %s sans %q :\n%s", r.id, w, got)
			}
		}
		// Rows come in this order: active (busiest first), inactive, expired, revoked.
		at := strings.Index(body, `data-cle="`+r.id+`"`)
		if at < last {
			t.Errorf("ligne %s hors de l'ordre attendu", r.id)
		}
		last = at
	}
	// Today's column: 5 + 2 calls of DINUM; the revoked key was called 3 days ago.
	todayRow := `<th scope="row">` + today.Format("02/01/2006") + `</th><td>7</td>`
	if !strings.Contains(body, todayRow) {
		t.Errorf("appels du jour absents du graphique : %q", todayRow)
	}
	if n := strings.Count(body, `class="de-bar"`); n != 6 {
		t.Errorf("%d colonnes dessinées, attendu 6 jours avec appels", n)
	}
	if strings.Count(body, `<th scope="row">`) != 5+30 {
		t.Errorf("%d en-têtes de ligne, attendu 5 clés et 30 jours", strings.Count(body, `<th scope="row">`))
	}
}

func TestReusesRefused(t *testing.T) {
	_, srv := newServer(t)
	for _, login := range []struct{ name, password string }{{"agent.revue", "motdepasse-revue"}, {"agent.lecture", "motdepasse-lecture"}} {
		c := newClient(t, srv)
		c.login(login.name, login.password)
		code, body := c.get("/admin/reutilisations")
		if code != http.StatusForbidden || !strings.Contains(body, "réservée aux administrateurs") {
			t.Errorf("%s : statut %d, attendu 403", login.name, code)
		}
		if strings.Contains(body, "DINUM") || strings.Contains(body, "réutilisations actives") {
			t.Errorf("%s voit des chiffres de réutilisation", login.name)
		}
		if _, page := c.get("/recherche"); strings.Contains(page, `href="/admin/reutilisations"`) {
			t.Errorf("%s voit l'entrée de menu des réutilisations", login.name)
		}
	}
	anon := newClient(t, srv)
	anon.http.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := anon.http.Get(srv.URL + "/admin/reutilisations")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/connexion?suite=") {
		t.Errorf("sans session : %d vers %q", resp.StatusCode, loc)
	}
}

// TestReusesWithoutKeys runs on an empty store: no key, no call yet.
func TestReusesWithoutKeys(t *testing.T) {
	e := testEnv(t)
	empty, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "vide.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { empty.Close() })
	srv := httptest.NewServer(New(Deps{Store: empty, Web: empty, Ref: e.ref, Auth: e.auth}))
	t.Cleanup(srv.Close)
	c := newClient(t, srv)
	_, page := c.get("/connexion")
	code, _ := c.post("/connexion", map[string][]string{"login": {"agent.admin"}, "password": {"motdepasse-admin"},
		CSRFField: {csrfOf(t, page)}, "suite": {"/admin/reutilisations"}})
	if code != http.StatusOK {
		t.Fatalf("connexion : %d", code)
	}
	code, body := c.get("/admin/reutilisations")
	if code != http.StatusOK {
		t.Fatalf("page sans clé : %d", code)
	}
	body = unescapeQuotes(body)
	for _, want := range []string{"0 réutilisations actives sur l'objectif de 10", "Aucune clé d'API", "0 appels sur 30 jours", "appels-par-jour"} {
		if !strings.Contains(body, want) {
			t.Errorf("page sans clé : %q absent", want)
		}
	}
	if strings.Contains(body, `class="de-bar"`) || strings.Contains(body, `id="reutilisations"`) {
		t.Error("page sans clé : un tableau ou une colonne est dessiné")
	}
}

func TestBuildReuses(t *testing.T) {
	now := time.Date(2026, 3, 31, 10, 0, 0, 0, time.UTC)
	day := func(ago int) string { return now.AddDate(0, 0, -ago).Format(time.DateOnly) }
	keys := []store.APIKey{
		{ID: "a", Organisation: "A"},
		{ID: "b", Organisation: "B", ExpiresAt: now.Add(time.Hour)},
		{ID: "c", Organisation: "C", ExpiresAt: now},
		{ID: "d", Organisation: "D", RevokedAt: now.Add(-time.Minute), ExpiresAt: now.Add(-time.Hour)},
		{ID: "e", Organisation: "E", RevokedAt: now.Add(time.Hour)},
	}
	usage := []store.Usage{
		{KeyID: "a", Endpoint: "GET /ej", Day: day(29), Calls: 2},
		{KeyID: "a", Endpoint: "GET /ej", Day: day(30), Calls: 50}, // the day before the window
		{KeyID: "b", Endpoint: "GET /ej", Day: day(30), Calls: 9},
		{KeyID: "c", Endpoint: "GET /ej", Day: day(0), Calls: 3},
		{KeyID: "d", Endpoint: "GET /ej", Day: day(0), Calls: 1},
		{KeyID: "e", Endpoint: "GET /anomalies", Day: day(1), Calls: 4},
		{KeyID: "inconnue", Endpoint: "GET /ej", Day: day(0), Calls: 6},
		{KeyID: "a", Endpoint: "GET /ej", Day: "2026-13-01", Calls: 8}, // unreadable day
	}
	v := buildReuses(keys, usage, now)
	if v.Since != "2026-03-02" || len(v.PerDay) != 30 || v.PerDay[0].Label != "2026-03-02" || v.PerDay[29].Label != "2026-03-31" {
		t.Fatalf("fenêtre : depuis %s, %d jours", v.Since, len(v.PerDay))
	}
	want := []struct {
		id, state string
		calls     int
	}{
		{"e", keyActive, 4}, // a revocation planned later does not stop it yet
		{"a", keyActive, 2},
		{"b", keyInactive, 0},
		{"c", keyExpired, 3},
		{"d", keyRevoked, 1}, // revoked wins over expired
	}
	if v.Active != 2 || len(v.Rows) != len(want) {
		t.Fatalf("%d actives, %d lignes", v.Active, len(v.Rows))
	}
	for i, w := range want {
		r := v.Rows[i]
		if r.Key.ID != w.id || r.State != w.state || r.Calls != w.calls {
			t.Errorf("ligne %d : %s %s %d, attendu %s %s %d", i, r.Key.ID, r.State, r.Calls, w.id, w.state, w.calls)
		}
	}
	// Unknown keys count in the day's volume, not in any row.
	if v.Total != 16 || v.PerDay[29].Text != "10" || v.PerDay[29].Ratio != 1 || v.PerDay[0].Text != "2" {
		t.Errorf("volume : total %d, dernier jour %s (%.2f), premier %s", v.Total, v.PerDay[29].Text, v.PerDay[29].Ratio, v.PerDay[0].Text)
	}
	if e := buildReuses(nil, nil, now); e.Active != 0 || e.Total != 0 || len(e.PerDay) != 30 || e.PerDay[0].Ratio != 0 {
		t.Errorf("sans clé : %+v", e)
	}
}

// TestBrowserReuses opens the page from the admin's menu in a real browser
// and checks that the chart is drawn and the table readable.
func TestBrowserReuses(t *testing.T) {
	b := startBrowser(t)
	e := testEnv(t)
	seedReuses(t, e)
	srv := httptest.NewServer(New(e.deps()))
	t.Cleanup(srv.Close)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	p := b.MustPage("").Context(ctx)
	p.MustSetViewport(1280, 900, 1, false)
	p.MustNavigate(srv.URL + "/connexion").MustWaitLoad()
	p.MustElement("#login").MustInput("agent.admin")
	p.MustElement("#password").MustInput("motdepasse-admin")
	navigate(p, func() { p.MustElement("#connexion button[type=submit]").MustClick() })
	navigate(p, func() { p.MustElement(`a.fr-nav__link[href="/admin/reutilisations"]`).MustClick() })
	if got := p.MustElement("#reutilisations-actives").MustText(); got != "2 réutilisations actives sur l'objectif de 10" {
		t.Errorf("titre : %q", got)
	}
	if n := len(p.MustElements("#reutilisations tbody tr")); n != 5 {
		t.Errorf("%d lignes, attendu 5", n)
	}
	col := p.MustElement("#appels-par-jour svg rect.de-bar").MustShape().Box()
	if col.Height < 1 || col.Width < 5 {
		t.Errorf("colonne du graphique invisible : %+v", col)
	}
	capture(t, p, "reutilisations")
}
