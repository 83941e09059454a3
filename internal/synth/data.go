package synth

// Vocabulary the generator draws from. Cities, postal codes, greffes, bank
// codes, BICs, CPV codes and NAF codes are real; companies and people are not.

type city struct{ name, postcode, greffe string }

var cities = []city{
	{"Paris", "75008", "Paris"}, {"Paris", "75011", "Paris"}, {"Paris", "75015", "Paris"}, {"Paris", "75002", "Paris"},
	{"Lyon", "69002", "Lyon"}, {"Lyon", "69007", "Lyon"}, {"Villeurbanne", "69100", "Lyon"},
	{"Marseille", "13001", "Marseille"}, {"Aix-en-Provence", "13100", "Aix-en-Provence"},
	{"Lille", "59000", "Lille Métropole"}, {"Roubaix", "59100", "Lille Métropole"},
	{"Nantes", "44000", "Nantes"}, {"Saint-Herblain", "44800", "Nantes"},
	{"Bordeaux", "33000", "Bordeaux"}, {"Mérignac", "33700", "Bordeaux"},
	{"Toulouse", "31000", "Toulouse"}, {"Labège", "31670", "Toulouse"},
	{"Rennes", "35000", "Rennes"}, {"Cesson-Sévigné", "35510", "Rennes"},
	{"Strasbourg", "67000", "Strasbourg"}, {"Montpellier", "34000", "Montpellier"},
	{"Nice", "06000", "Nice"}, {"Sophia Antipolis", "06560", "Antibes"},
	{"Grenoble", "38000", "Grenoble"}, {"Dijon", "21000", "Dijon"}, {"Orléans", "45000", "Orléans"},
	{"Tours", "37000", "Tours"}, {"Rouen", "76000", "Rouen"}, {"Reims", "51100", "Reims"},
	{"Metz", "57000", "Metz"}, {"Nancy", "54000", "Nancy"}, {"Clermont-Ferrand", "63000", "Clermont-Ferrand"},
	{"Limoges", "87000", "Limoges"}, {"Poitiers", "86000", "Poitiers"}, {"Besançon", "25000", "Besançon"},
	{"Caen", "14000", "Caen"}, {"Brest", "29200", "Brest"}, {"Angers", "49000", "Angers"},
	{"Le Mans", "72000", "Le Mans"}, {"Saint-Étienne", "42000", "Saint-Étienne"},
	{"Boulogne-Billancourt", "92100", "Nanterre"}, {"Nanterre", "92000", "Nanterre"},
	{"Issy-les-Moulineaux", "92130", "Nanterre"}, {"Courbevoie", "92400", "Nanterre"},
	{"Levallois-Perret", "92300", "Nanterre"}, {"Montreuil", "93100", "Bobigny"},
	{"Saint-Denis", "93200", "Bobigny"}, {"Vincennes", "94300", "Créteil"}, {"Ivry-sur-Seine", "94200", "Créteil"},
	{"Versailles", "78000", "Versailles"}, {"Guyancourt", "78280", "Versailles"},
	{"Évry-Courcouronnes", "91000", "Évry"}, {"Massy", "91300", "Évry"}, {"Cergy", "95000", "Pontoise"},
	{"Annecy", "74000", "Annecy"}, {"La Rochelle", "17000", "La Rochelle"}, {"Pau", "64000", "Pau"},
	{"Amiens", "80000", "Amiens"}, {"Nîmes", "30000", "Nîmes"}, {"Avignon", "84000", "Avignon"},
	{"Perpignan", "66000", "Perpignan"}, {"Bayonne", "64100", "Bayonne"}, {"Chambéry", "73000", "Chambéry"},
	{"Valence", "26000", "Romans-sur-Isère"}, {"Quimper", "29000", "Quimper"}, {"Vannes", "56000", "Vannes"},
}

var streetNames = []string{
	"rue de la République", "avenue Jean Jaurès", "boulevard Haussmann", "rue Victor Hugo",
	"place de la Bourse", "allée des Tilleuls", "quai de la Loire", "impasse du Moulin",
	"chemin des Vignes", "rue Émile Zola", "rue du Faubourg Saint-Honoré", "cours Lafayette",
	"route de Narbonne", "rue de l'Église", "avenue de la Gare", "boulevard Gambetta",
	"rue Pasteur", "rue des Écoles", "avenue du Général Leclerc", "rue Nationale",
	"place du Marché", "rue de la Paix", "rue Lafayette", "avenue des Champs-Élysées",
	"rue Saint-Exupéry", "boulevard de Strasbourg", "rue des Frères Lumière", "esplanade Charles de Gaulle",
	"rue d'Alésia", "avenue Jean Médecin", "quai des Chartrons", "rue Sainte-Catherine",
	"rue de Béthune", "allée Marie Curie", "rue du Château d'Eau", "parc d'activités des Forges",
}

