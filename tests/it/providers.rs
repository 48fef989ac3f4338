//! Provider management: list, show, remove, export and import without secrets.

use crate::harness::{Home, Op, add_op_provider, add_post_app};

#[test]
fn export_import_round_trip_without_secrets() {
    let op = Op::start();
    let home = Home::new();
    add_post_app(&home, &op, "p", &["--token-param", "audience=api"]);
    let exported = home.run(&["provider", "export", "p"]).ok().stdout;
    assert!(
        !exported.contains("post-secret"),
        "exports are shareable: no secret"
    );
    let file = home.path().join("p.json");
    std::fs::write(&file, &exported).unwrap();

    let other = Home::new();
    let run = other
        .run(&["provider", "import", file.to_str().unwrap()])
        .ok();
    assert!(
        run.stdout.contains("set-secret"),
        "the user is told how to add the secret: {}",
        run.stdout
    );
    let a = home.run(&["provider", "show", "p", "--json"]).ok().json();
    let b = other.run(&["provider", "show", "p", "--json"]).ok().json();
    assert_eq!(a["endpoints"], b["endpoints"]);
    assert_eq!(a["token_params"], b["token_params"]);
    assert_eq!(b["has_client_secret"], false);
    other
        .run(&["provider", "import", file.to_str().unwrap()])
        .fails(1, "already exists");
    other
        .run(&["provider", "import", file.to_str().unwrap(), "--name", "p2"])
        .ok();

    // With the secret set, the imported provider signs in.
    other
        .run_with_stdin(&["provider", "set-secret", "p"], "post-secret-0123456789")
        .ok();
    other.run(&["login", "p"]).ok();
}

#[test]
fn list_and_remove() {
    let op = Op::start();
    let home = Home::new();
    home.run(&["provider", "list"]).ok();
    add_op_provider(&home, &op, "a", "public-app", None, &[]);
    add_post_app(&home, &op, "b", &[]);
    home.run(&["login", "b"]).ok();
    assert_eq!(
        home.provider_names(),
        ["a", "b"],
        "providers are listed in the order they were added"
    );
    home.run(&[
        "provider",
        "add",
        "a",
        "--issuer",
        &op.issuer,
        "--client-id",
        "x",
    ])
    .fails(1, "already exists");
    home.run(&["provider", "remove", "b"]).ok();
    home.run(&["token", "b"]).fails(1, "no provider named");
    // Re-adding b starts clean: its old tokens went with it.
    add_op_provider(&home, &op, "b", "public-app", None, &[]);
    home.run(&["token", "b"]).fails(1, "not signed in");
}

#[test]
fn decode_reads_an_argument_or_stdin() {
    let home = Home::new();
    let jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSIsImV4cCI6MTc2NzAwMDAwMH0.c2ln";
    let out = home.run(&["decode", jwt, "--json"]).ok().json();
    assert_eq!(out["claims"]["sub"], "alice");
    let out = home
        .run_with_stdin(&["decode", "-"], &format!("{jwt}\n"))
        .ok()
        .stdout;
    assert!(out.contains("alice") && out.contains("RS256"), "{out}");
    home.run(&["decode", "opaque-token"]).fails(1, "not a JWT");
}
