package synth

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
)

// world draws coherent entities for one document.
type world struct{}

type address struct {
	street, extra, postcode, city string
}

// lines returns the address as printed on two or three lines.
func (a address) lines() []string {
	out := []string{a.street}
	if a.extra != "" {
		out = append(out, a.extra)
	}
	return append(out, a.postcode+" "+a.city)
}

// gold is the normalised one-line form: "street, postcode city".
func (a address) gold() string {
	return a.street + ", " + a.postcode + " " + a.city
}

func (world) address(r *rand.Rand) address {
	c := cities[r.IntN(len(cities))]
	num := fmt.Sprint(1 + r.IntN(180))
	if r.IntN(10) == 0 {
		num += []string{" bis", " ter"}[r.IntN(2)]
	}
	a := address{street: num + " " + streetNames[r.IntN(len(streetNames))], postcode: c.postcode, city: c.name}
	if r.IntN(4) == 0 {
		a.extra = addressExtras[r.IntN(len(addressExtras))]
	}
	return a
}

// company is a supplier.
type company struct {
	name       string // raison sociale with legal form, as printed
	form       string
	siren      string
	siret      string
	vat        string
	addr       address
	greffe     string
	capital    int64 // euros
	naf        naf
	phone      string
	email      string
	web        string
	micro      bool // micro-entrepreneur: "TVA non applicable, art. 293 B du CGI"
	person     string
	initials   string
	createdAt  time.Time
	accountFor account
}

func (w world) company(r *rand.Rand, consulting bool) company {
	c := company{}
	c.addr = w.address(r)
	for _, ct := range cities {
		if ct.postcode == c.addr.postcode {
			c.greffe = ct.greffe
			break
		}
	}
	c.person = firstNames[r.IntN(len(firstNames))] + " " + lastNames[r.IntN(len(lastNames))]
	if r.IntN(7) == 0 {
		// Sole trader under the franchise en base de TVA.
		c.micro = true
		c.form = "EI"
		c.name = c.person + " EI"
		if r.IntN(2) == 0 {
			c.name = c.person + " – " + []string{"Conseil", "Études", "Formation", "Traduction"}[r.IntN(4)] + " EI"
		}
		c.initials = initialsOf(c.person)
	} else {
		base := namePrefixes[r.IntN(len(namePrefixes))] + " " + nameSuffixes[r.IntN(len(nameSuffixes))]
		c.form = legalForms[r.IntN(len(legalForms))]
		c.name = base + " " + c.form
		if r.IntN(4) == 0 {
			c.name = c.form + " " + base
		}
		c.initials = initialsOf(base)
	}
	c.siren = newSIREN(r, byte('3'+r.IntN(7)))
	c.siret = newSIRET(r, c.siren)
	c.vat = vatNumber(c.siren)
	capitals := []int64{1000, 5000, 7500, 10000, 15000, 37000, 50000, 100000, 150000, 250000, 1000000}
	c.capital = capitals[r.IntN(len(capitals))]
	if consulting || r.IntN(3) == 0 {
		c.naf = consultingNAF[r.IntN(len(consultingNAF))]
	} else {
		c.naf = otherNAF[r.IntN(len(otherNAF))]
	}
	c.phone = fmt.Sprintf("0%d %02d %02d %02d %02d", 1+r.IntN(5), r.IntN(100), r.IntN(100), r.IntN(100), r.IntN(100))
	domain := strings.ToLower(asciiFold(strings.Fields(strings.TrimPrefix(c.name, c.form+" "))[0])) + []string{".fr", ".com", "-conseil.fr", ".eu"}[r.IntN(4)]
	c.email = []string{"contact@", "facturation@", "compta@", "bonjour@"}[r.IntN(4)] + domain
	c.web = "www." + domain
	c.createdAt = time.Date(1995+r.IntN(28), time.Month(1+r.IntN(12)), 1+r.IntN(28), 0, 0, 0, 0, time.UTC)
	c.accountFor = newAccount(r, &w)
	return c
}

// buyer is a public buyer.
type buyer struct {
	name      string // as printed on the first line
	direction string
	service   string
	state     bool
	siret     string
	addr      address
	codeSvc   string
	agent     string
}

// hierarchy is the administration_beneficiaire value.
func (b buyer) hierarchy() string {
	return b.name + " > " + b.direction + " > " + b.service
}

func (w world) buyer(r *rand.Rand) buyer {
	if r.IntN(5) > 0 {
		m := ministries[r.IntN(len(ministries))]
		d := m.directions[r.IntN(len(m.directions))]
		b := buyer{name: m.name, direction: d[0], service: d[1], state: true,
			addr: address{street: m.street, postcode: m.postcode, city: m.city}}
		b.siret = newSIRET(r, newSIREN(r, '1'))
		b.codeSvc = newCodeService(r)
		b.agent = firstNames[r.IntN(len(firstNames))] + " " + strings.ToUpper(lastNames[r.IntN(len(lastNames))])
		return b
	}
	l := localBuyers[r.IntN(len(localBuyers))]
	b := buyer{name: l.name, addr: address{street: l.street, postcode: l.postcode, city: l.city}}
	b.siret = newSIRET(r, newSIREN(r, '2'))
	b.codeSvc = newCodeService(r)
	b.agent = firstNames[r.IntN(len(firstNames))] + " " + strings.ToUpper(lastNames[r.IntN(len(lastNames))])
	return b
}

