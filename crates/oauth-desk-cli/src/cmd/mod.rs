//! The command handlers, one module per group. Each parses what clap left, makes one engine
//! call, and prints.

pub mod handover;
pub mod inspect;
pub mod keeper;
pub mod lab;
pub mod provider;
pub mod signin;
pub mod tokens;
pub mod workspace;

use std::io::{IsTerminal, Read};

use oauth_desk::grant::AssertionSource;
use oauth_desk::{Desk, DeskError, ErrorKind, Explained, ProviderRef, Secret, Workspace};

use crate::args::{Cli, Command};
use crate::words;

/// A failure, with the exit code it deserves.
pub struct Failure {
    pub code: u8,
    pub message: String,
}

impl Failure {
    /// An engine failure in the CLI's words; `provider` names the provider in the advice.
    /// The one place an exit code is decided for an engine failure: a provider setting the
    /// engine refused (a bad flag value) is a usage error, 2; everything else 1.
    pub fn explained(e: &Explained, provider: Option<&str>) -> Failure {
        let code = match e.kind {
            ErrorKind::Provider if e.server_error.is_none() => 2,
            _ => 1,
        };
        Failure {
            code,
            message: words::failure(e, provider),
        }
    }
}

/// The provider the running command is about, for the advice's wording.
static PROVIDER: std::sync::OnceLock<String> = std::sync::OnceLock::new();

impl From<DeskError> for Failure {
    fn from(e: DeskError) -> Self {
        Failure::explained(&Explained::from(&e), PROVIDER.get().map(String::as_str))
    }
}

/// `NAME` or `NAME@IDENTITY`, placed in the workspace: the project's provider or the config's.
pub fn at(desk: &Desk, name: &str) -> Result<ProviderRef, Failure> {
    Ok(desk.reference(name)?)
}

pub fn usage(message: impl Into<String>) -> Failure {
    Failure {
        code: 2,
        message: message.into(),
    }
}

pub fn failure(message: impl Into<String>) -> Failure {
    Failure {
        code: 1,
        message: message.into(),
    }
}

/// The workspace of this command: `--project` (which must exist) or the one found, and the
/// environment of `--env` (after the command, or before it) or `$OAUTH_DESK_ENV`.
fn workspace(cli: &Cli) -> Result<Workspace, Failure> {
    let mut workspace = Workspace::from_env()?;
    if let Some(file) = cli.project.as_ref().map(std::path::Path::new) {
        // `--project ""`: no project (the config's providers, a project's namesake hidden).
        if file.as_os_str().is_empty() {
            workspace.project = None;
            workspace.skipped.clear();
        } else if !file.is_file() {
            return Err(usage(format!(
                "the project file {} does not exist",
                file.display()
            )));
        } else {
            workspace.project = Some(oauth_desk::project_path(file));
        }
    }
    if let Some(env) = cli.command.env().or(cli.env.as_deref()) {
        workspace.env = Some(env.parse().map_err(DeskError::from)?);
    }
    Ok(workspace)
}

pub async fn run(cli: Cli) -> Result<(), Failure> {
    let workspace = workspace(&cli)?;
    let env = cli.command.env().or(cli.env.as_deref()).map(str::to_owned);
    let command = cli.command;
    if let Some(name) = command.provider() {
        // The advice names the provider as this command did, its environment included.
        let named = match env {
            Some(env) => format!("{name} --env {env}"),
            None => name.to_owned(),
        };
        let _ = PROVIDER.set(named);
    }
    if let Command::Decode { token, json } = command {
        return inspect::decode(token, json);
    }
    if let Command::Lab(args) = &command
        && args.example
    {
        crate::render::out(oauth_desk::lab::EXAMPLE_PLAN);
        return Ok(());
    }
    let desk = Desk::from_env_in(workspace)?;
    if let Command::Keeper = command {
        tell(&desk);
        return keeper::run(desk).await;
    }
    let result = dispatch(&desk, command).await;
    tell(&desk);
    result
}

/// What the engine wants the person told, on stderr (never mixed into a command's output).
fn tell(desk: &Desk) {
    for notice in desk.take_notices() {
        eprintln!("{}", words::notice(&notice));
    }
}

