#!/usr/bin/env node
// Times the benchmark workloads with the Amplify AppSync simulator's VelocityTemplate
// (@aws-amplify/amplify-appsync-simulator: amplify-velocity-template plus the simulator's
// real $util, Java-like value wrappers and context building). Used by benches/peers/run.
//
//   node harness_simulator.js WORKLOADS_DIR SECONDS RUNS OUT_DIR [NAME,...]
//
// The simulator's public API is `new VelocityTemplate({content}, simulator)` (parses) and
// `template.render(ctxValues, requestContext, info)`, which builds the VTL context (wraps
// arguments/source/result/stash in its Java-like types, creates $util), renders, and then
// JSON.parse()s the output as AppSync does with a mapping template's result: a template
// whose output is not strict JSON (create_dog's trailing commas) fails there. The
// identity is given as an OPENID_CONNECT caller (sub, issuer, sourceIp, claims from the
// context's identity), which needs nothing from a running simulator.
//
// Per workload: parse once, check one render (output written to OUT_DIR/simulator.NAME.out),
// then warm = render of the parsed template, cold = parse + render, each warmed up until
// its time stops improving (2 to 6 s), then RUNS timed runs of enough iterations for
// SECONDS; median ns per render. Prints one JSON line per workload, as harness.js does.
'use strict';
const fs = require('fs');
const path = require('path');
const sim = require('@aws-amplify/amplify-appsync-simulator');

const [dir, secondsArg, runsArg, outDir, only] = process.argv.slice(2);
if (!dir) {
  console.error('usage: node harness_simulator.js WORKLOADS_DIR SECONDS RUNS OUT_DIR [NAME,...]');
  process.exit(2);
}
const seconds = Number(secondsArg || 1);
const runs = Number(runsArg || 5);

// Only consulted for Cognito callers; the harness uses an OIDC one.
const simulator = { appSyncConfig: { defaultAuthenticationType: { authenticationType: 'OPENID_CONNECT' } } };
// A minimal GraphQL resolve info ($ctx.info); the workloads do not read it.
const info = {
  fieldName: 'bench',
  fieldNodes: [],
  fragments: {},
  variableValues: {},
  parentType: 'Query',
  path: { key: 'bench' },
};

const { measure: measureFor } = require('./measure.js');
const measure = (body) => measureFor(body, seconds, runs);

const workloads = JSON.parse(fs.readFileSync(path.join(dir, 'workloads.json'), 'utf8'));
const wanted = only ? only.split(',') : null;
for (const [name, w] of Object.entries(workloads)) {
  if (name.startsWith('_') || (wanted && !wanted.includes(name))) continue;
  const result = { workload: name };
  try {
    const content = fs.readFileSync(path.join(dir, w.template), 'utf8');
    const data = JSON.parse(fs.readFileSync(path.join(dir, w.context), 'utf8'));
    const identity = data.identity || {};
    const ctxValues = {
      arguments: data.arguments || {},
      source: data.source,
      result: data.result,
      stash: data.stash || {},
    };
    const requestContext = {
      requestAuthorizationMode: sim.AmplifyAppSyncSimulatorAuthenticationType.OPENID_CONNECT,
      jwt: identity.claims || { sub: identity.sub, iss: identity.issuer },
      sourceIp: identity.sourceIp,
      headers: (data.request && data.request.headers) || {},
    };
    const template = new sim.VelocityTemplate({ content, path: w.template }, simulator);
    const render = (t) => {
      const r = t.render(ctxValues, requestContext, info);
      return r && !r.hadException ? r : null;
    };
    const r = template.render(ctxValues, requestContext, info);
    if (r.hadException || (r.errors && r.errors.length)) {
      const e = (r.errors || [])[0];
      throw new Error(`render error: ${(e && e.message) || 'hadException'}`);
    }
    const out = typeof r.result === 'string' ? r.result : JSON.stringify(r.result);
    if (!out || out.trim() === '') throw new Error('empty output');
    if (outDir) fs.writeFileSync(path.join(outDir, `simulator.${name}.out`), out);
    const warm = measure(() => render(template));
    const cold = measure(() => render(new sim.VelocityTemplate({ content, path: w.template }, simulator)));
    Object.assign(result, {
      warm_ns: Math.round(warm.ns),
      cold_ns: Math.round(cold.ns),
      iterations: warm.iterations,
      runs,
      util: w.util ? 'real' : 'none',
    });
  } catch (e) {
    let msg = String((e && e.message) || e).replace(/\s+/g, ' ');
    if (msg.length > 160) msg = msg.slice(0, 100) + ' ... ' + msg.slice(-50);
    result.error = `${(e && e.constructor && e.constructor.name) || 'Error'}: ${msg}`;
  }
  console.log(JSON.stringify(result));
}
