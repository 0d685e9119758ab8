#!/usr/bin/env bash
# Whole-file MFCC of a 60-s file: wyrd's analyser against librosa on the same file, in one run.
# Renders a 60-s wyrd note sequence at 48 kHz, times librosa.feature.mfcc (defaults, best of N,
# after a warm-up call) and wyrd's MfccAnalyzer (same defaults, best of N, one thread), checks
# both produced the same shape, and prints the speed ratio (goal: wyrd >= 20x faster).
#
#   engine/bench/compare_librosa.sh [--repeats N] [--venv DIR]
# The librosa venv is created on first use (default /tmp/librosa-venv, shared with the fixture
# script engine/analysis/tools/make_fixtures.py).
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
REPEATS=5
VENV=/tmp/librosa-venv
while [ $# -gt 0 ]; do
    case $1 in
        --repeats) REPEATS=$2; shift 2 ;;
        --venv) VENV=$2; shift 2 ;;
        -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
done
if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c "import librosa, soundfile" 2>/dev/null; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q librosa numpy soundfile
fi
cd "$ROOT"
cargo build --release -q -p wyrd -p wyrd-bench
BIN=${CARGO_TARGET_DIR:-$ROOT/target}/release
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
BANK=${WYRD_BANKS:-${WYRD_DATA:-$ROOT/data}/amsynth/banks}
$BIN/wyrd render --bank "$BANK/BriansBank01.amSynth.bank" --preset 3 \
    --notes 48,55,60 --hold 58 --tail 2 -o "$TMP/60s.wav" >/dev/null 2>&1
read -r _ LIBROSA_MS < <("$VENV/bin/python" "$HERE/librosa_mfcc.py" "$TMP/60s.wav" "$REPEATS" | tee "$TMP/librosa.txt" | head -1)
read -r _ WYRD_MS < <($BIN/wyrd-mfcc-bench "$TMP/60s.wav" --repeats "$REPEATS" | tee "$TMP/wyrd.txt" | head -1)
if [ "$(sed -n 2p "$TMP/librosa.txt")" != "$(sed -n 2p "$TMP/wyrd.txt")" ]; then
    echo "shapes differ: librosa $(sed -n 2p "$TMP/librosa.txt"), wyrd $(sed -n 2p "$TMP/wyrd.txt")" >&2
    exit 1
fi
read -r _ FRAMES COEFS < <(sed -n 2p "$TMP/wyrd.txt")
echo "60-s file at 48 kHz, MFCC with librosa's defaults: $FRAMES frames x $COEFS coefficients, best of $REPEATS"
echo "wyrd uses $(nproc) cores (rayon over frames); librosa as installed"
echo "$(sed -n 3p "$TMP/librosa.txt")"
printf 'librosa  %9.2f ms\nwyrd     %9.2f ms\nratio    %9.1fx faster (goal >= 20x)\n' \
    "$LIBROSA_MS" "$WYRD_MS" "$(echo "$LIBROSA_MS / $WYRD_MS" | bc -l)"
