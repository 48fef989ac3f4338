//! The engine's keeper, inside the app: it renews tokens in the background; the shell forwards
//! its events to the UI, the tray and OS notifications, and serves the agent socket so the
//! CLI's `token` and `refresh` go through this keeper too.

use std::sync::Arc;

use oauth_desk::desk::Desk;
use oauth_desk::keeper::{self, KeeperClock, KeeperEvent, Plan, RenewError, Renewer};
use tauri::{AppHandle, Emitter, Manager};
use tauri_plugin_notification::NotificationExt;

use crate::commands::{KEEPER_EVENT, emit};
use crate::state::AppState;
use crate::views::ShellEvent;

/// The `Desk` as renewer, telling the UI when a renewal starts (the keeper's events say how it
/// ended).
struct AppRenewer {
    desk: Arc<Desk>,
    app: AppHandle,
}

impl Renewer for AppRenewer {
    async fn plans(&self) -> Vec<Plan> {
        self.desk.plans().await
    }

    async fn renew(&self, provider: &str) -> Result<Option<Plan>, RenewError> {
        emit(
            &self.app,
            ShellEvent::Refreshing {
                provider: provider.to_owned(),
            },
        );
        self.desk.renew(provider).await
    }
}

/// What deserves an OS notification: the user has to act, or their token is at risk.
fn notification(event: &KeeperEvent) -> Option<(String, String)> {
    match event {
        KeeperEvent::SignInNeeded { provider, reason } => Some((
            format!("{provider}: sign-in needed"),
            format!("{reason}. Open OAuth Desk and sign in again."),
        )),
        KeeperEvent::Stopped { provider, reason } => Some((
            format!("{provider}: refresh stopped"),
            format!("{reason}. Check the provider's settings."),
        )),
        KeeperEvent::RefreshFailed {
            provider,
            reason,
            retry_in_secs,
        } => Some((
            format!("{provider}: refresh failed"),
            format!("{reason}. Retrying in {retry_in_secs} s."),
        )),
        KeeperEvent::Expired { provider } => Some((
            format!("{provider}: access token expired"),
            "It could not be renewed in time.".to_owned(),
        )),
        _ => None,
    }
}

pub fn start(app: &AppHandle, desk: Arc<Desk>) {
    let renewer = Arc::new(AppRenewer {
        desk: desk.clone(),
        app: app.clone(),
    });
    let (handle, _task) =
        tauri::async_runtime::block_on(async { keeper::spawn(renewer, KeeperClock::default()) });
    let mut events = handle.subscribe();
    let state = app.state::<AppState>();
    let _ = state.keeper.set(handle.clone());

    let forward = app.clone();
    tauri::async_runtime::spawn(async move {
        use tokio::sync::broadcast::error::RecvError;
        loop {
            let event = match events.recv().await {
                Ok(event) => event,
                Err(RecvError::Lagged(_)) => continue,
                Err(RecvError::Closed) => break,
            };
            tracing::info!(?event, "keeper");
            let _ = forward.emit_to("main", KEEPER_EVENT, &event);
            crate::tray::refresh(&forward);
            let state = forward.state::<AppState>();
            if state.settings().notifications
                && let Some((title, body)) = notification(&event)
                && let Err(e) = forward
                    .notification()
                    .builder()
                    .title(title)
                    .body(body)
                    .show()
            {
                tracing::debug!("no notification: {e}");
            }
        }
    });

    let path = oauth_desk::agent::socket_path(desk.paths());
    tauri::async_runtime::spawn(async move {
        if let Err(e) = oauth_desk::agent::serve(desk, handle, path).await {
            // Another keeper (e.g. `oauth-desk keeper`) already serves the socket: both keep
            // tokens fresh, the engine's single-flight lock makes them take turns.
            tracing::info!("agent socket not served: {e}");
        }
    });
}
