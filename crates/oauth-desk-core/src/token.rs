//! Token responses as real servers send them, and the token set OAuth Desk keeps.
//!
//! Tolerance is the point (RFC 6749 §5.1 as practised): `token_type` in any case, `expires_in`
//! as a number or a string or absent, `scope` space- or comma-separated or a JSON array or
//! absent, JSON or form-encoded bodies (GitHub without `Accept`), unknown fields kept, errors
//! sent with status 200 (GitHub again). Anything that is not an OAuth answer is reported with
//! its status, content type and a redacted excerpt — never a panic.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::http::HttpResponse;
use crate::provider::{Scope, split_scopes};
use crate::redact;
use crate::secret::{AccessToken, IdToken, Nonce, RefreshToken};

/// An OAuth error response (RFC 6749 §5.2), fields kept apart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OAuthError {
    pub error: String,
    pub error_description: Option<String>,
    pub error_uri: Option<String>,
    /// The HTTP status it came with (absent for errors delivered by redirect).
    pub status: Option<u16>,
}

impl std::fmt::Display for OAuthError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.error)?;
        if let Some(d) = &self.error_description {
            write!(f, ": {d}")?;
        }
        if let Some(u) = &self.error_uri {
            write!(f, " (see {u})")?;
        }
        Ok(())
    }
}

