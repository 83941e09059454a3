package einvoice

import (
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/depenses-eclairees/depenses/internal/document"
)

// Confidence of values read from structured data, and of values derived
// from them by a checked rule (a SIREN taken from a valid VAT number).
const (
	confidenceRead    = 0.99
	confidenceDerived = 0.97
)

// fields collects the contract fields read from one document. The first
// value set for a name wins: callers try the most specific source first.
type fields map[string]document.Field

func (f fields) has(name string) bool {
	_, ok := f[name]
	return ok
}

// set records value for name, read from n, unless name is already set.
func (f fields) set(name string, value any, n *node, valid *bool) {
	f.setEvidence(name, value, evidence(n, n.text), confidenceRead, valid)
}

// maxEvidenceRunes bounds the value quoted in evidence: a hostile note may
// be megabytes long.
const maxEvidenceRunes = 300

// evidence is the element's path and the value it holds, as the contract's
// evidence for structured data.
func evidence(n *node, value string) string {
	if r := []rune(value); len(r) > maxEvidenceRunes {
		value = string(r[:maxEvidenceRunes]) + "…"
	}
	return n.path() + " = " + value
}

func (f fields) setEvidence(name string, value any, evidence string, confidence float64, valid *bool) {
	if f.has(name) {
		return
	}
	f[name] = document.Field{Value: value, Confidence: confidence, Page: 1, Evidence: evidence, Valid: valid}
}

// text sets a text field from the first non-empty node.
func (f fields) text(name string, n *node) {
	if n == nil || n.text == "" {
		return
	}
	f.set(name, n.text, n, nil)
}

// amount sets an amount field when n holds a well-formed decimal number.
func (f fields) amount(name string, n *node) {
	if n == nil {
		return
	}
	if v, ok := parseAmount(n.text); ok {
		f.set(name, v, n, nil)
	}
}

// date sets a date field when n holds a full calendar date.
func (f fields) date(name string, n *node) {
	if n == nil {
		return
	}
	if v, ok := parseDate(n.text, n.attr("format")); ok {
		f.set(name, v, n, nil)
	}
}

// orderReference sets reference_commande, and numero_ej as well when the value
// is a 10-digit Chorus engagement juridique number.
func (f fields) orderReference(n *node) {
	if n == nil || n.text == "" {
		return
	}
	f.set("reference_commande", n.text, n, nil)
	if ej := stripSeparators(n.text); len(ej) == 10 && allDigits(ej) {
		f.set("numero_ej", ej, n, nil)
	}
}

// objet keeps a note only when it says explicitly that it is the subject
// ("Objet : …"); any other note is left alone rather than guessed at.
// A Peppol-style subject code may come first ("#AAI#Objet : …").
var objetNote = regexp.MustCompile(`(?i)^\s*(?:#[A-Z]{3}#\s*)?objet\s*(?:de la (?:facture|commande)\s*)?[:\-–]\s*(\S.*)$`)

func (f fields) objet(notes []*node) {
	for _, n := range notes {
		if m := objetNote.FindStringSubmatch(n.text); m != nil {
			f.set("objet", strings.TrimSpace(m[1]), n, nil)
			return
		}
	}
}

// amountPattern is what EN 16931 allows for amounts, quantities and
// percentages: a plain decimal with a dot.
var amountPattern = regexp.MustCompile(`^[+-]?[0-9]{1,15}(\.[0-9]{0,10})?$`)

func parseAmount(s string) (float64, bool) {
	s = strings.TrimSpace(s)
	if !amountPattern.MatchString(s) {
		return 0, false
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, false
	}
	return v, true
}

// parseDate reads a date in the UN/EDIFACT 2379 formats CII uses (102:
// CCYYMMDD, 203: CCYYMMDDHHMM, 204: with seconds) or the ISO form UBL uses.
// Formats without a day (610 month, 616 week) give no date.
func parseDate(s, format string) (string, bool) {
	s = strings.TrimSpace(s)
	var layout string
	switch {
	case format == "102" || format == "" && len(s) == 8:
		layout = "20060102"
	case format == "203" && len(s) == 12:
		layout, s = "20060102", s[:8]
	case format == "204" && len(s) == 14:
		layout, s = "20060102", s[:8]
	case format == "" && len(s) >= 10 && s[4] == '-':
		// ISO date, possibly with a time or a zone after it.
		layout, s = "2006-01-02", s[:10]
	default:
		return "", false
	}
	t, err := time.Parse(layout, s)
	if err != nil || t.Year() < 1900 || t.Year() > 2200 {
		return "", false
	}
	return t.Format("2006-01-02"), true
}

