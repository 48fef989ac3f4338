//! The shared harness: a real OpenID Provider (`tests/op/server.js`, npm `oidc-provider`) on
//! 127.0.0.1 with a random port, OAuth Desk homes in temp dirs, and the CLI run as a user runs
//! it, with `tests/op/browser.js` as `$BROWSER` completing sign-ins headlessly.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

pub const PASSPHRASE: &str = "test vault passphrase";

/// The repository's root (the tests belong to the CLI's crate, two folders down).
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

pub fn browser_js() -> PathBuf {
    repo().join("tests/op/browser.js")
}

/// The test OP, killed on drop.
pub struct Op {
    child: Child,
    pub issuer: String,
    /// The mutual-TLS listener's base URL (`OP_MTLS=1`).
    pub mtls: Option<String>,
}

impl Op {
    pub fn start() -> Op {
        Op::start_with(&[])
    }

    /// Starts the OP with extra environment (`OP_ACCESS_TTL`, `OP_ROTATE`).
    pub fn start_with(env: &[(&str, &str)]) -> Op {
        let dir = repo().join("tests/op");
        assert!(
            dir.join("node_modules/oidc-provider").is_dir(),
            "the test OP is not installed: run `npm ci --prefix tests/op` (the README's test command does)"
        );
        let mut child = Command::new("node")
            .arg("server.js")
            .current_dir(&dir)
            .envs(env.iter().copied())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("node must be installed to run the test OP");
        let stdout = child.stdout.take().expect("piped stdout");
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            let mut line = String::new();
            let _ = reader.read_line(&mut line);
            let _ = tx.send(line);
            // Keep draining: the OP logs to stdout now and then, and a closed pipe kills it.
            let _ = std::io::copy(&mut reader, &mut std::io::sink());
        });
        let line = rx
            .recv_timeout(Duration::from_secs(30))
            .expect("the test OP did not start within 30 s");
        let info: Value = serde_json::from_str(&line).expect("the OP prints its issuer as JSON");
        let issuer = info["issuer"].as_str().expect("issuer").to_owned();
        let mtls = info["mtls"].as_str().map(str::to_owned);
        Op {
            child,
            issuer,
            mtls,
        }
    }

    /// The pushed authorization requests the OP saw (client and status).
    pub fn pushed(&self) -> Vec<Value> {
        reqwest::blocking::get(format!("{}/_test/pushed", self.issuer))
            .and_then(|r| r.json())
            .expect("the OP serves its PAR log")
    }

    /// One of the OP's mTLS files (`OP_MTLS=1`: ca, client, client-key, self, self-key),
    /// written into `dir`; returns its path.
    pub fn tls_file(&self, name: &str, dir: &Path) -> String {
        let pem = reqwest::blocking::get(format!("{}/_test/tls/{name}.pem", self.issuer))
            .and_then(|r| r.error_for_status())
            .and_then(|r| r.text())
            .expect("the OP serves its TLS material (OP_MTLS=1)");
        let path = dir.join(format!("{name}.pem"));
        std::fs::write(&path, pem).expect("write the PEM");
        path.display().to_string()
    }

    /// What reached the token endpoint so far (see server.js).
    pub fn token_log(&self) -> Vec<Value> {
        reqwest::blocking::get(format!("{}/_test/log", self.issuer))
            .and_then(|r| r.json())
            .expect("the OP serves its request log")
    }

    /// The revocation requests the OP saw so far (token type hint and status).
    pub fn revocations(&self) -> Vec<Value> {
        reqwest::blocking::get(format!("{}/_test/revocations", self.issuer))
            .and_then(|r| r.json())
            .expect("the OP serves its revocation log")
    }

    pub fn token_endpoint(&self) -> String {
        format!("{}/token", self.issuer)
    }
}

impl Drop for Op {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The result of one CLI run.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    #[track_caller]
    pub fn ok(self) -> Run {
        assert_eq!(
            self.code, 0,
            "the command failed:\n{}\n{}",
            self.stdout, self.stderr
        );
        self
    }

