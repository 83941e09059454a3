package synth

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/depenses-eclairees/depenses/internal/chorus"
)

// Scenario generates the demo data set in memory: the same options give
// the same bytes.
func Scenario(opt ScenarioOptions) (*Demo, error) {
	p, err := plan(opt)
	if err != nil {
		return nil, err
	}
	d := p.demo()
	if err := p.renderAll(d, nil); err != nil {
		return nil, err
	}
	return d, nil
}

// WriteScenario generates the data set straight into dir, one attachment
// at a time, so that large benchmark sets do not sit in memory.
func WriteScenario(dir string, opt ScenarioOptions) (*Demo, error) {
	p, err := plan(opt)
	if err != nil {
		return nil, err
	}
	d := p.demo()
	if err := writeTables(dir, d); err != nil {
		return nil, err
	}
	err = p.renderAll(d, func(pc *Piece) error {
		if err := writePiece(dir, pc); err != nil {
			return err
		}
		// Only the metadata stays in memory.
		pc.Data, pc.Gold = nil, Gold{}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return d, writeIndex(dir, d)
}

// renderAll renders every attachment on a few workers (each depends only
// on its spec and seed, so the bytes do not depend on the schedule) and
// calls done on each, from the worker. Scans share one engine, in turn.
func (p *planner) renderAll(d *Demo, done func(*Piece) error) error {
	sc, err := p.scannerIfNeeded()
	if err != nil {
		return err
	}
	if sc != nil {
		defer sc.close()
	}
	var scanMu sync.Mutex
	jobs := make(chan int)
	errs := make(chan error, 1)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), 4) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				err := p.render(p.pieces[i], &d.Pieces[i], sc, &scanMu)
				if err == nil && done != nil {
					err = done(&d.Pieces[i])
				}
				if err != nil {
					select {
					case errs <- err:
					default:
					}
				}
			}
		}()
	}
	for i := range p.pieces {
		if len(errs) > 0 {
			break
		}
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	select {
	case err := <-errs:
		return err
	default:
		return nil
	}
}

// WriteDemo writes a generated scenario into dir: chorus.csv, pieces/,
// anomalies_attendues.csv, pieces_index.csv and README.txt.
func WriteDemo(dir string, d *Demo) error {
	if err := writeTables(dir, d); err != nil {
		return err
	}
	for i := range d.Pieces {
		if err := writePiece(dir, &d.Pieces[i]); err != nil {
			return err
		}
	}
	return writeIndex(dir, d)
}

func (p *planner) scannerIfNeeded() (*scanner, error) {
	for _, pp := range p.pieces {
		if pp.scanned {
			return newScanner()
		}
	}
	return nil, nil
}

func (p *planner) render(pp *piecePlan, out *Piece, sc *scanner, scanMu *sync.Mutex) error {
	g, err := GenerateSpec(pp.spec, pp.seed)
	if err != nil {
		return fmt.Errorf("%s : %w", pp.name, err)
	}
	out.Data, out.Gold, out.Layout = g.PDF, g.Gold, g.Layout
	switch {
	case pp.scanned:
		r := rand.New(rand.NewPCG(uint64(pp.seed), 0x5ca9))
		scanMu.Lock()
		scan, err := sc.scan(g.PDF, g.Pages, r)
		scanMu.Unlock()
		if err != nil {
			return fmt.Errorf("%s : %w", pp.name, err)
		}
		out.Data = scan
	case pp.corrupt:
		out.Data = g.PDF[:len(g.PDF)*2/5]
	}
	return nil
}

// demo assembles the extract and the attachments' metadata.
func (p *planner) demo() *Demo {
	d := &Demo{Options: p.opt, ExtractDate: isoDate(extractDate), Expected: p.expected, OrphanEJ: p.orphan}
	for _, e := range p.ejs {
		d.EJs = append(d.EJs, p.chorusEJ(e))
	}
	for _, pp := range p.pieces {
		pc := Piece{Name: pp.name, NumEJ: pp.numEJ, Type: pp.spec.Type, Scanned: pp.scanned, Corrupt: pp.corrupt, Evidence: pp.evidence}
		if pp.copyOf != nil {
			pc.SameAs = pp.copyOf.name
		}
		d.Pieces = append(d.Pieces, pc)
	}
	return d
}

