import type { ProviderSpec } from './bindings';

/** A provider form with nothing filled in: every optional field unset (the engine's defaults). */
export function emptySpec(): ProviderSpec {
  return {
    name: '',
    template: null,
    issuer: null,
    authorization_url: null,
    token_url: null,
    device_url: null,
    revocation_url: null,
    introspection_url: null,
    userinfo_url: null,
    jwks_url: null,
    end_session_url: null,
    client_id: '',
    auth_method: null,
    scope: null,
    redirect_uri: null,
    pkce: null,
    authorize_method: null,
    params: [],
    token_params: [],
    resources: [],
    callback_timeout_secs: null,
    no_auto_refresh: false,
    refresh_margin_secs: null,
    system_browser: false,
    allow_http: false,
    git_username: null,
    par_url: null,
    par: null,
    request_object: null,
    dpop: false,
    dpop_alg: null,
    authorization_details: null,
  };
}
