package sync

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// The staging folder's layout.
const (
	PiecesDir   = "pieces"            // the attachments, named <num_ej>_<n>_<nom>
	StateFile   = "etat_sync.json"    // high-water mark, EJ to retry, failures
	JournalFile = "telecharges.jsonl" // one line per attachment downloaded
	EJListFile  = "ej_vus.csv"        // num_ej;date_reception;alerte;pur_org;pur_group
	lockFile    = "sync.lock"
)

// State is what a run leaves for the next one. The ids downloaded are kept
// apart, in the append-only journal, so that saving the state stays cheap
// however many attachments there are.
type State struct {
	Version int `json:"version"`
	// HighWater is the latest date_reception up to which every EJ listed
	// has been handled; the next run starts a day before it.
	HighWater time.Time `json:"date_reception_atteinte"`
	// Pending are EJ whose attachments could not all be fetched; they are
	// tried again at the start of the next runs.
	Pending map[string]PendingEJ `json:"ej_a_reprendre"`
	// Failed are the attachments that failed, by id_pj.
	Failed  map[string]Failure `json:"pieces_en_echec"`
	Updated time.Time          `json:"mise_a_jour"`
}

// PendingEJ is an EJ to retry.
type PendingEJ struct {
	Reason string `json:"raison"`
	Runs   int    `json:"tentatives"` // runs that failed on it
}

// Failure is an attachment, or an EJ's list of attachments, that could not
// be fetched.
type Failure struct {
	NumEJ     string    `json:"num_ej"`
	ID        string    `json:"id_pj,omitempty"` // empty: the EJ's list itself failed
	Name      string    `json:"nom_pj,omitempty"`
	Reason    string    `json:"raison"`
	Permanent bool      `json:"definitif"`
	Attempts  int       `json:"tentatives"`
	At        time.Time `json:"date"`
}

// Downloaded is one line of the journal.
type Downloaded struct {
	ID    string    `json:"id_pj"`
	NumEJ string    `json:"num_ej"`
	File  string    `json:"fichier"` // under PiecesDir
	Size  int64     `json:"taille"`
	At    time.Time `json:"date"`
}

func loadState(dir string) (*State, error) {
	st := &State{Version: 1, Pending: map[string]PendingEJ{}, Failed: map[string]Failure{}}
	data, err := os.ReadFile(filepath.Join(dir, StateFile))
	if errors.Is(err, os.ErrNotExist) {
		return st, nil
	}
	if err != nil {
		return nil, fmt.Errorf("état de synchronisation : %w", err)
	}
	if err := json.Unmarshal(data, st); err != nil {
		return nil, fmt.Errorf("état de synchronisation %s illisible (%v) : corrigez-le ou supprimez-le et relancez avec --since", filepath.Join(dir, StateFile), err)
	}
	if st.Version != 1 {
		return nil, fmt.Errorf("état de synchronisation en version %d, inconnue de cette version de depenses", st.Version)
	}
	if st.Pending == nil {
		st.Pending = map[string]PendingEJ{}
	}
	if st.Failed == nil {
		st.Failed = map[string]Failure{}
	}
	return st, nil
}

// save writes the state atomically: a killed process leaves the old one or
// the new one, never half of one.
func (st *State) save(dir string) error {
	data, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return err
	}
	return writeAtomic(filepath.Join(dir, StateFile), append(data, '\n'))
}

func writeAtomic(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		os.Remove(f.Name())
		return err
	}
	return syncDir(filepath.Dir(path))
}

// syncDir makes a rename durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// journal is the append-only record of downloaded attachments.
type journal struct {
	f      *os.File
	byID   map[string]Downloaded
	byFile map[string]string // file name → id_pj
}

// openJournal reads the journal and opens it for appending. A last line
// cut by a crash is dropped: its file, if renamed, is found again on disk.
func openJournal(dir string) (*journal, error) {
	path := filepath.Join(dir, JournalFile)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("journal des téléchargements : %w", err)
	}
	j := &journal{f: f, byID: map[string]Downloaded{}, byFile: map[string]string{}}
	r := bufio.NewReaderSize(f, 64<<10)
	var good int64
	for {
		line, err := r.ReadBytes('\n')
		if len(line) > 0 && line[len(line)-1] == '\n' {
			good += int64(len(line))
			var d Downloaded
			if json.Unmarshal(bytes.TrimSpace(line), &d) == nil && d.ID != "" && d.File != "" {
				j.add(d)
			}
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("journal des téléchargements : %w", err)
		}
	}
	if err := f.Truncate(good); err != nil {
		f.Close()
		return nil, fmt.Errorf("journal des téléchargements : %w", err)
	}
	if _, err := f.Seek(good, io.SeekStart); err != nil {
		f.Close()
		return nil, err
	}
	return j, nil
}

func (j *journal) add(d Downloaded) {
	j.byID[d.ID] = d
	j.byFile[d.File] = d.ID
}

// record appends d and flushes it to disk before the caller goes on.
func (j *journal) record(d Downloaded) error {
	line, err := json.Marshal(d)
	if err != nil {
		return err
	}
	if _, err := j.f.Write(append(line, '\n')); err != nil {
		return fmt.Errorf("journal des téléchargements : %w", err)
	}
	if err := j.f.Sync(); err != nil {
		return fmt.Errorf("journal des téléchargements : %w", err)
	}
	j.add(d)
	return nil
}

func (j *journal) Close() error { return j.f.Close() }

// ejList appends the EJ activity seen to ej_vus.csv, once per (EJ,
// reception date), for the ingest to take.
type ejList struct {
	f    *os.File
	w    *csv.Writer
	seen map[string]bool
}

func openEJList(dir string) (*ejList, error) {
	path := filepath.Join(dir, EJListFile)
	l := &ejList{seen: map[string]bool{}}
	data, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("liste des EJ vus : %w", err)
	}
	// Keep only whole lines: a crash may have cut the last one.
	if i := bytes.LastIndexByte(data, '\n'); i >= 0 {
		data = data[:i+1]
	} else {
		data = nil
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.Comma = ';'
	r.FieldsPerRecord = -1
	for {
		rec, err := r.Read()
		if err != nil {
			break
		}
		if len(rec) >= 2 {
			l.seen[rec[0]+"|"+rec[1]] = true
		}
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("liste des EJ vus : %w", err)
	}
	if err := f.Truncate(int64(len(data))); err != nil {
		f.Close()
		return nil, err
	}
	if _, err := f.Seek(int64(len(data)), io.SeekStart); err != nil {
		f.Close()
		return nil, err
	}
	l.f, l.w = f, csv.NewWriter(f)
	l.w.Comma = ';'
	if len(data) == 0 {
		l.w.Write([]string{"num_ej", "date_reception", "alerte", "pur_org", "pur_group"})
	}
	return l, nil
}

func (l *ejList) add(a Activity) error {
	date := a.ReceivedAt.UTC().Format(time.RFC3339)
	key := a.NumEJ + "|" + date
	if l.seen[key] {
		return nil
	}
	l.seen[key] = true
	clean := func(s string) string { return strings.Map(dropControl, s) }
	l.w.Write([]string{a.NumEJ, date, clean(a.Alerte), clean(a.PurOrg), clean(a.PurGroup)})
	l.w.Flush()
	return l.w.Error()
}

func dropControl(r rune) rune {
	if r < 0x20 || r == 0x7f {
		return -1
	}
	return r
}

func (l *ejList) Close() error {
	l.w.Flush()
	return errors.Join(l.w.Error(), l.f.Close())
}
