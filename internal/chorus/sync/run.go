package sync

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	stdsync "sync"
	"syscall"
	"time"

	"golang.org/x/text/unicode/norm"
)

// Options say what to fetch and where to put it.
type Options struct {
	// Staging is the folder that receives the attachments (under PiecesDir)
	// and the state.
	Staging string
	// Since starts the scan at this reception date. Zero: a day before the
	// state's high-water mark; required on the first run.
	Since  time.Time
	Filter ActivityFilter
	// Window is the span of one activity query; default 7 days.
	Window time.Duration
	// Overlap is how far before the high-water mark a run starts again;
	// default 24 h, in case records arrive late.
	Overlap time.Duration
	// Concurrency is the downloads in flight within an EJ; default 2. The
	// client's rate limit holds across them.
	Concurrency int
	// MaxRuns is how many runs retry an EJ that keeps failing; default 5.
	MaxRuns int
	// Now is the end of the scan; default time.Now.
	Now func() time.Time
	// Progress, when set, is called after each attachment and each EJ.
	Progress func(Event)
}

// Event is reported to Options.Progress.
type Event struct {
	NumEJ string
	File  string // the attachment's file name; empty for the end of an EJ
	Bytes int64
	Err   error
}

// Summary is what a run did.
type Summary struct {
	From, To   time.Time
	HighWater  time.Time
	EJSeen     int // distinct EJ handled in this run
	EJRetried  int // of which left over by an earlier run
	Downloaded int
	Bytes      int64
	Skipped    int // already downloaded by an earlier run
	Recovered  int // found complete on disk after a killed run, not fetched again
	Failures   []Failure
	// Issues are records of the API that could not be read.
	Issues    []string
	PiecesDir string
}

type syncer struct {
	c    *Client
	opt  Options
	dir  string // PiecesDir inside Staging
	st   *State
	jr   *journal
	ejs  *ejList
	mu   stdsync.Mutex // guards st, jr, sum
	sum  *Summary
	done map[string]bool // EJ handled in this run
}

