// Package synth generates varied synthetic French procurement documents
// (devis, factures, avoirs, bons de commande, actes d'engagement, RIB,
// Kbis, fiches navette, CCTP, mémoires techniques) as PDFs, each with its
// gold labels in the contract's format (CONTRACT.md §5), and optionally a
// scanned, image-only copy.
//
// Real documents of these types are scarce, so extraction rules are
// measured on these too — never only on these. Variety is the point: layout
// families place the blocks differently, and wordings, date and amount
// spellings, identifier groupings, table columns and page counts are drawn
// per document. Families are split into DevLayouts, to work on, and
// HeldOutLayouts, to measure generalisation on.
//
// The gold lists only fields printed on the page, normalised as the
// contract says: identifiers without spaces, amounts as numbers with the
// sign printed (a credit note printed with minus signs is negative), dates as YYYY-MM-DD,
// addresses as "street, postcode city", administration_beneficiaire as
// "Ministère > Direction > Service".
package synth

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
)

// Options select what Generate produces.
type Options struct {
	Seed    int64
	Types   []string  // contract document types; default DefaultTypes
	Layouts LayoutSet // layout families that may be drawn; default DevLayouts
	Scanned bool      // also produce a scanned, image-only variant
}

// Generated is one document with its gold.
type Generated struct {
	Name    string
	PDF     []byte
	Gold    Gold
	Scanned []byte // image-only PDF, nil unless Options.Scanned
	Layout  string // the layout family drawn
	Pages   int
}

// Gold is the contract §5 gold: {"document_type": "...", "fields": {...}}.
type Gold struct {
	DocumentType string         `json:"document_type"`
	Fields       map[string]any `json:"fields"`
}

// DefaultTypes are the document types generated when Options.Types is empty.
var DefaultTypes = []string{"devis", "facture", "avoir", "bon_de_commande", "acte_engagement", "rib", "kbis", "fiche_navette", "cctp", "memoire_technique"}

var builders = map[string]func(g *gen) *docModel{
	"devis":             func(g *gen) *docModel { return g.commercial("devis") },
	"facture":           func(g *gen) *docModel { return g.commercial("facture") },
	"avoir":             func(g *gen) *docModel { return g.commercial("avoir") },
	"bon_de_commande":   (*gen).bonDeCommande,
	"acte_engagement":   (*gen).acteEngagement,
	"rib":               (*gen).rib,
	"kbis":              (*gen).kbis,
	"fiche_navette":     (*gen).ficheNavette,
	"cctp":              (*gen).cctp,
	"memoire_technique": (*gen).memoireTechnique,
}

// Generate draws n documents. Document i depends only on (Seed, i, Types,
// Layouts): the same options give the same bytes. Types are taken in turn
// so that every type appears; layout families are drawn at random.
func Generate(opt Options, n int) ([]Generated, error) {
	types := opt.Types
	if len(types) == 0 {
		types = DefaultTypes
	}
	for _, t := range types {
		if builders[t] == nil {
			return nil, fmt.Errorf("type de document non géré par le générateur : %q", t)
		}
	}
	set := opt.Layouts
	if len(set) == 0 {
		set = DevLayouts
	}
	fams := make([]*family, 0, len(set))
	for _, id := range set {
		f, ok := familyByID(id)
		if !ok {
			return nil, fmt.Errorf("famille de mise en page inconnue : %q", id)
		}
		fams = append(fams, f)
	}
	if n < 0 {
		return nil, fmt.Errorf("nombre de documents négatif : %d", n)
	}
	var sc *scanner
	if opt.Scanned {
		var err error
		if sc, err = newScanner(); err != nil {
			return nil, err
		}
		defer sc.close()
	}
	out := make([]Generated, 0, n)
	for i := range n {
		typ := types[i%len(types)]
		r := rand.New(rand.NewPCG(uint64(opt.Seed), uint64(i)))
		f := fams[r.IntN(len(fams))]
		doc := generateOne(r, f, typ)
		// The name says nothing of the type or layout, so that a classifier
		// measured on the set reads the content; index.tsv keeps both.
		doc.Name = fmt.Sprintf("piece-%04d", i)
		if sc != nil {
			scan, err := sc.scan(doc.PDF, doc.Pages, r)
			if err != nil {
				return nil, fmt.Errorf("%s : %w", doc.Name, err)
			}
			doc.Scanned = scan
		}
		out = append(out, doc)
	}
	return out, nil
}

