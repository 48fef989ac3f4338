//! Getting tokens: the code flow (in the embedded login window or the system browser), the
//! device flow and client credentials. Each is one engine call; the app's part of a sign-in —
//! showing the page, closing it, showing a device code — is its host.

use oauth_desk::provider::Scope;
use oauth_desk::{
    DeviceCode, DeviceHost, ProviderRef, ProviderView, SignInHost, SignInPage, SignInRequest,
};
use tauri::{AppHandle, Emitter, State};

use super::view;
use crate::error::CommandResult;
use crate::login_window;
use crate::state::AppState;
use crate::views::SHELL_EVENT;
use crate::views::{DeviceStart, ShellEvent, SignInOptions};

/// The app as a sign-in's host: the login window, or the system browser.
pub(super) struct Window<'a> {
    pub app: &'a AppHandle,
    pub state: &'a AppState,
}

impl SignInHost for Window<'_> {
    fn open(&self, page: &SignInPage) -> Result<(), String> {
        if page.system_browser {
            oauth_desk::open_in_browser(page.url.as_str()).map_err(|e| e.to_string())
        } else {
            login_window::open(self.app, self.state.desk.clone(), page)
        }
    }

    fn finished(&self, page: &SignInPage) {
        login_window::close(self.app, page.session);
    }
}

impl DeviceHost for Window<'_> {
    fn show_code(&self, code: &DeviceCode) {
        let start = Box::new(DeviceStart::new(code));
        if let Err(e) = self
            .app
            .emit_to("main", SHELL_EVENT, ShellEvent::DeviceCode { start })
        {
            tracing::warn!("could not show the device code: {e}");
        }
    }
}

/// Signs in with the authorization-code flow (or, for debugging, an implicit or hybrid one):
/// see [`SignInOptions`].
#[tauri::command]
pub async fn sign_in(
    app: AppHandle,
    state: State<'_, AppState>,
    provider: ProviderRef,
    options: SignInOptions,
) -> CommandResult<ProviderView> {
    let request = SignInRequest {
        scope: options.scope.map(Scope::from),
        fresh: options.fresh,
        system_browser: options.system_browser,
        response_type: options.response_type.unwrap_or_default(),
        response_mode: options.response_mode,
        params: options
            .params
            .iter()
            .map(|p| p.parse())
            .collect::<Result<_, _>>()
            .map_err(oauth_desk::DeskError::from)?,
        ..SignInRequest::default()
    };
    let host = Window {
        app: &app,
        state: &state,
    };
    state.desk.sign_in(&provider, request, &host).await?;
    view(&state.desk, &provider).await
}

/// Cancels the sign-in (code or device flow) of `name` in progress.
#[tauri::command]
pub fn cancel_sign_in(state: State<'_, AppState>, provider: ProviderRef) {
    state.desk.cancel_sign_in(&provider);
}

/// The paste fallback: the final redirect URL, copied from the browser's address bar.
#[tauri::command]
pub fn submit_redirect_url(
    state: State<'_, AppState>,
    provider: ProviderRef,
    url: String,
) -> CommandResult<()> {
    Ok(state.desk.deliver_redirect(&provider, url)?)
}

/// Signs in with the device flow (RFC 8628): the code reaches the UI as a shell event while
/// this waits for the approval.
#[tauri::command]
pub async fn device_sign_in(
    app: AppHandle,
    state: State<'_, AppState>,
    provider: ProviderRef,
    scope: Option<String>,
) -> CommandResult<ProviderView> {
    let host = Window {
        app: &app,
        state: &state,
    };
    state
        .desk
        .device_sign_in(&provider, scope.map(Scope::from).as_ref(), &host)
        .await?;
    view(&state.desk, &provider).await
}

/// Opens the device sign-in's verification page in the browser (`$BROWSER` first, as the CLI).
#[tauri::command]
pub fn device_open_page(state: State<'_, AppState>, provider: ProviderRef) -> CommandResult<()> {
    Ok(state.desk.open_device_page(&provider)?)
}

#[tauri::command]
pub async fn client_credentials(
    state: State<'_, AppState>,
    provider: ProviderRef,
    scope: Option<String>,
) -> CommandResult<ProviderView> {
    state
        .desk
        .client_credentials(&provider, scope.map(Scope::from).as_ref())
        .await?;
    view(&state.desk, &provider).await
}
