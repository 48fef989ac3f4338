//! What a careful reviewer checks of an authorization server without signing in: its metadata
//! (RFC 8414, OpenID Connect Discovery), its JWKS (RFC 7517), the token responses seen in the
//! provider's last trace, and the resource metadata it came from (RFC 9728). Each finding is
//! a verdict with the RFC section and the evidence. The documents are fetched by the desk
//! (`Desk::audit`); the judging here is pure. `docs/audit.md` lists every finding.

use serde::Serialize;
use serde_json::{Map, Value};

pub mod active;
pub mod plan;

pub use plan::ActivePlan;

/// A finding's verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "AuditVerdict"))]
pub enum Verdict {
    Pass,
    Warn,
    Fail,
    /// Not applicable, or not observable without more (said why in the evidence).
    Skip,
}

/// One check and what it found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "AuditFinding"))]
pub struct Finding {
    pub id: &'static str,
    pub title: &'static str,
    pub verdict: Verdict,
    /// The section that asks for it, e.g. "RFC 9700 §2.1.1".
    pub rfc: &'static str,
    /// What was seen: the document, URL and values, redacted and escaped.
    pub evidence: String,
}

/// Every finding of one audit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AuditReport {
    pub provider: String,
    pub issuer: Option<String>,
    pub findings: Vec<Finding>,
}

impl AuditReport {
    pub fn count(&self, verdict: Verdict) -> usize {
        self.findings
            .iter()
            .filter(|f| f.verdict == verdict)
            .count()
    }

    /// Exit status material: nothing failed.
    pub fn passed(&self) -> bool {
        self.count(Verdict::Fail) == 0
    }
}

/// A file an audit is written as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum AuditFormat {
    Json,
    Markdown,
    Junit,
}

impl AuditFormat {
    pub fn extension(self) -> &'static str {
        match self {
            AuditFormat::Json => "json",
            AuditFormat::Markdown => "md",
            AuditFormat::Junit => "xml",
        }
    }
}

impl AuditReport {
    pub fn export(&self, format: AuditFormat) -> String {
        match format {
            AuditFormat::Json => serde_json::to_string_pretty(self).unwrap_or_default(),
            AuditFormat::Markdown => self.markdown(),
            AuditFormat::Junit => self.junit(),
        }
    }

    /// A Markdown table, one row per finding.
    pub fn markdown(&self) -> String {
        let cell = |t: &str| t.replace('|', "\\|").replace('\n', " ");
        let mut out = format!(
            "# Audit of {}{}\n\n| verdict | id | check | section | evidence |\n|---|---|---|---|---|\n",
            cell(&self.provider),
            self.issuer
                .as_deref()
                .map(|i| format!(" ({})", cell(i)))
                .unwrap_or_default()
        );
        for f in &self.findings {
            let verdict = serde_json::to_value(f.verdict).ok();
            out.push_str(&format!(
                "| {} | `{}` | {} | {} | {} |\n",
                verdict.as_ref().and_then(Value::as_str).unwrap_or_default(),
                f.id,
                cell(f.title),
                f.rfc,
                cell(&f.evidence)
            ));
        }
        out
    }
}

impl AuditReport {
    /// JUnit XML: one test case per finding, a failure for `fail`, skipped for `skip`, and
    /// the evidence as the case's output (warnings pass, their word in the output).
    pub fn junit(&self) -> String {
        use std::fmt::Write;
        let xml = crate::lab::export::xml;
        let (failures, skipped) = (self.count(Verdict::Fail), self.count(Verdict::Skip));
        let name = xml(&self.provider);
        let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        let _ = writeln!(
            out,
            "<testsuites name=\"oauth-desk audit\" tests=\"{}\" failures=\"{failures}\" errors=\"0\" skipped=\"{skipped}\">",
            self.findings.len()
        );
        let _ = writeln!(
            out,
            "  <testsuite name=\"{name}\" tests=\"{}\" failures=\"{failures}\" errors=\"0\" skipped=\"{skipped}\">",
            self.findings.len()
        );
        for f in &self.findings {
            let _ = write!(
                out,
                "    <testcase name=\"{}\" classname=\"oauth-desk.audit.{name}\">",
                xml(f.id)
            );
            let message = xml(&format!("{} ({})", f.title, f.rfc));
            match f.verdict {
                Verdict::Fail => {
                    let _ = write!(
                        out,
                        "<failure message=\"{message}\">{}</failure>",
                        xml(&f.evidence)
                    );
                }
                Verdict::Skip => {
                    let _ = write!(out, "<skipped message=\"{}\"/>", xml(&f.evidence));
                }
                Verdict::Pass | Verdict::Warn => {}
            }
            let word = if f.verdict == Verdict::Warn {
                "warn: "
            } else {
                ""
            };
            let _ = writeln!(
                out,
                "<system-out>{word}{message}: {}</system-out></testcase>",
                xml(&f.evidence)
            );
        }
        out.push_str("  </testsuite>\n</testsuites>\n");
        out
    }
}

