//! Pushed authorization requests (RFC 9126): the authorization request's parameters are POSTed
//! to the server first, authenticated as the token endpoint would be (and with a DPoP proof
//! when the client has a key, RFC 9449 §10.1); the browser then gets only `client_id` and the
//! `request_uri` the server answered, which expires after `expires_in` seconds.

use url::Url;

use super::{Client, FlowError};
use crate::http::{Form, Http};
use crate::token::{OAuthError, body_fields};

#[derive(Debug, thiserror::Error)]
pub enum ParError {
    #[error("the server refused the pushed authorization request: {0}")]
    Refused(OAuthError),
    #[error(
        "the pushed authorization request endpoint answered HTTP {status} without a request_uri: {excerpt}"
    )]
    NoRequestUri { status: u16, excerpt: String },
}

/// What the server answered a pushed request with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pushed {
    pub request_uri: String,
    /// Seconds the `request_uri` stays usable.
    pub expires_in: Option<u64>,
}

impl Client {
    /// Pushes `params` (the whole authorization request, or `client_id` and `request`).
    pub async fn push_authorization_request(
        &self,
        http: &Http,
        endpoint: &Url,
        params: &[(String, String)],
    ) -> Result<Pushed, FlowError> {
        let mut form = Form::new();
        for (k, v) in params {
            // The client authenticates below; the form names it once.
            if k != "client_id" {
                form.add(k, v.as_str());
            }
        }
        let authorization = self.credentials.apply(&mut form)?;
        if !form.keys().any(|k| k == "client_id") {
            form.add("client_id", self.credentials.client_id.as_str());
        }
        let response = self
            .post_with_proof(
                http,
                "pushed authorization request",
                endpoint,
                &form,
                authorization.as_ref(),
            )
            .await?;
        let fields = body_fields(&response).unwrap_or_default();
        if let Some(error) = OAuthError::from_fields(&fields, Some(response.status)) {
            return Err(ParError::Refused(error).into());
        }
        match fields.get("request_uri").and_then(|u| u.as_str()) {
            Some(uri) if response.is_success() => Ok(Pushed {
                request_uri: uri.to_owned(),
                expires_in: fields.get("expires_in").and_then(|e| e.as_u64()),
            }),
            _ => Err(ParError::NoRequestUri {
                status: response.status,
                excerpt: crate::redact::body_excerpt(&response.body, 200),
            }
            .into()),
        }
    }
}
