package office

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/depenses-eclairees/depenses/internal/document"
	"github.com/depenses-eclairees/depenses/internal/intake/limits"
)

// The notional page on which office text is laid out: A4 in points, a
// monospaced grid of 6 pt columns and 14 pt rows.
const (
	pageWidth   = 595.0
	pageHeight  = 842.0
	lineStep    = 14.0
	charWidth   = 6.0
	glyphHeight = 10.0
	// cellGap is the number of spaces between table cells: Line.Text keeps
	// gaps wider than two characters, so three keep columns apart.
	cellGap = 3
	// maxCellWidth caps the width a single cell gives its column, so one
	// long description does not push every other column far right.
	maxCellWidth = 40
	// maxBlankRun caps consecutive blank lines kept as vertical space.
	maxBlankRun = 2
	// tabStop is the tab width in characters.
	tabStop = 8
)

// errTextLimit stops a reader once MaxTextBytes of text were kept.
var errTextLimit = errors.New("text limit reached")

// pager turns lines of text into pages of positioned words.
type pager struct {
	ctx   context.Context
	lim   limits.Limits
	pages []document.Page

	open         bool // a current page exists
	lines        []document.Line
	row          int // next line index on the current page
	blank        int // consecutive blank lines seen
	maxX         float64
	pendingBreak bool

	textBytes int64
	buffered  int64 // bytes appended to paragraph and cell buffers
	full      bool
	calls     int
	warnings  []string
}

func newPager(ctx context.Context, lim limits.Limits) *pager {
	return &pager{ctx: ctx, lim: lim}
}

func (p *pager) warn(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	for _, w := range p.warnings {
		if w == msg {
			return
		}
	}
	p.warnings = append(p.warnings, msg)
}

// check returns the context's error now and then, so long loops stop soon
// after a timeout without paying for a check on every line.
func (p *pager) check() error {
	p.calls++
	if p.calls%256 == 0 {
		if err := p.ctx.Err(); err != nil {
			return contextError(err)
		}
	}
	return nil
}

// grow accounts for n bytes a reader is about to buffer (a paragraph, a
// cell) before any line is emitted, so that a file made of one endless
// paragraph stops at the text limit instead of filling memory.
func (p *pager) grow(n int) bool {
	if p.full {
		return false
	}
	p.buffered += int64(n)
	if p.lim.MaxTextBytes > 0 && p.buffered > 2*p.lim.MaxTextBytes+1<<20 {
		p.full = true
		p.warn("texte tronqué : le document dépasse la taille de texte maximale (%d octets)", p.lim.MaxTextBytes)
		return false
	}
	return true
}

// pageBreak asks for a new page before the next line. Breaks with nothing
// between them make one break: no blank pages.
func (p *pager) pageBreak() { p.pendingBreak = true }

// newPage starts a page now (a sheet, a slide), even if the current one is empty.
func (p *pager) newPage() error {
	if p.full {
		return errTextLimit
	}
	if p.open {
		p.closePage()
	}
	if p.lim.MaxPages > 0 && len(p.pages) >= p.lim.MaxPages {
		return document.Errorf(document.ErrPageLimit,
			"le document dépasse le nombre maximal de pages ou de feuilles (%d)", p.lim.MaxPages)
	}
	p.open = true
	p.pendingBreak = false
	return nil
}

func (p *pager) closePage() {
	width := max(pageWidth, p.maxX)
	height := max(pageHeight, float64(p.row)*lineStep)
	p.pages = append(p.pages, document.Page{
		Number: len(p.pages) + 1,
		Width:  width,
		Height: height,
		Source: document.SourceOffice,
		Lines:  p.lines,
	})
	p.open, p.lines, p.row, p.blank, p.maxX = false, nil, 0, 0, 0
}

