package fr

import (
	"strings"
	"unicode/utf8"
)

// FindAmounts returns the amounts of a line of text, left to right, with
// their byte spans (for evidence). A number is an amount when it carries a
// currency ("150 €", "EUR 150", "1,5 M€"), an HT/TTC mention ("12 345 HT")
// or exactly two decimals ("624,90"). It is never an amount when it is glued
// to letters or to a slash, colon or dash with digits on the other side, or
// followed by '%': so dates ("13/11/2017", "2015-07-02"), times ("10:30",
// "14h30"), percentages, references ("FA-2017-0010", "PO445", "FR76…") are
// skipped, and phone numbers ("04 50 44 68 99"), SIREN/SIRET, IBAN groups,
// postal codes and quantities are bare integers, which are not amounts.
//
// Digit groups separated by one blank are read as thousands ("2 150,00" is
// 2150); a column gap (a tab or several blanks) separates numbers.
// Parentheses make an amount negative only when they hold the number alone
// ("(150,00)"), not an aside such as "(1 000,00 € HT)".
func FindAmounts(line string) []AmountMatch {
	var out []AmountMatch
	lastEnd := 0
	for i := 0; i < len(line); {
		if !isDigitASCII(line[i]) {
			i++
			continue
		}
		runEnd := numeralEnd(line, i)
		out, lastEnd = findAmountsInRun(line, i, runEnd, lastEnd, out)
		i = runEnd
	}
	return out
}

type chunk struct{ start, end int }

// findAmountsInRun splits a numeral run at its blanks and reads amounts in
// it, longest well-formed numbers first.
func findAmountsInRun(line string, a, b, lastEnd int, out []AmountMatch) ([]AmountMatch, int) {
	var buf [16]chunk
	chunks := buf[:0]
	start := a
	for i := a; i < b; {
		r, size := utf8.DecodeRuneInString(line[i:])
		if isNumberBlank(r) {
			chunks = append(chunks, chunk{start, i})
			start = i + size
		}
		i += size
	}
	chunks = append(chunks, chunk{start, b})

	for k := 0; k < len(chunks); {
		if leftGlued(line, chunks[k].start) {
			k++
			continue
		}
		next := k + 1
		for j := greedyChunkEnd(line, chunks, k); j >= k; j-- {
			m, st := amountAt(line, chunks[k].start, chunks[j].end, lastEnd)
			if st == numberInvalid || st == numberGlued {
				continue
			}
			if st == numberAmount {
				out = append(out, m)
				lastEnd = m.End
			}
			next = j + 1
			break
		}
		k = next
	}
	return out, lastEnd
}

// greedyChunkEnd extends chunk k over the following thousands groups
// ("1" "234" "567,89"), and returns the index of the last one.
func greedyChunkEnd(line string, chunks []chunk, k int) int {
	first := line[chunks[k].start:chunks[k].end]
	if len(first) > 3 || !allDigits(first) || first[0] == '0' {
		return k
	}
	j := k
	// 15 integer digits at most: a first group and four more.
	for j+1 < len(chunks) && j-k < 4 {
		c := line[chunks[j+1].start:chunks[j+1].end]
		if len(c) == 3 && allDigits(c) {
			j++
			continue
		}
		if len(c) > 4 && allDigits(c[:3]) && (c[3] == ',' || c[3] == '.') && allDigits(c[4:]) {
			// The decimal part ends the number.
			j++
		}
		break
	}
	return j
}

// leftGlued reports whether the digits at line[a] continue a word or another
// number: "PO445", "n°12", "13/11", "FA-2017", "10:30", ".5".
func leftGlued(line string, a int) bool {
	if a == 0 {
		return false
	}
	r, size := utf8.DecodeLastRuneInString(line[:a])
	switch r {
	case '_', '°', 'º', '#', '@', '&', '/', '\\', '.', ',', '\'', '’', '%', '§', '²', '³', '*':
		return true
	case ':', '-', '−', '–', '+':
		// "10:30", "FA-2017", "2015-07", "A+1" are glued; "Total :", " -150" are not.
		return a-size > 0 && isWordRune(lastRune(line[:a-size]))
	}
	return isWordRune(r)
}

func lastRune(s string) rune {
	r, _ := utf8.DecodeLastRuneInString(s)
	return r
}

type numberStatus int

const (
	numberInvalid   numberStatus = iota // not a well-formed numeral: try fewer groups
	numberGlued                         // glued to what follows: try fewer groups
	numberNotAmount                     // a number, but not an amount
	numberAmount
)

// amountAt decides whether the numeral line[a:b] is an amount and extends
// it over its sign, currency, HT/TTC mention and parentheses.
func amountAt(line string, a, b, lastEnd int) (AmountMatch, numberStatus) {
	v, decimals, ok := parseNumeral(line[a:b], false)
	if !ok {
		return AmountMatch{}, numberInvalid
	}
	suf := parseAmountSuffix(line, b, amountGap)
	if b < len(line) {
		r, size := utf8.DecodeRuneInString(line[b:])
		after := line[b+size:]
		switch {
		case r == '/' || r == ':':
			if after != "" && isDigitASCII(after[0]) {
				return AmountMatch{}, numberGlued
			}
		case r == '-' || r == '−' || r == '–':
			if !suf.trailingMinus {
				return AmountMatch{}, numberGlued
			}
		case r == '°' || r == 'º' || r == '_' || r == '#' || r == '@' || r == '&' || r == '\\' || r == '²' || r == '³':
			return AmountMatch{}, numberGlued
		case isWordRune(r) && suf.end == b:
			return AmountMatch{}, numberGlued
		}
	}
	if j := skipBlanks(line, b, amountGap); j < len(line) && line[j] == '%' {
		return AmountMatch{}, numberNotAmount
	}

	start, end := a, suf.end
	neg := suf.trailingMinus
	if n := minusBefore(line, a); n > 0 && a-n >= lastEnd {
		if neg {
			return AmountMatch{}, numberNotAmount
		}
		start, neg = a-n, true
	}
	currency := suf.currency
	if currency == "" {
		if p, code := currencyBefore(line, start); code != "" && p >= lastEnd {
			start, currency = p, code
		}
	}
	if start == a && end == b && a-1 >= lastEnd && line[a-1] == '(' && b < len(line) && line[b] == ')' {
		start, end, neg = a-1, b+1, true
	}
	if currency == "" && suf.basis == "" && decimals != 2 {
		return AmountMatch{}, numberNotAmount
	}
	value := v * suf.mult
	if neg && value != 0 {
		value = -value
	}
	return AmountMatch{
		Start: start, End: end, Text: line[start:end],
		Value: value, Currency: currency, Basis: suf.basis, Decimals: decimals,
	}, numberAmount
}

// currencyBefore matches a currency written before a number ("€ 150",
// "EUR 1 234"), allowing one blank, and returns where it starts.
func currencyBefore(line string, p int) (int, string) {
	q := p
	if q > 0 {
		if r, size := utf8.DecodeLastRuneInString(line[:q]); isNumberBlank(r) {
			q -= size
		}
	}
	head := line[:q]
	for _, t := range currencyTokens {
		if !t.prefix || !strings.HasSuffix(head, t.text) {
			continue
		}
		s := q - len(t.text)
		if t.word && letterBefore(line, s) {
			continue
		}
		return s, t.code
	}
	return p, ""
}
