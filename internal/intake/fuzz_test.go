package intake

import (
	"context"
	"testing"
	"time"

	"github.com/depenses-eclairees/depenses/internal/document"
	"github.com/depenses-eclairees/depenses/internal/intake/limits"
	"github.com/depenses-eclairees/depenses/internal/testfiles"
)

// FuzzRead feeds arbitrary bytes through sniffing and the container
// readers (ZIP, e-mail) and the format readers behind them, with OCR off
// and tight limits: no panic, and an error always carries a code.
func FuzzRead(f *testing.F) {
	f.Add("a.zip", testfiles.Zip(map[string][]byte{"x.txt": []byte("Objet : devis"), "y.zip": testfiles.Zip(map[string][]byte{"z.csv": []byte("a;b\n1;2")})}))
	f.Add("m.eml", []byte("From: a@b.fr\r\nTo: c@d.fr\r\nSubject: x\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=B\r\n\r\n--B\r\nContent-Type: text/plain\r\n\r\nbonjour\r\n--B\r\nContent-Disposition: attachment; filename=a.txt\r\n\r\nfacture\r\n--B--\r\n"))
	f.Add("t.html", []byte("<html><body><table><tr><td>Total HT</td><td>12,00 €</td></tr></table></body></html>"))
	f.Add("p.pdf", testfiles.PDFPages(2))
	f.Add("x.xml", []byte(`<?xml version="1.0"?><a><b>1</b></a>`))
	lim := limits.Default()
	lim.MaxFileBytes = 1 << 20
	lim.MaxExpanded = 4 << 20
	lim.MaxPages = 20
	lim.MaxChildren = 20
	lim.FileTimeout = 10 * time.Second
	r := New(Options{Limits: lim, OCRMode: OCROff, Workers: 1})
	defer r.Close()
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		doc := r.Read(context.Background(), name, data)
		var walk func(d *document.Document)
		walk = func(d *document.Document) {
			if d.Err != nil && document.ErrorCode(d.Err) == document.ErrInternal {
				t.Fatalf("%s: internal error: %v", d.Name, d.Err)
			}
			for _, c := range d.Children {
				walk(c)
			}
		}
		walk(doc)
	})
}
