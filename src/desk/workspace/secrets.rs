//! A client's secrets, wherever they are kept: the vault entry of a config's provider, or what
//! a project file names — a named secret of the project in the vault (`secret set NAME`), an
//! environment variable, a PEM file — read when a flow needs them, never copied anywhere else.
//! Also the named secrets themselves: set (from stdin), listed (names only), removed.

use serde::Serialize;

use super::changes::Change;
use super::target::Target;
use super::{Desk, DeskError};
use crate::clock::now;
use crate::project::{SecretRef, SecretSource};
use crate::store::vault::{NamedSecret, ProviderSecrets, VaultData, VaultError};
use oauth_desk_core::provider::binding::Binding;
use oauth_desk_core::provider::is_short_identifier;
use oauth_desk_core::secret::Secret;

/// The secrets a client authenticates and signs with.
#[derive(Debug, Default)]
pub(in crate::desk) struct ClientSecrets {
    pub client_secret: Option<Secret>,
    pub private_key: Option<Secret>,
    pub client_certificate: Option<(Secret, Secret)>,
    /// Named secrets used for the first time: to be bound to this client now.
    pub first_used: Vec<String>,
}

/// The secrets of `target`'s client: `stored` for a config's provider, the references of a
/// project's provider read now.
pub(in crate::desk) fn client_secrets(
    target: &Target,
    stored: &ProviderSecrets,
    data: &VaultData,
) -> Result<ClientSecrets, DeskError> {
    let Some(project) = &target.project else {
        return Ok(ClientSecrets {
            client_secret: stored.client_secret.clone(),
            private_key: stored.private_key.clone(),
            client_certificate: stored
                .client_certificate
                .clone()
                .zip(stored.client_key.clone()),
            first_used: Vec::new(),
        });
    };
    let mut first_used = Vec::new();
    let mut read = |r: &Option<SecretRef>| -> Result<Option<Secret>, DeskError> {
        let Some(r) = r else { return Ok(None) };
        if let SecretSource::Named(name) = &r.source
            && let Some(named) = data
                .named
                .get(&project.project_id)
                .and_then(|s| s.get(name))
        {
            match &named.first_used_with {
                Some(bound) => check_named_bound(target, name, bound)?,
                None => first_used.push(name.clone()),
            }
        }
        read_reference(target, r, data, &project.project_id, &project.folder).map(Some)
    };
    let certificate = read(&project.refs.client_certificate)?;
    let key = read(&project.refs.client_key)?;
    let client_secret = read(&project.refs.client_secret)?;
    let private_key = read(&project.refs.private_key)?;
    Ok(ClientSecrets {
        client_secret,
        private_key,
        client_certificate: certificate.zip(key),
        first_used,
    })
}

/// A named secret first used with other settings (client, endpoints) is not sent to these.
fn check_named_bound(target: &Target, name: &str, bound: &Binding) -> Result<(), DeskError> {
    let changes = bound.changes_to(&Binding::of(&target.provider));
    if changes.is_empty() {
        return Ok(());
    }
    Err(DeskError::BindingChanged {
        name: target.reference.to_string(),
        what: format!("named secret {name:?} was first used"),
        changes: format!("with other settings: {}", changes.join(", ")),
        named: Some(name.to_owned()),
    })
}

fn read_reference(
    target: &Target,
    reference: &SecretRef,
    data: &VaultData,
    project_id: &str,
    folder: &std::path::Path,
) -> Result<Secret, DeskError> {
    let unavailable = |problem: String, named: Option<String>| DeskError::SecretUnavailable {
        provider: target.reference.to_string(),
        what: reference.key,
        line: reference.line,
        problem,
        named,
    };
    match &reference.source {
        SecretSource::Named(name) => data
            .named
            .get(project_id)
            .and_then(|secrets| secrets.get(name))
            .map(|s| s.value.clone())
            .ok_or_else(|| {
                unavailable(
                    format!("is the named secret {name:?}, which is not set for this project"),
                    Some(name.clone()),
                )
            }),
        SecretSource::Env(var) => match std::env::var(var) {
            Ok(value) if !value.is_empty() => Ok(Secret::new(value)),
            _ => Err(unavailable(
                format!("comes from the environment variable {var}, which is not set"),
                None,
            )),
        },
        SecretSource::File(path) => crate::project::file_ref::read_inside(folder, path)
            .map(Secret::new)
            .map_err(|problem| {
                unavailable(
                    format!(
                        "is read from {}, which is refused: {problem}",
                        path.display()
                    ),
                    None,
                )
            }),
    }
}

