//! Tokens where they are used: `exec`, `credential kubectl`, `credential git`.

use std::io::Read;

use oauth_desk::{Desk, GitRequest, TokenFormat, TokenKind};

use super::{Failure, failure};
use crate::args::CredentialCommand;

/// Runs `command` with a fresh access token in `$env`, replacing this process (so stdin,
/// stdout, stderr, signals and the exit status are the command's own). Nothing is started when
/// there is no token to give it.
pub async fn exec(desk: &Desk, name: &str, env: &str, command: &[String]) -> Result<(), Failure> {
    let token = desk
        .token_text(name, TokenKind::Access, TokenFormat::Raw)
        .await?;
    let (program, args) = command
        .split_first()
        .ok_or_else(|| failure("no command to run"))?;
    use std::os::unix::process::CommandExt;
    let error = std::process::Command::new(program)
        .args(args)
        .env(env, token.expose())
        .exec();
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
        CredentialCommand::Kubectl { name } => {
            let info = std::env::var("KUBERNETES_EXEC_INFO").ok();
            let credential = desk.kube_credential(&name, info.as_deref()).await?;
            println!("{}", credential.expose());
            Ok(())
        }
        CredentialCommand::Git { name, action } => {
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
            let answer = desk
                .git_credential(&name, &GitRequest::parse(&input))
                .await?;
            print!("{}", answer.expose());
            Ok(())
        }
    }
}
