//! Server metadata discovery: OpenID Connect Discovery 1.0 first, then RFC 8414 OAuth 2.0
//! Authorization Server Metadata.
//!
//! The `issuer` in the document must be the issuer the user asked for (OIDC Discovery §4.3,
//! RFC 8414 §3.3): a mismatch is an error, not a warning, since it is how mix-up attacks and
//! misconfigured proxies show themselves. The only leniency: a trailing slash.

use serde::Deserialize;
use url::Url;

use super::{Endpoints, parse_endpoint};
use crate::http::{Http, HttpError, HttpResponse};
use crate::redact;

#[derive(Debug, thiserror::Error)]
pub enum DiscoveryError {
    #[error("invalid issuer {0:?}: it must be an http(s) URL without query or fragment")]
    InvalidIssuer(String),
    #[error(transparent)]
    Http(#[from] HttpError),
    #[error("no discovery document for {issuer}: {tried}")]
    NotFound { issuer: String, tried: String },
    #[error(
        "the discovery document at {url} is not JSON (HTTP {status}, {content_type}): {excerpt}"
    )]
    NotJson {
        url: String,
        status: u16,
        content_type: String,
        excerpt: String,
    },
    #[error(
        "the discovery document at {url} says its issuer is {found:?}, not {expected:?}: refusing to use it (a wrong issuer is how mix-up attacks look)"
    )]
    IssuerMismatch {
        url: String,
        expected: String,
        found: String,
    },
    #[error("the discovery document at {url} has no {field}")]
    MissingField { url: String, field: &'static str },
    #[error("the discovery document at {url} has an invalid {field}: {reason}")]
    InvalidField {
        url: String,
        field: &'static str,
        reason: String,
    },
}

/// What discovery found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Discovered {
    /// As the document spells it.
    pub issuer: String,
    pub endpoints: Endpoints,
    pub iss_parameter_supported: bool,
    pub code_challenge_methods: Vec<String>,
    pub token_endpoint_auth_methods: Vec<String>,
    pub scopes_supported: Vec<String>,
    /// The URL the document was read from.
    pub document_url: Url,
}

#[derive(Deserialize)]
struct Metadata {
    issuer: Option<String>,
    authorization_endpoint: Option<String>,
    token_endpoint: Option<String>,
    device_authorization_endpoint: Option<String>,
    revocation_endpoint: Option<String>,
    introspection_endpoint: Option<String>,
    userinfo_endpoint: Option<String>,
    jwks_uri: Option<String>,
    #[serde(default)]
    authorization_response_iss_parameter_supported: bool,
    #[serde(default)]
    code_challenge_methods_supported: Vec<String>,
    #[serde(default)]
    token_endpoint_auth_methods_supported: Vec<String>,
    #[serde(default)]
    scopes_supported: Vec<String>,
}

/// The two places a document may live, in the order they are tried.
pub fn document_urls(issuer: &Url) -> [Url; 2] {
    let path = issuer.path().trim_end_matches('/');
    let mut oidc = issuer.clone();
    oidc.set_path(&format!("{path}/.well-known/openid-configuration"));
    // RFC 8414 §3.1: the well-known segment goes between host and path.
    let mut oauth = issuer.clone();
    oauth.set_path(&format!("/.well-known/oauth-authorization-server{path}"));
    [oidc, oauth]
}

pub fn parse_issuer(issuer: &str) -> Result<Url, DiscoveryError> {
    let url = parse_endpoint("issuer", issuer)
        .map_err(|_| DiscoveryError::InvalidIssuer(issuer.to_owned()))?;
    if url.query().is_some() {
        return Err(DiscoveryError::InvalidIssuer(issuer.to_owned()));
    }
    Ok(url)
}

/// Fetches and checks the metadata of `issuer`.
pub async fn discover(http: &Http, issuer: &str) -> Result<Discovered, DiscoveryError> {
    let issuer_url = parse_issuer(issuer)?;
    let mut tried = Vec::new();
    for url in document_urls(&issuer_url) {
        let response = http.get_json("discovery", &url).await?;
        if response.is_success() {
            return from_document(issuer, &response);
        }
        tried.push(format!("{url} answered HTTP {}", response.status));
    }
    Err(DiscoveryError::NotFound {
        issuer: issuer.to_owned(),
        tried: tried.join("; "),
    })
}

