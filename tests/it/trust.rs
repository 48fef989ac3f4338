//! Trust before use, as an attacker would try it: a cloned project file pointing at a server
//! that records everything it receives (`tests/servers/recorder.py`) beside a real OP. Before
//! `project allow` nothing reaches either; after a change to the file nothing is sent until it
//! is allowed again; tokens obtained at the OP are never sent to an endpoint the file names
//! later — not by `token`, the keeper, `revoke` or `refresh`.

use std::time::Duration;

use serde_json::Value;

use crate::harness::{Home, Keeper, Op, Server};

/// The attacker's server and what it has received.
struct Recorder(Server);

impl Recorder {
    fn start() -> Recorder {
        Recorder(Server::start("recorder.py", &[] as &[&str]))
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.0.port)
    }

    fn received(&self) -> Vec<Value> {
        reqwest::blocking::get(format!("{}/_log", self.url()))
            .and_then(|r| r.json())
            .expect("the recorder serves its log")
    }
}

/// A cloned repository: its project file, and a home whose CLI runs in it.
struct Clone {
    dir: tempfile::TempDir,
    home: Home,
}

impl Clone {
    fn new(text: &str) -> Clone {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("oauth-desk.toml"), text).unwrap();
        let mut home = Home::new();
        home.unset("OAUTH_DESK_PROJECT");
        home.cwd = Some(dir.path().to_path_buf());
        Clone { dir, home }
    }

    fn file(&self) -> std::path::PathBuf {
        self.dir.path().join("oauth-desk.toml")
    }

    fn rewrite(&self, from: &str, to: &str) {
        let text = std::fs::read_to_string(self.file()).unwrap();
        assert!(text.contains(from), "the file names {from}");
        std::fs::write(self.file(), text.replace(from, to)).unwrap();
    }
}

fn op_provider(op: &Op) -> String {
    format!(
        r#"[provider.api]
issuer = "{issuer}"
client_id = "public-app"
scope = "openid offline_access"
params = {{ prompt = "consent" }}
"#,
        issuer = op.issuer
    )
}

#[test]
fn a_cloned_file_sends_nothing_anywhere_until_it_is_allowed() {
    let (op, attacker) = (Op::start(), Recorder::start());
    let clone = Clone::new(&format!(
        r#"{}
[provider.steal]
client_id = "app"
auth_method = "post"
endpoints = {{ token = "{attacker}/token", authorization = "{attacker}/authorize" }}
client_secret = {{ env = "AWS_SECRET_ACCESS_KEY" }}
"#,
        op_provider(&op),
        attacker = attacker.url()
    ));
    let mut home = clone.home;
    home.set("AWS_SECRET_ACCESS_KEY", "aws-secret-value-0123456789");
    // Reading and showing it sends nothing.
    let listed = home.run(&["provider", "list"]).ok().stdout;
    assert!(
        listed.contains("api") && listed.contains("steal"),
        "{listed}"
    );
    home.run(&["provider", "show", "steal"]).ok();
    let status = home.run(&["project", "status"]).ok().stdout;
    assert!(status.contains("never allowed"), "{status}");
    // Every command that would send something fails, naming the file and what it would do.
    for args in [
        &["client-credentials", "steal"][..],
        &["login", "api"],
        &["token", "api"],
        &["refresh", "api"],
    ] {
        let run = home.run(args);
        assert_eq!(run.code, 1, "{args:?} must fail before the file is allowed");
        assert!(
            run.stderr.contains("has not been allowed")
                && run.stderr.contains("AWS_SECRET_ACCESS_KEY")
                && run.stderr.contains("project allow"),
            "{args:?}: the refusal names what the file would do and the remedy: {}",
            run.stderr
        );
    }
    assert!(
        attacker.received().is_empty(),
        "nothing reached the file's server before it was allowed"
    );
    assert!(
        op.token_log().is_empty(),
        "nothing reached the OP either (no discovery counts there, no sign-in)"
    );

    // Allowed (after looking: `project allow` shows the hosts and the variable first).
    let allow = home.run(&["project", "allow", "--yes"]).ok();
    assert!(
        allow.stderr.contains("$AWS_SECRET_ACCESS_KEY")
            && allow.stderr.contains(&attacker.url()[7..]),
        "allow shows what the file will do: {}",
        allow.stderr
    );
    home.run(&["login", "api"]).ok();
    home.run(&["token", "api"]).ok();
}

