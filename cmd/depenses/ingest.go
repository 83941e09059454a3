package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	"github.com/depenses-eclairees/depenses/internal/anomaly"
	"github.com/depenses-eclairees/depenses/internal/chorus"
	"github.com/depenses-eclairees/depenses/internal/intake"
	"github.com/depenses-eclairees/depenses/internal/intake/limits"
	"github.com/depenses-eclairees/depenses/internal/metrics"
	"github.com/depenses-eclairees/depenses/internal/pipeline"
)

type pipelineFlags struct {
	workers   int
	progress  bool
	verbose   bool
	logFormat string
	rescue    time.Duration
	metrics   *metrics.Metrics
}

func (f *pipelineFlags) register(cmd *cobra.Command) {
	cmd.Flags().IntVar(&f.workers, "workers", runtime.NumCPU(), "documents traités en parallèle")
	cmd.Flags().BoolVar(&f.progress, "progress", isTerminal(os.Stderr), "barre de progression (par défaut quand la sortie d'erreur est un terminal)")
	cmd.Flags().BoolVarP(&f.verbose, "verbose", "v", false, "journal détaillé (chaque document, chaque EJ) sur la sortie d'erreur")
	cmd.Flags().DurationVar(&f.rescue, "rescue-after", pipeline.DefaultRescueAfter, "PostgreSQL : délai après lequel un travail resté « en cours » (son processus est mort) est repris par un autre ; plus long que la lecture du plus long document")
	cmd.Flags().StringVar(&f.logFormat, "log-format", "text", "journal en text ou json (une ligne JSON par événement, avec les identifiants d'EJ et de document)")
}

func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// start opens the workspace and its pipeline.
func (f *pipelineFlags) start(ctx context.Context, data *dataFlags) (*workspace, *pipeline.Pipeline, error) {
	if f.workers < 1 {
		return nil, nil, fmt.Errorf("--workers doit être positif")
	}
	ws, err := data.open(ctx)
	if err != nil {
		return nil, nil, err
	}
	lim := limits.Default()
	lim.OCRWorkers = min(lim.OCRWorkers, f.workers)
	level := slog.LevelWarn
	if f.verbose {
		level = slog.LevelDebug
	}
	var handler slog.Handler = slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level})
	switch f.logFormat {
	case "text":
	case "json":
		handler = slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: level})
	default:
		ws.Close()
		return nil, nil, fmt.Errorf("--log-format doit valoir text ou json (reçu %q)", f.logFormat)
	}
	f.metrics = metrics.New(nil)
	p, err := pipeline.New(ctx, pipeline.Config{
		Store: ws.store, Blobs: ws.blobs, Ref: ws.ref, Workers: f.workers,
		Anomalies:    anomaly.Options{Params: ws.params},
		Reader:       intake.New(intake.Options{Limits: lim, Workers: f.workers}),
		Log:          slog.New(handler),
		MaxFileBytes: lim.MaxFileBytes,
		Metrics:      f.metrics,
		RescueAfter:  f.rescue,
	})
	if err != nil {
		ws.Close()
		return nil, nil, err
	}
	f.metrics.Watch(p)
	return ws, p, nil
}

// progressPrinter shows the processing phase as a bar with its rate and
// ETA, and the earlier phases as plain lines.
func (f *pipelineFlags) progressPrinter() func(pipeline.Progress) {
	if !f.progress {
		return nil
	}
	var bar *progressbar.ProgressBar
	phase := ""
	return func(p pipeline.Progress) {
		if p.Phase != phase {
			if bar != nil {
				bar.Finish()
				fmt.Fprintln(os.Stderr)
			}
			phase = p.Phase
			desc := map[string]string{"chorus": "extrait Chorus", "pieces": "pièces jointes", "traitement": "traitement des documents"}[phase]
			bar = progressbar.NewOptions(max(p.Total, 1),
				progressbar.OptionSetWriter(os.Stderr),
				progressbar.OptionSetDescription(desc),
				progressbar.OptionShowCount(),
				progressbar.OptionShowIts(),
				progressbar.OptionSetItsString("doc"),
				progressbar.OptionSetPredictTime(true),
				progressbar.OptionThrottle(200*time.Millisecond),
				progressbar.OptionSetWidth(30))
		}
		if p.Total > 0 {
			bar.ChangeMax(p.Total)
		}
		bar.Set(p.Done)
	}
}

