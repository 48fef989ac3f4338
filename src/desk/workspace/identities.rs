//! A provider's identities: QA's `admin` and `viewer` signed in at once. Each has its own
//! tokens, keeper slot, refresh history (trace) and login-window profile, and its sign-ins
//! send its `login_hint`. The default identity is the provider's plain name; others are added
//! with `identity add NAME@ID` — kept with the config's provider, or for a project's provider in
//! the project's state on this machine (a project file may declare shared ones too).

use oauth_desk_core::provider::Slot;
use serde::Serialize;

use super::changes::Change;
use super::error::{Asked, Internal, Unsupported};
use super::target::{IdentityOrigin, Target};
use super::{Desk, DeskError};
use crate::store::config::ConfigError;
use crate::store::vault::VaultError;
use oauth_desk_core::provider::{IdentityConfig, IdentityName, ProviderRef};
use oauth_desk_core::report::Status;

/// One identity of a provider, as listed.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct IdentityView {
    pub reference: ProviderRef,
    /// Its slot key: what the change stream and the keeper name it by.
    pub key: Slot,
    /// `NAME` or `NAME@ID`, as typed.
    pub typed: String,
    pub login_hint: Option<String>,
    pub origin: IdentityOrigin,
    pub status: Status,
    /// When the access token expires.
    pub expires_at: Option<i64>,
    /// The signed-in user, from the ID token's `sub`.
    pub subject: Option<String>,
}

impl Desk {
    /// Adds identity `reference.identity` to its provider, with the `login_hint` its sign-ins
    /// send.
    pub async fn add_identity(
        &self,
        reference: &ProviderRef,
        login_hint: Option<String>,
    ) -> Result<IdentityView, DeskError> {
        let Some(identity) = reference.identity.clone() else {
            return Err(Unsupported::DefaultIdentity {
                provider: reference.name.to_string(),
                asked: Asked::Add,
            }
            .into());
        };
        let login_hint = login_hint.filter(|h| !h.trim().is_empty());
        let target = self.target(&reference.default_identity()).await?;
        if target.identities.iter().any(|i| i.name == identity) {
            return Err(DeskError::IdentityExists {
                reference: reference.to_string(),
            });
        }
        match &reference.project {
            None => self.config.update(|config| {
                config
                    .get_mut(reference.name.as_str())?
                    .identities
                    .push(IdentityConfig {
                        name: identity.clone(),
                        login_hint: login_hint.clone(),
                    });
                Ok::<_, ConfigError>(())
            })?,
            Some(place) => {
                let project = self.projects.load(&place.file)?;
                self.update_project_state(&project, |state| {
                    state
                        .identities
                        .entry(reference.name.clone())
                        .or_default()
                        .insert(
                            identity.clone(),
                            crate::project::state::LocalIdentity {
                                login_hint: login_hint.clone(),
                            },
                        );
                    Ok(())
                })?;
            }
        }
        self.publish(Change::Providers {
            provider: Some(reference.default_identity().slot_key()),
        })
        .await;
        let views = self.identities(reference).await?;
        views
            .into_iter()
            .find(|v| v.reference.identity.as_ref() == Some(&identity))
            .ok_or_else(|| {
                DeskError::from(Internal::Vanished("the identity just added is missing"))
            })
    }

    /// The provider's identities, the default one first, each with where its tokens stand.
    pub async fn identities(
        &self,
        reference: &ProviderRef,
    ) -> Result<Vec<IdentityView>, DeskError> {
        let target = self.target(&reference.default_identity()).await?;
        let data = self.read_vault().await?;
        let client = data.provider(&target.client_key);
        let view = |identity: Option<&IdentityName>,
                    login_hint: Option<String>,
                    origin: IdentityOrigin| {
            let reference = target.reference.with_identity(identity.cloned());
            let tokens = client.and_then(|c| c.tokens_of(identity.map(IdentityName::as_str)));
            IdentityView {
                key: reference.slot_key(),
                typed: reference.typed(),
                reference,
                login_hint,
                origin,
                status: Status::of(tokens).0,
                expires_at: tokens.and_then(|t| t.expires_at),
                subject: tokens.and_then(subject_of),
            }
        };
        let mut views = vec![view(None, None, IdentityOrigin::Default)];
        for known in &target.identities {
            views.push(view(
                Some(&known.name),
                known.login_hint.clone(),
                known.origin.clone(),
            ));
        }
        Ok(views)
    }

    /// Removes identity `reference.identity`: its tokens, trace, refresh files and login
    /// profile go; the provider and its other identities stay.
    pub async fn remove_identity(&self, reference: &ProviderRef) -> Result<(), DeskError> {
        let target = self.target(reference).await?;
        let Some(identity) = reference.identity.clone() else {
            return Err(Unsupported::DefaultIdentity {
                provider: reference.name.to_string(),
                asked: Asked::Remove,
            }
            .into());
        };
        let known = target.identities.iter().find(|i| i.name == identity);
        if let Some(IdentityOrigin::ProjectFile { line }) = known.map(|i| &i.origin) {
            return Err(DeskError::DefinedInProject {
                what: format!("the identity {reference}"),
                file: place_file(&target),
                line: *line,
            });
        }
        let (key, id) = (target.client_key.clone(), identity.to_string());
        self.with_vault(move |vault| {
            if !vault.exists() {
                return Ok(());
            }
            vault.update(|data| {
                if let Some(client) = data.providers.get_mut(&key) {
                    client.identities.remove(&id);
                }
                Ok::<_, VaultError>(())
            })
        })
        .await?;
        match &reference.project {
            None => self.config.update(|config| {
                config
                    .get_mut(reference.name.as_str())?
                    .identities
                    .retain(|i| i.name != identity);
                Ok::<_, ConfigError>(())
            })?,
            Some(place) => {
                let project = self.projects.load(&place.file)?;
                self.update_project_state(&project, |state| {
                    if let Some(ids) = state.identities.get_mut(&reference.name) {
                        ids.remove(&identity);
                    }
                    Ok(())
                })?;
            }
        }
        self.forget_slot_files(&target.slot_key());
        self.publish(Change::Tokens {
            provider: target.slot_key(),
        })
        .await;
        self.publish(Change::Providers {
            provider: Some(reference.default_identity().slot_key()),
        })
        .await;
        Ok(())
    }

    /// A slot's files beside the vault: trace, refresh lock and marker, login profile.
    pub(in crate::desk) fn forget_slot_files(&self, slot: &Slot) {
        let _ = std::fs::remove_file(self.trace_path(slot));
        let _ = std::fs::remove_file(self.paths.locks_dir().join(format!("refresh-{slot}.lock")));
        let _ = std::fs::remove_file(self.inflight_marker(slot));
        let _ = std::fs::remove_dir_all(self.browser_profile_dir(slot));
    }
}

fn place_file(target: &Target) -> String {
    target
        .reference
        .project
        .as_ref()
        .map(|p| p.file.display().to_string())
        .unwrap_or_default()
}

/// The `sub` of a token set's ID token (or of a JWT access token).
fn subject_of(tokens: &oauth_desk_core::token::TokenSet) -> Option<String> {
    [tokens.id_token.as_deref(), Some(&*tokens.access_token)]
        .into_iter()
        .flatten()
        .filter_map(|t| oauth_desk_core::jwt::decode(t.expose()).ok())
        .find_map(|jwt| jwt.claims.get("sub")?.as_str().map(str::to_owned))
}
