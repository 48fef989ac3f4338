//! `Desk`: the engine's front door. One value per process that owns the paths, the config
//! store, the vault, the JWKS cache and the HTTP client, and offers what a user does: add a
//! provider, sign in, get a fresh token, refresh, revoke, inspect. The CLI and the desktop
//! shell call only this.
//!
//! Blocking work (keyring over D-Bus, file locks, Argon2id) runs on `spawn_blocking`, so the
//! async runtime never stalls. Each user-level operation records its HTTP exchanges into a
//! trace (redacted as recorded), saved as the provider's last trace.

mod edit;
mod keep;
mod signin;
mod tokens;

pub use edit::{SecretsEdit, spec_of};

use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

pub use signin::DeviceLogin;

use crate::flow::{Client, FlowError};
use crate::http::{Http, HttpError};
use crate::jwks::JwksCache;
use crate::login::LoginError;
use crate::provider::discovery::{DiscoveryError, discover};
use crate::provider::{Provider, ProviderError, templates};
use crate::secret::Secret;
use crate::store::atomic::write_atomic;
use crate::store::config::{ConfigError, ConfigStore, export_provider, import_provider};
use crate::store::lock::LockError;
use crate::store::paths::{Paths, PathsError};
use crate::store::vault::{KeySource, ProviderSecrets, Vault, VaultData, VaultError};
use crate::token::OAuthError;
use crate::trace::{Recorder, Trace};

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
    /// The code exchange failed; the redirect URI it sent explains many failures.
    #[error("{source}")]
    CodeExchange {
        redirect_uri: String,
        #[source]
        source: FlowError,
    },
    /// A refresh failed (a refused refresh token means a new sign-in).
    #[error("{source}")]
    Refresh {
        #[source]
        source: FlowError,
    },
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
    #[error("the provider {name} has no {endpoint} configured{hint}")]
    NoEndpoint {
        name: String,
        endpoint: &'static str,
        hint: &'static str,
    },
    #[error("could not read the private key file {path}: {reason}")]
    PrivateKeyFile { path: String, reason: String },
    #[error("internal error: {0}")]
    Internal(String),
}

impl DeskError {
    /// A failure that may go away by itself (network, timeout, server error), as opposed to
    /// one that needs the user (a refused grant, a broken configuration).
    pub fn is_transient(&self) -> bool {
        let flow = match self {
            DeskError::Http(_) => return true,
            DeskError::Flow(e) | DeskError::Refresh { source: e } => e,
            _ => return false,
        };
        match flow {
            FlowError::Http(_) => true,
            FlowError::Token(crate::token::TokenError::NotOAuth { status, .. }) => *status >= 500,
            _ => false,
        }
    }

