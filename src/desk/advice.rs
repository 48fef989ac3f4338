//! Explaining failures: every [`DeskError`] becomes one neutral sentence (what went wrong and
//! why), a stable [`ErrorKind`] a front end can branch on, and — when something would fix it —
//! a typed [`Advice`]. The engine decides *which* advice applies; each front end words it its
//! own way (the CLI with its flags and commands, the app with its settings and buttons), so no
//! desktop user reads a CLI flag and no CLI user reads about a button.

use serde::{Deserialize, Serialize};

use super::DeskError;
use crate::callback::CallbackError;
use crate::flow::FlowError;
use crate::flow::authorize::AuthorizationError;
use crate::http::HttpError;
use crate::login::LoginError;
use crate::store::config::ConfigError;
use oauth_desk_core::provider::ProviderError;

pub use oauth_desk_core::provider::Endpoint;

/// What would fix a failure, as data. Front ends word it (see the module doc).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Advice {
    /// Sign in to the provider again.
    SignIn,
    /// Sign in with a person at the keyboard (no `prompt=none`).
    SignInInteractively,
    /// Configure the endpoint the action needs (or an issuer whose discovery lists it).
    AddEndpoint { endpoint: Endpoint },
    /// The provider needs an issuer (discovery) or a token endpoint.
    GiveIssuerOrTokenUrl,
    /// The template needs the tenant's or domain's issuer.
    GiveIssuer,
    /// Store the client secret.
    SetClientSecret,
    /// Store the client's private key (PEM).
    SetPrivateKey,
    /// The client auth method must be one that sends the secret (basic or post).
    ChooseSecretAuthMethod,
    /// Pick one of the built-in templates.
    ListTemplates,
    /// Add a provider first.
    AddProvider,
    /// The parameter is set by OAuth Desk: remove it from the extra parameters.
    RemoveReservedParam { param: String },
    /// Change the provider's PKCE setting.
    ChangePkce,
    /// Check the client id and secret, and the auth method registered at the server.
    CheckClientCredentials,
    /// Register the redirect URI exactly, or pin the loopback port to a registered one.
    RegisterRedirectUri { sent: String },
    /// Ask for fewer scopes.
    FewerScopes,
    /// Sign in with the system browser instead of an embedded one.
    UseSystemBrowser,
    /// Let HTTP requests take longer.
    WaitLonger,
    /// Use https endpoints, or accept plain http for this provider.
    UseHttps,
    /// Give a consent test plan (or keep one with the provider).
    WriteLabPlan,
    /// Sign in to another provider first (the one whose token the action uses).
    SignInTo { provider: String },
    /// Push authorization requests (RFC 9126): PAR `auto` or `on`.
    UsePar,
    /// Give the provider the client certificate and key the server expects (RFC 8705).
    SetClientCertificate,
    /// Set the project's named secret `name` (the project file names it).
    SetNamedSecret { name: String },
    /// Change the project file at this line.
    EditProjectFile { file: String, line: usize },
    /// Look at what the project file will do, and allow it.
    AllowProject { file: String },
    /// Add the identity first.
    AddIdentity { reference: String },
    /// Choose one of the project's environments.
    ChooseEnvironment { known: Vec<String> },
    /// Register the sign-out return URI, or pin a registered one.
    PinSignOutReturn { sent: String },
    /// Check the assertion's key or secret, or give its `aud` the other form (the issuer,
    /// or the token endpoint URL): `sent` is the one used.
    ChangeAssertionAudience {
        sent: String,
        other: oauth_desk_core::provider::AssertionAudience,
    },
}

/// The stable category of a failure, for front ends that branch (the app's UI).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum ErrorKind {
    Config,
    Vault,
    Provider,
    Network,
    Oauth,
    SignInNeeded,
    NotSignedIn,
    Cancelled,
    Timeout,
    Invalid,
    NotSupported,
    Browser,
    Io,
    Internal,
}

/// A failure explained: the neutral sentence, its kind, what would fix it, the server's words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Explained {
    pub kind: ErrorKind,
    /// One or two sentences, without a remedy worded for any front end.
    pub message: String,
    pub advice: Option<Advice>,
    /// The server's `error` code, when the server answered with one.
    pub server_error: Option<String>,
    pub server_description: Option<String>,
}

