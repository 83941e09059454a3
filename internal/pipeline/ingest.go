package pipeline

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strconv"
	"time"

	"github.com/depenses-eclairees/depenses/internal/chorus"
	"github.com/depenses-eclairees/depenses/internal/document"
	"github.com/depenses-eclairees/depenses/internal/store"
)

// IngestOptions say what to load.
type IngestOptions struct {
	Chorus        string // extract file (CSV or XLSX); may be empty to add attachments only
	ChorusOptions chorus.Options
	Attachments   string // folder or ZIP archive; may be empty
	Manifest      string // optional `num_ej;fichier` CSV
	// Progress is called about twice a second while documents are processed.
	Progress func(Progress)
}

// Progress is where an ingest stands.
type Progress struct {
	Phase     string // "chorus", "pieces", "traitement"
	Done      int
	Total     int
	Failed    int
	Elapsed   time.Duration
	Discarded int
}

// Report is what an ingest did, stored with its run and shown to the user.
type Report struct {
	Run             int64          `json:"import"`
	ChorusFormat    string         `json:"format_chorus,omitempty"`
	RowsRead        int            `json:"lignes_lues"`
	RowsRejected    int            `json:"lignes_rejetees"`
	UnknownColumns  []string       `json:"colonnes_inconnues,omitempty"`
	EJ              map[string]int `json:"ej"` // nouveaux, modifies, inchanges
	FilesSeen       int            `json:"pieces_vues"`
	FilesNew        int            `json:"pieces_nouvelles"`
	FilesKnown      int            `json:"pieces_deja_connues"`
	LinksNew        int            `json:"rattachements_nouveaux"`
	FilesUnlinked   int            `json:"pieces_sans_ej"`
	UnknownEJ       []string       `json:"ej_absents_de_l_extrait,omitempty"`
	DocsProcessed   int64          `json:"documents_traites"`
	DocsFailed      int64          `json:"documents_en_erreur"`
	EJReconciled    int64          `json:"ej_rapproches"`
	JobsDiscarded   int            `json:"travaux_abandonnes"`
	Anomalies       int            `json:"anomalies"`
	AnomalyTime     time.Duration  `json:"-"`
	Issues          []store.Issue  `json:"-"`
	Warnings        []string       `json:"avertissements,omitempty"`
	Elapsed         time.Duration  `json:"-"`
	ElapsedSeconds  float64        `json:"duree_s"`
	DocsPerSecond   float64        `json:"documents_par_s"`
	ChorusRejectsTo string         `json:"-"`
}

