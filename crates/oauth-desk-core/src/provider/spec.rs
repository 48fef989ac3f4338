//! `ProviderSpec`: what a person asks for when adding or editing a provider — the CLI's
//! `provider add` flags and the app's provider form, one type. `None` fields take the
//! template's or discovery's value or the secure default ([`super::build::build`] decides).
//! The choices are typed, so the app's form and the CLI accept exactly the same values.

use super::{
    AssertionAudience, AuthMethod, AuthorizeMethod, DpopAlg, ParMode, PkceMode, Provider,
    RequestObjectMode,
};

#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ProviderSpec {
    pub name: String,
    pub template: Option<String>,
    pub issuer: Option<String>,
    pub authorization_url: Option<String>,
    pub token_url: Option<String>,
    pub device_url: Option<String>,
    pub revocation_url: Option<String>,
    pub introspection_url: Option<String>,
    pub userinfo_url: Option<String>,
    pub jwks_url: Option<String>,
    pub end_session_url: Option<String>,
    /// The pushed authorization request endpoint (RFC 9126), when discovery has none.
    pub par_url: Option<String>,
    pub client_id: String,
    pub auth_method: Option<AuthMethod>,
    pub scope: Option<String>,
    pub redirect_uri: Option<String>,
    /// Where the end-session page returns (a loopback URI), for servers that compare it.
    pub post_logout_redirect_uri: Option<String>,
    pub pkce: Option<PkceMode>,
    pub authorize_method: Option<AuthorizeMethod>,
    pub params: Vec<String>,
    pub token_params: Vec<String>,
    /// Resource indicators (RFC 8707), absolute URIs.
    pub resources: Vec<String>,
    pub callback_timeout_secs: Option<u64>,
    /// Keep the keeper away from this provider.
    pub no_auto_refresh: bool,
    /// Renew this long before expiry instead of the default margin.
    pub refresh_margin_secs: Option<u64>,
    /// The desktop app signs in with the system browser rather than its login window.
    pub system_browser: bool,
    /// Accept plain-http endpoints on hosts that are not loopback (insecure: shown as a warning
    /// wherever the provider is).
    pub allow_http: bool,
    /// The username git is given with the token (default `oauth2`).
    pub git_username: Option<String>,
    /// The protected resource metadata URL (RFC 9728) the settings came from.
    pub resource_metadata: Option<String>,
    /// Push the authorization request (RFC 9126): auto (default), on, off.
    pub par: Option<ParMode>,
    /// Send the authorization request as a signed request object (RFC 9101).
    pub request_object: Option<RequestObjectMode>,
    /// Bind tokens to a DPoP key (RFC 9449).
    pub dpop: bool,
    /// The DPoP key's algorithm (implies `dpop`); ES256 when unset.
    pub dpop_alg: Option<DpopAlg>,
    /// RFC 9396 authorization details, a JSON array of objects with `type`.
    pub authorization_details: Option<String>,
    /// The `aud` of client assertions: the issuer (default) or the token endpoint.
    pub assertion_audience: Option<AssertionAudience>,
}

impl ProviderSpec {
    /// A form leaves empty text fields as `""`, and empty lines in its lists: they mean "not
    /// set". Saving and the form's check read a spec so.
    pub fn normalise(&mut self) {
        for field in [
            &mut self.template,
            &mut self.issuer,
            &mut self.authorization_url,
            &mut self.token_url,
            &mut self.device_url,
            &mut self.revocation_url,
            &mut self.introspection_url,
            &mut self.userinfo_url,
            &mut self.jwks_url,
            &mut self.end_session_url,
            &mut self.redirect_uri,
            &mut self.post_logout_redirect_uri,
            &mut self.par_url,
            &mut self.authorization_details,
        ] {
            if field.as_deref().is_some_and(|v| v.trim().is_empty()) {
                *field = None;
            }
        }
        self.params.retain(|p| !p.trim().is_empty());
        self.token_params.retain(|p| !p.trim().is_empty());
        self.resources.retain(|r| !r.trim().is_empty());
    }

