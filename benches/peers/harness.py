"""Times the benchmark workloads with airspeed (airspeed-ext, LocalStack's fork of the
Python Velocity engine). $util/$utils is the small hand-written shim below (only what the
workloads call). Used by benches/peers/run, inside the virtualenv it creates.

    python harness.py WORKLOADS_DIR SECONDS RUNS OUT_DIR [NAME,...]

Per workload: parse once (Template + ensure_compiled), check one render (output written to
OUT_DIR/airspeed.NAME.out), then warm = merge of the parsed template, cold = parse + merge,
each warmed up until its time stops improving (2 to 6 s), then RUNS timed runs of
enough iterations for SECONDS; the median ns per render. Prints one JSON line per
workload, as harness.js does.
"""

import json
import math
import os
import sys
import time
import uuid

import airspeed


# ---- the $util shim: exactly what the workloads call -----------------------------------
def _ddb(v):
    if v is None:
        return {"NULL": True}
    if isinstance(v, bool):
        return {"BOOL": v}
    if isinstance(v, str):
        return {"S": v}
    if isinstance(v, (int, float)):
        return {"N": str(v)}
    if isinstance(v, (list, tuple)):
        return {"L": [_ddb(x) for x in v]}
    return {"M": _map_values(v)}


def _map_values(m):
    return {k: _ddb(v) for k, v in m.items()}


def _json(v):
    return json.dumps(v, separators=(",", ":"), ensure_ascii=False)


class DynamoDb:
    def toDynamoDBJson(self, v):
        return _json(_ddb(v))

    def toMapValuesJson(self, m):
        return _json(_map_values(m))


class Util:
    dynamodb = DynamoDb()

    def autoId(self):
        return str(uuid.uuid4())

    def qr(self, *_):
        return ""

    def toJson(self, v):
        return _json(v)

    def defaultIfNull(self, v, d):
        return d if v is None else v

    def defaultIfNullOrEmpty(self, v, d):
        return d if v is None or v == "" else v


UTIL = Util()


# ---- timing -------------------------------------------------------------------------
def measure(body, seconds, runs):
    """Median ns per call of body. Warm-up: batches (growing to ~0.1 s) until the time per
    call stops improving (no 3% gain in 5 batches), after at least max(seconds, 2 s) and
    at most 6 s. Then `runs` timed runs of enough iterations for `seconds`."""
    min_warm = max(seconds, 2) * 1e9
    max_warm = max(seconds, 6) * 1e9
    start = time.perf_counter_ns()
    batch, best, stale = 1, math.inf, 0
    while True:
        t0 = time.perf_counter_ns()
        for _ in range(batch):
            body()
        dt = time.perf_counter_ns() - t0
        per = dt / batch
        if per < best * 0.97:
            best, stale = per, 0
        else:
            stale += 1
        if dt < 1e8:
            batch *= 2
        elapsed = time.perf_counter_ns() - start
        if elapsed >= max_warm or (elapsed >= min_warm and stale >= 5):
            break
    iterations = max(1, math.ceil(seconds * 1e9 / per))
    times = []
    for _ in range(runs):
        t0 = time.perf_counter_ns()
        for _ in range(iterations):
            body()
        times.append((time.perf_counter_ns() - t0) / iterations)
    times.sort()
    return times[len(times) // 2], iterations


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: python harness.py WORKLOADS_DIR SECONDS RUNS OUT_DIR [NAME,...]")
    wdir = sys.argv[1]
    seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 1.0
    runs = int(sys.argv[3]) if len(sys.argv) > 3 else 5
    out_dir = sys.argv[4] if len(sys.argv) > 4 else ""
    wanted = sys.argv[5].split(",") if len(sys.argv) > 5 and sys.argv[5] else None
    with open(os.path.join(wdir, "workloads.json"), encoding="utf-8") as f:
        workloads = json.load(f)
    for name, w in workloads.items():
        if name.startswith("_") or (wanted and name not in wanted):
            continue
        result = {"workload": name}
        try:
            with open(os.path.join(wdir, w["template"]), encoding="utf-8") as f:
                source = f.read()
            with open(os.path.join(wdir, w["context"]), encoding="utf-8") as f:
                data = json.load(f)
            data["args"] = data.get("arguments")  # AppSync's alias

            def names():
                return {"ctx": data, "context": data, "util": UTIL, "utils": UTIL}

            def parse():
                t = airspeed.Template(source)
                t.ensure_compiled()
                return t

            template = parse()
            out = template.merge(names())
            if not out or not out.strip():
                raise ValueError("empty output")
            if out_dir:
                with open(os.path.join(out_dir, f"airspeed.{name}.out"), "w", encoding="utf-8") as f:
                    f.write(out)
            warm, iterations = measure(lambda: template.merge(names()), seconds, runs)
            cold, _ = measure(lambda: parse().merge(names()), seconds, runs)
            result.update(
                warm_ns=round(warm),
                cold_ns=round(cold),
                iterations=iterations,
                runs=runs,
                util="shim" if w.get("util") else "none",
            )
        except Exception as e:  # report, go on with the next workload
            msg = " ".join(str(e).split())
            result["error"] = f"{type(e).__name__}: {msg[:200]}"
        print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
