package main

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/depenses-eclairees/depenses/internal/referential"
	"github.com/depenses-eclairees/depenses/internal/store"
)

func referentialCommand(data *dataFlags) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "referentiel",
		Short: "référentiels : liste des fichiers en usage, import de la nomenclature depuis un export ODA, import du stock SIRENE",
	}
	cmd.AddCommand(&cobra.Command{
		Use:   "liste",
		Short: "liste les référentiels en usage, leur version et leur origine",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			set, err := referential.Load(data.referentials)
			if err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			for _, s := range set.Sources() {
				where := "fourni"
				if s.Path != "" {
					where = s.Path
				}
				fmt.Fprintf(w, "%-26s version %-10s %s — %s\n", s.File, s.Version, where, s.Origin)
			}
			return nil
		},
	})
	var out string
	oda := &cobra.Command{
		Use:   "import-oda EXPORT_ODA.csv --out DOSSIER",
		Short: "extrait d'un export ODA la nomenclature des groupes de marchandises (codes, libellés, étiquette conseil) vers DOSSIER/groupes_marchandises.csv, à utiliser avec --referentiels DOSSIER",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" {
				return fmt.Errorf("--out est obligatoire : le dossier de référentiels où écrire groupes_marchandises.csv")
			}
			set, err := referential.Load(data.referentials)
			if err != nil {
				return err
			}
			f, err := os.Open(args[0])
			if err != nil {
				return err
			}
			defer f.Close()
			imp, err := set.ImportODA(bufio.NewReader(f))
			if err != nil {
				return err
			}
			if err := os.MkdirAll(out, 0o755); err != nil {
				return err
			}
			dst := filepath.Join(out, referential.FileGM)
			g, err := os.Create(dst)
			if err != nil {
				return err
			}
			if err := referential.WriteGroupesMarchandises(g, imp.GM); err != nil {
				g.Close()
				return err
			}
			if err := g.Close(); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%d lignes lues, %d groupes de marchandises écrits dans %s (%d lignes sans code, %d libellés en conflit)\n",
				imp.Rows, len(imp.GM), dst, imp.Skipped, imp.Conflicts)
			for _, r := range imp.Reasons {
				fmt.Fprintln(cmd.OutOrStdout(), "  "+r)
			}
			return nil
		},
	}
	oda.Flags().StringVar(&out, "out", "", "dossier de référentiels à compléter")
	cmd.AddCommand(oda)
	cmd.AddCommand(&cobra.Command{
		Use:   "sirene StockEtablissement.csv",
		Short: "importe le fichier stock des établissements de l'INSEE pour vérifier qu'un SIRET existe, est actif, et son activité (NAF)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, cancel := signalContext()
			defer cancel()
			ws, err := data.open(ctx)
			if err != nil {
				return err
			}
			defer ws.Close()
			f, err := os.Open(args[0])
			if err != nil {
				return err
			}
			defer f.Close()
			var batch []referential.Etablissement
			flush := func() error {
				if len(batch) == 0 {
					return nil
				}
				err := ws.store.InTx(ctx, func(tx store.Tx) error { return tx.PutEtablissements(ctx, batch) })
				batch = batch[:0]
				return err
			}
			stats, err := referential.ReadSireneStock(bufio.NewReaderSize(f, 1<<20), func(e referential.Etablissement) error {
				batch = append(batch, e)
				if len(batch) == 5000 {
					return flush()
				}
				return nil
			})
			if err == nil {
				err = flush()
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%d lignes lues, %d établissements importés, %d lignes rejetées\n", stats.Rows, stats.Kept, stats.Rejected)
			for _, r := range stats.Reasons {
				fmt.Fprintln(cmd.OutOrStdout(), "  "+r)
			}
			return err
		},
	})
	return cmd
}
