// Package sync downloads the attachments of Chorus EJ from the API behind
// the State's tool (DOMAIN.md §1.1): OAuth2 client credentials, then SAP
// Gateway OData for the EJ activity, the attachments' metadata and their
// contents. It is incremental by reception date and resumes where a killed
// run stopped.
package sync

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Activity is one record of export_pj_ej/liste_ej_place: an EJ created or
// modified, as received by the API at ReceivedAt.
type Activity struct {
	NumEJ      string
	Alerte     string // raw, e.g. "… Création" or "… Modification"
	Kind       string // "creation", "modification", or "" when Alerte says neither
	ReceivedAt time.Time
	PurOrg     string
	PurGroup   string
}

// AttachmentMeta is one record of export_pj_ej/pieces_jointes_metadata.
type AttachmentMeta struct {
	ID    string
	Name  string
	NumEJ string
	// Size is size_pj in bytes, or -1 when the API gave none we can read.
	Size int64
	// Date is date_pj; zero when absent or unreadable.
	Date time.Time
}

// sapDate is the SAP Gateway (OData v2) JSON date: /Date(ms)/ with an
// optional offset in minutes written ±hhmm, which does not move the instant.
var sapDate = regexp.MustCompile(`^/Date\((-?\d{1,15})([+-]\d{1,4})?\)/$`)

// ParseDate reads an OData v2 JSON date such as "/Date(1767225600000)/".
// The milliseconds are UTC; an offset suffix, when present, is ignored as
// the OData v2 convention says.
func ParseDate(s string) (time.Time, error) {
	m := sapDate.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return time.Time{}, fmt.Errorf("date OData illisible %q (attendu /Date(millisecondes)/)", truncate(s, 60))
	}
	ms, err := strconv.ParseInt(m[1], 10, 64)
	if err != nil {
		return time.Time{}, fmt.Errorf("date OData illisible %q : %w", truncate(s, 60), err)
	}
	return time.UnixMilli(ms).UTC(), nil
}

// FormatDateTime writes t as an OData v2 datetime literal for $filter, in
// UTC to the second: datetime'2026-01-01T00:00:00'.
func FormatDateTime(t time.Time) string {
	return "datetime'" + t.UTC().Format("2006-01-02T15:04:05") + "'"
}

// quote writes an OData string literal: single quotes doubled.
func quote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

// page is one OData v2 collection response.
type page struct {
	Results []json.RawMessage
	Next    string // d.__next, server-driven paging
}

// parsePage reads {"d":{"results":[…],"__next":"…"}}, and the older
// {"d":[…]} form.
func parsePage(data []byte) (page, error) {
	var env struct {
		D json.RawMessage `json:"d"`
	}
	if err := json.Unmarshal(data, &env); err != nil {
		return page{}, fmt.Errorf("réponse JSON invalide : %w", err)
	}
	d := bytes.TrimSpace(env.D)
	if len(d) == 0 || bytes.Equal(d, []byte("null")) {
		return page{}, errors.New(`réponse OData sans champ "d"`)
	}
	if d[0] == '[' {
		var list []json.RawMessage
		if err := json.Unmarshal(d, &list); err != nil {
			return page{}, fmt.Errorf("réponse OData : %w", err)
		}
		return page{Results: list}, nil
	}
	var obj struct {
		Results *[]json.RawMessage `json:"results"`
		Next    string             `json:"__next"`
	}
	if err := json.Unmarshal(d, &obj); err != nil {
		return page{}, fmt.Errorf("réponse OData : %w", err)
	}
	if obj.Results == nil {
		return page{}, errors.New(`réponse OData sans "d.results"`)
	}
	return page{Results: *obj.Results, Next: obj.Next}, nil
}

// odataError reads the message of an SAP Gateway error body, if any:
// {"error":{"code":"…","message":{"lang":"fr","value":"…"}}}.
func odataError(data []byte) string {
	var env struct {
		Error struct {
			Code    string          `json:"code"`
			Message json.RawMessage `json:"message"`
		} `json:"error"`
	}
	if json.Unmarshal(data, &env) != nil {
		return ""
	}
	msg := ""
	var lang struct {
		Value string `json:"value"`
	}
	if json.Unmarshal(env.Error.Message, &lang) == nil && lang.Value != "" {
		msg = lang.Value
	} else {
		_ = json.Unmarshal(env.Error.Message, &msg)
	}
	msg = strings.TrimSpace(strings.Join(strings.Fields(msg), " "))
	if env.Error.Code != "" && msg != "" {
		msg = env.Error.Code + " : " + msg
	} else if msg == "" {
		msg = env.Error.Code
	}
	return truncate(msg, 300)
}

