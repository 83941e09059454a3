package classify

import (
	"path"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/depenses-eclairees/depenses/internal/document"
)

// What the classifier reads of a document. The State's tool classifies on
// the file name plus the first 2,000 characters; layout text carries column
// spacing, so the budget counts segment characters, not spaces.
const (
	headChars      = 2500 // characters of text read, spaces between columns excluded
	maxHeadTokens  = 700  // hard bound whatever the text looks like
	titleLines     = 20   // the first lines of the document may hold its title
	maxTitleTokens = 14   // a title is short
	maxSegmentRune = 120  // evidence quotes are cut here
)

// segment is one column of one line of the head of the document.
type segment struct {
	raw         string
	first, end  int // token range
	line        int // non-empty line number in the document, from 0
	title       bool
	prominent   bool // printed larger than the page's usual text
	firstOfLine bool
}

// view is the part of a document the classifier reads, tokenised.
type view struct {
	tokens []string
	tokSeg []int32
	segs   []segment
	name   []string // file-name tokens, EJ prefix and extension removed
	ext    string
	base   string // the file name without its directory, for evidence
}

func newView(in Input) *view {
	v := &view{}
	v.name, v.ext = nameTokens(in.FileName)
	if len(v.name) > 0 {
		v.base = cut(path.Base(strings.ReplaceAll(in.FileName, `\`, "/")), 80)
	}
	if in.Doc == nil {
		return v
	}
	var buf []byte
	chars, lineNo := 0, 0
	firstPage := -1
	for pi := range in.Doc.Pages {
		p := &in.Doc.Pages[pi]
		if len(p.Lines) == 0 {
			continue
		}
		if firstPage < 0 {
			firstPage = pi
		}
		medianH := medianLineHeight(p.Lines)
		for li := range p.Lines {
			l := &p.Lines[li]
			segs := splitSegments(l.Text())
			if len(segs) == 0 {
				continue
			}
			prominent := medianH > 0 && l.Box.Height() >= 1.3*medianH
			for si, s := range segs {
				if budget := headChars - chars + 100; len(s) > budget {
					s = cutBytes(s, budget) // one endless line must not cost more than a page
				}
				first := len(v.tokens)
				v.tokens = appendTokens(v.tokens, s, &buf)
				if len(v.tokens) == first {
					continue
				}
				if len(v.tokens) > maxHeadTokens {
					v.tokens = v.tokens[:maxHeadTokens]
				}
				seg := segment{raw: cut(s, maxSegmentRune), first: first, end: len(v.tokens), line: lineNo, prominent: prominent, firstOfLine: si == 0}
				seg.title = isTitleCandidate(seg, s, pi == firstPage)
				for range seg.end - seg.first {
					v.tokSeg = append(v.tokSeg, int32(len(v.segs)))
				}
				v.segs = append(v.segs, seg)
				chars += len(s)
				if len(v.tokens) >= maxHeadTokens {
					return v
				}
			}
			lineNo++
			if chars >= headChars {
				return v
			}
		}
	}
	return v
}

// isTitleCandidate: a short segment among the first lines, or printed large
// or in capitals on the first page (cover pages put the title lower down).
func isTitleCandidate(s segment, raw string, firstPage bool) bool {
	n := s.end - s.first
	if n == 0 || n > maxTitleTokens {
		return false
	}
	if s.line < titleLines {
		return true
	}
	if !firstPage {
		return false
	}
	if s.prominent {
		return true
	}
	share, letters := upperShare(raw)
	return letters >= 3 && share >= 0.8
}

func medianLineHeight(lines []document.Line) float64 {
	hs := make([]float64, 0, len(lines))
	for _, l := range lines {
		if h := l.Box.Height(); h > 0 {
			hs = append(hs, h)
		}
	}
	if len(hs) < 3 {
		return 0
	}
	sort.Float64s(hs)
	return hs[len(hs)/2]
}

// nameTokens tokenises a file name: directory and extension dropped, and the
// "<EJ number>_<n>_" prefix Chorus exports put in front of attachment names.
func nameTokens(name string) ([]string, string) {
	name = strings.ReplaceAll(cutBytes(name, 1024), `\`, "/")
	base := path.Base(name)
	if base == "." || base == "/" {
		return nil, ""
	}
	ext := strings.ToLower(path.Ext(base))
	if len(ext) > 6 {
		ext = ""
	}
	base = strings.TrimSuffix(base, path.Ext(base))
	base = stripEJPrefix(base)
	var buf []byte
	// "DEVIS2026" and "noti1" also give their letters alone ("devis",
	// "noti"), as people glue numbers to the type.
	toks := appendTokens(nil, base, &buf)
	var out []string
	for _, t := range toks {
		out = append(out, t)
		if p := letterPrefix(t); p != "" && p != t && len(p) >= 2 {
			out = append(out, p)
		}
	}
	return out, ext
}

// stripEJPrefix removes "0123456789_2_" from "0123456789_2_cctp".
func stripEJPrefix(s string) string {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i != 10 || i >= len(s) || s[i] != '_' {
		return s
	}
	j := i + 1
	for j < len(s) && s[j] >= '0' && s[j] <= '9' {
		j++
	}
	if j == i+1 || j >= len(s) || s[j] != '_' {
		return s[i+1:]
	}
	return s[j+1:]
}

// letterPrefix is the leading run of letters of a token ("devis2026" →
// "devis").
func letterPrefix(t string) string {
	for i := 0; i < len(t); i++ {
		if t[i] >= '0' && t[i] <= '9' {
			return t[:i]
		}
	}
	return t
}

// cutBytes cuts s to at most n bytes, on a rune boundary.
func cutBytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	if n <= 0 {
		return ""
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	i := 0
	for k := range s {
		if k > n {
			break
		}
		i = k
	}
	return strings.TrimSpace(s[:i]) + "…"
}
