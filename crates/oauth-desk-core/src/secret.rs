//! `Secret`: the one wrapper for every secret value (client secrets, codes, verifiers, tokens).
//!
//! Why a type: a secret must never reach a log line, an error message, a trace or `--json` by
//! accident. `Secret` prints `Secret([redacted])` under `Debug`, has no `Display` and no
//! `Serialize`; reading it is an explicit [`Secret::expose`]. The vault, the one place that
//! stores secrets, opts in to serialising them with `#[serde(with = "crate::secret::vault_serde")]`.
//! The memory is zeroed on drop.

use std::fmt;

use zeroize::Zeroizing;

#[derive(Clone, PartialEq, Eq)]
pub struct Secret(Zeroizing<String>);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(Zeroizing::new(value.into()))
    }

    /// The secret value. Call sites are few on purpose: grep for `expose(` to audit them.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Constant-time comparison, for values an attacker may probe (state, nonce).
    pub fn matches(&self, other: &str) -> bool {
        let (a, b) = (self.0.as_bytes(), other.as_bytes());
        if a.len() != b.len() {
            return false;
        }
        a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

impl AsRef<Secret> for Secret {
    fn as_ref(&self) -> &Secret {
        self
    }
}

/// A distinct type per protocol secret, so that two of them can't be swapped where a call
/// takes both (`exchange_code(code, verifier)`), as oauth2-rs does. Each reads as a [`Secret`]
/// (redacted `Debug`, `expose` to read, zeroed on drop) and converts only explicitly.
macro_rules! protocol_secret {
    ($($(#[$doc:meta])* $name:ident;)+) => {$(
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq)]
        pub struct $name(Secret);

        impl $name {
            pub fn new(value: impl Into<String>) -> Self {
                $name(Secret::new(value))
            }

            /// The value as a plain [`Secret`], for code that treats every secret alike
            /// (redaction, the vault, a token shown by kind).
            pub fn into_secret(self) -> Secret {
                self.0
            }
        }

        impl std::ops::Deref for $name {
            type Target = Secret;
            fn deref(&self) -> &Secret {
                &self.0
            }
        }

        impl AsRef<Secret> for $name {
            fn as_ref(&self) -> &Secret {
                &self.0
            }
        }

        impl From<Secret> for $name {
            fn from(secret: Secret) -> Self {
                $name(secret)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(concat!(stringify!($name), "([redacted])"))
            }
        }
    )+};
}

protocol_secret! {
    /// The authorization code of an authorization response (RFC 6749 §4.1.2).
    AuthorizationCode;
    /// The PKCE code verifier of one sign-in (RFC 7636 §4.1).
    PkceVerifier;
    /// The `state` of one sign-in, checked against the response (RFC 6749 §10.12).
    CsrfState;
    /// The OpenID `nonce` of one sign-in, checked against the ID token (OIDC Core §3.1.2.1).
    Nonce;
    /// An access token (RFC 6749 §1.4).
    AccessToken;
    /// A refresh token (RFC 6749 §1.5).
    RefreshToken;
    /// An OpenID Connect ID token (OIDC Core §2).
    IdToken;
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret::new(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Secret::new(value)
    }
}

/// Serde glue for the encrypted vault only (`Option<…>` fields use [`vault_serde_opt`]): a
/// [`Secret`] or any protocol secret, as its plain value.
pub mod vault_serde {
    use super::Secret;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<T: AsRef<Secret>, S: Serializer>(secret: &T, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(secret.as_ref().expose())
    }

    pub fn deserialize<'de, T: From<Secret>, D: Deserializer<'de>>(d: D) -> Result<T, D::Error> {
        String::deserialize(d).map(|v| T::from(Secret::new(v)))
    }
}

/// Serde glue for optional secrets of the encrypted vault.
pub mod vault_serde_opt {
    use super::Secret;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<T: AsRef<Secret>, S: Serializer>(
        secret: &Option<T>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        match secret {
            Some(secret) => s.serialize_some(secret.as_ref().expose()),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, T: From<Secret>, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<T>, D::Error> {
        Ok(Option::<String>::deserialize(d)?.map(|v| T::from(Secret::new(v))))
    }
}

/// Random URL-safe text from the OS RNG: `bytes` random bytes, base64url without padding.
pub fn random_urlsafe(bytes: usize) -> Result<String, getrandom::Error> {
    use base64::Engine;
    let mut buf = Zeroizing::new(vec![0u8; bytes]);
    getrandom::fill(&mut buf)?;
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&*buf))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_prints_the_value() {
        let secret = Secret::new("hunter2-very-secret");
        let printed = format!("{secret:?} {:?}", Some(&secret));
        assert!(
            !printed.contains("hunter2"),
            "Debug must not leak the secret: {printed}"
        );
        assert!(printed.contains("redacted"));
    }

    #[test]
    fn protocol_secrets_are_redacted_and_distinct() {
        let code = AuthorizationCode::new("the-code-xyz");
        let verifier = PkceVerifier::new("the-verifier-xyz");
        let printed = format!("{code:?} {verifier:?}");
        assert_eq!(
            printed, "AuthorizationCode([redacted]) PkceVerifier([redacted])",
            "the type names what it holds, never the value"
        );
        assert_eq!(code.expose(), "the-code-xyz");
    }

    #[test]
    fn matches_compares_whole_values() {
        let secret = Secret::new("abc");
        assert!(secret.matches("abc"));
        assert!(!secret.matches("abd"));
        assert!(!secret.matches("ab"));
        assert!(!secret.matches("abcd"));
    }

    #[test]
    fn random_values_differ_and_are_urlsafe() {
        let a = random_urlsafe(32).unwrap();
        let b = random_urlsafe(32).unwrap();
        assert_ne!(a, b, "two draws from the OS RNG must differ");
        assert_eq!(
            a.len(),
            43,
            "32 bytes are 43 base64url characters without padding"
        );
        assert!(
            a.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        );
    }
}
