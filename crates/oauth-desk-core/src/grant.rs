//! What the grants beyond sign-in ask for — a token exchange (RFC 8693), a JWT-bearer
//! assertion (RFC 7523) — and how such tokens are renewed when the server gave no refresh
//! token (kept with the token set; no secret in it).

use serde::{Deserialize, Serialize};

use crate::provider::ProviderRef;
use crate::secret::Secret;
use crate::token_kind::TokenKind;

fn access() -> TokenKind {
    TokenKind::Access
}

/// A token exchange: another provider's token as the subject (and maybe an actor's).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ExchangeRequest {
    /// The provider (and identity) whose token is the subject.
    pub subject_from: ProviderRef,
    /// Which of its tokens (access by default).
    #[serde(default = "access")]
    pub subject_token: TokenKind,
    /// The provider whose token is the actor (delegation, RFC 8693 §1.1).
    #[serde(default)]
    pub actor_from: Option<ProviderRef>,
    #[serde(default = "access")]
    pub actor_token: TokenKind,
    #[serde(default)]
    pub audience: Vec<String>,
    #[serde(default)]
    pub resource: Vec<String>,
    /// Replaces the provider's scopes for this exchange.
    #[serde(default)]
    pub scope: Option<crate::provider::Scope>,
    /// A token type URN (`urn:ietf:params:oauth:token-type:…`).
    #[serde(default)]
    pub requested_token_type: Option<String>,
}

impl ExchangeRequest {
    /// An exchange of `subject`'s access token, nothing else asked.
    pub fn of(subject: ProviderRef) -> ExchangeRequest {
        ExchangeRequest {
            subject_from: subject,
            subject_token: TokenKind::Access,
            actor_from: None,
            actor_token: TokenKind::Access,
            audience: Vec::new(),
            resource: Vec::new(),
            scope: None,
            requested_token_type: None,
        }
    }
}

/// Where a JWT-bearer assertion comes from.
#[derive(Debug, Clone)]
pub enum AssertionSource {
    /// Another provider's ID token.
    IdTokenOf(ProviderRef),
    /// Given whole (read from stdin, pasted): used once, not renewable.
    Given(Secret),
    /// Signed here with the provider's private key: `iss` and `sub` the client id unless set.
    SelfSigned {
        subject: Option<String>,
        issuer: Option<String>,
    },
}

#[derive(Debug, Clone)]
pub struct JwtBearerRequest {
    pub assertion: AssertionSource,
    /// Replaces the provider's scopes for this request.
    pub scope: Option<crate::provider::Scope>,
}

/// How tokens without a refresh token are had again when due.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Renewal {
    /// Exchange the subject's (then current) token again.
    Exchange(Box<ExchangeRequest>),
    /// Another provider's ID token again.
    IdTokenOf { provider: ProviderRef },
    /// A newly signed assertion.
    SelfSigned {
        subject: Option<String>,
        issuer: Option<String>,
    },
}

impl AssertionSource {
    /// How the assertion is had again, when it can be.
    pub fn renewal(&self) -> Option<Renewal> {
        match self {
            AssertionSource::IdTokenOf(provider) => Some(Renewal::IdTokenOf {
                provider: provider.clone(),
            }),
            AssertionSource::Given(_) => None,
            AssertionSource::SelfSigned { subject, issuer } => Some(Renewal::SelfSigned {
                subject: subject.clone(),
                issuer: issuer.clone(),
            }),
        }
    }
}

/// One line for every front end to show before a password grant.
pub const PASSWORD_GRANT_WARNING: &str = "the password grant hands the user's password to the client; RFC 9700 §2.4 (OAuth 2.0 Security BCP) says it MUST NOT be used — use it only to debug a legacy client";
