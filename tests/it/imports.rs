//! Importing the OAuth 2.0 settings of API clients' collections through the CLI: the report,
//! the vault, a dry run that saves nothing, a file of another format refused whole, and
//! imported providers that then work against the real test OP.

use serde_json::{Value, json};

use crate::harness::{Home, Op, repo};

fn fixture(name: &str) -> String {
    repo()
        .join("tests/fixtures/import")
        .join(name)
        .display()
        .to_string()
}

#[test]
fn a_postman_collection_with_its_environment() {
    let home = Home::new();
    let collection = fixture("shop.postman_collection.json");
    let env = fixture("shop.postman_environment.json");
    let dry = home
        .run(&[
            "provider",
            "import",
            &collection,
            "--env",
            &env,
            "--dry-run",
        ])
        .ok();
    assert!(
        dry.stdout
            .starts_with("Would import 2 provider(s) from Shop API:"),
        "{}",
        dry.stdout
    );
    assert!(home.provider_names().is_empty(), "a dry run saves nothing");

    let run = home
        .run(&["provider", "import", &collection, "--env", &env])
        .ok();
    for line in [
        "Imported 2 provider(s) from Shop API:",
        "shop-api                 authorization code · https://auth.shop.example/oauth/token · client secret in the vault",
        "shop-api-back-office     client credentials · https://auth.shop.example/oauth/token · client secret in the vault",
        "Not mapped:",
        "collection Shop API › request Legacy widget · grant type: \"implicit\" is not supported",
        "collection Shop API › request Partner · access token URL: the variable {{partner_host}} has no value",
    ] {
        assert!(
            run.stdout.contains(line),
            "missing {line:?} in:\n{}",
            run.stdout
        );
    }
    assert_eq!(home.provider_names(), ["shop-api", "shop-api-back-office"]);
    let web = home
        .run(&["provider", "show", "shop-api", "--json"])
        .ok()
        .json();
    assert_eq!(web["auth_method"], "client_secret_post");
    assert_eq!(web["has_client_secret"], true);
    assert_eq!(web["pkce"], "s256");
    assert_eq!(
        web["authorize_params"],
        json!([["audience", "https://api.shop.example"]])
    );
    assert_eq!(web["redirect_uri"], "http://127.0.0.1/callback");
    let secret_free = home.read("config.toml");
    assert!(
        !String::from_utf8_lossy(&secret_free).contains("secret-0123456789"),
        "client secrets go to the vault, never the config"
    );

    // Again: the names are taken, so the same collection adds numbered copies.
    let again = home
        .run(&["provider", "import", &collection, "--env", &env])
        .ok();
    assert!(again.stdout.contains("shop-api-2 "), "{}", again.stdout);
}

#[test]
fn insomnia_and_bruno_collections() {
    let home = Home::new();
    let run = home
        .run(&["provider", "import", &fixture("insomnia-v5.yaml")])
        .ok();
    assert!(run.stdout.contains("list-employees"), "{}", run.stdout);
    let bruno = fixture("bruno");
    let env = fixture("bruno/environments/local.bru");
    let run = home
        .run(&[
            "provider", "import", &bruno, "--from", "bruno", "--env", &env,
        ])
        .ok();
    assert!(
        run.stdout.contains("Imported 2 provider(s) from Warehouse"),
        "{}",
        run.stdout
    );
    assert_eq!(
        home.provider_names(),
        ["list-employees", "warehouse", "warehouse-restock"]
    );
    let v4 = home
        .run(&[
            "provider",
            "import",
            &fixture("insomnia-v4.json"),
            "--from",
            "insomnia",
        ])
        .ok();
    assert!(
        v4.stdout.contains("\"password\" is not supported"),
        "{}",
        v4.stdout
    );
}

#[test]
fn another_format_is_refused_whole_and_nothing_is_saved() {
    let home = Home::new();
    home.run(&[
        "provider",
        "import",
        &fixture("insomnia-v4.json"),
        "--from",
        "postman",
    ])
    .fails(1, "is not a Postman v2.1 collection");
    let unknown = home.path().join("notes.json");
    std::fs::write(&unknown, r#"{"hello": "world"}"#).unwrap();
    home.run(&["provider", "import", unknown.to_str().unwrap()])
        .fails(
            1,
            "is not a Postman collection, an Insomnia export, a Bruno collection",
        );
    assert!(home.provider_names().is_empty());
}

#[test]
fn an_imported_collection_signs_in_at_the_real_op() {
    let op = Op::start();
    let home = Home::new();
    // A Postman collection as a developer would have it for the test OP: a client-credentials
    // folder with the secret in an environment variable.
    let collection = json!({
        "info": {"name": "Test OP", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
        "item": [{
            "name": "Machine",
            "auth": {"type": "oauth2", "oauth2": [
                {"key": "grant_type", "value": "client_credentials"},
                {"key": "accessTokenUrl", "value": "{{issuer}}/token"},
                {"key": "clientId", "value": "cc-app"},
                {"key": "clientSecret", "value": "{{cc_secret}}"},
                {"key": "client_authentication", "value": "header"}
            ]},
            "item": [{"name": "ping", "request": {"method": "GET", "url": "{{issuer}}/me"}}]
        }]
    });
    let env = json!({"values": [
        {"key": "issuer", "value": op.issuer, "enabled": true},
        {"key": "cc_secret", "value": "cc-secret-0123456789", "enabled": true}
    ]});
    let (c, e) = (home.path().join("c.json"), home.path().join("e.json"));
    std::fs::write(&c, collection.to_string()).unwrap();
    std::fs::write(&e, env.to_string()).unwrap();
    home.run(&[
        "provider",
        "import",
        c.to_str().unwrap(),
        "--env",
        e.to_str().unwrap(),
    ])
    .ok();
    let run = home.run(&["client-credentials", "test-op-machine"]).ok();
    assert!(
        run.stdout.contains("Signed in to test-op-machine."),
        "{}",
        run.stdout
    );
    let show: Value = home.run(&["show", "test-op-machine", "--json"]).ok().json();
    assert_eq!(show["status"], "signed_in");
}
