package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/depenses-eclairees/depenses/internal/synth"
)

func synthCommand() *cobra.Command {
	var out, layouts, types string
	var n int
	var seed int64
	var scanned bool
	cmd := &cobra.Command{
		Use:   "synth --out DOSSIER [--n 400] [--seed 1] [--layouts dev|heldout] [--scanned]",
		Short: "Génère des pièces synthétiques variées avec leurs fichiers de référence (NOM.gold.json)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opt := synth.Options{Seed: seed, Scanned: scanned}
			switch layouts {
			case "dev":
				opt.Layouts = synth.DevLayouts
			case "heldout":
				opt.Layouts = synth.HeldOutLayouts
			default:
				return fmt.Errorf("--layouts doit valoir dev ou heldout (reçu %q)", layouts)
			}
			if types != "" {
				opt.Types = strings.Split(types, ",")
			}
			if out == "" || n < 1 {
				return fmt.Errorf("--out et un --n positif sont requis")
			}
			docs, err := synth.Generate(opt, n)
			if err != nil {
				return err
			}
			if err := synth.WriteSet(out, docs); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%d documents écrits dans %s\n", len(docs), out)
			return nil
		},
	}
	cmd.Flags().StringVar(&out, "out", "", "dossier de sortie")
	cmd.Flags().IntVar(&n, "n", 400, "nombre de documents")
	cmd.Flags().Int64Var(&seed, "seed", 1, "graine : la même graine donne les mêmes documents")
	cmd.Flags().StringVar(&layouts, "layouts", "dev", "familles de mise en page : dev (développement) ou heldout (réservées à la mesure)")
	cmd.Flags().StringVar(&types, "types", "", "types de documents, séparés par des virgules (défaut : les dix types générés)")
	cmd.Flags().BoolVar(&scanned, "scanned", false, "ajouter une variante numérisée (image seule) de chaque document")
	return cmd
}
