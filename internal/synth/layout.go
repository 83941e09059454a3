package synth

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

type headerKind int

const (
	hdrClassic  headerKind = iota // issuer top-left with logo, recipient right
	hdrRight                      // issuer top-right, recipient left below
	hdrCentered                   // issuer centred with a rule, recipient right
	hdrBand                       // coloured band with the issuer's name
	hdrMinimal                    // logo and name only; identities in the footer
	hdrTwoBoxes                   // two framed boxes: issuer and recipient
)

type titleKind int

const (
	titleLeft titleKind = iota
	titleCentered
	titleRightBox
	titleBar
)

type metaKind int

const (
	metaList   metaKind = iota // "Label : value" lines
	metaBox                    // framed box on the right
	metaRow                    // one-row grid, labels above values
	metaTabbed                 // label column, value column, no colon
)

type tableKind int

const (
	tableGrid tableKind = iota
	tableRules
	tablePlain
	tableZebra
	tableFilledHeader
)

type totalsKind int

const (
	totalsStack totalsKind = iota
	totalsBox
	totalsGrid
	totalsSentence
)

type kvKind int

const (
	kvColon kvKind = iota
	kvTab
	kvGrid
	kvAbove
)

type headingKind int

const (
	headingPlain headingKind = iota
	headingUnderline
	headingBar
	headingCaps
)

// family is a layout family: the placement and drawing choices shared by
// all documents drawn with it. Wordings, formats and contents are still
// drawn per document.
type family struct {
	id          string
	font        int
	size        float64
	margin      float64
	header      headerKind
	title       titleKind
	meta        metaKind
	table       tableKind
	totals      totalsKind
	kv          kvKind
	heading     headingKind
	footerLegal bool
	pageNumbers bool
	logo        int
	accent      rgb
	dates       []dateFmt
	amounts     []int // indices into amountFormats
	idStyle     int
	dialect     int // offset into the label synonym lists
	colOrder    int
	lead        float64 // line height / font size
}

