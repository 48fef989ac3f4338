//! What the shell keeps between commands: the engine's `Desk` and the app's preferences.
//! Sign-ins in progress, the keeper and its schedule are the engine's.

use std::collections::HashMap;
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex};

use oauth_desk::audit::AuditReport;
use oauth_desk::{Desk, DeskError};

use crate::views::Settings;

/// The name the app's preferences are saved under.
const SETTINGS: &str = "app-settings";

pub struct AppState {
    pub desk: Arc<Desk>,
    settings: Mutex<Settings>,
    /// Increases with every copy, so a clear timer only clears its own copy.
    pub clipboard_generation: AtomicU64,
    /// The last audit shown per provider, so exporting one that took sign-ins (`--active`)
    /// does not sign in again.
    pub last_audits: Mutex<HashMap<String, AuditReport>>,
}

impl AppState {
    pub fn new(desk: Arc<Desk>) -> AppState {
        let settings = desk.front_end_settings(SETTINGS).unwrap_or_default();
        AppState {
            desk,
            settings: Mutex::new(settings),
            clipboard_generation: AtomicU64::new(0),
            last_audits: Mutex::new(HashMap::new()),
        }
    }

    pub fn settings(&self) -> Settings {
        self.settings
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    pub fn save_settings(&self, settings: Settings) -> Result<(), DeskError> {
        self.desk.save_front_end_settings(SETTINGS, &settings)?;
        *self
            .settings
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = settings;
        Ok(())
    }
}
