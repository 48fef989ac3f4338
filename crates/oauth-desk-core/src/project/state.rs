//! What a person chose for a project on this machine, kept in the data directory, never in the
//! committed file: the current environment (`env use`), identities added here (`identity add`
//! for a project's provider), and where the file is (so the keeper, which may run elsewhere,
//! can find the providers of the tokens it keeps fresh). One small TOML file per project,
//! `projects/<id>.toml`, written atomically under a lock; and beside it the providers
//! resolved with discovery (`projects/<id>.resolved.json`, no secrets), so `token` does not ask
//! the server for its metadata each time.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::provider::{EnvName, IdentityName, Provider, ProviderName, ProviderSpec};

/// An identity added on this machine.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocalIdentity {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub login_hint: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProjectState {
    /// The project file.
    pub file: PathBuf,
    /// The environment chosen with `env use`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub env: Option<EnvName>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub identities: BTreeMap<ProviderName, BTreeMap<IdentityName, LocalIdentity>>,
}

/// A provider of the file as built from its spec (discovery included), to be reused while the
/// spec it was built from is unchanged.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Resolved {
    pub spec: ProviderSpec,
    /// Which secrets it was built knowing of (the rules depend on them).
    pub held: (bool, bool, bool),
    pub provider: Provider,
}

/// The files of one project in the data directory.
#[derive(Debug, Clone)]
pub struct StateFiles {
    pub state: PathBuf,
    pub resolved: PathBuf,
    pub lock: PathBuf,
}

impl StateFiles {
    pub fn new(data_dir: &Path, locks_dir: &Path, id: &str) -> StateFiles {
        let dir = data_dir.join("projects");
        StateFiles {
            state: dir.join(format!("{id}.toml")),
            resolved: dir.join(format!("{id}.resolved.json")),
            lock: locks_dir.join(format!("project-{id}.lock")),
        }
    }
}

/// The state of a project, or a fresh one for `file`.
pub fn load(files: &StateFiles, file: &Path) -> ProjectState {
    std::fs::read_to_string(&files.state)
        .ok()
        .and_then(|t| toml::from_str::<ProjectState>(&t).ok())
        .unwrap_or_else(|| ProjectState {
            file: file.to_path_buf(),
            ..ProjectState::default()
        })
}

/// The key of a resolved provider: environment and name.
pub fn resolved_key(env: Option<&EnvName>, name: &ProviderName) -> String {
    format!("{}+{name}", env.map_or("", EnvName::as_str))
}

pub fn load_resolved(files: &StateFiles) -> BTreeMap<String, Resolved> {
    std::fs::read(&files.resolved)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default()
}

/// Every project this data directory knows of: id → file.
pub fn known_projects(data_dir: &Path) -> BTreeMap<String, PathBuf> {
    let Ok(entries) = std::fs::read_dir(data_dir.join("projects")) else {
        return BTreeMap::new();
    };
    entries
        .flatten()
        .filter_map(|e| {
            let path = e.path();
            let id = path
                .file_name()?
                .to_str()?
                .strip_suffix(".toml")?
                .to_owned();
            let state: ProjectState = toml::from_str(&std::fs::read_to_string(&path).ok()?).ok()?;
            Some((id, state.file))
        })
        .collect()
}
