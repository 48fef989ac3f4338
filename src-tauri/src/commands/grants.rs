//! The grants without a login page — token exchange, JWT bearer, password — and signing out
//! everywhere (RP-initiated logout in the provider's login window). One engine call each.

use oauth_desk::grant::{
    AssertionSource, ExchangeRequest, JwtBearerRequest, PASSWORD_GRANT_WARNING,
};
use oauth_desk::provider::Scope;
use oauth_desk::{ProviderRef, ProviderView, Secret};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use tauri::{AppHandle, State};
use ts_rs::TS;

use super::signin::Window;
use super::view;
use crate::error::CommandResult;
use crate::state::AppState;

/// Where the assertion of a JWT-bearer grant comes from, as the UI's editor chose it.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AssertionInput {
    /// Another provider's ID token.
    IdTokenOf { provider: ProviderRef },
    /// Pasted whole.
    Given { assertion: String },
    /// Signed by the engine with this provider's private key.
    SelfSigned {
        subject: Option<String>,
        issuer: Option<String>,
    },
}

/// Sentences the engine words for the grant dialogs.
#[derive(Debug, Clone, Serialize, TS)]
pub struct GrantTexts {
    pub password_warning: String,
}

#[tauri::command]
pub fn grant_texts() -> GrantTexts {
    GrantTexts {
        password_warning: PASSWORD_GRANT_WARNING.to_owned(),
    }
}

/// Exchanges another provider's token for this one's (RFC 8693).
#[tauri::command]
pub async fn exchange(
    state: State<'_, AppState>,
    provider: ProviderRef,
    request: ExchangeRequest,
) -> CommandResult<ProviderView> {
    state.desk.exchange(&provider, request).await?;
    view(&state.desk, &provider).await
}

/// The claims a self-signed assertion would carry, shown before signing.
#[tauri::command]
pub async fn assertion_preview(
    state: State<'_, AppState>,
    provider: ProviderRef,
    subject: Option<String>,
    issuer: Option<String>,
) -> CommandResult<Map<String, Value>> {
    Ok(state
        .desk
        .assertion_preview(&provider, subject.as_deref(), issuer.as_deref())
        .await?)
}

/// The JWT-bearer grant (RFC 7523).
#[tauri::command]
pub async fn jwt_bearer(
    state: State<'_, AppState>,
    provider: ProviderRef,
    assertion: AssertionInput,
    scope: Option<String>,
) -> CommandResult<ProviderView> {
    let assertion = match assertion {
        AssertionInput::IdTokenOf { provider: other } => AssertionSource::IdTokenOf(other),
        AssertionInput::Given { assertion } => {
            AssertionSource::Given(Secret::new(assertion.trim()))
        }
        AssertionInput::SelfSigned { subject, issuer } => {
            AssertionSource::SelfSigned { subject, issuer }
        }
    };
    state
        .desk
        .jwt_bearer(
            &provider,
            JwtBearerRequest {
                assertion,
                scope: scope.map(Scope::from),
            },
        )
        .await?;
    view(&state.desk, &provider).await
}

/// The legacy password grant; the password is sent once and never kept.
#[tauri::command]
pub async fn password_grant(
    state: State<'_, AppState>,
    provider: ProviderRef,
    username: String,
    password: String,
    scope: Option<String>,
) -> CommandResult<ProviderView> {
    state
        .desk
        .password_grant(
            &provider,
            &username,
            Secret::new(password),
            scope.map(Scope::from).as_ref(),
        )
        .await?;
    view(&state.desk, &provider).await
}

/// Signs out everywhere: the provider's end-session page in its login window (its profile
/// holds the session), then the tokens and the login profile are gone.
#[tauri::command]
pub async fn end_session(
    app: AppHandle,
    state: State<'_, AppState>,
    provider: ProviderRef,
) -> CommandResult<ProviderView> {
    let host = Window {
        app: &app,
        state: &state,
    };
    state.desk.end_session(&provider, &host).await?;
    view(&state.desk, &provider).await
}
