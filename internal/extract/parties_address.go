package extract

// Labels that announce a party's postal address. Other addresses (of
// delivery, of billing, e-mail) are told apart by the longest label.
var addressLabels = labels(
	tagged("addr", "adresse", "adresse du siege", "adresse du siege social", "siege social", "siege", "adresse postale",
		"adresse de l'etablissement", "adresse de l etablissement", "domicile", "adresse complete", "address", "registered address",
		"adresse de correspondance", "coordonnees postales"),
	tagged("skip", "adresse de livraison", "adresse de facturation", "adresse e mail", "adresse mail", "adresse electronique",
		"adresse courriel", "adresse email", "adresse web", "adresse internet", "adresse ip", "siege social au capital", "adresse de l'agence",
		"adresse de la banque", "adresse d'execution", "adresse d'intervention", "adresse du chantier"),
)

// setLabelledAddresses reads "Adresse du siège : 12 rue X, 75001 Paris"
// (value after the label, in the next cell, or on the next rows). The
// address is the party's whose block holds the label; on a Kbis or a
// Sirene notice, the registered company's.
func (r *run) setLabelledAddresses(blocks []*block) {
	for _, l := range r.v.lines {
		for _, h := range addressLabels.find(l) {
			if h.tag != "addr" || !startsCell(h) {
				continue
			}
			role := ""
			for _, b := range blocks {
				if b.role != "other" && b.contains(l, l.xOf(h.start)) {
					role = b.role
					break
				}
			}
			if role == "" && (r.docType == "kbis" || r.docType == "att_sirene") {
				role = roleSupplier
			}
			if role == "" {
				continue
			}
			if _, done := r.fields[role+".adresse"]; done {
				continue
			}
			if a, ah := r.addressAfter(h); a != "" {
				ah.value, ah.conf = a, 0.85
				r.set(role+".adresse", ah)
			}
		}
	}
}

// addressAfter reads the address that follows an address label.
func (r *run) addressAfter(h labelHit) (string, hit) {
	l := h.line
	var segs []seg
	if val, vs, ve := valueRight(h); val != "" {
		segs = append(segs, seg{l, vs, ve, val})
	}
	// The rows under the value (or under the label, in a form that puts
	// values below their labels), in the value's column.
	x0 := l.xOf(h.start)
	if len(segs) > 0 {
		x0 = l.xOf(segs[0].start)
	}
	prev := l
	for _, n := range r.v.below(l, 3) {
		if n.box.Y0-prev.box.Y1 > 1.6*prev.lineHeight() {
			break
		}
		t, s, e := n.wordsIn(x0-4, l.pageW+1)
		if t == "" {
			continue
		}
		// Aligned with the value, or indented under its label.
		if dx := n.xOf(s) - x0; dx < -6 || dx > 30 || len(addressLabels.find(n)) > 0 || startsWithLabel(n.fold) {
			break
		}
		segs = append(segs, seg{n, s, e, t})
		prev = n
	}
	return blockAddress(segs)
}
