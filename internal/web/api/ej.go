package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"github.com/depenses-eclairees/depenses/internal/chorus"
	"github.com/depenses-eclairees/depenses/internal/export"
	"github.com/depenses-eclairees/depenses/internal/fr"
	"github.com/depenses-eclairees/depenses/internal/reconcile"
	"github.com/depenses-eclairees/depenses/internal/store"
)

// EJItem is one EJ of a list.
type EJItem struct {
	NumEJ                string   `json:"num_ej"`
	Designation          string   `json:"designation"`
	DesignationClaire    bool     `json:"designation_claire"`
	FournisseurNom       string   `json:"fournisseur_nom,omitempty"`
	FournisseurSIREN     string   `json:"fournisseur_siren,omitempty"`
	PrestataireIdentifie bool     `json:"prestataire_identifie"`
	Administration       string   `json:"administration_beneficiaire,omitempty"`
	Ministere            string   `json:"ministere,omitempty"`
	Programme            string   `json:"programme,omitempty"`
	CentreFinancier      string   `json:"centre_financier,omitempty"`
	GroupeMarchandises   string   `json:"groupe_marchandises,omitempty"`
	OrganisationAchat    string   `json:"organisation_achat,omitempty"`
	GroupeAcheteurs      string   `json:"groupe_acheteurs,omitempty"`
	MontantHT            *float64 `json:"montant_ht,omitempty"`
	Date                 string   `json:"date,omitempty"`
	Conseil              bool     `json:"conseil"`
	NbDocuments          int      `json:"nb_documents"`
	NbAnomalies          int      `json:"nb_anomalies"`
	StatutRevue          string   `json:"statut_revue,omitempty" doc:"a_verifier, revue, ou absent sans anomalie"`
	ConfianceMin         float64  `json:"confiance_min" doc:"confiance la plus basse des trois valeurs enrichies"`
}

func itemOf(r store.EJIndex) EJItem {
	return EJItem{NumEJ: r.NumEJ, Designation: r.Designation, DesignationClaire: r.DesignationClaire,
		FournisseurNom: r.FournisseurNom, FournisseurSIREN: r.FournisseurSIREN, PrestataireIdentifie: r.PrestataireIdentif,
		Administration: r.Administration, Ministere: r.Ministere, Programme: r.Programme, CentreFinancier: r.CentreFinancier,
		GroupeMarchandises: r.GroupeMarchandises, OrganisationAchat: r.OrganisationAchat, GroupeAcheteurs: r.GroupeAcheteurs,
		MontantHT: r.MontantHT, Date: r.Date, Conseil: r.Conseil, NbDocuments: r.NbDocuments, NbAnomalies: r.NbAnomalies,
		StatutRevue: r.ReviewStatus, ConfianceMin: r.MinConfidence}
}

// EJFilters are the query parameters of a search.
type EJFilters struct {
	Q                  string `query:"q" maxLength:"200" doc:"numéro d'EJ (ou son début), nom ou SIREN du fournisseur, mots de la désignation"`
	Ministere          string `query:"ministere" maxLength:"200"`
	Programme          string `query:"programme" maxLength:"10" example:"0129"`
	CentreFinancier    string `query:"centre_financier" maxLength:"40"`
	GroupeMarchandises string `query:"groupe_marchandises" maxLength:"20" example:"33.01.04"`
	SIREN              string `query:"siren" maxLength:"9" pattern:"^[0-9]{9}$"`
	MontantMin         string `query:"montant_min" pattern:"^[0-9]+(\\.[0-9]+)?$" doc:"montant HT minimal (€)"`
	MontantMax         string `query:"montant_max" pattern:"^[0-9]+(\\.[0-9]+)?$" doc:"montant HT maximal (€)"`
	DateDebut          string `query:"date_debut" format:"date"`
	DateFin            string `query:"date_fin" format:"date"`
	Conseil            string `query:"conseil" enum:"oui,non"`
	Anomalie           string `query:"anomalie" enum:"oui,non" doc:"avec ou sans anomalie"`
	StatutRevue        string `query:"statut_revue" enum:"a_verifier,revue"`
}

func (f EJFilters) query() (store.EJQuery, error) {
	q := store.EJQuery{Text: f.Q, Ministere: f.Ministere, Programme: f.Programme, CentreFinancier: f.CentreFinancier,
		GroupeMarchandises: f.GroupeMarchandises, FournisseurSIREN: f.SIREN, DateFrom: f.DateDebut, DateTo: f.DateFin,
		ReviewStatus: f.StatutRevue}
	for _, a := range []struct {
		text string
		dst  **float64
	}{{f.MontantMin, &q.MontantMin}, {f.MontantMax, &q.MontantMax}} {
		if a.text == "" {
			continue
		}
		v, err := strconv.ParseFloat(a.text, 64)
		if err != nil {
			return q, huma.Error422UnprocessableEntity("montant invalide : " + a.text)
		}
		*a.dst = &v
	}
	yesNo := func(s string) *bool {
		if s == "" {
			return nil
		}
		b := s == "oui"
		return &b
	}
	q.Conseil, q.AvecAnomalie = yesNo(f.Conseil), yesNo(f.Anomalie)
	return q, nil
}

