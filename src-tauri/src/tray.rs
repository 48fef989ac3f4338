//! The tray icon: each identity's state and a "copy access token" for each; "Show" and
//! "Quit". Rebuilt whenever something changes (a flow, a keeper event).

use oauth_desk::report::Status;
use oauth_desk::{TokenFormat, TokenKind};
use tauri::menu::{Menu, MenuBuilder, MenuItem, PredefinedMenuItem};
use tauri::tray::TrayIconBuilder;
use tauri::{AppHandle, Manager, Wry};

use crate::state::AppState;

const TRAY_ID: &str = "main";

/// "● signed in · expires 14:32" — glyph and words, never colour alone.
pub fn status_line(status: Status, expires_at: Option<i64>) -> String {
    match status {
        Status::SignedIn => {
            let expiry = expires_at
                .and_then(|at| jiff::Timestamp::from_second(at).ok())
                .map(|at| {
                    let local = at.to_zoned(jiff::tz::TimeZone::system());
                    format!(" · expires {}", local.strftime("%H:%M"))
                })
                .unwrap_or_default();
            format!("● signed in{expiry}")
        }
        Status::NotSignedIn => "○ not signed in".into(),
        Status::SignInNeeded => "▲ sign-in needed".into(),
        Status::Error => "✕ error".into(),
    }
}

/// One line per identity of every provider (the project's in its current environment, then
/// the config's), each with a "copy access token" item.
async fn build_menu(app: &AppHandle) -> tauri::Result<Menu<Wry>> {
    let state = app.state::<AppState>();
    let mut menu = MenuBuilder::new(app);
    let references = state.desk.references().unwrap_or_default();
    if references.is_empty() {
        menu = menu.item(&MenuItem::with_id(
            app,
            "none",
            "No providers yet",
            false,
            None::<&str>,
        )?);
    }
    for reference in references {
        // The vault's token sets only: the tray needs no decoding or signature checks.
        let identities = state.desk.identities(&reference).await.unwrap_or_default();
        for identity in identities {
            let slot = identity.reference.slot_key();
            let title = identity.reference.to_string();
            let line = status_line(identity.status, identity.expires_at);
            let signed_in = identity.status == Status::SignedIn;
            menu = menu
                .item(&MenuItem::with_id(
                    app,
                    format!("status:{slot}"),
                    format!("{title} — {line}"),
                    false,
                    None::<&str>,
                )?)
                .item(&MenuItem::with_id(
                    app,
                    format!("copy:{slot}"),
                    format!("    Copy {title} access token"),
                    signed_in,
                    None::<&str>,
                )?);
        }
    }
    menu.item(&PredefinedMenuItem::separator(app)?)
        .item(&MenuItem::with_id(
            app,
            "show",
            "Show OAuth Desk",
            true,
            None::<&str>,
        )?)
        .item(&MenuItem::with_id(app, "quit", "Quit", true, None::<&str>)?)
        .build()
}

pub fn show_main(app: &AppHandle) {
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.show();
        let _ = window.unminimize();
        let _ = window.set_focus();
    }
}

pub fn create(app: &AppHandle) -> tauri::Result<()> {
    let mut builder = TrayIconBuilder::with_id(TRAY_ID)
        .tooltip("OAuth Desk")
        .on_menu_event(|app, event| {
            let id = event.id().as_ref().to_owned();
            match id.as_str() {
                "show" => show_main(app),
                "quit" => app.exit(0),
                _ => {
                    let state = app.state::<AppState>();
                    if let Some(reference) = id
                        .strip_prefix("copy:")
                        .and_then(oauth_desk::provider::Slot::parse)
                        .and_then(|slot| state.desk.slot_reference(&slot))
                    {
                        let app = app.clone();
                        tauri::async_runtime::spawn(async move {
                            let state = app.state::<AppState>();
                            let shown = reference.to_string();
                            if let Err(e) = crate::commands::tokens::copy_token(
                                app.clone(),
                                state,
                                reference,
                                TokenKind::Access,
                                TokenFormat::Raw,
                            )
                            .await
                            {
                                tracing::warn!("{shown}: {e}");
                            }
                        });
                    }
                }
            }
        });
    if let Some(icon) = app.default_window_icon() {
        builder = builder.icon(icon.clone());
    }
    builder.build(app)?;
    refresh(app);
    Ok(())
}

/// Rebuilds the tray menu in the background.
pub fn refresh(app: &AppHandle) {
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let Some(tray) = app.tray_by_id(TRAY_ID) else {
            return;
        };
        match build_menu(&app).await {
            Ok(menu) => {
                let _ = tray.set_menu(Some(menu));
            }
            Err(e) => tracing::debug!("tray menu: {e}"),
        }
    });
}
