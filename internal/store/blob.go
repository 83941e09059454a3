package store

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
)

// Blobs keeps originals by their SHA-256, so a file attached to several EJ
// is stored once and never altered.
type Blobs interface {
	// Put stores r's bytes under sha, checking that they hash to it. Putting
	// a blob already stored does nothing.
	Put(sha string, r io.Reader) error
	Open(sha string) (io.ReadCloser, error)
	Has(sha string) bool
}

// BlobDir stores blobs as files under a folder: ab/cdef… for sha abcdef….
type BlobDir struct{ Root string }

var shaPattern = regexp.MustCompile(`^[0-9a-f]{64}$`)

func (b BlobDir) path(sha string) (string, error) {
	if !shaPattern.MatchString(sha) {
		return "", fmt.Errorf("empreinte SHA-256 invalide : %q", sha)
	}
	return filepath.Join(b.Root, sha[:2], sha[2:]), nil
}

// Has reports whether the blob is stored.
func (b BlobDir) Has(sha string) bool {
	p, err := b.path(sha)
	if err != nil {
		return false
	}
	_, err = os.Stat(p)
	return err == nil
}

// Put writes to a temporary file, checks the hash, syncs, then renames: a
// crash leaves either the whole blob or none.
func (b BlobDir) Put(sha string, r io.Reader) error {
	p, err := b.path(sha)
	if err != nil {
		return err
	}
	if b.Has(sha) {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return fmt.Errorf("stockage de l'original impossible : %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(p), ".tmp-*")
	if err != nil {
		return fmt.Errorf("stockage de l'original impossible : %w", err)
	}
	defer os.Remove(tmp.Name())
	h := sha256.New()
	if _, err := io.Copy(io.MultiWriter(tmp, h), r); err != nil {
		tmp.Close()
		return fmt.Errorf("écriture de l'original impossible : %w", err)
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != sha {
		tmp.Close()
		return fmt.Errorf("l'original a changé pendant sa copie (empreinte %s au lieu de %s)", got[:12], sha[:12])
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("écriture de l'original impossible : %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("écriture de l'original impossible : %w", err)
	}
	if err := os.Rename(tmp.Name(), p); err != nil {
		return fmt.Errorf("écriture de l'original impossible : %w", err)
	}
	return nil
}

// Open returns the stored bytes; ErrNotFound when absent.
func (b BlobDir) Open(sha string) (io.ReadCloser, error) {
	p, err := b.path(sha)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(p)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("original %s : %w", sha[:12], ErrNotFound)
	}
	return f, err
}