    /// What the provider form shows for an existing provider: every setting, spelled as `add`
    /// takes it, so saving it unchanged changes nothing.
    pub fn of(provider: &Provider) -> ProviderSpec {
        let url = |u: &Option<url::Url>| u.as_ref().map(|u| u.to_string());
        let e = &provider.endpoints;
        ProviderSpec {
            name: provider.name.to_string(),
            template: provider.template.clone(),
            issuer: provider.issuer.as_ref().map(ToString::to_string),
            authorization_url: url(&e.authorization),
            token_url: url(&e.token),
            device_url: url(&e.device_authorization),
            revocation_url: url(&e.revocation),
            introspection_url: url(&e.introspection),
            userinfo_url: url(&e.userinfo),
            jwks_url: url(&e.jwks),
            end_session_url: url(&e.end_session),
            par_url: url(&e.pushed_authorization),
            client_id: provider.client_id.to_string(),
            auth_method: Some(provider.auth_method),
            scope: Some(provider.scope.to_string()),
            redirect_uri: Some(provider.redirect_uri.to_string()),
            post_logout_redirect_uri: provider
                .post_logout_redirect_uri
                .as_ref()
                .map(ToString::to_string),
            pkce: Some(provider.pkce),
            authorize_method: Some(provider.authorize_method),
            params: provider
                .authorize_params
                .iter()
                .map(|p| format!("{}={}", p.0, p.1))
                .collect(),
            token_params: provider
                .token_params
                .iter()
                .map(|p| format!("{}={}", p.0, p.1))
                .collect(),
            resources: provider.resources.clone(),
            callback_timeout_secs: Some(provider.callback_timeout_secs),
            no_auto_refresh: !provider.auto_refresh,
            refresh_margin_secs: provider.refresh_margin_secs,
            system_browser: provider.system_browser,
            allow_http: provider.allow_http,
            git_username: provider.git_username.clone(),
            resource_metadata: provider.resource_metadata.clone(),
            par: Some(provider.security.par),
            request_object: Some(provider.security.request_object),
            dpop: provider.security.dpop.is_some(),
            dpop_alg: provider.security.dpop,
            authorization_details: provider.security.authorization_details.clone(),
            assertion_audience: Some(provider.security.assertion_audience),
        }
    }
}

/// How a setting's value is written in a file (a project file's provider table, and the keys
/// `provider export` names).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Text,
    /// A text naming one of a setting's choices (`auth_method = "basic"`).
    Choice,
    Flag,
    Seconds,
    Texts,
    /// `k = "v"` pairs (a table; an array repeats the key).
    Params,
    /// `true`/`false`, or a choice that implies `true` (`dpop = "EdDSA"`).
    FlagOrChoice,
    /// JSON, written as a JSON text or as a TOML array (of tables).
    Json,
}

/// A setting's value as a file gave it (read, and `${…}` expanded, by the file's reader).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileValue {
    Text(String),
    Flag(bool),
    Seconds(u64),
    /// Resources; `key=value` parameters.
    Texts(Vec<String>),
}

/// Where a setting is written: `key`, or `table.key`, and how.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileKey {
    pub table: Option<&'static str>,
    pub key: &'static str,
    pub kind: FileKind,
}

const fn at(key: &'static str, kind: FileKind) -> FileKey {
    FileKey {
        table: None,
        key,
        kind,
    }
}

const fn inside(table: &'static str, key: &'static str, kind: FileKind) -> FileKey {
    FileKey {
        table: Some(table),
        key,
        kind,
    }
}

