#!/usr/bin/env bash
# Runs all of wyrd's tests on a fresh Debian/Ubuntu machine: installs what they need (system
# packages, Rust, amSynth's banks, python-osc, ONNX Runtime, PyTorch), checks formatting and
# lints, then runs the Rust test suite and the training code's tests.
# The amSynth fidelity capture tests are opt-in: WYRD_FIDELITY=1 ./test.sh
set -euo pipefail
cd "$(dirname "$0")"
./setup.sh deps banks pyosc ort train fuzz aarch64
# shellcheck disable=SC1091
command -v cargo >/dev/null 2>&1 || . "$HOME/.cargo/env"
cargo fmt --all -- --check
cargo clippy --workspace --all-targets --release -q -- -D warnings
log=$(mktemp)
trap 'rm -f "$log"' EXIT
set -o pipefail
status=0
# Layering: the engine, the models and the script host build without JACK (only the drivers and
# the test rig link it).
jack_users=""
for crate in wyrd-engine wyrd-models wyrd-script; do
    cargo tree -q -p "$crate" -e normal,build,dev | grep -q ' jack v' && jack_users="$jack_users $crate"
done
if [ -z "$jack_users" ]; then
    echo "1 passed: layering (wyrd-engine, wyrd-models and wyrd-script without jack)" | tee "$log"
else
    echo "1 failed: layering (jack reaches$jack_users; see cargo tree -i jack)" | tee "$log"
    status=1
fi
cargo test --workspace --release 2>&1 | tee -a "$log" || status=$?
# The engine as the Pi runs it: aarch64 code under qemu (FPCR flush-to-zero, the fenced clock).
cargo test --release -p wyrd-engine --target aarch64-unknown-linux-gnu 2>&1 | tee -a "$log" || status=$?
# The training code: a tiny dataset rendered by this wyrd, a few steps, export, ONNX Runtime.
WYRD_BIN=${CARGO_TARGET_DIR:-$PWD/target}/release/wyrd data/train-venv/bin/python -m pytest -q models/train/tests 2>&1 | tee -a "$log" || status=$?
# The OSC fuzz target (libFuzzer with AddressSanitizer over decode + dispatch + an engine block)
# for a minute from its seed corpus; a finding fails the suite. Longer runs: the README's OSC section.
# No leak check: the engine and the Lua state are built once and live for the whole run.
fuzz_log=$(mktemp)
if (cd engine/script/fuzz && python3 seeds.py &&
    cargo fuzz run osc_dispatch -- -dict=osc.dict -detect_leaks=0 -max_total_time=60) >"$fuzz_log" 2>&1; then
    echo "1 passed: fuzz osc_dispatch, $(grep -m1 '^Done' "$fuzz_log")" | tee -a "$log"
else
    tail -n 60 "$fuzz_log"
    echo "1 failed: fuzz osc_dispatch (see above; a finding's input is saved under engine/script/fuzz/artifacts/)" | tee -a "$log"
    status=1
fi
rm -f "$fuzz_log"
# Say what the whole suite did (cargo's and pytest's result lines).
awk '/^test result:/ { p += $4; f += $6 }
     /^[0-9]+ (passed|failed)/ { for (i = 1; i < NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i } }
     END { printf "summary: %d passed, %d failed\n", p, f }' "$log"
exit $status
