//! The one error type the UI sees: `{kind, message}` plus the server's own words when there
//! are some. Every engine error becomes one clear sentence here, at the edge, with the same
//! explanations the CLI prints.

use oauth_desk::desk::DeskError;
use oauth_desk::explain;
use serde::Serialize;
use ts_rs::TS;

#[derive(Debug, Clone, Serialize, TS, thiserror::Error)]
#[error("{message}")]
pub struct CommandError {
    /// A stable tag the UI can branch on: `config`, `vault`, `provider`, `network`, `oauth`,
    /// `sign_in_needed`, `not_signed_in`, `cancelled`, `timeout`, `invalid`, `internal`.
    pub kind: String,
    /// One sentence, with what to try next when there is something to try.
    pub message: String,
    /// The server's `error` code, when the server answered with one.
    pub server_error: Option<String>,
    pub server_description: Option<String>,
}

impl CommandError {
    pub fn new(kind: &str, message: impl Into<String>) -> CommandError {
        CommandError {
            kind: kind.to_owned(),
            message: message.into(),
            server_error: None,
            server_description: None,
        }
    }
}

fn kind_of(error: &DeskError) -> &'static str {
    use oauth_desk::callback::CallbackError;
    use oauth_desk::login::LoginError;
    match error {
        DeskError::Config(_) => "config",
        DeskError::Vault(_) | DeskError::Lock(_) | DeskError::Paths(_) => "vault",
        DeskError::Provider(_)
        | DeskError::NoEndpoint { .. }
        | DeskError::PrivateKeyFile { .. } => "provider",
        DeskError::NotSignedIn { .. } => "not_signed_in",
        DeskError::SignInNeeded { .. } => "sign_in_needed",
        DeskError::Login(LoginError::Callback(CallbackError::Timeout(_))) => "timeout",
        DeskError::Login(LoginError::Callback(CallbackError::Cancelled)) => "cancelled",
        _ if error.oauth_error().is_some() => "oauth",
        _ if error.is_transient() => "network",
        DeskError::Discovery(_) | DeskError::Http(_) => "network",
        DeskError::Internal(_) => "internal",
        _ => "invalid",
    }
}

impl From<DeskError> for CommandError {
    fn from(error: DeskError) -> CommandError {
        let oauth = error.oauth_error().cloned();
        CommandError {
            kind: kind_of(&error).to_owned(),
            message: explain::sentence(&error),
            server_error: oauth.as_ref().map(|e| e.error.clone()),
            server_description: oauth.and_then(|e| e.error_description),
        }
    }
}

impl From<oauth_desk::login::LoginError> for CommandError {
    fn from(error: oauth_desk::login::LoginError) -> CommandError {
        DeskError::from(error).into()
    }
}

pub type CommandResult<T> = Result<T, CommandError>;
