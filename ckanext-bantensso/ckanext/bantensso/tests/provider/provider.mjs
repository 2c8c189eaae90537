// A real OpenID Connect provider (panva's certified oidc-provider) for the
// bantensso tests.  Started by a pytest fixture:
//
//   node provider.mjs '<json config>'
//
// config: {"clients": [...oidc-provider client metadata...],
//          "accounts": "/path/to/accounts.json", "host": "127.0.0.1"}
//
// It listens on a free loopback port and prints one JSON line
// {"issuer": "http://127.0.0.1:<port>"} once it serves requests.
//
// Test-only extras (never in a real provider), so that the relying party's
// negative cases are exercised over real HTTP against real tokens:
//   POST /__test/tamper   {"target": "id_token"|"userinfo"|"profile", "mode": ..., "claims": {...}}
//                         one-shot change of the next response (see tamperIdToken)
//   POST /__test/account  {"id": ..., "claims": {...}}  change an account's claims (null deletes)
//   POST /__test/reset    forget tampering, restore the accounts, unpublish extra keys
//   GET  /cas/oauth2.0/profile   an Apereo CAS shaped profile {"id", "attributes", "client_id"}
import { createHmac, generateKeyPairSync, randomBytes, sign as rawSign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';

import * as oidc from 'oidc-provider';

const conf = JSON.parse(process.argv[2] || '{}');
const host = conf.host || '127.0.0.1';
const pristineAccounts = JSON.parse(readFileSync(conf.accounts, 'utf8'));
let accounts = structuredClone(pristineAccounts);

const b64u = (buf) => Buffer.from(buf).toString('base64url');
const b64json = (obj) => b64u(JSON.stringify(obj));
const unb64json = (part) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));

function newRsaKey(kid) {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = privateKey.export({ format: 'jwk' });
  return { privateKey, jwk: { ...jwk, kid, alg: 'RS256', use: 'sig' } };
}

function publicJwk(jwk) {
  const { kty, n, e, kid, alg, use } = jwk;
  return { kty, n, e, kid, alg, use };
}

const mainKey = newRsaKey(`main-${randomBytes(4).toString('hex')}`);
const extraPublished = [];
const tamperQueue = { id_token: [], userinfo: [], profile: [] };

function signRs256(header, payload, privateKey) {
  const input = `${b64json(header)}.${b64json(payload)}`;
  return `${input}.${b64u(rawSign('sha256', Buffer.from(input), privateKey))}`;
}

function merge(target, changes) {
  for (const [k, v] of Object.entries(changes || {})) {
    if (v === null) delete target[k];
    else target[k] = v;
  }
  return target;
}

function clientSecret(clientId) {
  const client = (conf.clients || []).find((c) => c.client_id === clientId);
  return client ? client.client_secret : 'unknown';
}

// Rewrites an issued id_token according to one tamper order.
function tamperIdToken(idToken, order) {
  const [h, p, s] = idToken.split('.');
  const header = unb64json(h);
  const payload = merge(unb64json(p), order.claims);
  if (order.header) merge(header, order.header);
  switch (order.mode) {
    case 'resign': // claims changed, validly signed with the provider's real key
      return signRs256(header, payload, mainKey.privateKey);
    case 'tamper': // claims changed, original signature kept
      return `${h}.${b64json(payload)}.${s}`;
    case 'foreign': { // a key the provider never published, reusing the known kid
      const foreign = newRsaKey(header.kid);
      return signRs256(header, payload, foreign.privateKey);
    }
    case 'unknown_kid': { // an unpublished key with a kid nobody knows
      const foreign = newRsaKey(`unknown-${randomBytes(4).toString('hex')}`);
      return signRs256({ ...header, kid: foreign.jwk.kid }, payload, foreign.privateKey);
    }
    case 'rotate': { // a new key, published in the JWKS from now on (key rotation)
      const next = newRsaKey(`rotated-${randomBytes(4).toString('hex')}`);
      extraPublished.push(publicJwk(next.jwk));
      return signRs256({ ...header, kid: next.jwk.kid }, payload, next.privateKey);
    }
    case 'none': // alg=none, no signature
      return `${b64json({ alg: 'none', typ: 'JWT' })}.${b64json(payload)}.`;
    case 'hs256': { // algorithm confusion: HMAC with the client secret
      const hdr = { alg: 'HS256', kid: header.kid };
      const input = `${b64json(hdr)}.${b64json(payload)}`;
      const mac = createHmac('sha256', clientSecret(payload.azp || payload.aud)).update(input).digest();
      return `${input}.${b64u(mac)}`;
    }
    default:
      throw new Error(`unknown tamper mode ${order.mode}`);
  }
}

