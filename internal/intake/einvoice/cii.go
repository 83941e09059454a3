package einvoice

import (
	"strings"

	"github.com/depenses-eclairees/depenses/internal/document"
)

// parseCII maps UN/CEFACT Cross Industry documents: Factur-X / ZUGFeRD 2
// invoices (CrossIndustryInvoice, D16B), ZUGFeRD 1 invoices
// (CrossIndustryDocument, whose elements carry older names) and Order-X orders.
// Where versions name one thing differently, both names are tried.
func parseCII(root *node, order bool) *document.Embedded {
	f := fields{}
	e := &document.Embedded{Fields: f}

	guideline := root.firstText(
		"ExchangedDocumentContext/GuidelineSpecifiedDocumentContextParameter/ID",
		"SpecifiedExchangedDocumentContext/GuidelineSpecifiedDocumentContextParameter/ID")
	if guideline != nil {
		e.Profile = profileName(guideline.text)
	}
	e.Format = ciiFormat(root, guideline, order)

	doc := root.first("ExchangedDocument", "HeaderExchangedDocument")
	tx := root.first("SupplyChainTradeTransaction", "SpecifiedSupplyChainTradeTransaction")
	agreement := tx.first("ApplicableHeaderTradeAgreement", "ApplicableSupplyChainTradeAgreement")
	settlement := tx.first("ApplicableHeaderTradeSettlement", "ApplicableSupplyChainTradeSettlement")

	f.text("numero", doc.firstText("ID"))
	f.date("date", doc.firstText("IssueDateTime/DateTimeString"))
	f.date("date_echeance", settlement.firstText("SpecifiedTradePaymentTerms/DueDateDateTime/DateTimeString"))

	f.addParty("fournisseur", ciiParty(agreement.first("SellerTradeParty")))
	f.addParty("acheteur", ciiParty(agreement.first("BuyerTradeParty")))

	f.orderReference(agreement.firstText("BuyerOrderReferencedDocument/IssuerAssignedID", "BuyerOrderReferencedDocument/ID"))
	f.text("reference_marche", agreement.firstText("ContractReferencedDocument/IssuerAssignedID", "ContractReferencedDocument/ID"))
	// BT-10 "Buyer reference" is where Chorus Pro reads the code service.
	f.text("code_service", agreement.firstText("BuyerReference"))
	f.objet(doc.all("IncludedNote/Content"))

	currency := textOf(settlement.firstText("InvoiceCurrencyCode", "OrderCurrencyCode"))
	sum := settlement.first("SpecifiedTradeSettlementHeaderMonetarySummation", "SpecifiedTradeSettlementMonetarySummation")
	grandTotal := inCurrency(sum.all("GrandTotalAmount"), currency)
	if isEuro(currency) {
		f.amount("montant_ht", inCurrency(sum.all("TaxBasisTotalAmount"), currency))
		f.amount("montant_tva", inCurrency(sum.all("TaxTotalAmount"), currency))
		f.amount("montant_ttc", grandTotal)
		f.amount("net_a_payer", inCurrency(sum.all("DuePayableAmount"), currency))
	}

	headerRates := vatRates(settlement.all("ApplicableTradeTax"))
	lines := tx.all("IncludedSupplyChainTradeLineItem")
	var lineRates []*node
	for _, l := range lines {
		lineSettlement := l.first("SpecifiedLineTradeSettlement", "SpecifiedSupplyChainTradeSettlement")
		lineAgreement := l.first("SpecifiedLineTradeAgreement", "SpecifiedSupplyChainTradeAgreement")
		lineDelivery := l.first("SpecifiedLineTradeDelivery", "SpecifiedSupplyChainTradeDelivery")
		rate := vatRates(lineSettlement.all("ApplicableTradeTax"))
		var rateNode *node
		if len(rate) > 0 {
			rateNode = rate[0]
			lineRates = append(lineRates, rateNode)
		}
		item, ok := lineItem(
			l.firstText("SpecifiedTradeProduct/Name", "SpecifiedTradeProduct/Description"),
			lineDelivery.firstText("BilledQuantity", "RequestedQuantity", "AgreedQuantity"),
			lineAgreement.firstText("NetPriceProductTradePrice/ChargeAmount"),
			lineAgreement.firstText("NetPriceProductTradePrice/BasisQuantity"),
			lineSettlement.firstText(
				"SpecifiedTradeSettlementLineMonetarySummation/LineTotalAmount",
				"SpecifiedTradeSettlementMonetarySummation/LineTotalAmount"),
			rateNode,
		)
		if ok {
			e.Lines = append(e.Lines, item)
		}
	}
	if len(headerRates) > 0 {
		f.taxRate(headerRates)
	} else {
		f.taxRate(lineRates)
	}

	// Bank details: the first means of payment that names the payee's IBAN,
	// and the BIC given with it.
	for _, means := range settlement.all("SpecifiedTradeSettlementPaymentMeans") {
		if f.iban(means.firstText("PayeePartyCreditorFinancialAccount/IBANID")) {
			f.bic(means.firstText("PayeeSpecifiedCreditorFinancialInstitution/BICID"))
			break
		}
	}

	code := textOf(doc.firstText("TypeCode"))
	switch {
	case !order:
		e.DocumentType = invoiceType(code, grandTotal)
	case code == "231":
		// An order response is the supplier's answer, not the order itself:
		// leave the type to the classifier.
	default:
		e.DocumentType = "bon_de_commande"
	}
	return e
}

