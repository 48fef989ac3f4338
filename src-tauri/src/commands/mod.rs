//! The IPC commands of the main window. Each parses, makes one engine call, converts; the
//! rules (what a valid provider is, how a token is refreshed, what is secret, what changed)
//! stay in the engine, which announces every change on its stream (forwarded by `events`).

pub mod audit;
pub mod grants;
pub mod lab;
pub mod providers;
pub mod signin;
pub mod tokens;
pub mod workspace;

use oauth_desk::{Desk, ProviderRef, ProviderView};

use crate::error::{CommandError, CommandResult};

/// The provider's identity as the UI shows it, after an action.
pub async fn view(desk: &Desk, provider: &ProviderRef) -> CommandResult<ProviderView> {
    Ok(desk.provider_view(provider).await?)
}

/// Writes an export to the Downloads folder (the temp dir without one); its path, to show.
pub fn save_download(app: &tauri::AppHandle, file: &str, bytes: &[u8]) -> CommandResult<String> {
    let dir = tauri::Manager::path(app)
        .download_dir()
        .unwrap_or_else(|_| std::env::temp_dir());
    let path = dir.join(file);
    std::fs::create_dir_all(&dir)
        .and_then(|()| std::fs::write(&path, bytes))
        .map_err(|e| {
            CommandError::new(
                oauth_desk::ErrorKind::Io,
                format!("could not write {}: {e}", path.display()),
            )
        })?;
    Ok(path.display().to_string())
}

/// Every command the UI may call (the main window's capability grants exactly these).
pub fn handler() -> impl Fn(tauri::ipc::Invoke) -> bool + Send + Sync + 'static {
    tauri::generate_handler![
        providers::list_providers,
        providers::get_provider,
        providers::list_templates,
        providers::check_provider,
        providers::add_provider,
        providers::update_provider,
        providers::duplicate_provider,
        providers::reorder_providers,
        providers::remove_provider,
        providers::export_provider,
        providers::import_providers,
        signin::sign_in,
        signin::cancel_sign_in,
        signin::submit_redirect_url,
        signin::device_sign_in,
        signin::device_open_page,
        signin::client_credentials,
        tokens::refresh,
        tokens::revoke,
        tokens::sign_out,
        tokens::introspect,
        tokens::userinfo,
        tokens::reveal_token,
        tokens::copy_token,
        tokens::copy_resource_headers,
        tokens::call_resource,
        tokens::get_trace,
        tokens::export_har,
        tokens::get_settings,
        tokens::set_settings,
        grants::grant_texts,
        grants::exchange,
        grants::assertion_preview,
        grants::jwt_bearer,
        grants::password_grant,
        grants::end_session,
        lab::lab_plan,
        lab::check_lab_plan,
        lab::save_lab_plan,
        lab::run_lab,
        lab::last_lab_run,
        lab::export_lab_run,
        audit::audit_plan,
        audit::audit_provider,
        audit::export_audit,
        lab::lab_case_report,
        workspace::project_view,
        workspace::open_project,
        workspace::open_project_file,
        workspace::use_environment,
        workspace::add_identity,
        workspace::remove_identity,
        workspace::named_secrets,
        workspace::set_named_secret,
        workspace::remove_named_secret,
        workspace::allow_project,
        workspace::deny_project,
    ]
}