impl Explained {
    /// A failure made by a front end itself (a file it could not write, a bad argument).
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Explained {
        Explained {
            kind,
            message: message.into(),
            advice: None,
            server_error: None,
            server_description: None,
        }
    }
}

impl std::fmt::Display for Explained {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl From<&DeskError> for Explained {
    fn from(error: &DeskError) -> Explained {
        // Explained already (by the running keeper): its kind and advice are kept as given.
        if let DeskError::Explained(explained) = error {
            return explained.clone();
        }
        let oauth = error.oauth_error();
        let (cause, advice) = cause_and_advice(error);
        let message = match cause {
            Some(cause) => format!("{error}. {cause}"),
            None => error.to_string(),
        };
        // A server's words (its error_description, a page's excerpt) reach a terminal or a
        // window only with their control characters escaped.
        let shown = |text: &str| crate::printable::printable(text).into_owned();
        Explained {
            kind: kind_of(error),
            message: shown(&message),
            advice,
            server_error: oauth.map(|e| shown(&e.error)),
            server_description: oauth.and_then(|e| e.error_description.as_deref().map(shown)),
        }
    }
}

impl From<DeskError> for Explained {
    fn from(error: DeskError) -> Explained {
        Explained::from(&error)
    }
}

/// Exhaustive on purpose: a new failure is given its kind where it is added.
pub(super) fn kind_of(error: &DeskError) -> ErrorKind {
    match error {
        DeskError::Config(_)
        | DeskError::NoEndpoint { .. }
        | DeskError::PrivateKeyFile { .. }
        | DeskError::Project(_)
        | DeskError::NotAllowed(_)
        | DeskError::UnknownIdentity { .. }
        | DeskError::IdentityExists { .. }
        | DeskError::DefinedInProject { .. }
        | DeskError::SecretUnavailable { .. } => ErrorKind::Config,
        DeskError::Vault(_) | DeskError::Lock(_) | DeskError::Paths(_) => ErrorKind::Vault,
        // A setting the provider rules refuse: what a usage error is made of.
        DeskError::Provider(_) => ErrorKind::Provider,
        DeskError::NotSignedIn { .. } | DeskError::OtherNotSignedIn { .. } => {
            ErrorKind::NotSignedIn
        }
        DeskError::SignInNeeded { .. } | DeskError::BindingChanged { .. } => {
            ErrorKind::SignInNeeded
        }
        DeskError::NotSupported(_) => ErrorKind::NotSupported,
        DeskError::Invalid(_) | DeskError::NoSession { .. } => ErrorKind::Invalid,
        DeskError::Browser(_) => ErrorKind::Browser,
        DeskError::WriteFile { .. } => ErrorKind::Io,
        DeskError::Internal(_) => ErrorKind::Internal,
        DeskError::Explained(e) => e.kind,
        DeskError::Login(LoginError::Callback(CallbackError::Timeout(_)))
        | DeskError::SignOutTimeout { .. } => ErrorKind::Timeout,
        DeskError::Login(LoginError::Callback(CallbackError::Cancelled)) => ErrorKind::Cancelled,
        // What a server answered, or could not be reached for.
        DeskError::Discovery(_)
        | DeskError::Http(_)
        | DeskError::Flow(_)
        | DeskError::CodeExchange { .. }
        | DeskError::Refresh { .. }
        | DeskError::Grant { .. }
        | DeskError::Login(_)
        | DeskError::Agent(_)
        | DeskError::Import(_)
        | DeskError::Resource(_)
        | DeskError::Registration(_)
        | DeskError::Lab(_)
        | DeskError::Certificate(_)
        | DeskError::Dpop(_) => {
            if error.oauth_error().is_some() {
                ErrorKind::Oauth
            } else if error.is_transient()
                || matches!(error, DeskError::Discovery(_) | DeskError::Http(_))
            {
                ErrorKind::Network
            } else {
                ErrorKind::Invalid
            }
        }
    }
}

/// The cause to add to the error's own sentence, and the advice.
#[expect(
    clippy::too_many_lines,
    reason = "one table: each failure and the advice that fixes it"
)]
fn cause_and_advice(error: &DeskError) -> (Option<String>, Option<Advice>) {
    if let DeskError::CodeExchange {
        redirect_uri,
        source,
    } = error
        && let Some(e) = source.oauth_error()
        && is_redirect_error(&e.error, e.error_description.as_deref())
    {
        return (
            Some(format!(
                "The redirect URI sent was {redirect_uri}: it must be registered at the server exactly (scheme, host, port, path); for a loopback URI with a random port the server must allow any port (RFC 8252 §7.3)"
            )),
            Some(Advice::RegisterRedirectUri {
                sent: redirect_uri.clone(),
            }),
        );
    }
    if let DeskError::Grant { grant, source } = error
        && let Some(e) = source.oauth_error()
        && let Some(cause) = grant_cause(*grant, &e.error)
    {
        return (Some(cause.to_owned()), None);
    }
    if let Some(FlowError::CertificateRefused(_)) = flow_error(error) {
        return (
            Some("The server did not accept the client certificate (RFC 8705): none reached it, it is not from a CA the server trusts, or it is not the one registered for the client".into()),
            Some(Advice::SetClientCertificate),
        );
    }
    if let Some(FlowError::AssertionRefused(refusal)) = flow_error(error) {
        let audience = &refusal.audience;
        let (now, other) = if refusal.kind == oauth_desk_core::provider::AssertionAudience::Issuer {
            (
                "the issuer",
                oauth_desk_core::provider::AssertionAudience::TokenEndpoint,
            )
        } else {
            (
                "the token endpoint",
                oauth_desk_core::provider::AssertionAudience::Issuer,
            )
        };
        return (
            Some(format!(
                "The server did not accept the client's assertion (RFC 7523): the key or secret it is signed with, or its audience — it was {now}, {audience}; servers following draft-ietf-oauth-rfc7523bis want the issuer, older ones the token endpoint URL"
            )),
            Some(Advice::ChangeAssertionAudience {
                sent: audience.clone(),
                other,
            }),
        );
    }
    if let Some(e) = error.oauth_error() {
        let during_refresh = matches!(error, DeskError::Refresh { .. });
        let (cause, advice) = oauth_cause(&e.error, e.error_description.as_deref(), during_refresh);
        return (cause.map(str::to_owned), advice);
    }
    let advice = match error {
        DeskError::NotSignedIn { .. } | DeskError::SignInNeeded { .. } => Some(Advice::SignIn),
        DeskError::OtherNotSignedIn { provider, .. } => Some(Advice::SignInTo {
            provider: provider.clone(),
        }),
        DeskError::NoEndpoint { endpoint, .. } => Some(Advice::AddEndpoint {
            endpoint: *endpoint,
        }),
        DeskError::Provider(e) => provider_advice(e),
        DeskError::Lab(oauth_desk_core::lab::LabError::NoPlan(_)) => Some(Advice::WriteLabPlan),
        DeskError::Flow(e) | DeskError::Refresh { source: e } => flow_advice(e),
        DeskError::Login(LoginError::Flow(e)) => flow_advice(e),
        DeskError::Config(ConfigError::UnknownProvider { hint, .. })
            if hint.contains("no providers") =>
        {
            Some(Advice::AddProvider)
        }
        DeskError::SecretUnavailable {
            named: Some(name), ..
        } => Some(Advice::SetNamedSecret { name: name.clone() }),
        DeskError::NotAllowed(e) => Some(Advice::AllowProject {
            file: e.file.clone(),
        }),
        DeskError::BindingChanged {
            named: Some(name), ..
        } => Some(Advice::SetNamedSecret { name: name.clone() }),
        DeskError::BindingChanged { named: None, .. } => Some(Advice::SignIn),
        DeskError::DefinedInProject { file, line, .. } => Some(Advice::EditProjectFile {
            file: file.clone(),
            line: *line,
        }),
        DeskError::Project(crate::project::ProjectError::At { file, line, .. }) => {
            Some(Advice::EditProjectFile {
                file: file.clone(),
                line: *line,
            })
        }
        DeskError::Project(crate::project::ProjectError::UnknownEnv { known, .. }) => {
            Some(Advice::ChooseEnvironment {
                known: known.split(", ").map(str::to_owned).collect(),
            })
        }
        DeskError::SignOutTimeout { sent, .. } => {
            return (
                Some("A server that compares post_logout_redirect_uri with the registered ones (RP-Initiated Logout 1.0 §3) shows an error page instead of sending the browser back".into()),
                Some(Advice::PinSignOutReturn { sent: sent.clone() }),
            );
        }
        DeskError::UnknownIdentity {
            provider, identity, ..
        } => Some(Advice::AddIdentity {
            reference: format!(
                "{}@{identity}",
                provider.split(' ').next().unwrap_or(provider)
            ),
        }),
        _ => None,
    };
    (None, advice)
}

