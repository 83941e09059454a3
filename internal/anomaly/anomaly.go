// Package anomaly flags what an agent should look at in enriched EJ: one
// rule per file, each with a stable code, a French explanation, the
// evidence (EJ, documents, pages, values), a severity and a score. Every
// threshold, tolerance and cut-off comes from the dated referential
// (seuils.csv, parametres_anomalies.csv), read at the EJ's date.
//
// Detect is pure and deterministic: the same records give the same
// anomalies in the same order. A rule abstains when what it needs is
// unknown (no date, no amount, no parameter in force): an unknown value is
// absent, never guessed.
package anomaly

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/depenses-eclairees/depenses/internal/chorus"
	"github.com/depenses-eclairees/depenses/internal/reconcile"
	"github.com/depenses-eclairees/depenses/internal/referential"
)

// Codes of the rules, stable: users filter and count on them.
const (
	CodeHorsMarche     = "hors_marche"
	CodeFractionnement = "fractionnement"
	CodeImputation     = "imputation"
	CodeFournisseur    = "fournisseur_incoherent"
	CodeMontant        = "montant_incoherent"
	CodeDoublon        = "doublon"
	CodeIdentifiant    = "identifiant_invalide"
	CodeRevueDITP      = "conseil_revue_ditp"
	CodeTJMAtypique    = "tjm_atypique"
	// CodeConseilHorsDITP is not in the list: see conseilHorsDITP.
	CodeConseilHorsDITP  = "conseil_hors_ditp"
	SeveriteHaute        = "haute"
	SeveriteMoyenne      = "moyenne"
	SeveriteBasse        = "basse"
	BuyerOAGA            = "oa_ga"
	BuyerCentreFinancier = "centre_financier"
	BuyerSIRETAcheteur   = "siret_acheteur"
	Window12Months       = "12_mois"
	WindowBudgetYear     = "exercice"
)

// Codes lists the rule codes in their order of evaluation.
var Codes = []string{CodeHorsMarche, CodeFractionnement, CodeImputation, CodeFournisseur, CodeMontant, CodeDoublon, CodeIdentifiant, CodeRevueDITP, CodeTJMAtypique, CodeConseilHorsDITP}

// Record is one EJ as Chorus gives it and as reconcile enriched it.
type Record struct {
	EJ       chorus.EJ
	Enriched reconcile.Enriched
	// Marche is set for a record read from DECP (LoadDECP), nil otherwise.
	Marche *Marche
}

// Marche is what DECP says of a marché beyond the EJ fields.
type Marche struct {
	ID        string
	Nature    string
	Procedure string
}

// Options choose how fractionnement groups orders.
type Options struct {
	// BuyerLevel is the buyer orders are summed for: BuyerOAGA (default:
	// organisation d'achat and groupe d'acheteurs), BuyerCentreFinancier or
	// BuyerSIRETAcheteur.
	BuyerLevel string
	// Window is Window12Months (default: rolling twelve months) or
	// WindowBudgetYear (the civil year, which is the State's budget year).
	Window string
	// Params are the rules' parameters; nil means the embedded ones.
	Params *referential.AnomalyParams
}

// Evidence is one fact an anomaly rests on: a value of an EJ, read in a
// document (SHA-256, 1-based page) or in Chorus (Document "chorus").
type Evidence struct {
	NumEJ    string `json:"num_ej"`
	Document string `json:"document,omitempty"`
	Nom      string `json:"nom,omitempty"`
	Page     int    `json:"page,omitempty"`
	Champ    string `json:"champ"`
	Valeur   string `json:"valeur"`
}

// Anomaly is one finding: on NumEJ, and for group rules (fractionnement,
// doublon) on AutresEJ too.
type Anomaly struct {
	Code        string     `json:"code"`
	Severite    string     `json:"severite"`
	Score       float64    `json:"score"`
	Explication string     `json:"explication"`
	NumEJ       string     `json:"num_ej"`
	AutresEJ    []string   `json:"autres_ej,omitempty"`
	Preuves     []Evidence `json:"preuves"`
	// Regle names the referential rows applied, e.g. "dispense_fs 40 000 € HT au 2025-11-05".
	Regle string `json:"regle"`
}

