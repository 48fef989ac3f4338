//! Files on Windows: a file that may hold a secret is created with a DACL for its owner alone
//! (rather than the ACL it would inherit, which in a per-user profile is the user, SYSTEM and
//! the administrators), given in the `CreateFileW` call that makes it — never set afterwards,
//! when another process could already have opened it; a rename needs no directory sync (NTFS
//! journals it, and Windows will not open a directory as a file).
//!
//! Replacing a file while another process has it open: std renames with POSIX semantics where
//! the file system offers them (NTFS on Windows 10 1607 and later), which replace an open file;
//! elsewhere (FAT, some network drives, Wine) the rename is refused while the file is open —
//! for the moment a reader, an indexer or a virus scanner holds it — so it is tried again for a
//! while, as Go's tools do on Windows.

use std::fs::File;
use std::os::windows::io::{FromRawHandle, OwnedHandle};
use std::path::Path;

use windows_sys::Win32::Foundation::{GENERIC_READ, GENERIC_WRITE, INVALID_HANDLE_VALUE};
use windows_sys::Win32::Storage::FileSystem::{
    CREATE_NEW, CreateFileW, FILE_ATTRIBUTE_NORMAL, FILE_FLAG_OPEN_REPARSE_POINT,
    FILE_SHARE_DELETE, FILE_SHARE_READ, FILE_SHARE_WRITE, OPEN_ALWAYS,
};

use super::identity::{OwnerOnly, my_user, wide_path};
use crate::platform::PrivateOpen;

/// Opens `path` as `how` says; a file it creates is the user's alone from its first moment.
/// Shared for reading, writing and deleting as std opens files; an existing file keeps its
/// DACL (a security descriptor applies only to the file a call creates).
pub fn open_private(path: &Path, how: PrivateOpen) -> std::io::Result<File> {
    let descriptor = OwnerOnly::for_user(&my_user()?)?;
    let attributes = descriptor.attributes();
    let (access, disposition, flags) = match how {
        // As std's `create_new`: a link in the way is not followed.
        PrivateOpen::CreateNew => (GENERIC_WRITE, CREATE_NEW, FILE_FLAG_OPEN_REPARSE_POINT),
        PrivateOpen::OpenOrCreate => (GENERIC_READ | GENERIC_WRITE, OPEN_ALWAYS, 0),
    };
    let name = wide_path(path);
    // SAFETY: `name` is NUL-terminated; `attributes` and the descriptor it points to outlive
    // the call; the handle returned is owned below.
    let handle = unsafe {
        CreateFileW(
            name.as_ptr(),
            access,
            FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
            &attributes,
            disposition,
            FILE_ATTRIBUTE_NORMAL | flags,
            std::ptr::null_mut(),
        )
    };
    if handle == INVALID_HANDLE_VALUE {
        return Err(std::io::Error::last_os_error());
    }
    // SAFETY: a valid handle CreateFileW just opened, owned by nothing else.
    Ok(File::from(unsafe { OwnedHandle::from_raw_handle(handle) }))
}

/// Opens `path` to read without following a reparse point (a symbolic link or junction) at its
/// end: what is read is what was checked, or nothing.
pub fn open_no_follow(path: &Path) -> std::io::Result<File> {
    const FILE_FLAG_OPEN_REPARSE_POINT: u32 = 0x0020_0000;
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    std::os::windows::fs::OpenOptionsExt::custom_flags(&mut options, FILE_FLAG_OPEN_REPARSE_POINT);
    options.open(path)
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
