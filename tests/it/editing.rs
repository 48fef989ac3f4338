//! Editing providers after `add` (the desktop app's provider form): rename with secrets and
//! tokens moving along, clearing a secret, duplicate, reorder, and refused edits that change
//! nothing.

use crate::harness::p;
use oauth_desk::{ClientSecrets, Desk, ProviderSpec, Secret, SecretsEdit};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn desk(dir: &std::path::Path) -> Desk {
    Desk::in_dir(dir, Secret::new("pw")).unwrap()
}

fn spec(name: &str, server: &str) -> ProviderSpec {
    ProviderSpec {
        name: name.into(),
        token_url: Some(format!("{server}/token")),
        client_id: "svc".into(),
        scope: Some("read".into()),
        ..ProviderSpec::default()
    }
}

/// The client secret `token_server` expects.
fn with_secret() -> ClientSecrets {
    ClientSecrets {
        client_secret: Some(Secret::new("s3cret")),
        ..ClientSecrets::default()
    }
}

/// A token endpoint that only answers the client `svc` with secret `s3cret` (Basic).
async fn token_server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/token"))
        .and(header("authorization", "Basic c3ZjOnMzY3JldA=="))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "access_token": "at-1", "token_type": "Bearer", "expires_in": 3600
        })))
        .mount(&server)
        .await;
    server
}

fn names(desk: &Desk) -> Vec<String> {
    desk.providers()
        .unwrap()
        .iter()
        .map(|p| p.name.to_string())
        .collect()
}

#[tokio::test]
async fn a_rename_moves_the_secret_and_the_tokens_and_keeps_the_position() {
    let server = token_server().await;
    let dir = tempfile::tempdir().unwrap();
    let desk = desk(dir.path());
    for name in ["a", "svc", "z"] {
        desk.add_provider(oauth_desk::AddProvider::new(
            spec(name, &server.uri()),
            with_secret(),
        ))
        .await
        .unwrap();
    }
    desk.client_credentials(&p("svc"), None).await.unwrap();

    let mut edited = ProviderSpec::of(&desk.provider(&p("svc")).await.unwrap());
    edited.name = "svc-renamed".into();
    edited.scope = Some("read write".into());
    let provider = desk
        .update_provider(&p("svc"), edited, SecretsEdit::default())
        .await
        .unwrap();
    assert_eq!(provider.scope, "read write");
    assert!(provider.has_client_secret);
    assert_eq!(names(&desk), ["a", "svc-renamed", "z"]);
    assert!(desk.provider(&p("svc")).await.is_err());
    let tokens = desk
        .tokens(&p("svc-renamed"))
        .await
        .unwrap()
        .expect("tokens moved");
    assert_eq!(tokens.access_token.expose(), "at-1");
    // The secret moved too: the server accepts the renamed provider's client.
    desk.client_credentials(&p("svc-renamed"), None)
        .await
        .unwrap();
}

#[tokio::test]
async fn saving_the_form_unchanged_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let desk = desk(dir.path());
    let mut s = spec("p", "https://as.example");
    s.params = vec![
        "prompt=consent".into(),
        "resource=https://api.example".into(),
    ];
    s.token_params = vec!["audience=x".into()];
    s.pkce = Some(oauth_desk::PkceMode::Plain);
    s.authorize_method = Some(oauth_desk::AuthorizeMethod::Post);
    s.redirect_uri = Some("http://127.0.0.1:8765/cb".into());
    s.refresh_margin_secs = Some(90);
    s.system_browser = true;
    let before = desk
        .add_provider(oauth_desk::AddProvider::new(s, ClientSecrets::default()))
        .await
        .unwrap();
    let after = desk
        .update_provider(&p("p"), ProviderSpec::of(&before), SecretsEdit::default())
        .await
        .unwrap();
    assert_eq!(before, after);
    assert_eq!(desk.provider(&p("p")).await.unwrap(), before);
}

