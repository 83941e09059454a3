package fr_test

import (
	"fmt"

	"github.com/depenses-eclairees/depenses/internal/fr"
)

func ExampleFindAmounts() {
	line := "TVA 20 % : 46,25 € ; Total TTC 13/11/2017 : 1 481,47 € TTC ; SIRET 732 829 320 00074"
	for _, m := range fr.FindAmounts(line) {
		fmt.Printf("%q [%d:%d] %.2f %s/%s\n", m.Text, m.Start, m.End, m.Value, m.Currency, m.Basis)
	}
	// Output:
	// "46,25 €" [11:20] 46.25 EUR/
	// "1 481,47 € TTC" [46:62] 1481.47 EUR/TTC
}

func ExampleFindDates() {
	for _, m := range fr.FindDates("Fait le 1er mars 2026, exécution en avril 2026") {
		t, full := m.Time()
		fmt.Println(m.Text, full, t.Format("2006-01-02"))
	}
	// Output:
	// 1er mars 2026 true 2026-03-01
	// avril 2026 false 0001-01-01
}

func ExampleRepairIdentifier() {
	fixed, ok := fr.RepairIdentifier("552 O81 317", fr.ValidSIREN)
	fmt.Println(fixed, ok)
	// Output: 552 081 317 true
}

func ExampleValidVAT() {
	fmt.Println(fr.NormalizeVAT("FR 03 552 081 317"), fr.ValidVAT("FR 03 552 081 317"), fr.FRVATKey("552081317"))
	// Output: FR03552081317 true 03
}
