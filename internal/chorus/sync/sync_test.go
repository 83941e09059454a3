package sync_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	chorussync "github.com/depenses-eclairees/depenses/internal/chorus/sync"
	"github.com/depenses-eclairees/depenses/internal/chorus/sync/fake"
)

const corpus = "../../../../shared/corpus"

func day(s string) time.Time {
	t, err := time.Parse("2006-01-02 15:04", s)
	if err != nil {
		panic(err)
	}
	return t.UTC()
}

func read(t *testing.T, rel string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(corpus, rel))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

const (
	ej1 = "1300000001"
	ej2 = "1300000002"
	ej3 = "1300000003"
	ej4 = "1300000004"
)

var now = day("2026-02-10 09:30")

// fixture serves four EJ of January 2026 and their attachments: real
// documents of the corpus, a hostile name, two attachments with the same
// name and one id listed twice.
func fixture(t *testing.T) *fake.Server {
	t.Helper()
	srv := fake.New()
	t.Cleanup(srv.Close)
	srv.AddActivity(
		fake.Activity{NumEJ: ej1, Alerte: "EJ Création", Received: day("2026-01-05 10:00"), PurOrg: "0001", PurGroup: "G01"},
		fake.Activity{NumEJ: ej2, Alerte: "EJ Modification", Received: day("2026-01-12 16:20"), PurOrg: "0001", PurGroup: "G02"},
		fake.Activity{NumEJ: ej3, Alerte: "EJ Création", Received: day("2026-01-20 08:00"), PurOrg: "0002", PurGroup: "G01"},
		fake.Activity{NumEJ: ej4, Alerte: "EJ Création", Received: day("2026-02-03 11:11"), PurOrg: "0001", PurGroup: "G01"},
		// ej1 modified later: listed again, nothing new to fetch.
		fake.Activity{NumEJ: ej1, Alerte: "EJ Modification", Received: day("2026-02-04 09:00"), PurOrg: "0001", PurGroup: "G01"},
	)
	srv.AddAttachment(
		fake.Attachment{ID: "A1", NumEJ: ej1, Name: "Devis Sibert juin 2019.pdf", Date: day("2026-01-05 09:00"), Data: read(t, "real-misc/devis-sibert-2019-06.pdf")},
		fake.Attachment{ID: "A2", NumEJ: ej1, Name: "RIB karaté.pdf", Date: day("2026-01-05 09:01"), Data: read(t, "real-misc/rib-karate-villebon.pdf")},
		fake.Attachment{ID: "A3", NumEJ: ej1, Name: "../../etc/passwd", Date: day("2026-01-05 09:02"), Data: read(t, "formats/hello.txt")},
		fake.Attachment{ID: "B1", NumEJ: ej2, Name: "Facture F-2026'01.pdf", Date: day("2026-01-12 16:00"), Data: read(t, "invoices/Avoir_FR_type380_BASIC.pdf")},
		fake.Attachment{ID: "B2", NumEJ: ej2, Name: "lettre.odt", Date: day("2026-01-12 16:01"), Data: read(t, "formats/lettre.odt")},
		fake.Attachment{ID: "C1", NumEJ: ej4, Name: "calc.xlsx", Date: day("2026-02-03 11:00"), Data: read(t, "formats/calc.xlsx")},
		fake.Attachment{ID: "C2", NumEJ: ej4, Name: "calc.xlsx", Date: day("2026-02-03 11:01"), Data: read(t, "formats/sample.xlsx")},
		fake.Attachment{ID: "C1", NumEJ: ej4, Name: "calc.xlsx", Date: day("2026-02-03 11:05"), Data: read(t, "formats/calc.xlsx")},
	)
	return srv
}

var allIDs = []string{"A1", "A2", "A3", "B1", "B2", "C1", "C2"}

func config(srv *fake.Server) chorussync.Config {
	return chorussync.Config{
		BaseURL: srv.BaseURL(), TokenURL: srv.TokenURL(),
		ClientID: srv.ClientID, ClientSecret: srv.ClientSecret, Scope: "openid",
		RequestsPerSecond: 1000, Timeout: 2 * time.Second, DownloadTimeout: 2 * time.Second,
		BaseDelay: 5 * time.Millisecond, MaxDelay: 40 * time.Millisecond, TooManyRequestsDelay: 50 * time.Millisecond,
		MaxAttempts: 5, PageSize: 2,
	}
}

