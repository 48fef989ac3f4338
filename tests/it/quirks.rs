//! Real servers are messy: the token responses of the seed documents' servers, replayed by a
//! mock token endpoint, must all be accepted.

use serde_json::json;
use wiremock::matchers::{body_string_contains, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::harness::{Home, login_by_hand};

fn add(home: &Home, server: &str, scope: &str, extra: &[&str]) {
    let token = format!("{server}/token");
    let mut args = vec![
        "provider",
        "add",
        "q",
        "--authorize-url",
        "http://127.0.0.1:9/authorize",
        "--token-url",
        &token,
        "--client-id",
        "CLIENT_ID",
        "--scope",
        scope,
    ];
    args.extend_from_slice(extra);
    home.run_with_stdin(&args, "CLIENT_SECRET").ok();
}

async fn sign_in(server: &MockServer, scope: &'static str, extra: &'static [&'static str]) -> Home {
    let uri = server.uri();
    tokio::task::spawn_blocking(move || {
        let home = Home::new();
        add(&home, &uri, scope, extra);
        login_by_hand(&home, &["q"], |state| {
            format!("code=AUTHORIZATION_CODE&state={state}")
        })
        .ok();
        home
    })
    .await
    .unwrap()
}

async fn cli(home: Home, args: &'static [&'static str]) -> (crate::harness::Run, Home) {
    tokio::task::spawn_blocking(move || (home.run(args), home))
        .await
        .unwrap()
}

#[tokio::test]
async fn google_tutorial_comma_scopes_lowercase_bearer_secret_in_body() {
    // Seed 001: secret in the body, comma-separated scopes, lowercase bearer, extra fields.
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/token"))
        .and(body_string_contains("client_secret=CLIENT_SECRET"))
        .and(body_string_contains("grant_type=authorization_code"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "access_token": "ACCESS_TOKEN", "token_type": "bearer", "expires_in": 2592000,
            "refresh_token": "REFRESH_TOKEN", "scope": "email,calendar:read",
            "some_user_info": {"first_name": "John", "last_name": "DOE"}
        })))
        .expect(1)
        .mount(&server)
        .await;
    let home = sign_in(
        &server,
        "email,calendar:read",
        &[
            "--client-secret-stdin",
            "--auth-method",
            "post",
            "--pkce",
            "off",
        ],
    )
    .await;
    let (run, home) = cli(home, &["show", "q", "--json"]).await;
    let show = run.ok().json();
    assert_eq!(show["access_token"]["token_type"], "bearer");
    assert_eq!(show["scopes"]["granted"], json!(["email", "calendar:read"]));
    assert_eq!(show["scopes"]["not_granted"], json!([]));
    assert_eq!(show["extra"]["some_user_info"]["first_name"], "John");
    let (run, _) = cli(home, &["token", "q"]).await;
    assert_eq!(run.ok().stdout.trim(), "ACCESS_TOKEN");
}

#[tokio::test]
async fn form_encoded_response_with_string_expires_in() {
    // GitHub-style: form-encoded body unless Accept: application/json is honoured.
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/token"))
        .and(header("authorization", "Basic Q0xJRU5UX0lEOkNMSUVOVF9TRUNSRVQ="))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            "access_token=gho_example0token0for0the0tests0only0000&scope=repo%2Cgist&token_type=bearer&expires_in=28800&refresh_token=ghr_x",
            "application/x-www-form-urlencoded",
        ))
        .expect(1)
        .mount(&server)
        .await;
    let home = sign_in(
        &server,
        "repo,gist",
        &["--client-secret-stdin", "--auth-method", "basic"],
    )
    .await;
    let (run, _) = cli(home, &["show", "q", "--json"]).await;
    let show = run.ok().json();
    assert_eq!(show["access_token"]["lifetime"], 28800);
    assert_eq!(show["scopes"]["granted"], json!(["repo", "gist"]));
}

#[tokio::test]
async fn ec_cube_jwt_access_token_and_refresh_without_rotation() {
    // Seed 002: JWT access token, long opaque refresh token; a refresh that returns no new
    // refresh token and no expires_in: the old refresh token stays, the expiry becomes unknown.
    let server = MockServer::start().await;
    let jwt = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJlYmQ3NDZlM2E0MjcxNGE2M2YyYjI0N2JmOWI0MjUwNiIsInN1YiI6ImFkbWluIiwic2NvcGVzIjpbInJlYWQiXX0.c2lnbmF0dXJl";
    Mock::given(method("POST"))
        .and(path("/token"))
        .and(body_string_contains("grant_type=authorization_code"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "token_type": "Bearer", "expires_in": 3600, "access_token": jwt, "refresh_token": "def502003895e9eb"
        })))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/token"))
        .and(body_string_contains("grant_type=refresh_token"))
        .and(body_string_contains("refresh_token=def502003895e9eb"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"access_token": "second", "token_type": "Bearer"})),
        )
        .expect(2)
        .mount(&server)
        .await;
    let home = sign_in(
        &server,
        "read write",
        &[
            "--client-secret-stdin",
            "--auth-method",
            "post",
            "--redirect-uri",
            "http://127.0.0.1/callback",
        ],
    )
    .await;
    let (run, home) = cli(home, &["show", "q", "--json"]).await;
    let show = run.ok().json();
    assert_eq!(show["access_token"]["format"], "jwt");
    assert_eq!(show["access_token"]["claims"]["sub"], "admin");
    assert_eq!(show["access_token"]["header"]["alg"], "RS256");
    let (run, home) = cli(home, &["refresh", "q"]).await;
    run.ok();
    // The second refresh must present the same (kept) refresh token: the mock's matcher checks it.
    let (run, home) = cli(home, &["refresh", "q"]).await;
    run.ok();
    let (run, _) = cli(home, &["show", "q", "--json"]).await;
    let show = run.ok().json();
    assert_eq!(
        show["access_token"]["expires_at"],
        serde_json::Value::Null,
        "no expires_in: unknown expiry"
    );
    assert_eq!(show["refresh_token"]["present"], true);
    assert_eq!(show["refresh_token"]["rotations"], 0);
}

