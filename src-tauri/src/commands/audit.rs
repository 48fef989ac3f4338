//! The Audit tab: the provider's server reviewed against the RFCs (with `active`, probed
//! through sign-ins in the login window, once the person has agreed to the engine's plan), and
//! its exports.

use oauth_desk::ProviderRef;
use oauth_desk::audit::{ActivePlan, AuditFormat, AuditReport};
use tauri::{AppHandle, State};

use super::signin::Window;
use crate::error::CommandResult;
use crate::state::AppState;

/// What probing with sign-ins will do to the provider's server, in the engine's words, for the
/// confirmation shown before `audit_provider` with `active`.
#[tauri::command]
pub async fn audit_plan(
    state: State<'_, AppState>,
    provider: ProviderRef,
) -> CommandResult<ActivePlan> {
    Ok(state.desk.active_audit_plan(&provider).await?)
}

#[tauri::command]
pub async fn audit_provider(
    app: AppHandle,
    state: State<'_, AppState>,
    provider: ProviderRef,
    active: bool,
) -> CommandResult<AuditReport> {
    let report = if active {
        let host = Window {
            app: &app,
            state: &state,
        };
        state.desk.audit_active(&provider, &host).await?
    } else {
        state.desk.audit(&provider).await?
    };
    state
        .last_audits
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .insert(provider.to_string(), report.clone());
    Ok(report)
}

/// Saves the audit last shown (else a new passive one) in `format` in the downloads folder;
/// returns the path.
#[tauri::command]
pub async fn export_audit(
    app: AppHandle,
    state: State<'_, AppState>,
    provider: ProviderRef,
    format: AuditFormat,
) -> CommandResult<String> {
    let kept = state
        .last_audits
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .get(&provider.to_string())
        .cloned();
    let report = match kept {
        Some(report) => report,
        None => state.desk.audit(&provider).await?,
    };
    let file = format!(
        "oauth-desk-audit-{}.{}",
        provider.typed(),
        format.extension()
    );
    super::save_download(&app, &file, report.export(format).as_bytes())
}
