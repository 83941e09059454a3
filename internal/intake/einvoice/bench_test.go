package einvoice

import (
	"os"
	"testing"
)

// BenchmarkParse measures one Facture_FR_EN16931 (11 kB) and the Order-X sample (50 kB).
func BenchmarkParse(b *testing.B) {
	for _, name := range []string{"Facture_FR_EN16931", "ORDER-X_EX01_ORDER_FULL_DATA-COMFORT"} {
		data, err := os.ReadFile("testdata/" + name + ".xml")
		if err != nil {
			b.Fatal(err)
		}
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if _, err := Parse(data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