impl OAuthError {
    /// Reads `error`, `error_description`, `error_uri` from parsed fields.
    pub fn from_fields(fields: &Map<String, Value>, status: Option<u16>) -> Option<OAuthError> {
        let text = |k: &str| fields.get(k).and_then(Value::as_str).map(str::to_owned);
        Some(OAuthError {
            error: text("error").filter(|e| !e.is_empty())?,
            error_description: text("error_description"),
            error_uri: text("error_uri"),
            status,
        })
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum TokenError {
    #[error("the server refused: {0}")]
    OAuth(OAuthError),
    #[error("the server answered HTTP {status} ({content_type}), not an OAuth response: {excerpt}")]
    NotOAuth {
        status: u16,
        content_type: String,
        excerpt: String,
    },
    #[error("the token response has no access_token (HTTP {status}; fields: {fields})")]
    MissingAccessToken { status: u16, fields: String },
}

/// A successful token response, parsed tolerantly.
#[derive(Debug, Clone)]
pub struct TokenResponse {
    pub access_token: AccessToken,
    /// As the server wrote it (`Bearer`, `bearer`, `DPoP`...).
    pub token_type: String,
    pub expires_in: Option<i64>,
    pub refresh_token: Option<RefreshToken>,
    pub id_token: Option<IdToken>,
    /// `None` when the server did not say (then the grant is as requested, RFC 6749 §5.1).
    pub scope: Option<Vec<String>>,
    /// Every other field, kept for display (`some_user_info`, `user_id`, ...).
    pub extra: Map<String, Value>,
    /// The server's clock (its `Date` header, Unix seconds), for clock-skew hints.
    pub server_date: Option<i64>,
    /// The keys the client proved possession of when it asked (DPoP, mTLS).
    pub presented: Presented,
    /// An opaque sender-constrained token's `cnf`, as introspection told it.
    pub cnf: Option<Map<String, Value>>,
}

/// The keys a client proved possession of at the token endpoint: what a sender-constrained
/// token must be bound to (RFC 9449 `cnf.jkt`, RFC 8705 `cnf.x5t#S256`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Presented {
    /// The DPoP key's JWK thumbprint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dpop_jkt: Option<String>,
    /// The client certificate's SHA-256 thumbprint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub x5t_s256: Option<String>,
}

impl Presented {
    pub fn is_empty(&self) -> bool {
        *self == Presented::default()
    }
}

/// Parses an HTTP `Date` header (RFC 9110 §5.6.7, the IMF-fixdate form).
pub fn parse_http_date(value: &str) -> Option<i64> {
    jiff::fmt::rfc2822::parse(value.trim())
        .ok()
        .map(|z| z.timestamp().as_second())
}

/// Reads the fields of a JSON object or form-encoded body; `None` when it is neither.
pub fn body_fields(response: &HttpResponse) -> Option<Map<String, Value>> {
    let text = std::str::from_utf8(&response.body).ok()?.trim();
    let looks_json = text.starts_with('{');
    if response.content_type_is("json") || looks_json {
        return match serde_json::from_str(text) {
            Ok(Value::Object(map)) => Some(map),
            _ => None,
        };
    }
    let looks_form = !text.is_empty()
        && !text.contains('<')
        && !text.contains(char::is_whitespace)
        && text.contains('=');
    if response.content_type_is("x-www-form-urlencoded")
        || (response.content_type_is("text/plain") && looks_form)
    {
        let map = url::form_urlencoded::parse(text.as_bytes())
            .map(|(k, v)| (k.into_owned(), Value::String(v.into_owned())))
            .collect();
        return Some(map);
    }
    None
}

/// Describes a response that is not an OAuth answer, without leaking its secrets.
pub fn not_oauth(response: &HttpResponse) -> TokenError {
    TokenError::NotOAuth {
        status: response.status,
        content_type: response
            .content_type
            .clone()
            .unwrap_or_else(|| "no content type".into()),
        excerpt: if response.body.is_empty() {
            "empty body".into()
        } else {
            redact::body_excerpt(&response.body, 200)
        },
    }
}

/// Parses a token endpoint response (RFC 6749 §5.1 / §5.2) tolerantly.
pub fn parse_token_response(response: &HttpResponse) -> Result<TokenResponse, TokenError> {
    let Some(mut fields) = body_fields(response) else {
        return Err(not_oauth(response));
    };
    if let Some(error) = OAuthError::from_fields(&fields, Some(response.status)) {
        return Err(TokenError::OAuth(error));
    }
    if !response.is_success() {
        return Err(not_oauth(response));
    }
    let take_string = |fields: &mut Map<String, Value>, key: &str| match fields.remove(key) {
        Some(Value::String(s)) if !s.is_empty() => Some(s),
        Some(other @ Value::String(_)) | Some(other @ Value::Number(_)) => {
            fields.insert(key.to_owned(), other);
            None
        }
        _ => None,
    };
    let Some(access_token) = take_string(&mut fields, "access_token") else {
        let names: Vec<&str> = fields.keys().map(String::as_str).collect();
        return Err(TokenError::MissingAccessToken {
            status: response.status,
            fields: if names.is_empty() {
                "none".into()
            } else {
                names.join(", ")
            },
        });
    };
    let token_type = take_string(&mut fields, "token_type").unwrap_or_else(|| "Bearer".into());
    let expires_in = match fields.remove("expires_in") {
        Some(v) => match crate::jwt::numeric(&v) {
            Some(n) => Some(clamped_lifetime(n)),
            None => {
                // Unreadable: keep it visible rather than guess.
                fields.insert("expires_in".into(), v);
                None
            }
        },
        None => None,
    };
    let scope = match fields.remove("scope") {
        Some(Value::String(s)) => Some(split_scopes(&s)),
        Some(Value::Array(items)) => Some(
            items
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect(),
        ),
        Some(other) => {
            fields.insert("scope".into(), other);
            None
        }
        None => None,
    };
    Ok(TokenResponse {
        access_token: AccessToken::new(access_token),
        token_type,
        expires_in,
        refresh_token: take_string(&mut fields, "refresh_token").map(RefreshToken::new),
        id_token: take_string(&mut fields, "id_token").map(IdToken::new),
        scope,
        extra: fields,
        server_date: response.date.as_deref().and_then(parse_http_date),
        presented: Presented::default(),
        cnf: None,
    })
}

/// Where a stored token set stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum TokenStatus {
    Active,
    /// The refresh token no longer works; a new sign-in is the only way forward.
    SignInNeeded {
        reason: String,
    },
}

/// The grant that produced a token set, which decides how it is renewed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Grant {
    AuthorizationCode,
    RefreshToken,
    ClientCredentials,
    DeviceCode,
    TokenExchange,
    JwtBearer,
    Password,
    /// Tokens straight from the authorization response (implicit, OIDC Core §3.2).
    Implicit,
}

