package pdf

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"github.com/depenses-eclairees/depenses/internal/testfiles"
	"image"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"

	"github.com/depenses-eclairees/depenses/internal/document"
	"github.com/depenses-eclairees/depenses/internal/intake/limits"
)

const corpus = "../../../../shared/corpus"

var testEngine *Engine

func TestMain(m *testing.M) {
	var err error
	testEngine, err = NewEngine(context.Background(), 2)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	testEngine.Close()
	os.Exit(code)
}

func readCorpus(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(corpus, name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func pagesText(pages []document.Page) string {
	d := document.Document{Pages: pages}
	return d.Text()
}

func TestLettreTextLayer(t *testing.T) {
	pages, atts, warnings, err := testEngine.Read(context.Background(), readCorpus(t, "formats/lettre.pdf"), Options{OCRMode: OCRAuto})
	if err != nil {
		t.Fatal(err)
	}
	if len(pages) != 1 || len(atts) != 0 || len(warnings) != 0 {
		t.Fatalf("pages=%d attachments=%d warnings=%v", len(pages), len(atts), warnings)
	}
	p := pages[0]
	if p.Number != 1 || p.Source != document.SourceTextLayer || math.Abs(p.Width-595.3) > 1 || math.Abs(p.Height-841.9) > 1 {
		t.Errorf("page = %d %s %.1f×%.1f, want 1 text_layer A4", p.Number, p.Source, p.Width, p.Height)
	}
	want := string(readCorpus(t, "formats/lettre.md"))
	if sim := testfiles.Similarity(pagesText(pages), want); sim < 0.95 {
		t.Errorf("similarity with lettre.md = %.3f, want ≥ 0.95\n%s", sim, pagesText(pages))
	} else {
		t.Logf("similarity with lettre.md = %.3f", sim)
	}
	for _, l := range p.Lines {
		for _, w := range l.Words {
			b := w.Box
			if b.X0 < 0 || b.Y0 < 0 || b.X1 > p.Width || b.Y1 > p.Height || b.X1 <= b.X0 || b.Y1 <= b.Y0 {
				t.Errorf("word %q box %+v outside the page", w.Text, b)
			}
			if strings.ContainsFunc(w.Text, unicode.IsSpace) {
				t.Errorf("word %q holds a space", w.Text)
			}
		}
	}
}

// TestWordBoxesMatchPoppler compares word boxes with those of pdftotext
// -bbox (poppler, an independent reader): same words, same place.
func TestWordBoxesMatchPoppler(t *testing.T) {
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext (poppler-utils) not installed")
	}
	for _, name := range []string{"formats/lettre.pdf", "real-misc/rib-karate-villebon.pdf", "invoices/Facture_FR_BASIC.pdf"} {
		t.Run(filepath.Base(name), func(t *testing.T) {
			data := readCorpus(t, name)
			pages, _, _, err := testEngine.Read(context.Background(), data, Options{OCRMode: OCROff})
			if err != nil {
				t.Fatal(err)
			}
			ours := map[string][]document.Box{}
			for _, l := range pages[0].Lines {
				for _, w := range l.Words {
					ours[w.Text] = append(ours[w.Text], w.Box)
				}
			}
			theirs := popplerWords(t, filepath.Join(corpus, name))
			var matched, compared int
			for _, pw := range theirs {
				boxes, ok := ours[pw.text]
				if !ok {
					continue
				}
				compared++
				for _, b := range boxes {
					// Loose glyph boxes (pdfium) and font boxes (poppler)
					// differ by a few points vertically.
					if math.Abs(b.X0-pw.box.X0) < 1.5 && math.Abs(b.X1-pw.box.X1) < 1.5 && math.Abs((b.Y0+b.Y1)/2-(pw.box.Y0+pw.box.Y1)/2) < 3 {
						matched++
						break
					}
				}
			}
			if compared < len(theirs)*8/10 || matched < compared*95/100 {
				t.Errorf("%d poppler words, %d found with the same text, %d at the same place", len(theirs), compared, matched)
			}
		})
	}
}

// popplerAttachments lists the embedded files with pdfdetach (poppler).
func popplerAttachments(t *testing.T, path string) []string {
	if _, err := exec.LookPath("pdfdetach"); err != nil {
		t.Skip("pdfdetach (poppler-utils) not installed")
	}
	out, err := exec.Command("pdfdetach", "-list", path).Output()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, line := range strings.Split(string(out), "\n") {
		if _, name, ok := strings.Cut(line, ": "); ok {
			names = append(names, name)
		}
	}
	return names
}

type popplerWord struct {
	text string
	box  document.Box
}

func popplerWords(t *testing.T, path string) []popplerWord {
	out, err := exec.Command("pdftotext", "-bbox", "-cropbox", "-f", "1", "-l", "1", path, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	var words []popplerWord
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if !strings.HasPrefix(line, "<word ") {
			continue
		}
		var b document.Box
		attr := func(name string) float64 {
			i := strings.Index(line, name+`="`)
			rest := line[i+len(name)+2:]
			v, _ := strconv.ParseFloat(rest[:strings.IndexByte(rest, '"')], 64)
			return v
		}
		b.X0, b.Y0, b.X1, b.Y1 = attr("xMin"), attr("yMin"), attr("xMax"), attr("yMax")
		text := line[strings.IndexByte(line, '>')+1 : strings.LastIndex(line, "</word>")]
		text = strings.NewReplacer("&amp;", "&", "&lt;", "<", "&gt;", ">", "&quot;", `"`, "&apos;", "'").Replace(text)
		words = append(words, popplerWord{text, b})
	}
	return words
}

// TestRotatedPages checks that word boxes are in the displayed page's
// coordinates for every /Rotate: they must cover the ink pdfium renders.
func TestRotatedPages(t *testing.T) {
	for _, rotate := range []int{0, 90, 180, 270} {
		t.Run(strconv.Itoa(rotate), func(t *testing.T) {
			data := textPDF(rotate, []string{"Facture numero 2024-118", "Total TTC 1 250,00 EUR"})
			pages, _, _, err := testEngine.Read(context.Background(), data, Options{OCRMode: OCROff})
			if err != nil {
				t.Fatal(err)
			}
			p := pages[0]
			wantW, wantH := 595.0, 842.0
			if rotate%180 == 90 {
				wantW, wantH = wantH, wantW
			}
			if p.Width != wantW || p.Height != wantH {
				t.Fatalf("size %.0f×%.0f, want %.0f×%.0f", p.Width, p.Height, wantW, wantH)
			}
			var words document.Box
			var texts []string
			for _, l := range p.Lines {
				words = words.Union(l.Box)
				for _, w := range l.Words {
					texts = append(texts, w.Text)
				}
			}
			if got := strings.Join(texts, " "); got != "Facture numero 2024-118 Total TTC 1 250,00 EUR" {
				t.Errorf("words = %q", got)
			}
			img, err := testEngine.Render(context.Background(), data, 1, 72, limits.Default())
			if err != nil {
				t.Fatal(err)
			}
			ink := inkBox(img)
			// Ink lies inside the loose boxes, which add the font's ascent
			// and descent: allow a few points.
			if ink.X0 < words.X0-2 || ink.Y0 < words.Y0-2 || ink.X1 > words.X1+2 || ink.Y1 > words.Y1+2 ||
				ink.Width() < words.Width()-8 || ink.Height() < words.Height()-8 {
				t.Errorf("words box %+v does not match the rendered ink %+v", words, ink)
			}
		})
	}
}

// inkBox is the box of the dark pixels of an image rendered at 72 dpi
// (one pixel per point).
func inkBox(img image.Image) document.Box {
	r := img.Bounds()
	box := document.Box{X0: math.Inf(1), Y0: math.Inf(1), X1: math.Inf(-1), Y1: math.Inf(-1)}
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if cr, _, _, _ := img.At(x, y).RGBA(); cr < 0x8000 {
				box.X0, box.Y0 = min(box.X0, float64(x)), min(box.Y0, float64(y))
				box.X1, box.Y1 = max(box.X1, float64(x+1)), max(box.Y1, float64(y+1))
			}
		}
	}
	return box
}

