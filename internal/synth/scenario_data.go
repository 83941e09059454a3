package synth

// Referentials of the demo scenario. Programme numbers are real LOLF
// programmes of the ministry named; BOP and UO codes, centres de coûts,
// OA/GA codes and the groupe de marchandises codes and labels are made up
// in the formats of DOMAIN.md §1.3 (the official GM list is not available,
// §2.1). GM labels of consulting use the keywords the doctrine uses
// (conseil, études, assistance à maîtrise d'ouvrage); the others avoid them.

// demoService is a buying State service and its budget axes.
type demoService struct {
	ministry  int // index into ministries (name, address)
	direction string
	service   string
	programme string // 4 digits
	bop       string // 4 characters
	uos       []string
	cc        string // centre de coûts prefix (6 letters)
	oa, ga    string // organisation d'achat, groupe d'acheteurs
	loc       string // localisation interministérielle
	armees    bool   // outside the DITP consulting accord-cadre obligation
}

var demoServices = []demoService{
	{0, "Direction générale des Finances publiques", "Service des systèmes d'information", "0156", "DGFP", []string{"SSIN", "C075"}, "DGFIPS", "MEF1", "F01", "N11", false},
	{0, "Direction des achats de l'État", "Bureau de la performance des achats", "0218", "SGAE", []string{"DAE1"}, "SGMDAE", "MEF1", "F02", "N", false},
	{0, "Secrétariat général", "Service de l'environnement professionnel", "0218", "SGMI", []string{"SEP1", "CENT"}, "SGMSEP", "MEF1", "F03", "N", false},
	{0, "Direction générale des entreprises", "Service de l'économie numérique", "0134", "DGEN", []string{"SEN1"}, "DGESEN", "MEF1", "F04", "N11", false},
	{0, "Secrétariat général", "Mission immobilière de l'administration centrale", "0723", "IMMO", []string{"AC75"}, "SGMIMM", "MEF1", "F05", "N9130", false},
	{1, "Direction du numérique", "Sous-direction des programmes et de l'appui", "0216", "DNUM", []string{"PGAP", "C001"}, "MIDNUM", "MIN1", "I01", "N", false},
	{1, "Direction générale de la police nationale", "Sous-direction de l'équipement et de la logistique", "0176", "DGPN", []string{"SDEL", "IDF1"}, "DGPNEQ", "MIN1", "I02", "N11", false},
	{1, "Direction générale de la gendarmerie nationale", "Sous-direction de l'immobilier et du logement", "0152", "DGGN", []string{"SDIL"}, "DGGNIM", "MIN1", "I03", "N", false},
	{1, "Secrétariat général", "Direction de l'évaluation de la performance, de l'achat, des finances et de l'immobilier", "0354", "ATE1", []string{"DEPA", "PREF"}, "MISGAT", "MIN1", "I04", "N7630189", false},
	{1, "Direction générale des étrangers en France", "Service de l'asile", "0303", "DGEF", []string{"ASIL"}, "DGEFAS", "MIN1", "I05", "N", false},
	{2, "Secrétariat général", "Service du numérique", "0217", "SGTE", []string{"SNUM", "C092"}, "TESNUM", "MTE1", "E01", "N9130", false},
	{2, "Direction générale de l'aménagement, du logement et de la nature", "Service de l'habitat", "0135", "DHUP", []string{"HAB1"}, "DGALNH", "MTE1", "E02", "N", false},
	{2, "Commissariat général au développement durable", "Service de la donnée et des études statistiques", "0159", "CGDD", []string{"SDES"}, "CGDDSD", "MTE1", "E03", "N", false},
	{3, "Délégation générale à l'emploi et à la formation professionnelle", "Sous-direction des parcours d'accès à l'emploi", "0102", "EMPL", []string{"PAE1"}, "DGEFPP", "MAS1", "S01", "N", false},
	{3, "Direction générale de la santé", "Sous-direction de la veille et de la sécurité sanitaire", "0204", "DGSA", []string{"VSS1"}, "DGSVSS", "MAS1", "S02", "N", false},
	{3, "Direction générale de l'offre de soins", "Bureau de l'innovation et de la recherche clinique", "0204", "DGOS", []string{"INNO"}, "DGOSIN", "MAS1", "S03", "N", false},
	{4, "Direction générale des patrimoines et de l'architecture", "Service des musées de France", "0175", "DGPA", []string{"SMF1", "C075"}, "DGPAMF", "MCC1", "C01", "N", false},
	{4, "Secrétariat général", "Service des ressources humaines", "0224", "SGCU", []string{"SRH1"}, "SGCSRH", "MCC1", "C02", "N", false},
	{5, "Direction du numérique pour l'éducation", "Service du numérique éducatif", "0214", "DNE1", []string{"SNE1"}, "DNESNE", "MEN1", "N01", "N", false},
	{5, "Direction générale des ressources humaines", "Service des personnels enseignants", "0214", "DGRH", []string{"SPE1"}, "DGRHPE", "MEN1", "N02", "N", false},
	{6, "Secrétariat général pour l'administration", "Direction des affaires financières", "0212", "SGAD", []string{"DAF1", "CENT"}, "SGADAF", "MAR1", "A01", "N", true},
	{6, "Direction générale du numérique et des systèmes d'information et de communication", "Service de pilotage", "0212", "DGNU", []string{"PIL1"}, "DGNUMP", "MAR1", "A02", "N", true},
	{7, "Direction interministérielle de la transformation publique", "Pôle conseil interne", "0349", "DITP", []string{"PCI1"}, "DITPCI", "SPM1", "P01", "N", false},
	{7, "Direction interministérielle du numérique", "Opérateur de produits interministériels", "0352", "DINU", []string{"OPI1"}, "DINUOP", "SPM1", "P02", "N", false},
	{7, "Secrétariat général du Gouvernement", "Service de la législation et de la qualité du droit", "0129", "SGGO", []string{"SLQD", "CENT"}, "SGGSLQ", "SPM1", "P03", "N", false},
	{8, "Secrétariat général", "Service de l'expertise et de la modernisation", "0310", "SGJU", []string{"SEM1"}, "SGJSEM", "MJU1", "J01", "N", false},
	{8, "Direction de l'administration pénitentiaire", "Sous-direction du pilotage et du soutien des services", "0107", "DAPE", []string{"PSS1", "DI75"}, "DAPPSS", "MJU1", "J02", "S1200594", false},
	{9, "Secrétariat général", "Service des ressources humaines", "0215", "SGAG", []string{"SRH1"}, "SGASRH", "MAA1", "G01", "N", false},
	{9, "Direction générale de l'alimentation", "Service des actions sanitaires", "0206", "DGAL", []string{"SAS1"}, "DGALSA", "MAA1", "G02", "B104788", false},
}

