//! What differs between operating systems, each behind one function or type here and one
//! implementation per OS (`unix/`, `windows/`, one file per concern): the engine calls these
//! and has no `cfg` of its own.
//!
//! - file protection: private directories, who owns a file ([`protection`]);
//! - files: created private, renames made durable;
//! - processes: the stop request a keeper waits for;
//! - the agent's transport: a Unix socket with a peer-uid check, or a named pipe only the same
//!   user can open, its client and server each checked to be that user.

#[cfg(unix)]
mod unix;
#[cfg(unix)]
use unix as os;

#[cfg(windows)]
mod windows;
#[cfg(windows)]
use windows as os;

mod protection;

pub use protection::{Unsafe, ensure_private_dir, search_stops_at, shared_file_problem};

pub use os::{
    AgentListener, AgentStream, agent_address, connect, connect_blocking, open_no_follow,
    open_private, replace, stop_requested, sync_dir,
};

// Who may write a Windows folder is judged from plain data: the rule is tested on every OS.
#[cfg(all(test, not(windows)))]
#[path = "windows/writers.rs"]
mod windows_writers;

/// How [`open_private`] opens a file that may hold a secret. A file it creates is the user's
/// alone from its first moment: made 0600 on Unix, made with an owner-only DACL on Windows
/// (never given one after, when another process could already have opened it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrivateOpen {
    /// A new file to write; one already there is an error (`create_new`).
    CreateNew,
    /// Read and write, made if missing, never truncated (a lock file).
    OpenOrCreate,
}

/// Why the agent could not start listening.
#[derive(Debug, thiserror::Error)]
pub enum BindError {
    #[error("another keeper is already serving it")]
    Running,
    #[error(transparent)]
    Io(#[from] std::io::Error),
}
