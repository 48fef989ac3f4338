//! The configuration file (`config.toml`): providers and settings, human-readable, never a
//! secret. Edits are read-modify-write under a cross-process lock, written atomically.
//!
//! Also the export format: one provider as JSON, shareable, without secrets.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::atomic::write_atomic;
use super::lock::{FileLock, LockError};
use super::paths::{Paths, PathsError};
use crate::provider::{Provider, ProviderName};

const HEADER: &str = "# OAuth Desk configuration: providers and settings.\n\
# No secrets are stored here: client secrets and tokens live in the encrypted vault.\n\n";

/// Version of the export file format.
pub const EXPORT_VERSION: u32 = 1;

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("could not read {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("could not write {path}: {source}")]
    Write {
        path: String,
        source: std::io::Error,
    },
    #[error("{path} is not a valid configuration: {message}")]
    Parse { path: String, message: String },
    #[error("no provider named {name:?}{hint}")]
    UnknownProvider { name: String, hint: String },
    #[error("a provider named {0:?} already exists (remove it first, or choose another name)")]
    Exists(String),
    #[error("{path} is not an OAuth Desk provider export: {message}")]
    Import { path: String, message: String },
    #[error(transparent)]
    Lock(#[from] LockError),
    #[error(transparent)]
    Paths(#[from] PathsError),
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Config {
    #[serde(default = "one")]
    pub version: u32,
    #[serde(default)]
    pub providers: Vec<Provider>,
}

fn one() -> u32 {
    1
}

impl Config {
    pub fn get(&self, name: &str) -> Result<&Provider, ConfigError> {
        self.providers
            .iter()
            .find(|p| p.name.as_str() == name)
            .ok_or_else(|| self.unknown(name))
    }

    pub fn get_mut(&mut self, name: &str) -> Result<&mut Provider, ConfigError> {
        let err = self.unknown(name);
        self.providers
            .iter_mut()
            .find(|p| p.name.as_str() == name)
            .ok_or(err)
    }

    fn unknown(&self, name: &str) -> ConfigError {
        let names: Vec<&str> = self.providers.iter().map(|p| p.name.as_str()).collect();
        ConfigError::UnknownProvider {
            name: name.to_owned(),
            hint: if names.is_empty() {
                " (no providers are configured yet)".into()
            } else {
                format!(" (configured: {})", names.join(", "))
            },
        }
    }

    pub fn add(&mut self, provider: Provider) -> Result<(), ConfigError> {
        if self.providers.iter().any(|p| p.name == provider.name) {
            return Err(ConfigError::Exists(provider.name.to_string()));
        }
        self.providers.push(provider);
        Ok(())
    }

    pub fn remove(&mut self, name: &str) -> Result<Provider, ConfigError> {
        let index = self
            .providers
            .iter()
            .position(|p| p.name.as_str() == name)
            .ok_or_else(|| self.unknown(name))?;
        Ok(self.providers.remove(index))
    }
}

/// The config file of one OAuth Desk home.
#[derive(Debug, Clone)]
pub struct ConfigStore {
    path: PathBuf,
    lock_path: PathBuf,
    /// The last text read and what it parsed to: long-lived processes re-read the file on every
    /// call (another process may have changed it) but parse it only when it changed.
    cache: std::sync::Arc<std::sync::Mutex<Option<(String, Config)>>>,
}

impl ConfigStore {
    pub fn new(paths: &Paths) -> ConfigStore {
        ConfigStore {
            path: paths.config_file(),
            lock_path: paths.locks_dir().join("config.lock"),
            cache: Default::default(),
        }
    }

    /// Reads the config; a missing file is an empty config.
    pub fn load(&self) -> Result<Config, ConfigError> {
        let text = match std::fs::read_to_string(&self.path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Config::default()),
            Err(source) => {
                return Err(ConfigError::Read {
                    path: self.path.display().to_string(),
                    source,
                });
            }
        };
        if let Ok(cache) = self.cache.lock()
            && let Some((cached, config)) = cache.as_ref()
            && *cached == text
        {
            return Ok(config.clone());
        }
        let config: Config = toml::from_str(&text).map_err(|e| ConfigError::Parse {
            path: self.path.display().to_string(),
            message: e.message().to_owned(),
        })?;
        if let Ok(mut cache) = self.cache.lock() {
            *cache = Some((text, config.clone()));
        }
        Ok(config)
    }

    /// Read-modify-write under the config lock. Nothing is written when `change` fails.
    pub fn update<T, E: From<ConfigError>>(
        &self,
        change: impl FnOnce(&mut Config) -> Result<T, E>,
    ) -> Result<T, E> {
        let _lock = self.lock()?;
        let mut config = self.load()?;
        let out = change(&mut config)?;
        self.save(&config)?;
        Ok(out)
    }

    /// The config lock, for a change that must do more than edit the config while holding it
    /// (an import choosing names and storing secrets).
    pub fn lock(&self) -> Result<FileLock, ConfigError> {
        Ok(FileLock::exclusive(&self.lock_path)?)
    }

    /// Writes `config` (atomically); the caller holds [`ConfigStore::lock`].
    pub fn save(&self, config: &Config) -> Result<(), ConfigError> {
        let write = |source| ConfigError::Write {
            path: self.path.display().to_string(),
            source,
        };
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir).map_err(write)?;
        }
        let body = toml::to_string_pretty(config).map_err(|e| ConfigError::Parse {
            path: self.path.display().to_string(),
            message: e.to_string(),
        })?;
        write_atomic(&self.path, format!("{HEADER}{body}").as_bytes()).map_err(write)
    }
}

#[derive(Serialize, Deserialize)]
struct Export {
    oauth_desk_export: u32,
    provider: Provider,
}

/// One provider as a shareable JSON document: no secret, and no claim to have one.
pub fn export_provider(provider: &Provider) -> String {
    let mut provider = provider.clone();
    provider.has_client_secret = false;
    provider.identities.clear();
    let doc = Export {
        oauth_desk_export: EXPORT_VERSION,
        provider,
    };
    // Serialising plain data to a String cannot fail.
    serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"
}

/// Reads an export; `rename` imports it under another name.
pub fn import_provider(
    path: &str,
    text: &str,
    rename: Option<ProviderName>,
) -> Result<Provider, ConfigError> {
    let err = |message: String| ConfigError::Import {
        path: path.to_owned(),
        message,
    };
    let doc: Export = serde_json::from_str(text).map_err(|e| err(e.to_string()))?;
    if doc.oauth_desk_export != EXPORT_VERSION {
        return Err(err(format!(
            "format version {} is not supported (this version reads {EXPORT_VERSION})",
            doc.oauth_desk_export
        )));
    }
    let mut provider = doc.provider;
    // An export never carries a secret: the client secret and certificate are given again
    // (a DPoP key is made anew when the provider is first used).
    provider.has_client_secret = false;
    provider.security.client_certificate = false;
    provider.identities.clear();
    if let Some(name) = rename {
        provider.name = name;
    }
    Ok(provider)
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(crate::fuzz_cases(1000)))]
        #[test]
        fn importing_never_panics(text in "[ -~\n]{0,400}") {
            let _ = import_provider("fuzz.json", &text, None);
        }
    }

    #[test]
    fn an_export_never_claims_a_secret_and_imports_under_another_name() {
        let text = r#"{"oauth_desk_export": 1, "provider": {"name": "a", "endpoints": {"token": "https://as.example/token"},
            "client_id": "c", "auth_method": "client_secret_post", "has_client_secret": true,
            "security": {"dpop": "ES256", "client_certificate": true},
            "redirect_uri": "http://127.0.0.1/callback"}}"#;
        let p = import_provider("x.json", text, Some("b".parse().unwrap())).unwrap();
        assert_eq!(p.name.as_str(), "b");
        assert!(!p.has_client_secret, "an import never comes with a secret");
        assert!(!p.security.client_certificate, "nor a client certificate");
        assert_eq!(
            p.security.dpop,
            Some(crate::provider::DpopAlg::ES256),
            "settings stay"
        );
        assert!(!export_provider(&p).contains("has_client_secret\": true"));
        let err = import_provider("x.json", &text.replace(": 1,", ": 9,"), None).unwrap_err();
        assert!(err.to_string().contains("version 9"), "{err}");
    }
}
