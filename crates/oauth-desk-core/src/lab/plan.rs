//! A consent test plan: TOML cases, each a sign-in with its scopes, parameters and the
//! expectations its result is judged against. Read strictly — an unknown key, a duplicate
//! name, an empty scope or a contradiction is an error naming its line, before anything runs.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use toml::Spanned;

use super::LabError;
use crate::lines::line_of;
use crate::provider::RESERVED_PARAMS;

/// How a case gets its tokens.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum CaseGrant {
    /// The authorization-code flow in a fresh browser session.
    #[default]
    Code,
    /// The device authorization grant (RFC 8628): headless QA.
    Device,
    /// The client credentials grant: machine scopes, no person.
    ClientCredentials,
}

impl CaseGrant {
    pub fn title(self) -> &'static str {
        match self {
            CaseGrant::Code => "authorization code",
            CaseGrant::Device => "device",
            CaseGrant::ClientCredentials => "client credentials",
        }
    }
}

/// What a failed ID-token check does to a case.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum ChecksMode {
    /// A failed check fails the case.
    #[default]
    MustPass,
    /// Checks are recorded only.
    Report,
}

/// One case of a plan, validated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Case {
    pub name: String,
    pub scope: String,
    pub grant: CaseGrant,
    pub checks: ChecksMode,
    /// Extra authorization parameters, in the plan's order.
    pub params: Vec<(String, String)>,
    pub expect_granted: Vec<String>,
    pub expect_not_granted: Vec<String>,
    pub expect_claims: Vec<String>,
    pub expect_absent_claims: Vec<String>,
    pub expect_error: Option<String>,
    /// The identity whose login hint the case's sign-in sends (default: the run's).
    #[serde(default)]
    pub identity: Option<String>,
}

impl Case {
    /// The requested scopes, one per item (spaces or commas between them).
    pub fn scopes(&self) -> Vec<String> {
        self.scope
            .split([' ', ','])
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect()
    }

    /// The case's authorization parameters as `key=value`, for a sign-in.
    pub fn sign_in_params(&self) -> Vec<crate::provider::Param> {
        self.params
            .iter()
            .map(|(k, v)| crate::provider::Param(k.clone(), v.clone()))
            .collect()
    }
}

/// A validated plan: at least one case, names unique.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Plan {
    pub cases: Vec<Case>,
}

/// A plan to start from (the app's Lab tab for a provider without one, `lab --example`).
pub const EXAMPLE_PLAN: &str = r#"# A consent test plan: each case is a sign-in with a fresh session.
# Keys: name, scope, grant ("code" | "device" | "client_credentials"), params,
# checks ("must_pass" | "report"), expect_granted, expect_not_granted,
# expect_claims, expect_absent_claims, expect_error, identity (sign in as it: its login hint).

[[case]]
name = "profile releases the name"
scope = "openid profile"
expect_granted = ["openid", "profile"]
expect_claims = ["name"]
expect_absent_claims = ["email"]

[[case]]
name = "email only"
scope = "openid email"
expect_granted = ["openid", "email"]
expect_not_granted = ["profile"]
expect_claims = ["email"]
expect_absent_claims = ["name"]

[[case]]
name = "silent sign-in needs a session"
scope = "openid"
params = { prompt = "none" }
expect_error = "login_required"
"#;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPlan {
    #[serde(default)]
    case: Vec<Spanned<RawCase>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCase {
    name: Spanned<String>,
    scope: Spanned<String>,
    #[serde(default)]
    grant: CaseGrant,
    #[serde(default)]
    checks: ChecksMode,
    #[serde(default)]
    params: Option<Spanned<toml::Table>>,
    #[serde(default)]
    expect_granted: Vec<String>,
    #[serde(default)]
    expect_not_granted: Vec<String>,
    #[serde(default)]
    expect_claims: Vec<String>,
    #[serde(default)]
    expect_absent_claims: Vec<String>,
    #[serde(default)]
    expect_error: Option<Spanned<String>>,
    #[serde(default)]
    identity: Option<Spanned<String>>,
}

impl Plan {
    /// Reads and checks a plan; every error names the line it is about.
    pub fn parse(text: &str) -> Result<Plan, LabError> {
        let raw: RawPlan = toml::from_str(text).map_err(|e| LabError::Plan {
            line: e.span().map(|s| line_of(text, s.start)),
            message: e.message().trim().to_owned(),
        })?;
        if raw.case.is_empty() {
            return Err(LabError::Plan {
                line: None,
                message: "the plan has no cases: add a [[case]] with a name and a scope".into(),
            });
        }
        let mut names = BTreeSet::new();
        let mut cases = Vec::with_capacity(raw.case.len());
        for raw in raw.case {
            cases.push(read_case(text, raw, &mut names)?);
        }
        Ok(Plan { cases })
    }

