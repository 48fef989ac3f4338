//! Signing out everywhere (OpenID RP-Initiated Logout 1.0): the provider's end-session page,
//! opened like a sign-in page with `id_token_hint`, `client_id`, `state` and a loopback
//! `post_logout_redirect_uri`; once the server sends the browser back (state checked), the
//! tokens are forgotten and the login window's browser profile is cleared.

use std::time::Duration;

use super::advice::Endpoint;
use super::error::Internal;
use super::error::no_endpoint;
use super::session::{Capture, SignInHost, SignInPage};
use super::{Desk, DeskError};
use crate::callback::{CallbackError, Judged, LoopbackListener};
use crate::flow::FlowError;
use crate::flow::authorize::AuthorizationError;
use crate::login::LoginError;
use oauth_desk_core::provider::DEFAULT_POST_LOGOUT_REDIRECT_URI;
use oauth_desk_core::secret::{CsrfState, random_urlsafe};

impl Desk {
    /// Ends the session at the provider, then forgets the tokens and clears the login window's
    /// profile. `host` shows the end-session page (its profile holds the session to end);
    /// cancellable with [`Desk::cancel_sign_in`].
    pub async fn end_session(
        &self,
        reference: &oauth_desk_core::provider::ProviderRef,
        host: &impl SignInHost,
    ) -> Result<(), DeskError> {
        let target = self.target(reference).await?;
        let provider = target.provider.clone();
        let name = reference.to_string();
        let endpoint = provider
            .endpoints
            .end_session
            .clone()
            .ok_or_else(|| no_endpoint(&name, Endpoint::EndSession))?;
        let stored = self.stored_tokens(&target).await?;
        if let Some(tokens) = &stored {
            super::tokens::check_bound(&target, tokens)?;
        }
        let id_token = stored.and_then(|t| t.id_token.map(|id| id.into_secret()));
        let return_uri = match &provider.post_logout_redirect_uri {
            Some(pinned) => pinned.clone(),
            None => DEFAULT_POST_LOGOUT_REDIRECT_URI
                .parse()
                .map_err(|e| Internal::BuiltIn {
                    what: "sign-out return URI",
                    reason: format!("{e}"),
                })?,
        };
        let listener = LoopbackListener::bind(&return_uri)
            .map_err(LoginError::from)?
            .for_sign_out();
        let state = CsrfState::new(
            random_urlsafe(32)
                .map_err(|e| DeskError::Login(LoginError::Callback(CallbackError::Random(e))))?,
        );
        let ticket = self.sessions.register(&target.slot_key(), None, None);
        let page = SignInPage {
            session: ticket.id,
            provider: name.clone(),
            reference: target.reference.clone(),
            url: end_session_url(
                endpoint,
                &provider,
                id_token.as_ref(),
                &state,
                listener.redirect_uri(),
            ),
            redirect_uri: listener.redirect_uri().clone(),
            capture: Capture::Loopback,
            fresh: false,
            system_browser: provider.system_browser,
            timeout: Duration::from_secs(provider.callback_timeout_secs),
            sign_out: true,
            expires_in: None,
        };
        host.open(&page).map_err(DeskError::Browser)?;
        let returned = wait_for_return(listener, &page, &state, &ticket, host).await;
        host.finished(&page);
        drop(ticket);
        returned?;
        self.logout(reference).await?;
        let _ = std::fs::remove_dir_all(self.browser_profile_dir(&target.slot_key()));
        Ok(())
    }
}

/// The end-session page's address (RP-Initiated Logout §2): the ID token as a hint when there
/// is one, our client, our state and where to come back to.
fn end_session_url(
    mut url: url::Url,
    provider: &oauth_desk_core::provider::Provider,
    id_token: Option<&oauth_desk_core::secret::Secret>,
    state: &CsrfState,
    redirect_uri: &url::Url,
) -> url::Url {
    {
        let mut query = url.query_pairs_mut();
        if let Some(hint) = id_token {
            query.append_pair("id_token_hint", hint.expose());
        }
        query
            .append_pair("client_id", provider.client_id.as_str())
            .append_pair("state", state.expose())
            .append_pair("post_logout_redirect_uri", redirect_uri.as_str());
    }
    url
}

/// Waits for the browser to come back with this sign-out's state; anything else that arrives
/// is someone else's and is only noted.
async fn wait_for_return(
    listener: LoopbackListener,
    page: &SignInPage,
    state: &CsrfState,
    ticket: &super::session::Ticket<'_>,
    host: &impl SignInHost,
) -> Result<(), DeskError> {
    let expected = state.expose();
    let judge = |url: &url::Url| {
        match url.query_pairs().find(|(k, _)| k == "state") {
        Some((_, s)) if s == expected => Judged::Done(Ok::<(), AuthorizationError>(())),
        _ => Judged::Ignore(
            "a return without this sign-out's state arrived: it is not this sign-out's, so it was ignored"
                .to_owned(),
        ),
    }
    };
    let returned = listener
        .wait(page.timeout, Some(ticket.cancel.clone()), judge, |why| {
            host.note(why)
        })
        .await;
    match returned {
        Err(CallbackError::Timeout(secs)) => Err(DeskError::SignOutTimeout {
            secs,
            sent: page.redirect_uri.to_string(),
        }),
        other => other
            .map_err(LoginError::from)?
            .map_err(|e| DeskError::Login(LoginError::Flow(FlowError::Authorization(e)))),
    }
}
