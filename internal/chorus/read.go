package chorus

import (
	"archive/zip"
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

const (
	// DefaultMaxBytes bounds the size of an extract.
	DefaultMaxBytes int64 = 2 << 30
	// DefaultMaxRows bounds the number of data rows of an extract.
	DefaultMaxRows = 5_000_000

	sniffBytes = 256 << 10
)

// Options tune Read. Zero values take the defaults.
type Options struct {
	// Mapping adds or overrides header names: extract header → canonical
	// column name (see LoadMapping).
	Mapping  map[string]string
	MaxBytes int64
	MaxRows  int
}

func (o Options) withDefaults() Options {
	if o.MaxBytes <= 0 {
		o.MaxBytes = DefaultMaxBytes
	}
	if o.MaxRows <= 0 {
		o.MaxRows = DefaultMaxRows
	}
	return o
}

var errTooLarge = errors.New("trop volumineux")

// limitedReader fails once more than max bytes have been read.
type limitedReader struct {
	r   io.Reader
	n   int64
	max int64
}

func (l *limitedReader) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	l.n += int64(n)
	if l.n > l.max {
		return n, errTooLarge
	}
	return n, err
}

func tooLargeError(name string, max int64) error {
	return fmt.Errorf("%s : fichier trop volumineux (plus de %d octets)", name, max)
}

// ReadFile reads a Chorus extract (CSV or XLSX) from a file.
func ReadFile(path string, opt Options) (*Extract, error) {
	opt = opt.withDefaults()
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("%s : ouverture impossible : %w", path, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("%s : lecture impossible : %w", path, err)
	}
	if st.IsDir() {
		return nil, fmt.Errorf("%s : c'est un dossier, pas un fichier", path)
	}
	if st.Size() > opt.MaxBytes {
		return nil, tooLargeError(path, opt.MaxBytes)
	}
	var magic [4]byte
	n, _ := io.ReadFull(f, magic[:])
	if n == 4 && string(magic[:]) == "PK\x03\x04" {
		mapping, err := compileMapping(opt.Mapping)
		if err != nil {
			return nil, err
		}
		return readXLSXFile(path, path, opt, mapping)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, fmt.Errorf("%s : lecture impossible : %w", path, err)
	}
	return Read(f, path, opt)
}

// Read reads a Chorus extract (CSV or XLSX, told apart by content) named
// name (for messages). The error is for a file that cannot be read at all;
// row-level problems are in Extract.Rejects and Extract.Warnings.
func Read(r io.Reader, name string, opt Options) (*Extract, error) {
	opt = opt.withDefaults()
	mapping, err := compileMapping(opt.Mapping)
	if err != nil {
		return nil, err
	}
	lr := &limitedReader{r: r, max: opt.MaxBytes}
	br := bufio.NewReaderSize(lr, sniffBytes)
	prefix, err := br.Peek(sniffBytes)
	if err != nil && err != io.EOF {
		if errors.Is(err, errTooLarge) {
			return nil, tooLargeError(name, opt.MaxBytes)
		}
		return nil, fmt.Errorf("%s : lecture impossible : %w", name, err)
	}
	if len(bytes.TrimSpace(prefix)) == 0 {
		return nil, fmt.Errorf("%s : fichier vide", name)
	}
	switch {
	case bytes.HasPrefix(prefix, []byte("PK\x03\x04")):
		return spoolXLSX(br, name, opt, mapping)
	case bytes.HasPrefix(prefix, []byte{0xD0, 0xCF, 0x11, 0xE0}):
		return nil, fmt.Errorf("%s : classeur Excel 97-2003 (XLS) ou document Office ancien format, non pris en charge : l'enregistrer en XLSX ou en CSV", name)
	case bytes.HasPrefix(prefix, []byte("%PDF")):
		return nil, fmt.Errorf("%s : document PDF, pas un extrait Chorus (CSV ou XLSX attendu)", name)
	case bytes.HasPrefix(prefix, []byte{0xFF, 0xFE}), bytes.HasPrefix(prefix, []byte{0xFE, 0xFF}):
		dec := unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder()
		br = bufio.NewReaderSize(transform.NewReader(br, dec), sniffBytes)
		return readCSV(br, name, opt, mapping)
	}
	if looksBinary(prefix) {
		return nil, fmt.Errorf("%s : contenu binaire, ni CSV ni XLSX", name)
	}
	if bytes.HasPrefix(prefix, utf8BOM) {
		_, _ = br.Discard(len(utf8BOM))
		return readCSV(br, name, opt, mapping)
	}
	return readCSV(br, name, opt, mapping)
}

// looksBinary reports NUL bytes or many control characters.
func looksBinary(b []byte) bool {
	ctl := 0
	for _, c := range b {
		switch {
		case c == 0:
			return true
		case c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f':
			ctl++
		}
	}
	return ctl*100 > len(b)
}

