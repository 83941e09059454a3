package extract

import (
	"fmt"
	"math"
	"regexp"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/depenses-eclairees/depenses/internal/document"
)

// OCR'd text carries misreadings that the rules, written for text layers,
// do not expect: specks and logos read as letters ("NN 1?", "=" for an
// envelope icon), amounts cut by a stray space ("470,1 5€", "-21 8,48 €"),
// letters in numbers ("2O17", "l5/11"), the euro sign read as "E", "C" or
// "!". RepairOCR mends the words of pages read by OCR before the rules read
// them, and only where the repair is unambiguous; text-layer pages are never
// touched.

// OCRRepairs counts the repairs of one document, by kind.
type OCRRepairs struct {
	Junk       int // specks, icons and logos read as words, dropped
	Joined     int // amounts cut in two by a stray space, joined
	Confusions int // letters read in place of digits in a number (O→0, l→1, S→5, B→8)
	Currency   int // euro signs read as another character
}

// Total is the number of repairs.
func (n OCRRepairs) Total() int { return n.Junk + n.Joined + n.Confusions + n.Currency }

// Warning says in French what was repaired, or "" when nothing was.
func (n OCRRepairs) Warning() string {
	if n.Total() == 0 {
		return ""
	}
	var parts []string
	add := func(k int, one, many string) {
		switch {
		case k == 1:
			parts = append(parts, "1 "+one)
		case k > 1:
			parts = append(parts, fmt.Sprintf("%d %s", k, many))
		}
	}
	add(n.Joined, "montant recollé", "montants recollés")
	add(n.Confusions, "confusion lettre/chiffre corrigée", "confusions lettre/chiffre corrigées")
	add(n.Currency, "symbole € restitué", "symboles € restitués")
	add(n.Junk, "marque parasite écartée (logo, pictogramme, tache)", "marques parasites écartées (logos, pictogrammes, taches)")
	return "texte lu par OCR corrigé avant l'extraction : " + strings.Join(parts, ", ")
}

// RepairOCR returns doc with the words of its OCR pages repaired, and what
// was repaired. doc itself is not modified: repaired pages are copies, and
// a document without OCR pages is returned as is.
func RepairOCR(doc *document.Document) (*document.Document, OCRRepairs) {
	var n OCRRepairs
	if doc == nil {
		return doc, n
	}
	var pages []document.Page
	for i, p := range doc.Pages {
		if p.Source != document.SourceOCR || len(p.Lines) == 0 {
			continue
		}
		if pages == nil {
			pages = append([]document.Page(nil), doc.Pages...)
		}
		pages[i] = repairPage(p, &n)
	}
	if pages == nil {
		return doc, n
	}
	out := *doc
	out.Pages = pages
	return &out, n
}

// repairPage repairs the words of one OCR page, line by line. Dropping
// junk changes the rows' boxes (a logo standing higher than the letterhead
// beside it pulled its row first), so the rows are sorted again then.
func repairPage(p document.Page, n *OCRRepairs) document.Page {
	lines := make([]document.Line, 0, len(p.Lines))
	junk := n.Junk
	textH := textHeight(p.Lines)
	for _, l := range p.Lines {
		words := append([]document.Word(nil), l.Words...)
		if len(words) > maxLineWords {
			lines = append(lines, l)
			continue
		}
		if logoRow(words, textH) {
			n.Junk += len(words)
			continue
		}
		words = dropJunk(words, n)
		if len(words) == 0 {
			continue
		}
		for i := range words {
			words[i].Text = repairConfusions(words[i].Text, n)
		}
		words = repairCurrency(words, n)
		words = joinSplitAmounts(words, n)
		var box document.Box
		for _, w := range words {
			box = box.Union(w.Box)
		}
		lines = append(lines, document.Line{Words: words, Box: box})
	}
	if n.Junk > junk {
		lines = document.GroupRows(lines)
	}
	p.Lines = lines
	return p
}

