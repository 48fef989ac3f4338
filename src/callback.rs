//! The loopback redirect listener (RFC 8252 §7.3): a tiny HTTP server on 127.0.0.1 that waits
//! for the one authorization response of a sign-in.
//!
//! Rules, each a defence: bound to the loopback address only (never 0.0.0.0); the port is random
//! unless the provider pins one; only the redirect path counts, other paths get 404; a request
//! on that path without any authorization-response parameter (a port scanner, a favicon) gets
//! 400 and does not end the wait; the first real response ends it, whatever the verdict; the
//! wait has a deadline and can be cancelled. For the POST authorize method it also serves, once,
//! a self-submitting form at a random path.

use std::io::Read;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use tiny_http::{Header, Response, Server};
use url::Url;

use crate::flow::authorize::html_escape;
use crate::secret::random_urlsafe;

#[derive(Debug, thiserror::Error)]
pub enum CallbackError {
    #[error("could not listen on {addr}: {reason} (is another program using that port?)")]
    Bind { addr: String, reason: String },
    #[error("no sign-in response arrived within {0} s; start again when ready")]
    Timeout(u64),
    #[error("the sign-in was cancelled")]
    Cancelled,
    #[error("the redirect URI {0} is not a loopback http URI")]
    NotLoopback(String),
    #[error("could not draw random numbers from the operating system: {0}")]
    Random(#[from] getrandom::Error),
}

/// The most a posted response may weigh (tokens, an ID token, a state).
const MAX_POSTED_RESPONSE: u64 = 64 * 1024;

/// Reads the response from the URL's fragment and posts it back to this listener.
const FRAGMENT_RELAY: &str = r#"<!doctype html><html><head><meta charset="utf-8"><title>OAuth Desk: finishing…</title>
<style>body{font:16px system-ui,sans-serif;margin:15vh auto;max-width:32em;padding:0 1em;color:#222}</style></head>
<body><p id="m">Finishing…</p><script>
const f = location.hash.slice(1);
if (f) {
  history.replaceState(null, '', location.pathname);
  fetch(location.pathname, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: f })
    .then((r) => r.text())
    .then((t) => { document.open(); document.write(t); document.close(); });
} else {
  document.getElementById('m').textContent = 'OAuth Desk is waiting for a sign-in response here; this request has none.';
}
</script></body></html>"#;

/// Names of parameters that make a request an authorization response.
const RESPONSE_PARAMS: &[&str] = &["code", "error", "state"];

pub struct LoopbackListener {
    server: Server,
    redirect_uri: Url,
    start_page: Option<(String, String)>,
    /// The listener waits for the return from a sign-out, not a sign-in (its pages say so).
    sign_out: bool,
}

impl std::fmt::Debug for LoopbackListener {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoopbackListener")
            .field("redirect_uri", &self.redirect_uri.as_str())
            .finish_non_exhaustive()
    }
}

impl LoopbackListener {
    /// Listens for `configured` (e.g. `http://127.0.0.1/callback`, or with a pinned port).
    /// The address is the URI's IP literal, or 127.0.0.1 for `localhost`.
    pub fn bind(configured: &Url) -> Result<LoopbackListener, CallbackError> {
        let not_loopback = || CallbackError::NotLoopback(configured.to_string());
        if configured.scheme() != "http" {
            return Err(not_loopback());
        }
        let ip: IpAddr = match configured.host() {
            Some(url::Host::Domain("localhost")) => IpAddr::V4(Ipv4Addr::LOCALHOST),
            Some(url::Host::Ipv4(ip)) if ip.is_loopback() => IpAddr::V4(ip),
            Some(url::Host::Ipv6(ip)) if ip.is_loopback() => IpAddr::V6(ip),
            _ => return Err(not_loopback()),
        };
        let addr = SocketAddr::new(ip, configured.port().unwrap_or(0));
        let server = Server::http(addr).map_err(|e| CallbackError::Bind {
            addr: addr.to_string(),
            reason: e.to_string(),
        })?;
        let port = server
            .server_addr()
            .to_ip()
            .map(|a| a.port())
            .ok_or_else(|| CallbackError::Bind {
                addr: addr.to_string(),
                reason: "no TCP address".into(),
            })?;
        let mut redirect_uri = configured.clone();
        redirect_uri
            .set_port(Some(port))
            .map_err(|()| not_loopback())?;
        Ok(LoopbackListener {
            server,
            redirect_uri,
            start_page: None,
            sign_out: false,
        })
    }

    /// For the return from RP-initiated logout: the pages it answers with speak of signing out.
    pub fn for_sign_out(mut self) -> Self {
        self.sign_out = true;
        self
    }

    /// The redirect URI to send: the configured one with the actual port.
    pub fn redirect_uri(&self) -> &Url {
        &self.redirect_uri
    }