// Ingest loads an extract and attachments, stores them with their jobs,
// then processes every pending job. Run twice, it adds nothing; killed and
// run again, it finishes what was left, each document once.
func (p *Pipeline) Ingest(ctx context.Context, opt IngestOptions) (*Report, error) {
	start := time.Now()
	rep := &Report{EJ: map[string]int{"nouveaux": 0, "modifies": 0, "inchanges": 0}}
	err := p.cfg.Store.InTx(ctx, func(tx store.Tx) error {
		var err error
		rep.Run, err = tx.StartRun(ctx, store.Run{StartedAt: start, Chorus: opt.Chorus, Attachments: opt.Attachments})
		return err
	})
	if err != nil {
		return nil, err
	}
	progress := func(phase string, done, total int) {
		if opt.Progress != nil {
			opt.Progress(Progress{Phase: phase, Done: done, Total: total, Elapsed: time.Since(start)})
		}
	}
	known := map[string]bool{} // EJ of this extract
	if opt.Chorus != "" {
		progress("chorus", 0, 0)
		ext, err := chorus.ReadFile(opt.Chorus, opt.ChorusOptions)
		if err != nil {
			return rep, err
		}
		rep.ChorusFormat, rep.RowsRead, rep.RowsRejected = ext.Format, ext.Rows, len(ext.Rejects)
		rep.UnknownColumns, rep.Warnings = ext.UnknownColumns, ext.Warnings
		for _, r := range ext.Rejects {
			rep.Issues = append(rep.Issues, store.Issue{Source: "chorus", Ref: "ligne " + strconv.Itoa(r.Line), Message: r.Reason})
		}
		for _, w := range ext.Warnings {
			rep.Issues = append(rep.Issues, store.Issue{Source: "chorus", Ref: "", Message: w})
		}
		for i := 0; i < len(ext.EJs); i += 500 {
			batch := ext.EJs[i:min(i+500, len(ext.EJs))]
			// A new or changed EJ is queued for reconciliation with its data;
			// the job passes over it while documents of it are pending.
			err := p.cfg.Store.InTx(ctx, func(tx store.Tx) error {
				var changed []string
				for _, ej := range batch {
					c, err := tx.UpsertEJ(ctx, ej)
					if err != nil {
						return err
					}
					switch c {
					case store.Created:
						rep.EJ["nouveaux"]++
						changed = append(changed, ej.NumEJ)
					case store.Updated:
						rep.EJ["modifies"]++
						changed = append(changed, ej.NumEJ)
					default:
						rep.EJ["inchanges"]++
					}
				}
				return p.enqueueReadyEJ(ctx, tx, changed)
			})
			if err != nil {
				return rep, err
			}
			progress("chorus", i+len(batch), len(ext.EJs))
		}
		for _, ej := range ext.EJs {
			known[ej.NumEJ] = true
		}
	}
	if opt.Attachments != "" {
		if err := p.storeAttachments(ctx, opt, rep, known, progress); err != nil {
			return rep, err
		}
	}
	if err := p.process(ctx, start, opt.Progress, rep); err != nil {
		return rep, err
	}
	rep.Elapsed = time.Since(start)
	rep.ElapsedSeconds = rep.Elapsed.Seconds()
	if s := rep.Elapsed.Seconds(); s > 0 {
		rep.DocsPerSecond = float64(rep.DocsProcessed) / s
	}
	report, _ := json.Marshal(rep)
	err = p.cfg.Store.InTx(ctx, func(tx store.Tx) error {
		if err := tx.AddIssues(ctx, rep.Run, rep.Issues); err != nil {
			return err
		}
		return tx.FinishRun(ctx, store.Run{ID: rep.Run, FinishedAt: time.Now(), Report: string(report)})
	})
	return rep, err
}

// process runs the workers until no job is left, then the anomaly
// detection — always: it is cheap next to reading, and a run killed during
// the detection leaves nothing to process that would trigger it again.
func (p *Pipeline) process(ctx context.Context, start time.Time, onProgress func(Progress), rep *Report) error {
	counts, err := p.cfg.Store.Counts(ctx)
	if err != nil {
		return err
	}
	total := counts.Documents[store.StatusPending]
	d0, f0, e0 := p.Done()
	p.batchIndex.Store(true) // the detection that follows reindexes every EJ
	defer p.batchIndex.Store(false)
	if err := p.Start(ctx); err != nil {
		return err
	}
	tick := func() {
		if onProgress != nil {
			d, f, _ := p.Done()
			onProgress(Progress{Phase: "traitement", Done: int(d - d0), Total: total, Failed: int(f - f0), Elapsed: time.Since(start)})
		}
	}
	waitErr := p.Wait(ctx, 500*time.Millisecond, tick)
	stopCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
	defer cancel()
	if err := p.Stop(stopCtx); err != nil && waitErr == nil {
		waitErr = err
	}
	d, f, e := p.Done()
	rep.DocsProcessed, rep.DocsFailed, rep.EJReconciled = d-d0, f-f0, e-e0
	if discarded, err := p.queue.Discarded(context.WithoutCancel(ctx)); err == nil {
		rep.JobsDiscarded = len(discarded)
		for _, j := range discarded {
			msg := "abandonné après plusieurs tentatives"
			if n := len(j.Errors); n > 0 {
				msg += " : " + j.Errors[n-1].Error
			}
			rep.Issues = append(rep.Issues, store.Issue{Source: "traitement", Ref: j.Kind + " " + string(j.EncodedArgs), Message: msg})
		}
	}
	if waitErr != nil {
		return waitErr
	}
	rep.Anomalies, rep.AnomalyTime, err = p.DetectAnomalies(ctx, p.cfg.Anomalies)
	return err
}

