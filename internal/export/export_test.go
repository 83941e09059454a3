package export

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/depenses-eclairees/depenses/internal/document"
	"github.com/depenses-eclairees/depenses/internal/reconcile"
	"github.com/depenses-eclairees/depenses/internal/store"
	"github.com/depenses-eclairees/depenses/internal/store/sqlite"
)

const sha = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"

func TestWriteWithReviews(t *testing.T) {
	ctx := context.Background()
	s, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "d.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	amount := 48000.0
	rec := reconcile.Enriched{NumEJ: "1300000001",
		Chorus:      reconcile.ChorusSummary{Fournisseur: "ACME", MontantEngage: &amount, Designation: "DIVERS"},
		Designation: reconcile.Designation{Value: "Prestation", Sources: []reconcile.Source{{Document: sha, Name: "devis.pdf", Field: "objet"}}},
		Documents: []reconcile.DocumentSummary{{SHA256: sha, Nom: "devis.pdf", DocumentType: "devis",
			Fields: map[string]document.Field{"montant_ht": {Value: 40000.0, Confidence: 0.8, Evidence: "Total HT 40 000"}}}},
		Conflits: []reconcile.Conflict{{Champ: "prestataire.siret"}}}
	err = s.InTx(ctx, func(tx store.Tx) error {
		if err := tx.SaveEnriched(ctx, rec, "v"); err != nil {
			return err
		}
		for _, r := range []store.Review{
			{Subject: "ej:1300000001", Field: "designation", Value: `"Audit de la fonction achats"`, Reviewer: "a.b"},
			{Subject: "ej:1300000001", Field: "prestataire.siret", Value: `"73282932000074"`, Reviewer: "a.b"},
			{Subject: "doc:" + sha, Field: "montant_ht", Value: `40000.5`, Reviewer: "c.d"},
		} {
			if err := tx.SaveReview(ctx, r); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var jl bytes.Buffer
	if n, err := Write(ctx, s, &jl, "jsonl"); err != nil || n != 1 {
		t.Fatalf("jsonl: %d, %v", n, err)
	}
	var got reconcile.Enriched
	if err := json.Unmarshal(jl.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if got.Designation.Value != "Audit de la fonction achats" || !got.Designation.Clair || got.Designation.Sources[0].Document != Reviewed {
		t.Errorf("designation %+v", got.Designation)
	}
	if got.Prestataire.SIRET != "73282932000074" || got.Prestataire.SIREN != "732829320" || !got.Prestataire.Identifie {
		t.Errorf("prestataire %+v", got.Prestataire)
	}
	if f := got.Documents[0].Fields["montant_ht"]; f.Value != 40000.5 || f.Confidence != 1 || !strings.Contains(f.Evidence, "c.d") {
		t.Errorf("reviewed field %+v", f)
	}
	var cb bytes.Buffer
	if _, err := Write(ctx, s, &cb, "csv"); err != nil {
		t.Fatal(err)
	}
	r := csv.NewReader(&cb)
	r.Comma = ';'
	rows, err := r.ReadAll()
	if err != nil || len(rows) != 2 || len(rows[0]) != len(rows[1]) {
		t.Fatalf("csv: %v %v", rows, err)
	}
	row := map[string]string{}
	for i, h := range rows[0] {
		row[h] = rows[1][i]
	}
	if row["designation"] != "Audit de la fonction achats" || row["designation_claire"] != "oui" || row["chorus_montant_engage"] != "48000.00" ||
		row["types_documents"] != "devis" || row["conflits"] != "prestataire.siret" {
		t.Errorf("csv row %v", row)
	}
	if _, err := Write(ctx, s, &cb, "xml"); err == nil {
		t.Error("unknown format accepted")
	}
}
