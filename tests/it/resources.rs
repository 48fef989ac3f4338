//! From an API's URL to working tokens (RFC 9728): the test OP and a small protected resource
//! of our own (`tests/servers/resource.py`) that serves its metadata and checks tokens by
//! introspection.

use crate::harness::{Home, Op, Server, add_client};

const CC_SECRET: &str = "cc-secret-0123456789";

fn resource(op: &Op) -> Server {
    Server::start("resource.py", &[op.issuer.as_str(), "cc-app", CC_SECRET])
}

#[test]
fn from_the_resources_url_to_a_200_with_no_manual_setting() {
    let op = Op::start();
    let api = resource(&op);
    let home = Home::new();
    let url = format!("http://127.0.0.1:{}/api/items?page=1", api.port);

    // No token at all: the 401's challenge names the metadata.
    let added = home
        .run_with_stdin(
            &[
                "provider",
                "add",
                "api",
                "--from-resource",
                &url,
                "--client-id",
                "cc-app",
                "--client-secret-stdin",
            ],
            CC_SECRET,
        )
        .ok();
    let resource_id = format!("http://127.0.0.1:{}/api", api.port);
    for line in [
        format!("issuer               {}", op.issuer),
        format!("resources            {resource_id}"),
        "scope                api:read".to_owned(),
        format!(
            "from resource        metadata http://127.0.0.1:{}/.well-known/oauth-protected-resource/api (RFC 9728)",
            api.port
        ),
    ] {
        assert!(added.stdout.contains(&line), "{line}\n{}", added.stdout);
    }
    home.run(&["client-credentials", "api"]).ok();
    let call = home.run(&["call", "api", &url]).ok();
    assert!(call.stdout.contains("\"ok\": true"), "{}", call.stdout);
    let audit = home.run(&["audit", "api", "--json"]).ok().json();
    let resource_check = audit["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == "resource-metadata")
        .unwrap()
        .clone();
    assert_eq!(resource_check["verdict"], "pass", "{resource_check}");
    let sent = op.token_log().pop().unwrap();
    assert_eq!(
        sent["resource"], resource_id,
        "the resource indicator exactly as the metadata writes it (no slash added)"
    );

    // A resource whose 401 names nothing: its well-known URL.
    let quiet = format!("http://127.0.0.1:{}/quiet/x", api.port);
    let added = home
        .run_with_stdin(
            &[
                "provider",
                "add",
                "quiet",
                "--from-resource",
                &quiet,
                "--client-id",
                "cc-app",
                "--client-secret-stdin",
                "--scope",
                "api:read api:write",
            ],
            CC_SECRET,
        )
        .ok();
    assert!(
        added
            .stdout
            .contains("scope                api:read api:write"),
        "--scope wins over the resource's: {}",
        added.stdout
    );
    home.run(&["client-credentials", "quiet"]).ok();
    home.run(&["call", "quiet", &quiet]).ok();
}

#[test]
fn a_token_for_elsewhere_gets_the_resources_metadata_as_remedy() {
    let op = Op::start();
    let api = resource(&op);
    let home = Home::new();
    // A provider at the same server without the resource indicator: its token is not for the API.
    add_client(
        &home,
        &op,
        "plain",
        ("cc-app", Some(CC_SECRET)),
        "api:read",
        &[],
    );
    home.run(&["client-credentials", "plain"]).ok();
    let url = format!("http://127.0.0.1:{}/api/items", api.port);
    let refused = home.run(&["call", "plain", &url]).fails(1, "RFC 9728");
    assert!(
        refused.stderr.contains(&format!(
            "oauth-desk provider add NEW-NAME --from-resource {url} --client-id ID"
        )),
        "{}",
        refused.stderr
    );
    let json = home.run(&["call", "plain", &url, "--json"]).json();
    assert_eq!(json["challenge"]["remedy"]["kind"], "add_from_resource");
    assert_eq!(
        json["challenge"]["remedy"]["metadata"],
        format!(
            "http://127.0.0.1:{}/.well-known/oauth-protected-resource/api",
            api.port
        )
    );
}

#[test]
fn a_url_without_metadata_or_an_issuer_the_resource_does_not_name_is_refused() {
    let op = Op::start();
    let api = resource(&op);
    let home = Home::new();
    let url = format!("http://127.0.0.1:{}/other", api.port);
    home.run(&[
        "provider",
        "add",
        "x",
        "--from-resource",
        &url,
        "--client-id",
        "c",
    ])
    .fails(1, "/.well-known/oauth-protected-resource answered 404");
    let api_url = format!("http://127.0.0.1:{}/api", api.port);
    home.run(&[
        "provider",
        "add",
        "x",
        "--from-resource",
        &api_url,
        "--issuer",
        "https://elsewhere.example",
        "--client-id",
        "c",
    ])
    .fails(
        1,
        &format!(
            "the resource does not name https://elsewhere.example among its authorization servers ({})",
            op.issuer
        ),
    );
    assert!(home.provider_names().is_empty());
}

#[test]
fn a_client_registered_signs_in_and_is_deleted_at_the_server() {
    let op = Op::start();
    let home = Home::new();
    let added = home
        .run(&[
            "provider",
            "add",
            "reg",
            "--issuer",
            &op.issuer,
            "--register",
            "--scope",
            "openid offline_access",
            "--param",
            "prompt=consent",
        ])
        .ok();
    assert!(
        added
            .stdout
            .contains("client made          registered by OAuth Desk (RFC 7591)"),
        "{}",
        added.stdout
    );
    assert!(
        added.stdout.contains("provider unregister"),
        "{}",
        added.stdout
    );
    assert!(
        added.stdout.contains("client auth          none"),
        "a native app is a public client where the server allows it: {}",
        added.stdout
    );
    let shown = home.run(&["provider", "show", "reg", "--json"]).ok().json();
    let client_id = shown["client_id"].as_str().unwrap().to_owned();
    // Registered with the port it listens on (servers compare it exactly), and kept.
    let redirect = url::Url::parse(shown["redirect_uri"].as_str().unwrap()).unwrap();
    assert_eq!(redirect.host_str(), Some("127.0.0.1"));
    assert!(redirect.port().is_some(), "{redirect}");
    home.run(&["login", "reg"]).ok();
    home.run(&["refresh", "reg"]).ok();
    let vault = home.read("vault.bin");
    assert!(
        !String::from_utf8_lossy(&vault).contains("registration_access_token"),
        "the registration access token is only in the encrypted vault"
    );

    // RFC 7592 update: the provider's settings go to the server, which rotates the
    // registration access token each time; the second update (and the deletion below) work
    // only if the new one was kept.
    for _ in 0..2 {
        let updated = home.run(&["provider", "update-registration", "reg"]).ok();
        assert!(
            updated
                .stdout
                .contains("gave a new registration access token"),
            "{}",
            updated.stdout
        );
    }
    let read = reqwest::blocking::get(format!("{}/reg/{client_id}", op.issuer)).unwrap();
    assert!(
        read.status().is_client_error(),
        "a registration read needs its token"
    );

    home.run(&["provider", "unregister", "reg"]).ok();
    assert!(home.provider_names().is_empty());
    // The server forgot the client: a registration read with it is refused.
    let gone = reqwest::blocking::get(format!("{}/reg/{client_id}", op.issuer)).unwrap();
    assert!(gone.status().is_client_error(), "{}", gone.status());
    // A provider OAuth Desk did not register can't be unregistered, and stays.
    crate::harness::add_op_provider(&home, &op, "mine", "public-app", None, &[]);
    home.run(&["provider", "unregister", "mine"])
        .fails(1, "was not registered by OAuth Desk");
    assert_eq!(home.provider_names(), ["mine"]);
}

#[test]
fn a_server_needing_an_initial_access_token_gets_it_from_stdin() {
    let op = Op::start_with(&[("OP_REGISTRATION_TOKEN", "iat-0123456789")]);
    let home = Home::new();
    let refused = home
        .run(&[
            "provider",
            "add",
            "reg",
            "--issuer",
            &op.issuer,
            "--register",
        ])
        .fails(1, "the server refused the registration");
    assert!(
        refused.stderr.contains("invalid_token") || refused.stderr.contains("invalid"),
        "{}",
        refused.stderr
    );
    home.run_with_stdin(
        &[
            "provider",
            "add",
            "reg",
            "--issuer",
            &op.issuer,
            "--register",
            "--registration-token-stdin",
        ],
        "iat-0123456789",
    )
    .ok();
    home.run(&["login", "reg"]).ok();
}

/// A registration endpoint the metadata names in plain http off this machine is refused
/// before the initial access token is sent there (and before a client secret could come back
/// from it): the refusal names the URL and the metadata document; nothing is added.
#[test]
fn a_plain_http_registration_endpoint_elsewhere_is_refused() {
    let endpoint = "http://registration.lax.test/reg";
    let lax = Server::start("lax_as.py", &["--registration-endpoint", endpoint]);
    let issuer = format!("http://127.0.0.1:{}", lax.port);
    let home = Home::new();
    let run = home
        .run_with_stdin(
            &[
                "provider",
                "add",
                "reg",
                "--issuer",
                &issuer,
                "--register",
                "--registration-token-stdin",
            ],
            "iat-0123456789",
        )
        .fails(2, endpoint);
    let metadata = format!("{issuer}/.well-known/openid-configuration");
    assert!(
        run.stderr
            .contains(&format!("registration_endpoint in {metadata}"))
            && run.stderr.contains("plain http"),
        "the refusal names the document that named the endpoint, and the rule: {}",
        run.stderr
    );
    assert!(home.provider_names().is_empty());
}

#[test]
fn from_a_resources_url_without_a_client_id_registers_one() {
    let op = Op::start();
    let api = resource(&op);
    let home = Home::new();
    let url = format!("http://127.0.0.1:{}/api/items", api.port);
    let added = home
        .run(&["provider", "add", "api", "--from-resource", &url])
        .ok();
    assert!(
        added.stdout.contains("registered by OAuth Desk"),
        "{}",
        added.stdout
    );
    home.run(&["login", "api"]).ok();
    let call = home.run(&["call", "api", &url]).ok();
    assert!(call.stdout.contains("\"ok\": true"), "{}", call.stdout);
}
