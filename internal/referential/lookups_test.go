package referential

import (
	"testing"
	"time"
)

func TestProgrammes(t *testing.T) {
	s := Default()
	cases := []struct {
		in       string
		ministry string
		label    string
	}{
		{"129", "Services du Premier ministre", "Coordination du travail gouvernemental"},
		{"0129", "Services du Premier ministre", "Coordination du travail gouvernemental"},
		{"P129", "Services du Premier ministre", "Coordination du travail gouvernemental"},
		{"P0129", "Services du Premier ministre", "Coordination du travail gouvernemental"},
		{" p 129 ", "Services du Premier ministre", "Coordination du travail gouvernemental"},
		{"0218", "Ministère de l'Économie et des Finances", "Conduite et pilotage des politiques économiques et financières"},
		{"P0176", "Ministère de l'Intérieur", "Police nationale"},
		{"178", "Ministère des Armées", "Préparation et emploi des forces"},
		{"0174", "Ministère de la Transition écologique", "Énergie, climat et après-mines"},
		{"140", "Ministère de l'Éducation nationale", "Enseignement scolaire public du premier degré"},
		{"150", "Ministère de l'Enseignement supérieur et de la Recherche", "Formations supérieures et recherche universitaire"},
		{"P143", "Ministère de l'Agriculture", "Enseignement technique agricole"},
	}
	for _, c := range cases {
		m, ok := s.MinistryOfProgramme(c.in)
		p, okp := s.Programme(c.in)
		if !ok || !okp || m != c.ministry || p.Label != c.label || p.Ministry != m {
			t.Errorf("%q: ministry %q %v, programme %+v %v; want %q / %q", c.in, m, ok, p, okp, c.ministry, c.label)
		}
	}
	for _, bad := range []string{"", "P", "12", "P12", "0012", "99999", "12a", "P-129", "0129-CLIM-SCEE", "999"} {
		if m, ok := s.MinistryOfProgramme(bad); ok {
			t.Errorf("%q: got ministry %q, want none", bad, m)
		}
	}
	progs := s.Programmes()
	for i := 1; i < len(progs); i++ {
		if progs[i-1].Code >= progs[i].Code {
			t.Fatalf("Programmes() not sorted at %s", progs[i].Code)
		}
	}
	for _, p := range progs {
		if p.Mission == "" || p.Ministry == "" || len(p.Code) != 3 {
			t.Errorf("incomplete programme %+v", p)
		}
	}
}

func TestCPV(t *testing.T) {
	s := Default()
	cases := []struct {
		in                    string
		code, label           string
		consulting, inherited bool
	}{
		{"79411000-8", "79411000-8", "Services de conseil en gestion générale", true, false},
		{"79411000", "79411000-8", "Services de conseil en gestion générale", true, false},
		{" 79411000 – 8 ", "79411000-8", "Services de conseil en gestion générale", true, false},
		{"72224000-1", "72224000-1", "", true, false},
		{"79411100-9", "79411100-9", "Services de conseil en développement des entreprises", true, true},
		{"79341000", "79341000-6", "Services de publicité", false, false},
		{"03000000-1", "03000000-1", "", false, false},
		{"45000000", "45000000-7", "Travaux de construction", false, false},
	}
	for _, c := range cases {
		got, ok := s.CPV(c.in)
		if !ok || got.Code != c.code || (c.label != "" && got.Label != c.label) || got.Consulting != c.consulting || got.Inherited != c.inherited {
			t.Errorf("CPV(%q) = %+v %v, want %s %q consulting=%v inherited=%v", c.in, got, ok, c.code, c.label, c.consulting, c.inherited)
		}
	}
	for _, bad := range []string{"", "7941100", "79411000-", "00000000", "99999999", "ABCDEFGH"} {
		if got, ok := s.CPV(bad); ok {
			t.Errorf("CPV(%q) = %+v, want none", bad, got)
		}
	}
	cited := 0
	for _, c := range s.cpv {
		if c.Consulting && !c.Inherited {
			cited++
		}
	}
	if cited != 10 || s.CPVCount() != 9454 {
		t.Errorf("%d cited consulting CPVs of %d codes, want 10 of 9454", cited, s.CPVCount())
	}
}

func TestNAFWeight(t *testing.T) {
	s := Default()
	cases := []struct {
		in   string
		want float64
	}{
		{"70.22Z", 1}, {"7022Z", 1}, {"70.22 z", 1}, {"70.21Z", 1}, {"62.02A", 1}, {"73.20Z", 1},
		{"62.02B", 0.1}, {"69.10Z", 0.5}, {"85.59A", 0.2},
		{"47.11F", 0}, {"", 0}, {"7022", 0}, {"NAFRev2", 0},
	}
	for _, c := range cases {
		if got := s.NAFWeight(c.in); got != c.want {
			t.Errorf("NAFWeight(%q) = %v, want %v", c.in, got, c.want)
		}
	}
	if n, _ := s.NAF("70.21Z"); n.Category != CategoryCommunication {
		t.Errorf("70.21Z category = %q", n.Category)
	}
	codes := s.NAFCodes()
	if codes[0].Weight != 1 || codes[len(codes)-1].Weight >= 1 {
		t.Errorf("NAFCodes not by decreasing weight: %+v", codes)
	}
}

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 12, 0, 0, 0, time.UTC) }

