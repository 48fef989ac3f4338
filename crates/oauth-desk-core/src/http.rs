//! The one HTTP client of the process and the small request/response types the flows use.
//!
//! Why one place: timeouts, the user agent and the redirect policy are security decisions.
//! Token, revocation and introspection calls must never follow a redirect (a 3xx could carry
//! credentials elsewhere), so no call follows one; a 3xx is reported like any other response.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use reqwest::Method;
use url::Url;

use crate::mtls::ClientCertificate;
use crate::secret::Secret;
use crate::trace::{Exchange, Message, Recorder};

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
    #[error("{url} answered with more than {} KiB; an answer of that size is refused", limit / 1024)]
    TooLarge { url: String, limit: usize },
}

/// The most a protocol endpoint's answer may weigh (discovery, JWKS, token, userinfo,
/// introspection, PAR…): real ones weigh a few KiB.
pub const MAX_PROTOCOL_BODY: usize = 1024 * 1024;
/// The most a resource's answer (`call`) is read by default; the rest is cut, and said so.
pub const MAX_CALL_BODY: usize = 16 * 1024 * 1024;
/// The most of one body a trace keeps.
pub const MAX_TRACED_BODY: usize = 64 * 1024;

/// What to do with an answer larger than a limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyLimit {
    /// Refuse it: an error (protocol endpoints).
    Refuse(usize),
    /// Keep the first bytes, mark it cut (a resource's answer).
    Cut(usize),
}

impl Default for BodyLimit {
    /// A protocol endpoint's.
    fn default() -> BodyLimit {
        BodyLimit::Refuse(MAX_PROTOCOL_BODY)
    }
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

    /// The value of a non-secret field (e.g. `grant_type`) for labels.
    pub fn value(&self, key: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(k, _)| k == key && !crate::redact::is_secret_key(k))
            .map(|(_, v)| v.expose())
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
    /// Every header, names lower-case, in order.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub elapsed: Duration,
    /// The body was longer than the limit and is cut ([`BodyLimit::Cut`]).
    pub truncated: bool,
}

impl HttpResponse {
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// The first value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn content_type_is(&self, needle: &str) -> bool {
        self.content_type
            .as_deref()
            .is_some_and(|ct| ct.to_ascii_lowercase().contains(needle))
    }
}

/// The process-wide client. Cheap to clone. A clone made with [`Http::recording`] writes every
/// exchange into a flow's trace. The underlying client (TLS roots and all) is built on first
/// use: `oauth-desk token` answered by the agent never pays for it.
#[derive(Debug, Clone)]
pub struct Http {
    client: Arc<OnceLock<Result<reqwest::Client, String>>>,
    /// Clients that present a certificate (RFC 8705), by the certificate's thumbprint.
    presenting: Arc<Mutex<HashMap<String, reqwest::Client>>>,
    certificate: Option<Arc<ClientCertificate>>,
    total_timeout: Duration,
    recorder: Option<Recorder>,
}

