package synth

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/depenses-eclairees/depenses/internal/chorus"
)

// ScenarioOptions select the demo data set: a Chorus extract whose EJ have
// coherent attachments, with anomalies planted on purpose and decoys that
// look like anomalies but are not.
type ScenarioOptions struct {
	Seed  int64
	NumEJ int // default 200
	// ScannedShare is the share of attachments replaced by a scanned,
	// image-only copy: 0 means the default 0.1, a negative value none.
	ScannedShare float64
	Layouts      LayoutSet // default DevLayouts
	DocsPerEJ    float64   // average attachments per EJ; default 2.5
	// TextOnly leaves out scanned copies, corrupt files, the attachment of
	// an EJ missing from the extract and EJ without attachments: every
	// attachment has a text layer (benchmarks).
	TextOnly bool
}

// TextLayerScenario is the option set of a benchmark: numEJ EJ with about
// docsPerEJ text-layer attachments each.
func TextLayerScenario(seed int64, numEJ int, docsPerEJ float64) ScenarioOptions {
	return ScenarioOptions{Seed: seed, NumEJ: numEJ, DocsPerEJ: docsPerEJ, TextOnly: true}
}

// Demo is a generated scenario.
type Demo struct {
	Options     ScenarioOptions
	ExtractDate string      // date of the extract, YYYY-MM-DD
	EJs         []chorus.EJ // the extract, one poste per CSV row
	Pieces      []Piece
	Expected    []ExpectedAnomaly
	OrphanEJ    string // EJ number of attachments whose EJ is not in the extract
}

// Piece is one attachment, stored as pieces/Name.
type Piece struct {
	Name     string // <num_ej>_<n>_<nom>.pdf
	NumEJ    string
	Type     string // document type
	Layout   string
	Scanned  bool   // image-only copy
	Corrupt  bool   // truncated file: not a readable PDF
	Evidence string // the anomaly code this piece shows, if any
	SameAs   string // the piece whose bytes this one repeats
	Data     []byte
	Gold     Gold // what the page says (for a scanned copy, what the original said)
}

// ExpectedAnomaly is a line of anomalies_attendues.csv: a planted anomaly,
// or a decoy (Code "leurre") whose Detail names the rule that must not fire.
type ExpectedAnomaly struct {
	Code   string
	NumEJ  string
	Others []string
	Detail string
}

// Anomaly codes planted by the scenario.
const (
	AnoHorsMarche      = "hors_marche"
	AnoFractionnement  = "fractionnement"
	AnoImputation      = "imputation"
	AnoFournisseur     = "fournisseur_incoherent"
	AnoMontant         = "montant_incoherent"
	AnoDoublon         = "doublon"
	AnoIdentifiant     = "identifiant_invalide"
	AnoRevueDITP       = "conseil_revue_ditp"
	AnoTJMAtypique     = "tjm_atypique"
	Leurre             = "leurre"
	threshold2026Start = "2026-04-01"
)

var (
	scenarioStart = time.Date(2025, 2, 3, 0, 0, 0, 0, time.UTC)
	newThreshold  = time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)
	scenarioEnd   = time.Date(2026, 9, 30, 0, 0, 0, 0, time.UTC)
	extractDate   = time.Date(2026, 10, 31, 0, 0, 0, 0, time.UTC)
)

// dispenseThreshold is the F&S dispense threshold in force at t, in cents
// HT (DOMAIN.md §3.1).
func dispenseThreshold(t time.Time) int64 {
	if t.Before(newThreshold) {
		return 40000_00
	}
	return 60000_00
}

// openBudget caps, per organisation d'achat and GM, the orders placed
// outside any contract over twelve months, so that no fractionnement
// appears that was not planted.
const openBudget = 30000_00

type svcState struct {
	idx int
	d   *demoService
	b   buyer
}

type acPlan struct {
	ref      string
	gm       string
	supplier company
	notified time.Time
	ditp     bool
}

type posteSplit struct {
	svc *svcState // budget axes (CF); the buyer stays the EJ's
	uo  string
	gm  string
	ht  int64
	ttc int64
}

