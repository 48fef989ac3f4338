//! Hostile input, each test with the hostile thing itself: crafted collections, local processes
//! that talk to the loopback listener, servers that answer with escape sequences, a `file:`
//! verification URI, a discovery document without end, a child that looks for the vault's
//! passphrase, git asking for a token over plain http. The rules are in `docs/security.md`.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::time::Duration;

use crate::harness::{HandLogin, Home, Op, PASSPHRASE, add_client, browser_js};

/// A server on 127.0.0.1 that answers every request with what `answer(path)` returns:
/// `(status, body)`, or `None` to stream bytes until the client hangs up.
fn canned(answer: fn(&str) -> Option<(u16, String)>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            std::thread::spawn(move || serve(stream, answer));
        }
    });
    base
}

fn serve(stream: TcpStream, answer: fn(&str) -> Option<(u16, String)>) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut request_line = String::new();
    let _ = reader.read_line(&mut request_line);
    let mut length = 0usize;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line.trim().is_empty() {
            break;
        }
        if let Some((k, v)) = line.split_once(':')
            && k.eq_ignore_ascii_case("content-length")
        {
            length = v.trim().parse().unwrap_or(0);
        }
    }
    let mut body = vec![0; length];
    let _ = reader.read_exact(&mut body);
    let path = request_line.split(' ').nth(1).unwrap_or("/").to_owned();
    let mut out = stream;
    match answer(&path) {
        Some((status, body)) => {
            let _ = write!(
                out,
                "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
        }
        None => {
            let _ = write!(
                out,
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 419430400\r\n\r\n{{\"issuer\":\""
            );
            let chunk = vec![b'a'; 64 * 1024];
            // 400 MiB promised; written until the reader gives up.
            for _ in 0..6400 {
                if out.write_all(&chunk).is_err() {
                    return;
                }
            }
        }
    }
}

fn write_postman(dir: &Path, name: &str, variables: &[(String, String)]) -> String {
    let collection = serde_json::json!({
        "info": {"name": name, "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
        "auth": {"type": "oauth2", "oauth2": [
            {"key": "grant_type", "value": "client_credentials"},
            {"key": "accessTokenUrl", "value": "https://{{a}}/token"},
            {"key": "clientId", "value": "c"}
        ]},
        "item": [{"name": "r", "request": {"method": "GET", "url": "https://api.example/x"}}],
        "variable": variables.iter().map(|(k, v)| serde_json::json!({"key": k, "value": v})).collect::<Vec<_>>(),
    });
    let file = dir.join(format!("{name}.postman_collection.json"));
    std::fs::write(&file, collection.to_string()).unwrap();
    file.display().to_string()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn crafted_collections_are_refused_with_the_cycle_named_in_every_format() {
    let home = Home::new();
    let dir = home.path();

    // Postman: a circle, a variable naming itself, values that double at each of 40 levels.
    let circle = write_postman(dir, "circle", &pairs(&[("a", "{{b}}"), ("b", "{{a}}")]));
    for dry in [true, false] {
        let mut args = vec!["provider", "import", &circle];
        if dry {
            args.push("--dry-run");
        }
        let run = home.run(&args).fails(1, "nothing was imported");
        assert!(
            run.stdout
                .contains("the variable {{a}} refers to itself through {{b}}"),
            "{}",
            run.stdout
        );
    }
    let itself = write_postman(dir, "itself", &pairs(&[("a", "x{{a}}")]));
    let run = home.run(&["provider", "import", &itself]).fails(1, "");
    assert!(run.stdout.contains("the variable {{a}} refers to itself"));

    let mut doubling = vec![("v1".to_owned(), "x".repeat(8))];
    for i in 2..=40 {
        doubling.push((
            format!("v{i}"),
            format!("{{{{v{}}}}}{{{{v{}}}}}", i - 1, i - 1),
        ));
    }
    doubling.push(("a".into(), "{{v40}}".into()));
    let file = write_postman(dir, "doubling", &doubling);
    let run = home.run(&["provider", "import", &file]).fails(1, "");
    assert!(
        run.stdout.contains("more than 8 deep") || run.stdout.contains("KiB"),
        "{}",
        run.stdout
    );
    assert!(home.provider_names().is_empty());

    // Insomnia: environment variables in a circle.
    let insomnia = dir.join("insomnia.yaml");
    std::fs::write(
        &insomnia,
        r#"type: collection.insomnia.rest/5.0
name: Loop
collection:
  - url: https://api.example/x
    name: r
    method: GET
    authentication:
      type: oauth2
      grantType: client_credentials
      accessTokenUrl: "{{ _.a }}/token"
      clientId: c
environments:
  name: Base Environment
  data:
    a: "{{ _.b }}"
    b: "{{ _.a }}"
"#,
    )
    .unwrap();
    let run = home
        .run(&["provider", "import", insomnia.to_str().unwrap()])
        .fails(1, "nothing was imported");
    assert!(run.stdout.contains("refers to itself"), "{}", run.stdout);

    // Bruno: a collection whose environment refers to itself.
    let bruno = dir.join("bruno");
    std::fs::create_dir_all(bruno.join("environments")).unwrap();
    std::fs::write(
        bruno.join("bruno.json"),
        r#"{"version": "1", "name": "Loop", "type": "collection"}"#,
    )
    .unwrap();
    std::fs::write(
        bruno.join("collection.bru"),
        "auth {\n  mode: oauth2\n}\n\nauth:oauth2 {\n  grant_type: client_credentials\n  access_token_url: {{host}}/token\n  client_id: c\n}\n",
    )
    .unwrap();
    std::fs::write(
        bruno.join("r.bru"),
        "meta {\n  name: r\n  type: http\n  seq: 1\n}\n\nget {\n  url: https://api.example/x\n  body: none\n  auth: inherit\n}\n",
    )
    .unwrap();
    let env = bruno.join("environments/loop.bru");
    std::fs::write(&env, "vars {\n  host: {{host}}/x\n}\n").unwrap();
    let run = home
        .run(&[
            "provider",
            "import",
            bruno.to_str().unwrap(),
            "--from",
            "bruno",
            "--env",
            env.to_str().unwrap(),
        ])
        .fails(1, "nothing was imported");
    assert!(
        run.stdout
            .contains("the variable {{host}} refers to itself"),
        "{}",
        run.stdout
    );
}

#[cfg(unix)]
#[test]
fn a_bruno_folder_is_read_without_following_links_out_of_it_or_round_in_a_loop() {
    use std::os::unix::fs::symlink;
    let home = Home::new();
    let outside = home.path().join("outside");
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::write(outside.join("passwd"), "root:x:0:0:root:/root:/bin/sh\n").unwrap();
    // A request file outside with an OAuth configuration of its own: followed, it would add
    // a provider whose token URL the collection never named.
    std::fs::write(
        outside.join("planted.bru"),
        "meta {\n  name: planted\n}\n\nget {\n  url: https://x.example/\n  auth: oauth2\n}\n\nauth:oauth2 {\n  grant_type: client_credentials\n  access_token_url: https://planted.example/token\n  client_id: planted\n}\n",
    )
    .unwrap();
    let bruno = home.path().join("warehouse");
    let fixture = crate::harness::repo().join("tests/fixtures/import/bruno");
    for file in [
        "bruno.json",
        "collection.bru",
        "environments/local.bru",
        "requests/stock.bru",
        "requests/restock.bru",
    ] {
        std::fs::create_dir_all(bruno.join(file).parent().unwrap()).unwrap();
        std::fs::copy(fixture.join(file), bruno.join(file)).unwrap();
    }
    symlink(outside.join("passwd"), bruno.join("requests/passwd.bru")).unwrap();
    symlink(
        outside.join("planted.bru"),
        bruno.join("requests/planted.bru"),
    )
    .unwrap();
    symlink(&outside, bruno.join("more")).unwrap();
    symlink(&bruno, bruno.join("requests/again")).unwrap();

    let run = home
        .run(&[
            "provider",
            "import",
            bruno.to_str().unwrap(),
            "--env",
            bruno.join("environments/local.bru").to_str().unwrap(),
        ])
        .ok();
    assert!(
        run.stdout.contains("Imported 2 provider(s) from Warehouse"),
        "the collection itself still imports: {}",
        run.stdout
    );
    assert_eq!(
        home.provider_names(),
        ["warehouse", "warehouse-restock"],
        "nothing from outside the folder becomes a provider"
    );
    for link in ["requests/passwd.bru", "requests/planted.bru", "more"] {
        assert!(
            run.stdout.contains(&format!("{link}: a link to "))
                && run
                    .stdout
                    .contains("outside the collection folder: not followed"),
            "the link {link} is named and said not followed: {}",
            run.stdout
        );
    }
    assert!(
        run.stdout
            .contains("requests/again: a link to a folder already read (a loop"),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("root:x"), "{}", run.stdout);
}

/// Sends `request` to the listener and returns the status line of its answer (empty when the
/// listener hung up without one).
fn send(redirect: &url::Url, request: &str) -> String {
    let addr = format!(
        "{}:{}",
        redirect.host_str().unwrap(),
        redirect.port().unwrap()
    );
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    let mut status = String::new();
    let _ = BufReader::new(stream).read_line(&mut status);
    status
}

#[test]
fn a_stalled_and_a_forging_local_client_do_not_end_a_real_sign_in() {
    let op = Op::start();
    let home = Home::new();
    add_client(
        &home,
        &op,
        "api",
        ("public-app", None),
        "openid offline_access",
        &[],
    )
    .ok();
    let login = HandLogin::start(&home, &["api"]);
    let redirect = url::Url::parse(&login.param("redirect_uri")).unwrap();

    // A body promised and never sent, held open while the rest happens.
    let addr = format!("127.0.0.1:{}", redirect.port().unwrap());
    let mut stalled = TcpStream::connect(&addr).unwrap();
    stalled
        .write_all(
            format!("POST /callback HTTP/1.1\r\nHost: {addr}\r\nContent-Length: 5000\r\n\r\n")
                .as_bytes(),
        )
        .unwrap();
    // A header line without end is cut off, not collected.
    let mut long = TcpStream::connect(&addr).unwrap();
    let _ =
        long.write_all(format!("GET /callback?{} HTTP/1.1\r\n", "a".repeat(64 * 1024)).as_bytes());

    // A forged redirect with a wrong state, then one with none: answered, and ignored.
    let forged = send(
        &redirect,
        &format!(
            "GET {}?code=forged&state=wrong HTTP/1.1\r\nHost: {addr}\r\n\r\n",
            redirect.path()
        ),
    );
    assert!(forged.starts_with("HTTP/1.1 400"), "{forged}");
    let stateless = send(
        &redirect,
        &format!(
            "GET {}?code=forged HTTP/1.1\r\nHost: {addr}\r\n\r\n",
            redirect.path()
        ),
    );
    assert!(stateless.starts_with("HTTP/1.1 400"), "{stateless}");
    // A page on another name that resolves to 127.0.0.1 (DNS rebinding), its browser sending
    // that name: refused before anything is read, with the right state as with a wrong one.
    let rebound = send(
        &redirect,
        &format!(
            "GET {}?code=forged&state={} HTTP/1.1\r\nHost: rebound.example:{}\r\n\r\n",
            redirect.path(),
            login.param("state"),
            redirect.port().unwrap()
        ),
    );
    assert!(rebound.starts_with("HTTP/1.1 421"), "{rebound}");

    // The person signs in for real: the wait ends with their redirect, not the others'.
    let browser = std::process::Command::new("node")
        .arg(browser_js())
        .arg(login.url().as_str())
        .status()
        .expect("browser.js runs");
    assert!(browser.success());
    let run = login.finish().ok();
    assert!(run.stdout.contains("Signed in to api"), "{}", run.stdout);
    drop(stalled);
    let shown = home.run(&["show", "api", "--json"]).ok().json();
    assert_eq!(shown["id_token"]["claims"]["sub"], "alice", "{shown}");
}

#[test]
fn escape_sequences_from_a_server_are_shown_escaped() {
    let server = canned(|path| {
        if path == "/token" {
            Some((
                400,
                r#"{"error":"invalid_client","error_description":"\u001b]52;c;aGVsbG8=\u0007\u001b[2Jno \u202etxt.exe"}"#.into(),
            ))
        } else {
            Some((404, "{}".into()))
        }
    });
    let home = Home::new();
    let token_url = format!("{server}/token");
    home.run(&[
        "provider",
        "add",
        "m",
        "--token-url",
        &token_url,
        "--client-id",
        "c",
    ])
    .ok();
    let run = home
        .run(&["client-credentials", "m"])
        .fails(1, "invalid_client");
    assert!(!run.stderr.contains('\u{1b}'), "{:?}", run.stderr);
    assert!(!run.stderr.contains('\u{202e}'), "{:?}", run.stderr);
    assert!(run.stderr.contains("\\u{1b}]52;c;"), "{:?}", run.stderr);
}

#[test]
fn a_device_endpoints_file_uri_is_not_opened_and_its_code_is_escaped() {
    let server = canned(|path| {
        match path {
        "/device" => Some((
            200,
            r#"{"device_code":"d","user_code":"AB\u001b[2JCD","verification_uri":"file:///etc/passwd","verification_uri_complete":"file:///etc/passwd","expires_in":30,"interval":1}"#.into(),
        )),
        "/token" => Some((400, r#"{"error":"expired_token"}"#.into())),
        _ => Some((404, "{}".into())),
    }
    });
    let mut home = Home::new();
    let marker = home.path().join("opened");
    let browser = home.path().join("browser.sh");
    std::fs::write(
        &browser,
        format!("#!/bin/sh\necho \"$1\" > {}\n", marker.display()),
    )
    .unwrap();
    std::process::Command::new("chmod")
        .args(["+x", browser.to_str().unwrap()])
        .status()
        .unwrap();
    home.set("BROWSER", browser.to_str().unwrap());
    let (token_url, device_url) = (format!("{server}/token"), format!("{server}/device"));
    home.run(&[
        "provider",
        "add",
        "tv",
        "--token-url",
        &token_url,
        "--device-url",
        &device_url,
        "--client-id",
        "c",
    ])
    .ok();
    let run = home.run(&["device", "tv"]).fails(1, "");
    assert!(run.stderr.contains("is not a web page"), "{}", run.stderr);
    assert!(!marker.exists(), "a file: URI must not reach the browser");
    assert!(!run.stdout.contains('\u{1b}') && !run.stderr.contains('\u{1b}'));
    assert!(run.stdout.contains("AB\\u{1b}[2JCD"), "{:?}", run.stdout);
}

#[test]
fn a_discovery_document_without_end_is_cut_off() {
    let server = canned(|_| None);
    let home = Home::new();
    let run = home
        .run(&[
            "provider",
            "add",
            "big",
            "--issuer",
            &server,
            "--client-id",
            "c",
        ])
        .fails(1, "");
    assert!(
        run.stderr.contains("answered with more than 1024 KiB"),
        "{}",
        run.stderr
    );
    assert!(home.provider_names().is_empty());
}

#[test]
fn a_child_never_sees_the_vault_passphrase() {
    let op = Op::start();
    let home = Home::new();
    add_client(
        &home,
        &op,
        "m",
        ("cc-app", Some("cc-secret-0123456789")),
        "api:read",
        &[],
    )
    .ok();
    home.run(&["client-credentials", "m"]).ok();
    let run = home.run(&["exec", "m", "--", "env"]).ok();
    assert!(run.stdout.contains("OAUTH_DESK_TOKEN="), "{}", run.stdout);
    assert!(
        !run.stdout.contains("OAUTH_DESK_PASSPHRASE"),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains(PASSPHRASE));
}

#[test]
fn git_asking_for_a_token_over_plain_http_elsewhere_gets_none() {
    let op = Op::start();
    let home = Home::new();
    add_client(
        &home,
        &op,
        "g",
        ("cc-app", Some("cc-secret-0123456789")),
        "api:read",
        &[],
    )
    .ok();
    home.run(&["client-credentials", "g"]).ok();
    let run = home.run_with_stdin(
        &["credential", "git", "g", "get"],
        "protocol=http\nhost=git.example.com\n\n",
    );
    assert!(!run.stdout.contains("password="), "{}", run.stdout);
    assert!(run.stderr.contains("http"), "{}", run.stderr);
    let https = home
        .run_with_stdin(
            &["credential", "git", "g", "get"],
            "protocol=https\nhost=git.example.com\n\n",
        )
        .ok();
    assert!(https.stdout.contains("password="), "{}", https.stdout);
}

#[test]
fn authorization_details_a_server_drops_are_reported_as_not_granted() {
    // Two types asked; the first server grants one, the second answers without any.
    let partial = canned(|path| {
        match path {
        "/token" => Some((
            200,
            r#"{"access_token":"at","token_type":"Bearer","expires_in":300,"authorization_details":[{"type":"payment_initiation"}]}"#.into(),
        )),
        _ => Some((404, "{}".into())),
    }
    });
    let silent = canned(|path| match path {
        "/token" => Some((
            200,
            r#"{"access_token":"at","token_type":"Bearer","expires_in":300}"#.into(),
        )),
        _ => Some((404, "{}".into())),
    });
    let home = Home::new();
    let details = r#"[{"type":"payment_initiation"},{"type":"account_information"}]"#;
    for (name, server) in [("partial", &partial), ("silent", &silent)] {
        let token_url = format!("{server}/token");
        home.run(&[
            "provider",
            "add",
            name,
            "--authorize-url",
            "http://127.0.0.1:9/authorize",
            "--token-url",
            &token_url,
            "--client-id",
            "c",
            "--authorization-details",
            details,
        ])
        .ok();
        let login =
            crate::harness::login_by_hand(&home, &[name], |state| format!("code=c&state={state}"))
                .ok();
        let report = home.run(&["show", name, "--json"]).ok().json();
        assert_eq!(report["details"]["requested"].as_array().unwrap().len(), 2);
        let show = home.run(&["show", name]).ok().stdout;
        if name == "partial" {
            assert!(
                login.stdout.contains("NOT granted    account_information (authorization details the response does not list)"),
                "{}",
                login.stdout
            );
            assert_eq!(
                report["details"]["not_granted"],
                serde_json::json!(["account_information"])
            );
        } else {
            assert!(
                login.stdout.contains("NOT granted    payment_initiation account_information (the response has no authorization_details"),
                "{}",
                login.stdout
            );
            assert_eq!(report["details"]["server_listed"], false);
        }
        assert!(show.contains("✗ not granted"), "{show}");
    }
}

#[test]
fn an_imported_name_never_takes_over_a_providers_vault_entry() {
    let home = Home::new();
    home.run_with_stdin(
        &[
            "provider",
            "add",
            "shop-api",
            "--token-url",
            "https://as.example/token",
            "--client-id",
            "mine",
            "--client-secret-stdin",
        ],
        "my-own-secret-0123456789",
    )
    .ok();
    let fixtures = crate::harness::repo().join("tests/fixtures/import");
    let run = home
        .run(&[
            "provider",
            "import",
            fixtures
                .join("shop.postman_collection.json")
                .to_str()
                .unwrap(),
            "--env",
            fixtures
                .join("shop.postman_environment.json")
                .to_str()
                .unwrap(),
        ])
        .ok();
    assert!(run.stdout.contains("shop-api-2 "), "{}", run.stdout);
    let mine = home.run(&["provider", "show", "shop-api"]).ok().stdout;
    assert!(mine.contains("client id            mine"), "{mine}");
    assert!(mine.contains("(secret in the vault)"), "{mine}");
}

#[test]
fn call_cuts_an_endless_answer_and_says_so() {
    let server = canned(|path| match path {
        "/token" => Some((
            200,
            r#"{"access_token":"at","token_type":"Bearer","expires_in":300}"#.into(),
        )),
        _ => None,
    });
    let home = Home::new();
    let token_url = format!("{server}/token");
    home.run(&[
        "provider",
        "add",
        "m",
        "--token-url",
        &token_url,
        "--client-id",
        "c",
        "--auth-method",
        "none",
    ])
    .ok();
    home.run(&["client-credentials", "m"]).ok();
    let api = format!("{server}/api");
    let run = home.run(&["call", "m", &api, "--max-bytes", "100000"]).ok();
    assert_eq!(run.stdout.trim_end().len(), 100_000, "the body, cut");
    assert!(
        run.stderr
            .contains("the answer was cut after 100000 bytes: --max-bytes reads more"),
        "{}",
        run.stderr
    );
}
