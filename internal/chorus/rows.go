package chorus

import (
	"errors"
	"fmt"
	"hash/maphash"
	"reflect"
	"strconv"
	"strings"

	"github.com/depenses-eclairees/depenses/internal/fr"
)

// maxWarningsPerKind keeps Extract.Warnings readable on a file where the
// same problem repeats on every row; the rest are counted.
const maxWarningsPerKind = 50

type warnings struct {
	msgs   []string
	counts map[string]int
	order  []string
}

// count records one more warning of a kind and reports whether its message
// is still to be kept (so that messages past the cap are never formatted).
func (w *warnings) count(kind string) bool {
	if w.counts == nil {
		w.counts = make(map[string]int)
	}
	n := w.counts[kind] + 1
	w.counts[kind] = n
	if n == 1 {
		w.order = append(w.order, kind)
	}
	return n <= maxWarningsPerKind
}

func (w *warnings) flush() []string {
	out := w.msgs
	for _, kind := range w.order {
		if n := w.counts[kind]; n > maxWarningsPerKind {
			out = append(out, fmt.Sprintf("… et %d autres avertissements « %s » non listés", n-maxWarningsPerKind, kind))
		}
	}
	return out
}

type posteKey struct {
	ej    int32
	poste string
}

type dupKey struct {
	ej   int32
	hash uint64
}

type posteRef struct {
	poste int32
	line  int32
}

var errTooManyRows = errors.New("trop de lignes")

// builder turns the data rows of one or more tables into EJ.
type builder struct {
	ex      *Extract
	maxRows int
	warn    warnings
	ejIndex map[string]int32
	postes  map[posteKey]posteRef
	dups    map[dupKey]posteRef
	seed    maphash.Seed
	floats  []float64 // slab for amount pointers
	dates   map[string]string
	cfs     map[string]cfParts

	// Per table.
	cols         columns
	where        string // "feuille « X », " when several sheets are read
	pointDecimal bool
	xlsx         bool
	date1904     bool
	strictWidth  bool
	vals         [numFields]string
}

func newBuilder(maxRows int) *builder {
	return &builder{
		ex:      &Extract{},
		maxRows: maxRows,
		ejIndex: make(map[string]int32),
		postes:  make(map[posteKey]posteRef),
		dups:    make(map[dupKey]posteRef),
		seed:    maphash.MakeSeed(),
		dates:   make(map[string]string),
		cfs:     make(map[string]cfParts),
	}
}

func (b *builder) reject(line int, reason string) {
	b.ex.Rejects = append(b.ex.Rejects, Reject{Line: line, Reason: b.where + reason})
}

func (b *builder) warnf(kind, format string, args ...any) {
	if b.warn.count(kind) {
		b.warn.msgs = append(b.warn.msgs, b.where+fmt.Sprintf(format, args...))
	}
}

// quote shortens a value for a message.
func quote(s string) string {
	const max = 80
	if len(s) > max {
		cut := max
		for cut > 0 && s[cut]&0xC0 == 0x80 {
			cut--
		}
		s = s[:cut] + "…"
	}
	return "« " + s + " »"
}

func (b *builder) newFloat(v float64) *float64 {
	if len(b.floats) == cap(b.floats) {
		b.floats = make([]float64, 0, 1024)
	}
	b.floats = append(b.floats, v)
	return &b.floats[len(b.floats)-1]
}

// row is one data row, its cells already decoded to UTF-8.
type row struct {
	fields    []string
	line      int
	longField int
	tooMany   bool
	unterm    bool
	lastLine  int
}

// add reads one data row; the only error is errTooManyRows.
func (b *builder) add(r row) error {
	if isBlankRecord(r.fields) {
		return nil
	}
	b.ex.Rows++
	if b.maxRows > 0 && b.ex.Rows > b.maxRows {
		return errTooManyRows
	}
	switch {
	case r.unterm:
		b.reject(r.line, fmt.Sprintf("guillemet ouvert jamais fermé : les lignes %d à %d forment un seul enregistrement, ignoré", r.line, r.lastLine))
		return nil
	case r.tooMany:
		b.reject(r.line, fmt.Sprintf("plus de %d colonnes", maxRecordFields))
		return nil
	case r.longField > 0:
		b.reject(r.line, fmt.Sprintf("champ de plus de 64 Kio (colonne %d)", r.longField))
		return nil
	}
	want := len(b.cols.fields)
	if n := len(r.fields); n != want && (b.strictWidth || n > want) {
		if n < want || !isBlankRecord(r.fields[want:]) {
			b.reject(r.line, fmt.Sprintf("%d champs au lieu de %d (nombre de colonnes de l'en-tête)", n, want))
			return nil
		}
	}
	b.vals = [numFields]string{}
	for i, f := range b.cols.fields {
		if f == fNone || f == fIgnored || i >= len(r.fields) {
			continue
		}
		b.vals[f] = trimValue(r.fields[i])
	}
	b.addValues(r)
	return nil
}