fn finding(
    id: &'static str,
    title: &'static str,
    rfc: &'static str,
    verdict: Verdict,
    evidence: impl Into<String>,
) -> Finding {
    Finding {
        id,
        title,
        verdict,
        rfc,
        evidence: crate::printable::printable_text(&evidence.into()).into_owned(),
    }
}

fn strings(doc: &Map<String, Value>, key: &str) -> Option<Vec<String>> {
    doc.get(key)?.as_array().map(|a| {
        a.iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect()
    })
}

fn listed(doc: &Map<String, Value>, key: &str) -> String {
    match doc.get(key) {
        Some(v) => format!("{key}: {v}"),
        None => format!("no {key}"),
    }
}

/// The metadata document's findings. `expected_issuer` is the provider's issuer exactly as
/// configured; `openid`: the document is an OpenID one (its extra requirements apply).
pub fn metadata_findings(
    document_url: &str,
    doc: &Map<String, Value>,
    expected_issuer: &str,
    openid: bool,
) -> Vec<Finding> {
    let at = |text: String| format!("{document_url}: {text}");
    let mut out = vec![
        issuer_finding(doc, expected_issuer, &at),
        https_finding(doc, &at),
        required_finding(doc, openid, &at),
    ];
    out.extend(pkce_findings(doc, &at));
    out.push(none_alg_finding(doc, &at));
    out.extend(grant_findings(doc, &at));
    out
}

type At<'a> = dyn Fn(String) -> String + 'a;

fn issuer_finding(doc: &Map<String, Value>, expected: &str, at: &At) -> Finding {
    let issuer = doc.get("issuer").and_then(Value::as_str);
    finding(
        "metadata-issuer",
        "The metadata's issuer is the issuer it was asked for, character for character",
        "RFC 8414 §3.3",
        if issuer == Some(expected) {
            Verdict::Pass
        } else {
            Verdict::Fail
        },
        at(format!(
            "issuer {:?}, expected {expected:?}",
            issuer.unwrap_or("(none)")
        )),
    )
}

fn https_finding(doc: &Map<String, Value>, at: &At) -> Finding {
    let insecure: Vec<String> = doc
        .iter()
        .filter(|(k, _)| {
            k.ends_with("_endpoint") || k.as_str() == "jwks_uri" || k.as_str() == "issuer"
        })
        .filter_map(|(k, v)| Some((k, url::Url::parse(v.as_str()?).ok()?)))
        .filter(|(_, u)| crate::provider::transport::is_insecure(u))
        .map(|(k, u)| format!("{k} {u}"))
        .collect();
    finding(
        "metadata-https",
        "Every endpoint is https (plain http only on this machine)",
        "RFC 8414 §2, RFC 9700 §1.1",
        if insecure.is_empty() {
            Verdict::Pass
        } else {
            Verdict::Fail
        },
        at(if insecure.is_empty() {
            "every URL is https or on loopback".into()
        } else {
            insecure.join(", ")
        }),
    )
}

fn required_finding(doc: &Map<String, Value>, openid: bool, at: &At) -> Finding {
    let mut required = vec!["issuer", "token_endpoint", "response_types_supported"];
    if strings(doc, "response_types_supported")
        .is_some_and(|r| r.iter().any(|t| t.contains("code")))
    {
        required.push("authorization_endpoint");
    }
    if openid {
        required.extend([
            "jwks_uri",
            "subject_types_supported",
            "id_token_signing_alg_values_supported",
        ]);
    }
    let missing: Vec<&str> = required
        .into_iter()
        .filter(|k| !doc.contains_key(*k))
        .collect();
    finding(
        "metadata-required",
        "The required metadata fields are present",
        if openid {
            "OpenID Connect Discovery 1.0 §3"
        } else {
            "RFC 8414 §2"
        },
        if missing.is_empty() {
            Verdict::Pass
        } else {
            Verdict::Fail
        },
        at(if missing.is_empty() {
            "all present".into()
        } else {
            format!("missing {}", missing.join(", "))
        }),
    )
}

