package reconcile

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/depenses-eclairees/depenses/internal/fr"
)

// maxTextBytes bounds the text looked at by the word rules: a designation
// longer than this is judged on its beginning.
const maxTextBytes = 4000

// fold lower-cases s and strips diacritics (fr.FoldRune).
func fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		a, c := fr.FoldRune(r)
		b.WriteRune(a)
		if c != 0 {
			b.WriteRune(c)
		}
	}
	return b.String()
}

// normalize folds s and keeps its letters and digits, one space between
// runs: the form in which two documents "say the same thing".
func normalize(s string) string {
	var b strings.Builder
	space := false
	for _, r := range fold(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
			continue
		}
		space = true
	}
	return b.String()
}

// words splits folded text into runs of letters; digits and punctuation
// separate words.
func words(folded string) []string {
	return strings.FieldsFunc(folded, func(r rune) bool { return !unicode.IsLetter(r) })
}

// truncate cuts s to at most n bytes on a rune boundary, dropping a word
// the cut would split: half a word would be judged as a word.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !isRuneStart(s[n]) {
		n--
	}
	if r, _ := utf8.DecodeRuneInString(s[n:]); !unicode.IsLetter(r) {
		return s[:n]
	}
	cut := strings.LastIndexFunc(s[:n], func(r rune) bool { return !unicode.IsLetter(r) })
	if cut < 0 {
		return ""
	}
	return s[:cut]
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }

// textValue returns a field value as text.
func textValue(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		s := strings.TrimSpace(x)
		return s, s != ""
	case json.Number:
		return x.String(), true
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64), true
	case int:
		return strconv.Itoa(x), true
	case int64:
		return strconv.FormatInt(x, 10), true
	}
	return "", false
}

// numberValue returns a field value as a finite number: JSON numbers as
// decoded from the store, Go numbers as the extractor sets them, or text.
func numberValue(v any) (float64, bool) {
	f, ok := anyNumber(v)
	if !ok || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, false
	}
	return f, true
}

func anyNumber(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case float32:
		return float64(x), true
	case int:
		return float64(x), true
	case int64:
		return float64(x), true
	case json.Number:
		f, err := x.Float64()
		return f, err == nil
	case string:
		if f, err := strconv.ParseFloat(strings.TrimSpace(x), 64); err == nil {
			return f, true
		}
		return fr.ParseAmount(x)
	}
	return 0, false
}
