import { describe, expect, it } from 'vitest';
import type { ProviderSpec } from './bindings';
import { authorizationDetailsError, hasErrors, urlError, validateSpec } from './validate';
import { emptySpec } from './spec';

const base: ProviderSpec = { ...emptySpec(), name: 'op', issuer: 'https://op.example', client_id: 'app' };

describe('validateSpec', () => {
  it('accepts a minimal discovery provider', () => {
    expect(hasErrors(validateSpec(base))).toBe(false);
  });
  it('asks for a client id and a name', () => {
    const e = validateSpec({ ...base, client_id: '  ', name: '' });
    expect(e.client_id).toMatch(/required/);
    expect(e.name).toMatch(/name/);
  });
  it('refuses names the CLI could not take', () => {
    expect(validateSpec({ ...base, name: 'my op' }).name).toBeTruthy();
    expect(validateSpec({ ...base, name: '..' }).name).toBeTruthy();
    expect(validateSpec({ ...base, name: 'a.b-c_d' }).name).toBeUndefined();
  });
  it('flags bad URLs where they are typed', () => {
    const e = validateSpec({ ...base, issuer: 'op.example', token_url: 'ftp://x/token' });
    expect(e.issuer).toMatch(/Not a URL/);
    expect(e.token_url).toMatch(/http or https/);
  });
  it('wants https except on loopback', () => {
    expect(validateSpec({ ...base, issuer: 'http://op.example' }).issuer).toMatch(/https/);
    expect(validateSpec({ ...base, issuer: 'http://127.0.0.1:3000' }).issuer).toBeUndefined();
  });
  it('needs an issuer or a token URL', () => {
    expect(validateSpec({ ...base, issuer: null }).token_url).toMatch(/issuer.*token URL/);
    expect(validateSpec({ ...base, issuer: null, token_url: 'https://op.example/token' }).token_url).toBeUndefined();
  });
  it('wants the sign-out return on this machine', () => {
    const at = (uri: string) => validateSpec({ ...base, post_logout_redirect_uri: uri }).post_logout_redirect_uri;
    expect(at('http://127.0.0.1:4711/bye')).toBeUndefined();
    expect(at('https://app.example/bye')).toMatch(/this machine/);
    expect(at('not a url')).toMatch(/Not a URL/);
  });
  it('checks extra parameters are key=value', () => {
    expect(validateSpec({ ...base, params: ['prompt=login', 'oops'] }).params).toMatch(/oops/);
  });
  it('needs a secret for the secret methods', () => {
    const spec = { ...base, auth_method: 'client_secret_basic' as const };
    expect(validateSpec(spec, { needsSecret: true, hasSecret: false }).auth_method).toBeTruthy();
    expect(validateSpec(spec, { needsSecret: true, hasSecret: true }).auth_method).toBeUndefined();
  });
});

describe('urlError', () => {
  it('ignores empty fields and refuses fragments', () => {
    expect(urlError('')).toBeNull();
    expect(urlError('https://a.example/cb#x')).toMatch(/fragment/);
  });
});

describe('authorizationDetailsError', () => {
  it('takes a JSON array of objects with a type', () => {
    expect(authorizationDetailsError(null)).toBeNull();
    expect(authorizationDetailsError('  ')).toBeNull();
    expect(authorizationDetailsError('[{"type":"payment_initiation","amount":"1"}]')).toBeNull();
  });
  it('says what is wrong, as the engine does', () => {
    expect(authorizationDetailsError('[{')).toMatch(/Not JSON/);
    expect(authorizationDetailsError('{"type":"x"}')).toMatch(/array/);
    expect(authorizationDetailsError('[]')).toMatch(/empty/);
    expect(authorizationDetailsError('[{"type":"a"},{"kind":"b"}]')).toBe('Item 2 has no type');
    expect(authorizationDetailsError('[{"type":3}]')).toMatch(/not a string/);
    expect(validateSpec({ ...base, authorization_details: '[1]' }).authorization_details).toBe('Item 1 is not an object');
  });
});

describe('from an API URL', () => {
  it('needs the API URL instead of an issuer', () => {
    const spec = { ...emptySpec(), name: 'api', client_id: 'c' };
    expect(validateSpec(spec).token_url).toBeTruthy();
    const none = validateSpec(spec, { fromResource: '' });
    expect(none.token_url).toBeUndefined();
    expect(none.api_url).toBe("Give the API's URL");
    expect(validateSpec(spec, { fromResource: 'http://api.example/v1' }).api_url).toContain('Use https');
    expect(validateSpec(spec, { fromResource: 'https://api.example/v1' }).api_url).toBeUndefined();
  });
});

