//! What can go wrong behind the desk's door, typed: [`DeskError`] names each failure once,
//! with its words; [`DeskError::kind`] is the stable group a front end branches on, and the
//! few failures that are neither a mechanic's error nor a protocol outcome are enums of their
//! own ([`Unsupported`], [`InvalidInput`], [`Internal`]), never a sentence in a `String`.

use crate::flow::FlowError;
use crate::http::HttpError;
use crate::login::LoginError;
use crate::store::config::ConfigError;
use crate::store::lock::LockError;
use crate::store::paths::PathsError;
use crate::store::vault::VaultError;
use oauth_desk_core::provider::discovery::DiscoveryError;
use oauth_desk_core::provider::{Endpoint, ProviderError};
use oauth_desk_core::token::{OAuthError, TokenKind};

use super::advice::{ErrorKind, Explained};
use super::agent::AgentError;
use super::grants::OtherGrant;
use super::trust::NotAllowed;

/// Every failure behind the door, in groups; [`DeskError::kind`] says which group without
/// reading the words.
#[derive(Debug, thiserror::Error)]
pub enum DeskError {
    // The settings: the config, a provider's rules, a project file and its identities and secrets.
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Provider(#[from] ProviderError),
    #[error(transparent)]
    Project(#[from] crate::project::ProjectError),
    /// The project file is not allowed as it is now: nothing is sent for it.
    #[error(transparent)]
    NotAllowed(Box<NotAllowed>),
    /// A setting of a project's provider changed anywhere but in its file.
    #[error("{what} is defined in the project file {file} (line {line}): change it there")]
    DefinedInProject {
        what: String,
        file: String,
        line: usize,
    },
    /// A secret a project's provider names is not to be had.
    #[error("{what} of {provider} (project file line {line}) {problem}")]
    SecretUnavailable {
        provider: String,
        what: &'static str,
        line: usize,
        problem: String,
        /// The named secret to set, when it is one.
        named: Option<String>,
    },
    #[error("{provider} has no identity {identity:?}{}", known_identities(known))]
    UnknownIdentity {
        provider: String,
        identity: String,
        known: Vec<String>,
    },
    #[error("the identity {reference} already exists")]
    IdentityExists { reference: String },
    #[error("the provider {name} has no {endpoint} configured")]
    NoEndpoint { name: String, endpoint: Endpoint },
    #[error("could not read the private key file {path}: {reason}")]
    PrivateKeyFile { path: String, reason: String },
    #[error(transparent)]
    Certificate(#[from] crate::mtls::MtlsError),
    #[error(transparent)]
    Dpop(#[from] crate::dpop::DpopError),
    #[error(transparent)]
    Lab(#[from] oauth_desk_core::lab::LabError),
    #[error(transparent)]
    Import(#[from] crate::import::ImportError),

    // Signing in and the tokens' state.
    #[error("{name} is not signed in")]
    NotSignedIn { name: String },
    /// Another provider this action takes a token from (an exchange's subject) has none.
    #[error("{provider}, whose token this needs, {problem}")]
    OtherNotSignedIn { provider: String, problem: String },
    #[error("{name} needs a new sign-in ({reason})")]
    SignInNeeded { name: String, reason: String },
    /// The tokens (or a named secret) were obtained for other settings than the provider's
    /// now: they are not sent anywhere until a new sign-in (or `secret set`).
    #[error("{name}'s {what} {changes}; nothing of it is sent to the new settings")]
    BindingChanged {
        name: String,
        /// "tokens were obtained", "named secret \"s\" was first used"
        what: String,
        /// "with another token endpoint (was https://a/token, now https://b/token)"
        changes: String,
        /// The named secret to set again, when it is one.
        named: Option<String>,
    },
    #[error(transparent)]
    Login(#[from] LoginError),
    #[error("could not show the sign-in page: {0}")]
    Browser(String),
    #[error("no sign-in to {name} is in progress")]
    NoSession { name: String },
    /// The browser did not come back from the end-session page.
    #[error(
        "the browser did not come back from the end-session page within {secs} s (it was to return to {sent}); the tokens are kept"
    )]
    SignOutTimeout { secs: u64, sent: String },

    // What a server answered, or could not be reached for.
    #[error("discovery failed: {0}")]
    Discovery(DiscoveryError),
    #[error(transparent)]
    Http(#[from] HttpError),
    #[error(transparent)]
    Flow(#[from] FlowError),
    /// The code exchange failed; the redirect URI it sent explains many failures.
    #[error("{source}")]
    CodeExchange {
        redirect_uri: String,
        #[source]
        source: FlowError,
    },
    /// A refresh failed (a refused refresh token means a new sign-in).
    #[error("{source}")]
    Refresh {
        #[source]
        source: FlowError,
    },
    /// A token exchange, JWT-bearer or password grant failed.
    #[error("the {} failed: {source}", grant.title())]
    Grant {
        grant: OtherGrant,
        #[source]
        source: FlowError,
    },
    #[error(transparent)]
    Resource(oauth_desk_core::provider::resource_metadata::ResourceError),
    #[error(transparent)]
    Registration(crate::flow::registration::RegistrationError),

    // Storage on this machine.
    #[error(transparent)]
    Vault(#[from] VaultError),
    #[error(transparent)]
    Lock(#[from] LockError),
    #[error(transparent)]
    Paths(#[from] PathsError),
    /// A file of OAuth Desk's own could not be written.
    #[error("could not write {}: {source}", path.display())]
    WriteFile {
        path: std::path::PathBuf,
        #[source]
        source: std::io::Error,
    },

    // Neither a setting nor a server: what is not done, a value that is wrong, another process's words, a fault of OAuth Desk's.
    /// Something OAuth Desk does not do, or not in this state.
    #[error(transparent)]
    NotSupported(Unsupported),
    /// A value the person gave that is not what it must be.
    #[error(transparent)]
    Invalid(InvalidInput),
    #[error(transparent)]
    Agent(#[from] AgentError),
    /// A failure another process (the running keeper) already explained.
    #[error("{0}")]
    Explained(Explained),
    #[error("internal error: {0}")]
    Internal(Internal),
}

fn known_identities(known: &[String]) -> String {
    if known.is_empty() {
        " (it has only its default identity)".to_owned()
    } else {
        format!(" (its identities: {})", known.join(", "))
    }
}

impl From<DiscoveryError> for DeskError {
    /// An issuer refused by the provider rules (plain http) is a configuration error, not a
    /// failed discovery: nothing was asked of the server.
    fn from(e: DiscoveryError) -> Self {
        match e {
            DiscoveryError::Insecure(e) => DeskError::Provider(e),
            other => DeskError::Discovery(other),
        }
    }
}

impl DeskError {
    /// The stable group of this failure, for a front end that branches without reading the
    /// sentence (the same as [`Explained::kind`]).
    pub fn kind(&self) -> ErrorKind {
        super::advice::kind_of(self)
    }

    /// A failure that may go away by itself (network, timeout, server error), as opposed to
    /// one that needs the user (a refused grant, a broken configuration).
    pub fn is_transient(&self) -> bool {
        let flow = match self {
            DeskError::Http(_) => return true,
            DeskError::Flow(e)
            | DeskError::Refresh { source: e }
            | DeskError::Grant { source: e, .. } => e,
            _ => return false,
        };
        match flow {
            FlowError::Http(_) => true,
            FlowError::Token(oauth_desk_core::token::TokenError::NotOAuth { status, .. }) => {
                *status >= 500
            }
            _ => false,
        }
    }

    /// The authorization server's OAuth error behind this failure, if any.
    pub fn oauth_error(&self) -> Option<&OAuthError> {
        match self {
            DeskError::Flow(e)
            | DeskError::CodeExchange { source: e, .. }
            | DeskError::Refresh { source: e }
            | DeskError::Grant { source: e, .. } => e.oauth_error(),
            DeskError::Login(LoginError::Flow(e)) => e.oauth_error(),
            _ => None,
        }
    }
}

/// What OAuth Desk does not do, or not for this provider or token as it is now.
#[derive(Debug, thiserror::Error)]
pub enum Unsupported {
    #[error(
        "registering a client needs the server's issuer (its discovery names the registration endpoint)"
    )]
    RegistrationNeedsIssuer,
    #[error(
        "{issuer} offers no dynamic client registration (no registration_endpoint in its metadata): register the client in the server's console and give its client id"
    )]
    NoRegistrationEndpoint { issuer: String },
    /// The client has no registration access token (RFC 7592) to delete or change it with.
    #[error(
        "{provider}'s client was not registered by OAuth Desk with a registration access token (RFC 7592): {}",
        match asked { Asked::Remove => "delete it in the server's console, then remove the provider here", Asked::Add | Asked::Change => "change it in the server's console" }
    )]
    NotRegisteredHere { provider: String, asked: Asked },
    /// git asked for a token to send in the clear.
    #[error(
        "git asked for a token for {}://{}: a token is given only over https (or http to this machine), never in the clear",
        crate::printable::printable(scheme),
        crate::printable::printable(host)
    )]
    GitInTheClear { scheme: String, host: String },
    #[error(
        "{provider}'s access token is DPoP-bound but the provider's DPoP key is off: turn DPoP on again (the same key is kept) or sign in again"
    )]
    DpopKeyOff { provider: String },
    #[error(
        "{provider}'s last sign-in gave no access token (response_type id_token): sign in with a response type that includes one"
    )]
    NoAccessToken { provider: String },
    #[error("{provider} has no {}", kind.title())]
    NoSuchToken { provider: String, kind: TokenKind },
    #[error(
        "ID tokens are not introspected: RFC 7662 is for access and refresh tokens, and an ID token is checked here against the provider's keys (see its checks)"
    )]
    IdTokenIntrospection,
    /// The default identity is the provider itself: it is not added or removed as one.
    #[error("{}", match asked {
        Asked::Remove => format!("the default identity of {provider} is the provider itself: remove the provider, or sign out of it"),
        Asked::Add | Asked::Change => format!("{provider} is the default identity, which every provider has: name another (NAME@ID)"),
    })]
    DefaultIdentity { provider: String, asked: Asked },
}

