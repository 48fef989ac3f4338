//! The agent socket: while a keeper runs (`oauth-desk keeper`, or the desktop app), it answers
//! token requests over a Unix socket from a vault it has already unlocked — no keyring round
//! trip, no Argon2id — and hears of changes other processes made, which it publishes on its
//! own change stream (its keeper re-arms, its window reloads).
//!
//! The socket lives in the user's runtime dir (`$XDG_RUNTIME_DIR/oauth-desk/`, mode 0700 dir,
//! 0600 socket), or in `OAUTH_DESK_HOME`; each connection's peer uid must be the owner's. On
//! Windows it is a named pipe only the same user can open (see `crate::platform`).
//! Protocol: one JSON line each way: `{"op":"token","provider":"x@id","project":"…/oauth-desk.toml","env":"dev"}`
//! (the provider as typed, in the asker's workspace; or `"reference":{…}`, a desk's full
//! reference) → `{"token":"…","token_type":"Bearer","expires_at":…,"identity":"id"}` or
//! `{"error":{…}}`; `{"op":"refresh",…}` likewise after a forced refresh;
//! `{"op":"headers",…,"method":"GET","url":"…"}` → `{"text":"Authorization: …"}`;
//! `{"op":"changed","provider":"<slot key>"}` → `{}` (`{"op":"rearm"}`, from older CLIs, too).
//! An ask without a project (an older CLI's) means the config's provider.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

use super::Desk;
use super::advice::Explained;
use super::changes::Change;
use super::target::Workspace;
use crate::platform::{self, AgentListener, AgentStream, BindError};
use crate::store::paths::Paths;
use oauth_desk_core::provider::ProviderRef;
use oauth_desk_core::secret::Secret;
use oauth_desk_core::token::TokenSet;

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

/// Whose token an ask is for.
#[derive(Debug, Default, Serialize, Deserialize)]
pub(crate) struct Who {
    /// As typed (`NAME[@ID]`) in the workspace below; the plain name older CLIs send.
    #[serde(default)]
    pub provider: String,
    /// A desk's resolved reference (then `provider` is for display only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<ProviderRef>,
    /// The asker's project file and environment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project: Option<std::path::PathBuf>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub env: Option<String>,
}

impl Who {
    fn of(reference: &ProviderRef) -> Who {
        Who {
            provider: reference.typed(),
            reference: Some(reference.clone()),
            ..Who::default()
        }
    }

    /// `typed` in this process's workspace (the CLI's fast path), in `env` when the command
    /// names one.
    pub fn typed_here(typed: &str, env: Option<&str>) -> Who {
        Who {
            provider: typed.to_owned(),
            reference: None,
            project: crate::project::from_env().file,
            env: env.map(str::to_owned).or_else(|| {
                std::env::var(crate::project::ENV_ENV)
                    .ok()
                    .filter(|e| !e.is_empty())
            }),
        }
    }
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub(crate) enum Request {
    Token {
        #[serde(flatten)]
        who: Who,
    },
    /// A forced refresh (`oauth-desk refresh`); answers with the new access token.
    Refresh {
        #[serde(flatten)]
        who: Who,
    },
    /// kubectl's `ExecCredential` (`credential kubectl`), answered whole in `text`.
    Kubectl {
        #[serde(flatten)]
        who: Who,
        #[serde(default)]
        exec_info: Option<String>,
    },
    /// git's credential-helper answer to `input` (`credential git … get`), whole in `text`.
    Git {
        #[serde(flatten)]
        who: Who,
        input: String,
    },
    /// The headers a request to a resource needs (`headers`), answered whole in `text`.
    Headers {
        #[serde(flatten)]
        who: Who,
        method: String,
        url: String,
    },
    /// Another process changed tokens or providers.
    Changed {
        #[serde(default)]
        provider: Option<oauth_desk_core::provider::Slot>,
    },
    /// What older CLIs send for a change.
    Rearm,
}

impl Request {
    pub fn token(reference: &ProviderRef) -> Request {
        Request::Token {
            who: Who::of(reference),
        }
    }

    pub fn refresh(reference: &ProviderRef) -> Request {
        Request::Refresh {
            who: Who::of(reference),
        }
    }

