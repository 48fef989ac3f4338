//! A provider's security profile: how the authorization request travels (pushed, RFC 9126;
//! as a signed request object, RFC 9101), whether tokens are bound to a DPoP key (RFC 9449),
//! what rich authorization is asked for (RFC 9396) — and what discovery says the server
//! supports or requires, which the defaults and the app's form follow.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use url::Url;

use super::ProviderError;

/// When to push the authorization request (RFC 9126).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum ParMode {
    /// When the server requires it (metadata), or refuses a plain request asking for it.
    #[default]
    Auto,
    On,
    Off,
}

/// Whether the authorization request is sent as a signed request object (RFC 9101).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum RequestObjectMode {
    #[default]
    Off,
    /// Signed with the client's private key, or HS256 with the client secret.
    Signed,
}

/// The `aud` of the client's assertions (`private_key_jwt`, `client_secret_jwt`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum AssertionAudience {
    /// The issuer identifier, alone (draft-ietf-oauth-rfc7523bis, after the 2025 audience
    /// injection advisory); the token endpoint for a provider without an issuer.
    #[default]
    Issuer,
    /// The token endpoint URL, whichever endpoint the assertion goes to (RFC 7523 §3 and
    /// OIDC Core §9 as older servers read them).
    TokenEndpoint,
}

/// The algorithm of a provider's DPoP key (RFC 9449 §4.2: asymmetric only).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum DpopAlg {
    /// P-256 ECDSA: small, fast, what every DPoP server takes.
    #[default]
    ES256,
    /// Ed25519.
    EdDSA,
    /// RSASSA-PSS with SHA-256 on a 2048-bit key.
    PS256,
}

macro_rules! choice {
    ($ty:ty, $what:literal, $expected:literal, $($text:literal $(| $alias:literal)* => $value:expr),+ $(,)?) => {
        impl FromStr for $ty {
            type Err = ProviderError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s.to_ascii_lowercase().as_str() {
                    $($text $(| $alias)* => Ok($value),)+
                    _ => Err(ProviderError::UnknownChoice {
                        what: $what,
                        value: s.to_owned(),
                        expected: $expected,
                    }),
                }
            }
        }
        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                $(if *self == $value { return f.write_str(<$ty>::spelling(*self, $text)); })+
                Ok(())
            }
        }
    };
}

impl ParMode {
    fn spelling(self, text: &'static str) -> &'static str {
        text
    }
}
impl RequestObjectMode {
    fn spelling(self, text: &'static str) -> &'static str {
        text
    }
}
impl AssertionAudience {
    fn spelling(self, text: &'static str) -> &'static str {
        text
    }
}
impl DpopAlg {
    /// The JOSE name (`ES256`, `EdDSA`, `PS256`).
    fn spelling(self, _text: &'static str) -> &'static str {
        self.jose()
    }

    pub fn jose(self) -> &'static str {
        match self {
            DpopAlg::ES256 => "ES256",
            DpopAlg::EdDSA => "EdDSA",
            DpopAlg::PS256 => "PS256",
        }
    }

    /// Whether a server listing `supported` (`dpop_signing_alg_values_supported`) takes it;
    /// `Ed25519` is the newer, fully specified name of EdDSA with Ed25519 (RFC 9864).
    pub fn listed_in(self, supported: &[String]) -> bool {
        supported.is_empty()
            || supported.iter().any(|s| {
                s == self.jose() || (self == DpopAlg::EdDSA && s.eq_ignore_ascii_case("Ed25519"))
            })
    }
}

choice!(ParMode, "PAR mode", "auto, on, off", "auto" => ParMode::Auto, "on" => ParMode::On, "off" => ParMode::Off);
choice!(RequestObjectMode, "request object mode", "off, signed", "off" => RequestObjectMode::Off, "signed" => RequestObjectMode::Signed);
choice!(AssertionAudience, "assertion audience", "issuer, token-endpoint", "issuer" => AssertionAudience::Issuer, "token-endpoint" | "token_endpoint" => AssertionAudience::TokenEndpoint);
choice!(DpopAlg, "DPoP algorithm", "ES256, EdDSA, PS256", "es256" => DpopAlg::ES256, "eddsa" | "ed25519" => DpopAlg::EdDSA, "ps256" => DpopAlg::PS256);

/// What the client asks for beyond the plain request. Default: nothing extra, PAR when the
/// server requires it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SecurityProfile {
    #[serde(default)]
    pub par: ParMode,
    #[serde(default)]
    pub request_object: RequestObjectMode,
    /// Tokens bound to the provider's DPoP key, made with this algorithm.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dpop: Option<DpopAlg>,
    /// RFC 9396 `authorization_details`: a JSON array of objects with a `type`, compact.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authorization_details: Option<String>,
    /// A client certificate and key (RFC 8705) are in the vault.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub client_certificate: bool,
    /// The `aud` of client assertions.
    #[serde(default, skip_serializing_if = "is_default_audience")]
    pub assertion_audience: AssertionAudience,
}

fn is_default_audience(a: &AssertionAudience) -> bool {
    *a == AssertionAudience::default()
}

impl SecurityProfile {
    pub fn is_default(&self) -> bool {
        *self == SecurityProfile::default()
    }

