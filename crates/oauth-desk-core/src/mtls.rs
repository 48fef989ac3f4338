//! A client certificate for mutual TLS (RFC 8705): the certificate chain (PEM) and its private
//! key (PEM, only in the vault and in memory). Checked when given, so a wrong file is refused
//! at `provider add`, not at the first sign-in; its SHA-256 thumbprint is what a
//! certificate-bound token's `cnf.x5t#S256` must equal (§3.1).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use sha2::{Digest, Sha256};

use crate::secret::Secret;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum MtlsError {
    #[error("the client certificate is not a PEM certificate ({0})")]
    BadCertificate(String),
    #[error("the client key is not a PEM private key (PKCS#8, PKCS#1 or SEC1): {0}")]
    BadKey(String),
    #[error("the client certificate and key can't be used for TLS: {0}")]
    Unusable(String),
}

/// A client certificate with its key.
#[derive(Debug, Clone)]
pub struct ClientCertificate {
    /// PEM, the leaf first.
    pub certificate: Secret,
    /// PEM.
    pub key: Secret,
}

impl ClientCertificate {
    /// Checks both halves and that TLS can use them together.
    pub fn new(certificate: Secret, key: Secret) -> Result<ClientCertificate, MtlsError> {
        let cert = ClientCertificate { certificate, key };
        cert.leaf()?;
        PrivateKeyDer::from_pem_slice(cert.key.expose().as_bytes())
            .map_err(|e| MtlsError::BadKey(e.to_string()))?;
        reqwest::Identity::from_pem(cert.identity_pem().expose().as_bytes())
            .map_err(|e| MtlsError::Unusable(e.to_string()))?;
        Ok(cert)
    }

    fn leaf(&self) -> Result<CertificateDer<'static>, MtlsError> {
        CertificateDer::from_pem_slice(self.certificate.expose().as_bytes())
            .map_err(|e| MtlsError::BadCertificate(e.to_string()))
    }

    /// `x5t#S256`: base64url(SHA-256(DER of the leaf certificate)).
    pub fn thumbprint(&self) -> Result<String, MtlsError> {
        Ok(B64.encode(Sha256::digest(self.leaf()?.as_ref())))
    }

    /// The key and the chain in one PEM, as reqwest's identity takes it.
    pub fn identity_pem(&self) -> Secret {
        Secret::new(format!(
            "{}\n{}",
            self.key.expose().trim_end(),
            self.certificate.expose()
        ))
    }
}
