package extract

// Roles of the two parties.
const (
	roleSupplier = "fournisseur"
	roleBuyer    = "acheteur"
)

// typeRules says what a document type carries and who prints it.
type typeRules struct {
	// issuer is the party whose letterhead and legal-mentions footer the
	// document carries: the supplier writes devis and factures, the
	// administration writes bons de commande, actes d'engagement and its
	// own consultation documents.
	issuer string
	// letterheadName: the letterhead names the issuer. Not for a RIB (the
	// bank's letterhead) nor a Kbis (the greffe's).
	letterheadName bool
	// letterRecipient: an unlabelled second address block near the top is
	// the recipient, as in a French business letter.
	letterRecipient bool
	amounts         bool
	dueDate         bool
	validity        bool
	numero          *labelSet
	// orderNumber: the document's number is the order number (n° de
	// commande, often the Chorus EJ).
	orderNumber bool
	duration    bool
	objet       bool
	// strayIdsToIssuer: identifiers outside any party block are the
	// issuer's (legal mentions of a letter).
	strayIdsToIssuer bool
}

func rulesFor(docType string) typeRules {
	switch docType {
	case "facture":
		return typeRules{objet: true, issuer: roleSupplier, letterheadName: true, letterRecipient: true, amounts: true, dueDate: true, numero: invoiceNumberLabels, strayIdsToIssuer: true}
	case "avoir":
		return typeRules{objet: true, issuer: roleSupplier, letterheadName: true, letterRecipient: true, amounts: true, dueDate: true, numero: creditNoteNumberLabels, strayIdsToIssuer: true}
	case "devis":
		return typeRules{objet: true, issuer: roleSupplier, letterheadName: true, letterRecipient: true, amounts: true, validity: true, numero: quoteNumberLabels, strayIdsToIssuer: true}
	case "bon_de_commande":
		return typeRules{objet: true, issuer: roleBuyer, letterheadName: true, amounts: true, numero: orderNumberLabels, orderNumber: true, duration: true}
	case "acte_engagement", "avenant":
		return typeRules{objet: true, issuer: roleBuyer, letterheadName: true, amounts: true, duration: true}
	case "fiche_navette":
		return typeRules{objet: true, issuer: roleBuyer, letterheadName: true, amounts: true, duration: true}
	case "cctp", "ccap", "ccp", "reglement_consultation":
		return typeRules{objet: true, issuer: roleBuyer, letterheadName: true, duration: true}
	case "memoire_technique":
		return typeRules{objet: true, issuer: roleSupplier, letterheadName: true}
	case "rib", "kbis", "att_sirene":
		// The subject (account holder, registered company) is the
		// supplier; the letterhead is the bank's or the greffe's.
		return typeRules{issuer: roleSupplier, strayIdsToIssuer: true}
	}
	// Unknown type: only what labels say unambiguously.
	return typeRules{amounts: true, objet: true}
}