var families = []family{
	{id: "classique", font: 0, size: 9.5, margin: 50, header: hdrClassic, title: titleLeft, meta: metaList, table: tableGrid, totals: totalsStack, kv: kvColon, heading: headingPlain, footerLegal: true, pageNumbers: true, logo: 0, accent: rgb{0.12, 0.25, 0.55}, dates: []dateFmt{dateSlash}, amounts: []int{0, 1}, idStyle: 0, dialect: 0, colOrder: 0, lead: 1.3},
	{id: "notaire", font: 1, size: 10.5, margin: 60, header: hdrCentered, title: titleCentered, meta: metaTabbed, table: tableRules, totals: totalsBox, kv: kvTab, heading: headingUnderline, footerLegal: false, pageNumbers: true, logo: 1, accent: rgb{0.3, 0.1, 0.1}, dates: []dateFmt{dateLong, dateSlash}, amounts: []int{0, 4}, idStyle: 1, dialect: 1, colOrder: 1, lead: 1.35},
	{id: "bandeau", font: 0, size: 9, margin: 40, header: hdrBand, title: titleRightBox, meta: metaBox, table: tableFilledHeader, totals: totalsGrid, kv: kvGrid, heading: headingBar, footerLegal: true, pageNumbers: false, logo: 2, accent: rgb{0.0, 0.45, 0.45}, dates: []dateFmt{dateSlash, dateDots}, amounts: []int{1, 3}, idStyle: 2, dialect: 2, colOrder: 2, lead: 1.3},
	{id: "machine", font: 2, size: 8.5, margin: 45, header: hdrRight, title: titleLeft, meta: metaList, table: tablePlain, totals: totalsStack, kv: kvColon, heading: headingCaps, footerLegal: false, pageNumbers: true, logo: -1, accent: black, dates: []dateFmt{dateSlash, dateDash}, amounts: []int{3, 6}, idStyle: 0, dialect: 3, colOrder: 3, lead: 1.25},
	{id: "sobre", font: 0, size: 10, margin: 55, header: hdrMinimal, title: titleBar, meta: metaRow, table: tableZebra, totals: totalsBox, kv: kvAbove, heading: headingUnderline, footerLegal: true, pageNumbers: true, logo: 3, accent: rgb{0.55, 0.2, 0.45}, dates: []dateFmt{dateLong}, amounts: []int{0, 2}, idStyle: 1, dialect: 4, colOrder: 4, lead: 1.3},
	{id: "cadres", font: 1, size: 10, margin: 45, header: hdrTwoBoxes, title: titleCentered, meta: metaBox, table: tableGrid, totals: totalsGrid, kv: kvGrid, heading: headingBar, footerLegal: true, pageNumbers: false, logo: 4, accent: rgb{0.15, 0.35, 0.15}, dates: []dateFmt{dateSlash, dateWeekday}, amounts: []int{0, 4}, idStyle: 2, dialect: 5, colOrder: 0, lead: 1.3},
	{id: "administration", font: 0, size: 9.5, margin: 50, header: hdrClassic, title: titleBar, meta: metaTabbed, table: tableRules, totals: totalsStack, kv: kvTab, heading: headingCaps, footerLegal: false, pageNumbers: true, logo: 5, accent: rgb{0.0, 0.0, 0.57}, dates: []dateFmt{dateSlash, dateLong}, amounts: []int{1, 0}, idStyle: 1, dialect: 6, colOrder: 1, lead: 1.35},
	{id: "dense", font: 0, size: 8, margin: 35, header: hdrRight, title: titleRightBox, meta: metaRow, table: tableGrid, totals: totalsSentence, kv: kvColon, heading: headingPlain, footerLegal: true, pageNumbers: true, logo: 1, accent: rgb{0.4, 0.4, 0.4}, dates: []dateFmt{dateDots, dateSlash}, amounts: []int{2, 7}, idStyle: 0, dialect: 7, colOrder: 2, lead: 1.2},
	{id: "lettre", font: 1, size: 11, margin: 65, header: hdrCentered, title: titleLeft, meta: metaList, table: tablePlain, totals: totalsSentence, kv: kvAbove, heading: headingPlain, footerLegal: false, pageNumbers: false, logo: -1, accent: black, dates: []dateFmt{dateLong, dateWeekday}, amounts: []int{0, 4}, idStyle: 1, dialect: 8, colOrder: 3, lead: 1.4},
	{id: "moderne", font: 0, size: 9, margin: 50, header: hdrBand, title: titleLeft, meta: metaTabbed, table: tableZebra, totals: totalsBox, kv: kvTab, heading: headingBar, footerLegal: true, pageNumbers: true, logo: 0, accent: rgb{0.85, 0.35, 0.1}, dates: []dateFmt{dateSlash, dateLongCaps}, amounts: []int{1, 5}, idStyle: 2, dialect: 9, colOrder: 4, lead: 1.3},
	// Held-out families: combinations never seen while writing rules.
	{id: "registre", font: 2, size: 9, margin: 40, header: hdrTwoBoxes, title: titleBar, meta: metaTabbed, table: tableGrid, totals: totalsGrid, kv: kvGrid, heading: headingCaps, footerLegal: true, pageNumbers: true, logo: 2, accent: rgb{0.2, 0.2, 0.2}, dates: []dateFmt{dateDash, dateSlash}, amounts: []int{3, 6}, idStyle: 1, dialect: 10, colOrder: 2, lead: 1.25},
	{id: "cabinet", font: 1, size: 10, margin: 55, header: hdrRight, title: titleCentered, meta: metaBox, table: tableFilledHeader, totals: totalsStack, kv: kvAbove, heading: headingUnderline, footerLegal: false, pageNumbers: true, logo: 4, accent: rgb{0.1, 0.2, 0.35}, dates: []dateFmt{dateWeekday, dateLong}, amounts: []int{1, 4}, idStyle: 2, dialect: 11, colOrder: 4, lead: 1.35},
	{id: "compact", font: 0, size: 8, margin: 30, header: hdrMinimal, title: titleRightBox, meta: metaList, table: tableRules, totals: totalsSentence, kv: kvColon, heading: headingBar, footerLegal: true, pageNumbers: false, logo: 5, accent: rgb{0.5, 0.1, 0.1}, dates: []dateFmt{dateDots, dateISO}, amounts: []int{7, 2}, idStyle: 0, dialect: 12, colOrder: 1, lead: 1.2},
	{id: "aere", font: 0, size: 11, margin: 70, header: hdrCentered, title: titleBar, meta: metaRow, table: tablePlain, totals: totalsBox, kv: kvTab, heading: headingPlain, footerLegal: true, pageNumbers: true, logo: 3, accent: rgb{0.2, 0.5, 0.3}, dates: []dateFmt{dateLongCaps, dateSlash}, amounts: []int{0, 5}, idStyle: 1, dialect: 13, colOrder: 3, lead: 1.45},
	{id: "tableur", font: 2, size: 8, margin: 35, header: hdrClassic, title: titleLeft, meta: metaRow, table: tableZebra, totals: totalsGrid, kv: kvGrid, heading: headingUnderline, footerLegal: false, pageNumbers: true, logo: 0, accent: rgb{0.3, 0.3, 0.6}, dates: []dateFmt{dateSlash}, amounts: []int{6, 3}, idStyle: 2, dialect: 14, colOrder: 0, lead: 1.2},
	{id: "institution", font: 1, size: 9.5, margin: 50, header: hdrBand, title: titleCentered, meta: metaList, table: tableGrid, totals: totalsStack, kv: kvColon, heading: headingCaps, footerLegal: true, pageNumbers: true, logo: 1, accent: rgb{0.0, 0.2, 0.5}, dates: []dateFmt{dateLong, dateDots}, amounts: []int{1, 7}, idStyle: 0, dialect: 15, colOrder: 2, lead: 1.3},
}

// LayoutSet lists the ids of the layout families that may be drawn.
type LayoutSet []string

var (
	// DevLayouts are the families to develop and tune extraction rules on.
	DevLayouts = LayoutSet{"classique", "notaire", "bandeau", "machine", "sobre", "cadres", "administration", "dense", "lettre", "moderne"}
	// HeldOutLayouts are never looked at while writing rules: scores on
	// them measure how well the rules generalise to unseen layouts.
	HeldOutLayouts = LayoutSet{"registre", "cabinet", "compact", "aere", "tableur", "institution"}
)

