#!/usr/bin/env python3
"""Render the out-of-domain note set: one General MIDI note per file, by FluidSynth from FluidR3_GM.

Standard library only. For each entry of NOTES it writes a one-note Standard MIDI File (program
change, note on at t=0, note off after 1.0 s, end of track 0.6 s later), renders it dry (reverb and
chorus off) with `fluidsynth -F` at 48 kHz as raw little-endian float, trims it to start 5 ms
before the first sample above -60 dBFS, keeps 1.6 s and writes a 16-bit stereo WAV:
<out>/<program, 2 digits>-<program name>-<note>.wav, plus <out>/manifest.json.

Idempotent: when the manifest exists, lists every note of NOTES and every file it lists exists,
nothing is done (use --force to render again). See README.md in this folder.
"""

import argparse
import array
import hashlib
import json
import math
import os
import subprocess
import sys
import tempfile
import wave

SAMPLE_RATE = 48000
VELOCITY = 100
HOLD_S = 1.0  # note on to note off
TAIL_S = 0.6  # note off to the end of the track
KEEP_S = 1.6  # length of each trimmed file
PRE_S = 0.005  # kept before the onset
ONSET_DBFS = -60.0
DEFAULT_GAIN = 1.0  # fluidsynth's master gain (its default is 0.2)
DEFAULT_SF2 = "/usr/share/sounds/sf2/FluidR3_GM.sf2"
SF2_PACKAGE = "fluid-soundfont-gm"

# (General MIDI program, 0-based; its GM name; MIDI note). Sustained and decaying sounds, notes
# 45..72, each note used once.
NOTES = [
    (0, "Acoustic Grand Piano", 60),
    (4, "Electric Piano 1", 64),
    (6, "Harpsichord", 67),
    (11, "Vibraphone", 69),
    (12, "Marimba", 62),
    (16, "Drawbar Organ", 55),
    (19, "Church Organ", 48),
    (24, "Acoustic Guitar (nylon)", 52),
    (32, "Acoustic Bass", 45),
    (38, "Synth Bass 1", 47),
    (40, "Violin", 71),
    (42, "Cello", 50),
    (48, "String Ensemble 1", 57),
    (52, "Choir Aahs", 63),
    (56, "Trumpet", 65),
    (60, "French Horn", 53),
    (61, "Brass Section", 58),
    (65, "Alto Sax", 61),
    (68, "Oboe", 70),
    (71, "Clarinet", 56),
    (73, "Flute", 72),
    (80, "Lead 1 (square)", 59),
    (81, "Lead 2 (sawtooth)", 54),
    (89, "Pad 2 (warm)", 66),
]


def slug(name):
    out = "".join(c.lower() if c.isalnum() else "-" for c in name)
    while "--" in out:
        out = out.replace("--", "-")
    return out.strip("-")


def file_name(program, name, note):
    return f"{program:02d}-{slug(name)}-{note}.wav"


def vlq(n):
    """A MIDI variable-length quantity."""
    out = [n & 0x7F]
    n >>= 7
    while n:
        out.append(0x80 | (n & 0x7F))
        n >>= 7
    return bytes(reversed(out))


def midi_file(program, note, velocity):
    """A format-0 SMF: 480 ticks per quarter at 120 bpm, so 960 ticks a second."""
    tpq = 480
    ticks_per_s = tpq * 2
    track = b"".join(
        [
            vlq(0) + b"\xff\x51\x03" + (500000).to_bytes(3, "big"),  # tempo: 120 bpm
            vlq(0) + bytes([0xC0, program]),
            vlq(0) + bytes([0x90, note, velocity]),
            vlq(round(HOLD_S * ticks_per_s)) + bytes([0x80, note, 64]),
            vlq(round(TAIL_S * ticks_per_s)) + b"\xff\x2f\x00",  # end of track
        ]
    )
    header = b"MThd" + (6).to_bytes(4, "big") + (0).to_bytes(2, "big") + (1).to_bytes(2, "big")
    header += tpq.to_bytes(2, "big")
    return header + b"MTrk" + len(track).to_bytes(4, "big") + track


