package office

import (
	"archive/zip"
	"encoding/xml"
	"errors"
	"io"
	"strings"

	"github.com/depenses-eclairees/depenses/internal/document"
)

// Bounds on OpenDocument repetition attributes: a sheet may declare a
// million repeated empty rows; only rows with text are repeated, and not
// more than this.
const (
	maxRowRepeat  = 1000
	maxCellRepeat = 256
	maxColumns    = 1 << 14
)

// readODF reads an OpenDocument text, spreadsheet or presentation:
// styles.xml for page-break styles and (text only) headers and footers,
// then content.xml.
func readODF(p *pager, data []byte, kind Kind) error {
	z, err := openZip(data, p.lim, strings.ToUpper(string(kind)))
	if err != nil {
		return err
	}
	content := z.lookup("content.xml")
	if content == nil {
		return document.Errorf(document.ErrCorrupt, "le fichier %s ne contient pas de contenu (content.xml absent)", strings.ToUpper(string(kind)))
	}
	r := &odfReader{p: p, kind: kind, styles: map[string]*odfStyle{}}
	if f := z.lookup("styles.xml"); f != nil {
		hf := &odfReader{p: p, kind: kind, styles: r.styles, stylesOnly: true}
		if err := hf.readPart(z, f); err != nil && !isRecoverable(err) {
			return err
		}
		r.header, r.footer = hf.header, hf.footer
	}
	seen := map[string]bool{}
	if kind == KindODT {
		for _, l := range r.header {
			if err := emitOnce(p, seen, l); err != nil {
				return err
			}
		}
	}
	if err := r.readPart(z, content); err != nil {
		if !isRecoverable(err) || p.textBytes == 0 {
			return err
		}
		p.warn("document %s partiellement lu : %v", strings.ToUpper(string(kind)), err)
	}
	if kind == KindODT {
		for _, l := range r.footer {
			if err := emitOnce(p, seen, l); err != nil {
				return err
			}
		}
	}
	return nil
}

func emitOnce(p *pager, seen map[string]bool, line string) error {
	key := strings.Join(strings.Fields(line), " ")
	if key == "" || seen[key] {
		return nil
	}
	seen[key] = true
	return p.line(line)
}

type odfStyle struct {
	parent      string
	breakBefore bool
	breakAfter  bool
}

// odfReader walks an OpenDocument XML part.
type odfReader struct {
	p          *pager
	kind       Kind
	styles     map[string]*odfStyle
	stylesOnly bool // styles.xml: styles, headers and footers only

	curStyle *odfStyle
	hfDepth  int  // inside a master page header or footer
	hfFooter bool // … and it is a footer
	header   []string
	footer   []string

	paras  []*odfPara
	tables []*odfTable
	deep   int // tables nested beyond maxTableDepth
	skip   int
}

type odfPara struct {
	b          strings.Builder
	tableDepth int
	breakAfter bool
}

type odfTable struct {
	rows    [][]cell
	cur     []cell
	parts   []string
	col     int
	inCell  bool
	repeat  int // columns the open cell repeats
	span    int
	rowRep  int // times the open row repeats
	isSheet bool
}

// skippedODF are subtrees that hold no shown text: comments, change
// tracking, embedded binaries, alternative text, slide notes.
var skippedODF = map[string]bool{
	"annotation": true, "tracked-changes": true, "binary-data": true, "note-citation": true,
	"notes": true, "forms": true, "scripts": true,
	"font-face-decls": true, "sequence-decls": true, "named-expressions": true, "event-listeners": true,
}

func (r *odfReader) readPart(z *zipArchive, zf *zip.File) error {
	rc, err := z.open(zf)
	if err != nil {
		return err
	}
	defer rc.Close()
	d := newXMLDecoder(&tokenGuard{r: rc, name: zf.Name})
	for {
		tok, err := d.Token()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return r.finish()
			}
			var re *document.ReadError
			if errors.As(err, &re) {
				return err
			}
			if ferr := r.finish(); ferr != nil && !isRecoverable(ferr) {
				return ferr
			}
			return document.Errorf(document.ErrCorrupt, "XML mal formé : %w", err)
		}
		if err := r.p.check(); err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if err := r.start(t); err != nil {
				return err
			}
		case xml.EndElement:
			if err := r.end(t); err != nil {
				return err
			}
		case xml.CharData:
			if r.skip == 0 && len(r.paras) > 0 && r.p.grow(len(t)) {
				r.writeCollapsed(string(t))
			}
		}
		if r.p.full {
			return errTextLimit
		}
	}
}

