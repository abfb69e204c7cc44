'use strict';
// Lambda@Edge for the display reads (GET /markets*), attached to the waiting page's CloudFront
// distribution. The behaviour caches market data for at most 1 s keyed on path and query string only,
// so the user's token cannot be part of the cache key; this function keeps the contract's rule that
// every call needs a valid token anyway:
//   viewer-request  checks the Cognito access token exactly as API Gateway's JWT authorizer does
//                   (RS256 by a key of the pool's JWKS, iss, token_use = access, client_id in the
//                   audiences, exp, nbf) on EVERY request, cache hit or miss; a bad or missing token
//                   is answered here with the contract's 401 UNAUTHENTICATED body. A good one is moved
//                   to X-Holdfast-Viewer-Token (CloudFront never forwards Authorization from a cached
//                   behaviour unless it is part of the cache key).
//   origin-request  (cache misses only) puts it back as Authorization, so the HTTP API's own JWT
//                   authorizer checks it again at the origin: the edge adds a check, it removes none.
// Lambda@Edge has no environment variables: config.json (issuer, audiences) is written beside this
// file when the CDK app synthesizes the edge stack.
const crypto = require('crypto');

const VIEWER_TOKEN_HEADER = 'x-holdfast-viewer-token';
const JWKS_MIN_REFETCH_MS = 60000;

function b64url(s) {
  return Buffer.from(s, 'base64url');
}

function parseJson(buf) {
  try {
    const v = JSON.parse(buf.toString('utf8'));
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? v : null;
  } catch (e) {
    return null;
  }
}

/**
 * A verifier for one pool: verify(token) resolves to the claims, or null for anything not a valid,
 * current access token of this pool and one of its audiences.
 * fetchJwks(url) resolves to the JWKS document; now() gives epoch seconds.
 */
function verifier(config, fetchJwks, now) {
  const keys = new Map();
  let lastFetch = 0;

  async function key(kid) {
    let k = keys.get(kid);
    if (!k && Date.now() - lastFetch > JWKS_MIN_REFETCH_MS) {
      lastFetch = Date.now();
      try {
        const jwks = await fetchJwks(config.issuer + '/.well-known/jwks.json');
        for (const jwk of (jwks && jwks.keys) || []) {
          if (jwk.kty === 'RSA' && typeof jwk.kid === 'string') {
            keys.set(jwk.kid, crypto.createPublicKey({ key: { kty: 'RSA', n: jwk.n, e: jwk.e }, format: 'jwk' }));
          }
        }
      } catch (e) {
        lastFetch = 0; // a failed fetch is retried at the next unknown kid
      }
      k = keys.get(kid);
    }
    return k;
  }

  return async function verify(token) {
    if (typeof token !== 'string') return null;
    const parts = token.split('.');
    if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]+$/.test(p))) return null;
    const header = parseJson(b64url(parts[0]));
    const claims = parseJson(b64url(parts[1]));
    if (!header || !claims || header.alg !== 'RS256' || typeof header.kid !== 'string') return null;
    const k = await key(header.kid);
    if (!k) return null;
    const signed = Buffer.from(parts[0] + '.' + parts[1], 'ascii');
    if (!crypto.verify('RSA-SHA256', signed, k, b64url(parts[2]))) return null;
    const t = now();
    if (claims.iss !== config.issuer || claims.token_use !== 'access') return null;
    if (!config.audiences.includes(claims.client_id)) return null;
    if (!Number.isInteger(claims.exp) || claims.exp <= t) return null;
    if (claims.nbf !== undefined && !(Number.isInteger(claims.nbf) && claims.nbf <= t)) return null;
    if (typeof claims.sub !== 'string' || claims.sub.trim() === '') return null;
    return claims;
  };
}

function header(request, name) {
  const h = request.headers[name];
  return h && h.length > 0 ? h[0].value : undefined;
}

function unauthenticated(message) {
  return {
    status: '401',
    statusDescription: 'Unauthorized',
    headers: {
      'content-type': [{ key: 'Content-Type', value: 'application/json' }],
      'cache-control': [{ key: 'Cache-Control', value: 'no-store' }],
      'x-request-id': [{ key: 'X-Request-Id', value: crypto.randomUUID() }],
    },
    body: JSON.stringify({ error: { code: 'UNAUTHENTICATED', message: message, details: {} } }),
  };
}

/** The handler for one config; create(config, fetchJwks, now) is what the tests drive. */
function create(config, fetchJwks, now) {
  const verify = verifier(config, fetchJwks, now);
  return async function handler(event) {
    const cf = event.Records[0].cf;
    const request = cf.request;
    if (cf.config.eventType === 'origin-request') {
      const token = header(request, VIEWER_TOKEN_HEADER);
      delete request.headers[VIEWER_TOKEN_HEADER];
      if (token) {
        request.headers.authorization = [{ key: 'Authorization', value: 'Bearer ' + token }];
      }
      return request;
    }
    delete request.headers[VIEWER_TOKEN_HEADER]; // never trust one a viewer sent
    const auth = header(request, 'authorization');
    if (!auth || !/^Bearer /i.test(auth)) {
      return unauthenticated('a token is required (Authorization: Bearer)');
    }
    const token = auth.slice(7).trim();
    if (!(await verify(token))) {
      return unauthenticated('the token is not valid');
    }
    delete request.headers.authorization;
    request.headers[VIEWER_TOKEN_HEADER] = [{ key: 'X-Holdfast-Viewer-Token', value: token }];
    return request;
  };
}

async function fetchJson(url) {
  const r = await fetch(url, { signal: AbortSignal.timeout(3000) });
  if (!r.ok) throw new Error('JWKS ' + r.status);
  return r.json();
}

let deployed;
exports.handler = async (event) => {
  if (!deployed) {
    deployed = create(require('./config.json'), fetchJson, () => Math.floor(Date.now() / 1000));
  }
  return deployed(event);
};
exports.create = create;
exports.VIEWER_TOKEN_HEADER = VIEWER_TOKEN_HEADER;
