package api_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/depenses-eclairees/depenses/internal/anomaly"
	"github.com/depenses-eclairees/depenses/internal/chorus"
	"github.com/depenses-eclairees/depenses/internal/export"
	"github.com/depenses-eclairees/depenses/internal/intake"
	"github.com/depenses-eclairees/depenses/internal/pipeline"
	"github.com/depenses-eclairees/depenses/internal/referential"
	"github.com/depenses-eclairees/depenses/internal/store"
	"github.com/depenses-eclairees/depenses/internal/store/sqlite"
	"github.com/depenses-eclairees/depenses/internal/web/auth"
)

const corpus = "../../../../shared/corpus"

// Perimeter A is organisation OA-A (EJ …01 and …03), B is OA-B (…02
// and …04). The devis is attached to …01 (A) and …02 (B); the invoice
// only to …02; the RIB only to …01.
const extract = `num_ej;poste_ej;date_creation_ej;organisation_achat;groupe_acheteurs;centre_financier;groupe_marchandises;fournisseur_nom;fournisseur_siret;designation_ej;montant_engage_ht;code_cpv
1300000001;1;2019-07-01;OA-A;GA-A;0129-CDBU-DSAF;33.01.04;MARC SIBERT;79049427200020;PRESTATION;1250;
1300000002;1;2026-03-02;OA-B;GA-B;0178-CSGE-DAJ;33.02.01;AU BON MOULIN;;Achat de farine et de pain pour la cantine;3000,00;
1300000003;1;2026-03-05;OA-A;GA-A;0129-CDBU-DSAF;33.01.04;CABINET ALPHA CONSEIL;73282932000074;Accompagnement à la transformation numérique;45000;79411000-8
1300000004;1;2026-04-05;OA-B;GA-B;0178-CSGE-DAJ;33.01.04;CABINET BETA CONSEIL;44306184100047;Audit organisationnel de la direction;98000;79411000-8
`

var (
	numsA = []string{"1300000001", "1300000003"}
	numsB = []string{"1300000002", "1300000004"}
)

// fixture is a data folder filled by the real pipeline, then indexed as
// the pipeline will: export.Record, the stored anomalies and
// anomaly.Consulting for each EJ.
type fixture struct {
	store     *sqlite.Store
	blobs     store.Blobs
	ref       *referential.Set
	keys      map[string]string // name → full key
	keyIDs    map[string]string
	docs      map[string]string // "devis", "facture", "rib" → sha256
	devisText string
}

var (
	fixtureOnce sync.Once
	shared      *fixture
	fixtureErr  error
)

// sharedFixture builds the fixture once for the package's tests: the
// ingest reads real PDFs, which takes seconds. Tests that change data
// change only what they then check.
func sharedFixture(t *testing.T) *fixture {
	t.Helper()
	fixtureOnce.Do(func() {
		dir, err := os.MkdirTemp("", "depenses-api-*")
		if err != nil {
			fixtureErr = err
			return
		}
		shared, fixtureErr = build(dir)
	})
	if fixtureErr != nil {
		t.Fatal(fixtureErr)
	}
	return shared
}

func TestMain(m *testing.M) {
	code := m.Run()
	if shared != nil {
		shared.store.Close()
		os.RemoveAll(filepath.Dir(filepath.Dir(shared.blobs.(store.BlobDir).Root)))
	}
	os.Exit(code)
}

