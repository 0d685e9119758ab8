"""Train each model a few steps on the synthetic dataset, export, and check the ONNX contract."""

import json
import os
import subprocess
from pathlib import Path

import numpy as np
import pytest

from wyrd_train import export as ex
from wyrd_train import live_matcher, note_matcher, vae

REQUIRED = ("wyrd.kind", "wyrd.variant", "wyrd.schema_hash", "wyrd.continuous_ids", "wyrd.categorical_groups",
            "wyrd.param_ids", "wyrd.normalization", "wyrd.features", "wyrd.training_commit", "wyrd.fixed")


def check_model(out: Path, name: str, kind: str, enc_like, schema_hash, inputs: dict, outputs: dict,
                matcher: bool, latent=None):
    path = out / f"{name}.onnx"
    assert path.exists() and path.stat().st_size <= 5 * 1024 * 1024
    assert ex.opset_of(path) <= 17
    md = ex.read_metadata(path)
    for k in REQUIRED:
        assert k in md, k
    assert md["wyrd.kind"] == kind
    assert md["wyrd.schema_hash"] == schema_hash
    assert md["wyrd.fixed"] == f"{name}.check.json"
    assert json.loads(md["wyrd.continuous_ids"]) == list(enc_like.continuous_ids)
    assert json.loads(md["wyrd.categorical_groups"]) == enc_like.groups_json()
    assert json.loads(md["wyrd.param_ids"]) == list(enc_like.param_ids)
    norm = json.loads(md["wyrd.normalization"])
    assert norm["params"] == "schema 0..1 view (ParamSpec::normalize)"
    if matcher:
        assert len(norm["mfcc_mean"]) == 20 and len(norm["mfcc_std"]) == 20
    feats = json.loads(md["wyrd.features"])
    for k in ("sr", "n_fft", "hop", "n_mels", "n_mfcc", "top_db", "frames"):
        assert k in feats, k
    assert feats["top_db"] is None
    c = md["wyrd.training_commit"]
    assert c == "unknown" or len(c.split("-")[0]) == 40
    if latent is not None:
        assert md["wyrd.latent_dim"] == str(latent)
    # check file vs ONNX Runtime within 1e-4
    check = out / f"{name}.check.json"
    assert ex.verify(path, check) <= 1e-4
    ck = json.loads(check.read_text())
    assert set(ck["inputs"]) == set(inputs) and set(ck["outputs"]) == set(outputs)
    # names, dynamic batch, shapes
    import onnxruntime as ort

    sess = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    assert [i.name for i in sess.get_inputs()] == list(inputs)
    assert [o.name for o in sess.get_outputs()] == list(outputs)
    for b in (1, 5):
        feed = {n: np.random.default_rng(b).standard_normal((b, *s)).astype(np.float32) for n, s in inputs.items()}
        res = sess.run(None, feed)
        for r, (n, s) in zip(res, outputs.items()):
            assert r.shape == (b, *s), n
    return md, sess


def softmax_groups_ok(cat, groups):
    for g in groups:
        s = cat[:, g["offset"]:g["offset"] + g["size"]].sum(1)
        np.testing.assert_allclose(s, 1.0, atol=1e-5)


@pytest.fixture(scope="module")
def vae_run(datasets, tmp_path_factory):
    out = tmp_path_factory.mktemp("models")
    work = tmp_path_factory.mktemp("work")
    s = vae.main(["--data", str(datasets["train"]), "--val", str(datasets["val"]), "--latent", "4",
                  "--max-steps", "30", "--out", str(out), "--work", str(work), "--name", "vae_t",
                  "--report-samples", "200"])
    return out, work, s


def test_vae(vae_run, enc, schema):
    out, work, s = vae_run
    assert (work / "vae_t.pt").exists()
    md, sess = check_model(out, "vae_t_decoder", "vae_decoder", enc, schema["hash"], {"z": (4,)},
                           {"cont": (enc.n_cont,), "cat": (enc.n_cat,)}, matcher=False, latent=4)
    assert md["wyrd.variant"] == "latent4"
    cont, cat = sess.run(None, {"z": np.random.default_rng(0).standard_normal((7, 4)).astype(np.float32)})
    assert cont.min() >= 0 and cont.max() <= 1
    softmax_groups_ok(cat, enc.groups)
    check_model(out, "vae_t_encoder", "vae_encoder", enc, schema["hash"], {"x": (enc.width,)},
                {"z_mean": (4,)}, matcher=False, latent=4)
    rep = s["prior_report"]
    assert 0 <= rep["prior"]["share_amp_attack_gt_100ms"] <= 1
    assert "freq_mod_amount_depth_mean" in rep["prior"] and "master_vol_n_mean" in rep["prior"]
    m = s["validation"]
    assert 0 <= m["cont_mae"] <= 1 and 0 <= m["cat_acc"] <= 1


def test_vae_prior_fix_none(datasets, tmp_path, enc):
    s = vae.main(["--data", str(datasets["train"]), "--val", str(datasets["val"]), "--latent", "2",
                  "--max-steps", "10", "--prior-fix", "none", "--no-export", "--work", str(tmp_path),
                  "--report-samples", "100"])
    assert "exports" not in s


