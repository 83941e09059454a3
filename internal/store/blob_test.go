package store

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
)

func TestBlobDir(t *testing.T) {
	b := BlobDir{Root: t.TempDir()}
	data := []byte("%PDF-1.4 un devis")
	sum := sha256.Sum256(data)
	sha := hex.EncodeToString(sum[:])
	if b.Has(sha) {
		t.Fatal("empty store has the blob")
	}
	for range 2 { // putting twice is a no-op
		if err := b.Put(sha, bytes.NewReader(data)); err != nil {
			t.Fatal(err)
		}
	}
	rc, err := b.Open(sha)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(rc)
	rc.Close()
	if !bytes.Equal(got, data) {
		t.Fatalf("blob = %q", got)
	}
	// Bytes that do not hash to the name are refused and leave nothing behind.
	other := "0000000000000000000000000000000000000000000000000000000000000000"
	if err := b.Put(other, bytes.NewReader(data)); err == nil {
		t.Fatal("a blob whose bytes do not match its SHA-256 was stored")
	}
	if b.Has(other) {
		t.Fatal("a refused blob is present")
	}
	if entries, _ := os.ReadDir(filepath.Join(b.Root, "00")); len(entries) != 0 {
		t.Fatalf("temporary files left: %v", entries)
	}
	if _, err := b.Open(other); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Open of a missing blob: %v", err)
	}
	if err := b.Put("../../etc/passwd", bytes.NewReader(data)); err == nil {
		t.Fatal("a path as SHA-256 was accepted")
	}
}
