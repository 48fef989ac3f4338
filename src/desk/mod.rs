//! `Desk`: the engine's front door. One value per process that owns the paths, the config
//! store, the vault, the JWKS cache, the HTTP client and the sign-ins in progress, and offers
//! what a person does — add a provider, sign in, get a fresh token, refresh, revoke, inspect —
//! each as one call. The CLI and the desktop shell call only this; what differs between them
//! comes in as a small host trait ([`SignInHost`], [`DeviceHost`]), and what changed goes out on
//! the change stream ([`Desk::subscribe`]).
//!
//! Blocking work (keyring over D-Bus, file locks, Argon2id) runs on `spawn_blocking`, so the
//! async runtime never stalls. Each user-level operation records its HTTP exchanges into a
//! trace (redacted as recorded), saved as the provider's last trace.

pub mod advice;
mod audit_lab;
mod providers;
mod sign_in;
mod using_tokens;
mod workspace;
use audit_lab::lab;
use oauth_desk_core::provider::Slot;
use providers::{draft, edit, from_resource, importing, registration, view};
use sign_in::{browser_profile, session, signin};
use using_tokens::{agent, call, copy, grants, handover, keep, quick, tokens};
use workspace::{environments, identities, secrets, target, trust};
mod changes;
mod error;

pub use advice::{Advice, ErrorKind, Explained};
pub use agent::{AgentError, FreshToken};
pub use browser_profile::BrowserProfile;
pub use call::{CallRequest, CallResult, ChallengeView, Remedy};
pub use changes::{Change, LabProgress, SignInState};
pub use copy::{TokenFormat, format_token};
pub use draft::ProviderDraft;
pub use edit::SecretsEdit;
pub use environments::{EnvChoice, EnvView, ProjectView};
pub use error::{Asked, DeskError, Internal, InvalidInput, Unsupported};
pub use from_resource::ResourceFound;
pub use grants::OtherGrant;
pub use handover::GitRequest;
pub use identities::IdentityView;
pub use importing::{ImportOptions, ImportReport, ImportedProvider};
pub use keep::KeeperService;
pub use lab::{LabHost, LabPlanView, LabRequest};
pub use quick::{QuickAsk, quick_handover, quick_token, take_quick_notices};
pub use registration::{AddProvider, MakeClient};
pub use secrets::NamedSecretView;
pub use session::{Capture, DeviceCode, DeviceHost, Navigation, SessionId, SignInHost, SignInPage};
pub use signin::SignInRequest;
pub use target::IdentityOrigin;
pub use target::Workspace;
pub use trust::{NotAllowed, ProjectTrustView};
pub use view::{DefinedIn, Grants, ProviderView, SecurityView, TemplateView};

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use tokio::sync::broadcast;

use crate::flow::Client;
use crate::http::Http;
use crate::jwks::JwksCache;
use crate::store::atomic::write_atomic;
use crate::store::config::ConfigStore;
use crate::store::paths::Paths;
use crate::store::vault::{KeySource, ProviderSecrets, Vault, VaultData, VaultError};
use oauth_desk_core::provider::{Provider, ProviderRef};
use oauth_desk_core::secret::Secret;
use oauth_desk_core::trace::{Recorder, Trace};

/// The client credentials given with `provider add`.
#[derive(Debug, Clone, Default)]
pub struct ClientSecrets {
    pub client_secret: Option<Secret>,
    /// PEM private key for `private_key_jwt`.
    pub private_key: Option<Secret>,
    /// A client certificate (PEM chain) and its PEM private key, for mutual TLS (RFC 8705).
    pub client_certificate: Option<(Secret, Secret)>,
}

/// The provider, a client for it with its secrets, a recorder that knows those secrets, and
/// the stored tokens of the identity, as read together.
struct ClientContext {
    target: target::Target,
    provider: Provider,
    client: Client,
    recorder: Recorder,
    tokens: Option<oauth_desk_core::token::TokenSet>,
}

/// Opens `url` in the person's browser: the command in `$BROWSER` when set (the URL its one
/// argument, as xdg-open does), else the system's. Only a web page is opened — `https`, or
/// `http` on this machine — since the URL may be a server's (a device verification URI).
pub fn open_in_browser(url: &str) -> Result<(), DeskError> {
    let shown = crate::printable::printable(url).into_owned();
    let url = url::Url::parse(url)
        .map_err(|e| DeskError::Browser(format!("{shown} is not a URL: {e}")))?;
    if !oauth_desk_core::provider::transport::is_openable(&url) {
        return Err(DeskError::Browser(format!(
            "{shown} is not a web page (only https, or http on this machine, is opened): it was not opened"
        )));
    }
    crate::browser::open(&url).map_err(|e| DeskError::Browser(e.to_string()))
}

