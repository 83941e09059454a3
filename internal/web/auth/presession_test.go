package auth

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// TestLoginFormCSRF follows a browser that is not logged in: the login page
// gives it a pre-session cookie and a token bound to it; the login post is
// accepted only with both.
func TestLoginFormCSRF(t *testing.T) {
	a := &Authenticator{Store: newStore(t), Sessions: &Sessions{Key: []byte(strings.Repeat("k", 32))}}
	var token string
	var checked error
	h := a.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			token = a.CSRFToken(r)
			return
		}
		checked = a.CheckCSRF(r)
	}))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/connexion", nil))
	cookies := rec.Result().Cookies()
	if token == "" || len(cookies) != 1 || cookies[0].Name != PreSessionCookie || !cookies[0].HttpOnly {
		t.Fatalf("login page: token %q, cookies %+v", token, cookies)
	}
	post := func(cookie *http.Cookie, tok string) error {
		form := url.Values{"login": {"agent"}, CSRFField: {tok}}
		req := httptest.NewRequest(http.MethodPost, "/connexion", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if cookie != nil {
			req.AddCookie(cookie)
		}
		checked = nil
		h.ServeHTTP(httptest.NewRecorder(), req)
		return checked
	}
	if err := post(cookies[0], token); err != nil {
		t.Errorf("the login form's own token was refused: %v", err)
	}
	if err := post(nil, token); err == nil {
		t.Error("a token without its pre-session cookie was accepted")
	}
	if err := post(cookies[0], ""); err == nil {
		t.Error("a login post without token was accepted")
	}
	other := &http.Cookie{Name: PreSessionCookie, Value: "AAAAAAAAAAAAAAAAAAAAAA"}
	if err := post(other, token); err == nil {
		t.Error("a token of another pre-session was accepted")
	}
	// A second visit keeps the same pre-session (no new cookie).
	req := httptest.NewRequest(http.MethodGet, "/connexion", nil)
	req.AddCookie(cookies[0])
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if len(rec.Result().Cookies()) != 0 {
		t.Error("a valid pre-session cookie was replaced")
	}
}
