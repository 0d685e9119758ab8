#!/usr/bin/env python3
"""Regenerate the librosa parity fixtures in engine/analysis/tests/fixtures/.

    python3 -m venv /tmp/librosa-venv && /tmp/librosa-venv/bin/pip install librosa numpy
    /tmp/librosa-venv/bin/python engine/analysis/tools/make_fixtures.py

    (add --wyrd PATH to use an already built wyrd binary instead of `cargo run --release`)

Signals are stored as float32 and are the source of truth for the Rust tests; librosa is
run on those exact samples (promoted to float64, so the fixtures carry librosa's maths
and not float32 rounding). Spectrograms are stored frames x bins, the Rust layout; dB and
MFCC arrays are rounded to float32 (far below the test tolerances), per-frame scalars and
distances stay float64.

One signal is a wyrd render of an amSynth preset, made by the wyrd CLI at the time the
fixtures are regenerated; its stored samples, not the synth, are what the tests check.
"""

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

import librosa
import numpy as np
import scipy
import scipy.io.wavfile

SR = 48_000
N_FFT = 2048
HOP = 512
N_MELS = 128
AMIN = 1e-10
TOP_DB = 80.0

OUT = Path(__file__).resolve().parent.parent / "tests" / "fixtures"
REPO = Path(__file__).resolve().parents[3]

# The wyrd render: one short note of a preset with some motion (DX-style FM-ish timbre).
RENDER_NAME = "wyrd_dxish"
RENDER_BANK = "data/amsynth/banks/BriansBank01.amSynth.bank"
RENDER_ARGS = ["--preset", "3", "--notes", "60", "--hold", "1", "--tail", "0.5"]

# A non-default MFCC analysis touching every setting librosa exposes through mfcc().
MFCC_CUSTOM = dict(
    n_fft=1024, hop_length=256, win_length=800, n_mels=40, n_mfcc=13, htk=True,
    pad_mode="reflect", fmin=30.0, fmax=8000.0, mel_norm=None,
)
MFCC_LIFTER = 22.0
# A non-default framing for RMS / centroid / flatness.
SPECTRAL_CUSTOM = dict(n_fft=1024, hop_length=256, win_length=800, pad_mode="reflect")
FLATNESS_CUSTOM = dict(amin=1e-8, power=1.0)


def signals():
    t = np.arange(SR) / SR
    sig = {}
    sig["sine440"] = 0.5 * np.sin(2 * np.pi * 440.0 * t)
    # Exponential sweep 100 Hz -> 8 kHz over 1 s.
    f0, f1 = 100.0, 8000.0
    k = np.log(f1 / f0)
    sig["chirp"] = 0.5 * np.sin(2 * np.pi * f0 * (np.exp(t * k) - 1.0) / k)
    sig["noise"] = np.random.default_rng(20240601).uniform(-0.5, 0.5, SR)
    # Naive (aliasing) saw with an exponential decay; shorter than the rest, so pairs with
    # it exercise "cut to the shorter".
    ts = np.arange(36_000) / SR
    sig["saw_decay"] = 0.8 * (2.0 * ((220.0 * ts) % 1.0) - 1.0) * np.exp(-ts / 0.2)
    # A near neighbour of sine440: 445 Hz, quieter, starting 10 ms late.
    s = 0.3 * np.sin(2 * np.pi * 445.0 * t)
    s[:480] = 0.0
    sig["sine445_late"] = s
    return {name: x.astype(np.float32) for name, x in sig.items()}


def render_signal(wyrd):
    """Left channel of a wyrd CLI render, float32 at SR."""
    with tempfile.TemporaryDirectory() as tmp:
        wav = Path(tmp) / "render.wav"
        tail = ["render", "--bank", RENDER_BANK, *RENDER_ARGS, "--sr", str(SR), "-o", str(wav)]
        cmd = [wyrd, *tail] if wyrd else ["cargo", "run", "--release", "-q", "-p", "wyrd", "--", *tail]
        subprocess.run(cmd, cwd=REPO, check=True)
        sr, x = scipy.io.wavfile.read(wav)
    assert sr == SR and x.dtype == np.float32 and x.ndim == 2, (sr, x.dtype, x.shape)
    assert len(x) <= 1.5 * SR, "keep the render short: it is stored in the repository"
    return np.ascontiguousarray(x[:, 0])


