package einvoice

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/depenses-eclairees/depenses/internal/document"
)

// TestParseHandWritten checks every field of the hand-written UBL and
// ZUGFeRD 1 files, including what must stay absent.
func TestParseHandWritten(t *testing.T) {
	tests := []struct {
		file         string
		format       string
		docType      string
		want         map[string]any
		absent       []string
		lines        int
		firstLine    document.LineItem
		invalidField string // a field whose Valid flag must be false
	}{
		{
			file: "ubl-invoice.xml", format: "ubl", docType: "facture",
			want: map[string]any{
				"numero":              "FAC-2026-0142",
				"date":                "2026-03-12",
				"date_echeance":       "2026-04-11",
				"objet":               "Accompagnement à la refonte du portail usagers",
				"fournisseur.nom":     "Atelier Numérique du Rhône SAS",
				"fournisseur.siren":   "812345676",
				"fournisseur.siret":   "81234567600017",
				"fournisseur.tva":     "FR19812345676",
				"fournisseur.adresse": "12 quai des Célestins, 69002 Lyon",
				"acheteur.nom":        "Agence des services numériques",
				"acheteur.siret":      "13009876700028",
				"acheteur.siren":      "130098767",
				"acheteur.adresse":    "20 avenue de Ségur, Bâtiment B, 75007 Paris",
				"montant_ht":          11400.0,
				"montant_tva":         2280.0, // not the USD repetition
				"montant_ttc":         13680.0,
				"net_a_payer":         10680.0,
				"taux_tva":            20.0,
				"iban":                "FR7630006000011234567890189",
				"bic":                 "AGRIFRPPXXX",
				"reference_commande":  "1300012345",
				"numero_ej":           "1300012345",
				"reference_marche":    "AC-2025-017",
				"code_service":        "SE-PORTAIL-01",
			},
			absent: []string{"acheteur.tva"},
			lines:  2,
			firstLine: document.LineItem{Designation: "Atelier de conception avec les usagers (consultant senior)",
				Quantite: ptr(12), Unite: "jour", PrixUnitaireHT: ptr(850), MontantHT: ptr(10200), TauxTVA: ptr(20)},
		},
		{
			file: "ubl-creditnote.xml", format: "ubl", docType: "avoir",
			want: map[string]any{
				"numero":             "AV-2026-0007",
				"date":               "2026-04-02",
				"date_echeance":      "2026-05-02",
				"fournisseur.nom":    "Atelier Numérique du Rhône SAS",
				"fournisseur.siret":  "81234567600017", // no scheme, but French and its key checks
				"fournisseur.siren":  "812345676",
				"fournisseur.tva":    "FR19812345676",
				"acheteur.nom":       "Agence des services numériques",
				"acheteur.tva":       "FR32130098767",
				"acheteur.siren":     "130098767", // from the valid VAT number
				"montant_ht":         400.0,       // positive, as written
				"montant_tva":        65.5,
				"montant_ttc":        465.5,
				"net_a_payer":        465.5,
				"reference_commande": "BC-2026-88",
				"code_service":       "SE-PORTAIL-01",
			},
			// Two VAT rates: no single taux_tva. A note that is not an
			// explicit subject gives no objet. BC-2026-88 is no EJ number.
			absent: []string{"taux_tva", "objet", "numero_ej", "iban", "reference_marche", "acheteur.siret"},
			lines:  2,
			firstLine: document.LineItem{Designation: "Licence logicielle annuelle",
				Quantite: ptr(3), Unite: "unité", PrixUnitaireHT: ptr(100), MontantHT: ptr(300), TauxTVA: ptr(20)},
		},
		{
			file: "zugferd1-comfort.xml", format: "zugferd", docType: "facture",
			want: map[string]any{
				"numero":              "2026-ZF-0031",
				"date":                "2026-01-15",
				"date_echeance":       "2026-02-14",
				"objet":               "Maintenance des bornes d'accueil, janvier 2026",
				"fournisseur.nom":     "Atelier Numérique du Rhône",
				"fournisseur.siret":   "81234567600017",
				"fournisseur.siren":   "812345676",
				"fournisseur.tva":     "FR19812345676",
				"fournisseur.adresse": "12 quai des Célestins, 69002 Lyon",
				"acheteur.nom":        "Agence des services numériques",
				"acheteur.tva":        "FR32130098767",
				"montant_ht":          2000.0,
				"montant_tva":         110.0,
				"montant_ttc":         2110.0,
				"net_a_payer":         2110.0,
				"taux_tva":            5.5,
				"iban":                "FR7630006000011234567890189",
				"bic":                 "AGRIFRPP",
				"reference_commande":  "1300098765",
				"numero_ej":           "1300098765",
				"reference_marche":    "MAINT-2025-04",
				"code_service":        "SERV-ACCUEIL",
			},
			lines: 1,
			firstLine: document.LineItem{Designation: "Maintenance borne d'accueil",
				Quantite: ptr(4), Unite: "unité", PrixUnitaireHT: ptr(500), MontantHT: ptr(2000), TauxTVA: ptr(5.5)},
		},
		{
			// The FNFE samples carry a SIRET whose Luhn key is wrong: it is
			// reported as written, flagged invalid.
			file: "Facture_FR_EN16931.xml", format: "cii", docType: "facture",
			want: map[string]any{
				"fournisseur.siret": "99999999800010",
				"bic":               "FIDCFR21XXX",
			},
			absent:       []string{"taux_tva", "objet", "code_service"},
			lines:        3,
			invalidField: "fournisseur.siret",
			firstLine: document.LineItem{Designation: "Nougat de l'Abbaye 250g",
				Quantite: ptr(20), Unite: "unité", PrixUnitaireHT: ptr(4.10), MontantHT: ptr(81.90), TauxTVA: ptr(20)},
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			got, err := Parse(data)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if got.Format != tt.format || got.DocumentType != tt.docType {
				t.Errorf("format %q type %q, want %q %q", got.Format, got.DocumentType, tt.format, tt.docType)
			}
			for name, want := range tt.want {
				f, ok := got.Fields[name]
				if !ok {
					t.Errorf("%s missing, want %v", name, want)
					continue
				}
				if f.Value != want {
					t.Errorf("%s = %#v (%s), want %#v", name, f.Value, f.Evidence, want)
				}
				if f.Valid != nil && !*f.Valid && name != tt.invalidField {
					t.Errorf("%s = %v flagged invalid", name, f.Value)
				}
			}
			for _, name := range tt.absent {
				if f, ok := got.Fields[name]; ok {
					t.Errorf("%s = %#v (%s), want absent", name, f.Value, f.Evidence)
				}
			}
			if tt.invalidField != "" {
				if f := got.Fields[tt.invalidField]; f.Valid == nil || *f.Valid {
					t.Errorf("%s valid = %v, want false", tt.invalidField, f.Valid)
				}
			}
			if len(got.Lines) != tt.lines {
				t.Fatalf("%d lines, want %d", len(got.Lines), tt.lines)
			}
			if !sameLine(got.Lines[0], tt.firstLine) {
				t.Errorf("first line %+v, want %+v", describeLine(got.Lines[0]), describeLine(tt.firstLine))
			}
		})
	}
}

