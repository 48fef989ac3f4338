use serde_json::json;

use super::*;

fn doc(v: Value) -> Map<String, Value> {
    v.as_object().unwrap().clone()
}

fn verdicts(findings: &[Finding]) -> Vec<(&'static str, Verdict)> {
    findings.iter().map(|f| (f.id, f.verdict)).collect()
}

fn good() -> Value {
    json!({
        "issuer": "https://as.example",
        "authorization_endpoint": "https://as.example/authorize",
        "token_endpoint": "https://as.example/token",
        "jwks_uri": "https://as.example/jwks",
        "response_types_supported": ["code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "code_challenge_methods_supported": ["S256"],
        "authorization_response_iss_parameter_supported": true,
        "grant_types_supported": ["authorization_code", "refresh_token"]
    })
}

#[test]
fn a_careful_servers_metadata_passes_every_check() {
    let findings = metadata_findings(
        "https://as.example/.well-known/openid-configuration",
        &doc(good()),
        "https://as.example",
        true,
    );
    for f in &findings {
        assert_eq!(f.verdict, Verdict::Pass, "{f:?}");
    }
    assert_eq!(findings.len(), 9);
}

#[test]
fn each_lax_setting_fails_or_warns_its_own_check() {
    let mut lax = good();
    lax["issuer"] = json!("https://as.example/");
    lax["token_endpoint"] = json!("http://as.example/token");
    lax["code_challenge_methods_supported"] = json!(["plain"]);
    lax["id_token_signing_alg_values_supported"] = json!(["RS256", "none"]);
    lax["authorization_response_iss_parameter_supported"] = json!(false);
    lax["response_types_supported"] = json!(["code", "id_token token"]);
    lax["grant_types_supported"] = json!(["password"]);
    lax.as_object_mut()
        .unwrap()
        .remove("subject_types_supported");
    let findings = metadata_findings("u", &doc(lax), "https://as.example", true);
    assert_eq!(
        verdicts(&findings),
        [
            ("metadata-issuer", Verdict::Fail),
            ("metadata-https", Verdict::Fail),
            ("metadata-required", Verdict::Fail),
            ("pkce-s256", Verdict::Fail),
            ("plain-pkce", Verdict::Warn),
            ("no-none-alg", Verdict::Fail),
            ("iss-parameter", Verdict::Warn),
            ("implicit", Verdict::Warn),
            ("password-grant", Verdict::Warn),
        ]
    );
    let required = &findings[2].evidence;
    assert!(
        required.contains("missing subject_types_supported"),
        "{required}"
    );
    assert!(
        findings[1]
            .evidence
            .contains("token_endpoint http://as.example/token")
    );
    // PKCE not advertised at all: it may still be enforced, so a warning.
    let mut silent = good();
    silent
        .as_object_mut()
        .unwrap()
        .remove("code_challenge_methods_supported");
    let f = metadata_findings("u", &doc(silent), "https://as.example", false);
    assert_eq!(f[3].verdict, Verdict::Warn);
}

#[test]
fn a_jwks_with_repeated_kids_or_private_keys_fails() {
    let rsa = json!({"kty": "RSA", "kid": "a", "use": "sig", "alg": "RS256", "n": "sXchDaQebHnPiGvyDOAT4saGEUetSyo9MKLOoWFsueri23bOdgWp4Dy1WlUzewbgBHod5pcM9H95GQRV3JDXboIRROSBigeC5yjU1hGzHHyXss8UDprecbAYxknTcQkhslANGRUZmdTOQ5qTRsLAt6BTYuyvVRdhS8exSZEy_c4gs_7svlJJQ4H9_NxsiIoLwAEk7-Q3UXERGYw_75IDrGA84-lA_-Ct4eTlXHBIY2EaV7t7LjJaynVJCpkv4LKjTTAumiGUIuQhrNhZLuF_RJLqHpM2kgWFLU7-VTdL1VbC2tejvcI2BlMkEpk1BzBZI0KQB0GaDWFLN-aEAw3vRw", "e": "AQAB"});
    let good = json!({"keys": [rsa]});
    assert_eq!(
        verdicts(&jwks_findings(Some("j"), Ok(&good))),
        [
            ("jwks-reachable", Verdict::Pass),
            ("jwks-unique-kids", Verdict::Pass),
            ("jwks-keys-usable", Verdict::Pass)
        ]
    );
    let mut private = rsa.clone();
    private["kid"] = json!("b");
    private["d"] = json!("secret");
    let bad = json!({"keys": [rsa, rsa, private]});
    let findings = jwks_findings(Some("j"), Ok(&bad));
    assert_eq!(findings[1].verdict, Verdict::Fail);
    assert!(findings[1].evidence.contains("kid repeated: a"));
    assert_eq!(findings[2].verdict, Verdict::Fail);
    assert!(
        findings[2]
            .evidence
            .contains("b publishes private key material")
    );
    assert_eq!(
        jwks_findings(Some("j"), Err("answered 500".into()))[0].verdict,
        Verdict::Fail
    );
    assert_eq!(
        jwks_findings(None, Err(String::new()))[0].verdict,
        Verdict::Skip
    );
}

#[test]
fn token_responses_are_judged_by_their_cache_control() {
    use crate::trace::{Exchange, Message, Trace};
    let exchange = |cache: Option<&str>| Exchange {
        label: "token (authorization_code)".into(),
        started_at_ms: 0,
        duration_ms: 1,
        method: "POST".into(),
        url: "https://as.example/token".into(),
        request: Message {
            headers: vec![],
            body: None,
        },
        status: Some(200),
        response: Some(Message {
            headers: cache
                .map(|c| vec![("cache-control".to_owned(), c.to_owned())])
                .unwrap_or_default(),
            body: None,
        }),
        error: None,
    };
    let trace = |e| Trace {
        provider: "p".into(),
        flow: "f".into(),
        started_at_ms: 0,
        exchanges: vec![e],
    };
    assert_eq!(
        no_store_finding(Some(&trace(exchange(Some("no-store"))))).verdict,
        Verdict::Pass
    );
    let cached = no_store_finding(Some(&trace(exchange(None))));
    assert_eq!(cached.verdict, Verdict::Fail);
    assert!(
        cached.evidence.contains("Cache-Control (none)"),
        "{}",
        cached.evidence
    );
    assert_eq!(no_store_finding(None).verdict, Verdict::Skip);
}

#[test]
fn exports_escape_and_count() {
    let report = AuditReport {
        provider: "p".into(),
        issuer: Some("https://as".into()),
        findings: vec![
            finding("a", "A <check>", "RFC 1", Verdict::Fail, "x | y & z"),
            finding("b", "B", "RFC 2", Verdict::Skip, "why"),
        ],
    };
    let md = report.export(AuditFormat::Markdown);
    assert!(
        md.contains("| fail | `a` | A <check> | RFC 1 | x \\| y & z |"),
        "{md}"
    );
    let xml = report.export(AuditFormat::Junit);
    assert!(
        xml.contains("tests=\"2\" failures=\"1\" errors=\"0\" skipped=\"1\""),
        "{xml}"
    );
    assert!(xml.contains("A &lt;check&gt;"), "{xml}");
    let json: Value = serde_json::from_str(&report.export(AuditFormat::Json)).unwrap();
    assert_eq!(json["findings"][0]["verdict"], "fail");
    assert!(!report.passed());
}
