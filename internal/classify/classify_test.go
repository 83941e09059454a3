package classify

import (
	"embed"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/depenses-eclairees/depenses/internal/document"
)

//go:embed testdata/heldout/*.txt testdata/hard/*.txt
var heldoutFS embed.FS

// corpusDir is the shared corpus, read in place (see its README).
func corpusDir(t testing.TB) string {
	dir := os.Getenv("DEPENSES_CORPUS")
	if dir == "" {
		dir = filepath.Join("..", "..", "..", "shared", "corpus")
	}
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("corpus absent (%s): set DEPENSES_CORPUS", dir)
	}
	return dir
}

// pdfDoc reads the first pages of a PDF with `pdftotext -layout`, one Line
// per printed line: the shape document.Line.Text gives the classifier.
func pdfDoc(t testing.TB, file string) *document.Document {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext absent (poppler-utils)")
	}
	out, err := exec.Command("pdftotext", "-layout", "-l", "3", file, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext %s: %v", file, err)
	}
	doc := &document.Document{Name: file}
	for i, page := range strings.Split(strings.TrimRight(string(out), "\f"), "\f") {
		p := document.Page{Number: i + 1}
		for _, l := range strings.Split(page, "\n") {
			if strings.TrimSpace(l) != "" {
				p.Lines = append(p.Lines, document.Line{Words: []document.Word{{Text: l, Confidence: 1}}})
			}
		}
		doc.Pages = append(doc.Pages, p)
	}
	return doc
}

type corpusCase struct {
	file string
	want string
	doc  *document.Document
}

// corpusCases lists the corpus documents with a known type: the gold files,
// and the lettre de mission (a devis cue in DOMAIN.md §5: it states a price).
func corpusCases(t testing.TB) []corpusCase {
	dir := corpusDir(t)
	corpusOnce.Do(func() { corpusCache = readCorpus(t, dir) })
	if len(corpusCache) < 25 {
		t.Fatalf("only %d corpus documents found in %s", len(corpusCache), dir)
	}
	return corpusCache
}

var (
	corpusOnce  sync.Once
	corpusCache []corpusCase
)

func readCorpus(t testing.TB, dir string) []corpusCase {
	var cases []corpusCase
	golds, _ := filepath.Glob(filepath.Join(dir, "invoices", "*.gold.json"))
	more, _ := filepath.Glob(filepath.Join(dir, "real-misc", "*.gold.json"))
	for _, g := range append(golds, more...) {
		data, err := os.ReadFile(g)
		if err != nil {
			t.Fatal(err)
		}
		var gold struct {
			DocumentType string `json:"document_type"`
		}
		if err := json.Unmarshal(data, &gold); err != nil {
			t.Fatalf("%s: %v", g, err)
		}
		pdf := strings.TrimSuffix(g, ".gold.json") + ".pdf"
		cases = append(cases, corpusCase{file: pdf, want: gold.DocumentType, doc: pdfDoc(t, pdf)})
	}
	lettre := filepath.Join(dir, "formats", "lettre.pdf")
	cases = append(cases, corpusCase{file: lettre, want: Devis, doc: pdfDoc(t, lettre)})
	md, err := os.ReadFile(filepath.Join(dir, "formats", "lettre.md"))
	if err != nil {
		t.Fatal(err)
	}
	cases = append(cases, corpusCase{file: filepath.Join(dir, "formats", "lettre.md"), want: Devis, doc: docFromText(string(md))})
	// The first devis has no text layer (vector outlines): its OCR text is
	// kept in testdata (see testdata/SOURCES).
	for i := range cases {
		if len(cases[i].doc.Text()) > len(cases[i].doc.Pages) {
			continue
		}
		ocr := filepath.Join("testdata", "ocr", strings.TrimSuffix(filepath.Base(cases[i].file), ".pdf")+".p1.txt")
		if data, err := os.ReadFile(ocr); err == nil {
			cases[i].doc = docFromText(string(data))
		}
	}
	return cases
}

