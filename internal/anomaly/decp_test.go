package anomaly

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/depenses-eclairees/depenses/internal/referential"
)

func TestReadDECP(t *testing.T) {
	open := func(name string) *os.File {
		f, err := os.Open(filepath.Join("testdata", "decp", name))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { f.Close() })
		return f
	}
	res, err := ReadDECP(open("v1.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Records) != 3 || len(res.Skipped) != 2 {
		t.Fatalf("records %d skipped %+v", len(res.Records), res.Skipped)
	}
	a, b, c := res.Records[0].EJ, res.Records[1].EJ, res.Records[2].EJ
	if a.SIRETAcheteur != "13002220500012" || a.Fournisseur.SIRET != "73282932000074" || a.Fournisseur.SIREN != "732829320" ||
		a.DateNotification != "2019-03-12" || *a.Postes[0].MontantEngageHT != 60000 || a.Postes[0].CodeCPV != "90910000" || a.NumAccordCadre != "" {
		t.Errorf("first marché %+v", a)
	}
	if b.Fournisseur.SIRET != "73282932000074" || b.DateNotification != "2019-05-02" || *b.Postes[0].MontantEngageHT != 45000.5 || b.Postes[0].CodeCPV != "90911000" {
		t.Errorf("second marché %+v", b)
	}
	if c.Postes[0].CodeCPV != "09132100" || c.NumAccordCadre == "" || c.DateNotification != "" {
		t.Errorf("marché subséquent %+v", c)
	}
	if res.Skipped[0].ID != "2019AAA0000003" || !strings.Contains(res.Skipped[0].Motif, "concession") || res.Skipped[1].Motif != "acheteur absent" {
		t.Errorf("skipped %+v", res.Skipped)
	}
	v2, err := ReadDECP(open("v2.json"))
	if err != nil || len(v2.Records) != 2 {
		t.Fatalf("v2: %v %+v", err, v2)
	}
	if v2.Records[0].EJ.Fournisseur.SIRET != "44088962400043" || v2.Records[1].EJ.NumAccordCadre == "" || v2.Records[1].EJ.Fournisseur.SIRET != "" {
		t.Errorf("v2 %+v", v2.Records)
	}

	bad := []struct{ name, in, want string }{
		{"not JSON", "marches;id\n", "illisible"},
		{"an array", `[{"id": 1}]`, "objet JSON"},
		{"no marches", `{"autre": [1, 2]}`, "sans clé"},
		{"marches not a list", `{"marches": 3}`, "doit être une liste"},
		{"truncated", `{"marches": [{"id": "1", "acheteur": {"id": "1"}}`, "tronqué"},
		{"empty", ``, "illisible"},
	}
	for _, c := range bad {
		t.Run(c.name, func(t *testing.T) {
			_, err := LoadDECP(strings.NewReader(c.in))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err %v, want %q", err, c.want)
			}
		})
	}
}

// TestDECPFractionnement: two marchés of one buyer and one holder in one
// CPV group, each under 90 000 €, summing past it; in 2019 the dispense
// threshold was 25 000 €.
func TestDECPFractionnement(t *testing.T) {
	f, err := os.Open(filepath.Join("testdata", "decp", "v1.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := LoadDECP(f)
	if err != nil {
		t.Fatal(err)
	}
	found := DetectDECP(recs, referential.Default(), Options{})
	var codes []string
	for _, a := range found {
		codes = append(codes, a.Code+":"+a.NumEJ+strings.Join(a.AutresEJ, ","))
	}
	want := []string{"fractionnement:2019AAA00000012019AAA0000002", "identifiant_invalide:2019AAA0000004"}
	if strings.Join(codes, " ") != strings.Join(want, " ") {
		t.Fatalf("got %v, want %v", codes, want)
	}
	if !strings.Contains(found[0].Regle, "publicite_mapa 90 000 € HT au 2019-05-02") {
		t.Errorf("règle %q", found[0].Regle)
	}
}

const decpCorpus = "../../../shared/corpus/reference/decp-aife-2019.json"

// TestDECPReal runs the rules that apply to marchés on the 2019 AIFE DECP
// file and prints what fired, for a person to judge.
func TestDECPReal(t *testing.T) {
	f, err := os.Open(decpCorpus)
	if err != nil {
		t.Skipf("corpus absent : %v", err)
	}
	defer f.Close()
	res, err := ReadDECP(f)
	if err != nil {
		t.Fatal(err)
	}
	motifs := map[string]int{}
	for _, s := range res.Skipped {
		motifs[strings.SplitN(strings.SplitN(s.Motif, " : ", 2)[0], " du marché", 2)[0]]++
	}
	t.Logf("%d marchés lus, %d écartés %v", len(res.Records), len(res.Skipped), motifs)
	if len(res.Records)+len(res.Skipped) != 4530 || len(res.Records) < 4200 {
		t.Errorf("%d records and %d skipped from the 4 530 marchés", len(res.Records), len(res.Skipped))
	}
	found := DetectDECP(res.Records, referential.Default(), Options{})
	count := map[string]int{}
	for _, a := range found {
		count[a.Code]++
	}
	codes := make([]string, 0, len(count))
	for c := range count {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	var b strings.Builder
	for _, c := range codes {
		fmt.Fprintf(&b, "%s: %d ; ", c, count[c])
	}
	t.Logf("anomalies par règle : %s", b.String())
	if count[CodeHorsMarche] != 0 {
		t.Errorf("hors_marche does not apply to DECP")
	}
	if testing.Verbose() {
		for _, a := range found {
			t.Logf("%s %s %s %v : %s", a.Code, a.Severite, a.NumEJ, a.AutresEJ, a.Explication)
		}
	}
}