type ejPlan struct {
	num         string
	svc         *svcState
	supplier    company // as Chorus knows it
	docSupplier company // as the documents print it
	ugap        bool
	subj        subject
	gm          string
	lines       []Line
	ht, ttc     int64 // documents' totals
	engHT       int64 // Chorus
	engTTC      int64 // 0: column left empty
	rate        int   // single VAT rate in tenths, -1 when mixed
	created     time.Time
	notified    time.Time
	invoiced    time.Time // zero: no invoice by the extract date
	kind        string    // open, ac, marche, ugap
	typeEJ      string
	contract    string
	ac          string
	designation string
	postes      []posteSplit
	need        []string          // document types that must be attached
	evidence    map[string]string // document type -> anomaly code
	invalidOn   map[string]string // document type -> "siret" or "iban"
	devisNum    string
	factureNum  string
	noDocs      bool
	planted     bool
	pieces      []*piecePlan
	months      int

	sameInvoiceAs *ejPlan // doublon: the invoice number of that EJ
	sameFileAs    *ejPlan // doublon: the invoice file of that EJ
	ribOf         *ejPlan // decoy: the RIB file of that EJ
}

type piecePlan struct {
	ej       *ejPlan // nil for the orphan
	numEJ    string
	n        int
	name     string
	spec     Spec
	seed     int64
	scanned  bool
	corrupt  bool
	evidence string
	copyOf   *piecePlan
}

type planner struct {
	opt        ScenarioOptions
	r          *rand.Rand
	k          int
	svcs       []*svcState
	consultant []company
	goods      []company
	category   map[string]string // SIREN -> catégorie d'entreprise
	ugap       company
	acs        []*acPlan
	ejs        []*ejPlan
	usedEJ     map[string]bool
	open       map[string][]openOrder
	reserved   map[string]bool
	expected   []ExpectedAnomaly
	seq        map[string]int // per supplier SIREN: next document number
	fmtOf      map[string]int // per supplier SIREN: numbering style
	pieces     []*piecePlan
	orphan     string
	seedN      int64
}

type openOrder struct {
	at time.Time
	ht int64
}

func (o *ScenarioOptions) defaults() error {
	if o.NumEJ == 0 {
		o.NumEJ = 200
	}
	if o.NumEJ < 0 {
		return fmt.Errorf("nombre d'EJ négatif : %d", o.NumEJ)
	}
	if o.ScannedShare == 0 {
		o.ScannedShare = 0.1
	}
	if o.ScannedShare < 0 || o.TextOnly {
		o.ScannedShare = 0
	}
	if o.ScannedShare > 1 {
		return fmt.Errorf("part de pièces numérisées hors de [0, 1] : %v", o.ScannedShare)
	}
	if o.DocsPerEJ == 0 {
		o.DocsPerEJ = 2.5
	}
	if o.DocsPerEJ < 1 || o.DocsPerEJ > 8 {
		return fmt.Errorf("nombre moyen de pièces par EJ hors de [1, 8] : %v", o.DocsPerEJ)
	}
	if len(o.Layouts) == 0 {
		o.Layouts = DevLayouts
	}
	for _, id := range o.Layouts {
		if _, ok := familyByID(id); !ok {
			return fmt.Errorf("famille de mise en page inconnue : %q", id)
		}
	}
	return nil
}

// plan draws the whole scenario except the documents' bytes.
func plan(opt ScenarioOptions) (*planner, error) {
	if err := opt.defaults(); err != nil {
		return nil, err
	}
	p := &planner{opt: opt, r: rand.New(rand.NewPCG(uint64(opt.Seed), 0xde30)),
		category: map[string]string{}, usedEJ: map[string]bool{}, open: map[string][]openOrder{},
		reserved: map[string]bool{}, seq: map[string]int{}, fmtOf: map[string]int{}}
	p.k = min(max(1, opt.NumEJ/200), 5)
	p.world()
	p.plant()
	if len(p.ejs) > opt.NumEJ {
		return nil, fmt.Errorf("au moins %d EJ sont nécessaires pour planter toutes les anomalies (demandé : %d)", len(p.ejs), opt.NumEJ)
	}
	for len(p.ejs) < opt.NumEJ {
		p.background()
	}
	sort.SliceStable(p.ejs, func(i, j int) bool {
		if !p.ejs[i].created.Equal(p.ejs[j].created) {
			return p.ejs[i].created.Before(p.ejs[j].created)
		}
		return p.ejs[i].num < p.ejs[j].num
	})
	p.attach()
	return p, nil
}

