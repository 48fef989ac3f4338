//! Trust in a project file, as direnv's `allow` or VS Code's workspace trust: a file that came
//! with a clone does nothing until its user has looked at what it will do and allowed it.
//!
//! What a file will do is its [`Footprint`]: the hosts its providers name (issuer and every
//! endpoint, in every environment), the environment variables and files it reads secrets
//! from, and the named secrets it uses. Allowing records the file's path and the SHA-256 of
//! its bytes — with the footprint seen then, so a later change can be described — in the data
//! directory (`trust.json`), never in the file. Any change to the bytes takes the allowance
//! away until the file is allowed again.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::{Project, SecretSource};
use crate::provider::ProviderSpec;

/// What a project file will do once allowed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Footprint {
    /// Every host (with its port when not the scheme's default) a provider names: issuers
    /// and endpoints, in every environment.
    pub hosts: BTreeSet<String>,
    /// Every URL a provider names, by role ("api: token endpoint http://…"): a change that
    /// moves an endpoint on a host already named is still a change to show.
    #[serde(default)]
    pub endpoints: BTreeSet<String>,
    /// The environment variables secrets are read from (`{ env = "VAR" }`).
    pub env_vars: BTreeSet<String>,
    /// The files secrets are read from (`{ file = "PATH" }`), relative to the file's folder.
    pub files: BTreeSet<String>,
    /// The project's named secrets it uses (`{ secret = "NAME" }`).
    pub secrets: BTreeSet<String>,
    /// Providers that could not be read in some environment (they can't be used there).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<String>,
}

impl Footprint {
    /// What `self` does that `before` did not: the part of a change worth a person's look.
    pub fn added_since(&self, before: &Footprint) -> Footprint {
        let new = |now: &BTreeSet<String>, was: &BTreeSet<String>| -> BTreeSet<String> {
            now.difference(was).cloned().collect()
        };
        Footprint {
            hosts: new(&self.hosts, &before.hosts),
            endpoints: new(&self.endpoints, &before.endpoints),
            env_vars: new(&self.env_vars, &before.env_vars),
            files: new(&self.files, &before.files),
            secrets: new(&self.secrets, &before.secrets),
            problems: Vec::new(),
        }
    }

