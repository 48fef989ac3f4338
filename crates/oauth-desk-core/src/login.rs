//! A sign-in in progress: the authorization request plus where its response will come back.
//!
//! The loopback case waits on the listener; the external case (a registered non-loopback
//! redirect URI) takes the final URL from whoever captured it: a person pasting it into the
//! CLI, or the desktop shell's login window intercepting the navigation.

use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use url::Url;

use crate::callback::{CallbackError, Judged, LoopbackListener};
use crate::flow::FlowError;
use crate::flow::authorize::{
    AuthorizationError, AuthorizationRequest, StateCheck, parse_pasted_url,
};
use crate::flow::response::{AuthorizationResponse, ResponseMode, ResponseShape};
use crate::provider::{AuthorizeMethod, Param, Provider, RedirectTarget, Scope};
use crate::trace::{Exchange, Message, Recorder, now_ms};

#[derive(Debug, thiserror::Error)]
pub enum LoginError {
    #[error(transparent)]
    Callback(#[from] CallbackError),
    #[error(transparent)]
    Flow(#[from] FlowError),
    #[error(
        "the POST authorize method needs a loopback redirect URI (OAuth Desk serves the form that posts the request); with {0} use GET"
    )]
    PostNeedsLoopback(String),
    #[error(
        "response_mode form_post needs a loopback redirect URI (the server posts the response to it; a login window or a pasted URL never sees the posted body); with {0} use query or fragment"
    )]
    FormPostNeedsLoopback(String),
    #[error("this sign-in waits on its loopback listener; there is no URL to paste")]
    NotPasteable,
    #[error("this sign-in has no loopback listener; paste the final redirect URL instead")]
    NoListener,
}

impl From<AuthorizationError> for LoginError {
    fn from(e: AuthorizationError) -> Self {
        LoginError::Flow(FlowError::Authorization(e))
    }
}

/// How the authorization response will be captured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Capture {
    Loopback,
    Paste,
}

/// Options of one sign-in.
#[derive(Debug, Clone, Default)]
pub struct LoginOptions {
    /// Replaces the provider's scope string for this sign-in (sent exactly as written).
    pub scope: Option<String>,
    /// Extra authorization parameters for this sign-in (`prompt=consent`, ...).
    pub params: Vec<Param>,
    /// Overrides the provider's callback timeout.
    pub timeout: Option<Duration>,
    /// `response_type` and `response_mode` (the code flow and its default mode unless set).
    pub shape: ResponseShape,
}

/// A sign-in whose request is made but not yet shown: the request may still be signed or
/// pushed ([`Prepared::request`]) before [`Prepared::open`] computes the URL to open.
#[derive(Debug)]
pub struct Prepared {
    pub provider: Provider,
    pub request: AuthorizationRequest,
    listener: Option<LoopbackListener>,
    timeout: Duration,
    pub recorder: Recorder,
}

#[derive(Debug)]
pub struct PendingLogin {
    pub request: AuthorizationRequest,
    listener: Option<LoopbackListener>,
    open_url: Url,
    timeout: Duration,
    /// This sign-in's trace: the authorization request and response, then the exchange.
    pub recorder: Recorder,
}

/// A checked authorization response (its code and front-channel tokens) with the request it
/// answers.
#[derive(Debug)]
pub struct AuthorizedCode {
    pub request: AuthorizationRequest,
    pub response: AuthorizationResponse,
    pub recorder: Recorder,
}

/// Every value of the response is a secret of the trace.
fn remember_secrets(recorder: &Recorder, response: &AuthorizationResponse) {
    if let Some(code) = &response.code {
        recorder.secret(code);
    }
    if let Some(token) = &response.access_token {
        recorder.secret(token);
    }
    if let Some(token) = &response.id_token {
        recorder.secret(token);
    }
}

/// A browser step of the flow, in the trace: no HTTP exchange of ours, but part of the story.
fn record_browser_step(recorder: &Recorder, label: &str, url: &Url, method: &str) {
    recorder.record(Exchange {
        label: label.to_owned(),
        started_at_ms: now_ms(),
        duration_ms: 0,
        method: method.to_owned(),
        url: url.to_string(),
        request: Message {
            headers: vec![],
            body: None,
        },
        status: None,
        response: None,
        error: None,
    });
}

