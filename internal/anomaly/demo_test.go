package anomaly

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/depenses-eclairees/depenses/internal/analyze"
	"github.com/depenses-eclairees/depenses/internal/intake"
	"github.com/depenses-eclairees/depenses/internal/reconcile"
	"github.com/depenses-eclairees/depenses/internal/referential"
	"github.com/depenses-eclairees/depenses/internal/synth"
)

// demoRecords generates the demo scenario, reads and analyses every piece
// on two goroutines, and reconciles each EJ.
func demoRecords(t testing.TB) (*synth.Demo, []Record) {
	t.Helper()
	// ANOMALY_SEED explores other seeds by hand; the thresholds are set for seed 1.
	seed := int64(1)
	if s := os.Getenv("ANOMALY_SEED"); s != "" {
		seed, _ = strconv.ParseInt(s, 10, 64)
	}
	d, err := synth.Scenario(synth.ScenarioOptions{Seed: seed, NumEJ: 200, ScannedShare: -1})
	if err != nil {
		t.Fatal(err)
	}
	r := intake.New(intake.Options{OCRMode: intake.OCROff})
	defer r.Close()
	docs := make([]reconcile.Doc, len(d.Pieces))
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				pc := &d.Pieces[i]
				res := analyze.Document(r.Read(context.Background(), pc.Name, pc.Data))
				docs[i] = reconcile.Doc{SHA256: res.SHA256, Name: pc.Name, Result: res}
			}
		}()
	}
	for i := range d.Pieces {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	byEJ := map[string][]reconcile.Doc{}
	for i, pc := range d.Pieces {
		byEJ[pc.NumEJ] = append(byEJ[pc.NumEJ], docs[i])
	}
	ref := referential.Default()
	var recs []Record
	for _, ej := range d.EJs {
		e := reconcile.Reconcile(reconcile.Input{EJ: ej, Documents: byEJ[ej.NumEJ]}, ref)
		recs = append(recs, Record{EJ: ej, Enriched: e})
	}
	return d, recs
}

// TestDemoScenario measures each rule on the demo scenario's planted
// anomalies and decoys: recall must be 1 and precision at least 0.9, and no
// decoy may fire its rule.
func TestDemoScenario(t *testing.T) {
	plantedCodes := map[string]bool{}
	for _, c := range []string{synth.AnoHorsMarche, synth.AnoFractionnement, synth.AnoImputation, synth.AnoFournisseur, synth.AnoMontant,
		synth.AnoDoublon, synth.AnoIdentifiant, synth.AnoRevueDITP, synth.AnoTJMAtypique} {
		plantedCodes[c] = true
	}
	d, recs := demoRecords(t)
	found := Detect(recs, referential.Default(), Options{})
	groups := map[string][]synth.ExpectedAnomaly{}
	for _, e := range d.Expected {
		groups[e.Code] = append(groups[e.Code], e)
	}
	involves := func(a Anomaly, e synth.ExpectedAnomaly) bool {
		if a.Involves(e.NumEJ) {
			return true
		}
		for _, o := range e.Others {
			if a.Involves(o) {
				return true
			}
		}
		return false
	}
	var table strings.Builder
	fmt.Fprintf(&table, "\n%-24s %8s %8s %8s %10s %8s\n", "règle", "plantées", "trouvées", "justes", "précision", "rappel")
	for _, code := range Codes {
		var got []Anomaly
		for _, a := range found {
			if a.Code == code {
				got = append(got, a)
			}
		}
		planted := groups[code]
		if !plantedCodes[code] {
			fmt.Fprintf(&table, "%-24s %8s %8d   (non planté par le générateur : non mesurable)\n", code, "-", len(got))
			for _, a := range got {
				t.Logf("%s (non planté) sur %s : %s", code, a.NumEJ, a.Explication)
			}
			continue
		}
		recalled, correct := 0, 0
		for _, e := range planted {
			for _, a := range got {
				if involves(a, e) {
					recalled++
					break
				}
			}
		}
		for _, a := range got {
			ok := false
			for _, e := range planted {
				ok = ok || involves(a, e)
			}
			if ok {
				correct++
			} else {
				t.Logf("faux positif %s sur %s %v : %s", code, a.NumEJ, a.AutresEJ, a.Explication)
			}
		}
		precision, recall := 1.0, 1.0
		if len(got) > 0 {
			precision = float64(correct) / float64(len(got))
		}
		if len(planted) > 0 {
			recall = float64(recalled) / float64(len(planted))
		}
		fmt.Fprintf(&table, "%-24s %8d %8d %8d %10.2f %8.2f\n", code, len(planted), len(got), correct, precision, recall)
		if recall < 1 {
			for _, e := range planted {
				hit := false
				for _, a := range got {
					hit = hit || involves(a, e)
				}
				if !hit {
					t.Errorf("%s planté sur %s %v non trouvé : %s", code, e.NumEJ, e.Others, e.Detail)
				}
			}
		}
		if precision < 0.9 {
			t.Errorf("%s : précision %.2f < 0.9", code, precision)
		}
	}
	for _, e := range groups[synth.Leurre] {
		for _, a := range found {
			if a.Code == e.Detail && involves(a, e) {
				t.Errorf("leurre %s sur %s %v déclenché : %s", e.Detail, e.NumEJ, e.Others, a.Explication)
			}
		}
	}
	t.Log(table.String())
}
