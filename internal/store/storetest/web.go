package storetest

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/depenses-eclairees/depenses/internal/store"
)

// RunWeb runs the suite of store.Web; open returns an empty store and
// closes it at the end of the test (t.Cleanup).
func RunWeb(t *testing.T, open func(t *testing.T) store.Web) {
	tests := []struct {
		name string
		fn   func(*testing.T, store.Web)
	}{
		{"SearchPagingEverySort", testSearchPaging},
		{"Perimeter", testPerimeter},
		{"Filters", testFilters},
		{"TextSearch", testTextSearch},
		{"Reindex", testReindex},
		{"BadQueries", testBadQueries},
		{"Users", testUsers},
		{"APIKeys", testAPIKeys},
		{"Usage", testUsage},
		{"Audit", testAudit},
		{"DocumentText", testDocumentText},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.fn(t, open(t))
		})
	}
}

const (
	ministryA = "Ministère de l'Intérieur"
	ministryB = "Ministère des Armées"
)

// webSample is 130 EJ: even ones in perimeter A (organisation OA-A,
// ministry A), odd ones in B (organisation OA-B, group GA-B, ministry B).
// Amounts repeat and some are absent, dates too, so every order has ties
// and missing keys to page through.
func webSample() []store.EJIndex {
	suppliers := []struct{ name, siren string }{
		{"Cabinet Éclairé Conseil", "732829320"},
		{"Boulangerie du Moulin", "552081317"},
		{"Société Générale d'Études", "443061841"},
	}
	var out []store.EJIndex
	for i := range 130 {
		r := store.EJIndex{
			NumEJ:              fmt.Sprintf("13%08d", 1000+i*7%130),
			Designation:        []string{"Accompagnement à la refonte du portail", "Achat de farine", "Audit de sécurité informatique"}[i%3],
			DesignationClaire:  i%4 != 0,
			FournisseurNom:     suppliers[i%3].name,
			FournisseurSIREN:   suppliers[i%3].siren,
			PrestataireIdentif: i%5 != 0,
			Programme:          []string{"0129", "0178", "0218"}[i%3],
			CentreFinancier:    []string{"0129-CDBU-DSAF", "0178-CSGE-DAJ", "0218-CSGE-DAJ"}[i%3],
			GroupeMarchandises: []string{"33.01.04", "05.01.01"}[i%2],
			Conseil:            i%3 != 1,
			NbDocuments:        i % 4,
			MinConfidence:      float64(i%10) / 10,
		}
		if i%2 == 0 {
			r.Ministere, r.OrganisationAchat, r.Administration = ministryA, "OA-A", ministryA+" > DGPN"
		} else {
			r.Ministere, r.OrganisationAchat, r.GroupeAcheteurs, r.Administration = ministryB, "OA-B", "GA-B", ministryB
		}
		if i%9 != 0 {
			v := float64((i*37)%23) * 1000.5
			r.MontantHT = &v
		}
		if i%11 != 0 {
			r.Date = fmt.Sprintf("2026-%02d-%02d", 1+i%12, 1+i%5)
		}
		if i%6 == 0 {
			r.NbAnomalies, r.ReviewStatus = 1, store.AnomalyToCheck
		} else if i%6 == 3 {
			r.NbAnomalies, r.ReviewStatus = 2, "revue"
		}
		out = append(out, r)
	}
	return out
}

func indexSample(t *testing.T, s store.Web) []store.EJIndex {
	t.Helper()
	rows := webSample()
	// In two calls, to check that a second IndexEJ adds to the first.
	if err := s.IndexEJ(context.Background(), rows[:50]); err != nil {
		t.Fatal(err)
	}
	if err := s.IndexEJ(context.Background(), rows[50:]); err != nil {
		t.Fatal(err)
	}
	return rows
}

// all pages through a query and returns the EJ numbers in order,
// checking Total on every page.
func all(t *testing.T, s store.Web, p store.Perimeter, q store.EJQuery) []string {
	t.Helper()
	var got []string
	for pages := 0; ; pages++ {
		if pages > 1000 {
			t.Fatal("pagination sans fin")
		}
		page, err := s.SearchEJ(context.Background(), p, q)
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range page.Items {
			got = append(got, it.NumEJ)
		}
		if page.Next == "" {
			if page.Total != len(got) {
				t.Errorf("Total %d, %d EJ listed", page.Total, len(got))
			}
			return got
		}
		if len(page.Items) != q.Limit && q.Limit > 0 {
			t.Errorf("page of %d items with a next page, limit %d", len(page.Items), q.Limit)
		}
		q.Cursor = page.Next
	}
}

