#!/usr/bin/env python3
"""Regenerate the librosa parity fixtures in engine/analysis/tests/fixtures/.

    python3 -m venv /tmp/librosa-venv && /tmp/librosa-venv/bin/pip install librosa numpy
    /tmp/librosa-venv/bin/python engine/analysis/tools/make_fixtures.py

Signals are stored as float32 and are the source of truth for the Rust tests; librosa is
run on those exact samples (promoted to float64, so the fixtures carry librosa's maths
and not float32 rounding). Spectrograms are stored frames x bins, the Rust layout.
"""

import sys
from pathlib import Path

import librosa
import numpy as np

SR = 48_000
N_FFT = 2048
HOP = 512
N_MELS = 128
AMIN = 1e-10
TOP_DB = 80.0

OUT = Path(__file__).resolve().parent.parent / "tests" / "fixtures"


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


def save(name, arr):
    # C order: the Rust reader only understands row-major files.
    np.save(OUT / f"{name}.npy", np.ascontiguousarray(arr))


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("*.npy"):
        old.unlink()
    sig = signals()
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

    save("mel_db_reflect_chirp", to_db(mel_power(sig["chirp"], pad_mode="reflect")).astype(np.float32))
    save("mel_db_sr44100_chirp", to_db(mel_power(sig["chirp"], sr=44_100)).astype(np.float32))

    lsd = np.array([[mel_lsd(sig[a], sig[b]) for b in names] for a in names])
    save("mel_lsd", lsd)
    save("mel_lsd_sr44100_chirp_noise", np.array([mel_lsd(sig["chirp"], sig["noise"], sr=44_100)]))
    print("mel_lsd (rows: reference):")
    print("\n".join(f"  {a:>13} " + " ".join(f"{v:8.4f}" for v in row) for a, row in zip(names, lsd)))

    save("filterbank_slaney_22050_512_40", librosa.filters.mel(sr=22_050, n_fft=512, n_mels=40, dtype=np.float64))
    save(
        "filterbank_htk_none_16000_512_40_50_7000",
        librosa.filters.mel(sr=16_000, n_fft=512, n_mels=40, fmin=50.0, fmax=7000.0, htk=True, norm=None, dtype=np.float64),
    )

    (OUT / "VERSIONS.txt").write_text(
        f"librosa {librosa.__version__}\nnumpy {np.__version__}\npython {sys.version.split()[0]}\n"
    )
    total = sum(f.stat().st_size for f in OUT.iterdir())
    print(f"wrote {OUT} ({total / 1024:.0f} KiB)")


if __name__ == "__main__":
    main()
