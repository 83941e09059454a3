package auth

import (
	"context"
	"crypto/hmac"
	"errors"
	"net/http"

	"github.com/depenses-eclairees/depenses/internal/store"
)

// The methods below are what the UI (internal/web/ui) asks of the session
// layer. They read the principal Middleware put in the request's context.

// Login checks the password and opens a session. Its errors are French
// and do not tell whether the login exists.
func (a *Authenticator) Login(w http.ResponseWriter, r *http.Request, login, password string) error {
	u, err := a.CheckPassword(r.Context(), login, password)
	if err != nil {
		if errors.Is(err, ErrBadLogin) || errors.Is(err, ErrTooManyLogins) {
			return err
		}
		a.logError("connexion", err)
		return errors.New("connexion impossible pour le moment : réessayez plus tard")
	}
	if a.Sessions == nil {
		return errors.New("les sessions ne sont pas configurées")
	}
	_, err = a.Sessions.Issue(w, r, u.Login)
	if err == nil {
		a.audit(r.Context(), store.AuditEntry{Actor: "user:" + u.Login, Action: "connexion", Subject: "user:" + u.Login})
	}
	return err
}

// Logout ends the request's session.
func (a *Authenticator) Logout(w http.ResponseWriter, r *http.Request) error {
	if a.Sessions != nil {
		a.Sessions.Clear(w, r)
	}
	return nil
}

// Current returns the account of the request's session.
func (a *Authenticator) Current(r *http.Request) (store.User, bool) {
	p := FromContext(r.Context())
	if p == nil || p.user == nil {
		return store.User{}, false
	}
	return *p.user, true
}

// CSRFToken is the token the request's page puts in its forms; empty
// without a session.
func (a *Authenticator) CSRFToken(r *http.Request) string {
	if a.Sessions == nil {
		return ""
	}
	p := FromContext(r.Context())
	if p == nil || p.Session == nil {
		if v := preSessionFrom(r.Context()); v != "" {
			return a.Sessions.preSessionToken(v) // the login form's
		}
		return ""
	}
	return a.Sessions.CSRFToken(*p.Session)
}

// CheckCSRF verifies the token of a state-changing request of a session
// (Middleware already refuses those without it; this is for handlers
// that want to say so themselves).
func (a *Authenticator) CheckCSRF(r *http.Request) error {
	bad := errors.New("jeton anti-CSRF absent ou invalide : rechargez la page")
	if a.Sessions == nil {
		return bad
	}
	token := csrfFrom(r)
	p := FromContext(r.Context())
	if p == nil || p.Session == nil {
		// Not logged in: the login form's token, bound to the pre-session cookie.
		v := preSessionFrom(r.Context())
		if v == "" || token == "" || !hmac.Equal([]byte(token), []byte(a.Sessions.preSessionToken(v))) {
			return bad
		}
		return nil
	}
	if !a.Sessions.CheckCSRF(*p.Session, token) {
		return bad
	}
	return nil
}

func (a *Authenticator) audit(ctx context.Context, e store.AuditEntry) {
	if e.At.IsZero() {
		e.At = a.now()
	}
	if err := a.Store.Audit(ctx, e); err != nil {
		a.logError("journal d'audit", err)
	}
}
