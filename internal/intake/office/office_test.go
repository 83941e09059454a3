package office

import (
	"archive/zip"
	"bytes"
	"context"
	"github.com/depenses-eclairees/depenses/internal/testfiles"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"

	"github.com/depenses-eclairees/depenses/internal/document"
	"github.com/depenses-eclairees/depenses/internal/intake/limits"
)

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// needLibreOffice skips a test that converts a legacy file when
// LibreOffice is not installed; CI installs it.
func needLibreOffice(t *testing.T) {
	t.Helper()
	if findSoffice() == "" {
		t.Skip("LibreOffice absent : apt-get install libreoffice-writer-nogui libreoffice-calc-nogui")
	}
}

func mustRead(t *testing.T, data []byte, kind Kind) ([]document.Page, []string) {
	t.Helper()
	pages, warnings, err := Read(context.Background(), data, kind, limits.Default())
	if err != nil {
		t.Fatalf("Read(%s): %v", kind, err)
	}
	checkGeometry(t, pages)
	return pages, warnings
}

// checkGeometry checks the synthetic layout every reader must give: pages
// numbered from 1, office source, words on the 6×14 pt grid inside the page.
func checkGeometry(t testing.TB, pages []document.Page) {
	t.Helper()
	for i, p := range pages {
		if p.Number != i+1 || p.Source != document.SourceOffice {
			t.Fatalf("page %d: number %d source %q", i+1, p.Number, p.Source)
		}
		if p.Width < pageWidth || p.Height < pageHeight {
			t.Fatalf("page %d: size %gx%g smaller than A4", p.Number, p.Width, p.Height)
		}
		prevY := -1.0
		for _, l := range p.Lines {
			if len(l.Words) == 0 {
				t.Fatalf("page %d: empty line", p.Number)
			}
			if l.Box.Y0 <= prevY {
				t.Fatalf("page %d: lines not top to bottom (%g after %g)", p.Number, l.Box.Y0, prevY)
			}
			prevY = l.Box.Y0
			prevX := -1.0
			for _, w := range l.Words {
				b := w.Box
				if w.Text == "" || strings.ContainsAny(w.Text, " \t\n") {
					t.Fatalf("page %d: bad word %q", p.Number, w.Text)
				}
				if b.X0 <= prevX || b.X1 > p.Width || b.Y1 > p.Height || b.Y0 != l.Box.Y0 || b.Height() != glyphHeight {
					t.Fatalf("page %d: word %q box %+v out of place (page %gx%g)", p.Number, w.Text, b, p.Width, p.Height)
				}
				if got, want := b.Width(), float64(utf8.RuneCountInString(w.Text))*charWidth; got != want {
					t.Fatalf("word %q width %g, want %g", w.Text, got, want)
				}
				if int(b.X0)%int(charWidth) != 0 || int(b.Y0)%int(lineStep) != 0 {
					t.Fatalf("word %q box %+v not on the 6×14 grid", w.Text, b)
				}
				prevX = b.X0
			}
		}
	}
}

func pageLines(p document.Page) []string {
	var out []string
	for _, l := range p.Lines {
		out = append(out, l.Text())
	}
	return out
}

func allText(pages []document.Page) string {
	d := document.Document{Pages: pages}
	return d.Text()
}

func TestLettre(t *testing.T) {
	want := string(readTestdata(t, "lettre.md"))
	tests := []struct {
		file   string
		kind   Kind
		legacy bool
	}{
		{"lettre.docx", KindDOCX, false},
		{"lettre.odt", KindODT, false},
		{"lettre.doc", KindDOC, true},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			if tc.legacy {
				needLibreOffice(t)
			}
			pages, _ := mustRead(t, readTestdata(t, tc.file), tc.kind)
			got := allText(pages)
			if s := testfiles.Similarity(got, want); s < 0.95 {
				t.Fatalf("similarity %.3f < 0.95; got:\n%s", s, got)
			}
			// The signature block keeps its two columns apart.
			if !strings.Contains(got, "Jean Dupont                      Sophie Martin") {
				t.Errorf("signature columns lost:\n%s", got)
			}
		})
	}
}