func client(t *testing.T, cfg chorussync.Config) *chorussync.Client {
	t.Helper()
	c, err := chorussync.NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func options(staging string) chorussync.Options {
	return chorussync.Options{Staging: staging, Since: day("2026-01-01 00:00"), Now: func() time.Time { return now }}
}

// stateToolName is how depenses ingest links a file to its EJ.
var stateToolName = regexp.MustCompile(`^(\d{10})_\d+_(.+)$`)

// checkPieces checks that every attachment is in the folder once, whole,
// under a name ingest links to the right EJ.
func checkPieces(t *testing.T, srv *fake.Server, dir string, ids []string) {
	t.Helper()
	want := map[string][]byte{}
	wantEJ := map[string]string{}
	for _, id := range ids {
		want[id] = nil
	}
	entries, err := os.ReadDir(filepath.Join(dir, chorussync.PiecesDir))
	if err != nil {
		t.Fatal(err)
	}
	journal := readJournal(t, dir)
	if len(journal) != len(ids) {
		t.Errorf("journal: %d lines, want %d", len(journal), len(ids))
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
		m := stateToolName.FindStringSubmatch(e.Name())
		if m == nil {
			t.Errorf("file %q is not named <num_ej>_<n>_<nom>", e.Name())
			continue
		}
		d, ok := journal[e.Name()]
		if !ok {
			t.Errorf("file %q not in the journal", e.Name())
			continue
		}
		if d.NumEJ != m[1] {
			t.Errorf("file %q journaled for EJ %s", e.Name(), d.NumEJ)
		}
		wantEJ[d.ID] = d.NumEJ
		got, _ := os.ReadFile(filepath.Join(dir, chorussync.PiecesDir, e.Name()))
		if !bytes.Equal(got, attachmentData(t, srv, d.ID)) {
			t.Errorf("file %q (id %s): content differs from the server's", e.Name(), d.ID)
		}
		if got := srv.Served(d.ID); got != 1 {
			t.Errorf("attachment %s served %d times, want 1", d.ID, got)
		}
	}
	if len(entries) != len(ids) {
		t.Errorf("files %v, want %d of them", names, len(ids))
	}
	for _, id := range ids {
		if _, ok := wantEJ[id]; !ok {
			t.Errorf("attachment %s missing", id)
		}
	}
}

func attachmentData(t *testing.T, srv *fake.Server, id string) []byte {
	t.Helper()
	files := map[string]string{
		"A1": "real-misc/devis-sibert-2019-06.pdf", "A2": "real-misc/rib-karate-villebon.pdf", "A3": "formats/hello.txt",
		"B1": "invoices/Avoir_FR_type380_BASIC.pdf", "B2": "formats/lettre.odt", "C1": "formats/calc.xlsx", "C2": "formats/sample.xlsx",
		"D1": "formats/lettre.docx", "A4": "formats/lettre.pdf",
	}
	return read(t, files[id])
}

func readJournal(t *testing.T, dir string) map[string]chorussync.Downloaded {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, chorussync.JournalFile))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]chorussync.Downloaded{}
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		if line == "" {
			continue
		}
		var d chorussync.Downloaded
		if err := json.Unmarshal([]byte(line), &d); err != nil {
			t.Fatalf("journal line %q: %v", line, err)
		}
		out[d.File] = d
	}
	return out
}

func readState(t *testing.T, dir string) chorussync.State {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, chorussync.StateFile))
	if err != nil {
		t.Fatal(err)
	}
	var st chorussync.State
	if err := json.Unmarshal(data, &st); err != nil {
		t.Fatal(err)
	}
	return st
}

