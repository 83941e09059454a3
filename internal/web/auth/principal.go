package auth

import (
	"context"
	"slices"

	"github.com/depenses-eclairees/depenses/internal/store"
)

// Principal is who makes a request: an agent through the UI or a reuser
// through an API key, with what they may do and see.
type Principal struct {
	Actor     string // "user:<login>" or "key:<id>", as the audit log names it
	Login     string // for a session
	Name      string
	KeyID     string // for an API key
	Scopes    []string
	Perimeter store.Perimeter
	// Session is set for a session, so that pages can print its CSRF token.
	Session *Session
	user    *store.User
}

// Has tells whether the principal holds scope. Review and admin include
// read; review does not include admin nor admin review (RIB and personal
// data stay with review).
func (p *Principal) Has(scope string) bool {
	if p == nil {
		return false
	}
	if slices.Contains(p.Scopes, scope) {
		return true
	}
	return scope == store.ScopeRead && (slices.Contains(p.Scopes, store.ScopeReview) || slices.Contains(p.Scopes, store.ScopeAdmin))
}

type principalKey struct{}

// WithPrincipal returns ctx carrying p.
func WithPrincipal(ctx context.Context, p *Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// FromContext returns the request's principal, nil when anonymous.
func FromContext(ctx context.Context) *Principal {
	p, _ := ctx.Value(principalKey{}).(*Principal)
	return p
}

// ValidScopes checks a list of scopes given by a person.
func ValidScopes(scopes []string) bool {
	if len(scopes) == 0 {
		return false
	}
	for _, s := range scopes {
		if s != store.ScopeRead && s != store.ScopeReview && s != store.ScopeAdmin {
			return false
		}
	}
	return true
}
