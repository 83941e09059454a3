package chorus

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/depenses-eclairees/depenses/internal/fr"
	"github.com/xuri/excelize/v2"
)

// trimValue removes blanks around a cell, including no-break spaces.
func trimValue(s string) string {
	return strings.TrimFunc(s, func(r rune) bool {
		return r == ' ' || r == '\t' || r == '\r' || r == '\n' || r == '\u00a0' || r == '\u202f' || r == '\u2007'
	})
}

// plainDecimal reports a number written the programmatic way: optional
// minus, digits, optional '.' and digits, optional exponent (spreadsheets).
func plainDecimal(s string) bool {
	i := 0
	if i < len(s) && (s[i] == '-' || s[i] == '+') {
		i++
	}
	d := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
		d++
	}
	if i < len(s) && s[i] == '.' {
		i++
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
			d++
		}
	}
	if d == 0 {
		return false
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '-' || s[i] == '+') {
			i++
		}
		e := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
			e++
		}
		if e == 0 {
			return false
		}
	}
	return i == len(s)
}

// parseAmount reads a non-empty amount cell. pointDecimal says that
// "1.250" means 1.25 (canonical CSV, XLSX raw values); otherwise the French
// reading of fr.ParseAmount applies ("1.250" = 1250, "1 234,56 €").
func parseAmount(s string, pointDecimal bool) (float64, bool) {
	plain := plainDecimal(s)
	if plain && (pointDecimal || strings.IndexByte(s, '.') < 0) {
		v, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
			return 0, false
		}
		return v, true
	}
	return fr.ParseAmount(s)
}

// parseRate reads a non-empty VAT rate in percent ("20", "5,5 %"); a
// fraction such as 0.2 (a spreadsheet percent cell) is turned into percent
// only when that gives a French VAT rate.
func parseRate(s string, pointDecimal bool) (float64, bool) {
	v, ok := fr.ParsePercent(s)
	if !ok {
		if v, ok = parseAmount(s, pointDecimal); !ok {
			return 0, false
		}
	}
	if v > 0 && v < 1 {
		if pct := math.Round(v*1000) / 10; fr.IsFrenchVATRate(pct, fr.Mainland) {
			v = pct
		}
	}
	if v < 0 || v > 100 {
		return 0, false
	}
	return v, true
}

// parseDate returns YYYY-MM-DD from AAAAMMJJ, JJ/MM/AAAA, ISO with or
// without a time, and, in XLSX, an Excel serial number. ok is false for a
// value that cannot be read; an empty cell gives ("", true).
func parseDate(s string, xlsx, date1904 bool) (string, bool) {
	if s == "" {
		return "", true
	}
	if xlsx && plainDecimal(s) && !(len(s) == 8 && allASCIIDigits(s)) {
		v, err := strconv.ParseFloat(s, 64)
		// 1 = 1900-01-01; 73051 = 2100-01-01.
		if err != nil || v < 1 || v >= 73051 {
			return "", false
		}
		t, err := excelize.ExcelDateToTime(v, date1904)
		if err != nil {
			return "", false
		}
		return t.Format(time.DateOnly), true
	}
	// Drop a time after an ISO or French date: "2025-03-01 10:00:00",
	// "01/03/2025 00:00".
	if sp := strings.IndexAny(s, " T"); sp == 10 && strings.ContainsAny(s[:sp], "/-") {
		if rest := s[sp+1:]; rest != "" && rest[0] >= '0' && rest[0] <= '9' {
			s = s[:sp]
		}
	}
	t, ok := fr.ParseDate(s)
	if !ok {
		return "", false
	}
	return t.Format(time.DateOnly), true
}

// digitsOnly normalises an identifier: blanks, dots, a spreadsheet's ".0"
// or exponent go (fr.NormalizeDigits); plain digits are returned as they are.
func digitsOnly(s string) string {
	if allASCIIDigits(s) {
		return s
	}
	return fr.NormalizeDigits(s)
}

// luhn reports whether a string of ASCII digits passes the Luhn check.
func luhn(digits string) bool {
	sum, double := 0, false
	for i := len(digits) - 1; i >= 0; i-- {
		d := int(digits[i] - '0')
		if double {
			if d *= 2; d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return sum%10 == 0
}

// restoreLeadingZero puts back the leading zero a spreadsheet drops from an
// identifier stored as a number, only when the result passes Luhn (a check
// that an arbitrary short number passes one time in ten).
func restoreLeadingZero(n string, want int) string {
	if len(n) == want-1 && allASCIIDigits(n) && luhn("0"+n) {
		return "0" + n
	}
	return n
}

// normalizeProgramme gives a programme as 4 digits: "129", "P129", "0129"
// → "0129".
func normalizeProgramme(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if len(s) > 1 && (s[0] == 'P' || s[0] == 'p') {
		s = strings.TrimSpace(s[1:])
	}
	s = strings.TrimSuffix(s, ".0")
	if len(s) == 0 || len(s) > 4 || !allASCIIDigits(s) {
		return "", false
	}
	return strings.Repeat("0", 4-len(s)) + s, true
}

// splitCentreFinancier reads PPPP-BBBB-UUUU into programme, BOP
// ("PPPP-BBBB") and UO ("PPPP-BBBB-UUUU"), as far as the code goes.
func splitCentreFinancier(cf string) (prog, bop, uo string) {
	parts := strings.Split(cf, "-")
	if len(parts) < 2 {
		return "", "", ""
	}
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
		if parts[i] == "" {
			return "", "", ""
		}
	}
	p, ok := normalizeProgramme(parts[0])
	if !ok || len(parts[0]) < 3 {
		return "", "", ""
	}
	prog = p
	bop = p + "-" + parts[1]
	if len(parts) >= 3 {
		uo = bop + "-" + parts[2]
	}
	return prog, bop, uo
}