def git_head():
    try:
        return subprocess.run(
            ["git", "describe", "--always", "--dirty"], cwd=REPO, check=True, capture_output=True, text=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def mel_power(y, sr=SR, pad_mode="constant"):
    s = librosa.feature.melspectrogram(
        y=y.astype(np.float64), sr=sr, n_fft=N_FFT, hop_length=HOP, n_mels=N_MELS, pad_mode=pad_mode
    )
    return s.T  # frames x bands


def to_db(p):
    return 10.0 * np.log10(np.maximum(p, AMIN))


def mel_lsd(ref, other, sr=SR):
    n = min(len(ref), len(other))
    r = to_db(mel_power(ref[:n], sr))
    o = to_db(mel_power(other[:n], sr))
    floor = r.max() - TOP_DB
    d = np.maximum(r, floor) - np.maximum(o, floor)
    return float(np.mean(np.sqrt(np.mean(d * d, axis=1))))


def f64(y):
    return y.astype(np.float64)


def mel_db_top(y, sr=SR):
    """What librosa.feature.mfcc takes the DCT of: power_to_db with its defaults (top_db 80)."""
    return librosa.power_to_db(
        librosa.feature.melspectrogram(y=f64(y), sr=sr, n_fft=N_FFT, hop_length=HOP, n_mels=N_MELS)
    ).T


def mfcc(y, sr=SR, **kw):
    return librosa.feature.mfcc(y=f64(y), sr=sr, **kw).T  # frames x coefficients


def mfcc_mae(a, b, sr=SR):
    n = min(len(a), len(b))
    return float(np.mean(np.abs(mfcc(a[:n], sr) - mfcc(b[:n], sr))))


def save(name, arr):
    # C order: the Rust reader only understands row-major files.
    np.save(OUT / f"{name}.npy", np.ascontiguousarray(arr))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--wyrd", help="wyrd binary to render with (default: cargo run --release -p wyrd)")
    args = ap.parse_args()

    OUT.mkdir(parents=True, exist_ok=True)
    sig = signals()
    sig[RENDER_NAME] = render_signal(args.wyrd)
    for old in OUT.glob("*.npy"):
        old.unlink()
    names = list(sig)
    (OUT / "names.txt").write_text("\n".join(names) + "\n")

    for name, y in sig.items():
        save(f"signal_{name}", y)
        save(f"mel_db_{name}", to_db(mel_power(y)).astype(np.float32))
        # How far librosa's own float32 path is from the float64 one, for the record.
        p32 = librosa.feature.melspectrogram(y=y, sr=SR, n_fft=N_FFT, hop_length=HOP, n_mels=N_MELS).T
        d64 = to_db(mel_power(y))
        mask = d64 > d64.max() - TOP_DB
        print(f"{name}: librosa f32 vs f64 max |dB diff| above floor {np.abs(to_db(p32) - d64)[mask].max():.2e}")

    for name, y in sig.items():
        save(f"mel_db_top80_{name}", mel_db_top(y).astype(np.float32))
        save(f"mfcc_{name}", mfcc(y).astype(np.float32))
        save(f"mfcc_sr22050_{name}", mfcc(y, sr=22_050).astype(np.float32))
        save(f"mfcc_custom_{name}", mfcc(y, **MFCC_CUSTOM).astype(np.float32))
        save(f"mfcc_lifter_{name}", mfcc(y, lifter=MFCC_LIFTER).astype(np.float32))
        # dtype=float64: librosa's rms squares in float32 by default.
        save(f"rms_{name}", librosa.feature.rms(y=f64(y), dtype=np.float64)[0])
        save(f"centroid_{name}", librosa.feature.spectral_centroid(y=f64(y), sr=SR)[0])
        save(f"flatness_{name}", librosa.feature.spectral_flatness(y=f64(y))[0])

    chirp = f64(sig["chirp"])
    frame = dict(frame_length=SPECTRAL_CUSTOM["n_fft"], hop_length=SPECTRAL_CUSTOM["hop_length"])
    save("rms_custom_chirp", librosa.feature.rms(y=chirp, **frame, pad_mode="reflect", dtype=np.float64)[0])
    save("rms_uncentred_chirp", librosa.feature.rms(y=chirp, **frame, center=False, dtype=np.float64)[0])
    save("centroid_custom_chirp", librosa.feature.spectral_centroid(y=chirp, sr=SR, **SPECTRAL_CUSTOM)[0])
    save("flatness_custom_chirp", librosa.feature.spectral_flatness(y=chirp, **SPECTRAL_CUSTOM, **FLATNESS_CUSTOM)[0])

    save("mel_db_reflect_chirp", to_db(mel_power(sig["chirp"], pad_mode="reflect")).astype(np.float32))
    save("mel_db_sr44100_chirp", to_db(mel_power(sig["chirp"], sr=44_100)).astype(np.float32))

    lsd = np.array([[mel_lsd(sig[a], sig[b]) for b in names] for a in names])
    save("mel_lsd", lsd)
    save("mel_lsd_sr44100_chirp_noise", np.array([mel_lsd(sig["chirp"], sig["noise"], sr=44_100)]))
    print("mel_lsd (rows: reference):")
    print("\n".join(f"  {a:>13} " + " ".join(f"{v:8.4f}" for v in row) for a, row in zip(names, lsd)))

    mae = np.array([[mfcc_mae(sig[a], sig[b]) for b in names] for a in names])
    save("mfcc_mae", mae)
    print("mfcc_mae:")
    print("\n".join(f"  {a:>13} " + " ".join(f"{v:8.3f}" for v in row) for a, row in zip(names, mae)))

    save("filterbank_slaney_22050_512_40", librosa.filters.mel(sr=22_050, n_fft=512, n_mels=40, dtype=np.float64))
    save(
        "filterbank_htk_none_16000_512_40_50_7000",
        librosa.filters.mel(sr=16_000, n_fft=512, n_mels=40, fmin=50.0, fmax=7000.0, htk=True, norm=None, dtype=np.float64),
    )

    (OUT / "VERSIONS.txt").write_text(
        f"librosa {librosa.__version__}\nnumpy {np.__version__}\nscipy {scipy.__version__}\n"
        f"python {sys.version.split()[0]}\n"
        f"signal_{RENDER_NAME}: wyrd render --bank {RENDER_BANK} {' '.join(RENDER_ARGS)}"
        f" (left channel) at commit {git_head()}\n"
    )
    total = sum(f.stat().st_size for f in OUT.iterdir())
    print(f"wrote {OUT} ({total / 1024:.0f} KiB)")


if __name__ == "__main__":
    main()
