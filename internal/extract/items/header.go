package items

import (
	"math"
	"sort"
	"strings"

	"github.com/depenses-eclairees/depenses/internal/document"
	"github.com/depenses-eclairees/depenses/internal/fr"
)

// column is one labelled column of a table header.
type column struct {
	kind   colKind
	hint   unitHint
	x0, x1 float64
	tokens []string
	label  string
}

// header is a table header found on a page.
type header struct {
	page  int // index in doc.Pages
	first int // first line of the header band
	last  int // last line of the header band
	cols  []column
	text  string
	box   document.Box
}

func (h *header) has(k colKind) bool {
	for _, c := range h.cols {
		if c.kind == k {
			return true
		}
	}
	return false
}

// charWidth estimates the width of one character on a line.
func charWidth(words []document.Word) float64 {
	var width float64
	var chars int
	for _, w := range words {
		width += w.Box.Width()
		chars += len([]rune(w.Text))
	}
	if chars == 0 || width <= 0 {
		return 5
	}
	return width / float64(chars)
}

// labelGroups splits a header line into labels: words join the label on
// their left when the gap is small, unless they start a new column word.
func labelGroups(words []document.Word) []column {
	cw := charWidth(words)
	var cols []column
	for i, w := range words {
		tok := normWord(w.Text)
		if n := len(cols); n > 0 && i > 0 {
			gap := w.Box.X0 - words[i-1].Box.X1
			prev := &cols[n-1]
			last := ""
			if len(prev.tokens) > 0 {
				last = prev.tokens[len(prev.tokens)-1]
			}
			// A label ending with "de", "la"… goes on: "Prix de la prestation"
			// is one phrase, not two columns.
			if gap < 1.5*cw && (!headWords[tok] || joinPairs[[2]string{last, tok}] || tok == "" ||
				!prevHasHead(prev.tokens) || linkWords[last]) {
				prev.x1 = math.Max(prev.x1, w.Box.X1)
				if tok != "" {
					prev.tokens = append(prev.tokens, tok)
				}
				prev.label += " " + w.Text
				continue
			}
		}
		c := column{x0: w.Box.X0, x1: w.Box.X1, label: w.Text}
		if tok != "" {
			c.tokens = []string{tok}
		}
		cols = append(cols, c)
	}
	return cols
}

// linkWords tie the words around them into one phrase.
var linkWords = map[string]bool{"de": true, "des": true, "du": true, "la": true, "le": true, "les": true, "et": true,
	"a": true, "par": true, "pour": true, "en": true, "d'": true, "l'": true, "of": true, "the": true, "and": true}

func prevHasHead(tokens []string) bool {
	for _, t := range tokens {
		if headWords[t] {
			return true
		}
	}
	return false
}

// headerLine says whether a line reads as a table header: at least two
// labelled columns, one of them numeric, one a designation or quantity,
// few words that are not column words, and no amount.
func headerLine(l document.Line) ([]column, bool) {
	if len(l.Words) < 2 || len(l.Words) > 30 {
		return nil, false
	}
	cols := labelGroups(l.Words)
	if len(cols) < 2 {
		return nil, false
	}
	var known, free, heads int
	var numeric, anchor bool
	for i := range cols {
		for _, t := range cols[i].tokens {
			switch {
			case headWords[t]:
				heads++
			case !fillerWords[t]:
				free++
			}
		}
		k, h, ok := classify(cols[i].tokens)
		cols[i].kind, cols[i].hint = k, h
		if !ok {
			continue
		}
		known++
		switch k {
		case kQty:
			numeric, anchor = true, true
		case kPU, kMontant, kPrice:
			numeric = true
		case kDesignation:
			anchor = true
		}
	}
	if known < 2 || !numeric || !anchor || free > max(1, heads/2) {
		return nil, false
	}
	if len(fr.FindAmounts(l.Text())) > 0 {
		return nil, false
	}
	return cols, true
}