func (p *planner) nextSeed() int64 {
	p.seedN++
	return p.opt.Seed*1_000_003 + p.seedN
}

// world draws the buyers, the suppliers and the accords-cadres.
func (p *planner) world() {
	g := &gen{r: p.r}
	for i := range demoServices {
		d := &demoServices[i]
		m := ministries[d.ministry]
		b := buyer{name: m.name, direction: d.direction, service: d.service, state: true,
			addr: address{street: m.street, postcode: m.postcode, city: m.city}}
		b.siret = newSIRET(p.r, newSIREN(p.r, '1'))
		b.codeSvc = newCodeService(p.r)
		b.agent = firstNames[p.r.IntN(len(firstNames))] + " " + strings.ToUpper(lastNames[p.r.IntN(len(lastNames))])
		p.svcs = append(p.svcs, &svcState{idx: i, d: d, b: b})
	}
	nc, ng := max(10, p.opt.NumEJ/12), max(14, p.opt.NumEJ/8)
	for range nc {
		c := g.nonMicroCompany(true)
		p.category[c.siren] = pick(p.r, companyCategories)
		p.consultant = append(p.consultant, c)
	}
	for range ng {
		c := g.nonMicroCompany(false)
		p.category[c.siren] = pick(p.r, companyCategories)
		p.goods = append(p.goods, c)
	}
	p.ugap = g.nonMicroCompany(false)
	p.ugap.name = "UGAP"
	p.ugap.form = "EPIC"
	p.ugap.initials = "UG"
	p.ugap.siren = ugapSIREN
	p.ugap.siret = ugapSIREN + "0001"
	p.ugap.siret += string(luhnDigit(p.ugap.siret))
	p.ugap.vat = vatNumber(ugapSIREN)
	p.ugap.addr = address{street: "1 boulevard Archimède", postcode: "77444", city: "Champs-sur-Marne"}
	p.ugap.greffe = "Meaux"
	p.ugap.email = "contact@ugap.fr"
	p.ugap.web = "www.ugap.fr"
	p.category[ugapSIREN] = "GE"
	// Accords-cadres: one or two per GM; consulting ones include the DITP's.
	letters := []string{"DAE", "AMO", "SGM", "DNU", "INF", "ACH"}
	for _, gm := range demoGMs {
		for j := range 1 + p.r.IntN(2) {
			ac := &acPlan{gm: gm.code}
			year := 2022 + p.r.IntN(4)
			l := pick(p.r, letters)
			if gm.consulting && j == 0 {
				ac.ditp, l, year = true, "DIT", 2022
			}
			ac.ref = fmt.Sprintf("%d%s%07d", year, l, p.r.IntN(10000000))
			ac.notified = time.Date(year, time.Month(1+p.r.IntN(12)), 1+p.r.IntN(28), 0, 0, 0, 0, time.UTC)
			if ac.notified.After(scenarioStart) {
				ac.notified = scenarioStart.AddDate(0, -2, 0)
			}
			if gm.consulting {
				ac.supplier = pick(p.r, p.consultant)
			} else {
				ac.supplier = pick(p.r, p.goods)
			}
			p.acs = append(p.acs, ac)
		}
	}
}

func (p *planner) newNum() string {
	for {
		n := newEJ(p.r)
		if !p.usedEJ[n] {
			p.usedEJ[n] = true
			return n
		}
	}
}

func (p *planner) dateIn(from, to time.Time) time.Time {
	days := int(to.Sub(from).Hours() / 24)
	d := from.AddDate(0, 0, p.r.IntN(days+1))
	// Orders are created on working days.
	for d.Weekday() == time.Saturday || d.Weekday() == time.Sunday {
		d = d.AddDate(0, 0, 1)
	}
	return d
}

// subjectFor returns a subject of the kind and its natural GM.
func (p *planner) subjectFor(consulting bool) (subject, string) {
	if consulting {
		i := p.r.IntN(len(consultingSubjects))
		return consultingSubjects[i], consultingSubjectGM[i]
	}
	i := p.r.IntN(len(goodsSubjects))
	return goodsSubjects[i], goodsSubjectGM[i]
}