// TestCorpus classifies every real document twice: with its file name,
// and under a neutral name, so that the text alone must decide.
func TestCorpus(t *testing.T) {
	cases := corpusCases(t)
	var okNamed, okText int
	for _, c := range cases {
		name := filepath.Base(c.file)
		named := Classify(Input{FileName: name, Doc: c.doc})
		anon := Classify(Input{FileName: "piece_jointe.pdf", Doc: c.doc})
		if named.Type == c.want {
			okNamed++
		} else {
			t.Errorf("%s: type %q (%.2f, %s), attendu %q", name, named.Type, named.Confidence, named.Evidence, c.want)
		}
		if anon.Type == c.want {
			okText++
		} else {
			t.Errorf("%s (sans nom): type %q (%.2f, %s), attendu %q", name, anon.Type, anon.Confidence, anon.Evidence, c.want)
		}
		if named.Evidence == "" {
			t.Errorf("%s: no evidence", name)
		}
		t.Logf("%-45s %-16s %.3f  %s", name, named.Type, named.Confidence, named.Evidence)
	}
	t.Logf("corpus accuracy: %d/%d with file names, %d/%d on text alone", okNamed, len(cases), okText, len(cases))
}

func heldoutSnippets(t testing.TB) []snippet {
	return snippetsIn(t, "testdata/heldout")
}

// hardSnippets have no title, OCR-like misspellings or English wording.
func hardSnippets(t testing.TB) []snippet {
	return snippetsIn(t, "testdata/hard")
}

func snippetsIn(t testing.TB, dir string) []snippet {
	set, err := loadSnippets(heldoutFS, dir)
	if err != nil {
		t.Fatal(err)
	}
	return set
}

// TestHeldOut measures accuracy on snippets written apart from the training
// ones, and checks that none was copied from the training set.
func TestHeldOut(t *testing.T) {
	train, err := loadSnippets(trainingFS, "training")
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, s := range train {
		for _, l := range strings.Split(s.text, "\n") {
			if len(l) > 30 {
				seen[l] = true
			}
		}
	}
	for _, set := range []struct {
		name    string
		snips   []snippet
		minimum float64
	}{
		{"held-out", heldoutSnippets(t), 0.95},
		{"hard held-out", hardSnippets(t), 0.8},
	} {
		ok := 0
		for _, s := range set.snips {
			for _, l := range strings.Split(s.text, "\n") {
				if seen[l] {
					t.Errorf("held-out line copied from training: %q", l)
				}
			}
			r := Classify(Input{FileName: s.name, Doc: docFromText(s.text)})
			if r.Type == s.typ {
				ok++
			} else {
				t.Logf("MISS %s → %s (%.2f) %s | %q", s.typ, r.Type, r.Confidence, r.Evidence, firstLine(s.text))
			}
		}
		acc := float64(ok) / float64(len(set.snips))
		t.Logf("%s accuracy: %d/%d = %.3f", set.name, ok, len(set.snips), acc)
		if acc < set.minimum {
			t.Errorf("%s accuracy %.3f < %.2f", set.name, acc, set.minimum)
		}
	}
}

// TestModelAlone checks that the statistical half earns its place: without
// cues, the naive Bayes model must still find most held-out types.
func TestModelAlone(t *testing.T) {
	m, err := trainedModel()
	if err != nil {
		t.Fatal(err)
	}
	ok, n := 0, 0
	for _, s := range heldoutSnippets(t) {
		v := newView(Input{Doc: docFromText(s.text)})
		if len(v.tokens) == 0 {
			continue
		}
		ll, _ := m.logLikelihoods(v, nil)
		best := 0
		for i := range ll {
			if ll[i] > ll[best] {
				best = i
			}
		}
		n++
		if Types[best] == s.typ {
			ok++
		}
	}
	acc := float64(ok) / float64(n)
	t.Logf("naive Bayes alone on held-out: %d/%d = %.3f (%d training snippets)", ok, n, acc, m.n)
	if acc < 0.6 {
		t.Errorf("model alone %.3f < 0.6", acc)
	}
}

