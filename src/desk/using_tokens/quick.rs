//! The CLI's fast path, before any runtime exists: a running keeper answers `token`,
//! `credential kubectl` and `credential git` whole, over its agent socket. Each returns `None`
//! when no keeper answers (then take the full path).

use std::sync::Mutex;

use super::Notice;
use super::advice::Explained;
use super::agent;
use super::copy::{TokenFormat, format_token};
use crate::store::paths::Paths;
use oauth_desk_core::secret::Secret;

/// What the last fast answer said to tell the person (see [`take_quick_notices`]).
static NOTICES: Mutex<Vec<Notice>> = Mutex::new(Vec::new());

/// What the keeper said to tell the person with its last fast answer, once.
pub fn take_quick_notices() -> Vec<Notice> {
    NOTICES
        .lock()
        .map(|mut n| std::mem::take(&mut *n))
        .unwrap_or_default()
}

fn keep_notices(answer: &mut agent::Response) {
    if let Ok(mut kept) = NOTICES.lock() {
        kept.append(&mut answer.notices);
    }
}

/// The CLI's fast path: `oauth-desk token NAME` answered by a running keeper before anything
/// else (async runtime, HTTP client, argument parser) is set up. `None` when no keeper answers
/// (then take the full path).
/// `env` is the environment the command asked for (`--env`), else `$OAUTH_DESK_ENV`'s.
pub fn quick_token(
    name: &str,
    format: TokenFormat,
    env: Option<&str>,
) -> Option<Result<Secret, Explained>> {
    let paths = Paths::from_env().ok()?;
    let request = agent::Request::Token {
        who: agent::Who::typed_here(name, env),
    };
    let mut answer = agent::ask_blocking(&paths.agent_socket, &request)?;
    keep_notices(&mut answer);
    Some(answer.into_result().map(|fresh| {
        format_token(
            name,
            oauth_desk_core::token::TokenKind::Access,
            &fresh,
            format,
        )
    }))
}

/// What a tool asks the CLI's fast path for.
#[derive(Debug)]
pub enum QuickAsk {
    /// kubectl's `ExecCredential`, with `$KUBERNETES_EXEC_INFO`.
    Kubectl { exec_info: Option<String> },
    /// git's credential `get`, with git's request lines.
    Git { input: String },
    /// `headers NAME --url URL [--method M]`: the request's headers.
    Headers { method: String, url: String },
}

/// [`quick_token`] for kubectl and git: the whole answer from a running keeper, the same the
/// engine gives without one ([`Desk::kube_credential`], [`Desk::git_credential`]).
pub fn quick_handover(
    name: &str,
    ask: QuickAsk,
    env: Option<&str>,
) -> Option<Result<Secret, Explained>> {
    let paths = Paths::from_env().ok()?;
    let who = agent::Who::typed_here(name, env);
    let request = match ask {
        QuickAsk::Kubectl { exec_info } => agent::Request::Kubectl { who, exec_info },
        QuickAsk::Git { input } => agent::Request::Git { who, input },
        QuickAsk::Headers { method, url } => agent::Request::Headers { who, method, url },
    };
    let mut answer = agent::ask_blocking(&paths.agent_socket, &request)?;
    keep_notices(&mut answer);
    Some(answer.into_text())
}