    /// The same, as shown to a person deciding whether to trust the file: control, bidi and
    /// invisible characters escaped (a file's text must not reorder or hide what it names).
    pub fn printable(&self) -> Footprint {
        let shown = |set: &BTreeSet<String>| -> BTreeSet<String> {
            set.iter()
                .map(|s| crate::printable::printable(s).into_owned())
                .collect()
        };
        Footprint {
            hosts: shown(&self.hosts),
            endpoints: shown(&self.endpoints),
            env_vars: shown(&self.env_vars),
            files: shown(&self.files),
            secrets: shown(&self.secrets),
            problems: self
                .problems
                .iter()
                .map(|p| crate::printable::printable(p).into_owned())
                .collect(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.hosts.is_empty()
            && self.endpoints.is_empty()
            && self.env_vars.is_empty()
            && self.files.is_empty()
            && self.secrets.is_empty()
    }

    /// One line: "talks to a, b; reads $X; reads the files f; uses the named secrets s".
    pub fn summary(&self) -> String {
        let list = |items: &BTreeSet<String>, prefix: &str| {
            items
                .iter()
                .map(|i| format!("{prefix}{i}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let mut parts = Vec::new();
        if !self.hosts.is_empty() {
            parts.push(format!("talks to {}", list(&self.hosts, "")));
        } else if !self.endpoints.is_empty() {
            parts.push(format!("sends to {}", list(&self.endpoints, "")));
        }
        if !self.env_vars.is_empty() {
            parts.push(format!("reads {}", list(&self.env_vars, "$")));
        }
        if !self.files.is_empty() {
            parts.push(format!("reads the files {}", list(&self.files, "")));
        }
        if !self.secrets.is_empty() {
            parts.push(format!(
                "uses the named secrets {}",
                list(&self.secrets, "")
            ));
        }
        if parts.is_empty() {
            "names no host, variable, file or secret".into()
        } else {
            parts.join("; ")
        }
    }
}

/// The hex SHA-256 of a file's bytes: what an allowance is for.
pub fn content_hash(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

impl Project {
    /// What this file will do, across all its environments (see the module).
    pub fn footprint(&self) -> Footprint {
        let mut footprint = Footprint::default();
        let envs: Vec<Option<crate::provider::EnvName>> = if self.envs.is_empty() {
            vec![None]
        } else {
            self.envs.keys().cloned().map(Some).collect()
        };
        for name in self.providers.keys() {
            for env in &envs {
                // From the bytes alone: what the disk around the file holds may change without
                // the file changing, and must not hide a provider from the person allowing it.
                match self.provider_as_written(name, env.as_ref()) {
                    Ok(Some(resolved)) => {
                        hosts_of(&resolved.spec, &mut footprint.hosts);
                        endpoints_of(name, &resolved.spec, &mut footprint.endpoints);
                        for r in resolved.secrets.all() {
                            match &r.source {
                                SecretSource::Env(var) => footprint.env_vars.insert(var.clone()),
                                SecretSource::File(path) => {
                                    footprint.files.insert(path.display().to_string())
                                }
                                SecretSource::Named(n) => footprint.secrets.insert(n.clone()),
                            };
                        }
                    }
                    Ok(None) => {}
                    Err(e) => footprint.problems.push(e.to_string()),
                }
            }
        }
        footprint
    }
}

/// The URLs a provider's settings name, by role, a template's issuer included.
fn urls_of(spec: &ProviderSpec) -> Vec<(&'static str, String)> {
    let mut spec = spec.clone();
    if let Some(template) = spec
        .template
        .clone()
        .and_then(|t| crate::provider::templates::find(&t))
    {
        crate::provider::templates::apply(template, &mut spec);
    }
    let roles = [
        ("issuer", spec.issuer),
        ("authorization endpoint", spec.authorization_url),
        ("token endpoint", spec.token_url),
        ("device endpoint", spec.device_url),
        ("revocation endpoint", spec.revocation_url),
        ("introspection endpoint", spec.introspection_url),
        ("userinfo endpoint", spec.userinfo_url),
        ("JWKS URL", spec.jwks_url),
        ("end-session endpoint", spec.end_session_url),
        ("PAR endpoint", spec.par_url),
        ("resource metadata", spec.resource_metadata),
        ("redirect URI", spec.redirect_uri),
        ("sign-out return URI", spec.post_logout_redirect_uri),
    ];
    let resources = spec.resources.into_iter().map(|r| ("resource", Some(r)));
    roles
        .into_iter()
        .chain(resources)
        .filter_map(|(role, url)| url.map(|u| (role, u)))
        .collect()
}

/// The hosts a provider's settings name.
fn hosts_of(spec: &ProviderSpec, hosts: &mut BTreeSet<String>) {
    hosts.extend(urls_of(spec).iter().filter_map(|(_, url)| host_of(url)));
}

/// The URLs a provider's settings name, each with the provider and its role.
fn endpoints_of(
    name: &crate::provider::ProviderName,
    spec: &ProviderSpec,
    out: &mut BTreeSet<String>,
) {
    out.extend(
        urls_of(spec)
            .into_iter()
            .map(|(role, url)| format!("{name}: {role} {url}")),
    );
}

/// `host` or `host:port` of a URL (the port when it is not the scheme's default); the text
/// itself when it is no URL, so nothing named is left out.
fn host_of(url: &str) -> Option<String> {
    match url::Url::parse(url) {
        Ok(parsed) => {
            let host = parsed.host_str()?;
            Some(match parsed.port() {
                Some(port) => format!("{host}:{port}"),
                None => host.to_owned(),
            })
        }
        Err(_) => Some(url.to_owned()),
    }
}

/// Where a file stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum TrustState {
    /// Allowed as it is now.
    Allowed,
    /// Allowed once, changed since: `added` is what the change adds.
    Changed { added: Footprint },
    /// Never allowed on this machine.
    Never,
    /// Denied as it is now (`project deny`).
    Denied,
}

impl TrustState {
    /// As shown to a person (see [`Footprint::printable`]).
    pub fn printable(&self) -> TrustState {
        match self {
            TrustState::Changed { added } => TrustState::Changed {
                added: added.printable(),
            },
            other => other.clone(),
        }
    }

    pub fn is_allowed(&self) -> bool {
        matches!(self, TrustState::Allowed)
    }

    /// The word `project status` and the JSON use.
    pub fn word(&self) -> &'static str {
        match self {
            TrustState::Allowed => "allowed",
            TrustState::Changed { .. } => "changed",
            TrustState::Never => "never",
            TrustState::Denied => "denied",
        }
    }
}

/// One file's decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    /// The SHA-256 of the bytes decided on.
    pub sha256: String,
    pub allowed: bool,
    /// Unix seconds.
    pub at: i64,
    /// What the file did when decided on (for describing a later change).
    pub footprint: Footprint,
}

/// Every decision of this machine's user, by the file's absolute path.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrustBook {
    #[serde(default)]
    pub files: BTreeMap<PathBuf, Decision>,
}

impl TrustBook {
    /// Where `project` stands in this book.
    pub fn state_of(&self, project: &Project) -> TrustState {
        let Some(decision) = self.files.get(&project.file) else {
            return TrustState::Never;
        };
        let same = decision.sha256 == content_hash(project.text());
        match (same, decision.allowed) {
            (true, true) => TrustState::Allowed,
            (true, false) => TrustState::Denied,
            (false, true) => TrustState::Changed {
                added: project.footprint().added_since(&decision.footprint),
            },
            // A denied file that changed is a new file to decide on.
            (false, false) => TrustState::Never,
        }
    }

    /// Records a decision on `project` as it was read (its text, not the disk's now).
    pub fn decide(&mut self, project: &Project, allowed: bool, at: i64) {
        self.files.insert(
            project.file.clone(),
            Decision {
                sha256: content_hash(project.text()),
                allowed,
                at,
                footprint: project.footprint(),
            },
        );
    }
}

/// The book's file in the data directory.
pub fn book_path(data_dir: &Path) -> PathBuf {
    data_dir.join("trust.json")
}

/// Reads the book; a missing file is an empty book, an unreadable one an error (never "trust
/// everything").
pub fn read_book(path: &Path) -> Result<TrustBook, std::io::Error> {
    match std::fs::read(path) {
        Ok(bytes) => serde_json::from_slice(&bytes).map_err(std::io::Error::other),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(TrustBook::default()),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project(text: &str) -> Project {
        Project::parse(PathBuf::from("/work/app/oauth-desk.toml"), text.into()).expect("parses")
    }

    const FILE: &str = r#"
[env.dev]
issuer = "http://127.0.0.1:9100"
[env.prod]
issuer = "https://login.example.com"

[provider.api]
issuer = "${issuer}"
client_id = "app"
client_secret = { env = "API_SECRET" }
private_key = { file = "keys/api.pem" }
endpoints = { revocation = "https://revoke.example.net/r" }

[provider.admin]
issuer = "${issuer}"
client_id = "admin"
client_secret = { secret = "admin-secret" }
"#;

    #[test]
    fn the_footprint_names_every_host_variable_file_and_secret_of_every_environment() {
        let footprint = project(FILE).footprint();
        let hosts: Vec<&str> = footprint.hosts.iter().map(String::as_str).collect();
        assert!(
            hosts.contains(&"127.0.0.1:9100")
                && hosts.contains(&"login.example.com")
                && hosts.contains(&"revoke.example.net"),
            "each environment's issuer and each endpoint is a host the file talks to: {hosts:?}"
        );
        assert_eq!(
            footprint.env_vars.iter().collect::<Vec<_>>(),
            ["API_SECRET"]
        );
        assert_eq!(footprint.files.iter().collect::<Vec<_>>(), ["keys/api.pem"]);
        assert_eq!(
            footprint.secrets.iter().collect::<Vec<_>>(),
            ["admin-secret"]
        );
    }

    #[test]
    fn a_file_is_allowed_as_it_is_and_a_change_names_what_it_adds() {
        let mut book = TrustBook::default();
        let before = project(FILE);
        assert_eq!(book.state_of(&before), TrustState::Never);
        book.decide(&before, true, 1);
        assert!(book.state_of(&before).is_allowed());
        let changed = project(
            &FILE
                .replace(
                    "https://revoke.example.net/r",
                    "https://attacker.example.org/r",
                )
                .replace("API_SECRET", "AWS_SECRET_ACCESS_KEY"),
        );
        match book.state_of(&changed) {
            TrustState::Changed { added } => {
                assert_eq!(
                    added.hosts.iter().collect::<Vec<_>>(),
                    ["attacker.example.org"],
                    "the new host is what the person must look at"
                );
                assert_eq!(
                    added.env_vars.iter().collect::<Vec<_>>(),
                    ["AWS_SECRET_ACCESS_KEY"]
                );
            }
            other => panic!("a changed file must not stay allowed: {other:?}"),
        }
        // Even a change that adds nothing takes the allowance away: the bytes are allowed.
        let whitespace = project(&format!("{FILE}\n"));
        assert!(!book.state_of(&whitespace).is_allowed());
    }

    #[test]
    fn a_provider_whose_file_reference_fails_today_is_still_shown_with_what_it_reads() {
        // The disk around the file may change without the file changing (a pull that only
        // adds `tls/`): what is allowed is what the bytes say.
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join("tls"), "a plain file, not a folder").expect("write");
        let text = r#"[provider.api]
client_id = "cc-app"
auth_method = "post"
client_secret = { env = "AWS_SECRET_ACCESS_KEY" }
client_certificate = { file = "tls/client.pem" }
client_key = { file = "tls/client.key" }
endpoints = { token = "http://127.0.0.1:42803/token" }
"#;
        let project =
            Project::parse(dir.path().join("oauth-desk.toml"), text.into()).expect("parses");
        // (On Linux a path through a plain file is an error today; Windows calls it missing.)
        #[cfg(unix)]
        assert!(
            project.provider(&"api".parse().unwrap(), None).is_err(),
            "unusable today"
        );
        let footprint = project.footprint();
        assert!(footprint.hosts.contains("127.0.0.1:42803"), "{footprint:?}");
        assert!(
            footprint.env_vars.contains("AWS_SECRET_ACCESS_KEY"),
            "{footprint:?}"
        );
        assert!(footprint.files.contains("tls/client.pem"), "{footprint:?}");
    }

    #[test]
    fn an_endpoint_moved_on_a_host_already_named_is_a_change_to_show() {
        let text = r#"[provider.api]
issuer = "http://127.0.0.1:4000"
client_id = "cc-app"
resources = ["http://127.0.0.1:42803/orders"]
"#;
        let before = project(text);
        let after = project(&text.replace(
            "client_id = \"cc-app\"",
            "client_id = \"cc-app\"\nendpoints = { pushed_authorization = \"http://127.0.0.1:42803/par\" }",
        ));
        let added = after.footprint().added_since(&before.footprint());
        assert!(added.hosts.is_empty(), "no new host: {added:?}");
        assert_eq!(
            added.endpoints.iter().collect::<Vec<_>>(),
            ["api: PAR endpoint http://127.0.0.1:42803/par"],
            "the new endpoint is named with its role"
        );
        assert!(!added.is_empty());
        assert!(
            added.summary().contains("PAR endpoint"),
            "{}",
            added.summary()
        );
    }

    #[test]
    fn what_a_file_names_is_shown_escaped() {
        let text = "[provider.api]\nclient_id = \"app\"\nendpoints = { token = \"https://evil\u{202e}moc.example/t\" }\nclient_secret = { env = \"A\u{200b}B\" }\n";
        let raw = project(text).footprint();
        assert!(
            raw.env_vars.iter().any(|v| v.contains('\u{200b}')),
            "the file does name such a variable: {raw:?}"
        );
        let shown = raw.printable();
        assert_eq!((shown.hosts.len(), shown.env_vars.len()), (1, 1));
        let all: Vec<&String> = shown.hosts.iter().chain(&shown.env_vars).collect();
        assert!(
            all.iter()
                .all(|s| !s.contains('\u{202e}') && !s.contains('\u{200b}')),
            "a bidi override or an invisible character is escaped: {all:?}"
        );
    }

    #[test]
    fn a_denied_file_stays_denied_until_it_changes() {
        let mut book = TrustBook::default();
        let file = project(FILE);
        book.decide(&file, false, 1);
        assert_eq!(book.state_of(&file), TrustState::Denied);
        assert_eq!(
            book.state_of(&project(&format!("{FILE}#\n"))),
            TrustState::Never
        );
    }

    #[test]
    fn an_unreadable_book_is_an_error_not_trust() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = book_path(dir.path());
        assert_eq!(
            read_book(&path).expect("missing is empty"),
            TrustBook::default()
        );
        std::fs::write(&path, b"{ not json").expect("write");
        assert!(read_book(&path).is_err());
    }
}
