//! Token exchange (RFC 8693), the JWT-bearer grant (RFC 7523 §2.1) and the password grant
//! against the test OP, whose handlers (tests/op/grants.js) verify subject tokens and
//! assertions for real; each refusal explained; nothing stored lost on a failure.

use serde_json::Value;

use crate::harness::{Home, Op, add_client, add_jwt_app, add_post_app};

fn add(home: &Home, op: &Op, name: &str, client: &str, secret: &str, extra: &[&str]) {
    add_client(home, op, name, (client, Some(secret)), "openid", extra);
}

fn introspect(home: &Home, name: &str) -> Value {
    home.run(&["introspect", name]).ok().json()
}

fn grants_of(op: &Op, grant: &str) -> Vec<Value> {
    op.token_log()
        .into_iter()
        .filter(|e| e["grant_type"] == grant)
        .collect()
}

const EXCHANGE: &str = "urn:ietf:params:oauth:grant-type:token-exchange";

#[test]
fn a_signed_in_providers_token_is_exchanged_and_exchanged_again_when_due() {
    let op = Op::start_with(&[("OP_ACCESS_TTL", "4")]);
    let home = Home::new();
    add_post_app(&home, &op, "user", &[]);
    add(
        &home,
        &op,
        "svc",
        "exchange-app",
        "exchange-secret-0123456789",
        &[],
    );

    // The subject is not signed in yet: named, with the sign-in that fixes it.
    let run = home
        .run(&["exchange", "svc", "--subject-from", "user"])
        .fails(1, "user, whose token this needs, is not signed in");
    assert!(
        run.stderr.contains("oauth-desk login user"),
        "{}",
        run.stderr
    );

    home.run(&["login", "user"]).ok();
    let run = home
        .run(&[
            "exchange",
            "svc",
            "--subject-from",
            "user",
            "--audience",
            "https://api.example",
            "--scope",
            "openid",
        ])
        .ok();
    assert!(run.stdout.contains("svc"), "{}", run.stdout);
    let show = home.run(&["show", "svc", "--json"]).ok().json();
    assert_eq!(show["status"], "signed_in");
    let first = home.run(&["token", "svc"]).ok().stdout;
    let active = introspect(&home, "svc");
    assert_eq!(active["active"], true);
    assert_eq!(active["sub"], "alice", "the subject's account: {active}");
    let sent = &grants_of(&op, EXCHANGE)[0];
    assert_eq!(sent["status"], 200);
    assert_eq!(sent["authorization_scheme"], "Basic");

    // No refresh token came back: when due, the subject's (renewed) token is exchanged again.
    std::thread::sleep(std::time::Duration::from_millis(2500));
    let second = home.run(&["token", "svc"]).ok().stdout;
    assert_ne!(first, second);
    assert_eq!(grants_of(&op, EXCHANGE).len(), 2);

    // The ID token as the subject, and an actor.
    home.run(&[
        "exchange",
        "svc",
        "--subject-from",
        "user",
        "--subject-token",
        "id",
        "--actor-from",
        "user",
    ])
    .ok();
    assert_eq!(grants_of(&op, EXCHANGE).len(), 3);
}

#[test]
fn exchange_refusals_are_explained_and_keep_what_was_stored() {
    let op = Op::start();
    let home = Home::new();
    add_post_app(&home, &op, "user", &[]);
    add(
        &home,
        &op,
        "svc",
        "exchange-app",
        "exchange-secret-0123456789",
        &[],
    );
    home.run(&["login", "user"]).ok();
    home.run(&["exchange", "svc", "--subject-from", "user"])
        .ok();
    let before = home.run(&["token", "svc"]).ok().stdout;

    let run = home
        .run(&[
            "exchange",
            "svc",
            "--subject-from",
            "user",
            "--audience",
            "not a uri",
        ])
        .fails(1, "invalid_target");
    assert!(
        run.stderr.contains("does not accept the audience"),
        "{}",
        run.stderr
    );

    // A revoked subject token is refused by the server.
    home.run(&["revoke", "user"]).ok();
    home.run(&[
        "provider",
        "add",
        "user2",
        "--issuer",
        &op.issuer,
        "--client-id",
        "public-app",
    ])
    .ok();
    home.run(&[
        "exchange",
        "svc",
        "--subject-from",
        "user",
        "--subject-token",
        "refresh",
    ])
    .fails(1, "The subject (or actor) token was refused");
    // Forgotten: named as the other provider, with its sign-in.
    home.run(&["logout", "user"]).ok();
    let run = home
        .run(&[
            "exchange",
            "svc",
            "--subject-from",
            "user",
            "--subject-token",
            "id",
        ])
        .fails(1, "user, whose token this needs, is not signed in");
    assert!(
        run.stderr.contains("oauth-desk login user"),
        "{}",
        run.stderr
    );

    // A client not allowed the grant.
    let run = home
        .run(&["exchange", "user2", "--subject-from", "svc"])
        .fails(1, "");
    assert!(
        run.stderr.contains("not allowed this grant") || run.stderr.contains("client"),
        "{}",
        run.stderr
    );
    assert_eq!(
        home.run(&["token", "svc"]).ok().stdout,
        before,
        "nothing stored was lost"
    );
}

