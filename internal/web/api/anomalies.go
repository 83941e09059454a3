package api

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/depenses-eclairees/depenses/internal/anomaly"
	"github.com/depenses-eclairees/depenses/internal/store"
)

// AnomalyItem is an anomaly with its review.
type AnomalyItem struct {
	Cle string `json:"cle"`
	anomaly.Anomaly
	Statut      string     `json:"statut" doc:"a_verifier, confirmee ou faux_positif"`
	RevuePar    string     `json:"revue_par,omitempty"`
	Commentaire string     `json:"commentaire,omitempty"`
	RevueLe     *time.Time `json:"revue_le,omitempty"`
}

// anomalyItem is the caller's view of an anomaly; ok is false when it
// sees none of its EJ.
func (v *view) anomalyItem(ctx context.Context, row store.AnomalyRow) (AnomalyItem, bool, error) {
	a, ok, err := v.anomalyRow(ctx, row)
	if err != nil || !ok {
		return AnomalyItem{}, ok, err
	}
	it := AnomalyItem{Cle: a.Key, Anomaly: a.Anomaly, Statut: a.Review.Statut, RevuePar: a.Review.Reviewer, Commentaire: a.Review.Comment}
	if !a.Review.At.IsZero() {
		at := a.Review.At
		it.RevueLe = &at
	}
	if it.Statut == "" {
		it.Statut = store.AnomalyToCheck
	}
	return it, true, nil
}

type listAnomaliesInput struct {
	Code     string `query:"code" maxLength:"64"`
	Severite string `query:"severite" maxLength:"32"`
	Statut   string `query:"statut" enum:"a_verifier,confirmee,faux_positif"`
	NumEJ    string `query:"num_ej" maxLength:"20"`
	Curseur  string `query:"curseur" maxLength:"1024"`
	Limite   int    `query:"limite" minimum:"1" maximum:"500" default:"100"`
}

// AnomalyList is one page of anomalies.
type AnomalyList struct {
	Total   int           `json:"total"`
	Suivant string        `json:"suivant,omitempty"`
	Items   []AnomalyItem `json:"items"`
}

type reviewInput struct {
	Cle  string `path:"cle" maxLength:"4096"`
	Body struct {
		Statut      string `json:"statut" enum:"a_verifier,confirmee,faux_positif"`
		Commentaire string `json:"commentaire,omitempty" maxLength:"2000"`
	}
}

