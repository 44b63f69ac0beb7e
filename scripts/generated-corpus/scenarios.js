// The scenarios cases.js runs every generated resolver in: who calls (CALLERS), with which
// arguments, and what the data sources hold (the stored items of each schema, STORES). The
// arguments follow the generated schema.graphql; the answers of the data sources follow from
// the stored items (answers.js), so one table per schema serves every resolver of it.
//
// A scenario: {name, caller, args, source?, fail?, http?, lambda?, headers?}; its name is the
// caller's, or a variant's name ("filter-limit", "sort-key-between"...) run by the resolver's
// main caller (the owner of the first stored item).
'use strict';

// ---------------------------------------------------------------------------------------------
// Callers: $ctx.identity as AppSync builds it for each authorization mode (see the developer
// guide's resolver context reference), and the request headers a client sends with it.

const COGNITO_ISS = 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEfGhI';
const OIDC_ISS = 'https://idp.example.com/';
const CLIENT_ID = '5k2j7h1g3f9d8s6a4q0w2e4r6t';
const POOL = 'us-east-1:00000000-1111-4222-8333-444444444444';
const IAT = 1517943600; // 2018-02-06T19:00:00Z, shortly before the pinned clock

const PEOPLE = {
  alice: { sub: '4f6b2d1e-8c3a-4e57-9b0d-2a1c5e7f9d31', username: 'alice', email: 'alice@example.com' },
  bob: { sub: '9a3c7e21-5b4d-4f68-8e1a-7c2b9d0e4f56', username: 'bob', email: 'bob@example.com' },
  carol: { sub: 'd2e8f4a6-1c3b-4d5e-9f7a-8b6c4d2e0f13', username: 'carol', email: 'carol@example.com', groups: ['Admin'] },
  dave: {
    sub: '6e0a9b8c-7d6e-4f5a-8b4c-3d2e1f0a9b87',
    username: 'dave',
    email: 'dave@example.com',
    claims: { 'custom:groups': '["Team1","Readers"]' },
  },
  erin: { sub: '1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e', username: 'erin', email: 'erin@example.com', claims: { 'custom:group': 'Team1' } },
};

// The value an owner field holds for a person under Amplify's default identityClaim.
const ownerOf = (who) => `${PEOPLE[who].sub}::${PEOPLE[who].username}`;

function headers(extra) {
  return {
    accept: '*/*',
    'content-type': 'application/json; charset=UTF-8',
    host: 'abcdefghijklmnopqrstuvwxyz.appsync-api.us-east-1.amazonaws.com',
    'user-agent': 'aws-amplify/6.0.0 api/1 framework/2',
    'x-forwarded-for': '203.0.113.7',
    ...extra,
  };
}

const JWT = 'eyJraWQiOiJjb3JwdXMiLCJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJjb3JwdXMifQ.c2lnbmF0dXJl';

// A Cognito user pool caller with an ID token (cognito:username), or an access token
// (`username`, no email) with `access: true`; `drop` removes claims.
function cognito(who, { access = false, drop = [] } = {}) {
  const p = PEOPLE[who];
  const claims = access
    ? {
        sub: p.sub,
        iss: COGNITO_ISS,
        client_id: CLIENT_ID,
        origin_jti: 'b8d1f5a2-0c3e-4f6a-9b7d-2e4c6a8f0b1d',
        event_id: 'c7e2a4b6-1d3f-4a5c-8e7b-9f0a1b2c3d4e',
        token_use: 'access',
        scope: 'aws.cognito.signin.user.admin',
        auth_time: IAT,
        exp: IAT + 3600,
        iat: IAT,
        jti: 'f1e2d3c4-b5a6-4978-8a9b-0c1d2e3f4a5b',
        username: p.username,
      }
    : {
        sub: p.sub,
        email_verified: true,
        iss: COGNITO_ISS,
        'cognito:username': p.username,
        origin_jti: 'b8d1f5a2-0c3e-4f6a-9b7d-2e4c6a8f0b1d',
        aud: CLIENT_ID,
        event_id: 'c7e2a4b6-1d3f-4a5c-8e7b-9f0a1b2c3d4e',
        token_use: 'id',
        auth_time: IAT,
        exp: IAT + 3600,
        iat: IAT,
        jti: 'f1e2d3c4-b5a6-4978-8a9b-0c1d2e3f4a5b',
        email: p.email,
      };
  if (p.groups) claims['cognito:groups'] = p.groups;
  Object.assign(claims, p.claims);
  for (const c of drop) delete claims[c];
  return {
    authMode: 'AMAZON_COGNITO_USER_POOLS',
    identity: {
      sub: claims.sub || p.sub,
      issuer: COGNITO_ISS,
      username: p.username,
      claims,
      sourceIp: ['203.0.113.7'],
      defaultAuthStrategy: 'ALLOW',
      groups: p.groups || null,
    },
    headers: headers({ authorization: JWT }),
  };
}

function oidc(sub, extra) {
  return {
    authMode: 'OPENID_CONNECT',
    identity: { sub, issuer: OIDC_ISS, claims: { sub, iss: OIDC_ISS, aud: 'corpus-client', iat: IAT, exp: IAT + 3600, ...extra } },
    headers: headers({ authorization: JWT }),
  };
}

function iam(role, authType) {
  const cognitoRole = authType !== null;
  return {
    authMode: 'AWS_IAM',
    identity: {
      accountId: '123456789012',
      cognitoIdentityPoolId: cognitoRole ? POOL : null,
      cognitoIdentityId: cognitoRole ? 'us-east-1:7d9e1f3a-5b7c-4d9e-8f1a-3b5c7d9e1f3a' : null,
      sourceIp: ['203.0.113.9'],
      username: cognitoRole ? 'AROAQXPLEROLEID1234:CognitoIdentityCredentials' : 'AROAQXPLEADMINID5678:corpus-admin-session',
      userArn: `arn:aws:sts::123456789012:assumed-role/${role}`,
      cognitoIdentityAuthType: authType,
      cognitoIdentityAuthProvider:
        authType === 'authenticated'
          ? `"cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEfGhI","cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEfGhI:CognitoSignIn:${PEOPLE.alice.sub}"`
          : null,
    },
    headers: headers({
      authorization: 'AWS4-HMAC-SHA256 Credential=ASIAQXPLEKEY/20180206/us-east-1/appsync/aws4_request',
      'x-amz-date': '20180206T190135Z',
    }),
  };
}

