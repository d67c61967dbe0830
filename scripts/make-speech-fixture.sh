#!/usr/bin/env bash
# Regenerates fixtures/speech.wav: a short English sentence spoken by espeak-ng, converted by sox to the program's
# audio format (48 kHz, mono, signed 16-bit). Kept under 300 KB (about 3 s) so it can live in the repository.
# Needs espeak-ng and sox (scripts/install-system-deps.sh installs both).
set -euo pipefail
cd "$(dirname "$0")/.."
tmp="$(mktemp --suffix=.wav)"
trap 'rm -f "$tmp"' EXIT
espeak-ng -v en-us -s 165 -w "$tmp" "Hello, this is a live comm audio test. Can you hear me clearly?"
# gain -n -3: normalise to -3 dBFS peak so codec tests see a realistic, loud-but-unclipped level.
sox "$tmp" -r 48000 -c 1 -b 16 -e signed-integer fixtures/speech.wav gain -n -3 trim 0 2.9
ls -l fixtures/speech.wav
