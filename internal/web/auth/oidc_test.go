package auth

import (
	"context"
	"crypto"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"math/big"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/depenses-eclairees/depenses/internal/store"
)

// fakeProvider is an OpenID provider in miniature: discovery, JWKS,
// authorize (redirects back at once with a code), token (checks client
// secret and PKCE, answers a signed ID token), userinfo (a signed JWT,
// as ProConnect answers).
type fakeProvider struct {
	t      *testing.T
	srv    *httptest.Server
	key    *rsa.PrivateKey
	now    time.Time
	client string
	secret string

	mu    sync.Mutex
	codes map[string]fakeGrant
	// Knobs of one test case.
	claims       func(c map[string]any) // edits the ID token's claims
	signWith     *rsa.PrivateKey        // another key: bad signature
	state        func(s string) string  // edits the state sent back
	emailInToken bool                   // else only userinfo has it
	userinfoSub  string                 // subject userinfo answers, "" = the token's
	email        string
}

type fakeGrant struct {
	nonce, challenge, redirect string
}

func newFakeProvider(t *testing.T, now time.Time) *fakeProvider {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	p := &fakeProvider{t: t, key: key, now: now, client: "depenses-test", secret: "s3cr3t-du-client", codes: map[string]fakeGrant{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", p.discovery)
	mux.HandleFunc("GET /jwks", p.jwks)
	mux.HandleFunc("GET /authorize", p.authorize)
	mux.HandleFunc("POST /token", p.token)
	mux.HandleFunc("GET /userinfo", p.userinfo)
	p.srv = httptest.NewServer(mux)
	t.Cleanup(p.srv.Close)
	return p
}

func (p *fakeProvider) reset(email string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.claims, p.signWith, p.state, p.emailInToken, p.userinfoSub, p.email = nil, nil, nil, true, "", email
}

func (p *fakeProvider) discovery(w http.ResponseWriter, _ *http.Request) {
	u := p.srv.URL
	json.NewEncoder(w).Encode(map[string]any{
		"issuer": u, "authorization_endpoint": u + "/authorize", "token_endpoint": u + "/token",
		"jwks_uri": u + "/jwks", "userinfo_endpoint": u + "/userinfo",
		"id_token_signing_alg_values_supported": []string{"RS256"},
	})
}

func (p *fakeProvider) jwks(w http.ResponseWriter, _ *http.Request) {
	b64 := base64.RawURLEncoding.EncodeToString
	json.NewEncoder(w).Encode(map[string]any{"keys": []map[string]string{{
		"kty": "RSA", "kid": "cle-1", "use": "sig", "alg": "RS256",
		"n": b64(p.key.N.Bytes()), "e": b64(big.NewInt(int64(p.key.E)).Bytes()),
	}}})
}

func (p *fakeProvider) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("response_type") != "code" || q.Get("client_id") != p.client || q.Get("code_challenge_method") != "S256" ||
		q.Get("nonce") == "" || q.Get("code_challenge") == "" || !strings.Contains(q.Get("scope"), "openid") {
		http.Error(w, "demande invalide", http.StatusBadRequest)
		return
	}
	code := rand.Text()
	p.mu.Lock()
	p.codes[code] = fakeGrant{nonce: q.Get("nonce"), challenge: q.Get("code_challenge"), redirect: q.Get("redirect_uri")}
	state := q.Get("state")
	if p.state != nil {
		state = p.state(state)
	}
	p.mu.Unlock()
	back := q.Get("redirect_uri") + "?" + url.Values{"code": {code}, "state": {state}}.Encode()
	http.Redirect(w, r, back, http.StatusFound)
}

func (p *fakeProvider) sign(key *rsa.PrivateKey, claims map[string]any) string {
	b64 := base64.RawURLEncoding.EncodeToString
	head, _ := json.Marshal(map[string]string{"alg": "RS256", "kid": "cle-1", "typ": "JWT"})
	body, _ := json.Marshal(claims)
	signing := b64(head) + "." + b64(body)
	sum := sha256.Sum256([]byte(signing))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, sum[:])
	if err != nil {
		p.t.Fatal(err)
	}
	return signing + "." + b64(sig)
}

