//! One `[provider.NAME]` table of a project file, read strictly into what `provider add`
//! takes ([`ProviderSpec`]) plus where its secrets come from. Keys are named as
//! `provider export` names them (`params` is the short form of `authorize_params`); an unknown
//! key, a value of the wrong type, a literal secret or an unresolved `${...}` is an error
//! naming its line.

use std::path::PathBuf;

use indexmap::IndexMap;
use toml::{Spanned, Value};

use super::vars::{self, VarError, Vars};
use crate::provider::spec::{FileKey, FileKind, FileValue};
use crate::provider::{IdentityName, ProviderSpec};

/// An error at a byte offset of the file (the caller turns it into a line).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaError {
    pub offset: usize,
    pub message: String,
}

/// Where a secret comes from: never the project file itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretSource {
    /// A named secret in the vault (`secret set NAME`), this project's.
    Named(String),
    /// An environment variable of the process.
    Env(String),
    /// A file (PEM keys and certificates), relative to the project file's folder.
    File(PathBuf),
}

/// A secret reference and the line it was written on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretRef {
    pub source: SecretSource,
    pub line: usize,
    /// The key it was given for (`client_secret`, ...), for errors.
    pub key: &'static str,
}

/// The secrets a project's provider names.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SecretRefs {
    pub client_secret: Option<SecretRef>,
    pub private_key: Option<SecretRef>,
    pub client_certificate: Option<SecretRef>,
    pub client_key: Option<SecretRef>,
}

impl SecretRefs {
    /// Every reference the provider has, in the file's key order.
    pub fn all(&self) -> impl Iterator<Item = &SecretRef> {
        [
            &self.client_secret,
            &self.private_key,
            &self.client_certificate,
            &self.client_key,
        ]
        .into_iter()
        .flatten()
    }
}

/// An identity declared in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeclaredIdentity {
    pub name: IdentityName,
    pub login_hint: Option<String>,
    pub line: usize,
}

/// A provider of the file, resolved in one environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectProvider {
    pub spec: ProviderSpec,
    pub secrets: SecretRefs,
    pub identities: Vec<DeclaredIdentity>,
    pub lab_plan: Option<String>,
}

/// The keys a provider table has besides the spec's own (`ProviderSpec::FILE_KEYS`): where
/// its secrets come from, its identities, its lab plan.
const PROJECT_KEYS: &[&str] = &[
    "client_secret",
    "private_key",
    "client_certificate",
    "client_key",
    "lab_plan",
    "identities",
];

/// The keys a provider table may have, for the error naming an unknown one (a table's keys in
/// `table`, the top level's without).
fn known_keys(table: Option<&str>) -> String {
    let spec = ProviderSpec::FILE_KEYS.iter().filter(|k| k.table == table);
    let mut keys: Vec<&str> = Vec::new();
    for key in spec {
        keys.push(key.key);
    }
    if table.is_none() {
        keys.extend(["endpoints", "security"]);
        keys.extend(PROJECT_KEYS);
    }
    keys.join(", ")
}

/// Reads one value at a time, expanding `${...}` with the environment's variables.
struct Reader<'a> {
    vars: &'a Vars,
    env: Option<&'a str>,
    line_of: &'a dyn Fn(usize) -> usize,
}

type Entry = Spanned<Value>;

