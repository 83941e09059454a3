package extract

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/depenses-eclairees/depenses/internal/document"
	"github.com/depenses-eclairees/depenses/internal/eval"
	"github.com/depenses-eclairees/depenses/internal/intake"
	"github.com/depenses-eclairees/depenses/internal/synth"
)

const corpus = "../../../shared/corpus"

// readSet reads every document of a gold set once, with the page-reading
// path (embedded XML ignored), as `depenses eval --no-embedded` does.
var (
	setsMu sync.Mutex
	sets   = map[string]readSetResult{}
)

type readSetResult struct {
	cases []eval.Case
	docs  []*document.Document
}

func readSet(t testing.TB, dir string) ([]eval.Case, []*document.Document) {
	t.Helper()
	setsMu.Lock()
	defer setsMu.Unlock()
	if s, ok := sets[dir]; ok {
		return s.cases, s.docs
	}
	cases, err := eval.LoadSet(dir)
	if err != nil || len(cases) == 0 {
		t.Skipf("jeu de référence %s illisible : %v", dir, err)
	}
	rd := intake.New(intake.Options{OCRMode: intake.OCRAuto, NoEmbedded: true})
	defer rd.Close()
	var docs []*document.Document
	for _, c := range cases {
		docs = append(docs, rd.ReadFile(context.Background(), c.Path))
	}
	sets[dir] = readSetResult{cases, docs}
	return cases, docs
}

// scoreSet extracts every document of a set with its gold type (the
// classifier is measured elsewhere) and scores the fields.
func scoreSet(t testing.TB, dir string) eval.Report {
	cases, docs := readSet(t, dir)
	results := make([]document.Result, len(cases))
	for i, c := range cases {
		res := Extract(docs[i], c.Gold.DocumentType)
		results[i] = document.Result{File: c.Path, DocumentType: &document.TypeGuess{Value: c.Gold.DocumentType, Confidence: 1}, Fields: res.Fields}
		checkWellFormed(t, filepath.Base(c.Path), res)
	}
	return eval.Score(cases, results)
}

func logReport(t *testing.T, name string, rep eval.Report) (float64, float64) {
	var b bytes.Buffer
	rep.Write(&b, true)
	t.Logf("%s:\n%s", name, b.String())
	acc, prec, _ := rep.Totals()
	return acc, prec
}

// The floors are what the rules reach today: a change that lowers them is
// a regression.
func TestEvalInvoices(t *testing.T) {
	rep := scoreSet(t, filepath.Join(corpus, "invoices"))
	acc, prec := logReport(t, "invoices", rep)
	if acc < 0.94 || prec < 0.93 {
		t.Errorf("invoices: accuracy %.3f, precision %.3f: below the floors (0.94, 0.93)", acc, prec)
	}
}

func TestEvalRealMisc(t *testing.T) {
	rep := scoreSet(t, filepath.Join(corpus, "real-misc"))
	acc, prec := logReport(t, "real-misc", rep)
	if acc < 0.94 || prec < 0.99 {
		t.Errorf("real-misc: accuracy %.3f, precision %.3f: below the floors (0.94, 0.99)", acc, prec)
	}
}

// TestEvalSynthDev measures on generated documents of the development
// layouts only (never the held-out ones while rules are written).
func TestEvalSynthDev(t *testing.T) {
	if testing.Short() {
		t.Skip("lecture de 60 PDF générés")
	}
	dir := synthDir(t)
	rep := scoreSet(t, dir)
	acc, prec := logReport(t, "synth dev", rep)
	if acc < 0.80 || prec < 0.95 {
		t.Errorf("synth dev: accuracy %.3f, precision %.3f: below the floors (0.80, 0.95)", acc, prec)
	}
}

var (
	synthOnce sync.Once
	synthPath string
)

func synthDir(t testing.TB) string {
	synthOnce.Do(func() {
		dir, err := os.MkdirTemp("", "extract-synth-")
		if err != nil {
			return
		}
		docs, err := synth.Generate(synth.Options{Seed: 7, Layouts: synth.DevLayouts}, 60)
		if err != nil {
			return
		}
		if err := synth.WriteSet(dir, docs); err != nil {
			return
		}
		synthPath = dir
	})
	if synthPath == "" {
		t.Skip("générateur synthétique indisponible")
	}
	return synthPath
}

func TestMain(m *testing.M) {
	code := m.Run()
	if synthPath != "" && strings.Contains(synthPath, "extract-synth-") {
		os.RemoveAll(synthPath)
	}
	os.Exit(code)
}
