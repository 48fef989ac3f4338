//! Opening a URL in the user's browser: `$BROWSER` when set (the URL as its one argument, as
//! xdg-open does; a `%s` in it is replaced instead), else the system's default browser.
//!
//! The browser runs detached from our stdout (which may be a token piped into a script); a
//! thread reaps it and logs a failure.

use std::process::{Command, Stdio};

use url::Url;

#[derive(Debug, thiserror::Error)]
pub enum BrowserError {
    #[error("could not start the browser command {command:?}: {reason}")]
    Spawn { command: String, reason: String },
    #[error("could not open the system browser: {0}")]
    System(String),
}

pub const BROWSER_ENV: &str = "BROWSER";

pub fn open(url: &Url) -> Result<(), BrowserError> {
    match std::env::var(BROWSER_ENV) {
        Ok(command) if !command.trim().is_empty() => open_with(&command, url),
        _ => open_system(url.as_str()),
    }
}

/// The system's program for `target` (xdg-open and its fallbacks, `open`, `start`), started
/// without our secrets: the first launcher that does not fail at once.
fn open_system(target: impl AsRef<std::ffi::OsStr>) -> Result<(), BrowserError> {
    let mut last = String::from("no launcher for this system");
    for command in open::commands(target) {
        let mut command = crate::child::scrubbed(command);
        command
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        match command.spawn() {
            Ok(mut child) => {
                // A launcher that is missing its desktop fails at once: try the next.
                std::thread::sleep(std::time::Duration::from_millis(150));
                match child.try_wait() {
                    Ok(Some(status)) if !status.success() => {
                        last = format!("{:?} exited with {status}", command.get_program());
                    }
                    _ => {
                        std::thread::spawn(move || child.wait());
                        return Ok(());
                    }
                }
            }
            Err(e) => last = format!("{:?}: {e}", command.get_program()),
        }
    }
    Err(BrowserError::System(last))
}

/// Opens a local file (the project file) with the program the system has for it.
pub fn open_file(path: &std::path::Path) -> Result<(), BrowserError> {
    open_system(path)
}

/// Runs `command` (a program and optional arguments, split on whitespace) with the URL.
pub fn open_with(command: &str, url: &Url) -> Result<(), BrowserError> {
    let mut words = command.split_whitespace();
    let program = words.next().unwrap_or_default();
    let mut args: Vec<String> = words.map(str::to_owned).collect();
    if let Some(slot) = args.iter_mut().find(|a| a.contains("%s")) {
        *slot = slot.replace("%s", url.as_str());
    } else {
        args.push(url.to_string());
    }
    let mut command = Command::new(program);
    command.args(&args);
    let mut child = crate::child::scrubbed(command)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| BrowserError::Spawn {
            command: program.to_owned(),
            reason: e.to_string(),
        })?;
    let program = program.to_owned();
    std::thread::spawn(move || match child.wait() {
        Ok(status) if !status.success() => {
            tracing::warn!("the browser command {program} exited with {status}")
        }
        Err(e) => tracing::warn!("the browser command {program}: {e}"),
        _ => {}
    });
    Ok(())
}