func familyByID(id string) (*family, bool) {
	for i := range families {
		if families[i].id == id {
			return &families[i], true
		}
	}
	return nil, false
}

// renderer draws a docModel with a family onto a canvas, flowing the body
// over as many pages as needed.
type renderer struct {
	c      *canvas
	f      *family
	r      *rand.Rand
	m      *docModel
	y      float64 // top-based cursor
	bottom float64
	left   float64
	right  float64
	size   float64
	lh     float64
}

func render(m *docModel, f *family, r *rand.Rand) (pdf []byte, pages int) {
	rd := &renderer{c: newCanvas(f.font), f: f, r: r, m: m, size: f.size, lh: f.size * f.lead}
	rd.left, rd.right = f.margin, pageW-f.margin
	rd.bottom = pageH - 40
	if f.footerLegal && len(m.legal) > 0 {
		rd.bottom = pageH - 42 - float64(len(m.legal))*(f.size-1)*1.25
	}
	rd.header()
	for _, b := range m.body {
		rd.block(b)
	}
	if !f.footerLegal && len(m.legal) > 0 {
		// Families without a legal footer print the mentions after the body.
		rd.y += rd.lh
		for _, l := range m.legal {
			rd.c.fillColor(rgb{0.35, 0.35, 0.35})
			rd.para(rd.left, rd.right-rd.left, l, regular, rd.size-1.5)
			rd.c.fillColor(black)
		}
	}
	rd.footers()
	return rd.c.bytes(m.title), len(rd.c.pages)
}

func (rd *renderer) newPage() {
	rd.c.addPage()
	rd.y = rd.f.margin * 0.8
	if rd.m.running != "" {
		rd.c.fillColor(rgb{0.35, 0.35, 0.35})
		rd.c.text(rd.left, rd.y, italic, rd.size-1, rd.m.running)
		rd.c.fillColor(black)
		rd.y += rd.lh * 1.8
	}
}

func (rd *renderer) need(h float64) {
	if rd.y+h > rd.bottom {
		rd.newPage()
	}
}

// wrap splits s into lines no wider than w, at spaces only.
func (rd *renderer) wrap(s string, st style, size, w float64) []string {
	var out []string
	for _, para := range strings.Split(s, "\n") {
		words := strings.Fields(para)
		line := ""
		for _, word := range words {
			try := word
			if line != "" {
				try = line + " " + word
			}
			if line != "" && rd.c.width(try, st, size) > w {
				out = append(out, line)
				line = word
			} else {
				line = try
			}
		}
		out = append(out, line)
	}
	return out
}

// lines draws wrapped text from the cursor and advances it.
func (rd *renderer) para(x, w float64, s string, st style, size float64) {
	for _, l := range rd.wrap(s, st, size, w) {
		rd.need(rd.lh)
		rd.y += size * rd.f.lead
		rd.c.text(x, rd.y, st, size, l)
	}
}

