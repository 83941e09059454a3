// Package api is the reuse API under /api/v1: huma on chi, described by
// an OpenAPI 3.1 document at /api/v1/openapi.json, errors as RFC 9457
// problem details. Every operation declares the scope it needs; every
// answer is cut to the caller's perimeter (an EJ outside it is 404, and
// is never listed, counted, searched, exported or cited); RIB fields need
// the review scope; calls of API keys are counted per key, endpoint and
// day; document openings and every change go to the audit log.
package api

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"path"
	"reflect"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humachi"
	"github.com/go-chi/chi/v5"

	"github.com/depenses-eclairees/depenses/internal/referential"
	"github.com/depenses-eclairees/depenses/internal/store"
	"github.com/depenses-eclairees/depenses/internal/web/auth"
)

// Prefix is where the API is mounted.
const Prefix = "/api/v1"

// Version is the API's version in its OpenAPI document.
const Version = "1.0.0"

// Config is what the API reads and writes.
type Config struct {
	Store store.Store
	Web   store.Web
	Blobs store.Blobs
	Ref   *referential.Set
	Log   *slog.Logger
	Now   func() time.Time
}

type server struct {
	Config
}

func (s *server) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// New returns the API's handler, to mount at Prefix behind
// auth.Authenticator's middleware, and its huma API (for the document).
func New(cfg Config) (http.Handler, huma.API) {
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	s := &server{Config: cfg}
	r := chi.NewRouter()
	hc := huma.DefaultConfig("Dépenses éclairées", Version)
	hc.CreateHooks = nil // no $schema links in bodies
	hc.DocsPath = ""     // the docs page loads scripts from a CDN
	hc.Info.Description = "Données enrichies des engagements juridiques de l'État : désignation claire, prestataire identifié, " +
		"administration bénéficiaire explicite, documents, anomalies, dépenses de conseil. Authentification par clé d'API " +
		"(en-tête Authorization: Bearer dep_…) ; chaque clé ne voit que son périmètre."
	hc.Servers = []*huma.Server{{URL: Prefix}}
	hc.Components.Schemas = huma.NewMapRegistry("#/components/schemas/", schemaName)
	hc.Components.SecuritySchemes = map[string]*huma.SecurityScheme{
		"cle": {Type: "http", Scheme: "bearer", Description: "clé d'API dep_<id>_<secret>"},
		"session": {Type: "apiKey", In: "cookie", Name: auth.SessionCookie,
			Description: "session de l'interface ; jeton anti-CSRF dans l'en-tête X-CSRF-Token pour les modifications"},
	}
	api := humachi.New(r, hc)
	api.UseMiddleware(s.guard(api))
	s.registerEJ(api)
	s.registerDocuments(api)
	s.registerAnomalies(api)
	s.registerExports(api)
	s.registerAdmin(api)
	return r, api
}

// schemaName prefixes the types of other packages with their package
// (chorus.Supplier and indicators.Supplier would clash).
func schemaName(t reflect.Type, hint string) string {
	name := huma.DefaultSchemaNamer(t, hint)
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Map {
		t = t.Elem()
	}
	pkg := path.Base(t.PkgPath())
	if t.Name() == "" || pkg == "." || pkg == "api" {
		return name
	}
	return strings.ToUpper(pkg[:1]) + pkg[1:] + name
}

// op declares an operation and the scope it needs.
func op(id, method, path, summary, tag, scope string) huma.Operation {
	return huma.Operation{
		OperationID: id, Method: method, Path: path, Summary: summary, Tags: []string{tag},
		Metadata: map[string]any{"scope": scope},
		Security: []map[string][]string{{"cle": {}}, {"session": {}}},
		Errors:   []int{http.StatusUnauthorized, http.StatusForbidden, http.StatusTooManyRequests},
	}
}

// guard refuses anonymous calls and missing scopes, and counts the calls
// of API keys.
func (s *server) guard(api huma.API) func(huma.Context, func(huma.Context)) {
	return func(ctx huma.Context, next func(huma.Context)) {
		p := auth.FromContext(ctx.Context())
		o := ctx.Operation()
		if p == nil {
			ctx.SetHeader("WWW-Authenticate", `Bearer realm="depenses"`)
			huma.WriteErr(api, ctx, http.StatusUnauthorized, "authentification requise : clé d'API (Authorization: Bearer dep_…) ou session")
			return
		}
		if scope, _ := o.Metadata["scope"].(string); scope != "" && !p.Has(scope) {
			huma.WriteErr(api, ctx, http.StatusForbidden, fmt.Sprintf("la portée %q est nécessaire pour cette opération", scope))
			return
		}
		if p.KeyID != "" {
			// Counted before serving, so that a long export counts even if cut.
			if err := s.Web.CountUsage(ctx.Context(), p.KeyID, o.Method+" "+o.Path, s.now()); err != nil {
				s.Log.Error("compteur d'usage", "erreur", err)
			}
		}
		next(ctx)
	}
}

func principal(ctx context.Context) *auth.Principal { return auth.FromContext(ctx) }

// internal logs an error and answers 500 without its detail.
func (s *server) internal(err error) error {
	s.Log.Error("API", "erreur", err)
	return huma.Error500InternalServerError("erreur interne")
}

// notFoundOr turns the store's ErrNotFound into 404.
func (s *server) notFoundOr(err error, what string) error {
	if errors.Is(err, store.ErrNotFound) {
		return huma.Error404NotFound(what + " introuvable")
	}
	return s.internal(err)
}

// audit records an entry; a failure is logged, the answer is not lost.
func (s *server) audit(ctx context.Context, action, subject, detail string) error {
	p := principal(ctx)
	return s.Web.Audit(ctx, store.AuditEntry{At: s.now(), Actor: p.Actor, Action: action, Subject: subject, Detail: detail})
}
