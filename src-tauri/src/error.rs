//! The one error type the UI sees: the engine's explanation — a stable `kind`, one sentence,
//! the typed advice, the server's own words — with the advice worded for the app: settings and
//! buttons, never a CLI flag.

use oauth_desk::{Advice, DeskError, Endpoint, ErrorKind, Explained};
use serde::Serialize;
use ts_rs::TS;

/// The engine's [`Explained`] itself — a stable `kind` the UI branches on, the typed advice
/// (a button for some), the server's `error` and `error_description` — with its sentence
/// finished by the advice in the app's words. A wrapper, not a copy: a field the engine adds
/// reaches the UI as it is.
#[derive(Debug, Clone, Serialize, TS, thiserror::Error)]
#[serde(transparent)]
#[error("{}", .0.message)]
pub struct CommandError(pub Explained);

impl CommandError {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> CommandError {
        Explained::new(kind, message).into()
    }
}

/// What to do, for a desktop user.
#[expect(
    clippy::too_many_lines,
    reason = "one table, a sentence for each kind of advice"
)]
pub fn advice_words(advice: &Advice) -> String {
    match advice {
        Advice::SignIn => "Sign in again.".into(),
        Advice::SignInInteractively => {
            "Sign in again without prompt=none in the extra parameters.".into()
        }
        Advice::AddEndpoint { endpoint } => {
            let field = match endpoint {
                Endpoint::Authorization => "Authorization URL",
                Endpoint::Token => "Token URL",
                Endpoint::DeviceAuthorization => "Device authorization URL",
                Endpoint::Revocation => "Revocation URL",
                Endpoint::Introspection => "Introspection URL",
                Endpoint::Userinfo => "Userinfo URL",
                Endpoint::EndSession => "End-session URL",
                Endpoint::PushedAuthorization => "PAR URL",
            };
            format!("Fill in the {field} in the provider's settings (Edit), or use an issuer whose discovery lists it.")
        }
        Advice::GiveIssuerOrTokenUrl => "Fill in the Issuer, or the Token URL.".into(),
        Advice::GiveIssuer => "Fill in the Issuer.".into(),
        Advice::SetClientSecret => {
            "Enter the client secret in the provider's settings (Edit).".into()
        }
        Advice::SetPrivateKey => {
            "Paste the client's private key (PEM) in the provider's settings (Edit).".into()
        }
        Advice::ChooseSecretAuthMethod => {
            "Choose client authentication Basic or Post, or leave the secret empty.".into()
        }
        Advice::ListTemplates => "Pick one of the templates in the list.".into(),
        Advice::AddProvider => "Add a provider first.".into(),
        Advice::RemoveReservedParam { param } => {
            format!("Remove {param} from the extra parameters: OAuth Desk sets it itself.")
        }
        Advice::ChangePkce => "Change PKCE in the provider's settings (Edit).".into(),
        Advice::CheckClientCredentials => {
            "Check the client ID, the client secret and the client authentication method in the provider's settings (Edit).".into()
        }
        Advice::RegisterRedirectUri { .. } => {
            "Register it at the server, or set a registered Redirect URI with a fixed port in the provider's settings (Edit).".into()
        }
        Advice::FewerScopes => "Ask for fewer scopes.".into(),
        Advice::UsePar => {
            "Set PAR to Auto or On in the provider's Security profile (Edit).".into()
        }
        Advice::SetClientCertificate => {
            "Paste the client certificate and its key (PEM) in the provider's Security profile (Edit).".into()
        }
        Advice::UseSystemBrowser => {
            "Sign in with the system browser (it can be made the default in the provider's settings).".into()
        }
        Advice::WaitLonger => {
            "Try again; to wait longer, start the app with OAUTH_DESK_HTTP_TIMEOUT set (seconds).".into()
        }
        Advice::UseHttps => {
            "Use https, or tick \"Allow insecure http\" in the provider's settings.".into()
        }
        Advice::SignInTo { provider } => format!("Sign in to {provider} first."),
        Advice::WriteLabPlan => "Write the test plan in the provider's Lab tab and save it.".into(),
        Advice::SetNamedSecret { name } => {
            format!("Set the project's secret “{name}” (Project → Secrets).")
        }
        Advice::EditProjectFile { file, line } => {
            format!("Change it in the project file {file}, line {line} (Open file).")
        }
        Advice::AllowProject { .. } => {
            "Look at what the project file will do in the banner above, then Allow it.".into()
        }
        Advice::AddIdentity { reference } => {
            format!("Add the identity first (Sign in as… → {reference}).")
        }
        Advice::ChangeAssertionAudience { other, .. } => format!(
            "Check the client's key or secret; if the server wants the other audience, set Assertion audience to {} in the provider's Security profile (Edit).",
            match other {
                oauth_desk::AssertionAudience::Issuer => "Issuer",
                oauth_desk::AssertionAudience::TokenEndpoint => "Token endpoint",
            }
        ),
        Advice::PinSignOutReturn { sent } => format!(
            "Register {sent} at the server, or set a registered Sign-out return URI in the provider's settings (Edit)."
        ),
        Advice::ChooseEnvironment { known } => {
            format!("Choose one of the project's environments: {}.", known.join(", "))
        }
    }
}

impl From<Explained> for CommandError {
    fn from(mut e: Explained) -> CommandError {
        if let Some(advice) = &e.advice {
            e.message = format!("{}. {}", e.message, advice_words(advice));
        }
        CommandError(e)
    }
}

impl From<DeskError> for CommandError {
    fn from(error: DeskError) -> CommandError {
        Explained::from(&error).into()
    }
}

pub type CommandResult<T> = Result<T, CommandError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_app_words_every_advice_without_cli_words() {
        for advice in oauth_desk::Advice::every() {
            let text = advice_words(&advice);
            // (A file may be named oauth-desk.toml; a command is `oauth-desk <command>`.)
            assert!(
                !text.contains("--") && !text.contains("oauth-desk "),
                "a desktop user must not be told a CLI flag or command: {text}"
            );
            assert!(text.ends_with('.'), "one sentence: {text}");
        }
    }

    #[test]
    fn an_engine_error_reaches_the_ui_typed_and_worded_for_it() {
        let CommandError(e) = DeskError::NotSignedIn { name: "op".into() }.into();
        assert_eq!(e.kind, ErrorKind::NotSignedIn);
        assert_eq!(e.advice, Some(Advice::SignIn));
        assert_eq!(e.message, "op is not signed in. Sign in again.");
        let json = serde_json::to_value(CommandError(e)).expect("serializes");
        assert_eq!(
            json["kind"], "not_signed_in",
            "the UI reads the engine's fields at the top level: {json}"
        );
    }
}
