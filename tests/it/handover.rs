//! Tokens where they are used, with the real programs: a command run by `exec`, kubectl reading
//! an `ExecCredential` against a small HTTPS API that checks the bearer token, git cloning over
//! HTTP (`git http-backend`) with OAuth Desk as its credential helper. The token the server
//! sees is the fresh one.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::harness::{Home, Op, Run, Server, add_op_provider, finish};

fn signed_in(name: &str) -> (Op, Home) {
    let op = Op::start();
    let home = Home::new();
    add_op_provider(&home, &op, name, "public-app", None, &[]);
    home.run(&["login", name]).ok();
    (op, home)
}

/// Runs a program with the home's environment (so a helper it starts finds the vault).
fn run_with_home(home: &Home, program: &str, args: &[&str], dir: &Path) -> Run {
    let child = Command::new(program)
        .args(args)
        .current_dir(dir)
        .env_remove("OAUTH_DESK_LOG")
        .envs(home.env.iter().map(|(k, v)| (k, v)))
        .env("GIT_TERMINAL_PROMPT", "0")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{program} must be installed: {e}"));
    finish(child, std::time::Duration::from_secs(60))
}

fn lines(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(str::to_owned)
        .collect()
}

fn cli() -> &'static str {
    env!("CARGO_BIN_EXE_oauth-desk")
}

#[test]
fn exec_runs_the_command_with_a_fresh_token_and_its_exit_status() {
    let (_op, home) = signed_in("p");
    let token = home.run(&["token", "p"]).ok().stdout.trim().to_owned();
    let run = home.run(&[
        "exec",
        "p",
        "--",
        "sh",
        "-c",
        r#"printf %s "$OAUTH_DESK_TOKEN"; exit 7"#,
    ]);
    assert_eq!(
        run.code, 7,
        "exec exits with the command's status: {}",
        run.stderr
    );
    assert_eq!(run.stdout, token);
    let run = home
        .run(&[
            "exec",
            "p",
            "--env",
            "API_TOKEN",
            "--",
            "sh",
            "-c",
            r#"printf %s "$API_TOKEN""#,
        ])
        .ok();
    assert_eq!(run.stdout, token);
    home.run(&["exec", "p", "--", "no-such-program-here"])
        .fails(127, "no-such-program-here");

    // No token, no command: the provider needs a sign-in and the command is never started.
    home.run(&["logout", "p"]).ok();
    let marker = home.path().join("started");
    let touch = format!("touch {}", marker.display());
    home.run(&["exec", "p", "--", "sh", "-c", &touch])
        .fails(1, "oauth-desk login p");
    assert!(!marker.exists(), "the command must not run without a token");
}

fn self_signed_certificate(dir: &Path) -> (PathBuf, PathBuf) {
    let (cert, key) = (dir.join("cert.pem"), dir.join("key.pem"));
    let status = Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
        ])
        .args(["-nodes", "-days", "1", "-subj", "/CN=127.0.0.1"])
        .args(["-addext", "subjectAltName=IP:127.0.0.1"])
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .stderr(Stdio::null())
        .status()
        .expect("openssl makes the test server's certificate");
    assert!(status.success());
    (cert, key)
}

#[test]
fn kubectl_gets_the_fresh_token_through_its_exec_credential_plugin() {
    let (_op, home) = signed_in("k");
    let dir = home.path().to_owned();
    let (cert, key) = self_signed_certificate(&dir);
    let log = dir.join("tokens-seen.log");
    let api = Server::start("bearer_https.py", &[&cert, &key, &log]);
    // v1beta1: what Debian 12's kubectl 1.20 speaks, and newer ones still do.
    let kubeconfig = format!(
        r#"apiVersion: v1
kind: Config
clusters:
- name: local
  cluster:
    server: https://127.0.0.1:{port}
    certificate-authority: {cert}
users:
- name: me
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      command: {cli}
      args: [credential, kubectl, k]
contexts:
- name: here
  context: {{cluster: local, user: me}}
current-context: here
"#,
        port = api.port,
        cert = cert.display(),
        cli = cli(),
    );
    let config = dir.join("kubeconfig");
    std::fs::write(&config, kubeconfig).unwrap();
    let config = config.display().to_string();
    let run = run_with_home(
        &home,
        "kubectl",
        &["--kubeconfig", &config, "get", "--raw", "/healthz"],
        &dir,
    )
    .ok();
    assert_eq!(run.stdout.trim(), "ok");
    let token = home.run(&["token", "k"]).ok().stdout.trim().to_owned();
    let seen = lines(&log);
    assert!(
        !seen.is_empty() && seen.iter().all(|t| *t == token),
        "the API saw the provider's fresh token and no other: {seen:?}"
    );

    // The credential itself, in the version kubectl asks for, with the expiry to cache it by.
    let mut home = home;
    home.set(
        "KUBERNETES_EXEC_INFO",
        r#"{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","spec":{"interactive":false}}"#,
    );
    let credential = home.run(&["credential", "kubectl", "k"]).ok().json();
    assert_eq!(credential["apiVersion"], "client.authentication.k8s.io/v1");
    assert_eq!(credential["kind"], "ExecCredential");
    let expiry = credential["status"]["expirationTimestamp"]
        .as_str()
        .unwrap();
    assert!(
        expiry.ends_with('Z') && expiry.len() == 20,
        "RFC 3339 in UTC: {expiry}"
    );
    home.run(&["logout", "k"]).ok();
    let run = home
        .run(&["credential", "kubectl", "k"])
        .fails(1, "oauth-desk login k");
    assert!(run.stdout.is_empty(), "no credential without a token");
}

