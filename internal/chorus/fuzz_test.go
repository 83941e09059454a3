package chorus

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/depenses-eclairees/depenses/internal/fr"
)

func FuzzRead(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.csv"))
	for _, p := range files {
		if data, err := os.ReadFile(p); err == nil {
			f.Add(data)
		}
	}
	f.Add(buildWorkbook(f))
	f.Add([]byte("num_ej;poste_ej\n\"1300000001\";\"1\"\"\n"))
	f.Add([]byte("N° EJ,Montant engagé\r\n1300000001,\"1,5\"\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		ex, err := Read(bytes.NewReader(data), "fuzz", Options{MaxBytes: 1 << 20, MaxRows: 10000})
		if err != nil {
			if ex != nil {
				t.Fatal("extract with an error")
			}
			return
		}
		postes := 0
		for _, e := range ex.EJs {
			if !fr.ValidEJ(e.NumEJ) || len(e.NumEJ) != 10 {
				t.Fatalf("invalid EJ kept: %q", e.NumEJ)
			}
			if len(e.Postes) == 0 || len(e.Postes) != len(e.Lines) {
				t.Fatalf("EJ %s: %d postes, %d lines", e.NumEJ, len(e.Postes), len(e.Lines))
			}
			seen := make(map[string]bool)
			for _, p := range e.Postes {
				k := posteNumberKey(p.Poste)
				if seen[k] {
					t.Fatalf("EJ %s: poste %s twice", e.NumEJ, p.Poste)
				}
				seen[k] = true
				if p.Programme != "" && len(p.Programme) != 4 {
					t.Fatalf("programme %q", p.Programme)
				}
			}
			if e.Fournisseur.SIRET != "" && len(e.Fournisseur.SIRET) != 14 {
				t.Fatalf("SIRET %q", e.Fournisseur.SIRET)
			}
			postes += len(e.Postes)
		}
		if postes+len(ex.Rejects) > ex.Rows {
			t.Fatalf("%d postes + %d rejects > %d rows", postes, len(ex.Rejects), ex.Rows)
		}
		for _, r := range ex.Rejects {
			if r.Line < 1 || r.Reason == "" {
				t.Fatalf("reject %+v", r)
			}
		}
	})
}