/// The flow failure inside `error`, if it is one.
fn flow_error(error: &DeskError) -> Option<&FlowError> {
    match error {
        DeskError::Flow(e)
        | DeskError::Refresh { source: e }
        | DeskError::Grant { source: e, .. }
        | DeskError::CodeExchange { source: e, .. }
        | DeskError::Login(LoginError::Flow(e)) => Some(e),
        _ => None,
    }
}

fn provider_advice(error: &ProviderError) -> Option<Advice> {
    match error {
        ProviderError::MissingTokenEndpoint => Some(Advice::GiveIssuerOrTokenUrl),
        ProviderError::SecretRequired(_) => Some(Advice::SetClientSecret),
        ProviderError::PrivateKeyRequired => Some(Advice::SetPrivateKey),
        ProviderError::UnknownTemplate(_) => Some(Advice::ListTemplates),
        ProviderError::TemplateNeedsIssuer { .. } => Some(Advice::GiveIssuer),
        ProviderError::SecretUnused => Some(Advice::ChooseSecretAuthMethod),
        ProviderError::InsecureTransport { .. } => Some(Advice::UseHttps),
        ProviderError::ReservedParam(param) => Some(Advice::RemoveReservedParam {
            param: param.clone(),
        }),
        ProviderError::CertificateRequired(_) => Some(Advice::SetClientCertificate),
        ProviderError::ParWithoutEndpoint => Some(Advice::AddEndpoint {
            endpoint: oauth_desk_core::provider::Endpoint::PushedAuthorization,
        }),
        _ => None,
    }
}