fn git(home: &Home, dir: &Path, args: &[&str]) -> Run {
    run_with_home(home, "git", args, dir)
}

#[test]
fn git_clones_with_oauth_desk_as_its_credential_helper() {
    let (_op, home) = signed_in("g");
    let dir = home.path().to_owned();
    // A bare repository with one commit, served by git http-backend behind the token check.
    let root = dir.join("served");
    std::fs::create_dir_all(&root).unwrap();
    git(&home, &root, &["init", "--quiet", "--bare", "repo.git"]).ok();
    let work = dir.join("work");
    git(&home, &dir, &["init", "--quiet", "work"]).ok();
    std::fs::write(work.join("README"), "hello from the served repo\n").unwrap();
    let identity = [
        "-c",
        "user.name=Test",
        "-c",
        "user.email=test@example.invalid",
    ];
    git(&home, &work, &["add", "README"]).ok();
    git(
        &home,
        &work,
        &[identity.as_slice(), &["commit", "--quiet", "-m", "first"]].concat(),
    )
    .ok();
    let bare = root.join("repo.git").display().to_string();
    git(
        &home,
        &work,
        &["push", "--quiet", &bare, "HEAD:refs/heads/main"],
    )
    .ok();

    let token_file = dir.join("expected-token");
    let token = home.run(&["token", "g"]).ok().stdout.trim().to_owned();
    std::fs::write(&token_file, &token).unwrap();
    let log = dir.join("tokens-seen.log");
    let server = Server::start("git_http.py", &[&root, &token_file, &log]);
    let url = format!("http://127.0.0.1:{}/repo.git", server.port);
    let helper = format!("!{} credential git g", cli());
    let with_helper = [
        "-c",
        "credential.helper=",
        "-c",
        &format!("credential.helper={helper}"),
    ];

    let clone = [
        with_helper.as_slice(),
        &["clone", "--quiet", "--branch", "main", &url, "clone"],
    ]
    .concat();
    git(&home, &dir, &clone).ok();
    assert_eq!(
        std::fs::read_to_string(dir.join("clone/README")).unwrap(),
        "hello from the served repo\n"
    );
    assert!(
        lines(&log).iter().all(|t| *t == token) && !lines(&log).is_empty(),
        "the server saw the provider's token and no other"
    );

    // After a refresh the server wants the new token, and git gets it from the helper.
    let fresh = home.run(&["refresh", "g"]).ok();
    assert!(fresh.stdout.contains("Refreshed g"));
    let token = home.run(&["token", "g"]).ok().stdout.trim().to_owned();
    std::fs::write(&token_file, &token).unwrap();
    let fetch = [with_helper.as_slice(), &["fetch", "--quiet", &url, "main"]].concat();
    git(&home, &dir.join("clone"), &fetch).ok();
    assert_eq!(lines(&log).last(), Some(&token), "the fresh token");

    // The protocol itself: git's request on stdin, the answer's lines on stdout.
    let answer = home
        .run_with_stdin(
            &["credential", "git", "g", "get"],
            "protocol=http\nhost=127.0.0.1\n\n",
        )
        .ok();
    assert!(
        answer.stdout.starts_with("username=oauth2\npassword="),
        "{}",
        answer.stdout
    );
    assert!(answer.stdout.contains("password_expiry_utc="));
    let bearer = home
        .run_with_stdin(
            &["credential", "git", "g"],
            "capability[]=authtype\nprotocol=https\nhost=x\n\n",
        )
        .ok();
    assert!(
        bearer
            .stdout
            .contains(&format!("authtype=Bearer\ncredential={token}\n")),
        "git ≥ 2.46 gets a bearer credential: {}",
        bearer.stdout
    );
    for action in ["store", "erase"] {
        let run = home
            .run_with_stdin(
                &["credential", "git", "g", action],
                "protocol=https\nhost=x\n",
            )
            .ok();
        assert!(
            run.stdout.is_empty(),
            "{action} changes nothing and says nothing"
        );
    }
    assert_eq!(home.run(&["token", "g"]).ok().stdout.trim(), token);
}
