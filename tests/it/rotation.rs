//! ID-token signatures across a key rotation: the JWKS is cached, and fetched again once when a
//! token names a key the cache lacks.

use serde_json::json;
use wiremock::matchers::{body_string_contains, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::harness::{Home, mock_provider_signed_in};
use crate::keys::{TestKey, jwks};

fn id_token(key: &TestKey) -> String {
    let now = oauth_desk::now();
    key.sign(&json!({"iss": "https://as.example", "sub": "alice", "aud": "rp", "iat": now, "exp": now + 600}))
}

async fn mount(server: &MockServer, keys: serde_json::Value, grant: &str, token: String) {
    Mock::given(method("GET"))
        .and(path("/jwks"))
        .respond_with(ResponseTemplate::new(200).set_body_json(keys))
        .mount(server)
        .await;
    Mock::given(method("POST"))
        .and(path("/token"))
        .and(body_string_contains(grant))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "access_token": "at", "refresh_token": "rt", "expires_in": 600, "id_token": token,
        })))
        .mount(server)
        .await;
}

async fn signature(home: Home) -> (String, String, Home) {
    tokio::task::spawn_blocking(move || {
        let show = home.run(&["show", "rp", "--json"]).ok().json();
        let check = show["id_token"]["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == "signature")
            .unwrap()
            .clone();
        (
            check["result"].as_str().unwrap().to_owned(),
            check["detail"].as_str().unwrap().to_owned(),
            home,
        )
    })
    .await
    .unwrap()
}

/// The server now publishes `keys` and answers a refresh with `id_token`; refreshes `rp`.
async fn refresh_with(
    server: &MockServer,
    keys: serde_json::Value,
    id_token: String,
    home: Home,
) -> Home {
    server.reset().await;
    mount(server, keys, "grant_type=refresh_token", id_token).await;
    tokio::task::spawn_blocking(move || {
        home.run(&["refresh", "rp"]).ok();
        home
    })
    .await
    .unwrap()
}

async fn jwks_fetches(server: &MockServer) -> usize {
    server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .filter(|r| r.url.path() == "/jwks")
        .count()
}

#[tokio::test]
async fn a_rotated_key_is_fetched_once_and_an_unknown_one_fails() {
    let (a, b, c) = (
        TestKey::es256("a"),
        TestKey::es256("b"),
        TestKey::es256("c"),
    );
    let server = MockServer::start().await;
    mount(
        &server,
        jwks(&[&a]),
        "grant_type=authorization_code",
        id_token(&a),
    )
    .await;
    let uri = server.uri();
    let home = tokio::task::spawn_blocking(move || {
        let home = Home::new();
        let jwks_url = format!("{uri}/jwks");
        mock_provider_signed_in(
            &home,
            "rp",
            &uri,
            &["--jwks-url", &jwks_url, "--scope", "openid"],
        );
        home
    })
    .await
    .unwrap();
    let (result, detail, home) = signature(home).await;
    assert_eq!(result, "pass", "{detail}");
    assert!(detail.contains("kid=a"), "{detail}");
    assert_eq!(jwks_fetches(&server).await, 1);
    let (result, _, home) = signature(home).await;
    assert_eq!(result, "pass");
    assert_eq!(
        jwks_fetches(&server).await,
        1,
        "a cached JWKS that knows the kid is not fetched again"
    );

    // The server rotates to key b.
    let home = refresh_with(&server, jwks(&[&a, &b]), id_token(&b), home).await;
    let (result, detail, home) = signature(home).await;
    assert_eq!(result, "pass", "{detail}");
    assert!(detail.contains("kid=b"), "{detail}");
    assert_eq!(
        jwks_fetches(&server).await,
        1,
        "the unknown kid made exactly one fetch"
    );

    // A token signed with a key the server never published fails, after one more fetch.
    let home = refresh_with(&server, jwks(&[&a, &b]), id_token(&c), home).await;
    let (result, detail, _) = signature(home).await;
    assert_eq!(result, "fail");
    assert!(detail.contains("no key kid=c"), "{detail}");
    assert_eq!(jwks_fetches(&server).await, 1);
}

#[tokio::test]
async fn a_tampered_token_fails_its_signature() {
    let a = TestKey::es256("a");
    let server = MockServer::start().await;
    let genuine = id_token(&a);
    let (head, rest) = genuine.split_once('.').unwrap();
    let (_, sig) = rest.split_once('.').unwrap();
    let now = oauth_desk::now();
    let forged_claims = base64::Engine::encode(&base64::engine::general_purpose::URL_SAFE_NO_PAD,
        json!({"iss": "https://as.example", "sub": "mallory", "aud": "rp", "iat": now, "exp": now + 600}).to_string());
    mount(
        &server,
        jwks(&[&a]),
        "grant_type=authorization_code",
        format!("{head}.{forged_claims}.{sig}"),
    )
    .await;
    let uri = server.uri();
    let home = tokio::task::spawn_blocking(move || {
        let home = Home::new();
        let jwks_url = format!("{uri}/jwks");
        mock_provider_signed_in(
            &home,
            "rp",
            &uri,
            &["--jwks-url", &jwks_url, "--scope", "openid"],
        );
        home
    })
    .await
    .unwrap();
    let (result, detail, _) = signature(home).await;
    assert_eq!(result, "fail", "{detail}");
    assert!(detail.contains("does not match"), "{detail}");
}