impl Reader<'_> {
    fn err(&self, value: &Entry, message: impl Into<String>) -> SchemaError {
        SchemaError {
            offset: value.span().start,
            message: message.into(),
        }
    }

    fn expand(&self, value: &Entry, key: &str, text: &str) -> Result<String, SchemaError> {
        vars::expand(text, self.vars).map_err(|e| {
            let message = match e {
                VarError::Unterminated => format!("{key}: a `${{` has no closing `}}`"),
                VarError::BadName(name) => {
                    format!("{key}: `${{{name}}}` is not a variable name")
                }
                VarError::Undefined(name) => match self.env {
                    Some(env) => format!(
                        "{key}: `${{{name}}}` is not defined in the environment {env} (add {name} = \"...\" to [env.{env}])"
                    ),
                    None => format!(
                        "{key}: `${{{name}}}` needs an environment, and the project defines none (add an [env.NAME] table)"
                    ),
                },
            };
            self.err(value, message)
        })
    }

    fn string(&self, value: &Entry, key: &str) -> Result<String, SchemaError> {
        match value.get_ref() {
            Value::String(s) => self.expand(value, key, s),
            other => Err(self.err(
                value,
                format!("{key} must be a string, not {}", other.type_str()),
            )),
        }
    }

    fn bool(&self, value: &Entry, key: &str) -> Result<bool, SchemaError> {
        match value.get_ref() {
            Value::Boolean(b) => Ok(*b),
            other => Err(self.err(
                value,
                format!("{key} must be true or false, not {}", other.type_str()),
            )),
        }
    }

    fn seconds(&self, value: &Entry, key: &str) -> Result<u64, SchemaError> {
        match value.get_ref() {
            Value::Integer(i) if *i >= 0 => Ok(*i as u64),
            other => Err(self.err(
                value,
                format!("{key} must be a number of seconds, not {other}"),
            )),
        }
    }

    /// A table's entries, each with the table's span (TOML gives spans to top-level keys).
    fn table<'v>(
        &self,
        value: &'v Entry,
        key: &str,
    ) -> Result<Vec<(&'v String, &'v Value)>, SchemaError> {
        match value.get_ref() {
            Value::Table(t) => Ok(t.iter().collect()),
            other => Err(self.err(
                value,
                format!("{key} must be a table, not {}", other.type_str()),
            )),
        }
    }

    /// An inner value (of a table or array) read at its table's line.
    fn inner(&self, at: &Entry, value: &Value) -> Entry {
        Spanned::new(at.span(), value.clone())
    }

    /// `k = "v"` pairs (numbers and booleans as written; an array repeats the key).
    fn params(&self, value: &Entry, key: &str) -> Result<Vec<String>, SchemaError> {
        let mut out = Vec::new();
        for (k, v) in self.table(value, key)? {
            let items: Vec<&Value> = match v {
                Value::Array(items) => items.iter().collect(),
                one => vec![one],
            };
            for item in items {
                let text = match item {
                    Value::String(s) => self.expand(value, key, s)?,
                    Value::Integer(i) => i.to_string(),
                    Value::Boolean(b) => b.to_string(),
                    other => {
                        return Err(self.err(
                            value,
                            format!(
                                "{key}.{k} must be a string or a number, not {}",
                                other.type_str()
                            ),
                        ));
                    }
                };
                out.push(format!("{k}={text}"));
            }
        }
        Ok(out)
    }

    fn strings(&self, value: &Entry, key: &str) -> Result<Vec<String>, SchemaError> {
        match value.get_ref() {
            Value::String(s) => Ok(vec![self.expand(value, key, s)?]),
            Value::Array(items) => items
                .iter()
                .map(|item| self.string(&self.inner(value, item), key))
                .collect(),
            other => Err(self.err(
                value,
                format!("{key} must be a list of strings, not {}", other.type_str()),
            )),
        }
    }

    /// Reads `value` as `file_key`'s kind and sets it in `spec`.
    fn set(
        &self,
        spec: &mut ProviderSpec,
        file_key: &FileKey,
        value: &Entry,
        key: &str,
    ) -> Result<(), SchemaError> {
        let read = match (file_key.kind, value.get_ref()) {
            (FileKind::Text | FileKind::Choice, _) => FileValue::Text(self.string(value, key)?),
            (FileKind::Flag, _) => FileValue::Flag(self.bool(value, key)?),
            (FileKind::Seconds, _) => FileValue::Seconds(self.seconds(value, key)?),
            (FileKind::Texts, _) => FileValue::Texts(self.strings(value, key)?),
            (FileKind::Params, _) => FileValue::Texts(self.params(value, key)?),
            (FileKind::FlagOrChoice, Value::Boolean(on)) => FileValue::Flag(*on),
            (FileKind::FlagOrChoice, _) => FileValue::Text(self.string(value, key)?),
            (FileKind::Json, Value::String(_)) => FileValue::Text(self.string(value, key)?),
            // RFC 9396: an array (of objects), never one object.
            (FileKind::Json, inner @ Value::Array(_)) => {
                FileValue::Text(toml_to_json(self, value, inner, key)?.to_string())
            }
            (FileKind::Json, other) => {
                return Err(self.err(
                    value,
                    format!(
                        "{key} must be JSON text or a TOML array of tables, not {}",
                        other.type_str()
                    ),
                ));
            }
        };
        spec.set_from_file(file_key, read)
            .map_err(|e| self.err(value, format!("{key}: {e}")))
    }

    /// `{ secret = "NAME" }`, `{ env = "VAR" }` or `{ file = "PATH" }`; a literal is refused.
    fn secret(&self, value: &Entry, key: &'static str) -> Result<SecretRef, SchemaError> {
        let line = (self.line_of)(value.span().start);
        let table = match value.get_ref() {
            Value::Table(t) => t,
            Value::String(_) => {
                return Err(self.err(
                    value,
                    format!(
                        "{key} is written in the file: a project file is committed, so it holds no secret; write {key} = {{ secret = \"NAME\" }} (then `secret set NAME`) or {{ env = \"VAR\" }}"
                    ),
                ));
            }
            other => {
                return Err(self.err(
                    value,
                    format!(
                        "{key} must be {{ secret = \"NAME\" }}, {{ env = \"VAR\" }} or {{ file = \"PATH\" }}, not {}",
                        other.type_str()
                    ),
                ));
            }
        };
        let mut entries = table.iter();
        let (kind, name) = match (entries.next(), entries.next()) {
            (Some(one), None) => one,
            _ => {
                return Err(self.err(
                    value,
                    format!("{key} takes exactly one of secret, env or file"),
                ));
            }
        };
        let name = self.string(&self.inner(value, name), key)?;
        let source = match kind.as_str() {
            "secret" if crate::provider::is_short_identifier(&name) => SecretSource::Named(name),
            "secret" => {
                return Err(self.err(
                    value,
                    format!(
                        "{key}: {name:?} is not a secret name (letters, digits, '_', '.', '-')"
                    ),
                ));
            }
            "env" if !name.is_empty() && !name.contains(['=', '\0']) => SecretSource::Env(name),
            "file" if key != "client_secret" => {
                let path = PathBuf::from(&name);
                if let Some(problem) = super::file_ref::lexical_problem(&path) {
                    return Err(self.err(
                        value,
                        format!("{key} = {{ file = {name:?} }} is refused: {problem}"),
                    ));
                }
                SecretSource::File(path)
            }
            other => {
                return Err(self.err(
                    value,
                    format!("{key} = {{ {other} = ... }} is not a secret reference: use secret or env{}", if key == "client_secret" { "" } else { " or file" }),
                ));
            }
        };
        Ok(SecretRef { source, line, key })
    }
}