#[tokio::test]
async fn a_secret_can_be_cleared_when_the_client_becomes_public() {
    let dir = tempfile::tempdir().unwrap();
    let desk = desk(dir.path());
    desk.add_provider(oauth_desk::AddProvider::new(
        spec("p", "https://as.example"),
        with_secret(),
    ))
    .await
    .unwrap();
    let mut edited = ProviderSpec::of(&desk.provider(&p("p")).await.unwrap());
    // Keeping the secret with auth "none" is refused, as `add` refuses it.
    edited.auth_method = Some(oauth_desk::AuthMethod::None);
    let refused = desk
        .update_provider(&p("p"), edited.clone(), SecretsEdit::default())
        .await;
    assert!(refused.is_err());
    assert!(desk.provider(&p("p")).await.unwrap().has_client_secret);
    let provider = desk
        .update_provider(
            &p("p"),
            edited,
            SecretsEdit {
                clear_client_secret: true,
                ..SecretsEdit::default()
            },
        )
        .await
        .unwrap();
    assert!(!provider.has_client_secret);
    assert_eq!(provider.auth_method.to_string(), "none");
}

#[tokio::test]
async fn a_refused_edit_leaves_the_provider_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let desk = desk(dir.path());
    let before = desk
        .add_provider(oauth_desk::AddProvider::new(
            spec("p", "https://as.example"),
            ClientSecrets::default(),
        ))
        .await
        .unwrap();
    for broken in [
        ProviderSpec {
            token_url: Some("not a url".into()),
            ..ProviderSpec::of(&before)
        },
        ProviderSpec {
            client_id: " ".into(),
            ..ProviderSpec::of(&before)
        },
        ProviderSpec {
            name: "bad name".into(),
            ..ProviderSpec::of(&before)
        },
        ProviderSpec {
            params: vec!["state=mine".into()],
            ..ProviderSpec::of(&before)
        },
    ] {
        assert!(
            desk.update_provider(&p("p"), broken.clone(), SecretsEdit::default())
                .await
                .is_err(),
            "{broken:?} was accepted"
        );
    }
    assert_eq!(desk.provider(&p("p")).await.unwrap(), before);
}

#[tokio::test]
async fn a_rename_onto_another_provider_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let desk = desk(dir.path());
    for name in ["a", "b"] {
        desk.add_provider(oauth_desk::AddProvider::new(
            spec(name, "https://as.example"),
            ClientSecrets::default(),
        ))
        .await
        .unwrap();
    }
    let mut edited = ProviderSpec::of(&desk.provider(&p("a")).await.unwrap());
    edited.name = "b".into();
    let err = desk
        .update_provider(&p("a"), edited, SecretsEdit::default())
        .await
        .unwrap_err();
    assert!(err.to_string().contains("already"), "{err}");
    assert_eq!(names(&desk), ["a", "b"]);
}

#[tokio::test]
async fn duplicate_copies_settings_and_secret_but_not_tokens() {
    let server = token_server().await;
    let dir = tempfile::tempdir().unwrap();
    let desk = desk(dir.path());
    for name in ["svc", "z"] {
        desk.add_provider(oauth_desk::AddProvider::new(
            spec(name, &server.uri()),
            with_secret(),
        ))
        .await
        .unwrap();
    }
    desk.client_credentials(&p("svc"), None).await.unwrap();
    let copy = desk.duplicate_provider(&p("svc"), "svc-2").await.unwrap();
    assert_eq!(names(&desk), ["svc", "svc-2", "z"]);
    assert_eq!(copy.client_id, "svc");
    assert!(desk.tokens(&p("svc-2")).await.unwrap().is_none());
    desk.client_credentials(&p("svc-2"), None).await.unwrap();
    assert!(desk.duplicate_provider(&p("svc"), "z").await.is_err());
}

#[tokio::test]
async fn reorder_puts_the_named_first_and_refuses_unknown_names() {
    let dir = tempfile::tempdir().unwrap();
    let desk = desk(dir.path());
    for name in ["a", "b", "c", "d"] {
        desk.add_provider(oauth_desk::AddProvider::new(
            spec(name, "https://as.example"),
            ClientSecrets::default(),
        ))
        .await
        .unwrap();
    }
    desk.reorder_providers(&["c".into(), "a".into()])
        .await
        .unwrap();
    assert_eq!(names(&desk), ["c", "a", "b", "d"]);
    assert!(
        desk.reorder_providers(&["nope".into(), "b".into()])
            .await
            .is_err()
    );
    assert_eq!(names(&desk), ["c", "a", "b", "d"]);
}
