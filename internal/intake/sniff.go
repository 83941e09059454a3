package intake

import (
	"bytes"
	"path/filepath"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/depenses-eclairees/depenses/internal/intake/office"
)

// Media types the intake recognises. They are reported as they are in the
// extraction result's media_type.
const (
	TypePDF  = "application/pdf"
	TypePNG  = "image/png"
	TypeJPEG = "image/jpeg"
	TypeTIFF = "image/tiff"
	TypeGIF  = "image/gif"
	TypeBMP  = "image/bmp"
	TypeWebP = "image/webp"
	TypeZIP  = "application/zip"
	TypeEML  = "message/rfc822"
	TypeDOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	TypeXLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	TypePPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
	TypeODT  = "application/vnd.oasis.opendocument.text"
	TypeODS  = "application/vnd.oasis.opendocument.spreadsheet"
	TypeODP  = "application/vnd.oasis.opendocument.presentation"
	TypeDOC  = "application/msword"
	TypeXLS  = "application/vnd.ms-excel"
	TypePPT  = "application/vnd.ms-powerpoint"
	TypeRTF  = "application/rtf"
	// TypeEncryptedOffice is a password-protected DOCX, XLSX or PPTX, which
	// is an OLE2 container around the encrypted package.
	TypeEncryptedOffice = "application/x-tika-ooxml-protected"
	TypeHTML            = "text/html"
	TypeXML             = "application/xml"
	TypeCSV             = "text/csv"
	TypeText            = "text/plain"
	TypeUnknown         = "application/octet-stream"
)

var officeTypes = map[office.Kind]string{
	"docx": TypeDOCX, "xlsx": TypeXLSX, "pptx": TypePPTX,
	"odt": TypeODT, "ods": TypeODS, "odp": TypeODP,
	"doc": TypeDOC, "xls": TypeXLS, "ppt": TypePPT,
	office.KindEncryptedOOXML: TypeEncryptedOffice,
}

// officeKinds maps media types back to the office reader's kinds.
var officeKinds = map[string]office.Kind{
	TypeDOCX: "docx", TypeXLSX: "xlsx", TypePPTX: "pptx",
	TypeODT: "odt", TypeODS: "ods", TypeODP: "odp",
	TypeDOC: "doc", TypeXLS: "xls", TypePPT: "ppt",
	TypeEncryptedOffice: office.KindEncryptedOOXML,
	TypeRTF:             "rtf", TypeHTML: "html", TypeXML: "xml", TypeCSV: "csv", TypeText: "txt",
}

// Sniff decides a file's media type from its content. The name is only
// used to tell CSV from plain text, which content alone cannot settle.
func Sniff(name string, data []byte) string {
	head := data[:min(len(data), 4096)]
	switch {
	case bytes.HasPrefix(head, []byte("%PDF-")):
		return TypePDF
	case bytes.HasPrefix(head, []byte("\x89PNG\r\n\x1a\n")):
		return TypePNG
	case bytes.HasPrefix(head, []byte{0xFF, 0xD8, 0xFF}):
		return TypeJPEG
	case bytes.HasPrefix(head, []byte("II*\x00")), bytes.HasPrefix(head, []byte("MM\x00*")):
		return TypeTIFF
	case bytes.HasPrefix(head, []byte("GIF87a")), bytes.HasPrefix(head, []byte("GIF89a")):
		return TypeGIF
	case len(head) >= 12 && bytes.HasPrefix(head, []byte("RIFF")) && string(head[8:12]) == "WEBP":
		return TypeWebP
	case bytes.HasPrefix(head, []byte("BM")) && len(head) > 26 && head[14] >= 12 && head[15] == 0:
		return TypeBMP
	case bytes.HasPrefix(head, []byte("PK\x03\x04")), bytes.HasPrefix(head, []byte("PK\x05\x06")):
		if t, ok := officeTypes[office.Sniff(data)]; ok {
			return t
		}
		return TypeZIP
	case bytes.HasPrefix(head, []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}):
		if t, ok := officeTypes[office.Sniff(data)]; ok {
			return t
		}
		return TypeUnknown
	case bytes.HasPrefix(head, []byte(`{\rtf`)):
		return TypeRTF
	case bytes.Contains(head[:min(len(head), 1024)], []byte("%PDF-")):
		// Readers accept up to 1 KiB of junk before the PDF header; checked
		// after the other signatures, which a PDF cannot start with.
		return TypePDF
	}
	if !looksLikeText(head) {
		return TypeUnknown
	}
	text := strings.TrimLeft(string(bytes.TrimPrefix(head, []byte("\xEF\xBB\xBF"))), " \t\r\n")
	lower := strings.ToLower(text[:min(len(text), 512)])
	switch {
	case looksLikeEmail(text):
		return TypeEML
	case strings.HasPrefix(lower, "<!doctype html"), strings.Contains(lower, "<html"):
		return TypeHTML
	case strings.HasPrefix(lower, "<?xml"), xmlRoot.MatchString(text):
		return TypeXML
	}
	switch strings.ToLower(filepath.Ext(name)) {
	case ".csv", ".tsv":
		return TypeCSV
	}
	return TypeText
}

var (
	xmlRoot     = regexp.MustCompile(`^<[A-Za-z_][\w.:-]*[\s>/]`)
	headerLine  = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9-]*:`)
	mailHeaders = []string{"from:", "to:", "subject:", "date:", "message-id:", "mime-version:", "received:", "return-path:"}
)

// looksLikeEmail says whether the text starts with an RFC 5322 header block
// holding at least two of the usual mail headers.
func looksLikeEmail(text string) bool {
	seen := 0
	for i, line := range strings.SplitN(text, "\n", 40) {
		line = strings.TrimRight(line, "\r")
		if line == "" {
			break
		}
		if line[0] == ' ' || line[0] == '\t' {
			continue // folded header
		}
		if !headerLine.MatchString(line) {
			return false
		}
		l := strings.ToLower(line)
		for _, h := range mailHeaders {
			if strings.HasPrefix(l, h) {
				seen++
			}
		}
		if i == 0 && !strings.Contains(l, ":") {
			return false
		}
	}
	return seen >= 2
}

// looksLikeText accepts UTF-8 (or UTF-16 with a BOM) and single-byte
// encodings whose bytes are mostly printable; NUL bytes and other control
// characters mean binary.
func looksLikeText(head []byte) bool {
	if len(head) == 0 {
		return false
	}
	if bytes.HasPrefix(head, []byte{0xFF, 0xFE}) || bytes.HasPrefix(head, []byte{0xFE, 0xFF}) {
		return true
	}
	control := 0
	for _, c := range head {
		if c == 0 {
			return false
		}
		if c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f' {
			control++
		}
	}
	if control*100 > len(head) {
		return false
	}
	// Either valid UTF-8 (allowing a cut rune at the end) or a legacy 8-bit
	// encoding, which the text reader converts.
	return utf8.Valid(head) || utf8.Valid(head[:max(0, len(head)-3)]) || control == 0
}
