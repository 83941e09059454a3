package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"time"

	"github.com/spf13/cobra"

	"github.com/depenses-eclairees/depenses/internal/analyze"
	"github.com/depenses-eclairees/depenses/internal/document"
	"github.com/depenses-eclairees/depenses/internal/intake"
	"github.com/depenses-eclairees/depenses/internal/intake/limits"
)

// readFlags are the options every command that reads files shares.
type readFlags struct {
	ocr        string
	noEmbedded bool
	workers    int
	maxPages   int
	maxMB      int64
}

func (f *readFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.ocr, "ocr", intake.OCRAuto, "OCR : auto (pages sans texte lisible), force (toutes les pages) ou off")
	cmd.Flags().BoolVar(&f.noEmbedded, "no-embedded", false, "ignorer les données structurées embarquées (Factur-X, Order-X) et lire la page elle-même")
	cmd.Flags().IntVar(&f.workers, "workers", runtime.NumCPU(), "nombre de fichiers lus en parallèle")
	cmd.Flags().IntVar(&f.maxPages, "max-pages", limits.Default().MaxPages, "nombre maximal de pages par document")
	cmd.Flags().Int64Var(&f.maxMB, "max-size-mb", limits.Default().MaxFileBytes>>20, "taille maximale d'un fichier, en Mio")
}

func (f *readFlags) reader() (*intake.Reader, error) {
	switch f.ocr {
	case intake.OCRAuto, intake.OCRForce, intake.OCROff:
	default:
		return nil, fmt.Errorf("--ocr doit valoir auto, force ou off (reçu %q)", f.ocr)
	}
	if f.workers < 1 || f.maxPages < 1 || f.maxMB < 1 {
		return nil, fmt.Errorf("--workers, --max-pages et --max-size-mb doivent être positifs")
	}
	lim := limits.Default()
	lim.MaxPages = f.maxPages
	lim.MaxFileBytes = f.maxMB << 20
	return intake.New(intake.Options{Limits: lim, OCRMode: f.ocr, NoEmbedded: f.noEmbedded, Workers: f.workers}), nil
}

func signalContext() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), os.Interrupt)
}

func extractCommand() *cobra.Command {
	var flags readFlags
	var format string
	cmd := &cobra.Command{
		Use:   "extract [--format jsonl|json] [--no-embedded] [--ocr auto|force|off] FICHIER...",
		Short: "Lit chaque fichier et écrit un objet JSON par fichier, dans l'ordre donné",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "jsonl" && format != "json" {
				return fmt.Errorf("--format doit valoir jsonl ou json (reçu %q)", format)
			}
			r, err := flags.reader()
			if err != nil {
				return err
			}
			defer r.Close()
			ctx, stop := signalContext()
			defer stop()
			out := bufio.NewWriter(cmd.OutOrStdout())
			defer out.Flush()
			w := newResultWriter(out, format)
			err = r.ReadFiles(ctx, args, flags.workers, func(doc *document.Document, elapsed time.Duration) error {
				res := analyze.Document(doc)
				res.ElapsedMS = elapsed.Milliseconds()
				return w.write(res)
			})
			if err != nil {
				return err
			}
			return w.close()
		},
	}
	flags.register(cmd)
	cmd.Flags().StringVar(&format, "format", "jsonl", "jsonl (un objet par ligne) ou json (un tableau)")
	return cmd
}

// resultWriter writes results as JSON Lines, or as one JSON array.
type resultWriter struct {
	w      io.Writer
	format string
	n      int
}

func newResultWriter(w io.Writer, format string) *resultWriter {
	return &resultWriter{w: w, format: format}
}

func (rw *resultWriter) write(res document.Result) error {
	b, err := json.Marshal(res)
	if err != nil {
		return err
	}
	if rw.format == "json" {
		sep := ",\n"
		if rw.n == 0 {
			sep = "[\n"
		}
		if _, err := io.WriteString(rw.w, sep); err != nil {
			return err
		}
	}
	rw.n++
	_, err = rw.w.Write(append(b, '\n'))
	return err
}

func (rw *resultWriter) close() error {
	if rw.format != "json" {
		return nil
	}
	if rw.n == 0 {
		_, err := io.WriteString(rw.w, "[]\n")
		return err
	}
	_, err := io.WriteString(rw.w, "]\n")
	return err
}

func textCommand() *cobra.Command {
	var flags readFlags
	cmd := &cobra.Command{
		Use:   "text FICHIER",
		Short: "Affiche le texte du document dans l'ordre de lecture, pages séparées par des sauts de page",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			flags.workers = 1
			r, err := flags.reader()
			if err != nil {
				return err
			}
			defer r.Close()
			ctx, stop := signalContext()
			defer stop()
			doc := r.ReadFile(ctx, args[0])
			out := bufio.NewWriter(cmd.OutOrStdout())
			defer out.Flush()
			return writeText(out, cmd.ErrOrStderr(), doc)
		},
	}
	flags.register(cmd)
	return cmd
}

// writeText prints a document's text, then that of the documents inside
// it; warnings and errors go to stderr so the text stays clean.
func writeText(out, errOut io.Writer, doc *document.Document) error {
	for _, w := range doc.Warnings {
		fmt.Fprintf(errOut, "%s : avertissement : %s\n", doc.Name, w)
	}
	if doc.Err != nil {
		fmt.Fprintf(errOut, "%s : erreur : %s\n", doc.Name, doc.Err)
	}
	if _, err := io.WriteString(out, doc.Text()); err != nil {
		return err
	}
	for _, c := range doc.Children {
		if _, err := fmt.Fprintf(out, "\f--- pièce jointe : %s ---\n", c.Name); err != nil {
			return err
		}
		if err := writeText(out, errOut, c); err != nil {
			return err
		}
	}
	return nil
}