func ptr(v float64) *float64 { return &v }

func sameLine(a, b document.LineItem) bool {
	eq := func(x, y *float64) bool {
		return x == nil && y == nil || x != nil && y != nil && *x-*y < 1e-9 && *y-*x < 1e-9
	}
	return a.Designation == b.Designation && a.Unite == b.Unite && eq(a.Quantite, b.Quantite) &&
		eq(a.PrixUnitaireHT, b.PrixUnitaireHT) && eq(a.MontantHT, b.MontantHT) && eq(a.TauxTVA, b.TauxTVA)
}

func describeLine(l document.LineItem) map[string]any {
	m := map[string]any{"designation": l.Designation, "unite": l.Unite}
	for k, p := range map[string]*float64{"quantite": l.Quantite, "prix": l.PrixUnitaireHT, "montant": l.MontantHT, "taux": l.TauxTVA} {
		if p != nil {
			m[k] = *p
		}
	}
	return m
}

// TestParseEdgeCases runs small documents that each exercise one rule.
func TestParseEdgeCases(t *testing.T) {
	cii := func(body string) string {
		return `<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
 xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
 xmlns:udt="urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100">` + body + `</rsm:CrossIndustryInvoice>`
	}
	tests := []struct {
		name    string
		xml     string
		docType string
		want    map[string]any
		absent  []string
	}{
		{
			name: "amounts in another currency are not reported as euros",
			xml: cii(`<rsm:ExchangedDocument><ram:ID>X1</ram:ID><ram:TypeCode>380</ram:TypeCode></rsm:ExchangedDocument>
<rsm:SupplyChainTradeTransaction><ram:ApplicableHeaderTradeSettlement><ram:InvoiceCurrencyCode>USD</ram:InvoiceCurrencyCode>
<ram:SpecifiedTradeSettlementHeaderMonetarySummation><ram:TaxBasisTotalAmount>100.00</ram:TaxBasisTotalAmount>
<ram:TaxTotalAmount currencyID="USD">20.00</ram:TaxTotalAmount><ram:TaxTotalAmount currencyID="EUR">18.50</ram:TaxTotalAmount>
<ram:GrandTotalAmount>120.00</ram:GrandTotalAmount></ram:SpecifiedTradeSettlementHeaderMonetarySummation>
</ram:ApplicableHeaderTradeSettlement></rsm:SupplyChainTradeTransaction>`),
			docType: "facture",
			want:    map[string]any{"numero": "X1"},
			absent:  []string{"montant_ht", "montant_tva", "montant_ttc"},
		},
		{
			name: "malformed numbers and dates are left out",
			xml: cii(`<rsm:ExchangedDocument><ram:ID>X2</ram:ID><ram:TypeCode>381</ram:TypeCode>
<ram:IssueDateTime><udt:DateTimeString format="102">20250231</udt:DateTimeString></ram:IssueDateTime></rsm:ExchangedDocument>
<rsm:SupplyChainTradeTransaction><ram:ApplicableHeaderTradeSettlement>
<ram:SpecifiedTradePaymentTerms><ram:DueDateDateTime><udt:DateTimeString format="610">202503</udt:DateTimeString></ram:DueDateDateTime></ram:SpecifiedTradePaymentTerms>
<ram:SpecifiedTradeSettlementHeaderMonetarySummation><ram:TaxBasisTotalAmount>NaN</ram:TaxBasisTotalAmount>
<ram:TaxTotalAmount>1e308</ram:TaxTotalAmount><ram:GrandTotalAmount>0x1p4</ram:GrandTotalAmount><ram:DuePayableAmount> 12.5 </ram:DuePayableAmount>
</ram:SpecifiedTradeSettlementHeaderMonetarySummation></ram:ApplicableHeaderTradeSettlement></rsm:SupplyChainTradeTransaction>`),
			docType: "avoir",
			want:    map[string]any{"net_a_payer": 12.5},
			absent:  []string{"date", "date_echeance", "montant_ht", "montant_tva", "montant_ttc"},
		},
		{
			name: "identifiers: foreign schemes ignored, unschemed numbers need a valid key, letter VAT keys unchecked",
			xml: cii(`<rsm:ExchangedDocument><ram:ID>X3</ram:ID></rsm:ExchangedDocument>
<rsm:SupplyChainTradeTransaction><ram:ApplicableHeaderTradeAgreement>
<ram:SellerTradeParty><ram:Name>Vendeur</ram:Name><ram:GlobalID schemeID="0088">123456789</ram:GlobalID>
<ram:SpecifiedLegalOrganization><ram:ID>123456789</ram:ID></ram:SpecifiedLegalOrganization>
<ram:PostalTradeAddress><ram:CountryID>FR</ram:CountryID></ram:PostalTradeAddress>
<ram:SpecifiedTaxRegistration><ram:ID schemeID="VA">FRA1123456789</ram:ID></ram:SpecifiedTaxRegistration></ram:SellerTradeParty>
<ram:BuyerTradeParty><ram:Name>Käufer GmbH</ram:Name><ram:SpecifiedLegalOrganization><ram:ID>552081317</ram:ID></ram:SpecifiedLegalOrganization>
<ram:PostalTradeAddress><ram:CountryID>DE</ram:CountryID></ram:PostalTradeAddress>
<ram:SpecifiedTaxRegistration><ram:ID schemeID="VA">DE 123 456 789</ram:ID></ram:SpecifiedTaxRegistration></ram:BuyerTradeParty>
<ram:BuyerOrderReferencedDocument><ram:IssuerAssignedID>13 0001 2345</ram:IssuerAssignedID></ram:BuyerOrderReferencedDocument>
</ram:ApplicableHeaderTradeAgreement></rsm:SupplyChainTradeTransaction>`),
			docType: "facture",
			want: map[string]any{"fournisseur.tva": "FRA1123456789", "acheteur.tva": "DE123456789",
				"reference_commande": "13 0001 2345", "numero_ej": "1300012345"},
			absent: []string{"fournisseur.siren", "fournisseur.siret", "acheteur.siren", "acheteur.adresse"},
		},
		{
			name: "negative total on a 380 is a credit note",
			xml: cii(`<rsm:ExchangedDocument><ram:ID>X4</ram:ID><ram:TypeCode>380</ram:TypeCode></rsm:ExchangedDocument>
<rsm:SupplyChainTradeTransaction><ram:ApplicableHeaderTradeSettlement><ram:InvoiceCurrencyCode>EUR</ram:InvoiceCurrencyCode>
<ram:SpecifiedTradeSettlementHeaderMonetarySummation><ram:GrandTotalAmount currencyID="EUR">-12.00</ram:GrandTotalAmount>
</ram:SpecifiedTradeSettlementHeaderMonetarySummation></ram:ApplicableHeaderTradeSettlement></rsm:SupplyChainTradeTransaction>`),
			docType: "avoir",
			want:    map[string]any{"montant_ttc": -12.0},
		},
		{
			name: "objet only from an explicit subject note",
			xml: `<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
 xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
<cbc:ID>U1</cbc:ID><cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode>
<cbc:Note>Objets trouvés : néant</cbc:Note><cbc:Note>Objectif : réduire les délais</cbc:Note>
<cbc:Note>#AAI#Objet de la facture – Hébergement du site, mars 2026</cbc:Note></Invoice>`,
			docType: "facture",
			want:    map[string]any{"numero": "U1", "objet": "Hébergement du site, mars 2026"},
		},
		{
			name: "order response is left to the classifier",
			xml: `<rsm:SCRDMCCBDACIOMessageStructure xmlns:rsm="urn:un:unece:uncefact:data:SCRDMCCBDACIOMessageStructure:100"
 xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:128">
<rsm:ExchangedDocument><ram:ID>R1</ram:ID><ram:TypeCode>231</ram:TypeCode></rsm:ExchangedDocument></rsm:SCRDMCCBDACIOMessageStructure>`,
			docType: "",
			want:    map[string]any{"numero": "R1"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse([]byte(tt.xml))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if got.DocumentType != tt.docType {
				t.Errorf("type %q, want %q", got.DocumentType, tt.docType)
			}
			for name, want := range tt.want {
				if f, ok := got.Fields[name]; !ok || f.Value != want {
					t.Errorf("%s = %#v, want %#v", name, f.Value, want)
				}
			}
			for _, name := range tt.absent {
				if f, ok := got.Fields[name]; ok {
					t.Errorf("%s = %#v (%s), want absent", name, f.Value, f.Evidence)
				}
			}
			if err := checkShape(got); err != nil {
				t.Error(err)
			}
		})
	}
}

