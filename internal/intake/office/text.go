package office

import (
	"bytes"
	"encoding/csv"
	"encoding/xml"
	"errors"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/charset"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"

	"github.com/depenses-eclairees/depenses/internal/document"
)

var (
	bomUTF8    = []byte{0xEF, 0xBB, 0xBF}
	bomUTF16LE = []byte{0xFF, 0xFE}
	bomUTF16BE = []byte{0xFE, 0xFF}
)

// decodeText returns the text as UTF-8 and the name of the encoding found:
// UTF-8 (with or without BOM), UTF-16 (BOM, or the NUL bytes of ASCII text
// without one), else Windows-1252, the superset of ISO-8859-1 that French
// files written on Windows use.
func decodeText(data []byte) (string, string) {
	switch {
	case bytes.HasPrefix(data, bomUTF8):
		return strings.ToValidUTF8(string(data[3:]), "\uFFFD"), "UTF-8"
	case bytes.HasPrefix(data, bomUTF16LE):
		return decodeWith(unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM), data[2:]), "UTF-16LE"
	case bytes.HasPrefix(data, bomUTF16BE):
		return decodeWith(unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM), data[2:]), "UTF-16BE"
	case utf8.Valid(data):
		return string(data), "UTF-8"
	}
	if enc := utf16WithoutBOM(data); enc != nil {
		return decodeWith(enc, data), "UTF-16"
	}
	return decodeWith(charmap.Windows1252, data), "Windows-1252"
}

func decodeWith(enc encoding.Encoding, data []byte) string {
	out, err := enc.NewDecoder().Bytes(data)
	if err != nil {
		return strings.ToValidUTF8(string(data), "\uFFFD")
	}
	return strings.ToValidUTF8(string(out), "\uFFFD")
}

// utf16WithoutBOM recognises UTF-16 text of mostly ASCII characters by its
// NUL bytes, all at even (big-endian) or odd (little-endian) offsets.
func utf16WithoutBOM(data []byte) encoding.Encoding {
	n := min(len(data), 4096) &^ 1
	if n < 4 {
		return nil
	}
	var even, odd int
	for i := 0; i < n; i += 2 {
		if data[i] == 0 {
			even++
		}
		if data[i+1] == 0 {
			odd++
		}
	}
	half := n / 2
	switch {
	case odd > half*3/5 && even == 0:
		return unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM)
	case even > half*3/5 && odd == 0:
		return unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM)
	}
	return nil
}

// splitLines splits text on LF, CRLF and CR.
func splitLines(s string) []string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	return strings.Split(s, "\n")
}

// readTXT reads plain text: one line per line, form feeds start new pages.
func readTXT(p *pager, data []byte) error {
	text, _ := decodeText(data)
	for i, page := range strings.Split(text, "\f") {
		if i > 0 {
			p.pageBreak()
		}
		for _, l := range splitLines(page) {
			if err := p.line(l); err != nil {
				return err
			}
		}
	}
	return nil
}

// readCSV reads delimited text (`;`, `,`, tab or `|`), one line per record
// with its fields in aligned columns.
func readCSV(p *pager, data []byte) error {
	text, _ := decodeText(data)
	r := csv.NewReader(strings.NewReader(text))
	r.Comma = csvSeparator(text)
	r.LazyQuotes = true
	r.FieldsPerRecord = -1
	r.ReuseRecord = true
	var buf [][]cell
	flush := func() error {
		for _, l := range layoutRows(buf) {
			if err := p.line(l); err != nil {
				return err
			}
		}
		buf = buf[:0]
		return nil
	}
	bad := 0
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			bad++
			if bad > 100 {
				p.warn("fichier CSV mal formé : lecture arrêtée")
				break
			}
			p.warn("fichier CSV partiellement mal formé : %v", err)
			continue
		}
		var row []cell
		for i, v := range rec {
			if v = cellText(v); v != "" {
				row = append(row, cell{col: min(i, maxColumns), text: v})
			}
		}
		if len(row) == 0 {
			continue
		}
		buf = append(buf, row)
		if len(buf) >= tableChunkRows {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	return flush()
}

// csvSeparator picks the separator found the same number of times on most
// of the first lines; `;` wins ties, as French exports use it.
func csvSeparator(text string) rune {
	candidates := []rune{';', ',', '\t', '|'}
	lines := splitLines(text)
	if len(lines) > 50 {
		lines = lines[:50]
	}
	best, bestScore := ';', 0
	for _, sep := range candidates {
		counts := map[int]int{}
		for _, l := range lines {
			if strings.TrimSpace(l) == "" {
				continue
			}
			if n := countOutsideQuotes(l, sep); n > 0 {
				counts[n]++
			}
		}
		score := 0
		for _, c := range counts {
			score = max(score, c)
		}
		if score > bestScore {
			best, bestScore = sep, score
		}
	}
	return best
}