/// What was asked of something that cannot take it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Asked {
    Add,
    Change,
    Remove,
}

/// A value given to the desk that is not what it must be.
#[derive(Debug, thiserror::Error)]
pub enum InvalidInput {
    #[error("{0:?} is not an HTTP method (GET, POST, PUT, PATCH, DELETE, …)")]
    HttpMethod(String),
    #[error("header {line:?}: {why}")]
    Header { line: String, why: &'static str },
    #[error("the redirect URI {uri}: {reason}")]
    RedirectUri { uri: String, reason: String },
}

/// A failure that is OAuth Desk's own fault, not the person's nor a server's.
#[derive(Debug, thiserror::Error)]
pub enum Internal {
    /// A blocking task (keyring, file lock) panicked or was cancelled.
    #[error("{0}")]
    Task(#[from] tokio::task::JoinError),
    #[error("the vault lock was poisoned")]
    VaultLockPoisoned,
    #[error("could not encode {what}: {reason}")]
    Encode { what: &'static str, reason: String },
    /// Something just written or checked is gone (another process changed it meanwhile).
    #[error("{0}")]
    Vanished(&'static str),
    #[error("the agent socket stopped{}", .0.as_ref().map(|e| format!(": {e}")).unwrap_or_default())]
    AgentStopped(Option<tokio::task::JoinError>),
    /// A URI OAuth Desk stored itself no longer reads as one.
    #[error("the stored {what}: {reason}")]
    StoredUri { what: &'static str, reason: String },
    /// One of OAuth Desk's own defaults does not read as what it must be.
    #[error("the built-in {what}: {reason}")]
    BuiltIn { what: &'static str, reason: String },
}

/// The provider `name` has no `endpoint` (configured or discovered).
pub(in crate::desk) fn no_endpoint(name: &str, endpoint: Endpoint) -> DeskError {
    DeskError::NoEndpoint {
        name: name.to_owned(),
        endpoint,
    }
}

/// Writes one of OAuth Desk's own files whole (see [`write_atomic`]), naming it on failure.
pub(in crate::desk) fn write_file(path: &std::path::Path, bytes: &[u8]) -> Result<(), DeskError> {
    crate::store::atomic::write_atomic(path, bytes).map_err(|source| DeskError::WriteFile {
        path: path.to_owned(),
        source,
    })
}

/// `value` as pretty JSON, for one of OAuth Desk's own files.
pub(in crate::desk) fn to_json(
    what: &'static str,
    value: &impl serde::Serialize,
) -> Result<Vec<u8>, DeskError> {
    serde_json::to_vec_pretty(value).map_err(|e| {
        Internal::Encode {
            what,
            reason: e.to_string(),
        }
        .into()
    })
}

impl From<Internal> for DeskError {
    fn from(e: Internal) -> Self {
        DeskError::Internal(e)
    }
}

impl From<Unsupported> for DeskError {
    fn from(e: Unsupported) -> Self {
        DeskError::NotSupported(e)
    }
}

impl From<InvalidInput> for DeskError {
    fn from(e: InvalidInput) -> Self {
        DeskError::Invalid(e)
    }
}

impl From<tokio::task::JoinError> for DeskError {
    fn from(e: tokio::task::JoinError) -> Self {
        DeskError::Internal(Internal::Task(e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::desk::advice::Advice;

    #[test]
    fn a_front_end_reads_the_group_without_the_words() {
        let cases = [
            (
                DeskError::from(InvalidInput::HttpMethod("G ET".into())),
                ErrorKind::Invalid,
            ),
            (
                DeskError::from(Unsupported::IdTokenIntrospection),
                ErrorKind::NotSupported,
            ),
            (
                DeskError::from(Internal::VaultLockPoisoned),
                ErrorKind::Internal,
            ),
            (
                DeskError::WriteFile {
                    path: "/x/settings.json".into(),
                    source: std::io::Error::other("disk full"),
                },
                ErrorKind::Io,
            ),
        ];
        for (error, kind) in cases {
            assert_eq!(error.kind(), kind, "{error}");
            assert_eq!(Explained::from(&error).kind, kind);
        }
    }

    #[test]
    fn the_words_stay_those_the_cli_contract_shows() {
        let method = DeskError::from(InvalidInput::HttpMethod("G ET".into()));
        assert_eq!(
            method.to_string(),
            "\"G ET\" is not an HTTP method (GET, POST, PUT, PATCH, DELETE, …)"
        );
        let git = DeskError::from(Unsupported::GitInTheClear {
            scheme: "http".into(),
            host: "git.example\u{202e}".into(),
        });
        assert!(
            git.to_string()
                .starts_with("git asked for a token for http://git.example")
        );
        assert!(!git.to_string().contains('\u{202e}'), "shown escaped");
        let default = DeskError::from(Unsupported::DefaultIdentity {
            provider: "op".into(),
            asked: Asked::Remove,
        });
        assert_eq!(
            default.to_string(),
            "the default identity of op is the provider itself: remove the provider, or sign out of it"
        );
    }

    #[test]
    fn what_the_keeper_explained_keeps_its_kind_and_advice() {
        let given = Explained {
            kind: ErrorKind::SignInNeeded,
            message: "op needs a new sign-in (the refresh token was refused)".into(),
            advice: Some(Advice::SignIn),
            server_error: Some("invalid_grant".into()),
            server_description: None,
        };
        let error = DeskError::Explained(given.clone());
        assert_eq!(error.kind(), ErrorKind::SignInNeeded);
        assert_eq!(Explained::from(&error), given);
    }
}
