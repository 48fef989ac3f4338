//! Judging one case: what was observed against what the plan expects. Each unmet expectation
//! is one [`Failure`], worded once here for every front end and report.

use std::fmt;

use super::plan::{Case, ChecksMode};
use crate::verify::{Check, CheckResult};

/// What one case's sign-in produced.
#[derive(Debug, Default)]
pub struct Observed<'a> {
    /// The scopes the server granted (empty when the sign-in failed).
    pub granted: &'a [String],
    /// Claim names from the ID token and the userinfo response.
    pub claims: &'a [String],
    /// The server's OAuth error, with its description, when it refused.
    pub error: Option<(&'a str, Option<&'a str>)>,
    /// A failure that is not the server's refusal (network, timeout, a bad response).
    pub failure: Option<&'a str>,
    /// The ID token's checks.
    pub checks: &'a [Check],
}

/// One unmet expectation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    NotGranted(String),
    GrantedUnexpectedly(String),
    ClaimMissing(String),
    ClaimReleased(String),
    ErrorExpected {
        expected: String,
    },
    WrongError {
        expected: String,
        got: String,
    },
    Refused {
        error: String,
        description: Option<String>,
    },
    Failed(String),
    CheckFailed {
        name: String,
        detail: String,
    },
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::NotGranted(s) => write!(f, "`{s}` was not granted"),
            Failure::GrantedUnexpectedly(s) => {
                write!(f, "`{s}` was granted; the plan expects it not to be")
            }
            Failure::ClaimMissing(c) => write!(
                f,
                "claim `{c}` is in neither the ID token nor the userinfo response"
            ),
            Failure::ClaimReleased(c) => {
                write!(f, "claim `{c}` was released; the plan expects it absent")
            }
            Failure::ErrorExpected { expected } => write!(
                f,
                "the sign-in succeeded; the plan expects the error `{expected}`"
            ),
            Failure::WrongError { expected, got } => write!(
                f,
                "the server answered `{got}`; the plan expects `{expected}`"
            ),
            Failure::Refused { error, description } => match description {
                Some(d) => write!(f, "the server refused with `{error}`: {d}"),
                None => write!(f, "the server refused with `{error}`"),
            },
            Failure::Failed(message) => write!(f, "the sign-in failed: {message}"),
            Failure::CheckFailed { name, detail } => {
                write!(f, "ID-token check `{name}` failed: {detail}")
            }
        }
    }
}

