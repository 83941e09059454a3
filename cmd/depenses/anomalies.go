package main

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/depenses-eclairees/depenses/internal/anomaly"
	"github.com/depenses-eclairees/depenses/internal/pipeline"
	"github.com/depenses-eclairees/depenses/internal/store"
)

func anomaliesCommand(data *dataFlags) *cobra.Command {
	var format, code, statut string
	cmd := &cobra.Command{
		Use:   "anomalies [--format csv|jsonl] [--code CODE] [--statut a_verifier|confirmee|faux_positif]",
		Short: "liste les anomalies détectées, avec leur explication, leurs preuves et leur statut de revue",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, cancel := signalContext()
			defer cancel()
			if format != "csv" && format != "jsonl" {
				return fmt.Errorf("--format doit valoir csv ou jsonl (reçu %q)", format)
			}
			ws, err := data.open(ctx)
			if err != nil {
				return err
			}
			defer ws.Close()
			bw := bufio.NewWriter(cmd.OutOrStdout())
			defer bw.Flush()
			enc := json.NewEncoder(bw)
			enc.SetEscapeHTML(false)
			cw := csv.NewWriter(bw)
			cw.Comma = ';'
			defer cw.Flush()
			if format == "csv" {
				cw.Write([]string{"cle", "code", "num_ej", "autres_ej", "severite", "score", "explication", "regle", "statut", "revu_par", "revu_le", "preuves"})
			}
			return ws.store.EachAnomaly(ctx, func(a store.AnomalyRow) error {
				if (code != "" && a.Code != code) || (statut != "" && a.Review.Statut != statut) {
					return nil
				}
				if format == "jsonl" {
					return enc.Encode(anomalyLine{Key: a.Key, Anomaly: a.Anomaly, Statut: a.Review.Statut, Par: a.Review.Reviewer, Commentaire: a.Review.Comment, Le: reviewDate(a.Review)})
				}
				var proofs []string
				for _, p := range a.Preuves {
					proofs = append(proofs, fmt.Sprintf("%s %s=%s", p.NumEJ, p.Champ, p.Valeur))
				}
				return cw.Write([]string{a.Key, a.Code, a.NumEJ, strings.Join(a.AutresEJ, " "), a.Severite,
					strconv.FormatFloat(a.Score, 'f', 3, 64), a.Explication, a.Regle, a.Review.Statut, a.Review.Reviewer,
					reviewDate(a.Review), strings.Join(proofs, " | ")})
			})
		},
	}
	cmd.Flags().StringVar(&format, "format", "csv", "csv ou jsonl")
	cmd.Flags().StringVar(&code, "code", "", "seulement ce code (hors_marche, fractionnement…)")
	cmd.Flags().StringVar(&statut, "statut", "", "seulement ce statut de revue")
	cmd.AddCommand(anomalyReviewCommand(data), anomalyDetectCommand(data))
	return cmd
}

type anomalyLine struct {
	Key string `json:"cle"`
	anomaly.Anomaly
	Statut      string `json:"statut"`
	Par         string `json:"revu_par,omitempty"`
	Commentaire string `json:"commentaire,omitempty"`
	Le          string `json:"revu_le,omitempty"`
}

func reviewDate(r store.AnomalyReview) string {
	if r.At.IsZero() {
		return ""
	}
	return r.At.Format("2006-01-02T15:04:05Z07:00")
}

func anomalyReviewCommand(data *dataFlags) *cobra.Command {
	var statut, by, comment string
	cmd := &cobra.Command{
		Use:   "revue CLE --statut confirmee|faux_positif|a_verifier --par NOM [--commentaire TEXTE]",
		Short: "enregistre la décision d'un agent sur une anomalie ; un retraitement ne la remet jamais à zéro",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, cancel := signalContext()
			defer cancel()
			if strings.TrimSpace(by) == "" {
				return fmt.Errorf("--par est obligatoire : qui a revu l'anomalie")
			}
			ws, err := data.open(ctx)
			if err != nil {
				return err
			}
			defer ws.Close()
			found := false
			if err := ws.store.EachAnomaly(ctx, func(a store.AnomalyRow) error {
				found = found || a.Key == args[0]
				return nil
			}); err != nil {
				return err
			}
			if !found {
				return fmt.Errorf("aucune anomalie de clé %q (voir depenses anomalies)", args[0])
			}
			err = ws.store.InTx(ctx, func(tx store.Tx) error {
				return tx.ReviewAnomaly(ctx, store.AnomalyReview{Key: args[0], Statut: statut, Reviewer: by, Comment: comment})
			})
			if err == nil {
				fmt.Fprintf(cmd.OutOrStdout(), "anomalie %s : %s (par %s)\n", args[0], statut, by)
			}
			return err
		},
	}
	cmd.Flags().StringVar(&statut, "statut", "", "confirmee, faux_positif ou a_verifier")
	cmd.Flags().StringVar(&by, "par", "", "nom de l'agent")
	cmd.Flags().StringVar(&comment, "commentaire", "", "commentaire libre")
	return cmd
}

func anomalyDetectCommand(data *dataFlags) *cobra.Command {
	var opt anomaly.Options
	cmd := &cobra.Command{
		Use:   "detecter [--acheteur oa_ga|centre_financier|siret_acheteur] [--fenetre 12_mois|exercice]",
		Short: "relance la détection sur les EJ rapprochés (ingest et reprocess la lancent d'eux-mêmes)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, cancel := signalContext()
			defer cancel()
			switch opt.BuyerLevel {
			case anomaly.BuyerOAGA, anomaly.BuyerCentreFinancier, anomaly.BuyerSIRETAcheteur:
			default:
				return fmt.Errorf("--acheteur doit valoir oa_ga, centre_financier ou siret_acheteur (reçu %q)", opt.BuyerLevel)
			}
			if opt.Window != anomaly.Window12Months && opt.Window != anomaly.WindowBudgetYear {
				return fmt.Errorf("--fenetre doit valoir 12_mois ou exercice (reçu %q)", opt.Window)
			}
			ws, err := data.open(ctx)
			if err != nil {
				return err
			}
			defer ws.Close()
			opt.Params = ws.params
			n, took, err := pipeline.DetectAnomalies(ctx, ws.store, ws.ref, opt)
			if err == nil {
				fmt.Fprintf(cmd.OutOrStdout(), "%d anomalies détectées en %s\n", n, took.Round(1e6))
			}
			return err
		},
	}
	cmd.Flags().StringVar(&opt.BuyerLevel, "acheteur", anomaly.BuyerOAGA, "niveau d'acheteur pour le fractionnement")
	cmd.Flags().StringVar(&opt.Window, "fenetre", anomaly.Window12Months, "période de cumul du fractionnement")
	return cmd
}
