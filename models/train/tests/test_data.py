import json
import os
import subprocess
from pathlib import Path

import numpy as np
import pytest

from conftest import random_params, NOTES
from wyrd_train.data import (Encoding, load_dataset, load_datasets, load_split, load_splits, split_of_key,
                             unique_patches)
from wyrd_train.live_matcher import TIMBRE_IDS


def test_schema_shape(enc):
    assert enc.n_params == 41
    assert enc.n_cont == 32  # FORMAT.md
    assert enc.n_cat == sum(len(p.options) for p in enc.params if p.categorical)
    assert enc.width == enc.n_cont + enc.n_cat
    # groups are contiguous, in schema order
    off = 0
    idx = [g["index"] for g in enc.groups]
    assert idx == sorted(idx)
    for g in enc.groups:
        assert g["offset"] == off and g["size"] == len(g["options"])
        off += g["size"]
    assert enc.param_ids == enc.continuous_ids + enc.categorical_ids
    assert sorted(enc.param_ids) == sorted(p.id for p in enc.params)


def test_encoding_round_trip(enc):
    rng = np.random.default_rng(0)
    p = random_params(enc, 500, rng)
    x = enc.encode(p)
    assert x.shape == (500, enc.width) and x.dtype == np.float32
    cont, cat = x[:, :enc.n_cont], x[:, enc.n_cont:]
    assert cont.min() >= 0 and cont.max() <= 1
    # one-hot: exactly one 1 per group
    for g in enc.groups:
        block = cat[:, g["offset"]:g["offset"] + g["size"]]
        assert np.all(block.sum(1) == 1) and set(np.unique(block)) <= {0.0, 1.0}
    back = enc.decode_x(x)
    for q in enc.params:
        if q.categorical or q.kind == "stepped":
            assert np.array_equal(back[:, q.index], p[:, q.index]), q.id
        else:
            np.testing.assert_allclose(back[:, q.index], p[:, q.index], rtol=0, atol=1e-6 * (q.max - q.min))


def test_stepped_and_categorical_decoding(enc):
    q = enc.by_id["osc2_pitch"]  # stepped -12..12
    assert q.kind == "stepped"
    n = q.normalize(np.float32(5.0))
    assert float(q.denormalize(n + 0.3 / 24)) == 5.0
    assert float(q.denormalize(2.0)) == 12.0 and float(q.denormalize(-1.0)) == -12.0
    # halves away from zero
    assert float(q.sanitize(np.float32(2.5))) == 3.0 and float(q.sanitize(np.float32(-2.5))) == -3.0
    # categorical argmax
    cat = np.zeros((1, enc.n_cat), np.float32)
    g = enc.groups[0]
    cat[0, g["offset"] + 2] = 0.9
    out = enc.decode(np.full((1, enc.n_cont), 0.5, np.float32), cat)
    assert out[0, g["index"]] == 2.0


def test_attack_law(enc):
    q = enc.by_id["amp_attack"]
    v = q.from_physical(0.1)
    assert abs(q.to_physical(v) - 0.1) < 1e-9


def test_subset(enc):
    sub = enc.subset(TIMBRE_IDS)
    assert set(sub.param_ids) == set(TIMBRE_IDS)
    rng = np.random.default_rng(1)
    x = enc.encode(random_params(enc, 10, rng))
    xs = sub.select(x)
    assert xs.shape == (10, sub.width)
    for k, pid in enumerate(sub.continuous_ids):
        np.testing.assert_array_equal(xs[:, k], x[:, enc.cont_index(pid)])
    for g in sub.groups:
        fg = next(h for h in enc.groups if h["id"] == g["id"])
        np.testing.assert_array_equal(xs[:, sub.n_cont + g["offset"]:sub.n_cont + g["offset"] + g["size"]],
                                      x[:, enc.n_cont + fg["offset"]:enc.n_cont + fg["offset"] + fg["size"]])
    with pytest.raises(ValueError):
        enc.subset(["no_such_param"])


