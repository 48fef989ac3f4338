//! `exec NAME -- CMD`: the command runs with a fresh access token in one variable and none of
//! our secrets in its environment (which variables those are is the engine's word:
//! `oauth_desk::without_our_secrets`). On Unix it replaces this process (its stdin, stdout,
//! signals and exit status are its own); Windows has no `exec`, so it runs as our child with the
//! same console and we exit with its status.

use std::process::Command;

use oauth_desk::Secret;

/// Runs `program` with `args` and `token` in `$var`; returns only the error that kept it from
/// starting.
pub fn with_token(program: &str, args: &[String], var: &str, token: &Secret) -> std::io::Error {
    let mut command = Command::new(program);
    command.args(args).env(var, token.expose());
    replace_this_process(oauth_desk::without_our_secrets(command))
}

#[cfg(unix)]
fn replace_this_process(mut command: Command) -> std::io::Error {
    use std::os::unix::process::CommandExt;
    command.exec()
}

/// Ctrl-C reaches every process of the console: the child decides what it means, and we stay
/// to report its status rather than die first.
#[cfg(windows)]
fn replace_this_process(mut command: Command) -> std::io::Error {
    use windows_sys::Win32::System::Console::SetConsoleCtrlHandler;
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
