package main

import (
	"context"
	"errors"
	"fmt"
	"image"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/depenses-eclairees/depenses/internal/export"
	"github.com/depenses-eclairees/depenses/internal/intake/limits"
	"github.com/depenses-eclairees/depenses/internal/intake/pdf"
	"github.com/depenses-eclairees/depenses/internal/metrics"
	"github.com/depenses-eclairees/depenses/internal/pipeline"
	"github.com/depenses-eclairees/depenses/internal/store"
	"github.com/depenses-eclairees/depenses/internal/web"
	"github.com/depenses-eclairees/depenses/internal/web/auth"
	"github.com/depenses-eclairees/depenses/internal/web/ui"
)

// viewerEngine is the PDF engine of the document viewer, started on first use.
var viewerEngine = sync.OnceValues(func() (*pdf.Engine, error) {
	return pdf.NewEngine(context.Background(), 1)
})

func serveCommand(data *dataFlags) *cobra.Command {
	var flags pipelineFlags
	var addr string
	var noWorkers, secure bool
	var ratePerSecond float64
	var burst int
	var oidcCfg auth.OIDCConfig
	var oidcSecretFile string
	cmd := &cobra.Command{
		Use:   "serve [--addr 127.0.0.1:8080] [--no-workers]",
		Short: "sert l'interface des agents et l'API de réutilisation (/api/v1), et traite les documents en attente",
		Long: `Sert l'interface web et l'API (/api/v1, décrite par /api/v1/openapi.json) sur --addr, et fait
tourner les travailleurs qui traitent les documents en attente, sauf avec --no-workers. Les sessions sont
signées par une clé conservée dans le dossier de données (cle-sessions). Ctrl-C ou SIGTERM arrêtent le
serveur en laissant 30 s aux requêtes en cours.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			// OIDC settings are checked before anything starts.
			if oidcCfg.Issuer == "" && (oidcCfg.ClientID != "" || oidcCfg.RedirectURL != "" || oidcSecretFile != "") {
				return errors.New("--oidc-issuer est nécessaire avec les autres options --oidc-…")
			}
			if oidcCfg.Issuer != "" {
				var err error
				if oidcCfg.ClientSecret, err = auth.ReadOIDCSecret(oidcSecretFile); err != nil {
					return err
				}
			}
			ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
			defer cancel()
			var ws *workspace
			var p *pipeline.Pipeline
			var err error
			if noWorkers {
				ws, err = data.open(ctx)
			} else {
				ws, p, err = flags.start(ctx, data)
			}
			if err != nil {
				return err
			}
			defer ws.Close()
			key, err := auth.LoadOrCreateKey(filepath.Join(data.dir, "cle-sessions"))
			if err != nil {
				return err
			}
			cfg := web.Config{Store: ws.store, Blobs: ws.blobs, Ref: ws.ref, SessionKey: key, AlwaysSecure: secure,
				RatePerSecond: ratePerSecond, Burst: burst}
			a, err := web.NewAuthenticator(cfg)
			if err != nil {
				return err
			}
			cfg.Auth = a
			if oidcCfg.Issuer != "" {
				if cfg.OIDC, err = auth.NewOIDC(oidcCfg, a); err != nil {
					return err
				}
			}
			webStore := ws.store.(store.Web) // NewAuthenticator checked it
			// Page images of the viewer come from their own PDF engine, so
			// that rendering never waits behind the workers' reading.
			render := func(ctx context.Context, data []byte, page, dpi int) (image.Image, error) {
				eng, err := viewerEngine()
				if err != nil {
					return nil, err
				}
				return eng.Render(ctx, data, page, dpi, limits.Default())
			}
			cfg.UI = ui.New(ui.Deps{Store: ws.store, Web: webStore, Blobs: ws.blobs, Ref: ws.ref, Auth: a, Render: render,
				CacheDir: filepath.Join(data.dir, "cache"), OIDCLogin: cfg.OIDC != nil,
				Reindex: func(ctx context.Context, n string) error { return export.Reindex(ctx, ws.store, webStore, n) }})
			if flags.metrics == nil {
				flags.metrics = metrics.New(nil)
			}
			cfg.Metrics = flags.metrics.Handler()
			h, err := web.New(cfg)
			if err != nil {
				return err
			}
			if p != nil {
				if err := p.Start(ctx); err != nil {
					return fmt.Errorf("démarrage des travailleurs impossible : %w", err)
				}
				defer func() {
					sctx, scancel := context.WithTimeout(context.Background(), time.Minute)
					defer scancel()
					p.Stop(sctx)
				}()
			}
			return web.Serve(ctx, addr, h, 30*time.Second, func(a net.Addr) {
				workers := "travailleurs actifs"
				if p == nil {
					workers = "sans travailleurs"
				}
				fmt.Fprintf(cmd.OutOrStdout(), "Dépenses éclairées sur http://%s (API : http://%s/api/v1/openapi.json ; %s)\n", a, a, workers)
			})
		},
	}
	cmd.Flags().StringVar(&addr, "addr", "127.0.0.1:8080", "adresse d'écoute")
	cmd.Flags().BoolVar(&noWorkers, "no-workers", false, "ne pas traiter les documents en attente (un autre processus s'en charge)")
	cmd.Flags().BoolVar(&secure, "cookies-securises", false, "cookies Secure même sans TLS ici (derrière un mandataire HTTPS)")
	cmd.Flags().Float64Var(&ratePerSecond, "debit-cle", 20, "requêtes par seconde permises à chaque clé d'API ou session")
	cmd.Flags().IntVar(&burst, "rafale-cle", 40, "requêtes permises d'un coup au-delà du débit")
	cmd.Flags().StringVar(&oidcCfg.Issuer, "oidc-issuer", "", "URL de l'émetteur OpenID Connect (celle que publie ProConnect, sans /.well-known/…) ; active la connexion par "+auth.OIDCStartPath)
	cmd.Flags().StringVar(&oidcCfg.ClientID, "oidc-client-id", "", "identifiant client OIDC de l'application")
	cmd.Flags().StringVar(&oidcSecretFile, "oidc-secret-file", "", "fichier du secret client OIDC (sinon la variable "+auth.OIDCSecretEnv+")")
	cmd.Flags().StringVar(&oidcCfg.RedirectURL, "oidc-redirect", "", "URL de retour déclarée au fournisseur, https://<hôte>"+auth.OIDCCallbackPath)
	cmd.Flags().StringSliceVar(&oidcCfg.Scopes, "oidc-scopes", auth.DefaultOIDCScopes, "portées OIDC demandées")
	flags.register(cmd)
	return cmd
}