// labelOnly says whether every word of a line is a column or filler word,
// so that the line can complete a header printed over several rows.
func labelOnly(l document.Line) bool {
	if len(l.Words) == 0 || len(l.Words) > 12 {
		return false
	}
	for _, w := range l.Words {
		t := normWord(w.Text)
		if t != "" && !headWords[t] && !fillerWords[t] {
			return false
		}
	}
	return true
}

// findHeader looks for a header at line i of page p and widens it with the
// label-only rows printed just above and below ("Prix" / "unitaire").
func findHeader(doc *document.Document, p, i int) (*header, bool) {
	lines := doc.Pages[p].Lines
	cols, ok := headerLine(lines[i])
	if !ok {
		return nil, false
	}
	h := &header{page: p, first: i, last: i, cols: cols, box: lines[i].Box}
	height := lines[i].Box.Height()
	if height <= 0 {
		height = 10
	}
	for j := i - 1; j >= 0 && j >= i-2; j-- {
		if lines[h.first].Box.Y0-lines[j].Box.Y1 > 0.8*height || !labelOnly(lines[j]) {
			break
		}
		mergeBand(h, lines[j], true)
		h.first = j
	}
	for j := i + 1; j < len(lines) && j <= i+2; j++ {
		if lines[j].Box.Y0-lines[h.last].Box.Y1 > 0.8*height || !labelOnly(lines[j]) {
			break
		}
		mergeBand(h, lines[j], false)
		h.last = j
	}
	texts := make([]string, 0, h.last-h.first+1)
	for j := h.first; j <= h.last; j++ {
		texts = append(texts, strings.TrimSpace(lines[j].Text()))
	}
	h.text = strings.Join(texts, " / ")
	for j := range h.cols {
		c := &h.cols[j]
		c.kind, c.hint, _ = classify(c.tokens)
	}
	resolvePrice(h)
	return h, true
}

// mergeBand adds the labels of a row above or below the header line to the
// columns they stand over, or as new columns.
func mergeBand(h *header, l document.Line, above bool) {
	h.box = h.box.Union(l.Box)
	for _, g := range labelGroups(l.Words) {
		best, bestOverlap := -1, 0.0
		for k, c := range h.cols {
			if o := math.Min(c.x1, g.x1) - math.Max(c.x0, g.x0); o > bestOverlap {
				best, bestOverlap = k, o
			}
		}
		if best < 0 {
			h.cols = append(h.cols, g)
			continue
		}
		c := &h.cols[best]
		c.x0, c.x1 = math.Min(c.x0, g.x0), math.Max(c.x1, g.x1)
		if above {
			c.tokens = append(append([]string(nil), g.tokens...), c.tokens...)
			c.label = g.label + " " + c.label
		} else {
			c.tokens = append(c.tokens, g.tokens...)
			c.label += " " + g.label
		}
	}
	sort.SliceStable(h.cols, func(a, b int) bool { return h.cols[a].x0 < h.cols[b].x0 })
}

// resolvePrice decides what a bare "Prix" / "Prix HT" column holds: the
// line amount when another column gives the unit price, the unit price
// when an amount column stands to its right.
func resolvePrice(h *header) {
	hasPU := h.has(kPU)
	for i := range h.cols {
		if h.cols[i].kind != kPrice {
			continue
		}
		kind := kMontant
		if !hasPU {
			for _, c := range h.cols[i+1:] {
				if c.kind == kMontant || c.kind == kPrice {
					kind = kPU
					hasPU = true
					break
				}
			}
		}
		h.cols[i].kind = kind
	}
}

// sameLayout says whether two headers have the same column kinds, as a
// table's header repeated on its next page does.
func sameLayout(a, b *header) bool {
	ka, kb := a.kinds(), b.kinds()
	if len(ka) != len(kb) {
		return false
	}
	for i := range ka {
		if ka[i] != kb[i] {
			return false
		}
	}
	return true
}

func (h *header) kinds() []colKind {
	out := make([]colKind, 0, len(h.cols))
	for _, c := range h.cols {
		if c.kind != kOther {
			out = append(out, c.kind)
		}
	}
	return out
}
