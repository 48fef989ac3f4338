//! The provider model: everything OAuth Desk knows about one authorization server and the client
//! registered at it, except secrets (those live in the vault). Plain data with validation; how
//! it is stored is `store::config`'s business, how it is discovered is [`discovery`]'s.

pub mod binding;
pub mod build;
pub mod check;
pub mod discovery;
mod reference;
pub mod resource_metadata;
pub mod security;
pub mod spec;
pub mod templates;
pub mod transport;

pub use reference::is_short_identifier;
pub use reference::{
    DEFAULT_IDENTITY, EnvName, IdentityName, ProjectPlace, ProviderRef, Slot, SlotKey, TypedRef,
    project_id,
};
pub use security::{
    AssertionAudience, DpopAlg, MtlsAliases, ParMode, RequestObjectMode, SecurityProfile,
    ServerSecurity,
};
pub use spec::ProviderSpec;

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use url::Url;

/// Authorization parameters OAuth Desk sets itself: an extra parameter (a provider's, a
/// sign-in's, a lab case's) may not replace them. The one list every place checks.
pub const RESERVED_PARAMS: &[&str] = &[
    "response_type",
    "client_id",
    "redirect_uri",
    "scope",
    "state",
    "nonce",
    "code_challenge",
    "code_challenge_method",
    "request",
    "request_uri",
    "dpop_jkt",
];

/// Where the redirect lands when the user configured nothing: a loopback listener with a random
/// port (RFC 8252 §7.3).
pub const DEFAULT_REDIRECT_URI: &str = "http://127.0.0.1/callback";
/// How long a sign-in may take before the loopback listener gives up.
pub const DEFAULT_CALLBACK_TIMEOUT_SECS: u64 = 300;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ProviderError {
    #[error(
        "invalid provider name {0:?}: use letters, digits, '_', '.' and '-' (at most 64 characters)"
    )]
    InvalidName(String),
    #[error(
        "invalid {what} {value:?}: use letters, digits, '_', '.' and '-' (at most 64 characters)"
    )]
    InvalidShortName { what: &'static str, value: String },
    #[error("invalid {field} {value:?}: {reason}")]
    InvalidUrl {
        field: &'static str,
        value: String,
        reason: String,
    },
    #[error("invalid parameter {0:?}: write it as key=value")]
    InvalidParam(String),
    #[error("the client id is empty")]
    EmptyClientId,
    #[error("no token endpoint is known: the provider needs an issuer (discovery) or a token URL")]
    MissingTokenEndpoint,
    #[error("client authentication {0} needs a client secret")]
    SecretRequired(AuthMethod),
    #[error("client authentication private_key_jwt needs the client's private key")]
    PrivateKeyRequired,
    #[error("unknown template {0:?}")]
    UnknownTemplate(String),
    #[error("the {title} template needs an issuer: {quirks}")]
    TemplateNeedsIssuer {
        title: &'static str,
        quirks: &'static str,
    },
    #[error("a client secret was given but the client auth method is none, which never sends it")]
    SecretUnused,
    #[error(
        "the {field} {url}{} is plain http to a host that is not this machine: tokens and secrets would cross the network unencrypted; use https",
        named_by.as_deref().map(|d| format!(" ({d})")).unwrap_or_default()
    )]
    InsecureTransport {
        field: &'static str,
        url: String,
        /// Where the URL came from when a document named it (`jwks_uri in https://…`).
        named_by: Option<String>,
    },
    #[error("{0} is set by OAuth Desk itself, not as an extra parameter")]
    ReservedParam(String),
    #[error("the resource {0:?} is not an absolute URI without a fragment (RFC 8707 §2)")]
    InvalidResource(String),
    #[error("invalid authorization details (RFC 9396): {0}")]
    InvalidAuthorizationDetails(String),
    #[error("client authentication {0} needs a client certificate and its key")]
    CertificateRequired(AuthMethod),
    #[error("a client certificate needs its private key too, and a key its certificate")]
    CertificateHalf,
    #[error(
        "a signed request object needs something to sign with: the client's private key or its client secret"
    )]
    RequestObjectNeedsKey,
    #[error(
        "PAR is on but the server announces no pushed authorization request endpoint: give it by hand"
    )]
    ParWithoutEndpoint,
    #[error("the server does not take DPoP proofs signed with {alg}; it lists {supported}")]
    DpopAlgUnsupported { alg: DpopAlg, supported: String },
    #[error("unknown {what} {value:?}: expected one of {expected}")]
    UnknownChoice {
        what: &'static str,
        value: String,
        expected: &'static str,
    },
}

