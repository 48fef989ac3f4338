//! The one HTTP client of the process and the small request/response types the flows use.
//!
//! Why one place: timeouts, the user agent and the redirect policy are security decisions.
//! Token, revocation and introspection calls must never follow a redirect (a 3xx could carry
//! credentials elsewhere), so no call follows one; a 3xx is reported like any other response.

use std::time::{Duration, Instant};

use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, DATE};
use url::Url;

use crate::secret::Secret;

pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
pub const TOTAL_TIMEOUT: Duration = Duration::from_secs(30);
const USER_AGENT: &str = concat!("oauth-desk/", env!("CARGO_PKG_VERSION"));

#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    #[error("{url} did not answer within {secs} s")]
    Timeout { url: String, secs: u64 },
    #[error("could not connect to {url}: {reason}")]
    Connect { url: String, reason: String },
    #[error("request to {url} failed: {reason}")]
    Request { url: String, reason: String },
    #[error("could not set up the HTTP client: {0}")]
    Setup(String),
}

/// A form body (`application/x-www-form-urlencoded`). Every value is held as a [`Secret`]:
/// codes, verifiers, client secrets and refresh tokens travel in forms, and a form that is
/// printed by mistake must not show them.
#[derive(Debug, Default, Clone)]
pub struct Form {
    fields: Vec<(String, Secret)>,
}

impl Form {
    pub fn new() -> Self {
        Form::default()
    }

    pub fn add(&mut self, key: &str, value: impl Into<Secret>) -> &mut Self {
        self.fields.push((key.to_owned(), value.into()));
        self
    }

    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.fields.iter().map(|(k, _)| k.as_str())
    }

    fn encode(&self) -> String {
        let mut out = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in &self.fields {
            out.append_pair(k, v.expose());
        }
        out.finish()
    }
}

/// A response, read whole. Bodies of token endpoints are small.
#[derive(Debug, Clone)]
pub struct HttpResponse {
    pub url: Url,
    pub status: u16,
    pub content_type: Option<String>,
    /// The server's `Date` header, for clock-skew hints.
    pub date: Option<String>,
    pub body: Vec<u8>,
    pub elapsed: Duration,
}

impl HttpResponse {
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    pub fn content_type_is(&self, needle: &str) -> bool {
        self.content_type
            .as_deref()
            .is_some_and(|ct| ct.to_ascii_lowercase().contains(needle))
    }
}

/// The process-wide client. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Http {
    client: reqwest::Client,
    total_timeout: Duration,
}

impl Http {
    pub fn new() -> Result<Self, HttpError> {
        Self::with_timeout(TOTAL_TIMEOUT)
    }

    /// A client whose requests give up after `total` (connecting after at most 10 s).
    pub fn with_timeout(total: Duration) -> Result<Self, HttpError> {
        let client = reqwest::Client::builder()
            .user_agent(USER_AGENT)
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(CONNECT_TIMEOUT.min(total))
            .timeout(total)
            .build()
            .map_err(|e| HttpError::Setup(e.to_string()))?;
        Ok(Http {
            client,
            total_timeout: total,
        })
    }

    /// GET expecting JSON (discovery, JWKS, userinfo).
    pub async fn get_json(&self, url: &Url) -> Result<HttpResponse, HttpError> {
        let request = self
            .client
            .get(url.clone())
            .header(ACCEPT, "application/json");
        self.send(url, request).await
    }

    /// POST a form, optionally with HTTP Basic client authentication (already encoded).
    pub async fn post_form(
        &self,
        url: &Url,
        form: &Form,
        authorization: Option<&Secret>,
    ) -> Result<HttpResponse, HttpError> {
        let mut request = self
            .client
            .post(url.clone())
            .header(ACCEPT, "application/json")
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(form.encode());
        if let Some(value) = authorization {
            request = request.header(AUTHORIZATION, value.expose());
        }
        self.send(url, request).await
    }

    async fn send(
        &self,
        url: &Url,
        request: reqwest::RequestBuilder,
    ) -> Result<HttpResponse, HttpError> {
        let started = Instant::now();
        let shown = display_url(url);
        let timeout = self.total_timeout.as_secs();
        let response = request
            .send()
            .await
            .map_err(|e| classify(&shown, &e, timeout))?;
        let status = response.status().as_u16();
        let header = |name| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let content_type = header(CONTENT_TYPE);
        let date = header(DATE);
        let body = response
            .bytes()
            .await
            .map_err(|e| classify(&shown, &e, timeout))?
            .to_vec();
        tracing::debug!(url = %shown, status, elapsed_ms = started.elapsed().as_millis() as u64, "http exchange");
        Ok(HttpResponse {
            url: url.clone(),
            status,
            content_type,
            date,
            body,
            elapsed: started.elapsed(),
        })
    }
}

/// A URL for messages: without query or fragment, which may carry codes or tokens.
pub fn display_url(url: &Url) -> String {
    let mut shown = url.clone();
    shown.set_query(None);
    shown.set_fragment(None);
    shown.to_string()
}

fn classify(url: &str, e: &reqwest::Error, secs: u64) -> HttpError {
    let url = url.to_owned();
    if e.is_timeout() {
        HttpError::Timeout { url, secs }
    } else if e.is_connect() {
        HttpError::Connect {
            url,
            reason: root_cause(e),
        }
    } else {
        HttpError::Request {
            url,
            reason: root_cause(e),
        }
    }
}

fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cause = e;
    while let Some(next) = cause.source() {
        cause = next;
    }
    cause.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_are_urlencoded_and_debug_hides_values() {
        let mut form = Form::new();
        form.add("grant_type", "authorization_code")
            .add("code", "a b&c=d");
        assert_eq!(
            form.encode(),
            "grant_type=authorization_code&code=a+b%26c%3Dd"
        );
        assert!(!format!("{form:?}").contains("a b"));
    }

    #[test]
    fn display_url_drops_query() {
        let url = Url::parse("https://x.example/cb?code=secret#frag").unwrap();
        assert_eq!(display_url(&url), "https://x.example/cb");
    }
}
