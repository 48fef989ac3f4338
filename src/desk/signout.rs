//! Signing out everywhere (OpenID RP-Initiated Logout 1.0): the provider's end-session page,
//! opened like a sign-in page with `id_token_hint`, `client_id`, `state` and a loopback
//! `post_logout_redirect_uri`; once the server sends the browser back (state checked), the
//! tokens are forgotten and the login window's browser profile is cleared.

use std::time::Duration;

use super::advice::Endpoint;
use super::session::{Capture, SignInHost, SignInPage};
use super::signin::no_endpoint;
use super::{Desk, DeskError};
use crate::callback::{CallbackError, LoopbackListener};
use crate::flow::FlowError;
use crate::flow::authorize::AuthorizationError;
use crate::login::LoginError;
use crate::secret::{CsrfState, random_urlsafe};

/// Where the server sends the browser back after signing out.
const RETURN_URI: &str = "http://127.0.0.1/logged-out";

impl Desk {
    /// Ends the session at the provider, then forgets the tokens and clears the login window's
    /// profile. `host` shows the end-session page (its profile holds the session to end);
    /// cancellable with [`Desk::cancel_sign_in`].
    pub async fn end_session(&self, name: &str, host: &impl SignInHost) -> Result<(), DeskError> {
        let provider = self.provider(name)?;
        let endpoint = provider
            .endpoints
            .end_session
            .clone()
            .ok_or_else(|| no_endpoint(name, Endpoint::EndSession))?;
        let id_token = self
            .tokens(name)
            .await?
            .and_then(|t| t.id_token.map(|id| id.into_secret()));
        let listener = LoopbackListener::bind(
            &RETURN_URI
                .parse()
                .map_err(|e| DeskError::Internal(format!("the sign-out return URI: {e}")))?,
        )
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
        let ticket = self.sessions.register(name, None, None);
        let page = SignInPage {
            session: ticket.id,
            provider: name.to_owned(),
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
        let returned = tokio::task::spawn_blocking(move || {
            listener.wait(timeout, Some(cancel), |url| {
                match url.query_pairs().find(|(k, _)| k == "state") {
                    Some((_, s)) if s == expected.as_str() => Ok(()),
                    Some(_) => Err(AuthorizationError::StateMismatch),
                    None => Err(AuthorizationError::MissingState),
                }
            })
        })
        .await
        .map_err(|e| DeskError::Internal(e.to_string()))?;
        host.finished(&page);
        drop(ticket);
        returned
            .map_err(LoginError::from)?
            .map_err(|e| DeskError::Login(LoginError::Flow(FlowError::Authorization(e))))?;
        self.logout(name).await?;
        let _ = std::fs::remove_dir_all(self.browser_profile_dir(name));
        Ok(())
    }
}
