use super::*;

const EXAMPLE: &str = r#"[env.dev]
issuer = "http://127.0.0.1:9100"
[env.stage]
issuer = "https://login.stage.example.com"

[provider.api]
issuer = "${issuer}"
client_id = "public-app"
scope = "openid profile offline_access"
params = { prompt = "consent" }

[provider.shop]
issuer = "${issuer}"
client_id = "shop"
auth_method = "basic"
client_secret = { secret = "shop-secret" }   # named secret in the vault
[provider.machine]
issuer = "${issuer}"
client_id = "machine"
auth_method = "basic"
client_secret = { env = "MACHINE_SECRET" }   # from the environment
"#;

fn project(text: &str) -> Result<Project, ProjectError> {
    Project::parse(PathBuf::from("/repo/oauth-desk.toml"), text.to_owned())
}

fn env(name: &str) -> EnvName {
    name.parse().unwrap()
}

/// The line an error names, and its message.
fn error_at(result: Result<impl std::fmt::Debug, ProjectError>) -> (usize, String) {
    match result {
        Err(ProjectError::At { line, message, .. }) => (line, message),
        other => panic!("expected an error naming its line, got {other:?}"),
    }
}

#[test]
fn the_issues_example_reads_in_each_environment() {
    let p = project(EXAMPLE).unwrap();
    assert_eq!(p.envs(), [env("dev"), env("stage")]);
    assert_eq!(p.default_env(), Some(env("dev")), "the file's first");
    let dev = p
        .provider(&"api".parse().unwrap(), Some(&env("dev")))
        .unwrap()
        .unwrap();
    assert_eq!(dev.spec.issuer.as_deref(), Some("http://127.0.0.1:9100"));
    assert_eq!(
        dev.spec.params,
        ["prompt=consent"],
        "params is authorize_params"
    );
    let stage = p
        .provider(&"api".parse().unwrap(), Some(&env("stage")))
        .unwrap()
        .unwrap();
    assert_eq!(
        stage.spec.issuer.as_deref(),
        Some("https://login.stage.example.com")
    );
    let shop = p
        .provider(&"shop".parse().unwrap(), Some(&env("dev")))
        .unwrap()
        .unwrap();
    let secret = shop.secrets.client_secret.unwrap();
    assert_eq!(secret.source, SecretSource::Named("shop-secret".into()));
    assert_eq!(
        secret.line, 16,
        "secret references keep their line for errors"
    );
    let machine = p
        .provider(&"machine".parse().unwrap(), Some(&env("dev")))
        .unwrap()
        .unwrap();
    assert_eq!(
        machine.secrets.client_secret.unwrap().source,
        SecretSource::Env("MACHINE_SECRET".into())
    );
    p.check(Some(&env("stage"))).unwrap();
}

#[test]
fn a_literal_secret_is_refused_at_its_line() {
    let text = EXAMPLE.replace(
        r#"client_secret = { secret = "shop-secret" }"#,
        r#"client_secret = "hunter2""#,
    );
    let (line, message) = error_at(project(&text).unwrap().check(Some(&env("dev"))));
    assert_eq!(line, 16);
    assert!(
        message.contains("holds no secret") && !message.contains("hunter2"),
        "the message explains and never repeats the secret: {message}"
    );
}

#[test]
fn unknown_keys_are_refused_at_their_line() {
    let text = EXAMPLE.replace("scope = \"openid", "scopes = \"openid");
    let (line, message) = error_at(project(&text).unwrap().check(Some(&env("dev"))));
    assert_eq!(line, 9);
    assert!(message.contains("unknown key \"scopes\""), "{message}");
    let (line, message) = error_at(
        project("[provider.a]\nclient_id = \"x\"\n[provider.a.endpoints]\ntokn = \"https://x\"\n")
            .unwrap()
            .check(None),
    );
    assert!(line >= 3, "{line}");
    assert!(message.contains("unknown endpoint \"tokn\""), "{message}");
    let (line, message) = error_at(project("[envs.dev]\nx = \"1\"\n"));
    assert_eq!(line, 1);
    assert!(message.contains("envs"), "{message}");
}

#[test]
fn undefined_and_unterminated_variables_name_their_line() {
    let text = format!("{EXAMPLE}\n[env.prod]\nother = \"x\"\n");
    let p = project(&text).unwrap();
    p.check(Some(&env("dev"))).unwrap();
    let (line, message) = error_at(p.check(Some(&env("prod"))));
    assert_eq!(line, 7, "the first provider's issuer");
    assert!(
        message.contains("${issuer}") && message.contains("prod"),
        "names the variable and the environment: {message}"
    );
    let broken = EXAMPLE.replace(
        r#"issuer = "${issuer}"
client_id = "shop""#,
        r#"issuer = "${issuer"
client_id = "shop""#,
    );
    let (line, message) = error_at(project(&broken).unwrap().check(Some(&env("dev"))));
    assert_eq!(line, 13);
    assert!(message.contains("no closing"), "{message}");
    let none = "[provider.a]\nissuer = \"${x}\"\nclient_id = \"c\"\n";
    let (_, message) = error_at(project(none).unwrap().check(None));
    assert!(message.contains("defines none"), "{message}");
}

#[test]
fn variables_are_not_expanded_inside_variables() {
    let (line, message) = error_at(project("[env.dev]\na = \"x\"\nb = \"${a}\"\n"));
    assert_eq!(line, 3);
    assert!(
        message.contains("not expanded inside variables"),
        "{message}"
    );
}

