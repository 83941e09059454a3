package pdf

import (
	"strings"
	"unicode"

	"github.com/depenses-eclairees/depenses/internal/document"
)

// OCR modes of Options.OCRMode.
const (
	OCRAuto  = "auto"
	OCRForce = "force"
	OCROff   = "off"
)

// pageStats describes a page's text layer and content, enough to decide
// whether the text layer can be trusted or the page must be OCR'd.
type pageStats struct {
	chars   int // non-space characters
	letters int
	bad     int // U+FFFD, private use, controls, glyphs without Unicode
	// varied counts the non-space characters, a run of one repeated
	// non-letter counting once: dot leaders ("Nom ........") are not
	// garbage, and would otherwise drown the letters.
	varied int
	prev   rune

	tokens      int // alphabetic tokens of 2+ letters
	dictTokens  int // ... that are frequent French (or English) words
	wordLike    int // ... that look like words of a Latin language
	objectsRead bool
	objects     int // top-level page objects
	paths       int
	images      int // images and form XObjects
	texts       int
	imageCover  float64 // share of the page covered by images
}

func (s *pageStats) addChar(r rune, unmapped bool) {
	s.chars++
	if r != s.prev || unicode.IsLetter(r) {
		s.varied++
	}
	s.prev = r
	switch {
	case unmapped, r == unicode.ReplacementChar, isPrivateUse(r), unicode.IsControl(r):
		s.bad++
	case unicode.IsLetter(r):
		s.letters++
	}
}

func isPrivateUse(r rune) bool {
	return r >= 0xE000 && r <= 0xF8FF || r >= 0xF0000
}

// finishWords counts the alphabetic tokens once the words are built.
func (s *pageStats) finishWords(words []document.Word) {
	for _, w := range words {
		for _, tok := range strings.FieldsFunc(w.Text, func(r rune) bool { return !unicode.IsLetter(r) }) {
			if len([]rune(tok)) < 2 {
				continue
			}
			s.tokens++
			low := strings.ToLower(tok)
			if frequentWords[low] {
				s.dictTokens++
			}
			if looksLikeWord(low) {
				s.wordLike++
			}
		}
	}
}

// needsObjects says whether the decision depends on the page's objects:
// they are only counted for pages with little text, as it costs a call
// per object.
func (s pageStats) needsObjects() bool { return s.letters < 200 }

// ocrReason says why a page's text layer cannot be used, or "" when it can.
// Pages with no text but some drawing (a scan, or text drawn as vector
// outlines), pages with a few letters over a scan, and pages whose text
// decodes to garbage (fonts without a usable Unicode map) must be OCR'd.
func (s pageStats) ocrReason() string {
	switch {
	case s.letters == 0 && s.objectsRead && s.objects == 0:
		return "" // a blank page
	case s.letters == 0:
		return "aucun texte"
	case s.letters < 20 && (s.images > 0 || s.paths >= 50):
		return "presque aucun texte"
	case s.letters < 150 && s.imageCover >= 0.5:
		return "page numérisée avec peu de texte"
	case s.chars >= 10 && float64(s.bad) > 0.1*float64(s.chars):
		return "texte illisible (caractères non décodables)"
	case s.varied >= 40 && float64(s.letters) < 0.25*float64(s.varied):
		return "texte illisible (trop peu de lettres)"
	case s.tokens >= 30 && float64(s.dictTokens) < 0.03*float64(s.tokens) && float64(s.wordLike) < 0.6*float64(s.tokens):
		return "texte illisible (aucun mot reconnu)"
	}
	return ""
}

// looksLikeWord is a cheap test of French-like spelling: a vowel, and no
// long run of consonants or of vowels. Text from fonts with a shifted
// encoding ("Gdvlv wrwdo") mostly fails it.
func looksLikeWord(w string) bool {
	var vowels, consonantRun, vowelRun, maxC, maxV int
	for _, r := range w {
		if strings.ContainsRune("aeiouyàâäéèêëîïôöùûüÿœæ", r) {
			vowels++
			vowelRun++
			consonantRun = 0
		} else {
			consonantRun++
			vowelRun = 0
		}
		maxC = max(maxC, consonantRun)
		maxV = max(maxV, vowelRun)
	}
	n := len([]rune(w))
	if n <= 3 {
		return vowels > 0 || frequentWords[w]
	}
	return vowels > 0 && maxC <= 4 && maxV <= 3
}

// frequentWords are common French words, plus words every procurement
// document prints, and a few English ones: a page of real text has many.
var frequentWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`le la les de des du un une et en à au aux pour par sur dans avec
		que qui ne pas est sont ce cette ces son sa ses leur leurs nous vous il elle ils
		on se plus ou où mais si tout tous été être avoir a ont fait date total montant
		prix facture devis commande bon client fournisseur tva ht ttc euros eur net
		page objet référence adresse tél tel mail siret siren rue avenue madame monsieur
		article quantité unité désignation conditions paiement règlement échéance
		marché lot numéro n° the of and to in for is on with by from this that`) {
		m[w] = true
	}
	return m
}()
