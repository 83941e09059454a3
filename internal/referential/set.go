package referential

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
)

//go:embed data/*.csv data/SOURCES.tsv
var embedded embed.FS

// File names, shared by the embedded data and user override folders.
const (
	FileSources     = "SOURCES.tsv"
	FileProgrammes  = "programmes.csv"
	FileGM          = "groupes_marchandises.csv"
	FileCategories  = "categories_conseil.csv"
	FileKeywords    = "mots_conseil.csv"
	FileNAF         = "naf_conseil.csv"
	FileCPV         = "cpv.csv"
	FileThresholds  = "seuils.csv"
	maxDataFileSize = 64 << 20
)

// Files lists every reference file in load order (later ones may refer to
// earlier ones: keywords and GM name categories).
var Files = []string{FileSources, FileCategories, FileKeywords, FileProgrammes, FileGM, FileNAF, FileCPV, FileThresholds}

// Source says where one file of a Set came from.
type Source struct {
	File    string // e.g. "seuils.csv"
	Path    string // "" when embedded, else the user's file
	Version string // version date from SOURCES.tsv
	Origin  string
	Licence string
	Note    string
}

// Embedded reports whether the file is the built-in default.
func (s Source) Embedded() bool { return s.Path == "" }

// Set is one loaded generation of reference data. It is read-only after
// Load and safe for concurrent use.
type Set struct {
	sources    map[string]Source
	programmes map[int]Programme
	categories []Category
	keywords   []keyword
	gm         map[string]GroupeMarchandises
	naf        map[string]NAFConseil
	cpv        map[string]CPV
	thresholds map[string][]Threshold
}

// FileError is a malformed reference file: which file, which line, what.
type FileError struct {
	File string // reference file name, e.g. "seuils.csv"
	Path string // user path, "" for the embedded file
	Line int    // 1-based physical line, 0 when the whole file is at fault
	Msg  string
}

func (e *FileError) Error() string {
	where := "fichier de référence intégré " + e.File
	if e.Path != "" {
		where = fmt.Sprintf("fichier de référence %s (%s)", e.File, e.Path)
	}
	if e.Line > 0 {
		return fmt.Sprintf("%s, ligne %d : %s", where, e.Line, e.Msg)
	}
	return where + " : " + e.Msg
}

var (
	defaultOnce sync.Once
	defaultSet  *Set
)

// Default returns the embedded reference data, parsed once. The embedded
// files are checked by the tests, so failing here is a build defect.
func Default() *Set {
	defaultOnce.Do(func() {
		s, err := Load("")
		if err != nil {
			panic("referential: données intégrées invalides : " + err.Error())
		}
		defaultSet = s
	})
	return defaultSet
}

// Load reads the embedded files, replacing each one that also exists in dir
// (when dir is not empty) by the user's version. Files in dir with other
// names are ignored; a user file that does not parse is an error.
func Load(dir string) (*Set, error) {
	if dir != "" {
		st, err := os.Stat(dir)
		if err != nil {
			return nil, fmt.Errorf("dossier de référentiels %s illisible : %w", dir, err)
		}
		if !st.IsDir() {
			return nil, fmt.Errorf("%s n'est pas un dossier de référentiels", dir)
		}
	}
	s := &Set{sources: map[string]Source{}}
	builtin, err := parseSourcesFile("", mustEmbedded(FileSources))
	if err != nil {
		return nil, err
	}
	user := map[string]Source{}
	for _, name := range Files {
		data, path, err := openFile(dir, name)
		if err != nil {
			return nil, err
		}
		if name == FileSources {
			if path != "" {
				if user, err = parseSourcesFile(path, data); err != nil {
					return nil, err
				}
			}
			s.sources[name] = Source{File: name, Path: path}
			continue
		}
		if err := s.parse(name, path, data); err != nil {
			return nil, err
		}
		// A user file is described by the user's SOURCES.tsv or not at
		// all: the embedded description would claim a version it lacks.
		src := builtin[name]
		if path != "" {
			src = Source{Origin: "fichier utilisateur"}
			if u, found := user[name]; found {
				src = u
			}
		}
		src.File, src.Path = name, path
		s.sources[name] = src
	}
	return s, nil
}

func mustEmbedded(name string) []byte {
	data, err := embedded.ReadFile("data/" + name)
	if err != nil {
		return nil
	}
	return data
}