fn none_alg_finding(doc: &Map<String, Value>, at: &At) -> Finding {
    let none_alg: Vec<&str> = [
        "id_token_signing_alg_values_supported",
        "token_endpoint_auth_signing_alg_values_supported",
        "request_object_signing_alg_values_supported",
        "userinfo_signing_alg_values_supported",
    ]
    .into_iter()
    .filter(|k| {
        strings(doc, k).is_some_and(|algs| algs.iter().any(|a| a.eq_ignore_ascii_case("none")))
    })
    .collect();
    finding(
        "no-none-alg",
        "No unsigned (alg none) tokens or assertions are offered",
        "RFC 8725 §3.1, OpenID Connect Core §2",
        if none_alg.is_empty() {
            Verdict::Pass
        } else {
            Verdict::Fail
        },
        at(if none_alg.is_empty() {
            "no signing algorithm list has none".into()
        } else {
            format!("none listed in {}", none_alg.join(", "))
        }),
    )
}

/// The `iss` parameter, and the grants RFC 9700 retires (implicit, password).
fn grant_findings(doc: &Map<String, Value>, at: &At) -> Vec<Finding> {
    let iss = doc
        .get("authorization_response_iss_parameter_supported")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let implicit: Vec<String> = strings(doc, "response_types_supported")
        .unwrap_or_default()
        .into_iter()
        .filter(|t| t.split(' ').any(|p| p == "token"))
        .collect();
    let password =
        strings(doc, "grant_types_supported").is_some_and(|g| g.iter().any(|t| t == "password"));
    vec![
        finding(
            "iss-parameter",
            "Authorization responses carry the iss parameter (mix-up defence)",
            "RFC 9207 §3, RFC 9700 §4.4",
            if iss { Verdict::Pass } else { Verdict::Warn },
            at(listed(
                doc,
                "authorization_response_iss_parameter_supported",
            )),
        ),
        finding(
            "implicit",
            "No response type hands out access tokens in the front channel",
            "RFC 9700 §2.1.2",
            if implicit.is_empty() {
                Verdict::Pass
            } else {
                Verdict::Warn
            },
            at(if implicit.is_empty() {
                listed(doc, "response_types_supported")
            } else {
                format!("offers {}", implicit.join(", "))
            }),
        ),
        finding(
            "password-grant",
            "The resource owner password grant is not offered",
            "RFC 9700 §2.4",
            if password {
                Verdict::Warn
            } else {
                Verdict::Pass
            },
            at(listed(doc, "grant_types_supported")),
        ),
    ]
}

fn pkce_findings(doc: &Map<String, Value>, at: &At) -> Vec<Finding> {
    let methods = strings(doc, "code_challenge_methods_supported");
    let evidence = at(listed(doc, "code_challenge_methods_supported"));
    let s256 = match &methods {
        Some(m) if m.iter().any(|x| x == "S256") => Verdict::Pass,
        Some(_) => Verdict::Fail,
        // Not advertised: PKCE may still be enforced, which only a sign-in shows.
        None => Verdict::Warn,
    };
    let plain = methods
        .as_ref()
        .is_some_and(|m| m.iter().any(|x| x == "plain"));
    vec![
        finding(
            "pkce-s256",
            "PKCE with S256 is offered",
            "RFC 9700 §2.1.1, RFC 7636 §4.2",
            s256,
            evidence.clone(),
        ),
        finding(
            "plain-pkce",
            "The plain PKCE method is not offered",
            "RFC 9700 §2.1.1",
            if plain { Verdict::Warn } else { Verdict::Pass },
            evidence,
        ),
    ]
}

/// The JWKS findings: `fetched` is the document (or why it could not be read).
pub fn jwks_findings(jwks_url: Option<&str>, fetched: Result<&Value, String>) -> Vec<Finding> {
    let Some(url) = jwks_url else {
        let skip = |id, title| {
            finding(
                id,
                title,
                "RFC 7517 §5",
                Verdict::Skip,
                "the metadata names no jwks_uri",
            )
        };
        return vec![
            skip("jwks-reachable", "The JWKS can be read"),
            skip("jwks-unique-kids", "Key ids are unique"),
            skip("jwks-keys-usable", "Every key is a usable public key"),
        ];
    };
    let keys = match fetched.map(|doc| doc.get("keys").and_then(Value::as_array).cloned()) {
        Ok(Some(keys)) if !keys.is_empty() => keys,
        Ok(_) => {
            return vec![finding(
                "jwks-reachable",
                "The JWKS can be read",
                "RFC 7517 §5",
                Verdict::Fail,
                format!("{url}: no keys array, or an empty one"),
            )];
        }
        Err(why) => {
            return vec![finding(
                "jwks-reachable",
                "The JWKS can be read",
                "RFC 7517 §5",
                Verdict::Fail,
                format!("{url}: {why}"),
            )];
        }
    };
    let mut out = vec![finding(
        "jwks-reachable",
        "The JWKS can be read",
        "RFC 7517 §5",
        Verdict::Pass,
        format!("{url}: {} key(s)", keys.len()),
    )];
    let kids: Vec<&str> = keys.iter().filter_map(|k| k.get("kid")?.as_str()).collect();
    let mut duplicates: Vec<&str> = kids
        .iter()
        .enumerate()
        .filter(|(i, k)| kids[..*i].contains(k))
        .map(|(_, k)| *k)
        .collect();
    duplicates.dedup();
    let unnamed = keys.len() - kids.len();
    out.push(finding(
        "jwks-unique-kids",
        "Key ids are unique, so a token names one key",
        "RFC 7517 §4.5, OpenID Connect Core §10.1",
        if !duplicates.is_empty() {
            Verdict::Fail
        } else if unnamed > 0 && keys.len() > 1 {
            Verdict::Warn
        } else {
            Verdict::Pass
        },
        if !duplicates.is_empty() {
            format!("{url}: kid repeated: {}", duplicates.join(", "))
        } else if unnamed > 0 && keys.len() > 1 {
            format!("{url}: {unnamed} of {} keys have no kid", keys.len())
        } else {
            format!("{url}: kids {}", kids.join(", "))
        },
    ));
    out.push(keys_usable(url, &keys));
    out
}