// totalLabel reports the first cell of a subtotal row of a restitution
// ("Résultat", "Total général").
func totalLabel(fields []string) (string, bool) {
	for _, f := range fields {
		f = trimValue(f)
		if f == "" {
			continue
		}
		n := normHeader(f)
		if strings.HasPrefix(n, "resultat") || strings.HasPrefix(n, "total") || strings.HasPrefix(n, "soustotal") {
			return f, true
		}
		return "", false
	}
	return "", false
}

func (b *builder) addValues(r row) {
	v := &b.vals
	line := r.line
	raw := v[fNumEJ]
	num, ok := fr.ParseEJ(raw)
	if !ok {
		switch label, total := totalLabel(r.fields); {
		case total:
			b.reject(line, "ligne de total ("+quote(label)+"), pas un EJ")
		case raw == "":
			b.reject(line, "numéro d'EJ absent")
		default:
			b.reject(line, "numéro d'EJ invalide : "+quote(raw)+" (10 chiffres attendus)")
		}
		return
	}
	var p Poste
	if b.cols.hasPoste {
		p.Poste = strings.TrimSuffix(v[fPoste], ".0")
		if p.Poste == "" {
			b.reject(line, "numéro de poste absent (EJ "+num+")")
			return
		}
	}
	e := b.ejAttributes(num, line)
	b.posteAttributes(&p, line)
	b.group(e, p, line)
}

func (b *builder) date(f field, line int) string {
	s := b.vals[f]
	if s == "" {
		return ""
	}
	if d, ok := b.dates[s]; ok {
		return d
	}
	d, ok := parseDate(s, b.xlsx, b.date1904)
	if !ok {
		b.warnf("date illisible", "ligne %d : date %s illisible (colonne %s), laissée vide", line, quote(s), nameOf[f])
		return ""
	}
	if len(b.dates) < maxCache {
		b.dates[s] = d
	}
	return d
}

// maxCache bounds the caches of parsed dates and centres financiers, whose
// values repeat from row to row (they also share the strings).
const maxCache = 1 << 14

type cfParts struct{ prog, bop, uo string }

func (b *builder) splitCF(cf string) cfParts {
	if c, ok := b.cfs[cf]; ok {
		return c
	}
	prog, bop, uo := splitCentreFinancier(cf)
	c := cfParts{prog, bop, uo}
	if len(b.cfs) < maxCache {
		b.cfs[cf] = c
	}
	return c
}

func (b *builder) amount(f field, line int) *float64 {
	s := b.vals[f]
	if s == "" {
		return nil
	}
	var v float64
	var ok bool
	if f == fTauxTVA {
		v, ok = parseRate(s, b.pointDecimal)
	} else {
		v, ok = parseAmount(s, b.pointDecimal)
	}
	if !ok {
		b.warnf("montant illisible", "ligne %d : montant %s illisible (colonne %s), laissé vide", line, quote(s), nameOf[f])
		return nil
	}
	return b.newFloat(v)
}

// siret reads a SIRET column: 14 digits (checksum not checked here); a
// 9-digit value is a SIREN and goes there instead.
func (b *builder) siret(f field, line int) (siret, siren string) {
	s := b.vals[f]
	if s == "" {
		return "", ""
	}
	n := restoreLeadingZero(digitsOnly(s), 14)
	switch {
	case len(n) == 14 && allASCIIDigits(n):
		return n, ""
	case len(n) == 9 && allASCIIDigits(n):
		return "", n
	}
	b.warnf("identifiant illisible", "ligne %d : SIRET %s illisible (colonne %s), laissé vide", line, quote(s), nameOf[f])
	return "", ""
}

func (b *builder) siren(line int) (siren, siret string) {
	s := b.vals[fFournSIREN]
	if s == "" {
		return "", ""
	}
	n := restoreLeadingZero(digitsOnly(s), 9)
	switch {
	case len(n) == 9 && allASCIIDigits(n):
		return n, ""
	case len(n) == 14 && allASCIIDigits(n):
		return "", n
	}
	b.warnf("identifiant illisible", "ligne %d : SIREN %s illisible (colonne %s), laissé vide", line, quote(s), nameOf[fFournSIREN])
	return "", ""
}

