package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/depenses-eclairees/depenses/internal/store"
)

// Authenticator resolves the principal of each request.
type Authenticator struct {
	Store    store.Web
	Sessions *Sessions
	// Rate and Burst bound each key's (and each session's) requests:
	// a token bucket refilled at Rate per second. Zero Rate: 20/s, burst 40.
	Rate  rate.Limit
	Burst int
	Now   func() time.Time
	Log   *slog.Logger

	mu       sync.Mutex
	limiters map[string]*rate.Limiter
	logins   map[string]*rate.Limiter
}

func (a *Authenticator) now() time.Time {
	if a.Now != nil {
		return a.Now()
	}
	return time.Now()
}

// WriteProblem answers with an RFC 9457 problem, as the API's own errors.
func WriteProblem(w http.ResponseWriter, status int, detail string) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{
		"type": "about:blank", "title": http.StatusText(status), "status": status, "detail": detail,
	})
}

// Errors of key authentication, in French for the reuser.
var (
	ErrBadKey     = errors.New("clé d'API invalide")
	ErrRevokedKey = errors.New("clé d'API révoquée")
	ErrExpiredKey = errors.New("clé d'API expirée")
)

// KeyPrincipal checks an API key and returns its principal.
func (a *Authenticator) KeyPrincipal(ctx context.Context, key string) (*Principal, error) {
	id, ok := ParseAPIKey(key)
	if !ok {
		return nil, ErrBadKey
	}
	k, err := a.Store.APIKeyByHash(ctx, HashAPIKey(key))
	if errors.Is(err, store.ErrNotFound) || err == nil && k.ID != id {
		return nil, ErrBadKey
	}
	if err != nil {
		return nil, err
	}
	now := a.now()
	if !k.RevokedAt.IsZero() && !now.Before(k.RevokedAt) {
		return nil, ErrRevokedKey
	}
	if !k.ExpiresAt.IsZero() && !now.Before(k.ExpiresAt) {
		return nil, ErrExpiredKey
	}
	return &Principal{Actor: "key:" + k.ID, KeyID: k.ID, Name: k.Organisation, Scopes: k.Scopes, Perimeter: k.Perimeter}, nil
}

// UserPrincipal returns the principal of an account.
func UserPrincipal(u store.User, sess *Session) *Principal {
	return &Principal{Actor: "user:" + u.Login, Login: u.Login, Name: u.Name, Scopes: u.Scopes, Perimeter: u.Perimeter, Session: sess}
}

// ErrBadLogin is the one answer to a wrong login or password.
var ErrBadLogin = errors.New("identifiant ou mot de passe incorrect")

// ErrTooManyLogins slows password guessing down.
var ErrTooManyLogins = errors.New("trop de tentatives de connexion : réessayez dans une minute")

// CheckPassword checks a login and password; five attempts per login and
// minute at most.
func (a *Authenticator) CheckPassword(ctx context.Context, login, password string) (store.User, error) {
	a.mu.Lock()
	if a.logins == nil {
		a.logins = map[string]*rate.Limiter{}
	}
	lim := a.logins[login]
	if lim == nil {
		if len(a.logins) > 10000 {
			clear(a.logins)
		}
		lim = rate.NewLimiter(rate.Every(12*time.Second), 5)
		a.logins[login] = lim
	}
	a.mu.Unlock()
	if !lim.AllowN(a.now(), 1) {
		return store.User{}, ErrTooManyLogins
	}
	u, err := a.Store.User(ctx, login)
	if errors.Is(err, store.ErrNotFound) {
		// Same work as a real check, so that timing does not tell which logins exist.
		VerifyPassword(dummyHash, password)
		return u, ErrBadLogin
	}
	if err != nil {
		return u, err
	}
	ok, err := VerifyPassword(u.PasswordHash, password)
	if err != nil {
		return u, fmt.Errorf("compte %s : %w", login, err)
	}
	if !ok {
		return store.User{}, ErrBadLogin
	}
	return u, nil
}

var dummyHash = func() string {
	h, _ := HashPassword("mot de passe factice", DefaultPasswordParams)
	return h
}()

// keyFrom reads an API key from Authorization: Bearer or X-API-Key.
func keyFrom(r *http.Request) string {
	if h := r.Header.Get("Authorization"); h != "" {
		if k, ok := strings.CutPrefix(h, "Bearer "); ok {
			return strings.TrimSpace(k)
		}
		return h
	}
	return strings.TrimSpace(r.Header.Get("X-API-Key"))
}

func unsafeMethod(m string) bool {
	return m != http.MethodGet && m != http.MethodHead && m != http.MethodOptions
}