// gmDef is a groupe de marchandises of the (made-up) referential.
type gmDef struct {
	code, label string
	consulting  bool
}

var demoGMs = []gmDef{
	{"33.01.01", "Conseil en stratégie et organisation", true},
	{"33.01.02", "Accompagnement et conduite du changement", true},
	{"33.01.04", "Assistance à maîtrise d'ouvrage (AMOA)", true},
	{"33.02.01", "Études et évaluation des politiques publiques", true},
	{"33.02.02", "Études, enquêtes et sondages", true},
	{"33.03.01", "Conseil en communication", true},
	{"30.01.02", "Conseil en systèmes d'information", true},
	{"40.01.02", "Mobilier de bureau", false},
	{"38.02.01", "Maintenance des matériels de reprographie", false},
	{"36.02.01", "Nettoyage des locaux", false},
	{"34.04.01", "Traduction et interprétariat", false},
	{"37.02.01", "Événementiel, séminaires et réceptions", false},
	{"35.01.01", "Impression et façonnage", false},
	{"41.01.01", "Documentation, ouvrages et abonnements", false},
	{"39.01.01", "Formation professionnelle des agents", false},
}

// subjectGM maps the objets of consultingSubjects then goodsSubjects, in
// order, to their natural GM.
var consultingSubjectGM = []string{"33.01.04", "33.01.04", "33.01.01", "33.01.02", "33.02.01", "30.01.02", "30.01.02", "33.03.01", "33.01.01", "33.02.02"}
var goodsSubjectGM = []string{"40.01.02", "38.02.01", "36.02.01", "34.04.01", "37.02.01", "35.01.01", "41.01.01", "39.01.01"}

func gmByCode(code string) gmDef {
	for _, g := range demoGMs {
		if g.code == code {
			return g
		}
	}
	panic("unknown GM " + code)
}

// Designations as buyers type them in Chorus: often too poor to say what
// was bought, which is what the enrichment is for.
var poorDesignations = []string{"PRESTATION", "DIVERS", "PRESTATIONS DIVERSES", "ACHAT", "COMMANDE", "FOURNITURES", "HONORAIRES", "REGUL", "PRESTA INTELLECTUELLE", "SERVICES", "BC SUITE DEVIS", "DEPENSE DE FONCTIONNEMENT"}

// UGAP, the State's centrale d'achat (SIREN from DOMAIN.md §3.2).
const ugapSIREN = "776056467"

var companyCategories = []string{"PME", "PME", "PME", "ETI", "GE", "MIC"}
