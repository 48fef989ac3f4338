//! Using tokens: refresh, revoke, sign out, introspect, userinfo, reveal, copy (with the
//! clipboard cleared later), the flow trace and its HAR export; and the app's preferences.

use std::sync::atomic::Ordering;
use std::time::Duration;

use oauth_desk::flow::endpoints::UserInfo;
use oauth_desk::secret::Secret;
use oauth_desk::trace::Trace;
use serde_json::Value;
use tauri::{AppHandle, State};
use tauri_plugin_clipboard_manager::ClipboardExt;

use super::{changed, emit, view};
use crate::error::{CommandError, CommandResult};
use crate::state::AppState;
use crate::views::{CopyFormat, ProviderView, Settings, ShellEvent, TokenKind};

#[tauri::command]
pub async fn refresh(
    app: AppHandle,
    state: State<'_, AppState>,
    name: String,
) -> CommandResult<ProviderView> {
    emit(
        &app,
        ShellEvent::Refreshing {
            provider: name.clone(),
        },
    );
    let result = state.desk.refresh(&name, true).await;
    state.rearm();
    changed(&app, Some(&name));
    result?;
    view(&state.desk, &name).await
}

/// Revokes at the server (RFC 7009); the tokens stay, marked, so introspection shows them dead.
#[tauri::command]
pub async fn revoke(
    app: AppHandle,
    state: State<'_, AppState>,
    name: String,
) -> CommandResult<ProviderView> {
    let result = state.desk.revoke(&name).await;
    state.rearm();
    changed(&app, Some(&name));
    result?;
    view(&state.desk, &name).await
}

/// Forgets the tokens here (nothing is sent to the server).
#[tauri::command]
pub async fn sign_out(
    app: AppHandle,
    state: State<'_, AppState>,
    name: String,
) -> CommandResult<ProviderView> {
    state.desk.logout(&name).await?;
    state.rearm();
    changed(&app, Some(&name));
    view(&state.desk, &name).await
}

#[tauri::command]
pub async fn introspect(
    state: State<'_, AppState>,
    name: String,
    kind: TokenKind,
) -> CommandResult<Value> {
    let kind = match kind {
        TokenKind::Refresh => oauth_desk::flow::endpoints::TokenKind::Refresh,
        _ => oauth_desk::flow::endpoints::TokenKind::Access,
    };
    Ok(Value::Object(state.desk.introspect(&name, kind).await?))
}

#[tauri::command]
pub async fn userinfo(state: State<'_, AppState>, name: String) -> CommandResult<Value> {
    Ok(match state.desk.userinfo(&name).await? {
        UserInfo::Claims(claims) => Value::Object(claims),
        // A signed or encrypted answer: shown as the UI shows any JWT.
        UserInfo::Jwt(jwt) => Value::String(jwt),
    })
}

async fn token(state: &AppState, name: &str, kind: TokenKind) -> CommandResult<Secret> {
    let missing = |what: &str| CommandError::new("not_signed_in", format!("{name} has no {what}"));
    match kind {
        // A fresh one: renewed first when due, as `oauth-desk token` does.
        TokenKind::Access => Ok(state.desk.access_token(name).await?),
        TokenKind::Id | TokenKind::Refresh => {
            let tokens = state
                .desk
                .tokens(name)
                .await?
                .ok_or_else(|| missing("tokens"))?;
            match kind {
                TokenKind::Id => tokens.id_token.ok_or_else(|| missing("ID token")),
                _ => tokens.refresh_token.ok_or_else(|| missing("refresh token")),
            }
        }
    }
}

/// The token's value, for the reveal button. Copying never needs this.
#[tauri::command]
pub async fn reveal_token(
    state: State<'_, AppState>,
    name: String,
    kind: TokenKind,
) -> CommandResult<String> {
    Ok(token(&state, &name, kind).await?.expose().to_owned())
}