func subjectGM(s subject) string {
	for i, c := range consultingSubjects {
		if c.objet == s.objet {
			return consultingSubjectGM[i]
		}
	}
	for i, c := range goodsSubjects {
		if c.objet == s.objet {
			return goodsSubjectGM[i]
		}
	}
	return ""
}

// linesFor draws priced lines summing to target cents HT: exactly for
// goods (the last line is a forfait), within half a day's rate below for
// consulting. tjm, when positive, fixes a single profile's rate.
func (p *planner) linesFor(s subject, target int64, tjm int64) []Line {
	if s.consulting {
		n := 1 + p.r.IntN(3)
		if tjm > 0 {
			n = 1
		}
		idx := p.r.Perm(len(profiles))[:n]
		var out []Line
		rest := target
		for j, i := range idx {
			pr := profiles[i]
			rate := int64(pr.min+p.r.IntN(pr.max-pr.min+1)) / 10 * 10 * 100
			if tjm > 0 {
				rate = tjm
			}
			share := rest
			if j < n-1 {
				share = rest * int64(30+p.r.IntN(40)) / 100
			}
			halves := max(1, 2*share/rate)
			if j == n-1 && halves*rate/2 > rest {
				halves = max(1, 2*rest/rate)
			}
			out = append(out, Line{Label: pr.name, Unit: "jour", Qty: float64(halves) / 2, PriceHT: rate, VATRate: 200})
			rest -= halves * rate / 2
		}
		return out
	}
	var out []Line
	items := slices.Clone(s.items)
	p.r.Shuffle(len(items), func(i, j int) { items[i], items[j] = items[j], items[i] })
	n := 1 + p.r.IntN(min(3, len(items)))
	rest := target
	var forfait *itemKind
	for _, it := range items {
		if it.unit == "forfait" && forfait == nil {
			f := it
			forfait = &f
			continue
		}
		if len(out) == n {
			continue
		}
		rate := s.rate
		if it.rate != 0 {
			rate = it.rate
		}
		pu := int64(it.minPrice+p.r.IntN(it.maxPrice-it.minPrice+1)) * 100
		pu = max(pu, 100)
		budget := rest * int64(40+p.r.IntN(40)) / 100
		qty := min(int64(it.maxQty)*40, budget/pu)
		if qty < 1 {
			continue
		}
		out = append(out, Line{Label: it.label, Unit: it.unit, Qty: float64(qty), PriceHT: pu, VATRate: rate})
		rest -= qty * pu
	}
	label, rate := "Frais de livraison et de mise en œuvre", s.rate
	if forfait != nil {
		label = forfait.label
		if forfait.rate != 0 {
			rate = forfait.rate
		}
	}
	if rest > 0 {
		out = append(out, Line{Label: label, Unit: "forfait", Qty: 1, PriceHT: rest, VATRate: rate})
	}
	return out
}

// ejReq describes an EJ to create; zero fields are drawn.
type ejReq struct {
	consulting bool
	subj       *subject
	gm         string // imputation GM; default the subject's
	svc        *svcState
	supplier   *company
	kind       string // open, ac, marche, ugap
	ac         *acPlan
	target     int64 // cents HT
	tjm        int64
	from, to   time.Time
	postes     int
}

// exclusiveService picks a service whose (OA, GM) group no plant holds
// and no open order uses, and reserves it.
func (p *planner) exclusiveService(gm string) *svcState {
	start := p.r.IntN(len(p.svcs))
	for i := range p.svcs {
		s := p.svcs[(start+i)%len(p.svcs)]
		key := s.d.oa + "|" + gm
		if !p.reserved[key] && len(p.open[key]) == 0 {
			p.reserved[key] = true
			return s
		}
	}
	return nil
}

func (p *planner) acFor(gm string, ditp bool) *acPlan {
	var cands []*acPlan
	for _, a := range p.acs {
		if a.gm == gm && (!ditp || a.ditp) {
			cands = append(cands, a)
		}
	}
	if len(cands) == 0 {
		return nil
	}
	return pick(p.r, cands)
}