// Middleware puts the request's principal in its context: an API key
// when one is given (a wrong one is refused), else a valid session, else
// none. It applies the rate limit of the principal and, for sessions, the
// CSRF check of state-changing requests.
func (a *Authenticator) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var p *Principal
		if key := keyFrom(r); key != "" {
			var err error
			p, err = a.KeyPrincipal(r.Context(), key)
			if err != nil {
				if !errors.Is(err, ErrBadKey) && !errors.Is(err, ErrRevokedKey) && !errors.Is(err, ErrExpiredKey) {
					a.logError("clé d'API", err)
					WriteProblem(w, http.StatusInternalServerError, "erreur interne")
					return
				}
				w.Header().Set("WWW-Authenticate", `Bearer realm="depenses"`)
				WriteProblem(w, http.StatusUnauthorized, err.Error())
				return
			}
		} else if a.Sessions != nil {
			if sess, err := a.Sessions.Read(r); err == nil {
				u, err := a.Store.User(r.Context(), sess.Login)
				switch {
				case err == nil:
					p = UserPrincipal(u, &sess)
					p.user = &u
				case errors.Is(err, store.ErrNotFound):
					a.Sessions.Clear(w, r)
				default:
					a.logError("session", err)
					WriteProblem(w, http.StatusInternalServerError, "erreur interne")
					return
				}
			}
		}
		if p != nil {
			if wait, ok := a.allow(p.Actor); !ok {
				w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
				WriteProblem(w, http.StatusTooManyRequests, "trop de requêtes pour cette clé : réessayez dans "+strconv.Itoa(int(math.Ceil(wait.Seconds())))+" s")
				return
			}
			if p.Session != nil && unsafeMethod(r.Method) && !a.Sessions.CheckCSRF(*p.Session, csrfFrom(r)) {
				WriteProblem(w, http.StatusForbidden, "jeton anti-CSRF absent ou invalide : rechargez la page")
				return
			}
			r = r.WithContext(WithPrincipal(r.Context(), p))
		} else if a.Sessions != nil && keyFrom(r) == "" {
			// A browser not logged in: its login form needs a CSRF token.
			r = r.WithContext(withPreSession(r.Context(), a.Sessions.preSession(w, r)))
		}
		next.ServeHTTP(w, r)
	})
}

// CSRFField and CSRFHeader carry the CSRF token of a session's
// state-changing request: forms in the field, scripts (htmx) in the header.
const (
	CSRFField  = "csrf_token"
	CSRFHeader = "X-CSRF-Token"
)

func csrfFrom(r *http.Request) string {
	if t := r.Header.Get(CSRFHeader); t != "" {
		return t
	}
	ct := r.Header.Get("Content-Type")
	if strings.HasPrefix(ct, "application/x-www-form-urlencoded") || strings.HasPrefix(ct, "multipart/form-data") {
		r.Body = http.MaxBytesReader(nil, r.Body, 10<<20)
		return r.PostFormValue(CSRFField)
	}
	return ""
}

// allow takes a token from the actor's bucket; when empty, it says how
// long until the next one.
func (a *Authenticator) allow(actor string) (time.Duration, bool) {
	limit, burst := a.Rate, a.Burst
	if limit == 0 {
		limit, burst = 20, 40
	}
	if burst <= 0 {
		burst = 1
	}
	a.mu.Lock()
	if a.limiters == nil {
		a.limiters = map[string]*rate.Limiter{}
	}
	lim := a.limiters[actor]
	if lim == nil {
		lim = rate.NewLimiter(limit, burst)
		a.limiters[actor] = lim
	}
	a.mu.Unlock()
	now := a.now()
	res := lim.ReserveN(now, 1)
	if !res.OK() {
		return time.Second, false
	}
	if d := res.DelayFrom(now); d > 0 {
		res.CancelAt(now)
		return d, false
	}
	return 0, true
}

func (a *Authenticator) logError(what string, err error) {
	if a.Log != nil {
		a.Log.Error(what, "erreur", err)
	}
}

// DefaultCSP suits DSFR served from the same origin: no inline script,
// no third party, no framing.
const DefaultCSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
	"connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"

// SecurityHeaders sets the headers every answer carries; csp empty means DefaultCSP.
func SecurityHeaders(csp string) func(http.Handler) http.Handler {
	if csp == "" {
		csp = DefaultCSP
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			h := w.Header()
			h.Set("Content-Security-Policy", csp)
			h.Set("X-Content-Type-Options", "nosniff")
			h.Set("Referrer-Policy", "same-origin")
			h.Set("X-Frame-Options", "DENY")
			h.Set("Cross-Origin-Opener-Policy", "same-origin")
			h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
			if r.TLS != nil {
				h.Set("Strict-Transport-Security", "max-age=31536000")
			}
			next.ServeHTTP(w, r)
		})
	}
}
