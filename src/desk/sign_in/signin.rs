//! Getting tokens, each one call: the authorization-code flow (page shown by the front end's
//! [`SignInHost`], response from the loopback listener, an intercepted or a pasted redirect),
//! the device authorization grant (code shown by the [`DeviceHost`]) and the client credentials
//! grant. Each stores the new token set, replacing the previous one, saves the flow's trace
//! whatever the outcome, and publishes the change.

use std::time::Duration;

use tokio::sync::mpsc;

use super::advice::Endpoint;
use super::changes::{Change, SignInState};
use super::error::no_endpoint;
use super::front_channel;
use super::protect;
use super::session::{Capture, DeviceCode, DeviceHost, SignInHost, SignInPage, Ticket};
use super::target::Target;
use super::{ClientContext, Desk, DeskError};
use crate::callback::CallbackError;
use crate::clock::now;
use crate::flow::authorize::AuthorizationRequest;
use crate::flow::device;
use crate::flow::response::{ResponseMode, ResponseShape, ResponseType};
use crate::login::{self, AuthorizedCode, LoginError, LoginOptions, PendingLogin};
use crate::printable::printable;
use crate::verify::check_half_hash;
use oauth_desk_core::provider::{ParMode, Param, ProviderRef, Scope};
use oauth_desk_core::secret::AuthorizationCode;
use oauth_desk_core::token::{Grant, TokenResponse, TokenSet};
use oauth_desk_core::trace::Recorder;

/// What one code-flow sign-in asks for, beyond the provider's settings.
#[derive(Debug, Clone, Default)]
pub struct SignInRequest {
    /// Replaces the provider's scopes for this sign-in (sent exactly as written).
    pub scope: Option<Scope>,
    /// Extra authorization parameters for this sign-in.
    pub params: Vec<Param>,
    /// Sign in as someone else: an empty browser session and `prompt=login` (unless `params`
    /// sets its own `prompt`).
    pub fresh: bool,
    /// Overrides the provider's callback timeout.
    pub timeout: Option<Duration>,
    /// Overrides the provider's system-browser setting for this sign-in.
    pub system_browser: Option<bool>,
    /// `response_type` (default `code`): implicit and hybrid flows, for debugging them.
    pub response_type: ResponseType,
    /// `response_mode` (default: the type's own, query for `code`, else fragment).
    pub response_mode: Option<ResponseMode>,
}

/// Where a grant's tokens go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(in crate::desk) enum Destination {
    /// The provider's own tokens: stored (replacing the previous set), traced, announced.
    Provider,
    /// A consent-lab case: returned only; the provider's tokens and trace stay as they were.
    Lab,
}

impl Desk {
    /// Signs in with the authorization-code flow (PKCE, state, nonce): shows the page through
    /// `host`, waits for the response (loopback listener, intercepted or pasted redirect,
    /// cancellable with [`Desk::cancel_sign_in`]), exchanges the code and stores the tokens.
    pub async fn sign_in(
        &self,
        reference: &ProviderRef,
        request: SignInRequest,
        host: &impl SignInHost,
    ) -> Result<TokenSet, DeskError> {
        let target = self.target(reference).await?;
        let tokens = self
            .code_grant(&target, request, host, Destination::Provider)
            .await?;
        self.publish(Change::Tokens {
            provider: target.slot_key(),
        })
        .await;
        Ok(tokens)
    }

    /// The code flow, its tokens going to `destination`.
    pub(in crate::desk) async fn code_grant(
        &self,
        target: &Target,
        request: SignInRequest,
        host: &impl SignInHost,
        destination: Destination,
    ) -> Result<TokenSet, DeskError> {
        self.authorized(
            target,
            &request,
            host,
            destination,
            async |client, authorized| {
                self.finish_login(target, client, authorized, destination)
                    .await
            },
        )
        .await
    }