/// Reads one provider table in an environment (`vars` its variables).
pub fn read_provider(
    entries: &IndexMap<String, Entry>,
    env: Option<&str>,
    vars: &Vars,
    line_of: &dyn Fn(usize) -> usize,
) -> Result<ProjectProvider, SchemaError> {
    let r = Reader { vars, env, line_of };
    let mut spec = ProviderSpec::default();
    let mut secrets = SecretRefs::default();
    let mut identities = Vec::new();
    let mut lab_plan = None;
    for (key, value) in entries {
        match key.as_str() {
            "client_secret" => secrets.client_secret = Some(r.secret(value, "client_secret")?),
            "private_key" => secrets.private_key = Some(r.secret(value, "private_key")?),
            "client_certificate" => {
                secrets.client_certificate = Some(r.secret(value, "client_certificate")?)
            }
            "client_key" => secrets.client_key = Some(r.secret(value, "client_key")?),
            "lab_plan" => lab_plan = Some(r.string(value, key)?),
            "identities" => identities = read_identities(&r, value)?,
            table @ ("endpoints" | "security") => {
                for (k, v) in r.table(value, table)? {
                    let Some(file_key) = ProviderSpec::file_key(Some(table), k) else {
                        let known = known_keys(Some(table));
                        return Err(r.err(
                            value,
                            if table == "endpoints" {
                                format!("unknown endpoint {k:?} (endpoints are: {known})")
                            } else {
                                format!("unknown security setting {k:?} (security takes: {known})")
                            },
                        ));
                    };
                    r.set(
                        &mut spec,
                        file_key,
                        &r.inner(value, v),
                        &format!("{table}.{k}"),
                    )?;
                }
            }
            other => match ProviderSpec::file_key(None, other) {
                Some(file_key) => r.set(&mut spec, file_key, value, other)?,
                None => {
                    return Err(r.err(
                        value,
                        format!(
                            "unknown key {other:?} (a provider takes: {})",
                            known_keys(None)
                        ),
                    ));
                }
            },
        }
    }
    if spec.client_id.trim().is_empty() {
        return Err(SchemaError {
            offset: entries.values().next().map_or(0, |v| v.span().start),
            message: "client_id is missing".into(),
        });
    }
    Ok(ProjectProvider {
        spec,
        secrets,
        identities,
        lab_plan,
    })
}

