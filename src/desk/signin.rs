//! Getting tokens: the authorization-code flow (begin, wait or paste, finish), the device
//! authorization grant and the client credentials grant. Each stores the new token set,
//! replacing the previous one, and saves the flow's trace whatever the outcome.

use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use super::{ClientContext, Desk, DeskError, now};
use crate::flow::Client;
use crate::flow::device::{self, DeviceAuthorization, PollEvent};
use crate::login::{AuthorizedCode, LoginOptions, PendingLogin};
use crate::provider::Provider;
use crate::token::{Grant, TokenResponse, TokenSet};
use crate::trace::Recorder;
use crate::verify::check_half_hash;

/// A device sign-in between the device code and the approval.
#[derive(Debug)]
pub struct DeviceLogin {
    pub provider: Provider,
    pub authorization: DeviceAuthorization,
    pub scope: String,
    client: Client,
    recorder: Recorder,
}

impl Desk {
    /// Starts a sign-in: binds the loopback listener (when the redirect URI is loopback) and
    /// builds the authorization request. Open [`PendingLogin::open_url`] in a browser next.
    pub async fn begin_login(
        &self,
        name: &str,
        options: &LoginOptions,
    ) -> Result<PendingLogin, DeskError> {
        let ClientContext {
            provider, recorder, ..
        } = self.client(name).await?;
        if provider.token_endpoint().is_none() {
            return Err(no_endpoint(
                name,
                "token endpoint",
                " (add one with --token-url or --issuer)",
            ));
        }
        Ok(PendingLogin::start(provider, options, recorder)?)
    }

    /// Waits on the loopback listener without blocking the runtime.
    pub async fn wait_for_code(
        &self,
        pending: PendingLogin,
        cancel: Option<Arc<AtomicBool>>,
    ) -> Result<AuthorizedCode, DeskError> {
        let name = pending.provider.name.to_string();
        let recorder = pending.recorder.clone();
        let result = tokio::task::spawn_blocking(move || pending.wait(cancel))
            .await
            .map_err(|e| DeskError::Internal(e.to_string()))?
            .map_err(DeskError::from);
        if result.is_err() {
            self.save_trace(&name, "authorization code", &recorder);
        }
        result
    }

    /// Exchanges the code and stores the new token set (replacing any previous one).
    pub async fn finish_login(&self, authorized: AuthorizedCode) -> Result<TokenSet, DeskError> {
        let AuthorizedCode {
            provider,
            request,
            code,
            recorder,
        } = authorized;
        let name = provider.name.to_string();
        let result = async {
            let client = self.client(&name).await?.client;
            let http = self.http.recording(&recorder);
            let response = client
                .exchange_code(
                    &http,
                    &code,
                    &request.redirect_uri,
                    request.pkce.as_ref().map(|p| &p.verifier),
                )
                .await
                .map_err(|source| DeskError::CodeExchange {
                    redirect_uri: request.redirect_uri.to_string(),
                    source,
                })?;
            let c_hash = response.id_token.as_ref().and_then(|id| {
                let jwt = crate::jwt::decode(id.expose()).ok()?;
                jwt.claims
                    .contains_key("c_hash")
                    .then(|| check_half_hash("c_hash", &jwt, Some(&code)))
            });
            let mut tokens = TokenSet::from_response(
                response,
                &request.scope,
                Grant::AuthorizationCode,
                request.nonce.clone(),
                now(),
            );
            tokens.c_hash_check = c_hash;
            self.store_tokens(&name, tokens.clone()).await?;
            Ok(tokens)
        }
        .await;
        self.save_trace(&name, "authorization code", &recorder);
        result
    }

    /// Requests a device code (RFC 8628 §3.1); show its user code, then [`Desk::finish_device`].
    pub async fn begin_device(
        &self,
        name: &str,
        scope: Option<&str>,
    ) -> Result<DeviceLogin, DeskError> {
        let ClientContext {
            provider,
            client,
            recorder,
            ..
        } = self.client(name).await?;
        let endpoint = provider
            .endpoints
            .device_authorization
            .clone()
            .ok_or_else(|| {
                no_endpoint(
                    name,
                    "device authorization endpoint",
                    " (add one with --device-url)",
                )
            })?;
        let scope = scope.map_or_else(|| provider.scope.clone(), str::to_owned);
        let result =
            device::authorize(&client, &self.http.recording(&recorder), &endpoint, &scope).await;
        match result {
            Ok(authorization) => {
                recorder.secret(&authorization.device_code);
                Ok(DeviceLogin {
                    provider,
                    authorization,
                    scope,
                    client,
                    recorder,
                })
            }
            Err(e) => {
                self.save_trace(name, "device authorization", &recorder);
                Err(e.into())
            }
        }
    }

    /// Polls until the user approves (RFC 8628 §3.4–3.5) and stores the tokens. `unit` is one
    /// second except in tests.
    pub async fn finish_device(
        &self,
        login: DeviceLogin,
        unit: Duration,
        on_event: impl FnMut(PollEvent),
        cancelled: impl Fn() -> bool,
    ) -> Result<TokenSet, DeskError> {
        let DeviceLogin {
            provider,
            authorization,
            scope,
            client,
            recorder,
        } = login;
        let name = provider.name.to_string();
        let http = self.http.recording(&recorder);
        let result = async {
            let response =
                device::poll(&client, &http, &authorization, unit, on_event, cancelled).await?;
            self.store_new(&name, response, &scope, Grant::DeviceCode)
                .await
        }
        .await;
        self.save_trace(&name, "device authorization", &recorder);
        result
    }

    /// The client credentials grant (RFC 6749 §4.4): tokens for the client itself.
    pub async fn client_credentials(
        &self,
        name: &str,
        scope: Option<&str>,
    ) -> Result<TokenSet, DeskError> {
        let ClientContext {
            provider,
            client,
            recorder,
            ..
        } = self.client(name).await?;
        let scope = scope.map_or_else(|| provider.scope.clone(), str::to_owned);
        let result = async {
            let response = client
                .client_credentials(&self.http.recording(&recorder), &scope)
                .await?;
            self.store_new(
                &provider.name.to_string(),
                response,
                &scope,
                Grant::ClientCredentials,
            )
            .await
        }
        .await;
        self.save_trace(name, "client credentials", &recorder);
        result
    }

    async fn store_new(
        &self,
        name: &str,
        response: TokenResponse,
        scope: &str,
        grant: Grant,
    ) -> Result<TokenSet, DeskError> {
        let tokens = TokenSet::from_response(response, scope, grant, None, now());
        self.store_tokens(name, tokens.clone()).await?;
        Ok(tokens)
    }

    pub(super) async fn store_tokens(&self, name: &str, tokens: TokenSet) -> Result<(), DeskError> {
        self.update_secrets(name, move |s| s.tokens = Some(tokens))
            .await
    }
}

pub(super) fn no_endpoint(name: &str, endpoint: &'static str, hint: &'static str) -> DeskError {
    DeskError::NoEndpoint {
        name: name.to_owned(),
        endpoint,
        hint,
    }
}
