// Package referential holds the reference data the other stages look
// things up in: LOLF programmes and their ministries, groupes de
// marchandises and the consulting tagging of their labels, consulting NAF
// weights, the CPV 2008 list, dated procurement thresholds, and a
// streaming reader for INSEE's SIRENE establishment stock.
//
// Every table is a `;`-separated UTF-8 CSV file embedded from data/, with
// its version and origin in data/SOURCES.tsv. Much of it is uncertain
// (DOMAIN.md tags it [S] or [U]), so users replace any file by dropping
// one of the same name in a folder given to Load; a malformed replacement
// is an error, never silently swapped for the embedded default.
package referential