    #[track_caller]
    pub fn fails(self, code: i32, needle: &str) -> Run {
        assert_eq!(
            self.code, code,
            "wrong exit code:\n{}\n{}",
            self.stdout, self.stderr
        );
        assert!(
            self.stderr.contains(needle),
            "stderr should mention {needle:?}:\n{}",
            self.stderr
        );
        assert_eq!(
            self.stderr
                .trim()
                .lines()
                .filter(|l| l.starts_with("error:"))
                .count(),
            1,
            "one clear error line: {}",
            self.stderr
        );
        self
    }

    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.stdout))
    }
}

/// The variable that names the Windows build of the CLI, run under Wine instead of this
/// build (`tests/it/windows.rs`, run by `.ci/cross`).
pub const WINE_CLI_ENV: &str = "OAUTH_DESK_TEST_WINE_CLI";

/// The CLI under test: this build, or the Windows build under Wine.
fn cli_command() -> Command {
    match std::env::var_os(WINE_CLI_ENV).filter(|exe| !exe.is_empty()) {
        Some(exe) => {
            let mut wine = Command::new("wine");
            wine.arg(exe);
            wine
        }
        None => Command::new(env!("CARGO_BIN_EXE_oauth-desk")),
    }
}

/// An OAuth Desk home (config + vault) in a temp dir, with a passphrase vault unless told
/// otherwise, and the headless browser as `$BROWSER`.
pub struct Home {
    pub dir: tempfile::TempDir,
    pub env: Vec<(String, String)>,
    /// The folder the CLI runs in (a project's), else the test's own.
    pub cwd: Option<PathBuf>,
}

impl Home {
    pub fn new() -> Home {
        let dir = tempfile::tempdir().expect("temp dir");
        let env = vec![
            ("OAUTH_DESK_HOME".into(), dir.path().display().to_string()),
            ("OAUTH_DESK_PASSPHRASE".into(), PASSPHRASE.into()),
            ("BROWSER".into(), browser_js().display().to_string()),
            ("NO_COLOR".into(), "1".into()),
            // No project file unless a test gives one: the repo's folders must not leak in.
            ("OAUTH_DESK_PROJECT".into(), String::new()),
        ];
        Home {
            dir,
            env,
            cwd: None,
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn set(&mut self, key: &str, value: &str) -> &mut Home {
        self.env.retain(|(k, _)| k != key);
        self.env.push((key.into(), value.into()));
        self
    }

    pub fn unset(&mut self, key: &str) -> &mut Home {
        self.env.retain(|(k, _)| k != key);
        self
    }

    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = cli_command();
        cmd.args(args)
            .env_remove("OAUTH_DESK_PASSPHRASE")
            .env_remove("BROWSER")
            .env_remove("OAUTH_DESK_LOG")
            .envs(self.env.iter().map(|(k, v)| (k, v)));
        if let Some(dir) = &self.cwd {
            cmd.current_dir(dir);
        }
        cmd
    }

    pub fn run(&self, args: &[&str]) -> Run {
        self.run_with_stdin(args, "")
    }

    pub fn run_with_stdin(&self, args: &[&str], stdin: &str) -> Run {
        let mut child = self
            .command(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the CLI starts");
        let mut input = child.stdin.take().expect("stdin");
        input.write_all(stdin.as_bytes()).expect("write stdin");
        drop(input);
        finish(child, Duration::from_secs(90))
    }

    /// The configured providers' names, in order (`provider list --json`).
    pub fn provider_names(&self) -> Vec<String> {
        self.run(&["provider", "list", "--json"])
            .ok()
            .json()
            .as_array()
            .expect("provider list --json is an array")
            .iter()
            .map(|p| p["name"].as_str().unwrap_or_default().to_owned())
            .collect()
    }

    pub fn read(&self, file: &str) -> Vec<u8> {
        std::fs::read(self.path().join(file)).unwrap_or_default()
    }
}

/// Waits for a child with a deadline, collecting its output.
pub fn finish(mut child: Child, limit: Duration) -> Run {
    let collect = |r: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut s = String::new();
            if let Some(mut r) = r {
                let _ = r.read_to_string(&mut s);
            }
            s
        })
    };
    let out = collect(
        child
            .stdout
            .take()
            .map(|s| Box::new(s) as Box<dyn Read + Send>),
    );
    let err = collect(
        child
            .stderr
            .take()
            .map(|s| Box::new(s) as Box<dyn Read + Send>),
    );
    let deadline = Instant::now() + limit;
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!(
                "the CLI did not finish within {limit:?}: {}",
                err.join().unwrap_or_default()
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Run {
        code: status.code().unwrap_or(-1),
        stdout: out.join().unwrap_or_default(),
        stderr: err.join().unwrap_or_default(),
    }
}

