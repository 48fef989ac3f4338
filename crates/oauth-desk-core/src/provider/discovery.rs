//! Server metadata discovery: OpenID Connect Discovery 1.0 and RFC 8414 OAuth 2.0
//! Authorization Server Metadata, read both and merged. Real servers list some endpoints in
//! only one of them (django-oauth-toolkit: revocation and introspection only in RFC 8414's), so
//! the OpenID document comes first and the RFC 8414 one fills its gaps. The RFC 8414 document
//! is looked for with the issuer's path inserted after the well-known segment (§3.1) and, as
//! many servers serve it, appended after the issuer's path.
//!
//! The `issuer` in the document must be the issuer the user asked for (OIDC Discovery §4.3,
//! RFC 8414 §3.3): a mismatch is an error, not a warning, since it is how mix-up attacks and
//! misconfigured proxies show themselves. The only leniency: a trailing slash.

use serde::Deserialize;
use url::Url;

use super::security::{MtlsAliases, ServerSecurity};
use super::{Endpoints, parse_endpoint, transport};
use crate::http::{Http, HttpError, HttpResponse};
use crate::redact;

#[derive(Debug, thiserror::Error)]
pub enum DiscoveryError {
    #[error("invalid issuer {0:?}: it must be an http(s) URL without query or fragment")]
    InvalidIssuer(String),
    #[error(transparent)]
    Insecure(#[from] super::ProviderError),
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
    /// PAR, request objects, DPoP, RAR and mTLS as the server announces them.
    pub security: ServerSecurity,
    /// The URL the document was read from.
    pub document_url: Url,
    /// Dynamic client registration (RFC 7591 §3), when the server offers it.
    pub registration_endpoint: Option<Url>,
    /// Client ID Metadata Documents: a client id that is a URL of the client's metadata.
    pub client_id_metadata_document_supported: bool,
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
    end_session_endpoint: Option<String>,
    #[serde(default)]
    authorization_response_iss_parameter_supported: bool,
    #[serde(default)]
    code_challenge_methods_supported: Vec<String>,
    #[serde(default)]
    token_endpoint_auth_methods_supported: Vec<String>,
    #[serde(default)]
    scopes_supported: Vec<String>,
    pushed_authorization_request_endpoint: Option<String>,
    #[serde(default)]
    require_pushed_authorization_requests: bool,
    #[serde(default)]
    request_object_signing_alg_values_supported: Vec<String>,
    #[serde(default)]
    require_signed_request_object: bool,
    #[serde(default)]
    dpop_signing_alg_values_supported: Vec<String>,
    #[serde(default)]
    authorization_details_types_supported: Vec<String>,
    #[serde(default)]
    tls_client_certificate_bound_access_tokens: bool,
    #[serde(default)]
    mtls_endpoint_aliases: std::collections::BTreeMap<String, serde_json::Value>,
    registration_endpoint: Option<String>,
    #[serde(default)]
    client_id_metadata_document_supported: bool,
}

/// Where the documents may live: the OpenID one, then the RFC 8414 ones in the order tried.
pub fn document_urls(issuer: &Url) -> (Url, Vec<Url>) {
    let path = issuer.path().trim_end_matches('/');
    let at = |p: String| {
        let mut url = issuer.clone();
        url.set_path(&p);
        url
    };
    let oidc = at(format!("{path}/.well-known/openid-configuration"));
    // RFC 8414 §3.1: the well-known segment goes between host and path; servers with a path
    // in their issuer often append it instead, as OpenID discovery does.
    let mut oauth = vec![at(format!("/.well-known/oauth-authorization-server{path}"))];
    if !path.is_empty() {
        oauth.push(at(format!("{path}/.well-known/oauth-authorization-server")));
    }
    (oidc, oauth)
}

pub fn parse_issuer(issuer: &str) -> Result<Url, DiscoveryError> {
    let url = parse_endpoint("issuer", issuer)
        .map_err(|_| DiscoveryError::InvalidIssuer(issuer.to_owned()))?;
    if url.query().is_some() {
        return Err(DiscoveryError::InvalidIssuer(issuer.to_owned()));
    }
    Ok(url)
}

/// Fetches, checks and merges the metadata documents of `issuer`. A plain-http issuer off
/// loopback is refused unless `allow_http`.
pub async fn discover(
    http: &Http,
    issuer: &str,
    allow_http: bool,
) -> Result<Discovered, DiscoveryError> {
    let issuer_url = parse_issuer(issuer)?;
    transport::check("issuer", &issuer_url, allow_http)?;
    let (oidc_url, oauth_urls) = document_urls(&issuer_url);
    let mut tried = Vec::new();
    let oidc = fetch_document(http, issuer, &oidc_url, &mut tried).await?;
    let mut oauth = None;
    for url in &oauth_urls {
        oauth = fetch_document(http, issuer, url, &mut tried).await?;
        if oauth.is_some() {
            break;
        }
    }
    let merged = match (oidc, oauth) {
        (Some(first), Some(second)) => first.merge(second),
        (Some(one), None) | (None, Some(one)) => one,
        (None, None) => {
            return Err(DiscoveryError::NotFound {
                issuer: issuer.to_owned(),
                tried: tried.join("; "),
            });
        }
    };
    if merged.endpoints.token.is_none() {
        return Err(DiscoveryError::MissingField {
            url: merged.document_url.to_string(),
            field: "token_endpoint",
        });
    }
    Ok(merged)
}

/// One document, if the server has it there. A missing one (non-2xx) is noted in `tried`; one
/// that is there but unusable is an error — except that a second document answered with
/// something that is not JSON (an HTML page for any path, as some servers do) is only noted.
async fn fetch_document(
    http: &Http,
    issuer: &str,
    url: &Url,
    tried: &mut Vec<String>,
) -> Result<Option<Discovered>, DiscoveryError> {
    let response = http.get_json("discovery", url).await?;
    if !response.is_success() {
        tried.push(format!("{url} answered HTTP {}", response.status));
        return Ok(None);
    }
    match read_document(issuer, &response) {
        Ok(found) => Ok(Some(found)),
        Err(DiscoveryError::NotJson { .. }) if !url.path().ends_with("openid-configuration") => {
            tried.push(format!("{url} is not JSON"));
            Ok(None)
        }
        Err(e) => Err(e),
    }
}

impl Discovered {
    /// This document's values, with `other`'s where this one says nothing.
    fn merge(mut self, other: Discovered) -> Discovered {
        let (e, o) = (&mut self.endpoints, other.endpoints);
        for (slot, value) in [
            (&mut e.authorization, o.authorization),
            (&mut e.token, o.token),
            (&mut e.device_authorization, o.device_authorization),
            (&mut e.revocation, o.revocation),
            (&mut e.introspection, o.introspection),
            (&mut e.userinfo, o.userinfo),
            (&mut e.jwks, o.jwks),
            (&mut e.end_session, o.end_session),
            (&mut e.pushed_authorization, o.pushed_authorization),
        ] {
            if slot.is_none() {
                *slot = value;
            }
        }
        self.iss_parameter_supported |= other.iss_parameter_supported;
        self.client_id_metadata_document_supported |= other.client_id_metadata_document_supported;
        if self.registration_endpoint.is_none() {
            self.registration_endpoint = other.registration_endpoint;
        }
        if self.security.is_default() {
            self.security = other.security;
        }
        for (mine, theirs) in [
            (
                &mut self.code_challenge_methods,
                other.code_challenge_methods,
            ),
            (
                &mut self.token_endpoint_auth_methods,
                other.token_endpoint_auth_methods,
            ),
            (&mut self.scopes_supported, other.scopes_supported),
        ] {
            if mine.is_empty() {
                *mine = theirs;
            }
        }
        self
    }
}

/// One document checked (and, for the single-document case, required to name a token endpoint).
#[cfg(test)]
fn from_document(expected: &str, response: &HttpResponse) -> Result<Discovered, DiscoveryError> {
    let found = read_document(expected, response)?;
    if found.endpoints.token.is_none() {
        return Err(DiscoveryError::MissingField {
            url: response.url.to_string(),
            field: "token_endpoint",
        });
    }
    Ok(found)
}

#[expect(
    clippy::too_many_lines,
    reason = "the metadata fields of RFC 8414 §2 / OIDC Discovery §3, one by one"
)]
fn read_document(expected: &str, response: &HttpResponse) -> Result<Discovered, DiscoveryError> {
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
        end_session: endpoint("end_session_endpoint", &metadata.end_session_endpoint)?,
        pushed_authorization: endpoint(
            "pushed_authorization_request_endpoint",
            &metadata.pushed_authorization_request_endpoint,
        )?,
    };
    let alias = |name: &'static str| -> Result<Option<Url>, DiscoveryError> {
        let value = metadata
            .mtls_endpoint_aliases
            .get(name)
            .and_then(|v| v.as_str())
            .map(str::to_owned);
        endpoint("mtls_endpoint_aliases", &value)
    };
    let security = ServerSecurity {
        requires_par: metadata.require_pushed_authorization_requests,
        request_object_algs: metadata.request_object_signing_alg_values_supported,
        requires_signed_request_object: metadata.require_signed_request_object,
        dpop_algs: metadata.dpop_signing_alg_values_supported,
        authorization_details_types: metadata.authorization_details_types_supported,
        certificate_bound_tokens: metadata.tls_client_certificate_bound_access_tokens,
        mtls_aliases: MtlsAliases {
            token: alias("token_endpoint")?,
            pushed_authorization: alias("pushed_authorization_request_endpoint")?,
            device_authorization: alias("device_authorization_endpoint")?,
            revocation: alias("revocation_endpoint")?,
            introspection: alias("introspection_endpoint")?,
            userinfo: alias("userinfo_endpoint")?,
        },
    };
    parse_issuer(&found)?;
    Ok(Discovered {
        issuer: found,
        endpoints,
        iss_parameter_supported: metadata.authorization_response_iss_parameter_supported,
        code_challenge_methods: metadata.code_challenge_methods_supported,
        token_endpoint_auth_methods: metadata.token_endpoint_auth_methods_supported,
        scopes_supported: metadata.scopes_supported,
        security,
        document_url: response.url.clone(),
        registration_endpoint: endpoint("registration_endpoint", &metadata.registration_endpoint)?,
        client_id_metadata_document_supported: metadata.client_id_metadata_document_supported,
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
            headers: Vec::new(),
            body,
            elapsed: std::time::Duration::ZERO,
            truncated: false,
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
        let (oidc, oauth) = document_urls(&Url::parse("https://as.example/tenant/1/").unwrap());
        assert_eq!(
            oidc.as_str(),
            "https://as.example/tenant/1/.well-known/openid-configuration"
        );
        let oauth: Vec<&str> = oauth.iter().map(Url::as_str).collect();
        assert_eq!(
            oauth,
            [
                "https://as.example/.well-known/oauth-authorization-server/tenant/1",
                "https://as.example/tenant/1/.well-known/oauth-authorization-server"
            ],
            "RFC 8414 §3.1 inserts the path; appending it is what servers also do"
        );
        let (oidc, oauth) = document_urls(&Url::parse("https://as.example").unwrap());
        assert_eq!(
            oidc.as_str(),
            "https://as.example/.well-known/openid-configuration"
        );
        assert_eq!(
            oauth,
            [Url::parse("https://as.example/.well-known/oauth-authorization-server").unwrap()]
        );
    }
}
