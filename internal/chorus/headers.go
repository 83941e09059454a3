package chorus

import (
	"strings"

	"github.com/depenses-eclairees/depenses/internal/fr"
)

// field is a destination in the model for one column of an extract.
type field uint8

const (
	fNone field = iota
	fNumEJ
	fPoste
	fTypeEJ
	fTypeFlux
	fDateCreation
	fDateNotification
	fExercice
	fMinistere
	fServiceBeneficiaire
	fProgramme
	fBOP
	fUO
	fCentreFinancier
	fCentreFinancierLib
	fCentreCouts
	fDomaineFonctionnel
	fActivite
	fLocalisation
	fCompteBudgetaire
	fCompteGeneral
	fFonds
	fRefProgrammation
	fGM
	fGMLibelle
	fSegment
	fDomaineAchat
	fCPV
	fFournNom
	fFournSIRET
	fFournSIREN
	fFournTVA
	fFournNAF
	fFournCategorie
	fFournPays
	fFournCode // restitution: supplier key (Chorus tiers number or SIRET)
	fNumContrat
	fNumAccordCadre
	fLibelleAccordCadre
	fNumMarcheSubsequent
	fNumEJPrecedent
	fOrgAchat
	fGroupeAcheteurs
	fCodeService
	fSIRETAcheteur
	fDesignationEJ
	fDesignationPoste
	fMontantHT
	fMontantTTC
	fMontantEngage
	fDepenses // ODA "Dépenses AAAA": spending of the year, read as MontantEngage
	fTauxTVA
	fDevise
	fMontantSF
	fMontantFacture
	fMontantPaye
	fDateSF
	fDatePaiement
	fProgBOP // ODA "Prog-BOP": PPPP-BBBB
	fIgnored // a known column with no place in the model, ignored on purpose
	numFields
)

// fieldNames are the names a mapping file may use: the canonical columns of
// DOMAIN.md §1.4 (e), then the model's JSON names for what (e) lacks.
var fieldNames = map[string]field{
	"num_ej": fNumEJ, "poste_ej": fPoste, "type_ej": fTypeEJ, "type_flux": fTypeFlux,
	"date_creation_ej": fDateCreation, "date_notification": fDateNotification, "exercice": fExercice,
	"ministere": fMinistere, "service_beneficiaire": fServiceBeneficiaire, "programme": fProgramme, "bop": fBOP, "uo": fUO,
	"centre_financier": fCentreFinancier, "centre_couts": fCentreCouts,
	"domaine_fonctionnel": fDomaineFonctionnel, "activite": fActivite,
	"localisation_interministerielle": fLocalisation, "compte_budgetaire": fCompteBudgetaire,
	"compte_general_pce": fCompteGeneral, "fonds": fFonds,
	"groupe_marchandises": fGM, "gm_libelle": fGMLibelle, "segment": fSegment,
	"domaine_achat": fDomaineAchat, "code_cpv": fCPV,
	"fournisseur_nom": fFournNom, "fournisseur_siret": fFournSIRET, "fournisseur_siren": fFournSIREN,
	"fournisseur_tva": fFournTVA, "fournisseur_naf": fFournNAF,
	"fournisseur_categorie_entreprise": fFournCategorie, "fournisseur_pays": fFournPays,
	"num_contrat": fNumContrat, "num_accord_cadre": fNumAccordCadre,
	"num_marche_subsequent": fNumMarcheSubsequent, "num_ej_precedent": fNumEJPrecedent,
	"organisation_achat": fOrgAchat, "groupe_acheteurs": fGroupeAcheteurs,
	"code_service_executant": fCodeService, "siret_acheteur": fSIRETAcheteur,
	"designation_ej": fDesignationEJ, "montant_engage_ht": fMontantHT, "montant_engage_ttc": fMontantTTC,
	"taux_tva": fTauxTVA, "devise": fDevise, "montant_sf_certifie": fMontantSF,
	"montant_facture": fMontantFacture, "montant_paye": fMontantPaye,
	"date_sf": fDateSF, "date_dernier_paiement": fDatePaiement,
	// Not in (e), named as in the model's JSON.
	"centre_financier_libelle": fCentreFinancierLib, "referentiel_programmation": fRefProgrammation,
	"montant_engage": fMontantEngage, "designation": fDesignationPoste,
	"libelle_accord_cadre": fLibelleAccordCadre,
	"ignorer":              fIgnored,
}

// nameOf is the canonical name of a field, for messages.
var nameOf = func() [numFields]string {
	var n [numFields]string
	for name, f := range fieldNames {
		if n[f] == "" || len(name) < len(n[f]) {
			n[f] = name
		}
	}
	n[fFournCode] = "fournisseur_code"
	n[fDepenses] = "depenses"
	n[fProgBOP] = "prog_bop"
	return n
}()