// storeAttachments stores each attachment's original and its row, links
// it to its EJ and queues its job, all in one transaction per file.
func (p *Pipeline) storeAttachments(ctx context.Context, opt IngestOptions, rep *Report, known map[string]bool, progress func(string, int, int)) error {
	files, closer, err := listAttachments(opt.Attachments, opt.Manifest)
	if err != nil {
		return err
	}
	defer closer.Close()
	unknown := map[string]bool{}
	max := p.cfg.MaxFileBytes
	for i, f := range files {
		rep.FilesSeen++
		progress("pieces", i, len(files))
		if len(f.EJs) == 0 {
			rep.FilesUnlinked++
			rep.Issues = append(rep.Issues, store.Issue{Source: "piece", Ref: f.Path, Message: f.Issue})
			continue
		}
		for _, num := range f.EJs {
			if !known[num] && !unknown[num] {
				if _, err := p.cfg.Store.EJ(ctx, num); err != nil {
					unknown[num] = true
				}
			}
		}
		sha, size, err := hashFile(f, max)
		tooLarge := err == errTooLarge
		if err != nil && !tooLarge {
			rep.Issues = append(rep.Issues, store.Issue{Source: "piece", Ref: f.Path, Message: "lecture impossible : " + err.Error()})
			continue
		}
		if !tooLarge {
			if err := p.putBlob(f, sha); err != nil {
				return fmt.Errorf("%s : %w", f.Path, err) // disk full or unwritable: stop, nothing half-stored
			}
		}
		err = p.cfg.Store.InTx(ctx, func(tx store.Tx) error {
			created, err := tx.AddDocument(ctx, store.NewDocument{SHA256: sha, Size: size, Name: f.Name})
			if err != nil {
				return err
			}
			if created {
				rep.FilesNew++
				if tooLarge {
					msg := fmt.Sprintf("fichier au-delà de la limite de %d Mo : original non conservé", max>>20)
					if err := tx.SaveResult(ctx, sha, store.Processed{Status: store.StatusFailed, Version: Version,
						Result: document.Result{File: f.Name, SHA256: sha, Size: size, Error: &msg, ErrorCode: string(document.ErrTooLarge)}}); err != nil {
						return err
					}
				} else if err := p.queue.EnqueueTx(ctx, tx, DocumentArgs{SHA256: sha}); err != nil {
					return err
				}
			} else {
				rep.FilesKnown++
			}
			var joined []string // EJ an already-final document joins
			for _, num := range f.EJs {
				linked, err := tx.Attach(ctx, num, sha, f.Name)
				if err != nil {
					return err
				}
				if linked {
					rep.LinksNew++
					if !created || tooLarge {
						joined = append(joined, num)
					}
				}
			}
			return p.enqueueReadyEJ(ctx, tx, joined)
		})
		if err != nil {
			return err
		}
	}
	progress("pieces", len(files), len(files))
	for num := range unknown {
		rep.UnknownEJ = append(rep.UnknownEJ, num)
		rep.Issues = append(rep.Issues, store.Issue{Source: "piece", Ref: num, Message: "pièces jointes d'un EJ absent de l'extrait Chorus : conservées, rapprochées quand l'EJ sera importé"})
	}
	sort.Strings(rep.UnknownEJ)
	return nil
}

var errTooLarge = fmt.Errorf("fichier trop volumineux")

// hashFile computes a file's SHA-256 in one bounded pass.
func hashFile(f attachment, max int64) (sha string, size int64, err error) {
	rc, err := f.Open()
	if err != nil {
		return "", 0, err
	}
	defer rc.Close()
	h := sha256.New()
	n, err := io.Copy(h, io.LimitReader(rc, max+1))
	if err != nil {
		return "", n, err
	}
	if n > max {
		// Too large to keep: identify it by name and size instead, so the
		// refusal is recorded once however often it is seen.
		sum := sha256.Sum256([]byte(fmt.Sprintf("trop-volumineux\x00%s\x00%d", f.Name, f.Size)))
		return hex.EncodeToString(sum[:]), f.Size, errTooLarge
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}

func (p *Pipeline) putBlob(f attachment, sha string) error {
	if p.cfg.Blobs.Has(sha) {
		return nil
	}
	rc, err := f.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	return p.cfg.Blobs.Put(sha, rc)
}
