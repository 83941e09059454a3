package ui

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	_ "image/gif" // attachments that are pictures
	_ "image/jpeg"
	"image/png"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"golang.org/x/sync/singleflight"

	"github.com/depenses-eclairees/depenses/internal/document"
	"github.com/depenses-eclairees/depenses/internal/store"
)

const (
	// viewDPI renders an A4 page at about 900 × 1290 pixels: legible, light.
	viewDPI = 110
	// maxOriginalBytes bounds what the viewer loads in memory to render a page.
	maxOriginalBytes = 100 << 20
	// maxImagePixels bounds a picture attachment decoded for display.
	maxImagePixels = 60_000_000
)

// personalFields are shown only to people with the review scope (bank details).
var personalFields = map[string]bool{"iban": true, "bic": true}

// fieldRow is one extracted field as the viewer lists it.
type fieldRow struct {
	Name       string
	Value      string
	Confidence float64
	Page       int
	Evidence   string
	Box        []float64 // x0, y0, x1, y1 in points from the top-left corner
	Valid      *bool
	Review     *store.Review // a person's value, which wins
	Extracted  string        // the value read, when a review replaced it
}

type viewerView struct {
	Sess     session
	NumEJ    string
	Doc      store.Document
	Name     string
	Page     int
	Pages    int
	Image    bool    // a page image can be shown
	Width    float64 // page size in points, for the overlay
	Height   float64
	Boxes    bool // the boxes can be placed on the image
	Fields   []fieldRow
	Selected *fieldRow
	Hidden   int // personal fields not shown
	History  []store.AuditEntry
	Notice   string
	Error    string
}

func (v viewerView) imageURL() string {
	return fmt.Sprintf("/ej/%s/documents/%s/pages/%d", v.NumEJ, v.Doc.SHA256, v.Page)
}

func (v viewerView) pageURL(page int, field string) string {
	u := fmt.Sprintf("/ej/%s/documents/%s?page=%d", v.NumEJ, v.Doc.SHA256, page)
	if field != "" {
		u += "&champ=" + field
	}
	return u
}

// attachment finds a document attached to a visible EJ; ok false is a 404.
func (s *server) attachment(ctx context.Context, sess session, num, sha string) (store.Attachment, bool, error) {
	ok, err := s.visible(ctx, sess, num)
	if err != nil || !ok {
		return store.Attachment{}, false, err
	}
	atts, err := s.Store.DocumentsOf(ctx, num)
	if err != nil {
		return store.Attachment{}, false, err
	}
	for _, a := range atts {
		if a.SHA256 == sha {
			return a, true, nil
		}
	}
	return store.Attachment{}, false, nil
}

// mayOpen tells whether the user may see this document: bank details are
// personal data, reserved to the review scope.
func mayOpen(sess session, d store.Document) bool {
	return d.DocumentType != "rib" || sess.can(store.ScopeReview)
}

const ribRefused = "Ce document contient des coordonnées bancaires : il n'est visible qu'avec le droit de revue."