#[tokio::test]
async fn a_refused_refresh_marks_the_provider_sign_in_needed() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(body_string_contains("grant_type=authorization_code"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(
                json!({"access_token": "a", "refresh_token": "r", "expires_in": "60"}),
            ),
        )
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(body_string_contains("grant_type=refresh_token"))
        .respond_with(ResponseTemplate::new(400).set_body_json(
            json!({"error": "invalid_grant", "error_description": "refresh token revoked"}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let home = sign_in(&server, "read", &[]).await;
    let (run, home) = cli(home, &["refresh", "q"]).await;
    run.fails(1, "invalid_grant").fails(1, "Sign in again");
    let (run, home) = cli(home, &["show", "q", "--json"]).await;
    let show = run.ok().json();
    assert_eq!(show["status"], "sign_in_needed");
    // No second attempt with a dead refresh token: the mock expects exactly one.
    let (run, _) = cli(home, &["token", "q"]).await;
    run.fails(1, "login q");
}

#[tokio::test]
async fn token_params_reach_every_token_request() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(body_string_contains("resource=https%3A%2F%2Fapi.example"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(
                json!({"access_token": "a", "refresh_token": "r", "expires_in": 60}),
            ),
        )
        .expect(2)
        .mount(&server)
        .await;
    let home = sign_in(
        &server,
        "read",
        &["--token-param", "resource=https://api.example"],
    )
    .await;
    let (run, _) = cli(home, &["refresh", "q"]).await;
    run.ok();
}

#[tokio::test]
async fn without_a_refresh_token_the_token_works_until_it_expires() {
    // Seed 004: the refresh token is optional.
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"access_token": "only-one", "expires_in": 2})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let home = sign_in(&server, "read", &[]).await;
    let (run, home) = cli(home, &["token", "q"]).await;
    assert_eq!(
        run.ok().stdout.trim(),
        "only-one",
        "due but not expired, and nothing to refresh with: still usable"
    );
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
    let (run, _) = cli(home, &["token", "q"]).await;
    run.fails(1, "no refresh token");
}

#[tokio::test]
async fn a_due_token_survives_a_failing_refresh_until_it_expires() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(body_string_contains("grant_type=authorization_code"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"access_token": "current", "refresh_token": "r", "expires_in": 6}),
        ))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(body_string_contains("grant_type=refresh_token"))
        .respond_with(ResponseTemplate::new(502).set_body_raw("bad gateway", "text/plain"))
        .mount(&server)
        .await;
    // A 6 s token is due with 3 s left (half the lifetime caps the margin): wait until then.
    let home = sign_in(&server, "read", &[]).await;
    tokio::time::sleep(std::time::Duration::from_millis(3300)).await;
    let (run, home) = cli(home, &["token", "q"]).await;
    assert_eq!(
        run.ok().stdout.trim(),
        "current",
        "a 502 on refresh must not take away a working token"
    );
    let (run, _) = cli(home, &["refresh", "q"]).await;
    run.fails(1, "HTTP 502");
}

#[tokio::test]
async fn a_server_clock_far_off_is_reported() {
    let server = MockServer::start().await;
    let ahead = jiff::Timestamp::now() + jiff::SignedDuration::from_secs(300);
    let date = jiff::fmt::rfc2822::DateTimePrinter::new()
        .timestamp_to_rfc9110_string(&ahead)
        .unwrap();
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("date", date.as_str())
                .set_body_json(json!({"access_token": "a", "expires_in": 600})),
        )
        .mount(&server)
        .await;
    let home = sign_in(&server, "read", &[]).await;
    let (run, home) = cli(home, &["show", "q", "--json"]).await;
    let clock = run.ok().json()["clock"].clone();
    let offset = clock["server_offset_secs"].as_i64().unwrap();
    assert!((295..=305).contains(&offset), "{clock}");
    assert!(
        clock["warning"].as_str().unwrap().contains("ahead of"),
        "{clock}"
    );
    let (run, _) = cli(home, &["show", "q"]).await;
    assert!(
        run.ok().stdout.contains("⚠ The server's clock is"),
        "the text view warns too"
    );
}
