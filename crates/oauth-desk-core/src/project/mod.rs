//! Project files: `oauth-desk.toml`, committed next to the code, defining providers and
//! environments and never a secret. Found from the working directory upward (stopping at the
//! home directory), or named with `--project` / `OAUTH_DESK_PROJECT`.
//!
//! ```toml
//! [env.dev]
//! issuer = "http://127.0.0.1:9100"
//! [env.stage]
//! issuer = "https://login.stage.example.com"
//!
//! [provider.api]
//! issuer = "${issuer}"
//! client_id = "public-app"
//! params = { prompt = "consent" }
//! client_secret = { secret = "api-secret" }   # or { env = "VAR" }
//! ```
//!
//! The file is read strictly ([`schema`]); each provider is resolved in one environment, its
//! `${VAR}`s from that environment's table ([`vars`]). What a person chose for a project — its
//! current environment, identities added on this machine — is kept in the data directory
//! ([`state`]), never in the file.

pub mod file_ref;
pub mod schema;
pub mod state;
pub mod trust;
pub mod vars;

use std::path::{Path, PathBuf};

use indexmap::IndexMap;
use toml::{Spanned, Value};

use crate::lines::line_of;
use crate::provider::{EnvName, ProviderName, project_id};
pub use schema::{ProjectProvider, SecretRef, SecretRefs, SecretSource};
use vars::Vars;

/// The file name looked for.
pub const FILE_NAME: &str = "oauth-desk.toml";
pub const PROJECT_ENV: &str = "OAUTH_DESK_PROJECT";
pub const ENV_ENV: &str = "OAUTH_DESK_ENV";
/// The largest project file read (a committed settings file is a few KiB).
const MAX_FILE_BYTES: u64 = 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum ProjectError {
    #[error("could not read the project file {file}: {source}")]
    Read {
        file: String,
        source: std::io::Error,
    },
    #[error("{file}, line {line}: {message}")]
    At {
        file: String,
        line: usize,
        message: String,
    },
    #[error("{file}: {message}")]
    File { file: String, message: String },
    #[error(
        "the project file {file} {problem}: another user could have written it, so it is not read"
    )]
    Unsafe { file: String, problem: String },
    #[error("the project {file} has no environment {env:?} (it defines: {known})")]
    UnknownEnv {
        file: String,
        env: String,
        known: String,
    },
    #[error("no project file here: {FILE_NAME} was not found from this folder upward")]
    NoProject,
}

type Table = IndexMap<String, Spanned<Value>>;

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    env: IndexMap<String, Spanned<Table>>,
    #[serde(default)]
    provider: IndexMap<String, Spanned<Table>>,
}

/// A project file, read and checked.
#[derive(Debug, Clone)]
pub struct Project {
    /// The file, as an absolute path without symbolic links.
    pub file: PathBuf,
    /// See [`project_id`].
    pub id: String,
    text: String,
    envs: IndexMap<EnvName, Vars>,
    providers: IndexMap<ProviderName, Spanned<Table>>,
}

impl Project {
    /// Reads `file` (made absolute), refusing a file another user owns or may write.
    pub fn load(file: &Path) -> Result<Project, ProjectError> {
        let shown = file.display().to_string();
        let read = |source| ProjectError::Read {
            file: shown.clone(),
            source,
        };
        let file = std::fs::canonicalize(file).map_err(read)?;
        let meta = std::fs::metadata(&file).map_err(read)?;
        check_owner(&file, &meta)?;
        if meta.len() > MAX_FILE_BYTES {
            return Err(ProjectError::File {
                file: shown,
                message: format!(
                    "it is {} bytes; a project file is at most 1 MiB",
                    meta.len()
                ),
            });
        }
        let text = std::fs::read_to_string(&file).map_err(read)?;
        Project::parse(file, text)
    }