/// A TOML value as JSON (authorization details written as TOML tables), strings expanded.
fn toml_to_json(
    r: &Reader,
    at: &Entry,
    value: &Value,
    key: &str,
) -> Result<serde_json::Value, SchemaError> {
    Ok(match value {
        Value::String(s) => serde_json::Value::String(r.expand(at, key, s)?),
        Value::Integer(i) => (*i).into(),
        Value::Float(f) => serde_json::Number::from_f64(*f)
            .map(serde_json::Value::Number)
            .unwrap_or(serde_json::Value::Null),
        Value::Boolean(b) => (*b).into(),
        Value::Datetime(d) => d.to_string().into(),
        Value::Array(items) => serde_json::Value::Array(
            items
                .iter()
                .map(|i| toml_to_json(r, at, i, key))
                .collect::<Result<_, _>>()?,
        ),
        Value::Table(t) => serde_json::Value::Object(
            t.iter()
                .map(|(k, v)| Ok((k.clone(), toml_to_json(r, at, v, key)?)))
                .collect::<Result<_, SchemaError>>()?,
        ),
    })
}

fn read_identities(r: &Reader, value: &Entry) -> Result<Vec<DeclaredIdentity>, SchemaError> {
    let line = (r.line_of)(value.span().start);
    let mut out = Vec::new();
    for (name, settings) in r.table(value, "identities")? {
        let name: IdentityName = name.parse().map_err(|e: crate::provider::ProviderError| {
            r.err(value, format!("identities: {e}"))
        })?;
        let mut login_hint = None;
        let inner = r.inner(value, settings);
        for (k, v) in r.table(&inner, &format!("identities.{name}"))? {
            match k.as_str() {
                "login_hint" => {
                    login_hint = Some(r.string(&r.inner(value, v), "identities.login_hint")?)
                }
                other => {
                    return Err(r.err(
                        value,
                        format!("identities.{name}: unknown key {other:?} (an identity takes login_hint)"),
                    ));
                }
            }
        }
        out.push(DeclaredIdentity {
            name,
            login_hint,
            line,
        });
    }
    Ok(out)
}