/// A distinct type per public protocol value that could be mixed up with another string (a
/// client id where an issuer belongs): stored and shown as the plain string.
macro_rules! protocol_string {
    ($($(#[$doc:meta])* $name:ident;)+) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        #[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(type = "string"))]
        pub struct $name(String);

        impl $name {
            pub fn new(value: impl Into<String>) -> Self {
                $name(value.into())
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.pad(&self.0)
            }
        }

        impl From<&str> for $name {
            fn from(value: &str) -> Self {
                $name(value.to_owned())
            }
        }

        impl From<String> for $name {
            fn from(value: String) -> Self {
                $name(value)
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }
    )+};
}

protocol_string! {
    /// The client identifier registered at the server (RFC 6749 §2.2).
    ClientId;
    /// An authorization server's issuer identifier, as its metadata spells it (RFC 8414 §2).
    Issuer;
    /// A scope string exactly as it is sent (RFC 6749 §3.3: space-separated, though some
    /// servers want commas).
    Scope;
}

impl Scope {
    /// No scope parameter at all.
    pub fn none() -> Scope {
        Scope(String::new())
    }

    /// The scopes it names, in order, without repeats (spaces or commas between them).
    pub fn items(&self) -> Vec<String> {
        split_scopes(&self.0)
    }

    pub fn is_empty(&self) -> bool {
        self.0.trim().is_empty()
    }
}

/// A provider's name: a short identifier usable in file names and shell commands.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(type = "string"))]
pub struct ProviderName(String);

impl ProviderName {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for ProviderName {
    type Err = ProviderError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if is_short_identifier(s) {
            Ok(ProviderName(s.to_owned()))
        } else {
            Err(ProviderError::InvalidName(s.to_owned()))
        }
    }
}

impl TryFrom<String> for ProviderName {
    type Error = ProviderError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<ProviderName> for String {
    fn from(name: ProviderName) -> String {
        name.0
    }
}

impl fmt::Display for ProviderName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// How the client authenticates at the token endpoint (RFC 6749 §2.3, OIDC Core §9). The CLI
/// also takes the short spellings (`post`, `basic`, `jwt`: see `FromStr`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum AuthMethod {
    /// A public client: `client_id` in the body, no Authorization header at all.
    None,
    /// `client_id` and `client_secret` in the form body.
    ClientSecretPost,
    /// HTTP Basic with the form-urlencoded id and secret (RFC 6749 §2.3.1).
    ClientSecretBasic,
    /// A JWT signed with the client's private key (RFC 7523 §2.2, OIDC Core §9).
    PrivateKeyJwt,
    /// A JWT signed HS256 with the client secret (RFC 7523 §2.2, OIDC Core §9).
    ClientSecretJwt,
    /// Mutual TLS with a certificate from a CA the server trusts (RFC 8705 §2.1).
    TlsClientAuth,
    /// Mutual TLS with a self-signed certificate registered with the client (RFC 8705 §2.2).
    SelfSignedTlsClientAuth,
}

impl AuthMethod {
    pub fn needs_secret(self) -> bool {
        matches!(
            self,
            AuthMethod::ClientSecretPost
                | AuthMethod::ClientSecretBasic
                | AuthMethod::ClientSecretJwt
        )
    }

    /// The client signs an assertion (RFC 7523 §2.2): `private_key_jwt`, `client_secret_jwt`.
    pub fn uses_assertion(self) -> bool {
        matches!(
            self,
            AuthMethod::PrivateKeyJwt | AuthMethod::ClientSecretJwt
        )
    }

    /// Mutual TLS: the client certificate authenticates (RFC 8705 §2).
    pub fn is_mtls(self) -> bool {
        matches!(
            self,
            AuthMethod::TlsClientAuth | AuthMethod::SelfSignedTlsClientAuth
        )
    }
}

impl FromStr for AuthMethod {
    type Err = ProviderError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "none" => Ok(AuthMethod::None),
            "post" | "client_secret_post" => Ok(AuthMethod::ClientSecretPost),
            "basic" | "client_secret_basic" => Ok(AuthMethod::ClientSecretBasic),
            "jwt" | "private_key_jwt" => Ok(AuthMethod::PrivateKeyJwt),
            "secret_jwt" | "client_secret_jwt" => Ok(AuthMethod::ClientSecretJwt),
            "tls" | "tls_client_auth" => Ok(AuthMethod::TlsClientAuth),
            "self_signed_tls" | "self_signed_tls_client_auth" => {
                Ok(AuthMethod::SelfSignedTlsClientAuth)
            }
            _ => Err(ProviderError::UnknownChoice {
                what: "client auth method",
                value: s.to_owned(),
                expected: "none, post, basic, private_key_jwt, client_secret_jwt, tls_client_auth, self_signed_tls_client_auth",
            }),
        }
    }
}