func (s *server) viewer(w http.ResponseWriter, r *http.Request) {
	sess, num, sha := sessionOf(r), r.PathValue("num"), r.PathValue("sha")
	ctx := r.Context()
	att, ok, err := s.attachment(ctx, sess, num, sha)
	if err != nil {
		s.internal(w, r, err)
		return
	}
	if !ok {
		s.notFound(w, r)
		return
	}
	if !mayOpen(sess, att.Document) {
		s.fail(w, r, http.StatusForbidden, ribRefused)
		return
	}
	v := viewerView{Sess: sess, NumEJ: num, Doc: att.Document, Name: att.Name, Page: 1, Notice: noticeText(r.URL.Query().Get("fait"))}
	if res := att.Result; res != nil {
		v.Pages = res.Pages
	}
	if p, err := strconv.Atoi(r.URL.Query().Get("page")); err == nil && p >= 1 && p <= max(v.Pages, 1) {
		v.Page = p
	}
	reviews, err := s.Store.Reviews(ctx, "doc:"+sha)
	if err != nil {
		s.internal(w, r, err)
		return
	}
	v.Fields, v.Hidden = fieldRows(att.Result, reviews, sess.can(store.ScopeReview))
	if name := r.URL.Query().Get("champ"); name != "" {
		for i := range v.Fields {
			if v.Fields[i].Name == name {
				v.Selected = &v.Fields[i]
				if f := v.Selected; f.Page > 0 && f.Page <= max(v.Pages, 1) && r.URL.Query().Get("page") == "" {
					v.Page = f.Page
				}
			}
		}
	}
	if s.canShowPages(att.Document) {
		png, err := s.pagePNG(ctx, att.Document, v.Page)
		if err != nil {
			v.Error = "L'image de la page n'a pas pu être produite : " + err.Error()
		} else if cfg, err := decodePNGConfig(png); err == nil {
			v.Image = true
			if isPDF(att.Document) {
				v.Boxes = true
				v.Width, v.Height = float64(cfg.Width)*72/viewDPI, float64(cfg.Height)*72/viewDPI
			}
		}
	}
	if err := s.audit(ctx, sess, "ouverture_document", "doc:"+sha, map[string]any{"ej": num, "page": v.Page}); err != nil {
		s.internal(w, r, err)
		return
	}
	if v.History, err = s.Web.AuditLog(ctx, "doc:"+sha, 20); err != nil {
		s.internal(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, viewerPage(v))
}

// fieldRows lists a document's fields in name order, people's values laid
// over what was read.
func fieldRows(res *document.Result, reviews []store.Review, personal bool) ([]fieldRow, int) {
	rows := map[string]*fieldRow{}
	hidden := 0
	if res != nil {
		for name, f := range res.Fields {
			if personalFields[name] && !personal {
				hidden++
				continue
			}
			row := &fieldRow{Name: name, Value: formatValue(f.Value), Confidence: f.Confidence, Page: f.Page, Evidence: f.Evidence, Valid: f.Valid}
			if len(f.BBox) == 4 && f.BBox[2] > f.BBox[0] && f.BBox[3] > f.BBox[1] {
				row.Box = f.BBox
			}
			rows[name] = row
		}
	}
	for i := range reviews {
		rv := &reviews[i]
		if personalFields[rv.Field] && !personal {
			continue
		}
		var val any
		if json.Unmarshal([]byte(rv.Value), &val) != nil {
			continue
		}
		row := rows[rv.Field]
		if row == nil {
			row = &fieldRow{Name: rv.Field}
			rows[rv.Field] = row
		}
		if formatValue(val) != row.Value {
			row.Extracted = row.Value
		}
		row.Value, row.Review = formatValue(val), rv
	}
	out := make([]fieldRow, 0, len(rows))
	for _, r := range rows {
		out = append(out, *r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, hidden
}

// formatValue shows a JSON value as a person reads it.
func formatValue(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		if x {
			return "oui"
		}
		return "non"
	default:
		b, _ := json.Marshal(x)
		return string(b)
	}
}

func isPDF(d store.Document) bool {
	return d.Result != nil && d.Result.MediaType == "application/pdf"
}

func isPicture(d store.Document) bool {
	if d.Result == nil {
		return false
	}
	switch d.Result.MediaType {
	case "image/png", "image/jpeg", "image/gif":
		return true
	}
	return false
}

func (s *server) canShowPages(d store.Document) bool {
	return d.Status == store.StatusDone && (isPDF(d) && s.Render != nil || isPicture(d))
}

func decodePNGConfig(b []byte) (image.Config, error) {
	return png.DecodeConfig(bytes.NewReader(b))
}

func (s *server) pageImage(w http.ResponseWriter, r *http.Request) {
	sess, num, sha := sessionOf(r), r.PathValue("num"), r.PathValue("sha")
	ctx := r.Context()
	att, ok, err := s.attachment(ctx, sess, num, sha)
	if err != nil {
		s.internal(w, r, err)
		return
	}
	page, perr := strconv.Atoi(r.PathValue("page"))
	if !ok || perr != nil || page < 1 || !s.canShowPages(att.Document) || att.Result != nil && page > max(att.Result.Pages, 1) {
		http.NotFound(w, r)
		return
	}
	if !mayOpen(sess, att.Document) {
		http.Error(w, ribRefused, http.StatusForbidden)
		return
	}
	b, err := s.pagePNG(ctx, att.Document, page)
	if err != nil {
		s.Logger.Warn("rendu de page impossible", "document", sha, "page", page, "erreur", err)
		http.Error(w, "Rendu de la page impossible : "+err.Error(), http.StatusUnprocessableEntity)
		return
	}
	w.Header().Set("Content-Type", "image/png")
	// Private: the image is only for people of this perimeter.
	w.Header().Set("Cache-Control", "private, max-age=3600")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, _ = w.Write(b)
}

// pagePNG renders a page once and keeps it in the cache folder; the
// original never changes (it is named by its SHA-256), so neither does the page.
func (s *server) pagePNG(ctx context.Context, d store.Document, page int) ([]byte, error) {
	key := fmt.Sprintf("%s-p%d-%d", d.SHA256, page, viewDPI)
	return s.pages.get(key, func() ([]byte, error) {
		data, err := s.readOriginal(d.SHA256)
		if err != nil {
			return nil, err
		}
		var img image.Image
		if isPDF(d) {
			img, err = s.Render(ctx, data, page, viewDPI)
		} else {
			img, err = decodePicture(data)
		}
		if err != nil {
			return nil, err
		}
		var buf bytes.Buffer
		enc := png.Encoder{CompressionLevel: png.BestSpeed}
		if err := enc.Encode(&buf, img); err != nil {
			return nil, err
		}
		return buf.Bytes(), nil
	})
}

func (s *server) readOriginal(sha string) ([]byte, error) {
	if s.Blobs == nil {
		return nil, errors.New("originaux non disponibles")
	}
	rc, err := s.Blobs.Open(sha)
	if err != nil {
		return nil, fmt.Errorf("original introuvable : %w", err)
	}
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, maxOriginalBytes+1))
	if err != nil {
		return nil, fmt.Errorf("lecture de l'original impossible : %w", err)
	}
	if len(data) > maxOriginalBytes {
		return nil, fmt.Errorf("original trop volumineux pour être affiché (plus de %d Mo)", maxOriginalBytes>>20)
	}
	return data, nil
}

