package main

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"
)

func workerCommand(data *dataFlags) *cobra.Command {
	var flags pipelineFlags
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
	return cmd
}
