//! Client authentication at the token, revocation and introspection endpoints: none (public
//! client, RFC 6749 §2.1), `client_secret_post` and `client_secret_basic` (§2.3.1, id and secret
//! form-urlencoded before base64), `private_key_jwt` and `client_secret_jwt` (RFC 7523 §2.2,
//! OIDC Core §9).

use base64::Engine;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde::Serialize;

use super::FlowError;
use crate::http::Form;
use crate::provider::{AuthMethod, ClientId};
use crate::secret::{Secret, random_urlsafe};

pub const JWT_BEARER_ASSERTION: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
/// Lifetime of a client assertion: long enough for clock skew, short enough to be useless later.
const ASSERTION_TTL_SECS: i64 = 60;

/// What a client authenticates with.
#[derive(Debug, Clone)]
pub struct Credentials {
    pub client_id: ClientId,
    pub method: AuthMethod,
    pub secret: Option<Secret>,
    /// PEM private key for `private_key_jwt`.
    pub private_key: Option<Secret>,
    /// The `aud` of this client's assertions, whichever endpoint they go to, and which form
    /// it is.
    pub assertion_audience: (crate::provider::AssertionAudience, String),
}

impl Credentials {
    /// Adds client authentication to `form`; returns the Authorization header value, if any.
    pub fn apply(&self, form: &mut Form) -> Result<Option<Secret>, FlowError> {
        let audience = self.assertion_audience.1.as_str();
        let secret = || {
            self.secret.as_ref().ok_or(FlowError::MissingSecret {
                method: self.method,
            })
        };
        match self.method {
            // Mutual TLS authenticates in the handshake (RFC 8705 §2); the form names the
            // client, as a public client's does.
            AuthMethod::None | AuthMethod::TlsClientAuth | AuthMethod::SelfSignedTlsClientAuth => {
                form.add("client_id", self.client_id.as_str());
                Ok(None)
            }
            AuthMethod::ClientSecretPost => {
                let secret = secret()?;
                form.add("client_id", self.client_id.as_str())
                    .add("client_secret", secret.clone());
                Ok(None)
            }
            AuthMethod::ClientSecretBasic => Ok(Some(basic_authorization(
                &self.client_id,
                secret()?.expose(),
            ))),
            AuthMethod::PrivateKeyJwt => {
                let key = self
                    .private_key
                    .as_ref()
                    .ok_or(FlowError::MissingPrivateKey)?;
                let assertion = client_assertion(&self.client_id, audience, key)?;
                form.add("client_id", self.client_id.as_str())
                    .add("client_assertion_type", JWT_BEARER_ASSERTION)
                    .add("client_assertion", assertion);
                Ok(None)
            }
            AuthMethod::ClientSecretJwt => {
                let assertion = secret_assertion(&self.client_id, audience, secret()?)?;
                form.add("client_id", self.client_id.as_str())
                    .add("client_assertion_type", JWT_BEARER_ASSERTION)
                    .add("client_assertion", assertion);
                Ok(None)
            }
        }
    }
}

/// `Basic base64(urlencode(id) ":" urlencode(secret))`: RFC 6749 §2.3.1 says both are
/// form-urlencoded first, which many clients forget (a secret with `:` then breaks).
pub fn basic_authorization(client_id: &ClientId, secret: &str) -> Secret {
    let encode = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    let raw = zeroize::Zeroizing::new(format!("{}:{}", encode(client_id.as_str()), encode(secret)));
    Secret::new(format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(raw.as_bytes())
    ))
}

#[derive(Serialize)]
struct AssertionClaims<'a> {
    iss: &'a str,
    sub: &'a str,
    aud: &'a str,
    jti: String,
    iat: i64,
    exp: i64,
}

/// A signing key read from PEM, with the algorithm its type implies.
pub fn signing_key(pem: &Secret) -> Result<Vec<(EncodingKey, Algorithm)>, FlowError> {
    let bytes = pem.expose().as_bytes();
    if let Ok(key) = EncodingKey::from_rsa_pem(bytes) {
        return Ok(vec![(key, Algorithm::RS256)]);
    }
    if let Ok(key) = EncodingKey::from_ed_pem(bytes) {
        return Ok(vec![(key, Algorithm::EdDSA)]);
    }
    if let Ok(key) = EncodingKey::from_ec_pem(bytes) {
        // The PEM does not say the curve to this crate: P-256 first, then P-384.
        return Ok(vec![
            (key.clone(), Algorithm::ES256),
            (key, Algorithm::ES384),
        ]);
    }
    Err(FlowError::BadPrivateKey(
        "not a PEM RSA, EC (P-256, P-384) or Ed25519 private key".into(),
    ))
}

/// The claims of a client assertion (RFC 7523 §3): `iss` = `sub` = client id, `aud` = the
/// one audience chosen (the issuer, per draft-ietf-oauth-rfc7523bis), a random `jti`, valid
/// for 60 s.
fn assertion_claims<'a>(
    client_id: &'a ClientId,
    audience: &'a str,
) -> Result<AssertionClaims<'a>, FlowError> {
    let now = crate::clock::now();
    Ok(AssertionClaims {
        iss: client_id.as_str(),
        sub: client_id.as_str(),
        aud: audience,
        jti: random_urlsafe(16)?,
        iat: now,
        exp: now + ASSERTION_TTL_SECS,
    })
}

/// A client assertion signed with the client's private key (`private_key_jwt`).
pub fn client_assertion(
    client_id: &ClientId,
    audience: &str,
    pem: &Secret,
) -> Result<Secret, FlowError> {
    sign_jwt(&assertion_claims(client_id, audience)?, pem)
}

/// A client assertion signed HS256 with the client secret (`client_secret_jwt`), a fresh
/// `jti` each time.
pub fn secret_assertion(
    client_id: &ClientId,
    audience: &str,
    secret: &Secret,
) -> Result<Secret, FlowError> {
    let key = EncodingKey::from_secret(secret.expose().as_bytes());
    jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        &assertion_claims(client_id, audience)?,
        &key,
    )
    .map(Secret::new)
    .map_err(|e| FlowError::BadPrivateKey(e.to_string()))
}

/// Signs `claims` with the PEM private key, the algorithm its type implies (for an EC key of
/// unknown curve, each candidate in turn).
pub fn sign_jwt(claims: &impl serde::Serialize, pem: &Secret) -> Result<Secret, FlowError> {
    let mut last_error = String::new();
    for (key, alg) in signing_key(pem)? {
        match jsonwebtoken::encode(&Header::new(alg), claims, &key) {
            Ok(jwt) => return Ok(Secret::new(jwt)),
            Err(e) => last_error = e.to_string(),
        }
    }
    Err(FlowError::BadPrivateKey(last_error))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_credentials_are_urlencoded_before_base64() {
        let header = basic_authorization(&ClientId::new("my client"), "p:a/ss+w%rd");
        let encoded = header.expose().strip_prefix("Basic ").unwrap();
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(encoded)
            .unwrap();
        assert_eq!(
            String::from_utf8(decoded).unwrap(),
            "my+client:p%3Aa%2Fss%2Bw%25rd",
            "RFC 6749 §2.3.1: form-urlencode id and secret, then join with ':'"
        );
    }

    #[test]
    fn a_bad_key_is_a_clear_error() {
        let err = signing_key(&Secret::new("-----BEGIN NOTHING-----")).unwrap_err();
        assert!(err.to_string().contains("PEM"), "{err}");
    }
}
