//! Trust before use, at the door: a project file is read and shown freely, but nothing is sent
//! for it — no discovery, sign-in, refresh, secret read — until its user has allowed it as it
//! is now on disk (see [`crate::project::trust`]). Every use of a project's provider passes
//! [`Desk::require_allowed`], the keeper's renewals included.

use std::path::PathBuf;

use serde::Serialize;

use super::error::{Internal, to_json, write_file};
use super::{Desk, DeskError};
use crate::clock::now;
use crate::project::trust::{self, Footprint, TrustBook, TrustState};
use crate::project::{Project, ProjectError};
use crate::store::lock::FileLock;
use crate::store::paths::Paths;

/// A project file, what it will do, and whether it may.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ProjectTrustView {
    pub file: String,
    pub state: TrustState,
    /// Everything the file will do once allowed.
    pub footprint: Footprint,
    /// The SHA-256 of the bytes shown: an allowance is for exactly these.
    pub sha256: String,
}

/// Why a project's provider may not be used: the file is not allowed as it is now.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{}", sentence(file, state, footprint))]
pub struct NotAllowed {
    pub file: String,
    pub state: TrustState,
    pub footprint: Footprint,
}

fn sentence(file: &str, state: &TrustState, footprint: &Footprint) -> String {
    let rest = "nothing is sent for it until it is allowed";
    match state {
        TrustState::Changed { added } if added.is_empty() => format!(
            "the project file {file} changed since it was allowed (the change adds no host, variable, file or secret); {rest} again"
        ),
        TrustState::Changed { added } => format!(
            "the project file {file} changed since it was allowed: it now also {}; {rest} again",
            added.summary()
        ),
        TrustState::Denied => format!("the project file {file} was denied on this machine; {rest}"),
        TrustState::Never | TrustState::Allowed => format!(
            "the project file {file} has not been allowed on this machine (it {}); {rest}",
            footprint.summary()
        ),
    }
}

impl Desk {
    fn trust_book_path(&self) -> PathBuf {
        trust::book_path(&self.paths.data_dir)
    }

    fn trust_book(&self) -> Result<TrustBook, DeskError> {
        let path = self.trust_book_path();
        trust::read_book(&path).map_err(|e| {
            ProjectError::File {
                file: path.display().to_string(),
                message: format!("the record of allowed project files can't be read: {e}"),
            }
            .into()
        })
    }

    /// Fails unless `project` is allowed as it was read.
    pub(crate) fn require_allowed(&self, project: &Project) -> Result<(), DeskError> {
        let state = self.trust_book()?.state_of(project);
        if state.is_allowed() {
            return Ok(());
        }
        Err(DeskError::NotAllowed(Box::new(NotAllowed {
            file: project.file.display().to_string(),
            footprint: project.footprint().printable(),
            state: state.printable(),
        })))
    }

    /// Whether `project` may be used as it is (for views that show rather than send).
    pub(crate) fn is_allowed(&self, project: &Project) -> bool {
        self.trust_book()
            .is_ok_and(|book| book.state_of(project).is_allowed())
    }

    /// The workspace's project file, what it will do and whether it is allowed; `None` when
    /// there is no project.
    pub fn project_trust(&self) -> Result<Option<ProjectTrustView>, DeskError> {
        let Some(file) = self.workspace().project else {
            return Ok(None);
        };
        let project = self.projects.load(&file)?;
        Ok(Some(self.trust_view(&project)?))
    }

    pub(in crate::desk) fn trust_view(
        &self,
        project: &Project,
    ) -> Result<ProjectTrustView, DeskError> {
        let state = self.trust_book()?.state_of(project);
        Ok(view(project, state))
    }

    /// Allows the workspace's project file — if its bytes are still those shown (`sha256` of
    /// [`ProjectTrustView`]): a file changed between showing and allowing is not allowed.
    pub async fn allow_project(&self, sha256: &str) -> Result<ProjectTrustView, DeskError> {
        self.decide(sha256, true).await
    }

    /// Denies the workspace's project file as it is now (its allowance, if any, is gone).
    pub async fn deny_project(&self) -> Result<ProjectTrustView, DeskError> {
        self.decide("", false).await
    }

    async fn decide(&self, sha256: &str, allowed: bool) -> Result<ProjectTrustView, DeskError> {
        let file = self.workspace().project.ok_or(ProjectError::NoProject)?;
        let project = self.projects.load(&file)?;
        let shown = trust::content_hash(project.text());
        if allowed && shown != sha256 {
            return Err(ProjectError::File {
                file: project.file.display().to_string(),
                message: "it changed while it was being looked at; look at it again".into(),
            }
            .into());
        }
        let path = self.trust_book_path();
        let lock = self.paths.locks_dir().join("trust.lock");
        let (data_dir, locks_dir) = (self.paths.data_dir.clone(), self.paths.locks_dir());
        let decided = project.clone();
        let book = tokio::task::spawn_blocking(move || -> Result<TrustBook, DeskError> {
            Paths::ensure_private_dir(&data_dir)?;
            Paths::ensure_private_dir(&locks_dir)?;
            let _lock = FileLock::exclusive(&lock)?;
            let mut book = trust::read_book(&path).map_err(|e| ProjectError::File {
                file: path.display().to_string(),
                message: format!("the record of allowed project files can't be read: {e}"),
            })?;
            book.decide(&decided, allowed, now());
            write_file(
                &path,
                &to_json("the record of allowed project files", &book)?,
            )?;
            Ok(book)
        })
        .await
        .map_err(Internal::Task)??;
        self.publish(super::changes::Change::Providers { provider: None })
            .await;
        Ok(view(&project, book.state_of(&project)))
    }
}

fn view(project: &Project, state: TrustState) -> ProjectTrustView {
    ProjectTrustView {
        file: project.file.display().to_string(),
        footprint: project.footprint().printable(),
        sha256: trust::content_hash(project.text()),
        state: state.printable(),
    }
}
