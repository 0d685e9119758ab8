"""Datasets, splits and the patch encoding of models/FORMAT.md.

Everything is derived from the schema JSON (`wyrd params --json`, stored in a dataset's
`meta.json` as `"schema"`); no parameter is listed here by hand except the live matcher's timbre
subset (by id, checked against the schema).
"""

from __future__ import annotations

import glob
import json
import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np

REPO_ROOT = Path(__file__).resolve().parents[3]
SPLITS_DIR = REPO_ROOT / "models" / "splits"
ARRAYS = ("params", "x", "note", "preset", "mfcc", "live", "peak_db")


# ---------------------------------------------------------------------------------------------
# Schema and encoding


@dataclass
class Param:
    index: int
    id: str
    kind: str  # "continuous" | "stepped" | "categorical"
    min: float
    max: float
    default: float
    step: float
    rounding: str  # "none" | "nearest" | "truncate"
    options: list[str] = field(default_factory=list)
    law: dict = field(default_factory=dict)

    @property
    def categorical(self) -> bool:
        return self.kind == "categorical"

    def normalize(self, v):
        """Bank units -> 0..1 view (`ParamSpec::normalize`, in f64)."""
        v = np.asarray(v, dtype=np.float64)
        span = float(self.max) - float(self.min)
        return np.clip((v - float(self.min)) / span, 0.0, 1.0)

    def sanitize(self, v):
        """Clamp and snap, in f32 like `ParamSpec::sanitize`."""
        v = np.asarray(v, dtype=np.float32)
        v = np.where(np.isnan(v), np.float32(self.default), v)
        lo, hi = np.float32(self.min), np.float32(self.max)
        v = np.clip(v, lo, hi)
        step = np.float32(self.step)
        if self.rounding == "nearest" and step > 0:
            q = v / step
            q = np.sign(q) * np.floor(np.abs(q) + np.float32(0.5))  # halves away from zero
            v = (q * step).astype(np.float32)
        elif self.rounding == "truncate" and step > 0:
            v = (np.trunc(v / step) * step).astype(np.float32)
        return (np.clip(v, lo, hi) + np.float32(0.0)).astype(np.float32)

    def denormalize(self, n):
        """0..1 view -> bank units (`ParamSpec::denormalize`: clamp, snap stepped ones)."""
        n = np.asarray(n, dtype=np.float64)
        n = np.where(np.isnan(n), self.normalize(self.default), n)
        n = np.clip(n, 0.0, 1.0)
        span = float(self.max) - float(self.min)
        v = (float(self.min) + n * span).astype(np.float32)
        if self.rounding == "none":
            return np.clip(v, np.float32(self.min), np.float32(self.max)).astype(np.float32)
        return self.sanitize(v)

    def to_physical(self, v):
        """Stored value -> physical quantity (the schema's `law`)."""
        v = np.asarray(v, dtype=np.float64)
        law = self.law or {"type": "linear", "scale": 1.0, "offset": 0.0}
        t = law.get("type", "linear")
        if t == "linear":
            return law.get("offset", 0.0) + law.get("scale", 1.0) * v
        if t == "exp":
            return law.get("offset", 0.0) + np.power(law["base"], v)
        if t == "power":
            return law.get("offset", 0.0) + law.get("scale", 1.0) * np.power(np.maximum(v, 0.0), law["exponent"])
        if t == "resonance_q":
            return 1.0 / np.maximum(2.0 * (1.0 - v), 0.001)
        raise ValueError(f"unknown law {t!r}")

    def from_physical(self, p):
        """Physical quantity -> stored value, where the law is invertible (not sanitized)."""
        p = np.asarray(p, dtype=np.float64)
        law = self.law or {"type": "linear", "scale": 1.0, "offset": 0.0}
        t = law.get("type", "linear")
        if t == "linear":
            return (p - law.get("offset", 0.0)) / law.get("scale", 1.0)
        if t == "exp":
            return np.log(np.maximum(p - law.get("offset", 0.0), np.finfo(float).tiny)) / math.log(law["base"])
        if t == "power":
            return np.power(np.maximum((p - law.get("offset", 0.0)) / law.get("scale", 1.0), 0.0), 1.0 / law["exponent"])
        if t == "resonance_q":
            return 1.0 - 1.0 / (2.0 * np.maximum(p, 0.5))
        raise ValueError(f"unknown law {t!r}")


