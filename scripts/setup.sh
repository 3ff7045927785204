#!/usr/bin/env bash
# One-command set-up: installs what the system lacks (ffmpeg, fonts), the npm dependencies
# (without onnxruntime's CUDA download), builds, makes the example song and renders the example.
# Pass --no-render to stop after the build and the example song.
set -euo pipefail
cd "$(dirname "$0")/.."

render=1
[ "${1:-}" = "--no-render" ] && render=0

say() { printf '==> %s\n' "$*"; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else "$@"; fi; }

have() { command -v "$1" >/dev/null 2>&1; }

# Node 20 or newer.
if ! have node; then
  echo "longav needs Node.js 20 or newer: install it from your package manager or nodejs.org, then rerun." >&2
  exit 1
fi
node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 20 ]; then
  echo "longav needs Node.js 20 or newer; this is $(node --version)." >&2
  exit 1
fi

# ffmpeg + ffprobe (FFMPEG_PATH / FFPROBE_PATH win when set), and a font for captions.
ffmpeg_bin=${FFMPEG_PATH:-ffmpeg}
ffprobe_bin=${FFPROBE_PATH:-ffprobe}
missing_apt=()
{ have "$ffmpeg_bin" && have "$ffprobe_bin"; } || missing_apt+=(ffmpeg)
[ -n "$(ls /usr/share/fonts/truetype/dejavu/DejaVuSans*.ttf 2>/dev/null)" ] || [ "$(uname)" = Darwin ] || missing_apt+=(fonts-dejavu-core)
# The analysis test set is rendered from MIDI with fluidsynth and a General MIDI soundfont.
have fluidsynth || missing_apt+=(fluidsynth)
# The timeline test renders the MLT export (Kdenlive/Shotcut's format) with the real melt.
have melt || [ "$(uname)" = Darwin ] || missing_apt+=(melt)
[ -f /usr/share/sounds/sf2/TimGM6mb.sf2 ] || [ "$(uname)" = Darwin ] || missing_apt+=(timgm6mb-soundfont)
# The test split of the development set (tools/devset, tests/analysis-accuracy.test.ts): its
# soundfont (csound's GM bank, 4 MB) and its sources (OpenMSX MIDI, 0.1 MB; abcmidi's ABC tunes
# and converter). The dev split's extras (opl3-soundfont, musescore-general-soundfont-small,
# musescore3) are not needed here: `node build/tools/devset/build.js` names them when missing.
if [ "$(uname)" != Darwin ]; then
  [ -f /usr/share/sounds/sf2/sf_GMbank.sf2 ] || missing_apt+=(csound-soundfont)
  [ -d /usr/share/games/openttd/baseset/openmsx ] || missing_apt+=(openttd-openmsx)
  { have abc2midi && [ -d /usr/share/doc/abcmidi/examples ]; } || missing_apt+=(abcmidi)
fi
# Renders spread over machines queue their shots in BullMQ on Redis; the queue tests start their
# own Debian redis-server on a free port.
have redis-server || [ "$(uname)" = Darwin ] || missing_apt+=(redis-server)
# The report test opens report.html in headless Chromium: Debian's `chromium` package
# (LONGAV_CHROMIUM names another build; Ubuntu has no such deb, only a snap, so it is not asked for there).
[ -x "${LONGAV_CHROMIUM:-/usr/bin/chromium}" ] || ! grep -qx 'ID=debian' /etc/os-release 2>/dev/null || missing_apt+=(chromium)
if [ ${#missing_apt[@]} -gt 0 ]; then
  if have apt-get; then
    say "installing ${missing_apt[*]} with apt-get"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${missing_apt[@]}" >/dev/null
  elif have brew; then
    [[ " ${missing_apt[*]} " == *" ffmpeg "* ]] && { say "installing ffmpeg with brew"; brew install ffmpeg; }
    [[ " ${missing_apt[*]} " == *" fluidsynth "* ]] && { say "installing fluidsynth with brew"; brew install fluid-synth; }
  else
    echo "longav needs: ${missing_apt[*]} (ffmpeg 5 or newer with libx264 and ffprobe). Install them with your package manager, or set FFMPEG_PATH and FFPROBE_PATH, then rerun." >&2
    exit 1
  fi
fi
# (Captured first: with pipefail, grep -q closing the pipe early would fail the check.)
encoders=$("$ffmpeg_bin" -hide_banner -encoders 2>/dev/null || true)
grep -q libx264 <<<"$encoders" || {
  echo "the ffmpeg at $(command -v "$ffmpeg_bin") has no libx264 encoder; install a full ffmpeg build." >&2
  exit 1
}

say "installing npm dependencies"
export ONNXRUNTIME_NODE_INSTALL=skip
# `npm install` honours package-lock.json; `npm ci` is avoided because npm 11 rejects locks that
# record only this platform's @napi-rs/canvas binary.
npm install --no-audit --no-fund --no-save

say "building"
npm run build --silent

say "making the example song"
node scripts/make-example-song.mjs

if [ "$render" -eq 1 ]; then
  say "rendering the example: longav render examples/song.mp3 examples/brief.md"
  node bin/longav.js render examples/song.mp3 examples/brief.md
fi
