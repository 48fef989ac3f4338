//! Reading one HTTP/1.x request from a local connection, bounded in every way a hostile local
//! process could abuse: the request line and headers together at most [`MAX_HEAD`] bytes, a
//! body only by `Content-Length` and at most [`MAX_BODY`] bytes, and the whole request within
//! [`READ_DEADLINE`] (a connection that sends `Content-Length: 5000` and then nothing, or a
//! header one byte a second, is dropped when it runs out). Anything else — chunked bodies,
//! other methods, malformed lines, two `Host` headers — is a [`RequestError`] answered with a
//! 4xx and forgotten. The `Host` header is kept for the listener to judge (DNS rebinding).

use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt};

/// The request line and headers, together.
pub(super) const MAX_HEAD: usize = 16 * 1024;
/// A posted response (tokens, an ID token, a state) weighs far less.
pub(super) const MAX_BODY: usize = 64 * 1024;
/// How long one connection may take to send its whole request.
pub(super) const READ_DEADLINE: Duration = Duration::from_secs(10);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Method {
    Get,
    Post,
}

/// A request as the listener needs it: method, target (path and query), `Host` and body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Request {
    pub method: Method,
    pub target: String,
    /// The `Host` header's value, if the request had one (RFC 9112 §3.2).
    pub host: Option<String>,
    pub body: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(super) enum RequestError {
    #[error("the request took longer than {} s to arrive", READ_DEADLINE.as_secs())]
    TooSlow,
    #[error("the request's headers are larger than {MAX_HEAD} bytes")]
    HeadTooLarge,
    #[error("the request's body is larger than {MAX_BODY} bytes")]
    BodyTooLarge,
    #[error("the connection closed before the request was complete")]
    Truncated,
    #[error("not an HTTP/1 request: {0}")]
    Malformed(&'static str),
    #[error("method not allowed")]
    Method,
    #[error("a body must come with Content-Length (no chunked encoding)")]
    LengthRequired,
}

impl RequestError {
    /// The status to answer with, when the connection is still worth an answer.
    pub(super) fn status(&self) -> u16 {
        match self {
            RequestError::TooSlow => 408,
            RequestError::HeadTooLarge => 431,
            RequestError::BodyTooLarge => 413,
            RequestError::Method => 405,
            RequestError::LengthRequired => 411,
            RequestError::Truncated | RequestError::Malformed(_) => 400,
        }
    }
}

/// Reads one request from `stream`, within the deadline and the size limits.
pub(super) async fn read<S: AsyncRead + Unpin>(stream: &mut S) -> Result<Request, RequestError> {
    tokio::time::timeout(READ_DEADLINE, read_unbounded_in_time(stream))
        .await
        .map_err(|_| RequestError::TooSlow)?
}

async fn read_unbounded_in_time<S: AsyncRead + Unpin>(
    stream: &mut S,
) -> Result<Request, RequestError> {
    let mut buf = Vec::with_capacity(1024);
    let head_end = loop {
        if let Some(end) = find(&buf, b"\r\n\r\n") {
            break end;
        }
        if buf.len() >= MAX_HEAD {
            return Err(RequestError::HeadTooLarge);
        }
        let mut chunk = [0u8; 2048];
        let room = (MAX_HEAD + 4 - buf.len()).min(chunk.len());
        let n = stream
            .read(&mut chunk[..room])
            .await
            .map_err(|_| RequestError::Truncated)?;
        if n == 0 {
            return Err(RequestError::Truncated);
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    if head_end > MAX_HEAD {
        return Err(RequestError::HeadTooLarge);
    }
    let head =
        std::str::from_utf8(&buf[..head_end]).map_err(|_| RequestError::Malformed("not UTF-8"))?;
    let Head {
        method,
        target,
        host,
        length,
    } = parse_head(head)?;
    let mut body = buf[head_end + 4..].to_vec();
    if body.len() > length {
        body.truncate(length);
    }
    while body.len() < length {
        let mut chunk = vec![0u8; (length - body.len()).min(8192)];
        let n = stream
            .read(&mut chunk)
            .await
            .map_err(|_| RequestError::Truncated)?;
        if n == 0 {
            return Err(RequestError::Truncated);
        }
        body.extend_from_slice(&chunk[..n]);
    }
    Ok(Request {
        method,
        target: target.to_owned(),
        host: host.map(str::to_owned),
        body,
    })
}

/// What the head of a request says that matters here.
struct Head<'a> {
    method: Method,
    target: &'a str,
    host: Option<&'a str>,
    /// The body's length.
    length: usize,
}

/// The request line and the headers that matter (`Host`, the body's length). Two `Host`
/// headers are refused (RFC 9112 §3.2: a server must answer 400).
fn parse_head(head: &str) -> Result<Head<'_>, RequestError> {
    let mut lines = head.split("\r\n");
    let line = lines.next().unwrap_or_default();
    let mut parts = line.split(' ');
    let (method, target, version) = match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some(m), Some(t), Some(v), None) => (m, t, v),
        _ => return Err(RequestError::Malformed("request line")),
    };
    if !version.starts_with("HTTP/1.") {
        return Err(RequestError::Malformed("version"));
    }
    if !target.starts_with('/') || target.bytes().any(|b| b.is_ascii_control()) {
        return Err(RequestError::Malformed("target"));
    }
    let method = match method {
        "GET" => Method::Get,
        "POST" => Method::Post,
        _ => return Err(RequestError::Method),
    };
    let mut length = 0usize;
    let mut host = None;
    for header in lines {
        let (name, value) = header
            .split_once(':')
            .ok_or(RequestError::Malformed("header"))?;
        let (name, value) = (name.trim(), value.trim());
        if name.eq_ignore_ascii_case("content-length") {
            length = value
                .parse()
                .map_err(|_| RequestError::Malformed("Content-Length"))?;
            if length > MAX_BODY {
                return Err(RequestError::BodyTooLarge);
            }
        } else if name.eq_ignore_ascii_case("transfer-encoding") {
            return Err(RequestError::LengthRequired);
        } else if name.eq_ignore_ascii_case("host") && host.replace(value).is_some() {
            return Err(RequestError::Malformed("two Host headers"));
        }
    }
    Ok(Head {
        method,
        target,
        host,
        length,
    })
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn read_bytes(bytes: &[u8]) -> Result<Request, RequestError> {
        let mut input = bytes;
        read(&mut input).await
    }

    #[tokio::test]
    async fn a_request_is_read_with_its_body() {
        let r = read_bytes(
            b"POST /callback HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\ncode=a&st=b",
        )
        .await
        .unwrap();
        assert_eq!(r.method, Method::Post);
        assert_eq!(r.target, "/callback");
        assert_eq!(r.body, b"code=a&st=b");
        assert_eq!(r.host.as_deref(), Some("x"));
        let get = read_bytes(b"GET /callback?code=x HTTP/1.0\r\n\r\n")
            .await
            .unwrap();
        assert_eq!(
            (get.method, get.target.as_str()),
            (Method::Get, "/callback?code=x")
        );
        assert_eq!(get.host, None, "a missing Host is read as missing");
    }

    #[tokio::test]
    async fn malformed_and_oversized_requests_are_refused() {
        for (bytes, want) in [
            (&b"BREW /pot HTTP/1.1\r\n\r\n"[..], RequestError::Method),
            (
                b"GET /a b HTTP/1.1\r\n\r\n",
                RequestError::Malformed("request line"),
            ),
            (
                b"GET http://x/ HTTP/1.1\r\n\r\n",
                RequestError::Malformed("target"),
            ),
            (b"GET / SPDY/3\r\n\r\n", RequestError::Malformed("version")),
            (
                b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n",
                RequestError::LengthRequired,
            ),
            (
                b"POST / HTTP/1.1\r\nContent-Length: 99999999\r\n\r\n",
                RequestError::BodyTooLarge,
            ),
            (
                b"POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc",
                RequestError::Truncated,
            ),
            (
                b"GET / HTTP/1.1\r\nno colon\r\n\r\n",
                RequestError::Malformed("header"),
            ),
            (
                b"GET / HTTP/1.1\r\nHost: 127.0.0.1:1\r\nHost: evil.example\r\n\r\n",
                RequestError::Malformed("two Host headers"),
            ),
        ] {
            assert_eq!(
                read_bytes(bytes).await.unwrap_err(),
                want,
                "{:?}",
                String::from_utf8_lossy(bytes)
            );
        }
        let huge = format!("GET / HTTP/1.1\r\nX: {}\r\n\r\n", "a".repeat(MAX_HEAD));
        assert_eq!(
            read_bytes(huge.as_bytes()).await.unwrap_err(),
            RequestError::HeadTooLarge
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_request_that_stops_halfway_runs_out_of_time() {
        let (mut client, mut server) = tokio::io::duplex(1024);
        tokio::io::AsyncWriteExt::write_all(
            &mut client,
            b"POST /callback HTTP/1.1\r\nContent-Length: 5000\r\n\r\n",
        )
        .await
        .unwrap();
        // ...and then nothing, with the connection left open.
        assert_eq!(read(&mut server).await.unwrap_err(), RequestError::TooSlow);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(crate::fuzz_cases(2000)))]
        /// Any bytes are a request or an error, never a panic, and a body is never longer than
        /// the cap.
        #[test]
        fn reading_never_panics(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..600)) {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
            if let Ok(r) = runtime.block_on(read_bytes(&bytes)) {
                proptest::prop_assert!(r.body.len() <= MAX_BODY);
            }
        }

        /// Well-formed heads with any target and body read back what was sent.
        #[test]
        fn requests_read_back(path in "/[a-z0-9/?=&%._-]{0,60}", body in "[ -~]{0,100}") {
            let text = format!("POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {}\r\n\r\n{body}", body.len());
            let runtime = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
            let r = runtime.block_on(read_bytes(text.as_bytes())).unwrap();
            proptest::prop_assert_eq!(r.target, path);
            proptest::prop_assert_eq!(r.body, body.into_bytes());
        }
    }
}
