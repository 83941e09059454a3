package ui

import (
	"cmp"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/depenses-eclairees/depenses/internal/store"
)

// reuseTarget is the seed's goal: ten reuses of the enriched data through the API.
const reuseTarget = 10

// reuseWindowDays is the period over which calls are counted and a reuse
// is active. Usage days are UTC dates, as the API counts them.
const reuseWindowDays = 30

// topEndpoints is how many endpoints each reuse lists.
const topEndpoints = 3

// Key states as the page writes them.
const (
	keyActive   = "active"
	keyInactive = "inactive"
	keyRevoked  = "révoquée"
	keyExpired  = "expirée"
)

type endpointCalls struct {
	Endpoint string
	Calls    int
}

type reuseRow struct {
	Key           store.APIKey
	State         string
	Calls         int
	Endpoints     []endpointCalls // most called first, at most topEndpoints
	MoreEndpoints int             // endpoints beyond those listed
}

type reusesView struct {
	Sess   session
	Now    time.Time
	Since  string // first day counted, YYYY-MM-DD (UTC)
	Active int
	Target int
	Rows   []reuseRow
	Total  int   // calls of every key over the window
	PerDay []bar // one a day, oldest first
}

// keyState tells whether a key is revoked, expired, active (valid and
// called within the window) or inactive (valid but not called).
func keyState(k store.APIKey, now time.Time, calls int) string {
	switch {
	case !k.RevokedAt.IsZero() && !now.Before(k.RevokedAt):
		return keyRevoked
	case !k.ExpiresAt.IsZero() && !now.Before(k.ExpiresAt):
		return keyExpired
	case calls > 0:
		return keyActive
	}
	return keyInactive
}

// buildReuses turns keys and usage counts into the page's figures; counts
// of days outside the window or of unknown keys are left out of the rows.
func buildReuses(keys []store.APIKey, usage []store.Usage, now time.Time) reusesView {
	today := time.Date(now.UTC().Year(), now.UTC().Month(), now.UTC().Day(), 0, 0, 0, 0, time.UTC)
	first := today.AddDate(0, 0, 1-reuseWindowDays)
	v := reusesView{Now: now, Since: first.Format(time.DateOnly), Target: reuseTarget}

	days := make([]string, reuseWindowDays)
	dayIndex := map[string]int{}
	for i := range days {
		days[i] = first.AddDate(0, 0, i).Format(time.DateOnly)
		dayIndex[days[i]] = i
	}
	perDay := make([]int, reuseWindowDays)
	known := map[string]bool{}
	for _, k := range keys {
		known[k.ID] = true
	}
	calls := map[string]int{}
	byEndpoint := map[string]map[string]int{}
	for _, u := range usage {
		i, inWindow := dayIndex[u.Day]
		if !inWindow || u.Calls <= 0 {
			continue
		}
		perDay[i] += u.Calls
		v.Total += u.Calls
		if !known[u.KeyID] {
			continue
		}
		calls[u.KeyID] += u.Calls
		if byEndpoint[u.KeyID] == nil {
			byEndpoint[u.KeyID] = map[string]int{}
		}
		byEndpoint[u.KeyID][u.Endpoint] += u.Calls
	}

	for _, k := range keys {
		row := reuseRow{Key: k, Calls: calls[k.ID], State: keyState(k, now, calls[k.ID])}
		for ep, n := range byEndpoint[k.ID] {
			row.Endpoints = append(row.Endpoints, endpointCalls{ep, n})
		}
		slices.SortFunc(row.Endpoints, func(a, b endpointCalls) int {
			return cmp.Or(cmp.Compare(b.Calls, a.Calls), strings.Compare(a.Endpoint, b.Endpoint))
		})
		if len(row.Endpoints) > topEndpoints {
			row.MoreEndpoints = len(row.Endpoints) - topEndpoints
			row.Endpoints = row.Endpoints[:topEndpoints]
		}
		if row.State == keyActive {
			v.Active++
		}
		v.Rows = append(v.Rows, row)
	}
	// Active reuses first, the busiest on top.
	slices.SortStableFunc(v.Rows, func(a, b reuseRow) int {
		return cmp.Or(cmp.Compare(stateRank(a.State), stateRank(b.State)), cmp.Compare(b.Calls, a.Calls),
			strings.Compare(a.Key.Organisation, b.Key.Organisation))
	})

	peak := slices.Max(perDay)
	for i, n := range perDay {
		v.PerDay = append(v.PerDay, bar{Label: days[i], Text: itoa(n), Ratio: ratio(float64(n), float64(peak))})
	}
	return v
}

