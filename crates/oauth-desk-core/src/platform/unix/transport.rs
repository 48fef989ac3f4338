//! The agent's transport on Linux and macOS: a Unix socket, mode 0600 in a 0700 directory,
//! each connection's peer uid checked against the socket's owner.

use std::io;
use std::path::Path;
use std::time::Duration;

use tokio::net::{UnixListener, UnixStream};

use crate::platform::BindError;

/// A connection the keeper accepted.
pub type AgentStream = UnixStream;

/// A connection to the keeper.
pub(super) type AgentClient = UnixStream;

/// The blocking client's connection (the CLI's fast path).
pub(super) type BlockingStream = std::os::unix::net::UnixStream;

/// Where the agent answers, as the keeper prints it.
pub fn agent_address(socket: &Path) -> String {
    socket.display().to_string()
}

pub struct AgentListener {
    listener: UnixListener,
    owner: Option<u32>,
}

impl AgentListener {
    /// Binds `socket` (its directory already private). A stale socket is removed; a live one is
    /// another keeper's.
    pub async fn bind(socket: &Path) -> Result<AgentListener, BindError> {
        if socket.exists() {
            if UnixStream::connect(socket).await.is_ok() {
                return Err(BindError::Running);
            }
            let _ = std::fs::remove_file(socket);
        }
        let listener = UnixListener::bind(socket)?;
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(socket, std::fs::Permissions::from_mode(0o600))?;
        }
        let owner = owner_uid(socket);
        Ok(AgentListener { listener, owner })
    }

    /// The next connection from the socket's owner (others are refused and logged).
    pub async fn accept(&mut self) -> io::Result<AgentStream> {
        loop {
            let (stream, _) = self.listener.accept().await?;
            let peer = stream.peer_cred().ok().map(|c| c.uid());
            if peer.is_some() && peer == self.owner {
                return Ok(stream);
            }
            tracing::warn!("agent: refused a connection from uid {peer:?}");
        }
    }
}

fn owner_uid(path: &Path) -> Option<u32> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(path).ok().map(|m| m.uid())
}

/// Whether the socket was made by this user: another user's process must not be asked (it
/// would learn which tokens we want, and could answer with tokens of its choosing). The
/// directory is ours alone, so the socket can't be swapped after this check.
fn answered_by_me(socket: &Path) -> bool {
    let mine = std::fs::metadata(socket).is_ok_and(|meta| super::is_mine(&meta));
    if !mine && socket.exists() {
        tracing::warn!("{} is not this user's: not asked", socket.display());
    }
    mine
}

fn not_mine() -> io::Error {
    io::Error::new(io::ErrorKind::PermissionDenied, "not this user's agent")
}

pub async fn connect(socket: &Path) -> io::Result<AgentClient> {
    if !answered_by_me(socket) {
        return Err(not_mine());
    }
    UnixStream::connect(socket).await
}

/// Connects without a runtime; reads wait at most `timeout`.
pub fn connect_blocking(socket: &Path, timeout: Duration) -> io::Result<BlockingStream> {
    if !answered_by_me(socket) {
        return Err(not_mine());
    }
    let stream = BlockingStream::connect(socket)?;
    stream.set_read_timeout(Some(timeout))?;
    Ok(stream)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A socket another user made (here: given to `nobody`, which needs root to do) is not
    /// connected to, though something listens on it.
    #[test]
    fn a_socket_of_another_user_is_not_asked() {
        let temp = tempfile::tempdir().unwrap();
        let socket = temp.path().join("agent.sock");
        let _listener = std::os::unix::net::UnixListener::bind(&socket).unwrap();
        connect_blocking(&socket, Duration::from_secs(1)).expect("our own socket is asked");
        if std::os::unix::fs::chown(&socket, Some(65534), None).is_err() {
            eprintln!("not root: another user's socket can't be made here");
            return;
        }
        let err = connect_blocking(&socket, Duration::from_secs(1)).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::PermissionDenied);
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let err = runtime.block_on(connect(&socket)).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::PermissionDenied);
    }
}
