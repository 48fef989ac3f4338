//! The authorization request and its response (RFC 6749 §4.1.1–4.1.2, OIDC Core §3.1.2).
//!
//! One [`AuthorizationRequest`] per sign-in holds the random `state`, `nonce` and PKCE
//! verifier, builds the GET URL or the POST form, and checks the response that comes back:
//! `state` (constant-time), `iss` (RFC 9207), `error`, then `code`. Where the response arrives
//! from (loopback listener, login window, pasted URL) does not matter here.

use url::Url;

use super::pkce::Pkce;
use super::response::{AuthorizationResponse, ResponseShape};
use crate::provider::{AuthorizeMethod, Param, Provider, RESERVED_PARAMS, Scope};
use crate::secret::{AccessToken, AuthorizationCode, CsrfState, IdToken, Nonce, random_urlsafe};
use crate::token::OAuthError;

/// Whether a response carries the request's `state` (RFC 6749 §10.12).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StateCheck {
    Matches,
    Missing,
    Wrong,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum AuthorizationError {
    #[error("the authorization server returned an error: {0}")]
    Denied(OAuthError),
    #[error(
        "the response's state does not match this sign-in (a stale browser tab, or a forged redirect): refusing the code"
    )]
    StateMismatch,
    #[error("the response has no state parameter: refusing the code")]
    MissingState,
    #[error(
        "the response comes from issuer {found:?}, not {expected:?} (RFC 9207): refusing the code"
    )]
    IssuerMismatch { expected: String, found: String },
    #[error("the server promised an iss parameter (RFC 9207) but the response has none")]
    MissingIssuer,
    #[error("the response has neither a code nor an error")]
    MissingCode,
    #[error("the response has no {missing}, which response_type {response_type:?} promises")]
    MissingToken {
        missing: &'static str,
        response_type: &'static str,
    },
    #[error("the ID token in the authorization response {0}: refusing the response")]
    FrontChannelIdToken(String),
    #[error("the URL {got} is not the redirect URI {expected}")]
    WrongRedirect { expected: String, got: String },
    #[error("{0:?} is not a URL")]
    InvalidUrl(String),
    #[error("{0} is set by OAuth Desk itself, not as an extra parameter")]
    ReservedParam(String),
    #[error("the provider has no authorization endpoint configured")]
    NoEndpoint,
}

/// An authorization response's parameters: its fragment's (implicit and hybrid responses), and
/// else its query's.
struct ResponseParams<'a> {
    url: &'a Url,
    fragment: Vec<(String, String)>,
}

impl<'a> ResponseParams<'a> {
    fn of(url: &'a Url) -> Self {
        let fragment = url
            .fragment()
            .map(|f| {
                url::form_urlencoded::parse(f.as_bytes())
                    .into_owned()
                    .collect()
            })
            .unwrap_or_default();
        Self { url, fragment }
    }

    fn get(&self, name: &str) -> Option<String> {
        self.fragment
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .or_else(|| {
                self.url
                    .query_pairs()
                    .find(|(k, _)| k == name)
                    .map(|(_, v)| v.into_owned())
            })
    }
}

/// Whether `url` is a navigation to `redirect_uri`: same scheme, host, port and path (the
/// query and fragment carry the response). How a login window spots the response to capture.
pub fn is_redirect_to(url: &Url, redirect_uri: &Url) -> bool {
    url.scheme() == redirect_uri.scheme()
        && url.host_str() == redirect_uri.host_str()
        && url.port_or_known_default() == redirect_uri.port_or_known_default()
        && url.path() == redirect_uri.path()
}

/// One sign-in in progress.
#[derive(Debug)]
pub struct AuthorizationRequest {
    pub endpoint: Url,
    pub method: AuthorizeMethod,
    pub redirect_uri: Url,
    pub scope: Scope,
    pub state: CsrfState,
    pub nonce: Option<Nonce>,
    pub pkce: Option<Pkce>,
    pub shape: ResponseShape,
    params: Vec<(String, String)>,
    expected_issuer: Option<String>,
    iss_required: bool,
    /// The `type`s of the `authorization_details` asked for (RFC 9396), kept apart from the
    /// parameters, which a pushed request or request object replaces.
    pub detail_types: Vec<String>,
}

