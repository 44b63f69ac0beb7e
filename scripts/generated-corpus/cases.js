#!/usr/bin/env node
// Golden cases for the generated resolvers: every template step of every resolver, run in the
// scenarios of scenarios.js, with expected results that AppSync's behaviour decides.
//
//   node cases.js --modules DIR/node_modules --bin APPSYNC_VTL [--fixtures fixtures/generated]
//                 [--report DISAGREEMENTS.json]
//
// 1. Each scenario runs through `appsync-vtl resolve --trace-json` (the data sources answer
//    what answers.js derives from each request), so every step sees the stash, arguments and
//    results the earlier steps left. Each template step that ran becomes a case:
//    <generator>/<schema>/cases/<Type>.<field>/<scenario>/<NN>-<step>/ with case.json (the
//    shared template, auth mode, scenario, step) and context.json (the step's $ctx). A step
//    whose template reads the same inputs as an earlier case of the same template is the same
//    case and is not written twice.
// 2. The expectation starts from amplify-appsync-simulator (simulate.js, all cases in one
//    process) and is compared, as JSON, with our engine's result (`appsync-vtl evaluate` of the
//    case as `appsync-vtl test` runs it; the arguments after a step from the next step's
//    context). Agreement gives expected.json (or expected.out), expected_stash and
//    expected_args when the step changed them, expected_out_errors, or expected_error. A
//    disagreement is settled by decisions.js (the developer guide, Java and Velocity
//    semantics, what the generated code relies on): the simulator runs an equivalent template,
//    has a known error of its answer repaired, or the kind is recognised. One that is only
//    listed as open (decisions.js OPEN), or that nothing recognises, keeps the simulator's
//    answer, so `appsync-vtl test` fails on it.
// 3. fixtures/generated/cases-summary.md counts the cases and the decisions; --report writes
//    every disagreement in full.
//
// Cases render with the clock of `appsync-vtl test` (2018-02-06T19:01:35.758Z) and its id seed;
// the simulator gets the same clock, so only generated ids differ ({{uuid}} in expectations).
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');
const { createRequire } = require('module');
const { scenariosFor, Schema } = require('./scenarios');
const { answer } = require('./answers');
const { DECISIONS, OPEN } = require('./decisions');

const NOW = '2018-02-06T19:01:35.758Z';
const SEED = '42';
const GENERATORS = ['amplify-v2', 'rds-v1', 'cdk'];

function parseArgs(argv) {
  const opts = { fixtures: path.resolve(__dirname, '../../fixtures/generated') };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--modules') opts.modules = path.resolve(argv[++i]);
    else if (argv[i] === '--bin') opts.bin = path.resolve(argv[++i]);
    else if (argv[i] === '--fixtures') opts.fixtures = path.resolve(argv[++i]);
    else if (argv[i] === '--report') opts.report = path.resolve(argv[++i]);
    else throw new Error(`unknown argument ${argv[i]}`);
  }
  if (!opts.modules || !opts.bin)
    throw new Error('usage: node cases.js --modules DIR/node_modules --bin APPSYNC_VTL [--fixtures DIR] [--report FILE]');
  return opts;
}

// JSON with sorted keys, two-space indent, final newline (as generate.js writes).
function stableJson(value) {
  const sort = (v) => {
    if (Array.isArray(v)) return v.map(sort);
    if (v && typeof v === 'object')
      return Object.fromEntries(
        Object.keys(v)
          .sort()
          .map((k) => [k, sort(v[k])]),
      );
    return v;
  };
  return JSON.stringify(sort(value), null, 2) + '\n';
}

const same = (a, b) => stableJson(a) === stableJson(b);
const clone = (v) => (v === undefined ? undefined : JSON.parse(JSON.stringify(v)));

function parseJson(text) {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (_) {
    return { ok: false };
  }
}