func (p *fakeProvider) token(w http.ResponseWriter, r *http.Request) {
	id, secret, ok := r.BasicAuth()
	if !ok {
		id, secret = r.PostFormValue("client_id"), r.PostFormValue("client_secret")
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	g, found := p.codes[r.PostFormValue("code")]
	delete(p.codes, r.PostFormValue("code"))
	sum := sha256.Sum256([]byte(r.PostFormValue("code_verifier")))
	w.Header().Set("Content-Type", "application/json")
	if id != p.client || secret != p.secret || !found || r.PostFormValue("grant_type") != "authorization_code" ||
		r.PostFormValue("redirect_uri") != g.redirect || base64.RawURLEncoding.EncodeToString(sum[:]) != g.challenge {
		w.WriteHeader(http.StatusBadRequest)
		io.WriteString(w, `{"error":"invalid_grant"}`)
		return
	}
	claims := map[string]any{"iss": p.srv.URL, "sub": "sub-agent-42", "aud": p.client, "iat": p.now.Unix(),
		"exp": p.now.Add(time.Minute).Unix(), "nonce": g.nonce, "idp_id": "fia1"}
	if p.emailInToken {
		claims["email"] = p.email
	}
	if p.claims != nil {
		p.claims(claims)
	}
	key := p.key
	if p.signWith != nil {
		key = p.signWith
	}
	json.NewEncoder(w).Encode(map[string]any{"access_token": "jeton-acces-" + rand.Text(), "token_type": "Bearer",
		"expires_in": 60, "id_token": p.sign(key, claims)})
}

func (p *fakeProvider) userinfo(w http.ResponseWriter, r *http.Request) {
	if !strings.HasPrefix(r.Header.Get("Authorization"), "Bearer jeton-acces-") {
		http.Error(w, "non autorisé", http.StatusUnauthorized)
		return
	}
	p.mu.Lock()
	sub := p.userinfoSub
	if sub == "" {
		sub = "sub-agent-42"
	}
	jwt := p.sign(p.key, map[string]any{"iss": p.srv.URL, "aud": p.client, "sub": sub, "email": p.email,
		"given_name": "Camille", "usual_name": "Agent"})
	p.mu.Unlock()
	w.Header().Set("Content-Type", "application/jwt")
	io.WriteString(w, jwt)
}

// oidcApp is the application side: Middleware, the two OIDC routes and
// a page telling who Current sees.
type oidcApp struct {
	srv  *httptest.Server
	auth *Authenticator
	oidc *OIDC
}

func newOIDCApp(t *testing.T, s store.Web, prov *fakeProvider, now func() time.Time) *oidcApp {
	app := &oidcApp{}
	var h http.Handler
	app.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h.ServeHTTP(w, r) }))
	t.Cleanup(app.srv.Close)
	app.auth = &Authenticator{Store: s, Sessions: &Sessions{Key: []byte(strings.Repeat("k", 32)), Now: now}, Now: now}
	var err error
	app.oidc, err = NewOIDC(OIDCConfig{Issuer: prov.srv.URL, ClientID: prov.client, ClientSecret: prov.secret,
		RedirectURL: app.srv.URL + OIDCCallbackPath}, app.auth)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+OIDCStartPath, app.oidc.Start)
	mux.HandleFunc("GET "+OIDCCallbackPath, app.oidc.Callback)
	mux.HandleFunc("GET /moi", func(w http.ResponseWriter, r *http.Request) {
		if u, ok := app.auth.Current(r); ok {
			io.WriteString(w, u.Login)
			return
		}
		http.Error(w, "anonyme", http.StatusUnauthorized)
	})
	h = app.auth.Middleware(mux)
	return app
}

