package office

import (
	"bytes"
	"encoding/xml"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/depenses-eclairees/depenses/internal/document"
)

// readPPTX reads a presentation, one page per slide in presentation order.
func readPPTX(p *pager, data []byte) error {
	z, err := openZip(data, p.lim, "PPTX")
	if err != nil {
		return err
	}
	types := z.contentTypes()
	main := z.partWithType(types, "ppt/presentation.xml",
		"presentationml.presentation.main+xml", "presentationml.slideshow.main+xml",
		"presentationml.template.main+xml", "ms-powerpoint.presentation.macroEnabled.main+xml")
	if main == "" {
		return document.Errorf(document.ErrCorrupt, "le fichier PPTX ne contient pas de présentation (ppt/presentation.xml absent)")
	}
	slides := slideOrder(z, main)
	for i, s := range slides {
		if err := p.newPage(); err != nil {
			return err
		}
		if err := readWordPart(p, z, s, nil, true); err != nil {
			if !isRecoverable(err) {
				return err
			}
			p.warn("diapositive %d illisible : %v", i+1, err)
		}
	}
	return nil
}

// slideOrder lists the slides as the presentation orders them, or by
// their number when the presentation part cannot say.
func slideOrder(z *zipArchive, main string) []string {
	rels, _ := z.readRels(main)
	byID := map[string]string{}
	for _, r := range rels {
		if strings.HasSuffix(r.Type, "/slide") {
			byID[r.ID] = relTarget(main, r.Target)
		}
	}
	var order []string
	if f := z.lookup(main); f != nil {
		if b, err := z.readAll(f, maxSmallPart); err == nil {
			d := newXMLDecoder(bytes.NewReader(b))
			for {
				tok, err := d.Token()
				if err != nil {
					break
				}
				if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "sldId" {
					if t, ok := byID[relID(se)]; ok && z.lookup(t) != nil {
						order = append(order, t)
					}
				}
			}
		}
	}
	if len(order) > 0 {
		return order
	}
	for name := range z.files {
		if strings.HasPrefix(name, "ppt/slides/slide") && strings.HasSuffix(name, ".xml") {
			order = append(order, name)
		}
	}
	sort.Slice(order, func(i, j int) bool { return slideNumber(order[i]) < slideNumber(order[j]) })
	return order
}

func slideNumber(name string) int {
	base := strings.TrimSuffix(path.Base(name), ".xml")
	n, _ := strconv.Atoi(strings.TrimPrefix(base, "slide"))
	return n
}

// relID returns the r:id attribute, not the plain id beside it.
func relID(se xml.StartElement) string {
	for _, a := range se.Attr {
		if a.Name.Local == "id" && a.Name.Space != "" {
			return a.Value
		}
	}
	return ""
}
