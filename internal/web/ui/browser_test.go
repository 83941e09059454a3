package ui

import (
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-rod/rod"
	"github.com/go-rod/rod/lib/launcher"
	"github.com/go-rod/rod/lib/proto"
)

const chromium = "/usr/bin/chromium"

// captures is where DEPENSES_CAPTURES=1 saves screenshots for the README.
const captures = "../../../docs/captures"

func startBrowser(t *testing.T) *rod.Browser {
	t.Helper()
	if _, err := os.Stat(chromium); err != nil {
		t.Skipf("Chromium absent (%s) : tests dans le navigateur sautés ; installez-le avec « apt-get install -y chromium »", chromium)
	}
	l := launcher.New().Bin(chromium).
		Headless(true).NoSandbox(true).Leakless(false).
		Set("disable-gpu").Set("disable-background-networking").Set("disable-component-update").
		Set("disable-sync").Set("no-first-run").Set("lang", "fr-FR").
		UserDataDir(t.TempDir())
	u, err := l.Launch()
	if err != nil {
		t.Fatalf("lancement de Chromium impossible : %v", err)
	}
	b := rod.New().ControlURL(u)
	if err := b.Connect(); err != nil {
		t.Fatalf("connexion à Chromium impossible : %v", err)
	}
	t.Cleanup(func() {
		_ = b.Close()
		l.Kill()
		l.Cleanup()
	})
	return b
}

func capture(t *testing.T, p *rod.Page, name string) {
	t.Helper()
	if os.Getenv("DEPENSES_CAPTURES") != "1" {
		return
	}
	if err := os.MkdirAll(captures, 0o755); err != nil {
		t.Fatal(err)
	}
	img, err := p.Screenshot(true, &proto.PageCaptureScreenshot{Format: proto.PageCaptureScreenshotFormatPng})
	if err != nil {
		t.Fatalf("capture %s : %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(captures, name+".png"), img, 0o644); err != nil {
		t.Fatal(err)
	}
}

// navigate runs action and waits for the page it leads to.
func navigate(p *rod.Page, action func()) {
	wait := p.MustWaitNavigation()
	action()
	wait()
	p.MustWaitLoad()
}

// TestBrowserReviewFlow is the agent's path in a real browser: log in,
// search an EJ, open a document, see a field highlighted on the page,
// correct it, reload and see the correction, find it in the audit log.
func TestBrowserReviewFlow(t *testing.T) {
	b := startBrowser(t)
	e := testEnv(t)
	srv := httptest.NewServer(New(e.deps()))
	t.Cleanup(srv.Close)

	// The whole path fails after 90 s instead of hanging the test.
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	t.Cleanup(cancel)
	p := b.MustPage("").Context(ctx)
	start := time.Now()
	step := func(name string) { t.Logf("%-28s %6.2f s", name, time.Since(start).Seconds()) }
	p.MustSetViewport(1280, 900, 1, false)
	p.MustNavigate(srv.URL + "/").MustWaitLoad()
	if !strings.HasPrefix(p.MustInfo().URL, srv.URL+"/connexion") {
		t.Fatalf("sans session, l'accueil mène à %s", p.MustInfo().URL)
	}
	p.MustElement("#login").MustInput("agent.revue")
	p.MustElement("#password").MustInput("motdepasse-revue")
	navigate(p, func() { p.MustElement("#connexion button[type=submit]").MustClick() })
	if got := p.MustElement("#utilisateur").MustText(); got != "Agente Revue" {
		t.Errorf("utilisateur affiché : %q", got)
	}

	// htmx refreshes the results without leaving the page.
	p.MustElement("#q").MustInput("sibert")
	p.MustElement("#barre-recherche button").MustClick()
	p.MustWaitRequestIdle()
	p.MustElementR("#resultats caption", "^1 EJ trouvé$")
	if !strings.Contains(p.MustInfo().URL, "q=sibert") {
		t.Errorf("l'adresse ne garde pas la recherche : %s", p.MustInfo().URL)
	}
	capture(t, p, "recherche")
	step("recherche")
	navigate(p, func() { p.MustElement(`#resultats a[href="/ej/1300000001"]`).MustClick() })
	if got := p.MustElement("h1").MustText(); got != "EJ 1300000001" {
		t.Fatalf("page EJ : titre %q", got)
	}
	if got := p.MustElement("#valeur-prestataire\\.nom").MustText(); !strings.Contains(got, "79049427200020") {
		t.Errorf("prestataire affiché : %q", got)
	}
	capture(t, p, "ej")
	step("page EJ")

	navigate(p, func() { p.MustElementR("#documents a", "DEVIS_2019_07").MustClick() })
	box := p.MustElement(`svg a.de-box[data-champ="fournisseur.nom"]`)
	shape := box.MustShape().Box()
	if shape.Width < 20 || shape.Height < 5 {
		t.Fatalf("zone du champ invisible : %+v", shape)
	}
	// The box covers the name where pdfium read it: left third, upper quarter.
	page := p.MustElement("#page img").MustShape().Box()
	if x := (shape.X - page.X) / page.Width; x < 0.05 || x > 0.15 {
		t.Errorf("zone à %.2f de la largeur, attendu ≈ 0,10", x)
	}
	navigate(p, func() { box.MustClick() })
	if got := p.MustElement("#valeur-champ").MustText(); got != "EIRL Marc Sibert" {
		t.Errorf("valeur du champ choisi : %q", got)
	}
	if ev := p.MustElement("#texte-preuve").MustText(); !strings.Contains(ev, "Sibert") {
		t.Errorf("preuve : %q", ev)
	}
	p.MustElement(`a.de-box--selected[data-champ="fournisseur.nom"]`)
	capture(t, p, "visionneuse")
	step("visionneuse")

	p.MustElement("#valeur-corrigee").MustInput("Marc Sibert (EIRL)")
	p.MustElement("#commentaire-champ").MustInput("nom d'usage")
	navigate(p, func() { p.MustElement(`#revue-champ button[value=corriger]`).MustClick() })
	p.MustElementR(".fr-alert--success", "Correction enregistrée")
	p.MustReload().MustWaitLoad()
	step("correction rechargée")
	if got := p.MustElement("#valeur-champ").MustText(); got != "Marc Sibert (EIRL)" {
		t.Errorf("après rechargement, valeur : %q", got)
	}
	p.MustElementR(".fr-badge", "/revu par agent\\.revue/i")
	if j := p.MustElement("#journal").MustText(); !strings.Contains(j, "agent.revue a corrigé un champ (fournisseur.nom") {
		t.Errorf("journal du document :\n%s", j)
	}

	devis := docOfType(t, e, "1300000001", "devis")
	log, err := e.web.AuditLog(context.Background(), "doc:"+devis.SHA256, 50)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, a := range log {
		found = found || a.Action == "correction_champ" && a.Actor == "user:agent.revue" && strings.Contains(a.Detail, `"apres":"Marc Sibert (EIRL)"`)
	}
	if !found {
		t.Errorf("correction absente du journal : %+v", log)
	}

	navigate(p, func() { p.MustElement(`a.fr-nav__link[href="/tableau-de-bord"]`).MustClick() })
	p.MustElement("#parts svg")
	capture(t, p, "tableau-de-bord")
	step("tableau de bord")

	// Keyboard: the skip link is the first stop and leads to the content.
	p.MustNavigate(srv.URL + "/recherche").MustWaitLoad()
	p.Keyboard.MustType('\t')
	if got := p.MustEval(`() => document.activeElement.getAttribute("href")`).String(); got != "#contenu" {
		t.Errorf("premier arrêt clavier : %q, attendu le lien d'évitement", got)
	}
}
