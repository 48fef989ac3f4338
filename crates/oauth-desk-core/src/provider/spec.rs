//! `ProviderSpec`: what a person asks for when adding or editing a provider — the CLI's
//! `provider add` flags and the app's provider form, one type. `None` fields take the
//! template's or discovery's value or the secure default ([`super::build::build`] decides).
//! The choices are typed, so the app's form and the CLI accept exactly the same values.

use super::{
    AssertionAudience, AuthMethod, AuthorizeMethod, DpopAlg, ParMode, PkceMode, Provider,
    RequestObjectMode,
};

#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ProviderSpec {
    pub name: String,
    pub template: Option<String>,
    pub issuer: Option<String>,
    pub authorization_url: Option<String>,
    pub token_url: Option<String>,
    pub device_url: Option<String>,
    pub revocation_url: Option<String>,
    pub introspection_url: Option<String>,
    pub userinfo_url: Option<String>,
    pub jwks_url: Option<String>,
    pub end_session_url: Option<String>,
    /// The pushed authorization request endpoint (RFC 9126), when discovery has none.
    pub par_url: Option<String>,
    pub client_id: String,
    pub auth_method: Option<AuthMethod>,
    pub scope: Option<String>,
    pub redirect_uri: Option<String>,
    /// Where the end-session page returns (a loopback URI), for servers that compare it.
    pub post_logout_redirect_uri: Option<String>,
    pub pkce: Option<PkceMode>,
    pub authorize_method: Option<AuthorizeMethod>,
    pub params: Vec<String>,
    pub token_params: Vec<String>,
    /// Resource indicators (RFC 8707), absolute URIs.
    pub resources: Vec<String>,
    pub callback_timeout_secs: Option<u64>,
    /// Keep the keeper away from this provider.
    pub no_auto_refresh: bool,
    /// Renew this long before expiry instead of the default margin.
    pub refresh_margin_secs: Option<u64>,
    /// The desktop app signs in with the system browser rather than its login window.
    pub system_browser: bool,
    /// Accept plain-http endpoints on hosts that are not loopback (insecure: shown as a warning
    /// wherever the provider is).
    pub allow_http: bool,
    /// The username git is given with the token (default `oauth2`).
    pub git_username: Option<String>,
    /// The protected resource metadata URL (RFC 9728) the settings came from.
    pub resource_metadata: Option<String>,
    /// Push the authorization request (RFC 9126): auto (default), on, off.
    pub par: Option<ParMode>,
    /// Send the authorization request as a signed request object (RFC 9101).
    pub request_object: Option<RequestObjectMode>,
    /// Bind tokens to a DPoP key (RFC 9449).
    pub dpop: bool,
    /// The DPoP key's algorithm (implies `dpop`); ES256 when unset.
    pub dpop_alg: Option<DpopAlg>,
    /// RFC 9396 authorization details, a JSON array of objects with `type`.
    pub authorization_details: Option<String>,
    /// The `aud` of client assertions: the issuer (default) or the token endpoint.
    pub assertion_audience: Option<AssertionAudience>,
}

impl ProviderSpec {
    /// What the provider form shows for an existing provider: every setting, spelled as `add`
    /// takes it, so saving it unchanged changes nothing.
    pub fn of(provider: &Provider) -> ProviderSpec {
        let url = |u: &Option<url::Url>| u.as_ref().map(|u| u.to_string());
        let e = &provider.endpoints;
        ProviderSpec {
            name: provider.name.to_string(),
            template: provider.template.clone(),
            issuer: provider.issuer.as_ref().map(ToString::to_string),
            authorization_url: url(&e.authorization),
            token_url: url(&e.token),
            device_url: url(&e.device_authorization),
            revocation_url: url(&e.revocation),
            introspection_url: url(&e.introspection),
            userinfo_url: url(&e.userinfo),
            jwks_url: url(&e.jwks),
            end_session_url: url(&e.end_session),
            par_url: url(&e.pushed_authorization),
            client_id: provider.client_id.to_string(),
            auth_method: Some(provider.auth_method),
            scope: Some(provider.scope.to_string()),
            redirect_uri: Some(provider.redirect_uri.to_string()),
            post_logout_redirect_uri: provider
                .post_logout_redirect_uri
                .as_ref()
                .map(ToString::to_string),
            pkce: Some(provider.pkce),
            authorize_method: Some(provider.authorize_method),
            params: provider
                .authorize_params
                .iter()
                .map(|p| format!("{}={}", p.0, p.1))
                .collect(),
            token_params: provider
                .token_params
                .iter()
                .map(|p| format!("{}={}", p.0, p.1))
                .collect(),
            resources: provider.resources.clone(),
            callback_timeout_secs: Some(provider.callback_timeout_secs),
            no_auto_refresh: !provider.auto_refresh,
            refresh_margin_secs: provider.refresh_margin_secs,
            system_browser: provider.system_browser,
            allow_http: provider.allow_http,
            git_username: provider.git_username.clone(),
            resource_metadata: provider.resource_metadata.clone(),
            par: Some(provider.security.par),
            request_object: Some(provider.security.request_object),
            dpop: provider.security.dpop.is_some(),
            dpop_alg: provider.security.dpop,
            authorization_details: provider.security.authorization_details.clone(),
            assertion_audience: Some(provider.security.assertion_audience),
        }
    }
}
