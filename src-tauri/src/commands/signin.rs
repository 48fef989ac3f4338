//! Getting tokens: the code flow in the embedded login window (or the system browser), the
//! device flow and client credentials. The shell only carries the redirect from the window to
//! the engine; state, PKCE, nonce and every check are the engine's.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use oauth_desk::callback::CallbackError;
use oauth_desk::desk::{DeskError, now};
use oauth_desk::login::{Capture, LoginError, LoginOptions};
use qrcode::QrCode;
use qrcode::render::svg;
use tauri::{AppHandle, Manager, State};
use tokio::sync::mpsc;

use super::{changed, emit, view};
use crate::error::{CommandError, CommandResult};
use crate::login_window::{self, LoginWindow};
use crate::state::{AppState, DeviceSlot, RedirectMsg, SignInSlot};
use crate::views::{DeviceStart, ProviderView, ShellEvent, SignInState};

fn sign_in_event(app: &AppHandle, provider: &str, state: SignInState, message: Option<String>) {
    emit(
        app,
        ShellEvent::SignIn {
            provider: provider.to_owned(),
            state,
            message,
        },
    );
}

/// Signs in with the authorization-code flow. `fresh` uses an empty, ephemeral browser
/// session (sign in as someone else); `system_browser` overrides the provider's setting for
/// this sign-in; `scope` replaces the provider's scopes for this sign-in.
#[tauri::command]
pub async fn sign_in(
    app: AppHandle,
    state: State<'_, AppState>,
    name: String,
    fresh: bool,
    system_browser: Option<bool>,
    scope: Option<String>,
) -> CommandResult<ProviderView> {
    let desk = state.desk.clone();
    let options = LoginOptions {
        scope: scope.filter(|s| !s.trim().is_empty()),
        params: if fresh {
            vec![oauth_desk::provider::Param("prompt".into(), "login".into())]
        } else {
            vec![]
        },
        timeout: None,
    };
    let pending = desk.begin_login(&name, &options).await?;
    let use_system = system_browser.unwrap_or(pending.provider.system_browser);
    let capture = pending.capture();
    let id = state.next_id();
    let cancel = Arc::new(AtomicBool::new(false));
    let (tx, mut rx) = mpsc::unbounded_channel();
    let label = (!use_system).then(|| format!("login-{id}"));
    let previous = state.sign_ins.lock().expect("sign-ins").insert(
        name.clone(),
        SignInSlot {
            id,
            cancel: cancel.clone(),
            redirect: tx.clone(),
            window: label.clone(),
        },
    );
    if let Some(previous) = previous {
        previous.cancel();
        close_window(&app, previous.window.as_deref());
    }
    let opened = match &label {
        None => oauth_desk::browser::open(pending.open_url())
            .map_err(|e| CommandError::new("browser", e.to_string())),
        Some(label) => {
            let refused_app = app.clone();
            let refused_name = name.clone();
            login_window::open(
                &app,
                LoginWindow {
                    provider: &name,
                    label: label.clone(),
                    url: pending.open_url().clone(),
                    redirect_uri: pending.redirect_uri().clone(),
                    intercept: capture == Capture::Paste,
                    fresh,
                    profile_dir: state.profile_dir(&name),
                    redirect: tx,
                    cancel: cancel.clone(),
                    on_refused: Box::new(move || {
                        sign_in_event(
                            &refused_app,
                            &refused_name,
                            SignInState::EmbeddedRefused,
                            Some("This provider refuses sign-in in an embedded window. Sign in with the system browser instead (it can be made the default in the provider's settings).".into()),
                        )
                    }),
                },
            )
            .map_err(|e| CommandError::new("internal", format!("could not open the login window: {e}")))
        }
    };
    if let Err(e) = opened {
        forget(&state, &name, id);
        return Err(e);
    }
    sign_in_event(&app, &name, SignInState::Waiting, None);
    let timeout = pending.timeout();
    let authorized = match capture {
        Capture::Loopback => desk.wait_for_code(pending, Some(cancel.clone())).await,
        Capture::Paste => match tokio::time::timeout(timeout, rx.recv()).await {
            Ok(Some(RedirectMsg::Url(url))) => pending.accept_url(&url).map_err(DeskError::from),
            Ok(Some(RedirectMsg::Cancel) | None) => {
                Err(LoginError::Callback(CallbackError::Cancelled).into())
            }
            Err(_) => Err(LoginError::Callback(CallbackError::Timeout(timeout.as_secs())).into()),
        },
    };
    close_window(&app, label.as_deref());
    let result = match authorized {
        Ok(code) => desk.finish_login(code).await.map(drop),
        Err(e) => Err(e),
    };
    forget(&state, &name, id);
    sign_in_event(&app, &name, SignInState::Finished, None);
    result?;
    state.rearm();
    changed(&app, Some(&name));
    view(&desk, &name).await
}

fn close_window(app: &AppHandle, label: Option<&str>) {
    if let Some(window) = label.and_then(|l| app.get_webview_window(l)) {
        let _ = window.close();
    }
}

