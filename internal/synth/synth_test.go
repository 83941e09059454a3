package synth

import (
	"bytes"
	"image/jpeg"
	"math"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/depenses-eclairees/depenses/internal/fr"
)

// contractTypes is the document-type list of CONTRACT.md §3.
var contractTypes = strings.Fields(`devis facture avoir bon_de_commande acte_engagement avenant ccap cctp
ccp reglement_consultation memoire_technique bordereau_prix decomposition_prix
detail_quantitatif_estimatif fiche_navette rib kbis att_sirene att_fiscale
att_sociale sous_traitance lettre_candidature_dc1 lettre_candidature_dc2 notification
ordre_service service_fait avis_marche rapport_analyse_offre mail cv autre`)

func needTool(t *testing.T, name string) {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		t.Skipf("%s absent (paquet poppler-utils) : test ignoré", name)
	}
}

func pdftotext(t *testing.T, pdf []byte, layout bool) string {
	t.Helper()
	args := []string{"-q", "-enc", "UTF-8"}
	// -layout keeps the page's geometry; -raw keeps the drawing order, in
	// which a name wrapped inside a column stays in one piece.
	if layout {
		args = append(args, "-layout")
	} else {
		args = append(args, "-raw")
	}
	cmd := exec.Command("pdftotext", append(args, "-", "-")...)
	cmd.Stdin = bytes.NewReader(pdf)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

func TestTypesAndLayouts(t *testing.T) {
	if len(DefaultTypes) < 10 {
		t.Errorf("%d default types, want at least 10", len(DefaultTypes))
	}
	for _, typ := range DefaultTypes {
		if !slices.Contains(contractTypes, typ) {
			t.Errorf("type %q is not in the contract's vocabulary", typ)
		}
	}
	if n := len(DevLayouts) + len(HeldOutLayouts); n < 12 {
		t.Errorf("%d layout families, want at least 12", n)
	}
	for _, id := range DevLayouts {
		if slices.Contains(HeldOutLayouts, id) {
			t.Errorf("family %q is both dev and held out", id)
		}
	}
	for _, id := range append(slices.Clone(DevLayouts), HeldOutLayouts...) {
		if _, ok := familyByID(id); !ok {
			t.Errorf("family %q has no definition", id)
		}
	}
	if len(families) != len(DevLayouts)+len(HeldOutLayouts) {
		t.Errorf("%d families defined, %d listed in the sets", len(families), len(DevLayouts)+len(HeldOutLayouts))
	}
}

func TestGenerateRejectsBadOptions(t *testing.T) {
	for _, opt := range []Options{{Types: []string{"facture", "pizza"}}, {Layouts: LayoutSet{"nope"}}} {
		if _, err := Generate(opt, 1); err == nil {
			t.Errorf("Generate(%+v) accepted bad options", opt)
		}
	}
	if _, err := Generate(Options{}, -1); err == nil {
		t.Error("Generate accepted a negative count")
	}
}

func TestDeterminism(t *testing.T) {
	a, err := Generate(Options{Seed: 42}, 12)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := Generate(Options{Seed: 42}, 12)
	c, _ := Generate(Options{Seed: 43}, 12)
	for i := range a {
		if a[i].Name != b[i].Name || !bytes.Equal(a[i].PDF, b[i].PDF) {
			t.Errorf("document %d differs between two runs with the same seed", i)
		}
		if bytes.Equal(a[i].PDF, c[i].PDF) {
			t.Errorf("document %d is the same with another seed", i)
		}
	}
	// Document i does not depend on how many documents are asked for.
	d, _ := Generate(Options{Seed: 42}, 3)
	if !bytes.Equal(d[2].PDF, a[2].PDF) {
		t.Error("document 2 depends on n")
	}
}

var amountFields = []string{"montant_ht", "montant_tva", "montant_ttc", "net_a_payer", "conseil.tjm"}
var dateFields = []string{"date", "date_echeance", "date_validite"}
var idFields = []string{"numero", "numero_ej", "reference_commande", "reference_marche", "code_service", "code_cpv",
	"fournisseur.siren", "fournisseur.siret", "fournisseur.tva", "acheteur.siren", "acheteur.siret", "acheteur.tva", "iban", "bic"}
var textFields = []string{"objet", "fournisseur.nom", "fournisseur.adresse", "acheteur.nom", "acheteur.adresse", "administration_beneficiaire"}
var numberFields = []string{"conseil.nb_jours", "duree_mois", "taux_tva"}

func alnumUpper(s string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(s) {
		if r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func collapse(s string) string { return strings.Join(strings.Fields(s), " ") }

func num(v any) float64 {
	switch x := v.(type) {
	case float64:
		return x
	case int:
		return float64(x)
	}
	return math.NaN()
}

// frenchNumber prints 12 or 12,5 as a page would.
func frenchNumber(v float64) string {
	return strings.Replace(strconv.FormatFloat(v, 'f', -1, 64), ".", ",", 1)
}

// printed reports whether the gold value of field appears in the text as a
// reader would find it: identifiers on letters and digits, amounts, dates
// and percentages through package fr's finders, names word for word.
func printed(field string, v any, layout, raw string) bool {
	lines := strings.Split(layout, "\n")
	switch {
	case slices.Contains(amountFields, field):
		want := num(v)
		for _, l := range lines {
			for _, m := range fr.FindAmounts(l) {
				if math.Abs(m.Value-want) < 0.005 { // the sign too must be printed
					return true
				}
			}
		}
		return false
	case slices.Contains(dateFields, field):
		for _, l := range lines {
			for _, m := range fr.FindDates(l) {
				if tm, ok := m.Time(); ok && tm.Format("2006-01-02") == v {
					return true
				}
			}
		}
		return false
	case field == "taux_tva":
		for _, l := range lines {
			for _, m := range fr.FindPercents(l) {
				if math.Abs(m.Value-num(v)) < 1e-9 {
					return true
				}
			}
		}
		return false
	case slices.Contains(numberFields, field):
		re := regexp.MustCompile(`(^|[^\d,])` + regexp.QuoteMeta(frenchNumber(num(v))) + `([^\d,]|$)`)
		return re.MatchString(layout)
	case slices.Contains(idFields, field):
		s, _ := v.(string)
		return s != "" && (strings.Contains(alnumUpper(layout), alnumUpper(s)) || strings.Contains(alnumUpper(raw), alnumUpper(s)))
	case slices.Contains(textFields, field):
		s, _ := v.(string)
		cl, cr := collapse(layout), collapse(raw)
		for _, part := range regexp.MustCompile(` > |, `).Split(s, -1) {
			p := collapse(part)
			if !strings.Contains(cl, p) && !strings.Contains(cr, p) {
				return false
			}
		}
		return s != ""
	}
	return false
}

// checkGold checks one document's gold: every field printed, identifiers
// valid, totals consistent.
func checkGold(t *testing.T, d Generated, layout, raw string) {
	t.Helper()
	f := d.Gold.Fields
	if len(f) < 3 {
		t.Errorf("%s: only %d gold fields", d.Name, len(f))
	}
	for k, v := range f {
		known := slices.Contains(amountFields, k) || slices.Contains(dateFields, k) || slices.Contains(idFields, k) ||
			slices.Contains(textFields, k) || slices.Contains(numberFields, k)
		if !known {
			t.Errorf("%s: unexpected gold field %q", d.Name, k)
			continue
		}
		if !printed(k, v, layout, raw) {
			t.Errorf("%s: gold %s = %v is not printed on the page", d.Name, k, v)
		}
	}
	str := func(k string) string { s, _ := f[k].(string); return s }
	for _, k := range []string{"fournisseur.siren", "acheteur.siren"} {
		if s := str(k); s != "" && !fr.ValidSIREN(s) {
			t.Errorf("%s: %s %s fails Luhn", d.Name, k, s)
		}
	}
	for _, k := range []string{"fournisseur.siret", "acheteur.siret"} {
		if s := str(k); s != "" && (len(s) != 14 || !fr.ValidSIRET(s)) {
			t.Errorf("%s: %s %s fails Luhn", d.Name, k, s)
		}
	}
	if s := str("fournisseur.tva"); s != "" && (!fr.ValidVAT(s) || len(s) != 13) {
		t.Errorf("%s: TVA %s has a wrong key", d.Name, s)
	}
	if s, siren := str("fournisseur.tva"), str("fournisseur.siret"); s != "" && siren != "" && s[4:] != siren[:9] {
		t.Errorf("%s: TVA %s and SIRET %s name different companies", d.Name, s, siren)
	}
	if s := str("iban"); s != "" && (!fr.ValidIBAN(s) || strings.Contains(s, " ")) {
		t.Errorf("%s: IBAN %s invalid", d.Name, s)
	}
	if s := str("iban"); s != "" {
		if rib, ok := fr.RIBFromIBAN(s); !ok || fr.RIBKey(rib.Banque, rib.Guichet, rib.Compte) != rib.Cle {
			t.Errorf("%s: RIB key of %s is wrong", d.Name, s)
		}
	}
	if s := str("bic"); s != "" && !fr.ValidBIC(s) {
		t.Errorf("%s: BIC %s invalid", d.Name, s)
	}
	if s := str("numero_ej"); s != "" && !fr.ValidEJ(s) {
		t.Errorf("%s: EJ %s is not 10 digits", d.Name, s)
	}
	if s := str("code_cpv"); s != "" && !fr.ValidCPV(s) {
		t.Errorf("%s: CPV %s invalid", d.Name, s)
	}
	if _, ok := f["administration_beneficiaire"]; ok {
		if s := str("acheteur.siret"); s != "" && s[0] != '1' {
			t.Errorf("%s: State buyer SIRET %s does not start with 1", d.Name, s)
		}
		if parts := strings.Split(str("administration_beneficiaire"), " > "); len(parts) != 3 || !strings.HasPrefix(parts[0], "Minist") && !strings.HasPrefix(parts[0], "Services du Premier") {
			t.Errorf("%s: administration_beneficiaire %q is not ministère > direction > service", d.Name, str("administration_beneficiaire"))
		}
	}
	ht, hasHT := f["montant_ht"]
	tva, hasTVA := f["montant_tva"]
	ttc, hasTTC := f["montant_ttc"]
	switch {
	case hasHT && hasTVA && hasTTC:
		if math.Abs(num(ht)+num(tva)-num(ttc)) > 0.01 {
			t.Errorf("%s: HT %v + TVA %v ≠ TTC %v", d.Name, ht, tva, ttc)
		}
	case hasHT && hasTTC && f["taux_tva"] != nil:
		if math.Abs(num(ht)*(1+num(f["taux_tva"])/100)-num(ttc)) > 0.01 {
			t.Errorf("%s: HT %v at %v %% ≠ TTC %v", d.Name, ht, f["taux_tva"], ttc)
		}
	case hasHT && hasTTC:
		if math.Abs(num(ht)-num(ttc)) > 0.01 {
			t.Errorf("%s: no VAT but HT %v ≠ TTC %v", d.Name, ht, ttc)
		}
	}
	if rate, ok := f["taux_tva"]; ok && hasHT && hasTVA && math.Abs(num(ht)*num(rate)/100-num(tva)) > 0.01 {
		t.Errorf("%s: TVA %v is not %v %% of %v", d.Name, tva, rate, ht)
	}
	if days, ok := f["conseil.nb_jours"]; ok && hasHT && d.Gold.DocumentType != "memoire_technique" {
		if tjm, ok := f["conseil.tjm"]; ok && math.Abs(num(days)*num(tjm)-math.Abs(num(ht))) > 0.01*num(days) {
			t.Errorf("%s: %v jours × TJM %v ≠ HT %v", d.Name, days, tjm, ht)
		}
	}
	for _, k := range dateFields {
		if s := str(k); s != "" && !regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`).MatchString(s) {
			t.Errorf("%s: %s %q is not YYYY-MM-DD", d.Name, k, s)
		}
	}
}

func TestGoldIsPrintedAndConsistent(t *testing.T) {
	needTool(t, "pdftotext")
	for _, set := range []struct {
		name    string
		layouts LayoutSet
		n       int
	}{{"dev", DevLayouts, 40}, {"heldout", HeldOutLayouts, 30}} {
		t.Run(set.name, func(t *testing.T) {
			n, seed := set.n, int64(2026)
			// SYNTH_STRESS=1 checks ten times more documents with a fresh seed.
			if os.Getenv("SYNTH_STRESS") != "" {
				n, seed = set.n*10, time.Now().UnixNano()
				t.Logf("seed %d", seed)
			}
			docs, err := Generate(Options{Seed: seed, Layouts: set.layouts}, n)
			if err != nil {
				t.Fatal(err)
			}
			seenLayouts, seenTypes := map[string]bool{}, map[string]bool{}
			multiPage := 0
			for _, d := range docs {
				seenLayouts[d.Layout] = true
				seenTypes[d.Gold.DocumentType] = true
				if !slices.Contains(set.layouts, d.Layout) {
					t.Errorf("%s drawn with %s, outside the set", d.Name, d.Layout)
				}
				if d.Pages > 1 {
					multiPage++
				}
				layout, raw := pdftotext(t, d.PDF, true), pdftotext(t, d.PDF, false)
				if strings.ContainsRune(layout, '\uFFFD') || strings.Contains(layout, "Ã") {
					t.Errorf("%s: broken accents in extracted text", d.Name)
				}
				checkGold(t, d, layout, raw)
			}
			if len(seenTypes) != len(DefaultTypes) {
				t.Errorf("%d types generated, want %d", len(seenTypes), len(DefaultTypes))
			}
			if len(seenLayouts) < len(set.layouts)-1 {
				t.Errorf("only %d of %d layout families drawn", len(seenLayouts), len(set.layouts))
			}
			if multiPage == 0 {
				t.Error("no document spans several pages")
			}
		})
	}
}

// TestAccents checks that accented labels come out of pdftotext intact in
// every font family.
func TestAccents(t *testing.T) {
	needTool(t, "pdftotext")
	for _, fam := range []string{"classique", "notaire", "machine"} {
		docs, err := Generate(Options{Seed: 5, Types: []string{"kbis"}, Layouts: LayoutSet{fam}}, 1)
		if err != nil {
			t.Fatal(err)
		}
		text := collapse(pdftotext(t, docs[0].PDF, false))
		for _, want := range []string{"Dénomination ou raison sociale", "RENSEIGNEMENTS RELATIFS À L'ACTIVITÉ ET À L'ÉTABLISSEMENT PRINCIPAL", "Date de commencement d'activité"} {
			if !strings.Contains(text, want) {
				t.Errorf("%s: %q not extracted; got:\n%s", fam, want, text)
			}
		}
	}
}

func TestScannedVariant(t *testing.T) {
	needTool(t, "pdftotext")
	docs, err := Generate(Options{Seed: 9, Scanned: true, Types: []string{"facture", "rib", "cctp"}}, 3)
	if err != nil {
		t.Fatal(err)
	}
	docs2, _ := Generate(Options{Seed: 9, Scanned: true, Types: []string{"facture"}}, 1)
	if !bytes.Equal(docs[0].Scanned, docs2[0].Scanned) {
		t.Error("scanned variant is not deterministic")
	}
	for _, d := range docs {
		if d.Scanned == nil {
			t.Fatalf("%s: no scanned variant", d.Name)
		}
		if text := strings.TrimSpace(pdftotext(t, d.Scanned, false)); text != "" {
			t.Errorf("%s: scanned variant has a text layer: %q", d.Name, text)
		}
		// Every page is one JPEG that decodes at 150 dpi A4 size.
		jpegs := 0
		rest := d.Scanned
		for {
			i := bytes.Index(rest, []byte("/DCTDecode"))
			if i < 0 {
				break
			}
			rest = rest[i:]
			start := bytes.Index(rest, []byte("stream\n")) + len("stream\n")
			end := bytes.Index(rest, []byte("\nendstream"))
			img, err := jpeg.Decode(bytes.NewReader(rest[start:end]))
			if err != nil {
				t.Fatalf("%s: page image does not decode: %v", d.Name, err)
			}
			if b := img.Bounds(); b.Dx() < 1200 || b.Dx() > 1300 || b.Dy() < 1700 || b.Dy() > 1800 {
				t.Errorf("%s: page image is %v, want A4 at 150 dpi", d.Name, b)
			}
			jpegs++
			rest = rest[end:]
		}
		if jpegs != d.Pages {
			t.Errorf("%s: %d page images for %d pages", d.Name, jpegs, d.Pages)
		}
	}
}

func TestWriteSet(t *testing.T) {
	docs, err := Generate(Options{Seed: 1, Types: []string{"devis", "rib"}}, 2)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := WriteSet(dir, docs); err != nil {
		t.Fatal(err)
	}
	for _, d := range docs {
		for _, ext := range []string{".pdf", ".gold.json"} {
			if _, err := os.Stat(dir + "/" + d.Name + ext); err != nil {
				t.Error(err)
			}
		}
	}
	js, _ := os.ReadFile(dir + "/" + docs[0].Name + ".gold.json")
	if !bytes.Contains(js, []byte(`"document_type": "devis"`)) || !bytes.Contains(js, []byte(`"montant_ht": `)) {
		t.Errorf("gold file not in the contract format:\n%s", js)
	}
}

// TestWriteSample writes a sample set for eyeballing when SYNTH_OUT is set:
// SYNTH_OUT=/tmp/synth go test -run WriteSample ./internal/synth
func TestWriteSample(t *testing.T) {
	dir := os.Getenv("SYNTH_OUT")
	if dir == "" {
		t.Skip("SYNTH_OUT not set")
	}
	for _, set := range []LayoutSet{DevLayouts, HeldOutLayouts} {
		docs, err := Generate(Options{Seed: 3, Layouts: set, Scanned: os.Getenv("SYNTH_SCAN") != ""}, 20)
		if err != nil {
			t.Fatal(err)
		}
		if err := WriteSet(dir, docs); err != nil {
			t.Fatal(err)
		}
	}
}
