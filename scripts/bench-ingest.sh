#!/usr/bin/env bash
# Ingest benchmark (pipeline issue): EJ with generated text-layer
# attachments loaded by `depenses ingest` — documents/s, wall time, peak
# memory — side by side with `depenses extract` on the same files (the
# pipeline's cost: storage, jobs, reconciliation); then an extract of
# ROWS Chorus rows imported alone (rows/s).
#   scripts/bench-ingest.sh            # 10 000 EJ, 30 000 pièces, 100 000 lignes
#   EJ=500 ROWS=10000 scripts/bench-ingest.sh
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${BIN:-$PWD/bin/depenses}
ej=${EJ:-10000} per=${PER_EJ:-3} rows=${ROWS:-100000} workers=${WORKERS:-2}
work=${WORK:-$(mktemp -d)}
keep=${KEEP:-}
[ -n "$keep" ] || trap 'rm -rf "$work"' EXIT
now() { date +%s.%N; }

echo "== Génération : $ej EJ, $per pièces à couche texte par EJ en moyenne (dans $work)"
t0=$(now)
"$bin" synth --demo --texte-seul --out "$work/set" --ej "$ej" --pieces-par-ej "$per" --seed 2026 > /dev/null
t1=$(now)
docs=$(find "$work/set/pieces" -type f | wc -l)
echo "   $docs pièces en $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", b - a }') s"

echo
echo "== depenses ingest ($workers travailleurs)"
/usr/bin/time -f '%M %e' -o "$work/ingest.time" "$bin" --data "$work/data" ingest --workers "$workers" \
  --chorus "$work/set/chorus.csv" --attachments "$work/set/pieces" > "$work/ingest.out"
cat "$work/ingest.out" | head -5
read -r rss secs < "$work/ingest.time"
ingest_rate=$(awk -v d="$docs" -v s="$secs" 'BEGIN { printf "%.1f", d / s }')
echo "   $docs documents en $secs s : $ingest_rate documents/s, mémoire de pointe $((rss / 1024)) Mio"

echo
echo "== Le même lot par depenses extract (lecture + classement + extraction, sans stockage ni file de travaux)"
find "$work/set/pieces" -type f -print0 | sort -z > "$work/files"
/usr/bin/time -f '%M %e' -o "$work/extract.time" sh -c "xargs -0 -n 2000 '$bin' extract --workers '$workers' < '$work/files' > /dev/null"
read -r xrss xsecs < "$work/extract.time"
extract_rate=$(awk -v d="$docs" -v s="$xsecs" 'BEGIN { printf "%.1f", d / s }')
echo "   $extract_rate documents/s, mémoire de pointe $((xrss / 1024)) Mio"
echo "   rapport ingest / extract : $(awk -v a="$ingest_rate" -v b="$extract_rate" 'BEGIN { printf "%.2f", a / b }')"

echo
echo "== Second passage (idempotence) : rien à ajouter"
t0=$(now)
"$bin" --data "$work/data" ingest --workers "$workers" --chorus "$work/set/chorus.csv" --attachments "$work/set/pieces" | head -3
t1=$(now)
echo "   en $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s"

echo
echo "== Import d'un extrait de $rows lignes (2 postes par EJ), sans pièces"
awk -v n="$rows" 'BEGIN {
  print "num_ej;poste_ej;date_creation_ej;centre_financier;groupe_marchandises;fournisseur_nom;fournisseur_siret;designation_ej;montant_engage_ht"
  for (i = 0; i < n; i++) {
    e = int(i / 2)
    printf "15%08d;%d;2026-%02d-%02d;0129-CDBU-DSAF;33.01.%02d;FOURNISSEUR %d;;PRESTATION %d;%d,%02d\n", e, i % 2 + 1, e % 12 + 1, e % 28 + 1, i % 7, e % 997, e, 1000 + i % 50000, i % 100
  }
}' > "$work/rows.csv"
/usr/bin/time -f '%M %e' -o "$work/rows.time" "$bin" --data "$work/rows-data" ingest --chorus "$work/rows.csv" > "$work/rows.out"
head -2 "$work/rows.out"
read -r rrss rsecs < "$work/rows.time"
echo "   $rows lignes en $rsecs s : $(awk -v r="$rows" -v s="$rsecs" 'BEGIN { printf "%.0f", r / s }') lignes/s (lecture, stockage et rapprochement des $((rows / 2)) EJ), mémoire de pointe $((rrss / 1024)) Mio"
echo "   lecture seule : go test -bench BenchmarkRead100k ./internal/chorus"
