// Package classify tells which kind of procurement document an attachment
// is (devis, facture, acte d'engagement…, CONTRACT.md §3), from its file name
// and the head of its text, as the State's tool does (DOMAIN.md §5).
//
// Two transparent parts are added up in log-odds: weighted cue phrases
// (titles near the top of the first page weigh most, then phrases in the
// text, then tokens of the file name), and a naive Bayes model over words
// and word pairs trained on labelled snippets shipped with the package.
// A softmax turns the sums into a confidence; when no type is likely
// enough the answer is "autre".
package classify

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/depenses-eclairees/depenses/internal/document"
)

// Input is what Classify reads: the attachment's name and its text.
type Input struct {
	FileName string
	Doc      *document.Document
}

// Result is the type found, its confidence in [0,1] and, in French, the
// cues that decided.
type Result struct {
	Type       string
	Confidence float64
	Evidence   string
}

// Calibration, chosen on the held-out snippets (see classify_test.go):
// autreBias is the evidence any type must beat before it is believed;
// nbWeight scales the model's per-feature log-likelihood ratio into
// log-odds; minConfidence is the answer threshold.
const (
	autreBias        = 2.5
	nbWeight         = 1.5
	nbMaxSpread      = 5.0 // the model alone cannot outweigh a clear title
	nbPseudoFeatures = 30
	bodyCap          = 7.0 // long documents repeat cues; a few suffice
	minConfidence    = 0.45
)

// titleDecay lowers the title weight of the second, third… type whose
// title cue appears: the first title names the document, later ones are
// references ("Facture liée", "Bon de commande n°" on an invoice).
var titleDecay = []float64{1, 0.5, 0.35, 0.25}

// Classify returns the document type of in. It never fails: an empty or
// unreadable document with an uninformative name is "autre".
func Classify(in Input) Result {
	p, sc := probabilities(in)
	best := -1
	for t := range p {
		if t != autreIndex && (best < 0 || p[t] > p[best]) {
			best = t
		}
	}
	if p[best] < minConfidence || p[autreIndex] > p[best] {
		return Result{Type: Autre, Confidence: round3(1 - p[best]), Evidence: sc.autreEvidence(best, p[best])}
	}
	return Result{Type: Types[best], Confidence: round3(p[best]), Evidence: sc.evidence(best)}
}

// Scored is one type with its probability.
type Scored struct {
	Type        string
	Probability float64
}

// Ranked returns every type with its probability, most likely first, for
// screens that show the alternatives and for calibration.
func Ranked(in Input) []Scored {
	p, _ := probabilities(in)
	out := make([]Scored, len(p))
	for t, v := range p {
		out[t] = Scored{Types[t], v}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Probability > out[j].Probability })
	return out
}

// probabilities adds cue weights and model log-odds per type and turns them
// into probabilities.
func probabilities(in Input) ([]float64, *cueScores) {
	v := newView(in)
	sc := scoreCues(v)
	z := make([]float64, len(Types))
	for t := range z {
		z[t] = sc.title[t] + math.Min(sc.body[t], bodyCap) + sc.name[t]
	}
	if m, err := trainedModel(); err == nil && len(v.tokens) > 0 {
		var buf [32]float64
		ll, known := m.logLikelihoods(v, buf[:0])
		if known > 0 {
			sc.nbUsed = true
			best := math.Inf(-1)
			for _, l := range ll {
				best = math.Max(best, l)
			}
			// Scaled by sqrt(known): evidence grows with the text, but slower
			// than naive Bayes' independence assumes; nbPseudoFeatures keeps
			// a few words ("Bonjour") from deciding alone.
			scale := nbWeight / math.Sqrt(float64(known)+nbPseudoFeatures)
			for t, l := range ll {
				sc.model[t] = math.Max((l-best)*scale, -nbMaxSpread)
				z[t] += sc.model[t]
			}
		}
	}
	z[autreIndex] += autreBias
	return softmax(z), sc
}

// cueScores holds, per type, the summed cue weights and what produced them.
type cueScores struct {
	title, body, name []float64
	model             []float64 // naive Bayes log-odds against the best type (≤ 0)
	nbUsed            bool
	why               [][]string
}

func (s *cueScores) add(kind []float64, t int, w float64, why string) {
	kind[t] += w
	if w > 0 && len(s.why[t]) < 6 {
		s.why[t] = append(s.why[t], why)
	}
}

type titleHit struct {
	typ   int
	w     float64
	quote string
}

func scoreCues(v *view) *cueScores {
	nt := len(Types)
	s := &cueScores{
		title: make([]float64, nt), body: make([]float64, nt), name: make([]float64, nt), model: make([]float64, nt),
		why: make([][]string, nt),
	}
	var titles []titleHit
	seenCue := make([]bool, len(cues))
	for i, tok := range v.tokens {
		for _, ci := range cuesByHead[tok] {
			c := &cues[ci]
			if !matchAt(v.tokens, i, c.tokens) || cancelled(v.tokens, i+len(c.tokens), c.notNext) {
				continue
			}
			seg := &v.segs[v.tokSeg[i]]
			sameSeg := int(v.tokSeg[i+len(c.tokens)-1]) == int(v.tokSeg[i])
			if c.title > 0 && seg.title && sameSeg {
				// A title opens its segment; one word before it ("N°",
				// a logo's name) halves it, more make it no title.
				w := c.title
				switch i - seg.first {
				case 0:
				case 1:
					w *= 0.5
				default:
					w = 0
				}
				if seg.prominent {
					w *= 1.2
				}
				if w > c.body {
					titles = append(titles, titleHit{typ: c.typ, w: w, quote: seg.raw})
					continue
				}
			}
			if c.body != 0 && !seenCue[ci] {
				seenCue[ci] = true
				s.add(s.body, c.typ, c.body, "mention "+quoteCue(cut(seg.raw, 60)))
			}
		}
	}
	// Titles: the first type named keeps its weight, later ones decay.
	rank := map[int]int{}
	for _, h := range titles {
		r, ok := rank[h.typ]
		if !ok {
			r = len(rank)
			rank[h.typ] = r
		}
		w := h.w * titleDecay[min(r, len(titleDecay)-1)]
		if w > s.title[h.typ] {
			s.title[h.typ] = w
			s.why[h.typ] = append([]string{"titre " + quoteCue(h.quote)}, s.why[h.typ]...)
		}
	}
	scoreNegativeTotal(v, s)
	scoreMailHeaders(v, s)
	scoreName(v, s)
	return s
}