    /// A sign-in up to its authorization response, which `finish` takes (with the client):
    /// `--par auto` retried once with a pushed request when the server refuses a plain one.
    pub(in crate::desk) async fn authorized<T>(
        &self,
        target: &Target,
        request: &SignInRequest,
        host: &impl SignInHost,
        destination: Destination,
        finish: impl AsyncFnOnce(&crate::flow::Client, AuthorizedCode) -> Result<T, DeskError>,
    ) -> Result<T, DeskError> {
        let push = protect::pushes_first(&target.provider);
        let first = self
            .code_attempt(target, request, host, destination, push)
            .await;
        let opened = match first {
            // `--par auto`: a server that refuses this client's plain request gets a pushed
            // one, once.
            Err(e)
                if !push
                    && target.provider.security.par == ParMode::Auto
                    && protect::is_par_required_refusal(&e) =>
            {
                host.note(protect::PAR_RETRY_NOTE);
                self.code_attempt(target, request, host, destination, true)
                    .await
            }
            other => other,
        };
        let (client, authorized) = opened?;
        let recorder = authorized.recorder.clone();
        let result = finish(&client, authorized).await;
        if result.is_err() && destination == Destination::Provider {
            self.save_trace(target, "authorization code", &recorder);
        }
        self.publish_sign_in(target, SignInState::Finished);
        result
    }

    /// One sign-in attempt, its request pushed when `push`: the authorization response and
    /// the client that will redeem it.
    async fn code_attempt(
        &self,
        target: &Target,
        request: &SignInRequest,
        host: &impl SignInHost,
        destination: Destination,
        push: bool,
    ) -> Result<(crate::flow::Client, AuthorizedCode), DeskError> {
        let request = request.clone();
        let context = self.client_of(target.clone()).await?;
        let (provider, recorder, client) = (
            context.provider.clone(),
            context.recorder.clone(),
            context.client.clone(),
        );
        let name = target.reference.to_string();
        if provider.token_endpoint().is_none() {
            return Err(no_endpoint(&name, Endpoint::Token));
        }
        let options = login_options(&request, target.login_hint.as_deref())?;
        let system_browser = request.system_browser.unwrap_or(provider.system_browser);
        let mut prepared = PendingLogin::prepare(provider, &options, recorder)?;
        let expires_in = match self.protect(&mut prepared, &client, push).await {
            Ok(expires_in) => expires_in,
            Err(e) => {
                if destination == Destination::Provider {
                    self.save_trace(target, "authorization code", &prepared.recorder);
                }
                return Err(e);
            }
        };
        let pending = prepared.open()?;
        let capture = match pending.capture() {
            login::Capture::Loopback => Capture::Loopback,
            login::Capture::Paste => Capture::Redirect,
        };
        let (tx, rx) = mpsc::unbounded_channel();
        let redirect = (capture == Capture::Redirect).then(|| (pending.redirect_uri().clone(), tx));
        let ticket = self.sessions.register(&target.slot_key(), redirect, None);
        let page = SignInPage {
            session: ticket.id,
            provider: name.clone(),
            reference: target.reference.clone(),
            url: pending.open_url().clone(),
            redirect_uri: pending.redirect_uri().clone(),
            capture,
            fresh: request.fresh,
            system_browser,
            timeout: pending.timeout(),
            sign_out: false,
            expires_in,
        };
        let recorder = pending.recorder.clone();
        let result = async {
            host.open(&page).map_err(DeskError::Browser)?;
            self.publish_sign_in(target, SignInState::Waiting);
            let authorized = self.await_code(pending, &ticket, rx, host).await;
            host.finished(&page);
            authorized
        }
        .await;
        drop(ticket);
        if result.is_err() {
            if destination == Destination::Provider {
                self.save_trace(target, "authorization code", &recorder);
            }
            self.publish_sign_in(target, SignInState::Finished);
        }
        Ok((client, result?))
    }

