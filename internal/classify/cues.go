package classify

import "strings"

// A cue is a phrase that points to a document type. Title is its weight when
// it opens a title segment (a short line near the top of the document, or a
// large or upper-case line on the first page); Body its weight anywhere in
// the head of the text. Weights are in log-odds units: 6 settles the type on
// its own, 1 tips a close call. NotNext lists continuations that cancel the
// cue ("Facture liée" on a credit note is not the title "Facture").
type cueDef struct {
	typ     string
	phrase  string
	title   float64
	body    float64
	notNext []string
}

// Title weights.
const (
	tStrong = 6.0 // names the document: "ACTE D'ENGAGEMENT", "DEVIS"
	tMedium = 4.0 // usual but shared: "COMMANDE", "LETTRE DE MISSION"
	tWeak   = 2.5
)

var cueDefs = []cueDef{
	// Devis / proposition commerciale.
	{typ: Devis, phrase: "devis", title: tStrong, body: 1.5, notNext: []string{"signe", "accepte", "associe", "joint", "valant"}},
	{typ: Devis, phrase: "devis n", title: tStrong, body: 2.5},
	{typ: Devis, phrase: "devis no", title: tStrong, body: 2.5},
	{typ: Devis, phrase: "devis numero", title: tStrong, body: 2.5},
	{typ: Devis, phrase: "devis estimatif", title: tStrong, body: 2},
	{typ: Devis, phrase: "proposition financiere", title: tStrong, body: 1.5},
	{typ: Devis, phrase: "proposition commerciale", title: tStrong, body: 1.5},
	{typ: Devis, phrase: "proposition tarifaire", title: tStrong, body: 1.5},
	{typ: Devis, phrase: "proposition d intervention", title: tStrong, body: 1},
	{typ: Devis, phrase: "proposition de prix", title: tStrong, body: 1},
	{typ: Devis, phrase: "offre commerciale", title: tStrong, body: 1.5},
	{typ: Devis, phrase: "offre de prix", title: tStrong, body: 1.5},
	{typ: Devis, phrase: "offre financiere", title: tMedium, body: 1},
	{typ: Devis, phrase: "offre d intervention", title: tStrong, body: 1},
	{typ: Devis, phrase: "lettre de mission", title: tMedium + 1, body: 1.5},
	{typ: Devis, phrase: "quotation", title: tStrong, body: 1},
	{typ: Devis, phrase: "quote", title: tMedium, body: 0.5},
	{typ: Devis, phrase: "estimate", title: tMedium, body: 0.5},
	{typ: Devis, phrase: "numero de devis", title: tMedium, body: 2.5},
	{typ: Devis, phrase: "ref devis", title: tMedium, body: 2},
	{typ: Devis, phrase: "date du devis", body: 2.5},
	{typ: Devis, phrase: "devis valable", body: 3},
	{typ: Devis, phrase: "ce devis", body: 2.5},
	{typ: Devis, phrase: "present devis", body: 2.5},
	{typ: Devis, phrase: "offre valable", body: 2.5},
	{typ: Devis, phrase: "validite de l offre", body: 2.5},
	{typ: Devis, phrase: "duree de validite", body: 1.5},
	{typ: Devis, phrase: "valable jusqu au", body: 1.5},
	{typ: Devis, phrase: "bon pour accord", body: 2},
	{typ: Devis, phrase: "pour accord", body: 0.8},
	{typ: Devis, phrase: "lu et approuve", body: 1},
	{typ: Devis, phrase: "jours homme", body: 0.5},
	{typ: Devis, phrase: "tjm", body: 0.5},
	{typ: Devis, phrase: "conditions financieres", body: 0.8},

	// Facture.
	{typ: Facture, phrase: "facture", title: tStrong, body: 1, notNext: []string{"liee", "d origine", "initiale", "d avoir", "de reference", "concernee", "rectifiee", "n a rappeler", "a rappeler", "a l ordre", "a adresser", "a envoyer"}},
	{typ: Facture, phrase: "facture d acompte", title: tStrong, body: 1},
	{typ: Facture, phrase: "facture de situation", title: tStrong, body: 1},
	{typ: Facture, phrase: "note d honoraires", title: tStrong, body: 1.5},
	{typ: Facture, phrase: "invoice", title: tStrong, body: 1},
	{typ: Facture, phrase: "facture n", title: tStrong, body: 2},
	{typ: Facture, phrase: "numero de facture", title: tMedium, body: 2},
	{typ: Facture, phrase: "date de facture", body: 1},
	{typ: Facture, phrase: "date de facturation", body: 1.5},
	{typ: Facture, phrase: "invoice date", body: 1.5},
	{typ: Facture, phrase: "date d echeance", body: 1.5},
	{typ: Facture, phrase: "due date", body: 1.5},
	{typ: Facture, phrase: "echeance", body: 0.5},
	{typ: Facture, phrase: "indemnite forfaitaire", body: 2},
	{typ: Facture, phrase: "frais de recouvrement", body: 1.5},
	{typ: Facture, phrase: "penalites de retard", body: 1},
	{typ: Facture, phrase: "montant a regler", body: 1.5},
	{typ: Facture, phrase: "reste a payer", body: 1.5},
	{typ: Facture, phrase: "net a payer", body: 0.8},
	{typ: Facture, phrase: "a payer avant le", body: 1.5},
	{typ: Facture, phrase: "payment terms", body: 0.8},
	{typ: Facture, phrase: "conditions de paiement", body: 0.5},
	{typ: Facture, phrase: "votre commande", body: 0.8},
	{typ: Facture, phrase: "n de bon de commande", body: 1},
	{typ: Facture, phrase: "numero de bon de commande", body: 1},
	{typ: Facture, phrase: "numero d engagement", body: 0.8},
	{typ: Facture, phrase: "code service", body: 0.8},
	{typ: Facture, phrase: "acquittee", body: 1},

	// Avoir.
	{typ: Avoir, phrase: "avoir", title: tStrong + 0.5, notNext: []string{"lieu", "recours", "pris", "ete", "droit", "un", "une", "des", "le", "la", "les", "acces"}},
	{typ: Avoir, phrase: "avoir n", title: tStrong + 0.5, body: 3},
	{typ: Avoir, phrase: "facture d avoir", title: tStrong + 1, body: 3},
	{typ: Avoir, phrase: "note de credit", title: tStrong + 0.5, body: 2},
	{typ: Avoir, phrase: "credit note", title: tStrong + 0.5, body: 2},
	{typ: Avoir, phrase: "facture liee", body: 3},
	{typ: Avoir, phrase: "facture d origine", body: 3},
	{typ: Avoir, phrase: "facture initiale", body: 2},
	{typ: Avoir, phrase: "facture de reference", body: 1.5},
	{typ: Avoir, phrase: "montant de l avoir", body: 3},
	{typ: Avoir, phrase: "total de l avoir", body: 3},
	{typ: Avoir, phrase: "en votre faveur", body: 1.5},
	{typ: Avoir, phrase: "a votre credit", body: 1.5},
	{typ: Avoir, phrase: "annulation partielle", body: 1},
	{typ: Avoir, phrase: "annule et remplace", body: 0.5},

	// Bon de commande. The phrase alone in the body is no cue: invoices cite it.
	{typ: BonDeCommande, phrase: "bon de commande", title: tStrong, notNext: []string{"a rappeler", "a joindre", "associe", "client"}},
	{typ: BonDeCommande, phrase: "purchase order", title: tStrong},
	{typ: BonDeCommande, phrase: "commande", title: tMedium, notNext: []string{"publique", "client", "du", "ref", "reference", "a rappeler"}},
	{typ: BonDeCommande, phrase: "commande n", title: tMedium + 0.5},
	{typ: BonDeCommande, phrase: "ordre d achat", title: tStrong},
	{typ: BonDeCommande, phrase: "lettre de commande", title: tStrong},
	{typ: BonDeCommande, phrase: "engagement juridique", title: tMedium, body: 0.5},
	{typ: BonDeCommande, phrase: "adresse de facturation", body: 0.5},
	{typ: BonDeCommande, phrase: "adresse de livraison", body: 0.3},
	{typ: BonDeCommande, phrase: "service executant", body: 0.3},
	{typ: BonDeCommande, phrase: "date de livraison", body: 0.5},
	{typ: BonDeCommande, phrase: "delai de livraison", body: 0.5},
	{typ: BonDeCommande, phrase: "le fournisseur est prie", body: 2},
	{typ: BonDeCommande, phrase: "signature de l ordonnateur", body: 1.5},
	{typ: BonDeCommande, phrase: "responsable des achats", body: 0.5},
	{typ: BonDeCommande, phrase: "ship to", body: 0.5},

	// Acte d'engagement (ATTRI1, formerly DC3).
	{typ: ActeEngagement, phrase: "acte d engagement", title: tStrong + 0.5, body: 1},
	{typ: ActeEngagement, phrase: "attri1", title: tStrong + 0.5, body: 3},
	{typ: ActeEngagement, phrase: "attri 1", title: tStrong + 0.5, body: 3},
	{typ: ActeEngagement, phrase: "dc3", title: tStrong, body: 2},
	{typ: ActeEngagement, phrase: "engagement du titulaire", body: 2.5},
	{typ: ActeEngagement, phrase: "compte a crediter", body: 2},
	{typ: ActeEngagement, phrase: "comptes a crediter", body: 2},
	{typ: ActeEngagement, phrase: "renonce au benefice de l avance", body: 2.5},
	{typ: ActeEngagement, phrase: "m engage", body: 1},
	{typ: ActeEngagement, phrase: "nous engageons", body: 1},
	{typ: ActeEngagement, phrase: "signature du marche par le titulaire", body: 2.5},
	{typ: ActeEngagement, phrase: "acceptation de l offre", body: 1.5},
	{typ: ActeEngagement, phrase: "designation du mandataire", body: 1},
	{typ: ActeEngagement, phrase: "identification de l acheteur", body: 0.8},
	{typ: ActeEngagement, phrase: "identification du titulaire", body: 1},
	{typ: ActeEngagement, phrase: "pouvoir adjudicateur", body: 0.5},
	{typ: ActeEngagement, phrase: "date de notification", body: 0.5},
	{typ: ActeEngagement, phrase: "valant acte d engagement", body: 1},

	// Avenant (EXE10).
	{typ: Avenant, phrase: "avenant", title: tStrong + 0.5, body: 1, notNext: []string{"eventuel", "eventuels"}},
	{typ: Avenant, phrase: "avenant n", title: tStrong + 1, body: 2},
	{typ: Avenant, phrase: "exe10", title: tStrong + 0.5, body: 3},
	{typ: Avenant, phrase: "exe 10", title: tStrong + 0.5, body: 3},
	{typ: Avenant, phrase: "present avenant", body: 3},
	{typ: Avenant, phrase: "objet de l avenant", body: 3},
	{typ: Avenant, phrase: "montant de l avenant", body: 3},
	{typ: Avenant, phrase: "incidence financiere", body: 1.5},
	{typ: Avenant, phrase: "modification de marche", title: tMedium, body: 1},
	{typ: Avenant, phrase: "modification du marche", title: tMedium, body: 0.8},

	// CCAP, CCTP, CCP.
	{typ: CCAP, phrase: "cahier des clauses administratives particulieres", title: tStrong + 0.5, body: 1},
	{typ: CCAP, phrase: "ccap", title: tStrong, body: 0.3},
	{typ: CCAP, phrase: "present ccap", body: 3},
	{typ: CCAP, phrase: "present cahier des clauses administratives", body: 3},
	{typ: CCAP, phrase: "ccag", body: 0.5},
	{typ: CCAP, phrase: "penalites", body: 0.3},
	{typ: CCAP, phrase: "forme des prix", body: 1},
	{typ: CCAP, phrase: "variation des prix", body: 0.8},
	{typ: CCAP, phrase: "duree du marche", body: 0.5},
	{typ: CCTP, phrase: "cahier des clauses techniques particulieres", title: tStrong + 0.5, body: 1},
	{typ: CCTP, phrase: "cctp", title: tStrong, body: 0.3},
	{typ: CCTP, phrase: "present cctp", body: 3},
	{typ: CCTP, phrase: "present cahier des clauses techniques", body: 3},
	{typ: CCTP, phrase: "cahier des charges", title: tMedium, body: 0.5},
	{typ: CCTP, phrase: "specifications techniques", title: tWeak, body: 1},
	{typ: CCTP, phrase: "description des prestations", body: 0.8},
	{typ: CCTP, phrase: "livrables", body: 0.3},
	{typ: CCTP, phrase: "reversibilite", body: 0.8},
	{typ: CCP, phrase: "cahier des clauses particulieres", title: tStrong + 0.5, body: 1},
	{typ: CCP, phrase: "ccp", title: tStrong, body: 0.3},
	{typ: CCP, phrase: "present ccp", body: 3},
	{typ: CCP, phrase: "ccp valant acte d engagement", title: tStrong + 1, body: 2},

	// Consultation documents.
	{typ: ReglementConsultation, phrase: "reglement de la consultation", title: tStrong + 0.5, body: 1},
	{typ: ReglementConsultation, phrase: "reglement de consultation", title: tStrong + 0.5, body: 1},
	{typ: ReglementConsultation, phrase: "rc", title: tWeak},
	{typ: ReglementConsultation, phrase: "present reglement", body: 2},
	{typ: ReglementConsultation, phrase: "date limite de remise des offres", body: 2},
	{typ: ReglementConsultation, phrase: "date limite de reception des offres", body: 1.5},
	{typ: ReglementConsultation, phrase: "modalites de remise des offres", body: 1.5},
	{typ: ReglementConsultation, phrase: "conditions de remise des offres", body: 1.5},
	{typ: ReglementConsultation, phrase: "criteres de jugement des offres", body: 1.5},
	{typ: ReglementConsultation, phrase: "criteres d attribution", body: 1},
	{typ: ReglementConsultation, phrase: "dossier de consultation des entreprises", body: 1},
	{typ: ReglementConsultation, phrase: "contenu du dossier de consultation", body: 1.5},
	{typ: ReglementConsultation, phrase: "delai de validite des offres", body: 1},
	{typ: MemoireTechnique, phrase: "memoire technique", title: tStrong + 0.5, body: 1.5},
	{typ: MemoireTechnique, phrase: "memoire justificatif", title: tStrong, body: 1.5},
	{typ: MemoireTechnique, phrase: "offre technique", title: tMedium, body: 1},
	{typ: MemoireTechnique, phrase: "proposition technique", title: tMedium, body: 1},
	{typ: MemoireTechnique, phrase: "note methodologique", title: tMedium, body: 1},
	{typ: MemoireTechnique, phrase: "comprehension du besoin", title: tWeak, body: 1.5},
	{typ: MemoireTechnique, phrase: "comprehension des enjeux", title: tWeak, body: 1.5},
	{typ: MemoireTechnique, phrase: "notre demarche", body: 1},
	{typ: MemoireTechnique, phrase: "methodologie", body: 0.5},
	{typ: MemoireTechnique, phrase: "moyens humains", body: 0.5},
	{typ: MemoireTechnique, phrase: "organisation de l equipe", body: 0.8},
	{typ: MemoireTechnique, phrase: "references similaires", body: 0.8},
	{typ: MemoireTechnique, phrase: "transfert de competences", body: 0.3},

	// Price schedules.
	{typ: BordereauPrix, phrase: "bordereau des prix unitaires", title: tStrong + 0.5, body: 2},
	{typ: BordereauPrix, phrase: "bordereau de prix unitaires", title: tStrong + 0.5, body: 2},
	{typ: BordereauPrix, phrase: "bordereau des prix", title: tStrong, body: 1.5},
	{typ: BordereauPrix, phrase: "bordereau de prix", title: tStrong, body: 1.5},
	{typ: BordereauPrix, phrase: "bpu", title: tStrong, body: 0.5},
	{typ: DecompositionPrix, phrase: "decomposition du prix global et forfaitaire", title: tStrong + 1, body: 2},
	{typ: DecompositionPrix, phrase: "decomposition des prix globaux et forfaitaires", title: tStrong + 1, body: 2},
	{typ: DecompositionPrix, phrase: "decomposition du prix", title: tStrong, body: 1},
	{typ: DecompositionPrix, phrase: "decomposition des prix", title: tStrong, body: 1},
	{typ: DecompositionPrix, phrase: "dpgf", title: tStrong, body: 0.5},
	{typ: DecompositionPrix, phrase: "prix global et forfaitaire", body: 1.5},
	{typ: DetailQuantitatifEstimatif, phrase: "detail quantitatif estimatif", title: tStrong + 1, body: 2},
	{typ: DetailQuantitatifEstimatif, phrase: "detail quantitatif et estimatif", title: tStrong + 1, body: 2},
	{typ: DetailQuantitatifEstimatif, phrase: "detail estimatif", title: tStrong, body: 1.5},
	{typ: DetailQuantitatifEstimatif, phrase: "dqe", title: tStrong, body: 0.5},
	{typ: DetailQuantitatifEstimatif, phrase: "quantites estimatives", body: 1.5},
	{typ: DetailQuantitatifEstimatif, phrase: "montant total estimatif", body: 1.5},

	// Chorus form.
	{typ: FicheNavette, phrase: "fiche navette", title: tStrong + 1, body: 3},
	{typ: FicheNavette, phrase: "place chorus", title: tMedium, body: 1.5},
	{typ: FicheNavette, phrase: "localisation interministerielle", body: 2},
	{typ: FicheNavette, phrase: "domaine fonctionnel", body: 1.5},
	{typ: FicheNavette, phrase: "libelle accord cadre", body: 1.5},
	{typ: FicheNavette, phrase: "centre financier", body: 1},
	{typ: FicheNavette, phrase: "centre de cout", body: 1},
	{typ: FicheNavette, phrase: "groupe de marchandises", body: 1},
	{typ: FicheNavette, phrase: "groupe de marchandise", body: 1},

	// Bank and company papers.
	{typ: RIB, phrase: "releve d identite bancaire", title: tStrong + 1, body: 3},
	{typ: RIB, phrase: "releve d identite postale", title: tStrong + 1, body: 3},
	{typ: RIB, phrase: "rib", title: tStrong, body: 0.3},
	{typ: RIB, phrase: "coordonnees bancaires", title: tMedium, body: 0.8},
	{typ: RIB, phrase: "bank details", title: tMedium, body: 0.5},
	{typ: RIB, phrase: "identifiant national de compte", body: 2.5},
	{typ: RIB, phrase: "identifiant international de compte", body: 2},
	{typ: RIB, phrase: "titulaire du compte", body: 1.5},
	{typ: RIB, phrase: "domiciliation", body: 1.5},
	{typ: RIB, phrase: "code banque", body: 1.5},
	{typ: RIB, phrase: "code guichet", body: 1.5},
	{typ: RIB, phrase: "cle rib", body: 1.5},
	{typ: RIB, phrase: "iban", body: 1},
	{typ: RIB, phrase: "bic", body: 0.5},
	{typ: RIB, phrase: "account owner", body: 1},
	{typ: Kbis, phrase: "extrait kbis", title: tStrong + 1, body: 3},
	{typ: Kbis, phrase: "extrait k bis", title: tStrong + 1, body: 3},
	{typ: Kbis, phrase: "kbis", title: tStrong, body: 1.5},
	{typ: Kbis, phrase: "extrait d immatriculation principale", title: tStrong + 1, body: 3},
	{typ: Kbis, phrase: "greffe du tribunal de commerce", body: 2},
	{typ: Kbis, phrase: "greffe du tribunal des activites economiques", body: 2},
	{typ: Kbis, phrase: "date d immatriculation", body: 1.5},
	{typ: Kbis, phrase: "registre du commerce et des societes", body: 1},
	{typ: Kbis, phrase: "gestion et administration", body: 1},
	{typ: Kbis, phrase: "renseignements relatifs", body: 1},
	{typ: AttSirene, phrase: "avis de situation au repertoire sirene", title: tStrong + 1, body: 3},
	{typ: AttSirene, phrase: "avis de situation", title: tStrong, body: 2},
	{typ: AttSirene, phrase: "repertoire sirene", title: tMedium, body: 2.5},
	{typ: AttSirene, phrase: "situation au repertoire", body: 2.5},
	{typ: AttSirene, phrase: "insee", body: 1},
	{typ: AttSirene, phrase: "etat administratif", body: 1.5},
	{typ: AttSirene, phrase: "activite principale exercee", body: 1.5},
	{typ: AttSirene, phrase: "categorie juridique", body: 1},
	{typ: AttFiscale, phrase: "attestation de regularite fiscale", title: tStrong + 1, body: 3},
	{typ: AttFiscale, phrase: "attestation fiscale", title: tStrong, body: 2.5},
	{typ: AttFiscale, phrase: "regularite fiscale", title: tMedium, body: 2.5},
	{typ: AttFiscale, phrase: "obligations fiscales", body: 2},
	{typ: AttFiscale, phrase: "finances publiques", body: 1},
	{typ: AttFiscale, phrase: "service des impots", body: 1.5},
	{typ: AttFiscale, phrase: "3666", body: 1},
	{typ: AttSociale, phrase: "attestation de vigilance", title: tStrong + 1, body: 3},
	{typ: AttSociale, phrase: "attestation de regularite sociale", title: tStrong + 1, body: 3},
	{typ: AttSociale, phrase: "urssaf", title: tMedium, body: 2},
	{typ: AttSociale, phrase: "cotisations et contributions sociales", body: 2},
	{typ: AttSociale, phrase: "obligations sociales", body: 1.5},
	{typ: AttSociale, phrase: "securite sociale", body: 1},
	{typ: AttSociale, phrase: "travail dissimule", body: 1.5},

	// DAJ forms.
	{typ: SousTraitance, phrase: "dc4", title: tStrong + 0.5, body: 3},
	{typ: SousTraitance, phrase: "dc 4", title: tStrong + 0.5, body: 3},
	{typ: SousTraitance, phrase: "declaration de sous traitance", title: tStrong + 1, body: 3},
	{typ: SousTraitance, phrase: "acte special de sous traitance", title: tStrong + 1, body: 3},
	{typ: SousTraitance, phrase: "acte special", title: tMedium, body: 1.5},
	{typ: SousTraitance, phrase: "sous traitance", title: tMedium, body: 1},
	{typ: SousTraitance, phrase: "sous traitant", body: 1},
	{typ: SousTraitance, phrase: "paiement direct", body: 1.5},
	{typ: SousTraitance, phrase: "prestations sous traitees", body: 2},
	{typ: SousTraitance, phrase: "acceptation du sous traitant", body: 2},
	{typ: SousTraitance, phrase: "agrement des conditions de paiement", body: 2},
	{typ: LettreCandidatureDC1, phrase: "dc1", title: tStrong + 0.5, body: 3},
	{typ: LettreCandidatureDC1, phrase: "dc 1", title: tStrong + 0.5, body: 3},
	{typ: LettreCandidatureDC1, phrase: "lettre de candidature", title: tStrong + 0.5, body: 3},
	{typ: LettreCandidatureDC1, phrase: "habilitation du mandataire", body: 2},
	{typ: LettreCandidatureDC1, phrase: "candidat individuel", body: 0.8},
	{typ: LettreCandidatureDC1, phrase: "groupement d operateurs economiques", body: 0.8},
	{typ: LettreCandidatureDC1, phrase: "se porte candidat", body: 1.5},
	{typ: LettreCandidatureDC2, phrase: "dc2", title: tStrong + 0.5, body: 3},
	{typ: LettreCandidatureDC2, phrase: "dc 2", title: tStrong + 0.5, body: 3},
	{typ: LettreCandidatureDC2, phrase: "declaration du candidat", title: tStrong + 0.5, body: 3},
	{typ: LettreCandidatureDC2, phrase: "chiffre d affaires global", body: 2},
	{typ: LettreCandidatureDC2, phrase: "capacites economiques et financieres", body: 2},
	{typ: LettreCandidatureDC2, phrase: "capacites techniques et professionnelles", body: 1.5},
	{typ: LettreCandidatureDC2, phrase: "effectifs moyens annuels", body: 1.5},

	// Award and execution.
	{typ: Notification, phrase: "notification du marche", title: tStrong + 0.5, body: 2},
	{typ: Notification, phrase: "notification de l accord cadre", title: tStrong + 0.5, body: 2},
	{typ: Notification, phrase: "notification", title: tMedium, notNext: []string{"du marche", "de l accord cadre"}},
	{typ: Notification, phrase: "lettre de notification", title: tStrong + 0.5, body: 2},
	{typ: Notification, phrase: "noti1", title: tStrong, body: 3},
	{typ: Notification, phrase: "noti2", title: tStrong, body: 3},
	{typ: Notification, phrase: "noti3", title: tStrong, body: 3},
	{typ: Notification, phrase: "noti5", title: tStrong, body: 3},
	{typ: Notification, phrase: "vous notifie", body: 2.5},
	{typ: Notification, phrase: "je vous notifie", body: 1},
	{typ: Notification, phrase: "votre offre a ete retenue", body: 2.5},
	{typ: Notification, phrase: "information au candidat retenu", title: tStrong, body: 2.5},
	{typ: Notification, phrase: "accuse de reception", body: 0.5},
	{typ: Notification, phrase: "copie de l acte d engagement", body: 1},
	{typ: OrdreService, phrase: "ordre de service", title: tStrong + 0.5, body: 2},
	{typ: OrdreService, phrase: "exe1", title: tStrong + 0.5, body: 3},
	{typ: OrdreService, phrase: "exe 1", title: tStrong + 0.5, body: 3},
	{typ: OrdreService, phrase: "affermissement de la tranche", body: 1.5},
	{typ: OrdreService, phrase: "date de prise d effet", body: 1},
	{typ: OrdreService, phrase: "il est prescrit au titulaire", body: 2},
	{typ: OrdreService, phrase: "prescriptions", body: 0.5},
	{typ: ServiceFait, phrase: "proces verbal de service fait", title: tStrong + 1, body: 3},
	{typ: ServiceFait, phrase: "attestation de service fait", title: tStrong + 1, body: 3},
	{typ: ServiceFait, phrase: "certificat de service fait", title: tStrong + 1, body: 3},
	{typ: ServiceFait, phrase: "constatation du service fait", title: tStrong + 1, body: 3},
	{typ: ServiceFait, phrase: "pv de service fait", title: tStrong + 1, body: 3},
	{typ: ServiceFait, phrase: "service fait", title: tMedium, body: 2},
	{typ: ServiceFait, phrase: "proces verbal de reception", title: tStrong, body: 2},
	{typ: ServiceFait, phrase: "proces verbal d admission", title: tStrong, body: 2},
	{typ: ServiceFait, phrase: "proces verbal de verification", title: tMedium, body: 1.5},
	{typ: ServiceFait, phrase: "sans reserve", body: 1},
	{typ: ServiceFait, phrase: "avec reserves", body: 0.8},
	{typ: ServiceFait, phrase: "conformement au bon de commande", body: 0.5},
	{typ: AvisMarche, phrase: "avis de marche", title: tStrong + 0.5, body: 2},
	{typ: AvisMarche, phrase: "avis d appel public a la concurrence", title: tStrong + 1, body: 2},
	{typ: AvisMarche, phrase: "avis d appel a la concurrence", title: tStrong + 1, body: 2},
	{typ: AvisMarche, phrase: "avis d attribution", title: tStrong, body: 2},
	{typ: AvisMarche, phrase: "avis de pre information", title: tStrong, body: 2},
	{typ: AvisMarche, phrase: "boamp", title: tMedium, body: 2},
	{typ: AvisMarche, phrase: "joue", body: 1},
	{typ: AvisMarche, phrase: "type de procedure", body: 1},
	{typ: AvisMarche, phrase: "classification cpv", body: 1},
	{typ: AvisMarche, phrase: "section i", body: 0.5},
	{typ: AvisMarche, phrase: "instance chargee des procedures de recours", body: 2},
	{typ: RapportAnalyseOffre, phrase: "rapport d analyse des offres", title: tStrong + 1, body: 3},
	{typ: RapportAnalyseOffre, phrase: "rapport d analyse", title: tStrong, body: 2},
	{typ: RapportAnalyseOffre, phrase: "rapport de presentation", title: tMedium, body: 1},
	{typ: RapportAnalyseOffre, phrase: "analyse des offres", title: tMedium, body: 1.5},
	{typ: RapportAnalyseOffre, phrase: "rao", title: tMedium, body: 0.5},
	{typ: RapportAnalyseOffre, phrase: "classement des offres", body: 2},
	{typ: RapportAnalyseOffre, phrase: "offre economiquement la plus avantageuse", body: 1.5},
	{typ: RapportAnalyseOffre, phrase: "note technique", body: 1},
	{typ: RapportAnalyseOffre, phrase: "note prix", body: 1},
	{typ: RapportAnalyseOffre, phrase: "note finale", body: 1.5},
	{typ: RapportAnalyseOffre, phrase: "ponderation", body: 1},
	{typ: RapportAnalyseOffre, phrase: "offres recues", body: 1},

	// Mail (headers are scored apart, see mailHeaders) and CV.
	{typ: Mail, phrase: "message d origine", body: 3},
	{typ: Mail, phrase: "message transfere", body: 2.5},
	{typ: Mail, phrase: "forwarded message", body: 2.5},
	{typ: Mail, phrase: "original message", body: 2.5},
	{typ: Mail, phrase: "envoye le", body: 0.5},
	{typ: Mail, phrase: "envoye depuis", body: 1.5},
	{typ: Mail, phrase: "bien cordialement", body: 0.8},
	{typ: Mail, phrase: "cordialement", body: 0.5},
	{typ: Mail, phrase: "bonjour", body: 0.8},
	{typ: CV, phrase: "curriculum vitae", title: tStrong + 1, body: 3},
	{typ: CV, phrase: "cv", title: tStrong, body: 0.5},
	{typ: CV, phrase: "experiences professionnelles", title: tMedium, body: 2},
	{typ: CV, phrase: "experience professionnelle", title: tMedium, body: 2},
	{typ: CV, phrase: "parcours professionnel", title: tMedium, body: 2},
	{typ: CV, phrase: "centres d interet", body: 2},
	{typ: CV, phrase: "annees d experience", body: 1},
	{typ: CV, phrase: "competences", body: 0.5},
	{typ: CV, phrase: "formation", body: 0.5},
	{typ: CV, phrase: "diplome", body: 0.5},
	{typ: CV, phrase: "langues", body: 0.5},

	// Documents outside the contract's list that quote its vocabulary:
	// naming them keeps them from being read as a devis or a facture.
	{typ: Autre, phrase: "conditions generales de vente", title: tStrong},
	{typ: Autre, phrase: "conditions generales d achat", title: tStrong},
	{typ: Autre, phrase: "conditions generales", title: tMedium},
	{typ: Autre, phrase: "attestation d assurance", title: tStrong},
	{typ: Autre, phrase: "attestation sur l honneur", title: tMedium},
	{typ: Autre, phrase: "compte rendu", title: tMedium},
	{typ: Autre, phrase: "ordre du jour", title: tMedium},
	{typ: Autre, phrase: "proces verbal de la commission", title: tStrong},
	{typ: Autre, phrase: "commission d appel d offres", title: tMedium},
	{typ: Autre, phrase: "delegation de signature", title: tStrong},
	{typ: Autre, phrase: "delegation de pouvoir", title: tStrong},
	{typ: Autre, phrase: "questions reponses", title: tMedium},
	{typ: Autre, phrase: "mise au point", title: tMedium},
}

