package sync

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"golang.org/x/time/rate"
)

// Config says where the API is, how to authenticate, and how hard to push.
// Zero values take the defaults noted.
type Config struct {
	// BaseURL is the OData service root; "export_pj_ej/…" is appended.
	BaseURL string
	// TokenURL receives the client_credentials grant.
	TokenURL     string
	ClientID     string
	ClientSecret string
	// Scope is sent with the grant when not empty ("openid" for the State's tool).
	Scope string

	RequestsPerSecond float64       // default 5
	Timeout           time.Duration // one JSON request, headers and body; default 60 s
	DownloadTimeout   time.Duration // one attachment; default 15 min
	MaxAttempts       int           // per request, the first included; default 6
	BaseDelay         time.Duration // first backoff delay; default 2 s, doubled each time
	MaxDelay          time.Duration // backoff cap; default 2 min
	MaxRetryAfter     time.Duration // cap on a server's Retry-After; default 5 min
	// TooManyRequestsDelay is the least wait after a 429 without
	// Retry-After; default 60 s, as the State's services expect (DOMAIN.md §6).
	TooManyRequestsDelay time.Duration
	MaxJSONBytes         int64 // one JSON response; default 64 MiB
	MaxAttachment        int64 // one attachment; default 100 MiB
	PageSize             int   // $top; default 500
	HTTPClient           *http.Client
}

func (c Config) withDefaults() Config {
	def := func(v *time.Duration, d time.Duration) {
		if *v <= 0 {
			*v = d
		}
	}
	if c.RequestsPerSecond <= 0 {
		c.RequestsPerSecond = 5
	}
	def(&c.Timeout, 60*time.Second)
	def(&c.DownloadTimeout, 15*time.Minute)
	def(&c.BaseDelay, 2*time.Second)
	def(&c.TooManyRequestsDelay, 60*time.Second)
	def(&c.MaxDelay, 2*time.Minute)
	def(&c.MaxRetryAfter, 5*time.Minute)
	if c.MaxAttempts <= 0 {
		c.MaxAttempts = 6
	}
	if c.MaxJSONBytes <= 0 {
		c.MaxJSONBytes = 64 << 20
	}
	if c.MaxAttachment <= 0 {
		c.MaxAttachment = 100 << 20
	}
	if c.PageSize <= 0 {
		c.PageSize = 500
	}
	if c.HTTPClient == nil {
		c.HTTPClient = &http.Client{}
	}
	return c
}

// Client talks to the API. It is safe for concurrent use.
type Client struct {
	cfg     Config
	base    *url.URL
	limiter *rate.Limiter

	tokenLock chan struct{} // one token request at a time
	token     string
	expires   time.Time // zero: until the server answers 401
}

// NewClient checks the configuration.
func NewClient(cfg Config) (*Client, error) {
	cfg = cfg.withDefaults()
	base, err := url.Parse(cfg.BaseURL)
	if err != nil || (base.Scheme != "https" && base.Scheme != "http") || base.Host == "" {
		return nil, fmt.Errorf("adresse de l'API Chorus invalide %q (attendu https://…)", cfg.BaseURL)
	}
	if !strings.HasSuffix(base.Path, "/") {
		base.Path += "/"
		if base.RawPath != "" {
			base.RawPath += "/"
		}
	}
	if tu, err := url.Parse(cfg.TokenURL); err != nil || (tu.Scheme != "https" && tu.Scheme != "http") || tu.Host == "" {
		return nil, fmt.Errorf("adresse du jeton OAuth2 invalide %q (attendu https://…)", cfg.TokenURL)
	}
	if cfg.ClientID == "" || cfg.ClientSecret == "" {
		return nil, errors.New("identifiant et secret client OAuth2 obligatoires")
	}
	return &Client{
		cfg:       cfg,
		base:      base,
		limiter:   rate.NewLimiter(rate.Limit(cfg.RequestsPerSecond), 1),
		tokenLock: make(chan struct{}, 1),
	}, nil
}

// Error is a request that failed for good: the server refused it, or every
// attempt failed. What names the EJ or attachment concerned.
type Error struct {
	What     string
	Status   int // HTTP status of the last answer; 0 when there was none
	Attempts int
	// Permanent means retrying will not help (a 4xx other than 401 and 429,
	// a size beyond the limit); otherwise a later run may succeed.
	Permanent bool
	Err       error
}

func (e *Error) Error() string {
	if e.Attempts > 1 {
		return fmt.Sprintf("%s : %v (après %d tentatives)", e.What, e.Err, e.Attempts)
	}
	return fmt.Sprintf("%s : %v", e.What, e.Err)
}

