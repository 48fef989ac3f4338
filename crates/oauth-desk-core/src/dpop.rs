//! DPoP (RFC 9449): a key pair per provider and the proofs made with it.
//!
//! The private half lives only in the vault (as PKCS#8, with its algorithm) and in memory; the
//! public half travels in every proof's header, and its JWK thumbprint (RFC 7638) is what the
//! server binds tokens to (`cnf.jkt`) and what the authorization request names (`dpop_jkt`).
//! A proof is a JWT `typ: dpop+jwt` with `htm`, `htu` (no query, no fragment: §4.2), `iat`, a
//! fresh `jti`, `ath` (the access token's SHA-256) at a resource, and the server's `nonce`
//! when it asked for one. Nonces are kept per server origin and replaced by every
//! `DPoP-Nonce` header seen (§8, §9).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::rsa::KeySize;
use aws_lc_rs::signature::{
    ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, Ed25519KeyPair, KeyPair, RSA_PSS_SHA256,
    RsaKeyPair,
};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use url::Url;

use crate::provider::DpopAlg;
use crate::secret::{Secret, random_urlsafe};

#[derive(Debug, thiserror::Error)]
pub enum DpopError {
    #[error("could not make a {0} DPoP key")]
    Generate(DpopAlg),
    #[error("the stored DPoP key can't be read ({0}): make a new one by turning DPoP off and on")]
    BadKey(String),
    #[error("could not sign a DPoP proof")]
    Sign,
    #[error("could not draw random numbers from the operating system: {0}")]
    Random(#[from] getrandom::Error),
}

enum Pair {
    Ec(EcdsaKeyPair),
    Ed(Ed25519KeyPair),
    Rsa(RsaKeyPair),
}

/// A provider's DPoP key pair.
pub struct DpopKey {
    alg: DpopAlg,
    pair: Pair,
    pkcs8: Secret,
    jwk: Value,
    thumbprint: String,
}

impl std::fmt::Debug for DpopKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DpopKey")
            .field("alg", &self.alg)
            .field("thumbprint", &self.thumbprint)
            .finish_non_exhaustive()
    }
}

impl DpopKey {
    /// A new key pair.
    pub fn generate(alg: DpopAlg) -> Result<DpopKey, DpopError> {
        let failed = |_| DpopError::Generate(alg);
        let pkcs8: Vec<u8> = match alg {
            DpopAlg::ES256 => EcdsaKeyPair::generate(&ECDSA_P256_SHA256_FIXED_SIGNING)
                .and_then(|k| k.to_pkcs8v1())
                .map_err(failed)?
                .as_ref()
                .to_vec(),
            DpopAlg::EdDSA => Ed25519KeyPair::generate()
                .and_then(|k| k.to_pkcs8v1())
                .map_err(failed)?
                .as_ref()
                .to_vec(),
            DpopAlg::PS256 => {
                use aws_lc_rs::encoding::AsDer;
                let key = RsaKeyPair::generate(KeySize::Rsa2048).map_err(failed)?;
                let der: aws_lc_rs::encoding::Pkcs8V1Der<'_> = key.as_der().map_err(failed)?;
                der.as_ref().to_vec()
            }
        };
        let stored = zeroize::Zeroizing::new(format!("{}:{}", alg.jose(), B64.encode(&pkcs8)));
        DpopKey::from_secret(&Secret::new(stored.as_str()))
    }

    /// The key as the vault keeps it: `ALG:base64url(PKCS#8)`.
    pub fn to_secret(&self) -> Secret {
        self.pkcs8.clone()
    }

