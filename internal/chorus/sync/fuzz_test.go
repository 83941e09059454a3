package sync

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"/Date(1767225600000)/", "/Date(1767225600000+0100)/", "/Date(-1)/", "/Date()/", "2026-01-01"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDate(s)
		if err != nil {
			return
		}
		again, err := ParseDate("/Date(" + strconv.FormatInt(d.UnixMilli(), 10) + ")/")
		if err != nil || !again.Equal(d) {
			t.Fatalf("%q → %s does not round-trip: %s, %v", s, d, again, err)
		}
		if FormatDateTime(d) == "" {
			t.Fatal("empty literal")
		}
	})
}

var tenDigits = regexp.MustCompile(`^\d{10}$`)

// FuzzParsePage feeds any body to the page, activity and metadata parsers.
func FuzzParsePage(f *testing.F) {
	for _, s := range []string{
		`{"d":{"results":[{"alerte":"EJ Création","num_ej":"1300012345","date_reception":"\/Date(1767225600000)\/","pur_org":"0001","pur_group":"G01"}],"__next":"x"}}`,
		`{"d":[{"id_pj":"1","nom_pj":"a.pdf","num_ej":"1300012345","size_pj":"12","date_pj":"/Date(0)/"}]}`,
		`{"d":{"results":[{"num_ej":1300012345,"size_pj":12,"id_pj":7}]}}`,
		`{"error":{"code":"X","message":{"value":"y"}}}`,
		`{"d":null}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		_ = odataError(data)
		p, err := parsePage(data)
		if err != nil {
			return
		}
		for _, r := range p.Results {
			if a, err := parseActivity(r); err == nil {
				if !tenDigits.MatchString(a.NumEJ) || (a.Kind != "" && a.Kind != "creation" && a.Kind != "modification") {
					t.Fatalf("activity %+v from %s", a, r)
				}
			}
			if m, err := parseAttachmentMeta(r); err == nil {
				if m.ID == "" || strings.ContainsAny(m.ID, "\x00\r\n") || m.Size < -1 || (m.NumEJ != "" && !tenDigits.MatchString(m.NumEJ)) {
					t.Fatalf("metadata %+v from %s", m, r)
				}
			}
		}
	})
}

var stateToolName = regexp.MustCompile(`^(\d{10})_\d+_(.+)$`)

// FuzzSafeName checks that no nom_pj escapes the folder, hides itself or
// breaks the <num_ej>_<n>_<nom> pattern.
func FuzzSafeName(f *testing.F) {
	for _, s := range []string{"devis.pdf", "../../etc/passwd", ".bashrc", "a\x00b", strings.Repeat("é", 200) + ".pdf", "..\\..\\x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		s := SafeName(name)
		switch {
		case s == "", !utf8.ValidString(s), strings.ContainsAny(s, "/\\\x00\n\r"), strings.Contains(s, ".."),
			strings.HasPrefix(s, "."), len(s) > maxNameBytes:
			t.Fatalf("SafeName(%q) = %q", name, s)
		}
		full := fileName("1300012345", 3, s)
		if m := stateToolName.FindStringSubmatch(full); m == nil || m[2] != s {
			t.Fatalf("%q does not read back as <num_ej>_<n>_<nom>", full)
		}
		if SafeName(s) != s {
			t.Fatalf("SafeName not idempotent on %q: %q", s, SafeName(s))
		}
	})
}