// TestSpreadsheets checks sheet names and cell values read by hand from
// the files' XML (`unzip -p`) and from LibreOffice's CSV export of the XLS.
func TestSpreadsheets(t *testing.T) {
	calc := [][]string{{"Feuille : Sheet1", "Hello   world", "2"}}
	calcODS := [][]string{{"Feuille : Sheet1", "hello   world", "2"}}
	sample := [][]string{
		{"Feuille : Feuille1", "Titre fusionné", "Col A            Col B", "Ligne 1          10", "Ligne 2          20", "Total"},
		{"Feuille : Feuille2", "Section   V1", "V2", "V3", "Fin"},
	}
	tests := []struct {
		file   string
		kind   Kind
		legacy bool
		want   [][]string
	}{
		{"calc.xlsx", KindXLSX, false, calc},
		{"calc.ods", KindODS, false, calcODS},
		{"calc.xls", KindXLS, true, calc},
		{"sample.xlsx", KindXLSX, false, sample},
		{"sample.ods", KindODS, false, sample},
		{"sample.xls", KindXLS, true, sample},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			if tc.legacy {
				needLibreOffice(t)
			}
			pages, _ := mustRead(t, readTestdata(t, tc.file), tc.kind)
			if len(pages) != len(tc.want) {
				t.Fatalf("%d pages, want %d (one per sheet)", len(pages), len(tc.want))
			}
			for i, want := range tc.want {
				got := pageLines(pages[i])
				if strings.Join(got, "\n") != strings.Join(want, "\n") {
					t.Errorf("sheet %d:\n got %q\nwant %q", i+1, got, want)
				}
			}
		})
	}
	// Merged cells keep their place: V2 and V3 stand in column B, under V1.
	pages, _ := mustRead(t, readTestdata(t, "sample.xlsx"), KindXLSX)
	lines := pages[1].Lines
	if lines[1].Words[1].Box.X0 != lines[2].Words[0].Box.X0 {
		t.Errorf("V2 at x=%g, V1 at x=%g: columns not aligned", lines[2].Words[0].Box.X0, lines[1].Words[1].Box.X0)
	}
}

// TestCheckbox: checkbox.docx has legacy FORMCHECKBOX fields; their
// w:default values (1, 0, 1, 0, …) read from word/document.xml.
func TestCheckbox(t *testing.T) {
	pages, _ := mustRead(t, readTestdata(t, "checkbox.docx"), KindDOCX)
	text := allText(pages)
	for _, want := range []string{
		"☒ Le signataire (Candidat individuel),",
		"☐ m’engage sur la base de mon offre et pour mon propre compte ;",
		"☒ engage la société",
		"☐ Le mandataire (Candidat groupé),",
		"☐ du groupement solidaire",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("missing %q in:\n%s", want, text)
		}
	}
	// The tab-separated label/value pairs stay apart as columns.
	if !strings.Contains(text, "Numéro de SIRET ..............................................................   Code APE") {
		t.Errorf("tabbed columns merged:\n%s", text)
	}
}

