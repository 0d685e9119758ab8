"""Pieces shared by the models: the patch head (sigmoid + per-group softmax), losses, metrics,
MFCC normalisation, and small training utilities."""

from __future__ import annotations

import copy
import math
import time
from typing import Sequence

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


class PatchHead(nn.Module):
    """Logits `[B, n_cont + n_cat]` -> (`cont` sigmoid `[B, n_cont]`, `cat` softmax per group)."""

    def __init__(self, n_cont: int, groups: Sequence[dict]):
        super().__init__()
        self.n_cont = int(n_cont)
        self.slices = [(int(g["offset"]), int(g["size"])) for g in groups]

    def forward(self, logits: torch.Tensor):
        cont = torch.sigmoid(logits[:, : self.n_cont])
        cat_logits = logits[:, self.n_cont:]
        parts = [torch.softmax(cat_logits[:, o:o + s], dim=1) for o, s in self.slices]
        cat = torch.cat(parts, dim=1) if parts else cat_logits
        return cont, cat


def cont_loss(logits_cont: torch.Tensor, target: torch.Tensor, kind: str = "bce") -> torch.Tensor:
    """Per-sample sum over continuous dims."""
    if kind == "bce":
        l = F.binary_cross_entropy_with_logits(logits_cont, target, reduction="none")
    elif kind == "mse":
        l = (torch.sigmoid(logits_cont) - target) ** 2
    elif kind == "l1":
        l = (torch.sigmoid(logits_cont) - target).abs()
    else:
        raise ValueError(f"unknown continuous loss {kind!r}")
    return l.sum(dim=1)


def cat_loss(logits_cat: torch.Tensor, target_onehot: torch.Tensor, groups: Sequence[dict]) -> torch.Tensor:
    """Per-sample sum of cross-entropies over groups."""
    total = torch.zeros(logits_cat.shape[0], device=logits_cat.device)
    for g in groups:
        o, s = int(g["offset"]), int(g["size"])
        logp = F.log_softmax(logits_cat[:, o:o + s], dim=1)
        total = total - (target_onehot[:, o:o + s] * logp).sum(dim=1)
    return total


def patch_loss(logits: torch.Tensor, x: torch.Tensor, n_cont: int, groups, kind: str = "bce",
               cat_weight: float = 1.0) -> torch.Tensor:
    """Mean over the batch of (continuous loss + cat_weight * categorical loss)."""
    lc = cont_loss(logits[:, :n_cont], x[:, :n_cont], kind)
    lk = cat_loss(logits[:, n_cont:], x[:, n_cont:], groups)
    return (lc + cat_weight * lk).mean()


def patch_metrics(cont: np.ndarray, cat: np.ndarray, x: np.ndarray, n_cont: int, groups) -> dict:
    """Continuous MAE in the 0..1 view and categorical accuracy (mean over groups), plus per-param."""
    cont_true = x[:, :n_cont]
    cat_true = x[:, n_cont:]
    mae_per = np.abs(cont - cont_true).mean(axis=0) if n_cont else np.zeros(0)
    acc_per = []
    for g in groups:
        o, s = g["offset"], g["size"]
        acc_per.append(float((cat[:, o:o + s].argmax(1) == cat_true[:, o:o + s].argmax(1)).mean()))
    return {
        "cont_mae": float(mae_per.mean()) if n_cont else 0.0,
        "cat_acc": float(np.mean(acc_per)) if acc_per else 1.0,
        "cont_mae_per_param": mae_per.tolist(),
        "cat_acc_per_group": acc_per,
    }


def format_metrics(m: dict, cont_ids=None, group_ids=None, top: int = 6) -> str:
    s = f"cont_mae={m['cont_mae']:.4f} cat_acc={m['cat_acc']:.4f}"
    if cont_ids is not None and m.get("cont_mae_per_param"):
        per = sorted(zip(cont_ids, m["cont_mae_per_param"]), key=lambda t: -t[1])[:top]
        s += "\n  worst cont MAE: " + ", ".join(f"{i}={v:.3f}" for i, v in per)
    if group_ids is not None and m.get("cat_acc_per_group"):
        s += "\n  cat acc: " + ", ".join(f"{i}={v:.3f}" for i, v in zip(group_ids, m["cat_acc_per_group"]))
    return s


class MfccNorm(nn.Module):
    """Per-coefficient MFCC standardisation, stored as buffers so the exported graph takes raw MFCCs."""

    def __init__(self, mean: np.ndarray, std: np.ndarray):
        super().__init__()
        self.register_buffer("mean", torch.as_tensor(np.asarray(mean, np.float32)))
        self.register_buffer("std", torch.as_tensor(np.maximum(np.asarray(std, np.float32), 1e-3)))

    def forward(self, m: torch.Tensor) -> torch.Tensor:
        return (m - self.mean) / self.std


def mfcc_stats(arrays: Sequence[np.ndarray], max_rows: int = 200_000, seed: int = 0):
    """Mean/std per coefficient over all frames of the given `[..., n_mfcc]` arrays."""
    rng = np.random.default_rng(seed)
    rows = []
    for a in arrays:
        a = a.reshape(-1, a.shape[-1])
        if len(a) > max_rows:
            a = a[rng.choice(len(a), max_rows, replace=False)]
        rows.append(a.astype(np.float64))
    r = np.concatenate(rows, axis=0)
    return r.mean(axis=0).astype(np.float32), r.std(axis=0).astype(np.float32)


NOTE_CENTER = 60.0
NOTE_SCALE = 24.0


def note_feature(note: torch.Tensor) -> torch.Tensor:
    return (note - NOTE_CENTER) / NOTE_SCALE


class BestKeeper:
    """Keeps the state dict with the lowest validation score."""

    def __init__(self):
        self.best = math.inf
        self.state = None
        self.epoch = -1

    def update(self, score: float, model: nn.Module, epoch: int) -> bool:
        if score < self.best:
            self.best = score
            self.state = copy.deepcopy(model.state_dict())
            self.epoch = epoch
            return True
        return False

    def restore(self, model: nn.Module):
        if self.state is not None:
            model.load_state_dict(self.state)


class Timer:
    def __init__(self):
        self.t0 = time.time()

    def __str__(self):
        return f"{time.time() - self.t0:.1f}s"


def batches(n: int, batch_size: int, rng: np.random.Generator, shuffle: bool = True):
    idx = rng.permutation(n) if shuffle else np.arange(n)
    for i in range(0, n, batch_size):
        yield idx[i:i + batch_size]


def mlp(sizes: Sequence[int], act=nn.ReLU, last_act: bool = False) -> nn.Sequential:
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(nn.Linear(sizes[i], sizes[i + 1]))
        if i < len(sizes) - 2 or last_act:
            layers.append(act())
    return nn.Sequential(*layers)


def seed_all(seed: int):
    torch.manual_seed(seed)
    np.random.seed(seed)