/// One header of a request; credentials are [`Secret`]s so they never print.
#[derive(Debug, Clone, Copy)]
pub enum HeaderValue<'a> {
    Plain(&'a str),
    Secret(&'a Secret),
}

impl Http {
    pub fn new() -> Result<Self, HttpError> {
        Self::with_timeout(TOTAL_TIMEOUT)
    }

    /// A client whose requests give up after `total` (connecting after at most 10 s).
    pub fn with_timeout(total: Duration) -> Result<Self, HttpError> {
        Ok(Http {
            client: Arc::new(OnceLock::new()),
            presenting: Arc::default(),
            certificate: None,
            total_timeout: total,
            recorder: None,
        })
    }

    fn builder(&self) -> reqwest::ClientBuilder {
        let total = self.total_timeout;
        reqwest::Client::builder()
            .user_agent(USER_AGENT)
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(CONNECT_TIMEOUT.min(total))
            .timeout(total)
    }

    fn client(&self) -> Result<reqwest::Client, HttpError> {
        if let Some(certificate) = &self.certificate {
            return self.presenting_client(certificate);
        }
        self.client
            .get_or_init(|| self.builder().build().map_err(|e| e.to_string()))
            .clone()
            .map_err(HttpError::Setup)
    }

    fn presenting_client(
        &self,
        certificate: &ClientCertificate,
    ) -> Result<reqwest::Client, HttpError> {
        let setup = |e: String| HttpError::Setup(format!("the client certificate: {e}"));
        let key = certificate.thumbprint().map_err(|e| setup(e.to_string()))?;
        let mut clients = self
            .presenting
            .lock()
            .map_err(|_| setup("lock poisoned".into()))?;
        if let Some(client) = clients.get(&key) {
            return Ok(client.clone());
        }
        let identity = reqwest::Identity::from_pem(certificate.identity_pem().expose().as_bytes())
            .map_err(|e| setup(e.to_string()))?;
        let client = self
            .builder()
            .identity(identity)
            .build()
            .map_err(|e| setup(e.to_string()))?;
        clients.insert(key, client.clone());
        Ok(client)
    }

    /// The same client, presenting `certificate` in every TLS handshake (RFC 8705).
    pub fn presenting(&self, certificate: Option<&Arc<ClientCertificate>>) -> Http {
        Http {
            certificate: certificate.cloned(),
            ..self.clone()
        }
    }

    /// The same client, recording into `recorder`.
    pub fn recording(&self, recorder: &Recorder) -> Http {
        Http {
            recorder: Some(recorder.clone()),
            ..self.clone()
        }
    }

    pub fn recorder(&self) -> Option<&Recorder> {
        self.recorder.as_ref()
    }

    /// GET expecting JSON (discovery, JWKS).
    pub async fn get_json(&self, label: &str, url: &Url) -> Result<HttpResponse, HttpError> {
        self.send(
            label,
            Method::GET,
            url,
            &[("accept", HeaderValue::Plain("application/json"))],
            None,
            BodyLimit::Refuse(MAX_PROTOCOL_BODY),
        )
        .await
    }

    /// GET with a bearer token (userinfo, RFC 6750 §2.1).
    pub async fn get_with_token(
        &self,
        label: &str,
        url: &Url,
        authorization: &Secret,
    ) -> Result<HttpResponse, HttpError> {
        let headers = [
            ("accept", HeaderValue::Plain("application/json")),
            ("authorization", HeaderValue::Secret(authorization)),
        ];
        self.send(
            label,
            Method::GET,
            url,
            &headers,
            None,
            BodyLimit::Refuse(MAX_PROTOCOL_BODY),
        )
        .await
    }

    /// A JSON request (client registration, RFC 7591/7592): `method` one of POST, PUT, GET,
    /// DELETE, the body JSON, an optional bearer token.
    pub async fn json_request(
        &self,
        label: &str,
        method: &str,
        url: &Url,
        body: Option<&Secret>,
        bearer: Option<&Secret>,
    ) -> Result<HttpResponse, HttpError> {
        let method = Method::from_bytes(method.as_bytes()).unwrap_or(Method::GET);
        let authorization = bearer.map(|t| Secret::new(format!("Bearer {}", t.expose())));
        let mut headers = vec![("accept", HeaderValue::Plain("application/json"))];
        if body.is_some() {
            headers.push(("content-type", HeaderValue::Plain("application/json")));
        }
        if let Some(value) = &authorization {
            headers.push(("authorization", HeaderValue::Secret(value)));
        }
        self.send(
            label,
            method,
            url,
            &headers,
            body,
            BodyLimit::Refuse(MAX_PROTOCOL_BODY),
        )
        .await
    }

    /// POST a form, optionally with an Authorization header (client authentication).
    pub async fn post_form(
        &self,
        label: &str,
        url: &Url,
        form: &Form,
        authorization: Option<&Secret>,
    ) -> Result<HttpResponse, HttpError> {
        self.post_form_with(label, url, form, authorization, &[])
            .await
    }

    /// POST a form with more headers (a DPoP proof).
    pub async fn post_form_with(
        &self,
        label: &str,
        url: &Url,
        form: &Form,
        authorization: Option<&Secret>,
        extra: &[(&str, HeaderValue<'_>)],
    ) -> Result<HttpResponse, HttpError> {
        let mut headers = vec![
            ("accept", HeaderValue::Plain("application/json")),
            (
                "content-type",
                HeaderValue::Plain("application/x-www-form-urlencoded"),
            ),
        ];
        if let Some(value) = authorization {
            headers.push(("authorization", HeaderValue::Secret(value)));
        }
        headers.extend_from_slice(extra);
        let body = Secret::new(form.encode());
        let limit = BodyLimit::Refuse(MAX_PROTOCOL_BODY);
        self.send(label, Method::POST, url, &headers, Some(&body), limit)
            .await
    }

    /// Any request (`call`, userinfo): `method` as given, the headers as given, the body as
    /// given, the answer read within `limit`.
    pub async fn request(
        &self,
        label: &str,
        method: &str,
        url: &Url,
        headers: &[(&str, HeaderValue<'_>)],
        body: Option<&Secret>,
        limit: BodyLimit,
    ) -> Result<HttpResponse, HttpError> {
        let method = Method::from_bytes(method.to_ascii_uppercase().as_bytes()).map_err(|_| {
            HttpError::Request {
                url: display_url(url),
                reason: format!("{method:?} is not an HTTP method"),
            }
        })?;
        self.send(label, method, url, headers, body, limit).await
    }

    async fn send(
        &self,
        label: &str,
        method: Method,
        url: &Url,
        headers: &[(&str, HeaderValue<'_>)],
        body: Option<&Secret>,
        limit: BodyLimit,
    ) -> Result<HttpResponse, HttpError> {
        let started = Instant::now();
        let started_at_ms = crate::trace::now_ms();
        let shown = display_url(url);
        let timeout = self.total_timeout.as_secs();
        let mut request = self.client()?.request(method.clone(), url.clone());
        for (name, value) in headers {
            request = request.header(
                *name,
                match value {
                    HeaderValue::Plain(v) => *v,
                    HeaderValue::Secret(v) => v.expose(),
                },
            );
        }
        if let Some(body) = body {
            request = request.body(body.expose().to_owned());
        }
        let result = receive(request, limit, &shown, timeout).await;
        let elapsed = started.elapsed();
        if let Some(recorder) = &self.recorder {
            let (status, response, error) = match &result {
                Ok(received) => (
                    Some(received.status),
                    Some(Message {
                        headers: received.headers.clone(),
                        body: Some(traced_body(&received.body)),
                    }),
                    None,
                ),
                Err(e) => (None, None, Some(e.to_string())),
            };
            recorder.record(Exchange {
                label: label.to_owned(),
                started_at_ms,
                duration_ms: elapsed.as_millis() as u64,
                method: method.to_string(),
                url: url.to_string(),
                request: traced_request(headers, body),
                status,
                response,
                error,
            });
        }
        let received = result?;
        let status = received.status;
        tracing::debug!(url = %shown, status, elapsed_ms = elapsed.as_millis() as u64, "{label}");
        let header = |name: &str| {
            received
                .headers
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.clone())
        };
        Ok(HttpResponse {
            url: url.clone(),
            status,
            content_type: header("content-type"),
            date: header("date"),
            body: received.body,
            headers: received.headers,
            elapsed,
            truncated: received.truncated,
        })
    }
}

/// An answer as it came off the wire, before it is recorded.
struct Received {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    truncated: bool,
}

/// Sends `request` and reads the answer within `limit`.
async fn receive(
    request: reqwest::RequestBuilder,
    limit: BodyLimit,
    shown: &str,
    timeout: u64,
) -> Result<Received, HttpError> {
    let response = request
        .send()
        .await
        .map_err(|e| classify(shown, &e, timeout))?;
    let status = response.status().as_u16();
    let headers: Vec<(String, String)> = response
        .headers()
        .iter()
        .map(|(n, v)| {
            (
                n.as_str().to_owned(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    let (body, truncated) = read_body(response, limit, shown, timeout).await?;
    Ok(Received {
        status,
        headers,
        body,
        truncated,
    })
}

/// The request as the trace keeps it: a secret header's value masked (the body is redacted
/// when the trace is written).
fn traced_request(headers: &[(&str, HeaderValue<'_>)], body: Option<&Secret>) -> Message {
    Message {
        headers: headers
            .iter()
            .map(|(n, v)| {
                let value = match v {
                    HeaderValue::Plain(v) => (*v).to_owned(),
                    HeaderValue::Secret(_) => crate::redact::MASK.to_owned(),
                };
                ((*n).to_owned(), value)
            })
            .collect(),
        body: body.map(|b| b.expose().to_owned()),
    }
}

/// Reads an answer's body within `limit`: a declared length over a refusing limit is refused
/// before a byte is read; otherwise chunk by chunk, never holding more than the limit.
async fn read_body(
    mut response: reqwest::Response,
    limit: BodyLimit,
    shown: &str,
    timeout: u64,
) -> Result<(Vec<u8>, bool), HttpError> {
    let (max, refuse) = match limit {
        BodyLimit::Refuse(max) => (max, true),
        BodyLimit::Cut(max) => (max, false),
    };
    let too_large = || HttpError::TooLarge {
        url: shown.to_owned(),
        limit: max,
    };
    if refuse && response.content_length().is_some_and(|n| n > max as u64) {
        return Err(too_large());
    }
    let mut body = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|e| classify(shown, &e, timeout))?
    {
        if body.len() + chunk.len() > max {
            if refuse {
                return Err(too_large());
            }
            body.extend_from_slice(&chunk[..max - body.len()]);
            return Ok((body, true));
        }
        body.extend_from_slice(&chunk);
    }
    Ok((body, false))
}

/// A body as a trace keeps it: at most [`MAX_TRACED_BODY`] bytes, saying what was left out.
fn traced_body(body: &[u8]) -> String {
    if body.len() <= MAX_TRACED_BODY {
        return String::from_utf8_lossy(body).into_owned();
    }
    format!(
        "{}\n[… {} more bytes, not kept in the trace]",
        String::from_utf8_lossy(&body[..MAX_TRACED_BODY]),
        body.len() - MAX_TRACED_BODY
    )
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
