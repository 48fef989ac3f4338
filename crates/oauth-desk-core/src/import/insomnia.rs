//! Insomnia exports: v4 JSON (`_type: export`, a flat `resources` list of workspaces, request
//! groups, requests and environments) and v5 YAML (`type: collection.insomnia.rest/5.0`, a
//! `collection` tree of folders with `children` and requests, `environments`). An OAuth 2.0
//! `authentication` on a request or a folder is one configuration; `{{ _.variables }}` come
//! from the export's environments and an environment file, the file first.

use serde_json::{Map, Value};

use super::{Grant, ImportError, ImportFile, ImportNote, OAuthConfig, Vars, provider_name};
use crate::provider::PkceMode;

pub(super) fn read(
    file: &ImportFile,
    env: Option<&ImportFile>,
    notes: &mut Vec<ImportNote>,
) -> Result<(Option<String>, Vec<OAuthConfig>), ImportError> {
    let doc = parse_doc(file)?;
    let mut vars = Vars::new();
    if let Some(env) = env {
        let env_doc = parse_doc(env)?;
        // An environment file: Insomnia's own export of one, or a plain object of values.
        let data = env_doc.get("data").unwrap_or(&env_doc);
        define_all(&mut vars, data);
    }
    let mut configs = Vec::new();
    if doc["_type"] == "export" || doc.get("__export_format").is_some() {
        let resources = doc["resources"].as_array().cloned().unwrap_or_default();
        for r in resources.iter().filter(|r| r["_type"] == "environment") {
            define_all(&mut vars, &r["data"]);
        }
        let workspace = resources
            .iter()
            .find(|r| r["_type"] == "workspace")
            .and_then(|w| w["name"].as_str())
            .unwrap_or("insomnia")
            .to_owned();
        for r in &resources {
            let kind = match r["_type"].as_str() {
                Some("request") => "request",
                Some("request_group") => "folder",
                _ => continue,
            };
            let name = r["name"].as_str().unwrap_or(kind);
            let source = format!("workspace {workspace} › {kind} {name}");
            if let Some(config) = config_of(&r["authentication"], &source, name, &vars, notes) {
                configs.push(config);
            }
        }
        return Ok((Some(workspace), configs));
    }
    if !doc["type"]
        .as_str()
        .is_some_and(|t| t.starts_with("collection.insomnia.rest"))
    {
        return Err(ImportError::NotThatFormat {
            path: file.path.clone(),
            what: "an Insomnia export",
            reason: "it is neither a v4 export (_type: export) nor a v5 collection".into(),
        });
    }
    let environments = &doc["environments"];
    define_all(&mut vars, &environments["data"]);
    for sub in environments["subEnvironments"]
        .as_array()
        .into_iter()
        .flatten()
    {
        define_all(&mut vars, &sub["data"]);
    }
    let name = doc["name"].as_str().unwrap_or("insomnia").to_owned();
    let source = format!("collection {name}");
    if let Some(config) = config_of(&doc["authentication"], &source, &name, &vars, notes) {
        configs.push(config);
    }
    for item in doc["collection"].as_array().into_iter().flatten() {
        walk_v5(item, &source, &vars, &mut configs, notes);
    }
    Ok((Some(name), configs))
}

fn parse_doc(file: &ImportFile) -> Result<Value, ImportError> {
    let text = file.text.trim_start();
    let parsed = if text.starts_with('{') {
        serde_json::from_str(text).map_err(|e| e.to_string())
    } else {
        serde_yaml_ng::from_str(text).map_err(|e| e.to_string())
    };
    parsed.map_err(|reason| ImportError::NotThatFormat {
        path: file.path.clone(),
        what: "an Insomnia export",
        reason,
    })
}

fn define_all(vars: &mut Vars, data: &Value) {
    fn visit(vars: &mut Vars, prefix: &str, value: &Map<String, Value>) {
        for (k, v) in value {
            let key = if prefix.is_empty() {
                k.clone()
            } else {
                format!("{prefix}.{k}")
            };
            match v {
                Value::String(s) => vars.define(&key, s),
                Value::Number(n) => vars.define(&key, &n.to_string()),
                Value::Bool(b) => vars.define(&key, &b.to_string()),
                Value::Object(inner) => visit(vars, &key, inner),
                _ => {}
            }
        }
    }
    if let Some(map) = data.as_object() {
        visit(vars, "", map);
    }
}

fn walk_v5(
    item: &Value,
    parent: &str,
    vars: &Vars,
    configs: &mut Vec<OAuthConfig>,
    notes: &mut Vec<ImportNote>,
) {
    let name = item["name"].as_str().unwrap_or("request");
    let kind = if item.get("children").is_some() {
        "folder"
    } else {
        "request"
    };
    let source = format!("{parent} › {kind} {name}");
    if let Some(config) = config_of(&item["authentication"], &source, name, vars, notes) {
        configs.push(config);
    }
    for child in item["children"].as_array().into_iter().flatten() {
        walk_v5(child, &source, vars, configs, notes);
    }
}

fn config_of(
    auth: &Value,
    source: &str,
    name: &str,
    vars: &Vars,
    notes: &mut Vec<ImportNote>,
) -> Option<OAuthConfig> {
    if auth["type"] != "oauth2" || auth["disabled"] == true {
        return None;
    }
    let mut text = |key: &str, setting: &str| -> Option<String> {
        let value = auth[key].as_str()?;
        vars.resolve(value, source, setting, notes)
    };
    let grant_name = text("grantType", "grant type").unwrap_or_else(|| "authorization_code".into());
    let grant = match grant_name.as_str() {
        "authorization_code" => Grant::AuthorizationCode,
        "client_credentials" => Grant::ClientCredentials,
        _ => Grant::Unsupported,
    };
    let pkce = (auth["usePkce"] == true).then(|| match auth["pkceMethod"].as_str() {
        Some("plain") => PkceMode::Plain,
        _ => PkceMode::S256,
    });
    let config = OAuthConfig {
        source: source.to_owned(),
        name: provider_name(name),
        grant: Some(grant),
        grant_name,
        authorization_url: text("authorizationUrl", "authorization URL"),
        token_url: text("accessTokenUrl", "access token URL"),
        client_id: text("clientId", "client ID"),
        client_secret: text("clientSecret", "client secret"),
        scope: text("scope", "scope"),
        redirect_uri: text("redirectUrl", "redirect URL"),
        pkce,
        credentials_in_body: auth["credentialsInBody"].as_bool(),
        audience: text("audience", "audience"),
        resource: text("resource", "resource"),
        authorize_params: vec![],
        token_params: vec![],
    };
    for (key, setting) in [
        ("state", "state"),
        ("tokenPrefix", "token prefix"),
        ("origin", "origin"),
    ] {
        if auth[key].as_str().is_some_and(|v| !v.is_empty()) {
            notes.push(ImportNote {
                source: source.to_owned(),
                setting: setting.to_owned(),
                reason: if key == "state" {
                    super::NOT_FIXED.into()
                } else {
                    super::NO_SUCH_SETTING.into()
                },
            });
        }
    }
    Some(config)
}
