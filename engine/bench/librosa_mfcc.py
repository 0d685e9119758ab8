"""librosa side of compare_librosa.sh: best-of-N time of librosa.feature.mfcc on a WAV file."""
import sys
import time

import librosa
import numpy as np
import soundfile as sf

path, repeats = sys.argv[1], int(sys.argv[2])
y, sr = sf.read(path, dtype="float32", always_2d=True)
y = y.mean(axis=1)  # librosa.load(mono=True) mixes the same way
librosa.feature.mfcc(y=y[: sr // 10], sr=sr)  # warm-up: imports, numba, FFT plans
best = float("inf")
for _ in range(repeats):
    t = time.perf_counter()
    m = librosa.feature.mfcc(y=y, sr=sr)
    best = min(best, time.perf_counter() - t)
print(f"ms {best * 1e3:.3f}")
print(f"shape {m.shape[1]} {m.shape[0]}")
print(f"versions librosa {librosa.__version__} numpy {np.__version__}")
