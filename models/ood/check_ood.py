#!/usr/bin/env python3
"""Check the out-of-domain set made by make_ood.py: format, length, level and pitch.

Standard library only. Each WAV must be 48 kHz, 1.6 s, not silent and not clipped. Pitch: the
median of wyrd's pitch track (`wyrd analyze --pitch --json`, frames with confidence >= 0.5) over
the held part (0.1..0.9 s) when a wyrd binary is given or found, else a plain autocorrelation
estimate in Python; the difference from the note is reported in cents. When under half the frames
are voiced, a 25 Hz..1.2 kHz autocorrelation looks for sub-octave partials. A note fails when its
format or level is wrong or its pitch is off by more than --cents and is not a whole number of
octaves away; notes with no pitch, or the right pitch class in another octave, are reported.

  python3 models/ood/check_ood.py --dir data/ood [--wyrd target/release/wyrd]
"""

import argparse
import array
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import wave

HOP = 512  # wyrd analyze's default hop


def read(path):
    with wave.open(path, "rb") as w:
        rate, ch, width, n = w.getframerate(), w.getnchannels(), w.getsampwidth(), w.getnframes()
        if width != 2:
            raise ValueError(f"{path}: {8 * width}-bit, expected 16")
        pcm = array.array("h")
        pcm.frombytes(w.readframes(n))
    if sys.byteorder != "little":
        pcm.byteswap()
    mono = [sum(pcm[i : i + ch]) / (ch * 32768) for i in range(0, len(pcm), ch)]
    return rate, ch, n, pcm, mono


def pitch_wyrd(wyrd, path, rate):
    out = subprocess.run([wyrd, "analyze", path, "--pitch", "--json"], capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError(out.stderr)
    frames = json.loads(out.stdout)["data"]
    lo, hi = round(0.1 * rate / HOP), round(0.9 * rate / HOP)
    held = frames[lo:hi]
    voiced = [f for f, c in held if f > 0 and c >= 0.5]
    return voiced, len(held)


def pitch_autocorr(mono, rate, fmin=50.0, fmax=1200.0):
    """Per 2048-sample window in the held part: the best normalised autocorrelation lag, refined
    by a parabola; windows whose peak is under 0.5 count as unvoiced."""
    win, out, total = 2048, [], 0
    decim = 2  # 24 kHz is plenty for these notes and halves the work
    x = mono[::decim]
    sr = rate / decim
    w = win // decim
    lag_lo, lag_hi = int(sr / fmax), int(sr / fmin)
    for start in range(int(0.1 * sr), int(0.9 * sr) - w - lag_hi, int(0.1 * sr)):
        total += 1
        seg = x[start : start + w + lag_hi]
        e0 = sum(v * v for v in seg[:w])
        if e0 <= 0:
            continue
        r = []
        for lag in range(lag_lo, lag_hi + 1):
            a, b = seg[:w], seg[lag : lag + w]
            num = sum(p * q for p, q in zip(a, b))
            r.append(num / math.sqrt(e0 * sum(q * q for q in b) + 1e-20))
        # first peak within 90% of the maximum (avoids octave-down picks)
        best = max(r)
        if best < 0.5:
            continue
        peaks = [i for i in range(1, len(r) - 1) if r[i] >= 0.9 * best and r[i] >= r[i - 1] and r[i] >= r[i + 1]]
        if not peaks:
            continue  # the best lag is at an end of the range: no period found inside it
        k = peaks[0]
        y0, y1, y2 = r[k - 1], r[k], r[k + 1]
        den = y0 - 2 * y1 + y2
        shift = 0.5 * (y0 - y2) / den if den else 0.0
        out.append(sr / (lag_lo + k + shift))
    return out, total


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--dir", default="data/ood")
    ap.add_argument("--wyrd", default=None, help="a wyrd binary (default: target/release/wyrd if it exists)")
    ap.add_argument("--cents", type=float, default=30.0)
    args = ap.parse_args()
    wyrd = args.wyrd
    if wyrd is None:
        here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "target", "release", "wyrd")
        wyrd = here if os.path.exists(here) else shutil.which("wyrd")
    with open(os.path.join(args.dir, "manifest.json")) as f:
        manifest = json.load(f)

    failures = flagged = 0
    print(f"pitch by {'wyrd analyze --pitch' if wyrd else 'autocorrelation'}")
    print(f"{'file':34} {'rate':>6} {'sec':>5} {'peak dBFS':>9} {'rms dBFS':>8} {'f0 Hz':>8} {'cents':>7} voiced  status")
    for e in manifest["notes"]:
        path = os.path.join(args.dir, e["file"])
        rate, ch, n, pcm, mono = read(path)
        peak = max(abs(v) for v in pcm) / 32768
        rms = math.sqrt(sum(v * v for v in mono) / len(mono))
        peak_db = 20 * math.log10(peak) if peak else -math.inf
        rms_db = 20 * math.log10(rms) if rms else -math.inf
        problems = []
        if rate != 48000:
            problems.append(f"rate {rate}")
        if abs(n / rate - 1.6) > 1e-9:
            problems.append(f"length {n / rate:.4f} s")
        if rms_db < -60:
            problems.append("silent")
        if max(abs(v) for v in pcm) >= 32767:
            problems.append("clipped")
        if wyrd:
            f0s, total = pitch_wyrd(wyrd, path, rate)
        else:
            f0s, total = pitch_autocorr(mono, rate)
        target = 440.0 * 2 ** ((e["note"] - 69) / 12)
        status, f0 = "ok", None
        if f0s and len(f0s) >= total / 2:
            f0 = statistics.median(f0s)
        else:
            # Nothing (or too little) voiced in 50 Hz..2 kHz: look lower, for sub-octave partials.
            low, low_total = pitch_autocorr(mono, rate, fmin=25.0)
            if low and len(low) >= low_total / 2:
                f0s, total, f0 = low, low_total, statistics.median(low)
        if f0 is None:
            status = "unpitched"
            f0_txt, cents_txt = f"{'-':>8}", f"{'-':>7}"
        else:
            cents = 1200 * math.log2(f0 / target)
            octaves = round(cents / 1200)
            if abs(cents) <= args.cents:
                pass
            elif octaves and abs(cents - 1200 * octaves) <= args.cents:
                status = f"octave {octaves:+d}"  # the right pitch class, another octave
            else:
                problems.append(f"pitch off by {cents:+.0f} cents")
            f0_txt, cents_txt = f"{f0:8.2f}", f"{cents:+7.1f}"
        print(
            f"{e['file']:34} {rate:6d} {n / rate:5.2f} {peak_db:9.1f} {rms_db:8.1f} {f0_txt} {cents_txt} "
            f"{len(f0s):>3}/{total:<3} " + ("FAIL: " + ", ".join(problems) if problems else status)
        )
        if status != "ok" and not problems:
            flagged += 1
        failures += bool(problems)
    print(
        f"{len(manifest['notes']) - failures} of {len(manifest['notes'])} pass "
        f"({flagged} of them unpitched or an octave away from their note)"
    )
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