func noHeaderError(name string) error {
	return fmt.Errorf("%s : aucune ligne d'en-tête reconnue parmi les %d premières lignes (il faut la colonne du numéro d'EJ et au moins une autre colonne connue) ; nommer les colonnes dans un fichier de correspondance « colonne;champ »", name, maxHeaderSearch)
}

func readCSV(br *bufio.Reader, name string, opt Options, mapping map[string]field) (*Extract, error) {
	prefix, err := br.Peek(sniffBytes)
	if err != nil && err != io.EOF {
		if errors.Is(err, errTooLarge) {
			return nil, tooLargeError(name, opt.MaxBytes)
		}
		return nil, fmt.Errorf("%s : lecture impossible : %w", name, err)
	}
	sep, headerIndex := sniffSeparator(prefix, mapping)
	if headerIndex < 0 {
		return nil, noHeaderError(name)
	}
	rr := newRecordReader(br, sep)
	b := newBuilder(opt.MaxRows)
	b.strictWidth = true
	var sawUTF8, saw1252 bool
	decode := func(fields []string) {
		for i, f := range fields {
			if isASCII(f) {
				continue
			}
			if utf8.ValidString(f) {
				sawUTF8 = true
				continue
			}
			saw1252 = true
			fields[i] = decodeField(f)
		}
	}
	readErr := func(err error) error {
		if errors.Is(err, errTooLarge) {
			return tooLargeError(name, opt.MaxBytes)
		}
		return fmt.Errorf("%s : lecture interrompue : %w", name, err)
	}
	for i := 0; ; i++ {
		rec, err := rr.next()
		if err == io.EOF {
			return nil, noHeaderError(name)
		}
		if err != nil {
			return nil, readErr(err)
		}
		if i == headerIndex {
			decode(rec.fields)
			b.cols = layoutColumns(rec.fields, mapping)
			break
		}
	}
	b.pointDecimal = b.cols.family == famCanonique
	for {
		rec, err := rr.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, readErr(err)
		}
		decode(rec.fields)
		err = b.add(row{fields: rec.fields, line: rec.line, longField: rec.longField, tooMany: rec.tooMany, unterm: rec.unterminated, lastLine: rec.lastLine})
		if err != nil {
			return nil, fmt.Errorf("%s : plus de %d lignes de données, limite atteinte", name, opt.MaxRows)
		}
	}
	ex := b.ex
	ex.Format = b.cols.family
	ex.UnknownColumns = b.cols.unknown
	ex.Warnings = append(ex.Warnings, b.cols.notes...)
	if sawUTF8 && saw1252 {
		ex.Warnings = append(ex.Warnings, "le fichier mélange UTF-8 et Windows-1252 : chaque champ a été lu dans son encodage")
	}
	b.finish(b.cols)
	return ex, nil
}

// finish adds the table-level warnings and the counted row warnings.
func (b *builder) finish(cols ...columns) {
	for _, c := range cols {
		if c.depenses != "" {
			b.ex.Warnings = append(b.ex.Warnings, fmt.Sprintf("colonne « %s » : ce sont des dépenses (paiements) de l'année, pas des montants engagés ; elles sont lues comme montant engagé (montant_engage) faute de mieux", c.depenses))
		}
	}
	if b.ex.Rows == 0 {
		b.ex.Warnings = append(b.ex.Warnings, "aucune ligne de données après la ligne d'en-tête")
	}
	b.ex.Warnings = append(b.ex.Warnings, b.warn.flush()...)
	if b.ex.EJs == nil {
		b.ex.EJs = []EJ{}
	}
	if b.ex.Rejects == nil {
		b.ex.Rejects = []Reject{}
	}
}

// spoolXLSX copies a zip stream to a temporary file so that the workbook is
// read from disk (excelize would otherwise hold a second copy in memory).
func spoolXLSX(br *bufio.Reader, name string, opt Options, mapping map[string]field) (*Extract, error) {
	tmp, err := os.CreateTemp("", "chorus-*.xlsx")
	if err != nil {
		return nil, fmt.Errorf("%s : fichier temporaire impossible : %w", name, err)
	}
	defer os.Remove(tmp.Name())
	_, err = io.Copy(tmp, br)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		if errors.Is(err, errTooLarge) {
			return nil, tooLargeError(name, opt.MaxBytes)
		}
		return nil, fmt.Errorf("%s : lecture impossible : %w", name, err)
	}
	return readXLSXFile(tmp.Name(), name, opt, mapping)
}