fn keys_usable(url: &str, keys: &[Value]) -> Finding {
    let mut problems = Vec::new();
    for (i, key) in keys.iter().enumerate() {
        let name = key
            .get("kid")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .unwrap_or_else(|| format!("key {}", i + 1));
        // Private parameters must never be published (RFC 7517 §9.2, RFC 7518 §6).
        if ["d", "p", "q", "dp", "dq", "qi", "k"]
            .iter()
            .any(|p| key.get(*p).is_some())
        {
            problems.push(format!("{name} publishes private key material"));
            continue;
        }
        let parsed = serde_json::from_value::<jsonwebtoken::jwk::Jwk>(key.clone());
        if parsed
            .as_ref()
            .map(|jwk| jsonwebtoken::DecodingKey::from_jwk(jwk).is_err())
            .unwrap_or(true)
        {
            // Keys for encryption (use "enc") are not verification keys; an unknown kty is
            // unusable to this client but not wrong.
            if key.get("use").and_then(Value::as_str) != Some("enc") {
                problems.push(format!("{name} is not a key this client can verify with"));
            }
        }
    }
    let private = problems.iter().any(|p| p.contains("private"));
    finding(
        "jwks-keys-usable",
        "Every key is a usable public key, none private",
        "RFC 7517 §9.2, RFC 7518 §6",
        if private {
            Verdict::Fail
        } else if problems.is_empty() {
            Verdict::Pass
        } else {
            Verdict::Warn
        },
        format!(
            "{url}: {}",
            if problems.is_empty() {
                "every key parses as a public verification key".to_owned()
            } else {
                problems.join("; ")
            }
        ),
    )
}

/// Token responses must not be cached (RFC 6749 §5.1): the `Cache-Control` of each token
/// endpoint answer in the provider's last trace.
pub fn no_store_finding(trace: Option<&crate::trace::Trace>) -> Finding {
    let answers: Vec<(&str, Option<&str>)> = trace
        .into_iter()
        .flat_map(|t| &t.exchanges)
        .filter(|e| {
            e.label.starts_with("token") && e.status.is_some_and(|s| (200..300).contains(&s))
        })
        .filter_map(|e| {
            let headers = &e.response.as_ref()?.headers;
            let cache = headers
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case("cache-control"))
                .map(|(_, v)| v.as_str());
            Some((e.url.as_str(), cache))
        })
        .collect();
    let title = "Token responses say Cache-Control: no-store";
    if answers.is_empty() {
        return finding(
            "token-no-store",
            title,
            "RFC 6749 §5.1",
            Verdict::Skip,
            "no token response in the provider's last trace: sign in or refresh, then audit again",
        );
    }
    let bad: Vec<String> = answers
        .iter()
        .filter(|(_, c)| !c.is_some_and(|c| c.to_ascii_lowercase().contains("no-store")))
        .map(|(u, c)| format!("{u}: Cache-Control {}", c.unwrap_or("(none)")))
        .collect();
    finding(
        "token-no-store",
        title,
        "RFC 6749 §5.1",
        if bad.is_empty() {
            Verdict::Pass
        } else {
            Verdict::Fail
        },
        if bad.is_empty() {
            format!(
                "{} token response(s) in the last trace, each no-store",
                answers.len()
            )
        } else {
            bad.join("; ")
        },
    )
}

#[cfg(test)]
mod tests;