type listEJInput struct {
	EJFilters
	Tri     string `query:"tri" enum:"num_ej,montant,-montant,date,-date,revue" default:"num_ej" doc:"revue : faible confiance × montant élevé d'abord"`
	Curseur string `query:"curseur" maxLength:"1024" doc:"valeur suivant de la page précédente"`
	Limite  int    `query:"limite" minimum:"1" maximum:"500" default:"50"`
}

// EJList is one page of EJ.
type EJList struct {
	Total   int      `json:"total" doc:"EJ correspondant dans le périmètre"`
	Suivant string   `json:"suivant,omitempty" doc:"curseur de la page suivante ; absent à la fin"`
	Items   []EJItem `json:"items"`
}

type ejPath struct {
	Num string `path:"num" pattern:"^[0-9A-Za-z]{1,20}$" doc:"numéro d'EJ"`
}

// EJDetail is one EJ: Chorus's data and the enriched record as people
// validated it.
type EJDetail struct {
	NumEJ   string              `json:"num_ej"`
	Resume  EJItem              `json:"resume"`
	Chorus  chorus.EJ           `json:"chorus"`
	Enrichi *reconcile.Enriched `json:"enrichi,omitempty" doc:"absent tant que l'EJ n'est pas rapproché"`
}

type correctionInput struct {
	Num  string `path:"num" pattern:"^[0-9A-Za-z]{1,20}$" doc:"numéro d'EJ"`
	Body struct {
		Champ       string          `json:"champ" maxLength:"64" doc:"designation, prestataire.nom, prestataire.siret, prestataire.siren, administration_beneficiaire ; ou un champ d'un document avec document"`
		Valeur      json.RawMessage `json:"valeur" doc:"valeur JSON (texte pour les valeurs enrichies)"`
		Document    string          `json:"document,omitempty" pattern:"^[0-9a-f]{64}$" doc:"SHA-256 d'un document de l'EJ, pour corriger un de ses champs"`
		Commentaire string          `json:"commentaire,omitempty" maxLength:"2000"`
	}
}

// Correction is what was recorded.
type Correction struct {
	Sujet  string          `json:"sujet"`
	Champ  string          `json:"champ"`
	Valeur json.RawMessage `json:"valeur"`
	Par    string          `json:"par"`
}

var enrichedFields = []string{"designation", "prestataire.nom", "prestataire.siret", "prestataire.siren", "administration_beneficiaire"}

var fieldName = regexp.MustCompile(`^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)?$`)

func (s *server) registerEJ(api huma.API) {
	huma.Register(api, op("listEJ", http.MethodGet, "/ej", "Rechercher et lister les EJ", "EJ", store.ScopeRead),
		func(ctx context.Context, in *listEJInput) (*struct{ Body EJList }, error) {
			q, err := in.query()
			if err != nil {
				return nil, err
			}
			q.Sort, q.Cursor, q.Limit = in.Tri, in.Curseur, in.Limite
			page, err := s.Web.SearchEJ(ctx, principal(ctx).Perimeter, q)
			if err != nil {
				if strings.Contains(err.Error(), "curseur") || strings.Contains(err.Error(), "tri") {
					return nil, huma.Error400BadRequest(err.Error())
				}
				return nil, s.internal(err)
			}
			out := &struct{ Body EJList }{Body: EJList{Total: page.Total, Suivant: page.Next, Items: []EJItem{}}}
			for _, r := range page.Items {
				out.Body.Items = append(out.Body.Items, itemOf(r))
			}
			return out, nil
		})

	huma.Register(api, op("getEJ", http.MethodGet, "/ej/{num}", "Un EJ : données Chorus et fiche enrichie", "EJ", store.ScopeRead),
		func(ctx context.Context, in *ejPath) (*struct{ Body EJDetail }, error) {
			v := s.view(ctx)
			d, err := s.detail(ctx, v, in.Num)
			if err != nil {
				return nil, err
			}
			return &struct{ Body EJDetail }{Body: d}, nil
		})

	huma.Register(api, op("correctEJ", http.MethodPost, "/ej/{num}/corrections",
		"Corriger ou valider une valeur enrichie ou un champ d'un document", "Revue", store.ScopeReview),
		func(ctx context.Context, in *correctionInput) (*struct{ Body Correction }, error) {
			v := s.view(ctx)
			if _, err := s.seenIndex(ctx, v, in.Num); err != nil {
				return nil, err
			}
			b := in.Body
			if !json.Valid(b.Valeur) {
				return nil, huma.Error422UnprocessableEntity("valeur : JSON invalide")
			}
			subject := "ej:" + in.Num
			if b.Document != "" {
				docs, err := s.Store.DocumentsOf(ctx, in.Num)
				if err != nil {
					return nil, s.internal(err)
				}
				found := false
				for _, d := range docs {
					found = found || d.SHA256 == b.Document
				}
				if !found {
					return nil, huma.Error404NotFound("document absent de cet EJ")
				}
				if !fieldName.MatchString(b.Champ) {
					return nil, huma.Error422UnprocessableEntity("nom de champ invalide : " + b.Champ)
				}
				subject = "doc:" + b.Document
			} else if err := checkEnrichedValue(b.Champ, b.Valeur); err != nil {
				return nil, err
			}
			p := principal(ctx)
			err := s.Store.InTx(ctx, func(tx store.Tx) error {
				return tx.SaveReview(ctx, store.Review{Subject: subject, Field: b.Champ, Value: string(b.Valeur),
					Reviewer: p.Actor, Comment: b.Commentaire, At: s.now()})
			})
			if err != nil {
				return nil, s.internal(err)
			}
			detail, _ := json.Marshal(map[string]any{"ej": in.Num, "champ": b.Champ, "valeur": b.Valeur, "commentaire": b.Commentaire})
			if err := s.audit(ctx, "correction_champ", subject, string(detail)); err != nil {
				return nil, s.internal(err)
			}
			if err := s.reindex(ctx, in.Num); err != nil {
				return nil, s.internal(err)
			}
			return &struct{ Body Correction }{Body: Correction{Sujet: subject, Champ: b.Champ, Valeur: b.Valeur, Par: p.Actor}}, nil
		})
}