// expectedOrder sorts rows as the store must.
func expectedOrder(rows []store.EJIndex, sort string) []string {
	key := func(r store.EJIndex) (float64, string) {
		switch sort {
		case "montant":
			if r.MontantHT == nil {
				return math.Inf(1), ""
			}
			return *r.MontantHT, ""
		case "-montant":
			if r.MontantHT == nil {
				return math.Inf(1), ""
			}
			return -*r.MontantHT, ""
		case "revue":
			if r.MontantHT == nil {
				return 0, ""
			}
			return -(1 - r.MinConfidence) * *r.MontantHT, ""
		case "date":
			if r.Date == "" {
				return 0, "~"
			}
			return 0, r.Date
		case "-date":
			return 0, r.Date
		}
		return 0, ""
	}
	rows = slices.Clone(rows)
	slices.SortStableFunc(rows, func(a, b store.EJIndex) int {
		fa, sa := key(a)
		fb, sb := key(b)
		c := 0
		switch {
		case fa < fb:
			c = -1
		case fa > fb:
			c = 1
		default:
			c = strings.Compare(sa, sb)
			if sort == "-date" {
				c = -c
			}
		}
		if c != 0 {
			return c
		}
		return strings.Compare(a.NumEJ, b.NumEJ)
	})
	var out []string
	for _, r := range rows {
		out = append(out, r.NumEJ)
	}
	return out
}

func keep(rows []store.EJIndex, ok func(store.EJIndex) bool) []store.EJIndex {
	var out []store.EJIndex
	for _, r := range rows {
		if ok(r) {
			out = append(out, r)
		}
	}
	return out
}

func inA(r store.EJIndex) bool { return r.OrganisationAchat == "OA-A" }

func testSearchPaging(t *testing.T, s store.Web) {
	rows := indexSample(t, s)
	perimeterA := store.Perimeter{OrganisationsAchat: []string{"OA-A"}}
	for _, sort := range []string{"", "num_ej", "montant", "-montant", "date", "-date", "revue"} {
		for _, limit := range []int{7, 50, 0} {
			t.Run(fmt.Sprintf("%s/%d", sort, limit), func(t *testing.T) {
				want := expectedOrder(rows, sort)
				got := all(t, s, store.Perimeter{All: true}, store.EJQuery{Sort: sort, Limit: limit})
				if !slices.Equal(got, want) {
					t.Errorf("order:\n got %v\nwant %v", got, want)
				}
				want = expectedOrder(keep(rows, inA), sort)
				got = all(t, s, perimeterA, store.EJQuery{Sort: sort, Limit: limit})
				if !slices.Equal(got, want) {
					t.Errorf("order within A:\n got %v\nwant %v", got, want)
				}
			})
		}
	}
	// The items carry what was indexed.
	page, err := s.SearchEJ(context.Background(), store.Perimeter{All: true}, store.EJQuery{Text: rows[1].NumEJ})
	if err != nil || len(page.Items) != 1 {
		t.Fatalf("%v %+v", err, page)
	}
	got, want := page.Items[0], rows[1]
	if got.MontantHT == nil || *got.MontantHT != *want.MontantHT {
		t.Errorf("amount %v, want %v", got.MontantHT, *want.MontantHT)
	}
	got.MontantHT, want.MontantHT = nil, nil
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("item\n got %+v\nwant %+v", got, want)
	}
}

