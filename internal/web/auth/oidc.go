package auth

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/depenses-eclairees/depenses/internal/store"
)

// Paths of the OpenID Connect login; the login page links to
// OIDCStartPath?suite=<page>, the provider sends the agent back to
// OIDCCallbackPath (the redirect URL registered with it).
const (
	OIDCStartPath    = "/connexion/oidc"
	OIDCCallbackPath = "/connexion/oidc/retour"
)

// OIDCFlowCookie carries state, nonce and PKCE verifier between the two
// legs of the flow.
const OIDCFlowCookie = "depenses_oidc"

// OIDCSecretEnv holds the client secret when no file is given.
const OIDCSecretEnv = "DEPENSES_OIDC_SECRET"

// DefaultOIDCScopes are ProConnect's: identity and the email the account
// is found by.
var DefaultOIDCScopes = []string{oidc.ScopeOpenID, "email", "given_name", "usual_name"}

const (
	oidcFlowTTL     = 10 * time.Minute
	oidcMaxResponse = 1 << 20
	oidcTimeout     = 10 * time.Second
)

// OIDCConfig describes the relying party registered with the provider.
type OIDCConfig struct {
	Issuer       string // as the discovery document names it
	ClientID     string
	ClientSecret string
	RedirectURL  string // absolute, ends with OIDCCallbackPath
	Scopes       []string
	// HTTPClient talks to the provider; nil: 10 s timeout. Responses are
	// capped at 1 MiB either way.
	HTTPClient *http.Client
}

// OIDC logs agents in through an OpenID Connect provider (ProConnect):
// authorization code flow with PKCE, ID token checked against the
// provider's keys, identity mapped to an existing account by its email.
// Accounts are never created here: their perimeter is an admin's call.
type OIDC struct {
	cfg    OIDCConfig
	auth   *Authenticator
	client *http.Client

	mu       sync.Mutex
	provider *oidc.Provider
	verifier *oidc.IDTokenVerifier
}

// ReadOIDCSecret reads the client secret from file, else from the
// DEPENSES_OIDC_SECRET environment variable.
func ReadOIDCSecret(file string) (string, error) {
	if file != "" {
		b, err := os.ReadFile(file)
		if err != nil {
			return "", fmt.Errorf("secret OIDC : %w", err)
		}
		if s := strings.TrimSpace(string(b)); s != "" {
			return s, nil
		}
		return "", fmt.Errorf("secret OIDC : le fichier %s est vide", file)
	}
	if s := strings.TrimSpace(os.Getenv(OIDCSecretEnv)); s != "" {
		return s, nil
	}
	return "", fmt.Errorf("secret OIDC absent : donnez --oidc-secret-file ou la variable %s", OIDCSecretEnv)
}

// NewOIDC checks the configuration; the provider is discovered at the
// first login, so that the server starts even while it is unreachable.
func NewOIDC(cfg OIDCConfig, a *Authenticator) (*OIDC, error) {
	if a == nil || a.Sessions == nil {
		return nil, errors.New("connexion OIDC : les sessions ne sont pas configurées")
	}
	if err := checkOIDCURL("--oidc-issuer", cfg.Issuer); err != nil {
		return nil, err
	}
	if err := checkOIDCURL("--oidc-redirect", cfg.RedirectURL); err != nil {
		return nil, err
	}
	if u, _ := url.Parse(cfg.RedirectURL); u.Path != OIDCCallbackPath {
		return nil, fmt.Errorf("--oidc-redirect %q : le chemin doit être %s", cfg.RedirectURL, OIDCCallbackPath)
	}
	if strings.TrimSpace(cfg.ClientID) == "" {
		return nil, errors.New("--oidc-client-id est nécessaire")
	}
	if cfg.ClientSecret == "" {
		return nil, fmt.Errorf("secret OIDC absent : donnez --oidc-secret-file ou la variable %s", OIDCSecretEnv)
	}
	if len(cfg.Scopes) == 0 {
		cfg.Scopes = DefaultOIDCScopes
	}
	base := cfg.HTTPClient
	if base == nil {
		base = &http.Client{Timeout: oidcTimeout}
	}
	client := *base
	client.Transport = cappedTransport{next: base.Transport}
	return &OIDC{cfg: cfg, auth: a, client: &client}, nil
}

// checkOIDCURL wants https, except on the loopback (development, tests).
func checkOIDCURL(flag, raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return fmt.Errorf("%s %q : URL absolue attendue", flag, raw)
	}
	if u.Scheme == "https" {
		return nil
	}
	host := u.Hostname()
	if ip := net.ParseIP(host); u.Scheme == "http" && (host == "localhost" || ip != nil && ip.IsLoopback()) {
		return nil
	}
	return fmt.Errorf("%s %q : https est nécessaire", flag, raw)
}

