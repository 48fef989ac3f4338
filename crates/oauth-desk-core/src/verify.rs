//! ID-token validation as a readable checklist (OIDC Core §3.1.3.7): `signature` against the
//! provider's JWKS (or the client secret for HS*), `alg` (never `none`), `iss`, `aud`, `azp`,
//! `exp`, `iat`, `nbf` (with a skew), `nonce`, `at_hash`, `c_hash`, `sub`. Each check is a line a
//! person can read: pass, fail or skip, with the reason in plain words. The cryptography is
//! `jsonwebtoken`'s (aws-lc); nothing here hand-rolls a signature check.

use base64::Engine;
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::Digest;

use crate::jwt::DecodedJwt;
use crate::secret::{Nonce, Secret};

/// Allowed clock difference for time claims.
pub const DEFAULT_SKEW_SECS: i64 = 60;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum CheckResult {
    Pass,
    Fail,
    Skip,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Check {
    pub name: String,
    pub result: CheckResult,
    pub detail: String,
}

fn check(name: &str, result: CheckResult, detail: impl Into<String>) -> Check {
    Check {
        name: name.to_owned(),
        result,
        detail: detail.into(),
    }
}

/// What the token is checked against.
pub struct Expected<'a> {
    pub issuer: Option<&'a str>,
    pub client_id: &'a str,
    pub nonce: Option<&'a Nonce>,
    pub now: i64,
    pub skew: i64,
    /// The provider's keys; `None` when it has no JWKS.
    pub keys: Option<&'a JwkSet>,
    /// The client secret, the key of HS* tokens.
    pub client_secret: Option<&'a Secret>,
    /// The access token issued with the ID token, for `at_hash`.
    pub access_token: Option<&'a Secret>,
    /// The `c_hash` verdict, made at sign-in while the code was known.
    pub c_hash: Option<&'a Check>,
    /// The `at_hash` verdict made earlier: at sign-in for a front-channel ID token (where OIDC
    /// Core requires the claim), or when the access token it came with was refreshed away;
    /// `None` checks against `access_token` here.
    pub at_hash: Option<&'a Check>,
    /// The sign-in's ID token, when this one came from a refresh (OIDC Core §12.2).
    pub refreshed_from: Option<&'a Authentication>,
}

/// What a refreshed ID token must repeat of the sign-in's (OIDC Core §12.2): the same issuer,
/// subject, audience and time of authentication.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Authentication {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iss: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aud: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth_time: Option<i64>,
}

impl Authentication {
    /// The sign-in claims of an ID token; `None` when it can't be decoded.
    pub fn of(id_token: &str) -> Option<Authentication> {
        let jwt = crate::jwt::decode(id_token).ok()?;
        let text = |name: &str| {
            jwt.claims
                .get(name)
                .and_then(Value::as_str)
                .map(str::to_owned)
        };
        Some(Authentication {
            iss: text("iss"),
            sub: text("sub"),
            aud: jwt.claims.get("aud").cloned(),
            auth_time: jwt.numeric_date("auth_time"),
        })
    }
}

/// The `at_hash` verdict of an ID token against the access token it came with, made before
/// that access token is replaced; `None` when the ID token can't be decoded.
pub fn at_hash_against(id_token: &str, access_token: &Secret) -> Option<Check> {
    let jwt = crate::jwt::decode(id_token).ok()?;
    let mut verdict = check_half_hash("at_hash", &jwt, Some(access_token));
    if verdict.result != CheckResult::Skip {
        verdict.detail.push_str(" (the access token it came with)");
    }
    Some(verdict)
}

