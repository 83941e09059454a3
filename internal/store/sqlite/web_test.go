package sqlite

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/depenses-eclairees/depenses/internal/store"
	"github.com/depenses-eclairees/depenses/internal/store/storetest"
)

func TestWeb(t *testing.T) {
	storetest.RunWeb(t, func(t *testing.T) store.Web {
		s, err := Open(context.Background(), filepath.Join(t.TempDir(), "depenses.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	})
}

// FuzzSearchInput feeds outside text to the search: the cursor a client
// sends back and the free text, which becomes an FTS5 query.
func FuzzSearchInput(f *testing.F) {
	f.Add("eyJzIjoibnVtX2VqIiwibiI6IjEzMDAwMDAwMDEifQ", `"audit*" (^`)
	f.Add("", "NEAR(a b) OR c* AND -d")
	f.Add("e30", "1300000001")
	s, err := Open(context.Background(), filepath.Join(f.TempDir(), "depenses.db"))
	if err != nil {
		f.Fatal(err)
	}
	defer s.Close()
	if err := s.IndexEJ(context.Background(), []store.EJIndex{{NumEJ: "1300000001", Designation: "Audit de sécurité", FournisseurNom: "Cabinet"}}); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, cursor, text string) {
		_, err := s.SearchEJ(context.Background(), store.Perimeter{All: true}, store.EJQuery{Cursor: cursor, Text: text})
		if err != nil && !strings.Contains(err.Error(), "curseur") {
			t.Fatalf("text %q cursor %q: %v", text, cursor, err)
		}
	})
}
