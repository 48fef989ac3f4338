//! `audit`: the test OP passes what a careful server passes; a deliberately lax server of our
//! own (`tests/servers/lax_as.py`) fails exactly the checks it breaks, with the evidence, exit 1
//! and a JUnit report a parser reads. The active probes are agreed to first; a `jwks_uri` in
//! plain http off this machine is not fetched.

use serde_json::Value;

use crate::harness::{Home, Op, Server, add_client};

fn verdicts(report: &Value) -> Vec<(String, String)> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["id"].as_str().unwrap().to_owned(),
                f["verdict"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn verdict_of<'a>(all: &'a [(String, String)], id: &str) -> &'a str {
    &all.iter().find(|(i, _)| i == id).unwrap().1
}

#[test]
fn the_test_op_passes_and_a_lax_server_fails_exactly_what_it_breaks() {
    let op = Op::start();
    let home = Home::new();
    add_client(
        &home,
        &op,
        "op",
        ("cc-app", Some("cc-secret-0123456789")),
        "api:read",
        &[],
    );
    // Before any token response, there is nothing to judge Cache-Control by.
    let before = verdicts(&home.run(&["audit", "op", "--json"]).ok().json());
    assert_eq!(verdict_of(&before, "token-no-store"), "skip");
    home.run(&["client-credentials", "op"]).ok();
    let run = home.run(&["audit", "op", "--json"]).ok();
    let all = verdicts(&run.json());
    for id in [
        "metadata-issuer",
        "metadata-https",
        "metadata-required",
        "pkce-s256",
        "plain-pkce",
        "no-none-alg",
        "iss-parameter",
        "jwks-reachable",
        "jwks-unique-kids",
        "jwks-keys-usable",
        "token-no-store",
    ] {
        assert_eq!(verdict_of(&all, id), "pass", "{id}: {}", run.stdout);
    }
    assert_eq!(verdict_of(&all, "resource-metadata"), "skip");

    let lax = Server::start("lax_as.py", &[] as &[&str]);
    let issuer = format!("http://127.0.0.1:{}", lax.port);
    home.run(&[
        "provider",
        "add",
        "lax",
        "--issuer",
        &issuer,
        "--client-id",
        "c",
        "--auth-method",
        "none",
    ])
    .ok();
    home.run(&["client-credentials", "lax"]).ok();
    let junit = home.path().join("audit.xml");
    let run = home.run(&["audit", "lax", "--junit", junit.to_str().unwrap()]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(run.stderr.contains("4 finding(s) failed"), "{}", run.stderr);
    for line in [
        "✗ fail  pkce-s256",
        "code_challenge_methods_supported: [\"plain\"]",
        "✗ fail  no-none-alg",
        "none listed in id_token_signing_alg_values_supported",
        "✗ fail  jwks-unique-kids",
        "kid repeated: k1",
        "✗ fail  token-no-store",
        "Cache-Control (none)",
        "! warn  plain-pkce",
        "! warn  iss-parameter",
    ] {
        assert!(run.stdout.contains(line), "{line}\n{}", run.stdout);
    }
    let parsed = std::process::Command::new("python3")
        .args([
            "-c",
            "import sys, xml.etree.ElementTree as T; r = T.parse(sys.argv[1]).getroot(); \
             print(r.get('failures'), len(r.findall('.//testcase')), len(r.findall('.//failure')))",
            junit.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(
        parsed.status.success(),
        "{}",
        String::from_utf8_lossy(&parsed.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&parsed.stdout).trim(), "4 14 4");
}

fn finding<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == id)
        .unwrap_or_else(|| panic!("no finding {id}: {report}"))
}

const PROBES: [&str; 6] = [
    "pkce-downgrade",
    "code-replay",
    "redirect-mismatch",
    "refresh-rotation",
    "iss-response",
    "state-echo",
];

/// `audit --active` signs in four times through `$BROWSER` (the headless browser) and
/// exchanges the codes the ways a correct client never does: the test OP refuses each; the lax
/// server takes a code without its verifier, a code twice, and never rotates a public client's
/// refresh token — exactly those fail, with the evidence. Nothing is stored either way.
#[test]
fn active_probes_pass_at_the_test_op_and_fail_where_a_lax_server_is_lax() {
    let op = Op::start();
    let home = Home::new();
    crate::harness::add_op_provider(&home, &op, "op", "public-app", None, &[]);
    let run = home
        .run(&["audit", "op", "--active", "--yes", "--json"])
        .ok();
    let report = run.json();
    for id in PROBES {
        assert_eq!(finding(&report, id)["verdict"], "pass", "{id}: {report}");
    }
    assert!(
        run.stderr.contains("sign-in 4 of 4"),
        "the person hears what each sign-in is for: {}",
        run.stderr
    );
    let rotation = finding(&report, "refresh-rotation")["evidence"]
        .as_str()
        .unwrap();
    assert!(
        rotation.contains("rotated; the old refresh token was refused"),
        "{rotation}"
    );
    let exchanges = op
        .token_log()
        .iter()
        .filter(|e| e["grant_type"] == "authorization_code")
        .count();
    assert_eq!(
        exchanges,
        5,
        "four codes, the first exchanged twice: {:?}",
        op.token_log()
    );
    home.run(&["token", "op"]).fails(1, "not signed in");

    let lax = Server::start("lax_as.py", &[] as &[&str]);
    let issuer = format!("http://127.0.0.1:{}", lax.port);
    home.run(&[
        "provider",
        "add",
        "lax",
        "--issuer",
        &issuer,
        "--client-id",
        "c",
        "--auth-method",
        "none",
    ])
    .ok();
    let run = home.run(&["audit", "lax", "--active", "--yes", "--json"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    let report = run.json();
    let verdict = |id| finding(&report, id)["verdict"].as_str().unwrap().to_owned();
    for id in ["pkce-downgrade", "code-replay", "refresh-rotation"] {
        assert_eq!(verdict(id), "fail", "{id}: {report}");
    }
    assert_eq!(
        verdict("redirect-mismatch"),
        "pass",
        "it does compare redirect URIs"
    );
    assert_eq!(verdict("iss-response"), "warn", "no iss, none advertised");
    assert_eq!(verdict("state-echo"), "pass");
    let pkce = finding(&report, "pkce-downgrade")["evidence"]
        .as_str()
        .unwrap();
    assert!(
        pkce.contains("without code_verifier: tokens issued"),
        "{pkce}"
    );
    let replay = finding(&report, "code-replay")["evidence"]
        .as_str()
        .unwrap();
    assert!(
        replay.contains("second exchange: tokens issued"),
        "{replay}"
    );
    assert!(
        !report.to_string().contains("lax-"),
        "no token value in the report"
    );
}

/// The probes can make a server revoke the provider's grant (a replayed code): without a
/// terminal to ask and without `--yes`, nothing is probed — not even the passive audit runs —
/// and the refusal names the server and what it would have done.
#[test]
fn active_probes_without_yes_and_without_a_terminal_are_refused_and_nothing_is_sent() {
    let op = Op::start();
    let home = Home::new();
    crate::harness::add_op_provider(&home, &op, "op", "public-app", None, &[]);
    let host = op
        .issuer
        .trim_start_matches("http://")
        .trim_end_matches('/');
    let host = host.split('/').next().unwrap();
    let run = home
        .run(&["audit", "op", "--active", "--json"])
        .fails(2, "add --yes");
    for said in [
        host,
        "4 fresh sign-ins",
        "exchanges one code twice",
        "revoke",
    ] {
        assert!(
            run.stderr.contains(said),
            "the refusal says {said:?} (the server and what the probes would do): {}",
            run.stderr
        );
    }
    assert!(run.stdout.is_empty(), "nothing audited: {}", run.stdout);
    assert!(
        op.token_log().is_empty(),
        "no sign-in happened, no code reached the token endpoint: {:?}",
        op.token_log()
    );
    home.run(&["token", "op"]).fails(1, "not signed in");
}

/// A `jwks_uri` the metadata names in plain http off this machine is not fetched: the finding
/// fails naming the URL and the metadata document that named it. A provider that allows http
/// takes the document's word.
#[test]
fn a_plain_http_jwks_uri_elsewhere_is_not_fetched() {
    let jwks = "http://keys.lax.test/jwks";
    let lax = Server::start("lax_as.py", &["--jwks-uri", jwks]);
    let issuer = format!("http://127.0.0.1:{}", lax.port);
    let home = Home::new();
    // The provider's own JWKS URL is given (the provider rules would refuse the metadata's):
    // the audit reads the metadata as the server serves it now.
    let own_jwks = format!("{issuer}/jwks");
    let add = |name: &str, extra: &[&str]| {
        let mut args = vec![
            "provider",
            "add",
            name,
            "--issuer",
            &issuer,
            "--jwks-url",
            &own_jwks,
            "--client-id",
            "c",
            "--auth-method",
            "none",
        ];
        args.extend_from_slice(extra);
        home.run(&args).ok();
    };
    add("lax", &[]);
    let report = home.run(&["audit", "lax", "--json"]).json();
    let reachable = finding(&report, "jwks-reachable");
    assert_eq!(reachable["verdict"], "fail", "{report}");
    let evidence = reachable["evidence"].as_str().unwrap();
    let metadata = format!("{issuer}/.well-known/openid-configuration");
    assert!(
        evidence.contains("not fetched")
            && evidence.contains(jwks)
            && evidence.contains(&format!("jwks_uri in {metadata}"))
            && evidence.contains("plain http"),
        "the evidence names the URL, the document that named it and the rule: {evidence}"
    );

    add("lax-http", &["--allow-http"]);
    let report = home.run(&["audit", "lax-http", "--json"]).json();
    let evidence = finding(&report, "jwks-reachable")["evidence"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        !evidence.contains("not fetched"),
        "allow_http lets the audit ask {jwks} (which does not exist): {evidence}"
    );
}