/// A `login --no-browser` under way: the CLI, and the authorization URL it printed.
pub struct HandLogin {
    child: std::process::Child,
    stdout: BufReader<std::process::ChildStdout>,
    line: String,
    url: url::Url,
}

impl HandLogin {
    pub fn start(home: &Home, args: &[&str]) -> HandLogin {
        let mut all = vec!["login"];
        all.extend_from_slice(args);
        all.push("--no-browser");
        let mut child = home
            .command(&all)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the CLI starts");
        let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
        let mut line = String::new();
        stdout.read_line(&mut line).expect("the CLI prints the URL");
        let url =
            url::Url::parse(line.trim()).unwrap_or_else(|e| panic!("not a URL ({e}): {line}"));
        HandLogin {
            child,
            stdout,
            line,
            url,
        }
    }

    /// The authorization URL printed.
    pub fn url(&self) -> &url::Url {
        &self.url
    }

    pub fn param(&self, k: &str) -> String {
        self.url
            .query_pairs()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default()
    }

    pub fn finish(mut self) -> Run {
        self.child.stdout = None;
        let mut run = finish(self.child, Duration::from_secs(60));
        let mut rest = String::new();
        let _ = self.stdout.read_to_string(&mut rest);
        run.stdout = format!("{}{rest}{}", self.line, run.stdout);
        run
    }
}

/// Signs in with `login --no-browser` and plays the browser itself: reads the printed
/// authorization URL and sends `query(state)` to the redirect URI. For mock servers, whose
/// authorization endpoint is never visited.
pub fn login_by_hand(home: &Home, args: &[&str], query: impl FnOnce(&str) -> String) -> Run {
    let login = HandLogin::start(home, args);
    let (redirect, state) = (login.param("redirect_uri"), login.param("state"));
    let _ = reqwest::blocking::get(format!("{redirect}?{}", query(&state)));
    login.finish()
}