fn flow_advice(error: &FlowError) -> Option<Advice> {
    match error {
        FlowError::MissingSecret { .. } => Some(Advice::SetClientSecret),
        FlowError::MissingPrivateKey => Some(Advice::SetPrivateKey),
        FlowError::Authorization(AuthorizationError::ReservedParam(param)) => {
            Some(Advice::RemoveReservedParam {
                param: param.clone(),
            })
        }
        FlowError::Http(HttpError::Timeout { .. }) => Some(Advice::WaitLonger),
        _ => None,
    }
}

fn is_redirect_error(error: &str, description: Option<&str>) -> bool {
    matches!(error, "redirect_uri_mismatch" | "invalid_redirect_uri")
        || description.is_some_and(|d| d.to_ascii_lowercase().contains("redirect_uri"))
}

/// What an OAuth `error` code means, and what would fix it.
pub fn oauth_cause(
    error: &str,
    description: Option<&str>,
    during_refresh: bool,
) -> (Option<&'static str>, Option<Advice>) {
    let d = description.unwrap_or_default().to_ascii_lowercase();
    let (cause, advice) = match error {
        "invalid_grant" if during_refresh => (
            "The refresh token is no longer valid (expired, revoked, rotated away, or the session ended)",
            Some(Advice::SignIn),
        ),
        "invalid_grant"
            if d.contains("pkce") || d.contains("code_verifier") || d.contains("verifier") =>
        {
            ("The PKCE verifier was refused", Some(Advice::ChangePkce))
        }
        "invalid_grant" => (
            "The code was refused: codes are single-use and short-lived, and the redirect URI and PKCE verifier must match the authorization request",
            Some(Advice::SignIn),
        ),
        "invalid_client" if d.contains("certificate") => (
            "The server wants a client certificate it accepts (RFC 8705): none was presented, or not the registered one",
            Some(Advice::SetClientCertificate),
        ),
        "invalid_client" | "unauthorized_client" => (
            "The server did not accept the client's credentials",
            Some(Advice::CheckClientCredentials),
        ),
        "redirect_uri_mismatch" | "invalid_redirect_uri" => (
            "The redirect URI must be registered at the server exactly as sent (scheme, host, port, path)",
            None,
        ),
        "disallowed_useragent" => (
            "This provider refuses embedded browsers",
            Some(Advice::UseSystemBrowser),
        ),
        "invalid_scope" => (
            "A requested scope is unknown or not allowed for this client",
            Some(Advice::FewerScopes),
        ),
        "invalid_request" if d.contains("code_challenge") || d.contains("pkce") => {
            ("The server's PKCE rules differ", Some(Advice::ChangePkce))
        }
        "invalid_request" if d.contains("pushed authorization") => (
            "The server requires this client to push its authorization requests (RFC 9126)",
            Some(Advice::UsePar),
        ),
        "invalid_dpop_proof" => (
            "The server refused the DPoP proof (RFC 9449 §4.3): its signature, htm or htu, its age, or a jti it has seen before",
            None,
        ),
        "use_dpop_nonce" => (
            "The server still asks for a DPoP nonce after one retry with its nonce (RFC 9449 §8)",
            None,
        ),
        "invalid_request_object" => (
            "The server refused the signed request object (RFC 9101): its algorithm, its key, or its claims (aud is the issuer, exp at most minutes away)",
            None,
        ),
        "invalid_request_uri" => (
            "The pushed request's request_uri was refused: it is single-use and expires (RFC 9126 §4)",
            Some(Advice::SignIn),
        ),
        "invalid_authorization_details" => (
            "The server refused the authorization details (RFC 9396): a type it does not know or allow for this client, or a field the type needs",
            None,
        ),
        "unsupported_grant_type" => ("This client is not allowed this grant at the server", None),
        "access_denied" => (
            "The sign-in was declined; start again and approve the requested access",
            None,
        ),
        "consent_required" | "login_required" | "interaction_required" => (
            "The server needs the person to interact",
            Some(Advice::SignInInteractively),
        ),
        "unsupported_token_type" => (
            "The server can't revoke or introspect this kind of token (JWT access tokens often can't be)",
            None,
        ),
        _ => return (None, None),
    };
    (Some(cause), advice)
}

