//! The consent lab: the plan kept with a provider, a run (one engine call; each case's login
//! window is the host's, its progress reaches the UI on the change stream), the last run with
//! its matrix, exports to the Downloads folder, and a kept case's tokens.

use oauth_desk::lab::{LabFormat, Plan};
use oauth_desk::report::Report;
use oauth_desk::{DeskError, LabHost, LabPlanView, LabRequest, ProviderRef};
use tauri::{AppHandle, State};

use super::signin::Window;
use crate::error::CommandResult;
use crate::state::AppState;
use crate::views::LabRunView;

/// Each case's page in a throw-away login window (or the system browser), its device code in
/// the main window: the sign-in host as it is; the progress comes on the change stream.
impl LabHost for Window<'_> {}

/// The plan kept with the provider, or the example to start from.
#[tauri::command]
pub async fn lab_plan(
    state: State<'_, AppState>,
    provider: ProviderRef,
) -> CommandResult<LabPlanView> {
    Ok(state.desk.lab_plan(&provider).await?)
}

/// Reads a plan as the editor holds it: its cases, or the error naming the line.
#[tauri::command]
pub fn check_lab_plan(text: String) -> CommandResult<Plan> {
    Ok(Plan::parse(&text).map_err(DeskError::from)?)
}

/// Keeps the plan with the provider (`None` forgets it).
#[tauri::command]
pub async fn save_lab_plan(
    state: State<'_, AppState>,
    provider: ProviderRef,
    text: Option<String>,
) -> CommandResult<Option<Plan>> {
    Ok(state.desk.save_lab_plan(&provider, text).await?)
}

/// Runs the plan as the editor holds it (kept with the provider first), or one of its cases.
#[tauri::command]
pub async fn run_lab(
    app: AppHandle,
    state: State<'_, AppState>,
    provider: ProviderRef,
    plan: String,
    only: Option<String>,
    keep_tokens: bool,
) -> CommandResult<LabRunView> {
    let request = LabRequest {
        plan: Some(plan),
        only,
        keep_tokens,
        save_plan: true,
    };
    let host = Window {
        app: &app,
        state: &state,
    };
    let run = state.desk.run_lab(&provider, request, &host).await?;
    Ok(LabRunView::new(run))
}

/// The provider's last run, with its matrix.
#[tauri::command]
pub async fn last_lab_run(
    state: State<'_, AppState>,
    provider: ProviderRef,
) -> CommandResult<Option<LabRunView>> {
    Ok(state
        .desk
        .last_lab_run(&provider)
        .await?
        .map(LabRunView::new))
}

/// Writes a kept run as JSON, JUnit, CSV or Markdown to the Downloads folder; the file's path.
#[tauri::command]
pub async fn export_lab_run(
    app: AppHandle,
    state: State<'_, AppState>,
    provider: ProviderRef,
    started_at: i64,
    format: LabFormat,
) -> CommandResult<String> {
    let text = state
        .desk
        .export_lab_run(&provider, started_at, format)
        .await?;
    let file = format!(
        "oauth-desk-lab-{}-{started_at}.{}",
        provider.typed(),
        format.extension()
    );
    super::save_download(&app, &file, text.as_bytes())
}

/// A case's kept tokens, decoded and checked (runs with "keep tokens").
#[tauri::command]
pub async fn lab_case_report(
    state: State<'_, AppState>,
    provider: ProviderRef,
    case: String,
) -> CommandResult<Report> {
    Ok(state.desk.lab_case_report(&provider, &case).await?)
}
