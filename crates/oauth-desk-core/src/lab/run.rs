//! A lab run's results: one [`CaseResult`] per case (no token values, so a run can be kept),
//! and the [`Matrix`] of cases × scopes and claims every front end and report draws.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::plan::CaseGrant;
use crate::verify::Check;

/// A case's outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Verdict {
    Pass,
    Fail,
    /// Not run: the run was cancelled first.
    Skipped,
}

/// What became of a case's tokens once it was judged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Disposal {
    /// The sign-in gave no tokens (refused, failed or skipped).
    NoTokens,
    /// Revoked at the server (RFC 7009).
    Revoked,
    /// Kept for inspection (in memory only, never stored).
    Kept,
    /// The server has no revocation endpoint: the tokens expire by themselves.
    NotRevocable,
    /// The revocation request failed (see the note).
    RevocationFailed,
}

/// One case's result. Claim values are kept (they are what QA looks at); token values never.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CaseResult {
    pub name: String,
    /// The identity the case signed in as, when not the run's default.
    #[serde(default)]
    pub identity: Option<String>,
    pub result: Verdict,
    pub grant: CaseGrant,
    pub scope: String,
    pub requested: Vec<String>,
    pub granted: Vec<String>,
    pub not_granted: Vec<String>,
    pub extra_granted: Vec<String>,
    /// Claim names released, from the ID token and the userinfo response, sorted.
    pub claims: Vec<String>,
    pub id_token_claims: Map<String, Value>,
    pub userinfo: Option<Map<String, Value>>,
    pub userinfo_error: Option<String>,
    pub checks: Vec<Check>,
    /// The server's OAuth error when it refused the sign-in.
    pub error: Option<String>,
    pub error_description: Option<String>,
    /// Each unmet expectation, one sentence each.
    pub failures: Vec<String>,
    pub started_at: i64,
    pub duration_ms: u64,
    pub tokens: Disposal,
    pub tokens_note: Option<String>,
}

impl CaseResult {
    /// A case the run did not reach.
    pub fn skipped(name: &str, grant: CaseGrant, scope: &str, at: i64) -> CaseResult {
        CaseResult {
            name: name.to_owned(),
            identity: None,
            result: Verdict::Skipped,
            grant,
            scope: scope.to_owned(),
            requested: Vec::new(),
            granted: Vec::new(),
            not_granted: Vec::new(),
            extra_granted: Vec::new(),
            claims: Vec::new(),
            id_token_claims: Map::new(),
            userinfo: None,
            userinfo_error: None,
            checks: Vec::new(),
            error: None,
            error_description: None,
            failures: vec!["not run: the run was cancelled".into()],
            started_at: at,
            duration_ms: 0,
            tokens: Disposal::NoTokens,
            tokens_note: None,
        }
    }

    /// The claims a person would look for: without the protocol's own (iss, aud, nonce, …).
    pub fn user_claims(&self) -> impl Iterator<Item = &String> {
        self.claims
            .iter()
            .filter(|c| !PROTOCOL_CLAIMS.contains(&c.as_str()))
    }
}

/// Claims every ID token carries for the protocol's sake, not as released user data.
pub const PROTOCOL_CLAIMS: &[&str] = &[
    "iss",
    "sub",
    "aud",
    "exp",
    "iat",
    "nbf",
    "jti",
    "nonce",
    "at_hash",
    "c_hash",
    "s_hash",
    "sid",
    "auth_time",
    "azp",
    "acr",
    "amr",
];

/// One run of a plan (or of one of its cases).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LabRun {
    pub provider: String,
    pub started_at: i64,
    pub finished_at: i64,
    pub cancelled: bool,
    pub cases: Vec<CaseResult>,
    /// What changed since the provider's previous run, one sentence each.
    pub differences: Vec<String>,
    /// When the run compared against was made.
    pub compared_with: Option<i64>,
}

impl LabRun {
    /// Every case ran and passed.
    pub fn passed(&self) -> bool {
        !self.cancelled && self.cases.iter().all(|c| c.result == Verdict::Pass)
    }

