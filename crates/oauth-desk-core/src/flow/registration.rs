//! Dynamic client registration (RFC 7591) as a native app, and its management (RFC 7592):
//! the metadata sent, the answer read, the client deleted.

use serde_json::{Value, json};
use url::Url;

use crate::http::{Http, HttpError};
use crate::secret::Secret;

#[derive(Debug, thiserror::Error)]
pub enum RegistrationError {
    #[error(transparent)]
    Http(#[from] HttpError),
    #[error("the server refused the registration: {error}{}", description.as_deref().map(|d| format!(" ({d})")).unwrap_or_default())]
    Refused {
        error: String,
        description: Option<String>,
    },
    #[error("the registration endpoint answered {status} without a client_id: {excerpt}")]
    Unreadable { status: u16, excerpt: String },
    #[error("the server answered {status} to deleting the client")]
    NotDeleted { status: u16 },
}

/// What the server made (RFC 7591 §3.2.1, RFC 7592 §3).
#[derive(Debug)]
pub struct Registered {
    pub client_id: String,
    pub client_secret: Option<Secret>,
    pub token_endpoint_auth_method: String,
    pub registration_access_token: Option<Secret>,
    pub registration_client_uri: Option<Url>,
}

/// The auth method a native app asks for: `none` (a public client, RFC 8252 §8.4) when the
/// server takes it (or lists nothing), else a secret in the Basic header.
pub fn native_auth_method(supported: &[String]) -> &'static str {
    if supported.is_empty() || supported.iter().any(|m| m == "none") {
        "none"
    } else {
        "client_secret_basic"
    }
}

/// A native app's metadata (RFC 7591 §2, RFC 8252 §7.3: a loopback redirect on any port).
pub fn native_metadata(redirect_uri: &Url, auth_method: &str, scope: Option<&str>) -> Value {
    let mut metadata = json!({
        "client_name": "OAuth Desk",
        "application_type": "native",
        "redirect_uris": [redirect_uri.as_str()],
        "grant_types": ["authorization_code", "refresh_token"],
        "response_types": ["code"],
        "token_endpoint_auth_method": auth_method,
    });
    if let Some(scope) = scope.filter(|s| !s.trim().is_empty()) {
        metadata["scope"] = json!(scope);
    }
    metadata
}

/// Registers the client at `endpoint` (with an initial access token when the server needs one).
pub async fn register(
    http: &Http,
    endpoint: &Url,
    metadata: &Value,
    initial_access_token: Option<&Secret>,
) -> Result<Registered, RegistrationError> {
    let body = Secret::new(metadata.to_string());
    let response = http
        .json_request(
            "registration",
            "POST",
            endpoint,
            Some(&body),
            initial_access_token,
        )
        .await?;
    read_answer(&response, metadata, endpoint)
}

/// Updates the client (RFC 7592 §2.2): `metadata` is all of it, `client_id` (and a secret, when
/// one was issued) included. The answer may carry a new registration access token (the test OP
/// rotates it on each update): the caller keeps it, since the old one may no longer work.
pub async fn update(
    http: &Http,
    client_uri: &Url,
    registration_access_token: &Secret,
    metadata: &Value,
) -> Result<Registered, RegistrationError> {
    let body = Secret::new(metadata.to_string());
    let response = http
        .json_request(
            "registration update",
            "PUT",
            client_uri,
            Some(&body),
            Some(registration_access_token),
        )
        .await?;
    read_answer(&response, metadata, client_uri)
}

/// A registration's answer (RFC 7591 §3.2, RFC 7592 §3): the client, or the server's error.
/// A client URI is kept only on the origin the request went to.
fn read_answer(
    response: &crate::http::HttpResponse,
    metadata: &Value,
    sent_to: &Url,
) -> Result<Registered, RegistrationError> {
    let fields: Value = serde_json::from_slice(&response.body).unwrap_or(Value::Null);
    if !response.is_success()
        && let Some(error) = fields.get("error").and_then(Value::as_str)
    {
        return Err(RegistrationError::Refused {
            error: crate::printable::printable(error).into_owned(),
            description: fields
                .get("error_description")
                .and_then(Value::as_str)
                .map(|d| crate::printable::printable(d).into_owned()),
        });
    }
    let text = |k: &str| fields.get(k).and_then(Value::as_str).map(str::to_owned);
    let Some(client_id) = text("client_id").filter(|id| !id.is_empty()) else {
        return Err(RegistrationError::Unreadable {
            status: response.status,
            excerpt: crate::redact::body_excerpt(&response.body, 200),
        });
    };
    let client_secret = text("client_secret").map(Secret::new);
    let token_endpoint_auth_method = text("token_endpoint_auth_method")
        .unwrap_or_else(|| registered_auth_method(metadata, client_secret.is_some()).to_owned());
    Ok(Registered {
        client_id,
        client_secret,
        token_endpoint_auth_method,
        registration_access_token: text("registration_access_token").map(Secret::new),
        // The registration access token goes only where the registration went: a client URI
        // on another origin is not kept (it would be handed the token).
        registration_client_uri: text("registration_client_uri")
            .and_then(|u| Url::parse(&u).ok())
            .filter(|u| u.origin() == sent_to.origin()),
    })
}

