//! Tokens at the point of use: the headers a request to a resource needs (`headers`), and
//! the request itself (`call`, the app's *Try it*), with a fresh token presented as its
//! provider's tokens need — Bearer, or DPoP with a proof for this method and URL, over a TLS
//! connection that presents the client certificate. A `WWW-Authenticate` challenge in the
//! answer is explained in one sentence, with the sign-in that would satisfy it.

use serde::Serialize;
use url::Url;

use super::error::{InvalidInput, Unsupported};
use super::{Desk, DeskError, agent};
use crate::flow::challenge::{self, Challenge};
use crate::flow::resource::{self, Presenter, ResourceRequest};
use oauth_desk_core::provider::{ProviderRef, Scope, split_scopes};
use oauth_desk_core::secret::Secret;

/// A request to try a token with.
#[derive(Debug, Clone, Default)]
pub struct CallRequest {
    /// `GET` unless set.
    pub method: Option<String>,
    pub url: String,
    /// `Name: value` lines (the token's own headers are set by the engine).
    pub headers: Vec<String>,
    pub body: Option<Secret>,
    /// How much of the answer to read (16 MiB when unset); the rest is cut, and said so.
    pub max_body: Option<usize>,
}

/// What the resource answered.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CallResult {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub content_type: Option<String>,
    /// The body as text (lossy UTF-8).
    pub body: String,
    /// The body re-indented, when it is JSON.
    pub pretty_body: Option<String>,
    /// The body as a window shows it: re-indented when JSON, control characters and the
    /// invisible characters that reorder text escaped.
    pub shown_body: String,
    /// The answer was longer than the limit: `body` is its beginning.
    pub truncated: bool,
    pub elapsed_ms: u64,
    /// How the token went: `Bearer` or `DPoP` (with a proof), and whether a certificate did.
    pub presented_as: String,
    pub client_certificate: bool,
    /// The `WWW-Authenticate` challenge, explained.
    pub challenge: Option<ChallengeView>,
}

impl CallResult {
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

/// A resource's challenge in words, with what would satisfy it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ChallengeView {
    pub scheme: String,
    pub error: Option<String>,
    pub error_description: Option<String>,
    /// One sentence: what the resource wants.
    pub explanation: String,
    pub remedy: Option<Remedy>,
}

/// What would satisfy a challenge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Remedy {
    /// Sign in again, with this scope (exactly as to send) and these extra parameters.
    SignIn {
        scope: Option<String>,
        params: Vec<String>,
    },
    /// Ask for a client-credentials token again, with this scope (the token is the client's:
    /// no sign-in would change it).
    ClientCredentials { scope: Option<String> },
    /// Renew the token (refresh, or sign in when it can't be renewed).
    Renew,
    /// Add a provider made from the resource's metadata (RFC 9728): `url` is the resource's.
    AddFromResource { url: String, metadata: String },
}

impl Desk {
    /// The headers a request to `url` with `method` needs, one `Name: value` per line:
    /// `Authorization: Bearer …`, or `Authorization: DPoP …` and `DPoP: <proof>` (with the
    /// resource's nonce when one is known). From the running keeper when there is one.
    pub async fn resource_headers(
        &self,
        reference: &ProviderRef,
        method: &str,
        url: &str,
    ) -> Result<Secret, DeskError> {
        if !self.serving_agent.load(std::sync::atomic::Ordering::SeqCst) {
            let request = agent::Request::headers(reference, method, url);
            if let Some(answer) = agent::ask(&self.paths.agent_socket, &request).await {
                return answer.into_text().map_err(DeskError::Explained);
            }
        }
        self.resource_headers_here(reference, method, url).await
    }

    pub(in crate::desk) async fn resource_headers_here(
        &self,
        reference: &ProviderRef,
        method: &str,
        url: &str,
    ) -> Result<Secret, DeskError> {
        let url = resource_url(url)?;
        let method = checked_method(method)?;
        let fresh = self.fresh_token_here(reference).await?;
        let dpop = self.resource_dpop(reference, &fresh.token_type).await?;
        let presenter = Presenter {
            token: &fresh.token,
            token_type: &fresh.token_type,
            dpop: dpop.as_ref(),
        };
        let lines: Vec<String> = presenter
            .headers(&method, &url)?
            .into_iter()
            .map(|(n, v)| format!("{}: {}", header_title(n), v.expose()))
            .collect();
        Ok(Secret::new(lines.join("\n")))
    }