const CALLERS = {
  owner: cognito('alice'),
  'owner-access-token': cognito('alice', { access: true }),
  'other-user': cognito('bob'),
  'admin-group': cognito('carol'),
  'missing-claims': cognito('alice', { drop: ['cognito:username', 'email'] }),
  'team-reader': cognito('dave'),
  'team-member': cognito('erin'),
  'api-key': { authMode: 'API_KEY', identity: null, headers: headers({ 'x-api-key': 'da2-corpusfakeapikey000000000' }) },
  'iam-auth-role': iam('amplify-corpus-NONE-authRole/CognitoIdentityCredentials', 'authenticated'),
  'iam-unauth-role': iam('amplify-corpus-NONE-unauthRole/CognitoIdentityCredentials', 'unauthenticated'),
  'iam-admin-role': iam('corpus-admin-role/corpus-admin-session', null),
  lambda: {
    authMode: 'AWS_LAMBDA',
    identity: { resolverContext: { userId: 'alice', tenant: 'acme', scopes: 'products:read products:write' } },
    headers: headers({ authorization: 'custom-token-alice' }),
  },
  oidc: oidc('auth0|5f1e9a7c3b2d1e0f4a6b8c9d', { 'custom:tenantUser': 'acme#frank', email: 'frank@example.com' }),
  'oidc-support': oidc('auth0|7a8b9c0d1e2f3a4b5c6d7e8f', {
    'custom:tenantUser': 'acme#grace',
    'custom:roles': ['Support'],
    email: 'grace@example.com',
  }),
  'oidc-accounting': oidc('auth0|2c3d4e5f6a7b8c9d0e1f2a3b', { groups: ['Accounting'], email: 'henry@example.com' }),
  'oidc-admin': oidc('auth0|9f8e7d6c5b4a3f2e1d0c9b8a', { groups: ['Admin'], email: 'ivy@example.com' }),
};

// ---------------------------------------------------------------------------------------------
// What each schema's tables hold, and the arguments of its model operations.

const T0 = '2018-01-15T09:30:00.000Z';
const T1 = '2018-01-20T16:45:10.000Z';
const HOUR = 3600 * 1000;
const NOW_MS = Date.parse('2018-02-06T19:01:35.758Z');
const stamped = (typename, item) => ({ ...item, createdAt: item.createdAt || T0, updatedAt: T1, __typename: typename });
const synced = (typename, item, version, changedAgo) => ({
  ...stamped(typename, item),
  _version: version,
  _lastChangedAt: NOW_MS - changedAgo,
  _deleted: null,
});

