// Inline checks of the provider form, as the user types: the engine checks everything again
// when saving (and is the authority); these only catch the obvious early.
import type { AuthMethod, ProviderSpec } from './bindings';

export type FieldErrors = Partial<Record<keyof ProviderSpec | 'form' | 'api_url', string>>;

const NAME = /^[A-Za-z0-9._-]{1,64}$/;

/** The client authentications that send a client secret (the engine's `AuthMethod` values). */
export const SECRET_METHODS: readonly AuthMethod[] = ['client_secret_basic', 'client_secret_post', 'client_secret_jwt'];

export function urlError(value: string | null | undefined, opts: { https?: boolean } = {}): string | null {
  const v = (value ?? '').trim();
  if (!v) return null;
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    return 'Not a URL (it needs a scheme, like https://…)';
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return 'Use an http or https URL';
  if (u.hash) return 'A URL here cannot have a #fragment';
  if (opts.https && u.protocol === 'http:' && !isLoopback(u.hostname))
    return 'Use https (http only on this machine, or tick "Allow insecure http")';
  return null;
}

/** 127.0.0.0/8, [::1] and localhost: where plain http stays on this machine (RFC 8252). */
export function isLoopback(host: string): boolean {
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host) || host === 'localhost' || host === '[::1]';
}

export function validateSpec(
  spec: ProviderSpec,
  opts: { needsSecret?: boolean; hasSecret?: boolean; fromResource?: string } = {},
): FieldErrors {
  const errors: FieldErrors = {};
  if (!spec.name.trim()) errors.name = 'Give the provider a name';
  else if (!NAME.test(spec.name.trim()) || spec.name.trim() === '.' || spec.name.trim() === '..')
    errors.name = 'Letters, digits, dot, dash and underscore only (it is also a CLI argument)';
  if (!spec.client_id.trim()) errors.client_id = 'The client ID is required';
  const urls: Array<keyof ProviderSpec> = [
    'issuer',
    'authorization_url',
    'token_url',
    'device_url',
    'revocation_url',
    'introspection_url',
    'userinfo_url',
    'jwks_url',
  ];
  for (const field of urls) {
    const e = urlError(spec[field] as string | null, { https: !spec.allow_http });
    if (e) errors[field] = e;
  }
  if (opts.fromResource !== undefined) {
    // The API's metadata names the issuer: only the API's URL is needed.
    if (!opts.fromResource.trim()) errors.api_url = "Give the API's URL";
    else {
      const e = urlError(opts.fromResource, { https: !spec.allow_http });
      if (e) errors.api_url = e;
    }
  } else if (!spec.issuer?.trim() && !spec.token_url?.trim())
    errors.token_url = errors.token_url ?? 'Give an issuer (discovery) or a token URL';
  const redirect = urlError(spec.redirect_uri, {});
  if (redirect) errors.redirect_uri = redirect;
  const signOutReturn = urlError(spec.post_logout_redirect_uri, {});
  if (signOutReturn) errors.post_logout_redirect_uri = signOutReturn;
  else if (spec.post_logout_redirect_uri?.trim()) {
    const u = new URL(spec.post_logout_redirect_uri.trim());
    if (u.protocol !== 'http:' || !isLoopback(u.hostname))
      errors.post_logout_redirect_uri = 'OAuth Desk waits for the return on this machine: http://127.0.0.1:PORT/PATH';
  }
  for (const [field, list] of [
    ['params', spec.params],
    ['token_params', spec.token_params],
  ] as const) {
    const bad = list.find((p) => p.trim() && !/^[^=]+=/.test(p.trim()));
    if (bad) errors[field] = `"${bad}" is not key=value`;
  }
  const details = authorizationDetailsError(spec.authorization_details);
  if (details) errors.authorization_details = details;
  const par = urlError(spec.par_url, { https: !spec.allow_http });
  if (par) errors.par_url = par;
  if (opts.needsSecret && spec.auth_method && SECRET_METHODS.includes(spec.auth_method) && !opts.hasSecret)
    errors.auth_method = 'This method needs a client secret';
  return errors;
}

/** RFC 9396 authorization details as typed: a JSON array of objects with a string `type`
 * (the engine checks the same when saving; this says it while typing). */
export function authorizationDetailsError(text: string | null): string | null {
  if (!text?.trim()) return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return `Not JSON: ${e instanceof Error ? e.message : String(e)}`;
  }
  if (!Array.isArray(value)) return 'It must be a JSON array of objects, each with a "type"';
  if (value.length === 0) return 'The array is empty';
  for (const [i, item] of value.entries()) {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) return `Item ${i + 1} is not an object`;
    const type = (item as Record<string, unknown>).type;
    if (type === undefined) return `Item ${i + 1} has no type`;
    if (typeof type !== 'string' || !type) return `Item ${i + 1}'s type is not a string`;
  }
  return null;
}

export function hasErrors(errors: FieldErrors): boolean {
  return Object.values(errors).some(Boolean);
}
