package extract

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/depenses-eclairees/depenses/internal/fr"
)

// ident is an identifier printed on the page.
type ident struct {
	kind       string // "siret", "siren", "rcs", "tva", "iban", "bic"
	value      string // normalised
	valid      bool
	line       *tline
	start, end int    // text span of the value
	role       string // party named next to it ("client", "titulaire"…): roleBuyer / roleSupplier / ""
	labelled   bool
}

// Identifier labels. The tag is the kind of identifier the label
// announces.
var idLabels = labels(
	tagged("siret", "siret", "n siret", "numero siret", "no siret"),
	tagged("siren", "siren", "n siren", "numero siren", "no siren", "legal registration id", "numero d'identification"),
	tagged("rcs", "rcs", "r c s", "registre du commerce et des societes", "immatricule au registre du commerce"),
	tagged("tva", "tva intracommunautaire", "tva intracom", "tva intra", "n tva", "no tva", "numero de tva", "numero tva", "n de tva", "no de tva",
		"identifiant tva", "tva", "vat", "vat id", "vat number", "vat no", "n tva intracommunautaire", "no tva intracommunautaire", "identification tva"),
	tagged("iban", "iban"),
	tagged("bic", "bic", "code bic", "swift", "bic swift", "code swift", "bic code"),
)

// Words next to an identifier's label that say whose it is.
var buyerWords = []string{"client", "acheteur", "customer", "buyer", "destinataire", "pouvoir adjudicateur", "invoicee", "acquereur", "de l'acheteur", "beneficiaire"}
var supplierWords = []string{"titulaire", "fournisseur", "prestataire", "seller", "supplier", "vendeur", "mandataire", "attributaire", "emetteur", "du prestataire"}

// roleOfLabel looks at the label's own cell, before the value, for a word
// naming the party ("N° TVA client", "SIRET du titulaire", "Seller VAT ID").
func roleOfLabel(l *tline, labelStart, valueStart int) string {
	cs := l.cells()
	ci := cellAt(cs, labelStart)
	from := 0
	if ci >= 0 {
		from = cs[ci].start
	}
	if valueStart < from || valueStart > len(l.text) {
		return ""
	}
	ctx := " " + fold(l.text[from:valueStart]) + " "
	for _, w := range supplierWords {
		if strings.Contains(ctx, " "+w+" ") {
			return roleSupplier
		}
	}
	for _, w := range buyerWords {
		if strings.Contains(ctx, " "+w+" ") {
			return roleBuyer
		}
	}
	return ""
}

// digitRun gathers digit groups from text starting at pos: "552 081 317
// 66522", "552.081.317", stopping at anything else. It returns the digits
// and the end of the last group.
func digitRun(text string, pos int, limit int) (string, int) {
	var digits strings.Builder
	end := pos
	i := pos
	for i < len(text) && digits.Len() < limit {
		c := text[i]
		switch {
		case c >= '0' && c <= '9':
			digits.WriteByte(c)
			i++
			end = i
		case (c == ' ' || c == '.' || c == '\u00a0') && digits.Len() > 0 && i+1 < len(text) && text[i+1] >= '0' && text[i+1] <= '9':
			i++
		case strings.HasPrefix(text[i:], "\u00a0") || strings.HasPrefix(text[i:], "\u202f"):
			if digits.Len() == 0 {
				return "", pos
			}
			i += len("\u00a0")
		default:
			if digits.Len() == 0 && c == ' ' {
				i++
				pos = i
				continue
			}
			return digits.String(), end
		}
	}
	return digits.String(), end
}

// gluedToLetters reports whether a digit run is part of a longer token
// (a reference such as "PO445" or "FR11999999998").
func gluedToLetters(text string, start, end int) bool {
	if start > 0 {
		c := text[start-1]
		if c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c == '-' || c == '/' || c == '_' {
			return true
		}
	}
	if end < len(text) {
		c := text[end]
		if c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c == '/' || c == '_' || c >= '0' && c <= '9' {
			return true
		}
	}
	return false
}

