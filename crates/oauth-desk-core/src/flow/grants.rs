//! The grants a client makes on its own, beside the code and device flows: token exchange
//! (RFC 8693), the JWT-bearer grant (RFC 7523 §2.1) and the password grant (RFC 6749 §4.3).
//! Each is one token request with the client's authentication.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use url::Url;

use super::client_auth::sign_jwt;
use super::{Client, FlowError};
use crate::http::{Form, Http};
use crate::provider::Scope;
use crate::secret::{Secret, random_urlsafe};
use crate::token::TokenResponse;

/// The kinds of token RFC 8693 names (§3), as sent in `*_token_type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum ExchangeTokenType {
    Access,
    Refresh,
    Id,
    Jwt,
}

impl ExchangeTokenType {
    pub fn urn(self) -> &'static str {
        match self {
            ExchangeTokenType::Access => "urn:ietf:params:oauth:token-type:access_token",
            ExchangeTokenType::Refresh => "urn:ietf:params:oauth:token-type:refresh_token",
            ExchangeTokenType::Id => "urn:ietf:params:oauth:token-type:id_token",
            ExchangeTokenType::Jwt => "urn:ietf:params:oauth:token-type:jwt",
        }
    }
}

/// What a token-exchange request sends besides the tokens.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExchangeTargets {
    pub audience: Vec<String>,
    pub resource: Vec<String>,
    pub scope: Option<Scope>,
    pub requested_token_type: Option<String>,
}

impl Client {
    /// RFC 8693 §2.1: the subject token (and the actor's), for a token of this client.
    pub async fn token_exchange(
        &self,
        http: &Http,
        subject: (&Secret, ExchangeTokenType),
        actor: Option<(&Secret, ExchangeTokenType)>,
        targets: &ExchangeTargets,
    ) -> Result<TokenResponse, FlowError> {
        let mut form = Form::new();
        form.add(
            "grant_type",
            "urn:ietf:params:oauth:grant-type:token-exchange",
        )
        .add("subject_token", subject.0.clone())
        .add("subject_token_type", subject.1.urn());
        if let Some((token, kind)) = actor {
            form.add("actor_token", token.clone())
                .add("actor_token_type", kind.urn());
        }
        for audience in &targets.audience {
            form.add("audience", audience.as_str());
        }
        for resource in &targets.resource {
            form.add("resource", resource.as_str());
        }
        if let Some(scope) = targets.scope.as_ref().filter(|s| !s.is_empty()) {
            form.add("scope", scope.as_str());
        }
        if let Some(kind) = &targets.requested_token_type {
            form.add("requested_token_type", kind.as_str());
        }
        self.token_request(http, form).await
    }

    /// RFC 7523 §2.1: an assertion for a token.
    pub async fn jwt_bearer(
        &self,
        http: &Http,
        assertion: &Secret,
        scope: &Scope,
    ) -> Result<TokenResponse, FlowError> {
        let mut form = Form::new();
        form.add("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer")
            .add("assertion", assertion.clone());
        if !scope.is_empty() {
            form.add("scope", scope.as_str());
        }
        self.token_request(http, form).await
    }

    /// RFC 6749 §4.3 (legacy, forbidden by RFC 9700 §2.4): the person's own password.
    pub async fn password(
        &self,
        http: &Http,
        username: &str,
        password: &Secret,
        scope: &Scope,
    ) -> Result<TokenResponse, FlowError> {
        let mut form = Form::new();
        form.add("grant_type", "password")
            .add("username", username)
            .add("password", password.clone());
        if !scope.is_empty() {
            form.add("scope", scope.as_str());
        }
        self.token_request(http, form).await
    }
}

/// How long a self-signed assertion is valid: RFC 7523 §3 wants it short.
pub const ASSERTION_LIFETIME_SECS: i64 = 120;

/// The claims of a self-signed JWT-bearer assertion (RFC 7523 §3): `iss` and `sub` the client
/// id unless given, `aud` the token endpoint, `iat`, a short `exp`, a fresh `jti`.
pub fn assertion_claims(
    client_id: &str,
    issuer: Option<&str>,
    subject: Option<&str>,
    audience: &Url,
    now: i64,
) -> Result<Map<String, Value>, FlowError> {
    let mut claims = Map::new();
    claims.insert("iss".into(), given(issuer).unwrap_or(client_id).into());
    claims.insert("sub".into(), given(subject).unwrap_or(client_id).into());
    claims.insert("aud".into(), audience.as_str().into());
    claims.insert("iat".into(), now.into());
    claims.insert("exp".into(), (now + ASSERTION_LIFETIME_SECS).into());
    claims.insert("jti".into(), random_urlsafe(16)?.into());
    Ok(claims)
}

/// A blank field (an empty form input) means "not set".
fn given(value: Option<&str>) -> Option<&str> {
    value.map(str::trim).filter(|v| !v.is_empty())
}

/// Signs `claims` with the PEM private key (its type chooses the algorithm).
pub fn sign_assertion(claims: &Map<String, Value>, pem: &Secret) -> Result<Secret, FlowError> {
    sign_jwt(claims, pem)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_types_are_rfc_8693_urns() {
        assert_eq!(
            ExchangeTokenType::Id.urn(),
            "urn:ietf:params:oauth:token-type:id_token"
        );
    }

    #[test]
    fn a_self_signed_assertion_is_short_lived_and_names_the_client() {
        let aud: Url = "https://as.example/token".parse().unwrap();
        let claims = assertion_claims("app", None, Some("alice"), &aud, 1000).unwrap();
        assert_eq!(claims["iss"], "app");
        assert_eq!(claims["sub"], "alice");
        assert_eq!(claims["aud"], "https://as.example/token");
        assert_eq!(claims["exp"], 1000 + ASSERTION_LIFETIME_SECS);
        let other = assertion_claims("app", Some(" "), None, &aud, 1000).unwrap();
        assert_ne!(claims["jti"], other["jti"], "a fresh jti each time");
        assert_eq!(other["sub"], "app");
        assert_eq!(other["iss"], "app", "a blank issuer is no issuer");
    }
}