// TestOCRDecision runs the auto-mode decision on real pages.
func TestOCRDecision(t *testing.T) {
	caesar := func(c byte) rune {
		if c >= 'a' && c <= 'z' {
			return rune('a' + (c-'a'+3)%26)
		}
		return rune(c)
	}
	privateUse := func(c byte) rune {
		if c == ' ' {
			return ' '
		}
		return 0xE000 + rune(c)
	}
	prose := []string{
		"Le titulaire du marche est tenu de livrer les fournitures dans les delais prevus",
		"par le present cahier des clauses particulieres et selon les modalites definies",
		"a l article quatre pour un montant total de la commande fixe par le bon de commande",
		"les penalites de retard sont calculees par jour calendaire de retard sur le montant",
	}
	for _, tc := range []struct {
		name    string
		data    []byte
		page    int
		wantOCR bool
	}{
		{"lettre.pdf (text layer)", readCorpus(t, "formats/lettre.pdf"), 0, false},
		{"lettre-ocr.pdf (scan, no text)", readCorpus(t, "formats/lettre-ocr.pdf"), 0, true},
		{"devis 2019-06 p1 (text drawn as outlines)", readCorpus(t, "real-misc/devis-sibert-2019-06.pdf"), 0, true},
		{"devis 2019-06 p2 (text drawn as outlines)", readCorpus(t, "real-misc/devis-sibert-2019-06.pdf"), 1, true},
		{"devis 2019-07 (text layer)", readCorpus(t, "real-misc/devis-sibert-2019-07.pdf"), 0, false},
		{"checkbox.pdf (dot leaders)", readCorpus(t, "formats/checkbox.pdf"), 0, false},
		{"rib", readCorpus(t, "real-misc/rib-karate-villebon.pdf"), 0, false},
		{"invoice", readCorpus(t, "invoices/Facture_FR_BASIC.pdf"), 0, false},
		{"blank page", emptyPagesPDF(1), 0, false},
		{"generated prose", textPDF(0, prose), 0, false},
		{"font decoding to shifted letters", mappedFontPDF(caesar, prose...), 0, true},
		{"font decoding to private use", mappedFontPDF(privateUse, prose...), 0, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := pageStatsOf(t, tc.data, tc.page)
			reason := st.ocrReason()
			if (reason != "") != tc.wantOCR {
				t.Errorf("ocrReason = %q, want OCR %v (stats %+v)", reason, tc.wantOCR, st)
			}
		})
	}
}

