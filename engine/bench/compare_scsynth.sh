#!/usr/bin/env bash
# Voice cost of wyrd against SuperCollider's scsynth on the same workload
# (shared/bench/scsynth_voice_bench.scd: 16 held voices of saw + pulse -> 4-pole low-pass with
# filter ADSR and sine LFO on cutoff, amp ADSR, 48 kHz), in one run:
#   1. writes the NRT scores with sclang (fallback: engine/bench/sc_score.py),
#   2. CPU time (user+sys, best of N) of scsynth rendering the score and of wyrd-voice-workload,
#   3. callgrind instruction counts of both, with a 0-second run subtracted so that process
#      start-up, SynthDef loading and synth allocation are not counted,
# and prints ms CPU per voice-second, the wyrd/scsynth CPU ratio and instructions per
# voice-sample (also for wyrd's full voice, --all-blocks).
#
# Run from anywhere: engine/bench/compare_scsynth.sh [--help]. Needs root or passwordless sudo
# only if packages are missing (valgrind, time, supercollider-server, supercollider-language).
set -euo pipefail

RATE=48000
VOICES=16
DUR=60
CG_DUR=5
RUNS=3
SCORE_FROM=auto
KEEP=0
INSTALL=1
CHECK_GOALS=0
SUMMARY=
WYRD_BIN=
CPU_GOAL=0.5       # wyrd CPU time / scsynth CPU time
FULL_GOAL=150      # wyrd full-voice instructions per voice-sample

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
SCD=${SCD:-$ROOT/../shared/bench/scsynth_voice_bench.scd}

usage() {
    cat <<EOF
usage: $(basename "$0") [options]
  --voices N        held voices (default $VOICES)
  --seconds S       length of the timed render (default $DUR)
  --cg-seconds S    length of the callgrind render (default $CG_DUR)
  --runs N          timed runs per program, best counts (default $RUNS)
  --score-from X    auto | sclang | python: who writes the SC score (default auto = sclang,
                    falling back to sc_score.py if sclang is missing or fails)
  --wyrd-bin PATH   use this wyrd-voice-workload instead of building it (cargo build --release)
  --no-install      never apt-get missing packages; fail instead
  --check-goals     exit 3 if a goal is missed (CPU ratio <= $CPU_GOAL, full voice <= $FULL_GOAL instr)
  --summary FILE    also write the results as key=value lines
  --keep            keep the work directory (scores, renders, callgrind files)
Environment: SCD (the .scd file, default ../shared/bench/...), CARGO_TARGET_DIR, TMPDIR.
EOF
}

die() { echo "compare_scsynth: error: $*" >&2; exit 1; }
note() { echo "compare_scsynth: $*" >&2; }

is_number() { [[ $1 =~ ^[0-9]+([.][0-9]+)?$ ]]; }

while [[ $# -gt 0 ]]; do
    case $1 in
        --voices) VOICES=${2:?}; shift 2 ;;
        --seconds) DUR=${2:?}; shift 2 ;;
        --cg-seconds) CG_DUR=${2:?}; shift 2 ;;
        --runs) RUNS=${2:?}; shift 2 ;;
        --score-from) SCORE_FROM=${2:?}; shift 2 ;;
        --wyrd-bin) WYRD_BIN=${2:?}; shift 2 ;;
        --no-install) INSTALL=0; shift ;;
        --check-goals) CHECK_GOALS=1; shift ;;
        --summary) SUMMARY=${2:?}; shift 2 ;;
        --keep) KEEP=1; shift ;;
        -h|--help) usage; exit 0 ;;
        *) usage >&2; die "unknown option '$1'" ;;
    esac
done
[[ $VOICES =~ ^[0-9]+$ ]] && (( VOICES >= 1 && VOICES <= 128 )) || die "--voices must be 1..128"
is_number "$DUR" && awk -v s="$DUR" 'BEGIN { exit !(s > 0) }' || die "--seconds must be a number > 0"
is_number "$CG_DUR" && awk -v s="$CG_DUR" 'BEGIN { exit !(s > 0) }' || die "--cg-seconds must be a number > 0"
[[ $RUNS =~ ^[0-9]+$ ]] && (( RUNS >= 1 )) || die "--runs must be >= 1"
case $SCORE_FROM in auto|sclang|python) ;; *) die "--score-from must be auto, sclang or python" ;; esac