// Summary is the anomaly as an enriched EJ lists it (CONTRACT.md §3).
func (a Anomaly) Summary() reconcile.Anomaly {
	return reconcile.Anomaly{Code: a.Code, Severite: a.Severite, Explication: a.Explication}
}

// Involves reports whether the anomaly concerns that EJ.
func (a Anomaly) Involves(numEJ string) bool {
	return a.NumEJ == numEJ || slices.Contains(a.AutresEJ, numEJ)
}

// Detect runs every rule on the records and returns the anomalies ordered
// by rule (Codes order), then EJ number, then the other EJ.
func Detect(recs []Record, ref *referential.Set, opt Options) []Anomaly {
	r := newRun(recs, ref, opt)
	return r.apply(r.horsMarche, r.fractionnement, r.imputation, r.fournisseur, r.montant, r.doublon, r.identifiant, r.revueDITP, r.tjm, r.conseilHorsDITP)
}

// apply runs rules in order, rounds scores, sets severities from them and
// sorts each rule's findings by EJ.
func (r *run) apply(rules ...func() []Anomaly) []Anomaly {
	var out []Anomaly
	for _, rule := range rules {
		found := rule()
		for i := range found {
			found[i].Score = round3(found[i].Score)
			if found[i].Severite == "" {
				found[i].Severite = r.severity(found[i].Score, r.anchor(found[i].NumEJ))
			}
		}
		sortAnomalies(found)
		out = append(out, found...)
	}
	return out
}

func sortAnomalies(list []Anomaly) {
	slices.SortStableFunc(list, func(a, b Anomaly) int {
		if c := cmp.Compare(a.NumEJ, b.NumEJ); c != 0 {
			return c
		}
		return cmp.Compare(strings.Join(a.AutresEJ, " "), strings.Join(b.AutresEJ, " "))
	})
}

// CheckParams reports, in French, the parameters or thresholds the rules
// need that are missing on that date, so that a replaced file that lacks
// one is told rather than silently disabling a rule.
func CheckParams(ref *referential.Set, params *referential.AnomalyParams, on time.Time) error {
	var missing []string
	for _, code := range requiredParams {
		p, ok := params.Param(code, on)
		if !ok {
			missing = append(missing, code)
			continue
		}
		if p.Unit == "code_seuil" {
			for _, th := range p.Fields() {
				if _, ok := ref.Threshold(th, on); !ok {
					missing = append(missing, fmt.Sprintf("%s (seuil %s absent de seuils.csv)", code, th))
				}
			}
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("paramètres d'anomalie absents au %s : %s", on.Format(time.DateOnly), strings.Join(missing, ", "))
	}
	return nil
}

var requiredParams = []string{
	"severite.haute", "severite.moyenne",
	"hors_marche.seuil", "hors_marche.siren_centrale", "hors_marche.score_base", "hors_marche.score_max_depassement",
	"fractionnement.seuils", "fractionnement.fenetre_jours", "fractionnement.procedures_decp", "fractionnement.cpv_travaux", "fractionnement.min_ej", "fractionnement.bande_sous_seuil",
	"fractionnement.ecart_dates_jours", "fractionnement.similarite_objets", "fractionnement.score_base",
	"fractionnement.bonus_fournisseur", "fractionnement.bonus_bande", "fractionnement.bonus_dates", "fractionnement.bonus_objets",
	"imputation.score_conseil", "imputation.score_inverse", "imputation.score_administration", "imputation.score_programme",
	"fournisseur_incoherent.score",
	"montant_incoherent.tolerance_relative", "montant_incoherent.tolerance_absolue", "montant_incoherent.score_base", "montant_incoherent.score_confusion", "montant_incoherent.tolerance_confusion",
	"doublon.types_documents", "doublon.score_fichier", "doublon.score_facture",
	"identifiant_invalide.score_siret", "identifiant_invalide.score_iban",
	"conseil_revue_ditp.seuil", "conseil_revue_ditp.taux_tva_defaut", "conseil_revue_ditp.score",
	"tjm_atypique.z_suspect", "tjm_atypique.z_aberrant", "tjm_atypique.ratio_mediane_min", "tjm_atypique.pairs_min", "tjm_atypique.mad_min",
	"conseil_hors_ditp.ministere_exempte", "conseil_hors_ditp.categories", "conseil_hors_ditp.score",
}