    /// Reads a project's text (`file` names it in errors and keys).
    pub fn parse(file: PathBuf, text: String) -> Result<Project, ProjectError> {
        let shown = file.display().to_string();
        let at = |offset: usize, message: String| ProjectError::At {
            file: shown.clone(),
            line: line_of(&text, offset),
            message,
        };
        let raw: RawFile = toml::from_str(&text).map_err(|e| match e.span() {
            Some(span) => at(span.start, e.message().trim().to_owned()),
            None => ProjectError::File {
                file: shown.clone(),
                message: e.message().trim().to_owned(),
            },
        })?;
        let mut envs = IndexMap::new();
        for (name, table) in raw.env {
            let env: EnvName = name
                .parse()
                .map_err(|e| at(table.span().start, format!("[env.{name}]: {e}")))?;
            let mut vars = Vars::new();
            for (key, value) in table.into_inner() {
                if !vars::is_var_name(&key) {
                    return Err(at(
                        value.span().start,
                        format!("[env.{env}]: {key:?} is not a variable name"),
                    ));
                }
                let text = match value.get_ref() {
                    Value::String(s) => s.clone(),
                    Value::Integer(i) => i.to_string(),
                    Value::Boolean(b) => b.to_string(),
                    other => {
                        return Err(at(
                            value.span().start,
                            format!(
                                "[env.{env}] {key} must be a string, a number or a boolean, not {}",
                                other.type_str()
                            ),
                        ));
                    }
                };
                if text.contains("${") {
                    return Err(at(
                        value.span().start,
                        format!(
                            "[env.{env}] {key}: variables are not expanded inside variables; write the value out"
                        ),
                    ));
                }
                vars.insert(key, text);
            }
            envs.insert(env, vars);
        }
        let mut providers = IndexMap::new();
        for (name, table) in raw.provider {
            let provider: ProviderName = name
                .parse()
                .map_err(|e| at(table.span().start, format!("[provider.{name}]: {e}")))?;
            providers.insert(provider, table);
        }
        let id = project_id(&file);
        Ok(Project {
            file,
            id,
            text,
            envs,
            providers,
        })
    }

    /// The file's text, as read.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The environments, in the file's order.
    pub fn envs(&self) -> Vec<EnvName> {
        self.envs.keys().cloned().collect()
    }

    /// The environment used when none is chosen: the first the file defines.
    pub fn default_env(&self) -> Option<EnvName> {
        self.envs.keys().next().cloned()
    }

    /// `env` checked against the file's environments; `None` when the file defines none.
    pub fn checked_env(&self, env: Option<&EnvName>) -> Result<Option<EnvName>, ProjectError> {
        match env {
            Some(env) if self.envs.contains_key(env) => Ok(Some(env.clone())),
            Some(env) => Err(ProjectError::UnknownEnv {
                file: self.file.display().to_string(),
                env: env.to_string(),
                known: if self.envs.is_empty() {
                    "none".into()
                } else {
                    self.envs
                        .keys()
                        .map(EnvName::as_str)
                        .collect::<Vec<_>>()
                        .join(", ")
                },
            }),
            None => Ok(self.default_env()),
        }
    }

    pub fn provider_names(&self) -> Vec<ProviderName> {
        self.providers.keys().cloned().collect()
    }

    pub fn has_provider(&self, name: &ProviderName) -> bool {
        self.providers.contains_key(name)
    }

    /// The line of `[provider.NAME]`.
    pub fn provider_line(&self, name: &ProviderName) -> Option<usize> {
        self.providers
            .get(name)
            .map(|t| line_of(&self.text, t.span().start))
    }

    /// Provider `name` resolved in `env` (a checked environment), its `{ file = … }`
    /// references checked on the disk as it is now.
    pub fn provider(
        &self,
        name: &ProviderName,
        env: Option<&EnvName>,
    ) -> Result<Option<ProjectProvider>, ProjectError> {
        let resolved = self.provider_as_written(name, env)?;
        if let Some(resolved) = &resolved {
            self.check_files(name, &resolved.secrets)?;
        }
        Ok(resolved)
    }

    /// Provider `name` resolved in `env` from the file's text alone: what its bytes say,
    /// whatever the disk around it holds (what an allowance is for, see [`trust`]).
    pub fn provider_as_written(
        &self,
        name: &ProviderName,
        env: Option<&EnvName>,
    ) -> Result<Option<ProjectProvider>, ProjectError> {
        let Some(table) = self.providers.get(name) else {
            return Ok(None);
        };
        let empty = Vars::new();
        let vars = env.and_then(|e| self.envs.get(e)).unwrap_or(&empty);
        let line = |offset| line_of(&self.text, offset);
        let mut resolved =
            schema::read_provider(table.get_ref(), env.map(EnvName::as_str), vars, &line).map_err(
                |e| ProjectError::At {
                    file: self.file.display().to_string(),
                    line: line_of(&self.text, e.offset.max(table.span().start)),
                    message: format!("[provider.{name}] {}", e.message),
                },
            )?;
        resolved.spec.name = name.to_string();
        Ok(Some(resolved))
    }