// Header families, as Extract.Format names them.
const (
	famCanonique   = "canonique"
	famRestitution = "restitution_ej"
	famODA         = "oda"
	famBUDAT       = "budat"
	famMapping     = "mapping"
)

var familyOrder = []string{famCanonique, famRestitution, famODA, famBUDAT}

type alias struct {
	header string
	field  field
}

// Headers as printed in the real extracts of DOMAIN.md §1.4.
var restitutionHeaders = []alias{
	{"Centre financier", fCentreFinancier},
	{"N° EJ", fNumEJ},
	{"Type de flux", fTypeFlux},
	{"Fournisseur titulaire principal (EJ)", fFournCode},
	{"N° de contrat", fNumContrat},
	{"N° poste EJ", fPoste},
	{"Centre de coûts", fCentreCouts},
	{"Fonds", fFonds},
	{"Compte budgétaire", fCompteBudgetaire},
	{"Référentiel de programmation", fRefProgrammation},
	{"Groupe de marchandises", fGM},
	{"Date comptable du SF", fDateSF},
	{"Bascule des EJ non soldés", fIgnored},
	{"Montant engagé", fMontantEngage},
	// A remainder (certified, not yet settled), not the certified amount.
	{"Montant certifié non soldé", fIgnored},
	{"Montant pré-enregistré", fIgnored},
	{"Montant facturé", fMontantFacture},
	{"Montant payé", fMontantPaye},
}

// labelOf gives the field that the restitution's second column of a
// dimension ("Centre financier 2") fills; dimensions without one are ignored.
var labelOf = map[field]field{
	fCentreFinancier: fCentreFinancierLib,
	fGM:              fGMLibelle,
	fFournCode:       fFournNom,
}

var odaHeaders = []alias{
	{"Domaine", fDomaineAchat},
	{"Domaine libellé", fIgnored},
	{"Segment", fSegment},
	{"Libellé du segment", fIgnored},
	{"Groupe de marchandises (P) - Clé", fGM},
	{"GdM_Libellé", fGMLibelle},
	{"Ministère", fMinistere},
	{"V_Ministère_Service bénéficaire", fServiceBeneficiaire},
	{"V_Région_DAE_Carto", fIgnored},
	{"Région Cartographie détaillée", fIgnored},
	{"Région Cartographie regroupée", fIgnored},
	{"Prog-BOP", fProgBOP},
	{"CF", fCentreFinancier},
	{"Centre de coûts (P) - Clé (non composée)", fCentreCouts},
	{"Direction", fIgnored},
	{"Compte général (P) - Clé (non composée)", fCompteGeneral},
	{"Compte général (P)", fIgnored},
	{"Nom fournisseur - Clé", fFournNom},
	{"SIREN fournisseur", fFournSIREN},
	{"Type de fournisseur", fIgnored},
	{"Code NAF fournisseur (SIREN)", fFournNAF},
	{"Pays fournisseur", fFournPays},
	{"Région fournisseur", fIgnored},
	{"V_région INSEE Fournisseur", fIgnored},
	{"Catégorie d'entreprise", fFournCategorie},
	{"Type fournisseur EA", fIgnored},
	{"Type fournisseur SIAE", fIgnored},
	{"Rôle partenaire fournisseur (P)", fIgnored},
	{"Schéma regroupement partenaire (E)", fIgnored},
	{"Type d'opération EJ précédent (E)", fIgnored},
	{"Macro Type EJ Notifié ou non", fTypeEJ},
	{"Notifié ?", fIgnored},
	{"Numéro accord-cadre (E) - Clé", fNumAccordCadre},
	{"Numéro accord-cadre (E) - Texte descriptif", fLibelleAccordCadre},
	{"Numéro EJ précédent (P)", fNumEJPrecedent},
	{"Numéro EJ référencé facture", fNumEJ},
	{"Clause environnementale (E)", fIgnored},
	{"Clause sociale (E)", fIgnored},
	{"Code CPV principal (E)", fCPV},
	{"Description de l'EJ", fDesignationEJ},
	{"Date notification (E)", fDateNotification},
	{"Date fin de marché (E)", fIgnored},
	{"SIRET acheteur (E) - Clé", fSIRETAcheteur},
	{"SIRET acheteur (E) - Texte descriptif", fIgnored},
	// "Dépenses AAAA" is matched by prefix in resolveHeader.
}

