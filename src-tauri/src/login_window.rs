//! The embedded login window: the provider's own pages in a separate webview with no IPC
//! (it matches no capability), its own browser profile per provider, or an empty ephemeral one
//! for "sign in as someone else". A registered non-loopback redirect URI is intercepted here on
//! navigation and never loaded; a loopback one is loaded and answered by the engine's listener.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use oauth_desk::explain::refuses_embedded_browser;
use oauth_desk::flow::authorize::is_redirect_to;
use tauri::{AppHandle, Manager, WebviewUrl, WebviewWindowBuilder, WindowEvent};
use tokio::sync::mpsc;
use url::Url;

use crate::state::RedirectMsg;

/// Tests only: keep the login window on WebKit's default context, the only one WebDriver can
/// automate (a window with its own data directory is invisible to it).
pub const DEFAULT_CONTEXT_ENV: &str = "OAUTH_DESK_LOGIN_DEFAULT_CONTEXT";

pub struct LoginWindow<'a> {
    pub provider: &'a str,
    pub label: String,
    pub url: Url,
    /// Where the authorization response goes.
    pub redirect_uri: Url,
    /// Intercept navigation to `redirect_uri` (a non-loopback URI nothing listens on).
    pub intercept: bool,
    /// An empty, ephemeral session instead of the provider's profile.
    pub fresh: bool,
    pub profile_dir: std::path::PathBuf,
    pub redirect: mpsc::UnboundedSender<RedirectMsg>,
    pub cancel: Arc<AtomicBool>,
    /// Called when the page tells us it refuses embedded browsers.
    pub on_refused: Box<dyn Fn() + Send + Sync>,
}

/// "Sign in — accounts.example.com": the user sees whose page they type into.
pub fn title_for(url: &Url) -> String {
    match url.host_str() {
        Some(host) => match url.port() {
            Some(port) => format!("Sign in — {}://{host}:{port}", url.scheme()),
            None => format!("Sign in — {}://{host}", url.scheme()),
        },
        None => "Sign in".to_owned(),
    }
}

pub fn open(app: &AppHandle, window: LoginWindow<'_>) -> tauri::Result<()> {
    let LoginWindow {
        provider,
        label,
        url,
        redirect_uri,
        intercept,
        fresh,
        profile_dir,
        redirect,
        cancel,
        on_refused,
    } = window;
    let title = title_for(&url);
    let nav_redirect = redirect.clone();
    let nav_app = app.clone();
    let nav_label = label.clone();
    let mut builder = WebviewWindowBuilder::new(app, &label, WebviewUrl::External(url))
        .title(title)
        .inner_size(520.0, 720.0)
        .focused(true)
        .on_navigation(move |url| {
            if intercept && is_redirect_to(url, &redirect_uri) {
                let _ = nav_redirect.send(RedirectMsg::Url(url.to_string()));
                return false;
            }
            if refuses_embedded_browser(url) {
                on_refused();
            }
            if !matches!(url.scheme(), "http" | "https" | "about" | "data") {
                return false;
            }
            // Keep the title on the origin of the page the user is looking at.
            let (app, label, title) = (nav_app.clone(), nav_label.clone(), title_for(url));
            tauri::async_runtime::spawn(async move {
                if let Some(w) = app.get_webview_window(&label) {
                    let _ = w.set_title(&title);
                }
            });
            true
        });
    let default_context = std::env::var_os(DEFAULT_CONTEXT_ENV).is_some_and(|v| v == "1");
    if !default_context {
        builder = if fresh {
            builder.incognito(true)
        } else {
            if let Err(e) = oauth_desk::store::paths::Paths::ensure_private_dir(&profile_dir) {
                tracing::warn!("{provider}: could not create the browser profile: {e}");
            }
            builder.data_directory(profile_dir)
        };
    }
    let window = builder.build()?;
    window.on_window_event(move |event| {
        if matches!(event, WindowEvent::Destroyed) && !cancel.swap(true, Ordering::SeqCst) {
            let _ = redirect.send(RedirectMsg::Cancel);
        }
    });
    Ok(())
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
