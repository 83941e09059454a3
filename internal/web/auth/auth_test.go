package auth

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/depenses-eclairees/depenses/internal/store"
	"github.com/depenses-eclairees/depenses/internal/store/sqlite"
)

// Cheap parameters for tests; the format and checks are the same.
var testParams = PasswordParams{Memory: 64, Time: 1, Threads: 1}

func TestPassword(t *testing.T) {
	h, err := HashPassword("correct horse battery", testParams)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=64,t=1,p=1$") {
		t.Errorf("hash %q does not carry its parameters", h)
	}
	h2, _ := HashPassword("correct horse battery", testParams)
	if h == h2 {
		t.Error("two hashes of one password are equal: no salt")
	}
	for _, c := range []struct {
		pw   string
		want bool
	}{{"correct horse battery", true}, {"correct horse batterY", false}, {"", false}, {strings.Repeat("x", 2000), false}} {
		ok, err := VerifyPassword(h, c.pw)
		if err != nil || ok != c.want {
			t.Errorf("%q: %v %v", c.pw, ok, err)
		}
	}
	if _, err := HashPassword("court", testParams); err == nil {
		t.Error("short password accepted")
	}
	// Default parameters verify too (the real cost).
	hd, err := HashPassword("correct horse battery", DefaultPasswordParams)
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := VerifyPassword(hd, "correct horse battery"); !ok || err != nil {
		t.Errorf("default parameters: %v %v", ok, err)
	}
}

func TestParseHashRefuses(t *testing.T) {
	for _, h := range []string{
		"",
		"$argon2i$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
		"$argon2id$v=16$m=64,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
		"$argon2id$v=19$m=4194304,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA", // 4 GiB
		"$argon2id$v=19$m=64,t=1000,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
		"$argon2id$v=19$m=64,t=1,p=255$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
		"$argon2id$v=19$m=64,t=0,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
		"$argon2id$v=19$m=64,t=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
		"$argon2id$v=19$m=64,t=1,p=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
		"$argon2id$v=19$m=64,t=1,p=1$!!$aGFzaGhhc2hoYXNoaGFzaA",
		"$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$aGFzaA",
	} {
		if _, err := VerifyPassword(h, "x"); err == nil {
			t.Errorf("%q accepted", h)
		}
	}
}

