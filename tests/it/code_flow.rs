//! The authorization-code flow end to end against the real test OP, for each client type.

use std::time::Duration;

use crate::harness::{Home, Op, add_op_provider, add_post_app};

fn entries<'a>(log: &'a [serde_json::Value], grant: &str) -> Vec<&'a serde_json::Value> {
    log.iter().filter(|e| e["grant_type"] == grant).collect()
}

#[test]
fn public_client_with_pkce_signs_in_and_gets_a_token() {
    let op = Op::start();
    let home = Home::new();
    add_op_provider(&home, &op, "op", "public-app", None, &[]);
    let run = home.run(&["login", "op"]).ok();
    assert!(run.stdout.contains("Signed in to op."), "{}", run.stdout);

    let token = home.run(&["token", "op"]).ok().stdout;
    assert_eq!(
        token.lines().count(),
        1,
        "token prints the access token alone: {token:?}"
    );
    assert!(token.trim().len() > 20);

    let log = op.token_log();
    let exchange = entries(&log, "authorization_code");
    assert_eq!(exchange.len(), 1);
    assert_eq!(exchange[0]["status"], 200);
    assert_eq!(
        exchange[0]["authorization_scheme"],
        serde_json::Value::Null,
        "a public client sends no Authorization header"
    );
    assert_eq!(
        exchange[0]["body_client_id"], "public-app",
        "a public client names itself in the body"
    );

    let show = home.run(&["show", "op", "--json"]).ok().json();
    assert_eq!(show["provider"], "op");
    assert_eq!(show["status"], "signed_in");
    assert_eq!(show["access_token"]["format"], "opaque");
    assert_eq!(show["access_token"]["token_type"], "Bearer");
    assert!(show["access_token"]["expires_at"].as_i64().is_some());
    assert!(
        show["access_token"].get("value").is_none(),
        "no token value without --reveal"
    );
    assert_eq!(show["refresh_token"]["present"], true);
    assert_eq!(show["id_token"]["claims"]["sub"], "alice");
    let checks = show["id_token"]["checks"].as_array().unwrap();
    for name in ["alg", "iss", "aud", "exp", "iat", "nonce", "sub"] {
        let check = checks
            .iter()
            .find(|c| c["name"] == name)
            .unwrap_or_else(|| panic!("no {name} check"));
        assert_eq!(check["result"], "pass", "{name}: {}", check["detail"]);
    }
    assert_eq!(
        show["scopes"]["requested"],
        serde_json::json!(["openid", "offline_access", "profile"])
    );
    assert_eq!(show["scopes"]["not_granted"], serde_json::json!([]));

    let revealed = home.run(&["show", "op", "--json", "--reveal"]).ok().json();
    assert_eq!(
        revealed["access_token"]["value"].as_str().unwrap(),
        token.trim()
    );
}

#[test]
fn basic_client_sends_urlencoded_credentials() {
    let op = Op::start();
    let home = Home::new();
    let secret = "basic secret:with/special+chars%";
    add_op_provider(
        &home,
        &op,
        "b",
        "basic-app",
        Some(secret),
        &["--auth-method", "basic"],
    );
    home.run(&["login", "b"]).ok();
    let log = op.token_log();
    let exchange = entries(&log, "authorization_code");
    assert_eq!(exchange[0]["status"], 200);
    assert_eq!(exchange[0]["authorization_scheme"], "Basic");
    assert_eq!(
        exchange[0]["basic"]["secret"], secret,
        "the server decodes exactly the secret we hold"
    );
    assert_eq!(
        exchange[0]["body_client_secret"], false,
        "the secret is not also in the body"
    );
}

#[test]
fn post_client_sends_the_secret_in_the_body() {
    let op = Op::start();
    let home = Home::new();
    add_post_app(&home, &op, "p", &[]);
    home.run(&["login", "p"]).ok();
    let log = op.token_log();
    let exchange = entries(&log, "authorization_code");
    assert_eq!(exchange[0]["status"], 200);
    assert_eq!(exchange[0]["authorization_scheme"], serde_json::Value::Null);
    assert_eq!(exchange[0]["body_client_secret"], true);
    let config = String::from_utf8(home.read("config.toml")).unwrap();
    assert!(
        !config.contains("post-secret"),
        "the client secret never lands in the config file"
    );
}

#[test]
fn refresh_rotates_and_the_old_refresh_token_is_dead() {
    let op = Op::start();
    let home = Home::new();
    add_op_provider(&home, &op, "op", "public-app", None, &[]);
    home.run(&["login", "op"]).ok();
    let before = home.run(&["show", "op", "--json", "--reveal"]).ok().json();
    let old_refresh = before["refresh_token"]["value"]
        .as_str()
        .unwrap()
        .to_owned();

    home.run(&["refresh", "op"]).ok();
    let after = home.run(&["show", "op", "--json", "--reveal"]).ok().json();
    let new_refresh = after["refresh_token"]["value"].as_str().unwrap();
    assert_ne!(new_refresh, old_refresh, "the OP rotates refresh tokens");
    assert_ne!(
        after["access_token"]["value"],
        before["access_token"]["value"]
    );
    assert_eq!(after["refresh_token"]["rotations"], 1);

    // The server must refuse the rotated-out token: proof we stored the new one, not reused the old.
    let response = reqwest::blocking::Client::new()
        .post(op.token_endpoint())
        .form(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", old_refresh.as_str()),
            ("client_id", "public-app"),
        ])
        .send()
        .unwrap();
    assert_eq!(response.status(), 400);
    let body: serde_json::Value = response.json().unwrap();
    assert_eq!(body["error"], "invalid_grant");
}

