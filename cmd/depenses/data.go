package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/depenses-eclairees/depenses/internal/referential"
	"github.com/depenses-eclairees/depenses/internal/store"
	"github.com/depenses-eclairees/depenses/internal/store/postgres"
	"github.com/depenses-eclairees/depenses/internal/store/sqlite"
)

// dataFlags are the global options of CONTRACT.md §2: where the database
// and the originals live.
type dataFlags struct {
	dir          string
	db           string
	referentials string
}

func (f *dataFlags) register(root *cobra.Command) {
	def := os.Getenv("DEPENSES_DATA")
	if def == "" {
		def = "./data"
	}
	root.PersistentFlags().StringVar(&f.dir, "data", def, "dossier de la base embarquée et des originaux (ou DEPENSES_DATA)")
	root.PersistentFlags().StringVar(&f.db, "db", os.Getenv("DEPENSES_DB"), "base PostgreSQL postgres://… au lieu de la base SQLite embarquée (ou DEPENSES_DB)")
	root.PersistentFlags().StringVar(&f.referentials, "referentiels", os.Getenv("DEPENSES_REFERENTIELS"), "dossier de référentiels CSV remplaçant ceux fournis (programmes.csv, seuils.csv…)")
}

// workspace is an opened data folder.
type workspace struct {
	store store.Store
	blobs store.Blobs
	ref   *referential.Set
	// params are the anomaly rules' parameters (parametres_anomalies.csv).
	params *referential.AnomalyParams
	lock   *os.File
}

func (w *workspace) Close() error {
	err := w.store.Close()
	if w.lock != nil {
		w.lock.Close() // releases the flock
	}
	return err
}

// open opens the data folder, taking its lock: the embedded database is
// used by one process at a time, which lets that process resume the jobs a
// killed predecessor left running. With --db, PostgreSQL is shared by any
// number of processes and River rescues the jobs of a dead one.
func (f *dataFlags) open(ctx context.Context) (*workspace, error) {
	if f.db != "" && !strings.HasPrefix(f.db, "postgres://") && !strings.HasPrefix(f.db, "postgresql://") {
		return nil, fmt.Errorf("--db attend une adresse postgres://… (reçu %q)", f.db)
	}
	ref, err := referential.Load(f.referentials)
	if err != nil {
		return nil, err
	}
	params, err := referential.LoadAnomalyParams(f.referentials)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(f.dir, 0o755); err != nil {
		return nil, fmt.Errorf("dossier de données %s : %w", f.dir, err)
	}
	blobs := store.BlobDir{Root: filepath.Join(f.dir, "originaux")}
	if f.db != "" {
		// Many processes share PostgreSQL; the originals' folder must be
		// one they all reach (a shared mount).
		s, err := postgres.Open(ctx, f.db)
		if err != nil {
			return nil, err
		}
		return &workspace{store: s, blobs: blobs, ref: ref, params: params}, nil
	}
	lock, err := os.OpenFile(filepath.Join(f.dir, "depenses.lock"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, fmt.Errorf("dossier de données %s : %w", f.dir, err)
	}
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		lock.Close()
		return nil, fmt.Errorf("le dossier de données %s est déjà utilisé par une autre commande depenses (attendez sa fin ou arrêtez-la)", f.dir)
	}
	s, err := sqlite.Open(ctx, filepath.Join(f.dir, "depenses.db"))
	if err != nil {
		lock.Close()
		return nil, err
	}
	return &workspace{store: s, blobs: blobs, ref: ref, params: params, lock: lock}, nil
}