func cancelled(toks []string, next int, notNext [][]string) bool {
	for _, n := range notNext {
		if matchAt(toks, next, n) {
			return true
		}
	}
	return false
}

// totalLabels open the segments whose amount, when negative, marks a
// credit note ("Total TTC   -233,47 €").
var totalLabels = map[string]bool{"total": true, "net": true, "montant": true, "sous": true, "solde": true}

// scoreNegativeTotal looks for a total printed as a negative amount, in the
// same segment or the next one on the line.
func scoreNegativeTotal(v *view, s *cueScores) {
	for k := range v.segs {
		seg := &v.segs[k]
		if !totalLabels[v.tokens[seg.first]] {
			continue
		}
		amount := seg.raw
		if k+1 < len(v.segs) && v.segs[k+1].line == seg.line {
			amount += " " + v.segs[k+1].raw
		}
		if negativeAmount(amount) {
			s.add(s.body, avoirIndex, 2.5, "total négatif "+quoteCue(amount))
			return
		}
	}
}

// negativeAmount says whether s holds "-" or "−" right before a digit,
// after a space or at the start (not a date or a reference like AV-12).
func negativeAmount(s string) bool {
	for i := 0; i < len(s); i++ {
		var next int
		switch {
		case s[i] == '-':
			next = i + 1
		case strings.HasPrefix(s[i:], "−"):
			next = i + len("−")
		default:
			continue
		}
		if (i == 0 || s[i-1] == ' ') && next < len(s) && s[next] >= '0' && s[next] <= '9' {
			return true
		}
	}
	return false
}

// scoreMailHeaders recognises an e-mail printed to PDF: "De :", "À :",
// "Objet :", "Envoyé :" opening lines at the top.
func scoreMailHeaders(v *view, s *cueScores) {
	found := map[string]bool{}
	for _, seg := range v.segs {
		if seg.line >= 15 {
			break
		}
		if !seg.firstOfLine {
			continue
		}
		label, _, ok := strings.Cut(seg.raw, ":")
		if !ok || len(label) > 16 {
			continue
		}
		toks := tokenize(label)
		if len(toks) != 1 {
			continue
		}
		if k, ok := mailHeaderLabels[toks[0]]; ok {
			found[k] = true
		}
	}
	if found["from"] && found["subject"] && len(found) >= 3 {
		s.add(s.body, typeIndex[Mail], 7, "en-têtes de courriel (De, À, Objet…)")
	}
}

func scoreName(v *view, s *cueScores) {
	mail := typeIndex[Mail]
	switch v.ext {
	case ".eml", ".msg":
		s.add(s.name, mail, 7, "fichier de courriel ("+v.ext+")")
	}
	seen := map[int]float64{}
	for i, tok := range v.name {
		for _, ci := range nameByHead[tok] {
			c := &nameCues[ci]
			if !matchAt(v.name, i, c.tokens) || c.body <= seen[c.typ] {
				continue
			}
			s.name[c.typ] += c.body - seen[c.typ]
			seen[c.typ] = c.body
			if len(s.why[c.typ]) < 6 {
				s.why[c.typ] = append(s.why[c.typ], "nom de fichier "+quoteCue(v.base))
			}
		}
	}
}

func (s *cueScores) evidence(t int) string {
	parts := append([]string(nil), s.why[t]...)
	if s.nbUsed && s.model[t] == 0 {
		if len(parts) == 0 {
			parts = append(parts, "vocabulaire proche des exemples de type « "+Types[t]+" »")
		} else {
			parts = append(parts, "vocabulaire typique")
		}
	}
	return strings.Join(parts, " ; ")
}

func (s *cueScores) autreEvidence(best int, p float64) string {
	if why := s.why[autreIndex]; len(why) > 0 {
		return "document hors nomenclature : " + strings.Join(why, " ; ")
	}
	if len(s.why[best]) == 0 && p < 0.2 {
		return "aucun indice de type de document"
	}
	return fmt.Sprintf("indices insuffisants (au mieux « %s » à %.0f %%)", Types[best], 100*p)
}

func softmax(z []float64) []float64 {
	maxZ := math.Inf(-1)
	for _, v := range z {
		maxZ = math.Max(maxZ, v)
	}
	p := make([]float64, len(z))
	var sum float64
	for i, v := range z {
		p[i] = math.Exp(v - maxZ)
		sum += p[i]
	}
	for i := range p {
		p[i] /= sum
	}
	return p
}

func round3(v float64) float64 { return math.Round(v*1000) / 1000 }