/// The tokens of one provider, as stored in the vault.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TokenSet {
    #[serde(with = "crate::secret::vault_serde")]
    pub access_token: AccessToken,
    pub token_type: String,
    /// Unix seconds; `None` when the server gave no `expires_in` (unknown expiry).
    pub expires_at: Option<i64>,
    /// Unix seconds when the current access token was received.
    pub obtained_at: i64,
    #[serde(default, with = "crate::secret::vault_serde_opt")]
    pub refresh_token: Option<RefreshToken>,
    #[serde(default, with = "crate::secret::vault_serde_opt")]
    pub id_token: Option<IdToken>,
    /// The scope string of the sign-in, exactly as sent.
    pub requested_scope: Scope,
    /// What the server said it granted; `None` = it did not say (granted as requested).
    pub granted_scopes: Option<Vec<String>>,
    #[serde(default)]
    pub extra: Map<String, Value>,
    /// The nonce of the sign-in that produced the ID token, for its validation.
    #[serde(default, with = "crate::secret::vault_serde_opt")]
    pub nonce: Option<Nonce>,
    pub grant: Grant,
    #[serde(default)]
    pub refresh_count: u32,
    /// How many refreshes returned a new refresh token.
    #[serde(default)]
    pub rotations: u32,
    pub status: TokenStatus,
    /// Server clock minus local clock when the tokens were received (from `Date`), seconds.
    #[serde(default)]
    pub server_clock_offset: Option<i64>,
    /// The ID token's `c_hash` verdict, made at sign-in while the code was known.
    #[serde(default)]
    pub c_hash_check: Option<crate::verify::Check>,
    /// The ID token's `at_hash` verdict, made earlier: at sign-in for a front-channel ID
    /// token, or when a refresh replaced the access token it came with and brought no new ID
    /// token (its `at_hash` belongs to that access token, not to the next).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at_hash_check: Option<crate::verify::Check>,
    /// The sign-in's ID token claims a refreshed one must repeat (OIDC Core §12.2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authentication: Option<crate::verify::Authentication>,
    /// The `type`s of the RFC 9396 `authorization_details` the sign-in asked for.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub requested_detail_types: Vec<String>,
    /// The current ID token came from a refresh, not from the sign-in.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub id_token_refreshed: bool,
    /// The tokens kept from the authorization response itself (the browser's URL or a form
    /// post), which RFC 9700 §2.1.2 deprecates.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub front_channel: Vec<TokenKind>,
    /// The last refreshes, oldest first (at most [`HISTORY_LEN`]).
    #[serde(default)]
    pub history: Vec<RefreshRecord>,
    /// The last renewal failed (and the access token may still work): why, and when the keeper
    /// tries again. Cleared by the next successful renewal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_refresh_error: Option<RefreshFailure>,
    /// How to have tokens again when due without a refresh token (an exchange, an assertion).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renewal: Option<crate::grant::Renewal>,
    /// The keys presented when the current access token was issued (DPoP, mTLS).
    #[serde(default, skip_serializing_if = "Presented::is_empty")]
    pub presented: Presented,
    /// The current opaque access token's `cnf` (introspected when it was issued).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cnf: Option<Map<String, Value>>,
    /// The server and client the tokens were obtained for: they are sent nowhere else
    /// (see [`crate::provider::binding`]). `None` for tokens kept before bindings existed,
    /// bound to the provider's settings at their next renewal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bound_to: Option<crate::provider::binding::Binding>,
}

/// A renewal that failed while the tokens stayed usable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RefreshFailure {
    pub message: String,
    /// Unix seconds.
    pub failed_at: i64,
    /// Unix seconds of the keeper's next attempt, when one is scheduled.
    pub next_attempt_at: Option<i64>,
}

pub use crate::token_kind::TokenKind;

/// The longest lifetime believed: ten years. A server's `expires_in` of 2^63 (or a float that
/// reads as one) would otherwise overflow `now + expires_in`, and nothing lasts longer anyway.
pub const MAX_LIFETIME_SECS: i64 = 10 * 365 * 24 * 3600;

/// A lifetime from a server, between zero and [`MAX_LIFETIME_SECS`].
pub fn clamped_lifetime(seconds: i64) -> i64 {
    seconds.clamp(0, MAX_LIFETIME_SECS)
}

