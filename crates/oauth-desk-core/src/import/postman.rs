//! Postman collections (format v2.1, `info.schema` …/collection/v2.1.0/…): `auth.oauth2` at the
//! collection, folder and request levels (a request without its own auth inherits its
//! parent's), settings as `[{key, value}]`; `{{variables}}` from the collection's `variable`
//! list and an environment file (`{"values": [{key, value, enabled}]}`), the environment first.

use serde_json::Value;

use super::{Grant, ImportError, ImportFile, ImportNote, OAuthConfig, Vars, provider_name};
use crate::provider::PkceMode;

pub(super) fn read(
    file: &ImportFile,
    env: Option<&ImportFile>,
    notes: &mut Vec<ImportNote>,
) -> Result<(Option<String>, Vec<OAuthConfig>), ImportError> {
    let not_postman = |reason: String| ImportError::NotThatFormat {
        path: file.path.clone(),
        what: "a Postman v2.1 collection",
        reason,
    };
    let doc: Value = serde_json::from_str(&file.text).map_err(|e| not_postman(e.to_string()))?;
    let schema = doc["info"]["schema"].as_str().unwrap_or_default();
    if !schema.contains("v2.1") && !schema.contains("v2.0") {
        return Err(not_postman(format!(
            "its info.schema is {:?}, not a v2.1 collection",
            schema
        )));
    }
    let mut vars = Vars::new();
    if let Some(env) = env {
        let env_doc: Value =
            serde_json::from_str(&env.text).map_err(|e| ImportError::NotThatFormat {
                path: env.path.clone(),
                what: "a Postman environment",
                reason: e.to_string(),
            })?;
        for v in env_doc["values"].as_array().into_iter().flatten() {
            if v["enabled"] != false {
                define(&mut vars, v);
            }
        }
    }
    for v in doc["variable"].as_array().into_iter().flatten() {
        define(&mut vars, v);
    }
    let collection = doc["info"]["name"].as_str().unwrap_or("postman").to_owned();
    let mut configs = Vec::new();
    let source = format!("collection {collection}");
    walk(&doc, &source, &collection, None, &vars, &mut configs, notes);
    Ok((Some(collection), configs))
}

fn define(vars: &mut Vars, v: &Value) {
    if let (Some(key), Some(value)) = (v["key"].as_str(), v["value"].as_str()) {
        vars.define(key, value);
    }
}

/// Visits a collection or folder (`item` list) and its requests, passing the inherited auth.
fn walk(
    node: &Value,
    source: &str,
    name: &str,
    inherited: Option<&Value>,
    vars: &Vars,
    configs: &mut Vec<OAuthConfig>,
    notes: &mut Vec<ImportNote>,
) {
    let own = node.get("auth").or_else(|| node["request"].get("auth"));
    let auth = match own {
        Some(a) if a["type"] == "inherit" => inherited,
        Some(a) if a["type"] == "noauth" => None,
        Some(a) => Some(a),
        None => inherited,
    };
    // A configuration is read where it is set; requests that inherit it add nothing new.
    if let Some(auth) = own.filter(|a| a["type"] == "oauth2")
        && let Some(config) = config_of(auth, source, name, vars, notes)
    {
        configs.push(config);
    }
    for item in node["item"].as_array().into_iter().flatten() {
        let item_name = item["name"].as_str().unwrap_or("request");
        let kind = if item.get("item").is_some() {
            "folder"
        } else {
            "request"
        };
        walk(
            item,
            &format!("{source} › {kind} {item_name}"),
            &format!("{name}-{item_name}"),
            auth,
            vars,
            configs,
            notes,
        );
    }
}

/// The `oauth2` settings: a list of `{key, value}`.
#[expect(
    clippy::too_many_lines,
    reason = "one table: each of Postman's OAuth 2.0 keys"
)]
fn config_of(
    auth: &Value,
    source: &str,
    name: &str,
    vars: &Vars,
    notes: &mut Vec<ImportNote>,
) -> Option<OAuthConfig> {
    let settings = auth["oauth2"].as_array()?;
    let raw = |key: &str| {
        settings
            .iter()
            .find(|s| s["key"] == key)
            .map(|s| s["value"].clone())
    };
    let mut text = |key: &str, setting: &str| -> Option<String> {
        let value = raw(key)?;
        let value = match value {
            Value::String(s) => s,
            Value::Bool(b) => b.to_string(),
            Value::Number(n) => n.to_string(),
            _ => return None,
        };
        vars.resolve(&value, source, setting, notes)
    };
    let grant_name =
        text("grant_type", "grant type").unwrap_or_else(|| "authorization_code".into());
    let (grant, pkce) = match grant_name.as_str() {
        "authorization_code" => (Grant::AuthorizationCode, None),
        "authorization_code_with_pkce" => {
            let method = text("challengeAlgorithm", "code challenge method");
            let pkce = match method.as_deref() {
                Some("plain") => PkceMode::Plain,
                _ => PkceMode::S256,
            };
            (Grant::AuthorizationCode, Some(pkce))
        }
        "client_credentials" => (Grant::ClientCredentials, None),
        _ => (Grant::Unsupported, None),
    };
    let mut config = OAuthConfig {
        source: source.to_owned(),
        name: provider_name(name),
        grant: Some(grant),
        grant_name,
        authorization_url: text("authUrl", "auth URL"),
        token_url: text("accessTokenUrl", "access token URL"),
        client_id: text("clientId", "client ID"),
        client_secret: text("clientSecret", "client secret"),
        scope: text("scope", "scope"),
        redirect_uri: text("redirect_uri", "callback URL"),
        pkce,
        credentials_in_body: text("client_authentication", "client authentication")
            .map(|v| v == "body"),
        audience: None,
        resource: None,
        authorize_params: vec![],
        token_params: vec![],
    };
    for (key, target) in [("authRequestParams", true), ("tokenRequestParams", false)] {
        for param in raw(key)
            .and_then(|v| v.as_array().cloned())
            .into_iter()
            .flatten()
        {
            if param["enabled"] == false {
                continue;
            }
            let (Some(k), Some(v)) = (param["key"].as_str(), param["value"].as_str()) else {
                continue;
            };
            if let Some(v) = vars.resolve(v, source, &format!("parameter {k}"), notes) {
                let list = if target {
                    &mut config.authorize_params
                } else {
                    &mut config.token_params
                };
                list.push(format!("{k}={v}"));
            }
        }
    }
    for (key, setting) in [
        ("state", "state"),
        ("code_verifier", "code verifier"),
        ("refreshRequestParams", "refresh request parameters"),
        ("tokenType", "token type"),
    ] {
        if raw(key).is_some_and(|v| v != "" && v != Value::Array(vec![])) {
            notes.push(ImportNote {
                source: source.to_owned(),
                setting: setting.to_owned(),
                reason: match key {
                    "state" | "code_verifier" => super::NOT_FIXED.into(),
                    _ => super::NO_SUCH_SETTING.into(),
                },
            });
        }
    }
    Some(config)
}
