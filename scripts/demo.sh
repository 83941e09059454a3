#!/usr/bin/env bash
# The demo of the current stage: reads the bundled sample attachments and
# prints, for each one, what was read (format, pages, text source, fields).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=bin/depenses
echo "== Lecture des pièces d'exemple (testdata/demo) =="
"$bin" extract $(ls testdata/demo/* | grep -v SOURCES) > bin/demo.jsonl
python3 - bin/demo.jsonl <<'PY' 2>/dev/null || cat bin/demo.jsonl
import json, sys
for line in open(sys.argv[1]):
    r = json.loads(line)
    name = r["file"].split("/")[-1]
    kind = (r.get("document_type") or {}).get("value", "?")
    status = "erreur : " + r["error"] if r.get("error") else f'{kind}, {r["pages"]} page(s), texte : {r["text_source"] or "aucun"}'
    print(f'- {name:42} {status} ({r["elapsed_ms"]} ms)')
    for item in r["lines"][:5]:
        print(f'    ligne : {item.get("designation", "")[:50]:50} {item.get("montant_ht", "")}')
    for k, v in sorted(r["fields"].items()):
        valid = "" if v.get("valid") is None else (" ✓" if v["valid"] else " ✗ clé invalide")
        print(f'    {k:28} {v["value"]}{valid}')
PY
echo
echo "Résultats complets (JSON Lines) : bin/demo.jsonl"
echo "Texte d'une pièce : $bin text testdata/demo/lettre-ocr.pdf"
