//! From what a person typed to what an action works with. `NAME[@IDENTITY]` is placed in the
//! desk's workspace — the project file's provider of that name in the current environment,
//! else the config's — as a [`ProviderRef`]; a reference is resolved into a [`Target`]: the
//! provider's settings (a project's built with discovery, cached while its spec is unchanged),
//! the vault key of its client, the identity and its login hint, and where a project's secrets
//! come from.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use super::error::{Internal, to_json, write_file};
use super::{Desk, DeskError};
use crate::project::state::{self, ProjectState, Resolved, StateFiles};
use crate::project::{self, Project, ProjectError, SecretRefs};
use crate::store::config::ConfigError;
use crate::store::lock::FileLock;
use crate::store::paths::Paths;
use oauth_desk_core::provider::build::Held;
use oauth_desk_core::provider::{
    EnvName, IdentityName, ProjectPlace, Provider, ProviderName, ProviderRef, ProviderSpec, Slot,
    TypedRef,
};
use oauth_desk_core::trace::Recorder;

/// Where an identity is defined.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum IdentityOrigin {
    /// The provider's own, plain name.
    Default,
    /// Added with the config's provider.
    Config,
    /// Declared in the project file, at this line.
    ProjectFile { line: usize },
    /// Added on this machine for a project's provider.
    ThisMachine,
}

/// Where this desk works: a project file (or none) and an environment chosen for this process
/// (`--env`, `OAUTH_DESK_ENV`; else the one remembered with `env use`, else the file's first).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Workspace {
    pub project: Option<PathBuf>,
    pub env: Option<EnvName>,
    /// Project files the upward search passed over, and why (told to the person once).
    pub skipped: Vec<(PathBuf, String)>,
}

impl Workspace {
    /// `OAUTH_DESK_PROJECT` or the file found from the working directory; `OAUTH_DESK_ENV`.
    pub fn from_env() -> Result<Workspace, DeskError> {
        let env = match std::env::var(project::ENV_ENV) {
            Ok(env) if !env.is_empty() => Some(env.parse()?),
            _ => None,
        };
        let found = project::from_env();
        Ok(Workspace {
            project: found.file,
            env,
            skipped: found.skipped,
        })
    }
}

/// A project and the environment it is read in.
pub(crate) type ProjectInEnv = (Arc<Project>, Option<EnvName>);

/// A project's provider's secrets: the project and what its file names.
#[derive(Debug, Clone)]
pub(crate) struct ProjectSecrets {
    pub project_id: String,
    pub folder: PathBuf,
    pub refs: SecretRefs,
}

/// An identity, and where it is defined.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct KnownIdentity {
    pub name: IdentityName,
    pub login_hint: Option<String>,
    pub origin: IdentityOrigin,
}

/// A reference, resolved.
#[derive(Debug, Clone)]
pub(crate) struct Target {
    pub reference: ProviderRef,
    pub provider: Provider,
    /// The vault key of the provider's client here (see [`ProviderRef::client_key`]).
    pub client_key: String,
    pub login_hint: Option<String>,
    /// `Some` for a project's provider.
    pub project: Option<ProjectSecrets>,
    /// The provider's identities besides the default one.
    pub identities: Vec<KnownIdentity>,
}

impl Target {
    pub fn identity(&self) -> Option<&str> {
        self.reference.identity.as_ref().map(IdentityName::as_str)
    }

    pub fn slot_key(&self) -> Slot {
        self.reference.slot_key()
    }
}

/// Project files read by this process, parsed again only when their text changes.
#[derive(Default)]
pub(in crate::desk) struct Projects {
    loaded: Mutex<HashMap<PathBuf, (String, Arc<Project>)>>,
}

