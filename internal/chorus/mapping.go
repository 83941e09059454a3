package chorus

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"
)

// maxMappingBytes bounds a mapping file: a few hundred lines at most.
const maxMappingBytes = 1 << 20

// LoadMapping reads a user mapping file: one "colonne;champ" line per
// extract header (',' or tab also accepted), where champ is a canonical
// column name of DOMAIN.md §1.4 (e) (or centre_financier_libelle,
// referentiel_programmation, montant_engage, designation,
// libelle_accord_cadre, or "ignorer"). A first line "colonne;champ", blank
// lines and lines starting with '#' are skipped.
func LoadMapping(path string) (map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("fichier de correspondance %s illisible : %w", path, err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxMappingBytes+1))
	if err != nil {
		return nil, fmt.Errorf("fichier de correspondance %s illisible : %w", path, err)
	}
	if len(data) > maxMappingBytes {
		return nil, fmt.Errorf("fichier de correspondance %s trop volumineux (plus de 1 Mio)", path)
	}
	m, err := parseMapping(data)
	if err != nil {
		return nil, fmt.Errorf("fichier de correspondance %s : %w", path, err)
	}
	return m, nil
}

func parseMapping(data []byte) (map[string]string, error) {
	data = bytes.TrimPrefix(data, utf8BOM)
	sep := byte(';')
	first, _, _ := bytes.Cut(data, []byte("\n"))
	if !bytes.ContainsRune(first, ';') {
		if bytes.ContainsRune(first, '\t') {
			sep = '\t'
		} else if bytes.ContainsRune(first, ',') {
			sep = ','
		}
	}
	cr := newRecordReader(bufio.NewReader(bytes.NewReader(data)), sep)
	out := make(map[string]string)
	seen := make(map[string]int)
	for {
		rec, err := cr.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		fields := make([]string, 0, len(rec.fields))
		for _, f := range rec.fields {
			fields = append(fields, strings.TrimSpace(decodeField(f)))
		}
		for len(fields) > 0 && fields[len(fields)-1] == "" {
			fields = fields[:len(fields)-1]
		}
		if len(fields) == 0 || strings.HasPrefix(fields[0], "#") {
			continue
		}
		if len(fields) != 2 || fields[0] == "" {
			return nil, fmt.Errorf("ligne %d : deux valeurs attendues, « colonne;champ »", rec.line)
		}
		if len(out) == 0 && normHeader(fields[0]) == "colonne" && normHeader(fields[1]) == "champ" {
			continue
		}
		if _, ok := fieldNames[strings.ToLower(fields[1])]; !ok {
			return nil, fmt.Errorf("ligne %d : champ « %s » inconnu (attendu : un nom de colonne canonique comme num_ej, montant_engage_ht, ou « ignorer »)", rec.line, fields[1])
		}
		key := normHeader(fields[0])
		if key == "" {
			return nil, fmt.Errorf("ligne %d : nom de colonne « %s » vide une fois normalisé", rec.line, fields[0])
		}
		if l, dup := seen[key]; dup {
			return nil, fmt.Errorf("ligne %d : colonne « %s » déjà définie ligne %d", rec.line, fields[0], l)
		}
		seen[key] = rec.line
		out[fields[0]] = strings.ToLower(fields[1])
	}
	return out, nil
}

// compileMapping turns Options.Mapping into normalised header → field.
func compileMapping(m map[string]string) (map[string]field, error) {
	if len(m) == 0 {
		return nil, nil
	}
	out := make(map[string]field, len(m))
	for col, name := range m {
		f, ok := fieldNames[strings.ToLower(strings.TrimSpace(name))]
		if !ok {
			return nil, fmt.Errorf("correspondance de colonnes : champ « %s » inconnu pour la colonne « %s »", name, col)
		}
		key := normHeader(col)
		if key == "" {
			return nil, fmt.Errorf("correspondance de colonnes : nom de colonne « %s » vide une fois normalisé", col)
		}
		out[key] = f
	}
	return out, nil
}

// columns is what the header row says about each column of the data rows.
type columns struct {
	fields   []field // per column index; fNone for unknown or empty headers
	family   string
	hasPoste bool
	depenses string // header of the ODA spending column, when present
	unknown  []string
	notes    []string // duplicate columns and such, for Extract.Warnings
}

// layoutColumns maps a recognised header row to fields. A second column for
// a field already taken is the label of a restitution dimension when the
// dimension has one, else it is ignored with a note.
func layoutColumns(header []string, mapping map[string]field) columns {
	c := columns{fields: make([]field, len(header))}
	var famCount [4]int
	mapped := 0
	taken := make(map[field]string)
	for i, h := range header {
		h = strings.TrimSpace(h)
		if h == "" {
			continue
		}
		rh, ok := resolveHeader(h, mapping)
		if !ok {
			c.unknown = append(c.unknown, h)
			continue
		}
		if rh.mapped {
			mapped++
		}
		for k := range famCount {
			if rh.families&(1<<k) != 0 {
				famCount[k]++
			}
		}
		f := rh.field
		if prev, dup := taken[f]; dup && f != fIgnored {
			if lf, has := labelOf[f]; has && !rh.label {
				if _, labelTaken := taken[lf]; !labelTaken {
					f = lf
				} else {
					f = fIgnored
				}
			} else {
				f = fIgnored
			}
			if f == fIgnored {
				c.notes = append(c.notes, fmt.Sprintf("colonne « %s » : même champ (%s) que la colonne « %s », ignorée", h, nameOf[rh.field], prev))
			}
		}
		if f != fIgnored {
			taken[f] = h
		}
		c.fields[i] = f
		switch f {
		case fPoste:
			c.hasPoste = true
		case fDepenses:
			c.depenses = h
		}
	}
	best, bestN := "", 0
	for k, n := range famCount {
		if n > bestN {
			best, bestN = familyOrder[k], n
		}
	}
	if mapped > bestN || best == "" {
		best = famMapping
	}
	c.family = best
	return c
}