// header draws the issuer, the recipient, the title and the metadata of
// page 1, at the places the family chooses.
func (rd *renderer) header() {
	f, m, c := rd.f, rd.m, rd.c
	top := f.margin * 0.8
	rd.y = top
	issuer := m.issuer
	issuerLines := append([]string{}, issuer.lines...)
	if !(f.footerLegal && len(m.legal) > 0) {
		issuerLines = append(issuerLines, issuer.ids...)
	}
	half := (rd.right - rd.left) / 2
	var recipX float64
	switch f.header {
	case hdrClassic:
		x := rd.left
		if issuer.state {
			rd.stateBlock(rd.left, top)
			top += 62
		} else if issuer.logo != "" && f.logo >= 0 {
			rd.logo(rd.left, top, issuer.logo)
			x = rd.left + 58
		}
		rd.y = top
		rd.block1(x, half-10, issuerLines)
		recipX = rd.left + half + 20
	case hdrRight:
		if issuer.state {
			rd.stateBlock(rd.left, top)
		} else if issuer.logo != "" && f.logo >= 0 {
			rd.logo(rd.left, top, issuer.logo)
		}
		rd.y = top
		for i, l := range issuerLines {
			for _, w := range rd.wrap(l, st(i == 0), rd.size, half) {
				rd.y += rd.lh
				c.textRight(rd.right, rd.y, st(i == 0), rd.size, w)
			}
		}
		rd.y += rd.lh
		recipX = rd.left
	case hdrCentered:
		if issuer.state {
			rd.stateBlock(pageW/2-45, top)
			rd.y = top + 62
		}
		mid := pageW / 2
		ns := rd.fitSize(issuerLines[0], rd.size*1.6, rd.size+1, rd.right-rd.left)
		c.fillColor(f.accent)
		for _, l := range rd.wrap(issuerLines[0], bold, ns, rd.right-rd.left) {
			rd.y += ns * 1.15
			c.textCenter(mid, rd.y, bold, ns, l)
		}
		c.fillColor(black)
		rest := strings.Join(issuerLines[1:], " – ")
		for _, l := range rd.wrap(rest, regular, rd.size-1, rd.right-rd.left) {
			rd.y += rd.lh
			c.textCenter(mid, rd.y, regular, rd.size-1, l)
		}
		rd.y += rd.lh * 0.6
		c.strokeColor(f.accent)
		c.line(rd.left, rd.y, rd.right, rd.y, 1)
		c.strokeColor(black)
		rd.y += rd.lh
		recipX = rd.left + half + 20
	case hdrBand:
		bandH := rd.size*2.4 + 14
		x0 := rd.left
		if !issuer.state && issuer.logo != "" && f.logo >= 0 {
			x0 += 44
		}
		ns := rd.fitSize(issuerLines[0], rd.size*1.8, rd.size, rd.right-x0)
		nameLines := rd.wrap(issuerLines[0], bold, ns, rd.right-x0)
		bandH += float64(len(nameLines)-1) * ns * 1.15
		c.fillColor(f.accent)
		c.rect(0, 0, pageW, bandH+top*0.3, true, false)
		c.fillColor(white)
		x := rd.left
		if issuer.state {
			x = rd.left
		} else if issuer.logo != "" && f.logo >= 0 {
			rd.logoWhite(rd.left, top*0.3+4, issuer.logo)
			x += 44
		}
		for i, l := range nameLines {
			c.text(x, top*0.3+bandH*0.62-float64(len(nameLines)-1-i)*ns*1.15, bold, ns, l)
		}
		c.fillColor(black)
		rd.y = bandH + top*0.3 + 4
		for _, l := range rd.wrap(strings.Join(issuerLines[1:], " · "), regular, rd.size-1, rd.right-rd.left) {
			rd.y += rd.lh
			c.text(rd.left, rd.y, regular, rd.size-1, l)
		}
		rd.y += rd.lh
		recipX = rd.left + half + 20
	case hdrMinimal:
		x := rd.left
		if issuer.state {
			rd.stateBlock(rd.left, top)
			rd.y = top + 62
		} else if issuer.logo != "" && f.logo >= 0 {
			rd.logo(rd.left, top, issuer.logo)
			x += 58
		}
		c.fillColor(f.accent)
		ns := rd.fitSize(issuerLines[0], rd.size*1.5, rd.size, rd.right-x)
		rd.y = max(rd.y, top) + rd.size*0.6
		for _, l := range rd.wrap(issuerLines[0], bold, ns, rd.right-x) {
			rd.y += ns * 1.15
			c.text(x, rd.y, bold, ns, l)
		}
		c.fillColor(black)
		// The address stays small under the name; identities go to the footer.
		for _, l := range issuerLines[1:] {
			rd.y += rd.lh * 0.95
			c.text(x, rd.y, regular, rd.size-1.5, l)
		}
		rd.y += rd.lh
		recipX = rd.left
	case hdrTwoBoxes:
		if issuer.state {
			rd.stateBlock(rd.left, top)
			top += 62
		} else if issuer.logo != "" && f.logo >= 0 {
			rd.logo(rd.left, top, issuer.logo)
			top += 50
		}
		rd.y = top
		h1 := rd.boxedParty(rd.left, top, half-8, pick(rd.r, []string{"Émetteur", "Prestataire", "Expéditeur"}), issuerLines)
		h2 := 0.0
		if m.recipient != nil {
			h2 = rd.boxedParty(rd.left+half+8, top, half-8, m.recipient.heading, append(append([]string{}, m.recipient.lines...), m.recipient.ids...))
		}
		rd.y = top + max(h1, h2) + rd.lh
		recipX = -1
	}
	afterIssuer := rd.y
	if m.recipient != nil && recipX >= 0 {
		p := m.recipient
		y0 := top + rd.lh*2.5
		if f.header == hdrRight || f.header == hdrMinimal || f.header == hdrCentered || f.header == hdrBand {
			y0 = afterIssuer + rd.lh*0.5
		}
		rd.y = y0
		w := half - 20
		if recipX == rd.left {
			w = half
		}
		lines := append([]string{}, p.lines...)
		lines = append(lines, p.ids...)
		if f.header == hdrBand || f.totals == totalsBox {
			h := rd.boxedParty(recipX, y0, w, p.heading, lines)
			rd.y = y0 + h
		} else {
			if p.heading != "" {
				rd.y += rd.lh
				c.fillColor(rgb{0.4, 0.4, 0.4})
				c.text(recipX, rd.y, italic, rd.size-0.5, p.heading)
				c.fillColor(black)
			}
			rd.block1(recipX, w, lines)
		}
		rd.y = max(rd.y, afterIssuer)
	}
	rd.y += rd.lh
	rd.titleAndMeta()
}

// fitSize shrinks a font size from maxSize towards minSize until s fits in w.
func (rd *renderer) fitSize(s string, maxSize, minSize, w float64) float64 {
	size := maxSize
	for size > minSize && rd.c.width(s, bold, size) > w {
		size -= 0.5
	}
	return size
}

func st(first bool) style {
	if first {
		return bold
	}
	return regular
}

// block1 draws a party's lines at x, the first in bold.
func (rd *renderer) block1(x, w float64, lines []string) {
	for i, l := range lines {
		for _, wl := range rd.wrap(l, st(i == 0), rd.size, w) {
			rd.y += rd.lh
			rd.c.text(x, rd.y, st(i == 0), rd.size, wl)
		}
	}
}

