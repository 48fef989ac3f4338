//! Cross-process locks on lock files (`flock` via std's `File::lock`): the CLI and the app may
//! run at once, and a read-modify-write of the config or the vault, or a refresh that spends a
//! refresh token, must be done by one process at a time. Released on drop (and by the OS when
//! a process dies, so a killed process never leaves a stale lock).

use std::fs::File;
use std::path::Path;

use super::paths::{Paths, PathsError};
use crate::platform::PrivateOpen;

#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error(transparent)]
    Dir(#[from] PathsError),
    #[error("could not lock {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
}

#[derive(Debug)]
pub struct FileLock {
    _file: File,
}

impl FileLock {
    /// Blocks until the exclusive lock on `path` is held.
    pub fn exclusive(path: &Path) -> Result<FileLock, LockError> {
        let file = open(path)?;
        file.lock().map_err(|source| io_error(path, source))?;
        Ok(FileLock { _file: file })
    }

    /// Takes the lock only if nobody holds it.
    pub fn try_exclusive(path: &Path) -> Result<Option<FileLock>, LockError> {
        let file = open(path)?;
        match file.try_lock() {
            Ok(()) => Ok(Some(FileLock { _file: file })),
            Err(std::fs::TryLockError::WouldBlock) => Ok(None),
            Err(std::fs::TryLockError::Error(e)) => Err(io_error(path, e)),
        }
    }
}

/// Opens (creating) a lock file, mode 0600, in a private directory.
fn open(path: &Path) -> Result<File, LockError> {
    if let Some(dir) = path.parent() {
        Paths::ensure_private_dir(dir)?;
    }
    crate::platform::open_private(path, PrivateOpen::OpenOrCreate)
        .map_err(|source| io_error(path, source))
}

fn io_error(path: &Path, source: std::io::Error) -> LockError {
    LockError::Io {
        path: path.display().to_string(),
        source,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn the_lock_is_exclusive_between_holders() {
        let dir = tempfile::tempdir().unwrap();
        let path = Arc::new(dir.path().join("locks/x.lock"));
        let inside = Arc::new(AtomicUsize::new(0));
        let handles: Vec<_> = (0..4)
            .map(|_| {
                let (path, inside) = (path.clone(), inside.clone());
                std::thread::spawn(move || {
                    for _ in 0..20 {
                        let _lock = FileLock::exclusive(&path).unwrap();
                        assert_eq!(
                            inside.fetch_add(1, Ordering::SeqCst),
                            0,
                            "two holders at once"
                        );
                        std::thread::yield_now();
                        inside.fetch_sub(1, Ordering::SeqCst);
                    }
                })
            })
            .collect();
        for h in handles {
            h.join().unwrap();
        }
    }
}
