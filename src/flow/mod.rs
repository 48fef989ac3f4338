//! The grants. Every grant ends in the same token request, so client authentication, extra
//! token parameters and response parsing live here once; each grant module only builds its
//! form (RFC 6749 §4.1.3 code, §6 refresh).

pub mod authorize;
pub mod pkce;

use base64::Engine;
use url::Url;

use crate::http::{Form, Http, HttpError};
use crate::provider::{AuthMethod, Param, Provider};
use crate::secret::Secret;
use crate::token::{OAuthError, TokenError, TokenResponse, parse_token_response};

#[derive(Debug, thiserror::Error)]
pub enum FlowError {
    #[error(transparent)]
    Http(#[from] HttpError),
    #[error(transparent)]
    Token(#[from] TokenError),
    #[error("the provider has no {0} configured")]
    MissingEndpoint(&'static str),
    #[error(
        "client authentication {method} needs a client secret, and none is stored for this provider (set one with `provider add ... --client-secret-stdin`)"
    )]
    MissingSecret { method: AuthMethod },
    #[error(transparent)]
    Authorization(#[from] authorize::AuthorizationError),
    #[error("could not draw random numbers from the operating system: {0}")]
    Random(#[from] getrandom::Error),
}

impl FlowError {
    /// The server's OAuth error, when the failure is one.
    pub fn oauth_error(&self) -> Option<&OAuthError> {
        match self {
            FlowError::Token(TokenError::OAuth(e)) => Some(e),
            FlowError::Authorization(authorize::AuthorizationError::Denied(e)) => Some(e),
            _ => None,
        }
    }
}

/// What a token request needs to know about the client.
#[derive(Debug, Clone)]
pub struct Client {
    pub client_id: String,
    pub auth_method: AuthMethod,
    pub secret: Option<Secret>,
    pub token_endpoint: Url,
    pub token_params: Vec<Param>,
}

impl Client {
    pub fn for_provider(provider: &Provider, secret: Option<Secret>) -> Result<Client, FlowError> {
        Ok(Client {
            client_id: provider.client_id.clone(),
            auth_method: provider.auth_method,
            secret,
            token_endpoint: provider
                .token_endpoint()
                .cloned()
                .ok_or(FlowError::MissingEndpoint("token endpoint"))?,
            token_params: provider.token_params.clone(),
        })
    }

    /// Adds client authentication to `form` and returns the Authorization header value, if
    /// any (RFC 6749 §2.3.1).
    fn authenticate(&self, form: &mut Form) -> Result<Option<Secret>, FlowError> {
        let secret = || {
            self.secret.as_ref().ok_or(FlowError::MissingSecret {
                method: self.auth_method,
            })
        };
        match self.auth_method {
            AuthMethod::None => {
                form.add("client_id", self.client_id.as_str());
                Ok(None)
            }
            AuthMethod::ClientSecretPost => {
                let secret = secret()?;
                form.add("client_id", self.client_id.as_str())
                    .add("client_secret", secret.clone());
                Ok(None)
            }
            AuthMethod::ClientSecretBasic => Ok(Some(basic_authorization(
                &self.client_id,
                secret()?.expose(),
            ))),
        }
    }

    /// Sends a token request: `form` plus client authentication plus the provider's extra
    /// token parameters, then parses the answer tolerantly.
    pub async fn token_request(
        &self,
        http: &Http,
        mut form: Form,
    ) -> Result<TokenResponse, FlowError> {
        let authorization = self.authenticate(&mut form)?;
        for Param(k, v) in &self.token_params {
            form.add(k, v.as_str());
        }
        let response = http
            .post_form(&self.token_endpoint, &form, authorization.as_ref())
            .await?;
        Ok(parse_token_response(&response)?)
    }

    /// Exchanges an authorization code (RFC 6749 §4.1.3, RFC 7636 §4.5).
    pub async fn exchange_code(
        &self,
        http: &Http,
        code: &Secret,
        redirect_uri: &Url,
        verifier: Option<&Secret>,
    ) -> Result<TokenResponse, FlowError> {
        let mut form = Form::new();
        form.add("grant_type", "authorization_code")
            .add("code", code.clone())
            .add("redirect_uri", redirect_uri.as_str());
        if let Some(verifier) = verifier {
            form.add("code_verifier", verifier.clone());
        }
        self.token_request(http, form).await
    }

    /// Uses a refresh token (RFC 6749 §6). The scope is not sent: the grant keeps its scope.
    pub async fn refresh(
        &self,
        http: &Http,
        refresh_token: &Secret,
    ) -> Result<TokenResponse, FlowError> {
        let mut form = Form::new();
        form.add("grant_type", "refresh_token")
            .add("refresh_token", refresh_token.clone());
        self.token_request(http, form).await
    }
}

/// `Basic base64(urlencode(id) ":" urlencode(secret))`: RFC 6749 §2.3.1 says both are
/// form-urlencoded first, which many clients forget (a secret with `:` then breaks).
pub fn basic_authorization(client_id: &str, secret: &str) -> Secret {
    let encode = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    let raw = zeroize::Zeroizing::new(format!("{}:{}", encode(client_id), encode(secret)));
    Secret::new(format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(raw.as_bytes())
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_credentials_are_urlencoded_before_base64() {
        let header = basic_authorization("my client", "p:a/ss+w%rd");
        let encoded = header.expose().strip_prefix("Basic ").unwrap();
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(encoded)
            .unwrap();
        assert_eq!(
            String::from_utf8(decoded).unwrap(),
            "my+client:p%3Aa%2Fss%2Bw%25rd",
            "RFC 6749 §2.3.1: form-urlencode id and secret, then join with ':'"
        );
    }
}
