//! Who and where: `identity add | list | remove`, `env list | use`, `secret set | list | remove`.

use std::io::IsTerminal;

use oauth_desk::{Desk, now};

use super::{Failure, at, failure, read_secret_stdin_as, usage};
use crate::args::{EnvCommand, IdentityCommand, ProjectCommand, SecretCommand};
use crate::render;

pub async fn identity(desk: &Desk, cmd: IdentityCommand) -> Result<(), Failure> {
    match cmd {
        IdentityCommand::Add {
            name, login_hint, ..
        } => {
            let added = desk.add_identity(&at(desk, &name)?, login_hint).await?;
            println!(
                "Added the identity {}: sign in with `oauth-desk login {}`.",
                added.reference, added.typed
            );
            Ok(())
        }
        IdentityCommand::List { name, json, .. } => {
            let views = desk.identities(&at(desk, &name)?).await?;
            if json {
                crate::render::out_line(&render::json(&views));
            } else {
                crate::render::out(&render::identities(&views, now()));
            }
            Ok(())
        }
        IdentityCommand::Remove { name, .. } => {
            let reference = at(desk, &name)?;
            desk.remove_identity(&reference).await?;
            println!("Removed the identity {reference} with its tokens.");
            Ok(())
        }
    }
}

pub async fn env(desk: &Desk, cmd: EnvCommand) -> Result<(), Failure> {
    match cmd {
        EnvCommand::List { json } => {
            let view = desk.project_view()?.ok_or_else(no_project)?;
            if json {
                crate::render::out_line(&render::json(&view));
            } else {
                crate::render::out(&render::environments(&view));
            }
            Ok(())
        }
        EnvCommand::Use { env } => {
            let view = desk.use_environment(&env).await?;
            println!(
                "Working in {env} in {} from now on (tokens of other environments are kept for when you switch back).",
                view.file
            );
            Ok(())
        }
    }
}

pub async fn secret(desk: &Desk, cmd: SecretCommand) -> Result<(), Failure> {
    match cmd {
        SecretCommand::Set { name } => {
            if std::io::stdin().is_terminal() {
                eprintln!("Type or paste the secret {name}, then press Enter and Ctrl-D:");
            }
            let value = read_secret_stdin_as(&format!("the secret {name}"))?;
            desk.set_named_secret(&name, value).await?;
            println!("Stored the secret {name} in the vault for this project.");
            Ok(())
        }
        SecretCommand::List { json } => {
            let (set, missing) = desk.named_secrets().await?;
            if json {
                println!(
                    "{}",
                    render::json(&serde_json::json!({"secrets": set, "missing": missing}))
                );
            } else {
                crate::render::out(&render::named_secrets(&set, &missing));
            }
            Ok(())
        }
        SecretCommand::Remove { name } => {
            if desk.remove_named_secret(&name).await? {
                println!("Removed the secret {name}.");
                Ok(())
            } else {
                Err(failure(format!(
                    "no secret named {name} is set for this project"
                )))
            }
        }
    }
}

fn no_project() -> Failure {
    failure(
        "no project file here: oauth-desk.toml was not found from this folder upward (give one with --project FILE)",
    )
}

pub async fn project(desk: &Desk, cmd: ProjectCommand) -> Result<(), Failure> {
    let view = desk.project_trust()?.ok_or_else(no_project)?;
    match cmd {
        ProjectCommand::Status { json } => {
            if json {
                crate::render::out_line(&render::json(&view));
            } else {
                crate::render::out(&render::project_trust(&view));
            }
            Ok(())
        }
        ProjectCommand::Deny => {
            let view = desk.deny_project().await?;
            println!("Denied {}: nothing is sent for it as it is now.", view.file);
            Ok(())
        }
        ProjectCommand::Allow { yes } => {
            if view.state.is_allowed() {
                println!("{} is already allowed as it is.", view.file);
                return Ok(());
            }
            eprint!("{}", render::project_trust(&view));
            if !yes {
                if !std::io::stdin().is_terminal() {
                    return Err(usage(format!(
                        "allowing {} needs a yes: run it on a terminal, or add --yes after looking at what it will do (above)",
                        view.file
                    )));
                }
                eprint!("Allow it? [y/N] ");
                let mut answer = String::new();
                std::io::stdin()
                    .read_line(&mut answer)
                    .map_err(|e| failure(format!("could not read the answer: {e}")))?;
                if !matches!(answer.trim(), "y" | "Y" | "yes" | "Yes") {
                    return Err(failure(format!("{} was not allowed.", view.file)));
                }
            }
            let allowed = desk.allow_project(&view.sha256).await?;
            println!(
                "Allowed {} as it is now (SHA-256 {}).",
                allowed.file,
                &allowed.sha256[..16]
            );
            Ok(())
        }
    }
}