// flowResult is where a login attempt ended.
type flowResult struct {
	status   int
	location string
	body     string
	who      string // what /moi answers afterwards
}

// login runs the whole flow with a fresh browser, following redirects
// by hand so that each step is seen.
func (app *oidcApp) login(t *testing.T, start string, tamperCookie func(*http.Cookie)) flowResult {
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	get := func(u string) *http.Response {
		resp, err := c.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	resp := get(app.srv.URL + start)
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("start: %d", resp.StatusCode)
	}
	if tamperCookie != nil {
		u, _ := url.Parse(app.srv.URL + OIDCCallbackPath)
		for _, ck := range jar.Cookies(u) {
			if ck.Name == OIDCFlowCookie {
				tamperCookie(ck)
				jar.SetCookies(u, []*http.Cookie{ck})
			}
		}
	}
	resp = get(resp.Header.Get("Location")) // the provider
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("authorize: %d", resp.StatusCode)
	}
	back := resp.Header.Get("Location")
	if !strings.HasPrefix(back, app.srv.URL+OIDCCallbackPath+"?") {
		t.Fatalf("provider sent back to %q", back)
	}
	resp = get(back)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	res := flowResult{status: resp.StatusCode, location: resp.Header.Get("Location"), body: string(body)}
	me := get(app.srv.URL + "/moi")
	who, _ := io.ReadAll(me.Body)
	me.Body.Close()
	if me.StatusCode == http.StatusOK {
		res.who = string(who)
	}
	return res
}

