//! Using and renewing tokens: a fresh access token on demand, refresh (single-flight across
//! processes), sign-out, revocation, introspection, userinfo, and the report `show` prints.

use jsonwebtoken::jwk::JwkSet;
use oauth_desk_core::provider::Slot;
use serde_json::{Map, Value};

use super::agent::FreshToken;
use super::changes::Change;
use super::error::no_endpoint;
use super::error::{Internal, Unsupported};
use super::{ClientContext, Desk, DeskError};
use crate::clock::now;
use crate::flow::FlowError;
use crate::flow::endpoints::{self, UserInfo};
use crate::jwks;
use crate::store::atomic::write_atomic;
use crate::store::lock::FileLock;
use crate::store::vault::VaultError;
use oauth_desk_core::provider::{Endpoint, ProviderRef};
use oauth_desk_core::report::Report;
use oauth_desk_core::secret::Secret;
use oauth_desk_core::token::{Grant, RefreshFailure, TokenError, TokenKind, TokenSet, TokenStatus};
use oauth_desk_core::trace::Recorder;

/// What every call around stored tokens starts from: the client, the endpoint the call needs,
/// the tokens.
struct TokenCall {
    client: crate::flow::Client,
    recorder: Recorder,
    endpoint: url::Url,
    tokens: TokenSet,
}

impl Desk {
    /// The current token set of an identity, if any, without renewing it.
    /// Tokens bound to other settings than the provider's now are refused (see
    /// [`oauth_desk_core::provider::binding`]).
    pub async fn tokens(&self, reference: &ProviderRef) -> Result<Option<TokenSet>, DeskError> {
        let target = self.target(reference).await?;
        let tokens = self.stored_tokens(&target).await?;
        if let Some(tokens) = &tokens {
            check_bound(&target, tokens)?;
        }
        Ok(tokens)
    }

    /// A fresh access token, renewed here first when due (see [`TokenSet::is_due`]).
    pub(in crate::desk) async fn fresh_token_here(
        &self,
        reference: &ProviderRef,
    ) -> Result<FreshToken, DeskError> {
        // One config read and one vault read: this is the agent's hot path.
        let target = self.target(reference).await?;
        let name = &target.reference.to_string();
        let margin = target.provider.refresh_margin_secs;
        let tokens = self
            .stored_tokens(&target)
            .await?
            .ok_or_else(|| not_signed_in(name))?;
        check_usable(&target, &tokens)?;
        if tokens.access_token.expose().is_empty() {
            return Err(Unsupported::NoAccessToken {
                provider: name.to_string(),
            }
            .into());
        }
        let now = now();
        if !tokens.is_due_with(now, margin) {
            return Ok(tokens.into());
        }
        if !tokens.renewable() {
            // Nothing to refresh with: still usable until it expires.
            if tokens.is_expired(now) {
                return Err(DeskError::SignInNeeded {
                    name: name.to_owned(),
                    reason: "the access token expired and there is no refresh token".into(),
                });
            }
            return Ok(tokens.into());
        }
        match self.refresh(reference, false).await {
            Ok(tokens) => Ok(tokens.into()),
            // A due token that still works beats no token: a network hiccup or a 5xx must not
            // break a script while the current token has time left.
            Err(e) if e.is_transient() && !tokens.is_expired(now) => {
                tracing::warn!(
                    provider = name.as_str(),
                    "refresh failed, using the current token: {e}"
                );
                Ok(tokens.into())
            }
            Err(e) => Err(e),
        }
    }

