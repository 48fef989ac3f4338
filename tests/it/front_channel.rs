//! Implicit and hybrid sign-ins (for debugging them), the fragment and form_post response
//! modes, against the test OP; and the checks that bind a front-channel ID token to its
//! sign-in (nonce, at_hash, c_hash), against forged responses.

use base64::Engine;
use serde_json::{Value, json};

use crate::harness::{Home, Op, login_by_post};

fn hybrid(op: &Op) -> Home {
    let home = Home::new();
    home.run_with_stdin(
        &[
            "provider",
            "add",
            "h",
            "--issuer",
            &op.issuer,
            "--client-id",
            "hybrid-app",
            "--client-secret-stdin",
            "--scope",
            "openid profile",
        ],
        "hybrid-secret-0123456789",
    )
    .ok();
    home
}

fn check<'a>(show: &'a Value, name: &str) -> &'a Value {
    show["id_token"]["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap()
}

#[test]
fn every_response_type_signs_in_and_front_channel_tokens_are_flagged() {
    let op = Op::start();
    let home = hybrid(&op);
    let cases: [(&str, &[&str], &[&str]); 5] = [
        // response type, front-channel tokens kept, checks that must pass
        ("code id_token", &[], &["c_hash", "nonce"]),
        ("code token", &[], &["nonce"]),
        ("code id_token token", &[], &["c_hash"]),
        ("id_token token", &["access", "id"], &["at_hash", "nonce"]),
        ("id_token", &["id"], &["nonce"]),
    ];
    for (response_type, front, passing) in cases {
        home.run(&["login", "h", "--response-type", response_type])
            .ok();
        let show = home.run(&["show", "h", "--json"]).ok().json();
        assert_eq!(show["status"], "signed_in", "{response_type}: {show}");
        let flagged: Vec<&str> = show["front_channel"]["tokens"]
            .as_array()
            .map(|a| a.iter().map(|v| v.as_str().unwrap()).collect())
            .unwrap_or_default();
        assert_eq!(flagged, front, "{response_type}");
        for name in passing {
            assert_eq!(
                check(&show, name)["result"],
                "pass",
                "{response_type} {name}: {show}"
            );
        }
        if !front.is_empty() {
            assert!(
                show["front_channel"]["note"]
                    .as_str()
                    .unwrap()
                    .contains("RFC 9700"),
                "{show}"
            );
            let text = home.run(&["show", "h"]).ok().stdout;
            assert!(text.contains("front channel"), "{text}");
        }
    }
    // An id_token-only sign-in has no access token to hand out.
    home.run(&["token", "h"]).fails(1, "gave no access token");
}

#[test]
fn form_post_and_fragment_responses_reach_the_listener() {
    let op = Op::start();
    let mut home = hybrid(&op);
    let log = home.path().join("browser.log");
    home.set("BROWSER_LOG", log.to_str().unwrap());
    // Apple-style: the plain code flow with form_post.
    home.run(&["login", "h", "--response-mode", "form_post"])
        .ok();
    home.run(&[
        "login",
        "h",
        "--response-type",
        "code id_token",
        "--response-mode",
        "form_post",
    ])
    .ok();
    // The default mode of a hybrid response is the fragment: the listener's page relays it.
    home.run(&["login", "h", "--response-type", "code id_token"])
        .ok();
    let trail = std::fs::read_to_string(&log).unwrap();
    assert!(trail.contains("response_mode=form_post"), "{trail}");
    assert!(
        trail.contains("POST http://127.0.0.1:"),
        "the OP's page posted to the listener"
    );
    assert!(trail.contains("script: posting the fragment"), "{trail}");
    let codes = op
        .token_log()
        .iter()
        .filter(|e| e["grant_type"] == "authorization_code")
        .count();
    assert_eq!(codes, 3);

    // A pasted or intercepted URL never carries a posted body.
    let web = Home::new();
    web.run_with_stdin(
        &[
            "provider",
            "add",
            "w",
            "--issuer",
            &op.issuer,
            "--client-id",
            "web-app",
            "--client-secret-stdin",
            "--redirect-uri",
            "https://shop.example/",
        ],
        "web-secret-0123456789",
    )
    .ok();
    web.run(&["login", "w", "--response-mode", "form_post"])
        .fails(1, "form_post needs a loopback redirect URI");
}

