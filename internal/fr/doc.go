// Package fr parses and validates French identifiers and quantities found in
// procurement documents: SIREN/SIRET, TVA intracommunautaire, IBAN/RIB/BIC,
// EJ numbers, CPV and NAF codes, amounts, dates, percentages and VAT rates.
//
// Every function is pure (no I/O, no clock, no global state that changes) and
// safe for concurrent use. Validators accept raw text as printed (spaces,
// no-break spaces, dots and dashes between digit groups) and normalise it
// themselves; Normalize* functions expose that normal form.
//
// The finders (FindAmounts, FindDates, FindPercents) scan one line of text
// without regular expressions and report byte spans so that the extraction
// engine can cite its evidence.
package fr