// decodePicture decodes a picture after checking its declared size, so a
// small file announcing a huge image cannot exhaust memory.
func decodePicture(data []byte) (image.Image, error) {
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("image illisible : %w", err)
	}
	if int64(cfg.Width)*int64(cfg.Height) > maxImagePixels {
		return nil, fmt.Errorf("image trop grande (%d × %d pixels)", cfg.Width, cfg.Height)
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("image illisible : %w", err)
	}
	return img, nil
}

func (s *server) original(w http.ResponseWriter, r *http.Request) {
	sess, num, sha := sessionOf(r), r.PathValue("num"), r.PathValue("sha")
	ctx := r.Context()
	att, ok, err := s.attachment(ctx, sess, num, sha)
	if err != nil {
		s.internal(w, r, err)
		return
	}
	if !ok || s.Blobs == nil || !s.Blobs.Has(sha) {
		s.notFound(w, r)
		return
	}
	if !mayOpen(sess, att.Document) {
		s.fail(w, r, http.StatusForbidden, ribRefused)
		return
	}
	if err := s.audit(ctx, sess, "telechargement_original", "doc:"+sha, map[string]any{"ej": num}); err != nil {
		s.internal(w, r, err)
		return
	}
	rc, err := s.Blobs.Open(sha)
	if err != nil {
		s.internal(w, r, err)
		return
	}
	defer rc.Close()
	ctype := "application/octet-stream"
	if att.Result != nil && att.Result.MediaType != "" {
		ctype = att.Result.MediaType
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Content-Disposition", "attachment; filename*=UTF-8''"+pathEscapeName(att.Name))
	_, _ = io.Copy(w, rc)
}

func pathEscapeName(name string) string {
	name = filepath.Base(strings.ReplaceAll(name, "\\", "/"))
	var b strings.Builder
	for _, c := range []byte(name) {
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("-._~", c) >= 0 {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// pageCache keeps rendered pages on disk and renders each only once at a time.
type pageCache struct {
	dir   string
	group singleflight.Group
}

func newPageCache(dir string) *pageCache {
	if dir != "" {
		dir = filepath.Join(dir, "pages")
	}
	return &pageCache{dir: dir}
}

func (c *pageCache) get(key string, produce func() ([]byte, error)) ([]byte, error) {
	path := ""
	if c.dir != "" {
		path = filepath.Join(c.dir, key[:2], key+".png")
		if b, err := os.ReadFile(path); err == nil {
			return b, nil
		}
	}
	v, err, _ := c.group.Do(key, func() (any, error) {
		b, err := produce()
		if err != nil {
			return nil, err
		}
		if path != "" {
			// A cache that cannot be written only costs a new rendering.
			if os.MkdirAll(filepath.Dir(path), 0o755) == nil {
				if tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-*"); err == nil {
					_, werr := tmp.Write(b)
					cerr := tmp.Close()
					if werr == nil && cerr == nil {
						_ = os.Rename(tmp.Name(), path)
					}
					_ = os.Remove(tmp.Name())
				}
			}
		}
		return b, nil
	})
	if err != nil {
		return nil, err
	}
	return v.([]byte), nil
}