#[test]
fn without_a_terminal_allow_needs_a_yes() {
    let op = Op::start();
    let clone = Clone::new(&op_provider(&op));
    clone
        .home
        .run(&["project", "allow"])
        .fails(2, "needs a yes");
    let status = clone.home.run(&["project", "status", "--json"]).ok().json();
    assert_eq!(status["state"]["state"], "never");
}

#[test]
fn a_changed_file_sends_nothing_until_allowed_again_and_the_change_is_named() {
    let (op, attacker) = (Op::start(), Recorder::start());
    let clone = Clone::new(&op_provider(&op));
    let home = &clone.home;
    home.run(&["project", "allow", "--yes"]).ok();
    home.run(&["login", "api"]).ok();
    // A `git pull` moves the token endpoint to the attacker's server.
    clone.rewrite(
        "client_id = \"public-app\"",
        &format!(
            "client_id = \"public-app\"\nendpoints = {{ token = \"{}/token\" }}",
            attacker.url()
        ),
    );
    let refused = home.run(&["refresh", "api"]);
    assert_eq!(refused.code, 1, "{}", refused.stderr);
    assert!(
        refused.stderr.contains("changed since it was allowed")
            && refused.stderr.contains(&attacker.url()[7..]),
        "the message names the new host: {}",
        refused.stderr
    );
    let status = home.run(&["project", "status", "--json"]).ok().json();
    assert_eq!(status["state"]["state"], "changed");
    // Even allowed again (a person who clicks through), the tokens from the OP stay bound to
    // the OP's token endpoint: nothing of them goes to the new one.
    home.run(&["project", "allow", "--yes"]).ok();
    for args in [
        &["refresh", "api"][..],
        &["token", "api"],
        &["revoke", "api"],
    ] {
        let run = home.run(args);
        assert_eq!(run.code, 1, "{args:?}: {}", run.stderr);
        assert!(
            run.stderr
                .contains("tokens were obtained with other settings")
                && run.stderr.contains("the token endpoint (was"),
            "{args:?} names the changed setting: {}",
            run.stderr
        );
    }
    assert!(
        attacker.received().is_empty(),
        "no token or secret reached the new endpoint: {:?}",
        attacker.received()
    );
    // Put back as it was, the tokens work again.
    clone.rewrite(
        &format!("\nendpoints = {{ token = \"{}/token\" }}", attacker.url()),
        "",
    );
    home.run(&["token", "api"])
        .fails(1, "changed since it was allowed");
    home.run(&["project", "allow", "--yes"]).ok();
    home.run(&["token", "api"]).ok();
}

#[test]
fn the_keeper_sends_nothing_to_an_endpoint_the_file_names_after_the_sign_in() {
    let op = Op::start_with(&[("OP_ACCESS_TTL", "4")]);
    let attacker = Recorder::start();
    let clone = Clone::new(&op_provider(&op));
    let home = &clone.home;
    home.run(&["project", "allow", "--yes"]).ok();
    home.run(&["login", "api"]).ok();
    let keeper = Keeper::start(home);
    let file = clone.dir.path().join("oauth-desk.toml");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(
        &file,
        text.replace(
            "client_id = \"public-app\"",
            &format!(
                "client_id = \"public-app\"\nendpoints = {{ token = \"{}/token\" }}",
                attacker.url()
            ),
        ),
    )
    .unwrap();
    // Longer than the token's lifetime: the keeper would have refreshed twice by now.
    std::thread::sleep(Duration::from_secs(9));
    assert!(
        attacker.received().is_empty(),
        "the keeper sent nothing to the file's new endpoint: {:?}\n{}",
        attacker.received(),
        keeper.log()
    );
    // The person allows the change; the keeper still sends the OP's tokens nowhere new.
    home.run(&["project", "allow", "--yes"]).ok();
    std::thread::sleep(Duration::from_secs(6));
    assert!(
        attacker.received().is_empty(),
        "bound to the OP's token endpoint, the refresh token went nowhere else: {}",
        keeper.log()
    );
    let refreshes = op
        .token_log()
        .iter()
        .filter(|e| e["grant_type"] == "refresh_token")
        .count();
    assert_eq!(
        refreshes, 0,
        "and not to the OP either: the provider's settings no longer name it"
    );
}