def test_note_matcher_direct(datasets, tmp_path, enc, schema):
    s = note_matcher.main(["--variant", "direct", "--data", str(datasets["train"]), "--data",
                           str(datasets["random"]), "--val", str(datasets["val"]), "--max-steps", "6",
                           "--out", str(tmp_path), "--work", str(tmp_path), "--name", "nm_direct",
                           "--channels", "16", "--hidden", "64"])
    md, sess = check_model(tmp_path, "nm_direct", "note_matcher", enc, schema["hash"],
                           {"mfcc": (141, 20), "note": (1,)}, {"cont": (enc.n_cont,), "cat": (enc.n_cat,)},
                           matcher=True)
    assert md["wyrd.variant"] == "direct" and "wyrd.latent_dim" not in md
    assert json.loads(md["wyrd.features"])["frames"] == 141
    assert (tmp_path / "nm_direct.pt").exists()
    assert 0 <= s["validation"]["cont_mae"] <= 1


def test_note_matcher_vae(datasets, vae_run, tmp_path, enc, schema):
    _, work, _ = vae_run
    note_matcher.main(["--variant", "vae", "--vae", str(work / "vae_t.pt"), "--data", str(datasets["train"]),
                       "--val", str(datasets["val"]), "--max-steps", "6", "--out", str(tmp_path),
                       "--work", str(tmp_path), "--name", "nm_vae", "--channels", "16", "--hidden", "64"])
    md, sess = check_model(tmp_path, "nm_vae", "note_matcher", enc, schema["hash"],
                           {"mfcc": (141, 20), "note": (1,)},
                           {"cont": (enc.n_cont,), "cat": (enc.n_cat,), "z": (4,)}, matcher=True, latent=4)
    assert md["wyrd.variant"] == "vae"


def test_note_matcher_vae_decoder_frozen(vae_run, enc):
    import torch

    _, work, _ = vae_run
    v, _ = vae.load_checkpoint(work / "vae_t.pt")
    before = {k: t.clone() for k, t in v.dec.state_dict().items()}
    m = note_matcher.NoteMatcher("vae", enc.n_cont, enc.groups, np.zeros(20), np.ones(20), channels=8,
                                 hidden=16, decoder=v.dec, latent=v.latent)
    rng = np.random.default_rng(0)
    tr = {"mfcc": rng.standard_normal((16, 141, 20)).astype(np.float32),
          "note": np.full((16, 1), 60, np.float32),
          "x": enc.encode(np.tile(np.array([p.default for p in enc.params], np.float32), (16, 1)))}
    note_matcher.train(m, tr, tr, max_steps=3, batch_size=8, log=lambda *_: None)
    for k, t in v.dec.state_dict().items():
        assert torch.equal(t, before[k]), k


def test_live_matcher(datasets, tmp_path, enc, schema):
    live_matcher.main(["--data", str(datasets["train"]), "--data", str(datasets["random"]), "--val",
                       str(datasets["val"]), "--max-steps", "6", "--out", str(tmp_path), "--work",
                       str(tmp_path), "--channels", "16", "--hidden", "64"])
    sub = enc.subset(live_matcher.TIMBRE_IDS)
    md, sess = check_model(tmp_path, "live_matcher", "live_matcher", sub, schema["hash"],
                           {"mfcc": (10, 20), "note": (1,)}, {"cont": (sub.n_cont,), "cat": (sub.n_cat,)},
                           matcher=True)
    assert json.loads(md["wyrd.features"])["frames"] == 10
    assert sorted(json.loads(md["wyrd.subset"])) == sorted(live_matcher.TIMBRE_IDS)


def test_mfcc_normalisation_inside_graph(datasets, tmp_path, enc):
    """The exported graph takes raw MFCCs: shifting the buffers' mean shifts the input it expects."""
    import torch

    m = note_matcher.NoteMatcher("direct", enc.n_cont, enc.groups, np.full(20, -40.0), np.full(20, 5.0),
                                 channels=8, hidden=16)
    raw = torch.full((2, 141, 20), -40.0)
    normed = m.norm(raw)
    assert torch.allclose(normed, torch.zeros_like(normed))


@pytest.mark.skipif(not (os.environ.get("WYRD_DATASET_DIR") or os.environ.get("WYRD_BIN")),
                    reason="neither WYRD_DATASET_DIR nor WYRD_BIN set")
def test_real_dataset(tmp_path):
    """A few steps on a dataset rendered by `wyrd dataset`: WYRD_DATASET_DIR, or else a tiny one
    (40 random patches at note 60) rendered here by the wyrd binary at WYRD_BIN."""
    d = os.environ.get("WYRD_DATASET_DIR")
    if not d:
        d = str(tmp_path / "rendered")
        subprocess.run([os.environ["WYRD_BIN"], "dataset", "render", "--source", "random",
                        "--count", "40", "--notes", "60", "--seed", "7", "-q", "--out", d],
                       check=True)
    s = vae.main(["--data", d, "--val", d, "--all-sources", "--latent", "8", "--max-steps", "20",
                  "--out", str(tmp_path), "--work", str(tmp_path), "--name", "real_vae",
                  "--report-samples", "200"])
    assert s["exports"][0]["max_abs_diff"] <= 1e-4
    note_matcher.main(["--data", d, "--val", d, "--max-steps", "4", "--out", str(tmp_path), "--work",
                       str(tmp_path), "--name", "real_nm"])
    live_matcher.main(["--data", d, "--val", d, "--max-steps", "4", "--out", str(tmp_path), "--work",
                       str(tmp_path), "--name", "real_live"])
