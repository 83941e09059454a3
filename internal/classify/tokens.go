package classify

import (
	"github.com/depenses-eclairees/depenses/internal/fr"
	"strings"
	"unicode"
	"unicode/utf8"
)

// isWordRune says whether r belongs to a token. Apostrophes, hyphens, the
// degree sign of "N°" and punctuation all separate tokens, so "d'engagement"
// gives "d" "engagement" and "sous-traitance" gives "sous" "traitance".
func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

// appendTokens splits s into folded tokens and appends them to dst. buf is
// scratch space reused between calls.
func appendTokens(dst []string, s string, buf *[]byte) []string {
	b := (*buf)[:0]
	flush := func() {
		if len(b) > 0 {
			dst = append(dst, ocrFix(string(b)))
			b = b[:0]
		}
	}
	for _, r := range s {
		if !isWordRune(r) {
			flush()
			continue
		}
		a, c := fr.FoldRune(r)
		b = utf8.AppendRune(b, a)
		if c != 0 {
			b = utf8.AppendRune(b, c)
		}
	}
	flush()
	*buf = b
	return dst
}

// cueWords holds every word of the cue tables: OCR repairs are accepted
// only when they give one of them.
var cueWords = map[string]bool{}

// ocrFix undoes the usual OCR digit-for-letter confusions inside a word
// ("B0N DE C0MMANDE", "DEV1S") when the repaired word is a cue word. Codes
// that end in digits ("dc1", "attri1", "f2024") are left alone.
func ocrFix(t string) string {
	letters, interior := 0, false
	for i := 0; i < len(t); i++ {
		c := t[i]
		switch {
		case c >= 'a' && c <= 'z':
			letters++
		case (c == '0' || c == '1' || c == '5') && i > 0 && i+1 < len(t) && isASCIILetter(t[i-1]) && isASCIILetter(t[i+1]):
			interior = true
		}
	}
	if !interior || letters < 2 {
		return t
	}
	for _, one := range []byte{'i', 'l'} {
		fixed := []byte(t)
		for i, c := range fixed {
			switch c {
			case '0':
				fixed[i] = 'o'
			case '1':
				fixed[i] = one
			case '5':
				fixed[i] = 's'
			}
		}
		if cueWords[string(fixed)] {
			return string(fixed)
		}
	}
	return t
}

func isASCIILetter(c byte) bool { return c >= 'a' && c <= 'z' }

// tokenize is appendTokens for one-off use (cue tables, file names).
func tokenize(s string) []string {
	var buf []byte
	return appendTokens(nil, s, &buf)
}

// splitSegments cuts a layout line into its column segments: runs of three
// or more spaces (or a tab) separate columns, as `pdftotext -layout` and
// document.Line.Text print them.
func splitSegments(line string) []string {
	var out []string
	start := -1
	spaces := 0
	for i := 0; i < len(line); i++ {
		c := line[i]
		if c == ' ' || c == '\t' || c == '\r' {
			if c == '\t' {
				spaces += 3
			} else {
				spaces++
			}
			continue
		}
		if start >= 0 && spaces >= 3 {
			out = append(out, strings.TrimSpace(line[start:i]))
			start = i
		}
		if start < 0 {
			start = i
		}
		spaces = 0
	}
	if start >= 0 {
		if s := strings.TrimSpace(line[start:]); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// upperShare gives the share of upper-case letters among the letters of s,
// and how many letters there are.
func upperShare(s string) (float64, int) {
	var letters, upper int
	for _, r := range s {
		if unicode.IsLetter(r) {
			letters++
			if unicode.IsUpper(r) {
				upper++
			}
		}
	}
	if letters == 0 {
		return 0, 0
	}
	return float64(upper) / float64(letters), letters
}