function vtl(bin, args) {
  const r = spawnSync(bin, args, { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.error) throw r.error;
  return r;
}

// ---------------------------------------------------------------------------------------------
// Running a scenario

const templateFile = (ref) => ref && ref.replace(/^file:\/\//, '');

// The resolver's templates by trace step name, and its functions' data sources.
function stepsOf(resolver) {
  const templates = new Map();
  const sources = new Map();
  if (resolver.kind === 'PIPELINE') {
    templates.set('before', resolver.requestMappingTemplate);
    templates.set('after', resolver.responseMappingTemplate);
    for (const f of resolver.pipelineConfig.functions) {
      templates.set(`function ${f.name}: request`, f.requestMappingTemplate);
      templates.set(`function ${f.name}: response`, f.responseMappingTemplate);
      sources.set(`function ${f.name}`, f.dataSource);
    }
  } else {
    templates.set('request', resolver.requestMappingTemplate);
    templates.set('response', resolver.responseMappingTemplate);
    sources.set('unit', resolver.dataSource);
  }
  return { templates, sources };
}

// A copy of the resolver file whose data sources answer `answers` (by step prefix), with
// template paths made absolute so it can live in the temporary folder.
function cannedResolver(resolver, answers, base) {
  const r = clone(resolver);
  const fix = (o) => {
    for (const k of ['requestMappingTemplate', 'responseMappingTemplate']) {
      if (o[k]) o[k] = `file://${path.resolve(base, templateFile(o[k]))}`;
    }
  };
  fix(r);
  const can = (ds, key) => {
    if (ds.type !== 'NONE') ds.responses = [answers.get(key) || { result: null }];
  };
  if (r.kind === 'PIPELINE') {
    for (const f of r.pipelineConfig.functions) {
      fix(f);
      can(f.dataSource, `function ${f.name}`);
    }
  } else {
    can(r.dataSource, 'unit');
  }
  return r;
}

// The data a scenario starts from, fresh for each run (writes and failures are used up).
const freshState = (sc) => ({ tables: clone(sc.tables), rows: clone(sc.rows), fail: clone(sc.fail), http: sc.http, lambda: sc.lambda });

// Runs one scenario until the data sources' answers are the ones their requests call for:
// each run shows the requests the previous run's answers lead to.
function runScenario(bin, tmp, file, resolver, sc) {
  const { sources } = stepsOf(resolver);
  const base = path.dirname(file);
  const ctx = {
    arguments: sc.args,
    identity: sc.identity,
    source: sc.source || {},
    request: { headers: sc.headers, domainName: null },
    info: sc.info,
  };
  const ctxPath = path.join(tmp, 'scenario-context.json');
  const cfgPath = path.join(tmp, 'scenario-resolver.json');
  const tracePath = path.join(tmp, 'scenario-trace.json');
  fs.writeFileSync(ctxPath, JSON.stringify(ctx));
  let answers = new Map();
  for (let round = 0; round < 6; round++) {
    fs.writeFileSync(cfgPath, JSON.stringify(cannedResolver(resolver, answers, base)));
    const r = vtl(bin, [
      'resolve',
      cfgPath,
      '--context',
      ctxPath,
      '--auth-mode',
      sc.authMode,
      '--now',
      NOW,
      '--seed',
      SEED,
      '--trace-json',
      tracePath,
    ]);
    if (!fs.existsSync(tracePath)) throw new Error(`${file} / ${sc.name}: resolve failed: ${r.stderr}`);
    const steps = JSON.parse(fs.readFileSync(tracePath, 'utf8'));
    fs.rmSync(tracePath);
    const state = freshState(sc);
    const next = new Map();
    for (const s of steps) {
      const m = s.name.match(/^(.*): data source request$/);
      if (!m || sources.get(m[1]).type === 'NONE') continue;
      next.set(m[1], answer(sources.get(m[1]), JSON.parse(s.output), state));
    }
    if (same([...next], [...answers])) return steps;
    answers = next;
  }
  throw new Error(`${file} / ${sc.name}: the data source answers do not settle`);
}

// ---------------------------------------------------------------------------------------------
// Cases: naming, kinds, and which inputs a template reads

// The step's folder label and its kind (for the summary), from the trace step name and the
// name of the function's request template.
function stepLabel(resolver, stepName) {
  const root = ['Query', 'Mutation', 'Subscription'].includes(resolver.typeName);
  const dataKind = resolver.typeName === 'Subscription' ? 'subscription' : root ? 'data' : 'field resolver';
  if (stepName === 'before' || stepName === 'after') return { label: stepName, kind: stepName };
  if (stepName === 'request' || stepName === 'response') {
    return { label: stepName === 'request' ? 'req' : 'res', kind: `unit ${stepName}` };
  }
  const [, fn, which] = stepName.match(/^function (.*): (request|response)$/);
  const f = resolver.pipelineConfig.functions.find((x) => x.name === fn);
  const parts = path.basename(templateFile(f.requestMappingTemplate), '.req.vtl').split('.');
  const typed = parts.length >= 2 && /^[A-Z]/.test(parts[0]);
  const stage = typed && parts.length > 2 && parts[2] !== 'DataResolver' ? parts.slice(2).join('.') : 'data';
  const suffix = which === 'request' ? 'req' : 'res';
  const kind = stage === 'data' ? `${dataKind} ${which}` : `${stage.split('.')[0]} ${which}`;
  return { label: `${stage}.${suffix}`, kind };
}

// What a template reads of its inputs, for telling a new case from one already written: the
// top-level $ctx keys (all of them if it uses $ctx as a whole), the stash entries (all if it
// uses the stash other than through named entries), and whether the auth mode or the field
// ($ctx.info, which errors name) can change what it gives.
function reads(text) {
  const keys = new Set();
  let whole = false;
  for (const m of text.matchAll(/\$!?\{?(?:ctx|context)\b(\.([A-Za-z_]\w*))?/g)) {
    if (!m[2]) whole = true;
    else keys.add(m[2] === 'args' ? 'arguments' : m[2]);
  }
  const stash = new Set();
  let wholeStash = false;
  for (const m of text.matchAll(
    /\$!?\{?(?:ctx|context)\.stash\b(\.(?:(get|containsKey|remove)\(\s*["']([^"']+)["']\s*\)|(put|putAll)\(|([A-Za-z_]\w*)(?![\w(])))?/g,
  )) {
    const name = m[3] || m[5];
    if (name) stash.add(name);
    else if (!m[4]) wholeStash = true;
  }
  return {
    whole,
    keys,
    stash: wholeStash ? null : stash,
    authType: text.includes('authType()'),
    info: keys.has('info') || /unauthorized\(\)|\$utils?\.(error|appendError|validate)\(/.test(text),
  };
}

// The inputs of a step that its template reads (see reads()).
function readInputs(r, context, authMode) {
  if (r.whole) return { context, authMode };
  const read = Object.fromEntries(Object.entries(context).filter(([k]) => r.keys.has(k) || (k === 'info' && r.info)));
  if (read.stash && r.stash) read.stash = Object.fromEntries(Object.entries(read.stash).filter(([k]) => r.stash.has(k)));
  return { context: read, authMode: r.authType ? authMode : null };
}

// ---------------------------------------------------------------------------------------------
// Results: ours (evaluate) and the simulator's, in one shape
//   {kind: 'ok', text, value?, stash, args, appended, isReturn} | {kind: 'error', message, type}
//   | {kind: 'parse-error'|'simulator-fault', message}

function ourResult(bin, tmp, c) {
  const ctxPath = path.join(tmp, 'case-context.json');
  fs.writeFileSync(ctxPath, JSON.stringify(c.context));
  const r = vtl(bin, ['evaluate', '--template', c.templatePath, '--context', ctxPath, '--auth-mode', c.authMode, '--now', NOW, '--seed', SEED]);
  const out = JSON.parse(r.stdout);
  if (out.error) return { kind: 'error', message: out.error.message, type: out.error.errorType === undefined ? null : out.error.errorType };
  const text = out.evaluationResult;
  const parsed = parseJson(text);
  const errors = JSON.parse(out.outErrors);
  return {
    kind: 'ok',
    text,
    value: parsed.ok ? parsed.value : undefined,
    stash: JSON.parse(out.stash),
    args: c.argsAfter,
    appended: errors.map((e) => ({ message: e.message, type: e.errorType })),
  };
}

function simResult(r) {
  const appended = (r.errors || []).map((e) => ({ message: e.message, type: e.errorType }));
  switch (r.status) {
    case 'ok': {
      const text = r.isReturn ? (typeof r.result === 'string' ? r.result : JSON.stringify(r.result)) : r.output;
      const parsed = r.isReturn && typeof r.result !== 'string' ? { ok: true, value: r.result } : parseJson(text);
      return { kind: 'ok', text, value: parsed.ok ? parsed.value : undefined, stash: r.stash, args: r.args, appended, isReturn: r.isReturn };
    }
    case 'render-threw':
      // The output is not JSON: the simulator fails the field as AppSync does ("Unable to
      // convert ..."), keeping what the template appended before.
      return {
        kind: 'error',
        message: r.exception.message,
        type: r.exception.errorType,
        renderThrew: true,
        text: r.output,
        stash: r.stash,
        args: r.args,
        appended,
      };
    case 'template-error': {
      const e = r.errors[r.errors.length - 1];
      return { kind: 'error', message: e.message, type: e.errorType };
    }
    case 'parse-error':
      return { kind: 'parse-error', message: r.exception };
    default:
      return { kind: 'simulator-fault', message: r.thrownInTemplate ? r.thrownInTemplate.message : r.status };
  }
}

// ---------------------------------------------------------------------------------------------
// Comparison: equal as JSON, where a generated id of ours stands against a generated id of
// the simulator's (the two engines draw different ids). The expectation gets {{uuid}} there.

const OUR_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const SIM_UUID = /^00000000-0000-4000-8000-\d{12}$/;

// Returns `ours` with wildcards where the two agree, else undefined (either argument may be
// the simulator's).
function agree(ours, sim) {
  if (typeof ours === 'string' && typeof sim === 'string' && ours !== sim) {
    const ids = (a, b) => OUR_UUID.test(a) && SIM_UUID.test(b);
    return ids(ours, sim) || ids(sim, ours) ? '{{uuid}}' : undefined;
  }
  if (Array.isArray(ours) && Array.isArray(sim)) {
    if (ours.length !== sim.length) return undefined;
    const out = ours.map((v, i) => agree(v, sim[i]));
    return out.includes(undefined) ? undefined : out;
  }
  if (ours && sim && typeof ours === 'object' && typeof sim === 'object' && !Array.isArray(ours) && !Array.isArray(sim)) {
    const keys = Object.keys(ours);
    if (keys.length !== Object.keys(sim).length || !keys.every((k) => k in sim)) return undefined;
    const out = {};
    for (const k of keys) {
      const v = agree(ours[k], sim[k]);
      if (v === undefined) return undefined;
      out[k] = v;
    }
    return out;
  }
  if (ours === undefined || sim === undefined) return ours === sim ? null : undefined;
  return same(ours, sim) ? ours : undefined;
}

// Where ours and the simulator's differ: a list of what ('output', 'error', 'stash', 'args',
// 'appended', 'kind'), empty when they agree.
function differences(ours, sim, c) {
  if (ours.kind !== sim.kind) return ['kind'];
  if (ours.kind === 'error') return ours.message === sim.message && ours.type === sim.type ? [] : ['error'];
  const diffs = [];
  if (ours.value !== undefined || sim.value !== undefined) {
    if (ours.value === undefined || sim.value === undefined || agree(ours.value, sim.value) === undefined) diffs.push('output');
  } else if (ours.text.trim() !== sim.text.trim()) {
    diffs.push('output');
  }
  if (agree(ours.stash, sim.stash) === undefined) diffs.push('stash');
  if (c.argsAfter !== undefined && agree(c.argsAfter, sim.args) === undefined) diffs.push('args');
  if (!same(ours.appended, sim.appended)) diffs.push('appended');
  return diffs;
}

// A text expectation with {{uuid}} for every id that the render generated (one that is not
// in the context).
function uuidWildcards(text, context) {
  const given = JSON.stringify(context);
  return text.replace(/[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}/g, (m) => (given.includes(m) ? m : '{{uuid}}'));
}

// ---------------------------------------------------------------------------------------------
// Writing a case

// The expected files of a case from the result that decides it (`r`), with `other` (the other
// engine's result) for wildcards where the two drew different ids.
function expectations(c, r, other) {
  const files = {};
  const settings = {};
  if (r.kind === 'error') {
    settings.match = 'error';
    settings.expected_error = { message: r.message, type: r.type };
    return { files, settings };
  }
  const w = (a, b) => (b === undefined ? a : agree(a, b) === undefined ? a : agree(a, b));
  if (r.value !== undefined) {
    files['expected.json'] = stableJson(w(r.value, other && other.value));
  } else {
    files['expected.out'] = uuidWildcards(r.text, c.context);
  }
  if (!same(r.stash, c.context.stash || {})) settings.expected_stash = w(r.stash, other && other.stash);
  if (r.args !== undefined && !same(r.args, c.context.arguments || {})) settings.expected_args = w(r.args, other && other.args);
  if (r.appended && r.appended.length)
    settings.expected_out_errors = r.appended.map((e) => (e.type === null ? { message: e.message } : { message: e.message, errorType: e.type }));
  return { files, settings };
}

const brief = (r) => {
  switch (r.kind) {
    case 'ok':
      return r.value !== undefined ? JSON.stringify(r.value) : `text ${JSON.stringify(r.text.trim())}`;
    case 'error':
      return `error ${JSON.stringify(r.message)} (${r.type})`;
    default:
      return `${r.kind}: ${r.message}`;
  }
};

// case.json records how the expectation was reached: nothing more when the two engines agree;
// `decision` and `basis` (one or a list) and the simulator's answer when decisions.js settled
// it; `open` or `undecided`, with both answers, when the simulator's answer was kept.
function writeCase(c, v) {
  fs.mkdirSync(c.dir, { recursive: true });
  const one = (list) => (list.length === 1 ? list[0] : list);
  const settings = {
    template: path.relative(c.dir, c.templatePath).split(path.sep).join('/'),
    engine_options: { authType: c.authMode },
    // (x_ keys are ours: the runner leaves them alone.)
    x_scenario: c.scenario,
    x_caller: c.caller,
    x_step: c.step,
    ...v.settings,
  };
  if (v.decisions.length) {
    settings.decision = one(v.decisions.map((d) => d.id));
    settings.basis = one(v.decisions.map((d) => d.basis));
  }
  if (v.open) settings.x_open = v.open.id;
  if (v.undecided) settings.x_undecided = true;
  if (!v.agreed) settings.simulator = brief(v.rawSim);
  if (v.open || v.undecided) settings.x_ours = brief(v.ours);
  fs.writeFileSync(path.join(c.dir, 'case.json'), stableJson(settings));
  // The context keeps its key order: templates that iterate a map see it in that order.
  fs.writeFileSync(path.join(c.dir, 'context.json'), JSON.stringify(c.context, null, 2) + '\n');
  for (const [name, text] of Object.entries(v.files)) fs.writeFileSync(path.join(c.dir, name), text);
}

// ---------------------------------------------------------------------------------------------

function collectCases(opts, tmp) {
  const cases = [];
  const seen = new Set();
  for (const generator of GENERATORS) {
    const genDir = path.join(opts.fixtures, generator);
    for (const schema of fs.readdirSync(genDir).sort()) {
      const dir = path.join(genDir, schema);
      fs.rmSync(path.join(dir, 'cases'), { recursive: true, force: true });
      const gqlPath = path.join(dir, 'schema.graphql');
      const gql = fs.existsSync(gqlPath) ? new Schema(opts.graphql.parse(fs.readFileSync(gqlPath, 'utf8'))) : null;
      for (const file of fs.readdirSync(path.join(dir, 'pipelines')).sort()) {
        const resolverPath = path.join(dir, 'pipelines', file);
        const resolver = JSON.parse(fs.readFileSync(resolverPath, 'utf8'));
        const { templates } = stepsOf(resolver);
        const field = `${resolver.typeName}.${resolver.fieldName}`;
        for (const sc of scenariosFor(generator, schema, resolver, gql)) {
          const steps = runScenario(opts.bin, tmp, resolverPath, resolver, sc);
          const templateSteps = steps.filter((s) => s.context);
          templateSteps.forEach((s, i) => {
            const templatePath = path.resolve(path.dirname(resolverPath), templateFile(templates.get(s.name)));
            const text = fs.readFileSync(templatePath, 'utf8');
            const r = reads(text);
            const seenKey = crypto
              .createHash('sha256')
              .update(stableJson([path.relative(opts.fixtures, templatePath), readInputs(r, s.context, sc.authMode)]))
              .digest('hex');
            if (seen.has(seenKey)) return;
            seen.add(seenKey);
            const { label, kind } = stepLabel(resolver, s.name);
            const next = templateSteps[i + 1];
            cases.push({
              dir: path.join(dir, 'cases', field, sc.name, `${String(i + 1).padStart(2, '0')}-${label}`),
              generator,
              schema,
              field,
              scenario: sc.name,
              caller: sc.caller,
              authMode: sc.authMode,
              step: s.name,
              kind,
              templatePath,
              templateText: text,
              context: s.context,
              // The arguments the next step sees, unless this step failed or was the last.
              argsAfter: next && !s.output.startsWith('error: ') ? next.context.arguments : undefined,
            });
          });
        }
      }
    }
  }
  return cases;
}

// Runs simulate.js once on every job ({template, context, authMode}).
function simulate(opts, tmp, jobs) {
  const jobsPath = path.join(tmp, 'jobs.json');
  const outPath = path.join(tmp, 'simulated.json');
  fs.writeFileSync(jobsPath, JSON.stringify(jobs.map((j, i) => ({ id: String(i), template: j.template, context: j.context, authMode: j.authMode }))));
  const r = spawnSync(process.execPath, [path.join(__dirname, 'simulate.js'), '--modules', opts.modules, jobsPath, '--out', outPath, '--now', NOW], {
    encoding: 'utf8',
    maxBuffer: 64 << 20,
    env: { ...process.env, TZ: 'UTC' },
  });
  if (r.status !== 0) throw new Error(`simulate.js failed: ${r.stderr}`);
  return JSON.parse(fs.readFileSync(outPath, 'utf8')).map(simResult);
}

const pair = (c, ours, sim) => ({ ours, sim, template: c.templateText, context: c.context, authMode: c.authMode });

// The simulator's answers once more, for the disagreeing cases that a rewrite of decisions.js
// applies to: each with the equivalent template. Returns index -> {sim, ids}.
function rewrittenRuns(opts, tmp, cases, ours, sims, diffs) {
  const runs = [];
  cases.forEach((c, i) => {
    if (!diffs[i].length) return;
    let text = c.templateText;
    const ids = [];
    for (const dec of DECISIONS.filter((x) => x.rewrite)) {
      const t = dec.rewrite(text, pair(c, ours[i], sims[i]));
      if (t !== null && t !== text) {
        text = t;
        ids.push(dec.id);
      }
    }
    if (!ids.length) return;
    const template = path.join(tmp, 'rewritten', `${runs.length}.vtl`);
    fs.mkdirSync(path.dirname(template), { recursive: true });
    fs.writeFileSync(template, text);
    runs.push({ i, ids, job: { template, context: c.context, authMode: c.authMode } });
  });
  const results = runs.length
    ? simulate(
        opts,
        tmp,
        runs.map((r) => r.job),
      )
    : [];
  return new Map(runs.map((r, k) => [r.i, { sim: results[k], ids: r.ids }]));
}

// Settles one case: agreement; decisions (rewrites, corrections, a recogniser) after which the
// two agree; or the simulator's (corrected) answer kept, as an open question or undecided.
function verdict(c, ours, rawSim, diffs, rewritten) {
  const base = { ours, rawSim, decisions: [] };
  if (!diffs.length) return { ...base, ...expectations(c, ours, rawSim), agreed: true };
  let sim = rawSim;
  const decisions = [];
  if (rewritten && !same(rewritten.sim, rawSim)) {
    sim = rewritten.sim;
    decisions.push(...rewritten.ids.map((id) => DECISIONS.find((x) => x.id === id)));
  }
  for (const dec of DECISIONS.filter((x) => x.correct)) {
    const fixed = dec.correct(sim, pair(c, ours, sim));
    if (fixed) {
      sim = fixed;
      decisions.push(dec);
    }
  }
  const settled = !differences(ours, sim, c).length ? null : DECISIONS.find((x) => x.recognise && x.recognise(pair(c, ours, sim)));
  if (!differences(ours, sim, c).length || settled) {
    if (settled) decisions.push(settled);
    return { ...base, ...expectations(c, ours, sim), decisions };
  }
  const open = OPEN.find((x) => x.recognise(pair(c, ours, sim)));
  if (sim.kind === 'parse-error' || sim.kind === 'simulator-fault') {
    return {
      ...base,
      files: {},
      settings: { match: 'error', expected_error: { message: `undecided: the simulator gave ${sim.kind}` } },
      open,
      undecided: !open,
    };
  }
  return { ...base, ...expectations(c, sim, ours), open, undecided: !open };
}

function count(map, key) {
  map.set(key, (map.get(key) || 0) + 1);
}

function table(title, header, rows, intro) {
  const cell = (x) => String(x).replace(/\|/g, '\\|');
  return [
    `## ${title}`,
    '',
    ...(intro ? [intro, ''] : []),
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
    '',
  ].join('\n');
}

function summary(opts, cases, results) {
  const by = { generator: new Map(), schema: new Map(), kind: new Map(), caller: new Map() };
  const decided = new Map();
  const open = new Map();
  const undecided = [];
  let agreed = 0;
  let settled = 0;
  cases.forEach((c, i) => {
    const v = results[i];
    count(by.generator, c.generator);
    count(by.schema, `${c.generator}/${c.schema}`);
    count(by.kind, c.kind);
    count(by.caller, c.caller);
    if (v.agreed) agreed++;
    else if (v.open) count(open, v.open.id);
    else if (v.undecided) undecided.push([`\`${path.relative(opts.fixtures, c.dir)}\``, brief(v.rawSim).slice(0, 160), brief(v.ours).slice(0, 160)]);
    else settled++;
    for (const d of v.decisions) count(decided, d.id);
  });
  const sorted = (m) => [...m].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const parts = [
    '# Generated cases: summary',
    '',
    'Written by `scripts/generated-corpus/cases.js` (see `README.md` in this folder); do not edit by hand.',
    '',
    `${cases.length} cases. ${agreed} agree with amplify-appsync-simulator; ${settled} are settled against it by the decisions below; ${cases.length - agreed - settled - undecided.length} keep the simulator's answer as open questions; ${undecided.length} are undecided.`,
    '',
    table('By generator', ['generator', 'cases'], sorted(by.generator)),
    table('By schema', ['schema', 'cases'], sorted(by.schema)),
    table('By step', ['step', 'cases'], sorted(by.kind)),
    table('By caller', ['caller', 'cases'], sorted(by.caller)),
    table(
      'Decisions',
      ['decision', 'cases', 'basis'],
      DECISIONS.map((d) => [`\`${d.id}\``, decided.get(d.id) || 0, d.basis]),
      'Disagreements with the simulator settled from the developer guide, Java and Velocity 1.7, or what the generated code relies on (`scripts/generated-corpus/decisions.js`); a case can need several.',
    ),
    table(
      'Open',
      ['question', 'kind', 'cases', 'note'],
      OPEN.map((o) => [`\`${o.id}\``, o.kind, open.get(o.id) || 0, o.note]),
      "Disagreements looked at and not settled: the cases keep the simulator's answer, so `appsync-vtl test` fails on them until they are.",
    ),
  ];
  if (undecided.length)
    parts.push(
      table(
        'Undecided',
        ['case', 'simulator', 'ours'],
        undecided,
        "Disagreements no decision recognises; the simulator's answer is the expectation.",
      ),
    );
  return { text: parts.join('\n'), undecided: undecided.length };
}

function main() {
  const opts = parseArgs(process.argv.slice(2));
  opts.graphql = createRequire(path.join(path.dirname(opts.modules), 'package.json'))('graphql');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'generated-cases-'));
  try {
    const started = Date.now();
    const cases = collectCases(opts, tmp);
    console.error(`${cases.length} cases from the scenarios (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    const ours = cases.map((c) => ourResult(opts.bin, tmp, c));
    const sims = simulate(
      opts,
      tmp,
      cases.map((c) => ({ template: c.templatePath, context: c.context, authMode: c.authMode })),
    );
    const diffs = cases.map((c, i) => differences(ours[i], sims[i], c));
    const rewritten = rewrittenRuns(opts, tmp, cases, ours, sims, diffs);
    const results = cases.map((c, i) => verdict(c, ours[i], sims[i], diffs[i], rewritten.get(i)));
    cases.forEach((c, i) => writeCase(c, results[i]));
    if (opts.report) {
      // Every disagreement in full, for reviewing decisions.js.
      const report = cases
        .map((c, i) => ({
          case: path.relative(opts.fixtures, c.dir),
          diffs: diffs[i],
          decisions: results[i].decisions.map((d) => d.id),
          open: results[i].open ? results[i].open.id : null,
          ours: ours[i],
          simulator: sims[i],
          rewritten: rewritten.has(i) ? rewritten.get(i).sim : null,
        }))
        .filter((r) => r.diffs.length);
      fs.writeFileSync(opts.report, JSON.stringify(report, null, 1));
    }
    const s = summary(opts, cases, results);
    fs.writeFileSync(path.join(opts.fixtures, 'cases-summary.md'), s.text + '\n');
    console.log(s.text);
    console.error(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main();