pub struct Desk {
    paths: Paths,
    config: ConfigStore,
    vault: Arc<Mutex<Vault>>,
    jwks: JwksCache,
    http: Http,
    sessions: session::Sessions,
    labs: lab::Labs,
    changes: broadcast::Sender<Change>,
    /// DPoP nonces the servers gave, per origin (RFC 9449 §8, §9).
    dpop_nonces: crate::dpop::DpopNonces,
    /// This process serves the agent socket (then it is the one others tell of changes).
    serving_agent: AtomicBool,
    /// The project file and environment this desk works in.
    workspace: Mutex<Workspace>,
    projects: target::Projects,
    /// What a person should be told once (see [`Notice`]).
    notices: Mutex<Vec<Notice>>,
}

/// Something worth telling the person once, beside the result of what they asked.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Notice {
    /// The project's provider `name` hides the config's provider of that name.
    Shadows { name: String, file: String },
    /// A project file found above the working directory was not read.
    SkippedProjectFile { file: String, reason: String },
}

impl Desk {
    fn open(paths: Paths, key_source: KeySource, http: Http, workspace: Workspace) -> Desk {
        let dpop_nonces = crate::dpop::DpopNonces::kept_in(paths.data_dir.join("dpop-nonces.json"));
        let notices = workspace
            .skipped
            .iter()
            .map(|(file, reason)| Notice::SkippedProjectFile {
                file: file.display().to_string(),
                reason: reason.clone(),
            })
            .collect();
        Desk {
            config: ConfigStore::new(&paths),
            vault: Arc::new(Mutex::new(Vault::new(&paths, key_source))),
            jwks: JwksCache::new(&paths),
            http,
            paths,
            sessions: session::Sessions::default(),
            labs: lab::Labs::default(),
            changes: broadcast::channel(256).0,
            dpop_nonces,
            serving_agent: AtomicBool::new(false),
            workspace: Mutex::new(workspace),
            projects: target::Projects::default(),
            notices: Mutex::new(notices),
        }
    }

    /// A desk whose files all live in `dir` (tests, portable setups), its vault sealed with
    /// `passphrase` instead of a keyring key; no project.
    pub fn in_dir(dir: &std::path::Path, passphrase: Secret) -> Result<Desk, DeskError> {
        Ok(Desk::open(
            Paths::in_dir(dir),
            KeySource::Passphrase(passphrase),
            Http::new()?,
            Workspace::default(),
        ))
    }

    /// From the environment: `OAUTH_DESK_HOME`, `OAUTH_DESK_PASSPHRASE`,
    /// `OAUTH_DESK_HTTP_TIMEOUT` (seconds per HTTP request, default 30), and the workspace
    /// ([`Workspace::from_env`]: `OAUTH_DESK_PROJECT` or the project file found from the
    /// working directory, `OAUTH_DESK_ENV`).
    pub fn from_env() -> Result<Desk, DeskError> {
        Desk::from_env_in(Workspace::from_env()?)
    }

    /// [`Desk::from_env`] working in `workspace`.
    pub fn from_env_in(workspace: Workspace) -> Result<Desk, DeskError> {
        let timeout = std::env::var("OAUTH_DESK_HTTP_TIMEOUT")
            .ok()
            .and_then(|s| s.trim().parse::<u64>().ok())
            .filter(|&s| s > 0)
            .map_or(crate::http::TOTAL_TIMEOUT, std::time::Duration::from_secs);
        Ok(Desk::open(
            Paths::from_env()?,
            KeySource::from_env(),
            Http::with_timeout(timeout)?,
            workspace,
        ))
    }

    // ---- the change stream ----------------------------------------------------------------

    /// What changes from now on: providers, tokens, sign-ins, the keeper's work.
    /// What the person should be told, once: taken, so a second call has only what came since.
    pub fn take_notices(&self) -> Vec<Notice> {
        self.notices
            .lock()
            .map(|mut n| std::mem::take(&mut *n))
            .unwrap_or_default()
    }

