//! The grants. Every grant ends in the same token request, so client authentication, extra
//! token parameters and response parsing live here once; each grant module only builds its
//! form (RFC 6749 §4.1.3 code, §4.4 client credentials, §6 refresh); `device` and `endpoints`
//! hold the device grant and the revocation / introspection / userinfo calls.

pub mod authorize;
pub mod challenge;
pub mod client_auth;
pub mod device;
pub mod endpoints;
pub mod grants;
pub mod par;
pub mod pkce;
pub mod registration;
pub mod request_object;
pub mod resource;
pub mod response;

use std::sync::Arc;

use url::Url;

pub use client_auth::Credentials;

use crate::dpop::{Dpop, DpopError};
use crate::http::{Form, HeaderValue, Http, HttpError, HttpResponse};
use crate::mtls::ClientCertificate;
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
    #[error(transparent)]
    Dpop(#[from] DpopError),
    #[error(transparent)]
    Certificate(#[from] crate::mtls::MtlsError),
    /// `invalid_client` for a client that authenticates with its certificate (RFC 8705).
    #[error("the server refused the client's certificate: {0}")]
    CertificateRefused(OAuthError),
    /// `invalid_client` for a client that authenticates with an assertion (RFC 7523).
    #[error("the server refused the client's assertion (its aud was {}): {}", .0.audience, .0.error)]
    AssertionRefused(Box<AssertionRefusal>),
    #[error(transparent)]
    Par(#[from] par::ParError),
    #[error(transparent)]
    RequestObject(#[from] request_object::RequestObjectError),
}

impl FlowError {
    /// The server's OAuth error, when the failure is one.
    pub fn oauth_error(&self) -> Option<&OAuthError> {
        match self {
            FlowError::Token(TokenError::OAuth(e)) | FlowError::CertificateRefused(e) => Some(e),
            FlowError::AssertionRefused(refusal) => Some(&refusal.error),
            FlowError::Authorization(authorize::AuthorizationError::Denied(e)) => Some(e),
            _ => None,
        }
    }
}

/// An `invalid_client` to a client assertion, and the `aud` it carried.
#[derive(Debug)]
pub struct AssertionRefusal {
    pub audience: String,
    pub kind: crate::provider::AssertionAudience,
    pub error: OAuthError,
}

/// A client at one provider: how it authenticates and where its endpoints are.
#[derive(Debug, Clone)]
pub struct Client {
    pub credentials: Credentials,
    pub token_endpoint: Url,
    pub token_params: Vec<Param>,
    /// Resource indicators (RFC 8707 §2.2) for every token request.
    pub resources: Vec<String>,
    /// The DPoP key every token request proves possession of (RFC 9449).
    pub dpop: Option<Dpop>,
    /// The certificate presented in every TLS handshake with the server (RFC 8705).
    pub certificate: Option<Arc<ClientCertificate>>,
    /// Where an opaque sender-constrained token's binding (`cnf`) can be read.
    pub introspection_endpoint: Option<Url>,
}

impl Client {
    /// The client secret, when the client has one (it also keys HS256 ID tokens).
    pub fn secret(&self) -> Option<&Secret> {
        self.credentials.secret.as_ref()
    }

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
                assertion_audience: assertion_audience(provider),
            },
            token_endpoint: provider
                .token_endpoint()
                .cloned()
                .ok_or(FlowError::MissingEndpoint("token endpoint"))?,
            token_params: provider.token_params.clone(),
            resources: provider.resources.clone(),
            dpop: None,
            certificate: None,
            introspection_endpoint: provider
                .endpoint(crate::provider::Endpoint::Introspection)
                .cloned(),
        })
    }

    /// `http` presenting this client's certificate, when it has one.
    pub fn transport(&self, http: &Http) -> Http {
        http.presenting(self.certificate.as_ref())
    }

    /// What this client proves possession of, as a token set records it.
    fn presented(&self) -> Result<crate::token::Presented, FlowError> {
        Ok(crate::token::Presented {
            dpop_jkt: self.dpop.as_ref().map(|d| d.key.thumbprint().to_owned()),
            x5t_s256: self
                .certificate
                .as_ref()
                .map(|c| c.thumbprint())
                .transpose()?,
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
        let authorization = self.credentials.apply(&mut form)?;
        for Param(k, v) in &self.token_params {
            form.add(k, v.as_str());
        }
        // A request that names its own resources (a token exchange's) keeps them.
        if !form.keys().any(|k| k == "resource") {
            for resource in &self.resources {
                form.add("resource", resource.as_str());
            }
        }
        let response = self
            .post_with_proof(
                http,
                &label,
                &self.token_endpoint,
                &form,
                authorization.as_ref(),
            )
            .await?;
        let mut parsed = match parse_token_response(&response) {
            Err(TokenError::OAuth(e))
                if e.error == "invalid_client" && self.credentials.method.is_mtls() =>
            {
                return Err(FlowError::CertificateRefused(e));
            }
            Err(TokenError::OAuth(e))
                if e.error == "invalid_client" && self.credentials.method.uses_assertion() =>
            {
                return Err(FlowError::AssertionRefused(Box::new(AssertionRefusal {
                    audience: self.credentials.assertion_audience.1.clone(),
                    kind: self.credentials.assertion_audience.0,
                    error: e,
                })));
            }
            other => other?,
        };
        parsed.presented = self.presented()?;
        parsed.cnf = self.introspected_binding(http, &parsed).await;
        Ok(parsed)
    }

    /// A sender-constrained token that is opaque says what it is bound to only through
    /// introspection (RFC 9449 §6.2, RFC 8705 §3.2): asked once, when it is issued, so the
    /// binding can be checked and shown. Best effort: a server that won't introspect for this
    /// client leaves the check undecided.
    async fn introspected_binding(
        &self,
        http: &Http,
        parsed: &TokenResponse,
    ) -> Option<serde_json::Map<String, serde_json::Value>> {
        if parsed.presented.is_empty() || crate::jwt::decode(parsed.access_token.expose()).is_ok() {
            return None;
        }
        let endpoint = self.introspection_endpoint.as_ref()?;
        let fields =
            endpoints::introspect(self, http, endpoint, &parsed.access_token, "access_token")
                .await
                .ok()?;
        fields.get("cnf").and_then(|c| c.as_object()).cloned()
    }

    /// POSTs `form` with a DPoP proof when the client has a key: a `use_dpop_nonce` answer
    /// is retried once with the server's nonce (RFC 9449 §8), and every `DPoP-Nonce` the
    /// server sends is remembered for the next request.
    async fn post_with_proof(
        &self,
        http: &Http,
        label: &str,
        endpoint: &Url,
        form: &Form,
        authorization: Option<&crate::secret::Secret>,
    ) -> Result<HttpResponse, FlowError> {
        let http = self.transport(http);
        let Some(dpop) = &self.dpop else {
            return Ok(http.post_form(label, endpoint, form, authorization).await?);
        };
        let mut retried = false;
        loop {
            let proof = dpop.proof_for("POST", endpoint, None)?;
            let response = http
                .post_form_with(
                    label,
                    endpoint,
                    form,
                    authorization,
                    &[("dpop", HeaderValue::Plain(proof.expose()))],
                )
                .await?;
            let nonce = response.header("dpop-nonce").map(str::to_owned);
            if let Some(nonce) = &nonce {
                dpop.nonces.remember(endpoint, nonce);
            }
            if !retried && nonce.is_some() && asks_for_nonce(&response) {
                retried = true;
                continue;
            }
            return Ok(response);
        }
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
        let authorization = self.credentials.apply(&mut form)?;
        Ok(self
            .transport(http)
            .post_form(label, endpoint, &form, authorization.as_ref())
            .await?)
    }
}

/// The `aud` of the provider's client assertions: its issuer identifier exactly as discovery
/// spells it (draft-ietf-oauth-rfc7523bis §4), or the token endpoint URL when chosen or when
/// there is no issuer.
fn assertion_audience(provider: &Provider) -> (crate::provider::AssertionAudience, String) {
    use crate::provider::AssertionAudience;
    let token_endpoint = || {
        provider
            .endpoints
            .token
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default()
    };
    match (provider.security.assertion_audience, &provider.issuer) {
        (AssertionAudience::Issuer, Some(issuer)) => {
            (AssertionAudience::Issuer, issuer.to_string())
        }
        _ => (AssertionAudience::TokenEndpoint, token_endpoint()),
    }
}

/// Whether a response is the server asking for a DPoP nonce: `use_dpop_nonce` as the token
/// endpoint's error (RFC 9449 §8) or in a resource's `WWW-Authenticate` challenge (§9).
pub fn asks_for_nonce(response: &HttpResponse) -> bool {
    let in_body = || {
        crate::token::body_fields(response)
            .and_then(|f| OAuthError::from_fields(&f, None))
            .is_some_and(|e| e.error == "use_dpop_nonce")
    };
    let in_challenge = || {
        response
            .header("www-authenticate")
            .is_some_and(|c| c.contains("use_dpop_nonce"))
    };
    matches!(response.status, 400 | 401) && (in_challenge() || in_body())
}