impl fmt::Display for AuthMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            AuthMethod::None => "none",
            AuthMethod::ClientSecretPost => "client_secret_post",
            AuthMethod::ClientSecretBasic => "client_secret_basic",
            AuthMethod::PrivateKeyJwt => "private_key_jwt",
            AuthMethod::ClientSecretJwt => "client_secret_jwt",
            AuthMethod::TlsClientAuth => "tls_client_auth",
            AuthMethod::SelfSignedTlsClientAuth => "self_signed_tls_client_auth",
        })
    }
}

/// PKCE (RFC 7636). S256 unless a server can't do it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum PkceMode {
    #[default]
    S256,
    Plain,
    Off,
}

impl fmt::Display for PkceMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            PkceMode::S256 => "s256",
            PkceMode::Plain => "plain",
            PkceMode::Off => "off",
        })
    }
}

impl FromStr for PkceMode {
    type Err = ProviderError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "s256" => Ok(PkceMode::S256),
            "plain" => Ok(PkceMode::Plain),
            "off" | "none" => Ok(PkceMode::Off),
            _ => Err(ProviderError::UnknownChoice {
                what: "PKCE mode",
                value: s.to_owned(),
                expected: "s256, plain, off",
            }),
        }
    }
}

/// How the authorization request reaches the server: a GET URL (the default) or a POST form
/// (OIDC Core §3.1.2.1 allows both; traQ documents both).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum AuthorizeMethod {
    #[default]
    Get,
    Post,
}

impl fmt::Display for AuthorizeMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            AuthorizeMethod::Get => "get",
            AuthorizeMethod::Post => "post",
        })
    }
}

impl FromStr for AuthorizeMethod {
    type Err = ProviderError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "get" => Ok(AuthorizeMethod::Get),
            "post" => Ok(AuthorizeMethod::Post),
            _ => Err(ProviderError::UnknownChoice {
                what: "authorize method",
                value: s.to_owned(),
                expected: "get, post",
            }),
        }
    }
}

/// One extra request parameter, `key=value`. A list, not a map: order is kept and a key may
/// repeat (e.g. several `resource` indicators).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Param(pub String, pub String);

impl FromStr for Param {
    type Err = ProviderError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.split_once('=') {
            Some((k, v)) if !k.is_empty() => Ok(Param(k.to_owned(), v.to_owned())),
            _ => Err(ProviderError::InvalidParam(s.to_owned())),
        }
    }
}

/// The endpoints of a server. Discovery fills them; each can also be set by hand.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Endpoints {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authorization: Option<Url>,
    pub token: Option<Url>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_authorization: Option<Url>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revocation: Option<Url>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub introspection: Option<Url>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub userinfo: Option<Url>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jwks: Option<Url>,
    /// RP-initiated logout (OpenID RP-Initiated Logout 1.0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_session: Option<Url>,
    /// Pushed authorization requests (RFC 9126).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pushed_authorization: Option<Url>,
}

/// A configured provider. Contains no secret: whether a client secret exists is a flag, the
/// secret itself is in the vault.
/// One of a provider's endpoints, by role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Endpoint {
    Authorization,
    Token,
    DeviceAuthorization,
    Revocation,
    Introspection,
    Userinfo,
    EndSession,
    PushedAuthorization,
}

impl Endpoint {
    pub fn title(self) -> &'static str {
        match self {
            Endpoint::Authorization => "authorization endpoint",
            Endpoint::Token => "token endpoint",
            Endpoint::DeviceAuthorization => "device authorization endpoint",
            Endpoint::Revocation => "revocation endpoint",
            Endpoint::Introspection => "introspection endpoint",
            Endpoint::Userinfo => "userinfo endpoint",
            Endpoint::EndSession => "end-session endpoint",
            Endpoint::PushedAuthorization => "pushed authorization request endpoint",
        }
    }
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.title())
    }
}

