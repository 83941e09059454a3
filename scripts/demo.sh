#!/usr/bin/env bash
# `make demo`: the product on one machine. A generated Chorus extract of 200
# EJ with about 500 attachments (digital and scanned, with planted
# anomalies) is ingested into the embedded database of ./data; the usage
# indicators, anomalies and consulting spend are shown; then the web UI and
# the API are served on http://127.0.0.1:8080 (DEMO_NO_SERVE=1 stops
# before). Run again, it adds nothing; interrupted, it resumes.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=bin/depenses
data=${DEPENSES_DATA:-data}
sample=$data/echantillon
if [ ! -f "$sample/chorus.csv" ]; then
  echo "== Génération de l'échantillon (extrait Chorus + pièces jointes) dans $sample"
  "$bin" synth --demo --out "$sample" --seed 1
fi
echo
echo "== Import et traitement : $bin --data $data ingest --chorus $sample/chorus.csv --attachments $sample/pieces"
"$bin" --data "$data" ingest --chorus "$sample/chorus.csv" --attachments "$sample/pieces"
echo
echo "== Indicateurs d'usage : $bin --data $data stats"
"$bin" --data "$data" stats
"$bin" --data "$data" export --format jsonl --out "$data/export.jsonl"
"$bin" --data "$data" export --format csv --out "$data/export.csv"
echo
echo "== Un EJ enrichi (premier de l'export) :"
head -1 "$data/export.jsonl" | python3 -c '
import json, sys
e = json.loads(sys.stdin.read())
print("EJ", e["num_ej"], "—", e["chorus"].get("designation", ""))
print("  désignation claire :", e["designation"].get("value"), "(claire)" if e["designation"]["clair"] else "(pas claire)")
p = e["prestataire"]
print("  prestataire :", p.get("nom"), p.get("siret", ""), "(identifié)" if p["identifie"] else "(non identifié)")
a = e["administration_beneficiaire"]
print("  administration :", a.get("value"), "(explicite)" if a["explicite"] else "")
print("  pièces :", ", ".join(d["nom"] + " [" + d.get("document_type", "?") + "]" for d in e["documents"]))
' 2>/dev/null || head -c 600 "$data/export.jsonl"
echo
echo "== Anomalies détectées (depenses anomalies) ; attendues : $sample/anomalies_attendues.csv"
"$bin" --data "$data" anomalies | cut -d';' -f2 | tail -n +2 | sort | uniq -c
echo
echo "== Dépense de conseil (depenses indicators), début :"
"$bin" --data "$data" indicators > "$data/indicateurs.txt"
head -8 "$data/indicateurs.txt"
# A demo account, created once: agents log in with it on the web UI.
if [ ! -f "$data/compte-demo.txt" ]; then
  # Already there from an earlier run whose marker was removed: keep it.
  printf 'demo-depenses\n' | "$bin" --data "$data" user create demo --nom "Agent de démonstration" --scopes read,review,admin --tout >/dev/null 2>&1 || true
  echo "identifiant demo, mot de passe demo-depenses" > "$data/compte-demo.txt"
fi
[ "${DEMO_NO_SERVE:-}" = 1 ] && exit 0
echo
echo "== Interface web et API sur http://127.0.0.1:8080 (identifiant demo, mot de passe demo-depenses ; Ctrl-C pour arrêter)"
exec "$bin" --data "$data" serve --addr 127.0.0.1:8080
