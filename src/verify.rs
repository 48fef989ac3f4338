//! ID-token validation as a readable checklist (OIDC Core §3.1.3.7).
//!
//! This module checks what the claims themselves can prove: `alg` (never `none`), `iss`,
//! `aud`, `azp`, `exp`, `iat`, `nbf`, `nonce`, `sub`. Each check is a line a person can read:
//! pass, fail or skip, with the reason in plain words.

use serde::Serialize;
use serde_json::Value;

use crate::jwt::DecodedJwt;
use crate::secret::Secret;

/// Allowed clock difference for time claims.
pub const DEFAULT_SKEW_SECS: i64 = 60;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckResult {
    Pass,
    Fail,
    Skip,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    pub name: &'static str,
    pub result: CheckResult,
    pub detail: String,
}

fn check(name: &'static str, result: CheckResult, detail: impl Into<String>) -> Check {
    Check {
        name,
        result,
        detail: detail.into(),
    }
}

/// What the token is checked against.
pub struct Expected<'a> {
    pub issuer: Option<&'a str>,
    pub client_id: &'a str,
    pub nonce: Option<&'a Secret>,
    pub now: i64,
    pub skew: i64,
}

pub fn check_id_token_claims(jwt: &DecodedJwt, expected: &Expected<'_>) -> Vec<Check> {
    use CheckResult::*;
    let claims = &jwt.claims;
    let text = |k: &str| claims.get(k).and_then(Value::as_str);
    let mut checks = Vec::new();

    checks.push(match jwt.alg() {
        None => check("alg", Fail, "the header has no alg"),
        Some(a) if a.eq_ignore_ascii_case("none") => check(
            "alg",
            Fail,
            "alg is none: an unsigned ID token is never acceptable",
        ),
        Some(a) => check("alg", Pass, format!("signed with {a}")),
    });

    checks.push(match (text("iss"), expected.issuer) {
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
    });

    let audiences: Vec<&str> = match claims.get("aud") {
        Some(Value::String(a)) => vec![a.as_str()],
        Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect(),
        _ => vec![],
    };
    checks.push(if audiences.contains(&expected.client_id) {
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
    });

    checks.push(match text("azp") {
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
    });

    let (now, skew) = (expected.now, expected.skew);
    checks.push(match jwt.numeric_date("exp") {
        None => check("exp", Fail, "the token has no exp claim"),
        Some(exp) if exp + skew >= now => check("exp", Pass, format!("expires in {} s", exp - now)),
        Some(exp) => check("exp", Fail, format!("expired {} s ago", now - exp)),
    });
    checks.push(match jwt.numeric_date("iat") {
        None => check("iat", Fail, "the token has no iat claim"),
        Some(iat) if iat <= now + skew => check("iat", Pass, format!("issued {} s ago", now - iat)),
        Some(iat) => check(
            "iat",
            Fail,
            format!("issued {} s in the future: check the clocks", iat - now),
        ),
    });
    checks.push(match jwt.numeric_date("nbf") {
        None => check("nbf", Skip, "no nbf claim"),
        Some(nbf) if nbf <= now + skew => check("nbf", Pass, "already valid"),
        Some(nbf) => check(
            "nbf",
            Fail,
            format!("not valid for another {} s", nbf - now),
        ),
    });
    checks.push(match (text("nonce"), expected.nonce) {
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
    });
    checks.push(match text("sub") {
        Some(s) if !s.is_empty() => check("sub", Pass, format!("subject {s}")),
        _ => check("sub", Fail, "the token has no sub claim"),
    });
    checks
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

    fn results(checks: &[Check]) -> Vec<(&'static str, CheckResult)> {
        checks.iter().map(|c| (c.name, c.result)).collect()
    }

    #[test]
    fn a_good_token_passes_every_applicable_check() {
        let nonce = Secret::new("n-1");
        let token = jwt(
            json!({"alg": "RS256"}),
            json!({"iss": "https://as.example", "aud": "app", "exp": 2000, "iat": 1000, "nonce": "n-1", "sub": "alice"}),
        );
        let checks = check_id_token_claims(
            &token,
            &Expected {
                issuer: Some("https://as.example/"),
                client_id: "app",
                nonce: Some(&nonce),
                now: 1500,
                skew: 60,
            },
        );
        let failed: Vec<_> = checks
            .iter()
            .filter(|c| c.result == CheckResult::Fail)
            .collect();
        assert!(failed.is_empty(), "{failed:?}");
        assert_eq!(checks.len(), 9);
    }

    #[test]
    fn each_bad_claim_fails_its_own_check() {
        let nonce = Secret::new("n-1");
        let token = jwt(
            json!({"alg": "none"}),
            json!({"iss": "https://evil.example", "aud": ["other", "x"], "exp": 1000, "iat": 5000, "nbf": 5000, "nonce": "n-2"}),
        );
        let checks = check_id_token_claims(
            &token,
            &Expected {
                issuer: Some("https://as.example"),
                client_id: "app",
                nonce: Some(&nonce),
                now: 1500,
                skew: 60,
            },
        );
        for (name, result) in results(&checks) {
            assert_eq!(result, CheckResult::Fail, "{name} should fail");
        }
    }
}
