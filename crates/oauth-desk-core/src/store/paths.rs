//! Where OAuth Desk keeps its files: the platform's config and data directories
//! (`~/.config/oauth-desk`, `~/.local/share/oauth-desk` on Linux), or one directory named by
//! `OAUTH_DESK_HOME` for both (tests, portable setups, several profiles).

use std::path::{Path, PathBuf};

pub const HOME_ENV: &str = "OAUTH_DESK_HOME";

#[derive(Debug, thiserror::Error)]
pub enum PathsError {
    #[error("no home directory found: set {HOME_ENV} to the directory OAuth Desk should use")]
    NoHome,
    #[error(transparent)]
    Unsafe(#[from] crate::platform::Unsafe),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paths {
    pub config_dir: PathBuf,
    pub data_dir: PathBuf,
    /// Where a running keeper answers (the agent socket): the user's runtime dir for the
    /// platform's directories, inside the home for `OAUTH_DESK_HOME` or a given dir.
    pub agent_socket: PathBuf,
}

impl Paths {
    pub fn from_env() -> Result<Paths, PathsError> {
        if let Some(home) = std::env::var_os(HOME_ENV).filter(|h| !h.is_empty()) {
            return Ok(Paths::in_dir(Path::new(&home)));
        }
        let dirs =
            directories::ProjectDirs::from("", "", "oauth-desk").ok_or(PathsError::NoHome)?;
        let data_dir = dirs.data_dir().to_path_buf();
        let agent_socket = match std::env::var_os("XDG_RUNTIME_DIR") {
            Some(run) if !run.is_empty() => Path::new(&run).join("oauth-desk").join("agent.sock"),
            _ => data_dir.join("agent.sock"),
        };
        Ok(Paths {
            config_dir: dirs.config_dir().to_path_buf(),
            data_dir,
            agent_socket,
        })
    }

    pub fn in_dir(dir: &Path) -> Paths {
        Paths {
            config_dir: dir.to_path_buf(),
            data_dir: dir.to_path_buf(),
            agent_socket: dir.join("agent.sock"),
        }
    }

    pub fn config_file(&self) -> PathBuf {
        self.config_dir.join("config.toml")
    }

    pub fn vault_file(&self) -> PathBuf {
        self.data_dir.join("vault.bin")
    }

    pub fn locks_dir(&self) -> PathBuf {
        self.data_dir.join("locks")
    }

    /// Creates `dir` (and parents) for the user alone (0700 on Unix); an existing one must be
    /// the user's and writable by no one else: it holds the vault and lock files.
    pub fn ensure_private_dir(dir: &Path) -> Result<(), PathsError> {
        Ok(crate::platform::ensure_private_dir(dir)?)
    }
}