func (b *builder) ejAttributes(num string, line int) EJ {
	v := &b.vals
	e := EJ{
		NumEJ:                num,
		TypeEJ:               v[fTypeEJ],
		TypeFlux:             v[fTypeFlux],
		DateCreation:         b.date(fDateCreation, line),
		DateNotification:     b.date(fDateNotification, line),
		Ministere:            v[fMinistere],
		ServiceBeneficiaire:  v[fServiceBeneficiaire],
		Designation:          v[fDesignationEJ],
		NumContrat:           v[fNumContrat],
		NumAccordCadre:       v[fNumAccordCadre],
		LibelleAccordCadre:   v[fLibelleAccordCadre],
		NumMarcheSubsequent:  v[fNumMarcheSubsequent],
		NumEJPrecedent:       v[fNumEJPrecedent],
		OrganisationAchat:    v[fOrgAchat],
		GroupeAcheteurs:      v[fGroupeAcheteurs],
		CodeServiceExecutant: v[fCodeService],
		Devise:               strings.ToUpper(v[fDevise]),
	}
	if s := v[fExercice]; s != "" {
		n := digitsOnly(s)
		y, err := strconv.Atoi(n)
		if len(n) == 4 && err == nil && y >= 1990 && y <= 2100 {
			e.Exercice = y
		} else {
			b.warnf("exercice illisible", "ligne %d : exercice %s illisible, laissé vide", line, quote(s))
		}
	}
	if n, ok := fr.ParseEJ(e.NumEJPrecedent); ok {
		e.NumEJPrecedent = n
	}
	if s, siren := b.siret(fSIRETAcheteur, line); s != "" {
		e.SIRETAcheteur = s
	} else if siren != "" {
		b.warnf("identifiant illisible", "ligne %d : SIRET acheteur %s de 9 chiffres (un SIREN), laissé vide", line, quote(v[fSIRETAcheteur]))
	}

	sup := &e.Fournisseur
	sup.Nom = v[fFournNom]
	sup.SIRET, sup.SIREN = b.siret(fFournSIRET, line)
	if siren, siret := b.siren(line); siren != "" || siret != "" {
		if siren != "" {
			sup.SIREN = siren
		}
		if siret != "" && sup.SIRET == "" {
			sup.SIRET = siret
		}
	}
	if code := v[fFournCode]; code != "" {
		n := digitsOnly(code)
		switch {
		case len(n) == 14 && allASCIIDigits(n):
			if sup.SIRET == "" {
				sup.SIRET = n
			}
		case sup.Nom == "" && hasLetter(code):
			sup.Nom = code
		}
	}
	if s := v[fFournTVA]; s != "" {
		sup.TVA = fr.NormalizeVAT(s)
	}
	if s := v[fFournNAF]; s != "" {
		if n, ok := fr.NormalizeNAF(s); ok {
			sup.NAF = n
		} else {
			sup.NAF = s
		}
	}
	sup.Categorie = v[fFournCategorie]
	sup.Pays = v[fFournPays]
	return e
}

func hasLetter(s string) bool {
	for _, r := range s {
		if a, _ := fr.FoldRune(r); a >= 'a' && a <= 'z' {
			return true
		}
	}
	return false
}