    fn notice(&self, notice: Notice) {
        if let Ok(mut notices) = self.notices.lock()
            && !notices.contains(&notice)
        {
            notices.push(notice);
        }
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Change> {
        self.changes.subscribe()
    }

    /// Tells this process's listeners.
    fn publish_local(&self, change: Change) {
        let _ = self.changes.send(change);
    }

    /// Tells this process's listeners and, for a change that moves the keeper's schedule, the
    /// keeper of another process through its agent socket (best effort: there may be none).
    async fn publish(&self, change: Change) {
        if change.moves_schedule() && !self.serving_agent.load(Ordering::SeqCst) {
            let request = agent::Request::Changed {
                provider: match &change {
                    Change::Tokens { provider } => Some(provider.clone()),
                    _ => None,
                },
            };
            let _ = agent::ask(&self.paths.agent_socket, &request).await;
        }
        self.publish_local(change);
    }

    // ---- sign-ins in progress ---------------------------------------------------------------

    /// Cancels the sign-in (code or device flow) of `reference` in progress, and the rest of
    /// a lab run; whether there was one.
    pub fn cancel_sign_in(&self, reference: &ProviderRef) -> bool {
        let lab = self.labs.cancel(&reference.slot_key());
        self.sessions.cancel_provider(&reference.slot_key()) || lab
    }

    /// Cancels sign-in `session` if it still runs (its login window was closed).
    pub fn cancel_session(&self, session: SessionId) {
        self.sessions.cancel_session(session);
    }

    /// Hands the final redirect URL, pasted by the person, to the waiting sign-in of
    /// `reference`.
    pub fn deliver_redirect(&self, reference: &ProviderRef, url: String) -> Result<(), DeskError> {
        if self.sessions.deliver(&reference.slot_key(), url) {
            Ok(())
        } else {
            Err(DeskError::NoSession {
                name: reference.to_string(),
            })
        }
    }

    /// What a login window of `session` does with a navigation to `url`: the redirect with the
    /// response is captured (handed to the sign-in, not loaded), odd schemes are blocked, and a
    /// provider refusing embedded browsers is announced on the change stream.
    pub fn login_navigation(&self, session: SessionId, url: &url::Url) -> Navigation {
        let (verdict, provider) = self.sessions.navigation(session, url);
        if verdict == Navigation::Refused
            && let Some(provider) = provider
        {
            self.publish_local(Change::SignIn {
                provider,
                state: SignInState::EmbeddedRefused,
                message: Some(
                    "This provider refuses sign-in in an embedded window: sign in with the system browser instead."
                        .into(),
                ),
            });
        }
        verdict
    }

    /// Opens the verification page of the device sign-in of `reference` in progress.
    pub fn open_device_page(&self, reference: &ProviderRef) -> Result<(), DeskError> {
        let page = self
            .sessions
            .device_page(&reference.slot_key())
            .ok_or_else(|| DeskError::NoSession {
                name: reference.to_string(),
            })?;
        open_in_browser(&page)
    }

    /// Where the login window of a sign-in of `reference` (a [`SignInPage`]'s) keeps its
    /// cookies: one private (0700) browser profile per identity and environment — signing in
    /// as `admin` never reuses `viewer`'s session — moved with a rename and removed with the
    /// provider or the identity.
    pub fn browser_profile(&self, reference: &ProviderRef) -> Result<BrowserProfile, DeskError> {
        let key = reference.slot_key();
        let dir = self.browser_profile_dir(&key);
        Paths::ensure_private_dir(&dir)?;
        Ok(BrowserProfile::new(dir))
    }

    /// How a slot key of the change stream or the keeper's events reads to a person:
    /// `api@admin (dev)`; the key itself when its provider is gone.
    pub fn slot_title(&self, slot: &Slot) -> String {
        self.reference_of_key(slot)
            .map_or_else(|| slot.to_string(), |r| r.to_string())
    }

    /// The reference a slot key of the change stream names, when its provider still exists.
    pub fn slot_reference(&self, slot: &Slot) -> Option<ProviderRef> {
        self.reference_of_key(slot)
    }

    fn browser_profile_dir(&self, slot: &Slot) -> std::path::PathBuf {
        self.paths.data_dir.join("profiles").join(slot.as_str())
    }

    /// Where a running keeper of this desk answers.
    pub fn agent_socket(&self) -> &std::path::Path {
        &self.paths.agent_socket
    }

    /// A front end's own preferences (`key` names them, e.g. "app-settings"), as it saved
    /// them; `None` when there are none yet or they can't be read.
    pub fn front_end_settings<T: serde::de::DeserializeOwned>(&self, key: &str) -> Option<T> {
        let bytes = std::fs::read(self.front_end_settings_path(key)).ok()?;
        serde_json::from_slice(&bytes).ok()
    }

    /// Saves a front end's preferences, atomically, beside the engine's config.
    pub fn save_front_end_settings<T: serde::Serialize>(
        &self,
        key: &str,
        value: &T,
    ) -> Result<(), DeskError> {
        let path = self.front_end_settings_path(key);
        Paths::ensure_private_dir(&self.paths.config_dir)?;
        error::write_file(&path, &error::to_json("the front end's settings", value)?)
    }

    fn front_end_settings_path(&self, key: &str) -> std::path::PathBuf {
        self.paths.config_dir.join(format!("{key}.json"))
    }

    // ---- fresh tokens -----------------------------------------------------------------------

    /// A fresh access token: from the running keeper when there is one (its vault is already
    /// unlocked), else renewed here when due.
    pub async fn fresh_token(&self, reference: &ProviderRef) -> Result<FreshToken, DeskError> {
        let request = agent::Request::token(reference);
        match self.ask_keeper(&request).await {
            Some(answer) => answer,
            None => self.fresh_token_here(reference).await,
        }
    }

    /// Renews the tokens now, even if not due: by the running keeper when there is one.
    pub async fn refresh_now(&self, reference: &ProviderRef) -> Result<FreshToken, DeskError> {
        let request = agent::Request::refresh(reference);
        if let Some(answer) = self.ask_keeper(&request).await {
            return answer;
        }
        Ok(self.refresh(reference, true).await?.into())
    }

    /// The running keeper's answer, when another process runs one.
    async fn ask_keeper(&self, request: &agent::Request) -> Option<Result<FreshToken, DeskError>> {
        if self.serving_agent.load(Ordering::SeqCst) {
            return None;
        }
        let mut answer = agent::ask(&self.paths.agent_socket, request).await?;
        for notice in std::mem::take(&mut answer.notices) {
            self.notice(notice);
        }
        Some(answer.into_result().map_err(DeskError::Explained))
    }

    // ---- traces ---------------------------------------------------------------------------

    fn trace_path(&self, slot: &Slot) -> std::path::PathBuf {
        self.paths
            .data_dir
            .join("traces")
            .join(format!("{slot}.json"))
    }

    /// Keeps `recorder`'s exchanges as the slot's last trace. A failure to save is logged,
    /// never allowed to hide the flow's own result.
    fn save_trace(&self, target: &target::Target, flow: &str, recorder: &Recorder) {
        self.save_trace_as(
            &target.slot_key(),
            &target.reference.to_string(),
            flow,
            recorder,
        );
    }

    fn save_trace_as(&self, slot: &Slot, shown: &str, flow: &str, recorder: &Recorder) {
        let trace = recorder.finish(shown, flow);
        let path = self.trace_path(slot);
        let write = || -> std::io::Result<()> {
            if let Some(dir) = path.parent() {
                Paths::ensure_private_dir(dir).map_err(std::io::Error::other)?;
            }
            write_atomic(&path, &serde_json::to_vec_pretty(&trace)?)
        };
        if let Err(e) = write() {
            tracing::warn!("could not save the trace of {shown}: {e}");
        }
    }

    /// The last flow's trace of a provider's identity, if any.
    pub async fn trace(&self, reference: &ProviderRef) -> Result<Option<Trace>, DeskError> {
        self.target(reference).await?;
        match std::fs::read(self.trace_path(&reference.slot_key())) {
            Ok(bytes) => Ok(serde_json::from_slice(&bytes).ok()),
            Err(_) => Ok(None),
        }
    }

    // ---- vault plumbing -------------------------------------------------------------------

    /// Everything a flow needs, from one read of the config and one of the vault.
    async fn client(&self, reference: &ProviderRef) -> Result<ClientContext, DeskError> {
        let target = self.target(reference).await?;
        self.client_of(target).await
    }

    /// [`Desk::client`] for a resolved target.
    async fn client_of(&self, target: target::Target) -> Result<ClientContext, DeskError> {
        let data = self.read_vault().await?;
        let stored = data
            .provider(&target.client_key)
            .cloned()
            .unwrap_or_default();
        let secrets = secrets::client_secrets(&target, &stored, &data)?;
        self.bind_named_secrets(&target, &secrets.first_used)
            .await?;
        let tokens = stored.tokens_of(target.identity()).cloned();
        let recorder = Recorder::new();
        for secret in [&secrets.client_secret, &secrets.private_key]
            .into_iter()
            .flatten()
        {
            recorder.secret(secret);
        }
        if let Some(tokens) = &tokens {
            recorder.secret(&tokens.access_token);
            let others: [Option<&Secret>; 2] =
                [tokens.refresh_token.as_deref(), tokens.id_token.as_deref()];
            for s in others.into_iter().flatten() {
                recorder.secret(s);
            }
        }
        let provider = target.provider.clone();
        let mut client =
            Client::for_provider(&provider, secrets.client_secret, secrets.private_key)?;
        client.dpop = self.dpop_key(&target, stored.dpop_key.as_ref()).await?;
        client.certificate = match secrets.client_certificate {
            Some((certificate, key)) if provider.security.client_certificate => Some(
                std::sync::Arc::new(crate::mtls::ClientCertificate::new(certificate, key)?),
            ),
            _ => None,
        };
        Ok(ClientContext {
            target,
            provider,
            client,
            recorder,
            tokens,
        })
    }

    /// The provider's DPoP key with the process's nonces, when its tokens are DPoP-bound;
    /// made and stored now if the vault has none yet (an imported or a project's provider).
    async fn dpop_key(
        &self,
        target: &target::Target,
        stored: Option<&Secret>,
    ) -> Result<Option<crate::dpop::Dpop>, DeskError> {
        let Some((key, made)) = edit::dpop_key_for(&target.provider, stored)? else {
            return Ok(None);
        };
        if made {
            let keep = key.to_secret();
            self.update_client(&target.client_key, move |s| s.dpop_key = Some(keep))
                .await?;
        }
        Ok(Some(crate::dpop::Dpop {
            key: std::sync::Arc::new(key),
            nonces: self.dpop_nonces.clone(),
        }))
    }

    /// What the vault keeps under a client key.
    async fn client_secrets_stored(&self, client_key: &str) -> Result<ProviderSecrets, DeskError> {
        let data = self.read_vault().await?;
        Ok(data.provider(client_key).cloned().unwrap_or_default())
    }

    /// The tokens of a target's identity, as stored.
    async fn stored_tokens(
        &self,
        target: &target::Target,
    ) -> Result<Option<oauth_desk_core::token::TokenSet>, DeskError> {
        let data = self.read_vault().await?;
        Ok(data.tokens(&target.client_key, target.identity()).cloned())
    }

    /// Changes what the vault keeps under a client key.
    async fn update_client(
        &self,
        client_key: &str,
        change: impl FnOnce(&mut ProviderSecrets) + Send + 'static,
    ) -> Result<(), DeskError> {
        let key = client_key.to_owned();
        self.with_vault(move |vault| {
            vault.update(|data| {
                change(data.provider_mut(&key));
                Ok::<_, VaultError>(())
            })
        })
        .await
    }

    /// Changes the tokens of a target's identity.
    async fn update_tokens(
        &self,
        target: &target::Target,
        change: impl FnOnce(&mut Option<oauth_desk_core::token::TokenSet>) + Send + 'static,
    ) -> Result<(), DeskError> {
        let identity = target.identity().map(str::to_owned);
        self.update_client(&target.client_key, move |s| {
            change(s.tokens_mut(identity.as_deref()))
        })
        .await
    }

    async fn read_vault(&self) -> Result<VaultData, DeskError> {
        // The agent's hot path: when the vault is as last read, the answer is a small read and
        // a copy, made here — handing it to the blocking pool cost a thread switch each way,
        // most of an answer's time (measured: 157 µs of keeper CPU per `token`). A vault busy
        // with a write, or changed since, is read on the blocking pool.
        if let Ok(mut vault) = self.vault.try_lock()
            && let Some(unchanged) = vault.read_unchanged()
        {
            return unchanged.map_err(DeskError::from);
        }
        self.with_vault(|vault| vault.read()).await
    }

    async fn with_vault<T: Send + 'static>(
        &self,
        job: impl FnOnce(&mut Vault) -> Result<T, VaultError> + Send + 'static,
    ) -> Result<T, DeskError> {
        let vault = self.vault.clone();
        tokio::task::spawn_blocking(move || {
            let mut guard = vault.lock().map_err(|_| Internal::VaultLockPoisoned)?;
            job(&mut guard).map_err(DeskError::from)
        })
        .await
        .map_err(Internal::Task)?
    }
}
