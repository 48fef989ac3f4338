//! Which token set an action is about: a [`ProviderRef`] names a provider, one of its
//! identities (QA's `admin` and `viewer`: `NAME@IDENTITY`; plain `NAME` is the default
//! identity) and, for a provider defined in a project file, the project and the environment it
//! is resolved in. Tokens are kept per reference — (project, provider, environment, identity) —
//! so a token of one environment or user is never served for another.
//!
//! Each reference has one *slot key*, the string under which its tokens, trace, refresh lock,
//! login profile and keeper slot are kept: `NAME` or `NAME@ID` for a provider of the config
//! (exactly the keys of earlier versions, so their vaults keep working), and
//! `p-<project id>+<env>+NAME[@ID]` for a project's provider — `+` and `@` can't appear in a
//! name, so a key reads back unambiguously and is a safe file name.

use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::{ProviderError, ProviderName};

/// Letters, digits, `_`, `.`, `-`; at most 64 characters; not `.` or `..`. Provider,
/// identity and environment names all follow it: they become file names and shell words.
pub fn is_short_identifier(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
        && s != "."
        && s != ".."
}

macro_rules! short_name {
    ($($(#[$doc:meta])* $name:ident, $what:literal;)+) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        #[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(type = "string"))]
        pub struct $name(String);

        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl FromStr for $name {
            type Err = ProviderError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                if is_short_identifier(s) {
                    Ok($name(s.to_owned()))
                } else {
                    Err(ProviderError::InvalidShortName { what: $what, value: s.to_owned() })
                }
            }
        }

        impl TryFrom<String> for $name {
            type Error = ProviderError;
            fn try_from(s: String) -> Result<Self, Self::Error> {
                s.parse()
            }
        }

        impl From<$name> for String {
            fn from(name: $name) -> String {
                name.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    )+};
}

short_name! {
    /// One of a provider's identities (a test user): its own tokens, keeper slot, refresh
    /// history and login-window profile.
    IdentityName, "identity name";
    /// An environment of a project file (`[env.NAME]`): dev, staging, prod.
    EnvName, "environment name";
}

/// The identity name that means "the provider's default identity" where one must be written.
pub const DEFAULT_IDENTITY: &str = "default";

/// Where a provider is defined.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ProjectPlace {
    /// The project file, as an absolute path.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub file: PathBuf,
    /// The environment the provider is resolved in (`None` when the file defines none).
    pub env: Option<EnvName>,
}

/// A provider, one of its identities, and where it is defined: what every action takes.
/// Read from its object form or, as earlier versions kept it (an exchange's subject), from a
/// plain provider name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(from = "RefWire")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ProviderRef {
    pub name: ProviderName,
    /// `None`: the default identity.
    #[serde(default)]
    pub identity: Option<IdentityName>,
    /// `None`: a provider of the config (`provider add`); else the project file's.
    #[serde(default)]
    pub project: Option<ProjectPlace>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RefWire {
    Name(ProviderName),
    Full {
        name: ProviderName,
        #[serde(default)]
        identity: Option<IdentityName>,
        #[serde(default)]
        project: Option<ProjectPlace>,
    },
}

impl From<RefWire> for ProviderRef {
    fn from(wire: RefWire) -> ProviderRef {
        match wire {
            RefWire::Name(name) => ProviderRef::local(name),
            RefWire::Full {
                name,
                identity,
                project,
            } => ProviderRef {
                name,
                identity,
                project,
            },
        }
    }
}

/// `NAME` or `NAME@IDENTITY` as typed, before it is placed in a config or a project.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypedRef {
    pub name: ProviderName,
    pub identity: Option<IdentityName>,
}

impl FromStr for TypedRef {
    type Err = ProviderError;
    /// `NAME`, `NAME@IDENTITY`; `NAME@default` is the default identity.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (name, identity) = match s.split_once('@') {
            Some((name, identity)) => (name, Some(identity)),
            None => (s, None),
        };
        let identity = match identity {
            None => None,
            Some(DEFAULT_IDENTITY) => None,
            Some(id) => Some(id.parse()?),
        };
        Ok(TypedRef {
            name: name.parse()?,
            identity,
        })
    }
}