def render(fluidsynth, sf2, gain, midi_path, raw_path):
    cmd = [
        fluidsynth,
        "-n",  # no MIDI input driver
        "-i",  # no shell
        "-q",
        "-R", "0",  # reverb off
        "-C", "0",  # chorus off
        "-g", str(gain),
        "-r", str(SAMPLE_RATE),
        "-o", "synth.cpu-cores=1",
        "-T", "raw",
        "-O", "float",  # float output: no clipping and no dither in the render
        "-E", "little",
        "-F", raw_path,  # fast (non-realtime) render
        sf2,
        midi_path,
    ]
    res = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if res.returncode != 0 or not os.path.exists(raw_path):
        raise RuntimeError(f"fluidsynth failed ({res.returncode}): {' '.join(cmd)}\n{res.stdout}")
    data = array.array("f")
    with open(raw_path, "rb") as f:
        data.frombytes(f.read())
    if sys.byteorder != "little":
        data.byteswap()
    return data  # interleaved stereo


def trim(frames):
    """Start PRE_S before the first sample above ONSET_DBFS, keep KEEP_S (zero-padded)."""
    thr = 10 ** (ONSET_DBFS / 20)
    onset = next((i for i, x in enumerate(frames) if abs(x) > thr), None)
    if onset is None:
        raise RuntimeError("silent render")
    start = max(0, onset // 2 - round(PRE_S * SAMPLE_RATE))
    n = round(KEEP_S * SAMPLE_RATE)
    out = frames[2 * start : 2 * (start + n)]
    padded = 2 * n - len(out)
    if padded:
        out.extend([0.0] * padded)
    return out, onset // 2, start, padded // 2


def write_wav16(path, frames):
    pcm = array.array("h", (max(-32768, min(32767, round(x * 32767))) for x in frames))
    if sys.byteorder != "little":
        pcm.byteswap()
    tmp = path + ".tmp"
    with wave.open(tmp, "wb") as w:
        w.setnchannels(2)
        w.setsampwidth(2)
        w.setframerate(SAMPLE_RATE)
        w.writeframes(pcm.tobytes())
    os.replace(tmp, path)
    return max(abs(x) for x in pcm) / 32768


def fluidsynth_version(fluidsynth):
    out = subprocess.run([fluidsynth, "--version"], capture_output=True, text=True).stdout
    first = out.strip().splitlines()[0] if out.strip() else ""
    return first.replace("FluidSynth runtime version", "").strip() or first


def package_version(pkg):
    try:
        out = subprocess.run(
            ["dpkg-query", "-W", "-f=${Version}", pkg], capture_output=True, text=True
        )
        return out.stdout.strip() or None
    except OSError:
        return None


def sf2_info(path):
    """The soundfont's INFO chunk (ifil version, INAM name) and its sha256."""
    info = {}
    h = hashlib.sha256()
    with open(path, "rb") as f:
        head = f.read(12)
        if head[:4] == b"RIFF" and head[8:12] == b"sfbk":
            tag, size = f.read(4), int.from_bytes(f.read(4), "little")
            if tag == b"LIST":
                body = f.read(size)
                if body[:4] == b"INFO":
                    i = 4
                    while i + 8 <= len(body):
                        t, n = body[i : i + 4], int.from_bytes(body[i + 4 : i + 8], "little")
                        v = body[i + 8 : i + 8 + n]
                        if t == b"ifil" and n >= 4:
                            info["ifil"] = f"{int.from_bytes(v[:2], 'little')}.{int.from_bytes(v[2:4], 'little'):02d}"
                        elif t in (b"INAM", b"ICRD", b"IENG", b"ICOP"):
                            info[t.decode()] = v.split(b"\0")[0].decode("latin-1").strip()
                        i += 8 + n + (n & 1)
        f.seek(0)
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    info["sha256"] = h.hexdigest()
    return info


def up_to_date(out_dir, manifest_path):
    try:
        with open(manifest_path) as f:
            manifest = json.load(f)
    except (OSError, ValueError):
        return False
    listed = {(n["program"], n["note"], n["velocity"]): n["file"] for n in manifest.get("notes", [])}
    for program, name, note in NOTES:
        fname = listed.get((program, note, VELOCITY))
        if fname != file_name(program, name, note) or not os.path.isfile(os.path.join(out_dir, fname)):
            return False
    return True


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", default="data/ood", help="output folder (default: data/ood)")
    ap.add_argument("--sf2", default=DEFAULT_SF2)
    ap.add_argument("--fluidsynth", default="fluidsynth")
    ap.add_argument("--gain", type=float, default=DEFAULT_GAIN, help="fluidsynth's -g")
    ap.add_argument("--force", action="store_true", help="render even when the manifest is complete")
    args = ap.parse_args()

    manifest_path = os.path.join(args.out, "manifest.json")
    if not args.force and up_to_date(args.out, manifest_path):
        print(f"ood: {manifest_path} lists all {len(NOTES)} notes; nothing to do")
        return
    if not os.path.isfile(args.sf2):
        sys.exit(f"ood: no soundfont at {args.sf2} (apt-get install {SF2_PACKAGE})")
    os.makedirs(args.out, exist_ok=True)

    entries = []
    with tempfile.TemporaryDirectory() as tmp:
        for program, name, note in NOTES:
            mid = os.path.join(tmp, "note.mid")
            raw = os.path.join(tmp, "note.raw")
            with open(mid, "wb") as f:
                f.write(midi_file(program, note, VELOCITY))
            frames = render(args.fluidsynth, args.sf2, args.gain, mid, raw)
            os.remove(raw)
            rendered_s = len(frames) / 2 / SAMPLE_RATE
            float_peak = max(abs(x) for x in frames)
            trimmed, onset, start, padded = trim(frames)
            fname = file_name(program, name, note)
            peak = write_wav16(os.path.join(args.out, fname), trimmed)
            peak_db = 20 * math.log10(peak) if peak > 0 else float("-inf")
            if float_peak >= 1.0:
                print(f"ood: warning: {fname} clipped (float peak {float_peak:.3f}); lower --gain")
            print(
                f"ood: {fname}: onset {1000 * onset / SAMPLE_RATE:.1f} ms, "
                f"peak {peak_db:.1f} dBFS, rendered {rendered_s:.3f} s"
                + (f", {padded} frames zero-padded" if padded else "")
            )
            entries.append(
                {
                    "file": fname,
                    "program": program,
                    "name": name,
                    "note": note,
                    "velocity": VELOCITY,
                    "sample_rate": SAMPLE_RATE,
                    "seconds": KEEP_S,
                    "peak_dbfs": round(peak_db, 2),
                    "onset_frames": onset,
                    "trim_start_frames": start,
                }
            )

    manifest = {
        "description": "Out-of-domain notes: General MIDI programs rendered dry by FluidSynth "
        "from FluidR3_GM (models/ood/make_ood.py)",
        "fluidsynth": fluidsynth_version(args.fluidsynth),
        "fluidsynth_package": package_version("fluidsynth"),
        "soundfont": os.path.basename(args.sf2),
        "soundfont_package": package_version(SF2_PACKAGE),
        "soundfont_info": sf2_info(args.sf2),
        "render": {
            "gain": args.gain,
            "reverb": False,
            "chorus": False,
            "hold_seconds": HOLD_S,
            "tail_seconds": TAIL_S,
            "onset_dbfs": ONSET_DBFS,
            "pre_onset_seconds": PRE_S,
            "channels": 2,
            "bits": 16,
        },
        "notes": entries,
    }
    tmp_path = manifest_path + ".tmp"
    with open(tmp_path, "w") as f:
        json.dump(manifest, f, indent=1)
        f.write("\n")
    os.replace(tmp_path, manifest_path)
    print(f"ood: wrote {len(entries)} notes and {manifest_path}")


if __name__ == "__main__":
    main()