// cappedTransport bounds what the provider may make us read.
type cappedTransport struct{ next http.RoundTripper }

func (c cappedTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	next := c.next
	if next == nil {
		next = http.DefaultTransport
	}
	resp, err := next.RoundTrip(r)
	if err != nil {
		return nil, err
	}
	resp.Body = &cappedBody{rc: resp.Body, left: oidcMaxResponse}
	return resp, nil
}

type cappedBody struct {
	rc   io.ReadCloser
	left int64
}

func (b *cappedBody) Read(p []byte) (int, error) {
	if b.left <= 0 {
		return 0, errors.New("réponse du fournisseur d'identité trop longue (1 Mio au plus)")
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.rc.Read(p)
	b.left -= int64(n)
	return n, err
}

func (b *cappedBody) Close() error { return b.rc.Close() }

func (o *OIDC) ctx(ctx context.Context) context.Context {
	ctx = oidc.ClientContext(ctx, o.client)
	return context.WithValue(ctx, oauth2.HTTPClient, o.client)
}

// discover fetches the provider's metadata once; a failure is retried
// at the next login.
func (o *OIDC) discover(ctx context.Context) (*oidc.Provider, *oidc.IDTokenVerifier, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.provider != nil {
		return o.provider, o.verifier, nil
	}
	ctx, cancel := context.WithTimeout(ctx, oidcTimeout)
	defer cancel()
	p, err := oidc.NewProvider(o.ctx(ctx), o.cfg.Issuer)
	if err != nil {
		return nil, nil, err
	}
	// The key set outlives this request: its context must not end with it.
	v := p.VerifierContext(o.ctx(context.Background()), &oidc.Config{ClientID: o.cfg.ClientID, Now: o.auth.now})
	o.provider, o.verifier = p, v
	return p, v, nil
}

func (o *OIDC) oauth2Config(p *oidc.Provider) *oauth2.Config {
	return &oauth2.Config{ClientID: o.cfg.ClientID, ClientSecret: o.cfg.ClientSecret, Endpoint: p.Endpoint(),
		RedirectURL: o.cfg.RedirectURL, Scopes: o.cfg.Scopes}
}

// oidcFlow is what the flow cookie carries.
type oidcFlow struct {
	State    string `json:"st"`
	Nonce    string `json:"n"`
	Verifier string `json:"v"`
	Next     string `json:"s"`
	Expires  int64  `json:"e"` // Unix seconds
}

func (o *OIDC) signFlow(payload []byte) []byte {
	m := hmac.New(sha256.New, o.auth.Sessions.Key)
	m.Write([]byte("oidc-flow\x00"))
	m.Write(payload)
	return m.Sum(nil)
}

func (o *OIDC) encodeFlow(f oidcFlow) string {
	payload, _ := json.Marshal(f)
	return base64.RawURLEncoding.EncodeToString(payload) + "." + base64.RawURLEncoding.EncodeToString(o.signFlow(payload))
}

var errBadFlow = errors.New("parcours de connexion invalide ou expiré")

func (o *OIDC) decodeFlow(value string) (oidcFlow, error) {
	var f oidcFlow
	if len(o.auth.Sessions.Key) < 32 || len(value) > 4096 {
		return f, errBadFlow
	}
	p, sig, ok := strings.Cut(value, ".")
	if !ok {
		return f, errBadFlow
	}
	payload, err1 := base64.RawURLEncoding.DecodeString(p)
	mac, err2 := base64.RawURLEncoding.DecodeString(sig)
	if err1 != nil || err2 != nil || !hmac.Equal(mac, o.signFlow(payload)) {
		return f, errBadFlow
	}
	if json.Unmarshal(payload, &f) != nil || f.State == "" || f.Nonce == "" || f.Verifier == "" || o.auth.now().Unix() >= f.Expires {
		return oidcFlow{}, errBadFlow
	}
	f.Next = sameSitePath(f.Next)
	return f, nil
}

func (o *OIDC) secure(r *http.Request) bool { return o.auth.Sessions.AlwaysSecure || r.TLS != nil }

func (o *OIDC) clearFlow(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{Name: OIDCFlowCookie, Value: "", Path: OIDCStartPath, MaxAge: -1,
		HttpOnly: true, Secure: o.secure(r), SameSite: http.SameSiteLaxMode})
}

// sameSitePath keeps a post-login redirect on this site.
func sameSitePath(next string) string {
	if len(next) > 2000 || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\r\n\t\x00") {
		return "/"
	}
	return next
}

func randomToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// Start sends the agent to the provider (GET OIDCStartPath?suite=/page).
func (o *OIDC) Start(w http.ResponseWriter, r *http.Request) {
	next := sameSitePath(r.URL.Query().Get("suite"))
	if _, ok := o.auth.Current(r); ok {
		http.Redirect(w, r, next, http.StatusSeeOther)
		return
	}
	p, _, err := o.discover(r.Context())
	if err != nil {
		o.auth.logError("découverte OIDC", err)
		o.page(w, http.StatusBadGateway, "Le fournisseur d'identité est injoignable pour le moment : réessayez dans quelques minutes, ou connectez-vous avec votre mot de passe.", "")
		return
	}
	state, err1 := randomToken()
	nonce, err2 := randomToken()
	if err := errors.Join(err1, err2); err != nil {
		o.auth.logError("connexion OIDC", err)
		o.page(w, http.StatusInternalServerError, "Connexion impossible pour le moment : réessayez plus tard.", "")
		return
	}
	verifier := oauth2.GenerateVerifier()
	f := oidcFlow{State: state, Nonce: nonce, Verifier: verifier, Next: next, Expires: o.auth.now().Add(oidcFlowTTL).Unix()}
	http.SetCookie(w, &http.Cookie{Name: OIDCFlowCookie, Value: o.encodeFlow(f), Path: OIDCStartPath, MaxAge: int(oidcFlowTTL.Seconds()),
		HttpOnly: true, Secure: o.secure(r), SameSite: http.SameSiteLaxMode})
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, o.oauth2Config(p).AuthCodeURL(state, oidc.Nonce(nonce), oauth2.S256ChallengeOption(verifier)), http.StatusFound)
}

// oidcClaims are the claims read from the ID token or the userinfo answer.
type oidcClaims struct {
	Subject       string `json:"sub"`
	Email         string `json:"email"`
	EmailVerified *bool  `json:"email_verified"`
	GivenName     string `json:"given_name"`
	UsualName     string `json:"usual_name"`
}