func (r *odfReader) finish() error {
	for len(r.paras) > 0 {
		if err := r.endPara(); err != nil {
			return err
		}
	}
	for len(r.tables) > 0 {
		if err := r.endTable(); err != nil {
			return err
		}
	}
	return nil
}

// writeCollapsed appends character data as OpenDocument shows it: runs of
// white space are one space (text:s carries the spaces that count).
func (r *odfReader) writeCollapsed(s string) {
	pa := r.paras[len(r.paras)-1]
	space := pa.b.Len() == 0
	for _, c := range s {
		switch c {
		case ' ', '\t', '\r', '\n':
			if !space {
				pa.b.WriteByte(' ')
				space = true
			}
		default:
			pa.b.WriteRune(c)
			space = false
		}
	}
}

func (r *odfReader) write(s string) {
	if len(r.paras) > 0 && r.skip == 0 && r.p.grow(len(s)) {
		r.paras[len(r.paras)-1].b.WriteString(s)
	}
}

func (r *odfReader) start(se xml.StartElement) error {
	name := se.Name.Local
	if r.skip > 0 {
		r.skip++
		return nil
	}
	if skippedODF[name] || (se.Name.Space == nsSVG && (name == "desc" || name == "title")) {
		r.skip = 1
		return nil
	}
	switch name {
	case "style", "default-style":
		st := &odfStyle{parent: attr(se, "parent-style-name")}
		if mp := attr(se, "master-page-name"); mp != "" && attr(se, "family") == "paragraph" {
			st.breakBefore = true // a new page style starts on a new page
		}
		if n := attr(se, "name"); n != "" && name == "style" {
			r.styles[n] = st
		}
		r.curStyle = st
	case "paragraph-properties", "table-properties":
		if r.curStyle != nil {
			r.curStyle.breakBefore = r.curStyle.breakBefore || attr(se, "break-before") == "page"
			r.curStyle.breakAfter = r.curStyle.breakAfter || attr(se, "break-after") == "page"
		}
	case "header", "footer", "header-left", "footer-left", "header-first", "footer-first":
		if r.stylesOnly && se.Name.Space == nsStyle {
			r.hfDepth++
			r.hfFooter = strings.HasPrefix(name, "footer")
		}
	case "p", "h":
		if r.stylesOnly && r.hfDepth == 0 {
			r.skip = 1
			return nil
		}
		before, after := r.breaks(attr(se, "style-name"))
		if before {
			r.requestBreak()
		}
		r.paras = append(r.paras, &odfPara{tableDepth: len(r.tables), breakAfter: after})
	case "s":
		r.write(strings.Repeat(" ", clampInt(attr(se, "c"), 1, 1000)))
	case "tab":
		r.write("\t")
	case "line-break":
		return r.lineBreak()
	case "soft-page-break":
		if r.kind == KindODT {
			r.requestBreak()
		}
	case "page":
		if r.kind == KindODP && se.Name.Space == nsDraw {
			return r.p.newPage()
		}
	case "table":
		if se.Name.Space != nsTable {
			return nil
		}
		if len(r.tables) >= maxTableDepth {
			r.deep++
			return nil
		}
		t := &odfTable{}
		if r.kind == KindODS && len(r.tables) == 0 && len(r.paras) == 0 {
			t.isSheet = true
			if err := r.p.newPage(); err != nil {
				return err
			}
			if err := r.p.line("Feuille : " + attr(se, "name")); err != nil {
				return err
			}
		} else {
			if before, _ := r.breaks(attr(se, "style-name")); before {
				r.requestBreak()
			}
		}
		r.tables = append(r.tables, t)
	case "table-row":
		if t := r.topTable(); t != nil && r.deep == 0 {
			t.cur, t.col = nil, 0
			t.rowRep = clampInt(attr(se, "number-rows-repeated"), 1, 1<<20)
		}
	case "table-cell":
		if t := r.topTable(); t != nil && r.deep == 0 {
			t.inCell, t.parts = true, nil
			t.repeat = clampInt(attr(se, "number-columns-repeated"), 1, maxColumns)
			t.span = clampInt(attr(se, "number-columns-spanned"), 1, maxColumns)
		}
	case "covered-table-cell":
		if t := r.topTable(); t != nil && r.deep == 0 {
			t.col = min(t.col+clampInt(attr(se, "number-columns-repeated"), 1, maxColumns), maxColumns)
		}
		r.skip = 1 // merged away: its value shows once, in the covering cell
	}
	return nil
}

// OpenDocument namespaces whose local names are ambiguous.
const (
	nsStyle = "urn:oasis:names:tc:opendocument:xmlns:style:1.0"
	nsDraw  = "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"
	nsTable = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
	nsSVG   = "urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"
)