func TestThreshold(t *testing.T) {
	s := Default()
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		paris = time.FixedZone("CEST", 2*3600)
	}
	cases := []struct {
		code   string
		on     time.Time
		amount float64
		ok     bool
	}{
		{"dispense_fs", date(2026, 3, 31), 40000, true},
		{"dispense_fs", time.Date(2026, 3, 31, 23, 59, 59, 0, time.UTC), 40000, true},
		{"dispense_fs", date(2026, 4, 1), 60000, true},
		// 00:30 in Paris on 1 April is still 31 March in UTC: the calendar
		// day of the given time counts.
		{"dispense_fs", time.Date(2026, 4, 1, 0, 30, 0, 0, paris), 60000, true},
		{"dispense_fs", date(2026, 4, 2), 60000, true},
		{"dispense_fs", date(2040, 1, 1), 60000, true},
		{"dispense_fs", date(2020, 1, 1), 40000, true},
		{"dispense_fs", date(2019, 12, 31), 25000, true},
		{"dispense_fs", date(2015, 9, 30), 0, false},
		{"dispense_travaux", date(2026, 4, 1), 100000, true},
		{"ue_etat_fs", date(2025, 12, 31), 143000, true},
		{"ue_etat_fs", date(2026, 1, 1), 140000, true},
		{"ue_autres_fs", date(2026, 6, 1), 216000, true},
		{"ue_travaux", date(2026, 6, 1), 5404000, true},
		{"ue_travaux", date(2022, 6, 1), 5382000, true},
		{"publicite_mapa", date(2026, 6, 1), 90000, true},
		{"ditp_revue_conseil", date(2026, 6, 1), 500000, true},
		{"ditp_revue_conseil", date(2021, 6, 1), 0, false},
		{"inconnu", date(2026, 6, 1), 0, false},
	}
	for _, c := range cases {
		th, ok := s.Threshold(c.code, c.on)
		if ok != c.ok || th.Amount != c.amount {
			t.Errorf("Threshold(%s, %s) = %v %v, want %v %v", c.code, c.on, th.Amount, ok, c.amount, c.ok)
		}
	}
	if th, _ := s.Threshold("ditp_revue_conseil", date(2026, 6, 1)); th.Basis != "TTC" {
		t.Errorf("DITP review basis = %q, want TTC", th.Basis)
	}
	if th, _ := s.Threshold("dispense_fs", date(2026, 6, 1)); th.Basis != "HT" || !th.Until.IsZero() || th.From != time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC) {
		t.Errorf("dispense_fs in force = %+v", th)
	}
}

func TestThresholds(t *testing.T) {
	s := Default()
	codes := func(ts []Threshold) map[string]float64 {
		m := map[string]float64{}
		for i, th := range ts {
			if i > 0 && ts[i-1].Amount > th.Amount {
				t.Errorf("not sorted by amount at %s", th.Code)
			}
			if _, dup := m[th.Code]; dup {
				t.Errorf("%s twice on one date", th.Code)
			}
			m[th.Code] = th.Amount
		}
		return m
	}
	works := codes(s.Thresholds(date(2026, 4, 1), NatureWorks))
	if works["dispense_travaux"] != 100000 || works["ue_travaux"] != 5404000 || works["publicite_mapa"] != 90000 {
		t.Errorf("works thresholds on 2026-04-01: %v", works)
	}
	if _, ok := works["dispense_fs"]; ok {
		t.Errorf("a supplies threshold among works: %v", works)
	}
	fsBefore := codes(s.Thresholds(date(2026, 3, 31), NatureSuppliesServices))
	fsAfter := codes(s.Thresholds(date(2026, 4, 1), NatureSuppliesServices))
	if fsBefore["dispense_fs"] != 40000 || fsAfter["dispense_fs"] != 60000 || fsAfter["ue_etat_fs"] != 140000 {
		t.Errorf("supplies thresholds around 2026-04-01: %v → %v", fsBefore, fsAfter)
	}
	all := s.Thresholds(date(2026, 4, 1), "")
	if len(all) != len(works)+len(fsAfter)-2 /* publicite_mapa, decp_publication counted twice */ {
		t.Errorf("all natures: %d thresholds, works %d + supplies %d", len(all), len(works), len(fsAfter))
	}
	if len(s.ThresholdCodes()) < 10 {
		t.Errorf("ThresholdCodes() = %v", s.ThresholdCodes())
	}
}