/// Verifies a JWS signature with the right key (RFC 7515 §5.2).
#[expect(
    clippy::too_many_lines,
    reason = "every way a signature is checked: JWKS key, HMAC, none, each with its words"
)]
pub fn check_signature(
    token: &str,
    jwt: &DecodedJwt,
    keys: Option<&JwkSet>,
    client_secret: Option<&Secret>,
) -> Check {
    use CheckResult::*;
    let Some(alg_name) = jwt.alg() else {
        return check("signature", Fail, "no alg in the header");
    };
    if alg_name.eq_ignore_ascii_case("none") {
        return check("signature", Fail, "alg none: the token is not signed");
    }
    let Ok(alg) = alg_name.parse::<Algorithm>() else {
        return check(
            "signature",
            Skip,
            format!("alg {alg_name} is not supported"),
        );
    };
    let Some((message, signature)) = token.trim().rsplit_once('.') else {
        return check("signature", Fail, "not a JWS");
    };
    let kid = jwt.header.get("kid").and_then(Value::as_str);
    let (key, source) = if alg_name.starts_with("HS") {
        match client_secret {
            Some(s) => (
                DecodingKey::from_secret(s.expose().as_bytes()),
                "the client secret".to_owned(),
            ),
            None => {
                return check(
                    "signature",
                    Skip,
                    format!("{alg_name} is keyed with the client secret, and this client has none"),
                );
            }
        }
    } else {
        let Some(keys) = keys else {
            return check(
                "signature",
                Skip,
                "the provider has no JWKS URL to verify with",
            );
        };
        let jwk = match kid {
            Some(kid) => keys.find(kid),
            None if keys.keys.len() == 1 => keys.keys.first(),
            None => None,
        };
        let Some(jwk) = jwk else {
            return check(
                "signature",
                Fail,
                match kid {
                    Some(kid) => format!(
                        "no key kid={kid} in the provider's JWKS, even after fetching it again"
                    ),
                    None => "the token names no kid and the JWKS has several keys".to_owned(),
                },
            );
        };
        match DecodingKey::from_jwk(jwk) {
            Ok(key) => (
                key,
                format!(
                    "key kid={} from the provider's JWKS",
                    kid.unwrap_or("(none)")
                ),
            ),
            Err(e) => {
                return check(
                    "signature",
                    Fail,
                    format!("the JWKS key can't be used: {e}"),
                );
            }
        }
    };
    match jsonwebtoken::crypto::verify(signature, message.as_bytes(), &key, alg) {
        Ok(true) => check(
            "signature",
            Pass,
            format!("{alg_name} signature verified with {source}"),
        ),
        Ok(false) => check(
            "signature",
            Fail,
            format!(
                "the {alg_name} signature does not match {source}: the token was altered or signed by someone else"
            ),
        ),
        Err(e) => check(
            "signature",
            Fail,
            format!("the signature can't be checked with {source}: {e}"),
        ),
    }
}

/// The left half of the hash of `value` with the hash of `alg`, base64url (OIDC Core §3.1.3.6).
pub fn half_hash(alg: &str, value: &str) -> Option<String> {
    let digest: Vec<u8> = match alg {
        "RS256" | "PS256" | "ES256" | "HS256" | "ES256K" => sha2::Sha256::digest(value).to_vec(),
        "RS384" | "PS384" | "ES384" | "HS384" => sha2::Sha384::digest(value).to_vec(),
        // Ed25519 signs with SHA-512, so its half hash uses it too.
        "RS512" | "PS512" | "ES512" | "HS512" | "EdDSA" => sha2::Sha512::digest(value).to_vec(),
        _ => return None,
    };
    Some(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&digest[..digest.len() / 2]))
}

/// `at_hash` or `c_hash` where OIDC Core requires it (`rule` says where): missing is a failure.
pub fn check_required_half_hash(
    name: &str,
    jwt: &DecodedJwt,
    value: Option<&Secret>,
    rule: &str,
) -> Check {
    if !jwt.claims.contains_key(name) {
        return check(
            name,
            CheckResult::Fail,
            format!("no {name} claim, which {rule} requires"),
        );
    }
    check_half_hash(name, jwt, value)
}

/// Checks `at_hash` or `c_hash` against the value it hashes.
pub fn check_half_hash(name: &str, jwt: &DecodedJwt, value: Option<&Secret>) -> Check {
    use CheckResult::*;
    let Some(claim) = jwt.claims.get(name).and_then(Value::as_str) else {
        return check(
            name,
            Skip,
            format!("no {name} claim (optional in the code flow)"),
        );
    };
    let Some(value) = value else {
        return check(
            name,
            Skip,
            format!("{name} is present but the value it hashes is not known here"),
        );
    };
    match half_hash(jwt.alg().unwrap_or(""), value.expose()) {
        Some(h) if h == claim => check(name, Pass, format!("{name} matches")),
        Some(_) => check(
            name,
            Fail,
            format!(
                "{name} does not match: the token was issued for another {}",
                if name == "c_hash" {
                    "code"
                } else {
                    "access token"
                }
            ),
        ),
        None => check(
            name,
            Skip,
            format!(
                "{name} can't be computed for alg {}",
                jwt.alg().unwrap_or("?")
            ),
        ),
    }
}

