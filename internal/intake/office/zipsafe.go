package office

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"

	"golang.org/x/net/html/charset"

	"github.com/depenses-eclairees/depenses/internal/document"
	"github.com/depenses-eclairees/depenses/internal/intake/limits"
)

const (
	// maxZipMembers bounds the central directory of an office file: real
	// ones hold tens of members, a few thousand with many images.
	maxZipMembers = 20000
	// ratioFloor: members smaller than this are not held to MaxRatio, as
	// small, repetitive XML parts legitimately compress very well.
	ratioFloor = 1 << 20
	// maxSmallPart bounds parts read whole into memory (content types,
	// relationships, manifests).
	maxSmallPart = 8 << 20
)

// zipArchive is an office file's ZIP container, opened with the limits
// checked on the central directory before anything is inflated.
type zipArchive struct {
	zr       *zip.Reader
	lim      limits.Limits
	files    map[string]*zip.File
	budget   int64 // bytes that may still be inflated
	declared int64
}

func openZip(data []byte, lim limits.Limits, what string) (*zipArchive, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		return nil, document.Errorf(document.ErrCorrupt, "le fichier %s n'est pas une archive ZIP valide : %w", what, err)
	}
	if len(zr.File) > maxZipMembers {
		return nil, document.Errorf(document.ErrArchive,
			"archive hors limites : le fichier %s contient %d éléments (maximum %d)", what, len(zr.File), maxZipMembers)
	}
	z := &zipArchive{zr: zr, lim: lim, files: make(map[string]*zip.File, len(zr.File)), budget: lim.MaxExpanded}
	if z.budget <= 0 {
		z.budget = 1 << 62
	}
	for _, f := range zr.File {
		z.declared += int64(min(f.UncompressedSize64, 1<<62))
		if z.declared > z.budget {
			return nil, document.Errorf(document.ErrArchive,
				"archive hors limites : le fichier %s se décompresse en plus de %d octets", what, z.budget)
		}
		name := strings.TrimPrefix(f.Name, "/")
		if _, dup := z.files[name]; !dup {
			z.files[name] = f
		}
	}
	return z, nil
}

// lookup finds a member by name, ignoring ASCII case as Office does.
func (z *zipArchive) lookup(name string) *zip.File {
	name = strings.TrimPrefix(name, "/")
	if f, ok := z.files[name]; ok {
		return f
	}
	for n, f := range z.files {
		if strings.EqualFold(n, name) {
			return f
		}
	}
	return nil
}

// checkMember refuses a member whose declared size or expansion ratio is
// out of bounds, before inflating it.
func (z *zipArchive) checkMember(f *zip.File) error {
	if f.Flags&0x1 != 0 {
		return document.Errorf(document.ErrEncrypted, "le document est chiffré (élément %s protégé)", f.Name)
	}
	size := f.UncompressedSize64
	if size > uint64(z.budget) {
		return document.Errorf(document.ErrArchive,
			"archive hors limites : l'élément %s se décompresse en %d octets (reste autorisé : %d)", f.Name, size, z.budget)
	}
	if z.lim.MaxRatio > 0 && size > ratioFloor {
		ratio := float64(size) / float64(max(f.CompressedSize64, 1))
		if ratio > z.lim.MaxRatio {
			return document.Errorf(document.ErrArchive,
				"archive hors limites : l'élément %s a un taux de compression suspect (%.0f:1, maximum %.0f:1)", f.Name, ratio, z.lim.MaxRatio)
		}
	}
	return nil
}

// checkAll checks every member, for readers (excelize) that inflate them all.
func (z *zipArchive) checkAll() error {
	for _, f := range z.zr.File {
		if err := z.checkMember(f); err != nil {
			return err
		}
	}
	return nil
}

// open inflates a member through a reader that stops at its declared size
// and at the archive's remaining budget: declared sizes may lie.
func (z *zipArchive) open(f *zip.File) (io.ReadCloser, error) {
	if err := z.checkMember(f); err != nil {
		return nil, err
	}
	rc, err := f.Open()
	if err != nil {
		return nil, document.Errorf(document.ErrCorrupt, "élément %s illisible : %w", f.Name, err)
	}
	return &boundedReader{rc: rc, z: z, name: f.Name, left: int64(f.UncompressedSize64)}, nil
}

// readAll reads a small member whole.
func (z *zipArchive) readAll(f *zip.File, maxBytes int64) ([]byte, error) {
	if f.UncompressedSize64 > uint64(maxBytes) {
		return nil, document.Errorf(document.ErrArchive,
			"archive hors limites : l'élément %s est trop grand (%d octets)", f.Name, f.UncompressedSize64)
	}
	rc, err := z.open(f)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		return nil, err
	}
	return b, nil
}

type boundedReader struct {
	rc   io.ReadCloser
	z    *zipArchive
	name string
	left int64
}

