//! The agent's transport on Windows: a named pipe per data directory,
//! `\\.\pipe\oauth-desk-<hash>`, whose security descriptor lets only this user open it, with
//! remote clients rejected. Each side also checks the other: the keeper refuses a client
//! process of another user, and a client refuses a pipe served by another user's process (one
//! that made the name first). Both clients connect with `SECURITY_SQOS_PRESENT |
//! SECURITY_IDENTIFICATION`: a server that impersonates the client may learn who it is, never
//! act as it — without the flags a pipe opened as a file lets its server impersonate fully.

use std::io;
use std::os::windows::fs::OpenOptionsExt;
use std::os::windows::io::{AsRawHandle, RawHandle};
use std::path::Path;
use std::time::Duration;

use sha2::{Digest, Sha256};
use tokio::net::windows::named_pipe::{
    ClientOptions, NamedPipeClient, NamedPipeServer, ServerOptions,
};
use windows_sys::Win32::Foundation::{ERROR_ACCESS_DENIED, ERROR_PIPE_BUSY, HANDLE};
use windows_sys::Win32::Storage::FileSystem::{SECURITY_IDENTIFICATION, SECURITY_SQOS_PRESENT};
use windows_sys::Win32::System::Pipes::{GetNamedPipeClientProcessId, GetNamedPipeServerProcessId};

use super::identity::{OwnerOnly, my_user, user_of_process};
use crate::platform::BindError;

/// A connection the keeper accepted.
pub type AgentStream = NamedPipeServer;

/// A connection to the keeper.
pub(super) type AgentClient = NamedPipeClient;

/// The blocking client's connection (the CLI's fast path). Reads have no timeout: a named
/// pipe opened as a file has none to set.
pub(super) type BlockingStream = std::fs::File;

/// The pipe of the keeper whose files are beside `socket` (a keeper per data directory, as on
/// Unix).
pub fn agent_address(socket: &Path) -> String {
    let digest = Sha256::digest(socket.to_string_lossy().as_bytes());
    let hex: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
    format!(r"\\.\pipe\oauth-desk-{hex}")
}

/// The impersonation a client allows its pipe's server: identification only.
const CLIENT_QOS: u32 = SECURITY_SQOS_PRESENT | SECURITY_IDENTIFICATION;

pub struct AgentListener {
    name: String,
    next: NamedPipeServer,
    me: String,
    descriptor: OwnerOnly,
}

fn create(name: &str, first: bool, descriptor: &OwnerOnly) -> io::Result<NamedPipeServer> {
    let mut attributes = descriptor.attributes();
    // SAFETY: `attributes` and the descriptor it points to outlive the call.
    unsafe {
        ServerOptions::new()
            .first_pipe_instance(first)
            .reject_remote_clients(true)
            .create_with_security_attributes_raw(name, (&raw mut attributes).cast())
    }
}

impl AgentListener {
    pub async fn bind(socket: &Path) -> Result<AgentListener, BindError> {
        let me = my_user()?;
        let descriptor = OwnerOnly::for_user(&me)?;
        let name = agent_address(socket);
        let next = match create(&name, true, &descriptor) {
            Ok(server) => server,
            // The name is taken: another keeper of ours (or someone else's pipe).
            Err(e) if e.raw_os_error() == Some(ERROR_ACCESS_DENIED as i32) => {
                return Err(BindError::Running);
            }
            Err(e) => return Err(e.into()),
        };
        Ok(AgentListener {
            name,
            next,
            me,
            descriptor,
        })
    }

    /// The next connection from a process of this user (others are refused and logged).
    pub async fn accept(&mut self) -> io::Result<AgentStream> {
        loop {
            let connected = self.next.connect().await;
            let fresh = create(&self.name, false, &self.descriptor)?;
            let stream = std::mem::replace(&mut self.next, fresh);
            connected?;
            match peer_user(stream.as_raw_handle(), GetNamedPipeClientProcessId) {
                Ok(user) if user == self.me => return Ok(stream),
                other => tracing::warn!("agent: refused a client of another user ({other:?})"),
            }
        }
    }
}

type PipeProcessId = unsafe extern "system" fn(HANDLE, *mut u32) -> i32;

/// The user of the process at the other end of `pipe`.
fn peer_user(pipe: RawHandle, which: PipeProcessId) -> io::Result<String> {
    let mut pid = 0u32;
    // SAFETY: `pipe` is an open pipe handle of ours.
    if unsafe { which(pipe as HANDLE, &mut pid) } == 0 {
        return Err(io::Error::last_os_error());
    }
    user_of_process(pid)
}

fn served_by_me(pipe: RawHandle) -> io::Result<()> {
    let server = peer_user(pipe, GetNamedPipeServerProcessId)?;
    if server == my_user()? {
        Ok(())
    } else {
        tracing::warn!("the agent pipe is served by another user ({server}): not asked");
        Err(io::Error::new(
            io::ErrorKind::PermissionDenied,
            "not this user's agent",
        ))
    }
}

pub async fn connect(socket: &Path) -> io::Result<AgentClient> {
    let name = agent_address(socket);
    let mut busy = 0;
    let client = loop {
        match ClientOptions::new()
            .security_qos_flags(CLIENT_QOS)
            .open(&name)
        {
            Ok(client) => break client,
            // Every instance is taken for the moment: the keeper makes the next at once.
            Err(e) if e.raw_os_error() == Some(ERROR_PIPE_BUSY as i32) && busy < 50 => {
                busy += 1;
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            Err(e) => return Err(e),
        }
    };
    served_by_me(client.as_raw_handle())?;
    Ok(client)
}

/// Connects without a runtime (`timeout` cannot be applied to a pipe opened as a file).
pub fn connect_blocking(socket: &Path, _timeout: Duration) -> io::Result<BlockingStream> {
    let name = agent_address(socket);
    let mut busy = 0;
    let file = loop {
        match std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .security_qos_flags(CLIENT_QOS)
            .open(&name)
        {
            Ok(file) => break file,
            Err(e) if e.raw_os_error() == Some(ERROR_PIPE_BUSY as i32) && busy < 50 => {
                busy += 1;
                std::thread::sleep(Duration::from_millis(20));
            }
            Err(e) => return Err(e),
        }
    };
    served_by_me(file.as_raw_handle())?;
    Ok(file)
}
