"""Prints the side-by-side table of benches/peers/run from the harnesses' results.

    python3 report.py RESULTS_DIR OUT_DIR WORKLOADS_JSON ID=LABEL...

ID=LABEL pairs give the rows in order, ours (id `ours`) first. RESULTS_DIR holds, per
engine, ID.jsonl (one JSON line per workload: warm_ns, cold_ns, optional parse_ns and
util, or error) or ID.unavailable (the reason, one line). Cells are `warm µs (cold µs)`
and, for peers, `×N` = peer warm / our warm; `*` marks a hand-written $util shim.
OUT_DIR holds each engine's checked output, ID.WORKLOAD.out: peers' outputs are compared
with ours (UUIDs masked).
"""

import json
import statistics
import os
import re
import sys

UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


def us(ns):
    v = ns / 1000.0
    if v < 10:
        return f"{v:.2f}"
    if v < 100:
        return f"{v:.1f}"
    return f"{v:.0f}"


def ratio(x):
    if x < 10:
        return f"×{x:.1f}" if x >= 0.995 or x == 0 else f"×{x:.2f}"
    return f"×{x:.0f}"


def load(results, eid):
    path = os.path.join(results, eid + ".unavailable")
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            return None, f.read().strip() or "unknown reason"
    # One line per workload and round (`--rounds`): a workload's figures are the medians
    # of its rounds that did not fail; it is a failure only if every round failed.
    lines = {}
    path = os.path.join(results, eid + ".jsonl")
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            for line in f:
                line = line.strip()
                if line.startswith("{"):
                    try:
                        r = json.loads(line)
                    except ValueError:
                        continue
                    lines.setdefault(r.get("workload"), []).append(r)
    if not lines:
        return None, "no results"
    return {w: across_rounds(rs) for w, rs in lines.items()}, None


def across_rounds(rs):
    good = [r for r in rs if "error" not in r and r.get("warm_ns")]
    if not good:
        return rs[-1]
    out = dict(good[-1])
    for key in ("warm_ns", "cold_ns", "parse_ns"):
        values = [r[key] for r in good if isinstance(r.get(key), (int, float))]
        if values:
            out[key] = statistics.median(values)
    return out


def main():
    results, out_dir, workloads_json = sys.argv[1], sys.argv[2], sys.argv[3]
    engines = [a.split("=", 1) for a in sys.argv[4:]]
    with open(workloads_json, encoding="utf-8") as f:
        names = [k for k in json.load(f) if not k.startswith("_")]
    data = {eid: load(results, eid) for eid, _ in engines}
    ours = (data.get("ours") or (None, None))[0] or {}

    def ok(r):
        return r is not None and "error" not in r and r.get("warm_ns")

    print("| engine | " + " | ".join(names) + " |")
    print("| --- |" + " --- |" * len(names))
    failures, notes, shim = [], [], False
    for eid, label in engines:
        rows, why = data[eid]
        if rows is None:
            cells = [f"unavailable: {why}"] + ["—"] * (len(names) - 1)
            print(f"| {label} | " + " | ".join(cells) + " |")
            continue
        cells = []
        for w in names:
            r = rows.get(w)
            if r is None:
                cells.append("—")
                continue
            if "error" in r:
                cells.append("fails")
                failures.append(f"{label} / {w}: {r['error']}")
                continue
            cell = f"{us(r['warm_ns'])} ({us(r['cold_ns'])})"
            if eid != "ours" and ok(ours.get(w)):
                cell += f" {ratio(r['warm_ns'] / ours[w]['warm_ns'])}"
            if r.get("util") == "shim":
                cell += " *"
                shim = True
            if r.get("adapted"):
                notes.append(f"{label} / {w}: {r['adapted']}")
            cells.append(cell)
        print(f"| {label} | " + " | ".join(cells) + " |")

    print()
    print("Cells: warm µs per render of a parsed template (cold µs: parse + render each time, "
          "warmed up); ×N = peer warm / our warm (above 1: ours is faster).")
    if shim:
        print("`*` $util is a minimal hand-written shim in the harness (autoId, qr, toJson, "
              "defaultIfNull, defaultIfNullOrEmpty, dynamodb.toDynamoDBJson, "
              "dynamodb.toMapValuesJson), not a real $util: cheaper than AppSync's. Ours and "
              "the simulator use their real $util.")
    for n in notes:
        print(f"Note: {n}")
    if failures:
        print()
        print("Failures:")
        for f in failures:
            print(f"- {f}")

    print()
    print("Parse (compile) time per workload: ours = compile-only median (parse_ns; cold − warm "
          "in brackets), peers = cold − warm where cold exceeds warm by 10% or more (less is "
          "within noise); ×N = fastest peer's / ours:")
    labels = dict(engines)
    for w in names:
        o = ours.get(w)
        if ok(o):
            own = o.get("parse_ns")
            diff = o["cold_ns"] - o["warm_ns"]
            ours_txt = (f"{us(own)} µs (cold − warm {us(diff)})" if own is not None
                        else f"{us(diff)} µs (cold − warm)")
            base = own if own is not None else diff
        else:
            ours_txt, base = "n/a", None
        best = None
        for eid, _ in engines:
            if eid == "ours" or data[eid][0] is None:
                continue
            r = data[eid][0].get(w)
            if ok(r):
                p = r["cold_ns"] - r["warm_ns"]
                if p >= 0.1 * r["warm_ns"] and (best is None or p < best[1]):
                    best = (eid, p)
        if best is None:
            peer_txt = "no peer with cold clearly above warm"
        else:
            peer_txt = f"fastest peer {labels[best[0]]} {us(best[1])} µs"
            if base and base > 0:
                peer_txt += f" {ratio(best[1] / base)}"
        print(f"- {w}: ours {ours_txt} vs {peer_txt}")


    compare_outputs(out_dir, engines, names)


def read_out(out_dir, eid, w):
    try:
        with open(os.path.join(out_dir, f"{eid}.{w}.out"), encoding="utf-8") as f:
            return UUID.sub("<uuid>", f.read())
    except OSError:
        return None


def compare_outputs(out_dir, engines, names):
    """One line per peer: which outputs differ from ours, and whether only in whitespace."""
    lines = []
    for eid, label in engines:
        if eid == "ours":
            continue
        same, spaces, differ = [], [], []
        for w in names:
            o, p = read_out(out_dir, "ours", w), read_out(out_dir, eid, w)
            if o is None or p is None:
                continue
            if o == p:
                same.append(w)
            elif "".join(o.split()) == "".join(p.split()):
                spaces.append(w)
            else:
                differ.append(w)
        if not (same or spaces or differ):
            continue
        parts = []
        if same:
            parts.append("identical in " + ", ".join(same))
        if spaces:
            parts.append("whitespace differs in " + ", ".join(spaces))
        if differ:
            parts.append("DIFFERS in " + ", ".join(differ))
        lines.append(f"- {label}: " + "; ".join(parts))
    if lines:
        print()
        print("Checked outputs compared with ours (UUIDs masked):")
        print("\n".join(lines))


if __name__ == "__main__":
    main()
