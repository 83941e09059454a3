package office

import (
	"bytes"
	"errors"
	"regexp"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/depenses-eclairees/depenses/internal/document"
)

// xmlInMemory is the largest worksheet excelize keeps in memory; larger
// ones are spilled to a temporary file and streamed from there.
const xmlInMemory = 16 << 20

// readXLSX reads every sheet of a workbook, one page per sheet, one line
// per non-empty row, values formatted as the spreadsheet displays them.
func readXLSX(p *pager, data []byte) error {
	z, err := openZip(data, p.lim, "XLSX")
	if err != nil {
		return err
	}
	// excelize inflates every member: check them all first.
	if err := z.checkAll(); err != nil {
		return err
	}
	if z.lookup("EncryptedPackage") != nil {
		return document.Errorf(document.ErrEncrypted, "le classeur est protégé par un mot de passe")
	}
	unzipLimit := p.lim.MaxExpanded
	if unzipLimit <= 0 {
		unzipLimit = 1 << 34
	}
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{
		UnzipSizeLimit:    unzipLimit,
		UnzipXMLSizeLimit: min(unzipLimit, xmlInMemory),
		ShortDatePattern:  "dd/mm/yyyy",
		LongDatePattern:   "dddd d mmmm yyyy",
		LongTimePattern:   "hh:mm:ss",
	})
	if err != nil {
		if errors.Is(err, excelize.ErrWorkbookFileFormat) || strings.Contains(err.Error(), "zip") {
			return document.Errorf(document.ErrCorrupt, "classeur XLSX illisible : %w", err)
		}
		if strings.Contains(strings.ToLower(err.Error()), "password") || strings.Contains(err.Error(), "encrypt") {
			return document.Errorf(document.ErrEncrypted, "le classeur est protégé par un mot de passe : %w", err)
		}
		if strings.Contains(err.Error(), "unzip size") {
			return document.Errorf(document.ErrArchive, "archive hors limites : %w", err)
		}
		return document.Errorf(document.ErrCorrupt, "classeur XLSX illisible : %w", err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return document.Errorf(document.ErrCorrupt, "le classeur XLSX ne contient aucune feuille")
	}
	for _, name := range sheets {
		if err := p.newPage(); err != nil {
			return err
		}
		if err := p.line("Feuille : " + name); err != nil {
			return err
		}
		if err := readSheet(p, f, name); err != nil {
			if !isRecoverable(err) {
				return err
			}
			p.warn("feuille %q partiellement lue : %v", name, err)
		}
	}
	return nil
}

func readSheet(p *pager, f *excelize.File, name string) error {
	rows, err := f.Rows(name)
	if err != nil {
		return document.Errorf(document.ErrCorrupt, "feuille %q illisible : %w", name, err)
	}
	defer rows.Close()
	// A second iterator, in step, gives the raw values: a cell whose shown
	// value differs from its raw number was formatted, in excelize's
	// en-US conventions, and is shown back with French separators.
	raw, err := f.Rows(name)
	if err != nil {
		raw = nil
	} else {
		defer raw.Close()
	}
	var buf [][]cell
	flush := func() error {
		for _, l := range layoutRows(buf) {
			if err := p.line(l); err != nil {
				return err
			}
		}
		buf = buf[:0]
		return nil
	}
	for rows.Next() {
		if err := p.check(); err != nil {
			return err
		}
		cols, err := rows.Columns()
		if err != nil {
			_ = flush()
			return document.Errorf(document.ErrCorrupt, "feuille %q illisible : %w", name, err)
		}
		var rawCols []string
		if raw != nil && raw.Next() {
			rawCols, _ = raw.Columns(excelize.Options{RawCellValue: true})
		}
		var row []cell
		for i, v := range cols {
			if i < len(rawCols) && rawCols[i] != v {
				v = frenchNumber(v, rawCols[i])
			}
			if v = cellText(v); v != "" {
				row = append(row, cell{col: min(i, maxColumns), text: v})
			}
		}
		if len(row) == 0 {
			continue // empty rows say nothing
		}
		buf = append(buf, row)
		if len(buf) >= tableChunkRows {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if err := flush(); err != nil {
		return err
	}
	if err := rows.Error(); err != nil {
		return document.Errorf(document.ErrCorrupt, "feuille %q illisible : %w", name, err)
	}
	return nil
}

// enUSNumber is a number as excelize formats it: 1,234.50
var enUSNumber = regexp.MustCompile(`^([^0-9]*?)(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?([^0-9]*)$`)

// frenchNumber rewrites a formatted number (raw is its unformatted value)
// with French separators, as a French spreadsheet shows it: 1 234,50.
// Anything else (dates, text) is returned as is.
func frenchNumber(shown, raw string) string {
	if _, err := strconv.ParseFloat(raw, 64); err != nil {
		return shown
	}
	m := enUSNumber.FindStringSubmatch(shown)
	if m == nil {
		return shown
	}
	intPart := strings.ReplaceAll(m[2], ",", " ")
	frac := strings.Replace(m[3], ".", ",", 1)
	return m[1] + intPart + frac + m[4]
}