func (r *odfReader) end(ee xml.EndElement) error {
	name := ee.Name.Local
	if r.skip > 0 {
		r.skip--
		return nil
	}
	switch name {
	case "style", "default-style":
		r.curStyle = nil
	case "header", "footer", "header-left", "footer-left", "header-first", "footer-first":
		if r.hfDepth > 0 && ee.Name.Space == nsStyle {
			r.hfDepth--
		}
	case "p", "h":
		return r.endPara()
	case "table-cell":
		if t := r.topTable(); t != nil && t.inCell && r.deep == 0 {
			t.inCell = false
			text := cellText(strings.Join(t.parts, " "))
			n := t.repeat
			if text == "" {
				t.col = min(t.col+n, maxColumns)
				return nil
			}
			for i := 0; i < min(n, maxCellRepeat) && t.col < maxColumns; i++ {
				t.cur = append(t.cur, cell{col: t.col, text: text})
				t.col += t.span
			}
			t.col = min(t.col, maxColumns)
		}
	case "table-row":
		if t := r.topTable(); t != nil && r.deep == 0 {
			if !hasText(t.cur) {
				return nil
			}
			for i := 0; i < min(t.rowRep, maxRowRepeat); i++ {
				t.rows = append(t.rows, t.cur)
			}
			t.cur = nil
			if len(r.tables) == 1 && len(t.rows) >= tableChunkRows {
				return r.flushTable(t)
			}
		}
	case "table":
		if ee.Name.Space == nsTable {
			if r.deep > 0 {
				r.deep--
				return nil
			}
			return r.endTable()
		}
	}
	return nil
}

func hasText(cells []cell) bool {
	for _, c := range cells {
		if c.text != "" {
			return true
		}
	}
	return false
}

// breaks resolves a style's page breaks through its parents.
func (r *odfReader) breaks(style string) (before, after bool) {
	for i := 0; i < 16 && style != ""; i++ {
		st := r.styles[style]
		if st == nil {
			break
		}
		before, after = before || st.breakBefore, after || st.breakAfter
		style = st.parent
	}
	return before, after
}

func (r *odfReader) topTable() *odfTable {
	if len(r.tables) == 0 {
		return nil
	}
	return r.tables[len(r.tables)-1]
}

func (r *odfReader) requestBreak() {
	if len(r.tables) > 0 || r.stylesOnly {
		return // a break inside a table row is not worth splitting the row
	}
	r.p.pageBreak()
}

func (r *odfReader) lineBreak() error {
	if len(r.paras) == 0 {
		return nil
	}
	pa := r.paras[len(r.paras)-1]
	if pa.tableDepth > 0 || r.stylesOnly {
		pa.b.WriteByte(' ')
		return nil
	}
	text := pa.b.String()
	pa.b.Reset()
	return r.p.line(text)
}

func (r *odfReader) endPara() error {
	if len(r.paras) == 0 {
		return nil
	}
	pa := r.paras[len(r.paras)-1]
	r.paras = r.paras[:len(r.paras)-1]
	text := pa.b.String()
	if r.stylesOnly {
		if r.hfDepth > 0 && strings.TrimSpace(text) != "" {
			if r.hfFooter {
				r.footer = append(r.footer, text)
			} else {
				r.header = append(r.header, text)
			}
		}
		return nil
	}
	if pa.tableDepth > 0 && pa.tableDepth <= len(r.tables) {
		if t := r.tables[pa.tableDepth-1]; t.inCell {
			if s := strings.TrimSpace(text); s != "" {
				t.parts = append(t.parts, s)
			}
			return nil
		}
	}
	if err := r.p.line(text); err != nil {
		return err
	}
	if pa.breakAfter {
		r.requestBreak()
	}
	return nil
}

func (r *odfReader) endTable() error {
	t := r.topTable()
	if t == nil {
		return nil
	}
	if t.inCell {
		t.cur = append(t.cur, cell{col: t.col, text: cellText(strings.Join(t.parts, " "))})
	}
	if hasText(t.cur) {
		t.rows = append(t.rows, t.cur)
	}
	r.tables = r.tables[:len(r.tables)-1]
	if outer := r.topTable(); outer != nil {
		for _, l := range layoutRows(t.rows) {
			if s := strings.TrimSpace(l); s != "" && outer.inCell {
				outer.parts = append(outer.parts, s)
			}
		}
		return nil
	}
	return r.flushTable(t)
}

func (r *odfReader) flushTable(t *odfTable) error {
	for _, l := range layoutRows(t.rows) {
		if err := r.p.line(l); err != nil {
			return err
		}
	}
	t.rows = t.rows[:0]
	return nil
}