func generateOne(r *rand.Rand, f *family, typ string) Generated {
	return generateWith(r, f, &Spec{Type: typ, specless: true})
}

// generateWith builds and renders one document; a spec marked specless
// draws everything, as Generate always did.
func generateWith(r *rand.Rand, f *family, s *Spec) Generated {
	typ := s.Type
	g := &gen{r: r, f: f, gold: map[string]any{}, idSty: f.idStyle + r.IntN(2)}
	if !s.specless {
		g.spec = s
	}
	g.df = f.dates[r.IntN(len(f.dates))]
	g.af = amountFormats[f.amounts[r.IntN(len(f.amounts))]]
	if g.spec != nil && !g.spec.Date.IsZero() {
		g.now = g.spec.Date
	} else {
		g.now = g.randomDate()
	}
	g.year = g.now.Year()
	m := builders[typ](g)
	g.derivedSIRENs()
	pdf, pages := render(m, f, r)
	return Generated{PDF: pdf, Gold: Gold{DocumentType: typ, Fields: g.gold}, Layout: f.id, Pages: pages}
}

// WriteSet writes NAME.pdf and NAME.gold.json (and NAME-scan.pdf with
// NAME-scan.gold.json for scanned variants) into dir, which it creates, and
// index.tsv naming each document's type and layout family.
func WriteSet(dir string, docs []Generated) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("création du dossier %s impossible : %w", dir, err)
	}
	write := func(name string, pdf []byte, gold Gold) error {
		var js bytes.Buffer
		enc := json.NewEncoder(&js)
		enc.SetEscapeHTML(false) // keep "Ministère > Direction" readable
		enc.SetIndent("", " ")
		if err := enc.Encode(gold); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, name+".pdf"), pdf, 0o644); err != nil {
			return fmt.Errorf("écriture de %s.pdf impossible : %w", name, err)
		}
		if err := os.WriteFile(filepath.Join(dir, name+".gold.json"), js.Bytes(), 0o644); err != nil {
			return fmt.Errorf("écriture de %s.gold.json impossible : %w", name, err)
		}
		return nil
	}
	var index bytes.Buffer
	index.WriteString("fichier\ttype\tmise_en_page\tpages\n")
	for _, d := range docs {
		fmt.Fprintf(&index, "%s.pdf\t%s\t%s\t%d\n", d.Name, d.Gold.DocumentType, d.Layout, d.Pages)
	}
	if err := os.WriteFile(filepath.Join(dir, "index.tsv"), index.Bytes(), 0o644); err != nil {
		return fmt.Errorf("écriture de index.tsv impossible : %w", err)
	}
	for _, d := range docs {
		if err := write(d.Name, d.PDF, d.Gold); err != nil {
			return err
		}
		if d.Scanned != nil {
			if err := write(d.Name+"-scan", d.Scanned, d.Gold); err != nil {
				return err
			}
		}
	}
	return nil
}

// derivedSIRENs lists a party's SIREN whenever the page prints a SIRET or a
// French VAT number that carries it, as the corpus's gold files do: the
// SIREN is printed, as the first nine digits of the one or the last nine of
// the other.
func (g *gen) derivedSIRENs() {
	for _, party := range []string{"fournisseur", "acheteur"} {
		if _, ok := g.gold[party+".siren"]; ok {
			continue
		}
		if siret, ok := g.gold[party+".siret"].(string); ok && len(siret) == 14 {
			g.set(party+".siren", siret[:9])
		} else if vat, ok := g.gold[party+".tva"].(string); ok && len(vat) == 13 && strings.HasPrefix(vat, "FR") {
			g.set(party+".siren", vat[4:])
		}
	}
}