/// What `format` makes of a token; `target` is the URL for the curl line.
pub fn format_token(
    token: &str,
    format: CopyFormat,
    provider: &str,
    kind: TokenKind,
    target: &str,
) -> String {
    let quoted = |s: &str| format!("'{}'", s.replace('\'', r"'\''"));
    match format {
        CopyFormat::Raw => token.to_owned(),
        CopyFormat::Header => format!("Authorization: Bearer {token}"),
        CopyFormat::Curl => format!(
            "curl -H {} {}",
            quoted(&format!("Authorization: Bearer {token}")),
            quoted(target)
        ),
        CopyFormat::Env => {
            let prefix: String = provider
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() {
                        c.to_ascii_uppercase()
                    } else {
                        '_'
                    }
                })
                .collect();
            let suffix = match kind {
                TokenKind::Access => "ACCESS_TOKEN",
                TokenKind::Id => "ID_TOKEN",
                TokenKind::Refresh => "REFRESH_TOKEN",
            };
            format!("export {prefix}_{suffix}={}", quoted(token))
        }
    }
}

/// Copies a token to the clipboard and, after the configured time, clears the clipboard if it
/// still holds what was copied.
#[tauri::command]
pub async fn copy_token(
    app: AppHandle,
    state: State<'_, AppState>,
    name: String,
    kind: TokenKind,
    format: CopyFormat,
) -> CommandResult<()> {
    let value = token(&state, &name, kind).await?;
    let target = state
        .desk
        .provider(&name)?
        .endpoints
        .userinfo
        .map_or_else(|| "https://api.example.com/".to_owned(), |u| u.to_string());
    let text = format_token(value.expose(), format, &name, kind, &target);
    app.clipboard()
        .write_text(text.clone())
        .map_err(|e| CommandError::new("clipboard", format!("could not copy: {e}")))?;
    changed(&app, Some(&name));
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
                emit(&app, ShellEvent::ClipboardCleared);
            }
        });
    }
    Ok(())
}

/// The last flow's HTTP exchanges, redacted as recorded.
#[tauri::command]
pub fn get_trace(state: State<'_, AppState>, name: String) -> CommandResult<Option<Trace>> {
    Ok(state.desk.trace(&name)?)
}

/// The last trace as a HAR 1.2 file in the downloads folder; returns its path.
#[tauri::command]
pub fn export_har(
    app: AppHandle,
    state: State<'_, AppState>,
    name: String,
) -> CommandResult<String> {
    let trace = state.desk.trace(&name)?.ok_or_else(|| {
        CommandError::new(
            "invalid",
            format!("{name} has no trace yet: run a flow first"),
        )
    })?;
    let har = serde_json::to_vec_pretty(&oauth_desk::trace::to_har(&trace))
        .map_err(|e| CommandError::new("internal", e.to_string()))?;
    let dir = tauri::Manager::path(&app)
        .download_dir()
        .unwrap_or_else(|_| std::env::temp_dir());
    let path = dir.join(format!("oauth-desk-{name}.har"));
    std::fs::create_dir_all(&dir)
        .and_then(|()| std::fs::write(&path, har))
        .map_err(|e| CommandError::new("io", format!("could not write {}: {e}", path.display())))?;
    Ok(path.display().to_string())
}

#[tauri::command]
pub fn get_settings(state: State<'_, AppState>) -> Settings {
    state.settings()
}

#[tauri::command]
pub fn set_settings(state: State<'_, AppState>, settings: Settings) -> CommandResult<Settings> {
    state
        .save_settings(settings)
        .map_err(|e| CommandError::new("io", format!("could not save the settings: {e}")))?;
    Ok(state.settings())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copy_formats_quote_for_the_shell() {
        let t = "ey.J'x";
        assert_eq!(
            format_token(t, CopyFormat::Raw, "p", TokenKind::Access, "u"),
            t
        );
        assert_eq!(
            format_token(t, CopyFormat::Header, "p", TokenKind::Access, "u"),
            "Authorization: Bearer ey.J'x"
        );
        assert_eq!(
            format_token(t, CopyFormat::Curl, "p", TokenKind::Access, "https://op/me"),
            r"curl -H 'Authorization: Bearer ey.J'\''x' 'https://op/me'"
        );
        assert_eq!(
            format_token("abc", CopyFormat::Env, "my-op.dev", TokenKind::Id, "u"),
            "export MY_OP_DEV_ID_TOKEN='abc'"
        );
    }
}
