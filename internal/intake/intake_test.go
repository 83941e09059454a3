package intake

import (
	"context"
	"encoding/base64"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/depenses-eclairees/depenses/internal/document"
	"github.com/depenses-eclairees/depenses/internal/testfiles"
)

const corpus = "../../../shared/corpus"

func readCorpus(t testing.TB, rel string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(corpus, rel))
	if err != nil {
		t.Fatalf("corpus file: %v", err)
	}
	return b
}

func TestSniff(t *testing.T) {
	cases := map[string]string{
		"formats/lettre.pdf":     TypePDF,
		"formats/lettre-ocr.pdf": TypePDF,
		"formats/lettre.docx":    TypeDOCX,
		"formats/lettre.odt":     TypeODT,
		"formats/lettre.doc":     TypeDOC,
		"formats/calc.xlsx":      TypeXLSX,
		"formats/calc.ods":       TypeODS,
		"formats/calc.xls":       TypeXLS,
		"formats/sample.xls":     TypeXLS,
		"formats/lettre.png":     TypePNG,
		"formats/image.jpg":      TypeJPEG,
		"formats/image.tiff":     TypeTIFF,
		"formats/hello.txt":      TypeText,
		"formats/hello.xml":      TypeXML,
		"formats/hello.unknown":  TypeUnknown,
		"formats/lettre.md":      TypeText,
	}
	for rel, want := range cases {
		if got := Sniff(rel, readCorpus(t, rel)); got != want {
			t.Errorf("%s: sniffed %s, want %s", rel, got, want)
		}
	}
	mail := "Return-Path: <a@b.fr>\r\nFrom: Agent <a@b.fr>\r\nTo: x@y.fr\r\nSubject: Devis\r\n\r\nBonjour"
	if got := Sniff("message.txt", []byte(mail)); got != TypeEML {
		t.Errorf("e-mail sniffed as %s", got)
	}
	if got := Sniff("x.txt", []byte("Objet : devis\nMontant : 12 €")); got != TypeText {
		t.Errorf("plain French text sniffed as %s", got)
	}
	if got := Sniff("a.csv", []byte("num_ej;montant\n1300012345;12,5\n")); got != TypeCSV {
		t.Errorf("csv sniffed as %s", got)
	}
}

// newTestReader reads with OCR on and small limits, so hostile files hit
// them fast.
func newTestReader(t testing.TB, mutate func(*Options)) *Reader {
	opts := Options{Workers: 2}
	opts.Limits = New(Options{}).opts.Limits
	if mutate != nil {
		mutate(&opts)
	}
	r := New(opts)
	t.Cleanup(func() { r.Close() })
	return r
}

// TestBadInputs feeds every kind of broken or hostile file: each one must
// give a document with a coded error, quickly and within bounded memory.
func TestBadInputs(t *testing.T) {
	lettre := readCorpus(t, "formats/lettre.pdf")
	random := make([]byte, 64<<10)
	rand.New(rand.NewSource(1)).Read(random)
	cases := []struct {
		name string
		data []byte
		code string
	}{
		{"vide.pdf", nil, document.ErrEmpty},
		{"tronque.pdf", lettre[:len(lettre)/2], document.ErrCorrupt},
		{"aleatoire.pdf", random, document.ErrUnsupported},
		{"boucle.pdf", testfiles.PDFPageTreeLoop(), document.ErrCorrupt},
		{"pas-un-zip.docx", []byte("PK\x03\x04 ceci n'est pas une archive"), document.ErrCorrupt},
		{"bombe.zip", testfiles.ZipBomb("devis.txt", 256<<20), document.ErrArchive},
		{"bombe.docx", docxBomb(), document.ErrArchive},
		{"geante.png", testfiles.PNGHeader(40000, 40000), document.ErrPixelLimit},
		{"2000-pages.pdf", testfiles.PDFPages(2000), document.ErrPageLimit},
		{"menteur.pdf", readCorpus(t, "formats/hello.unknown"), document.ErrUnsupported},
	}
	if enc := encryptedPDF(t, lettre); enc != nil {
		cases = append(cases, struct {
			name string
			data []byte
			code string
		}{"chiffre.pdf", enc, document.ErrEncrypted})
	}
	r := newTestReader(t, nil)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var before runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			doc := r.Read(context.Background(), c.name, c.data)
			var after runtime.MemStats
			runtime.ReadMemStats(&after)
			if doc.Err == nil {
				t.Fatalf("no error; pages=%d warnings=%v", len(doc.Pages), doc.Warnings)
			}
			if got := document.ErrorCode(doc.Err); got != c.code {
				t.Errorf("error code %s (%v), want %s", got, doc.Err, c.code)
			}
			if doc.Err.Error() == "" {
				t.Error("empty error message")
			}
			if grown := after.TotalAlloc - before.TotalAlloc; grown > 400<<20 {
				t.Errorf("reading allocated %d MiB", grown>>20)
			}
		})
	}
}

// docxBomb is a DOCX whose document.xml inflates to 256 MiB.
func docxBomb() []byte {
	return testfiles.ZipBomb("word/document.xml", 256<<20)
}

