//! Processes on Windows: there is no `exec`, so the command runs as our child with the same
//! console and we exit with its status; a keeper stops on Ctrl-C, Ctrl-Break, or the console
//! closing or the system shutting down.

use std::process::Command;

use windows_sys::Win32::System::Console::SetConsoleCtrlHandler;

/// Runs `command` to its end and exits with its status; returns only the error that kept it
/// from starting. Ctrl-C reaches every process of the console: the child decides what it
/// means, and we stay to report its status rather than die first.
pub fn exec(mut command: Command) -> std::io::Error {
    // SAFETY: with no handler routine, TRUE makes this process ignore Ctrl-C.
    unsafe { SetConsoleCtrlHandler(None, 1) };
    match command.status() {
        Ok(status) => std::process::exit(status.code().unwrap_or(1)),
        Err(e) => {
            // SAFETY: restores the default handling.
            unsafe { SetConsoleCtrlHandler(None, 0) };
            e
        }
    }
}

/// Resolves when the user or the system asks this process to stop.
pub async fn stop_requested() -> std::io::Result<()> {
    use tokio::signal::windows::{ctrl_break, ctrl_close, ctrl_shutdown};
    let mut ctrl_break = ctrl_break()?;
    let mut close = ctrl_close()?;
    let mut shutdown = ctrl_shutdown()?;
    tokio::select! {
        result = tokio::signal::ctrl_c() => result,
        _ = ctrl_break.recv() => Ok(()),
        _ = close.recv() => Ok(()),
        _ = shutdown.recv() => Ok(()),
    }
}
