package einvoice

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"

	"golang.org/x/text/encoding/ianaindex"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"

	"github.com/depenses-eclairees/depenses/internal/document"
)

// Bounds on the XML we accept. Real e-invoices are a few kilobytes to a few
// megabytes, about ten levels deep; anything beyond these is hostile or broken.
const (
	maxXMLBytes = 20 << 20
	maxDepth    = 100
	maxNodes    = 500_000
	maxAttrs    = 1000 // on one element
)

// node is one element of a parsed XML document. Names keep the prefix the
// document used, for evidence that reads like the file; the namespace URI is
// resolved only where it matters (the root).
type node struct {
	prefix, local string
	space         string // namespace URI, resolved for the root only
	attrs         []xml.Attr
	text          string
	children      []*node
	parent        *node
}

// attr returns the value of the attribute with this local name.
func (n *node) attr(local string) string {
	if n == nil {
		return ""
	}
	for _, a := range n.attrs {
		if a.Name.Local == local {
			return strings.TrimSpace(a.Value)
		}
	}
	return ""
}

// all returns every descendant reached by following the slash-separated
// local names in path, in document order.
func (n *node) all(path string) []*node {
	if n == nil {
		return nil
	}
	current := []*node{n}
	for step := range strings.SplitSeq(path, "/") {
		var next []*node
		for _, c := range current {
			for _, child := range c.children {
				if child.local == step {
					next = append(next, child)
				}
			}
		}
		if len(next) == 0 {
			return nil
		}
		current = next
	}
	return current
}

// first returns the first node reached by path, trying each path in turn
// (profiles and versions name the same thing differently).
func (n *node) first(paths ...string) *node {
	for _, p := range paths {
		if found := n.all(p); len(found) > 0 {
			return found[0]
		}
	}
	return nil
}

// firstText returns the first non-empty text reached by any of the paths.
func (n *node) firstText(paths ...string) *node {
	for _, p := range paths {
		for _, found := range n.all(p) {
			if found.text != "" {
				return found
			}
		}
	}
	return nil
}

// name is the element's qualified name as written in the document.
func (n *node) name() string {
	if n.prefix == "" {
		return n.local
	}
	return n.prefix + ":" + n.local
}

// path is the element's path for evidence, without the root and without the
// transaction wrapper that every CII field shares.
func (n *node) path() string {
	var parts []string
	for c := n; c != nil && c.parent != nil; c = c.parent {
		if c.local == "SupplyChainTradeTransaction" || c.local == "SpecifiedSupplyChainTradeTransaction" {
			continue
		}
		parts = append(parts, c.name())
	}
	for i, j := 0, len(parts)-1; i < j; i, j = i+1, j-1 {
		parts[i], parts[j] = parts[j], parts[i]
	}
	return strings.Join(parts, "/")
}

// newDecoder prepares a decoder that understands the encodings e-invoices
// are written in (UTF-8, UTF-16 with a byte-order mark, ISO-8859-x, Windows-125x).
func newDecoder(data []byte) *xml.Decoder {
	var r io.Reader
	switch {
	case bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}):
		r = bytes.NewReader(data[3:])
	case bytes.HasPrefix(data, []byte{0xFE, 0xFF}), bytes.HasPrefix(data, []byte{0xFF, 0xFE}):
		// The UTF-16 decoder honours the BOM; the declaration that follows
		// still says UTF-16, which the charset reader then passes through.
		r = transform.NewReader(bytes.NewReader(data), unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM).NewDecoder())
	default:
		r = bytes.NewReader(data)
	}
	d := xml.NewDecoder(r)
	d.CharsetReader = func(label string, input io.Reader) (io.Reader, error) {
		if strings.HasPrefix(strings.ToLower(label), "utf-16") {
			return input, nil // already decoded above
		}
		enc, err := ianaindex.IANA.Encoding(label)
		if err != nil || enc == nil {
			return nil, fmt.Errorf("encodage %q non pris en charge", label)
		}
		return transform.NewReader(input, enc.NewDecoder()), nil
	}
	return d
}

var errNotXML = errors.New("pas d'élément racine")

// rootName reads up to the first element and returns its local name and
// resolved namespace URI.
func rootName(data []byte) (local, space string, err error) {
	d := newDecoder(data)
	for {
		tok, err := d.RawToken()
		if err != nil {
			if err == io.EOF {
				return "", "", errNotXML
			}
			return "", "", err
		}
		if se, ok := tok.(xml.StartElement); ok {
			return se.Name.Local, resolveSpace(se), nil
		}
	}
}

