package main

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/depenses-eclairees/depenses/internal/analyze"
	"github.com/depenses-eclairees/depenses/internal/document"
	"github.com/depenses-eclairees/depenses/internal/eval"
)

func evalCommand() *cobra.Command {
	var flags readFlags
	var gold string
	var verbose bool
	cmd := &cobra.Command{
		Use:   "eval --gold DOSSIER [--no-embedded]",
		Short: "Mesure l'extraction sur un jeu de référence (NOM.gold.json à côté de chaque document)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if gold == "" {
				return fmt.Errorf("--gold est requis")
			}
			cases, err := eval.LoadSet(gold)
			if err != nil {
				return err
			}
			r, err := flags.reader()
			if err != nil {
				return err
			}
			defer r.Close()
			ctx, stop := signalContext()
			defer stop()
			paths := make([]string, len(cases))
			for i, c := range cases {
				paths[i] = c.Path
			}
			var results []document.Result
			err = r.ReadFiles(ctx, paths, flags.workers, func(doc *document.Document, _ time.Duration) error {
				results = append(results, analyze.Document(doc))
				return nil
			})
			if err != nil {
				return err
			}
			eval.Score(cases, results).Write(cmd.OutOrStdout(), verbose)
			return nil
		},
	}
	flags.register(cmd)
	cmd.Flags().StringVar(&gold, "gold", "", "dossier du jeu de référence")
	cmd.Flags().BoolVarP(&verbose, "verbose", "v", false, "lister chaque écart")
	return cmd
}
