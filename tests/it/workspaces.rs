//! Identities and environments, as a user meets them: a project file committed next to the
//! code, two environments served by two real OPs, identities signed in at once, named and
//! environment secrets, a lab case as a named identity, and a vault written by the release
//! before identities.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::Value;

use crate::harness::{Home, Keeper, Op, Run, repo};

/// A project folder with `oauth-desk.toml` (dev and stage) and a `src/` to run the CLI in.
struct Project {
    dir: tempfile::TempDir,
}

impl Project {
    fn new(dev: &Op, stage: &Op, extra: &str) -> Project {
        let dir = tempfile::tempdir().unwrap();
        let text = format!(
            r#"# committed next to the code: providers and environments, never a secret
[env.dev]
issuer = "{dev}"
[env.stage]
issuer = "{stage}"

[provider.api]
issuer = "${{issuer}}"
client_id = "public-app"
scope = "openid profile offline_access"
params = {{ prompt = "consent" }}
identities = {{ admin = {{ login_hint = "admin" }} }}

[provider.machine]
issuer = "${{issuer}}"
client_id = "cc-app"
auth_method = "basic"
client_secret = {{ env = "MACHINE_SECRET" }}

[provider.shop]
issuer = "${{issuer}}"
client_id = "cc-app"
auth_method = "basic"
client_secret = {{ secret = "cc-secret" }}
{extra}"#,
            dev = dev.issuer,
            stage = stage.issuer
        );
        std::fs::write(dir.path().join("oauth-desk.toml"), text).unwrap();
        std::fs::create_dir_all(dir.path().join("src")).unwrap();
        Project { dir }
    }

    /// A home whose CLI runs inside the project (found from the working directory upward).
    fn home(&self) -> Home {
        let mut home = Home::new();
        home.unset("OAUTH_DESK_PROJECT");
        home.cwd = Some(self.dir.path().join("src"));
        // The person has looked at the file and allowed it (nothing is sent for it before).
        home.run(&["project", "allow", "--yes"]).ok();
        home
    }
}

fn json(run: Run) -> Value {
    run.ok().json()
}