    /// Renews the token set: with the refresh token, or for client-credentials sets by asking
    /// again. Single-flight across processes: under the provider's refresh lock the vault is
    /// re-read, and when `force` is false and another process already renewed, its result is
    /// used instead of spending the refresh token again. The rotated refresh token is in the
    /// vault before this returns.
    pub async fn refresh(
        &self,
        reference: &ProviderRef,
        force: bool,
    ) -> Result<TokenSet, DeskError> {
        let slot = reference.slot_key();
        let lock_path = self.paths.locks_dir().join(format!("refresh-{slot}.lock"));
        let _lock = tokio::task::spawn_blocking(move || FileLock::exclusive(&lock_path))
            .await
            .map_err(Internal::Task)??;
        // Read under the lock: another process may have refreshed while we waited for it.
        let context = self.client(reference).await?;
        let tokens = context
            .tokens
            .clone()
            .ok_or_else(|| not_signed_in(&context.target.reference.to_string()))?;
        check_usable(&context.target, &tokens)?;
        if !force && !tokens.is_due_with(now(), context.provider.refresh_margin_secs) {
            return Ok(tokens);
        }
        let http = self.http.recording(&context.recorder);
        self.publish_local(Change::Refreshing {
            provider: slot.clone(),
        });
        if tokens.refresh_token.is_none()
            // Boxed: an exchange renews its subject's token first, which may come back here.
            && let Some(response) = Box::pin(self.request_again(&context, &http, &tokens)).await
        {
            let target = &context.target;
            let result = async {
                self.store_new(
                    target,
                    response?,
                    &tokens.requested_scope,
                    (tokens.grant, tokens.renewal.clone()),
                    super::signin::Destination::Provider,
                )
                .await
            }
            .await;
            self.save_trace(target, grant_title(tokens.grant), &context.recorder);
            if let Err(e) = &result {
                self.note_refresh_failure(target, e).await;
            }
            self.publish(Change::Tokens { provider: slot }).await;
            return result;
        }
        let outcome = self
            .spend_refresh_token(&context, &http, tokens, &slot)
            .await;
        // Something changed either way: new tokens, "sign-in needed", or a failure noted
        // beside tokens that still work. (The keeper keeps its backoff through the re-plan.)
        self.publish(Change::Tokens { provider: slot }).await;
        outcome
    }

    /// The refresh grant itself (RFC 6749 §6), under the caller's lock of `slot`: the rotated
    /// refresh token reaches the vault before the in-flight marker (of the same slot) goes.
    async fn spend_refresh_token(
        &self,
        context: &ClientContext,
        http: &crate::http::Http,
        tokens: TokenSet,
        slot: &Slot,
    ) -> Result<TokenSet, DeskError> {
        let target = &context.target;
        let name = target.reference.to_string();
        let refresh_token =
            tokens
                .refresh_token
                .clone()
                .ok_or_else(|| DeskError::SignInNeeded {
                    name: name.clone(),
                    reason: "the server gave no refresh token".into(),
                })?;
        // Between the server rotating the refresh token and the vault holding the new one, a
        // crash would lose it. The marker says a refresh was under way; the next refresh finds
        // it and, if the old token is refused, says why.
        let marker = self.inflight_marker(slot);
        let interrupted = marker.exists();
        let _ = write_atomic(&marker, b"");
        let result = context.client.refresh(http, &refresh_token).await;
        self.save_trace(target, "refresh", &context.recorder);
        let outcome = match result {
            Ok(response) => {
                let (key, identity) = (
                    target.client_key.clone(),
                    target.identity().map(str::to_owned),
                );
                let binding = oauth_desk_core::provider::binding::Binding::of(&target.provider);
                let updated = self
                    .with_vault(move |vault| {
                        vault.update(|data| {
                            let kept = data.provider_mut(&key).tokens_mut(identity.as_deref());
                            let mut tokens = kept.clone().unwrap_or(tokens);
                            tokens.apply_refresh(response, now());
                            tokens.bound_to.get_or_insert(binding);
                            *kept = Some(tokens.clone());
                            Ok::<_, VaultError>(tokens)
                        })
                    })
                    // Not kept: the marker stays, so the next refresh can say why the old
                    // refresh token is refused.
                    .await?;
                tracing::debug!(provider = name.as_str(), "refreshed");
                Ok(updated)
            }
            Err(FlowError::Token(TokenError::OAuth(e))) if e.error == "invalid_grant" => {
                let reason = if interrupted {
                    format!(
                        "a previous refresh was interrupted after the server may have rotated the refresh token, and the old one was refused: {e}"
                    )
                } else {
                    format!("the refresh token was refused: {e}")
                };
                self.update_tokens(target, move |t| {
                    if let Some(tokens) = t.as_mut() {
                        tokens.status = TokenStatus::SignInNeeded { reason };
                    }
                })
                .await?;
                Err(DeskError::Refresh {
                    source: FlowError::Token(TokenError::OAuth(e)),
                })
            }
            Err(source) => {
                let e = DeskError::Refresh { source };
                self.note_refresh_failure(target, &e).await;
                Err(e)
            }
        };
        // Done either way: the vault holds the new token, or the old one was not spent.
        let _ = std::fs::remove_file(&marker);
        outcome
    }