impl AuthorizationRequest {
    /// Builds the request for `provider`, redirecting to `redirect_uri` (the configured one,
    /// with the listener's port filled in), asking for `scope` exactly as written.
    pub fn new(
        provider: &Provider,
        redirect_uri: Url,
        scope: &Scope,
        extra: &[Param],
        shape: ResponseShape,
    ) -> Result<AuthorizationRequest, super::FlowError> {
        let endpoint = provider
            .endpoints
            .authorization
            .clone()
            .ok_or(AuthorizationError::NoEndpoint)?;
        let state = CsrfState::new(random_urlsafe(32)?);
        let wants_openid = scope.items().iter().any(|s| s == "openid");
        // An ID token from the front channel is bound to its sign-in by the nonce alone.
        let nonce = if wants_openid || shape.response_type.has_id_token() {
            Some(Nonce::new(random_urlsafe(32)?))
        } else {
            None
        };
        // PKCE protects a code; an implicit response has none.
        let pkce = if shape.response_type.has_code() {
            Pkce::generate(provider.pkce)?
        } else {
            None
        };

        let mut params: Vec<(String, String)> = vec![
            (
                "response_type".into(),
                shape.response_type.as_str().to_owned(),
            ),
            ("client_id".into(), provider.client_id.to_string()),
            ("redirect_uri".into(), redirect_uri.to_string()),
        ];
        if !scope.is_empty() {
            params.push(("scope".into(), scope.to_string()));
        }
        params.push(("state".into(), state.expose().to_owned()));
        if let Some(nonce) = &nonce {
            params.push(("nonce".into(), nonce.expose().to_owned()));
        }
        if let Some(pkce) = &pkce {
            params.push(("code_challenge".into(), pkce.challenge.clone()));
            params.push(("code_challenge_method".into(), pkce.method.into()));
        }
        for resource in &provider.resources {
            params.push(("resource".into(), resource.clone()));
        }
        if let Some(details) = &provider.security.authorization_details {
            params.push(("authorization_details".into(), details.clone()));
        }
        if let Some(mode) = shape.response_mode {
            params.push(("response_mode".into(), mode.as_str().to_owned()));
        }
        // Provider parameters, then this sign-in's: a later value replaces an earlier one.
        for Param(k, v) in provider.authorize_params.iter().chain(extra) {
            if RESERVED_PARAMS.contains(&k.as_str()) {
                return Err(AuthorizationError::ReservedParam(k.clone()).into());
            }
            params.retain(|(key, _)| key != k);
            params.push((k.clone(), v.clone()));
        }
        Ok(AuthorizationRequest {
            endpoint,
            method: provider.authorize_method,
            redirect_uri,
            scope: scope.clone(),
            state,
            nonce,
            pkce,
            shape,
            params,
            expected_issuer: provider.issuer.as_ref().map(ToString::to_string),
            iss_required: provider.iss_parameter_supported,
            detail_types: provider.security.detail_types(),
        })
    }

    /// The request's parameters as they stand (what a pushed request or a request object
    /// carries).
    pub fn params(&self) -> &[(String, String)] {
        &self.params
    }

    /// Names the DPoP key the code will be bound to (RFC 9449 §10).
    pub fn bind_to_dpop_key(&mut self, jkt: &str) {
        self.params.push(("dpop_jkt".into(), jkt.to_owned()));
    }

    /// Sends the parameters as a signed request object (RFC 9101 §5): `client_id` and
    /// `request`, with `response_type` and `scope` repeated for OpenID servers (OIDC Core
    /// §6.1 wants them outside too).
    pub fn use_request_object(&mut self, request_object: &crate::secret::Secret) {
        let keep = ["client_id", "response_type", "scope"];
        self.params.retain(|(k, _)| keep.contains(&k.as_str()));
        self.params
            .push(("request".into(), request_object.expose().to_owned()));
    }

    /// After a pushed request (RFC 9126 §4): the browser gets `client_id` and `request_uri`.
    pub fn use_pushed(&mut self, request_uri: &str) {
        self.params.retain(|(k, _)| k == "client_id");
        self.params
            .push(("request_uri".into(), request_uri.to_owned()));
    }

    /// The issuer the response must come from, when the provider has one.
    pub fn expected_issuer(&self) -> Option<&str> {
        self.expected_issuer.as_deref()
    }

    /// The authorization URL for a GET request. Existing query parameters of the endpoint are
    /// kept (RFC 6749 §3.1); every value is percent-encoded by `url`.
    pub fn url(&self) -> Url {
        let mut url = self.endpoint.clone();
        url.query_pairs_mut().extend_pairs(&self.params);
        url
    }

