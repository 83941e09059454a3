package classify

// Document types of the public contract (CONTRACT.md §3), named as in the
// State's tool (DOMAIN.md §5) so results can be compared with it.
const (
	Devis                      = "devis"
	Facture                    = "facture"
	Avoir                      = "avoir"
	BonDeCommande              = "bon_de_commande"
	ActeEngagement             = "acte_engagement"
	Avenant                    = "avenant"
	CCAP                       = "ccap"
	CCTP                       = "cctp"
	CCP                        = "ccp"
	ReglementConsultation      = "reglement_consultation"
	MemoireTechnique           = "memoire_technique"
	BordereauPrix              = "bordereau_prix"
	DecompositionPrix          = "decomposition_prix"
	DetailQuantitatifEstimatif = "detail_quantitatif_estimatif"
	FicheNavette               = "fiche_navette"
	RIB                        = "rib"
	Kbis                       = "kbis"
	AttSirene                  = "att_sirene"
	AttFiscale                 = "att_fiscale"
	AttSociale                 = "att_sociale"
	SousTraitance              = "sous_traitance"
	LettreCandidatureDC1       = "lettre_candidature_dc1"
	LettreCandidatureDC2       = "lettre_candidature_dc2"
	Notification               = "notification"
	OrdreService               = "ordre_service"
	ServiceFait                = "service_fait"
	AvisMarche                 = "avis_marche"
	RapportAnalyseOffre        = "rapport_analyse_offre"
	Mail                       = "mail"
	CV                         = "cv"
	Autre                      = "autre"
)

// Types lists every type Classify may return, "autre" last.
var Types = []string{
	Devis, Facture, Avoir, BonDeCommande, ActeEngagement, Avenant, CCAP, CCTP, CCP,
	ReglementConsultation, MemoireTechnique, BordereauPrix, DecompositionPrix,
	DetailQuantitatifEstimatif, FicheNavette, RIB, Kbis, AttSirene, AttFiscale,
	AttSociale, SousTraitance, LettreCandidatureDC1, LettreCandidatureDC2,
	Notification, OrdreService, ServiceFait, AvisMarche, RapportAnalyseOffre,
	Mail, CV, Autre,
}

var typeIndex = func() map[string]int {
	m := make(map[string]int, len(Types))
	for i, t := range Types {
		m[t] = i
	}
	return m
}()

var (
	autreIndex = typeIndex[Autre]
	avoirIndex = typeIndex[Avoir]
)