func TestOIDCLogin(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	now := time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	for _, login := range []string{"camille.agent@finances.gouv.fr", "Dominique.Revue@Interieur.gouv.fr"} {
		if err := s.CreateUser(ctx, store.User{Login: login, Name: login, PasswordHash: "x", Scopes: []string{store.ScopeRead},
			Perimeter: store.Perimeter{Ministeres: []string{"Économie"}}, CreatedAt: now}); err != nil {
			t.Fatal(err)
		}
	}
	prov := newFakeProvider(t, now)
	app := newOIDCApp(t, s, prov, clock)
	otherKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}

	const ok = "camille.agent@finances.gouv.fr"
	for _, c := range []struct {
		name     string
		start    string
		email    string
		setup    func(p *fakeProvider)
		cookie   func(*http.Cookie)
		status   int
		location string // on success
		who      string // login Current sees afterwards, "" none
		says     string // in the refusal page
	}{
		{name: "succès", start: OIDCStartPath + "?suite=" + url.QueryEscape("/ej/1300012345?onglet=docs"), email: ok,
			status: http.StatusSeeOther, location: "/ej/1300012345?onglet=docs", who: ok},
		{name: "email seulement dans userinfo (ProConnect)", start: OIDCStartPath, email: ok,
			setup: func(p *fakeProvider) { p.emailInToken = false }, status: http.StatusSeeOther, location: "/", who: ok},
		{name: "casse différente", start: OIDCStartPath, email: "CAMILLE.Agent@finances.gouv.fr",
			status: http.StatusSeeOther, location: "/", who: ok},
		{name: "compte créé en majuscules", start: OIDCStartPath, email: "Dominique.Revue@Interieur.gouv.fr",
			status: http.StatusSeeOther, location: "/", who: "Dominique.Revue@Interieur.gouv.fr"},
		{name: "suite vers un autre site", start: OIDCStartPath + "?suite=" + url.QueryEscape("//evil.example/x"), email: ok,
			status: http.StatusSeeOther, location: "/", who: ok},
		{name: "suite absolue", start: OIDCStartPath + "?suite=" + url.QueryEscape("https://evil.example/"), email: ok,
			status: http.StatusSeeOther, location: "/", who: ok},
		{name: "état falsifié", start: OIDCStartPath, email: ok,
			setup:  func(p *fakeProvider) { p.state = func(string) string { return "etat-falsifie" } },
			status: http.StatusBadRequest, says: "recommencez"},
		{name: "cookie de parcours falsifié", start: OIDCStartPath, email: ok,
			cookie: func(c *http.Cookie) { c.Value = strings.Replace(c.Value, ".", "x.", 1) },
			status: http.StatusBadRequest, says: "recommencez"},
		{name: "cookie de parcours absent", start: OIDCStartPath, email: ok,
			cookie: func(c *http.Cookie) { c.MaxAge, c.Expires = -1, time.Unix(1, 0) },
			status: http.StatusBadRequest, says: "recommencez"},
		{name: "nonce différent", start: OIDCStartPath, email: ok,
			setup:  func(p *fakeProvider) { p.claims = func(c map[string]any) { c["nonce"] = "autre-nonce" } },
			status: http.StatusUnauthorized, says: "Jeton d&#39;identité invalide"},
		{name: "sans nonce", start: OIDCStartPath, email: ok,
			setup:  func(p *fakeProvider) { p.claims = func(c map[string]any) { delete(c, "nonce") } },
			status: http.StatusUnauthorized, says: "Jeton d&#39;identité invalide"},
		{name: "jeton expiré", start: OIDCStartPath, email: ok,
			setup:  func(p *fakeProvider) { p.claims = func(c map[string]any) { c["exp"] = now.Add(-time.Second).Unix() } },
			status: http.StatusUnauthorized, says: "Jeton d&#39;identité invalide"},
		{name: "autre audience", start: OIDCStartPath, email: ok,
			setup:  func(p *fakeProvider) { p.claims = func(c map[string]any) { c["aud"] = "autre-client" } },
			status: http.StatusUnauthorized, says: "Jeton d&#39;identité invalide"},
		{name: "autre émetteur", start: OIDCStartPath, email: ok,
			setup:  func(p *fakeProvider) { p.claims = func(c map[string]any) { c["iss"] = "https://faux.example" } },
			status: http.StatusUnauthorized, says: "Jeton d&#39;identité invalide"},
		{name: "mauvaise signature", start: OIDCStartPath, email: ok,
			setup:  func(p *fakeProvider) { p.signWith = otherKey },
			status: http.StatusUnauthorized, says: "Jeton d&#39;identité invalide"},
		{name: "email non vérifié", start: OIDCStartPath, email: ok,
			setup:  func(p *fakeProvider) { p.claims = func(c map[string]any) { c["email_verified"] = false } },
			status: http.StatusForbidden, says: "pas vérifiée"},
		{name: "userinfo d'un autre sujet", start: OIDCStartPath, email: ok,
			setup:  func(p *fakeProvider) { p.emailInToken, p.userinfoSub = false, "sub-intrus" },
			status: http.StatusBadGateway, says: "n&#39;a pas transmis votre identité"},
		{name: "email inconnu", start: OIDCStartPath, email: "inconnu@culture.gouv.fr",
			status: http.StatusForbidden, says: "Compte inconnu : demandez à un administrateur de le créer avec <code>depenses user create inconnu@culture.gouv.fr</code>"},
		{name: "email de balisage", start: OIDCStartPath, email: "<script>@x.fr",
			status: http.StatusForbidden, says: "depenses user create &lt;script&gt;@x.fr"},
	} {
		t.Run(c.name, func(t *testing.T) {
			prov.reset(c.email)
			if c.setup != nil {
				c.setup(prov)
			}
			res := app.login(t, c.start, c.cookie)
			if res.status != c.status {
				t.Fatalf("status %d, want %d: %s", res.status, c.status, res.body)
			}
			if c.location != "" && res.location != c.location {
				t.Errorf("redirected to %q, want %q", res.location, c.location)
			}
			if res.who != c.who {
				t.Errorf("Current sees %q, want %q", res.who, c.who)
			}
			if c.says != "" && !strings.Contains(res.body, c.says) {
				t.Errorf("page does not say %q:\n%s", c.says, res.body)
			}
		})
	}
	// Successful logins are audited with the method.
	log, err := s.AuditLog(ctx, "user:"+ok, 10)
	if err != nil || len(log) == 0 || log[0].Action != "connexion" || !strings.Contains(log[0].Detail, `"methode":"oidc"`) {
		t.Errorf("audit: %+v %v", log, err)
	}
	// No account was created for the unknown identity.
	if _, err := s.User(ctx, "inconnu@culture.gouv.fr"); err == nil {
		t.Error("unknown identity got an account")
	}
}