// boxedParty draws a framed party block and returns its height.
func (rd *renderer) boxedParty(x, y, w float64, heading string, lines []string) float64 {
	c := rd.c
	var wrapped []string
	var styles []style
	for i, l := range lines {
		for _, wl := range rd.wrap(l, st(i == 0), rd.size, w-12) {
			wrapped = append(wrapped, wl)
			styles = append(styles, st(i == 0))
		}
	}
	h := float64(len(wrapped))*rd.lh + 10
	if heading != "" {
		h += rd.lh + 2
	}
	c.strokeColor(rgb{0.5, 0.5, 0.5})
	c.rect(x, y, w, h, false, true)
	c.strokeColor(black)
	yy := y + 2
	if heading != "" {
		c.fillColor(rgb{0.92, 0.92, 0.92})
		c.rect(x, y, w, rd.lh+4, true, false)
		c.fillColor(black)
		yy += rd.lh
		c.text(x+6, yy, bold, rd.size-0.5, heading)
		yy += 4
	}
	for i, l := range wrapped {
		yy += rd.lh
		c.text(x+6, yy, styles[i], rd.size, l)
	}
	return h
}

func (rd *renderer) titleAndMeta() {
	f, m, c := rd.f, rd.m, rd.c
	ts := rd.size * 1.9
	switch f.title {
	case titleLeft:
		rd.y += ts
		c.fillColor(f.accent)
		c.text(rd.left, rd.y, bold, ts, m.title)
		c.fillColor(black)
	case titleCentered:
		rd.y += ts
		c.textCenter(pageW/2, rd.y, bold, ts, m.title)
		w := c.width(m.title, bold, ts)
		c.line(pageW/2-w/2, rd.y+4, pageW/2+w/2, rd.y+4, 0.8)
	case titleRightBox:
		w := c.width(m.title, bold, ts*0.85) + 24
		c.rect(rd.right-w, rd.y, w, ts+8, false, true)
		rd.y += ts
		c.textRight(rd.right-12, rd.y, bold, ts*0.85, m.title)
		rd.y += 8
	case titleBar:
		c.fillColor(f.accent)
		c.rect(rd.left, rd.y, rd.right-rd.left, ts+8, true, false)
		c.fillColor(white)
		rd.y += ts
		c.text(rd.left+8, rd.y-1, bold, ts*0.85, m.title)
		c.fillColor(black)
		rd.y += 8
	}
	if m.subtitle != "" {
		for _, l := range rd.wrap(m.subtitle, italic, rd.size+1, rd.right-rd.left) {
			rd.y += rd.lh * 1.1
			if f.title == titleCentered {
				c.textCenter(pageW/2, rd.y, italic, rd.size+1, l)
			} else {
				c.text(rd.left, rd.y, italic, rd.size+1, l)
			}
		}
	}
	rd.y += rd.lh * 0.8
	if len(m.meta) == 0 {
		return
	}
	switch f.meta {
	case metaList:
		for _, row := range m.meta {
			rd.para(rd.left, rd.right-rd.left, row.label+" : "+row.value, regular, rd.size)
		}
	case metaTabbed:
		lw := 0.0
		for _, row := range m.meta {
			lw = max(lw, c.width(row.label, bold, rd.size))
		}
		lw = min(lw+16, 200)
		for _, row := range m.meta {
			vl := rd.wrap(row.value, regular, rd.size, rd.right-rd.left-lw)
			rd.need(rd.lh * float64(len(vl)))
			rd.y += rd.lh
			c.text(rd.left, rd.y, bold, rd.size, row.label)
			for i, l := range vl {
				if i > 0 {
					rd.y += rd.lh
				}
				c.text(rd.left+lw, rd.y, regular, rd.size, l)
			}
		}
	case metaBox:
		w := (rd.right - rd.left) * 0.55
		x := rd.right - w
		h := float64(len(m.meta))*rd.lh + 8
		// Values that do not fit share the line below.
		c.strokeColor(f.accent)
		y0 := rd.y
		yy := y0 + 2
		for _, row := range m.meta {
			yy += rd.lh
			c.text(x+6, yy, bold, rd.size-0.5, row.label)
			vw := c.width(row.value, regular, rd.size-0.5)
			if vw > w*0.55 {
				yy += rd.lh
				h += rd.lh
				c.textRight(x+w-6, yy, regular, rd.size-0.5, row.value)
			} else {
				c.textRight(x+w-6, yy, regular, rd.size-0.5, row.value)
			}
		}
		c.rect(x, y0, w, h, false, true)
		c.strokeColor(black)
		rd.y = y0 + h
	case metaRow:
		n := len(m.meta)
		perRow := min(n, 4)
		cw := (rd.right - rd.left) / float64(perRow)
		for start := 0; start < n; start += perRow {
			y0 := rd.y
			maxLines := 1
			for i := start; i < min(start+perRow, n); i++ {
				maxLines = max(maxLines, len(rd.wrap(m.meta[i].value, regular, rd.size, cw-8)))
			}
			h := rd.lh*(1+float64(maxLines)) + 8
			c.fillColor(rgb{0.93, 0.93, 0.93})
			c.rect(rd.left, y0, rd.right-rd.left, rd.lh+3, true, false)
			c.fillColor(black)
			for i := start; i < min(start+perRow, n); i++ {
				x := rd.left + float64(i-start)*cw
				c.rect(x, y0, cw, h, false, true)
				c.text(x+4, y0+rd.lh, bold, rd.size-1, m.meta[i].label)
				for j, l := range rd.wrap(m.meta[i].value, regular, rd.size, cw-8) {
					c.text(x+4, y0+rd.lh*float64(j+2)+4, regular, rd.size, l)
				}
			}
			rd.y = y0 + h
		}
	}
	rd.y += rd.lh
}

