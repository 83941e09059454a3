package office

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/depenses-eclairees/depenses/internal/intake/limits"
)

// bigDOCX is a 2,000-paragraph document with a 500-row table: a long CCTP.
func bigDOCX(b *testing.B) []byte {
	var body strings.Builder
	for i := range 2000 {
		body.WriteString(wp(fmt.Sprintf("Article %d : le titulaire exécute les prestations conformément au cahier des clauses techniques particulières.", i)))
	}
	body.WriteString(`<w:tbl>`)
	for i := range 500 {
		fmt.Fprintf(&body, `<w:tr><w:tc><w:p><w:r><w:t>Poste %d</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>%d</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>%d,50 €</w:t></w:r></w:p></w:tc></w:tr>`, i, i%7+1, i*13)
	}
	body.WriteString(`</w:tbl>`)
	return docx(b, body.String())
}

func BenchmarkDOCX(b *testing.B) {
	for _, tc := range []struct {
		name string
		data []byte
	}{
		{"lettre", readTestdata(b, "lettre.docx")},
		{"2000-paragraphs-500-rows", bigDOCX(b)},
	} {
		b.Run(tc.name, func(b *testing.B) {
			b.SetBytes(int64(len(tc.data)))
			b.ReportAllocs()
			for b.Loop() {
				if _, _, err := Read(context.Background(), tc.data, KindDOCX, limits.Default()); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkXLSX(b *testing.B) {
	f := excelize.NewFile()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		b.Fatal(err)
	}
	for r := 1; r <= 5000; r++ {
		cell, _ := excelize.CoordinatesToCellName(1, r)
		if err := sw.SetRow(cell, []any{fmt.Sprintf("Article %d", r), r % 9, float64(r) * 1.25, "fourniture de bureau", r * 3}); err != nil {
			b.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		b.Fatal(err)
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		b.Fatal(err)
	}
	data := buf.Bytes()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := Read(context.Background(), data, KindXLSX, limits.Default()); err != nil {
			b.Fatal(err)
		}
	}
}
