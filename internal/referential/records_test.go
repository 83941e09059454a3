package referential

import (
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
)

func TestRecordScanner(t *testing.T) {
	in := "a;b;c\r\n" +
		"\"x;y\";\"say \"\"hi\"\"\";z\n" +
		"\n" +
		"\"multi\nline\";2;3\n" +
		"bare\"quote;2;3\n" +
		"\"open;2;3\n"
	sc := newRecordScanner(strings.NewReader(in), ';')
	want := []struct {
		fields []string
		line   int
		err    bool
	}{
		{[]string{"a", "b", "c"}, 1, false},
		{[]string{"x;y", `say "hi"`, "z"}, 2, false},
		{[]string{"multi\nline", "2", "3"}, 4, false},
		{[]string{`bare"quote`, "2", "3"}, 6, false},
		{nil, 7, true},
	}
	for i, w := range want {
		got, err := sc.next()
		var re *recordError
		if w.err != errors.As(err, &re) || sc.start != w.line {
			t.Fatalf("record %d: %q err=%v line=%d, want line %d err=%v", i, got, err, sc.start, w.line, w.err)
		}
		if !w.err && !reflect.DeepEqual(got, w.fields) {
			t.Errorf("record %d = %q, want %q", i, got, w.fields)
		}
	}
	if _, err := sc.next(); err != io.EOF {
		t.Errorf("end: %v", err)
	}
}

func TestDecodeFieldWindows1252(t *testing.T) {
	if got := decodeField("\xc9tudes \x96 r\xe9sum\xe9 \x80"); got != "Études – résumé €" {
		t.Errorf("decodeField = %q", got)
	}
	if got := decodeField("Études"); got != "Études" {
		t.Errorf("UTF-8 changed: %q", got)
	}
}

func TestNormalizeHeader(t *testing.T) {
	for _, h := range []string{"Groupe de marchandises (P) - Clé", "\uFEFFgroupe  de marchandises (P) – CLÉ ", "Groupe de marchandises (P) - Cle"} {
		if got := normalizeHeader(h); got != "groupe de marchandises (p) - cle" {
			t.Errorf("normalizeHeader(%q) = %q", h, got)
		}
	}
}