// Run fetches the EJ activity since the last run and every attachment not
// yet downloaded. The summary is returned even with an error; the state
// saved lets the next run resume.
func Run(ctx context.Context, c *Client, opt Options) (*Summary, error) {
	if opt.Staging == "" {
		return nil, errors.New("dossier de réception (--staging) obligatoire")
	}
	if opt.Window <= 0 {
		opt.Window = 7 * 24 * time.Hour
	}
	if opt.Overlap <= 0 {
		opt.Overlap = 24 * time.Hour
	}
	if opt.Concurrency <= 0 {
		opt.Concurrency = 2
	}
	if opt.MaxRuns <= 0 {
		opt.MaxRuns = 5
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	pieces := filepath.Join(opt.Staging, PiecesDir)
	if err := os.MkdirAll(pieces, 0o755); err != nil {
		return nil, fmt.Errorf("dossier de réception : %w", err)
	}
	unlock, err := lockStaging(opt.Staging)
	if err != nil {
		return nil, err
	}
	defer unlock()
	st, err := loadState(opt.Staging)
	if err != nil {
		return nil, err
	}
	jr, err := openJournal(opt.Staging)
	if err != nil {
		return nil, err
	}
	defer jr.Close()
	ejs, err := openEJList(opt.Staging)
	if err != nil {
		return nil, err
	}
	defer ejs.Close()
	cleanTemporaries(pieces)

	s := &syncer{c: c, opt: opt, dir: pieces, st: st, jr: jr, ejs: ejs, done: map[string]bool{},
		sum: &Summary{PiecesDir: pieces, HighWater: st.HighWater}}
	from := opt.Since
	if from.IsZero() {
		if st.HighWater.IsZero() {
			return nil, errors.New("première synchronisation de ce dossier : indiquez la date de réception de départ (--since AAAA-MM-JJ)")
		}
		from = st.HighWater.Add(-opt.Overlap)
	}
	to := opt.Now().UTC()
	s.sum.From, s.sum.To = from, to
	if st.HighWater.IsZero() {
		// Nothing before the first scan's start is in scope: a run killed
		// before its first EJ resumes from there.
		st.HighWater = from.UTC()
	}
	err = s.run(ctx, from, to)
	if serr := s.save(); serr != nil && err == nil {
		err = serr
	}
	s.sum.HighWater = s.st.HighWater
	return s.sum, err
}

func (s *syncer) run(ctx context.Context, from, to time.Time) error {
	// EJ left over by earlier runs first: their activity may be past the
	// overlap by now.
	var pending []string
	for num, p := range s.st.Pending {
		if p.Runs < s.opt.MaxRuns {
			pending = append(pending, num)
		}
	}
	sort.Strings(pending)
	for _, num := range pending {
		if err := s.handleEJ(ctx, num); err != nil {
			return err
		}
		s.sum.EJRetried++
		if err := s.save(); err != nil {
			return err
		}
	}
	for start := from; start.Before(to); {
		end := start.Add(s.opt.Window)
		if end.After(to) {
			end = to
		}
		acts, issues, err := s.c.ListActivity(ctx, start, end, s.opt.Filter)
		s.sum.Issues = append(s.sum.Issues, issues...)
		if err != nil {
			return err
		}
		sort.SliceStable(acts, func(i, j int) bool {
			if !acts[i].ReceivedAt.Equal(acts[j].ReceivedAt) {
				return acts[i].ReceivedAt.Before(acts[j].ReceivedAt)
			}
			return acts[i].NumEJ < acts[j].NumEJ
		})
		for _, a := range acts {
			if err := s.ejs.add(a); err != nil {
				return fmt.Errorf("liste des EJ vus : %w", err)
			}
			if err := s.handleEJ(ctx, a.NumEJ); err != nil {
				return err
			}
			s.advance(a.ReceivedAt)
			if err := s.save(); err != nil {
				return err
			}
		}
		s.advance(end)
		if err := s.save(); err != nil {
			return err
		}
		start = end
	}
	return nil
}

func (s *syncer) advance(t time.Time) {
	s.mu.Lock()
	if t.After(s.st.HighWater) {
		s.st.HighWater = t.UTC()
	}
	s.mu.Unlock()
}

func (s *syncer) save() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.Updated = s.opt.Now().UTC()
	if err := s.st.save(s.opt.Staging); err != nil {
		return fmt.Errorf("enregistrement de l'état de synchronisation : %w", err)
	}
	return nil
}

// handleEJ fetches what is missing of one EJ. It returns an error only when
// the run must stop (cancelled, disk); a failure of the API on this EJ is
// recorded and the EJ left pending.
func (s *syncer) handleEJ(ctx context.Context, num string) error {
	if s.done[num] {
		return nil
	}
	metas, issues, err := s.c.ListAttachments(ctx, num)
	if ctx.Err() == nil {
		s.done[num] = true
		s.sum.EJSeen++
	}
	s.sum.Issues = append(s.sum.Issues, issues...)
	if err != nil {
		if ctx.Err() != nil {
			return context.Cause(ctx)
		}
		s.fail(Failure{NumEJ: num, Reason: err.Error(), Permanent: isPermanent(err)})
		s.keepPending(num, err.Error())
		s.report(Event{NumEJ: num, Err: err})
		return nil
	}
	s.mu.Lock()
	delete(s.st.Failed, "ej:"+num)
	s.mu.Unlock()
	names := s.plan(num, metas)

	sem := make(chan struct{}, s.opt.Concurrency)
	var wg stdsync.WaitGroup
	var fatal error
	var fatalOnce stdsync.Once
	failed := 0
	for i, m := range metas {
		if names[i] == "" {
			continue
		}
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
		wg.Add(1)
		go func(m AttachmentMeta, name string) {
			defer wg.Done()
			defer func() { <-sem }()
			m.NumEJ = num
			if err := s.fetch(ctx, m, name); err != nil {
				var stop stopError
				if errors.As(err, &stop) || ctx.Err() != nil {
					fatalOnce.Do(func() { fatal = err })
					return
				}
				s.mu.Lock()
				failed++
				s.mu.Unlock()
			}
		}(m, names[i])
	}
	wg.Wait()
	if ctx.Err() != nil {
		return context.Cause(ctx)
	}
	if fatal != nil {
		return fatal
	}
	if failed > 0 {
		s.keepPending(num, fmt.Sprintf("%d pièce(s) en échec", failed))
	} else {
		s.mu.Lock()
		delete(s.st.Pending, num)
		s.mu.Unlock()
	}
	s.report(Event{NumEJ: num})
	return nil
}

