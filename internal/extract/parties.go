package extract

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/depenses-eclairees/depenses/internal/fr"
)

// Role labels open a party's block. The tag is the role, with ":weak" for
// labels that name a place rather than a party (a delivery address is
// usually, not always, the buyer's).
var roleLabels = labels(
	tagged(roleBuyer, "client", "destinataire", "facture a", "facturer a", "adresse a", "adressee a", "a l'attention de", "acheteur",
		"pouvoir adjudicateur", "entite adjudicatrice", "maitre d'ouvrage", "commanditaire", "donneur d'ordre", "bill to", "billed to",
		"buyer", "customer", "invoicee", "sold to", "identification de l'acheteur", "service acheteur", "administration", "organisme acheteur",
		"client final", "a l'intention de"),
	tagged(roleBuyer+":weak", "adresse de livraison", "livre a", "lieu de livraison", "delivery address", "adresse de facturation"),
	// The issuer is the supplier on a facture, the buyer on a bon de
	// commande: resolved with the document type.
	tagged(roleIssuer, "emetteur", "emis par", "expediteur"),
	tagged(roleSupplier, "fournisseur", "prestataire", "titulaire", "attributaire", "vendeur", "entreprise", "societe",
		"titulaire du compte", "titulaire du marche", "raison sociale", "denomination", "denomination ou raison sociale",
		"seller", "supplier", "cocontractant", "mandataire", "nom du titulaire", "nom de l'entreprise", "identification du titulaire",
		"denomination sociale", "vendor", "prestataire retenu", "societe titulaire"),
	tagged("other", "ship to", "ship from", "buyer requisitionner", "buyer req", "domiciliation", "contact commercial", "sales contact",
		"contact", "interlocuteur", "representant", "represente par", "sous traitant", "cotraitant", "banque", "etablissement", "agence",
		"titulaire du compte a debiter", "personne habilitee", "signataire", "le titulaire", "objet", "reference"),
)

// roleIssuer tags a label that names whoever wrote the document.
const roleIssuer = "issuer"

// block is a party's region on a page: the lines under (or beside) its role
// label.
type block struct {
	role   string
	weak   bool
	label  labelHit
	name   hit
	page   int
	y0, y1 float64
	x0, x1 float64
	lines  []*tline
	segs   []seg // the block's text pieces, in reading order
}

// seg is a piece of a block's text: a cell, or a part of a letterhead line
// between separators ("SARL X – 12 rue Y – 75001 Paris").
type seg struct {
	line       *tline
	start, end int
	text       string
}

func (b *block) contains(l *tline, x float64) bool {
	if l.page != b.page {
		return false
	}
	cy := (l.box.Y0 + l.box.Y1) / 2
	return cy >= b.y0-1 && cy <= b.y1+1 && x >= b.x0-2 && x < b.x1
}