func checkEnrichedValue(field string, raw json.RawMessage) error {
	known := false
	for _, f := range enrichedFields {
		known = known || f == field
	}
	if !known {
		return huma.Error422UnprocessableEntity("champ " + field + " : une valeur enrichie est l'une de " + strings.Join(enrichedFields, ", ") +
			" ; pour un champ d'un document, indiquez document")
	}
	var v string
	if json.Unmarshal(raw, &v) != nil || strings.TrimSpace(v) == "" {
		return huma.Error422UnprocessableEntity("champ " + field + " : un texte non vide est attendu")
	}
	switch field {
	case "prestataire.siret":
		if !fr.ValidSIRET(v) {
			return huma.Error422UnprocessableEntity("SIRET invalide : 14 chiffres dont la clé de contrôle est juste")
		}
	case "prestataire.siren":
		if !fr.ValidSIREN(v) {
			return huma.Error422UnprocessableEntity("SIREN invalide : 9 chiffres dont la clé de contrôle est juste")
		}
	}
	return nil
}

// seenIndex returns an EJ's index row if the caller sees it, else 404:
// an EJ outside the perimeter does not exist for them.
func (s *server) seenIndex(ctx context.Context, v *view, num string) (store.EJIndex, error) {
	ok, err := v.sees(ctx, num)
	if err != nil {
		return store.EJIndex{}, s.internal(err)
	}
	if !ok {
		return store.EJIndex{}, huma.Error404NotFound("EJ " + num + " introuvable")
	}
	r, found, err := s.indexed(ctx, num)
	if err != nil {
		return r, s.internal(err)
	}
	if !found {
		r = store.EJIndex{NumEJ: num}
	}
	return r, nil
}

// indexed finds an EJ's index row (the search is by number prefix).
func (s *server) indexed(ctx context.Context, num string) (store.EJIndex, bool, error) {
	q := store.EJQuery{Text: num, Limit: 500}
	for {
		page, err := s.Web.SearchEJ(ctx, store.Perimeter{All: true}, q)
		if err != nil {
			return store.EJIndex{}, false, err
		}
		for _, r := range page.Items {
			if r.NumEJ == num {
				return r, true, nil
			}
		}
		if page.Next == "" {
			return store.EJIndex{}, false, nil
		}
		q.Cursor = page.Next
	}
}

func (s *server) detail(ctx context.Context, v *view, num string) (EJDetail, error) {
	idx, err := s.seenIndex(ctx, v, num)
	if err != nil {
		return EJDetail{}, err
	}
	ej, err := s.Store.EJ(ctx, num)
	if err != nil {
		return EJDetail{}, s.notFoundOr(err, "EJ "+num)
	}
	d := EJDetail{NumEJ: num, Resume: itemOf(idx), Chorus: ej}
	rec, err := export.Record(ctx, s.Store, num)
	switch {
	case errors.Is(err, store.ErrNotFound):
	case err != nil:
		return d, s.internal(err)
	default:
		if err := v.record(ctx, &rec); err != nil {
			return d, s.internal(err)
		}
		d.Enrichi = &rec
	}
	return d, nil
}

func (s *server) reindex(ctx context.Context, num string) error {
	if err := export.Reindex(ctx, s.Store, s.Web, num); err != nil {
		return fmt.Errorf("EJ %s : %w", num, err)
	}
	return nil
}