// stopError is a local failure (disk, journal) that stops the run.
type stopError struct{ error }

func (e stopError) Unwrap() error { return e.error }

func isPermanent(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Permanent
}

func (s *syncer) keepPending(num, reason string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.st.Pending[num]
	p.Reason = reason
	p.Runs++
	s.st.Pending[num] = p
}

func (s *syncer) fail(f Failure) {
	s.mu.Lock()
	defer s.mu.Unlock()
	key := f.ID
	if key == "" {
		key = "ej:" + f.NumEJ
	}
	f.At = s.opt.Now().UTC()
	f.Attempts = s.st.Failed[key].Attempts + 1
	s.st.Failed[key] = f
	s.sum.Failures = append(s.sum.Failures, f)
}

func (s *syncer) report(e Event) {
	if s.opt.Progress != nil {
		s.opt.Progress(e)
	}
}

// plan names each attachment not yet downloaded, "" for the others. The
// number n is the attachment's rank in the API's list; when that name is
// another attachment's already, the next free rank is used.
func (s *syncer) plan(num string, metas []AttachmentMeta) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	names := make([]string, len(metas))
	taken := map[string]bool{}
	for _, m := range metas {
		if d, ok := s.jr.byID[m.ID]; ok {
			taken[d.File] = true
		}
	}
	next := len(metas) + 1
	for i, m := range metas {
		if _, ok := s.jr.byID[m.ID]; ok {
			s.sum.Skipped++
			delete(s.st.Failed, m.ID)
			continue
		}
		safe := SafeName(m.Name)
		name := fileName(num, i+1, safe)
		for taken[name] || s.jr.byFile[name] != "" || !s.mayUse(name, m) {
			name = fileName(num, next, safe)
			next++
		}
		taken[name] = true
		names[i] = name
	}
	return names
}

// mayUse says whether name is free on disk, or holds what a killed run
// fetched for m (same size) before it could write its journal.
func (s *syncer) mayUse(name string, m AttachmentMeta) bool {
	fi, err := os.Lstat(filepath.Join(s.dir, name))
	if errors.Is(err, os.ErrNotExist) {
		return true
	}
	return err == nil && fi.Mode().IsRegular() && m.Size >= 0 && fi.Size() == m.Size
}

func fileName(num string, n int, safe string) string {
	return num + "_" + strconv.Itoa(n) + "_" + safe
}