impl ProviderRef {
    /// The default identity of a provider of the config.
    pub fn local(name: ProviderName) -> ProviderRef {
        ProviderRef {
            name,
            identity: None,
            project: None,
        }
    }

    /// The same provider and place, another identity.
    pub fn with_identity(&self, identity: Option<IdentityName>) -> ProviderRef {
        ProviderRef {
            identity,
            ..self.clone()
        }
    }

    /// The same provider and identity in another environment of its project.
    pub fn in_env(&self, env: Option<EnvName>) -> ProviderRef {
        let mut out = self.clone();
        if let Some(place) = &mut out.project {
            place.env = env;
        }
        out
    }

    /// The provider's default identity here.
    pub fn default_identity(&self) -> ProviderRef {
        self.with_identity(None)
    }

    pub fn env(&self) -> Option<&EnvName> {
        self.project.as_ref().and_then(|p| p.env.as_ref())
    }

    /// `NAME` or `NAME@ID`, as a person types it.
    pub fn typed(&self) -> String {
        match &self.identity {
            Some(id) => format!("{}@{id}", self.name),
            None => self.name.to_string(),
        }
    }

    /// The key of the provider's client in this place (its client secrets, DPoP key and
    /// default tokens in the vault): `NAME`, or `p-<id>+<env>+NAME`.
    pub fn client_key(&self) -> String {
        match &self.project {
            None => self.name.to_string(),
            Some(place) => format!(
                "p-{}+{}+{}",
                project_id(&place.file),
                place.env.as_ref().map_or("", EnvName::as_str),
                self.name
            ),
        }
    }

    /// The slot key: see the module.
    pub fn slot_key(&self) -> Slot {
        Slot(match &self.identity {
            Some(id) => format!("{}@{id}", self.client_key()),
            None => self.client_key(),
        })
    }
}

impl fmt::Display for ProviderRef {
    /// `NAME[@ID]`, with the environment in parentheses for a project's provider:
    /// `api@admin (dev)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.typed())?;
        if let Some(env) = self.env() {
            write!(f, " ({env})")?;
        }
        Ok(())
    }
}

/// A project's identity in keys and file names: the first 16 hex digits of the SHA-256 of
/// its file's absolute path (a moved project starts with no tokens, as a new one would).
pub fn project_id(file: &Path) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(file.as_os_str().as_encoded_bytes());
    digest[..8].iter().map(|b| format!("{b:02x}")).collect()
}

/// The key of one token set's slot (see the module): what the vault, the trace, the refresh
/// lock, the change stream and the keeper's events name. Made from a reference, or read back
/// from a key some version wrote; never any other string.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(type = "string"))]
pub struct Slot(String);

impl fmt::Debug for Slot {
    /// As the key it is (`"api@admin"`), in logs of the events that carry one.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl Slot {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// A key some version wrote, if it reads back as one.
    pub fn parse(key: &str) -> Option<Slot> {
        SlotKey::parse(key).map(|_| Slot(key.to_owned()))
    }

    /// The key read back into its parts.
    pub fn parts(&self) -> SlotKey {
        SlotKey::parse(&self.0).expect("a Slot is made only from a key that reads back")
    }
}