    /// Keeps why a renewal failed with the tokens (they may well still work), so every front
    /// end can tell "signed in, but the last refresh failed" from "signed out".
    async fn note_refresh_failure(&self, target: &super::target::Target, error: &DeskError) {
        let failure = RefreshFailure {
            message: super::advice::Explained::from(error).message,
            failed_at: now(),
            next_attempt_at: None,
        };
        let noted = self
            .update_tokens(target, move |t| {
                if let Some(tokens) = t.as_mut() {
                    tokens.last_refresh_error = Some(failure);
                }
            })
            .await;
        if let Err(e) = noted {
            tracing::warn!(
                "could not note the failed refresh of {}: {e}",
                target.reference
            );
        }
    }

    /// The keeper scheduled its next attempt at a failed renewal of slot `slot`: remember
    /// when.
    pub(in crate::desk) async fn note_next_attempt(&self, slot: &Slot, at: i64) {
        let Some(reference) = self.reference_of_key(slot) else {
            return;
        };
        let Ok(target) = self.target(&reference).await else {
            return;
        };
        let _ = self
            .update_tokens(&target, move |t| {
                if let Some(failure) = t.as_mut().and_then(|t| t.last_refresh_error.as_mut()) {
                    failure.next_attempt_at = Some(at);
                }
            })
            .await;
        self.publish_local(Change::Tokens {
            provider: slot.clone(),
        });
    }

    pub(in crate::desk) fn inflight_marker(&self, slot: &Slot) -> std::path::PathBuf {
        self.paths
            .locks_dir()
            .join(format!("refresh-{slot}.inflight"))
    }

    /// A refresh of `reference` died after sending its request: nobody holds the refresh lock
    /// yet the in-flight marker is there.
    pub fn refresh_interrupted(&self, reference: &ProviderRef) -> bool {
        let slot = reference.slot_key();
        if !self.inflight_marker(&slot).exists() {
            return false;
        }
        let lock = self.paths.locks_dir().join(format!("refresh-{slot}.lock"));
        matches!(FileLock::try_exclusive(&lock), Ok(Some(_)))
    }

    /// Forgets the identity's tokens (the client secret and the other identities' tokens
    /// stay). Returns whether there were any.
    pub async fn logout(&self, reference: &ProviderRef) -> Result<bool, DeskError> {
        let target = self.target(reference).await?;
        let (key, identity) = (
            target.client_key.clone(),
            target.identity().map(str::to_owned),
        );
        let result = self
            .with_vault(move |vault| {
                if !vault.exists() {
                    return Ok(false);
                }
                vault.update(|data| {
                    Ok::<_, VaultError>(
                        data.providers
                            .get_mut(&key)
                            .and_then(|s| s.tokens_mut(identity.as_deref()).take())
                            .is_some(),
                    )
                })
            })
            .await;
        self.published(&target, result).await
    }

    /// The shared opening of revoke and introspect: the endpoint they need and the tokens.
    async fn token_call(
        &self,
        reference: &ProviderRef,
        endpoint: Endpoint,
    ) -> Result<(super::target::Target, TokenCall), DeskError> {
        let ClientContext {
            target,
            provider,
            client,
            recorder,
            tokens,
        } = self.client(reference).await?;
        let name = target.reference.to_string();
        let endpoint = provider
            .endpoint(endpoint)
            .cloned()
            .ok_or_else(|| no_endpoint(&name, endpoint))?;
        let tokens = tokens.ok_or_else(|| not_signed_in(&name))?;
        check_bound(&target, &tokens)?;
        Ok((
            target,
            TokenCall {
                client,
                recorder,
                endpoint,
                tokens,
            },
        ))
    }

