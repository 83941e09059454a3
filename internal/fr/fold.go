package fr

import (
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// FoldRune lower-cases r and strips its diacritic, so that "RELEVÉ",
// "Relevé" and "releve" compare equal. Ligatures give two letters ("œ" →
// 'o', 'e'); second is 0 otherwise. Runes that are not letters are only
// lower-cased. Every stage that matches French words folds through it.
func FoldRune(r rune) (first, second rune) {
	if r < utf8.RuneSelf {
		if 'A' <= r && r <= 'Z' {
			return r + ('a' - 'A'), 0
		}
		return r, 0
	}
	switch r {
	case 'à', 'â', 'ä', 'á', 'ã', 'å', 'À', 'Â', 'Ä', 'Á', 'Ã', 'Å':
		return 'a', 0
	case 'é', 'è', 'ê', 'ë', 'É', 'È', 'Ê', 'Ë':
		return 'e', 0
	case 'î', 'ï', 'í', 'ì', 'Î', 'Ï', 'Í', 'Ì':
		return 'i', 0
	case 'ô', 'ö', 'ó', 'ò', 'õ', 'Ô', 'Ö', 'Ó', 'Ò', 'Õ':
		return 'o', 0
	case 'ù', 'û', 'ü', 'ú', 'Ù', 'Û', 'Ü', 'Ú':
		return 'u', 0
	case 'ç', 'Ç':
		return 'c', 0
	case 'ÿ', 'Ÿ':
		return 'y', 0
	case 'ñ', 'Ñ':
		return 'n', 0
	case 'œ', 'Œ':
		return 'o', 'e'
	case 'æ', 'Æ':
		return 'a', 'e'
	}
	if unicode.IsLetter(r) {
		// Rarer accented letters: the base letter of the decomposition.
		for _, c := range norm.NFD.String(string(r)) {
			return unicode.ToLower(c), 0
		}
	}
	return unicode.ToLower(r), 0
}
