#!/usr/bin/env bash
# Starts a PulseAudio daemon with a virtual sound card, for the audio device tests and for machines without one
# (recipe measured in ../shared/PEERS.md):
#   vsink          a null sink at 48 kHz: what PortAudio's "default" output plays into (ALSA's default routes to Pulse)
#   vsink.monitor  the default source: records whatever is played into vsink (paplay → mic tests)
#   silence        a null source looped into vsink, because without a steady stream the null sink works in 2 s
#                  blocks and short recordings come back empty
# Idempotent: when a daemon already answers it only adds what is missing. Works as root or any user.
# Prints the server's socket path (export PULSE_SERVER=unix:PATH to point clients at it explicitly).
# With LIVECOMM_PULSE_PID_FILE set, the PID of a daemon this run of the script started is written there, so that
# whoever asked stops that daemon and no other (test/global-setup.ts); nothing is written when one already answered.
set -euo pipefail

if ! command -v pulseaudio >/dev/null || ! command -v pactl >/dev/null; then
  echo "start-pulseaudio: pulseaudio and pulseaudio-utils are not installed (scripts/install-system-deps.sh)" >&2
  exit 1
fi

# The daemon and its clients (pactl, paplay, PortAudio through ALSA's pulse plugin) agree on the socket from the same
# environment: $XDG_RUNTIME_DIR/pulse when set, else PulseAudio's per-user runtime directory. So we set nothing, and
# callers must run clients with the environment they ran this script with.
log="${TMPDIR:-/tmp}/livecomm-pulseaudio-$(id -u).log"

answers() { pactl info >/dev/null 2>&1; }

if ! answers; then
  config="$(mktemp "${TMPDIR:-/tmp}/livecomm-pulse-XXXXXX.pa")"
  cat >"$config" <<'PA'
load-module module-native-protocol-unix auth-anonymous=1
load-module module-null-sink sink_name=vsink rate=48000 sink_properties=device.description=livecomm-virtual-sink
load-module module-null-source source_name=silence rate=48000 channels=1
load-module module-loopback source=silence sink=vsink latency_msec=20
set-default-sink vsink
set-default-source vsink.monitor
PA
  # -n: no default.pa (no hardware probing); -F: our script. Root needs no --system flag for a private daemon, but
  # PulseAudio warns about it on stderr: keep its output in a log instead.
  # It exits 0 once its daemon is up, and fails when another one got there first (a concurrent start).
  started=no
  if pulseaudio --daemonize=yes --exit-idle-time=-1 --disallow-exit=yes -n -F "$config" \
    --log-target=file:"$log" >/dev/null 2>&1; then
    started=yes
  fi
  for _ in $(seq 1 100); do
    answers && break
    sleep 0.1
  done
  rm -f "$config"
  if ! answers; then
    echo "start-pulseaudio: the daemon did not answer within 10 s; see $log" >&2
    exit 1
  fi
  if [[ $started == yes && -n "${LIVECOMM_PULSE_PID_FILE:-}" ]]; then
    # The daemon's own pid file sits beside the socket it answers on.
    socket="$(pactl info | sed -n 's/^Server String: //p')"
    pid_file="$(dirname "${socket#unix:}")/pid"
    if [[ -r $pid_file ]]; then tr -d '[:space:]' <"$pid_file" >"$LIVECOMM_PULSE_PID_FILE"; fi
  fi
fi

# A daemon started some other way (or by an earlier version of this script) may lack our devices: add them.
if ! pactl list short sinks | grep -q $'\tvsink\t'; then
  pactl load-module module-null-sink sink_name=vsink rate=48000 >/dev/null
fi
if ! pactl list short sources | grep -q $'\tsilence\t'; then
  pactl load-module module-null-source source_name=silence rate=48000 channels=1 >/dev/null
fi
if ! pactl list short modules | grep -q 'module-loopback.*source=silence'; then
  pactl load-module module-loopback source=silence sink=vsink latency_msec=20 >/dev/null
fi
pactl set-default-sink vsink
pactl set-default-source vsink.monitor
pactl info | sed -n 's/^Server String: //p'
