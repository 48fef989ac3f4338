//! Proof Key for Code Exchange (RFC 7636).

use base64::Engine;
use sha2::{Digest, Sha256};

use crate::provider::PkceMode;
use crate::secret::{PkceVerifier, random_urlsafe};

/// A code verifier and what goes in the authorization request.
#[derive(Debug)]
pub struct Pkce {
    pub verifier: PkceVerifier,
    pub challenge: String,
    /// `S256` or `plain` (RFC 7636 §4.3).
    pub method: &'static str,
}

impl Pkce {
    /// A fresh verifier: 32 random bytes, base64url without padding = 43 characters of the
    /// unreserved set (RFC 7636 §4.1 asks for 43–128 characters and 256 bits of entropy).
    pub fn generate(mode: PkceMode) -> Result<Option<Pkce>, getrandom::Error> {
        let verifier = PkceVerifier::new(random_urlsafe(32)?);
        Ok(Self::from_verifier(mode, verifier))
    }

    pub fn from_verifier(mode: PkceMode, verifier: PkceVerifier) -> Option<Pkce> {
        let (challenge, method) = match mode {
            PkceMode::Off => return None,
            PkceMode::S256 => (s256(verifier.expose()), "S256"),
            PkceMode::Plain => (verifier.expose().to_owned(), "plain"),
        };
        Some(Pkce {
            verifier,
            challenge,
            method,
        })
    }
}

/// `BASE64URL-ENCODE(SHA256(ASCII(code_verifier)))` (RFC 7636 §4.2).
pub fn s256(verifier: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn s256_matches_rfc_7636_appendix_b() {
        assert_eq!(
            s256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn generated_verifiers_meet_the_rfc() {
        let pkce = Pkce::generate(PkceMode::S256).unwrap().unwrap();
        let v = pkce.verifier.expose();
        assert!((43..=128).contains(&v.len()));
        assert!(
            v.chars()
                .all(|c| c.is_ascii_alphanumeric() || "-._~".contains(c))
        );
        assert_eq!(pkce.challenge, s256(v));
        assert_eq!(pkce.method, "S256");
        let plain = Pkce::generate(PkceMode::Plain).unwrap().unwrap();
        assert_eq!(plain.challenge, plain.verifier.expose());
        assert!(Pkce::generate(PkceMode::Off).unwrap().is_none());
    }
}
