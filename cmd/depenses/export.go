package main

import (
	"bufio"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/depenses-eclairees/depenses/internal/export"
)

func exportCommand(data *dataFlags) *cobra.Command {
	var format, out string
	cmd := &cobra.Command{
		Use:   "export [--format jsonl|csv] [--out FICHIER]",
		Short: "exporte les EJ enrichis, une ligne par EJ (valeurs validées par une personne comprises)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, cancel := signalContext()
			defer cancel()
			if format != "jsonl" && format != "csv" {
				return fmt.Errorf("--format doit valoir jsonl ou csv (reçu %q)", format)
			}
			ws, err := data.open(ctx)
			if err != nil {
				return err
			}
			defer ws.Close()
			w := cmd.OutOrStdout()
			if out != "" && out != "-" {
				f, err := os.Create(out)
				if err != nil {
					return err
				}
				defer f.Close()
				w = f
			}
			bw := bufio.NewWriterSize(w, 1<<16)
			n, err := export.Write(ctx, ws.store, bw, format)
			if err != nil {
				return err
			}
			if err := bw.Flush(); err != nil {
				return err
			}
			if out != "" && out != "-" {
				fmt.Fprintf(cmd.ErrOrStderr(), "%d EJ exportés dans %s\n", n, out)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&format, "format", "jsonl", "jsonl ou csv")
	cmd.Flags().StringVar(&out, "out", "", "fichier de sortie (par défaut la sortie standard)")
	return cmd
}