// fetch downloads one attachment and records it. Errors of the API are
// recorded as failures and returned; local ones come back as stopError.
func (s *syncer) fetch(ctx context.Context, m AttachmentMeta, name string) error {
	final := filepath.Join(s.dir, name)
	if fi, err := os.Lstat(final); err == nil && fi.Mode().IsRegular() && fi.Size() == m.Size {
		// A killed run renamed it but did not journal it.
		if err := s.record(Downloaded{ID: m.ID, NumEJ: m.NumEJ, File: name, Size: fi.Size(), At: s.opt.Now().UTC()}); err != nil {
			return err
		}
		s.mu.Lock()
		s.sum.Recovered++
		s.mu.Unlock()
		s.report(Event{NumEJ: m.NumEJ, File: name})
		return nil
	}
	tmp, size, err := s.c.Download(ctx, m, s.dir)
	if err != nil {
		if ctx.Err() != nil {
			return context.Cause(ctx)
		}
		var e *Error
		if !errors.As(err, &e) {
			return stopError{err}
		}
		s.fail(Failure{NumEJ: m.NumEJ, ID: m.ID, Name: m.Name, Reason: err.Error(), Permanent: e.Permanent})
		s.report(Event{NumEJ: m.NumEJ, File: name, Err: err})
		return err
	}
	if err := os.Rename(tmp, final); err != nil {
		os.Remove(tmp)
		return stopError{fmt.Errorf("pièce %s : %w", name, err)}
	}
	if err := syncDir(s.dir); err != nil {
		return stopError{err}
	}
	if err := s.record(Downloaded{ID: m.ID, NumEJ: m.NumEJ, File: name, Size: size, At: s.opt.Now().UTC()}); err != nil {
		return err
	}
	s.mu.Lock()
	s.sum.Downloaded++
	s.sum.Bytes += size
	s.mu.Unlock()
	s.report(Event{NumEJ: m.NumEJ, File: name, Bytes: size})
	return nil
}

func (s *syncer) record(d Downloaded) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.jr.record(d); err != nil {
		return stopError{err}
	}
	delete(s.st.Failed, d.ID)
	return nil
}

// cleanTemporaries removes what killed downloads left.
func cleanTemporaries(dir string) {
	matches, _ := filepath.Glob(filepath.Join(dir, ".telechargement-*"))
	for _, m := range matches {
		os.Remove(m)
	}
}

// lockStaging keeps two syncs out of one folder.
func lockStaging(dir string) (func(), error) {
	f, err := os.OpenFile(filepath.Join(dir, lockFile), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, fmt.Errorf("dossier de réception %s : %w", dir, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		return nil, fmt.Errorf("le dossier de réception %s est déjà utilisé par une autre synchronisation", dir)
	}
	return func() { f.Close() }, nil
}

// maxNameBytes bounds the nom_pj part of a file name, so that
// <num_ej>_<n>_<nom> stays well under the 255 bytes file systems allow.
const maxNameBytes = 150

// SafeName turns nom_pj into a file name: no path separator, no "..", no
// control or reserved character, not hidden, bounded in length, extension
// kept.
func SafeName(name string) string {
	name = norm.NFC.String(strings.ToValidUTF8(name, "_"))
	// A path keeps its meaningful segments only: "../../x/y" is "x_y".
	var segs []string
	for _, seg := range strings.FieldsFunc(name, func(r rune) bool { return r == '/' || r == '\\' }) {
		if t := strings.TrimSpace(seg); t != "." && t != ".." && t != "" {
			segs = append(segs, seg)
		}
	}
	name = strings.Join(segs, "_")
	var b strings.Builder
	for _, r := range name {
		switch {
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
			b.WriteByte('_')
		case strings.ContainsRune(`/\:*?"<>|`, r):
			b.WriteByte('_')
		case r == 0xfeff || r == 0x202e || r == 0x202d:
			// BOM and bidi overrides disguise an extension.
		default:
			b.WriteRune(r)
		}
	}
	s := b.String()
	for strings.Contains(s, "..") {
		s = strings.ReplaceAll(s, "..", ".")
	}
	s = strings.Trim(s, ". \t")
	if s == "" {
		return "piece"
	}
	if len(s) <= maxNameBytes {
		return s
	}
	ext := path.Ext(s)
	if len(ext) > 16 || len(ext) < 2 {
		ext = ""
	}
	base := s[:len(s)-len(ext)]
	cut := maxNameBytes - len(ext)
	for cut > 0 && !isRuneStart(base[cut]) {
		cut--
	}
	return strings.TrimRight(base[:cut], ". ") + ext
}
