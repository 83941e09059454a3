#!/usr/bin/env bash
# `make bench`: speed and memory of the readers, each measured side by side
# with the reference tool in the same run and reported as a ratio.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$PWD/bin/depenses
corpus=${CORPUS:-../shared/corpus}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
now() { date +%s.%N; }

echo "== 1. Couche texte PDF : go test -bench (moteur seul, sans démarrage de processus)"
go test -run '^$' -bench 'BenchmarkTextLayer' -benchtime 5x ./internal/intake/pdf | tee "$work/pdf.txt"
ours=$(awk '/TextLayer\/ours/ { for (i = 1; i <= NF; i++) if ($(i+1) == "pages/s") print $i }' "$work/pdf.txt")
ref=$(awk '/TextLayer\/pdftotext/ { for (i = 1; i <= NF; i++) if ($(i+1) == "pages/s") print $i }' "$work/pdf.txt")
echo "   pages/s : nous $ours, pdftotext -layout $ref, rapport $(ratio "$ours" "$ref")"

echo
echo "== 2. Lot de PDF texte par 'depenses extract', démarrage compris, contre pdftotext -layout"
mkdir -p "$work/batch"
if [ -d "$corpus/invoices" ]; then
  sources=("$corpus"/invoices/*.pdf "$corpus"/formats/lettre.pdf "$corpus"/formats/checkbox.pdf "$corpus"/real-misc/devis-sibert-2019-06.pdf "$corpus"/real-misc/rib-karate-villebon.pdf)
else
  sources=(testdata/demo/lettre.pdf testdata/demo/devis-sibert-2019-06.pdf testdata/demo/rib-karate-villebon.pdf testdata/demo/ORDER-X_EX01_ORDER_FULL_DATA-COMFORT.pdf)
fi
n=0
while [ "$n" -lt 216 ]; do
  for f in "${sources[@]}"; do n=$((n + 1)); cp "$f" "$work/batch/$(printf %04d "$n")-$(basename "$f")"; done
done
files=("$work"/batch/*.pdf)
"$bin" extract --ocr off --no-embedded "${files[0]}" > /dev/null # warms the compiled-module cache, as any later run finds it
for workers in 1 2; do
  t0=$(now); "$bin" extract --ocr off --no-embedded --workers "$workers" "${files[@]}" > "$work/out.jsonl"; t1=$(now)
  pages=$(grep -o '"pages":[0-9]*' "$work/out.jsonl" | awk -F: '{ s += $2 } END { print s }')
  errors=$(grep -c '"error":"' "$work/out.jsonl" || true)
  t2=$(now); printf '%s\0' "${files[@]}" | xargs -0 -P "$workers" -I{} pdftotext -layout {} /dev/null; t3=$(now)
  ours=$(awk -v p="$pages" -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", p / (b - a) }')
  ref=$(awk -v p="$pages" -v a="$t2" -v b="$t3" 'BEGIN { printf "%.1f", p / (b - a) }')
  echo "   ${#files[@]} fichiers, $pages pages, $workers processus : nous $ours pages/s, pdftotext $ref pages/s, rapport $(ratio "$ours" "$ref") ($errors erreurs)"
done

echo
echo "== 3. OCR : go test -bench, surcoût par page contre la CLI tesseract, et gain à 2 processus"
# Three rounds: OCR times vary from run to run on a shared machine; the ratios use the means.
go test -run '^$' -bench 'BenchmarkOCR' -benchtime 1x -count 3 -timeout 30m ./internal/intake/ocr | tee "$work/ocr.txt"
mean() { awk -v name="$1" -v unit="$2" '$1 ~ name { for (i = 1; i <= NF; i++) if ($(i+1) == unit) { s += $i; n++ } } END { if (n) printf "%.3f", s / n }' "$work/ocr.txt"; }
ours=$(mean 'OCR/ours' 's/page'); cli=$(mean 'OCR/tesseract-cli' 's/page')
oursc=$(mean 'OCR/ours' 'cpu-s/page'); clic=$(mean 'OCR/tesseract-cli' 'cpu-s/page')
w1=$(mean 'workers=1' 'pages/s'); w2=$(mean 'workers=2' 'pages/s')
echo "   s/page : nous $ours, tesseract seul $cli, surcoût $(awk -v a="$ours" -v b="$cli" 'BEGIN { printf "%+.1f %%", (a / b - 1) * 100 }') (temps CPU : $oursc contre $clic, $(awk -v a="$oursc" -v b="$clic" 'BEGIN { printf "%+.1f %%", (a / b - 1) * 100 }'))"
echo "   pages/s : 1 processus $w1, 2 processus $w2, gain $(ratio "$w2" "$w1")×"

echo
echo "== 4. Mémoire de pointe : numérisation de 50 pages, 2 processus OCR"
go run ./internal/testfiles/cmd/mkscan -pages 50 -dpi 93 "$corpus/formats/lettre.png" "$work/scan50.pdf" 2>/dev/null ||
  go run ./internal/testfiles/cmd/mkscan -pages 50 -dpi 93 testdata/bench/lettre.png "$work/scan50.pdf"
/usr/bin/time -f '%M %e' -o "$work/time.txt" "$bin" extract --workers 1 "$work/scan50.pdf" > "$work/scan.jsonl"
read -r rss secs < "$work/time.txt"
echo "   50 pages OCR en ${secs} s ($(awk -v s="$secs" 'BEGIN { printf "%.2f", s / 50 }') s/page), mémoire de pointe $((rss / 1024)) Mio (objectif < 600 Mio)"
grep -o '"text_source":"[a-z_]*"' "$work/scan.jsonl"

echo
echo "== 5. Classement + extraction sur documents déjà lus, un cœur (objectif ≥ 200 documents/s)"
go test -run '^$' -bench 'BenchmarkAnalyze' -benchtime 5x -cpu 1 ./internal/analyze | grep -E 'docs/s'
