package extract

import (
	"github.com/depenses-eclairees/depenses/internal/fr"
	"math"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/depenses-eclairees/depenses/internal/document"
)

// tline is one row of a page, rendered once with everything the finders
// need: the text with column gaps kept (three or more spaces between
// cells), a folded copy for label matching, and the byte span of each word
// so that a value found in the text can be traced back to its boxes.
type tline struct {
	page   int // 1-based page number
	idx    int // index in the document's flat line list
	text   string
	fold   string // lower case, no accents, separators as single spaces
	foff   []int  // fold byte → text byte
	words  []document.Word
	wstart []int
	wend   []int
	box    document.Box
	pageW  float64
	pageH  float64
	ocr    bool // read by OCR: words carry the engine's confidence
}

// cell is a run of text on a line between column gaps.
type cell struct {
	start, end int // byte span in line.text
	text       string
}

// view is the document as the finders see it: every line of every page in
// reading order.
type view struct {
	lines []*tline
	pages []pageInfo
}

type pageInfo struct {
	first, last int // line index span [first, last)
	w, h        float64
}

// colGap is the number of spaces that marks a column gap in rendered text.
const colGap = 3

// maxLineWords bounds the work on pathological lines (a fuzzer's or a
// broken PDF's single row of thousands of words).
const maxLineWords = 400

func newView(doc *document.Document) *view {
	v := &view{}
	for pi, p := range doc.Pages {
		num := p.Number
		if num < 1 {
			num = pi + 1
		}
		info := pageInfo{first: len(v.lines), w: p.Width, h: p.Height}
		for _, l := range p.Lines {
			tl := renderLine(l)
			if tl == nil {
				continue
			}
			tl.page = num
			tl.idx = len(v.lines)
			tl.pageW, tl.pageH = p.Width, p.Height
			tl.ocr = p.Source == document.SourceOCR
			v.lines = append(v.lines, tl)
		}
		info.last = len(v.lines)
		if info.h <= 0 || info.w <= 0 {
			// Unknown page size: take the extent of the text.
			for _, l := range v.lines[info.first:info.last] {
				info.w = math.Max(info.w, l.box.X1)
				info.h = math.Max(info.h, l.box.Y1)
			}
			for _, l := range v.lines[info.first:info.last] {
				l.pageW, l.pageH = info.w, info.h
			}
		}
		v.pages = append(v.pages, info)
	}
	return v
}

// renderLine lays a row's words out as text: one space between words of a
// phrase, colGap or more where the gap is wider than two characters, as
// `pdftotext -layout` does, so that table cells stay apart.
func renderLine(l document.Line) *tline {
	words := make([]document.Word, 0, len(l.Words))
	for _, w := range l.Words {
		t := strings.TrimSpace(strings.ToValidUTF8(w.Text, ""))
		if t == "" {
			continue
		}
		w.Text = strings.Join(strings.Fields(t), " ")
		words = append(words, w)
		if len(words) >= maxLineWords {
			break
		}
	}
	if len(words) == 0 {
		return nil
	}
	var width float64
	var chars int
	for _, w := range words {
		width += w.Box.Width()
		chars += utf8.RuneCountInString(w.Text)
	}
	cw := 0.0
	if chars > 0 {
		cw = width / float64(chars)
	}
	tl := &tline{words: words}
	var b strings.Builder
	for i, w := range words {
		if i > 0 {
			gap := w.Box.X0 - words[i-1].Box.X1
			n := 1
			if cw > 0 && gap > 2*cw {
				n = colGap
			}
			b.WriteString(strings.Repeat(" ", n))
		}
		tl.wstart = append(tl.wstart, b.Len())
		b.WriteString(w.Text)
		tl.wend = append(tl.wend, b.Len())
		tl.box = tl.box.Union(w.Box)
	}
	tl.text = b.String()
	tl.fold, tl.foff = foldText(tl.text)
	return tl
}

// foldText lowers case, strips accents and turns punctuation that varies
// between writers of the same label ("N°", "Réf.", "accord-cadre",
// "Contract_Ref") into plain letters or single spaces. It returns the
// folded text and, for each of its bytes, the byte of text it came from.
func foldText(s string) (string, []int) {
	var b strings.Builder
	off := make([]int, 0, len(s))
	lastSpace := true
	for i, r := range s {
		var out string
		switch {
		case r == '°' || r == 'º':
			out = "o"
		case r == '’' || r == '`' || r == '´' || r == 'ʼ':
			out = "'"
		case r == '-' || r == '–' || r == '—' || r == '_' || r == '.' || r == '·' || r == '/' || r == '|' || r == '•' || r == '(' || r == ')' || r == ',' || r == ';':
			out = " "
		case unicode.IsSpace(r):
			out = " "
		case r == 'œ' || r == 'Œ':
			out = "oe"
		case r == 'æ' || r == 'Æ':
			out = "ae"
		case r < utf8.RuneSelf:
			out = string(unicode.ToLower(r))
		default:
			out = baseLetter(r)
		}
		if out == " " {
			if lastSpace {
				continue
			}
			lastSpace = true
		} else {
			lastSpace = false
		}
		for j := 0; j < len(out); j++ {
			off = append(off, i)
		}
		b.WriteString(out)
	}
	return b.String(), off
}