func (p *planner) newEJ(q ejReq) *ejPlan {
	e := &ejPlan{num: p.newNum(), evidence: map[string]string{}, invalidOn: map[string]string{}}
	if q.subj != nil {
		e.subj = *q.subj
	} else {
		e.subj, _ = p.subjectFor(q.consulting)
	}
	e.gm = q.gm
	if e.gm == "" {
		e.gm = subjectGM(e.subj)
	}
	if q.from.IsZero() {
		q.from, q.to = scenarioStart, scenarioEnd
	}
	e.created = p.dateIn(q.from, q.to)
	e.kind = q.kind
	if e.kind == "" {
		e.kind = "open"
	}
	e.svc = q.svc
	if e.svc == nil {
		e.svc = pick(p.r, p.svcs)
	}
	switch {
	case q.supplier != nil:
		e.supplier = *q.supplier
	case e.kind == "ugap":
		e.supplier = p.ugap
	case e.subj.consulting:
		e.supplier = pick(p.r, p.consultant)
	default:
		e.supplier = pick(p.r, p.goods)
	}
	switch e.kind {
	case "ac":
		ac := q.ac
		if ac == nil {
			ac = p.acFor(e.gm, false)
		}
		e.ac = ac.ref
		e.supplier = ac.supplier
		e.notified = ac.notified
		e.typeEJ = "Accord cadre à bons de commande"
	case "marche":
		e.contract = fmt.Sprintf("%d%s%07d", e.created.Year(), pick(p.r, []string{"MAR", "MPA", "SRV"}), p.r.IntN(10000000))
		e.notified = e.created.AddDate(0, 0, -p.r.IntN(10))
		e.typeEJ = "Marché unique"
	case "ugap":
		e.typeEJ = "Bon de commande"
		e.ugap = true
		e.notified = e.created.AddDate(0, 0, p.r.IntN(4))
	default:
		e.typeEJ = "Bon de commande"
		e.notified = e.created.AddDate(0, 0, p.r.IntN(4))
	}
	e.docSupplier = e.supplier
	target := q.target
	if target == 0 {
		target = int64(800+p.r.IntN(17000)) * 100
	}
	e.lines = p.linesFor(e.subj, target, q.tjm)
	e.setTotals()
	if e.kind == "marche" && e.ht < 90000_00 {
		e.typeEJ = "MAPA unique"
	}
	e.invoiced = e.created.AddDate(0, 0, 20+p.r.IntN(90))
	if e.invoiced.After(extractDate.AddDate(0, 0, -3)) {
		e.invoiced = time.Time{}
	}
	// Postes: most EJ have one; some split over centres financiers or GM.
	n := q.postes
	if n == 0 {
		n = 1
		if u := p.r.IntN(100); u < 12 {
			n = 2
		} else if u < 16 {
			n = 3
		}
	}
	p.split(e, n)
	e.designation = p.designation(e)
	p.ejs = append(p.ejs, e)
	if e.kind == "open" {
		p.recordOpen(e)
	}
	return e
}

func (e *ejPlan) setTotals() {
	ht, _, ttc, _ := Totals(e.lines, e.subj.consulting)
	e.ht, e.ttc = ht, ttc
	e.engHT, e.engTTC = ht, ttc
	e.rate = e.lines[0].VATRate
	for _, l := range e.lines {
		if l.VATRate != e.rate {
			e.rate = -1
		}
	}
}

// split shares the engaged amounts over n postes on other UOs or other
// services of the same ministry, and for consulting sometimes another
// consulting GM.
func (p *planner) split(e *ejPlan, n int) {
	e.postes = e.postes[:0]
	first := posteSplit{svc: e.svc, uo: e.svc.d.uos[0], gm: e.gm}
	e.postes = append(e.postes, first)
	for i := 1; i < n; i++ {
		ps := posteSplit{svc: e.svc, gm: e.gm}
		if i < len(e.svc.d.uos) {
			ps.uo = e.svc.d.uos[i]
		} else {
			var same []*svcState
			for _, s := range p.svcs {
				if s.d.ministry == e.svc.d.ministry && s != e.svc {
					same = append(same, s)
				}
			}
			if len(same) > 0 {
				ps.svc = pick(p.r, same)
			}
			ps.uo = ps.svc.d.uos[0]
		}
		// Open orders keep one GM, so that the budget of their group holds.
		if e.kind != "open" && e.subj.consulting && gmByCode(e.gm).consulting && p.r.IntN(3) == 0 {
			var sib []string
			for _, g := range demoGMs {
				if g.consulting && g.code != e.gm {
					sib = append(sib, g.code)
				}
			}
			ps.gm = pick(p.r, sib)
		}
		e.postes = append(e.postes, ps)
	}
	e.shareAmounts(p.r)
}

