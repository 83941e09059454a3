// Package storetest is the test suite every store implementation passes,
// so that SQLite and PostgreSQL behave the same.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/depenses-eclairees/depenses/internal/anomaly"
	"github.com/depenses-eclairees/depenses/internal/chorus"
	"github.com/depenses-eclairees/depenses/internal/document"
	"github.com/depenses-eclairees/depenses/internal/reconcile"
	"github.com/depenses-eclairees/depenses/internal/referential"
	"github.com/depenses-eclairees/depenses/internal/store"
)

// Run runs the suite; open returns an empty store, closed by the suite.
func Run(t *testing.T, open func(t *testing.T) store.Store) {
	tests := []struct {
		name string
		fn   func(*testing.T, store.Store)
	}{
		{"EJUpsert", testEJUpsert},
		{"EJPaging", testEJPaging},
		{"Documents", testDocuments},
		{"Results", testResults},
		{"Enriched", testEnriched},
		{"Reviews", testReviews},
		{"Rollback", testRollback},
		{"RunsAndSteps", testRunsAndSteps},
		{"NotFound", testNotFound},
		{"Sirene", testSirene},
		{"Anomalies", testAnomalies},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := open(t)
			defer s.Close()
			tt.fn(t, s)
		})
	}
}

func f64(v float64) *float64 { return &v }

// SampleEJ is a small EJ with two postes.
func SampleEJ(num string) chorus.EJ {
	return chorus.EJ{
		NumEJ: num, DateCreation: "2026-02-03", Designation: "PRESTATION",
		Fournisseur: chorus.Supplier{Nom: "Conseil & Associés", SIRET: "73282932000074", SIREN: "732829320"},
		Postes: []chorus.Poste{
			{Poste: "1", Programme: "0129", CentreFinancier: "0129-CDBU-DSAF", GroupeMarchandises: "33.01.04", MontantEngageHT: f64(30000)},
			{Poste: "2", Programme: "0218", CentreFinancier: "0218-CSGE-DAJ", GroupeMarchandises: "33.01.04", MontantEngageHT: f64(12000.5)},
		},
		Lines: []int{7, 8},
	}
}

func inTx(t *testing.T, s store.Store, fn func(store.Tx) error) {
	t.Helper()
	if err := s.InTx(context.Background(), fn); err != nil {
		t.Fatal(err)
	}
}

func testEJUpsert(t *testing.T, s store.Store) {
	ctx := context.Background()
	ej := SampleEJ("1300012345")
	var changes []store.Change
	upsert := func(e chorus.EJ) {
		inTx(t, s, func(tx store.Tx) error {
			c, err := tx.UpsertEJ(ctx, e)
			changes = append(changes, c)
			return err
		})
	}
	upsert(ej)
	upsert(ej)
	moved := ej
	moved.Lines = []int{12, 13} // same content, other lines of another extract
	upsert(moved)
	changed := SampleEJ("1300012345")
	changed.Designation = "Audit de l'organisation des achats"
	upsert(changed)
	want := []store.Change{store.Created, store.Unchanged, store.Unchanged, store.Updated}
	if !reflect.DeepEqual(changes, want) {
		t.Fatalf("changes = %v, want %v", changes, want)
	}
	got, err := s.EJ(ctx, "1300012345")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, changed) {
		t.Fatalf("EJ round trip:\n got %+v\nwant %+v", got, changed)
	}
}