impl Endpoints {
    pub fn get(&self, endpoint: Endpoint) -> Option<&Url> {
        match endpoint {
            Endpoint::Authorization => self.authorization.as_ref(),
            Endpoint::Token => self.token.as_ref(),
            Endpoint::DeviceAuthorization => self.device_authorization.as_ref(),
            Endpoint::Revocation => self.revocation.as_ref(),
            Endpoint::Introspection => self.introspection.as_ref(),
            Endpoint::Userinfo => self.userinfo.as_ref(),
            Endpoint::EndSession => self.end_session.as_ref(),
            Endpoint::PushedAuthorization => self.pushed_authorization.as_ref(),
        }
    }
}

/// How OAuth Desk made a provider's client.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum ClientOrigin {
    /// Dynamic client registration (RFC 7591) at this time (Unix seconds); `managed` when
    /// the server gave a registration access token (RFC 7592), kept in the vault.
    Registered { at: i64, managed: bool },
    /// A Client ID Metadata Document: the client id is the URL of the client's metadata.
    MetadataDocument { url: String },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Provider {
    pub name: ProviderName,
    /// Exactly as the discovery document spells it: issuers are compared as strings
    /// (RFC 8414 §3.3, RFC 9207), so no URL normalisation may touch it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer: Option<Issuer>,
    pub endpoints: Endpoints,
    pub client_id: ClientId,
    pub auth_method: AuthMethod,
    #[serde(default)]
    pub has_client_secret: bool,
    /// A private key for `private_key_jwt` is in the vault.
    #[serde(default)]
    pub has_private_key: bool,
    /// The built-in template it was made from, if any (see `provider::templates`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template: Option<String>,
    /// The scope string exactly as the user wrote it (some servers want commas).
    #[serde(default = "Scope::none")]
    pub scope: Scope,
    #[serde(default)]
    pub pkce: PkceMode,
    pub redirect_uri: Url,
    #[serde(default)]
    pub authorize_method: AuthorizeMethod,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub authorize_params: Vec<Param>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub token_params: Vec<Param>,
    /// Resource indicators (RFC 8707): on the authorization request and every token request,
    /// exactly as written (servers compare them as strings; a URL parser would add a `/`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub resources: Vec<String>,
    /// The protected resource metadata (RFC 9728) the provider was made from, when it was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_metadata: Option<String>,
    /// PAR, request objects, DPoP, rich authorization requests, a client certificate.
    #[serde(default, skip_serializing_if = "SecurityProfile::is_default")]
    pub security: SecurityProfile,
    /// What discovery said the server supports or requires of them.
    #[serde(default, skip_serializing_if = "ServerSecurity::is_default")]
    pub server_security: ServerSecurity,
    /// The server promised an `iss` parameter in authorization responses (RFC 9207 §3).
    #[serde(default)]
    pub iss_parameter_supported: bool,
    /// Where the end-session page sends the browser back (RP-Initiated Logout 1.0 §3), pinned
    /// for servers that compare it with a registered one; a loopback URI, any free port when
    /// it names none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub post_logout_redirect_uri: Option<Url>,
    #[serde(default = "default_timeout")]
    pub callback_timeout_secs: u64,
    /// Whether the keeper renews this provider's tokens in the background.
    #[serde(default = "yes")]
    pub auto_refresh: bool,
    /// Renew this long before expiry instead of `max(30 s, 10 % of the lifetime)`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_margin_secs: Option<u64>,
    /// The desktop app signs in with the system browser instead of its embedded window (for
    /// servers that refuse embedded browsers, e.g. Google's `disallowed_useragent`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub system_browser: bool,
    /// Plain-http endpoints off loopback were accepted for this provider: shown as a warning.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub allow_http: bool,
    /// The username git's credential helper answers with (default `oauth2`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub git_username: Option<String>,
    /// The consent lab's test plan kept with the provider (TOML, checked when saved; no
    /// secrets), exported and imported with it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lab_plan: Option<String>,
    /// Identities besides the default one (`identity add NAME@ID`): personal, so an export
    /// leaves them out.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub identities: Vec<IdentityConfig>,
    /// How the client was made when OAuth Desk made it (registration, a metadata document).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_origin: Option<ClientOrigin>,
}

