package pipeline

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// An attachment is a file to store, with the EJ it belongs to.
type attachment struct {
	Path  string   // where it was found, for messages
	Name  string   // the original file name, without the EJ prefix
	EJs   []string // 10-digit EJ numbers
	Size  int64
	Open  func() (io.ReadCloser, error)
	Issue string // why it cannot be linked to an EJ, when EJs is empty
}

// stateToolName is how the State's tool stores attachments: <num_ej>_<n>_<name>.
var stateToolName = regexp.MustCompile(`^(\d{10})_\d+_(.+)$`)

var ejNumber = regexp.MustCompile(`^\d{10}$`)

// ignoredFile are the files desktops leave in folders.
func ignoredFile(name string) bool {
	base := strings.ToLower(path.Base(name))
	return strings.HasPrefix(base, ".") || base == "thumbs.db" || base == "desktop.ini" || strings.HasPrefix(base, "~$")
}

func isManifest(name string) bool {
	base := strings.ToLower(path.Base(name))
	return (strings.HasPrefix(base, "manifest") || strings.HasPrefix(base, "manifeste")) && strings.HasSuffix(base, ".csv")
}

// limits of an attachments archive, beyond intake's own per-file limits.
const (
	maxArchiveMembers = 1_000_000
	maxManifestBytes  = 256 << 20
)

// listAttachments finds the attachments under root (a folder or a ZIP
// archive) and links each to its EJ by, in order: the State tool's file
// name, an enclosing folder named after the EJ, or a manifest CSV
// (`num_ej;fichier`) at the top. The manifest may also be given apart.
func listAttachments(root, manifestPath string) ([]attachment, io.Closer, error) {
	info, err := os.Stat(root)
	if err != nil {
		return nil, nil, fmt.Errorf("pièces jointes introuvables : %w", err)
	}
	var closer io.Closer = io.NopCloser(nil)
	var files []attachment
	var manifests [][]byte
	add := func(rel string, size int64, open func() (io.ReadCloser, error)) error {
		if ignoredFile(rel) {
			return nil
		}
		if isManifest(rel) && !strings.Contains(rel, "/") {
			data, err := readBounded(open, maxManifestBytes)
			if err != nil {
				return fmt.Errorf("manifeste %s : %w", rel, err)
			}
			manifests = append(manifests, data)
			return nil
		}
		files = append(files, attachment{Path: rel, Size: size, Open: open})
		return nil
	}
	if info.IsDir() {
		err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() || !d.Type().IsRegular() {
				return nil
			}
			fi, err := d.Info()
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(root, p)
			return add(filepath.ToSlash(rel), fi.Size(), func() (io.ReadCloser, error) { return os.Open(p) })
		})
	} else {
		closer, err = walkZip(root, add)
	}
	if err != nil {
		return nil, nil, err
	}
	if manifestPath != "" {
		data, err := readBounded(func() (io.ReadCloser, error) { return os.Open(manifestPath) }, maxManifestBytes)
		if err != nil {
			closer.Close()
			return nil, nil, fmt.Errorf("manifeste %s : %w", manifestPath, err)
		}
		manifests = append(manifests, data)
	}
	byFile := map[string][]string{}
	for _, m := range manifests {
		if err := parseManifest(m, byFile); err != nil {
			closer.Close()
			return nil, nil, err
		}
	}
	for i := range files {
		link(&files[i], byFile)
	}
	sort.SliceStable(files, func(i, j int) bool { return files[i].Path < files[j].Path })
	return files, closer, nil
}

func link(a *attachment, manifest map[string][]string) {
	base := path.Base(a.Path)
	a.Name = base
	if m := stateToolName.FindStringSubmatch(base); m != nil {
		a.EJs, a.Name = []string{m[1]}, m[2]
		return
	}
	dirs := strings.Split(path.Dir(a.Path), "/")
	for i := len(dirs) - 1; i >= 0; i-- {
		if ejNumber.MatchString(dirs[i]) {
			a.EJs = []string{dirs[i]}
			return
		}
	}
	if ejs := manifest[a.Path]; len(ejs) > 0 {
		a.EJs = ejs
		return
	}
	if ejs := manifest[base]; len(ejs) > 0 {
		a.EJs = ejs
		return
	}
	a.Issue = "aucun EJ pour ce fichier : son nom ne commence pas par un numéro d'EJ (<num_ej>_<n>_<nom>), aucun dossier parent ne porte un numéro d'EJ et aucun manifeste ne le cite"
}

// parseManifest reads `num_ej;fichier` rows (`;` or `,`, header optional).
func parseManifest(data []byte, into map[string][]string) error {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	sep := ';'
	if first, _, _ := bytes.Cut(data, []byte("\n")); !bytes.ContainsRune(first, ';') && bytes.ContainsRune(first, ',') {
		sep = ','
	}
	r := csv.NewReader(bufio.NewReader(bytes.NewReader(data)))
	r.Comma = sep
	r.FieldsPerRecord = -1
	line := 0
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		line++
		if err != nil {
			return fmt.Errorf("manifeste, ligne %d : %w", line, err)
		}
		if len(rec) < 2 {
			return fmt.Errorf("manifeste, ligne %d : deux colonnes attendues (num_ej;fichier)", line)
		}
		num := strings.Join(strings.Fields(rec[0]), "")
		if !ejNumber.MatchString(num) {
			if line == 1 {
				continue // header
			}
			return fmt.Errorf("manifeste, ligne %d : numéro d'EJ invalide %q", line, rec[0])
		}
		file := path.Clean(filepath.ToSlash(strings.TrimSpace(rec[1])))
		into[file] = appendUnique(into[file], num)
	}
}

func appendUnique(list []string, v string) []string {
	for _, x := range list {
		if x == v {
			return list
		}
	}
	return append(list, v)
}

func readBounded(open func() (io.ReadCloser, error), max int64) ([]byte, error) {
	rc, err := open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("au-delà de %d Mo", max>>20)
	}
	return data, nil
}

// walkZip lists the members of an attachments archive. Each member is
// opened on demand; intake bounds what it reads from each.
func walkZip(file string, add func(rel string, size int64, open func() (io.ReadCloser, error)) error) (io.Closer, error) {
	zr, err := zip.OpenReader(file)
	if err != nil {
		return nil, fmt.Errorf("archive de pièces jointes illisible (%s) : %w", filepath.Base(file), err)
	}
	// The reader stays open for the whole ingest: members are opened later.
	if len(zr.File) > maxArchiveMembers {
		zr.Close()
		return nil, fmt.Errorf("archive de pièces jointes de %d fichiers, au-delà de la limite de %d", len(zr.File), maxArchiveMembers)
	}
	for _, f := range zr.File {
		if f.FileInfo().IsDir() {
			continue
		}
		name := path.Clean(strings.TrimPrefix(filepath.ToSlash(f.Name), "/"))
		if strings.HasPrefix(name, "../") {
			continue // a member that escapes the archive is not an attachment
		}
		if err := add(name, int64(f.UncompressedSize64), f.Open); err != nil {
			zr.Close()
			return nil, err
		}
	}
	return zr, nil
}