// ciiParty gathers a trade party's name, identifiers and address.
func ciiParty(p *node) party {
	if p == nil {
		return party{}
	}
	var pty party
	pty.name = p.firstText("Name", "SpecifiedLegalOrganization/TradingBusinessName")
	pty.legalIDs = p.all("SpecifiedLegalOrganization/ID")
	pty.otherIDs = p.all("GlobalID")
	addr := p.first("PostalTradeAddress")
	country := textOf(addr.firstText("CountryID"))
	pty.acceptUnschemed = strings.EqualFold(country, "FR")
	for _, id := range p.all("SpecifiedTaxRegistration/ID") {
		if scheme := id.attr("schemeID"); scheme == "VA" || scheme == "" {
			pty.vatIDs = append(pty.vatIDs, id)
		}
	}
	if addr != nil {
		pty.address = joinAddress(
			[]string{textOf(addr.firstText("LineOne")), textOf(addr.firstText("LineTwo")), textOf(addr.firstText("LineThree"))},
			textOf(addr.firstText("PostcodeCode")), textOf(addr.firstText("CityName")), country)
		pty.addressNode = addr
	}
	return pty
}

// vatRates returns the rate nodes of the VAT breakdowns (other taxes left out).
func vatRates(taxes []*node) []*node {
	var rates []*node
	for _, t := range taxes {
		if typ := textOf(t.firstText("TypeCode")); typ != "" && typ != "VAT" {
			continue
		}
		if r := t.firstText("RateApplicablePercent", "ApplicablePercent"); r != nil {
			rates = append(rates, r)
		}
	}
	return rates
}

func ciiFormat(root, guideline *node, order bool) string {
	urn := strings.ToLower(textOf(guideline))
	switch {
	case order:
		return "order-x"
	case root.local == "CrossIndustryDocument", strings.Contains(urn, "zugferd"):
		return "zugferd"
	case strings.Contains(urn, "factur-x"):
		return "factur-x"
	}
	return "cii"
}

// profileName turns a guideline URN into the profile's usual name.
func profileName(urn string) string {
	u := strings.ToLower(urn)
	switch {
	case strings.Contains(u, "extended"):
		return "EXTENDED"
	case strings.Contains(u, "xrechnung"):
		return "XRECHNUNG"
	case strings.Contains(u, "minimum"):
		return "MINIMUM"
	case strings.Contains(u, "basicwl"):
		return "BASIC WL"
	case strings.Contains(u, "basic"):
		return "BASIC"
	case strings.Contains(u, "comfort"):
		return "COMFORT"
	case strings.Contains(u, "en16931"):
		return "EN 16931"
	}
	return urn
}

func textOf(n *node) string {
	if n == nil {
		return ""
	}
	return n.text
}

// isEuro says whether amounts in this currency may be reported as euros,
// which is what the contract's amounts are. A document without a currency
// is taken to be in euros.
func isEuro(currency string) bool {
	return currency == "" || strings.EqualFold(currency, "EUR")
}

// inCurrency picks, among amounts given in several currencies (the VAT total
// may be repeated in the accounting currency), the one in the document's
// currency, else one that names no currency.
func inCurrency(amounts []*node, currency string) *node {
	var unnamed *node
	for _, a := range amounts {
		switch c := a.attr("currencyID"); {
		case currency != "" && strings.EqualFold(c, currency):
			return a
		case c == "" && unnamed == nil:
			unnamed = a
		}
	}
	if unnamed == nil && currency == "" && len(amounts) > 0 {
		return amounts[0]
	}
	return unnamed
}
