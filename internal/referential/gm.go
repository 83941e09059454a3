package referential

import (
	"bufio"
	"fmt"
	"io"
	"sort"
	"strings"
)

// ConsultingTag says whether a GM is consulting: stated in the file, or
// derived from its label's keywords by ImportODA.
type ConsultingTag int8

const (
	ConsultingUnknown ConsultingTag = iota
	ConsultingYes
	ConsultingNo
)

// String gives the value written in groupes_marchandises.csv.
func (t ConsultingTag) String() string {
	switch t {
	case ConsultingYes:
		return "oui"
	case ConsultingNo:
		return "non"
	}
	return ""
}

func parseConsultingTag(s string) (ConsultingTag, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "":
		return ConsultingUnknown, true
	case "oui":
		return ConsultingYes, true
	case "non":
		return ConsultingNo, true
	}
	return ConsultingUnknown, false
}

// GroupeMarchandises is a purchase category of the nomenclature des achats
// de l'État, coded DD.SS.GG (domaine.segment.groupe).
type GroupeMarchandises struct {
	Code         string // "33.01.04"
	Label        string // "" when unknown
	Domain       string
	DomainLabel  string
	Segment      string
	SegmentLabel string
	Consulting   ConsultingTag
	Category     string  // legal consulting category, when known
	Score        float64 // keyword score of Label
}

// NormalizeGM returns a GM code as "DD.SS.GG". It accepts blanks around the
// dots and the compact "DDSSGG"; letters are kept upper-case since the
// official list, which is not public, might use them.
func NormalizeGM(s string) (string, bool) {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == ' ' || r == '\t' || r == '\u00a0' || r == '\u202f':
		case r >= 'a' && r <= 'z':
			b.WriteRune(r - 'a' + 'A')
		default:
			b.WriteRune(r)
		}
	}
	c := b.String()
	alnum := func(s string) bool {
		for i := 0; i < len(s); i++ {
			if !(s[i] >= '0' && s[i] <= '9' || s[i] >= 'A' && s[i] <= 'Z') {
				return false
			}
		}
		return true
	}
	switch {
	case len(c) == 8 && c[2] == '.' && c[5] == '.' && alnum(c[:2]+c[3:5]+c[6:]):
		return c, true
	case len(c) == 6 && alnum(c) && strings.IndexFunc(c, func(r rune) bool { return r < '0' || r > '9' }) < 0:
		return c[:2] + "." + c[2:4] + "." + c[4:], true
	}
	return c, false
}

// GM returns the groupe de marchandises with that code.
func (s *Set) GM(code string) (GroupeMarchandises, bool) {
	c, ok := NormalizeGM(code)
	if !ok {
		return GroupeMarchandises{}, false
	}
	g, ok := s.gm[c]
	return g, ok
}

// IsConsultingGM tells whether a purchase under GM code with label is
// consulting. A yes or no written in groupes_marchandises.csv wins; else
// the label is tagged by keywords (label, or the file's label when empty).
func (s *Set) IsConsultingGM(code, label string) bool {
	g, known := s.GM(code)
	if known {
		switch g.Consulting {
		case ConsultingYes:
			return true
		case ConsultingNo:
			return false
		}
	}
	if strings.TrimSpace(label) == "" {
		label = g.Label
	}
	_, _, ok := s.ConsultingByLabel(label)
	return ok
}

// tag fills Consulting, Category and Score from the label's keywords.
func (s *Set) tag(g *GroupeMarchandises) {
	if strings.TrimSpace(g.Label) == "" {
		return
	}
	cat, score, ok := s.ConsultingByLabel(g.Label)
	g.Score = score
	if ok {
		g.Consulting, g.Category = ConsultingYes, cat
	} else {
		g.Consulting, g.Category = ConsultingNo, ""
	}
}