    /// The DPoP key to present a `token_type` token with, when it is DPoP-bound.
    async fn resource_dpop(
        &self,
        reference: &ProviderRef,
        token_type: &str,
    ) -> Result<Option<crate::dpop::Dpop>, DeskError> {
        if !token_type.eq_ignore_ascii_case("dpop") {
            return Ok(None);
        }
        let target = self.target(reference).await?;
        let stored = self
            .client_secrets_stored(&target.client_key)
            .await?
            .dpop_key;
        let dpop = self.dpop_key(&target, stored.as_ref()).await?;
        if dpop.is_none() {
            return Err(Unsupported::DpopKeyOff {
                provider: reference.to_string(),
            }
            .into());
        }
        Ok(dpop)
    }

    /// Sends `request` with a fresh token (Bearer or DPoP, the client certificate when the
    /// provider has one) and returns the answer, its challenge explained.
    pub async fn call(
        &self,
        reference: &ProviderRef,
        request: CallRequest,
    ) -> Result<CallResult, DeskError> {
        let url = resource_url(&request.url)?;
        let method = checked_method(request.method.as_deref().unwrap_or("GET"))?;
        let headers = request
            .headers
            .iter()
            .map(|line| parse_header(line))
            .collect::<Result<Vec<_>, _>>()?;
        let fresh = self.fresh_token(reference).await?;
        let context = self.client(reference).await?;
        let dpop = if fresh.token_type.eq_ignore_ascii_case("dpop") {
            context.client.dpop.clone()
        } else {
            None
        };
        let presenter = Presenter {
            token: &fresh.token,
            token_type: &fresh.token_type,
            dpop: dpop.as_ref(),
        };
        let http = context.client.transport(&self.http);
        let response = resource::send(
            &http,
            "call",
            &presenter,
            &url,
            &ResourceRequest {
                method: method.clone(),
                headers,
                body: request.body,
                limit: crate::http::BodyLimit::Cut(
                    request.max_body.unwrap_or(crate::http::MAX_CALL_BODY),
                ),
            },
        )
        .await?;
        let body = String::from_utf8_lossy(&response.body).into_owned();
        let pretty_body = serde_json::from_str::<serde_json::Value>(&body)
            .ok()
            .and_then(|v| serde_json::to_string_pretty(&v).ok());
        let granted = context.tokens.as_ref().map(|t| t.requested_scope.clone());
        let machine = context
            .tokens
            .as_ref()
            .is_some_and(|t| t.grant == oauth_desk_core::token::Grant::ClientCredentials);
        let presented_as = if presenter.uses_dpop() {
            "DPoP"
        } else {
            "Bearer"
        };
        let challenge = (!response.is_success())
            .then(|| {
                explain_challenge(
                    &challenges_of(&response, presented_as),
                    granted.as_ref(),
                    machine,
                )
            })
            .flatten()
            .map(|v| point_to_metadata(v, &response, &url, &context.provider.resource_metadata));
        let shown_body =
            crate::printable::printable_text(pretty_body.as_deref().unwrap_or(&body)).into_owned();
        Ok(CallResult {
            shown_body,
            status: response.status,
            content_type: response.content_type.clone(),
            headers: response.headers.clone(),
            body,
            pretty_body,
            truncated: response.truncated,
            elapsed_ms: response.elapsed.as_millis() as u64,
            presented_as: presented_as.to_owned(),
            client_certificate: context.client.certificate.is_some(),
            challenge,
        })
    }
}

/// A refusal whose challenge names the resource's metadata (RFC 9728 §5.1) that this provider
/// was not made from, and no better reason: the remedy is a provider made from it.
fn point_to_metadata(
    mut view: ChallengeView,
    response: &crate::http::HttpResponse,
    url: &Url,
    made_from: &Option<String>,
) -> ChallengeView {
    let Some(metadata) = response
        .header("www-authenticate")
        .and_then(crate::flow::challenge::resource_metadata)
    else {
        return view;
    };
    let unexplained = matches!(view.error.as_deref(), None | Some("invalid_token"));
    if !unexplained || made_from.as_deref() == Some(metadata.as_str()) {
        return view;
    }
    view.explanation.push_str(&format!(
        " The resource names its metadata, {metadata} (RFC 9728): a provider made from it has the resource's authorization server, resource indicator and scopes."
    ));
    view.remedy = Some(Remedy::AddFromResource {
        url: url.to_string(),
        metadata: metadata.to_string(),
    });
    view
}

/// The resource's challenges: its `WWW-Authenticate`, else the error some resources put in
/// the body only (RFC 6750 §3.1 allows both).
fn challenges_of(response: &crate::http::HttpResponse, presented_as: &str) -> Vec<Challenge> {
    match response.header("www-authenticate") {
        Some(header) => challenge::parse(header),
        None => body_challenge(response, presented_as).into_iter().collect(),
    }
}

