package reconcile

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Thresholds of IsClear (see the package documentation).
const (
	minMeaningfulWords = 2  // words of at least minWordLetters letters, not stop words
	minWordLetters     = 3  // shorter words are articles, prepositions or initials
	soupMaxLetters     = 16 // an ALL-CAPS text with fewer letters…
	abbrevMaxLetters   = 4  // …and at least half its words this short reads as acronyms
)

// Reasons IsClear gives, in French: they are shown to users.
const (
	reasonEmpty    = "désignation vide"
	reasonCode     = "code ou numéro sans désignation"
	reasonNoWord   = "aucun mot significatif"
	reasonGeneric  = "termes génériques seulement"
	reasonFewWords = "moins de deux mots significatifs"
	reasonAcronyms = "sigles en capitales sans désignation"
)

// stopWords are folded words of three letters or more that carry no object:
// articles, prepositions, pronouns, and the labels of codes ("réf", "CPV").
var stopWords = wordSet(`les des une aux pour par sur sous dans avec sans chez vers entre cet cette ces
	son ses leur leurs notre nos votre vos mon mes ton tes qui que quoi dont est sont etre ete ainsi afin
	lors tout tous toute toutes plus concernant relatif relative relatifs relatives dit dite ledit ladite
	lesdits lesdites auquel duquel lequel laquelle the and for with from ref reference numero code cpv naf
	siret siren`)

// genericWords are folded singular words that say that something was
// bought without saying what: kinds of documents, purchase vocabulary,
// quantities and units, and fillers ("divers", "nécessaire").
var genericWords = wordSet(`prestation divers diverse commande achat fourniture service facture devis bon
	marche selon voir piece joint jointe objet document annexe proposition offre contrat lot forfait
	forfaitaire materiel necessaire jour journee demi heure mois semaine annee unite quantite total
	montant prix tarif euro eur ttc tva conformement suite demande besoin engagement juridique paiement
	reglement regularisation complement complementaire autre article produit acompte solde avenant avoir
	ligne poste dossier affaire operation mission intervention travaux bien frais cadre`)

func wordSet(list string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(list) {
		m[w] = true
	}
	return m
}

// isGeneric reports whether a folded word, or its singular, is generic.
func isGeneric(w string) bool {
	if genericWords[w] {
		return true
	}
	if n := len(w); n > 3 && (w[n-1] == 's' || w[n-1] == 'x') {
		return genericWords[w[:n-1]]
	}
	return false
}

// IsClear reports whether text says what was bought so that a third party
// understands it, and when it does not, why (in French). The rule is the
// package documentation's "Designation claire".
func IsClear(text string) (clear bool, reason string) {
	text = truncate(strings.TrimSpace(text), maxTextBytes)
	if text == "" {
		return false, reasonEmpty
	}
	meaningful, specific := 0, 0
	for _, w := range words(fold(text)) {
		if utf8.RuneCountInString(w) < minWordLetters || stopWords[w] {
			continue
		}
		meaningful++
		if !isGeneric(w) {
			specific++
		}
	}
	switch {
	case meaningful == 0 && strings.ContainsFunc(text, unicode.IsDigit):
		return false, reasonCode
	case meaningful == 0:
		return false, reasonNoWord
	case specific == 0:
		return false, reasonGeneric
	case meaningful < minMeaningfulWords:
		return false, reasonFewWords
	case isAcronymSoup(text):
		return false, reasonAcronyms
	}
	return true, ""
}

// isAcronymSoup reports an ALL-CAPS text of fewer than soupMaxLetters
// letters whose words are mostly acronyms ("AMOA SIRH", "MCO TMA SI").
func isAcronymSoup(text string) bool {
	letters := 0
	for _, r := range text {
		if unicode.IsLower(r) {
			return false
		}
		if unicode.IsLetter(r) {
			letters++
		}
	}
	if letters >= soupMaxLetters {
		return false
	}
	ws := strings.FieldsFunc(text, func(r rune) bool { return !unicode.IsLetter(r) })
	short := 0
	for _, w := range ws {
		if utf8.RuneCountInString(w) <= abbrevMaxLetters {
			short++
		}
	}
	return len(ws) > 0 && 2*short >= len(ws)
}
