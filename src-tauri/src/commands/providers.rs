//! Providers: list, add (template, discovery or manual), edit, duplicate, reorder, delete,
//! import and export (never secrets).

use oauth_desk::provider::SpecProblem;
use oauth_desk::{
    ClientSecrets, ErrorKind, ImportFile, ImportFormat, ImportOptions, ImportReport, ProviderDraft,
    ProviderRef, ProviderSpec, ProviderView, Secret, SecretsEdit, TemplateView,
};
use tauri::State;

use super::view;
use crate::error::{CommandError, CommandResult};
use crate::state::AppState;
use crate::views::SecretsForm;

fn secret(value: Option<String>) -> Option<Secret> {
    value.filter(|v| !v.is_empty()).map(Secret::new)
}

/// A certificate and its key come together, or not at all.
fn certificate(
    certificate: Option<String>,
    key: Option<String>,
) -> CommandResult<Option<(Secret, Secret)>> {
    match (secret(certificate), secret(key)) {
        (Some(c), Some(k)) => Ok(Some((c, k))),
        (None, None) => Ok(None),
        _ => Err(CommandError::new(
            ErrorKind::Invalid,
            "give the client certificate and its private key together",
        )),
    }
}

#[tauri::command]
pub async fn list_providers(state: State<'_, AppState>) -> CommandResult<Vec<ProviderView>> {
    let views = state.desk.provider_views().await?;
    static FIRST: std::sync::Once = std::sync::Once::new();
    FIRST.call_once(|| crate::startup_probe("providers listed"));
    Ok(views)
}

#[tauri::command]
pub async fn get_provider(
    state: State<'_, AppState>,
    provider: ProviderRef,
) -> CommandResult<ProviderView> {
    view(&state.desk, &provider).await
}

#[tauri::command]
pub fn list_templates(state: State<'_, AppState>) -> Vec<TemplateView> {
    state.desk.templates()
}

/// The provider form as typed, checked by the engine: each field's problem (no server asked).
#[tauri::command]
pub fn check_provider(state: State<'_, AppState>, draft: ProviderDraft) -> Vec<SpecProblem> {
    state.desk.check_provider_draft(&draft)
}

#[tauri::command]
pub async fn add_provider(
    state: State<'_, AppState>,
    spec: ProviderSpec,
    secrets: SecretsForm,
    from_resource: Option<String>,
) -> CommandResult<ProviderView> {
    let secrets = ClientSecrets {
        client_secret: secret(secrets.client_secret),
        private_key: secret(secrets.private_key),
        client_certificate: certificate(secrets.client_certificate, secrets.client_key)?,
    };
    let from_resource = from_resource.filter(|u| !u.trim().is_empty());
    let provider = state
        .desk
        .add_provider(oauth_desk::AddProvider {
            from_resource,
            ..oauth_desk::AddProvider::new(spec, secrets)
        })
        .await?;
    view(&state.desk, &ProviderRef::local(provider.name)).await
}

#[tauri::command]
pub async fn update_provider(
    state: State<'_, AppState>,
    provider: ProviderRef,
    spec: ProviderSpec,
    secrets: SecretsForm,
) -> CommandResult<ProviderView> {
    let secrets = SecretsEdit {
        client_certificate: certificate(secrets.client_certificate, secrets.client_key)?,
        client_secret: secret(secrets.client_secret),
        clear_client_secret: secrets.clear_client_secret,
        private_key: secret(secrets.private_key),
        clear_client_certificate: secrets.clear_client_certificate,
    };
    let updated = state.desk.update_provider(&provider, spec, secrets).await?;
    view(&state.desk, &ProviderRef::local(updated.name)).await
}

#[tauri::command]
pub async fn duplicate_provider(
    state: State<'_, AppState>,
    provider: ProviderRef,
    new_name: String,
) -> CommandResult<ProviderView> {
    let copy = state.desk.duplicate_provider(&provider, &new_name).await?;
    view(&state.desk, &ProviderRef::local(copy.name)).await
}

#[tauri::command]
pub async fn reorder_providers(
    state: State<'_, AppState>,
    names: Vec<String>,
) -> CommandResult<()> {
    Ok(state.desk.reorder_providers(&names).await?)
}

/// Deletes the provider with its secrets, tokens, trace and browser profile (cookies).
#[tauri::command]
pub async fn remove_provider(
    state: State<'_, AppState>,
    provider: ProviderRef,
) -> CommandResult<()> {
    Ok(state.desk.remove_provider(&provider).await?)
}

/// The provider's settings as TOML, without any secret.
#[tauri::command]
pub async fn export_provider(
    state: State<'_, AppState>,
    provider: ProviderRef,
) -> CommandResult<String> {
    Ok(state.desk.export_provider(&provider).await?)
}

/// Reads an export or an API client's collection (Postman, Insomnia, Bruno): with `save`
/// false the report of what would be imported; with `save` true, everything saved or nothing.
#[tauri::command]
pub async fn import_providers(
    state: State<'_, AppState>,
    files: Vec<ImportFile>,
    format: ImportFormat,
    env: Option<ImportFile>,
    rename: Option<String>,
    save: bool,
) -> CommandResult<ImportReport> {
    let options = ImportOptions {
        format,
        env,
        rename,
        save,
    };
    Ok(state.desk.import(files, options).await?)
}