    /// Revokes the refresh token, then the access token (RFC 7009 §2.1: revoking a refresh
    /// token may take its access tokens with it). The tokens are kept, marked "sign-in
    /// needed", so `introspect` can show the server's view of them; `logout` forgets them.
    pub async fn revoke(&self, reference: &ProviderRef) -> Result<Vec<TokenKind>, DeskError> {
        let (
            target,
            TokenCall {
                client,
                recorder,
                endpoint,
                tokens,
            },
        ) = self.token_call(reference, Endpoint::Revocation).await?;
        let http = self.http.recording(&recorder);
        let result = revoke_all(&client, &http, &endpoint, &tokens).await;
        self.save_trace(&target, "revocation", &recorder);
        let revoked = result?;
        let marked = self
            .update_tokens(&target, |t| {
                if let Some(tokens) = t.as_mut() {
                    tokens.status = TokenStatus::SignInNeeded {
                        reason: "the tokens were revoked".into(),
                    };
                }
            })
            .await;
        self.published(&target, marked).await?;
        Ok(revoked)
    }

    /// Introspects one of the tokens (RFC 7662); the server's answer as is. ID tokens are not
    /// for introspection (they are checked here, against the JWKS: see the report's checks).
    pub async fn introspect(
        &self,
        reference: &ProviderRef,
        kind: TokenKind,
    ) -> Result<Map<String, Value>, DeskError> {
        let Some(hint) = kind.hint() else {
            return Err(Unsupported::IdTokenIntrospection.into());
        };
        let (
            target,
            TokenCall {
                client,
                recorder,
                endpoint,
                tokens,
            },
        ) = self.token_call(reference, Endpoint::Introspection).await?;
        let token: &Secret = match kind {
            TokenKind::Refresh => {
                tokens
                    .refresh_token
                    .as_deref()
                    .ok_or_else(|| DeskError::SignInNeeded {
                        name: target.reference.to_string(),
                        reason: "there is no refresh token to introspect".into(),
                    })?
            }
            _ => &tokens.access_token,
        };
        let http = self.http.recording(&recorder);
        let result = endpoints::introspect(&client, &http, &endpoint, token, hint).await;
        self.save_trace(&target, "introspection", &recorder);
        Ok(result?)
    }

    /// Calls userinfo with a fresh access token.
    pub async fn userinfo(&self, reference: &ProviderRef) -> Result<UserInfo, DeskError> {
        let target = self.target(reference).await?;
        let endpoint = target
            .provider
            .endpoint(Endpoint::Userinfo)
            .cloned()
            .ok_or_else(|| no_endpoint(&target.reference.to_string(), Endpoint::Userinfo))?;
        let fresh = self.fresh_token(reference).await?;
        let recorder = Recorder::new();
        recorder.secret(&fresh.token);
        let context = self.client_of(target).await?;
        let presenter = crate::flow::resource::Presenter {
            token: &fresh.token,
            token_type: &fresh.token_type,
            dpop: context.client.dpop.as_ref(),
        };
        let http = context.client.transport(&self.http.recording(&recorder));
        let result = endpoints::userinfo(&http, &endpoint, &presenter).await;
        self.save_trace(&context.target, "userinfo", &recorder);
        Ok(result?)
    }

    /// Everything `show` displays, with signatures checked against the provider's JWKS
    /// (cached; fetched again once when a token names an unknown key).
    pub async fn report(&self, reference: &ProviderRef) -> Result<Report, DeskError> {
        let target = self.target(reference).await?;
        let data = self.read_vault().await?;
        let stored = data
            .provider(&target.client_key)
            .cloned()
            .unwrap_or_default();
        let client_secret = super::secrets::client_secrets(&target, &stored, &data)
            .ok()
            .and_then(|s| s.client_secret);
        let mut report = self
            .report_of(
                &target,
                stored.tokens_of(target.identity()),
                client_secret.as_ref(),
            )
            .await;
        if report.status == oauth_desk_core::report::Status::SignedIn
            && self.refresh_interrupted(reference)
        {
            report.status_detail = Some(
                "a refresh was interrupted after its request was sent: if the server rotated the refresh token, sign-in may be needed (the next refresh will tell)".into(),
            );
        }
        Ok(report)
    }

