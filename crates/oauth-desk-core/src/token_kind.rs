//! Which of a provider's tokens an action is about: a leaf that token sets ([`crate::token`])
//! and the requests of grants ([`crate::grant`]) both name, so neither depends on the other
//! for it.

use serde::{Deserialize, Serialize};

/// Which of a provider's tokens an action is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum TokenKind {
    Access,
    Refresh,
    Id,
}

impl TokenKind {
    /// The `token_type_hint` of revocation and introspection (RFC 7009 §2.1, RFC 7662 §2.1);
    /// none for ID tokens, which those endpoints are not for.
    pub fn hint(self) -> Option<&'static str> {
        match self {
            TokenKind::Access => Some("access_token"),
            TokenKind::Refresh => Some("refresh_token"),
            TokenKind::Id => None,
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            TokenKind::Access => "access token",
            TokenKind::Refresh => "refresh token",
            TokenKind::Id => "ID token",
        }
    }
}
