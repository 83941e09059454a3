package ui

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/depenses-eclairees/depenses/internal/document"
	"github.com/depenses-eclairees/depenses/internal/export"
	"github.com/depenses-eclairees/depenses/internal/fr"
	"github.com/depenses-eclairees/depenses/internal/reconcile"
	"github.com/depenses-eclairees/depenses/internal/store"
)

const (
	maxValueLen   = 2000
	maxCommentLen = 2000
)

// numericFields hold numbers in the contract (CONTRACT.md §3).
var numericFields = map[string]bool{
	"montant_ht": true, "montant_tva": true, "montant_ttc": true, "net_a_payer": true, "taux_tva": true,
	"conseil.nb_jours": true, "conseil.tjm": true, "duree_mois": true,
}

// knownFields are the contract's field names a person may add to a
// document when extraction missed them.
var knownFields = map[string]bool{
	"numero": true, "date": true, "date_echeance": true, "date_validite": true, "objet": true,
	"fournisseur.nom": true, "fournisseur.siren": true, "fournisseur.siret": true, "fournisseur.tva": true, "fournisseur.adresse": true,
	"acheteur.nom": true, "acheteur.siren": true, "acheteur.siret": true, "acheteur.tva": true, "acheteur.adresse": true,
	"administration_beneficiaire": true, "montant_ht": true, "montant_tva": true, "montant_ttc": true, "net_a_payer": true, "taux_tva": true,
	"iban": true, "bic": true, "reference_commande": true, "numero_ej": true, "reference_marche": true, "code_service": true,
	"code_cpv": true, "duree_mois": true, "conseil.nb_jours": true, "conseil.tjm": true, "conseil.categorie": true,
}

// normalizeValue turns what a person typed into the field's JSON value, in
// the contract's conventions; a value that cannot be right is refused.
func normalizeValue(field, typed string) (any, error) {
	typed = strings.TrimSpace(typed)
	if typed == "" {
		return nil, errors.New("valeur vide : pour garder la valeur lue, utilisez « Valider »")
	}
	if !utf8.ValidString(typed) || strings.ContainsAny(typed, "\x00") {
		return nil, errors.New("valeur illisible (encodage invalide)")
	}
	if utf8.RuneCountInString(typed) > maxValueLen {
		return nil, fmt.Errorf("valeur trop longue (%d caractères au plus)", maxValueLen)
	}
	switch {
	case numericFields[field]:
		v, ok := fr.ParseAmount(typed)
		if !ok {
			v, ok = parsePlainNumber(strings.TrimSuffix(strings.TrimSpace(typed), "%"))
		}
		if !ok {
			return nil, fmt.Errorf("%q n'est pas un nombre (ex. 12 500,00)", typed)
		}
		return v, nil
	case strings.HasSuffix(field, ".siren"):
		d := fr.NormalizeDigits(typed)
		if !fr.ValidSIREN(d) {
			return nil, fmt.Errorf("%q n'est pas un SIREN valide (9 chiffres, clé de contrôle)", typed)
		}
		return d, nil
	case strings.HasSuffix(field, ".siret"):
		d := fr.NormalizeDigits(typed)
		if !fr.ValidSIRET(d) {
			return nil, fmt.Errorf("%q n'est pas un SIRET valide (14 chiffres, clé de contrôle)", typed)
		}
		return d, nil
	case field == "iban":
		iban := fr.NormalizeIBAN(typed)
		if !fr.ValidIBAN(iban) {
			return nil, fmt.Errorf("%q n'est pas un IBAN valide", typed)
		}
		return iban, nil
	case strings.HasPrefix(field, "date"):
		t, ok := fr.ParseDate(typed)
		if !ok {
			return nil, fmt.Errorf("%q n'est pas une date (ex. 31/03/2026)", typed)
		}
		return t.Format("2006-01-02"), nil
	}
	return typed, nil
}

// reviewForm is a review as posted.
type reviewForm struct {
	Field, Action, Value, Comment string
}

func readReviewForm(w http.ResponseWriter, r *http.Request) (reviewForm, error) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		return reviewForm{}, errors.New("formulaire illisible ou trop long")
	}
	f := reviewForm{
		Field:   strings.TrimSpace(r.PostForm.Get("champ")),
		Action:  r.PostForm.Get("action"),
		Value:   r.PostForm.Get("valeur"),
		Comment: strings.TrimSpace(r.PostForm.Get("commentaire")),
	}
	if utf8.RuneCountInString(f.Comment) > maxCommentLen || !utf8.ValidString(f.Comment) {
		return f, fmt.Errorf("commentaire trop long ou illisible (%d caractères au plus)", maxCommentLen)
	}
	if f.Action != "valider" && f.Action != "corriger" {
		return f, errors.New("action inconnue : valider ou corriger")
	}
	return f, nil
}

