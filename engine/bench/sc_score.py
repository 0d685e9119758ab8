#!/usr/bin/env python3
"""Fallback for machines where sclang is unavailable: writes the same NRT score that
shared/bench/scsynth_voice_bench.scd makes sclang write (score.osc), byte for byte.

The SynthDef is not compiled from source here: its UGen graph below was read back from the bytes
sclang 3.13.0 produced for the .scd file (SynthDef file format v2) and is re-encoded as-is, so
any edit to the .scd file must be mirrored by hand. compare_scsynth.sh prefers sclang and, whenever
it used sclang, checks with `--compare` that this script still writes the same score (up to the
padding bytes after the SynthDef blob, which sclang leaves uninitialized).

Score file: a sequence of OSC bundles, each prefixed by its length as a big-endian int32.

usage: sc_score.py --voices 16 --seconds 60 --out DIR   (writes DIR/score.osc)
       sc_score.py --voices 16 --seconds 60 --compare DIR/score.osc
"""

import argparse
import os
import struct
import sys

SYNTHDEF_NAME = "sub"

# Constants in the order sclang's compiler collected them.
CONSTANTS = [3.0, 0.0, 0.2, 1.0, 2.0, -99.0, 0.05, 5.0, -4.0, 0.5, 0.3, 0.01, 0.7, 1.005, 0.4,
             4.0, 20.0, 20000.0]
PARAMS = [("out", 0.0), ("freq", 220.0), ("gate", 1.0), ("cutoff", 2000.0), ("res", 0.3),
          ("amp", 0.1)]
SCALAR, CONTROL, AUDIO = 0, 1, 2
# Input (u, o): output o of UGen u; (-1, k): CONSTANTS[k]. Comments give the .scd expression.
UGENS = [
    # (class, rate, special index, inputs, output rates)
    ("Control", CONTROL, 0, [], [CONTROL] * 6),
    # fenv = EnvGen.kr(Env.adsr(0.05, 0.3, 0.5, 0.5), gate)
    ("EnvGen", CONTROL, 0,
     [(0, 2), (-1, 3), (-1, 1), (-1, 3), (-1, 1), (-1, 1), (-1, 0), (-1, 4), (-1, 5), (-1, 3),
      (-1, 6), (-1, 7), (-1, 8), (-1, 9), (-1, 10), (-1, 7), (-1, 8), (-1, 1), (-1, 9), (-1, 7),
      (-1, 8)], [CONTROL]),
    # fenv * 4 + 1
    ("MulAdd", CONTROL, 0, [(1, 0), (-1, 15), (-1, 3)], [CONTROL]),
    # cutoff * (...)
    ("BinaryOpUGen", CONTROL, 2, [(0, 3), (2, 0)], [CONTROL]),
    # aenv = EnvGen.kr(Env.adsr(0.01, 0.2, 0.7, 0.5), gate, doneAction: 2)
    ("EnvGen", CONTROL, 0,
     [(0, 2), (-1, 3), (-1, 1), (-1, 3), (-1, 4), (-1, 1), (-1, 0), (-1, 4), (-1, 5), (-1, 3),
      (-1, 11), (-1, 7), (-1, 8), (-1, 12), (-1, 2), (-1, 7), (-1, 8), (-1, 1), (-1, 9), (-1, 7),
      (-1, 8)], [CONTROL]),
    ("Saw", AUDIO, 0, [(0, 1)], [AUDIO]),
    # freq * 1.005
    ("BinaryOpUGen", CONTROL, 2, [(0, 1), (-1, 13)], [CONTROL]),
    ("Pulse", AUDIO, 0, [(6, 0), (-1, 14)], [AUDIO]),
    # Mix([saw, pulse]) * 0.5
    ("BinaryOpUGen", AUDIO, 0, [(5, 0), (7, 0)], [AUDIO]),
    ("BinaryOpUGen", AUDIO, 2, [(8, 0), (-1, 9)], [AUDIO]),
    # res * 4
    ("BinaryOpUGen", CONTROL, 2, [(0, 4), (-1, 15)], [CONTROL]),
    # lfo = SinOsc.kr(3, 0, 0.2, 1)
    ("SinOsc", CONTROL, 0, [(-1, 0), (-1, 1)], [CONTROL]),
    ("MulAdd", CONTROL, 0, [(11, 0), (-1, 2), (-1, 3)], [CONTROL]),
    ("BinaryOpUGen", CONTROL, 2, [(3, 0), (12, 0)], [CONTROL]),
    # .clip(20, 20000)
    ("Clip", CONTROL, 0, [(13, 0), (-1, 16), (-1, 17)], [CONTROL]),
    ("MoogFF", AUDIO, 0, [(9, 0), (14, 0), (10, 0), (-1, 1)], [AUDIO]),
    # sig * aenv * amp
    ("BinaryOpUGen", AUDIO, 2, [(15, 0), (4, 0)], [AUDIO]),
    ("BinaryOpUGen", AUDIO, 2, [(16, 0), (0, 5)], [AUDIO]),
    # Out.ar(out, sig ! 2)
    ("Out", AUDIO, 0, [(0, 0), (17, 0), (17, 0)], []),
]


def pstring(s):
    b = s.encode()
    return bytes([len(b)]) + b


