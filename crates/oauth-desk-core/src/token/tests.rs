use std::time::Duration;

use proptest::prelude::*;
use url::Url;

use super::*;

fn response(status: u16, content_type: Option<&str>, body: &str) -> HttpResponse {
    HttpResponse {
        url: Url::parse("https://as.example/token").unwrap(),
        status,
        content_type: content_type.map(str::to_owned),
        date: None,
        headers: Vec::new(),
        body: body.as_bytes().to_vec(),
        elapsed: Duration::ZERO,
        truncated: false,
    }
}

fn json(body: &str) -> HttpResponse {
    response(200, Some("application/json; charset=utf-8"), body)
}

#[test]
fn the_french_google_tutorial_response_is_accepted() {
    // Seed 001: comma-separated scopes, lowercase bearer, an unknown nested field.
    let parsed = parse_token_response(&json(
        r#"{"access_token":"ACCESS_TOKEN","token_type":"bearer","expires_in":2592000,
            "refresh_token":"REFRESH_TOKEN","scope":"email,calendar:read",
            "some_user_info":{"first_name":"John","is_cool":"definitely not!"}}"#,
    ))
    .unwrap();
    assert_eq!(parsed.access_token.expose(), "ACCESS_TOKEN");
    assert_eq!(parsed.token_type, "bearer");
    assert_eq!(parsed.expires_in, Some(2592000));
    assert_eq!(parsed.scope.as_deref().unwrap(), ["email", "calendar:read"]);
    assert_eq!(
        parsed.extra["some_user_info"]["first_name"], "John",
        "unknown fields are kept for display"
    );
}