/// When a token given at `now` for `seconds` expires, without overflow whatever `seconds` is.
pub fn expiry(now: i64, seconds: i64) -> i64 {
    now.saturating_add(clamped_lifetime(seconds))
}

/// How many refreshes a token set remembers.
pub const HISTORY_LEN: usize = 20;

/// One successful refresh, for the refresh history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RefreshRecord {
    /// Unix seconds.
    pub at: i64,
    /// Lifetime of the new access token, seconds, when the server said.
    pub expires_in: Option<i64>,
    /// The server sent a new refresh token.
    pub rotated: bool,
}

impl TokenSet {
    pub fn from_response(
        response: TokenResponse,
        requested_scope: &Scope,
        grant: Grant,
        nonce: Option<Nonce>,
        now: i64,
    ) -> TokenSet {
        TokenSet {
            server_clock_offset: response.server_date.map(|d| d - now),
            c_hash_check: None,
            at_hash_check: None,
            authentication: response
                .id_token
                .as_ref()
                .and_then(|id| crate::verify::Authentication::of(id.expose())),
            id_token_refreshed: false,
            requested_detail_types: Vec::new(),
            front_channel: Vec::new(),
            expires_at: response.expires_in.map(|s| expiry(now, s)),
            obtained_at: now,
            access_token: response.access_token,
            token_type: response.token_type,
            refresh_token: response.refresh_token,
            id_token: response.id_token,
            requested_scope: requested_scope.clone(),
            granted_scopes: response.scope,
            extra: response.extra,
            nonce,
            grant,
            refresh_count: 0,
            rotations: 0,
            status: TokenStatus::Active,
            history: Vec::new(),
            last_refresh_error: None,
            renewal: None,
            presented: response.presented,
            cnf: response.cnf,
            bound_to: None,
        }
    }

    /// Applies a refresh response (RFC 6749 §6): a missing refresh token means the old one
    /// stays valid; a missing scope means unchanged; a missing ID token keeps the old one
    /// (OIDC Core §12.2), judged against the access token it came with.
    pub fn apply_refresh(&mut self, response: TokenResponse, now: i64) {
        self.take_refreshed_id_token(response.id_token, &response.access_token);
        self.access_token = response.access_token;
        self.token_type = response.token_type;
        self.expires_at = response.expires_in.map(|s| expiry(now, s));
        self.obtained_at = now;
        self.last_refresh_error = None;
        let mut record = RefreshRecord {
            at: now,
            expires_in: response.expires_in,
            rotated: false,
        };
        if let Some(rotated) = response.refresh_token {
            if self
                .refresh_token
                .as_ref()
                .is_none_or(|old| old.expose() != rotated.expose())
            {
                self.rotations += 1;
                record.rotated = true;
            }
            self.refresh_token = Some(rotated);
        }
        if response.scope.is_some() {
            self.granted_scopes = response.scope;
        }
        self.extra.extend(response.extra);
        self.presented = response.presented;
        self.cnf = response.cnf;
        if let Some(date) = response.server_date {
            self.server_clock_offset = Some(date - now);
        }
        self.refresh_count += 1;
        self.status = TokenStatus::Active;
        if self.history.len() >= HISTORY_LEN {
            self.history.remove(0);
        }
        self.history.push(record);
    }

    /// A refresh's ID token, if any, before `new_access` replaces the current access token.
    fn take_refreshed_id_token(&mut self, id_token: Option<IdToken>, new_access: &AccessToken) {
        let Some(old) = &self.id_token else {
            self.id_token = id_token;
            return;
        };
        match id_token {
            Some(id_token) => {
                // A vault from before this was recorded: the kept ID token is the sign-in's.
                if self.authentication.is_none() && !self.id_token_refreshed {
                    self.authentication = crate::verify::Authentication::of(old.expose());
                }
                self.id_token = Some(id_token);
                self.id_token_refreshed = true;
                self.at_hash_check = None;
            }
            None if self.at_hash_check.is_none()
                && new_access.expose() != self.access_token.expose() =>
            {
                self.at_hash_check =
                    crate::verify::at_hash_against(old.expose(), &self.access_token);
            }
            None => {}
        }
    }

    pub fn lifetime(&self) -> Option<i64> {
        self.expires_at.map(|at| at - self.obtained_at)
    }