#[test]
fn token_refreshes_transparently_once_due() {
    let op = Op::start_with(&[("OP_ACCESS_TTL", "4")]);
    let home = Home::new();
    add_op_provider(&home, &op, "op", "public-app", None, &[]);
    home.run(&["login", "op"]).ok();
    let first = home.run(&["token", "op"]).ok().stdout;
    // A 4 s token is due when 2 s are left (half the lifetime caps the margin).
    std::thread::sleep(Duration::from_millis(2500));
    let second = home.run(&["token", "op"]).ok().stdout;
    assert_ne!(
        first, second,
        "a due token is refreshed before it is printed"
    );
    let third = home.run(&["token", "op"]).ok().stdout;
    assert_eq!(second, third, "a fresh token is not refreshed again");
    assert_eq!(
        op.token_log()
            .iter()
            .filter(|e| e["grant_type"] == "refresh_token")
            .count(),
        1
    );
}

#[test]
fn an_expired_token_is_refreshed_after_expiry_too() {
    let op = Op::start_with(&[("OP_ACCESS_TTL", "2")]);
    let home = Home::new();
    add_op_provider(&home, &op, "op", "public-app", None, &[]);
    home.run(&["login", "op"]).ok();
    std::thread::sleep(Duration::from_millis(3000));
    let show = home.run(&["show", "op", "--json"]).ok().json();
    assert_eq!(show["access_token"]["expired"], true);
    let token = home.run(&["token", "op"]).ok().stdout;
    let show = home.run(&["show", "op", "--json", "--reveal"]).ok().json();
    assert_eq!(
        show["access_token"]["value"].as_str().unwrap(),
        token.trim()
    );
    assert_eq!(show["access_token"]["expired"], false);
}

#[test]
fn post_authorize_method_uses_a_self_submitting_form() {
    let op = Op::start();
    let home = Home::new();
    add_op_provider(
        &home,
        &op,
        "op",
        "public-app",
        None,
        &["--authorize-method", "post"],
    );
    home.run(&["login", "op"]).ok();
    home.run(&["token", "op"]).ok();
}

#[test]
fn a_non_loopback_redirect_uri_works_by_pasting_the_final_url() {
    let op = Op::start();
    let mut home = Home::new();
    let out = home.path().join("browser-out.txt");
    home.set("BROWSER_OUT", &out.display().to_string());
    add_op_provider(
        &home,
        &op,
        "shop",
        "web-app",
        Some("web-secret-0123456789"),
        &[
            "--auth-method",
            "post",
            "--redirect-uri",
            "https://shop.example/",
        ],
    );
    let mut child = home
        .command(&["login", "shop"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // The "person" copies the final URL from the address bar...
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    let pasted = loop {
        let text = std::fs::read_to_string(&out).unwrap_or_default();
        if text.ends_with('\n') {
            break text;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the browser never reached the redirect URI"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(
        pasted.starts_with("https://shop.example/?code="),
        "{pasted}"
    );
    // ...and pastes it.
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(pasted.as_bytes())
        .unwrap();
    let run = crate::harness::finish(child, Duration::from_secs(30)).ok();
    assert!(
        run.stderr.contains("paste"),
        "the CLI asks for the URL: {}",
        run.stderr
    );
    home.run(&["token", "shop"]).ok();
}

#[test]
fn scope_override_is_sent_as_written_and_missing_scopes_are_shown() {
    let op = Op::start();
    let home = Home::new();
    add_op_provider(&home, &op, "op", "public-app", None, &[]);
    // `unknown:scope` is not one the OP knows: it is dropped from the grant.
    home.run(&["login", "op", "--scope", "openid unknown:scope"])
        .ok();
    let show = home.run(&["show", "op", "--json"]).ok().json();
    assert_eq!(
        show["scopes"]["requested"],
        serde_json::json!(["openid", "unknown:scope"])
    );
    assert_eq!(
        show["scopes"]["not_granted"],
        serde_json::json!(["unknown:scope"])
    );
}

#[test]
fn logout_forgets_tokens_and_token_then_asks_for_sign_in() {
    let op = Op::start();
    let home = Home::new();
    add_op_provider(&home, &op, "op", "public-app", None, &[]);
    home.run(&["login", "op"]).ok();
    home.run(&["logout", "op"]).ok();
    home.run(&["token", "op"]).fails(1, "not signed in");
    let show = home.run(&["show", "op", "--json"]).ok().json();
    assert_eq!(show["status"], "not_signed_in");
}
