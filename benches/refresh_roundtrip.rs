//! A refresh through the engine (form, client authentication, tolerant parsing, token-set
//! update) against the same loopback endpoint as a raw reqwest POST of the same form, in the
//! same run: the ratio is the engine's overhead.
//!
//! Run: `cargo bench --bench refresh_roundtrip` (env `ROUNDS=2000`).

use std::time::{Duration, Instant};

use oauth_desk::provider::AuthMethod;
use oauth_desk::secret::Secret;
use oauth_desk_core::flow::{Client, Credentials};
use oauth_desk_core::http::Http;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::main]
async fn main() {
    let rounds: u32 = std::env::var("ROUNDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(2000);
    let server = MockServer::builder()
        .disable_request_recording()
        .start()
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "access_token": "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhIn0.c2ln", "refresh_token": "rt-next",
            "token_type": "Bearer", "expires_in": 3600, "scope": "openid profile"
        })))
        .mount(&server)
        .await;
    let url = url::Url::parse(&format!("{}/token", server.uri())).unwrap();
    let client = Client {
        credentials: Credentials {
            client_id: oauth_desk::provider::ClientId::new("bench-client"),
            method: AuthMethod::ClientSecretBasic,
            secret: Some(Secret::new("bench secret:with/special+chars")),
            private_key: None,
            assertion_audience: (
                oauth_desk::AssertionAudience::TokenEndpoint,
                url.to_string(),
            ),
        },
        token_endpoint: url.clone(),
        token_params: vec![],
        resources: vec![],
        dpop: None,
        certificate: None,
        introspection_endpoint: None,
    };
    let http = Http::new().unwrap();
    let raw = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let refresh_token = oauth_desk::secret::RefreshToken::new("rt-current-0123456789");

    // Warm both connections.
    for _ in 0..50 {
        client.refresh(&http, &refresh_token).await.unwrap();
        raw_post(&raw, &url).await;
    }
    let mut engine = Duration::ZERO;
    let mut plain = Duration::ZERO;
    for _ in 0..rounds {
        let t = Instant::now();
        client.refresh(&http, &refresh_token).await.unwrap();
        engine += t.elapsed();
        let t = Instant::now();
        raw_post(&raw, &url).await;
        plain += t.elapsed();
    }
    let per = |d: Duration| d.as_secs_f64() * 1e6 / rounds as f64;
    println!("refresh_roundtrip: {rounds} rounds each, interleaved, loopback mock endpoint");
    println!("  engine refresh   {:.0} µs", per(engine));
    println!("  raw reqwest POST {:.0} µs", per(plain));
    println!(
        "  ratio            {:.2}",
        engine.as_secs_f64() / plain.as_secs_f64()
    );
}

async fn raw_post(client: &reqwest::Client, url: &url::Url) {
    let response = client
        .post(url.clone())
        .header(
            "authorization",
            "Basic YmVuY2gtY2xpZW50OmJlbmNoK3NlY3JldCUzQXdpdGglMkZzcGVjaWFsJTJCY2hhcnM=",
        )
        .header("content-type", "application/x-www-form-urlencoded")
        .body("grant_type=refresh_token&refresh_token=rt-current-0123456789")
        .send()
        .await
        .unwrap();
    let bytes = response.bytes().await.unwrap();
    let _: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
}
