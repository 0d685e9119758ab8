"""Note matcher: MFCCs of one rendered note `[B, 141, 20]` + MIDI note `[B, 1]` -> patch.

    python -m wyrd_train.note_matcher --variant direct \\
        --data DATA/presets-train --data DATA/variations-train --data DATA/random \\
        --val DATA/presets-validation --out models --name note_matcher_direct
    python -m wyrd_train.note_matcher --variant vae --vae data/train-work/preset_vae8.pt \\
        --data ... --val ... --name note_matcher_vae8

Architecture: MFCC standardisation (per-coefficient mean/std of the training frames, buffers inside
the graph) -> 1-D CNN over time (3 strided conv blocks) -> mean+max pooling -> concat note feature
-> MLP. `direct`: the MLP gives patch logits (cont sigmoid, cat softmax per group). `vae`: the MLP
gives z, decoded by the frozen decoder of a pretrained preset VAE; the loss is on the decoded patch
(+ `--z-weight` x MSE between z and the VAE encoder's mean of the true patch).
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
from .common import MfccNorm, PatchHead, mlp, patch_loss, patch_metrics, format_metrics, note_feature
from .data import (REPO_ROOT, Encoding, check_encoding, features_meta, load_datasets, set_threads)
from .vae import DEFAULT_WORK, load_checkpoint

FRAMES = 141
N_MFCC = 20


class ConvEncoder(nn.Module):
    """[B, T, n_mfcc] (normalised) + note feature [B, 1] -> embedding [B, hidden]."""

    def __init__(self, n_mfcc: int = N_MFCC, channels: int = 64, hidden: int = 256):
        super().__init__()
        c = channels
        self.conv = nn.Sequential(
            nn.Conv1d(n_mfcc, c, 5, stride=2, padding=2), nn.ReLU(),
            nn.Conv1d(c, c, 5, stride=2, padding=2), nn.ReLU(),
            nn.Conv1d(c, 2 * c, 5, stride=2, padding=2), nn.ReLU(),
        )
        self.mlp = mlp([4 * c + 1, hidden, hidden], last_act=True)
        self.out_dim = hidden

    def forward(self, m: torch.Tensor, note: torch.Tensor) -> torch.Tensor:
        h = self.conv(m.transpose(1, 2))  # [B, C, T']
        pooled = torch.cat([h.mean(dim=2), h.amax(dim=2)], dim=1)
        return self.mlp(torch.cat([pooled, note_feature(note)], dim=1))


class NoteMatcher(nn.Module):
    """`forward(mfcc, note)` -> (cont, cat) for `direct`, (cont, cat, z) for `vae`.
    `logits(mfcc, note)` -> patch logits (training), plus z for `vae`."""

    def __init__(self, variant: str, n_cont: int, groups, mfcc_mean, mfcc_std, *, channels=64,
                 hidden=256, decoder: nn.Module | None = None, latent: int | None = None):
        super().__init__()
        self.variant = variant
        self.n_cont = n_cont
        self.groups = [dict(g) for g in groups]
        self.n_cat = sum(g["size"] for g in self.groups)
        self.norm = MfccNorm(mfcc_mean, mfcc_std)
        self.body = ConvEncoder(len(np.asarray(mfcc_mean)), channels, hidden)
        self.head = PatchHead(n_cont, self.groups)
        if variant == "direct":
            self.out = nn.Linear(hidden, n_cont + self.n_cat)
            self.decoder = None
        elif variant == "vae":
            assert decoder is not None and latent
            self.out = nn.Linear(hidden, latent)
            self.decoder = decoder  # frozen: the VAE's `dec` MLP (z -> patch logits)
            for p in self.decoder.parameters():
                p.requires_grad_(False)
        else:
            raise ValueError(f"unknown variant {variant!r}")
        self.latent = latent

    def logits(self, mfcc, note):
        h = self.body(self.norm(mfcc), note)
        if self.variant == "direct":
            return self.out(h), None
        z = self.out(h)
        return self.decoder(z), z

    def forward(self, mfcc, note):
        logits, z = self.logits(mfcc, note)
        cont, cat = self.head(logits)
        if z is None:
            return cont, cat
        return cont, cat, z

    def train(self, mode: bool = True):
        super().train(mode)
        if self.decoder is not None:
            self.decoder.eval()
        return self


def gather(datasets, arrays=("mfcc", "note", "x")):
    out = {k: np.concatenate([d[k] for d in datasets], axis=0) for k in arrays}
    out["note"] = out["note"].astype(np.float32).reshape(-1, 1)
    return out


def evaluate(model: NoteMatcher, data: dict, batch_size=512, cont_kind="bce"):
    model.eval()
    conts, cats, loss, n = [], [], 0.0, 0
    with torch.no_grad():
        for i in range(0, len(data["x"]), batch_size):
            m = torch.as_tensor(data["mfcc"][i:i + batch_size])
            nt = torch.as_tensor(data["note"][i:i + batch_size])
            x = torch.as_tensor(data["x"][i:i + batch_size])
            logits, _ = model.logits(m, nt)
            loss += patch_loss(logits, x, model.n_cont, model.groups, cont_kind).item() * len(x)
            n += len(x)
            c, k = model.head(logits)
            conts.append(c.numpy())
            cats.append(k.numpy())
    met = patch_metrics(np.concatenate(conts), np.concatenate(cats), data["x"], model.n_cont, model.groups)
    met["loss"] = loss / max(1, n)
    return met


def train(model: NoteMatcher, tr: dict, va: dict, *, epochs=8, max_steps=None, batch_size=128, lr=1e-3,
          cont_kind="bce", z_weight=0.0, vae_encoder=None, seed=0, log=print, evals_per_epoch=1):
    common.seed_all(seed)
    rng = np.random.default_rng(seed)
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=lr, weight_decay=1e-4)
    n = len(tr["x"])
    spe = max(1, int(np.ceil(n / batch_size)))
    total = epochs * spe if not max_steps else min(epochs * spe, max_steps)
    epochs = int(np.ceil(total / spe))
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=lr, total_steps=max(total, 2), pct_start=0.1)
    eval_at = max(1, spe // max(1, evals_per_epoch))
    keeper = common.BestKeeper()
    timer = common.Timer()
    step = 0
    z_true_all = None
    if vae_encoder is not None and z_weight > 0:
        with torch.no_grad():
            z_true_all = torch.cat([vae_encoder(torch.as_tensor(tr["x"][i:i + 4096]))
                                    for i in range(0, n, 4096)])
    for epoch in range(epochs):
        model.train()
        for j, idx in enumerate(common.batches(n, batch_size, rng)):
            if step >= total:
                break
            m = torch.as_tensor(tr["mfcc"][idx])
            nt = torch.as_tensor(tr["note"][idx])
            x = torch.as_tensor(tr["x"][idx])
            logits, z = model.logits(m, nt)
            loss = patch_loss(logits, x, model.n_cont, model.groups, cont_kind)
            if z is not None and z_true_all is not None:
                loss = loss + z_weight * ((z - z_true_all[idx]) ** 2).sum(dim=1).mean()
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(params, 5.0)
            opt.step()
            sched.step()
            step += 1
            if step % eval_at == 0 or step == total:
                met = evaluate(model, va, cont_kind=cont_kind)
                keeper.update(met["loss"], model, epoch)
                log(f"epoch {epoch + 1}/{epochs} step {step}/{total} train loss {loss.item():.3f} "
                    f"val loss {met['loss']:.3f} cont_mae {met['cont_mae']:.4f} cat_acc {met['cat_acc']:.4f} [{timer}]")
                model.train()
        if step >= total:
            break
    keeper.restore(model)
    final = evaluate(model, va, cont_kind=cont_kind)
    final["steps"] = step
    return model.eval(), final


def check_inputs(mean, std, seed=0, batch=3, frames=FRAMES):
    rng = np.random.default_rng(seed)
    m = (np.asarray(mean)[None, None, :] + np.asarray(std)[None, None, :]
         * rng.standard_normal((batch, frames, len(mean)))).astype(np.float32)
    note = rng.integers(36, 85, (batch, 1)).astype(np.float32)
    return {"mfcc": m, "note": note}


def add_common_args(ap):
    ap.add_argument("--data", action="append", required=True, help="training dataset folder (repeatable)")
    ap.add_argument("--val", action="append", required=True, help="validation dataset folder (repeatable)")
    ap.add_argument("--epochs", type=int, default=12)
    ap.add_argument("--max-steps", type=int, default=None)
    ap.add_argument("--batch-size", type=int, default=128)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--channels", type=int, default=64)
    ap.add_argument("--hidden", type=int, default=256)
    ap.add_argument("--cont-loss", choices=("bce", "mse", "l1"), default="bce")
    ap.add_argument("--evals-per-epoch", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=None, help="torch threads (default: all CPUs)")
    ap.add_argument("--out", default=str(REPO_ROOT / "models"))
    ap.add_argument("--work", default=str(DEFAULT_WORK))
    ap.add_argument("--no-export", action="store_true")


def load_train_val(a, arrays):
    train_ds = load_datasets(a.data, arrays=arrays)
    val_ds = load_datasets(a.val, arrays=arrays)
    enc = train_ds[0].encoding()
    h = train_ds[0].schema_hash
    for d in train_ds + val_ds:
        check_encoding(d, enc)
        if d.schema_hash != h:
            raise SystemExit(f"{d.path}: schema hash {d.schema_hash} != {h}")
        if d.split == "test":
            raise SystemExit(f"{d.path}: a test-split dataset must not be used for training or selection")
    return train_ds, val_ds, enc, h


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python -m wyrd_train.note_matcher", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--variant", choices=("direct", "vae"), default="direct")
    ap.add_argument("--vae", default=None, help="preset VAE checkpoint (.pt) for --variant vae")
    ap.add_argument("--z-weight", type=float, default=0.1,
                    help="vae variant: weight of MSE(z, VAE encoder mean of the true patch)")
    ap.add_argument("--name", default=None)
    add_common_args(ap)
    a = ap.parse_args(argv)
    print(f"threads: {set_threads(a.threads)}")
    train_ds, val_ds, enc, schema_hash = load_train_val(a, ("mfcc", "note", "x"))
    tr, va = gather(train_ds), gather(val_ds)
    print(f"items: train {len(tr['x'])}, validation {len(va['x'])}")
    mean, std = common.mfcc_stats([tr["mfcc"]])

    decoder = vae_enc = None
    latent = None
    if a.variant == "vae":
        if not a.vae:
            raise SystemExit("--variant vae needs --vae CHECKPOINT")
        vae, ck = load_checkpoint(a.vae)
        if ck.get("schema_hash") != schema_hash:
            raise SystemExit(f"VAE checkpoint schema hash {ck.get('schema_hash')} != dataset's {schema_hash}")
        decoder, latent = vae.dec, vae.latent
        vae_enc = lambda x: vae.encode(x)[0]  # noqa: E731
    name = a.name or ("note_matcher_direct" if a.variant == "direct" else f"note_matcher_vae{latent}")
    model = NoteMatcher(a.variant, enc.n_cont, enc.groups, mean, std, channels=a.channels,
                        hidden=a.hidden, decoder=decoder, latent=latent)
    model, m = train(model, tr, va, epochs=a.epochs, max_steps=a.max_steps, batch_size=a.batch_size,
                     lr=a.lr, cont_kind=a.cont_loss, z_weight=a.z_weight, vae_encoder=vae_enc,
                     seed=a.seed, evals_per_epoch=a.evals_per_epoch)
    print("validation: " + format_metrics(m, enc.continuous_ids, enc.categorical_ids))

    work = Path(a.work)
    work.mkdir(parents=True, exist_ok=True)
    features = features_meta(train_ds[0].meta, FRAMES)
    torch.save({"kind": "note_matcher", "variant": a.variant, "state_dict": model.state_dict(),
                "config": {"n_cont": enc.n_cont, "groups": enc.groups, "channels": a.channels,
                           "hidden": a.hidden, "latent": latent},
                "mfcc_mean": mean, "mfcc_std": std, "schema": enc.schema, "schema_hash": schema_hash,
                "features": features, "args": vars(a)}, str(work / f"{name}.pt"))
    summary = {"name": name, "validation": m}
    if not a.no_export:
        md = ex.base_metadata(kind="note_matcher", variant=a.variant, schema_hash=schema_hash, enc=enc,
                              features=features, name=name, latent_dim=latent, mfcc_mean=mean, mfcc_std=std)
        outs = ["cont", "cat"] + (["z"] if a.variant == "vae" else [])
        r = ex.export_onnx(model, check_inputs(mean, std, a.seed), outs, a.out, name, md)
        print(f"exported {r['onnx']} ({r['bytes']} bytes, ORT max abs diff {r['max_abs_diff']:.2e})")
        summary["export"] = r
    with open(work / f"{name}.metrics.json", "w") as f:
        json.dump(summary, f, indent=1)
    return summary


if __name__ == "__main__":
    main()
