package synth

import (
	"fmt"
	"math"
	"math/rand/v2"
	"time"
)

// Spec fixes what one document says, so that several documents can belong
// to the same purchase order: same supplier, buyer, objet, amounts, EJ
// number. A zero field is drawn at random, with two exceptions: EJ and
// ContractRef are printed only when set on documents where they are
// optional (devis, facture, avoir, bon de commande), so that an order
// outside any contract shows none; documents that always carry a reference
// (acte d'engagement, fiche navette, CCTP, mémoire technique) draw one.
type Spec struct {
	Type    string    // contract document type, one of DefaultTypes
	Layout  string    // layout family id; "" draws one from Layouts
	Layouts LayoutSet // default DevLayouts

	Supplier *Company
	Buyer    *Buyer // a State buyer; nil draws one

	// Objet is what is bought. With Consulting, priced lines are profiles
	// × days × TJM; otherwise goods or services lines.
	Objet      string
	Consulting bool
	CPV        string // "79411000-8"; printed on actes d'engagement, fiches navette, CCTP
	CPVLabel   string
	Lines      []Line // nil draws lines fitting the objet

	EJ          string    // 10-digit Chorus EJ number
	ContractRef string    // marché or accord-cadre reference
	Numero      string    // the document's own number (devis, facture, avoir)
	Date        time.Time // issue date
	Months      int       // duration printed on marchés; 0 draws one
	Imputation  *Imputation

	InvalidSIRET bool // print the supplier's SIRET with a wrong check digit
	InvalidIBAN  bool // print the supplier's IBAN with wrong check digits

	specless bool // Generate's documents: every value drawn
}

// Line is one priced line. For consulting, Label is the profile, Unit
// "jour", Qty the number of days (halves allowed) and PriceHT the TJM.
type Line struct {
	Label   string
	Unit    string
	Qty     float64
	PriceHT int64 // unit price in cents, HT
	VATRate int   // tenths of a percent: 200 is 20 %, 55 is 5,5 %
}

// Imputation is the Chorus imputation printed on bons de commande and
// fiches navette (DOMAIN.md §1.3 formats).
type Imputation struct {
	CentreFinancier    string // PPPP-BBBB-UUUU
	CentreCouts        string
	DomaineFonctionnel string // PPPP-AA-SS
	Activite           string
	Localisation       string
	GroupeMarchandises string // DD.SS.GG
}

// Totals returns the HT, VAT and TTC totals of lines in cents, VAT rounded
// per rate as the documents print it.
func Totals(lines []Line, consulting bool) (ht, tva, ttc int64, err error) {
	ls, err := internalLines(lines, consulting)
	if err != nil {
		return 0, 0, 0, err
	}
	s := computeSums(ls)
	return s.ht, s.tva, s.ttc, nil
}

func internalLines(lines []Line, consulting bool) ([]line, error) {
	out := make([]line, 0, len(lines))
	for i, l := range lines {
		if l.Qty <= 0 || l.PriceHT < 0 || l.VATRate < 0 || l.Label == "" {
			return nil, fmt.Errorf("ligne %d invalide : %+v", i+1, l)
		}
		if consulting {
			halves := l.Qty * 2
			if halves != math.Trunc(halves) {
				return nil, fmt.Errorf("ligne %d : %v jours n'est pas un multiple d'une demi-journée", i+1, l.Qty)
			}
			h := int(halves)
			out = append(out, line{label: l.Label, unit: "jour", qty: h, halves: true, pu: l.PriceHT, rate: l.VATRate, amount: roundDiv(l.PriceHT*int64(h), 2)})
			continue
		}
		if l.Qty != math.Trunc(l.Qty) {
			return nil, fmt.Errorf("ligne %d : quantité %v non entière", i+1, l.Qty)
		}
		q := int(l.Qty)
		unit := l.Unit
		if unit == "" {
			unit = "u"
		}
		out = append(out, line{ref: fmt.Sprintf("L%03d", 10*(i+1)), label: l.Label, unit: unit, qty: q, pu: l.PriceHT, rate: l.VATRate, amount: l.PriceHT * int64(q)})
	}
	return out, nil
}