def _parse_param(i: int, p: dict) -> Param:
    kind = p.get("kind", "continuous")
    options: list[str] = []
    if isinstance(kind, dict):
        options = list(kind.get("options") or [])
        kind = kind.get("type", "continuous")
    kind = str(kind).lower()
    if not kind and options:
        kind = "categorical"
    if options and kind != "categorical":
        kind = "categorical"
    if "options" in p and not options:
        options = list(p["options"] or [])
        if options:
            kind = "categorical"
    step = float(p.get("step", 0.0) or 0.0)
    rounding = p.get("rounding")
    if rounding is None:
        rounding = "nearest" if step > 0 else "none"
    return Param(
        index=int(p.get("index", i)),
        id=str(p["id"]),
        kind=kind,
        min=float(p["min"]),
        max=float(p["max"]),
        default=float(p.get("default", p["min"])),
        step=step,
        rounding=str(rounding).lower(),
        options=options,
        law=dict(p.get("law") or {}),
    )


class Encoding:
    """The patch encoding of FORMAT.md: `x = concat(cont 0..1, one-hot per categorical group)`."""

    def __init__(self, schema: dict | list):
        if isinstance(schema, dict):
            plist = schema.get("params")
            if plist is None:
                raise ValueError("schema JSON has no 'params'")
            self.hash = schema.get("hash")
        else:
            plist = schema
            self.hash = None
        self.schema = schema
        params = [_parse_param(i, p) for i, p in enumerate(plist)]
        params.sort(key=lambda p: p.index)
        self.params = params
        self.by_id = {p.id: p for p in params}
        self.continuous = [p for p in params if not p.categorical]
        self.groups = []
        off = 0
        for p in params:
            if p.categorical:
                self.groups.append({"id": p.id, "index": p.index, "options": list(p.options),
                                    "offset": off, "size": len(p.options)})
                off += len(p.options)
        self.n_cont = len(self.continuous)
        self.n_cat = off
        self.width = self.n_cont + self.n_cat

    @property
    def n_params(self) -> int:
        return len(self.params)

    @property
    def continuous_ids(self) -> list[str]:
        return [p.id for p in self.continuous]

    @property
    def categorical_ids(self) -> list[str]:
        return [g["id"] for g in self.groups]

    @property
    def param_ids(self) -> list[str]:
        return self.continuous_ids + self.categorical_ids

    def groups_json(self) -> list[dict]:
        return [{"id": g["id"], "options": g["options"], "offset": g["offset"], "size": g["size"]}
                for g in self.groups]

    def cont_index(self, pid: str) -> int:
        return self.continuous_ids.index(pid)

    def encode(self, params: np.ndarray) -> np.ndarray:
        """`params [N, n_params]` in bank units (schema order) -> `x [N, width]` float32."""
        params = np.atleast_2d(np.asarray(params, dtype=np.float32))
        n = params.shape[0]
        x = np.zeros((n, self.width), dtype=np.float32)
        for k, p in enumerate(self.continuous):
            x[:, k] = p.normalize(params[:, p.index]).astype(np.float32)
        for g in self.groups:
            p = self.params[g["index"]]
            opt = p.sanitize(params[:, p.index]).astype(np.int64)
            opt = np.clip(opt, 0, g["size"] - 1)
            x[np.arange(n), self.n_cont + g["offset"] + opt] = 1.0
        return x

    def decode(self, cont: np.ndarray, cat: np.ndarray, base: np.ndarray | None = None) -> np.ndarray:
        """Model outputs -> `params [N, n_params]` in bank units (argmax per group)."""
        cont = np.atleast_2d(np.asarray(cont, dtype=np.float64))
        cat = np.atleast_2d(np.asarray(cat, dtype=np.float64))
        n = cont.shape[0]
        if base is None:
            base = np.array([p.default for p in self.params], dtype=np.float32)
        out = np.tile(np.asarray(base, dtype=np.float32), (n, 1))
        for k, p in enumerate(self.continuous):
            out[:, p.index] = p.denormalize(cont[:, k])
        for g in self.groups:
            scores = cat[:, g["offset"]:g["offset"] + g["size"]]
            out[:, g["index"]] = np.argmax(scores, axis=1).astype(np.float32)
        return out

    def decode_x(self, x: np.ndarray, base=None) -> np.ndarray:
        x = np.atleast_2d(x)
        return self.decode(x[:, :self.n_cont], x[:, self.n_cont:], base)

    def cat_argmax(self, cat: np.ndarray) -> np.ndarray:
        """`[N, n_cat]` scores -> `[N, n_groups]` option indices."""
        return np.stack([np.argmax(cat[:, g["offset"]:g["offset"] + g["size"]], axis=1)
                         for g in self.groups], axis=1) if self.groups else np.zeros((len(cat), 0), int)

    def subset(self, ids: Sequence[str]) -> "SubsetEncoding":
        return SubsetEncoding(self, ids)


