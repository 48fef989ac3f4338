//! Device-flow polling faults, against a mock server (the test OP never sends `slow_down`),
//! through the engine in real time (intervals of one second). The timing rules themselves —
//! `slow_down`, the default interval, expiry — are tested under tokio's paused clock beside
//! the polling loop (`src/flow/device.rs`).

use crate::harness::p;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use oauth_desk::{
    ClientSecrets, Desk, DeskError, DeviceCode, DeviceHost, PollEvent, ProviderSpec, Secret,
};
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// Answers with each response in turn, then repeats the last.
struct Sequence {
    responses: Vec<ResponseTemplate>,
    next: AtomicUsize,
}

impl Respond for Sequence {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let i = self
            .next
            .fetch_add(1, Ordering::SeqCst)
            .min(self.responses.len() - 1);
        self.responses[i].clone()
    }
}

fn error(code: &str) -> ResponseTemplate {
    ResponseTemplate::new(400)
        .set_body_json(json!({"error": code, "error_description": format!("{code} from the mock")}))
}

fn tokens() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(
        json!({"access_token": "device-at", "token_type": "Bearer", "expires_in": 600}),
    )
}

struct Setup {
    _dir: tempfile::TempDir,
    desk: Desk,
    server: MockServer,
}

async fn setup(device_response: Value, token_responses: Vec<ResponseTemplate>) -> Setup {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/device"))
        .respond_with(ResponseTemplate::new(200).set_body_json(device_response))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/token"))
        .respond_with(Sequence {
            responses: token_responses,
            next: AtomicUsize::new(0),
        })
        .mount(&server)
        .await;
    let dir = tempfile::tempdir().unwrap();
    let desk = Desk::in_dir(dir.path(), Secret::new("pw")).unwrap();
    desk.add_provider(oauth_desk::AddProvider::new(
        ProviderSpec {
            name: "tv".into(),
            token_url: Some(format!("{}/token", server.uri())),
            device_url: Some(format!("{}/device", server.uri())),
            client_id: "tv-app".into(),
            scope: Some("read".into()),
            ..ProviderSpec::default()
        },
        ClientSecrets::default(),
    ))
    .await
    .unwrap();
    Setup {
        _dir: dir,
        desk,
        server,
    }
}

/// A front end that records what it was asked to show.
#[derive(Default)]
struct Recorder {
    codes: Mutex<Vec<DeviceCode>>,
    events: Mutex<Vec<PollEvent>>,
}

impl DeviceHost for Recorder {
    fn show_code(&self, code: &DeviceCode) {
        self.codes.lock().unwrap().push(code.clone());
    }
    fn progress(&self, event: PollEvent) {
        self.events.lock().unwrap().push(event);
    }
}

async fn run(setup: &Setup) -> (Result<oauth_desk::TokenSet, DeskError>, Vec<PollEvent>) {
    let host = Recorder::default();
    let result = setup.desk.device_sign_in(&p("tv"), None, &host).await;
    let codes = host.codes.into_inner().unwrap();
    assert_eq!(codes.len(), 1, "the code is shown once, before polling");
    assert_eq!(codes[0].user_code, "ABCD-EFGH");
    (result, host.events.into_inner().unwrap())
}

async fn polls(server: &MockServer) -> usize {
    server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .filter(|r| r.url.path() == "/token")
        .count()
}

fn device(interval: Option<u64>, expires_in: u64) -> Value {
    let mut v = json!({"device_code": "dc-123456", "user_code": "ABCD-EFGH", "verification_uri": "https://as.example/device", "expires_in": expires_in});
    if let Some(i) = interval {
        v["interval"] = json!(i);
    }
    v
}

#[tokio::test]
async fn a_pending_sign_in_is_polled_until_approved_and_stored() {
    let s = setup(
        device(Some(1), 600),
        vec![error("authorization_pending"), tokens()],
    )
    .await;
    let (result, events) = run(&s).await;
    assert_eq!(result.unwrap().access_token.expose(), "device-at");
    assert_eq!(polls(&s.server).await, 2);
    assert!(
        matches!(events[0], PollEvent::Waiting { interval, .. } if interval == Duration::from_secs(1)),
        "the server's interval: {events:?}"
    );
    let tokens = s.desk.tokens(&p("tv")).await.unwrap().unwrap();
    assert_eq!(tokens.grant, oauth_desk::token::Grant::DeviceCode);
}

#[tokio::test]
async fn access_denied_stops_with_the_servers_words() {
    let s = setup(
        device(Some(1), 600),
        vec![error("authorization_pending"), error("access_denied")],
    )
    .await;
    let (result, _) = run(&s).await;
    let err = result.unwrap_err().to_string();
    assert!(
        err.contains("denied") && err.contains("access_denied from the mock"),
        "{err}"
    );
    assert_eq!(polls(&s.server).await, 2, "no poll after a denial");
}

#[tokio::test]
async fn expired_token_stops() {
    let s = setup(device(Some(1), 600), vec![error("expired_token")]).await;
    let (result, _) = run(&s).await;
    assert!(result.unwrap_err().to_string().contains("expired"));
}

#[tokio::test]
async fn a_server_error_while_polling_is_not_a_token() {
    let s = setup(
        device(Some(1), 600),
        vec![ResponseTemplate::new(500).set_body_raw("<html>oops</html>", "text/html")],
    )
    .await;
    let (result, _) = run(&s).await;
    assert!(result.unwrap_err().to_string().contains("HTTP 500"));
}

#[tokio::test]
async fn a_device_sign_in_is_cancelled_at_once_and_stores_nothing() {
    // Polls 50 seconds apart: a cancel must not wait for the next one.
    let s = setup(device(Some(50), 600), vec![error("authorization_pending")]).await;
    let host = Recorder::default();
    let tv = p("tv");
    let (result, cancelled_at) = tokio::join!(s.desk.device_sign_in(&tv, None, &host), async {
        let deadline = std::time::Instant::now() + Duration::from_secs(20);
        while host.codes.lock().unwrap().is_empty() {
            assert!(std::time::Instant::now() < deadline, "no code was shown");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        assert!(
            s.desk.cancel_sign_in(&p("tv")),
            "the sign-in is registered in the engine while its code is shown"
        );
        std::time::Instant::now()
    });
    let err = result.unwrap_err();
    assert!(err.to_string().contains("cancelled"), "{err}");
    assert!(
        cancelled_at.elapsed() < Duration::from_secs(10),
        "cancelling ends the wait without sitting out the 50 s interval"
    );
    assert!(s.desk.tokens(&p("tv")).await.unwrap().is_none());
    assert!(
        !s.desk.cancel_sign_in(&p("tv")),
        "a finished sign-in leaves nothing registered"
    );
}
