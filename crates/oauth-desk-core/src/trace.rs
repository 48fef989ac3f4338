//! Flow traces: every HTTP exchange of a flow (discovery, the authorization redirect, token,
//! refresh, device polls, revocation, introspection, userinfo, JWKS) with method, URL, status,
//! headers, bodies and timing — redacted as they are recorded, so no secret is ever held in a
//! trace, kept on disk, or exported. `oauth-desk trace NAME [--har FILE]` shows the last one.

use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::redact::{MASK, Redactor, is_secret_header};
use crate::secret::Secret;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Message {
    pub headers: Vec<(String, String)>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Exchange {
    /// What this step was, e.g. "token (refresh_token)".
    pub label: String,
    /// Unix milliseconds.
    pub started_at_ms: i64,
    pub duration_ms: u64,
    pub method: String,
    pub url: String,
    pub request: Message,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response: Option<Message>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// A finished flow's trace, as stored.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Trace {
    pub provider: String,
    pub flow: String,
    pub started_at_ms: i64,
    pub exchanges: Vec<Exchange>,
}

pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

#[derive(Debug, Default)]
struct Inner {
    redactor: Redactor,
    exchanges: Vec<Exchange>,
}

/// Collects a flow's exchanges. Clones share the same trace.
#[derive(Debug, Clone, Default)]
pub struct Recorder {
    inner: Arc<Mutex<Inner>>,
    started_at_ms: i64,
}

impl Recorder {
    pub fn new() -> Recorder {
        Recorder {
            inner: Arc::default(),
            started_at_ms: now_ms(),
        }
    }

    /// Tells the recorder a secret of this flow, so it is masked wherever it shows up.
    pub fn secret(&self, secret: &Secret) {
        if let Ok(mut inner) = self.inner.lock() {
            inner.redactor.add(secret);
        }
    }

    /// Records an exchange; every text in it is redacted first.
    pub fn record(&self, mut exchange: Exchange) {
        let Ok(mut inner) = self.inner.lock() else {
            return;
        };
        let r = &inner.redactor;
        exchange.url = r.apply(&exchange.url);
        for message in [Some(&mut exchange.request), exchange.response.as_mut()]
            .into_iter()
            .flatten()
        {
            for (name, value) in &mut message.headers {
                *value = if is_secret_header(name) {
                    MASK.to_owned()
                } else {
                    r.apply(value)
                };
            }
            message.body = message.body.as_deref().map(|b| r.apply(b));
        }
        exchange.error = exchange.error.as_deref().map(|e| r.apply(e));
        inner.exchanges.push(exchange);
    }

    pub fn finish(&self, provider: &str, flow: &str) -> Trace {
        let exchanges = self
            .inner
            .lock()
            .map(|i| i.exchanges.clone())
            .unwrap_or_default();
        Trace {
            provider: provider.to_owned(),
            flow: flow.to_owned(),
            started_at_ms: self.started_at_ms,
            exchanges,
        }
    }
}

/// HAR 1.2 (http://www.softwareishard.com/blog/har-12-spec/), importable by browser devtools.
pub fn to_har(trace: &Trace) -> Value {
    let headers = |m: &Message| -> Vec<Value> {
        m.headers
            .iter()
            .map(|(n, v)| json!({"name": n, "value": v}))
            .collect()
    };
    let header_value = |m: &Message, name: &str| {
        m.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())
    };
    let entries: Vec<Value> = trace
        .exchanges
        .iter()
        .map(|e| {
            let started = jiff::Timestamp::from_millisecond(e.started_at_ms)
                .map(|t| t.to_string())
                .unwrap_or_default();
            let query: Vec<Value> = url::Url::parse(&e.url)
                .map(|u| {
                    u.query_pairs()
                        .map(|(k, v)| json!({"name": k, "value": v}))
                        .collect()
                })
                .unwrap_or_default();
            let mut request = json!({
                "method": e.method, "url": e.url, "httpVersion": "HTTP/1.1",
                "cookies": [], "headers": headers(&e.request), "queryString": query,
                "headersSize": -1, "bodySize": e.request.body.as_ref().map_or(0, |b| b.len()),
            });
            if let Some(body) = &e.request.body {
                request["postData"] = json!({
                    "mimeType": header_value(&e.request, "content-type").unwrap_or_default(),
                    "text": body,
                });
            }
            let response = match &e.response {
                Some(r) => json!({
                    "status": e.status.unwrap_or(0), "statusText": "", "httpVersion": "HTTP/1.1",
                    "cookies": [], "headers": headers(r),
                    "content": {
                        "size": r.body.as_ref().map_or(0, |b| b.len()),
                        "mimeType": header_value(r, "content-type").unwrap_or_default(),
                        "text": r.body.clone().unwrap_or_default(),
                    },
                    "redirectURL": header_value(r, "location").unwrap_or_default(),
                    "headersSize": -1, "bodySize": r.body.as_ref().map_or(0, |b| b.len()),
                }),
                None => json!({
                    "status": 0, "statusText": e.error.clone().unwrap_or_default(), "httpVersion": "",
                    "cookies": [], "headers": [], "content": {"size": 0, "mimeType": ""},
                    "redirectURL": "", "headersSize": -1, "bodySize": -1,
                    "_error": e.error,
                }),
            };
            json!({
                "startedDateTime": started,
                "time": e.duration_ms,
                "request": request,
                "response": response,
                "cache": {},
                "timings": {"send": 0, "wait": e.duration_ms, "receive": 0},
                "comment": e.label,
            })
        })
        .collect();
    json!({
        "log": {
            "version": "1.2",
            "creator": {"name": "oauth-desk", "version": env!("CARGO_PKG_VERSION")},
            "pages": [],
            "entries": entries,
            "comment": format!("{} ({}) — secrets redacted", trace.flow, trace.provider),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn exchange(secret: &str) -> Exchange {
        let form: String = url::form_urlencoded::byte_serialize(secret.as_bytes()).collect();
        Exchange {
            label: "token (refresh_token)".into(),
            started_at_ms: 1,
            duration_ms: 2,
            method: "POST".into(),
            url: format!("https://as.example/token?x={form}"),
            request: Message {
                headers: vec![
                    ("authorization".into(), format!("Basic {secret}")),
                    ("x-custom".into(), secret.to_owned()),
                ],
                body: Some(format!(
                    "grant_type=refresh_token&refresh_token={form}&client_secret={form}&odd={form}"
                )),
            },
            status: Some(200),
            response: Some(Message {
                headers: vec![("set-cookie".into(), format!("s={secret}"))],
                body: Some(
                    serde_json::json!({"access_token": secret, "unusual_field": secret})
                        .to_string(),
                ),
            }),
            error: Some(format!("failed near {secret}")),
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(crate::fuzz_cases(300)))]
        /// No secret given to a flow appears in its trace or HAR, wherever the server or the
        /// request put it.
        #[test]
        fn no_secret_reaches_a_trace_or_har(secret in "[!-~]{6,40}") {
            let recorder = Recorder::new();
            recorder.secret(&Secret::new(secret.clone()));
            recorder.record(exchange(&secret));
            let trace = recorder.finish("p", "refresh");
            let text = format!("{}{}", serde_json::to_string(&trace).unwrap(), to_har(&trace));
            let form: String = url::form_urlencoded::byte_serialize(secret.as_bytes()).collect();
            // JSON escapes some characters: look for the escaped form too.
            let escaped = serde_json::to_string(&secret).unwrap();
            let escaped = escaped.trim_matches('"');
            prop_assert!(!text.contains(&secret), "raw secret in the trace");
            prop_assert!(!text.contains(&form), "form-encoded secret in the trace");
            prop_assert!(!text.contains(escaped), "JSON-escaped secret in the trace");
        }
    }

    #[test]
    fn har_has_the_shape_devtools_import() {
        let recorder = Recorder::new();
        recorder.record(exchange("s3cr3t-value"));
        let har = to_har(&recorder.finish("p", "refresh"));
        assert_eq!(har["log"]["version"], "1.2");
        let entry = &har["log"]["entries"][0];
        assert_eq!(
            entry["request"]["postData"]["text"]
                .as_str()
                .unwrap()
                .split('&')
                .next(),
            Some("grant_type=refresh_token")
        );
        assert_eq!(entry["response"]["status"], 200);
        assert!(
            entry["startedDateTime"]
                .as_str()
                .unwrap()
                .starts_with("1970-01-01T00:00:00.001")
        );
    }
}
