// Package chorus holds the model of a Chorus engagement juridique (EJ) with
// its postes, and the readers that turn Chorus extracts (CSV, XLSX) into it.
package chorus

// EJ is one engagement juridique: the purchase order as Chorus records it.
// Budget imputation sits on each poste (DOMAIN.md §1.2); the attributes
// here are those of the order as a whole. Empty strings and nil amounts
// mean the extract did not say.
type EJ struct {
	NumEJ            string `json:"num_ej"`
	TypeEJ           string `json:"type_ej,omitempty"`
	TypeFlux         string `json:"type_flux,omitempty"`
	DateCreation     string `json:"date_creation_ej,omitempty"` // YYYY-MM-DD
	DateNotification string `json:"date_notification,omitempty"`
	Exercice         int    `json:"exercice,omitempty"`

	Ministere string `json:"ministere,omitempty"`
	// ServiceBeneficiaire names the service that benefits, as the ODA
	// export's "V_Ministère_Service bénéficaire" does.
	ServiceBeneficiaire string `json:"service_beneficiaire,omitempty"`
	Designation         string `json:"designation_ej,omitempty"`

	Fournisseur Supplier `json:"fournisseur"`

	NumContrat          string `json:"num_contrat,omitempty"`
	NumAccordCadre      string `json:"num_accord_cadre,omitempty"`
	LibelleAccordCadre  string `json:"libelle_accord_cadre,omitempty"`
	NumMarcheSubsequent string `json:"num_marche_subsequent,omitempty"`
	NumEJPrecedent      string `json:"num_ej_precedent,omitempty"`

	OrganisationAchat    string `json:"organisation_achat,omitempty"`
	GroupeAcheteurs      string `json:"groupe_acheteurs,omitempty"`
	CodeServiceExecutant string `json:"code_service_executant,omitempty"`
	SIRETAcheteur        string `json:"siret_acheteur,omitempty"`

	Devise string  `json:"devise,omitempty"`
	Postes []Poste `json:"postes"`

	// Lines are the 1-based line numbers of the extract that made this EJ.
	Lines []int `json:"lignes,omitempty"`
}

// Supplier is the titulaire as Chorus knows it.
type Supplier struct {
	Nom       string `json:"nom,omitempty"`
	SIRET     string `json:"siret,omitempty"`
	SIREN     string `json:"siren,omitempty"`
	TVA       string `json:"tva,omitempty"`
	NAF       string `json:"naf,omitempty"`
	Categorie string `json:"categorie_entreprise,omitempty"`
	Pays      string `json:"pays,omitempty"`
}

// Poste is one line of an EJ with its imputation and amounts.
type Poste struct {
	Poste string `json:"poste_ej"`

	Programme          string `json:"programme,omitempty"` // 4 digits, e.g. "0129"
	BOP                string `json:"bop,omitempty"`
	UO                 string `json:"uo,omitempty"`
	CentreFinancier    string `json:"centre_financier,omitempty"` // PPPP-BBBB-UUUU
	CentreFinancierLib string `json:"centre_financier_libelle,omitempty"`
	CentreCouts        string `json:"centre_couts,omitempty"`
	DomaineFonctionnel string `json:"domaine_fonctionnel,omitempty"`
	Activite           string `json:"activite,omitempty"`
	Localisation       string `json:"localisation_interministerielle,omitempty"`
	CompteBudgetaire   string `json:"compte_budgetaire,omitempty"`
	CompteGeneral      string `json:"compte_general_pce,omitempty"`
	Fonds              string `json:"fonds,omitempty"`
	RefProgrammation   string `json:"referentiel_programmation,omitempty"`

	GroupeMarchandises string `json:"groupe_marchandises,omitempty"` // DD.SS.GG
	GMLibelle          string `json:"gm_libelle,omitempty"`
	Segment            string `json:"segment,omitempty"`
	DomaineAchat       string `json:"domaine_achat,omitempty"`
	CodeCPV            string `json:"code_cpv,omitempty"`

	Designation string `json:"designation,omitempty"`

	MontantEngageHT  *float64 `json:"montant_engage_ht,omitempty"`
	MontantEngageTTC *float64 `json:"montant_engage_ttc,omitempty"`
	// MontantEngage is an amount engaged whose basis (HT or TTC) the extract
	// does not say, as in the Chorus EJ restitution's "Montant engagé".
	MontantEngage     *float64 `json:"montant_engage,omitempty"`
	TauxTVA           *float64 `json:"taux_tva,omitempty"`
	MontantSFCertifie *float64 `json:"montant_sf_certifie,omitempty"`
	MontantFacture    *float64 `json:"montant_facture,omitempty"`
	MontantPaye       *float64 `json:"montant_paye,omitempty"`
	DateSF            string   `json:"date_sf,omitempty"`
	DatePaiement      string   `json:"date_dernier_paiement,omitempty"`
}

// Total sums an amount over the postes; ok is false when no poste has it.
func (e *EJ) Total(amount func(*Poste) *float64) (sum float64, ok bool) {
	for i := range e.Postes {
		if v := amount(&e.Postes[i]); v != nil {
			sum += *v
			ok = true
		}
	}
	return sum, ok
}

// Engaged is the EJ's amount engaged and its basis ("HT", "TTC" or "" when
// the extract does not say), preferring HT.
func (e *EJ) Engaged() (amount float64, basis string, ok bool) {
	if v, ok := e.Total(func(p *Poste) *float64 { return p.MontantEngageHT }); ok {
		return v, "HT", true
	}
	if v, ok := e.Total(func(p *Poste) *float64 { return p.MontantEngageTTC }); ok {
		return v, "TTC", true
	}
	if v, ok := e.Total(func(p *Poste) *float64 { return p.MontantEngage }); ok {
		return v, "", true
	}
	return 0, "", false
}

// Reject is an extract row that could not become (part of) an EJ.
type Reject struct {
	Line   int    `json:"ligne"`
	Reason string `json:"motif"`
}

// Extract is what a reader returns: the EJ found, in the order of their
// first line, the rows it rejected and why, and what it noticed.
type Extract struct {
	Format         string   `json:"format"` // "restitution_ej", "oda", "canonique", "budat", "mapping"
	EJs            []EJ     `json:"ej"`
	Rejects        []Reject `json:"rejets"`
	UnknownColumns []string `json:"colonnes_inconnues,omitempty"`
	Warnings       []string `json:"avertissements,omitempty"`
	Rows           int      `json:"lignes_lues"`
}