// reviewField validates or corrects a field read on a document.
func (s *server) reviewField(w http.ResponseWriter, r *http.Request) {
	sess, num, sha := sessionOf(r), r.PathValue("num"), r.PathValue("sha")
	ctx := r.Context()
	if !sess.can(store.ScopeReview) {
		s.fail(w, r, http.StatusForbidden, "La revue demande le droit « revue ».")
		return
	}
	att, ok, err := s.attachment(ctx, sess, num, sha)
	if err != nil {
		s.internal(w, r, err)
		return
	}
	if !ok {
		s.notFound(w, r)
		return
	}
	form, err := readReviewForm(w, r)
	if err != nil {
		s.fail(w, r, http.StatusBadRequest, "Revue refusée : "+err.Error()+".")
		return
	}
	reviews, err := s.Store.Reviews(ctx, "doc:"+sha)
	if err != nil {
		s.internal(w, r, err)
		return
	}
	rows, _ := fieldRows(att.Result, reviews, true)
	var current *fieldRow
	for i := range rows {
		if rows[i].Name == form.Field {
			current = &rows[i]
		}
	}
	if current == nil && !knownFields[form.Field] {
		s.fail(w, r, http.StatusBadRequest, fmt.Sprintf("Revue refusée : champ %q inconnu.", form.Field))
		return
	}
	var value any
	before := ""
	if current != nil {
		before = current.Value
	}
	switch form.Action {
	case "valider":
		if current == nil {
			s.fail(w, r, http.StatusBadRequest, "Revue refusée : il n'y a pas de valeur lue à valider ; saisissez-la avec « Corriger ».")
			return
		}
		value = currentJSONValue(att.Result, current)
	default:
		if value, err = normalizeValue(form.Field, form.Value); err != nil {
			s.fail(w, r, http.StatusBadRequest, "Correction refusée : "+err.Error()+".")
			return
		}
	}
	raw, _ := json.Marshal(value)
	rv := store.Review{Subject: "doc:" + sha, Field: form.Field, Value: string(raw), Reviewer: sess.User.Login, Comment: form.Comment, At: s.Now()}
	if err := s.Store.InTx(ctx, func(tx store.Tx) error { return tx.SaveReview(ctx, rv) }); err != nil {
		s.internal(w, r, err)
		return
	}
	action, done := "validation_champ", "valide"
	if form.Action == "corriger" {
		action, done = "correction_champ", "corrige"
	}
	if err := s.audit(ctx, sess, action, "doc:"+sha, map[string]any{"ej": num, "champ": form.Field, "avant": before, "apres": value, "commentaire": form.Comment}); err != nil {
		s.internal(w, r, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/ej/%s/documents/%s?champ=%s&fait=%s", num, sha, url.QueryEscape(form.Field), done), http.StatusSeeOther)
}

// currentJSONValue is the value a validation confirms: the person's value
// when there is one, else the one read, kept in its JSON type.
func currentJSONValue(res *document.Result, row *fieldRow) any {
	if row.Review != nil {
		var v any
		if json.Unmarshal([]byte(row.Review.Value), &v) == nil {
			return v
		}
	}
	if res != nil {
		if f, ok := res.Fields[row.Name]; ok {
			return f.Value
		}
	}
	return row.Value
}

// enrichedValue is the current text of a reviewable enriched value.
func enrichedValue(e reconcile.Enriched, field string) string {
	switch field {
	case "designation":
		return e.Designation.Value
	case "prestataire.nom":
		return e.Prestataire.Nom
	case "prestataire.siret":
		return e.Prestataire.SIRET
	case "administration_beneficiaire":
		return e.AdministrationBeneficiaire.Value
	}
	return ""
}

// reviewValue validates or corrects one of the three enriched values.
func (s *server) reviewValue(w http.ResponseWriter, r *http.Request) {
	sess, num := sessionOf(r), r.PathValue("num")
	ctx := r.Context()
	if !sess.can(store.ScopeReview) {
		s.fail(w, r, http.StatusForbidden, "La revue demande le droit « revue ».")
		return
	}
	if !s.requireVisible(w, r, sess, num) {
		return
	}
	form, err := readReviewForm(w, r)
	if err != nil {
		s.fail(w, r, http.StatusBadRequest, "Revue refusée : "+err.Error()+".")
		return
	}
	known := false
	for _, o := range reviewableValues {
		known = known || o.Value == form.Field
	}
	if !known {
		s.fail(w, r, http.StatusBadRequest, fmt.Sprintf("Revue refusée : valeur %q inconnue.", form.Field))
		return
	}
	rec, err := export.Record(ctx, s.Store, num)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		s.internal(w, r, err)
		return
	}
	before := enrichedValue(rec, form.Field)
	var value string
	if form.Action == "valider" {
		if before == "" {
			s.fail(w, r, http.StatusBadRequest, "Revue refusée : aucune valeur à valider ; saisissez-la avec « Corriger ».")
			return
		}
		value = before
	} else {
		v, err := normalizeValue(form.Field, form.Value)
		if err != nil {
			s.fail(w, r, http.StatusBadRequest, "Correction refusée : "+err.Error()+".")
			return
		}
		value = fmt.Sprint(v)
	}
	raw, _ := json.Marshal(value)
	rv := store.Review{Subject: "ej:" + num, Field: form.Field, Value: string(raw), Reviewer: sess.User.Login, Comment: form.Comment, At: s.Now()}
	if err := s.Store.InTx(ctx, func(tx store.Tx) error { return tx.SaveReview(ctx, rv) }); err != nil {
		s.internal(w, r, err)
		return
	}
	action, done := "validation_valeur", "valide"
	if form.Action == "corriger" {
		action, done = "correction_valeur", "corrige"
	}
	if err := s.audit(ctx, sess, action, "ej:"+num, map[string]any{"champ": form.Field, "avant": before, "apres": value, "commentaire": form.Comment}); err != nil {
		s.internal(w, r, err)
		return
	}
	s.reindex(r, num)
	http.Redirect(w, r, "/ej/"+num+"?fait="+done+"#valeurs", http.StatusSeeOther)
}

// reviewAnomaly records a person's decision on an anomaly of the EJ.
func (s *server) reviewAnomaly(w http.ResponseWriter, r *http.Request) {
	sess, num := sessionOf(r), r.PathValue("num")
	ctx := r.Context()
	if !sess.can(store.ScopeReview) {
		s.fail(w, r, http.StatusForbidden, "La revue demande le droit « revue ».")
		return
	}
	if !s.requireVisible(w, r, sess, num) {
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, http.StatusBadRequest, "Formulaire illisible ou trop long.")
		return
	}
	key, statut, comment := r.PostForm.Get("cle"), r.PostForm.Get("statut"), strings.TrimSpace(r.PostForm.Get("commentaire"))
	if statut != store.AnomalyConfirmed && statut != store.AnomalyFalsePositive && statut != store.AnomalyToCheck {
		s.fail(w, r, http.StatusBadRequest, "Décision inconnue : confirmée, faux positif ou à vérifier.")
		return
	}
	if utf8.RuneCountInString(comment) > maxCommentLen || !utf8.ValidString(comment) {
		s.fail(w, r, http.StatusBadRequest, "Commentaire trop long ou illisible.")
		return
	}
	rows, err := s.Store.AnomaliesOf(ctx, num)
	if err != nil {
		s.internal(w, r, err)
		return
	}
	var before string
	found := false
	for _, a := range rows {
		if a.Key == key {
			found, before = true, a.Review.Statut
		}
	}
	if !found {
		s.fail(w, r, http.StatusNotFound, "Cette anomalie ne concerne pas cet EJ ou n'est plus détectée.")
		return
	}
	rv := store.AnomalyReview{Key: key, Statut: statut, Reviewer: sess.User.Login, Comment: comment, At: s.Now()}
	if err := s.Store.InTx(ctx, func(tx store.Tx) error { return tx.ReviewAnomaly(ctx, rv) }); err != nil {
		s.internal(w, r, err)
		return
	}
	if err := s.audit(ctx, sess, "revue_anomalie", "anomalie:"+key, map[string]any{"ej": num, "avant": before, "apres": statut, "commentaire": comment}); err != nil {
		s.internal(w, r, err)
		return
	}
	s.reindex(r, num)
	http.Redirect(w, r, "/ej/"+num+"?fait=anomalie#anomalies", http.StatusSeeOther)
}

// reindex refreshes the search summary; the review is saved already, so a
// failure only delays what searches show.
func (s *server) reindex(r *http.Request, num string) {
	if s.Reindex == nil {
		return
	}
	if err := s.Reindex(r.Context(), num); err != nil {
		s.Logger.Warn("index de recherche non rafraîchi après une revue", "ej", num, "erreur", err)
	}
}
