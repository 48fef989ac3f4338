//! The secret vault: client secrets and token sets, encrypted with XChaCha20-Poly1305 under a
//! random 256-bit master key kept in the OS keyring — or, only when asked for with
//! `OAUTH_DESK_PASSPHRASE`, under a key derived from a passphrase with Argon2id. Never plain text.
//!
//! File layout (`vault.bin`), all of the header authenticated as associated data:
//! ```text
//! "OADV" | version u8 = 1 | kind u8 (1 keyring, 2 passphrase) | vault id [16]
//!        | passphrase only: salt [16], m_cost u32le, t_cost u32le, p_cost u32le
//!        | nonce [24] | ciphertext + tag
//! ```
//! A wrong key, a flipped bit or a truncated file fails the AEAD: the vault is reported as
//! damaged and never overwritten. Every write is a fresh nonce, atomic, mode 0600, under a
//! cross-process lock.

use std::collections::BTreeMap;
use std::path::PathBuf;

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::atomic::write_atomic;
use super::keyring::{self, KeyringError};
use super::lock::{FileLock, LockError};
use super::paths::{Paths, PathsError};
use crate::secret::Secret;
use crate::token::TokenSet;

pub const PASSPHRASE_ENV: &str = "OAUTH_DESK_PASSPHRASE";

const MAGIC: &[u8; 4] = b"OADV";
const VERSION: u8 = 1;
const KIND_KEYRING: u8 = 1;
const KIND_PASSPHRASE: u8 = 2;
const NONCE_LEN: usize = 24;
/// Argon2id parameters for new passphrase vaults (OWASP's 19 MiB, 2 passes, 1 lane).
const ARGON_M_KIB: u32 = 19 * 1024;
const ARGON_T: u32 = 2;
const ARGON_P: u32 = 1;
/// The most memory a vault's header may ask Argon2id for: 1 GiB.
const MAX_ARGON_M_KIB: u32 = 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum VaultError {
    #[error(transparent)]
    Keyring(#[from] KeyringError),
    #[error("the vault {path} is protected by a passphrase: set OAUTH_DESK_PASSPHRASE to open it")]
    PassphraseNeeded { path: String },
    #[error(
        "the vault {path} could not be decrypted: it was modified or damaged, or the key is wrong{hint}. It was left untouched; restore it from a backup, or move it away to start over (its tokens and client secrets are then lost)"
    )]
    Damaged { path: String, hint: &'static str },
    #[error(
        "the vault {path} is not an OAuth Desk vault or is truncated ({reason}); it was left untouched"
    )]
    Format { path: String, reason: String },
    #[error("could not read or write the vault {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("could not derive the key from the passphrase: {0}")]
    Kdf(String),
    #[error("could not draw random numbers from the operating system: {0}")]
    Random(#[from] getrandom::Error),
    #[error(transparent)]
    Lock(#[from] LockError),
    #[error(transparent)]
    Paths(#[from] PathsError),
}

/// What one provider keeps in the vault.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ProviderSecrets {
    #[serde(default, with = "crate::secret::vault_serde_opt")]
    pub client_secret: Option<Secret>,
    /// PEM private key for `private_key_jwt`.
    #[serde(default, with = "crate::secret::vault_serde_opt")]
    pub private_key: Option<Secret>,
    /// The mTLS client certificate chain (PEM) and its private key (PEM), RFC 8705.
    #[serde(default, with = "crate::secret::vault_serde_opt")]
    pub client_certificate: Option<Secret>,
    #[serde(default, with = "crate::secret::vault_serde_opt")]
    pub client_key: Option<Secret>,
    /// The DPoP key (`ALG:base64url(PKCS#8)`), RFC 9449.
    #[serde(default, with = "crate::secret::vault_serde_opt")]
    pub dpop_key: Option<Secret>,
    /// The registration access token and client URI of a client OAuth Desk registered
    /// (RFC 7592), to manage or delete it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registration: Option<StoredRegistration>,
    /// The default identity's tokens.
    #[serde(default)]
    pub tokens: Option<TokenSet>,
    /// The other identities' tokens, by identity name (vaults before identities have none).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub identities: BTreeMap<String, IdentitySecrets>,
}

/// RFC 7592 management of a registered client.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StoredRegistration {
    #[serde(with = "crate::secret::vault_serde")]
    pub access_token: Secret,
    pub client_uri: String,
}

/// What one identity other than the default keeps.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct IdentitySecrets {
    #[serde(default)]
    pub tokens: Option<TokenSet>,
}

