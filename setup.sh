#!/usr/bin/env bash
# Sets up wyrd on a fresh Debian/Ubuntu machine (no sound card needed) and runs the main job.
#   ./setup.sh            everything, then render a preset and a script to out/ and match a note
#   ./setup.sh deps       system packages and Rust only
#   ./setup.sh banks      fetch amSynth's banks into data/amsynth/banks
#   ./setup.sh ort        fetch ONNX Runtime 1.31.1 (from its PyPI wheel) into data/onnxruntime
#   ./setup.sh pyosc      a Python venv with python-osc in data/pyosc (the live OSC tests' client)
#   ./setup.sh train      a Python venv with PyTorch and ONNX in data/train-venv (models/train)
#   ./setup.sh fuzz       the pinned nightly Rust and cargo-fuzz (the OSC fuzz target)
#   ./setup.sh aarch64    the Raspberry Pi's target: cross gcc, qemu-user and the Rust target
#   ./setup.sh ood        out-of-domain notes (FluidSynth + FluidR3_GM) into data/ood (models/ood)
#   ./setup.sh index      the preset index wyrd match proposes from, into data/index (about 40 s)
# Nothing from other projects is committed: banks come from Debian's amsynth package at setup time.
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$PWD
DATA=${WYRD_DATA:-$ROOT/data}

sudo_if() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

APT_PACKAGES=(build-essential pkg-config curl ca-certificates libjack-jackd2-dev jackd2 python3 python3-venv liblo-tools)

deps() {
    local missing=()
    for p in "${APT_PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        echo "setup: installing ${missing[*]}"
        sudo_if apt-get update -qq
        # jackd2 asks about real-time priority; the answer does not matter for headless use.
        echo "jackd2 jackd/tweak_rt_limits boolean false" | sudo_if debconf-set-selections
        sudo_if env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
    fi
    if ! command -v cargo >/dev/null 2>&1; then
        [ -x "$HOME/.cargo/bin/cargo" ] || curl -sSf https://sh.rustup.rs | sh -s -- -y --profile default
        # shellcheck disable=SC1091
        . "$HOME/.cargo/env"
    fi
    # The test command checks formatting and lints too.
    if command -v rustup >/dev/null 2>&1; then
        rustup component list --installed 2>/dev/null | grep -q '^clippy' || rustup component add clippy rustfmt
    fi
}