    /// The authorization response: from the loopback listener, or the redirect handed over by
    /// the front end (intercepted or pasted); the timeout and cancellation apply to both.
    async fn await_code(
        &self,
        pending: PendingLogin,
        ticket: &Ticket<'_>,
        mut delivered: mpsc::UnboundedReceiver<String>,
        host: &impl SignInHost,
    ) -> Result<AuthorizedCode, DeskError> {
        if pending.capture() == login::Capture::Loopback {
            let cancel = ticket.cancel.clone();
            // A response that is not this sign-in's (another process, a forgery) is ignored;
            // the person hears of it, the sign-in goes on waiting.
            let ignored = |why: &str| {
                host.note(why);
                self.publish_local(Change::SignIn {
                    provider: ticket.provider.clone(),
                    state: SignInState::IgnoredResponse,
                    message: Some(why.to_owned()),
                });
            };
            return pending
                .wait(Some(cancel), ignored)
                .await
                .map_err(DeskError::from);
        }
        let timeout = pending.timeout();
        let url = tokio::select! {
            url = delivered.recv() => url,
            url = host.pasted_redirect() => url,
            () = ticket.wake.notified() => None,
            () = tokio::time::sleep(timeout) => {
                return Err(LoginError::Callback(CallbackError::Timeout(timeout.as_secs())).into());
            }
        };
        match url {
            Some(url) if !ticket.cancelled() => Ok(pending.accept_url(&url)?),
            _ => Err(LoginError::Callback(CallbackError::Cancelled).into()),
        }
    }

    /// Exchanges the code (when the response has one) or takes the tokens of an implicit
    /// response, after checking a front-channel ID token; the new set goes to `destination`.
    async fn finish_login(
        &self,
        target: &Target,
        client: &crate::flow::Client,
        authorized: AuthorizedCode,
        destination: Destination,
    ) -> Result<TokenSet, DeskError> {
        let AuthorizedCode {
            request,
            response,
            recorder,
        } = authorized;
        let result = async {
            let front = front_channel::check(&request, &response)?;
            let tokens = match &response.code {
                Some(code) => {
                    let mut tokens = self.redeem_code(client, &request, code, &recorder).await?;
                    tokens.c_hash_check = front.c_hash.or(tokens.c_hash_check);
                    tokens
                }
                None => front_channel::implicit_tokens(&request, response, front, now()),
            };
            let mut tokens = tokens;
            tokens.requested_detail_types = request.detail_types.clone();
            if destination == Destination::Provider {
                self.store_tokens(target, tokens.clone()).await?;
            }
            Ok(tokens)
        }
        .await;
        if destination == Destination::Provider {
            self.save_trace(target, "authorization code", &recorder);
        }
        result
    }

    /// The code exchange (RFC 6749 §4.1.3) and the token set it gives, `c_hash` checked when
    /// the token endpoint's ID token has one.
    async fn redeem_code(
        &self,
        client: &crate::flow::Client,
        request: &AuthorizationRequest,
        code: &AuthorizationCode,
        recorder: &Recorder,
    ) -> Result<TokenSet, DeskError> {
        let http = self.http.recording(recorder);
        let response = client
            .exchange_code(
                &http,
                code,
                &request.redirect_uri,
                request.pkce.as_ref().map(|p| &p.verifier),
            )
            .await
            .map_err(|source| DeskError::CodeExchange {
                redirect_uri: request.redirect_uri.to_string(),
                source,
            })?;
        let c_hash = response.id_token.as_ref().and_then(|id| {
            let jwt = oauth_desk_core::jwt::decode(id.expose()).ok()?;
            jwt.claims
                .contains_key("c_hash")
                .then(|| check_half_hash("c_hash", &jwt, Some(code)))
        });
        let mut tokens = TokenSet::from_response(
            response,
            &request.scope,
            Grant::AuthorizationCode,
            request.nonce.clone(),
            now(),
        );
        tokens.c_hash_check = c_hash;
        Ok(tokens)
    }

    /// Signs in with the device authorization grant (RFC 8628): shows the code through `host`,
    /// polls until the person approves (honouring `interval`, `slow_down`, expiry), stores the
    /// tokens. Cancellable with [`Desk::cancel_sign_in`].
    pub async fn device_sign_in(
        &self,
        reference: &ProviderRef,
        scope: Option<&Scope>,
        host: &impl DeviceHost,
    ) -> Result<TokenSet, DeskError> {
        let target = self.target(reference).await?;
        let result = self
            .device_grant(&target, scope, host, Destination::Provider)
            .await;
        self.published(&target, result).await
    }