    pub fn count(&self, verdict: Verdict) -> usize {
        self.cases.iter().filter(|c| c.result == verdict).count()
    }

    /// Cases × scopes (requested and granted) and cases × user claims.
    pub fn matrix(&self) -> Matrix {
        let mut scopes: Vec<String> = Vec::new();
        for case in &self.cases {
            for s in case.requested.iter().chain(&case.extra_granted) {
                if !scopes.contains(s) {
                    scopes.push(s.clone());
                }
            }
        }
        let mut claims: Vec<String> = self
            .cases
            .iter()
            .flat_map(|c| c.user_claims().cloned())
            .collect();
        claims.sort();
        claims.dedup();
        let rows = self
            .cases
            .iter()
            .map(|case| MatrixRow {
                case: case.name.clone(),
                result: case.result,
                scopes: scopes.iter().map(|s| ScopeCell::of(case, s)).collect(),
                claims: claims.iter().map(|c| case.claims.contains(c)).collect(),
            })
            .collect();
        Matrix {
            scopes,
            claims,
            rows,
        }
    }
}

/// What a case did with one scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum ScopeCell {
    /// Asked for and granted.
    Granted,
    /// Asked for, not granted (or the sign-in failed).
    NotGranted,
    /// Granted without being asked for.
    Extra,
    /// Not part of this case.
    NotAsked,
}

impl ScopeCell {
    fn of(case: &CaseResult, scope: &String) -> ScopeCell {
        if case.extra_granted.contains(scope) {
            ScopeCell::Extra
        } else if !case.requested.contains(scope) {
            ScopeCell::NotAsked
        } else if case.granted.contains(scope) {
            ScopeCell::Granted
        } else {
            ScopeCell::NotGranted
        }
    }

    pub fn symbol(self) -> &'static str {
        match self {
            ScopeCell::Granted => "✓",
            ScopeCell::NotGranted => "✗",
            ScopeCell::Extra => "+",
            ScopeCell::NotAsked => "",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Matrix {
    pub scopes: Vec<String>,
    pub claims: Vec<String>,
    pub rows: Vec<MatrixRow>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct MatrixRow {
    pub case: String,
    pub result: Verdict,
    /// One cell per [`Matrix::scopes`].
    pub scopes: Vec<ScopeCell>,
    /// Whether each of [`Matrix::claims`] was released.
    pub claims: Vec<bool>,
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn result(
        name: &str,
        requested: &[&str],
        granted: &[&str],
        claims: &[&str],
    ) -> CaseResult {
        let own = |items: &[&str]| items.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        let (requested, granted) = (own(requested), own(granted));
        CaseResult {
            not_granted: requested
                .iter()
                .filter(|s| !granted.contains(s))
                .cloned()
                .collect(),
            extra_granted: granted
                .iter()
                .filter(|s| !requested.contains(s))
                .cloned()
                .collect(),
            requested,
            granted,
            claims: own(claims),
            result: Verdict::Pass,
            ..CaseResult::skipped(name, CaseGrant::Code, "", 0)
        }
    }

    #[test]
    fn the_matrix_has_every_scope_and_user_claim() {
        let run = LabRun {
            provider: "op".into(),
            started_at: 0,
            finished_at: 1,
            cancelled: false,
            cases: vec![
                result(
                    "a",
                    &["openid", "profile"],
                    &["openid", "profile"],
                    &["iss", "name", "sub"],
                ),
                result(
                    "b",
                    &["openid", "email"],
                    &["openid", "offline_access"],
                    &["email", "sub"],
                ),
            ],
            differences: vec![],
            compared_with: None,
        };
        let m = run.matrix();
        assert_eq!(m.scopes, ["openid", "profile", "email", "offline_access"]);
        assert_eq!(m.claims, ["email", "name"], "protocol claims left out");
        use ScopeCell::*;
        assert_eq!(m.rows[0].scopes, [Granted, Granted, NotAsked, NotAsked]);
        assert_eq!(m.rows[1].scopes, [Granted, NotAsked, NotGranted, Extra]);
        assert_eq!(m.rows[1].claims, [true, false]);
        assert!(run.passed());
    }
}
