//! Starting other programs — the browser, `exec`'s command — never with a secret of ours in
//! their environment: a child inherits everything, and a passphrase in `env` or in a browser's
//! crash report is a passphrase handed out.

use std::process::Command;

/// The variables of ours that carry a secret (the vault's passphrase).
pub const SECRET_VARIABLES: &[&str] = &[crate::store::vault::PASSPHRASE_ENV];

/// `command` without our secret-bearing variables.
pub fn scrubbed(mut command: Command) -> Command {
    for name in SECRET_VARIABLES {
        command.env_remove(name);
    }
    command
}

/// Runs `program` with `args`, `token` in the variable `var` and none of our secrets: on Unix
/// it replaces this process (its stdin, stdout, signals and exit status are its own); on
/// Windows it runs as our child and we exit with its status. Returns only the error that kept
/// it from starting.
pub fn exec_with_token(
    program: &str,
    args: &[String],
    var: &str,
    token: &crate::secret::Secret,
) -> std::io::Error {
    let mut command = Command::new(program);
    command.args(args).env(var, token.expose());
    crate::platform::exec(scrubbed(command))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_child_gets_no_passphrase() {
        let mut command = Command::new("env");
        command.env(crate::store::vault::PASSPHRASE_ENV, "hunter2");
        let command = scrubbed(command);
        let removed = command
            .get_envs()
            .any(|(k, v)| k == crate::store::vault::PASSPHRASE_ENV && v.is_none());
        assert!(removed, "the variable is removed, not inherited");
    }
}