impl ProviderSecrets {
    /// The tokens of `identity` (`None`: the default identity's).
    pub fn tokens_of(&self, identity: Option<&str>) -> Option<&TokenSet> {
        match identity {
            None => self.tokens.as_ref(),
            Some(id) => self.identities.get(id)?.tokens.as_ref(),
        }
    }

    /// Where the tokens of `identity` are kept.
    pub fn tokens_mut(&mut self, identity: Option<&str>) -> &mut Option<TokenSet> {
        match identity {
            None => &mut self.tokens,
            Some(id) => &mut self.identities.entry(id.to_owned()).or_default().tokens,
        }
    }
}

/// The version of the vault's content this release writes: 2 added identities and named
/// secrets (a version-1 vault reads as one whose providers have only their default identity).
pub const CONTENT_VERSION: u32 = 2;

/// The decrypted content of the vault.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct VaultData {
    /// Which release's layout this is (absent before identities: 1).
    #[serde(default = "content_v1")]
    pub version: u32,
    /// Per provider client: the config's by name, a project's by `p-<id>+<env>+NAME`.
    #[serde(default)]
    pub providers: BTreeMap<String, ProviderSecrets>,
    /// Named secrets of projects (`secret set`): project id → name → value.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub named: BTreeMap<String, BTreeMap<String, NamedSecret>>,
}

fn content_v1() -> u32 {
    1
}

/// A named secret's value.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NamedSecret {
    #[serde(with = "crate::secret::vault_serde")]
    pub value: Secret,
    /// When it was set (Unix seconds), for `secret list`.
    #[serde(default)]
    pub set_at: i64,
    /// The client it was first used with: it is sent to no other (`None` until first used).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_used_with: Option<crate::provider::binding::Binding>,
}

impl VaultData {
    pub fn provider(&self, name: &str) -> Option<&ProviderSecrets> {
        self.providers.get(name)
    }

    pub fn provider_mut(&mut self, name: &str) -> &mut ProviderSecrets {
        self.providers.entry(name.to_owned()).or_default()
    }

    /// The tokens kept under a client key for one identity.
    pub fn tokens(&self, client_key: &str, identity: Option<&str>) -> Option<&TokenSet> {
        self.providers.get(client_key)?.tokens_of(identity)
    }
}

/// How the master key is obtained.
#[derive(Debug, Clone)]
pub enum KeySource {
    Keyring,
    Passphrase(Secret),
}

impl KeySource {
    /// `OAUTH_DESK_PASSPHRASE` when set and not empty, else the OS keyring.
    pub fn from_env() -> KeySource {
        match std::env::var(PASSPHRASE_ENV) {
            Ok(p) if !p.is_empty() => KeySource::Passphrase(Secret::new(p)),
            _ => KeySource::Keyring,
        }
    }
}

#[derive(Clone)]
struct Header {
    kind: u8,
    vault_id: [u8; 16],
    /// salt, m, t, p
    kdf: Option<([u8; 16], u32, u32, u32)>,
}

impl Header {
    fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(64);
        out.extend_from_slice(MAGIC);
        out.push(VERSION);
        out.push(self.kind);
        out.extend_from_slice(&self.vault_id);
        if let Some((salt, m, t, p)) = &self.kdf {
            out.extend_from_slice(salt);
            for n in [m, t, p] {
                out.extend_from_slice(&n.to_le_bytes());
            }
        }
        out
    }

    /// Parses the header; returns it and its length.
    fn decode(bytes: &[u8]) -> Result<(Header, usize), String> {
        if bytes.len() < 22 || &bytes[..4] != MAGIC {
            return Err("no vault header".into());
        }
        if bytes[4] != VERSION {
            return Err(format!(
                "vault format version {} is not supported",
                bytes[4]
            ));
        }
        let kind = bytes[5];
        let mut vault_id = [0u8; 16];
        vault_id.copy_from_slice(&bytes[6..22]);
        match kind {
            KIND_KEYRING => Ok((
                Header {
                    kind,
                    vault_id,
                    kdf: None,
                },
                22,
            )),
            KIND_PASSPHRASE => {
                let rest = bytes.get(22..50).ok_or("truncated passphrase header")?;
                let mut salt = [0u8; 16];
                salt.copy_from_slice(&rest[..16]);
                let n =
                    |i: usize| u32::from_le_bytes([rest[i], rest[i + 1], rest[i + 2], rest[i + 3]]);
                let (m, t, p) = (n(16), n(20), n(24));
                // The header is only authenticated after the key is derived: refuse costs no
                // honest vault has, or a tampered header could make us allocate gigabytes.
                if !(8..=MAX_ARGON_M_KIB).contains(&m)
                    || !(1..=16).contains(&t)
                    || !(1..=16).contains(&p)
                {
                    return Err(format!(
                        "implausible key-derivation parameters (m={m} KiB, t={t}, p={p})"
                    ));
                }
                Ok((
                    Header {
                        kind,
                        vault_id,
                        kdf: Some((salt, m, t, p)),
                    },
                    50,
                ))
            }
            other => Err(format!("unknown key kind {other}")),
        }
    }

    fn keyring_entry(&self) -> String {
        let hex: String = self.vault_id.iter().map(|b| format!("{b:02x}")).collect();
        format!("vault-{hex}")
    }
}

