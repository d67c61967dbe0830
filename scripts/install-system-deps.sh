#!/usr/bin/env bash
# Installs the Debian packages that livecomm-tui's features and tests use:
#   ffmpeg (video files, v4l2 cameras), build-essential + libasound2-dev (build naudiodon), fswebcam (--video webcam),
#   pulseaudio + pulseaudio-utils (a virtual sound card for the audio tests),
#   tmux, openssh, xterm, kitty + xvfb + xdotool (real-terminal and SSH tests), espeak-ng + sox (speech fixtures),
#   chafa and mosquitto (benchmark baselines).
# Safe to run again: it only installs what is missing. Needs root (or sudo).
set -euo pipefail

PACKAGES=(ffmpeg build-essential libasound2-dev fswebcam pulseaudio pulseaudio-utils tmux openssh-server openssh-client xterm xvfb kitty xdotool
  espeak-ng sox chafa mosquitto)

missing=()
for pkg in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "system packages: all present"
else
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "system packages: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # The mosquitto and ssh packages start system services on install; the benchmarks and tests start their own.
  $SUDO systemctl disable --now mosquitto ssh >/dev/null 2>&1 || true
  echo "system packages: done"
fi

# naudiodon, an optional dependency, is built by `npm install`; on a machine without a compiler then, npm left it
# out and the audio device tests would fail: build it now that the compiler and ALSA's headers are here.
cd "$(dirname "$0")/.."
if [ -f node_modules/.package-lock.json ] && ! node -e "require('naudiodon')" >/dev/null 2>&1; then
  version="$(node -p "require('./package.json').optionalDependencies.naudiodon")"
  echo "naudiodon: building it (npm install left it out)"
  npm install --no-save "naudiodon@$version" >/dev/null
fi
