//! The change stream: every action that changes something announces it, so no front end has
//! to; the keeper re-plans from it (tested in the keeper's own tests and the E2E).

use crate::harness::p;
use oauth_desk::{Change, ClientSecrets, Desk, ProviderSpec, Secret};
use tokio::sync::broadcast::Receiver;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Everything published so far.
fn drain(changes: &mut Receiver<Change>) -> Vec<Change> {
    std::iter::from_fn(|| changes.try_recv().ok()).collect()
}

fn slot(key: &str) -> oauth_desk::provider::Slot {
    oauth_desk::provider::Slot::parse(key).unwrap()
}

fn tokens(name: &str) -> Change {
    Change::Tokens {
        provider: slot(name),
    }
}

#[tokio::test]
async fn every_change_is_announced_by_the_engine() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            serde_json::json!({"access_token": "at", "token_type": "Bearer", "expires_in": 60}),
        ))
        .up_to_n_times(2)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(503).set_body_raw("down", "text/plain"))
        .mount(&server)
        .await;
    let dir = tempfile::tempdir().unwrap();
    let desk = Desk::in_dir(dir.path(), Secret::new("pw")).unwrap();
    let mut changes = desk.subscribe();
    let spec = ProviderSpec {
        name: "svc".into(),
        token_url: Some(format!("{}/token", server.uri())),
        client_id: "svc".into(),
        ..ProviderSpec::default()
    };
    let secrets = ClientSecrets {
        client_secret: Some(Secret::new("s")),
        ..ClientSecrets::default()
    };
    desk.add_provider(oauth_desk::AddProvider::new(spec, secrets))
        .await
        .unwrap();
    assert_eq!(
        drain(&mut changes),
        [Change::Providers {
            provider: Some(slot("svc"))
        }]
    );

    desk.client_credentials(&p("svc"), None).await.unwrap();
    assert_eq!(drain(&mut changes), [tokens("svc")]);

    desk.refresh_now(&p("svc")).await.unwrap();
    assert_eq!(
        drain(&mut changes),
        [
            Change::Refreshing {
                provider: slot("svc")
            },
            tokens("svc")
        ],
        "a renewal says when it starts and that the tokens changed"
    );

    desk.refresh_now(&p("svc")).await.unwrap_err();
    assert_eq!(
        drain(&mut changes),
        [
            Change::Refreshing {
                provider: slot("svc")
            },
            tokens("svc")
        ],
        "a failed renewal changes what is stored too (the failure, beside a working token)"
    );
    let report = desk.report(&p("svc")).await.unwrap();
    assert!(report.last_refresh_error.is_some());

    desk.logout(&p("svc")).await.unwrap();
    assert_eq!(drain(&mut changes), [tokens("svc")]);
    desk.reorder_providers(&["svc".into()]).await.unwrap();
    desk.remove_provider(&p("svc")).await.unwrap();
    assert_eq!(
        drain(&mut changes),
        [
            Change::Providers { provider: None },
            Change::Providers { provider: None }
        ]
    );

    // A read changes nothing and announces nothing.
    let _ = desk.providers().unwrap();
    assert!(drain(&mut changes).is_empty());
}

#[tokio::test]
async fn a_project_file_changed_on_disk_is_announced() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("oauth-desk.toml");
    let text = "[env.dev]\nissuer = \"http://127.0.0.1:9\"\n[provider.api]\ntoken_url = \"x\"\n";
    std::fs::write(
        &file,
        text.replace("token_url = \"x\"", "client_id = \"c\""),
    )
    .unwrap();
    let desk = std::sync::Arc::new(Desk::in_dir(dir.path(), Secret::new("pw")).unwrap());
    let view = desk
        .open_project(Some(file.clone()))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(view.providers, ["api"]);
    let mut changes = desk.subscribe();
    let _watching = desk.watch_project();
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    assert!(drain(&mut changes).is_empty(), "nothing changed yet");
    std::fs::write(
        &file,
        format!("{text}[provider.other]\nclient_id = \"o\"\n"),
    )
    .unwrap();
    let changed = tokio::time::timeout(std::time::Duration::from_secs(5), changes.recv())
        .await
        .expect("the change is announced within a few seconds")
        .unwrap();
    assert_eq!(changed, Change::Providers { provider: None });
    // Its errors are the window's to show, by line, per environment.
    let view = desk.project_view().unwrap().unwrap();
    let problem = view.envs[0].problem.clone().unwrap_or_default();
    assert!(
        problem.contains("line 4") && problem.contains("token_url"),
        "{problem}"
    );
}
