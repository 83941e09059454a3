package ui

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/depenses-eclairees/depenses/internal/fr"
	"github.com/depenses-eclairees/depenses/internal/store"
)

// Query parameters of the search form, in French as users see them in the address bar.
const (
	paramText        = "q"
	paramMinistere   = "ministere"
	paramProgramme   = "programme"
	paramCentre      = "centre_financier"
	paramGM          = "groupe_marchandises"
	paramSIREN       = "siren"
	paramMontantMin  = "montant_min"
	paramMontantMax  = "montant_max"
	paramDateFrom    = "date_debut"
	paramDateTo      = "date_fin"
	paramConseil     = "conseil"
	paramAnomalie    = "anomalie"
	paramRevue       = "revue"
	paramSort        = "tri"
	paramCursor      = "curseur"
	paramLimit       = "par_page"
	maxParamLen      = 200
	defaultPageLimit = 50
)

var sortOptions = []option{
	{"num_ej", "Numéro d'EJ"},
	{"-montant", "Montant décroissant"},
	{"montant", "Montant croissant"},
	{"-date", "Date récente d'abord"},
	{"date", "Date ancienne d'abord"},
	{"revue", "À revoir d'abord (confiance faible × montant élevé)"},
}

type option struct{ Value, Label string }

var (
	isoDate     = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
	programmeRe = regexp.MustCompile(`^\d{3,4}$`)
)

// searchForm is the search as the user typed it, with what was wrong in it.
type searchForm struct {
	Values url.Values
	Query  store.EJQuery
	Errors map[string]string // by parameter
}

func (f searchForm) get(name string) string { return f.Values.Get(name) }

// parseSearch reads the search parameters. A wrong value does not filter
// and is reported next to its field, so that nothing is searched on a guess.
func parseSearch(v url.Values) searchForm {
	f := searchForm{Values: url.Values{}, Errors: map[string]string{}}
	text := func(name string) string {
		s := strings.TrimSpace(v.Get(name))
		if !utf8.ValidString(s) {
			f.Errors[name] = "Texte illisible (encodage invalide)."
			return ""
		}
		if len(s) > maxParamLen {
			f.Errors[name] = fmt.Sprintf("Texte trop long (%d caractères au plus).", maxParamLen)
			return ""
		}
		if s != "" {
			f.Values.Set(name, s)
		}
		return s
	}
	q := &f.Query
	q.Text = text(paramText)
	q.Ministere = text(paramMinistere)
	if p := text(paramProgramme); p != "" {
		if programmeRe.MatchString(p) {
			q.Programme = fmt.Sprintf("%04s", p)
		} else {
			f.Errors[paramProgramme] = "Un programme s'écrit avec 3 ou 4 chiffres (ex. 0129)."
		}
	}
	q.CentreFinancier = text(paramCentre)
	q.GroupeMarchandises = text(paramGM)
	if s := text(paramSIREN); s != "" {
		d := fr.NormalizeDigits(s)
		if len(d) == 14 {
			d = d[:9] // a SIRET names its SIREN
		}
		if len(d) == 9 {
			q.FournisseurSIREN = d
		} else {
			f.Errors[paramSIREN] = "Un SIREN a 9 chiffres (ou un SIRET 14)."
		}
	}
	amount := func(name string) *float64 {
		s := text(name)
		if s == "" {
			return nil
		}
		a, ok := fr.ParseAmount(s)
		if !ok {
			a, ok = parsePlainNumber(s)
		}
		if !ok || a < 0 {
			f.Errors[name] = "Montant illisible (ex. 40 000 ou 40000,50)."
			return nil
		}
		return &a
	}
	q.MontantMin, q.MontantMax = amount(paramMontantMin), amount(paramMontantMax)
	if q.MontantMin != nil && q.MontantMax != nil && *q.MontantMin > *q.MontantMax {
		f.Errors[paramMontantMax] = "Le montant maximal est inférieur au minimal."
		q.MontantMax = nil
	}
	date := func(name string) string {
		s := text(name)
		if s == "" {
			return ""
		}
		if isoDate.MatchString(s) {
			if _, ok := fr.ParseDate(s); ok {
				return s
			}
		}
		if t, ok := fr.ParseDate(s); ok {
			d := t.Format("2006-01-02")
			f.Values.Set(name, d)
			return d
		}
		f.Errors[name] = "Date illisible (ex. 2026-03-31 ou 31/03/2026)."
		return ""
	}
	q.DateFrom, q.DateTo = date(paramDateFrom), date(paramDateTo)
	if q.DateFrom != "" && q.DateTo != "" && q.DateFrom > q.DateTo {
		f.Errors[paramDateTo] = "La date de fin précède la date de début."
		q.DateTo = ""
	}
	yesNo := func(name string) *bool {
		switch text(name) {
		case "":
			return nil
		case "oui":
			b := true
			return &b
		case "non":
			b := false
			return &b
		}
		f.Errors[name] = "Choisissez oui, non ou indifférent."
		return nil
	}
	q.Conseil, q.AvecAnomalie = yesNo(paramConseil), yesNo(paramAnomalie)
	switch st := text(paramRevue); st {
	case "", store.AnomalyToCheck, "revue":
		q.ReviewStatus = st
	default:
		f.Errors[paramRevue] = "Statut de revue inconnu."
	}
	q.Sort = "num_ej"
	if st := text(paramSort); st != "" {
		known := false
		for _, o := range sortOptions {
			known = known || o.Value == st
		}
		if known {
			q.Sort = st
		} else {
			f.Errors[paramSort] = "Tri inconnu."
		}
	}
	q.Cursor = text(paramCursor)
	q.Limit = defaultPageLimit
	if s := text(paramLimit); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 500 {
			f.Errors[paramLimit] = "Entre 1 et 500 résultats par page."
		} else {
			q.Limit = n
		}
	}
	return f
}

