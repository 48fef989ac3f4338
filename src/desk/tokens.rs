//! Using and renewing tokens: a fresh access token on demand, refresh (single-flight across
//! processes), sign-out, revocation, introspection, userinfo, and the report `show` prints.

use jsonwebtoken::jwk::JwkSet;
use serde_json::{Map, Value};

use super::agent::FreshToken;
use super::changes::Change;
use super::signin::no_endpoint;
use super::{ClientContext, Desk, DeskError};
use crate::clock::now;
use crate::flow::FlowError;
use crate::flow::endpoints::{self, UserInfo};
use crate::jwks;
use crate::provider::Endpoint;
use crate::report::Report;
use crate::secret::Secret;
use crate::store::atomic::write_atomic;
use crate::store::lock::FileLock;
use crate::store::vault::VaultError;
use crate::token::{Grant, RefreshFailure, TokenError, TokenKind, TokenSet, TokenStatus};
use crate::trace::Recorder;

/// What every call around stored tokens starts from: the client, the endpoint the call needs,
/// the tokens.
struct TokenCall {
    client: crate::flow::Client,
    recorder: Recorder,
    endpoint: url::Url,
    tokens: TokenSet,
}

impl Desk {
    /// The current token set, if any, without renewing it.
    pub async fn tokens(&self, name: &str) -> Result<Option<TokenSet>, DeskError> {
        self.provider(name)?;
        Ok(self.secrets(name).await?.tokens)
    }