    /// Reads a key the vault kept.
    pub fn from_secret(stored: &Secret) -> Result<DpopKey, DpopError> {
        let bad = |why: &str| DpopError::BadKey(why.to_owned());
        let (alg, encoded) = stored
            .expose()
            .split_once(':')
            .ok_or_else(|| bad("no algorithm"))?;
        let alg: DpopAlg = alg.parse().map_err(|_| bad("unknown algorithm"))?;
        let der = zeroize::Zeroizing::new(B64.decode(encoded).map_err(|_| bad("not base64"))?);
        let rejected = |e: aws_lc_rs::error::KeyRejected| DpopError::BadKey(e.to_string());
        let (pair, jwk) = match alg {
            DpopAlg::ES256 => {
                let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &der)
                    .map_err(rejected)?;
                // An uncompressed point: 0x04 ‖ x ‖ y.
                let point = pair.public_key().as_ref();
                let jwk = json!({
                    "crv": "P-256",
                    "kty": "EC",
                    "x": B64.encode(&point[1..33]),
                    "y": B64.encode(&point[33..65]),
                });
                (Pair::Ec(pair), jwk)
            }
            DpopAlg::EdDSA => {
                let pair = Ed25519KeyPair::from_pkcs8(&der).map_err(rejected)?;
                let jwk = json!({
                    "crv": "Ed25519",
                    "kty": "OKP",
                    "x": B64.encode(pair.public_key().as_ref()),
                });
                (Pair::Ed(pair), jwk)
            }
            DpopAlg::PS256 => {
                let pair = RsaKeyPair::from_pkcs8(&der).map_err(rejected)?;
                let public = pair.public_key();
                let jwk = json!({
                    "e": B64.encode(public.exponent().big_endian_without_leading_zero()),
                    "kty": "RSA",
                    "n": B64.encode(public.modulus().big_endian_without_leading_zero()),
                });
                (Pair::Rsa(pair), jwk)
            }
        };
        Ok(DpopKey {
            alg,
            pair,
            pkcs8: stored.clone(),
            thumbprint: thumbprint(&jwk),
            jwk,
        })
    }

    pub fn alg(&self) -> DpopAlg {
        self.alg
    }

    /// The JWK SHA-256 thumbprint (RFC 7638): what `cnf.jkt` and `dpop_jkt` carry.
    pub fn thumbprint(&self) -> &str {
        &self.thumbprint
    }

    /// The public key as a JWK.
    #[cfg(test)]
    pub fn public_jwk(&self) -> &Value {
        &self.jwk
    }

    /// A proof for `method` `url`; at a resource with `access_token` (its hash as `ath`);
    /// with the server's `nonce` when it asked for one.
    pub fn proof(
        &self,
        method: &str,
        url: &Url,
        access_token: Option<&Secret>,
        nonce: Option<&str>,
    ) -> Result<Secret, DpopError> {
        let header = json!({ "typ": "dpop+jwt", "alg": self.alg.jose(), "jwk": self.jwk });
        let mut claims = json!({
            "jti": random_urlsafe(16)?,
            "htm": method.to_ascii_uppercase(),
            "htu": htu(url),
            "iat": crate::clock::now(),
        });
        if let Some(token) = access_token {
            claims["ath"] = Value::String(ath(token));
        }
        if let Some(nonce) = nonce {
            claims["nonce"] = Value::String(nonce.to_owned());
        }
        let input = format!(
            "{}.{}",
            B64.encode(header.to_string()),
            B64.encode(claims.to_string())
        );
        let rng = SystemRandom::new();
        let signature = match &self.pair {
            Pair::Ec(pair) => pair
                .sign(&rng, input.as_bytes())
                .map_err(|_| DpopError::Sign)?
                .as_ref()
                .to_vec(),
            Pair::Ed(pair) => pair.sign(input.as_bytes()).as_ref().to_vec(),
            Pair::Rsa(pair) => {
                let mut signature = vec![0; pair.public_modulus_len()];
                pair.sign(&RSA_PSS_SHA256, &rng, input.as_bytes(), &mut signature)
                    .map_err(|_| DpopError::Sign)?;
                signature
            }
        };
        Ok(Secret::new(format!("{input}.{}", B64.encode(signature))))
    }
}

/// RFC 7638: SHA-256 over the required members, sorted, no whitespace.
fn thumbprint(jwk: &Value) -> String {
    let members: &[&str] = match jwk["kty"].as_str() {
        Some("EC") => &["crv", "kty", "x", "y"],
        Some("OKP") => &["crv", "kty", "x"],
        _ => &["e", "kty", "n"],
    };
    let canonical = members
        .iter()
        .map(|m| format!("\"{m}\":{}", jwk[*m]))
        .collect::<Vec<_>>()
        .join(",");
    B64.encode(Sha256::digest(format!("{{{canonical}}}")))
}

