package web_test

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/depenses-eclairees/depenses/internal/export"
	"github.com/depenses-eclairees/depenses/internal/reconcile"
	"github.com/depenses-eclairees/depenses/internal/referential"
	"github.com/depenses-eclairees/depenses/internal/store"
	"github.com/depenses-eclairees/depenses/internal/store/sqlite"
	"github.com/depenses-eclairees/depenses/internal/store/storetest"
	"github.com/depenses-eclairees/depenses/internal/web"
	"github.com/depenses-eclairees/depenses/internal/web/auth"
	"github.com/depenses-eclairees/depenses/internal/web/ui"
)

// TestServerLogin assembles the server as `depenses serve` does — real
// authenticator, real UI, real store — and logs in through the login form
// like a browser: the page's CSRF token, the password, then the pages.
func TestServerLogin(t *testing.T) {
	ctx := context.Background()
	s, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "d.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ej := storetest.SampleEJ("1300012345")
	rec := reconcile.Enriched{NumEJ: ej.NumEJ, Designation: reconcile.Designation{Value: "Audit de la fonction achats", Clair: true}}
	err = s.InTx(ctx, func(tx store.Tx) error {
		if _, err := tx.UpsertEJ(ctx, ej); err != nil {
			return err
		}
		return tx.SaveEnriched(ctx, rec, "test")
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.IndexEJ(ctx, []store.EJIndex{export.IndexOf(ej, rec, nil, false)}); err != nil {
		t.Fatal(err)
	}
	hash, err := auth.HashPassword("mot-de-passe-agent", auth.PasswordParams{Memory: 64, Time: 1, Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.CreateUser(ctx, store.User{Login: "agent", Name: "Agent", PasswordHash: hash, Scopes: []string{store.ScopeRead}, Perimeter: store.Perimeter{All: true}}); err != nil {
		t.Fatal(err)
	}
	cfg := web.Config{Store: s, Blobs: store.BlobDir{Root: t.TempDir()}, Ref: referential.Default(), SessionKey: []byte(strings.Repeat("s", 32))}
	a, err := web.NewAuthenticator(cfg)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Auth = a
	cfg.UI = ui.New(ui.Deps{Store: s, Web: s, Blobs: cfg.Blobs, Ref: cfg.Ref, Auth: a})
	h, err := web.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar}
	get := func(path string) (int, string) {
		resp, err := client.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body)
	}
	_, page := get("/connexion")
	m := regexp.MustCompile(`name="csrf_token" value="([^"]+)"`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("the login form has no CSRF token:\n%s", page)
	}
	login := func(token, password string) int {
		resp, err := client.PostForm(srv.URL+"/connexion", url.Values{"csrf_token": {token}, "login": {"agent"}, "password": {password}, "suite": {"/"}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := login("faux", "mot-de-passe-agent"); code != http.StatusForbidden {
		t.Errorf("login with a forged token: %d", code)
	}
	if code := login(m[1], "mauvais"); code != http.StatusUnauthorized {
		t.Errorf("login with a wrong password: %d", code)
	}
	if code := login(m[1], "mot-de-passe-agent"); code != http.StatusOK { // followed to the search page
		t.Fatalf("login: %d", code)
	}
	if code, body := get("/recherche?texte=audit"); code != http.StatusOK || !strings.Contains(body, "1300012345") {
		t.Errorf("search after login: %d", code)
	}
	if code, body := get("/ej/1300012345"); code != http.StatusOK || !strings.Contains(body, "Audit de la fonction achats") {
		t.Errorf("EJ page after login: %d", code)
	}
}
