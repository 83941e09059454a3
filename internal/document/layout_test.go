package document

import (
	"strings"
	"testing"
)

func word(text string, x0, y0 float64) Word {
	return Word{Text: text, Box: Box{x0, y0, x0 + 6*float64(len(text)), y0 + 10}, Confidence: 1}
}

func TestBuildLinesKeepsRowsTogether(t *testing.T) {
	words := []Word{
		word("1 234,00", 400, 101.5), // value printed slightly lower than its label
		word("Total", 50, 100),
		word("HT", 86, 100),
		word("Objet", 50, 80),
		word(":", 86, 80),
		word("Audit", 98, 80),
		word("TVA", 50, 120),
		word("246,80", 400, 119),
	}
	lines := BuildLines(words)
	var got []string
	for _, l := range lines {
		got = append(got, strings.Join(strings.Fields(l.Text()), " "))
	}
	want := []string{"Objet : Audit", "Total HT 1 234,00", "TVA 246,80"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("lines %q, want %q", got, want)
	}
	if txt := lines[1].Text(); !strings.Contains(txt, "HT   ") {
		t.Errorf("a wide gap should keep columns apart: %q", txt)
	}
}

func TestGroupRowsKeepsOverprintApart(t *testing.T) {
	a := Line{Words: []Word{word("ORIGINAL", 50, 100)}, Box: word("ORIGINAL", 50, 100).Box}
	b := Line{Words: []Word{word("DUPLICATA", 52, 101)}, Box: word("DUPLICATA", 52, 101).Box}
	if n := len(GroupRows([]Line{a, b})); n != 2 {
		t.Errorf("overprinted words merged into %d line(s)", n)
	}
}

func TestSourceAndText(t *testing.T) {
	doc := &Document{Pages: []Page{
		{Source: SourceTextLayer, Lines: BuildLines([]Word{word("un", 0, 0)})},
		{Source: SourceOCR, Lines: BuildLines([]Word{word("deux", 0, 0)})},
	}}
	if doc.Source() != SourceMixed {
		t.Errorf("source %q", doc.Source())
	}
	if doc.Text() != "un\n\fdeux\n" {
		t.Errorf("text %q", doc.Text())
	}
}