/// What a refusal means for the grants without a login page.
fn grant_cause(grant: super::OtherGrant, error: &str) -> Option<&'static str> {
    use super::OtherGrant::*;
    Some(match (grant, error) {
        (TokenExchange, "invalid_grant") => {
            "The subject (or actor) token was refused: expired, revoked, or not one this server exchanges; sign in to that provider again, or exchange another of its tokens"
        }
        (JwtBearer, "invalid_grant") => {
            "The assertion was refused: its signature, issuer, subject, audience (the token endpoint), expiry, or a jti used before"
        }
        (Password, "invalid_grant") => "The user name or password was refused",
        (_, "invalid_target") => {
            "The server does not accept the audience or resource asked for (RFC 8693 §2.2.2, RFC 8707)"
        }
        (_, "unsupported_grant_type" | "unauthorized_client") => {
            "This client is not allowed this grant at the server: it has to be enabled for the client there"
        }
        _ => return None,
    })
}

/// Whether a page the login window navigated to is a provider refusing embedded browsers
/// (Google's `disallowed_useragent` error page and its kin).
pub fn refuses_embedded_browser(url: &url::Url) -> bool {
    let text = url.as_str();
    text.contains("disallowed_useragent") || text.contains("embedded_browser")
}

impl Advice {
    /// Every advice, one of each (with sample values): what each front end must word, so its
    /// tests word them all.
    pub fn every() -> Vec<Advice> {
        every_advice()
    }
}