#[test]
fn jwt_bearer_with_an_id_token_a_signed_assertion_or_a_given_one() {
    let op = Op::start_with(&[("OP_ACCESS_TTL", "4")]);
    let home = Home::new();
    add_jwt_app(&home, &op, "j");
    // Signed here: sub as given, iss the client id, aud the token endpoint.
    home.run(&["jwt-bearer", "j", "--subject", "dave", "--scope", "openid"])
        .ok();
    assert_eq!(introspect(&home, "j")["sub"], "dave");
    // No refresh token: when due, a new assertion (a new jti) is signed and sent.
    let first = home.run(&["token", "j"]).ok().stdout;
    std::thread::sleep(std::time::Duration::from_millis(2500));
    assert_ne!(home.run(&["token", "j"]).ok().stdout, first);
    assert_eq!(
        introspect(&home, "j")["sub"],
        "dave",
        "the same subject again"
    );

    // Another provider's ID token.
    add_post_app(&home, &op, "user", &[]);
    home.run(&["login", "user"]).ok();
    home.run(&["jwt-bearer", "j", "--assertion-from", "user"])
        .ok();
    assert_eq!(introspect(&home, "j")["sub"], "alice");

    // A given assertion that is not one: refused, explained, the tokens kept.
    let before = home.run(&["token", "j"]).ok().stdout;
    let run = home
        .run_with_stdin(&["jwt-bearer", "j", "--assertion-stdin"], "not.a.jwt\n")
        .fails(1, "invalid_grant");
    assert!(
        run.stderr.contains("The assertion was refused"),
        "{}",
        run.stderr
    );
    assert_eq!(home.run(&["token", "j"]).ok().stdout, before);
    let bearer = grants_of(&op, "urn:ietf:params:oauth:grant-type:jwt-bearer");
    assert_eq!(bearer.len(), 4);
    assert_eq!(
        bearer[0]["client_assertion_type"],
        "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        "the client authenticates with its own assertion besides the grant's"
    );

    // Without a private key there is nothing to sign with.
    add_post_app(&home, &op, "nokey", &[]);
    home.run(&["jwt-bearer", "nokey"]).fails(1, "private key");
}

#[test]
fn the_password_grant_warns_and_never_keeps_the_password() {
    let op = Op::start();
    let home = Home::new();
    add(
        &home,
        &op,
        "legacy",
        "password-app",
        "password-secret-0123456789",
        &["--auth-method", "post"],
    );
    let run = home
        .run_with_stdin(
            &["password", "legacy", "--username", "erin"],
            "correct horse\n",
        )
        .ok();
    assert!(run.stderr.contains("RFC 9700"), "{}", run.stderr);
    assert_eq!(introspect(&home, "legacy")["sub"], "erin");
    let run = home
        .run_with_stdin(&["password", "legacy", "--username", "erin"], "wrong\n")
        .fails(1, "invalid_grant");
    assert!(
        run.stderr.contains("user name or password was refused"),
        "{}",
        run.stderr
    );
    home.run(&["trace", "legacy", "--json"]).ok();
    let har = home.path().join("legacy.har");
    home.run(&["trace", "legacy", "--har", har.to_str().unwrap()])
        .ok();
    let mut stack = vec![home.path().to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let bytes = std::fs::read(&path).unwrap();
                let text = String::from_utf8_lossy(&bytes);
                assert!(
                    !text.contains("correct horse"),
                    "{} holds the password",
                    path.display()
                );
            }
        }
    }
}

