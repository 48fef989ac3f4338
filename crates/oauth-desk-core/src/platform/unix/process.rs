//! Processes on Linux and macOS: `exec` replaces this process; a keeper stops on Ctrl-C or
//! SIGTERM.

use std::process::Command;

/// Runs `command` in place of this process (its stdin, stdout, signals and exit status are its
/// own); returns only the error that kept it from starting.
pub fn exec(mut command: Command) -> std::io::Error {
    use std::os::unix::process::CommandExt;
    command.exec()
}

/// Resolves when the user or the system asks this process to stop (Ctrl-C, SIGTERM).
pub async fn stop_requested() -> std::io::Result<()> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut term = signal(SignalKind::terminate())?;
    tokio::select! {
        result = tokio::signal::ctrl_c() => result,
        _ = term.recv() => Ok(()),
    }
}
