//! The background keeper and the agent, as processes against the real test OP: tokens stay
//! fresh, refreshes are single-flight across processes, and a killed refresh never leaves an
//! unreadable vault.

use std::collections::HashSet;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;
use wiremock::matchers::{body_string_contains, method};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

use crate::harness::{Home, Keeper, Op, Run, add_op_provider, finish, mock_provider_signed_in};

fn refreshes(op: &Op) -> Vec<Value> {
    op.token_log()
        .into_iter()
        .filter(|e| e["grant_type"] == "refresh_token")
        .collect()
}

fn assert_no_reuse(log: &[Value]) {
    let presented: Vec<&str> = log
        .iter()
        .map(|e| e["refresh_token"].as_str().unwrap())
        .collect();
    let distinct: HashSet<&&str> = presented.iter().collect();
    assert_eq!(
        distinct.len(),
        presented.len(),
        "a refresh token was sent twice: the server would revoke the grant"
    );
    assert!(
        log.iter().all(|e| e["status"] == 200),
        "every refresh succeeded: {log:?}"
    );
}

#[test]
fn the_keeper_keeps_three_providers_fresh_for_several_lifetimes() {
    let op = Op::start_with(&[("OP_ACCESS_TTL", "4")]);
    let home = Home::new();
    let keeper = Keeper::start(&home);
    for name in ["a", "b", "c"] {
        add_op_provider(&home, &op, name, "public-app", None, &[]);
        home.run(&["login", name]).ok();
    }
    // A 4 s token is renewed with 2 s left: about every 2 s, for 9 s.
    std::thread::sleep(Duration::from_secs(9));
    let log = refreshes(&op);
    assert!(
        log.len() >= 9,
        "three providers, at least three refreshes each, got {}",
        log.len()
    );
    assert_no_reuse(&log);
    for name in ["a", "b", "c"] {
        let show = home.run(&["show", name, "--json"]).ok().json();
        assert_eq!(show["access_token"]["expired"], false, "{name} is fresh");
        assert!(
            show["refresh_token"]["refresh_count"].as_u64().unwrap() >= 3,
            "{name}: {}",
            show["refresh_token"]
        );
    }
    let text = keeper.log();
    assert!(
        text.contains("a: refreshed") && text.contains("c: refreshed"),
        "each refresh is logged: {text}"
    );
    let token = home.run(&["show", "a", "--json", "--reveal"]).ok().json()["access_token"]["value"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(!text.contains(&token), "no token in the keeper's log");
}

fn spawn_tokens(home: &Home, name: &str, n: usize) -> Vec<Run> {
    let children: Vec<Child> = (0..n)
        .map(|_| {
            home.command(&["token", name])
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    children
        .into_iter()
        .map(|c| finish(c, Duration::from_secs(60)))
        .collect()
}

fn assert_one_refresh_and_one_token(op: &Op, runs: &[Run]) {
    for run in runs {
        assert_eq!(run.code, 0, "{}", run.stderr);
    }
    let tokens: HashSet<&str> = runs.iter().map(|r| r.stdout.trim()).collect();
    assert_eq!(
        tokens.len(),
        1,
        "every process prints the same token: {tokens:?}"
    );
    let log = refreshes(op);
    assert_eq!(
        log.len(),
        1,
        "exactly one refresh request reached the server: {log:?}"
    );
    assert_no_reuse(&log);
}

#[test]
fn twenty_token_processes_refresh_once() {
    let op = Op::start_with(&[("OP_ACCESS_TTL", "3")]);
    let home = Home::new();
    add_op_provider(&home, &op, "p", "public-app", None, &[]);
    home.run(&["login", "p"]).ok();
    std::thread::sleep(Duration::from_millis(3200));
    let runs = spawn_tokens(&home, "p", 20);
    assert_one_refresh_and_one_token(&op, &runs);
}

#[test]
fn twenty_token_processes_and_a_keeper_refresh_once_through_the_agent() {
    let op = Op::start_with(&[("OP_ACCESS_TTL", "3")]);
    let mut home = Home::new();
    // The keeper serves tokens but leaves this provider's schedule to the token calls.
    add_op_provider(&home, &op, "p", "public-app", None, &["--no-auto-refresh"]);
    home.run(&["login", "p"]).ok();
    let _keeper = Keeper::start(&home);
    std::thread::sleep(Duration::from_millis(3200));
    // Proof the agent answers: these processes could not open the vault themselves.
    home.set("OAUTH_DESK_PASSPHRASE", "wrong passphrase");
    let runs = spawn_tokens(&home, "p", 20);
    assert_one_refresh_and_one_token(&op, &runs);
}

/// Answers each request with the next response, then the last one again.
struct Sequence(Vec<ResponseTemplate>, std::sync::atomic::AtomicUsize);

impl Respond for Sequence {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let i = self
            .1
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst)
            .min(self.0.len() - 1);
        self.0[i].clone()
    }
}

#[tokio::test]
async fn the_keeper_retries_a_server_error_then_refreshes() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(body_string_contains("grant_type=authorization_code"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            serde_json::json!({"access_token": "a0", "refresh_token": "r", "expires_in": 4}),
        ))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(body_string_contains("grant_type=refresh_token"))
        .respond_with(Sequence(
            vec![
                ResponseTemplate::new(500).set_body_raw("down", "text/plain"),
                ResponseTemplate::new(200)
                    .set_body_json(serde_json::json!({"access_token": "a1", "expires_in": 600})),
            ],
            Default::default(),
        ))
        .mount(&server)
        .await;
    let uri = server.uri();
    let log = tokio::task::spawn_blocking(move || {
        let home = Home::new();
        mock_provider_signed_in(&home, "m", &uri, &[]);
        let keeper = Keeper::start(&home);
        let deadline = Instant::now() + Duration::from_secs(20);
        while !keeper.log().contains("m: refreshed") {
            assert!(
                Instant::now() < deadline,
                "no refresh after the retry: {}",
                keeper.log()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        let token = home.run(&["token", "m"]).ok().stdout;
        assert_eq!(token.trim(), "a1");
        keeper.log()
    })
    .await
    .unwrap();
    assert!(
        log.contains("m: refresh failed")
            && log.contains("HTTP 500")
            && log.contains("retrying in"),
        "{log}"
    );
}

#[tokio::test]
async fn killing_a_refresh_at_any_moment_leaves_a_usable_vault() {
    let server = MockServer::start().await;
    let counter = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    struct Rotating(std::sync::Arc<std::sync::atomic::AtomicUsize>);
    impl Respond for Rotating {
        fn respond(&self, _: &Request) -> ResponseTemplate {
            let n = self.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            ResponseTemplate::new(200)
                .set_delay(Duration::from_millis((n % 7) as u64 * 3))
                .set_body_json(serde_json::json!({"access_token": format!("at-{n}"), "refresh_token": format!("rt-{n}"), "expires_in": 600}))
        }
    }
    Mock::given(method("POST"))
        .respond_with(Rotating(counter.clone()))
        .mount(&server)
        .await;
    let uri = server.uri();
    tokio::task::spawn_blocking(move || {
        let home = Home::new();
        mock_provider_signed_in(&home, "m", &uri, &[]);
        let iterations = std::env::var("OAUTH_DESK_KILL_LOOP")
            .ok()
            .and_then(|n| n.parse().ok())
            .unwrap_or(200);
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        for i in 0..iterations {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let mut child = home
                .command(&["refresh", "m"])
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap();
            std::thread::sleep(Duration::from_micros(seed % 40_000));
            let _ = child.kill(); // SIGKILL
            let _ = child.wait();
            let show = home.run(&["show", "m", "--json", "--reveal"]);
            assert_eq!(
                show.code, 0,
                "iteration {i}: the vault must always open: {}",
                show.stderr
            );
            let show = show.json();
            assert!(
                show["access_token"]["value"]
                    .as_str()
                    .unwrap()
                    .starts_with("at-"),
                "iteration {i}: a usable token set"
            );
            assert!(
                show["refresh_token"]["value"]
                    .as_str()
                    .unwrap()
                    .starts_with("rt-")
            );
        }
        // Whatever happened, the provider still works.
        home.run(&["refresh", "m"]).ok();
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn a_refresh_killed_after_sending_is_reported_until_the_next_refresh() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(body_string_contains("grant_type=authorization_code"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            serde_json::json!({"access_token": "a0", "refresh_token": "r0", "expires_in": 600}),
        ))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(body_string_contains("grant_type=refresh_token"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_delay(Duration::from_secs(2))
                .set_body_json(serde_json::json!({"access_token": "a1", "refresh_token": "r1", "expires_in": 600})),
        )
        .mount(&server)
        .await;
    let uri = server.uri();
    tokio::task::spawn_blocking(move || {
        let home = Home::new();
        mock_provider_signed_in(&home, "m", &uri, &[]);
        let mut child = home
            .command(&["refresh", "m"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(700)); // the request is at the server now
        child.kill().unwrap();
        child.wait().unwrap();
        let show = home.run(&["show", "m", "--json", "--reveal"]).ok().json();
        assert_eq!(
            show["access_token"]["value"], "a0",
            "the old token set is intact"
        );
        assert!(
            show["status_detail"]
                .as_str()
                .unwrap_or_default()
                .contains("sign-in may be needed"),
            "{show}"
        );
        home.run(&["refresh", "m"]).ok();
        let show = home.run(&["show", "m", "--json"]).ok().json();
        assert!(
            show.get("status_detail").is_none(),
            "a completed refresh clears the warning: {show}"
        );
    })
    .await
    .unwrap();
}

#[test]
fn the_agent_answers_every_token_format_as_the_cli_does() {
    let op = Op::start();
    let home = Home::new();
    add_op_provider(&home, &op, "p", "public-app", None, &[]);
    home.run(&["login", "p"]).ok();
    let handovers = |home: &Home| {
        let kube = home.run(&["credential", "kubectl", "p"]).ok().stdout;
        let git = home
            .run_with_stdin(
                &["credential", "git", "p", "get"],
                "protocol=https\nhost=x\n\n",
            )
            .ok()
            .stdout;
        (kube, git)
    };
    let here = crate::grants::formats(&home, "p");
    let handed_here = handovers(&home);
    let _keeper = Keeper::start(&home);
    let through_the_agent = crate::grants::formats(&home, "p");
    crate::grants::assert_formats(&through_the_agent, "P");
    assert_eq!(
        here, through_the_agent,
        "the fast path formats exactly as the engine does"
    );
    assert_eq!(
        handed_here,
        handovers(&home),
        "kubectl's and git's answers are the same from the running keeper"
    );
    assert!(handed_here.1.starts_with("username=oauth2\npassword="));
}

/// Signs in to a mock whose access tokens live 12 s and whose refreshes fail with a 503.
async fn failing_refresh_server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(body_string_contains("grant_type=authorization_code"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            serde_json::json!({"access_token": "a0", "refresh_token": "r", "expires_in": 12}),
        ))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(body_string_contains("grant_type=refresh_token"))
        .respond_with(ResponseTemplate::new(503).set_body_raw("maintenance", "text/plain"))
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn a_failing_background_refresh_leaves_a_working_token_signed_in_with_the_retry() {
    let server = failing_refresh_server().await;
    let uri = server.uri();
    tokio::task::spawn_blocking(move || {
        let home = Home::new();
        mock_provider_signed_in(&home, "m", &uri, &[]);
        let keeper = Keeper::start(&home);
        let deadline = Instant::now() + Duration::from_secs(20);
        while !keeper.log().contains("m: refresh failed") {
            assert!(
                Instant::now() < deadline,
                "no refresh attempt: {}",
                keeper.log()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        let show = home.run(&["show", "m", "--json"]).ok().json();
        assert_eq!(
            show["status"], "signed_in",
            "the access token still works: {show}"
        );
        assert_eq!(show["access_token"]["expired"], false);
        let failure = &show["last_refresh_error"];
        assert!(
            failure["message"].as_str().unwrap().contains("HTTP 503"),
            "{failure}"
        );
        let (failed, next) = (
            failure["failed_at"].as_i64().unwrap(),
            failure["next_attempt_at"].as_i64().unwrap(),
        );
        assert!(
            (failed + 3..=failed + 15).contains(&next),
            "the keeper's next attempt, its backoff (5 s ± 20 %) after the failure: {failure}"
        );
        let text = home.run(&["show", "m"]).ok().stdout;
        assert!(
            text.contains("signed in")
                && text.contains("last refresh failed")
                && text.contains("retrying in"),
            "{text}"
        );
        assert_eq!(home.run(&["token", "m"]).ok().stdout.trim(), "a0");
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn a_failed_refresh_without_a_keeper_is_remembered_until_one_succeeds() {
    let server = failing_refresh_server().await;
    let uri = server.uri();
    tokio::task::spawn_blocking(move || {
        let home = Home::new();
        mock_provider_signed_in(&home, "m", &uri, &[]);
        home.run(&["refresh", "m"]).fails(1, "503");
        let show = home.run(&["show", "m", "--json"]).ok().json();
        assert_eq!(show["status"], "signed_in");
        assert!(
            show["last_refresh_error"]["message"]
                .as_str()
                .unwrap()
                .contains("503")
        );
        assert_eq!(
            show["last_refresh_error"]["next_attempt_at"],
            Value::Null,
            "no keeper, no schedule"
        );
    })
    .await
    .unwrap();
}
