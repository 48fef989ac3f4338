//! A project's environments: which one this desk works in — chosen for this process
//! (`--env`, `OAUTH_DESK_ENV`, the app's switcher), else remembered per project (`env use`,
//! kept in the data directory), else the file's first — and each one's problems, so a broken
//! environment is known before switching to it. Tokens are kept per environment: switching
//! never serves another environment's token, and switching back finds the earlier ones.

use serde::Serialize;

use super::changes::Change;
use super::error::Internal;
use super::target::Workspace;
use super::{Desk, DeskError};
use crate::project::ProjectError;
use oauth_desk_core::provider::EnvName;

/// How the current environment was chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum EnvChoice {
    /// For this process: `--env`, `OAUTH_DESK_ENV`, the app's switcher.
    ThisProcess,
    /// Remembered for the project (`env use`).
    Remembered,
    /// None chosen: the first the file defines.
    FirstInFile,
    /// The file defines no environments.
    None,
}

/// One environment of the project.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct EnvView {
    pub name: String,
    pub current: bool,
    /// The file's first error in this environment (an undefined variable, ...).
    pub problem: Option<String>,
}

/// The workspace's project as shown: its file, environments and providers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ProjectView {
    pub file: String,
    pub envs: Vec<EnvView>,
    pub current: Option<String>,
    pub chosen_by: EnvChoice,
    pub providers: Vec<String>,
    /// Whether the file may be used as it is, and what it will do (the trust banner).
    pub trust: super::ProjectTrustView,
}

impl Desk {
    /// The workspace's project, or `None` when the desk works without one.
    pub fn project_view(&self) -> Result<Option<ProjectView>, DeskError> {
        let workspace = self.workspace();
        let Some((project, current)) = self.current_project()? else {
            return Ok(None);
        };
        let remembered =
            crate::project::state::load(&self.state_files(&project), &project.file).env;
        let chosen_by = match (&workspace.env, &remembered, &current) {
            (_, _, None) => EnvChoice::None,
            (Some(_), _, _) => EnvChoice::ThisProcess,
            (None, Some(r), Some(c)) if r == c => EnvChoice::Remembered,
            _ => EnvChoice::FirstInFile,
        };
        let envs = project
            .envs()
            .into_iter()
            .map(|env| EnvView {
                current: current.as_ref() == Some(&env),
                problem: project.check(Some(&env)).err().map(|e| e.to_string()),
                name: env.to_string(),
            })
            .collect();
        Ok(Some(ProjectView {
            file: project.file.display().to_string(),
            envs,
            current: current.map(|e| e.to_string()),
            chosen_by,
            providers: project
                .provider_names()
                .iter()
                .map(ToString::to_string)
                .collect(),
            trust: self.trust_view(&project)?,
        }))
    }

    /// Makes `env` the project's environment, remembered for it (and this desk's from now on).
    /// Refused when the file has errors in that environment.
    pub async fn use_environment(&self, env: &str) -> Result<ProjectView, DeskError> {
        let env: EnvName = env.parse()?;
        let Some((project, _)) = self.current_project()? else {
            return Err(ProjectError::NoProject.into());
        };
        let env = project.checked_env(Some(&env))?;
        project.check(env.as_ref())?;
        self.update_project_state(&project, |state| {
            state.env = env.clone();
            Ok(())
        })?;
        let mut workspace = self.workspace();
        if workspace.env.is_some() {
            workspace.env = env;
            self.set_workspace(workspace);
        }
        self.publish(Change::Providers { provider: None }).await;
        self.project_view()?
            .ok_or_else(|| DeskError::from(Internal::Vanished("the project went away")))
    }

    /// Works in the project file `file` from now on (the app's *Open project*), in its
    /// remembered environment; `None` works without a project.
    pub async fn open_project(
        &self,
        file: Option<std::path::PathBuf>,
    ) -> Result<Option<ProjectView>, DeskError> {
        if let Some(file) = &file {
            let project = self.projects.load(file)?;
            self.register_project(&project)?;
        }
        self.set_workspace(Workspace {
            project: file,
            ..Workspace::default()
        });
        self.publish(Change::Providers { provider: None }).await;
        self.project_view()
    }

    /// Watches the workspace's project file (whichever it is at the time): when its text
    /// changes on disk, the providers are announced changed, so a window reloads them and
    /// shows the file's new errors. For the life of the runtime.
    pub fn watch_project(self: &std::sync::Arc<Self>) -> tokio::task::JoinHandle<()> {
        let desk = std::sync::Arc::downgrade(self);
        tokio::spawn(async move {
            let mut seen: Option<(std::path::PathBuf, Option<Vec<u8>>)> = None;
            loop {
                tokio::time::sleep(std::time::Duration::from_secs(1)).await;
                let Some(desk) = desk.upgrade() else { break };
                let Some(file) = desk.workspace().project else {
                    seen = None;
                    continue;
                };
                let text = std::fs::read(&file).ok();
                let now = (file, text);
                if seen.as_ref().is_some_and(|s| *s != now) {
                    desk.publish_local(super::Change::Providers { provider: None });
                }
                seen = Some(now);
            }
        })
    }

    /// Opens the workspace's project file with the system's program for it (the app's *Open
    /// file*: a project's provider is edited there).
    pub fn open_project_file(&self) -> Result<(), DeskError> {
        let Some((project, _)) = self.current_project()? else {
            return Err(ProjectError::NoProject.into());
        };
        crate::browser::open_file(&project.file).map_err(|e| DeskError::Browser(e.to_string()))
    }

    /// Writes the project's state file if it has none, so other processes (the keeper) can
    /// find the project from its tokens' keys.
    pub(crate) fn register_project(
        &self,
        project: &crate::project::Project,
    ) -> Result<(), DeskError> {
        if self.state_files(project).state.exists() {
            return Ok(());
        }
        self.update_project_state(project, |_| Ok(()))
    }
}
