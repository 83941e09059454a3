package ocr

import (
	"bytes"
	"math"
	"strconv"
	"strings"
)

// tsvWord is one level-5 row of tesseract's TSV: a word, its line key and
// its box in pixels.
type tsvWord struct {
	line           lineKey
	text           string
	x0, y0, x1, y1 int
	conf           float64 // 0..1
}

type lineKey struct{ page, block, par, line int }

// maxCoord bounds pixel coordinates: tesseract never reports more than the
// image size, and anything larger is garbage.
const maxCoord = 1 << 20

// parseTSV reads tesseract's TSV output and returns its words. Rows that
// are not well-formed words are skipped: tesseract's output is trusted only
// as far as it parses.
func parseTSV(data []byte) []tsvWord {
	var words []tsvWord
	for len(data) > 0 {
		var row []byte
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			row, data = data[:i], data[i+1:]
		} else {
			row, data = data, nil
		}
		if w, ok := parseRow(row); ok {
			words = append(words, w)
		}
	}
	return words
}

// parseRow parses "level page block par line word left top width height conf text".
func parseRow(row []byte) (tsvWord, bool) {
	row = bytes.TrimRight(row, "\r")
	f := strings.SplitN(string(row), "\t", 12)
	if len(f) != 12 || f[0] != "5" {
		return tsvWord{}, false
	}
	var n [9]int
	for i := range n {
		v, err := strconv.Atoi(f[i+1])
		if err != nil || v < 0 || v > maxCoord {
			return tsvWord{}, false
		}
		n[i] = v
	}
	conf, err := strconv.ParseFloat(f[10], 64)
	if err != nil || math.IsNaN(conf) || math.IsInf(conf, 0) {
		return tsvWord{}, false
	}
	// A word holds no spaces; should a row carry some, they are dropped.
	text := strings.Join(strings.Fields(strings.ToValidUTF8(f[11], "\uFFFD")), "")
	if text == "" {
		return tsvWord{}, false
	}
	left, top, width, height := n[5], n[6], n[7], n[8]
	if width == 0 || height == 0 {
		return tsvWord{}, false
	}
	return tsvWord{
		line: lineKey{n[0], n[1], n[2], n[3]},
		text: text,
		x0:   left, y0: top, x1: left + width, y1: top + height,
		conf: min(max(conf, 0), 100) / 100,
	}, true
}
