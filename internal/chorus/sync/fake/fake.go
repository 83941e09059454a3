// Package fake is a local stand-in for the API behind the State's tool
// (DOMAIN.md §1.1), for tests: an OAuth2 token endpoint and the three
// OData v2 entity sets, with SAP Gateway JSON (d.results, /Date(ms)/,
// __next paging) and failures injected on demand.
package fake

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Root is the OData service root's path; TokenPath the token endpoint's.
const (
	Root      = "/sap/opu/odata/sap/"
	TokenPath = "/oauth/token"
)

// Activity is a liste_ej_place record.
type Activity struct {
	NumEJ    string
	Alerte   string
	Received time.Time
	PurOrg   string
	PurGroup string
}

// Attachment is an attachment with its metadata.
type Attachment struct {
	ID    string
	NumEJ string
	Name  string
	Date  time.Time
	Data  []byte
	// SizePJ overrides the size_pj served; default len(Data).
	SizePJ string
}

// Fault is a failure served instead of, or around, one answer.
type Fault struct {
	Status     int           // answer with this status and an OData error body
	RetryAfter string        // Retry-After header with Status
	Delay      time.Duration // wait this long first (the client may give up)
	Reset      bool          // drop the connection without an answer
	Truncate   bool          // declare the full Content-Length, send half, close
	CutShort   bool          // send half the body with a matching Content-Length
	ExpireAll  bool          // revoke every token first, so the request gets 401
}

// Server is the fake API. Set its fields before the first request.
type Server struct {
	ClientID, ClientSecret string
	TokenTTL               time.Duration // default 1 h
	// PageSize caps a page and adds d.__next links when the client asks
	// for more (or gives no $top); 0 honours $top alone.
	PageSize int

	srv *httptest.Server

	mu          sync.Mutex
	activities  []Activity
	attachments []Attachment
	faults      map[string][]Fault
	requests    map[string]int
	served      map[string]int // complete attachment bodies, by id
	tokens      map[string]time.Time
	filters     []string // $filter of each liste_ej_place request
}

// New starts a server; Close it after use.
func New() *Server {
	s := &Server{ClientID: "client-test", ClientSecret: "secret-test", TokenTTL: time.Hour,
		faults: map[string][]Fault{}, requests: map[string]int{}, served: map[string]int{}, tokens: map[string]time.Time{}}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

func (s *Server) Close()           { s.srv.CloseClientConnections(); s.srv.Close() }
func (s *Server) BaseURL() string  { return s.srv.URL + Root }
func (s *Server) TokenURL() string { return s.srv.URL + TokenPath }

// AddActivity lists EJ activity records.
func (s *Server) AddActivity(a ...Activity) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.activities = append(s.activities, a...)
}

// AddAttachment adds attachments, listed in the order added.
func (s *Server) AddAttachment(a ...Attachment) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.attachments = append(s.attachments, a...)
}

// Keys name what faults and counts apply to.
const KeyToken = "token"
const KeyActivity = "activite"

func KeyMetadata(numEJ string) string { return "metadonnees:" + numEJ }
func KeyData(id string) string        { return "donnees:" + id }

// Inject queues faults for the next requests on key, one per request.
func (s *Server) Inject(key string, faults ...Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults[key] = append(s.faults[key], faults...)
}

// Requests counts the requests received on key.
func (s *Server) Requests(key string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests[key]
}

// Served counts the complete, fault-free bodies of an attachment sent.
func (s *Server) Served(id string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.served[id]
}

// Filters returns the $filter of each activity request, in order.
func (s *Server) Filters() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.filters...)
}

var dataPath = regexp.MustCompile(`^` + regexp.QuoteMeta(Root) + `export_pj_ej/pieces_jointes_data\('(.*)'\)/\$value$`)

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.URL.Path == TokenPath:
		s.serveToken(w, r)
	case r.URL.Path == Root+"export_pj_ej/liste_ej_place":
		s.serveActivity(w, r)
	case r.URL.Path == Root+"export_pj_ej/pieces_jointes_metadata":
		s.serveMetadata(w, r)
	default:
		m := dataPath.FindStringSubmatch(r.URL.Path)
		if m == nil {
			odataErr(w, http.StatusNotFound, "/IWFND/CM_MED/001", "Resource not found for segment '"+r.URL.Path+"'")
			return
		}
		s.serveData(w, r, strings.ReplaceAll(m[1], "''", "'"))
	}
}