    /// The device grant, its tokens going to `destination`.
    pub(in crate::desk) async fn device_grant(
        &self,
        target: &Target,
        scope: Option<&Scope>,
        host: &impl DeviceHost,
        destination: Destination,
    ) -> Result<TokenSet, DeskError> {
        let ClientContext {
            provider,
            client,
            recorder,
            ..
        } = self.client_of(target.clone()).await?;
        let name = target.reference.to_string();
        let endpoint = provider
            .endpoint(Endpoint::DeviceAuthorization)
            .cloned()
            .ok_or_else(|| no_endpoint(&name, Endpoint::DeviceAuthorization))?;
        let scope = chosen_scope(scope, &provider.scope);
        let http = self.http.recording(&recorder);
        let result = async {
            let authorization = device::authorize(&client, &http, &endpoint, &scope).await?;
            recorder.secret(&authorization.device_code);
            let code = DeviceCode {
                provider: name.clone(),
                reference: target.reference.clone(),
                key: target.slot_key(),
                // The server's words, shown to a person: escaped (the URI to open is checked
                // when it is opened).
                user_code: printable(&authorization.user_code).into_owned(),
                verification_uri: printable(&authorization.verification_uri).into_owned(),
                verification_uri_complete: authorization
                    .verification_uri_complete
                    .as_deref()
                    .map(|uri| printable(uri).into_owned()),
                open_uri: authorization.open_uri().to_owned(),
                expires_at: now() + authorization.expires_in as i64,
            };
            let ticket =
                self.sessions
                    .register(&target.slot_key(), None, Some(code.open_uri.clone()));
            host.show_code(&code);
            let cancel = ticket.cancel.clone();
            let polling = device::poll(
                &client,
                &http,
                &authorization,
                |event| host.progress(event),
                move || cancel.load(std::sync::atomic::Ordering::SeqCst),
            );
            // Cancelling ends the wait at once, not after the current interval.
            let response = tokio::select! {
                response = polling => response?,
                () = ticket.wake.notified() => {
                    return Err(LoginError::Callback(CallbackError::Cancelled).into());
                }
            };
            self.store_new(
                target,
                response,
                &scope,
                (Grant::DeviceCode, None),
                destination,
            )
            .await
        }
        .await;
        if destination == Destination::Provider {
            self.save_trace(target, "device authorization", &recorder);
        }
        result
    }

    /// The client credentials grant (RFC 6749 §4.4): tokens for the client itself.
    pub async fn client_credentials(
        &self,
        reference: &ProviderRef,
        scope: Option<&Scope>,
    ) -> Result<TokenSet, DeskError> {
        let target = self.target(reference).await?;
        let result = self
            .client_credentials_grant(&target, scope, Destination::Provider)
            .await;
        self.published(&target, result).await
    }

    /// The client credentials grant, its tokens going to `destination`.
    pub(in crate::desk) async fn client_credentials_grant(
        &self,
        target: &Target,
        scope: Option<&Scope>,
        destination: Destination,
    ) -> Result<TokenSet, DeskError> {
        let ClientContext {
            provider,
            client,
            recorder,
            ..
        } = self.client_of(target.clone()).await?;
        let scope = chosen_scope(scope, &provider.scope);
        let result = async {
            let response = client
                .client_credentials(&self.http.recording(&recorder), &scope)
                .await?;
            self.store_new(
                target,
                response,
                &scope,
                (Grant::ClientCredentials, None),
                destination,
            )
            .await
        }
        .await;
        if destination == Destination::Provider {
            self.save_trace(target, "client credentials", &recorder);
        }
        result
    }

    /// Publishes a tokens change when `result` stored new tokens.
    pub(in crate::desk) async fn published<T>(
        &self,
        target: &Target,
        result: Result<T, DeskError>,
    ) -> Result<T, DeskError> {
        if result.is_ok() {
            self.publish(Change::Tokens {
                provider: target.slot_key(),
            })
            .await;
        }
        result
    }

