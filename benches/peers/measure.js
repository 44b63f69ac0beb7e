// Timing shared by the Node harnesses (harness.js, harness_simulator.js).
'use strict';

let sink = 0;
function now() {
  return Number(process.hrtime.bigint());
}
// Median ns per call of `body`. Warm-up: batches (growing to ~0.1 s) until the time per
// call stops improving (no 3% gain in 5 batches), after at least max(seconds, 2 s) and at
// most 6 s, so a JIT has compiled the hot paths. Then `runs` timed runs of enough
// iterations for `seconds`.
function measure(body, seconds, runs) {
  const minWarm = Math.max(seconds, 2) * 1e9;
  const maxWarm = Math.max(seconds, 6) * 1e9;
  const start = now();
  let batch = 1;
  let best = Infinity;
  let stale = 0;
  let per = 0;
  for (;;) {
    const t0 = now();
    for (let i = 0; i < batch; i++) sink += body() ? 1 : 0;
    const dt = now() - t0;
    per = dt / batch;
    if (per < best * 0.97) {
      best = per;
      stale = 0;
    } else {
      stale++;
    }
    if (dt < 1e8) batch *= 2;
    const elapsed = now() - start;
    if (elapsed >= maxWarm || (elapsed >= minWarm && stale >= 5)) break;
  }
  const iterations = Math.max(1, Math.ceil((seconds * 1e9) / per));
  const times = [];
  for (let r = 0; r < runs; r++) {
    const t0 = now();
    for (let i = 0; i < iterations; i++) sink += body() ? 1 : 0;
    times.push((now() - t0) / iterations);
  }
  times.sort((a, b) => a - b);
  return { ns: times[Math.floor(times.length / 2)], iterations };
}

// Keeps the results alive so that no call can be optimized away.
process.on('exit', () => {
  if (sink < 0) console.error(sink);
});

module.exports = { measure };
