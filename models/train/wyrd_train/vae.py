"""Preset VAE: x = concat(cont 0..1, one-hot cats) -> z -> patch.

    python -m wyrd_train.vae --data DATA/presets-train --val DATA/presets-validation \\
        --latent 8 --out models --name preset_vae8

Writes `<work>/<name>.pt`, `<out>/<name>_decoder.onnx` (+ `.check.json`), `<out>/<name>_encoder.onnx`
(+ `.check.json`), and prints validation metrics and the prior-sample report.

Design (see README.md):
- Loss = continuous BCE (sum over dims, targets in the 0..1 view) + categorical cross-entropy
  (sum over groups) + beta_t * KL, with free bits (per latent dim, KL below `--free-bits` nats is
  not penalised) and a linear KL warm-up: beta_t = beta * min(1, step / (kl_warmup * total_steps)).
- Prior fix (`--prior-fix marginal`, default; `none` = plain VAE): each step also decodes a batch
  of z ~ N(0, I) and adds (1) per continuous parameter the 1-D Wasserstein distance between the
  decoded values and the training presets' quantiles, per categorical option |mean probability -
  preset frequency|, and an entropy term (`--prior-entropy`), all times `--prior-weight`;
  (2) `--prior-sliced` x a sliced-Wasserstein distance over random directions of the whole
  encoding against a random batch of presets (joint structure: no silent decay-0 + sustain-0
  corners); (3) `--critic-weight` x a hinge on the predicted peak of a frozen loudness critic
  (an MLP patch -> peak dBFS at note 60, trained on every `--data` folder's `peak_db`, including
  variations and random ones) outside -24..-1 dBFS. This pulls the decoder's output on the whole
  prior (not only near encoded presets) onto the preset distribution, so prior samples stop
  drifting to the average "everything a bit on" patch (long attacks, LFO depth up).
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from . import common
from .common import PatchHead, mlp, patch_loss, patch_metrics, format_metrics
from .data import Encoding, load_datasets, unique_patches, set_threads, check_encoding, REPO_ROOT
from . import export as ex

DEFAULT_WORK = REPO_ROOT / "data" / "train-work"
LATENTS = (2, 4, 8, 16)


class PresetVAE(nn.Module):
    def __init__(self, width: int, n_cont: int, groups, latent: int, hidden: int = 256):
        super().__init__()
        self.width, self.n_cont, self.latent, self.hidden = width, n_cont, latent, hidden
        self.groups = [dict(g) for g in groups]
        self.enc = mlp([width, hidden, hidden], last_act=True)
        self.mu = nn.Linear(hidden, latent)
        self.logvar = nn.Linear(hidden, latent)
        self.dec = mlp([latent, hidden, hidden, width])
        self.head = PatchHead(n_cont, self.groups)

    def encode(self, x):
        h = self.enc(x)
        return self.mu(h), self.logvar(h).clamp(-12.0, 6.0)

    def decode_logits(self, z):
        return self.dec(z)

    def decode(self, z):
        return self.head(self.dec(z))

    def forward(self, x):
        mu, logvar = self.encode(x)
        z = mu + torch.randn_like(mu) * torch.exp(0.5 * logvar)
        return self.decode_logits(z), mu, logvar

    def config(self) -> dict:
        return {"width": self.width, "n_cont": self.n_cont, "groups": self.groups,
                "latent": self.latent, "hidden": self.hidden}


class DecoderExport(nn.Module):
    def __init__(self, vae: PresetVAE):
        super().__init__()
        self.dec, self.head = vae.dec, vae.head

    def forward(self, z):
        return self.head(self.dec(z))


class EncoderExport(nn.Module):
    def __init__(self, vae: PresetVAE):
        super().__init__()
        self.enc, self.mu = vae.enc, vae.mu

    def forward(self, x):
        return self.mu(self.enc(x))


def kl_terms(mu, logvar):
    """Per-dim KL(q||N(0,I)) averaged over the batch: [d]."""
    return (0.5 * (mu.pow(2) + logvar.exp() - 1.0 - logvar)).mean(dim=0)


class LoudnessCritic(nn.Module):
    """Predicts a patch's render peak (dBFS, note 60) from its encoding; trained on the datasets'
    `peak_db` (all sources: random and variation patches supply the quiet ones), then frozen and
    used by the prior fix to keep decoded prior samples audible."""

    def __init__(self, width: int, hidden: int = 128):
        super().__init__()
        self.net = mlp([width, hidden, hidden, 1])

    def forward(self, x):
        return self.net(x).squeeze(1)


PEAK_FLOOR_DB = -60.0


def critic_data(datasets, note: int = 60):
    """(x, peak_db) of the items at `note` (else each dataset's note nearest to it)."""
    xs, ps = [], []
    for d in datasets:
        if "peak_db" not in d.arrays or "note" not in d.arrays or len(d) == 0:
            continue
        notes = np.unique(d["note"])
        nn_ = notes[np.argmin(np.abs(notes - note))]
        m = d["note"] == nn_
        xs.append(d["x"][m])
        ps.append(np.maximum(d["peak_db"][m], PEAK_FLOOR_DB))
    if not xs:
        return None
    return np.concatenate(xs).astype(np.float32), np.concatenate(ps).astype(np.float32)


def train_critic(train, val=None, *, epochs=60, batch_size=128, lr=2e-3, seed=0, log=print):
    common.seed_all(seed)
    rng = np.random.default_rng(seed)
    x, y = (torch.as_tensor(a) for a in train)
    critic = LoudnessCritic(x.shape[1])
    opt = torch.optim.Adam(critic.parameters(), lr=lr, weight_decay=1e-5)
    for _ in range(epochs):
        for idx in common.batches(len(x), batch_size, rng):
            loss = F.smooth_l1_loss(critic(x[idx]), y[idx], beta=2.0)
            opt.zero_grad()
            loss.backward()
            opt.step()
    critic.eval()
    for p in critic.parameters():
        p.requires_grad_(False)
    msg = f"loudness critic: {len(x)} patches, train MAE {F.l1_loss(critic(x), y).item():.2f} dB"
    if val is not None and len(val[0]):
        xv, yv = (torch.as_tensor(a) for a in val)
        pv = critic(xv)
        msg += (f", validation MAE {F.l1_loss(pv, yv).item():.2f} dB, quiet (< -30 dB) "
                f"{(yv < -30).float().mean().item():.3f} / predicted {(pv < -30).float().mean().item():.3f}")
    log(msg)
    return critic


class MarginalPrior:
    """The prior fix: match decoded-prior marginals to the training presets' marginals."""

    def __init__(self, x_train: np.ndarray, n_cont: int, m: int, groups=(), entropy: float = 0.0,
                 critic: LoudnessCritic | None = None, critic_weight: float = 0.0,
                 peak_range: tuple[float, float] = (-24.0, -1.0), sliced: float = 0.0,
                 projections: int = 64):
        self.m = m
        self.sliced, self.projections = sliced, projections
        self.x_all = torch.as_tensor(x_train.astype(np.float32))
        self.critic, self.critic_weight, self.peak_range = critic, critic_weight, peak_range
        self.groups = [(int(g["offset"]), int(g["size"])) for g in groups]
        self.entropy = entropy
        levels = (np.arange(m) + 0.5) / m
        self.q = torch.as_tensor(np.quantile(x_train[:, :n_cont], levels, axis=0).astype(np.float32))  # [m, n_cont]
        self.freq = torch.as_tensor(x_train[:, n_cont:].mean(axis=0).astype(np.float32))
        self.n_cont = n_cont

    def loss(self, vae: PresetVAE) -> torch.Tensor:
        z = torch.randn(self.m, vae.latent)
        cont, cat = vae.decode(z)
        sorted_cont, _ = torch.sort(cont, dim=0)
        w1 = (sorted_cont - self.q).abs().mean(dim=0).sum()  # sum over params of W1 per param
        cat_d = (cat.mean(dim=0) - self.freq).abs().sum()
        loss = w1 + cat_d
        if self.sliced > 0:
            # Joint shape: sliced Wasserstein between decoded prior samples and a random batch of
            # presets over random directions of the whole encoding (cont + cat probabilities), so
            # combinations no preset has (e.g. amp decay 0 with sustain 0: silence) cost too.
            ref = self.x_all[torch.randint(0, len(self.x_all), (self.m,))]
            gen = torch.cat([cont, cat], dim=1)
            dirs = F.normalize(torch.randn(gen.shape[1], self.projections), dim=0)
            a, _ = torch.sort(gen @ dirs, dim=0)
            b, _ = torch.sort(ref @ dirs, dim=0)
            loss = loss + self.sliced * (a - b).abs().mean(dim=0).sum()
        if self.entropy > 0 and self.groups:
            # Confident categorical outputs on prior samples, so argmax frequencies follow the
            # matched mean probabilities.
            ent = sum(-(cat[:, o:o + s] * torch.log(cat[:, o:o + s] + 1e-8)).sum(dim=1).mean()
                      for o, s in self.groups)
            loss = loss + self.entropy * ent
        if self.critic is not None and self.critic_weight > 0:
            # Audible, not clipping: predicted peak (dB) inside peak_range, hinge per sample.
            peak = self.critic(torch.cat([cont, cat], dim=1))
            lo, hi = self.peak_range
            loss = loss + self.critic_weight * (F.relu(lo - peak) + F.relu(peak - hi)).mean()
        return loss


def evaluate(vae: PresetVAE, x: np.ndarray, enc_groups, cont_kind="bce", beta=1.0):
    vae.eval()
    with torch.no_grad():
        xt = torch.as_tensor(x)
        mu, logvar = vae.encode(xt)
        logits = vae.decode_logits(mu)
        rec = patch_loss(logits, xt, vae.n_cont, enc_groups, cont_kind).item()
        kl = kl_terms(mu, logvar).sum().item()
        cont, cat = vae.head(logits)
    m = patch_metrics(cont.numpy(), cat.numpy(), x, vae.n_cont, enc_groups)
    m.update({"rec": rec, "kl": kl, "elbo_loss": rec + beta * kl})
    return m


# ---------------------------------------------------------------------------------------------
# Prior report


def decode_prior(vae: PresetVAE, n: int, seed: int = 0, temperature: float = 1.0):
    g = torch.Generator().manual_seed(seed)
    z = torch.randn(n, vae.latent, generator=g) * temperature
    vae.eval()
    with torch.no_grad():
        cont, cat = vae.decode(z)
    return cont.numpy(), cat.numpy()


def _stats_for(enc: Encoding, cont: np.ndarray) -> dict:
    """Musical-usability statistics of patches in the 0..1 view (continuous part)."""
    out = {}

    def col(pid):
        return cont[:, enc.cont_index(pid)] if pid in enc.continuous_ids else None

    def phys(pid, c):
        p = enc.by_id[pid]
        return p.to_physical(p.denormalize(c))

    a = col("amp_attack")
    if a is not None:
        p = enc.by_id["amp_attack"]
        thr = float(p.normalize(p.from_physical(0.1)))  # the 100 ms point in the 0..1 view
        out["amp_attack_n_threshold_100ms"] = thr
        out["share_amp_attack_gt_100ms"] = float((a > thr).mean())
        out["amp_attack_s_median"] = float(np.median(phys("amp_attack", a)))
    for pid in ("freq_mod_amount", "filter_mod_amount", "amp_mod_amount"):
        c = col(pid)
        if c is None:
            continue
        d = np.abs(phys(pid, c))  # physical depth per the schema law (0 = no modulation)
        out[f"{pid}_n_mean"] = float(c.mean())
        out[f"{pid}_depth_mean"] = float(d.mean())
        out[f"{pid}_depth_median"] = float(np.median(d))
        out[f"share_{pid}_depth_gt_0.1"] = float((d > 0.1).mean())
    for pid in ("master_vol", "amp_sustain", "amp_release", "filter_cutoff", "lfo_freq", "reverb_wet",
                "distortion_crunch", "portamento_time"):
        c = col(pid)
        if c is not None:
            out[f"{pid}_n_mean"] = float(c.mean())
            out[f"{pid}_n_median"] = float(np.median(c))
    return out


def prior_report(vae: PresetVAE, enc: Encoding, x_ref: np.ndarray, n: int = 2000, seed: int = 0,
                 temperature: float = 1.0) -> dict:
    """Decode `n` prior samples z ~ N(0, I) (times `temperature`) and compare their statistics in
    the 0..1 view with the reference presets `x_ref` (usually the training presets). Also the mean
    per-parameter 1-D Wasserstein distance between prior and reference marginals."""
    cont, cat = decode_prior(vae, n, seed, temperature)
    ref_cont = x_ref[:, :enc.n_cont]
    levels = (np.arange(200) + 0.5) / 200
    w1 = np.abs(np.quantile(cont, levels, axis=0) - np.quantile(ref_cont, levels, axis=0)).mean(axis=0)
    cat_tv = []
    for g in enc.groups:
        o, s = enc.n_cont + g["offset"], g["size"]
        pf = np.bincount(cat[:, g["offset"]:g["offset"] + s].argmax(1), minlength=s) / len(cat)
        rf = x_ref[:, o:o + s].mean(axis=0)
        cat_tv.append(0.5 * float(np.abs(pf - rf).sum()))
    return {
        "n": n, "temperature": temperature,
        "prior": _stats_for(enc, cont),
        "reference": _stats_for(enc, ref_cont),
        "w1_mean": float(w1.mean()),
        "w1_worst": sorted(((pid, float(v)) for pid, v in zip(enc.continuous_ids, w1)), key=lambda t: -t[1])[:6],
        "cat_tv_mean": float(np.mean(cat_tv)) if cat_tv else 0.0,
    }


def format_prior_report(r: dict) -> str:
    lines = [f"prior report: {r['n']} samples z~N(0,I) x{r['temperature']}, vs training presets",
             f"  {'statistic':38s} {'prior':>9s} {'presets':>9s}"]
    for k, v in r["prior"].items():
        lines.append(f"  {k:38s} {v:9.4f} {r['reference'].get(k, float('nan')):9.4f}")
    lines.append(f"  marginal W1 (0..1 view) mean {r['w1_mean']:.4f}; worst "
                 + ", ".join(f"{p}={v:.3f}" for p, v in r["w1_worst"]))
    lines.append(f"  categorical total variation mean {r['cat_tv_mean']:.4f}")
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# Training


def train(x_train: np.ndarray, x_val: np.ndarray, enc: Encoding, *, latent=8, hidden=256, epochs=300,
          max_steps=None, batch_size=64, lr=2e-3, beta=0.5, free_bits=0.1, kl_warmup=0.3,
          prior_fix="marginal", prior_weight=1.0, prior_batch=256, prior_entropy=0.1,
          critic=None, critic_weight=0.05, prior_sliced=1.0, cont_kind="bce", seed=0,
          log=print, eval_every=None) -> tuple[PresetVAE, dict]:
    common.seed_all(seed)
    rng = np.random.default_rng(seed)
    vae = PresetVAE(enc.width, enc.n_cont, enc.groups, latent, hidden)
    opt = torch.optim.Adam(vae.parameters(), lr=lr)
    steps_per_epoch = max(1, int(np.ceil(len(x_train) / batch_size)))
    total = epochs * steps_per_epoch
    if max_steps:
        total = min(total, max_steps)
    epochs = int(np.ceil(total / steps_per_epoch))
    warm = max(1, int(kl_warmup * total))
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=total, eta_min=lr * 0.05)
    prior = MarginalPrior(x_train, enc.n_cont, prior_batch, enc.groups, prior_entropy,
                          critic, critic_weight, sliced=prior_sliced) if prior_fix == "marginal" else None
    if prior_fix not in ("marginal", "none"):
        raise ValueError(f"unknown --prior-fix {prior_fix!r} (marginal, none)")
    eval_every = eval_every or max(1, epochs // 30)
    keeper = common.BestKeeper()
    xt_all = torch.as_tensor(x_train)
    step = 0
    timer = common.Timer()
    for epoch in range(epochs):
        vae.train()
        for idx in common.batches(len(x_train), batch_size, rng):
            if step >= total:
                break
            xb = xt_all[idx]
            logits, mu, logvar = vae(xb)
            rec = patch_loss(logits, xb, enc.n_cont, enc.groups, cont_kind)
            kl_d = kl_terms(mu, logvar)
            kl = torch.clamp(kl_d, min=free_bits).sum() if free_bits > 0 else kl_d.sum()
            beta_t = beta * min(1.0, step / warm)
            loss = rec + beta_t * kl
            if prior is not None and prior_weight > 0:
                loss = loss + prior_weight * prior.loss(vae)
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(vae.parameters(), 5.0)
            opt.step()
            sched.step()
            step += 1
        last = step >= total or epoch == epochs - 1
        if (epoch + 1) % eval_every == 0 or last:
            m = evaluate(vae, x_val, enc.groups, cont_kind, beta)
            score = m["elbo_loss"]
            if prior is not None and prior_weight > 0:
                with torch.no_grad():
                    score += prior_weight * float(np.mean([prior.loss(vae).item() for _ in range(4)]))
            # Select only once the KL weight has reached its final value.
            if step >= warm:
                keeper.update(score, vae, epoch)
            log(f"epoch {epoch + 1}/{epochs} step {step} beta {beta * min(1.0, step / warm):.3f} "
                f"val rec {m['rec']:.3f} kl {m['kl']:.2f} score {score:.3f} "
                f"cont_mae {m['cont_mae']:.4f} cat_acc {m['cat_acc']:.4f} [{timer}]")
        if step >= total:
            break
    keeper.restore(vae)
    final = evaluate(vae, x_val, enc.groups, cont_kind, beta)
    final["best_epoch"] = keeper.epoch + 1
    final["steps"] = step
    return vae.eval(), final


def save_checkpoint(path, vae: PresetVAE, enc: Encoding, schema_hash: str, features: dict, args: dict):
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    torch.save({"kind": "preset_vae", "config": vae.config(), "state_dict": vae.state_dict(),
                "schema": enc.schema, "schema_hash": schema_hash, "features": features,
                "args": args}, str(path))


def load_checkpoint(path) -> tuple[PresetVAE, dict]:
    ck = torch.load(str(path), map_location="cpu", weights_only=False)
    c = ck["config"]
    vae = PresetVAE(c["width"], c["n_cont"], c["groups"], c["latent"], c["hidden"])
    vae.load_state_dict(ck["state_dict"])
    return vae.eval(), ck


def export_vae(vae: PresetVAE, enc: Encoding, schema_hash: str, features: dict, out_dir, name: str,
               variant: str | None = None, seed: int = 0, log=print) -> list[dict]:
    variant = variant or f"latent{vae.latent}"
    rng = np.random.default_rng(seed)
    z = rng.standard_normal((4, vae.latent)).astype(np.float32)
    x = np.zeros((4, enc.width), np.float32)
    x[:, :enc.n_cont] = rng.random((4, enc.n_cont))
    for g in enc.groups:
        x[np.arange(4), enc.n_cont + g["offset"] + rng.integers(0, g["size"], 4)] = 1.0
    res = []
    for kind, mod, inputs, outs, nm in (
        ("vae_decoder", DecoderExport(vae), {"z": z}, ["cont", "cat"], f"{name}_decoder"),
        ("vae_encoder", EncoderExport(vae), {"x": x}, ["z_mean"], f"{name}_encoder"),
    ):
        md = ex.base_metadata(kind=kind, variant=variant, schema_hash=schema_hash, enc=enc,
                              features=features, name=nm, latent_dim=vae.latent)
        r = ex.export_onnx(mod, inputs, outs, out_dir, nm, md)
        log(f"exported {r['onnx']} ({r['bytes']} bytes, ORT max abs diff {r['max_abs_diff']:.2e})")
        res.append(r)
    return res


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python -m wyrd_train.vae", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", action="append", required=True,
                    help="training dataset folder (repeatable); presets of the train split")
    ap.add_argument("--val", action="append", required=True, help="validation dataset folder (repeatable)")
    ap.add_argument("--all-sources", action="store_true",
                    help="also use variations/random datasets given in --data (default: presets only)")
    ap.add_argument("--latent", type=int, default=8, choices=LATENTS)
    ap.add_argument("--hidden", type=int, default=256)
    ap.add_argument("--epochs", type=int, default=300)
    ap.add_argument("--max-steps", type=int, default=None)
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--beta", type=float, default=0.5, help="final KL weight")
    ap.add_argument("--free-bits", type=float, default=0.1, help="nats per latent dim not penalised")
    ap.add_argument("--kl-warmup", type=float, default=0.3,
                    help="fraction of the steps over which the KL weight rises linearly from 0 to beta")
    ap.add_argument("--prior-fix", choices=("marginal", "none"), default="marginal")
    ap.add_argument("--prior-weight", type=float, default=1.0)
    ap.add_argument("--prior-batch", type=int, default=256)
    ap.add_argument("--prior-entropy", type=float, default=0.1,
                    help="marginal prior fix: weight of the categorical entropy on prior samples")
    ap.add_argument("--prior-sliced", type=float, default=1.0,
                    help="marginal prior fix: weight of the sliced-Wasserstein (joint) term")
    ap.add_argument("--critic-weight", type=float, default=0.05,
                    help="marginal prior fix: weight (per dB) of the loudness critic's hinge on prior "
                         "samples' predicted peak outside -24..-1 dBFS; 0 = no critic")
    ap.add_argument("--critic-data", action="append", default=[],
                    help="extra dataset folders (any source) for the loudness critic; it always uses "
                         "every --data folder too")
    ap.add_argument("--cont-loss", choices=("bce", "mse", "l1"), default="bce")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=1,
                    help="torch threads (default 1: the MLP is too small to gain from more; 0 = all CPUs)")
    ap.add_argument("--out", default=str(REPO_ROOT / "models"), help="folder for .onnx and .check.json")
    ap.add_argument("--work", default=str(DEFAULT_WORK), help="folder for the .pt checkpoint")
    ap.add_argument("--name", default=None, help="default preset_vae<latent>")
    ap.add_argument("--no-export", action="store_true")
    ap.add_argument("--report-samples", type=int, default=2000)
    a = ap.parse_args(argv)
    name = a.name or f"preset_vae{a.latent}"
    print(f"threads: {set_threads(a.threads or None)}")

    all_ds = load_datasets(a.data + a.critic_data, arrays=("x", "preset", "note", "peak_db"))
    train_ds = all_ds[:len(a.data)]
    val_ds = load_datasets(a.val, arrays=("x", "preset", "note", "peak_db"))
    critic_ds = list(all_ds)
    if not a.all_sources:
        train_ds = [d for d in train_ds if d.source in (None, "presets")] or train_ds
    enc = train_ds[0].encoding()
    for d in train_ds + val_ds:
        check_encoding(d, enc)
    schema_hash = train_ds[0].schema_hash
    if any(d.schema_hash != schema_hash for d in val_ds):
        raise SystemExit("train and validation datasets disagree on the schema hash")
    for d in train_ds + val_ds:
        if d.split == "test":
            raise SystemExit(f"{d.path}: a test-split dataset must not be used for training or selection")
    x_train = unique_patches(train_ds)
    x_val = unique_patches(val_ds)
    print(f"presets: train {len(x_train)}, validation {len(x_val)}; width {enc.width} "
          f"(n_cont {enc.n_cont}, n_cat {enc.n_cat})")
    features = dict(train_ds[0].meta.get("features") or {})
    features.setdefault("top_db", None)

    critic = None
    if a.prior_fix == "marginal" and a.critic_weight > 0:
        cd = critic_data(critic_ds)
        if cd is None:
            print("loudness critic: no peak_db in the datasets, off")
        else:
            critic = train_critic(cd, critic_data(val_ds), seed=a.seed)
    vae, m = train(x_train, x_val, enc, critic=critic, critic_weight=a.critic_weight,
                   prior_sliced=a.prior_sliced, latent=a.latent, hidden=a.hidden, epochs=a.epochs,
                   max_steps=a.max_steps, batch_size=a.batch_size, lr=a.lr, beta=a.beta,
                   free_bits=a.free_bits, kl_warmup=a.kl_warmup, prior_fix=a.prior_fix,
                   prior_weight=a.prior_weight, prior_batch=a.prior_batch, prior_entropy=a.prior_entropy, cont_kind=a.cont_loss,
                   seed=a.seed)
    print(f"validation (best epoch {m['best_epoch']}, z = encoder mean): "
          + format_metrics(m, enc.continuous_ids, enc.categorical_ids))
    rep = prior_report(vae, enc, x_train, n=a.report_samples, seed=a.seed)
    print(format_prior_report(rep))

    ck = Path(a.work) / f"{name}.pt"
    save_checkpoint(ck, vae, enc, schema_hash, features, vars(a))
    print(f"checkpoint {ck}")
    summary = {"name": name, "validation": {k: v for k, v in m.items()}, "prior_report": rep}
    if not a.no_export:
        summary["exports"] = export_vae(vae, enc, schema_hash, features, a.out, name, seed=a.seed)
    with open(Path(a.work) / f"{name}.metrics.json", "w") as f:
        json.dump(summary, f, indent=1)
    return summary


if __name__ == "__main__":
    main()
