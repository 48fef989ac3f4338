//! The other grants and endpoints against the real test OP: device flow, client credentials,
//! revocation, introspection, userinfo, private_key_jwt, JWT access tokens.

use serde_json::Value;

use crate::harness::{Home, Op, add_jwt_app, add_op_provider, add_post_app};

fn check<'a>(checks: &'a Value, name: &str) -> &'a Value {
    checks
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no {name} check in {checks}"))
}

#[test]
fn device_flow_end_to_end() {
    let op = Op::start();
    let home = Home::new();
    home.run(&[
        "provider",
        "add",
        "tv",
        "--issuer",
        &op.issuer,
        "--client-id",
        "device-app",
        "--scope",
        "openid offline_access profile",
    ])
    .ok();
    // browser.js plays the person: opens verification_uri_complete, signs in, approves.
    let run = home.run(&["device", "tv"]).ok();
    let code = run.stdout.lines().next().unwrap();
    assert!(
        code.contains('-') && code.len() >= 8,
        "the user code is printed alone first: {code:?}"
    );
    assert!(
        run.stderr.contains(code),
        "and shown to the person: {}",
        run.stderr
    );
    home.run(&["token", "tv"]).ok();
    let show = home.run(&["show", "tv", "--json"]).ok().json();
    assert_eq!(
        check(&show["id_token"]["checks"], "signature")["result"],
        "pass"
    );
    assert_eq!(
        op.token_log()
            .iter()
            .filter(|e| e["grant_type"] == "urn:ietf:params:oauth:grant-type:device_code")
            .count(),
        1,
        "the browser approved before the first poll (5 s interval), so one poll was enough"
    );
}

#[test]
fn client_credentials_are_requested_again_when_due() {
    let op = Op::start_with(&[("OP_ACCESS_TTL", "3")]);
    let home = Home::new();
    home.run_with_stdin(
        &[
            "provider",
            "add",
            "cc",
            "--issuer",
            &op.issuer,
            "--client-id",
            "cc-app",
            "--client-secret-stdin",
            "--scope",
            "api:read",
        ],
        "cc-secret-0123456789",
    )
    .ok();
    let run = home.run(&["client-credentials", "cc"]).ok();
    assert!(run.stdout.contains("api:read"), "{}", run.stdout);
    let first = home.run(&["token", "cc"]).ok().stdout;
    std::thread::sleep(std::time::Duration::from_millis(2000));
    let second = home.run(&["token", "cc"]).ok().stdout;
    assert_ne!(
        first, second,
        "a due client-credentials token is replaced by a new request"
    );
    let grants: Vec<_> = op
        .token_log()
        .into_iter()
        .filter(|e| e["grant_type"] == "client_credentials")
        .collect();
    assert_eq!(grants.len(), 2);
    assert_eq!(grants[1]["authorization_scheme"], "Basic");
}

#[test]
fn revoke_then_introspect_shows_inactive() {
    let op = Op::start();
    let home = Home::new();
    add_post_app(&home, &op, "p", &[]);
    home.run(&["login", "p"]).ok();
    let active = home.run(&["introspect", "p"]).ok().json();
    assert_eq!(active["active"], true);
    assert_eq!(active["client_id"], "post-app");
    assert_eq!(
        home.run(&["introspect", "p", "--refresh"]).ok().json()["active"],
        true
    );

    let run = home.run(&["revoke", "p"]).ok();
    assert!(
        run.stdout
            .contains("Revoked the refresh token and access token of p"),
        "{}",
        run.stdout
    );
    assert_eq!(
        home.run(&["introspect", "p"]).ok().json()["active"],
        false,
        "the server no longer accepts the access token"
    );
    assert_eq!(
        home.run(&["introspect", "p", "--refresh"]).ok().json()["active"],
        false
    );
    home.run(&["token", "p"]).fails(1, "revoked");
    assert_eq!(
        home.run(&["show", "p", "--json"]).ok().json()["status"],
        "sign_in_needed"
    );
}