    /// The case named `name`.
    pub fn case(&self, name: &str) -> Option<&Case> {
        self.cases.iter().find(|c| c.name == name)
    }
}

/// The plan's text, to place an error at the line of the key it is about.
#[derive(Clone, Copy)]
struct Lines<'a>(&'a str);

impl Lines<'_> {
    fn at(self, span: std::ops::Range<usize>, message: String) -> LabError {
        LabError::Plan {
            line: Some(line_of(self.0, span.start)),
            message,
        }
    }
}

/// One `[[case]]`, checked; `names` are the cases read before it.
fn read_case(
    text: &str,
    raw: Spanned<RawCase>,
    names: &mut BTreeSet<String>,
) -> Result<Case, LabError> {
    let lines = Lines(text);
    let case_span = raw.span();
    let raw = raw.into_inner();
    let name = raw.name.get_ref().trim().to_owned();
    if name.is_empty() {
        return Err(lines.at(raw.name.span(), "a case's name may not be empty".into()));
    }
    if !names.insert(name.clone()) {
        return Err(lines.at(
            raw.name.span(),
            format!("the case name {name:?} is used twice; names must be unique"),
        ));
    }
    let scope = raw.scope.get_ref().trim().to_owned();
    if scope.is_empty() {
        return Err(lines.at(
            raw.scope.span(),
            format!("case {name:?} has an empty scope"),
        ));
    }
    let params = match raw.params {
        Some(table) => case_params(lines, &name, raw.grant, table)?,
        None => Vec::new(),
    };
    let expect_error = match raw.expect_error {
        Some(e) if e.get_ref().trim().is_empty() => {
            return Err(lines.at(
                e.span(),
                format!(
                    "case {name:?}: expect_error is empty; name the OAuth error, e.g. \"access_denied\""
                ),
            ));
        }
        Some(e) => Some(e.into_inner().trim().to_owned()),
        None => None,
    };
    let identity = match raw.identity {
        Some(id) => Some(case_identity(lines, &name, raw.grant, id)?),
        None => None,
    };
    let case = Case {
        identity,
        name,
        scope,
        grant: raw.grant,
        checks: raw.checks,
        params,
        expect_granted: raw.expect_granted,
        expect_not_granted: raw.expect_not_granted,
        expect_claims: raw.expect_claims,
        expect_absent_claims: raw.expect_absent_claims,
        expect_error,
    };
    if let Some(message) = contradiction(&case) {
        return Err(lines.at(case_span, message));
    }
    Ok(case)
}

/// A case's `params`: authorization parameters, so only for a code case, none that OAuth
/// Desk sets itself, each a string or a number.
fn case_params(
    lines: Lines<'_>,
    name: &str,
    grant: CaseGrant,
    table: Spanned<toml::Table>,
) -> Result<Vec<(String, String)>, LabError> {
    let span = table.span();
    if grant != CaseGrant::Code && !table.get_ref().is_empty() {
        return Err(lines.at(
            span,
            format!(
                "case {name:?}: params are authorization parameters, and a {} case has no authorization request",
                grant.title()
            ),
        ));
    }
    let mut params = Vec::new();
    for (key, value) in table.into_inner() {
        if RESERVED_PARAMS.contains(&key.as_str()) {
            return Err(lines.at(
                span.clone(),
                format!(
                    "case {name:?}: {key} is set by OAuth Desk itself (the case's scope goes in `scope`)"
                ),
            ));
        }
        let value = match value {
            toml::Value::String(s) => s,
            toml::Value::Integer(i) => i.to_string(),
            toml::Value::Boolean(b) => b.to_string(),
            other => {
                return Err(lines.at(
                    span.clone(),
                    format!(
                        "case {name:?}: parameter {key} must be a string or a number, not {}",
                        other.type_str()
                    ),
                ));
            }
        };
        params.push((key, value));
    }
    Ok(params)
}

/// A case's `identity`: a valid identity name, and only for a grant that signs someone in.
fn case_identity(
    lines: Lines<'_>,
    name: &str,
    grant: CaseGrant,
    id: Spanned<String>,
) -> Result<String, LabError> {
    let span = id.span();
    let parsed: crate::provider::IdentityName =
        id.into_inner()
            .parse()
            .map_err(|e: crate::provider::ProviderError| {
                lines.at(span.clone(), format!("case {name:?}: {e}"))
            })?;
    if grant == CaseGrant::ClientCredentials {
        return Err(lines.at(
            span,
            format!(
                "case {name:?}: a client credentials case signs no one in, so it has no identity"
            ),
        ));
    }
    Ok(parsed.to_string())
}

