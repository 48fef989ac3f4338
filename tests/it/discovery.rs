//! Discovery: the OpenID and RFC 8414 documents read and merged, a wrong issuer refused, and
//! the https rule for endpoints off loopback.

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

/// Serves `document` at `at` on the mock server.
async fn serve(server: &MockServer, at: &str, document: serde_json::Value) {
    Mock::given(method("GET"))
        .and(path(at))
        .respond_with(ResponseTemplate::new(200).set_body_json(document))
        .mount(server)
        .await;
}

/// Adds provider `x` by discovery of `issuer` (from a blocking thread: the mock server runs on
/// this runtime) and returns it as `provider show --json` has it.
async fn added(issuer: String) -> serde_json::Value {
    tokio::task::spawn_blocking(move || {
        let home = Home::new();
        home.run(&[
            "provider",
            "add",
            "x",
            "--client-id",
            "c",
            "--issuer",
            &issuer,
        ])
        .ok();
        home.run(&["provider", "show", "x", "--json"]).ok().json()
    })
    .await
    .unwrap()
}

#[tokio::test]
async fn both_documents_are_read_and_merged() {
    let server = MockServer::start().await;
    let issuer = format!("{}/tenant", server.uri());
    let mut oidc = metadata(&issuer);
    oidc["userinfo_endpoint"] = json!(format!("{issuer}/userinfo"));
    serve(&server, "/tenant/.well-known/openid-configuration", oidc).await;
    // As django-oauth-toolkit does: revocation and introspection only in RFC 8414's document
    // (and, here, a token endpoint that differs: the OpenID document's wins).
    let mut oauth = metadata(&issuer);
    oauth["token_endpoint"] = json!(format!("{issuer}/other-token"));
    oauth["revocation_endpoint"] = json!(format!("{issuer}/revoke"));
    oauth["introspection_endpoint"] = json!(format!("{issuer}/introspect"));
    serve(
        &server,
        "/.well-known/oauth-authorization-server/tenant",
        oauth,
    )
    .await;
    let p = added(issuer.clone()).await;
    let e = &p["endpoints"];
    assert_eq!(
        e["token"],
        format!("{issuer}/token"),
        "the OpenID document comes first"
    );
    assert_eq!(e["userinfo"], format!("{issuer}/userinfo"));
    assert_eq!(
        e["revocation"],
        format!("{issuer}/revoke"),
        "an endpoint only RFC 8414's document lists is kept"
    );
    assert_eq!(e["introspection"], format!("{issuer}/introspect"));
    assert_eq!(
        p["scope"], "openid",
        "an OpenID document means an OpenID provider"
    );
}

#[tokio::test]
async fn the_rfc_8414_document_after_the_issuer_path_is_found_too() {
    let server = MockServer::start().await;
    let issuer = format!("{}/realms/dev", server.uri());
    let mut oauth = metadata(&issuer);
    oauth["revocation_endpoint"] = json!(format!("{issuer}/revoke"));
    serve(
        &server,
        "/realms/dev/.well-known/oauth-authorization-server",
        oauth,
    )
    .await;
    let p = added(issuer.clone()).await;
    assert_eq!(p["endpoints"]["revocation"], format!("{issuer}/revoke"));
}

#[test]
fn plain_http_off_loopback_is_refused_unless_allowed() {
    let endpoints = [
        "--authorize-url",
        "http://idp.example/authorize",
        "--token-url",
        "http://idp.example/token",
    ];
    let home = Home::new();
    let mut args = vec!["provider", "add", "x", "--client-id", "c"];
    args.extend_from_slice(&endpoints);
    let run = home.run(&args).fails(2, "https");
    assert!(
        run.stderr.contains("--allow-http"),
        "the CLI names the flag that accepts it: {}",
        run.stderr
    );
    assert_eq!(
        home.run(&["provider", "list", "--json"]).ok().json(),
        json!([]),
        "nothing is saved"
    );
    // An issuer is refused before anything is sent to it.
    home.run(&[
        "provider",
        "add",
        "y",
        "--client-id",
        "c",
        "--issuer",
        "http://idp.example",
    ])
    .fails(2, "https");

    args.push("--allow-http");
    home.run(&args).ok();
    let shown = home.run(&["provider", "show", "x"]).ok();
    assert!(shown.stdout.contains("insecure"), "{}", shown.stdout);
    let report = home.run(&["show", "x", "--json"]).ok().json();
    assert_eq!(
        report["insecure_transport"],
        json!(["http://idp.example/authorize", "http://idp.example/token"]),
        "the warning travels with the provider"
    );
    assert!(
        home.run(&["show", "x"])
            .ok()
            .stdout
            .contains("insecure transport")
    );
}

#[test]
fn loopback_hosts_keep_plain_http() {
    let home = Home::new();
    for (name, host) in [
        ("a", "127.0.0.1:9"),
        ("b", "localhost:9"),
        ("c", "[::1]:9"),
        ("d", "127.0.0.2:9"),
    ] {
        home.run(&[
            "provider",
            "add",
            name,
            "--client-id",
            "c",
            "--token-url",
            &format!("http://{host}/token"),
        ])
        .ok();
        let report = home.run(&["show", name, "--json"]).ok().json();
        assert!(
            report.get("insecure_transport").is_none(),
            "loopback http is not a warning (RFC 8252 §7.3): {report}"
        );
    }
}