func pageStatsOf(t *testing.T, data []byte, index int) pageStats {
	t.Helper()
	ctx := context.Background()
	s, release, err := testEngine.borrow(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	doc, _, err := openDocument(ctx, s, data, withDefaults(limits.Limits{}))
	if err != nil {
		t.Fatal(err)
	}
	pc, err := readPage(s.inst, doc, index)
	if err != nil {
		t.Fatal(err)
	}
	if pc.stats.needsObjects() {
		if err := countObjects(s.inst, doc, index, pc.geom, &pc.stats); err != nil {
			t.Fatal(err)
		}
		pc.stats.objectsRead = true
	}
	return pc.stats
}

// TestMixedDocument reads a PDF made of a text page and a scanned page:
// without OCR the scan stays empty and a warning names it.
func TestMixedDocument(t *testing.T) {
	if _, err := exec.LookPath("qpdf"); err != nil {
		t.Skip("qpdf not installed")
	}
	out := filepath.Join(t.TempDir(), "mixed.pdf")
	cmd := exec.Command("qpdf", "--empty", "--pages", filepath.Join(corpus, "formats/lettre.pdf"), filepath.Join(corpus, "formats/lettre-ocr.pdf"), filepath.Join(corpus, "formats/lettre.pdf"), "--", out)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("qpdf: %v\n%s", err, b)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, mode := range []string{OCRAuto, OCROff} {
		pages, _, warnings, err := testEngine.Read(context.Background(), data, Options{OCRMode: mode})
		if err != nil {
			t.Fatal(err)
		}
		if len(pages) != 3 {
			t.Fatalf("%d pages, want 3", len(pages))
		}
		for i, want := range []document.TextSource{document.SourceTextLayer, document.SourceNone, document.SourceTextLayer} {
			if pages[i].Source != want || pages[i].Number != i+1 {
				t.Errorf("mode %s: page %d source %q, want %q", mode, pages[i].Number, pages[i].Source, want)
			}
		}
		if len(pages[1].Lines) != 0 || len(pages[0].Lines) == 0 {
			t.Errorf("mode %s: lines per page %d, %d", mode, len(pages[0].Lines), len(pages[1].Lines))
		}
		if len(warnings) != 1 || !strings.Contains(warnings[0], "sans texte lisible") || !strings.HasSuffix(warnings[0], ": 2") {
			t.Errorf("mode %s: warnings = %q", mode, warnings)
		}
	}
}

func TestBadInputs(t *testing.T) {
	lettre := readCorpus(t, "formats/lettre.pdf")
	random := make([]byte, 20000)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range random {
		random[i] = byte(rng.Uint32())
	}
	withHeader := append([]byte("%PDF-1.7\n"), random...)
	small := limits.Default()
	small.MaxPages = 1000
	for _, tc := range []struct {
		name string
		data []byte
		code string
	}{
		{"empty", nil, document.ErrEmpty},
		{"truncated", lettre[:len(lettre)/2], document.ErrCorrupt},
		{"random bytes", random, document.ErrCorrupt},
		{"random bytes after a PDF header", withHeader, document.ErrCorrupt},
		{"encrypted", encryptedPDF(t), document.ErrEncrypted},
		{"page tree with a /Kids loop", testfiles.PDFPageTreeLoop(), document.ErrCorrupt},
		{"2,000 pages", emptyPagesPDF(2000), document.ErrPageLimit},
	} {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			pages, _, _, err := testEngine.Read(context.Background(), tc.data, Options{Limits: small})
			if got := document.ErrorCode(err); got != tc.code {
				t.Fatalf("error %v (code %s), want code %s; %d pages", err, got, tc.code, len(pages))
			}
			if !isFrench(err.Error()) {
				t.Errorf("message %q is not in French", err)
			}
			if time.Since(start) > 10*time.Second {
				t.Errorf("took %v", time.Since(start))
			}
		})
	}
}

