package fr

import (
	"strings"
	"time"
	"unicode/utf8"
)

// DateMatch is a date found in a line of text.
type DateMatch struct {
	Start, End int    // byte span of Text in the line
	Text       string // as printed
	Year       int
	Month      time.Month
	Day        int // 0 when only the month and year are printed ("mars 2026", "03/2026")
}

// HasDay reports whether the text gave a full date.
func (m DateMatch) HasDay() bool { return m.Day > 0 }

// Time returns the date at midnight UTC; ok is false when the day is not
// printed (no day is ever invented).
func (m DateMatch) Time() (time.Time, bool) {
	if m.Day == 0 {
		return time.Time{}, false
	}
	return time.Date(m.Year, m.Month, m.Day, 0, 0, 0, 0, time.UTC), true
}

const (
	minYear = 1900
	maxYear = 2099
	// twoDigitPivot: "15" is 2015, "85" is 1985.
	twoDigitPivot = 70
	maxDateGap    = 3 // blanks between day, month and year
)

func validDate(y, m, d int) bool {
	if y < minYear || y > maxYear || m < 1 || m > 12 || d < 1 {
		return false
	}
	return d <= daysIn(time.Month(m), y)
}

func daysIn(m time.Month, y int) int {
	switch m {
	case time.February:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case time.April, time.June, time.September, time.November:
		return 30
	}
	return 31
}

// ParseDate reads a whole string as a full date: "02/07/2015", "2/7/15",
// "02.07.2015", "02-07-2015", "2015-07-02" (optionally followed by a time
// after 'T'), "20150702" (AAAAMMJJ exports), "2 juillet 2015",
// "2 juil. 2015", "le 1er mars 2026", "1ER MARS 2026", "2 fevrier 2015".
// Day-first order is assumed, as in France. A month without a day ("mars
// 2026") and impossible dates ("31/02/2015") give ok=false.
func ParseDate(s string) (time.Time, bool) {
	s = strings.TrimFunc(s, isSpaceRune)
	if hasPrefixFold(s, "le") {
		if rest := strings.TrimLeftFunc(s[2:], isSpaceRune); len(rest) < len(s)-2 {
			s = rest
		}
	}
	if len(s) == 8 && allDigits(s) {
		y, m, d := atoi(s[:4]), atoi(s[4:6]), atoi(s[6:])
		if !validDate(y, m, d) {
			return time.Time{}, false
		}
		return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC), true
	}
	if len(s) > 10 && s[10] == 'T' && isDigitASCII(s[0]) && s[4] == '-' {
		s = s[:10]
	}
	m, end, found := matchDateAt(s, 0)
	if !found || end != len(s) {
		return time.Time{}, false
	}
	return m.Time()
}

// FindDates returns the dates of a line of text, left to right, with their
// byte spans. Besides full dates (see ParseDate) it reports month-year
// mentions ("mars 2026", "juil. 2015", "03/2026") with Day = 0. Impossible
// dates are not reported, not even as a month.
func FindDates(line string) []DateMatch {
	var out []DateMatch
	for i := 0; i < len(line); {
		if !dateMayStart(line[i]) || dateLeftGlued(line, i) {
			i = skipToken(line, i)
			continue
		}
		m, end, found := matchDateAt(line, i)
		if found {
			out = append(out, m)
		}
		if end > i {
			i = end
		} else {
			i = skipToken(line, i)
		}
	}
	return out
}

// dateMayStart reports the first bytes of a date: a digit, or the initial
// of a French month name or of "premier".
func dateMayStart(c byte) bool {
	switch c | 0x20 { // ASCII lower case
	case 'j', 'f', 'm', 'a', 's', 'o', 'n', 'd', 'p':
		return c >= 'A'
	}
	return isDigitASCII(c)
}

// skipToken advances past the run of letters or digits at i (or one rune).
func skipToken(s string, i int) int {
	if c := s[i]; c < utf8.RuneSelf && !isDigitASCII(c) && !isUpperASCII(c) && (c < 'a' || c > 'z') {
		return i + 1 // ASCII punctuation or blank: the common case
	}
	r, size := utf8.DecodeRuneInString(s[i:])
	i += size
	if !isWordRune(r) {
		return i
	}
	for i < len(s) {
		r, size = utf8.DecodeRuneInString(s[i:])
		if !isWordRune(r) {
			break
		}
		i += size
	}
	return i
}

