package intake

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"path"
	"strings"

	"github.com/depenses-eclairees/depenses/internal/document"
)

// readZIP reads every member of a ZIP archive as a child document. Declared
// sizes are checked first, then every member is inflated through a limit,
// because declared sizes can lie.
func (r *Reader) readZIP(ctx context.Context, doc *document.Document, data []byte, t *tree) error {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return document.Errorf(document.ErrCorrupt, "archive ZIP illisible : %w", err)
	}
	lim := r.opts.Limits
	var declared uint64
	members := 0
	for _, f := range zr.File {
		if skipMember(f) {
			continue
		}
		members++
		declared += f.UncompressedSize64
		if err := checkRatio(f, lim.MaxRatio); err != nil {
			return err
		}
	}
	if members > lim.MaxChildren {
		return document.Errorf(document.ErrArchive, "archive de %d fichiers, au-delà de la limite de %d", members, lim.MaxChildren)
	}
	if declared > uint64(lim.MaxExpanded) {
		return document.Errorf(document.ErrArchive, "archive qui se décompresse en %s, au-delà de la limite de %s", humanBytes(int64(declared)), humanBytes(lim.MaxExpanded))
	}
	for _, f := range zr.File {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if skipMember(f) {
			continue
		}
		body, err := r.inflate(f, t)
		if err != nil {
			if document.ErrorCode(err) == document.ErrArchive {
				return err // a bomb: stop reading this archive
			}
			doc.Children = append(doc.Children, &document.Document{Name: f.Name, Err: err.(*document.ReadError)})
			continue
		}
		if !r.addChild(ctx, doc, f.Name, body, t) {
			break
		}
	}
	return nil
}

// inflate decompresses one member within the file-size limit and the
// budget shared by the whole tree.
func (r *Reader) inflate(f *zip.File, t *tree) ([]byte, error) {
	lim := r.opts.Limits
	budget := min(lim.MaxFileBytes, lim.MaxExpanded-*t.expanded)
	rc, err := f.Open()
	if err != nil {
		return nil, document.Errorf(document.ErrCorrupt, "membre %q illisible : %w", f.Name, err)
	}
	defer rc.Close()
	body, err := io.ReadAll(io.LimitReader(rc, budget+1))
	if err != nil {
		return nil, document.Errorf(document.ErrCorrupt, "membre %q illisible : %w", f.Name, err)
	}
	if int64(len(body)) > budget {
		return nil, document.Errorf(document.ErrArchive, "le membre %q se décompresse au-delà de la limite (%s) : archive refusée", f.Name, humanBytes(budget))
	}
	*t.expanded += int64(len(body))
	return body, nil
}

// checkRatio refuses members whose declared expansion is suspicious. Small
// members are exempt: a page of spaces legitimately compresses a lot.
func checkRatio(f *zip.File, maxRatio float64) error {
	if f.UncompressedSize64 < 1<<20 || f.CompressedSize64 == 0 && f.UncompressedSize64 == 0 {
		return nil
	}
	ratio := float64(f.UncompressedSize64) / float64(max(f.CompressedSize64, 1))
	if ratio > maxRatio {
		return document.Errorf(document.ErrArchive, "le membre %q a un taux de compression de %.0f:1 (limite %.0f:1) : archive refusée comme bombe de décompression", f.Name, ratio, maxRatio)
	}
	return nil
}

// skipMember leaves out folders and the metadata some archivers add.
func skipMember(f *zip.File) bool {
	name := f.Name
	base := path.Base(name)
	return f.FileInfo().IsDir() || strings.HasPrefix(name, "__MACOSX/") || strings.HasPrefix(base, ".") || base == "Thumbs.db"
}
