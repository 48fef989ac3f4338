//! What crosses into the UI besides the engine's own serialisable models (`Report`, `Trace`,
//! `ProviderSpec`, `KeeperEvent`): thin views assembled from engine calls. `bindings.rs`
//! turns all of them into the UI's TypeScript definitions.

use oauth_desk::desk::ProviderSpec;
use oauth_desk::provider::{Provider, RedirectTarget, templates::Template};
use oauth_desk::report::Report;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A provider as the UI shows it: its settings (as the form edits them), what it can do, and
/// where its tokens stand.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ProviderView {
    pub name: String,
    /// The template's title ("Google"), or "OpenID Connect" / "OAuth 2.0".
    pub kind: String,
    pub spec: ProviderSpec,
    pub has_client_secret: bool,
    pub has_private_key: bool,
    /// The redirect comes back to a loopback listener (else the login window intercepts it).
    pub loopback_redirect: bool,
    pub grants: Grants,
    pub report: Report,
}

/// Which actions the provider's endpoints allow.
#[derive(Debug, Clone, Copy, Serialize, TS)]
pub struct Grants {
    pub authorization_code: bool,
    pub device: bool,
    pub client_credentials: bool,
    pub revoke: bool,
    pub introspect: bool,
    pub userinfo: bool,
}

impl ProviderView {
    pub fn new(provider: &Provider, report: Report) -> ProviderView {
        let e = &provider.endpoints;
        let kind = provider
            .template
            .as_deref()
            .and_then(oauth_desk::provider::templates::find)
            .map(|t| t.title.to_owned())
            .unwrap_or_else(|| {
                if provider.issuer.is_some() {
                    "OpenID Connect".into()
                } else {
                    "OAuth 2.0".into()
                }
            });
        ProviderView {
            name: provider.name.to_string(),
            kind,
            spec: oauth_desk::desk::spec_of(provider),
            has_client_secret: provider.has_client_secret,
            has_private_key: provider.has_private_key,
            loopback_redirect: matches!(
                provider.redirect_target(),
                RedirectTarget::Loopback { .. }
            ),
            grants: Grants {
                authorization_code: e.authorization.is_some(),
                device: e.device_authorization.is_some(),
                client_credentials: provider.auth_method != oauth_desk::provider::AuthMethod::None,
                revoke: e.revocation.is_some(),
                introspect: e.introspection.is_some(),
                userinfo: e.userinfo.is_some(),
            },
            report,
        }
    }
}

/// A built-in template, with the provider form it pre-fills.
#[derive(Debug, Clone, Serialize, TS)]
pub struct TemplateView {
    pub name: String,
    pub title: String,
    pub quirks: String,
    /// The user must give the issuer (tenant or domain specific).
    pub needs_issuer: bool,
    pub spec: ProviderSpec,
}

impl TemplateView {
    pub fn new(template: &Template) -> TemplateView {
        let mut spec = ProviderSpec {
            template: Some(template.name.to_owned()),
            ..ProviderSpec::default()
        };
        oauth_desk::provider::templates::apply(template, &mut spec);
        TemplateView {
            name: template.name.to_owned(),
            title: template.title.to_owned(),
            quirks: template.quirks.to_owned(),
            needs_issuer: template.needs_issuer,
            spec,
        }
    }
}

/// A device sign-in waiting for the user: what to show them.
#[derive(Debug, Clone, Serialize, TS)]
pub struct DeviceStart {
    pub user_code: String,
    pub verification_uri: String,
    pub verification_uri_complete: Option<String>,
    /// Unix seconds when the code expires.
    pub expires_at: i64,
    /// The QR code of the page to open, as an SVG document.
    pub qr_svg: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum TokenKind {
    Access,
    Id,
    Refresh,
}

/// How a copied token is wrapped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum CopyFormat {
    /// The token alone.
    Raw,
    /// `Authorization: Bearer …`
    Header,
    /// `curl -H 'Authorization: Bearer …' <userinfo or https://api.example/>`
    Curl,
    /// `export NAME_ACCESS_TOKEN='…'`
    Env,
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
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            clipboard_clear_secs: 60,
            close_to_tray: true,
            notifications: true,
        }
    }
}

/// What the shell tells the UI besides the keeper's own events.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ShellEvent {
    /// The keeper started renewing this provider's tokens.
    Refreshing { provider: String },
    /// Providers or tokens changed (a flow finished, the CLI changed something): reload.
    Changed { provider: Option<String> },
    /// A sign-in window opened or closed.
    SignIn {
        provider: String,
        state: SignInState,
        message: Option<String>,
    },
    /// A copied token was cleared from the clipboard.
    ClipboardCleared,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum SignInState {
    /// Waiting for the user in the login window or the system browser.
    Waiting,
    /// The provider refuses embedded browsers: use the system browser.
    EmbeddedRefused,
    Finished,
}