// TestParseErrors checks that bad input gives a ReadError with the right code.
func TestParseErrors(t *testing.T) {
	// Structural checks are reached only under a recognised root.
	const open = `<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100">`
	const end = `</rsm:CrossIndustryInvoice>`
	deep := open + strings.Repeat("<a>", maxDepth) + strings.Repeat("</a>", maxDepth) + end
	wide := open + strings.Repeat("<a/>", maxNodes) + end
	attrs := open + "<a" + strings.Repeat(` x="1"`, maxAttrs+1) + "/>" + end
	tests := []struct {
		name string
		data []byte
		code string
	}{
		{"empty", nil, document.ErrEmpty},
		{"too large", bytes.Repeat([]byte(" "), maxXMLBytes+1), document.ErrTooLarge},
		{"not XML", []byte("%PDF-1.7 not xml"), document.ErrCorrupt},
		{"truncated", []byte(`<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"><rsm:ExchangedDocument>`), document.ErrCorrupt},
		{"mismatched tags", []byte(open + `<a><b></a></b>` + end), document.ErrCorrupt},
		{"two roots", []byte(open + end + open + end), document.ErrCorrupt},
		{"deep nesting", []byte(deep), document.ErrCorrupt},
		{"too many elements", []byte(wide), document.ErrTooLarge},
		{"too many attributes", []byte(attrs), document.ErrCorrupt},
		{"other root", []byte(`<a><b></a></b>`), document.ErrUnsupported},
		{"unknown encoding", []byte(`<?xml version="1.0" encoding="x-klingon"?><a/>`), document.ErrCorrupt},
		{"other XML", []byte(`<html xmlns="http://www.w3.org/1999/xhtml"><body/></html>`), document.ErrUnsupported},
		{"right name, wrong namespace", []byte(`<Invoice xmlns="urn:example:invoice"><ID>1</ID></Invoice>`), document.ErrUnsupported},
		{"undeclared entity", []byte(`<!DOCTYPE a [<!ENTITY x "y">]>` + open + `&x;` + end), document.ErrCorrupt},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(tt.data)
			var re *document.ReadError
			if !errors.As(err, &re) {
				t.Fatalf("Parse = %v, %v; want a *document.ReadError", got, err)
			}
			if re.Code != tt.code {
				t.Errorf("code %q (%v), want %q", re.Code, err, tt.code)
			}
			if got != nil {
				t.Errorf("result %+v with an error", got)
			}
		})
	}
}

