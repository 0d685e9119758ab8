"""Live matcher: a window of W = 10 MFCC frames `[B, 10, 20]` + MIDI note `[B, 1]` -> the timbre
subset of the patch (oscillators, mix, filter, LFO, crunch); the other parameters keep the running
patch's values (the envelope/level is the amplitude follower's business).

    python -m wyrd_train.live_matcher \\
        --data DATA/presets-train --data DATA/variations-train --data DATA/random \\
        --val DATA/presets-validation --out models --name live_matcher

The dataset's `live` array `[N, K, W, 20]` is flattened to `N*K` windows, each with its item's note
and patch. Architecture: MFCC standardisation (buffers) -> small conv over the 10 frames + mean/max
pooling and the flattened window -> MLP with the note feature -> subset logits (cont sigmoid, cat
softmax per group). The subset (ids below, checked against the schema; order is the schema's) is
recorded in the metadata as `wyrd.continuous_ids` / `wyrd.categorical_groups` / `wyrd.param_ids`
and in `wyrd.subset`.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import torch
import torch.nn as nn

from . import common
from . import export as ex
from .common import MfccNorm, PatchHead, mlp, format_metrics, note_feature
from .data import features_meta, set_threads
from .note_matcher import add_common_args, load_train_val, evaluate, train

WINDOW = 10

TIMBRE_IDS = (
    "osc1_waveform", "osc1_pulsewidth", "osc2_waveform", "osc2_pulsewidth", "osc2_detune",
    "osc2_range", "osc2_pitch", "osc2_sync", "osc_mix", "osc_mix_mode",
    "filter_cutoff", "filter_resonance", "filter_env_amount", "filter_type", "filter_slope",
    "filter_kbd_track", "lfo_freq", "lfo_waveform", "freq_mod_amount", "filter_mod_amount",
    "amp_mod_amount", "freq_mod_osc", "distortion_crunch",
)


class LiveMatcher(nn.Module):
    def __init__(self, n_cont: int, groups, mfcc_mean, mfcc_std, window: int = WINDOW,
                 channels: int = 64, hidden: int = 256):
        super().__init__()
        n_mfcc = len(np.asarray(mfcc_mean))
        self.n_cont = n_cont
        self.groups = [dict(g) for g in groups]
        self.n_cat = sum(g["size"] for g in self.groups)
        self.variant = "direct"
        self.norm = MfccNorm(mfcc_mean, mfcc_std)
        self.conv = nn.Sequential(nn.Conv1d(n_mfcc, channels, 3, padding=1), nn.ReLU(),
                                  nn.Conv1d(channels, channels, 3, padding=1), nn.ReLU())
        self.mlp = mlp([2 * channels + window * n_mfcc + 1, hidden, hidden], last_act=True)
        self.out = nn.Linear(hidden, n_cont + self.n_cat)
        self.head = PatchHead(n_cont, self.groups)

    def logits(self, mfcc, note):
        m = self.norm(mfcc)
        h = self.conv(m.transpose(1, 2))
        feat = torch.cat([h.mean(dim=2), h.amax(dim=2), m.flatten(1), note_feature(note)], dim=1)
        return self.out(self.mlp(feat)), None

    def forward(self, mfcc, note):
        return self.head(self.logits(mfcc, note)[0])


def gather_windows(datasets, sub) -> dict:
    """`live [N, K, W, 20]` -> `[N*K, W, 20]`; notes and subset patches repeated K times."""
    lives, notes, xs = [], [], []
    for d in datasets:
        live = d["live"]
        n, k = live.shape[:2]
        lives.append(live.reshape(n * k, *live.shape[2:]))
        notes.append(np.repeat(d["note"].astype(np.float32), k).reshape(-1, 1))
        xs.append(np.repeat(sub.select(d["x"]), k, axis=0))
    return {"mfcc": np.concatenate(lives), "note": np.concatenate(notes), "x": np.concatenate(xs)}


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python -m wyrd_train.live_matcher", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--name", default="live_matcher")
    add_common_args(ap)
    ap.set_defaults(epochs=10, batch_size=256)
    a = ap.parse_args(argv)
    print(f"threads: {set_threads(a.threads)}")
    train_ds, val_ds, enc, schema_hash = load_train_val(a, ("live", "note", "x"))
    sub = enc.subset(TIMBRE_IDS)
    tr, va = gather_windows(train_ds, sub), gather_windows(val_ds, sub)
    window = tr["mfcc"].shape[1]
    print(f"windows: train {len(tr['x'])}, validation {len(va['x'])}; subset n_cont {sub.n_cont} "
          f"n_cat {sub.n_cat}")
    mean, std = common.mfcc_stats([tr["mfcc"]])
    model = LiveMatcher(sub.n_cont, sub.groups, mean, std, window, a.channels, a.hidden)
    model, m = train(model, tr, va, epochs=a.epochs, max_steps=a.max_steps, batch_size=a.batch_size,
                     lr=a.lr, cont_kind=a.cont_loss, seed=a.seed, evals_per_epoch=a.evals_per_epoch)
    print("validation: " + format_metrics(m, sub.continuous_ids, sub.categorical_ids))

    work = Path(a.work)
    work.mkdir(parents=True, exist_ok=True)
    features = features_meta(train_ds[0].meta, window)
    torch.save({"kind": "live_matcher", "state_dict": model.state_dict(),
                "config": {"n_cont": sub.n_cont, "groups": sub.groups, "window": window,
                           "channels": a.channels, "hidden": a.hidden},
                "subset": list(sub.param_ids), "mfcc_mean": mean, "mfcc_std": std,
                "schema": enc.schema, "schema_hash": schema_hash, "features": features,
                "args": vars(a)}, str(work / f"{a.name}.pt"))
    summary = {"name": a.name, "validation": m}
    if not a.no_export:
        md = ex.base_metadata(kind="live_matcher", variant="direct", schema_hash=schema_hash, enc=sub,
                              features=features, name=a.name, mfcc_mean=mean, mfcc_std=std,
                              extra={"wyrd.subset": list(sub.param_ids)})
        from .note_matcher import check_inputs
        r = ex.export_onnx(model, check_inputs(mean, std, a.seed, frames=window), ["cont", "cat"],
                           a.out, a.name, md)
        print(f"exported {r['onnx']} ({r['bytes']} bytes, ORT max abs diff {r['max_abs_diff']:.2e})")
        summary["export"] = r
    with open(work / f"{a.name}.metrics.json", "w") as f:
        json.dump(summary, f, indent=1)
    return summary


if __name__ == "__main__":
    main()
