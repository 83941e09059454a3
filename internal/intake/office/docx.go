package office

import (
	"encoding/xml"
	"errors"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/depenses-eclairees/depenses/internal/document"
)

// Checkbox glyphs, as Word shows its content-control checkboxes.
const (
	boxChecked   = "☒"
	boxUnchecked = "☐"
)

// maxTableDepth bounds nested tables: deeper ones are read as text of the
// deepest cell, so hostile nesting costs no more than flat text.
const maxTableDepth = 32

// Maximum rows a table buffers before its columns are laid out and its
// lines emitted: it bounds memory on huge tables.
const tableChunkRows = 500

// readDOCX reads a WordprocessingML document: its main part, then headers
// at the top of the first page and footers and notes at the end of the last.
func readDOCX(p *pager, data []byte) error {
	z, err := openZip(data, p.lim, "DOCX")
	if err != nil {
		return err
	}
	types := z.contentTypes()
	main := z.partWithType(types, "word/document.xml",
		"wordprocessingml.document.main+xml", "wordprocessingml.template.main+xml",
		"ms-word.document.macroEnabled.main+xml", "ms-word.template.macroEnabledTemplate.main+xml")
	if main == "" {
		return document.Errorf(document.ErrCorrupt, "le fichier DOCX ne contient pas de document Word (word/document.xml absent)")
	}
	rels, err := z.readRels(main)
	if err != nil {
		p.warn("relations du document illisibles : en-têtes et pieds de page ignorés")
	}
	var headers, footers, notes []string
	for _, r := range rels {
		if strings.EqualFold(r.Mode, "External") {
			continue
		}
		target := relTarget(main, r.Target)
		switch {
		case strings.HasSuffix(r.Type, "/header"):
			headers = append(headers, target)
		case strings.HasSuffix(r.Type, "/footer"):
			footers = append(footers, target)
		case strings.HasSuffix(r.Type, "/footnotes"), strings.HasSuffix(r.Type, "/endnotes"):
			notes = append(notes, target)
		}
	}
	sort.Strings(headers)
	sort.Strings(footers)
	sort.Strings(notes)

	seen := map[string]bool{} // the same header text in several sections is kept once
	if err := readWordParts(p, z, headers, seen); err != nil {
		return err
	}
	mainErr := readWordPart(p, z, main, nil, false)
	if mainErr != nil && !isRecoverable(mainErr) {
		return mainErr
	}
	if mainErr != nil {
		if p.textBytes == 0 {
			return mainErr
		}
		p.warn("document Word partiellement lu : %v", mainErr)
	}
	if err := readWordParts(p, z, append(footers, notes...), seen); err != nil {
		return err
	}
	return nil
}

// isRecoverable says whether a part's error still leaves what was read
// useful: malformed or truncated XML is, limits and timeouts are not.
func isRecoverable(err error) bool {
	if errors.Is(err, errTextLimit) {
		return false
	}
	var re *document.ReadError
	if errors.As(err, &re) {
		return re.Code == document.ErrCorrupt
	}
	return true
}

// readWordParts reads secondary parts (headers, footers, notes); one that
// fails is skipped with a warning.
func readWordParts(p *pager, z *zipArchive, parts []string, seen map[string]bool) error {
	for _, part := range parts {
		if z.lookup(part) == nil {
			continue
		}
		if err := readWordPart(p, z, part, seen, false); err != nil {
			if !isRecoverable(err) {
				return err
			}
			p.warn("partie %s illisible : ignorée", part)
		}
	}
	return nil
}

// readWordPart streams one XML part through a wordReader.
func readWordPart(p *pager, z *zipArchive, part string, seen map[string]bool, slide bool) error {
	f := z.lookup(part)
	if f == nil {
		return document.Errorf(document.ErrCorrupt, "partie %s absente", part)
	}
	rc, err := z.open(f)
	if err != nil {
		return err
	}
	defer rc.Close()
	w := &wordReader{p: p, seen: seen, slide: slide}
	return w.run(newXMLDecoder(&tokenGuard{r: rc, name: part}))
}

