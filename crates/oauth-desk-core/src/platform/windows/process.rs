//! Processes on Windows: a keeper stops on Ctrl-C, Ctrl-Break, or the console closing or the
//! system shutting down. (`exec` is the CLI's.)

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