#[test]
fn environments_are_checked_by_name() {
    let p = project(EXAMPLE).unwrap();
    let err = p.checked_env(Some(&env("prod"))).unwrap_err().to_string();
    assert!(
        err.contains("\"prod\"") && err.contains("dev, stage"),
        "{err}"
    );
    assert_eq!(p.checked_env(None).unwrap(), Some(env("dev")));
}

#[test]
fn every_provider_setting_has_its_export_name() {
    let text = r#"
[env.e]
host = "as.example"
[provider.full]
template = "keycloak"
issuer = "https://${host}/realms/x"
client_id = "c"
auth_method = "private_key_jwt"
private_key = { file = "keys/jwt.pem" }
client_certificate = { file = "certs/client.pem" }
client_key = { env = "CLIENT_KEY" }
scope = "openid"
pkce = "plain"
redirect_uri = "http://127.0.0.1:8765/callback"
authorize_method = "post"
authorize_params = { prompt = "login", max_age = 0 }
token_params = { audience = ["a", "b"] }
resources = ["https://${host}/api"]
callback_timeout_secs = 60
auto_refresh = false
refresh_margin_secs = 20
system_browser = true
allow_http = false
git_username = "me"
lab_plan = "[[case]]"
identities = { admin = { login_hint = "admin@${host}" }, viewer = {} }
[provider.full.endpoints]
token = "https://${host}/token"
pushed_authorization = "https://${host}/par"
[provider.full.security]
par = "on"
request_object = "signed"
dpop = "EdDSA"
authorization_details = [{ type = "payment", amount = "1" }]
"#;
    let p = project(text).unwrap();
    let full = p
        .provider(&"full".parse().unwrap(), Some(&env("e")))
        .unwrap()
        .unwrap();
    let s = &full.spec;
    assert_eq!(s.issuer.as_deref(), Some("https://as.example/realms/x"));
    assert_eq!(s.token_url.as_deref(), Some("https://as.example/token"));
    assert_eq!(s.par_url.as_deref(), Some("https://as.example/par"));
    assert_eq!(s.params, ["prompt=login", "max_age=0"]);
    assert_eq!(s.token_params, ["audience=a", "audience=b"]);
    assert_eq!(s.resources, ["https://as.example/api"]);
    assert!(s.no_auto_refresh && s.system_browser);
    assert_eq!(s.dpop_alg, Some(crate::provider::DpopAlg::EdDSA));
    assert_eq!(
        s.authorization_details.as_deref(),
        Some(r#"[{"type":"payment","amount":"1"}]"#)
    );
    assert_eq!(
        full.secrets.private_key.unwrap().source,
        SecretSource::File("keys/jwt.pem".into())
    );
    assert_eq!(full.identities.len(), 2);
    assert_eq!(
        full.identities[0].login_hint.as_deref(),
        Some("admin@as.example")
    );
}

#[test]
fn a_client_secret_is_never_read_from_a_file() {
    let text = "[provider.a]\nclient_id = \"c\"\nclient_secret = { file = \"s.txt\" }\n";
    let (_, message) = error_at(project(text).unwrap().check(None));
    assert!(message.contains("use secret or env"), "{message}");
}

#[test]
fn the_project_file_is_found_upward_and_not_past_home() {
    let root = tempfile::tempdir().unwrap();
    let home = root.path().join("home");
    let deep = home.join("repo/a/b");
    std::fs::create_dir_all(&deep).unwrap();
    assert_eq!(find_from(&deep, Some(&home)).file, None);
    std::fs::write(root.path().join(FILE_NAME), "").unwrap();
    assert_eq!(
        find_from(&deep, Some(&home)).file,
        None,
        "a file above the home directory is not this person's project"
    );
    std::fs::write(home.join("repo").join(FILE_NAME), "").unwrap();
    assert_eq!(
        find_from(&deep, Some(&home)).file,
        Some(home.join("repo").join(FILE_NAME))
    );
}

#[cfg(unix)]
#[test]
fn a_parent_file_others_may_write_is_passed_over_with_a_note() {
    use std::os::unix::fs::PermissionsExt;
    let root = tempfile::tempdir().unwrap();
    let home = root.path().join("home");
    let deep = home.join("repo/sub");
    std::fs::create_dir_all(&deep).unwrap();
    let shared = home.join("repo").join(FILE_NAME);
    std::fs::write(&shared, EXAMPLE).unwrap();
    std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o666)).unwrap();
    let found = find_from(&deep, Some(&home));
    assert_eq!(found.file, None, "a file anyone may write is not used");
    assert_eq!(
        found.skipped.len(),
        1,
        "and the person is told it was passed over"
    );
    assert_eq!(found.skipped[0].0, shared);
    std::fs::write(home.join(FILE_NAME), "").unwrap();
    assert_eq!(
        find_from(&deep, Some(&home)).file,
        Some(home.join(FILE_NAME)),
        "the search goes on past a file passed over"
    );
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(crate::fuzz_cases(500)))]
    /// Any text is read or refused with an error, never a panic.
    #[test]
    fn reading_never_panics(text in "[ -~\n]{0,300}") {
        if let Ok(p) = project(&text) {
            for env in p.envs().iter().map(Some).chain([None]) {
                let _ = p.check(env);
            }
        }
    }
}