func build(dir string) (*fixture, error) {
	ctx := context.Background()
	data := filepath.Join(dir, "data")
	pieces := filepath.Join(dir, "pieces")
	chorusFile := filepath.Join(dir, "chorus.csv")
	if err := os.WriteFile(chorusFile, []byte(extract), 0o644); err != nil {
		return nil, err
	}
	files := map[string]string{
		"1300000001_1_DEVIS.pdf":       "real-misc/devis-sibert-2019-07.pdf",
		"1300000001_2_RIB.pdf":         "real-misc/rib-karate-villebon.pdf",
		"1300000002_1_devis-copie.pdf": "real-misc/devis-sibert-2019-07.pdf",
		"1300000002_2_facture.pdf":     "invoices/Facture_FR_BASIC.pdf",
	}
	for name, src := range files {
		b, err := os.ReadFile(filepath.Join(corpus, src))
		if err != nil {
			return nil, err
		}
		if err := os.MkdirAll(pieces, 0o755); err != nil {
			return nil, err
		}
		if err := os.WriteFile(filepath.Join(pieces, name), b, 0o644); err != nil {
			return nil, err
		}
	}
	if err := os.MkdirAll(data, 0o755); err != nil {
		return nil, err
	}
	s, err := sqlite.Open(ctx, filepath.Join(data, "depenses.db"))
	if err != nil {
		return nil, err
	}
	f := &fixture{store: s, blobs: store.BlobDir{Root: filepath.Join(data, "originaux")}, ref: referential.Default(),
		keys: map[string]string{}, keyIDs: map[string]string{}, docs: map[string]string{}}
	reader := intake.New(intake.Options{OCRMode: intake.OCROff, Workers: 2})
	defer reader.Close()
	p, err := pipeline.New(ctx, pipeline.Config{Store: s, Blobs: f.blobs, Reader: reader, Ref: f.ref, Workers: 2, MaxFileBytes: 100 << 20})
	if err != nil {
		return nil, err
	}
	if _, err := p.Ingest(ctx, pipeline.IngestOptions{Chorus: chorusFile, Attachments: pieces}); err != nil {
		return nil, err
	}
	for _, num := range []string{"1300000001", "1300000002"} {
		atts, err := s.DocumentsOf(ctx, num)
		if err != nil {
			return nil, err
		}
		for _, a := range atts {
			switch {
			case strings.Contains(a.Name, "DEVIS"):
				f.docs["devis"] = a.SHA256
			case strings.Contains(a.Name, "RIB"):
				f.docs["rib"] = a.SHA256
			case strings.Contains(a.Name, "facture"):
				f.docs["facture"] = a.SHA256
			}
		}
	}
	// A group anomaly across both perimeters, led by A's EJ and citing B's.
	group := anomaly.Anomaly{Code: "fractionnement", Severite: "moyenne", Score: 0.7, NumEJ: "1300000003", AutresEJ: []string{"1300000004"},
		Explication: "Les EJ 1300000003 et 1300000004 portent sur le même objet à quelques jours d'intervalle.",
		Preuves:     []anomaly.Evidence{{NumEJ: "1300000003", Champ: "montant", Valeur: "45000"}, {NumEJ: "1300000004", Champ: "montant", Valeur: "98000"}}}
	own := anomaly.Anomaly{Code: "tjm_eleve", Severite: "faible", Score: 0.4, NumEJ: "1300000004", Explication: "TJM élevé sur l'EJ 1300000004."}
	if err := s.InTx(ctx, func(tx store.Tx) error { return tx.ReplaceAnomalies(ctx, []anomaly.Anomaly{group, own}) }); err != nil {
		return nil, err
	}
	var rows []store.EJIndex
	err = s.EachEJ(ctx, func(ej chorus.EJ) error {
		rec, err := export.Record(ctx, s, ej.NumEJ)
		if err != nil {
			return err
		}
		anomalies, err := s.AnomaliesOf(ctx, ej.NumEJ)
		if err != nil {
			return err
		}
		raw, err := s.Enriched(ctx, ej.NumEJ)
		if err != nil {
			return err
		}
		conseil, _ := anomaly.Consulting(&anomaly.Record{EJ: ej, Enriched: raw}, f.ref)
		rows = append(rows, export.IndexOf(ej, rec, anomalies, conseil))
		return nil
	})
	if err != nil {
		return nil, err
	}
	if err := s.IndexEJ(ctx, rows); err != nil {
		return nil, err
	}
	f.devisText = "DEVIS n° 2019-07 Marc Sibert\fpage 2"
	if err := s.SaveDocumentText(ctx, f.docs["devis"], f.devisText); err != nil {
		return nil, err
	}
	now := time.Now()
	for _, k := range []struct {
		name    string
		scopes  []string
		per     store.Perimeter
		expires time.Time
		revoked time.Time
	}{
		{"all", []string{store.ScopeRead}, store.Perimeter{All: true}, time.Time{}, time.Time{}},
		{"a", []string{store.ScopeRead}, store.Perimeter{OrganisationsAchat: []string{"OA-A"}}, time.Time{}, time.Time{}},
		{"b", []string{store.ScopeRead}, store.Perimeter{GroupesAcheteurs: []string{"GA-B"}}, time.Time{}, time.Time{}},
		{"a-review", []string{store.ScopeReview}, store.Perimeter{OrganisationsAchat: []string{"OA-A"}}, time.Time{}, time.Time{}},
		{"b-review", []string{store.ScopeReview}, store.Perimeter{OrganisationsAchat: []string{"OA-B"}}, time.Time{}, time.Time{}},
		{"admin", []string{store.ScopeAdmin}, store.Perimeter{All: true}, time.Time{}, time.Time{}},
		{"expired", []string{store.ScopeRead}, store.Perimeter{All: true}, now.Add(-time.Hour), time.Time{}},
		{"revoked", []string{store.ScopeRead}, store.Perimeter{All: true}, time.Time{}, now.Add(-time.Hour)},
		{"limited", []string{store.ScopeRead}, store.Perimeter{All: true}, time.Time{}, time.Time{}},
	} {
		id, key, hash, err := auth.NewAPIKey()
		if err != nil {
			return nil, err
		}
		if err := s.CreateAPIKey(ctx, store.APIKey{ID: id, Hash: hash, Organisation: "Réutilisateur " + k.name, UseCase: "tests",
			Contact: k.name + "@exemple.fr", Scopes: k.scopes, Perimeter: k.per, ExpiresAt: k.expires, RevokedAt: k.revoked}); err != nil {
			return nil, err
		}
		f.keys[k.name], f.keyIDs[k.name] = key, id
	}
	return f, nil
}