    /// The token set of a grant's response (with how to renew it, if it has no refresh
    /// token), stored when it is the provider's.
    pub(in crate::desk) async fn store_new(
        &self,
        target: &Target,
        response: TokenResponse,
        scope: &Scope,
        (grant, renewal): (Grant, Option<oauth_desk_core::grant::Renewal>),
        destination: Destination,
    ) -> Result<TokenSet, DeskError> {
        let mut tokens = TokenSet::from_response(response, scope, grant, None, now());
        tokens.renewal = renewal;
        if destination == Destination::Provider {
            self.store_tokens(target, tokens.clone()).await?;
        }
        Ok(tokens)
    }

    pub(in crate::desk) async fn store_tokens(
        &self,
        target: &Target,
        mut tokens: TokenSet,
    ) -> Result<(), DeskError> {
        // Bound to the settings they were obtained with: sent nowhere else later.
        tokens.bound_to = Some(oauth_desk_core::provider::binding::Binding::of(
            &target.provider,
        ));
        self.update_tokens(target, move |t| *t = Some(tokens)).await
    }

    fn publish_sign_in(&self, target: &Target, state: SignInState) {
        self.publish_local(Change::SignIn {
            provider: target.slot_key(),
            state,
            message: None,
        });
    }
}

/// The sign-in's options: its parameters parsed, `prompt=login` for a fresh session unless
/// the person set a `prompt` of their own, and the identity's `login_hint` unless the sign-in
/// names another (OIDC Core §3.1.2.1).
fn login_options(
    request: &SignInRequest,
    login_hint: Option<&str>,
) -> Result<LoginOptions, DeskError> {
    let mut params = request.params.clone();
    if request.fresh && !params.iter().any(|Param(k, _)| k == "prompt") {
        params.push(Param("prompt".into(), "login".into()));
    }
    if let Some(hint) = login_hint
        && !params.iter().any(|Param(k, _)| k == "login_hint")
    {
        params.push(Param("login_hint".into(), hint.to_owned()));
    }
    Ok(LoginOptions {
        scope: request
            .scope
            .as_ref()
            .map(|s| s.as_str().to_owned())
            .filter(|s| !s.trim().is_empty()),
        params,
        timeout: request.timeout,
        shape: ResponseShape {
            response_type: request.response_type,
            response_mode: request.response_mode,
        },
    })
}

/// The scopes of one sign-in: as given, or the provider's when none (or a blank) is given.
pub(in crate::desk) fn chosen_scope(scope: Option<&Scope>, provider_scope: &Scope) -> Scope {
    match scope.filter(|s| !s.as_str().trim().is_empty()) {
        Some(scope) => scope.clone(),
        None => provider_scope.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fresh_sign_in_asks_for_a_login_unless_a_prompt_is_given() {
        let fresh = SignInRequest {
            fresh: true,
            ..SignInRequest::default()
        };
        let params = login_options(&fresh, None).unwrap().params;
        assert_eq!(params, [Param("prompt".into(), "login".into())]);
        let own = SignInRequest {
            fresh: true,
            params: vec![Param("prompt".into(), "consent".into())],
            ..SignInRequest::default()
        };
        assert_eq!(
            login_options(&own, None).unwrap().params,
            [Param("prompt".into(), "consent".into())],
            "the person's own prompt replaces prompt=login"
        );
        let blank_scope = SignInRequest {
            scope: Some("  ".into()),
            ..SignInRequest::default()
        };
        assert_eq!(login_options(&blank_scope, None).unwrap().scope, None);
        let hinted = login_options(&SignInRequest::default(), Some("admin@example.com")).unwrap();
        assert_eq!(
            hinted.params,
            [Param("login_hint".into(), "admin@example.com".into())],
            "an identity's sign-ins send its login_hint"
        );
        let own_hint = SignInRequest {
            params: vec![Param("login_hint".into(), "other".into())],
            ..SignInRequest::default()
        };
        assert_eq!(
            login_options(&own_hint, Some("admin@example.com"))
                .unwrap()
                .params,
            [Param("login_hint".into(), "other".into())],
            "a hint given for this sign-in wins"
        );
    }
}