#[test]
fn userinfo_answers_with_the_users_claims() {
    let op = Op::start();
    let home = Home::new();
    add_op_provider(&home, &op, "op", "public-app", None, &[]);
    home.run(&["login", "op"]).ok();
    let info = home.run(&["userinfo", "op"]).ok().json();
    assert_eq!(info["sub"], "alice");
    assert_eq!(info["preferred_username"], "alice");
}

#[test]
fn private_key_jwt_signs_in_and_renews() {
    let op = Op::start();
    let home = Home::new();
    let pem = add_jwt_app(&home, &op, "j");
    home.run(&["login", "j"]).ok();
    home.run(&["refresh", "j"]).ok();
    let log = op.token_log();
    assert_eq!(log.len(), 2);
    for entry in &log {
        assert_eq!(entry["status"], 200);
        assert_eq!(
            entry["client_assertion_type"],
            "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
        );
        assert_eq!(
            entry["assertion_aud"], op.issuer,
            "the issuer alone is the audience (draft-ietf-oauth-rfc7523bis)"
        );
        assert_eq!(entry["body_client_secret"], false);
    }
    let vault = home.read("vault.bin");
    assert!(
        !vault
            .windows(20)
            .any(|w| pem.as_bytes().windows(20).any(|p| p == w)),
        "the key is only in the encrypted vault"
    );
    home.run(&[
        "provider",
        "add",
        "k",
        "--issuer",
        &op.issuer,
        "--client-id",
        "jwt-app",
        "--auth-method",
        "private_key_jwt",
    ])
    .fails(2, "--private-key-file");
}

#[test]
fn a_server_wanting_the_token_endpoint_as_assertion_audience_is_named_and_served() {
    let op = Op::start_with(&[("OP_ASSERTION_AUD", "token-endpoint")]);
    let home = Home::new();
    add_jwt_app(&home, &op, "j");
    let refused = home
        .run(&["client-credentials", "j"])
        .fails(1, "invalid_client");
    assert!(
        refused
            .stderr
            .contains(&format!("it was the issuer, {}", op.issuer)),
        "{}",
        refused.stderr
    );
    assert!(
        refused
            .stderr
            .contains("--assertion-audience token-endpoint"),
        "{}",
        refused.stderr
    );
    let pem = home.path().join("j.pem");
    home.run(&["provider", "remove", "j"]).ok();
    home.run(&[
        "provider",
        "add",
        "j",
        "--issuer",
        &op.issuer,
        "--client-id",
        "jwt-app",
        "--auth-method",
        "private_key_jwt",
        "--private-key-file",
        pem.to_str().unwrap(),
        "--assertion-audience",
        "token-endpoint",
    ])
    .ok();
    let shown = home.run(&["provider", "show", "j"]).ok().stdout;
    assert!(
        shown.contains("assertion audience   token-endpoint"),
        "{shown}"
    );
    home.run(&["client-credentials", "j"]).ok();
    let last = op.token_log().pop().unwrap();
    assert_eq!(last["status"], 200);
    assert_eq!(last["assertion_aud"], op.token_endpoint());
}

#[test]
fn jwt_access_tokens_are_decoded_and_verified() {
    let op = Op::start_with(&[("OP_JWT_AT", "1")]);
    let home = Home::new();
    home.run(&[
        "provider",
        "add",
        "op",
        "--issuer",
        &op.issuer,
        "--client-id",
        "public-app",
        "--scope",
        "openid api:read",
        "--param",
        "resource=https://api.example",
    ])
    .ok();
    home.run(&["login", "op"]).ok();
    let show = home.run(&["show", "op", "--json"]).ok().json();
    let at = &show["access_token"];
    assert_eq!(at["format"], "jwt", "{at}");
    assert_eq!(at["claims"]["aud"], "https://api.example");
    assert_eq!(at["signature"]["result"], "pass", "{}", at["signature"]);
    // oidc-provider puts at_hash only in ID tokens from the authorization endpoint: here it is
    // absent, and the check says so rather than passing.
    assert_eq!(
        check(&show["id_token"]["checks"], "at_hash")["result"],
        "skip"
    );
}

