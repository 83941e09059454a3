package indicators

import (
	"testing"

	"github.com/depenses-eclairees/depenses/internal/anomaly"
	"github.com/depenses-eclairees/depenses/internal/chorus"
	"github.com/depenses-eclairees/depenses/internal/reconcile"
	"github.com/depenses-eclairees/depenses/internal/referential"
)

func f(v float64) *float64 { return &v }

func rec(num, date, cf, cpv, gmLabel, ac string, ht *float64, siren, name string, tjm, days float64) anomaly.Record {
	r := anomaly.Record{
		EJ: chorus.EJ{NumEJ: num, DateCreation: date, NumAccordCadre: ac, Fournisseur: chorus.Supplier{Nom: name},
			Postes: []chorus.Poste{{Poste: "10", CentreFinancier: cf, CodeCPV: cpv, GMLibelle: gmLabel, GroupeMarchandises: "33.01.04", MontantEngageHT: ht}}},
		Enriched: reconcile.Enriched{NumEJ: num, Prestataire: reconcile.Prestataire{Nom: name, SIREN: siren, Identifie: siren != ""}},
	}
	if tjm > 0 {
		r.Enriched.Conseil = &reconcile.Consulting{TJM: &reconcile.SourcedNumber{Value: tjm}, NbJours: &reconcile.SourcedNumber{Value: days}}
	}
	return r
}

func TestCompute(t *testing.T) {
	ref := referential.Default()
	recs := []anomaly.Record{
		rec("1300000001", "2026-02-10", "0129-CDBU-DSAF", "79411000-8", "Conseil en stratégie", "2022AMO0538402", f(100000), "552081317", "Cabinet A", 1200, 50),
		rec("1300000002", "2026-05-03", "0129-CDBU-DSAF", "79411000-8", "Conseil en stratégie", "", f(30000), "552081317", "Cabinet A", 1500, 20),
		rec("1300000003", "2026-05-20", "0218-CSGE-DAJ", "79411000-8", "Conseil en organisation", "", f(60000), "", "Cabinet B", 900, 40),
		rec("1300000004", "2026-05-21", "0218-CSGE-DAJ", "79411000-8", "Conseil en organisation", "", nil, "", "Cabinet C", 0, 0),
		// Not consulting: cleaning services.
		rec("1300000005", "2026-05-21", "0218-CSGE-DAJ", "90910000-9", "Nettoyage des locaux", "", f(500000), "", "Propre SA", 0, 0),
	}
	got := Compute(recs, ref)
	if got.NbEJ != 5 || got.NbEJConseil != 4 || got.SansMontant != 1 || got.MontantConseilHT != 190000 {
		t.Fatalf("totals %+v", got)
	}
	if len(got.ParTrimestre) != 2 || got.ParTrimestre[0].Cle != "2026-T1" || got.ParTrimestre[1].MontantHT != 90000 {
		t.Errorf("quarters %+v", got.ParTrimestre)
	}
	if len(got.ParMinistere) != 2 || got.ParMinistere[0].MontantHT != 130000 {
		t.Errorf("ministries %+v", got.ParMinistere)
	}
	if want, _ := ref.MinistryOfProgramme("0129"); got.ParMinistere[0].Cle != want {
		t.Errorf("ministry of P129: %q, want %q", got.ParMinistere[0].Cle, want)
	}
	if got.TJM.N != 3 || got.TJM.Mediane != 1200 || got.TJM.Min != 900 || got.TJM.Max != 1500 || got.Jours.Mediane != 40 {
		t.Errorf("distributions %+v %+v", got.TJM, got.Jours)
	}
	if len(got.Fournisseurs) != 2 || got.Fournisseurs[0].Nom != "Cabinet A" || got.Fournisseurs[0].NbEJ != 2 || got.Fournisseurs[0].MontantHT != 130000 {
		t.Errorf("suppliers %+v", got.Fournisseurs)
	}
	if got.AccordsCadres.NbEJ != 1 || got.AccordsCadres.Part != 0.5263 {
		t.Errorf("accords-cadres %+v", got.AccordsCadres)
	}
	if empty := Compute(nil, ref); empty.NbEJConseil != 0 || empty.AccordsCadres.Part != 0 {
		t.Errorf("empty %+v", empty)
	}
}