// Company is a supplier as its documents print it.
type Company struct{ c company }

// NewCompany draws a company registered at the RCS (not a micro-entreprise),
// with its SIREN, SIRET, VAT number, address and bank account.
func NewCompany(seed int64, consulting bool) Company {
	r := rand.New(rand.NewPCG(uint64(seed), 0xc0))
	g := &gen{r: r}
	return Company{g.nonMicroCompany(consulting)}
}

func (c Company) Name() string  { return c.c.name }
func (c Company) SIREN() string { return c.c.siren }
func (c Company) SIRET() string { return c.c.siret }
func (c Company) TVA() string   { return c.c.vat }
func (c Company) NAF() string   { return c.c.naf.code }
func (c Company) IBAN() string  { return c.c.accountFor.iban }
func (c Company) BIC() string   { return c.c.accountFor.bank.bic }
func (c Company) Micro() bool   { return c.c.micro }

// Address is the one-line address "street, postcode city".
func (c Company) Address() string { return c.c.addr.gold() }

// WithIdentity returns the company under another name and SIREN (its SIRET
// keeps the NIC shape, its VAT number follows): the same letterhead printed
// with the identifiers of another legal entity.
func (c Company) WithIdentity(name, siren, siret string) Company {
	out := c
	if name != "" {
		out.c.name = name
		out.c.initials = initialsOf(name)
	}
	out.c.siren = siren
	out.c.siret = siret
	out.c.vat = vatNumber(siren)
	return out
}

// Buyer is a public buyer: ministère > direction > service.
type Buyer struct{ b buyer }

// NewStateBuyer draws a State service.
func NewStateBuyer(seed int64) Buyer {
	r := rand.New(rand.NewPCG(uint64(seed), 0xb0))
	g := &gen{r: r}
	return Buyer{g.stateBuyer()}
}

func (b Buyer) Name() string        { return b.b.name }
func (b Buyer) Hierarchy() string   { return b.b.hierarchy() }
func (b Buyer) SIRET() string       { return b.b.siret }
func (b Buyer) CodeService() string { return b.b.codeSvc }

// specStream separates the random streams of spec documents from those of
// Generate, which uses the document index.
const specStream = 0x5bec0000

// GenerateSpec draws one document of s.Type that says what s fixes. The
// same spec and seed give the same bytes.
func GenerateSpec(s Spec, seed int64) (Generated, error) {
	if builders[s.Type] == nil {
		return Generated{}, fmt.Errorf("type de document non géré par le générateur : %q", s.Type)
	}
	var f *family
	if s.Layout != "" {
		var ok bool
		if f, ok = familyByID(s.Layout); !ok {
			return Generated{}, fmt.Errorf("famille de mise en page inconnue : %q", s.Layout)
		}
	}
	set := s.Layouts
	if len(set) == 0 {
		set = DevLayouts
	}
	for _, id := range set {
		if _, ok := familyByID(id); !ok {
			return Generated{}, fmt.Errorf("famille de mise en page inconnue : %q", id)
		}
	}
	r := rand.New(rand.NewPCG(uint64(seed), specStream))
	if f == nil {
		f, _ = familyByID(set[r.IntN(len(set))])
	}
	sp := s
	if sp.Lines != nil {
		if _, err := internalLines(sp.Lines, sp.Consulting); err != nil {
			return Generated{}, err
		}
	}
	if sp.Supplier != nil {
		c := *sp.Supplier
		if sp.InvalidSIRET {
			c.c.siret = breakLastDigit(c.c.siret)
		}
		if sp.InvalidIBAN {
			c.c.accountFor.iban = breakIBANKey(c.c.accountFor.iban)
		}
		sp.Supplier = &c
	} else if sp.InvalidSIRET || sp.InvalidIBAN {
		return Generated{}, fmt.Errorf("un identifiant invalide demande un fournisseur fixé")
	}
	d := generateWith(r, f, &sp)
	return d, nil
}

