// Package web assembles the HTTP server: the API under /api/v1, the UI at
// /, health checks, security headers and authentication in front of all.
package web

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"
	"golang.org/x/time/rate"

	"github.com/depenses-eclairees/depenses/internal/referential"
	"github.com/depenses-eclairees/depenses/internal/store"
	"github.com/depenses-eclairees/depenses/internal/web/api"
	"github.com/depenses-eclairees/depenses/internal/web/auth"
)

// Config is what the server needs.
type Config struct {
	Store store.Store // must implement store.Web too
	Blobs store.Blobs
	Ref   *referential.Set
	// Auth authenticates requests; nil builds one from SessionKey and the rates.
	Auth *auth.Authenticator
	// SessionKey signs session cookies (auth.LoadOrCreateKey); 32 bytes at least.
	SessionKey []byte
	// AlwaysSecure marks cookies Secure behind a TLS-terminating proxy.
	AlwaysSecure bool
	// RatePerSecond and Burst bound each key's requests (0: 20/s, burst 40).
	RatePerSecond float64
	Burst         int
	// CSP replaces auth.DefaultCSP when set.
	CSP string
	// OIDC, when set, mounts the OpenID Connect login (auth.OIDCStartPath
	// and auth.OIDCCallbackPath); build it with auth.NewOIDC on Auth.
	OIDC *auth.OIDC
	// UI is the agents' interface, mounted at "/"; nil answers 404 there.
	UI http.Handler
	// Metrics serves Prometheus' /metrics (unauthenticated, like /healthz:
	// expose the port to the monitoring network only); nil leaves it out.
	Metrics http.Handler
	Log     *slog.Logger
	Now     func() time.Time
}

// NewAuthenticator builds the authenticator New would, so that the UI can
// be given the same one (set it as Config.Auth).
func NewAuthenticator(cfg Config) (*auth.Authenticator, error) {
	w, ok := cfg.Store.(store.Web)
	if !ok {
		return nil, fmt.Errorf("le stockage %T ne permet pas le service web", cfg.Store)
	}
	if len(cfg.SessionKey) < 32 {
		return nil, errors.New("clé de signature des sessions absente ou trop courte (32 octets au moins)")
	}
	return &auth.Authenticator{
		Store:    w,
		Sessions: &auth.Sessions{Key: cfg.SessionKey, AlwaysSecure: cfg.AlwaysSecure, Now: cfg.Now},
		Rate:     rate.Limit(cfg.RatePerSecond), Burst: cfg.Burst, Now: cfg.Now, Log: cfg.Log,
	}, nil
}

// New returns the server's handler.
func New(cfg Config) (http.Handler, error) {
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	w, ok := cfg.Store.(store.Web)
	if !ok {
		return nil, fmt.Errorf("le stockage %T ne permet pas le service web", cfg.Store)
	}
	a := cfg.Auth
	if a == nil {
		var err error
		if a, err = NewAuthenticator(cfg); err != nil {
			return nil, err
		}
	}
	apiHandler, _ := api.New(api.Config{Store: cfg.Store, Web: w, Blobs: cfg.Blobs, Ref: cfg.Ref, Log: cfg.Log, Now: cfg.Now})
	r := chi.NewRouter()
	r.Use(auth.SecurityHeaders(cfg.CSP))
	r.Get("/healthz", func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte("ok\n")) })
	if cfg.Metrics != nil {
		r.Method(http.MethodGet, "/metrics", cfg.Metrics)
	}
	r.Get("/readyz", func(rw http.ResponseWriter, req *http.Request) {
		ctx, cancel := context.WithTimeout(req.Context(), 2*time.Second)
		defer cancel()
		if _, err := w.InPerimeter(ctx, store.Perimeter{}, ""); err != nil {
			cfg.Log.Error("base indisponible", "erreur", err)
			http.Error(rw, "base de données indisponible", http.StatusServiceUnavailable)
			return
		}
		rw.Write([]byte("ok\n"))
	})
	r.Group(func(r chi.Router) {
		r.Use(a.Middleware)
		r.Mount(api.Prefix, apiHandler)
		if cfg.OIDC != nil {
			r.Get(auth.OIDCStartPath, cfg.OIDC.Start)
			r.Get(auth.OIDCCallbackPath, cfg.OIDC.Callback)
		}
		if cfg.UI != nil {
			r.Mount("/", cfg.UI)
		}
	})
	return r, nil
}

// Serve listens on addr until ctx ends, then stops accepting requests
// and gives those in progress up to grace to finish. ready, when set,
// receives the address actually listened on (useful with port 0).
func Serve(ctx context.Context, addr string, h http.Handler, grace time.Duration, ready func(net.Addr)) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("écoute sur %s impossible : %w", addr, err)
	}
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       time.Minute,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		// No WriteTimeout: exports stream for as long as they need.
	}
	if ready != nil {
		ready(ln.Addr())
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		srv.Close()
		return fmt.Errorf("arrêt du serveur : %w", err)
	}
	if err := <-done; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
