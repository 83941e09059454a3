package einvoice

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/depenses-eclairees/depenses/internal/document"
)

// FuzzParse feeds Parse mutated e-invoices. Parse must never panic (its
// recovery would hide it, so a recovered panic fails here too), must return
// either a result that keeps the contract's promises or a *document.ReadError,
// and must agree with Sniff.
func FuzzParse(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/*.xml")
	for _, s := range seeds {
		data, err := os.ReadFile(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`<CreditNote xmlns="urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"/>`))
	f.Add([]byte("\ufeff<?xml version=\"1.0\" encoding=\"windows-1252\"?><a/>"))
	f.Fuzz(func(t *testing.T, data []byte) {
		start := time.Now()
		got, err := Parse(data)
		// Fuzz inputs are small: anything slow here is a complexity bug.
		if elapsed := time.Since(start); elapsed > 10*time.Second {
			t.Fatalf("Parse took %v on %d bytes", elapsed, len(data))
		}
		if err != nil {
			var re *document.ReadError
			if !errors.As(err, &re) {
				t.Fatalf("error %T %v is not a *document.ReadError", err, err)
			}
			if strings.Contains(re.Message, "panique") {
				t.Fatalf("panic inside Parse: %v", err)
			}
			if got != nil {
				t.Fatal("result returned with an error")
			}
			return
		}
		if got == nil || got.Fields == nil {
			t.Fatal("nil result without an error")
		}
		if err := checkShape(got); err != nil {
			t.Fatal(err)
		}
		if !Sniff(data) {
			t.Fatal("Parse accepted what Sniff rejects")
		}
	})
}
