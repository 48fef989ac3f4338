//! The agent socket: while a keeper runs (`oauth-desk keeper`, or the desktop app), it answers
//! token requests over a Unix socket from a vault it has already unlocked — no keyring round
//! trip, no Argon2id — and hears of changes other processes made, which it publishes on its
//! own change stream (its keeper re-arms, its window reloads).
//!
//! The socket lives in the user's runtime dir (`$XDG_RUNTIME_DIR/oauth-desk/`, mode 0700 dir,
//! 0600 socket), or in `OAUTH_DESK_HOME`; each connection's peer uid must be the owner's.
//! Protocol: one JSON line each way: `{"op":"token","provider":"x"}` →
//! `{"token":"…","token_type":"Bearer","expires_at":…}` or `{"error":{…}}`;
//! `{"op":"refresh","provider":"x"}` likewise after a forced refresh;
//! `{"op":"headers","provider":"x","method":"GET","url":"…"}` → `{"text":"Authorization: …"}`;
//! `{"op":"changed","provider":"x"}` → `{}` (`{"op":"rearm"}`, from older CLIs, too).

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{UnixListener, UnixStream};

use super::Desk;
use super::advice::Explained;
use super::changes::Change;
use crate::secret::Secret;
use crate::store::paths::Paths;
use crate::token::TokenSet;

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
pub(crate) enum Request {
    Token {
        provider: String,
    },
    /// A forced refresh (`oauth-desk refresh`); answers with the new access token.
    Refresh {
        provider: String,
    },
    /// kubectl's `ExecCredential` (`credential kubectl`), answered whole in `text`.
    Kubectl {
        provider: String,
        #[serde(default)]
        exec_info: Option<String>,
    },
    /// git's credential-helper answer to `input` (`credential git … get`), whole in `text`.
    Git {
        provider: String,
        input: String,
    },
    /// The headers a request to a resource needs (`headers`), answered whole in `text`.
    Headers {
        provider: String,
        method: String,
        url: String,
    },
    /// Another process changed tokens or providers.
    Changed {
        #[serde(default)]
        provider: Option<String>,
    },
    /// What older CLIs send for a change.
    Rearm,
}

/// A fresh access token as the agent hands it over: the value stays a [`Secret`] (redacted in
/// `Debug`, serialized only on the wire to the owner's process).
#[derive(Debug, Default, Serialize, Deserialize)]
pub(crate) struct Response {
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::secret::vault_serde_opt"
    )]
    pub token: Option<Secret>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_type: Option<String>,
    /// When the access token expires.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<Explained>,
    /// A whole answer for a tool (kubectl's credential, git's lines).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::secret::vault_serde_opt"
    )]
    pub text: Option<Secret>,
}

/// A fresh access token with what its formats need.
#[derive(Debug, Clone)]
pub struct FreshToken {
    pub token: Secret,
    pub token_type: String,
    pub expires_at: Option<i64>,
}

impl From<TokenSet> for FreshToken {
    fn from(tokens: TokenSet) -> FreshToken {
        FreshToken {
            token: tokens.access_token.into_secret(),
            token_type: tokens.token_type,
            expires_at: tokens.expires_at,
        }
    }
}

impl Response {
    fn answer(result: Result<FreshToken, Explained>) -> Response {
        match result {
            Ok(fresh) => Response {
                token: Some(fresh.token),
                token_type: Some(fresh.token_type),
                expires_at: fresh.expires_at,
                error: None,
                text: None,
            },
            Err(e) => Response {
                error: Some(e),
                ..Response::default()
            },
        }
    }

    fn text(result: Result<Secret, Explained>) -> Response {
        match result {
            Ok(text) => Response {
                text: Some(text),
                ..Response::default()
            },
            Err(e) => Response {
                error: Some(e),
                ..Response::default()
            },
        }
    }

    /// A tool's whole answer, or the failure the agent explained.
    pub fn into_text(self) -> Result<Secret, Explained> {
        match (self.text, self.error) {
            (Some(text), _) => Ok(text),
            (None, error) => Err(error.unwrap_or_else(|| {
                Explained::new(
                    super::advice::ErrorKind::Internal,
                    "the keeper gave no answer",
                )
            })),
        }
    }

