//! The IPC commands of the main window. Each is an engine call plus a conversion; the rules
//! (what a valid provider is, how a token is refreshed, what is secret) stay in the engine.

pub mod providers;
pub mod signin;
pub mod tokens;

use oauth_desk::desk::Desk;
use tauri::{AppHandle, Emitter};

use crate::error::CommandResult;
use crate::views::{ProviderView, ShellEvent};

/// The UI's event channel for everything but the keeper's own events.
pub const SHELL_EVENT: &str = "shell";
/// The keeper's events, as the engine makes them.
pub const KEEPER_EVENT: &str = "keeper";

pub async fn view(desk: &Desk, name: &str) -> CommandResult<ProviderView> {
    let provider = desk.provider(name)?;
    let report = desk.report(name).await?;
    Ok(ProviderView::new(&provider, report))
}

pub fn emit(app: &AppHandle, event: ShellEvent) {
    if let Err(e) = app.emit_to("main", SHELL_EVENT, event) {
        tracing::debug!("could not tell the UI: {e}");
    }
}

pub fn changed(app: &AppHandle, provider: Option<&str>) {
    emit(
        app,
        ShellEvent::Changed {
            provider: provider.map(str::to_owned),
        },
    );
    crate::tray::refresh(app);
}

/// Every command the UI may call (the main window's capability grants exactly these).
pub fn handler() -> impl Fn(tauri::ipc::Invoke) -> bool + Send + Sync + 'static {
    tauri::generate_handler![
        providers::list_providers,
        providers::get_provider,
        providers::list_templates,
        providers::add_provider,
        providers::update_provider,
        providers::duplicate_provider,
        providers::reorder_providers,
        providers::remove_provider,
        providers::export_provider,
        providers::import_provider,
        signin::sign_in,
        signin::cancel_sign_in,
        signin::submit_redirect_url,
        signin::device_start,
        signin::device_wait,
        signin::device_open_page,
        signin::device_cancel,
        signin::client_credentials,
        tokens::refresh,
        tokens::revoke,
        tokens::sign_out,
        tokens::introspect,
        tokens::userinfo,
        tokens::reveal_token,
        tokens::copy_token,
        tokens::get_trace,
        tokens::export_har,
        tokens::get_settings,
        tokens::set_settings,
    ]
}
