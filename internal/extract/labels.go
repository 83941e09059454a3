package extract

import (
	"sort"
	"strings"
)

// labelHit is a label phrase found on a line.
type labelHit struct {
	line       *tline
	fstart     int // folded span
	fend       int
	start, end int // text span
	phrase     string
	tag        string // what the label stands for (table-specific)
}

// labelSet is a table of label phrases, folded once. Longer phrases win
// over shorter ones found at the same place ("date d'échéance" over
// "date").
type labelSet struct {
	phrases []string
	tags    []string
	byFirst [256][]int // phrase indexes by first byte, longest first
}

func newLabelSet(pairs ...[2]string) *labelSet {
	ls := &labelSet{}
	for _, p := range pairs {
		f := fold(p[0])
		ls.phrases = append(ls.phrases, f)
		ls.tags = append(ls.tags, p[1])
		// "N°" folds to "no": write each "n …" label once, match both.
		if g := strings.Replace(" "+f+" ", " n ", " no ", 1); g != " "+f+" " {
			ls.phrases = append(ls.phrases, strings.TrimSpace(g))
			ls.tags = append(ls.tags, p[1])
		}
	}
	// Longest first, so that the first match at a position is the longest.
	idx := make([]int, len(ls.phrases))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return len(ls.phrases[idx[a]]) > len(ls.phrases[idx[b]]) })
	sorted := &labelSet{}
	for _, i := range idx {
		if ls.phrases[i] == "" {
			continue
		}
		sorted.byFirst[ls.phrases[i][0]] = append(sorted.byFirst[ls.phrases[i][0]], len(sorted.phrases))
		sorted.phrases = append(sorted.phrases, ls.phrases[i])
		sorted.tags = append(sorted.tags, ls.tags[i])
	}
	return sorted
}

// tagged builds a label set whose phrases all carry one tag.
func tagged(tag string, phrases ...string) [][2]string {
	out := make([][2]string, len(phrases))
	for i, p := range phrases {
		out[i] = [2]string{p, tag}
	}
	return out
}

func labels(groups ...[][2]string) *labelSet {
	var all [][2]string
	for _, g := range groups {
		all = append(all, g...)
	}
	return newLabelSet(all...)
}

func isAlnumByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c >= 0x80
}

// find returns every non-overlapping label of the set on the line, left to
// right; at a given position the longest phrase wins.
func (ls *labelSet) find(l *tline) []labelHit {
	var hits []labelHit
	f := l.fold
	for p := 0; p < len(f); {
		if p > 0 && isAlnumByte(f[p-1]) && isAlnumByte(f[p]) {
			p++
			continue
		}
		matched := false
		for _, i := range ls.byFirst[f[p]] {
			ph := ls.phrases[i]
			if !strings.HasPrefix(f[p:], ph) {
				continue
			}
			e := p + len(ph)
			if e < len(f) && isAlnumByte(f[e]) && isAlnumByte(ph[len(ph)-1]) {
				continue
			}
			hits = append(hits, labelHit{line: l, fstart: p, fend: e, start: l.textPos(p), end: l.textPos(e-1) + 1, phrase: ph, tag: ls.tags[i]})
			// Extend the text end over the whole last rune.
			h := &hits[len(hits)-1]
			for h.end < len(l.text) && l.text[h.end]&0xC0 == 0x80 {
				h.end++
			}
			p = e
			matched = true
			break
		}
		if !matched {
			p++
		}
	}
	return hits
}

// findAll returns the labels of the set over the whole document.
func (v *view) findAll(ls *labelSet) []labelHit {
	var out []labelHit
	for _, l := range v.lines {
		out = append(out, ls.find(l)...)
	}
	return out
}

// numberWords are words that sit between a label and its value: "Facture
// n° 12", "Numéro : 12", "Date du : …".
var numberWords = []string{"no", "numero", "num", "nr", "number", "ref", "reference", "du", "de", "d'", "le", "id", "en date du"}

// skipSeparators moves a folded position past what separates a label from
// its value.
func skipSeparators(f string, p int) int {
	for {
		q := p
		for q < len(f) && (f[q] == ' ' || f[q] == ':' || f[q] == '#' || f[q] == '=' || f[q] == '*') {
			q++
		}
		for _, w := range numberWords {
			if strings.HasPrefix(f[q:], w) {
				e := q + len(w)
				if e == len(f) || !isAlnumByte(f[e]) || w == "d'" {
					q = e
					break
				}
			}
		}
		if q == p {
			return p
		}
		p = q
	}
}

// valueRight returns the value printed after a label on its line: the rest
// of the label's cell, or the next cell when the label ends its cell.
func valueRight(h labelHit) (string, int, int) {
	l := h.line
	fp := skipSeparators(l.fold, h.fend)
	start := l.textPos(fp)
	if fp >= len(l.fold) {
		return "", 0, 0
	}
	cs := l.cells()
	ci := cellAt(cs, h.start)
	if ci < 0 {
		return "", 0, 0
	}
	end := cs[ci].end
	if start >= end {
		// The label fills its cell: the value is the next cell.
		if ci+1 >= len(cs) {
			return "", 0, 0
		}
		start, end = cs[ci+1].start, cs[ci+1].end
	}
	if start > 0 && start <= len(l.text) && l.text[start-1] == '(' {
		start-- // "(Account Owner)": keep the parenthesis that fold dropped
	}
	s := strings.TrimLeft(l.text[start:end], " :.-–°#")
	start = end - len(s)
	s = strings.TrimRight(s, " ")
	return s, start, start + len(s)
}

// valueBelow returns the value printed under a label (forms and table
// headers put the label above its value): the words of the next rows that
// stand in the label's column.
func (v *view) valueBelow(h labelHit, maxRows int) (*tline, string, int, int) {
	l := h.line
	cs := l.cells()
	ci := cellAt(cs, h.start)
	if ci < 0 {
		return nil, "", 0, 0
	}
	x0 := l.xOf(cs[ci].start)
	x1 := l.pageW
	if ci+1 < len(cs) {
		x1 = l.xOf(cs[ci+1].start)
	}
	if x1 <= x0 {
		x1 = l.xEnd(cs[ci].end) + 50
	}
	// A value may start a little left of its label (right-aligned or
	// centred columns).
	lx0 := x0 - 0.25*(x1-x0)
	if ci > 0 {
		lx0 = max(lx0, l.xEnd(cs[ci-1].end)+1)
	}
	for _, n := range v.below(l, maxRows) {
		if t, s, e := n.wordsIn(lx0, x1); t != "" {
			return n, t, s, e
		}
	}
	return nil, "", 0, 0
}

// labelEndsCell reports whether nothing but separators follows the label
// in its cell.
func labelEndsCell(h labelHit) bool {
	l := h.line
	fp := skipSeparators(l.fold, h.fend)
	if fp >= len(l.fold) {
		return true
	}
	cs := l.cells()
	ci := cellAt(cs, h.start)
	return ci >= 0 && l.textPos(fp) >= cs[ci].end
}

// startsCell reports whether the label opens its cell (a heading or a form
// label, not a word inside a sentence).
func startsCell(h labelHit) bool {
	cs := h.line.cells()
	ci := cellAt(cs, h.start)
	if ci < 0 {
		return false
	}
	pre := strings.TrimSpace(h.line.text[cs[ci].start:h.start])
	pre = strings.Trim(pre, "-–•*·>:")
	return strings.TrimSpace(pre) == ""
}