func isFrench(msg string) bool {
	for _, w := range []string{"PDF", "page", "fichier"} {
		if strings.Contains(msg, w) {
			return true
		}
	}
	return false
}

// encryptedPDF encrypts lettre.pdf with a user password, with qpdf.
func encryptedPDF(t *testing.T) []byte {
	if _, err := exec.LookPath("qpdf"); err != nil {
		t.Skip("qpdf not installed")
	}
	out := filepath.Join(t.TempDir(), "encrypted.pdf")
	cmd := exec.Command("qpdf", "--encrypt", "secret", "owner", "256", "--", filepath.Join(corpus, "formats/lettre.pdf"), out)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("qpdf: %v\n%s", err, b)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestPageLimitAllowsExactCount(t *testing.T) {
	lim := limits.Default()
	lim.MaxPages = 30
	pages, _, _, err := testEngine.Read(context.Background(), emptyPagesPDF(30), Options{Limits: lim})
	if err != nil || len(pages) != 30 {
		t.Fatalf("%d pages, %v", len(pages), err)
	}
	lim.MaxPages = 29
	if _, _, _, err := testEngine.Read(context.Background(), emptyPagesPDF(30), Options{Limits: lim}); document.ErrorCode(err) != document.ErrPageLimit {
		t.Fatalf("err = %v, want page limit", err)
	}
}

func TestAttachments(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(corpus, "invoices/*.pdf"))
	if err != nil || len(files) == 0 {
		t.Fatal("no invoices in the corpus", err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			_, atts, _, err := testEngine.Read(context.Background(), data, Options{OCRMode: OCROff})
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, a := range atts {
				names = append(names, a.Name)
				if !bytes.Contains(a.Data, []byte("<rsm:")) {
					t.Errorf("attachment %q is not an e-invoice XML: %.60q", a.Name, a.Data)
				}
			}
			want := popplerAttachments(t, f)
			if strings.Join(names, ",") != strings.Join(want, ",") {
				t.Errorf("attachments %q, pdfdetach lists %q", names, want)
			}
			if !strings.Contains(f, "akretion") && len(names) == 0 {
				t.Errorf("no embedded XML")
			}
		})
	}
}

