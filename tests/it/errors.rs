//! Bad input and bad servers: every failure ends in one clear sentence, exit code 1 (2 for
//! usage), and nothing already saved is lost.

use std::time::Duration;

use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::harness::{Home, Op, Run, add_op_provider, add_post_app, login_by_hand};

#[test]
fn unknown_provider_and_bad_arguments() {
    let home = Home::new();
    home.run(&["token", "nope"])
        .fails(1, "no provider named \"nope\"");
    home.run(&[
        "provider",
        "add",
        "x",
        "--token-url",
        "not a url",
        "--client-id",
        "c",
    ])
    .fails(2, "invalid token URL");
    home.run(&[
        "provider",
        "add",
        "bad name",
        "--token-url",
        "https://a.example/t",
        "--client-id",
        "c",
    ])
    .fails(2, "invalid provider name");
    home.run(&["provider", "add", "x", "--client-id", "c"])
        .fails(2, "--issuer");
    home.run(&[
        "provider",
        "add",
        "x",
        "--token-url",
        "https://a.example/t",
        "--client-id",
        "c",
        "--pkce",
        "s512",
    ])
    .fails(2, "PKCE");
    home.run(&[
        "provider",
        "add",
        "x",
        "--token-url",
        "https://a.example/t",
        "--client-id",
        "c",
        "--param",
        "state=1",
    ])
    .fails(2, "state");
    let run = home.run(&["no-such-command"]);
    assert_eq!(run.code, 2, "clap usage errors exit 2");
}

#[test]
fn a_forged_state_is_refused() {
    let op = Op::start();
    let home = Home::new();
    add_op_provider(&home, &op, "op", "public-app", None, &[]);
    // Not this sign-in's response: answered, ignored, and the sign-in waits for the real one
    // (here, until its deadline).
    let run = login_by_hand(&home, &["op", "--timeout", "2"], |_| {
        "code=stolen&state=forged".into()
    })
    .fails(1, "within 2 s");
    assert!(
        run.stderr.contains("another sign-in's state") && run.stderr.contains("ignored"),
        "the person hears of the ignored response: {}",
        run.stderr
    );
    assert_eq!(
        home.run(&["show", "op", "--json"]).ok().json()["status"],
        "not_signed_in"
    );
}

#[test]
fn a_denied_consent_reports_the_servers_error() {
    let op = Op::start();
    let mut home = Home::new();
    home.set("BROWSER_ACTION", "deny");
    add_op_provider(&home, &op, "op", "public-app", None, &[]);
    let run = home.run(&["login", "op"]).fails(1, "access_denied");
    assert!(
        run.stderr.contains("End-User aborted interaction"),
        "error_description is shown: {}",
        run.stderr
    );
}

#[test]
fn the_callback_wait_times_out() {
    let op = Op::start();
    let home = Home::new();
    add_op_provider(&home, &op, "op", "public-app", None, &[]);
    home.run(&["login", "op", "--no-browser", "--timeout", "1"])
        .fails(1, "within 1 s");
}

/// A provider whose authorization endpoint is never visited and whose token endpoint is `server`.
fn mock_provider(home: &Home, server: &str, extra: &[&str]) {
    let token = format!("{server}/token");
    let mut args = vec![
        "provider",
        "add",
        "m",
        "--authorize-url",
        "http://127.0.0.1:9/authorize",
        "--token-url",
        &token,
        "--client-id",
        "c",
        "--scope",
        "read write",
    ];
    args.extend_from_slice(extra);
    home.run(&args).ok();
}

async fn exchange_against(response: ResponseTemplate) -> (Run, Home) {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/token"))
        .respond_with(response)
        .mount(&server)
        .await;
    let uri = server.uri();
    tokio::task::spawn_blocking(move || {
        let mut home = Home::new();
        home.set("OAUTH_DESK_HTTP_TIMEOUT", "2");
        mock_provider(&home, &uri, &[]);
        let run = login_by_hand(&home, &["m"], |state| format!("code=c0de&state={state}"));
        (run, home)
    })
    .await
    .unwrap()
}

