//! The grants. Every grant ends in the same token request, so client authentication, extra
//! token parameters and response parsing live here once; each grant module only builds its
//! form (RFC 6749 §4.1.3 code, §4.4 client credentials, §6 refresh); `device` and `endpoints`
//! hold the device grant and the revocation / introspection / userinfo calls.

pub mod authorize;
pub mod client_auth;
pub mod device;
pub mod endpoints;
pub mod grants;
pub mod pkce;
pub mod response;

use url::Url;

pub use client_auth::Credentials;

use crate::http::{Form, Http, HttpError, HttpResponse};
use crate::provider::{AuthMethod, Param, Provider, Scope};
use crate::secret::{AuthorizationCode, PkceVerifier, RefreshToken, Secret};
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
        "client authentication {method} needs a client secret, and none is stored for this provider"
    )]
    MissingSecret { method: AuthMethod },
    #[error(transparent)]
    Authorization(#[from] authorize::AuthorizationError),
    #[error("could not draw random numbers from the operating system: {0}")]
    Random(#[from] getrandom::Error),
    #[error(
        "the client's private key is needed (private_key_jwt, a self-signed assertion), and none is stored for this provider"
    )]
    MissingPrivateKey,
    #[error("the client's private key can't sign: {0}")]
    BadPrivateKey(String),
    #[error(transparent)]
    Device(#[from] device::DeviceError),
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

/// A client at one provider: how it authenticates and where its endpoints are.
#[derive(Debug, Clone)]
pub struct Client {
    pub credentials: Credentials,
    pub token_endpoint: Url,
    pub token_params: Vec<Param>,
    /// Resource indicators (RFC 8707 §2.2) for every token request.
    pub resources: Vec<String>,
}

impl Client {
    pub fn for_provider(
        provider: &Provider,
        secret: Option<Secret>,
        private_key: Option<Secret>,
    ) -> Result<Client, FlowError> {
        Ok(Client {
            credentials: Credentials {
                client_id: provider.client_id.clone(),
                method: provider.auth_method,
                secret,
                private_key,
            },
            token_endpoint: provider
                .token_endpoint()
                .cloned()
                .ok_or(FlowError::MissingEndpoint("token endpoint"))?,
            token_params: provider.token_params.clone(),
            resources: provider.resources.clone(),
        })
    }

    /// Sends a token request: `form` plus client authentication plus the provider's extra
    /// token parameters, then parses the answer tolerantly.
    pub async fn token_request(
        &self,
        http: &Http,
        mut form: Form,
    ) -> Result<TokenResponse, FlowError> {
        let label = format!("token ({})", form.value("grant_type").unwrap_or("?"));
        let authorization = self.credentials.apply(&mut form, &self.token_endpoint)?;
        for Param(k, v) in &self.token_params {
            form.add(k, v.as_str());
        }
        // A request that names its own resources (a token exchange's) keeps them.
        if !form.keys().any(|k| k == "resource") {
            for resource in &self.resources {
                form.add("resource", resource.as_str());
            }
        }
        let response = http
            .post_form(&label, &self.token_endpoint, &form, authorization.as_ref())
            .await?;
        Ok(parse_token_response(&response)?)
    }

    /// Exchanges an authorization code (RFC 6749 §4.1.3, RFC 7636 §4.5).
    pub async fn exchange_code(
        &self,
        http: &Http,
        code: &AuthorizationCode,
        redirect_uri: &Url,
        verifier: Option<&PkceVerifier>,
    ) -> Result<TokenResponse, FlowError> {
        let mut form = Form::new();
        form.add("grant_type", "authorization_code")
            .add("code", Secret::clone(code))
            .add("redirect_uri", redirect_uri.as_str());
        if let Some(verifier) = verifier {
            form.add("code_verifier", Secret::clone(verifier));
        }
        self.token_request(http, form).await
    }

    /// Uses a refresh token (RFC 6749 §6). The scope is not sent: the grant keeps its scope.
    pub async fn refresh(
        &self,
        http: &Http,
        refresh_token: &RefreshToken,
    ) -> Result<TokenResponse, FlowError> {
        let mut form = Form::new();
        form.add("grant_type", "refresh_token")
            .add("refresh_token", Secret::clone(refresh_token));
        self.token_request(http, form).await
    }

    /// The client credentials grant (RFC 6749 §4.4).
    pub async fn client_credentials(
        &self,
        http: &Http,
        scope: &Scope,
    ) -> Result<TokenResponse, FlowError> {
        let mut form = Form::new();
        form.add("grant_type", "client_credentials");
        if !scope.is_empty() {
            form.add("scope", scope.as_str());
        }
        self.token_request(http, form).await
    }

    /// A form request to another endpoint of the server with client authentication
    /// (revocation, introspection, device authorization); returns the raw response.
    pub async fn authenticated_post(
        &self,
        http: &Http,
        label: &str,
        endpoint: &Url,
        mut form: Form,
    ) -> Result<HttpResponse, FlowError> {
        let authorization = self.credentials.apply(&mut form, &self.token_endpoint)?;
        Ok(http
            .post_form(label, endpoint, &form, authorization.as_ref())
            .await?)
    }
}
