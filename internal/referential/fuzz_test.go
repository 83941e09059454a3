package referential

import (
	"bytes"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

func addSeedFiles(f *testing.F, names ...string) {
	for _, n := range names {
		data, err := os.ReadFile(filepath.Join("testdata", n))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
}

func FuzzImportODA(f *testing.F) {
	addSeedFiles(f, "oda_gm_cp1252.csv", "oda_gm_utf8.csv")
	f.Add([]byte("Groupe de marchandises (P) - Clé;GdM_Libellé\n33.01.04;\"Conseil\n\";x\n\"33.02.01\";Maintenance\n"))
	s := Default()
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := s.ImportODA(bytes.NewReader(data))
		if err != nil {
			if res.GM != nil {
				t.Fatalf("GM returned with an error")
			}
			return
		}
		if res.Skipped > res.Rows || res.Conflicts > res.Rows || len(res.Reasons) > maxReasons {
			t.Fatalf("inconsistent counts %+v", res)
		}
		if !sort.SliceIsSorted(res.GM, func(i, j int) bool { return res.GM[i].Code < res.GM[j].Code }) {
			t.Fatalf("GM not sorted")
		}
		for i, g := range res.GM {
			if c, ok := NormalizeGM(g.Code); !ok || c != g.Code {
				t.Fatalf("code %q not normalised", g.Code)
			}
			if i > 0 && res.GM[i-1].Code == g.Code {
				t.Fatalf("duplicate %s", g.Code)
			}
			if g.Category != "" && g.Consulting != ConsultingYes {
				t.Fatalf("category without consulting: %+v", g)
			}
			if (g.Label == "") != (g.Consulting == ConsultingUnknown) {
				t.Fatalf("tag without label or label without tag: %+v", g)
			}
		}
		// What was imported must be writable and load back as an override.
		var buf bytes.Buffer
		if err := WriteGroupesMarchandises(&buf, res.GM); err != nil {
			t.Fatal(err)
		}
		set := &Set{categories: s.categories, keywords: s.keywords}
		if err := set.parseGM(&table{file: FileGM}, buf.Bytes()); err != nil {
			t.Fatalf("written file does not parse: %v\n%q", err, buf.String())
		}
		if len(set.gm) != len(res.GM) {
			t.Fatalf("%d GM written, %d read back", len(res.GM), len(set.gm))
		}
		for _, g := range res.GM {
			back := set.gm[g.Code]
			if back.Label != strings.TrimSpace(g.Label) || back.Consulting != g.Consulting {
				t.Fatalf("round trip %+v → %+v", g, back)
			}
		}
	})
}

func FuzzReadSireneStock(f *testing.F) {
	addSeedFiles(f, "sirene_stock_sample.csv")
	f.Add([]byte("nic,siren\n00060,323592881\n\"00060\",\"323592881\"\n"))
	f.Add([]byte("siret\n\"1234\n5678901234\"\n32359288100060\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		st, err := ReadSireneStock(bytes.NewReader(data), func(e Etablissement) error {
			if len(e.SIRET) != 14 || !digitsOnly(e.SIRET) || e.SIREN+e.NIC != e.SIRET {
				t.Fatalf("kept a bad identifier: %+v", e)
			}
			if e.Active != (e.State == "A") {
				t.Fatalf("Active does not follow State: %+v", e)
			}
			return nil
		})
		if err != nil {
			return
		}
		if st.Rows != st.Kept+st.Rejected || len(st.Reasons) > maxReasons || len(st.Reasons) > st.Rejected {
			t.Fatalf("inconsistent stats %+v", st)
		}
	})
}
