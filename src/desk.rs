//! `Desk`: the engine's front door. One value per process that owns the paths, the config
//! store, the vault and the HTTP client, and offers what a user does: add a provider, sign in,
//! get a fresh token, refresh, sign out, inspect. The CLI and the desktop shell call only this.
//!
//! Blocking work (keyring over D-Bus, file locks, Argon2id) runs on `spawn_blocking`, so the
//! async runtime never stalls.

use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use crate::flow::{Client, FlowError};
use crate::http::{Http, HttpError};
use crate::login::{AuthorizedCode, LoginError, LoginOptions, PendingLogin};
use crate::provider::discovery::{DiscoveryError, discover};
use crate::provider::{Provider, ProviderError};
use crate::report::Report;
use crate::secret::Secret;
use crate::store::config::{ConfigError, ConfigStore, export_provider, import_provider};
use crate::store::lock::{FileLock, LockError};
use crate::store::paths::{Paths, PathsError};
use crate::store::vault::{KeySource, Vault, VaultData, VaultError};
use crate::token::{Grant, TokenError, TokenSet, TokenStatus};

#[derive(Debug, thiserror::Error)]
pub enum DeskError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Vault(#[from] VaultError),
    #[error(transparent)]
    Provider(#[from] ProviderError),
    #[error("discovery failed: {0}")]
    Discovery(#[from] DiscoveryError),
    #[error(transparent)]
    Http(#[from] HttpError),
    #[error(transparent)]
    Flow(#[from] FlowError),
    #[error(transparent)]
    Login(#[from] LoginError),
    #[error(transparent)]
    Lock(#[from] LockError),
    #[error(transparent)]
    Paths(#[from] PathsError),
    #[error("{name} is not signed in: run `oauth-desk login {name}`")]
    NotSignedIn { name: String },
    #[error("{name} needs a new sign-in ({reason}): run `oauth-desk login {name}`")]
    SignInNeeded { name: String, reason: String },
    #[error("the provider {0} has no token endpoint: add one with --token-url or --issuer")]
    NoTokenEndpoint(String),
    #[error("internal error: {0}")]
    Internal(String),
}

impl DeskError {
    /// A failure that may go away by itself (network, timeout, server error), as opposed to
    /// one that needs the user (a refused grant, a broken configuration).
    pub fn is_transient(&self) -> bool {
        match self {
            DeskError::Http(_) | DeskError::Flow(FlowError::Http(_)) => true,
            DeskError::Flow(FlowError::Token(TokenError::NotOAuth { status, .. })) => {
                *status >= 500
            }
            _ => false,
        }
    }

    /// The authorization server's OAuth error behind this failure, if any.
    pub fn oauth_error(&self) -> Option<&crate::token::OAuthError> {
        match self {
            DeskError::Flow(e) => e.oauth_error(),
            DeskError::Login(LoginError::Flow(e)) => e.oauth_error(),
            _ => None,
        }
    }
}

pub fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// What `provider add` asks for; `None` fields take discovery's value or the default.
#[derive(Debug, Clone, Default)]
pub struct ProviderSpec {
    pub name: String,
    pub issuer: Option<String>,
    pub authorization_url: Option<String>,
    pub token_url: Option<String>,
    pub device_url: Option<String>,
    pub revocation_url: Option<String>,
    pub introspection_url: Option<String>,
    pub userinfo_url: Option<String>,
    pub jwks_url: Option<String>,
    pub client_id: String,
    pub auth_method: Option<String>,
    pub scope: Option<String>,
    pub redirect_uri: Option<String>,
    pub pkce: Option<String>,
    pub authorize_method: Option<String>,
    pub params: Vec<String>,
    pub token_params: Vec<String>,
    pub callback_timeout_secs: Option<u64>,
}

pub struct Desk {
    paths: Paths,
    config: ConfigStore,
    vault: Arc<Mutex<Vault>>,
    http: Http,
}

impl Desk {
    pub fn open(paths: Paths, key_source: KeySource, http: Http) -> Desk {
        Desk {
            config: ConfigStore::new(&paths),
            vault: Arc::new(Mutex::new(Vault::new(&paths, key_source))),
            http,
            paths,
        }
    }

    /// From the environment: `OAUTH_DESK_HOME`, `OAUTH_DESK_PASSPHRASE`, and
    /// `OAUTH_DESK_HTTP_TIMEOUT` (seconds per HTTP request, default 30).
    pub fn from_env() -> Result<Desk, DeskError> {
        let timeout = std::env::var("OAUTH_DESK_HTTP_TIMEOUT")
            .ok()
            .and_then(|s| s.trim().parse::<u64>().ok())
            .filter(|&s| s > 0)
            .map_or(crate::http::TOTAL_TIMEOUT, std::time::Duration::from_secs);
        Ok(Desk::open(
            Paths::from_env()?,
            KeySource::from_env(),
            Http::with_timeout(timeout)?,
        ))
    }

    pub fn paths(&self) -> &Paths {
        &self.paths
    }

    pub fn http(&self) -> &Http {
        &self.http
    }

    // ---- providers ----------------------------------------------------------------------

    pub fn providers(&self) -> Result<Vec<Provider>, DeskError> {
        Ok(self.config.load()?.providers)
    }

    pub fn provider(&self, name: &str) -> Result<Provider, DeskError> {
        Ok(self.config.load()?.get(name)?.clone())
    }

    /// Builds a provider from `spec` (running discovery when an issuer is given) and saves it;
    /// the client secret goes to the vault, never the config.
    pub async fn add_provider(
        &self,
        spec: ProviderSpec,
        client_secret: Option<Secret>,
    ) -> Result<Provider, DeskError> {
        let name = spec.name.parse()?;
        if self.config.load()?.get(&spec.name).is_ok() {
            return Err(ConfigError::Exists(spec.name).into());
        }
        let discovered = match &spec.issuer {
            Some(issuer) => Some(discover(&self.http, issuer).await?),
            None => None,
        };
        let provider =
            crate::provider::build::build(name, &spec, discovered, client_secret.is_some())?;
        if let Some(secret) = client_secret {
            let key = spec.name.clone();
            self.with_vault(move |vault| {
                vault.update(|data| {
                    data.provider_mut(&key).client_secret = Some(secret);
                    Ok::<_, VaultError>(())
                })
            })
            .await?;
        }
        let saved = provider.clone();
        self.config.update(move |config| config.add(saved))?;
        Ok(provider)
    }

    /// Removes a provider and all its secrets (secrets first: a failure leaves it configured
    /// rather than leaving orphaned secrets).
    pub async fn remove_provider(&self, name: &str) -> Result<(), DeskError> {
        self.provider(name)?;
        let key = name.to_owned();
        self.with_vault(move |vault| {
            if !vault.exists() {
                return Ok(());
            }
            vault.update(|data| {
                data.providers.remove(&key);
                Ok::<_, VaultError>(())
            })
        })
        .await?;
        self.config.update(|config| config.remove(name).map(drop))?;
        Ok(())
    }

    pub async fn set_client_secret(&self, name: &str, secret: Secret) -> Result<(), DeskError> {
        self.provider(name)?;
        let key = name.to_owned();
        self.with_vault(move |vault| {
            vault.update(|data| {
                data.provider_mut(&key).client_secret = Some(secret);
                Ok::<_, VaultError>(())
            })
        })
        .await?;
        self.config.update(|config| {
            config.get_mut(name)?.has_client_secret = true;
            Ok::<_, ConfigError>(())
        })?;
        Ok(())
    }

    pub fn export_provider(&self, name: &str) -> Result<String, DeskError> {
        Ok(export_provider(&self.provider(name)?))
    }

    pub fn import_provider(
        &self,
        source: &str,
        text: &str,
        rename: Option<&str>,
    ) -> Result<Provider, DeskError> {
        let rename = rename.map(str::parse).transpose()?;
        let provider = import_provider(source, text, rename)?;
        let saved = provider.clone();
        self.config.update(move |config| config.add(saved))?;
        Ok(provider)
    }

    // ---- sign-in --------------------------------------------------------------------------

    /// Starts a sign-in: binds the loopback listener (when the redirect URI is loopback) and
    /// builds the authorization request. Open [`PendingLogin::open_url`] in a browser next.
    pub fn begin_login(
        &self,
        name: &str,
        options: &LoginOptions,
    ) -> Result<PendingLogin, DeskError> {
        let provider = self.provider(name)?;
        if provider.token_endpoint().is_none() {
            return Err(DeskError::NoTokenEndpoint(name.to_owned()));
        }
        Ok(PendingLogin::start(provider, options)?)
    }

    /// Waits on the loopback listener without blocking the runtime.
    pub async fn wait_for_code(
        &self,
        pending: PendingLogin,
        cancel: Option<Arc<std::sync::atomic::AtomicBool>>,
    ) -> Result<AuthorizedCode, DeskError> {
        tokio::task::spawn_blocking(move || pending.wait(cancel))
            .await
            .map_err(|e| DeskError::Internal(e.to_string()))?
            .map_err(DeskError::from)
    }

    /// Exchanges the code and stores the new token set (replacing any previous one).
    pub async fn finish_login(&self, authorized: AuthorizedCode) -> Result<TokenSet, DeskError> {
        let AuthorizedCode {
            provider,
            request,
            code,
        } = authorized;
        let secret = self.client_secret(provider.name.as_str()).await?;
        let client = Client::for_provider(&provider, secret)?;
        let response = client
            .exchange_code(
                &self.http,
                &code,
                &request.redirect_uri,
                request.pkce.as_ref().map(|p| &p.verifier),
            )
            .await?;
        let tokens = TokenSet::from_response(
            response,
            &request.scope,
            Grant::AuthorizationCode,
            request.nonce.clone(),
            now(),
        );
        self.store_tokens(provider.name.as_str(), tokens.clone())
            .await?;
        Ok(tokens)
    }

    // ---- tokens ---------------------------------------------------------------------------

    /// The current token set, if any, without refreshing.
    pub async fn tokens(&self, name: &str) -> Result<Option<TokenSet>, DeskError> {
        self.provider(name)?;
        let data = self.read_vault().await?;
        Ok(data.provider(name).and_then(|s| s.tokens.clone()))
    }

    /// A fresh access token: refreshed first when due (see [`TokenSet::is_due`]).
    pub async fn access_token(&self, name: &str) -> Result<Secret, DeskError> {
        let tokens = self
            .tokens(name)
            .await?
            .ok_or_else(|| DeskError::NotSignedIn {
                name: name.to_owned(),
            })?;
        if let TokenStatus::SignInNeeded { reason } = &tokens.status {
            return Err(DeskError::SignInNeeded {
                name: name.to_owned(),
                reason: reason.clone(),
            });
        }
        let now = now();
        if !tokens.is_due(now) {
            return Ok(tokens.access_token);
        }
        if tokens.refresh_token.is_none() {
            // Nothing to refresh with: still usable until it expires.
            if tokens.is_expired(now) {
                return Err(DeskError::SignInNeeded {
                    name: name.to_owned(),
                    reason: "the access token expired and there is no refresh token".into(),
                });
            }
            return Ok(tokens.access_token);
        }
        match self.refresh(name, false).await {
            Ok(tokens) => Ok(tokens.access_token),
            // A due token that still works beats no token: a network hiccup or a 5xx must not
            // break a script while the current token has time left.
            Err(e) if e.is_transient() && !tokens.is_expired(now) => {
                tracing::warn!(
                    provider = name,
                    "refresh failed, using the current token: {e}"
                );
                Ok(tokens.access_token)
            }
            Err(e) => Err(e),
        }
    }

    /// Refreshes the token set. Single-flight across processes: under the provider's refresh
    /// lock the vault is re-read, and when `force` is false and another process already
    /// refreshed, its result is used instead of spending the refresh token again. The rotated
    /// refresh token is in the vault before this returns.
    pub async fn refresh(&self, name: &str, force: bool) -> Result<TokenSet, DeskError> {
        let provider = self.provider(name)?;
        let lock_path = self.paths.locks_dir().join(format!("refresh-{name}.lock"));
        let _lock = tokio::task::spawn_blocking(move || FileLock::exclusive(&lock_path))
            .await
            .map_err(|e| DeskError::Internal(e.to_string()))??;

        let data = self.read_vault().await?;
        let secrets = data.provider(name).cloned().unwrap_or_default();
        let tokens = secrets.tokens.ok_or_else(|| DeskError::NotSignedIn {
            name: name.to_owned(),
        })?;
        if let TokenStatus::SignInNeeded { reason } = &tokens.status {
            return Err(DeskError::SignInNeeded {
                name: name.to_owned(),
                reason: reason.clone(),
            });
        }
        if !force && !tokens.is_due(now()) {
            return Ok(tokens);
        }
        let refresh_token =
            tokens
                .refresh_token
                .clone()
                .ok_or_else(|| DeskError::SignInNeeded {
                    name: name.to_owned(),
                    reason: "the server gave no refresh token".into(),
                })?;
        let client = Client::for_provider(&provider, secrets.client_secret)?;
        match client.refresh(&self.http, &refresh_token).await {
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
                tracing::info!(provider = name, "refreshed");
                Ok(updated)
            }
            Err(FlowError::Token(TokenError::OAuth(e))) if e.error == "invalid_grant" => {
                let reason = format!("the refresh token was refused: {e}");
                self.mark_sign_in_needed(name, &reason).await?;
                Err(FlowError::Token(TokenError::OAuth(e)).into())
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Forgets the tokens (the client secret stays).
    pub async fn logout(&self, name: &str) -> Result<bool, DeskError> {
        self.provider(name)?;
        let key = name.to_owned();
        self.with_vault(move |vault| {
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
        .await
    }

    /// Everything `show` displays.
    pub async fn report(&self, name: &str) -> Result<Report, DeskError> {
        let provider = self.provider(name)?;
        let tokens = self.tokens(name).await?;
        Ok(Report::build(&provider, tokens.as_ref(), now()))
    }

    // ---- vault plumbing -------------------------------------------------------------------

    async fn client_secret(&self, name: &str) -> Result<Option<Secret>, DeskError> {
        let data = self.read_vault().await?;
        Ok(data.provider(name).and_then(|s| s.client_secret.clone()))
    }

    async fn store_tokens(&self, name: &str, tokens: TokenSet) -> Result<(), DeskError> {
        let key = name.to_owned();
        self.with_vault(move |vault| {
            vault.update(|data| {
                data.provider_mut(&key).tokens = Some(tokens);
                Ok::<_, VaultError>(())
            })
        })
        .await
    }

    async fn mark_sign_in_needed(&self, name: &str, reason: &str) -> Result<(), DeskError> {
        let (key, reason) = (name.to_owned(), reason.to_owned());
        self.with_vault(move |vault| {
            vault.update(|data| {
                if let Some(tokens) = data.provider_mut(&key).tokens.as_mut() {
                    tokens.status = TokenStatus::SignInNeeded { reason };
                }
                Ok::<_, VaultError>(())
            })
        })
        .await
    }

    async fn read_vault(&self) -> Result<VaultData, DeskError> {
        self.with_vault(|vault| vault.read()).await
    }

    async fn with_vault<T: Send + 'static>(
        &self,
        job: impl FnOnce(&mut Vault) -> Result<T, VaultError> + Send + 'static,
    ) -> Result<T, DeskError> {
        let vault = self.vault.clone();
        tokio::task::spawn_blocking(move || {
            let mut guard = vault
                .lock()
                .map_err(|_| DeskError::Internal("the vault lock was poisoned".into()))?;
            job(&mut guard).map_err(DeskError::from)
        })
        .await
        .map_err(|e| DeskError::Internal(e.to_string()))?
    }
}