func (s *Set) parseGM(t *table, data []byte) error {
	s.gm = map[string]GroupeMarchandises{}
	return t.each(data, ';', []string{"code", "libelle", "conseil"}, []string{"categorie", "domaine", "domaine_libelle", "segment", "segment_libelle"}, func(r row) error {
		code, ok := NormalizeGM(r.get("code"))
		if !ok {
			return fmt.Errorf("code de groupe de marchandises %q invalide (attendu : DD.SS.GG, par exemple 33.01.04)", r.get("code"))
		}
		if _, dup := s.gm[code]; dup {
			return fmt.Errorf("groupe de marchandises %s en double", code)
		}
		tag, ok := parseConsultingTag(r.get("conseil"))
		if !ok {
			return fmt.Errorf("valeur %q invalide dans la colonne conseil (attendu : oui, non ou vide)", r.get("conseil"))
		}
		cat := r.get("categorie")
		if cat != "" && (tag != ConsultingYes || !s.knownCategory(cat)) {
			return fmt.Errorf("catégorie %q invalide (une catégorie de %s, et seulement si conseil vaut oui)", cat, FileCategories)
		}
		g := GroupeMarchandises{
			Code: code, Label: r.get("libelle"), Consulting: tag, Category: cat,
			Domain: r.get("domaine"), DomainLabel: r.get("domaine_libelle"),
			Segment: r.get("segment"), SegmentLabel: r.get("segment_libelle"),
		}
		if g.Domain == "" {
			g.Domain = code[:2]
		}
		if g.Segment == "" {
			g.Segment = code[:5]
		}
		if g.Label != "" {
			_, g.Score, _ = s.ConsultingByLabel(g.Label)
		}
		s.gm[code] = g
		return nil
	})
}

// GroupesMarchandises returns every GM of the set, by code.
func (s *Set) GroupesMarchandises() []GroupeMarchandises {
	out := make([]GroupeMarchandises, 0, len(s.gm))
	for _, g := range s.gm {
		out = append(out, g)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out
}

// ODA export columns (compared case-, accent- and blank-insensitively).
var (
	odaGMCode       = []string{"groupe de marchandises (p) - cle", "groupe de marchandises - cle", "groupe de marchandises (p)", "groupe de marchandises"}
	odaGMLabel      = []string{"gdm_libelle", "groupe de marchandises (p) - libelle", "groupe de marchandises - libelle", "libelle du groupe de marchandises"}
	odaDomain       = []string{"domaine", "domaine - cle"}
	odaDomainLabel  = []string{"domaine libelle", "domaine - libelle", "libelle du domaine"}
	odaSegment      = []string{"segment", "segment - cle"}
	odaSegmentLabel = []string{"libelle du segment", "segment - libelle", "segment libelle"}
)

const (
	odaHeaderSearchRows = 50     // BusinessObjects puts title rows above the header
	odaMaxGM            = 100000 // the nomenclature has a few thousand at most
	maxReasons          = 10
)

// ODAImport is the outcome of reading an ODA export.
type ODAImport struct {
	GM        []GroupeMarchandises // distinct, by code
	Rows      int                  // data rows read
	Skipped   int                  // rows without a usable GM code
	Conflicts int                  // rows giving a known GM another label
	Reasons   []string             // the first problems, in French, with their line
}

// ImportODA reads an ODA (Chorus restitution) export and returns its
// distinct groupes de marchandises, tagged with the embedded keywords.
func ImportODA(r io.Reader) ([]GroupeMarchandises, error) {
	res, err := Default().ImportODA(r)
	return res.GM, err
}

// ImportODA reads a `;`-separated export, UTF-8 or Windows-1252, whose
// header (within the first 50 rows) names the columns "Groupe de
// marchandises (P) - Clé" and "GdM_Libellé", and optionally "Domaine",
// "Domaine libellé", "Segment" and "Libellé du segment". Rows without a
// GM ("#", empty, malformed) are counted and skipped; the first label seen
// for a code is kept and later different ones are counted as conflicts.
func (s *Set) ImportODA(r io.Reader) (ODAImport, error) {
	var res ODAImport
	sc := newRecordScanner(bufio.NewReader(r), ';')
	var cols map[string]int
	var width int
	for i := 0; cols == nil; i++ {
		fields, err := sc.next()
		if err == io.EOF || (err == nil && i >= odaHeaderSearchRows) {
			return res, fmt.Errorf("export ODA : colonne « Groupe de marchandises (P) - Clé » introuvable dans les %d premières lignes", odaHeaderSearchRows)
		}
		if err != nil {
			if _, local := err.(*recordError); local {
				continue
			}
			return res, fmt.Errorf("export ODA illisible : %w", err)
		}
		cols = odaColumns(fields)
		width = len(fields)
	}
	byCode := map[string]*GroupeMarchandises{}
	reason := func(line int, format string, args ...any) {
		if len(res.Reasons) < maxReasons {
			res.Reasons = append(res.Reasons, fmt.Sprintf("ligne %d : ", line)+fmt.Sprintf(format, args...))
		}
	}
	for {
		fields, err := sc.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			if re, local := err.(*recordError); local {
				res.Rows++
				res.Skipped++
				reason(sc.start, "%s", re.msg)
				continue
			}
			return res, fmt.Errorf("export ODA illisible après la ligne %d : %w", sc.line, err)
		}
		res.Rows++
		get := func(col string) string {
			i, ok := cols[col]
			if !ok || i >= len(fields) {
				return ""
			}
			return strings.TrimSpace(fields[i])
		}
		if len(fields) != width {
			res.Skipped++
			reason(sc.start, "%d champs au lieu de %d", len(fields), width)
			continue
		}
		raw := get("code")
		if raw == "" || raw == "#" {
			res.Skipped++
			continue
		}
		code, ok := NormalizeGM(raw)
		if !ok {
			res.Skipped++
			reason(sc.start, "code de groupe de marchandises %q invalide", raw)
			continue
		}
		g := GroupeMarchandises{
			Code: code, Label: get("label"),
			Domain: get("domain"), DomainLabel: get("domainLabel"),
			Segment: get("segment"), SegmentLabel: get("segmentLabel"),
		}
		if prev, seen := byCode[code]; seen {
			if g.Label != "" && prev.Label != "" && !strings.EqualFold(g.Label, prev.Label) {
				res.Conflicts++
				reason(sc.start, "%s a ici le libellé %q, déjà vu avec %q (premier conservé)", code, g.Label, prev.Label)
			}
			fillEmpty(prev, g)
			continue
		}
		if len(byCode) >= odaMaxGM {
			return res, fmt.Errorf("export ODA : plus de %d groupes de marchandises distincts, ce n'est pas une nomenclature", odaMaxGM)
		}
		byCode[code] = &g
	}
	for _, g := range byCode {
		if g.Domain == "" {
			g.Domain = g.Code[:2]
		}
		if g.Segment == "" {
			g.Segment = g.Code[:5]
		}
		s.tag(g)
		res.GM = append(res.GM, *g)
	}
	sort.Slice(res.GM, func(i, j int) bool { return res.GM[i].Code < res.GM[j].Code })
	return res, nil
}

