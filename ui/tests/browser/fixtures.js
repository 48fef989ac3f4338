// Provider views as the shell sends them (shapes from ui/src/lib/bindings.ts).
export function spec(name, extra = {}) {
  return {
    name, template: null, issuer: 'https://op.example', authorization_url: 'https://op.example/auth',
    token_url: 'https://op.example/token', device_url: null, revocation_url: 'https://op.example/revoke',
    introspection_url: null, userinfo_url: 'https://op.example/me', jwks_url: 'https://op.example/jwks',
    client_id: 'app', auth_method: 'none', scope: 'openid profile offline_access', redirect_uri: 'http://127.0.0.1/callback',
    pkce: 's256', authorize_method: 'get', params: [], token_params: [], callback_timeout_secs: 300,
    no_auto_refresh: false, refresh_margin_secs: null, system_browser: false, allow_http: false, git_username: null,
    par_url: null, par: 'auto', request_object: 'off', dpop: false, dpop_alg: null, authorization_details: null, resources: [], ...extra,
  };
}

const grants = { authorization_code: true, device: false, client_credentials: false, revoke: true, introspect: false, userinfo: true };

/** A provider's reference: its default identity of the config, or `identity` of it. */
export function ref(name, identity = null, project = null) {
  return { name, identity, project };
}

/** An identity as a provider view lists it. */
export function identity(name, id, status = 'not_signed_in', expiresAt = null, origin = { kind: id ? 'config' : 'default' }) {
  const reference = ref(name, id);
  return { reference, key: id ? `${name}@${id}` : name, typed: id ? `${name}@${id}` : name, login_hint: null, origin, status, expires_at: expiresAt, subject: null };
}

export function notSignedIn(name) {
  return {
    name, reference: ref(name), key: name, defined_in: null, kind: 'OpenID Connect', spec: spec(name), has_client_secret: false, has_private_key: false,
    loopback_redirect: true, grants,
    security: { dpop_thumbprint: null, certificate_thumbprint: null, par_available: true, server: {} },
    report: { provider: name, identity: null, status: 'not_signed_in', issuer: 'https://op.example', client_id: 'app', extra: {}, now: 0 },
    identities: [identity(name, null)],
  };
}

export function signedIn(name, { now = Date.now() / 1000, lifetime = 300, left = 240 } = {}) {
  const exp = Math.floor(now + left);
  return {
    ...notSignedIn(name),
    identities: [identity(name, null, 'signed_in', exp)],
    report: {
      provider: name, identity: null, status: 'signed_in', issuer: 'https://op.example', client_id: 'app', extra: {}, now,
      access_token: {
        format: 'opaque', token_type: 'Bearer', expires_at: exp, expires_in: left, lifetime,
        obtained_at: exp - lifetime, expired: false, audience: [], binding: [],
      },
      refresh_token: { present: true, refresh_count: 2, rotations: 1, history: [
        { at: exp - 900, expires_in: 300, rotated: false }, { at: exp - 300, expires_in: 300, rotated: true },
      ] },
      id_token: {
        header: { alg: 'RS256', kid: 'k1' },
        claims: { iss: 'https://op.example', sub: 'alice', aud: 'app', exp: exp + 3000, iat: exp - 300, nonce: 'n', preferred_username: 'alice', custom_claim: { a: 1 } },
        time_claims: ['exp', 'iat'],
        checks: [
          { name: 'signature', result: 'pass', detail: 'RS256 signature verified with key kid=k1' },
          { name: 'nonce', result: 'pass', detail: 'nonce matches this sign-in' },
          { name: 'at_hash', result: 'skip', detail: 'no at_hash claim' },
          { name: 'aud', result: 'fail', detail: 'audience does not include app' },
        ],
      },
      scopes: { requested: ['openid', 'profile', 'offline_access', 'api:write'], granted: ['openid', 'profile', 'offline_access', 'email'],
        not_granted: ['api:write'], extra_granted: ['email'], server_listed: true },
    },
  };
}

/** A DPoP provider signed in: its token DPoP-bound, the binding checked. */
export function dpopSignedIn(name) {
  const view = signedIn(name);
  view.spec = spec(name, { dpop: true, dpop_alg: 'ES256', par: 'on' });
  view.security = { ...view.security, dpop_thumbprint: 'jkt-0123' };
  view.report.access_token = {
    ...view.report.access_token, token_type: 'DPoP', cnf: { jkt: 'jkt-0123' },
    binding: [{ kind: 'DPoP', ours: 'jkt-0123', bound_to: 'jkt-0123',
      check: { name: 'DPoP binding', result: 'pass', detail: "cnf.jkt is this provider's DPoP key (jkt-0123)" } }],
  };
  return view;
}
