#!/usr/bin/env bash
# Regenerates fixtures/speech.wav (a short English sentence spoken by espeak-ng, converted by sox to the program's
# audio format: 48 kHz, mono, signed 16-bit; under 300 KB, about 3 s, so it can live in the repository) and
# fixtures/onsets.wav (below).
# Needs espeak-ng and sox (scripts/install-system-deps.sh installs both).
set -euo pipefail
cd "$(dirname "$0")/.."
tmp="$(mktemp --suffix=.wav)"
trap 'rm -f "$tmp"' EXIT
espeak-ng -v en-us -s 165 -w "$tmp" "Hello, this is a live comm audio test. Can you hear me clearly?"
# gain -n -3: normalise to -3 dBFS peak so codec tests see a realistic, loud-but-unclipped level.
sox "$tmp" -r 48000 -c 1 -b 16 -e signed-integer fixtures/speech.wav gain -n -3 trim 0 2.9
ls -l fixtures/speech.wav

# fixtures/onsets.wav: words that start softly (th, h, f: 40–80 ms under their vowel), 0.7 s apart, so each opens a
# talk spurt of its own (voice-gate.ts). 16 kHz keeps it small; the wav: source resamples.
words=()
for word in thanks hello fine; do
  w="$(mktemp --suffix=.wav)"
  espeak-ng -v en-us -s 150 -w "$w" "$word"
  words+=("$w")
done
sox -n -r 22050 -c 1 "$tmp" trim 0 0.7
sox "$tmp" "${words[0]}" "$tmp" "${words[1]}" "$tmp" "${words[2]}" "$tmp" -r 16000 -c 1 -b 16 -e signed-integer fixtures/onsets.wav gain -n -16
rm -f "${words[@]}"
ls -l fixtures/onsets.wav