// Confidence thresholds of the junk rules: a word of ordinary print reads
// above 0.9; logos, icons and specks below 0.5.
const (
	junkConfidence   = 0.5
	doubtConfidence  = 0.8
	digitJunkConfide = 0.3
)

// keptSymbols are punctuation words that carry meaning for the rules even
// when read with doubt: signs and units of amounts, label separators.
var keptSymbols = map[string]bool{"-": true, "–": true, "—": true, "€": true, "%": true, ":": true, "/": true, "+": true, "(": true, ")": true}

// frenchOneLetterWords are the letters that stand alone as French words
// ("payé à 30 jours", "il y a"): inside a phrase they are not junk.
var frenchOneLetterWords = map[string]bool{"a": true, "à": true, "y": true, "A": true, "À": true, "ô": true, "Ô": true, "o": true, "O": true}

// dropJunk removes the words that are specks, icons or logos read as text:
// a word of punctuation alone read with doubt (an envelope "=", a phone
// "<."), a single stray character read with little confidence, and a cell
// (words between column gaps) that is all doubtful and holds no word of
// text (a logo read as "NN 1?" or "SERRES").
func dropJunk(words []document.Word, n *OCRRepairs) []document.Word {
	cw := charWidth(words)
	keep := make([]bool, len(words))
	for i := range keep {
		keep[i] = true
	}
	for i, w := range words {
		letters, digits, others := runeKinds(w.Text)
		runes := letters + digits + others
		switch {
		case letters+digits == 0 && !keptSymbols[w.Text] && !strings.ContainsAny(w.Text, "€%$£") && w.Confidence < doubtConfidence:
			keep[i] = false
		case runes == 1 && letters == 1 && !frenchOneLetterWords[w.Text] && w.Confidence < junkConfidence:
			keep[i] = false
		case letters == 1 && digits == 0 && others >= 1 && !numberSign[w.Text] && w.Confidence < doubtConfidence:
			// "K.", "&æ": an icon read as a letter and a mark.
			keep[i] = false
		}
	}
	// Cells: runs of words closer than a column gap.
	for start := 0; start < len(words); {
		end := start + 1
		for end < len(words) && (cw <= 0 || words[end].Box.X0-words[end-1].Box.X1 <= 2*cw) {
			end++
		}
		if junkCell(words[start:end], keep[start:end]) || tallCell(words, start, end) {
			for i := start; i < end; i++ {
				keep[i] = false
			}
		}
		start = end
	}
	out := words[:0]
	for i, w := range words {
		if keep[i] {
			out = append(out, w)
		} else {
			n.Junk++
		}
	}
	return out
}

// junkCell says whether a cell is a logo or an icon read as text: every
// word doubtful and none a word of text (three lower-case letters or more),
// or a lone character read with doubt ("à" for a mill, "x" for an envelope).
func junkCell(cell []document.Word, keep []bool) bool {
	var live []document.Word
	for i, w := range cell {
		if keep[i] {
			live = append(live, w)
		}
	}
	if len(live) == 0 {
		return false // already dropped word by word
	}
	if len(live) == 1 {
		w := live[0]
		letters, digits, others := runeKinds(w.Text)
		if letters+digits+others == 1 {
			if digits == 1 {
				return w.Confidence < digitJunkConfide
			}
			return !keptSymbols[w.Text] && w.Confidence < doubtConfidence
		}
	}
	for _, w := range live {
		if w.Confidence >= junkConfidence || hasLowerWord(w.Text) {
			return false
		}
		if _, digits, _ := runeKinds(w.Text); digits >= 2 {
			return false // a number read with doubt is for the rules to weigh
		}
	}
	return true
}

// numberSign are the words of one letter and a mark that stand for a
// label ("N°", "n°") and must stay.
var numberSign = map[string]bool{"N°": true, "n°": true, "Nº": true, "nº": true, "N.": true, "n.": true}

