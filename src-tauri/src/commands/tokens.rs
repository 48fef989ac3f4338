//! Using tokens: refresh, revoke, sign out, introspect, userinfo, reveal, copy (with the
//! clipboard cleared later), the flow trace and its HAR export; and the app's preferences.

use std::sync::atomic::Ordering;
use std::time::Duration;

use oauth_desk::trace::Trace;
use oauth_desk::{
    CallRequest, CallResult, ErrorKind, ProviderRef, ProviderView, Secret, TokenFormat, TokenKind,
    UserInfo,
};
use serde_json::Value;
use tauri::{AppHandle, Emitter, State};
use tauri_plugin_clipboard_manager::ClipboardExt;

use super::view;
use crate::error::{CommandError, CommandResult};
use crate::state::AppState;
use crate::views::SHELL_EVENT;
use crate::views::{CallInput, Settings, ShellEvent};

#[tauri::command]
pub async fn refresh(
    state: State<'_, AppState>,
    provider: ProviderRef,
) -> CommandResult<ProviderView> {
    state.desk.refresh_now(&provider).await?;
    view(&state.desk, &provider).await
}

/// Revokes at the server (RFC 7009); the tokens stay, marked, so introspection shows them dead.
#[tauri::command]
pub async fn revoke(
    state: State<'_, AppState>,
    provider: ProviderRef,
) -> CommandResult<ProviderView> {
    state.desk.revoke(&provider).await?;
    view(&state.desk, &provider).await
}

/// Forgets the tokens here (nothing is sent to the server).
#[tauri::command]
pub async fn sign_out(
    state: State<'_, AppState>,
    provider: ProviderRef,
) -> CommandResult<ProviderView> {
    state.desk.logout(&provider).await?;
    view(&state.desk, &provider).await
}

#[tauri::command]
pub async fn introspect(
    state: State<'_, AppState>,
    provider: ProviderRef,
    kind: TokenKind,
) -> CommandResult<Value> {
    Ok(Value::Object(state.desk.introspect(&provider, kind).await?))
}

#[tauri::command]
pub async fn userinfo(state: State<'_, AppState>, provider: ProviderRef) -> CommandResult<Value> {
    Ok(match state.desk.userinfo(&provider).await? {
        UserInfo::Claims(claims) => Value::Object(claims),
        // A signed or encrypted answer: shown as the UI shows any JWT.
        UserInfo::Jwt(jwt) => Value::String(jwt),
    })
}

/// The token's value, for the reveal button. Copying never needs this.
#[tauri::command]
pub async fn reveal_token(
    state: State<'_, AppState>,
    provider: ProviderRef,
    kind: TokenKind,
) -> CommandResult<String> {
    let token = state
        .desk
        .token_text(&provider, kind, TokenFormat::Raw)
        .await?;
    Ok(token.expose().to_owned())
}

/// Copies a token in `format` to the clipboard and, after the configured time, clears the
/// clipboard if it still holds what was copied.
#[tauri::command]
pub async fn copy_token(
    app: AppHandle,
    state: State<'_, AppState>,
    provider: ProviderRef,
    kind: TokenKind,
    format: TokenFormat,
) -> CommandResult<()> {
    let text = state.desk.token_text(&provider, kind, format).await?;
    copy_secret(&app, &state, text.expose().to_owned())
}

/// The headers a request to `url` needs (`Authorization`, and a DPoP proof for this method
/// and URL), copied like a token (*Copy as DPoP headers*).
#[tauri::command]
pub async fn copy_resource_headers(
    app: AppHandle,
    state: State<'_, AppState>,
    provider: ProviderRef,
    method: String,
    url: String,
) -> CommandResult<()> {
    let text = state
        .desk
        .resource_headers(&provider, &method, &url)
        .await?;
    copy_secret(&app, &state, text.expose().to_owned())
}

/// Sends a request with a fresh token (*Try it*); the answer with its challenge explained.
#[tauri::command]
pub async fn call_resource(
    state: State<'_, AppState>,
    provider: ProviderRef,
    input: CallInput,
) -> CommandResult<CallResult> {
    let request = CallRequest {
        max_body: None,
        method: Some(input.method).filter(|m| !m.trim().is_empty()),
        url: input.url,
        headers: input
            .headers
            .into_iter()
            .filter(|h| !h.trim().is_empty())
            .collect(),
        body: input.body.filter(|b| !b.is_empty()).map(Secret::new),
    };
    Ok(state.desk.call(&provider, request).await?)
}

/// Puts `text` on the clipboard and, after the configured time, clears the clipboard if it
/// still holds it.
fn copy_secret(app: &AppHandle, state: &State<'_, AppState>, text: String) -> CommandResult<()> {
    app.clipboard()
        .write_text(text.clone())
        .map_err(|e| CommandError::new(ErrorKind::Io, format!("could not copy: {e}")))?;
    let generation = state.clipboard_generation.fetch_add(1, Ordering::SeqCst) + 1;
    let secs = state.settings().clipboard_clear_secs;
    if secs > 0 {
        let app = app.clone();
        tauri::async_runtime::spawn(async move {
            tokio::time::sleep(Duration::from_secs(u64::from(secs))).await;
            let state: State<'_, AppState> = tauri::Manager::state(&app);
            if state.clipboard_generation.load(Ordering::SeqCst) != generation {
                return;
            }
            if app.clipboard().read_text().is_ok_and(|now| now == text) {
                let _ = app.clipboard().write_text(String::new());
                let _ = app.emit_to("main", SHELL_EVENT, ShellEvent::ClipboardCleared);
            }
        });
    }
    Ok(())
}

/// The last flow's HTTP exchanges, redacted as recorded.
#[tauri::command]
pub async fn get_trace(
    state: State<'_, AppState>,
    provider: ProviderRef,
) -> CommandResult<Option<Trace>> {
    Ok(state.desk.trace(&provider).await?)
}

/// The last trace as a HAR 1.2 file in the downloads folder; returns its path.
#[tauri::command]
pub async fn export_har(
    app: AppHandle,
    state: State<'_, AppState>,
    provider: ProviderRef,
) -> CommandResult<String> {
    let trace = state.desk.trace(&provider).await?.ok_or_else(|| {
        CommandError::new(
            ErrorKind::Invalid,
            format!("{provider} has no trace yet: run a flow first"),
        )
    })?;
    let har = serde_json::to_vec_pretty(&oauth_desk::trace::to_har(&trace))
        .map_err(|e| CommandError::new(ErrorKind::Internal, e.to_string()))?;
    let file = format!("oauth-desk-{}.har", provider.typed());
    super::save_download(&app, &file, &har)
}

#[tauri::command]
pub fn get_settings(state: State<'_, AppState>) -> Settings {
    state.settings()
}

#[tauri::command]
pub fn set_settings(state: State<'_, AppState>, settings: Settings) -> CommandResult<Settings> {
    state.save_settings(settings)?;
    Ok(state.settings())
}