impl ProviderSpec {
    /// Every setting a file can give, by its key: what a project file's provider table reads
    /// (its reader names no field of its own; the secrets, identities and lab plan it adds are
    /// the project's). `name` is the table's own name. `params` is the short form of
    /// `authorize_params`.
    pub const FILE_KEYS: &[FileKey] = &[
        at("template", FileKind::Text),
        at("issuer", FileKind::Text),
        inside("endpoints", "authorization", FileKind::Text),
        inside("endpoints", "token", FileKind::Text),
        inside("endpoints", "device_authorization", FileKind::Text),
        inside("endpoints", "revocation", FileKind::Text),
        inside("endpoints", "introspection", FileKind::Text),
        inside("endpoints", "userinfo", FileKind::Text),
        inside("endpoints", "jwks", FileKind::Text),
        inside("endpoints", "end_session", FileKind::Text),
        inside("endpoints", "pushed_authorization", FileKind::Text),
        at("client_id", FileKind::Text),
        at("auth_method", FileKind::Choice),
        at("scope", FileKind::Text),
        at("pkce", FileKind::Choice),
        at("redirect_uri", FileKind::Text),
        at("post_logout_redirect_uri", FileKind::Text),
        at("authorize_method", FileKind::Choice),
        at("authorize_params", FileKind::Params),
        at("params", FileKind::Params),
        at("token_params", FileKind::Params),
        at("resources", FileKind::Texts),
        inside("security", "par", FileKind::Choice),
        inside("security", "request_object", FileKind::Choice),
        inside("security", "dpop", FileKind::FlagOrChoice),
        inside("security", "authorization_details", FileKind::Json),
        inside("security", "assertion_audience", FileKind::Choice),
        at("callback_timeout_secs", FileKind::Seconds),
        at("auto_refresh", FileKind::Flag),
        at("refresh_margin_secs", FileKind::Seconds),
        at("system_browser", FileKind::Flag),
        at("allow_http", FileKind::Flag),
        at("git_username", FileKind::Text),
        at("resource_metadata", FileKind::Text),
    ];

