//! Decoding of JWTs (RFC 7519) for display: header and claims, no verification.
//!
//! Decoding is not trusting: `verify` (ID-token validation) decides what a token is worth.
//! This module only answers "is this a JWS compact token, and what does it say?".

use base64::Engine;
use serde_json::{Map, Value};

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum JwtError {
    #[error("not a JWT: expected three dot-separated parts, found {0}")]
    WrongShape(usize),
    #[error("an encrypted JWT (JWE) can't be decoded without the recipient's key")]
    Encrypted,
    #[error("not a JWT: the {part} is not base64url")]
    NotBase64 { part: &'static str },
    #[error("not a JWT: the {part} is not a JSON object")]
    NotJson { part: &'static str },
}

/// A decoded JWS compact token.
#[derive(Debug, Clone, PartialEq)]
pub struct DecodedJwt {
    pub header: Map<String, Value>,
    pub claims: Map<String, Value>,
    /// Length in bytes of the decoded signature (0 for `alg: none`).
    pub signature_len: usize,
}

impl DecodedJwt {
    /// Which of its claims are times (see [`time_claims`]): what a front end shows as dates.
    pub fn time_claims(&self) -> Vec<String> {
        time_claims(&self.claims)
    }
}

impl DecodedJwt {
    pub fn alg(&self) -> Option<&str> {
        self.header.get("alg").and_then(Value::as_str)
    }

    /// A numeric date claim (`exp`, `iat`, `nbf`), tolerating floats and numeric strings;
    /// held to years 0–9999 so that no date a token carries can overflow arithmetic on it.
    pub fn numeric_date(&self, claim: &str) -> Option<i64> {
        numeric(self.claims.get(claim)?).map(|date| date.clamp(-LAST_DATE, LAST_DATE))
    }
}

/// The registered claims that are times (NumericDate, seconds since the epoch): RFC 7519
/// §4.1.4–4.1.6, OpenID Connect Core §2 (`auth_time`) and §5.1 (`updated_at`). Every front end
/// shows them as times from this one list.
pub const TIME_CLAIMS: &[&str] = &["exp", "iat", "nbf", "auth_time", "updated_at"];

/// The claims of `claims` that are times and hold a number (see [`TIME_CLAIMS`]).
pub fn time_claims(claims: &Map<String, Value>) -> Vec<String> {
    claims
        .iter()
        .filter(|(k, v)| TIME_CLAIMS.contains(&k.as_str()) && numeric(v).is_some())
        .map(|(k, _)| k.clone())
        .collect()
}

/// 9999-12-31T23:59:59Z, the last second any date is read as.
pub const LAST_DATE: i64 = 253_402_300_799;

pub fn numeric(value: &Value) -> Option<i64> {
    match value {
        Value::Number(n) => n.as_i64().or_else(|| n.as_f64().map(|f| f as i64)),
        Value::String(s) => s.trim().parse::<f64>().ok().map(|f| f as i64),
        _ => None,
    }
}

pub fn decode(token: &str) -> Result<DecodedJwt, JwtError> {
    let token = token.trim();
    let parts: Vec<&str> = token.split('.').collect();
    match parts.len() {
        3 => {}
        5 => return Err(JwtError::Encrypted),
        n => return Err(JwtError::WrongShape(n)),
    }
    let header = json_object(parts[0], "header")?;
    let claims = json_object(parts[1], "payload")?;
    let signature_len = b64(parts[2])
        .map_err(|_| JwtError::NotBase64 { part: "signature" })?
        .len();
    Ok(DecodedJwt {
        header,
        claims,
        signature_len,
    })
}

fn b64(part: &str) -> Result<Vec<u8>, base64::DecodeError> {
    // Some issuers pad; base64url without padding is the rule (RFC 7515 §2).
    base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(part.trim_end_matches('='))
}

fn json_object(part: &str, name: &'static str) -> Result<Map<String, Value>, JwtError> {
    let bytes = b64(part).map_err(|_| JwtError::NotBase64 { part: name })?;
    match serde_json::from_slice(&bytes) {
        Ok(Value::Object(map)) => Ok(map),
        _ => Err(JwtError::NotJson { part: name }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // The EC-CUBE sample access token from the seed documents.
    const EC_CUBE: &str = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiIsImp0aSI6ImIwODc0MmY1NzJjZjM3OGFiMjk5NmIwYWVjOTFhODNiMWUwZWVlMTg4OTEyMDUxN2Y0ZWVjMmJhNDVkNTFhMzdkOGU4MDNiNDQ2ZmEyOTU4In0.eyJhdWQiOiJlYmQ3NDZlM2E0MjcxNGE2M2YyYjI0N2JmOWI0MjUwNiIsImp0aSI6ImIwODc0MmY1NzJjZjM3OGFiMjk5NmIwYWVjOTFhODNiMWUwZWVlMTg4OTEyMDUxN2Y0ZWVjMmJhNDVkNTFhMzdkOGU4MDNiNDQ2ZmEyOTU4IiwiaWF0IjoxNTgyNzc5NzM4LCJuYmYiOjE1ODI3Nzk3MzgsImV4cCI6MTU4Mjc4MzMzOCwic3ViIjoiYWRtaW4iLCJzY29wZXMiOlsicmVhZCJdfQ.gTbfzr2nzy-wUmYleXlFq1gs-wN7oH8l5nfEsfq5QAZjkl4K4__uLlh2GpStmjveYqY-rxP7Qy7mUBXgIFH3tl0Tnwg52GH9_ftAhz6ZzPilymUzuXtmJ3aj4GZ4Ctm62GtcM1psbzP444BnY9QYuejpQT3tV0VS1enrV8ZkAPKkWvCcOyGLCabfPZ626rThMxMC0I7Mwc-sHAooZ4ebsDUbAQnXj2mwc5zWUpv7r8AsLXnUaMZoAXSk9NQnZvqn7VXo4EkQJkdArT0_QPoPZvFxHrAI5lMWTojMXCZyQMH6cV4OllKHqluij16NA9dGjG73kETyhzbgsm-8e0Hxww";

    #[test]
    fn a_date_past_the_year_9999_is_held_there() {
        let claims = serde_json::json!({"exp": 1e300, "iat": i64::MIN, "nbf": "9e18"});
        let jwt = DecodedJwt {
            header: Map::new(),
            claims: claims.as_object().unwrap().clone(),
            signature_len: 0,
        };
        assert_eq!(jwt.numeric_date("exp"), Some(LAST_DATE));
        assert_eq!(jwt.numeric_date("iat"), Some(-LAST_DATE));
        assert_eq!(jwt.numeric_date("nbf"), Some(LAST_DATE));
    }

    #[test]
    fn decodes_a_real_access_token() {
        let jwt = decode(EC_CUBE).unwrap();
        assert_eq!(jwt.alg(), Some("RS256"));
        assert_eq!(jwt.claims["sub"], "admin");
        assert_eq!(jwt.numeric_date("exp"), Some(1582783338));
        assert_eq!(
            jwt.signature_len, 256,
            "an RS256 signature with a 2048-bit key is 256 bytes"
        );
    }

    #[test]
    fn opaque_tokens_are_not_jwts() {
        assert_eq!(decode("def50200389"), Err(JwtError::WrongShape(1)));
        assert_eq!(decode("a.b.c.d.e"), Err(JwtError::Encrypted));
        assert_eq!(
            decode("!!.e30.sig"),
            Err(JwtError::NotBase64 { part: "header" })
        );
        // "WyJ4Il0" is ["x"]: valid JSON, not an object.
        assert_eq!(
            decode("e30.WyJ4Il0.c2ln"),
            Err(JwtError::NotJson { part: "payload" })
        );
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(crate::fuzz_cases(2000)))]
        #[test]
        fn decoding_never_panics(token in ".{0,300}", parts in proptest::collection::vec("[A-Za-z0-9_=-]{0,40}", 0..6)) {
            let _ = decode(&token);
            let _ = decode(&parts.join("."));
        }
    }

    #[test]
    fn numeric_dates_tolerate_strings_and_floats() {
        assert_eq!(numeric(&serde_json::json!(1.9e9)), Some(1_900_000_000));
        assert_eq!(numeric(&serde_json::json!(" 42 ")), Some(42));
        assert_eq!(numeric(&serde_json::json!(true)), None);
    }

    #[test]
    fn the_times_among_the_claims_are_named_for_every_front_end() {
        let claims = serde_json::json!({
            "exp": 1_900_000_000, "iat": "1800000000", "updated_at": 1.7e9,
            "auth_time": "yesterday", "custom_time": 5, "sub": "alice"
        });
        let Value::Object(claims) = claims else {
            unreachable!()
        };
        let mut times = time_claims(&claims);
        times.sort();
        assert_eq!(
            times,
            ["exp", "iat", "updated_at"],
            "a registered time claim with a number is a time; a word or an unknown claim is not"
        );
    }
}