    /// Seconds before expiry at which a refresh is due: `min(max(30 s, 10 % of the lifetime),
    /// half the lifetime)` — the keeper's margin, capped for very short-lived tokens.
    pub fn refresh_margin(&self) -> Option<i64> {
        self.refresh_margin_with(None)
    }

    /// The margin with a provider's own setting in place of `max(30 s, 10 %)`, still capped at
    /// half the lifetime (a larger margin would renew a fresh token at once, forever).
    pub fn refresh_margin_with(&self, configured: Option<u64>) -> Option<i64> {
        let lifetime = self.lifetime()?.max(0);
        let wanted = configured.map_or((lifetime / 10).max(30), |m| m as i64);
        Some(wanted.min(lifetime / 2))
    }

    /// Whether the access token should be renewed before use. Never due without a known expiry.
    pub fn is_due(&self, now: i64) -> bool {
        self.is_due_with(now, None)
    }

    /// [`TokenSet::is_due`] with a provider's own margin.
    pub fn is_due_with(&self, now: i64, configured_margin: Option<u64>) -> bool {
        match (self.expires_at, self.refresh_margin_with(configured_margin)) {
            (Some(at), Some(margin)) => at - now <= margin,
            _ => false,
        }
    }

    /// Whether the set can be renewed without a person: a refresh token, or a grant that can
    /// simply be made again (client credentials, an exchange, an assertion made again).
    pub fn renewable(&self) -> bool {
        self.refresh_token.is_some()
            || self.grant == Grant::ClientCredentials
            || self.renewal.is_some()
    }

    pub fn is_expired(&self, now: i64) -> bool {
        self.expires_at.is_some_and(|at| at <= now)
    }

    /// Requested versus granted authorization details, by type; `None` when none were asked.
    pub fn details(&self) -> Option<DetailsDiff> {
        (!self.requested_detail_types.is_empty()).then(|| {
            DetailsDiff::new(
                &self.requested_detail_types,
                self.extra.get("authorization_details"),
            )
        })
    }

    pub fn scopes(&self) -> ScopeDiff {
        ScopeDiff::new(
            &self.requested_scope.items(),
            self.granted_scopes.as_deref(),
        )
    }
}

/// Requested versus granted scopes, for QA of consent screens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ScopeDiff {
    pub requested: Vec<String>,
    pub granted: Vec<String>,
    /// Asked for, not given.
    pub not_granted: Vec<String>,
    /// Given without being asked for.
    pub extra_granted: Vec<String>,
    /// False when the server did not list scopes (then granted = requested).
    pub server_listed: bool,
}

impl ScopeDiff {
    pub fn new(requested: &[String], granted: Option<&[String]>) -> ScopeDiff {
        let granted_list = granted.unwrap_or(requested).to_vec();
        ScopeDiff {
            not_granted: requested
                .iter()
                .filter(|s| !granted_list.contains(s))
                .cloned()
                .collect(),
            extra_granted: granted_list
                .iter()
                .filter(|s| !requested.contains(s))
                .cloned()
                .collect(),
            requested: requested.to_vec(),
            granted: granted_list,
            server_listed: granted.is_some(),
        }
    }
}

/// Requested versus granted RFC 9396 authorization details, by `type`. RFC 9396 §7: the
/// token response carries the details granted, so details missing from it were not granted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DetailsDiff {
    pub requested: Vec<String>,
    pub granted: Vec<String>,
    /// Types asked for that no granted detail has.
    pub not_granted: Vec<String>,
    /// False when the response had no `authorization_details` at all.
    pub server_listed: bool,
}

impl DetailsDiff {
    pub fn new(requested: &[String], granted: Option<&Value>) -> DetailsDiff {
        let granted_types = granted
            .map(|v| crate::provider::security::detail_types(&v.to_string()))
            .unwrap_or_default();
        DetailsDiff {
            not_granted: requested
                .iter()
                .filter(|t| !granted_types.contains(t))
                .cloned()
                .collect(),
            requested: requested.to_vec(),
            granted: granted_types,
            server_listed: granted.is_some_and(Value::is_array),
        }
    }
}

#[cfg(test)]
mod tests;
