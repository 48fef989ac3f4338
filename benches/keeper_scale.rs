//! Keeper at scale: 10,000 token sets (100 providers × 100 sets) with random lifetimes, renewed
//! by the real keeper through the engine's real refresh request against a local mock token
//! endpoint, for a fixed wall-clock time. Prints refreshes, refreshes missed (renewed after
//! expiry: must be 0), wake-ups with nothing due, peak memory and CPU time per refresh.
//!
//! Run: `cargo bench --bench keeper_scale` (env `BENCH_SECONDS=60` to change the duration).

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use oauth_desk_core::flow::{Client, Credentials};
use oauth_desk_core::http::{Http, HttpResponse};
use oauth_desk_core::keeper::{self, KeeperClock, Plan, RenewError, Renewer};
use oauth_desk_core::provider::{AuthMethod, Slot};
use oauth_desk_core::token::{Grant, TokenSet};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const PROVIDERS: usize = 100;
const SETS_PER_PROVIDER: usize = 100;

struct Issuer(AtomicU64);

impl Respond for Issuer {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let n = self.0.fetch_add(1, Ordering::Relaxed);
        let lifetime = 5 + (n.wrapping_mul(2_654_435_761) % 26); // 5–30 s
        ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "access_token": format!("at-{n}"), "refresh_token": format!("rt-{n}"),
            "token_type": "Bearer", "expires_in": lifetime,
        }))
    }
}

struct Bench {
    http: Http,
    client: Client,
    sets: Mutex<HashMap<Slot, TokenSet>>,
    missed: AtomicU64,
}

impl Renewer for Bench {
    async fn plans(&self) -> Vec<Plan> {
        let sets = self.sets.lock().unwrap();
        sets.iter()
            .map(|(name, t)| Plan {
                provider: name.clone(),
                due_at: t.expires_at.unwrap() - t.refresh_margin().unwrap(),
                expires_at: t.expires_at,
                renewable: true,
            })
            .collect()
    }

    async fn renew(&self, name: &Slot) -> Result<Option<Plan>, RenewError> {
        let now = oauth_desk::now();
        let refresh_token = {
            let sets = self.sets.lock().unwrap();
            let set = &sets[name];
            if set.expires_at.is_some_and(|at| at <= now) {
                self.missed.fetch_add(1, Ordering::Relaxed);
            }
            set.refresh_token.clone().unwrap()
        };
        let response = if std::env::var_os("BENCH_NO_HTTP").is_some() {
            // Isolates the keeper from the HTTP stack when looking for where memory goes.
            oauth_desk_core::token::parse_token_response(&HttpResponse {
                url: self.client.token_endpoint.clone(),
                status: 200,
                content_type: Some("application/json".into()),
                date: None,
                headers: Vec::new(),
                body: br#"{"access_token":"a","refresh_token":"r","expires_in":17}"#.to_vec(),
                elapsed: Duration::ZERO,
                truncated: false,
            })
            .unwrap()
        } else {
            self.client
                .refresh(&self.http, &refresh_token)
                .await
                .map_err(|e| RenewError::Transient(e.to_string()))?
        };
        let mut sets = self.sets.lock().unwrap();
        let set = sets.get_mut(name).unwrap();
        set.apply_refresh(response, oauth_desk::now());
        Ok(Some(Plan {
            provider: name.clone(),
            due_at: set.expires_at.unwrap() - set.refresh_margin().unwrap(),
            expires_at: set.expires_at,
            renewable: true,
        }))
    }
}

/// (user + system CPU seconds, peak RSS in KiB) of this process.
fn usage() -> (f64, u64) {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let fields: Vec<&str> = stat
        .rsplit(')')
        .next()
        .unwrap_or("")
        .split_whitespace()
        .collect();
    let ticks: f64 = fields
        .get(11)
        .and_then(|u| u.parse::<f64>().ok())
        .unwrap_or(0.0)
        + fields
            .get(12)
            .and_then(|s| s.parse::<f64>().ok())
            .unwrap_or(0.0);
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let hwm = status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    (ticks / 100.0, hwm)
}

#[tokio::main]
#[expect(
    clippy::too_many_lines,
    reason = "one measurement from set-up to the printed table, in the order it runs"
)]
async fn main() {
    let seconds: u64 = std::env::var("BENCH_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(60);
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(Issuer(AtomicU64::new(0)))
        .mount(&server)
        .await;
    let token_endpoint = url::Url::parse(&format!("{}/token", server.uri())).unwrap();
    let client = Client {
        credentials: Credentials {
            client_id: oauth_desk_core::provider::ClientId::new("bench"),
            method: AuthMethod::None,
            secret: None,
            private_key: None,
            assertion_audience: (
                oauth_desk::AssertionAudience::TokenEndpoint,
                token_endpoint.to_string(),
            ),
        },
        token_endpoint,
        token_params: vec![],
        resources: vec![],
        dpop: None,
        certificate: None,
        introspection_endpoint: None,
    };
    let now = oauth_desk::now();
    let mut sets = HashMap::new();
    for p in 0..PROVIDERS {
        for s in 0..SETS_PER_PROVIDER {
            let i = (p * SETS_PER_PROVIDER + s) as i64;
            let lifetime = 5 + (i * 7919) % 26;
            let body = format!(
                r#"{{"access_token":"a{i}","refresh_token":"r{i}","expires_in":{lifetime}}}"#
            );
            let response = oauth_desk_core::token::parse_token_response(&HttpResponse {
                url: client.token_endpoint.clone(),
                status: 200,
                content_type: Some("application/json".into()),
                date: None,
                headers: Vec::new(),
                body: body.into_bytes(),
                elapsed: Duration::ZERO,
                truncated: false,
            })
            .unwrap();
            sets.insert(
                Slot::parse(&format!("p{p}@s{s}")).expect("a slot key"),
                TokenSet::from_response(response, &"".into(), Grant::AuthorizationCode, None, now),
            );
        }
    }
    let bench = Arc::new(Bench {
        http: Http::new().unwrap(),
        client,
        sets: Mutex::new(sets),
        missed: AtomicU64::new(0),
    });
    let (cpu_before, _) = usage();
    let started = Instant::now();
    let (handle, task) = keeper::spawn(bench.clone(), KeeperClock::default());
    tokio::time::sleep(Duration::from_secs(seconds)).await;
    handle.stop();
    let stats = task.await.unwrap();
    let (cpu_after, peak_kib) = usage();
    let refreshes = stats.renewals;
    let cpu = cpu_after - cpu_before;
    println!(
        "keeper_scale: {} token sets, {:.0} s",
        PROVIDERS * SETS_PER_PROVIDER,
        started.elapsed().as_secs_f64()
    );
    println!("  refreshes             {refreshes}");
    println!(
        "  refreshes missed      {}",
        bench.missed.load(Ordering::Relaxed)
    );
    println!(
        "  wake-ups              {} ({} with nothing due)",
        stats.wakeups, stats.idle_wakeups
    );
    println!(
        "  peak RSS              {:.1} MiB (bench process, mock server included)",
        peak_kib as f64 / 1024.0
    );
    println!(
        "  CPU per refresh       {:.1} µs (whole process: keeper, HTTP client and mock server)",
        cpu * 1e6 / refreshes.max(1) as f64
    );
}