// dateLeftGlued reports a date candidate that continues a word or number:
// "FA2017", "1.2.3", "12/13/2015" read from the middle.
func dateLeftGlued(s string, i int) bool {
	if i == 0 {
		return false
	}
	r, size := utf8.DecodeLastRuneInString(s[:i])
	if isWordRune(r) {
		return true
	}
	switch r {
	case '/', '.', '-', ':', ',':
		return i-size > 0 && isDigitASCII(s[i-size-1])
	}
	return false
}

func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

// digitsAt returns the end of the run of ASCII digits at s[i].
func digitsAt(s string, i int) int {
	for i < len(s) && isDigitASCII(s[i]) {
		i++
	}
	return i
}

// matchDateAt tries every date form at s[i]. end > i with found=false means
// a date-shaped text that is not a real date (skip it whole).
func matchDateAt(s string, i int) (DateMatch, int, bool) {
	if i >= len(s) {
		return DateMatch{}, i, false
	}
	if isDigitASCII(s[i]) {
		if m, end, found := matchNumericDate(s, i); end > i {
			return m, end, found
		}
		return matchTextualDate(s, i)
	}
	return matchTextualDate(s, i)
}

func newDateMatch(s string, start, end, y, m, d int) DateMatch {
	return DateMatch{Start: start, End: end, Text: s[start:end], Year: y, Month: time.Month(m), Day: d}
}

// numericEndOK reports that a numeric date is not followed by more digits
// or by its own separator and digits ("1.2.3.4").
func numericEndOK(s string, end int, sep byte) bool {
	if end >= len(s) {
		return true
	}
	if isDigitASCII(s[end]) {
		return false
	}
	return !(s[end] == sep && end+1 < len(s) && isDigitASCII(s[end+1]))
}

func matchNumericDate(s string, i int) (DateMatch, int, bool) {
	e1 := digitsAt(s, i)
	n1 := e1 - i
	if e1 >= len(s) || (s[e1] != '/' && s[e1] != '.' && s[e1] != '-') {
		return DateMatch{}, i, false
	}
	sep := s[e1]
	e2 := digitsAt(s, e1+1)
	n2 := e2 - (e1 + 1)
	switch {
	case n1 == 4 && (n2 == 1 || n2 == 2):
		// ISO order: 2015-07-02
		if e2 >= len(s) || s[e2] != sep {
			return DateMatch{}, i, false
		}
		e3 := digitsAt(s, e2+1)
		if n3 := e3 - (e2 + 1); n3 < 1 || n3 > 2 || !numericEndOK(s, e3, sep) {
			return DateMatch{}, i, false
		}
		y, m, d := atoi(s[i:e1]), atoi(s[e1+1:e2]), atoi(s[e2+1:e3])
		if !validDate(y, m, d) {
			return DateMatch{}, e3, false
		}
		return newDateMatch(s, i, e3, y, m, d), e3, true
	case (n1 == 1 || n1 == 2) && n2 == 4 && sep == '/':
		// Month and year: 03/2026
		if !numericEndOK(s, e2, sep) {
			return DateMatch{}, i, false
		}
		m, y := atoi(s[i:e1]), atoi(s[e1+1:e2])
		if !validDate(y, m, 1) {
			return DateMatch{}, e2, false
		}
		return newDateMatch(s, i, e2, y, m, 0), e2, true
	case (n1 == 1 || n1 == 2) && (n2 == 1 || n2 == 2):
		if e2 >= len(s) || s[e2] != sep {
			return DateMatch{}, i, false
		}
		e3 := digitsAt(s, e2+1)
		n3 := e3 - (e2 + 1)
		if (n3 != 2 && n3 != 4) || !numericEndOK(s, e3, sep) {
			return DateMatch{}, i, false
		}
		d, m, y := atoi(s[i:e1]), atoi(s[e1+1:e2]), atoi(s[e2+1:e3])
		if n3 == 2 {
			if y < twoDigitPivot {
				y += 2000
			} else {
				y += 1900
			}
		}
		if !validDate(y, m, d) {
			return DateMatch{}, e3, false
		}
		return newDateMatch(s, i, e3, y, m, d), e3, true
	}
	return DateMatch{}, i, false
}

