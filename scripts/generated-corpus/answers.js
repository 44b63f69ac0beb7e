// What a data source answers to the request a template rendered, in one scenario: the canned
// `responses` of the resolver files that cases.js runs. The answers follow from the request, as
// the real service's would, so a scenario only says what is stored:
//   AMAZON_DYNAMODB        an in-memory table per model (`scenario.tables`): GetItem, PutItem,
//                          UpdateItem, DeleteItem, Query, Scan and Sync, with key conditions,
//                          filters and condition expressions evaluated (a failed condition is
//                          DynamoDB:ConditionalCheckFailedException, as AppSync reports it);
//                          versioned (DataStore) tables keep _version, _lastChangedAt, _deleted
//   AMAZON_ELASTICSEARCH   the model's items as search hits (`hits.hits[]._source`, sort values,
//                          total), with aggregations when asked
//   HTTP                   `scenario.http` ({statusCode, headers, body})
//   AWS_LAMBDA             `scenario.lambda[function name]` (a function of the request payload)
//   RELATIONAL_DATABASE    the Data API's JSON text, from `scenario.rows` (SELECT, INSERT,
//                          UPDATE, DELETE on one table, by key)
// `scenario.fail` ({operation, message, type}) makes the first request of that operation fail.
'use strict';

// The clock of the cases (appsync-vtl test's): Sync's startedAt and DataStore's _lastChangedAt.
const NOW_MS = Date.parse('2018-02-06T19:01:35.758Z');

const clone = (v) => (v === undefined ? undefined : JSON.parse(JSON.stringify(v)));

// ---------------------------------------------------------------------------------------------
// DynamoDB attribute values <-> plain JSON (what AppSync converts results to)

function fromTyped(v) {
  const [type, x] = Object.entries(v)[0];
  switch (type) {
    case 'S':
    case 'B':
    case 'BOOL':
      return x;
    case 'N':
      return Number(x);
    case 'NULL':
      return null;
    case 'SS':
    case 'BS':
      return [...x];
    case 'NS':
      return x.map(Number);
    case 'L':
      return x.map(fromTyped);
    case 'M':
      return plainMap(x);
    default:
      throw new Error(`unknown attribute type ${type}`);
  }
}

const plainMap = (m) => Object.fromEntries(Object.entries(m || {}).map(([k, v]) => [k, fromTyped(v)]));

// ---------------------------------------------------------------------------------------------
// Expressions: key conditions, filters and conditions (the grammar of the DynamoDB guide's
// "Comparison operator and function reference"), evaluated on one item.