var addressExtras = []string{"Bâtiment B", "CS 70012", "BP 4521", "3e étage", "Immeuble Le Carré", "Tour Horizon", "Espace Européen", "Hall A"}

var legalForms = []string{"SAS", "SARL", "SA", "SASU", "EURL", "SCOP SARL", "SAS", "SARL"}

var namePrefixes = []string{
	"Altaïr", "Boréal", "Cèdre", "Delta", "Éloquence", "Faubourg", "Hélios", "Iséo", "Kairos",
	"Lumen", "Méridien", "Nova", "Opale", "Périclès", "Quartz", "Rivage", "Sémaphore", "Tangente",
	"Ubik", "Vauban", "Zénith", "Argos", "Bastide", "Colbert", "Dauphine", "Estuaire", "Fénelon",
	"Garonne", "Hermine", "Ivoire", "Jaspe", "Lazuli", "Mistral", "Orée", "Pléiade", "Sirius",
}

var nameSuffixes = []string{
	"Conseil", "Partners", "Stratégies", "Ingénierie", "Solutions", "& Associés", "Consulting",
	"Études", "Management", "Public", "Numérique", "Organisation", "Group", "Expertise", "Services",
	"Formation", "Mobilier", "Impression", "Propreté", "Événements", "Traduction", "Informatique",
}

var firstNames = []string{"Camille", "Julien", "Sophie", "Thomas", "Nathalie", "Hugo", "Claire", "Antoine", "Élodie", "Mathieu", "Hélène", "Grégoire", "Inès", "Rémi", "Chloé", "François", "Léa", "Benoît", "Agnès", "Jérôme"}
var lastNames = []string{"Martin", "Bernard", "Dubois", "Lefèvre", "Moreau", "Laurent", "Girard", "Roux", "Fournier", "Mercier", "Bonnet", "Lambert", "Fontaine", "Chevalier", "Rousseau", "Garnier", "Faure", "André", "Gauthier", "Perrin"}

type naf struct{ code, label string }

var consultingNAF = []naf{
	{"70.22Z", "Conseil pour les affaires et autres conseils de gestion"},
	{"70.21Z", "Conseil en relations publiques et communication"},
	{"62.02A", "Conseil en systèmes et logiciels informatiques"},
	{"73.20Z", "Études de marché et sondages"},
	{"71.12B", "Ingénierie, études techniques"},
}

var otherNAF = []naf{
	{"31.01Z", "Fabrication de meubles de bureau et de magasin"},
	{"18.12Z", "Autre imprimerie (labeur)"},
	{"81.21Z", "Nettoyage courant des bâtiments"},
	{"74.30Z", "Traduction et interprétation"},
	{"82.30Z", "Organisation de foires, salons professionnels et congrès"},
	{"46.66Z", "Commerce de gros d'autres machines et équipements de bureau"},
	{"85.59A", "Formation continue d'adultes"},
	{"62.01Z", "Programmation informatique"},
}

type bank struct{ name, short, code, bic string }

var banks = []bank{
	{"BNP Paribas", "BNP PARIBAS", "30004", "BNPAFRPPXXX"},
	{"Société Générale", "SG", "30003", "SOGEFRPP"},
	{"LCL – Le Crédit Lyonnais", "LCL", "30002", "CRLYFRPP"},
	{"Crédit Agricole", "CA", "18206", "AGRIFRPP882"},
	{"La Banque Postale", "LBP", "20041", "PSSTFRPPPAR"},
	{"CIC", "CIC", "30066", "CMCIFRPP"},
	{"Crédit Mutuel", "CCM", "10278", "CMCIFR2A"},
	{"Caisse d'Épargne Île-de-France", "CEIDF", "17515", "CEPAFRPP751"},
	{"BRED Banque Populaire", "BRED", "10107", "BREDFRPPXXX"},
	{"Crédit Coopératif", "CREDIT COOPERATIF", "42559", "CCOPFRPPXXX"},
	{"Banque Populaire Rives de Paris", "BPRP", "10207", "CCBPFRPPMTG"},
	{"Qonto", "QONTO", "16958", "QNTOFRP1XXX"},
}