/// The `htu` of a request: the URL without query and fragment (RFC 9449 §4.2) — the same
/// cut the engine makes of every URL it shows.
pub fn htu(url: &Url) -> String {
    crate::http::display_url(url)
}

/// `ath`: base64url(SHA-256(access token)) (RFC 9449 §4.2).
pub fn ath(access_token: &Secret) -> String {
    B64.encode(Sha256::digest(access_token.expose().as_bytes()))
}

/// Server nonces (RFC 9449 §8, §9), per origin, shared by every request of the process and,
/// when a file is given, with the next process (so `headers`, a process of its own, can put
/// the resource's last nonce in its proof). Nonces are public values: a plain file is fine.
#[derive(Debug, Clone, Default)]
pub struct DpopNonces {
    by_origin: Arc<Mutex<Option<HashMap<String, String>>>>,
    file: Option<Arc<std::path::PathBuf>>,
}

impl DpopNonces {
    /// Nonces kept in `file` as well as in memory.
    pub fn kept_in(file: std::path::PathBuf) -> DpopNonces {
        DpopNonces {
            by_origin: Arc::default(),
            file: Some(Arc::new(file)),
        }
    }

    fn origin(url: &Url) -> String {
        url.origin().ascii_serialization()
    }

    /// The map, read from the file on first use.
    fn with<T>(&self, f: impl FnOnce(&mut HashMap<String, String>) -> T) -> Option<T> {
        let mut guard = self.by_origin.lock().ok()?;
        let map = guard.get_or_insert_with(|| {
            self.file
                .as_deref()
                .and_then(|path| std::fs::read(path).ok())
                .and_then(|bytes| serde_json::from_slice(&bytes).ok())
                .unwrap_or_default()
        });
        Some(f(map))
    }

    pub fn get(&self, url: &Url) -> Option<String> {
        self.with(|m| m.get(&Self::origin(url)).cloned()).flatten()
    }

    /// Remembers the nonce a response from `url` carried.
    pub fn remember(&self, url: &Url, nonce: &str) {
        let changed = self.with(|m| {
            let old = m.insert(Self::origin(url), nonce.to_owned());
            (old.as_deref() != Some(nonce))
                .then(|| serde_json::to_vec(m).ok())
                .flatten()
        });
        if let (Some(Some(bytes)), Some(path)) = (changed, self.file.as_deref()) {
            // Best effort: a nonce not kept only costs the next process one retry.
            let _ = crate::store::atomic::write_atomic(path, &bytes);
        }
    }
}

/// A provider's DPoP key with the process's nonces: what a request needs to carry a proof.
#[derive(Debug, Clone)]
pub struct Dpop {
    pub key: Arc<DpopKey>,
    pub nonces: DpopNonces,
}

