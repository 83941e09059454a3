package chorus

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

const (
	// maxFieldBytes: a longer field rejects its row (and is not kept whole).
	maxFieldBytes = 64 << 10
	// maxRecordFields: more columns than any Chorus extract has.
	maxRecordFields = 4096
)

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// record is one CSV record with the file line it starts on.
type record struct {
	fields       []string
	line         int
	longField    int  // 1-based column of the first field over maxFieldBytes, 0 if none
	tooMany      bool // more than maxRecordFields fields
	unterminated bool // a quoted field runs to the end of the file
	lastLine     int  // line the record ends on
}

// recordReader is a lenient RFC 4180 reader with bounded memory: quotes only
// open a field at its start, a stray quote elsewhere is literal, and no
// field grows beyond maxFieldBytes. It works on bytes so that the encoding
// can be decided field by field.
type recordReader struct {
	br   *bufio.Reader
	sep  byte
	line int // line of the next byte
	buf  []byte
	ends []int
	// fields is reused from record to record: callers copy what they keep.
	fields []string
}

func newRecordReader(br *bufio.Reader, sep byte) *recordReader {
	return &recordReader{br: br, sep: sep, line: 1}
}

const (
	stFieldStart = iota
	stUnquoted
	stQuoted
	stQuoteInQuoted
)

// next returns the next record, io.EOF at the end, or the reader's error.
func (r *recordReader) next() (record, error) {
	rec := record{line: r.line}
	r.buf = r.buf[:0]
	r.ends = r.ends[:0]
	fieldStart, fieldLen := 0, 0
	state := stFieldStart
	sawAny := false
	var lastByte byte

	appendByte := func(c byte) {
		if fieldLen < maxFieldBytes {
			r.buf = append(r.buf, c)
		} else if rec.longField == 0 {
			rec.longField = len(r.ends) + 1
		}
		fieldLen++
	}
	endField := func() {
		if len(r.ends) < maxRecordFields {
			r.ends = append(r.ends, len(r.buf))
		} else {
			rec.tooMany = true
			r.buf = r.buf[:fieldStart]
		}
		fieldStart, fieldLen = len(r.buf), 0
		state = stFieldStart
	}
	finish := func() record {
		endField()
		rec.lastLine = r.line
		s := string(r.buf)
		if cap(r.fields) < len(r.ends) {
			r.fields = make([]string, len(r.ends))
		}
		rec.fields = r.fields[:len(r.ends)]
		start := 0
		for i, e := range r.ends {
			rec.fields[i] = s[start:e]
			start = e
		}
		return rec
	}

	for {
		chunk, err := r.br.ReadSlice('\n')
		if len(chunk) > 0 {
			sawAny = true
			lastByte = chunk[len(chunk)-1]
		}
		for i := 0; i < len(chunk); i++ {
			c := chunk[i]
			switch state {
			case stFieldStart, stUnquoted:
				switch c {
				case r.sep:
					endField()
				case '\n':
					// A CR before LF belongs to the line ending.
					if state == stUnquoted && fieldLen > 0 && fieldLen <= maxFieldBytes && r.buf[len(r.buf)-1] == '\r' {
						r.buf = r.buf[:len(r.buf)-1]
					}
					out := finish()
					r.line++
					return out, nil
				case '"':
					if state == stFieldStart {
						state = stQuoted
					} else {
						appendByte(c)
					}
				default:
					state = stUnquoted
					appendByte(c)
				}
			case stQuoted:
				if c == '"' {
					state = stQuoteInQuoted
					continue
				}
				if c == '\n' {
					r.line++
				}
				appendByte(c)
			case stQuoteInQuoted:
				switch c {
				case '"':
					appendByte('"')
					state = stQuoted
				case r.sep:
					endField()
				case '\n':
					out := finish()
					r.line++
					return out, nil
				case '\r':
					// Part of a CRLF ending after a closing quote.
				default:
					// "abc"def: keep reading the rest as unquoted text.
					appendByte(c)
					state = stUnquoted
				}
			}
		}
		switch {
		case err == nil:
		case errors.Is(err, bufio.ErrBufferFull):
		case err == io.EOF:
			if !sawAny {
				return rec, io.EOF
			}
			quotedNewline := false
			if state == stQuoted {
				rec.unterminated = true
				quotedNewline = lastByte == '\n'
			}
			if state == stUnquoted && fieldLen > 0 && fieldLen <= maxFieldBytes && r.buf[len(r.buf)-1] == '\r' {
				r.buf = r.buf[:len(r.buf)-1]
			}
			out := finish()
			if quotedNewline {
				out.lastLine-- // the file's final line break ends no line of the record
			}
			return out, nil
		default:
			return rec, err
		}
	}
}

// decodeField returns a field as UTF-8. The encoding is decided field by
// field: valid UTF-8 is kept (a Windows-1252 French text is almost never
// valid UTF-8), anything else is read as Windows-1252, a superset of the
// printable ISO-8859-1. Extracts that mix both (concatenated exports) are
// then read right.
func decodeField(s string) string {
	if isASCII(s) || utf8.ValidString(s) {
		return s
	}
	out, err := charmap.Windows1252.NewDecoder().String(s)
	if err != nil {
		return s
	}
	return out
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// sniffSeparator tries ';', tab and ',' on the first rows and keeps the one
// under which a row is recognised as the best header.
func sniffSeparator(prefix []byte, mapping map[string]field) (sep byte, headerIndex int) {
	bestScore := 0
	sep, headerIndex = ';', -1
	for _, cand := range []byte{';', '\t', ','} {
		rows := sampleRows(prefix, cand)
		idx, score := findHeader(rows, mapping)
		if idx >= 0 && score > bestScore {
			sep, headerIndex, bestScore = cand, idx, score
		}
	}
	return sep, headerIndex
}

func sampleRows(prefix []byte, sep byte) [][]string {
	rr := newRecordReader(bufio.NewReader(bytes.NewReader(prefix)), sep)
	var rows [][]string
	for len(rows) < maxHeaderSearch {
		rec, err := rr.next()
		if err != nil {
			break
		}
		if isBlankRecord(rec.fields) {
			rows = append(rows, nil)
			continue
		}
		fields := make([]string, len(rec.fields))
		for i, f := range rec.fields {
			fields[i] = decodeField(f)
		}
		rows = append(rows, fields)
	}
	return rows
}

func isBlankRecord(fields []string) bool {
	for _, f := range fields {
		for i := 0; i < len(f); i++ {
			if c := f[i]; c != ' ' && c != '\t' && c != '\r' {
				return false
			}
		}
	}
	return true
}
