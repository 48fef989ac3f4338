//! Tokens from the authorization response itself (implicit, hybrid): an ID token there is
//! bound to this sign-in by its `nonce`, to the access token beside it by `at_hash` and to the
//! code beside it by `c_hash` — OIDC Core §3.2.2.11, §3.2.2.10, §3.3.2.11 require each, so a
//! missing or wrong one refuses the response (a substituted token would otherwise pass).

use super::DeskError;
use crate::flow::FlowError;
use crate::flow::authorize::{AuthorizationError, AuthorizationRequest};
use crate::flow::response::AuthorizationResponse;
use crate::verify::{Check, CheckResult, check_required_half_hash};
use oauth_desk_core::token::{Grant, TokenKind, TokenResponse, TokenSet};

/// The verdicts of a front-channel ID token, kept with the tokens for the checklist.
#[derive(Debug, Default)]
pub(in crate::desk) struct FrontChecks {
    pub at_hash: Option<Check>,
    pub c_hash: Option<Check>,
}

fn refused(reason: String) -> DeskError {
    DeskError::Flow(FlowError::Authorization(
        AuthorizationError::FrontChannelIdToken(reason),
    ))
}

/// Checks the ID token of the authorization response, if it has one.
pub(in crate::desk) fn check(
    request: &AuthorizationRequest,
    response: &AuthorizationResponse,
) -> Result<FrontChecks, DeskError> {
    let Some(id_token) = &response.id_token else {
        return Ok(FrontChecks::default());
    };
    let jwt = oauth_desk_core::jwt::decode(id_token.expose())
        .map_err(|e| refused(format!("is not a JWT ({e})")))?;
    // Mix-up defence (RFC 9207 §2.4): the token's issuer is the one this sign-in went to.
    if let Some(expected) = request.expected_issuer() {
        let iss = jwt.claims.get("iss").and_then(|i| i.as_str());
        if iss.map(|i| i.trim_end_matches('/')) != Some(expected.trim_end_matches('/')) {
            return Err(refused(format!(
                "comes from issuer {iss:?}, not {expected:?} (RFC 9207 §2.4)"
            )));
        }
    }
    let nonce = jwt.claims.get("nonce").and_then(|n| n.as_str());
    match (nonce, &request.nonce) {
        (Some(found), Some(sent)) if sent.matches(found) => {}
        (None, _) => {
            return Err(refused(
                "has no nonce, which OIDC Core §3.2.2.11 requires".into(),
            ));
        }
        _ => return Err(refused("has a nonce that is not this sign-in's".into())),
    }
    let at_hash = response.access_token.as_ref().map(|token| {
        check_required_half_hash(
            "at_hash",
            &jwt,
            Some(token),
            "an ID token issued with an access token in the authorization response",
        )
    });
    let c_hash = response.code.as_ref().map(|code| {
        check_required_half_hash(
            "c_hash",
            &jwt,
            Some(code),
            "an ID token issued with a code in the authorization response (hybrid flow)",
        )
    });
    for check in [&at_hash, &c_hash].into_iter().flatten() {
        if check.result == CheckResult::Fail {
            return Err(refused(check.detail.clone()));
        }
    }
    Ok(FrontChecks { at_hash, c_hash })
}

/// The token set of an implicit response (no code): what the browser brought, flagged so.
/// An `id_token`-only response has no access token: the set holds an empty one, which
/// `token` refuses to hand out.
pub(in crate::desk) fn implicit_tokens(
    request: &AuthorizationRequest,
    response: AuthorizationResponse,
    checks: FrontChecks,
    now: i64,
) -> TokenSet {
    let mut front = Vec::new();
    if response.access_token.is_some() {
        front.push(TokenKind::Access);
    }
    if response.id_token.is_some() {
        front.push(TokenKind::Id);
    }
    let has_access = response.access_token.is_some();
    let parsed = TokenResponse {
        presented: Default::default(),
        cnf: None,
        access_token: response
            .access_token
            .unwrap_or_else(|| oauth_desk_core::secret::AccessToken::new("")),
        token_type: response
            .token_type
            .unwrap_or_else(|| if has_access { "Bearer" } else { "none" }.into()),
        expires_in: response.expires_in,
        refresh_token: None,
        id_token: response.id_token,
        scope: response.scope.map(|s| {
            s.split(' ')
                .filter(|w| !w.is_empty())
                .map(str::to_owned)
                .collect()
        }),
        extra: serde_json::Map::new(),
        server_date: None,
    };
    let mut tokens = TokenSet::from_response(
        parsed,
        &request.scope,
        Grant::Implicit,
        request.nonce.clone(),
        now,
    );
    tokens.front_channel = front;
    tokens.at_hash_check = checks.at_hash;
    tokens
}
