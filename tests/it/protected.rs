//! The modern profile against the test OP: DPoP (RFC 9449) with server nonces, pushed
//! authorization requests (RFC 9126), signed request objects (RFC 9101), rich authorization
//! requests (RFC 9396), mutual TLS (RFC 8705), and `headers` / `call` at a resource — each end
//! to end, and the server's refusals, each a clear error that loses nothing stored.

use base64::Engine;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::harness::{Home, Op, add_client, add_jwt_app};

const RO_SECRET: &str = "ro-secret-0123456789-0123456789-0123456789";

fn add(home: &Home, op: &Op, name: &str, client: &str, secret: Option<&str>, extra: &[&str]) {
    add_client(home, op, name, (client, secret), "openid profile", extra);
}

fn show(home: &Home, name: &str) -> Value {
    home.run(&["show", name, "--json"]).ok().json()
}

/// The access token itself (`show --reveal`).
fn access_token(home: &Home, name: &str) -> String {
    home.run(&["token", name]).ok().stdout.trim().to_owned()
}

/// `headers` output as (authorization, proof).
fn headers(home: &Home, name: &str, url: &str, method: &str) -> (String, String) {
    let run = home
        .run(&["headers", name, "--url", url, "--method", method])
        .ok();
    let mut lines = run.stdout.lines();
    let authorization = lines.next().expect("an Authorization line").to_owned();
    let proof = lines
        .next()
        .and_then(|l| l.strip_prefix("DPoP: "))
        .expect("a DPoP line")
        .to_owned();
    (authorization, proof)
}

fn get(url: &str, authorization: &str, proof: &str) -> reqwest::blocking::Response {
    let value = authorization
        .strip_prefix("Authorization: ")
        .expect("an Authorization header line");
    reqwest::blocking::Client::new()
        .get(url)
        .header("authorization", value)
        .header("dpop", proof)
        .send()
        .expect("the OP answers")
}

