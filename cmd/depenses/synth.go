package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/depenses-eclairees/depenses/internal/synth"
)

func synthCommand() *cobra.Command {
	var out, layouts, types string
	var n, numEJ int
	var seed int64
	var scanned, demo, textOnly bool
	var scannedShare, docsPerEJ float64
	cmd := &cobra.Command{
		Use: "synth --out DOSSIER [--n 400] [--seed 1] [--layouts dev|heldout] [--scanned]\n" +
			"  depenses synth --demo --out DOSSIER [--seed 1] [--ej 200] [--scanned-share 0.1] [--pieces-par-ej 2.5] [--texte-seul]",
		Short: "Génère des pièces synthétiques avec leurs fichiers de référence, ou un jeu de démonstration (extrait Chorus, pièces, anomalies attendues)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if demo {
				return runDemo(cmd, out, layouts, synth.ScenarioOptions{Seed: seed, NumEJ: numEJ, ScannedShare: scannedShare, DocsPerEJ: docsPerEJ, TextOnly: textOnly})
			}
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
	cmd.Flags().BoolVar(&demo, "demo", false, "générer un jeu de démonstration : chorus.csv, pieces/, anomalies_attendues.csv, README.txt")
	cmd.Flags().IntVar(&numEJ, "ej", 200, "avec --demo : nombre d'EJ de l'extrait")
	cmd.Flags().Float64Var(&scannedShare, "scanned-share", 0.1, "avec --demo : part des pièces remplacées par une copie numérisée (0 : aucune)")
	cmd.Flags().Float64Var(&docsPerEJ, "pieces-par-ej", 2.5, "avec --demo : nombre moyen de pièces jointes par EJ")
	cmd.Flags().BoolVar(&textOnly, "texte-seul", false, "avec --demo : uniquement des pièces avec couche texte, sans fichier corrompu ni pièce orpheline (mesures de performance)")
	return cmd
}

func runDemo(cmd *cobra.Command, out, layouts string, opt synth.ScenarioOptions) error {
	if out == "" {
		return fmt.Errorf("--out est requis")
	}
	if opt.NumEJ < 1 {
		return fmt.Errorf("--ej doit être positif (reçu %d)", opt.NumEJ)
	}
	switch {
	case opt.ScannedShare == 0:
		opt.ScannedShare = -1 // none
	case opt.ScannedShare < 0 || opt.ScannedShare > 1:
		return fmt.Errorf("--scanned-share doit être entre 0 et 1 (reçu %v)", opt.ScannedShare)
	}
	switch layouts {
	case "dev":
		opt.Layouts = synth.DevLayouts
	case "heldout":
		opt.Layouts = synth.HeldOutLayouts
	default:
		return fmt.Errorf("--layouts doit valoir dev ou heldout (reçu %q)", layouts)
	}
	start := time.Now()
	d, err := synth.WriteScenario(out, opt)
	if err != nil {
		return err
	}
	scanned, corrupt := 0, 0
	for _, p := range d.Pieces {
		if p.Scanned {
			scanned++
		}
		if p.Corrupt {
			corrupt++
		}
	}
	fmt.Fprintf(cmd.OutOrStdout(), "%d EJ, %d pièces jointes (%d numérisées, %d corrompues), %d anomalies et leurres attendus, écrits dans %s en %s\n",
		len(d.EJs), len(d.Pieces), scanned, corrupt, len(d.Expected), out, time.Since(start).Round(time.Millisecond))
	return nil
}
