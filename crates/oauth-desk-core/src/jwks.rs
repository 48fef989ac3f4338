//! The provider's signing keys (JWKS, RFC 7517): fetched from `jwks_uri`, cached on disk (public
//! keys, no secret), fetched again once when a token names a key the cache lacks (key rotation).

use std::path::PathBuf;

use jsonwebtoken::jwk::JwkSet;
use url::Url;

use crate::http::{Http, HttpError};
use crate::store::atomic::write_atomic;
use crate::store::paths::Paths;

#[derive(Debug, thiserror::Error)]
pub enum JwksError {
    #[error(transparent)]
    Http(#[from] HttpError),
    #[error("the JWKS at {url} could not be read (HTTP {status}): {reason}")]
    Invalid {
        url: String,
        status: u16,
        reason: String,
    },
}

pub async fn fetch(http: &Http, url: &Url) -> Result<JwkSet, JwksError> {
    let response = http.get_json("JWKS", url).await?;
    let invalid = |reason: String| JwksError::Invalid {
        url: url.to_string(),
        status: response.status,
        reason,
    };
    if !response.is_success() {
        return Err(invalid("not a success status".into()));
    }
    // Keys of unknown types make the whole set fail in some parsers; keep those we can read.
    let raw: serde_json::Value =
        serde_json::from_slice(&response.body).map_err(|e| invalid(e.to_string()))?;
    let keys = raw
        .get("keys")
        .and_then(serde_json::Value::as_array)
        .ok_or_else(|| invalid("no keys array".into()))?
        .iter()
        .filter_map(|k| serde_json::from_value(k.clone()).ok())
        .collect();
    Ok(JwkSet { keys })
}

/// The on-disk cache of each provider's JWKS.
#[derive(Debug, Clone)]
pub struct JwksCache {
    dir: PathBuf,
}

impl JwksCache {
    pub fn new(paths: &Paths) -> JwksCache {
        JwksCache {
            dir: paths.data_dir.join("jwks"),
        }
    }

    fn path(&self, provider: &str) -> PathBuf {
        self.dir.join(format!("{provider}.json"))
    }

    pub fn load(&self, provider: &str) -> Option<JwkSet> {
        let bytes = std::fs::read(self.path(provider)).ok()?;
        serde_json::from_slice(&bytes).ok()
    }

    pub fn store(&self, provider: &str, keys: &JwkSet) {
        let write = || -> std::io::Result<()> {
            std::fs::create_dir_all(&self.dir)?;
            write_atomic(&self.path(provider), &serde_json::to_vec_pretty(keys)?)
        };
        if let Err(e) = write() {
            tracing::warn!("could not cache the JWKS of {provider}: {e}");
        }
    }

    pub fn forget(&self, provider: &str) {
        let _ = std::fs::remove_file(self.path(provider));
    }
}

/// Whether `keys` can answer for a token with this `kid`.
pub fn has_key(keys: &JwkSet, kid: Option<&str>) -> bool {
    match kid {
        Some(kid) => keys.find(kid).is_some(),
        None => !keys.keys.is_empty(),
    }
}