#[cfg(unix)]
#[test]
fn file_references_stay_inside_the_project_and_are_refused_at_load_naming_the_line() {
    let op = Op::start();
    let outside = tempfile::tempdir().unwrap();
    let key = outside.path().join("svc.pem");
    std::fs::write(&key, "-----BEGIN PRIVATE KEY-----\nnot really\n").unwrap();
    let provider = |file: &str| {
        format!(
            "{}auth_method = \"private_key_jwt\"\nprivate_key = {{ file = \"{file}\" }}\n",
            op_provider(&op)
        )
    };
    for (file, why) in [
        (key.display().to_string(), "it is absolute"),
        ("../svc.pem".into(), "it leaves the project's folder"),
        ("out.pem".into(), "a symbolic link leads out"),
    ] {
        let clone = Clone::new(&provider(&file));
        std::os::unix::fs::symlink(&key, clone.dir.path().join("out.pem")).unwrap();
        let run = clone.home.run(&["provider", "show", "api"]);
        assert_eq!(run.code, 1, "{file}: {}", run.stderr);
        assert!(
            run.stderr.contains("line 7") && run.stderr.contains(why),
            "{file}: the refusal names the line and why: {}",
            run.stderr
        );
        assert!(
            run.stderr.contains(&clone.file().display().to_string()),
            "and the file: {}",
            run.stderr
        );
    }
}

#[test]
fn a_project_provider_hiding_ones_own_is_said_and_yours_is_reached_without_the_project() {
    let (op, attacker) = (Op::start(), Recorder::start());
    let clone = Clone::new(&format!(
        "[provider.corp]\nclient_id = \"app\"\nendpoints = {{ token = \"{}/token\" }}\n",
        attacker.url()
    ));
    let home = &clone.home;
    crate::harness::add_op_provider(home, &op, "corp", "public-app", None, &[]);
    let run = home.run(&["token", "corp"]);
    assert!(
        run.stderr.contains("corp is the project's provider")
            && run.stderr.contains("--project \"\""),
        "the shadowing is said: {}",
        run.stderr
    );
    // A running keeper answers `token` on the CLI's fast path: it says so too.
    let keeper = Keeper::start(home);
    let run = home.run(&["token", "corp"]);
    assert!(
        run.stderr.contains("corp is the project's provider"),
        "the keeper's answer carries the note: {}\n{}",
        run.stderr,
        keeper.log()
    );
    drop(keeper);
    let listed = home
        .run(&["--project", "", "provider", "show", "corp"])
        .ok()
        .stdout;
    assert!(listed.contains(&op.issuer), "{listed}");
    assert!(attacker.received().is_empty());
}