    /// The authorization server's OAuth error behind this failure, if any.
    pub fn oauth_error(&self) -> Option<&OAuthError> {
        match self {
            DeskError::Flow(e)
            | DeskError::CodeExchange { source: e, .. }
            | DeskError::Refresh { source: e } => e.oauth_error(),
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

/// What `provider add` asks for; `None` fields take the template's or discovery's value or the
/// default. Also the desktop app's provider form (hence serialisable).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ProviderSpec {
    pub name: String,
    pub template: Option<String>,
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
    /// Keep the keeper away from this provider.
    pub no_auto_refresh: bool,
    /// Renew this long before expiry instead of the default margin.
    pub refresh_margin_secs: Option<u64>,
    /// The desktop app signs in with the system browser rather than its login window.
    pub system_browser: bool,
}

/// The client credentials given with `provider add`.
#[derive(Debug, Clone, Default)]
pub struct ClientSecrets {
    pub client_secret: Option<Secret>,
    /// PEM private key for `private_key_jwt`.
    pub private_key: Option<Secret>,
}

/// The provider, a client for it with its secrets, a recorder that knows those secrets, and
/// the stored tokens, as read together.
struct ClientContext {
    provider: Provider,
    client: Client,
    recorder: Recorder,
    tokens: Option<crate::token::TokenSet>,
}

pub struct Desk {
    paths: Paths,
    config: ConfigStore,
    vault: Arc<Mutex<Vault>>,
    jwks: JwksCache,
    http: Http,
}

impl Desk {
    pub fn open(paths: Paths, key_source: KeySource, http: Http) -> Desk {
        Desk {
            config: ConfigStore::new(&paths),
            vault: Arc::new(Mutex::new(Vault::new(&paths, key_source))),
            jwks: JwksCache::new(&paths),
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

    /// Builds a provider from `spec` (template first, then discovery when there is an issuer)
    /// and saves it; secrets go to the vault, never the config.
    pub async fn add_provider(
        &self,
        mut spec: ProviderSpec,
        secrets: ClientSecrets,
    ) -> Result<Provider, DeskError> {
        edit::normalise(&mut spec);
        let name = spec.name.parse()?;
        if self.config.load()?.get(&spec.name).is_ok() {
            return Err(ConfigError::Exists(spec.name).into());
        }
        if let Some(t) = &spec.template {
            let template =
                templates::find(t).ok_or_else(|| ProviderError::UnknownTemplate(t.clone()))?;
            if template.needs_issuer && spec.issuer.is_none() && spec.token_url.is_none() {
                return Err(ProviderError::TemplateNeedsIssuer {
                    title: template.title,
                    quirks: template.quirks,
                }
                .into());
            }
            templates::apply(template, &mut spec);
        }
        let recorder = Recorder::new();
        let discovered = match &spec.issuer {
            Some(issuer) => {
                let result = discover(&self.http.recording(&recorder), issuer).await;
                self.save_trace(&spec.name, "discovery", &recorder);
                Some(result?)
            }
            None => None,
        };
        let provider = crate::provider::build::build(
            name,
            &spec,
            discovered,
            secrets.client_secret.is_some(),
            secrets.private_key.is_some(),
        )?;
        if let Some(key) = &secrets.private_key {
            crate::flow::client_auth::signing_key(key)?;
        }
        if secrets.client_secret.is_some() || secrets.private_key.is_some() {
            self.update_secrets(&spec.name, move |s| {
                s.client_secret = secrets.client_secret;
                s.private_key = secrets.private_key;
            })
            .await?;
        }
        let saved = provider.clone();
        self.config.update(move |config| config.add(saved))?;
        Ok(provider)
    }

    /// Removes a provider with its secrets, cached keys and trace (secrets first: a failure
    /// leaves it configured rather than leaving orphaned secrets).
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
        self.jwks.forget(name);
        let _ = std::fs::remove_file(self.trace_path(name));
        Ok(())
    }

    pub async fn set_client_secret(&self, name: &str, secret: Secret) -> Result<(), DeskError> {
        self.provider(name)?;
        self.update_secrets(name, move |s| s.client_secret = Some(secret))
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

    // ---- traces ---------------------------------------------------------------------------

    fn trace_path(&self, name: &str) -> std::path::PathBuf {
        self.paths
            .data_dir
            .join("traces")
            .join(format!("{name}.json"))
    }

    /// Keeps `recorder`'s exchanges as the provider's last trace. A failure to save is logged,
    /// never allowed to hide the flow's own result.
    fn save_trace(&self, name: &str, flow: &str, recorder: &Recorder) {
        let trace = recorder.finish(name, flow);
        let path = self.trace_path(name);
        let write = || -> std::io::Result<()> {
            if let Some(dir) = path.parent() {
                Paths::ensure_private_dir(dir).map_err(std::io::Error::other)?;
            }
            write_atomic(&path, &serde_json::to_vec_pretty(&trace)?)
        };
        if let Err(e) = write() {
            tracing::warn!("could not save the trace of {name}: {e}");
        }
    }

    /// The last flow's trace of a provider, if any.
    pub fn trace(&self, name: &str) -> Result<Option<Trace>, DeskError> {
        self.provider(name)?;
        match std::fs::read(self.trace_path(name)) {
            Ok(bytes) => Ok(serde_json::from_slice(&bytes).ok()),
            Err(_) => Ok(None),
        }
    }

    // ---- vault plumbing -------------------------------------------------------------------

    /// Everything a flow needs, from one read of the config and one of the vault.
    async fn client(&self, name: &str) -> Result<ClientContext, DeskError> {
        let provider = self.provider(name)?;
        let secrets = self.secrets(name).await?;
        let recorder = Recorder::new();
        for secret in [&secrets.client_secret, &secrets.private_key]
            .into_iter()
            .flatten()
        {
            recorder.secret(secret);
        }
        if let Some(tokens) = &secrets.tokens {
            recorder.secret(&tokens.access_token);
            for s in [&tokens.refresh_token, &tokens.id_token]
                .into_iter()
                .flatten()
            {
                recorder.secret(s);
            }
        }
        let client = Client::for_provider(&provider, secrets.client_secret, secrets.private_key)?;
        Ok(ClientContext {
            provider,
            client,
            recorder,
            tokens: secrets.tokens,
        })
    }

    async fn secrets(&self, name: &str) -> Result<ProviderSecrets, DeskError> {
        let data = self.read_vault().await?;
        Ok(data.provider(name).cloned().unwrap_or_default())
    }

    async fn update_secrets(
        &self,
        name: &str,
        change: impl FnOnce(&mut ProviderSecrets) + Send + 'static,
    ) -> Result<(), DeskError> {
        let key = name.to_owned();
        self.with_vault(move |vault| {
            vault.update(|data| {
                change(data.provider_mut(&key));
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