// scanIdentifiers finds the identifiers of the document: after their
// labels, and French VAT numbers and IBANs wherever they stand, since their
// shape alone identifies them.
func (r *run) scanIdentifiers() []ident {
	var out []ident
	seen := map[string]bool{}
	add := func(id ident) {
		key := fmt.Sprintf("%s|%d|%d", id.kind, id.line.idx, id.start)
		if seen[key] {
			return
		}
		seen[key] = true
		out = append(out, id)
	}
	for _, l := range r.v.lines {
		for _, h := range idLabels.find(l) {
			for _, id := range r.readIdentifier(h) {
				add(id)
			}
		}
		for _, id := range scanFRVAT(l) {
			add(id)
		}
		for _, id := range scanIBAN(l) {
			add(id)
		}
	}
	return out
}

// readIdentifier reads the value of one identifier label.
func (r *run) readIdentifier(h labelHit) []ident {
	l := h.line
	switch h.tag {
	case "siret", "siren":
		return r.readSIRENOrSIRET(h)
	case "rcs":
		return readRCS(h)
	case "tva":
		val, s, e := valueRight(h)
		if val == "" {
			return nil
		}
		id, ok := readVAT(l, s, e)
		if !ok {
			// "N° TVA client      FR19…": a qualifier, then the value cell.
			cs := l.cells()
			ci := cellAt(cs, s)
			if ci < 0 || ci+1 >= len(cs) || len(strings.Fields(val)) > 3 {
				return nil
			}
			if id, ok = readVAT(l, cs[ci+1].start, cs[ci+1].end); !ok {
				return nil
			}
			s = cs[ci+1].start
		}
		id.role = roleOfLabel(l, h.start, s)
		id.labelled = true
		return []ident{r.repair(id)}
	case "iban":
		if val, vs, _ := valueRight(h); val != "" {
			if id, ok := readIBAN(l, vs); ok {
				id.labelled = true
				return []ident{r.repair(id)}
			}
		}
		if bl, bt, bs, _ := r.v.valueBelow(h, 2); bt != "" {
			if id, ok := readIBAN(bl, bs); ok {
				id.labelled = true
				return []ident{r.repair(id)}
			}
		}
	case "bic":
		read := func(ln *tline, val string, s int) []ident {
			// "BIC (Bank Identifier Code) : CEPAFRPP751": past the
			// parenthesis and the colon.
			if strings.HasPrefix(val, "(") {
				if k := strings.Index(val, ")"); k > 0 {
					rest := strings.TrimLeft(val[k+1:], " :")
					s += len(val) - len(rest)
					val = rest
				}
			}
			for _, f := range strings.Fields(val)[:min(3, len(strings.Fields(val)))] {
				tok := strings.Trim(f, ":;,.()")
				bic := fr.NormalizeBIC(tok)
				if (len(bic) == 8 || len(bic) == 11) && fr.ValidBIC(bic) && strings.ToUpper(tok) == tok {
					i := strings.Index(val, tok)
					return []ident{{kind: "bic", value: bic, valid: true, line: ln, start: s + i, end: s + i + len(tok), labelled: true}}
				}
			}
			return nil
		}
		if val, s, _ := valueRight(h); val != "" {
			if ids := read(l, val, s); ids != nil {
				return ids
			}
			// "BIC (Bank Identifier Code)      CMCIFR2A": the label's
			// gloss fills its cell, the value is the next one.
			if isParenthetical(val) {
				cs := l.cells()
				if ci := cellAt(cs, s); ci >= 0 && ci+1 < len(cs) {
					if ids := read(l, cs[ci+1].text, cs[ci+1].start); ids != nil {
						return ids
					}
				}
			}
		}
		if bl, bt, bs, _ := r.v.valueBelow(h, 2); bt != "" {
			return read(bl, bt, bs)
		}
	}
	return nil
}

