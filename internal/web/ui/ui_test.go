package ui

import (
	"context"
	"encoding/json"
	"image/png"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/depenses-eclairees/depenses/internal/export"
	"github.com/depenses-eclairees/depenses/internal/store"
)

// client is a browser without JavaScript: cookies, no redirect magic beyond Go's.
type client struct {
	t    *testing.T
	base string
	http *http.Client
}

func newClient(t *testing.T, srv *httptest.Server) *client {
	jar, _ := cookiejar.New(nil)
	return &client{t: t, base: srv.URL, http: &http.Client{Jar: jar}}
}

func (c *client) get(path string) (int, string) {
	c.t.Helper()
	resp, err := c.http.Get(c.base + path)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func (c *client) post(path string, form url.Values) (int, string) {
	c.t.Helper()
	resp, err := c.http.PostForm(c.base+path, form)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

var csrfInput = regexp.MustCompile(`name="csrf_token" value="([0-9a-f]+)"`)

func csrfOf(t *testing.T, page string) string {
	t.Helper()
	m := csrfInput.FindStringSubmatch(page)
	if m == nil {
		t.Fatal("pas de jeton CSRF dans la page")
	}
	return m[1]
}

func (c *client) login(login, password string) {
	c.t.Helper()
	_, page := c.get("/connexion")
	code, body := c.post("/connexion", url.Values{"login": {login}, "password": {password}, CSRFField: {csrfOf(c.t, page)}, "suite": {"/recherche"}})
	if code != http.StatusOK || !strings.Contains(body, "EJ trouvé") {
		c.t.Fatalf("connexion de %s : statut %d\n%s", login, code, shorten(body, 400))
	}
}

func newServer(t *testing.T) (*env, *httptest.Server) {
	e := testEnv(t)
	srv := httptest.NewServer(New(e.deps()))
	t.Cleanup(srv.Close)
	return e, srv
}

func TestLoginRequired(t *testing.T) {
	_, srv := newServer(t)
	c := newClient(t, srv)
	c.http.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	for _, path := range []string{"/", "/recherche?q=1300000001", "/ej/1300000001", "/tableau-de-bord", "/revue"} {
		resp, err := c.http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/connexion?suite=") {
			t.Errorf("%s sans session : %d vers %q, attendu une redirection vers la connexion", path, resp.StatusCode, loc)
		}
	}
	c.http.CheckRedirect = nil
	_, page := c.get("/connexion")
	code, body := c.post("/connexion", url.Values{"login": {"agent.revue"}, "password": {"faux"}, CSRFField: {csrfOf(t, page)}})
	if code != http.StatusUnauthorized || !strings.Contains(body, "Identifiant ou mot de passe incorrect") {
		t.Errorf("mauvais mot de passe : %d", code)
	}
	code, _ = c.post("/connexion", url.Values{"login": {"agent.revue"}, "password": {"motdepasse-revue"}})
	if code != http.StatusForbidden {
		t.Errorf("connexion sans jeton CSRF : %d, attendu 403", code)
	}
	c.login("agent.revue", "motdepasse-revue")
	// A redirect after login never leaves the site.
	for _, next := range []string{"//exemple.org/x", "https://exemple.org", "/\\exemple.org", "/ej/1300000001"} {
		if got := safeNext(next); got != "/" && got != "/ej/1300000001" || next == "/ej/1300000001" && got != next {
			t.Errorf("safeNext(%q) = %q", next, got)
		}
	}
}

func TestSearchAndPerimeter(t *testing.T) {
	_, srv := newServer(t)
	all := newClient(t, srv)
	all.login("agent.revue", "motdepasse-revue")
	_, body := all.get("/recherche")
	for _, num := range []string{"1300000001", "1300000002", "1300000003"} {
		if !strings.Contains(body, `href="/ej/`+num+`"`) {
			t.Errorf("EJ %s absent de la liste complète", num)
		}
	}
	if !strings.Contains(body, "3 EJ trouvés") {
		t.Error("le total de la liste complète n'est pas affiché")
	}
	_, body = all.get("/recherche?q=sibert")
	if !strings.Contains(body, "1300000001") || strings.Contains(body, `href="/ej/1300000002"`) {
		t.Error("la recherche « sibert » ne rend pas le seul EJ 1300000001")
	}
	// htmx asks for the results alone.
	req, _ := http.NewRequest("GET", srv.URL+"/recherche?q=1300000002", nil)
	req.Header.Set("HX-Request", "true")
	req.Header.Set("HX-Target", "resultats")
	resp, err := all.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	frag, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if strings.Contains(string(frag), "<html") || !strings.Contains(string(frag), "1 EJ trouvé") {
		t.Errorf("fragment htmx inattendu :\n%s", shorten(string(frag), 300))
	}
	// Cursor pagination: one EJ a page, three pages.
	seen := map[string]bool{}
	next := "/recherche?par_page=1"
	for i := 0; next != "" && i < 5; i++ {
		_, page := all.get(next)
		for _, m := range regexp.MustCompile(`href="/ej/(\d{10})"`).FindAllStringSubmatch(page, -1) {
			seen[m[1]] = true
		}
		next = ""
		if m := regexp.MustCompile(`href="(/recherche\?[^"]*curseur=[^"]*)"`).FindStringSubmatch(page); m != nil {
			next = strings.ReplaceAll(m[1], "&amp;", "&")
		}
	}
	if len(seen) != 3 {
		t.Errorf("pagination : %d EJ vus sur 3", len(seen))
	}
	// A bad filter is reported and does not filter.
	_, body = all.get("/recherche?siren=12&montant_min=beaucoup")
	if !strings.Contains(body, "Un SIREN a 9 chiffres") || !strings.Contains(body, "Montant illisible") || !strings.Contains(body, "3 EJ trouvés") {
		t.Error("filtres invalides non signalés")
	}

	// The Premier ministre's agent never sees Bercy's EJ.
	pm := newClient(t, srv)
	pm.login("agent.lecture", "motdepasse-lecture")
	_, body = pm.get("/recherche")
	if strings.Contains(body, "1300000002") || !strings.Contains(body, "2 EJ trouvés") {
		t.Error("un EJ hors périmètre apparaît dans la liste")
	}
	_, body = pm.get("/recherche?q=moulin")
	if strings.Contains(body, "1300000002") || !strings.Contains(body, "Aucun EJ trouvé") {
		t.Error("un EJ hors périmètre est trouvé par la recherche")
	}
	if code, _ := pm.get("/ej/1300000002"); code != http.StatusNotFound {
		t.Errorf("EJ hors périmètre : %d, attendu 404", code)
	}
	e := testEnv(t)
	atts, err := e.store.DocumentsOf(context.Background(), "1300000002")
	if err != nil || len(atts) == 0 {
		t.Fatalf("pièces de 1300000002 : %v", err)
	}
	if code, _ := pm.get("/ej/1300000002/documents/" + atts[0].SHA256); code != http.StatusNotFound {
		t.Errorf("document hors périmètre : %d, attendu 404", code)
	}
	// Its document is not reachable through an EJ of the perimeter either.
	if code, _ := pm.get("/ej/1300000001/documents/" + atts[0].SHA256 + "/pages/1"); code != http.StatusNotFound {
		t.Errorf("page d'un document hors périmètre : %d, attendu 404", code)
	}
	_, body = pm.get("/tableau-de-bord")
	if !strings.Contains(body, "2 EJ rapprochés dans votre périmètre") {
		t.Error("le tableau de bord compte hors périmètre")
	}
}

func docOfType(t *testing.T, e *env, num, typ string) store.Attachment {
	t.Helper()
	atts, err := e.store.DocumentsOf(context.Background(), num)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range atts {
		if a.DocumentType == typ {
			return a
		}
	}
	t.Fatalf("pas de %s attaché à %s", typ, num)
	return store.Attachment{}
}

func TestEJPageAndViewer(t *testing.T) {
	e, srv := newServer(t)
	c := newClient(t, srv)
	c.login("agent.revue", "motdepasse-revue")
	code, body := c.get("/ej/1300000001")
	if code != http.StatusOK {
		t.Fatalf("page EJ : %d", code)
	}
	for _, want := range []string{"Désignation claire", "Prestataire", "Administration bénéficiaire", "Données Chorus", "Devis", "79049427200020", "Services du Premier ministre"} {
		if !strings.Contains(body, want) {
			t.Errorf("page EJ sans %q", want)
		}
	}
	devis := docOfType(t, e, "1300000001", "devis")
	code, body = c.get("/ej/1300000001/documents/" + devis.SHA256 + "?champ=fournisseur.siret")
	if code != http.StatusOK {
		t.Fatalf("visionneuse : %d\n%s", code, shorten(body, 500))
	}
	if !strings.Contains(body, `data-champ="fournisseur.siret"`) || !strings.Contains(body, "de-box--selected") || !strings.Contains(body, "SIRET") {
		t.Error("le champ choisi n'est pas surligné sur la page")
	}
	// The box sits where the extraction read it, in page points.
	if !strings.Contains(body, `x="106.00" y="258.24"`) {
		t.Error("la zone du SIRET n'est pas à sa place (106, 258.24)")
	}
	resp, err := c.http.Get(srv.URL + "/ej/1300000001/documents/" + devis.SHA256 + "/pages/1")
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(resp.Body)
	resp.Body.Close()
	if err != nil || resp.Header.Get("Content-Type") != "image/png" {
		t.Fatalf("image de page : %v (%s)", err, resp.Header.Get("Content-Type"))
	}
	// An A4 page at 110 dpi.
	if b := img.Bounds(); b.Dx() < 900 || b.Dx() > 930 || b.Dy() < 1270 || b.Dy() > 1300 {
		t.Errorf("image de %v, attendu environ 910 × 1287", b)
	}
	if code, _ := c.get("/ej/1300000001/documents/" + devis.SHA256 + "/pages/9"); code != http.StatusNotFound {
		t.Errorf("page 9 d'un devis de 3 pages : %d", code)
	}
	log, err := e.web.AuditLog(context.Background(), "doc:"+devis.SHA256, 5)
	if err != nil || len(log) == 0 || log[0].Action != "ouverture_document" || log[0].Actor != "user:agent.revue" {
		t.Errorf("ouverture non journalisée : %+v %v", log, err)
	}

	// A RIB is personal data: refused without the review scope.
	rib := docOfType(t, e, "1300000001", "rib")
	ro := newClient(t, srv)
	ro.login("agent.lecture", "motdepasse-lecture")
	if code, _ := ro.get("/ej/1300000001/documents/" + rib.SHA256); code != http.StatusForbidden {
		t.Errorf("RIB sans droit de revue : %d, attendu 403", code)
	}
	if code, _ := ro.get("/ej/1300000001/documents/" + rib.SHA256 + "/pages/1"); code != http.StatusForbidden {
		t.Errorf("image du RIB sans droit de revue : %d, attendu 403", code)
	}
	if code, _ := c.get("/ej/1300000001/documents/" + rib.SHA256); code != http.StatusOK {
		t.Errorf("RIB avec droit de revue : %d", code)
	}
	// Reading is not reviewing.
	_, page := ro.get("/ej/1300000001/documents/" + devis.SHA256 + "?champ=objet")
	if strings.Contains(page, `id="revue-champ"`) {
		t.Error("formulaire de revue montré sans droit de revue")
	}
	code, _ = ro.post("/ej/1300000001/documents/"+devis.SHA256+"/champs", url.Values{CSRFField: {csrfOf(t, page)}, "champ": {"objet"}, "action": {"corriger"}, "valeur": {"x"}})
	if code != http.StatusForbidden {
		t.Errorf("correction sans droit de revue : %d, attendu 403", code)
	}
}

func TestReviews(t *testing.T) {
	e, srv := newServer(t)
	ctx := context.Background()
	c := newClient(t, srv)
	c.login("agent.revue", "motdepasse-revue")
	devis := docOfType(t, e, "1300000001", "devis")
	viewer := "/ej/1300000001/documents/" + devis.SHA256
	_, page := c.get(viewer + "?champ=montant_ht")
	token := csrfOf(t, page)
	cases := []struct {
		name   string
		form   url.Values
		status int
		want   string
	}{
		{"sans jeton", url.Values{"champ": {"montant_ht"}, "action": {"corriger"}, "valeur": {"1300"}}, http.StatusForbidden, "formulaire a expiré"},
		{"nombre illisible", url.Values{CSRFField: {token}, "champ": {"montant_ht"}, "action": {"corriger"}, "valeur": {"mille"}}, http.StatusBadRequest, "pas un nombre"},
		{"SIRET faux", url.Values{CSRFField: {token}, "champ": {"fournisseur.siret"}, "action": {"corriger"}, "valeur": {"79049427200021"}}, http.StatusBadRequest, "SIRET valide"},
		{"champ inconnu", url.Values{CSRFField: {token}, "champ": {"<script>"}, "action": {"corriger"}, "valeur": {"1"}}, http.StatusBadRequest, "inconnu"},
		{"valeur vide", url.Values{CSRFField: {token}, "champ": {"objet"}, "action": {"corriger"}, "valeur": {"  "}}, http.StatusBadRequest, "valeur vide"},
		{"correction", url.Values{CSRFField: {token}, "champ": {"montant_ht"}, "action": {"corriger"}, "valeur": {"1 300,50"}, "commentaire": {"avenant du 2 août"}}, http.StatusOK, "1300.5"},
		{"validation", url.Values{CSRFField: {token}, "champ": {"date"}, "action": {"valider"}}, http.StatusOK, "2019-07-31"},
	}
	for _, tc := range cases {
		code, body := c.post(viewer+"/champs", tc.form)
		if code != tc.status || !strings.Contains(body, tc.want) {
			t.Errorf("%s : statut %d, attendu %d avec %q", tc.name, code, tc.status, tc.want)
		}
	}
	reviews, err := e.store.Reviews(ctx, "doc:"+devis.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, r := range reviews {
		got[r.Field] = r.Value + " par " + r.Reviewer
	}
	if got["montant_ht"] != "1300.5 par agent.revue" || got["date"] != `"2019-07-31" par agent.revue` {
		t.Errorf("revues enregistrées : %v", got)
	}
	log, _ := e.web.AuditLog(ctx, "doc:"+devis.SHA256, 50)
	var corr *store.AuditEntry
	for i := range log {
		if log[i].Action == "correction_champ" {
			corr = &log[i]
			break
		}
	}
	if corr == nil {
		t.Fatal("correction absente du journal")
	}
	var detail map[string]any
	if err := json.Unmarshal([]byte(corr.Detail), &detail); err != nil || detail["champ"] != "montant_ht" || detail["avant"] != "1250" || detail["apres"] != 1300.5 {
		t.Errorf("détail du journal : %s", corr.Detail)
	}
	// The person's value is what the export gives.
	rec, err := export.Record(ctx, e.store, "1300000001")
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range rec.Documents {
		if d.SHA256 == devis.SHA256 && d.Fields["montant_ht"].Value != 1300.5 {
			t.Errorf("export : montant_ht = %v", d.Fields["montant_ht"].Value)
		}
	}

	// An enriched value, then the anomaly of an EJ.
	_, page = c.get("/ej/1300000002")
	token = csrfOf(t, page)
	code, body := c.post("/ej/1300000002/valeurs", url.Values{CSRFField: {token}, "champ": {"designation"}, "action": {"corriger"}, "valeur": {"Farine et pain pour la cantine du ministère"}})
	if code != http.StatusOK || !strings.Contains(body, "Farine et pain pour la cantine du ministère") {
		t.Errorf("correction de la désignation : %d", code)
	}
	_, body = c.get("/recherche?q=cantine+du+minist")
	if !strings.Contains(body, "1300000002") {
		t.Error("la désignation corrigée n'est pas cherchable après réindexation")
	}
	anoms, err := e.store.AnomaliesOf(ctx, "1300000002")
	if err != nil {
		t.Fatal(err)
	}
	if len(anoms) == 0 {
		t.Fatal("aucune anomalie détectée sur 1300000002 (identifiants faux de la facture)")
	}
	code, _ = c.post("/ej/1300000002/anomalies", url.Values{CSRFField: {token}, "cle": {anoms[0].Key}, "statut": {"faux_positif"}, "commentaire": {"marché à procédure adaptée"}})
	if code != http.StatusOK {
		t.Errorf("revue d'anomalie : %d", code)
	}
	if code, _ := c.post("/ej/1300000002/anomalies", url.Values{CSRFField: {token}, "cle": {"inventee:1"}, "statut": {"confirmee"}}); code != http.StatusNotFound {
		t.Errorf("revue d'une anomalie inconnue : %d", code)
	}
	after, _ := e.store.AnomaliesOf(ctx, "1300000002")
	if after[0].Review.Statut != store.AnomalyFalsePositive || after[0].Review.Reviewer != "agent.revue" {
		t.Errorf("revue d'anomalie non enregistrée : %+v", after[0].Review)
	}
	if log, _ := e.web.AuditLog(ctx, "anomalie:"+anoms[0].Key, 5); len(log) == 0 || log[0].Action != "revue_anomalie" {
		t.Error("revue d'anomalie absente du journal")
	}
}

func TestDashboard(t *testing.T) {
	_, srv := newServer(t)
	c := newClient(t, srv)
	c.login("agent.revue", "motdepasse-revue")
	code, body := c.get("/tableau-de-bord")
	if code != http.StatusOK {
		t.Fatalf("tableau de bord : %d", code)
	}
	for _, want := range []string{"3 EJ rapprochés", "Désignation claire", "Prestataire identifié", "Administration bénéficiaire explicite", "Dépense de conseil", "Traitement des pièces", "Traités", `class="de-bar"`} {
		if !strings.Contains(body, want) {
			t.Errorf("tableau de bord sans %q", want)
		}
	}
}

func TestStaticAssets(t *testing.T) {
	_, srv := newServer(t)
	for _, p := range []string{"/static/dsfr/dsfr.min.css", "/static/dsfr/dsfr.module.min.js", "/static/htmx/htmx.min.js", "/static/dsfr/fonts/Marianne-Regular.woff2", "/static/app.css"} {
		resp, err := http.Get(srv.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		n, _ := io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || n < 100 {
			t.Errorf("%s : %d, %d octets", p, resp.StatusCode, n)
		}
	}
	// Every icon the DSFR stylesheet references is embedded.
	css, _ := static.ReadFile("static/dsfr/dsfr.min.css")
	for _, m := range regexp.MustCompile(`url\((icons/[^)]+)\)`).FindAllSubmatch(css, -1) {
		if _, err := static.ReadFile("static/dsfr/" + string(m[1])); err != nil {
			t.Errorf("icône manquante : %s", m[1])
		}
	}
}
