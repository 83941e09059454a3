package einvoice

import (
	"strings"

	"github.com/depenses-eclairees/depenses/internal/document"
)

// parseUBL maps an OASIS UBL 2.x Invoice or CreditNote (EN 16931 / Peppol
// BIS / Chorus Pro usage).
func parseUBL(root *node) *document.Embedded {
	f := fields{}
	e := &document.Embedded{Format: "ubl", Fields: f}
	if c := root.firstText("CustomizationID"); c != nil {
		e.Profile = profileName(c.text)
	}
	credit := root.local == "CreditNote"

	f.text("numero", root.firstText("ID"))
	f.date("date", root.firstText("IssueDate"))
	f.date("date_echeance", root.firstText("DueDate", "PaymentMeans/PaymentDueDate"))

	f.addParty("fournisseur", ublParty(root.first("AccountingSupplierParty/Party")))
	f.addParty("acheteur", ublParty(root.first("AccountingCustomerParty/Party")))

	f.orderReference(root.firstText("OrderReference/ID"))
	f.text("reference_marche", root.firstText("ContractDocumentReference/ID"))
	f.text("code_service", root.firstText("BuyerReference"))
	f.objet(root.all("Note"))

	currency := textOf(root.firstText("DocumentCurrencyCode"))
	total := root.first("LegalMonetaryTotal")
	grandTotal := inCurrency(total.all("TaxInclusiveAmount"), currency)
	if isEuro(currency) {
		f.amount("montant_ht", inCurrency(total.all("TaxExclusiveAmount"), currency))
		f.amount("montant_tva", inCurrency(root.all("TaxTotal/TaxAmount"), currency))
		f.amount("montant_ttc", grandTotal)
		f.amount("net_a_payer", inCurrency(total.all("PayableAmount"), currency))
	}

	var rates []*node
	for _, cat := range root.all("TaxTotal/TaxSubtotal/TaxCategory") {
		if scheme := textOf(cat.firstText("TaxScheme/ID")); scheme != "" && !strings.EqualFold(scheme, "VAT") {
			continue
		}
		if r := cat.firstText("Percent"); r != nil {
			rates = append(rates, r)
		}
	}
	f.taxRate(rates)

	lineName, quantityName := "InvoiceLine", "InvoicedQuantity"
	if credit {
		lineName, quantityName = "CreditNoteLine", "CreditedQuantity"
	}
	for _, l := range root.all(lineName) {
		item, ok := lineItem(
			l.firstText("Item/Name", "Item/Description"),
			l.firstText(quantityName),
			l.firstText("Price/PriceAmount"),
			l.firstText("Price/BaseQuantity"),
			l.firstText("LineExtensionAmount"),
			l.firstText("Item/ClassifiedTaxCategory/Percent"),
		)
		if ok {
			e.Lines = append(e.Lines, item)
		}
	}

	for _, account := range root.all("PaymentMeans/PayeeFinancialAccount") {
		if f.iban(account.firstText("ID")) {
			f.bic(account.firstText("FinancialInstitutionBranch/ID", "FinancialInstitutionBranch/FinancialInstitution/ID"))
			break
		}
	}

	code := textOf(root.firstText("InvoiceTypeCode", "CreditNoteTypeCode"))
	if credit {
		e.DocumentType = "avoir"
	} else {
		e.DocumentType = invoiceType(code, grandTotal)
	}
	return e
}

// ublParty gathers a party's name, identifiers and address.
func ublParty(p *node) party {
	if p == nil {
		return party{}
	}
	var pty party
	pty.name = p.firstText("PartyLegalEntity/RegistrationName", "PartyName/Name")
	// Chorus Pro puts the SIRET in the endpoint and party identifiers
	// (scheme 0009); EN 16931 puts the legal registration in PartyLegalEntity.
	pty.legalIDs = p.all("PartyLegalEntity/CompanyID")
	pty.otherIDs = append(p.all("PartyIdentification/ID"), p.all("EndpointID")...)
	addr := p.first("PostalAddress")
	country := textOf(addr.firstText("Country/IdentificationCode"))
	pty.acceptUnschemed = strings.EqualFold(country, "FR")
	for _, scheme := range p.all("PartyTaxScheme") {
		if id := textOf(scheme.firstText("TaxScheme/ID")); id != "" && !strings.EqualFold(id, "VAT") {
			continue
		}
		if n := scheme.firstText("CompanyID"); n != nil {
			pty.vatIDs = append(pty.vatIDs, n)
		}
	}
	if addr != nil {
		var lines []string
		for _, name := range []string{"StreetName", "AdditionalStreetName"} {
			lines = append(lines, textOf(addr.firstText(name)))
		}
		for _, l := range addr.all("AddressLine/Line") {
			lines = append(lines, l.text)
		}
		pty.address = joinAddress(lines, textOf(addr.firstText("PostalZone")), textOf(addr.firstText("CityName")), country)
		pty.addressNode = addr
	}
	return pty
}