// nameCueDefs are tokens of file names ("DEVIS_2026_041.pdf", "AE signé.pdf",
// "0123456789_2_cctp.pdf"). People name files after the document type, so
// a file-name cue weighs about as much as a weak title.
var nameCueDefs = []struct {
	typ    string
	phrase string
	weight float64
}{
	{Devis, "devis", 3.5}, {Devis, "dev", 1.5}, {Devis, "proposition", 2}, {Devis, "offre financiere", 3}, {Devis, "lettre de mission", 3}, {Devis, "quote", 2.5},
	{Facture, "facture", 3.5}, {Facture, "fact", 2.5}, {Facture, "fac", 1.5}, {Facture, "invoice", 3.5}, {Facture, "fa", 1},
	{Avoir, "avoir", 4}, {Avoir, "credit note", 3.5}, {Avoir, "av", 1.5},
	{BonDeCommande, "bon de commande", 4}, {BonDeCommande, "bdc", 3.5}, {BonDeCommande, "bc", 2.5}, {BonDeCommande, "commande", 2.5}, {BonDeCommande, "purchase order", 3.5}, {BonDeCommande, "order", 1.5}, {BonDeCommande, "po", 1.5}, {BonDeCommande, "ej", 2},
	{ActeEngagement, "ae", 3.5}, {ActeEngagement, "acte d engagement", 4}, {ActeEngagement, "acte engagement", 4}, {ActeEngagement, "attri1", 4}, {ActeEngagement, "attri", 3},
	{Avenant, "avenant", 4}, {Avenant, "exe10", 4},
	{CCAP, "ccap", 4}, {CCTP, "cctp", 4}, {CCP, "ccp", 4}, {CCTP, "cahier des charges", 2.5},
	{ReglementConsultation, "rc", 3}, {ReglementConsultation, "reglement de consultation", 4}, {ReglementConsultation, "reglement de la consultation", 4}, {ReglementConsultation, "reglement consultation", 4},
	{MemoireTechnique, "memoire technique", 4}, {MemoireTechnique, "memoire", 3}, {MemoireTechnique, "mt", 2}, {MemoireTechnique, "offre technique", 3},
	{BordereauPrix, "bpu", 4}, {BordereauPrix, "bordereau", 3},
	{DecompositionPrix, "dpgf", 4}, {DetailQuantitatifEstimatif, "dqe", 4},
	{FicheNavette, "fiche navette", 4}, {FicheNavette, "navette", 3.5}, {FicheNavette, "fn", 1.5},
	{RIB, "rib", 4}, {RIB, "iban", 3}, {RIB, "rip", 3},
	{Kbis, "kbis", 4}, {Kbis, "k bis", 4},
	{AttSirene, "sirene", 3.5}, {AttSirene, "avis de situation", 3.5}, {AttSirene, "insee", 3},
	{AttFiscale, "fiscale", 3.5}, {AttFiscale, "attestation fiscale", 4}, {AttFiscale, "regularite fiscale", 4}, {AttFiscale, "impots", 2.5},
	{AttSociale, "urssaf", 4}, {AttSociale, "vigilance", 4}, {AttSociale, "sociale", 3},
	{SousTraitance, "dc4", 4}, {SousTraitance, "sous traitance", 3.5}, {SousTraitance, "acte special", 3.5},
	{LettreCandidatureDC1, "dc1", 4}, {LettreCandidatureDC1, "lettre de candidature", 3.5},
	{LettreCandidatureDC2, "dc2", 4},
	{Notification, "notification", 3.5}, {Notification, "noti", 3}, {Notification, "noti1", 3.5}, {Notification, "noti5", 3.5},
	{OrdreService, "os", 3}, {OrdreService, "ordre de service", 4}, {OrdreService, "exe1", 4},
	{ServiceFait, "service fait", 4}, {ServiceFait, "pvsf", 4}, {ServiceFait, "pv", 1.5}, {ServiceFait, "asf", 3},
	{AvisMarche, "avis de marche", 4}, {AvisMarche, "boamp", 3.5}, {AvisMarche, "aapc", 4}, {AvisMarche, "avis d appel", 3.5},
	{RapportAnalyseOffre, "rao", 4}, {RapportAnalyseOffre, "rapport d analyse", 4}, {RapportAnalyseOffre, "analyse des offres", 3.5},
	{Mail, "mail", 3}, {Mail, "courriel", 3}, {Mail, "email", 3}, {Mail, "message", 1.5},
	{CV, "cv", 4}, {CV, "curriculum", 4},
}

