//! Files on Linux and macOS: secrets are created 0600; a rename is durable once its
//! directory is synced.

use std::fs::{File, OpenOptions};
use std::path::Path;

use crate::platform::PrivateOpen;

/// Opens `path` as `how` says; a file it creates is the user's alone (0600).
pub fn open_private(path: &Path, how: PrivateOpen) -> std::io::Result<File> {
    let mut options = OpenOptions::new();
    match how {
        PrivateOpen::CreateNew => options.write(true).create_new(true),
        PrivateOpen::OpenOrCreate => options.read(true).write(true).create(true).truncate(false),
    };
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)
}

/// Opens `path` to read without following a symbolic link at its end and without waiting on a
/// FIFO (`O_NOFOLLOW | O_NONBLOCK`): what is read is what was checked, or nothing.
pub fn open_no_follow(path: &Path) -> std::io::Result<File> {
    let mut options = OpenOptions::new();
    options.read(true);
    std::os::unix::fs::OpenOptionsExt::custom_flags(
        &mut options,
        libc::O_NOFOLLOW | libc::O_NONBLOCK,
    );
    options.open(path)
}

/// Renames `from` over `to` (an open `to` is no obstacle).
pub fn replace(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::rename(from, to)
}

/// Makes a rename in `dir` durable.
pub fn sync_dir(dir: &Path) -> std::io::Result<()> {
    File::open(dir)?.sync_all()
}