class SubsetEncoding:
    """The encoding restricted to some parameter ids (live matcher): cont' and cat' in schema order,
    with group offsets relative to cat'. `cont_cols`/`cat_cols` select the subset from a full `x`."""

    def __init__(self, full: Encoding, ids: Sequence[str]):
        wanted = set(ids)
        missing = wanted - set(full.by_id)
        if missing:
            raise ValueError(f"unknown parameter ids {sorted(missing)}")
        self.full = full
        self.continuous = [p for p in full.continuous if p.id in wanted]
        self.cont_cols = [full.continuous_ids.index(p.id) for p in self.continuous]
        self.groups = []
        self.cat_cols = []
        off = 0
        for g in full.groups:
            if g["id"] in wanted:
                self.groups.append({"id": g["id"], "index": g["index"], "options": list(g["options"]),
                                    "offset": off, "size": g["size"]})
                self.cat_cols.extend(range(full.n_cont + g["offset"], full.n_cont + g["offset"] + g["size"]))
                off += g["size"]
        self.n_cont = len(self.continuous)
        self.n_cat = off
        self.width = self.n_cont + self.n_cat
        self.hash = full.hash

    @property
    def continuous_ids(self):
        return [p.id for p in self.continuous]

    @property
    def categorical_ids(self):
        return [g["id"] for g in self.groups]

    @property
    def param_ids(self):
        return self.continuous_ids + self.categorical_ids

    def groups_json(self):
        return [{"id": g["id"], "options": g["options"], "offset": g["offset"], "size": g["size"]}
                for g in self.groups]

    def select(self, x: np.ndarray) -> np.ndarray:
        """Full `x [N, width]` -> subset `x' [N, n_cont' + n_cat']`."""
        return np.concatenate([x[:, self.cont_cols], x[:, self.cat_cols]], axis=1)


# ---------------------------------------------------------------------------------------------
# Datasets


@dataclass
class Dataset:
    path: Path
    meta: dict
    arrays: dict[str, np.ndarray]

    def __len__(self) -> int:
        for v in self.arrays.values():
            return len(v)
        return 0

    @property
    def schema_hash(self) -> str | None:
        return self.meta.get("schema_hash") or (self.meta.get("schema") or {}).get("hash")

    @property
    def source(self) -> str | None:
        return self.meta.get("source")

    @property
    def split(self) -> str | None:
        return self.meta.get("split")

    def encoding(self) -> Encoding:
        return Encoding(self.meta["schema"])

    def __getitem__(self, name: str) -> np.ndarray:
        return self.arrays[name]


def shard_files(path: str | os.PathLike) -> list[str]:
    files = sorted(glob.glob(os.path.join(str(path), "shard-*.npz")))
    if not files:
        raise FileNotFoundError(f"{path}: no shard-*.npz files")
    return files


def load_meta(path: str | os.PathLike) -> dict:
    with open(os.path.join(str(path), "meta.json")) as f:
        meta = json.load(f)
    fmt = meta.get("format", 1)
    if fmt != 1:
        raise ValueError(f"{path}: dataset format {fmt}, expected 1")
    if "schema" not in meta:
        raise ValueError(f"{path}: meta.json has no schema")
    return meta