#[expect(
    clippy::too_many_lines,
    reason = "the list of every advice, and the match that keeps it complete"
)]
fn every_advice() -> Vec<Advice> {
    let all = vec![
        Advice::SignIn,
        Advice::SignInInteractively,
        Advice::GiveIssuerOrTokenUrl,
        Advice::GiveIssuer,
        Advice::SetClientSecret,
        Advice::SetPrivateKey,
        Advice::ChooseSecretAuthMethod,
        Advice::ListTemplates,
        Advice::AddProvider,
        Advice::RemoveReservedParam {
            param: "state".into(),
        },
        Advice::ChangePkce,
        Advice::CheckClientCredentials,
        Advice::RegisterRedirectUri {
            sent: "http://127.0.0.1:4711/callback".into(),
        },
        Advice::FewerScopes,
        Advice::UseSystemBrowser,
        Advice::WaitLonger,
        Advice::UseHttps,
        Advice::WriteLabPlan,
        Advice::SignInTo {
            provider: "other".into(),
        },
        Advice::UsePar,
        Advice::SetClientCertificate,
        Advice::SetNamedSecret {
            name: "shop-secret".into(),
        },
        Advice::EditProjectFile {
            file: "/repo/oauth-desk.toml".into(),
            line: 12,
        },
        Advice::AllowProject {
            file: "/repo/oauth-desk.toml".into(),
        },
        Advice::AddIdentity {
            reference: "api@admin".into(),
        },
        Advice::ChooseEnvironment {
            known: vec!["dev".into(), "stage".into()],
        },
        Advice::PinSignOutReturn {
            sent: "http://127.0.0.1:4711/logged-out".into(),
        },
        Advice::ChangeAssertionAudience {
            sent: "https://as.example".into(),
            other: oauth_desk_core::provider::AssertionAudience::TokenEndpoint,
        },
    ];
    // A new variant must be added above: this match fails to compile until it is.
    for advice in &all {
        match advice {
            Advice::SignIn
            | Advice::SignInInteractively
            | Advice::AddEndpoint { .. }
            | Advice::GiveIssuerOrTokenUrl
            | Advice::GiveIssuer
            | Advice::SetClientSecret
            | Advice::SetPrivateKey
            | Advice::ChooseSecretAuthMethod
            | Advice::ListTemplates
            | Advice::AddProvider
            | Advice::RemoveReservedParam { .. }
            | Advice::ChangePkce
            | Advice::CheckClientCredentials
            | Advice::RegisterRedirectUri { .. }
            | Advice::FewerScopes
            | Advice::UseSystemBrowser
            | Advice::WaitLonger
            | Advice::UseHttps
            | Advice::WriteLabPlan
            | Advice::SignInTo { .. }
            | Advice::UsePar
            | Advice::SetClientCertificate
            | Advice::SetNamedSecret { .. }
            | Advice::EditProjectFile { .. }
            | Advice::AllowProject { .. }
            | Advice::AddIdentity { .. }
            | Advice::ChooseEnvironment { .. }
            | Advice::PinSignOutReturn { .. }
            | Advice::ChangeAssertionAudience { .. } => {}
        }
    }
    let endpoints = [
        Endpoint::Authorization,
        Endpoint::Token,
        Endpoint::DeviceAuthorization,
        Endpoint::Revocation,
        Endpoint::Introspection,
        Endpoint::Userinfo,
        Endpoint::EndSession,
    ];
    all.into_iter()
        .chain(
            endpoints
                .into_iter()
                .map(|endpoint| Advice::AddEndpoint { endpoint }),
        )
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_browser_refusals_are_recognised() {
        let refuses = |u: &str| refuses_embedded_browser(&u.parse().unwrap());
        assert!(refuses(
            "https://accounts.google.com/signin/oauth/error?authError=disallowed_useragent"
        ));
        assert!(!refuses("https://accounts.google.com/o/oauth2/auth"));
    }

    #[test]
    fn known_errors_get_advice() {
        assert_eq!(
            oauth_cause("invalid_grant", None, true).1,
            Some(Advice::SignIn)
        );
        assert_eq!(
            oauth_cause("invalid_client", None, false).1,
            Some(Advice::CheckClientCredentials)
        );
        assert_eq!(
            oauth_cause("disallowed_useragent", None, false).1,
            Some(Advice::UseSystemBrowser)
        );
        assert_eq!(
            oauth_cause("invalid_grant", Some("PKCE verification failed"), false).1,
            Some(Advice::ChangePkce)
        );
        assert_eq!(oauth_cause("server_error", None, false), (None, None));
    }

    #[test]
    fn engine_messages_name_no_front_end() {
        let errors = [
            DeskError::NotSignedIn { name: "op".into() },
            DeskError::SignInNeeded {
                name: "op".into(),
                reason: "the tokens were revoked".into(),
            },
            DeskError::NoEndpoint {
                name: "op".into(),
                endpoint: Endpoint::Revocation,
            },
            DeskError::Provider(ProviderError::MissingTokenEndpoint),
            DeskError::Provider(ProviderError::SecretUnused),
            DeskError::Provider(ProviderError::UnknownTemplate("x".into())),
        ];
        for e in errors {
            let explained = Explained::from(&e);
            assert!(
                !explained.message.contains("--") && !explained.message.contains("oauth-desk "),
                "the engine's sentence must not speak in CLI words (the app shows it too): {}",
                explained.message
            );
            assert!(explained.advice.is_some(), "{e} deserves advice");
        }
    }
}