    /// Each `{ file = … }` as the disk has it now: inside the folder, links followed.
    fn check_files(&self, name: &ProviderName, refs: &SecretRefs) -> Result<(), ProjectError> {
        for r in [
            &refs.client_certificate,
            &refs.client_key,
            &refs.private_key,
        ]
        .into_iter()
        .flatten()
        {
            if let SecretSource::File(path) = &r.source
                && let Err(problem) = file_ref::resolve_inside(self.folder(), path)
            {
                return Err(ProjectError::At {
                    file: self.file.display().to_string(),
                    line: r.line,
                    message: format!(
                        "[provider.{name}] {} = {{ file = {:?} }} is refused: {problem}",
                        r.key,
                        path.display()
                    ),
                });
            }
        }
        Ok(())
    }

    /// Every provider resolved in `env`: the file's errors for that environment, first one
    /// first.
    pub fn check(&self, env: Option<&EnvName>) -> Result<(), ProjectError> {
        for name in self.providers.keys() {
            self.provider(name, env)?;
        }
        Ok(())
    }

    /// The folder of the file (relative `file` secrets are read from it).
    pub fn folder(&self) -> &Path {
        self.file.parent().unwrap_or(Path::new("/"))
    }
}

/// What the upward search found: the file, and those it passed over (with why).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Found {
    pub file: Option<PathBuf>,
    pub skipped: Vec<(PathBuf, String)>,
}

/// The project file for `cwd`: `oauth-desk.toml` in it or a parent. The search stops after
/// `home`, before another filesystem, before a folder not the user's and before a drive's
/// root (see [`crate::platform::search_stops_at`]). A file others could have written is passed
/// over (noted), not an error for every command.
pub fn find_from(cwd: &Path, home: Option<&Path>) -> Found {
    let mut found = Found::default();
    let Ok(start) = std::fs::metadata(cwd) else {
        return found;
    };
    for dir in cwd.ancestors() {
        if dir != cwd && crate::platform::search_stops_at(dir, &start).is_some() {
            break;
        }
        let candidate = dir.join(FILE_NAME);
        if let Ok(meta) = std::fs::metadata(&candidate)
            && meta.is_file()
        {
            match crate::platform::shared_file_problem(&meta) {
                None => {
                    found.file = Some(candidate);
                    return found;
                }
                Some(problem) => found.skipped.push((candidate, problem)),
            }
        }
        if home.is_some_and(|h| h == dir) {
            break;
        }
    }
    found
}

/// The project this process works in: `OAUTH_DESK_PROJECT`, else found from the working
/// directory. An empty `OAUTH_DESK_PROJECT` means none.
pub fn from_env() -> Found {
    if let Some(named) = std::env::var_os(PROJECT_ENV) {
        // Absolute: the path may travel to a keeper working in another folder.
        return Found {
            file: (!named.is_empty()).then(|| absolute(&PathBuf::from(named))),
            skipped: Vec::new(),
        };
    }
    let Ok(cwd) = std::env::current_dir() else {
        return Found::default();
    };
    find_from(&cwd, home_dir().as_deref())
}

/// `path` made absolute against the working directory (as it is, when that fails).
pub fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

/// The user's home folder, where the upward search stops: `$HOME`, or on Windows the user
/// profile.
fn home_dir() -> Option<PathBuf> {
    let var = if cfg!(windows) { "USERPROFILE" } else { "HOME" };
    std::env::var_os(var)
        .filter(|h| !h.is_empty())
        .map(PathBuf::from)
}

/// A project file others could have written is not read: it names where tokens are sent.
fn check_owner(file: &Path, meta: &std::fs::Metadata) -> Result<(), ProjectError> {
    match crate::platform::shared_file_problem(meta) {
        Some(problem) => Err(ProjectError::Unsafe {
            file: file.display().to_string(),
            problem,
        }),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests;
