//! OAuth Desk, the desktop app: the Tauri shell around the `oauth-desk` engine.

// No console window on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod bindings;
mod commands;
mod error;
mod events;
mod lean;
mod login_window;
mod state;
mod tray;
mod views;

use std::sync::Arc;

use oauth_desk::Desk;
use tauri::{Manager, WindowEvent};

use crate::state::AppState;

/// With `OAUTH_DESK_STARTUP_PROBE=1`, prints when start-up milestones happen (Unix ms) for the
/// launch-time benchmark (benches/app.sh); silent otherwise.
pub fn startup_probe(milestone: &str) {
    if std::env::var_os("OAUTH_DESK_STARTUP_PROBE").is_some() {
        let ms = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_millis());
        eprintln!("startup: {milestone} at {ms}");
    }
}

/// The project opened last, unless this start names one ($OAUTH_DESK_PROJECT) or was started
/// inside one.
fn reopen_last_project(desk: &Desk, state: &AppState) {
    if desk.workspace().project.is_none()
        && let Some(last) = state.settings().last_project
    {
        let mut workspace = desk.workspace();
        workspace.project = Some(last.into());
        desk.set_workspace(workspace);
    }
}

fn main() {
    lean::before_first_webview();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("OAUTH_DESK_LOG")
                .unwrap_or_else(|_| "info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let desk = match Desk::from_env() {
        Ok(desk) => Arc::new(desk),
        Err(e) => {
            eprintln!("oauth-desk-app: {}", error::CommandError::from(e));
            std::process::exit(1);
        }
    };

    let state = AppState::new(desk.clone());
    reopen_last_project(&desk, &state);

    let builder = tauri::Builder::default()
        // First: a second launch only brings the running app's window forward.
        .plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| {
            tray::show_main(app);
        }));
    #[cfg(feature = "notifications")]
    let builder = builder.plugin(tauri_plugin_notification::init());
    let app = builder
        .plugin(tauri_plugin_clipboard_manager::init())
        .manage(state)
        .invoke_handler(commands::handler())
        .on_page_load(|webview, payload| {
            if webview.label() == "main"
                && payload.event() == tauri::webview::PageLoadEvent::Finished
            {
                startup_probe("page loaded");
            }
        })
        .on_window_event(|window, event| {
            if window.label() == "main"
                && let WindowEvent::CloseRequested { api, .. } = event
            {
                let app = window.app_handle();
                let state = app.state::<AppState>();
                let tray_alive = app.tray_by_id("main").is_some();
                if state.settings().close_to_tray && tray_alive {
                    api.prevent_close();
                    let _ = window.hide();
                } else {
                    app.exit(0);
                }
            }
        })
        .setup(move |app| {
            let handle = app.handle().clone();
            if let Err(e) = tray::create(&handle) {
                tracing::warn!("no tray icon: {e}");
            }
            events::start(&handle, desk.clone());
            Ok(())
        })
        .build(tauri::generate_context!());
    match app {
        Ok(app) => app.run(|_, _| {}),
        Err(e) => {
            eprintln!("oauth-desk-app: could not start: {e}");
            std::process::exit(1);
        }
    }
}
