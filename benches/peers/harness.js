#!/usr/bin/env node
// Times the benchmark workloads with a JavaScript Velocity engine that has no $util of its
// own: velocityjs or amplify-velocity-template. $util/$utils is the small hand-written shim
// below (only what the workloads call). Used by benches/peers/run.
//
//   node harness.js ENGINE WORKLOADS_DIR SECONDS RUNS OUT_DIR [NAME,...]
//
// ENGINE is `velocityjs` or `amplify-velocity-template` (resolved through NODE_PATH). Per
// workload: parse once, check one render (output written to OUT_DIR/ID.NAME.out, ID being
// `velocityjs` or `amplify`), then warm = render of the parsed template, cold = parse +
// render, each warmed up until its time stops improving (2 to 6 s), then RUNS timed
// runs of enough iterations for SECONDS; the median ns per render. Prints one JSON line
// per workload:
// {"workload", "warm_ns", "cold_ns", "iterations", "runs", "util": "shim"} or
// {"workload", "error"}.
'use strict';
const fs = require('fs');
const path = require('path');
const crypto = require('crypto');

const [engine, dir, secondsArg, runsArg, outDir, only] = process.argv.slice(2);
if (!engine || !dir) {
  console.error('usage: node harness.js ENGINE WORKLOADS_DIR SECONDS RUNS OUT_DIR [NAME,...]');
  process.exit(2);
}
const seconds = Number(secondsArg || 1);
const runs = Number(runsArg || 5);
const lib = require(engine);
const id = engine === 'velocityjs' ? 'velocityjs' : 'amplify';
const config = { escape: false }; // AppSync does not HTML-escape (amplify's default does)

// ---- the $util shim: exactly what the workloads call -------------------------------
function ddb(v) {
  if (v === null || v === undefined) return { NULL: true };
  if (typeof v === 'string') return { S: v };
  if (typeof v === 'number') return { N: String(v) };
  if (typeof v === 'boolean') return { BOOL: v };
  if (Array.isArray(v)) return { L: v.map(ddb) };
  return { M: mapValues(v) };
}
function mapValues(m) {
  const out = {};
  for (const k of Object.keys(m)) out[k] = ddb(m[k]);
  return out;
}
const UTIL = {
  autoId: () => crypto.randomUUID(),
  qr: () => '',
  toJson: (v) => JSON.stringify(v === undefined ? null : v),
  defaultIfNull: (v, d) => (v === null || v === undefined ? d : v),
  defaultIfNullOrEmpty: (v, d) => (v === null || v === undefined || v === '' ? d : v),
  dynamodb: {
    toDynamoDBJson: (v) => JSON.stringify(ddb(v)),
    toMapValuesJson: (m) => JSON.stringify(mapValues(m)),
  },
};

// ---- timing ------------------------------------------------------------------------
const { measure: measureFor } = require('./measure.js');
const measure = (body) => measureFor(body, seconds, runs);

// ---- workloads ---------------------------------------------------------------------
const workloads = JSON.parse(fs.readFileSync(path.join(dir, 'workloads.json'), 'utf8'));
const wanted = only ? only.split(',') : null;
for (const [name, w] of Object.entries(workloads)) {
  if (name.startsWith('_') || (wanted && !wanted.includes(name))) continue;
  const result = { workload: name };
  try {
    const source = fs.readFileSync(path.join(dir, w.template), 'utf8');
    const data = JSON.parse(fs.readFileSync(path.join(dir, w.context), 'utf8'));
    data.args = data.arguments; // AppSync's alias
    const vars = () => ({ ctx: data, context: data, util: UTIL, utils: UTIL });
    const compiled = new lib.Compile(lib.parse(source), config);
    const out = compiled.render(vars());
    if (typeof out !== 'string' || out.trim() === '') throw new Error('empty output');
    if (outDir) fs.writeFileSync(path.join(outDir, `${id}.${name}.out`), out);
    const warm = measure(() => compiled.render(vars()));
    const cold = measure(() => new lib.Compile(lib.parse(source), config).render(vars()));
    Object.assign(result, {
      warm_ns: Math.round(warm.ns),
      cold_ns: Math.round(cold.ns),
      iterations: warm.iterations,
      runs,
      util: w.util ? 'shim' : 'none',
    });
  } catch (e) {
    result.error = String((e && e.message) || e).split('\n')[0];
  }
  console.log(JSON.stringify(result));
}
