#!/usr/bin/env bash
# Scale-out benchmark (PostgreSQL issue), same run, ratios:
#  1. an OCR-heavy batch processed by 1 worker process, then by 2 processes
#     (the ingest and one `depenses worker`) on one PostgreSQL queue;
#  2. a text-layer batch ingested on PostgreSQL and on the embedded SQLite.
#   scripts/bench-scale.sh            # 24 scans, 300 EJ of text-layer pieces
#   SCANS=10 EJ=100 scripts/bench-scale.sh
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${BIN:-$PWD/bin/depenses}
scans=${SCANS:-24} ej=${EJ:-300}
pg=${PG:-postgres://postgres@127.0.0.1:5432/test?sslmode=disable}
work=$(mktemp -d)
schemas=()
cleanup() {
  for s in "${schemas[@]}"; do psql "$pg" -qc "DROP SCHEMA IF EXISTS $s CASCADE" 2>/dev/null || true; done
  pkill -f "$work" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
now() { date +%s.%N; }
schema() { local s="bench_$1_$$"; schemas+=("$s"); psql "$pg" -qc "CREATE SCHEMA $s"; echo "$pg&search_path=$s"; }

echo "== 1. Lot à OCR : $scans pièces numérisées, 1 processus puis 2 processus sur la même file PostgreSQL"
"$bin" synth --out "$work/gen" --n "$scans" --seed 31 --scanned --types devis,facture,bon_de_commande > /dev/null
mkdir -p "$work/scans"
echo "num_ej;poste_ej;centre_financier;groupe_marchandises;designation_ej;montant_engage_ht" > "$work/scans.csv"
i=0
for f in "$work"/gen/*-scan.pdf; do
  num=$(printf '16%08d' "$i"); cp "$f" "$work/scans/${num}_1_scan.pdf"
  echo "$num;1;0129-CDBU-DSAF;33.01.04;PRESTATION;1000" >> "$work/scans.csv"; i=$((i + 1))
done
pages=$(for f in "$work"/scans/*.pdf; do pdfinfo "$f" | awk '/^Pages:/ { print $2 }'; done | awk '{ s += $1 } END { print s }')
url1=$(schema one)
t0=$(now); "$bin" --data "$work/d1" --db "$url1" ingest --workers 1 --chorus "$work/scans.csv" --attachments "$work/scans" > /dev/null; t1=$(now)
one=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
url2=$(schema two)
"$bin" --data "$work/d2" --db "$url2" worker --workers 1 > /dev/null 2>&1 &
helper=$!
sleep 1
t0=$(now); "$bin" --data "$work/d2" --db "$url2" ingest --workers 1 --chorus "$work/scans.csv" --attachments "$work/scans" > /dev/null; t1=$(now)
kill -INT "$helper"; wait "$helper" || true
two=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
echo "   $scans pièces, $pages pages : 1 processus ${one} s, 2 processus ${two} s, gain $(awk -v a="$one" -v b="$two" 'BEGIN { printf "%.2f", a / b }')× (objectif ≥ 1,7×)"

echo
echo "== 2. Lot à couche texte ($ej EJ) : PostgreSQL contre SQLite, 2 travailleurs"
"$bin" synth --demo --texte-seul --out "$work/text" --ej "$ej" --pieces-par-ej 3 --seed 2027 > /dev/null
docs=$(find "$work/text/pieces" -type f | wc -l)
t0=$(now); "$bin" --data "$work/sq" ingest --workers 2 --chorus "$work/text/chorus.csv" --attachments "$work/text/pieces" > /dev/null; t1=$(now)
sq=$(awk -v d="$docs" -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", d / (b - a) }')
url3=$(schema text)
t0=$(now); "$bin" --data "$work/pgd" --db "$url3" ingest --workers 2 --chorus "$work/text/chorus.csv" --attachments "$work/text/pieces" > /dev/null; t1=$(now)
pgr=$(awk -v d="$docs" -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", d / (b - a) }')
echo "   $docs pièces : SQLite $sq documents/s, PostgreSQL $pgr documents/s, rapport PostgreSQL / SQLite $(awk -v a="$pgr" -v b="$sq" 'BEGIN { printf "%.2f", a / b }')"