func TestSyncDownloadsEverythingOnce(t *testing.T) {
	srv := fixture(t)
	dir := t.TempDir()
	sum, err := chorussync.Run(context.Background(), client(t, config(srv)), options(dir))
	if err != nil {
		t.Fatal(err)
	}
	if sum.EJSeen != 4 || sum.Downloaded != 7 || sum.Skipped != 0 || len(sum.Failures) != 0 || len(sum.Issues) != 0 {
		t.Fatalf("summary %+v", sum)
	}
	checkPieces(t, srv, dir, allIDs)
	names := listPieces(t, dir)
	for _, want := range []string{
		ej1 + "_1_Devis Sibert juin 2019.pdf", ej1 + "_2_RIB karaté.pdf", ej1 + "_3_etc_passwd",
		ej2 + "_1_Facture F-2026'01.pdf", ej2 + "_2_lettre.odt", ej4 + "_1_calc.xlsx", ej4 + "_2_calc.xlsx",
	} {
		if !names[want] {
			t.Errorf("missing %q in %v", want, names)
		}
	}
	st := readState(t, dir)
	if !st.HighWater.Equal(now) || len(st.Pending) != 0 || len(st.Failed) != 0 {
		t.Errorf("state %+v, want high-water %s and nothing pending", st, now)
	}
	if n := srv.Requests(fake.KeyToken); n != 1 {
		t.Errorf("%d token requests, want 1 (cached)", n)
	}
	// 1 Jan → 10 Feb in 7-day windows: 6 queries, one of two pages (its
	// first page is full).
	if n := srv.Requests(fake.KeyActivity); n != 7 {
		t.Errorf("%d activity requests, want 7", n)
	}
	// Listed twice in the activity, three attachments: two pages, once.
	if n := srv.Requests(fake.KeyMetadata(ej1)); n != 2 {
		t.Errorf("EJ %s's attachments: %d requests in one run, want 2", ej1, n)
	}
	ejs, _ := os.ReadFile(filepath.Join(dir, chorussync.EJListFile))
	wantEJs := "num_ej;date_reception;alerte;pur_org;pur_group\n" +
		"1300000001;2026-01-05T10:00:00Z;EJ Création;0001;G01\n" +
		"1300000002;2026-01-12T16:20:00Z;EJ Modification;0001;G02\n" +
		"1300000003;2026-01-20T08:00:00Z;EJ Création;0002;G01\n" +
		"1300000004;2026-02-03T11:11:00Z;EJ Création;0001;G01\n" +
		"1300000001;2026-02-04T09:00:00Z;EJ Modification;0001;G01\n"
	if string(ejs) != wantEJs {
		t.Errorf("ej_vus.csv:\n%s\nwant:\n%s", ejs, wantEJs)
	}

	// A second run starts a day before the high-water mark and fetches nothing.
	opt := options(dir)
	opt.Since = time.Time{}
	sum, err = chorussync.Run(context.Background(), client(t, config(srv)), opt)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Downloaded != 0 || sum.EJSeen != 0 || !sum.From.Equal(now.Add(-24*time.Hour)) {
		t.Errorf("second run %+v", sum)
	}
	filters := srv.Filters()
	if last := filters[len(filters)-1]; last != "date_reception ge datetime'2026-02-09T09:30:00' and date_reception le datetime'2026-02-10T09:30:00'" {
		t.Errorf("second run's filter %q", last)
	}
	ejs2, _ := os.ReadFile(filepath.Join(dir, chorussync.EJListFile))
	if !bytes.Equal(ejs, ejs2) {
		t.Errorf("ej_vus.csv changed on a run that saw nothing new")
	}
	checkPieces(t, srv, dir, allIDs)
}

func listPieces(t *testing.T, dir string) map[string]bool {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join(dir, chorussync.PiecesDir))
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, e := range entries {
		names[e.Name()] = true
	}
	return names
}

func TestSyncPaging(t *testing.T) {
	for _, tc := range []struct {
		name               string
		clientTop, srvPage int
		activityRequests   int
	}{
		// Six 7-day windows: three hold one record, one two, two none. A
		// full page asks for the next one.
		{"$top/$skip", 1, 0, 3*2 + 3 + 2*1},
		{"__next links", 10, 1, 3 + 2 + 2},
		{"one page each", 50, 0, 6},
		{"__next within $top", 2, 1, 3 + 2 + 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := fixture(t)
			srv.PageSize = tc.srvPage
			cfg := config(srv)
			cfg.PageSize = tc.clientTop
			dir := t.TempDir()
			opt := options(dir)
			opt.Window = 7 * 24 * time.Hour
			if _, err := chorussync.Run(context.Background(), client(t, cfg), opt); err != nil {
				t.Fatal(err)
			}
			checkPieces(t, srv, dir, allIDs)
			if got := srv.Requests(fake.KeyActivity); got != tc.activityRequests {
				t.Errorf("%d activity requests, want %d", got, tc.activityRequests)
			}
		})
	}
}