fn access_token(home: &Home, args: &[&str]) -> String {
    let mut all = vec!["show"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--json", "--reveal"]);
    json(home.run(&all))["access_token"]["value"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

#[test]
fn each_environment_keeps_its_own_tokens_and_switching_back_needs_no_sign_in() {
    let (dev, stage) = (Op::start(), Op::start());
    let project = Project::new(&dev, &stage, "");
    let home = project.home();
    let envs = home.run(&["env", "list"]).ok().stdout;
    assert!(envs.contains("* dev") && envs.contains("  stage"), "{envs}");

    home.run(&["login", "api"]).ok();
    let show = json(home.run(&["show", "api", "--json"]));
    assert_eq!(show["environment"], "dev");
    assert_eq!(show["issuer"], dev.issuer.as_str());
    home.run(&["token", "api", "--env", "stage"])
        .fails(1, "api (stage) is not signed in");

    home.run(&["login", "api", "--env", "stage"]).ok();
    let dev_token = access_token(&home, &["api"]);
    let stage_token = access_token(&home, &["api", "--env", "stage"]);
    assert_ne!(dev_token, stage_token);

    // Each environment's token works at its own issuer only.
    let me = |op: &Op| format!("{}/me", op.issuer);
    home.run(&["call", "api", &me(&dev)]).ok();
    home.run(&["call", "api", "--env", "stage", &me(&stage)])
        .ok();
    let crossed = home.run(&["call", "api", &me(&stage)]);
    assert_eq!(crossed.code, 1, "dev's token at stage: {}", crossed.stderr);
    assert!(crossed.stderr.contains("401"), "{}", crossed.stderr);

    // `env use` switches for good; switching back finds the earlier tokens.
    home.run(&["env", "use", "stage"]).ok();
    assert_eq!(home.run(&["token", "api"]).ok().stdout.trim(), stage_token);
    home.run(&["env", "use", "dev"]).ok();
    assert_eq!(home.run(&["token", "api"]).ok().stdout.trim(), dev_token);
    let logins = dev
        .token_log()
        .iter()
        .filter(|e| e["grant_type"] == "authorization_code")
        .count();
    assert_eq!(logins, 1, "switching back needed no new sign-in");
    assert!(
        !home.path().join("vault.bin").exists() || !contains(home.path(), &dev_token),
        "the tokens are only in the encrypted vault"
    );
    home.run(&["env", "use", "prod"])
        .fails(1, "has no environment \"prod\"");
}

#[test]
fn two_identities_are_signed_in_at_once_with_their_own_subject() {
    let (dev, stage) = (Op::start(), Op::start());
    let project = Project::new(&dev, &stage, "");
    let home = project.home();
    home.run(&["identity", "add", "api@viewer", "--login-hint", "vera"])
        .ok();
    home.run(&["login", "api@admin"]).ok();
    home.run(&["login", "api@viewer"]).ok();
    home.run(&["login", "api"]).ok();
    let sub =
        |who: &str| json(home.run(&["show", who, "--json"]))["id_token"]["claims"]["sub"].clone();
    assert_eq!(
        sub("api@admin"),
        "admin",
        "the identity's login_hint was sent"
    );
    assert_eq!(sub("api@viewer"), "vera");
    assert_eq!(
        sub("api"),
        "alice",
        "the default identity is the provider's own"
    );
    let show = json(home.run(&["show", "api@admin", "--json"]));
    assert_eq!(show["provider"], "api");
    assert_eq!(show["identity"], "admin", "show --json names the identity");

    let list = json(home.run(&["identity", "list", "api", "--json"]));
    let typed: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["typed"].as_str().unwrap())
        .collect();
    assert_eq!(typed, ["api", "api@admin", "api@viewer"]);
    assert_eq!(list[1]["origin"]["kind"], "project_file");
    assert_eq!(list[2]["origin"]["kind"], "this_machine");

    // Signing out one leaves the others.
    home.run(&["logout", "api@viewer"]).ok();
    home.run(&["token", "api@viewer"])
        .fails(1, "api@viewer (dev) is not signed in");
    home.run(&["token", "api@admin"]).ok();
    home.run(&["token", "api"]).ok();

    home.run(&["token", "api@nobody"])
        .fails(1, "has no identity \"nobody\"");
    home.run(&["identity", "remove", "api@admin"])
        .fails(1, "defined in the project file");
    home.run(&["identity", "remove", "api@viewer"]).ok();
    home.run(&["token", "api@viewer"])
        .fails(1, "has no identity \"viewer\"");
}

#[test]
fn a_named_secret_is_kept_in_the_vault_and_in_no_file() {
    let (dev, stage) = (Op::start(), Op::start());
    let project = Project::new(&dev, &stage, "");
    let home = project.home();
    let secret = "cc-secret-0123456789";
    home.run(&["client-credentials", "shop"])
        .fails(1, "secret set cc-secret");
    let listed = home.run(&["secret", "list"]).ok().stdout;
    assert!(
        listed.contains("cc-secret") && listed.contains("NOT SET"),
        "{listed}"
    );
    home.run_with_stdin(&["secret", "set", "cc-secret"], secret)
        .ok();
    home.run(&["client-credentials", "shop"]).ok();
    home.run(&["token", "shop"]).ok();
    let listed = home.run(&["secret", "list"]).ok().stdout;
    assert!(listed.contains("used by shop.client_secret"), "{listed}");
    assert!(!listed.contains(secret), "names only: {listed}");
    assert!(
        !contains(project.dir.path(), secret) && !contains(home.path(), secret),
        "the secret is in no file of the project nor of OAuth Desk but the encrypted vault"
    );
    home.run(&["secret", "remove", "cc-secret"]).ok();
    home.run(&["secret", "remove", "cc-secret"])
        .fails(1, "no secret named cc-secret");
}

#[test]
fn an_environment_variable_is_the_client_secret() {
    let (dev, stage) = (Op::start(), Op::start());
    let project = Project::new(&dev, &stage, "");
    let mut home = project.home();
    home.run(&["client-credentials", "machine"])
        .fails(1, "environment variable MACHINE_SECRET");
    home.set("MACHINE_SECRET", "cc-secret-0123456789");
    home.run(&["client-credentials", "machine"]).ok();
    home.run(&["client-credentials", "machine", "--env", "stage"])
        .ok();
    let grants = |op: &Op| {
        op.token_log()
            .iter()
            .filter(|e| e["grant_type"] == "client_credentials")
            .count()
    };
    assert_eq!((grants(&dev), grants(&stage)), (1, 1));
}

#[test]
fn a_project_provider_is_edited_in_its_file_only() {
    let (dev, stage) = (Op::start(), Op::start());
    let project = Project::new(&dev, &stage, "");
    let home = project.home();
    home.run_with_stdin(&["provider", "set-secret", "api"], "x")
        .fails(1, "defined in the project file");
    home.run(&["provider", "remove", "api"]).fails(1, "line 7");
    let names = home.provider_names();
    assert_eq!(names, ["api", "machine", "shop"]);
    // An error in the file names its line, for whichever command reads it.
    let file = project.dir.path().join("oauth-desk.toml");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, text.replace("scope = ", "scopes = ")).unwrap();
    home.run(&["token", "api"])
        .fails(1, "line 10: [provider.api] unknown key \"scopes\"");
}

#[test]
fn a_lab_case_signs_in_as_a_named_identity() {
    let (dev, stage) = (Op::start(), Op::start());
    let project = Project::new(&dev, &stage, "");
    let home = project.home();
    let plan = project.dir.path().join("plan.toml");
    std::fs::write(
        &plan,
        r#"[[case]]
name = "as the admin"
scope = "openid profile"
identity = "admin"
params = { prompt = "consent" }

[[case]]
name = "as the default"
scope = "openid profile"
params = { prompt = "consent" }
"#,
    )
    .unwrap();
    let run = home.run(&["lab", "api", "--plan", plan.to_str().unwrap(), "--json"]);
    let results = json(run);
    let subs: Vec<&Value> = results
        .as_array()
        .unwrap()
        .iter()
        .map(|c| &c["id_token_claims"]["sub"])
        .collect();
    assert_eq!(subs, [&Value::from("admin"), &Value::from("alice")]);
    assert_eq!(results[0]["identity"], "admin");
    home.run(&["token", "api@admin"]).fails(1, "not signed in");
}

#[test]
fn the_keeper_keeps_every_environment_fresh_and_answers_for_each() {
    let (dev, stage) = (
        Op::start_with(&[("OP_ACCESS_TTL", "4")]),
        Op::start_with(&[("OP_ACCESS_TTL", "4")]),
    );
    let project = Project::new(&dev, &stage, "");
    let mut home = project.home();
    home.run(&["login", "api"]).ok();
    home.run(&["login", "api", "--env", "stage"]).ok();
    home.run(&["login", "api@admin", "--env", "stage"]).ok();
    // The keeper runs outside the project: the tokens' keys lead it there.
    let cwd = home.cwd.take();
    let keeper = Keeper::start(&home);
    home.cwd = cwd;
    std::thread::sleep(Duration::from_secs(7));
    let refreshed = |op: &Op| {
        op.token_log()
            .iter()
            .filter(|e| e["grant_type"] == "refresh_token" && e["status"] == 200)
            .count()
    };
    assert!(refreshed(&dev) >= 2, "dev kept fresh: {}", keeper.log());
    assert!(
        refreshed(&stage) >= 4,
        "both of stage's identities kept fresh: {}",
        keeper.log()
    );
    assert!(
        keeper.log().contains("api@admin (stage): refreshed"),
        "the keeper names the identity and environment: {}",
        keeper.log()
    );
    // The running keeper answers `token` for the environment this folder asks for.
    let dev_token = home.run(&["token", "api"]).ok().stdout;
    let stage_token = home.run(&["token", "api", "--env", "stage"]).ok().stdout;
    assert_ne!(dev_token, stage_token);
    assert_eq!(dev_token.trim(), access_token(&home, &["api"]));
    drop(keeper);
}

#[test]
fn a_vault_written_before_identities_is_read_and_migrated() {
    let op = Op::start();
    let fixture = repo().join("tests/fixtures/legacy-home");
    let expected: Value =
        serde_json::from_slice(&std::fs::read(fixture.join("expected.json")).unwrap()).unwrap();
    let mut home = Home::new();
    home.set(
        "OAUTH_DESK_PASSPHRASE",
        expected["passphrase"].as_str().unwrap(),
    );
    // The config as that release wrote it, its issuer moved to this run's OP.
    let old_issuer = format!("http://127.0.0.1:{}", expected["port"]);
    let config = std::fs::read_to_string(fixture.join("config.toml")).unwrap();
    write_private(
        &home.path().join("config.toml"),
        config.replace(&old_issuer, &op.issuer),
    );
    write_private(
        &home.path().join("vault.bin"),
        std::fs::read(fixture.join("vault.bin")).unwrap(),
    );
    let show = json(home.run(&["show", "pub", "--json", "--reveal"]));
    assert_eq!(
        show["access_token"]["value"], expected["pub_access_token"],
        "the default identity's tokens are the provider's old ones"
    );
    assert_eq!(show["id_token"]["claims"]["sub"], expected["pub_sub"]);
    assert_eq!(show["identity"], Value::Null);
    // The old vault's client secret still authenticates.
    home.run(&["client-credentials", "machine"]).ok();
    // A new identity beside the old tokens; both stay.
    home.run(&["identity", "add", "pub@bob", "--login-hint", "bob"])
        .ok();
    home.run(&["login", "pub@bob"]).ok();
    let again = json(home.run(&["show", "pub", "--json", "--reveal"]));
    assert_eq!(again["access_token"]["value"], expected["pub_access_token"]);
    assert_eq!(
        json(home.run(&["show", "pub@bob", "--json"]))["id_token"]["claims"]["sub"],
        "bob"
    );
}

fn write_private(path: &Path, bytes: impl AsRef<[u8]>) {
    std::fs::write(path, bytes).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
}

/// Whether any file under `dir` contains `needle`.
fn contains(dir: &Path, needle: &str) -> bool {
    let mut stack: Vec<PathBuf> = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if std::fs::read(&path)
                .map(|b| b.windows(needle.len()).any(|w| w == needle.as_bytes()))
                .unwrap_or(false)
            {
                return true;
            }
        }
    }
    false
}
