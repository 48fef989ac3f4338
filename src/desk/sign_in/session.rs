//! Sign-ins in progress and what a front end does for them.
//!
//! A sign-in is one engine call ([`super::Desk::sign_in`], [`super::Desk::device_sign_in`]);
//! what differs between front ends comes in as a small host trait: show the page (a browser, a
//! login window), hand over a pasted redirect, show a device code. The registry of sessions
//! lives here, so a front end can cancel one, deliver a redirect its login window intercepted,
//! or open a device page, by provider name or session id, without holding engine state.

use oauth_desk_core::provider::Slot;
use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::Serialize;
use tokio::sync::{Notify, mpsc};
use url::Url;

use super::advice::refuses_embedded_browser;
use crate::flow::authorize::is_redirect_to;

/// One sign-in, as a front end refers to it (e.g. from its login window's events).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SessionId(pub u64);

/// How the authorization response comes back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Capture {
    /// To the engine's loopback listener: nothing to hand over.
    Loopback,
    /// To a registered non-loopback URI nothing listens on: a login window intercepts the
    /// navigation ([`super::Desk::login_navigation`]), or the person pastes the final URL.
    Redirect,
}

/// The page a sign-in needs shown, and how its answer comes back.
#[derive(Debug, Clone)]
pub struct SignInPage {
    pub session: SessionId,
    /// The provider and identity as a person reads them (`api@admin (dev)`).
    pub provider: String,
    /// Which provider, identity and environment: the login window's profile is this one's.
    pub reference: oauth_desk_core::provider::ProviderRef,
    /// The authorization URL (or, for the POST method, the local page that posts it).
    pub url: Url,
    pub redirect_uri: Url,
    pub capture: Capture,
    /// An empty, throw-away browser session (sign in as someone else).
    pub fresh: bool,
    /// Sign in with the system browser rather than an embedded window.
    pub system_browser: bool,
    pub timeout: Duration,
    /// The page ends the session at the provider (RP-initiated logout) instead of signing in.
    pub sign_out: bool,
    /// The URL names a pushed request (RFC 9126) usable this many seconds, once.
    pub expires_in: Option<u64>,
}

/// What a front end does for a code-flow sign-in.
pub trait SignInHost: Send + Sync {
    /// Shows the page: opens a browser or a login window. An error ends the sign-in.
    fn open(&self, page: &SignInPage) -> Result<(), String>;

    /// For [`Capture::Redirect`]: the final redirect URL, pasted by the person. The default
    /// never answers: front ends that intercept it call [`super::Desk::deliver_redirect`].
    fn pasted_redirect(&self) -> impl Future<Output = Option<String>> + Send {
        std::future::pending()
    }

    /// The sign-in is over, whatever the outcome (close the login window).
    fn finished(&self, _page: &SignInPage) {}

    /// Something the person should know before the next step (the engine's wording), e.g.
    /// why a sign-in starts again.
    fn note(&self, _text: &str) {}
}

/// A device code to show (RFC 8628 §3.2).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DeviceCode {
    /// The provider and identity as a person reads them.
    pub provider: String,
    pub reference: oauth_desk_core::provider::ProviderRef,
    /// The slot key of `reference` (what the change stream names it by).
    pub key: Slot,
    pub user_code: String,
    pub verification_uri: String,
    pub verification_uri_complete: Option<String>,
    /// The page to open: the complete URI when there is one.
    pub open_uri: String,
    /// Unix seconds when the code expires.
    pub expires_at: i64,
}

/// What a front end does for a device sign-in.
pub trait DeviceHost: Send + Sync {
    /// Shows the user code and where to enter it.
    fn show_code(&self, code: &DeviceCode);
    /// A poll's outcome: still waiting, asked to slow down.
    fn progress(&self, _event: crate::flow::device::PollEvent) {}
}

/// What a login window should do with a navigation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Navigation {
    /// Load it.
    Allow,
    /// Don't: not a web page (custom schemes and the like).
    Block,
    /// It was the redirect with the authorization response, now handed to the sign-in: don't
    /// load it (nothing serves that URI).
    Captured,
    /// Load it, but the page says the provider refuses embedded browsers (announced on the
    /// change stream).
    Refused,
}

struct Session {
    id: SessionId,
    cancel: Arc<AtomicBool>,
    wake: Arc<Notify>,
    /// The intercepted or pasted redirect, for [`Capture::Redirect`].
    redirect: Option<(Url, mpsc::UnboundedSender<String>)>,
    /// A device sign-in's verification page.
    device_page: Option<String>,
}

impl Session {
    fn cancel(&self) {
        self.cancel.store(true, Ordering::SeqCst);
        self.wake.notify_waiters();
        self.wake.notify_one();
    }
}

/// The sessions in progress, one per provider (a new one cancels the old).
#[derive(Default)]
pub(in crate::desk) struct Sessions {
    next: AtomicU64,
    by_provider: Mutex<HashMap<Slot, Session>>,
}

/// A registered session; dropping it unregisters it (unless a newer one replaced it).
pub(in crate::desk) struct Ticket<'a> {
    sessions: &'a Sessions,
    pub provider: Slot,
    pub id: SessionId,
    pub cancel: Arc<AtomicBool>,
    pub wake: Arc<Notify>,
}