func (b *builder) posteAttributes(p *Poste, line int) {
	v := &b.vals
	if s := v[fProgramme]; s != "" {
		if n, ok := normalizeProgramme(s); ok {
			p.Programme = n
		} else {
			b.warnf("programme illisible", "ligne %d : programme %s illisible (4 chiffres attendus), laissé vide", line, quote(s))
		}
	}
	p.BOP = v[fBOP]
	p.UO = v[fUO]
	p.CentreFinancier = v[fCentreFinancier]
	p.CentreFinancierLib = v[fCentreFinancierLib]
	if s := v[fProgBOP]; s != "" {
		prog, bop, _ := splitCentreFinancier(s)
		if prog == "" {
			prog, _ = normalizeProgramme(s)
		}
		if p.Programme == "" {
			p.Programme = prog
		}
		if p.BOP == "" {
			p.BOP = bop
		}
	}
	if c := b.splitCF(p.CentreFinancier); c.prog != "" {
		prog, bop, uo := c.prog, c.bop, c.uo
		if p.Programme == "" {
			p.Programme = prog
		}
		if p.BOP == "" {
			p.BOP = bop
		}
		if p.UO == "" {
			p.UO = uo
		}
	}
	p.CentreCouts = v[fCentreCouts]
	p.DomaineFonctionnel = v[fDomaineFonctionnel]
	if p.Programme == "" && p.DomaineFonctionnel != "" {
		if first, _, found := strings.Cut(p.DomaineFonctionnel, "-"); found && len(first) >= 3 {
			p.Programme, _ = normalizeProgramme(first)
		}
	}
	p.Activite = v[fActivite]
	p.Localisation = v[fLocalisation]
	p.CompteBudgetaire = v[fCompteBudgetaire]
	p.CompteGeneral = v[fCompteGeneral]
	p.Fonds = v[fFonds]
	p.RefProgrammation = v[fRefProgrammation]
	p.GroupeMarchandises = v[fGM]
	p.GMLibelle = v[fGMLibelle]
	p.Segment = v[fSegment]
	p.DomaineAchat = v[fDomaineAchat]
	if s := v[fCPV]; s != "" {
		if n, ok := fr.NormalizeCPV(s); ok {
			p.CodeCPV = n
		} else {
			p.CodeCPV = s
		}
	}
	p.Designation = v[fDesignationPoste]
	p.MontantEngageHT = b.amount(fMontantHT, line)
	p.MontantEngageTTC = b.amount(fMontantTTC, line)
	p.MontantEngage = b.amount(fMontantEngage, line)
	if d := b.amount(fDepenses, line); d != nil && p.MontantEngage == nil {
		p.MontantEngage = d
	}
	p.TauxTVA = b.amount(fTauxTVA, line)
	p.MontantSFCertifie = b.amount(fMontantSF, line)
	p.MontantFacture = b.amount(fMontantFacture, line)
	p.MontantPaye = b.amount(fMontantPaye, line)
	p.DateSF = b.date(fDateSF, line)
	p.DatePaiement = b.date(fDatePaiement, line)
}

// posteNumberKey compares poste numbers without their leading zeros.
func posteNumberKey(s string) string {
	if allASCIIDigits(s) {
		t := strings.TrimLeft(s, "0")
		if t == "" {
			return "0"
		}
		return t
	}
	return s
}

func (b *builder) rowHash() uint64 {
	var h maphash.Hash
	h.SetSeed(b.seed)
	for i := range b.vals {
		h.WriteString(b.vals[i])
		h.WriteByte(0)
	}
	return h.Sum64()
}

// group files a row's EJ and poste: a new EJ, a new poste of a known EJ, an
// exact duplicate (dropped with a warning) or a conflicting poste (rejected).
func (b *builder) group(e EJ, p Poste, line int) {
	idx, known := b.ejIndex[e.NumEJ]
	var dk dupKey
	if !b.cols.hasPoste {
		dk = dupKey{ej: idx, hash: b.rowHash()}
	}
	if !known {
		idx = int32(len(b.ex.EJs))
		b.ejIndex[e.NumEJ] = idx
		if !b.cols.hasPoste {
			p.Poste = "1"
			dk.ej = idx
		}
		e.Postes = []Poste{p}
		e.Lines = []int{line}
		b.ex.EJs = append(b.ex.EJs, e)
		b.register(idx, 0, p, dk, line)
		return
	}
	cur := &b.ex.EJs[idx]
	if b.cols.hasPoste {
		if ref, dup := b.postes[posteKey{idx, posteNumberKey(p.Poste)}]; dup {
			diffs := structDiff(cur.Postes[ref.poste], p)
			diffs = append(diffs, ejConflicts(cur, &e)...)
			if len(diffs) == 0 {
				b.warnf("ligne en double", "ligne %d : identique à la ligne %d (EJ %s, poste %s), ignorée", line, ref.line, e.NumEJ, p.Poste)
			} else {
				b.reject(line, fmt.Sprintf("poste %s de l'EJ %s déjà lu ligne %d avec d'autres valeurs (%s)", p.Poste, e.NumEJ, ref.line, strings.Join(diffs, ", ")))
			}
			return
		}
	} else if ref, dup := b.dups[dk]; dup {
		old := cur.Postes[ref.poste]
		p.Poste = old.Poste
		if len(structDiff(old, p)) == 0 && len(ejConflicts(cur, &e)) == 0 {
			b.warnf("ligne en double", "ligne %d : identique à la ligne %d (EJ %s), ignorée", line, ref.line, e.NumEJ)
			return
		}
	}
	for _, c := range mergeEJ(cur, &e) {
		if b.warn.count("attribut d'EJ divergent") {
			b.warn.msgs = append(b.warn.msgs, b.where+fmt.Sprintf("EJ %s : %s diffère entre la ligne %d (%s) et la ligne %d (%s) ; la première valeur est gardée",
				e.NumEJ, c.name, cur.Lines[0], quote(c.old), line, quote(c.new)))
		}
	}
	if !b.cols.hasPoste {
		p.Poste = strconv.Itoa(len(cur.Postes) + 1)
	}
	cur.Postes = append(cur.Postes, p)
	cur.Lines = append(cur.Lines, line)
	b.register(idx, len(cur.Postes)-1, p, dk, line)
}

