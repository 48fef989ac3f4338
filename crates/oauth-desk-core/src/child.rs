//! Starting other programs — the browser, `exec`'s command — never with a secret of ours in
//! their environment: a child inherits everything, and a passphrase in `env` or in a browser's
//! crash report is a passphrase handed out.

use std::process::Command;
use std::sync::RwLock;

/// The variables of ours that carry a secret (the vault's passphrase).
pub const SECRET_VARIABLES: &[&str] = &[crate::store::vault::PASSPHRASE_ENV];

/// Variables a front end set for its own process (the app's web view painting): a browser or a
/// command we start gets the environment the user started us with, not our settings.
static OWN_SETTINGS: RwLock<Vec<&'static str>> = RwLock::new(Vec::new());

/// Says that `name` was set by this process for itself and is not to reach the programs it
/// starts.
pub fn keep_from_children(name: &'static str) {
    let mut own = OWN_SETTINGS.write().unwrap_or_else(|e| e.into_inner());
    if !own.contains(&name) {
        own.push(name);
    }
}

/// Variables a project file reads secrets from (`{ env = "VAR" }`): their values are the
/// project's secrets, so no program we start sees them.
static PROJECT_SECRETS: RwLock<Vec<String>> = RwLock::new(Vec::new());

/// Says that the variable `name` holds a secret a project reads: it is not to reach the
/// programs this process starts.
pub fn keep_secret_from_children(name: &str) {
    let mut names = PROJECT_SECRETS.write().unwrap_or_else(|e| e.into_inner());
    if !names.iter().any(|n| n == name) {
        names.push(name.to_owned());
    }
}

/// `command` without our secret-bearing variables, a project's and our own settings.
pub fn scrubbed(mut command: Command) -> Command {
    for name in SECRET_VARIABLES {
        command.env_remove(name);
    }
    for name in OWN_SETTINGS
        .read()
        .unwrap_or_else(|e| e.into_inner())
        .iter()
    {
        command.env_remove(name);
    }
    for name in PROJECT_SECRETS
        .read()
        .unwrap_or_else(|e| e.into_inner())
        .iter()
    {
        command.env_remove(name);
    }
    command
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

    #[test]
    fn a_child_gets_no_variable_a_project_reads_a_secret_from() {
        const VAR: &str = "OAUTH_DESK_TEST_PROJECT_SECRET";
        keep_secret_from_children(VAR);
        let command = scrubbed(Command::new("env"));
        assert!(
            command.get_envs().any(|(k, v)| k == VAR && v.is_none()),
            "a project's secret variable is removed from every child"
        );
    }

    #[test]
    fn a_child_gets_the_environment_the_user_gave_us() {
        const OWN: &str = "OAUTH_DESK_TEST_OWN_SETTING";
        keep_from_children(OWN);
        keep_from_children(OWN);
        let command = scrubbed(Command::new("env"));
        let removed: Vec<_> = command
            .get_envs()
            .filter(|(k, v)| *k == OWN && v.is_none())
            .collect();
        assert_eq!(removed.len(), 1, "our own setting is removed once");
        // (Other tests of this process may have named a project's secret variable.)
        let project_secrets = PROJECT_SECRETS
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        let only_ours = command.get_envs().all(|(k, _)| {
            k == OWN
                || SECRET_VARIABLES.iter().any(|s| k == *s)
                || project_secrets.iter().any(|s| k == s.as_str())
        });
        assert!(only_ours, "nothing of the user's is removed");
    }
}
