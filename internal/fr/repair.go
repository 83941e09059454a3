package fr

import "unicode/utf8"

// ocrConfusions lists, for each character, what OCR commonly misreads it
// for: O↔0, I/l↔1, S↔5, B↔8, Z↔2, G↔6 (and lower-case forms).
var ocrConfusions = map[rune][]rune{
	'0': {'O'}, 'O': {'0'}, 'o': {'0'}, 'D': {'0'}, 'Q': {'0'},
	'1': {'I', 'l'}, 'I': {'1'}, 'l': {'1'}, 'i': {'1'}, '|': {'1'},
	'5': {'S'}, 'S': {'5'}, 's': {'5'},
	'8': {'B'}, 'B': {'8'},
	'2': {'Z'}, 'Z': {'2'}, 'z': {'2'},
	'6': {'G'}, 'G': {'6'},
}

// maxRepairLength bounds the work of RepairIdentifier (candidates × validator).
const maxRepairLength = 64

// RepairIdentifier fixes one OCR confusion in an identifier. When s is
// already valid it is returned as is. Otherwise every single-character
// substitution from the confusion table is tried, and a fix is returned only
// when exactly one distinct candidate passes valid: two candidates mean the
// text cannot tell which is right.
func RepairIdentifier(s string, valid func(string) bool) (fixed string, ok bool) {
	if valid(s) {
		return s, true
	}
	if len(s) > maxRepairLength {
		return "", false
	}
	found := ""
	buf := make([]byte, 0, len(s)+4)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		for _, sub := range ocrConfusions[r] {
			buf = append(buf[:0], s[:i]...)
			buf = utf8.AppendRune(buf, sub)
			buf = append(buf, s[i+size:]...)
			candidate := string(buf)
			if !valid(candidate) {
				continue
			}
			if found != "" && found != candidate {
				return "", false
			}
			found = candidate
		}
		i += size
	}
	return found, found != ""
}