// monthAt reads a French month name or abbreviation at s[i], with or
// without accents, in any case, and an abbreviation's optional dot.
func monthAt(s string, i int) (month int, end int) {
	var buf [12]byte
	n := 0
	j := i
	for j < len(s) {
		r, size := utf8.DecodeRuneInString(s[j:])
		f := foldLetter(r)
		if f == 0 {
			if isLetterRune(r) {
				return 0, i // a letter that is in no month name
			}
			break
		}
		if n == len(buf) {
			return 0, i
		}
		buf[n] = f
		n++
		j += size
	}
	abbreviated := false
	switch string(buf[:n]) {
	case "janvier":
		month = 1
	case "janv", "jan":
		month, abbreviated = 1, true
	case "fevrier":
		month = 2
	case "fevr", "fev":
		month, abbreviated = 2, true
	case "mars":
		month = 3
	case "avril":
		month = 4
	case "avr":
		month, abbreviated = 4, true
	case "mai":
		month = 5
	case "juin":
		month = 6
	case "juillet":
		month = 7
	case "juil":
		month, abbreviated = 7, true
	case "aout":
		month = 8
	case "septembre":
		month = 9
	case "sept", "sep":
		month, abbreviated = 9, true
	case "octobre":
		month = 10
	case "oct":
		month, abbreviated = 10, true
	case "novembre":
		month = 11
	case "nov":
		month, abbreviated = 11, true
	case "decembre":
		month = 12
	case "dec":
		month, abbreviated = 12, true
	default:
		return 0, i
	}
	if abbreviated && j < len(s) && s[j] == '.' {
		j++
	}
	return month, j
}

// foldLetter lower-cases a letter and drops its accent; 0 for anything
// else, ligatures included.
func foldLetter(r rune) byte {
	a, b := FoldRune(r)
	if b != 0 || a < 'a' || a > 'z' {
		return 0
	}
	return byte(a)
}

// skipDateBlanks skips 1 to maxDateGap blanks; it returns i unchanged when
// there is none.
func skipDateBlanks(s string, i int) int {
	return skipBlanks(s, i, maxDateGap)
}

// yearAt reads a 4-digit year not followed by another digit.
func yearAt(s string, i int) (year, end int, ok bool) {
	e := digitsAt(s, i)
	if e-i != 4 {
		return 0, i, false
	}
	return atoi(s[i:e]), e, true
}

// matchTextualDate reads "2 juillet 2015", "1er mars 2026", "premier mars
// 2026" and "mars 2026".
func matchTextualDate(s string, i int) (DateMatch, int, bool) {
	day := 0
	j := i
	if isDigitASCII(s[i]) {
		e := digitsAt(s, i)
		if e-i > 2 {
			return DateMatch{}, i, false
		}
		day = atoi(s[i:e])
		j = e
		if day == 1 {
			for _, suffix := range []string{"er", "ER", "ᵉʳ", "°"} {
				if strings.HasPrefix(s[j:], suffix) {
					j += len(suffix)
					break
				}
			}
		}
		if letterAt(s, j) {
			return DateMatch{}, i, false // "2e", "3ème"
		}
	} else if hasPrefixFold(s[i:], "premier") && !letterAt(s, i+len("premier")) {
		day = 1
		j = i + len("premier")
	}
	if day > 0 {
		k := skipDateBlanks(s, j)
		if k == j {
			return DateMatch{}, i, false
		}
		j = k
	}
	month, e := monthAt(s, j)
	if month == 0 {
		return DateMatch{}, i, false
	}
	k := skipDateBlanks(s, e)
	if k == e {
		return DateMatch{}, i, false
	}
	year, end, ok := yearAt(s, k)
	if !ok {
		return DateMatch{}, i, false
	}
	if end < len(s) && isDigitASCII(s[end]) {
		return DateMatch{}, i, false
	}
	d := day
	if d == 0 {
		d = 1
	}
	if !validDate(year, month, d) {
		return DateMatch{}, end, false
	}
	return newDateMatch(s, i, end, year, month, day), end, true
}
