package reconcile

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestIsClear(t *testing.T) {
	cases := []struct {
		text   string
		clear  bool
		reason string
	}{
		// Clear: what was bought, in words.
		{"Accompagnement à la refonte du portail usagers", true, ""},
		{"Achat de fournitures de bureau", true, ""},
		{"Travaux de peinture", true, ""},
		{"Maintenance des ascenseurs du site de Bercy", true, ""},
		{"Frais de déplacement", true, ""},
		{"TRAVAUX PEINTURE", true, ""},
		{"MAINTENANCE ASCENSEURS BATIMENT A", true, ""},
		{"Étude d'impact de la réforme des retraites", true, ""},
		{"Formation Excel", true, ""},
		{"Mission de conseil en stratégie", true, ""},
		{"Prestations intellectuelles informatiques", true, ""},
		{"TMA APPLICATION GESTION", true, ""},
		// Empty.
		{"", false, reasonEmpty},
		{"   \t\n", false, reasonEmpty},
		// Codes and numbers alone.
		{"DA-2026-041", false, reasonCode},
		{"1300012345", false, reasonCode},
		{"33.01.04", false, reasonCode},
		{"CPV 79400000-8", false, reasonCode},
		{"GM 33.01.04", false, reasonCode},
		{"Réf. 2026/041", false, reasonCode},
		{"N° 12", false, reasonCode},
		// No word at all.
		{"---", false, reasonNoWord},
		{"à la", false, reasonNoWord},
		// Generic words only.
		{"Prestation", false, reasonGeneric},
		{"prestations", false, reasonGeneric},
		{"Divers", false, reasonGeneric},
		{"Commande", false, reasonGeneric},
		{"Achat", false, reasonGeneric},
		{"Fournitures diverses", false, reasonGeneric},
		{"Prestation de service", false, reasonGeneric},
		{"Services", false, reasonGeneric},
		{"Facture", false, reasonGeneric},
		{"Devis", false, reasonGeneric},
		{"Bon de commande", false, reasonGeneric},
		{"Marché", false, reasonGeneric},
		{"Selon devis", false, reasonGeneric},
		{"Voir pièce jointe", false, reasonGeneric},
		{"cf. devis", false, reasonGeneric},
		{"Travaux divers", false, reasonGeneric},
		{"Devis 2026-041", false, reasonGeneric},
		{"Régularisation facture", false, reasonGeneric},
		{"Devis pour une prestation de 8 demi journées et pour le matériel nécessaire", false, reasonGeneric},
		// One meaningful word.
		{"Nettoyage", false, reasonFewWords},
		{"Maintenance 2026", false, reasonFewWords},
		// Generic words count towards the two, once one word is specific.
		{"Prestation AMOA", true, ""},
		// Acronym soup.
		{"AMOA SIRH", false, reasonAcronyms},
		{"MCO TMA DSI", false, reasonAcronyms},
		{"MARCHE TMA SIRH", false, reasonAcronyms},
	}
	for _, c := range cases {
		clear, reason := IsClear(c.text)
		if clear != c.clear || reason != c.reason {
			t.Errorf("IsClear(%q) = %v, %q; want %v, %q", c.text, clear, reason, c.clear, c.reason)
		}
	}
}

// TestIsClearLongText checks that a huge text is judged on its beginning,
// in bounded time.
func TestIsClearLongText(t *testing.T) {
	long := "Maintenance des ascenseurs " + strings.Repeat("x", 10<<20)
	if ok, _ := IsClear(long); !ok {
		t.Error("long clear text judged unclear")
	}
	if ok, r := IsClear(strings.Repeat("prestation ", 1<<20)); ok || r != reasonGeneric {
		t.Errorf("long generic text: %v %q", ok, r)
	}
}

func FuzzIsClear(f *testing.F) {
	for _, s := range []string{"Accompagnement à la refonte du portail usagers", "DA-2026-041", "AMOA SIRH", "Prestation",
		"Œuvre d'art", "İSTANBUL ÉTUDE", "\xff\xfe", "Devis n° 12 pour travaux de peinture"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		clear, reason := IsClear(s)
		clear2, reason2 := IsClear(s)
		if clear != clear2 || reason != reason2 {
			t.Fatalf("not deterministic on %q", s)
		}
		if clear != (reason == "") {
			t.Fatalf("IsClear(%q) = %v with reason %q", s, clear, reason)
		}
		// Blanks around the text do not change the verdict.
		if c, r := IsClear(" \t" + s + "\n "); c != clear || r != reason {
			t.Fatalf("IsClear(%q) = %v %q, padded %v %q", s, clear, reason, c, r)
		}
		if !clear {
			return
		}
		// A clear text has two words of at least three letters.
		n := 0
		for _, w := range strings.FieldsFunc(fold(truncate(strings.TrimSpace(s), maxTextBytes)), func(r rune) bool { return !unicode.IsLetter(r) }) {
			if utf8.RuneCountInString(w) >= minWordLetters {
				n++
			}
		}
		if n < minMeaningfulWords {
			t.Fatalf("IsClear(%q) clear with %d words", s, n)
		}
		// Lower-casing ASCII text cannot make it an acronym soup.
		if isASCII(s) {
			if c, _ := IsClear(strings.ToLower(s)); !c {
				t.Fatalf("IsClear(%q) clear but not its lower case", s)
			}
		}
	})
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