# Generous limits: they only exist so that a wedged tool fails the run instead of hanging it.
# Callgrind runs ~50x slower than native; scale its limit with the rendered length.
T_SCLANG=180
T_RENDER=$(awk -v s="$DUR" -v v="$VOICES" 'BEGIN { printf "%d", 120 + s * v * 0.05 }')
T_CG=$(awk -v s="$CG_DUR" -v v="$VOICES" 'BEGIN { printf "%d", 300 + s * v * 2 }')

# --- tools ---------------------------------------------------------------------------------
# Installs Debian packages; returns non-zero (after saying why) instead of dying, so that an
# optional package (sclang, which has a fallback) does not end the run.
apt_install() {
    if ! (( INSTALL )); then
        note "missing $*; install with: apt-get install -y --no-install-recommends $*"
        return 1
    fi
    local sudo=
    if (( EUID != 0 )); then
        if ! sudo -n true 2>/dev/null; then
            note "missing $*; need root or passwordless sudo to install them"
            return 1
        fi
        sudo="sudo -n"
    fi
    note "installing $* (apt-get, --no-install-recommends)"
    export DEBIAN_FRONTEND=noninteractive
    if ! timeout 900 $sudo apt-get install -y --no-install-recommends "$@" >/dev/null 2>&1; then
        # A fresh container has no package lists yet.
        timeout 600 $sudo apt-get update >/dev/null 2>&1 || true
        if ! timeout 900 $sudo apt-get install -y --no-install-recommends "$@" >&2; then
            note "apt-get install $* failed"
            return 1
        fi
    fi
}

