//! Bruno collections: a folder with `bruno.json` (its name), `collection.bru` (collection-level
//! `auth:oauth2`), request `.bru` files (their own `auth:oauth2` when the request's `auth` is
//! `oauth2`), and `environments/*.bru` (`vars { … }`). The `.bru` language is blocks —
//! `name {`, `key: value` lines, a closing `}` at the start of a line — read here as such.

use std::collections::HashMap;

use super::{Grant, ImportError, ImportFile, ImportNote, OAuthConfig, Vars, provider_name};
use crate::provider::PkceMode;

/// A `.bru` file's blocks: name → its `key: value` lines (disabled `~key` lines left out).
fn blocks(text: &str) -> HashMap<String, Vec<(String, String)>> {
    let mut out: HashMap<String, Vec<(String, String)>> = HashMap::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        match &current {
            None => {
                if let Some(name) = line.strip_suffix('{').map(str::trim)
                    && !name.is_empty()
                    && !line.starts_with(char::is_whitespace)
                {
                    out.entry(name.to_owned()).or_default();
                    current = Some(name.to_owned());
                }
            }
            Some(name) => {
                if line.trim_end() == "}" && !line.starts_with(char::is_whitespace) {
                    current = None;
                } else if let Some((k, v)) = line.trim().split_once(':')
                    && !k.starts_with('~')
                    && !k.trim().is_empty()
                {
                    out.entry(name.clone())
                        .or_default()
                        .push((k.trim().to_owned(), v.trim().to_owned()));
                }
            }
        }
    }
    out
}

fn value<'a>(block: Option<&'a Vec<(String, String)>>, key: &str) -> Option<&'a str> {
    block?
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

pub(super) fn read(
    files: &[ImportFile],
    env: Option<&ImportFile>,
    notes: &mut Vec<ImportNote>,
) -> Result<(Option<String>, Vec<OAuthConfig>), ImportError> {
    let mut vars = Vars::new();
    if let Some(env) = env {
        for (k, v) in blocks(&env.text).get("vars").into_iter().flatten() {
            vars.define(k, v);
        }
    }
    let name = files
        .iter()
        .find(|f| f.path.ends_with("bruno.json"))
        .and_then(|f| serde_json::from_str::<serde_json::Value>(&f.text).ok())
        .and_then(|j| j["name"].as_str().map(str::to_owned));
    let collection_file = files.iter().find(|f| f.path.ends_with("collection.bru"));
    let collection = collection_file.map(|f| blocks(&f.text));
    for (k, v) in collection
        .as_ref()
        .and_then(|c| c.get("vars:pre-request"))
        .into_iter()
        .flatten()
    {
        vars.define(k, v);
    }
    let title = name.clone().unwrap_or_else(|| "bruno".into());
    let mut configs = Vec::new();
    if let Some(c) = &collection
        && value(c.get("auth"), "mode") == Some("oauth2")
        && let Some(config) = config_of(c, &format!("collection {title}"), &title, &vars, notes)
    {
        configs.push(config);
    }
    let requests = files.iter().filter(|f| {
        f.path.ends_with(".bru")
            && !f.path.ends_with("collection.bru")
            && !f.path.ends_with("folder.bru")
            && !f.path.contains("environments/")
    });
    let mut any_bru = collection_file.is_some();
    for file in requests {
        any_bru = true;
        let b = blocks(&file.text);
        let request = value(b.get("meta"), "name")
            .unwrap_or(&file.path)
            .to_owned();
        let auth_mode = ["get", "post", "put", "patch", "delete", "options", "head"]
            .iter()
            .find_map(|m| value(b.get(*m), "auth"));
        if auth_mode != Some("oauth2") {
            continue;
        }
        let source = format!("collection {title} › request {request}");
        if let Some(config) = config_of(&b, &source, &format!("{title}-{request}"), &vars, notes) {
            configs.push(config);
        }
    }
    if !any_bru {
        return Err(ImportError::NotThatFormat {
            path: files.first().map(|f| f.path.clone()).unwrap_or_default(),
            what: "a Bruno collection",
            reason: "it has no .bru file".into(),
        });
    }
    Ok((name, configs))
}

fn config_of(
    b: &HashMap<String, Vec<(String, String)>>,
    source: &str,
    name: &str,
    vars: &Vars,
    notes: &mut Vec<ImportNote>,
) -> Option<OAuthConfig> {
    let auth = b.get("auth:oauth2");
    let mut text = |key: &str, setting: &str| -> Option<String> {
        let raw = value(auth, key)?;
        if raw.is_empty() {
            return None;
        }
        vars.resolve(raw, source, setting, notes)
    };
    let grant_name =
        text("grant_type", "grant type").unwrap_or_else(|| "authorization_code".into());
    let grant = match grant_name.as_str() {
        "authorization_code" => Grant::AuthorizationCode,
        "client_credentials" => Grant::ClientCredentials,
        _ => Grant::Unsupported,
    };
    let pkce = text("pkce", "PKCE").and_then(|v| (v == "true").then_some(PkceMode::S256));
    let config = OAuthConfig {
        source: source.to_owned(),
        name: provider_name(name),
        grant: Some(grant),
        grant_name,
        authorization_url: text("authorization_url", "authorization URL"),
        token_url: text("access_token_url", "access token URL"),
        client_id: text("client_id", "client ID"),
        client_secret: text("client_secret", "client secret"),
        scope: text("scope", "scope"),
        redirect_uri: text("callback_url", "callback URL"),
        pkce,
        credentials_in_body: text("credentials_placement", "credentials placement")
            .map(|v| v == "body"),
        audience: None,
        resource: None,
        authorize_params: vec![],
        token_params: vec![],
    };
    if value(auth, "state").is_some_and(|s| !s.is_empty()) {
        notes.push(ImportNote {
            source: source.to_owned(),
            setting: "state".into(),
            reason: super::NOT_FIXED.into(),
        });
    }
    Some(config)
}