/// The whole ID-token checklist, in the order a person reads it.
pub fn check_id_token(token: &str, jwt: &DecodedJwt, expected: &Expected<'_>) -> Vec<Check> {
    let mut checks = vec![check_signature(
        token,
        jwt,
        expected.keys,
        expected.client_secret,
    )];
    let claims = check_id_token_claims(jwt, expected);
    let (before_sub, sub): (Vec<Check>, Vec<Check>) =
        claims.into_iter().partition(|c| c.name != "sub");
    checks.extend(before_sub);
    checks.push(match expected.at_hash {
        Some(c) => c.clone(),
        None => check_half_hash("at_hash", jwt, expected.access_token),
    });
    checks.push(match expected.c_hash {
        Some(c) => c.clone(),
        None => check(
            "c_hash",
            CheckResult::Skip,
            "no c_hash claim (optional in the code flow)",
        ),
    });
    checks.extend(sub);
    checks.extend(continuity_check(jwt, expected));
    checks
}

pub fn check_id_token_claims(jwt: &DecodedJwt, expected: &Expected<'_>) -> Vec<Check> {
    let mut checks = vec![alg_check(jwt), iss_check(jwt, expected)];
    checks.extend(audience_checks(jwt, expected));
    checks.extend(time_checks(jwt, expected));
    checks.push(nonce_check(jwt, expected));
    checks.push(match jwt.claims.get("sub").and_then(Value::as_str) {
        Some(s) if !s.is_empty() => check("sub", CheckResult::Pass, format!("subject {s}")),
        _ => check("sub", CheckResult::Fail, "the token has no sub claim"),
    });
    checks
}

fn alg_check(jwt: &DecodedJwt) -> Check {
    use CheckResult::*;
    match jwt.alg() {
        None => check("alg", Fail, "the header has no alg"),
        Some(a) if a.eq_ignore_ascii_case("none") => check(
            "alg",
            Fail,
            "alg is none: an unsigned ID token is never acceptable",
        ),
        Some(a) => check("alg", Pass, format!("signed with {a}")),
    }
}

fn iss_check(jwt: &DecodedJwt, expected: &Expected<'_>) -> Check {
    use CheckResult::*;
    match (
        jwt.claims.get("iss").and_then(Value::as_str),
        expected.issuer,
    ) {
        (None, _) => check("iss", Fail, "the token has no iss claim"),
        (Some(iss), Some(want)) if iss.trim_end_matches('/') == want.trim_end_matches('/') => {
            check("iss", Pass, format!("issuer {iss} is the provider's"))
        }
        (Some(iss), Some(want)) => check(
            "iss",
            Fail,
            format!("issuer {iss} is not the provider's issuer {want}"),
        ),
        (Some(iss), None) => check(
            "iss",
            Skip,
            format!("issuer {iss}; the provider has no issuer configured to compare with"),
        ),
    }
}

/// `aud` must name this client; `azp` must be this client, and is needed with several
/// audiences (OIDC Core §2).
fn audience_checks(jwt: &DecodedJwt, expected: &Expected<'_>) -> [Check; 2] {
    use CheckResult::*;
    let claims = &jwt.claims;
    let audiences: Vec<&str> = match claims.get("aud") {
        Some(Value::String(a)) => vec![a.as_str()],
        Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect(),
        _ => vec![],
    };
    let aud = if audiences.contains(&expected.client_id) {
        check(
            "aud",
            Pass,
            format!("audience includes the client id {}", expected.client_id),
        )
    } else if audiences.is_empty() {
        check("aud", Fail, "the token has no aud claim")
    } else {
        check(
            "aud",
            Fail,
            format!(
                "audience {} does not include the client id {}",
                audiences.join(", "),
                expected.client_id
            ),
        )
    };
    let azp = match claims.get("azp").and_then(Value::as_str) {
        Some(azp) if azp == expected.client_id => {
            check("azp", Pass, "authorized party is this client")
        }
        Some(azp) => check(
            "azp",
            Fail,
            format!("authorized party {azp} is not this client"),
        ),
        None if audiences.len() > 1 => check("azp", Fail, "several audiences but no azp claim"),
        None => check(
            "azp",
            Skip,
            "no azp claim; not needed with a single audience",
        ),
    };
    [aud, azp]
}

