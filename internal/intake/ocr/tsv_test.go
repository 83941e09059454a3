package ocr

import (
	"github.com/depenses-eclairees/depenses/internal/testfiles"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

const tsvHeader = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n"

func TestParseTSV(t *testing.T) {
	tests := []struct {
		name string
		tsv  string
		want []tsvWord
	}{
		{
			name: "words and their lines, structure rows skipped",
			tsv: tsvHeader +
				"1\t1\t0\t0\t0\t0\t0\t0\t770\t1088\t-1\t\n" +
				"4\t1\t1\t1\t1\t0\t75\t75\t130\t9\t-1\t\n" +
				"5\t1\t1\t1\t1\t1\t75\t75\t45\t9\t94.745262\tLETTRE\n" +
				"5\t1\t2\t1\t3\t2\t129\t75\t14\t9\t81.5\tdé\n",
			want: []tsvWord{
				{line: lineKey{1, 1, 1, 1}, text: "LETTRE", x0: 75, y0: 75, x1: 120, y1: 84, conf: 0.94745262},
				{line: lineKey{1, 2, 1, 3}, text: "dé", x0: 129, y0: 75, x1: 143, y1: 84, conf: 0.815},
			},
		},
		{
			name: "CRLF, confidence out of range clamped, spaces dropped",
			tsv: "5\t1\t1\t1\t1\t1\t1\t2\t3\t4\t-1\tA B\r\n" +
				"5\t1\t1\t1\t1\t2\t1\t2\t3\t4\t250\tC\n",
			want: []tsvWord{
				{line: lineKey{1, 1, 1, 1}, text: "AB", x0: 1, y0: 2, x1: 4, y1: 6, conf: 0},
				{line: lineKey{1, 1, 1, 1}, text: "C", x0: 1, y0: 2, x1: 4, y1: 6, conf: 1},
			},
		},
		{
			name: "a tab inside the text is dropped too",
			tsv:  "5\t1\t1\t1\t1\t1\t0\t0\t3\t4\t90\ta\tb\n",
			want: []tsvWord{{line: lineKey{1, 1, 1, 1}, text: "ab", x0: 0, y0: 0, x1: 3, y1: 4, conf: 0.9}},
		},
		{
			name: "malformed rows skipped",
			tsv: "5\t1\t1\t1\t1\t1\t0\t0\t3\t4\t90\t\n" + // empty text
				"5\t1\t1\t1\t1\t1\t0\t0\t3\t4\t90\t   \n" + // blank text
				"5\t1\t1\t1\t1\t1\t-5\t0\t3\t4\t90\tx\n" + // negative left
				"5\t1\t1\t1\t1\t1\t0\t0\t0\t4\t90\tx\n" + // zero width
				"5\t1\t1\t1\t1\t1\t0\t0\t3\t4\tNaN\tx\n" + // NaN confidence
				"5\t1\t1\t1\t1\t1\t0\t0\t3\t4\tInf\tx\n" +
				"5\t1\t1\t1\t1\t1\t0\t0\t3\t99999999999\t90\tx\n" + // absurd height
				"5\t1\t1\t1\t1\t1\t0\t0\t3\n" + // short row
				"5\t1\tx\t1\t1\t1\t0\t0\t3\t4\t90\tx\n" + // not a number
				"garbage\n\n\n",
			want: nil,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := parseTSV([]byte(tt.tsv))
			if len(got) != len(tt.want) {
				t.Fatalf("got %d words %+v, want %d", len(got), got, len(tt.want))
			}
			for i := range got {
				g, w := got[i], tt.want[i]
				if g.line != w.line || g.text != w.text || g.x0 != w.x0 || g.y0 != w.y0 || g.x1 != w.x1 || g.y1 != w.y1 || abs(g.conf-w.conf) > 1e-9 {
					t.Errorf("word %d = %+v, want %+v", i, g, w)
				}
			}
		})
	}
}

func abs(v float64) float64 {
	if v < 0 {
		return -v
	}
	return v
}

// TestLinesFromRealTSV builds lines from tesseract's real output for
// lettre.png: the two signature blocks, which tesseract gives as separate
// blocks, end up on one row.
func TestLinesFromRealTSV(t *testing.T) {
	words := parseTSV(readTestdata(t, "lettre.tsv"))
	if len(words) < 100 {
		t.Fatalf("%d words from lettre.tsv", len(words))
	}
	lines := ocrResult{words: words}.lines(72.0 / lettreDPI)
	var texts []string
	for _, l := range lines {
		texts = append(texts, strings.Join(strings.Fields(l.Text()), " "))
	}
	joined := strings.Join(texts, "\n")
	for _, want := range []string{
		"LETTRE DE MISSION",
		"Montant : 85 000 euros HT",
		"Jean Dupont Sophie Martin",
		"Cabinet Conseil & Stratégie TechNova Solutions",
	} {
		if !strings.Contains(joined, want) {
			t.Errorf("no line %q in:\n%s", want, joined)
		}
	}
	if s := testfiles.Similarity(joined, lettreText(t)); s < 0.9 {
		t.Errorf("similarity %.3f", s)
	}
}

func FuzzParseTSV(f *testing.F) {
	f.Add(readTestdata(f, "lettre.tsv"))
	f.Add([]byte(tsvHeader + "5\t1\t1\t1\t1\t1\t0\t0\t3\t4\t90\tx\r\n5\t1\t1\t1\t2\t1\t0\t0\t3\t4\t-1\ty z\n"))
	f.Add([]byte("5\t1\t1\t1\t1\t1\t0\t0\t3\t4\tNaN\t\xff\xfe\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		words := parseTSV(data)
		for _, w := range words {
			if w.text == "" || !utf8.ValidString(w.text) || strings.IndexFunc(w.text, unicode.IsSpace) >= 0 {
				t.Fatalf("bad word text %q", w.text)
			}
			if w.x1 <= w.x0 || w.y1 <= w.y0 || w.x0 < 0 || w.y0 < 0 || w.x1 > 2*maxCoord || w.y1 > 2*maxCoord {
				t.Fatalf("bad box %+v", w)
			}
			if !(w.conf >= 0 && w.conf <= 1) {
				t.Fatalf("bad confidence %v", w.conf)
			}
		}
		// The rest of the path must hold on whatever parses.
		r := ocrResult{words: words, width: 100, height: 100}
		if sideways(words) {
			r = turnBoxes(r, readsDownwards(words))
		}
		var n int
		for _, l := range r.lines(0.24) {
			n += len(l.Words)
		}
		if n != len(words) {
			t.Fatalf("lines hold %d words, want %d", n, len(words))
		}
	})
}
