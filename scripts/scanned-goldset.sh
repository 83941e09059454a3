#!/usr/bin/env bash
# Makes an image-only copy of a gold set: every document's pages rendered at
# DPI (default 200) into a scan-like PDF, next to a copy of its gold file.
#   scripts/scanned-goldset.sh ../shared/corpus/invoices /tmp/invoices-scan [200]
set -euo pipefail
src=$1 dst=$2 dpi=${3:-200}
cd "$(dirname "$0")/.."
go build -o bin/mkscan ./internal/testfiles/cmd/mkscan
mkdir -p "$dst"
for gold in "$src"/*.gold.json; do
  name=$(basename "$gold" .gold.json)
  for doc in "$src/$name".pdf; do
    [ -f "$doc" ] || continue
    bin/mkscan -dpi "$dpi" "$doc" "$dst/$name.pdf"
    cp "$gold" "$dst/"
  done
done
echo "$(ls "$dst"/*.pdf | wc -l) documents rendus à $dpi dpi dans $dst"