// block draws one body block.
func (rd *renderer) block(b block) {
	c, f := rd.c, rd.f
	width := rd.right - rd.left
	switch b := b.(type) {
	case multiBlock:
		for _, sub := range b {
			rd.block(sub)
		}
	case spaceBlock:
		rd.y += float64(b)
	case paraBlock:
		if b.gray {
			c.fillColor(rgb{0.3, 0.3, 0.3})
		}
		rd.para(rd.left, width, b.text, b.st, rd.size)
		if b.gray {
			c.fillColor(black)
		}
		rd.y += rd.lh * 0.4
	case headingBlock:
		size := rd.size + 2
		if b.level > 1 {
			size = rd.size + 0.5
		}
		text := b.text
		if f.heading == headingCaps && b.level == 1 {
			text = strings.ToUpper(text)
		}
		rd.need(rd.lh * 4)
		rd.y += rd.lh * 0.6
		switch {
		case f.heading == headingBar && b.level == 1:
			c.fillColor(rgb{0.9, 0.9, 0.9})
			c.rect(rd.left, rd.y+2, width, size+6, true, false)
			c.fillColor(f.accent)
			rd.y += size + 2
			c.text(rd.left+4, rd.y, bold, size, text)
			c.fillColor(black)
			rd.y += 6
		default:
			for _, l := range rd.wrap(text, bold, size, width) {
				rd.y += size * 1.3
				c.text(rd.left, rd.y, bold, size, l)
			}
			if f.heading == headingUnderline && b.level == 1 {
				c.line(rd.left, rd.y+3, rd.right, rd.y+3, 0.6)
				rd.y += 3
			}
		}
		rd.y += rd.lh * 0.3
	case kvBlock:
		rd.kv(b.rows)
	case bulletBlock:
		for _, it := range b.items {
			lines := rd.wrap(it, regular, rd.size, width-16)
			rd.need(rd.lh * float64(len(lines)))
			for i, l := range lines {
				rd.y += rd.lh
				if i == 0 {
					c.text(rd.left+4, rd.y, regular, rd.size, "-")
				}
				c.text(rd.left+16, rd.y, regular, rd.size, l)
			}
		}
		rd.y += rd.lh * 0.4
	case checkBlock:
		rd.need(rd.lh * 2)
		rd.y += rd.lh
		c.text(rd.left, rd.y, regular, rd.size, b.label)
		x := rd.left + min(c.width(b.label, regular, rd.size)+14, width*0.7)
		for i, o := range b.options {
			s := rd.size * 0.9
			c.rect(x, rd.y-s+1, s, s, false, true)
			if i == b.checked {
				c.line(x+1.5, rd.y-s+2.5, x+s-1.5, rd.y-0.5, 0.9)
				c.line(x+1.5, rd.y-0.5, x+s-1.5, rd.y-s+2.5, 0.9)
			}
			c.text(x+s+4, rd.y, regular, rd.size, o)
			x += s + 14 + c.width(o, regular, rd.size)
		}
		rd.y += rd.lh * 0.4
	case tableBlock:
		rd.table(b)
	case totalsBlock:
		rd.totals(b)
	case signatureBlock:
		n := max(len(b.left), len(b.right))
		rd.need(rd.lh*float64(n) + 50)
		rd.y += rd.lh
		y0 := rd.y
		for i, l := range b.left {
			c.text(rd.left, y0+float64(i)*rd.lh, st(i == 0), rd.size, l)
		}
		for i, l := range b.right {
			c.text(rd.left+width*0.55, y0+float64(i)*rd.lh, st(i == 0), rd.size, l)
		}
		rd.y = y0 + float64(n)*rd.lh + 40
	}
}

func (rd *renderer) kv(rows []kv) {
	c, f := rd.c, rd.f
	width := rd.right - rd.left
	switch f.kv {
	case kvColon:
		for _, row := range rows {
			rd.para(rd.left, width, row.label+" : "+row.value, regular, rd.size)
		}
	case kvTab, kvGrid:
		lw := width * 0.36
		for _, row := range rows {
			ll := rd.wrap(row.label, bold, rd.size, lw-10)
			vl := rd.wrap(row.value, regular, rd.size, width-lw-10)
			n := max(len(ll), len(vl))
			h := float64(n)*rd.lh + 4
			rd.need(h)
			if f.kv == kvGrid {
				c.fillColor(rgb{0.94, 0.94, 0.94})
				c.rect(rd.left, rd.y, lw, h, true, false)
				c.fillColor(black)
				c.rect(rd.left, rd.y, lw, h, false, true)
				c.rect(rd.left+lw, rd.y, width-lw, h, false, true)
			}
			for i, l := range ll {
				c.text(rd.left+4, rd.y+rd.lh*float64(i+1), bold, rd.size, l)
			}
			for i, l := range vl {
				c.text(rd.left+lw+4, rd.y+rd.lh*float64(i+1), regular, rd.size, l)
			}
			rd.y += h
		}
	case kvAbove:
		for _, row := range rows {
			rd.need(rd.lh * 2.5)
			rd.y += rd.lh
			c.fillColor(rgb{0.4, 0.4, 0.4})
			c.text(rd.left, rd.y, italic, rd.size-1.5, row.label)
			c.fillColor(black)
			rd.para(rd.left+8, width-8, row.value, regular, rd.size)
			rd.y += 2
		}
	}
	rd.y += rd.lh * 0.5
}

