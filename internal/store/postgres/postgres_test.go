package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/depenses-eclairees/depenses/internal/document"
	"github.com/depenses-eclairees/depenses/internal/store"
	"github.com/depenses-eclairees/depenses/internal/store/postgres/pgtest"
	"github.com/depenses-eclairees/depenses/internal/store/storetest"
)

func open(t testing.TB, url string) *Store {
	t.Helper()
	s, err := Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestStore(t *testing.T) {
	start := time.Now()
	storetest.Run(t, func(t *testing.T) store.Store { return open(t, pgtest.URL(t)) })
	t.Logf("suite du stockage sur PostgreSQL : %v", time.Since(start).Round(time.Millisecond))
}

func TestReopenKeepsData(t *testing.T) {
	ctx := context.Background()
	url := pgtest.URL(t)
	s := open(t, url)
	if err := s.InTx(ctx, func(tx store.Tx) error {
		_, err := tx.UpsertEJ(ctx, storetest.SampleEJ("1300000001"))
		return err
	}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	// Two processes starting together: the migration lock makes one wait,
	// and it then finds nothing to do.
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i := range errs {
		wg.Go(func() {
			s, err := Open(ctx, url)
			if err == nil {
				_, err = s.EJ(ctx, "1300000001")
				s.Close()
			}
			errs[i] = err
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
}

// TestPendingOfSerialises finishes the two documents of one EJ in two
// transactions at once: the second must wait for the first and see no
// document pending, so the EJ is reconciled exactly once.
func TestPendingOfSerialises(t *testing.T) {
	ctx := context.Background()
	s := open(t, pgtest.URL(t))
	defer s.Close()
	const ejs = 40
	sha := func(i, j int) string { return fmt.Sprintf("%062d%02d", i, j) }
	err := s.InTx(ctx, func(tx store.Tx) error {
		for i := range ejs {
			for j := range 2 {
				if _, err := tx.AddDocument(ctx, store.NewDocument{SHA256: sha(i, j), Size: 1, Name: "d"}); err != nil {
					return err
				}
				if _, err := tx.Attach(ctx, fmt.Sprintf("13%08d", i), sha(i, j), fmt.Sprint(j)); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	ready := make([]int, ejs) // how many transactions saw the EJ complete
	var mu sync.Mutex
	finish := func(i, j int) error {
		return s.InTx(ctx, func(tx store.Tx) error {
			if err := tx.SaveResult(ctx, sha(i, j), store.Processed{Status: store.StatusDone}); err != nil {
				return err
			}
			time.Sleep(time.Millisecond) // widen the window between the write and the count
			n, err := tx.PendingOf(ctx, fmt.Sprintf("13%08d", i))
			if err != nil {
				return err
			}
			if n == 0 {
				mu.Lock()
				ready[i]++
				mu.Unlock()
			}
			return nil
		})
	}
	var wg sync.WaitGroup
	errs := make(chan error, 2*ejs)
	for i := range ejs {
		for j := range 2 {
			wg.Go(func() { errs <- finish(i, j) })
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	for i, n := range ready {
		if n != 1 {
			t.Errorf("EJ %d vue complète par %d transactions, attendu 1", i, n)
		}
	}
}

// TestPendingOfWaits checks the lock itself: while a transaction that
// finished one document is open, another finishing the second waits.
func TestPendingOfWaits(t *testing.T) {
	ctx := context.Background()
	s := open(t, pgtest.URL(t))
	defer s.Close()
	shas := []string{strings.Repeat("a", 64), strings.Repeat("b", 64)}
	err := s.InTx(ctx, func(tx store.Tx) error {
		for _, sha := range shas {
			if _, err := tx.AddDocument(ctx, store.NewDocument{SHA256: sha, Size: 1, Name: sha[:1]}); err != nil {
				return err
			}
			if _, err := tx.Attach(ctx, "1300000001", sha, sha[:1]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	firstCounted, release := make(chan int), make(chan struct{})
	releaseOnce := sync.OnceFunc(func() { close(release) })
	defer releaseOnce() // lets the first transaction end if the test fails
	go s.InTx(ctx, func(tx store.Tx) error {
		tx.SaveResult(ctx, shas[0], store.Processed{Status: store.StatusDone})
		n, _ := tx.PendingOf(ctx, "1300000001")
		firstCounted <- n
		<-release
		return nil
	})
	if n := <-firstCounted; n != 1 {
		t.Fatalf("first transaction sees %d pending, want 1", n)
	}
	second := make(chan int, 1)
	go s.InTx(ctx, func(tx store.Tx) error {
		tx.SaveResult(ctx, shas[1], store.Processed{Status: store.StatusDone})
		n, err := tx.PendingOf(ctx, "1300000001")
		if err != nil {
			n = -1
		}
		second <- n
		return err
	})
	select {
	case n := <-second:
		t.Fatalf("second transaction counted %d without waiting for the first", n)
	case <-time.After(300 * time.Millisecond):
	}
	releaseOnce()
	if n := <-second; n != 0 {
		t.Fatalf("second transaction sees %d pending after the first committed, want 0", n)
	}
}

// TestUnstorableText: text PostgreSQL cannot hold (NUL, invalid UTF-8),
// as a file name or inside a result, is stored with U+FFFD in its place
// instead of failing the document.
func TestUnstorableText(t *testing.T) {
	ctx := context.Background()
	s := open(t, pgtest.URL(t))
	defer s.Close()
	sha := strings.Repeat("c", 64)
	name := "devis\xff\x00.pdf"
	evidence := "Total\x00HT 1 200,50"
	res := document.Result{File: name, SHA256: sha, Pages: 1,
		Fields: map[string]document.Field{"montant_ht": {Value: 1200.5, Confidence: 0.9, Page: 1, Evidence: evidence}}}
	err := s.InTx(ctx, func(tx store.Tx) error {
		if _, err := tx.AddDocument(ctx, store.NewDocument{SHA256: sha, Size: 1, Name: name}); err != nil {
			return err
		}
		if _, err := tx.Attach(ctx, "1300000001", sha, name); err != nil {
			return err
		}
		if err := tx.RecordStep(ctx, store.Step{Subject: "doc:" + sha, Name: "lecture", Status: "erreur", Error: "octet \x00"}); err != nil {
			return err
		}
		return tx.SaveResult(ctx, sha, store.Processed{Status: store.StatusDone, Result: res})
	})
	if err != nil {
		t.Fatal(err)
	}
	atts, err := s.DocumentsOf(ctx, "1300000001")
	if err != nil || len(atts) != 1 {
		t.Fatalf("DocumentsOf = %+v, %v", atts, err)
	}
	if want := "devis\uFFFD\uFFFD.pdf"; atts[0].Name != want || atts[0].Document.Name != want {
		t.Errorf("name %q, want %q", atts[0].Name, want)
	}
	if got := atts[0].Result.Fields["montant_ht"].Evidence; got != "Total\uFFFDHT 1 200,50" {
		t.Errorf("evidence %q", got)
	}
	// The same file seen again under its original name is known, not added twice.
	err = s.InTx(ctx, func(tx store.Tx) error {
		ok, err := tx.Attach(ctx, "1300000001", sha, name)
		if ok {
			return fmt.Errorf("link added twice")
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestOpenErrors(t *testing.T) {
	ctx := context.Background()
	for _, tt := range []struct{ url, want string }{
		{"postgres://127.0.0.1:1/test?connect_timeout=2", "base PostgreSQL test sur 127.0.0.1:1"},
		{"postgres://%zz", "adresse PostgreSQL invalide"},
		{"postgres://127.0.0.1/test?pool_max_conns=1", "pool_max_conns vaut 1"},
	} {
		s, err := Open(ctx, tt.url)
		if err == nil {
			s.Close()
			t.Errorf("Open(%q) succeeded", tt.url)
			continue
		}
		if !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Open(%q) = %v, want it to say %q", tt.url, err, tt.want)
		}
	}
}

func TestCleanJSON(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{`{"a":"x"}`, `{"a":"x"}`},
		{`{"a":"x\u0000y"}`, `{"a":"x\ufffdy"}`},
		{`{"a":"\\u0000"}`, `{"a":"\\u0000"}`},   // an escaped backslash, then text
		{`{"a":"\\\u0000"}`, `{"a":"\\\ufffd"}`}, // a backslash, then NUL
		{`["\u0000\u0000","\u00001"]`, `["\ufffd\ufffd","\ufffd1"]`},
	} {
		if got := string(cleanJSON([]byte(tt.in))); got != tt.want {
			t.Errorf("cleanJSON(%s) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

// FuzzClean: whatever a document carries, what is sent to PostgreSQL is
// storable and means the same, NUL aside.
func FuzzClean(f *testing.F) {
	for _, s := range []string{"", "abc", "a\x00b", "\xff\xfe", `\u0000`, "Désignation\x00 é\xe9"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c := cleanText(s)
		if !utf8.ValidString(c) || strings.IndexByte(c, 0) >= 0 {
			t.Fatalf("cleanText(%q) = %q", s, c)
		}
		if utf8.ValidString(s) && strings.IndexByte(s, 0) < 0 && c != s {
			t.Fatalf("cleanText changed storable text %q into %q", s, c)
		}
		data, err := json.Marshal(map[string]any{"v": s, "l": []string{s, s + `\`}})
		if err != nil {
			t.Fatal(err)
		}
		out := cleanJSON(data)
		var before, after map[string]any
		if err := json.Unmarshal(data, &before); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(out, &after); err != nil {
			t.Fatalf("cleanJSON broke %s into %s: %v", data, out, err)
		}
		nul := func(v any) any {
			switch v := v.(type) {
			case string:
				return strings.ReplaceAll(v, "\x00", "\uFFFD")
			case []any:
				return []any{strings.ReplaceAll(v[0].(string), "\x00", "\uFFFD"), strings.ReplaceAll(v[1].(string), "\x00", "\uFFFD")}
			}
			return v
		}
		for k, v := range before {
			if want := nul(v); !reflect.DeepEqual(after[k], want) {
				t.Fatalf("cleanJSON(%s) = %s: %q, want %q", data, out, after[k], want)
			}
		}
	})
}