// checkWorkbook tells an XLSX from another zip before excelize reads it.
func checkWorkbook(path, name string) error {
	zr, err := zip.OpenReader(path)
	if err != nil {
		return fmt.Errorf("%s : archive ZIP illisible (%v)", name, err)
	}
	defer zr.Close()
	for _, f := range zr.File {
		if strings.EqualFold(strings.ReplaceAll(f.Name, "\\", "/"), "xl/workbook.xml") {
			return nil
		}
	}
	return fmt.Errorf("%s : archive ZIP qui n'est pas un classeur XLSX (xl/workbook.xml absent)", name)
}

func readXLSXFile(path, name string, opt Options, mapping map[string]field) (*Extract, error) {
	if err := checkWorkbook(path, name); err != nil {
		return nil, err
	}
	// Bound the unzipped size: a compressed sheet is rarely 20 times smaller.
	unzipLimit := opt.MaxBytes * 20
	if unzipLimit > 16<<30 || unzipLimit < 0 {
		unzipLimit = 16 << 30
	}
	xmlLimit := min(int64(excelize.StreamChunkSize), unzipLimit)
	f, err := excelize.OpenFile(path, excelize.Options{RawCellValue: true, UnzipSizeLimit: unzipLimit, UnzipXMLSizeLimit: xmlLimit})
	if err != nil {
		return nil, fmt.Errorf("%s : classeur XLSX illisible (%v)", name, err)
	}
	defer f.Close()
	date1904 := false
	if props, err := f.GetWorkbookProps(); err == nil && props.Date1904 != nil {
		date1904 = *props.Date1904
	}

	type sheetHeader struct {
		name  string
		index int
		cols  columns
	}
	var found []sheetHeader
	var skipped []string
	for _, sheet := range f.GetSheetList() {
		rows, err := f.Rows(sheet)
		if err != nil {
			skipped = append(skipped, sheet)
			continue
		}
		var sample [][]string
		for len(sample) < maxHeaderSearch && rows.Next() {
			cells, err := rows.Columns(excelize.Options{RawCellValue: true})
			if err != nil {
				break
			}
			sample = append(sample, cells)
		}
		_ = rows.Close()
		if idx, _ := findHeader(sample, mapping); idx >= 0 {
			found = append(found, sheetHeader{sheet, idx, layoutColumns(sample[idx], mapping)})
		} else if len(sample) > 0 {
			skipped = append(skipped, sheet)
		}
	}
	if len(found) == 0 {
		return nil, noHeaderError(name)
	}

	b := newBuilder(opt.MaxRows)
	b.xlsx, b.pointDecimal, b.date1904 = true, true, date1904
	ex := b.ex
	ex.Format = found[0].cols.family
	var allCols []columns
	seenUnknown := make(map[string]bool)
	for _, sh := range found {
		if len(found) > 1 {
			b.where = "feuille « " + sh.name + " », "
		}
		for _, u := range sh.cols.unknown {
			if !seenUnknown[u] {
				seenUnknown[u] = true
				ex.UnknownColumns = append(ex.UnknownColumns, u)
			}
		}
		for _, n := range sh.cols.notes {
			ex.Warnings = append(ex.Warnings, b.where+n)
		}
		if sh.cols.family != ex.Format {
			ex.Warnings = append(ex.Warnings, fmt.Sprintf("feuille « %s » : en-tête de type %s, différent de la première feuille (%s)", sh.name, sh.cols.family, ex.Format))
		}
		b.cols = sh.cols
		allCols = append(allCols, sh.cols)
		if err := b.readSheet(f, sh.name, sh.index); err != nil {
			if errors.Is(err, errTooManyRows) {
				return nil, fmt.Errorf("%s : plus de %d lignes de données, limite atteinte", name, opt.MaxRows)
			}
			return nil, fmt.Errorf("%s : feuille « %s » illisible (%v)", name, sh.name, err)
		}
	}
	if len(skipped) > 0 {
		ex.Warnings = append(ex.Warnings, fmt.Sprintf("feuilles sans en-tête reconnu, ignorées : « %s »", strings.Join(skipped, " », « ")))
	}
	b.finish(allCols...)
	return ex, nil
}

// readSheet streams the data rows of a sheet whose header is on row
// headerIndex+1.
func (b *builder) readSheet(f *excelize.File, sheet string, headerIndex int) error {
	rows, err := f.Rows(sheet)
	if err != nil {
		return err
	}
	defer rows.Close()
	line := 0
	for rows.Next() {
		line++
		cells, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return err
		}
		if line <= headerIndex+1 {
			continue
		}
		r := row{fields: cells, line: line, tooMany: len(cells) > maxRecordFields}
		for i, c := range cells {
			if len(c) > maxFieldBytes {
				r.longField = i + 1
				break
			}
		}
		if err := b.add(r); err != nil {
			return err
		}
	}
	return rows.Error()
}