func testEJPaging(t *testing.T, s store.Store) {
	ctx := context.Background()
	const n = 1234 // more than one page
	inTx(t, s, func(tx store.Tx) error {
		for i := n - 1; i >= 0; i-- {
			if _, err := tx.UpsertEJ(ctx, SampleEJ(fmt.Sprintf("13%08d", i))); err != nil {
				return err
			}
		}
		return nil
	})
	var seen []string
	if err := s.EachEJ(ctx, func(ej chorus.EJ) error { seen = append(seen, ej.NumEJ); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(seen) != n || seen[0] != "1300000000" || seen[n-1] != fmt.Sprintf("13%08d", n-1) {
		t.Fatalf("EachEJ gave %d EJ, first %v", len(seen), seen[:1])
	}
	for i := 1; i < len(seen); i++ {
		if seen[i] <= seen[i-1] {
			t.Fatalf("EachEJ out of order at %d: %s then %s", i, seen[i-1], seen[i])
		}
	}
	c, err := s.Counts(ctx)
	if err != nil || c.EJ != n {
		t.Fatalf("Counts = %+v, %v", c, err)
	}
}

const (
	shaA = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	shaB = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
)

func testDocuments(t *testing.T, s store.Store) {
	ctx := context.Background()
	var added, linked []bool
	for range 2 {
		inTx(t, s, func(tx store.Tx) error {
			for _, d := range []store.NewDocument{{SHA256: shaA, Size: 10, Name: "1300000001_1_DEVIS.pdf"}, {SHA256: shaB, Size: 20, Name: "RIB.pdf"}} {
				ok, err := tx.AddDocument(ctx, d)
				if err != nil {
					return err
				}
				added = append(added, ok)
			}
			// The same devis attached to two EJ, under two names.
			for _, l := range [][3]string{{"1300000001", shaA, "DEVIS.pdf"}, {"1300000002", shaA, "devis signé.pdf"}, {"1300000001", shaB, "RIB.pdf"}} {
				ok, err := tx.Attach(ctx, l[0], l[1], l[2])
				if err != nil {
					return err
				}
				linked = append(linked, ok)
			}
			return nil
		})
	}
	if !reflect.DeepEqual(added, []bool{true, true, false, false}) || !reflect.DeepEqual(linked, []bool{true, true, true, false, false, false}) {
		t.Fatalf("second run must add nothing: added %v, linked %v", added, linked)
	}
	atts, err := s.DocumentsOf(ctx, "1300000001")
	if err != nil || len(atts) != 2 || atts[0].Name != "DEVIS.pdf" || atts[1].Name != "RIB.pdf" || atts[0].Status != store.StatusPending {
		t.Fatalf("DocumentsOf = %+v, %v", atts, err)
	}
	ejs, err := s.EJsOf(ctx, shaA)
	if err != nil || !reflect.DeepEqual(ejs, []string{"1300000001", "1300000002"}) {
		t.Fatalf("EJsOf = %v, %v", ejs, err)
	}
	d, err := s.Document(ctx, shaA)
	if err != nil || d.Name != "1300000001_1_DEVIS.pdf" || d.Size != 10 || d.CreatedAt.IsZero() || d.Result != nil {
		t.Fatalf("Document = %+v, %v", d, err)
	}
	c, err := s.Counts(ctx)
	if err != nil || c.Documents[store.StatusPending] != 2 || c.Links != 3 {
		t.Fatalf("Counts = %+v, %v", c, err)
	}
}

func testResults(t *testing.T, s store.Store) {
	ctx := context.Background()
	res := document.Result{File: "DEVIS.pdf", SHA256: shaA, Pages: 1, TextSource: document.SourceTextLayer,
		DocumentType: &document.TypeGuess{Value: "devis", Confidence: 0.93},
		Fields:       map[string]document.Field{"montant_ht": {Value: 1200.5, Confidence: 0.9, Page: 1, Evidence: "Total HT 1 200,50"}},
		Lines:        []document.LineItem{}, Warnings: []string{}}
	inTx(t, s, func(tx store.Tx) error {
		for _, sha := range []string{shaA, shaB} {
			if _, err := tx.AddDocument(ctx, store.NewDocument{SHA256: sha, Size: 1, Name: sha[:1]}); err != nil {
				return err
			}
			if _, err := tx.Attach(ctx, "1300000001", sha, sha[:1]); err != nil {
				return err
			}
		}
		n, err := tx.PendingOf(ctx, "1300000001")
		if err != nil || n != 2 {
			return fmt.Errorf("PendingOf = %d, %v; want 2", n, err)
		}
		if err := tx.SaveResult(ctx, shaA, store.Processed{Status: store.StatusDone, Result: res, Version: "v1"}); err != nil {
			return err
		}
		msg := "fichier corrompu"
		if err := tx.SaveResult(ctx, shaB, store.Processed{Status: store.StatusFailed, Version: "v1",
			Result: document.Result{File: "b", Error: &msg, ErrorCode: "fichier_corrompu"}}); err != nil {
			return err
		}
		n, err = tx.PendingOf(ctx, "1300000001")
		if err != nil || n != 0 {
			return fmt.Errorf("PendingOf after processing = %d, %v; want 0", n, err)
		}
		return nil
	})
	d, err := s.Document(ctx, shaA)
	if err != nil {
		t.Fatal(err)
	}
	if d.Status != store.StatusDone || d.DocumentType != "devis" || d.TypeConfidence != 0.93 || d.Version != "v1" || d.ProcessedAt.IsZero() {
		t.Fatalf("processed document = %+v", d)
	}
	if d.Result == nil || d.Result.Fields["montant_ht"].Value != 1200.5 {
		t.Fatalf("result not kept: %+v", d.Result)
	}
	b, _ := s.Document(ctx, shaB)
	if b.Status != store.StatusFailed || b.ErrorCode != "fichier_corrompu" || b.Error != "fichier corrompu" {
		t.Fatalf("failed document = %+v", b)
	}
	// Reprocessing sets the status back but keeps the last result until replaced.
	inTx(t, s, func(tx store.Tx) error {
		got, err := tx.MarkPending(ctx)
		if err != nil || len(got) != 2 {
			return fmt.Errorf("MarkPending = %v, %v", got, err)
		}
		return nil
	})
	d, _ = s.Document(ctx, shaA)
	if d.Status != store.StatusPending || d.Result == nil {
		t.Fatalf("after MarkPending: %+v", d)
	}
	err = s.InTx(ctx, func(tx store.Tx) error {
		return tx.SaveResult(ctx, "cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc", store.Processed{Status: store.StatusDone})
	})
	if !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("SaveResult on an unknown document: %v", err)
	}
}

func testEnriched(t *testing.T, s store.Store) {
	ctx := context.Background()
	e := reconcile.Enriched{NumEJ: "1300000001",
		Designation: reconcile.Designation{Value: "Audit des achats", Clair: true,
			Sources: []reconcile.Source{{Document: shaA, Page: 1, Evidence: "Objet : Audit des achats", Field: "objet"}}},
		Conflits: []reconcile.Conflict{{Champ: "prestataire.siret", Valeurs: []reconcile.ConflictValue{{Value: "1", Source: "chorus"}}}}}
	inTx(t, s, func(tx store.Tx) error {
		if err := tx.SaveEnriched(ctx, e, "v1"); err != nil {
			return err
		}
		e2 := e
		e2.NumEJ = "1300000000"
		return tx.SaveEnriched(ctx, e2, "v1")
	})
	e.Designation.Value = "Audit des achats publics"
	inTx(t, s, func(tx store.Tx) error { return tx.SaveEnriched(ctx, e, "v2") })
	got, err := s.Enriched(ctx, "1300000001")
	if err != nil || !reflect.DeepEqual(got.Designation, e.Designation) || len(got.Conflits) != 1 {
		t.Fatalf("Enriched = %+v, %v", got, err)
	}
	var order []string
	if err := s.EachEnriched(ctx, func(e reconcile.Enriched) error { order = append(order, e.NumEJ); return nil }); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(order, []string{"1300000000", "1300000001"}) {
		t.Fatalf("EachEnriched order %v", order)
	}
}

func testReviews(t *testing.T, s store.Store) {
	ctx := context.Background()
	at := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	inTx(t, s, func(tx store.Tx) error {
		if err := tx.SaveReview(ctx, store.Review{Subject: "ej:1300000001", Field: "designation", Value: `"Audit"`, Reviewer: "agent.a", At: at}); err != nil {
			return err
		}
		return tx.SaveReview(ctx, store.Review{Subject: "ej:1300000001", Field: "designation", Value: `"Audit des achats"`, Reviewer: "agent.b", At: at.Add(time.Hour)})
	})
	got, err := s.Reviews(ctx, "ej:1300000001")
	if err != nil || len(got) != 1 || got[0].Value != `"Audit des achats"` || got[0].Reviewer != "agent.b" || !got[0].At.Equal(at.Add(time.Hour)) {
		t.Fatalf("Reviews = %+v, %v", got, err)
	}
	err = s.InTx(ctx, func(tx store.Tx) error {
		return tx.SaveReview(ctx, store.Review{Subject: "ej:1", Field: "x", Value: "pas du json", Reviewer: "a"})
	})
	if err == nil {
		t.Fatal("a review that is not JSON must be refused")
	}
}

func testRollback(t *testing.T, s store.Store) {
	ctx := context.Background()
	boom := errors.New("panne au milieu")
	err := s.InTx(ctx, func(tx store.Tx) error {
		if _, err := tx.UpsertEJ(ctx, SampleEJ("1300000009")); err != nil {
			return err
		}
		if _, err := tx.AddDocument(ctx, store.NewDocument{SHA256: shaA, Size: 1, Name: "a"}); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("InTx returned %v", err)
	}
	c, err := s.Counts(ctx)
	if err != nil || c.EJ != 0 || len(c.Documents) != 0 {
		t.Fatalf("a failed transaction left data: %+v, %v", c, err)
	}
}

func testRunsAndSteps(t *testing.T, s store.Store) {
	ctx := context.Background()
	start := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	var id int64
	inTx(t, s, func(tx store.Tx) error {
		var err error
		id, err = tx.StartRun(ctx, store.Run{StartedAt: start, Chorus: "chorus.csv", Attachments: "pieces"})
		if err != nil {
			return err
		}
		if err := tx.AddIssues(ctx, id, []store.Issue{{Source: "chorus", Ref: "12", Message: "numéro d'EJ invalide"}}); err != nil {
			return err
		}
		if err := tx.RecordStep(ctx, store.Step{Subject: "doc:" + shaA, Name: "lecture", Status: "ok", Duration: 1500 * time.Millisecond, Attempt: 1}); err != nil {
			return err
		}
		if err := tx.RecordStep(ctx, store.Step{Subject: "doc:" + shaA, Name: "analyse", Status: "erreur", Error: "x", Duration: 3 * time.Millisecond, Attempt: 1}); err != nil {
			return err
		}
		return tx.FinishRun(ctx, store.Run{ID: id, FinishedAt: start.Add(time.Minute), Report: `{"ej":1}`})
	})
	r, err := s.Run(ctx, id)
	if err != nil || r.Chorus != "chorus.csv" || !r.StartedAt.Equal(start) || !r.FinishedAt.Equal(start.Add(time.Minute)) || r.Report != `{"ej":1}` {
		t.Fatalf("Run = %+v, %v", r, err)
	}
	steps, err := s.Steps(ctx, "doc:"+shaA)
	if err != nil || len(steps) != 2 || steps[0].Name != "lecture" || steps[0].Duration != 1500*time.Millisecond || steps[1].Status != "erreur" {
		t.Fatalf("Steps = %+v, %v", steps, err)
	}
}

func testNotFound(t *testing.T, s store.Store) {
	ctx := context.Background()
	if _, err := s.EJ(ctx, "1399999999"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("EJ: %v", err)
	}
	if _, err := s.Document(ctx, shaA); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Document: %v", err)
	}
	if _, err := s.Enriched(ctx, "1399999999"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Enriched: %v", err)
	}
	if _, err := s.Run(ctx, 42); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Run: %v", err)
	}
}