func testPerimeter(t *testing.T, s store.Web) {
	ctx := context.Background()
	rows := indexSample(t, s)
	var numA, numB []string
	for _, r := range rows {
		if inA(r) {
			numA = append(numA, r.NumEJ)
		} else {
			numB = append(numB, r.NumEJ)
		}
	}
	slices.Sort(numA)
	slices.Sort(numB)
	perimeters := []struct {
		name string
		p    store.Perimeter
		want []string
	}{
		{"tout", store.Perimeter{All: true}, append(slices.Clone(numA), numB...)},
		{"organisation A", store.Perimeter{OrganisationsAchat: []string{"OA-A"}}, numA},
		{"groupe B", store.Perimeter{GroupesAcheteurs: []string{"GA-B"}}, numB},
		// Ministry names compare folded: case, accents, apostrophes.
		{"ministère A", store.Perimeter{Ministeres: []string{"MINISTERE DE L INTERIEUR"}}, numA},
		{"ministère B ou organisation A", store.Perimeter{Ministeres: []string{ministryB}, OrganisationsAchat: []string{"OA-A"}}, append(slices.Clone(numA), numB...)},
		{"vide", store.Perimeter{}, nil},
		{"inconnu", store.Perimeter{OrganisationsAchat: []string{"OA-Z"}, Ministeres: []string{"  "}}, nil},
	}
	queries := []store.EJQuery{
		{Limit: 500},
		{Limit: 13, Sort: "-montant"},
		{Text: "audit", Limit: 500},
		{Text: "13", Limit: 500},
		{Text: "Boulangerie", Limit: 500},
	}
	for _, pc := range perimeters {
		t.Run(pc.name, func(t *testing.T) {
			slices.Sort(pc.want)
			for _, q := range queries {
				got := all(t, s, pc.p, q)
				for _, n := range got {
					if !slices.Contains(pc.want, n) {
						t.Errorf("query %+v: %s listed outside the perimeter", q, n)
					}
				}
				if q.Text == "" || q.Text == "13" {
					slices.Sort(got)
					if !slices.Equal(got, pc.want) {
						t.Errorf("query %+v: %d EJ, want %d", q, len(got), len(pc.want))
					}
				}
			}
			for _, n := range append(slices.Clone(numA), numB...) {
				ok, err := s.InPerimeter(ctx, pc.p, n)
				if err != nil {
					t.Fatal(err)
				}
				if ok != slices.Contains(pc.want, n) {
					t.Errorf("InPerimeter(%s) = %v", n, ok)
				}
			}
		})
	}
	if ok, err := s.InPerimeter(ctx, store.Perimeter{All: true}, "1399999999"); ok || err != nil {
		t.Errorf("an EJ never indexed: %v %v", ok, err)
	}
}

func testFilters(t *testing.T, s store.Web) {
	rows := indexSample(t, s)
	yes, no := true, false
	lo, hi := 5000.0, 12006.0
	cases := []struct {
		name string
		q    store.EJQuery
		ok   func(store.EJIndex) bool
	}{
		{"ministère", store.EJQuery{Ministere: "ministère des armées"}, func(r store.EJIndex) bool { return r.Ministere == ministryB }},
		{"programme", store.EJQuery{Programme: "0178"}, func(r store.EJIndex) bool { return r.Programme == "0178" }},
		{"centre financier", store.EJQuery{CentreFinancier: "0218-CSGE-DAJ"}, func(r store.EJIndex) bool { return r.CentreFinancier == "0218-CSGE-DAJ" }},
		{"groupe de marchandises", store.EJQuery{GroupeMarchandises: "05.01.01"}, func(r store.EJIndex) bool { return r.GroupeMarchandises == "05.01.01" }},
		{"SIREN", store.EJQuery{FournisseurSIREN: "552081317"}, func(r store.EJIndex) bool { return r.FournisseurSIREN == "552081317" }},
		{"montant min", store.EJQuery{MontantMin: &lo}, func(r store.EJIndex) bool { return r.MontantHT != nil && *r.MontantHT >= lo }},
		{"montant entre", store.EJQuery{MontantMin: &lo, MontantMax: &hi}, func(r store.EJIndex) bool {
			return r.MontantHT != nil && *r.MontantHT >= lo && *r.MontantHT <= hi
		}},
		{"dates", store.EJQuery{DateFrom: "2026-03-01", DateTo: "2026-06-30"}, func(r store.EJIndex) bool {
			return r.Date != "" && r.Date >= "2026-03-01" && r.Date <= "2026-06-30"
		}},
		{"conseil", store.EJQuery{Conseil: &yes}, func(r store.EJIndex) bool { return r.Conseil }},
		{"hors conseil", store.EJQuery{Conseil: &no}, func(r store.EJIndex) bool { return !r.Conseil }},
		{"avec anomalie", store.EJQuery{AvecAnomalie: &yes}, func(r store.EJIndex) bool { return r.NbAnomalies > 0 }},
		{"sans anomalie", store.EJQuery{AvecAnomalie: &no}, func(r store.EJIndex) bool { return r.NbAnomalies == 0 }},
		{"à vérifier", store.EJQuery{ReviewStatus: store.AnomalyToCheck}, func(r store.EJIndex) bool { return r.ReviewStatus == store.AnomalyToCheck }},
		{"conseil à vérifier, par montant", store.EJQuery{Conseil: &yes, ReviewStatus: store.AnomalyToCheck, Sort: "-montant"}, func(r store.EJIndex) bool {
			return r.Conseil && r.ReviewStatus == store.AnomalyToCheck
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.q.Limit = 9
			want := expectedOrder(keep(rows, c.ok), c.q.Sort)
			if len(want) == 0 || len(want) == len(rows) {
				t.Fatalf("the sample does not exercise this filter (%d of %d)", len(want), len(rows))
			}
			if got := all(t, s, store.Perimeter{All: true}, c.q); !slices.Equal(got, want) {
				t.Errorf("\n got %v\nwant %v", got, want)
			}
		})
	}
}