#[test]
fn signing_out_everywhere_ends_the_session_at_the_server() {
    let op = Op::start();
    let mut home = Home::new();
    let jar = home.path().join("browser-jar.json");
    let log = home.path().join("browser.log");
    home.set("BROWSER_JAR", jar.to_str().unwrap());
    home.set("BROWSER_LOG", log.to_str().unwrap());
    add(
        &home,
        &op,
        "h",
        "hybrid-app",
        "hybrid-secret-0123456789",
        &[],
    );
    let logins = || {
        std::fs::read_to_string(&log)
            .unwrap_or_default()
            .matches("form: login")
            .count()
    };
    home.run(&["login", "h"]).ok();
    assert_eq!(logins(), 1);
    home.run(&["login", "h"]).ok();
    assert_eq!(
        logins(),
        1,
        "the browser's session at the OP signs in without a password"
    );

    let run = home.run(&["logout", "h", "--end-session"]).ok();
    assert!(run.stdout.contains("session ended"), "{}", run.stdout);
    let trail = std::fs::read_to_string(&log).unwrap();
    assert!(trail.contains("/session/end?id_token_hint="), "{trail}");
    assert!(
        trail.contains("post_logout_redirect_uri=http%3A%2F%2F127.0.0.1%3A"),
        "{trail}"
    );
    assert_eq!(
        home.run(&["show", "h", "--json"]).ok().json()["status"],
        "not_signed_in"
    );

    home.run(&["login", "h"]).ok();
    assert_eq!(
        logins(),
        2,
        "after signing out everywhere the OP asks for the password again"
    );

    // A provider without an end-session endpoint says so, with the setting that gives one.
    home.run(&[
        "provider",
        "add",
        "plain",
        "--authorize-url",
        "http://127.0.0.1:9/a",
        "--token-url",
        "http://127.0.0.1:9/t",
        "--client-id",
        "c",
    ])
    .ok();
    home.run(&["logout", "plain", "--end-session"])
        .fails(1, "--end-session-url");
}

/// A free loopback port, for a client registered on one.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

#[test]
fn a_server_comparing_the_sign_out_return_exactly_gets_the_pinned_one() {
    let port = free_port();
    let op = Op::start_with(&[("OP_WEB_PORT", &port.to_string())]);
    let mut home = Home::new();
    let jar = home.path().join("browser-jar.json");
    let log = home.path().join("browser.log");
    home.set("BROWSER_JAR", jar.to_str().unwrap());
    home.set("BROWSER_LOG", log.to_str().unwrap());
    let redirect = format!("http://127.0.0.1:{port}/callback");
    add(
        &home,
        &op,
        "web",
        "pinned-app",
        "pinned-secret-0123456789",
        &["--redirect-uri", &redirect, "--callback-timeout", "8"],
    );
    home.run(&["login", "web"]).ok();

    // Without a pinned return the server refuses the random port: the browser never comes
    // back, and the error says what to pin.
    let refused = home
        .run(&["logout", "web", "--end-session"])
        .fails(1, "did not come back from the end-session page");
    assert!(
        refused.stderr.contains("--post-logout-redirect-uri"),
        "{}",
        refused.stderr
    );
    assert_eq!(
        home.run(&["show", "web", "--json"]).ok().json()["status"],
        "signed_in",
        "the tokens are kept"
    );

    // Pinned to the registered return, the sign-out completes.
    home.run(&["provider", "remove", "web"]).ok();
    let bye = format!("http://127.0.0.1:{port}/bye");
    add(
        &home,
        &op,
        "web",
        "pinned-app",
        "pinned-secret-0123456789",
        &[
            "--redirect-uri",
            &redirect,
            "--post-logout-redirect-uri",
            &bye,
        ],
    );
    let shown = home.run(&["provider", "show", "web"]).ok().stdout;
    assert!(
        shown.contains(&format!("sign-out return   {bye}")) || shown.contains(&bye),
        "{shown}"
    );
    home.run(&["login", "web"]).ok();
    let run = home.run(&["logout", "web", "--end-session"]).ok();
    assert!(run.stdout.contains("session ended"), "{}", run.stdout);
    let trail = std::fs::read_to_string(&log).unwrap();
    assert!(
        trail.contains(&format!(
            "post_logout_redirect_uri=http%3A%2F%2F127.0.0.1%3A{port}%2Fbye"
        )),
        "{trail}"
    );

    // Only a loopback return can be waited for.
    home.run(&[
        "provider",
        "add",
        "elsewhere",
        "--issuer",
        &op.issuer,
        "--client-id",
        "public-app",
        "--post-logout-redirect-uri",
        "https://app.example/bye",
    ])
    .fails(2, "waits for the browser's return on this machine");
}
