#!/usr/bin/env python3
"""Writes a few valid OSC encodings into corpus/osc_dispatch (the fuzzer's starting corpus).

The corpus folder is not committed: run this once before `cargo fuzz run` (./test.sh does).
"""
import os
import struct
import sys


def s(x):
    b = x.encode() + b"\0"
    return b + b"\0" * (-len(b) % 4)


def blob(b):
    return struct.pack(">i", len(b)) + b + b"\0" * (-len(b) % 4)


def message(path, tags="", *data):
    return s(path) + s("," + tags) + b"".join(data)


def i(v):
    return struct.pack(">i", v)


def f(v):
    return struct.pack(">f", v)


def bundle(tag, *elements):
    out = s("#bundle") + struct.pack(">Q", tag)
    for e in elements:
        out += struct.pack(">i", len(e)) + e
    return out


AHEAD = 4_100_000_000 << 32  # NTP time in 2029, after the fuzz clock (2027): waits for the flush
SEEDS = {
    "note_on": message("/note_on", "ii", i(60), i(100)),
    "note_off": message("/note_off", "f", f(60.0)),
    "param": message("/param/num", "f", f(0.5)),
    "param_norm": message("/param/filter_cutoff/norm", "f", f(0.25)),
    "param_get": message("/param/num/get"),
    "preset": message("/preset", "si", s("amsynth_factory"), i(3)),
    "latent": message("/latent", "ff", f(0.1), f(-0.2)),
    "latent_i": message("/latent/3", "f", f(0.5)),
    "eval": message("/eval", "s", s("pwned = true")),
    "script": message("/set", "d", struct.pack(">d", float("nan"))),
    "every_type": message(
        "/ping", "ihfdscbtrmTFNI[i[f]]",
        i(-1), struct.pack(">q", 1 << 40), f(1.5), struct.pack(">d", -2.5), s("str"),
        i(ord("c")), blob(b"\x01\x02\x03"), struct.pack(">Q", 1), b"\xff\x00\x00\xff",
        b"\x00\x90\x3c\x64", i(7), f(0.0)),
    "bundle_now": bundle(1, message("/param/ctl", "f", f(0.3)), message("/note", "ii", i(64), i(90))),
    "bundle_nested": bundle(
        AHEAD, message("/note_off", "i", i(60)),
        bundle(1, message("/param/txt", "s", s("x")), bundle(0, message("/all_off")))),
}

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus", "osc_dispatch")
os.makedirs(out, exist_ok=True)
for name, data in SEEDS.items():
    with open(os.path.join(out, "seed_" + name), "wb") as fh:
        fh.write(data)
print(f"{len(SEEDS)} seeds in {out}", file=sys.stderr)