    /// The answer as a result: a token, or the failure the agent explained.
    pub fn into_result(self) -> Result<FreshToken, Explained> {
        match (self.token, self.error) {
            (Some(token), _) => Ok(FreshToken {
                token,
                token_type: self.token_type.unwrap_or_else(|| "Bearer".into()),
                expires_at: self.expires_at,
            }),
            (None, error) => Err(error.unwrap_or_else(|| {
                Explained::new(
                    super::advice::ErrorKind::Internal,
                    "the keeper gave no token",
                )
            })),
        }
    }
}

/// Serves the agent protocol until the task is dropped. Removes a stale socket first; refuses
/// to replace a live one.
pub(super) async fn serve(desk: Arc<Desk>) -> Result<(), AgentError> {
    let path = desk.paths.agent_socket.clone();
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
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))
            .map_err(bind_err)?;
    }
    let owner = owner_uid(&path);
    desk.serving_agent
        .store(true, std::sync::atomic::Ordering::SeqCst);
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
        let desk = desk.clone();
        tokio::spawn(async move {
            if let Err(e) = answer(stream, &desk).await {
                tracing::debug!("agent connection: {e}");
            }
        });
    }
}

fn owner_uid(path: &Path) -> Option<u32> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(path).ok().map(|m| m.uid())
}

async fn answer(stream: UnixStream, desk: &Desk) -> std::io::Result<()> {
    let (read, mut write) = stream.into_split();
    let mut line = String::new();
    BufReader::new(read).take_line(&mut line).await?;
    let response = match serde_json::from_str::<Request>(&line) {
        Ok(Request::Token { provider }) => {
            Response::answer(desk.fresh_token_here(&provider).await.map_err(Into::into))
        }
        Ok(Request::Refresh { provider }) => Response::answer(
            desk.refresh(&provider, true)
                .await
                .map(FreshToken::from)
                .map_err(Into::into),
        ),
        Ok(Request::Kubectl {
            provider,
            exec_info,
        }) => Response::text(
            desk.kube_credential(&provider, exec_info.as_deref())
                .await
                .map_err(Into::into),
        ),
        Ok(Request::Git { provider, input }) => Response::text(
            desk.git_credential(&provider, &super::handover::GitRequest::parse(&input))
                .await
                .map_err(Into::into),
        ),
        Ok(Request::Headers {
            provider,
            method,
            url,
        }) => Response::text(
            desk.resource_headers_here(&provider, &method, &url)
                .await
                .map_err(Into::into),
        ),
        Ok(Request::Changed { provider }) => {
            // Another process changed something: say so here, where the keeper and the
            // window listen (which of its tokens or providers, the stream's readers re-read).
            desk.publish_local(match provider {
                Some(provider) => Change::Tokens { provider },
                None => Change::Providers { provider: None },
            });
            Response::default()
        }
        Ok(Request::Rearm) => {
            desk.publish_local(Change::Providers { provider: None });
            Response::default()
        }
        Err(e) => Response::answer(Err(Explained::new(
            super::advice::ErrorKind::Invalid,
            format!("bad request: {e}"),
        ))),
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

/// How long an answer may take: a token answer may include a refresh (up to the HTTP
/// timeout); connecting is instant.
fn answer_timeout() -> Duration {
    crate::http::TOTAL_TIMEOUT + Duration::from_secs(5)
}

/// [`ask`] without an async runtime, for the CLI's fast path: a cached token is printed before
/// anything else (runtime, HTTP client, argument parser) is set up.
pub(crate) fn ask_blocking(socket: &Path, request: &Request) -> Option<Response> {
    use std::io::{BufRead, Write};
    let stream = std::os::unix::net::UnixStream::connect(socket).ok()?;
    stream.set_read_timeout(Some(answer_timeout())).ok()?;
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
pub(crate) async fn ask(socket: &Path, request: &Request) -> Option<Response> {
    let exchange = async {
        let stream = UnixStream::connect(socket).await.ok()?;
        let (read, mut write) = stream.into_split();
        let mut line = serde_json::to_string(request).ok()?;
        line.push('\n');
        write.write_all(line.as_bytes()).await.ok()?;
        let mut answer = String::new();
        BufReader::new(read).read_line(&mut answer).await.ok()?;
        serde_json::from_str(&answer).ok()
    };
    tokio::time::timeout(answer_timeout(), exchange)
        .await
        .ok()
        .flatten()
}