// tallCell says whether words[start:end] is a picture read as text: a
// cell of a few characters, none read with confidence, standing much
// taller than the text of the rest of its row (a logo beside the
// letterhead read as "NN 1?", bars read as "SERRES").
func tallCell(words []document.Word, start, end int) bool {
	var alnum int
	var cellH float64
	for _, w := range words[start:end] {
		if w.Confidence >= 0.9 {
			return false
		}
		l, d, _ := runeKinds(w.Text)
		alnum += l + d
		cellH = math.Max(cellH, w.Box.Height())
	}
	if alnum > 8 {
		return false
	}
	var rest []float64
	for i, w := range words {
		if (i < start || i >= end) && w.Confidence >= 0.8 {
			rest = append(rest, w.Box.Height())
		}
	}
	if len(rest) < 2 {
		return false
	}
	sort.Float64s(rest)
	return cellH >= 1.4*rest[len(rest)/2]
}

// textHeight is the median height of the words of a page read with
// confidence: the height of its ordinary print; 0 when too few.
func textHeight(lines []document.Line) float64 {
	var hs []float64
	for _, l := range lines {
		for _, w := range l.Words {
			if w.Confidence >= doubtConfidence {
				hs = append(hs, w.Box.Height())
			}
		}
	}
	if len(hs) < 10 {
		return 0
	}
	sort.Float64s(hs)
	return hs[len(hs)/2]
}

// logoRow says whether a row is a logo read as text: a few characters,
// none read with even fair confidence, standing at least twice as tall as
// the page's print ("AkretiGn" at 0 % for a company's drawn logotype). A
// title printed large reads with confidence and stays.
func logoRow(words []document.Word, textH float64) bool {
	if textH <= 0 || len(words) == 0 || len(words) > 3 {
		return false
	}
	var alnum int
	for _, w := range words {
		if w.Confidence >= junkConfidence || w.Box.Height() < 2*textH {
			return false
		}
		l, d, _ := runeKinds(w.Text)
		alnum += l + d
	}
	return alnum <= 16
}

// hasLowerWord says whether s holds three lower-case letters in a row, the
// mark of a word of text rather than of a logo.
func hasLowerWord(s string) bool {
	run := 0
	for _, r := range s {
		if unicode.IsLower(r) {
			run++
			if run >= 3 {
				return true
			}
		} else {
			run = 0
		}
	}
	return false
}

func runeKinds(s string) (letters, digits, others int) {
	for _, r := range s {
		switch {
		case unicode.IsLetter(r):
			letters++
		case unicode.IsDigit(r):
			digits++
		case !unicode.IsSpace(r):
			others++
		}
	}
	return
}

// charWidth is the mean width of a character over the words.
func charWidth(words []document.Word) float64 {
	var width float64
	var chars int
	for _, w := range words {
		width += w.Box.Width()
		chars += utf8.RuneCountInString(w.Text)
	}
	if chars == 0 {
		return 0
	}
	return width / float64(chars)
}

// digitLookalikes are the letters OCR reads in place of digits.
var digitLookalikes = map[rune]byte{'O': '0', 'o': '0', 'l': '1', 'I': '1', '|': '1', 'S': '5', 's': '5', 'B': '8'}

// Shapes a repaired number must take: an amount with its cents, a date, a
// percentage.
var (
	amountShape  = regexp.MustCompile(`^[-+(]?\d{1,3}(?:[ .\x{a0}\x{202f}']?\d{3})*[,.]\d{2}\)?(?:€|%)?$|^[-+(]?\d+[,.]\d{2}\)?(?:€|%)?$`)
	dateShape    = regexp.MustCompile(`^\d{1,2}[/.-]\d{1,2}[/.-](?:\d{2}|\d{4})$`)
	percentShape = regexp.MustCompile(`^\d{1,2}(?:[,.]\d{1,2})?%$`)
)