impl Drop for Ticket<'_> {
    fn drop(&mut self) {
        let mut map = self.sessions.lock();
        if map.get(&self.provider).is_some_and(|s| s.id == self.id) {
            map.remove(&self.provider);
        }
    }
}

impl Ticket<'_> {
    pub fn cancelled(&self) -> bool {
        self.cancel.load(Ordering::SeqCst)
    }
}

impl Sessions {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Slot, Session>> {
        // A panic while holding this lock leaves a plain map behind: still usable.
        self.by_provider
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Registers a new session for `provider`, cancelling the one it replaces.
    pub fn register(
        &self,
        provider: &Slot,
        redirect: Option<(Url, mpsc::UnboundedSender<String>)>,
        device_page: Option<String>,
    ) -> Ticket<'_> {
        let id = SessionId(self.next.fetch_add(1, Ordering::Relaxed) + 1);
        let cancel = Arc::new(AtomicBool::new(false));
        let wake = Arc::new(Notify::new());
        let previous = self.lock().insert(
            provider.to_owned(),
            Session {
                id,
                cancel: cancel.clone(),
                wake: wake.clone(),
                redirect,
                device_page,
            },
        );
        if let Some(previous) = previous {
            previous.cancel();
        }
        Ticket {
            sessions: self,
            provider: provider.to_owned(),
            id,
            cancel,
            wake,
        }
    }

    /// Cancels the sign-in of `provider`; whether there was one.
    pub fn cancel_provider(&self, provider: &Slot) -> bool {
        match self.lock().remove(provider) {
            Some(session) => {
                session.cancel();
                true
            }
            None => false,
        }
    }

    /// Cancels session `id` if it is still running (a login window closing after a newer
    /// sign-in replaced it cancels nothing).
    pub fn cancel_session(&self, id: SessionId) {
        let mut map = self.lock();
        if let Some(name) = map.iter().find(|(_, s)| s.id == id).map(|(n, _)| n.clone())
            && let Some(session) = map.remove(&name)
        {
            session.cancel();
        }
    }

    /// Hands a redirect URL to the waiting sign-in of `provider`.
    pub fn deliver(&self, provider: &Slot, url: String) -> bool {
        self.lock()
            .get(provider)
            .and_then(|s| s.redirect.as_ref())
            .is_some_and(|(_, tx)| tx.send(url).is_ok())
    }

    /// The verdict on a login window's navigation (see [`Navigation`]).
    pub fn navigation(&self, id: SessionId, url: &Url) -> (Navigation, Option<Slot>) {
        let map = self.lock();
        let session = map.iter().find(|(_, s)| s.id == id);
        if let Some((name, session)) = session
            && let Some((redirect_uri, tx)) = &session.redirect
            && is_redirect_to(url, redirect_uri)
        {
            let _ = tx.send(url.to_string());
            return (Navigation::Captured, Some(name.clone()));
        }
        let provider = session.map(|(n, _)| n.clone());
        if refuses_embedded_browser(url) {
            return (Navigation::Refused, provider);
        }
        if !matches!(url.scheme(), "http" | "https" | "about" | "data") {
            return (Navigation::Block, provider);
        }
        (Navigation::Allow, provider)
    }

    pub fn device_page(&self, provider: &Slot) -> Option<String> {
        self.lock()
            .get(provider)
            .and_then(|s| s.device_page.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slot(key: &str) -> Slot {
        Slot::parse(key).unwrap()
    }

    #[test]
    fn a_new_session_cancels_the_old_and_only_its_own_drop_unregisters() {
        let sessions = Sessions::default();
        let first = sessions.register(&slot("op"), None, None);
        let second = sessions.register(&slot("op"), None, Some("https://op/device".into()));
        assert!(first.cancelled(), "a second sign-in replaces the first");
        drop(first);
        assert_eq!(
            sessions.device_page(&slot("op")).as_deref(),
            Some("https://op/device"),
            "the replaced session's end must not unregister its successor"
        );
        sessions.cancel_session(SessionId(999));
        assert!(!second.cancelled(), "an unknown id cancels nothing");
        sessions.cancel_session(second.id);
        assert!(second.cancelled());
    }

    #[test]
    fn the_login_window_captures_the_redirect_and_blocks_odd_schemes() {
        let sessions = Sessions::default();
        let (tx, mut rx) = mpsc::unbounded_channel();
        let redirect: Url = "https://shop.example/cb".parse().unwrap();
        let ticket = sessions.register(&slot("shop"), Some((redirect, tx)), None);
        let at = |u: &str| sessions.navigation(ticket.id, &u.parse().unwrap()).0;
        assert_eq!(at("https://idp.example/login"), Navigation::Allow);
        assert_eq!(
            at("https://shop.example/cb?code=abc&state=s"),
            Navigation::Captured
        );
        assert_eq!(
            rx.try_recv().unwrap(),
            "https://shop.example/cb?code=abc&state=s"
        );
        assert_eq!(at("intent://evil"), Navigation::Block);
        assert_eq!(
            at("https://accounts.google.com/x?authError=disallowed_useragent"),
            Navigation::Refused
        );
    }
}
