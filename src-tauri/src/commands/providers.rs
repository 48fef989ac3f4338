//! Providers: list, add (template, discovery or manual), edit, duplicate, reorder, delete,
//! import and export (never secrets).

use oauth_desk::desk::{ClientSecrets, ProviderSpec, SecretsEdit};
use oauth_desk::provider::templates::TEMPLATES;
use oauth_desk::secret::Secret;
use tauri::{AppHandle, State};

use super::{changed, view};
use crate::error::CommandResult;
use crate::state::AppState;
use crate::views::{ProviderView, TemplateView};

fn secret(value: Option<String>) -> Option<Secret> {
    value.filter(|v| !v.is_empty()).map(Secret::new)
}

#[tauri::command]
pub async fn list_providers(state: State<'_, AppState>) -> CommandResult<Vec<ProviderView>> {
    let desk = &state.desk;
    let mut views = Vec::new();
    for provider in desk.providers()? {
        views.push(view(desk, provider.name.as_str()).await?);
    }
    static FIRST: std::sync::Once = std::sync::Once::new();
    FIRST.call_once(|| crate::startup_probe("providers listed"));
    Ok(views)
}

#[tauri::command]
pub async fn get_provider(state: State<'_, AppState>, name: String) -> CommandResult<ProviderView> {
    view(&state.desk, &name).await
}

#[tauri::command]
pub fn list_templates() -> Vec<TemplateView> {
    TEMPLATES.iter().map(TemplateView::new).collect()
}

#[tauri::command]
pub async fn add_provider(
    app: AppHandle,
    state: State<'_, AppState>,
    spec: ProviderSpec,
    client_secret: Option<String>,
    private_key: Option<String>,
) -> CommandResult<ProviderView> {
    let provider = state
        .desk
        .add_provider(
            spec,
            ClientSecrets {
                client_secret: secret(client_secret),
                private_key: secret(private_key),
            },
        )
        .await?;
    changed(&app, Some(provider.name.as_str()));
    view(&state.desk, provider.name.as_str()).await
}

#[tauri::command]
pub async fn update_provider(
    app: AppHandle,
    state: State<'_, AppState>,
    name: String,
    spec: ProviderSpec,
    client_secret: Option<String>,
    clear_client_secret: bool,
    private_key: Option<String>,
) -> CommandResult<ProviderView> {
    let provider = state
        .desk
        .update_provider(
            &name,
            spec,
            SecretsEdit {
                client_secret: secret(client_secret),
                clear_client_secret,
                private_key: secret(private_key),
            },
        )
        .await?;
    if provider.name.as_str() != name {
        let _ = std::fs::rename(
            state.profile_dir(&name),
            state.profile_dir(provider.name.as_str()),
        );
    }
    state.rearm();
    changed(&app, Some(provider.name.as_str()));
    view(&state.desk, provider.name.as_str()).await
}

#[tauri::command]
pub async fn duplicate_provider(
    app: AppHandle,
    state: State<'_, AppState>,
    name: String,
    new_name: String,
) -> CommandResult<ProviderView> {
    let copy = state.desk.duplicate_provider(&name, &new_name).await?;
    changed(&app, Some(copy.name.as_str()));
    view(&state.desk, copy.name.as_str()).await
}

#[tauri::command]
pub fn reorder_providers(
    app: AppHandle,
    state: State<'_, AppState>,
    names: Vec<String>,
) -> CommandResult<()> {
    state.desk.reorder_providers(&names)?;
    changed(&app, None);
    Ok(())
}

/// Deletes the provider with its secrets, tokens, trace and browser profile (cookies).
#[tauri::command]
pub async fn remove_provider(
    app: AppHandle,
    state: State<'_, AppState>,
    name: String,
) -> CommandResult<()> {
    state.desk.remove_provider(&name).await?;
    let _ = std::fs::remove_dir_all(state.profile_dir(&name));
    state.rearm();
    changed(&app, None);
    Ok(())
}

/// The provider's settings as TOML, without any secret.
#[tauri::command]
pub fn export_provider(state: State<'_, AppState>, name: String) -> CommandResult<String> {
    Ok(state.desk.export_provider(&name)?)
}

#[tauri::command]
pub async fn import_provider(
    app: AppHandle,
    state: State<'_, AppState>,
    text: String,
    rename: Option<String>,
) -> CommandResult<ProviderView> {
    let rename = rename.filter(|r| !r.trim().is_empty());
    let provider = state
        .desk
        .import_provider("the pasted text", &text, rename.as_deref())?;
    changed(&app, Some(provider.name.as_str()));
    view(&state.desk, provider.name.as_str()).await
}
