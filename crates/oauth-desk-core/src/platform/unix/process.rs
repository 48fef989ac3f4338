//! Processes on Linux and macOS: a keeper stops on Ctrl-C or SIGTERM. (`exec` is the CLI's.)

/// Resolves when the user or the system asks this process to stop (Ctrl-C, SIGTERM).
pub async fn stop_requested() -> std::io::Result<()> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut term = signal(SignalKind::terminate())?;
    tokio::select! {
        result = tokio::signal::ctrl_c() => result,
        _ = term.recv() => Ok(()),
    }
}
