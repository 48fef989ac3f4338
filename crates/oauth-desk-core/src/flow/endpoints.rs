//! The calls around tokens: revocation (RFC 7009), introspection (RFC 7662) and userinfo
//! (OIDC Core §5.3).

use serde_json::{Map, Value};
use url::Url;

use super::{Client, FlowError};
use crate::http::{Form, Http};
use crate::secret::Secret;
use crate::token::{OAuthError, TokenError, body_fields, not_oauth};

fn oauth_or_unexpected(response: &crate::http::HttpResponse) -> FlowError {
    match body_fields(response).and_then(|f| OAuthError::from_fields(&f, Some(response.status))) {
        Some(e) => TokenError::OAuth(e).into(),
        None => not_oauth(response).into(),
    }
}

/// Revokes a token (RFC 7009 §2.1). Success is HTTP 200 whatever the token's state (§2.2).
pub async fn revoke(
    client: &Client,
    http: &Http,
    endpoint: &Url,
    token: &Secret,
    hint: &str,
) -> Result<(), FlowError> {
    let mut form = Form::new();
    form.add("token", token.clone())
        .add("token_type_hint", hint);
    let label = format!("revocation ({hint})");
    let response = client
        .authenticated_post(http, &label, endpoint, form)
        .await?;
    if response.is_success() {
        Ok(())
    } else {
        Err(oauth_or_unexpected(&response))
    }
}

/// Introspects a token (RFC 7662 §2.1); returns the server's JSON as it is.
pub async fn introspect(
    client: &Client,
    http: &Http,
    endpoint: &Url,
    token: &Secret,
    hint: &str,
) -> Result<Map<String, Value>, FlowError> {
    let mut form = Form::new();
    form.add("token", token.clone())
        .add("token_type_hint", hint);
    let label = format!("introspection ({hint})");
    let response = client
        .authenticated_post(http, &label, endpoint, form)
        .await?;
    if !response.is_success() {
        return Err(oauth_or_unexpected(&response));
    }
    match body_fields(&response) {
        Some(fields) if fields.contains_key("active") => Ok(fields),
        _ => Err(not_oauth(&response).into()),
    }
}

/// What userinfo returned: claims as JSON, or a signed/encrypted JWT (OIDC Core §5.3.2).
#[derive(Debug, Clone)]
pub enum UserInfo {
    Claims(Map<String, Value>),
    Jwt(String),
}

/// Calls the userinfo endpoint with the access token as a bearer token (RFC 6750 §2.1).
pub async fn userinfo(
    http: &Http,
    endpoint: &Url,
    presenter: &super::resource::Presenter<'_>,
) -> Result<UserInfo, FlowError> {
    let request = super::resource::ResourceRequest {
        method: "GET".into(),
        headers: vec![("accept".into(), "application/json".into())],
        body: None,
        limit: crate::http::BodyLimit::Refuse(crate::http::MAX_PROTOCOL_BODY),
    };
    let response = super::resource::send(http, "userinfo", presenter, endpoint, &request).await?;
    if !response.is_success() {
        return Err(oauth_or_unexpected(&response));
    }
    if response.content_type_is("application/jwt") {
        return Ok(UserInfo::Jwt(
            String::from_utf8_lossy(&response.body).trim().to_owned(),
        ));
    }
    match body_fields(&response) {
        Some(fields) => Ok(UserInfo::Claims(fields)),
        None => Err(not_oauth(&response).into()),
    }
}
