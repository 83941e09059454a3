#!/usr/bin/env bash
# Runs every Go fuzz target of the module for the given time each.
set -euo pipefail
fuzztime=${1:-30s}
grep -rl --include='*_test.go' '^func Fuzz' internal | xargs -n1 dirname | sort -u | while read -r dir; do
  for target in $(grep -ho '^func Fuzz[A-Za-z0-9_]*' "$dir"/*_test.go | cut -d' ' -f2); do
    echo "== ./$dir $target ($fuzztime)"
    go test "./$dir" -run '^$' -fuzz "^${target}\$" -fuzztime "$fuzztime"
  done
done
