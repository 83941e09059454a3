#!/usr/bin/env bash
# `make demo`: the product on one machine. A generated Chorus extract of 200
# EJ with about 500 attachments (digital and scanned, with planted
# anomalies) is ingested into the embedded database of ./data, then the
# usage indicators and the enriched export are shown. Run again, it adds
# nothing; interrupted, it resumes.
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
echo "Anomalies attendues de l'échantillon : $sample/anomalies_attendues.csv"
echo "L'interface web et l'API (depenses serve) viennent avec une prochaine version."
