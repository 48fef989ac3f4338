//! The loopback redirect listener (RFC 8252 §7.3): a small HTTP server on 127.0.0.1 that waits
//! for the one authorization response of a sign-in.
//!
//! Rules, each a defence: bound to the loopback address only (never 0.0.0.0); the port is random
//! unless the provider pins one; only the redirect path counts, other paths get 404; a request
//! on that path without any authorization-response parameter (a port scanner, a favicon) gets
//! 400 and does not end the wait. Any local process can reach the port, so a response is judged
//! before it may end the wait: one without this sign-in's `state` — a forged
//! `?code=x&state=wrong`, or an error without the right state — is answered with an error page
//! and ignored, and the sign-in goes on waiting for the real one until its deadline (RFC 9700
//! §4.7: only the right state is taken). Each connection is read within limits
//! ([`request`]: a deadline, a header and a body cap), at most [`MAX_CONNECTIONS`] at once — a
//! new one ends the oldest, so idle connections held open can't shut the browser out; the
//! wait has a deadline and can be cancelled. For the POST authorize method it also serves, once,
//! a self-submitting form at a random path.
//!
//! Against DNS rebinding (a web page whose host name is made to point at 127.0.0.1, so the
//! browser lets its scripts read what this listener answers), a request is served only when its
//! `Host` header names this listener: the address and port it is bound on, or `localhost` with
//! that port when the redirect URI says `localhost` (RFC 9110 §7.4). Any other `Host`, or none,
//! is answered 421 and otherwise ignored, quietly — a page could send many — and the wait goes
//! on.

mod request;

use std::collections::VecDeque;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use url::Url;

use crate::flow::authorize::html_escape;
use crate::secret::random_urlsafe;
use request::{Method, Request};

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

/// Connections served at once; a new one beyond them ends the oldest.
pub const MAX_CONNECTIONS: usize = 32;
/// How long writing an answer may take.
const WRITE_DEADLINE: Duration = Duration::from_secs(5);

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

/// What a response to the redirect URI means for the wait.
#[derive(Debug)]
pub enum Judged<T, E> {
    /// This sign-in's response (its state matched): the wait ends with this result.
    Done(Result<T, E>),
    /// Not this sign-in's (no state, a wrong one): answered with this reason, and ignored.
    Ignore(String),
}