func TestPlainFiles(t *testing.T) {
	tests := []struct {
		file string
		kind Kind
		want []string
	}{
		{"hello.txt", KindTXT, []string{"hello"}},
		{"hello.xml", KindXML, []string{"Tove", "Jani", "Reminder", "Don't forget me this weekend!"}},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			pages, _ := mustRead(t, readTestdata(t, tc.file), tc.kind)
			if len(pages) != 1 {
				t.Fatalf("%d pages", len(pages))
			}
			if got := pageLines(pages[0]); strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func encodeLatin1(t *testing.T, s string) []byte {
	t.Helper()
	b, err := charmap.ISO8859_1.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestTextEncodings(t *testing.T) {
	utf16le, _ := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().Bytes([]byte("Échéance : 30 jours\nMontant : 1 250,00 €"))
	utf16be, _ := unicode.UTF16(unicode.BigEndian, unicode.UseBOM).NewEncoder().Bytes([]byte("Échéance : 30 jours\nMontant : 1 250,00 €"))
	noBOM16, _ := unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM).NewEncoder().Bytes([]byte("Facture 2026-04\nTotal TTC : 120,00"))
	cp1252, _ := charmap.Windows1252.NewEncoder().Bytes([]byte("Montant : 1 250,00 €\nÉchéance"))
	tests := []struct {
		name string
		data []byte
		want []string
	}{
		{"utf8", []byte("Échéance : 30 jours\r\nMontant : 1 250,00 €"), []string{"Échéance : 30 jours", "Montant : 1 250,00 €"}},
		{"utf8-bom", append([]byte{0xEF, 0xBB, 0xBF}, "Réf. 42"...), []string{"Réf. 42"}},
		{"utf16le-bom", utf16le, []string{"Échéance : 30 jours", "Montant : 1 250,00 €"}},
		{"utf16be-bom", utf16be, []string{"Échéance : 30 jours", "Montant : 1 250,00 €"}},
		{"utf16le-nobom", noBOM16, []string{"Facture 2026-04", "Total TTC : 120,00"}},
		{"latin1", encodeLatin1(t, "Désignation : câble\rQuantité : 3"), []string{"Désignation : câble", "Quantité : 3"}},
		{"cp1252-euro", cp1252, []string{"Montant : 1 250,00 €", "Échéance"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			pages, _ := mustRead(t, tc.data, KindTXT)
			if got := pageLines(pages[0]); strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestTXTFormFeed(t *testing.T) {
	pages, _ := mustRead(t, []byte("page un\n\fpage deux\n\f\fpage trois"), KindTXT)
	if len(pages) != 3 {
		t.Fatalf("%d pages, want 3", len(pages))
	}
	if got := pageLines(pages[2]); len(got) != 1 || got[0] != "page trois" {
		t.Errorf("page 3: %q", got)
	}
}

func TestCSV(t *testing.T) {
	latin1 := encodeLatin1(t, "Désignation;Quantité;Prix unitaire HT\r\nCâble réseau « cat 6 »;3;12,50\r\n\"Écran; 24 pouces\";1;189,90\r\n")
	tests := []struct {
		name string
		data []byte
		want []string
	}{
		{"latin1-semicolon", latin1, []string{
			"Désignation              Quantité   Prix unitaire HT",
			"Câble réseau « cat 6 »   3          12,50",
			"Écran; 24 pouces         1          189,90",
		}},
		{"comma", []byte("code,libellé,montant\n101,\"Fournitures, papeterie\",\"1 250,00\"\n"), []string{
			"code   libellé                  montant",
			"101    Fournitures, papeterie   1 250,00",
		}},
		{"tab", []byte("EJ\tPoste\tMontant\n1300012345\t10\t500,00\n"), []string{
			"EJ           Poste   Montant",
			"1300012345   10      500,00",
		}},
		{"empty-rows-and-cells", []byte("a;;c\n;;\n\nd;e;\n"), []string{
			"a       c",
			"d   e",
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			pages, _ := mustRead(t, tc.data, KindCSV)
			if got := pageLines(pages[0]); strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}

func TestHTML(t *testing.T) {
	latin1 := encodeLatin1(t, `<html><head><meta charset="iso-8859-1"><title>Devis</title></head><body><p>Référence : DV-12</p></body></html>`)
	tests := []struct {
		name string
		data []byte
		want []string
	}{
		{"blocks-tables-scripts", []byte(`<!DOCTYPE html><html><head><title>Bon de commande</title>
<style>p { color: red }</style><script>var x = "<p>caché</p>";</script></head>
<body><h1>Bon de commande n° 2026-17</h1>
<p>Fournisseur&nbsp;: ACME &amp; Fils<br>75001 Paris</p>
<div>Objet : <b>maintenance</b> <i>annuelle</i></div>
<table><tr><th>Désignation</th><th>Qté</th><th>Montant HT</th></tr>
<tr><td>Contrat de maintenance</td><td>1</td><td>1 200,00 €</td></tr>
<tr><td colspan="2">Total</td><td>1 200,00 €</td></tr></table>
<ul><li>Livraison sous 30 jours<li>Paiement à 30 jours</ul>
<p><input type="checkbox" checked> Urgent <input type="checkbox"> Normal</p>
<noscript>activez JavaScript</noscript></body></html>`), []string{
			"Bon de commande",
			"Bon de commande n° 2026-17",
			"Fournisseur : ACME & Fils",
			"75001 Paris",
			"Objet : maintenance annuelle",
			"Désignation              Qté   Montant HT",
			"Contrat de maintenance   1     1 200,00 €",
			"Total                          1 200,00 €",
			"Livraison sous 30 jours",
			"Paiement à 30 jours",
			"☒ Urgent ☐ Normal",
		}},
		{"latin1-meta", latin1, []string{"Devis", "Référence : DV-12"}},
		{"pre", []byte("<pre>Code   Montant\n01     10,00</pre>"), []string{"Code   Montant", "01     10,00"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			pages, _ := mustRead(t, tc.data, KindHTML)
			if got := pageLines(pages[0]); strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}

func TestXMLEncodings(t *testing.T) {
	latin1 := encodeLatin1(t, `<?xml version="1.0" encoding="ISO-8859-1"?><Facture><Vendeur>Société Générale</Vendeur><Montant devise="EUR">1250.00</Montant></Facture>`)
	utf16, _ := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().Bytes([]byte(`<?xml version="1.0" encoding="UTF-16"?><a><b>Émis le 02/03/2026</b></a>`))
	tests := []struct {
		name string
		data []byte
		want []string
	}{
		{"latin1-declared", latin1, []string{"Société Générale", "1250.00"}},
		{"utf16-bom", utf16, []string{"Émis le 02/03/2026"}},
		{"mixed-content", []byte("<p>Total <b>TTC</b> : 12 €</p>"), []string{"Total", "TTC", ": 12 €"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			pages, _ := mustRead(t, tc.data, KindXML)
			if got := pageLines(pages[0]); strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
	_, _, err := Read(context.Background(), []byte("<a><b>pas fermé</a>"), KindXML, limits.Default())
	if err != nil {
		t.Errorf("malformed XML with text: want partial read, got %v", err)
	}
	_, _, err = Read(context.Background(), []byte("<<<>>>"), KindXML, limits.Default())
	if document.ErrorCode(err) != document.ErrCorrupt {
		t.Errorf("garbage XML: got %v, want %s", err, document.ErrCorrupt)
	}
}

// zipFile builds a ZIP archive from name → content pairs, in order.
func zipFile(t testing.TB, members ...string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for i := 0; i+1 < len(members); i += 2 {
		w, err := zw.Create(members[i])
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(members[i+1])); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

const wordNS = `xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml"`

func docx(t testing.TB, body string, extra ...string) []byte {
	t.Helper()
	doc := `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document ` + wordNS + `><w:body>` + body + `</w:body></w:document>`
	return zipFile(t, append([]string{"word/document.xml", doc}, extra...)...)
}

func wp(text string) string {
	return `<w:p><w:r><w:t xml:space="preserve">` + text + `</w:t></w:r></w:p>`
}

func TestDOCXStructure(t *testing.T) {
	tests := []struct {
		name  string
		data  []byte
		pages [][]string
	}{
		{"page-break", docx(t, wp("Page un")+`<w:p><w:r><w:t>avant</w:t><w:br w:type="page"/><w:t>après</w:t></w:r></w:p>`+wp("suite")),
			[][]string{{"Page un", "avant"}, {"après", "suite"}}},
		{"rendered-break-after-hard-break-is-one-break", docx(t, wp("un")+`<w:p><w:r><w:br w:type="page"/></w:r></w:p><w:p><w:r><w:lastRenderedPageBreak/><w:t>deux</w:t></w:r></w:p>`),
			[][]string{{"un"}, {"deux"}}},
		{"page-break-before", docx(t, wp("un")+`<w:p><w:pPr><w:pageBreakBefore/></w:pPr><w:r><w:t>deux</w:t></w:r></w:p>`),
			[][]string{{"un"}, {"deux"}}},
		{"section-break", docx(t, `<w:p><w:pPr><w:sectPr><w:type w:val="nextPage"/></w:sectPr></w:pPr><w:r><w:t>un</w:t></w:r></w:p>`+wp("deux")+`<w:p><w:pPr><w:sectPr><w:type w:val="continuous"/></w:sectPr></w:pPr><w:r><w:t>trois</w:t></w:r></w:p>`+wp("quatre")),
			[][]string{{"un"}, {"deux", "trois", "quatre"}}},
		{"no-break-one-page", docx(t, wp("un")+wp("deux")), [][]string{{"un", "deux"}}},
		{"table-rows-one-line", docx(t, `<w:tbl><w:tblPr/><w:tblGrid><w:gridCol/></w:tblGrid>`+
			`<w:tr><w:tc><w:p><w:r><w:t>Désignation</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>Qté</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>Total HT</w:t></w:r></w:p></w:tc></w:tr>`+
			`<w:tr><w:tc><w:p><w:r><w:t>Audit</w:t></w:r></w:p><w:p><w:r><w:t>des processus</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>2</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>3 000,00</w:t></w:r></w:p></w:tc></w:tr>`+
			`<w:tr><w:tc><w:tcPr><w:gridSpan w:val="2"/></w:tcPr><w:p><w:r><w:t>Total</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>3 000,00</w:t></w:r></w:p></w:tc></w:tr></w:tbl>`+wp("Fin")),
			[][]string{{"Désignation           Qté   Total HT", "Audit des processus   2     3 000,00", "Total                       3 000,00", "Fin"}}},
		{"tabs-breaks-symbols", docx(t, `<w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="4000"/></w:tabs></w:pPr><w:r><w:t>SIRET :</w:t><w:tab/><w:t>552 081 317 00012</w:t><w:br/><w:t>TVA</w:t><w:noBreakHyphen/><w:t>FR</w:t><w:sym w:font="Wingdings" w:char="F0FE"/><w:sym w:font="Wingdings" w:char="F0A8"/></w:r></w:p>`),
			[][]string{{"SIRET :   552 081 317 00012", "TVA-FR☒☐"}}},
		{"deleted-fields-fallback", docx(t, `<w:p><w:r><w:t>Montant</w:t></w:r><w:del><w:r><w:delText>1 000</w:delText></w:r></w:del><w:ins><w:r><w:t xml:space="preserve"> 2 000 €</w:t></w:r></w:ins>`+
			`<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>PAGE</w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t xml:space="preserve"> p.1</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>`+
			`<w:p><w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><w:txbxContent><w:p><w:r><w:t>Encadré</w:t></w:r></w:p></w:txbxContent></w:drawing></mc:Choice><mc:Fallback><w:pict><w:txbxContent><w:p><w:r><w:t>Encadré</w:t></w:r></w:p></w:txbxContent></w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p>`),
			[][]string{{"Montant 2 000 € p.1", "Encadré"}}},
		{"content-control-checkbox", docx(t, `<w:p><w:sdt><w:sdtPr><w14:checkbox><w14:checked w14:val="1"/></w14:checkbox></w:sdtPr><w:sdtContent><w:r><w:t>☒</w:t></w:r></w:sdtContent></w:sdt><w:r><w:t xml:space="preserve"> Lot 1</w:t></w:r></w:p>`+
			`<w:p><w:r><w:fldChar w:fldCharType="begin"><w:ffData><w:checkBox><w:default w:val="1"/><w:checked w:val="0"/></w:checkBox></w:ffData></w:fldChar></w:r><w:r><w:instrText>FORMCHECKBOX</w:instrText></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r><w:r><w:t xml:space="preserve"> Lot 2</w:t></w:r></w:p>`),
			[][]string{{"☒ Lot 1", "☐ Lot 2"}}},
		{"headers-footers-notes", docx(t, wp("Corps du document"),
			"word/_rels/document.xml.rels", `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`+
				`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/header" Target="header1.xml"/>`+
				`<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer1.xml"/>`+
				`<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer2.xml"/>`+
				`<Relationship Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink" Target="https://example.org" TargetMode="External"/></Relationships>`,
			"word/header1.xml", `<w:hdr `+wordNS+`>`+wp("ACME SAS")+`</w:hdr>`,
			"word/footer1.xml", `<w:ftr `+wordNS+`>`+wp("SIRET 552 081 317 00012")+`</w:ftr>`,
			"word/footer2.xml", `<w:ftr `+wordNS+`>`+wp("SIRET 552 081 317 00012")+`</w:ftr>`),
			[][]string{{"ACME SAS", "Corps du document", "SIRET 552 081 317 00012"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			pages, _ := mustRead(t, tc.data, KindDOCX)
			var got [][]string
			for _, p := range pages {
				got = append(got, pageLines(p))
			}
			if len(got) != len(tc.pages) {
				t.Fatalf("got %d pages %q, want %q", len(got), got, tc.pages)
			}
			for i := range got {
				if strings.Join(got[i], "\n") != strings.Join(tc.pages[i], "\n") {
					t.Errorf("page %d:\n got %q\nwant %q", i+1, got[i], tc.pages[i])
				}
			}
		})
	}
}

const odfNS = `xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"`

func TestODFStructure(t *testing.T) {
	odt := func(styles, body string, extra ...string) []byte {
		content := `<?xml version="1.0"?><office:document-content ` + odfNS + `><office:automatic-styles>` + styles + `</office:automatic-styles><office:body><office:text>` + body + `</office:text></office:body></office:document-content>`
		return zipFile(t, append([]string{"mimetype", "application/vnd.oasis.opendocument.text", "content.xml", content}, extra...)...)
	}
	tests := []struct {
		name  string
		kind  Kind
		data  []byte
		pages [][]string
	}{
		{"break-before-style", KindODT, odt(`<style:style style:name="P1" style:family="paragraph" style:parent-style-name="Standard"><style:paragraph-properties fo:break-before="page"/></style:style><style:style style:name="P2" style:family="paragraph" style:parent-style-name="P1"/>`,
			`<text:h text:outline-level="1">Titre</text:h><text:p>un</text:p><text:p text:style-name="P2">deux</text:p>`),
			[][]string{{"Titre", "un"}, {"deux"}}},
		{"spaces-tabs-lists-tables", KindODT, odt(``,
			`<text:p>A<text:s text:c="4"/>B<text:tab/>C   D<text:line-break/>E <text:span>F</text:span></text:p>`+
				`<text:list><text:list-item><text:p>premier point</text:p></text:list-item></text:list>`+
				`<table:table table:name="T"><table:table-row><table:table-cell><text:p>Lot</text:p></table:table-cell><table:table-cell><text:p>Montant</text:p></table:table-cell></table:table-row>`+
				`<table:table-row><table:table-cell table:number-columns-spanned="2"><text:p>Total</text:p></table:table-cell><table:covered-table-cell/></table:table-row></table:table>`+
				`<text:p>note<text:note><text:note-citation>1</text:note-citation><text:note-body><text:p>Voir annexe</text:p></text:note-body></text:note></text:p>`+
				`<office:annotation><text:p>commentaire</text:p></office:annotation>`),
			[][]string{{"A    B   C D", "E F", "premier point", "Lot     Montant", "Total", "Voir annexe", "note"}}},
		{"header-footer", KindODT, odt(``, `<text:p>Corps</text:p>`,
			"styles.xml", `<?xml version="1.0"?><office:document-styles `+odfNS+`><office:master-styles><style:master-page style:name="Standard"><style:header><text:p>En-tête ACME</text:p></style:header><style:footer><text:p>SIRET 552 081 317 00012</text:p></style:footer></style:master-page></office:master-styles></office:document-styles>`),
			[][]string{{"En-tête ACME", "Corps", "SIRET 552 081 317 00012"}}},
		{"ods-repeats", KindODS, zipFile(t, "content.xml", `<office:document-content `+odfNS+`><office:body><office:spreadsheet>`+
			`<table:table table:name="Devis"><table:table-row table:number-rows-repeated="2"><table:table-cell office:value-type="float" office:value="1"><text:p>1,00 €</text:p></table:table-cell><table:table-cell table:number-columns-repeated="3"/><table:table-cell table:number-columns-repeated="2"><text:p>x</text:p></table:table-cell></table:table-row>`+
			`<table:table-row table:number-rows-repeated="1048570"><table:table-cell table:number-columns-repeated="16384"/></table:table-row></table:table>`+
			`<table:table table:name="Vide"/></office:spreadsheet></office:body></office:document-content>`),
			[][]string{{"Feuille : Devis", "1,00 €   x   x", "1,00 €   x   x"}, {"Feuille : Vide"}}},
		{"odp-slides", KindODP, zipFile(t, "content.xml", `<office:document-content `+odfNS+` xmlns:presentation="urn:oasis:names:tc:opendocument:xmlns:presentation:1.0"><office:body><office:presentation>`+
			`<draw:page draw:name="p1"><draw:frame><draw:text-box><text:p>Diapo un</text:p></draw:text-box></draw:frame><presentation:notes><draw:frame><draw:text-box><text:p>notes</text:p></draw:text-box></draw:frame></presentation:notes></draw:page>`+
			`<draw:page draw:name="p2"><draw:frame><svg:title>alt</svg:title><draw:text-box><text:p>Diapo deux</text:p></draw:text-box></draw:frame></draw:page></office:presentation></office:body></office:document-content>`),
			[][]string{{"Diapo un"}, {"Diapo deux"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			pages, _ := mustRead(t, tc.data, tc.kind)
			var got [][]string
			for _, p := range pages {
				got = append(got, pageLines(p))
			}
			if strings.Join(flat(got), "|") != strings.Join(flat(tc.pages), "|") || len(got) != len(tc.pages) {
				t.Errorf("got %q\nwant %q", got, tc.pages)
			}
		})
	}
}

func flat(pages [][]string) []string {
	var out []string
	for i, p := range pages {
		out = append(out, "#"+string(rune('1'+i)))
		out = append(out, p...)
	}
	return out
}

func TestPPTX(t *testing.T) {
	slide := func(text string) string {
		return `<p:sld xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><p:cSld><p:spTree><p:sp><p:txBody><a:bodyPr/><a:p><a:r><a:t>` + text + `</a:t></a:r><a:br/><a:r><a:t>ligne 2</a:t></a:r></a:p></p:txBody></p:sp>` +
			`<p:graphicFrame><a:graphic><a:graphicData><a:tbl><a:tr><a:tc><a:txBody><a:p><a:r><a:t>Lot</a:t></a:r></a:p></a:txBody></a:tc><a:tc><a:txBody><a:p><a:r><a:t>Prix</a:t></a:r></a:p></a:txBody></a:tc></a:tr></a:tbl></a:graphicData></a:graphic></p:graphicFrame></p:spTree></p:cSld></p:sld>`
	}
	data := zipFile(t,
		"ppt/presentation.xml", `<p:presentation xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><p:sldIdLst><p:sldId id="256" r:id="rId3"/><p:sldId id="257" r:id="rId2"/></p:sldIdLst></p:presentation>`,
		"ppt/_rels/presentation.xml.rels", `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/slide" Target="slides/slide1.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/slide" Target="slides/slide2.xml"/></Relationships>`,
		"ppt/slides/slide1.xml", slide("Première"),
		"ppt/slides/slide2.xml", slide("Seconde"))
	if k := Sniff(data); k != KindPPTX {
		t.Fatalf("Sniff = %q", k)
	}
	pages, _ := mustRead(t, data, KindPPTX)
	if len(pages) != 2 {
		t.Fatalf("%d pages", len(pages))
	}
	// Presentation order (rId3 first), not file order.
	if got := pageLines(pages[0]); strings.Join(got, "|") != "Seconde|ligne 2|Lot   Prix" {
		t.Errorf("slide 1: %q", got)
	}
}

func TestSniff(t *testing.T) {
	tests := []struct {
		name string
		data []byte
		want Kind
	}{
		{"lettre.docx", readTestdata(t, "lettre.docx"), KindDOCX},
		{"checkbox.docx", readTestdata(t, "checkbox.docx"), KindDOCX},
		{"lettre.odt", readTestdata(t, "lettre.odt"), KindODT},
		{"calc.ods", readTestdata(t, "calc.ods"), KindODS},
		{"sample.ods without mimetype", readTestdata(t, "sample.ods"), KindODS},
		{"calc.xlsx", readTestdata(t, "calc.xlsx"), KindXLSX},
		{"sample.xlsx", readTestdata(t, "sample.xlsx"), KindXLSX},
		{"lettre.doc", readTestdata(t, "lettre.doc"), KindDOC},
		{"calc.xls", readTestdata(t, "calc.xls"), KindXLS},
		{"sample.xls", readTestdata(t, "sample.xls"), KindXLS},
		{"docx by part name", docx(t, wp("x")), KindDOCX},
		{"rtf", []byte(`{\rtf1\ansi Bonjour}`), KindRTF},
		{"plain zip", zipFile(t, "a.txt", "a"), ""},
		{"text", readTestdata(t, "hello.txt"), ""},
		{"truncated zip", readTestdata(t, "lettre.docx")[:100], ""},
		{"truncated ole2", readTestdata(t, "lettre.doc")[:600], ""},
		{"empty", nil, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Sniff(tc.data); got != tc.want {
				t.Errorf("Sniff = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestBadInput(t *testing.T) {
	lim := limits.Default()
	small := lim
	small.MaxFileBytes = 10
	tests := []struct {
		name string
		data []byte
		kind Kind
		lim  limits.Limits
		code string
	}{
		{"docx not zip", []byte("Ceci n'est pas un DOCX, juste du texte."), KindDOCX, lim, document.ErrCorrupt},
		{"odt not zip", readTestdata(t, "lettre.doc"), KindODT, lim, document.ErrCorrupt},
		{"xlsx not zip", []byte("%PDF-1.7 ..."), KindXLSX, lim, document.ErrCorrupt},
		{"pptx not zip", []byte("PK\x03\x04 tronqué"), KindPPTX, lim, document.ErrCorrupt},
		{"zip without document", zipFile(t, "a.txt", "a"), KindDOCX, lim, document.ErrCorrupt},
		{"ods without content", zipFile(t, "mimetype", "application/vnd.oasis.opendocument.spreadsheet"), KindODS, lim, document.ErrCorrupt},
		{"xlsx without workbook", zipFile(t, "a.txt", "a"), KindXLSX, lim, document.ErrCorrupt},
		{"garbage document.xml", zipFile(t, "word/document.xml", "<<<"), KindDOCX, lim, document.ErrCorrupt},
		{"empty", nil, KindTXT, lim, document.ErrEmpty},
		{"too large", []byte("0123456789ABCDEF"), KindTXT, small, document.ErrTooLarge},
		{"unknown kind", []byte("x"), Kind("wpd"), lim, document.ErrUnsupported},
		{"encrypted ooxml", []byte("x"), KindEncryptedOOXML, lim, document.ErrEncrypted},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := Read(context.Background(), tc.data, tc.kind, tc.lim)
			if got := document.ErrorCode(err); got != tc.code {
				t.Fatalf("code %q (%v), want %q", got, err, tc.code)
			}
			if err.Error() == "" {
				t.Fatal("empty message")
			}
		})
	}
}

func TestMalformedButReadable(t *testing.T) {
	// A truncated document.xml still gives what it holds, with a warning.
	data := zipFile(t, "word/document.xml", `<w:document `+wordNS+`><w:body>`+wp("Objet : maintenance")+`<w:p><w:r><w:t>Montant : 12`)
	pages, warnings, err := Read(context.Background(), data, KindDOCX, limits.Default())
	if err != nil {
		t.Fatal(err)
	}
	if got := allText(pages); !strings.Contains(got, "Objet : maintenance") || !strings.Contains(got, "Montant : 12") {
		t.Errorf("text %q", got)
	}
	if len(warnings) == 0 {
		t.Error("no warning for a truncated document")
	}
}

func TestLimits(t *testing.T) {
	lim := limits.Default()
	lim.MaxPages = 1
	pages, _, err := Read(context.Background(), readTestdata(t, "sample.xlsx"), KindXLSX, lim)
	if document.ErrorCode(err) != document.ErrPageLimit || len(pages) != 1 {
		t.Errorf("two sheets with MaxPages=1: %d pages, err %v", len(pages), err)
	}
	_, _, err = Read(context.Background(), docx(t, wp("un")+`<w:p><w:r><w:br w:type="page"/><w:t>deux</w:t></w:r></w:p>`), KindDOCX, lim)
	if document.ErrorCode(err) != document.ErrPageLimit {
		t.Errorf("two pages with MaxPages=1: %v", err)
	}

	lim = limits.Default()
	lim.MaxTextBytes = 100
	var csv strings.Builder
	for i := range 1000 {
		csv.WriteString("ligne;" + strings.Repeat("x", i%7) + ";12,50\n")
	}
	pages, warnings, err := Read(context.Background(), []byte(csv.String()), KindCSV, lim)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(allText(pages)); n > 200 || n == 0 {
		t.Errorf("kept %d bytes of text with MaxTextBytes=100", n)
	}
	if len(warnings) == 0 || !strings.Contains(warnings[0], "tronqué") {
		t.Errorf("warnings %q", warnings)
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, _, err = Read(ctx, readTestdata(t, "lettre.docx"), KindDOCX, limits.Default())
	if document.ErrorCode(err) != document.ErrTimeout {
		t.Errorf("cancelled context: %v", err)
	}
}

func TestEmptyDocument(t *testing.T) {
	pages, warnings, err := Read(context.Background(), docx(t, `<w:p/>`), KindDOCX, limits.Default())
	if err != nil || len(pages) != 1 || len(pages[0].Lines) != 0 || len(warnings) != 1 {
		t.Errorf("pages %d, warnings %q, err %v", len(pages), warnings, err)
	}
}

func TestMissingLibreOffice(t *testing.T) {
	t.Setenv("DEPENSES_SOFFICE", filepath.Join(t.TempDir(), "soffice-absent"))
	for _, kind := range []Kind{KindDOC, KindXLS, KindPPT, KindRTF} {
		_, _, err := Read(context.Background(), readTestdata(t, "lettre.doc"), kind, limits.Default())
		if document.ErrorCode(err) != document.ErrMissingTool || !strings.Contains(err.Error(), "LibreOffice n'est pas installé") ||
			!strings.Contains(err.Error(), "libreoffice-writer-nogui") {
			t.Errorf("%s: %v", kind, err)
		}
	}
}

func TestLibreOfficeErrors(t *testing.T) {
	needLibreOffice(t)
	t.Run("corrupt", func(t *testing.T) {
		data := readTestdata(t, "lettre.doc")
		broken := append([]byte(nil), data[:512]...)
		broken = append(broken, bytes.Repeat([]byte{0xFF}, 4096)...)
		_, _, err := Read(context.Background(), broken, KindDOC, limits.Default())
		if err == nil {
			t.Fatal("no error for a broken DOC")
		}
		if c := document.ErrorCode(err); c != document.ErrCorrupt {
			t.Errorf("code %s: %v", c, err)
		}
	})
	t.Run("timeout kills the process group", func(t *testing.T) {
		lim := limits.Default()
		lim.PageTimeout = 200 * time.Millisecond
		start := time.Now()
		_, _, err := Read(context.Background(), readTestdata(t, "lettre.doc"), KindDOC, lim)
		if document.ErrorCode(err) != document.ErrTimeout {
			t.Fatalf("code %s: %v", document.ErrorCode(err), err)
		}
		if d := time.Since(start); d > 10*time.Second {
			t.Errorf("took %s after a 200 ms timeout", d)
		}
		deadline := time.Now().Add(3 * time.Second)
		for len(sofficeProcesses(t)) > 0 && time.Now().Before(deadline) {
			time.Sleep(50 * time.Millisecond) // killed processes take a moment to go
		}
		if left := sofficeProcesses(t); len(left) > 0 {
			t.Errorf("LibreOffice processes left running: %v", left)
		}
	})
	t.Run("rtf", func(t *testing.T) {
		pages, _ := mustRead(t, []byte(`{\rtf1\ansi\deff0 {\fonttbl {\f0 Times;}}\f0 Devis n\'b0 42\par Montant : 1 250,00 EUR\par}`), KindRTF)
		if got := allText(pages); !strings.Contains(got, "Devis n° 42") || !strings.Contains(got, "Montant : 1 250,00 EUR") {
			t.Errorf("text %q", got)
		}
	})
}

// sofficeProcesses lists running processes started from this package's
// temporary conversion directories.
func sofficeProcesses(t *testing.T) []string {
	t.Helper()
	entries, _ := os.ReadDir("/proc")
	var out []string
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err != nil {
			continue
		}
		if cmd := string(bytes.ReplaceAll(b, []byte{0}, []byte{' '})); strings.Contains(cmd, "depenses-soffice-") {
			out = append(out, e.Name()+": "+cmd)
		}
	}
	return out
}