func (e *Error) Unwrap() error { return e.Err }

// outcome is what one attempt gave.
type outcome struct {
	err        error
	status     int
	retryAfter time.Duration
	throttled  bool // a 429
	permanent  bool
	renewToken bool // a 401: renew the token and try again at once
}

// retry runs try until it succeeds, fails for good, or ctx ends. A 401 is
// retried once per call, at once, with a new token.
func (c *Client) retry(ctx context.Context, what string, try func(ctx context.Context) outcome) error {
	renewed := false
	attempt := 0
	for {
		attempt++
		if err := c.limiter.Wait(ctx); err != nil {
			return &Error{What: what, Attempts: attempt - 1, Err: canceled(ctx, err)}
		}
		o := try(ctx)
		if o.err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return &Error{What: what, Attempts: attempt, Err: context.Cause(ctx)}
		}
		if o.renewToken {
			if !renewed {
				renewed = true
				attempt--
				continue
			}
			o.permanent = true
			o.err = errors.New("authentification refusée (HTTP 401) même avec un jeton neuf")
		}
		if o.permanent || attempt >= c.cfg.MaxAttempts {
			return &Error{What: what, Status: o.status, Attempts: attempt, Permanent: o.permanent, Err: o.err}
		}
		delay := c.backoff(attempt)
		switch {
		case o.retryAfter > 0:
			delay = min(o.retryAfter, c.cfg.MaxRetryAfter)
		case o.throttled:
			delay = max(delay, c.cfg.TooManyRequestsDelay)
		}
		if err := sleep(ctx, delay); err != nil {
			return &Error{What: what, Status: o.status, Attempts: attempt, Err: context.Cause(ctx)}
		}
	}
}

// backoff is exponential with jitter: between half and all of
// BaseDelay·2^(attempt-1), capped at MaxDelay.
func (c *Client) backoff(attempt int) time.Duration {
	d := c.cfg.BaseDelay << min(attempt-1, 30)
	if d <= 0 || d > c.cfg.MaxDelay {
		d = c.cfg.MaxDelay
	}
	return d/2 + rand.N(d/2+1)
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func canceled(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return context.Cause(ctx)
	}
	return err
}

// retryAfter reads Retry-After as seconds or as an HTTP date.
func retryAfter(h http.Header, now time.Time) time.Duration {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0
	}
	if s, err := strconv.Atoi(v); err == nil && s >= 0 {
		return time.Duration(min(s, 86400)) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// statusOutcome classifies a non-2xx answer; body is a bounded prefix.
func statusOutcome(resp *http.Response, body []byte) outcome {
	detail := odataError(body)
	if detail != "" {
		detail = " : " + detail
	}
	code := resp.StatusCode
	o := outcome{status: code}
	switch {
	case code == http.StatusUnauthorized:
		o.renewToken = true
		o.err = errors.New("jeton refusé (HTTP 401)")
	case code == http.StatusTooManyRequests:
		o.retryAfter = retryAfter(resp.Header, time.Now())
		o.throttled = true
		o.err = fmt.Errorf("trop de requêtes (HTTP 429)%s", detail)
	case code >= 500:
		o.err = fmt.Errorf("erreur du serveur (HTTP %d)%s", code, detail)
	case code == http.StatusNotFound:
		o.permanent = true
		o.err = fmt.Errorf("introuvable sur le serveur (HTTP 404)%s", detail)
	case code == http.StatusForbidden:
		o.permanent = true
		o.err = fmt.Errorf("accès refusé (HTTP 403), hors du périmètre du compte ?%s", detail)
	default:
		o.permanent = true
		o.err = fmt.Errorf("requête refusée (HTTP %d)%s", code, detail)
	}
	return o
}

// drainClose reads a little of what is left so the connection can be
// reused, then closes.
func drainClose(resp *http.Response) {
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
}

func readPrefix(resp *http.Response) []byte {
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 16<<10))
	return b
}

// transportOutcome turns a network or timeout error into a retryable outcome.
func transportOutcome(ctx context.Context, err error, timeout time.Duration) outcome {
	if errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil {
		return outcome{err: fmt.Errorf("pas de réponse complète en %s", timeout)}
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return outcome{err: errors.New("réponse tronquée (corps plus court que annoncé)")}
	}
	return outcome{err: fmt.Errorf("erreur réseau : %w", err)}
}

