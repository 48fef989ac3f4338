//! Windows: the per-user profile directories (only their owner, the system and the
//! administrators can open them) here; files, processes and the agent's transport beside.

mod files;
mod identity;
mod process;
mod transport;

pub use files::{open_private, replace, sync_dir};
pub use process::{exec, stop_requested};
pub use transport::{AgentListener, AgentStream, agent_address, connect, connect_blocking};

use std::fs::Metadata;
use std::path::Path;

use super::protection::Unsafe;

pub fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)
}

pub fn keep_private_dir(dir: &Path, meta: &Metadata) -> Result<(), Unsafe> {
    if meta.is_dir() {
        Ok(())
    } else {
        Err(Unsafe {
            path: dir.display().to_string(),
            problem: "is not a directory".into(),
        })
    }
}

pub fn shared_file_problem(_meta: &Metadata) -> Option<String> {
    None
}
