//! Linux and macOS: modes and owners (here), files, processes and the agent's transport.

mod files;
mod process;
mod transport;

pub use files::{open_no_follow, open_private, replace, sync_dir};
pub use process::stop_requested;
pub use transport::{AgentListener, AgentStream, agent_address, connect, connect_blocking};

use std::fs::Metadata;
use std::os::unix::fs::{DirBuilderExt, MetadataExt};
use std::path::Path;

use super::protection::Unsafe;

fn me() -> u32 {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() }
}

pub(super) fn is_mine(meta: &Metadata) -> bool {
    meta.uid() == me()
}

pub(super) fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
}

pub(super) fn keep_private_dir(dir: &Path, meta: &Metadata) -> Result<(), Unsafe> {
    judge_private_dir(dir, meta, me())
}

/// [`keep_private_dir`] for the user `me` (tests pass another).
pub(super) fn judge_private_dir(dir: &Path, meta: &Metadata, me: u32) -> Result<(), Unsafe> {
    let unsafe_because = |problem: String| Unsafe {
        path: dir.display().to_string(),
        problem,
    };
    if !meta.is_dir() {
        return Err(unsafe_because("is not a directory".into()));
    }
    if meta.uid() != me {
        return Err(unsafe_because(format!(
            "belongs to another user (uid {}): OAuth Desk keeps its files only in a directory of yours",
            meta.uid()
        )));
    }
    let mode = meta.mode() & 0o777;
    if mode & 0o022 != 0 {
        // Others could swap the vault or a lock file for their own. Reading is harmless: every
        // file that holds a secret is made 0600 by itself.
        return Err(unsafe_because(format!(
            "is writable by other users (mode {mode:o}): run `chmod go-w {}` or choose another directory",
            dir.display()
        )));
    }
    Ok(())
}

pub(super) fn shared_file_problem(meta: &Metadata) -> Option<String> {
    if meta.uid() != me() && meta.uid() != 0 {
        Some(format!("belongs to another user (uid {})", meta.uid()))
    } else if meta.mode() & 0o002 != 0 {
        Some("is writable by every user".to_owned())
    } else {
        None
    }
}
