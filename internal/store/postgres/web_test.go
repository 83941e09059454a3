package postgres

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/depenses-eclairees/depenses/internal/fr"
	"github.com/depenses-eclairees/depenses/internal/store"
	"github.com/depenses-eclairees/depenses/internal/store/postgres/pgtest"
	"github.com/depenses-eclairees/depenses/internal/store/sqlite"
	"github.com/depenses-eclairees/depenses/internal/store/storetest"
)

func TestWeb(t *testing.T) {
	start := time.Now()
	storetest.RunWeb(t, func(t *testing.T) store.Web {
		s := open(t, pgtest.URL(t))
		t.Cleanup(func() { s.Close() })
		return s
	})
	t.Logf("suite web sur PostgreSQL : %v", time.Since(start).Round(time.Millisecond))
}

// parityRows are EJ whose words exercise folding and tokenising: accents,
// ligatures, apostrophes, hyphens, digits inside words, upper case.
func parityRows() []store.EJIndex {
	designations := []string{
		"Maîtrise d'œuvre – rénovation du bâtiment A2",
		"Prestations intellectuelles : étude stratégique (lot n°3)",
		"Nettoyage des locaux / vitrerie",
		"Accord-cadre de formation « Excel avancé »",
		"Hébergement & infogérance du SI-RH",
		"ÉLECTRICITÉ : travaux de mise aux normes",
		"Achat de 12 véhicules électriques",
		"Traduction FR→EN, relecture",
		"",
	}
	suppliers := []struct{ name, siren string }{
		{"L'Atelier Cœur de Ville", "732829320"},
		{"SOCIÉTÉ GÉNÉRALE D'ÉTUDES", "443061841"},
		{"Durand & Fils", "552081317"},
		{"Ça Va Nettoyer SARL", ""},
	}
	var rows []store.EJIndex
	for i := range 60 {
		amount := float64(i%7) * 1234.5
		r := store.EJIndex{
			NumEJ:             fmt.Sprintf("%010d", 1300000000+i*97%60),
			Designation:       designations[i%len(designations)],
			FournisseurNom:    suppliers[i%len(suppliers)].name,
			FournisseurSIREN:  suppliers[i%len(suppliers)].siren,
			Ministere:         []string{"Ministère de l'Intérieur", "Ministère des Armées"}[i%2],
			OrganisationAchat: []string{"OA-A", "OA-B", " OA-A "}[i%3],
			Date:              []string{"2026-01-15", "", "2025-12-31", "2026-01-15"}[i%4],
			MinConfidence:     float64(i%5) / 4,
		}
		if i%8 != 0 {
			r.MontantHT = &amount
		}
		rows = append(rows, r)
	}
	return rows
}

// openBoth indexes the same rows in a PostgreSQL and a SQLite store.
func openBoth(t testing.TB, rows []store.EJIndex) (pg, lite store.Web) {
	t.Helper()
	ctx := context.Background()
	p := open(t, pgtest.URL(t))
	t.Cleanup(func() { p.Close() })
	l, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "depenses.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	for _, s := range []store.Web{p, l} {
		if err := s.IndexEJ(ctx, rows); err != nil {
			t.Fatal(err)
		}
	}
	return p, l
}

// pages lists every page of q: the EJ numbers and the cursors.
func pages(t testing.TB, s store.Web, p store.Perimeter, q store.EJQuery) (nums, cursors []string, total int) {
	t.Helper()
	for range 100 {
		page, err := s.SearchEJ(context.Background(), p, q)
		if err != nil {
			t.Fatalf("%+v: %v", q, err)
		}
		for _, it := range page.Items {
			nums = append(nums, it.NumEJ)
		}
		cursors, total = append(cursors, page.Next), page.Total
		if page.Next == "" {
			return nums, cursors, total
		}
		q.Cursor = page.Next
	}
	t.Fatalf("%+v: pagination sans fin", q)
	return
}

