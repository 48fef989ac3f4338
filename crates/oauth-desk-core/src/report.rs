//! What `show` tells about a provider's tokens: status, expiry, decoded JWTs, ID-token checks,
//! scopes requested versus granted. One serialisable model, the `show --json` format, which
//! the CLI also renders as text and the desktop app will display. Token values are included
//! only when revealed.

use serde::Serialize;
use serde_json::{Map, Value};

use crate::jwt;
use crate::provider::Provider;
use crate::secret::{IdToken, RefreshToken, Secret};
use crate::token::{DetailsDiff, ScopeDiff, TokenSet, TokenStatus};
use crate::verify::{Check, DEFAULT_SKEW_SECS, Expected, check_id_token, check_signature};
use jsonwebtoken::jwk::JwkSet;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Status {
    SignedIn,
    NotSignedIn,
    SignInNeeded,
    Error,
}

impl Status {
    /// Where a token set stands, with the reason when a sign-in is needed: the cheap part of a
    /// report (no decoding, no signature checks), for glances such as the tray's.
    pub fn of(tokens: Option<&TokenSet>) -> (Status, Option<String>) {
        match tokens.map(|t| &t.status) {
            None => (Status::NotSignedIn, None),
            Some(TokenStatus::Active) => (Status::SignedIn, None),
            Some(TokenStatus::SignInNeeded { reason }) => {
                (Status::SignInNeeded, Some(reason.clone()))
            }
        }
    }
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Report {
    pub provider: String,
    /// The identity whose tokens these are (`null`: the provider's default identity).
    pub identity: Option<String>,
    /// The project environment they belong to, for a project's provider.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub environment: Option<String>,
    /// The project file, for a project's provider.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub project: Option<String>,
    pub status: Status,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status_detail: Option<String>,
    pub issuer: Option<String>,
    pub client_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub access_token: Option<AccessTokenReport>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<RefreshTokenReport>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id_token: Option<IdTokenReport>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scopes: Option<ScopeDiff>,
    /// Fields of the token response OAuth Desk has no name for, as the server sent them.
    #[serde(skip_serializing_if = "Map::is_empty")]
    pub extra: Map<String, Value>,
    /// The rich authorization the server granted (RFC 9396 §7), from the token response.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(type = "unknown"))]
    pub authorization_details: Option<Value>,
    /// The authorization details' types asked for versus granted, when some were asked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub details: Option<DetailsDiff>,
    /// Server clock versus this machine's, when the server sent a `Date`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub clock: Option<ClockReport>,
    /// The last background renewal failed while the tokens stayed usable: why, and when the
    /// next attempt is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_refresh_error: Option<crate::token::RefreshFailure>,
    /// Endpoints that travel in plain http off loopback (the provider allowed them): a warning.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub insecure_transport: Vec<String>,
    /// Tokens that came through the front channel (implicit or hybrid), with why that matters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub front_channel: Option<FrontChannelReport>,
    /// When the report was made (Unix seconds), for `expires_in`.
    pub now: i64,
    #[serde(skip)]
    secrets: Secrets,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FrontChannelReport {
    pub tokens: Vec<crate::token::TokenKind>,
    pub note: String,
}

/// The one sentence every front end shows beside front-channel tokens.
pub const FRONT_CHANNEL_NOTE: &str = "came through the front channel (the browser's URL or a form post), where they can leak through history, logs and referrers; RFC 9700 §2.1.2 deprecates the implicit grant — use the code flow with PKCE";

/// The token values, held back until [`Report::reveal`]; `Secret` keeps them out of `Debug`.
#[derive(Debug, Clone, Default)]
struct Secrets {
    access: Option<Secret>,
    refresh: Option<Secret>,
    id: Option<Secret>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ClockReport {
    /// Server clock minus local clock, seconds.
    pub server_offset_secs: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub warning: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AccessTokenReport {
    /// `jwt` or `opaque`.
    pub format: &'static str,
    pub token_type: String,
    pub expires_at: Option<i64>,
    /// Seconds left (negative once expired); `null` when the expiry is unknown.
    pub expires_in: Option<i64>,
    pub lifetime: Option<i64>,
    pub obtained_at: i64,
    pub expired: bool,
    /// Who the token is for: a JWT access token's `aud` (RFC 9068), as a list (empty when
    /// the token is opaque or names none).
    pub audience: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub header: Option<Map<String, Value>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub claims: Option<Map<String, Value>>,
    /// The claims that are times, to be shown as such (see [`jwt::TIME_CLAIMS`]).
    pub time_claims: Vec<String>,
    /// For a JWT access token (RFC 9068): its signature against the provider's JWKS.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signature: Option<Check>,
    /// The token's confirmation (RFC 7800 `cnf`: `jkt` for DPoP, `x5t#S256` for mTLS), from
    /// the JWT or, for an opaque token, from introspection when it was issued.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(type = "Record<string, unknown> | null"))]
    pub cnf: Option<Map<String, Value>>,
    /// What the token is bound to (DPoP key, client certificate), checked against ours
    /// (empty for a Bearer token no key was presented for).
    pub binding: Vec<Binding>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

/// A sender constraint: the key the client proved and what the token is bound to.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Binding {
    /// `DPoP` (RFC 9449) or `mTLS` (RFC 8705).
    pub kind: String,
    /// Our key's thumbprint: the DPoP key's JWK thumbprint, the certificate's SHA-256.
    pub ours: String,
    /// The token's `cnf.jkt` / `cnf.x5t#S256`, when known.
    pub bound_to: Option<String>,
    pub check: Check,
}

/// The bindings of `tokens` given their `cnf`, each checked against what was presented.
fn bindings(tokens: &TokenSet, cnf: Option<&Map<String, Value>>) -> Vec<Binding> {
    use crate::verify::CheckResult;
    let member = |name: &str| {
        cnf.and_then(|c| c.get(name))
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    let verdict = |name: &str, result: CheckResult, detail: String| Check {
        name: name.to_owned(),
        result,
        detail,
    };
    let mut out = Vec::new();
    if let Some(ours) = &tokens.presented.dpop_jkt {
        let bound_to = member("jkt");
        let check = match &bound_to {
            Some(jkt) if jkt == ours => verdict(
                "DPoP binding",
                CheckResult::Pass,
                format!("cnf.jkt is this provider's DPoP key ({ours})"),
            ),
            Some(jkt) => verdict(
                "DPoP binding",
                CheckResult::Fail,
                format!("cnf.jkt {jkt} is another key than this provider's ({ours})"),
            ),
            None if !tokens.token_type.eq_ignore_ascii_case("dpop") => verdict(
                "DPoP binding",
                CheckResult::Fail,
                format!(
                    "the server answered a DPoP proof with a {} token: it is not bound to the key (RFC 9449 §5)",
                    tokens.token_type
                ),
            ),
            None => verdict(
                "DPoP binding",
                CheckResult::Skip,
                "token_type is DPoP, but the token is opaque and its cnf could not be read (no introspection for this client)".into(),
            ),
        };
        out.push(Binding {
            kind: "DPoP".into(),
            ours: ours.clone(),
            bound_to,
            check,
        });
    }
    if let Some(ours) = &tokens.presented.x5t_s256 {
        let bound_to = member("x5t#S256");
        let check = match &bound_to {
            Some(x5t) if x5t == ours => verdict(
                "certificate binding",
                CheckResult::Pass,
                format!("cnf.x5t#S256 is this provider's client certificate ({ours})"),
            ),
            Some(x5t) => verdict(
                "certificate binding",
                CheckResult::Fail,
                format!("cnf.x5t#S256 {x5t} is another certificate than this provider's ({ours})"),
            ),
            None => verdict(
                "certificate binding",
                CheckResult::Skip,
                "the token names no certificate (not certificate-bound, or opaque and not introspectable)".into(),
            ),
        };
        out.push(Binding {
            kind: "mTLS".into(),
            ours: ours.clone(),
            bound_to,
            check,
        });
    }
    out
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RefreshTokenReport {
    pub present: bool,
    pub refresh_count: u32,
    pub rotations: u32,
    /// The last refreshes, oldest first.
    pub history: Vec<crate::token::RefreshRecord>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct IdTokenReport {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub header: Option<Map<String, Value>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub claims: Option<Map<String, Value>>,
    /// The claims that are times, to be shown as such (see [`jwt::TIME_CLAIMS`]).
    pub time_claims: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    pub checks: Vec<Check>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

/// The access token as `show` reports it: decoded when a JWT, its signature checked, its
/// lifetime, audience and binding.
fn access_token_report(
    tokens: &TokenSet,
    keys: Option<&JwkSet>,
    client_secret: Option<&Secret>,
    now: i64,
) -> AccessTokenReport {
    let decoded = jwt::decode(tokens.access_token.expose()).ok();
    let signature = decoded
        .as_ref()
        .map(|d| check_signature(tokens.access_token.expose(), d, keys, client_secret));
    let cnf = decoded
        .as_ref()
        .and_then(|d| d.claims.get("cnf"))
        .and_then(Value::as_object)
        .cloned()
        .or_else(|| tokens.cnf.clone());
    AccessTokenReport {
        signature,
        format: if decoded.is_some() { "jwt" } else { "opaque" },
        token_type: tokens.token_type.clone(),
        expires_at: tokens.expires_at,
        expires_in: tokens.expires_at.map(|at| at - now),
        lifetime: tokens.lifetime(),
        obtained_at: tokens.obtained_at,
        expired: tokens.is_expired(now),
        audience: decoded
            .as_ref()
            .and_then(|d| d.claims.get("aud"))
            .map(|aud| match aud {
                Value::String(one) => vec![one.clone()],
                Value::Array(many) => many
                    .iter()
                    .filter_map(|a| a.as_str().map(str::to_owned))
                    .collect(),
                _ => Vec::new(),
            })
            .unwrap_or_default(),
        cnf: cnf.clone(),
        binding: bindings(tokens, cnf.as_ref()),
        header: decoded.as_ref().map(|d| d.header.clone()),
        time_claims: decoded
            .as_ref()
            .map(|d| jwt::time_claims(&d.claims))
            .unwrap_or_default(),
        claims: decoded.map(|d| d.claims),
        value: None,
    }
}

/// The ID token decoded, with its checklist (OIDC Core §3.1.3.7).
fn id_token_report(
    id: &IdToken,
    provider: &Provider,
    tokens: &TokenSet,
    keys: Option<&JwkSet>,
    client_secret: Option<&Secret>,
    now: i64,
) -> IdTokenReport {
    match jwt::decode(id.expose()) {
        Ok(decoded) => {
            let checks = check_id_token(
                id.expose(),
                &decoded,
                &Expected {
                    issuer: provider.issuer.as_ref().map(|i| i.as_str()),
                    client_id: provider.client_id.as_str(),
                    nonce: tokens.nonce.as_ref(),
                    now,
                    skew: DEFAULT_SKEW_SECS,
                    keys,
                    client_secret,
                    access_token: Some(&tokens.access_token),
                    c_hash: tokens.c_hash_check.as_ref(),
                    at_hash: tokens.at_hash_check.as_ref(),
                    refreshed_from: tokens
                        .id_token_refreshed
                        .then_some(tokens.authentication.as_ref())
                        .flatten(),
                },
            );
            IdTokenReport {
                time_claims: jwt::time_claims(&decoded.claims),
                header: Some(decoded.header),
                claims: Some(decoded.claims),
                error: None,
                checks,
                value: None,
            }
        }
        Err(e) => IdTokenReport {
            header: None,
            claims: None,
            time_claims: Vec::new(),
            error: Some(e.to_string()),
            checks: vec![],
            value: None,
        },
    }
}

/// The server's clock, from its Date header, or else from the ID token's iat against the
/// moment the token arrived (on the first sign-in only: a refresh keeps the old ID token).
fn clock_report(id_token: Option<&IdTokenReport>, tokens: &TokenSet) -> Option<ClockReport> {
    let iat_offset = id_token
        .and_then(|id| id.claims.as_ref())
        .and_then(|c| c.get("iat"))
        .and_then(jwt::numeric)
        .filter(|_| tokens.refresh_count == 0)
        .map(|iat| iat - tokens.obtained_at);
    tokens
        .server_clock_offset
        .or(iat_offset)
        .map(|offset| ClockReport {
            server_offset_secs: offset,
            warning: clock_skew(offset),
        })
}

impl Report {
    pub fn build(
        provider: &Provider,
        tokens: Option<&TokenSet>,
        keys: Option<&JwkSet>,
        client_secret: Option<&Secret>,
        now: i64,
    ) -> Report {
        let mut report = Report {
            provider: provider.name.to_string(),
            identity: None,
            environment: None,
            project: None,
            status: Status::NotSignedIn,
            status_detail: None,
            issuer: provider.issuer.as_ref().map(ToString::to_string),
            client_id: provider.client_id.to_string(),
            access_token: None,
            refresh_token: None,
            id_token: None,
            scopes: None,
            extra: Map::new(),
            authorization_details: None,
            details: None,
            clock: None,
            last_refresh_error: None,
            insecure_transport: provider.insecure_endpoints(),
            front_channel: None,
            now,
            secrets: Secrets::default(),
        };
        let Some(tokens) = tokens else {
            return report;
        };
        (report.status, report.status_detail) = Status::of(Some(tokens));
        report.last_refresh_error = tokens.last_refresh_error.clone();
        if !tokens.front_channel.is_empty() {
            report.front_channel = Some(FrontChannelReport {
                tokens: tokens.front_channel.clone(),
                note: FRONT_CHANNEL_NOTE.to_owned(),
            });
        }
        report.access_token = Some(access_token_report(tokens, keys, client_secret, now));
        report.refresh_token = Some(RefreshTokenReport {
            present: tokens.refresh_token.is_some(),
            refresh_count: tokens.refresh_count,
            rotations: tokens.rotations,
            history: tokens.history.clone(),
            value: None,
        });
        report.id_token = tokens
            .id_token
            .as_ref()
            .map(|id| id_token_report(id, provider, tokens, keys, client_secret, now));
        report.scopes = Some(tokens.scopes());
        report.clock = clock_report(report.id_token.as_ref(), tokens);
        report.extra = tokens.extra.clone();
        report.authorization_details = report.extra.remove("authorization_details");
        report.details = tokens.details();
        report.secrets = Secrets {
            access: Some(tokens.access_token.clone().into_secret()),
            refresh: tokens.refresh_token.clone().map(RefreshToken::into_secret),
            id: tokens.id_token.clone().map(IdToken::into_secret),
        };
        report
    }

    /// Puts the token values into the report (`show --reveal`).
    pub fn reveal(&mut self) {
        let secrets = std::mem::take(&mut self.secrets);
        let expose = |s: Option<Secret>| s.map(|s| s.expose().to_owned());
        if let Some(a) = self.access_token.as_mut() {
            a.value = expose(secrets.access);
        }
        if let Some(r) = self.refresh_token.as_mut() {
            r.value = expose(secrets.refresh);
        }
        if let Some(i) = self.id_token.as_mut() {
            i.value = expose(secrets.id);
        }
    }
}

/// A sentence about a large clock difference, if there is one.
fn clock_skew(offset_secs: i64) -> Option<String> {
    (offset_secs.abs() > 30).then(|| {
        format!(
            "The server's clock is {} s {} this machine's: token times may look wrong and strict validators reject tokens; check the clock (NTP).",
            offset_secs.abs(),
            if offset_secs > 0 { "ahead of" } else { "behind" }
        )
    })
}

#[cfg(test)]
mod tests {
    use super::clock_skew;

    #[test]
    fn only_a_large_clock_difference_is_worth_a_sentence() {
        assert_eq!(clock_skew(10), None);
        assert!(clock_skew(-120).unwrap().contains("behind"));
    }
}