func (s *server) registerAnomalies(api huma.API) {
	huma.Register(api, op("listAnomalies", http.MethodGet, "/anomalies", "Les anomalies détectées, avec leur revue", "Anomalies", store.ScopeRead),
		func(ctx context.Context, in *listAnomaliesInput) (*struct{ Body AnomalyList }, error) {
			v := s.view(ctx)
			after := ""
			if in.Curseur != "" {
				b, err := base64.RawURLEncoding.DecodeString(in.Curseur)
				if err != nil {
					return nil, huma.Error400BadRequest("curseur de pagination invalide")
				}
				after = string(b)
			}
			out := AnomalyList{Items: []AnomalyItem{}}
			var last string
			err := s.Store.EachAnomaly(ctx, func(a store.AnomalyRow) error {
				st := a.Review.Statut
				if st == "" {
					st = store.AnomalyToCheck
				}
				if in.Code != "" && a.Code != in.Code || in.Severite != "" && a.Severite != in.Severite || in.Statut != "" && st != in.Statut ||
					in.NumEJ != "" && !a.Involves(in.NumEJ) {
					return nil
				}
				it, ok, err := v.anomalyItem(ctx, a)
				if err != nil || !ok {
					return err
				}
				out.Total++
				// EachAnomaly's order (code, EJ, key) is pos's order.
				pos := a.Code + "\x00" + a.NumEJ + "\x00" + a.Key
				if pos <= after {
					return nil
				}
				if len(out.Items) == in.Limite {
					if out.Suivant == "" {
						out.Suivant = base64.RawURLEncoding.EncodeToString([]byte(last))
					}
					return nil
				}
				out.Items = append(out.Items, it)
				last = pos
				return nil
			})
			if err != nil {
				return nil, s.internal(err)
			}
			return &struct{ Body AnomalyList }{Body: out}, nil
		})

	huma.Register(api, op("listEJAnomalies", http.MethodGet, "/ej/{num}/anomalies", "Les anomalies d'un EJ", "Anomalies", store.ScopeRead),
		func(ctx context.Context, in *ejPath) (*struct{ Body []AnomalyItem }, error) {
			v := s.view(ctx)
			if _, err := s.seenIndex(ctx, v, in.Num); err != nil {
				return nil, err
			}
			rows, err := s.Store.AnomaliesOf(ctx, in.Num)
			if err != nil {
				return nil, s.internal(err)
			}
			out := &struct{ Body []AnomalyItem }{Body: []AnomalyItem{}}
			for _, a := range rows {
				it, ok, err := v.anomalyItem(ctx, a)
				if err != nil {
					return nil, s.internal(err)
				}
				if ok {
					out.Body = append(out.Body, it)
				}
			}
			return out, nil
		})

	huma.Register(api, op("reviewAnomaly", http.MethodPost, "/anomalies/{cle}/revue", "Confirmer une anomalie ou la déclarer faux positif", "Anomalies", store.ScopeReview),
		func(ctx context.Context, in *reviewInput) (*struct{ Body AnomalyItem }, error) {
			v := s.view(ctx)
			row, err := s.seenAnomaly(ctx, v, in.Cle)
			if err != nil {
				return nil, err
			}
			p := principal(ctx)
			r := store.AnomalyReview{Key: row.Key, Statut: in.Body.Statut, Reviewer: p.Actor, Comment: in.Body.Commentaire, At: s.now()}
			if err := s.Store.InTx(ctx, func(tx store.Tx) error { return tx.ReviewAnomaly(ctx, r) }); err != nil {
				return nil, s.internal(err)
			}
			detail, _ := json.Marshal(map[string]any{"ej": row.NumEJ, "statut": r.Statut, "avant": row.Review.Statut, "commentaire": r.Comment})
			if err := s.audit(ctx, "revue_anomalie", "anomalie:"+row.Key, string(detail)); err != nil {
				return nil, s.internal(err)
			}
			for _, n := range append([]string{row.NumEJ}, row.AutresEJ...) {
				if err := s.reindex(ctx, n); err != nil {
					return nil, s.internal(err)
				}
			}
			row.Review = r
			it, _, err := v.anomalyItem(ctx, row)
			if err != nil {
				return nil, s.internal(err)
			}
			return &struct{ Body AnomalyItem }{Body: it}, nil
		})
}

// seenAnomaly finds an anomaly by its key, or the opaque key a caller
// was given; 404 unless the caller sees one of its EJ.
func (s *server) seenAnomaly(ctx context.Context, v *view, key string) (store.AnomalyRow, error) {
	var rows []store.AnomalyRow
	if parts := strings.SplitN(key, ":", 3); len(parts) == 3 {
		var err error
		if rows, err = s.Store.AnomaliesOf(ctx, parts[1]); err != nil {
			return store.AnomalyRow{}, s.internal(err)
		}
	} else if strings.HasPrefix(key, "~") {
		err := s.Store.EachAnomaly(ctx, func(a store.AnomalyRow) error {
			if opaqueKey(a.Key) == key {
				rows = append(rows, a)
			}
			return nil
		})
		if err != nil {
			return store.AnomalyRow{}, s.internal(err)
		}
	}
	for _, r := range rows {
		if r.Key != key && opaqueKey(r.Key) != key {
			continue
		}
		_, ok, err := v.anomalyRow(ctx, r)
		if err != nil {
			return r, s.internal(err)
		}
		if ok {
			return r, nil
		}
	}
	return store.AnomalyRow{}, huma.Error404NotFound("anomalie introuvable")
}