/// A named secret as listed: never its value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct NamedSecretView {
    pub name: String,
    /// When it was set (Unix seconds).
    pub set_at: i64,
    /// The project's providers (and keys) that name it.
    pub used_by: Vec<String>,
}

impl Desk {
    /// Binds the named secrets `names`, used for the first time, to `target`'s client (see
    /// [`oauth_desk_core::provider::binding`]); one already bound (by another process) stays as it was.
    pub(in crate::desk) async fn bind_named_secrets(
        &self,
        target: &Target,
        names: &[String],
    ) -> Result<(), DeskError> {
        let Some(project) = &target.project else {
            return Ok(());
        };
        if names.is_empty() {
            return Ok(());
        }
        let (id, names) = (project.project_id.clone(), names.to_vec());
        let binding = Binding::of(&target.provider);
        self.with_vault(move |vault| {
            vault.update(|data| {
                for name in &names {
                    if let Some(secret) = data.named.get_mut(&id).and_then(|s| s.get_mut(name)) {
                        secret
                            .first_used_with
                            .get_or_insert_with(|| binding.clone());
                    }
                }
                Ok::<_, VaultError>(())
            })
        })
        .await
    }

    /// The id of the workspace's project, which named secrets belong to.
    fn secrets_project(&self) -> Result<std::sync::Arc<crate::project::Project>, DeskError> {
        match self.current_project()? {
            Some((project, _)) => Ok(project),
            None => Err(crate::project::ProjectError::NoProject.into()),
        }
    }

    /// Sets (or replaces) the project's named secret `name`.
    pub async fn set_named_secret(&self, name: &str, value: Secret) -> Result<(), DeskError> {
        if !is_short_identifier(name) {
            return Err(oauth_desk_core::provider::ProviderError::InvalidShortName {
                what: "secret name",
                value: name.to_owned(),
            }
            .into());
        }
        let project = self.secrets_project()?;
        let (id, name) = (project.id.clone(), name.to_owned());
        self.with_vault(move |vault| {
            vault.update(|data| {
                data.named.entry(id).or_default().insert(
                    name,
                    NamedSecret {
                        value,
                        set_at: now(),
                        first_used_with: None,
                    },
                );
                Ok::<_, VaultError>(())
            })
        })
        .await?;
        self.publish(Change::Providers { provider: None }).await;
        Ok(())
    }

    /// The project's named secrets (names, never values), and the names its file uses that
    /// are not set.
    pub async fn named_secrets(&self) -> Result<(Vec<NamedSecretView>, Vec<String>), DeskError> {
        let project = self.secrets_project()?;
        let data = self.read_vault().await?;
        let set = data.named.get(&project.id).cloned().unwrap_or_default();
        let mut used: std::collections::BTreeMap<String, Vec<String>> = Default::default();
        let env = self.current_project()?.and_then(|(_, env)| env);
        for provider in project.provider_names() {
            let Ok(Some(resolved)) = project.provider(&provider, env.as_ref()) else {
                continue;
            };
            for r in resolved.secrets.all() {
                if let SecretSource::Named(name) = &r.source {
                    used.entry(name.clone())
                        .or_default()
                        .push(format!("{provider}.{}", r.key));
                }
            }
        }
        let views = set
            .iter()
            .map(|(name, secret)| NamedSecretView {
                name: name.clone(),
                set_at: secret.set_at,
                used_by: used.get(name).cloned().unwrap_or_default(),
            })
            .collect();
        let missing = used
            .keys()
            .filter(|n| !set.contains_key(*n))
            .cloned()
            .collect();
        Ok((views, missing))
    }

    /// Removes the project's named secret `name`; whether it was set.
    pub async fn remove_named_secret(&self, name: &str) -> Result<bool, DeskError> {
        let project = self.secrets_project()?;
        let (id, name) = (project.id.clone(), name.to_owned());
        let removed = self
            .with_vault(move |vault| {
                if !vault.exists() {
                    return Ok(false);
                }
                vault.update(|data| {
                    let removed = data
                        .named
                        .get_mut(&id)
                        .and_then(|secrets| secrets.remove(&name))
                        .is_some();
                    Ok::<_, VaultError>(removed)
                })
            })
            .await?;
        if removed {
            self.publish(Change::Providers { provider: None }).await;
        }
        Ok(removed)
    }
}
