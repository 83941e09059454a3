// Package pgtest gives tests a PostgreSQL database of their own: a fresh
// schema on the test server, dropped when the test ends, so that tests
// run in parallel and leave nothing behind.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// EnvURL names the variable that points the tests at a server.
const EnvURL = "DEPENSES_TEST_POSTGRES_URL"

// localURLs are tried, in order, when EnvURL is not set.
var localURLs = []string{
	"postgres://postgres@127.0.0.1:5432/test?sslmode=disable",
	"postgres://root@127.0.0.1:5432/test?sslmode=disable",
}

var server struct {
	once  sync.Once
	url   string // the server that answered
	skip  string // why there is none, when EnvURL is not set
	fatal string // EnvURL is set but its server does not answer
}

// URL returns the address of an empty schema of its own on the test
// server, dropped at the end of t. Without a server it skips t, saying
// why; with DEPENSES_TEST_POSTGRES_URL set and no answer, it fails t,
// since the tests were asked for.
func URL(t testing.TB) string {
	t.Helper()
	server.once.Do(findServer)
	switch {
	case server.fatal != "":
		t.Fatal(server.fatal)
	case server.skip != "":
		t.Skip(server.skip)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, server.url)
	if err != nil {
		t.Fatalf("connexion au serveur PostgreSQL de test impossible : %v", err)
	}
	defer conn.Close(ctx)
	schema := "depenses_test_" + randomHex(8)
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("création du schéma de test %s impossible : %v", schema, err)
	}
	t.Cleanup(func() { dropSchema(t, schema) })
	return withSearchPath(server.url, schema)
}

func dropSchema(t testing.TB, schema string) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, server.url)
	if err != nil {
		t.Errorf("schéma de test %s non supprimé : %v", schema, err)
		return
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
		t.Errorf("schéma de test %s non supprimé : %v", schema, err)
	}
}

func findServer() {
	if u := os.Getenv(EnvURL); u != "" {
		if err := ping(u); err != nil {
			server.fatal = fmt.Sprintf("%s est défini mais le serveur PostgreSQL ne répond pas : %v", EnvURL, err)
			return
		}
		server.url = u
		return
	}
	var errs []string
	for _, u := range localURLs {
		err := ping(u)
		if err == nil {
			server.url = u
			return
		}
		errs = append(errs, err.Error())
	}
	server.skip = fmt.Sprintf("tests PostgreSQL ignorés : %s n'est pas défini et aucun serveur local ne répond sur 127.0.0.1:5432 (%s)",
		EnvURL, strings.Join(errs, " ; "))
}

func ping(u string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, u)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	return conn.Ping(ctx)
}

// withSearchPath returns the address u (URL or key=value form) with its
// search_path set to schema.
func withSearchPath(u, schema string) string {
	if strings.HasPrefix(u, "postgres://") || strings.HasPrefix(u, "postgresql://") {
		parsed, err := url.Parse(u)
		if err == nil {
			q := parsed.Query()
			q.Set("search_path", schema)
			parsed.RawQuery = q.Encode()
			return parsed.String()
		}
	}
	return u + " search_path=" + schema
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b) // never fails (crypto/rand)
	return hex.EncodeToString(b)
}