func (b *builder) register(ej int32, poste int, p Poste, dk dupKey, line int) {
	ref := posteRef{poste: int32(poste), line: int32(line)}
	if b.cols.hasPoste {
		b.postes[posteKey{ej, posteNumberKey(p.Poste)}] = ref
	} else if _, seen := b.dups[dk]; !seen {
		b.dups[dk] = ref
	}
}

type conflict struct{ name, old, new string }

// ejScalars lists the EJ-level attributes with their canonical names.
func ejScalars(e *EJ) [24]struct {
	name string
	p    *string
} {
	s := &e.Fournisseur
	return [24]struct {
		name string
		p    *string
	}{
		{"type_ej", &e.TypeEJ}, {"type_flux", &e.TypeFlux}, {"date_creation_ej", &e.DateCreation},
		{"date_notification", &e.DateNotification}, {"ministere", &e.Ministere}, {"service_beneficiaire", &e.ServiceBeneficiaire}, {"designation_ej", &e.Designation},
		{"fournisseur_nom", &s.Nom}, {"fournisseur_siret", &s.SIRET}, {"fournisseur_siren", &s.SIREN},
		{"fournisseur_tva", &s.TVA}, {"fournisseur_naf", &s.NAF}, {"fournisseur_categorie_entreprise", &s.Categorie},
		{"fournisseur_pays", &s.Pays}, {"num_contrat", &e.NumContrat}, {"num_accord_cadre", &e.NumAccordCadre},
		{"libelle_accord_cadre", &e.LibelleAccordCadre}, {"num_marche_subsequent", &e.NumMarcheSubsequent},
		{"num_ej_precedent", &e.NumEJPrecedent}, {"organisation_achat", &e.OrganisationAchat},
		{"groupe_acheteurs", &e.GroupeAcheteurs}, {"code_service_executant", &e.CodeServiceExecutant},
		{"siret_acheteur", &e.SIRETAcheteur}, {"devise", &e.Devise},
	}
}

// ejConflicts names the EJ-level attributes that both rows give, differently.
func ejConflicts(cur, next *EJ) []string {
	var out []string
	a, b := ejScalars(cur), ejScalars(next)
	for i := range a {
		if x, y := *a[i].p, *b[i].p; x != "" && y != "" && x != y {
			out = append(out, a[i].name)
		}
	}
	if cur.Exercice != 0 && next.Exercice != 0 && cur.Exercice != next.Exercice {
		out = append(out, "exercice")
	}
	return out
}

// mergeEJ fills the attributes cur lacks from next and reports those that
// disagree (cur's value is kept).
func mergeEJ(cur, next *EJ) []conflict {
	var out []conflict
	a, b := ejScalars(cur), ejScalars(next)
	for i := range a {
		x, y := *a[i].p, *b[i].p
		switch {
		case y == "" || x == y:
		case x == "":
			*a[i].p = y
		default:
			out = append(out, conflict{a[i].name, x, y})
		}
	}
	switch {
	case next.Exercice == 0 || cur.Exercice == next.Exercice:
	case cur.Exercice == 0:
		cur.Exercice = next.Exercice
	default:
		out = append(out, conflict{"exercice", strconv.Itoa(cur.Exercice), strconv.Itoa(next.Exercice)})
	}
	return out
}

// structDiff names (by JSON tag) the fields of two postes that differ,
// comparing amounts by value.
func structDiff(a, b Poste) []string {
	va, vb := reflect.ValueOf(a), reflect.ValueOf(b)
	t := va.Type()
	var out []string
	for i := 0; i < t.NumField(); i++ {
		if t.Field(i).Name == "Poste" {
			continue // compared through its key
		}
		fa, fb := va.Field(i), vb.Field(i)
		same := true
		switch fa.Kind() {
		case reflect.String:
			same = fa.String() == fb.String()
		case reflect.Pointer:
			switch {
			case fa.IsNil() || fb.IsNil():
				same = fa.IsNil() == fb.IsNil()
			default:
				same = fa.Elem().Float() == fb.Elem().Float()
			}
		}
		if !same {
			name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
			out = append(out, name)
		}
	}
	return out
}