func testTextSearch(t *testing.T, s store.Web) {
	rows := indexSample(t, s)
	count := func(ok func(store.EJIndex) bool) int { return len(keep(rows, ok)) }
	cases := []struct {
		text string
		want int
	}{
		{rows[0].NumEJ, 1},
		{rows[0].NumEJ[:8], count(func(r store.EJIndex) bool { return strings.HasPrefix(r.NumEJ, rows[0].NumEJ[:8]) })},
		{"552081317", count(func(r store.EJIndex) bool { return r.FournisseurSIREN == "552081317" })},
		{"5520", count(func(r store.EJIndex) bool { return r.FournisseurSIREN == "552081317" })},
		// Accents and case do not matter; words are prefixes, all required.
		{"ECLAIRE", count(func(r store.EJIndex) bool { return strings.HasPrefix(r.FournisseurNom, "Cabinet") })},
		{"études", count(func(r store.EJIndex) bool { return strings.HasPrefix(r.FournisseurNom, "Société") })},
		{"refon portail", count(func(r store.EJIndex) bool { return strings.Contains(r.Designation, "refonte") })},
		{"sécurité audit", count(func(r store.EJIndex) bool { return strings.Contains(r.Designation, "sécurité") })},
		{"farine portail", 0},
		{"introuvable", 0},
		// Punctuation and FTS syntax are words, not operators.
		{`"audit*" (^`, count(func(r store.EJIndex) bool { return strings.Contains(r.Designation, "Audit") })},
		{"---", len(rows)},
	}
	for _, c := range cases {
		page, err := s.SearchEJ(context.Background(), store.Perimeter{All: true}, store.EJQuery{Text: c.text, Limit: 500})
		if err != nil {
			t.Errorf("%q: %v", c.text, err)
			continue
		}
		if page.Total != c.want || len(page.Items) != c.want {
			t.Errorf("%q: total %d, %d items; want %d", c.text, page.Total, len(page.Items), c.want)
		}
	}
}

func testReindex(t *testing.T, s store.Web) {
	ctx := context.Background()
	rows := indexSample(t, s)
	r := rows[0]
	r.Designation, r.FournisseurNom, r.NbAnomalies, r.ReviewStatus = "Maintenance des ascenseurs", "Ascenseurs Durand", 0, ""
	if err := s.IndexEJ(ctx, []store.EJIndex{r}); err != nil {
		t.Fatal(err)
	}
	page, err := s.SearchEJ(ctx, store.Perimeter{All: true}, store.EJQuery{Text: "ascenseurs"})
	if err != nil || page.Total != 1 || page.Items[0].FournisseurNom != "Ascenseurs Durand" {
		t.Fatalf("%v %+v", err, page)
	}
	old := strings.Fields(rows[0].Designation)[0]
	page, err = s.SearchEJ(ctx, store.Perimeter{All: true}, store.EJQuery{Text: rows[0].NumEJ + " " + old})
	if err != nil || page.Total != 0 {
		t.Errorf("the old designation is still searchable: %v %+v", err, page)
	}
	page, err = s.SearchEJ(ctx, store.Perimeter{All: true}, store.EJQuery{Limit: 500})
	if err != nil || page.Total != len(rows) {
		t.Errorf("reindexing added rows: %v %d", err, page.Total)
	}
}

