//! The Windows build of the CLI, run under Wine against the test OP: discovery, the client
//! credentials grant, a sign-in whose redirect the test delivers from the Linux side, a
//! refresh, the vault, `exec`, and `token` answered by a keeper over its named pipe.
//!
//! Ignored in the Linux suite; `bash .ci/cross` builds
//! `target/x86_64-pc-windows-gnu/debug/oauth-desk.exe`, prepares a Wine prefix and runs them
//! with `OAUTH_DESK_TEST_WINE_CLI` naming that program (`cargo test --test it windows --
//! --ignored`).

use std::process::Command;

use crate::harness::{
    HandLogin, Home, Keeper, Op, WINE_CLI_ENV, add_client, add_op_provider, browser_js,
};

fn wine_home() -> Home {
    assert!(
        std::env::var_os(WINE_CLI_ENV).is_some(),
        "{WINE_CLI_ENV} must name the Windows build (run through bash .ci/cross)"
    );
    Home::new()
}

fn add_cc(home: &Home, op: &Op) {
    add_client(
        home,
        op,
        "cc",
        ("cc-app", Some("cc-secret-0123456789")),
        "api:read",
        &[],
    );
}

#[test]
#[ignore = "the Windows CLI under Wine: bash .ci/cross"]
fn discovery_client_credentials_token_and_show() {
    let op = Op::start();
    let home = wine_home();
    add_cc(&home, &op);
    let list = home.run(&["provider", "list", "--json"]).ok().json();
    assert_eq!(
        list[0]["endpoints"]["token"].as_str(),
        Some(format!("{}/token", op.issuer).as_str()),
        "the token endpoint came from discovery: {list}"
    );
    home.run(&["client-credentials", "cc"]).ok();
    let token = home.run(&["token", "cc"]).ok().stdout;
    assert!(token.trim().len() > 20, "a token: {token:?}");
    let show = home.run(&["show", "cc", "--json"]).ok().json();
    assert_eq!(show["scopes"]["granted"][0], "api:read", "{show}");
    // `exec` runs the command as a child and exits with its status (no exec on Windows).
    let run = home.run(&["exec", "cc", "--", "cmd", "/c", "exit 3"]);
    assert_eq!(run.code, 3, "the command's own status: {run:?}");
}

#[test]
#[ignore = "the Windows CLI under Wine: bash .ci/cross"]
fn sign_in_by_hand_refresh_and_the_keepers_pipe() {
    let op = Op::start();
    let mut home = wine_home();
    add_op_provider(&home, &op, "p", "public-app", None, &[]);
    let login = HandLogin::start(&home, &["p"]);
    // The person's browser, on the Linux side: it signs in and is sent back to the loopback
    // listener of the Windows program.
    let browser = Command::new(browser_js())
        .arg(login.url().as_str())
        .output()
        .expect("the headless browser runs");
    assert!(browser.status.success(), "{browser:?}");
    login.finish().ok();
    let first = home.run(&["token", "p"]).ok().stdout;
    home.run(&["refresh", "p"]).ok();
    let second = home.run(&["token", "p"]).ok().stdout;
    assert_ne!(first, second, "the refresh gave a new access token");

    let keeper = Keeper::start(&home);
    assert!(
        keeper.log().contains(r"\\.\pipe\oauth-desk-"),
        "the keeper serves a named pipe: {}",
        keeper.log()
    );
    // Proof the keeper answers over its pipe: this process cannot open the vault itself.
    home.set("OAUTH_DESK_PASSPHRASE", "wrong passphrase");
    let answered = home.run(&["token", "p"]).ok().stdout;
    assert_eq!(answered, second, "the keeper's token: {}", keeper.log());
}

/// With no passphrase the vault's key goes to the platform's store: on Windows the Credential
/// Manager (`CredWriteW`), which Wine implements in its registry.
#[test]
#[ignore = "the Windows CLI under Wine: bash .ci/cross"]
fn the_vault_key_in_the_credential_manager() {
    let op = Op::start();
    let mut home = wine_home();
    home.unset("OAUTH_DESK_PASSPHRASE");
    add_cc(&home, &op);
    home.run(&["client-credentials", "cc"]).ok();
    let vault = std::fs::read(home.path().join("vault.bin")).unwrap();
    assert_eq!(&vault[..4], b"OADV");
    assert_eq!(vault[5], 1, "a vault whose key is in the platform's store");
    // Wine keeps the Credential Manager's entries in its registry.
    let credentials = Command::new("wine")
        .args([
            "reg",
            "query",
            r"HKCU\Software\Wine\Credential Manager",
            "/s",
        ])
        .output()
        .unwrap();
    let listing = String::from_utf8_lossy(&credentials.stdout);
    assert!(
        listing.to_lowercase().contains("vault-"),
        "the key's entry is in the Credential Manager: {listing}"
    );
    let token = home.run(&["token", "cc"]).ok().stdout;
    assert!(
        token.trim().len() > 20,
        "read back through the stored key: {token:?}"
    );
}
