package ocr

import (
	"math"
	"testing"
)

// A page turned by a known small angle must be measured back to within a
// step or two, and a straight page must be left alone.
func TestEstimateSkew(t *testing.T) {
	page := grayOf(decodePNG(t, readTestdata(t, "lettre.png")))
	if got := estimateSkew(page); math.Abs(got) >= minSkew {
		t.Fatalf("straight page: skew %.2f°, want below %.2f°", got, minSkew)
	}
	for _, lean := range []float64{-2, -0.8, 0.5, 1.3, 2.5} {
		// deskew(img, -lean) turns straight lines so that they lean by lean.
		turned := deskew(page, -lean)
		got := estimateSkew(turned)
		if math.Abs(got-lean) > 0.15 {
			t.Errorf("page leaning %.1f°: measured %.2f°", lean, got)
		}
		if back := estimateSkew(deskew(turned, got)); math.Abs(back) >= minSkew {
			t.Errorf("page leaning %.1f° once straightened: skew %.2f°", lean, back)
		}
	}
}

func BenchmarkEstimateSkew(b *testing.B) {
	page := grayOf(decodePNG(b, readTestdata(b, "lettre.png")))
	b.ResetTimer()
	for range b.N {
		estimateSkew(page)
	}
}

func BenchmarkDeskew(b *testing.B) {
	page := grayOf(decodePNG(b, readTestdata(b, "lettre.png")))
	b.ResetTimer()
	for range b.N {
		deskew(page, 1.2)
	}
}