func amount(c int64) *float64 {
	v := float64(c) / 100
	return &v
}

func (p *planner) chorusEJ(e *ejPlan) chorus.EJ {
	sup := e.supplier
	out := chorus.EJ{NumEJ: e.num, TypeEJ: e.typeEJ, DateCreation: isoDate(e.created), DateNotification: isoDate(e.notified), Exercice: e.created.Year(),
		Ministere: ministries[e.svc.d.ministry].name, Designation: e.designation,
		Fournisseur: chorus.Supplier{Nom: sup.name, SIRET: sup.siret, SIREN: sup.siren, TVA: sup.vat, NAF: sup.naf.code, Categorie: p.category[sup.siren], Pays: "FR"},
		NumContrat:  e.contract, NumAccordCadre: e.ac,
		OrganisationAchat: e.svc.d.oa, GroupeAcheteurs: e.svc.d.ga, CodeServiceExecutant: e.svc.b.codeSvc, SIRETAcheteur: e.svc.b.siret, Devise: "EUR"}
	if e.ugap {
		out.Fournisseur.NAF = "" // UGAP's real NAF code is not known here
	}
	if !e.ugap && !p.involved(e.num) && hashShare(e.num, 5) < 2 {
		// As in a restitution whose "Fournisseur titulaire principal" is a
		// name only: the documents must identify the supplier.
		out.Fournisseur.SIRET, out.Fournisseur.SIREN, out.Fournisseur.TVA = "", "", ""
	}
	paid := time.Time{}
	if !e.invoiced.IsZero() {
		paid = e.invoiced.AddDate(0, 0, 15+int(e.created.Unix()/86400%30))
		if paid.After(extractDate) {
			paid = time.Time{}
		}
	}
	for i, ps := range e.postes {
		gm := gmByCode(ps.gm)
		po := chorus.Poste{Poste: strconv.Itoa(10 * (i + 1)), Programme: ps.svc.d.programme, BOP: ps.svc.d.bop, UO: ps.uo,
			CentreFinancier: ps.centreFinancier(), CentreCouts: ps.svc.centreCouts(), DomaineFonctionnel: ps.svc.domaineFonctionnel(),
			Activite: ps.svc.activite(), Localisation: ps.svc.d.loc,
			GroupeMarchandises: gm.code, GMLibelle: gm.label, Segment: gm.code[:5], DomaineAchat: gm.code[:2], CodeCPV: e.subj.cpv,
			MontantEngageHT: amount(ps.ht)}
		if ps.ttc > 0 {
			po.MontantEngageTTC = amount(ps.ttc)
		}
		if e.rate >= 0 {
			v := rateValue(e.rate)
			po.TauxTVA = &v
		}
		if !e.invoiced.IsZero() {
			billed := ps.ht
			if e.engHT != 0 {
				billed = ps.ht * e.ht / e.engHT
			}
			po.MontantSFCertifie = amount(billed)
			po.MontantFacture = amount(billed)
			po.DateSF = isoDate(e.invoiced.AddDate(0, 0, -3))
			if !paid.IsZero() {
				po.MontantPaye = amount(billed)
				po.DatePaiement = isoDate(paid)
			}
		}
		out.Postes = append(out.Postes, po)
	}
	return out
}