// nameWeightScale puts file-name weights on the scale of title weights: a
// file named "DEVIS_….pdf" with no readable text is a devis at about 0.7.
const nameWeightScale = 1.25

// compiled cue tables, indexed by first token.
type cue struct {
	typ     int
	tokens  []string
	text    string
	title   float64
	body    float64
	notNext [][]string
}

type cueIndex map[string][]int

var (
	cues       []cue
	cuesByHead cueIndex
	nameCues   []cue
	nameByHead cueIndex
)

func init() {
	for _, d := range cueDefs {
		c := cue{typ: mustType(d.typ), tokens: tokenize(d.phrase), text: d.phrase, title: d.title, body: d.body}
		for _, n := range d.notNext {
			c.notNext = append(c.notNext, tokenize(n))
		}
		cues = append(cues, c)
	}
	cuesByHead = indexCues(cues)
	for _, c := range cues {
		for _, w := range c.tokens {
			cueWords[w] = true
		}
	}
	for _, d := range nameCueDefs {
		nameCues = append(nameCues, cue{typ: mustType(d.typ), tokens: tokenize(d.phrase), text: d.phrase, body: nameWeightScale * d.weight})
	}
	nameByHead = indexCues(nameCues)
}

func mustType(t string) int {
	i, ok := typeIndex[t]
	if !ok {
		panic("classify: unknown type in cue table: " + t)
	}
	return i
}

func indexCues(cs []cue) cueIndex {
	idx := cueIndex{}
	for i, c := range cs {
		idx[c.tokens[0]] = append(idx[c.tokens[0]], i)
	}
	return idx
}

// matchAt says whether phrase occurs in toks at i.
func matchAt(toks []string, i int, phrase []string) bool {
	if i+len(phrase) > len(toks) {
		return false
	}
	for k, p := range phrase {
		if toks[i+k] != p {
			return false
		}
	}
	return true
}

// mailHeaderLabels are the labels of an e-mail header block, French Outlook
// and English forms ("De :", "Envoyé :", "À :", "Objet :").
var mailHeaderLabels = map[string]string{
	"de": "from", "from": "from",
	"a": "to", "to": "to", "destinataire": "to", "destinataires": "to",
	"cc": "cc", "cci": "cc",
	"objet": "subject", "subject": "subject",
	"envoye": "date", "sent": "date", "date": "date",
}

// quoteCue formats a cue for the evidence string.
func quoteCue(s string) string { return "« " + strings.TrimSpace(s) + " »" }
