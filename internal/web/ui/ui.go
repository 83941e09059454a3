// Package ui is the agents' web interface: search, the EJ page ("vue
// 360°"), the document viewer with the extracted fields drawn on the page,
// reviews, the review queue and the dashboard. Pages are rendered on the
// server with templ, styled with the State design system (DSFR, vendored
// and embedded) and refreshed in part with htmx; nothing is built in the
// browser.
package ui

import (
	"context"
	"errors"
	"image"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/a-h/templ"

	"github.com/depenses-eclairees/depenses/internal/referential"
	"github.com/depenses-eclairees/depenses/internal/store"
)

// CSRFField and CSRFHeader carry the token Authenticator.CSRFToken gives:
// forms post it in the field, htmx requests send it in the header.
// Authenticator.CheckCSRF must accept either.
const (
	CSRFField  = "csrf_token"
	CSRFHeader = "X-CSRF-Token"
)

// Authenticator is what the UI needs from the session layer (internal/web/auth).
type Authenticator interface {
	// Login checks the password and opens a session (sets its cookie); the
	// error is shown to the user as it is, so it must be French and must not
	// tell whether the login exists.
	Login(w http.ResponseWriter, r *http.Request, login, password string) error
	// Logout closes the session of the request.
	Logout(w http.ResponseWriter, r *http.Request) error
	// Current returns the user of the request's session.
	Current(r *http.Request) (store.User, bool)
	// CSRFToken is the token to put in the forms of the request's page.
	CSRFToken(r *http.Request) string
	// CheckCSRF verifies the token of a state-changing request (form field
	// CSRFField or header CSRFHeader).
	CheckCSRF(r *http.Request) error
}

// PageRenderer renders page (1-based) of a PDF at dpi, as pdf.Engine.Render does.
type PageRenderer func(ctx context.Context, data []byte, page, dpi int) (image.Image, error)

// Deps is what the UI reads and writes.
type Deps struct {
	Store store.Store
	Web   store.Web
	Blobs store.Blobs
	Ref   *referential.Set
	Auth  Authenticator
	// Render draws PDF pages for the viewer; nil shows documents without image.
	Render PageRenderer
	// CacheDir keeps rendered pages (PNG) between requests; empty renders each time.
	CacheDir string
	// Reindex refreshes the search summary of an EJ after a review changed
	// its enriched values; nil leaves the index to the next processing.
	Reindex func(ctx context.Context, numEJ string) error
	Logger  *slog.Logger
	// Now is the clock of reviews and audit entries; nil is time.Now.
	Now func() time.Time
	// OIDCLogin shows the ProConnect button (auth.OIDCStartPath) on the login page.
	OIDCLogin bool
}

type server struct {
	Deps
	pages *pageCache
	dash  *dashboardCache
}

// New returns the UI's handler, meant to be mounted at "/".
func New(d Deps) http.Handler {
	if d.Logger == nil {
		d.Logger = slog.Default()
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	s := &server{Deps: d, pages: newPageCache(d.CacheDir), dash: newDashboardCache()}
	mux := http.NewServeMux()
	mux.Handle("GET /static/", http.StripPrefix("/static/", staticHandler()))
	mux.HandleFunc("GET /connexion", s.loginPage)
	mux.HandleFunc("POST /connexion", s.login)
	mux.HandleFunc("POST /deconnexion", s.signedIn(s.logout))
	mux.HandleFunc("GET /{$}", s.signedIn(s.search))
	mux.HandleFunc("GET /recherche", s.signedIn(s.search))
	mux.HandleFunc("GET /revue", s.signedIn(s.queue))
	mux.HandleFunc("GET /tableau-de-bord", s.signedIn(s.dashboard))
	mux.HandleFunc("GET /admin/reutilisations", s.signedIn(s.reuses))
	mux.HandleFunc("GET /ej/{num}", s.signedIn(s.ejPage))
	mux.HandleFunc("POST /ej/{num}/valeurs", s.signedIn(s.reviewValue))
	mux.HandleFunc("POST /ej/{num}/anomalies", s.signedIn(s.reviewAnomaly))
	mux.HandleFunc("GET /ej/{num}/documents/{sha}", s.signedIn(s.viewer))
	mux.HandleFunc("POST /ej/{num}/documents/{sha}/champs", s.signedIn(s.reviewField))
	mux.HandleFunc("GET /ej/{num}/documents/{sha}/pages/{page}", s.signedIn(s.pageImage))
	mux.HandleFunc("GET /ej/{num}/documents/{sha}/original", s.signedIn(s.original))
	return mux
}

type ctxKey struct{}

// session is the signed-in user of a request and what the pages need of it.
type session struct {
	User store.User
	CSRF string
}

func (s session) can(scope string) bool {
	for _, sc := range s.User.Scopes {
		if sc == scope || sc == store.ScopeAdmin {
			return true
		}
	}
	return false
}

func (s session) actor() string { return "user:" + s.User.Login }

func sessionOf(r *http.Request) session {
	v, _ := r.Context().Value(ctxKey{}).(session)
	return v
}

// signedIn sends visitors without a session to the login page and checks
// the CSRF token of every state-changing request.
func (s *server) signedIn(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		u, ok := s.Auth.Current(r)
		if !ok {
			target := "/connexion?suite=" + url.QueryEscape(r.URL.RequestURI())
			if r.Header.Get("HX-Request") != "" {
				w.Header().Set("HX-Redirect", target)
				w.WriteHeader(http.StatusUnauthorized)
				return
			}
			http.Redirect(w, r, target, http.StatusSeeOther)
			return
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			if err := s.Auth.CheckCSRF(r); err != nil {
				s.fail(w, r, http.StatusForbidden, "Le formulaire a expiré ou ne vient pas de cette page : rechargez la page et recommencez.")
				return
			}
		}
		ctx := context.WithValue(r.Context(), ctxKey{}, session{User: u, CSRF: s.Auth.CSRFToken(r)})
		h(w, r.WithContext(ctx))
	}
}