// ChorusColumns are the canonical extract columns (DOMAIN.md §1.4 (e)).
var ChorusColumns = strings.Fields(`num_ej poste_ej type_ej type_flux date_creation_ej date_notification exercice
ministere programme bop uo centre_financier centre_couts domaine_fonctionnel activite
localisation_interministerielle compte_budgetaire compte_general_pce fonds
groupe_marchandises gm_libelle segment domaine_achat code_cpv
fournisseur_nom fournisseur_siret fournisseur_siren fournisseur_tva fournisseur_naf
fournisseur_categorie_entreprise fournisseur_pays
num_contrat num_accord_cadre num_marche_subsequent num_ej_precedent
organisation_achat groupe_acheteurs code_service_executant siret_acheteur
designation_ej montant_engage_ht montant_engage_ttc taux_tva devise
montant_sf_certifie montant_facture montant_paye date_sf date_dernier_paiement`)

func fnum(v *float64) string {
	if v == nil {
		return ""
	}
	return strconv.FormatFloat(*v, 'f', 2, 64)
}

func frate(v *float64) string {
	if v == nil {
		return ""
	}
	return strconv.FormatFloat(*v, 'f', -1, 64)
}

// ChorusCSV renders the extract: one row per poste, ';', UTF-8, decimal point.
func ChorusCSV(ejs []chorus.EJ) []byte {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.Comma = ';'
	w.Write(ChorusColumns)
	for _, e := range ejs {
		for _, po := range e.Postes {
			f := e.Fournisseur
			w.Write([]string{e.NumEJ, po.Poste, e.TypeEJ, e.TypeFlux, e.DateCreation, e.DateNotification, strconv.Itoa(e.Exercice),
				e.Ministere, po.Programme, po.BOP, po.UO, po.CentreFinancier, po.CentreCouts, po.DomaineFonctionnel, po.Activite,
				po.Localisation, po.CompteBudgetaire, po.CompteGeneral, po.Fonds,
				po.GroupeMarchandises, po.GMLibelle, po.Segment, po.DomaineAchat, po.CodeCPV,
				f.Nom, f.SIRET, f.SIREN, f.TVA, f.NAF, f.Categorie, f.Pays,
				e.NumContrat, e.NumAccordCadre, e.NumMarcheSubsequent, e.NumEJPrecedent,
				e.OrganisationAchat, e.GroupeAcheteurs, e.CodeServiceExecutant, e.SIRETAcheteur,
				e.Designation, fnum(po.MontantEngageHT), fnum(po.MontantEngageTTC), frate(po.TauxTVA), e.Devise,
				fnum(po.MontantSFCertifie), fnum(po.MontantFacture), fnum(po.MontantPaye), po.DateSF, po.DatePaiement})
		}
	}
	w.Flush()
	return buf.Bytes()
}

// ExpectedCSV renders anomalies_attendues.csv.
func ExpectedCSV(exp []ExpectedAnomaly) []byte {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.Comma = ';'
	w.Write([]string{"code", "num_ej", "autres_ej", "detail"})
	for _, a := range exp {
		w.Write([]string{a.Code, a.NumEJ, strings.Join(a.Others, " "), a.Detail})
	}
	w.Flush()
	return buf.Bytes()
}

func writeFile(path string, data []byte) error {
	if err := os.WriteFile(path, data, 0o644); err != nil {
		return fmt.Errorf("écriture de %s impossible : %w", path, err)
	}
	return nil
}

func writeTables(dir string, d *Demo) error {
	if err := os.MkdirAll(filepath.Join(dir, "pieces"), 0o755); err != nil {
		return fmt.Errorf("création du dossier %s impossible : %w", dir, err)
	}
	if err := writeFile(filepath.Join(dir, "chorus.csv"), ChorusCSV(d.EJs)); err != nil {
		return err
	}
	if err := writeFile(filepath.Join(dir, "anomalies_attendues.csv"), ExpectedCSV(d.Expected)); err != nil {
		return err
	}
	return writeFile(filepath.Join(dir, "README.txt"), []byte(readme(d)))
}

func writePiece(dir string, pc *Piece) error {
	return writeFile(filepath.Join(dir, "pieces", pc.Name), pc.Data)
}

