// Package einvoice reads structured e-invoices and e-orders into the
// contract's fields: UN/CEFACT CII as Factur-X / ZUGFeRD carry it (all
// profiles, ZUGFeRD 1 included), Order-X orders, and UBL 2.1 Invoice and
// CreditNote. Values come from the XML as written; nothing is guessed.
package einvoice

import (
	"fmt"
	"path"
	"strings"

	"github.com/depenses-eclairees/depenses/internal/document"
)

// eInvoiceNames are the attachment names the Factur-X, ZUGFeRD, XRechnung
// and Order-X specifications give the XML inside a PDF/A-3.
var eInvoiceNames = map[string]bool{
	"factur-x.xml":        true,
	"facturx.xml":         true,
	"zugferd-invoice.xml": true,
	"zugferd_invoice.xml": true,
	"xrechnung.xml":       true,
	"order-x.xml":         true,
	"orderx.xml":          true,
}

// IsEInvoiceName says whether an attachment name is one a PDF/A-3 e-invoice uses for its XML
// (factur-x.xml, zugferd-invoice.xml, ZUGFeRD-invoice.xml, xrechnung.xml, order-x.xml, …).
func IsEInvoiceName(name string) bool {
	name = strings.ReplaceAll(name, `\`, "/")
	return eInvoiceNames[strings.ToLower(strings.TrimSpace(path.Base(name)))]
}

// kind is the family of a root element.
type kind int

const (
	kindNone kind = iota
	kindCIIInvoice
	kindCIIOrder
	kindUBL
)

// rootKind recognises a root element by its local name and namespace URI.
func rootKind(local, space string) kind {
	switch {
	case local == "CrossIndustryInvoice" && strings.HasPrefix(space, "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:"),
		local == "CrossIndustryDocument" && strings.HasPrefix(space, "urn:ferd:CrossIndustryDocument:invoice:"):
		return kindCIIInvoice
	case local == "SCRDMCCBDACIOMessageStructure" && strings.HasPrefix(space, "urn:un:unece:uncefact:data:SCRDMCCBDACIOMessageStructure:"),
		local == "CrossIndustryOrder" && strings.HasPrefix(space, "urn:un:unece:uncefact:data:standard:CrossIndustryOrder:"):
		return kindCIIOrder
	case local == "Invoice" && space == "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2",
		local == "CreditNote" && space == "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2":
		return kindUBL
	}
	return kindNone
}

// Sniff says whether bytes are an e-invoice XML this package parses (by root element and namespace).
func Sniff(data []byte) bool {
	if len(data) == 0 || len(data) > maxXMLBytes || tooManyAttributes(data) {
		return false
	}
	local, space, err := rootName(data)
	return err == nil && rootKind(local, space) != kindNone
}

// Parse reads the XML and returns the structured data with document.Field values:
// Value typed as the contract says (strings for identifiers and text, float64 for amounts and taux_tva,
// "YYYY-MM-DD" strings for dates), Confidence 0.99 (structured data), Page 1 (the contract
// wants a page for every present field), Evidence = the XML element path and value, e.g.
// "ram:ApplicableHeaderTradeAgreement/ram:SellerTradeParty/ram:SpecifiedLegalOrganization/ram:ID = 123456782".
// Errors are *document.ReadError.
func Parse(data []byte) (e *document.Embedded, err error) {
	if len(data) == 0 {
		return nil, document.Errorf(document.ErrEmpty, "XML de facture électronique vide")
	}
	if len(data) > maxXMLBytes {
		return nil, document.Errorf(document.ErrTooLarge, "XML de facture électronique trop volumineux : %d octets (limite %d)", len(data), maxXMLBytes)
	}
	defer func() {
		if r := recover(); r != nil {
			e = nil
			err = document.Errorf(document.ErrCorrupt, "XML de facture électronique illisible : %w", fmt.Errorf("panique : %v", r))
		}
	}()
	root, err := parseTree(data)
	if err != nil {
		return nil, err
	}
	switch rootKind(root.local, root.space) {
	case kindCIIOrder:
		return parseCII(root, true), nil
	case kindUBL:
		return parseUBL(root), nil
	default: // parseTree accepts no other root
		return parseCII(root, false), nil
	}
}