func countOutsideQuotes(line string, sep rune) int {
	n, quoted := 0, false
	for _, r := range line {
		switch {
		case r == '"':
			quoted = !quoted
		case r == sep && !quoted:
			n++
		}
	}
	return n
}

// htmlBlocks are the elements that start a new line.
var htmlBlocks = map[string]bool{
	"p": true, "div": true, "h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true,
	"ul": true, "ol": true, "li": true, "dl": true, "dt": true, "dd": true, "blockquote": true,
	"pre": true, "address": true, "hr": true, "form": true, "fieldset": true, "legend": true,
	"section": true, "article": true, "header": true, "footer": true, "nav": true, "aside": true,
	"main": true, "figure": true, "figcaption": true, "caption": true, "center": true, "title": true,
	"body": true, "html": true, "table": true, "details": true, "summary": true, "option": true,
}

// htmlSkipped are the elements whose content is not shown.
var htmlSkipped = map[string]bool{
	"script": true, "style": true, "noscript": true, "template": true, "svg": true,
	"math": true, "iframe": true, "object": true,
}

// readHTML reads HTML with a streaming tokenizer: block elements become
// lines, a table row one line, scripts and styles are dropped.
func readHTML(p *pager, data []byte) error {
	text := decodeHTML(data)
	h := &htmlReader{p: p}
	z := html.NewTokenizer(strings.NewReader(text))
	for {
		if err := p.check(); err != nil {
			return err
		}
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			if err := z.Err(); !errors.Is(err, io.EOF) {
				return document.Errorf(document.ErrCorrupt, "HTML illisible : %w", err)
			}
			return h.finish()
		case html.TextToken:
			if h.skip == 0 {
				h.text(string(z.Text()))
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			tag := string(name)
			var attrs map[string]string
			for hasAttr {
				var k, v []byte
				k, v, hasAttr = z.TagAttr()
				if attrs == nil {
					attrs = map[string]string{}
				}
				attrs[string(k)] = string(v)
			}
			if err := h.start(tag, attrs, tt == html.SelfClosingTagToken); err != nil {
				return err
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			if err := h.end(string(name)); err != nil {
				return err
			}
		}
		if p.full {
			return errTextLimit
		}
	}
}

// decodeHTML decodes HTML by its BOM, its meta charset, else as decodeText.
func decodeHTML(data []byte) string {
	if bytes.HasPrefix(data, bomUTF8) || bytes.HasPrefix(data, bomUTF16LE) || bytes.HasPrefix(data, bomUTF16BE) {
		s, _ := decodeText(data)
		return s
	}
	if enc, name, _ := charset.DetermineEncoding(data, ""); enc != nil && name != "windows-1252" && name != "utf-8" {
		if !utf8.Valid(data) || strings.HasPrefix(name, "utf-16") {
			return decodeWith(enc, data)
		}
	}
	s, _ := decodeText(data)
	return s
}

type htmlReader struct {
	p      *pager
	b      strings.Builder
	skip   int
	skipAt []string
	pre    int
	tables []*htmlTable
	deep   int // tables nested beyond maxTableDepth
}

type htmlTable struct {
	rows   [][]cell
	cur    []cell
	inRow  bool
	inCell bool
	cell   strings.Builder
	col    int
	span   int
}

func (h *htmlReader) text(s string) {
	if !h.p.grow(len(s)) {
		return
	}
	b := &h.b
	if t := h.top(); t != nil && t.inCell {
		b = &t.cell
	}
	if h.pre > 0 && len(h.tables) == 0 {
		lines := splitLines(s)
		for i, l := range lines {
			if i > 0 {
				_ = h.flush()
			}
			h.b.WriteString(l)
		}
		return
	}
	cur := b.String()
	space := cur == "" || cur[len(cur)-1] == ' '
	for _, r := range s {
		if r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\f' {
			if !space {
				b.WriteByte(' ')
				space = true
			}
			continue
		}
		b.WriteRune(r)
		space = false
	}
}

func (h *htmlReader) top() *htmlTable {
	if len(h.tables) == 0 {
		return nil
	}
	return h.tables[len(h.tables)-1]
}

// flush ends the current line.
func (h *htmlReader) flush() error {
	if t := h.top(); t != nil && t.inCell {
		t.cell.WriteByte(' ')
		return nil
	}
	s := h.b.String()
	h.b.Reset()
	if strings.TrimSpace(s) == "" {
		return nil // empty blocks add no blank lines
	}
	return h.p.line(s)
}

