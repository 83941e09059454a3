package main

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/depenses-eclairees/depenses/internal/indicators"
	"github.com/depenses-eclairees/depenses/internal/pipeline"
)

func indicatorsCommand(data *dataFlags) *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "indicators [--format text|json]",
		Short: "indicateurs de la dépense de conseil : par ministère, programme, trimestre et catégorie ; TJM et jours ; principaux fournisseurs ; part des accords-cadres",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, cancel := signalContext()
			defer cancel()
			if format != "text" && format != "json" {
				return fmt.Errorf("--format doit valoir text ou json (reçu %q)", format)
			}
			ws, err := data.open(ctx)
			if err != nil {
				return err
			}
			defer ws.Close()
			recs, err := pipeline.Records(ctx, ws.store)
			if err != nil {
				return err
			}
			ind := indicators.Compute(recs, ws.ref)
			if format == "json" {
				enc := json.NewEncoder(cmd.OutOrStdout())
				enc.SetEscapeHTML(false)
				enc.SetIndent("", "  ")
				return enc.Encode(ind)
			}
			printIndicators(cmd.OutOrStdout(), ind)
			return nil
		},
	}
	cmd.Flags().StringVar(&format, "format", "text", "text ou json")
	return cmd
}

func euros(v float64) string {
	s := fmt.Sprintf("%.0f", v)
	var out []byte
	for i, c := range []byte(s) {
		if i > 0 && (len(s)-i)%3 == 0 && s[i-1] != '-' {
			out = append(out, ' ')
		}
		out = append(out, c)
	}
	return string(out) + " €"
}

func printIndicators(w io.Writer, ind indicators.Indicators) {
	fmt.Fprintf(w, "Conseil : %d EJ sur %d, %s HT", ind.NbEJConseil, ind.NbEJ, euros(ind.MontantConseilHT))
	if ind.SansMontant > 0 {
		fmt.Fprintf(w, " (%d EJ sans montant HT connu, non sommés)", ind.SansMontant)
	}
	fmt.Fprintf(w, "\nPar accord-cadre : %s HT (%.1f %%, %d EJ)\n", euros(ind.AccordsCadres.MontantHT), 100*ind.AccordsCadres.Part, ind.AccordsCadres.NbEJ)
	section := func(title string, list []indicators.Total) {
		fmt.Fprintf(w, "\n%s\n", title)
		for _, t := range list {
			label := t.Cle
			if t.Libelle != "" {
				label += " — " + t.Libelle
			}
			fmt.Fprintf(w, "  %-60s %5d EJ %16s\n", label, t.NbEJ, euros(t.MontantHT))
		}
	}
	section("Par ministère", ind.ParMinistere)
	section("Par programme", ind.ParProgramme)
	section("Par trimestre", ind.ParTrimestre)
	section("Par catégorie légale", ind.ParCategorie)
	dist := func(name string, d indicators.Distribution) {
		if d.N == 0 {
			fmt.Fprintf(w, "  %-24s aucune valeur lue dans les pièces\n", name)
			return
		}
		fmt.Fprintf(w, "  %-24s n=%d  min %.0f  q1 %.0f  médiane %.0f  q3 %.0f  max %.0f  moyenne %.0f\n", name, d.N, d.Min, d.Q1, d.Mediane, d.Q3, d.Max, d.Moyenne)
	}
	fmt.Fprintln(w, "\nTJM (€ HT par jour) et jours, lus dans les pièces")
	dist("TJM", ind.TJM)
	dist("jours", ind.Jours)
	for _, d := range ind.TJMParCategorie {
		dist("TJM "+d.Cle, d)
	}
	fmt.Fprintln(w, "\nPrincipaux fournisseurs")
	for _, s := range ind.Fournisseurs {
		fmt.Fprintf(w, "  %-50s %-10s %5d EJ %16s\n", s.Nom, s.SIREN, s.NbEJ, euros(s.MontantHT))
	}
}
