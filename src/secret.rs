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

/// Serde glue for the encrypted vault only (`Option<Secret>` fields use [`vault_serde_opt`]).
pub mod vault_serde {
    use super::Secret;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(secret: &Secret, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(secret.expose())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Secret, D::Error> {
        String::deserialize(d).map(Secret::new)
    }
}

/// Serde glue for `Option<Secret>` fields of the encrypted vault.
pub mod vault_serde_opt {
    use super::Secret;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(secret: &Option<Secret>, s: S) -> Result<S::Ok, S::Error> {
        match secret {
            Some(secret) => s.serialize_some(secret.expose()),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Secret>, D::Error> {
        Ok(Option::<String>::deserialize(d)?.map(Secret::new))
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
