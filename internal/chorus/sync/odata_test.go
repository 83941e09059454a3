package sync

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestParseDate(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string // RFC 3339, "" for an error
	}{
		{"/Date(1767225600000)/", "2026-01-01T00:00:00Z"},
		{"/Date(1767261723456)/", "2026-01-01T10:02:03.456Z"},
		{" /Date(1767225600000)/ ", "2026-01-01T00:00:00Z"},
		{"/Date(1767225600000+0100)/", "2026-01-01T00:00:00Z"}, // the offset does not move the instant
		{"/Date(1767225600000-0230)/", "2026-01-01T00:00:00Z"},
		{"/Date(0)/", "1970-01-01T00:00:00Z"},
		{"/Date(-86400000)/", "1969-12-31T00:00:00Z"},
		{"", ""},
		{"2026-01-01", ""},
		{"/Date()/", ""},
		{"/Date(abc)/", ""},
		{"/Date(1767225600000)", ""},
		{`\/Date(1767225600000)\/`, ""}, // JSON escapes are undone by the decoder, not here
		{"/Date(1234567890123456)/", ""},
		{"datetime'2026-01-01T00:00:00'", ""},
	} {
		got, err := ParseDate(tc.in)
		switch {
		case tc.want == "" && err == nil:
			t.Errorf("ParseDate(%q) = %s, want an error", tc.in, got)
		case tc.want != "" && err != nil:
			t.Errorf("ParseDate(%q): %v", tc.in, err)
		case tc.want != "" && got.Format(time.RFC3339Nano) != tc.want:
			t.Errorf("ParseDate(%q) = %s, want %s", tc.in, got.Format(time.RFC3339Nano), tc.want)
		case err != nil && !strings.Contains(err.Error(), "date OData illisible"):
			t.Errorf("ParseDate(%q): error %q not in French", tc.in, err)
		}
	}
}

func TestFormatDateTime(t *testing.T) {
	paris := time.FixedZone("CET", 3600)
	got := FormatDateTime(time.Date(2026, 1, 1, 1, 30, 0, 0, paris))
	if got != "datetime'2026-01-01T00:30:00'" {
		t.Errorf("got %s", got)
	}
}

func TestParsePage(t *testing.T) {
	for _, tc := range []struct {
		name    string
		in      string
		results int
		next    string
		err     string
	}{
		{"v2 with next", `{"d":{"results":[{"a":1},{"a":2}],"__next":"https://h/x?$skiptoken=2"}}`, 2, "https://h/x?$skiptoken=2", ""},
		{"v2 empty", `{"d":{"results":[]}}`, 0, "", ""},
		{"v1 array", `{"d":[{"a":1}]}`, 1, "", ""},
		{"escaped dates", `{"d":{"results":[{"date_pj":"\/Date(1767225600000)\/"}]}}`, 1, "", ""},
		{"no d", `{"value":[]}`, 0, "", `sans champ "d"`},
		{"d null", `{"d":null}`, 0, "", `sans champ "d"`},
		{"no results", `{"d":{"__count":"3"}}`, 0, "", `sans "d.results"`},
		{"results not a list", `{"d":{"results":{}}}`, 0, "", "réponse OData"},
		{"cut", `{"d":{"results":[{"a":1},{"a"`, 0, "", "réponse JSON invalide"},
		{"html", `<html>Service Unavailable</html>`, 0, "", "réponse JSON invalide"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := parsePage([]byte(tc.in))
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(p.Results) != tc.results || p.Next != tc.next {
				t.Errorf("got %d results, next %q", len(p.Results), p.Next)
			}
		})
	}
}

func TestParseActivity(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Activity
		err  string
	}{
		{`{"alerte":"EJ Création","num_ej":"1300012345","date_reception":"/Date(1767225600000)/","pur_org":"0001","pur_group":"G01"}`,
			Activity{NumEJ: "1300012345", Alerte: "EJ Création", Kind: "creation", ReceivedAt: time.UnixMilli(1767225600000).UTC(), PurOrg: "0001", PurGroup: "G01"}, ""},
		{`{"alerte":"Alerte Modification","num_ej":"13 0001 2345","date_reception":"/Date(1767225600000)/"}`,
			Activity{NumEJ: "1300012345", Alerte: "Alerte Modification", Kind: "modification", ReceivedAt: time.UnixMilli(1767225600000).UTC()}, ""},
		{`{"alerte":"Suppression","num_ej":1300012345,"date_reception":"/Date(1767225600000)/","pur_org":null}`,
			Activity{NumEJ: "1300012345", Alerte: "Suppression", ReceivedAt: time.UnixMilli(1767225600000).UTC()}, ""},
		{`{"num_ej":"12345","date_reception":"/Date(1767225600000)/"}`, Activity{}, "numéro d'EJ invalide"},
		{`{"num_ej":"../../1234","date_reception":"/Date(1767225600000)/"}`, Activity{}, "numéro d'EJ invalide"},
		{`{"num_ej":"1300012345","date_reception":"2026-01-01"}`, Activity{}, "EJ 1300012345 : date_reception"},
		{`{"num_ej":["1300012345"]}`, Activity{}, "illisible"},
	} {
		got, err := parseActivity([]byte(tc.in))
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%s: error %v, want %q", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("%s: got %+v, %v", tc.in, got, err)
		}
	}
}