// repairConfusions reads the letters of a number that OCR took for digits
// ("2O17", "l5/11/2024", "1 2S0,00") as the digits they stand for, when the
// word is otherwise a number: at least two digits and no more lookalikes
// than digits, and the repaired word is an amount, a date, a percentage, or
// a run of digits where every lookalike stands between digits (an IBAN or
// SIRET group). Codes that mix letters and digits ("PO445", "DRH0249") are
// left alone: their letters may be real.
func repairConfusions(s string, n *OCRRepairs) string {
	digits, looks := 0, 0
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case digitLookalikes[r] != 0:
			looks++
		case strings.ContainsRune(".,/-:'()+€%", r):
		default:
			return s
		}
	}
	if looks == 0 || digits < 2 || looks > digits {
		return s
	}
	var b strings.Builder
	interior := true
	rs := []rune(s)
	for i, r := range rs {
		if d := digitLookalikes[r]; d != 0 {
			b.WriteByte(d)
			if i == 0 || i == len(rs)-1 || !isDigitOrLook(rs[i-1]) || !isDigitOrLook(rs[i+1]) {
				interior = false
			}
			continue
		}
		b.WriteRune(r)
	}
	fixed := b.String()
	allDigits := strings.Trim(fixed, "0123456789") == "" && len(fixed) >= 3
	if amountShape.MatchString(fixed) || dateShape.MatchString(fixed) || percentShape.MatchString(fixed) || allDigits && interior {
		n.Confusions += looks
		return fixed
	}
	return s
}

func isDigitOrLook(r rune) bool { return r >= '0' && r <= '9' || digitLookalikes[r] != 0 }

// gluedCurrency: an amount with its cents and, glued to it, what OCR read
// for the euro sign.
var gluedCurrency = regexp.MustCompile(`^([-+]?\d[\d.,']*[,.]\d{2})(E|C|!)$`)

var centsEnd = regexp.MustCompile(`\d[,.]\d{2}$`)

// repairCurrency restores the euro sign read as "E", "C" or "!" right after
// an amount with its cents ("12,50E", "12,50 C"), and "€)" when no
// parenthesis opened before.
func repairCurrency(words []document.Word, n *OCRRepairs) []document.Word {
	cw := charWidth(words)
	opened := false
	for i := range words {
		t := words[i].Text
		if strings.Contains(t, "(") {
			opened = true
		}
		if m := gluedCurrency.FindStringSubmatch(t); m != nil {
			words[i].Text = m[1] + "€"
			n.Currency++
			continue
		}
		if i == 0 || !centsEnd.MatchString(words[i-1].Text) {
			continue
		}
		if gap := words[i].Box.X0 - words[i-1].Box.X1; cw > 0 && gap > 2*cw {
			continue
		}
		switch {
		case t == "E" || t == "C" || t == "!" || t == "€." || t == "€," || t == "€!":
			words[i].Text = "€"
			n.Currency++
		case t == "€)" && !opened:
			words[i].Text = "€"
			n.Currency++
		}
	}
	return words
}

// Pieces of an amount cut by a stray space: "470,1" + "5€" (a single
// cent digit on each side), "-21" + "8,48" (a head of one or two digits
// before a part that is not a group of three: not a thousands separator).
var (
	oneCentHead  = regexp.MustCompile(`^[-+(]?\d+[,.]\d$`)
	oneCentTail  = regexp.MustCompile(`^\d(?:€|%|\))?$`)
	shortHead    = regexp.MustCompile(`^[-+(]?\d{1,3}$`)
	shortTail    = regexp.MustCompile(`^\d{1,2}[,.]\d{2}(?:€|\))?$`)
	groupedAfter = regexp.MustCompile(`^\d{3}`)
)

