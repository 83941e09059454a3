package anomaly

import "testing"

func TestRevueDITP(t *testing.T) {
	cases := []struct {
		name string
		spec ejSpec
		want bool
	}{
		{"exactly 500 000 € TTC", ejSpec{ht: 416666.67, ttc: 500000}, false},
		{"one cent above", ejSpec{ht: 416666.68, ttc: 500000.01}, true},
		{"HT only, with a 20 % rate", ejSpec{ht: 420000, rate: 20}, true},
		{"HT only, no rate: the default 20 %", ejSpec{ht: 420000}, true},
		{"HT only, 410 000 € is 492 000 € TTC", ejSpec{ht: 410000}, false},
		{"furniture of 900 000 € TTC", ejSpec{ht: 750000, ttc: 900000, gm: gmMobilier, gmLib: gmMobilierLib, cpv: cpvMobilier}, false},
		{"before the circulaire", ejSpec{ht: 750000, ttc: 900000, date: "2021-12-01"}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.spec.num = "1300000001"
			if c.spec.date == "" {
				c.spec.date = "2025-06-02"
			}
			if c.spec.gm == "" {
				c.spec.gm, c.spec.gmLib, c.spec.cpv = gmConseil, gmConseilLib, cpvConseil
			}
			c.spec.ac = "2022DIT0000001"
			got := detectCode(t, CodeRevueDITP, Options{}, mkRec(mkEJ(c.spec)))
			if (len(got) == 1) != c.want {
				t.Fatalf("got %+v, want fired=%v", got, c.want)
			}
		})
	}
}