impl Projects {
    pub(in crate::desk) fn load(&self, file: &Path) -> Result<Arc<Project>, ProjectError> {
        let fresh = Project::load(file)?;
        let mut loaded = self
            .loaded
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some((known, project)) = loaded.get(&fresh.file)
            && *known == fresh.text()
        {
            return Ok(project.clone());
        }
        let project = Arc::new(fresh);
        // Whatever the file reads a secret from stays out of every program we start.
        for var in &project.footprint().env_vars {
            crate::child::keep_secret_from_children(var);
        }
        loaded.insert(
            project.file.clone(),
            (project.text().to_owned(), project.clone()),
        );
        Ok(project)
    }
}

impl Desk {
    /// Works in `workspace` from now on (the app opening another project or switching).
    pub fn set_workspace(&self, workspace: Workspace) {
        if let Ok(mut current) = self.workspace.lock() {
            *current = workspace;
        }
    }

    pub fn workspace(&self) -> Workspace {
        self.workspace.lock().map(|w| w.clone()).unwrap_or_default()
    }

    /// The workspace's project, read and checked in its current environment.
    pub(crate) fn current_project(&self) -> Result<Option<ProjectInEnv>, DeskError> {
        self.project_in(&self.workspace())
    }

    /// `workspace`'s project and its environment.
    fn project_in(&self, workspace: &Workspace) -> Result<Option<ProjectInEnv>, DeskError> {
        let Some(file) = &workspace.project else {
            return Ok(None);
        };
        let project = self.projects.load(file)?;
        let env = self.env_of(&project, workspace.env.as_ref())?;
        Ok(Some((project, env)))
    }

    /// The environment a project works in: `chosen`, else remembered, else its first.
    fn env_of(
        &self,
        project: &Project,
        chosen: Option<&EnvName>,
    ) -> Result<Option<EnvName>, DeskError> {
        let remembered = state::load(&self.state_files(project), &project.file).env;
        let remembered = remembered.filter(|e| project.envs().contains(e));
        Ok(project.checked_env(chosen.or(remembered.as_ref()))?)
    }

    pub(crate) fn state_files(&self, project: &Project) -> StateFiles {
        StateFiles::new(&self.paths.data_dir, &self.paths.locks_dir(), &project.id)
    }

    /// `NAME` or `NAME@IDENTITY` placed in this desk's workspace: the project's provider of
    /// that name (in the current environment) when the project defines one, else the config's.
    pub fn reference(&self, typed: &str) -> Result<ProviderRef, DeskError> {
        self.reference_in(&self.workspace(), typed)
    }

    /// [`Desk::reference`] in another workspace (an agent answering a CLI elsewhere).
    pub(crate) fn reference_in(
        &self,
        workspace: &Workspace,
        typed: &str,
    ) -> Result<ProviderRef, DeskError> {
        let (reference, notice) = self.reference_noting(workspace, typed)?;
        if let Some(notice) = notice {
            self.notice(notice);
        }
        Ok(reference)
    }

    /// [`Desk::reference_in`], and what the person should be told about the name (a project
    /// provider hiding one of the config's).
    pub(crate) fn reference_noting(
        &self,
        workspace: &Workspace,
        typed: &str,
    ) -> Result<(ProviderRef, Option<super::Notice>), DeskError> {
        let typed: TypedRef = typed.trim().parse()?;
        let project = self.project_in(workspace)?;
        if let Some((project, env)) = &project
            && project.has_provider(&typed.name)
        {
            let notice = self
                .config
                .load()?
                .get(typed.name.as_str())
                .is_ok()
                .then(|| super::Notice::Shadows {
                    name: typed.name.to_string(),
                    file: project.file.display().to_string(),
                });
            let reference = ProviderRef {
                name: typed.name,
                identity: typed.identity,
                project: Some(ProjectPlace {
                    file: project.file.clone(),
                    env: env.clone(),
                }),
            };
            return Ok((reference, notice));
        }
        let config = self.config.load()?;
        if config.get(typed.name.as_str()).is_err() {
            let mut names: Vec<String> = config
                .providers
                .iter()
                .map(|p| p.name.to_string())
                .collect();
            if let Some((project, _)) = &project {
                names.extend(project.provider_names().iter().map(ToString::to_string));
            }
            return Err(ConfigError::UnknownProvider {
                name: typed.name.to_string(),
                hint: if names.is_empty() {
                    " (no providers are configured yet)".into()
                } else {
                    format!(" (configured: {})", names.join(", "))
                },
            }
            .into());
        }
        let reference = ProviderRef {
            name: typed.name,
            identity: typed.identity,
            project: None,
        };
        Ok((reference, None))
    }