// onlyWords says whether s holds letters, spaces and apostrophes only
// (a qualifier such as "du titulaire", "de l'entreprise").
func onlyWords(s string) bool {
	for _, c := range s {
		if !unicode.IsLetter(c) && c != ' ' && c != '\'' && c != '’' && c != '-' {
			return false
		}
	}
	return strings.TrimSpace(s) != ""
}

func firstToken(s string) string {
	f := strings.Fields(s)
	if len(f) == 0 {
		return ""
	}
	return strings.Trim(f[0], ":;,.()")
}

// readSIRENOrSIRET reads the digits after a SIRET or SIREN label. A SIRET
// may wrap: nine digits at the end of a line and the five of the NIC at the
// start of the next one.
func (r *run) readSIRENOrSIRET(h labelHit) []ident {
	l := h.line
	fp := skipSeparators(l.fold, h.fend)
	pos := l.textPos(fp)
	if fp >= len(l.fold) {
		pos = len(l.text)
	}
	digits, end := digitRun(l.text, pos, 14)
	start := pos
	for start < len(l.text) && (l.text[start] < '0' || l.text[start] > '9') {
		start++
	}
	if digits != "" && gluedToLetters(l.text, start, end) {
		return nil
	}
	evLine := l
	if len(digits) == 9 && strings.TrimSpace(l.text[end:]) == "" && h.tag == "siret" {
		// Wrapped NIC.
		if nx := r.v.below(l, 1); len(nx) == 1 {
			n := nx[0]
			d2, e2 := digitRun(n.text, 0, 5)
			if len(d2) == 5 && !gluedToLetters(n.text, 0, e2) {
				digits += d2
				r.extraEvidence[l.idx] = n
			}
		}
	}
	if digits == "" && !labelEndsCell(h) {
		// "SIRET du titulaire : 575 792 064 00041".
		if k := strings.IndexByte(l.text[pos:], ':'); k > 0 && k < 40 && onlyWords(l.text[pos:pos+k]) {
			p := pos + k + 1
			if d, e := digitRun(l.text, p, 14); len(d) == 9 || len(d) == 14 {
				s := p
				for s < len(l.text) && (l.text[s] < '0' || l.text[s] > '9') {
					s++
				}
				if !gluedToLetters(l.text, s, e) {
					digits, start, end = d, s, e
				}
			}
		}
	}
	if digits == "" && !labelEndsCell(h) {
		// "SIRET du titulaire      902 349 133 00014": a qualifier naming
		// the party, then the value in the next cell.
		cs := l.cells()
		ci := cellAt(cs, h.start)
		if ci >= 0 && ci+1 < len(cs) && len(strings.Fields(l.text[h.end:cs[ci].end])) <= 4 {
			d, e := digitRun(l.text, cs[ci+1].start, 14)
			if (len(d) == 9 || len(d) == 14) && !gluedToLetters(l.text, cs[ci+1].start, e) {
				digits, start, end = d, cs[ci+1].start, e
			}
		}
	}
	if digits == "" {
		// Form layout: the value under the label.
		if bl, bt, bs, _ := r.v.valueBelow(h, 1); bt != "" {
			d, e := digitRun(bl.text, bs, 14)
			if (len(d) == 9 || len(d) == 14) && !gluedToLetters(bl.text, bs, e) {
				digits, evLine, start, end = d, bl, bs, e
			}
		}
	}
	role := roleOfLabel(l, h.start, start)
	switch len(digits) {
	case 14:
		id := ident{kind: "siret", value: digits, line: evLine, start: start, end: end, role: role, labelled: true}
		_, id.valid, _ = fr.ParseSIRET(digits)
		return []ident{r.repair(id)}
	case 9:
		id := ident{kind: "siren", value: digits, line: evLine, start: start, end: end, role: role, labelled: true}
		id.valid = fr.ValidSIREN(digits)
		return []ident{r.repair(id)}
	}
	return nil
}

