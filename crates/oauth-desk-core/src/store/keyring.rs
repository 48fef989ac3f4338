//! The OS keyring (Secret Service, Keychain, Credential Manager via the `keyring` crate), which
//! holds one thing: the vault's random 256-bit master key. Tokens rotate often; keeping them in
//! the vault file means a refresh never rewrites a keyring item.
//!
//! keyring 4 picks its store once per process and its calls block (D-Bus on Linux): call this
//! module from `spawn_blocking` in async code.

use zeroize::Zeroizing;

pub const SERVICE: &str = "oauth-desk";

const FIX: &str = "start and unlock a Secret Service (GNOME Keyring, KWallet, KeePassXC), or set OAUTH_DESK_PASSPHRASE to protect the vault with a passphrase instead";

#[derive(Debug, thiserror::Error)]
pub enum KeyringError {
    #[error("no OS keyring is reachable ({detail}): {FIX}")]
    Unavailable { detail: String },
    #[error(
        "the OS keyring is locked or refused access ({detail}): unlock it and try again, or {FIX}"
    )]
    Locked { detail: String },
    #[error(
        "the vault's master key ({entry}) is not in the OS keyring: the keyring was reset or this vault comes from another machine; the vault can't be opened without it (move the vault file away to start over)"
    )]
    MissingKey { entry: String },
    #[error("the vault's master key in the OS keyring ({entry}) is damaged")]
    BadKey { entry: String },
    #[error("the OS keyring failed: {detail}")]
    Other { detail: String },
}

fn classify(err: keyring::Error, entry: &str) -> KeyringError {
    // Display only: some variants carry secret bytes that Debug would print.
    let detail = err.to_string();
    match err {
        keyring::Error::NoDefaultStore => KeyringError::Unavailable { detail },
        keyring::Error::NoStorageAccess(_) => KeyringError::Locked { detail },
        keyring::Error::NoEntry => KeyringError::MissingKey {
            entry: entry.to_owned(),
        },
        keyring::Error::PlatformFailure(_)
            if detail.contains("ServiceUnknown")
                || detail.contains("org.freedesktop.secrets")
                || detail.contains("DBUS_SESSION_BUS_ADDRESS")
                || detail.to_ascii_lowercase().contains("d-bus")
                || detail.to_ascii_lowercase().contains("dbus") =>
        {
            KeyringError::Unavailable { detail }
        }
        _ => KeyringError::Other { detail },
    }
}

fn entry(user: &str) -> Result<keyring::Entry, KeyringError> {
    if let Err(e) = keyring::Entry::store_status() {
        return Err(KeyringError::Unavailable {
            detail: e.to_string(),
        });
    }
    keyring::Entry::new(SERVICE, user).map_err(|e| classify(e, user))
}

pub fn load_master_key(user: &str) -> Result<Zeroizing<[u8; 32]>, KeyringError> {
    let bytes = Zeroizing::new(entry(user)?.get_secret().map_err(|e| classify(e, user))?);
    let key: [u8; 32] = bytes
        .as_slice()
        .try_into()
        .map_err(|_| KeyringError::BadKey {
            entry: user.to_owned(),
        })?;
    Ok(Zeroizing::new(key))
}

pub fn store_master_key(user: &str, key: &[u8; 32]) -> Result<(), KeyringError> {
    entry(user)?.set_secret(key).map_err(|e| classify(e, user))
}