fn challenge(response: &reqwest::blocking::Response) -> String {
    response
        .headers()
        .get("www-authenticate")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

#[test]
fn a_dpop_sign_in_binds_the_token_and_every_request_proves_the_key() {
    let op = Op::start();
    let home = Home::new();
    add(&home, &op, "dp", "dpop-app", None, &["--dpop"]);
    home.run(&["login", "dp"]).ok();

    // Bound and checked: token_type DPoP, cnf.jkt (introspected: the token is opaque) is ours.
    let report = show(&home, "dp");
    let at = &report["access_token"];
    assert_eq!(at["token_type"], "DPoP");
    let binding = &at["binding"][0];
    assert_eq!(binding["kind"], "DPoP");
    assert_eq!(binding["check"]["result"], "pass", "{binding}");
    assert_eq!(at["cnf"]["jkt"], binding["ours"]);
    let jkt = binding["ours"].as_str().unwrap().to_owned();
    // The key's thumbprint is what `provider show` shows.
    let shown = home.run(&["provider", "show", "dp", "--json"]).ok().json();
    assert_eq!(shown["keys"]["dpop_thumbprint"], jkt.as_str());
    assert!(
        home.run(&["provider", "show", "dp"])
            .ok()
            .stdout
            .contains(&jkt)
    );

    // The authorization request named the key; the code exchange carried a proof, was asked
    // for a nonce once, and answered with it.
    let trace = home.run(&["trace", "dp", "--json"]).ok().json();
    let exchanges = trace["exchanges"].as_array().unwrap();
    assert!(
        exchanges[0]["url"]
            .as_str()
            .unwrap()
            .contains(&format!("dpop_jkt={jkt}")),
        "{}",
        exchanges[0]["url"]
    );
    let token_calls: Vec<&Value> = exchanges
        .iter()
        .filter(|e| e["label"] == "token (authorization_code)")
        .collect();
    assert_eq!(token_calls.len(), 2, "one use_dpop_nonce, one retry");
    assert_eq!(token_calls[0]["status"], 400);
    assert_eq!(token_calls[1]["status"], 200);
    assert!(
        op.token_log()
            .iter()
            .filter(|e| e["grant_type"] == "authorization_code")
            .all(|e| e["dpop"] == true)
    );

    // The key: its private half only in the vault.
    let config = String::from_utf8(home.read("config.toml")).unwrap();
    assert!(
        !config.contains("PRIVATE") && !config.contains("ES256:"),
        "{config}"
    );

    // userinfo and call prove the key at the resource (nonce retried there too).
    let userinfo = home.run(&["userinfo", "dp"]).ok().json();
    assert_eq!(userinfo["sub"], "alice");
    let userinfo_url = format!("{}/me", op.issuer);
    let called = home
        .run(&["call", "dp", &userinfo_url, "--json"])
        .ok()
        .json();
    assert_eq!(called["status"], 200);
    assert_eq!(called["presented_as"], "DPoP");
    assert_eq!(called["body"]["sub"], "alice");

    // headers: exactly what the request needs, with htm, htu (no query), iat, jti, ath and
    // the nonce the resource gave last.
    let token = access_token(&home, "dp");
    let (authorization, proof) = headers(&home, "dp", &format!("{userinfo_url}?x=1#f"), "GET");
    assert_eq!(authorization, format!("Authorization: DPoP {token}"));
    let decoded = oauth_desk::jwt::decode(&proof).unwrap();
    assert_eq!(decoded.header["typ"], "dpop+jwt");
    assert!(decoded.header["jwk"].get("d").is_none());
    let claims = &decoded.claims;
    assert_eq!(claims["htm"], "GET");
    assert_eq!(claims["htu"], userinfo_url);
    let ath = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(&token));
    assert_eq!(claims["ath"], ath);
    assert!(
        claims["nonce"].is_string(),
        "the resource's nonce: {claims:?}"
    );
    assert!(claims["jti"].is_string() && claims["iat"].is_number());
    let answer = get(&userinfo_url, &authorization, &proof);
    assert_eq!(answer.status(), 200, "{}", challenge(&answer));

    // The server's refusals: the same proof again (reused jti), a proof for another method
    // (htm/htu), a proof for another token (ath).
    let again = get(&userinfo_url, &authorization, &proof);
    assert_eq!(again.status(), 401);
    let (authorization, post_proof) = headers(&home, "dp", &userinfo_url, "POST");
    let wrong_method = get(&userinfo_url, &authorization, &post_proof);
    assert_eq!(wrong_method.status(), 401);
    assert!(
        challenge(&wrong_method).contains("invalid_dpop_proof"),
        "{}",
        challenge(&wrong_method)
    );
    let (authorization, other_url_proof) =
        headers(&home, "dp", &format!("{}/other", op.issuer), "GET");
    let wrong_url = get(&userinfo_url, &authorization, &other_url_proof);
    assert_eq!(wrong_url.status(), 401);
    assert!(
        challenge(&wrong_url).contains("htu"),
        "{}",
        challenge(&wrong_url)
    );
    let (_, fresh_proof) = headers(&home, "dp", &userinfo_url, "GET");
    home.run(&["login", "dp"]).ok();
    let new_token = access_token(&home, "dp");
    assert_ne!(new_token, token);
    let wrong_ath = get(
        &userinfo_url,
        &format!("Authorization: DPoP {new_token}"),
        &fresh_proof,
    );
    assert_eq!(wrong_ath.status(), 401);
    assert!(
        challenge(&wrong_ath).contains("ath"),
        "{}",
        challenge(&wrong_ath)
    );
    // None of that touched the stored tokens.
    assert_eq!(access_token(&home, "dp"), new_token);
}

#[test]
fn every_dpop_algorithm_binds_and_client_credentials_are_bound_too() {
    let op = Op::start();
    let home = Home::new();
    for alg in ["EdDSA", "PS256"] {
        let name = format!("dp-{alg}");
        add(&home, &op, &name, "dpop-app", None, &["--dpop-alg", alg]);
        home.run(&["login", &name]).ok();
        let report = show(&home, &name);
        let at = &report["access_token"];
        assert_eq!(at["token_type"], "DPoP");
        assert_eq!(at["binding"][0]["check"]["result"], "pass", "{alg}: {at}");
        home.run(&["userinfo", &name]).ok();
    }
    add(
        &home,
        &op,
        "cc",
        "dpop-cc-app",
        Some("dpop-cc-secret-0123456789"),
        &["--dpop"],
    );
    home.run(&["client-credentials", "cc", "--scope", ""]).ok();
    let at = &show(&home, "cc")["access_token"];
    assert_eq!(at["token_type"], "DPoP");
    assert_eq!(at["binding"][0]["check"]["result"], "pass", "{at}");
}