func (h *htmlReader) start(tag string, attrs map[string]string, selfClosing bool) error {
	if h.skip > 0 {
		if !selfClosing && tag == h.skipAt[len(h.skipAt)-1] {
			h.skip++
		}
		return nil
	}
	if htmlSkipped[tag] && !selfClosing {
		h.skip = 1
		h.skipAt = append(h.skipAt[:0], tag)
		return nil
	}
	switch tag {
	case "br":
		return h.flush()
	case "pre":
		h.pre++
	case "input":
		if t := strings.ToLower(attrs["type"]); t == "checkbox" || t == "radio" {
			_, checked := attrs["checked"]
			if checked {
				h.text(boxChecked + " ")
			} else {
				h.text(boxUnchecked + " ")
			}
		}
		return nil
	case "table":
		if err := h.flush(); err != nil {
			return err
		}
		if len(h.tables) >= maxTableDepth {
			h.deep++
			return nil
		}
		h.tables = append(h.tables, &htmlTable{})
		return nil
	case "tr":
		if t := h.top(); t != nil {
			t.endRow()
			t.inRow, t.col = true, 0
		}
		return nil
	case "td", "th":
		if t := h.top(); t != nil {
			t.endCell()
			t.inRow, t.inCell = true, true
			t.span = clampInt(attrs["colspan"], 1, 1000)
		}
		return nil
	}
	if htmlBlocks[tag] {
		return h.flush()
	}
	return nil
}

func (h *htmlReader) end(tag string) error {
	if h.skip > 0 {
		if tag == h.skipAt[len(h.skipAt)-1] {
			h.skip--
		}
		return nil
	}
	switch tag {
	case "pre":
		if h.pre > 0 {
			h.pre--
		}
	case "td", "th":
		if t := h.top(); t != nil {
			t.endCell()
		}
		return nil
	case "tr":
		if t := h.top(); t != nil {
			t.endRow()
		}
		return nil
	case "table":
		if h.deep > 0 {
			h.deep--
			return nil
		}
		return h.endTable()
	}
	if htmlBlocks[tag] {
		return h.flush()
	}
	return nil
}

func (t *htmlTable) endCell() {
	if !t.inCell {
		return
	}
	t.cur = append(t.cur, cell{col: min(t.col, maxColumns), text: cellText(t.cell.String())})
	t.cell.Reset()
	t.col += t.span
	t.inCell = false
}

func (t *htmlTable) endRow() {
	t.endCell()
	if t.inRow && hasText(t.cur) {
		t.rows = append(t.rows, t.cur)
	}
	t.cur, t.inRow = nil, false
}

func (h *htmlReader) endTable() error {
	t := h.top()
	if t == nil {
		return nil
	}
	t.endRow()
	h.tables = h.tables[:len(h.tables)-1]
	lines := layoutRows(t.rows)
	if outer := h.top(); outer != nil {
		if outer.inCell {
			for _, l := range lines {
				outer.cell.WriteString(" " + strings.TrimSpace(l))
			}
		}
		return nil
	}
	for _, l := range lines {
		if err := h.p.line(l); err != nil {
			return err
		}
	}
	return nil
}

func (h *htmlReader) finish() error {
	for len(h.tables) > 0 {
		if err := h.endTable(); err != nil {
			return err
		}
	}
	return h.flush()
}

// readXML reads the text content of an XML file, one line per element
// that holds text, in document order.
func readXML(p *pager, data []byte) error {
	var r io.Reader = bytes.NewReader(data)
	switch {
	case bytes.HasPrefix(data, bomUTF16LE), bytes.HasPrefix(data, bomUTF16BE), bytes.HasPrefix(data, bomUTF8):
		s, _ := decodeText(data)
		r = strings.NewReader(s)
	case !utf8.Valid(data) && !xmlDeclaresEncoding(data):
		s, _ := decodeText(data)
		r = strings.NewReader(s)
	}
	d := newXMLDecoder(r)
	var b strings.Builder
	flush := func() error {
		s := strings.Join(strings.Fields(b.String()), " ")
		b.Reset()
		if s == "" {
			return nil
		}
		return p.line(s)
	}
	for {
		tok, err := d.Token()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return flush()
			}
			var re *document.ReadError
			if errors.As(err, &re) {
				return err
			}
			if ferr := flush(); ferr != nil {
				return ferr
			}
			if p.textBytes == 0 {
				return document.Errorf(document.ErrCorrupt, "XML mal formé : %w", err)
			}
			p.warn("XML mal formé, lu en partie : %v", err)
			return nil
		}
		if err := p.check(); err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement, xml.EndElement:
			if err := flush(); err != nil {
				return err
			}
		case xml.CharData:
			if p.grow(len(t)) {
				b.Write(t)
			}
		}
		if p.full {
			return errTextLimit
		}
	}
}

// xmlDeclaresEncoding says whether the XML declaration names an encoding.
func xmlDeclaresEncoding(data []byte) bool {
	head := data[:min(len(data), 200)]
	if !bytes.HasPrefix(bytes.TrimLeft(head, " \t\r\n"), []byte("<?xml")) {
		return false
	}
	end := bytes.Index(head, []byte("?>"))
	return end > 0 && bytes.Contains(head[:end], []byte("encoding"))
}
