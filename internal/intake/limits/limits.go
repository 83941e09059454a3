// Package limits holds the bounds every reader honours, so that a hostile
// or huge file costs a known amount of memory and time and then fails with
// a clear error.
package limits

import (
	"runtime"
	"time"
)

// Limits bound the work done on one input file, children included.
type Limits struct {
	MaxFileBytes int64         // size of one file, archive members included
	MaxPages     int           // pages (or sheets) of one document
	MaxPixels    int64         // pixels of one image or rendered page
	MaxExpanded  int64         // bytes unpacked from one archive, in total
	MaxRatio     float64       // expansion ratio of one archive member
	MaxDepth     int           // nesting of archives and e-mails
	MaxChildren  int           // documents inside one archive or e-mail
	MaxTextBytes int64         // text kept from one document
	PageTimeout  time.Duration // reading one page (OCR included)
	FileTimeout  time.Duration // reading one file, children included
	OCRWorkers   int           // OCR processes run at once
	RenderDPI    int           // resolution of pages rendered for OCR
}

// Default returns bounds suited to public-procurement attachments: Chorus
// accepts 10 MB per attachment, real dossiers run to a few hundred pages.
func Default() Limits {
	return Limits{
		MaxFileBytes: 100 << 20,
		MaxPages:     1000,
		MaxPixels:    60_000_000, // an A3 page at 400 dpi
		MaxExpanded:  1 << 30,
		MaxRatio:     200,
		MaxDepth:     4,
		MaxChildren:  2000,
		MaxTextBytes: 50 << 20,
		PageTimeout:  2 * time.Minute,
		FileTimeout:  30 * time.Minute,
		OCRWorkers:   runtime.NumCPU(),
		RenderDPI:    300,
	}
}