def load_dataset(path: str | os.PathLike, arrays: Iterable[str] = ARRAYS) -> Dataset:
    """Load `meta.json` and all `shard-*.npz` parts, concatenated (sorted by the `item` id array
    when the parts carry one, so the result is the unsharded dataset in item order)."""
    meta = load_meta(path)
    arrays = list(arrays)
    want = list(dict.fromkeys(arrays + ["item"]))
    parts: dict[str, list[np.ndarray]] = {k: [] for k in want}
    for f in shard_files(path):
        with np.load(f, allow_pickle=False) as z:
            for k in want:
                if k in z.files:
                    parts[k].append(z[k])
                elif k != "item":
                    raise KeyError(f"{f}: no array {k!r}")
    out = {k: np.concatenate(v, axis=0) for k, v in parts.items() if v}
    if "item" in out:
        order = np.argsort(out["item"], kind="stable")
        out = {k: v[order] for k, v in out.items()}
    for k in ("params", "x", "mfcc", "live", "peak_db"):
        if k in out:
            out[k] = out[k].astype(np.float32, copy=False)
    return Dataset(Path(path), meta, out)


def load_datasets(paths: Sequence[str], arrays: Iterable[str] = ARRAYS) -> list[Dataset]:
    """Several dataset folders; all must share one schema hash."""
    ds = [load_dataset(p, arrays) for p in paths]
    hashes = {d.schema_hash for d in ds}
    if len(hashes) > 1:
        raise ValueError(f"datasets disagree on the schema hash: {sorted(map(str, hashes))}")
    return ds


def check_encoding(ds: Dataset, enc: Encoding) -> None:
    if "x" in ds.arrays and ds["x"].shape[1] != enc.width:
        raise ValueError(f"{ds.path}: x has width {ds['x'].shape[1]}, schema says {enc.width}")


def features_meta(meta: dict, frames: int) -> dict:
    """`wyrd.features`: the dataset's feature config with `frames` set to the model's input frames."""
    f = dict(meta.get("features") or {})
    f.setdefault("top_db", None)
    f["frames"] = int(frames)
    return f


# ---------------------------------------------------------------------------------------------
# Splits


def load_split(name_or_path: str | os.PathLike, splits_dir: str | os.PathLike | None = None) -> list[str]:
    """Keys of a split: `train`, `validation`, `test` (from models/splits/) or a path to a .txt."""
    p = Path(name_or_path)
    if not p.suffix and not p.exists():
        p = Path(splits_dir or SPLITS_DIR) / f"{name_or_path}.txt"
    with open(p) as f:
        keys = [line.strip() for line in f]
    keys = [k for k in keys if k]
    if len(set(keys)) != len(keys):
        raise ValueError(f"{p}: duplicate keys")
    return keys


def load_splits(splits_dir: str | os.PathLike | None = None) -> dict[str, list[str]]:
    d = Path(splits_dir or SPLITS_DIR)
    out = {n: load_split(d / f"{n}.txt") for n in ("train", "validation", "test")}
    seen: dict[str, str] = {}
    for n, keys in out.items():
        for k in keys:
            if k in seen:
                raise ValueError(f"key {k!r} in both {seen[k]} and {n}")
            seen[k] = n
    return out


def split_of_key(key: str) -> str:
    """FORMAT.md's rule: first 16 hex digits of sha256(key) as u64, mod 10: 0 test, 1 validation."""
    import hashlib

    h = int(hashlib.sha256(key.encode()).hexdigest()[:16], 16) % 10
    return "test" if h == 0 else "validation" if h == 1 else "train"


# ---------------------------------------------------------------------------------------------
# Helpers shared by the trainers


def unique_patches(datasets: Sequence[Dataset]) -> np.ndarray:
    """The distinct patches (`x` rows) of the given datasets: one per preset index for preset
    datasets (every preset appears once per note), one per distinct row otherwise."""
    xs = []
    for d in datasets:
        x = d["x"]
        if "preset" in d.arrays and d.source == "presets":
            _, first = np.unique(d["preset"], return_index=True)
            xs.append(x[np.sort(first)])
        else:
            _, first = np.unique(x, axis=0, return_index=True)
            xs.append(x[np.sort(first)])
    return np.concatenate(xs, axis=0) if xs else np.zeros((0, 0), np.float32)


def set_threads(n: int | None) -> int:
    import torch

    n = n or os.cpu_count() or 1
    torch.set_num_threads(max(1, n))
    return torch.get_num_threads()