    /// A page that POSTs the request to the authorization endpoint by itself (for servers
    /// that take the authorization request as a form, OIDC Core §3.1.2.1).
    pub fn post_form_html(&self) -> String {
        let inputs: String = self
            .params
            .iter()
            .map(|(k, v)| {
                format!(
                    r#"<input type="hidden" name="{}" value="{}">"#,
                    html_escape(k),
                    html_escape(v)
                )
            })
            .collect();
        format!(
            r#"<!doctype html><html><head><meta charset="utf-8"><title>OAuth Desk: signing in…</title></head>
<body onload="document.forms[0].submit()"><form method="post" action="{action}">{inputs}
<noscript><button type="submit">Continue to sign in</button></noscript></form></body></html>"#,
            action = html_escape(self.endpoint.as_str())
        )
    }

    /// Checks an authorization response that arrived at `url` and returns the code.
    #[cfg(test)]
    pub fn accept(&self, url: &Url) -> Result<AuthorizationCode, AuthorizationError> {
        self.accept_response(url)?
            .code
            .ok_or(AuthorizationError::MissingCode)
    }

    /// Whether `url` carries this request's `state` (in its query or fragment): what decides
    /// whether a response to the loopback listener is this sign-in's at all.
    pub fn state_check(&self, url: &Url) -> StateCheck {
        let state = ResponseParams::of(url).get("state");
        match state {
            Some(state) if self.state.matches(&state) => StateCheck::Matches,
            Some(_) => StateCheck::Wrong,
            None => StateCheck::Missing,
        }
    }

    /// Checks an authorization response that arrived at `url` — in its query, or its fragment
    /// (a form post reaches here as a query) — and returns what it carries.
    pub fn accept_response(&self, url: &Url) -> Result<AuthorizationResponse, AuthorizationError> {
        if !is_redirect_to(url, &self.redirect_uri) {
            return Err(AuthorizationError::WrongRedirect {
                expected: self.redirect_uri.to_string(),
                got: crate::http::display_url(url),
            });
        }
        let params = ResponseParams::of(url);
        let get = |name: &str| params.get(name);
        let error = get("error").map(|error| OAuthError {
            error,
            error_description: get("error_description"),
            error_uri: get("error_uri"),
            status: None,
        });
        match get("state") {
            Some(state) if !self.state.matches(&state) => {
                return Err(AuthorizationError::StateMismatch);
            }
            Some(_) => {}
            // Some servers drop state on errors; the error is still worth showing.
            None => {
                return Err(
                    error.map_or(AuthorizationError::MissingState, AuthorizationError::Denied)
                );
            }
        }
        match (get("iss"), &self.expected_issuer) {
            (Some(found), Some(expected))
                if found.trim_end_matches('/') != expected.trim_end_matches('/') =>
            {
                return Err(AuthorizationError::IssuerMismatch {
                    expected: expected.clone(),
                    found,
                });
            }
            // RFC 9207 §2.4: an ID token in the response carries the issuer instead (checked
            // with the token's other front-channel checks).
            (None, Some(_)) if self.iss_required && get("id_token").is_none() => {
                return Err(AuthorizationError::MissingIssuer);
            }
            _ => {}
        }
        if let Some(error) = error {
            return Err(AuthorizationError::Denied(error));
        }
        let kind = self.shape.response_type;
        let present = |name: &str| get(name).filter(|v| !v.is_empty());
        let response = AuthorizationResponse {
            code: present("code").map(AuthorizationCode::new),
            iss: present("iss"),
            id_token: present("id_token").map(IdToken::new),
            access_token: present("access_token").map(AccessToken::new),
            token_type: present("token_type"),
            expires_in: present("expires_in").and_then(|s| s.trim().parse().ok()),
            scope: present("scope"),
        };
        let missing = |what| AuthorizationError::MissingToken {
            missing: what,
            response_type: kind.as_str(),
        };
        if kind.has_code() && response.code.is_none() {
            return Err(if kind == super::response::ResponseType::Code {
                AuthorizationError::MissingCode
            } else {
                missing("code")
            });
        }
        if kind.has_id_token() && response.id_token.is_none() {
            return Err(missing("id_token"));
        }
        if kind.has_token() && response.access_token.is_none() {
            return Err(missing("access_token"));
        }
        Ok(response)
    }
}

/// Parses what a person pasted: a full URL, possibly with spaces or quotes around it.
pub fn parse_pasted_url(text: &str) -> Result<Url, AuthorizationError> {
    let trimmed = text.trim().trim_matches(['"', '\'', '<', '>']);
    Url::parse(trimmed)
        .map_err(|_| AuthorizationError::InvalidUrl(crate::redact::redact_text(trimmed)))
}

pub fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

#[cfg(test)]
mod tests;