// resolveSpace finds the namespace URI of an element from the declarations
// on the element itself, which is where the root's namespace always is.
func resolveSpace(se xml.StartElement) string {
	for _, a := range se.Attr {
		switch {
		case se.Name.Space == "" && a.Name.Space == "" && a.Name.Local == "xmlns":
			return a.Value
		case se.Name.Space != "" && a.Name.Space == "xmlns" && a.Name.Local == se.Name.Space:
			return a.Value
		}
	}
	return ""
}

// tooManyAttributes says whether some element has more than maxAttrs
// attributes, which the standard decoder would hold all at once. It counts
// `="` and `='` between two '<' (NUL bytes skipped, for UTF-16).
func tooManyAttributes(data []byte) bool {
	count := 0
	for i, c := range data {
		switch c {
		case '<':
			count = 0
		case '=':
			j := i + 1
			for j < len(data) && (data[j] == ' ' || data[j] == '\t' || data[j] == '\n' || data[j] == '\r' || data[j] == 0) {
				j++
			}
			if j < len(data) && (data[j] == '"' || data[j] == '\'') {
				count++
				if count > maxAttrs {
					return true
				}
			}
		}
	}
	return false
}

// usedAttrs are the only attributes the mappings read; others are dropped
// so that an element with a million attributes costs nothing.
var usedAttrs = map[string]bool{"schemeID": true, "currencyID": true, "unitCode": true, "format": true}

func keptAttrs(attrs []xml.Attr) []xml.Attr {
	var kept []xml.Attr
	for _, a := range attrs {
		if usedAttrs[a.Name.Local] && a.Name.Space == "" {
			kept = append(kept, xml.Attr{Name: xml.Name{Local: a.Name.Local}, Value: a.Value})
		}
	}
	return kept
}

// parseTree reads the whole document into nodes, within the package bounds.
func parseTree(data []byte) (*node, error) {
	if tooManyAttributes(data) {
		return nil, document.Errorf(document.ErrCorrupt, "XML de facture électronique illisible : plus de %d attributs sur un élément", maxAttrs)
	}
	d := newDecoder(data)
	var root *node
	var stack []*node
	var text [][]byte // character data of each open element
	nodes := 0
	// Element names repeat thousands of times: keep one copy of each.
	names := map[string]string{}
	intern := func(s string) string {
		if v, ok := names[s]; ok {
			return v
		}
		names[s] = s
		return s
	}
	for {
		tok, err := d.RawToken()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, document.Errorf(document.ErrCorrupt, "XML de facture électronique illisible : %w", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if root != nil && len(stack) == 0 {
				return nil, document.Errorf(document.ErrCorrupt, "XML de facture électronique illisible : plusieurs éléments racine")
			}
			nodes++
			if nodes > maxNodes {
				return nil, document.Errorf(document.ErrTooLarge, "XML de facture électronique trop volumineux : plus de %d éléments", maxNodes)
			}
			if len(stack) >= maxDepth {
				return nil, document.Errorf(document.ErrCorrupt, "XML de facture électronique illisible : imbrication de plus de %d niveaux", maxDepth)
			}
			n := &node{prefix: intern(t.Name.Space), local: intern(t.Name.Local), attrs: keptAttrs(t.Attr)}
			if len(stack) == 0 {
				root = n
				n.space = resolveSpace(t)
				// Stop at once on other XML rather than build its tree.
				if rootKind(n.local, n.space) == kindNone {
					return nil, document.Errorf(document.ErrUnsupported, "XML non reconnu comme facture ou commande électronique (élément racine %s, espace de noms %q)", n.name(), n.space)
				}
			} else {
				parent := stack[len(stack)-1]
				n.parent = parent
				parent.children = append(parent.children, n)
			}
			stack = append(stack, n)
			text = append(text, nil)
		case xml.EndElement:
			if len(stack) == 0 {
				return nil, document.Errorf(document.ErrCorrupt, "XML de facture électronique illisible : balise fermante </%s> sans ouverture", t.Name.Local)
			}
			top := stack[len(stack)-1]
			if top.local != t.Name.Local || top.prefix != t.Name.Space {
				return nil, document.Errorf(document.ErrCorrupt, "XML de facture électronique illisible : <%s> fermé par </%s>", top.name(), t.Name.Local)
			}
			top.text = strings.Join(strings.Fields(string(text[len(text)-1])), " ")
			stack = stack[:len(stack)-1]
			text = text[:len(text)-1]
		case xml.CharData:
			if len(stack) > 0 {
				text[len(text)-1] = append(text[len(text)-1], t...)
			}
		}
	}
	if root == nil {
		return nil, document.Errorf(document.ErrCorrupt, "XML de facture électronique illisible : %w", errNotXML)
	}
	if len(stack) > 0 {
		return nil, document.Errorf(document.ErrCorrupt, "XML de facture électronique illisible : <%s> jamais fermé", stack[len(stack)-1].name())
	}
	return root, nil
}
