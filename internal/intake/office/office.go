// Package office reads office and text formats (DOCX, ODT, ODS, ODP, XLSX,
// PPTX, CSV, TXT, HTML, XML; DOC, XLS, PPT and RTF through LibreOffice) into
// pages of lines. Office files carry no geometry, so every word gets a
// synthetic box on a notional A4 page: downstream code that reasons on boxes
// (rows, columns, label/value pairs) works the same as on PDFs.
package office

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"

	"github.com/depenses-eclairees/depenses/internal/document"
	"github.com/depenses-eclairees/depenses/internal/intake/limits"
)

// Kind is the office format, decided by the caller from the content (see Sniff).
type Kind string

// The kinds Read accepts.
const (
	KindDOCX Kind = "docx"
	KindODT  Kind = "odt"
	KindODS  Kind = "ods"
	KindODP  Kind = "odp"
	KindXLSX Kind = "xlsx"
	KindPPTX Kind = "pptx"
	KindCSV  Kind = "csv"
	KindTXT  Kind = "txt"
	KindHTML Kind = "html"
	KindXML  Kind = "xml"
	KindDOC  Kind = "doc"
	KindXLS  Kind = "xls"
	KindPPT  Kind = "ppt"
	KindRTF  Kind = "rtf"
	// KindEncryptedOOXML is a password-protected DOCX/XLSX/PPTX: an OLE2
	// container holding an EncryptedPackage stream. Read reports ErrEncrypted.
	KindEncryptedOOXML Kind = "ooxml-encrypted"
)

// Read returns the pages of an office or text file (Source = SourceOffice)
// and French warnings. On error the pages read so far may be returned too.
func Read(ctx context.Context, data []byte, kind Kind, lim limits.Limits) (pages []document.Page, warnings []string, err error) {
	if len(data) == 0 {
		return nil, nil, document.Errorf(document.ErrEmpty, "le fichier est vide")
	}
	if lim.MaxFileBytes > 0 && int64(len(data)) > lim.MaxFileBytes {
		return nil, nil, document.Errorf(document.ErrTooLarge,
			"le fichier dépasse la taille maximale (%d octets > %d)", len(data), lim.MaxFileBytes)
	}
	if err := ctx.Err(); err != nil {
		return nil, nil, contextError(err)
	}
	defer func() {
		if r := recover(); r != nil {
			pages, err = nil, document.Errorf(document.ErrCorrupt,
				"fichier %s illisible (erreur interne du lecteur : %v): %w", kind, r,
				fmt.Errorf("panic: %v\n%s", r, debug.Stack()))
		}
	}()
	p := newPager(ctx, lim)
	switch kind {
	case KindDOCX:
		err = readDOCX(p, data)
	case KindODT, KindODS, KindODP:
		err = readODF(p, data, kind)
	case KindXLSX:
		err = readXLSX(p, data)
	case KindPPTX:
		err = readPPTX(p, data)
	case KindCSV:
		err = readCSV(p, data)
	case KindTXT:
		err = readTXT(p, data)
	case KindHTML:
		err = readHTML(p, data)
	case KindXML:
		err = readXML(p, data)
	case KindDOC, KindXLS, KindPPT, KindRTF:
		err = readLegacy(ctx, p, data, kind)
	case KindEncryptedOOXML:
		err = document.Errorf(document.ErrEncrypted, "le document est protégé par un mot de passe")
	default:
		return nil, nil, document.Errorf(document.ErrUnsupported, "format bureautique non pris en charge : %q", kind)
	}
	if errors.Is(err, errTextLimit) {
		err = nil // the warning says it; keep what was read
	}
	pages, warnings = p.finish()
	if err != nil {
		var re *document.ReadError
		if !errors.As(err, &re) {
			err = document.Errorf(document.ErrCorrupt, "fichier %s illisible : %w", kind, err)
		}
		return pages, warnings, err
	}
	return pages, warnings, nil
}

// contextError turns a cancelled or expired context into a ReadError.
func contextError(err error) error {
	if errors.Is(err, context.DeadlineExceeded) {
		return document.Errorf(document.ErrTimeout, "délai dépassé pendant la lecture du document: %w", err)
	}
	return document.Errorf(document.ErrTimeout, "lecture du document interrompue: %w", err)
}
