//! The device authorization grant (RFC 8628): ask for a device code, show the user code and
//! verification URI, then poll the token endpoint at the server's pace — `interval` (default
//! 5 s), 5 s more on `slow_down`, on through `authorization_pending`, stopping on
//! `access_denied`, `expired_token` or when `expires_in` runs out.

use std::time::Duration;

use serde_json::Value;
use url::Url;

use super::{Client, FlowError};
use crate::http::{Form, Http};
use crate::provider::Scope;
use crate::secret::Secret;
use crate::token::{OAuthError, TokenError, TokenResponse, body_fields, not_oauth};

pub const DEVICE_CODE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";
/// RFC 8628 §3.2: 5 s when the server gives no interval.
pub const DEFAULT_INTERVAL_SECS: u64 = 5;
/// The longest a device code is waited for, whatever the server's `expires_in`.
pub const MAX_DEVICE_LIFETIME_SECS: u64 = 24 * 3600;
/// The longest wait between polls, whatever the server's `interval`.
pub const MAX_INTERVAL_SECS: u64 = 3600;
/// RFC 8628 §3.5: each `slow_down` adds 5 s.
pub const SLOW_DOWN_SECS: u64 = 5;

#[derive(Debug, thiserror::Error)]
pub enum DeviceError {
    #[error("the device authorization response lacks {0}")]
    Missing(&'static str),
    #[error("the device code expired before the sign-in was approved; run the command again")]
    Expired,
    #[error("the sign-in was denied at the verification page: {0}")]
    Denied(OAuthError),
    #[error("the sign-in was cancelled")]
    Cancelled,
}

/// The device authorization response (RFC 8628 §3.2).
#[derive(Debug, Clone)]
pub struct DeviceAuthorization {
    pub device_code: Secret,
    pub user_code: String,
    pub verification_uri: String,
    pub verification_uri_complete: Option<String>,
    pub expires_in: u64,
    pub interval: u64,
}

impl DeviceAuthorization {
    /// The page to open: the complete URI (user code included) when the server gives one.
    pub fn open_uri(&self) -> &str {
        self.verification_uri_complete
            .as_deref()
            .unwrap_or(&self.verification_uri)
    }
}

/// What the poller reports between polls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PollEvent {
    /// Waiting `interval` before the next poll; `remaining` until the code expires.
    Waiting {
        interval: Duration,
        remaining: Duration,
    },
    /// The server asked to slow down; the interval is now `interval`.
    SlowDown { interval: Duration },
    /// A network error; the poll is retried after `interval` (doubled, RFC 8628 §3.5).
    Retrying { interval: Duration },
}

/// Requests a device code (RFC 8628 §3.1).
pub async fn authorize(
    client: &Client,
    http: &Http,
    endpoint: &Url,
    scope: &Scope,
) -> Result<DeviceAuthorization, FlowError> {
    let mut form = Form::new();
    if !scope.is_empty() {
        form.add("scope", scope.as_str());
    }
    let response = client
        .authenticated_post(http, "device authorization", endpoint, form)
        .await?;
    let fields = body_fields(&response).ok_or_else(|| not_oauth(&response))?;
    if let Some(e) = OAuthError::from_fields(&fields, Some(response.status)) {
        return Err(TokenError::OAuth(e).into());
    }
    if !response.is_success() {
        return Err(not_oauth(&response).into());
    }
    read_authorization(&fields)
}

/// The device authorization response's fields (RFC 8628 §3.2), defaults filled in.
fn read_authorization(
    fields: &serde_json::Map<String, Value>,
) -> Result<DeviceAuthorization, FlowError> {
    let text = |k: &str| fields.get(k).and_then(Value::as_str).map(str::to_owned);
    let number = |k: &str| {
        fields
            .get(k)
            .and_then(crate::jwt::numeric)
            .map(|n| n.max(0) as u64)
    };
    Ok(DeviceAuthorization {
        device_code: Secret::new(text("device_code").ok_or(DeviceError::Missing("device_code"))?),
        user_code: text("user_code").ok_or(DeviceError::Missing("user_code"))?,
        verification_uri: text("verification_uri")
            .or_else(|| text("verification_url")) // Google's pre-RFC spelling
            .ok_or(DeviceError::Missing("verification_uri"))?,
        verification_uri_complete: text("verification_uri_complete"),
        // Bounded: a day to approve, an hour between polls, whatever the server says.
        expires_in: number("expires_in")
            .unwrap_or(1800)
            .min(MAX_DEVICE_LIFETIME_SECS),
        interval: number("interval")
            .filter(|&i| i > 0)
            .unwrap_or(DEFAULT_INTERVAL_SECS)
            .min(MAX_INTERVAL_SECS),
    })
}

