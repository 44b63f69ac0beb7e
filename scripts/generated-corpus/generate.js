#!/usr/bin/env node
// Generates the resolvers that AWS's own tools emit for our schemas, as fixtures for the engine:
//   amplify-v2  Amplify GraphQL transformer v2 (schemas/*.graphql), pipeline resolvers read back
//               from the synthesized CloudFormation
//   rds-v1      graphql-relational-schema-transformer (Aurora Data API), from hand-made tables
//   cdk         aws-cdk-lib's aws_appsync.MappingTemplate helpers
//
//   node generate.js --modules DIR/node_modules --out fixtures/generated
//
// The packages come from --modules (scripts/generated-corpus/run installs them). Output, per
// generator and schema: templates/NAME.vtl (byte for byte as the generator emitted them, plus
// the templates that only exist inline in the stack, with their intrinsic functions resolved
// from FAKE below) and pipelines/Type.field.json (our resolver-file format,
// src/resolver/config.rs), and README.md. Each generator's folder is rewritten whole; JSON keys
// are sorted, so two runs give identical files.
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { createRequire } = require('module');

const GENERATORS = ['amplify-v2', 'rds-v1', 'cdk'];

// Quiet notes that do not concern a generator run: the transformer calls a CDK method that CDK
// reports as deprecated, nothing here is deployed (no CloudFormation lint at synth), and the RDS
// reader's Data API client, which is never called, warns about future Node versions.
process.env.JSII_DEPRECATED = 'quiet';
process.env.CDK_VALIDATION = 'false';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

// The stand-ins for everything a deployment would decide. Every intrinsic function in a stack
// resolves through this table, so a missing entry is an error rather than a guess.
const FAKE = {
  accountId: '123456789012',
  region: 'us-east-1',
  partition: 'aws',
  urlSuffix: 'amazonaws.com',
  apiId: 'abcdefghijklmnopqrstuvwxyz',
  apiName: 'corpus',
  env: 'NONE',
  authRoleName: 'amplify-corpus-NONE-authRole',
  unauthRoleName: 'amplify-corpus-NONE-unauthRole',
  userPoolId: 'us-east-1_AbCdEfGhI',
  identityPoolId: 'us-east-1:00000000-1111-4222-8333-444444444444',
  adminRoles: ['corpus-admin-role'],
  deploymentBucket: 'amplify-corpus-NONE-deployment',
  deploymentRootKey: 'amplify-appsync-files',
  rdsClusterArn: 'arn:aws:rds:us-east-1:123456789012:cluster:corpus-cluster',
  rdsSecretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:corpus-db-AbCdEf',
  openSearchEndpoint: 'search-corpus-abcdefghijklmnopqrstuvwxyz.us-east-1.es.amazonaws.com',
};

// ---------------------------------------------------------------------------------------------
// Command line and output helpers

function parseArgs(argv) {
  const opts = {};
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--modules') opts.modules = path.resolve(argv[++i]);
    else if (argv[i] === '--out') opts.out = path.resolve(argv[++i]);
    else throw new Error(`unknown argument ${argv[i]}`);
  }
  if (!opts.modules || !opts.out) throw new Error('usage: node generate.js --modules DIR/node_modules --out DIR');
  return opts;
}

// JSON with sorted keys, two-space indent, final newline.
function stableJson(value) {
  const sort = (v) => {
    if (Array.isArray(v)) return v.map(sort);
    if (v && typeof v === 'object') {
      return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sort(v[k])]));
    }
    return v;
  };
  return JSON.stringify(sort(value), null, 2) + '\n';
}

// Collects one schema's output: templates by file name (a name may be written twice only with
// the same text) and resolver descriptions.
class Output {
  constructor() {
    this.templates = new Map();
    this.pipelines = new Map();
    this.extra = new Map();
  }

  template(name, text) {
    if (!name.endsWith('.vtl') || name.includes('/')) throw new Error(`bad template name ${name}`);
    const seen = this.templates.get(name);
    if (seen !== undefined && seen !== text) throw new Error(`two different templates named ${name}`);
    this.templates.set(name, text);
    return `file://../templates/${name}`;
  }