/// The auth method a registration answer left out. The answer is what was registered (RFC 7591
/// §3.2.1): a secret issued to a client that asked to be public means the server made it
/// confidential, and the method it then has is the default, `client_secret_basic` (§2).
/// Otherwise, what was asked (a client given no secret has nothing else to send).
fn registered_auth_method(metadata: &Value, secret_issued: bool) -> &str {
    match metadata["token_endpoint_auth_method"].as_str() {
        None | Some("none") if secret_issued => "client_secret_basic",
        Some(asked) => asked,
        None => "none",
    }
}

/// Deletes the client (RFC 7592 §2.3): 204 (or any success) means gone.
pub async fn delete(
    http: &Http,
    client_uri: &Url,
    registration_access_token: &Secret,
) -> Result<(), RegistrationError> {
    let response = http
        .json_request(
            "unregistration",
            "DELETE",
            client_uri,
            None,
            Some(registration_access_token),
        )
        .await?;
    if response.is_success() {
        Ok(())
    } else {
        Err(RegistrationError::NotDeleted {
            status: response.status,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_client_uri_elsewhere_is_not_kept() {
        use wiremock::matchers::method;
        use wiremock::{Mock, MockServer, ResponseTemplate};
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(201).set_body_json(json!({
                "client_id": "c1",
                "registration_access_token": "rat",
                "registration_client_uri": "https://elsewhere.example/reg/c1"
            })))
            .mount(&server)
            .await;
        let endpoint = Url::parse(&format!("{}/reg", server.uri())).unwrap();
        let made = register(&Http::new().unwrap(), &endpoint, &json!({}), None)
            .await
            .unwrap();
        assert_eq!(made.client_id, "c1");
        assert!(made.registration_client_uri.is_none());
    }

    #[tokio::test]
    async fn a_secret_issued_without_a_method_is_sent_the_default_way() {
        use wiremock::matchers::method;
        use wiremock::{Mock, MockServer, ResponseTemplate};
        let server = MockServer::start().await;
        // As the MCP conformance suite's authorization server (and many others) answer.
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(201).set_body_json(json!({
                "client_id": "c1",
                "client_secret": "s3cret"
            })))
            .mount(&server)
            .await;
        let endpoint = Url::parse(&format!("{}/reg", server.uri())).unwrap();
        let asked_public = native_metadata(&endpoint, "none", None);
        let made = register(&Http::new().unwrap(), &endpoint, &asked_public, None)
            .await
            .unwrap();
        assert!(made.client_secret.is_some());
        assert_eq!(made.token_endpoint_auth_method, "client_secret_basic");
        // What was asked stands when the answer agrees with it or says nothing against it.
        assert_eq!(
            registered_auth_method(&json!({"token_endpoint_auth_method": "none"}), false),
            "none"
        );
        assert_eq!(
            registered_auth_method(
                &json!({"token_endpoint_auth_method": "client_secret_post"}),
                true
            ),
            "client_secret_post"
        );
        assert_eq!(registered_auth_method(&json!({}), false), "none");
    }

    #[test]
    fn a_native_app_asks_to_be_public_when_it_may() {
        assert_eq!(native_auth_method(&[]), "none");
        assert_eq!(
            native_auth_method(&["client_secret_basic".into(), "none".into()]),
            "none"
        );
        assert_eq!(
            native_auth_method(&["client_secret_basic".into()]),
            "client_secret_basic"
        );
        let m = native_metadata(
            &Url::parse("http://127.0.0.1/callback").unwrap(),
            "none",
            Some("openid"),
        );
        assert_eq!(m["application_type"], "native");
        assert_eq!(m["redirect_uris"][0], "http://127.0.0.1/callback");
        assert_eq!(
            m["grant_types"],
            json!(["authorization_code", "refresh_token"])
        );
        assert_eq!(m["scope"], "openid");
    }
}