impl fmt::Display for Slot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for Slot {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl std::borrow::Borrow<str> for Slot {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl From<Slot> for String {
    fn from(slot: Slot) -> String {
        slot.0
    }
}

impl TryFrom<String> for Slot {
    type Error = ProviderError;
    fn try_from(key: String) -> Result<Slot, ProviderError> {
        Slot::parse(&key).ok_or(ProviderError::InvalidName(key))
    }
}

impl PartialEq<str> for Slot {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for Slot {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

/// A slot key read back: the project id (for a project's provider), environment, name and
/// identity. `None` for a key no version writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlotKey {
    /// `Some((project id, env))` for a project's provider.
    pub project: Option<(String, Option<EnvName>)>,
    pub name: ProviderName,
    pub identity: Option<IdentityName>,
}

impl SlotKey {
    pub fn parse(key: &str) -> Option<SlotKey> {
        let (client, identity) = match key.rsplit_once('@') {
            Some((client, id)) => (client, Some(id.parse().ok()?)),
            None => (key, None),
        };
        let mut parts = client.split('+');
        let first = parts.next()?;
        match (parts.next(), parts.next(), parts.next()) {
            (None, _, _) => Some(SlotKey {
                project: None,
                name: first.parse().ok()?,
                identity,
            }),
            (Some(env), Some(name), None) => {
                let id = first.strip_prefix("p-")?;
                let env = if env.is_empty() {
                    None
                } else {
                    Some(env.parse().ok()?)
                };
                Some(SlotKey {
                    project: Some((id.to_owned(), env)),
                    name: name.parse().ok()?,
                    identity,
                })
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_references_name_a_provider_and_an_identity() {
        let r: TypedRef = "api@admin".parse().unwrap();
        assert_eq!(r.name.as_str(), "api");
        assert_eq!(r.identity.as_ref().map(IdentityName::as_str), Some("admin"));
        let plain: TypedRef = "api".parse().unwrap();
        assert_eq!(plain.identity, None);
        let default: TypedRef = "api@default".parse().unwrap();
        assert_eq!(default.identity, None, "@default is the default identity");
        for bad in ["", "@x", "api@", "a b@c", "api@x@y", "api@a/b"] {
            assert!(bad.parse::<TypedRef>().is_err(), "{bad:?} must be refused");
        }
    }

    #[test]
    fn a_local_default_slot_is_the_plain_name_as_before() {
        let r = ProviderRef::local("api".parse().unwrap());
        assert_eq!(
            r.slot_key(),
            "api",
            "vaults of earlier versions keep working"
        );
        let admin = r.with_identity(Some("admin".parse().unwrap()));
        assert_eq!(admin.slot_key(), "api@admin");
        assert_eq!(admin.to_string(), "api@admin");
    }

    #[test]
    fn slot_keys_read_back_and_never_collide_across_places() {
        let place = ProjectPlace {
            file: PathBuf::from("/home/me/repo/oauth-desk.toml"),
            env: Some("dev".parse().unwrap()),
        };
        let dev = ProviderRef {
            name: "api".parse().unwrap(),
            identity: Some("viewer".parse().unwrap()),
            project: Some(place),
        };
        let stage = dev.in_env(Some("stage".parse().unwrap()));
        let local = ProviderRef::local("api".parse().unwrap()).with_identity(dev.identity.clone());
        let keys = [dev.slot_key(), stage.slot_key(), local.slot_key()];
        assert_eq!(
            keys.iter().collect::<std::collections::BTreeSet<_>>().len(),
            3,
            "one slot per (project, env, identity): {keys:?}"
        );
        let back = SlotKey::parse(dev.slot_key().as_str()).unwrap();
        assert_eq!(back.name.as_str(), "api");
        assert_eq!(back.identity.unwrap().as_str(), "viewer");
        let (id, env) = back.project.unwrap();
        assert_eq!(
            id,
            project_id(&PathBuf::from("/home/me/repo/oauth-desk.toml"))
        );
        assert_eq!(env.unwrap().as_str(), "dev");
        assert_eq!(dev.to_string(), "api@viewer (dev)");
        let local_back = SlotKey::parse("ec_cube.2").unwrap();
        assert_eq!(local_back.project, None);
        assert_eq!(SlotKey::parse("p-x+a+b+c"), None);
    }

    #[test]
    fn a_plain_name_reads_as_a_config_provider() {
        let r: ProviderRef = serde_json::from_str(r#""subject""#).unwrap();
        assert_eq!(r, ProviderRef::local("subject".parse().unwrap()));
        let full =
            ProviderRef::local("a".parse().unwrap()).with_identity(Some("x".parse().unwrap()));
        let back: ProviderRef =
            serde_json::from_str(&serde_json::to_string(&full).unwrap()).unwrap();
        assert_eq!(back, full);
    }
}