#[tokio::test]
async fn an_oauth_error_from_the_token_endpoint_is_shown_with_its_fields() {
    let (run, _home) = exchange_against(ResponseTemplate::new(400).set_body_json(serde_json::json!({
        "error": "invalid_grant", "error_description": "code expired", "error_uri": "https://as.example/e"
    })))
    .await;
    let run = run.fails(1, "invalid_grant: code expired");
    assert!(run.stderr.contains("https://as.example/e"));
}

#[tokio::test]
async fn a_server_error_shows_status_and_content_type() {
    let (run, _) =
        exchange_against(ResponseTemplate::new(503).set_body_raw("upstream down", "text/plain"))
            .await;
    let run = run.fails(1, "HTTP 503");
    assert!(
        run.stderr.contains("text/plain") && run.stderr.contains("upstream down"),
        "{}",
        run.stderr
    );
}

#[tokio::test]
async fn an_html_page_is_not_mistaken_for_tokens() {
    let (run, _) = exchange_against(
        ResponseTemplate::new(200)
            .set_body_raw("<html><body>Please log in</body></html>", "text/html"),
    )
    .await;
    let run = run.fails(1, "HTTP 200 (text/html), not an OAuth response");
    assert!(run.stderr.contains("Please log in"), "{}", run.stderr);
}

#[tokio::test]
async fn a_redirecting_token_endpoint_is_not_followed() {
    // RFC 9700 §4.11: following it would replay the code and the client's credentials to
    // wherever the redirect points.
    let elsewhere = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "access_token": "stolen", "token_type": "Bearer"
        })))
        .expect(0)
        .mount(&elsewhere)
        .await;
    let (run, _) = exchange_against(
        ResponseTemplate::new(307).insert_header("location", format!("{}/token", elsewhere.uri())),
    )
    .await;
    run.fails(1, "HTTP 307");
    elsewhere.verify().await;
}

#[tokio::test]
async fn a_malformed_json_body_is_an_error() {
    let (run, _) = exchange_against(
        ResponseTemplate::new(200).set_body_raw("{\"access_token\": ", "application/json"),
    )
    .await;
    run.fails(1, "not an OAuth response");
}

#[tokio::test]
async fn a_slow_token_endpoint_times_out() {
    let (run, _) = exchange_against(
        ResponseTemplate::new(200)
            .set_delay(Duration::from_secs(5))
            .set_body_json(serde_json::json!({"access_token": "late"})),
    )
    .await;
    run.fails(1, "did not answer within 2 s");
}

#[test]
fn a_tampered_vault_is_reported_and_left_untouched() {
    let op = Op::start();
    let home = Home::new();
    add_op_provider(&home, &op, "op", "public-app", None, &[]);
    home.run(&["login", "op"]).ok();
    let path = home.path().join("vault.bin");
    let mut bytes = std::fs::read(&path).unwrap();
    let last = bytes.len() - 5;
    bytes[last] ^= 0x40;
    std::fs::write(&path, &bytes).unwrap();
    home.run(&["token", "op"]).fails(1, "modified or damaged");
    home.run(&["login", "op"]).fails(1, "modified or damaged");
    assert_eq!(
        std::fs::read(&path).unwrap(),
        bytes,
        "a damaged vault is never overwritten"
    );
}

#[test]
fn a_wrong_passphrase_is_reported() {
    let op = Op::start();
    let mut home = Home::new();
    add_op_provider(&home, &op, "op", "public-app", None, &[]);
    home.run(&["login", "op"]).ok();
    home.set("OAUTH_DESK_PASSPHRASE", "not the passphrase");
    home.run(&["token", "op"]).fails(1, "OAUTH_DESK_PASSPHRASE");
}