/// The vault of one OAuth Desk home. Holds the master key once unlocked (one keyring round
/// trip per process).
pub struct Vault {
    path: PathBuf,
    lock_path: PathBuf,
    source: KeySource,
    unlocked: Option<(Header, Zeroizing<[u8; 32]>)>,
    /// The last content read or written, with the exact file bytes it came from: a long-lived
    /// process (the keeper's agent) skips decrypting a file that has not changed. Comparing
    /// bytes, not timestamps or inodes, makes a stale answer impossible — a stale refresh
    /// token would get the whole grant revoked by a server with reuse detection.
    cache: Option<(Vec<u8>, VaultData)>,
}

impl std::fmt::Debug for Vault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Vault")
            .field("path", &self.path)
            .field("unlocked", &self.unlocked.is_some())
            .finish_non_exhaustive()
    }
}

impl Vault {
    pub fn new(paths: &Paths, source: KeySource) -> Vault {
        Vault {
            path: paths.vault_file(),
            lock_path: paths.locks_dir().join("vault.lock"),
            source,
            unlocked: None,
            cache: None,
        }
    }

    pub fn exists(&self) -> bool {
        self.path.exists()
    }

    /// What the vault holds when the file is what was read last: a small read and a copy,
    /// never the keyring or a key derivation, so a caller may do it without the blocking pool.
    /// `None` when the file changed (then `read`).
    pub fn read_unchanged(&mut self) -> Option<Result<VaultData, VaultError>> {
        let bytes = match std::fs::read(&self.path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return None,
            Err(source) => return Some(Err(self.io(source))),
        };
        match &self.cache {
            Some((cached, data)) if *cached == bytes => Some(Ok(data.clone())),
            _ => None,
        }
    }