// readRCS reads the SIREN of an RCS mention: "RCS Lyon B 552 081 317",
// "R.C.S. Romans-sur-Isère 802 866 632" or "653 041 392 R.C.S. Reims".
func readRCS(h labelHit) []ident {
	l := h.line
	// After the label: skip a few words (the city, "A"/"B"), then 9 digits.
	rest := l.text[h.end:]
	toks := strings.Fields(rest)
	skipped := 0
	off := h.end
	for _, t := range toks {
		i := strings.Index(l.text[off:], t)
		if i < 0 {
			break
		}
		tpos := off + i
		if t[0] >= '0' && t[0] <= '9' {
			d, e := digitRun(l.text, tpos, 9)
			if len(d) == 9 && !gluedToLetters(l.text, tpos, e) {
				return []ident{{kind: "rcs", value: d, valid: fr.ValidSIREN(d), line: l, start: tpos, end: e, labelled: true}}
			}
			break
		}
		skipped++
		if skipped > 5 {
			break
		}
		off = tpos + len(t)
	}
	// Before the label: "653 041 392 R.C.S. Reims".
	before := strings.TrimRight(l.text[:h.start], " ")
	var digits []byte
	i := len(before)
	for i > 0 && len(digits) < 9 {
		c := before[i-1]
		if c >= '0' && c <= '9' {
			digits = append([]byte{c}, digits...)
		} else if c != ' ' && c != '.' {
			break
		}
		i--
	}
	if len(digits) == 9 && (i == 0 || before[i-1] == ' ' || before[i-1] == ':') {
		d := string(digits)
		return []ident{{kind: "rcs", value: d, valid: fr.ValidSIREN(d), line: l, start: i, end: len(before), labelled: true}}
	}
	return nil
}

// readVAT reads a VAT number starting at text byte s: a country code and
// up to 12 characters, possibly in groups ("FR 86 802 866 632").
func readVAT(l *tline, s, e int) (ident, bool) {
	t := l.text[s:]
	if len(t) < 4 {
		return ident{}, false
	}
	cc := strings.ToUpper(t[:2])
	if cc[0] < 'A' || cc[0] > 'Z' || cc[1] < 'A' || cc[1] > 'Z' {
		return ident{}, false
	}
	want := 13
	if cc != "FR" {
		want = 14 // upper bound; other countries vary
	}
	var b strings.Builder
	b.WriteString(cc)
	i := 2
	end := 2
	for i < len(t) && b.Len() < want {
		c := t[i]
		switch {
		case c >= '0' && c <= '9' || c >= 'A' && c <= 'Z':
			b.WriteByte(c)
			i++
			end = i
		case c == ' ' && i+1 < len(t) && t[i+1] != ' ':
			i++
		default:
			i = len(t)
		}
	}
	v := b.String()
	if cc == "FR" && len(v) != 13 {
		return ident{}, false
	}
	if len(v) < 6 {
		return ident{}, false
	}
	if end < len(t) && (t[end] >= 'a' && t[end] <= 'z') {
		return ident{}, false
	}
	valid := fr.ValidVAT(v)
	if l.ocr && cc == "FR" {
		v = repairVATKey(v)
		valid = fr.ValidVAT(v) && !misreadVATKey(v)
	}
	return ident{kind: "tva", value: v, valid: valid, line: l, start: s, end: s + end}, true
}

// misreadVATKey: a key with a letter OCR reads for a digit, before a valid
// SIREN whose key it is not. Letter keys exist only for bodies without a
// SIREN; here the digits went wrong somewhere.
func misreadVATKey(v string) bool {
	if len(v) != 13 || !fr.ValidSIREN(v[4:]) {
		return false
	}
	return digitLookalikes[rune(v[2])] != 0 || digitLookalikes[rune(v[3])] != 0
}

// repairVATKey reads back as digits the letters OCR put in the key of a
// French VAT number ("FRO4 413 826 603"), when the digits are the key of
// the SIREN that follows: a SIREN-based key is two digits, and the
// checksum leaves no doubt. Otherwise v is returned as it was.
func repairVATKey(v string) string {
	if len(v) != 13 || !fr.ValidSIREN(v[4:]) {
		return v
	}
	key := []byte(v[2:4])
	changed := false
	for i, c := range key {
		if d := digitLookalikes[rune(c)]; d != 0 {
			key[i], changed = d, true
		}
	}
	if changed && string(key) == fr.FRVATKey(v[4:]) {
		return v[:2] + string(key) + v[4:]
	}
	return v
}