/// An identity of a provider of the config.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdentityConfig {
    pub name: IdentityName,
    /// Sent as `login_hint` with every sign-in of this identity (OIDC Core §3.1.2.1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub login_hint: Option<String>,
}

fn yes() -> bool {
    true
}

fn default_timeout() -> u64 {
    DEFAULT_CALLBACK_TIMEOUT_SECS
}

/// Where an authorization response comes back to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RedirectTarget {
    /// `http://127.0.0.1[:port]/path` (or `localhost`, `[::1]`): OAuth Desk listens there.
    /// `port: None` means "any free port", chosen when the listener starts.
    Loopback { port: Option<u16> },
    /// Anything else (`https://shop.example/`): the URL must be captured some other way
    /// (pasted by the user, or intercepted by the login window).
    External,
}

impl Provider {
    pub fn redirect_target(&self) -> RedirectTarget {
        redirect_target(&self.redirect_uri)
    }

    /// The endpoint to call for `which`: its mutual-TLS alias when the client presents a
    /// certificate and the server has one (RFC 8705 §5), else the plain one.
    pub fn endpoint(&self, which: Endpoint) -> Option<&Url> {
        let aliases = &self.server_security.mtls_aliases;
        let alias = match which {
            Endpoint::Token => aliases.token.as_ref(),
            Endpoint::PushedAuthorization => aliases.pushed_authorization.as_ref(),
            Endpoint::DeviceAuthorization => aliases.device_authorization.as_ref(),
            Endpoint::Revocation => aliases.revocation.as_ref(),
            Endpoint::Introspection => aliases.introspection.as_ref(),
            Endpoint::Userinfo => aliases.userinfo.as_ref(),
            Endpoint::Authorization | Endpoint::EndSession => None,
        };
        match alias {
            Some(url) if self.security.client_certificate => Some(url),
            _ => self.endpoints.get(which),
        }
    }

    pub fn token_endpoint(&self) -> Option<&Url> {
        self.endpoint(Endpoint::Token)
    }

    /// The scopes of `scope` as a list, whether the user separated them by spaces or commas.
    pub fn scopes(&self) -> Vec<String> {
        self.scope.items()
    }

    /// The provider's endpoints (and issuer) that travel unencrypted: plain http off loopback.
    /// Empty unless `allow_http` let them in.
    pub fn insecure_endpoints(&self) -> Vec<String> {
        let e = &self.endpoints;
        let issuer = self
            .issuer
            .as_ref()
            .and_then(|i| Url::parse(i.as_str()).ok());
        [
            &issuer,
            &e.authorization,
            &e.token,
            &e.device_authorization,
            &e.revocation,
            &e.introspection,
            &e.userinfo,
            &e.jwks,
            &e.pushed_authorization,
        ]
        .into_iter()
        .flatten()
        .chain(
            self.server_security
                .mtls_aliases
                .all()
                .into_iter()
                .filter_map(|(_, url)| url),
        )
        .filter(|u| transport::is_insecure(u))
        .map(Url::to_string)
        .collect()
    }
}

pub fn redirect_target(uri: &Url) -> RedirectTarget {
    let loopback_host = matches!(
        uri.host_str(),
        Some("127.0.0.1") | Some("localhost") | Some("[::1]")
    );
    if uri.scheme() == "http" && loopback_host {
        RedirectTarget::Loopback { port: uri.port() }
    } else {
        RedirectTarget::External
    }
}

/// Splits a scope string on spaces and commas (RFC 6749 §3.3 says spaces; some servers use
/// commas), dropping empty items and duplicates while keeping order.
pub fn split_scopes(scope: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for item in scope
        .split([' ', ',', '\t', '\n'])
        .filter(|s| !s.is_empty())
    {
        if !out.iter().any(|s| s == item) {
            out.push(item.to_owned());
        }
    }
    out
}

/// Parses a URL the user typed for an endpoint: absolute, http or https, no fragment.
pub fn parse_endpoint(field: &'static str, value: &str) -> Result<Url, ProviderError> {
    let invalid = |reason: &str| ProviderError::InvalidUrl {
        field,
        value: value.to_owned(),
        reason: reason.to_owned(),
    };
    let url = Url::parse(value.trim()).map_err(|e| invalid(&url_problem(e)))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(invalid("only http and https URLs are supported"));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(invalid("the URL has no host"));
    }
    if url.fragment().is_some() {
        return Err(invalid(
            "an endpoint URL must not have a fragment (RFC 6749 §3.1)",
        ));
    }
    Ok(url)
}