#[test]
fn a_file_naming_the_real_issuer_a_key_and_its_own_par_endpoint_pushes_nothing_before_allow() {
    let (op, attacker) = (Op::start(), Recorder::start());
    let clone = Clone::new(&format!(
        r#"[provider.svc]
issuer = "{issuer}"
client_id = "jwt-app"
auth_method = "private_key_jwt"
private_key = {{ file = "keys/svc.pem" }}
endpoints = {{ pushed_authorization = "{attacker}/par" }}
security = {{ par = "on" }}
"#,
        issuer = op.issuer,
        attacker = attacker.url()
    ));
    std::fs::create_dir(clone.dir.path().join("keys")).unwrap();
    std::fs::write(
        clone.dir.path().join("keys/svc.pem"),
        "-----BEGIN PRIVATE KEY-----\n(the service's key)\n-----END PRIVATE KEY-----\n",
    )
    .unwrap();
    let run = clone.home.run(&["login", "svc", "--no-browser"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("keys/svc.pem") && run.stderr.contains("has not been allowed"),
        "the refusal names the key file the project would read: {}",
        run.stderr
    );
    assert!(
        attacker.received().is_empty(),
        "no client assertion was pushed to the file's PAR endpoint"
    );
}

#[test]
fn a_namesake_in_a_file_not_allowed_can_neither_update_nor_delete_ones_registered_client() {
    let (op, attacker) = (Op::start(), Recorder::start());
    let clone = Clone::new("");
    let home = &clone.home;
    home.run(&[
        "--project",
        "",
        "provider",
        "add",
        "corp",
        "--issuer",
        &op.issuer,
        "--register",
        "--scope",
        "openid",
    ])
    .ok();
    let client_id = home
        .run(&["--project", "", "provider", "show", "corp", "--json"])
        .ok()
        .json()["client_id"]
        .as_str()
        .unwrap()
        .to_owned();
    std::fs::write(
        clone.file(),
        format!(
            "[provider.corp]\nissuer = \"{}\"\nclient_id = \"{client_id}\"\nredirect_uri = \"{}/stolen-code\"\nallow_http = true\n",
            op.issuer,
            attacker.url()
        ),
    )
    .unwrap();
    for args in [
        &["provider", "update-registration", "corp"][..],
        &["provider", "unregister", "corp"],
    ] {
        home.run(args).fails(1, "defined in the project file");
    }
    // The client is still registered and still the person's: their own sign-in works.
    home.run(&["--project", "", "login", "corp"]).ok();
    assert!(attacker.received().is_empty());
}

#[test]
fn the_audit_asks_nothing_of_a_file_not_allowed() {
    let attacker = Recorder::start();
    let clone = Clone::new(&format!(
        "[provider.api]\nissuer = \"{}/issuer\"\nclient_id = \"app\"\n",
        attacker.url()
    ));
    clone
        .home
        .run(&["audit", "api"])
        .fails(1, "has not been allowed");
    clone
        .home
        .run(&["audit", "api", "--active", "--yes"])
        .fails(1, "has not been allowed");
    assert!(
        attacker.received().is_empty(),
        "not even discovery: {:?}",
        attacker.received()
    );
}

#[test]
fn a_new_endpoint_on_a_known_host_is_shown_before_it_is_allowed_again() {
    let (op, attacker) = (Op::start(), Recorder::start());
    let clone = Clone::new(&format!(
        "{}resources = [\"{}/orders\"]\n",
        op_provider(&op),
        attacker.url()
    ));
    let home = &clone.home;
    home.run(&["project", "allow", "--yes"]).ok();
    clone.rewrite(
        "client_id = \"public-app\"",
        &format!(
            "client_id = \"public-app\"\nendpoints = {{ pushed_authorization = \"{}/par\" }}",
            attacker.url()
        ),
    );
    let status = home.run(&["project", "status"]).ok().stdout;
    assert!(
        status.contains(&format!("api: PAR endpoint {}/par", attacker.url())),
        "the moved endpoint is named, though its host was already: {status}"
    );
    let refused = home.run(&["login", "api"]);
    assert!(
        refused.stderr.contains("PAR endpoint"),
        "{}",
        refused.stderr
    );
}

#[test]
fn a_relative_project_path_names_the_same_file_for_a_keeper_elsewhere() {
    let op = Op::start();
    let (a, b) = (Clone::new(&op_provider(&op)), Clone::new(&op_provider(&op)));
    a.home.run(&["project", "allow", "--yes"]).ok();
    a.home.run(&["login", "api"]).ok();
    // One person, two checkouts: b's home is a's, b's file never allowed.
    let mut home = Home::new();
    home.env = a.home.env.clone();
    home.unset("OAUTH_DESK_PROJECT");
    home.cwd = Some(a.dir.path().to_path_buf());
    let keeper = Keeper::start(&home);
    home.cwd = Some(b.dir.path().to_path_buf());
    home.set("OAUTH_DESK_PROJECT", "oauth-desk.toml");
    let run = home.run(&["token", "api"]);
    assert_eq!(
        run.code,
        1,
        "b's file, named relatively, is b's (not allowed), not the keeper's folder's: {}\n{}",
        run.stdout,
        keeper.log()
    );
    assert!(
        run.stderr.contains("has not been allowed"),
        "{}",
        run.stderr
    );
}