// wordReader walks WordprocessingML (w:p, w:r, w:t, w:tbl…) or
// DrawingML text (a:p, a:r, a:t, a:tbl…), which share their local names.
type wordReader struct {
	p     *pager
	seen  map[string]bool // lines already emitted (headers/footers), or nil
	slide bool            // DrawingML (PPTX) rather than WordprocessingML

	paras  []*para
	tables []*table
	deep   int // tables nested beyond maxTableDepth, read as plain cells
	skip   int // depth inside an ignored subtree
	props  int // depth inside property elements (pPr, rPr, tcPr…)
	inText bool

	inCheckBox      bool
	checkBoxDefault bool
	checkBoxChecked int // -1 unset, 0 or 1
}

type para struct {
	b          strings.Builder
	tableDepth int // tables open when the paragraph started
	sectBreak  bool
}

type table struct {
	rows       []tableRow
	cur        tableRow
	parts      []string // paragraphs of the open cell
	col, span  int
	inCell     bool
	breakAfter bool
}

type tableRow struct {
	cells       []cell
	breakBefore bool
}

// skippedWord are subtrees whose text is not shown: alternate renderings,
// deleted or moved-away text, field codes, comments' anchors.
var skippedWord = map[string]bool{
	"Fallback": true, "delText": true, "instrText": true, "moveFrom": true,
	"delInstrText": true,
}

var wordProps = map[string]bool{
	"pPr": true, "rPr": true, "tblPr": true, "trPr": true, "tcPr": true, "sectPr": true,
	"tblGrid": true, "tblPrEx": true, "sdtPr": true, "sdtEndPr": true, "bodyPr": true, "lstStyle": true,
	"spPr": true, "nvSpPr": true, "nvGraphicFramePr": true, "nvPicPr": true, "tcPrChange": true,
	"pPrChange": true, "rPrChange": true,
}

func (w *wordReader) run(d *xml.Decoder) error {
	for {
		tok, err := d.Token()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return w.finish()
			}
			var re *document.ReadError
			if errors.As(err, &re) {
				return err
			}
			_ = w.finish()
			return document.Errorf(document.ErrCorrupt, "XML mal formé : %w", err)
		}
		if err := w.p.check(); err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if err := w.start(t); err != nil {
				return err
			}
		case xml.EndElement:
			if err := w.end(t); err != nil {
				return err
			}
		case xml.CharData:
			if w.inText && w.skip == 0 && len(w.paras) > 0 && w.p.grow(len(t)) {
				w.paras[len(w.paras)-1].b.Write(t)
			}
		}
		if w.p.full {
			return errTextLimit
		}
	}
}

// finish emits what an unterminated document left open.
func (w *wordReader) finish() error {
	for len(w.paras) > 0 {
		if err := w.endPara(); err != nil {
			return err
		}
	}
	for len(w.tables) > 0 {
		if err := w.endTable(); err != nil {
			return err
		}
	}
	return nil
}

func (w *wordReader) write(s string) {
	if len(w.paras) > 0 && w.skip == 0 && w.p.grow(len(s)) {
		w.paras[len(w.paras)-1].b.WriteString(s)
	}
}