// table draws a table, repeating its header on each new page.
func (rd *renderer) table(t tableBlock) {
	c, f := rd.c, rd.f
	width := rd.right - rd.left
	total := 0.0
	for _, col := range t.cols {
		total += col.weight
	}
	ws := make([]float64, len(t.cols))
	for i, col := range t.cols {
		ws[i] = width * col.weight / total
	}
	size := rd.size - 0.5
	lh := size * f.lead
	pad := 4.0
	// drawCells writes one row's wrapped cells, right-aligned where the
	// column says so, with the grid's cell borders.
	drawCells := func(wrapped [][]string, y0, h float64, st style) {
		x := rd.left
		for i, col := range t.cols {
			for j, l := range wrapped[i] {
				yy := y0 + lh*float64(j+1) + 1
				if col.right {
					c.textRight(x+ws[i]-pad, yy, st, size, l)
				} else {
					c.text(x+pad, yy, st, size, l)
				}
			}
			if f.table == tableGrid {
				c.rect(x, y0, ws[i], h, false, true)
			}
			x += ws[i]
		}
	}
	drawHeader := func() {
		hl := 1
		wrapped := make([][]string, len(t.cols))
		for i, col := range t.cols {
			wrapped[i] = rd.wrap(col.title, bold, size, ws[i]-2*pad)
			hl = max(hl, len(wrapped[i]))
		}
		h := float64(hl)*lh + 6
		rd.need(h + lh*2)
		y0 := rd.y
		switch f.table {
		case tableFilledHeader:
			c.fillColor(f.accent)
			c.rect(rd.left, y0, width, h, true, false)
			c.fillColor(white)
		case tableZebra, tableGrid:
			c.fillColor(rgb{0.88, 0.88, 0.88})
			c.rect(rd.left, y0, width, h, true, false)
			c.fillColor(black)
		}
		drawCells(wrapped, y0, h, bold)
		c.fillColor(black)
		if f.table == tableRules || f.table == tablePlain {
			c.line(rd.left, y0+h, rd.right, y0+h, 0.8)
		}
		rd.y = y0 + h
	}
	drawRow := func(row []string, st style, idx int) {
		wrapped := make([][]string, len(t.cols))
		n := 1
		for i := range t.cols {
			cell := ""
			if i < len(row) {
				cell = row[i]
			}
			wrapped[i] = rd.wrap(cell, st, size, ws[i]-2*pad)
			n = max(n, len(wrapped[i]))
		}
		h := float64(n)*lh + 5
		if rd.y+h > rd.bottom {
			rd.newPage()
			drawHeader()
		}
		y0 := rd.y
		if f.table == tableZebra && idx%2 == 1 {
			c.fillColor(rgb{0.95, 0.95, 0.97})
			c.rect(rd.left, y0, width, h, true, false)
			c.fillColor(black)
		}
		drawCells(wrapped, y0, h, st)
		if f.table == tableFilledHeader {
			c.strokeColor(rgb{0.75, 0.75, 0.75})
			c.line(rd.left, y0+h, rd.right, y0+h, 0.4)
			c.strokeColor(black)
		}
		rd.y = y0 + h
	}
	drawHeader()
	for i, row := range t.rows {
		drawRow(row, regular, i)
	}
	if f.table == tableRules {
		c.line(rd.left, rd.y, rd.right, rd.y, 0.8)
	}
	for _, row := range t.foot {
		drawRow(row, bold, 0)
	}
	rd.y += rd.lh * 0.6
}

