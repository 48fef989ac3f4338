// The test OpenID Provider: a real `oidc-provider` on 127.0.0.1 for OAuth Desk's integration
// tests. Started by the Rust test harness; prints one JSON line `{"issuer": "..."}` on stdout
// once it listens, then serves until killed.
//
// Environment:
//   OP_PORT          port to bind (default 0: a random free port)
//   OP_ACCESS_TTL    access token lifetime in seconds (default 60)
//   OP_ROTATE        "0" turns refresh-token rotation off (default: every refresh rotates)
//   OP_JWT_AT        "1" issues JWT access tokens (RFC 9068) for the resource https://api.example
//   OP_MTLS          "1" also serves the provider on a mutual-TLS listener (RFC 8705) with a CA
//                    made at start (`tls.js`), announced as `mtls_endpoint_aliases`; the
//                    material is served at `GET /_test/tls/<file>.pem` (ca, client, client-key,
//                    self, self-key) and the first line also has `"mtls": "https://…"`
//   OP_PAR_REQUIRED  "1" makes every client push its authorization requests (RFC 9126)
//   OP_WEB_PORT      adds the `pinned-app` client, whose redirect URI and sign-out return are
//                    registered on this loopback port and compared exactly
//   OP_REFRESH_ID_TOKEN  what a refresh answers for the ID token (OIDC Core §12.2):
//                    "nonce" (default, oidc-provider's own: a new ID token with the sign-in's
//                    nonce), "no-nonce" (a new ID token without nonce, as §12.2 recommends),
//                    "none" (no new ID token at all)
//   OP_REGISTRATION_TOKEN  when set, dynamic client registration (RFC 7591, always on) needs
//                    this initial access token; registrations are managed (RFC 7592) and the
//                    registration access token rotates on each update
//   OP_ASSERTION_AUD "token-endpoint" refuses client assertions at the token endpoint whose
//                    `aud` is not the token endpoint URL (as servers before
//                    draft-ietf-oauth-rfc7523bis do); the token log records each `aud`
//
// ID tokens from the token endpoint carry `at_hash` (for opaque access tokens).
//
// DPoP (RFC 9449) is on with server nonces always required, so every client must answer
// `use_dpop_nonce` once; PAR, signed request objects (RFC 9101) and rich authorization
// requests (RFC 9396, type `payment_initiation` needing an `instructedAmount`) are on.
//
// Besides the provider itself it serves `GET /_test/log`: the token-endpoint requests it saw
// (grant type, how the client authenticated, which refresh token was presented, status), so
// tests can assert what reached the server, e.g. "no Authorization header for a public client";
// `GET /_test/revocations`: the revocation requests it saw (the token type hint and status);
// and `GET /_test/client-key`: the PEM private key of the `jwt-app` client (made at start-up,
// so no key material lives in the repository).
import crypto from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import Provider, { errors } from 'oidc-provider';
import { registerGrants } from './grants.js';
import { makeTlsMaterial } from './tls.js';

const host = '127.0.0.1';
const port = Number(process.env.OP_PORT || 0);
const accessTtl = Number(process.env.OP_ACCESS_TTL || 60);
const rotate = process.env.OP_ROTATE !== '0';
const jwtAccessTokens = process.env.OP_JWT_AT === '1';
const mtls = process.env.OP_MTLS === '1';
const parRequired = process.env.OP_PAR_REQUIRED === '1';
const refreshIdToken = process.env.OP_REFRESH_ID_TOKEN || 'nonce';
if (!['nonce', 'no-nonce', 'none'].includes(refreshIdToken)) {
  throw new Error(`OP_REFRESH_ID_TOKEN must be nonce, no-nonce or none, not ${refreshIdToken}`);
}
const assertionAud = process.env.OP_ASSERTION_AUD || '';
const registrationToken = process.env.OP_REGISTRATION_TOKEN || '';
const tls = mtls ? makeTlsMaterial() : null;
const webPort = Number(process.env.OP_WEB_PORT || 0);

// The `aud` of a form's client assertion (decoded, not verified: the provider verifies it).
function assertionAudience(form) {
  const jwt = form?.client_assertion;
  if (typeof jwt !== 'string') return undefined;
  try {
    return JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString()).aud;
  } catch {
    return undefined;
  }
}

