//! Signed request objects (RFC 9101): the whole authorization request as a JWT — `iss` the
//! client, `aud` the issuer, valid for five minutes, a fresh `jti` — signed HS256 with the
//! client secret or with the client's private key in the algorithm its type implies, and only
//! in an algorithm the server lists (`request_object_signing_alg_values_supported`).

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Map, Value};

use super::client_auth::signing_key;
use crate::secret::{Secret, random_urlsafe};

/// How long a request object is valid: enough for a slow login, short enough to be useless
/// later (FAPI 2.0 asks for at most an hour).
const LIFETIME_SECS: i64 = 300;

#[derive(Debug, thiserror::Error)]
pub enum RequestObjectError {
    #[error(
        "the server takes request objects signed with {supported}, and this client can sign only with {ours}: {remedy}"
    )]
    AlgUnsupported {
        ours: String,
        supported: String,
        remedy: &'static str,
    },
    #[error("could not sign the request object: {0}")]
    Sign(String),
    #[error(
        "a signed request object needs the client's private key or its client secret, and neither is stored"
    )]
    NoKey,
}

/// What signs the request object.
#[derive(Debug, Clone)]
pub enum RequestSigner {
    /// HS256 with the client secret.
    Secret(Secret),
    /// The client's PEM private key.
    PrivateKey(Secret),
}

/// The request object for `params`, for the server `issuer` (its `aud`), signed by `signer` in
/// an algorithm of `supported` (any, when the server lists none).
pub fn sign(
    params: &[(String, String)],
    client_id: &str,
    issuer: &str,
    signer: &RequestSigner,
    supported: &[String],
) -> Result<Secret, RequestObjectError> {
    let now = crate::clock::now();
    let mut claims = Map::new();
    for (k, v) in params {
        claims.insert(k.clone(), claim_value(k, v));
    }
    claims.insert("iss".into(), client_id.into());
    claims.insert("aud".into(), issuer.into());
    claims.insert("iat".into(), now.into());
    claims.insert("nbf".into(), now.into());
    claims.insert("exp".into(), (now + LIFETIME_SECS).into());
    claims.insert(
        "jti".into(),
        random_urlsafe(16)
            .map_err(|e| RequestObjectError::Sign(e.to_string()))?
            .into(),
    );
    let listed =
        |alg: Algorithm| supported.is_empty() || supported.iter().any(|s| s == &format!("{alg:?}"));
    let candidates: Vec<(EncodingKey, Algorithm)> = match signer {
        RequestSigner::Secret(secret) => vec![(
            EncodingKey::from_secret(secret.expose().as_bytes()),
            Algorithm::HS256,
        )],
        RequestSigner::PrivateKey(pem) => signing_key(pem)
            .map_err(|e| RequestObjectError::Sign(e.to_string()))?
            .into_iter()
            .flat_map(|(key, alg)| {
                // An RSA key signs PS256 as well as RS256 (FAPI servers want PS256).
                let mut algs = vec![(key.clone(), alg)];
                if alg == Algorithm::RS256 {
                    algs.push((key, Algorithm::PS256));
                }
                algs
            })
            .collect(),
    };
    let ours: Vec<String> = candidates.iter().map(|(_, a)| format!("{a:?}")).collect();
    let mut last_error = None;
    for (key, alg) in candidates.into_iter().filter(|(_, a)| listed(*a)) {
        let mut header = Header::new(alg);
        header.typ = Some("oauth-authz-req+jwt".into());
        match jsonwebtoken::encode(&header, &Value::Object(claims.clone()), &key) {
            Ok(jwt) => return Ok(Secret::new(jwt)),
            Err(e) => last_error = Some(e.to_string()),
        }
    }
    Err(match last_error {
        Some(e) => RequestObjectError::Sign(e),
        None => RequestObjectError::AlgUnsupported {
            ours: ours.join(", "),
            supported: supported.join(", "),
            remedy: match signer {
                RequestSigner::Secret(_) => {
                    "give the client a private key in an algorithm it lists"
                }
                RequestSigner::PrivateKey(_) => {
                    "use a private key of a type it lists, or turn request objects off"
                }
            },
        },
    })
}

/// Parameters that are JSON inside a request object rather than strings (RFC 9396 §3,
/// OIDC Core §5.5, §6.1).
fn claim_value(key: &str, value: &str) -> Value {
    match key {
        "authorization_details" | "claims" => {
            serde_json::from_str(value).unwrap_or_else(|_| value.into())
        }
        "max_age" => value
            .parse::<i64>()
            .map(Value::from)
            .unwrap_or_else(|_| value.into()),
        _ => value.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims_of(jwt: &Secret) -> (Value, Value) {
        let decoded = crate::jwt::decode(jwt.expose()).unwrap();
        (
            Value::Object(decoded.header.clone()),
            Value::Object(decoded.claims.clone()),
        )
    }

    #[test]
    fn the_request_becomes_the_claims() {
        let params = vec![
            ("response_type".to_owned(), "code".to_owned()),
            ("client_id".to_owned(), "c".to_owned()),
            ("max_age".to_owned(), "60".to_owned()),
            (
                "authorization_details".to_owned(),
                r#"[{"type":"x"}]"#.to_owned(),
            ),
        ];
        let jwt = sign(
            &params,
            "c",
            "https://as.example",
            &RequestSigner::Secret(Secret::new("s".repeat(32))),
            &["HS256".into(), "RS256".into()],
        )
        .unwrap();
        let (header, claims) = claims_of(&jwt);
        assert_eq!(header["alg"], "HS256");
        assert_eq!(header["typ"], "oauth-authz-req+jwt");
        assert_eq!(claims["iss"], "c");
        assert_eq!(claims["aud"], "https://as.example");
        assert_eq!(claims["response_type"], "code");
        assert_eq!(claims["max_age"], 60);
        assert_eq!(claims["authorization_details"][0]["type"], "x");
        let lifetime = claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap();
        assert_eq!(lifetime, LIFETIME_SECS);
    }

    #[test]
    fn an_algorithm_the_server_does_not_list_is_refused_before_sending() {
        let e = sign(
            &[],
            "c",
            "https://as.example",
            &RequestSigner::Secret(Secret::new("secret")),
            &["PS256".into(), "ES256".into()],
        )
        .unwrap_err();
        let text = e.to_string();
        assert!(
            text.contains("PS256, ES256") && text.contains("HS256"),
            "{text}"
        );
    }
}