  pipeline(resolver) {
    const name = `${resolver.typeName}.${resolver.fieldName}.json`;
    if (this.pipelines.has(name)) throw new Error(`two resolvers for ${name}`);
    this.pipelines.set(name, resolver);
  }

  write(dir) {
    fs.mkdirSync(path.join(dir, 'templates'), { recursive: true });
    fs.mkdirSync(path.join(dir, 'pipelines'), { recursive: true });
    for (const [name, text] of this.templates) fs.writeFileSync(path.join(dir, 'templates', name), text);
    for (const [name, r] of this.pipelines) fs.writeFileSync(path.join(dir, 'pipelines', name), stableJson(r));
    for (const [name, text] of this.extra) fs.writeFileSync(path.join(dir, name), text);
    return { templates: this.templates.size, pipelines: this.pipelines.size };
  }
}

// ---------------------------------------------------------------------------------------------
// CloudFormation: a set of stacks (a root and its nested stacks) and the intrinsic functions in
// them, resolved against FAKE. Only what the resolvers need is ever resolved.

const lowerFirst = (s) => s.charAt(0).toLowerCase() + s.slice(1);
const arn = (service, resource) => `arn:${FAKE.partition}:${service}:${FAKE.region}:${FAKE.accountId}:${resource}`;

class Stacks {
  // stacks: name -> { template, parent (name or null), resource (logical id in the parent) };
  // parameters: values for the root stack's parameters.
  constructor(stacks, parameters) {
    this.stacks = stacks;
    this.parameters = parameters;
  }

  stack(name) {
    const s = this.stacks.get(name);
    if (!s) throw new Error(`no stack ${name}`);
    return s;
  }

  resource(stackName, logicalId) {
    const r = this.stack(stackName).template.Resources[logicalId];
    if (!r) throw new Error(`${stackName}: no resource ${logicalId}`);
    return r;
  }

  resolve(stackName, value) {
    if (Array.isArray(value)) return value.map((v) => this.resolve(stackName, v));
    if (!value || typeof value !== 'object') return value;
    const keys = Object.keys(value);
    if (keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::'))) {
      return this.intrinsic(stackName, keys[0], value[keys[0]]);
    }
    return Object.fromEntries(keys.map((k) => [k, this.resolve(stackName, value[k])]));
  }

