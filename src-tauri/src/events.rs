//! The engine at work inside the app: its keeper renews tokens in the background and serves
//! the agent socket (so the CLI's `token` asks it); everything the engine publishes on its
//! change stream goes to the window ("desk"), the tray, and — when the person must act — an OS
//! notification.

use std::sync::Arc;

use oauth_desk::keeper::KeeperEvent;
use oauth_desk::{Change, Desk};
use tauri::{AppHandle, Emitter, Manager};
use tokio::sync::broadcast::error::RecvError;

use crate::state::AppState;

/// The UI's channel for the engine's changes (`Change`).
pub const DESK_EVENT: &str = "desk";

/// What deserves an OS notification: the person has to act, or their token is at risk.
/// `title` names the event's provider, identity and environment as a person reads them.
fn notification(event: &KeeperEvent, title: &str) -> Option<(String, String)> {
    let provider = title;
    match event {
        KeeperEvent::SignInNeeded { reason, .. } => Some((
            format!("{provider}: sign-in needed"),
            format!("{reason}. Open OAuth Desk and sign in again."),
        )),
        KeeperEvent::Stopped { reason, .. } => Some((
            format!("{provider}: refresh stopped"),
            format!("{reason}. Check the provider's settings."),
        )),
        KeeperEvent::RefreshFailed {
            reason,
            retry_in_secs,
            ..
        } => Some((
            format!("{provider}: refresh failed"),
            format!("{reason}. Retrying in {retry_in_secs} s."),
        )),
        KeeperEvent::Expired { .. } => Some((
            format!("{provider}: access token expired"),
            "It could not be renewed in time.".to_owned(),
        )),
        _ => None,
    }
}

fn notify(app: &AppHandle, event: &KeeperEvent) {
    let state = app.state::<AppState>();
    if state.settings().notifications
        && let Some((title, body)) = notification(event, &state.desk.slot_title(event.provider()))
    {
        show_notification(app, title, body);
    }
}

#[cfg(feature = "notifications")]
fn show_notification(app: &AppHandle, title: String, body: String) {
    use tauri_plugin_notification::NotificationExt;
    if let Err(e) = app.notification().builder().title(title).body(body).show() {
        tracing::debug!("no notification: {e}");
    }
}

/// A build without the notification plugin (the macOS type-check on Linux: see
/// docs/platforms.md) logs what it would have shown.
#[cfg(not(feature = "notifications"))]
fn show_notification(_app: &AppHandle, title: String, body: String) {
    tracing::info!("notification (not built in): {title}: {body}");
}

/// Starts the keeper and forwards the change stream, for as long as the app runs.
pub fn start(app: &AppHandle, desk: Arc<Desk>) {
    let mut changes = desk.subscribe();
    let forward = app.clone();
    tauri::async_runtime::spawn(async move {
        let mut keeper = desk.start_keeper();
        let _watching = desk.watch_project();
        let agent = async {
            // Another keeper (e.g. `oauth-desk keeper`) may serve the socket already: both keep
            // tokens fresh, the engine's single-flight lock makes them take turns.
            let e = keeper.agent_stopped().await;
            tracing::info!("agent socket not served: {e}");
            std::future::pending::<()>().await
        };
        let relay = async {
            loop {
                let change = match changes.recv().await {
                    Ok(change) => change,
                    Err(RecvError::Lagged(_)) => continue,
                    Err(RecvError::Closed) => break,
                };
                tracing::debug!(?change, "desk");
                if let Change::Keeper { event } = &change {
                    tracing::info!(?event, "keeper");
                    notify(&forward, event);
                }
                let _ = forward.emit_to("main", DESK_EVENT, &change);
                if !matches!(change, Change::Refreshing { .. }) {
                    crate::tray::refresh(&forward);
                }
            }
        };
        tokio::select! {
            () = agent => {}
            () = relay => {}
        }
    });
}