fn from_document(expected: &str, response: &HttpResponse) -> Result<Discovered, DiscoveryError> {
    let url = response.url.to_string();
    let metadata: Metadata =
        serde_json::from_slice(&response.body).map_err(|_| DiscoveryError::NotJson {
            url: url.clone(),
            status: response.status,
            content_type: response.content_type.clone().unwrap_or_default(),
            excerpt: redact::body_excerpt(&response.body, 160),
        })?;
    let found = metadata
        .issuer
        .clone()
        .ok_or_else(|| DiscoveryError::MissingField {
            url: url.clone(),
            field: "issuer",
        })?;
    if found.trim_end_matches('/') != expected.trim().trim_end_matches('/') {
        return Err(DiscoveryError::IssuerMismatch {
            url,
            expected: expected.to_owned(),
            found,
        });
    }
    let endpoint =
        |field: &'static str, value: &Option<String>| -> Result<Option<Url>, DiscoveryError> {
            value
                .as_deref()
                .map(|v| parse_endpoint(field, v))
                .transpose()
                .map_err(|e| DiscoveryError::InvalidField {
                    url: url.clone(),
                    field,
                    reason: e.to_string(),
                })
        };
    let endpoints = Endpoints {
        authorization: endpoint("authorization_endpoint", &metadata.authorization_endpoint)?,
        token: endpoint("token_endpoint", &metadata.token_endpoint)?,
        device_authorization: endpoint(
            "device_authorization_endpoint",
            &metadata.device_authorization_endpoint,
        )?,
        revocation: endpoint("revocation_endpoint", &metadata.revocation_endpoint)?,
        introspection: endpoint("introspection_endpoint", &metadata.introspection_endpoint)?,
        userinfo: endpoint("userinfo_endpoint", &metadata.userinfo_endpoint)?,
        jwks: endpoint("jwks_uri", &metadata.jwks_uri)?,
    };
    if endpoints.token.is_none() {
        return Err(DiscoveryError::MissingField {
            url,
            field: "token_endpoint",
        });
    }
    parse_issuer(&found)?;
    Ok(Discovered {
        issuer: found,
        endpoints,
        iss_parameter_supported: metadata.authorization_response_iss_parameter_supported,
        code_challenge_methods: metadata.code_challenge_methods_supported,
        token_endpoint_auth_methods: metadata.token_endpoint_auth_methods_supported,
        scopes_supported: metadata.scopes_supported,
        document_url: response.url.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(body: Vec<u8>) -> HttpResponse {
        HttpResponse {
            url: Url::parse("https://as.example/.well-known/openid-configuration").unwrap(),
            status: 200,
            content_type: Some("application/json".into()),
            date: None,
            body,
            elapsed: std::time::Duration::ZERO,
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(crate::fuzz_cases(1000)))]
        #[test]
        fn reading_a_document_never_panics(body in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..300),
                                           issuer in "[ -~]{0,40}", token in "[ -~]{0,40}") {
            let _ = from_document("https://as.example", &response(body));
            let doc = serde_json::json!({"issuer": issuer, "token_endpoint": token, "jwks_uri": token});
            let _ = from_document("https://as.example", &response(doc.to_string().into_bytes()));
        }
    }

    #[test]
    fn a_document_must_name_the_expected_issuer_and_a_token_endpoint() {
        let doc = |v: serde_json::Value| response(v.to_string().into_bytes());
        let ok = from_document(
            "https://as.example/",
            &doc(serde_json::json!({
                "issuer": "https://as.example", "token_endpoint": "https://as.example/token"
            })),
        );
        assert_eq!(
            ok.unwrap().issuer,
            "https://as.example",
            "kept as the document spells it"
        );
        assert!(matches!(
            from_document(
                "https://as.example",
                &doc(serde_json::json!({"issuer": "https://as.example"}))
            ),
            Err(DiscoveryError::MissingField {
                field: "token_endpoint",
                ..
            })
        ));
        assert!(matches!(
            from_document(
                "https://as.example",
                &doc(
                    serde_json::json!({"issuer": "https://as.example", "token_endpoint": "ftp://x"})
                )
            ),
            Err(DiscoveryError::InvalidField { .. })
        ));
    }

    #[test]
    fn document_urls_follow_both_specs() {
        let [oidc, oauth] = document_urls(&Url::parse("https://as.example/tenant/1/").unwrap());
        assert_eq!(
            oidc.as_str(),
            "https://as.example/tenant/1/.well-known/openid-configuration"
        );
        assert_eq!(
            oauth.as_str(),
            "https://as.example/.well-known/oauth-authorization-server/tenant/1"
        );
        let [oidc, oauth] = document_urls(&Url::parse("https://as.example").unwrap());
        assert_eq!(
            oidc.as_str(),
            "https://as.example/.well-known/openid-configuration"
        );
        assert_eq!(
            oauth.as_str(),
            "https://as.example/.well-known/oauth-authorization-server"
        );
    }
}