func testSirene(t *testing.T, s store.Store) {
	ctx := context.Background()
	open := referential.Etablissement{SIREN: "732829320", NIC: "00074", SIRET: "73282932000074", Active: true, State: "A",
		Activity: "70.22Z", ActivityNomenclature: "NAFRev2", UsualName: "Conseil & Associés", Created: "2001-05-02",
		PostalCode: "75008", Municipality: "PARIS 8", PeriodStart: "2019-01-01"}
	inTx(t, s, func(tx store.Tx) error { return tx.PutEtablissements(ctx, []referential.Etablissement{open}) })
	closed := open
	closed.Active, closed.State, closed.PeriodStart = false, "F", "2025-12-31"
	inTx(t, s, func(tx store.Tx) error { return tx.PutEtablissements(ctx, []referential.Etablissement{closed}) })
	got, err := s.Etablissement(ctx, "73282932000074")
	if err != nil || !reflect.DeepEqual(got, closed) {
		t.Fatalf("Etablissement = %+v, %v; want the later import %+v", got, err, closed)
	}
	if _, err := s.Etablissement(ctx, "55208131766522"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("unknown SIRET: %v", err)
	}
}

func testAnomalies(t *testing.T, s store.Store) {
	ctx := context.Background()
	frac := anomaly.Anomaly{Code: "fractionnement", Severite: "haute", Score: 0.9, Explication: "x", NumEJ: "1300000001",
		AutresEJ: []string{"1300000003", "1300000002"}, Preuves: []anomaly.Evidence{{NumEJ: "1300000002", Champ: "montant", Valeur: "39000"}}}
	hors := anomaly.Anomaly{Code: "hors_marche", Severite: "moyenne", Score: 0.5, Explication: "y", NumEJ: "1300000002"}
	inTx(t, s, func(tx store.Tx) error { return tx.ReplaceAnomalies(ctx, []anomaly.Anomaly{hors, frac}) })
	inTx(t, s, func(tx store.Tx) error {
		return tx.ReviewAnomaly(ctx, store.AnomalyReview{Key: store.AnomalyKey(frac), Statut: store.AnomalyConfirmed, Reviewer: "agent.a", Comment: "vu"})
	})
	if err := s.InTx(ctx, func(tx store.Tx) error {
		return tx.ReviewAnomaly(ctx, store.AnomalyReview{Key: "k", Statut: "peut-être", Reviewer: "a"})
	}); err == nil {
		t.Error("unknown review status accepted")
	}
	// A new detection finds the same fractionnement (other order of EJ) and no hors_marche.
	again := frac
	again.AutresEJ = []string{"1300000002", "1300000003"}
	again.Score = 0.95
	inTx(t, s, func(tx store.Tx) error { return tx.ReplaceAnomalies(ctx, []anomaly.Anomaly{again}) })
	var all []store.AnomalyRow
	if err := s.EachAnomaly(ctx, func(a store.AnomalyRow) error { all = append(all, a); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(all) != 1 || all[0].Score != 0.95 || all[0].Review.Statut != store.AnomalyConfirmed || all[0].Review.Reviewer != "agent.a" || all[0].Review.At.IsZero() {
		t.Fatalf("after a new detection: %+v", all)
	}
	of, err := s.AnomaliesOf(ctx, "1300000003")
	if err != nil || len(of) != 1 || of[0].Code != "fractionnement" || len(of[0].Preuves) != 1 {
		t.Fatalf("AnomaliesOf = %+v, %v", of, err)
	}
	if of, _ := s.AnomaliesOf(ctx, "1300000009"); len(of) != 0 {
		t.Fatalf("an unconcerned EJ has anomalies: %+v", of)
	}
	inTx(t, s, func(tx store.Tx) error { return tx.ReplaceAnomalies(ctx, []anomaly.Anomaly{hors}) })
	of, _ = s.AnomaliesOf(ctx, "1300000002")
	if len(of) != 1 || of[0].Review.Statut != store.AnomalyToCheck {
		t.Fatalf("a new anomaly must start to check: %+v", of)
	}
}