// ministry is a State buyer: ministère > direction > service, with its
// address. SIRETs of State services start with 1.
type ministry struct {
	name       string
	directions [][2]string // direction, service
	street     string
	postcode   string
	city       string
}

var ministries = []ministry{
	{"Ministère de l'Économie, des Finances et de la Souveraineté industrielle et numérique", [][2]string{
		{"Direction générale des Finances publiques", "Service des systèmes d'information"},
		{"Direction des achats de l'État", "Bureau de la performance des achats"},
		{"Secrétariat général", "Service de l'environnement professionnel"},
		{"Direction générale des entreprises", "Service de l'économie numérique"},
	}, "139 rue de Bercy", "75012", "Paris"},
	{"Ministère de l'Intérieur", [][2]string{
		{"Direction du numérique", "Sous-direction des programmes et de l'appui"},
		{"Direction générale des étrangers en France", "Service de l'asile"},
		{"Secrétariat général", "Direction de l'évaluation de la performance, de l'achat, des finances et de l'immobilier"},
	}, "place Beauvau", "75008", "Paris"},
	{"Ministère de la Transition écologique et de la Cohésion des territoires", [][2]string{
		{"Direction générale de l'aménagement, du logement et de la nature", "Service de l'habitat"},
		{"Commissariat général au développement durable", "Service de la donnée et des études statistiques"},
		{"Secrétariat général", "Service du numérique"},
	}, "1 place Carpeaux, Tour Séquoia", "92800", "Puteaux"},
	{"Ministère du Travail, de la Santé et des Solidarités", [][2]string{
		{"Délégation générale à l'emploi et à la formation professionnelle", "Sous-direction des parcours d'accès à l'emploi"},
		{"Direction générale de l'offre de soins", "Bureau de l'innovation et de la recherche clinique"},
		{"Direction générale de la santé", "Sous-direction de la veille et de la sécurité sanitaire"},
	}, "127 rue de Grenelle", "75007", "Paris"},
	{"Ministère de la Culture", [][2]string{
		{"Direction générale des patrimoines et de l'architecture", "Service des musées de France"},
		{"Secrétariat général", "Service des ressources humaines"},
	}, "3 rue de Valois", "75001", "Paris"},
	{"Ministère de l'Éducation nationale et de la Jeunesse", [][2]string{
		{"Direction du numérique pour l'éducation", "Service du numérique éducatif"},
		{"Direction générale des ressources humaines", "Service des personnels enseignants"},
	}, "110 rue de Grenelle", "75007", "Paris"},
	{"Ministère des Armées", [][2]string{
		{"Secrétariat général pour l'administration", "Direction des affaires financières"},
		{"Direction générale du numérique et des systèmes d'information et de communication", "Service de pilotage"},
	}, "60 boulevard du Général Martial Valin", "75015", "Paris"},
	{"Services du Premier ministre", [][2]string{
		{"Direction interministérielle de la transformation publique", "Pôle conseil interne"},
		{"Direction interministérielle du numérique", "Opérateur de produits interministériels"},
		{"Secrétariat général du Gouvernement", "Service de la législation et de la qualité du droit"},
	}, "20 avenue de Ségur", "75007", "Paris"},
	{"Ministère de la Justice", [][2]string{
		{"Secrétariat général", "Service de l'expertise et de la modernisation"},
		{"Direction de l'administration pénitentiaire", "Sous-direction du pilotage et du soutien des services"},
	}, "13 place Vendôme", "75001", "Paris"},
	{"Ministère de l'Agriculture et de la Souveraineté alimentaire", [][2]string{
		{"Secrétariat général", "Service des ressources humaines"},
		{"Direction générale de l'alimentation", "Service des actions sanitaires"},
	}, "78 rue de Varenne", "75007", "Paris"},
}