// begin counts the request and applies the next fault; it reports whether
// the handler should go on, and the fault that shapes the body.
func (s *Server) begin(w http.ResponseWriter, r *http.Request, key string) (Fault, bool) {
	s.mu.Lock()
	s.requests[key]++
	var f Fault
	if q := s.faults[key]; len(q) > 0 {
		f, s.faults[key] = q[0], q[1:]
	}
	if f.ExpireAll {
		for t := range s.tokens {
			s.tokens[t] = time.Time{}
		}
	}
	s.mu.Unlock()
	if f.Delay > 0 {
		select {
		case <-time.After(f.Delay):
		case <-r.Context().Done():
			return f, false
		}
	}
	if f.Reset {
		reset(w)
		return f, false
	}
	if f.Status != 0 {
		if f.RetryAfter != "" {
			w.Header().Set("Retry-After", f.RetryAfter)
		}
		odataErr(w, f.Status, "ZFAKE/"+strconv.Itoa(f.Status), http.StatusText(f.Status))
		return f, false
	}
	if key != KeyToken && !s.authorized(r) {
		w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
		odataErr(w, http.StatusUnauthorized, "/IWFND/CM_CONSUMER/101", "Jeton expiré ou invalide")
		return f, false
	}
	return f, true
}

func (s *Server) authorized(r *http.Request) bool {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	exp, known := s.tokens[tok]
	return known && time.Now().Before(exp)
}

// reset drops the connection with a TCP reset.
func reset(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic("fake: connection cannot be hijacked")
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		return
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		tc.SetLinger(0)
	}
	conn.Close()
}

// write sends body shaped by f, and reports whether it went out whole.
func write(w http.ResponseWriter, contentType string, body []byte, f Fault) bool {
	switch {
	case f.Truncate:
		hj, ok := w.(http.Hijacker)
		if !ok {
			panic("fake: connection cannot be hijacked")
		}
		conn, buf, err := hj.Hijack()
		if err != nil {
			return false
		}
		fmt.Fprintf(buf, "HTTP/1.1 200 OK\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n", contentType, len(body))
		buf.Write(body[:len(body)/2])
		buf.Flush()
		conn.Close()
		return false
	case f.CutShort:
		body = body[:len(body)/2]
		w.Header().Set("Content-Type", contentType)
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.Write(body)
		return false
	}
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	_, err := w.Write(body)
	return err == nil
}

func (s *Server) serveToken(w http.ResponseWriter, r *http.Request) {
	f, ok := s.begin(w, r, KeyToken)
	if !ok {
		return
	}
	if r.Method != http.MethodPost || r.ParseForm() != nil {
		oauthErr(w, http.StatusBadRequest, "invalid_request")
		return
	}
	if r.PostForm.Get("grant_type") != "client_credentials" {
		oauthErr(w, http.StatusBadRequest, "unsupported_grant_type")
		return
	}
	if r.PostForm.Get("client_id") != s.ClientID || r.PostForm.Get("client_secret") != s.ClientSecret {
		oauthErr(w, http.StatusUnauthorized, "invalid_client")
		return
	}
	b := make([]byte, 16)
	rand.Read(b)
	tok := hex.EncodeToString(b)
	s.mu.Lock()
	s.tokens[tok] = time.Now().Add(s.TokenTTL)
	s.mu.Unlock()
	body, _ := json.Marshal(map[string]any{"access_token": tok, "token_type": "Bearer", "expires_in": int(s.TokenTTL.Seconds()), "scope": r.PostForm.Get("scope")})
	write(w, "application/json", body, f)
}