// joinSplitAmounts joins the two pieces of an amount that OCR cut with a
// space narrower than the other spaces of the line. A piece that makes a
// well-formed amount on its own with its neighbour ("1 499,00") is a
// thousands separator, not a cut, and is left alone.
func joinSplitAmounts(words []document.Word, n *OCRRepairs) []document.Word {
	if len(words) < 2 {
		return words
	}
	space := medianGap(words)
	out := words[:0:0]
	for i := 0; i < len(words); i++ {
		w := words[i]
		if i+1 < len(words) {
			next := words[i+1]
			gap := next.Box.X0 - w.Box.X1
			cw := charWidth(words[i : i+2])
			tight := cw > 0 && gap < 0.6*cw
			cut := false
			switch {
			case oneCentHead.MatchString(w.Text) && oneCentTail.MatchString(next.Text):
				cut = tight
			case shortHead.MatchString(w.Text) && shortTail.MatchString(next.Text) && !groupedAfter.MatchString(next.Text):
				// No valid French grouping here: the narrow space is a cut
				// when it is narrower than the line's spaces.
				cut = tight && (space <= 0 || gap < 0.8*space)
			}
			if cut {
				w.Text += next.Text
				w.Box = w.Box.Union(next.Box)
				w.Confidence = math.Min(w.Confidence, next.Confidence)
				out = append(out, w)
				n.Joined++
				i++
				continue
			}
		}
		out = append(out, w)
	}
	return out
}

// medianGap is the median space between neighbouring words of a line that
// stand closer than a column gap; 0 when there are fewer than three.
func medianGap(words []document.Word) float64 {
	cw := charWidth(words)
	var gaps []float64
	for i := 1; i < len(words); i++ {
		g := words[i].Box.X0 - words[i-1].Box.X1
		if g >= 0 && (cw <= 0 || g <= 2*cw) {
			gaps = append(gaps, g)
		}
	}
	if len(gaps) < 3 {
		return 0
	}
	sort.Float64s(gaps)
	return gaps[len(gaps)/2]
}

// repairOCR repairs the OCR pages of doc and says so in a warning.
func (r *run) repairOCR(doc *document.Document) *document.Document {
	out, n := RepairOCR(doc)
	if w := n.Warning(); w != "" {
		r.warn(w)
	}
	return out
}

// OCR doubt. Tesseract's word confidence is a weak sign for codes and
// names (it is low for any word outside its dictionary, "2026SGM3730044"
// as much as a misread one), so those only lose confidence. Two cases are
// left out instead: an identifier read with doubt whose checksum fails (on
// a scan, a misread digit far more often than a misprint), and an amount
// read with doubt that no other total confirms. (An invalid identifier read
// with confidence is kept and reported invalid, as on a text layer: sample
// and test documents print such numbers.) A wrong amount or identifier
// costs an agent more than a missing one.
const (
	ocrUnreadable = 0.5  // below it, a word is a guess…
	crossChecked  = 0.95 // …unless totals that add up vouch for it
	ocrDoubtful   = 0.7  // below it, an amount is doubtful…
	ruleSure      = 0.9  // …unless the rule itself is sure
	ocrFactor     = 0.92 // a value read by OCR is never as sure as a text layer's
)

// ocrAmounts are the fields the amount rule checks against each other.
var ocrAmounts = map[string]bool{"montant_ht": true, "montant_tva": true, "montant_ttc": true, "net_a_payer": true}

// ocrDoubt says whether field name, read from OCR words with confidence
// wordConf by a rule that gave ruleConf, should be left out.
func ocrDoubt(name string, wordConf, ruleConf float64, valid *bool) bool {
	if valid != nil {
		// A checksum that fails on words read with doubt: a misread digit.
		return !*valid && wordConf < ocrDoubtful
	}
	if !ocrAmounts[name] {
		return false
	}
	return wordConf < ocrUnreadable && ruleConf < crossChecked || wordConf < ocrDoubtful && ruleConf < ruleSure
}

// dropOCR leaves field name out for good (a weaker rule must not fill it
// with another reading of the same doubtful words) and says why.
func (r *run) dropOCR(name string, wordConf float64) {
	if r.ocrDropped == nil {
		r.ocrDropped = map[string]bool{}
	}
	r.ocrDropped[name] = true
	r.warn(fmt.Sprintf("%s non retenu : lecture OCR douteuse (confiance %.0f %%)", name, wordConf*100))
}