    /// A fresh access token, renewed here first when due (see [`TokenSet::is_due`]).
    pub(super) async fn fresh_token_here(&self, name: &str) -> Result<FreshToken, DeskError> {
        // One config read and one vault read: this is the agent's hot path.
        let margin = self.provider(name)?.refresh_margin_secs;
        let tokens = self
            .secrets(name)
            .await?
            .tokens
            .ok_or_else(|| not_signed_in(name))?;
        check_usable(name, &tokens)?;
        if tokens.access_token.expose().is_empty() {
            return Err(DeskError::NotSupported(format!(
                "{name}'s last sign-in gave no access token (response_type id_token): sign in with a response type that includes one"
            )));
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
        match self.refresh(name, false).await {
            Ok(tokens) => Ok(tokens.into()),
            // A due token that still works beats no token: a network hiccup or a 5xx must not
            // break a script while the current token has time left.
            Err(e) if e.is_transient() && !tokens.is_expired(now) => {
                tracing::warn!(
                    provider = name,
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
    pub async fn refresh(&self, name: &str, force: bool) -> Result<TokenSet, DeskError> {
        let lock_path = self.paths.locks_dir().join(format!("refresh-{name}.lock"));
        let _lock = tokio::task::spawn_blocking(move || FileLock::exclusive(&lock_path))
            .await
            .map_err(|e| DeskError::Internal(e.to_string()))??;
        // Read under the lock: another process may have refreshed while we waited for it.
        let context = self.client(name).await?;
        let tokens = context.tokens.clone().ok_or_else(|| not_signed_in(name))?;
        check_usable(name, &tokens)?;
        if !force && !tokens.is_due_with(now(), context.provider.refresh_margin_secs) {
            return Ok(tokens);
        }
        let recorder = context.recorder.clone();
        let client = context.client.clone();
        let http = self.http.recording(&recorder);
        self.publish_local(Change::Refreshing {
            provider: name.to_owned(),
        });
        if tokens.refresh_token.is_none()
            // Boxed: an exchange renews its subject's token first, which may come back here.
            && let Some(response) = Box::pin(self.request_again(&context, &http, &tokens)).await
        {
            let result = async {
                self.store_new(
                    name,
                    response?,
                    &tokens.requested_scope,
                    (tokens.grant, tokens.renewal.clone()),
                    super::signin::Destination::Provider,
                )
                .await
            }
            .await;
            self.save_trace(name, grant_title(tokens.grant), &recorder);
            if let Err(e) = &result {
                self.note_refresh_failure(name, e).await;
            }
            self.publish(Change::Tokens {
                provider: name.to_owned(),
            })
            .await;
            return result;
        }
        let refresh_token =
            tokens
                .refresh_token
                .clone()
                .ok_or_else(|| DeskError::SignInNeeded {
                    name: name.to_owned(),
                    reason: "the server gave no refresh token".into(),
                })?;
        // Between the server rotating the refresh token and the vault holding the new one, a
        // crash would lose it. The marker says a refresh was under way; the next refresh finds
        // it and, if the old token is refused, says why.
        let marker = self.inflight_marker(name);
        let interrupted = marker.exists();
        let _ = write_atomic(&marker, b"");
        let result = client.refresh(&http, &refresh_token).await;
        self.save_trace(name, "refresh", &recorder);
        let outcome = match result {
            Ok(response) => {
                let key = name.to_owned();
                let updated = self
                    .with_vault(move |vault| {
                        vault.update(|data| {
                            let slot = data.provider_mut(&key);
                            let mut tokens = slot.tokens.clone().unwrap_or(tokens);
                            tokens.apply_refresh(response, now());
                            slot.tokens = Some(tokens.clone());
                            Ok::<_, VaultError>(tokens)
                        })
                    })
                    .await?;
                tracing::debug!(provider = name, "refreshed");
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
                self.update_secrets(name, move |s| {
                    if let Some(tokens) = s.tokens.as_mut() {
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
                self.note_refresh_failure(name, &e).await;
                Err(e)
            }
        };
        // Done either way: the vault holds the new token, or the old one was not spent.
        let _ = std::fs::remove_file(&marker);
        // Something changed either way: new tokens, "sign-in needed", or a failure noted
        // beside tokens that still work. (The keeper keeps its backoff through the re-plan.)
        self.publish(Change::Tokens {
            provider: name.to_owned(),
        })
        .await;
        outcome
    }

    /// Keeps why a renewal failed with the tokens (they may well still work), so every front
    /// end can tell "signed in, but the last refresh failed" from "signed out".
    async fn note_refresh_failure(&self, name: &str, error: &DeskError) {
        let failure = RefreshFailure {
            message: super::advice::Explained::from(error).message,
            failed_at: now(),
            next_attempt_at: None,
        };
        let noted = self
            .update_secrets(name, move |s| {
                if let Some(tokens) = s.tokens.as_mut() {
                    tokens.last_refresh_error = Some(failure);
                }
            })
            .await;
        if let Err(e) = noted {
            tracing::warn!("could not note the failed refresh of {name}: {e}");
        }
    }

    /// The keeper scheduled its next attempt at a failed renewal: remember when.
    pub(super) async fn note_next_attempt(&self, name: &str, at: i64) {
        let _ = self
            .update_secrets(name, move |s| {
                if let Some(failure) = s
                    .tokens
                    .as_mut()
                    .and_then(|t| t.last_refresh_error.as_mut())
                {
                    failure.next_attempt_at = Some(at);
                }
            })
            .await;
        self.publish_local(Change::Tokens {
            provider: name.to_owned(),
        });
    }

    fn inflight_marker(&self, name: &str) -> std::path::PathBuf {
        self.paths
            .locks_dir()
            .join(format!("refresh-{name}.inflight"))
    }

    /// A refresh of `name` died after sending its request: nobody holds the refresh lock yet
    /// the in-flight marker is there.
    pub fn refresh_interrupted(&self, name: &str) -> bool {
        if !self.inflight_marker(name).exists() {
            return false;
        }
        let lock = self.paths.locks_dir().join(format!("refresh-{name}.lock"));
        matches!(FileLock::try_exclusive(&lock), Ok(Some(_)))
    }

    /// Forgets the tokens (the client secret stays). Returns whether there were any.
    pub async fn logout(&self, name: &str) -> Result<bool, DeskError> {
        self.provider(name)?;
        let key = name.to_owned();
        let result = self
            .with_vault(move |vault| {
                if !vault.exists() {
                    return Ok(false);
                }
                vault.update(|data| {
                    Ok::<_, VaultError>(
                        data.providers
                            .get_mut(&key)
                            .and_then(|s| s.tokens.take())
                            .is_some(),
                    )
                })
            })
            .await;
        self.published(name, result).await
    }

    /// The shared opening of revoke and introspect: the endpoint they need and the tokens.
    async fn token_call(&self, name: &str, endpoint: Endpoint) -> Result<TokenCall, DeskError> {
        let ClientContext {
            provider,
            client,
            recorder,
            tokens,
        } = self.client(name).await?;
        let endpoint = provider
            .endpoint(endpoint)
            .cloned()
            .ok_or_else(|| no_endpoint(name, endpoint))?;
        let tokens = tokens.ok_or_else(|| not_signed_in(name))?;
        Ok(TokenCall {
            client,
            recorder,
            endpoint,
            tokens,
        })
    }

    /// Revokes the refresh token, then the access token (RFC 7009 §2.1: revoking a refresh
    /// token may take its access tokens with it). The tokens are kept, marked "sign-in
    /// needed", so `introspect` can show the server's view of them; `logout` forgets them.
    pub async fn revoke(&self, name: &str) -> Result<Vec<TokenKind>, DeskError> {
        let TokenCall {
            client,
            recorder,
            endpoint,
            tokens,
        } = self.token_call(name, Endpoint::Revocation).await?;
        let http = self.http.recording(&recorder);
        let result = revoke_all(&client, &http, &endpoint, &tokens).await;
        self.save_trace(name, "revocation", &recorder);
        let revoked = result?;
        let marked = self
            .update_secrets(name, |s| {
                if let Some(tokens) = s.tokens.as_mut() {
                    tokens.status = TokenStatus::SignInNeeded {
                        reason: "the tokens were revoked".into(),
                    };
                }
            })
            .await;
        self.published(name, marked).await?;
        Ok(revoked)
    }

    /// Introspects one of the tokens (RFC 7662); the server's answer as is. ID tokens are not
    /// for introspection (they are checked here, against the JWKS: see the report's checks).
    pub async fn introspect(
        &self,
        name: &str,
        kind: TokenKind,
    ) -> Result<Map<String, Value>, DeskError> {
        let Some(hint) = kind.hint() else {
            return Err(DeskError::NotSupported(
                "ID tokens are not introspected: RFC 7662 is for access and refresh tokens, and an ID token is checked here against the provider's keys (see its checks)".into(),
            ));
        };
        let TokenCall {
            client,
            recorder,
            endpoint,
            tokens,
        } = self.token_call(name, Endpoint::Introspection).await?;
        let token: &Secret = match kind {
            TokenKind::Refresh => {
                tokens
                    .refresh_token
                    .as_deref()
                    .ok_or_else(|| DeskError::SignInNeeded {
                        name: name.to_owned(),
                        reason: "there is no refresh token to introspect".into(),
                    })?
            }
            _ => &tokens.access_token,
        };
        let http = self.http.recording(&recorder);
        let result = endpoints::introspect(&client, &http, &endpoint, token, hint).await;
        self.save_trace(name, "introspection", &recorder);
        Ok(result?)
    }

    /// Calls userinfo with a fresh access token.
    pub async fn userinfo(&self, name: &str) -> Result<UserInfo, DeskError> {
        let endpoint = self
            .provider(name)?
            .endpoint(Endpoint::Userinfo)
            .cloned()
            .ok_or_else(|| no_endpoint(name, Endpoint::Userinfo))?;
        let fresh = self.fresh_token(name).await?;
        let recorder = Recorder::new();
        recorder.secret(&fresh.token);
        let context = self.client(name).await?;
        let presenter = crate::flow::resource::Presenter {
            token: &fresh.token,
            token_type: &fresh.token_type,
            dpop: context.client.dpop.as_ref(),
        };
        let http = context.client.transport(&self.http.recording(&recorder));
        let result = endpoints::userinfo(&http, &endpoint, &presenter).await;
        self.save_trace(name, "userinfo", &recorder);
        Ok(result?)
    }

    /// Everything `show` displays, with signatures checked against the provider's JWKS
    /// (cached; fetched again once when a token names an unknown key).
    pub async fn report(&self, name: &str) -> Result<Report, DeskError> {
        let provider = self.provider(name)?;
        let secrets = self.secrets(name).await?;
        let mut report = self
            .report_of(
                &provider,
                secrets.tokens.as_ref(),
                secrets.client_secret.as_ref(),
            )
            .await;
        if report.status == crate::report::Status::SignedIn && self.refresh_interrupted(name) {
            report.status_detail = Some(
                "a refresh was interrupted after its request was sent: if the server rotated the refresh token, sign-in may be needed (the next refresh will tell)".into(),
            );
        }
        Ok(report)
    }

    /// The report of `tokens` (the provider's or a lab case's), signatures checked against
    /// the provider's keys (and `client_secret`, the key of HS* tokens).
    pub(super) async fn report_of(
        &self,
        provider: &crate::provider::Provider,
        tokens: Option<&TokenSet>,
        client_secret: Option<&Secret>,
    ) -> Report {
        let kids: Vec<Option<String>> = [
            tokens.and_then(|t| t.id_token.as_deref()),
            tokens.map(|t| &*t.access_token),
        ]
        .into_iter()
        .flatten()
        .filter_map(|t| crate::jwt::decode(t.expose()).ok())
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
            self.keys_for(provider, &kids).await
        };
        Report::build(provider, tokens, keys.as_ref(), client_secret, now())
    }

    /// The provider's JWKS holding every `kid` if it can be had: the cache, else a fetch.
    async fn keys_for(
        &self,
        provider: &crate::provider::Provider,
        kids: &[Option<String>],
    ) -> Option<JwkSet> {
        let url = provider.endpoints.jwks.as_ref()?;
        let name = provider.name.as_str();
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
pub(super) async fn revoke_all(
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

fn not_signed_in(name: &str) -> DeskError {
    DeskError::NotSignedIn {
        name: name.to_owned(),
    }
}

fn check_usable(name: &str, tokens: &TokenSet) -> Result<(), DeskError> {
    match &tokens.status {
        TokenStatus::SignInNeeded { reason } => Err(DeskError::SignInNeeded {
            name: name.to_owned(),
            reason: reason.clone(),
        }),
        TokenStatus::Active => Ok(()),
    }
}