/// A JWT with `claims`, signed with a throw-away HMAC key (the sign-in checks run before the
/// signature is shown in the checklist).
fn jwt(claims: Value) -> String {
    let b64 = |v: &Value| {
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(serde_json::to_vec(v).unwrap())
    };
    format!("{}.{}.c2ln", b64(&json!({"alg": "HS256"})), b64(&claims))
}

#[test]
fn forged_front_channel_id_tokens_are_refused() {
    let home = Home::new();
    home.run(&[
        "provider",
        "add",
        "m",
        "--authorize-url",
        "http://127.0.0.1:9/authorize",
        "--token-url",
        "http://127.0.0.1:9/token",
        "--client-id",
        "c",
        "--scope",
        "openid",
    ])
    .ok();
    let now = oauth_desk::now();
    let claims = |nonce: &str| json!({"iss": "x", "aud": "c", "sub": "s", "iat": now, "exp": now + 60, "nonce": nonce});
    // Another sign-in's nonce.
    login_by_post(&home, &["m", "--response-type", "id_token"], |state, _| {
        format!("state={state}&id_token={}", jwt(claims("someone-elses")))
    })
    .fails(1, "a nonce that is not this sign-in's");
    // An access token beside the ID token, but no at_hash binding them.
    login_by_post(
        &home,
        &["m", "--response-type", "id_token token"],
        |state, nonce| {
            format!(
                "state={state}&access_token=at&token_type=Bearer&id_token={}",
                jwt(claims(nonce))
            )
        },
    )
    .fails(1, "no at_hash claim");
    // A wrong state is not this sign-in's at all: ignored, before anything else is read.
    let run = login_by_post(
        &home,
        &["m", "--response-type", "id_token", "--timeout", "2"],
        |_, nonce| format!("state=forged&id_token={}", jwt(claims(nonce))),
    )
    .fails(1, "within 2 s");
    assert!(run.stderr.contains("ignored"), "{}", run.stderr);
    // The right nonce: signed in, the ID token flagged as front-channel.
    login_by_post(
        &home,
        &["m", "--response-type", "id_token"],
        |state, nonce| format!("state={state}&id_token={}", jwt(claims(nonce))),
    )
    .ok();
    let show = home.run(&["show", "m", "--json"]).ok().json();
    assert_eq!(show["front_channel"]["tokens"], json!(["id"]));
}

#[test]
fn a_plain_implicit_token_response_is_kept_and_flagged() {
    let home = Home::new();
    home.run(&[
        "provider",
        "add",
        "m",
        "--authorize-url",
        "http://127.0.0.1:9/authorize",
        "--token-url",
        "http://127.0.0.1:9/token",
        "--client-id",
        "c",
        "--scope",
        "read",
    ])
    .ok();
    login_by_post(&home, &["m", "--response-type", "token"], |state, _| {
        format!(
            "state={state}&access_token=implicit-at&token_type=Bearer&expires_in=600&scope=read"
        )
    })
    .ok();
    assert_eq!(home.run(&["token", "m"]).ok().stdout.trim(), "implicit-at");
    let show = home.run(&["show", "m", "--json"]).ok().json();
    assert_eq!(show["front_channel"]["tokens"], json!(["access"]));
    assert_eq!(
        show["access_token"]["lifetime"], 600,
        "expires_in=600 from the response"
    );
    // An implicit response without the token its type promises is refused.
    login_by_post(&home, &["m", "--response-type", "token"], |state, _| {
        format!("state={state}&token_type=Bearer")
    })
    .fails(1, "no access_token, which response_type \"token\" promises");
}