async function readJson(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  const raw = Buffer.concat(chunks).toString('utf8');
  return raw ? JSON.parse(raw) : {};
}

function claimsOf(accountId) {
  const account = accounts[accountId];
  return account ? { sub: accountId, ...account } : undefined;
}

const configuration = {
  clients: conf.clients || [],
  clientBasedCORS: () => false,
  cookies: { keys: [randomBytes(16).toString('hex')] },
  jwks: { keys: [mainKey.jwk] },
  pkce: { required: () => true },
  conformIdTokenClaims: false,
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name', 'preferred_username'],
    banten: ['nip', 'opd_code', 'jabatan'],
  },
  features: {
    devInteractions: { enabled: true },
    rpInitiatedLogout: { enabled: true },
  },
  ttl: { AccessToken: 600, AuthorizationCode: 60, IdToken: 600, Interaction: 600, Session: 3600, Grant: 3600 },
  async findAccount(_ctx, id) {
    if (!accounts[id]) return undefined;
    return { accountId: id, async claims() { return claimsOf(id); } };
  },
};

const server = http.createServer();
server.listen(0, host, () => {
  const { port } = server.address();
  const issuer = `http://${host}:${port}`;
  const provider = new oidc.Provider(issuer, configuration);
  provider.proxy = false;

  provider.use(async (ctx, next) => {
    if (ctx.path.startsWith('/__test/') && ctx.method === 'POST') {
      const body = await readJson(ctx.req);
      if (ctx.path === '/__test/tamper') {
        tamperQueue[body.target].push(body);
      } else if (ctx.path === '/__test/account') {
        accounts[body.id] = merge(accounts[body.id] || {}, body.claims);
      } else if (ctx.path === '/__test/reset') {
        accounts = structuredClone(pristineAccounts);
        for (const q of Object.values(tamperQueue)) q.length = 0;
        extraPublished.length = 0;
      } else {
        ctx.status = 404;
        return;
      }
      ctx.body = { ok: true };
      return;
    }
    if (ctx.path === '/cas/oauth2.0/profile' && ctx.method === 'GET') {
      const auth = ctx.get('authorization') || '';
      const token = auth.startsWith('Bearer ') ? auth.slice(7) : ctx.query.access_token;
      const at = token ? await provider.AccessToken.find(token) : undefined;
      if (!at) {
        ctx.status = 401;
        ctx.body = { error: 'invalid_token' };
        return;
      }
      const { sub, ...attributes } = claimsOf(at.accountId) || {};
      const order = tamperQueue.profile.shift();
      ctx.body = { id: order && order.claims && order.claims.id ? order.claims.id : sub, attributes, client_id: at.clientId };
      return;
    }

    await next();

    if (ctx.path === '/token' && ctx.status === 200 && ctx.body && ctx.body.id_token) {
      const order = tamperQueue.id_token.shift();
      if (order) ctx.body = { ...ctx.body, id_token: tamperIdToken(ctx.body.id_token, order) };
    } else if (ctx.path === '/me' && ctx.status === 200 && ctx.body && typeof ctx.body === 'object') {
      const order = tamperQueue.userinfo.shift();
      if (order) ctx.body = merge({ ...ctx.body }, order.claims);
    } else if (ctx.path === '/jwks' && ctx.status === 200 && ctx.body && ctx.body.keys) {
      ctx.body = { keys: [...ctx.body.keys, ...extraPublished] };
    }
  });

  server.on('request', provider.callback());
  process.stdout.write(`${JSON.stringify({ issuer, kid: mainKey.jwk.kid })}\n`);
});

for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => server.close(() => process.exit(0)));