    /// Resolves `reference`: see the module. The identity must exist.
    pub(crate) async fn target(&self, reference: &ProviderRef) -> Result<Target, DeskError> {
        let mut target = match &reference.project {
            None => self.config_target(reference)?,
            Some(place) => self.project_target(reference, place).await?,
        };
        if let Some(identity) = &reference.identity {
            match target.identities.iter().find(|i| &i.name == identity) {
                Some(found) => target.login_hint = found.login_hint.clone(),
                None => {
                    return Err(DeskError::UnknownIdentity {
                        provider: reference.default_identity().to_string(),
                        identity: identity.to_string(),
                        known: target
                            .identities
                            .iter()
                            .map(|i| i.name.to_string())
                            .collect(),
                    });
                }
            }
        }
        Ok(target)
    }

    fn config_target(&self, reference: &ProviderRef) -> Result<Target, DeskError> {
        let provider = self.config.load()?.get(reference.name.as_str())?.clone();
        let identities = provider
            .identities
            .iter()
            .map(|i| KnownIdentity {
                name: i.name.clone(),
                login_hint: i.login_hint.clone(),
                origin: IdentityOrigin::Config,
            })
            .collect();
        Ok(Target {
            reference: reference.clone(),
            client_key: reference.client_key(),
            login_hint: None,
            project: None,
            identities,
            provider,
        })
    }

    /// A project's provider, built in its environment (discovery cached per spec).
    async fn project_target(
        &self,
        reference: &ProviderRef,
        place: &ProjectPlace,
    ) -> Result<Target, DeskError> {
        let project = self.projects.load(&place.file)?;
        let env = project.checked_env(place.env.as_ref())?;
        // The file's own errors first (reading it sends nothing): they are what to fix.
        project.check(env.as_ref())?;
        // Trust before use: nothing below may ask a server or read a secret for a file its
        // user has not allowed as it is now.
        self.require_allowed(&project)?;
        self.register_project(&project)?;
        let resolved = project
            .provider(&reference.name, env.as_ref())?
            .ok_or_else(|| ConfigError::UnknownProvider {
                name: reference.name.to_string(),
                hint: format!(
                    " (the project {} does not define it)",
                    project.file.display()
                ),
            })?;
        let refs = resolved.secrets.clone();
        let held = Held {
            secret: refs.client_secret.is_some(),
            private_key: refs.private_key.is_some(),
            certificate: refs.client_certificate.is_some() && refs.client_key.is_some(),
        };
        let mut provider = self
            .built(
                &project,
                env.as_ref(),
                &reference.name,
                &resolved.spec,
                held,
            )
            .await?;
        provider.lab_plan = resolved.lab_plan.clone();
        let mut identities: Vec<KnownIdentity> = resolved
            .identities
            .iter()
            .map(|i| KnownIdentity {
                name: i.name.clone(),
                login_hint: i.login_hint.clone(),
                origin: IdentityOrigin::ProjectFile { line: i.line },
            })
            .collect();
        let here = state::load(&self.state_files(&project), &project.file);
        for (name, local) in here.identities.get(&reference.name).into_iter().flatten() {
            if !identities.iter().any(|i| &i.name == name) {
                identities.push(KnownIdentity {
                    name: name.clone(),
                    login_hint: local.login_hint.clone(),
                    origin: IdentityOrigin::ThisMachine,
                });
            }
        }
        let reference = reference.in_env(env);
        Ok(Target {
            client_key: reference.client_key(),
            reference,
            provider,
            identities,
            login_hint: None,
            project: Some(ProjectSecrets {
                project_id: project.id.clone(),
                folder: project.folder().to_path_buf(),
                refs,
            }),
        })
    }