// Reads a form body ahead of the provider and leaves it parsed on `req.body`, where the
// provider's body reader takes it from.
async function rawForm(ctx) {
  if (!ctx.is('application/x-www-form-urlencoded')) return {};
  const chunks = [];
  for await (const chunk of ctx.req) chunks.push(chunk);
  const form = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString()));
  ctx.req.body = form;
  return form;
}

// The private_key_jwt client's key pair: a fixed test key, not one made at start. Node 20 can
// deadlock when a key made by generateKeyPairSync is exported as a JWK and the garbage collector
// frees the key-generation job meanwhile (seen once in CI: the OP never listened; gdb showed
// ExportJWKEcKey -> GC -> ~KeyGenJob waiting on the mutex the export held).
const clientPrivatePem = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg1YJD29SZNyiYeyVJ
rsDXidgE8QRYExEIF39s1T4RqGKhRANCAAQOlX39hkfSC1Wj86mkZabCgZviEURG
v5dXVbZj41joBU4q8Q67Hc7HVZfqNy/lB23/E4JEbX8IPqA3rPhZBCze
-----END PRIVATE KEY-----
`;
const clientJwk = {
  ...crypto.createPublicKey(clientPrivatePem).export({ format: 'jwk' }),
  kid: 'jwt-app-key', use: 'sig', alg: 'ES256',
};

// Test secrets only. The Basic client's secret has characters that RFC 6749 §2.3.1 makes the
// client form-urlencode before base64, so a client that skips that step fails here.
export const clients = [
  {
    client_id: 'public-app',
    application_type: 'native',
    token_endpoint_auth_method: 'none',
    redirect_uris: ['http://127.0.0.1/callback'],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
  },
  {
    client_id: 'basic-app',
    client_secret: 'basic secret:with/special+chars%',
    application_type: 'native',
    token_endpoint_auth_method: 'client_secret_basic',
    redirect_uris: ['http://127.0.0.1/callback'],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
  },
  {
    client_id: 'post-app',
    client_secret: 'post-secret-0123456789',
    application_type: 'native',
    token_endpoint_auth_method: 'client_secret_post',
    redirect_uris: ['http://127.0.0.1/callback'],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
  },
  {
    // A registered non-loopback redirect URI, like EC-CUBE's `https://<host>/`: the redirect is
    // never served; the user pastes the final URL.
    client_id: 'web-app',
    client_secret: 'web-secret-0123456789',
    application_type: 'web',
    token_endpoint_auth_method: 'client_secret_post',
    redirect_uris: ['https://shop.example/'],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
  },
  {
    // A machine client: client credentials only.
    client_id: 'cc-app',
    client_secret: 'cc-secret-0123456789',
    token_endpoint_auth_method: 'client_secret_basic',
    redirect_uris: [],
    grant_types: ['client_credentials'],
    response_types: [],
  },
  {
    // A TV-style public client: device flow.
    client_id: 'device-app',
    application_type: 'native',
    token_endpoint_auth_method: 'none',
    redirect_uris: [],
    grant_types: ['urn:ietf:params:oauth:grant-type:device_code', 'refresh_token'],
    response_types: [],
  },
  {
    // The consent lab's client: a person's grants (code, device) and the machine's (client
    // credentials), so one plan covers all three.
    client_id: 'lab-app',
    client_secret: 'lab-secret-0123456789',
    application_type: 'native',
    token_endpoint_auth_method: 'client_secret_basic',
    redirect_uris: ['http://127.0.0.1/callback'],
    grant_types: ['authorization_code', 'refresh_token', 'client_credentials', 'urn:ietf:params:oauth:grant-type:device_code'],
    response_types: ['code'],
  },
  {
    // A confidential client that signs a JWT with its private key (RFC 7523).
    client_id: 'jwt-app',
    application_type: 'native',
    token_endpoint_auth_method: 'private_key_jwt',
    token_endpoint_auth_signing_alg: 'ES256',
    jwks: { keys: [clientJwk] },
    redirect_uris: ['http://127.0.0.1/callback'],
    grant_types: ['authorization_code', 'refresh_token', 'client_credentials', 'urn:ietf:params:oauth:grant-type:jwt-bearer'],
    response_types: ['code'],
  },
  {
    // A confidential client that signs an HS256 assertion with its secret (RFC 7523 §2.2).
    client_id: 'secret-jwt-app',
    client_secret: 'secret-jwt-secret-0123456789-0123456789',
    application_type: 'native',
    token_endpoint_auth_method: 'client_secret_jwt',
    token_endpoint_auth_signing_alg: 'HS256',
    redirect_uris: ['http://127.0.0.1/callback'],
    grant_types: ['authorization_code', 'refresh_token', 'client_credentials'],
    response_types: ['code'],
  },
  {
    // A service that trades other clients' tokens for its own (RFC 8693).
    client_id: 'exchange-app',
    client_secret: 'exchange-secret-0123456789',
    token_endpoint_auth_method: 'client_secret_basic',
    redirect_uris: [],
    grant_types: ['urn:ietf:params:oauth:grant-type:token-exchange'],
    response_types: [],
  },
  {
    // A legacy client still on the password grant (RFC 6749 §4.3).
    client_id: 'password-app',
    client_secret: 'password-secret-0123456789',
    token_endpoint_auth_method: 'client_secret_post',
    redirect_uris: [],
    grant_types: ['password'],
    response_types: [],
  },
  {
    // Implicit and hybrid flows, for debugging them (and form_post), and RP-initiated logout.
    client_id: 'hybrid-app',
    client_secret: 'hybrid-secret-0123456789',
    application_type: 'native',
    token_endpoint_auth_method: 'client_secret_basic',
    redirect_uris: ['http://127.0.0.1/callback'],
    post_logout_redirect_uris: ['http://127.0.0.1/logged-out'],
    grant_types: ['authorization_code', 'implicit', 'refresh_token'],
    response_types: ['code', 'id_token', 'id_token token', 'code id_token', 'code token', 'code id_token token'],
  },
  {
    // A client the server makes push its authorization requests (RFC 9126 §6).
    client_id: 'par-app',
    client_secret: 'par-secret-0123456789',
    application_type: 'native',
    token_endpoint_auth_method: 'client_secret_basic',
    require_pushed_authorization_requests: true,
    redirect_uris: ['http://127.0.0.1/callback'],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
  },
  {
    // A public client whose access tokens must be DPoP-bound (RFC 9449 §5.2).
    client_id: 'dpop-app',
    application_type: 'native',
    token_endpoint_auth_method: 'none',
    dpop_bound_access_tokens: true,
    redirect_uris: ['http://127.0.0.1/callback'],
    grant_types: ['authorization_code', 'refresh_token', 'urn:ietf:params:oauth:grant-type:device_code'],
    response_types: ['code'],
  },
  {
    // A confidential DPoP client: client credentials with a bound token.
    client_id: 'dpop-cc-app',
    client_secret: 'dpop-cc-secret-0123456789',
    token_endpoint_auth_method: 'client_secret_basic',
    dpop_bound_access_tokens: true,
    redirect_uris: [],
    grant_types: ['client_credentials'],
    response_types: [],
  },
  {
    // A client that must send its authorization request as an HS256 request object (RFC 9101).
    client_id: 'ro-app',
    client_secret: 'ro-secret-0123456789-0123456789-0123456789',
    application_type: 'native',
    token_endpoint_auth_method: 'client_secret_basic',
    require_signed_request_object: true,
    request_object_signing_alg: 'HS256',
    redirect_uris: ['http://127.0.0.1/callback'],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
  },
  {
    // Rich authorization requests (RFC 9396).
    client_id: 'rar-app',
    client_secret: 'rar-secret-0123456789',
    application_type: 'native',
    token_endpoint_auth_method: 'client_secret_basic',
    authorization_details_types: ['payment_initiation'],
    redirect_uris: ['http://127.0.0.1/callback'],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
  },
  ...(webPort ? [
    {
      // A web client: its redirect and sign-out return URIs are compared exactly, port and
      // all (only native clients may use any loopback port, RFC 8252 §7.3).
      client_id: 'pinned-app',
      client_secret: 'pinned-secret-0123456789',
      application_type: 'web',
      token_endpoint_auth_method: 'client_secret_basic',
      redirect_uris: [`http://127.0.0.1:${webPort}/callback`],
      post_logout_redirect_uris: [`http://127.0.0.1:${webPort}/bye`],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
    },
  ] : []),
  ...(tls ? [
    {
      // mTLS client authentication with a CA-issued certificate (RFC 8705 §2.1).
      client_id: 'mtls-app',
      application_type: 'native',
      token_endpoint_auth_method: 'tls_client_auth',
      tls_client_auth_subject_dn: 'CN=mtls-app',
      tls_client_certificate_bound_access_tokens: true,
      redirect_uris: ['http://127.0.0.1/callback'],
      grant_types: ['authorization_code', 'refresh_token', 'client_credentials'],
      response_types: ['code'],
    },
    {
      // mTLS with a self-signed certificate registered in the client's JWKS (RFC 8705 §2.2).
      client_id: 'self-mtls-app',
      token_endpoint_auth_method: 'self_signed_tls_client_auth',
      jwks: { keys: [tls.selfJwk] },
      tls_client_certificate_bound_access_tokens: true,
      redirect_uris: [],
      grant_types: ['client_credentials'],
      response_types: [],
    },
  ] : []),
];