    pub fn headers(reference: &ProviderRef, method: &str, url: &str) -> Request {
        Request::Headers {
            who: Who::of(reference),
            method: method.to_owned(),
            url: url.to_owned(),
        }
    }
}

/// A fresh access token as the agent hands it over: the value stays a [`Secret`] (redacted in
/// `Debug`, serialized only on the wire to the owner's process).
#[derive(Debug, Default, Serialize, Deserialize)]
pub(crate) struct Response {
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "oauth_desk_core::secret::vault_serde_opt"
    )]
    pub token: Option<Secret>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_type: Option<String>,
    /// When the access token expires.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<i64>,
    /// The identity whose token it is (absent: the provider's default identity).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<Explained>,
    /// A whole answer for a tool (kubectl's credential, git's lines).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "oauth_desk_core::secret::vault_serde_opt"
    )]
    pub text: Option<Secret>,
    /// What the asker should tell the person (a project provider hiding the config's).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notices: Vec<super::Notice>,
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
    fn answer(result: Result<FreshToken, Explained>, identity: Option<String>) -> Response {
        match result {
            Ok(fresh) => Response {
                token: Some(fresh.token),
                token_type: Some(fresh.token_type),
                expires_at: fresh.expires_at,
                identity,
                error: None,
                text: None,
                notices: Vec::new(),
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
pub(in crate::desk) async fn serve(desk: Arc<Desk>) -> Result<(), AgentError> {
    let path = desk.paths.agent_socket.clone();
    let bind_err = |source| AgentError::Bind {
        path: platform::agent_address(&path),
        source,
    };
    if let Some(dir) = path.parent() {
        Paths::ensure_private_dir(dir).map_err(|e| bind_err(std::io::Error::other(e)))?;
    }
    let mut listener = AgentListener::bind(&path).await.map_err(|e| match e {
        BindError::Running => AgentError::Running(platform::agent_address(&path)),
        BindError::Io(source) => bind_err(source),
    })?;
    desk.serving_agent
        .store(true, std::sync::atomic::Ordering::SeqCst);
    tracing::info!("agent listening on {}", platform::agent_address(&path));
    loop {
        let stream = match listener.accept().await {
            Ok(stream) => stream,
            Err(e) => {
                // Out of descriptors, say: wait rather than spin.
                tracing::debug!("agent: accept failed: {e}");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let desk = desk.clone();
        tokio::spawn(async move {
            if let Err(e) = answer(stream, &desk).await {
                tracing::debug!("agent connection: {e}");
            }
        });
    }
}

/// The reference an ask is for, resolved in the asker's workspace; what to tell the asker's
/// person about the name goes to `notices`.
fn resolve(
    desk: &Desk,
    who: Who,
    notices: &mut Vec<super::Notice>,
) -> Result<ProviderRef, Explained> {
    if let Some(reference) = who.reference {
        return Ok(reference);
    }
    let env = who.env.map(|e| e.parse()).transpose().map_err(
        |e: oauth_desk_core::provider::ProviderError| Explained::from(&super::DeskError::from(e)),
    )?;
    let workspace = Workspace {
        project: who.project,
        env,
        ..Workspace::default()
    };
    let (reference, notice) = desk
        .reference_noting(&workspace, &who.provider)
        .map_err(|e| Explained::from(&e))?;
    notices.extend(notice);
    Ok(reference)
}

async fn answer(stream: AgentStream, desk: &Desk) -> std::io::Result<()> {
    let (read, mut write) = tokio::io::split(stream);
    let mut line = String::new();
    BufReader::new(read).take_line(&mut line).await?;
    let identity = |r: &ProviderRef| r.identity.as_ref().map(ToString::to_string);
    let mut notices = Vec::new();
    let mut response = match serde_json::from_str::<Request>(&line) {
        Ok(Request::Token { who }) => match resolve(desk, who, &mut notices) {
            Ok(r) => Response::answer(
                desk.fresh_token_here(&r).await.map_err(Into::into),
                identity(&r),
            ),
            Err(e) => Response::answer(Err(e), None),
        },
        Ok(Request::Refresh { who }) => match resolve(desk, who, &mut notices) {
            Ok(r) => Response::answer(
                desk.refresh(&r, true)
                    .await
                    .map(FreshToken::from)
                    .map_err(Into::into),
                identity(&r),
            ),
            Err(e) => Response::answer(Err(e), None),
        },
        Ok(Request::Kubectl { who, exec_info }) => {
            Response::text(match resolve(desk, who, &mut notices) {
                Ok(r) => desk
                    .kube_credential(&r, exec_info.as_deref())
                    .await
                    .map_err(Into::into),
                Err(e) => Err(e),
            })
        }
        Ok(Request::Git { who, input }) => Response::text(match resolve(desk, who, &mut notices) {
            Ok(r) => desk
                .git_credential(&r, &super::handover::GitRequest::parse(&input))
                .await
                .map_err(Into::into),
            Err(e) => Err(e),
        }),
        Ok(Request::Headers { who, method, url }) => {
            Response::text(match resolve(desk, who, &mut notices) {
                Ok(r) => desk
                    .resource_headers_here(&r, &method, &url)
                    .await
                    .map_err(Into::into),
                Err(e) => Err(e),
            })
        }
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
        Err(e) => Response::answer(
            Err(Explained::new(
                super::advice::ErrorKind::Invalid,
                format!("bad request: {e}"),
            )),
            None,
        ),
    };
    response.notices = notices;
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
    let stream = platform::connect_blocking(socket, answer_timeout()).ok()?;
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
        let stream = platform::connect(socket).await.ok()?;
        let (read, mut write) = tokio::io::split(stream);
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