func initialsOf(s string) string {
	var out []rune
	for _, f := range strings.Fields(s) {
		rs := []rune(f)
		if len(rs) > 0 && (rs[0] >= 'A' && rs[0] <= 'Z' || rs[0] > 127) {
			out = append(out, rs[0])
		}
		if len(out) == 3 {
			break
		}
	}
	return strings.ToUpper(string(out))
}

func asciiFold(s string) string {
	r := strings.NewReplacer("é", "e", "è", "e", "ê", "e", "ë", "e", "É", "e", "à", "a", "â", "a", "ï", "i", "î", "i", "ô", "o", "ç", "c", "œ", "oe", "ù", "u", "û", "u", "&", "", "'", "")
	return r.Replace(strings.ToLower(s))
}

// Formats. Each family fixes some and draws others, so that rules cannot
// learn one spelling of a date or an amount.

type amountFmt struct {
	thousands string // " ", "\u00a0", ".", ""
	currency  string // " €", " EUR", "€", ""
}

var amountFormats = []amountFmt{
	{" ", " €"}, {"\u00a0", "\u00a0€"}, {".", " €"}, {"", " €"}, {" ", " EUR"}, {" ", ""}, {"", " EUR"}, {" ", "€"},
}

// money formats cents in French: "1 234,56 €".
func money(cents int64, f amountFmt) string {
	neg := cents < 0
	if neg {
		cents = -cents
	}
	ip := fmt.Sprint(cents / 100)
	var b strings.Builder
	for i, c := range ip {
		if i > 0 && (len(ip)-i)%3 == 0 {
			b.WriteString(f.thousands)
		}
		b.WriteRune(c)
	}
	s := fmt.Sprintf("%s,%02d%s", b.String(), cents%100, f.currency)
	if neg {
		s = "-" + s
	}
	return s
}

type dateFmt int

const (
	dateSlash    dateFmt = iota // 05/03/2025
	dateDots                    // 05.03.2025
	dateLong                    // 5 mars 2025
	dateDash                    // 05-03-2025
	dateWeekday                 // mercredi 5 mars 2025
	dateLongCaps                // 5 MARS 2025
	dateISO                     // 2025-03-05
)

func fmtDate(t time.Time, f dateFmt) string {
	day := fmt.Sprint(t.Day())
	if t.Day() == 1 {
		day = "1er"
	}
	switch f {
	case dateDots:
		return t.Format("02.01.2006")
	case dateLong:
		return fmt.Sprintf("%s %s %d", day, monthsFR[t.Month()-1], t.Year())
	case dateDash:
		return t.Format("02-01-2006")
	case dateWeekday:
		return fmt.Sprintf("%s %s %s %d", weekdaysFR[t.Weekday()], day, monthsFR[t.Month()-1], t.Year())
	case dateLongCaps:
		return strings.ToUpper(fmt.Sprintf("%d %s %d", t.Day(), monthsFR[t.Month()-1], t.Year()))
	case dateISO:
		return t.Format("2006-01-02")
	}
	return t.Format("02/01/2006")
}

func isoDate(t time.Time) string { return t.Format("2006-01-02") }

// Identifier spellings.

func fmtSIREN(s string, grouped bool) string {
	if grouped {
		return s[:3] + " " + s[3:6] + " " + s[6:]
	}
	return s
}

func fmtSIRET(s string, style int) string {
	switch style % 3 {
	case 1:
		return s[:3] + " " + s[3:6] + " " + s[6:9] + " " + s[9:]
	case 2:
		return s[:9] + " " + s[9:]
	}
	return s
}

func fmtVAT(s string, style int) string {
	switch style % 3 {
	case 1:
		return s[:2] + " " + s[2:4] + " " + s[4:7] + " " + s[7:10] + " " + s[10:]
	case 2:
		return s[:4] + " " + s[4:]
	}
	return s
}

func fmtIBAN(s string, grouped bool) string {
	if !grouped {
		return s
	}
	var parts []string
	for i := 0; i < len(s); i += 4 {
		parts = append(parts, s[i:min(i+4, len(s))])
	}
	return strings.Join(parts, " ")
}

// fmtRate prints a VAT rate given in tenths of a percent: "20 %", "5,5 %".
func fmtRate(tenths int, compact bool) string {
	s := fmt.Sprint(tenths / 10)
	if tenths%10 != 0 {
		s += fmt.Sprintf(",%d", tenths%10)
	}
	if compact {
		return s + "%"
	}
	return s + " %"
}

func rateValue(tenths int) float64 { return float64(tenths) / 10 }

func centsValue(c int64) float64 { return float64(c) / 100 }

// fmtQty prints a quantity with a French decimal comma when needed.
func fmtQty(halves int) string {
	if halves%2 == 0 {
		return fmt.Sprint(halves / 2)
	}
	return fmt.Sprintf("%d,5", halves/2)
}

func qtyValue(halves int) float64 { return float64(halves) / 2 }

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

// lowerFirst lower-cases the first letter (accented ones too).
func lowerFirst(s string) string {
	r := []rune(s)
	if len(r) > 0 {
		r[0] = []rune(strings.ToLower(string(r[0])))[0]
	}
	return string(r)
}
