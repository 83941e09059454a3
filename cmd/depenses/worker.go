package main

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/spf13/cobra"
)

func workerCommand(data *dataFlags) *cobra.Command {
	var flags pipelineFlags
	var metricsAddr string
	cmd := &cobra.Command{
		Use:   "worker --db postgres://… [--workers N]",
		Short: "traite les documents et les EJ en file d'attente dans PostgreSQL, jusqu'à interruption (passage à l'échelle : autant de processus que voulu, sur plusieurs machines)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if data.db == "" {
				return fmt.Errorf("depenses worker partage une file PostgreSQL : donnez --db postgres://… (la base embarquée est traitée par ingest lui-même)")
			}
			ctx, cancel := signalContext()
			defer cancel()
			ws, p, err := flags.start(ctx, data)
			if err != nil {
				return err
			}
			defer ws.Close()
			if err := p.Start(ctx); err != nil {
				return err
			}
			if metricsAddr != "" {
				mux := http.NewServeMux()
				mux.Handle("GET /metrics", flags.metrics.Handler())
				mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte("ok\n")) })
				mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
					if _, err := ws.store.Counts(r.Context()); err != nil {
						http.Error(w, "base indisponible : "+err.Error(), http.StatusServiceUnavailable)
						return
					}
					w.Write([]byte("ok\n"))
				})
				srv := &http.Server{Addr: metricsAddr, Handler: mux, ReadHeaderTimeout: 5 * time.Second}
				go func() {
					if err := srv.ListenAndServe(); err != nil && err != http.ErrServerClosed {
						fmt.Fprintln(cmd.ErrOrStderr(), "métriques :", err)
					}
				}()
				defer srv.Close()
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "travailleur démarré (%d en parallèle) ; Ctrl-C pour arrêter après les travaux en cours\n", flags.workers)
			<-ctx.Done()
			stop, cancelStop := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancelStop()
			if err := p.Stop(stop); err != nil {
				return err
			}
			docs, failed, ej := p.Done()
			fmt.Fprintf(cmd.OutOrStdout(), "%d documents traités (%d illisibles), %d EJ rapprochés\n", docs, failed, ej)
			return nil
		},
	}
	flags.register(cmd)
	cmd.Flags().StringVar(&metricsAddr, "metrics-addr", "", "adresse où servir /metrics, /healthz et /readyz (par exemple 127.0.0.1:9090)")
	return cmd
}
