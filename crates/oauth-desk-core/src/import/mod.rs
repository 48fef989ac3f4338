//! Reading the OAuth 2.0 settings of API clients' collections — Postman v2.1, Insomnia (v4 JSON,
//! v5 YAML), Bruno (a collection folder or `.bru` files) — into provider specs, with a note for
//! every setting that could not be mapped and why. Nothing here saves anything: the `Desk`
//! builds and saves the result all at once, or not at all.

mod bruno;
mod folder;
mod insomnia;
mod postman;
mod vars;

use serde::Serialize;

use crate::provider::{AuthMethod, PkceMode, ProviderSpec};
use crate::secret::Secret;

pub use folder::{FolderError, read as read_path};
pub use vars::Vars;

/// Which kind of file it is; `Auto` recognises it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum ImportFormat {
    #[default]
    Auto,
    OauthDesk,
    Postman,
    Insomnia,
    Bruno,
}

impl std::str::FromStr for ImportFormat {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "auto" => Ok(ImportFormat::Auto),
            "oauth-desk" => Ok(ImportFormat::OauthDesk),
            "postman" => Ok(ImportFormat::Postman),
            "insomnia" => Ok(ImportFormat::Insomnia),
            "bruno" => Ok(ImportFormat::Bruno),
            _ => Err(format!(
                "unknown format {s:?}: expected auto, oauth-desk, postman, insomnia or bruno"
            )),
        }
    }
}

/// One file to import: its path (or name) and text. A Bruno collection is several.
#[derive(Debug, Clone, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ImportFile {
    pub path: String,
    pub text: String,
}

/// A setting that was not mapped, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ImportNote {
    /// Where it was: "collection Shop API › folder Admin › request Get orders".
    pub source: String,
    pub setting: String,
    pub reason: String,
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{path} is not {what}: {reason}")]
    NotThatFormat {
        path: String,
        what: &'static str,
        reason: String,
    },
    #[error(
        "{0} is not a Postman collection, an Insomnia export, a Bruno collection or an OAuth Desk export"
    )]
    Unrecognised(String),
    #[error("nothing to import: no file was given")]
    Empty,
    #[error(transparent)]
    Folder(#[from] FolderError),
}

/// The grants an API client may configure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Grant {
    AuthorizationCode,
    ClientCredentials,
    /// Implicit, password, and anything else this version can't use.
    Unsupported,
}

/// One OAuth 2.0 configuration as an API client holds it, variables resolved.
#[derive(Debug, Clone, Default)]
pub(crate) struct OAuthConfig {
    /// Where it was found (collection › folder › request).
    pub source: String,
    /// The name it suggests for the provider.
    pub name: String,
    pub grant: Option<Grant>,
    /// The grant as the file spells it (for notes).
    pub grant_name: String,
    pub authorization_url: Option<String>,
    pub token_url: Option<String>,
    pub client_id: Option<String>,
    pub client_secret: Option<String>,
    pub scope: Option<String>,
    pub redirect_uri: Option<String>,
    pub pkce: Option<PkceMode>,
    /// `true`: the client's credentials go in the body (client_secret_post); `false`: Basic.
    pub credentials_in_body: Option<bool>,
    pub audience: Option<String>,
    pub resource: Option<String>,
    pub authorize_params: Vec<String>,
    pub token_params: Vec<String>,
}

/// What was found: the specs to add, with their client secrets, and the notes.
#[derive(Debug, Default)]
pub struct Parsed {
    pub format: Option<ImportFormat>,
    /// The collection's own name, when it has one.
    pub collection: Option<String>,
    pub found: Vec<Found>,
    pub notes: Vec<ImportNote>,
}

/// One provider to add.
#[derive(Debug)]
pub struct Found {
    pub source: String,
    pub spec: ProviderSpec,
    pub client_secret: Option<Secret>,
}

/// Reads `files` as `format` (or recognises it), with `env` (an environment file of the same
/// tool) for the variables the collection leaves to it.
pub fn parse(
    files: &[ImportFile],
    format: ImportFormat,
    env: Option<&ImportFile>,
) -> Result<Parsed, ImportError> {
    let first = files.first().ok_or(ImportError::Empty)?;
    let format = match format {
        ImportFormat::Auto => {
            recognise(files).ok_or_else(|| ImportError::Unrecognised(first.path.clone()))?
        }
        other => other,
    };
    let mut notes = Vec::new();
    let (collection, configs) = match format {
        ImportFormat::Postman => postman::read(first, env, &mut notes)?,
        ImportFormat::Insomnia => insomnia::read(first, env, &mut notes)?,
        ImportFormat::Bruno => bruno::read(files, env, &mut notes)?,
        ImportFormat::OauthDesk | ImportFormat::Auto => {
            return Ok(Parsed {
                format: Some(ImportFormat::OauthDesk),
                ..Parsed::default()
            });
        }
    };
    let found = distinct(configs)
        .into_iter()
        .filter_map(|config| to_spec(config, &mut notes))
        .collect();
    Ok(Parsed {
        format: Some(format),
        collection,
        found,
        notes,
    })
}

