package referential

import (
	"testing"
	"time"
)

// FuzzParseAnomalyParams: a user's parameters file never panics, and what
// parses answers lookups.
func FuzzParseAnomalyParams(f *testing.F) {
	data, err := embeddedParams.ReadFile("parametres/" + FileAnomalyParams)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	f.Add([]byte("code;valeur;unite;depuis;jusqu_a;source\na;1;ratio;2020-01-01;2020-12-31;s\na;2;ratio;2021-01-01;;s\n"))
	f.Add([]byte("\uFEFFcode;valeur;unite;depuis;jusqu_a;source\r\n\"a;b\";\"x\"\"y\";texte;2020-01-01;;s\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := ParseAnomalyParams("fuzz.csv", data)
		if err != nil {
			return
		}
		for _, c := range p.Codes() {
			p.Param(c, time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC))
		}
	})
}
