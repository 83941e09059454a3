package ui

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/depenses-eclairees/depenses/internal/reconcile"
	"github.com/depenses-eclairees/depenses/internal/store"
)

func csrfHeaders(token string) string {
	b, _ := json.Marshal(map[string]string{CSRFHeader: token})
	return string(b)
}

func jsonString(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return "{}"
	}
	return string(b)
}

func displayName(s session) string {
	if s.User.Name != "" {
		return s.User.Name
	}
	return s.User.Login
}

func errorTitle(status int) string {
	switch status {
	case http.StatusNotFound:
		return "Page introuvable"
	case http.StatusForbidden:
		return "Accès refusé"
	case http.StatusBadRequest:
		return "Demande refusée"
	}
	return "Erreur"
}

// amount writes an optional amount in euros, or a dash when unknown.
func amount(v *float64) string {
	if v == nil {
		return "—"
	}
	return eurosCents(*v)
}

// eurosCents writes 12 345,67 €.
func eurosCents(v float64) string {
	whole := euros(float64(int64(v)))
	cents := int64((v-float64(int64(v)))*100 + 0.5)
	if v < 0 {
		cents = int64((float64(int64(v))-v)*100 + 0.5)
	}
	if cents == 0 {
		return whole
	}
	if cents == 100 {
		return euros(v)
	}
	return strings.TrimSuffix(whole, "\u00a0€") + fmt.Sprintf(",%02d\u00a0€", cents)
}

func pct(p float64) string {
	return strings.Replace(strconv.FormatFloat(100*p, 'f', 1, 64), ".", ",", 1) + "\u00a0%"
}

func confidence(c float64) string {
	return strconv.Itoa(int(c*100+0.5)) + "\u00a0%"
}

func orDash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "—"
	}
	return s
}

func shorten(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

func dateTime(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.Local().Format("02/01/2006 15:04")
}

func frDate(iso string) string {
	t, err := time.Parse("2006-01-02", iso)
	if err != nil {
		return orDash(iso)
	}
	return t.Format("02/01/2006")
}

func ejURL(num string) string { return "/ej/" + num }

func docURL(num, sha string) string { return "/ej/" + num + "/documents/" + sha }

// sourceLink is where the viewer shows a source: its page and its field.
func sourceLink(num string, src reconcile.Source) string {
	u := fmt.Sprintf("/ej/%s/documents/%s?page=%d", num, src.Document, max(src.Page, 1))
	if src.Field != "" {
		u += "&champ=" + src.Field
	}
	return u
}

func sourceName(v ejView, src reconcile.Source) string {
	switch src.Document {
	case "chorus":
		return "Chorus"
	case "revue":
		return "Revue"
	}
	if src.Name != "" {
		return src.Name
	}
	if n := v.Names[src.Document]; n != "" {
		return n
	}
	return "document " + shortSHA(src.Document)
}

func shortSHA(sha string) string {
	if len(sha) > 12 {
		return sha[:12]
	}
	return sha
}

func conflictSource(v ejView, src string) string {
	if src == "chorus" {
		return "Chorus"
	}
	return sourceName(v, reconcile.Source{Document: src})
}

var typeLabels = map[string]string{
	"devis": "Devis", "facture": "Factures", "avoir": "Avoirs", "bon_de_commande": "Bons de commande",
	"acte_engagement": "Actes d'engagement", "avenant": "Avenants", "ccap": "CCAP", "cctp": "CCTP", "ccp": "CCP",
	"reglement_consultation": "Règlements de consultation", "memoire_technique": "Mémoires techniques",
	"bordereau_prix": "Bordereaux de prix", "decomposition_prix": "Décompositions de prix",
	"detail_quantitatif_estimatif": "Détails quantitatifs estimatifs", "fiche_navette": "Fiches navette",
	"rib": "RIB", "kbis": "Extraits Kbis", "att_sirene": "Attestations SIRENE", "att_fiscale": "Attestations fiscales",
	"att_sociale": "Attestations sociales", "sous_traitance": "Sous-traitance", "lettre_candidature_dc1": "DC1",
	"lettre_candidature_dc2": "DC2", "notification": "Notifications", "ordre_service": "Ordres de service",
	"service_fait": "Services faits", "avis_marche": "Avis de marché", "rapport_analyse_offre": "Rapports d'analyse des offres",
	"mail": "Courriels", "cv": "CV", "autre": "Autres", "non_classe": "Non classés (en attente ou illisibles)",
}

func typeLabel(t string) string {
	if l, ok := typeLabels[t]; ok {
		return l
	}
	return t
}

func docStatus(a store.Attachment) string {
	switch a.Status {
	case store.StatusDone:
		return "traité"
	case store.StatusPending:
		return "en attente de traitement"
	case store.StatusFailed:
		if a.Error != "" {
			return "illisible : " + a.Error
		}
		return "illisible"
	}
	return a.Status
}

func severityClass(s string) string {
	switch s {
	case "haute":
		return "fr-badge fr-badge--error fr-badge--sm"
	case "moyenne":
		return "fr-badge fr-badge--warning fr-badge--sm"
	}
	return "fr-badge fr-badge--info fr-badge--sm"
}

func reviewLabel(st string) string {
	switch st {
	case store.AnomalyConfirmed:
		return "confirmée"
	case store.AnomalyFalsePositive:
		return "faux positif"
	}
	return "à vérifier"
}

func actionLabel(a string) string {
	switch a {
	case "ouverture_document":
		return "a ouvert le document"
	case "telechargement_original":
		return "a téléchargé l'original"
	case "correction_champ":
		return "a corrigé un champ"
	case "validation_champ":
		return "a validé un champ"
	case "correction_valeur":
		return "a corrigé une valeur enrichie"
	case "validation_valeur":
		return "a validé une valeur enrichie"
	case "revue_anomalie":
		return "a revu une anomalie"
	}
	return a
}

// auditDetail summarises an entry's JSON detail for people.
func auditDetail(e store.AuditEntry) string {
	var d map[string]any
	if json.Unmarshal([]byte(e.Detail), &d) != nil {
		return ""
	}
	champ, _ := d["champ"].(string)
	if champ == "" {
		if p, ok := d["page"].(float64); ok {
			return fmt.Sprintf("page %d", int(p))
		}
		if st, ok := d["apres"].(string); ok {
			return "décision : " + reviewLabel(st)
		}
		return ""
	}
	return fmt.Sprintf("%s : « %s » → « %s »", champ, formatValue(d["avant"]), formatValue(d["apres"]))
}

func actorName(a string) string {
	if l, ok := strings.CutPrefix(a, "user:"); ok {
		return l
	}
	return a
}

func boolText(b bool, yes, no string) string {
	if b {
		return yes
	}
	return no
}

func itoa(n int) string { return strconv.Itoa(n) }

func ftoa(v float64) string { return strconv.FormatFloat(v, 'f', 2, 64) }

func indexReview(st string) string {
	if st == "revue" {
		return "revues"
	}
	return "à vérifier"
}