// Callback ends the flow (GET OIDCCallbackPath): checks the state,
// exchanges the code, verifies the ID token and opens the session of the
// account whose login is the agent's email.
func (o *OIDC) Callback(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	q := r.URL.Query()
	c, err := r.Cookie(OIDCFlowCookie)
	o.clearFlow(w, r) // one use only
	if err != nil {
		o.page(w, http.StatusBadRequest, "La connexion a expiré ou n'a pas été commencée ici : recommencez.", "")
		return
	}
	f, err := o.decodeFlow(c.Value)
	if err != nil || subtle.ConstantTimeCompare([]byte(q.Get("state")), []byte(f.State)) != 1 {
		o.page(w, http.StatusBadRequest, "La connexion a expiré ou a été commencée dans un autre onglet : recommencez.", "")
		return
	}
	if e := q.Get("error"); e != "" {
		o.page(w, http.StatusUnauthorized, "Le fournisseur d'identité n'a pas confirmé la connexion ("+truncate(e, 64)+") : recommencez.", "")
		return
	}
	// RFC 9207: an answer naming another issuer is a mix-up.
	if iss := q.Get("iss"); iss != "" && iss != o.cfg.Issuer {
		o.page(w, http.StatusBadRequest, "La réponse vient d'un autre fournisseur d'identité : connexion refusée.", "")
		return
	}
	code := q.Get("code")
	if code == "" || len(code) > 2048 {
		o.page(w, http.StatusBadRequest, "Réponse du fournisseur d'identité sans code d'autorisation : recommencez.", "")
		return
	}
	p, verifier, err := o.discover(r.Context())
	if err != nil {
		o.auth.logError("découverte OIDC", err)
		o.page(w, http.StatusBadGateway, "Le fournisseur d'identité est injoignable pour le moment : réessayez dans quelques minutes.", "")
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), 2*oidcTimeout)
	defer cancel()
	ctx = o.ctx(ctx)
	conf := o.oauth2Config(p)
	tok, err := conf.Exchange(ctx, code, oauth2.VerifierOption(f.Verifier))
	if err != nil {
		o.auth.logError("échange du code OIDC", err)
		o.page(w, http.StatusBadGateway, "Le fournisseur d'identité n'a pas confirmé la connexion : recommencez.", "")
		return
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		o.auth.logError("connexion OIDC", errors.New("réponse sans id_token"))
		o.page(w, http.StatusBadGateway, "Le fournisseur d'identité n'a pas transmis de jeton d'identité : connexion refusée.", "")
		return
	}
	idt, err := verifier.Verify(ctx, raw)
	if err == nil && subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(f.Nonce)) != 1 {
		err = errors.New("nonce différent de celui de la demande")
	}
	if err != nil {
		o.auth.logError("jeton d'identité OIDC refusé", err)
		o.page(w, http.StatusUnauthorized, "Jeton d'identité invalide : connexion refusée. Recommencez ; si cela persiste, prévenez un administrateur.", "")
		return
	}
	var cl oidcClaims
	if err := idt.Claims(&cl); err != nil {
		o.auth.logError("jeton d'identité OIDC illisible", err)
		o.page(w, http.StatusUnauthorized, "Jeton d'identité illisible : connexion refusée.", "")
		return
	}
	if cl.Email == "" && p.UserInfoEndpoint() != "" {
		// ProConnect gives the email through userinfo, not in the ID token.
		cl, err = o.userInfo(ctx, p, conf, tok, idt.Subject)
		if err != nil {
			o.auth.logError("userinfo OIDC", err)
			o.page(w, http.StatusBadGateway, "Le fournisseur d'identité n'a pas transmis votre identité : recommencez.", "")
			return
		}
	}
	email := strings.TrimSpace(cl.Email)
	if email == "" || len(email) > 254 || strings.ContainsAny(email, " :\t\r\n") || !strings.Contains(email, "@") {
		o.page(w, http.StatusForbidden, "Le fournisseur d'identité n'a pas transmis d'adresse électronique utilisable : connexion impossible.", "")
		return
	}
	if cl.EmailVerified != nil && !*cl.EmailVerified {
		o.page(w, http.StatusForbidden, "Votre adresse électronique n'est pas vérifiée par le fournisseur d'identité : connexion refusée.", "")
		return
	}
	u, err := o.account(r.Context(), email)
	if errors.Is(err, store.ErrNotFound) {
		if o.auth.Log != nil {
			o.auth.Log.Warn("connexion OIDC d'un compte inconnu", "email", email, "sub", idt.Subject)
		}
		o.page(w, http.StatusForbidden, "Compte inconnu : demandez à un administrateur de le créer avec", "depenses user create "+email)
		return
	}
	if err != nil {
		o.auth.logError("connexion OIDC", err)
		o.page(w, http.StatusInternalServerError, "Connexion impossible pour le moment : réessayez plus tard.", "")
		return
	}
	if _, err := o.auth.Sessions.Issue(w, r, u.Login); err != nil {
		o.auth.logError("connexion OIDC", err)
		o.page(w, http.StatusInternalServerError, "Connexion impossible pour le moment : réessayez plus tard.", "")
		return
	}
	detail, _ := json.Marshal(map[string]string{"methode": "oidc", "fournisseur": o.cfg.Issuer, "sub": idt.Subject})
	o.auth.audit(r.Context(), store.AuditEntry{Actor: "user:" + u.Login, Action: "connexion", Subject: "user:" + u.Login, Detail: string(detail)})
	http.Redirect(w, r, f.Next, http.StatusSeeOther)
}

// userInfo reads the claims from the userinfo endpoint; its subject must
// be the ID token's (OpenID Connect Core 5.3.2).
func (o *OIDC) userInfo(ctx context.Context, p *oidc.Provider, conf *oauth2.Config, tok *oauth2.Token, subject string) (oidcClaims, error) {
	var cl oidcClaims
	ui, err := p.UserInfo(ctx, conf.TokenSource(ctx, tok))
	if err != nil {
		return cl, err
	}
	if err := ui.Claims(&cl); err != nil {
		return cl, err
	}
	if cl.Subject != subject {
		return oidcClaims{}, fmt.Errorf("sujet de userinfo %q différent de celui du jeton %q", cl.Subject, subject)
	}
	return cl, nil
}

// account finds the account whose login is email, case aside: as given,
// then in lower case (logins are stored as typed at creation).
func (o *OIDC) account(ctx context.Context, email string) (store.User, error) {
	u, err := o.auth.Store.User(ctx, email)
	if lower := strings.ToLower(email); errors.Is(err, store.ErrNotFound) && lower != email {
		u, err = o.auth.Store.User(ctx, lower)
	}
	return u, err
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

var oidcPage = template.Must(template.New("oidc").Parse(`<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>Connexion — Dépenses éclairées</title></head>
<body><main><h1>Connexion impossible</h1>
<p>{{.Message}}{{if .Command}} <code>{{.Command}}</code>.{{end}}</p>
<p><a href="/connexion">Revenir à la page de connexion</a></p></main></body></html>
`))

// page answers a refusal in French; nothing of the provider's answer is
// shown beyond its error code.
func (o *OIDC) page(w http.ResponseWriter, status int, message, command string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	oidcPage.Execute(w, struct{ Message, Command string }{message, command})
}
