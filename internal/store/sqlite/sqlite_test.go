package sqlite

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/depenses-eclairees/depenses/internal/store"
	"github.com/depenses-eclairees/depenses/internal/store/storetest"
)

func TestStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		s, err := Open(context.Background(), filepath.Join(t.TempDir(), "depenses.db"))
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}

func TestReopenKeepsData(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "depenses.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.InTx(ctx, func(tx store.Tx) error {
		_, err := tx.UpsertEJ(ctx, storetest.SampleEJ("1300000001"))
		return err
	}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s, err = Open(ctx, path) // migrations already applied: nothing to do, nothing lost
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.EJ(ctx, "1300000001"); err != nil {
		t.Fatal(err)
	}
}