/// Forgets sign-in `id` of `name` unless a newer one replaced it.
fn forget(state: &AppState, name: &str, id: u64) {
    let mut sign_ins = state.sign_ins.lock().expect("sign-ins");
    if sign_ins.get(name).is_some_and(|s| s.id == id) {
        sign_ins.remove(name);
    }
}

#[tauri::command]
pub fn cancel_sign_in(app: AppHandle, state: State<'_, AppState>, name: String) {
    let slot = state.sign_ins.lock().expect("sign-ins").remove(&name);
    if let Some(slot) = slot {
        slot.cancel();
        close_window(&app, slot.window.as_deref());
    }
}

/// The paste fallback: the final redirect URL, copied from the browser's address bar.
#[tauri::command]
pub fn submit_redirect_url(
    state: State<'_, AppState>,
    name: String,
    url: String,
) -> CommandResult<()> {
    let sign_ins = state.sign_ins.lock().expect("sign-ins");
    let slot = sign_ins
        .get(&name)
        .ok_or_else(|| CommandError::new("invalid", format!("no sign-in to {name} is waiting")))?;
    slot.redirect
        .send(RedirectMsg::Url(url))
        .map_err(|_| CommandError::new("invalid", "the sign-in is no longer waiting"))
}

fn qr_svg(text: &str) -> String {
    QrCode::new(text.as_bytes())
        .map(|code| {
            code.render::<svg::Color<'_>>()
                .min_dimensions(180, 180)
                .quiet_zone(true)
                .build()
        })
        .unwrap_or_default()
}

/// Starts a device sign-in (RFC 8628): the code to show. Then `device_wait`.
#[tauri::command]
pub async fn device_start(
    state: State<'_, AppState>,
    name: String,
    scope: Option<String>,
) -> CommandResult<DeviceStart> {
    let login = state
        .desk
        .begin_device(&name, scope.as_deref().filter(|s| !s.trim().is_empty()))
        .await?;
    let a = &login.authorization;
    let start = DeviceStart {
        user_code: a.user_code.clone(),
        verification_uri: a.verification_uri.clone(),
        verification_uri_complete: a.verification_uri_complete.clone(),
        expires_at: now() + a.expires_in as i64,
        qr_svg: qr_svg(a.open_uri()),
    };
    let id = state.next_id();
    let previous = state.devices.lock().expect("devices").insert(
        name,
        DeviceSlot {
            id,
            cancel: Arc::new(AtomicBool::new(false)),
            page: login.authorization.open_uri().to_owned(),
            login: Some(login),
        },
    );
    if let Some(previous) = previous {
        previous.cancel.store(true, Ordering::SeqCst);
    }
    Ok(start)
}

/// Polls until the user approves the device sign-in started last for `name`.
#[tauri::command]
pub async fn device_wait(
    app: AppHandle,
    state: State<'_, AppState>,
    name: String,
) -> CommandResult<ProviderView> {
    let (id, cancel, login) = {
        let mut devices = state.devices.lock().expect("devices");
        let entry = devices
            .get_mut(&name)
            .ok_or_else(|| CommandError::new("invalid", "start the device sign-in first"))?;
        (entry.id, entry.cancel.clone(), entry.login.take())
    };
    let login = login
        .ok_or_else(|| CommandError::new("invalid", "this device sign-in is already waiting"))?;
    let result = state
        .desk
        .finish_device(
            login,
            Duration::from_secs(1),
            |_| {},
            || cancel.load(Ordering::SeqCst),
        )
        .await;
    {
        let mut devices = state.devices.lock().expect("devices");
        if devices.get(&name).is_some_and(|e| e.id == id) {
            devices.remove(&name);
        }
    }
    result?;
    state.rearm();
    changed(&app, Some(&name));
    view(&state.desk, &name).await
}

/// Opens the device sign-in's verification page in the browser (`$BROWSER` first, as the CLI).
#[tauri::command]
pub fn device_open_page(state: State<'_, AppState>, name: String) -> CommandResult<()> {
    let page = state
        .devices
        .lock()
        .expect("devices")
        .get(&name)
        .map(|slot| slot.page.clone())
        .ok_or_else(|| CommandError::new("invalid", "start the device sign-in first"))?;
    let url = url::Url::parse(&page).map_err(|e| {
        CommandError::new(
            "provider",
            format!("the server's verification URI {page} is not a URL: {e}"),
        )
    })?;
    oauth_desk::browser::open(&url).map_err(|e| CommandError::new("browser", e.to_string()))
}

#[tauri::command]
pub fn device_cancel(state: State<'_, AppState>, name: String) {
    if let Some(slot) = state.devices.lock().expect("devices").remove(&name) {
        slot.cancel.store(true, Ordering::SeqCst);
    }
}

#[tauri::command]
pub async fn client_credentials(
    app: AppHandle,
    state: State<'_, AppState>,
    name: String,
    scope: Option<String>,
) -> CommandResult<ProviderView> {
    state
        .desk
        .client_credentials(&name, scope.as_deref().filter(|s| !s.trim().is_empty()))
        .await?;
    state.rearm();
    changed(&app, Some(&name));
    view(&state.desk, &name).await
}
