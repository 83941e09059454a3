package auth

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// SessionCookie is the name of the session cookie.
const SessionCookie = "depenses_session"

// Session is what the signed cookie carries: the login and a random id
// the CSRF token is bound to. Scopes and perimeter are read from the
// account at each request, so that a change applies at once.
type Session struct {
	Login   string `json:"l"`
	ID      string `json:"s"`
	Expires int64  `json:"e"` // Unix seconds
}

// Sessions issues and reads session cookies signed with HMAC-SHA-256.
type Sessions struct {
	Key []byte
	TTL time.Duration // default 8 hours
	// AlwaysSecure marks cookies Secure even without TLS here (behind a
	// TLS-terminating proxy); otherwise only requests over TLS get them.
	AlwaysSecure bool
	Now          func() time.Time
}

func (s *Sessions) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Sessions) ttl() time.Duration {
	if s.TTL > 0 {
		return s.TTL
	}
	return 8 * time.Hour
}

func (s *Sessions) sign(payload []byte) []byte {
	m := hmac.New(sha256.New, s.Key)
	m.Write([]byte("session\x00"))
	m.Write(payload)
	return m.Sum(nil)
}

// Encode returns the cookie value of a session.
func (s *Sessions) Encode(sess Session) string {
	payload, _ := json.Marshal(sess)
	return base64.RawURLEncoding.EncodeToString(payload) + "." + base64.RawURLEncoding.EncodeToString(s.sign(payload))
}

var errBadSession = errors.New("session invalide ou expirée")

// Decode checks a cookie value's signature and expiry.
func (s *Sessions) Decode(value string) (Session, error) {
	var sess Session
	if len(s.Key) < 32 || len(value) > 4096 {
		return sess, errBadSession
	}
	p, sig, ok := strings.Cut(value, ".")
	if !ok {
		return sess, errBadSession
	}
	payload, err1 := base64.RawURLEncoding.DecodeString(p)
	mac, err2 := base64.RawURLEncoding.DecodeString(sig)
	if err1 != nil || err2 != nil || !hmac.Equal(mac, s.sign(payload)) {
		return sess, errBadSession
	}
	if json.Unmarshal(payload, &sess) != nil || sess.Login == "" || sess.ID == "" || s.now().Unix() >= sess.Expires {
		return Session{}, errBadSession
	}
	return sess, nil
}

// Issue starts a session for login and sets its cookie.
func (s *Sessions) Issue(w http.ResponseWriter, r *http.Request, login string) (Session, error) {
	id := make([]byte, 16)
	if _, err := rand.Read(id); err != nil {
		return Session{}, err
	}
	sess := Session{Login: login, ID: base64.RawURLEncoding.EncodeToString(id), Expires: s.now().Add(s.ttl()).Unix()}
	http.SetCookie(w, &http.Cookie{
		Name: SessionCookie, Value: s.Encode(sess), Path: "/", MaxAge: int(s.ttl().Seconds()),
		HttpOnly: true, Secure: s.AlwaysSecure || r.TLS != nil, SameSite: http.SameSiteLaxMode,
	})
	return sess, nil
}

// Read returns the request's session, if it has a valid one.
func (s *Sessions) Read(r *http.Request) (Session, error) {
	c, err := r.Cookie(SessionCookie)
	if err != nil {
		return Session{}, errBadSession
	}
	return s.Decode(c.Value)
}

// Clear ends the session in the browser.
func (s *Sessions) Clear(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: s.AlwaysSecure || r.TLS != nil, SameSite: http.SameSiteLaxMode})
}

// CSRFToken is the token every state-changing request of the session
// must carry (form field "csrf" or header X-CSRF-Token).
func (s *Sessions) CSRFToken(sess Session) string {
	m := hmac.New(sha256.New, s.Key)
	m.Write([]byte("csrf\x00"))
	m.Write([]byte(sess.ID))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// CheckCSRF compares a token with the session's in constant time.
func (s *Sessions) CheckCSRF(sess Session, token string) bool {
	return token != "" && hmac.Equal([]byte(token), []byte(s.CSRFToken(sess)))
}

// LoadOrCreateKey reads the signing key kept at path, creating it (32
// random bytes, readable by its owner only) the first time.
func LoadOrCreateKey(path string) ([]byte, error) {
	key, err := os.ReadFile(path)
	if err == nil {
		if len(key) < 32 {
			return nil, fmt.Errorf("clé de signature des sessions %s trop courte (%d octets, 32 au moins) : supprimez-la pour en créer une", path, len(key))
		}
		return key, nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("clé de signature des sessions %s : %w", path, err)
	}
	key = make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("clé de signature des sessions %s : %w", path, err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, os.ErrExist) {
		return LoadOrCreateKey(path) // another process created it first
	}
	if err != nil {
		return nil, fmt.Errorf("clé de signature des sessions %s : %w", path, err)
	}
	if _, err := f.Write(key); err != nil {
		f.Close()
		return nil, fmt.Errorf("clé de signature des sessions %s : %w", path, err)
	}
	return key, f.Close()
}