// scanFRVAT finds French VAT numbers anywhere on a line: "FR" followed by
// a two-character key and nine digits, in groups or not.
func scanFRVAT(l *tline) []ident {
	var out []ident
	t := l.text
	for i := 0; i+2 < len(t); i++ {
		if (t[i] != 'F' || t[i+1] != 'R') || i > 0 && isWordByte(t[i-1]) {
			continue
		}
		id, ok := readVAT(l, i, len(t))
		if !ok || id.end < len(t) && isWordByte(t[id.end]) {
			continue
		}
		if !strings.ContainsAny(id.value[2:4], "0123456789") && !fr.ValidVAT(id.value) {
			continue
		}
		id.role = roleOfLabel(l, 0, i)
		out = append(out, id)
		i = id.end
	}
	return out
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// readIBAN reads an IBAN starting at text byte s, in groups or not, up to
// the length its country code gives.
func readIBAN(l *tline, s int) (ident, bool) {
	t := l.text
	for s < len(t) && (t[s] == ' ' || t[s] == ':') {
		s++
	}
	if s+4 > len(t) {
		return ident{}, false
	}
	cc := strings.ToUpper(t[s : s+2])
	n := fr.IBANLength(cc)
	if n == 0 || t[s+2] < '0' || t[s+2] > '9' || t[s+3] < '0' || t[s+3] > '9' {
		return ident{}, false
	}
	var b strings.Builder
	i, end := s, s
	for i < len(t) && b.Len() < n {
		c := t[i]
		switch {
		case c >= '0' && c <= '9' || c >= 'A' && c <= 'Z':
			b.WriteByte(c)
			i++
			end = i
		case c >= 'a' && c <= 'z':
			b.WriteByte(c - 32)
			i++
			end = i
		case c == ' ' || c == '-':
			i++
		default:
			i = len(t)
		}
	}
	v := b.String()
	if len(v) != n {
		return ident{}, false
	}
	if end < len(t) && isWordByte(t[end]) {
		return ident{}, false
	}
	return ident{kind: "iban", value: v, valid: fr.ValidIBAN(v), line: l, start: s, end: end}, true
}

// scanIBAN finds IBANs without a label: a country code, two check digits
// and the right length, valid by mod 97 (without a label the checksum is
// what tells an IBAN from another reference).
func scanIBAN(l *tline) []ident {
	var out []ident
	t := l.text
	for i := 0; i+4 <= len(t); i++ {
		if i > 0 && isWordByte(t[i-1]) || t[i] < 'A' || t[i] > 'Z' {
			continue
		}
		id, ok := readIBAN(l, i)
		if ok && id.valid {
			out = append(out, id)
			i = id.end
		}
	}
	return out
}

// repair fixes one OCR confusion in an identifier read by OCR when exactly
// one correction makes it valid; a text layer has no OCR confusions, so
// its identifiers are reported as printed.
func (r *run) repair(id ident) ident {
	if id.valid || id.line.spanConfidence(id.start, id.end) >= 1 {
		return id
	}
	var valid func(string) bool
	switch id.kind {
	case "siret":
		valid = fr.ValidSIRET
	case "siren", "rcs":
		valid = fr.ValidSIREN
	case "tva":
		valid = fr.ValidVAT
	case "iban":
		valid = fr.ValidIBAN
	default:
		return id
	}
	if fixed, ok := fr.RepairIdentifier(id.value, valid); ok && fixed != id.value {
		r.warn(fmt.Sprintf("%s « %s » lu par OCR corrigé en « %s » : une seule correction rend la clé de contrôle valide", strings.ToUpper(id.kind), id.value, fixed))
		id.value, id.valid = fixed, true
	}
	return id
}