// TestSyncRecoversFromFaults injects each failure the API is known for
// and checks that the run still fetches every attachment exactly once.
func TestSyncRecoversFromFaults(t *testing.T) {
	for _, tc := range []struct {
		name       string
		key        string
		faults     []fake.Fault
		timeout    time.Duration
		minElapsed time.Duration
		tokens     int // token requests expected; 0 = 1
	}{
		{name: "token expired mid-sync", key: fake.KeyData("B1"), faults: []fake.Fault{{ExpireAll: true}}, tokens: 2},
		{name: "token expired on a listing", key: fake.KeyMetadata(ej4), faults: []fake.Fault{{ExpireAll: true}}, tokens: 2},
		{name: "429 with Retry-After", key: fake.KeyMetadata(ej2), faults: []fake.Fault{{Status: 429, RetryAfter: "1"}}, minElapsed: time.Second},
		{name: "429 without Retry-After", key: fake.KeyActivity, faults: []fake.Fault{{Status: 429}, {Status: 429}}, minElapsed: 100 * time.Millisecond},
		{name: "500 then 503 on a download", key: fake.KeyData("A2"), faults: []fake.Fault{{Status: 500}, {Status: 503}}},
		{name: "502 on the activity list", key: fake.KeyActivity, faults: []fake.Fault{{Status: 502}}},
		{name: "503 on the token endpoint", key: fake.KeyToken, faults: []fake.Fault{{Status: 503}}, tokens: 2},
		{name: "JSON body shorter than its Content-Length", key: fake.KeyActivity, faults: []fake.Fault{{Truncate: true}}},
		{name: "JSON cut with a matching Content-Length", key: fake.KeyMetadata(ej1), faults: []fake.Fault{{CutShort: true}}},
		{name: "attachment shorter than its Content-Length", key: fake.KeyData("A1"), faults: []fake.Fault{{Truncate: true}}},
		{name: "attachment shorter than size_pj", key: fake.KeyData("C2"), faults: []fake.Fault{{CutShort: true}, {CutShort: true}}},
		{name: "connection reset on a download", key: fake.KeyData("B2"), faults: []fake.Fault{{Reset: true}}},
		{name: "connection reset on a listing", key: fake.KeyMetadata(ej2), faults: []fake.Fault{{Reset: true}}},
		{name: "connection reset on the token", key: fake.KeyToken, faults: []fake.Fault{{Reset: true}}, tokens: 2},
		{name: "slow attachment beyond the timeout", key: fake.KeyData("A1"), faults: []fake.Fault{{Delay: 2 * time.Second}}, timeout: 300 * time.Millisecond},
		{name: "slow listing beyond the timeout", key: fake.KeyActivity, faults: []fake.Fault{{Delay: 2 * time.Second}}, timeout: 300 * time.Millisecond},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := fixture(t)
			srv.Inject(tc.key, tc.faults...)
			cfg := config(srv)
			if tc.timeout > 0 {
				cfg.Timeout, cfg.DownloadTimeout = tc.timeout, tc.timeout
			}
			dir := t.TempDir()
			start := time.Now()
			sum, err := chorussync.Run(context.Background(), client(t, cfg), options(dir))
			if err != nil {
				t.Fatal(err)
			}
			if elapsed := time.Since(start); elapsed < tc.minElapsed {
				t.Errorf("run took %s, want at least %s (Retry-After)", elapsed, tc.minElapsed)
			}
			if sum.Downloaded != 7 || len(sum.Failures) != 0 {
				t.Errorf("summary %+v", sum)
			}
			checkPieces(t, srv, dir, allIDs)
			if got, want := srv.Requests(tc.key), cleanRequests(t, tc.key)+len(tc.faults); got != want {
				t.Errorf("%d requests on %s, want %d", got, tc.key, want)
			}
			wantTokens := max(tc.tokens, 1)
			if got := srv.Requests(fake.KeyToken); got != wantTokens {
				t.Errorf("%d token requests, want %d", got, wantTokens)
			}
			if entries, _ := filepath.Glob(filepath.Join(dir, chorussync.PiecesDir, ".*")); len(entries) != 0 {
				t.Errorf("temporary files left: %v", entries)
			}
		})
	}
}