// TestAttachmentSizeLimit embeds a file that inflates far beyond the PDF's
// size: it is dropped with a warning, while one under the limit is kept.
func TestAttachmentSizeLimit(t *testing.T) {
	content := bytes.Repeat([]byte("<rsm:Note>bonjour</rsm:Note>\n"), 20_000) // 580 kB
	data := attachedFilePDF("factur-x.xml", content)
	lim := limits.Default()
	lim.MaxFileBytes = 100_000
	if int64(len(data)) > lim.MaxFileBytes {
		t.Fatalf("generated PDF is %d bytes", len(data))
	}
	_, atts, warnings, err := testEngine.Read(context.Background(), data, Options{OCRMode: OCROff, Limits: lim})
	if err != nil {
		t.Fatal(err)
	}
	if len(atts) != 0 || len(warnings) != 1 || !strings.Contains(warnings[0], "trop volumineux") {
		t.Errorf("attachments %d, warnings %q", len(atts), warnings)
	}
	lim.MaxFileBytes = 1 << 20
	_, atts, _, err = testEngine.Read(context.Background(), data, Options{OCRMode: OCROff, Limits: lim})
	if err != nil || len(atts) != 1 || atts[0].Name != "factur-x.xml" || !bytes.Equal(atts[0].Data, content) {
		t.Fatalf("attachments %d, %v", len(atts), err)
	}
}

