package eval

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/depenses-eclairees/depenses/internal/document"
)

// Gold is one document's expected type and printed fields.
type Gold struct {
	DocumentType string         `json:"document_type"`
	Fields       map[string]any `json:"fields"`
}

// Case is a document of a gold set with its gold.
type Case struct {
	Path string
	Gold Gold
}

// LoadSet finds every document of dir that has a sibling NAME.gold.json.
func LoadSet(dir string) ([]Case, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("jeu de référence illisible : %w", err)
	}
	golds := map[string]string{}
	for _, e := range entries {
		if name := e.Name(); strings.HasSuffix(name, ".gold.json") {
			golds[strings.TrimSuffix(name, ".gold.json")] = filepath.Join(dir, name)
		}
	}
	var cases []Case
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || strings.HasSuffix(name, ".json") {
			continue
		}
		goldPath, ok := golds[strings.TrimSuffix(name, filepath.Ext(name))]
		if !ok {
			continue
		}
		b, err := os.ReadFile(goldPath)
		if err != nil {
			return nil, err
		}
		var g Gold
		if err := json.Unmarshal(b, &g); err != nil {
			return nil, fmt.Errorf("%s : JSON invalide : %w", goldPath, err)
		}
		cases = append(cases, Case{Path: filepath.Join(dir, name), Gold: g})
	}
	if len(cases) == 0 {
		return nil, fmt.Errorf("aucun document avec son fichier NOM.gold.json dans %s", dir)
	}
	return cases, nil
}

// FieldScore counts one field over a set.
type FieldScore struct {
	Field     string
	Gold      int // documents whose gold lists the field
	Predicted int // documents where it was predicted (scored fields only)
	Correct   int
}

// Report is the score of a set.
type Report struct {
	Documents   int
	TypeCorrect int
	Fields      []FieldScore
	// Unscored counts predictions of fields no gold of the set lists: the
	// set says nothing of them, so they count neither way.
	Unscored map[string]int
	Misses   []string // "document: field: gold X, got Y" for inspection
}

// Score compares results with their gold. A predicted field that the gold
// of its document does not list counts as a wrong prediction when other
// documents of the set list that field: the gold lists every printed field.
func Score(cases []Case, results []document.Result) Report {
	rep := Report{Documents: len(cases), Unscored: map[string]int{}}
	labelled := map[string]bool{}
	for _, c := range cases {
		for f := range c.Gold.Fields {
			labelled[f] = true
		}
	}
	scores := map[string]*FieldScore{}
	score := func(f string) *FieldScore {
		if scores[f] == nil {
			scores[f] = &FieldScore{Field: f}
		}
		return scores[f]
	}
	for i, c := range cases {
		res := results[i]
		name := filepath.Base(c.Path)
		if res.DocumentType != nil && res.DocumentType.Value == c.Gold.DocumentType {
			rep.TypeCorrect++
		}
		for f, want := range c.Gold.Fields {
			s := score(f)
			s.Gold++
			got, ok := res.Fields[f]
			if ok && Match(f, want, got.Value) {
				s.Correct++
			} else if ok {
				rep.Misses = append(rep.Misses, fmt.Sprintf("%s : %s : attendu %v, lu %v", name, f, want, got.Value))
			} else {
				rep.Misses = append(rep.Misses, fmt.Sprintf("%s : %s : attendu %v, absent", name, f, want))
			}
		}
		for f, got := range res.Fields {
			if !labelled[f] {
				rep.Unscored[f]++
				continue
			}
			score(f).Predicted++
			if _, inGold := c.Gold.Fields[f]; !inGold {
				rep.Misses = append(rep.Misses, fmt.Sprintf("%s : %s : non imprimé selon la référence, lu %v", name, f, got.Value))
			}
		}
	}
	for _, s := range scores {
		rep.Fields = append(rep.Fields, *s)
	}
	sort.Slice(rep.Fields, func(i, j int) bool { return rep.Fields[i].Field < rep.Fields[j].Field })
	sort.Strings(rep.Misses)
	return rep
}

// Totals returns overall field accuracy, precision and type accuracy.
func (r Report) Totals() (accuracy, precision, typeAccuracy float64) {
	var gold, pred, correct int
	for _, s := range r.Fields {
		gold += s.Gold
		pred += s.Predicted
		correct += s.Correct
	}
	return ratio(correct, gold), ratio(correct, pred), ratio(r.TypeCorrect, r.Documents)
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// Write prints the per-field table; the last line is the contract's summary.
func (r Report) Write(w io.Writer, verbose bool) {
	fmt.Fprintf(w, "%-28s %6s %6s %6s %9s %9s\n", "champ", "réf.", "prédit", "juste", "exactitude", "précision")
	for _, s := range r.Fields {
		fmt.Fprintf(w, "%-28s %6d %6d %6d %9.3f %9.3f\n", s.Field, s.Gold, s.Predicted, s.Correct, ratio(s.Correct, s.Gold), ratio(s.Correct, s.Predicted))
	}
	if len(r.Unscored) > 0 {
		var names []string
		for f, n := range r.Unscored {
			names = append(names, fmt.Sprintf("%s (%d)", f, n))
		}
		sort.Strings(names)
		fmt.Fprintf(w, "champs lus mais absents de toute référence (non notés) : %s\n", strings.Join(names, ", "))
	}
	if verbose {
		for _, m := range r.Misses {
			fmt.Fprintln(w, "  écart : "+m)
		}
	}
	acc, prec, typ := r.Totals()
	fmt.Fprintf(w, "field accuracy %.3f, precision %.3f, type accuracy %.3f over %d documents\n", acc, prec, typ, r.Documents)
}
