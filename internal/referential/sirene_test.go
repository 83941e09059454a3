package referential

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func readSample(t *testing.T) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "sirene_stock_sample.csv"))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestReadSireneStock(t *testing.T) {
	var got []Etablissement
	st, err := ReadSireneStock(strings.NewReader(string(readSample(t))), func(e Etablissement) error {
		got = append(got, e)
		return nil
	})
	if err != nil {
		t.Fatalf("ReadSireneStock = %v", err)
	}
	if st.Rows != 8 || st.Kept != 5 || st.Rejected != 3 || len(st.Reasons) != 3 {
		t.Fatalf("stats = %+v", st)
	}
	for i, want := range []string{"ligne 7 : SIRET 32359288100060 différent", "ligne 8 : SIRET \"123451\" invalide", "ligne 9 : 5 champs au lieu de 53"} {
		if !strings.HasPrefix(st.Reasons[i], want) {
			t.Errorf("reason %d = %q, want prefix %q", i, st.Reasons[i], want)
		}
	}
	first := got[0]
	if first.SIRET != "32359288100060" || first.SIREN != "323592881" || first.NIC != "00060" || !first.Active ||
		first.Activity != "70.22Z" || first.ActivityNomenclature != "NAFRev2" || first.Sign != "PREMYS" ||
		first.Created != "2008-01-01" || first.PeriodStart != "2019-03-01" || first.PostalCode != "69002" ||
		first.Municipality != "LYON 2EME ARRONDISSEMENT" || first.Line != 2 || !first.ValidSIRET() {
		t.Errorf("first row = %+v", first)
	}
	if got[1].UsualName != "SCP FROMONT BRIENS" || got[1].Sign != "" {
		t.Errorf("row 2 = %+v", got[1])
	}
	if e := got[2]; e.Active || e.State != "F" || e.Sign != "DXC TECHNOLOGY, CONSEIL ET SERVICES" {
		t.Errorf("closed establishment with a quoted comma = %+v", e)
	}
	if e := got[3]; e.Created != "" || e.Sign != `SMACL "ASSURANCES"` || e.ActivityNomenclature != "NAFRev1" {
		t.Errorf("bad date must be absent, quotes kept: %+v", e)
	}
	if e := got[4]; e.SIREN != "356000000" || !e.ValidSIRET() {
		t.Errorf("La Poste = %+v", e)
	}
}

func TestReadSireneStockErrors(t *testing.T) {
	stop := errors.New("stop")
	n := 0
	st, err := ReadSireneStock(strings.NewReader(string(readSample(t))), func(Etablissement) error {
		if n++; n == 2 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || st.Kept != 1 {
		t.Errorf("fn error: %v, %+v", err, st)
	}
	for name, in := range map[string]string{
		"empty":      "",
		"no siret":   "siren,denominationUsuelleEtablissement\n323592881,X\n",
		"bad header": "\"siren,nic\n",
	} {
		if _, err := ReadSireneStock(strings.NewReader(in), func(Etablissement) error { return nil }); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	// siren + nic without siret, columns in another order, CRLF.
	st, err = ReadSireneStock(strings.NewReader("nic,siren,etatAdministratifEtablissement\r\n00060,323592881,A\r\n"), func(e Etablissement) error {
		if e.SIRET != "32359288100060" || !e.Active {
			t.Errorf("built SIRET: %+v", e)
		}
		return nil
	})
	if err != nil || st.Kept != 1 {
		t.Errorf("siren+nic: %v %+v", err, st)
	}
	// A runaway quote or an endless line is one rejected row, not a crash.
	long := "siren,nic,siret\n" + strings.Repeat("9", maxRecordBytes+10) + "\n323592881,00060,32359288100060\n"
	st, err = ReadSireneStock(strings.NewReader(long), func(Etablissement) error { return nil })
	if err != nil || st.Rejected != 1 || st.Kept != 1 {
		t.Errorf("long line: %v %+v", err, st)
	}
	failing := io.MultiReader(strings.NewReader("siren,nic,siret\n323592881,00060,32359288100060\n"), iotestErrReader{})
	if _, err := ReadSireneStock(failing, func(Etablissement) error { return nil }); err == nil || !strings.Contains(err.Error(), "illisible") {
		t.Errorf("reader error: %v", err)
	}
}

type iotestErrReader struct{}

func (iotestErrReader) Read([]byte) (int, error) { return 0, errors.New("disque débranché") }

// sireneGenerator produces a StockEtablissement-like stream of n rows
// without holding it in memory.
type sireneGenerator struct {
	n, i int
	buf  []byte
}

func (g *sireneGenerator) Read(p []byte) (int, error) {
	for len(g.buf) < len(p) && g.i <= g.n {
		if g.i == 0 {
			g.buf = append(g.buf, "siren,nic,siret,dateCreationEtablissement,codePostalEtablissement,libelleCommuneEtablissement,dateDebut,etatAdministratifEtablissement,enseigne1Etablissement,denominationUsuelleEtablissement,activitePrincipaleEtablissement,nomenclatureActivitePrincipaleEtablissement\n"...)
		} else {
			siren := fmt.Sprintf("%09d", 100000000+g.i)
			g.buf = fmt.Appendf(g.buf, "%s,00012,%s00012,2001-02-03,75015,PARIS 15,2020-01-01,A,\"ENSEIGNE %d, SARL\",,70.22Z,NAFRev2\n", siren, siren, g.i)
		}
		g.i++
	}
	if len(g.buf) == 0 {
		return 0, io.EOF
	}
	n := copy(p, g.buf)
	g.buf = g.buf[:copy(g.buf, g.buf[n:])]
	return n, nil
}

func TestReadSireneStockConstantMemory(t *testing.T) {
	rows := 300000
	if testing.Short() {
		rows = 30000
	}
	var peak uint64
	var ms runtime.MemStats
	st, err := ReadSireneStock(&sireneGenerator{n: rows}, func(e Etablissement) error {
		if e.Line%50000 == 0 {
			runtime.GC()
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapInuse)
		}
		return nil
	})
	if err != nil || st.Kept != rows || st.Rejected != 0 {
		t.Fatalf("%v %+v", err, st)
	}
	// ~30 MB of input: the live heap must not grow with it.
	if peak > 16<<20 {
		t.Errorf("heap in use reached %d MB while streaming", peak>>20)
	}
}