func writeIndex(dir string, d *Demo) error {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.Comma = ';'
	w.Write([]string{"fichier", "num_ej", "type", "mise_en_page", "numerisee", "corrompue", "preuve_de", "copie_de"})
	yn := func(b bool) string {
		if b {
			return "oui"
		}
		return "non"
	}
	for _, pc := range d.Pieces {
		w.Write([]string{pc.Name, pc.NumEJ, pc.Type, pc.Layout, yn(pc.Scanned), yn(pc.Corrupt), pc.Evidence, pc.SameAs})
	}
	w.Flush()
	return writeFile(filepath.Join(dir, "pieces_index.csv"), buf.Bytes())
}

// readme describes the folder in French.
func readme(d *Demo) string {
	var b strings.Builder
	postes, scanned, corrupt := 0, 0, 0
	withDocs := map[string]bool{}
	types := map[string]int{}
	for _, e := range d.EJs {
		postes += len(e.Postes)
	}
	var corruptNames []string
	for _, pc := range d.Pieces {
		types[pc.Type]++
		withDocs[pc.NumEJ] = true
		if pc.Scanned {
			scanned++
		}
		if pc.Corrupt {
			corrupt++
			corruptNames = append(corruptNames, pc.Name)
		}
	}
	var without []string
	for _, e := range d.EJs {
		if !withDocs[e.NumEJ] {
			without = append(without, e.NumEJ)
		}
	}
	codes, decoys := map[string]int{}, map[string]int{}
	for _, a := range d.Expected {
		if a.Code == Leurre {
			decoys[a.Detail]++
		} else {
			codes[a.Code]++
		}
	}
	fmt.Fprintf(&b, "Jeu de démonstration « Dépenses éclairées » — données entièrement synthétiques\n\n")
	fmt.Fprintf(&b, "Ce dossier imite un extrait Chorus d'engagements juridiques (EJ) et les pièces jointes\n")
	fmt.Fprintf(&b, "que l'outil de l'État stocke pour chacun. Aucune entreprise, personne ni commande n'est réelle ;\n")
	fmt.Fprintf(&b, "les numéros de programme sont de vrais programmes LOLF, les codes BOP, UO, OA/GA et groupes de\n")
	fmt.Fprintf(&b, "marchandises sont inventés dans les formats réels.\n\n")
	cmdline := fmt.Sprintf("depenses synth --demo --seed %d --ej %d --scanned-share %v", d.Options.Seed, d.Options.NumEJ, d.Options.ScannedShare)
	if d.Options.DocsPerEJ != 2.5 {
		cmdline += fmt.Sprintf(" --pieces-par-ej %v", d.Options.DocsPerEJ)
	}
	if d.Options.TextOnly {
		cmdline += " --texte-seul"
	}
	if len(d.Options.Layouts) > 0 && d.Options.Layouts[0] == HeldOutLayouts[0] {
		cmdline += " --layouts heldout"
	}
	fmt.Fprintf(&b, "Généré par : %s\n", cmdline)
	fmt.Fprintf(&b, "Graine : %d (la même graine et les mêmes options redonnent les mêmes octets)\n", d.Options.Seed)
	fmt.Fprintf(&b, "Date de l'extrait : %s\n\n", d.ExtractDate)
	fmt.Fprintf(&b, "Contenu\n")
	fmt.Fprintf(&b, "- chorus.csv : %d EJ, %d lignes (une par poste), séparateur « ; », UTF-8, point décimal,\n", len(d.EJs), postes)
	fmt.Fprintf(&b, "  colonnes canoniques. Montants en euros HT sauf montant_engage_ttc ; type_flux, fonds,\n")
	fmt.Fprintf(&b, "  compte_budgetaire et compte_general_pce sont laissés vides (valeurs réelles inconnues).\n")
	fmt.Fprintf(&b, "- pieces/ : %d pièces jointes nommées <num_ej>_<n>_<nom>.pdf, dont %d numérisées (image seule)\n", len(d.Pieces), scanned)
	fmt.Fprintf(&b, "  et %d corrompues (PDF tronqué, pour montrer la gestion d'erreur).\n", corrupt)
	var tnames []string
	for t := range types {
		tnames = append(tnames, t)
	}
	sort.Strings(tnames)
	for _, t := range tnames {
		fmt.Fprintf(&b, "    %-18s %d\n", t, types[t])
	}
	if len(corruptNames) > 0 {
		fmt.Fprintf(&b, "  Fichiers corrompus : %s\n", strings.Join(corruptNames, ", "))
	}
	if len(without) > 0 {
		fmt.Fprintf(&b, "  EJ sans aucune pièce jointe (%d) : %s\n", len(without), strings.Join(without, ", "))
	}
	if d.OrphanEJ != "" {
		fmt.Fprintf(&b, "  Pièces d'un EJ absent de l'extrait : %s_* (EJ %s)\n", d.OrphanEJ, d.OrphanEJ)
	}
	fmt.Fprintf(&b, "- pieces_index.csv : type, mise en page, numérisation, corruption et anomalie illustrée de chaque pièce.\n")
	fmt.Fprintf(&b, "- anomalies_attendues.csv : code;num_ej;autres_ej;detail. Une ligne par anomalie plantée\n")
	fmt.Fprintf(&b, "  (autres_ej : les autres EJ en cause, séparés par des espaces). Les lignes « leurre » sont des\n")
	fmt.Fprintf(&b, "  cas qui ressemblent à une anomalie sans en être une : leur colonne detail nomme la règle qui\n")
	fmt.Fprintf(&b, "  ne doit PAS se déclencher.\n\n")
	fmt.Fprintf(&b, "Anomalies plantées\n")
	for _, c := range []string{AnoHorsMarche, AnoFractionnement, AnoImputation, AnoFournisseur, AnoMontant, AnoDoublon, AnoIdentifiant, AnoRevueDITP, AnoTJMAtypique} {
		fmt.Fprintf(&b, "    %-24s %d\n", c, codes[c])
	}
	fmt.Fprintf(&b, "Leurres (règle qui ne doit pas se déclencher)\n")
	var dn []string
	for r := range decoys {
		dn = append(dn, r)
	}
	sort.Strings(dn)
	for _, r := range dn {
		fmt.Fprintf(&b, "    %-24s %d\n", r, decoys[r])
	}
	fmt.Fprintf(&b, `
Règles suivies
- Seuil de dispense (fournitures et services) : 40 000 € HT pour un EJ créé avant le %s,
  60 000 € HT ensuite. Les commandes hors marché ordinaires restent, par organisation d'achat et
  groupe de marchandises, sous 30 000 € HT sur douze mois : seuls les fractionnements plantés existent.
- Leurres : commandes UGAP (SIREN %s, centrale d'achat) fractionnées ou au-dessus du seuil ;
  commandes sur accord-cadre ; montants d'un même fournisseur répartis sur des GM différents ;
  commandes isolées juste sous le seuil (et une entre 40 000 et 60 000 € après le %s) ;
  commande de conseil juste sous 500 000 € TTC ; même RIB joint à deux EJ du même fournisseur ;
  avoir partiel après facture.
- Un SIRET ou un IBAN imprimé avec une clé fausse est une anomalie identifiant_invalide, pas un
  fournisseur_incoherent.
- Les pièces qui portent la preuve d'une anomalie ne sont jamais numérisées.
`, threshold2026Start, ugapSIREN, threshold2026Start)
	return b.String()
}

// involved tells whether an EJ takes part in a planted anomaly or a decoy,
// whose ground truth relies on its full Chorus record.
func (p *planner) involved(num string) bool {
	for _, a := range p.expected {
		if a.NumEJ == num || slices.Contains(a.Others, num) {
			return true
		}
	}
	return false
}

// hashShare maps an EJ number to 0..n-1, the same on every run.
func hashShare(num string, n int) int {
	h := 0
	for _, c := range num {
		h = (h*31 + int(c)) % 1000003
	}
	return h % n
}