// cleanRequests counts the requests on key of a run without faults.
func cleanRequests(t *testing.T, key string) int {
	t.Helper()
	srv := fixture(t)
	if _, err := chorussync.Run(context.Background(), client(t, config(srv)), options(t.TempDir())); err != nil {
		t.Fatal(err)
	}
	return srv.Requests(key)
}

func TestSyncRecordsFailuresAndGoesOn(t *testing.T) {
	srv := fixture(t)
	srv.Inject(fake.KeyData("B1"), fake.Fault{Status: 404})
	srv.Inject(fake.KeyMetadata(ej4), fake.Fault{Status: 403})
	srv.Inject(fake.KeyData("A3"), fake.Fault{Status: 500}, fake.Fault{Status: 500}, fake.Fault{Status: 500}, fake.Fault{Status: 500}, fake.Fault{Status: 500})
	dir := t.TempDir()
	sum, err := chorussync.Run(context.Background(), client(t, config(srv)), options(dir))
	if err != nil {
		t.Fatal(err)
	}
	if sum.Downloaded != 3 || len(sum.Failures) != 3 {
		t.Fatalf("summary %+v", sum)
	}
	reasons := map[string]chorussync.Failure{}
	for _, f := range sum.Failures {
		reasons[f.NumEJ+"/"+f.ID] = f
	}
	for key, want := range map[string]struct {
		words     []string
		permanent bool
	}{
		ej2 + "/B1": {[]string{"Facture F-2026'01.pdf", "B1", "EJ 1300000002", "introuvable", "404"}, true},
		ej4 + "/":   {[]string{"pièces jointes de l'EJ 1300000004", "accès refusé", "403"}, true},
		ej1 + "/A3": {[]string{"EJ 1300000001", "HTTP 500", "après 5 tentatives"}, false},
	} {
		f, ok := reasons[key]
		if !ok {
			t.Errorf("no failure recorded for %s: %+v", key, sum.Failures)
			continue
		}
		for _, w := range want.words {
			if !strings.Contains(f.Reason, w) {
				t.Errorf("failure %s: %q lacks %q", key, f.Reason, w)
			}
		}
		if f.Permanent != want.permanent {
			t.Errorf("failure %s: permanent=%v", key, f.Permanent)
		}
	}
	// No retry on 403 and 404; five attempts on 500.
	for key, want := range map[string]int{fake.KeyData("B1"): 1, fake.KeyMetadata(ej4): 1, fake.KeyData("A3"): 5} {
		if got := srv.Requests(key); got != want {
			t.Errorf("%d requests on %s, want %d", got, key, want)
		}
	}
	st := readState(t, dir)
	if len(st.Pending) != 3 || len(st.Failed) != 3 || !st.HighWater.Equal(now) {
		t.Errorf("state: pending %v, failed %v, high-water %s", st.Pending, st.Failed, st.HighWater)
	}

	// The next run retries the pending EJ, though their activity is past.
	opt := options(dir)
	opt.Since = time.Time{}
	sum, err = chorussync.Run(context.Background(), client(t, config(srv)), opt)
	if err != nil {
		t.Fatal(err)
	}
	if sum.EJRetried != 3 || sum.Downloaded != 4 || len(sum.Failures) != 0 {
		t.Errorf("second run %+v", sum)
	}
	checkPieces(t, srv, dir, allIDs)
	st = readState(t, dir)
	if len(st.Pending) != 0 || len(st.Failed) != 0 {
		t.Errorf("state after the retry: pending %v, failed %v", st.Pending, st.Failed)
	}
}