fn resource_url(url: &str) -> Result<Url, DeskError> {
    // A fragment never reaches the server (nor the proof's htu): dropped.
    let without_fragment = url.trim().split('#').next().unwrap_or_default();
    let parsed = oauth_desk_core::provider::parse_endpoint("resource URL", without_fragment)?;
    oauth_desk_core::provider::transport::check("resource URL", &parsed, false)?;
    Ok(parsed)
}

fn checked_method(method: &str) -> Result<String, DeskError> {
    let method = method.trim().to_ascii_uppercase();
    if method.is_empty() || !method.bytes().all(|b| b.is_ascii_alphabetic()) {
        return Err(InvalidInput::HttpMethod(method).into());
    }
    Ok(method)
}

/// `Name: value` → the pair; the token's own headers are the engine's to set.
fn parse_header(line: &str) -> Result<(String, String), DeskError> {
    let bad = |why: &'static str| {
        DeskError::from(InvalidInput::Header {
            line: line.to_owned(),
            why,
        })
    };
    let (name, value) = line
        .split_once(':')
        .ok_or_else(|| bad("write it as \"Name: value\""))?;
    let name = name.trim();
    if name.is_empty()
        || !name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_".contains(&b))
    {
        return Err(bad("not a header name"));
    }
    if name.eq_ignore_ascii_case("authorization") || name.eq_ignore_ascii_case("dpop") {
        return Err(bad("the token's headers are set from the provider's token"));
    }
    Ok((name.to_owned(), value.trim().to_owned()))
}

/// An OAuth error in a JSON body, read as the challenge the header would have carried.
fn body_challenge(response: &crate::http::HttpResponse, scheme: &str) -> Option<Challenge> {
    let fields = oauth_desk_core::token::body_fields(response)?;
    let error = fields.get("error")?.as_str()?;
    let mut params = vec![("error".to_owned(), error.to_owned())];
    for name in ["error_description", "scope"] {
        if let Some(value) = fields.get(name).and_then(|v| v.as_str()) {
            params.push((name.to_owned(), value.to_owned()));
        }
    }
    Some(Challenge {
        scheme: scheme.to_owned(),
        params,
    })
}

/// `authorization` → `Authorization`, `dpop` → `DPoP`.
fn header_title(name: &str) -> &'static str {
    match name {
        "dpop" => "DPoP",
        _ => "Authorization",
    }
}

/// The first challenge that says something, in words, with its remedy. `requested` is the
/// scope the current tokens were asked with (a missing scope is added to it); `machine`: they
/// are the client's own (client credentials), so the remedy asks for them again rather than a
/// sign-in.
pub(in crate::desk) fn explain_challenge(
    challenges: &[Challenge],
    requested: Option<&Scope>,
    machine: bool,
) -> Option<ChallengeView> {
    let chosen = challenges
        .iter()
        .find(|c| c.param("error").is_some())
        .or_else(|| challenges.first())?;
    // The resource's words, shown to a person: escaped.
    let shown = |text: &str| crate::printable::printable(text).into_owned();
    let error = chosen.param("error").map(shown);
    let description = chosen.param("error_description").map(shown);
    let because = description
        .as_deref()
        .map(|d| format!(" (the resource says: {d})"))
        .unwrap_or_default();
    let (explanation, remedy) = match error.as_deref() {
        Some("insufficient_scope") => insufficient_scope(chosen, requested, &because),
        Some("insufficient_user_authentication") => step_up(chosen, &because),
        Some("invalid_token") => (
            format!(
                "The resource refused the token as expired, revoked or not meant for it (invalid_token, RFC 6750 §3.1){because}."
            ),
            Some(Remedy::Renew),
        ),
        Some("invalid_dpop_proof") => (
            format!(
                "The resource refused the DPoP proof (invalid_dpop_proof, RFC 9449 §7.1){because}."
            ),
            None,
        ),
        Some("use_dpop_nonce") => (
            format!(
                "The resource still asks for a DPoP nonce after one retry with its nonce (RFC 9449 §9){because}."
            ),
            None,
        ),
        Some("invalid_request") => (
            format!(
                "The resource says the request is malformed (invalid_request, RFC 6750 §3.1){because}."
            ),
            None,
        ),
        Some(other) => (
            format!("The resource answered with the challenge error {other}{because}."),
            None,
        ),
        None => (
            format!(
                "The resource wants {} credentials and gave no reason: the token may be for another resource or audience.",
                chosen.scheme
            ),
            None,
        ),
    };
    let remedy = match remedy {
        Some(Remedy::SignIn { scope, .. }) if machine => Some(Remedy::ClientCredentials { scope }),
        other => other,
    };
    Some(ChallengeView {
        scheme: chosen.scheme.clone(),
        error,
        error_description: description,
        explanation,
        remedy,
    })
}

