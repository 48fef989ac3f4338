//! The vault against a real Secret Service: `gnome-keyring-daemon` in its own D-Bus session
//! (`dbus-run-session`), one session per "boot". When the tools are missing the tests skip,
//! unless `OAUTH_DESK_REQUIRE_KEYRING=1` (set by the README's test command) makes that a failure.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::harness::{Home, Op, Run, finish};

fn available() -> bool {
    let found = |tool: &str| {
        Command::new("sh")
            .args(["-c", &format!("command -v {tool}")])
            .stdout(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    let ok = found("dbus-run-session") && found("gnome-keyring-daemon");
    if !ok {
        assert!(
            std::env::var("OAUTH_DESK_REQUIRE_KEYRING").as_deref() != Ok("1"),
            "OAUTH_DESK_REQUIRE_KEYRING=1 but dbus-run-session or gnome-keyring-daemon is missing"
        );
        eprintln!(
            "skipped: no dbus-run-session / gnome-keyring-daemon (install dbus and gnome-keyring)"
        );
    }
    ok
}

/// A user's keyring storage (`~/.local/share/keyrings`), kept across sessions like a disk.
struct KeyringDisk {
    dir: tempfile::TempDir,
}

impl KeyringDisk {
    fn new() -> KeyringDisk {
        KeyringDisk {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn runtime_dir(&self) -> PathBuf {
        let run = self.dir.path().join("run");
        std::fs::create_dir_all(&run).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&run, std::fs::Permissions::from_mode(0o700)).unwrap();
        }
        run
    }

    /// Runs `script` (bash, with `$OD` = the CLI) in a new D-Bus session with an unlocked
    /// gnome-keyring: one "boot" of the user's desktop.
    fn boot(&self, home: &Home, script: &str) -> Run {
        let child = Command::new("dbus-run-session")
            .args(["--", "bash", "-c"])
            .arg(format!(
                "echo -n 'login password' | gnome-keyring-daemon --unlock --components=secrets >/dev/null || exit 97; {script}"
            ))
            .env("OD", env!("CARGO_BIN_EXE_oauth-desk"))
            .env("HOME", self.dir.path())
            .env("XDG_DATA_HOME", self.dir.path().join("data"))
            .env("XDG_RUNTIME_DIR", self.runtime_dir())
            .env_remove("OAUTH_DESK_PASSPHRASE")
            .envs(home.env.iter().filter(|(k, _)| k != "OAUTH_DESK_PASSPHRASE").map(|(k, v)| (k, v)))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("dbus-run-session starts");
        let mut run = finish(child, Duration::from_secs(120));
        // dbus-daemon's harmless "Failed to set fd limit" line is not ours.
        run.stderr = run
            .stderr
            .lines()
            .filter(|l| !l.starts_with("dbus-daemon["))
            .collect::<Vec<_>>()
            .join("\n");
        run
    }
}

fn vault_kind(home: &Path) -> u8 {
    std::fs::read(home.join("vault.bin")).expect("a vault was written")[5]
}

#[test]
fn the_vault_key_lives_in_the_keyring_and_survives_a_new_session() {
    if !available() {
        return;
    }
    let op = Op::start_with(&[("OP_ACCESS_TTL", "3")]);
    let home = Home::new();
    let disk = KeyringDisk::new();
    let first = disk.boot(&home, &format!(
        "printf post-secret-0123456789 | \"$OD\" provider add p --issuer {} --client-id post-app --client-secret-stdin \
           --auth-method post --scope 'openid offline_access' --param prompt=consent >/dev/null && \"$OD\" login p && \"$OD\" token p",
        op.issuer
    )).ok();
    assert_eq!(
        vault_kind(home.path()),
        1,
        "without a passphrase the vault is keyed from the keyring"
    );
    let vault = home.read("vault.bin");
    assert!(
        !vault.windows(10).any(|w| w == b"post-secre"),
        "the vault is encrypted"
    );

    // "Reboot": a new session, the same keyring storage. The access token expired meanwhile,
    // so `token` refreshes transparently.
    std::thread::sleep(Duration::from_secs(3));
    let second = disk
        .boot(&home, "\"$OD\" token p && \"$OD\" show p --json")
        .ok();
    let token_before = first.stdout.lines().last().unwrap();
    let token_after = second.stdout.lines().next().unwrap();
    assert_ne!(
        token_before, token_after,
        "the expired token was refreshed in the new session"
    );
    assert!(second.stdout.contains("\"signed_in\""));
}

#[test]
fn a_keyring_without_the_vault_key_is_explained() {
    if !available() {
        return;
    }
    let home = Home::new();
    KeyringDisk::new()
        .boot(&home, "printf s3cret | \"$OD\" provider add x --token-url https://a.example/t --client-id c --client-secret-stdin >/dev/null")
        .ok();
    // Another machine, or a reset keyring: the key is gone.
    KeyringDisk::new()
        .boot(&home, "\"$OD\" token x")
        .fails(1, "is not in the OS keyring");
}

#[test]
fn no_secret_service_is_a_clear_error_naming_the_fixes() {
    if !available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("session.conf");
    std::fs::write(&config, r#"<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig><type>session</type><listen>unix:tmpdir=/tmp</listen>
<policy context="default"><allow send_destination="*" eavesdrop="true"/><allow eavesdrop="true"/><allow own="*"/></policy>
</busconfig>"#).unwrap();
    let home = Home::new();
    let mut cmd = Command::new("dbus-run-session");
    cmd.arg(format!("--config-file={}", config.display()))
        .args([
            "--",
            env!("CARGO_BIN_EXE_oauth-desk"),
            "provider",
            "add",
            "x",
            "--token-url",
            "https://a.example/t",
            "--client-id",
            "c",
            "--client-secret-stdin",
        ])
        .env_remove("OAUTH_DESK_PASSPHRASE")
        .envs(
            home.env
                .iter()
                .filter(|(k, _)| k != "OAUTH_DESK_PASSPHRASE")
                .map(|(k, v)| (k, v)),
        )
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(b"s3cret").unwrap();
    let mut run = finish(child, Duration::from_secs(60));
    run.stderr = run
        .stderr
        .lines()
        .filter(|l| !l.starts_with("dbus-daemon["))
        .collect::<Vec<_>>()
        .join("\n");
    let run = run.fails(1, "no OS keyring is reachable");
    assert!(
        run.stderr.contains("OAUTH_DESK_PASSPHRASE"),
        "the alternative is named"
    );
    assert!(
        !home.path().join("vault.bin").exists(),
        "no vault without a key"
    );
    assert!(
        !home.path().join("config.toml").exists(),
        "nothing half-saved"
    );
}

#[test]
fn no_dbus_at_all_is_the_same_clear_error() {
    let mut home = Home::new();
    home.unset("OAUTH_DESK_PASSPHRASE");
    home.set("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus");
    home.run_with_stdin(
        &[
            "provider",
            "add",
            "x",
            "--token-url",
            "https://a.example/t",
            "--client-id",
            "c",
            "--client-secret-stdin",
        ],
        "s3cret",
    )
    .fails(1, "OAUTH_DESK_PASSPHRASE");
}