// TestCalibration reports confidence against accuracy over the held-out
// snippets and the corpus, and checks that high confidence means right.
func TestCalibration(t *testing.T) {
	type obs struct {
		conf float64
		ok   bool
	}
	var all []obs
	for _, s := range append(heldoutSnippets(t), hardSnippets(t)...) {
		r := Classify(Input{FileName: s.name, Doc: docFromText(s.text)})
		all = append(all, obs{r.Confidence, r.Type == s.typ})
	}
	if _, err := os.Stat(filepath.Join("..", "..", "..", "shared", "corpus")); err == nil || os.Getenv("DEPENSES_CORPUS") != "" {
		for _, c := range corpusCases(t) {
			r := Classify(Input{FileName: "piece_jointe.pdf", Doc: c.doc})
			all = append(all, obs{r.Confidence, r.Type == c.want})
		}
	}
	bins := []float64{0, 0.5, 0.7, 0.9, 1.01}
	for b := 0; b+1 < len(bins); b++ {
		var n, ok int
		var sum float64
		for _, o := range all {
			if o.conf >= bins[b] && o.conf < bins[b+1] {
				n++
				sum += o.conf
				if o.ok {
					ok++
				}
			}
		}
		if n == 0 {
			continue
		}
		t.Logf("confidence [%.1f, %.1f): %3d documents, mean confidence %.3f, accuracy %.3f", bins[b], math.Min(bins[b+1], 1), n, sum/float64(n), float64(ok)/float64(n))
		if bins[b] >= 0.9 && float64(ok)/float64(n) < 0.95 {
			t.Errorf("confidence ≥ 0.9 but accuracy %.3f", float64(ok)/float64(n))
		}
	}
}

// TestPrecedence covers the traps the brief lists: documents that quote
// the name of another type.
func TestPrecedence(t *testing.T) {
	cases := []struct {
		name, text, want string
	}{
		{"avoir quoting its invoice", "Société Delta\nAvoir n° AV-12\nFacture liée : F-2024-001\nDate de facture : 12/01/2024\nTotal TTC -120,00", Avoir},
		{"invoice citing a purchase order", "FACTURE n° 2024-18\nBon de commande n° 1300012345\nDate d'échéance : 30/04\nTotal TTC 1 200,00", Facture},
		{"invoice with order block on top", "Bon de commande : 4500011223      Date : 02/03/2024\nFACTURE N° F-88\nTotal HT 100,00 TVA 20,00 TTC 120,00\nDate d'échéance 02/04/2024", Facture},
		{"quote with bon pour accord", "DEVIS n° 45\nPrestation de nettoyage\nTotal TTC 960,00\nBon pour accord, date et signature", Devis},
		{"quote valant bon de commande", "Devis valant bon de commande\nRéf. D-778\nMontant HT 2 000\nDevis valable 30 jours", Devis},
		{"acte d'engagement citing CCAP and CCTP", "ACTE D'ENGAGEMENT\nLe titulaire s'engage à exécuter les prestations conformément au CCAP et au CCTP.\nCompte à crédite : IBAN FR76 ...", ActeEngagement},
		{"short RIB", "IBAN FR76 3000 4008 2300 0123 4567 852\nBIC BNPAFRPPXXX\nTitulaire du compte : SARL X", RIB},
		{"invoice carrying its IBAN", "FACTURE N° 12\nTotal TTC 600,00 €\nRèglement par virement : IBAN FR76 3000 4008 2300 0123 4567 852 BIC BNPAFRPP", Facture},
		{"avenant to the acte d'engagement", "AVENANT N° 1 À L'ACTE D'ENGAGEMENT\nObjet de l'avenant : prolongation\nIncidence financière : néant", Avenant},
		{"CCTP quoting the CCAP", "CAHIER DES CLAUSES TECHNIQUES PARTICULIÈRES\nLes pénalités sont fixées au CCAP.\nArticle 1 - Objet", CCTP},
		{"English invoice", "Invoice VT/2022/0001\nInvoice Date: 21/09/2022\nTotal 1,810.80 €", Facture},
		{"English purchase order", "PURCHASE ORDER: PO123\nBUYER: X\nSELLER: Y\nDelivery date 03/04", BonDeCommande},
		{"mail forwarding a quote", "De : a@b.fr\nEnvoyé : lundi 3 juin 2024\nÀ : c@d.fr\nObjet : TR: devis 2024-12\nBonjour, voici le devis.", Mail},
		{"verb avoir is no credit note", "Avoir recours à un prestataire externe\nNote de cadrage du projet\nContexte et objectifs", Autre},
		{"empty", "", Autre},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := Classify(Input{FileName: "document.pdf", Doc: docFromText(c.text)})
			if r.Type != c.want {
				t.Errorf("type %q (%.2f, %s), attendu %q", r.Type, r.Confidence, r.Evidence, c.want)
			}
		})
	}
}

