package referential

import (
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// FileAnomalyParams holds the parameters of the anomaly rules. It lives
// outside data/ because Load reads every file of data/ it knows, and this
// one is loaded on its own (LoadAnomalyParams).
const FileAnomalyParams = "parametres_anomalies.csv"

//go:embed parametres/parametres_anomalies.csv
var embeddedParams embed.FS

// Units of parametres_anomalies.csv. Numeric units parse as numbers at
// load time; "texte" and "code_seuil" stay text ("code_seuil" must name a
// threshold of seuils.csv, checked by the rules that use it).
var paramUnits = map[string]bool{
	"ratio": true, "EUR": true, "jours": true, "nombre": true, "pourcent": true, "log10": true,
	"texte": false, "code_seuil": false,
}

// AnomalyParam is one dated value of a rule parameter.
type AnomalyParam struct {
	Code   string // e.g. "fractionnement.bande_sous_seuil"
	Text   string // the value as written
	Number float64
	Unit   string
	From   time.Time
	Until  time.Time // last day in force; zero while in force
	Source string
	line   int
}

// Numeric reports whether the parameter's unit is a number.
func (p AnomalyParam) Numeric() bool { return paramUnits[p.Unit] }

// Fields splits a text value into its space-separated items.
func (p AnomalyParam) Fields() []string { return strings.Fields(p.Text) }

// InForce reports whether the value applies on that calendar day.
func (p AnomalyParam) InForce(on time.Time) bool {
	d := day(on)
	return !d.Before(p.From) && (p.Until.IsZero() || !d.After(p.Until))
}

// AnomalyParams is the loaded parameter table, read-only after loading.
type AnomalyParams struct {
	byCode map[string][]AnomalyParam
	Source Source
}

var (
	defaultParamsOnce sync.Once
	defaultParams     *AnomalyParams
)

// DefaultAnomalyParams returns the embedded parameters, parsed once; the
// tests check the embedded file, so a failure here is a build defect.
func DefaultAnomalyParams() *AnomalyParams {
	defaultParamsOnce.Do(func() {
		p, err := LoadAnomalyParams("")
		if err != nil {
			panic("referential: paramètres d'anomalie intégrés invalides : " + err.Error())
		}
		defaultParams = p
	})
	return defaultParams
}

// LoadAnomalyParams reads the embedded parameters, or the user's file of
// the same name in dir when there is one (as Load does for the other files).
func LoadAnomalyParams(dir string) (*AnomalyParams, error) {
	if dir != "" {
		path := filepath.Join(dir, FileAnomalyParams)
		f, err := os.Open(path)
		switch {
		case err == nil:
			defer f.Close()
			data, err := io.ReadAll(io.LimitReader(f, maxDataFileSize+1))
			if err != nil {
				return nil, &FileError{File: FileAnomalyParams, Path: path, Msg: "lecture impossible : " + err.Error()}
			}
			if len(data) > maxDataFileSize {
				return nil, &FileError{File: FileAnomalyParams, Path: path, Msg: fmt.Sprintf("fichier de plus de %d Mo", maxDataFileSize>>20)}
			}
			p, err := ParseAnomalyParams(path, data)
			if err != nil {
				return nil, err
			}
			p.Source = Source{File: FileAnomalyParams, Path: path, Origin: "fichier utilisateur"}
			return p, nil
		case !errors.Is(err, fs.ErrNotExist):
			return nil, &FileError{File: FileAnomalyParams, Path: path, Msg: "ouverture impossible : " + err.Error()}
		}
	}
	data, err := embeddedParams.ReadFile("parametres/" + FileAnomalyParams)
	if err != nil {
		return nil, &FileError{File: FileAnomalyParams, Msg: "absent des données intégrées"}
	}
	p, err := ParseAnomalyParams("", data)
	if err != nil {
		return nil, err
	}
	if srcs, err := parseSourcesFile("", mustEmbedded(FileSources)); err == nil {
		p.Source = srcs[FileAnomalyParams]
	}
	p.Source.File = FileAnomalyParams
	return p, nil
}

// ParseAnomalyParams reads a parametres_anomalies.csv file (path names it
// in errors, "" for the embedded one): code;valeur;unite;depuis;jusqu_a;source,
// one dated value per row, periods of a code not overlapping.
func ParseAnomalyParams(path string, data []byte) (*AnomalyParams, error) {
	p := &AnomalyParams{byCode: map[string][]AnomalyParam{}}
	t := &table{file: FileAnomalyParams, path: path}
	err := t.each(data, ';', []string{"code", "valeur", "unite", "depuis", "jusqu_a", "source"}, nil, func(r row) error {
		v := AnomalyParam{Code: r.get("code"), Text: r.get("valeur"), Unit: r.get("unite"), Source: r.get("source"), line: r.line}
		if v.Code == "" || v.Text == "" {
			return fmt.Errorf("code ou valeur vide")
		}
		numeric, known := paramUnits[v.Unit]
		if !known {
			return fmt.Errorf("unité %q inconnue pour %s (attendu : %s)", v.Unit, v.Code, strings.Join(unitNames(), ", "))
		}
		if numeric {
			n, err := strconv.ParseFloat(strings.ReplaceAll(v.Text, ",", "."), 64)
			if err != nil || n != n || n < 0 || n > 1e12 {
				return fmt.Errorf("valeur %q invalide pour %s (attendu : un nombre positif)", v.Text, v.Code)
			}
			v.Number = n
		}
		var err error
		if v.From, err = time.Parse(time.DateOnly, r.get("depuis")); err != nil {
			return fmt.Errorf("date depuis %q invalide pour %s (attendu : AAAA-MM-JJ)", r.get("depuis"), v.Code)
		}
		if u := r.get("jusqu_a"); u != "" {
			if v.Until, err = time.Parse(time.DateOnly, u); err != nil {
				return fmt.Errorf("date jusqu_a %q invalide pour %s (attendu : AAAA-MM-JJ ou vide)", u, v.Code)
			}
			if v.Until.Before(v.From) {
				return fmt.Errorf("période vide pour %s : jusqu_a %s avant depuis %s", v.Code, u, r.get("depuis"))
			}
		}
		p.byCode[v.Code] = append(p.byCode[v.Code], v)
		return nil
	})
	if err != nil {
		return nil, err
	}
	for code, vs := range p.byCode {
		sort.Slice(vs, func(i, j int) bool { return vs[i].From.Before(vs[j].From) })
		for i := 1; i < len(vs); i++ {
			if vs[i-1].Until.IsZero() || !vs[i-1].Until.Before(vs[i].From) {
				return nil, t.errorf(vs[i].line, "périodes qui se chevauchent pour %s : la valeur depuis %s commence avant la fin de celle depuis %s", code, vs[i].From.Format(time.DateOnly), vs[i-1].From.Format(time.DateOnly))
			}
			if vs[i].Unit != vs[0].Unit {
				return nil, t.errorf(vs[i].line, "le paramètre %s change d'unité d'une période à l'autre", code)
			}
		}
	}
	return p, nil
}

func unitNames() []string {
	out := make([]string, 0, len(paramUnits))
	for u := range paramUnits {
		out = append(out, u)
	}
	sort.Strings(out)
	return out
}

// Param returns the value of code in force on that date.
func (p *AnomalyParams) Param(code string, on time.Time) (AnomalyParam, bool) {
	for _, v := range p.byCode[code] {
		if v.InForce(on) {
			return v, true
		}
	}
	return AnomalyParam{}, false
}

// Codes returns the parameter codes, sorted.
func (p *AnomalyParams) Codes() []string {
	out := make([]string, 0, len(p.byCode))
	for c := range p.byCode {
		out = append(out, c)
	}
	sort.Strings(out)
	return out
}