// TestSearchParity runs the same searches on both stores: same EJ, same
// order, same totals and the very same cursors, which are thus
// interchangeable between the two databases.
func TestSearchParity(t *testing.T) {
	pg, lite := openBoth(t, parityRows())
	texts := []string{
		"", "oeuvre", "œuvre", "maitrise d", "MAÎTRISE", "renov bat", "a2", "A", "13", "1300000017", "130000001",
		"l'atelier", "atelier coeur", "cœur", "etud strat", "lot 3", "n°3", "nettoy", "vitr", "accord cadre",
		"cadre-accord", "excel avance", "« excel »", "si rh", "SI-RH", "infog", "électricité normes", "electri",
		"12 vehic", "fr en", "FR→EN", "ça", "ca va", "4430", "443061841 etudes", "Durand & Fils", "fils durand",
		`"audit*" (^`, "NEAR(a b) OR c*", "-travaux", "travaux -normes", "du de des", "x", "'", "''", `\`, ":*",
		"a b c d e f g h i j", strings.Repeat("é", 300), "ŒUVRE", "Cœur",
	}
	sorts := []string{"num_ej", "montant", "-montant", "date", "-date", "revue"}
	perimeters := []store.Perimeter{
		{All: true},
		{OrganisationsAchat: []string{"OA-A"}},
		{Ministeres: []string{"ministere des ARMEES"}, OrganisationsAchat: []string{"OA-Z"}},
		{},
	}
	for i, text := range texts {
		q := store.EJQuery{Text: text, Sort: sorts[i%len(sorts)], Limit: 1 + i%9}
		for _, p := range perimeters {
			gotNums, gotCursors, gotTotal := pages(t, pg, p, q)
			wantNums, wantCursors, wantTotal := pages(t, lite, p, q)
			if !slices.Equal(gotNums, wantNums) || gotTotal != wantTotal {
				t.Errorf("%q %+v:\nPostgreSQL %d %v\n    SQLite %d %v", text, p, gotTotal, gotNums, wantTotal, wantNums)
			}
			if !slices.Equal(gotCursors, wantCursors) {
				t.Errorf("%q %+v: cursors differ:\nPostgreSQL %v\n    SQLite %v", text, p, gotCursors, wantCursors)
			}
		}
	}
}

// FuzzSearchInput feeds outside input to both stores' search, the free
// text and the cursor a client sends back: both must answer the same,
// page, total and next cursor, or refuse the same cursor.
func FuzzSearchInput(f *testing.F) {
	f.Add("", `"audit*" (^`, "montant")
	f.Add("eyJzIjoibnVtX2VqIiwibiI6IjEzMDAwMDAwMDEifQ", "NEAR(a b) OR c* AND -d", "num_ej")
	f.Add("eyJzIjoibW9udGFudCIsIm4iOiIxMzAwMDAwMDA2IiwidiI6NDkzOH0", "Maîtrise d'œuvre", "montant")
	f.Add("e30", "1300000001 ÉTUDES", "-date")
	f.Add("", "cœur l'atelier 7328", "revue")
	pg, lite := openBoth(f, parityRows())
	f.Fuzz(func(t *testing.T, cursor, text, sort string) {
		q := store.EJQuery{Cursor: cursor, Text: text, Sort: sort, Limit: 5}
		p := store.Perimeter{OrganisationsAchat: []string{"OA-A"}, Ministeres: []string{text}}
		got, gotErr := pg.SearchEJ(context.Background(), p, q)
		want, wantErr := lite.SearchEJ(context.Background(), p, q)
		if (gotErr != nil) != (wantErr != nil) {
			t.Fatalf("text %q cursor %q sort %q: PostgreSQL %v, SQLite %v", text, cursor, sort, gotErr, wantErr)
		}
		if gotErr != nil {
			return // what comes with an error is not part of the answer
		}
		var gotNums, wantNums []string
		for _, it := range got.Items {
			gotNums = append(gotNums, it.NumEJ)
		}
		for _, it := range want.Items {
			wantNums = append(wantNums, it.NumEJ)
		}
		if got.Total != want.Total || !slices.Equal(gotNums, wantNums) || got.Next != want.Next {
			t.Fatalf("text %q cursor %q sort %q:\nPostgreSQL %d %v %s\n    SQLite %d %v %s", text, cursor, sort,
				got.Total, gotNums, got.Next, want.Total, wantNums, want.Next)
		}
	})
}

// TestFoldParity: every letter of Latin-1, œ and Ÿ, in a word of its own,
// is found by the same queries on both stores, itself or folded. (Rarer
// letters may differ: FTS5 folds ǡ to a and ſ to s, fr.FoldRune does not.)
func TestFoldParity(t *testing.T) {
	runes := []rune{'œ', 'Œ', 'Ÿ'}
	for r := rune(0xC0); r <= 0xFF; r++ {
		if unicode.IsLetter(r) {
			runes = append(runes, r)
		}
	}
	var rows []store.EJIndex
	for i, r := range runes {
		rows = append(rows, store.EJIndex{NumEJ: fmt.Sprintf("13%08d", i), Designation: "q" + string(r) + "z"})
	}
	pg, lite := openBoth(t, rows)
	for _, r := range runes {
		folded, _ := fr.FoldRune(r)
		for _, text := range []string{"q" + string(r) + "z", "q" + string(folded), "Q" + string(unicode.ToUpper(r))} {
			got, _, _ := pages(t, pg, store.Perimeter{All: true}, store.EJQuery{Text: text, Limit: 500})
			want, _, _ := pages(t, lite, store.Perimeter{All: true}, store.EJQuery{Text: text, Limit: 500})
			if !slices.Equal(got, want) {
				t.Errorf("%U %q: PostgreSQL %v, SQLite %v", r, text, got, want)
			}
		}
	}
}

// foldAll folds a query as the SQL of documentTextVector folds the text.
func foldAll(s string) string {
	var b strings.Builder
	for _, r := range s {
		first, second := fr.FoldRune(r)
		b.WriteRune(first)
		if second != 0 {
			b.WriteRune(second)
		}
	}
	return b.String()
}

// TestDocumentTextIndex: the documents' text is kept whole, however long,
// and its French full-text index finds words whatever their accents and
// inflection, within the first 100,000 characters, through the index.
func TestDocumentTextIndex(t *testing.T) {
	ctx := context.Background()
	s := open(t, pgtest.URL(t))
	defer s.Close()
	var long strings.Builder
	long.WriteString("Électricité du site de Rennes\n")
	for i := 0; long.Len() < 3<<20; i++ {
		fmt.Fprintf(&long, "ligne %d réf. %x\n", i, i*7919)
	}
	long.WriteString("Remplacement des ascenseurs")
	docs := map[string]string{
		strings.Repeat("1", 64): "Devis n° 41 : prestations de sécurité informatique\fpage 2",
		strings.Repeat("2", 64): "FACTURE — Maîtrise d'Œuvre pour la rénovation des bâtiments",
		strings.Repeat("3", 64): long.String(),
		strings.Repeat("4", 64): "Bon de commande\x00 n° 7",
	}
	for sha, text := range docs {
		if err := s.SaveDocumentText(ctx, sha, text); err != nil {
			t.Fatal(err)
		}
		got, err := s.DocumentText(ctx, sha)
		want := strings.ReplaceAll(text, "\x00", "\uFFFD")
		if err != nil || got != want {
			t.Errorf("%s: %d characters back, want %d (%v)", sha[:1], len(got), len(want), err)
		}
	}
	search := func(q string) []string {
		rows, err := s.pool.Query(ctx, `SELECT sha256 FROM document_text WHERE `+documentTextVector+
			` @@ websearch_to_tsquery('french', $1) ORDER BY sha256`, foldAll(q))
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for rows.Next() {
			var sha string
			if err := rows.Scan(&sha); err != nil {
				t.Fatal(err)
			}
			out = append(out, sha[:1])
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		return out
	}
	for _, c := range []struct {
		query string
		want  []string
	}{
		{"securite", []string{"1"}},
		{"Sécurités informatiques", []string{"1"}},
		{"oeuvre", []string{"2"}},
		{"MAÎTRISE D'ŒUVRE", []string{"2"}},
		{"bâtiment", []string{"2"}},
		{"rénovation -facture", nil},
		{"commande", []string{"4"}},
		{"électricité rennes", []string{"3"}},
		{"ascenseurs", nil}, // beyond the first 100,000 characters
		{"informatique OR bâtiments", []string{"1", "2"}},
	} {
		if got := search(c.query); !slices.Equal(got, c.want) {
			t.Errorf("%q: %v, want %v", c.query, got, c.want)
		}
	}
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, `SET LOCAL enable_seqscan = off`); err != nil {
		t.Fatal(err)
	}
	var plan strings.Builder
	rows, err := tx.Query(ctx, `EXPLAIN SELECT sha256 FROM document_text WHERE `+documentTextVector+
		` @@ websearch_to_tsquery('french', 'securite')`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			t.Fatal(err)
		}
		plan.WriteString(line + "\n")
	}
	if !strings.Contains(plan.String(), "document_text_fts") {
		t.Errorf("the search does not use the index:\n%s", plan.String())
	}
}

// TestIndexEJBounds: a designation too long for a tsvector is indexed
// (its first words searchable), and a word longer than a lexeme may be is
// still found, whole or by a prefix.
func TestIndexEJBounds(t *testing.T) {
	ctx := context.Background()
	s := open(t, pgtest.URL(t))
	defer s.Close()
	var huge strings.Builder
	huge.WriteString("Marché de reprographie ")
	for i := 0; huge.Len() < 2<<20; i++ {
		fmt.Fprintf(&huge, "pièce%d ", i)
	}
	word := strings.Repeat("é", 3000)
	rows := []store.EJIndex{
		{NumEJ: "1300000001", Designation: huge.String(), FournisseurNom: "Reprocopie"},
		{NumEJ: "1300000002", Designation: "Achat " + word, FournisseurNom: "Papeterie\x00 \xff Martin"},
	}
	if err := s.IndexEJ(ctx, rows); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		text string
		want int
	}{
		{"reprographie", 1},
		{"piece1", 1},
		{"achat " + word, 1},
		{"achat " + word + "x", 1}, // cut to the same length as the indexed word
		{strings.Repeat("e", 100), 1},
		{"papeterie martin", 1},
	} {
		page, err := s.SearchEJ(ctx, store.Perimeter{All: true}, store.EJQuery{Text: c.text})
		if err != nil || page.Total != c.want {
			t.Errorf("%.40q: %d, %v; want %d", c.text, page.Total, err, c.want)
		}
	}
	page, err := s.SearchEJ(ctx, store.Perimeter{All: true}, store.EJQuery{Text: "1300000001"})
	if err != nil || len(page.Items) != 1 || page.Items[0].Designation != huge.String() {
		t.Errorf("the designation is not kept whole: %v", err)
	}
}
