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
        expires_in: number("expires_in").unwrap_or(1800),
        interval: number("interval")
            .filter(|&i| i > 0)
            .unwrap_or(DEFAULT_INTERVAL_SECS),
    })
}

/// Polls until the user approves, denies, or the code expires. `unit` is one second in real
/// use (tests shrink it); `on_event` sees every wait; `cancelled` is checked before each poll.
pub async fn poll(
    client: &Client,
    http: &Http,
    auth: &DeviceAuthorization,
    unit: Duration,
    mut on_event: impl FnMut(PollEvent),
    cancelled: impl Fn() -> bool,
) -> Result<TokenResponse, FlowError> {
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
        let mut form = Form::new();
        form.add("grant_type", DEVICE_CODE_GRANT)
            .add("device_code", auth.device_code.clone());
        match client.token_request(http, form).await {
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
