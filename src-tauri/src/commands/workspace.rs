//! Who and where, in the app: the project file (opened, its environment switched, opened in
//! the editor), a provider's identities (*Sign in as…* adds one), the project's named secrets.
//! One engine call each.

use oauth_desk::{
    IdentityView, NamedSecretView, ProjectTrustView, ProjectView, ProviderRef, Secret,
};
use serde::Serialize;
use tauri::State;
use ts_rs::TS;

use crate::error::{CommandError, CommandResult};
use crate::state::AppState;

/// The project the app works in, `None` without one.
#[tauri::command]
pub fn project_view(state: State<'_, AppState>) -> CommandResult<Option<ProjectView>> {
    Ok(state.desk.project_view()?)
}

/// Works in the project file `file` from now on (`None`: without a project), remembered for
/// the next start.
#[tauri::command]
pub async fn open_project(
    state: State<'_, AppState>,
    file: Option<String>,
) -> CommandResult<Option<ProjectView>> {
    let file = file.filter(|f| !f.trim().is_empty()).map(Into::into);
    let view = state.desk.open_project(file).await?;
    let mut settings = state.settings();
    settings.last_project = view.as_ref().map(|v| v.file.clone());
    state.save_settings(settings)?;
    Ok(view)
}

/// The trust banner's *Allow*: the project file as shown (its `sha256`) may be used.
#[tauri::command]
pub async fn allow_project(
    state: State<'_, AppState>,
    sha256: String,
) -> CommandResult<ProjectTrustView> {
    Ok(state.desk.allow_project(&sha256).await?)
}

/// The project file as it is may not be used (its allowance, if any, is gone).
#[tauri::command]
pub async fn deny_project(state: State<'_, AppState>) -> CommandResult<ProjectTrustView> {
    Ok(state.desk.deny_project().await?)
}

/// Opens the project file with the system's editor for it.
#[tauri::command]
pub fn open_project_file(state: State<'_, AppState>) -> CommandResult<()> {
    Ok(state.desk.open_project_file()?)
}

/// Switches the project's environment (remembered for the project).
#[tauri::command]
pub async fn use_environment(
    state: State<'_, AppState>,
    env: String,
) -> CommandResult<ProjectView> {
    Ok(state.desk.use_environment(&env).await?)
}

/// *Sign in as…*: a new identity of `provider` (its `identity` names it).
#[tauri::command]
pub async fn add_identity(
    state: State<'_, AppState>,
    provider: ProviderRef,
    login_hint: Option<String>,
) -> CommandResult<IdentityView> {
    Ok(state.desk.add_identity(&provider, login_hint).await?)
}

#[tauri::command]
pub async fn remove_identity(
    state: State<'_, AppState>,
    provider: ProviderRef,
) -> CommandResult<()> {
    Ok(state.desk.remove_identity(&provider).await?)
}

/// The project's named secrets (names only) and the names its file uses that are not set.
#[derive(Debug, Clone, Serialize, TS)]
pub struct NamedSecrets {
    pub secrets: Vec<NamedSecretView>,
    pub missing: Vec<String>,
}

#[tauri::command]
pub async fn named_secrets(state: State<'_, AppState>) -> CommandResult<NamedSecrets> {
    let (secrets, missing) = state.desk.named_secrets().await?;
    Ok(NamedSecrets { secrets, missing })
}

#[tauri::command]
pub async fn set_named_secret(
    state: State<'_, AppState>,
    name: String,
    value: String,
) -> CommandResult<()> {
    if value.is_empty() {
        return Err(CommandError::new(
            oauth_desk::ErrorKind::Invalid,
            "the secret is empty",
        ));
    }
    Ok(state
        .desk
        .set_named_secret(&name, Secret::new(value))
        .await?)
}

#[tauri::command]
pub async fn remove_named_secret(state: State<'_, AppState>, name: String) -> CommandResult<bool> {
    Ok(state.desk.remove_named_secret(&name).await?)
}