def test_load_dataset(datasets, enc):
    d = load_dataset(datasets["train"])
    n = 48 * len(NOTES)
    assert len(d) == n
    assert d["x"].shape == (n, enc.width)
    assert d["mfcc"].shape == (n, 141, 20)
    assert d["live"].shape == (n, 4, 10, 20)
    assert np.array_equal(d["item"], np.arange(n))  # shards re-ordered into item order
    np.testing.assert_array_equal(d["x"], enc.encode(d["params"]))
    assert d.source == "presets" and d.split == "train"
    assert unique_patches([d]).shape == (48, enc.width)
    ds = load_datasets([datasets["train"], datasets["random"]], arrays=("x",))
    assert unique_patches(ds).shape[0] == 48 + 24


def test_split_loader(tmp_path):
    keys = ["BriansBank01.amSynth.bank#0", "BriansBank01.amSynth.bank#1", "amsynth_factory.bank#5"]
    for name in ("train", "validation", "test"):
        sel = [k for k in keys if split_of_key(k) == name]
        (tmp_path / f"{name}.txt").write_text("".join(k + "\n" for k in sel))
    s = load_splits(tmp_path)
    assert sorted(s["train"] + s["validation"] + s["test"]) == sorted(keys)
    assert load_split("train", tmp_path) == s["train"]
    (tmp_path / "dup.txt").write_text("a\na\n")
    with pytest.raises(ValueError):
        load_split(tmp_path / "dup.txt")


def test_split_rule():
    # sha256-based: deterministic, about 10% test / 10% validation.
    counts = {"train": 0, "validation": 0, "test": 0}
    for i in range(2000):
        counts[split_of_key(f"Bank{i // 128}.bank#{i % 128}")] += 1
    assert 120 < counts["test"] < 280 and 120 < counts["validation"] < 280


def test_committed_splits_if_present():
    from wyrd_train.data import SPLITS_DIR

    if not (SPLITS_DIR / "train.txt").exists():
        pytest.skip("models/splits not committed yet")
    s = load_splits()
    for name, keys in s.items():
        assert all(split_of_key(k) == name for k in keys), name
    assert sum(map(len, s.values())) == 3303


def _wyrd(*args) -> dict:
    wyrd = os.environ.get("WYRD_BIN")
    if not wyrd:
        pytest.skip("needs WYRD_BIN (./test.sh sets it)")
    return json.loads(subprocess.run([wyrd, *args], capture_output=True, text=True, check=True).stdout)


def test_laws_match_the_rust_schema_on_a_grid(enc):
    """The training code's laws, ranges and steps (read from the schema) give what wyrd's own
    give, on 301 values across and past every parameter's range."""
    grid = _wyrd("params", "--grid", "301")
    assert grid["hash"] == enc.hash
    assert [g["id"] for g in grid["params"]] == [p.id for p in enc.params]
    for g in grid["params"]:
        q = enc.by_id[g["id"]]
        values = np.array(g["values"], np.float64).astype(np.float32)
        sanitized = q.sanitize(values)
        np.testing.assert_array_equal(sanitized, np.array(g["sanitized"], np.float32), err_msg=q.id)
        np.testing.assert_allclose(q.normalize(sanitized), g["normalized"], rtol=0, atol=1e-15, err_msg=q.id)
        np.testing.assert_allclose(q.to_physical(sanitized), g["physical"], rtol=1e-12, atol=1e-15, err_msg=q.id)
        denorm = q.denormalize(np.array(g["positions"], np.float64))
        np.testing.assert_array_equal(denorm, np.array(g["denormalized"], np.float32), err_msg=q.id)


def test_the_committed_schema_is_wyrds():
    """tests/schema.json (used when WYRD_BIN is not set) is what `wyrd params --json` prints."""
    with open(Path(__file__).resolve().parent / "schema.json") as f:
        assert json.load(f) == _wyrd("params", "--json")
