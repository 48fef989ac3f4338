//! Atomic file replacement: write a temporary file in the same directory, fsync it, rename it
//! over the target, fsync the directory. A crash at any point leaves either the old file or the
//! new one, never a torn one. Files are created for their owner alone (they may hold secrets).
//! On Windows the rename waits out a reader that has the file open for a moment, and NTFS
//! journals the rename itself: there is no directory to sync (see `crate::platform`).

use std::fs;
use std::io::Write;
use std::path::Path;

use crate::platform::PrivateOpen;

pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut suffix = [0u8; 8];
    getrandom::fill(&mut suffix).map_err(std::io::Error::other)?;
    let tmp = dir.join(format!(
        ".{name}.tmp-{}",
        suffix
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    ));
    let result = (|| {
        let mut file = crate::platform::open_private(&tmp, PrivateOpen::CreateNew)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        drop(file);
        crate::platform::replace(&tmp, path)?;
        // The rename is durable only once the directory entry is.
        crate::platform::sync_dir(dir)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_content_with_private_mode_and_no_leftovers() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.bin");
        write_atomic(&path, b"one").unwrap();
        write_atomic(&path, b"two").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"two");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "files that may hold secrets are private");
        }
        let names: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1, "no temporary file is left behind");
    }

    /// The keeper, the app and a CLI may read the vault while another writes it: the rename
    /// replaces a file that a reader has open (on Windows without POSIX rename semantics, once
    /// the reader lets go).
    #[test]
    fn replaces_a_file_a_reader_has_open() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("vault.bin");
        write_atomic(&path, b"one").unwrap();
        let held = fs::File::open(&path).unwrap();
        let reader = std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_millis(200));
            drop(held);
        });
        write_atomic(&path, b"two").unwrap();
        reader.join().unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"two");
        let names: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1, "no temporary file is left behind");
    }
}