func TestSyncGivesUpOnAnAttachmentAfterMaxRuns(t *testing.T) {
	srv := fixture(t)
	for range 10 {
		srv.Inject(fake.KeyData("B2"), fake.Fault{Status: 404})
	}
	dir := t.TempDir()
	opt := options(dir)
	opt.MaxRuns = 3
	for run := 1; run <= 5; run++ {
		if _, err := chorussync.Run(context.Background(), client(t, config(srv)), opt); err != nil {
			t.Fatal(err)
		}
		opt.Since = time.Time{}
	}
	if got := srv.Requests(fake.KeyData("B2")); got != 3 {
		t.Errorf("B2 requested %d times over 5 runs, want 3 (MaxRuns)", got)
	}
	st := readState(t, dir)
	if st.Pending[ej2].Runs != 3 || st.Failed["B2"].Attempts != 3 {
		t.Errorf("state %+v", st)
	}
}

func TestSyncResumesAfterCancel(t *testing.T) {
	for _, stopAfter := range []int{1, 2, 4, 6} {
		t.Run("", func(t *testing.T) {
			srv := fixture(t)
			dir := t.TempDir()
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var fetched atomic.Int32
			opt := options(dir)
			opt.Concurrency = 1
			opt.Progress = func(e chorussync.Event) {
				if e.File != "" && e.Err == nil && int(fetched.Add(1)) == stopAfter {
					cancel()
				}
			}
			sum, err := chorussync.Run(ctx, client(t, config(srv)), opt)
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("first run: %v, want context.Canceled", err)
			}
			if sum.Downloaded != stopAfter {
				t.Errorf("first run downloaded %d, want %d", sum.Downloaded, stopAfter)
			}
			st := readState(t, dir)
			if !st.HighWater.Before(now) {
				t.Errorf("high-water %s after a cancelled run, want before %s", st.HighWater, now)
			}
			// Resume with the state alone.
			opt = options(dir)
			opt.Since = time.Time{}
			sum2, err := chorussync.Run(context.Background(), client(t, config(srv)), opt)
			if err != nil {
				t.Fatal(err)
			}
			if sum.Downloaded+sum2.Downloaded != 7 {
				t.Errorf("downloads %d + %d, want 7", sum.Downloaded, sum2.Downloaded)
			}
			checkPieces(t, srv, dir, allIDs)
			if st := readState(t, dir); !st.HighWater.Equal(now) {
				t.Errorf("high-water %s, want %s", st.HighWater, now)
			}
		})
	}
}

// TestSyncAdoptsAFileItFailedToJournal: killed between the rename and the
// journal line, a run finds the whole file on disk and does not fetch it.
func TestSyncAdoptsAFileItFailedToJournal(t *testing.T) {
	srv := fixture(t)
	dir := t.TempDir()
	if _, err := chorussync.Run(context.Background(), client(t, config(srv)), options(dir)); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, chorussync.JournalFile)
	data, _ := os.ReadFile(path)
	lines := strings.SplitAfter(strings.TrimSpace(string(data)), "\n")
	// Drop the last line and leave half of the one before, as a crash would.
	cut := strings.Join(lines[:len(lines)-2], "") + lines[len(lines)-2][:10]
	if err := os.WriteFile(path, []byte(cut), 0o644); err != nil {
		t.Fatal(err)
	}
	sum, err := chorussync.Run(context.Background(), client(t, config(srv)), options(dir))
	if err != nil {
		t.Fatal(err)
	}
	if sum.Recovered != 2 || sum.Downloaded != 0 {
		t.Errorf("summary %+v, want 2 recovered from disk, none downloaded", sum)
	}
	checkPieces(t, srv, dir, allIDs)
}

