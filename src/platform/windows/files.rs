//! Files on Windows: a file that may hold a secret gets a DACL for its owner alone (rather
//! than the ACL it would inherit, which in a per-user profile is the user, SYSTEM and the
//! administrators); a rename needs no directory sync (NTFS journals it, and Windows will not
//! open a directory as a file).
//!
//! Replacing a file while another process has it open: std renames with POSIX semantics where
//! the file system offers them (NTFS on Windows 10 1607 and later), which replace an open file;
//! elsewhere (FAT, some network drives, Wine) the rename is refused while the file is open —
//! for the moment a reader, an indexer or a virus scanner holds it — so it is tried again for a
//! while, as Go's tools do on Windows.

use std::fs::{File, OpenOptions};
use std::path::Path;

use super::identity::{OwnerOnly, my_user};

/// Opens `path` with `options`; a file it creates is the user's alone.
pub fn open_private(options: &OpenOptions, path: &Path) -> std::io::Result<File> {
    let existed = path.exists();
    let file = options.open(path)?;
    if !existed {
        OwnerOnly::for_user(&my_user()?)?.apply_to_file(path)?;
    }
    Ok(file)
}

/// Renames `from` over `to`, waiting out a file that is open elsewhere for a moment.
pub fn replace(from: &Path, to: &Path) -> std::io::Result<()> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(2);
    loop {
        match std::fs::rename(from, to) {
            Err(e)
                if e.kind() == std::io::ErrorKind::PermissionDenied
                    && std::time::Instant::now() < deadline =>
            {
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
            result => return result,
        }
    }
}

pub fn sync_dir(_dir: &Path) -> std::io::Result<()> {
    Ok(())
}