func (w *wordReader) start(se xml.StartElement) error {
	name := se.Name.Local
	if w.skip > 0 {
		w.skip++
		return nil
	}
	if skippedWord[name] {
		w.skip = 1
		return nil
	}
	if wordProps[name] {
		w.props++
		if name == "sectPr" && len(w.paras) > 0 {
			w.paras[len(w.paras)-1].sectBreak = true
		}
		return nil
	}
	if w.props > 0 {
		switch name {
		case "pageBreakBefore":
			if onOff(se) {
				w.requestBreak()
			}
		case "gridSpan":
			if t := w.topTable(); t != nil && t.inCell {
				t.span = clampInt(attr(se, "val"), 1, 1000)
			}
		case "type":
			if v := attr(se, "val"); v == "continuous" && len(w.paras) > 0 {
				w.paras[len(w.paras)-1].sectBreak = false
			}
		}
		return nil
	}
	switch name {
	case "p":
		w.paras = append(w.paras, &para{tableDepth: len(w.tables)})
	case "t":
		w.inText = true
	case "tab":
		w.write("\t")
	case "br", "cr":
		switch attr(se, "type") {
		case "page":
			if err := w.lineBreak(); err != nil {
				return err
			}
			w.requestBreak()
		default:
			return w.lineBreak()
		}
	case "lastRenderedPageBreak":
		if err := w.lineBreak(); err != nil {
			return err
		}
		w.requestBreak()
	case "noBreakHyphen":
		w.write("-")
	case "sym":
		w.write(symbolChar(attr(se, "font"), attr(se, "char")))
	case "checkBox":
		w.inCheckBox, w.checkBoxDefault, w.checkBoxChecked = true, false, -1
	case "default":
		if w.inCheckBox {
			w.checkBoxDefault = onOff(se)
		}
	case "checked":
		if w.inCheckBox {
			w.checkBoxChecked = 0
			if onOff(se) {
				w.checkBoxChecked = 1
			}
		}
	case "tbl":
		if len(w.tables) >= maxTableDepth {
			w.deep++
			return nil
		}
		w.tables = append(w.tables, &table{})
	case "tr":
		if t := w.topTable(); t != nil && w.deep == 0 {
			t.cur = tableRow{breakBefore: t.breakAfter}
			t.breakAfter = false
			t.col = 0
		}
	case "tc":
		if t := w.topTable(); t != nil && w.deep == 0 {
			t.inCell, t.parts, t.span = true, nil, 1
			if w.slide {
				if hasAttr(se, "hMerge") || hasAttr(se, "vMerge") {
					t.span = 1 // a merged-away cell: its value shows in the first
				}
				if s := attr(se, "gridSpan"); s != "" {
					t.span = clampInt(s, 1, 1000)
				}
			}
		}
	}
	return nil
}

func (w *wordReader) end(ee xml.EndElement) error {
	name := ee.Name.Local
	if w.skip > 0 {
		w.skip--
		return nil
	}
	if wordProps[name] {
		w.props--
		return nil
	}
	if w.props > 0 {
		return nil
	}
	switch name {
	case "t":
		w.inText = false
	case "p":
		return w.endPara()
	case "checkBox":
		if w.inCheckBox {
			w.inCheckBox = false
			checked := w.checkBoxDefault
			if w.checkBoxChecked >= 0 {
				checked = w.checkBoxChecked == 1
			}
			if checked {
				w.write(boxChecked)
			} else {
				w.write(boxUnchecked)
			}
		}
	case "tc":
		if t := w.topTable(); t != nil && t.inCell && w.deep == 0 {
			text := cellText(strings.Join(t.parts, " "))
			t.cur.cells = append(t.cur.cells, cell{col: t.col, text: text})
			t.col += t.span
			t.inCell = false
		}
	case "tr":
		if t := w.topTable(); t != nil && w.deep == 0 {
			t.rows = append(t.rows, t.cur)
			t.cur = tableRow{}
			if len(w.tables) == 1 && len(t.rows) >= tableChunkRows {
				return w.flushTable(t)
			}
		}
	case "tbl":
		if w.deep > 0 {
			w.deep--
			return nil
		}
		return w.endTable()
	}
	return nil
}

func (w *wordReader) topTable() *table {
	if len(w.tables) == 0 {
		return nil
	}
	return w.tables[len(w.tables)-1]
}

// requestBreak asks for a page break before what comes next: before the
// next row when inside a table (rows are emitted later), else now.
func (w *wordReader) requestBreak() {
	if len(w.tables) > 0 {
		t := w.tables[0]
		if t.inCell || len(t.cur.cells) > 0 {
			t.cur.breakBefore = true
		} else {
			t.breakAfter = true
		}
		return
	}
	w.p.pageBreak()
}

