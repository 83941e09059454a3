package office

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"encoding/xml"
	"errors"
	"io"
	"strings"

	"github.com/richardlehane/mscfb"
)

var (
	zipMagic   = []byte("PK\x03\x04")
	emptyZip   = []byte("PK\x05\x06")
	ole2Magic  = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
	rtfMagic   = []byte(`{\rtf`)
	sniffLimit = int64(1 << 20)
)

// Sniff inspects a ZIP-based or OLE2 file (and RTF) and says which office
// kind it is, "" when it is not an office file. DOCX/XLSX/PPTX are told
// by [Content_Types].xml or their main part's name, ODT/ODS/ODP by the
// mimetype member (or the manifest), DOC/XLS/PPT by their OLE2 streams.
func Sniff(data []byte) (kind Kind) {
	defer func() {
		if recover() != nil {
			kind = "" // a container too broken to sniff is not ours to claim
		}
	}()
	switch {
	case bytes.HasPrefix(data, zipMagic) || bytes.HasPrefix(data, emptyZip):
		return sniffZip(data)
	case bytes.HasPrefix(data, ole2Magic):
		return sniffOLE2(data)
	case bytes.HasPrefix(data, rtfMagic):
		return KindRTF
	}
	return ""
}

func sniffZip(data []byte) Kind {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		return ""
	}
	if len(zr.File) > maxZipMembers {
		return ""
	}
	files := map[string]*zip.File{}
	for _, f := range zr.File {
		files[strings.ToLower(strings.TrimPrefix(f.Name, "/"))] = f
	}
	read := func(name string) []byte {
		f := files[name]
		if f == nil || f.UncompressedSize64 > uint64(sniffLimit) {
			return nil
		}
		rc, err := f.Open()
		if err != nil {
			return nil
		}
		defer rc.Close()
		b, _ := io.ReadAll(io.LimitReader(rc, sniffLimit))
		return b
	}
	if k := odfKind(string(bytes.TrimSpace(read("mimetype")))); k != "" {
		return k
	}
	if ct := read("[content_types].xml"); ct != nil {
		d := xml.NewDecoder(bytes.NewReader(ct))
		for {
			tok, err := d.Token()
			if err != nil {
				break
			}
			se, ok := tok.(xml.StartElement)
			if !ok || se.Name.Local != "Override" {
				continue
			}
			switch t := attr(se, "ContentType"); {
			case strings.Contains(t, "wordprocessingml.document.main"), strings.Contains(t, "wordprocessingml.template.main"),
				strings.Contains(t, "ms-word.document.macroEnabled.main"), strings.Contains(t, "ms-word.template.macroEnabledTemplate.main"):
				return KindDOCX
			case strings.Contains(t, "spreadsheetml.sheet.main"), strings.Contains(t, "spreadsheetml.template.main"),
				strings.Contains(t, "ms-excel.sheet.macroEnabled.main"), strings.Contains(t, "ms-excel.template.macroEnabled.main"):
				return KindXLSX
			case strings.Contains(t, "presentationml.presentation.main"), strings.Contains(t, "presentationml.slideshow.main"),
				strings.Contains(t, "presentationml.template.main"), strings.Contains(t, "ms-powerpoint.presentation.macroEnabled.main"):
				return KindPPTX
			}
		}
	}
	switch {
	case files["word/document.xml"] != nil:
		return KindDOCX
	case files["xl/workbook.xml"] != nil:
		return KindXLSX
	case files["ppt/presentation.xml"] != nil:
		return KindPPTX
	}
	// An OpenDocument without its mimetype member: the manifest says.
	if m := read("meta-inf/manifest.xml"); m != nil {
		d := xml.NewDecoder(bytes.NewReader(m))
		for {
			tok, err := d.Token()
			if err != nil {
				break
			}
			if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "file-entry" && attr(se, "full-path") == "/" {
				return odfKind(attr(se, "media-type"))
			}
		}
	}
	return ""
}

func odfKind(mime string) Kind {
	switch strings.TrimSuffix(mime, "-template") {
	case "application/vnd.oasis.opendocument.text":
		return KindODT
	case "application/vnd.oasis.opendocument.spreadsheet":
		return KindODS
	case "application/vnd.oasis.opendocument.presentation":
		return KindODP
	}
	return ""
}

// oleStreams lists the stream names of an OLE2 compound file.
func oleStreams(data []byte) (map[string]*mscfb.File, error) {
	doc, err := mscfb.New(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	out := map[string]*mscfb.File{}
	for i := 0; i < 100000; i++ {
		f, err := doc.Next()
		if err != nil {
			break
		}
		if len(f.Path) == 0 { // top-level streams only
			if _, dup := out[f.Name]; !dup {
				out[f.Name] = f
			}
		}
	}
	return out, nil
}

func sniffOLE2(data []byte) Kind {
	streams, err := oleStreams(data)
	if err != nil {
		return ""
	}
	switch {
	case streams["EncryptedPackage"] != nil:
		return KindEncryptedOOXML
	case streams["WordDocument"] != nil:
		return KindDOC
	case streams["Workbook"] != nil, streams["Book"] != nil:
		return KindXLS
	case streams["PowerPoint Document"] != nil:
		return KindPPT
	}
	return ""
}

// legacyEncrypted says whether a DOC, XLS or PPT file is password-protected,
// which LibreOffice headless cannot open: the DOC FIB flag fEncrypted, an
// XLS FILEPASS record, a PPT EncryptedSummary stream.
func legacyEncrypted(data []byte, kind Kind) bool {
	defer func() { _ = recover() }()
	if !bytes.HasPrefix(data, ole2Magic) {
		return false
	}
	streams, err := oleStreams(data)
	if err != nil {
		return false
	}
	if streams["EncryptedPackage"] != nil {
		return true
	}
	switch kind {
	case KindDOC:
		f := streams["WordDocument"]
		if f == nil {
			return false
		}
		var fib [12]byte
		if _, err := io.ReadFull(f, fib[:]); err != nil {
			return false
		}
		return binary.LittleEndian.Uint16(fib[10:])&0x0100 != 0
	case KindXLS:
		f := streams["Workbook"]
		if f == nil {
			f = streams["Book"]
		}
		if f == nil {
			return false
		}
		r := io.LimitReader(f, 1<<16)
		var hdr [4]byte
		for {
			if _, err := io.ReadFull(r, hdr[:]); err != nil {
				return false
			}
			typ, n := binary.LittleEndian.Uint16(hdr[:]), binary.LittleEndian.Uint16(hdr[2:])
			switch typ {
			case 0x002F: // FILEPASS
				return true
			case 0x000A: // EOF of the globals substream
				return false
			}
			if _, err := io.CopyN(io.Discard, r, int64(n)); err != nil {
				return false
			}
		}
	case KindPPT:
		return streams["EncryptedSummary"] != nil
	}
	return false
}