/// `insufficient_scope` (RFC 6750 §3.1): the scopes asked for before, and the one the
/// resource names, in one new sign-in.
fn insufficient_scope(
    chosen: &Challenge,
    requested: Option<&Scope>,
    because: &str,
) -> (String, Option<Remedy>) {
    let Some(needed) = chosen.param("scope") else {
        return (
            format!(
                "The token lacks a scope the resource needs, and the resource does not name it (insufficient_scope, RFC 6750 §3.1){because}."
            ),
            None,
        );
    };
    let mut scopes = requested.map(Scope::items).unwrap_or_default();
    for s in split_scopes(needed) {
        if !scopes.contains(&s) {
            scopes.push(s);
        }
    }
    (
        format!(
            "The token lacks the scope the resource needs (insufficient_scope, RFC 6750 §3.1): {needed}{because}."
        ),
        Some(Remedy::SignIn {
            scope: Some(scopes.join(" ")),
            params: vec![],
        }),
    )
}

/// `insufficient_user_authentication` (RFC 9470): a sign-in with the `acr_values` and
/// `max_age` the resource asks for.
fn step_up(chosen: &Challenge, because: &str) -> (String, Option<Remedy>) {
    let mut params = Vec::new();
    let mut wants = Vec::new();
    if let Some(acr) = chosen.param("acr_values") {
        params.push(format!("acr_values={acr}"));
        wants.push(format!("authentication level {acr}"));
    }
    if let Some(age) = chosen.param("max_age") {
        params.push(format!("max_age={age}"));
        wants.push(format!("a sign-in at most {age} s old"));
    }
    let wanted = if wants.is_empty() {
        "a stronger or more recent sign-in".to_owned()
    } else {
        wants.join(" and ")
    };
    (
        format!(
            "The resource wants {wanted} (insufficient_user_authentication, RFC 9470 step-up){because}."
        ),
        Some(Remedy::SignIn {
            scope: None,
            params,
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn explain(header: &str, requested: &str) -> ChallengeView {
        explain_challenge(
            &challenge::parse(header),
            Some(&Scope::new(requested)),
            false,
        )
        .unwrap()
    }

    #[test]
    fn a_client_credentials_token_is_asked_for_again_not_signed_in() {
        let view = explain_challenge(
            &challenge::parse(r#"Bearer error="insufficient_scope", scope="api:write""#),
            Some(&Scope::new("api:read")),
            true,
        )
        .unwrap();
        assert_eq!(
            view.remedy,
            Some(Remedy::ClientCredentials {
                scope: Some("api:read api:write".into())
            })
        );
    }

    #[test]
    fn a_missing_scope_is_named_and_added_to_the_sign_in() {
        let view = explain(
            r#"Bearer realm="api", error="insufficient_scope", scope="openid api:write""#,
            "profile openid",
        );
        assert!(
            view.explanation.contains("openid api:write"),
            "{}",
            view.explanation
        );
        assert_eq!(
            view.remedy,
            Some(Remedy::SignIn {
                scope: Some("profile openid api:write".into()),
                params: vec![]
            })
        );
    }

    #[test]
    fn step_up_asks_for_the_acr_and_max_age() {
        let view = explain(
            r#"Bearer error="insufficient_user_authentication", error_description="A different authentication level is required", acr_values="urn:mace:incommon:iap:silver", max_age="5""#,
            "openid",
        );
        assert!(
            view.explanation.contains("RFC 9470"),
            "{}",
            view.explanation
        );
        assert!(view.explanation.contains("different authentication level"));
        assert_eq!(
            view.remedy,
            Some(Remedy::SignIn {
                scope: None,
                params: vec![
                    "acr_values=urn:mace:incommon:iap:silver".into(),
                    "max_age=5".into()
                ]
            })
        );
    }

    #[test]
    fn other_challenges_are_explained() {
        assert_eq!(
            explain(r#"Bearer error="invalid_token""#, "").remedy,
            Some(Remedy::Renew)
        );
        let proof = explain(
            r#"DPoP algs="ES256", error="invalid_dpop_proof", error_description="DPoP proof JWT Replay detected""#,
            "",
        );
        assert!(
            proof.explanation.contains("Replay detected"),
            "{}",
            proof.explanation
        );
        assert!(
            explain(r#"Bearer realm="x""#, "")
                .explanation
                .contains("gave no reason")
        );
    }

    #[test]
    fn headers_are_checked() {
        assert_eq!(
            parse_header("Content-Type: application/json").unwrap(),
            ("Content-Type".into(), "application/json".into())
        );
        assert!(parse_header("no colon").is_err());
        assert!(parse_header("Authorization: Bearer x").is_err());
        assert!(checked_method("get").is_ok());
        assert!(checked_method("GE T").is_err());
    }
}
