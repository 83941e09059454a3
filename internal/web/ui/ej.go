package ui

import (
	"errors"
	"net/http"
	"sort"

	"github.com/depenses-eclairees/depenses/internal/chorus"
	"github.com/depenses-eclairees/depenses/internal/export"
	"github.com/depenses-eclairees/depenses/internal/reconcile"
	"github.com/depenses-eclairees/depenses/internal/store"
)

// docGroup is the attachments of one document type.
type docGroup struct {
	Type string
	Docs []store.Attachment
}

// ejView is the EJ page: what Chorus says, what the documents add, and
// what deserves a look.
type ejView struct {
	Sess      session
	EJ        chorus.EJ
	Rec       reconcile.Enriched
	Enriched  bool // false while the EJ is not reconciled yet
	Groups    []docGroup
	Names     map[string]string // document SHA-256 → name, for sources
	Attached  map[string]bool   // SHA-256 of the EJ's own attachments (viewable)
	Anomalies []store.AnomalyRow
	History   []store.AuditEntry
	Notice    string
}

// reviewableValues are the enriched values a person may validate or correct.
var reviewableValues = []option{
	{"designation", "Désignation claire"},
	{"prestataire.nom", "Nom du prestataire"},
	{"prestataire.siret", "SIRET du prestataire"},
	{"administration_beneficiaire", "Administration bénéficiaire"},
}

func (s *server) ejPage(w http.ResponseWriter, r *http.Request) {
	sess, num := sessionOf(r), r.PathValue("num")
	ctx := r.Context()
	if !s.requireVisible(w, r, sess, num) {
		return
	}
	var err error
	v := ejView{Sess: sess, Names: map[string]string{}, Attached: map[string]bool{}, Notice: noticeText(r.URL.Query().Get("fait"))}
	if v.EJ, err = s.Store.EJ(ctx, num); err != nil {
		s.internal(w, r, err)
		return
	}
	v.Rec, err = export.Record(ctx, s.Store, num)
	switch {
	case err == nil:
		v.Enriched = true
	case errors.Is(err, store.ErrNotFound):
		v.Rec = reconcile.Enriched{NumEJ: num}
	default:
		s.internal(w, r, err)
		return
	}
	atts, err := s.Store.DocumentsOf(ctx, num)
	if err != nil {
		s.internal(w, r, err)
		return
	}
	byType := map[string][]store.Attachment{}
	for _, a := range atts {
		t := a.DocumentType
		if t == "" {
			t = "non_classe"
		}
		byType[t] = append(byType[t], a)
		v.Names[a.SHA256] = a.Name
		v.Attached[a.SHA256] = true
	}
	var walk func([]reconcile.DocumentSummary)
	walk = func(ds []reconcile.DocumentSummary) {
		for _, d := range ds {
			if _, ok := v.Names[d.SHA256]; !ok {
				v.Names[d.SHA256] = d.Nom
			}
			walk(d.Children)
		}
	}
	walk(v.Rec.Documents)
	for t, docs := range byType {
		v.Groups = append(v.Groups, docGroup{Type: t, Docs: docs})
	}
	sort.Slice(v.Groups, func(i, j int) bool { return typeRank(v.Groups[i].Type) < typeRank(v.Groups[j].Type) })
	if v.Anomalies, err = s.Store.AnomaliesOf(ctx, num); err != nil {
		s.internal(w, r, err)
		return
	}
	if v.History, err = s.Web.AuditLog(ctx, "ej:"+num, 20); err != nil {
		s.internal(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, ejPage(v))
}

// typeRank orders document groups as an agent reads a purchase: the order,
// then what frames it, then execution and payment.
func typeRank(t string) int {
	order := []string{"acte_engagement", "bon_de_commande", "devis", "avenant", "ccap", "cctp", "ccp", "notification", "ordre_service",
		"fiche_navette", "memoire_technique", "bordereau_prix", "decomposition_prix", "detail_quantitatif_estimatif",
		"facture", "avoir", "service_fait", "rib", "kbis", "att_sirene", "att_fiscale", "att_sociale"}
	for i, o := range order {
		if o == t {
			return i
		}
	}
	if t == "non_classe" {
		return len(order) + 2
	}
	return len(order) + 1
}

func noticeText(code string) string {
	switch code {
	case "valide":
		return "Valeur validée et consignée au journal."
	case "corrige":
		return "Correction enregistrée et consignée au journal ; elle prime sur l'extraction et survivra aux retraitements."
	case "anomalie":
		return "Décision enregistrée et consignée au journal."
	}
	return ""
}