banks() {
    local dest=$DATA/amsynth/banks
    if [ -n "$(ls "$dest"/*.bank 2>/dev/null)" ]; then return; fi
    echo "setup: fetching amSynth banks from Debian's amsynth package into $dest"
    local tmp
    tmp=$(mktemp -d)
    (cd "$tmp" && apt-get download -q amsynth >/dev/null 2>&1 || { sudo_if apt-get update -qq && apt-get download -q amsynth; })
    dpkg-deb --fsys-tarfile "$tmp"/amsynth_*.deb | tar -x -C "$tmp" ./usr/share/amsynth/banks
    mkdir -p "$dest"
    cp "$tmp"/usr/share/amsynth/banks/*.bank "$dest"/
    rm -rf "$tmp"
    echo "setup: $(ls "$dest"/*.bank | wc -l) bank files"
}

ORT_VERSION=1.31.1

ort() {
    local dest=$DATA/onnxruntime
    if [ -f "$dest/libonnxruntime.so.$ORT_VERSION" ]; then return; fi
    echo "setup: fetching ONNX Runtime $ORT_VERSION (PyPI wheel) into $dest"
    local tmp
    tmp=$(mktemp -d)
    python3 -m pip download -q --no-deps --only-binary=:all: -d "$tmp" "onnxruntime==$ORT_VERSION"
    mkdir -p "$dest"
    python3 - "$tmp"/onnxruntime-*.whl "$dest" <<'PY'
import sys, zipfile
wheel, dest = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(wheel) as z:
    for name in z.namelist():
        if name.startswith("onnxruntime/capi/libonnxruntime.so"):
            with z.open(name) as src, open(f"{dest}/{name.rsplit('/', 1)[1]}", "wb") as out:
                out.write(src.read())
PY
    rm -rf "$tmp"
    ls "$dest"
}

PYOSC_VERSION=1.10.2

# The live OSC tests drive wyrd with a real third-party client; liblo's oscsend (liblo-tools)
# is the other one.
pyosc() {
    local venv=$DATA/pyosc
    if "$venv/bin/python" -c "import pythonosc, importlib.metadata as m, sys; sys.exit(m.version('python-osc') != '$PYOSC_VERSION')" 2>/dev/null; then
        return
    fi
    echo "setup: python-osc $PYOSC_VERSION in a venv at $venv"
    python3 -m venv "$venv"
    "$venv/bin/python" -m pip install -q --disable-pip-version-check "python-osc==$PYOSC_VERSION"
}

# models/train's pinned requirements; reinstalled when they change.
train() {
    local venv=$DATA/train-venv req=$ROOT/models/train/requirements.txt
    if [ -f "$venv/.requirements" ] && cmp -s "$req" "$venv/.requirements"; then return; fi
    echo "setup: PyTorch and ONNX (models/train/requirements.txt) in a venv at $venv"
    python3 -m venv "$venv"
    "$venv/bin/python" -m pip install -q --disable-pip-version-check -r "$req"
    cp "$req" "$venv/.requirements"
}

# The OSC fuzz target's toolchain is pinned in its folder; cargo-fuzz is pinned here.
CARGO_FUZZ_VERSION=0.13.2

fuzz() {
    command -v rustup >/dev/null 2>&1 || { echo "setup: fuzz needs rustup (./setup.sh deps installs Rust with it)" >&2; return 1; }
    local toolchain
    toolchain=$(sed -n 's/^channel = "\(.*\)"/\1/p' engine/script/fuzz/rust-toolchain.toml)
    rustup toolchain list | grep -q "^$toolchain" || rustup toolchain install "$toolchain" --profile minimal
    cargo fuzz --version 2>/dev/null | grep -q " $CARGO_FUZZ_VERSION\$" ||
        cargo install -q --locked cargo-fuzz --version "$CARGO_FUZZ_VERSION"
}

# The engine's tests also run as aarch64 code under qemu (denormal flushing through FPCR, the
# clock's fences); .cargo/config.toml names the linker and the runner.
aarch64() {
    local missing=()
    for p in gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user-static; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        echo "setup: installing ${missing[*]}"
        sudo_if apt-get update -qq
        sudo_if env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
    fi
    command -v rustup >/dev/null 2>&1 || { echo "setup: aarch64 needs rustup (./setup.sh deps installs Rust with it)" >&2; return 1; }
    rustup target list --installed | grep -q '^aarch64-unknown-linux-gnu$' || rustup target add aarch64-unknown-linux-gnu
}

# Out-of-domain notes for the matching evaluation: General MIDI notes rendered by Debian's
# fluidsynth from fluid-soundfont-gm (models/ood/README.md); the renders stay in $DATA/ood.
ood() {
    local missing=()
    for p in fluidsynth fluid-soundfont-gm; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        echo "setup: installing ${missing[*]}"
        sudo_if apt-get update -qq
        sudo_if env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
    fi
    python3 models/ood/make_ood.py --out "$DATA/ood"
}

# Derived from the banks on this machine (they are another project's data), so never committed.
index() {
    cargo build --release -q -p wyrd
    if ./target/release/wyrd index --check -o "$DATA/index/train-presets.idx" >/dev/null 2>&1; then return; fi
    echo "setup: building the preset index (the train split of the banks, rendered) into $DATA/index"
    ./target/release/wyrd index -o "$DATA/index/train-presets.idx"
}

demo() {
    mkdir -p out
    cargo build --release -q -p wyrd
    local bank=$DATA/amsynth/banks/BriansBank01.amSynth.bank
    ./target/release/wyrd bank list "$bank" | head -5
    ./target/release/wyrd render --bank "$bank" --preset 0 --notes 48,55,60 --hold 2 --tail 1 -o out/demo.wav
    ./target/release/wyrd render scripts/steps/steps.lua --seconds 8 -o out/steps.wav
    # "Make a patch that sounds like this": a note of a test-split preset (one no model or index
    # has seen), matched by proposals from the models and the index and a search.
    ./target/release/wyrd render --bank "$bank" --preset 13 --notes 57 --hold 1 --tail 0.5 -o out/note.wav
    ./target/release/wyrd match out/note.wav -o out/matched.amSynth.preset --render out/matched.wav \
        --report out/match-report
    # The same note resynthesised as live input would be (live matcher, pitch and level followers).
    ./target/release/wyrd resynth out/note.wav -o out/resynth.wav
    # A script sweeping a VAE's latent space with tempo-synced LFOs and an envelope.
    ./target/release/wyrd render scripts/latent_sweep/latent_sweep.lua --seconds 8 -o out/latent_sweep.wav
    echo "setup: rendered out/demo.wav, out/steps.wav (a Lua step sequencer), out/matched.wav"
    echo "       (the patch wyrd match found for out/note.wav, saved as out/matched.amSynth.preset;"
    echo "       spectrograms and the search's progress in out/match-report),"
    echo "       out/resynth.wav (out/note.wav resynthesised) and out/latent_sweep.wav (a latent sweep)"
}

if [ $# -eq 0 ]; then set -- deps banks ort index demo; fi
for step in "$@"; do "$step"; done
