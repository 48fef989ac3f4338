//! The `oauth-desk` CLI: parses arguments, makes one engine call (`oauth_desk::Desk`), prints.
//! No protocol or storage rule lives here. Exit codes: 0 ok, 1 error, 2 usage.
//!
//! `args` holds every command and flag, `cmd/` one handler module per group, `host` what the
//! terminal does for a sign-in, `words` the engine's advice in CLI words, `render` the text.

// The process starts at our own `main`, not std's runtime start: kubectl and git run this CLI
// for every operation, and std's start-up parses /proc/self/maps to find the main thread's
// stack guard (about a sixth of the fast path's instructions). What it did that matters here
// is done in `main` below. See "CLI start-up" in the README for the measurements. (The unit
// tests of this binary keep the test harness's own `main`.) A Linux measure: elsewhere std's
// start-up runs (on Windows it sets up the console and the exit code as Windows expects).
#![cfg_attr(all(not(test), target_os = "linux"), no_main)]
#![cfg_attr(test, allow(dead_code))]

mod args;
mod cmd;
mod exec;
mod fast;
mod host;
mod render;
mod words;

use std::io::IsTerminal;

use clap::Parser;
use oauth_desk::{QuickAsk, quick_handover};

use crate::args::{Cli, Command};

/// The process entry (C's `main`; see the note at the top).
#[cfg(all(not(test), target_os = "linux"))]
#[unsafe(no_mangle)]
pub extern "C" fn main(
    _argc: std::ffi::c_int,
    _argv: *const *const std::ffi::c_char,
) -> std::ffi::c_int {
    // As std's start-up does: a write to a closed pipe is an error to handle, not a signal that
    // kills the process mid-way (the agent socket, a `token | head`).
    // SAFETY: setting a signal's disposition to "ignore" before any thread exists.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_IGN);
    }
    // A panic must not unwind into C: report it (the panic hook already printed it) as std's
    // start-up would, with status 101.
    std::ffi::c_int::from(std::panic::catch_unwind(run).unwrap_or(101))
}

/// The process entry on macOS and Windows: std's.
#[cfg(all(not(test), not(target_os = "linux")))]
fn main() -> std::process::ExitCode {
    std::process::ExitCode::from(run())
}

/// The exit status: 0 ok, 1 error, 2 usage (127/126 from `exec`).
fn run() -> u8 {
    // Fast path: `oauth-desk token NAME [--format F]` answered by a running keeper, before the
    // argument parser, the async runtime and the HTTP client exist. Anything else takes the
    // full path.
    if let Some(code) = answer_from_agent() {
        return code;
    }
    run_full()
}

/// Everything but the fast path. Its own frame, never inlined into `run`: the parsed command
/// line and the runtime's futures take tens of KiB of stack, and in `run`'s frame every fast
/// answer would fault those pages in first (nine page faults of ~170, measured with `perf`).
#[inline(never)]
fn run_full() -> u8 {
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
            return 1;
        }
    };
    match runtime.block_on(cmd::run(cli)) {
        Ok(()) => 0,
        Err(f) => {
            eprintln!("error: {}", oauth_desk::printable(&f.message));
            f.code
        }
    }
}

/// What a running keeper can answer whole: `token NAME [--format F]`, `headers NAME --url U
/// [--method M]`, `credential kubectl NAME`, `credential git NAME [get]` — the commands tools
/// call for every operation, read by `fast` (the same commands and flags as clap's).
fn answer_from_agent() -> Option<u8> {
    let all: Vec<String> = std::env::args_os()
        .skip(1)
        .map(|a| a.into_string().ok())
        .collect::<Option<_>>()?;
    let args: Vec<&str> = all.iter().map(String::as_str).collect();
    let fast = fast::read(&args)?;
    let (name, env) = (fast.name, fast.env);
    let answer = match fast.ask {
        fast::Ask::Token { format } => oauth_desk::quick_token(name, format, env),
        fast::Ask::Headers { url, method } => quick_handover(
            name,
            QuickAsk::Headers {
                method: method.to_owned(),
                url: url.to_owned(),
            },
            env,
        ),
        fast::Ask::Kubectl => {
            let exec_info = std::env::var("KUBERNETES_EXEC_INFO").ok();
            quick_handover(name, QuickAsk::Kubectl { exec_info }, env)
        }
        fast::Ask::Git => {
            let mut input = String::new();
            std::io::Read::read_to_string(&mut std::io::stdin(), &mut input).ok()?;
            let answer = quick_handover(
                name,
                QuickAsk::Git {
                    input: input.clone(),
                },
                env,
            );
            if answer.is_none() {
                // No keeper: the full path reads git's request again, so hand it over.
                if let Ok(mut pending) = PENDING_STDIN.lock() {
                    *pending = Some(input);
                }
            }
            answer
        }
    };
    // git's answer is its key=value lines as they are; the others end with a newline.
    let newline = fast.ask != fast::Ask::Git;
    let answer = answer?;
    for notice in oauth_desk::take_quick_notices() {
        eprintln!("{}", words::notice(&notice));
    }
    Some(match answer {
        Ok(text) if newline => {
            render::out_line(text.expose());
            0
        }
        Ok(text) => {
            render::out(text.expose());
            0
        }
        Err(e) => {
            let failure = cmd::Failure::explained(&e, Some(name));
            eprintln!("error: {}", oauth_desk::printable(&failure.message));
            failure.code
        }
    })
}

/// git's request, when the fast path read it but no keeper answered: the full path uses it.
pub static PENDING_STDIN: std::sync::Mutex<Option<String>> = std::sync::Mutex::new(None);

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