/// Expectations no result could meet.
fn contradiction(case: &Case) -> Option<String> {
    let name = &case.name;
    if let Some(s) = case
        .expect_granted
        .iter()
        .find(|s| case.expect_not_granted.contains(s))
    {
        return Some(format!(
            "case {name:?} expects {s:?} both granted and not granted"
        ));
    }
    if let Some(c) = case
        .expect_claims
        .iter()
        .find(|c| case.expect_absent_claims.contains(c))
    {
        return Some(format!(
            "case {name:?} expects the claim {c:?} both present and absent"
        ));
    }
    if case.expect_error.is_some()
        && !(case.expect_granted.is_empty() && case.expect_claims.is_empty())
    {
        return Some(format!(
            "case {name:?} expects an error and also grants or claims; a refused sign-in grants nothing"
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error_of(text: &str) -> (Option<usize>, String) {
        match Plan::parse(text) {
            Err(LabError::Plan { line, message }) => (line, message),
            other => panic!("expected a plan error, got {other:?}"),
        }
    }

    #[test]
    fn the_example_plan_reads() {
        let plan = Plan::parse(EXAMPLE_PLAN).unwrap();
        assert_eq!(plan.cases.len(), 3);
        let silent = plan.case("silent sign-in needs a session").unwrap();
        assert_eq!(silent.params, [("prompt".into(), "none".into())]);
        assert_eq!(silent.expect_error.as_deref(), Some("login_required"));
        assert_eq!(silent.grant, CaseGrant::Code);
        assert_eq!(silent.checks, ChecksMode::MustPass);
        assert_eq!(
            plan.cases[1].scopes(),
            ["openid".to_owned(), "email".to_owned()]
        );
    }

    #[test]
    fn grants_checks_and_numbers_in_params() {
        let plan = Plan::parse(
            "[[case]]\nname = \"m\"\nscope = \"api:read\"\ngrant = \"client_credentials\"\nchecks = \"report\"\n\
             [[case]]\nname = \"age\"\nscope = \"openid\"\nparams = { max_age = 0, prompt = \"login\" }\n",
        )
        .unwrap();
        assert_eq!(plan.cases[0].grant, CaseGrant::ClientCredentials);
        assert_eq!(plan.cases[0].checks, ChecksMode::Report);
        assert_eq!(
            plan.cases[1].sign_in_params(),
            [
                crate::provider::Param("max_age".into(), "0".into()),
                crate::provider::Param("prompt".into(), "login".into())
            ]
        );
    }

    #[test]
    fn an_unknown_key_names_its_line() {
        let (line, message) =
            error_of("[[case]]\nname = \"a\"\nscope = \"openid\"\nexpect_grant = [\"openid\"]\n");
        assert_eq!(line, Some(4), "{message}");
        assert!(message.contains("expect_grant"), "{message}");
    }

    #[test]
    fn a_duplicate_name_names_the_second_line() {
        let (line, message) = error_of(
            "[[case]]\nname = \"a\"\nscope = \"openid\"\n\n[[case]]\nname = \"a\"\nscope = \"openid email\"\n",
        );
        assert_eq!(line, Some(6));
        assert!(message.contains("used twice"), "{message}");
    }

    #[test]
    fn an_empty_scope_names_its_line() {
        let (line, message) = error_of("[[case]]\nname = \"a\"\nscope = \"  \"\n");
        assert_eq!(line, Some(3));
        assert!(message.contains("empty scope"), "{message}");
    }

    #[test]
    fn malformed_toml_names_its_line() {
        let (line, _) = error_of("[[case]]\nname = \"a\"\nscope = \"openid\n");
        assert_eq!(line, Some(3));
        let (line, message) = error_of("[[case]]\nscope = \"openid\"\n");
        assert_eq!(line, Some(1), "a case without a name: {message}");
        assert!(message.contains("name"), "{message}");
    }

    #[test]
    fn no_cases_and_contradictions_are_refused() {
        assert!(error_of("# nothing\n").1.contains("no cases"));
        let (line, message) = error_of(
            "[[case]]\nname = \"a\"\nscope = \"openid\"\nexpect_granted = [\"x\"]\nexpect_not_granted = [\"x\"]\n",
        );
        assert_eq!(line, Some(1));
        assert!(
            message.contains("both granted and not granted"),
            "{message}"
        );
        assert!(
            error_of("[[case]]\nname = \"a\"\nscope = \"openid\"\nexpect_error = \"access_denied\"\nexpect_claims = [\"email\"]\n")
                .1
                .contains("refused sign-in grants nothing")
        );
        assert!(
            error_of("[[case]]\nname = \"a\"\nscope = \"x\"\ngrant = \"device\"\nparams = { prompt = \"login\" }\n")
                .1
                .contains("no authorization request")
        );
        assert!(
            error_of("[[case]]\nname = \"a\"\nscope = \"x\"\nparams = { state = \"1\" }\n")
                .1
                .contains("set by OAuth Desk")
        );
        assert!(
            error_of("[[case]]\nname = \"a\"\nscope = \"x\"\ngrant = \"implicit\"\n")
                .1
                .contains("implicit")
        );
    }
}