func (s *Server) serveActivity(w http.ResponseWriter, r *http.Request) {
	f, ok := s.begin(w, r, KeyActivity)
	if !ok {
		return
	}
	q := r.URL.Query()
	s.mu.Lock()
	s.filters = append(s.filters, q.Get("$filter"))
	s.mu.Unlock()
	clauses, err := parseFilter(q.Get("$filter"))
	if err != nil {
		odataErr(w, http.StatusBadRequest, "/IWBEP/CM_MGW_RT/022", err.Error())
		return
	}
	var from, to time.Time
	var orgs, groups []string
	for _, c := range clauses {
		switch {
		case c.field == "date_reception" && c.op == "ge" && len(c.values) == 1:
			from, err = parseDateTime(c.values[0])
		case c.field == "date_reception" && c.op == "le" && len(c.values) == 1:
			to, err = parseDateTime(c.values[0])
		case c.field == "pur_org" && c.op == "eq":
			orgs = c.values
		case c.field == "pur_group" && c.op == "eq":
			groups = c.values
		default:
			err = fmt.Errorf("filtre non pris en charge sur %s", c.field)
		}
		if err != nil {
			odataErr(w, http.StatusBadRequest, "/IWBEP/CM_MGW_RT/022", err.Error())
			return
		}
	}
	if from.IsZero() || to.IsZero() {
		odataErr(w, http.StatusBadRequest, "/IWBEP/CM_MGW_RT/022", "date_reception ge … and date_reception le … obligatoires")
		return
	}
	var rows []map[string]any
	s.mu.Lock()
	for _, a := range s.activities {
		if a.Received.Before(from) || a.Received.After(to) || !in(a.PurOrg, orgs) || !in(a.PurGroup, groups) {
			continue
		}
		rows = append(rows, map[string]any{
			"__metadata":     map[string]string{"type": "ZPJ_EJ.ListeEjPlace"},
			"alerte":         a.Alerte,
			"num_ej":         a.NumEJ,
			"date_reception": sapDate(a.Received),
			"pur_org":        a.PurOrg,
			"pur_group":      a.PurGroup,
		})
	}
	s.mu.Unlock()
	s.page(w, r, rows, f)
}

func (s *Server) serveMetadata(w http.ResponseWriter, r *http.Request) {
	clauses, err := parseFilter(r.URL.Query().Get("$filter"))
	num, objType := "", ""
	for _, c := range clauses {
		if c.op == "eq" && len(c.values) == 1 && c.field == "num_ej" {
			num = c.values[0]
		} else if c.op == "eq" && len(c.values) == 1 && c.field == "object_type" {
			objType = c.values[0]
		} else if err == nil {
			err = fmt.Errorf("filtre non pris en charge sur %s", c.field)
		}
	}
	key := KeyMetadata(num)
	f, ok := s.begin(w, r, key)
	if !ok {
		return
	}
	if err != nil || num == "" || objType != "BUS2201" {
		odataErr(w, http.StatusBadRequest, "/IWBEP/CM_MGW_RT/022", "num_ej eq '…' and object_type eq 'BUS2201' attendu")
		return
	}
	var rows []map[string]any
	s.mu.Lock()
	for _, a := range s.attachments {
		if a.NumEJ != num {
			continue
		}
		size := a.SizePJ
		if size == "" {
			size = strconv.Itoa(len(a.Data))
		}
		rows = append(rows, map[string]any{
			"__metadata": map[string]string{"type": "ZPJ_EJ.PiecesJointesMetadata"},
			"id_pj":      a.ID,
			"nom_pj":     a.Name,
			"num_ej":     a.NumEJ,
			"size_pj":    size,
			"date_pj":    sapDate(a.Date),
		})
	}
	s.mu.Unlock()
	s.page(w, r, rows, f)
}

func (s *Server) serveData(w http.ResponseWriter, r *http.Request, id string) {
	key := KeyData(id)
	f, ok := s.begin(w, r, key)
	if !ok {
		return
	}
	var data []byte
	found := false
	s.mu.Lock()
	for _, a := range s.attachments {
		if a.ID == id {
			data, found = a.Data, true
			break
		}
	}
	s.mu.Unlock()
	if !found {
		odataErr(w, http.StatusNotFound, "/IWBEP/CM_MGW_RT/020", "Pièce jointe "+id+" introuvable")
		return
	}
	if write(w, "application/octet-stream", data, f) {
		s.mu.Lock()
		s.served[id]++
		s.mu.Unlock()
	}
}

