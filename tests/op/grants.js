// The grants oidc-provider does not ship, registered with `registerGrantType` and verified for
// real: token exchange (RFC 8693), the JWT-bearer grant (RFC 7523 §2.1) and the password grant
// (RFC 6749 §4.3, for clients being migrated off it).
//
// - Token exchange: the subject (and an optional actor) is an access token this OP issued and
//   that is still valid, or an ID token it signed for any of its clients; the new access token
//   is for the subject's account, `act` names the actor, `aud`/`resource` must be a URI, and
//   `requested_token_type` must be an access token.
// - JWT bearer: an ID token this OP signed (iss = this OP), or an assertion the client signed
//   with its registered key (iss = sub = client id, aud = the token endpoint or the issuer),
//   unexpired, with a `jti` not seen before.
// - Password: any user name with the password "correct horse"; anything else is invalid_grant.
import * as jose from 'jose';
import { errors } from 'oidc-provider';

const { InvalidGrant, InvalidRequest, InvalidTarget, InvalidScope } = errors;

/** The error with `text` as its error_description (oidc-provider keeps details private). */
function refuse(Kind, text, ...rest) {
  const e = new Kind(text, ...rest);
  e.error_description = text;
  return e;
}

const TOKEN_TYPE = {
  access: 'urn:ietf:params:oauth:token-type:access_token',
  id: 'urn:ietf:params:oauth:token-type:id_token',
  refresh: 'urn:ietf:params:oauth:token-type:refresh_token',
  jwt: 'urn:ietf:params:oauth:token-type:jwt',
};
export const PASSWORD = 'correct horse';

/** An access token for `accountId`, in a grant of its own, answered as the token endpoint does. */
async function issue(provider, ctx, accountId, scope, extra = {}) {
  const { client } = ctx.oidc;
  const allowed = new Set((client.scope || 'openid profile email api:read api:write').split(' '));
  const scopes = (scope || '').split(' ').filter(Boolean);
  const refused = scopes.filter((s) => !allowed.has(s) && !['openid', 'offline_access', 'profile', 'email', 'api:read', 'api:write'].includes(s));
  if (refused.length) throw refuse(InvalidScope, `scope not allowed: ${refused.join(' ')}`, refused.join(' '));
  const grant = new provider.Grant({ accountId, clientId: client.clientId });
  if (scopes.length) grant.addOIDCScope(scopes.join(' '));
  const grantId = await grant.save();
  const at = new provider.AccessToken({ accountId, client, grantId, scope: scopes.join(' ') || undefined, gty: extra.gty, extra: extra.claims });
  const value = await at.save();
  ctx.body = {
    access_token: value,
    token_type: 'Bearer',
    expires_in: at.expiration,
    ...(scopes.length ? { scope: scopes.join(' ') } : {}),
    ...extra.body,
  };
}

/** The account behind a subject or actor token, or invalid_grant saying why not. */
async function accountOf(provider, token, type, what) {
  if (!token) throw refuse(InvalidRequest, `missing ${what}_token`);
  if (!type) throw refuse(InvalidRequest, `missing ${what}_token_type`);
  if (type === TOKEN_TYPE.access) {
    const at = await provider.AccessToken.find(token);
    if (!at || at.isExpired) throw refuse(InvalidGrant, `the ${what} token is not an active access token of this server`);
    return at.accountId;
  }
  if (type === TOKEN_TYPE.id || type === TOKEN_TYPE.jwt) {
    let claims;
    try {
      const aud = jose.decodeJwt(token).aud;
      const client = await provider.Client.find(Array.isArray(aud) ? aud[0] : aud);
      if (!client) throw new Error('unknown audience');
      ({ payload: claims } = await provider.IdToken.validate(token, client));
    } catch (e) {
      throw refuse(InvalidGrant, `the ${what} token is not an ID token signed by this server (${e.message})`);
    }
    if (claims.exp * 1000 < Date.now()) throw refuse(InvalidGrant, `the ${what} token expired`);
    return claims.sub;
  }
  if (type === TOKEN_TYPE.refresh) {
    const rt = await provider.RefreshToken.find(token);
    if (!rt || rt.isExpired) throw refuse(InvalidGrant, `the ${what} token is not an active refresh token of this server`);
    return rt.accountId;
  }
  throw refuse(InvalidRequest, `unsupported ${what}_token_type ${type}`);
}

const seenJti = new Set();

export function registerGrants(provider, issuer) {
  provider.registerGrantType(
    'urn:ietf:params:oauth:grant-type:token-exchange',
    async (ctx) => {
      const p = ctx.oidc.params;
      const subject = await accountOf(provider, p.subject_token, p.subject_token_type, 'subject');
      const actor = p.actor_token ? await accountOf(provider, p.actor_token, p.actor_token_type, 'actor') : null;
      for (const target of [p.audience, p.resource].filter(Boolean)) {
        if (!/^[a-z][a-z0-9+.-]*:/i.test(target)) throw refuse(InvalidTarget, `${target} is not a URI this server knows`);
      }
      if (p.requested_token_type && p.requested_token_type !== TOKEN_TYPE.access) {
        throw refuse(InvalidRequest, `this server issues only access tokens (requested_token_type ${p.requested_token_type})`);
      }
      await issue(provider, ctx, subject, p.scope, {
        gty: 'token_exchange',
        claims: actor ? { act: { sub: actor } } : undefined,
        body: { issued_token_type: TOKEN_TYPE.access },
      });
    },
    ['subject_token', 'subject_token_type', 'actor_token', 'actor_token_type', 'audience', 'resource', 'scope', 'requested_token_type'],
  );

  provider.registerGrantType(
    'urn:ietf:params:oauth:grant-type:jwt-bearer',
    async (ctx) => {
      const { client, params: p } = ctx.oidc;
      if (!p.assertion) throw refuse(InvalidRequest, 'missing assertion');
      let claims;
      try {
        const { iss } = jose.decodeJwt(p.assertion);
        if (iss === issuer) {
          const aud = jose.decodeJwt(p.assertion).aud;
          const owner = await provider.Client.find(Array.isArray(aud) ? aud[0] : aud);
          ({ payload: claims } = await provider.IdToken.validate(p.assertion, owner));
        } else {
          const keys = jose.createLocalJWKSet(client.jwks || { keys: [] });
          ({ payload: claims } = await jose.jwtVerify(p.assertion, keys, {
            issuer: client.clientId,
            audience: [`${issuer}/token`, issuer],
          }));
          if (!claims.jti || seenJti.has(claims.jti)) throw new Error('the jti is missing or was used before');
          seenJti.add(claims.jti);
        }
      } catch (e) {
        throw refuse(InvalidGrant, `the assertion was not accepted: ${e.message}`);
      }
      if (!claims.exp || claims.exp * 1000 < Date.now()) throw refuse(InvalidGrant, 'the assertion expired');
      if (!claims.sub) throw refuse(InvalidGrant, 'the assertion has no sub');
      await issue(provider, ctx, claims.sub, p.scope, { gty: 'jwt_bearer' });
    },
    ['assertion', 'scope'],
  );

  provider.registerGrantType(
    'password',
    async (ctx) => {
      const p = ctx.oidc.params;
      if (!p.username || !p.password) throw refuse(InvalidRequest, 'missing username or password');
      if (p.password !== PASSWORD) throw refuse(InvalidGrant, 'wrong user name or password');
      await issue(provider, ctx, p.username, p.scope, { gty: 'password' });
    },
    ['username', 'password', 'scope'],
  );
}