const log = [];
const revocations = [];
const pushed = [];
let handler = (_req, res) => {
  res.statusCode = 503;
  res.end();
};
const server = http.createServer((req, res) => handler(req, res));
// The mutual-TLS listener asks for a client certificate but lets the provider judge it.
const tlsServer = tls && https.createServer({
  key: tls.files['server-key.pem'],
  cert: tls.files['server.pem'],
  ca: tls.files['ca.pem'],
  requestCert: true,
  rejectUnauthorized: false,
}, (req, res) => handler(req, res));
const listening = (s) => new Promise((resolve) => { s.listen(0, host, resolve); });
const tlsReady = tlsServer ? listening(tlsServer) : Promise.resolve();

server.listen(port, host, async () => {
  await tlsReady;
  const issuer = `http://${host}:${server.address().port}`;
  const mtlsBase = tlsServer ? `https://${host}:${tlsServer.address().port}` : null;
  const provider = new Provider(issuer, {
    clients,
    pkce: { required: (_ctx, client) => client.clientAuthMethod === 'none' },
    rotateRefreshToken: () => rotate,
    // traQ-style servers take the authorization request as a POST form too (OIDC Core
    // §3.1.2.1); oidc-provider needs SameSite=None session cookies for that.
    enableHttpPostMethods: true,
    cookies: { long: { sameSite: 'none' }, short: { sameSite: 'none' } },
    ttl: {
      AccessToken: accessTtl,
      ClientCredentials: accessTtl,
      AuthorizationCode: 60,
      IdToken: 3600,
      RefreshToken: 24 * 3600,
      Grant: 24 * 3600,
      Session: 24 * 3600,
      Interaction: 600,
    },
    responseTypes: ['code', 'id_token', 'id_token token', 'code id_token', 'code token', 'code id_token token', 'none'],
    features: {
      devInteractions: { enabled: true },
      registration: { enabled: true, initialAccessToken: registrationToken || false },
      registrationManagement: { enabled: true, rotateRegistrationAccessToken: true },
      pushedAuthorizationRequests: { enabled: true, requirePushedAuthorizationRequests: parRequired },
      requestObjects: { enabled: true, requireSignedRequestObject: false },
      dPoP: { enabled: true, nonceSecret: crypto.randomBytes(32), requireNonce: () => true },
      richAuthorizationRequests: {
        enabled: true,
        types: {
          payment_initiation: {
            validate(_ctx, detail) {
              if (typeof detail.instructedAmount !== 'object') {
                throw new errors.InvalidAuthorizationDetails('payment_initiation needs an instructedAmount');
              }
            },
          },
        },
        authorizationDetailsForGrantSource: (ctx) => ctx.oidc.grant?.rar,
        authorizationDetailsForAccessToken: (_ctx, _token, source) => source?.rar,
        authorizationDetailsForIntrospection: (_ctx, token) => token.rar,
      },
      mTLS: {
        enabled: mtls,
        certificateBoundAccessTokens: true,
        tlsClientAuth: true,
        selfSignedTlsClientAuth: true,
        getCertificate(ctx) {
          const cert = ctx.socket?.getPeerCertificate?.();
          return cert?.raw ? new crypto.X509Certificate(cert.raw) : undefined;
        },
        certificateAuthorized: (ctx) => ctx.socket?.authorized === true,
        certificateSubjectMatches: (ctx, property, expected) => {
          const cert = ctx.socket?.getPeerCertificate?.();
          return property === 'tls_client_auth_subject_dn' && `CN=${cert?.subject?.CN}` === expected;
        },
      },
      rpInitiatedLogout: { enabled: true },
      clientCredentials: { enabled: true },
      deviceFlow: { enabled: true },
      introspection: { enabled: true },
      revocation: { enabled: true },
      // Always on (rich authorization requests need it); a resource server only with OP_JWT_AT.
      resourceIndicators: {
        enabled: true,
        // Rich authorization requests need a resource server: theirs is https://api.example.
        defaultResource: (ctx) => (jwtAccessTokens || ctx.oidc.params?.authorization_details
          ? 'https://api.example' : undefined),
        useGrantedResource: (ctx) => jwtAccessTokens || Boolean(ctx.oidc.params?.authorization_details),
        // A resource on this machine (tests/servers/resource.py) gets opaque tokens meant for
        // it, which it checks by introspection; any other is the JWT-token API above.
        getResourceServerInfo: (_ctx, resource) => (/^http:\/\/127\.0\.0\.1:\d+\//.test(resource)
          ? { scope: 'api:read api:write', accessTokenFormat: 'opaque', audience: resource }
          : { scope: 'api:read api:write', accessTokenFormat: 'jwt', audience: 'https://api.example' }),
      },
    },
    clientAuthMethods: ['client_secret_basic', 'client_secret_jwt', 'client_secret_post', 'private_key_jwt', 'none',
      ...(mtls ? ['tls_client_auth', 'self_signed_tls_client_auth'] : [])],
    enabledJWA: {
      dPoPSigningAlgValues: ['ES256', 'Ed25519', 'EdDSA', 'PS256'],
      // No EdDSA: how a server refuses an algorithm it does not take.
      requestObjectSigningAlgValues: ['HS256', 'RS256', 'PS256', 'ES256'],
    },
    scopes: ['openid', 'offline_access', 'profile', 'email', 'api:read', 'api:write'],
    claims: { profile: ['name', 'preferred_username'], email: ['email', 'email_verified'] },
    findAccount: (_ctx, sub) => ({
      accountId: sub,
      claims: () => ({ sub, name: `Test user ${sub}`, preferred_username: sub, email: `${sub}@example.test`, email_verified: true }),
    }),
  });
  provider.on('server_error', (_ctx, err) => console.error('server_error', err));
  registerGrants(provider, issuer);

  // A refreshed ID token without the nonce: oidc-provider copies the sign-in's nonce into it.
  const { IdToken } = provider;
  const setClaim = IdToken.prototype.set;
  IdToken.prototype.set = function set(key, value) {
    const refreshing = this.ctx?.oidc?.params?.grant_type === 'refresh_token';
    if (key === 'nonce' && refreshing && refreshIdToken === 'no-nonce') return;
    setClaim.call(this, key, value);
  };
  // ID tokens from the token endpoint carry at_hash, as many servers' do (OIDC Core §3.1.3.6
  // makes it optional): an opaque access token's value is its jti.
  const issue = IdToken.prototype.issue;
  IdToken.prototype.issue = function issueWithAtHash(options) {
    const at = this.ctx?.oidc?.entities?.AccessToken;
    const opaque = at && at.resourceServer?.accessTokenFormat !== 'jwt';
    if (options?.use === 'idtoken' && this.ctx?.path === '/token' && opaque && !this.extra.at_hash) {
      this.set('at_hash', at.jti);
    }
    return issue.call(this, options);
  };
  // A server that wants the token endpoint URL as a client assertion's audience.
  provider.use(async (ctx, next) => {
    if (assertionAud === 'token-endpoint' && ctx.path === '/token' && ctx.method === 'POST') {
      const aud = assertionAudience(await rawForm(ctx));
      if (aud !== undefined && aud !== `${issuer}/token`) {
        ctx.status = 401;
        ctx.body = { error: 'invalid_client', error_description: 'client authentication failed' };
        return;
      }
    }
    await next();
  });
  // A refresh answered without a new ID token.
  provider.use(async (ctx, next) => {
    await next();
    if (refreshIdToken === 'none' && ctx.path === '/token' && ctx.oidc?.params?.grant_type === 'refresh_token'
      && ctx.body && typeof ctx.body === 'object') {
      delete ctx.body.id_token;
    }
  });

  // Record what reached the token endpoint, after the provider parsed it.
  provider.use(async (ctx, next) => {
    await next();
    if (mtlsBase && ctx.path === '/.well-known/openid-configuration' && ctx.status === 200) {
      const endpoints = ['token_endpoint', 'revocation_endpoint', 'introspection_endpoint',
        'userinfo_endpoint', 'pushed_authorization_request_endpoint', 'device_authorization_endpoint'];
      ctx.body = {
        ...ctx.body,
        mtls_endpoint_aliases: Object.fromEntries(endpoints.filter((e) => ctx.body[e])
          .map((e) => [e, ctx.body[e].replace(issuer, mtlsBase)])),
      };
      return;
    }
    if (ctx.path === '/request' && ctx.method === 'POST') {
      pushed.push({ client_id: ctx.oidc?.client?.clientId ?? null, status: ctx.status });
      return;
    }
    if (ctx.path === '/token/revocation' && ctx.method === 'POST') {
      revocations.push({ token_type_hint: ctx.oidc?.body?.token_type_hint ?? null, status: ctx.status });
      return;
    }
    if (ctx.path !== '/token' || ctx.method !== 'POST') return;
    const body = ctx.oidc?.body || {};
    const auth = ctx.get('authorization');
    let basic = null;
    if (/^basic /i.test(auth)) {
      const [id, secret] = Buffer.from(auth.slice(6), 'base64').toString().split(':');
      const decode = (s) => decodeURIComponent(s.replace(/\+/g, ' '));
      basic = { id: decode(id), secret: decode(secret ?? '') };
    }
    log.push({
      grant_type: body.grant_type,
      authorization_scheme: auth ? auth.split(' ')[0] : null,
      basic,
      body_client_id: body.client_id ?? null,
      body_client_secret: body.client_secret !== undefined,
      client_assertion_type: body.client_assertion_type ?? null,
      assertion_aud: assertionAudience(body) ?? null,
      refresh_token: body.refresh_token ?? null,
      resource: body.resource ?? null,
      dpop: Boolean(ctx.get('dpop')),
      client_certificate: Boolean(ctx.socket?.getPeerCertificate?.()?.raw),
      authorization_details: body.authorization_details ?? null,
      status: ctx.status,
      // Every token it handed out, so tests can look for them where they must not be.
      issued: ctx.body && typeof ctx.body === 'object'
        ? ['access_token', 'refresh_token', 'id_token'].map((k) => ctx.body[k]).filter(Boolean)
        : [],
    });
  });

  const callback = provider.callback();
  handler = (req, res) => {
    if (req.url === '/_test/client-key') {
      res.setHeader('content-type', 'application/x-pem-file');
      res.end(clientPrivatePem);
      return;
    }
    if (req.url === '/_test/pushed') {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(pushed));
      return;
    }
    const tlsFile = tls && req.url.match(/^\/_test\/tls\/([a-z-]+\.pem)$/);
    if (tlsFile && tls.files[tlsFile[1]] && tlsFile[1] !== 'server-key.pem') {
      res.setHeader('content-type', 'application/x-pem-file');
      res.end(tls.files[tlsFile[1]]);
      return;
    }
    if (req.url === '/_test/revocations') {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(revocations));
      return;
    }
    if (req.url === '/_test/log') {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(log));
      return;
    }
    callback(req, res);
  };
  process.stdout.write(`${JSON.stringify(mtlsBase ? { issuer, mtls: mtlsBase } : { issuer })}\n`);
});
