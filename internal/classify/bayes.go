package classify

import (
	"embed"
	"fmt"
	"math"
	"path"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/depenses-eclairees/depenses/internal/document"
)

// The statistical half of the classifier: a multinomial naive Bayes over
// word unigrams and bigrams of the head of the text, trained when first
// needed on short labelled snippets written for this project
// (training/<type>.txt, snippets separated by "---" lines). It
// catches documents whose title is missing or unreadable (scans, cover
// pages) from their vocabulary.

//go:embed training/*.txt
var trainingFS embed.FS

// nbAlpha is the additive smoothing. Small, because the snippets are few
// and short: a word never seen for a type should cost, not ruin it.
const nbAlpha = 0.3

type nbModel struct {
	index map[uint64]int32
	logp  []float32 // len(index) rows × len(Types) columns
	n     int       // number of training snippets
}

var (
	modelOnce sync.Once
	model     *nbModel
	modelErr  error
)

// trainedModel trains the model once from the embedded snippets.
func trainedModel() (*nbModel, error) {
	modelOnce.Do(func() {
		set, err := loadSnippets(trainingFS, "training")
		if err != nil {
			modelErr = err
			return
		}
		model = train(set)
	})
	return model, modelErr
}

// snippet is one labelled text.
type snippet struct {
	typ  string
	name string // optional file name ("@name: …" first line)
	text string
}

// loadSnippets reads every <type>.txt of dir.
func loadSnippets(fsys embed.FS, dir string) ([]snippet, error) {
	entries, err := fsys.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var out []snippet
	for _, e := range entries {
		typ := strings.TrimSuffix(e.Name(), ".txt")
		if _, ok := typeIndex[typ]; !ok {
			return nil, fmt.Errorf("classify: %s: type inconnu %q", e.Name(), typ)
		}
		data, err := fsys.ReadFile(path.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		out = append(out, parseSnippets(typ, string(data))...)
	}
	return out, nil
}

// parseSnippets splits a file on "---" lines.
func parseSnippets(typ, data string) []snippet {
	var out []snippet
	var block []string
	flush := func() {
		s := snippet{typ: typ}
		if len(block) > 0 && strings.HasPrefix(block[0], "@name:") {
			s.name = strings.TrimSpace(strings.TrimPrefix(block[0], "@name:"))
			block = block[1:]
		}
		s.text = strings.TrimSpace(strings.Join(block, "\n"))
		if s.text != "" || s.name != "" {
			out = append(out, s)
		}
		block = block[:0]
	}
	for _, l := range strings.Split(data, "\n") {
		if strings.TrimSpace(l) == "---" {
			flush()
			continue
		}
		block = append(block, strings.TrimRight(l, "\r"))
	}
	flush()
	return out
}

// docFromText builds a one-page Document from plain text, one Line per text
// line (each line as a single word, so that its spacing is kept).
func docFromText(text string) *document.Document {
	var lines []document.Line
	for _, l := range strings.Split(text, "\n") {
		if strings.TrimSpace(l) == "" {
			continue
		}
		lines = append(lines, document.Line{Words: []document.Word{{Text: l, Confidence: 1}}})
	}
	return &document.Document{Pages: []document.Page{{Number: 1, Lines: lines}}}
}

func train(set []snippet) *nbModel {
	nt := len(Types)
	counts := map[uint64][]float64{}
	totals := make([]float64, nt)
	var feats []uint64
	for _, s := range set {
		c := typeIndex[s.typ]
		v := newView(Input{Doc: docFromText(s.text)})
		feats = uniqueFeatures(v.features(feats[:0]))
		for _, f := range feats {
			row := counts[f]
			if row == nil {
				row = make([]float64, nt)
				counts[f] = row
			}
			row[c]++
			totals[c]++
		}
	}
	keys := make([]uint64, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i] < keys[j] })
	m := &nbModel{index: make(map[uint64]int32, len(keys)), logp: make([]float32, len(keys)*nt), n: len(set)}
	vocab := float64(len(keys))
	for i, k := range keys {
		m.index[k] = int32(i)
		row := counts[k]
		for c := range nt {
			m.logp[i*nt+c] = float32(math.Log((row[c] + nbAlpha) / (totals[c] + nbAlpha*vocab)))
		}
	}
	return m
}

// logLikelihoods returns, per type, the log-likelihood of the known
// features of v, and how many features were known.
func (m *nbModel) logLikelihoods(v *view, out []float64) ([]float64, int) {
	nt := len(Types)
	out = out[:0]
	for range nt {
		out = append(out, 0)
	}
	var feats [maxHeadTokens * 3]uint64
	known := 0
	for _, f := range uniqueFeatures(v.features(feats[:0])) {
		i, ok := m.index[f]
		if !ok {
			continue
		}
		known++
		row := m.logp[int(i)*nt : int(i)*nt+nt]
		for c, lp := range row {
			out[c] += float64(lp)
		}
	}
	return out, known
}

// features hashes the unigrams and bigrams of the head tokens, and the
// unigrams of title segments once more under their own key, so the model
// learns that a word in a title weighs more.
func (v *view) features(dst []uint64) []uint64 {
	var prev uint64
	for i, t := range v.tokens {
		h := hashToken(shape(t))
		dst = append(dst, h)
		if i > 0 {
			dst = append(dst, prev*0x100000001b3^h^0x9e3779b97f4a7c15)
		}
		if v.segs[v.tokSeg[i]].title {
			dst = append(dst, h^0x5bd1e9955bd1e995)
		}
		prev = h
	}
	return dst
}

// uniqueFeatures sorts and de-duplicates features in place: each counts
// once per document (binarised naive Bayes), so a line repeated on every
// page or a long table does not drown the rest.
func uniqueFeatures(fs []uint64) []uint64 {
	slices.Sort(fs)
	return slices.Compact(fs)
}

// shape maps numbers and codes to classes: the digits of an invoice number
// say nothing of the type, that a number is there does. Form names such as
// "dc1" or "attri1" stay as they are.
func shape(t string) string {
	digits := 0
	for i := 0; i < len(t); i++ {
		if t[i] >= '0' && t[i] <= '9' {
			digits++
		}
	}
	switch {
	case digits == 0:
		return t
	case digits == len(t):
		if len(t) <= 2 {
			return "<n>"
		}
		return "<nnn>"
	case len(t) <= 6 && digits <= 2:
		return t
	}
	return "<code>"
}

func hashToken(s string) uint64 {
	h := uint64(0xcbf29ce484222325)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 0x100000001b3
	}
	return h
}