func TestRender(t *testing.T) {
	data := readCorpus(t, "formats/lettre.pdf")
	for _, tc := range []struct {
		dpi        int
		wantW      int
		wantH      int
		wantCode   string
		maxPixels  int64
		renderPage int
	}{
		{dpi: 72, wantW: 596, wantH: 842, renderPage: 1},
		{dpi: 100, wantW: 827, wantH: 1170, renderPage: 1},
		{dpi: 300, wantW: 2481, wantH: 3508, renderPage: 1},
		{dpi: 300, maxPixels: 1_000_000, wantCode: document.ErrPixelLimit, renderPage: 1},
		{dpi: 72, wantCode: document.ErrUnsupported, renderPage: 2},
	} {
		t.Run(fmt.Sprintf("%ddpi-page%d-max%d", tc.dpi, tc.renderPage, tc.maxPixels), func(t *testing.T) {
			lim := limits.Default()
			if tc.maxPixels > 0 {
				lim.MaxPixels = tc.maxPixels
			}
			img, err := testEngine.Render(context.Background(), data, tc.renderPage, tc.dpi, lim)
			if tc.wantCode != "" {
				if document.ErrorCode(err) != tc.wantCode {
					t.Fatalf("err = %v, want %s", err, tc.wantCode)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if b := img.Bounds(); b.Dx() != tc.wantW || b.Dy() != tc.wantH {
				t.Errorf("size %d×%d, want %d×%d", b.Dx(), b.Dy(), tc.wantW, tc.wantH)
			}
			// White paper, black text.
			if r, _, _, a := img.At(0, 0).RGBA(); r != 0xffff || a != 0xffff {
				t.Errorf("corner pixel %v, want opaque white", img.At(0, 0))
			}
			if ink := inkBox(img); ink.Width() < float64(tc.wantW)/3 {
				t.Errorf("ink box %+v: page looks blank", ink)
			}
		})
	}
}

func TestOCRDPI(t *testing.T) {
	lim := limits.Default()
	for _, tc := range []struct {
		w, h      float64
		maxPixels int64
		want      int
		wantErr   bool
	}{
		{595, 842, 60_000_000, 300, false},   // A4 fits at 300 dpi
		{2384, 3370, 60_000_000, 196, false}, // A0 is lowered
		{595, 842, 1_000_000, 101, false},
		{595, 842, 500_000, 0, true},        // below 100 dpi: refused
		{14400, 14400, 60_000_000, 0, true}, // 200 in × 200 in
	} {
		lim.MaxPixels = tc.maxPixels
		got, err := ocrDPI(tc.w, tc.h, lim)
		if (err != nil) != tc.wantErr || got != tc.want {
			t.Errorf("ocrDPI(%v×%v, %d) = %d, %v; want %d", tc.w, tc.h, tc.maxPixels, got, err, tc.want)
		}
		if err == nil {
			pw, ph := pixelSize(tc.w, tc.h, got)
			if pw*ph > tc.maxPixels {
				t.Errorf("%d dpi gives %d pixels", got, pw*ph)
			}
			if pw, ph := pixelSize(tc.w, tc.h, got+1); got < lim.RenderDPI && pw*ph <= tc.maxPixels {
				t.Errorf("%d dpi is not the highest that fits", got)
			}
		}
	}
}

// TestPageTimeout stops a render that takes longer than the page timeout,
// and checks the engine goes on working afterwards.
func TestPageTimeout(t *testing.T) {
	data := readCorpus(t, "real-misc/devis-sibert-2019-06.pdf")
	lim := limits.Default()
	lim.PageTimeout = 5 * time.Millisecond
	start := time.Now()
	_, err := testEngine.Render(context.Background(), data, 1, 600, lim)
	if document.ErrorCode(err) != document.ErrTimeout {
		t.Fatalf("err = %v, want timeout", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("stopped after %v", d)
	}
	pages, _, _, err := testEngine.Read(context.Background(), readCorpus(t, "formats/lettre.pdf"), Options{})
	if err != nil || len(pages) != 1 || len(pages[0].Lines) == 0 {
		t.Fatalf("after a timeout: %d pages, %v", len(pages), err)
	}
	// A context that is already over stops Read before any work.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, _, err := testEngine.Read(ctx, data, Options{}); document.ErrorCode(err) != document.ErrTimeout {
		t.Fatalf("cancelled context: err = %v", err)
	}
}

// TestConcurrentReads reads many files from several goroutines and
// compares with sequential reads (run with -race).
func TestConcurrentReads(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(corpus, "invoices/*.pdf"))
	files = append(files[:min(len(files), 8)], filepath.Join(corpus, "formats/lettre.pdf"))
	want := map[string]string{}
	for _, f := range files {
		data, _ := os.ReadFile(f)
		pages, _, _, err := testEngine.Read(context.Background(), data, Options{OCRMode: OCROff})
		if err != nil {
			t.Fatal(err)
		}
		want[f] = pagesText(pages)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 4*len(files))
	for g := range 4 {
		wg.Go(func() {
			for i := range files {
				f := files[(i+g)%len(files)]
				data, _ := os.ReadFile(f)
				pages, _, _, err := testEngine.Read(context.Background(), data, Options{OCRMode: OCROff})
				if err != nil {
					errs <- err
					return
				}
				if got := pagesText(pages); got != want[f] {
					errs <- fmt.Errorf("%s: concurrent read differs", f)
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestTextLimit(t *testing.T) {
	lim := limits.Default()
	lim.MaxTextBytes = 100
	lines := make([]string, 10)
	for i := range lines {
		lines[i] = "mot mot mot" // 12 bytes a line, as counted
	}
	pages, _, warnings, err := testEngine.Read(context.Background(), textPDF(0, lines, []string{"seconde page"}), Options{Limits: lim})
	if err != nil {
		t.Fatal(err)
	}
	if len(pages) != 1 || len(pages[0].Lines) != 8 || len(warnings) != 1 || !strings.Contains(warnings[0], "tronqué") {
		t.Errorf("%d pages, %d lines, warnings %q", len(pages), len(pages[0].Lines), warnings)
	}
}
