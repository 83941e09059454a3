package synth

import (
	"os/exec"
	"testing"
)

// FuzzGenerate draws documents for arbitrary seeds, types and families and
// checks that generation never fails or panics and that the gold is printed
// and consistent.
func FuzzGenerate(f *testing.F) {
	for i := range 10 {
		f.Add(int64(i*7919), uint8(i), uint8(i*3))
	}
	all := append(append(LayoutSet{}, DevLayouts...), HeldOutLayouts...)
	_, errTool := exec.LookPath("pdftotext")
	f.Fuzz(func(t *testing.T, seed int64, typ, fam uint8) {
		opt := Options{Seed: seed, Types: []string{DefaultTypes[int(typ)%len(DefaultTypes)]}, Layouts: LayoutSet{all[int(fam)%len(all)]}}
		docs, err := Generate(opt, 1)
		if err != nil {
			t.Fatal(err)
		}
		if errTool != nil {
			return
		}
		d := docs[0]
		checkGold(t, d, pdftotext(t, d.PDF, true), pdftotext(t, d.PDF, false))
	})
}
