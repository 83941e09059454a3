package items

import (
	"github.com/depenses-eclairees/depenses/internal/fr"
	"strings"
	"unicode/utf8"
)

// colKind is what a table column holds, read from its header label.
type colKind uint8

const (
	kOther colKind = iota // a column we do not read (TTC, montant TVA, dates…)
	kRef                  // line number, reference, code
	kDesignation
	kQty
	kUnit
	kPU
	kMontant
	kPrice // "Prix", "Prix HT": unit price or line amount, decided per table
	kTVA
	kDiscount
)

// unitHint is what a header says of the unit ("Nb jours", "TJM", "Taux horaire").
type unitHint uint8

const (
	hintNone unitHint = iota
	hintDay
	hintHour
)

type labelRule struct {
	phrase []string // consecutive normalised tokens
	kind   colKind
	hint   unitHint
}

// labelRules are tried in order on a header label's tokens: the first rule
// whose phrase occurs in the label gives its kind. Phrases that mix two
// column words ("prix unitaire", "unit price", "taux tva") come first.
var labelRules = func() []labelRule {
	var rules []labelRule
	add := func(kind colKind, hint unitHint, phrases ...string) {
		for _, p := range phrases {
			rules = append(rules, labelRule{strings.Fields(p), kind, hint})
		}
	}
	add(kOther, hintNone, "montant tva", "total tva", "montant ttc", "total ttc", "prix ttc", "ttc", "tva montant",
		"date", "dates", "periode", "echeance", "delai", "tax amount", "vat amount")
	add(kPU, hintDay, "tjm", "prix jour", "prix/jour", "prix par jour", "prix journee", "prix de journee", "prix journalier",
		"taux journalier", "tarif journalier", "cout journalier", "tarif jour", "tarif/jour", "tarif par jour", "cout jour", "daily rate")
	add(kPU, hintHour, "taux horaire", "prix horaire", "tarif horaire", "prix heure", "hourly rate")
	add(kPU, hintNone, "prix unitaire", "prix unit", "pu", "p/u", "unit price", "price unit", "cout unitaire", "tarif unitaire",
		"montant unitaire", "unitaire", "tarif", "net unit")
	add(kQty, hintDay, "nombre de jours", "nb de jours", "nb jours", "nbre de jours", "nbre jours", "jours", "jour", "j/h", "jh",
		"jours-homme", "jours/homme", "jour-homme", "hommes-jours", "homme-jour", "j-h", "charge", "days")
	add(kQty, hintHour, "nombre d'heures", "nb heures", "nb d'heures", "heures", "hours")
	add(kQty, hintNone, "qte", "qty", "quantite", "quantites", "quantity", "nb", "nbre", "nombre", "volume")
	add(kUnit, hintNone, "unite", "unites", "u", "unit", "um")
	add(kMontant, hintNone, "montant", "total", "amount", "prix total", "net", "sous-total", "cout total", "line total")
	add(kPrice, hintNone, "prix", "price", "cout")
	add(kTVA, hintNone, "tva", "taux", "vat", "tax", "taxes", "taxe")
	add(kDiscount, hintNone, "rem", "remise", "disc", "discount", "rabais", "reduction")
	add(kDesignation, hintNone, "designation", "designations", "description", "libelle", "libelles", "prestation", "prestations",
		"article", "articles", "intitule", "produit", "produits", "detail", "nature", "profil", "profils", "intervenant", "fonction", "fonctions", "role", "roles",
		"intervenants", "name", "item", "items", "service", "services", "objet", "fourniture", "fournitures", "phase", "phases",
		"livrable", "livrables", "mission", "missions", "activite", "activites", "poste de depense")
	add(kRef, hintNone, "ref", "reference", "code", "n°", "no", "#", "poste", "ligne", "line", "lot")
	return rules
}()

// headWords are the tokens that can start a column label; pairs are the
// token pairs that stay in one label even when both are head words.
var headWords, joinPairs = func() (map[string]bool, map[[2]string]bool) {
	heads := map[string]bool{}
	pairs := map[[2]string]bool{}
	for _, r := range labelRules {
		heads[r.phrase[0]] = true
		for i := 1; i < len(r.phrase); i++ {
			pairs[[2]string{r.phrase[i-1], r.phrase[i]}] = true
		}
	}
	return heads, pairs
}()

