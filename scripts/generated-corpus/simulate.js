#!/usr/bin/env node
// Renders templates with @aws-amplify/amplify-appsync-simulator (its VelocityTemplate: the
// amplify-velocity-template engine, the simulator's $util and Java-like value wrappers) and
// reports what it gives, for comparison with our engine. The simulator is a weak reference
// (see the simulator column of the AppSync reference): a difference is a question, not a verdict.
//
//   node simulate.js --modules DIR/node_modules JOBS.json [--out RESULTS.json] [--now RFC3339]
//
// JOBS.json is a list of {"id", "template" (path, relative to JOBS.json), "context", "authMode"}.
// The context is AppSync's: arguments, identity, source, stash, result, prev, info, request,
// error; authMode one of AMAZON_COGNITO_USER_POOLS, OPENID_CONNECT, AWS_IAM, API_KEY,
// AWS_LAMBDA (default: context.authMode, else API_KEY). Prints (or writes) a list of
//   {"id", "status", "output", "isReturn", "result", "errors", "stash", "args", ...}
// with status
//   ok               rendered; output is the text, result what render() returned (parsed JSON,
//                    or the raw text after #return)
//   template-error   the template raised $util.error / $util.unauthorized / $util.validate
//   render-threw     rendered, but the output is not JSON and #return was not used
//   parse-error      the template does not parse (exception holds the message)
//   simulator-fault  the simulator itself crashed inside the template (thrownInTemplate)
//
// The simulator builds $ctx.identity, $ctx.info and $ctx.request from a live request (a JWT,
// an IAM token, GraphQL resolve info), which loses fields AppSync has (Cognito groups, list
// sourceIp, IAM accountId, Lambda resolverContext, info as given, request.domainName). So the
// request context is built from the job as the simulator expects it (that is what $util.authType()
// reads), and then identity, info and request are replaced with the job's values, wrapped in the
// simulator's Java-like types like every other context value. What the simulator generates is
// pinned: the clock (--now, else 2024-03-15T12:34:56.789Z; TZ=UTC), $util.autoId()
// 00000000-0000-4000-8000-00000000000N and $util.autoUlid() 01HS0000000000000000000NNN counting
// from 1 in each job, $util.math.randomDouble() 0.5, randomWithinRange(min, max) min;
// `generated` counts the calls.
'use strict';
process.env.TZ = 'UTC';
const fs = require('fs');
const path = require('path');
const { createRequire } = require('module');

const AUTH_MODES = ['AMAZON_COGNITO_USER_POOLS', 'OPENID_CONNECT', 'AWS_IAM', 'API_KEY', 'AWS_LAMBDA'];

function parseArgs(argv) {
  const opts = {};
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--modules') opts.modules = path.resolve(argv[++i]);
    else if (argv[i] === '--out') opts.out = path.resolve(argv[++i]);
    else if (argv[i] === '--now') opts.now = argv[++i];
    else if (!opts.jobs && !argv[i].startsWith('--')) opts.jobs = path.resolve(argv[i]);
    else throw new Error(`unknown argument ${argv[i]}`);
  }
  if (!opts.modules || !opts.jobs) {
    throw new Error('usage: node simulate.js --modules DIR/node_modules JOBS.json [--out RESULTS.json] [--now RFC3339]');
  }
  return opts;
}

const opts = parseArgs(process.argv.slice(2));
const FIXED_NOW = Date.parse(opts.now || '2024-03-15T12:34:56.789Z');
if (Number.isNaN(FIXED_NOW)) throw new Error(`--now: not a date: ${opts.now}`);
const req = createRequire(path.join(path.dirname(opts.modules), 'package.json'));
const simLib = (p) => req(`@aws-amplify/amplify-appsync-simulator/lib/${p}`);
const { VelocityTemplate, VelocityTemplateParseError } = simLib('velocity');
const { map } = simLib('velocity/value-mapper/mapper');
const { generalUtils } = simLib('velocity/util/general-utils');
const { math } = simLib('velocity/util/math');
const { TemplateSentError } = simLib('velocity/util/errors');
const { parse } = req('graphql');

// Generated values, pinned and counted per job (`generated`). The clock is counted only while
// the template renders: the simulator itself reads it once to build $util.
let generated;
let rendering = false;
Date.now = () => {
  if (rendering) generated.clockReads++;
  return FIXED_NOW;
};
generalUtils.autoId = () => `00000000-0000-4000-8000-${String(++generated.autoId).padStart(12, '0')}`;
generalUtils.autoUlid = () => `01HS0000000000000000000${String(++generated.autoUlid).padStart(3, '0')}`;
math.randomDouble = () => (generated.random++, 0.5);
math.randomWithinRange = (min) => (generated.random++, min);

// A plain JSON value from the simulator's wrappers (undefined -> null).
const plain = (v) => (v === undefined ? null : JSON.parse(JSON.stringify(v)));

// The request context the simulator derives $ctx.identity and $util.authType() from
// (lib/velocity/index.js, buildRenderContext): Cognito and OIDC callers come as JWT claims,
// IAM callers as an IAM token, API key and Lambda callers as nothing.
function requestContext(authMode, ctx) {
  const id = ctx.identity || {};
  const rc = {
    requestAuthorizationMode: authMode,
    headers: (ctx.request && ctx.request.headers) || {},
    sourceIp: Array.isArray(id.sourceIp) ? id.sourceIp[0] : id.sourceIp,
  };
  if (authMode === 'AMAZON_COGNITO_USER_POOLS' || authMode === 'OPENID_CONNECT') {
    rc.jwt = { sub: id.sub, iss: id.issuer, ...(id.claims || {}) };
    if (authMode === 'AMAZON_COGNITO_USER_POOLS' && rc.jwt['cognito:username'] === undefined) {
      rc.jwt['cognito:username'] = id.username;
    }
  } else if (authMode === 'AWS_IAM') {
    rc.iamToken = {
      accountId: id.accountId,
      username: id.username,
      userArn: id.userArn,
      cognitoIdentityPoolId: id.cognitoIdentityPoolId,
      cognitoIdentityId: id.cognitoIdentityId,
      cognitoIdentityAuthType: id.cognitoIdentityAuthType,
      cognitoIdentityAuthProvider: id.cognitoIdentityAuthProvider,
    };
  }
  return rc;
}

