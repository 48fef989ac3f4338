//! The agent socket: while the keeper runs (`oauth-desk keeper`, later the desktop app), it
//! answers `oauth-desk token NAME` over a Unix socket, from a vault it has already unlocked —
//! no keyring round trip, no Argon2id — and learns of new sign-ins at once (`rearm`).
//!
//! The socket lives in the user's runtime dir (`$XDG_RUNTIME_DIR/oauth-desk/`, mode 0700 dir,
//! 0600 socket), or in `OAUTH_DESK_HOME`; each connection's peer uid must be the owner's.
//! Protocol: one JSON line each way: `{"op":"token","provider":"x"}` →
//! `{"token":"…"}` or `{"error":"…"}`; `{"op":"refresh","provider":"x"}` likewise after a
//! forced refresh; `{"op":"rearm"}` → `{}`.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{UnixListener, UnixStream};

use crate::desk::Desk;
use crate::keeper::KeeperHandle;
use crate::store::paths::{HOME_ENV, Paths};

#[derive(Debug, thiserror::Error)]
pub enum AgentError {
    #[error("could not start the agent socket {path}: {source}")]
    Bind {
        path: String,
        source: std::io::Error,
    },
    #[error("another keeper is already serving {0}")]
    Running(String),
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Request {
    Token {
        provider: String,
    },
    /// A forced refresh (`oauth-desk refresh`); answers with the new access token.
    Refresh {
        provider: String,
    },
    Rearm,
}

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Response {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// With a refresh: when the new access token expires.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<i64>,
}

/// Where the agent of these paths listens.
pub fn socket_path(paths: &Paths) -> PathBuf {
    match std::env::var_os("XDG_RUNTIME_DIR") {
        Some(run) if std::env::var_os(HOME_ENV).is_none() && !run.is_empty() => {
            Path::new(&run).join("oauth-desk").join("agent.sock")
        }
        _ => paths.data_dir.join("agent.sock"),
    }
}

/// Serves the agent protocol until the task is dropped. Removes a stale socket first; refuses
/// to replace a live one.
pub async fn serve(desk: Arc<Desk>, keeper: KeeperHandle, path: PathBuf) -> Result<(), AgentError> {
    let bind_err = |source| AgentError::Bind {
        path: path.display().to_string(),
        source,
    };
    if let Some(dir) = path.parent() {
        Paths::ensure_private_dir(dir).map_err(|e| bind_err(std::io::Error::other(e)))?;
    }
    if path.exists() {
        if UnixStream::connect(&path).await.is_ok() {
            return Err(AgentError::Running(path.display().to_string()));
        }
        let _ = std::fs::remove_file(&path);
    }
    let listener = UnixListener::bind(&path).map_err(bind_err)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))
            .map_err(bind_err)?;
    }
    let owner = owner_uid(&path);
    tracing::info!("agent listening on {}", path.display());
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let peer = stream.peer_cred().ok().map(|c| c.uid());
        if peer.is_none() || peer != owner {
            tracing::warn!("agent: refused a connection from uid {peer:?}");
            continue;
        }
        let (desk, keeper) = (desk.clone(), keeper.clone());
        tokio::spawn(async move {
            if let Err(e) = answer(stream, &desk, &keeper).await {
                tracing::debug!("agent connection: {e}");
            }
        });
    }
}

fn owner_uid(path: &Path) -> Option<u32> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(path).ok().map(|m| m.uid())
}

async fn answer(stream: UnixStream, desk: &Desk, keeper: &KeeperHandle) -> std::io::Result<()> {
    let (read, mut write) = stream.into_split();
    let mut line = String::new();
    BufReader::new(read).take_line(&mut line).await?;
    let response = match serde_json::from_str::<Request>(&line) {
        Ok(Request::Token { provider }) => match desk.access_token(&provider).await {
            Ok(token) => Response {
                token: Some(token.expose().to_owned()),
                ..Response::default()
            },
            Err(e) => Response {
                error: Some(crate::explain::sentence(&e)),
                ..Response::default()
            },
        },
        Ok(Request::Refresh { provider }) => match desk.refresh(&provider, true).await {
            Ok(tokens) => {
                keeper.rearm();
                Response {
                    token: Some(tokens.access_token.expose().to_owned()),
                    expires_at: tokens.expires_at,
                    ..Response::default()
                }
            }
            Err(e) => Response {
                error: Some(crate::explain::sentence(&e)),
                ..Response::default()
            },
        },
        Ok(Request::Rearm) => {
            keeper.rearm();
            Response::default()
        }
        Err(e) => Response {
            error: Some(format!("bad request: {e}")),
            ..Response::default()
        },
    };
    let mut out = serde_json::to_string(&response).unwrap_or_default();
    out.push('\n');
    write.write_all(out.as_bytes()).await?;
    write.shutdown().await
}

trait TakeLine {
    async fn take_line(&mut self, line: &mut String) -> std::io::Result<usize>;
}

impl<R: tokio::io::AsyncRead + Unpin> TakeLine for BufReader<R> {
    /// One request line, at most 64 KiB.
    async fn take_line(&mut self, line: &mut String) -> std::io::Result<usize> {
        let n = tokio::time::timeout(Duration::from_secs(5), self.read_line(line))
            .await
            .map_err(|_| std::io::Error::other("request timed out"))??;
        if line.len() > 64 * 1024 {
            return Err(std::io::Error::other("request too long"));
        }
        Ok(n)
    }
}

/// [`ask`] without an async runtime, for the CLI's fast path: a cached token is printed before
/// anything else (runtime, HTTP client, argument parser) is set up.
pub fn ask_blocking(paths: &Paths, request: &Request) -> Option<Response> {
    use std::io::{BufRead, Write};
    let stream = std::os::unix::net::UnixStream::connect(socket_path(paths)).ok()?;
    let timeout = Some(crate::http::TOTAL_TIMEOUT + Duration::from_secs(5));
    stream.set_read_timeout(timeout).ok()?;
    let mut line = serde_json::to_string(request).ok()?;
    line.push('\n');
    (&stream).write_all(line.as_bytes()).ok()?;
    let mut answer = String::new();
    std::io::BufReader::new(&stream)
        .read_line(&mut answer)
        .ok()?;
    serde_json::from_str(&answer).ok()
}

/// Asks a running agent. `None` when no agent answers (then do the work locally).
pub async fn ask(paths: &Paths, request: &Request) -> Option<Response> {
    let path = socket_path(paths);
    let exchange = async {
        let stream = UnixStream::connect(&path).await.ok()?;
        let (read, mut write) = stream.into_split();
        let mut line = serde_json::to_string(request).ok()?;
        line.push('\n');
        write.write_all(line.as_bytes()).await.ok()?;
        let mut answer = String::new();
        BufReader::new(read).read_line(&mut answer).await.ok()?;
        serde_json::from_str(&answer).ok()
    };
    // A token answer may include a refresh (up to the HTTP timeout); connecting is instant.
    tokio::time::timeout(
        crate::http::TOTAL_TIMEOUT + Duration::from_secs(5),
        exchange,
    )
    .await
    .ok()
    .flatten()
}