function tokenize(text) {
  const out = [];
  const re = /\s*(<>|<=|>=|[=<>(),]|[#:]?[A-Za-z_][\w.\-]*|\d+(?:\.\d+)?)/y;
  let m;
  let at = 0;
  while (at < text.length) {
    re.lastIndex = at;
    m = re.exec(text);
    if (!m) {
      if (/^\s*$/.test(text.slice(at))) break;
      throw new Error(`cannot read expression at ${JSON.stringify(text.slice(at))}`);
    }
    out.push(m[1]);
    at = re.lastIndex;
  }
  return out;
}

function parseExpression(text, names, values) {
  const tokens = tokenize(text);
  let i = 0;
  const peek = () => tokens[i];
  const isWord = (w) => peek() !== undefined && peek().toUpperCase() === w;
  const expect = (t) => {
    if (tokens[i] !== t) throw new Error(`expected ${t} in ${text}`);
    i++;
  };
  const path = (tok) => (tok.startsWith('#') ? names[tok] : tok);
  const operand = () => {
    const tok = tokens[i++];
    if (tok.startsWith(':')) {
      if (!(tok in values)) throw new Error(`no value ${tok} in ${text}`);
      const v = fromTyped(values[tok]);
      return () => v;
    }
    if (tok === 'size' && peek() === '(') {
      expect('(');
      const p = path(tokens[i++]);
      expect(')');
      return (item) => {
        const v = item[p];
        return typeof v === 'string' || Array.isArray(v) ? v.length : v && typeof v === 'object' ? Object.keys(v).length : undefined;
      };
    }
    const p = path(tok);
    return (item) => item[p];
  };
  const compare = (a, b) => (a < b ? -1 : a > b ? 1 : 0);
  const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
  const comparable = (a, b) => a !== undefined && b !== undefined && typeof a === typeof b;
  const fn = () => {
    const name = tokens[i++];
    expect('(');
    const args = [operand()];
    while (peek() === ',') {
      i++;
      args.push(operand());
    }
    expect(')');
    switch (name) {
      case 'attribute_exists':
        return (item) => args[0](item) !== undefined;
      case 'attribute_not_exists':
        return (item) => args[0](item) === undefined;
      case 'begins_with':
        return (item) => typeof args[0](item) === 'string' && args[0](item).startsWith(args[1](item));
      case 'contains':
        return (item) => {
          const v = args[0](item);
          const x = args[1](item);
          return typeof v === 'string' ? v.includes(x) : Array.isArray(v) ? v.some((e) => same(e, x)) : false;
        };
      case 'attribute_type':
        return () => true;
      default:
        throw new Error(`unknown function ${name} in ${text}`);
    }
  };
  const primary = () => {
    if (peek() === '(') {
      i++;
      const e = or();
      expect(')');
      return e;
    }
    if (tokens[i + 1] === '(' && tokens[i] !== 'size') return fn();
    const left = operand();
    const op = tokens[i++];
    if (op.toUpperCase() === 'BETWEEN') {
      const lo = operand();
      if (!isWord('AND')) throw new Error(`BETWEEN without AND in ${text}`);
      i++;
      const hi = operand();
      return (item) => {
        const v = left(item);
        return comparable(v, lo(item)) && compare(v, lo(item)) >= 0 && compare(v, hi(item)) <= 0;
      };
    }
    if (op.toUpperCase() === 'IN') {
      expect('(');
      const list = [operand()];
      while (peek() === ',') {
        i++;
        list.push(operand());
      }
      expect(')');
      return (item) => list.some((o) => same(left(item), o(item)));
    }
    const right = operand();
    switch (op) {
      case '=':
        return (item) => left(item) !== undefined && same(left(item), right(item));
      case '<>':
        return (item) => !same(left(item), right(item));
      case '<':
        return (item) => comparable(left(item), right(item)) && compare(left(item), right(item)) < 0;
      case '<=':
        return (item) => comparable(left(item), right(item)) && compare(left(item), right(item)) <= 0;
      case '>':
        return (item) => comparable(left(item), right(item)) && compare(left(item), right(item)) > 0;
      case '>=':
        return (item) => comparable(left(item), right(item)) && compare(left(item), right(item)) >= 0;
      default:
        throw new Error(`unknown operator ${op} in ${text}`);
    }
  };
  const not = () => {
    if (isWord('NOT')) {
      i++;
      const e = not();
      return (item) => !e(item);
    }
    return primary();
  };
  const and = () => {
    let e = not();
    while (isWord('AND')) {
      i++;
      const l = e;
      const r = not();
      e = (item) => l(item) && r(item);
    }
    return e;
  };
  function or() {
    let e = and();
    while (isWord('OR')) {
      i++;
      const l = e;
      const r = and();
      e = (item) => l(item) || r(item);
    }
    return e;
  }
  const e = or();
  if (i !== tokens.length) throw new Error(`unexpected ${tokens[i]} in ${text}`);
  return e;
}

// A `{expression, expressionNames, expressionValues}` section as a test on items (null: none).
function condition(section) {
  if (!section || !section.expression) return null;
  return parseExpression(section.expression, section.expressionNames || {}, section.expressionValues || {});
}

// UpdateItem's update expression: SET (values, if_not_exists, + and -), REMOVE, ADD.
function applyUpdate(item, update) {
  const names = update.expressionNames || {};
  const values = update.expressionValues || {};
  const name = (t) => (t.startsWith('#') ? names[t] : t);
  const value = (t) => {
    t = t.trim();
    if (t.startsWith(':')) return fromTyped(values[t]);
    const ifNot = t.match(/^if_not_exists\(\s*([^,]+),\s*([^)]+)\)$/);
    if (ifNot) return item[name(ifNot[1].trim())] !== undefined ? item[name(ifNot[1].trim())] : value(ifNot[2]);
    const arith = t.match(/^(.+?)\s*([+-])\s*(.+)$/);
    if (arith) return arith[2] === '+' ? value(arith[1]) + value(arith[3]) : value(arith[1]) - value(arith[3]);
    return item[name(t)];
  };
  const clauses = update.expression.split(/\b(SET|REMOVE|ADD|DELETE)\b/i).map((s) => s.trim());
  for (let c = 1; c < clauses.length; c += 2) {
    const parts = clauses[c + 1]
      .split(/,(?![^(]*\))/)
      .map((s) => s.trim())
      .filter(Boolean);
    for (const part of parts) {
      switch (clauses[c].toUpperCase()) {
        case 'SET': {
          const [target, expr] = part.split(/=(.*)/s);
          item[name(target.trim())] = value(expr);
          break;
        }
        case 'REMOVE':
          delete item[name(part)];
          break;
        case 'ADD': {
          const [target, v] = part.split(/\s+/);
          item[name(target)] = (item[name(target)] || 0) + value(v);
          break;
        }
        default:
          break;
      }
    }
  }
  return item;
}

// ---------------------------------------------------------------------------------------------
// DynamoDB

const conditionFailed = { error: { message: 'The conditional request failed', type: 'DynamoDB:ConditionalCheckFailedException' } };

// Page tokens: opaque to the templates; here the offset of the next page, base64-encoded.
const pageToken = (offset) => Buffer.from(JSON.stringify({ offset })).toString('base64');
const pageOffset = (token) => (token ? JSON.parse(Buffer.from(token, 'base64').toString()).offset || 0 : 0);

function tableOf(ds, scenario) {
  const name = ds.dynamodbConfig.tableName.split('-')[0];
  scenario.tables[name] = scenario.tables[name] || [];
  return scenario.tables[name];
}

const matchesKey = (item, key) => Object.entries(key).every(([k, v]) => item[k] === v);

// Items as a query or scan returns them: key condition (or all), page, then filter.
function page(items, req) {
  const keyCond = condition(req.query);
  const matched = keyCond ? items.filter(keyCond) : items;
  const ordered = req.scanIndexForward === false ? [...matched].reverse() : matched;
  const start = pageOffset(req.nextToken);
  const limit = req.limit || 100;
  const evaluated = ordered.slice(start, start + limit);
  const filter = condition(req.filter);
  return {
    items: clone(filter ? evaluated.filter(filter) : evaluated),
    nextToken: start + limit < ordered.length ? pageToken(start + limit) : null,
    scannedCount: evaluated.length,
  };
}

function dynamodb(ds, req, scenario) {
  const items = tableOf(ds, scenario);
  const versioned = Boolean(ds.dynamodbConfig.versioned);
  const key = req.key ? plainMap(req.key) : null;
  const existing = key ? items.find((it) => matchesKey(it, key)) : undefined;
  const check = (item) => {
    const c = condition(req.condition);
    return !c || c(item || {});
  };
  const versionClash = () =>
    versioned && existing && req._version !== undefined && req._version !== existing._version
      ? { error: { message: 'Conflict resolver rejects mutation.', type: 'ConflictUnhandled' }, result: clone(existing) }
      : null;
  switch (req.operation) {
    case 'GetItem':
      return { result: clone(existing) || null };
    case 'Query':
    case 'Scan':
      return { result: page(items, req) };
    case 'Sync': {
      const changed = req.lastSync ? items.filter((it) => (it._lastChangedAt || 0) > req.lastSync) : items;
      return { result: { ...page(changed, req), startedAt: NOW_MS } };
    }
    case 'PutItem': {
      if (!check(existing)) return conditionFailed;
      const item = { ...plainMap(req.attributeValues), ...key };
      if (versioned) Object.assign(item, { _version: 1, _lastChangedAt: NOW_MS, _deleted: null });
      return { result: item };
    }
    case 'UpdateItem': {
      if (!existing || !check(existing)) return conditionFailed;
      const clash = versionClash();
      if (clash) return clash;
      const item = applyUpdate(clone(existing), req.update);
      if (versioned) Object.assign(item, { _version: existing._version + 1, _lastChangedAt: NOW_MS });
      return { result: item };
    }
    case 'DeleteItem': {
      if (!existing || !check(existing)) return conditionFailed;
      const clash = versionClash();
      if (clash) return clash;
      const item = clone(existing);
      if (versioned) Object.assign(item, { _version: existing._version + 1, _lastChangedAt: NOW_MS, _deleted: true });
      return { result: item };
    }
    default:
      throw new Error(`no answer for DynamoDB ${req.operation}`);
  }
}

// ---------------------------------------------------------------------------------------------
// OpenSearch: the items as hits, sorted by id descending (the generated default sort).

function search(ds, req, scenario) {
  const name = req.path.split('/')[1];
  const items = (scenario.tables[name.charAt(0).toUpperCase() + name.slice(1)] || []).slice().sort((a, b) => (a.id < b.id ? 1 : -1));
  const body = req.params.body;
  const from = body.from || 0;
  const hits = items.slice(from, from + (body.size || 10));
  const result = {
    took: 3,
    timed_out: false,
    _shards: { total: 5, successful: 5, skipped: 0, failed: 0 },
    hits: {
      total: { value: items.length, relation: 'eq' },
      max_score: null,
      hits: hits.map((it) => ({ _index: name, _type: '_doc', _id: it.id, _score: null, _source: clone(it), sort: [it.id] })),
    },
  };
  const aggs = Object.entries(body.aggs || {});
  if (aggs.length) {
    result.aggregations = Object.fromEntries(
      aggs.map(([aggName, spec]) => {
        const [type, { field }] = Object.entries(spec.aggs[aggName])[0];
        const values = items.map((it) => it[field.replace(/\.keyword$/, '')]).filter((v) => v !== undefined && v !== null);
        const inner =
          type === 'terms'
            ? {
                doc_count_error_upper_bound: 0,
                sum_other_doc_count: 0,
                buckets: [...new Set(values)].map((v) => ({ key: v, doc_count: values.filter((x) => x === v).length })),
              }
            : {
                value:
                  type === 'avg'
                    ? values.reduce((a, b) => a + b, 0) / values.length
                    : type === 'min'
                      ? Math.min(...values)
                      : type === 'max'
                        ? Math.max(...values)
                        : values.reduce((a, b) => a + b, 0),
              };
        return [aggName, { doc_count: items.length, [aggName]: inner }];
      }),
    );
  }
  return { result };
}

// ---------------------------------------------------------------------------------------------
// RDS Data API (ExecuteStatement with several statements, as the v1 RDS resolvers send them):
// `{"sqlStatementResults": [{"numberOfRecordsUpdated", "records", "columnMetadata"}...]}`.

function dataApiValue(v, type) {
  if (v === null || v === undefined) return { isNull: true };
  if (/^(INT|BIGINT|TINYINT)/.test(type)) return { longValue: Number(v) };
  return { stringValue: String(v) };
}

function rds(req, scenario) {
  const results = [];
  for (const sql of req.statements) {
    const m = sql.match(/^(SELECT \* FROM|INSERT INTO|UPDATE|DELETE FROM) (\w+)\b(.*)$/);
    if (!m) throw new Error(`no answer for SQL ${sql}`);
    const table = scenario.rows[m[2]];
    const where = m[3].match(/WHERE (\w+)=:(\w+)/);
    const rowsWhere = () => (where ? table.rows.filter((r) => String(r[where[1]]) === String(req.variableMap[`:${where[2]}`])) : table.rows);
    if (m[1] === 'SELECT * FROM') {
      results.push({
        numberOfRecordsUpdated: 0,
        records: rowsWhere().map((r) => table.columns.map(([name, type]) => dataApiValue(r[name], type))),
        columnMetadata: table.columns.map(([name, type], i) => ({
          arrayBaseColumnType: 0,
          isAutoIncrement: i === 0 && type === 'INT',
          isCaseSensitive: type === 'VARCHAR' || type === 'TEXT',
          isCurrency: false,
          isSigned: /INT|DECIMAL/.test(type),
          label: name,
          name,
          nullable: i === 0 ? 0 : 1,
          precision: 0,
          scale: 0,
          schemaName: '',
          tableName: m[2],
          type: { INT: 4, VARCHAR: 12, TEXT: -1, DATE: 91, DECIMAL: 3, TINYINT: -6, DATETIME: 93 }[type],
          typeName: type,
        })),
      });
      continue;
    }
    const vars = Object.fromEntries(Object.entries(req.variableMap).map(([k, v]) => [k.slice(1), v]));
    if (m[1] === 'INSERT INTO') table.rows.push(vars);
    else if (m[1] === 'UPDATE') rowsWhere().forEach((r) => Object.assign(r, vars));
    const updated = rowsWhere().length;
    if (m[1] === 'DELETE FROM') table.rows = table.rows.filter((r) => !rowsWhere().includes(r));
    results.push({ numberOfRecordsUpdated: m[1] === 'INSERT INTO' ? 1 : updated, generatedFields: [] });
  }
  return { result: JSON.stringify({ sqlStatementResults: results }) };
}

// ---------------------------------------------------------------------------------------------

// The answer of data source `ds` (a pipeline function's dataSource) to `request` (parsed JSON)
// in `scenario`; the scenario's tables and rows change as writes go through.
function answer(ds, request, scenario) {
  if (scenario.fail && scenario.fail.operation === request.operation && !scenario.fail.used) {
    scenario.fail.used = true;
    return { error: { message: scenario.fail.message, type: scenario.fail.type } };
  }
  switch (ds.type) {
    case 'AMAZON_DYNAMODB':
      return dynamodb(ds, request, scenario);
    case 'AMAZON_ELASTICSEARCH':
    case 'AMAZON_OPENSEARCH_SERVICE':
      return search(ds, request, scenario);
    case 'HTTP':
      return { result: clone(scenario.http) };
    case 'AWS_LAMBDA': {
      const fn = ds.lambdaConfig.lambdaFunctionArn.split(':').pop();
      if (!scenario.lambda || !scenario.lambda[fn]) throw new Error(`no Lambda answer for ${fn}`);
      return { result: scenario.lambda[fn](request.payload) };
    }
    case 'RELATIONAL_DATABASE':
      return rds(request, scenario);
    default:
      throw new Error(`no answer for a ${ds.type} data source`);
  }
}

module.exports = { answer };