#[test]
fn expires_in_as_a_string_and_form_bodies_are_accepted() {
    let parsed = parse_token_response(&response(
        200,
        Some("application/x-www-form-urlencoded"),
        "access_token=gho_abc&scope=repo%2Cgist&token_type=bearer&expires_in=%203600",
    ))
    .unwrap();
    assert_eq!(parsed.access_token.expose(), "gho_abc");
    assert_eq!(parsed.expires_in, Some(3600));
    assert_eq!(parsed.scope.as_deref().unwrap(), ["repo", "gist"]);

    let parsed = parse_token_response(&json(r#"{"access_token":"a","expires_in":"600"}"#)).unwrap();
    assert_eq!(parsed.expires_in, Some(600));
    assert_eq!(
        parsed.token_type, "Bearer",
        "a missing token_type defaults to Bearer"
    );
    assert_eq!(parsed.scope, None, "no scope field means 'as requested'");
}

#[test]
fn unreadable_expires_in_is_kept_not_guessed() {
    let parsed =
        parse_token_response(&json(r#"{"access_token":"a","expires_in":"soon"}"#)).unwrap();
    assert_eq!(parsed.expires_in, None);
    assert_eq!(parsed.extra["expires_in"], "soon");
}

#[test]
fn a_huge_or_negative_expires_in_is_clamped_and_never_overflows() {
    for (body, lifetime) in [
        (
            r#"{"access_token":"a","expires_in":9223372036854775807}"#,
            MAX_LIFETIME_SECS,
        ),
        (
            r#"{"access_token":"a","expires_in":1e300}"#,
            MAX_LIFETIME_SECS,
        ),
        (r#"{"access_token":"a","expires_in":-5}"#, 0),
    ] {
        let parsed = parse_token_response(&json(body)).unwrap();
        assert_eq!(parsed.expires_in, Some(lifetime), "{body}");
        let set = TokenSet::from_response(
            parsed,
            &"s".into(),
            Grant::AuthorizationCode,
            None,
            i64::MAX - 10,
        );
        assert_eq!(
            set.expires_at,
            Some((i64::MAX - 10).saturating_add(lifetime)),
            "saturates at the end of time: {body}"
        );
    }
    assert_eq!(expiry(1_000, i64::MAX), 1_000 + MAX_LIFETIME_SECS);
}

#[test]
fn error_bodies_become_oauth_errors_even_with_status_200() {
    let err = parse_token_response(&response(
        400,
        Some("application/json"),
        r#"{"error":"invalid_grant","error_description":"grant request is invalid"}"#,
    ))
    .unwrap_err();
    let TokenError::OAuth(e) = err else {
        panic!("expected an OAuth error, got {err:?}")
    };
    assert_eq!(e.error, "invalid_grant");
    assert_eq!(
        e.error_description.as_deref(),
        Some("grant request is invalid")
    );
    assert_eq!(e.status, Some(400));

    // GitHub answers errors with 200 and a form body.
    let err = parse_token_response(&response(
        200,
        Some("application/x-www-form-urlencoded"),
        "error=bad_verification_code&error_description=The+code+passed+is+incorrect",
    ))
    .unwrap_err();
    assert!(matches!(err, TokenError::OAuth(ref e) if e.error == "bad_verification_code"));
}

#[test]
fn html_and_garbage_are_described_with_status_and_type() {
    let err = parse_token_response(&response(
        502,
        Some("text/html"),
        "<html><body><h1>502 Bad Gateway</h1></body></html>",
    ))
    .unwrap_err();
    let TokenError::NotOAuth {
        status,
        content_type,
        excerpt,
    } = err
    else {
        panic!("expected NotOAuth")
    };
    assert_eq!((status, content_type.as_str()), (502, "text/html"));
    assert!(excerpt.contains("502 Bad Gateway"), "{excerpt}");

    let err = parse_token_response(&json("{not json")).unwrap_err();
    assert!(matches!(err, TokenError::NotOAuth { status: 200, .. }));
}

#[test]
fn a_success_without_access_token_lists_what_came() {
    let err = parse_token_response(&json(r#"{"token_type":"Bearer"}"#)).unwrap_err();
    assert_eq!(
        err,
        TokenError::MissingAccessToken {
            status: 200,
            fields: "token_type".into()
        }
    );
}

#[test]
fn excerpts_of_unexpected_bodies_hide_tokens() {
    let err = parse_token_response(&response(
        500,
        Some("text/plain"),
        "oops access_token=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abcdefghijklmnop failed",
    ))
    .unwrap_err();
    let text = err.to_string();
    assert!(!text.contains("eyJ"), "{text}");
}

fn token_set(lifetime: Option<i64>) -> TokenSet {
    let response = parse_token_response(&json(&match lifetime {
        Some(s) => format!(r#"{{"access_token":"a","refresh_token":"r1","expires_in":{s}}}"#),
        None => r#"{"access_token":"a","refresh_token":"r1"}"#.into(),
    }))
    .unwrap();
    TokenSet::from_response(
        response,
        &"openid read".into(),
        Grant::AuthorizationCode,
        None,
        1000,
    )
}

#[test]
fn the_server_date_is_read_for_clock_skew() {
    let mut r = json(r#"{"access_token":"a"}"#);
    r.date = Some("Mon, 23 Nov 2026 14:09:23 GMT".into());
    assert_eq!(
        parse_token_response(&r).unwrap().server_date,
        Some(1795442963)
    );
    assert_eq!(parse_http_date("garbage"), None);
}

#[test]
fn refresh_margin_follows_the_contract() {
    // min(max(30, 10 %), 50 %)
    assert_eq!(token_set(Some(3600)).refresh_margin(), Some(360));
    assert_eq!(token_set(Some(120)).refresh_margin(), Some(30));
    assert_eq!(token_set(Some(10)).refresh_margin(), Some(5));
    let set = token_set(Some(3600));
    assert!(!set.is_due(1000 + 3600 - 361));
    assert!(set.is_due(1000 + 3600 - 360));
    assert!(
        !token_set(None).is_due(i64::MAX / 2),
        "no known expiry is never due"
    );
}

#[test]
fn a_configured_margin_replaces_the_default_but_stays_capped() {
    let set = token_set(Some(3600));
    assert_eq!(set.refresh_margin_with(Some(600)), Some(600));
    assert_eq!(
        set.refresh_margin_with(Some(5000)),
        Some(1800),
        "never more than half the lifetime"
    );
    assert!(set.is_due_with(1000 + 3600 - 600, Some(600)));
    assert!(!set.is_due_with(1000 + 3600 - 601, Some(600)));
}

#[test]
fn refresh_keeps_the_old_refresh_token_when_none_comes_back() {
    let mut set = token_set(Some(60));
    set.apply_refresh(
        parse_token_response(&json(r#"{"access_token":"b"}"#)).unwrap(),
        2000,
    );
    assert_eq!(set.refresh_token.as_ref().unwrap().expose(), "r1");
    assert_eq!(set.access_token.expose(), "b");
    assert_eq!(
        set.expires_at, None,
        "a refresh without expires_in has an unknown expiry"
    );
    assert_eq!((set.refresh_count, set.rotations), (1, 0));

    set.apply_refresh(
        parse_token_response(&json(
            r#"{"access_token":"c","refresh_token":"r2","expires_in":60}"#,
        ))
        .unwrap(),
        3000,
    );
    assert_eq!(set.refresh_token.as_ref().unwrap().expose(), "r2");
    assert_eq!((set.refresh_count, set.rotations), (2, 1));
    assert_eq!(set.expires_at, Some(3060));
}

#[test]
fn scope_diff_separates_missing_and_extra() {
    let requested: Vec<String> = ["openid", "api:write", "email"].map(String::from).to_vec();
    let granted: Vec<String> = ["openid", "email", "profile"].map(String::from).to_vec();
    let diff = ScopeDiff::new(&requested, Some(&granted));
    assert_eq!(diff.not_granted, ["api:write"]);
    assert_eq!(diff.extra_granted, ["profile"]);
    let diff = ScopeDiff::new(&requested, None);
    assert!(diff.not_granted.is_empty() && !diff.server_listed);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(crate::fuzz_cases(2000)))]
    #[test]
    fn the_parser_never_panics(body in any::<Vec<u8>>(), status in 100u16..600, ct in prop::option::of("[a-z/+-]{0,30}")) {
        let mut r = response(status, ct.as_deref(), "");
        r.body = body;
        let _ = parse_token_response(&r);
    }

    #[test]
    fn the_parser_never_panics_on_json_shaped_bodies(
        fields in prop::collection::vec(("[a-z_]{1,14}", prop_oneof![
            Just(serde_json::Value::Null),
            any::<i64>().prop_map(serde_json::Value::from),
            any::<f64>().prop_map(serde_json::Value::from),
            ".{0,20}".prop_map(serde_json::Value::from),
        ]), 0..8)
    ) {
        let map: serde_json::Map<String, serde_json::Value> = fields.into_iter().collect();
        let _ = parse_token_response(&json(&serde_json::Value::Object(map).to_string()));
    }
}

#[test]
fn refreshes_are_remembered_up_to_the_history_length() {
    let response = |rt: Option<&str>| TokenResponse {
        presented: Default::default(),
        cnf: None,
        refresh_token: rt.map(crate::secret::RefreshToken::new),
        ..parse_token_response(&json(
            r#"{"access_token":"a","token_type":"Bearer","expires_in":60}"#,
        ))
        .unwrap()
    };
    let mut set = TokenSet::from_response(
        response(Some("r0")),
        &"s".into(),
        Grant::AuthorizationCode,
        None,
        0,
    );
    set.apply_refresh(response(None), 100);
    set.apply_refresh(response(Some("r1")), 200);
    assert_eq!(
        set.history,
        vec![
            RefreshRecord {
                at: 100,
                expires_in: Some(60),
                rotated: false
            },
            RefreshRecord {
                at: 200,
                expires_in: Some(60),
                rotated: true
            },
        ]
    );
    for i in 0..30 {
        set.apply_refresh(response(None), 300 + i);
    }
    assert_eq!(set.history.len(), HISTORY_LEN);
    assert_eq!(set.history.last().unwrap().at, 329);
    assert_eq!(set.refresh_count, 32);
}

/// An unsigned ID token whose `at_hash` is the RS256 half hash of `access`.
fn id_token_for(access: &str, sub: &str) -> String {
    use base64::Engine;
    use sha2::Digest;
    let b64 = |b: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b);
    let at_hash = b64(&sha2::Sha256::digest(access.as_bytes())[..16]);
    let claims = serde_json::json!({"iss": "https://as.example", "sub": sub, "aud": "app",
        "auth_time": 900, "at_hash": at_hash});
    format!(
        "{}.{}.c2ln",
        b64(br#"{"alg":"RS256"}"#),
        b64(claims.to_string().as_bytes())
    )
}

fn refresh_response(access: &str, id_token: Option<String>) -> TokenResponse {
    let mut body = serde_json::json!({"access_token": access, "expires_in": 60});
    if let Some(id) = id_token {
        body["id_token"] = id.into();
    }
    parse_token_response(&json(&body.to_string())).unwrap()
}

#[test]
fn an_id_token_kept_across_a_refresh_is_judged_against_its_own_access_token() {
    let mut set = TokenSet::from_response(
        refresh_response("a1", Some(id_token_for("a1", "alice"))),
        &"openid".into(),
        Grant::AuthorizationCode,
        None,
        0,
    );
    assert_eq!(
        set.authentication.as_ref().and_then(|a| a.sub.as_deref()),
        Some("alice")
    );
    assert!(!set.id_token_refreshed);

    // No new ID token: its at_hash is judged now, against a1, before a2 replaces it.
    set.apply_refresh(refresh_response("a2", None), 100);
    let kept = set.at_hash_check.clone().expect("judged before a1 went");
    assert_eq!(kept.result, crate::verify::CheckResult::Pass, "{kept:?}");
    assert!(kept.detail.contains("the access token it came with"));
    assert!(!set.id_token_refreshed, "still the sign-in's ID token");

    // A new ID token comes with a3: judged against a3 (when shown), the sign-in remembered.
    set.apply_refresh(
        refresh_response("a3", Some(id_token_for("a3", "alice"))),
        200,
    );
    assert_eq!(set.at_hash_check, None);
    assert!(set.id_token_refreshed);
    assert_eq!(
        set.authentication.as_ref().and_then(|a| a.auth_time),
        Some(900)
    );
}

#[test]
fn a_vault_from_before_remembers_the_sign_in_at_the_first_refreshed_id_token() {
    let mut set = TokenSet::from_response(
        refresh_response("a1", Some(id_token_for("a1", "alice"))),
        &"openid".into(),
        Grant::AuthorizationCode,
        None,
        0,
    );
    set.authentication = None; // as a vault written before it was recorded
    set.apply_refresh(refresh_response("a2", Some(id_token_for("a2", "bob"))), 100);
    assert_eq!(
        set.authentication.as_ref().and_then(|a| a.sub.as_deref()),
        Some("alice"),
        "the kept ID token was the sign-in's"
    );
}

#[test]
fn authorization_details_not_granted_are_named_by_type() {
    let requested = vec![
        "payment_initiation".to_owned(),
        "account_information".to_owned(),
    ];
    let granted = serde_json::json!([{"type": "payment_initiation", "instructedAmount": {}}]);
    let diff = DetailsDiff::new(&requested, Some(&granted));
    assert_eq!(diff.granted, ["payment_initiation"]);
    assert_eq!(diff.not_granted, ["account_information"]);
    assert!(diff.server_listed);

    // RFC 9396 §7: the response names what is granted; none named, none granted.
    let silent = DetailsDiff::new(&requested, None);
    assert_eq!(silent.not_granted, requested);
    assert!(!silent.server_listed);
    let odd = DetailsDiff::new(&requested, Some(&serde_json::json!("x")));
    assert_eq!(odd.not_granted.len(), 2);
    assert!(!odd.server_listed);
}
