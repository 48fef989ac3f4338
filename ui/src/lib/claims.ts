// What the well-known JWT claims mean, for the claims table's hover text. Which of them are
// times is the engine's word (the report's `time_claims`).
export const CLAIM_HELP: Record<string, string> = {
  iss: 'Issuer: who made this token',
  sub: 'Subject: the user (or client) it is about, unique at the issuer',
  aud: 'Audience: who the token is meant for',
  azp: 'Authorized party: the client the token was issued to',
  exp: 'Expires at',
  iat: 'Issued at',
  nbf: 'Not valid before',
  auth_time: 'When the user last authenticated',
  nonce: 'Ties the ID token to this sign-in request',
  at_hash: 'Hash of the access token (binds it to this ID token)',
  c_hash: 'Hash of the authorization code',
  jti: 'Unique token ID',
  scope: 'Scopes granted to this token',
  scp: 'Scopes granted (Microsoft / Okta style)',
  roles: 'Roles of the user or app',
  groups: 'Groups of the user',
  client_id: 'The client the token was issued to',
  sid: 'Session ID at the provider',
  acr: 'Authentication context class (how strongly the user signed in)',
  amr: 'Authentication methods used',
  email: 'E-mail address',
  email_verified: 'Whether the provider verified the e-mail address',
  name: 'Full name',
  preferred_username: 'Username the user prefers',
  tid: 'Tenant ID (Microsoft Entra)',
  oid: 'Object ID of the user (Microsoft Entra)',
  typ: 'Token type',
  alg: 'Signature algorithm',
  kid: 'Key ID: which key of the JWKS signed it',
};

/** A claim value as text: strings bare, everything else as JSON. */
export function claimText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}
