package office

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/depenses-eclairees/depenses/internal/document"
	"github.com/depenses-eclairees/depenses/internal/intake/limits"
)

var knownCodes = map[string]bool{
	document.ErrEmpty: true, document.ErrCorrupt: true, document.ErrEncrypted: true,
	document.ErrUnsupported: true, document.ErrTooLarge: true, document.ErrPageLimit: true,
	document.ErrArchive: true, document.ErrTimeout: true,
}

// fuzzLimits are small bounds, so that inputs that blow up fail fast.
func fuzzLimits() limits.Limits {
	lim := limits.Default()
	lim.MaxExpanded = 64 << 20
	lim.MaxTextBytes = 4 << 20
	lim.MaxPages = 200
	return lim
}

// fuzzRead reads data as kind and checks what any input must give: a
// known error code or well-formed pages, and no panic in this package's
// own code (a panic inside a third-party parser is recovered as
// ErrCorrupt, which is the contract).
func fuzzRead(t *testing.T, data []byte, kind Kind) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	pages, _, err := Read(ctx, data, kind, fuzzLimits())
	if err != nil {
		var re *document.ReadError
		if !errors.As(err, &re) || !knownCodes[re.Code] {
			t.Fatalf("%s: unexpected error %T %v", kind, err, err)
		}
		if strings.Contains(re.Message, "erreur interne du lecteur") {
			stack := fmt.Sprint(re.Cause)
			if !strings.Contains(stack, "xuri/excelize") && !strings.Contains(stack, "richardlehane/") {
				t.Fatalf("%s: panic in our code: %s", kind, stack)
			}
		}
	}
	checkGeometry(t, pages)
}

func FuzzReadDOCX(f *testing.F) {
	f.Add(readTestdata(f, "lettre.docx"))
	f.Add(readTestdata(f, "checkbox.docx"))
	f.Add(docx(f, wp("un")+`<w:p><w:r><w:br w:type="page"/><w:t>deux</w:t></w:r></w:p>`+
		`<w:tbl><w:tr><w:tc><w:tcPr><w:gridSpan w:val="2"/></w:tcPr><w:p><w:r><w:t>a</w:t></w:r></w:p><w:tbl><w:tr><w:tc><w:p><w:r><w:t>n</w:t></w:r></w:p></w:tc></w:tr></w:tbl></w:tc><w:tc><w:p><w:r><w:t>b</w:t></w:r></w:p></w:tc></w:tr></w:tbl>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzRead(t, data, KindDOCX)
		fuzzRead(t, data, KindPPTX)
		_ = Sniff(data)
	})
}

// FuzzDOCXXML fuzzes the WordprocessingML walker itself: the input is the
// document.xml of an otherwise valid DOCX, which random zip bytes rarely reach.
func FuzzDOCXXML(f *testing.F) {
	f.Add(`<w:document ` + wordNS + `><w:body>` + wp("Objet") + `<w:p><w:pPr><w:pageBreakBefore/><w:sectPr/></w:pPr><w:r><w:t>x</w:t><w:tab/><w:sym w:font="Wingdings" w:char="F0FE"/></w:r></w:p></w:body></w:document>`)
	f.Add(`<w:document ` + wordNS + `><w:body><w:tbl><w:tr><w:tc><w:p><w:r><w:lastRenderedPageBreak/><w:t>a</w:t><w:br/></w:r></w:p></w:tc></w:tr></w:tbl><w:p><w:r><w:fldChar><w:ffData><w:checkBox><w:checked/></w:checkBox></w:ffData></w:fldChar></w:r></w:p></w:body></w:document>`)
	f.Fuzz(func(t *testing.T, xml string) {
		fuzzRead(t, zipFile(t, "word/document.xml", xml), KindDOCX)
	})
}

func FuzzReadODT(f *testing.F) {
	f.Add(readTestdata(f, "lettre.odt"))
	f.Add(readTestdata(f, "calc.ods"))
	f.Add(readTestdata(f, "sample.ods"))
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzRead(t, data, KindODT)
		fuzzRead(t, data, KindODS)
		fuzzRead(t, data, KindODP)
		_ = Sniff(data)
	})
}

// FuzzODFXML fuzzes the OpenDocument walker through content.xml.
func FuzzODFXML(f *testing.F) {
	for _, name := range []string{"lettre.odt", "sample.ods"} {
		z, err := openZip(readTestdata(f, name), limits.Default(), "ODF")
		if err != nil {
			f.Fatal(err)
		}
		b, err := z.readAll(z.lookup("content.xml"), maxSmallPart)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b))
	}
	f.Fuzz(func(t *testing.T, xml string) {
		data := zipFile(t, "content.xml", xml)
		fuzzRead(t, data, KindODT)
		fuzzRead(t, data, KindODS)
	})
}

func FuzzReadXLSX(f *testing.F) {
	f.Add(readTestdata(f, "calc.xlsx"))
	f.Add(readTestdata(f, "sample.xlsx"))
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzRead(t, data, KindXLSX)
	})
}

func FuzzReadCSV(f *testing.F) {
	f.Add([]byte("Désignation;Quantité;Prix\r\n\"Câble; cat 6\";3;12,50\r\n"))
	f.Add(encodeLatin1Bytes("Libellé;Montant\nCâble;12,50\n"))
	f.Add([]byte("a,b\n\"unterminated,c\n"))
	f.Add(readTestdata(f, "hello.txt"))
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzRead(t, data, KindCSV)
		fuzzRead(t, data, KindTXT)
	})
}

func FuzzReadHTML(f *testing.F) {
	f.Add([]byte(`<html><head><meta charset="iso-8859-1"><style>x</style></head><body><h1>Devis</h1><table><tr><td colspan=2>a<table><tr><td>n</td></tr></table><td>b</tr></table><pre>a  b
c</pre><input type=checkbox checked></body></html>`))
	f.Add(readTestdata(f, "hello.xml"))
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzRead(t, data, KindHTML)
		fuzzRead(t, data, KindXML)
	})
}

func encodeLatin1Bytes(s string) []byte {
	var out []byte
	for _, r := range s {
		if r < 256 {
			out = append(out, byte(r))
		}
	}
	return out
}