/// Polls the token endpoint until the user approves, denies, or the code expires: see
/// [`poll_with`]. `on_event` sees every wait; `cancelled` is checked before each poll.
pub async fn poll(
    client: &Client,
    http: &Http,
    auth: &DeviceAuthorization,
    on_event: impl FnMut(PollEvent),
    cancelled: impl Fn() -> bool,
) -> Result<TokenResponse, FlowError> {
    poll_with(auth, on_event, cancelled, || {
        let mut form = Form::new();
        form.add("grant_type", DEVICE_CODE_GRANT)
            .add("device_code", auth.device_code.clone());
        client.token_request(http, form)
    })
    .await
}

/// The polling rules of RFC 8628 §3.4–3.5, over any way of asking (`ask`): wait `interval`
/// seconds before each poll, add 5 s for good on `slow_down`, double it (up to a minute) on a
/// network error, stop on `expired_token`, `access_denied`, another error, or when the code's
/// lifetime is up. Timed with tokio's clock, so tests run it under a paused one.
pub async fn poll_with<F, Fut>(
    auth: &DeviceAuthorization,
    mut on_event: impl FnMut(PollEvent),
    cancelled: impl Fn() -> bool,
    mut ask: F,
) -> Result<TokenResponse, FlowError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<TokenResponse, FlowError>>,
{
    let unit = Duration::from_secs(1);
    let started = tokio::time::Instant::now();
    let lifetime = unit * auth.expires_in as u32;
    let mut interval = unit * auth.interval as u32;
    loop {
        let elapsed = started.elapsed();
        if elapsed + interval > lifetime {
            return Err(DeviceError::Expired.into());
        }
        on_event(PollEvent::Waiting {
            interval,
            remaining: lifetime - elapsed,
        });
        tokio::time::sleep(interval).await;
        if cancelled() {
            return Err(DeviceError::Cancelled.into());
        }
        match ask().await {
            Ok(tokens) => return Ok(tokens),
            Err(FlowError::Token(TokenError::OAuth(e))) => match e.error.as_str() {
                "authorization_pending" => {}
                "slow_down" => {
                    interval += unit * SLOW_DOWN_SECS as u32;
                    on_event(PollEvent::SlowDown { interval });
                }
                "expired_token" => return Err(DeviceError::Expired.into()),
                "access_denied" => return Err(DeviceError::Denied(e).into()),
                _ => return Err(TokenError::OAuth(e).into()),
            },
            Err(FlowError::Http(_)) => {
                interval = (interval * 2).min(unit * 60);
                on_event(PollEvent::Retrying { interval });
            }
            Err(e) => return Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use super::*;
    use crate::token::{OAuthError, TokenError, TokenResponse};

    fn authorization(interval: u64, expires_in: u64) -> DeviceAuthorization {
        DeviceAuthorization {
            device_code: Secret::new("dc"),
            user_code: "ABCD-EFGH".into(),
            verification_uri: "https://as.example/device".into(),
            verification_uri_complete: None,
            expires_in,
            interval,
        }
    }

    fn refusal(code: &str) -> Result<TokenResponse, FlowError> {
        Err(TokenError::OAuth(OAuthError {
            error: code.into(),
            error_description: None,
            error_uri: None,
            status: Some(400),
        })
        .into())
    }

    fn tokens() -> Result<TokenResponse, FlowError> {
        let response = crate::http::HttpResponse {
            url: "https://as.example/token".parse().unwrap(),
            status: 200,
            content_type: Some("application/json".into()),
            date: None,
            headers: vec![],
            body: br#"{"access_token":"at","token_type":"Bearer"}"#.to_vec(),
            elapsed: Duration::ZERO,
            truncated: false,
        };
        Ok(crate::token::parse_token_response(&response)?)
    }

    /// Polls with the answers in turn (the last repeated); the waits and when each poll came.
    async fn polled(
        auth: &DeviceAuthorization,
        answers: Vec<fn() -> Result<TokenResponse, FlowError>>,
    ) -> (
        Result<TokenResponse, FlowError>,
        Vec<PollEvent>,
        Vec<Duration>,
    ) {
        let started = tokio::time::Instant::now();
        let events = Mutex::new(Vec::new());
        let asked = Mutex::new(Vec::new());
        let result = poll_with(
            auth,
            |e| events.lock().unwrap().push(e),
            || false,
            || {
                let mut asked = asked.lock().unwrap();
                asked.push(started.elapsed());
                let answer = answers[(asked.len() - 1).min(answers.len() - 1)];
                std::future::ready(answer())
            },
        )
        .await;
        (
            result,
            events.into_inner().unwrap(),
            asked.into_inner().unwrap(),
        )
    }

    #[tokio::test(start_paused = true)]
    async fn pending_and_slow_down_are_honoured() {
        let (result, events, asked) = polled(
            &authorization(1, 600),
            vec![
                || refusal("authorization_pending"),
                || refusal("slow_down"),
                || refusal("authorization_pending"),
                tokens,
            ],
        )
        .await;
        assert_eq!(result.unwrap().access_token.expose(), "at");
        let s = Duration::from_secs;
        assert_eq!(
            asked,
            [s(1), s(2), s(8), s(14)],
            "slow_down adds 5 s to the interval for good (RFC 8628 §3.5)"
        );
        assert!(events.contains(&PollEvent::SlowDown { interval: s(6) }));
    }

    #[tokio::test(start_paused = true)]
    async fn the_default_interval_is_five_seconds() {
        let fields = serde_json::json!({"device_code": "d", "user_code": "u",
            "verification_uri": "https://as.example/d", "expires_in": 600});
        let auth = read_authorization(fields.as_object().unwrap()).unwrap();
        let (result, events, asked) = polled(&auth, vec![tokens]).await;
        result.unwrap();
        assert_eq!(asked, [Duration::from_secs(5)]);
        assert!(matches!(
            events[0],
            PollEvent::Waiting { interval, .. } if interval == Duration::from_secs(5)
        ));
    }

    #[test]
    fn a_servers_huge_lifetime_and_interval_are_bounded() {
        let fields = serde_json::json!({"device_code": "d", "user_code": "u",
            "verification_uri": "https://as.example/d", "expires_in": 1e300,
            "interval": u64::MAX});
        let auth = read_authorization(fields.as_object().unwrap()).unwrap();
        assert_eq!(auth.expires_in, MAX_DEVICE_LIFETIME_SECS);
        assert_eq!(auth.interval, MAX_INTERVAL_SECS);
    }

    #[tokio::test(start_paused = true)]
    async fn polling_stops_when_the_code_runs_out() {
        let (result, _, asked) = polled(
            &authorization(1, 3),
            vec![|| refusal("authorization_pending")],
        )
        .await;
        let err = result.unwrap_err().to_string();
        assert!(
            err.contains("expired before the sign-in was approved"),
            "{err}"
        );
        assert!(asked.len() <= 3, "no poll past expires_in: {asked:?}");
        assert!(asked.iter().all(|t| *t <= Duration::from_secs(3)));
    }

    #[tokio::test(start_paused = true)]
    async fn denial_and_expiry_end_the_polling() {
        let (result, _, asked) = polled(
            &authorization(1, 600),
            vec![|| refusal("authorization_pending"), || {
                refusal("access_denied")
            }],
        )
        .await;
        assert!(result.unwrap_err().to_string().contains("denied"));
        assert_eq!(asked.len(), 2, "no poll after a denial");
        let (result, _, _) =
            polled(&authorization(1, 600), vec![|| refusal("expired_token")]).await;
        assert!(result.unwrap_err().to_string().contains("expired"));
    }
}