    /// The report of `tokens` (the provider's or a lab case's), signatures checked against
    /// the provider's keys (and `client_secret`, the key of HS* tokens).
    pub(in crate::desk) async fn report_of(
        &self,
        target: &super::target::Target,
        tokens: Option<&TokenSet>,
        client_secret: Option<&Secret>,
    ) -> Report {
        let provider = &target.provider;
        let kids: Vec<Option<String>> = [
            tokens.and_then(|t| t.id_token.as_deref()),
            tokens.map(|t| &*t.access_token),
        ]
        .into_iter()
        .flatten()
        .filter_map(|t| oauth_desk_core::jwt::decode(t.expose()).ok())
        .filter(|jwt| {
            jwt.alg()
                .is_some_and(|a| !a.starts_with("HS") && a != "none")
        })
        .map(|jwt| {
            jwt.header
                .get("kid")
                .and_then(Value::as_str)
                .map(str::to_owned)
        })
        .collect();
        let keys = if kids.is_empty() {
            None
        } else {
            self.keys_for(target, &kids).await
        };
        let mut report = Report::build(provider, tokens, keys.as_ref(), client_secret, now());
        let reference = &target.reference;
        report.identity = reference.identity.as_ref().map(ToString::to_string);
        report.environment = reference.env().map(ToString::to_string);
        report.project = reference
            .project
            .as_ref()
            .map(|p| p.file.display().to_string());
        report
    }

    /// The provider's JWKS holding every `kid` if it can be had: the cache, else a fetch.
    async fn keys_for(
        &self,
        target: &super::target::Target,
        kids: &[Option<String>],
    ) -> Option<JwkSet> {
        let url = target.provider.endpoints.jwks.as_ref()?;
        let name = target.client_key.as_str();
        let cached = self.jwks.load(name);
        if let Some(keys) = &cached
            && kids.iter().all(|k| jwks::has_key(keys, k.as_deref()))
        {
            return cached;
        }
        match jwks::fetch(&self.http, url).await {
            Ok(keys) => {
                self.jwks.store(name, &keys);
                Some(keys)
            }
            Err(e) => {
                tracing::warn!("could not fetch the JWKS of {name}: {e}");
                cached
            }
        }
    }
}

/// Revokes the refresh token, then the access token (RFC 7009 §2.1); the kinds revoked.
pub(in crate::desk) async fn revoke_all(
    client: &crate::flow::Client,
    http: &crate::http::Http,
    endpoint: &url::Url,
    tokens: &TokenSet,
) -> Result<Vec<TokenKind>, FlowError> {
    let mut revoked = Vec::new();
    let pairs: [(TokenKind, Option<&Secret>); 2] = [
        (TokenKind::Refresh, tokens.refresh_token.as_deref()),
        (TokenKind::Access, Some(&tokens.access_token)),
    ];
    for (kind, token) in pairs {
        if let (Some(token), Some(hint)) = (token, kind.hint()) {
            endpoints::revoke(client, http, endpoint, token, hint).await?;
            revoked.push(kind);
        }
    }
    Ok(revoked)
}

/// The trace's name of a renewal without a refresh token.
fn grant_title(grant: Grant) -> &'static str {
    match grant {
        Grant::TokenExchange => "token exchange",
        Grant::JwtBearer => "JWT bearer",
        _ => "client credentials",
    }
}

/// Tokens obtained for other settings than the provider's now are sent nowhere.
pub(in crate::desk) fn check_bound(
    target: &super::target::Target,
    tokens: &TokenSet,
) -> Result<(), DeskError> {
    let Some(bound) = &tokens.bound_to else {
        return Ok(());
    };
    let changes = bound.changes_to(&oauth_desk_core::provider::binding::Binding::of(
        &target.provider,
    ));
    if changes.is_empty() {
        return Ok(());
    }
    Err(DeskError::BindingChanged {
        name: target.reference.to_string(),
        what: "tokens were obtained".into(),
        changes: format!("with other settings: {}", changes.join(", ")),
        named: None,
    })
}

fn not_signed_in(name: &str) -> DeskError {
    DeskError::NotSignedIn {
        name: name.to_owned(),
    }
}

/// The tokens may be used: not marked "sign-in needed", and bound to the provider's settings
/// as they are now (see [`oauth_desk_core::provider::binding`]).
pub(in crate::desk) fn check_usable(
    target: &super::target::Target,
    tokens: &TokenSet,
) -> Result<(), DeskError> {
    let name = &target.reference.to_string();
    check_bound(target, tokens)?;
    match &tokens.status {
        TokenStatus::SignInNeeded { reason } => Err(DeskError::SignInNeeded {
            name: name.to_owned(),
            reason: reason.clone(),
        }),
        TokenStatus::Active => Ok(()),
    }
}