pub struct LoopbackListener {
    listener: std::net::TcpListener,
    redirect_uri: Url,
    /// The `Host` values a browser sends for this listener (see [`own_hosts`]).
    hosts: Vec<String>,
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

/// A request read by a connection's task, with its connection, for the main loop to answer.
struct Arrived {
    request: Request,
    stream: TcpStream,
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
        let bind_error = |e: std::io::Error| CallbackError::Bind {
            addr: addr.to_string(),
            reason: e.to_string(),
        };
        let listener = std::net::TcpListener::bind(addr).map_err(bind_error)?;
        listener.set_nonblocking(true).map_err(bind_error)?;
        let bound = listener.local_addr().map_err(bind_error)?;
        let mut redirect_uri = configured.clone();
        redirect_uri
            .set_port(Some(bound.port()))
            .map_err(|()| not_loopback())?;
        let localhost = matches!(configured.host(), Some(url::Host::Domain("localhost")));
        Ok(LoopbackListener {
            listener,
            redirect_uri,
            hosts: own_hosts(bound, localhost),
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

    /// Waits for this sign-in's response: each response to the redirect URI is put to `judge`,
    /// which ends the wait with a result or has it ignored (then `ignored` hears why, for the
    /// person). Ends at `timeout`, or when `cancel` is set.
    pub async fn wait<T, E: std::fmt::Display>(
        mut self,
        timeout: Duration,
        cancel: Option<Arc<AtomicBool>>,
        mut judge: impl FnMut(&Url) -> Judged<T, E>,
        ignored: impl Fn(&str),
    ) -> Result<Result<T, E>, CallbackError> {
        let listener =
            tokio::net::TcpListener::from_std(self.listener.try_clone().map_err(|e| {
                CallbackError::Bind {
                    addr: self.redirect_uri.to_string(),
                    reason: e.to_string(),
                }
            })?)
            .map_err(|e| CallbackError::Bind {
                addr: self.redirect_uri.to_string(),
                reason: e.to_string(),
            })?;
        let (tx, mut arrived) = mpsc::channel::<Arrived>(MAX_CONNECTIONS);
        let mut live: VecDeque<JoinHandle<()>> = VecDeque::with_capacity(MAX_CONNECTIONS);
        let deadline = tokio::time::sleep(timeout);
        tokio::pin!(deadline);
        let mut tick = tokio::time::interval(Duration::from_millis(200));
        loop {
            tokio::select! {
                () = &mut deadline => return Err(CallbackError::Timeout(timeout.as_secs())),
                _ = tick.tick() => {
                    if cancel.as_ref().is_some_and(|c| c.load(Ordering::Relaxed)) {
                        return Err(CallbackError::Cancelled);
                    }
                }
                accepted = listener.accept() => {
                    if let Ok((stream, _)) = accepted {
                        live.retain(|task| !task.is_finished());
                        if live.len() >= MAX_CONNECTIONS
                            && let Some(oldest) = live.pop_front()
                        {
                            oldest.abort();
                        }
                        live.push_back(serve(stream, tx.clone()));
                    }
                }
                Some(Arrived { request, stream }) = arrived.recv() => {
                    let (page, outcome) = self.answer(request, &mut judge);
                    match outcome {
                        Outcome::Done(result) => {
                            // The browser sees its page before the sign-in goes on.
                            write_page(stream, page).await;
                            for task in live {
                                task.abort();
                            }
                            return Ok(result);
                        }
                        Outcome::Ignored(reason) => {
                            tokio::spawn(write_page(stream, page));
                            ignored(&reason);
                        }
                        Outcome::Continue => {
                            tokio::spawn(write_page(stream, page));
                        }
                    }
                }
            }
        }
    }

    /// The page for one request, and what it does to the wait.
    fn answer<T, E: std::fmt::Display>(
        &mut self,
        request: Request,
        judge: &mut impl FnMut(&Url) -> Judged<T, E>,
    ) -> (Vec<u8>, Outcome<T, E>) {
        if let Some(page) = self.misdirected(&request) {
            return (page, Outcome::Continue);
        }
        let Ok(url) = self.redirect_uri.join(&request.target) else {
            return (
                page(400, "Bad request", "This is not a sign-in response."),
                Outcome::Continue,
            );
        };
        if let Some((path, _)) = &self.start_page
            && url.path() == path
            && request.method == Method::Get
        {
            let (_, html) = self.start_page.take().unwrap_or_default();
            return (html_response(200, &html), Outcome::Continue);
        }
        if url.path() != self.redirect_uri.path() {
            return (page(404, "Not found", "Nothing here."), Outcome::Continue);
        }
        // A form post (response_mode=form_post, or a fragment relayed by the page below)
        // carries the response in its body: it is read as the query would be.
        let is_post = request.method == Method::Post;
        let url = if is_post {
            let body = String::from_utf8_lossy(&request.body);
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
            // The response may be in the fragment, which never reaches a server: this page
            // hands it over (same checks as any response).
            return (html_response(200, FRAGMENT_RELAY), Outcome::Continue);
        }
        if !is_response {
            let page = page(
                400,
                "Not a sign-in response",
                "OAuth Desk is waiting for a sign-in response here; this request has none.",
            );
            return (page, Outcome::Continue);
        }
        let (done, done_text, failed) = self.outcome_words();
        match judge(&url) {
            Judged::Done(result) => {
                let page = match &result {
                    Ok(_) => page(200, done, done_text),
                    Err(e) => page(
                        400,
                        failed,
                        &format!("{e}. You can close this tab; details are in OAuth Desk."),
                    ),
                };
                (page, Outcome::Done(result))
            }
            Judged::Ignore(reason) => {
                let page = page(
                    400,
                    "Not this sign-in's response",
                    &format!(
                        "{reason}. OAuth Desk ignored it and is still waiting for the real one."
                    ),
                );
                (page, Outcome::Ignored(reason))
            }
        }
    }
}

impl LoopbackListener {
    /// The 421 page for a request whose `Host` is not this listener's (or that has none): a
    /// page on another name that resolves here (DNS rebinding) is answered nothing else.
    fn misdirected(&self, request: &Request) -> Option<Vec<u8>> {
        let own = request
            .host
            .as_deref()
            .is_some_and(|host| self.hosts.iter().any(|h| h.eq_ignore_ascii_case(host)));
        (!own).then(|| {
            page(
                421,
                "Misdirected request",
                "This OAuth Desk sign-in listener answers only to its own address.",
            )
        })
    }

    /// The pages' titles and words: a sign-in's, or a sign-out's return.
    fn outcome_words(&self) -> (&'static str, &'static str, &'static str) {
        if self.sign_out {
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
        }
    }
}

/// The `Host` values that name a listener bound on `bound`: `ip:port` (`[ip]:port` for IPv6),
/// and `localhost:port` when the redirect URI says `localhost`; each also without the port when
/// it is 80, which a browser leaves out.
fn own_hosts(bound: SocketAddr, localhost: bool) -> Vec<String> {
    let ip = match bound.ip() {
        IpAddr::V4(ip) => ip.to_string(),
        IpAddr::V6(ip) => format!("[{ip}]"),
    };
    let names = std::iter::once(ip).chain(localhost.then(|| "localhost".to_owned()));
    let port = bound.port();
    names
        .flat_map(|name| {
            let bare = (port == 80).then(|| name.clone());
            std::iter::once(format!("{name}:{port}")).chain(bare)
        })
        .collect()
}

/// What one request did to the wait.
enum Outcome<T, E> {
    Done(Result<T, E>),
    Ignored(String),
    Continue,
}

/// Serves one connection in its own task: reads its request and hands it, with the
/// connection, to the main loop; a request that can't be read is answered here.
fn serve(mut stream: TcpStream, to_main: mpsc::Sender<Arrived>) -> JoinHandle<()> {
    tokio::spawn(async move {
        match request::read(&mut stream).await {
            Ok(request) => {
                let _ = to_main.send(Arrived { request, stream }).await;
            }
            Err(e) => write_page(stream, page(e.status(), "Bad request", &e.to_string())).await,
        }
    })
}

/// Writes a whole answer and closes the connection, within the write deadline.
async fn write_page(mut stream: TcpStream, page: Vec<u8>) {
    let write = async {
        stream.write_all(&page).await?;
        stream.shutdown().await
    };
    let _ = tokio::time::timeout(WRITE_DEADLINE, write).await;
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        411 => "Length Required",
        413 => "Payload Too Large",
        421 => "Misdirected Request",
        431 => "Request Header Fields Too Large",
        _ => "Bad Request",
    }
}

/// A whole HTTP/1.1 answer: the page, never cached, never referred, the connection closed.
fn html_response(status: u16, html: &str) -> Vec<u8> {
    let mut out = format!(
        "HTTP/1.1 {status} {}\r\nContent-Type: text/html; charset=utf-8\r\nCache-Control: no-store\r\nReferrer-Policy: no-referrer\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        reason(status),
        html.len()
    )
    .into_bytes();
    out.extend_from_slice(html.as_bytes());
    out
}

fn page(status: u16, title: &str, message: &str) -> Vec<u8> {
    html_response(
        status,
        &format!(
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
    use std::net::TcpStream as StdStream;

    /// A blocking client, as a browser or another local process: sends `raw` and reads the
    /// answer's status and body.
    fn send(url: &Url, raw: &str) -> (u16, String) {
        let mut stream =
            StdStream::connect((url.host_str().unwrap(), url.port().unwrap())).unwrap();
        stream.write_all(raw.as_bytes()).unwrap();
        let mut out = String::new();
        let _ = stream.read_to_string(&mut out);
        let status = out.get(9..12).and_then(|s| s.parse().ok()).unwrap_or(0);
        (status, out)
    }

    /// A browser's GET of `url`, its `Host` header the URL's host and port.
    fn get(url: &Url) -> (u16, String) {
        get_as(
            url,
            Some(&url[url::Position::BeforeHost..url::Position::AfterPort]),
        )
    }

    /// A GET of `url` with this `Host` header, or none.
    fn get_as(url: &Url, host: Option<&str>) -> (u16, String) {
        let path = &url[url::Position::BeforePath..];
        let host = host.map(|h| format!("Host: {h}\r\n")).unwrap_or_default();
        send(
            url,
            &format!("GET {path} HTTP/1.1\r\n{host}Connection: close\r\n\r\n"),
        )
    }

    fn listener() -> LoopbackListener {
        LoopbackListener::bind(&Url::parse("http://127.0.0.1/callback").unwrap()).unwrap()
    }

    fn with_query(base: &Url, query: &str) -> Url {
        let mut url = base.clone();
        url.set_query(Some(query));
        url
    }

    /// The judge of a sign-in whose state is `s`: its code, or the response is not its.
    fn judge_state(url: &Url) -> Judged<String, &'static str> {
        let get = |k: &str| {
            url.query_pairs()
                .find(|(key, _)| key == k)
                .map(|(_, v)| v.into_owned())
        };
        match get("state").as_deref() {
            Some("s") => Judged::Done(get("code").ok_or("no code")),
            _ => Judged::Ignore("not this sign-in's".into()),
        }
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

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn noise_is_ignored_and_the_first_real_response_ends_the_wait() {
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
            let (c, body) = get(&with_query(&base, "code=xyz&state=s"));
            (a, b, c, body)
        });
        let result = l
            .wait(Duration::from_secs(10), None, judge_state, |_| {})
            .await
            .unwrap();
        assert_eq!(result.unwrap(), "xyz");
        let (a, b, c, body) = client.join().unwrap();
        assert_eq!((a, b, c), (404, 200, 200));
        assert!(body.contains("You can close this tab"));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_forged_response_is_ignored_and_the_real_one_still_taken() {
        let l = listener();
        let base = l.redirect_uri().clone();
        let ignored = std::sync::Mutex::new(Vec::new());
        let client = std::thread::spawn(move || {
            let forged = get(&with_query(&base, "code=x&state=wrong"));
            let no_state = get(&with_query(&base, "error=access_denied"));
            let real = get(&with_query(&base, "code=real&state=s"));
            (forged, no_state.0, real.0)
        });
        let result = l
            .wait(Duration::from_secs(10), None, judge_state, |why| {
                ignored.lock().unwrap().push(why.to_owned())
            })
            .await
            .unwrap();
        assert_eq!(
            result.unwrap(),
            "real",
            "only the right state ends the wait (RFC 9700 §4.7)"
        );
        let ((forged_status, forged_page), no_state, real) = client.join().unwrap();
        assert_eq!((forged_status, no_state, real), (400, 400, 200));
        assert!(
            forged_page.contains("still waiting for the real one"),
            "{forged_page}"
        );
        assert_eq!(ignored.lock().unwrap().len(), 2, "the person hears of each");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_request_for_another_host_is_refused_and_the_real_one_still_taken() {
        let l = listener();
        let base = l.redirect_uri().clone();
        let port = base.port().unwrap();
        let ignored = std::sync::Mutex::new(0);
        let client = std::thread::spawn(move || {
            let real_response = with_query(&base, "code=real&state=s");
            // A page at rebound.example whose name now points at 127.0.0.1 (DNS rebinding):
            // its browser sends its own name, with the right state or none.
            let rebound = get_as(&real_response, Some(&format!("rebound.example:{port}")));
            let no_host = get_as(&real_response, None);
            let other_port = get_as(&real_response, Some("127.0.0.1:1"));
            // Not the redirect URI's name: `localhost` only when the redirect URI says so.
            let localhost = get_as(&real_response, Some(&format!("localhost:{port}")));
            let real = get(&real_response);
            (rebound, no_host.0, other_port.0, localhost.0, real.0)
        });
        let result = l
            .wait(Duration::from_secs(10), None, judge_state, |_| {
                *ignored.lock().unwrap() += 1;
            })
            .await
            .unwrap();
        assert_eq!(
            result.unwrap(),
            "real",
            "a request naming another host never ends the wait, even with the right state"
        );
        let ((rebound, page), no_host, other_port, localhost, real) = client.join().unwrap();
        assert_eq!(
            (rebound, no_host, other_port, localhost, real),
            (421, 421, 421, 421, 200),
            "only the listener's own host and port are answered"
        );
        assert!(
            !page.contains("code=") && !page.contains("Signed in"),
            "a foreign page learns nothing: {page}"
        );
        assert_eq!(
            *ignored.lock().unwrap(),
            0,
            "refused quietly, not as a response"
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_localhost_redirect_uri_is_answered_by_name_and_by_address() {
        let l = LoopbackListener::bind(&Url::parse("http://localhost/callback").unwrap()).unwrap();
        let base = l.redirect_uri().clone();
        let port = base.port().unwrap();
        let client = std::thread::spawn(move || {
            let mut by_address = base.clone();
            by_address.set_host(Some("127.0.0.1")).unwrap();
            by_address.set_path("/elsewhere");
            let address = get(&by_address).0;
            let foreign = get_as(&base, Some(&format!("LOCALHOST.example:{port}"))).0;
            let named = get(&with_query(&base, "code=named&state=s")).0;
            (address, foreign, named)
        });
        let result = l
            .wait(Duration::from_secs(10), None, judge_state, |_| {})
            .await
            .unwrap();
        assert_eq!(result.unwrap(), "named");
        assert_eq!(
            client.join().unwrap(),
            (404, 421, 200),
            "127.0.0.1 is served (404 for another path), localhost.example is not"
        );
    }

    #[test]
    fn own_hosts_name_the_bound_address_and_port() {
        let v4: SocketAddr = "127.0.0.1:8123".parse().unwrap();
        assert_eq!(own_hosts(v4, false), ["127.0.0.1:8123"]);
        assert_eq!(own_hosts(v4, true), ["127.0.0.1:8123", "localhost:8123"]);
        let v6: SocketAddr = "[::1]:80".parse().unwrap();
        assert_eq!(
            own_hosts(v6, false),
            ["[::1]:80", "[::1]"],
            "port 80 is left out by browsers"
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_slow_or_silent_client_does_not_hold_up_the_sign_in() {
        let l = listener();
        let base = l.redirect_uri().clone();
        let client = std::thread::spawn(move || {
            let addr = (base.host_str().unwrap().to_owned(), base.port().unwrap());
            // Promises a body and sends none, keeping the connection open.
            let mut silent = StdStream::connect(addr.clone()).unwrap();
            silent
                .write_all(b"POST /callback HTTP/1.1\r\nContent-Length: 5000\r\n\r\n")
                .unwrap();
            // Opens connections and says nothing at all.
            let idle: Vec<StdStream> = (0..4)
                .map(|_| StdStream::connect(addr.clone()).unwrap())
                .collect();
            // A header that never ends.
            let mut endless = StdStream::connect(addr.clone()).unwrap();
            let _ = endless.write_all(
                format!("GET /callback HTTP/1.1\r\nX: {}", "a".repeat(40_000)).as_bytes(),
            );
            let real = get(&with_query(&base, "code=real&state=s"));
            let mut answer = String::new();
            let _ = endless.read_to_string(&mut answer);
            drop((silent, idle));
            (real.0, answer)
        });
        let started = std::time::Instant::now();
        let result = l
            .wait(Duration::from_secs(20), None, judge_state, |_| {})
            .await
            .unwrap();
        assert_eq!(result.unwrap(), "real");
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "{:?}",
            started.elapsed()
        );
        let (status, endless) = client.join().unwrap();
        assert_eq!(status, 200);
        assert!(endless.starts_with("HTTP/1.1 431"), "{endless}");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_flood_of_idle_connections_cannot_shut_the_browser_out() {
        let l = listener();
        let base = l.redirect_uri().clone();
        let client = std::thread::spawn(move || {
            let addr = (base.host_str().unwrap().to_owned(), base.port().unwrap());
            let mut held: Vec<StdStream> = (0..MAX_CONNECTIONS * 4)
                .filter_map(|_| StdStream::connect(addr.clone()).ok())
                .collect();
            std::thread::sleep(Duration::from_millis(300));
            // Still held open: the oldest were ended to make room, as this one's was.
            let real = get(&with_query(&base, "code=real&state=s")).0;
            let mut buf = [0u8; 16];
            held[0]
                .set_read_timeout(Some(Duration::from_secs(5)))
                .unwrap();
            let oldest_ended = matches!(held[0].read(&mut buf), Ok(0) | Err(_));
            (real, oldest_ended)
        });
        let result = l
            .wait(Duration::from_secs(20), None, judge_state, |_| {})
            .await
            .unwrap();
        assert_eq!(result.unwrap(), "real");
        let (status, oldest_ended) = client.join().unwrap();
        assert_eq!(status, 200, "the browser's request got through the flood");
        assert!(
            oldest_ended,
            "the oldest idle connection was ended to make room"
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_posted_response_is_read_like_a_query() {
        let l = listener();
        let url = l.redirect_uri().clone();
        let client = std::thread::spawn(move || {
            let body = "code=posted&state=s";
            send(&url, &format!(
                "POST /callback HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
                url.port().unwrap(),
                body.len()
            ))
            .0
        });
        let result = l
            .wait(Duration::from_secs(10), None, judge_state, |_| {})
            .await
            .unwrap();
        assert_eq!(result.unwrap(), "posted");
        assert_eq!(client.join().unwrap(), 200);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_rejected_response_shows_the_reason() {
        let l = listener();
        let url = with_query(l.redirect_uri(), "error=access_denied&state=s");
        let client = std::thread::spawn(move || get(&url));
        let result = l
            .wait(
                Duration::from_secs(10),
                None,
                |_| Judged::Done(Err::<(), _>("access <denied>")),
                |_| {},
            )
            .await
            .unwrap();
        assert!(result.is_err());
        let (status, body) = client.join().unwrap();
        assert_eq!(status, 400);
        assert!(
            body.contains("access &lt;denied&gt;"),
            "the reason is shown, escaped"
        );
    }

    #[tokio::test]
    async fn the_wait_times_out_and_can_be_cancelled() {
        let err = listener()
            .wait(Duration::from_millis(300), None, judge_state, |_| {})
            .await
            .unwrap_err();
        assert!(matches!(err, CallbackError::Timeout(_)));
        let cancel = Arc::new(AtomicBool::new(true));
        let err = listener()
            .wait(Duration::from_secs(60), Some(cancel), judge_state, |_| {})
            .await
            .unwrap_err();
        assert!(matches!(err, CallbackError::Cancelled));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_start_page_is_served_once() {
        let mut l = listener();
        let start = l.serve_start_page("<form>go</form>".into()).unwrap();
        let done = with_query(l.redirect_uri(), "code=1&state=s");
        let client = std::thread::spawn(move || {
            let first = get(&start);
            let second = get(&start);
            get(&done);
            (first, second.0)
        });
        l.wait(Duration::from_secs(10), None, judge_state, |_| {})
            .await
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