/// `exp`, `iat` and `nbf` against now, within the allowed clock skew.
fn time_checks(jwt: &DecodedJwt, expected: &Expected<'_>) -> [Check; 3] {
    use CheckResult::*;
    let (now, skew) = (expected.now, expected.skew);
    [
        match jwt.numeric_date("exp") {
            None => check("exp", Fail, "the token has no exp claim"),
            Some(exp) if exp + skew >= now => {
                check("exp", Pass, format!("expires in {} s", exp - now))
            }
            Some(exp) => check("exp", Fail, format!("expired {} s ago", now - exp)),
        },
        match jwt.numeric_date("iat") {
            None => check("iat", Fail, "the token has no iat claim"),
            Some(iat) if iat <= now + skew => {
                check("iat", Pass, format!("issued {} s ago", now - iat))
            }
            Some(iat) => check(
                "iat",
                Fail,
                format!("issued {} s in the future: check the clocks", iat - now),
            ),
        },
        match jwt.numeric_date("nbf") {
            None => check("nbf", Skip, "no nbf claim"),
            Some(nbf) if nbf <= now + skew => check("nbf", Pass, "already valid"),
            Some(nbf) => check(
                "nbf",
                Fail,
                format!("not valid for another {} s", nbf - now),
            ),
        },
    ]
}

fn nonce_check(jwt: &DecodedJwt, expected: &Expected<'_>) -> Check {
    use CheckResult::*;
    if expected.refreshed_from.is_some() {
        return refreshed_nonce_check(jwt, expected);
    }
    match (
        jwt.claims.get("nonce").and_then(Value::as_str),
        expected.nonce,
    ) {
        (Some(n), Some(want)) if want.matches(n) => {
            check("nonce", Pass, "nonce matches this sign-in")
        }
        (Some(_), Some(_)) => check(
            "nonce",
            Fail,
            "nonce does not match this sign-in (a replayed token?)",
        ),
        (None, Some(_)) => check(
            "nonce",
            Fail,
            "this sign-in sent a nonce but the token has none",
        ),
        (_, None) => check("nonce", Skip, "no nonce was sent with this sign-in"),
    }
}

/// A refreshed ID token SHOULD NOT carry a nonce; if it does, it is the sign-in's (§12.2).
fn refreshed_nonce_check(jwt: &DecodedJwt, expected: &Expected<'_>) -> Check {
    use CheckResult::*;
    match (
        jwt.claims.get("nonce").and_then(Value::as_str),
        expected.nonce,
    ) {
        (None, _) => check(
            "nonce",
            Pass,
            "no nonce, as a refreshed ID token should be (OIDC Core §12.2)",
        ),
        (Some(n), Some(want)) if want.matches(n) => {
            check("nonce", Pass, "nonce is the sign-in's (OIDC Core §12.2)")
        }
        (Some(_), Some(_)) => check(
            "nonce",
            Fail,
            "nonce is not the sign-in's: a refreshed ID token may only repeat it (OIDC Core §12.2)",
        ),
        (Some(_), None) => check(
            "nonce",
            Skip,
            "the refreshed ID token has a nonce; the sign-in sent none",
        ),
    }
}