func ingestCommand(data *dataFlags) *cobra.Command {
	var flags pipelineFlags
	var chorusFile, attachments, manifest, mapping string
	cmd := &cobra.Command{
		Use:   "ingest --chorus EXTRAIT.(csv|xlsx) --attachments DOSSIER|ZIP",
		Short: "importe un extrait Chorus et les pièces jointes des EJ, puis les traite (reprend là où un import interrompu s'est arrêté)",
		Long: `Importe un extrait Chorus (restitution des EJ, export ODA ou colonnes canoniques ; CSV ou XLSX) et
les pièces jointes (dossier ou archive ZIP), rattachées à leur EJ par leur nom <num_ej>_<n>_<nom>, par un
dossier portant le numéro d'EJ ou par un manifeste CSV num_ej;fichier. Chaque document distinct (par son
empreinte SHA-256) est conservé et traité une seule fois. Relancer la commande n'ajoute rien ; après une
interruption, elle termine ce qui restait. Sans --chorus ni --attachments, elle termine les traitements en attente.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, cancel := signalContext()
			defer cancel()
			opt := pipeline.IngestOptions{Chorus: chorusFile, Attachments: attachments, Manifest: manifest, Progress: flags.progressPrinter()}
			if mapping != "" {
				m, err := chorus.LoadMapping(mapping)
				if err != nil {
					return err
				}
				opt.ChorusOptions.Mapping = m
			}
			ws, p, err := flags.start(ctx, data)
			if err != nil {
				return err
			}
			defer ws.Close()
			rep, err := p.Ingest(ctx, opt)
			if opt.Progress != nil {
				fmt.Fprintln(os.Stderr)
			}
			if rep != nil {
				printReport(cmd.OutOrStdout(), rep)
			}
			return err
		},
	}
	cmd.Flags().StringVar(&chorusFile, "chorus", "", "extrait Chorus (CSV ou XLSX)")
	cmd.Flags().StringVar(&attachments, "attachments", "", "dossier ou archive ZIP des pièces jointes")
	cmd.Flags().StringVar(&manifest, "manifest", "", "manifeste CSV num_ej;fichier (facultatif)")
	cmd.Flags().StringVar(&mapping, "mapping", "", "fichier CSV colonne;champ ajoutant des noms de colonnes à reconnaître")
	flags.register(cmd)
	return cmd
}

func reprocessCommand(data *dataFlags) *cobra.Command {
	var flags pipelineFlags
	cmd := &cobra.Command{
		Use:   "reprocess",
		Short: "retraite tous les documents avec les règles de cette version ; les valeurs validées par une personne sont conservées",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, cancel := signalContext()
			defer cancel()
			ws, p, err := flags.start(ctx, data)
			if err != nil {
				return err
			}
			defer ws.Close()
			prog := flags.progressPrinter()
			rep, err := p.Reprocess(ctx, prog)
			if prog != nil {
				fmt.Fprintln(os.Stderr)
			}
			if rep != nil {
				printReport(cmd.OutOrStdout(), rep)
			}
			return err
		},
	}
	flags.register(cmd)
	return cmd
}

func printReport(w io.Writer, r *pipeline.Report) {
	if r.ChorusFormat != "" || r.RowsRead > 0 {
		fmt.Fprintf(w, "Extrait Chorus (%s) : %d lignes lues, %d rejetées ; EJ : %d nouveaux, %d modifiés, %d inchangés\n",
			r.ChorusFormat, r.RowsRead, r.RowsRejected, r.EJ["nouveaux"], r.EJ["modifies"], r.EJ["inchanges"])
	}
	if len(r.UnknownColumns) > 0 {
		fmt.Fprintf(w, "Colonnes non reconnues (ignorées) : %v\n", r.UnknownColumns)
	}
	if r.FilesSeen > 0 {
		fmt.Fprintf(w, "Pièces jointes : %d vues, %d nouvelles, %d déjà connues, %d rattachements nouveaux, %d sans EJ\n",
			r.FilesSeen, r.FilesNew, r.FilesKnown, r.LinksNew, r.FilesUnlinked)
	}
	if len(r.UnknownEJ) > 0 {
		fmt.Fprintf(w, "EJ absents de l'extrait (pièces conservées) : %d\n", len(r.UnknownEJ))
	}
	rate := ""
	if r.DocsProcessed > 0 && r.Elapsed > 0 {
		rate = fmt.Sprintf(" (%.1f documents/s)", float64(r.DocsProcessed)/r.Elapsed.Seconds())
	}
	fmt.Fprintf(w, "Traitement : %d documents traités dont %d illisibles, %d EJ rapprochés, en %s%s\n",
		r.DocsProcessed, r.DocsFailed, r.EJReconciled, r.Elapsed.Round(100*time.Millisecond), rate)
	fmt.Fprintf(w, "Anomalies : %d détectées en %s (depenses anomalies pour les lister)\n", r.Anomalies, r.AnomalyTime.Round(time.Millisecond))
	if r.JobsDiscarded > 0 {
		fmt.Fprintf(w, "Attention : %d travaux abandonnés après plusieurs tentatives (voir ci-dessous)\n", r.JobsDiscarded)
	}
	shown := 0
	for _, is := range r.Issues {
		if shown == 20 {
			fmt.Fprintf(w, "… et %d autres signalements, conservés avec l'import n° %d\n", len(r.Issues)-shown, r.Run)
			break
		}
		ref := is.Ref
		if ref != "" {
			ref = " " + ref
		}
		fmt.Fprintf(w, "  [%s%s] %s\n", is.Source, ref, is.Message)
		shown++
	}
}