  intrinsic(stackName, fn, arg) {
    const r = (v) => this.resolve(stackName, v);
    switch (fn) {
      case 'Ref':
        return this.ref(stackName, arg);
      case 'Fn::GetAtt': {
        const [id, attr] = Array.isArray(arg) ? arg : [arg.slice(0, arg.indexOf('.')), arg.slice(arg.indexOf('.') + 1)];
        return this.getAtt(stackName, id, r(attr));
      }
      case 'Fn::Join': {
        const [sep, list] = arg;
        return r(list).join(sep);
      }
      case 'Fn::Sub': {
        const [text, vars] = Array.isArray(arg) ? arg : [arg, {}];
        const values = r(vars);
        return text.replace(/\$\{(!?)([^}]+)\}/g, (_, bang, name) => {
          if (bang) return '${' + name + '}';
          if (name in values) return values[name];
          const dot = name.indexOf('.');
          return dot < 0 ? this.ref(stackName, name) : this.getAtt(stackName, name.slice(0, dot), name.slice(dot + 1));
        });
      }
      case 'Fn::Select':
        return r(arg[1])[Number(r(arg[0]))];
      case 'Fn::Split':
        return r(arg[1]).split(arg[0]);
      case 'Fn::If':
        return this.condition(stackName, arg[0]) ? r(arg[1]) : r(arg[2]);
      case 'Fn::ImportValue':
        return this.importValue(r(arg));
      case 'Fn::Equals':
        return r(arg[0]) === r(arg[1]);
      case 'Fn::Not':
        return !r(arg[0]);
      default:
        throw new Error(`${stackName}: intrinsic ${fn} not supported`);
    }
  }

  condition(stackName, name) {
    const c = (this.stack(stackName).template.Conditions || {})[name];
    if (c === undefined) throw new Error(`${stackName}: no condition ${name}`);
    return Boolean(this.resolve(stackName, c));
  }

  ref(stackName, name) {
    const pseudo = {
      'AWS::AccountId': FAKE.accountId,
      'AWS::Region': FAKE.region,
      'AWS::Partition': FAKE.partition,
      'AWS::URLSuffix': FAKE.urlSuffix,
    };
    if (name in pseudo) return pseudo[name];
    const s = this.stack(stackName);
    const param = (s.template.Parameters || {})[name];
    if (param) {
      if (s.parent) {
        const passed = this.resource(s.parent, s.resource).Properties.Parameters || {};
        if (name in passed) return this.resolve(s.parent, passed[name]);
      } else if (name in this.parameters) {
        return this.parameters[name];
      }
      if ('Default' in param) return param.Default;
      throw new Error(`${stackName}: no value for parameter ${name}`);
    }
    const res = this.resource(stackName, name);
    if (res.Type === 'AWS::DynamoDB::Table') return this.resolve(stackName, res.Properties.TableName);
    throw new Error(`${stackName}: Ref of ${res.Type} (${name}) not supported`);
  }

  getAtt(stackName, id, attr) {
    const res = this.resource(stackName, id);
    switch (`${res.Type}.${attr.startsWith('Outputs.') ? 'Outputs' : attr}`) {
      case 'AWS::AppSync::GraphQLApi.ApiId':
        return FAKE.apiId;
      case 'AWS::AppSync::DataSource.Name':
        return this.resolve(stackName, res.Properties.Name);
      case 'AWS::AppSync::FunctionConfiguration.FunctionId':
        // Stands for the function itself: pipelines are read back through it.
        return `function:${stackName}:${id}`;
      case 'AWS::CloudFormation::Stack.Outputs': {
        const child = [...this.stacks].find(([, s]) => s.parent === stackName && s.resource === id);
        if (!child) throw new Error(`${stackName}: ${id} is not a known nested stack`);
        const output = (child[1].template.Outputs || {})[attr.slice('Outputs.'.length)];
        if (!output) throw new Error(`${child[0]}: no output ${attr}`);
        return this.resolve(child[0], output.Value);
      }
      case 'AWS::Elasticsearch::Domain.DomainEndpoint':
        return FAKE.openSearchEndpoint;
      case 'AWS::Elasticsearch::Domain.Arn':
        return arn('es', `domain/${id.toLowerCase()}`);
      default:
        throw new Error(`${stackName}: Fn::GetAtt ${res.Type}.${attr} (${id}) not supported`);
    }
  }

  importValue(exportName) {
    for (const [name, s] of this.stacks) {
      for (const output of Object.values(s.template.Outputs || {})) {
        if (output.Export && this.resolve(name, output.Export.Name) === exportName) {
          return this.resolve(name, output.Value);
        }
      }
    }
    throw new Error(`Fn::ImportValue: nothing exports ${exportName}`);
  }

  resourcesOfType(type) {
    const out = [];
    for (const [stackName, s] of this.stacks) {
      for (const [id, res] of Object.entries(s.template.Resources || {})) {
        if (res.Type === type) out.push({ stackName, id, res });
      }
    }
    return out;
  }
}

// A data source in our format: AppSync's CreateDataSource shape (type, name, and the camelCase
// config of its kind), without credentials or roles.
const DATA_SOURCE_CONFIG = {
  DynamoDBConfig: 'dynamodbConfig',
  HttpConfig: 'httpConfig',
  LambdaConfig: 'lambdaConfig',
  OpenSearchServiceConfig: 'openSearchServiceConfig',
  ElasticsearchConfig: 'elasticsearchConfig',
  RelationalDatabaseConfig: 'relationalDatabaseConfig',
};

function camelKeys(value) {
  if (Array.isArray(value)) return value.map(camelKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [lowerFirst(k), camelKeys(v)]));
  }
  return value;
}