// BUDAT payment export: only the columns whose meaning is documented; the
// others (FOURN, LIBELLE, SEEJ, …) are ignored rather than guessed.
var budatHeaders = []alias{
	{"ANNEE", fIgnored},
	{"FACTURE", fIgnored},
	{"REF_FAC", fIgnored},
	{"DATE_FAC", fIgnored},
	{"MNT_FAC", fMontantFacture},
	{"DATE_PY", fDatePaiement},
	{"EJ", fNumEJ},
	{"MARCHE", fNumContrat},
	{"SEEJ", fIgnored},
	{"GM", fGM},
	{"LIBELLE", fIgnored},
	{"FOURN", fIgnored},
	{"SIREN", fFournSIREN},
	{"FACTURE_FI", fIgnored},
	{"SOCIETE", fIgnored},
	{"SEDP", fCodeService},
	{"CC", fCentreCouts},
	{"PCE", fCompteGeneral},
	{"TXT50", fIgnored},
	{"ACTIVIT", fIgnored},
	{"DESCRIPTION", fIgnored},
}

type knownHeader struct {
	field    field
	families uint8 // bit i: familyOrder[i]
}

// knownHeaders maps a normalised header to its field.
var knownHeaders = func() map[string]knownHeader {
	m := make(map[string]knownHeader)
	add := func(fam int, h string, f field) {
		key := normHeader(h)
		if k, ok := m[key]; ok {
			if k.field != f {
				panic("chorus: header " + h + " maps to two fields")
			}
			k.families |= 1 << fam
			m[key] = k
			return
		}
		m[key] = knownHeader{f, 1 << fam}
	}
	for name, f := range fieldNames {
		if f != fIgnored {
			add(0, name, f)
		}
	}
	for _, a := range restitutionHeaders {
		add(1, a.header, a.field)
	}
	for _, a := range odaHeaders {
		add(2, a.header, a.field)
	}
	for _, a := range budatHeaders {
		add(3, a.header, a.field)
	}
	return m
}()

// normHeader folds case and accents and keeps only letters and digits, so
// that "N° poste EJ", "n_poste_ej" and "N POSTE EJ" compare equal.
func normHeader(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		a, c := fr.FoldRune(r)
		for _, x := range [2]rune{a, c} {
			if (x >= 'a' && x <= 'z') || (x >= '0' && x <= '9') {
				b.WriteRune(x)
			}
		}
	}
	return b.String()
}

// resolvedHeader is what a header cell means.
type resolvedHeader struct {
	field    field
	families uint8 // 0 when recognised through the user mapping
	mapped   bool
	label    bool // the second column of a restitution dimension
}

// resolveHeader recognises one header cell; mapping holds the user's
// normalised header → field, which wins over the built-in names.
func resolveHeader(h string, mapping map[string]field) (resolvedHeader, bool) {
	key := normHeader(h)
	if key == "" {
		return resolvedHeader{}, false
	}
	if f, ok := mapping[key]; ok {
		return resolvedHeader{field: f, mapped: true}, true
	}
	if k, ok := knownHeaders[key]; ok {
		return resolvedHeader{field: k.field, families: k.families}, true
	}
	if rest, ok := strings.CutPrefix(key, "depenses"); ok && len(rest) == 4 && allASCIIDigits(rest) {
		return resolvedHeader{field: fDepenses, families: 1 << 2}, true
	}
	// "Centre financier 2", or "Centre financier.1" as pandas writes it.
	for _, suffix := range []string{"2", "1"} {
		base, ok := strings.CutSuffix(key, suffix)
		if !ok || (suffix == "1" && !strings.HasSuffix(h, ".1")) {
			continue
		}
		if k, ok := knownHeaders[base]; ok && k.families&(1<<1) != 0 {
			lf, has := labelOf[k.field]
			if !has {
				lf = fIgnored
			}
			return resolvedHeader{field: lf, families: 1 << 1, label: true}, true
		}
	}
	return resolvedHeader{}, false
}

func allASCIIDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// headerScore counts the recognised cells of a candidate header row and
// reports whether it names the EJ number column.
func headerScore(cells []string, mapping map[string]field) (score int, hasEJ bool) {
	for _, c := range cells {
		if rh, ok := resolveHeader(c, mapping); ok {
			score++
			if rh.field == fNumEJ {
				hasEJ = true
			}
		}
	}
	return score, hasEJ
}

// maxHeaderSearch is how many rows may sit above the header (real
// restitutions have five title rows).
const maxHeaderSearch = 30

// findHeader picks, among the first rows, the one that names the EJ number
// and the most known columns; -1 when none does.
func findHeader(rows [][]string, mapping map[string]field) (index, score int) {
	index = -1
	for i, r := range rows {
		if i >= maxHeaderSearch {
			break
		}
		s, hasEJ := headerScore(r, mapping)
		if hasEJ && s >= 2 && s > score {
			index, score = i, s
		}
	}
	return index, score
}