func (rd *renderer) totals(t totalsBlock) {
	c, f := rd.c, rd.f
	n := float64(len(t.rows))
	switch f.totals {
	case totalsSentence:
		var parts []string
		for _, row := range t.rows {
			parts = append(parts, row.label+" : "+row.value)
		}
		rd.need(rd.lh * 3)
		rd.para(rd.left, rd.right-rd.left, strings.Join(parts, " ; ")+".", regular, rd.size)
	case totalsStack, totalsBox:
		w := (rd.right - rd.left) * 0.45
		x := rd.right - w
		h := n*rd.lh*1.15 + 8
		rd.need(h + rd.lh)
		y0 := rd.y
		if f.totals == totalsBox {
			c.strokeColor(f.accent)
			c.rect(x, y0, w, h, false, true)
			c.strokeColor(black)
		}
		yy := y0 + 2
		for i, row := range t.rows {
			yy += rd.lh * 1.15
			s := regular
			if i == t.strong {
				s = bold
			}
			c.text(x+6, yy, s, rd.size, row.label)
			c.textRight(rd.right-6, yy, s, rd.size, row.value)
		}
		rd.y = y0 + h
	case totalsGrid:
		w := (rd.right - rd.left) * 0.5
		x := rd.right - w
		rh := rd.lh + 5
		rd.need(rh*n + rd.lh)
		for i, row := range t.rows {
			s := regular
			if i == t.strong {
				s = bold
				c.fillColor(rgb{0.9, 0.9, 0.9})
				c.rect(x, rd.y, w, rh, true, false)
				c.fillColor(black)
			}
			c.rect(x, rd.y, w*0.55, rh, false, true)
			c.rect(x+w*0.55, rd.y, w*0.45, rh, false, true)
			c.text(x+4, rd.y+rd.lh, s, rd.size, row.label)
			c.textRight(rd.right-4, rd.y+rd.lh, s, rd.size, row.value)
			rd.y += rh
		}
	}
	rd.y += rd.lh
}

// footers draws legal mentions and page numbers on every page, once the
// page count is known.
func (rd *renderer) footers() {
	c, f := rd.c, rd.f
	total := len(c.pages)
	saved := c.cur
	for i, p := range c.pages {
		c.cur = p
		y := pageH - 22.0
		if f.pageNumbers {
			label := fmt.Sprintf("Page %d/%d", i+1, total)
			if f.dialect%2 == 1 {
				label = fmt.Sprintf("%d / %d", i+1, total)
			}
			c.textRight(rd.right, y, regular, rd.size-1.5, label)
		}
		if f.footerLegal && len(rd.m.legal) > 0 {
			fs := rd.size - 1.5
			yy := y - float64(len(rd.m.legal))*fs*1.25 - 4
			c.strokeColor(rgb{0.6, 0.6, 0.6})
			c.line(rd.left, yy-fs, rd.right, yy-fs, 0.4)
			c.strokeColor(black)
			c.fillColor(rgb{0.3, 0.3, 0.3})
			for _, l := range rd.m.legal {
				c.textCenter(pageW/2, yy, regular, fs, l)
				yy += fs * 1.25
			}
			c.fillColor(black)
		}
	}
	c.cur = saved
}

// logo draws one of the vector logos (paths only, plus initials).
func (rd *renderer) logo(x, y float64, initials string) {
	c, f := rd.c, rd.f
	c.raw("q\n")
	c.fillColor(f.accent)
	switch f.logo % 6 {
	case 0: // disc with initials
		c.circle(x+22, y+22, 22)
		c.raw("f\n")
		c.fillColor(white)
		c.textCenter(x+22, y+27, bold, 14, initials)
	case 1: // stacked bars
		for i := range 3 {
			c.rect(x, y+float64(i)*13, 44-float64(i)*10, 9, true, false)
		}
	case 2: // triangle and ring
		c.moveTo(x, y+44)
		c.lineTo(x+22, y)
		c.lineTo(x+44, y+44)
		c.raw("h f\n")
		c.fillColor(white)
		c.circle(x+22, y+30, 7)
		c.raw("f\n")
	case 3: // wave
		c.moveTo(x, y+30)
		c.curveTo(x+10, y+10, x+20, y+10, x+24, y+24)
		c.curveTo(x+28, y+38, x+38, y+38, x+46, y+18)
		c.lineTo(x+46, y+44)
		c.lineTo(x, y+44)
		c.raw("h f\n")
	case 4: // diamond with initials
		c.moveTo(x+22, y)
		c.lineTo(x+44, y+22)
		c.lineTo(x+22, y+44)
		c.lineTo(x, y+22)
		c.raw("h f\n")
		c.fillColor(white)
		c.textCenter(x+22, y+26, bold, 11, initials)
	case 5: // ring and square
		c.circle(x+16, y+16, 16)
		c.raw("f\n")
		c.fillColor(rgb{0.8, 0.8, 0.8})
		c.rect(x+18, y+18, 26, 26, true, false)
	}
	c.raw("Q\n")
	c.fillColor(black)
}

func (rd *renderer) logoWhite(x, y float64, _ string) {
	c := rd.c
	c.fillColor(white)
	c.circle(x+16, y+16, 14)
	c.raw("f\n")
	c.fillColor(rd.f.accent)
	c.circle(x+16, y+16, 7)
	c.raw("f\n")
	c.fillColor(black)
}

// stateBlock draws the République française block found on State documents.
func (rd *renderer) stateBlock(x, y float64) {
	c := rd.c
	c.fillColor(rgb{0, 0, 0.57})
	c.rect(x, y, 8, 20, true, false)
	c.fillColor(rgb{0.88, 0.1, 0.2})
	c.rect(x+16, y, 8, 20, true, false)
	c.fillColor(black)
	c.rect(x, y, 24, 20, false, true)
	c.text(x, y+32, bold, 8.5, "RÉPUBLIQUE")
	c.text(x, y+42, bold, 8.5, "FRANÇAISE")
	c.text(x, y+53, italic, 6.5, "Liberté Égalité Fraternité")
}