function dataSourceFromCfn(stacks, name) {
  const found = stacks
    .resourcesOfType('AWS::AppSync::DataSource')
    .filter(({ stackName, res }) => stacks.resolve(stackName, res.Properties.Name) === name);
  if (found.length !== 1) throw new Error(`data source ${name}: ${found.length} definitions`);
  const { stackName, res } = found[0];
  const out = { name, type: res.Properties.Type };
  for (const [cfnKey, key] of Object.entries(DATA_SOURCE_CONFIG)) {
    if (res.Properties[cfnKey]) out[key] = camelKeys(stacks.resolve(stackName, res.Properties[cfnKey]));
  }
  return out;
}

// Reads every AWS::AppSync::Resolver back into `out`, in our format. Inline templates are
// resolved and stored under the name given here; `s3Template(url)` gives the reference of the
// template file an S3 location points to.
function resolversFromCfn(stacks, out, s3Template) {
  const template = (stackName, props, which, inlineName) => {
    if (props[`${which}MappingTemplateS3Location`]) {
      return s3Template(stacks.resolve(stackName, props[`${which}MappingTemplateS3Location`]));
    }
    if (props[`${which}MappingTemplate`] !== undefined) {
      return out.template(inlineName, stacks.resolve(stackName, props[`${which}MappingTemplate`]));
    }
    return undefined;
  };
  for (const { stackName, id, res } of stacks.resourcesOfType('AWS::AppSync::Resolver')) {
    const p = res.Properties;
    if (p.Code || p.Runtime) throw new Error(`${stackName}/${id}: not a VTL resolver`);
    const base = `${p.TypeName}.${p.FieldName}`;
    const kind = p.Kind || 'UNIT';
    const resolver = { kind, typeName: p.TypeName, fieldName: p.FieldName };
    const [before, after] = kind === 'PIPELINE' ? ['before', 'after'] : ['inline.req', 'inline.res'];
    resolver.requestMappingTemplate = template(stackName, p, 'Request', `${base}.${before}.vtl`);
    resolver.responseMappingTemplate = template(stackName, p, 'Response', `${base}.${after}.vtl`);
    if (kind === 'PIPELINE') {
      const ids = stacks.resolve(stackName, p.PipelineConfig.Functions);
      resolver.pipelineConfig = {
        functions: ids.map((fid) => {
          const [, fnStack, fnId] = fid.split(':');
          const fp = stacks.resource(fnStack, fnId).Properties;
          if (fp.Code || fp.Runtime) throw new Error(`${fnStack}/${fnId}: not a VTL function`);
          const name = stacks.resolve(fnStack, fp.Name);
          return {
            name,
            requestMappingTemplate: template(fnStack, fp, 'Request', `${name}.req.vtl`),
            responseMappingTemplate: template(fnStack, fp, 'Response', `${name}.res.vtl`),
            dataSource: dataSourceFromCfn(stacks, stacks.resolve(fnStack, fp.DataSourceName)),
          };
        }),
      };
    } else {
      resolver.dataSource = dataSourceFromCfn(stacks, stacks.resolve(stackName, p.DataSourceName));
    }
    out.pipeline(resolver);
  }
}

// ---------------------------------------------------------------------------------------------
// amplify-v2

const AUTH_CONFIG = {
  defaultAuthentication: {
    authenticationType: 'AMAZON_COGNITO_USER_POOLS',
    userPoolConfig: { userPoolId: FAKE.userPoolId },
  },
  additionalAuthenticationProviders: [
    { authenticationType: 'API_KEY', apiKeyConfig: { apiKeyExpirationDays: 7, description: 'corpus' } },
    { authenticationType: 'AWS_IAM' },
    {
      authenticationType: 'OPENID_CONNECT',
      openIDConnectConfig: { name: 'corpus-oidc', issuerUrl: 'https://idp.example.com/', clientId: 'corpus-client' },
    },
    { authenticationType: 'AWS_LAMBDA', lambdaAuthorizerConfig: { lambdaFunction: 'corpus-authorizer', ttlSeconds: 300 } },
  ],
};

