package anomaly

import (
	"strconv"
	"strings"
	"unicode"

	"github.com/depenses-eclairees/depenses/internal/fr"
)

// words folds a text (case, accents) into its words of three letters or
// more, without the stop words.
func words(s string, stop map[string]bool) []string {
	var out []string
	var b strings.Builder
	flush := func() {
		w := b.String()
		b.Reset()
		if len([]rune(w)) >= 3 && !stop[w] {
			out = append(out, w)
		}
	}
	for _, r := range s {
		first, second := fr.FoldRune(r)
		if !unicode.IsLetter(first) && !unicode.IsDigit(first) {
			flush()
			continue
		}
		b.WriteRune(unicode.ToLower(first))
		if second != 0 {
			b.WriteRune(unicode.ToLower(second))
		}
	}
	flush()
	return out
}

var ministryStop = map[string]bool{"ministere": true, "ministre": true, "charge": true, "chargee": true, "des": true, "les": true, "aux": true, "pour": true, "services": true, "service": true}

var objetStop = map[string]bool{"des": true, "les": true, "aux": true, "pour": true, "par": true, "sur": true, "une": true, "dans": true, "avec": true}

// sameMinistry tells whether two ministry names may name the same
// ministry: they share a content word. Portfolios are renamed with each
// government ("Ministère du Travail, de la Santé et des Solidarités" and
// "Ministère chargé de la Santé"), so only a clear difference counts.
func sameMinistry(a, b string) bool {
	wa, wb := words(a, ministryStop), words(b, ministryStop)
	if len(wa) == 0 || len(wb) == 0 {
		return true
	}
	for _, x := range wa {
		if contains(wb, x) {
			return true
		}
	}
	return false
}

// jaccard is the share of common words of two objets.
func jaccard(a, b string) float64 {
	wa, wb := words(a, objetStop), words(b, objetStop)
	if len(wa) == 0 || len(wb) == 0 {
		return 0
	}
	set := map[string]int{}
	for _, w := range wa {
		set[w] |= 1
	}
	for _, w := range wb {
		set[w] |= 2
	}
	both := 0
	for _, v := range set {
		if v == 3 {
			both++
		}
	}
	return float64(both) / float64(len(set))
}

func trimFloat(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
