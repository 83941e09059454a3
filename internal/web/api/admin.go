package api

import (
	"context"
	"net/http"
	"sort"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/depenses-eclairees/depenses/internal/store"
)

// KeyUsage is one reuse: the key's owner and what it did.
type KeyUsage struct {
	ID                  string          `json:"id"`
	Organisation        string          `json:"organisation"`
	Usage               string          `json:"usage"`
	Contact             string          `json:"contact"`
	Scopes              []string        `json:"portees"`
	Perimetre           store.Perimeter `json:"perimetre"`
	CreeeLe             time.Time       `json:"creee_le"`
	ExpireLe            *time.Time      `json:"expire_le,omitempty"`
	RevoqueeLe          *time.Time      `json:"revoquee_le,omitempty"`
	DerniereUtilisation *time.Time      `json:"derniere_utilisation,omitempty"`
	Active              bool            `json:"active" doc:"ni révoquée ni expirée, et utilisée depuis la date de début"`
	Appels              int             `json:"appels" doc:"appels depuis la date de début"`
}

// UsageCount is the calls of one key to one endpoint on one day.
type UsageCount struct {
	Cle      string `json:"cle"`
	Endpoint string `json:"endpoint"`
	Jour     string `json:"jour"`
	Appels   int    `json:"appels"`
}

// UsageReport is the reuse dashboard's data.
type UsageReport struct {
	Depuis                string       `json:"depuis"`
	ReutilisationsActives int          `json:"reutilisations_actives"`
	Cles                  []KeyUsage   `json:"cles"`
	Appels                []UsageCount `json:"appels"`
}

type usageInput struct {
	Depuis string `query:"depuis" format:"date" doc:"premier jour compté (par défaut, il y a 30 jours)"`
}

// AuditItem is one entry of the audit log.
type AuditItem struct {
	Le     time.Time `json:"le"`
	Acteur string    `json:"acteur"`
	Action string    `json:"action"`
	Sujet  string    `json:"sujet"`
	Detail string    `json:"detail,omitempty"`
}

type auditInput struct {
	Sujet  string `query:"sujet" maxLength:"200" doc:"ej:<num>, doc:<sha256>, anomalie:<clé> ; tout le journal si absent"`
	Limite int    `query:"limite" minimum:"1" maximum:"10000" default:"200"`
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func (s *server) registerAdmin(api huma.API) {
	huma.Register(api, op("usage", http.MethodGet, "/admin/usage", "Réutilisations : clés, appels par clé, point d'accès et jour", "Administration", store.ScopeAdmin),
		func(ctx context.Context, in *usageInput) (*struct{ Body UsageReport }, error) {
			now := s.now()
			// Thirty days including today, as the admin page counts them.
			since := now.AddDate(0, 0, -29)
			if in.Depuis != "" {
				t, err := time.Parse(time.DateOnly, in.Depuis)
				if err != nil {
					return nil, huma.Error422UnprocessableEntity("date invalide : " + in.Depuis)
				}
				since = t
			}
			keys, err := s.Web.APIKeys(ctx)
			if err != nil {
				return nil, s.internal(err)
			}
			usage, err := s.Web.Usage(ctx, since)
			if err != nil {
				return nil, s.internal(err)
			}
			calls := map[string]int{}
			rep := UsageReport{Depuis: since.Format(time.DateOnly), Cles: []KeyUsage{}, Appels: []UsageCount{}}
			for _, u := range usage {
				calls[u.KeyID] += u.Calls
				rep.Appels = append(rep.Appels, UsageCount{Cle: u.KeyID, Endpoint: u.Endpoint, Jour: u.Day, Appels: u.Calls})
			}
			for _, k := range keys {
				ku := KeyUsage{ID: k.ID, Organisation: k.Organisation, Usage: k.UseCase, Contact: k.Contact, Scopes: k.Scopes,
					Perimetre: k.Perimeter, CreeeLe: k.CreatedAt, ExpireLe: timePtr(k.ExpiresAt), RevoqueeLe: timePtr(k.RevokedAt),
					DerniereUtilisation: timePtr(k.LastUsedAt), Appels: calls[k.ID]}
				valid := (k.RevokedAt.IsZero() || now.Before(k.RevokedAt)) && (k.ExpiresAt.IsZero() || now.Before(k.ExpiresAt))
				ku.Active = valid && ku.Appels > 0
				if ku.Active {
					rep.ReutilisationsActives++
				}
				rep.Cles = append(rep.Cles, ku)
			}
			sort.SliceStable(rep.Cles, func(i, j int) bool { return rep.Cles[i].Appels > rep.Cles[j].Appels })
			return &struct{ Body UsageReport }{Body: rep}, nil
		})

	huma.Register(api, op("audit", http.MethodGet, "/admin/audit", "Journal d'audit : qui a ouvert quel document, qui a modifié quoi", "Administration", store.ScopeAdmin),
		func(ctx context.Context, in *auditInput) (*struct{ Body []AuditItem }, error) {
			entries, err := s.Web.AuditLog(ctx, in.Sujet, in.Limite)
			if err != nil {
				return nil, s.internal(err)
			}
			out := &struct{ Body []AuditItem }{Body: []AuditItem{}}
			for _, e := range entries {
				out.Body = append(out.Body, AuditItem{Le: e.At, Acteur: e.Actor, Action: e.Action, Sujet: e.Subject, Detail: e.Detail})
			}
			return out, nil
		})
}
