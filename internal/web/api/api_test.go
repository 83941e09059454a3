package api_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/depenses-eclairees/depenses/internal/web"
	"github.com/depenses-eclairees/depenses/internal/web/api"
)

var (
	handlerOnce sync.Once
	handler     http.Handler
)

func server(t *testing.T) (*fixture, http.Handler) {
	t.Helper()
	f := sharedFixture(t)
	handlerOnce.Do(func() {
		h, err := web.New(web.Config{Store: f.store, Blobs: f.blobs, Ref: f.ref, SessionKey: bytes.Repeat([]byte("k"), 32),
			RatePerSecond: 1000, Burst: 1000})
		if err != nil {
			t.Fatal(err)
		}
		handler = h
	})
	return f, handler
}

type answer struct {
	code   int
	header http.Header
	body   []byte
}

func (a answer) json(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(a.body, v); err != nil {
		t.Fatalf("%v: %s", err, a.body)
	}
}

func call(t *testing.T, h http.Handler, method, path, key string, body any) answer {
	t.Helper()
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req := httptest.NewRequest(method, path, r)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return answer{rec.Code, rec.Header(), rec.Body.Bytes()}
}

// operations lists one concrete call per operation of the API.
func operations(f *fixture) []struct{ method, path string } {
	return []struct{ method, path string }{
		{"GET", "/api/v1/ej"},
		{"GET", "/api/v1/ej/1300000001"},
		{"GET", "/api/v1/ej/1300000001/documents"},
		{"GET", "/api/v1/ej/1300000001/anomalies"},
		{"POST", "/api/v1/ej/1300000001/corrections"},
		{"GET", "/api/v1/documents/" + f.docs["devis"]},
		{"GET", "/api/v1/documents/" + f.docs["devis"] + "/original"},
		{"GET", "/api/v1/anomalies"},
		{"POST", "/api/v1/anomalies/fractionnement:1300000003:1300000004/revue"},
		{"GET", "/api/v1/export/ej"},
		{"GET", "/api/v1/export/conseil"},
		{"GET", "/api/v1/indicateurs/conseil"},
		{"GET", "/api/v1/admin/usage"},
		{"GET", "/api/v1/admin/audit"},
	}
}