    /// The provider `spec` builds, reusing what was built from the same spec before.
    async fn built(
        &self,
        project: &Project,
        env: Option<&EnvName>,
        name: &ProviderName,
        spec: &ProviderSpec,
        held: Held,
    ) -> Result<Provider, DeskError> {
        let files = self.state_files(project);
        let key = state::resolved_key(env, name);
        let held_key = (held.secret, held.private_key, held.certificate);
        if let Some(cached) = state::load_resolved(&files).remove(&key)
            && cached.spec == *spec
            && cached.held == held_key
        {
            return Ok(cached.provider);
        }
        let mut built = spec.clone();
        super::edit::normalise(&mut built);
        if let Some(t) = built.template.clone() {
            let template = oauth_desk_core::provider::templates::find(&t)
                .ok_or(oauth_desk_core::provider::ProviderError::UnknownTemplate(t))?;
            oauth_desk_core::provider::templates::apply(template, &mut built);
        }
        let discovered = match &built.issuer {
            Some(issuer) => {
                let recorder = Recorder::new();
                let http = self.http.recording(&recorder);
                Some(
                    oauth_desk_core::provider::discovery::discover(&http, issuer, built.allow_http)
                        .await?,
                )
            }
            None => None,
        };
        let provider =
            oauth_desk_core::provider::build::build(name.clone(), &built, discovered, held)
                .map_err(|e| ProjectError::At {
                    file: project.file.display().to_string(),
                    line: project.provider_line(name).unwrap_or(1),
                    message: format!("[provider.{name}] {e}"),
                })?;
        // Kept with the spec as the file gave it: that is what the next read compares.
        self.keep_resolved(&files, key, spec.clone(), held_key, &provider);
        Ok(provider)
    }

    fn keep_resolved(
        &self,
        files: &StateFiles,
        key: String,
        spec: ProviderSpec,
        held: (bool, bool, bool),
        provider: &Provider,
    ) {
        let write = || -> Result<(), DeskError> {
            if let Some(dir) = files.lock.parent() {
                Paths::ensure_private_dir(dir)?;
            }
            let _lock = FileLock::exclusive(&files.lock)?;
            let mut all = state::load_resolved(files);
            all.insert(
                key,
                Resolved {
                    spec,
                    held,
                    provider: provider.clone(),
                },
            );
            if let Some(dir) = files.resolved.parent() {
                Paths::ensure_private_dir(dir)?;
            }
            write_file(&files.resolved, &to_json("the resolved providers", &all)?)
        };
        if let Err(e) = write() {
            tracing::warn!("could not keep the resolved provider: {e}");
        }
    }

    /// A project's state, changed and written back under its lock.
    pub(crate) fn update_project_state<T>(
        &self,
        project: &Project,
        change: impl FnOnce(&mut ProjectState) -> Result<T, DeskError>,
    ) -> Result<T, DeskError> {
        let files = self.state_files(project);
        for dir in [files.lock.parent(), files.state.parent()]
            .into_iter()
            .flatten()
        {
            Paths::ensure_private_dir(dir)?;
        }
        let _lock = FileLock::exclusive(&files.lock)?;
        let mut current = state::load(&files, &project.file);
        current.file = project.file.clone();
        let out = change(&mut current)?;
        let text = toml::to_string_pretty(&current).map_err(|e| Internal::Encode {
            what: "the project's state",
            reason: e.to_string(),
        })?;
        write_file(&files.state, text.as_bytes())?;
        Ok(out)
    }

    /// The reference a slot key names (the keeper's and the agent's keys), when its project
    /// is known here.
    pub(crate) fn reference_of_key(&self, key: &Slot) -> Option<ProviderRef> {
        let slot = key.parts();
        let project = match slot.project {
            None => None,
            Some((id, env)) => {
                let file = state::known_projects(&self.paths.data_dir).remove(&id)?;
                Some(ProjectPlace { file, env })
            }
        };
        Some(ProviderRef {
            name: slot.name,
            identity: slot.identity,
            project,
        })
    }
}
