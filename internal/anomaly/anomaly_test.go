package anomaly

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/depenses-eclairees/depenses/internal/referential"
)

func TestCheckParams(t *testing.T) {
	on := time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)
	if err := CheckParams(referential.Default(), referential.DefaultAnomalyParams(), on); err != nil {
		t.Fatal(err)
	}
	partial, err := referential.ParseAnomalyParams("p.csv", []byte("code;valeur;unite;depuis;jusqu_a;source\nhors_marche.seuil;seuil_inconnu;code_seuil;2020-01-01;;s\n"))
	if err != nil {
		t.Fatal(err)
	}
	err = CheckParams(referential.Default(), partial, on)
	if err == nil || !strings.Contains(err.Error(), "severite.haute") || !strings.Contains(err.Error(), "seuil seuil_inconnu absent") {
		t.Fatalf("err %v", err)
	}
	// A rule without its parameters abstains instead of guessing.
	rec := mkRec(mkEJ(ejSpec{num: "1300000001", date: "2025-06-02", ht: 90000}))
	if got := Detect([]Record{rec}, referential.Default(), Options{Params: partial}); len(got) != 0 {
		t.Fatalf("fired without parameters: %+v", got)
	}
}

// TestDetectDeterministic: the input order does not change the output.
func TestDetectDeterministic(t *testing.T) {
	quote := func(num string, ht float64) Record {
		return mkRec(mkEJ(ejSpec{num: num, date: "2025-0" + num[9:] + "-02", ht: ht}), mkDoc("devis", map[string]any{"objet": "Fauteuils de bureau", "montant_ht": ht * 1.3}))
	}
	recs := []Record{quote("1300000001", 30000), quote("1300000002", 30000), quote("1300000003", 52000), quote("1300000004", 10000)}
	a := Detect(recs, referential.Default(), Options{})
	rev := slices.Clone(recs)
	slices.Reverse(rev)
	b := Detect(rev, referential.Default(), Options{})
	if len(a) < 3 || !reflect.DeepEqual(a, b) {
		t.Fatalf("order changes the result or too few findings:\n%+v\n%+v", a, b)
	}
	for i := 1; i < len(a); i++ {
		if slices.Index(Codes, a[i-1].Code) > slices.Index(Codes, a[i].Code) {
			t.Errorf("not in Codes order: %s before %s", a[i-1].Code, a[i].Code)
		}
	}
	if s := a[0].Summary(); s.Code != a[0].Code || s.Explication != a[0].Explication {
		t.Errorf("summary %+v", s)
	}
}
