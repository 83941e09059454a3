package api

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"

	"github.com/depenses-eclairees/depenses/internal/anomaly"
	"github.com/depenses-eclairees/depenses/internal/reconcile"
	"github.com/depenses-eclairees/depenses/internal/store"
	"github.com/depenses-eclairees/depenses/internal/web/auth"
)

// hiddenEJ replaces, in texts shown to a caller, the number of an EJ
// outside their perimeter.
const hiddenEJ = "(EJ hors périmètre)"

// view is what one request may see, with the answers of the store kept
// for the request's length.
type view struct {
	s    *server
	p    *auth.Principal
	seen map[string]bool
}

func (s *server) view(ctx context.Context) *view {
	return &view{s: s, p: principal(ctx), seen: map[string]bool{}}
}

// sees tells whether the EJ is within the caller's perimeter. An EJ not
// indexed yet is seen only by a perimeter that sees everything.
func (v *view) sees(ctx context.Context, num string) (bool, error) {
	if v.p.Perimeter.All {
		return true, nil
	}
	if ok, done := v.seen[num]; done {
		return ok, nil
	}
	ok, err := v.s.Web.InPerimeter(ctx, v.p.Perimeter, num)
	if err != nil {
		return false, err
	}
	v.seen[num] = ok
	return ok, nil
}

// visibleOf keeps the EJ the caller sees.
func (v *view) visibleOf(ctx context.Context, nums []string) ([]string, error) {
	var out []string
	for _, n := range nums {
		ok, err := v.sees(ctx, n)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, n)
		}
	}
	return out, nil
}

// hide removes the numbers of unseen EJ from a text.
func hide(text string, unseen []string) string {
	for _, n := range unseen {
		text = strings.ReplaceAll(text, n, hiddenEJ)
	}
	return text
}

// opaqueKey names an anomaly whose key would cite an EJ the caller does
// not see (keys read code:num_ej:others).
func opaqueKey(key string) string {
	sum := sha256.Sum256([]byte(key))
	return "~" + hex.EncodeToString(sum[:16])
}

// anomalyRow cuts a stored anomaly to the perimeter, from the side of the
// first EJ the caller sees (its own, else the first other one); ok is
// false when the caller sees none of its EJ. The EJ outside the perimeter
// are dropped from its list and its evidence, their numbers from its
// explanation, and its key is made opaque.
func (v *view) anomalyRow(ctx context.Context, a store.AnomalyRow) (store.AnomalyRow, bool, error) {
	involved := append([]string{a.NumEJ}, a.AutresEJ...)
	seen, err := v.visibleOf(ctx, involved)
	if err != nil || len(seen) == 0 {
		return a, false, err
	}
	if len(seen) == len(involved) {
		return a, true, nil
	}
	var unseen []string
	for _, n := range involved {
		if !slices.Contains(seen, n) {
			unseen = append(unseen, n)
		}
	}
	a.NumEJ, a.AutresEJ = seen[0], seen[1:]
	a.Key = opaqueKey(a.Key)
	a.Review.Key = a.Key
	a.Explication = hide(a.Explication, unseen)
	a.Regle = hide(a.Regle, unseen)
	var proofs []anomaly.Evidence
	for _, e := range a.Preuves {
		if !slices.Contains(unseen, e.NumEJ) {
			proofs = append(proofs, e)
		}
	}
	a.Preuves = proofs
	return a, true, nil
}

// record cuts an enriched record to the perimeter and the scopes.
func (v *view) record(ctx context.Context, e *reconcile.Enriched) error {
	for i := range e.Anomalies {
		a := &e.Anomalies[i]
		seen, err := v.visibleOf(ctx, a.AutresEJ)
		if err != nil {
			return err
		}
		if len(seen) == len(a.AutresEJ) {
			continue
		}
		var unseen []string
		for _, n := range a.AutresEJ {
			if !slices.Contains(seen, n) {
				unseen = append(unseen, n)
			}
		}
		a.AutresEJ = seen
		a.Explication = hide(a.Explication, unseen)
		a.Cle = opaqueKey(a.Cle)
	}
	if !v.p.Has(store.ScopeReview) {
		redactDocuments(e.Documents)
	}
	return nil
}

// sensitiveFields are the bank details only the review scope reads.
var sensitiveFields = []string{"iban", "bic"}

// sensitiveTypes are documents whose text and original hold bank details
// or personal data (CV); only the review scope opens them.
var sensitiveTypes = []string{"rib", "cv"}

func redactDocuments(docs []reconcile.DocumentSummary) {
	for i := range docs {
		docs[i].Fields = redactFields(docs[i].Fields)
		redactDocuments(docs[i].Children)
	}
}

func redactFields[F any](fields map[string]F) map[string]F {
	for _, f := range sensitiveFields {
		if _, ok := fields[f]; ok {
			fields = cloneMap(fields)
			delete(fields, f)
		}
	}
	return fields
}

func cloneMap[F any](m map[string]F) map[string]F {
	out := make(map[string]F, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
