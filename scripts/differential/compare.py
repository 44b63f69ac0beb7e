#!/usr/bin/env python3
"""Compares our CLI with the .out/.err files Velocity 1.7 wrote for a directory of templates.

usage: compare.py DIR [PROFILE]   (SHOW=n prints the first n differences;
APPSYNC_VTL=path runs that binary instead of target/release/appsync-vtl)
"""
import glob
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.environ.get("APPSYNC_VTL") or os.path.join(ROOT, "target", "release", "appsync-vtl")
directory = sys.argv[1]
profile = sys.argv[2] if len(sys.argv) > 2 else "velocity"
bad = []
files = sorted(glob.glob(os.path.join(directory, "*.vtl")))
for t in files:
    b = t[:-4]
    args = [BIN, "render", t, "--profile", profile, "--seed", "1"]
    if os.path.exists(b + ".json"):
        args += ["--vars", b + ".json"]
    p = subprocess.run(args, capture_output=True)
    if os.path.exists(b + ".out"):
        expected = open(b + ".out", "rb").read()
        if p.returncode != 0 or p.stdout != expected:
            bad.append((b, "output", expected, p.stdout, p.stderr.decode()[:300]))
    else:
        err = open(b + ".err").read()
        code = int(err.split()[1])
        if p.returncode == 0:
            bad.append((b, f"expected error {code}", err[:200].encode(), p.stdout, ""))
        elif (code == 3) != (p.returncode == 3):
            bad.append((b, f"error class {code} vs {p.returncode}", err[:200].encode(), p.stdout, p.stderr.decode()[:200]))
print(f"{len(bad)} of {len(files)} differ")
for b, why, expected, got, err in bad[: int(os.environ.get("SHOW", "5"))]:
    print("==", b, why)
    print(open(b + ".vtl").read())
    print("-- velocity:", repr(expected))
    print("-- ours:    ", repr(got), err)
