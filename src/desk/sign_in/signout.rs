//! Signing out everywhere (OpenID RP-Initiated Logout 1.0): the provider's end-session page,
//! opened like a sign-in page with `id_token_hint`, `client_id`, `state` and a loopback
//! `post_logout_redirect_uri`; once the server sends the browser back (state checked), the
//! tokens are forgotten and the login window's browser profile is cleared.

use std::time::Duration;

use super::advice::Endpoint;
use super::session::{Capture, SignInHost, SignInPage};
use super::signin::no_endpoint;
use super::{Desk, DeskError};
use crate::callback::{CallbackError, Judged, LoopbackListener};
use crate::flow::FlowError;
use crate::flow::authorize::AuthorizationError;
use crate::login::LoginError;
use crate::provider::DEFAULT_POST_LOGOUT_REDIRECT_URI;
use crate::secret::{CsrfState, random_urlsafe};

impl Desk {
    /// Ends the session at the provider, then forgets the tokens and clears the login window's
    /// profile. `host` shows the end-session page (its profile holds the session to end);
    /// cancellable with [`Desk::cancel_sign_in`].
    #[expect(
        clippy::too_many_lines,
        reason = "the sign-out page, its return checked, then what it ends, in that order"
    )]
    pub async fn end_session(
        &self,
        reference: &crate::provider::ProviderRef,
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
                .map_err(|e| DeskError::Internal(format!("the sign-out return URI: {e}")))?,
        };
        let listener = LoopbackListener::bind(&return_uri)
            .map_err(LoginError::from)?
            .for_sign_out();
        let state = CsrfState::new(
            random_urlsafe(32)
                .map_err(|e| DeskError::Login(LoginError::Callback(CallbackError::Random(e))))?,
        );
        let mut url = endpoint;
        {
            let mut query = url.query_pairs_mut();
            if let Some(hint) = &id_token {
                query.append_pair("id_token_hint", hint.expose());
            }
            query
                .append_pair("client_id", provider.client_id.as_str())
                .append_pair("state", state.expose())
                .append_pair("post_logout_redirect_uri", listener.redirect_uri().as_str());
        }
        let timeout = Duration::from_secs(provider.callback_timeout_secs);
        let ticket = self.sessions.register(&target.slot_key(), None, None);
        let page = SignInPage {
            session: ticket.id,
            provider: name.clone(),
            reference: target.reference.clone(),
            url,
            redirect_uri: listener.redirect_uri().clone(),
            capture: Capture::Loopback,
            fresh: false,
            system_browser: provider.system_browser,
            timeout,
            sign_out: true,
            expires_in: None,
        };
        host.open(&page).map_err(DeskError::Browser)?;
        let cancel = ticket.cancel.clone();
        let expected = state.expose().to_owned();
        // Only the return carrying our state ends the wait; anything else is someone else's.
        let judge = |url: &url::Url| {
            match url.query_pairs().find(|(k, _)| k == "state") {
            Some((_, s)) if s == expected.as_str() => Judged::Done(Ok::<(), AuthorizationError>(())),
            _ => Judged::Ignore(
                "a return without this sign-out's state arrived: it is not this sign-out's, so it was ignored"
                    .to_owned(),
            ),
        }
        };
        let returned = listener
            .wait(timeout, Some(cancel), judge, |why| host.note(why))
            .await;
        host.finished(&page);
        drop(ticket);
        let returned = match returned {
            Err(CallbackError::Timeout(secs)) => {
                return Err(DeskError::SignOutTimeout {
                    secs,
                    sent: page.redirect_uri.to_string(),
                });
            }
            other => other,
        };
        returned
            .map_err(LoginError::from)?
            .map_err(|e| DeskError::Login(LoginError::Flow(FlowError::Authorization(e))))?;
        self.logout(reference).await?;
        let _ = std::fs::remove_dir_all(self.browser_profile_dir(&target.slot_key()));
        Ok(())
    }
}