func TestParseAttachmentMeta(t *testing.T) {
	date := time.UnixMilli(1767225600000).UTC()
	for _, tc := range []struct {
		in   string
		want AttachmentMeta
		err  string
	}{
		{`{"id_pj":"005056A1B2C31EDF","nom_pj":"devis.pdf","num_ej":"1300012345","size_pj":"48213","date_pj":"/Date(1767225600000)/"}`,
			AttachmentMeta{ID: "005056A1B2C31EDF", Name: "devis.pdf", NumEJ: "1300012345", Size: 48213, Date: date}, ""},
		{`{"id_pj":" 42 ","nom_pj":"a.pdf","size_pj":48213}`, AttachmentMeta{ID: "42", Name: "a.pdf", Size: 48213}, ""},
		// Unknown size and date stay unknown.
		{`{"id_pj":"42","nom_pj":"a.pdf","size_pj":"n/a","date_pj":"hier"}`, AttachmentMeta{ID: "42", Name: "a.pdf", Size: -1}, ""},
		{`{"id_pj":"42","size_pj":"-5"}`, AttachmentMeta{ID: "42", Size: -1}, ""},
		{`{"nom_pj":"a.pdf"}`, AttachmentMeta{}, "sans id_pj"},
		{`{"id_pj":"a\nb"}`, AttachmentMeta{}, "id_pj inattendu"},
		{`[]`, AttachmentMeta{}, "illisibles"},
	} {
		got, err := parseAttachmentMeta([]byte(tc.in))
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%s: error %v, want %q", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("%s: got %+v, %v", tc.in, got, err)
		}
	}
}

func TestODataError(t *testing.T) {
	for in, want := range map[string]string{
		`{"error":{"code":"/IWBEP/CM_MGW_RT/020","message":{"lang":"fr","value":"Ressource   introuvable"}}}`: "/IWBEP/CM_MGW_RT/020 : Ressource introuvable",
		`{"error":{"code":"X","message":"texte"}}`:                                                            "X : texte",
		`{"error":{"code":"X"}}`: "X",
		`<html>502</html>`:       "",
	} {
		if got := odataError([]byte(in)); got != want {
			t.Errorf("%s: %q, want %q", in, got, want)
		}
	}
}

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	for in, want := range map[string]time.Duration{
		"":                              0,
		"7":                             7 * time.Second,
		"0":                             0,
		"-3":                            0,
		"soon":                          0,
		"999999":                        86400 * time.Second,
		"Thu, 01 Jan 2026 12:00:30 GMT": 30 * time.Second,
		"Thu, 01 Jan 2026 11:00:00 GMT": 0,
	} {
		h := http.Header{}
		if in != "" {
			h.Set("Retry-After", in)
		}
		if got := retryAfter(h, now); got != want {
			t.Errorf("Retry-After %q: %s, want %s", in, got, want)
		}
	}
}

func TestBackoffGrowsWithJitterAndCap(t *testing.T) {
	c := &Client{cfg: Config{BaseDelay: 100 * time.Millisecond, MaxDelay: time.Second}}
	for attempt, full := range map[int]time.Duration{1: 100 * time.Millisecond, 2: 200 * time.Millisecond, 3: 400 * time.Millisecond, 5: time.Second, 80: time.Second} {
		seen := map[time.Duration]bool{}
		for range 50 {
			d := c.backoff(attempt)
			if d < full/2 || d > full {
				t.Errorf("attempt %d: %s outside [%s, %s]", attempt, d, full/2, full)
			}
			seen[d] = true
		}
		if len(seen) < 2 {
			t.Errorf("attempt %d: no jitter", attempt)
		}
	}
}

func TestSafeName(t *testing.T) {
	long := strings.Repeat("é", 200) + ".pdf"
	for in, want := range map[string]string{
		"devis.pdf":                      "devis.pdf",
		"Devis n°2026-01 (v2).PDF":       "Devis n°2026-01 (v2).PDF",
		"../../etc/passwd":               "etc_passwd",
		`..\..\Windows\system.ini`:       "Windows_system.ini",
		"/abs/path/rib.pdf":              "abs_path_rib.pdf",
		".hidden.pdf":                    "hidden.pdf",
		"rapport..final.pdf":             "rapport.final.pdf",
		"a:b*c?d\"e<f>g|h.txt":           "a_b_c_d_e_f_g_h.txt",
		"ligne1\nligne2\x00.pdf":         "ligne1_ligne2_.pdf",
		"facture\u202Efdp.exe":           "facturefdp.exe",
		"":                               "piece",
		"..":                             "piece",
		" . ":                            "piece",
		"e\u0301te\u0301.pdf":            "été.pdf", // NFD from a Mac becomes NFC
		"bad\xffutf8.pdf":                "bad_utf8.pdf",
		"fin avec point.":                "fin avec point",
		long:                             strings.Repeat("é", 73) + ".pdf",
		strings.Repeat("a", 300) + ".x1": strings.Repeat("a", 147) + ".x1",
	} {
		if got := SafeName(in); got != want {
			t.Errorf("SafeName(%q) = %q, want %q", in, got, want)
		}
	}
}
