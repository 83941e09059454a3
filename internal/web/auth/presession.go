package auth

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
)

// PreSessionCookie holds a random value given to a browser before it logs
// in, so that the login form carries a CSRF token too (login CSRF: a site
// must not be able to log a visitor into an account of its choosing).
const PreSessionCookie = "depenses_avant_connexion"

type preSessionKey struct{}

// preSession returns the browser's pre-session value, setting the cookie
// when it has none or a malformed one.
func (s *Sessions) preSession(w http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie(PreSessionCookie); err == nil {
		if b, err := base64.RawURLEncoding.DecodeString(c.Value); err == nil && len(b) == 16 {
			return c.Value
		}
	}
	b := make([]byte, 16)
	rand.Read(b) // never fails (crypto/rand)
	v := base64.RawURLEncoding.EncodeToString(b)
	http.SetCookie(w, &http.Cookie{Name: PreSessionCookie, Value: v, Path: "/", MaxAge: 24 * 3600,
		HttpOnly: true, Secure: s.AlwaysSecure || r.TLS != nil, SameSite: http.SameSiteLaxMode})
	return v
}

// preSessionToken is the CSRF token of a pre-session.
func (s *Sessions) preSessionToken(v string) string {
	m := hmac.New(sha256.New, s.Key)
	m.Write([]byte("csrf-avant-connexion\x00"))
	m.Write([]byte(v))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

func withPreSession(ctx context.Context, v string) context.Context {
	return context.WithValue(ctx, preSessionKey{}, v)
}

func preSessionFrom(ctx context.Context) string {
	v, _ := ctx.Value(preSessionKey{}).(string)
	return v
}