// localBuyers are public buyers outside the State (SIREN starting with 2).
var localBuyers = []struct{ name, street, postcode, city string }{
	{"Commune de Saint-Michel-sur-Orge", "place du 19 Mars 1962", "91240", "Saint-Michel-sur-Orge"},
	{"Cœur d'Essonne Agglomération", "1 place Saint-Exupéry", "91700", "Sainte-Geneviève-des-Bois"},
	{"Département de la Gironde", "1 esplanade Charles de Gaulle", "33000", "Bordeaux"},
	{"Région Bretagne", "283 avenue du Général Patton", "35000", "Rennes"},
	{"Métropole de Lyon", "20 rue du Lac", "69003", "Lyon"},
	{"Centre hospitalier de Valence", "179 boulevard du Maréchal Juin", "26000", "Valence"},
	{"Ville de Nantes", "2 rue de l'Hôtel de Ville", "44000", "Nantes"},
}

// subject is what is bought: an objet with matching line items.
type subject struct {
	objet      string
	consulting bool
	cpv        string
	cpvLabel   string
	items      []itemKind
	rate       int // VAT rate in tenths of a percent (200 = 20 %)
}

type itemKind struct {
	label    string
	unit     string
	minPrice int // euros HT per unit
	maxPrice int
	maxQty   int
	rate     int // 0 = the subject's rate
}

var consultingSubjects = []subject{
	{objet: "Accompagnement à la refonte du portail usagers", consulting: true, cpv: "72224000-1", cpvLabel: "Services de conseil en gestion de projet"},
	{objet: "Mission d'assistance à maîtrise d'ouvrage pour la dématérialisation des demandes de subvention", consulting: true, cpv: "72224000-1", cpvLabel: "Services de conseil en gestion de projet"},
	{objet: "Audit de l'organisation des fonctions support", consulting: true, cpv: "79411000-8", cpvLabel: "Services de conseil en gestion générale"},
	{objet: "Conduite du changement pour le déploiement du nouveau SIRH", consulting: true, cpv: "79410000-1", cpvLabel: "Services de conseil en affaires et en gestion"},
	{objet: "Évaluation de la politique publique d'accompagnement des demandeurs d'emploi", consulting: true, cpv: "79419000-4", cpvLabel: "Services de conseil et d'évaluation"},
	{objet: "Étude stratégique sur la mutualisation des achats informatiques", consulting: true, cpv: "72222000-7", cpvLabel: "Services d'analyse stratégique et de planification de systèmes ou de technologies de l'information"},
	{objet: "Cadrage du schéma directeur des systèmes d'information 2026-2030", consulting: true, cpv: "72220000-3", cpvLabel: "Services de conseil en systèmes informatiques et conseils techniques"},
	{objet: "Stratégie de communication de la campagne nationale de prévention", consulting: true, cpv: "79416000-3", cpvLabel: "Services de relations publiques"},
	{objet: "Appui à la réorganisation des services déconcentrés", consulting: true, cpv: "79411000-8", cpvLabel: "Services de conseil en gestion générale"},
	{objet: "Enquête de satisfaction des usagers et analyse statistique", consulting: true, cpv: "79300000-7", cpvLabel: "Études de marché et recherche économique; sondages et statistiques"},
}