// fillerWords may stand in a header without being column words.
var fillerWords = map[string]bool{
	"ht": true, "€": true, "eur": true, "euros": true, "euro": true, "en": true, "de": true, "des": true, "du": true,
	"la": true, "le": true, "les": true, "par": true, "d": true, "l": true, "%": true, "(€)": true, "h": true, "hors": true,
	"et": true, "the": true, "of": true, "excl": true, "incl": true, "a": true, "/": true, "-": true, "e": true,
	"x": true, "ou": true, "j": true, "au": true, "pour": true,
}

// classify gives the kind of a label from its normalised tokens.
func classify(tokens []string) (colKind, unitHint, bool) {
	for _, r := range labelRules {
		if containsPhrase(tokens, r.phrase) {
			return r.kind, r.hint, true
		}
	}
	return kOther, hintNone, false
}

func containsPhrase(tokens, phrase []string) bool {
	for i := 0; i+len(phrase) <= len(tokens); i++ {
		ok := true
		for j, p := range phrase {
			if tokens[i+j] != p {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

// normWord lowercases a word, removes accents and the dots and colons that
// abbreviations carry ("P.U." → "pu", "Qté :" → "qte").
func normWord(s string) string {
	return fold(strings.Map(func(r rune) rune {
		if strings.ContainsRune(".:*;()[]", r) {
			return -1
		}
		return r
	}, s))
}

// foldRune maps accented letters to ASCII, typographic quotes to ' and
// narrow or non-breaking spaces to spaces; other runes are kept.
func foldRune(r rune) string {
	switch r {
	case '’', 'ʼ', '‘':
		return "'"
	case '\u00a0', '\u202f':
		return " "
	}
	a, b := fr.FoldRune(r)
	if b != 0 {
		return string([]rune{a, b})
	}
	return string(a)
}

// fold normalises a whole text for keyword search.
func fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r < utf8.RuneSelf:
			if 'A' <= r && r <= 'Z' {
				r += 'a' - 'A'
			}
			b.WriteRune(r)
		default:
			b.WriteString(foldRune(r))
		}
	}
	return b.String()
}

// normUnit maps a printed unit to the contract's vocabulary: "jour",
// "demi-journee", "heure", "forfait", "unite", "mois", "semaine", "an",
// "lot", "litre", "kg"; other units are kept lowercased.
func normUnit(s string) string {
	u := strings.TrimSpace(fold(s))
	u = strings.TrimSuffix(strings.TrimSpace(u), "(s)")
	u = strings.Trim(u, ".:()[] ")
	u = strings.TrimSuffix(u, " ht")
	switch u {
	case "":
		return ""
	case "j", "jr", "jrs", "jour", "jours", "jh", "j/h", "j-h", "jour-homme", "jours-homme", "jours-hommes", "jour homme",
		"jours homme", "jours hommes", "homme-jour", "hommes-jours", "homme jour", "hj", "h/j", "jours/homme", "jour/homme",
		"journee", "journees", "day", "days", "man-day", "man-days", "jo", "j.h":
		return "jour"
	case "demi-journee", "demi-journees", "demi journee", "demi journees", "1/2 journee", "1/2 j", "1/2j", "dj":
		return "demi-journee"
	case "h", "hr", "hrs", "heure", "heures", "hour", "hours", "heure-homme", "heures-homme":
		return "heure"
	case "forfait", "forfaits", "fft", "ff", "forf", "ft", "forfaitaire", "global", "ens", "ensemble", "lump sum":
		return "forfait"
	case "u", "un", "unite", "unites", "unit", "units", "pce", "pc", "pcs", "piece", "pieces", "ea", "each", "u.", "ex",
		"exemplaire", "exemplaires", "c62", "nbre", "nb":
		return "unite"
	case "mois", "month", "months", "mensuel", "mensualite", "mensualites":
		return "mois"
	case "semaine", "semaines", "sem", "week", "weeks":
		return "semaine"
	case "an", "ans", "annee", "annees", "year", "years", "annuel":
		return "an"
	case "lot", "lots":
		return "lot"
	case "l", "litre", "litres", "liter", "liters", "ltr":
		return "litre"
	case "kg", "kilo", "kilos", "kilogramme", "kilogrammes":
		return "kg"
	}
	return u
}

// isDayUnit says whether a normalised unit counts person-days, and how many
// days one unit is.
func dayFactor(unit string) float64 {
	switch unit {
	case "jour":
		return 1
	case "demi-journee":
		return 0.5
	}
	return 0
}