    /// Reads and decrypts the vault; a vault that does not exist yet is empty (and nothing is
    /// asked of the keyring).
    pub fn read(&mut self) -> Result<VaultData, VaultError> {
        let bytes = match std::fs::read(&self.path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                self.cache = None;
                return Ok(VaultData::default());
            }
            Err(source) => return Err(self.io(source)),
        };
        if let Some((cached, data)) = &self.cache
            && *cached == bytes
        {
            return Ok(data.clone());
        }
        let data = self.decrypt(&bytes)?;
        self.cache = Some((bytes, data.clone()));
        Ok(data)
    }

    /// Read-modify-write under the vault lock: reads the newest vault, applies `change`,
    /// encrypts with a fresh nonce and replaces the file atomically. Nothing is written when
    /// `change` fails or the vault can't be read.
    pub fn update<T, E: From<VaultError>>(
        &mut self,
        change: impl FnOnce(&mut VaultData) -> Result<T, E>,
    ) -> Result<T, E> {
        let _lock = FileLock::exclusive(&self.lock_path).map_err(VaultError::from)?;
        let mut data = self.read()?;
        let out = change(&mut data)?;
        self.write(&data)?;
        Ok(out)
    }

    fn write(&mut self, data: &VaultData) -> Result<(), VaultError> {
        if let Some(dir) = self.path.parent() {
            Paths::ensure_private_dir(dir)?;
        }
        if self.unlocked.is_none() {
            self.unlocked = Some(self.create_key()?);
        }
        let Some((header, key)) = &self.unlocked else {
            unreachable!("unlocked just above")
        };
        let mut data = data.clone();
        data.version = CONTENT_VERSION;
        let plaintext =
            Zeroizing::new(serde_json::to_vec(&data).map_err(|e| VaultError::Format {
                path: self.path.display().to_string(),
                reason: e.to_string(),
            })?);
        let mut nonce = [0u8; NONCE_LEN];
        getrandom::fill(&mut nonce)?;
        let aad = header.encode();
        let cipher = XChaCha20Poly1305::new(key.as_ref().into());
        let ciphertext = cipher
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: &plaintext,
                    aad: &aad,
                },
            )
            .map_err(|_| VaultError::Kdf("encryption failed".into()))?;
        let mut file = aad;
        file.extend_from_slice(&nonce);
        file.extend_from_slice(&ciphertext);
        self.cache = None;
        write_atomic(&self.path, &file).map_err(|e| self.io(e))?;
        self.cache = Some((file, data));
        Ok(())
    }

    /// A new vault's header and key: random id, random key stored in the keyring, or a key
    /// derived from the passphrase with a random salt.
    fn create_key(&self) -> Result<(Header, Zeroizing<[u8; 32]>), VaultError> {
        let mut vault_id = [0u8; 16];
        getrandom::fill(&mut vault_id)?;
        match &self.source {
            KeySource::Keyring => {
                let header = Header {
                    kind: KIND_KEYRING,
                    vault_id,
                    kdf: None,
                };
                let mut key = Zeroizing::new([0u8; 32]);
                getrandom::fill(key.as_mut())?;
                keyring::store_master_key(&header.keyring_entry(), &key)?;
                Ok((header, key))
            }
            KeySource::Passphrase(passphrase) => {
                let mut salt = [0u8; 16];
                getrandom::fill(&mut salt)?;
                let header = Header {
                    kind: KIND_PASSPHRASE,
                    vault_id,
                    kdf: Some((salt, ARGON_M_KIB, ARGON_T, ARGON_P)),
                };
                let key = derive(passphrase, &salt, ARGON_M_KIB, ARGON_T, ARGON_P)?;
                Ok((header, key))
            }
        }
    }

    fn decrypt(&mut self, bytes: &[u8]) -> Result<VaultData, VaultError> {
        let path = self.path.display().to_string();
        let (header, header_len) = Header::decode(bytes).map_err(|reason| VaultError::Format {
            path: path.clone(),
            reason,
        })?;
        let body = &bytes[header_len..];
        if body.len() < NONCE_LEN + 16 {
            return Err(VaultError::Format {
                path,
                reason: "truncated".into(),
            });
        }
        let key = self.key_for(&header)?;
        let (nonce, ciphertext) = body.split_at(NONCE_LEN);
        let cipher = XChaCha20Poly1305::new(key.as_ref().into());
        let plaintext = Zeroizing::new(
            cipher
                .decrypt(
                    XNonce::from_slice(nonce),
                    Payload {
                        msg: ciphertext,
                        aad: &bytes[..header_len],
                    },
                )
                .map_err(|_| VaultError::Damaged {
                    path: path.clone(),
                    hint: if header.kind == KIND_PASSPHRASE {
                        " (a wrong OAUTH_DESK_PASSPHRASE looks the same)"
                    } else {
                        ""
                    },
                })?,
        );
        let data: VaultData =
            serde_json::from_slice(&plaintext).map_err(|e| VaultError::Format {
                path: path.clone(),
                reason: format!("its content is unreadable: {e}"),
            })?;
        if data.version > CONTENT_VERSION {
            // Writing it back would drop what this release does not know of.
            return Err(VaultError::Format {
                path,
                reason: format!(
                    "a newer release of OAuth Desk wrote it (content version {}; this one reads up to {CONTENT_VERSION}); update OAuth Desk",
                    data.version
                ),
            });
        }
        self.unlocked = Some((header, key));
        Ok(data)
    }

    fn key_for(&self, header: &Header) -> Result<Zeroizing<[u8; 32]>, VaultError> {
        if let Some((known, key)) = &self.unlocked
            && known.vault_id == header.vault_id
        {
            return Ok(key.clone());
        }
        match (header.kind, &header.kdf) {
            (KIND_PASSPHRASE, Some((salt, m, t, p))) => match &self.source {
                KeySource::Passphrase(passphrase) => derive(passphrase, salt, *m, *t, *p),
                KeySource::Keyring => Err(VaultError::PassphraseNeeded {
                    path: self.path.display().to_string(),
                }),
            },
            // A keyring vault is opened with the keyring even if a passphrase is set.
            _ => Ok(keyring::load_master_key(&header.keyring_entry())?),
        }
    }

    fn io(&self, source: std::io::Error) -> VaultError {
        VaultError::Io {
            path: self.path.display().to_string(),
            source,
        }
    }
}

fn derive(
    passphrase: &Secret,
    salt: &[u8; 16],
    m: u32,
    t: u32,
    p: u32,
) -> Result<Zeroizing<[u8; 32]>, VaultError> {
    let params =
        argon2::Params::new(m, t, p, Some(32)).map_err(|e| VaultError::Kdf(e.to_string()))?;
    let argon = argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params);
    let mut key = Zeroizing::new([0u8; 32]);
    argon
        .hash_password_into(passphrase.expose().as_bytes(), salt, key.as_mut())
        .map_err(|e| VaultError::Kdf(e.to_string()))?;
    Ok(key)
}

#[cfg(test)]
mod tests;