    /// The row of [`Self::FILE_KEYS`] for `key` in `table`.
    pub fn file_key(table: Option<&str>, key: &str) -> Option<&'static FileKey> {
        Self::FILE_KEYS
            .iter()
            .find(|k| k.table == table && k.key == key)
    }

    /// Sets what `key` says (a row of [`Self::FILE_KEYS`], its value read as its kind). A
    /// choice that is not one is refused with the choice's own words.
    pub fn set_from_file(
        &mut self,
        key: &FileKey,
        value: FileValue,
    ) -> Result<(), super::ProviderError> {
        use FileValue::{Flag, Seconds, Text, Texts};
        match (key.table, key.key, value) {
            (None, "template", Text(v)) => self.template = Some(v),
            (None, "issuer", Text(v)) => self.issuer = Some(v),
            (Some("endpoints"), endpoint, Text(v)) => *self.endpoint_mut(endpoint)? = Some(v),
            (None, "client_id", Text(v)) => self.client_id = v,
            (None, "auth_method", Text(v)) => self.auth_method = Some(v.parse()?),
            (None, "scope", Text(v)) => self.scope = Some(v),
            (None, "pkce", Text(v)) => self.pkce = Some(v.parse()?),
            (None, "redirect_uri", Text(v)) => self.redirect_uri = Some(v),
            (None, "post_logout_redirect_uri", Text(v)) => self.post_logout_redirect_uri = Some(v),
            (None, "authorize_method", Text(v)) => self.authorize_method = Some(v.parse()?),
            (None, "authorize_params" | "params", Texts(v)) => self.params.extend(v),
            (None, "token_params", Texts(v)) => self.token_params = v,
            (None, "resources", Texts(v)) => self.resources = v,
            (Some("security"), "par", Text(v)) => self.par = Some(v.parse()?),
            (Some("security"), "request_object", Text(v)) => self.request_object = Some(v.parse()?),
            (Some("security"), "dpop", Flag(on)) => self.dpop = on,
            (Some("security"), "dpop", Text(v)) => {
                self.dpop = true;
                self.dpop_alg = Some(v.parse()?);
            }
            (Some("security"), "authorization_details", Text(v)) => {
                self.authorization_details = Some(v);
            }
            (Some("security"), "assertion_audience", Text(v)) => {
                self.assertion_audience = Some(v.parse()?);
            }
            (None, "callback_timeout_secs", Seconds(s)) => self.callback_timeout_secs = Some(s),
            (None, "auto_refresh", Flag(on)) => self.no_auto_refresh = !on,
            (None, "refresh_margin_secs", Seconds(s)) => self.refresh_margin_secs = Some(s),
            (None, "system_browser", Flag(on)) => self.system_browser = on,
            (None, "allow_http", Flag(on)) => self.allow_http = on,
            (None, "git_username", Text(v)) => self.git_username = Some(v),
            (None, "resource_metadata", Text(v)) => self.resource_metadata = Some(v),
            (table, key, value) => {
                // A row of FILE_KEYS without an arm here, or a value not of its row's kind: the
                // reader's mistake, refused rather than dropped.
                return Err(super::ProviderError::UnknownChoice {
                    what: "setting",
                    value: format!(
                        "{}{key} = {value:?}",
                        table.map(|t| format!("{t}.")).unwrap_or_default()
                    ),
                    expected: "a key of ProviderSpec::FILE_KEYS, with a value of its kind",
                });
            }
        }
        Ok(())
    }

    fn endpoint_mut(&mut self, key: &str) -> Result<&mut Option<String>, super::ProviderError> {
        Ok(match key {
            "authorization" => &mut self.authorization_url,
            "token" => &mut self.token_url,
            "device_authorization" => &mut self.device_url,
            "revocation" => &mut self.revocation_url,
            "introspection" => &mut self.introspection_url,
            "userinfo" => &mut self.userinfo_url,
            "jwks" => &mut self.jwks_url,
            "end_session" => &mut self.end_session_url,
            "pushed_authorization" => &mut self.par_url,
            other => {
                return Err(super::ProviderError::UnknownChoice {
                    what: "endpoint",
                    value: other.to_owned(),
                    expected: "a key of ProviderSpec::FILE_KEYS",
                });
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every field set (written out whole: a field added to `ProviderSpec` does not compile
    /// here until it is given a value, and then the test below wants a key for it).
    fn every_field() -> ProviderSpec {
        ProviderSpec {
            name: "api".into(),
            template: Some("keycloak".into()),
            issuer: Some("https://id.example".into()),
            authorization_url: Some("https://id.example/a".into()),
            token_url: Some("https://id.example/t".into()),
            device_url: Some("https://id.example/d".into()),
            revocation_url: Some("https://id.example/r".into()),
            introspection_url: Some("https://id.example/i".into()),
            userinfo_url: Some("https://id.example/u".into()),
            jwks_url: Some("https://id.example/j".into()),
            end_session_url: Some("https://id.example/e".into()),
            par_url: Some("https://id.example/p".into()),
            client_id: "app".into(),
            auth_method: Some(AuthMethod::PrivateKeyJwt),
            scope: Some("openid".into()),
            redirect_uri: Some("http://127.0.0.1:4711/cb".into()),
            post_logout_redirect_uri: Some("http://127.0.0.1:4711/bye".into()),
            pkce: Some(PkceMode::Plain),
            authorize_method: Some(AuthorizeMethod::Post),
            params: vec!["prompt=login".into()],
            token_params: vec!["audience=x".into()],
            resources: vec!["https://api.example".into()],
            callback_timeout_secs: Some(60),
            no_auto_refresh: true,
            refresh_margin_secs: Some(30),
            system_browser: true,
            allow_http: true,
            git_username: Some("me".into()),
            resource_metadata: Some(
                "https://api.example/.well-known/oauth-protected-resource".into(),
            ),
            par: Some(ParMode::On),
            request_object: Some(RequestObjectMode::Signed),
            dpop: true,
            dpop_alg: Some(DpopAlg::EdDSA),
            authorization_details: Some(r#"[{"type":"x"}]"#.into()),
            assertion_audience: Some(AssertionAudience::TokenEndpoint),
        }
    }

    /// What a file would write for `key` to say what `spec` says.
    fn written(spec: &ProviderSpec, key: &FileKey) -> Option<FileValue> {
        let text = |v: &Option<String>| v.clone().map(FileValue::Text);
        let choice = |v: Option<String>| v.map(FileValue::Text);
        Some(match (key.table, key.key) {
            (None, "template") => return text(&spec.template),
            (None, "issuer") => return text(&spec.issuer),
            (Some("endpoints"), endpoint) => {
                return text(&spec.clone().endpoint_mut(endpoint).ok()?.clone());
            }
            (None, "client_id") => FileValue::Text(spec.client_id.clone()),
            (None, "auth_method") => return choice(spec.auth_method.map(|m| m.to_string())),
            (None, "scope") => return text(&spec.scope),
            (None, "pkce") => return choice(spec.pkce.map(|m| m.to_string())),
            (None, "redirect_uri") => return text(&spec.redirect_uri),
            (None, "post_logout_redirect_uri") => return text(&spec.post_logout_redirect_uri),
            (None, "authorize_method") => {
                return choice(spec.authorize_method.map(|m| m.to_string()));
            }
            // The short form says the same.
            (None, "params") => return None,
            (None, "authorize_params") => FileValue::Texts(spec.params.clone()),
            (None, "token_params") => FileValue::Texts(spec.token_params.clone()),
            (None, "resources") => FileValue::Texts(spec.resources.clone()),
            (Some("security"), "par") => return choice(spec.par.map(|m| m.to_string())),
            (Some("security"), "request_object") => {
                return choice(spec.request_object.map(|m| m.to_string()));
            }
            (Some("security"), "dpop") => match spec.dpop_alg {
                Some(alg) => FileValue::Text(alg.to_string()),
                None => FileValue::Flag(spec.dpop),
            },
            (Some("security"), "authorization_details") => {
                return text(&spec.authorization_details);
            }
            (Some("security"), "assertion_audience") => {
                return choice(spec.assertion_audience.map(|m| m.to_string()));
            }
            (None, "callback_timeout_secs") => FileValue::Seconds(spec.callback_timeout_secs?),
            (None, "auto_refresh") => FileValue::Flag(!spec.no_auto_refresh),
            (None, "refresh_margin_secs") => FileValue::Seconds(spec.refresh_margin_secs?),
            (None, "system_browser") => FileValue::Flag(spec.system_browser),
            (None, "allow_http") => FileValue::Flag(spec.allow_http),
            (None, "git_username") => return text(&spec.git_username),
            (None, "resource_metadata") => return text(&spec.resource_metadata),
            (table, key) => panic!("no way to write {table:?}.{key} in this test"),
        })
    }

    #[test]
    fn every_field_of_the_spec_has_a_file_key_that_sets_it() {
        let all = every_field();
        let mut read = ProviderSpec {
            name: all.name.clone(),
            ..ProviderSpec::default()
        };
        for key in ProviderSpec::FILE_KEYS {
            if let Some(value) = written(&all, key) {
                read.set_from_file(key, value)
                    .unwrap_or_else(|e| panic!("{key:?}: {e}"));
            }
        }
        assert_eq!(read, all, "a field no file key sets");
    }

    #[test]
    fn a_value_not_of_its_keys_kind_is_refused() {
        let key = ProviderSpec::file_key(None, "allow_http").unwrap();
        let mut spec = ProviderSpec::default();
        assert!(
            spec.set_from_file(key, FileValue::Text("yes".into()))
                .is_err()
        );
        let pkce = ProviderSpec::file_key(None, "pkce").unwrap();
        let e = spec
            .set_from_file(pkce, FileValue::Text("s512".into()))
            .unwrap_err();
        assert!(e.to_string().contains("s512"), "{e}");
    }
}