// parsePlainNumber reads "40000", "40000.5" or "40000,5" that
// fr.ParseAmount, made for amounts printed in documents, may refuse.
func parsePlainNumber(s string) (float64, bool) {
	s = strings.ReplaceAll(strings.ReplaceAll(s, " ", ""), "\u00a0", "")
	s = strings.TrimSuffix(strings.TrimSuffix(s, "€"), "EUR")
	s = strings.Replace(s, ",", ".", 1)
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || v != v || v > 1e15 {
		return 0, false
	}
	return v, true
}

// withParams is the search URL for the same filters with some changed.
func (f searchForm) withParams(path string, set map[string]string) string {
	v := url.Values{}
	for k, vs := range f.Values {
		if k != paramCursor {
			v[k] = vs
		}
	}
	for k, val := range set {
		if val == "" {
			v.Del(k)
		} else {
			v.Set(k, val)
		}
	}
	if len(v) == 0 {
		return path
	}
	return path + "?" + v.Encode()
}

// searchView is what the search page and its htmx fragment show.
type searchView struct {
	Sess  session
	Form  searchForm
	Page  store.EJPage
	Path  string // /recherche or /revue
	Queue bool
	Next  string // URL of the next page
	First string // URL of the first page when not on it
}

func (s *server) search(w http.ResponseWriter, r *http.Request) {
	s.searchWith(w, r, false)
}

// queue is the review queue: the same search ordered by low confidence ×
// high amount, and limited to EJ with something to check by default.
func (s *server) queue(w http.ResponseWriter, r *http.Request) {
	s.searchWith(w, r, true)
}

func (s *server) searchWith(w http.ResponseWriter, r *http.Request, queue bool) {
	sess := sessionOf(r)
	f := parseSearch(r.URL.Query())
	path := "/recherche"
	if queue {
		path = "/revue"
		if f.get(paramSort) == "" {
			f.Query.Sort = "revue"
		}
		if f.get(paramRevue) == "" && !r.URL.Query().Has(paramRevue) {
			f.Query.ReviewStatus = store.AnomalyToCheck
			f.Values.Set(paramRevue, store.AnomalyToCheck)
		}
	}
	page, err := s.Web.SearchEJ(r.Context(), sess.User.Perimeter, f.Query)
	if err != nil {
		// A stale or forged cursor is the user's to fix, not ours.
		if f.Query.Cursor != "" {
			f.Errors[paramCursor] = "Pagination expirée : la recherche reprend au début."
			f.Query.Cursor = ""
			page, err = s.Web.SearchEJ(r.Context(), sess.User.Perimeter, f.Query)
		}
		if err != nil {
			s.internal(w, r, err)
			return
		}
	}
	v := searchView{Sess: sess, Form: f, Page: page, Path: path, Queue: queue}
	if page.Next != "" {
		v.Next = f.withParams(path, map[string]string{paramCursor: page.Next})
	}
	if f.Query.Cursor != "" {
		v.First = f.withParams(path, nil)
	}
	if r.Header.Get("HX-Request") != "" && r.Header.Get("HX-Target") == "resultats" {
		s.render(w, r, http.StatusOK, searchResults(v))
		return
	}
	s.render(w, r, http.StatusOK, searchPage(v))
}
