//! ID tokens across refreshes (OIDC Core §12.2) against the test OP answering each way a real
//! server does: a new ID token with the sign-in's nonce, one without a nonce, or none at all.

use serde_json::Value;

use crate::harness::{Home, Op, add_op_provider};

fn check<'a>(show: &'a Value, name: &str) -> Option<&'a Value> {
    show["id_token"]["checks"]
        .as_array()
        .expect("an ID token checklist")
        .iter()
        .find(|c| c["name"] == name)
}

/// Signs in, refreshes, and returns `show --json` before and after, and the human `show`.
fn sign_in_and_refresh(refresh_id_token: &str) -> (Value, Value, String) {
    let op = Op::start_with(&[("OP_REFRESH_ID_TOKEN", refresh_id_token)]);
    let home = Home::new();
    add_op_provider(&home, &op, "op", "public-app", None, &[]);
    home.run(&["login", "op"]).ok();
    let before = home.run(&["show", "op", "--json"]).ok().json();
    home.run(&["refresh", "op"]).ok();
    let after = home.run(&["show", "op", "--json"]).ok().json();
    let human = home.run(&["show", "op"]).ok().stdout;
    (before, after, human)
}

fn no_check_fails(show: &Value, human: &str) {
    for check in show["id_token"]["checks"].as_array().unwrap() {
        assert_ne!(check["result"], "fail", "{check}");
    }
    assert!(!human.contains('✗'), "{human}");
}

#[test]
fn a_refreshed_id_token_without_nonce_passes_as_section_12_2_recommends() {
    let (before, after, human) = sign_in_and_refresh("no-nonce");
    assert!(before["id_token"]["claims"]["nonce"].is_string());
    assert!(
        after["id_token"]["claims"].get("nonce").is_none(),
        "the OP left the nonce out: {}",
        after["id_token"]["claims"]
    );
    assert_ne!(before["id_token"]["claims"]["iat"], Value::Null);
    no_check_fails(&after, &human);
    let nonce = check(&after, "nonce").unwrap();
    assert_eq!(nonce["result"], "pass", "{nonce}");
    assert!(nonce["detail"].as_str().unwrap().contains("§12.2"));
    let refresh =
        check(&after, "refresh").expect("a refreshed ID token is checked against the sign-in's");
    assert_eq!(refresh["result"], "pass", "{refresh}");
    assert!(
        check(&before, "refresh").is_none(),
        "not for the sign-in's own"
    );
}

#[test]
fn a_refreshed_id_token_repeating_the_nonce_passes() {
    let (_, after, human) = sign_in_and_refresh("nonce");
    assert!(after["id_token"]["claims"]["nonce"].is_string());
    no_check_fails(&after, &human);
    assert_eq!(check(&after, "nonce").unwrap()["result"], "pass");
    assert_eq!(check(&after, "refresh").unwrap()["result"], "pass");
}

#[test]
fn a_refresh_without_an_id_token_keeps_the_old_one_judged_by_its_own_access_token() {
    let (before, after, human) = sign_in_and_refresh("none");
    assert_eq!(
        before["id_token"]["claims"], after["id_token"]["claims"],
        "the sign-in's ID token is kept"
    );
    no_check_fails(&after, &human);
    assert!(check(&after, "refresh").is_none());
    assert_eq!(check(&after, "nonce").unwrap()["result"], "pass");
    // The OP puts at_hash in its ID tokens: before this was fixed, the kept one failed here
    // against the new access token.
    assert!(before["id_token"]["claims"]["at_hash"].is_string());
    let at_hash = check(&after, "at_hash").unwrap();
    assert_eq!(at_hash["result"], "pass", "{at_hash}");
    assert!(
        at_hash["detail"]
            .as_str()
            .unwrap()
            .contains("the access token it came with"),
        "{at_hash}"
    );
}
