//! Discovery: OIDC first, RFC 8414 as fallback, and a wrong issuer refused.

use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::harness::{Home, Op};

#[test]
fn discovery_stores_the_endpoints_of_the_real_op() {
    let op = Op::start();
    let home = Home::new();
    home.run(&[
        "provider",
        "add",
        "op",
        "--issuer",
        &op.issuer,
        "--client-id",
        "public-app",
    ])
    .ok();
    let p = home.run(&["provider", "show", "op", "--json"]).ok().json();
    assert_eq!(
        p["issuer"],
        op.issuer.as_str(),
        "the issuer is kept exactly as the server spells it"
    );
    assert_eq!(
        p["endpoints"]["authorization"],
        format!("{}/auth", op.issuer)
    );
    assert_eq!(p["endpoints"]["token"], format!("{}/token", op.issuer));
    assert_eq!(p["endpoints"]["jwks"], format!("{}/jwks", op.issuer));
    assert_eq!(
        p["endpoints"]["revocation"],
        format!("{}/token/revocation", op.issuer)
    );
    assert_eq!(
        p["scope"], "openid",
        "an OpenID provider defaults to the openid scope"
    );
    assert_eq!(p["pkce"], "s256");
    assert_eq!(p["auth_method"], "none");
    assert_eq!(p["iss_parameter_supported"], true);
}

fn metadata(issuer: &str) -> serde_json::Value {
    json!({
        "issuer": issuer,
        "authorization_endpoint": format!("{issuer}/authorize"),
        "token_endpoint": format!("{issuer}/token"),
    })
}

#[tokio::test]
async fn rfc_8414_metadata_is_the_fallback() {
    let server = MockServer::start().await;
    let issuer = format!("{}/tenant", server.uri());
    Mock::given(method("GET"))
        .and(path("/.well-known/oauth-authorization-server/tenant"))
        .respond_with(ResponseTemplate::new(200).set_body_json(metadata(&issuer)))
        .mount(&server)
        .await;
    let home = Home::new();
    let run = tokio::task::spawn_blocking(move || {
        let run = home.run(&[
            "provider",
            "add",
            "x",
            "--issuer",
            &issuer,
            "--client-id",
            "c",
        ]);
        (run, home)
    })
    .await
    .unwrap();
    let (run, home) = run;
    run.ok();
    let p = home.run(&["provider", "show", "x", "--json"]).ok().json();
    assert!(
        p["endpoints"]["token"]
            .as_str()
            .unwrap()
            .ends_with("/tenant/token")
    );
    assert_eq!(
        p["scope"], "",
        "a plain OAuth server gets no default openid scope"
    );
}

#[tokio::test]
async fn a_wrong_issuer_in_the_document_is_an_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/.well-known/openid-configuration"))
        .respond_with(ResponseTemplate::new(200).set_body_json(metadata("https://evil.example")))
        .mount(&server)
        .await;
    let uri = server.uri();
    let (run, home) = tokio::task::spawn_blocking(move || {
        let home = Home::new();
        (
            home.run(&["provider", "add", "x", "--issuer", &uri, "--client-id", "c"]),
            home,
        )
    })
    .await
    .unwrap();
    run.fails(1, "evil.example");
    let list = home.run(&["provider", "list", "--json"]).ok().json();
    assert_eq!(list, json!([]), "nothing is saved when discovery fails");
}

#[tokio::test]
async fn no_document_and_html_documents_are_explained() {
    let server = MockServer::start().await;
    let uri = server.uri();
    let run = tokio::task::spawn_blocking(move || {
        Home::new().run(&["provider", "add", "x", "--issuer", &uri, "--client-id", "c"])
    })
    .await
    .unwrap();
    run.fails(1, "404");

    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_raw("<html>Login</html>", "text/html"))
        .mount(&server)
        .await;
    let uri = server.uri();
    let run = tokio::task::spawn_blocking(move || {
        Home::new().run(&["provider", "add", "x", "--issuer", &uri, "--client-id", "c"])
    })
    .await
    .unwrap();
    run.fails(1, "not JSON");
}

#[test]
fn an_unreachable_issuer_is_a_clear_error() {
    // Port 9 (discard) on loopback: nothing listens there.
    Home::new()
        .run(&[
            "provider",
            "add",
            "x",
            "--issuer",
            "http://127.0.0.1:9",
            "--client-id",
            "c",
        ])
        .fails(1, "could not connect");
}