def synthdef_bytes():
    d = b"SCgf" + struct.pack(">ih", 2, 1) + pstring(SYNTHDEF_NAME)
    d += struct.pack(">i", len(CONSTANTS)) + b"".join(struct.pack(">f", c) for c in CONSTANTS)
    d += struct.pack(">i", len(PARAMS)) + b"".join(struct.pack(">f", v) for _, v in PARAMS)
    d += struct.pack(">i", len(PARAMS))
    d += b"".join(pstring(n) + struct.pack(">i", i) for i, (n, _) in enumerate(PARAMS))
    d += struct.pack(">i", len(UGENS))
    for cls, rate, special, inputs, outputs in UGENS:
        d += pstring(cls) + struct.pack(">bii", rate, len(inputs), len(outputs))
        d += struct.pack(">h", special)
        d += b"".join(struct.pack(">ii", u, o) for u, o in inputs)
        d += bytes(outputs)
    return d + struct.pack(">h", 0)  # no variants


def osc_string(s):
    b = s.encode() + b"\0"
    return b + b"\0" * (-len(b) % 4)


def osc_message(address, *args):
    """OSC message; an int address is scsynth's command number, as sclang sends `9` for s_new."""
    head = struct.pack(">i", address) if isinstance(address, int) else osc_string(address)
    tags, body = ",", b""
    for a in args:
        if isinstance(a, bytes):
            tags += "b"
            body += struct.pack(">i", len(a)) + a + b"\0" * (-len(a) % 4)
        elif isinstance(a, str):
            tags += "s"
            body += osc_string(a)
        elif isinstance(a, int):
            tags += "i"
            body += struct.pack(">i", a)
        else:
            tags += "f"
            body += struct.pack(">f", a)
    return head + osc_string(tags) + body


def bundle(seconds, *messages):
    b = b"#bundle\0" + struct.pack(">Q", round(seconds * 2**32))
    for m in messages:
        b += struct.pack(">i", len(m)) + m
    return struct.pack(">i", len(b)) + b


def score(voices, seconds):
    out = [bundle(0.0, osc_message("/g_new", 1, 0, 0)),
           bundle(0.0, osc_message("/d_recv", synthdef_bytes()))]
    for i in range(voices):
        # sclang computes the frequency in double precision and sends it as float32.
        out.append(bundle(0.0, osc_message(9, SYNTHDEF_NAME, 1000 + i, 0, 1, "freq",
                                           110 * (1 + i * 0.25))))
    out.append(bundle(seconds, osc_message("/c_set", 0, 0)))
    # recordNRT's end marker: scsynth renders up to the last bundle's time.
    out.append(bundle(seconds, osc_message(0)))
    return b"".join(out)


def _osc_string_at(b, p):
    end = b.index(b"\0", p)
    return b[p:end].decode(), end + 1 + (-(end + 1) % 4)


def normalized(data):
    """Re-encode a score file read from disk. sclang leaves the padding after an OSC blob
    uninitialized (it differs from run to run), so files are compared after this."""
    out, pos = [], 0
    while pos < len(data):
        (n,) = struct.unpack_from(">i", data, pos)
        b = data[pos + 4:pos + 4 + n]
        pos += 4 + n
        if b[:8] != b"#bundle\0" or n < 16:
            raise ValueError("not an OSC bundle at byte %d" % (pos - 4 - n))
        (tt,) = struct.unpack_from(">Q", b, 8)
        msgs, q = [], 16
        while q < len(b):
            (m,) = struct.unpack_from(">i", b, q)
            msg = b[q + 4:q + 4 + m]
            q += 4 + m
            if msg[:1] == b"/":
                addr, p = _osc_string_at(msg, 0)
            else:
                (addr,), p = struct.unpack_from(">i", msg, 0), 4
            tags, p = _osc_string_at(msg, p)
            args = []
            for t in tags[1:]:
                if t == "i":
                    args.append(struct.unpack_from(">i", msg, p)[0])
                    p += 4
                elif t == "f":
                    args.append(struct.unpack_from(">f", msg, p)[0])
                    p += 4
                elif t == "s":
                    s, p = _osc_string_at(msg, p)
                    args.append(s)
                elif t == "b":
                    (k,) = struct.unpack_from(">i", msg, p)
                    args.append(msg[p + 4:p + 4 + k])
                    p += 4 + k + (-k % 4)
                else:
                    raise ValueError("unexpected OSC type tag %r" % t)
            msgs.append(osc_message(addr, *args))
        out.append(bundle(tt / 2**32, *msgs))
    return b"".join(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--voices", type=int, default=16)
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--out", help="directory for score.osc")
    ap.add_argument("--compare", metavar="SCORE_OSC",
                    help="instead of writing, check that this (sclang's) score equals ours")
    a = ap.parse_args()
    if a.voices < 0 or not a.seconds >= 0:
        sys.exit("sc_score.py: --voices and --seconds must be >= 0")
    ours = score(a.voices, a.seconds)
    if a.compare:
        with open(a.compare, "rb") as f:
            theirs = normalized(f.read())
        if theirs != ours:
            sys.exit("sc_score.py: %s differs from the fallback score (%d vs %d bytes); update "
                     "UGENS/CONSTANTS to match the .scd file" % (a.compare, len(theirs), len(ours)))
        print("sc_score.py: %s matches the fallback score" % a.compare)
        return
    if not a.out:
        sys.exit("sc_score.py: --out DIR or --compare FILE is required")
    os.makedirs(a.out, exist_ok=True)
    with open(os.path.join(a.out, "score.osc"), "wb") as f:
        f.write(ours)


if __name__ == "__main__":
    main()