/// Every expectation of `case` that `observed` does not meet, in the plan's order.
pub fn judge(case: &Case, observed: &Observed<'_>) -> Vec<Failure> {
    let mut failures = Vec::new();
    if let Some(message) = observed.failure {
        failures.push(Failure::Failed(message.to_owned()));
        return failures;
    }
    match (&case.expect_error, observed.error) {
        (Some(expected), None) => failures.push(Failure::ErrorExpected {
            expected: expected.clone(),
        }),
        (Some(expected), Some((got, _))) if got != expected => {
            failures.push(Failure::WrongError {
                expected: expected.clone(),
                got: got.to_owned(),
            });
        }
        (None, Some((error, description))) => failures.push(Failure::Refused {
            error: error.to_owned(),
            description: description.map(str::to_owned),
        }),
        _ => {}
    }
    if observed.error.is_some() {
        // A refused sign-in grants nothing: only the error is judged.
        return failures;
    }
    for scope in &case.expect_granted {
        if !observed.granted.contains(scope) {
            failures.push(Failure::NotGranted(scope.clone()));
        }
    }
    for scope in &case.expect_not_granted {
        if observed.granted.contains(scope) {
            failures.push(Failure::GrantedUnexpectedly(scope.clone()));
        }
    }
    for claim in &case.expect_claims {
        if !observed.claims.contains(claim) {
            failures.push(Failure::ClaimMissing(claim.clone()));
        }
    }
    for claim in &case.expect_absent_claims {
        if observed.claims.contains(claim) {
            failures.push(Failure::ClaimReleased(claim.clone()));
        }
    }
    if case.checks == ChecksMode::MustPass {
        for check in observed.checks {
            if check.result == CheckResult::Fail {
                failures.push(Failure::CheckFailed {
                    name: check.name.clone(),
                    detail: check.detail.clone(),
                });
            }
        }
    }
    failures
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lab::plan::Plan;

    fn case(toml: &str) -> Case {
        Plan::parse(&format!("[[case]]\nname = \"c\"\n{toml}"))
            .unwrap()
            .cases
            .remove(0)
    }

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn a_case_that_gets_what_it_expects_passes() {
        let case = case(
            "scope = \"openid email\"\nexpect_granted = [\"email\"]\nexpect_not_granted = [\"profile\"]\nexpect_claims = [\"email\"]\nexpect_absent_claims = [\"name\"]\n",
        );
        let granted = strings(&["openid", "email"]);
        let claims = strings(&["sub", "email"]);
        let observed = Observed {
            granted: &granted,
            claims: &claims,
            ..Observed::default()
        };
        assert_eq!(judge(&case, &observed), []);
    }

    #[test]
    fn each_unmet_expectation_is_one_failure() {
        let case = case(
            "scope = \"openid email\"\nexpect_granted = [\"email\"]\nexpect_not_granted = [\"profile\"]\nexpect_claims = [\"email\"]\nexpect_absent_claims = [\"name\"]\n",
        );
        let granted = strings(&["openid", "profile"]);
        let claims = strings(&["sub", "name"]);
        let checks = [Check {
            name: "nonce".into(),
            result: CheckResult::Fail,
            detail: "does not match".into(),
        }];
        let observed = Observed {
            granted: &granted,
            claims: &claims,
            checks: &checks,
            ..Observed::default()
        };
        let failures: Vec<String> = judge(&case, &observed)
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            failures,
            [
                "`email` was not granted",
                "`profile` was granted; the plan expects it not to be",
                "claim `email` is in neither the ID token nor the userinfo response",
                "claim `name` was released; the plan expects it absent",
                "ID-token check `nonce` failed: does not match",
            ]
        );
    }

    #[test]
    fn reported_checks_do_not_fail_a_case() {
        let case = case("scope = \"openid\"\nchecks = \"report\"\n");
        let checks = [Check {
            name: "signature".into(),
            result: CheckResult::Fail,
            detail: "bad".into(),
        }];
        let claims: Vec<String> = Vec::new();
        let observed = Observed {
            claims: &claims,
            checks: &checks,
            ..Observed::default()
        };
        assert_eq!(judge(&case, &observed), []);
    }

    #[test]
    fn errors_are_judged_against_the_expected_one() {
        let expects = case("scope = \"openid\"\nexpect_error = \"login_required\"\n");
        let plain = case("scope = \"openid\"\n");
        let claims: Vec<String> = Vec::new();
        let refused = |error| Observed {
            claims: &claims,
            error: Some((error, Some("End-User authentication is required"))),
            ..Observed::default()
        };
        assert_eq!(judge(&expects, &refused("login_required")), []);
        assert_eq!(
            judge(&expects, &refused("consent_required")),
            [Failure::WrongError {
                expected: "login_required".into(),
                got: "consent_required".into()
            }]
        );
        let succeeded = Observed {
            claims: &claims,
            ..Observed::default()
        };
        assert_eq!(
            judge(&expects, &succeeded)[0].to_string(),
            "the sign-in succeeded; the plan expects the error `login_required`"
        );
        assert_eq!(
            judge(&plain, &refused("access_denied"))[0].to_string(),
            "the server refused with `access_denied`: End-User authentication is required"
        );
        let failed = Observed {
            claims: &claims,
            failure: Some("no sign-in response arrived within 300 s"),
            ..Observed::default()
        };
        assert_eq!(
            judge(&expects, &failed),
            [Failure::Failed(
                "no sign-in response arrived within 300 s".into()
            )]
        );
    }
}
