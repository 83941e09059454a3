package office

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/depenses-eclairees/depenses/internal/document"
	"github.com/depenses-eclairees/depenses/internal/intake/limits"
)

// The Debian packages that provide the converters, named in the error
// shown when LibreOffice is missing.
const (
	libreOfficePackages = "libreoffice-writer-nogui / libreoffice-calc-nogui"
	impressPackage      = "libreoffice-impress-nogui" // PPT only
)

// defaultConvertTimeout bounds one conversion when the limits set none.
const defaultConvertTimeout = 2 * time.Minute

// conversions bounds the LibreOffice processes run at once: each takes a
// few hundred megabytes.
var conversions = make(chan struct{}, max(1, runtime.NumCPU()/2))

// findSoffice locates the LibreOffice binary: $DEPENSES_SOFFICE when set,
// else on PATH, else where distributions and the official packages put it.
func findSoffice() string {
	if p := os.Getenv("DEPENSES_SOFFICE"); p != "" {
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return p
		}
		return ""
	}
	for _, name := range []string{"soffice", "libreoffice"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	candidates := []string{"/usr/lib/libreoffice/program/soffice", "/Applications/LibreOffice.app/Contents/MacOS/soffice"}
	globbed, _ := filepath.Glob("/opt/libreoffice*/program/soffice")
	for _, p := range append(candidates, globbed...) {
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return p
		}
	}
	return ""
}

// readLegacy converts a DOC, XLS, PPT or RTF file with LibreOffice and
// reads the converted DOCX, XLSX or PPTX.
func readLegacy(ctx context.Context, p *pager, data []byte, kind Kind) error {
	what := strings.ToUpper(string(kind))
	if legacyEncrypted(data, kind) {
		return document.Errorf(document.ErrEncrypted, "le fichier %s est protégé par un mot de passe", what)
	}
	target, read := "docx", readDOCX
	switch kind {
	case KindXLS:
		target, read = "xlsx", readXLSX
	case KindPPT:
		target, read = "pptx", readPPTX
	}
	converted, err := convertWithLibreOffice(ctx, data, kind, target, p.lim)
	if err != nil {
		return err
	}
	return read(p, converted)
}

// convertWithLibreOffice runs `soffice --headless --convert-to` in a
// private temporary directory with its own user profile (concurrent
// conversions sharing a profile block each other), under a timeout; on
// timeout the whole process group is killed.
func convertWithLibreOffice(ctx context.Context, data []byte, kind Kind, target string, lim limits.Limits) ([]byte, error) {
	what := strings.ToUpper(string(kind))
	packages := libreOfficePackages
	if kind == KindPPT {
		packages += " / " + impressPackage
	}
	soffice := findSoffice()
	if soffice == "" {
		return nil, document.Errorf(document.ErrMissingTool,
			"LibreOffice n'est pas installé (paquet Debian %s) : impossible de lire le fichier %s", packages, what)
	}
	timeout := lim.PageTimeout
	if timeout <= 0 {
		timeout = defaultConvertTimeout
	}
	if lim.FileTimeout > 0 {
		timeout = min(timeout, lim.FileTimeout)
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	select {
	case conversions <- struct{}{}:
		defer func() { <-conversions }()
	case <-ctx.Done():
		return nil, document.Errorf(document.ErrTimeout, "délai dépassé en attendant LibreOffice pour le fichier %s: %w", what, ctx.Err())
	}

	dir, err := os.MkdirTemp("", "depenses-soffice-")
	if err != nil {
		return nil, document.Errorf(document.ErrInternal, "répertoire temporaire impossible à créer : %w", err)
	}
	defer os.RemoveAll(dir)
	in := filepath.Join(dir, "document."+string(kind))
	outDir := filepath.Join(dir, "out")
	if err := os.WriteFile(in, data, 0o600); err != nil {
		return nil, document.Errorf(document.ErrInternal, "fichier temporaire impossible à écrire : %w", err)
	}
	profile := (&url.URL{Scheme: "file", Path: filepath.Join(dir, "profile")}).String()
	cmd := exec.CommandContext(ctx, soffice,
		"-env:UserInstallation="+profile,
		"--headless", "--norestore", "--nolockcheck", "--nodefault", "--nologo",
		"--convert-to", target, "--outdir", outDir, in)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "HOME="+dir, "TMPDIR="+dir)
	var output limitedBuffer
	cmd.Stdout, cmd.Stderr = &output, &output
	setProcessGroup(cmd)
	cmd.WaitDelay = 5 * time.Second
	runErr := cmd.Run()
	killProcessGroup(cmd) // LibreOffice may leave a child behind
	if ctx.Err() != nil {
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return nil, document.Errorf(document.ErrTimeout,
				"délai dépassé : LibreOffice n'a pas converti le fichier %s en %s: %w", what, timeout, ctx.Err())
		}
		return nil, contextError(ctx.Err())
	}
	out := filepath.Join(outDir, "document."+target)
	st, statErr := os.Stat(out)
	if statErr != nil || st.Size() == 0 {
		detail := strings.TrimSpace(output.String())
		if runErr != nil {
			detail = strings.TrimSpace(runErr.Error() + " " + detail)
		}
		hint := "fichier corrompu ou protégé ?"
		if kind == KindPPT {
			hint = "fichier corrompu, protégé, ou paquet " + impressPackage + " absent ?"
		}
		return nil, document.Errorf(document.ErrCorrupt,
			"LibreOffice n'a pas pu convertir le fichier %s (%s) : %s: %w", what, hint, lastLine(detail),
			fmt.Errorf("soffice: %s", detail))
	}
	if lim.MaxFileBytes > 0 && st.Size() > 4*lim.MaxFileBytes {
		return nil, document.Errorf(document.ErrTooLarge, "le fichier %s converti par LibreOffice est trop volumineux (%d octets)", what, st.Size())
	}
	converted, err := os.ReadFile(out)
	if err != nil {
		return nil, document.Errorf(document.ErrInternal, "fichier converti illisible : %w", err)
	}
	return converted, nil
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}

// limitedBuffer keeps the first 64 KB of a process's output.
type limitedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *limitedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if room := 64<<10 - l.b.Len(); room > 0 {
		l.b.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}

func (l *limitedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