command -v timeout >/dev/null || die "'timeout' (coreutils) not found"
command -v awk >/dev/null || die "'awk' not found"
missing=()
[[ -x /usr/bin/time ]] || missing+=(time)
command -v valgrind >/dev/null || missing+=(valgrind)
command -v scsynth >/dev/null || missing+=(supercollider-server)
if (( ${#missing[@]} )); then
    apt_install "${missing[@]}" || die "cannot continue without ${missing[*]}"
fi
[[ -x /usr/bin/time ]] || die "/usr/bin/time not found after installing 'time'"
command -v valgrind >/dev/null || die "valgrind not found after installing it"
command -v scsynth >/dev/null || die "scsynth not found after installing supercollider-server"
if [[ $SCORE_FROM != python ]] && ! command -v sclang >/dev/null; then
    if ! apt_install supercollider-language; then
        [[ $SCORE_FROM == sclang ]] && die "sclang is not available (try --score-from python)"
        note "sclang not available; the score will come from sc_score.py"
    fi
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/compare_scsynth.XXXXXX")
cleanup() {
    if (( KEEP )); then note "work directory kept: $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'die "interrupted"' INT TERM

# Runs "$@" under `timeout LIMIT`, with stdout+stderr to LOG; dies with the log's tail on failure.
run_logged() {
    local limit=$1 log=$2 what=$3; shift 3
    local rc=0
    timeout --kill-after=10 "$limit" "$@" >"$log" 2>&1 || rc=$?
    if (( rc == 124 || rc == 137 )); then
        tail -n 20 "$log" >&2
        die "$what timed out after ${limit}s"
    elif (( rc != 0 )); then
        tail -n 20 "$log" >&2
        die "$what failed (exit $rc); log: $log (kept only with --keep)"
    fi
}

# --- 1. scores -----------------------------------------------------------------------------
# One score per length: the timed render, the callgrind render and the 0-second baseline.
score_sclang() {  # dir seconds
    [[ -f $SCD ]] || { note "$SCD not found"; return 1; }
    command -v sclang >/dev/null || { note "sclang not found"; return 1; }
    local rc=0
    # sclang's Qt parts need a display unless told to render off-screen, and a runtime
    # directory, which Qt would otherwise leave behind in TMPDIR.
    mkdir -p -m 700 "$WORK/xdg"
    (cd "$WORK" && QT_QPA_PLATFORM=offscreen QTWEBENGINE_DISABLE_SANDBOX=1 XDG_RUNTIME_DIR="$WORK/xdg" \
        VOICES=$VOICES DUR=$2 OUT=$1 \
        timeout --kill-after=10 $T_SCLANG sclang "$SCD" </dev/null >"$1.sclang.log" 2>&1) || rc=$?
    if (( rc != 0 )) || [[ ! -s $1/score.osc ]]; then
        tail -n 15 "$1.sclang.log" >&2
        note "sclang failed (exit $rc) for a ${2}s score"
        return 1
    fi
}
score_python() {  # dir seconds
    command -v python3 >/dev/null || die "python3 is needed for the fallback score"
    python3 "$HERE/sc_score.py" --voices "$VOICES" --seconds "$2" --out "$1" \
        || die "sc_score.py failed"
}

SCORE_BY=$SCORE_FROM
for len in "$DUR" "$CG_DUR" 0; do
    dir=$WORK/score_$len
    [[ -s $dir/score.osc ]] && continue   # --seconds may equal --cg-seconds
    if [[ $SCORE_BY != python ]]; then
        if score_sclang "$dir" "$len"; then
            SCORE_BY=sclang
            # Keeps the fallback honest: it must still write what sclang writes.
            if command -v python3 >/dev/null; then
                python3 "$HERE/sc_score.py" --voices "$VOICES" --seconds "$len" \
                    --compare "$dir/score.osc" >/dev/null \
                    || note "warning: sc_score.py no longer matches sclang's score; fix it"
            fi
            continue
        fi
        [[ $SCORE_BY == sclang ]] && die "sclang could not write the score (--score-from auto falls back to python)"
        note "falling back to sc_score.py"
        SCORE_BY=python
    fi
    score_python "$dir" "$len"
done
note "scores written by $SCORE_BY"

# The command lines go through an array so that paths with spaces survive.
scsynth_cmd() {  # seconds out.wav
    CMD=(scsynth -N "$WORK/score_$1/score.osc" _ "$2" "$RATE" WAV float -o 2)
}

# --- 2. wyrd binary ------------------------------------------------------------------------
if [[ -z $WYRD_BIN ]]; then
    command -v cargo >/dev/null || die "cargo not found (or pass --wyrd-bin)"
    note "building wyrd-voice-workload (release)"
    (cd "$ROOT" && timeout 1800 cargo build --release --quiet -p wyrd-bench --bin wyrd-voice-workload) \
        || die "cargo build failed"
    WYRD_BIN=${CARGO_TARGET_DIR:-$ROOT/target}/release/wyrd-voice-workload
    [[ $WYRD_BIN = /* ]] || WYRD_BIN=$ROOT/$WYRD_BIN
fi
[[ -x $WYRD_BIN ]] || die "wyrd-voice-workload not found at $WYRD_BIN"

wyrd_cmd() {  # seconds [--all-blocks]
    CMD=("$WYRD_BIN" --quiet --voices "$VOICES" --seconds "$@")
}

# --- 3. CPU time ---------------------------------------------------------------------------
# Prints the smallest user+sys CPU seconds of RUNS runs of the command.
best_cpu() {  # what limit cmd...
    local what=$1 limit=$2; shift 2
    local best= t i
    for ((i = 1; i <= RUNS; i++)); do
        run_logged "$limit" "$WORK/time.log" "$what" /usr/bin/time -f "%U %S" -o "$WORK/time.out" "$@"
        t=$(tail -n 1 "$WORK/time.out" | awk 'NF == 2 { printf "%.3f", $1 + $2 }')
        [[ -n $t ]] || die "could not read /usr/bin/time's output for $what"
        best=$(awk -v a="$best" -v b="$t" 'BEGIN { print (a == "" || b < a) ? b : a }')
    done
    echo "$best"
}

note "timing scsynth: $RUNS x ${DUR}s render and $RUNS x 0s start-up"
scsynth_cmd "$DUR" "$WORK/sc.wav"
SC_CPU=$(best_cpu "scsynth ${DUR}s render" "$T_RENDER" "${CMD[@]}")
expect=$(awk -v s="$DUR" -v r="$RATE" 'BEGIN { printf "%d", s * r * 8 }')
size=$(stat -c %s "$WORK/sc.wav")
(( size >= expect )) || die "scsynth wrote $size bytes, expected at least $expect; see $WORK/time.log"
scsynth_cmd 0 "$WORK/sc0.wav"
SC_CPU0=$(best_cpu "scsynth 0s render" 60 "${CMD[@]}")

note "timing wyrd: $RUNS x ${DUR}s render and $RUNS x 0s start-up"
wyrd_cmd "$DUR"
WY_CPU=$(best_cpu "wyrd ${DUR}s render" "$T_RENDER" "${CMD[@]}")
WY_RESULT=$(grep '^result ' "$WORK/time.log" || true)
[[ -n $WY_RESULT ]] || die "wyrd-voice-workload printed no result line; see $WORK/time.log"
WY_SILENT=$(sed -n 's/.* silent=\([01]\).*/\1/p' <<<"$WY_RESULT")
wyrd_cmd 0
WY_CPU0=$(best_cpu "wyrd 0s render" 60 "${CMD[@]}")

# --- 4. instructions -----------------------------------------------------------------------
# Prints the instructions callgrind collected for the command.
instructions() {  # tag what cmd...
    local tag=$1 what=$2; shift 2
    run_logged "$T_CG" "$WORK/cg.log" "callgrind: $what" \
        valgrind --tool=callgrind --log-file="$WORK/vg.log" \
        --callgrind-out-file="$WORK/callgrind.$tag.out" "$@"
    local n
    n=$(sed -n 's/.*Collected : *\([0-9][0-9]*\).*/\1/p' "$WORK/vg.log" | tail -n 1)
    [[ -n $n ]] || { tail -n 20 "$WORK/vg.log" >&2; die "no instruction count from callgrind for $what"; }
    echo "$n"
}

note "callgrind: scsynth and wyrd, ${CG_DUR}s and 0s each (slow: a minute or two)"
scsynth_cmd "$CG_DUR" "$WORK/cg.wav"
SC_I=$(instructions sc "scsynth ${CG_DUR}s" "${CMD[@]}")
scsynth_cmd 0 "$WORK/cg0.wav"
SC_I0=$(instructions sc0 "scsynth 0s" "${CMD[@]}")
wyrd_cmd "$CG_DUR"
WY_I=$(instructions wyrd "wyrd ${CG_DUR}s" "${CMD[@]}")
wyrd_cmd 0
WY_I0=$(instructions wyrd0 "wyrd 0s" "${CMD[@]}")
wyrd_cmd "$CG_DUR" --all-blocks
WF_I=$(instructions full "wyrd ${CG_DUR}s all blocks" "${CMD[@]}")
wyrd_cmd 0 --all-blocks
WF_I0=$(instructions full0 "wyrd 0s all blocks" "${CMD[@]}")

# --- 5. report -----------------------------------------------------------------------------
calc() { awk "BEGIN { printf \"$1\", $2 }"; }
# FORMAT NUMERATOR DENOMINATOR (expressions); "n/a" when the denominator is not positive, which
# only happens for renders too short for the clock's 10 ms resolution.
ratio() { awk "BEGIN { d = $3; if (d <= 0) print \"n/a\"; else printf \"$1\", ($2) / d }"; }
VS=$(calc %.6f "$VOICES * $DUR")                       # voice-seconds timed
VSAMP=$(calc %.0f "$VOICES * $CG_DUR * $RATE")          # voice-samples under callgrind
SC_MS=$(calc %.4f "1000 * $SC_CPU / $VS")
WY_MS=$(calc %.4f "1000 * $WY_CPU / $VS")
SC_MS_NET=$(calc %.4f "1000 * ($SC_CPU - $SC_CPU0) / $VS")
WY_MS_NET=$(calc %.4f "1000 * ($WY_CPU - $WY_CPU0) / $VS")
RATIO=$(ratio %.3f "$WY_CPU" "$SC_CPU")
RATIO_NET=$(ratio %.3f "$WY_CPU - $WY_CPU0" "$SC_CPU - $SC_CPU0")
SC_IPS=$(calc %.1f "($SC_I - $SC_I0) / $VSAMP")
WY_IPS=$(calc %.1f "($WY_I - $WY_I0) / $VSAMP")
WF_IPS=$(calc %.1f "($WF_I - $WF_I0) / $VSAMP")
IRATIO=$(ratio %.3f "$WY_I - $WY_I0" "$SC_I - $SC_I0")
verdict() {
    [[ $1 == n/a ]] && { echo n/a; return; }
    awk -v x="$1" -v g="$2" 'BEGIN { print (x <= g) ? "met" : "MISSED" }'
}
CPU_OK=$(verdict "$RATIO" "$CPU_GOAL")
FULL_OK=$(verdict "$WF_IPS" "$FULL_GOAL")

cpu_model=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -n 1)
sc_version=$(scsynth -v 2>/dev/null | awk 'NR == 1 { print $1, $2 }' || true)
echo
echo "== voice cost: wyrd vs scsynth, $VOICES voices, $RATE Hz =="
echo "machine: ${cpu_model:-unknown CPU}, $(nproc) cores; ${sc_version:-scsynth}; score by $SCORE_BY"
if [[ $WY_SILENT == 1 ]]; then
    echo "WARNING: wyrd rendered silence (DSP not there yet?): its numbers do not mean anything"
fi
echo
echo "CPU time (user+sys), ${DUR}s render, best of $RUNS:"
printf '  %-22s %7.3f s  %7.4f ms per voice-second  (start-up %.3f s; without it %.4f)\n' \
    scsynth "$SC_CPU" "$SC_MS" "$SC_CPU0" "$SC_MS_NET"
printf '  %-22s %7.3f s  %7.4f ms per voice-second  (start-up %.3f s; without it %.4f)\n' \
    wyrd "$WY_CPU" "$WY_MS" "$WY_CPU0" "$WY_MS_NET"
printf '  CPU ratio wyrd/scsynth: %s  (goal <= %s: %s; without start-up %s)\n' \
    "$RATIO" "$CPU_GOAL" "$CPU_OK" "$RATIO_NET"
echo
echo "Instructions (callgrind, ${CG_DUR}s run minus 0s run) per voice-sample:"
printf '  %-22s %7s\n' scsynth "$SC_IPS"
printf '  %-22s %7s  (%s x scsynth)\n' wyrd "$WY_IPS" "$IRATIO"
printf '  %-22s %7s  (goal <= %s: %s)\n' "wyrd --all-blocks" "$WF_IPS" "$FULL_GOAL" "$FULL_OK"

# Where wyrd's instructions go, for whoever wants to move the numbers above.
top_functions() {  # callgrind file
    command -v callgrind_annotate >/dev/null || return 0
    callgrind_annotate "$1" 2>/dev/null \
        | awk '/file:function/ { on = 1; getline; next } on && NF' \
        | sed -e 's| \[[^]]*\]$||' -e 's|[^ ]*/\([^/]*:\)|\1|' | head -n 8 || true
}
echo
echo "wyrd's hottest functions (callgrind, ${CG_DUR}s, self cost; SC patch, then --all-blocks):"
top_functions "$WORK/callgrind.wyrd.out" | sed 's/^/  /'
echo "  --"
top_functions "$WORK/callgrind.full.out" | sed 's/^/  /'

if [[ -n $SUMMARY ]]; then
    cat >"$SUMMARY" <<EOF
voices=$VOICES
seconds=$DUR
callgrind_seconds=$CG_DUR
score_by=$SCORE_BY
wyrd_silent=$WY_SILENT
scsynth_cpu_s=$SC_CPU
scsynth_startup_cpu_s=$SC_CPU0
scsynth_ms_per_voice_second=$SC_MS
wyrd_cpu_s=$WY_CPU
wyrd_startup_cpu_s=$WY_CPU0
wyrd_ms_per_voice_second=$WY_MS
cpu_ratio=$RATIO
cpu_ratio_without_startup=$RATIO_NET
scsynth_instructions_per_voice_sample=$SC_IPS
wyrd_instructions_per_voice_sample=$WY_IPS
wyrd_full_instructions_per_voice_sample=$WF_IPS
EOF
fi

if (( CHECK_GOALS )) && [[ $CPU_OK != met || $FULL_OK != met || $WY_SILENT == 1 ]]; then
    exit 3
fi