// A flow cookie expires: the callback after ten minutes is refused.
func TestOIDCFlowExpires(t *testing.T) {
	s := newStore(t)
	now := time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	prov := newFakeProvider(t, now)
	app := newOIDCApp(t, s, prov, clock)
	f := oidcFlow{State: "s", Nonce: "n", Verifier: "v", Next: "/x", Expires: now.Add(oidcFlowTTL).Unix()}
	v := app.oidc.encodeFlow(f)
	if got, err := app.oidc.decodeFlow(v); err != nil || got != f {
		t.Fatalf("%+v %v", got, err)
	}
	mu.Lock()
	now = now.Add(oidcFlowTTL)
	mu.Unlock()
	if _, err := app.oidc.decodeFlow(v); err == nil {
		t.Error("expired flow accepted")
	}
	// A session cookie is not a flow cookie, though signed by the same key.
	sv := app.auth.Sessions.Encode(Session{Login: "a", ID: "b", Expires: now.Add(time.Hour).Unix()})
	if _, err := app.oidc.decodeFlow(sv); err == nil {
		t.Error("session cookie accepted as a flow")
	}
}

func TestOIDCUnreachableProvider(t *testing.T) {
	s := newStore(t)
	a := &Authenticator{Store: s, Sessions: &Sessions{Key: []byte(strings.Repeat("k", 32))}}
	dead := httptest.NewServer(http.NotFoundHandler())
	dead.Close()
	o, err := NewOIDC(OIDCConfig{Issuer: dead.URL, ClientID: "c", ClientSecret: "s", RedirectURL: "http://127.0.0.1:8080" + OIDCCallbackPath}, a)
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	o.Start(rec, httptest.NewRequest("GET", OIDCStartPath, nil))
	if rec.Code != http.StatusBadGateway || !strings.Contains(rec.Body.String(), "injoignable") {
		t.Errorf("%d %s", rec.Code, rec.Body)
	}
}

func TestNewOIDCRefuses(t *testing.T) {
	a := &Authenticator{Sessions: &Sessions{Key: []byte(strings.Repeat("k", 32))}}
	good := OIDCConfig{Issuer: "https://idp.example.gouv.fr/api/v2", ClientID: "c", ClientSecret: "s",
		RedirectURL: "https://depenses.example.gouv.fr" + OIDCCallbackPath}
	if _, err := NewOIDC(good, a); err != nil {
		t.Fatalf("good config refused: %v", err)
	}
	for name, edit := range map[string]func(*OIDCConfig){
		"issuer http":       func(c *OIDCConfig) { c.Issuer = "http://auth.example.fr" },
		"issuer relative":   func(c *OIDCConfig) { c.Issuer = "/api/v2" },
		"redirect http":     func(c *OIDCConfig) { c.RedirectURL = "http://depenses.example.gouv.fr" + OIDCCallbackPath },
		"redirect path":     func(c *OIDCConfig) { c.RedirectURL = "https://depenses.example.gouv.fr/retour" },
		"redirect query":    func(c *OIDCConfig) { c.RedirectURL += "?x=1" },
		"no client id":      func(c *OIDCConfig) { c.ClientID = " " },
		"no client secret":  func(c *OIDCConfig) { c.ClientSecret = "" },
		"issuer empty host": func(c *OIDCConfig) { c.Issuer = "https://" },
	} {
		c := good
		edit(&c)
		if _, err := NewOIDC(c, a); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, err := NewOIDC(good, &Authenticator{}); err == nil {
		t.Error("accepted without sessions")
	}
}

func TestReadOIDCSecret(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, "secret")
	os.WriteFile(f, []byte("  le-secret\n"), 0o600)
	empty := filepath.Join(dir, "vide")
	os.WriteFile(empty, []byte("\n"), 0o600)
	t.Setenv(OIDCSecretEnv, "depuis-env")
	if s, err := ReadOIDCSecret(f); s != "le-secret" || err != nil {
		t.Errorf("file: %q %v", s, err)
	}
	if s, err := ReadOIDCSecret(""); s != "depuis-env" || err != nil {
		t.Errorf("env: %q %v", s, err)
	}
	if _, err := ReadOIDCSecret(empty); err == nil {
		t.Error("empty file accepted")
	}
	if _, err := ReadOIDCSecret(filepath.Join(dir, "absent")); err == nil {
		t.Error("missing file accepted")
	}
	t.Setenv(OIDCSecretEnv, "")
	if _, err := ReadOIDCSecret(""); err == nil || !strings.Contains(err.Error(), OIDCSecretEnv) {
		t.Errorf("no secret: %v", err)
	}
}