func TestFileNames(t *testing.T) {
	cases := []struct{ name, want string }{
		{"DEVIS_2026_041.pdf", Devis},
		{"AE signé.pdf", ActeEngagement},
		{"0123456789_2_cctp.pdf", CCTP},
		{"1300012345_1_Facture_F2024-018.pdf", Facture},
		{"/tmp/x/RIB Delta.pdf", RIB},
		{"Kbis-2024.pdf", Kbis},
		{"attestation_urssaf.pdf", AttSociale},
		{"DC4_soustraitant.pdf", SousTraitance},
		{"BPU lot 2.xlsx", BordereauPrix},
		{"RE_ commande.eml", Mail},
		{"scan_0001.pdf", Autre},
		{"", Autre},
		{"0123456789_2_.pdf", Autre},
	}
	for _, c := range cases {
		r := Classify(Input{FileName: c.name})
		if r.Type != c.want {
			t.Errorf("%q: type %q (%.2f, %s), attendu %q", c.name, r.Type, r.Confidence, r.Evidence, c.want)
		}
	}
}

func TestStripEJPrefix(t *testing.T) {
	cases := map[string]string{
		"0123456789_2_cctp": "cctp",
		"0123456789_cctp":   "cctp",
		"012345678_2_cctp":  "012345678_2_cctp",
		"cctp":              "cctp",
		"0123456789_12_":    "",
	}
	for in, want := range cases {
		if got := stripEJPrefix(in); got != want {
			t.Errorf("stripEJPrefix(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestTitleNeedsBoxes checks prominence: a title printed large lower on the
// cover page (outside the first lines) still counts as a title.
func TestTitleNeedsBoxes(t *testing.T) {
	var lines []document.Line
	y := 40.0
	add := func(text string, h float64) {
		lines = append(lines, document.Line{Words: []document.Word{{Text: text, Box: document.Box{X0: 50, Y0: y, X1: 50 + 6*float64(len(text)), Y1: y + h}}}, Box: document.Box{X0: 50, Y0: y, X1: 50 + 6*float64(len(text)), Y1: y + h}})
		y += h + 4
	}
	for i := range 24 {
		add(fmt.Sprintf("Ligne d'en-tête administrative numéro %d", i), 10)
	}
	add("Marché de prestations intellectuelles", 22)
	add("Règlement de la consultation", 22)
	for range 5 {
		add("texte courant sans indice particulier", 10)
	}
	doc := &document.Document{Pages: []document.Page{{Number: 1, Width: 595, Height: 842, Lines: lines}}}
	r := Classify(Input{Doc: doc})
	if r.Type != ReglementConsultation || !strings.Contains(r.Evidence, "titre") {
		t.Errorf("got %q (%s)", r.Type, r.Evidence)
	}
}

func TestResultInvariants(t *testing.T) {
	for _, s := range heldoutSnippets(t) {
		r := Classify(Input{FileName: s.name, Doc: docFromText(s.text)})
		if _, ok := typeIndex[r.Type]; !ok || r.Confidence < 0 || r.Confidence > 1 || r.Evidence == "" {
			t.Errorf("bad result %+v", r)
		}
		ranked := Ranked(Input{FileName: s.name, Doc: docFromText(s.text)})
		var sum float64
		for i, sc := range ranked {
			sum += sc.Probability
			if i > 0 && sc.Probability > ranked[i-1].Probability {
				t.Fatal("Ranked not sorted")
			}
		}
		if math.Abs(sum-1) > 1e-9 || len(ranked) != len(Types) {
			t.Errorf("Ranked sums to %v over %d types", sum, len(ranked))
		}
	}
}

func TestTypesCoverContract(t *testing.T) {
	contract := "devis facture avoir bon_de_commande acte_engagement avenant ccap cctp ccp reglement_consultation memoire_technique bordereau_prix decomposition_prix detail_quantitatif_estimatif fiche_navette rib kbis att_sirene att_fiscale att_sociale sous_traitance lettre_candidature_dc1 lettre_candidature_dc2 notification ordre_service service_fait avis_marche rapport_analyse_offre mail cv autre"
	for _, typ := range strings.Fields(contract) {
		if _, ok := typeIndex[typ]; !ok {
			t.Errorf("contract type %q missing", typ)
		}
	}
	// Every type but autre has training snippets and a held-out one.
	train, _ := loadSnippets(trainingFS, "training")
	count := map[string]int{}
	for _, s := range train {
		count[s.typ]++
	}
	held := map[string]int{}
	for _, s := range heldoutSnippets(t) {
		held[s.typ]++
	}
	var report []string
	for _, typ := range Types {
		if count[typ] < 5 || held[typ] == 0 {
			t.Errorf("type %s: %d training snippets, %d held-out", typ, count[typ], held[typ])
		}
		report = append(report, fmt.Sprintf("%s=%d", typ, count[typ]))
	}
	sort.Strings(report)
	t.Logf("training snippets: %s", strings.Join(report, " "))
}

func firstLine(s string) string {
	l, _, _ := strings.Cut(s, "\n")
	return l
}

// BenchmarkClassify runs on documents already read: the short snippets,
// and the corpus documents (full pages of layout text).
func BenchmarkClassify(b *testing.B) {
	var snippets, corpus []Input
	for _, s := range append(heldoutSnippets(b), hardSnippets(b)...) {
		snippets = append(snippets, Input{FileName: s.name, Doc: docFromText(s.text)})
	}
	for _, c := range corpusCases(b) {
		corpus = append(corpus, Input{FileName: filepath.Base(c.file), Doc: c.doc})
	}
	Classify(snippets[0]) // train once, outside the timing
	for _, set := range []struct {
		name string
		docs []Input
	}{{"snippets", snippets}, {"corpus", corpus}} {
		b.Run(set.name, func(b *testing.B) {
			for i := 0; b.Loop(); i++ {
				Classify(set.docs[i%len(set.docs)])
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "docs/s")
		})
	}
}

// FuzzClassify feeds arbitrary names and text, laid out with arbitrary
// line heights (NaN and infinities included).
func FuzzClassify(f *testing.F) {
	for _, s := range heldoutSnippets(f) {
		f.Add(s.name, s.text, 12.0)
	}
	f.Add("0123456789_2_.pdf", "De :\nÀ :\nObjet :", 0.0)
	f.Add("", "\x00\xff\xfe   \t\t\t ÉÉÉ ﬁ œ\nTotal   -", math.NaN())
	f.Add("a.eml", strings.Repeat("FACTURE AVOIR ", 5000), math.Inf(1))
	f.Fuzz(func(t *testing.T, name, text string, h float64) {
		doc := docFromText(text)
		for i := range doc.Pages[0].Lines {
			l := &doc.Pages[0].Lines[i]
			y := float64(i) * 14
			l.Box = document.Box{X0: 10, Y0: y, X1: 300, Y1: y + h*float64(i%3+1)}
			l.Words[0].Box = l.Box
		}
		r := Classify(Input{FileName: name, Doc: doc})
		if _, ok := typeIndex[r.Type]; !ok || math.IsNaN(r.Confidence) || r.Confidence < 0 || r.Confidence > 1 || r.Evidence == "" {
			t.Fatalf("bad result %+v", r)
		}
	})
}

func TestOCRFix(t *testing.T) {
	cases := map[string]string{
		"b0n": "bon", "c0mmande": "commande", "dev1s": "devis", "re1eve": "releve", "fact5": "fact5",
		"dc1": "dc1", "attri1": "attri1", "f2024": "f2024", "a1b": "a1b", "av2017": "av2017",
	}
	for in, want := range cases {
		if got := ocrFix(in); got != want {
			t.Errorf("ocrFix(%q) = %q, want %q", in, got, want)
		}
	}
}