// accessToken returns the cached token or asks for one.
func (c *Client) accessToken(ctx context.Context) (string, error) {
	select {
	case c.tokenLock <- struct{}{}:
	case <-ctx.Done():
		return "", context.Cause(ctx)
	}
	defer func() { <-c.tokenLock }()
	if c.token != "" && (c.expires.IsZero() || time.Now().Before(c.expires)) {
		return c.token, nil
	}
	var tok tokenResponse
	err := c.retry(ctx, "obtention du jeton OAuth2 ("+c.cfg.TokenURL+")", func(ctx context.Context) outcome {
		actx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
		defer cancel()
		form := url.Values{"grant_type": {"client_credentials"}, "client_id": {c.cfg.ClientID}, "client_secret": {c.cfg.ClientSecret}}
		if c.cfg.Scope != "" {
			form.Set("scope", c.cfg.Scope)
		}
		req, err := http.NewRequestWithContext(actx, http.MethodPost, c.cfg.TokenURL, strings.NewReader(form.Encode()))
		if err != nil {
			return outcome{err: err, permanent: true}
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Accept", "application/json")
		resp, err := c.cfg.HTTPClient.Do(req)
		if err != nil {
			return transportOutcome(ctx, err, c.cfg.Timeout)
		}
		defer drainClose(resp)
		if resp.StatusCode == http.StatusBadRequest || resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden {
			return outcome{status: resp.StatusCode, permanent: true,
				err: fmt.Errorf("identifiants refusés (HTTP %d) : vérifiez l'identifiant et le secret client%s", resp.StatusCode, prefixed(oauthError(readPrefix(resp))))}
		}
		if resp.StatusCode/100 != 2 {
			return statusOutcome(resp, readPrefix(resp))
		}
		body, o := readBody(ctx, resp, 1<<20, c.cfg.Timeout)
		if o.err != nil {
			return o
		}
		tok = tokenResponse{}
		if err := json.Unmarshal(body, &tok); err != nil || tok.AccessToken == "" {
			return outcome{status: resp.StatusCode, err: errors.New("réponse du serveur de jetons sans access_token")}
		}
		return outcome{}
	})
	if err != nil {
		return "", err
	}
	c.token = tok.AccessToken
	c.expires = time.Time{}
	if s, err := strconv.ParseFloat(string(tok.ExpiresIn), 64); err == nil && s > 0 {
		// Renew a little before the end so a request does not carry a
		// token that expires on the way.
		life := time.Duration(s * float64(time.Second))
		c.expires = time.Now().Add(life - min(30*time.Second, life/10))
	}
	return c.token, nil
}

type tokenResponse struct {
	AccessToken string     `json:"access_token"`
	ExpiresIn   flexString `json:"expires_in"`
}

func oauthError(body []byte) string {
	var e struct {
		Error       string `json:"error"`
		Description string `json:"error_description"`
	}
	if json.Unmarshal(body, &e) != nil {
		return ""
	}
	return truncate(strings.TrimSpace(e.Error+" "+e.Description), 200)
}

func prefixed(s string) string {
	if s == "" {
		return ""
	}
	return " — " + s
}

// forgetToken drops tok after a 401, unless another request renewed it already.
func (c *Client) forgetToken(tok string) {
	c.tokenLock <- struct{}{}
	if c.token == tok {
		c.token = ""
	}
	<-c.tokenLock
}

// get sends one authenticated GET; handle reads a 2xx answer.
func (c *Client) get(ctx context.Context, u string, timeout time.Duration, handle func(ctx context.Context, resp *http.Response) outcome) outcome {
	tok, err := c.accessToken(ctx)
	if err != nil {
		return outcome{err: err, permanent: true}
	}
	actx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(actx, http.MethodGet, u, nil)
	if err != nil {
		return outcome{err: err, permanent: true}
	}
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Accept", "application/json")
	resp, err := c.cfg.HTTPClient.Do(req)
	if err != nil {
		return transportOutcome(ctx, err, timeout)
	}
	defer drainClose(resp)
	if resp.StatusCode/100 != 2 {
		o := statusOutcome(resp, readPrefix(resp))
		if o.renewToken {
			c.forgetToken(tok)
		}
		return o
	}
	return handle(ctx, resp)
}

// readBody reads a whole bounded body; a short or broken body is retryable.
func readBody(ctx context.Context, resp *http.Response, limit int64, timeout time.Duration) ([]byte, outcome) {
	if resp.ContentLength > limit {
		return nil, outcome{status: resp.StatusCode, permanent: true, err: fmt.Errorf("réponse de %d octets, au-delà de la limite de %d Mo", resp.ContentLength, limit>>20)}
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		o := transportOutcome(ctx, err, timeout)
		o.status = resp.StatusCode
		return nil, o
	}
	if int64(len(body)) > limit {
		return nil, outcome{status: resp.StatusCode, permanent: true, err: fmt.Errorf("réponse au-delà de la limite de %d Mo", limit>>20)}
	}
	return body, outcome{}
}

// endpoint is the URL of an entity set under the service root.
func (c *Client) endpoint(path string, q url.Values) string {
	u := *c.base
	ref, _ := url.Parse(path)
	v := u.ResolveReference(ref)
	if q != nil {
		v.RawQuery = q.Encode()
	}
	return v.String()
}

// maxPages bounds server-driven paging, in case a server loops.
const maxPages = 100_000

// list reads every page of an entity set filtered by filter, calling each
// per record. Paging follows d.__next when the server gives it, $top/$skip
// otherwise.
func (c *Client) list(ctx context.Context, what, path, filter string, each func(json.RawMessage)) error {
	top := c.cfg.PageSize
	query := func(skip int) string {
		return c.endpoint(path, url.Values{"$filter": {filter}, "$top": {strconv.Itoa(top)}, "$skip": {strconv.Itoa(skip)}})
	}
	next := query(0)
	skip := 0
	var prevFirst string
	for n := 0; n < maxPages; n++ {
		var pg page
		err := c.retry(ctx, what, func(ctx context.Context) outcome {
			return c.get(ctx, next, c.cfg.Timeout, func(ctx context.Context, resp *http.Response) outcome {
				body, o := readBody(ctx, resp, c.cfg.MaxJSONBytes, c.cfg.Timeout)
				if o.err != nil {
					return o
				}
				p, err := parsePage(body)
				if err != nil {
					// Often a body cut short without a Content-Length.
					return outcome{status: resp.StatusCode, err: err}
				}
				pg = p
				return outcome{}
			})
		})
		if err != nil {
			return err
		}
		if len(pg.Results) > 0 {
			first := string(pg.Results[0])
			if n > 0 && first == prevFirst {
				return &Error{What: what, Permanent: true, Err: errors.New("le serveur renvoie la même page deux fois (paramètre $skip ignoré ?)")}
			}
			prevFirst = first
		}
		for _, r := range pg.Results {
			each(r)
		}
		switch {
		case pg.Next != "":
			u, err := c.sameServer(next, pg.Next)
			if err != nil {
				return &Error{What: what, Permanent: true, Err: err}
			}
			next = u
		case len(pg.Results) < top || len(pg.Results) == 0:
			return nil
		default:
			skip += len(pg.Results)
			next = query(skip)
		}
	}
	return &Error{What: what, Permanent: true, Err: fmt.Errorf("plus de %d pages", maxPages)}
}

// sameServer resolves a __next link and refuses one to another server: the
// bearer token must not leave.
func (c *Client) sameServer(current, link string) (string, error) {
	cur, err := url.Parse(current)
	if err != nil {
		return "", err
	}
	ref, err := url.Parse(link)
	if err != nil {
		return "", fmt.Errorf("lien de page suivante illisible %q", truncate(link, 100))
	}
	u := cur.ResolveReference(ref)
	if u.Scheme != c.base.Scheme || u.Host != c.base.Host {
		return "", fmt.Errorf("lien de page suivante vers un autre serveur (%s)", u.Host)
	}
	return u.String(), nil
}

// ActivityFilter narrows liste_ej_place to purchasing organisations (OA)
// and purchasing groups (GA); empty lists do not filter.
type ActivityFilter struct {
	PurOrgs   []string
	PurGroups []string
}

func anyOf(field string, values []string) string {
	var parts []string
	for _, v := range values {
		parts = append(parts, field+" eq "+quote(v))
	}
	if len(parts) == 1 {
		return parts[0]
	}
	return "(" + strings.Join(parts, " or ") + ")"
}

// ListActivity lists the EJ received in [from, to]. Records that cannot be
// read are returned as French messages and skipped.
func (c *Client) ListActivity(ctx context.Context, from, to time.Time, f ActivityFilter) ([]Activity, []string, error) {
	filter := "date_reception ge " + FormatDateTime(from) + " and date_reception le " + FormatDateTime(to)
	if len(f.PurOrgs) > 0 {
		filter += " and " + anyOf("pur_org", f.PurOrgs)
	}
	if len(f.PurGroups) > 0 {
		filter += " and " + anyOf("pur_group", f.PurGroups)
	}
	what := fmt.Sprintf("liste des EJ reçus du %s au %s", from.UTC().Format("2006-01-02 15:04"), to.UTC().Format("2006-01-02 15:04"))
	var acts []Activity
	var issues []string
	err := c.list(ctx, what, "export_pj_ej/liste_ej_place", filter, func(raw json.RawMessage) {
		a, err := parseActivity(raw)
		if err != nil {
			issues = append(issues, err.Error())
			return
		}
		acts = append(acts, a)
	})
	return acts, issues, err
}

// ListAttachments lists the attachments of an EJ, without duplicates (the
// API may list one id twice; the earlier date is kept).
func (c *Client) ListAttachments(ctx context.Context, numEJ string) ([]AttachmentMeta, []string, error) {
	filter := "num_ej eq " + quote(numEJ) + " and object_type eq 'BUS2201'"
	var metas []AttachmentMeta
	var issues []string
	index := map[string]int{}
	err := c.list(ctx, "liste des pièces jointes de l'EJ "+numEJ, "export_pj_ej/pieces_jointes_metadata", filter, func(raw json.RawMessage) {
		m, err := parseAttachmentMeta(raw)
		if err != nil {
			issues = append(issues, fmt.Sprintf("EJ %s : %v", numEJ, err))
			return
		}
		if i, dup := index[m.ID]; dup {
			if !m.Date.IsZero() && (metas[i].Date.IsZero() || m.Date.Before(metas[i].Date)) {
				metas[i].Date = m.Date
			}
			return
		}
		index[m.ID] = len(metas)
		metas = append(metas, m)
	})
	return metas, issues, err
}

// Download writes an attachment into a new hidden temporary file in dir and
// returns its path and size: the caller renames it. The content is checked
// against size_pj and bounded by MaxAttachment.
func (c *Client) Download(ctx context.Context, m AttachmentMeta, dir string) (string, int64, error) {
	what := fmt.Sprintf("pièce jointe « %s » (id %s) de l'EJ %s", truncate(m.Name, 120), m.ID, m.NumEJ)
	limit := c.cfg.MaxAttachment
	if m.Size > limit {
		return "", 0, &Error{What: what, Permanent: true, Err: fmt.Errorf("%d octets annoncés, au-delà de la limite de %d Mo", m.Size, limit>>20)}
	}
	u := c.endpoint("export_pj_ej/pieces_jointes_data('"+url.PathEscape(strings.ReplaceAll(m.ID, "'", "''"))+"')/$value", nil)
	var path string
	var size int64
	err := c.retry(ctx, what, func(ctx context.Context) outcome {
		return c.get(ctx, u, c.cfg.DownloadTimeout, func(ctx context.Context, resp *http.Response) outcome {
			if resp.ContentLength > limit {
				return outcome{status: resp.StatusCode, permanent: true, err: fmt.Errorf("%d octets annoncés, au-delà de la limite de %d Mo", resp.ContentLength, limit>>20)}
			}
			f, err := os.CreateTemp(dir, ".telechargement-*")
			if err != nil {
				return outcome{permanent: true, err: fmt.Errorf("dossier de réception : %w", err)}
			}
			keep := false
			defer func() {
				if !keep {
					f.Close()
					os.Remove(f.Name())
				}
			}()
			n, err := io.Copy(f, io.LimitReader(resp.Body, limit+1))
			if err != nil {
				var pe *os.PathError
				if errors.As(err, &pe) {
					return outcome{permanent: true, err: fmt.Errorf("écriture : %w", err)}
				}
				o := transportOutcome(ctx, err, c.cfg.DownloadTimeout)
				o.status = resp.StatusCode
				return o
			}
			switch {
			case n > limit:
				return outcome{status: resp.StatusCode, permanent: true, err: fmt.Errorf("au-delà de la limite de %d Mo", limit>>20)}
			case m.Size >= 0 && n < m.Size:
				return outcome{status: resp.StatusCode, err: fmt.Errorf("pièce tronquée : %d octets reçus sur %d annoncés (size_pj)", n, m.Size)}
			case m.Size >= 0 && n > m.Size:
				return outcome{status: resp.StatusCode, permanent: true, err: fmt.Errorf("%d octets reçus pour %d annoncés (size_pj)", n, m.Size)}
			}
			if err := f.Sync(); err != nil {
				return outcome{permanent: true, err: fmt.Errorf("écriture : %w", err)}
			}
			if err := f.Close(); err != nil {
				return outcome{permanent: true, err: fmt.Errorf("écriture : %w", err)}
			}
			keep = true
			path, size = f.Name(), n
			return outcome{}
		})
	})
	if err != nil {
		return "", 0, err
	}
	return path, size, nil
}