// stripSeparators removes the spaces, dots and dashes people put inside
// identifiers.
func stripSeparators(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case ' ', '\u00a0', '\u202f', '\t', '.', '-', '/':
			return -1
		}
		return r
	}, s)
}

func boolPtr(b bool) *bool { return &b }

// party is what both syntaxes say about the seller or the buyer.
type party struct {
	name *node
	// legalIDs are the party's legal registration; otherIDs are further
	// identifiers. Both are read by their schemeID attribute: 0002 (SIREN)
	// and 0009 (SIRET) are French, other schemes are ignored.
	legalIDs, otherIDs []*node
	// acceptUnschemed says whether a legal registration without a scheme
	// may be read as a SIREN or SIRET (the party is in France).
	acceptUnschemed bool
	vatIDs          []*node
	address         string
	addressNode     *node
}

// addParty sets prefix.nom/.siren/.siret/.tva/.adresse.
func (f fields) addParty(prefix string, p party) {
	f.text(prefix+".nom", p.name)

	for i, n := range slices.Concat(p.legalIDs, p.otherIDs) {
		scheme := n.attr("schemeID")
		unschemed := scheme == "" && p.acceptUnschemed && i < len(p.legalIDs)
		if scheme != "0002" && scheme != "0009" && !unschemed {
			continue
		}
		digits := stripSeparators(n.text)
		if !allDigits(digits) {
			continue
		}
		// Without a scheme, only a number whose key checks is taken for French.
		if unschemed && !(len(digits) == 9 && validSIREN(digits) || len(digits) == 14 && validSIRET(digits)) {
			continue
		}
		// The length decides, not the scheme: samples label SIRETs 0002.
		switch len(digits) {
		case 14:
			f.set(prefix+".siret", digits, n, boolPtr(validSIRET(digits)))
		case 9:
			f.set(prefix+".siren", digits, n, boolPtr(validSIREN(digits)))
		}
	}
	if siret, ok := f[prefix+".siret"]; ok && !f.has(prefix+".siren") {
		siren := siret.Value.(string)[:9]
		f.setEvidence(prefix+".siren", siren, siret.Evidence, confidenceRead, boolPtr(validSIREN(siren)))
	}

	for _, n := range p.vatIDs {
		vat := strings.ToUpper(stripSeparators(n.text))
		if !vatPattern.MatchString(vat) {
			continue
		}
		if strings.HasPrefix(vat, "FR") {
			if !frVATPattern.MatchString(vat) {
				continue // not a French VAT number whatever its prefix says
			}
			valid, known := checkFRVAT(vat)
			var v *bool
			if known {
				v = boolPtr(valid)
			}
			f.set(prefix+".tva", vat, n, v)
			if valid && !f.has(prefix+".siren") {
				siren := vat[4:]
				f.setEvidence(prefix+".siren", siren, evidence(n, n.text), confidenceDerived, boolPtr(validSIREN(siren)))
			}
		} else {
			// Foreign VAT numbers: kept as written, no French checksum applies.
			f.set(prefix+".tva", vat, n, nil)
		}
		break
	}

	if p.address != "" {
		f.setEvidence(prefix+".adresse", p.address, evidence(p.addressNode, p.address), confidenceRead, nil)
	}
}

// VAT numbers: a country code and 2 to 13 letters or digits (EU formats);
// French ones are FR, a 2-character key and the SIREN.
var (
	vatPattern   = regexp.MustCompile(`^[A-Z]{2}[0-9A-Z]{2,13}$`)
	frVATPattern = regexp.MustCompile(`^FR[0-9A-Z]{2}[0-9]{9}$`)
)

// joinAddress writes an address on one line: street lines, then postcode
// and city, then the country when it is not France.
func joinAddress(lines []string, postcode, city, country string) string {
	var parts []string
	for _, l := range lines {
		if l = strings.TrimSpace(l); l != "" {
			parts = append(parts, l)
		}
	}
	if pc := strings.TrimSpace(postcode + " " + city); pc != "" {
		parts = append(parts, pc)
	}
	if len(parts) == 0 {
		return "" // a country alone is no address
	}
	if country != "" && !strings.EqualFold(country, "FR") {
		parts = append(parts, country)
	}
	return strings.Join(parts, ", ")
}