// flexString accepts a JSON string, number or null: SAP Gateway sends
// Edm.Int64 and Edm.Decimal as strings, other servers as numbers.
type flexString string

func (f *flexString) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if bytes.Equal(b, []byte("null")) {
		*f = ""
		return nil
	}
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*f = flexString(s)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return fmt.Errorf("valeur inattendue %s", truncate(string(b), 40))
	}
	*f = flexString(n.String())
	return nil
}

// ejNumber is the 10-digit Chorus EJ number (DOMAIN.md §1.2).
var ejNumber = regexp.MustCompile(`^\d{10}$`)

// normalizeEJ strips spaces; it returns "" when what is left is not an EJ
// number, so that an unexpected value never reaches a file name.
func normalizeEJ(s string) string {
	s = strings.Join(strings.Fields(s), "")
	if !ejNumber.MatchString(s) {
		return ""
	}
	return s
}

// parseActivity reads one liste_ej_place record.
func parseActivity(raw json.RawMessage) (Activity, error) {
	var r struct {
		Alerte        flexString `json:"alerte"`
		NumEJ         flexString `json:"num_ej"`
		DateReception flexString `json:"date_reception"`
		PurOrg        flexString `json:"pur_org"`
		PurGroup      flexString `json:"pur_group"`
	}
	if err := json.Unmarshal(raw, &r); err != nil {
		return Activity{}, fmt.Errorf("enregistrement d'activité illisible : %w", err)
	}
	a := Activity{Alerte: strings.TrimSpace(string(r.Alerte)), PurOrg: strings.TrimSpace(string(r.PurOrg)), PurGroup: strings.TrimSpace(string(r.PurGroup))}
	a.NumEJ = normalizeEJ(string(r.NumEJ))
	if a.NumEJ == "" {
		return a, fmt.Errorf("numéro d'EJ invalide %q dans la liste d'activité", truncate(string(r.NumEJ), 40))
	}
	t, err := ParseDate(string(r.DateReception))
	if err != nil {
		return a, fmt.Errorf("EJ %s : date_reception : %w", a.NumEJ, err)
	}
	a.ReceivedAt = t
	switch {
	case strings.HasSuffix(a.Alerte, "Création"):
		a.Kind = "creation"
	case strings.HasSuffix(a.Alerte, "Modification"):
		a.Kind = "modification"
	}
	return a, nil
}

// parseAttachmentMeta reads one pieces_jointes_metadata record. A missing
// or unreadable size or date is kept as unknown, not guessed.
func parseAttachmentMeta(raw json.RawMessage) (AttachmentMeta, error) {
	var r struct {
		ID    flexString `json:"id_pj"`
		Name  flexString `json:"nom_pj"`
		NumEJ flexString `json:"num_ej"`
		Size  flexString `json:"size_pj"`
		Date  flexString `json:"date_pj"`
	}
	if err := json.Unmarshal(raw, &r); err != nil {
		return AttachmentMeta{}, fmt.Errorf("métadonnées de pièce jointe illisibles : %w", err)
	}
	m := AttachmentMeta{ID: strings.TrimSpace(string(r.ID)), Name: string(r.Name), NumEJ: normalizeEJ(string(r.NumEJ)), Size: -1}
	if m.ID == "" {
		return m, errors.New("pièce jointe sans id_pj")
	}
	if len(m.ID) > 200 || strings.ContainsAny(m.ID, "\x00\r\n") {
		return m, fmt.Errorf("id_pj inattendu %q", truncate(m.ID, 60))
	}
	if n, err := strconv.ParseInt(strings.TrimSpace(string(r.Size)), 10, 64); err == nil && n >= 0 {
		m.Size = n
	}
	if t, err := ParseDate(string(r.Date)); err == nil {
		m.Date = t
	}
	return m, nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !isRuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }
