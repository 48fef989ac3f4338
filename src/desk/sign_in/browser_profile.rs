//! A login window's browser profile, named as each OS's web view takes it: a data directory
//! (WebKitGTK, WebView2) or a data store identifier (WKWebView, macOS 14 and later, which has no
//! directories of its own choosing).

use std::path::PathBuf;

use sha2::{Digest, Sha256};

/// The browser profile of one identity in one environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrowserProfile {
    /// Its data directory (private, 0700).
    pub dir: PathBuf,
    /// The same profile as a WKWebView data store identifier: derived from the directory, so
    /// it is stable across runs and differs between identities, environments and homes.
    pub store_id: [u8; 16],
}

impl BrowserProfile {
    pub(in crate::desk) fn new(dir: PathBuf) -> BrowserProfile {
        let digest = Sha256::digest(dir.to_string_lossy().as_bytes());
        let mut store_id = [0u8; 16];
        store_id.copy_from_slice(&digest[..16]);
        BrowserProfile { dir, store_id }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_profile_has_its_own_stable_store() {
        let admin = BrowserProfile::new("/h/browser/api@admin".into());
        let viewer = BrowserProfile::new("/h/browser/api@viewer".into());
        assert_ne!(admin.store_id, viewer.store_id);
        assert_eq!(
            admin.store_id,
            BrowserProfile::new("/h/browser/api@admin".into()).store_id
        );
    }
}