/// Which tool made these files.
pub fn recognise(files: &[ImportFile]) -> Option<ImportFormat> {
    if files
        .iter()
        .any(|f| f.path.ends_with(".bru") || f.path.ends_with("bruno.json"))
    {
        return Some(ImportFormat::Bruno);
    }
    let text = files.first()?.text.trim_start();
    if let Ok(json) = serde_json::from_str::<serde_json::Value>(text) {
        if json.get("oauth_desk_export").is_some() {
            return Some(ImportFormat::OauthDesk);
        }
        if json["info"]["schema"]
            .as_str()
            .is_some_and(|s| s.contains("getpostman.com") || s.contains("postman"))
        {
            return Some(ImportFormat::Postman);
        }
        if json["_type"] == "export" || json.get("__export_format").is_some() {
            return Some(ImportFormat::Insomnia);
        }
        return None;
    }
    text.starts_with("type: collection.insomnia.rest")
        .then_some(ImportFormat::Insomnia)
        .or_else(|| {
            text.contains("\ntype: collection.insomnia.rest")
                .then_some(ImportFormat::Insomnia)
        })
}

/// One configuration per distinct server + client + grant: requests that share their
/// collection's or folder's settings (or repeat them) make one provider, named after the
/// first place it was found.
fn distinct(configs: Vec<OAuthConfig>) -> Vec<OAuthConfig> {
    let mut seen = std::collections::HashSet::new();
    configs
        .into_iter()
        .filter(|c| {
            seen.insert((
                c.authorization_url.clone(),
                c.token_url.clone(),
                c.client_id.clone(),
                c.grant,
            ))
        })
        .collect()
}

/// Redirect URIs that belong to the API client itself: useless to OAuth Desk, which listens on
/// a loopback address.
const CLIENT_CALLBACKS: &[&str] = &["oauth.pstmn.io", "oauth.usebruno.com"];

#[expect(
    clippy::too_many_lines,
    reason = "one table: each collection setting and where it goes, or why not"
)]
fn to_spec(config: OAuthConfig, notes: &mut Vec<ImportNote>) -> Option<Found> {
    let mut note = |setting: &str, reason: String| {
        notes.push(ImportNote {
            source: config.source.clone(),
            setting: setting.to_owned(),
            reason,
        })
    };
    match config.grant {
        Some(Grant::AuthorizationCode | Grant::ClientCredentials) => {}
        Some(Grant::Unsupported) | None => {
            note(
                "grant type",
                format!(
                    "{:?} is not supported (authorization code and client credentials are): not imported",
                    config.grant_name
                ),
            );
            return None;
        }
    }
    let Some(token_url) = config.token_url.clone() else {
        note("access token URL", "missing: not imported".into());
        return None;
    };
    let Some(client_id) = config.client_id.clone().filter(|c| !c.is_empty()) else {
        note("client ID", "missing: not imported".into());
        return None;
    };
    let code = config.grant == Some(Grant::AuthorizationCode);
    if code && config.authorization_url.is_none() {
        note("authorization URL", "missing: not imported".into());
        return None;
    }
    let secret = config.client_secret.clone().filter(|s| !s.is_empty());
    let auth_method = match (&secret, config.credentials_in_body) {
        (None, _) => None,
        (Some(_), Some(true)) => Some(AuthMethod::ClientSecretPost),
        (Some(_), _) => Some(AuthMethod::ClientSecretBasic),
    };
    let redirect_uri = match &config.redirect_uri {
        Some(uri) if CLIENT_CALLBACKS.iter().any(|c| uri.contains(c)) => {
            note(
                "callback URL",
                format!(
                    "{uri} is the API client's own page; OAuth Desk listens on http://127.0.0.1/callback (register that, with any port)"
                ),
            );
            None
        }
        other => other.clone().filter(|u| !u.is_empty()),
    };
    let mut params = config.authorize_params.clone();
    let mut token_params = config.token_params.clone();
    for (key, value) in [
        ("audience", &config.audience),
        ("resource", &config.resource),
    ] {
        if let Some(value) = value.as_ref().filter(|v| !v.is_empty()) {
            let param = format!("{key}={value}");
            if code {
                params.push(param);
            } else {
                token_params.push(param);
            }
        }
    }
    let spec = ProviderSpec {
        name: config.name.clone(),
        authorization_url: if code {
            config.authorization_url.clone()
        } else {
            None
        },
        token_url: Some(token_url),
        client_id,
        auth_method,
        scope: config.scope.clone().filter(|s| !s.is_empty()),
        redirect_uri: if code { redirect_uri } else { None },
        pkce: if code { config.pkce } else { None },
        params: if code { params } else { vec![] },
        token_params,
        ..ProviderSpec::default()
    };
    Some(Found {
        source: config.source,
        spec,
        client_secret: secret.map(Secret::new),
    })
}

/// Why a fixed `state` or code verifier is dropped.
pub(crate) const NOT_FIXED: &str =
    "fixed values are not kept: OAuth Desk makes a fresh random one for every sign-in";
/// Why a tool's own setting is dropped.
pub(crate) const NO_SUCH_SETTING: &str = "not mapped: OAuth Desk has no such setting";

/// A provider name from a collection's or request's name: letters, digits, `.`, `_`, `-`.
pub fn provider_name(text: &str) -> String {
    let mut name = String::new();
    for c in text.trim().chars() {
        if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
            name.push(c.to_ascii_lowercase());
        } else if !name.ends_with('-') {
            name.push('-');
        }
    }
    let name = name.trim_matches('-').chars().take(48).collect::<String>();
    if name.is_empty() || name == "." || name == ".." {
        "imported".into()
    } else {
        name
    }
}

#[cfg(test)]
mod tests;
