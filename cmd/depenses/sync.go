package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	chorussync "github.com/depenses-eclairees/depenses/internal/chorus/sync"
	"github.com/depenses-eclairees/depenses/internal/pipeline"
)

func syncCommand(data *dataFlags) *cobra.Command {
	var flags pipelineFlags
	var cfg chorussync.Config
	var secretFile, staging, since string
	var orgs, groups []string
	var maxAttachmentMB int64
	var ingest bool
	cmd := &cobra.Command{
		Use:   "sync --url https://… --token-url https://… --client-id ID --client-secret-file FICHIER --staging DOSSIER [--since AAAA-MM-JJ] [--oa OA] [--ga GA] [--rps 5] [--ingest]",
		Short: "télécharge depuis l'API Chorus les pièces jointes des EJ reçus depuis la dernière synchronisation (reprend là où une synchronisation interrompue s'est arrêtée)",
		Long: `Interroge l'API de l'outil de l'État (OAuth2 client_credentials puis OData : liste_ej_place,
pieces_jointes_metadata, pieces_jointes_data) et télécharge chaque pièce jointe pas encore reçue dans
DOSSIER/pieces sous le nom <num_ej>_<n>_<nom>, que depenses ingest --attachments sait rattacher à son EJ.
L'état (date de réception atteinte, EJ à reprendre, échecs) est conservé dans DOSSIER : la synchronisation
suivante repart un jour avant la date atteinte, sans retélécharger ce qui l'a déjà été. La liste des EJ vus
est ajoutée à DOSSIER/ej_vus.csv. Avec --ingest, les pièces sont ensuite importées et traitées comme par
depenses ingest --attachments DOSSIER/pieces.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, cancel := signalContext()
			defer cancel()
			secret, err := readSecret(secretFile)
			if err != nil {
				return err
			}
			cfg.ClientSecret = secret
			if cfg.ClientID == "" {
				cfg.ClientID = os.Getenv("DEPENSES_CHORUS_CLIENT_ID")
			}
			if maxAttachmentMB <= 0 {
				return fmt.Errorf("--max-attachment-mb doit être positif")
			}
			cfg.MaxAttachment = maxAttachmentMB << 20
			if cfg.RequestsPerSecond <= 0 {
				return fmt.Errorf("--rps doit être positif")
			}
			if staging == "" {
				return fmt.Errorf("--staging est obligatoire : le dossier qui reçoit les pièces jointes et l'état de la synchronisation")
			}
			client, err := chorussync.NewClient(cfg)
			if err != nil {
				return err
			}
			opt := chorussync.Options{Staging: staging, Filter: chorussync.ActivityFilter{PurOrgs: orgs, PurGroups: groups}}
			if since != "" {
				t, err := time.Parse("2006-01-02", since)
				if err != nil {
					return fmt.Errorf("--since attend une date AAAA-MM-JJ (reçu %q)", since)
				}
				opt.Since = t
			}
			if flags.progress {
				opt.Progress = syncProgress(cmd.ErrOrStderr())
			}
			sum, syncErr := chorussync.Run(ctx, client, opt)
			if opt.Progress != nil {
				fmt.Fprintln(cmd.ErrOrStderr())
			}
			if sum != nil {
				printSyncSummary(cmd.OutOrStdout(), sum)
			}
			if !ingest || sum == nil || ctx.Err() != nil {
				return syncErr
			}
			// What was downloaded is ingested even when the sync stopped on an
			// error: ingest is idempotent and the next sync resumes.
			ws, p, err := flags.start(ctx, data)
			if err != nil {
				return errors.Join(syncErr, err)
			}
			defer ws.Close()
			iopt := pipeline.IngestOptions{Attachments: sum.PiecesDir, Progress: flags.progressPrinter()}
			rep, err := p.Ingest(ctx, iopt)
			if iopt.Progress != nil {
				fmt.Fprintln(os.Stderr)
			}
			if rep != nil {
				printReport(cmd.OutOrStdout(), rep)
			}
			return errors.Join(syncErr, err)
		},
	}
	f := cmd.Flags()
	f.StringVar(&cfg.BaseURL, "url", "", "racine du service OData de l'API Chorus (https://…/)")
	f.StringVar(&cfg.TokenURL, "token-url", "", "adresse du jeton OAuth2 (https://…/oauth/token)")
	f.StringVar(&cfg.ClientID, "client-id", "", "identifiant client OAuth2 (ou DEPENSES_CHORUS_CLIENT_ID)")
	f.StringVar(&secretFile, "client-secret-file", "", "fichier contenant le secret client OAuth2 (ou DEPENSES_CHORUS_SECRET)")
	f.StringVar(&cfg.Scope, "scope", "openid", "portée OAuth2 demandée (vide : aucune)")
	f.StringVar(&staging, "staging", "", "dossier de réception des pièces jointes et de l'état de synchronisation")
	f.StringVar(&since, "since", "", "date de réception de départ AAAA-MM-JJ (UTC) ; par défaut, un jour avant la date atteinte par la synchronisation précédente")
	f.StringSliceVar(&orgs, "oa", nil, "organisation(s) d'achat à synchroniser (répétable ou séparées par des virgules)")
	f.StringSliceVar(&groups, "ga", nil, "groupe(s) d'acheteurs à synchroniser (répétable ou séparés par des virgules)")
	f.Float64Var(&cfg.RequestsPerSecond, "rps", 5, "requêtes par seconde au plus vers l'API")
	f.DurationVar(&cfg.Timeout, "timeout", 60*time.Second, "délai maximal d'une requête de liste ; un téléchargement dispose de 15 min")
	f.Int64Var(&maxAttachmentMB, "max-attachment-mb", 100, "taille maximale d'une pièce jointe, en Mo")
	f.BoolVar(&ingest, "ingest", false, "importer et traiter ensuite les pièces reçues (comme depenses ingest --attachments)")
	flags.register(cmd)
	return cmd
}

// readSecret takes the client secret from its file or the environment,
// never from the command line where ps would show it.
func readSecret(file string) (string, error) {
	if file == "" {
		if s := strings.TrimSpace(os.Getenv("DEPENSES_CHORUS_SECRET")); s != "" {
			return s, nil
		}
		return "", fmt.Errorf("secret client manquant : donnez --client-secret-file FICHIER ou la variable DEPENSES_CHORUS_SECRET")
	}
	fh, err := os.Open(file)
	if err != nil {
		return "", fmt.Errorf("secret client : %w", err)
	}
	defer fh.Close()
	b, err := io.ReadAll(io.LimitReader(fh, 64<<10))
	if err != nil {
		return "", fmt.Errorf("secret client : %w", err)
	}
	s := strings.TrimSpace(string(b))
	if s == "" {
		return "", fmt.Errorf("secret client : le fichier %s est vide", file)
	}
	return s, nil
}

// syncProgress prints a running count on one line.
func syncProgress(w io.Writer) func(chorussync.Event) {
	ejs, pieces, failed := 0, 0, 0
	last := time.Time{}
	return func(e chorussync.Event) {
		switch {
		case e.File == "" && e.Err == nil:
			ejs++
		case e.Err != nil:
			failed++
		default:
			pieces++
		}
		if time.Since(last) > 200*time.Millisecond {
			last = time.Now()
			fmt.Fprintf(w, "\rsynchronisation : %d EJ, %d pièces reçues, %d échecs", ejs, pieces, failed)
		}
	}
}

func printSyncSummary(w io.Writer, s *chorussync.Summary) {
	const layout = "2006-01-02 15:04"
	fmt.Fprintf(w, "Synchronisation Chorus des EJ reçus du %s au %s (UTC)\n", s.From.Format(layout), s.To.Format(layout))
	retried := ""
	if s.EJRetried > 0 {
		retried = fmt.Sprintf(" (dont %d repris d'une synchronisation précédente)", s.EJRetried)
	}
	fmt.Fprintf(w, "EJ vus : %d%s\n", s.EJSeen, retried)
	fmt.Fprintf(w, "Pièces jointes : %d téléchargées (%s), %d déjà reçues, %d retrouvées sur disque, %d en échec\n",
		s.Downloaded, megabytes(s.Bytes), s.Skipped, s.Recovered, len(s.Failures))
	const shown = 20
	if len(s.Failures) > 0 {
		fmt.Fprintln(w, "Échecs (nouvelle tentative à la prochaine synchronisation, sauf refus définitif répété) :")
		for i, f := range s.Failures {
			if i == shown {
				fmt.Fprintf(w, "  … et %d autres, conservés dans %s\n", len(s.Failures)-shown, chorussync.StateFile)
				break
			}
			fmt.Fprintf(w, "  %s\n", f.Reason)
		}
	}
	if len(s.Issues) > 0 {
		fmt.Fprintf(w, "Enregistrements de l'API illisibles, ignorés : %d\n", len(s.Issues))
		for i, is := range s.Issues {
			if i == shown {
				fmt.Fprintf(w, "  … et %d autres\n", len(s.Issues)-shown)
				break
			}
			fmt.Fprintf(w, "  %s\n", is)
		}
	}
	fmt.Fprintf(w, "Date de réception atteinte : %s UTC\n", s.HighWater.Format(layout))
	fmt.Fprintf(w, "Pièces jointes dans %s (EJ vus : %s) ; import : depenses ingest --attachments %s\n",
		s.PiecesDir, filepath.Join(filepath.Dir(s.PiecesDir), chorussync.EJListFile), s.PiecesDir)
}

func megabytes(n int64) string {
	return strings.Replace(fmt.Sprintf("%.1f Mo", float64(n)/(1<<20)), ".", ",", 1)
}