func stateRank(s string) int {
	switch s {
	case keyActive:
		return 0
	case keyInactive:
		return 1
	case keyExpired:
		return 2
	}
	return 3
}

// reuses is the admin page of API reuses. Other users are told the page
// is reserved: its existence is no secret, the figures are.
func (s *server) reuses(w http.ResponseWriter, r *http.Request) {
	sess := sessionOf(r)
	if !sess.isAdmin() {
		s.fail(w, r, http.StatusForbidden, "Cette page est réservée aux administrateurs.")
		return
	}
	now := s.Now()
	keys, err := s.Web.APIKeys(r.Context())
	if err != nil {
		s.internal(w, r, err)
		return
	}
	since := now.UTC().AddDate(0, 0, 1-reuseWindowDays)
	usage, err := s.Web.Usage(r.Context(), since)
	if err != nil {
		s.internal(w, r, err)
		return
	}
	v := buildReuses(keys, usage, now)
	v.Sess = sess
	s.render(w, r, http.StatusOK, reusesPage(v))
}

// isAdmin is the admin scope itself: can() grants every scope to admins,
// not the reverse.
func (s session) isAdmin() bool { return slices.Contains(s.User.Scopes, store.ScopeAdmin) }

func stateBadge(st string) string {
	switch st {
	case keyActive:
		return "fr-badge fr-badge--success fr-badge--sm"
	case keyRevoked:
		return "fr-badge fr-badge--error fr-badge--sm"
	case keyExpired:
		return "fr-badge fr-badge--warning fr-badge--sm"
	}
	return "fr-badge fr-badge--sm"
}

func scopeLabel(sc string) string {
	switch sc {
	case store.ScopeRead:
		return "lecture"
	case store.ScopeReview:
		return "revue"
	case store.ScopeAdmin:
		return "administration"
	}
	return sc
}

func scopesText(scopes []string) string {
	if len(scopes) == 0 {
		return "—"
	}
	out := make([]string, len(scopes))
	for i, sc := range scopes {
		out[i] = scopeLabel(sc)
	}
	return strings.Join(out, ", ")
}

func frDay(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.Local().Format("02/01/2006")
}

// expiryText writes a key's expiry, "aucune" when it never expires.
func expiryText(t time.Time) string {
	if t.IsZero() {
		return "aucune"
	}
	return frDay(t)
}

func callsText(n int) string {
	if n == 1 {
		return "1 appel"
	}
	return groupDigits(n) + " appels"
}

// groupDigits writes a count as 12 345.
func groupDigits(n int) string {
	s := fmt.Sprint(max(n, 0))
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString("\u202f")
		}
		b.WriteRune(c)
	}
	return b.String()
}

func activeHeadline(active, target int) string {
	if active == 1 {
		return fmt.Sprintf("1 réutilisation active sur l'objectif de %d", target)
	}
	return fmt.Sprintf("%d réutilisations actives sur l'objectif de %d", active, target)
}

// Column chart of calls per day.
const (
	colChartWidth  = 800.0
	colChartHeight = 140.0
	colChartTop    = 18.0
	colChartBottom = 22.0
)

func colWidth(n int) float64 { return colChartWidth / float64(max(n, 1)) }

func colX(i, n int) string { return ftoa(float64(i)*colWidth(n) + 2) }

func colW(n int) string { return ftoa(max(colWidth(n)-4, 1)) }

func colHeight(r float64) float64 {
	return max(r*(colChartHeight-colChartTop-colChartBottom), 1)
}

func colY(r float64) string { return ftoa(colChartHeight - colChartBottom - colHeight(r)) }

func colH(r float64) string { return ftoa(colHeight(r)) }

func colLabelX(i, n int) string { return ftoa(float64(i)*colWidth(n) + colWidth(n)/2) }

func colValueY(r float64) string { return ftoa(colChartHeight - colChartBottom - colHeight(r) - 4) }

func shortDay(iso string) string {
	t, err := time.Parse(time.DateOnly, iso)
	if err != nil {
		return iso
	}
	return t.Format("02/01")
}