#[test]
fn par_is_used_when_the_server_requires_it_and_off_is_refused_clearly() {
    let op = Op::start();
    let home = Home::new();
    let secret = Some("par-secret-0123456789");
    // auto: the plain request is refused for this client; explained, then pushed once.
    add(&home, &op, "par", "par-app", secret, &[]);
    let run = home.run(&["login", "par"]).ok();
    assert!(
        run.stderr.contains("requires this client to push"),
        "{}",
        run.stderr
    );
    assert_eq!(op.pushed().len(), 1);
    assert_eq!(op.pushed()[0]["status"], 201);
    let trace = home.run(&["trace", "par", "--json"]).ok().json();
    let labels: Vec<&str> = trace["exchanges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["label"].as_str().unwrap())
        .collect();
    assert!(
        labels.contains(&"pushed authorization request"),
        "{labels:?}"
    );
    let browser = trace["exchanges"][1]["url"].as_str().unwrap();
    assert!(
        browser.contains("request_uri=") && !browser.contains("code_challenge"),
        "the browser sees only the request_uri: {browser}"
    );

    // on: pushed from the start, and --no-browser says how long the URL lives.
    add(&home, &op, "par-on", "par-app", secret, &["--par", "on"]);
    home.run(&["login", "par-on"]).ok();
    assert_eq!(op.pushed().len(), 2, "no plain attempt first");

    // off: the server's refusal, with what fixes it; the signed-in provider keeps its tokens.
    add(&home, &op, "par-off", "par-app", secret, &["--par", "off"]);
    let before = access_token(&home, "par");
    let run = home
        .run(&["login", "par-off"])
        .fails(1, "Pushed Authorization Request must be used");
    assert!(run.stderr.contains("--par auto"), "{}", run.stderr);
    assert_eq!(access_token(&home, "par"), before);
    assert_eq!(
        show(&home, "par-off")["status"],
        "not_signed_in",
        "nothing stored for the refused one"
    );

    // A server whose metadata requires PAR: pushed from the start, no refused attempt.
    let strict = Op::start_with(&[("OP_PAR_REQUIRED", "1")]);
    let basic_secret = Some("basic secret:with/special+chars%");
    add_client(
        &home,
        &strict,
        "strict",
        ("basic-app", basic_secret),
        "openid",
        &[],
    );
    let run = home.run(&["login", "strict"]).ok();
    assert!(
        !run.stderr.contains("requires this client"),
        "{}",
        run.stderr
    );
    assert_eq!(strict.pushed().len(), 1);
    let provider = home
        .run(&["provider", "show", "strict", "--json"])
        .ok()
        .json();
    assert_eq!(provider["server_security"]["requires_par"], true);

    // PAR on without an endpoint is refused before anything is saved.
    home.run(&[
        "provider",
        "add",
        "nopar",
        "--authorize-url",
        "https://as.example/authorize",
        "--token-url",
        "https://as.example/token",
        "--client-id",
        "x",
        "--par",
        "on",
    ])
    .fails(2, "--par-url");
}

#[test]
fn signed_request_objects_alone_and_pushed() {
    let op = Op::start();
    let home = Home::new();
    // ro-app must send request objects: refused without one.
    add(&home, &op, "plain", "ro-app", Some(RO_SECRET), &[]);
    home.run(&["login", "plain"])
        .fails(1, "Request Object must be used");
    add(
        &home,
        &op,
        "ro",
        "ro-app",
        Some(RO_SECRET),
        &["--request-object", "signed"],
    );
    home.run(&["login", "ro"]).ok();
    assert_eq!(show(&home, "ro")["status"], "signed_in");
    let trace = home.run(&["trace", "ro", "--json"]).ok().json();
    let url = trace["exchanges"][0]["url"].as_str().unwrap();
    assert!(
        url.contains("request=") && !url.contains("code_challenge="),
        "the request is inside the JWT: {url}"
    );
    // Both: the request object is what gets pushed.
    add(
        &home,
        &op,
        "ropar",
        "ro-app",
        Some(RO_SECRET),
        &["--request-object", "signed", "--par", "on"],
    );
    home.run(&["login", "ropar"]).ok();
    assert_eq!(op.pushed().last().unwrap()["client_id"], "ro-app");
    // A private key the server lists no algorithm for: refused before sending, saying both.
    let dir = home.path().to_owned();
    let key = dir.join("ed.pem");
    let made = std::process::Command::new("openssl")
        .args(["genpkey", "-algorithm", "ed25519", "-out"])
        .arg(&key)
        .status()
        .expect("openssl runs");
    assert!(made.success());
    add_jwt_app(&home, &op, "jwt");
    home.run(&[
        "provider",
        "add",
        "ed",
        "--issuer",
        &op.issuer,
        "--client-id",
        "jwt-app",
        "--auth-method",
        "private_key_jwt",
        "--private-key-file",
        key.to_str().unwrap(),
        "--request-object",
        "signed",
    ])
    .ok();
    let run = home.run(&["login", "ed"]).fails(1, "EdDSA");
    assert!(
        run.stderr.contains("HS256, RS256, PS256, ES256"),
        "{}",
        run.stderr
    );
}

#[test]
fn rich_authorization_requests_are_sent_and_the_grant_shown() {
    let op = Op::start();
    let home = Home::new();
    let details =
        r#"[{"type":"payment_initiation","instructedAmount":{"currency":"EUR","amount":"12.00"}}]"#;
    let file = home.path().join("details.json");
    std::fs::write(&file, details).unwrap();
    let at_file = format!("@{}", file.display());
    add(
        &home,
        &op,
        "rar",
        "rar-app",
        Some("rar-secret-0123456789"),
        &["--authorization-details", &at_file, "--par", "on"],
    );
    home.run(&["login", "rar"]).ok();
    let report = show(&home, "rar");
    assert_eq!(
        report["authorization_details"][0]["instructedAmount"]["amount"],
        "12.00"
    );
    let text = home.run(&["show", "rar"]).ok().stdout;
    assert!(text.contains("AUTHORIZATION DETAILS"), "{text}");
    assert_eq!(op.pushed().len(), 1, "inside the pushed request");

    // Checked when added: not an array of typed objects.
    home.run(&[
        "provider",
        "add",
        "bad",
        "--issuer",
        &op.issuer,
        "--client-id",
        "rar-app",
        "--authorization-details",
        r#"{"type":"x"}"#,
    ])
    .fails(2, "JSON array");
    // A type the server does not know: its refusal, explained.
    add(
        &home,
        &op,
        "unknown",
        "rar-app",
        Some("rar-secret-0123456789"),
        &[
            "--authorization-details",
            r#"[{"type":"account_information"}]"#,
        ],
    );
    home.run(&["login", "unknown"])
        .fails(1, "invalid_authorization_details");
}

#[test]
fn mutual_tls_authenticates_binds_and_reaches_the_aliases() {
    let op = Op::start_with(&[("OP_MTLS", "1")]);
    let mtls = op.mtls.clone().unwrap();
    let mut home = Home::new();
    let dir = home.path().to_owned();
    let ca = op.tls_file("ca", &dir);
    home.set("SSL_CERT_FILE", &ca);
    let (cert, key) = (op.tls_file("client", &dir), op.tls_file("client-key", &dir));
    let (self_cert, self_key) = (op.tls_file("self", &dir), op.tls_file("self-key", &dir));

    // A certificate method without a certificate: refused when added.
    home.run(&[
        "provider",
        "add",
        "nocert",
        "--issuer",
        &op.issuer,
        "--client-id",
        "mtls-app",
        "--auth-method",
        "tls_client_auth",
    ])
    .fails(2, "client certificate");

    let with_cert = |name: &str, client: &str, method: &str, cert: &str, key: &str| {
        let extra = [
            "--auth-method",
            method,
            "--client-cert",
            cert,
            "--client-key",
            key,
        ];
        add_client(&home, &op, name, (client, None), "openid", &extra);
    };
    with_cert("mt", "mtls-app", "tls_client_auth", &cert, &key);
    home.run(&["client-credentials", "mt"]).ok();
    let at = &show(&home, "mt")["access_token"];
    assert_eq!(at["binding"][0]["kind"], "mTLS");
    assert_eq!(at["binding"][0]["check"]["result"], "pass", "{at}");
    let last = op.token_log().pop().unwrap();
    assert_eq!(
        last["client_certificate"], true,
        "through the alias: {last}"
    );
    // The code flow too, and the certificate-bound token works at the mTLS userinfo alias.
    home.run(&["login", "mt"]).ok();
    assert_eq!(home.run(&["userinfo", "mt"]).ok().json()["sub"], "alice");
    let called = home
        .run(&["call", "mt", &format!("{mtls}/me"), "--json"])
        .ok()
        .json();
    assert_eq!(called["status"], 200);

    with_cert(
        "self",
        "self-mtls-app",
        "self_signed_tls_client_auth",
        &self_cert,
        &self_key,
    );
    home.run(&["client-credentials", "self"]).ok();
    assert_eq!(
        show(&home, "self")["access_token"]["binding"][0]["check"]["result"],
        "pass"
    );

    // An export carries no certificate: the imported copy is refused until it is given again.
    let exported = dir.join("mt.json");
    home.run(&["provider", "export", "mt", "-o", exported.to_str().unwrap()])
        .ok();
    home.run(&[
        "provider",
        "import",
        exported.to_str().unwrap(),
        "--name",
        "mt2",
    ])
    .ok();
    home.run(&["client-credentials", "mt2"])
        .fails(1, "certificate");
    let set = home
        .run(&[
            "provider",
            "set-certificate",
            "mt2",
            "--client-cert",
            &cert,
            "--client-key",
            &key,
        ])
        .ok();
    let x5t = at["binding"][0]["ours"].as_str().unwrap();
    assert!(set.stdout.contains(x5t), "{}", set.stdout);
    home.run(&["client-credentials", "mt2"]).ok();

    // The wrong certificate: the server's refusal, with what to fix.
    with_cert(
        "wrong",
        "mtls-app",
        "tls_client_auth",
        &self_cert,
        &self_key,
    );
    let run = home
        .run(&["client-credentials", "wrong"])
        .fails(1, "invalid_client");
    assert!(run.stderr.contains("--client-cert"), "{}", run.stderr);
    assert!(run.stderr.contains("client certificate"), "{}", run.stderr);

    // A server whose certificate is not trusted: a clear TLS error, the tokens kept.
    let before = access_token(&home, "mt");
    home.unset("SSL_CERT_FILE");
    let run = home.run(&["refresh", "mt"]);
    assert_ne!(run.code, 0);
    home.set("SSL_CERT_FILE", &ca);
    assert_eq!(access_token(&home, "mt"), before);
}

#[test]
fn call_explains_a_challenge_and_its_remedy_satisfies_it() {
    let op = Op::start();
    let home = Home::new();
    add_client(&home, &op, "dp", ("dpop-app", None), "profile", &["--dpop"]);
    home.run(&["login", "dp"]).ok();
    let userinfo = format!("{}/me", op.issuer);
    // No openid scope: userinfo says insufficient_scope, naming openid.
    let run = home
        .run(&["call", "dp", &userinfo])
        .fails(1, "insufficient_scope");
    assert!(
        run.stderr.contains(
            "lacks the scope the resource needs (insufficient_scope, RFC 6750 §3.1): openid"
        ),
        "{}",
        run.stderr
    );
    let remedy = "oauth-desk login dp --scope 'profile openid'";
    assert!(run.stderr.contains(remedy), "{}", run.stderr);
    let json = home.run(&["call", "dp", &userinfo, "--json"]).json();
    assert_eq!(json["challenge"]["error"], "insufficient_scope");
    assert_eq!(json["challenge"]["remedy"]["scope"], "profile openid");
    // The remedy, as printed, satisfies it.
    home.run(&["login", "dp", "--scope", "profile openid"]).ok();
    home.run(&["call", "dp", &userinfo]).ok();

    // A revoked token: invalid_token, renewing is the remedy.
    home.run(&["revoke", "dp"]).ok();
    home.run(&["login", "dp", "--scope", "profile openid"]).ok();
    let token_before = access_token(&home, "dp");
    let revoke = reqwest::blocking::Client::new()
        .post(format!("{}/token/revocation", op.issuer))
        .form(&[("token", token_before.as_str()), ("client_id", "dpop-app")])
        .send()
        .unwrap();
    assert!(revoke.status().is_success());
    let run = home
        .run(&["call", "dp", &userinfo])
        .fails(1, "invalid_token");
    assert!(
        run.stderr.contains("oauth-desk refresh dp"),
        "{}",
        run.stderr
    );
}