func fillEmpty(dst *GroupeMarchandises, src GroupeMarchandises) {
	for _, p := range []struct {
		d *string
		s string
	}{
		{&dst.Label, src.Label}, {&dst.Domain, src.Domain}, {&dst.DomainLabel, src.DomainLabel},
		{&dst.Segment, src.Segment}, {&dst.SegmentLabel, src.SegmentLabel},
	} {
		if *p.d == "" {
			*p.d = p.s
		}
	}
}

// odaColumns maps the known ODA columns of a header row; nil when the GM
// code column is missing (not the header yet).
func odaColumns(header []string) map[string]int {
	find := func(names []string) (int, bool) {
		for i, h := range header {
			n := normalizeHeader(h)
			for _, want := range names {
				if n == want {
					return i, true
				}
			}
		}
		return 0, false
	}
	code, ok := find(odaGMCode)
	if !ok {
		return nil
	}
	cols := map[string]int{"code": code}
	for key, names := range map[string][]string{"label": odaGMLabel, "domain": odaDomain, "domainLabel": odaDomainLabel, "segment": odaSegment, "segmentLabel": odaSegmentLabel} {
		if i, ok := find(names); ok {
			cols[key] = i
		}
	}
	return cols
}

// WriteGroupesMarchandises writes gm in the groupes_marchandises.csv format
// so that an ODA import can become a user override file.
func WriteGroupesMarchandises(w io.Writer, gm []GroupeMarchandises) error {
	bw := bufio.NewWriter(w)
	bw.WriteString("code;libelle;conseil;categorie;domaine;domaine_libelle;segment;segment_libelle\n")
	for _, g := range gm {
		cat := g.Category
		if g.Consulting != ConsultingYes {
			cat = ""
		}
		writeRecord(bw, ';', g.Code, g.Label, g.Consulting.String(), cat, g.Domain, g.DomainLabel, g.Segment, g.SegmentLabel)
	}
	return bw.Flush()
}

// writeRecord writes one record, quoting fields that need it.
func writeRecord(w *bufio.Writer, sep byte, fields ...string) {
	for i, f := range fields {
		if i > 0 {
			w.WriteByte(sep)
		}
		if strings.ContainsAny(f, string(sep)+"\"\r\n") || strings.HasPrefix(f, " ") {
			w.WriteByte('"')
			w.WriteString(strings.ReplaceAll(f, `"`, `""`))
			w.WriteByte('"')
			continue
		}
		w.WriteString(f)
	}
	w.WriteByte('\n')
}