// Options a schema asks for on its first lines: `# transform: {"resolverConfig": {...}}`.
function schemaOptions(text) {
  const m = text.match(/^# transform: (.*)$/m);
  return m ? JSON.parse(m[1]) : {};
}

function amplifyV2(req, schemaPath) {
  const { App, Stack, NestedStack, CfnParameter } = req('aws-cdk-lib');
  const { executeTransform } = req('@aws-amplify/graphql-transformer');
  const core = req('@aws-amplify/graphql-transformer-core');
  const { defaultTransformParameters } = req('@aws-amplify/graphql-transformer-core/lib/transformer-context/transform-parameters');

  const schema = fs.readFileSync(schemaPath, 'utf8');
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'corpus-cdk-'));
  try {
    const app = new App({ outdir });
    const root = new Stack(app, 'transformer-root-stack');
    // The Amplify CLI's parameters, as its transform passes them.
    const param = (name, props = { type: 'String' }) => new CfnParameter(root, name, props).valueAsString;
    const synthParameters = {
      amplifyEnvironmentName: param('env', { type: 'String', default: 'NONE' }),
      apiName: param('AppSyncApiName', { type: 'String', default: 'AppSyncSimpleTransform' }),
      authenticatedUserRoleName: param('authRoleName'),
      unauthenticatedUserRoleName: param('unauthRoleName'),
      userPoolId: param('AuthCognitoUserPoolId'),
      identityPoolId: FAKE.identityPoolId,
      adminRoles: FAKE.adminRoles,
    };
    const nested = [];
    const assets = new Map(); // s3 url -> { fileName, fileContent }
    executeTransform({
      schema,
      scope: root,
      nestedStackProvider: {
        provide: (scope, name) => {
          const s = new NestedStack(scope, name);
          nested.push({ name, stack: s });
          return s;
        },
      },
      assetProvider: {
        provide: (scope, name, props) => {
          const hash = crypto.createHash('sha256').update(props.fileContent).digest('hex');
          const key = `${hash}/${props.fileName}`;
          assets.set(`s3://${FAKE.deploymentBucket}/${key}`, props);
          return {
            assetHash: hash,
            httpUrl: `https://${FAKE.deploymentBucket}.s3.${FAKE.region}.${FAKE.urlSuffix}/${key}`,
            s3BucketName: FAKE.deploymentBucket,
            s3ObjectKey: key,
            s3ObjectUrl: `s3://${FAKE.deploymentBucket}/${key}`,
          };
        },
      },
      synthParameters,
      dataSourceStrategies: core.constructDataSourceStrategies(schema, core.DDB_DEFAULT_DATASOURCE_STRATEGY),
      transformParameters: { ...defaultTransformParameters },
      transformersFactoryArgs: {},
      authConfig: AUTH_CONFIG,
      printTransformerLog: (log) => {
        if (log.level === 'ERROR') throw new Error(log.message);
      },
      ...schemaOptions(schema),
    });
    const assembly = app.synth();

    const stacks = new Map([
      ['root', { template: assembly.getStackArtifact(root.artifactId).template, parent: null, resource: null }],
    ]);
    const stackOf = new Map([[root, 'root']]);
    for (const { name, stack } of nested) {
      const parent = stack.nestedStackParent;
      stackOf.set(stack, name);
      stacks.set(name, {
        template: JSON.parse(fs.readFileSync(path.join(assembly.directory, stack.templateFile), 'utf8')),
        parent: stackOf.get(parent),
        resource: parent.resolve(stack.nestedStackResource.logicalId),
      });
    }
    const cfn = new Stacks(stacks, {
      env: FAKE.env,
      AppSyncApiName: FAKE.apiName,
      authRoleName: FAKE.authRoleName,
      unauthRoleName: FAKE.unauthRoleName,
      AuthCognitoUserPoolId: FAKE.userPoolId,
    });

    const out = new Output();
    const fileName = (props) => path.posix.basename(props.fileName);
    for (const props of assets.values()) {
      if (props.fileName.endsWith('.vtl')) out.template(fileName(props), props.fileContent);
      else if (props.fileName === 'schema.graphql') out.extra.set('schema.graphql', props.fileContent);
    }
    resolversFromCfn(cfn, out, (url) => {
      const props = assets.get(url);
      if (!props) throw new Error(`no asset at ${url}`);
      return out.template(fileName(props), props.fileContent);
    });
    return out;
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// rds-v1: the Amplify CLI's `add-graphql-datasource` path with the database answers made up.
// AuroraServerlessMySQLDatabaseReader turns MySQL `DESCRIBE` rows into GraphQL types; we give
// it a client that answers from RDS_TABLES instead of the Data API.

const RDS_TABLES = {
  library: {
    Author: [
      // Field, Type, Null, Key, Default, Extra: as MySQL's DESCRIBE prints them
      ['id', 'int(11)', 'NO', 'PRI', null, 'auto_increment'],
      ['name', 'varchar(100)', 'NO', '', null, ''],
      ['bio', 'text', 'YES', '', null, ''],
      ['born', 'date', 'YES', '', null, ''],
      ['rating', 'decimal(3,1)', 'YES', '', null, ''],
    ],
    Book: [
      ['isbn', 'varchar(13)', 'NO', 'PRI', null, ''],
      ['title', 'varchar(200)', 'NO', '', null, ''],
      ['authorId', 'int(11)', 'NO', 'MUL', null, ''],
      ['pages', 'int(11)', 'YES', '', null, ''],
      ['inPrint', 'tinyint(1)', 'NO', '', '1', ''],
      ['publishedAt', 'datetime', 'YES', '', null, ''],
    ],
  },
};

async function rdsV1(req, database) {
  const rds = req('graphql-relational-schema-transformer');
  const { print } = req('graphql');
  const tables = RDS_TABLES[database];
  const reader = new rds.AuroraServerlessMySQLDatabaseReader(FAKE.region, FAKE.rdsSecretArn, FAKE.rdsClusterArn, database, {});
  reader.setAuroraClient({
    listTables: async () => Object.keys(tables),
    getTableForeignKeyReferences: async () => [],
    describeTable: async (table) =>
      tables[table].map(([Field, Type, Null, Key, Default, Extra]) => ({ Field, Type, Null, Key, Default, Extra })),
  });
  const context = await new rds.RelationalDBSchemaTransformer(reader, database, true).introspectDatabaseSchema();
  const generator = new rds.RelationalDBTemplateGenerator(context);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'corpus-rds-'));
  try {
    const template = generator.addRelationalResolvers(generator.createTemplate(context), dir, true);
    const cfnTemplate = JSON.parse(generator.printCloudformationTemplate(template));
    const cfn = new Stacks(new Map([['root', { template: cfnTemplate, parent: null, resource: null }]]), {
      env: FAKE.env,
      AppSyncApiName: FAKE.apiName,
      AppSyncApiId: FAKE.apiId,
      S3DeploymentBucket: FAKE.deploymentBucket,
      S3DeploymentRootKey: FAKE.deploymentRootKey,
      rdsRegion: FAKE.region,
      rdsClusterIdentifier: FAKE.rdsClusterArn,
      rdsSecretStoreArn: FAKE.rdsSecretArn,
      rdsDatabaseName: database,
    });
    const out = new Output();
    for (const name of fs.readdirSync(dir).sort()) out.template(name, fs.readFileSync(path.join(dir, name), 'utf8'));
    const prefix = `s3://${FAKE.deploymentBucket}/${FAKE.deploymentRootKey}/resolvers/`;
    resolversFromCfn(cfn, out, (url) => {
      if (!url.startsWith(prefix)) throw new Error(`unexpected template location ${url}`);
      const name = url.slice(prefix.length);
      if (!out.templates.has(name)) throw new Error(`no resolver file ${name}`);
      return out.template(name, out.templates.get(name));
    });
    out.extra.set('schema.graphql', print(context.schemaDoc) + '\n');
    return out;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// cdk: aws_appsync.MappingTemplate helpers, each rendered with renderTemplate() into a UNIT
// resolver of a made-up "Dogs" API.

function cdkResolvers(req) {
  const { MappingTemplate: MT, KeyCondition: K, PrimaryKey, Values } = req('aws-cdk-lib').aws_appsync;
  const dogs = {
    type: 'AMAZON_DYNAMODB',
    name: 'DogTable',
    dynamodbConfig: { tableName: `Dog-${FAKE.apiId}-${FAKE.env}`, awsRegion: FAKE.region },
  };
  const lambda = {
    type: 'AWS_LAMBDA',
    name: 'DogLambda',
    lambdaConfig: { lambdaFunctionArn: arn('lambda', 'function:dog-handler') },
  };
  const none = { type: 'NONE', name: 'NoneDataSource' };
  const item = MT.dynamoDbResultItem();
  const list = MT.dynamoDbResultList();
  return {
    dogs: [
      ['Query', 'getDog', MT.dynamoDbGetItem('id', 'id'), item, dogs],
      ['Query', 'getDogConsistent', MT.dynamoDbGetItem('id', 'dogId', true), item, dogs],
      ['Query', 'listDogs', MT.dynamoDbScanTable(), list, dogs],
      ['Query', 'listDogsConsistent', MT.dynamoDbScanTable(true), list, dogs],
      ['Query', 'dogsByOwner', MT.dynamoDbQuery(K.eq('ownerId', 'ownerId')), list, dogs],
      ['Query', 'dogsByNamePrefix', MT.dynamoDbQuery(K.eq('ownerId', 'ownerId').and(K.beginsWith('name', 'prefix')), 'byOwnerName'), list, dogs],
      ['Query', 'dogsBornBetween', MT.dynamoDbQuery(K.eq('ownerId', 'ownerId').and(K.between('born', 'from', 'to')), 'byOwnerBorn', true), list, dogs],
      ['Query', 'dogsYoungerThan', MT.dynamoDbQuery(K.eq('ownerId', 'ownerId').and(K.lt('age', 'age')), 'byOwnerAge'), list, dogs],
      ['Query', 'dogsAtMost', MT.dynamoDbQuery(K.eq('ownerId', 'ownerId').and(K.le('age', 'age')), 'byOwnerAge'), list, dogs],
      ['Query', 'dogsOlderThan', MT.dynamoDbQuery(K.eq('ownerId', 'ownerId').and(K.gt('age', 'age')), 'byOwnerAge'), list, dogs],
      ['Query', 'dogsAtLeast', MT.dynamoDbQuery(K.eq('ownerId', 'ownerId').and(K.ge('age', 'age')), 'byOwnerAge'), list, dogs],
      ['Mutation', 'addDog', MT.dynamoDbPutItem(PrimaryKey.partition('id').auto(), Values.projecting('input')), item, dogs],
      ['Mutation', 'putDog', MT.dynamoDbPutItem(PrimaryKey.partition('id').is('id'), Values.projecting()), item, dogs],
      [
        'Mutation',
        'addLitter',
        MT.dynamoDbPutItem(PrimaryKey.partition('ownerId').is('input.ownerId').sort('id').auto(), Values.projecting('input')),
        item,
        dogs,
      ],
      [
        'Mutation',
        'renameDog',
        MT.dynamoDbPutItem(
          PrimaryKey.partition('ownerId').is('ownerId').sort('id').is('id'),
          Values.attribute('name').is('$ctx.args.newName').attribute('renamedAt').is('$util.time.nowISO8601()'),
        ),
        item,
        dogs,
      ],
      [
        'Mutation',
        'tagDog',
        MT.dynamoDbPutItem(PrimaryKey.partition('id').is('id'), Values.projecting('input').attribute('tag').is('$ctx.args.tag')),
        item,
        dogs,
      ],
      ['Mutation', 'removeDog', MT.dynamoDbDeleteItem('id', 'id'), item, dogs],
      ['Query', 'dogFacts', MT.lambdaRequest(), MT.lambdaResult(), lambda],
      ['Mutation', 'walkDog', MT.lambdaRequest('$util.toJson($ctx.args)', 'Invoke'), MT.lambdaResult(), lambda],
      [
        'Query',
        'serverTime',
        MT.fromString('{"version": "2018-05-29", "payload": {"now": "$util.time.nowISO8601()"}}'),
        MT.fromString('$util.toJson($ctx.result)'),
        none,
      ],
    ],
  };
}

function cdk(req, schema) {
  const out = new Output();
  for (const [typeName, fieldName, request, response, dataSource] of cdkResolvers(req)[schema]) {
    const base = `${typeName}.${fieldName}`;
    out.pipeline({
      kind: 'UNIT',
      typeName,
      fieldName,
      requestMappingTemplate: out.template(`${base}.req.vtl`, request.renderTemplate()),
      responseMappingTemplate: out.template(`${base}.res.vtl`, response.renderTemplate()),
      dataSource,
    });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------

function versions(req) {
  const v = (name) => JSON.parse(fs.readFileSync(req.resolve(`${name}/package.json`), 'utf8')).version;
  return {
    'amplify-v2': [
      '@aws-amplify/graphql-transformer',
      '@aws-amplify/graphql-transformer-core',
      '@aws-amplify/graphql-model-transformer',
      '@aws-amplify/graphql-auth-transformer',
      '@aws-amplify/graphql-index-transformer',
      '@aws-amplify/graphql-relational-transformer',
      '@aws-amplify/graphql-searchable-transformer',
      '@aws-amplify/graphql-function-transformer',
      '@aws-amplify/graphql-http-transformer',
      '@aws-amplify/graphql-validate-transformer',
      '@aws-amplify/graphql-default-value-transformer',
      'aws-cdk-lib',
    ].map((n) => `${n} ${v(n)}`),
    'rds-v1': ['graphql-relational-schema-transformer'].map((n) => `${n} ${v(n)}`),
    cdk: ['aws-cdk-lib'].map((n) => `${n} ${v(n)}`),
  };
}

function readme(template, counts, vers) {
  const rows = [];
  for (const g of GENERATORS) {
    for (const [schema, c] of Object.entries(counts[g])) {
      rows.push(`| ${g} | ${schema} | ${c.templates} | ${c.pipelines} |`);
    }
  }
  const fake = Object.entries(FAKE).map(([k, v]) => `| ${k} | \`${Array.isArray(v) ? JSON.stringify(v) : v}\` |`);
  return template
    .replace('{{VERSIONS}}', GENERATORS.map((g) => `- ${g}: ${vers[g].join(', ')}`).join('\n'))
    .replace('{{COUNTS}}', ['| generator | schema | templates | pipelines |', '| --- | --- | --- | --- |', ...rows].join('\n'))
    .replace('{{FAKE}}', ['| name | value |', '| --- | --- |', ...fake].join('\n'));
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const req = createRequire(path.join(path.dirname(opts.modules), 'package.json'));
  const here = __dirname;
  const schemas = fs
    .readdirSync(path.join(here, 'schemas'))
    .filter((f) => f.endsWith('.graphql'))
    .sort()
    .map((f) => f.replace(/\.graphql$/, ''));
  const jobs = {
    'amplify-v2': schemas.map((s) => [s, () => amplifyV2(req, path.join(here, 'schemas', `${s}.graphql`))]),
    'rds-v1': Object.keys(RDS_TABLES).map((db) => [db, () => rdsV1(req, db)]),
    cdk: Object.keys(cdkResolvers(req)).map((s) => [s, () => cdk(req, s)]),
  };
  const counts = {};
  for (const g of GENERATORS) {
    const dir = path.join(opts.out, g);
    fs.rmSync(dir, { recursive: true, force: true });
    counts[g] = {};
    for (const [schema, run] of jobs[g]) {
      const c = (counts[g][schema] = (await run()).write(path.join(dir, schema)));
      console.error(`${g}/${schema}: ${c.templates} templates, ${c.pipelines} pipelines`);
    }
  }
  const template = fs.readFileSync(path.join(here, 'fixtures-readme.md'), 'utf8');
  fs.writeFileSync(path.join(opts.out, 'README.md'), readme(template, counts, versions(req)));
}

main().catch((e) => {
  console.error(e && e.stack ? e.stack : e);
  process.exit(1);
});