func TestSameSitePath(t *testing.T) {
	for in, want := range map[string]string{
		"/ej/1300012345?onglet=docs":    "/ej/1300012345?onglet=docs",
		"":                              "/",
		"//evil.example":                "/",
		"/\\evil.example":               "/",
		"https://evil.example/":         "/",
		"/a\r\nSet-Cookie: x=1":         "/",
		"javascript:alert(1)":           "/",
		"/" + strings.Repeat("a", 3000): "/",
	} {
		if got := sameSitePath(in); got != want {
			t.Errorf("%q → %q, want %q", in, got, want)
		}
	}
}

// cappedBody stops a provider that answers without end.
func TestCappedTransport(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		chunk := []byte(strings.Repeat("x", 64<<10))
		for range 64 { // 4 MiB
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	}))
	defer srv.Close()
	c := &http.Client{Transport: cappedTransport{}}
	resp, err := c.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	n, err := io.Copy(io.Discard, resp.Body)
	if err == nil || n > oidcMaxResponse {
		t.Errorf("read %d bytes, err %v", n, err)
	}
}

func FuzzDecodeOIDCFlow(f *testing.F) {
	now := time.Unix(1e9, 0)
	a := &Authenticator{Sessions: &Sessions{Key: []byte(strings.Repeat("k", 32))}, Now: func() time.Time { return now }}
	o := &OIDC{auth: a}
	f.Add(o.encodeFlow(oidcFlow{State: "s", Nonce: "n", Verifier: "v", Next: "/ej/1", Expires: 2e9}))
	f.Add(o.encodeFlow(oidcFlow{State: "s", Nonce: "n", Verifier: "v", Next: "//evil.example", Expires: 2e9}))
	f.Add("e30.AAAA")
	f.Add(".")
	f.Fuzz(func(t *testing.T, v string) {
		fl, err := o.decodeFlow(v)
		if err != nil {
			return
		}
		if fl.State == "" || fl.Nonce == "" || fl.Verifier == "" || fl.Expires <= now.Unix() || sameSitePath(fl.Next) != fl.Next {
			t.Fatalf("accepted %q: %+v", v, fl)
		}
		// Only what we signed passes: its payload must re-sign to the same MAC.
		p, sig, _ := strings.Cut(v, ".")
		payload, _ := base64.RawURLEncoding.DecodeString(p)
		mac, _ := base64.RawURLEncoding.DecodeString(sig)
		if !hmac.Equal(mac, o.signFlow(payload)) {
			t.Fatalf("signature mismatch accepted: %q", v)
		}
	})
}