// baseLetter strips the accent of a letter and lowers it; a lone
// combining mark becomes a space.
func baseLetter(r rune) string {
	if unicode.Is(unicode.Mn, r) {
		return " "
	}
	a, b := fr.FoldRune(r)
	if b != 0 {
		return string([]rune{a, b})
	}
	return string(a)
}

// fold is foldText without the offsets, for label tables and values.
func fold(s string) string {
	f, _ := foldText(s)
	return strings.TrimSpace(f)
}

// textPos maps a folded byte offset to a text byte offset.
func (l *tline) textPos(f int) int {
	if f >= len(l.foff) {
		return len(l.text)
	}
	if f < 0 {
		return 0
	}
	return l.foff[f]
}

// cells splits the line at its column gaps.
func (l *tline) cells() []cell {
	var out []cell
	start := 0
	t := l.text
	for start < len(t) {
		i := strings.Index(t[start:], strings.Repeat(" ", colGap))
		if i < 0 {
			out = append(out, cell{start, len(t), t[start:]})
			break
		}
		out = append(out, cell{start, start + i, t[start : start+i]})
		j := start + i
		for j < len(t) && t[j] == ' ' {
			j++
		}
		start = j
	}
	return out
}

// cellAt returns the index of the cell holding text byte pos.
func cellAt(cs []cell, pos int) int {
	for i, c := range cs {
		if pos >= c.start && pos < c.end {
			return i
		}
		if pos < c.start {
			return i - 1
		}
	}
	return len(cs) - 1
}

// spanBox is the union of the boxes of the words overlapping [start, end).
func (l *tline) spanBox(start, end int) document.Box {
	var b document.Box
	for i := range l.words {
		if l.wend[i] > start && l.wstart[i] < end {
			b = b.Union(l.words[i].Box)
		}
	}
	return b
}

// spanConfidence is the lowest word confidence over [start, end): an OCR
// word read with doubt makes the value doubtful too.
func (l *tline) spanConfidence(start, end int) float64 {
	c := 1.0
	for i := range l.words {
		if l.wend[i] > start && l.wstart[i] < end {
			wc := l.words[i].Confidence
			if wc > 0 && wc < c {
				c = wc
			}
		}
	}
	return c
}

// evidence renders the line as a reader would quote it.
func (l *tline) evidence() string {
	s := strings.Join(strings.Fields(l.text), " ")
	if len(s) > 300 {
		cut := 300
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "…"
	}
	return s
}

// lineHeight is the typical height of the line's words.
func (l *tline) lineHeight() float64 {
	h := l.box.Height()
	if h <= 0 {
		return 10
	}
	return h
}

// below returns the lines under l on the same page, nearest first, no
// farther than maxLines rows and a few line heights.
func (v *view) below(l *tline, maxLines int) []*tline {
	var out []*tline
	lh := l.lineHeight()
	prevY := l.box.Y1
	for i := l.idx + 1; i < len(v.lines) && len(out) < maxLines; i++ {
		n := v.lines[i]
		if n.page != l.page {
			break
		}
		if n.box.Y0-prevY > 3*lh {
			break
		}
		out = append(out, n)
		prevY = n.box.Y1
	}
	return out
}

// wordsIn returns the text of the words of l whose horizontal centre lies
// in [x0, x1), with their span in l.text.
func (l *tline) wordsIn(x0, x1 float64) (string, int, int) {
	start, end := -1, -1
	for i, w := range l.words {
		c := (w.Box.X0 + w.Box.X1) / 2
		if w.Box.X0 >= x0-2 && c < x1 || c >= x0 && c < x1 {
			if start < 0 {
				start = l.wstart[i]
			}
			end = l.wend[i]
		} else if start >= 0 {
			break
		}
	}
	if start < 0 {
		return "", 0, 0
	}
	return l.text[start:end], start, end
}

// xOf returns the x of text byte pos on the line (left edge of its word).
func (l *tline) xOf(pos int) float64 {
	for i := range l.words {
		if pos < l.wend[i] {
			if pos <= l.wstart[i] {
				return l.words[i].Box.X0
			}
			// Inside a word: interpolate.
			w := l.words[i]
			frac := float64(pos-l.wstart[i]) / float64(max(1, l.wend[i]-l.wstart[i]))
			return w.Box.X0 + frac*w.Box.Width()
		}
	}
	return l.box.X1
}

// xEnd returns the right edge of the text ending at byte pos.
func (l *tline) xEnd(pos int) float64 {
	for i := range l.words {
		if pos <= l.wend[i] {
			if pos <= l.wstart[i] {
				if i > 0 {
					return l.words[i-1].Box.X1
				}
				return l.words[i].Box.X0
			}
			w := l.words[i]
			frac := float64(pos-l.wstart[i]) / float64(max(1, l.wend[i]-l.wstart[i]))
			return w.Box.X0 + frac*w.Box.Width()
		}
	}
	return l.box.X1
}
