//! Tokens where they are used: `exec`, `credential kubectl`, `credential git`.

use std::io::Read;

use oauth_desk::{CallRequest, Desk, GitRequest, TokenFormat, TokenKind};

use super::{Failure, failure};
use crate::args::{CallArgs, CredentialCommand};

/// Runs `command` with a fresh access token in `$env`, replacing this process (so stdin,
/// stdout, stderr, signals and the exit status are the command's own). Nothing is started when
/// there is no token to give it.
pub async fn exec(desk: &Desk, name: &str, env: &str, command: &[String]) -> Result<(), Failure> {
    let reference = desk.reference(name)?;
    let token = desk
        .token_text(&reference, TokenKind::Access, TokenFormat::Raw)
        .await?;
    let (program, args) = command
        .split_first()
        .ok_or_else(|| failure("no command to run"))?;
    let error = crate::exec::with_token(program, args, env, &token);
    // exec returns only when the command could not be started: exit as a shell would.
    Err(Failure {
        code: if error.kind() == std::io::ErrorKind::NotFound {
            127
        } else {
            126
        },
        message: format!("could not run {program}: {error}"),
    })
}

pub async fn credential(desk: &Desk, cmd: CredentialCommand) -> Result<(), Failure> {
    match cmd {
        CredentialCommand::Kubectl { name, .. } => {
            let info = std::env::var("KUBERNETES_EXEC_INFO").ok();
            let reference = desk.reference(&name)?;
            let credential = desk.kube_credential(&reference, info.as_deref()).await?;
            crate::render::out_line(credential.expose());
            Ok(())
        }
        CredentialCommand::Git { name, action, .. } => {
            let pending = crate::PENDING_STDIN.lock().ok().and_then(|mut p| p.take());
            let input = match pending {
                Some(input) => input,
                None => {
                    let mut input = String::new();
                    std::io::stdin()
                        .read_to_string(&mut input)
                        .map_err(|e| failure(format!("could not read git's request: {e}")))?;
                    input
                }
            };
            if action != "get" {
                // The token is the engine's to keep and renew; there is nothing to store or erase.
                return Ok(());
            }
            let reference = desk.reference(&name)?;
            let answer = desk
                .git_credential(&reference, &GitRequest::parse(&input))
                .await?;
            crate::render::out(answer.expose());
            Ok(())
        }
    }
}

/// `headers NAME --url URL [--method M]`: the request's headers, one per line.
pub async fn headers(desk: &Desk, name: &str, url: &str, method: &str) -> Result<(), Failure> {
    let reference = desk.reference(name)?;
    let lines = desk.resource_headers(&reference, method, url).await?;
    crate::render::out_line(lines.expose());
    Ok(())
}

/// `call NAME URL`: the response body on stdout (`--json`: status, headers, body), a challenge
/// explained on stderr with the sign-in that satisfies it; exit 0 for 2xx.
pub async fn call(desk: &Desk, args: CallArgs) -> Result<(), Failure> {
    let name = args.name.as_str();
    let body = match args.data.clone() {
        Some(data) => Some(oauth_desk::Secret::new(match data.strip_prefix('@') {
            Some(path) => std::fs::read_to_string(path)
                .map_err(|e| failure(format!("could not read the body file {path}: {e}")))?,
            None => data,
        })),
        None => None,
    };
    let reference = desk.reference(name)?;
    let result = desk
        .call(
            &reference,
            CallRequest {
                max_body: args.max_bytes,
                method: args.method.clone(),
                url: args.url.clone(),
                headers: args.headers.clone(),
                body,
            },
        )
        .await?;
    if args.json {
        crate::render::out_line(&crate::render::call_json(&result));
    } else {
        let body = result.pretty_body.as_deref().unwrap_or(&result.body);
        crate::render::out(body);
        if !body.is_empty() && !body.ends_with('\n') {
            println!();
        }
    }
    if result.truncated {
        eprintln!(
            "(the answer was cut after {} bytes: --max-bytes reads more)",
            result.body.len()
        );
    }
    if let Some(challenge) = &result.challenge {
        eprintln!(
            "{}",
            oauth_desk::printable_text(&crate::words::challenge(challenge, name))
        );
    }
    if result.is_success() {
        Ok(())
    } else {
        Err(Failure {
            code: 1,
            message: format!("the resource answered HTTP {}", result.status),
        })
    }
}