func TestSniff(t *testing.T) {
	corpus, _ := filepath.Glob("testdata/*.xml")
	for _, file := range corpus {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if !Sniff(data) {
			t.Errorf("Sniff(%s) = false", file)
		}
	}
	utf16 := []byte{0xFF, 0xFE}
	for _, r := range `<?xml version="1.0" encoding="UTF-16"?><Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"/>` {
		utf16 = append(utf16, byte(r), byte(r>>8))
	}
	tests := []struct {
		name string
		data []byte
		want bool
	}{
		{"UBL credit note, default namespace", []byte(`<CreditNote xmlns="urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"/>`), true},
		{"UTF-16 with BOM", utf16, true},
		{"BOM and comment before the root", []byte("\ufeff<!-- c --><rsm:CrossIndustryInvoice xmlns:rsm=\"urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100\"/>"), true},
		{"CII without namespace", []byte(`<CrossIndustryInvoice/>`), false},
		{"XHTML", []byte(`<html xmlns="http://www.w3.org/1999/xhtml"/>`), false},
		{"DOCX part", []byte(`<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"/>`), false},
		{"PDF", []byte("%PDF-1.4\n"), false},
		{"empty", nil, false},
	}
	for _, tt := range tests {
		if got := Sniff(tt.data); got != tt.want {
			t.Errorf("%s: Sniff = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestIsEInvoiceName(t *testing.T) {
	tests := []struct {
		name string
		want bool
	}{
		{"factur-x.xml", true},
		{"ZUGFeRD-invoice.xml", true},
		{"zugferd-invoice.xml", true},
		{"xrechnung.xml", true},
		{"order-x.xml", true},
		{"dossier/FACTUR-X.XML", true},
		{`C:\pieces\factur-x.xml`, true},
		{"facture.xml", false},
		{"factur-x.xml.pdf", false},
		{"invoice.pdf", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := IsEInvoiceName(tt.name); got != tt.want {
			t.Errorf("IsEInvoiceName(%q) = %v, want %v", tt.name, got, tt.want)
		}
	}
}

// TestChecks uses the test vectors of DOMAIN.md §4.
func TestChecks(t *testing.T) {
	tests := []struct {
		name  string
		check func(string) bool
		in    string
		want  bool
	}{
		{"SIREN EDF", validSIREN, "552081317", true},
		{"SIREN UGAP", validSIREN, "776056467", true},
		{"SIREN DINUM", validSIREN, "130025265", true},
		{"SIREN typo", validSIREN, "552081318", false},
		{"SIREN short", validSIREN, "55208131", false},
		{"SIRET", validSIRET, "73282932000074", true},
		{"SIRET DAE", validSIRET, "13002220500012", true},
		{"SIRET typo", validSIRET, "73282932000075", false},
		{"SIRET La Poste by digit sum", validSIRET, "35600000049837", true},
		{"SIRET La Poste siège", validSIRET, "35600000000048", true},
		{"SIRET La Poste bad", validSIRET, "35600000049838", false},
		{"SIRET letters", validSIRET, "7328293200007A", false},
		{"VAT EDF", func(s string) bool { v, _ := checkFRVAT(s); return v }, "FR03552081317", true},
		{"VAT wrong key", func(s string) bool { v, _ := checkFRVAT(s); return v }, "FR04552081317", false},
		{"IBAN FR", validIBAN, "FR7630006000011234567890189", true},
		{"IBAN FR typo", validIBAN, "FR7630006000011234567890188", false},
		{"IBAN FR wrong length", validIBAN, "FR763000600001123456789018", false},
		{"IBAN DE", validIBAN, "DE89370400440532013000", true},
	}
	for _, tt := range tests {
		if got := tt.check(tt.in); got != tt.want {
			t.Errorf("%s: check(%q) = %v, want %v", tt.name, tt.in, got, tt.want)
		}
	}
	if _, known := checkFRVAT("FRA1123456789"); known {
		t.Error("a VAT key with letters cannot be checked with the numeric formula")
	}
}