impl Dpop {
    /// A proof for `method` `url` with the nonce last seen from that server.
    pub fn proof_for(
        &self,
        method: &str,
        url: &Url,
        access_token: Option<&Secret>,
    ) -> Result<Secret, DpopError> {
        self.key
            .proof(method, url, access_token, self.nonces.get(url).as_deref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(jwt: &Secret) -> (Value, Value) {
        let mut it = jwt.expose().split('.');
        let mut next = || serde_json::from_slice(&B64.decode(it.next().unwrap()).unwrap()).unwrap();
        (next(), next())
    }

    #[test]
    fn proofs_carry_what_rfc_9449_asks_and_verify() {
        use aws_lc_rs::signature::{ECDSA_P256_SHA256_FIXED, ED25519, UnparsedPublicKey};
        for alg in [DpopAlg::ES256, DpopAlg::EdDSA, DpopAlg::PS256] {
            let key = DpopKey::generate(alg).unwrap();
            let url = Url::parse("https://rs.example/api/x?secret=1#frag").unwrap();
            let token = Secret::new("tok");
            let proof = key.proof("get", &url, Some(&token), Some("n1")).unwrap();
            let (header, claims) = parts(&proof);
            assert_eq!(header["typ"], "dpop+jwt");
            assert_eq!(header["alg"], alg.jose());
            assert!(
                header["jwk"].get("d").is_none(),
                "no private part in the header"
            );
            assert_eq!(claims["htm"], "GET");
            assert_eq!(claims["htu"], "https://rs.example/api/x");
            assert_eq!(claims["ath"], ath(&token));
            assert_eq!(claims["nonce"], "n1");
            assert!(claims["jti"].as_str().unwrap().len() >= 16);
            let (input, signature) = proof.expose().rsplit_once('.').unwrap();
            let signature = B64.decode(signature).unwrap();
            let verified = match alg {
                DpopAlg::ES256 => {
                    let jwk = key.public_jwk();
                    let mut point = vec![4u8];
                    point.extend(B64.decode(jwk["x"].as_str().unwrap()).unwrap());
                    point.extend(B64.decode(jwk["y"].as_str().unwrap()).unwrap());
                    UnparsedPublicKey::new(&ECDSA_P256_SHA256_FIXED, point)
                        .verify(input.as_bytes(), &signature)
                }
                DpopAlg::EdDSA => {
                    let x = B64.decode(key.public_jwk()["x"].as_str().unwrap()).unwrap();
                    UnparsedPublicKey::new(&ED25519, x).verify(input.as_bytes(), &signature)
                }
                DpopAlg::PS256 => {
                    let jwk = key.public_jwk();
                    let part = |m: &str| B64.decode(jwk[m].as_str().unwrap()).unwrap();
                    aws_lc_rs::signature::RsaPublicKeyComponents {
                        n: part("n"),
                        e: part("e"),
                    }
                    .verify(
                        &aws_lc_rs::signature::RSA_PSS_2048_8192_SHA256,
                        input.as_bytes(),
                        &signature,
                    )
                }
            };
            verified.unwrap_or_else(|_| panic!("{alg} proof verifies"));
            let again = key.proof("GET", &url, None, None).unwrap();
            let (_, claims2) = parts(&again);
            assert_ne!(claims["jti"], claims2["jti"], "a fresh jti each time");
            assert!(claims2.get("ath").is_none() && claims2.get("nonce").is_none());
        }
    }

    #[test]
    fn keys_survive_the_vault_and_keep_their_thumbprint() {
        let key = DpopKey::generate(DpopAlg::ES256).unwrap();
        let back = DpopKey::from_secret(&key.to_secret()).unwrap();
        assert_eq!(back.thumbprint(), key.thumbprint());
        assert!(!format!("{key:?}").contains(key.to_secret().expose()));
        assert!(DpopKey::from_secret(&Secret::new("ES256:!!")).is_err());
    }

    #[test]
    fn thumbprints_follow_rfc_7638() {
        // RFC 7638 §3.1's example key.
        let jwk = json!({
            "kty": "RSA",
            "n": "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw",
            "e": "AQAB",
            "alg": "RS256",
            "kid": "2011-04-29",
        });
        assert_eq!(
            thumbprint(&jwk),
            "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"
        );
    }

    #[test]
    fn nonces_are_kept_per_origin() {
        let nonces = DpopNonces::default();
        let a = Url::parse("https://as.example/token").unwrap();
        nonces.remember(&a, "n1");
        assert_eq!(
            nonces
                .get(&Url::parse("https://as.example/par").unwrap())
                .as_deref(),
            Some("n1")
        );
        assert_eq!(
            nonces.get(&Url::parse("https://rs.example/").unwrap()),
            None
        );
        nonces.remember(&a, "n2");
        assert_eq!(nonces.get(&a).as_deref(), Some("n2"));
    }

    #[test]
    fn nonces_kept_in_a_file_reach_the_next_process() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("nonces.json");
        let a = Url::parse("https://rs.example/x").unwrap();
        DpopNonces::kept_in(file.clone()).remember(&a, "n1");
        assert_eq!(DpopNonces::kept_in(file).get(&a).as_deref(), Some("n1"));
    }
}