/// Every command that does not exist to print a secret, with known secrets in play: no
/// secret in any output (all log levels), nor in any file OAuth Desk writes except the
/// encrypted vault.
#[test]
fn secrets_never_appear_in_output_or_files() {
    let op = Op::start();
    let home = Home::new();
    add_post_app(&home, &op, "p", &[]);
    let mut seen = String::new();
    let mut secrets = vec![crate::harness::POST_SECRET.to_owned()];
    let remember = |home: &Home, secrets: &mut Vec<String>| {
        let revealed = home.run(&["show", "p", "--json", "--reveal"]).ok().json();
        for token in ["access_token", "refresh_token", "id_token"] {
            if let Some(v) = revealed[token]["value"].as_str() {
                secrets.push(v.to_owned());
            }
        }
    };
    let har = home.path().join("p.har");
    let har = har.to_str().unwrap();
    let plan = home.path().join("plan.toml");
    std::fs::write(
        &plan,
        "[[case]]\nname = \"profile\"\nscope = \"openid profile\"\n",
    )
    .unwrap();
    let plan = plan.to_str().unwrap();
    let junit = home.path().join("junit.xml");
    let junit = junit.to_str().unwrap();
    let commands: Vec<Vec<&str>> = vec![
        vec!["login", "p", "-vv"],
        vec!["show", "p"],
        vec!["show", "p", "--json"],
        vec!["provider", "show", "p"],
        vec!["provider", "show", "p", "--json"],
        vec!["provider", "list", "--json"],
        vec!["provider", "export", "p"],
        vec!["refresh", "p", "-vv"],
        vec!["introspect", "p", "-vv"],
        vec!["introspect", "p", "--refresh"],
        vec!["userinfo", "p", "-vv"],
        vec!["trace", "p"],
        vec!["trace", "p", "--json"],
        vec!["trace", "p", "--har", har],
        vec![
            "lab",
            "p",
            "--plan",
            plan,
            "--save-plan",
            "--json",
            "--junit",
            junit,
            "-vv",
        ],
        vec!["lab", "p", "--keep-tokens"],
        vec!["revoke", "p", "-vv"],
        vec!["trace", "p"],
    ];
    for args in &commands {
        let run = home.run(args).ok();
        seen.push_str(&run.stdout);
        seen.push_str(&run.stderr);
        if matches!(args[0], "login" | "refresh") {
            remember(&home, &mut secrets);
        }
    }
    // Every refresh token the server ever saw, and every token it issued (the lab cases'
    // tokens too), too.
    for entry in op.token_log() {
        if let Some(rt) = entry["refresh_token"].as_str() {
            secrets.push(rt.to_owned());
        }
        for token in entry["issued"].as_array().into_iter().flatten() {
            secrets.push(token.as_str().unwrap_or_default().to_owned());
        }
    }
    secrets.retain(|s| !s.is_empty());
    let mut files = 0;
    let mut stack = vec![home.path().to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.file_name().is_some_and(|n| n != "vault.bin") {
                files += 1;
                seen.push_str(&String::from_utf8_lossy(
                    &std::fs::read(&path).unwrap_or_default(),
                ));
            }
        }
    }
    assert!(
        files >= 4,
        "config, trace, JWKS cache and HAR were all read ({files} files)"
    );
    assert!(secrets.len() >= 12, "the lab cases' tokens are among them");
    for secret in &secrets {
        assert!(
            !seen.contains(secret.as_str()),
            "a secret leaked into an output or a file"
        );
    }
}

#[tokio::test]
async fn a_redirect_mismatch_names_the_redirect_uri_that_was_sent() {
    let (run, _) = exchange_against(ResponseTemplate::new(400).set_body_json(serde_json::json!({
        "error": "redirect_uri_mismatch", "error_description": "Bad Request"
    })))
    .await;
    let run = run.fails(1, "redirect_uri_mismatch");
    assert!(
        run.stderr
            .contains("The redirect URI sent was http://127.0.0.1:"),
        "{}",
        run.stderr
    );
}

#[tokio::test]
async fn invalid_client_suggests_the_auth_method() {
    let (run, _) = exchange_against(
        ResponseTemplate::new(401).set_body_json(serde_json::json!({"error": "invalid_client"})),
    )
    .await;
    run.fails(1, "--auth-method");
}

