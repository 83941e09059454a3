package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/depenses-eclairees/depenses/internal/document"
	"github.com/depenses-eclairees/depenses/internal/testfiles"
)

const corpus = "../../../shared/corpus"

// TestExtractBatch runs `depenses extract` on good and bad files together:
// one result per input, in input order, errors recorded, the batch goes on.
func TestExtractBatch(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	docx, err := os.ReadFile(filepath.Join(corpus, "formats/lettre.docx"))
	if err != nil {
		t.Fatal(err)
	}
	files := []string{
		filepath.Join(corpus, "formats/lettre.pdf"),
		write("vide.pdf", nil),
		write("bombe.zip", testfiles.ZipBomb("a.txt", 256<<20)),
		write("deguise.pdf", docx), // a DOCX whose name says PDF
		filepath.Join(dir, "absent.pdf"),
		filepath.Join(corpus, "invoices/Facture_FR_BASIC.pdf"),
	}
	var out bytes.Buffer
	cmd := extractCommand()
	cmd.SetOut(&out)
	cmd.SetArgs(append([]string{"--ocr", "off"}, files...))
	if err := cmd.Execute(); err != nil {
		t.Fatalf("extract: %v", err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != len(files) {
		t.Fatalf("%d result lines for %d files:\n%s", len(lines), len(files), out.String())
	}
	var results []document.Result
	for i, l := range lines {
		var r document.Result
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Fatalf("line %d is not JSON: %v", i+1, err)
		}
		if r.File != files[i] {
			t.Errorf("line %d is for %s, want %s (input order)", i+1, r.File, files[i])
		}
		results = append(results, r)
	}
	wantErr := []string{"", document.ErrEmpty, document.ErrArchive, "", document.ErrCorrupt, ""}
	for i, r := range results {
		if got := r.ErrorCode; got != wantErr[i] {
			t.Errorf("%s: error code %q (%v), want %q", filepath.Base(r.File), got, r.Error, wantErr[i])
		}
	}
	if r := results[0]; r.Pages != 1 || r.TextSource != document.SourceTextLayer || len(r.SHA256) != 64 || r.MediaType != "application/pdf" {
		t.Errorf("lettre.pdf envelope: %+v", r)
	}
	if r := results[3]; r.TextSource != document.SourceOffice || len(r.Warnings) == 0 {
		t.Errorf("disguised docx: read as %s with warnings %v", r.TextSource, r.Warnings)
	}
	if r := results[5]; r.TextSource != document.SourceEmbeddedXML || r.DocumentType == nil || r.DocumentType.Value != "facture" || r.Fields["numero"].Value == nil {
		t.Errorf("Factur-X: %+v", r)
	}
}

func TestExtractRejectsBadFlags(t *testing.T) {
	for _, args := range [][]string{{"--ocr", "parfois", "x.pdf"}, {"--format", "xml", "x.pdf"}, {}} {
		cmd := extractCommand()
		cmd.SetOut(&bytes.Buffer{})
		cmd.SetErr(&bytes.Buffer{})
		cmd.SetArgs(args)
		if err := cmd.Execute(); err == nil {
			t.Errorf("%v: accepted", args)
		}
	}
}

func TestTextCommand(t *testing.T) {
	var out bytes.Buffer
	cmd := textCommand()
	cmd.SetOut(&out)
	cmd.SetArgs([]string{filepath.Join(corpus, "formats/lettre.pdf")})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	want, _ := os.ReadFile(filepath.Join(corpus, "formats/lettre.md"))
	if sim := testfiles.Similarity(out.String(), string(want)); sim < 0.95 {
		t.Errorf("similarity %.3f:\n%s", sim, out.String())
	}
	if !strings.Contains(out.String(), "Montant : 85 000 euros HT") {
		t.Errorf("label and value not on one line:\n%s", out.String())
	}
}