// lineBreak ends the current line of a paragraph (w:br): a new line in
// body text, a space inside a table cell.
func (w *wordReader) lineBreak() error {
	if len(w.paras) == 0 {
		return nil
	}
	pa := w.paras[len(w.paras)-1]
	if pa.tableDepth > 0 {
		pa.b.WriteByte(' ')
		return nil
	}
	text := pa.b.String()
	pa.b.Reset()
	return w.emit(text)
}

func (w *wordReader) endPara() error {
	if len(w.paras) == 0 {
		return nil
	}
	pa := w.paras[len(w.paras)-1]
	w.paras = w.paras[:len(w.paras)-1]
	text := pa.b.String()
	if pa.tableDepth > 0 && pa.tableDepth <= len(w.tables) {
		if t := w.tables[pa.tableDepth-1]; t.inCell {
			if s := strings.TrimSpace(text); s != "" {
				t.parts = append(t.parts, s)
			}
			return nil
		}
	}
	if err := w.emit(text); err != nil {
		return err
	}
	if pa.sectBreak {
		w.requestBreak()
	}
	return nil
}

// emit sends a line to the pager, once when lines are deduplicated.
func (w *wordReader) emit(text string) error {
	if w.seen != nil {
		key := strings.Join(strings.Fields(text), " ")
		if key == "" {
			return nil
		}
		if w.seen[key] {
			return nil
		}
		w.seen[key] = true
	}
	return w.p.line(text)
}

func (w *wordReader) endTable() error {
	t := w.topTable()
	if t == nil {
		return nil
	}
	if t.inCell || len(t.cur.cells) > 0 {
		if t.inCell {
			t.cur.cells = append(t.cur.cells, cell{col: t.col, text: cellText(strings.Join(t.parts, " "))})
		}
		t.rows = append(t.rows, t.cur)
	}
	w.tables = w.tables[:len(w.tables)-1]
	if len(w.tables) > 0 {
		// A nested table becomes text of the outer cell, one row after the other.
		outer := w.topTable()
		for _, l := range layoutRows(rowCells(t.rows)) {
			if s := strings.TrimSpace(l); s != "" && outer.inCell {
				outer.parts = append(outer.parts, s)
			}
		}
		return nil
	}
	if err := w.flushTable(t); err != nil {
		return err
	}
	if t.breakAfter {
		w.p.pageBreak()
	}
	return nil
}

// flushTable lays out and emits the rows buffered so far.
func (w *wordReader) flushTable(t *table) error {
	lines := layoutRows(rowCells(t.rows))
	for i, l := range lines {
		if t.rows[i].breakBefore {
			w.p.pageBreak()
		}
		if err := w.emit(l); err != nil {
			return err
		}
	}
	t.rows = t.rows[:0]
	return nil
}

func rowCells(rows []tableRow) [][]cell {
	out := make([][]cell, len(rows))
	for i, r := range rows {
		out[i] = r.cells
	}
	return out
}

// onOff reads an OOXML on/off property: present means on unless val says off.
func onOff(se xml.StartElement) bool {
	switch strings.ToLower(attr(se, "val")) {
	case "0", "false", "off":
		return false
	}
	return true
}

func clampInt(s string, lo, hi int) int {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < lo {
		return lo
	}
	return min(n, hi)
}

// symbolChar renders a w:sym: the checkbox glyphs of Wingdings as the
// Unicode ballot boxes, other symbol-font characters as themselves.
func symbolChar(font, code string) string {
	n, err := strconv.ParseUint(strings.TrimSpace(code), 16, 32)
	if err != nil {
		return ""
	}
	if n >= 0xF000 && n <= 0xF0FF {
		n -= 0xF000 // symbol fonts map their glyphs into the private use area
	}
	if strings.HasPrefix(strings.ToLower(font), "wingdings") {
		switch n {
		case 0x6F, 0x71, 0x72, 0xA8:
			return boxUnchecked
		case 0x78, 0xFD, 0xFE, 0xFC:
			return boxChecked
		}
		return ""
	}
	if n < 0x20 || n > 0x10FFFF || (n >= 0xD800 && n <= 0xDFFF) {
		return ""
	}
	return string(rune(n))
}
