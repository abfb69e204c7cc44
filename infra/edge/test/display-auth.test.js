'use strict';
// node --test infra/edge/test — run by the infra build (DisplayAuthEdgeTest).
const test = require('node:test');
const assert = require('node:assert');
const crypto = require('crypto');
const { create, VIEWER_TOKEN_HEADER } = require('../display-auth/index.js');

const ISSUER = 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Pool';
const CONFIG = { issuer: ISSUER, audiences: ['app-client', 'ops-client'] };
const NOW = 1_800_000_000;
const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const other = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const jwk = { ...publicKey.export({ format: 'jwk' }), kid: 'k1', alg: 'RS256', use: 'sig' };

function token(claims, opts = {}) {
  const header = { alg: opts.alg || 'RS256', kid: opts.kid || 'k1' };
  const body = { iss: ISSUER, token_use: 'access', client_id: 'app-client', sub: 'u-1', exp: NOW + 60, ...claims };
  const data = Buffer.from(JSON.stringify(header)).toString('base64url') + '.' + Buffer.from(JSON.stringify(body)).toString('base64url');
  const sig = crypto.sign('RSA-SHA256', Buffer.from(data), opts.key || privateKey).toString('base64url');
  return data + '.' + sig;
}

function event(eventType, headers) {
  const h = {};
  for (const [k, v] of Object.entries(headers)) h[k.toLowerCase()] = [{ key: k, value: v }];
  return { Records: [{ cf: { config: { eventType }, request: { uri: '/markets/m-1', method: 'GET', querystring: '', headers: h } } }] };
}

function handler(fetches = []) {
  return create(CONFIG, async (url) => { fetches.push(url); return { keys: [jwk] }; }, () => NOW);
}

test('a valid access token passes, moved out of Authorization into the viewer-token header', async () => {
  const fetches = [];
  const t = token({});
  const out = await handler(fetches)(event('viewer-request', { Authorization: 'Bearer ' + t }));
  assert.strictEqual(out.status, undefined);
  assert.strictEqual(out.headers.authorization, undefined);
  assert.strictEqual(out.headers[VIEWER_TOKEN_HEADER][0].value, t);
  assert.deepStrictEqual(fetches, [ISSUER + '/.well-known/jwks.json']);
});

test('the ops console client is an audience too', async () => {
  const out = await handler()(event('viewer-request', { Authorization: 'Bearer ' + token({ client_id: 'ops-client' }) }));
  assert.strictEqual(out.status, undefined);
});

for (const [name, t] of [
  ['expired', () => token({ exp: NOW })],
  ['not yet valid', () => token({ nbf: NOW + 5 })],
  ['another issuer', () => token({ iss: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Other' })],
  ['an id token', () => token({ token_use: 'id' })],
  ['another client', () => token({ client_id: 'someone-else' })],
  ['no subject', () => token({ sub: ' ' })],
  ['signed by another key', () => token({}, { key: other.privateKey })],
  ['an unknown kid', () => token({}, { kid: 'k2' })],
  ['alg none', () => token({}, { alg: 'none' })],
  ['garbage', () => 'not.a.token'],
  ['two parts', () => 'abc.def'],
]) {
  test('refused at the edge: ' + name, async () => {
    const out = await handler()(event('viewer-request', { Authorization: 'Bearer ' + t() }));
    assert.strictEqual(out.status, '401');
    assert.strictEqual(JSON.parse(out.body).error.code, 'UNAUTHENTICATED');
    assert.ok(out.headers['x-request-id'][0].value.length > 0);
    assert.strictEqual(out.headers['cache-control'][0].value, 'no-store');
  });
}

test('no Authorization header is 401, and a viewer cannot smuggle the viewer-token header', async () => {
  const out = await handler()(event('viewer-request', { [VIEWER_TOKEN_HEADER]: token({}) }));
  assert.strictEqual(out.status, '401');
});

test('the JWKS is fetched once, not per request', async () => {
  const fetches = [];
  const h = handler(fetches);
  for (let i = 0; i < 5; i++) {
    await h(event('viewer-request', { Authorization: 'Bearer ' + token({}) }));
  }
  assert.strictEqual(fetches.length, 1);
});

test('origin-request (a cache miss) puts the token back as Authorization for the API authorizer', async () => {
  const t = token({});
  const out = await handler()(event('origin-request', { [VIEWER_TOKEN_HEADER]: t }));
  assert.strictEqual(out.headers.authorization[0].value, 'Bearer ' + t);
  assert.strictEqual(out.headers[VIEWER_TOKEN_HEADER], undefined);
});
