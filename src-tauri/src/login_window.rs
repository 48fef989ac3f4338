//! The embedded login window: the provider's own pages in a separate webview with no IPC (it
//! matches no capability), the provider's own browser profile, or an empty ephemeral one for
//! "sign in as someone else". Every navigation is put to the engine, which captures the
//! redirect with the response (never loaded), blocks odd schemes and spots providers refusing
//! embedded browsers; closing the window cancels the sign-in.

use std::sync::Arc;

use oauth_desk::{Desk, Navigation, SessionId, SignInPage};
use tauri::{AppHandle, Manager, WebviewUrl, WebviewWindowBuilder, WindowEvent};
use url::Url;

/// Tests only: keep the login window on WebKit's default context, the only one WebDriver can
/// automate (a window with its own data directory is invisible to it).
pub const DEFAULT_CONTEXT_ENV: &str = "OAUTH_DESK_LOGIN_DEFAULT_CONTEXT";

/// The window of a sign-in.
pub fn label(session: SessionId) -> String {
    format!("login-{}", session.0)
}

/// "Sign in — accounts.example.com": the person sees whose page they type into.
pub fn title_for(url: &Url) -> String {
    match url.host_str() {
        Some(host) => match url.port() {
            Some(port) => format!("Sign in — {}://{host}:{port}", url.scheme()),
            None => format!("Sign in — {}://{host}", url.scheme()),
        },
        None => "Sign in".to_owned(),
    }
}

pub fn open(app: &AppHandle, desk: Arc<Desk>, page: &SignInPage) -> Result<(), String> {
    let label = label(page.session);
    let session = page.session;
    let nav_desk = desk.clone();
    let nav_app = app.clone();
    let nav_label = label.clone();
    let mut builder =
        WebviewWindowBuilder::new(app, &label, WebviewUrl::External(page.url.clone()))
            .title(title_for(&page.url))
            .inner_size(520.0, 720.0)
            .focused(true)
            .on_navigation(move |url| match nav_desk.login_navigation(session, url) {
                // The response went to the engine; nothing serves that URI, so don't load it.
                Navigation::Captured | Navigation::Block => false,
                _ => {
                    // Keep the title on the origin of the page the person is looking at.
                    let (app, label, title) = (nav_app.clone(), nav_label.clone(), title_for(url));
                    tauri::async_runtime::spawn(async move {
                        if let Some(w) = app.get_webview_window(&label) {
                            let _ = w.set_title(&title);
                        }
                    });
                    true
                }
            });
    let default_context = std::env::var_os(DEFAULT_CONTEXT_ENV).is_some_and(|v| v == "1");
    if !default_context {
        builder = if page.fresh {
            builder.incognito(true)
        } else {
            with_profile(
                builder,
                desk.browser_profile(&page.reference)
                    .map_err(|e| e.to_string())?,
            )
        };
    }
    let window = builder
        .build()
        .map_err(|e| format!("could not open the login window: {e}"))?;
    window.on_window_event(move |event| {
        if matches!(event, WindowEvent::Destroyed) {
            desk.cancel_session(session);
        }
    });
    Ok(())
}

/// The window keeps its cookies in the identity's own profile: a data directory for
/// WebKitGTK and WebView2, a data store for WKWebView (macOS 14 and later).
fn with_profile<'a>(
    builder: WebviewWindowBuilder<'a, tauri::Wry, AppHandle>,
    profile: oauth_desk::BrowserProfile,
) -> WebviewWindowBuilder<'a, tauri::Wry, AppHandle> {
    if cfg!(target_os = "macos") {
        builder.data_store_identifier(profile.store_id)
    } else {
        builder.data_directory(profile.dir)
    }
}

/// Closes the login window of a finished sign-in, if it is still open.
pub fn close(app: &AppHandle, session: SessionId) {
    if let Some(window) = app.get_webview_window(&label(session)) {
        let _ = window.close();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_title_names_the_origin() {
        assert_eq!(
            title_for(&"https://accounts.example.com/login?x=1".parse().unwrap()),
            "Sign in — https://accounts.example.com"
        );
        assert_eq!(
            title_for(&"http://127.0.0.1:3000/auth".parse().unwrap()),
            "Sign in — http://127.0.0.1:3000"
        );
    }
}