#[expect(clippy::too_many_lines, reason = "one arm per command")]
async fn dispatch(desk: &Desk, command: Command) -> Result<(), Failure> {
    match command {
        Command::Provider(cmd) => provider::run(desk, cmd).await,
        Command::Login(args) => signin::login(desk, args).await,
        Command::Device {
            name,
            no_browser,
            scope,
            ..
        } => signin::device(desk, &name, no_browser, scope).await,
        Command::ClientCredentials { name, scope, .. } => {
            signin::client_credentials(desk, &name, scope).await
        }
        Command::Token { name, format, .. } => tokens::token(desk, &name, format).await,
        Command::Headers {
            name, url, method, ..
        } => handover::headers(desk, &name, &url, &method).await,
        Command::Call(args) => handover::call(desk, args).await,
        Command::Exec { name, env, command } => handover::exec(desk, &name, &env, &command).await,
        Command::Credential(cmd) => handover::credential(desk, cmd).await,
        Command::Refresh { name, .. } => tokens::refresh(desk, &name).await,
        Command::Logout {
            name,
            end_session: false,
            ..
        } => tokens::logout(desk, &name).await,
        Command::Logout {
            name, no_browser, ..
        } => tokens::end_session(desk, &name, no_browser).await,
        Command::Revoke { name, .. } => tokens::revoke(desk, &name).await,
        Command::Introspect {
            name, refresh, id, ..
        } => tokens::introspect(desk, &name, refresh, id).await,
        Command::Userinfo { name, .. } => inspect::userinfo(desk, &name).await,
        Command::Show {
            name, json, reveal, ..
        } => inspect::show(desk, &name, json, reveal).await,
        Command::Trace {
            name, har, json, ..
        } => inspect::trace(desk, &name, har, json).await,
        Command::Lab(args) => lab::run(desk, args).await,
        Command::Audit {
            name,
            active,
            yes,
            no_browser,
            json,
            junit,
            ..
        } => {
            let probes = active.then_some(crate::host::Terminal {
                no_browser,
                stdout_for_results: true,
                results_as_json: json,
            });
            inspect::audit(desk, &name, probes, yes, json, junit).await
        }
        Command::Exchange(args) => signin::exchange(desk, args).await,
        Command::JwtBearer {
            name,
            assertion_from,
            assertion_stdin,
            subject,
            issuer,
            scope,
            ..
        } => {
            let source = match (assertion_from, assertion_stdin) {
                (Some(other), _) => AssertionSource::IdTokenOf(at(desk, &other)?),
                (None, true) => AssertionSource::Given(Secret::new(read_line_stdin()?)),
                (None, false) => AssertionSource::SelfSigned { subject, issuer },
            };
            signin::jwt_bearer(desk, &name, source, scope).await
        }
        Command::Password {
            name,
            username,
            scope,
            ..
        } => signin::password(desk, &name, &username, scope).await,
        Command::Keeper => unreachable!("handled in run"),
        Command::Identity(cmd) => workspace::identity(desk, cmd).await,
        Command::Env(cmd) => workspace::env(desk, cmd).await,
        Command::Secret(cmd) => workspace::secret(desk, cmd).await,
        Command::Project(cmd) => workspace::project(desk, cmd).await,
        Command::Decode { .. } => unreachable!("handled above"),
    }
}

/// Reads one line from stdin (the pasted redirect URL, a token). EOF is an error.
pub fn read_line_stdin() -> Result<String, Failure> {
    crate::host::read_line().map_err(failure)
}

/// Reads a secret from stdin: the whole input, without the trailing newline.
pub fn read_secret_stdin() -> Result<Secret, Failure> {
    if std::io::stdin().is_terminal() {
        eprintln!("Type or paste the client secret, then press Enter and Ctrl-D:");
    }
    read_secret_stdin_as("the client secret")
}

/// Reads `what` (a secret) from stdin: the whole input, without the trailing newline.
pub fn read_secret_stdin_as(what: &str) -> Result<Secret, Failure> {
    let mut text = zeroize::Zeroizing::new(String::new());
    std::io::stdin()
        .read_to_string(&mut text)
        .map_err(|e| failure(format!("could not read {what} from stdin: {e}")))?;
    let secret = text.trim_end_matches(['\n', '\r']);
    if secret.is_empty() {
        return Err(usage(format!("{what} read from stdin is empty")));
    }
    Ok(Secret::new(secret))
}