// shareAmounts spreads engHT and engTTC over the postes in whole euros,
// the first poste taking the remainder.
func (e *ejPlan) shareAmounts(r *rand.Rand) {
	n := len(e.postes)
	weights := make([]int64, n)
	var total int64
	for i := range weights {
		weights[i] = int64(20 + r.IntN(60))
		total += weights[i]
	}
	var restHT, restTTC = e.engHT, e.engTTC
	for i := n - 1; i >= 1; i-- {
		e.postes[i].ht = e.engHT * weights[i] / total / 100 * 100
		e.postes[i].ttc = e.engTTC * weights[i] / total / 100 * 100
		restHT -= e.postes[i].ht
		restTTC -= e.postes[i].ttc
	}
	e.postes[0].ht, e.postes[0].ttc = restHT, restTTC
}

func (p *planner) recordOpen(e *ejPlan) {
	for _, ps := range e.postes {
		key := e.svc.d.oa + "|" + ps.gm
		p.open[key] = append(p.open[key], openOrder{e.created, ps.ht})
	}
}

// openFits reports whether an open order of ht on gm at t keeps its group
// under the budget over any twelve months.
func (p *planner) openFits(s *svcState, gm string, t time.Time, ht int64) bool {
	key := s.d.oa + "|" + gm
	if p.reserved[key] {
		return false
	}
	sum := ht
	for _, o := range p.open[key] {
		if d := o.at.Sub(t).Hours() / 24; d > -366 && d < 366 {
			sum += o.ht
		}
	}
	return sum < openBudget
}

func (p *planner) designation(e *ejPlan) string {
	if p.r.IntN(100) < 55 {
		switch p.r.IntN(5) {
		case 0:
			return fmt.Sprintf("CDE %05d", p.r.IntN(100000))
		case 1:
			return fmt.Sprintf("BC %d-%03d", e.created.Year(), 1+p.r.IntN(999))
		case 2:
			if e.subj.consulting {
				return pick(p.r, []string{"AMOA", "ETUDE", "PRESTA INTELLECTUELLE", "MISSION"})
			}
		}
		return pick(p.r, poorDesignations)
	}
	d := strings.ToUpper(asciiFoldKeepSpaces(e.subj.objet))
	if p.r.IntN(2) == 0 {
		d = e.subj.objet
	}
	if len([]rune(d)) > 50 {
		rs := []rune(d)[:50]
		if i := strings.LastIndex(string(rs), " "); i > 20 {
			d = string(rs)[:i]
		} else {
			d = string(rs)
		}
	}
	return d
}

// asciiFoldKeepSpaces removes accents as SAP texts often do.
func asciiFoldKeepSpaces(s string) string {
	r := strings.NewReplacer("é", "e", "è", "e", "ê", "e", "ë", "e", "É", "E", "à", "a", "â", "a", "ï", "i", "î", "i", "ô", "o", "ç", "c", "œ", "oe", "ù", "u", "û", "u", "'", " ")
	return r.Replace(s)
}

// background adds one ordinary EJ, free of anomalies.
func (p *planner) background() {
	consulting := p.r.IntN(100) < 35
	subj, gm := p.subjectFor(consulting)
	q := ejReq{consulting: consulting, subj: &subj, gm: gm}
	u := p.r.IntN(100)
	switch {
	case !consulting && u < 6:
		q.kind = "ugap"
		q.target = int64(2000+p.r.IntN(60000)) * 100
	case u < 55:
		q.kind = "open"
		q.target = int64(600+p.r.IntN(14000)) * 100
	case u < 85:
		q.kind = "ac"
		q.target = int64(4000+p.r.IntN(140000)) * 100
	default:
		q.kind = "marche"
		q.target = int64(15000+p.r.IntN(220000)) * 100
	}
	if q.kind == "open" {
		q.svc = pick(p.r, p.svcs)
		// Keep the group under budget, or order under an accord-cadre.
		t := p.dateIn(scenarioStart, scenarioEnd)
		q.from, q.to = t, t
		if !p.openFits(q.svc, gm, t, q.target+q.target/10) {
			q.kind = "ac"
		}
	}
	p.newEJ(q)
}
