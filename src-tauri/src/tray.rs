//! The tray icon: each provider's state and a "copy access token" per provider; "Show" and
//! "Quit". Rebuilt whenever something changes (a flow, a keeper event).

use oauth_desk::report::Status;
use oauth_desk::{TokenFormat, TokenKind, TokenSet};
use tauri::menu::{Menu, MenuBuilder, MenuItem, PredefinedMenuItem};
use tauri::tray::TrayIconBuilder;
use tauri::{AppHandle, Manager, Wry};

use crate::state::AppState;

const TRAY_ID: &str = "main";

/// "● signed in · expires 14:32" — glyph and words, never colour alone.
pub fn status_line(tokens: Option<&TokenSet>) -> String {
    match Status::of(tokens).0 {
        Status::SignedIn => {
            let expiry = tokens
                .and_then(|t| t.expires_at)
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

async fn build_menu(app: &AppHandle) -> tauri::Result<Menu<Wry>> {
    let state = app.state::<AppState>();
    let mut menu = MenuBuilder::new(app);
    let providers = state.desk.providers().unwrap_or_default();
    if providers.is_empty() {
        menu = menu.item(&MenuItem::with_id(
            app,
            "none",
            "No providers yet",
            false,
            None::<&str>,
        )?);
    }
    for provider in providers {
        let name = provider.name.to_string();
        // The vault's token set only: the tray needs no decoding or signature checks.
        let line = match state.desk.tokens(&name).await {
            Ok(tokens) => status_line(tokens.as_ref()),
            Err(_) => "✕ error".into(),
        };
        let signed_in = line.starts_with('●');
        menu = menu
            .item(&MenuItem::with_id(
                app,
                format!("status:{name}"),
                format!("{name} — {line}"),
                false,
                None::<&str>,
            )?)
            .item(&MenuItem::with_id(
                app,
                format!("copy:{name}"),
                format!("    Copy {name} access token"),
                signed_in,
                None::<&str>,
            )?);
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
                    if let Some(name) = id.strip_prefix("copy:") {
                        let (app, name) = (app.clone(), name.to_owned());
                        tauri::async_runtime::spawn(async move {
                            let state = app.state::<AppState>();
                            if let Err(e) = crate::commands::tokens::copy_token(
                                app.clone(),
                                state,
                                name.clone(),
                                TokenKind::Access,
                                TokenFormat::Raw,
                            )
                            .await
                            {
                                tracing::warn!("{name}: {e}");
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