    /// The `type`s of the authorization details asked for.
    pub fn detail_types(&self) -> Vec<String> {
        self.authorization_details
            .as_deref()
            .map(detail_types)
            .unwrap_or_default()
    }
}

/// What discovery said about the server's security features.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ServerSecurity {
    /// `require_pushed_authorization_requests` (RFC 9126 §5).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub requires_par: bool,
    /// `request_object_signing_alg_values_supported` (RFC 9101 §10.5).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub request_object_algs: Vec<String>,
    /// `require_signed_request_object` (RFC 9101 §10.5).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub requires_signed_request_object: bool,
    /// `dpop_signing_alg_values_supported` (RFC 9449 §5.1).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dpop_algs: Vec<String>,
    /// `authorization_details_types_supported` (RFC 9396 §10).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub authorization_details_types: Vec<String>,
    /// `tls_client_certificate_bound_access_tokens` (RFC 8705 §3.3).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub certificate_bound_tokens: bool,
    /// `mtls_endpoint_aliases` (RFC 8705 §5): where a client presenting a certificate goes.
    #[serde(default, skip_serializing_if = "MtlsAliases::is_empty")]
    pub mtls_aliases: MtlsAliases,
}

impl ServerSecurity {
    pub fn is_default(&self) -> bool {
        *self == ServerSecurity::default()
    }
}

/// The endpoints a client using mutual TLS calls instead of the plain ones (RFC 8705 §5).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct MtlsAliases {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub token: Option<Url>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub pushed_authorization: Option<Url>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub device_authorization: Option<Url>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub revocation: Option<Url>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub introspection: Option<Url>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub userinfo: Option<Url>,
}

impl MtlsAliases {
    /// Every alias, with its field name for messages.
    pub fn all(&self) -> [(&'static str, Option<&Url>); 6] {
        [
            ("mTLS token endpoint alias", self.token.as_ref()),
            (
                "mTLS PAR endpoint alias",
                self.pushed_authorization.as_ref(),
            ),
            (
                "mTLS device endpoint alias",
                self.device_authorization.as_ref(),
            ),
            ("mTLS revocation endpoint alias", self.revocation.as_ref()),
            (
                "mTLS introspection endpoint alias",
                self.introspection.as_ref(),
            ),
            ("mTLS userinfo endpoint alias", self.userinfo.as_ref()),
        ]
    }

    pub fn is_empty(&self) -> bool {
        *self == MtlsAliases::default()
    }
}

/// The distinct `type`s of compact `authorization_details`, in order (none when not an array).
pub fn detail_types(details: &str) -> Vec<String> {
    let value: serde_json::Value = serde_json::from_str(details).unwrap_or_default();
    let mut types: Vec<String> = Vec::new();
    for t in value
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|item| item.get("type")?.as_str())
    {
        if !types.iter().any(|known| known == t) {
            types.push(t.to_owned());
        }
    }
    types
}

/// Checks RFC 9396 `authorization_details` as written (JSON, or `@FILE` already read by the
/// front end): a non-empty array of objects, each with a string `type`. Returns it compact.
pub fn parse_authorization_details(text: &str) -> Result<String, ProviderError> {
    let invalid = |reason: String| ProviderError::InvalidAuthorizationDetails(reason);
    let value: serde_json::Value =
        serde_json::from_str(text.trim()).map_err(|e| invalid(format!("not JSON: {e}")))?;
    let items = value
        .as_array()
        .ok_or_else(|| invalid("it must be a JSON array of objects".into()))?;
    if items.is_empty() {
        return Err(invalid("the array is empty".into()));
    }
    for (i, item) in items.iter().enumerate() {
        let object = item
            .as_object()
            .ok_or_else(|| invalid(format!("item {} is not an object", i + 1)))?;
        match object.get("type") {
            Some(serde_json::Value::String(t)) if !t.is_empty() => {}
            Some(_) => return Err(invalid(format!("item {}'s type is not a string", i + 1))),
            None => return Err(invalid(format!("item {} has no type", i + 1))),
        }
    }
    Ok(value.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn choices_read_and_print_as_the_cli_spells_them() {
        assert_eq!("on".parse::<ParMode>().unwrap(), ParMode::On);
        assert_eq!(ParMode::Auto.to_string(), "auto");
        assert_eq!(
            "signed".parse::<RequestObjectMode>().unwrap(),
            RequestObjectMode::Signed
        );
        assert_eq!("eddsa".parse::<DpopAlg>().unwrap(), DpopAlg::EdDSA);
        assert_eq!("PS256".parse::<DpopAlg>().unwrap(), DpopAlg::PS256);
        assert_eq!(DpopAlg::EdDSA.to_string(), "EdDSA");
        assert!(
            "HS256".parse::<DpopAlg>().is_err(),
            "DPoP keys are asymmetric"
        );
        assert!("sometimes".parse::<ParMode>().is_err());
    }

    #[test]
    fn server_algorithm_lists_are_respected() {
        let listed = vec!["ES256".to_owned(), "Ed25519".to_owned()];
        assert!(DpopAlg::ES256.listed_in(&listed));
        assert!(DpopAlg::EdDSA.listed_in(&listed), "Ed25519 names EdDSA");
        assert!(!DpopAlg::PS256.listed_in(&listed));
        assert!(DpopAlg::PS256.listed_in(&[]), "no list: anything goes");
    }

    #[test]
    fn authorization_details_must_be_an_array_of_typed_objects() {
        let ok = parse_authorization_details(
            r#" [ {"type": "payment_initiation", "instructedAmount": {"currency": "EUR", "amount": "1.00"}} ] "#,
        )
        .unwrap();
        assert!(ok.starts_with(r#"[{"type":"payment_initiation""#), "{ok}");
        for (bad, why) in [
            ("{\"type\":\"x\"}", "array"),
            ("[]", "empty"),
            ("[1]", "item 1 is not an object"),
            ("[{\"type\":\"a\"},{\"kind\":\"b\"}]", "item 2 has no type"),
            ("[{\"type\":3}]", "not a string"),
            ("[{", "not JSON"),
        ] {
            let e = parse_authorization_details(bad).unwrap_err().to_string();
            assert!(e.contains(why), "{bad}: {e}");
        }
    }
}