// extractParties reads both parties: names, identifiers, addresses, and
// the administration that benefits.
func (r *run) extractParties(rules typeRules) {
	blocks := r.findBlocks()
	head, headEnd := r.letterhead(blocks)
	ids := r.scanIdentifiers()

	// Whose is each identifier? Priority: a party named in its own label,
	// the block it stands in, the issuer's letterhead and footer.
	type owned struct {
		ident
		role string
		prio int
	}
	var assigned []owned
	for _, id := range ids {
		x := id.line.xOf(id.start)
		role, prio := "", 0
		switch {
		case id.role != "":
			role, prio = id.role, 4
		default:
			for _, b := range blocks {
				if b.role != "other" && b.contains(id.line, x) {
					role, prio = b.role, 3
					break
				}
			}
			if role == "" {
				for _, b := range blocks {
					if b.role == "other" && id.kind != "iban" && id.kind != "bic" && b.contains(id.line, x) {
						role = "other"
						break
					}
				}
			}
		}
		if role == "" && rules.issuer != "" {
			switch {
			case id.line.page == 1 && id.line.idx < headEnd:
				role, prio = rules.issuer, 2
			case r.inLegalFooter(id.line):
				role, prio = rules.issuer, 2
			case rules.strayIdsToIssuer || id.kind == "iban" || id.kind == "bic":
				role, prio = rules.issuer, 1
			}
		}
		if role == "other" || role == "" {
			continue
		}
		// Public bodies (SIREN starting with 1 or 2) are buyers, never
		// suppliers.
		if role == roleSupplier && prio < 4 && isPublicSIREN(sirenOf(id)) {
			role, prio = roleBuyer, 1
		}
		assigned = append(assigned, owned{id, role, prio})
	}
	sort.SliceStable(assigned, func(i, j int) bool { return assigned[i].prio > assigned[j].prio })

	// Bank details are the payee's: on a devis, facture or RIB, the
	// supplier's; kept wherever they were printed.
	for _, kind := range []string{"iban", "bic"} {
		for _, a := range assigned {
			if a.kind == kind && a.role == roleSupplier || a.kind == kind && rules.issuer != roleSupplier {
				r.set(kind, hit{value: a.value, conf: 0.9 + 0.05*float64(boolInt(a.valid)), line: a.line, start: a.start, end: a.end, valid: boolPtr(a.valid)})
				break
			}
		}
	}

	for _, role := range []string{roleSupplier, roleBuyer} {
		var mine []ident
		for _, a := range assigned {
			if a.role == role && a.kind != "iban" && a.kind != "bic" {
				mine = append(mine, a.ident)
			}
		}
		r.setPartyIDs(role, mine)
	}
	// The same identifier cannot be both parties'.
	for _, k := range []string{".siret", ".siren", ".tva"} {
		if s, ok := r.fields[roleSupplier+k]; ok {
			if b, ok := r.fields[roleBuyer+k]; ok && fmt.Sprint(s.Value) == fmt.Sprint(b.Value) {
				delete(r.fields, roleBuyer+k)
				delete(r.fields, roleSupplier+k)
				r.warn("le même identifiant " + fmt.Sprint(s.Value) + " est lu pour le fournisseur et l'acheteur : on ne peut dire à qui il appartient")
			}
		}
	}

	r.setLabelledAddresses(blocks)
	r.setNames(rules, blocks, head)
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func sirenOf(id ident) string {
	s := sirenPart(id)
	if len(s) != 9 || strings.Trim(s, "0123456789") != "" {
		return ""
	}
	return s
}

func sirenPart(id ident) string {
	switch id.kind {
	case "siret":
		if len(id.value) == 14 {
			return id.value[:9]
		}
	case "siren", "rcs":
		return id.value
	case "tva":
		if strings.HasPrefix(id.value, "FR") && len(id.value) == 13 {
			return id.value[4:]
		}
	}
	return ""
}

func isPublicSIREN(s string) bool {
	return len(s) == 9 && (s[0] == '1' || s[0] == '2')
}

// setPartyIDs chooses a party's SIRET, TVA and SIREN from its identifiers
// (strongest first). The SIREN is reported when the page prints it, or a
// SIRET, TVA number or RCS mention that contains it; sources that agree
// raise the confidence.
func (r *run) setPartyIDs(role string, ids []ident) {
	pick := func(kind string) *ident {
		var first *ident
		for i := range ids {
			if ids[i].kind != kind {
				continue
			}
			if first == nil {
				first = &ids[i]
			}
			if ids[i].valid {
				return &ids[i]
			}
		}
		return first
	}
	siret, tva := pick("siret"), pick("tva")
	siren := pick("siren")
	if siren == nil {
		siren = pick("rcs")
	}
	// A VAT number that contradicts the party's SIRET is someone else's
	// (or the other of two numbers): prefer one that agrees.
	if siret != nil && tva != nil && sirenOf(*tva) != "" && sirenOf(*tva) != siret.value[:9] {
		for i := range ids {
			if ids[i].kind == "tva" && sirenOf(ids[i]) == siret.value[:9] {
				tva = &ids[i]
				break
			}
		}
	}
	votes := map[string]int{}
	for _, id := range []*ident{siret, tva, siren} {
		if id != nil && sirenOf(*id) != "" {
			votes[sirenOf(*id)]++
		}
	}
	conf := func(id *ident, base float64) float64 {
		c := base
		if !id.valid {
			c -= 0.25
		}
		if s := sirenOf(*id); s != "" && votes[s] >= 2 {
			c += 0.04
		}
		if len(votes) > 1 {
			c -= 0.15
		}
		return c
	}
	if siret != nil {
		r.set(role+".siret", hit{value: siret.value, conf: conf(siret, 0.92), line: siret.line, start: siret.start, end: siret.end, valid: boolPtr(siret.valid)})
	}
	if tva != nil {
		r.set(role+".tva", hit{value: tva.value, conf: conf(tva, 0.92), line: tva.line, start: tva.start, end: tva.end, valid: boolPtr(tva.valid)})
	}
	src := siren
	if src == nil {
		src = siret
	}
	if src == nil && tva != nil && sirenOf(*tva) != "" {
		src = tva
	}
	if src != nil {
		s := sirenOf(*src)
		if s != "" {
			r.set(role+".siren", hit{value: s, conf: conf(src, 0.9), line: src.line, start: src.start, end: src.end, valid: boolPtr(fr.ValidSIREN(s))})
		}
	}
	if len(votes) > 1 {
		var vs []string
		for v := range votes {
			vs = append(vs, v)
		}
		sort.Strings(vs)
		r.warn(fmt.Sprintf("identifiants discordants pour le %s : SIREN %s", role, strings.Join(vs, ", ")))
	}
}

// inLegalFooter says whether a line belongs to the issuer's legal-mentions
// footer: it carries them, or it stands at the foot of the page right
// next to a line that does ("SIRET … – TVA …" under "SARL X au capital
// de … – RCS …").
func (r *run) inLegalFooter(l *tline) bool {
	if isLegalFooter(l) {
		return true
	}
	if l.pageH <= 0 || l.box.Y0 < 0.7*l.pageH {
		return false
	}
	for _, d := range []int{-1, 1} {
		i := l.idx + d
		if i < 0 || i >= len(r.v.lines) {
			continue
		}
		n := r.v.lines[i]
		if n.page == l.page && math.Abs(n.box.Y0-l.box.Y0) < 2.5*l.lineHeight() && isLegalFooter(n) {
			return true
		}
	}
	return false
}

// isLegalFooter says whether a line carries the legal mentions of the
// issuer (capital, RCS, APE/NAF, siège social).
func isLegalFooter(l *tline) bool {
	f := " " + l.fold + " "
	for _, w := range []string{" capital ", " rcs ", " r c s ", " naf ", " ape ", " siege social ", " au capital de "} {
		if strings.Contains(f, w) {
			return true
		}
	}
	return false
}

// findBlocks finds the role labels that head a party block and the block
// under or beside each.
func (r *run) findBlocks() []*block {
	var out []*block
	for _, l := range r.v.lines {
		for _, h := range roleLabels.find(l) {
			if !startsCell(h) || h.fend < len(l.fold) && l.fold[h.fend] != ' ' && l.fold[h.fend] != ':' {
				continue // "contact@…" is an address, not a heading
			}
			role, weak := h.tag, false
			if strings.HasSuffix(role, ":weak") {
				role, weak = strings.TrimSuffix(role, ":weak"), true
			}
			if role == roleIssuer {
				role = rulesFor(r.docType).issuer
				if role == "" {
					role = "other"
				}
			}
			// A role word followed by a sentence is not a heading.
			val, vs, ve := valueRight(h)
			sameCell := false
			if val != "" {
				cs := l.cells()
				ci := cellAt(cs, h.start)
				sameCell = ci >= 0 && vs < cs[ci].end
			}
			if sameCell && !strings.Contains(l.text[h.end:vs], ":") && len(strings.Fields(val)) > 0 && (startsLower(val) || opensName(h.phrase)) {
				continue // "Société Générale", "Entreprise Martin": a name
			}
			if val != "" && (len(idLabels.find(&tline{fold: fold(val)})) > 0 && startsWithLabel(fold(val))) {
				continue // "Customer VAT Number …": an identifier's label
			}
			b := &block{role: role, weak: weak, label: h, page: l.page}
			cs := l.cells()
			ci := cellAt(cs, h.start)
			b.x0 = l.xOf(cs[ci].start)
			b.x1 = l.pageW + 1
			form := false
			if val != "" && !isParenthetical(val) && !isRoleLabel(val) {
				b.name = hit{value: val, line: l, start: vs, end: ve}
				form = !sameCell
			} else if ci+1 < len(cs) {
				b.x1 = l.xOf(cs[ci+1].start)
			}
			b.y0 = l.box.Y0
			b.y1 = l.box.Y1
			b.lines = []*tline{l}
			if b.name.line != nil {
				b.segs = append(b.segs, seg{l, vs, ve, val})
			}
			// The lines of the block: under the label, in its column.
			prev := l
			taken, skipped := 0, 0
			for _, n := range r.v.below(l, 16) {
				// A heading may stand a little apart from its first line.
				gap := 1.6
				if prev == l {
					gap = 2.5
				}
				if n.box.Y0-prev.box.Y1 > gap*prev.lineHeight() || isHeading(n) || taken >= 9 {
					break
				}
				if form && startsRowWithRole(n) || !form && len(roleLabels.find(n)) > 0 && startsCellAny(n, b.x0, b.x1) {
					break
				}
				t, s, e := n.wordsIn(b.x0, b.x1)
				if t == "" {
					// A row of the next column, printed between two rows
					// of this block: step over it.
					if skipped++; skipped > 3 || b.x0 < 0.1*l.pageW && b.x1 > 0.9*l.pageW {
						break
					}
					continue
				}
				skipped = 0
				taken++
				if form {
					// Form rows: "Adresse   12 rue X": keep the value cells.
					ncs := n.cells()
					if len(ncs) >= 2 {
						for _, c := range ncs[1:] {
							b.segs = append(b.segs, seg{n, c.start, c.end, c.text})
						}
					} else {
						b.segs = append(b.segs, seg{n, s, e, t})
					}
				} else {
					if b.name.line == nil && !isParenthetical(t) {
						b.name = hit{value: t, line: n, start: s, end: e}
					}
					b.segs = append(b.segs, seg{n, s, e, t})
				}
				b.lines = append(b.lines, n)
				b.y1 = n.box.Y1
				prev = n
			}
			out = append(out, b)
		}
	}
	// An administration is never the supplier: a supplier's heading over
	// a ministry's or a public body's name is a caption of the issuer, or a
	// mistake; the block is the buyer's.
	for _, b := range out {
		if b.role != roleSupplier || b.name.line == nil {
			continue
		}
		if name, ok := cleanName(b.name.value.(string)); ok && startsAsPublicBody(name) {
			b.role = roleBuyer
		}
	}
	return out
}

// startsAsPublicBody says whether a name opens as a public body's does
// ("Ministère …", "Direction générale …", "Préfecture de …", "Ville de …").
func startsAsPublicBody(name string) bool {
	f := fold(name)
	return hasWordPrefix(f, ministryWords) || hasWordPrefix(f, publicBodyHeads)
}

var publicBodyHeads = []string{"prefecture", "direction generale", "direction interministerielle", "direction regionale", "direction departementale",
	"secretariat general", "mairie", "commune de", "ville de", "universite", "centre hospitalier", "conseil departemental", "conseil regional",
	"region", "departement de", "rectorat", "academie de", "agence nationale", "etablissement public", "communaute de communes",
	"communaute d'agglomeration", "metropole", "gendarmerie nationale", "police nationale", "tribunal", "cour d'appel", "caisse nationale"}

// opensName says whether a role word also opens company names, so that
// a capitalised word right after it, with no colon, belongs to the name.
func opensName(phrase string) bool {
	switch phrase {
	case "societe", "entreprise", "etablissement", "agence", "banque", "cabinet":
		return true
	}
	return false
}

func startsLower(s string) bool {
	for _, c := range s {
		return unicode.IsLower(c)
	}
	return false
}

func isParenthetical(s string) bool {
	s = strings.TrimSpace(s)
	return strings.HasPrefix(s, "(") || s == ":" || s == ""
}

func isRoleLabel(s string) bool {
	f := fold(s)
	for _, p := range roleLabels.phrases {
		if f == p || strings.HasPrefix(f, p+" :") {
			return true
		}
	}
	return false
}

// startsRowWithRole says whether a form row opens with a role label (the
// next party's heading), not a value that happens to be a role word
// ("Forme juridique   Société à responsabilité limitée").
func startsRowWithRole(n *tline) bool {
	for _, h := range roleLabels.find(n) {
		return h.start == 0 || strings.TrimSpace(n.text[:h.start]) == ""
	}
	return false
}

// startsCellAny says whether a role label opens a cell of n inside [x0, x1).
func startsCellAny(n *tline, x0, x1 float64) bool {
	for _, h := range roleLabels.find(n) {
		x := n.xOf(h.start)
		if x >= x0-2 && x < x1 && startsCell(h) {
			return true
		}
	}
	return false
}

// isHeading says whether a line is a numbered section heading ("3. Prix",
// "ARTICLE 2 : …"), which ends any block above it.
func isHeading(l *tline) bool {
	t := strings.TrimSpace(l.text)
	if strings.HasPrefix(l.fold, "article ") {
		return true
	}
	i := 0
	for i < len(t) && t[i] >= '0' && t[i] <= '9' {
		i++
	}
	return i > 0 && i < 3 && i+1 < len(t) && (t[i] == '.' || t[i] == ')') && t[i+1] == ' '
}

// letterhead returns the segments of the first page's letterhead (the
// lines above the first party block and the document title) and the index
// of the first line after it.
func (r *run) letterhead(blocks []*block) ([]seg, int) {
	if len(r.v.pages) == 0 {
		return nil, 0
	}
	p := r.v.pages[0]
	end := p.last
	var segs []seg
	for i := p.first; i < end; i++ {
		l := r.v.lines[i]
		if p.h > 0 && l.box.Y0 > 0.4*p.h {
			end = i
			break
		}
		if isTitle(l) {
			end = i
			break
		}
		// The cells of a party block are that party's, not the
		// letterhead's: a letterhead goes on beside a "Client" block.
		for _, c := range l.cells() {
			inBlock := false
			for _, b := range blocks {
				if b.contains(l, l.xOf(c.start)) {
					inBlock = true
					break
				}
			}
			if !inBlock {
				segs = append(segs, splitSegments(l, c)...)
			}
		}
	}
	return segs, end
}

// splitSegments cuts a cell at the separators a letterhead uses between
// name, street, town and phone ("X SARL – 12 rue Y – 75001 Paris").
func splitSegments(l *tline, c cell) []seg {
	var out []seg
	start := c.start
	t := l.text
	for i := c.start; i < c.end; i++ {
		for _, sep := range []string{" - ", " – ", " — ", " · ", " | ", " • "} {
			if strings.HasPrefix(t[i:], sep) && i+len(sep) <= c.end {
				if s := strings.TrimSpace(t[start:i]); s != "" {
					out = append(out, seg{l, start, i, s})
				}
				start = i + len(sep)
				i = start - 1
				break
			}
		}
	}
	if s := strings.TrimSpace(t[start:c.end]); s != "" {
		out = append(out, seg{l, start, c.end, s})
	}
	// A wrapped letterhead may open a line with its separator
	// ("– 75008 Paris"): the piece is the text after it.
	for i := range out {
		s := &out[i]
		trimmed := strings.TrimLeft(s.text, "-–—·|• ")
		s.start += len(s.text) - len(trimmed)
		s.text = trimmed
	}
	return out
}

// Document titles end a letterhead.
var titleWords = []string{"facture", "devis", "avoir", "bon de commande", "invoice", "note de credit", "proposition", "offre", "acte d'engagement",
	"cahier des clauses", "cctp", "ccap", "memoire technique", "fiche navette", "releve d'identite bancaire", "rib", "extrait kbis",
	"purchase order", "credit note", "contrat", "lettre de mission", "quotation", "estimate"}

func isTitle(l *tline) bool {
	for _, w := range titleWords {
		if strings.HasPrefix(l.fold, w) && (len(l.fold) == len(w) || !isAlnumByte(l.fold[len(w)])) {
			return true
		}
	}
	return false
}

// Marianne block of State documents: not a name.
var marianneWords = []string{"republique", "francaise", "liberte", "egalite", "fraternite", "liberte egalite fraternite", "republique francaise", "logo"}

func isMarianne(s string) bool {
	f := fold(s)
	// The motto, however OCR spells it ("Liberté Égaiité Fraternité",
	// "Liberté Égahté Frateguté").
	if ws := strings.Fields(f); len(ws) == 3 && fr.EditDistance([]byte(ws[0]), []byte("liberte")) <= 2 && fr.EditDistance([]byte(ws[2]), []byte("fraternite")) <= 3 {
		return true
	}
	for _, w := range marianneWords {
		if f == w {
			return true
		}
	}
	return strings.HasPrefix(f, "liberte egalite")
}

// bankNames are the words of French banks' names: on a RIB the bank
// prints its own name and address (as "Expéditeur", "Domiciliation"),
// next to the account holder's, who is the supplier.
var bankNames = []string{"banque", "credit agricole", "credit mutuel", "caisse d'epargne", "bnp paribas", "societe generale",
	"lcl", "credit lyonnais", "cic", "bred", "hsbc", "credit cooperatif", "credit du nord", "la banque postale", "qonto",
	"boursorama", "caisse des depots", "banque populaire", "shine"}

func isBankName(s string) bool {
	f := " " + fold(s) + " "
	for _, b := range bankNames {
		if strings.Contains(f, " "+b+" ") {
			return true
		}
	}
	return false
}

// Words of public bodies' names.
var publicWords = []string{"ministere", "ministre", "prefecture", "prefet", "direction", "secretariat general", "agglomeration", "commune", "mairie",
	"ville de", "universite", "conseil departemental", "conseil regional", "region ", "departement ", "centre hospitalier", "chu ", "metropole",
	"communaute de communes", "communaute d'agglomeration", "etablissement public", "agence nationale", "rectorat", "academie", "tribunal",
	"cour d'appel", "caisse nationale", "syndicat intercommunal", "office public", "mediatheque", "bibliotheque", "college", "lycee", "ecole nationale", "conservatoire",
	"service des", "service de", "etat major", "gendarmerie", "police nationale", "armee", "assemblee nationale", "senat", "premier ministre", "delegation"}

func isPublicName(s string) bool {
	f := " " + fold(s) + " "
	for _, w := range publicWords {
		if strings.Contains(f, " "+w) {
			return true
		}
	}
	return false
}

// cleanName validates a party name read from a block: letters, not an
// address, phone, e-mail or label.
func cleanName(s string) (string, bool) {
	s = strings.TrimSpace(strings.Trim(s, ":;,-–·• "))
	if i := strings.Index(s, "   "); i > 0 {
		s = s[:i]
	}
	if len([]rune(s)) < 2 || len(s) > 120 || strings.Contains(s, "@") || strings.Contains(s, "www.") || strings.Contains(s, "http") {
		return "", false
	}
	letters := 0
	for _, c := range s {
		if unicode.IsLetter(c) {
			letters++
		}
	}
	if letters < 2 || !hasNameChars(s) {
		return "", false
	}
	first, _ := firstRune(s)
	if unicode.IsDigit(first) || unicode.IsLower(first) {
		return "", false
	}
	f := fold(s)
	for _, bad := range []string{"tel", "telephone", "fax", "email", "e mail", "mail", "siret", "siren", "tva", "iban", "bic", "adresse", "date", "page", "contact", "chorus"} {
		if f == bad || strings.HasPrefix(f, bad+" ") || strings.HasPrefix(f, bad+":") {
			return "", false
		}
	}
	if isRoleLabel(s) || isMarianne(s) || looksLikePostcodeLine(s) || looksLikeStreet(s) && !hasLegalForm(s) {
		return "", false
	}
	return s, true
}

// Legal forms of French businesses: a name that carries one is a
// company's ("Faubourg Services SASU" is no street).
var legalForms = map[string]bool{"sa": true, "sas": true, "sasu": true, "sarl": true, "eurl": true, "snc": true, "scop": true, "sci": true,
	"ei": true, "eirl": true, "scp": true, "selarl": true, "selas": true, "gie": true, "scic": true, "sca": true}

func hasLegalForm(s string) bool {
	for _, t := range strings.Fields(s) {
		t = strings.Trim(t, ".,;()")
		if len(t) >= 2 && strings.ToUpper(t) == t && legalForms[strings.ToLower(strings.ReplaceAll(t, ".", ""))] {
			return true
		}
	}
	return false
}

func firstRune(s string) (rune, bool) {
	for _, c := range s {
		return c, true
	}
	return 0, false
}

// setNames reads both parties' names, addresses and the administration
// that benefits.
func (r *run) setNames(rules typeRules, blocks []*block, head []seg) {
	var best = map[string]*block{}
	for _, b := range blocks {
		if b.role == "other" || b.name.line == nil {
			continue
		}
		name, ok := cleanName(b.name.value.(string))
		if !ok {
			continue
		}
		if b.role == roleSupplier && isPublicName(name) {
			continue // an administration is never the supplier
		}
		b.name.value = name
		cur, ok := best[b.role]
		// A bank's block gives way to the account holder's.
		bankGivesWay := ok && b.role == roleSupplier && isBankName(cur.name.value.(string)) && !isBankName(name)
		if !ok || cur.weak && !b.weak || bankGivesWay {
			best[b.role] = b
		}
	}
	for role, b := range best {
		conf := 0.88
		if b.weak {
			conf = 0.72
		}
		h := b.name
		h.conf = conf
		// A long name wraps: "Ministère de l'Économie, des Finances et de la"
		// then "Souveraineté industrielle…" on the next line.
		h.value, h.more = r.continueName(h.line, h.value.(string), h.start)
		h.more = append(h.more, b.label.line)
		r.set(role+".nom", h)
		if a, ah := blockAddress(b.segs); a != "" {
			ah.value, ah.conf = a, conf-0.1
			r.set(role+".adresse", ah)
		}
		if role == roleBuyer {
			r.setAdministration(b.segs)
		}
	}
	// The letterhead names the issuer.
	if rules.issuer != "" && rules.letterheadName && len(head) > 0 {
		var hs []seg
		for _, s := range head {
			if !isMarianne(s.text) {
				hs = append(hs, s)
			}
		}
		// A logo's monogram ("HS", "Q"), or what OCR made of a logo
		// ("NN 1?", "à"), is no name; nor a phone or web address printed
		// above the name.
		for skipped := 0; len(hs) > 1 && skipped < 4 && (isMonogram(hs[0].text) || isLetterheadNoise(hs[0].text)); skipped++ {
			hs = hs[1:]
		}
		if len(hs) > 1 && hs[1].line == hs[0].line && !hasLegalForm(hs[0].text) && hasLegalForm(hs[1].text) && !looksLikeStreet(hs[1].text) {
			// "Camille Faure – Études EI": the trade name and legal form
			// of a sole trader go with the person's name.
			hs[0] = seg{hs[0].line, hs[0].start, hs[1].end, hs[0].line.text[hs[0].start:hs[1].end]}
			hs = append(hs[:1:1], hs[2:]...)
		}
		if len(hs) > 0 {
			if name, ok := cleanName(hs[0].text); ok && !(rules.issuer == roleSupplier && isPublicName(name)) {
				// A recipient block may follow in the letterhead.
				issuerSegs, recipSegs := splitAddressBlocks(hs)
				full, more := r.continueName(hs[0].line, name, hs[0].start)
				r.set(rules.issuer+".nom", hit{value: full, conf: 0.8, line: hs[0].line, start: hs[0].start, end: hs[0].end, more: more})
				if a, ah := blockAddress(issuerSegs); a != "" {
					ah.value, ah.conf = a, 0.7
					r.set(rules.issuer+".adresse", ah)
				}
				if rules.issuer == roleBuyer {
					r.setAdministration(issuerSegs)
				}
				if rules.letterRecipient && len(recipSegs) > 0 {
					other := roleBuyer
					if rules.issuer == roleBuyer {
						other = roleSupplier
					}
					if rn, ok := cleanName(recipSegs[0].text); ok {
						r.set(other+".nom", hit{value: rn, conf: 0.6, line: recipSegs[0].line, start: recipSegs[0].start, end: recipSegs[0].end})
						if a, ah := blockAddress(recipSegs); a != "" {
							ah.value, ah.conf = a, 0.55
							r.set(other+".adresse", ah)
						}
					}
				}
			}
		}
	}
}

// opensCell says whether text byte pos starts a cell of l.
func opensCell(l *tline, pos int) bool {
	for _, c := range l.cells() {
		if c.start == pos {
			return true
		}
	}
	return false
}

// isLetterheadNoise says whether a letterhead piece is no name and no
// address either: logo debris read by OCR, a phone number, a web site.
func isLetterheadNoise(t string) bool {
	t = strings.TrimSpace(t)
	f := fold(t)
	if strings.Contains(f, "http") || strings.Contains(f, "www") || strings.Contains(t, "@") {
		return true
	}
	if strings.Contains(t, "+33") || strings.HasPrefix(f, "tel") || strings.HasPrefix(f, "fax") {
		return true
	}
	if looksLikeStreet(t) || looksLikePostcodeLine(t) {
		return false
	}
	return !hasNameChars(t) || utf8.RuneCountInString(t) <= 2
}

// hasNameChars says whether t holds only what a name is written with, and
// a word of three letters or more.
func hasNameChars(t string) bool {
	long := false
	for _, w := range strings.Fields(t) {
		letters := 0
		for _, c := range w {
			switch {
			case unicode.IsLetter(c):
				letters++
			case unicode.IsDigit(c) || strings.ContainsRune("&'’.,()-–/+_\"«»!*°:", c):
			default:
				return false
			}
		}
		if letters >= 3 {
			long = true
		}
	}
	return long
}

// isMonogram says whether a letterhead piece is a logo's initials.
func isMonogram(s string) bool {
	s = strings.TrimSpace(s)
	n := utf8.RuneCountInString(s)
	return n > 0 && n <= 3 && strings.ToUpper(s) == s && !legalForms[strings.ToLower(s)]
}

// splitAddressBlocks cuts letterhead segments after the first postcode
// line (and an optional country): what follows is another address block,
// the recipient's in a French business letter.
func splitAddressBlocks(segs []seg) ([]seg, []seg) {
	for i, s := range segs {
		if looksLikePostcodeLine(s.text) {
			j := i + 1
			if j < len(segs) && isCountry(segs[j].text) {
				j++
			}
			rest := segs[j:]
			// The recipient block must itself end with a postcode line,
			// on a line of its own (not the issuer's phone or e-mail).
			if len(rest) >= 2 && rest[0].line != s.line {
				for _, t := range rest[1:min(len(rest), 5)] {
					if looksLikePostcodeLine(t.text) {
						return segs[:j], rest
					}
				}
			}
			return segs[:j], nil
		}
	}
	return segs, nil
}

func isCountry(s string) bool {
	switch fold(s) {
	case "france", "fr", "espagne", "spain", "belgique", "belgium", "allemagne", "germany", "italie", "italy", "suisse", "luxembourg":
		return true
	}
	return false
}

func looksLikePostcodeLine(s string) bool {
	s = strings.TrimSpace(s)
	if len(s) < 7 {
		return false
	}
	for i := 0; i < 5; i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s[5] == ' ' && unicode.IsLetter(rune(s[6])) || s[5] == ' ' && s[6] >= 0x80
}

var streetWords = []string{"rue", "avenue", "av", "boulevard", "bd", "place", "chemin", "allee", "route", "quai", "impasse", "cours", "square",
	"voie", "parvis", "esplanade", "rond point", "faubourg", "passage", "lieu dit", "zone", "za", "zi", "zac", "bp", "cs", "hameau", "residence", "camino", "street",
	"parc", "cite", "lotissement", "promenade", "villa", "ruelle", "clos", "sentier", "traverse", "montee", "technopole", "technopark",
	"chaussee", "corniche", "centre d'affaires", "centre commercial", "zone industrielle",
	"zone artisanale", "parc d'activites", "parc d'activite", "tsa"}

func looksLikeStreet(s string) bool {
	f := fold(s)
	toks := strings.Fields(f)
	if len(toks) < 2 {
		return false
	}
	i := 0
	// "12", "12 bis", "12-14", "12b"
	for n := 0; n < 2 && i < len(toks) && toks[i][0] >= '0' && toks[i][0] <= '9'; n++ {
		i++
	}
	if i > 0 && i < len(toks) && (toks[i] == "bis" || toks[i] == "ter" || toks[i] == "quater" || toks[i] == "b" || toks[i] == "a") {
		i++
	}
	if i >= len(toks) {
		return false
	}
	for _, w := range streetWords {
		if toks[i] == w || strings.HasPrefix(f[strings.Index(f, toks[i]):], w+" ") {
			return true
		}
	}
	return false
}

// blockAddress builds "street, postcode town" from a block's segments:
// the street line (a wrapped one joined back), then the postcode line
// (with its CEDEX). Complements between them (building, "Hall A", a post
// box "BP 4521") are left out, as the gold sets write addresses.
func blockAddress(segs []seg) (string, hit) {
	var parts []string
	var first *seg
	var more []*tline
	for i := 0; i < len(segs); i++ {
		s := &segs[i]
		t := strings.TrimSpace(s.text)
		if k := strings.Index(t, strings.Repeat(" ", colGap)); k > 0 {
			t = t[:k] // the next column's text on the same row
		}
		if first == nil {
			if !looksLikeStreet(t) || hasLegalForm(t) {
				continue
			}
			first = s
			// "109 rue Victor Hugo, 56000 Vannes" or "… 51100 Reims" on one line.
			if pc := postcodeInside(t); pc > 0 {
				st := strings.TrimRight(strings.TrimSpace(t[:pc]), ", ")
				return st + ", " + strings.TrimSpace(t[pc:]), hit{line: s.line, start: s.start, end: s.end}
			}
			// "… – 60 boulevard du Général" / "Martial Valin – 75015 Paris":
			// a street cut by the right margin goes on at the next line.
			if i+1 < len(segs) && wrapsAt(s) && segs[i+1].line != s.line && segs[i+1].line.idx == s.line.idx+1 &&
				!looksLikePostcodeLine(segs[i+1].text) && !looksLikeStreet(segs[i+1].text) && !startsWithLabel(fold(segs[i+1].text)) {
				i++
				t += " " + strings.TrimSpace(segs[i].text)
				more = append(more, segs[i].line)
			}
			parts = append(parts, strings.TrimRight(t, ", "))
			continue
		}
		if s.line.idx-first.line.idx > 4 {
			return "", hit{}
		}
		if pc := postcodeInside(t); pc > 0 && isPostBox(t[:pc]) {
			// "BP 4521 – 31000 Toulouse Cedex": the box is left out.
			parts = append(parts, strings.TrimSpace(t[pc:]))
			more = append(more, s.line)
			break
		}
		if isPostcode(t) && i+1 < len(segs) && segs[i+1].line != s.line {
			// "– 75007" / "Paris": a postcode cut from its town.
			if town := strings.TrimSpace(segs[i+1].text); looksLikePostcodeLine(t+" "+town) && !strings.ContainsAny(town, "0123456789") {
				t += " " + town
				more = append(more, segs[i+1].line)
			}
		}
		if looksLikePostcodeLine(t) {
			parts = append(parts, t)
			if s.line != first.line {
				more = append(more, s.line)
			}
			break
		}
	}
	if first == nil || len(parts) < 2 || !looksLikePostcodeLine(parts[len(parts)-1]) {
		return "", hit{}
	}
	return strings.Join(parts, ", "), hit{line: first.line, start: first.start, end: first.end, more: more}
}

func isPostcode(t string) bool {
	if len(t) != 5 {
		return false
	}
	for i := 0; i < 5; i++ {
		if t[i] < '0' || t[i] > '9' {
			return false
		}
	}
	return true
}

// isPostBox says whether a piece of address is a post-office box or
// special delivery code: "BP 4521", "CS 12345", "TSA 70012", "B.P. 12".
func isPostBox(t string) bool {
	toks := strings.Fields(fold(t))
	if len(toks) < 2 || len(toks) > 4 {
		return false
	}
	switch {
	case toks[0] == "bp" || toks[0] == "cs" || toks[0] == "tsa" || toks[0] == "cedex":
	case toks[0] == "b" && toks[1] == "p" && len(toks) > 2:
		toks = toks[1:]
	case toks[0] == "boite" || toks[0] == "case":
		return strings.Contains(fold(t), "postale")
	default:
		return false
	}
	last := toks[len(toks)-1]
	return last[0] >= '0' && last[0] <= '9'
}

// wrapsAt says whether a segment ends a line that the right margin cut:
// the line reaches far right and the segment is its last piece.
func wrapsAt(s *seg) bool {
	l := s.line
	return strings.TrimSpace(l.text[s.end:]) == "" && len(l.cells()) == 1 && l.pageW > 0 && l.box.Width() > 0.6*l.pageW
}

// postcodeInside finds " 12345 Town" inside a street line.
func postcodeInside(t string) int {
	for i := 1; i+6 < len(t); i++ {
		if (t[i-1] == ' ' || t[i-1] == ',') && looksLikePostcodeLine(t[i:]) && (i+5 >= len(t) || t[i+5] == ' ') {
			return i
		}
	}
	return 0
}

// The State names its bodies top down: a ministry (or the Services du
// Premier ministre), then a direction générale, secrétariat général,
// délégation or commissariat, then a direction, service, sous-direction or
// bureau. Each level's name opens with one of these words.
var ministryWords = []string{"ministere", "services du premier ministre", "premier ministre", "secretariat d'etat"}

var unitWords = []string{"direction", "secretariat general", "secretariat", "delegation", "inspection generale", "commissariat", "haut commissariat",
	"agence", "prefecture", "etat major", "service", "sous direction", "bureau", "departement", "mission", "division", "pole", "cellule",
	"operateur", "centre", "office", "institut", "unite", "plateforme", "cabinet", "observatoire", "commission", "comite", "conseil general",
	"conseil superieur", "inspection", "etablissement", "ecole", "laboratoire", "atelier", "cellule", "structure"}

// Form labels of an administration block ("Direction :", "Service") that
// stand before the name they announce.
var adminFormLabels = []string{"ministere", "direction", "service", "sous direction", "bureau", "entite", "administration", "structure",
	"departement", "delegation", "pole", "service beneficiaire", "entite beneficiaire",
	"service prescripteur", "service acheteur", "direction beneficiaire"}

func hasWordPrefix(f string, words []string) bool {
	for _, w := range words {
		if strings.HasPrefix(f, w) && (len(f) == len(w) || !isAlnumByte(f[len(w)])) {
			return true
		}
	}
	return false
}

func isAdminFormLabel(t string) bool {
	t = strings.TrimSpace(strings.TrimRight(strings.TrimSpace(t), ":"))
	f := fold(t)
	for _, w := range adminFormLabels {
		if f == w {
			return true
		}
	}
	return false
}

// trimNoise keeps the first cell of a piece of text and drops the quotes,
// underscores and stray marks that OCR leaves at its ends.
func trimNoise(t string) string {
	if k := strings.Index(t, strings.Repeat(" ", colGap)); k > 0 {
		t = t[:k]
	}
	return strings.TrimSpace(strings.Trim(strings.TrimSpace(t), "“”\"«»_;:|~^`´'’ "))
}

// endsDangling says whether a name stops on a word that cannot end it
// ("Ministère de la Transition écologique et de la", "…, des Finances,").
func endsDangling(s string) bool {
	s = strings.TrimSpace(s)
	if strings.HasSuffix(s, ",") {
		return true
	}
	f := " " + fold(s)
	for _, w := range []string{" de", " du", " des", " de la", " et", " la", " le", " les", " d'", " l'", " a", " au", " aux", " pour", " en", " sur"} {
		if strings.HasSuffix(f, w) {
			return true
		}
	}
	return false
}

// setAdministration builds "Ministère > Direction > Service" from a
// public body's block, when a ministry heads it.
func (r *run) setAdministration(segs []seg) {
	// Texts of the block, wrapped names joined back.
	type text struct {
		t    string
		line *tline
	}
	var texts []text
	for i := 0; i < len(segs); i++ {
		t := trimNoise(segs[i].text)
		for i+1 < len(segs) && segs[i+1].line != segs[i].line && segs[i+1].line.page == segs[i].line.page &&
			(startsLower(trimNoise(segs[i+1].text)) || endsDangling(t)) && !looksLikeStreet(segs[i+1].text) && len(t) < 200 {
			i++
			t += " " + trimNoise(segs[i].text)
		}
		// "Direction : Direction des achats de l'État": keep the value.
		if k := strings.Index(t, ":"); k > 0 && isAdminFormLabel(t[:k]) && strings.TrimSpace(t[k+1:]) != "" {
			t = strings.TrimSpace(t[k+1:])
		}
		texts = append(texts, text{t, segs[i].line})
	}
	var parts []string
	var lines []*tline
	for _, x := range texts {
		f := fold(x.t)
		if len(parts) == 0 {
			if hasWordPrefix(f, ministryWords) && !isAdminFormLabel(x.t) {
				parts = append(parts, x.t)
				lines = append(lines, x.line)
			}
			continue
		}
		if isAdminFormLabel(x.t) {
			continue // a form's label: its value follows
		}
		if !hasWordPrefix(f, unitWords) || strings.Contains(x.t, "@") || looksLikeStreet(x.t) {
			break
		}
		parts = append(parts, x.t)
		lines = append(lines, x.line)
		if len(parts) == 3 {
			break
		}
	}
	if len(parts) == 0 {
		return
	}
	h := hit{value: strings.Join(parts, " > "), conf: 0.75, line: lines[0], more: lines[1:]}
	r.set("administration_beneficiaire", h)
}

// startsWithLabel says whether folded text opens with an identifier label.
func startsWithLabel(f string) bool {
	for _, p := range idLabels.phrases {
		if strings.HasPrefix(f, p) && (len(f) == len(p) || !isAlnumByte(f[len(p)])) {
			return true
		}
	}
	return false
}

// continueName joins the next line to a name that ends on a word that
// cannot end a name ("de la", "et", a comma).
func (r *run) continueName(l *tline, name string, start int) (string, []*tline) {
	f := " " + fold(name)
	dangling := strings.HasSuffix(strings.TrimSpace(name), ",")
	for _, w := range []string{" de", " du", " des", " de la", " et", " la", " le", " les", " d'", " l'", " a", " pour", " en"} {
		if strings.HasSuffix(f, w) {
			dangling = true
		}
	}
	// The next line with words in the name's column (a two-column header
	// interleaves the rows of both columns).
	var nx []*tline
	for _, n := range r.v.below(l, 3) {
		if t, _, _ := n.wordsIn(l.xOf(start)-2, l.pageW+1); t != "" {
			nx = []*tline{n}
			break
		}
	}
	if !dangling {
		// "Ministère de l'Agriculture et de la Souveraineté" then
		// "alimentaire": a wrapped name goes on in lower case.
		if len(nx) == 0 || nx[0].box.Y0-l.box.Y1 > 0.8*l.lineHeight() {
			return name, nil
		}
		t, ts, _ := nx[0].wordsIn(l.xOf(start)-2, l.pageW+1)
		if !startsLower(t) || math.Abs(nx[0].xOf(ts)-l.xOf(start)) > 12 || !opensCell(nx[0], ts) {
			return name, nil
		}
	}
	if len(nx) == 0 {
		return name, nil
	}
	t, _, _ := nx[0].wordsIn(l.xOf(start)-2, l.pageW+1)
	if cs := nx[0].cells(); len(cs) > 0 && strings.HasPrefix(t, cs[0].text) {
		t = cs[0].text
	}
	t = strings.TrimSpace(t)
	if t == "" || looksLikeStreet(t) || looksLikePostcodeLine(t) {
		return name, nil
	}
	return strings.TrimSpace(name) + " " + t, []*tline{nx[0]}
}