/// Why a text is not a URL, in words for whoever typed it.
fn url_problem(error: url::ParseError) -> String {
    match error {
        url::ParseError::RelativeUrlWithoutBase => {
            "not a URL (it needs a scheme, like https://…)".to_owned()
        }
        other => other.to_string(),
    }
}

/// The sign-out return when none is pinned: loopback, any free port.
pub const DEFAULT_POST_LOGOUT_REDIRECT_URI: &str = "http://127.0.0.1/logged-out";

/// Parses a sign-out return URI: OAuth Desk waits for the browser there, so it is loopback
/// (`http://127.0.0.1:PORT/PATH`, `localhost` or `[::1]`), without a fragment.
pub fn parse_post_logout_redirect_uri(value: &str) -> Result<Url, ProviderError> {
    let invalid = |reason: &str| ProviderError::InvalidUrl {
        field: "sign-out return URI",
        value: value.to_owned(),
        reason: reason.to_owned(),
    };
    let url = parse_redirect_uri(value).map_err(|_| invalid("not an absolute URL"))?;
    if url.fragment().is_some() {
        return Err(invalid("it must not have a fragment"));
    }
    match redirect_target(&url) {
        RedirectTarget::Loopback { .. } => Ok(url),
        RedirectTarget::External => Err(invalid(
            "OAuth Desk waits for the browser's return on this machine: give http://127.0.0.1:PORT/PATH, as registered at the server",
        )),
    }
}

/// Parses a redirect URI: any absolute URL without a fragment (custom schemes included, since
/// some registered redirect URIs are app links).
pub fn parse_redirect_uri(value: &str) -> Result<Url, ProviderError> {
    let invalid = |reason: &str| ProviderError::InvalidUrl {
        field: "redirect URI",
        value: value.to_owned(),
        reason: reason.to_owned(),
    };
    let url = Url::parse(value.trim()).map_err(|e| invalid(&url_problem(e)))?;
    if url.fragment().is_some() {
        return Err(invalid(
            "a redirect URI must not have a fragment (RFC 6749 §3.1.2)",
        ));
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_short_identifiers() {
        for ok in ["google", "Keycloak-dev", "ec_cube.2", "a"] {
            assert!(ok.parse::<ProviderName>().is_ok(), "{ok} should be valid");
        }
        for bad in ["", "has space", "slash/name", "..", "ünï", &"x".repeat(65)] {
            assert!(
                bad.parse::<ProviderName>().is_err(),
                "{bad:?} must be rejected: names become file names and shell words"
            );
        }
    }

    #[test]
    fn scopes_split_on_spaces_and_commas() {
        assert_eq!(
            split_scopes("email,calendar:read openid  openid"),
            ["email", "calendar:read", "openid"]
        );
        assert!(split_scopes("").is_empty());
    }

    #[test]
    fn loopback_redirects_are_recognised() {
        let target = |s: &str| redirect_target(&Url::parse(s).unwrap());
        assert_eq!(
            target("http://127.0.0.1/callback"),
            RedirectTarget::Loopback { port: None }
        );
        assert_eq!(
            target("http://localhost:8765/cb"),
            RedirectTarget::Loopback { port: Some(8765) }
        );
        assert_eq!(target("https://127.0.0.1/cb"), RedirectTarget::External);
        assert_eq!(target("https://shop.example/"), RedirectTarget::External);
    }

    #[test]
    fn params_need_a_key() {
        assert_eq!(
            "prompt=consent".parse::<Param>().unwrap(),
            Param("prompt".into(), "consent".into())
        );
        assert_eq!(
            "a==b".parse::<Param>().unwrap(),
            Param("a".into(), "=b".into())
        );
        assert!("=x".parse::<Param>().is_err());
        assert!("novalue".parse::<Param>().is_err());
    }

    #[test]
    fn endpoints_must_be_http_urls() {
        assert!(parse_endpoint("token URL", "https://x.example/token").is_ok());
        assert!(parse_endpoint("token URL", "ftp://x.example/token").is_err());
        assert!(parse_endpoint("token URL", "not a url").is_err());
        assert!(parse_endpoint("token URL", "https://x.example/t#frag").is_err());
    }
}
