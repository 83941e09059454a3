package referential

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// maxRecordBytes bounds one CSV record (possibly spanning lines inside
// quotes): a runaway quote or a binary file must not eat the memory.
const maxRecordBytes = 1 << 20

// recordError is a problem local to one record: the caller counts or
// reports them and goes on with the next one.
type recordError struct{ msg string }

func (e *recordError) Error() string { return e.msg }

// recordScanner reads delimited records line by line with bounded memory.
// A quoted field may hold the separator, doubled quotes and newlines.
type recordScanner struct {
	br       *bufio.Reader
	sep      byte
	line     int // physical lines consumed so far
	start    int // physical line where the last record began
	buf      []byte
	fields   []string
	eof      bool
	tooLong  bool
	quote    quoteState
	maxBytes int
}

func newRecordScanner(r io.Reader, sep byte) *recordScanner {
	return &recordScanner{br: bufio.NewReaderSize(r, 64<<10), sep: sep, maxBytes: maxRecordBytes}
}

// readLine appends one physical line (without its newline) to s.buf. It
// reports false at the end of input with nothing read.
func (s *recordScanner) readLine() (bool, error) {
	read := false
	for {
		chunk, err := s.br.ReadSlice('\n')
		if len(chunk) > 0 {
			read = true
		}
		if !s.tooLong {
			if len(s.buf)+len(chunk) > s.maxBytes {
				s.tooLong = true
			} else {
				s.buf = append(s.buf, chunk...)
				s.quote.scan(chunk, s.sep)
			}
		}
		switch {
		case err == nil:
			s.line++
			return true, nil
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case err == io.EOF:
			if read {
				s.line++
			}
			s.eof = true
			return read, nil
		default:
			return read, err
		}
	}
}

// next returns the fields of the next non-blank record. A *recordError
// concerns that record only; io.EOF ends the input; any other error is
// the reader's.
func (s *recordScanner) next() ([]string, error) {
	for {
		if s.eof {
			return nil, io.EOF
		}
		s.buf = s.buf[:0]
		s.tooLong = false
		s.quote = quoteState{atFieldStart: true}
		s.start = s.line + 1
		ok, err := s.readLine()
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, io.EOF
		}
		// A record goes on while a quoted field is open.
		for !s.tooLong && s.quote.inQuotes && !s.eof {
			if _, err := s.readLine(); err != nil {
				return nil, err
			}
		}
		if s.tooLong {
			return nil, &recordError{fmt.Sprintf("enregistrement de plus de %d octets", s.maxBytes)}
		}
		rec := bytes.TrimRight(s.buf, "\r\n")
		if len(bytes.TrimSpace(rec)) == 0 {
			continue
		}
		fields, err := splitRecord(rec, s.sep, s.fields[:0])
		s.fields = fields
		if err != nil {
			return nil, err
		}
		return fields, nil
	}
}

// quoteState follows, byte by byte, whether a record is inside a quoted
// field, with the same rules as splitRecord: a quote opens a field only at
// its start, and a doubled quote inside stays inside.
type quoteState struct {
	inQuotes     bool
	atFieldStart bool
	justClosed   bool
}

func (q *quoteState) scan(b []byte, sep byte) {
	for _, c := range b {
		switch {
		case q.inQuotes:
			if c == '"' {
				q.inQuotes, q.justClosed = false, true
			}
		case q.justClosed && c == '"':
			q.inQuotes, q.justClosed = true, false
		default:
			q.justClosed = false
			if q.atFieldStart && c == '"' {
				q.inQuotes, q.atFieldStart = true, false
				continue
			}
			q.atFieldStart = c == sep || c == '\n'
		}
	}
}

// splitRecord splits one record. Quotes are only special at the start of a
// field; a stray quote inside an unquoted field is kept as text, as
// spreadsheets write it.
func splitRecord(rec []byte, sep byte, out []string) ([]string, error) {
	i := 0
	for {
		if i < len(rec) && rec[i] == '"' {
			var b strings.Builder
			i++
			closed := false
			for i < len(rec) {
				c := rec[i]
				if c == '"' {
					if i+1 < len(rec) && rec[i+1] == '"' {
						b.WriteByte('"')
						i += 2
						continue
					}
					i++
					closed = true
					break
				}
				b.WriteByte(c)
				i++
			}
			if !closed {
				return out, &recordError{"guillemet ouvrant sans guillemet fermant"}
			}
			// Blanks may follow the closing quote; anything else is an error.
			for i < len(rec) && (rec[i] == ' ' || rec[i] == '\t') && rec[i] != sep {
				i++
			}
			out = append(out, decodeField(b.String()))
			if i == len(rec) {
				return out, nil
			}
			if rec[i] != sep {
				return out, &recordError{"caractère inattendu après un champ entre guillemets"}
			}
			i++
			continue
		}
		j := bytes.IndexByte(rec[i:], sep)
		if j < 0 {
			out = append(out, decodeField(string(rec[i:])))
			return out, nil
		}
		out = append(out, decodeField(string(rec[i:i+j])))
		i += j + 1
	}
}

// decodeField reads a field as UTF-8 and, when it is not valid UTF-8, as
// Windows-1252 (what Excel and BusinessObjects write on French Windows).
// Deciding per field keeps streaming possible.
func decodeField(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	d, err := charmap.Windows1252.NewDecoder().String(s)
	if err != nil {
		return strings.ToValidUTF8(s, "\uFFFD")
	}
	return d
}

// normalizeHeader folds a column name so that "Groupe de marchandises (P) -
// Clé", its Windows-1252 twin and a variant with an en dash compare equal.
func normalizeHeader(s string) string {
	s = strings.TrimPrefix(s, "\uFEFF")
	var b strings.Builder
	space := false
	for _, r := range strings.TrimSpace(s) {
		switch r {
		case '\u2010', '\u2011', '\u2012', '\u2013', '\u2014', '\u2212':
			r = '-'
		}
		if r == ' ' || r == '\t' || r == '\u00a0' {
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		first, second := foldRune(r)
		b.WriteRune(first)
		if second != 0 {
			b.WriteRune(second)
		}
	}
	return b.String()
}