func TestSyncIncremental(t *testing.T) {
	srv := fixture(t)
	dir := t.TempDir()
	if _, err := chorussync.Run(context.Background(), client(t, config(srv)), options(dir)); err != nil {
		t.Fatal(err)
	}
	// A new EJ, and a new attachment on ej1 that takes the rank of none of
	// the files already there.
	srv.AddActivity(
		fake.Activity{NumEJ: "1300000005", Alerte: "EJ Création", Received: day("2026-02-12 10:00"), PurOrg: "0001", PurGroup: "G01"},
		fake.Activity{NumEJ: ej1, Alerte: "EJ Modification", Received: day("2026-02-13 10:00"), PurOrg: "0001", PurGroup: "G01"},
	)
	srv.AddAttachment(
		fake.Attachment{ID: "D1", NumEJ: "1300000005", Name: "lettre.docx", Date: day("2026-02-12 09:00"), Data: read(t, "formats/lettre.docx")},
		fake.Attachment{ID: "A4", NumEJ: ej1, Name: "RIB karaté.pdf", Date: day("2026-02-13 09:00"), Data: read(t, "formats/lettre.pdf")},
	)
	opt := options(dir)
	opt.Since = time.Time{}
	later := day("2026-02-15 00:00")
	opt.Now = func() time.Time { return later }
	sum, err := chorussync.Run(context.Background(), client(t, config(srv)), opt)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Downloaded != 2 || sum.Skipped != 3 || sum.EJSeen != 2 {
		t.Errorf("summary %+v", sum)
	}
	checkPieces(t, srv, dir, append(allIDs, "D1", "A4"))
	names := listPieces(t, dir)
	if !names[ej1+"_4_RIB karaté.pdf"] || !names["1300000005_1_lettre.docx"] {
		t.Errorf("files %v", names)
	}
	if st := readState(t, dir); !st.HighWater.Equal(later) {
		t.Errorf("high-water %s, want %s", st.HighWater, later)
	}
}

func TestSyncFiltersOnOAAndGA(t *testing.T) {
	for _, tc := range []struct {
		name   string
		filter chorussync.ActivityFilter
		want   []string
		clause string
	}{
		{"one OA one GA", chorussync.ActivityFilter{PurOrgs: []string{"0001"}, PurGroups: []string{"G01"}}, []string{"A1", "A2", "A3", "C1", "C2"},
			" and pur_org eq '0001' and pur_group eq 'G01'"},
		{"two OA", chorussync.ActivityFilter{PurOrgs: []string{"0002", "0001"}}, allIDs,
			" and (pur_org eq '0002' or pur_org eq '0001')"},
		{"GA only", chorussync.ActivityFilter{PurGroups: []string{"G02"}}, []string{"B1", "B2"}, " and pur_group eq 'G02'"},
		{"quote in a value", chorussync.ActivityFilter{PurOrgs: []string{"O'1"}}, nil, " and pur_org eq 'O''1'"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := fixture(t)
			dir := t.TempDir()
			opt := options(dir)
			opt.Filter = tc.filter
			if _, err := chorussync.Run(context.Background(), client(t, config(srv)), opt); err != nil {
				t.Fatal(err)
			}
			want := append([]string(nil), tc.want...)
			sort.Strings(want)
			checkPieces(t, srv, dir, want)
			for _, f := range srv.Filters() {
				if !strings.HasSuffix(f, tc.clause) {
					t.Errorf("filter %q does not end with %q", f, tc.clause)
				}
			}
		})
	}
}

func TestSyncSizeLimits(t *testing.T) {
	srv := fixture(t)
	// size_pj unreadable: the file comes whole, bounded by the limit alone.
	srv.AddActivity(fake.Activity{NumEJ: "1300000006", Alerte: "EJ Création", Received: day("2026-02-05 10:00"), PurOrg: "0001", PurGroup: "G01"})
	srv.AddAttachment(
		fake.Attachment{ID: "E1", NumEJ: "1300000006", Name: "petit.txt", Date: day("2026-02-05 09:00"), Data: []byte("bonjour\n"), SizePJ: "n/a"},
		fake.Attachment{ID: "E2", NumEJ: "1300000006", Name: "gros.bin", Date: day("2026-02-05 09:00"), Data: bytes.Repeat([]byte("x"), 3000), SizePJ: "12"},
	)
	cfg := config(srv)
	cfg.MaxAttachment = 2500
	dir := t.TempDir()
	sum, err := chorussync.Run(context.Background(), client(t, cfg), options(dir))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, f := range sum.Failures {
		got[f.ID] = f.Reason
	}
	for id, size := range map[string]int{"A1": -1, "A2": -1, "B1": -1, "B2": -1, "C1": -1, "C2": -1, "E2": 3000} {
		data := attachmentDataOr(t, srv, id, size)
		if len(data) <= 2500 {
			continue
		}
		if !strings.Contains(got[id], "au-delà de la limite") {
			t.Errorf("%s (%d bytes): failure %q", id, len(data), got[id])
		}
		// Known too big from size_pj: never requested.
		if id != "E2" && srv.Requests(fake.KeyData(id)) != 0 {
			t.Errorf("%s requested though size_pj is beyond the limit", id)
		}
	}
	if _, ok := got["E1"]; ok || !listPieces(t, dir)["1300000006_1_petit.txt"] {
		t.Errorf("E1 (size_pj unreadable) not downloaded: %v", got["E1"])
	}
	if !strings.Contains(got["E2"], "E2") || srv.Requests(fake.KeyData("E2")) != 1 {
		t.Errorf("E2: %q after %d requests", got["E2"], srv.Requests(fake.KeyData("E2")))
	}
}