func TestAPIKey(t *testing.T) {
	id, key, hash, err := NewAPIKey()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(key, "dep_"+id+"_") || len(hash) != 64 || HashAPIKey(key) != hash || strings.Contains(hash, key) {
		t.Errorf("id %q key %q hash %q", id, key, hash)
	}
	if got, ok := ParseAPIKey(key); !ok || got != id {
		t.Errorf("ParseAPIKey(%q) = %q %v", key, got, ok)
	}
	_, other, _, _ := NewAPIKey()
	if other == key {
		t.Error("two keys alike")
	}
	for _, bad := range []string{"", "dep_", "dep_abcdefgh", "dep_abcdefgh_short", "DEP_" + key[4:], key + "!", "dep_abcdefg1_" + strings.Repeat("a", 52), key[:20]} {
		if _, ok := ParseAPIKey(bad); ok {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestSessions(t *testing.T) {
	now := time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)
	s := &Sessions{Key: []byte(strings.Repeat("k", 32)), TTL: time.Hour, Now: func() time.Time { return now }}
	rec := httptest.NewRecorder()
	sess, err := s.Issue(rec, httptest.NewRequest("POST", "/connexion", nil), "agent.a")
	if err != nil {
		t.Fatal(err)
	}
	c := rec.Result().Cookies()[0]
	if !c.HttpOnly || c.Secure || c.SameSite != http.SameSiteLaxMode || c.Path != "/" {
		t.Errorf("cookie %+v", c)
	}
	tlsReq := httptest.NewRequest("POST", "https://x/connexion", nil)
	rec = httptest.NewRecorder()
	s.Issue(rec, tlsReq, "agent.a")
	if !rec.Result().Cookies()[0].Secure {
		t.Error("cookie over TLS not Secure")
	}
	req := httptest.NewRequest("GET", "/", nil)
	req.AddCookie(c)
	got, err := s.Read(req)
	if err != nil || got != sess {
		t.Fatalf("%+v %v", got, err)
	}
	// Tampering with the payload or the signature, another key, expiry.
	payload, sig, _ := strings.Cut(c.Value, ".")
	forged := s.Encode(Session{Login: "admin", ID: sess.ID, Expires: sess.Expires})
	forgedPayload, forgedSig, _ := strings.Cut(forged, ".")
	other := &Sessions{Key: []byte(strings.Repeat("o", 32)), Now: s.Now}
	for name, v := range map[string]string{
		"payload changé":               forgedPayload + "." + sig,
		"signature d'un autre contenu": payload + "." + forgedSig,
		"autre clé":                    other.Encode(sess),
		"sans signature":               payload,
	} {
		if _, err := s.Decode(v); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	now = now.Add(time.Hour)
	if _, err := s.Decode(c.Value); err == nil {
		t.Error("expired session accepted")
	}
	tok := s.CSRFToken(sess)
	if !s.CheckCSRF(sess, tok) || s.CheckCSRF(sess, "") || s.CheckCSRF(Session{ID: "autre"}, tok) {
		t.Error("CSRF token check")
	}
}

func TestLoadOrCreateKey(t *testing.T) {
	p := filepath.Join(t.TempDir(), "sub", "cle")
	k1, err := LoadOrCreateKey(p)
	if err != nil || len(k1) != 32 {
		t.Fatal(err)
	}
	k2, err := LoadOrCreateKey(p)
	if err != nil || string(k1) != string(k2) {
		t.Errorf("key changed: %v", err)
	}
}

func newStore(t *testing.T) *sqlite.Store {
	s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "d.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestMiddleware(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	now := time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	keys := map[string]string{}
	for _, k := range []struct {
		name             string
		expires, revoked time.Time
	}{{"active", time.Time{}, time.Time{}}, {"expired", now.Add(-time.Hour), time.Time{}}, {"revoked", time.Time{}, now.Add(-time.Minute)}, {"later", now.Add(time.Hour), now.Add(time.Hour)}} {
		id, key, hash, _ := NewAPIKey()
		if err := s.CreateAPIKey(ctx, store.APIKey{ID: id, Hash: hash, Organisation: k.name, Scopes: []string{store.ScopeRead},
			ExpiresAt: k.expires, RevokedAt: k.revoked}); err != nil {
			t.Fatal(err)
		}
		keys[k.name] = key
	}
	hash, _ := HashPassword("correct horse battery", testParams)
	if err := s.CreateUser(ctx, store.User{Login: "agent.a", Name: "A", PasswordHash: hash, Scopes: []string{store.ScopeReview}}); err != nil {
		t.Fatal(err)
	}
	sessions := &Sessions{Key: []byte(strings.Repeat("k", 32)), Now: clock}
	a := &Authenticator{Store: s, Sessions: sessions, Rate: 1, Burst: 3, Now: clock}
	h := a.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := FromContext(r.Context())
		if p == nil {
			w.Write([]byte("anonyme"))
			return
		}
		w.Write([]byte(p.Actor + " " + p.Name))
	}))
	do := func(method, key string, cookie *http.Cookie, form url.Values, header map[string]string) *httptest.ResponseRecorder {
		var body *strings.Reader
		if form != nil {
			body = strings.NewReader(form.Encode())
		} else {
			body = strings.NewReader("")
		}
		req := httptest.NewRequest(method, "/api/v1/ej", body)
		if form != nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		if key != "" {
			req.Header.Set("Authorization", "Bearer "+key)
		}
		for k, v := range header {
			req.Header.Set(k, v)
		}
		if cookie != nil {
			req.AddCookie(cookie)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	if rec := do("GET", "", nil, nil, nil); rec.Code != 200 || rec.Body.String() != "anonyme" {
		t.Errorf("anonymous: %d %s", rec.Code, rec.Body)
	}
	for name, want := range map[string]int{"active": 200, "expired": 401, "revoked": 401, "later": 200} {
		rec := do("GET", keys[name], nil, nil, nil)
		if rec.Code != want {
			t.Errorf("%s key: %d %s", name, rec.Code, rec.Body)
		}
		if want == 401 && (rec.Header().Get("Content-Type") != "application/problem+json" || !strings.Contains(rec.Body.String(), "clé d'API")) {
			t.Errorf("%s key: %s %s", name, rec.Header(), rec.Body)
		}
	}
	wrong := keys["active"][:len(keys["active"])-1] + "a"
	if wrong == keys["active"] {
		wrong = keys["active"][:len(keys["active"])-1] + "b"
	}
	for _, k := range []string{wrong, "n'importe quoi"} {
		if rec := do("GET", k, nil, nil, nil); rec.Code != 401 {
			t.Errorf("key %q: %d", k, rec.Code)
		}
	}
	// Rate: burst 3, one per second. "active" used once, "later" once.
	do("GET", keys["active"], nil, nil, nil)
	do("GET", keys["active"], nil, nil, nil)
	rec := do("GET", keys["active"], nil, nil, nil)
	if rec.Code != http.StatusTooManyRequests || rec.Header().Get("Retry-After") != "1" {
		t.Errorf("over the rate: %d, Retry-After %q", rec.Code, rec.Header().Get("Retry-After"))
	}
	if rec := do("GET", keys["later"], nil, nil, nil); rec.Code != 200 {
		t.Errorf("another key is limited by the first: %d", rec.Code)
	}
	now = now.Add(1100 * time.Millisecond)
	if rec := do("GET", keys["active"], nil, nil, nil); rec.Code != 200 {
		t.Errorf("after a second: %d", rec.Code)
	}

	// Sessions: the login, the cookie, CSRF on state-changing requests.
	if _, err := a.CheckPassword(ctx, "agent.a", "mauvais mot de passe"); err != ErrBadLogin {
		t.Errorf("wrong password: %v", err)
	}
	if _, err := a.CheckPassword(ctx, "inconnu", "correct horse battery"); err != ErrBadLogin {
		t.Errorf("unknown login: %v", err)
	}
	if _, err := a.CheckPassword(ctx, "agent.a", "correct horse battery"); err != nil {
		t.Fatal(err)
	}
	issued := httptest.NewRecorder()
	sess, _ := sessions.Issue(issued, httptest.NewRequest("POST", "/", nil), "agent.a")
	cookie := issued.Result().Cookies()[0]
	if rec := do("GET", "", cookie, nil, nil); rec.Body.String() != "user:agent.a A" {
		t.Errorf("session: %d %s", rec.Code, rec.Body)
	}
	if rec := do("POST", "", cookie, url.Values{"champ": {"x"}}, nil); rec.Code != 403 {
		t.Errorf("POST without CSRF token: %d", rec.Code)
	}
	if rec := do("POST", "", cookie, url.Values{CSRFField: {sessions.CSRFToken(sess)}}, nil); rec.Code != 200 {
		t.Errorf("form with CSRF token: %d %s", rec.Code, rec.Body)
	}
	now = now.Add(5 * time.Second) // refill the session's bucket
	if rec := do("POST", "", cookie, nil, map[string]string{"X-CSRF-Token": sessions.CSRFToken(sess)}); rec.Code != 200 {
		t.Errorf("header CSRF token: %d", rec.Code)
	}
	if rec := do("POST", "", cookie, nil, map[string]string{"X-CSRF-Token": sessions.CSRFToken(Session{ID: "x"})}); rec.Code != 403 {
		t.Errorf("another session's token: %d", rec.Code)
	}
	// Password guessing is slowed down.
	var last error
	for range 6 {
		_, last = a.CheckPassword(ctx, "agent.a", "mauvais mot de passe")
	}
	if last != ErrTooManyLogins {
		t.Errorf("sixth attempt in a row: %v", last)
	}
}

func TestPrincipalScopes(t *testing.T) {
	cases := []struct {
		scopes              []string
		read, review, admin bool
	}{
		{[]string{"read"}, true, false, false},
		{[]string{"review"}, true, true, false},
		{[]string{"admin"}, true, false, true},
		{nil, false, false, false},
	}
	for _, c := range cases {
		p := &Principal{Scopes: c.scopes}
		if p.Has(store.ScopeRead) != c.read || p.Has(store.ScopeReview) != c.review || p.Has(store.ScopeAdmin) != c.admin {
			t.Errorf("%v", c.scopes)
		}
	}
	var none *Principal
	if none.Has(store.ScopeRead) {
		t.Error("nil principal has read")
	}
}

func TestSecurityHeaders(t *testing.T) {
	rec := httptest.NewRecorder()
	SecurityHeaders("")(http.NotFoundHandler()).ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	h := rec.Header()
	if !strings.Contains(h.Get("Content-Security-Policy"), "frame-ancestors 'none'") || h.Get("X-Content-Type-Options") != "nosniff" ||
		h.Get("Referrer-Policy") == "" || h.Get("Strict-Transport-Security") != "" {
		t.Errorf("%v", h)
	}
}