    /// Serves `html` once at a random path; returns that page's URL (open it in the browser).
    pub fn serve_start_page(&mut self, html: String) -> Result<Url, CallbackError> {
        let path = format!("/start/{}", random_urlsafe(16)?);
        let mut url = self.redirect_uri.clone();
        url.set_path(&path);
        url.set_query(None);
        self.start_page = Some((path, html));
        Ok(url)
    }

    /// Waits for the authorization response and answers it with the page `verdict` chooses:
    /// `verdict` gets the full callback URL and returns the result plus whether it succeeded.
    pub fn wait<T, E: std::fmt::Display>(
        mut self,
        timeout: Duration,
        cancel: Option<Arc<AtomicBool>>,
        verdict: impl FnOnce(&Url) -> Result<T, E>,
    ) -> Result<Result<T, E>, CallbackError> {
        let deadline = Instant::now() + timeout;
        loop {
            if cancel.as_ref().is_some_and(|c| c.load(Ordering::Relaxed)) {
                return Err(CallbackError::Cancelled);
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(CallbackError::Timeout(timeout.as_secs()));
            }
            // Short slices so a cancel is noticed quickly.
            let mut request = match self
                .server
                .recv_timeout(left.min(Duration::from_millis(200)))
            {
                Ok(Some(request)) => request,
                Ok(None) => continue,
                Err(e) => {
                    tracing::warn!("callback listener: {e}");
                    continue;
                }
            };
            let Ok(url) = self.redirect_uri.join(request.url()) else {
                let _ =
                    request.respond(page(400, "Bad request", "This is not a sign-in response."));
                continue;
            };
            if let Some((path, _)) = &self.start_page
                && url.path() == path
                && *request.method() == tiny_http::Method::Get
            {
                let (_, html) = self.start_page.take().unwrap_or_default();
                let _ = request.respond(html_response(200, html));
                continue;
            }
            if url.path() != self.redirect_uri.path() {
                let _ = request.respond(page(404, "Not found", "Nothing here."));
                continue;
            }
            // A form post (response_mode=form_post, or a fragment relayed by the page below)
            // carries the response in its body: it is read as the query would be.
            let is_post = *request.method() == tiny_http::Method::Post;
            let url = if is_post {
                let mut body = String::new();
                let _ = request
                    .as_reader()
                    .take(MAX_POSTED_RESPONSE)
                    .read_to_string(&mut body);
                let mut posted = url.clone();
                posted.set_query(Some(body.trim()));
                posted
            } else {
                url
            };
            let is_response = url
                .query_pairs()
                .any(|(k, _)| RESPONSE_PARAMS.contains(&k.as_ref()));
            if !is_response && !is_post && url.query().is_none() {
                // The response may be in the fragment, which never reaches a server: this
                // page hands it over (same state checks as any response).
                let _ = request.respond(html_response(200, FRAGMENT_RELAY.to_owned()));
                continue;
            }
            if !is_response {
                let _ = request.respond(page(
                    400,
                    "Not a sign-in response",
                    "OAuth Desk is waiting for a sign-in response here; this request has none.",
                ));
                continue;
            }
            let result = verdict(&url);
            let (done, done_text, failed) = if self.sign_out {
                (
                    "Signed out",
                    "The provider ended the session and OAuth Desk forgot the tokens. You can close this tab.",
                    "Sign-out failed",
                )
            } else {
                (
                    "Signed in",
                    "OAuth Desk received the sign-in response. You can close this tab.",
                    "Sign-in failed",
                )
            };
            let response = match &result {
                Ok(_) => page(200, done, done_text),
                Err(e) => page(
                    400,
                    failed,
                    &format!("{e}. You can close this tab; details are in OAuth Desk."),
                ),
            };
            let _ = request.respond(response);
            return Ok(result);
        }
    }
}

fn html_response(status: u16, html: String) -> Response<std::io::Cursor<Vec<u8>>> {
    let mut response = Response::from_string(html).with_status_code(status);
    for (name, value) in [
        ("Content-Type", "text/html; charset=utf-8"),
        ("Cache-Control", "no-store"),
        ("Referrer-Policy", "no-referrer"),
    ] {
        if let Ok(header) = Header::from_bytes(name, value) {
            response.add_header(header);
        }
    }
    response
}