// render writes a component; an error after the first byte can only be logged.
func (s *server) render(w http.ResponseWriter, r *http.Request, status int, c templ.Component) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	if err := c.Render(r.Context(), w); err != nil {
		s.Logger.Error("rendu de page interrompu", "chemin", r.URL.Path, "erreur", err)
	}
}

// fail shows a French error page, or its message alone to htmx.
func (s *server) fail(w http.ResponseWriter, r *http.Request, status int, msg string) {
	if r.Header.Get("HX-Request") != "" {
		s.render(w, r, status, errorAlert(msg))
		return
	}
	s.render(w, r, status, errorPage(sessionOf(r), status, msg))
}

// internal logs err and shows a generic message: details stay in the logs.
func (s *server) internal(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, context.Canceled) {
		return
	}
	s.Logger.Error("erreur interne de l'interface", "chemin", r.URL.Path, "erreur", err)
	s.fail(w, r, http.StatusInternalServerError, "Une erreur interne est survenue ; elle a été consignée. Réessayez dans un instant.")
}

func (s *server) notFound(w http.ResponseWriter, r *http.Request) {
	s.fail(w, r, http.StatusNotFound, "Cette page n'existe pas ou n'est pas dans votre périmètre.")
}

// visible checks that an EJ exists within the user's perimeter: outside it,
// it does not exist (404), so that its number cannot be probed.
func (s *server) visible(ctx context.Context, sess session, numEJ string) (bool, error) {
	ok, err := s.Web.InPerimeter(ctx, sess.User.Perimeter, numEJ)
	if err != nil || !ok {
		return false, err
	}
	if _, err := s.Store.EJ(ctx, numEJ); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return false, nil
		}
		return false, err
	}
	return true, nil
}

// requireVisible answers 404 (or 500) unless the EJ is visible to the
// session; it reports whether the handler may go on.
func (s *server) requireVisible(w http.ResponseWriter, r *http.Request, sess session, numEJ string) bool {
	ok, err := s.visible(r.Context(), sess, numEJ)
	if err != nil {
		s.internal(w, r, err)
		return false
	}
	if !ok {
		s.notFound(w, r)
	}
	return ok
}

// safeNext keeps a post-login redirect on this site.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") || strings.ContainsAny(next, "\r\n") {
		return "/"
	}
	return next
}

func (s *server) loginPage(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.Auth.Current(r); ok {
		http.Redirect(w, r, safeNext(r.URL.Query().Get("suite")), http.StatusSeeOther)
		return
	}
	s.render(w, r, http.StatusOK, loginPage(loginView{CSRF: s.Auth.CSRFToken(r), Next: safeNext(r.URL.Query().Get("suite")), OIDC: s.OIDCLogin}))
}

func (s *server) login(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	if err := r.ParseForm(); err != nil {
		s.render(w, r, http.StatusBadRequest, loginPage(loginView{Error: "Formulaire illisible."}))
		return
	}
	v := loginView{Login: strings.TrimSpace(r.PostForm.Get("login")), Next: safeNext(r.PostForm.Get("suite")), OIDC: s.OIDCLogin}
	if err := s.Auth.CheckCSRF(r); err != nil {
		v.CSRF, v.Error = s.Auth.CSRFToken(r), "Le formulaire a expiré : recommencez."
		s.render(w, r, http.StatusForbidden, loginPage(v))
		return
	}
	if err := s.Auth.Login(w, r, v.Login, r.PostForm.Get("password")); err != nil {
		v.CSRF, v.Error = s.Auth.CSRFToken(r), err.Error()
		s.render(w, r, http.StatusUnauthorized, loginPage(v))
		return
	}
	http.Redirect(w, r, v.Next, http.StatusSeeOther)
}

func (s *server) logout(w http.ResponseWriter, r *http.Request) {
	if err := s.Auth.Logout(w, r); err != nil {
		s.internal(w, r, err)
		return
	}
	http.Redirect(w, r, "/connexion", http.StatusSeeOther)
}

// audit records an action; a failure is logged and reported, because an
// unaudited change must not pass silently.
func (s *server) audit(ctx context.Context, sess session, action, subject string, detail any) error {
	e := store.AuditEntry{At: s.Now(), Actor: sess.actor(), Action: action, Subject: subject, Detail: jsonString(detail)}
	if err := s.Web.Audit(ctx, e); err != nil {
		return err
	}
	return nil
}