#[test]
fn traces_and_har_never_hold_a_secret() {
    let op = Op::start();
    let home = Home::new();
    let secret = "post-secret-0123456789";
    add_post_app(&home, &op, "p", &[]);
    home.run(&["login", "p"]).ok();
    let first = home.run(&["show", "p", "--json", "--reveal"]).ok().json();
    let login_trace = home.run(&["trace", "p", "--json"]).ok().json();
    let labels: Vec<&str> = login_trace["exchanges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["label"].as_str().unwrap())
        .collect();
    assert_eq!(
        labels,
        [
            "authorization request (in the browser)",
            "authorization response (loopback redirect)",
            "token (authorization_code)"
        ]
    );

    home.run(&["refresh", "p"]).ok();
    let second = home.run(&["show", "p", "--json", "--reveal"]).ok().json();
    let har_path = home.path().join("refresh.har");
    home.run(&["trace", "p", "--har", har_path.to_str().unwrap()])
        .ok();
    let har: Value = serde_json::from_slice(&std::fs::read(&har_path).unwrap()).unwrap();
    assert_eq!(har["log"]["version"], "1.2");
    let entry = &har["log"]["entries"][0];
    assert_eq!(entry["request"]["method"], "POST");
    assert_eq!(entry["response"]["status"], 200);

    let text = format!(
        "{login_trace}{har}{}",
        home.run(&["trace", "p"]).ok().stdout
    );
    for (what, value) in [
        ("client secret", secret),
        (
            "first access token",
            first["access_token"]["value"].as_str().unwrap(),
        ),
        (
            "first refresh token",
            first["refresh_token"]["value"].as_str().unwrap(),
        ),
        ("ID token", first["id_token"]["value"].as_str().unwrap()),
        (
            "second access token",
            second["access_token"]["value"].as_str().unwrap(),
        ),
        (
            "second refresh token",
            second["refresh_token"]["value"].as_str().unwrap(),
        ),
    ] {
        assert!(!text.contains(value), "the {what} leaked into a trace");
    }
    assert!(
        text.contains("[redacted]"),
        "secrets are shown as redacted, not dropped silently"
    );
}

/// Every `token --format` of one fresh token, as the contract spells it.
pub fn formats(home: &Home, name: &str) -> [String; 5] {
    ["raw", "header", "json", "env", "curl"].map(|f| {
        home.run(&["token", name, "--format", f])
            .ok()
            .stdout
            .trim()
            .to_owned()
    })
}

pub fn assert_formats(formats: &[String; 5], env_name: &str) {
    let [raw, header, json, env, curl] = formats;
    assert!(
        !raw.is_empty() && !raw.contains(' '),
        "raw is the token alone"
    );
    assert_eq!(header, &format!("Authorization: Bearer {raw}"));
    let json: Value = serde_json::from_str(json).unwrap();
    assert_eq!(json["access_token"], raw.as_str());
    assert_eq!(json["token_type"], "Bearer");
    assert!(json["expires_at"].is_i64(), "{json}");
    assert_eq!(env, &format!("export {env_name}_ACCESS_TOKEN='{raw}'"));
    assert_eq!(curl, &format!("-H 'Authorization: Bearer {raw}'"));
}

#[test]
fn token_formats_are_ready_for_where_the_token_goes() {
    let op = Op::start();
    let home = Home::new();
    add_op_provider(&home, &op, "my-op.dev", "public-app", None, &[]);
    home.run(&["login", "my-op.dev"]).ok();
    let all = formats(&home, "my-op.dev");
    assert_formats(&all, "MY_OP_DEV");
    // The header works where it is used: the OP's userinfo accepts it.
    let header = all[1].strip_prefix("Authorization: ").unwrap().to_owned();
    let status = reqwest::blocking::Client::new()
        .get(format!("{}/me", op.issuer))
        .header("Authorization", header)
        .send()
        .unwrap()
        .status();
    assert_eq!(status, 200);
    home.run(&["token", "my-op.dev", "--format", "yaml"])
        .fails(2, "raw, header, json, env or curl");
}

#[test]
fn the_id_token_is_not_introspected_and_says_why() {
    let op = Op::start();
    let home = Home::new();
    add_post_app(&home, &op, "p", &[]);
    home.run(&["login", "p"]).ok();
    home.run(&["introspect", "p", "--id"])
        .fails(1, "ID tokens are not introspected");
}

#[test]
fn client_secret_jwt_signs_an_assertion_with_the_secret_each_time() {
    let op = Op::start();
    let home = Home::new();
    add_op_provider(
        &home,
        &op,
        "s",
        "secret-jwt-app",
        Some("secret-jwt-secret-0123456789-0123456789"),
        &["--auth-method", "client_secret_jwt"],
    );
    home.run(&["login", "s"]).ok();
    home.run(&["refresh", "s"]).ok();
    home.run(&["client-credentials", "s", "--scope", "api:read"])
        .ok();
    let log = op.token_log();
    assert_eq!(log.len(), 3);
    for entry in &log {
        assert_eq!(entry["status"], 200, "{entry}");
        assert_eq!(
            entry["client_assertion_type"],
            "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
        );
        assert_eq!(
            entry["body_client_secret"], false,
            "the secret itself is never sent"
        );
        assert_eq!(entry["authorization_scheme"], serde_json::Value::Null);
    }
    // A wrong secret signs an assertion the server refuses, explained.
    let other = Home::new();
    add_op_provider(
        &other,
        &op,
        "s",
        "secret-jwt-app",
        Some("not-the-secret-0123456789-0123456789"),
        &["--auth-method", "client_secret_jwt"],
    );
    other
        .run(&["client-credentials", "s", "--scope", "api:read"])
        .fails(1, "invalid_client");
}

#[test]
fn resource_indicators_go_on_every_request_and_the_audience_is_shown() {
    let op = Op::start_with(&[("OP_JWT_AT", "1")]);
    let mut home = Home::new();
    let log = home.path().join("browser.log");
    home.set("BROWSER_LOG", log.to_str().unwrap());
    home.run(&[
        "provider",
        "add",
        "op",
        "--issuer",
        &op.issuer,
        "--client-id",
        "public-app",
        "--scope",
        "openid offline_access api:read",
        "--param",
        "prompt=consent",
        "--resource",
        "https://api.example",
    ])
    .ok();
    home.run(&["login", "op"]).ok();
    home.run(&["refresh", "op"]).ok();
    let trail = std::fs::read_to_string(&log).unwrap();
    assert!(
        trail.contains("resource=https%3A%2F%2Fapi.example"),
        "{trail}"
    );
    let sent: Vec<_> = op
        .token_log()
        .into_iter()
        .map(|e| e["resource"].clone())
        .collect();
    assert_eq!(
        sent,
        ["https://api.example", "https://api.example"],
        "code exchange and refresh"
    );
    let show = home.run(&["show", "op", "--json"]).ok().json();
    assert_eq!(
        show["access_token"]["audience"],
        serde_json::json!(["https://api.example"])
    );
    assert!(
        home.run(&["show", "op"])
            .ok()
            .stdout
            .contains("audience https://api.example")
    );
    // A resource must be an absolute URI without a fragment.
    home.run(&[
        "provider",
        "add",
        "bad",
        "--issuer",
        &op.issuer,
        "--client-id",
        "public-app",
        "--resource",
        "api#x",
    ])
    .fails(2, "RFC 8707");
}