func attachmentDataOr(t *testing.T, srv *fake.Server, id string, size int) []byte {
	if size >= 0 {
		return make([]byte, size)
	}
	return attachmentData(t, srv, id)
}

// TestTokenRenewedAtExpiry: a token is reused until shortly before its
// expires_in, then renewed without waiting for a 401.
func TestTokenRenewedAtExpiry(t *testing.T) {
	srv := fixture(t)
	srv.TokenTTL = time.Second
	c := client(t, config(srv))
	ctx := context.Background()
	for range 2 {
		if _, _, err := c.ListAttachments(ctx, ej1); err != nil {
			t.Fatal(err)
		}
	}
	if n := srv.Requests(fake.KeyToken); n != 1 {
		t.Fatalf("%d token requests within the token's life, want 1", n)
	}
	time.Sleep(time.Second)
	if _, _, err := c.ListAttachments(ctx, ej1); err != nil {
		t.Fatal(err)
	}
	if n := srv.Requests(fake.KeyToken); n != 2 {
		t.Errorf("%d token requests after expiry, want 2", n)
	}
	// 2 pages per listing, none refused.
	if n := srv.Requests(fake.KeyMetadata(ej1)); n != 6 {
		t.Errorf("%d listing requests, want 6 (no 401)", n)
	}
}

func TestSyncRefusesBadCredentials(t *testing.T) {
	srv := fixture(t)
	cfg := config(srv)
	cfg.ClientSecret = "wrong"
	_, err := chorussync.Run(context.Background(), client(t, cfg), options(t.TempDir()))
	if err == nil || !strings.Contains(err.Error(), "identifiants refusés (HTTP 401)") || !strings.Contains(err.Error(), "invalid_client") {
		t.Fatalf("error %v", err)
	}
	if n := srv.Requests(fake.KeyToken); n != 1 {
		t.Errorf("%d token requests, want 1 (no retry)", n)
	}
}

func TestSyncRateLimit(t *testing.T) {
	srv := fixture(t)
	cfg := config(srv)
	cfg.RequestsPerSecond = 40
	start := time.Now()
	if _, err := chorussync.Run(context.Background(), client(t, cfg), options(t.TempDir())); err != nil {
		t.Fatal(err)
	}
	elapsed := time.Since(start)
	// 6 activity + 4 metadata + 7 data requests (the token is not limited).
	requests := 17
	if min := time.Duration(requests-1) * time.Second / 40; elapsed < min {
		t.Errorf("%d requests in %s at 40/s, want at least %s", requests, elapsed, min)
	}
}

func TestSyncNeedsSinceTheFirstTime(t *testing.T) {
	srv := fixture(t)
	opt := options(t.TempDir())
	opt.Since = time.Time{}
	_, err := chorussync.Run(context.Background(), client(t, config(srv)), opt)
	if err == nil || !strings.Contains(err.Error(), "--since") {
		t.Fatalf("error %v", err)
	}
}

func TestSyncRefusesASecondRunOnTheSameFolder(t *testing.T) {
	srv := fixture(t)
	srv.Inject(fake.KeyActivity, fake.Fault{Delay: 500 * time.Millisecond})
	dir := t.TempDir()
	done := make(chan error)
	go func() {
		_, err := chorussync.Run(context.Background(), client(t, config(srv)), options(dir))
		done <- err
	}()
	time.Sleep(200 * time.Millisecond)
	_, err := chorussync.Run(context.Background(), client(t, config(srv)), options(dir))
	if err == nil || !strings.Contains(err.Error(), "déjà utilisé") {
		t.Errorf("second run: %v", err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