// Per model: `callers` (the first owns the first item), `items`, `key` (when not `id`),
// `create` / `update` / `delete` inputs, a list `filter`, `index` (query field -> [partition key,
// value, sort key, [low, high], prefix]), subscription `owners` (when not the default owner
// values) and `variants`: extra scenarios per operation, [name, arguments, caller?, extra?],
// run by the first caller unless they name one. One model per schema is `full`: it also gets
// the generic variants (missing items, failed conditions, filters, pages, owner arguments) and
// every caller on every subscription; the others show their callers.
const STORES = {
  access: {
    Product: {
      full: true,
      callers: [
        'owner',
        'other-user',
        'admin-group',
        'api-key',
        'iam-auth-role',
        'iam-unauth-role',
        'iam-admin-role',
        'lambda',
        'oidc',
        'missing-claims',
      ],
      items: [
        stamped('Product', {
          id: 'b7c3a1e2-5d4f-4a8b-9c6e-1f2a3b4c5d6e',
          sku: 'LAMP-001',
          name: 'Desk lamp',
          price: 39.5,
          cost: 12.25,
          owner: ownerOf('alice'),
        }),
        stamped('Product', {
          id: 'e4f5a6b7-c8d9-4e0f-8a1b-2c3d4e5f6a7b',
          sku: 'CHAIR-014',
          name: 'Office chair',
          price: 149,
          cost: 80.4,
          owner: ownerOf('bob'),
        }),
      ],
      create: { sku: 'MUG-220', name: 'Coffee mug', price: 12.5 },
      update: { name: 'Desk lamp (brass)', price: 42 },
      filter: { price: { lt: 100 }, name: { beginsWith: 'Desk' } },
      variants: {
        create: [
          ['cost-not-allowed', { input: { sku: 'MUG-221', name: 'Tea mug', price: 11, cost: 3.1 } }],
          ['cost-by-admin', { input: { sku: 'MUG-222', name: 'Espresso cup', price: 9, cost: 2.2 } }, 'admin-group'],
        ],
        update: [['cost-not-allowed', { input: { id: 'b7c3a1e2-5d4f-4a8b-9c6e-1f2a3b4c5d6e', cost: 10 } }]],
      },
    },
    Inventory: {
      callers: ['iam-auth-role', 'lambda', 'iam-unauth-role', 'iam-admin-role', 'owner', 'api-key'],
      key: ['warehouseID', 'productID', 'bin'],
      items: [
        stamped('Inventory', { warehouseID: 'wh-berlin', productID: 'b7c3a1e2-5d4f-4a8b-9c6e-1f2a3b4c5d6e', bin: 'A-01', quantity: 40 }),
        stamped('Inventory', { warehouseID: 'wh-berlin', productID: 'b7c3a1e2-5d4f-4a8b-9c6e-1f2a3b4c5d6e', bin: 'A-02', quantity: 12 }),
        stamped('Inventory', { warehouseID: 'wh-berlin', productID: 'e4f5a6b7-c8d9-4e0f-8a1b-2c3d4e5f6a7b', bin: 'B-07', quantity: 5 }),
        stamped('Inventory', { warehouseID: 'wh-lisbon', productID: 'e4f5a6b7-c8d9-4e0f-8a1b-2c3d4e5f6a7b', bin: 'C-03', quantity: 31 }),
      ],
      create: { warehouseID: 'wh-lisbon', productID: 'b7c3a1e2-5d4f-4a8b-9c6e-1f2a3b4c5d6e', bin: 'C-04', quantity: 8 },
      update: { quantity: 39 },
      filter: { quantity: { gt: 10 } },
      variants: {
        list: compositeKeyVariants('wh-berlin', 'productIDBin', [
          { productID: 'b7c3a1e2-5d4f-4a8b-9c6e-1f2a3b4c5d6e', bin: 'A-01' },
          { productID: 'e4f5a6b7-c8d9-4e0f-8a1b-2c3d4e5f6a7b', bin: 'B-07' },
        ]),
      },
    },
  },
  blog: {
    Blog: {
      callers: ['owner', 'other-user', 'api-key'],
      items: [
        stamped('Blog', {
          id: '0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f',
          name: 'Field notes',
          status: 'PUBLISHED',
          blogSettingsId: '5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b',
          owner: ownerOf('alice'),
        }),
        stamped('Blog', { id: '8f9a0b1c-2d3e-4f4a-9b5c-6d7e8f9a0b1c', name: 'Bob builds', status: 'DRAFT', owner: ownerOf('bob') }),
      ],
      create: { name: 'Weekend cooking' },
      update: { name: 'Field notes, revised' },
      filter: { status: { eq: 'PUBLISHED' } },
      variants: { create: [['with-status', { input: { name: 'Weekend cooking', status: 'PUBLISHED' } }]] },
    },
    BlogSettings: {
      callers: ['owner', 'other-user', 'api-key'],
      items: [
        stamped('BlogSettings', {
          id: '5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b',
          theme: 'dark',
          blogSettingsBlogId: '0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f',
          owner: ownerOf('alice'),
        }),
      ],
      create: { blogSettingsBlogId: '0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f' },
      update: { theme: 'solarized' },
    },
    Post: {
      full: true,
      callers: ['owner', 'other-user', 'api-key', 'owner-access-token'],
      items: [
        stamped('Post', {
          id: '3a4b5c6d-7e8f-4a9b-8c0d-1e2f3a4b5c6d',
          title: 'Hello, world',
          blogID: '0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f',
          publishedAt: '2018-01-16T08:00:00.000Z',
          rating: 4,
          owner: ownerOf('alice'),
        }),
        stamped('Post', {
          id: '7b8c9d0e-1f2a-4b3c-9d4e-5f6a7b8c9d0e',
          title: 'Second thoughts',
          blogID: '0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f',
          publishedAt: '2018-02-01T12:00:00.000Z',
          rating: 3,
          owner: ownerOf('alice'),
        }),
        stamped('Post', {
          id: '2d3e4f5a-6b7c-4d8e-9f0a-1b2c3d4e5f6a',
          title: 'Framing a wall',
          blogID: '8f9a0b1c-2d3e-4f4a-9b5c-6d7e8f9a0b1c',
          publishedAt: '2018-01-25T17:30:00.000Z',
          rating: 5,
          owner: ownerOf('bob'),
        }),
      ],
      create: { title: 'Third time lucky', blogID: '0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f', publishedAt: '2018-02-06T19:00:00.000Z' },
      update: { title: 'Hello, world (updated)', rating: 5 },
      filter: { rating: { ge: 4 } },
      variants: {
        create: [
          [
            'owner-of-someone-else',
            {
              input: {
                title: 'Ghost post',
                blogID: '0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f',
                publishedAt: '2018-02-06T19:00:00.000Z',
                owner: ownerOf('bob'),
              },
            },
          ],
        ],
        update: [
          ['condition-not-met', { input: { id: '3a4b5c6d-7e8f-4a9b-8c0d-1e2f3a4b5c6d', title: 'Hello again' }, condition: { rating: { gt: 4 } } }],
        ],
      },
      index: {
        postsByBlog: [
          'blogID',
          '0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f',
          'publishedAt',
          ['2018-01-01T00:00:00.000Z', '2018-01-31T23:59:59.999Z'],
          '2018-01',
        ],
      },
    },
    Comment: {
      callers: ['owner', 'other-user', 'api-key'],
      items: [
        stamped('Comment', {
          id: '6c7d8e9f-0a1b-4c2d-8e3f-4a5b6c7d8e9f',
          postID: '3a4b5c6d-7e8f-4a9b-8c0d-1e2f3a4b5c6d',
          createdAt: '2018-01-17T10:00:00.000Z',
          content: 'Thanks for reading!',
          owner: ownerOf('alice'),
        }),
        stamped('Comment', {
          id: '9d0e1f2a-3b4c-4d5e-8f6a-7b8c9d0e1f2a',
          postID: '3a4b5c6d-7e8f-4a9b-8c0d-1e2f3a4b5c6d',
          createdAt: '2018-01-18T11:15:00.000Z',
          content: 'Nice post.',
          owner: ownerOf('bob'),
        }),
      ],
      create: { postID: '3a4b5c6d-7e8f-4a9b-8c0d-1e2f3a4b5c6d', content: 'One more thing', createdAt: '2018-02-06T19:01:00.000Z' },
      update: { content: 'Thanks for reading! (edited)' },
      index: {
        commentsByPostIDAndCreatedAt: [
          'postID',
          '3a4b5c6d-7e8f-4a9b-8c0d-1e2f3a4b5c6d',
          'createdAt',
          ['2018-01-17T00:00:00.000Z', '2018-01-17T23:59:59.999Z'],
          '2018-01-1',
        ],
      },
    },
    Tag: {
      callers: ['owner', 'api-key', 'iam-unauth-role'],
      items: [
        stamped('Tag', { id: 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d', label: 'rust' }),
        stamped('Tag', { id: 'b2c3d4e5-f6a7-4b8c-9d0e-1f2a3b4c5d6e', label: 'appsync' }),
      ],
      create: { label: 'graphql' },
      update: { label: 'rustlang' },
    },
    PostTags: {
      callers: ['owner', 'other-user', 'api-key'],
      items: [
        stamped('PostTags', {
          id: 'c3d4e5f6-a7b8-4c9d-8e0f-1a2b3c4d5e6f',
          postId: '3a4b5c6d-7e8f-4a9b-8c0d-1e2f3a4b5c6d',
          tagId: 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d',
          owner: ownerOf('alice'),
        }),
        stamped('PostTags', {
          id: 'd4e5f6a7-b8c9-4d0e-9f1a-2b3c4d5e6f7a',
          postId: '3a4b5c6d-7e8f-4a9b-8c0d-1e2f3a4b5c6d',
          tagId: 'b2c3d4e5-f6a7-4b8c-9d0e-1f2a3b4c5d6e',
          owner: ownerOf('alice'),
        }),
      ],
      create: { postId: '7b8c9d0e-1f2a-4b3c-9d4e-5f6a7b8c9d0e', tagId: 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d' },
      update: { tagId: 'b2c3d4e5-f6a7-4b8c-9d0e-1f2a3b4c5d6e' },
      index: {
        postTagsByPostId: ['postId', '3a4b5c6d-7e8f-4a9b-8c0d-1e2f3a4b5c6d'],
        postTagsByTagId: ['tagId', 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d'],
      },
    },
  },
  datastore: {
    TodoList: {
      callers: ['owner', 'other-user', 'admin-group', 'api-key'],
      items: [
        synced('TodoList', { id: 'f0e1d2c3-b4a5-4968-8776-655443322110', name: 'Groceries', owner: ownerOf('alice') }, 3, HOUR),
        synced('TodoList', { id: 'e1d2c3b4-a596-4877-8665-544332211009', name: 'Garage', owner: ownerOf('bob') }, 1, 30 * HOUR),
      ],
      create: { name: 'Holiday packing' },
      update: { name: 'Groceries for Sunday', _version: 3 },
      delete: { _version: 3 },
      variants: { update: [['stale-version', { input: { id: 'f0e1d2c3-b4a5-4968-8776-655443322110', name: 'Groceries (old copy)', _version: 2 } }]] },
    },
    Todo: {
      full: true,
      callers: ['owner', 'other-user', 'admin-group', 'api-key'],
      items: [
        synced(
          'Todo',
          {
            id: '11aa22bb-33cc-44dd-85ee-66ff77008899',
            listID: 'f0e1d2c3-b4a5-4968-8776-655443322110',
            dueAt: '2018-02-07T18:00:00.000Z',
            title: 'Buy milk',
            done: false,
            owner: ownerOf('alice'),
          },
          2,
          2 * HOUR,
        ),
        synced(
          'Todo',
          {
            id: '22bb33cc-44dd-45ee-96ff-77008899aa11',
            listID: 'f0e1d2c3-b4a5-4968-8776-655443322110',
            dueAt: '2018-02-09T09:00:00.000Z',
            title: 'Buy bread',
            done: true,
            owner: ownerOf('alice'),
          },
          5,
          40 * HOUR,
        ),
        synced(
          'Todo',
          {
            id: '33cc44dd-55ee-46ff-8700-8899aa11bb22',
            listID: 'e1d2c3b4-a596-4877-8665-544332211009',
            dueAt: '2018-02-10T10:00:00.000Z',
            title: 'Sweep the floor',
            done: false,
            owner: ownerOf('bob'),
          },
          1,
          3 * HOUR,
        ),
      ],
      create: { listID: 'f0e1d2c3-b4a5-4968-8776-655443322110', dueAt: '2018-02-08T12:00:00.000Z', title: 'Buy eggs' },
      update: { done: true, _version: 2 },
      delete: { _version: 2 },
      index: {
        todosByList: [
          'listID',
          'f0e1d2c3-b4a5-4968-8776-655443322110',
          'dueAt',
          ['2018-02-07T00:00:00.000Z', '2018-02-08T00:00:00.000Z'],
          '2018-02-0',
        ],
      },
    },
  },
  groups: {
    Report: {
      full: true,
      callers: ['admin-group', 'team-reader', 'team-member', 'other-user', 'oidc-admin', 'api-key'],
      items: [
        stamped('Report', {
          id: '44dd55ee-66ff-4700-8811-99aa00bb11cc',
          title: 'Q1 results',
          readerGroups: ['Readers', 'Board'],
          teamGroup: 'Team1',
          score: 87,
        }),
        stamped('Report', { id: '55ee66ff-7700-4811-9922-aa00bb11cc22', title: 'Hiring plan', readerGroups: ['HR'], teamGroup: 'Team2', score: 55 }),
      ],
      create: { title: 'Q2 forecast', readerGroups: ['Readers'], teamGroup: 'Team1', score: 70 },
      update: { title: 'Q1 results (final)', score: 91 },
      filter: { score: { gt: 60 } },
      variants: {
        update: [['team-member-updates', { input: { id: '44dd55ee-66ff-4700-8811-99aa00bb11cc', score: 90 } }, 'team-member']],
        get: [['team-member-other-team', { id: '55ee66ff-7700-4811-9922-aa00bb11cc22' }, 'team-member']],
      },
    },
    Invoice: {
      callers: ['owner', 'oidc-accounting', 'oidc-admin', 'other-user', 'api-key'],
      items: [
        stamped('Invoice', {
          id: '66ff7700-8811-4922-8a33-bb11cc22dd33',
          customer: 'Acme Corp',
          amount: 1250.75,
          approvedBy: 'ivy',
          owner: ownerOf('alice'),
        }),
        stamped('Invoice', { id: '77008811-9922-4a33-9b44-cc22dd33ee44', customer: 'Globex', amount: 980, owner: ownerOf('bob') }),
      ],
      create: { customer: 'Initech', amount: 420.5 },
      update: { amount: 1300 },
      variants: { update: [['approved-by-not-allowed', { input: { id: '66ff7700-8811-4922-8a33-bb11cc22dd33', approvedBy: 'alice' } }]] },
    },
  },
  owners: {
    Note: {
      full: true,
      callers: ['owner', 'other-user', 'admin-group', 'missing-claims', 'api-key', 'iam-admin-role'],
      items: [
        stamped('Note', {
          id: '88119922-aa33-4b44-8c55-dd33ee44ff55',
          author: ownerOf('alice'),
          editors: ['bob'],
          title: 'Meeting notes',
          body: 'Agenda: budget, hiring.',
          draft: 'Ask about the offsite',
        }),
        stamped('Note', {
          id: '9922aa33-bb44-4c55-9d66-ee44ff550066',
          author: ownerOf('bob'),
          editors: [],
          title: 'Shopping list',
          body: 'Nails, glue',
        }),
      ],
      create: { title: 'Ideas', body: 'Rewrite the parser' },
      update: { body: 'Agenda: budget, hiring, offsite.' },
      variants: {
        update: [['editor-changes-author', { input: { id: '88119922-aa33-4b44-8c55-dd33ee44ff55', author: ownerOf('bob') } }, 'other-user']],
        create: [['with-editors', { input: { title: 'Shared plan', editors: ['bob', 'carol'] } }]],
      },
    },
    Ticket: {
      callers: ['oidc', 'oidc-support', 'owner', 'api-key'],
      items: [
        stamped('Ticket', {
          id: 'aa33bb44-cc55-4d66-8e77-ff5500661177',
          reporter: 'acme#frank',
          title: 'Printer jam',
          priority: 2,
          internalNote: 'Replace the fuser unit',
        }),
        stamped('Ticket', { id: 'bb44cc55-dd66-4e77-9f88-005566117788', reporter: 'acme#grace', title: 'VPN drops', priority: 1 }),
      ],
      create: { title: 'Monitor flickers', priority: 3 },
      update: { priority: 1 },
      // Subscription owner arguments: the caller's own value and another reporter's.
      owners: ['acme#frank', 'acme#grace'],
    },
    Task: {
      callers: ['owner', 'other-user', 'admin-group', 'api-key'],
      items: [
        stamped('Task', { id: 'cc55dd66-ee77-4f88-8099-1166227788aa', title: 'Write the report', done: false, priority: 1, owner: ownerOf('alice') }),
        stamped('Task', { id: 'dd66ee77-ff88-4099-91aa-2277889900bb', title: 'Book the venue', done: true, priority: 2, owner: ownerOf('bob') }),
      ],
      create: { title: 'Call the plumber', priority: 2 },
      update: { done: true },
      filter: { done: { eq: false } },
    },
  },
  services: {
    Article: {
      full: true,
      callers: ['owner', 'other-user', 'api-key', 'iam-admin-role'],
      items: [
        stamped('Article', {
          id: 'ee778899-0011-4a22-8b33-44cc55dd66ee',
          title: 'Getting started',
          body: 'Install the CLI, then run init.',
          slug: 'getting-started',
          views: 120,
          score: 4.5,
          owner: ownerOf('alice'),
        }),
        stamped('Article', {
          id: 'ff889900-1122-4b33-9c44-55dd66ee77ff',
          title: 'Advanced queries',
          body: 'Indexes and filters.',
          slug: 'advanced-queries',
          views: 42,
          score: 3.8,
          owner: ownerOf('bob'),
        }),
      ],
      create: { title: 'Release notes', body: 'Bug fixes.', slug: 'release-notes', score: 2.5 },
      update: { views: 121 },
      variants: {
        create: [
          ['title-too-short', { input: { title: 'Hi', slug: 'hi' } }],
          ['slug-not-matching', { input: { title: 'Release notes', slug: 'Release Notes!' } }],
          ['views-negative', { input: { title: 'Release notes', views: -1 } }],
          ['score-too-high', { input: { title: 'Release notes', score: 100.5 } }],
        ],
        update: [['score-too-high', { input: { id: 'ee778899-0011-4a22-8b33-44cc55dd66ee', score: 120 } }]],
      },
    },
  },
};

// The sort-key conditions of a composite sort key (warehouseID + productID#bin).
function compositeKeyVariants(pk, arg, [lo, hi]) {
  return [
    ['partition-only', { warehouseID: pk }],
    ...['eq', 'le', 'lt', 'ge', 'gt'].map((op) => [`sort-key-${op}`, { warehouseID: pk, [arg]: { [op]: lo } }]),
    ['sort-key-between', { warehouseID: pk, [arg]: { between: [lo, hi] } }],
    ['sort-key-begins-with', { warehouseID: pk, [arg]: { beginsWith: { productID: lo.productID } } }],
    ['sort-key-between-one-bound', { warehouseID: pk, [arg]: { between: [lo] } }],
    ['sort-direction-desc', { warehouseID: pk, sortDirection: 'DESC', limit: 2 }],
  ];
}

// ---------------------------------------------------------------------------------------------
// The schema: what kind of resolver a field has, and its GraphQL info ($ctx.info).

const typeName = (t) => (t.kind === 'NamedType' ? t.name.value : typeName(t.type));

class Schema {
  constructor(doc) {
    this.types = new Map();
    for (const d of doc.definitions) {
      if (d.fields) {
        const seen = this.types.get(d.name.value);
        this.types.set(d.name.value, seen ? { ...seen, fields: [...seen.fields, ...d.fields] } : d);
      }
    }
  }

  field(type, name) {
    const t = this.types.get(type);
    return t && t.fields.find((f) => f.name.value === name);
  }

  isObject(name) {
    const t = this.types.get(name);
    return Boolean(t && t.kind === 'ObjectTypeDefinition');
  }

  // selectionSetList / selectionSetGraphQL of a query that asks for every scalar field (and a
  // connection's items and nextToken), as a client's generated query would.
  selection(type) {
    const scalars = (name) =>
      this.types
        .get(name)
        .fields.filter((f) => !this.isObject(typeName(f.type)))
        .map((f) => f.name.value);
    const t = this.types.get(type);
    if (!t || !this.isObject(type)) return { list: [], graphql: '' };
    const items = t.fields.find((f) => f.name.value === 'items');
    if (items) {
      const fields = scalars(typeName(items.type));
      const rest = scalars(type);
      return {
        list: ['items', ...fields.map((f) => `items/${f}`), ...rest],
        graphql: `{\n  items {\n    ${fields.join('\n    ')}\n  }\n  ${rest.join('\n  ')}\n}`,
      };
    }
    const fields = scalars(type);
    return { list: fields, graphql: `{\n  ${fields.join('\n  ')}\n}` };
  }

  info(parentTypeName, fieldName) {
    const f = this.field(parentTypeName, fieldName);
    const s = f ? this.selection(typeName(f.type)) : { list: [], graphql: '' };
    return { fieldName, parentTypeName, variables: {}, selectionSetList: s.list, selectionSetGraphQL: s.graphql };
  }
}

// ---------------------------------------------------------------------------------------------
// Scenarios per resolver

const keyOf = (store, item) => Object.fromEntries((store.key || ['id']).map((k) => [k, item[k]]));

function scenario(name, caller, args, extra = {}) {
  if (!CALLERS[caller]) throw new Error(`unknown caller ${caller}`);
  return { name, caller, args, ...extra };
}

// The callers' scenarios with the same arguments, then the variants (by the main caller unless
// a variant names its own).
function withCallers(callers, args, variants = [], extra = {}) {
  return [
    ...callers.map((c) => scenario(c, c, args, extra)),
    ...variants.map(([name, a, caller, more]) => scenario(name, caller || callers[0], a, { ...extra, ...more })),
  ];
}

// The sort-key conditions of an index query or hasMany field, on one sort key.
function sortKeyVariants(base, sk, [lo, hi], prefix) {
  if (!sk) return [];
  return [
    ...['eq', 'le', 'lt', 'ge', 'gt'].map((op) => [`sort-key-${op}`, { ...base, [sk]: { [op]: op === 'eq' ? lo : hi } }]),
    ['sort-key-between', { ...base, [sk]: { between: [lo, hi] } }],
    ['sort-key-begins-with', { ...base, [sk]: { beginsWith: prefix } }],
  ];
}

function modelScenarios(schema, modelName, op, field) {
  const store = STORES[schema][modelName];
  const [first] = store.items;
  const only = (list) => (store.full ? list : []);
  const v = (store.variants || {})[op] || [];
  const callers = store.callers;
  const missing = { ...keyOf(store, first), [store.key ? 'bin' : 'id']: 'does-not-exist' };
  const failing = (operation) => ({
    fail: { operation, message: 'The conditional request failed', type: 'DynamoDB:ConditionalCheckFailedException' },
  });
  switch (op) {
    case 'get':
      return withCallers(callers, keyOf(store, first), [...only([['missing-item', missing]]), ...v]);
    case 'list':
      return withCallers(callers, {}, [
        ...only([
          ['filter-limit', { filter: store.filter || { id: { ne: 'does-not-exist' } }, limit: 2 }],
          ['next-token', { limit: 1, nextToken: Buffer.from(JSON.stringify({ offset: 1 })).toString('base64') }],
        ]),
        ...v,
      ]);
    case 'sync':
      return withCallers(callers.slice(0, 3), {}, [
        ['last-sync-recent', { lastSync: NOW_MS - 3 * HOUR }],
        ...only([
          ['last-sync-expired', { lastSync: NOW_MS - 3 * 24 * HOUR }],
          [
            'filter-by-index',
            { filter: { and: [{ listID: { eq: first.listID } }, { dueAt: { ge: '2018-02-01T00:00:00.000Z' } }, { done: { eq: false } }] } },
          ],
          ['filter-by-index-recent', { lastSync: NOW_MS - 3 * HOUR, filter: { and: [{ listID: { eq: first.listID } }] } }],
          ['next-token', { limit: 1, nextToken: Buffer.from(JSON.stringify({ offset: 1 })).toString('base64') }],
        ]),
      ]);
    case 'create':
      return withCallers(callers, { input: { ...store.create } }, [
        ...only([
          ['with-id', { input: { id: '12ab34cd-56ef-4a78-9b01-23cd45ef6789', ...store.create } }],
          ['existing-id', { input: { ...keyOf(store, first), ...store.create } }],
        ]),
        ...v,
      ]);
    case 'update':
      return withCallers(callers, { input: { ...keyOf(store, first), ...store.update } }, [
        ...only([
          ['missing-item', { input: { ...missing, ...store.update } }],
          ['conditional-check-failed', { input: { ...keyOf(store, first), ...store.update } }, null, failing('UpdateItem')],
        ]),
        ...v,
      ]);
    case 'delete':
      return withCallers(callers, { input: { ...keyOf(store, first), ...store.delete } }, [
        ...only([
          ['missing-item', { input: missing }],
          ['conditional-check-failed', { input: { ...keyOf(store, first), ...store.delete } }, null, failing('DeleteItem')],
        ]),
      ]);
    case 'subscribe': {
      const ownerArg = (field.arguments || []).map((a) => a.name.value).find((a) => a !== 'filter');
      const [self, other] = store.owners || [ownerOf('alice'), ownerOf('bob')];
      const ownerVariants = ownerArg
        ? [
            ['owner-argument-self', { [ownerArg]: self }],
            ['owner-argument-username', { [ownerArg]: 'alice' }],
            ['owner-argument-other', { [ownerArg]: other }],
          ]
        : [];
      if (!field.name.value.startsWith('onCreate')) return withCallers(callers.slice(0, 1), {}, only(ownerVariants.slice(0, 1)));
      if (!store.full) return withCallers(callers.slice(0, 3), {}, ownerVariants.slice(0, 1));
      return withCallers(callers, {}, [...ownerVariants, ['filter', { filter: { id: { eq: first.id || 'x' } } }]]);
    }
    default:
      throw new Error(`no scenarios for ${op}`);
  }
}

// Fields of a model type: relations (a model or connection) and fields with their own auth.
function fieldScenarios(schema, gql, parentType, fieldName) {
  const store = STORES[schema][parentType];
  const source = { ...store.items[0] };
  const f = gql.field(parentType, fieldName);
  const args = (f.arguments || []).map((a) => a.name.value);
  const callers = store.callers.slice(0, fieldName === 'owner' ? 2 : 5);
  // A relation in the result of a mutation (and so of its subscriptions): Amplify marks the
  // parent `__operation: "Mutation"` and the relation resolves to nothing (deniedField).
  const inMutation = gql.isObject(typeName(f.type)) ? [['in-mutation-result', {}, null, { source: { ...source, __operation: 'Mutation' } }]] : [];
  if (!args.includes('limit')) return withCallers(callers, {}, inMutation, { source });
  const sk = args.find((a) => !['filter', 'sortDirection', 'limit', 'nextToken'].includes(a));
  const child = STORES[schema][typeName(f.type).replace(/^Model(.*)Connection$/, '$1')];
  const skRange = child && child.index && Object.values(child.index)[0];
  return withCallers(
    callers.slice(0, 3),
    {},
    [
      ...inMutation,
      ['limit-desc', { limit: 1, sortDirection: 'DESC' }],
      ['filter', { filter: { owner: { eq: source.owner || ownerOf('alice') } } }],
      ...(sk && skRange ? sortKeyVariants({}, sk, skRange[3], skRange[4]).filter(([n]) => /between|begins|ge|eq/.test(n)) : []),
    ],
    { source },
  );
}

// The services schema's own fields (@http, @function, @searchable).
function customScenarios(fieldName) {
  const httpAnswer = (status, contentType, body) => ({
    statusCode: status,
    headers: { 'Content-Type': contentType, Date: 'Tue, 06 Feb 2018 19:01:35 GMT', 'X-Request-Id': '2f1e0d9c-8b7a-4c5d-9e3f-1a2b3c4d5e6f' },
    body,
  });
  const json = JSON.stringify({ city: 'Lisbon', temperature: 17.5, units: 'metric', conditions: 'Partly cloudy' });
  const lambda = {
    echo: (p) => p.arguments.msg,
    lookup: (p) => ({ id: p.arguments.id, title: 'Getting started', views: 120 }),
    // The second function sees the first one's answer as $ctx.prev.result (null on the first
    // run of a scenario, before that answer is known).
    format: (p) => ({ summary: `${(p.prev.result || {}).title} (${(p.prev.result || {}).views} views)` }),
  };
  switch (fieldName) {
    case 'weather': {
      const args = { params: { city: 'Lisbon' }, query: { units: 'metric' } };
      return withCallers(
        ['api-key', 'owner', 'iam-admin-role'],
        args,
        [
          ['not-found', args, null, { http: httpAnswer(404, 'application/json', '{"message":"city not found"}') }],
          [
            'xml-answer',
            args,
            null,
            { http: httpAnswer(200, 'application/xml', '<weather><city>Lisbon</city><temperature>17.5</temperature></weather>') },
          ],
          ['no-query', { params: { city: 'Porto' } }],
        ],
        { http: httpAnswer(200, 'application/json; charset=utf-8', json) },
      );
    }
    case 'notify': {
      const args = { query: { payload: { priority: 'high' } }, body: { payload: { event: 'deploy', ok: true, count: 3 } } };
      return withCallers(
        ['owner', 'iam-admin-role', 'api-key'],
        args,
        [['server-error', args, null, { http: httpAnswer(500, 'text/plain', 'upstream unavailable') }]],
        {
          http: httpAnswer(201, 'application/json', '{"accepted":true,"id":"evt-001"}'),
        },
      );
    }
    case 'echo':
      return withCallers(
        ['owner', 'other-user', 'api-key', 'iam-admin-role', 'iam-auth-role'],
        { msg: 'hello from the corpus' },
        [['no-message', {}]],
        { lambda },
      );
    case 'enrich':
      return withCallers(
        ['owner', 'iam-admin-role', 'api-key'],
        { id: 'ee778899-0011-4a22-8b33-44cc55dd66ee' },
        [
          [
            'lambda-error',
            { id: 'ee778899-0011-4a22-8b33-44cc55dd66ee' },
            null,
            { fail: { operation: 'Invoke', message: 'Task timed out after 3.00 seconds', type: 'Lambda:Unhandled' } },
          ],
        ],
        { lambda },
      );
    case 'searchArticles':
      return withCallers(['owner', 'other-user', 'api-key', 'iam-admin-role'], {}, [
        ['filter', { filter: { title: { matchPhrasePrefix: 'Getting' }, views: { gte: 10 } } }],
        ['sort-limit', { sort: [{ field: 'views', direction: 'asc' }, { field: 'title' }], limit: 1 }],
        ['next-token-from', { nextToken: Buffer.from('["ff889900-1122-4b33-9c44-55dd66ee77ff"]').toString('base64'), from: 1, limit: 5 }],
        [
          'aggregates',
          {
            aggregates: [
              { name: 'total_views', type: 'sum', field: 'views' },
              { name: 'titles', type: 'terms', field: 'title' },
            ],
          },
        ],
        ['aggregates-by-api-key', { aggregates: [{ name: 'total_views', type: 'sum', field: 'views' }] }, 'api-key'],
      ]);
    default:
      return null;
  }
}

// What the resolver of `typeName.fieldName` is, for an Amplify schema: a model operation, a
// relation or field-auth resolver, or one of the schema's own fields.
function amplifyScenarios(schema, gql, typeName_, fieldName) {
  const models = Object.keys(STORES[schema]);
  const custom = customScenarios(fieldName);
  if (custom) return custom;
  if (typeName_ !== 'Query' && typeName_ !== 'Mutation' && typeName_ !== 'Subscription') return fieldScenarios(schema, gql, typeName_, fieldName);
  const field = gql.field(typeName_, fieldName);
  const model = typeName(field.type).replace(/^Model(.*)Connection$/, '$1');
  if (!models.includes(model)) throw new Error(`${schema}: no store for ${typeName_}.${fieldName} (${model})`);
  const m = fieldName.match(/^(get|list|sync|create|update|delete|onCreate|onUpdate|onDelete)/);
  const store = STORES[schema][model];
  if (store.index && store.index[fieldName]) {
    const [pk, value, sk, range, prefix] = store.index[fieldName];
    const base = { [pk]: value };
    return withCallers(store.callers.slice(0, 3), base, [
      ...sortKeyVariants(base, sk, range || [], prefix).filter(([n]) => store.full || /between|begins/.test(n)),
      ['desc-limit-filter', { ...base, sortDirection: 'DESC', limit: 1, filter: store.filter || { id: { ne: 'does-not-exist' } } }],
    ]);
  }
  if (!m) throw new Error(`${schema}: no scenarios for ${typeName_}.${fieldName}`);
  const op = m[1].startsWith('on') ? 'subscribe' : m[1];
  return modelScenarios(schema, model, op, field);
}

// ---------------------------------------------------------------------------------------------
// cdk/dogs and rds-v1/library: their own tables and arguments.

const DOGS = [
  { id: 'dog-1', ownerId: 'owner-7', name: 'Rex', breed: 'Beagle', born: '2016-04-02', age: 7 },
  { id: 'dog-2', ownerId: 'owner-7', name: 'Ruby', breed: 'Border Collie', born: '2019-09-14', age: 4 },
  { id: 'dog-3', ownerId: 'owner-7', name: 'Luna', breed: 'Whippet', born: '2021-01-30', age: 2 },
  { id: 'dog-4', ownerId: 'owner-9', name: 'Bruno', breed: 'Boxer', born: '2014-06-11', age: 9 },
];

function cdkScenarios(fieldName) {
  const dogsOf = { ownerId: 'owner-7' };
  const facts = {
    'dog-handler': (p) =>
      p.arguments ? { dogId: p.arguments.dogId || null, minutes: p.arguments.minutes || null, facts: ['Dogs have about 1,700 taste buds.'] } : null,
  };
  const table = {
    getDog: [
      ['found', { id: 'dog-1' }],
      ['not-found', { id: 'dog-404' }],
    ],
    getDogConsistent: [['found', { dogId: 'dog-2' }]],
    listDogs: [['all', {}]],
    listDogsConsistent: [['all', {}]],
    dogsByOwner: [
      ['owner-7', dogsOf],
      ['nobody', { ownerId: 'owner-0' }],
    ],
    dogsByNamePrefix: [['prefix', { ...dogsOf, prefix: 'R' }]],
    dogsBornBetween: [['range', { ...dogsOf, from: '2015-01-01', to: '2020-12-31' }]],
    dogsYoungerThan: [['age', { ...dogsOf, age: 5 }]],
    dogsAtMost: [['age', { ...dogsOf, age: 4 }]],
    dogsOlderThan: [['age', { ...dogsOf, age: 4 }]],
    dogsAtLeast: [['age', { ...dogsOf, age: 4 }]],
    addDog: [['new', { input: { name: 'Pixel', breed: 'Dachshund', ownerId: 'owner-9', age: 1, vaccinated: true } }]],
    putDog: [['replace', { id: 'dog-2', name: 'Ruby', breed: 'Border Collie', age: 5, tags: ['agility', 'herding'] }]],
    addLitter: [['litter', { input: { ownerId: 'owner-7', name: 'Puppy', born: '2018-02-01', weights: [0.41, 0.39] } }]],
    renameDog: [['rename', { ownerId: 'owner-7', id: 'dog-1', newName: 'Rexy' }]],
    tagDog: [['tag', { id: 'dog-3', input: { name: 'Luna', breed: 'Whippet' }, tag: 'fast' }]],
    removeDog: [
      ['found', { id: 'dog-4' }],
      ['not-found', { id: 'dog-404' }],
    ],
    dogFacts: [
      ['api-key', {}],
      ['owner', {}, 'owner'],
    ],
    walkDog: [
      ['walk', { dogId: 'dog-1', minutes: 30 }],
      [
        'lambda-error',
        { dogId: 'dog-1', minutes: 30 },
        null,
        { fail: { operation: 'Invoke', message: 'Walker unavailable', type: 'Lambda:Unhandled' } },
      ],
    ],
    serverTime: [['now', {}]],
  }[fieldName];
  return table.map(([name, args, caller, extra]) => scenario(name, caller || 'api-key', args, { lambda: facts, ...extra }));
}

const RDS_ROWS = {
  Author: {
    columns: [
      ['id', 'INT'],
      ['name', 'VARCHAR'],
      ['bio', 'TEXT'],
      ['born', 'DATE'],
      ['rating', 'DECIMAL'],
    ],
    rows: [
      { id: 1, name: 'Ursula K. Le Guin', bio: 'Author of the Earthsea books', born: '1929-10-21', rating: '4.8' },
      { id: 2, name: 'Terry Pratchett', bio: null, born: '1948-04-28', rating: '4.7' },
    ],
  },
  Book: {
    columns: [
      ['isbn', 'VARCHAR'],
      ['title', 'VARCHAR'],
      ['authorId', 'INT'],
      ['pages', 'INT'],
      ['inPrint', 'TINYINT'],
      ['publishedAt', 'DATETIME'],
    ],
    rows: [
      { isbn: '9780547773742', title: 'A Wizard of Earthsea', authorId: 1, pages: 183, inPrint: 1, publishedAt: '1968-11-01 00:00:00' },
      { isbn: '9780062225672', title: 'Guards! Guards!', authorId: 2, pages: 416, inPrint: 1, publishedAt: null },
    ],
  },
};

function rdsScenarios(fieldName) {
  const table = {
    getAuthor: [
      ['found', { id: 1 }],
      ['not-found', { id: 99 }],
    ],
    listAuthors: [['all', {}]],
    createAuthor: [['new', { createAuthorInput: { id: 3, name: 'N. K. Jemisin', born: '1972-09-19', rating: 4.6 } }]],
    updateAuthor: [['bio', { updateAuthorInput: { id: 2, bio: "Author of the Discworld novels, with a name that's quoted" } }]],
    deleteAuthor: [['found', { id: 2 }]],
    getBook: [['found', { isbn: '9780547773742' }]],
    listBooks: [['all', {}]],
    createBook: [
      [
        'new',
        {
          createBookInput: {
            isbn: '9780316229296',
            title: 'The Fifth Season',
            authorId: 3,
            pages: 468,
            inPrint: 1,
            publishedAt: '2015-08-04 00:00:00',
          },
        },
      ],
    ],
    updateBook: [['pages', { updateBookInput: { isbn: '9780062225672', pages: 420, inPrint: 0 } }]],
    deleteBook: [
      ['found', { isbn: '9780062225672' }],
      ['not-found', { isbn: '0000000000000' }],
    ],
  }[fieldName];
  return table.map(([name, args]) => scenario(name, 'api-key', args));
}

// ---------------------------------------------------------------------------------------------

// Every scenario of one resolver file, each with its caller resolved and the data it starts
// from: {name, caller, authMode, identity, headers, args, source, tables, rows, ...}.
function scenariosFor(generator, schema, resolver, gql) {
  const { typeName: t, fieldName: f } = resolver;
  let list;
  let tables = {};
  let rows = {};
  if (generator === 'amplify-v2') {
    list = amplifyScenarios(schema, gql, t, f);
    tables = Object.fromEntries(Object.entries(STORES[schema]).map(([name, s]) => [name, s.items]));
  } else if (generator === 'cdk') {
    list = cdkScenarios(f);
    tables = { Dog: DOGS };
  } else {
    list = rdsScenarios(f);
    rows = RDS_ROWS;
  }
  return list.map((s) => ({
    ...s,
    ...CALLERS[s.caller],
    info: gql ? gql.info(t, f) : { fieldName: f, parentTypeName: t, variables: {}, selectionSetList: [], selectionSetGraphQL: '' },
    tables: JSON.parse(JSON.stringify(tables)),
    rows: JSON.parse(JSON.stringify(rows)),
  }));
}

module.exports = { scenariosFor, Schema, CALLERS };