// openFile returns the user's file when there is one, else the embedded one.
func openFile(dir, name string) ([]byte, string, error) {
	if dir != "" {
		path := filepath.Join(dir, name)
		f, err := os.Open(path)
		switch {
		case err == nil:
			defer f.Close()
			data, err := io.ReadAll(io.LimitReader(f, maxDataFileSize+1))
			if err != nil {
				return nil, "", &FileError{File: name, Path: path, Msg: "lecture impossible : " + err.Error()}
			}
			if len(data) > maxDataFileSize {
				return nil, "", &FileError{File: name, Path: path, Msg: fmt.Sprintf("fichier de plus de %d Mo", maxDataFileSize>>20)}
			}
			return data, path, nil
		case !errors.Is(err, fs.ErrNotExist):
			return nil, "", &FileError{File: name, Path: path, Msg: "ouverture impossible : " + err.Error()}
		}
	}
	data, err := embedded.ReadFile("data/" + name)
	if err != nil {
		return nil, "", &FileError{File: name, Msg: "absent des données intégrées"}
	}
	return data, "", nil
}

func (s *Set) parse(name, path string, data []byte) error {
	t := &table{file: name, path: path}
	switch name {
	case FileCategories:
		return s.parseCategories(t, data)
	case FileKeywords:
		return s.parseKeywords(t, data)
	case FileProgrammes:
		return s.parseProgrammes(t, data)
	case FileGM:
		return s.parseGM(t, data)
	case FileNAF:
		return s.parseNAF(t, data)
	case FileCPV:
		return s.parseCPV(t, data)
	case FileThresholds:
		return s.parseThresholds(t, data)
	}
	return &FileError{File: name, Path: path, Msg: "fichier de référence inconnu"}
}

// Sources returns where each file of the set came from, in load order.
func (s *Set) Sources() []Source {
	out := make([]Source, 0, len(Files))
	for _, name := range Files {
		out = append(out, s.sources[name])
	}
	return out
}

// parseSourcesFile reads SOURCES.tsv (tab-separated): file, version,
// origin, licence and an optional note.
func parseSourcesFile(path string, data []byte) (map[string]Source, error) {
	out := map[string]Source{}
	t := &table{file: FileSources, path: path}
	err := t.each(data, '\t', []string{"file", "version", "origin", "licence"}, []string{"note"}, func(r row) error {
		file := r.get("file")
		if file == "" {
			return fmt.Errorf("nom de fichier vide")
		}
		if _, dup := out[file]; dup {
			return fmt.Errorf("fichier %s décrit deux fois", file)
		}
		out[file] = Source{File: file, Version: r.get("version"), Origin: r.get("origin"), Licence: r.get("licence"), Note: r.get("note")}
		return nil
	})
	return out, err
}

// table reads one `;` (or tab) separated reference file with a header row.
type table struct {
	file, path string
}

// row gives a record's fields by column name.
type row struct {
	cols   map[string]int
	fields []string
	line   int
}

func (r row) get(col string) string {
	i, ok := r.cols[col]
	if !ok || i >= len(r.fields) {
		return ""
	}
	return strings.TrimSpace(r.fields[i])
}

func (t *table) errorf(line int, format string, args ...any) *FileError {
	return &FileError{File: t.file, Path: t.path, Line: line, Msg: fmt.Sprintf(format, args...)}
}

// each checks the header (required columns present, no duplicate, no
// unknown column) and calls fn per data row; fn's error gets the line.
func (t *table) each(data []byte, sep byte, required, optional []string, fn func(row) error) error {
	sc := newRecordScanner(bytes.NewReader(data), sep)
	header, err := sc.next()
	if err == io.EOF {
		return t.errorf(0, "fichier vide : la ligne d'en-tête manque")
	}
	if err != nil {
		return t.errorf(sc.start, "%v", err)
	}
	known := map[string]bool{}
	for _, c := range required {
		known[c] = true
	}
	for _, c := range optional {
		known[c] = true
	}
	cols := map[string]int{}
	for i, h := range header {
		h = strings.TrimSpace(strings.TrimPrefix(h, "\uFEFF"))
		if !known[h] {
			return t.errorf(sc.start, "colonne %q inconnue (colonnes attendues : %s)", h, strings.Join(append(append([]string{}, required...), optional...), ", "))
		}
		if _, dup := cols[h]; dup {
			return t.errorf(sc.start, "colonne %q en double", h)
		}
		cols[h] = i
	}
	var missing []string
	for _, c := range required {
		if _, ok := cols[c]; !ok {
			missing = append(missing, c)
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		return t.errorf(sc.start, "colonne(s) manquante(s) dans l'en-tête : %s", strings.Join(missing, ", "))
	}
	for {
		fields, err := sc.next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return t.errorf(sc.start, "%v", err)
		}
		if len(fields) != len(header) {
			return t.errorf(sc.start, "%d champs au lieu de %d (séparateur %q)", len(fields), len(header), string(sep))
		}
		if err := fn(row{cols: cols, fields: fields, line: sc.start}); err != nil {
			var fe *FileError
			if errors.As(err, &fe) {
				return fe
			}
			return t.errorf(sc.start, "%v", err)
		}
	}
}