// iban sets iban (and bic when given) from an account identifier that is an IBAN.
func (f fields) iban(n *node) bool {
	if n == nil {
		return false
	}
	iban := strings.ToUpper(stripSeparators(n.text))
	if !ibanPattern.MatchString(iban) {
		return false
	}
	f.set("iban", iban, n, boolPtr(validIBAN(iban)))
	return true
}

// ibanPattern is the shape of an IBAN (ISO 13616): country, key, 11 to 30
// letters or digits. Other account identifiers are not IBANs.
var ibanPattern = regexp.MustCompile(`^[A-Z]{2}[0-9]{2}[0-9A-Z]{11,30}$`)

var bicPattern = regexp.MustCompile(`^[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?$`)

func (f fields) bic(n *node) {
	if n == nil {
		return
	}
	bic := strings.ToUpper(stripSeparators(n.text))
	if bicPattern.MatchString(bic) {
		f.set("bic", bic, n, nil)
	}
}

// taxRate sets taux_tva when all the rates given agree on one value.
func (f fields) taxRate(rates []*node) {
	var first *node
	var rate float64
	for _, n := range rates {
		v, ok := parseAmount(n.text)
		if !ok {
			continue
		}
		if first == nil {
			first, rate = n, v
		} else if v != rate {
			return
		}
	}
	if first != nil {
		f.set("taux_tva", rate, first, nil)
	}
}

// unitNames gives French names for the UN/ECE Rec. 20 unit codes invoices use most.
var unitNames = map[string]string{
	"C62": "unité", "H87": "unité", "EA": "unité", "XPP": "unité", "NAR": "unité", "1I": "forfait",
	"LS": "forfait", "DAY": "jour", "HUR": "heure", "MIN": "minute", "MON": "mois", "ANN": "an", "WEE": "semaine",
	"LTR": "litre", "KGM": "kg", "GRM": "g", "TNE": "tonne", "MTR": "m", "MTK": "m²", "MTQ": "m³", "KMT": "km",
	"KWH": "kWh", "SET": "lot", "PR": "paire", "E48": "service",
}

func unitName(code string) string {
	if name, ok := unitNames[strings.ToUpper(code)]; ok {
		return name
	}
	return code
}

// lineItem builds a line from its nodes; any of them may be missing.
func lineItem(designation, quantity, netPrice, basisQuantity, total, rate *node) (document.LineItem, bool) {
	var li document.LineItem
	if designation != nil {
		li.Designation = designation.text
	}
	num := func(n *node) *float64 {
		if n == nil {
			return nil
		}
		if v, ok := parseAmount(n.text); ok {
			return &v
		}
		return nil
	}
	li.Quantite = num(quantity)
	if quantity != nil && li.Quantite != nil {
		li.Unite = unitName(quantity.attr("unitCode"))
	}
	li.PrixUnitaireHT = num(netPrice)
	// A price may be given for a basis quantity (e.g. per 100 units).
	if basis := num(basisQuantity); basis != nil && li.PrixUnitaireHT != nil && *basis > 0 && *basis != 1 {
		per := *li.PrixUnitaireHT / *basis
		li.PrixUnitaireHT = &per
	}
	li.MontantHT = num(total)
	li.TauxTVA = num(rate)
	empty := li.Designation == "" && li.Quantite == nil && li.PrixUnitaireHT == nil && li.MontantHT == nil
	return li, !empty
}

// creditNoteCodes are the UNTDID 1001 codes of credit notes.
var creditNoteCodes = map[string]bool{
	"81": true, "83": true, "261": true, "262": true, "296": true, "308": true,
	"381": true, "396": true, "420": true, "458": true, "532": true,
}

// invoiceType names the contract document type of an invoice: its code
// says credit note, or its total is negative (an "avoir" sent as a 380, as
// the FNFE samples do).
func invoiceType(code string, total *node) string {
	if creditNoteCodes[strings.TrimSpace(code)] {
		return "avoir"
	}
	if total != nil {
		if v, ok := parseAmount(total.text); ok && v < 0 {
			return "avoir"
		}
	}
	return "facture"
}