func TestOpenAPIDocument(t *testing.T) {
	f, h := server(t)
	a := call(t, h, "GET", "/api/v1/openapi.json", "", nil)
	if a.code != 200 {
		t.Fatalf("%d %s", a.code, a.body)
	}
	var doc struct {
		OpenAPI string                                `json:"openapi"`
		Servers []struct{ URL string }                `json:"servers"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
		Comps   struct {
			SecuritySchemes map[string]any `json:"securitySchemes"`
		} `json:"components"`
	}
	a.json(t, &doc)
	if doc.OpenAPI != "3.1.0" || len(doc.Servers) != 1 || doc.Servers[0].URL != api.Prefix || len(doc.Comps.SecuritySchemes) != 2 {
		t.Errorf("openapi %q, servers %v, schemes %v", doc.OpenAPI, doc.Servers, doc.Comps.SecuritySchemes)
	}
	var want []string
	for _, o := range operations(f) {
		p := strings.TrimPrefix(o.path, api.Prefix)
		p = strings.ReplaceAll(p, "1300000001", "{num}")
		p = strings.ReplaceAll(p, f.docs["devis"], "{sha256}")
		p = strings.ReplaceAll(p, "fractionnement:1300000003:1300000004", "{cle}")
		want = append(want, strings.ToLower(o.method)+" "+p)
	}
	var got []string
	for p, ops := range doc.Paths {
		for m, raw := range ops {
			got = append(got, m+" "+p)
			var o struct {
				OperationID string                `json:"operationId"`
				Security    []map[string][]string `json:"security"`
				Responses   map[string]any        `json:"responses"`
			}
			if err := json.Unmarshal(raw, &o); err != nil || o.OperationID == "" || len(o.Security) == 0 || o.Responses["401"] == nil {
				t.Errorf("%s %s: %v %+v", m, p, err, o)
			}
		}
	}
	sort.Strings(got)
	sort.Strings(want)
	if !slices.Equal(got, want) {
		t.Errorf("paths\n got %v\nwant %v", got, want)
	}
}

func TestAuthentication(t *testing.T) {
	f, h := server(t)
	for _, o := range operations(f) {
		for _, key := range []string{"", f.keys["expired"], f.keys["revoked"], "dep_abcdefgh_" + strings.Repeat("a", 52), "pas-une-cle"} {
			a := call(t, h, o.method, o.path, key, map[string]any{})
			if a.code != http.StatusUnauthorized || a.header.Get("Content-Type") != "application/problem+json" {
				t.Errorf("%s %s with key %.12q: %d %s", o.method, o.path, key, a.code, a.body)
			}
		}
	}
	a := call(t, h, "GET", "/api/v1/ej", f.keys["revoked"], nil)
	if !strings.Contains(string(a.body), "révoquée") {
		t.Errorf("revoked key: %s", a.body)
	}
	a = call(t, h, "GET", "/api/v1/ej", f.keys["expired"], nil)
	if !strings.Contains(string(a.body), "expirée") {
		t.Errorf("expired key: %s", a.body)
	}
}

func TestScopes(t *testing.T) {
	f, h := server(t)
	cases := []struct {
		key, method, path string
		body              any
		want              int
	}{
		{"a", "POST", "/api/v1/ej/1300000001/corrections", map[string]any{"champ": "designation", "valeur": "x"}, 403},
		{"a", "POST", "/api/v1/anomalies/fractionnement:1300000003:1300000004/revue", map[string]any{"statut": "confirmee"}, 403},
		{"a", "GET", "/api/v1/admin/usage", nil, 403},
		{"a-review", "GET", "/api/v1/admin/audit", nil, 403},
		{"admin", "GET", "/api/v1/admin/usage", nil, 200},
		{"admin", "GET", "/api/v1/ej", nil, 200}, // admin includes read
		{"admin", "POST", "/api/v1/ej/1300000001/corrections", map[string]any{"champ": "designation", "valeur": "x"}, 403},
	}
	for _, c := range cases {
		a := call(t, h, c.method, c.path, f.keys[c.key], c.body)
		if a.code != c.want {
			t.Errorf("%s %s %s: %d %s", c.key, c.method, c.path, a.code, a.body)
		}
		if c.want == 403 && a.header.Get("Content-Type") != "application/problem+json" {
			t.Errorf("403 as %q", a.header.Get("Content-Type"))
		}
	}
}

type ejList struct {
	Total   int    `json:"total"`
	Suivant string `json:"suivant"`
	Items   []struct {
		NumEJ       string   `json:"num_ej"`
		Designation string   `json:"designation"`
		Conseil     bool     `json:"conseil"`
		MontantHT   *float64 `json:"montant_ht"`
		NbAnomalies int      `json:"nb_anomalies"`
	} `json:"items"`
}

func listNums(t *testing.T, h http.Handler, key, query string) ([]string, int) {
	t.Helper()
	var nums []string
	total := -1
	cursor := ""
	for range 100 {
		q := query
		if cursor != "" {
			q += "&curseur=" + url.QueryEscape(cursor)
		}
		a := call(t, h, "GET", "/api/v1/ej?"+q, key, nil)
		if a.code != 200 {
			t.Fatalf("%s: %d %s", q, a.code, a.body)
		}
		var l ejList
		a.json(t, &l)
		if total >= 0 && l.Total != total {
			t.Errorf("total changed between pages: %d, %d", total, l.Total)
		}
		total = l.Total
		for _, it := range l.Items {
			nums = append(nums, it.NumEJ)
		}
		if l.Suivant == "" {
			return nums, total
		}
		cursor = l.Suivant
	}
	t.Fatal("pagination sans fin")
	return nil, 0
}

func TestListAndSearch(t *testing.T) {
	f, h := server(t)
	all := append(slices.Clone(numsA), numsB...)
	slices.Sort(all)
	cases := []struct {
		key, query string
		want       []string
	}{
		{"all", "limite=1", all},
		{"all", "limite=2&tri=-montant", []string{"1300000004", "1300000003", "1300000002", "1300000001"}},
		{"all", "tri=date", []string{"1300000001", "1300000002", "1300000003", "1300000004"}},
		{"all", "q=farine", []string{"1300000002"}},
		{"all", "q=130000000", all},
		{"all", "siren=732829320", []string{"1300000003"}},
		{"all", "montant_min=2000&montant_max=50000", []string{"1300000002", "1300000003"}},
		{"all", "date_debut=2026-03-03&date_fin=2026-12-31", []string{"1300000003", "1300000004"}},
		{"all", "anomalie=oui", []string{"1300000003", "1300000004"}},
		{"all", "centre_financier=0178-CSGE-DAJ", numsB},
		{"all", "programme=0129&groupe_marchandises=33.01.04", numsA},
		{"a", "limite=1", numsA},
		{"a", "q=farine", nil},
		{"a", "q=1300000002", nil},
		{"a", "anomalie=oui", []string{"1300000003"}},
		{"b", "", numsB},
		{"b", "q=karate", nil}, // the RIB is A's only
	}
	for _, c := range cases {
		got, total := listNums(t, h, f.keys[c.key], c.query)
		if !slices.Equal(got, c.want) || total != len(c.want) {
			t.Errorf("%s %q: %v (total %d), want %v", c.key, c.query, got, total, c.want)
		}
	}
	for _, bad := range []string{"tri=fournisseur", "montant_min=abc", "conseil=peut-etre", "curseur=xyz", "limite=501", "date_debut=hier"} {
		a := call(t, h, "GET", "/api/v1/ej?"+bad, f.keys["all"], nil)
		if a.code < 400 || a.code >= 500 || a.header.Get("Content-Type") != "application/problem+json" {
			t.Errorf("%s: %d %s", bad, a.code, a.body)
		}
	}
}

// TestPerimeterEverywhere calls every read operation with A's key and
// checks that nothing of B's shows: no EJ number of B in any body, 404
// for B's EJ and B-only documents.
func TestPerimeterEverywhere(t *testing.T) {
	f, h := server(t)
	keyA := f.keys["a"]
	forbidden := append(slices.Clone(numsB), f.docs["facture"], "AU BON MOULIN", "BETA CONSEIL")
	for _, path := range []string{
		"/api/v1/ej", "/api/v1/ej?limite=500&tri=revue", "/api/v1/ej?q=conseil",
		"/api/v1/ej/1300000001", "/api/v1/ej/1300000003", "/api/v1/ej/1300000001/documents", "/api/v1/ej/1300000003/anomalies",
		"/api/v1/documents/" + f.docs["devis"], "/api/v1/anomalies", "/api/v1/anomalies?limite=1",
		"/api/v1/export/ej", "/api/v1/export/ej?format=csv", "/api/v1/export/conseil", "/api/v1/export/conseil?format=jsonl",
		"/api/v1/indicateurs/conseil",
	} {
		a := call(t, h, "GET", path, keyA, nil)
		if a.code != 200 {
			t.Errorf("%s: %d %s", path, a.code, a.body)
			continue
		}
		for _, s := range forbidden {
			if bytes.Contains(a.body, []byte(s)) {
				t.Errorf("%s shows %q to perimeter A:\n%s", path, s, a.body)
			}
		}
	}
	for _, path := range []string{
		"/api/v1/ej/1300000002", "/api/v1/ej/1300000004", "/api/v1/ej/1300000002/documents", "/api/v1/ej/1300000004/anomalies",
		"/api/v1/documents/" + f.docs["facture"], "/api/v1/documents/" + f.docs["facture"] + "/original",
		"/api/v1/ej/1399999999",
	} {
		if a := call(t, h, "GET", path, keyA, nil); a.code != 404 {
			t.Errorf("%s: %d, want 404", path, a.code)
		}
	}
	for _, c := range []struct {
		path string
		body any
	}{
		{"/api/v1/ej/1300000002/corrections", map[string]any{"champ": "designation", "valeur": "Achat de pain"}},
		{"/api/v1/anomalies/tjm_eleve:1300000004:/revue", map[string]any{"statut": "confirmee"}},
	} {
		if a := call(t, h, "POST", c.path, f.keys["a-review"], c.body); a.code != 404 {
			t.Errorf("POST %s out of perimeter: %d %s", c.path, a.code, a.body)
		}
	}
	// B sees its own, and the devis shared with A lists only B's EJ.
	a := call(t, h, "GET", "/api/v1/documents/"+f.docs["devis"], f.keys["b"], nil)
	var d struct{ EJ []string }
	a.json(t, &d)
	if a.code != 200 || !slices.Equal(d.EJ, []string{"1300000002"}) {
		t.Errorf("shared devis for B: %d %v", a.code, d.EJ)
	}
	// The group anomaly is A's, seen from B's EJ without A's number.
	a = call(t, h, "GET", "/api/v1/ej/1300000004/anomalies", f.keys["b"], nil)
	if a.code != 200 || bytes.Contains(a.body, []byte("1300000003")) || !bytes.Contains(a.body, []byte("fractionnement")) {
		t.Errorf("B's view of the group anomaly: %d %s", a.code, a.body)
	}
}

func TestEJDetailAndRedaction(t *testing.T) {
	f, h := server(t)
	type detail struct {
		NumEJ  string `json:"num_ej"`
		Chorus struct {
			OrganisationAchat string `json:"organisation_achat"`
		} `json:"chorus"`
		Enrichi *struct {
			Prestataire struct {
				SIRET     string `json:"siret"`
				Identifie bool   `json:"identifie"`
			} `json:"prestataire"`
			Documents []struct {
				SHA256 string         `json:"sha256"`
				Fields map[string]any `json:"fields"`
			} `json:"documents"`
			Anomalies []struct {
				Code     string   `json:"code"`
				AutresEJ []string `json:"autres_ej"`
			} `json:"anomalies"`
		} `json:"enrichi"`
	}
	ribFields := func(key string) map[string]any {
		var d detail
		a := call(t, h, "GET", "/api/v1/ej/1300000001", f.keys[key], nil)
		if a.code != 200 {
			t.Fatalf("%d %s", a.code, a.body)
		}
		a.json(t, &d)
		if d.NumEJ != "1300000001" || d.Chorus.OrganisationAchat != "OA-A" || d.Enrichi == nil || d.Enrichi.Prestataire.SIRET != "79049427200020" {
			t.Errorf("%+v", d)
		}
		for _, doc := range d.Enrichi.Documents {
			if doc.SHA256 == f.docs["rib"] {
				return doc.Fields
			}
		}
		t.Fatal("no RIB in the record")
		return nil
	}
	if fields := ribFields("a-review"); fields["iban"] == nil {
		t.Fatalf("the RIB's IBAN was not extracted, nothing to redact: %v", fields)
	}
	if fields := ribFields("a"); fields["iban"] != nil || fields["bic"] != nil {
		t.Errorf("read scope sees bank details: %v", fields)
	}
	for _, c := range []struct {
		key  string
		want int
	}{{"a", 403}, {"a-review", 200}} {
		a := call(t, h, "GET", "/api/v1/documents/"+f.docs["rib"]+"/original", f.keys[c.key], nil)
		if a.code != c.want {
			t.Errorf("RIB original with %s: %d", c.key, a.code)
		}
	}
	a := call(t, h, "GET", "/api/v1/ej/1300000001/documents", f.keys["a"], nil)
	if a.code != 200 || bytes.Contains(a.body, []byte(`"iban"`)) || !bytes.Contains(a.body, []byte(f.docs["rib"])) {
		t.Errorf("documents for read scope: %d %s", a.code, a.body)
	}
	// The group anomaly on A's EJ, seen by A: B's EJ cut out.
	var d detail
	call(t, h, "GET", "/api/v1/ej/1300000003", f.keys["a"], nil).json(t, &d)
	if len(d.Enrichi.Anomalies) != 1 || len(d.Enrichi.Anomalies[0].AutresEJ) != 0 {
		t.Errorf("anomalies %+v", d.Enrichi.Anomalies)
	}
	call(t, h, "GET", "/api/v1/ej/1300000003", f.keys["all"], nil).json(t, &d)
	if len(d.Enrichi.Anomalies) != 1 || !slices.Equal(d.Enrichi.Anomalies[0].AutresEJ, []string{"1300000004"}) {
		t.Errorf("anomalies for all %+v", d.Enrichi.Anomalies)
	}
}

func TestDocuments(t *testing.T) {
	f, h := server(t)
	a := call(t, h, "GET", "/api/v1/documents/"+f.docs["devis"], f.keys["a"], nil)
	var d struct {
		SHA256       string         `json:"sha256"`
		Statut       string         `json:"statut"`
		DocumentType string         `json:"document_type"`
		MediaType    string         `json:"media_type"`
		Pages        int            `json:"pages"`
		Fields       map[string]any `json:"fields"`
		Texte        *string        `json:"texte"`
		EJ           []string       `json:"ej"`
	}
	a.json(t, &d)
	if a.code != 200 || d.Statut != "traite" || d.DocumentType != "devis" || d.MediaType != "application/pdf" || d.Pages < 1 ||
		len(d.Fields) == 0 || d.Texte == nil || *d.Texte != f.devisText || !slices.Equal(d.EJ, []string{"1300000001"}) {
		t.Errorf("%d %+v", a.code, d)
	}
	a = call(t, h, "GET", "/api/v1/documents/"+f.docs["devis"]+"/original", f.keys["a"], nil)
	sum := sha256.Sum256(a.body)
	if a.code != 200 || hex.EncodeToString(sum[:]) != f.docs["devis"] || a.header.Get("Content-Type") != "application/pdf" ||
		!strings.Contains(a.header.Get("Content-Disposition"), "attachment") {
		t.Errorf("original: %d %v", a.code, a.header)
	}
	// Both openings are in the audit log, with who opened.
	var log []struct {
		Acteur, Action, Sujet string
	}
	call(t, h, "GET", "/api/v1/admin/audit?sujet=doc:"+f.docs["devis"], f.keys["admin"], nil).json(t, &log)
	n := 0
	for _, e := range log {
		if e.Action == "ouverture_document" && e.Acteur == "key:"+f.keyIDs["a"] {
			n++
		}
	}
	if n < 2 {
		t.Errorf("audit: %+v", log)
	}
	if a := call(t, h, "GET", "/api/v1/documents/"+strings.Repeat("0", 64), f.keys["all"], nil); a.code != 404 {
		t.Errorf("unknown document: %d", a.code)
	}
	if a := call(t, h, "GET", "/api/v1/documents/pas-un-sha", f.keys["all"], nil); a.code != 422 {
		t.Errorf("malformed sha: %d", a.code)
	}
}

func TestCorrections(t *testing.T) {
	f, h := server(t)
	key := f.keys["a-review"]
	cases := []struct {
		body map[string]any
		want int
	}{
		{map[string]any{"champ": "designation", "valeur": "Cours de karaté pour les agents", "commentaire": "lu sur le devis"}, 200},
		{map[string]any{"champ": "prestataire.siret", "valeur": "79049427200021"}, 422}, // bad check digit
		{map[string]any{"champ": "prestataire.siret", "valeur": "79049427200020"}, 200},
		{map[string]any{"champ": "couleur", "valeur": "bleu"}, 422},
		{map[string]any{"champ": "designation", "valeur": 12}, 422},
		{map[string]any{"champ": "montant_ht", "valeur": 1250.5, "document": f.docs["devis"]}, 200},
		{map[string]any{"champ": "montant_ht", "valeur": 1, "document": f.docs["facture"]}, 404}, // not this EJ's
		{map[string]any{"champ": "Montant HT", "valeur": 1, "document": f.docs["devis"]}, 422},
	}
	for _, c := range cases {
		a := call(t, h, "POST", "/api/v1/ej/1300000001/corrections", key, c.body)
		if a.code != c.want {
			t.Errorf("%v: %d %s", c.body, a.code, a.body)
		}
	}
	var d struct {
		Enrichi struct {
			Designation struct {
				Value   string `json:"value"`
				Sources []struct {
					Document string `json:"document"`
				} `json:"sources"`
			} `json:"designation"`
		} `json:"enrichi"`
	}
	call(t, h, "GET", "/api/v1/ej/1300000001", f.keys["a"], nil).json(t, &d)
	if d.Enrichi.Designation.Value != "Cours de karaté pour les agents" || d.Enrichi.Designation.Sources[0].Document != "revue" {
		t.Errorf("designation after correction: %+v", d.Enrichi.Designation)
	}
	// The index follows: the new words are searchable.
	if got, _ := listNums(t, h, f.keys["a"], "q=karate"); !slices.Equal(got, []string{"1300000001"}) {
		t.Errorf("search after correction: %v", got)
	}
	var doc struct {
		ValeursRevues map[string]any `json:"valeurs_revues"`
	}
	call(t, h, "GET", "/api/v1/documents/"+f.docs["devis"], f.keys["a"], nil).json(t, &doc)
	if doc.ValeursRevues["montant_ht"] != 1250.5 {
		t.Errorf("document reviews %v", doc.ValeursRevues)
	}
	var log []struct{ Acteur, Action, Sujet, Detail string }
	call(t, h, "GET", "/api/v1/admin/audit?sujet=ej:1300000001", f.keys["admin"], nil).json(t, &log)
	if len(log) != 2 || log[0].Action != "correction_champ" || log[0].Acteur != "key:"+f.keyIDs["a-review"] || !strings.Contains(log[1].Detail, "karaté") {
		t.Errorf("audit %+v", log)
	}
}

func TestAnomalies(t *testing.T) {
	f, h := server(t)
	type list struct {
		Total   int    `json:"total"`
		Suivant string `json:"suivant"`
		Items   []struct {
			Cle         string   `json:"cle"`
			Code        string   `json:"code"`
			NumEJ       string   `json:"num_ej"`
			AutresEJ    []string `json:"autres_ej"`
			Explication string   `json:"explication"`
			Statut      string   `json:"statut"`
			Preuves     []struct {
				NumEJ string `json:"num_ej"`
			} `json:"preuves"`
		} `json:"items"`
	}
	var all list
	call(t, h, "GET", "/api/v1/anomalies?limite=1", f.keys["all"], nil).json(t, &all)
	if all.Total != 2 || len(all.Items) != 1 || all.Suivant == "" {
		t.Fatalf("%+v", all)
	}
	var next list
	call(t, h, "GET", "/api/v1/anomalies?limite=1&curseur="+all.Suivant, f.keys["all"], nil).json(t, &next)
	if len(next.Items) != 1 || next.Suivant != "" || next.Items[0].Cle == all.Items[0].Cle {
		t.Errorf("second page %+v", next)
	}
	var a list
	call(t, h, "GET", "/api/v1/anomalies", f.keys["a"], nil).json(t, &a)
	if a.Total != 1 || a.Items[0].Code != "fractionnement" || len(a.Items[0].AutresEJ) != 0 || len(a.Items[0].Preuves) != 1 ||
		!strings.Contains(a.Items[0].Explication, "hors périmètre") {
		t.Errorf("A's anomalies %+v", a)
	}
	// Review by A's reviewer; then the filter and the EJ's review status follow.
	key := "fractionnement:1300000003:1300000004"
	r := call(t, h, "POST", "/api/v1/anomalies/"+url.PathEscape(key)+"/revue", f.keys["a-review"], map[string]any{"statut": "faux_positif", "commentaire": "objets distincts"})
	if r.code != 200 {
		t.Fatalf("%d %s", r.code, r.body)
	}
	if r := call(t, h, "POST", "/api/v1/anomalies/"+url.PathEscape(key)+"/revue", f.keys["a-review"], map[string]any{"statut": "peut-etre"}); r.code != 422 {
		t.Errorf("unknown status: %d", r.code)
	}
	var fp list
	call(t, h, "GET", "/api/v1/anomalies?statut=faux_positif", f.keys["all"], nil).json(t, &fp)
	if fp.Total != 1 || fp.Items[0].Cle != key {
		t.Errorf("filter by status %+v", fp)
	}
	if got, _ := listNums(t, h, f.keys["all"], "statut_revue=revue"); !slices.Equal(got, []string{"1300000003"}) {
		t.Errorf("EJ reviewed: %v", got)
	}
	var log []struct{ Action, Acteur string }
	call(t, h, "GET", "/api/v1/admin/audit?sujet=anomalie:"+url.QueryEscape(key), f.keys["admin"], nil).json(t, &log)
	if len(log) != 1 || log[0].Action != "revue_anomalie" {
		t.Errorf("audit %+v", log)
	}
	if r := call(t, h, "POST", "/api/v1/anomalies/inconnue/revue", f.keys["a-review"], map[string]any{"statut": "confirmee"}); r.code != 404 {
		t.Errorf("unknown key: %d", r.code)
	}
}

func TestExports(t *testing.T) {
	f, h := server(t)
	for _, c := range []struct {
		key  string
		want []string
	}{{"all", append(slices.Clone(numsA), numsB...)}, {"a", numsA}, {"b", numsB}} {
		a := call(t, h, "GET", "/api/v1/export/ej", f.keys[c.key], nil)
		if a.code != 200 || a.header.Get("Content-Type") != "application/jsonl" {
			t.Fatalf("%d %v", a.code, a.header)
		}
		var got []string
		for _, line := range strings.Split(strings.TrimSpace(string(a.body)), "\n") {
			var e struct {
				NumEJ string `json:"num_ej"`
			}
			if err := json.Unmarshal([]byte(line), &e); err != nil {
				t.Fatal(err)
			}
			got = append(got, e.NumEJ)
		}
		want := slices.Sorted(slices.Values(c.want))
		if !slices.Equal(got, want) {
			t.Errorf("jsonl for %s: %v", c.key, got)
		}
		a = call(t, h, "GET", "/api/v1/export/ej?format=csv", f.keys[c.key], nil)
		rows, err := csv.NewReader(bytes.NewReader(a.body)).ReadAll()
		if err == nil {
			r := csv.NewReader(bytes.NewReader(a.body))
			r.Comma = ';'
			rows, err = r.ReadAll()
		}
		if err != nil || len(rows) != len(want)+1 || rows[0][0] != "num_ej" {
			t.Errorf("csv for %s: %v %d rows", c.key, err, len(rows))
		}
	}
	// The filters of the search apply to the export.
	a := call(t, h, "GET", "/api/v1/export/ej?q=farine", f.keys["all"], nil)
	if strings.Count(string(a.body), "\n") != 1 || !strings.Contains(string(a.body), "1300000002") {
		t.Errorf("filtered export: %s", a.body)
	}
	// Open data: consulting EJ only, with the bill's columns.
	a = call(t, h, "GET", "/api/v1/export/conseil", f.keys["all"], nil)
	rows, err := csv.NewReader(bytes.NewReader(a.body)).ReadAll()
	if err != nil || a.code != 200 || !slices.Equal(rows[0], api.OpenDataColumns) {
		t.Fatalf("%v %d %v", err, a.code, rows)
	}
	var conseil []string
	for _, r := range rows[1:] {
		conseil = append(conseil, r[0])
	}
	var indexed []string
	got, _ := listNums(t, h, f.keys["all"], "conseil=oui")
	indexed = append(indexed, got...)
	if len(conseil) == 0 || !slices.Equal(conseil, indexed) {
		t.Errorf("open data rows %v, consulting EJ %v", conseil, indexed)
	}
	for _, r := range rows[1:] {
		if r[0] == "1300000003" && (r[slices.Index(api.OpenDataColumns, "prestataire_siret")] != "73282932000074" || r[slices.Index(api.OpenDataColumns, "montant_ht")] != "45000.00") {
			t.Errorf("row %v", r)
		}
	}
}

func TestIndicators(t *testing.T) {
	f, h := server(t)
	for _, c := range []struct {
		key string
		n   int
	}{{"all", 4}, {"a", 2}, {"b", 2}} {
		var ind struct {
			NbEJ        int `json:"nb_ej"`
			NbEJConseil int `json:"nb_ej_conseil"`
		}
		a := call(t, h, "GET", "/api/v1/indicateurs/conseil", f.keys[c.key], nil)
		a.json(t, &ind)
		if a.code != 200 || ind.NbEJ != c.n {
			t.Errorf("%s: %d %+v", c.key, a.code, ind)
		}
	}
}

func TestUsage(t *testing.T) {
	f, h := server(t)
	key := f.keys["b-review"]
	for range 3 {
		call(t, h, "GET", "/api/v1/ej", key, nil)
	}
	call(t, h, "GET", "/api/v1/ej/1300000002", key, nil)
	var rep struct {
		Actives int `json:"reutilisations_actives"`
		Cles    []struct {
			ID                  string  `json:"id"`
			Organisation        string  `json:"organisation"`
			Appels              int     `json:"appels"`
			Active              bool    `json:"active"`
			DerniereUtilisation *string `json:"derniere_utilisation"`
		} `json:"cles"`
		Appels []struct {
			Cle, Endpoint, Jour string
			Appels              int
		} `json:"appels"`
	}
	a := call(t, h, "GET", "/api/v1/admin/usage", f.keys["admin"], nil)
	a.json(t, &rep)
	perEndpoint := map[string]int{}
	for _, u := range rep.Appels {
		if u.Cle == f.keyIDs["b-review"] {
			perEndpoint[u.Endpoint] += u.Appels
		}
	}
	if perEndpoint["GET /ej"] != 3 || perEndpoint["GET /ej/{num}"] != 1 {
		t.Errorf("calls of b-review: %v", perEndpoint)
	}
	found := false
	for _, k := range rep.Cles {
		if k.ID == f.keyIDs["b-review"] {
			found = true
			if k.Appels != 4 || !k.Active || k.DerniereUtilisation == nil || k.Organisation != "Réutilisateur b-review" {
				t.Errorf("%+v", k)
			}
		}
		if k.ID == f.keyIDs["revoked"] && k.Active {
			t.Error("revoked key active")
		}
	}
	if !found || rep.Actives < 1 {
		t.Errorf("report %+v", rep)
	}
}

func TestRateLimit(t *testing.T) {
	f := sharedFixture(t)
	h, err := web.New(web.Config{Store: f.store, Blobs: f.blobs, Ref: f.ref, SessionKey: bytes.Repeat([]byte("k"), 32), RatePerSecond: 0.5, Burst: 2})
	if err != nil {
		t.Fatal(err)
	}
	key := f.keys["limited"]
	for i := range 2 {
		if a := call(t, h, "GET", "/api/v1/ej", key, nil); a.code != 200 {
			t.Fatalf("call %d: %d", i, a.code)
		}
	}
	a := call(t, h, "GET", "/api/v1/ej", key, nil)
	if a.code != http.StatusTooManyRequests || a.header.Get("Retry-After") != "2" || a.header.Get("Content-Type") != "application/problem+json" {
		t.Errorf("third call: %d %v %s", a.code, a.header, a.body)
	}
	if a := call(t, h, "GET", "/api/v1/ej", f.keys["all"], nil); a.code != 200 {
		t.Errorf("another key is not limited by this one: %d", a.code)
	}
}

func TestHealthAndHeaders(t *testing.T) {
	_, h := server(t)
	for _, p := range []string{"/healthz", "/readyz"} {
		a := call(t, h, "GET", p, "", nil)
		if a.code != 200 {
			t.Errorf("%s: %d", p, a.code)
		}
		if !strings.Contains(a.header.Get("Content-Security-Policy"), "frame-ancestors 'none'") || a.header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s headers %v", p, a.header)
		}
	}
	if a := call(t, h, "GET", "/", "", nil); a.code != 404 {
		t.Errorf("no UI: %d", a.code)
	}
}