func (b *boundedReader) Read(p []byte) (int, error) {
	if b.left <= 0 {
		// The member must end where its header says; one more byte is a lie.
		var one [1]byte
		n, err := b.rc.Read(one[:])
		if n > 0 || errors.Is(err, zip.ErrFormat) {
			return 0, document.Errorf(document.ErrArchive,
				"archive hors limites : l'élément %s est plus grand que sa taille déclarée", b.name)
		}
		if err == nil {
			err = io.EOF
		}
		return 0, err
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.rc.Read(p)
	b.left -= int64(n)
	b.z.budget -= int64(n)
	if b.z.budget < 0 {
		return n, document.Errorf(document.ErrArchive, "archive hors limites : trop de données décompressées")
	}
	if errors.Is(err, zip.ErrChecksum) || errors.Is(err, zip.ErrFormat) {
		err = document.Errorf(document.ErrCorrupt, "élément %s corrompu : %w", b.name, err)
	} else if err != nil && !errors.Is(err, io.EOF) {
		err = document.Errorf(document.ErrCorrupt, "élément %s illisible : %w", b.name, err)
	}
	return n, err
}

func (b *boundedReader) Close() error { return b.rc.Close() }

// maxXMLToken bounds the text between two tags of an office XML part: the
// XML decoder holds a whole token in memory, and no real document has
// megabytes of text without markup.
const maxXMLToken = 32 << 20

// tokenGuard fails a stream that runs longer than maxXMLToken bytes
// without a '<' or '>'.
type tokenGuard struct {
	r    io.Reader
	name string
	max  int // 0 means maxXMLToken
	run  int
}

func (g *tokenGuard) Read(p []byte) (int, error) {
	n, err := g.r.Read(p)
	for _, c := range p[:n] {
		if c == '<' || c == '>' {
			g.run = 0
		} else {
			g.run++
		}
	}
	limit := g.max
	if limit <= 0 {
		limit = maxXMLToken
	}
	if g.run > limit {
		return n, document.Errorf(document.ErrArchive,
			"archive hors limites : l'élément %s contient un bloc de texte démesuré (plus de %d octets sans balise)", g.name, limit)
	}
	return n, err
}

// newXMLDecoder returns a streaming decoder that accepts the encodings XML
// parts declare (UTF-8, UTF-16, ISO-8859-1, Windows-1252…).
func newXMLDecoder(r io.Reader) *xml.Decoder {
	d := xml.NewDecoder(r)
	d.CharsetReader = func(label string, input io.Reader) (io.Reader, error) {
		if l := strings.ToLower(strings.TrimSpace(label)); l == "utf-16" || l == "utf16" || l == "utf-8" || l == "utf8" {
			// UTF-16 input was already turned into UTF-8 before decoding.
			return input, nil
		}
		return charset.NewReaderLabel(label, input)
	}
	return d
}

// attr returns the value of the attribute with this local name.
func attr(se xml.StartElement, local string) string {
	for _, a := range se.Attr {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

// hasAttr says whether the attribute is present.
func hasAttr(se xml.StartElement, local string) bool {
	for _, a := range se.Attr {
		if a.Name.Local == local {
			return true
		}
	}
	return false
}

// relTarget resolves a relationship target against the part that owns it.
func relTarget(owner, target string) string {
	if strings.HasPrefix(target, "/") {
		return strings.TrimPrefix(path.Clean(target), "/")
	}
	return strings.TrimPrefix(path.Join(path.Dir(owner), target), "/")
}

// relsPath is the relationships part of an OOXML part.
func relsPath(part string) string {
	return path.Join(path.Dir(part), "_rels", path.Base(part)+".rels")
}

// relationship is one entry of an OOXML .rels part.
type relationship struct {
	ID, Type, Target, Mode string
}

// readRels reads the relationships of part; a missing .rels is no error.
func (z *zipArchive) readRels(part string) ([]relationship, error) {
	f := z.lookup(relsPath(part))
	if f == nil {
		return nil, nil
	}
	b, err := z.readAll(f, maxSmallPart)
	if err != nil {
		return nil, err
	}
	var rels []relationship
	d := newXMLDecoder(bytes.NewReader(b))
	for {
		tok, err := d.Token()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return rels, nil
			}
			return rels, fmt.Errorf("relations de %s : %w", part, err)
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "Relationship" {
			rels = append(rels, relationship{ID: attr(se, "Id"), Type: attr(se, "Type"), Target: attr(se, "Target"), Mode: attr(se, "TargetMode")})
		}
	}
}

// contentTypes reads [Content_Types].xml: part name → content type.
func (z *zipArchive) contentTypes() map[string]string {
	f := z.lookup("[Content_Types].xml")
	if f == nil {
		return nil
	}
	b, err := z.readAll(f, maxSmallPart)
	if err != nil {
		return nil
	}
	out := map[string]string{}
	d := newXMLDecoder(bytes.NewReader(b))
	for {
		tok, err := d.Token()
		if err != nil {
			return out
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "Override" {
			out[strings.TrimPrefix(attr(se, "PartName"), "/")] = attr(se, "ContentType")
		}
	}
}

// partWithType returns the part whose content type ends with one of the
// suffixes, else the fallback name if the archive has it.
func (z *zipArchive) partWithType(types map[string]string, fallback string, suffixes ...string) string {
	best := ""
	for name, ct := range types {
		for _, s := range suffixes {
			if strings.HasSuffix(ct, s) && z.lookup(name) != nil && (best == "" || name < best) {
				best = name
			}
		}
	}
	if best != "" {
		return best
	}
	if z.lookup(fallback) != nil {
		return fallback
	}
	return ""
}
