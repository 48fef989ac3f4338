//! What the shell keeps between commands: the engine's `Desk`, the keeper's handle, the
//! sign-ins in progress and the app's preferences.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use oauth_desk::desk::{Desk, DeviceLogin};
use oauth_desk::keeper::KeeperHandle;
use tokio::sync::mpsc;

use crate::views::Settings;

/// A message to a sign-in waiting for its redirect.
#[derive(Debug)]
pub enum RedirectMsg {
    /// The final redirect URL (intercepted in the login window, or pasted).
    Url(String),
    /// The login window was closed or the user cancelled.
    Cancel,
}

/// A sign-in in progress.
pub struct SignInSlot {
    pub id: u64,
    pub cancel: Arc<AtomicBool>,
    pub redirect: mpsc::UnboundedSender<RedirectMsg>,
    /// The login window's label, when the embedded window is used.
    pub window: Option<String>,
}

impl SignInSlot {
    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::SeqCst);
        let _ = self.redirect.send(RedirectMsg::Cancel);
    }
}

/// A device sign-in: its code is shown, `device_wait` polls with it.
pub struct DeviceSlot {
    pub id: u64,
    pub cancel: Arc<AtomicBool>,
    /// Taken by `device_wait` (it polls once).
    pub login: Option<DeviceLogin>,
    /// The verification page, with the user code when the server gave a complete URI.
    pub page: String,
}

pub struct AppState {
    pub desk: Arc<Desk>,
    pub keeper: OnceLock<KeeperHandle>,
    pub sign_ins: Mutex<HashMap<String, SignInSlot>>,
    pub devices: Mutex<HashMap<String, DeviceSlot>>,
    pub settings: Mutex<Settings>,
    settings_path: PathBuf,
    /// Increases with every copy, so a clear timer only clears its own copy.
    pub clipboard_generation: AtomicU64,
    next_id: AtomicU64,
}

impl AppState {
    pub fn new(desk: Arc<Desk>) -> AppState {
        let settings_path = desk.paths().config_dir.join("app-settings.json");
        let settings = std::fs::read(&settings_path)
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_default();
        AppState {
            desk,
            keeper: OnceLock::new(),
            sign_ins: Mutex::new(HashMap::new()),
            devices: Mutex::new(HashMap::new()),
            settings: Mutex::new(settings),
            settings_path,
            clipboard_generation: AtomicU64::new(0),
            next_id: AtomicU64::new(1),
        }
    }

    pub fn next_id(&self) -> u64 {
        self.next_id.fetch_add(1, Ordering::Relaxed)
    }

    pub fn settings(&self) -> Settings {
        self.settings.lock().expect("settings lock").clone()
    }

    pub fn save_settings(&self, settings: Settings) -> std::io::Result<()> {
        if let Some(dir) = self.settings_path.parent() {
            oauth_desk::store::paths::Paths::ensure_private_dir(dir)
                .map_err(std::io::Error::other)?;
        }
        oauth_desk::store::atomic::write_atomic(
            &self.settings_path,
            &serde_json::to_vec_pretty(&settings).map_err(std::io::Error::other)?,
        )?;
        *self.settings.lock().expect("settings lock") = settings;
        Ok(())
    }

    /// The schedule changed (new tokens, a provider removed): the keeper re-plans now.
    pub fn rearm(&self) {
        if let Some(keeper) = self.keeper.get() {
            keeper.rearm();
        }
    }

    /// Each provider's own browser profile for the login window (cookies: stay signed in).
    pub fn profile_dir(&self, provider: &str) -> PathBuf {
        self.desk.paths().data_dir.join("profiles").join(provider)
    }
}