// GraphQL resolve info for the simulator's $util (error paths and locations, and the data
// filtering of $util.error), parsed from the context's info.
function resolveInfo(info) {
  const fieldName = info.fieldName || 'field';
  let operation;
  try {
    operation = parse(`{ ${fieldName} ${info.selectionSetGraphQL || ''} }`).definitions[0];
  } catch (_) {
    operation = parse(`{ ${fieldName} }`).definitions[0];
  }
  return {
    fieldName,
    fieldNodes: operation.selectionSet.selections,
    fragments: {},
    operation,
    variableValues: info.variables || {},
    parentType: info.parentTypeName || 'Query',
    path: { key: fieldName },
  };
}

// The message is the one the simulator's GraphQL response carries (extensions.message): the
// template engine appends ` on $util.error(...) at L/N l:c` to the exception's own message.
const errorJson = (e) => ({
  class: e.constructor.name,
  message: e.extensions && typeof e.extensions.message === 'string' ? e.extensions.message : e.message,
  errorType: e.errorType === undefined ? null : e.errorType,
  data: plain(e.data),
  errorInfo: plain(e.errorInfo),
});

function runJob(job, baseDir) {
  const ctx = job.context || {};
  const authMode = job.authMode || ctx.authMode || 'API_KEY';
  if (!AUTH_MODES.includes(authMode)) throw new Error(`${job.id}: unknown authMode ${authMode}`);
  generated = { autoId: 0, autoUlid: 0, random: 0, clockReads: 0 };
  const out = { id: job.id, status: null, output: null, isReturn: false, result: null, errors: [], stash: null, args: null };
  const content = fs.readFileSync(path.resolve(baseDir, job.template), 'utf8');
  const simulator = { appSyncConfig: { defaultAuthenticationType: { authenticationType: 'AMAZON_COGNITO_USER_POOLS' } } };

  let template;
  try {
    template = new VelocityTemplate({ content, path: path.basename(job.template) }, simulator);
  } catch (e) {
    if (!(e instanceof VelocityTemplateParseError)) throw e;
    return { ...out, status: 'parse-error', exception: e.message };
  }

  // Watch the render: the raw text, what was thrown, and the context after it.
  let vtl = null;
  let thrown = null;
  const compiler = template.compiler;
  const compile = compiler.render.bind(compiler);
  compiler.render = (c) => {
    rendering = true;
    try {
      out.output = compile(c);
      return out.output;
    } catch (e) {
      thrown = e;
      throw e;
    } finally {
      rendering = false;
    }
  };
  const build = template.buildRenderContext.bind(template);
  template.buildRenderContext = (...a) => {
    vtl = build(...a);
    vtl.ctx.identity = ctx.identity == null ? null : map(ctx.identity);
    if (ctx.info) vtl.ctx.info = map(ctx.info);
    if (ctx.request) vtl.ctx.request = map(ctx.request);
    return vtl;
  };

  const values = {
    arguments: ctx.arguments || {},
    source: ctx.source,
    result: ctx.result,
    stash: ctx.stash || {},
    error: ctx.error,
  };
  if (ctx.prev !== undefined) values.prevResult = ctx.prev && ctx.prev.result !== undefined ? ctx.prev.result : null;

  let r = null;
  try {
    r = template.render(values, requestContext(authMode, ctx), resolveInfo(ctx.info || {}));
  } catch (e) {
    if (!(e instanceof TemplateSentError && e.errorType === 'MappingTemplate')) throw e;
    out.status = 'render-threw';
    out.exception = errorJson(e);
  }
  out.stash = plain(vtl.ctx.stash);
  out.args = plain(vtl.ctx.args);
  out.effectiveInfo = plain(vtl.ctx.info);
  if (r) {
    out.isReturn = Boolean(r.isReturn);
    out.result = plain(r.result);
    out.errors = r.errors.map(errorJson);
    if (r.hadException) {
      const last = vtl.util.errors[vtl.util.errors.length - 1];
      const fromUtil = Boolean(last && (thrown === last || String(thrown.message).startsWith(last.message)));
      out.status = fromUtil ? 'template-error' : 'simulator-fault';
      out.thrownInTemplate = { class: thrown.constructor.name, message: thrown.message, fromUtil };
    } else {
      out.status = 'ok';
    }
  } else {
    // render-threw: the errors the template appended before its output was refused.
    out.errors = vtl.util.errors.map(errorJson);
  }
  out.outputParsesAsJson = out.output !== null && parsesAsJson(out.output);
  out.generated = generated;
  out.containsGeneratedValues = Object.values(generated).some((n) => n > 0);
  return out;
}

function parsesAsJson(text) {
  try {
    JSON.parse(text);
    return true;
  } catch (_) {
    return false;
  }
}

const jobs = JSON.parse(fs.readFileSync(opts.jobs, 'utf8'));
const results = jobs.map((job) => runJob(job, path.dirname(opts.jobs)));
const text = JSON.stringify(results, null, 2) + '\n';
if (opts.out) fs.writeFileSync(opts.out, text);
else process.stdout.write(text);