/// The DPoP and mTLS private keys, with every command that touches them: never in an output
/// (all log levels), a trace, a HAR, an export, a config file — only in the encrypted vault.
#[test]
fn dpop_and_mtls_keys_never_appear_in_output_or_files() {
    let op = Op::start_with(&[("OP_MTLS", "1")]);
    let mut home = Home::new();
    let dir = home.path().to_owned();
    let ca = op.tls_file("ca", &dir);
    home.set("SSL_CERT_FILE", &ca);
    let cert = op.tls_file("client", &dir);
    let key_path = op.tls_file("client-key", &dir);
    let client_key = std::fs::read_to_string(&key_path).unwrap();
    // The key files the test gave are not OAuth Desk's output: read the rest only.
    std::fs::remove_file(&key_path).ok();
    let key_copy = dir.join("given").join("key.pem");
    std::fs::create_dir_all(key_copy.parent().unwrap()).unwrap();
    std::fs::write(&key_copy, &client_key).unwrap();
    let key_copy = key_copy.to_str().unwrap().to_owned();
    for (name, args) in [
        ("dp", vec!["--client-id", "dpop-app", "--dpop"]),
        (
            "mt",
            vec![
                "--client-id",
                "mtls-app",
                "--auth-method",
                "tls_client_auth",
                "--client-cert",
                &cert,
                "--client-key",
                &key_copy,
            ],
        ),
    ] {
        let mut add = vec![
            "provider", "add", name, "--issuer", &op.issuer, "--scope", "openid",
        ];
        add.extend(args);
        home.run(&add).ok();
    }
    let userinfo = format!("{}/me", op.issuer);
    let mtls_userinfo = format!("{}/me", op.mtls.clone().unwrap());
    let har = dir.join("out.har");
    let har = har.to_str().unwrap();
    let mut seen = String::new();
    let commands: Vec<Vec<&str>> = vec![
        vec!["login", "dp", "-vv"],
        vec!["show", "dp", "--json"],
        vec!["provider", "show", "dp", "--json"],
        vec!["provider", "export", "dp"],
        vec!["userinfo", "dp", "-vv"],
        vec!["headers", "dp", "--url", &userinfo],
        vec!["call", "dp", &userinfo, "--json", "-vv"],
        vec!["trace", "dp", "--json"],
        vec!["trace", "dp", "--har", har],
        vec!["client-credentials", "mt", "-vv"],
        vec!["login", "mt", "-vv"],
        vec!["call", "mt", &mtls_userinfo, "--json", "-vv"],
        vec!["show", "mt", "--json"],
        vec!["provider", "show", "mt", "--json"],
        vec!["provider", "export", "mt"],
        vec!["trace", "mt", "--json"],
    ];
    for args in &commands {
        let run = home.run(args).ok();
        seen.push_str(&run.stdout);
        seen.push_str(&run.stderr);
    }
    let mut stack = vec![dir.clone()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() && !path.ends_with("given") {
                stack.push(path);
            } else if path.is_file() && path.file_name().is_some_and(|n| n != "vault.bin") {
                seen.push_str(&String::from_utf8_lossy(&std::fs::read(&path).unwrap()));
            }
        }
    }
    assert!(
        seen.contains("DPoP binding") || seen.contains("\"jkt\""),
        "the runs did happen"
    );
    // The client key: its PEM body, line by line.
    for line in client_key.lines().filter(|l| !l.starts_with("-----")) {
        assert!(!seen.contains(line), "the mTLS key leaked");
    }
    assert!(!seen.contains("PRIVATE KEY"), "no PEM private key anywhere");
    // The DPoP key: as the vault keeps it (ALG:PKCS#8), or as a private JWK member.
    for marker in ["ES256:", "EdDSA:", "PS256:", "\"d\":"] {
        assert!(!seen.contains(marker), "{marker} appeared");
    }
}