/// A refreshed ID token is about the same sign-in: `iss`, `sub`, `aud` and `auth_time` are the
/// original's (OIDC Core §12.2). `None` for an ID token from the sign-in itself.
fn continuity_check(jwt: &DecodedJwt, expected: &Expected<'_>) -> Option<Check> {
    use CheckResult::*;
    let original = expected.refreshed_from?;
    let now = Authentication {
        iss: jwt
            .claims
            .get("iss")
            .and_then(Value::as_str)
            .map(str::to_owned),
        sub: jwt
            .claims
            .get("sub")
            .and_then(Value::as_str)
            .map(str::to_owned),
        aud: jwt.claims.get("aud").cloned(),
        auth_time: jwt.numeric_date("auth_time"),
    };
    let show = |v: &Option<String>| v.as_deref().map_or("none".into(), |v| format!("{v:?}"));
    let mut changed = Vec::new();
    if now.iss != original.iss {
        changed.push(format!("iss {} → {}", show(&original.iss), show(&now.iss)));
    }
    if now.sub != original.sub {
        changed.push(format!("sub {} → {}", show(&original.sub), show(&now.sub)));
    }
    if now.aud != original.aud {
        let aud = |v: &Option<Value>| v.as_ref().map_or("none".into(), Value::to_string);
        changed.push(format!("aud {} → {}", aud(&original.aud), aud(&now.aud)));
    }
    // auth_time may be left out of a refreshed token only if the sign-in's had none.
    if original.auth_time.is_some() && now.auth_time != original.auth_time {
        let time = |t: Option<i64>| t.map_or("none".into(), |t| t.to_string());
        changed.push(format!(
            "auth_time {} → {}",
            time(original.auth_time),
            time(now.auth_time)
        ));
    }
    Some(if changed.is_empty() {
        check(
            "refresh",
            Pass,
            "issuer, subject, audience and auth_time are the sign-in's (OIDC Core §12.2)",
        )
    } else {
        check(
            "refresh",
            Fail,
            format!(
                "the refreshed ID token is not about the same sign-in (OIDC Core §12.2): {}",
                changed.join(", ")
            ),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn jwt(header: Value, claims: Value) -> DecodedJwt {
        DecodedJwt {
            header: header.as_object().unwrap().clone(),
            claims: claims.as_object().unwrap().clone(),
            signature_len: 256,
        }
    }

    fn results(checks: &[Check]) -> Vec<(String, CheckResult)> {
        checks.iter().map(|c| (c.name.clone(), c.result)).collect()
    }

    fn expected<'a>(nonce: &'a Nonce) -> Expected<'a> {
        Expected {
            issuer: Some("https://as.example/"),
            client_id: "app",
            nonce: Some(nonce),
            now: 1500,
            skew: 60,
            keys: None,
            client_secret: None,
            access_token: None,
            c_hash: None,
            at_hash: None,
            refreshed_from: None,
        }
    }

    #[test]
    fn half_hash_matches_the_oidc_example() {
        // OIDC Core appendix A.4: the c_hash of this code with RS256.
        assert_eq!(
            half_hash(
                "RS256",
                "Qcb0Orv1zh30vL1MPRsbm-diHiMwcLyZvn1arpZv-Jxf_11jnpEX3Tgfvk"
            )
            .as_deref(),
            Some("LDktKdoQak3Pk0cnXxCltA")
        );
    }

    #[test]
    fn a_good_token_passes_every_applicable_check() {
        let nonce = Nonce::new("n-1");
        let token = jwt(
            json!({"alg": "RS256"}),
            json!({"iss": "https://as.example", "aud": "app", "exp": 2000, "iat": 1000, "nonce": "n-1", "sub": "alice"}),
        );
        let checks = check_id_token_claims(&token, &expected(&nonce));
        let failed: Vec<_> = checks
            .iter()
            .filter(|c| c.result == CheckResult::Fail)
            .collect();
        assert!(failed.is_empty(), "{failed:?}");
        assert_eq!(checks.len(), 9);
    }

    #[test]
    fn each_bad_claim_fails_its_own_check() {
        let nonce = Nonce::new("n-1");
        let token = jwt(
            json!({"alg": "none"}),
            json!({"iss": "https://evil.example", "aud": ["other", "x"], "exp": 1000, "iat": 5000, "nbf": 5000, "nonce": "n-2"}),
        );
        let checks = check_id_token_claims(&token, &expected(&nonce));
        for (name, result) in results(&checks) {
            assert_eq!(result, CheckResult::Fail, "{name} should fail");
        }
    }

    fn original() -> Authentication {
        Authentication {
            iss: Some("https://as.example".into()),
            sub: Some("alice".into()),
            aud: Some(json!("app")),
            auth_time: Some(900),
        }
    }

    fn refreshed_checks(claims: Value, nonce: &Nonce) -> Vec<Check> {
        let original = original();
        let token = jwt(json!({"alg": "RS256"}), claims);
        let expected = Expected {
            refreshed_from: Some(&original),
            ..expected(nonce)
        };
        check_id_token("x", &token, &expected)
    }

    fn verdict(checks: &[Check], name: &str) -> (CheckResult, String) {
        let found = checks.iter().find(|c| c.name == name).expect(name);
        (found.result, found.detail.clone())
    }

    #[test]
    fn a_refreshed_id_token_without_nonce_about_the_same_sign_in_passes() {
        let nonce = Nonce::new("n-1");
        let checks = refreshed_checks(
            json!({"iss": "https://as.example", "aud": "app", "exp": 2000, "iat": 1400, "sub": "alice", "auth_time": 900}),
            &nonce,
        );
        let nonce_verdict = verdict(&checks, "nonce");
        assert_eq!(nonce_verdict.0, CheckResult::Pass, "{nonce_verdict:?}");
        assert!(nonce_verdict.1.contains("§12.2"));
        assert_eq!(verdict(&checks, "refresh").0, CheckResult::Pass);
        // The sign-in's nonce repeated is fine too; another is not.
        let same = refreshed_checks(
            json!({"iss": "https://as.example", "aud": "app", "exp": 2000, "iat": 1400, "sub": "alice", "auth_time": 900, "nonce": "n-1"}),
            &nonce,
        );
        assert_eq!(verdict(&same, "nonce").0, CheckResult::Pass);
        let other = refreshed_checks(
            json!({"iss": "https://as.example", "aud": "app", "exp": 2000, "iat": 1400, "sub": "alice", "auth_time": 900, "nonce": "n-2"}),
            &nonce,
        );
        assert_eq!(verdict(&other, "nonce").0, CheckResult::Fail);
    }

    #[test]
    fn a_refreshed_id_token_about_another_sign_in_fails_naming_what_changed() {
        let nonce = Nonce::new("n-1");
        let checks = refreshed_checks(
            json!({"iss": "https://as.example", "aud": ["app", "other"], "exp": 2000, "iat": 1400, "sub": "mallory", "auth_time": 1400}),
            &nonce,
        );
        let (result, detail) = verdict(&checks, "refresh");
        assert_eq!(result, CheckResult::Fail);
        for changed in [
            "sub \"alice\" → \"mallory\"",
            "aud \"app\" → [\"app\",\"other\"]",
            "auth_time 900 → 1400",
        ] {
            assert!(detail.contains(changed), "{changed} in {detail}");
        }
        assert!(!detail.contains("iss"), "{detail}");
    }

    #[test]
    fn an_id_token_from_the_sign_in_has_no_refresh_check_and_needs_its_nonce() {
        let nonce = Nonce::new("n-1");
        let token = jwt(
            json!({"alg": "RS256"}),
            json!({"iss": "https://as.example", "aud": "app", "exp": 2000, "iat": 1000, "sub": "alice"}),
        );
        let checks = check_id_token("x", &token, &expected(&nonce));
        assert!(checks.iter().all(|c| c.name != "refresh"));
        assert_eq!(verdict(&checks, "nonce").0, CheckResult::Fail);
    }

    mod signed {
        use super::*;
        use aws_lc_rs::rand::SystemRandom;
        use aws_lc_rs::signature::{Ed25519KeyPair, KeyPair};
        use jsonwebtoken::{EncodingKey, Header};

        fn b64(b: &[u8]) -> String {
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b)
        }

        /// An Ed25519 key of the test's own, as a JWKS and a signer.
        fn ed_key(kid: &str) -> (JwkSet, EncodingKey) {
            let pkcs8 = Ed25519KeyPair::generate_pkcs8(&SystemRandom::new()).unwrap();
            let pair = Ed25519KeyPair::from_pkcs8(pkcs8.as_ref()).unwrap();
            let jwks = serde_json::from_value(json!({"keys": [{
                "kty": "OKP", "crv": "Ed25519", "x": b64(pair.public_key().as_ref()), "kid": kid, "alg": "EdDSA"
            }]}))
            .unwrap();
            (jwks, EncodingKey::from_ed_der(pkcs8.as_ref()))
        }

        fn sign(
            alg: jsonwebtoken::Algorithm,
            kid: Option<&str>,
            claims: &Value,
            key: &EncodingKey,
        ) -> String {
            let mut header = Header::new(alg);
            header.kid = kid.map(str::to_owned);
            jsonwebtoken::encode(&header, claims, key).unwrap()
        }

        fn run(
            token: &str,
            keys: Option<&JwkSet>,
            secret: Option<&Secret>,
            at: Option<&Secret>,
        ) -> Vec<Check> {
            let nonce = Nonce::new("n-1");
            let jwt = crate::jwt::decode(token).unwrap();
            let mut e = expected(&nonce);
            e.keys = keys;
            e.client_secret = secret;
            e.access_token = at;
            check_id_token(token, &jwt, &e)
        }

        fn result(checks: &[Check], name: &str) -> CheckResult {
            checks
                .iter()
                .find(|c| c.name == name)
                .unwrap_or_else(|| panic!("no {name}"))
                .result
        }

        fn good_claims(at_hash: Option<String>) -> Value {
            let mut c = json!({"iss": "https://as.example", "aud": "app", "exp": 2000, "iat": 1000, "nonce": "n-1", "sub": "alice"});
            if let Some(h) = at_hash {
                c["at_hash"] = json!(h);
            }
            c
        }

        #[test]
        fn an_eddsa_token_with_a_matching_at_hash_passes_every_check() {
            let (jwks, key) = ed_key("k1");
            let at = Secret::new("the-access-token");
            let token = sign(
                jsonwebtoken::Algorithm::EdDSA,
                Some("k1"),
                &good_claims(half_hash("EdDSA", at.expose())),
                &key,
            );
            let checks = run(&token, Some(&jwks), None, Some(&at));
            let names: Vec<&str> = checks.iter().map(|c| c.name.as_str()).collect();
            assert_eq!(
                names,
                [
                    "signature",
                    "alg",
                    "iss",
                    "aud",
                    "azp",
                    "exp",
                    "iat",
                    "nbf",
                    "nonce",
                    "at_hash",
                    "c_hash",
                    "sub"
                ]
            );
            assert!(
                checks.iter().all(|c| c.result != CheckResult::Fail),
                "{checks:?}"
            );
            assert_eq!(result(&checks, "signature"), CheckResult::Pass);
            assert_eq!(result(&checks, "at_hash"), CheckResult::Pass);
        }

        #[test]
        fn a_wrong_at_hash_fails() {
            let (jwks, key) = ed_key("k1");
            let token = sign(
                jsonwebtoken::Algorithm::EdDSA,
                Some("k1"),
                &good_claims(half_hash("EdDSA", "another token")),
                &key,
            );
            let checks = run(
                &token,
                Some(&jwks),
                None,
                Some(&Secret::new("the-access-token")),
            );
            assert_eq!(result(&checks, "at_hash"), CheckResult::Fail);
        }

        #[test]
        fn a_signature_by_another_key_with_the_same_kid_fails() {
            let (jwks, _) = ed_key("k1");
            let (_, impostor) = ed_key("k1");
            let token = sign(
                jsonwebtoken::Algorithm::EdDSA,
                Some("k1"),
                &good_claims(None),
                &impostor,
            );
            assert_eq!(
                result(&run(&token, Some(&jwks), None, None), "signature"),
                CheckResult::Fail
            );
        }

        #[test]
        fn an_unknown_kid_fails_and_no_jwks_skips() {
            let (jwks, key) = ed_key("k1");
            let token = sign(
                jsonwebtoken::Algorithm::EdDSA,
                Some("k2"),
                &good_claims(None),
                &key,
            );
            assert_eq!(
                result(&run(&token, Some(&jwks), None, None), "signature"),
                CheckResult::Fail
            );
            assert_eq!(
                result(&run(&token, None, None, None), "signature"),
                CheckResult::Skip
            );
        }

        #[test]
        fn hs256_is_keyed_with_the_client_secret() {
            let secret = Secret::new("a-client-secret-of-32-bytes-long!");
            let token = sign(
                jsonwebtoken::Algorithm::HS256,
                None,
                &good_claims(None),
                &EncodingKey::from_secret(secret.expose().as_bytes()),
            );
            assert_eq!(
                result(&run(&token, None, Some(&secret), None), "signature"),
                CheckResult::Pass
            );
            let wrong = Secret::new("another-secret-of-32-bytes-long!!");
            assert_eq!(
                result(&run(&token, None, Some(&wrong), None), "signature"),
                CheckResult::Fail
            );
            assert_eq!(
                result(&run(&token, None, None, None), "signature"),
                CheckResult::Skip
            );
        }

        #[test]
        fn alg_none_fails_signature_and_alg() {
            let token = format!(
                "{}.{}.",
                b64(br#"{"alg":"none"}"#),
                b64(good_claims(None).to_string().as_bytes())
            );
            let checks = run(&token, None, None, None);
            assert_eq!(result(&checks, "signature"), CheckResult::Fail);
            assert_eq!(result(&checks, "alg"), CheckResult::Fail);
        }
    }
}