// line adds one line of text. Runs of spaces stay as gaps between words;
// a tab moves to the next tab stop, at least cellGap columns on.
func (p *pager) line(text string) error {
	if p.full {
		return errTextLimit
	}
	if err := p.check(); err != nil {
		return err
	}
	if strings.TrimFunc(text, unicode.IsSpace) == "" {
		if p.open && len(p.lines) > 0 && p.blank < maxBlankRun {
			p.row++
			p.blank++
		}
		return nil
	}
	if p.lim.MaxTextBytes > 0 && p.textBytes+int64(len(text)) > p.lim.MaxTextBytes {
		p.full = true
		p.warn("texte tronqué : le document dépasse la taille de texte maximale (%d octets)", p.lim.MaxTextBytes)
		return errTextLimit
	}
	p.textBytes += int64(len(text)) + 1
	if p.pendingBreak && p.open && len(p.lines) > 0 {
		if err := p.newPage(); err != nil {
			return err
		}
	}
	p.pendingBreak = false
	if !p.open {
		if err := p.newPage(); err != nil {
			return err
		}
	}
	y := float64(p.row) * lineStep
	var ln document.Line
	col, start := 0, -1
	var word strings.Builder
	flush := func() {
		if start < 0 {
			return
		}
		n := utf8.RuneCountInString(word.String())
		w := document.Word{
			Text:       word.String(),
			Box:        document.Box{X0: float64(start) * charWidth, Y0: y, X1: float64(start+n) * charWidth, Y1: y + glyphHeight},
			Confidence: 1,
		}
		ln.Words = append(ln.Words, w)
		ln.Box = ln.Box.Union(w.Box)
		word.Reset()
		start = -1
	}
	for _, r := range text {
		switch {
		case r == '\t':
			flush()
			col = max(col+cellGap, (col/tabStop+1)*tabStop)
		case unicode.IsSpace(r):
			flush()
			col++
		case unicode.IsControl(r) || r == utf8.RuneError || r == '\u00ad' || r == '\ufeff':
			// soft hyphens, BOMs and control characters print nothing
		default:
			if start < 0 {
				start = col
			}
			word.WriteRune(r)
			col++
		}
	}
	flush()
	if len(ln.Words) == 0 {
		return nil
	}
	p.lines = append(p.lines, ln)
	p.maxX = max(p.maxX, ln.Box.X1)
	p.row++
	p.blank = 0
	return nil
}

// finish closes the last page and returns the pages and warnings. A file
// with no text still gives one (empty) page.
func (p *pager) finish() ([]document.Page, []string) {
	if p.open {
		p.closePage()
	}
	if len(p.pages) == 0 {
		p.warn("le document ne contient aucun texte")
		p.open = true
		p.closePage()
	}
	return p.pages, p.warnings
}

// cell is one table or spreadsheet cell at its grid column.
type cell struct {
	col  int
	text string
}

// layoutRows renders table rows as lines with the cells of one column
// starting at the same character position, at least cellGap spaces apart,
// as `pdftotext -layout` renders a table.
func layoutRows(rows [][]cell) []string {
	var widths []int
	for _, r := range rows {
		sort.SliceStable(r, func(i, j int) bool { return r[i].col < r[j].col })
		for _, c := range r {
			if c.col < 0 {
				continue
			}
			for len(widths) <= c.col {
				widths = append(widths, 0)
			}
			if n := utf8.RuneCountInString(c.text); n <= maxCellWidth {
				widths[c.col] = max(widths[c.col], n)
			} else {
				widths[c.col] = max(widths[c.col], 1)
			}
		}
	}
	starts := make([]int, len(widths))
	pos := 0
	for i, w := range widths {
		starts[i] = pos
		if w > 0 {
			pos += w + cellGap
		}
	}
	out := make([]string, 0, len(rows))
	var b strings.Builder
	for _, r := range rows {
		b.Reset()
		n := 0
		for _, c := range r {
			if c.text == "" || c.col < 0 {
				continue
			}
			at := starts[c.col]
			if n > 0 {
				at = max(at, n+cellGap)
			}
			b.WriteString(strings.Repeat(" ", at-n))
			b.WriteString(c.text)
			n = at + utf8.RuneCountInString(c.text)
		}
		out = append(out, b.String())
	}
	return out
}

// cellText flattens a cell's text to one line.
func cellText(s string) string {
	s = strings.TrimFunc(s, unicode.IsSpace)
	if strings.ContainsAny(s, "\r\n\t") {
		s = strings.Join(strings.FieldsFunc(s, func(r rune) bool { return r == '\r' || r == '\n' || r == '\t' }), " ")
	}
	return s
}
