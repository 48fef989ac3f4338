//! What crosses into the UI besides the engine's own view types (`ProviderView`, `Report`,
//! `Trace`, `Change`, ...): the app's preferences, a device code with its QR code, a lab run
//! with its matrix, and the shell's own events. `bindings.rs` turns all of them into the UI's TypeScript definitions.

use oauth_desk::DeviceCode;
use oauth_desk::lab::{LabRun, Matrix};
use qrcode::QrCode;
use qrcode::render::svg;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// How the UI asks for one sign-in. `fresh`: an empty, throw-away browser session (sign in as
/// someone else); `system_browser` overrides the provider's setting; `scope` replaces the
/// provider's scopes; `response_type` / `response_mode` for implicit and hybrid debugging.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(default)]
pub struct SignInOptions {
    pub fresh: bool,
    pub system_browser: Option<bool>,
    pub scope: Option<String>,
    pub response_type: Option<oauth_desk::ResponseType>,
    pub response_mode: Option<oauth_desk::ResponseMode>,
    /// Extra authorization parameters, `key=value` (a step-up's `acr_values`, `max_age`).
    pub params: Vec<String>,
}

/// The secrets side of the provider form: each `None` (or empty) keeps what the vault holds.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(default)]
pub struct SecretsForm {
    pub client_secret: Option<String>,
    pub clear_client_secret: bool,
    /// PEM private key for private_key_jwt (and signed request objects).
    pub private_key: Option<String>,
    /// PEM client certificate (chain) and its PEM key, for mutual TLS; both or neither.
    pub client_certificate: Option<String>,
    pub client_key: Option<String>,
    pub clear_client_certificate: bool,
}

/// A request to try a token with (the *Try it* panel).
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(default)]
pub struct CallInput {
    pub method: String,
    pub url: String,
    /// `Name: value` lines.
    pub headers: Vec<String>,
    pub body: Option<String>,
}

/// A lab run with its matrix (cases × scopes and claims), drawn by the Lab tab.
#[derive(Debug, Clone, Serialize, TS)]
pub struct LabRunView {
    pub run: LabRun,
    pub matrix: Matrix,
}

impl LabRunView {
    pub fn new(run: LabRun) -> LabRunView {
        LabRunView {
            matrix: run.matrix(),
            run,
        }
    }
}

/// A device sign-in waiting for the person: the engine's code plus its QR code.
#[derive(Debug, Clone, Serialize, TS)]
pub struct DeviceStart {
    pub code: DeviceCode,
    /// The QR code of the page to open, as an SVG document.
    pub qr_svg: String,
}

impl DeviceStart {
    pub fn new(code: &DeviceCode) -> DeviceStart {
        let qr_svg = QrCode::new(code.open_uri.as_bytes())
            .map(|qr| {
                qr.render::<svg::Color<'_>>()
                    .min_dimensions(180, 180)
                    .quiet_zone(true)
                    .build()
            })
            .unwrap_or_default();
        DeviceStart {
            code: code.clone(),
            qr_svg,
        }
    }
}

/// The app's own preferences (not the engine's: these only change how the window behaves).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct Settings {
    /// Clear the clipboard this long after a copy if it still holds the token; 0 = never.
    pub clipboard_clear_secs: u32,
    /// Closing the main window keeps the app running in the tray.
    pub close_to_tray: bool,
    /// Notify when a provider needs sign-in or a refresh fails.
    pub notifications: bool,
    /// The project file opened last (opened again at start).
    #[serde(default)]
    pub last_project: Option<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            clipboard_clear_secs: 60,
            close_to_tray: true,
            notifications: true,
            last_project: None,
        }
    }
}

/// The UI's channel for the shell's own events ([`ShellEvent`]).
pub const SHELL_EVENT: &str = "shell";

/// What the shell itself tells the UI (the engine's changes come as `Change` on "desk").
#[derive(Debug, Clone, Serialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ShellEvent {
    /// A device sign-in's code, to show while `device_sign_in` waits.
    DeviceCode { start: Box<DeviceStart> },
    /// A copied token was cleared from the clipboard.
    ClipboardCleared,
}