// page answers one page of rows, honouring $top/$skip and $skiptoken, with
// d.__next when PageSize cut the page.
func (s *Server) page(w http.ResponseWriter, r *http.Request, rows []map[string]any, f Fault) {
	q := r.URL.Query()
	skip, _ := strconv.Atoi(q.Get("$skip"))
	if t := q.Get("$skiptoken"); t != "" {
		skip, _ = strconv.Atoi(t)
	}
	top, _ := strconv.Atoi(q.Get("$top"))
	if top <= 0 {
		top = len(rows)
	}
	limit, cut := top, false
	if s.PageSize > 0 && limit > s.PageSize {
		limit, cut = s.PageSize, true
	}
	skip = max(0, min(skip, len(rows)))
	end := min(len(rows), skip+limit)
	d := map[string]any{"results": nonNil(rows[skip:end])}
	if cut && end < len(rows) && end < skip+top {
		next := url.Values{}
		for k, v := range q {
			if k != "$skip" && k != "$skiptoken" {
				next[k] = v
			}
		}
		next.Set("$skiptoken", strconv.Itoa(end))
		d["__next"] = s.srv.URL + r.URL.Path + "?" + next.Encode()
	}
	body, _ := json.Marshal(map[string]any{"d": d})
	// SAP Gateway escapes the slashes of its dates.
	body = bytes.ReplaceAll(body, []byte(`"/Date(`), []byte(`"\/Date(`))
	body = bytes.ReplaceAll(body, []byte(`)/"`), []byte(`)\/"`))
	write(w, "application/json; charset=utf-8", body, f)
}

func nonNil(rows []map[string]any) []map[string]any {
	if rows == nil {
		return []map[string]any{}
	}
	return rows
}

func in(v string, list []string) bool {
	if len(list) == 0 {
		return true
	}
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

func sapDate(t time.Time) string {
	return "/Date(" + strconv.FormatInt(t.UnixMilli(), 10) + ")/"
}

func parseDateTime(lit string) (time.Time, error) {
	return time.Parse("2006-01-02T15:04:05", lit)
}

func odataErr(w http.ResponseWriter, status int, code, msg string) {
	body, _ := json.Marshal(map[string]any{"error": map[string]any{"code": code, "message": map[string]string{"lang": "fr", "value": msg}}})
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(body)
}

func oauthErr(w http.ResponseWriter, status int, code string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	fmt.Fprintf(w, `{"error":%q}`, code)
}

// clause is one comparison of a $filter: field op value, or a
// parenthesised "or" of equalities on one field.
type clause struct {
	field, op string
	values    []string
}

var comparison = regexp.MustCompile(`^([a-z_]+) (eq|ge|le) (?:'((?:[^']|'')*)'|datetime'([0-9T:-]+)')$`)

// parseFilter reads the filters the real API is sent; anything else is
// refused, so a client that strays is caught.
func parseFilter(f string) ([]clause, error) {
	var out []clause
	for _, part := range splitTop(f, " and ") {
		if strings.HasPrefix(part, "(") && strings.HasSuffix(part, ")") {
			var c clause
			for _, alt := range splitTop(part[1:len(part)-1], " or ") {
				m := comparison.FindStringSubmatch(alt)
				if m == nil || m[2] != "eq" || (c.field != "" && c.field != m[1]) {
					return nil, fmt.Errorf("filtre illisible %q", alt)
				}
				c.field, c.op = m[1], "eq"
				c.values = append(c.values, strings.ReplaceAll(m[3], "''", "'"))
			}
			out = append(out, c)
			continue
		}
		m := comparison.FindStringSubmatch(part)
		if m == nil {
			return nil, fmt.Errorf("filtre illisible %q", part)
		}
		v := strings.ReplaceAll(m[3], "''", "'")
		if m[4] != "" {
			v = m[4]
		}
		out = append(out, clause{field: m[1], op: m[2], values: []string{v}})
	}
	return out, nil
}

// splitTop splits on sep outside quotes and parentheses.
func splitTop(s, sep string) []string {
	var parts []string
	depth, quoted, start := 0, false, 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\'':
			quoted = !quoted
		case quoted:
		case c == '(':
			depth++
		case c == ')':
			depth--
		case depth == 0 && strings.HasPrefix(s[i:], sep):
			parts = append(parts, s[start:i])
			start = i + len(sep)
			i += len(sep) - 1
		}
	}
	return append(parts, s[start:])
}
