package fr

import "testing"

func TestEditDistance(t *testing.T) {
	cases := []struct {
		a, b string
		want int
	}{
		{"", "", 0}, {"liberte", "liberte", 0}, {"libcrte", "liberte", 1}, {"fratcrnite", "fraternite", 1},
		{"", "abc", 3}, {"abc", "", 3}, {"egahte", "egalite", 2}, {"chien", "niche", 4},
	}
	for _, c := range cases {
		if got := EditDistance([]byte(c.a), []byte(c.b)); got != c.want {
			t.Errorf("EditDistance(%q, %q) = %d, want %d", c.a, c.b, got, c.want)
		}
	}
	if got := EditDistance([]rune("égalité"), []rune("egalite")); got != 2 {
		t.Errorf("runes: %d, want 2", got)
	}
}