var goodsSubjects = []subject{
	{objet: "Fourniture de mobilier de bureau pour le site de la direction", cpv: "39130000-2", cpvLabel: "Mobilier de bureau", rate: 200, items: []itemKind{
		{"Bureau droit 160 x 80 cm", "u", 240, 520, 20, 0}, {"Fauteuil de bureau ergonomique", "u", 180, 460, 25, 0},
		{"Caisson mobile 3 tiroirs", "u", 90, 210, 20, 0}, {"Armoire haute à rideaux", "u", 310, 690, 8, 0},
		{"Table de réunion 8 personnes", "u", 450, 1200, 3, 0}, {"Livraison et montage", "forfait", 150, 900, 1, 0},
		{"Cloison acoustique mobile", "u", 210, 480, 10, 0}, {"Lampe de bureau LED", "u", 35, 90, 30, 0},
	}},
	{objet: "Maintenance des photocopieurs multifonctions", cpv: "50313000-2", cpvLabel: "Maintenance et réparation de matériel de reprographie", rate: 200, items: []itemKind{
		{"Forfait maintenance trimestriel", "trimestre", 180, 420, 4, 0}, {"Copies noir et blanc (lot de 1 000)", "lot", 4, 9, 80, 0},
		{"Copies couleur (lot de 1 000)", "lot", 35, 70, 30, 0}, {"Intervention sur site hors contrat", "h", 75, 110, 12, 0},
		{"Kit de remplacement tambour", "u", 90, 260, 6, 0},
	}},
	{objet: "Prestations de nettoyage des locaux administratifs", cpv: "90910000-9", cpvLabel: "Services de nettoyage", rate: 200, items: []itemKind{
		{"Nettoyage quotidien des bureaux", "mois", 1800, 5200, 12, 0}, {"Nettoyage des vitres", "passage", 380, 950, 4, 0},
		{"Remise en état après travaux", "forfait", 600, 2400, 1, 0}, {"Fourniture de consommables sanitaires", "mois", 120, 380, 12, 0},
	}},
	{objet: "Traduction de documents techniques en anglais et en allemand", cpv: "79530000-8", cpvLabel: "Services de traduction", rate: 200, items: []itemKind{
		{"Traduction français-anglais", "page", 28, 55, 120, 0}, {"Traduction français-allemand", "page", 32, 60, 80, 0},
		{"Relecture et mise en page", "h", 45, 80, 20, 0}, {"Frais de gestion de projet", "forfait", 80, 300, 1, 0},
	}},
	{objet: "Organisation d'un séminaire de direction de deux jours", cpv: "79952000-2", cpvLabel: "Services d'organisation d'événements", rate: 100, items: []itemKind{
		{"Location de salle plénière", "jour", 900, 2800, 2, 200}, {"Déjeuner buffet", "couvert", 28, 55, 120, 100},
		{"Pause-café", "couvert", 6, 14, 240, 100}, {"Hébergement en chambre individuelle", "nuit", 95, 180, 60, 100},
		{"Équipement audiovisuel", "forfait", 400, 1600, 1, 200}, {"Transport en autocar", "trajet", 450, 1100, 2, 100},
	}},
	{objet: "Impression et façonnage de brochures institutionnelles", cpv: "79810000-5", cpvLabel: "Services d'impression", rate: 200, items: []itemKind{
		{"Brochure A4 16 pages quadri", "ex.", 1, 4, 5000, 0}, {"Dépliant 3 volets", "ex.", 0, 1, 10000, 0},
		{"Affiche A2", "ex.", 2, 6, 500, 0}, {"Bon à tirer et calage", "forfait", 120, 450, 1, 0},
		{"Livraison en région", "forfait", 90, 380, 1, 0},
	}},
	{objet: "Achat d'ouvrages et d'abonnements pour le centre de documentation", cpv: "30190000-7", cpvLabel: "Machines, fournitures et équipement de bureau divers", rate: 55, items: []itemKind{
		{"Ouvrage juridique – Code de la commande publique", "u", 35, 110, 15, 0}, {"Manuel de finances publiques", "u", 25, 70, 10, 0},
		{"Abonnement annuel revue spécialisée (papier)", "an", 120, 480, 5, 21}, {"Dictionnaire bilingue", "u", 18, 45, 10, 0},
		{"Frais de port", "forfait", 8, 25, 1, 200},
	}},
	{objet: "Formation des agents à la commande publique", cpv: "80511000-9", cpvLabel: "Services de formation du personnel", rate: 200, items: []itemKind{
		{"Session de formation inter (2 jours)", "stagiaire", 450, 1200, 12, 0}, {"Support pédagogique", "u", 15, 40, 12, 0},
		{"Frais de déplacement du formateur", "forfait", 150, 600, 1, 0},
	}},
}

// profiles are consulting roles with a realistic TJM range (€ HT).
var profiles = []struct {
	name     string
	min, max int
}{
	{"Associé", 1800, 2600}, {"Directeur de mission", 1400, 1950}, {"Manager", 1100, 1500},
	{"Consultant senior", 850, 1250}, {"Consultant", 650, 950}, {"Consultant junior", 480, 700},
	{"Chef de projet", 800, 1150}, {"Expert technique", 900, 1400}, {"Data scientist", 750, 1100},
	{"Architecte SI", 950, 1350},
}

var phases = []string{"Phase 1 – Cadrage et diagnostic", "Phase 2 – Analyse et scénarios", "Phase 3 – Plan de transformation", "Phase 4 – Accompagnement au déploiement", "Phase 5 – Bilan et transfert de compétences"}

var deliverables = []string{"Note de cadrage", "Rapport de diagnostic", "Cartographie des processus", "Scénarios d'évolution chiffrés", "Feuille de route", "Supports de comité de pilotage", "Guide de transfert de compétences", "Rapport final"}

var monthsFR = []string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"}
var weekdaysFR = []string{"dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"}