func testBadQueries(t *testing.T, s store.Web) {
	ctx := context.Background()
	indexSample(t, s)
	all := store.Perimeter{All: true}
	if _, err := s.SearchEJ(ctx, all, store.EJQuery{Sort: "fournisseur"}); err == nil {
		t.Error("unknown sort accepted")
	}
	for _, c := range []string{"garbage", "e30", "eyJzIjoibnVtX2VqIn0"} {
		if _, err := s.SearchEJ(ctx, all, store.EJQuery{Cursor: c}); err == nil {
			t.Errorf("cursor %q accepted", c)
		}
	}
	page, err := s.SearchEJ(ctx, all, store.EJQuery{Limit: 5, Sort: "montant"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.SearchEJ(ctx, all, store.EJQuery{Cursor: page.Next, Sort: "-date"}); err == nil {
		t.Error("a cursor of another sort accepted")
	}
	page, err = s.SearchEJ(ctx, all, store.EJQuery{Limit: 100000})
	if err != nil || len(page.Items) != 130 {
		t.Errorf("limit above the maximum: %v %d", err, len(page.Items))
	}
}

func testUsers(t *testing.T, s store.Web) {
	ctx := context.Background()
	u := store.User{Login: "agent.a", Name: "Agente A", PasswordHash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA",
		Scopes: []string{store.ScopeRead, store.ScopeReview}, Perimeter: store.Perimeter{Ministeres: []string{ministryA}},
		CreatedAt: time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)}
	if err := s.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateUser(ctx, store.User{Login: "agent.a", Name: "Autre"}); err == nil {
		t.Error("a second account with the same login")
	}
	got, err := s.User(ctx, "agent.a")
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != u.Name || got.PasswordHash != u.PasswordHash || !slices.Equal(got.Scopes, u.Scopes) ||
		!slices.Equal(got.Perimeter.Ministeres, u.Perimeter.Ministeres) || !got.CreatedAt.Equal(u.CreatedAt) {
		t.Errorf("got %+v\nwant %+v", got, u)
	}
	if _, err := s.User(ctx, "inconnu"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown login: %v", err)
	}
}

func testAPIKeys(t *testing.T, s store.Web) {
	ctx := context.Background()
	created := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	k := store.APIKey{ID: "k1", Hash: strings.Repeat("ab", 32), Organisation: "Observatoire", UseCase: "Tableau de bord",
		Contact: "data@exemple.fr", Scopes: []string{store.ScopeRead}, Perimeter: store.Perimeter{OrganisationsAchat: []string{"OA-A"}},
		CreatedAt: created, ExpiresAt: time.Date(2027, 12, 31, 23, 59, 59, 0, time.UTC)}
	if err := s.CreateAPIKey(ctx, k); err != nil {
		t.Fatal(err)
	}
	k2 := store.APIKey{ID: "k2", Hash: strings.Repeat("cd", 32), Organisation: "Presse", Scopes: []string{store.ScopeRead, store.ScopeAdmin},
		Perimeter: store.Perimeter{All: true}, CreatedAt: created.Add(time.Hour)}
	if err := s.CreateAPIKey(ctx, k2); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateAPIKey(ctx, store.APIKey{ID: "k3", Hash: k.Hash}); err == nil {
		t.Error("two keys with the same hash")
	}
	got, err := s.APIKeyByHash(ctx, k.Hash)
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != "k1" || got.Organisation != k.Organisation || got.UseCase != k.UseCase || got.Contact != k.Contact ||
		!slices.Equal(got.Scopes, k.Scopes) || !slices.Equal(got.Perimeter.OrganisationsAchat, []string{"OA-A"}) ||
		!got.ExpiresAt.Equal(k.ExpiresAt) || !got.RevokedAt.IsZero() || !got.LastUsedAt.IsZero() {
		t.Errorf("got %+v", got)
	}
	if _, err := s.APIKeyByHash(ctx, strings.Repeat("00", 32)); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown hash: %v", err)
	}
	at := time.Date(2026, 4, 1, 8, 0, 0, 0, time.UTC)
	if err := s.RevokeAPIKey(ctx, "k1", at); err != nil {
		t.Fatal(err)
	}
	if err := s.RevokeAPIKey(ctx, "k1", at.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := s.RevokeAPIKey(ctx, "nope", at); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("revoking an unknown key: %v", err)
	}
	keys, err := s.APIKeys(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != 2 || keys[0].ID != "k1" || keys[1].ID != "k2" || !keys[0].RevokedAt.Equal(at) || !keys[1].RevokedAt.IsZero() ||
		!keys[1].Perimeter.All {
		t.Errorf("keys %+v", keys)
	}
}

func testUsage(t *testing.T, s store.Web) {
	ctx := context.Background()
	if err := s.CreateAPIKey(ctx, store.APIKey{ID: "k1", Hash: strings.Repeat("ab", 32), Scopes: []string{store.ScopeRead}}); err != nil {
		t.Fatal(err)
	}
	d1 := time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)
	d2 := time.Date(2026, 5, 2, 23, 30, 0, 0, time.UTC)
	for _, c := range []struct {
		key, endpoint string
		at            time.Time
	}{
		{"k1", "GET /ej", d1}, {"k1", "GET /ej", d1.Add(time.Hour)}, {"k1", "GET /ej/{num}", d1},
		{"k1", "GET /ej", d2}, {"k2", "GET /export", d2},
	} {
		if err := s.CountUsage(ctx, c.key, c.endpoint, c.at); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.Usage(ctx, d1)
	if err != nil {
		t.Fatal(err)
	}
	want := []store.Usage{
		{KeyID: "k1", Endpoint: "GET /ej", Day: "2026-05-01", Calls: 2}, {KeyID: "k1", Endpoint: "GET /ej/{num}", Day: "2026-05-01", Calls: 1},
		{KeyID: "k1", Endpoint: "GET /ej", Day: "2026-05-02", Calls: 1}, {KeyID: "k2", Endpoint: "GET /export", Day: "2026-05-02", Calls: 1},
	}
	if !slices.Equal(got, want) {
		t.Errorf("usage\n got %v\nwant %v", got, want)
	}
	got, err = s.Usage(ctx, d2)
	if err != nil || len(got) != 2 {
		t.Errorf("since the second day: %v %v", err, got)
	}
	keys, err := s.APIKeys(ctx)
	if err != nil || len(keys) != 1 || !keys[0].LastUsedAt.Equal(d2) {
		t.Errorf("last use: %v %+v", err, keys)
	}
}

func testAudit(t *testing.T, s store.Web) {
	ctx := context.Background()
	base := time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)
	entries := []store.AuditEntry{
		{At: base, Actor: "user:agent.a", Action: "ouverture_document", Subject: "doc:abc", Detail: `{"ej":"1300000001"}`},
		{At: base.Add(time.Minute), Actor: "key:k1", Action: "correction_champ", Subject: "ej:1300000001", Detail: `{"champ":"designation"}`},
		{At: base.Add(2 * time.Minute), Actor: "user:agent.a", Action: "ouverture_document", Subject: "doc:abc"},
	}
	for _, e := range entries {
		if err := s.Audit(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.AuditLog(ctx, "doc:abc", 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || !got[0].At.Equal(entries[2].At) || got[1].Detail != entries[0].Detail || got[1].Actor != "user:agent.a" {
		t.Errorf("doc:abc log %+v", got)
	}
	got, err = s.AuditLog(ctx, "", 2)
	if err != nil || len(got) != 2 || got[1].Action != "correction_champ" {
		t.Errorf("whole log, 2 entries: %v %+v", err, got)
	}
}

func testDocumentText(t *testing.T, s store.Web) {
	ctx := context.Background()
	sha := strings.Repeat("ef", 32)
	if _, err := s.DocumentText(ctx, sha); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("text never saved: %v", err)
	}
	for _, text := range []string{"Devis n° 41\fpage 2", "Devis n° 42"} {
		if err := s.SaveDocumentText(ctx, sha, text); err != nil {
			t.Fatal(err)
		}
		got, err := s.DocumentText(ctx, sha)
		if err != nil || got != text {
			t.Errorf("text %q, %v; want %q", got, err, text)
		}
	}
}
