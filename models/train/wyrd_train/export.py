"""ONNX export per models/FORMAT.md: opset 17, dynamic batch `B`, FORMAT.md's input/output names,
`wyrd.*` metadata_props, the check file `<name>.check.json` (seeded inputs + PyTorch outputs), an
ONNX Runtime round trip (max abs diff <= 1e-4) and the 5 MB size limit."""

from __future__ import annotations

import json
import os
import subprocess
import warnings
from pathlib import Path
from typing import Sequence

import numpy as np
import torch

from .data import REPO_ROOT

OPSET = 17
TOLERANCE = 1e-4
MAX_BYTES = 5 * 1024 * 1024
NORMALIZATION_PARAMS = "schema 0..1 view (ParamSpec::normalize)"


def training_commit(repo: str | os.PathLike = REPO_ROOT) -> str:
    """`git rev-parse HEAD`, with `-dirty` when `git status --porcelain` is non-empty."""
    try:
        head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=repo, capture_output=True,
                              text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain"], cwd=repo, capture_output=True,
                               text=True, check=True).stdout.strip()
        return head + ("-dirty" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def base_metadata(*, kind: str, variant: str, schema_hash: str, enc, features: dict,
                  name: str, latent_dim: int | None = None, mfcc_mean=None, mfcc_std=None,
                  extra: dict | None = None) -> dict[str, str]:
    """The `wyrd.*` metadata_props of FORMAT.md (all strings; JSON where structured).
    `enc` is an Encoding or SubsetEncoding (continuous_ids, groups_json(), param_ids)."""
    norm = {"params": NORMALIZATION_PARAMS}
    if mfcc_mean is not None:
        norm["mfcc_mean"] = [float(v) for v in np.asarray(mfcc_mean).ravel()]
        norm["mfcc_std"] = [float(v) for v in np.asarray(mfcc_std).ravel()]
    md = {
        "wyrd.kind": kind,
        "wyrd.variant": variant,
        "wyrd.schema_hash": str(schema_hash),
        "wyrd.continuous_ids": json.dumps(list(enc.continuous_ids)),
        "wyrd.categorical_groups": json.dumps(enc.groups_json()),
        "wyrd.param_ids": json.dumps(list(enc.param_ids)),
        "wyrd.normalization": json.dumps(norm),
        "wyrd.features": json.dumps(features),
        "wyrd.training_commit": training_commit(),
        "wyrd.fixed": f"{name}.check.json",
    }
    if latent_dim is not None:
        md["wyrd.latent_dim"] = str(int(latent_dim))
    for k, v in (extra or {}).items():
        md[k] = v if isinstance(v, str) else json.dumps(v)
    return md


def _to_np(t) -> np.ndarray:
    return t.detach().cpu().numpy().astype(np.float32)


def export_onnx(module: torch.nn.Module, inputs: dict[str, np.ndarray], output_names: Sequence[str],
                out_dir: str | os.PathLike, name: str, metadata: dict[str, str]) -> dict:
    """Export `module(*inputs.values())` to `<out_dir>/<name>.onnx` with `metadata`, write
    `<out_dir>/<name>.check.json`, and verify with ONNX Runtime. Returns a summary dict."""
    import onnx
    import onnxruntime as ort

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    onnx_path = out_dir / f"{name}.onnx"
    check_path = out_dir / f"{name}.check.json"
    module = module.eval().cpu()
    in_names = list(inputs)
    tensors = tuple(torch.as_tensor(np.asarray(v, np.float32)) for v in inputs.values())
    with torch.no_grad():
        outs = module(*tensors)
    if isinstance(outs, torch.Tensor):
        outs = (outs,)
    if len(outs) != len(output_names):
        raise ValueError(f"module returns {len(outs)} outputs, names given: {list(output_names)}")
    torch_out = {n: _to_np(o) for n, o in zip(output_names, outs)}

    dyn = {n: {0: "B"} for n in list(in_names) + list(output_names)}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(module, tensors, str(onnx_path), input_names=in_names,
                          output_names=list(output_names), dynamic_axes=dyn, opset_version=OPSET,
                          do_constant_folding=True, dynamo=False)
    model = onnx.load(str(onnx_path))
    del model.metadata_props[:]
    for k, v in metadata.items():
        p = model.metadata_props.add()
        p.key, p.value = k, str(v)
    model.producer_name = "wyrd_train"
    onnx.checker.check_model(model)
    onnx.save(model, str(onnx_path))

    size = onnx_path.stat().st_size
    if size > MAX_BYTES:
        raise ValueError(f"{onnx_path}: {size} bytes > {MAX_BYTES}")

    check = {
        "inputs": {n: {"shape": list(np.asarray(v).shape), "data": np.asarray(v, np.float32).ravel().tolist()}
                   for n, v in inputs.items()},
        "outputs": {n: {"shape": list(v.shape), "data": v.ravel().tolist()} for n, v in torch_out.items()},
    }
    with open(check_path, "w") as f:
        json.dump(check, f)

    diff = verify(onnx_path, check_path)
    return {"onnx": str(onnx_path), "check": str(check_path), "bytes": size, "max_abs_diff": diff}


def run_onnx(onnx_path, inputs: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    import onnxruntime as ort

    so = ort.SessionOptions()
    so.log_severity_level = 3
    sess = ort.InferenceSession(str(onnx_path), so, providers=["CPUExecutionProvider"])
    names = [o.name for o in sess.get_outputs()]
    res = sess.run(names, {k: np.asarray(v, np.float32) for k, v in inputs.items()})
    return dict(zip(names, res))


def verify(onnx_path, check_path, tol: float = TOLERANCE) -> float:
    """Run the check file's inputs through ONNX Runtime; assert max abs diff <= tol."""
    with open(check_path) as f:
        check = json.load(f)
    inputs = {n: np.asarray(v["data"], np.float32).reshape(v["shape"]) for n, v in check["inputs"].items()}
    got = run_onnx(onnx_path, inputs)
    worst = 0.0
    for n, v in check["outputs"].items():
        want = np.asarray(v["data"], np.float32).reshape(v["shape"])
        if n not in got:
            raise AssertionError(f"{onnx_path}: output {n!r} missing")
        if got[n].shape != want.shape:
            raise AssertionError(f"{onnx_path}: output {n!r} shape {got[n].shape} != {want.shape}")
        worst = max(worst, float(np.max(np.abs(got[n] - want))) if want.size else 0.0)
    if not worst <= tol:
        raise AssertionError(f"{onnx_path}: ONNX Runtime differs from PyTorch by {worst} > {tol}")
    return worst


def read_metadata(onnx_path) -> dict[str, str]:
    import onnx

    m = onnx.load(str(onnx_path))
    return {p.key: p.value for p in m.metadata_props}


def opset_of(onnx_path) -> int:
    import onnx

    m = onnx.load(str(onnx_path))
    return max(o.version for o in m.opset_import if o.domain in ("", "ai.onnx"))
