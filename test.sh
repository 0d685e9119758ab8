#!/usr/bin/env bash
# Runs all of wyrd's tests on a fresh Debian/Ubuntu machine: installs what they need (system
# packages, Rust, amSynth's banks, python-osc), checks formatting and lints, then runs the test
# suite.
# The amSynth fidelity capture tests are opt-in: WYRD_FIDELITY=1 ./test.sh
set -euo pipefail
cd "$(dirname "$0")"
./setup.sh deps banks pyosc
# shellcheck disable=SC1091
command -v cargo >/dev/null 2>&1 || . "$HOME/.cargo/env"
cargo fmt --all -- --check
cargo clippy --workspace --all-targets --release -q -- -D warnings
log=$(mktemp)
trap 'rm -f "$log"' EXIT
set -o pipefail
cargo test --workspace --release 2>&1 | tee "$log"
# cargo's last line is a doc-test run with nothing in it; say what the whole suite did.
awk '/^test result:/ { p += $4; f += $6 } END { printf "summary: %d passed, %d failed\n", p, f }' "$log"