func encryptedPDF(t *testing.T, plain []byte) []byte {
	if _, err := exec.LookPath("qpdf"); err != nil {
		t.Errorf("qpdf is not installed (make deps installs it): the encrypted-PDF case is not tested")
		return nil
	}
	dir := t.TempDir()
	in, out := filepath.Join(dir, "in.pdf"), filepath.Join(dir, "out.pdf")
	if err := os.WriteFile(in, plain, 0o600); err != nil {
		t.Fatal(err)
	}
	if msg, err := exec.Command("qpdf", "--encrypt", "secret", "owner", "256", "--", in, out).CombinedOutput(); err != nil {
		t.Fatalf("qpdf: %v: %s", err, msg)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestFormatsReadToLetter reads the same letter in every format of the
// corpus and compares it with its expected text.
func TestFormatsReadToLetter(t *testing.T) {
	want := string(readCorpus(t, "formats/lettre.md"))
	cases := []struct {
		file   string
		min    float64
		source document.TextSource
	}{
		{"lettre.pdf", 0.95, document.SourceTextLayer},
		{"lettre.docx", 0.95, document.SourceOffice},
		{"lettre.odt", 0.95, document.SourceOffice},
		{"lettre.doc", 0.95, document.SourceOffice},
		{"lettre-ocr.pdf", 0.90, document.SourceOCR},
		{"lettre.png", 0.90, document.SourceOCR},
	}
	r := newTestReader(t, nil)
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			doc := r.Read(context.Background(), c.file, readCorpus(t, "formats/"+c.file))
			if doc.Err != nil {
				t.Fatalf("read: %v", doc.Err)
			}
			if got := doc.Source(); got != c.source {
				t.Errorf("text source %q, want %q", got, c.source)
			}
			if sim := testfiles.Similarity(doc.Text(), want); sim < c.min {
				t.Errorf("similarity %.3f < %.2f; text:\n%s", sim, c.min, doc.Text())
			} else {
				t.Logf("similarity %.3f", sim)
			}
		})
	}
}

func TestSpreadsheetsGiveAllSheets(t *testing.T) {
	r := newTestReader(t, nil)
	for _, f := range []string{"calc.xlsx", "calc.ods", "calc.xls", "sample.xlsx", "sample.ods", "sample.xls"} {
		doc := r.Read(context.Background(), f, readCorpus(t, "formats/"+f))
		if doc.Err != nil {
			t.Errorf("%s: %v", f, doc.Err)
			continue
		}
		if len(doc.Pages) == 0 {
			t.Errorf("%s: no sheet read", f)
		}
		t.Logf("%s: %d sheets, %d bytes of text", f, len(doc.Pages), len(doc.Text()))
	}
}

// TestArchiveAndEmail checks that members and attachments become child
// documents, read recursively, and that a bad member does not stop the rest.
func TestArchiveAndEmail(t *testing.T) {
	lettre := readCorpus(t, "formats/lettre.pdf")
	inner := testfiles.Zip(map[string][]byte{"sous-dossier/lettre.docx": readCorpus(t, "formats/lettre.docx")})
	archive := testfiles.Zip(map[string][]byte{
		"1300012345_1_devis.pdf": lettre,
		"abime.pdf":              lettre[:300],
		"interne.zip":            inner,
		"__MACOSX/._devis.pdf":   []byte("x"),
	})
	mail := "From: Fournisseur <contact@example.fr>\r\nTo: acheteur@finances.gouv.fr\r\nSubject: Devis mission\r\n" +
		"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=XX\r\n\r\n--XX\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" +
		"Bonjour, veuillez trouver notre devis.\r\n--XX\r\nContent-Type: application/zip\r\nContent-Disposition: attachment; filename=\"pieces.zip\"\r\n" +
		"Content-Transfer-Encoding: base64\r\n\r\n" + base64Lines(archive) + "\r\n--XX--\r\n"

	r := newTestReader(t, nil)
	doc := r.Read(context.Background(), "message.eml", []byte(mail))
	if doc.Err != nil || doc.MediaType != TypeEML {
		t.Fatalf("mail: %s %v", doc.MediaType, doc.Err)
	}
	if !strings.Contains(doc.Text(), "Objet : Devis mission") || !strings.Contains(doc.Text(), "veuillez trouver notre devis") {
		t.Errorf("mail text: %q", doc.Text())
	}
	if len(doc.Children) != 1 || doc.Children[0].MediaType != TypeZIP {
		t.Fatalf("mail children: %d, first %s %s %v", len(doc.Children), doc.Children[0].Name, doc.Children[0].MediaType, doc.Children[0].Err)
	}
	members := map[string]*document.Document{}
	for _, c := range doc.Children[0].Children {
		members[c.Name] = c
	}
	if len(members) != 3 {
		t.Fatalf("zip members read: %v", keys(members))
	}
	if d := members["1300012345_1_devis.pdf"]; d == nil || d.Err != nil || !strings.Contains(d.Text(), "LETTRE DE MISSION") {
		t.Errorf("pdf member: %+v", d)
	}
	if d := members["abime.pdf"]; d == nil || document.ErrorCode(d.Err) != document.ErrCorrupt {
		t.Errorf("broken member should be corrupt: %+v", d)
	}
	if d := members["interne.zip"]; d == nil || len(d.Children) != 1 || !strings.Contains(d.Children[0].Text(), "LETTRE DE MISSION") {
		t.Errorf("nested zip: %+v", d)
	}

	// Nesting deeper than the limit is refused, the rest is kept.
	deep := lettre
	for range 3 {
		deep = testfiles.Zip(map[string][]byte{"niveau.zip": deep})
	}
	shallow := newTestReader(t, func(o *Options) { o.Limits.MaxDepth = 2 })
	d := shallow.Read(context.Background(), "profond.zip", deep)
	for d.Err == nil && len(d.Children) == 1 {
		d = d.Children[0]
	}
	if document.ErrorCode(d.Err) != document.ErrArchive {
		t.Errorf("deep nesting: %v", d.Err)
	}
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func base64Lines(b []byte) string {
	s := base64.StdEncoding.EncodeToString(b)
	var out strings.Builder
	for len(s) > 76 {
		out.WriteString(s[:76] + "\r\n")
		s = s[76:]
	}
	out.WriteString(s)
	return out.String()
}