impl PendingLogin {
    /// The listener and the request, before the URL to open is made.
    pub fn prepare(
        provider: Provider,
        options: &LoginOptions,
        recorder: Recorder,
    ) -> Result<Prepared, LoginError> {
        let scope = options
            .scope
            .clone()
            .map(Scope::new)
            .unwrap_or_else(|| provider.scope.clone());
        let listener = match provider.redirect_target() {
            RedirectTarget::Loopback { .. } => {
                Some(LoopbackListener::bind(&provider.redirect_uri)?)
            }
            RedirectTarget::External => None,
        };
        let redirect_uri = listener.as_ref().map_or_else(
            || provider.redirect_uri.clone(),
            |l| l.redirect_uri().clone(),
        );
        if options.shape.mode() == ResponseMode::FormPost && listener.is_none() {
            return Err(LoginError::FormPostNeedsLoopback(
                provider.redirect_uri.to_string(),
            ));
        }
        let request = AuthorizationRequest::new(
            &provider,
            redirect_uri,
            &scope,
            &options.params,
            options.shape,
        )?;
        let timeout = options
            .timeout
            .unwrap_or(Duration::from_secs(provider.callback_timeout_secs));
        Ok(Prepared {
            provider,
            request,
            listener,
            timeout,
            recorder,
        })
    }
}

impl Prepared {
    /// The sign-in, its URL made: the authorization URL, or the local page that posts it.
    pub fn open(self) -> Result<PendingLogin, LoginError> {
        let Prepared {
            provider,
            request,
            mut listener,
            timeout,
            recorder,
        } = self;
        let open_url = match (provider.authorize_method, listener.as_mut()) {
            (AuthorizeMethod::Get, _) => request.url(),
            (AuthorizeMethod::Post, Some(listener)) => {
                listener.serve_start_page(request.post_form_html())?
            }
            (AuthorizeMethod::Post, None) => {
                return Err(LoginError::PostNeedsLoopback(
                    provider.redirect_uri.to_string(),
                ));
            }
        };
        recorder.secret(&request.state);
        if let Some(pkce) = &request.pkce {
            recorder.secret(&pkce.verifier);
        }
        let method = match request.method {
            AuthorizeMethod::Get => "GET",
            AuthorizeMethod::Post => "POST",
        };
        record_browser_step(
            &recorder,
            "authorization request (in the browser)",
            &request.url(),
            method,
        );
        Ok(PendingLogin {
            recorder,
            request,
            listener,
            open_url,
            timeout,
        })
    }
}

impl PendingLogin {
    /// The URL to open in a browser: the authorization URL, or for the POST method the local
    /// page that posts it.
    pub fn open_url(&self) -> &Url {
        &self.open_url
    }

    pub fn capture(&self) -> Capture {
        if self.listener.is_some() {
            Capture::Loopback
        } else {
            Capture::Paste
        }
    }

    pub fn redirect_uri(&self) -> &Url {
        &self.request.redirect_uri
    }

    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// Waits until the loopback listener receives this sign-in's response (or times out / is
    /// cancelled). A response without this request's `state` is not this sign-in's: it is
    /// answered, ignored (`ignored` hears why), and the wait goes on (RFC 9700 §4.7).
    pub async fn wait(
        mut self,
        cancel: Option<Arc<AtomicBool>>,
        ignored: impl Fn(&str),
    ) -> Result<AuthorizedCode, LoginError> {
        let listener = self.listener.take().ok_or(LoginError::NoListener)?;
        let (request, recorder) = (&self.request, &self.recorder);
        let judge = |url: &Url| {
            let why = match request.state_check(url) {
                StateCheck::Matches => {
                    record_browser_step(
                        recorder,
                        "authorization response (loopback redirect)",
                        url,
                        "GET",
                    );
                    return Judged::Done(request.accept_response(url));
                }
                StateCheck::Missing => {
                    "a response without a state arrived at the loopback listener"
                }
                StateCheck::Wrong => {
                    "a response with another sign-in's state arrived at the loopback listener"
                }
            };
            let error = url
                .query_pairs()
                .find(|(k, _)| k == "error")
                .map(|(_, v)| format!(" (it said {})", crate::printable::printable(&v)))
                .unwrap_or_default();
            Judged::Ignore(format!(
                "{why}{error}: it is not this sign-in's, so it was ignored"
            ))
        };
        let response = listener
            .wait(self.timeout, cancel, judge, ignored)
            .await??;
        remember_secrets(&self.recorder, &response);
        Ok(AuthorizedCode {
            request: self.request,
            response,
            recorder: self.recorder,
        })
    }

    /// Accepts the final redirect URL captured elsewhere (pasted, or intercepted by a login
    /// window).
    pub fn accept_url(self, text: &str) -> Result<AuthorizedCode, LoginError> {
        if self.listener.is_some() {
            return Err(LoginError::NotPasteable);
        }
        let url = parse_pasted_url(text)?;
        record_browser_step(
            &self.recorder,
            "authorization response (pasted)",
            &url,
            "GET",
        );
        let response = self.request.accept_response(&url)?;
        remember_secrets(&self.recorder, &response);
        Ok(AuthorizedCode {
            request: self.request,
            response,
            recorder: self.recorder,
        })
    }
}