// breakLastDigit changes the check digit: one changed digit always breaks
// the Luhn check, and the SIREN (the first nine digits) stays valid.
func breakLastDigit(s string) string {
	if s == "" {
		return s
	}
	b := []byte(s)
	b[len(b)-1] = '0' + (b[len(b)-1]-'0'+5)%10
	return string(b)
}

// breakIBANKey changes the two check digits of an IBAN: the RIB inside
// stays valid, the IBAN does not.
func breakIBANKey(iban string) string {
	if len(iban) < 4 {
		return iban
	}
	var k int
	fmt.Sscan(iban[2:4], &k)
	k2 := (k+37)%97 + 2
	if k2 == k {
		k2 = k + 1
	}
	return fmt.Sprintf("%s%02d%s", iban[:2], k2%100, iban[4:])
}

// Spec-aware draws: each returns what the spec fixes, or calls draw, so
// that without a spec the random stream is consumed exactly as before.

func (g *gen) subjectOr(draw func() subject) subject {
	if g.spec == nil {
		return draw()
	}
	s := g.spec
	if s.Objet == "" {
		if s.Consulting {
			return pick(g.r, consultingSubjects)
		}
		return pick(g.r, goodsSubjects)
	}
	subj := subject{objet: s.Objet, consulting: s.Consulting, cpv: s.CPV, cpvLabel: s.CPVLabel, rate: 200}
	for _, list := range [][]subject{consultingSubjects, goodsSubjects} {
		for _, known := range list {
			if known.objet == s.Objet && known.consulting == s.Consulting {
				subj.items, subj.rate = known.items, known.rate
				if subj.cpv == "" {
					subj.cpv, subj.cpvLabel = known.cpv, known.cpvLabel
				}
			}
		}
	}
	if !subj.consulting && subj.items == nil && s.Lines == nil {
		other := pick(g.r, goodsSubjects)
		subj.items, subj.rate = other.items, other.rate
	}
	if subj.cpv == "" {
		ref := pick(g.r, goodsSubjects)
		if subj.consulting {
			ref = pick(g.r, consultingSubjects)
		}
		subj.cpv, subj.cpvLabel = ref.cpv, ref.cpvLabel
	}
	return subj
}

func (g *gen) supplierOr(draw func() company) company {
	if g.spec != nil && g.spec.Supplier != nil {
		return g.spec.Supplier.c
	}
	return draw()
}

func (g *gen) buyerOr(draw func() buyer) buyer {
	if g.spec != nil && g.spec.Buyer != nil {
		return g.spec.Buyer.b
	}
	return draw()
}

// ejOr returns the EJ number of a document that always prints one.
func (g *gen) ejOr() string {
	if g.spec != nil && g.spec.EJ != "" {
		return g.spec.EJ
	}
	return newEJ(g.r)
}

// refOr returns the marché reference of a document that always prints one.
func (g *gen) refOr(year int) string {
	if g.spec != nil && g.spec.ContractRef != "" {
		return g.spec.ContractRef
	}
	return newMarcheRef(g.r, year)
}

func (g *gen) monthsOr() int {
	if g.spec != nil && g.spec.Months > 0 {
		return g.spec.Months
	}
	return g.duration()
}

// specLines returns the spec's lines in the generator's form, or nil.
func (g *gen) specLines(consulting bool, micro bool) []line {
	if g.spec == nil || g.spec.Lines == nil {
		return nil
	}
	ls, _ := internalLines(g.spec.Lines, consulting) // validated by GenerateSpec
	if micro {
		for i := range ls {
			ls[i].rate = 0
		}
	}
	return ls
}

// amountOr returns the sums of a document priced as one global amount (acte
// d'engagement, fiche navette): the spec's lines, or a drawn amount.
func (g *gen) amountOr(draw func() int64) sums {
	if ls := g.specLines(g.spec != nil && g.spec.Consulting, false); ls != nil {
		return computeSums(ls)
	}
	return computeSums([]line{{amount: draw(), rate: 200}})
}
