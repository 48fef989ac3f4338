//! The `oauth-desk` CLI: parses arguments, makes one engine call (`oauth_desk::Desk`), prints.
//! No protocol or storage rule lives here. Exit codes: 0 ok, 1 error, 2 usage.
//!
//! `args` holds every command and flag, `cmd/` one handler module per group, `host` what the
//! terminal does for a sign-in, `words` the engine's advice in CLI words, `render` the text.

mod args;
mod cmd;
mod host;
mod render;
mod words;

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;
use oauth_desk::TokenFormat;

use crate::args::{Cli, Command};

fn main() -> ExitCode {
    // Fast path: `oauth-desk token NAME [--format F]` answered by a running keeper, before the
    // argument parser, the async runtime and the HTTP client exist. Anything else takes the
    // full path.
    if let Some(code) = token_from_agent() {
        return code;
    }
    let cli = Cli::parse();
    // The keeper logs each refresh at info level; other commands stay quiet unless asked.
    let keeper = matches!(cli.command, Command::Keeper);
    init_logging(cli.verbose.max(u8::from(keeper)));
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: could not start the async runtime: {e}");
            return ExitCode::from(1);
        }
    };
    match runtime.block_on(cmd::run(cli.command)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            eprintln!("error: {}", f.message);
            ExitCode::from(f.code)
        }
    }
}

/// `token NAME` or `token NAME --format F`, when a keeper answers.
fn token_from_agent() -> Option<ExitCode> {
    let args: Vec<String> = std::env::args_os()
        .skip(1)
        .map(|a| a.into_string().ok())
        .collect::<Option<_>>()?;
    let (name, format) = match args.as_slice() {
        [command, name] if command == "token" => (name, TokenFormat::Raw),
        [command, name, flag, format] if command == "token" && flag == "--format" => {
            (name, format.parse().ok()?)
        }
        [command, name, flag] if command == "token" => {
            (name, flag.strip_prefix("--format=")?.parse().ok()?)
        }
        _ => return None,
    };
    if name.starts_with('-') {
        return None;
    }
    Some(match oauth_desk::quick_token(name, format)? {
        Ok(text) => {
            println!("{}", text.expose());
            ExitCode::SUCCESS
        }
        Err(e) => {
            let failure = cmd::Failure::explained(&e, Some(name));
            eprintln!("error: {}", failure.message);
            ExitCode::from(failure.code)
        }
    })
}

fn init_logging(verbose: u8) {
    let default = match verbose {
        0 => "warn",
        1 => "info",
        _ => "debug",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("OAUTH_DESK_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(format!("oauth_desk={default}")));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .with_target(false)
        .init();
}