/// Like [`login_by_hand`], for the front channel: the response is POSTed to the redirect URI
/// as a form (response_mode=form_post, or what the fragment relay posts); `body` gets the
/// sign-in's state and nonce.
pub fn login_by_post(home: &Home, args: &[&str], body: impl FnOnce(&str, &str) -> String) -> Run {
    let login = HandLogin::start(home, args);
    let _ = reqwest::blocking::Client::new()
        .post(login.param("redirect_uri"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body(&login.param("state"), &login.param("nonce")))
        .send();
    login.finish()
}

/// Adds the test OP's `private_key_jwt` client `jwt-app` as `name`, its key fetched from the
/// OP (made at its start) and given as a file; returns the PEM.
pub fn add_jwt_app(home: &Home, op: &Op, name: &str) -> String {
    let pem = reqwest::blocking::get(format!("{}/_test/client-key", op.issuer))
        .unwrap()
        .text()
        .unwrap();
    let key = home.path().join(format!("{name}.pem"));
    std::fs::write(&key, &pem).unwrap();
    add_op_provider(
        home,
        op,
        name,
        "jwt-app",
        None,
        &[
            "--auth-method",
            "private_key_jwt",
            "--private-key-file",
            key.to_str().unwrap(),
        ],
    );
    pem
}

/// Adds provider `name` for the test OP's client `client`, asking for `scope`; the secret,
/// when given, on stdin.
pub fn add_client(
    home: &Home,
    op: &Op,
    name: &str,
    (client, secret): (&str, Option<&str>),
    scope: &str,
    extra: &[&str],
) -> Run {
    let mut args = vec![
        "provider",
        "add",
        name,
        "--issuer",
        &op.issuer,
        "--client-id",
        client,
        "--scope",
        scope,
    ];
    if secret.is_some() {
        args.push("--client-secret-stdin");
    }
    args.extend_from_slice(extra);
    home.run_with_stdin(&args, secret.unwrap_or("")).ok()
}

/// Adds a provider for one of the test OP's clients, with a refresh token's scope and consent.
pub fn add_op_provider(
    home: &Home,
    op: &Op,
    name: &str,
    client_id: &str,
    secret: Option<&str>,
    extra: &[&str],
) -> Run {
    let mut args = vec!["--param", "prompt=consent"];
    args.extend_from_slice(extra);
    add_client(
        home,
        op,
        name,
        (client_id, secret),
        "openid offline_access profile",
        &args,
    )
}

/// Adds provider `name` whose token endpoint is the mock server at `server` (its authorization
/// endpoint is never visited), and signs in by hand with the code `c`.
pub fn mock_provider_signed_in(home: &Home, name: &str, server: &str, extra: &[&str]) {
    let token_url = format!("{server}/token");
    let mut args = vec![
        "provider",
        "add",
        name,
        "--authorize-url",
        "http://127.0.0.1:9/authorize",
        "--token-url",
        &token_url,
        "--client-id",
        "c",
    ];
    args.extend_from_slice(extra);
    home.run(&args).ok();
    login_by_hand(home, &[name], |state| format!("code=c&state={state}")).ok();
}

/// The test OP's `client_secret_post` client's secret.
pub const POST_SECRET: &str = "post-secret-0123456789";

/// Adds the test OP's confidential `post-app` client (secret in the body) as `name`.
pub fn add_post_app(home: &Home, op: &Op, name: &str, extra: &[&str]) -> Run {
    let mut args = vec!["--auth-method", "post"];
    args.extend_from_slice(extra);
    add_op_provider(home, op, name, "post-app", Some(POST_SECRET), &args)
}

/// The config's provider `name` (its default identity), as the door takes it.
pub fn p(name: &str) -> oauth_desk::ProviderRef {
    oauth_desk::ProviderRef::local(name.parse().expect("a provider name"))
}

/// `oauth-desk keeper` in the background; killed on drop.
pub struct Keeper {
    child: Option<Child>,
    log: std::path::PathBuf,
}

impl Keeper {
    pub fn start(home: &Home) -> Keeper {
        let log = home.path().join("keeper.log");
        let child = home
            .command(&["keeper"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .unwrap();
        // A Unix socket appears as a file; a Windows named pipe does not (its keeper says).
        let socket = home.path().join("agent.sock");
        let listening = || {
            socket.exists()
                || std::fs::read_to_string(&log).is_ok_and(|l| l.contains("agent listening on"))
        };
        let deadline = Instant::now() + Duration::from_secs(20);
        while !listening() {
            assert!(
                Instant::now() < deadline,
                "the keeper did not open its socket: {}",
                std::fs::read_to_string(&log).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        Keeper {
            child: Some(child),
            log,
        }
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Keeper {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// A test server from `tests/servers/`, killed on drop; it prints its port first.
pub struct Server {
    child: Child,
    pub port: u16,
}

impl Server {
    pub fn start(script: &str, args: &[impl AsRef<std::ffi::OsStr>]) -> Server {
        let mut child = Command::new("python3")
            .arg(repo().join("tests/servers").join(script))
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("python3 runs the test servers (the README's test command installs it)");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port = line
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("{script} printed {line:?}"));
        Server { child, port }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
