package main

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/depenses-eclairees/depenses/internal/export"
	"github.com/depenses-eclairees/depenses/internal/reconcile"
	"github.com/depenses-eclairees/depenses/internal/store"
)

// statsOutput is `depenses stats --format json`.
type statsOutput struct {
	reconcile.Stats
	EJImportes int            `json:"ej_importes"`
	Documents  map[string]int `json:"documents"`
}

func statsCommand(data *dataFlags) *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "stats [--format text|json]",
		Short: "indicateurs d'usage : part des EJ avec une désignation claire, un prestataire identifié et une administration explicite, avant et après enrichissement",
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
			var tally reconcile.Tally
			if err := export.Each(ctx, ws.store, func(e reconcile.Enriched) error { tally.Add(e); return nil }); err != nil {
				return err
			}
			counts, err := ws.store.Counts(ctx)
			if err != nil {
				return err
			}
			out := statsOutput{Stats: tally.Stats(), EJImportes: counts.EJ, Documents: counts.Documents}
			if format == "json" {
				enc := json.NewEncoder(cmd.OutOrStdout())
				enc.SetIndent("", "  ")
				return enc.Encode(out)
			}
			printStats(cmd.OutOrStdout(), out)
			return nil
		},
	}
	cmd.Flags().StringVar(&format, "format", "text", "text ou json")
	return cmd
}

func printStats(w io.Writer, s statsOutput) {
	fmt.Fprintf(w, "EJ importés : %d ; EJ rapprochés : %d\n", s.EJImportes, s.NbEJ)
	fmt.Fprintf(w, "Documents : %d traités, %d illisibles, %d en attente\n",
		s.Documents[store.StatusDone], s.Documents[store.StatusFailed], s.Documents[store.StatusPending])
	fmt.Fprintf(w, "\n%-28s %18s %18s\n", "indicateur", "Chorus seul", "après enrichissement")
	row := func(name string, before, after reconcile.Indicator) {
		fmt.Fprintf(w, "%-28s %9d (%5.1f %%) %9d (%5.1f %%)\n", name, before.Nombre, 100*before.Part, after.Nombre, 100*after.Part)
	}
	row("désignation claire", s.Avant.DesignationClaire, s.Apres.DesignationClaire)
	row("prestataire identifié", s.Avant.PrestataireIdentifie, s.Apres.PrestataireIdentifie)
	row("administration explicite", s.Avant.AdministrationExplicite, s.Apres.AdministrationExplicite)
}