fn page(status: u16, title: &str, message: &str) -> Response<std::io::Cursor<Vec<u8>>> {
    html_response(
        status,
        format!(
            r#"<!doctype html><html><head><meta charset="utf-8"><title>OAuth Desk: {title}</title>
<style>body{{font:16px system-ui,sans-serif;margin:15vh auto;max-width:32em;padding:0 1em;color:#222}}h1{{font-size:1.4em}}</style>
</head><body><h1>{title}</h1><p>{msg}</p></body></html>"#,
            title = html_escape(title),
            msg = html_escape(message)
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read, Write};
    use std::net::TcpStream;

    fn get(url: &Url) -> (u16, String) {
        let mut stream =
            TcpStream::connect((url.host_str().unwrap(), url.port().unwrap())).unwrap();
        let path = &url[url::Position::BeforePath..];
        write!(
            stream,
            "GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut out = String::new();
        stream.read_to_string(&mut out).unwrap();
        let status = out[9..12].parse().unwrap();
        (status, out)
    }

    fn listener() -> LoopbackListener {
        LoopbackListener::bind(&Url::parse("http://127.0.0.1/callback").unwrap()).unwrap()
    }

    #[test]
    fn binds_loopback_with_a_random_port() {
        let l = listener();
        let uri = l.redirect_uri().clone();
        assert_eq!(uri.host_str(), Some("127.0.0.1"));
        assert!(uri.port().is_some_and(|p| p != 0));
        assert_eq!(uri.path(), "/callback");
        assert!(
            LoopbackListener::bind(&Url::parse("http://0.0.0.0/callback").unwrap()).is_err(),
            "never listen on all interfaces"
        );
        assert!(LoopbackListener::bind(&Url::parse("https://shop.example/").unwrap()).is_err());
    }

    #[test]
    fn noise_is_ignored_and_the_first_response_ends_the_wait() {
        let l = listener();
        let base = l.redirect_uri().clone();
        let client = std::thread::spawn(move || {
            let mut other = base.clone();
            other.set_path("/favicon.ico");
            let a = get(&other).0;
            // Right path, no parameters: a scanner, or a response in the fragment: the page
            // that relays a fragment (and does nothing without one).
            let (b, relay) = get(&base);
            assert!(relay.contains("location.hash"), "{relay}");
            let mut ok = base.clone();
            ok.set_query(Some("code=xyz&state=s"));
            let (c, body) = get(&ok);
            (a, b, c, body)
        });
        let result = l
            .wait(Duration::from_secs(10), None, |url| {
                let code = url
                    .query_pairs()
                    .find(|(k, _)| k == "code")
                    .map(|(_, v)| v.into_owned());
                code.ok_or("no code")
            })
            .unwrap();
        assert_eq!(result.unwrap(), "xyz");
        let (a, b, c, body) = client.join().unwrap();
        assert_eq!((a, b, c), (404, 200, 200));
        assert!(body.contains("You can close this tab"));
    }

    #[test]
    fn a_posted_response_is_read_like_a_query() {
        let l = listener();
        let url = l.redirect_uri().clone();
        let client = std::thread::spawn(move || {
            reqwest::blocking::Client::new()
                .post(url)
                .header("content-type", "application/x-www-form-urlencoded")
                .body("code=posted&state=s")
                .send()
                .map(|r| r.status().as_u16())
        });
        let result = l
            .wait(Duration::from_secs(10), None, |url| {
                url.query_pairs()
                    .find(|(k, _)| k == "code")
                    .map(|(_, v)| v.into_owned())
                    .ok_or("no code")
            })
            .unwrap();
        assert_eq!(result.unwrap(), "posted");
        assert_eq!(client.join().unwrap().unwrap(), 200);
    }

    #[test]
    fn a_rejected_response_shows_the_reason() {
        let l = listener();
        let mut url = l.redirect_uri().clone();
        url.set_query(Some("error=access_denied&state=s"));
        let client = std::thread::spawn(move || get(&url));
        let result = l
            .wait(Duration::from_secs(10), None, |_| {
                Err::<(), _>("access <denied>")
            })
            .unwrap();
        assert!(result.is_err());
        let (status, body) = client.join().unwrap();
        assert_eq!(status, 400);
        assert!(
            body.contains("access &lt;denied&gt;"),
            "the reason is shown, escaped"
        );
    }

    #[test]
    fn the_wait_times_out_and_can_be_cancelled() {
        let err = listener()
            .wait(Duration::from_millis(300), None, |_| Ok::<(), String>(()))
            .unwrap_err();
        assert!(matches!(err, CallbackError::Timeout(_)));
        let cancel = Arc::new(AtomicBool::new(true));
        let err = listener()
            .wait(Duration::from_secs(60), Some(cancel), |_| {
                Ok::<(), String>(())
            })
            .unwrap_err();
        assert!(matches!(err, CallbackError::Cancelled));
    }

    #[test]
    fn the_start_page_is_served_once() {
        let mut l = listener();
        let start = l.serve_start_page("<form>go</form>".into()).unwrap();
        let mut done = l.redirect_uri().clone();
        done.set_query(Some("code=1&state=s"));
        let client = std::thread::spawn(move || {
            let first = get(&start);
            let second = get(&start);
            get(&done);
            (first, second.0)
        });
        l.wait(Duration::from_secs(10), None, |_| Ok::<(), String>(()))
            .unwrap()
            .unwrap();
        let ((status, body), second) = client.join().unwrap();
        assert_eq!(status, 200);
        assert!(body.contains("<form>go</form>"));
        assert_eq!(
            second, 404,
            "the form carries the state: serve it once only"
        );
    }
}
