#!/usr/bin/env bash
# Reproduces models/ (after ./setup.sh deps banks ort train and cargo build --release -p wyrd): renders the datasets with wyrd, trains every shipped model, evaluates them
# on the test split. Each step is one documented command (models/train/README.md); finished
# dataset parts are skipped, so a rerun only redoes what is missing.
#   models/train/run_all.sh            everything
#   STEPS="eval" models/train/run_all.sh   only some steps (data vae note live eval)
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
WYRD=${WYRD_BIN:-$ROOT/target/release/wyrd}
PY=$ROOT/data/train-venv/bin/python
DATA=${WYRD_DATASETS:-$ROOT/data/datasets}
WORK=${WYRD_TRAIN_WORK:-$ROOT/data/train-work}
OUT=$ROOT/models
BETA=${BETA:-0.2}
STEPS=${STEPS:-data vae note live eval}

has() { [[ " $STEPS " == *" $1 "* ]]; }

if has data; then
    "$WYRD" dataset render --split train --source presets --out "$DATA/train-presets"
    "$WYRD" dataset render --split train --source variations --per-preset 4 --sigma 0.08 --p-cat 0.1 --out "$DATA/train-variations"
    "$WYRD" dataset render --split train --source random --count 8000 --out "$DATA/train-random"
    "$WYRD" dataset render --split validation --source presets --out "$DATA/validation-presets"
    "$WYRD" dataset render --split test --source presets --out "$DATA/test-presets"
fi

TRAIN=(--data "$DATA/train-presets" --data "$DATA/train-variations" --data "$DATA/train-random")
VAL=(--val "$DATA/validation-presets")
cd models/train

if has vae; then
    for d in 2 4 8 16; do
        "$PY" -u -m wyrd_train.vae "${TRAIN[@]}" "${VAL[@]}" --latent "$d" --beta "$BETA" \
            --threads 1 --work "$WORK" --out "$OUT" --name "preset_vae$d"
    done
fi
if has note; then
    "$PY" -u -m wyrd_train.note_matcher --variant direct "${TRAIN[@]}" "${VAL[@]}" \
        --epochs 15 --threads 1 --work "$WORK" --out "$OUT" --name note_matcher_direct
    "$PY" -u -m wyrd_train.note_matcher --variant vae --vae "$WORK/preset_vae16.pt" "${TRAIN[@]}" "${VAL[@]}" \
        --epochs 15 --threads 1 --work "$WORK" --out "$OUT" --name note_matcher_vae
fi
if has live; then
    "$PY" -u -m wyrd_train.live_matcher "${TRAIN[@]}" "${VAL[@]}" \
        --threads 1 --work "$WORK" --out "$OUT" --name live_matcher
fi
cd "$ROOT"
if has eval; then
    "$WYRD" eval --test "$DATA/test-presets" --train "$DATA/train-presets" --models "$OUT" -o "$OUT/eval"
fi
