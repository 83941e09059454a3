#!/usr/bin/env bash
# Installs the Debian packages depenses needs at run and test time, when
# they are missing. As root it uses apt-get; otherwise it says what to run.
set -euo pipefail

packages=(
  tesseract-ocr tesseract-ocr-fra tesseract-ocr-osd   # OCR of scans, French data, page orientation
  poppler-utils                                       # pdftotext: the baseline of `make bench`
  qpdf                                                # makes encrypted PDFs for the tests
  libreoffice-writer-nogui libreoffice-calc-nogui     # legacy DOC and XLS
  time                                                # /usr/bin/time: peak memory in `make bench`
  chromium                                            # headless browser of the web UI tests
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "Paquets système manquants : ${missing[*]}" >&2
  echo "Installez-les en administrateur : sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
  exit 1
fi
echo "Installation des paquets système manquants : ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
