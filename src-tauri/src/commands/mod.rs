//! The IPC commands of the main window. Each parses, makes one engine call, converts; the
//! rules (what a valid provider is, how a token is refreshed, what is secret, what changed)
//! stay in the engine, which announces every change on its stream (forwarded by `events`).

pub mod providers;
pub mod signin;
pub mod tokens;

use oauth_desk::{Desk, ProviderView};

use crate::error::CommandResult;

/// The provider as the UI shows it, after an action.
pub async fn view(desk: &Desk, name: &str) -> CommandResult<ProviderView> {
    Ok(desk.provider_view(name).await?)
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
        tokens::get_trace,
        tokens::export_har,
        tokens::get_settings,
        tokens::set_settings,
    ]
}
