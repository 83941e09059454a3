package ocr

import (
	"image"
	"testing"
)

// fill paints the rectangle r of img with grey v.
func fill(img *image.Gray, r image.Rectangle, v uint8) {
	r = r.Intersect(img.Rect)
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			img.Pix[img.PixOffset(x, y)] = v
		}
	}
}

// On a real letter (93 dpi), drawn table rules are erased, while the
// letter's own print, a thick dark band and the rules' crossings with text
// are kept.
func TestEraseRules(t *testing.T) {
	dpi := 93
	letter := grayOf(decodePNG(t, readTestdata(t, "lettre.png")))
	b := letter.Bounds()
	page := image.NewGray(image.Rect(0, 0, b.Dx(), b.Dy()))
	copy(page.Pix, letter.Pix)

	rules := []image.Rectangle{
		image.Rect(20, 30, b.Dx()-20, 32),          // across the top, 2 px
		image.Rect(40, b.Dy()-60, 400, b.Dy()-59),  // a 1 px underline
		image.Rect(15, 25, 17, b.Dy()-20),          // a frame's left side
		image.Rect(b.Dx()-30, 100, b.Dx()-28, 160), // a short cell side, 0.65 in
	}
	band := image.Rect(30, b.Dy()-45, 330, b.Dy()-25) // 20 px: a heading bar
	// Letter print not covered by the drawn marks must stay as it was.
	drawn := image.NewGray(page.Rect)
	for _, r := range append(rules, band) {
		fill(page, r, 20)
		fill(drawn, r.Inset(-2), 1)
	}
	// A white "letter" inside the band: the band around it is thin above
	// and below, but the band must still stay whole.
	fill(page, image.Rect(100, b.Dy()-40, 106, b.Dy()-30), 255)

	out := eraseRules(page, dpi)
	if &out.Pix[0] == &page.Pix[0] {
		t.Fatal("eraseRules must not paint over its input")
	}
	for i, r := range rules {
		dark := 0
		for y := r.Min.Y; y < r.Max.Y; y++ {
			for x := r.Min.X; x < r.Max.X; x++ {
				if out.GrayAt(x, y).Y < 128 && letter.GrayAt(x, y).Y >= 128 {
					dark++
				}
			}
		}
		if area := r.Dx() * r.Dy(); dark*20 > area {
			t.Errorf("rule %d %v: %d of %d pixels still dark", i, r, dark, area)
		}
	}
	for y := band.Min.Y; y < band.Max.Y; y++ {
		for x := band.Min.X; x < band.Max.X; x++ {
			if x >= 100 && x < 106 && y >= b.Dy()-40 && y < b.Dy()-30 {
				continue
			}
			if out.GrayAt(x, y).Y != 20 {
				t.Fatalf("heading band damaged at (%d, %d): %d", x, y, out.GrayAt(x, y).Y)
			}
		}
	}
	// The letter has a rule of its own (row 598): erasing it is right.
	// Its other print must all be kept.
	var ink, lost, ownRule int
	for y := 0; y < b.Dy(); y++ {
		for x := 0; x < b.Dx(); x++ {
			if drawn.GrayAt(x, y).Y != 0 || letter.GrayAt(x, y).Y >= 128 {
				continue
			}
			ink++
			if out.GrayAt(x, y).Y < 128 {
				continue
			}
			if darkRun(letter, x, y) >= int(float64(dpi)*ruleMinInchesAcross) {
				ownRule++
			} else {
				lost++
			}
		}
	}
	if ink < 10000 || lost*500 > ink || ownRule < 300 {
		t.Errorf("letter print: %d of %d ink pixels lost, %d of its own rule erased", lost, ink, ownRule)
	}
}

// darkRun is the length of the dark run of img's row y through x.
func darkRun(img *image.Gray, x, y int) int {
	n := 0
	for i := x; i < img.Rect.Max.X && img.GrayAt(i, y).Y < 128; i++ {
		n++
	}
	for i := x - 1; i >= 0 && img.GrayAt(i, y).Y < 128; i-- {
		n++
	}
	return n
}

func TestInkThreshold(t *testing.T) {
	cases := []struct {
		name         string
		paper, print uint8
		want         func(uint8) bool
	}{
		{"black on white", 255, 0, func(v uint8) bool { return v >= 64 && v <= 200 }},
		{"grey scan", 235, 30, func(v uint8) bool { return v > 30 && v <= 200 }},
		{"grey cells", 238, 20, func(v uint8) bool { return v > 20 && v < 238 }},
		{"negative", 10, 250, func(v uint8) bool { return v == 0 }},
	}
	for _, c := range cases {
		img := image.NewGray(image.Rect(0, 0, 100, 100))
		fill(img, img.Rect, c.paper)
		fill(img, image.Rect(10, 10, 90, 20), c.print)
		if got := inkThreshold(img); !c.want(got) {
			t.Errorf("%s: threshold %d", c.name, got)
		}
	}
}

func BenchmarkEraseRules(b *testing.B) {
	page := grayOf(decodePNG(b, readTestdata(b, "lettre.png")))
	b.ResetTimer()
	for range b.N {
		eraseRules(page, 93)
	}
}

// Rules are erased on clean white paper only: a real letter is; the same
// letter as a noisy grey scan (paper 235–250, sensor noise) is not.
func TestCleanPaper(t *testing.T) {
	letter := grayOf(decodePNG(t, readTestdata(t, "lettre.png")))
	if !cleanPaper(letter) {
		t.Error("letter on white paper not seen as clean")
	}
	noisy := image.NewGray(letter.Rect)
	seed := uint32(1)
	for i, v := range letter.Pix {
		seed = seed*1664525 + 1013904223
		noise := int(seed>>24)%13 - 6
		g := 35 + int(v)*(240-35)/255 + noise
		noisy.Pix[i] = uint8(min(max(g, 0), 255))
	}
	if cleanPaper(noisy) {
		t.Error("noisy grey scan seen as clean")
	}
}

// FuzzEraseRules: any page, of any size and resolution, comes back the same
// size, its pixels only ever lightened, and the input untouched.
func FuzzEraseRules(f *testing.F) {
	f.Add(uint16(40), uint16(30), uint16(93), []byte{0, 255, 20, 240, 128})
	f.Add(uint16(1), uint16(1), uint16(300), []byte{0})
	f.Add(uint16(200), uint16(3), uint16(8), []byte{10, 10, 10, 10, 10, 10, 10, 10, 250})
	f.Fuzz(func(t *testing.T, w, h, dpi uint16, pattern []byte) {
		if w == 0 || h == 0 || int(w)*int(h) > 1<<18 || len(pattern) == 0 {
			return
		}
		img := image.NewGray(image.Rect(3, 5, 3+int(w), 5+int(h)))
		for i := range img.Pix {
			img.Pix[i] = pattern[i%len(pattern)]
		}
		before := append([]byte(nil), img.Pix...)
		out := eraseRules(img, int(dpi))
		if out.Rect.Dx() != int(w) || out.Rect.Dy() != int(h) {
			t.Fatalf("size %v, want %d×%d", out.Rect, w, h)
		}
		for y := 0; y < int(h); y++ {
			for x := 0; x < int(w); x++ {
				if out.GrayAt(x, y).Y < img.GrayAt(3+x, 5+y).Y {
					t.Fatalf("pixel (%d, %d) darkened", x, y)
				}
			}
		}
		if string(before) != string(img.Pix) {
			t.Fatal("input modified")
		}
		cleanPaper(img)
		inkThreshold(img)
	})
}
