//! A provider's settings checked field by field, without asking any server: what a form shows
//! beside each field as the person types. The rules are the ones saving applies: the spec read
//! as saving reads it ([`ProviderSpec::normalise`]), then [`build`](super::build)'s own
//! functions (`parse_endpoint` and the https rule, `authorize_params`, `params`, `resources`,
//! `parse_authorization_details`) called one field at a time, so that every field's problem is
//! known at once, then the whole spec built as a preview for the rules that span fields.
//! Saving checks everything again, with discovery.

use serde::{Deserialize, Serialize};

use super::build::{Held, authorize_params, params, preview, resources};
use super::security::{ParMode, parse_authorization_details};
use super::{
    ProviderError, ProviderName, ProviderSpec, parse_endpoint, parse_post_logout_redirect_uri,
    parse_redirect_uri, transport,
};

/// A field of the provider form: a [`ProviderSpec`] field by its own name, the API URL a
/// provider is made from (RFC 9728), or the form as a whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum SpecField {
    Name,
    ClientId,
    Issuer,
    AuthorizationUrl,
    TokenUrl,
    DeviceUrl,
    RevocationUrl,
    IntrospectionUrl,
    UserinfoUrl,
    JwksUrl,
    EndSessionUrl,
    ParUrl,
    RedirectUri,
    PostLogoutRedirectUri,
    Params,
    TokenParams,
    Resources,
    AuthorizationDetails,
    AuthMethod,
    RequestObject,
    Par,
    ApiUrl,
    Form,
}

/// What is wrong with one field, in the engine's words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SpecProblem {
    pub field: SpecField,
    pub message: String,
}

/// Which secrets the provider will hold once saved, and where it is made from.
#[derive(Debug, Clone, Copy, Default)]
pub struct DraftContext<'a> {
    pub held: Held,
    /// The API URL a provider is made from (its metadata names the server), instead of an
    /// issuer or a token URL.
    pub api_url: Option<&'a str>,
}

/// Every problem of `spec` a form can show before saving, at most one per field.
pub fn check_spec(spec: &ProviderSpec, context: DraftContext<'_>) -> Vec<SpecProblem> {
    let mut spec = spec.clone();
    spec.normalise();
    let spec = &spec;
    let mut problems = Problems::default();
    let name = spec.name.trim();
    if name.is_empty() {
        problems.add(SpecField::Name, "a provider needs a name".to_owned());
    } else if let Err(e) = name.parse::<ProviderName>() {
        problems.add(SpecField::Name, e.to_string());
    }
    if spec.client_id.trim().is_empty() {
        problems.add(
            SpecField::ClientId,
            ProviderError::EmptyClientId.to_string(),
        );
    }
    check_urls(spec, context, &mut problems);
    problems.check(SpecField::Params, || authorize_params(spec).map(drop));
    problems.check(SpecField::TokenParams, || {
        params(&spec.token_params).map(drop)
    });
    problems.check(SpecField::Resources, || resources(spec).map(drop));
    problems.check(SpecField::AuthorizationDetails, || {
        spec.authorization_details
            .as_deref()
            .map(parse_authorization_details)
            .transpose()
            .map(drop)
    });
    if problems.list.is_empty() {
        check_whole(spec, context, &mut problems);
    }
    problems.list
}

/// Each URL field on its own: a URL, and https off this machine (unless allowed).
fn check_urls(spec: &ProviderSpec, context: DraftContext<'_>, problems: &mut Problems) {
    let endpoints = [
        (SpecField::Issuer, "issuer", &spec.issuer),
        (
            SpecField::AuthorizationUrl,
            "authorize URL",
            &spec.authorization_url,
        ),
        (SpecField::TokenUrl, "token URL", &spec.token_url),
        (SpecField::DeviceUrl, "device URL", &spec.device_url),
        (
            SpecField::RevocationUrl,
            "revocation URL",
            &spec.revocation_url,
        ),
        (
            SpecField::IntrospectionUrl,
            "introspection URL",
            &spec.introspection_url,
        ),
        (SpecField::UserinfoUrl, "userinfo URL", &spec.userinfo_url),
        (SpecField::JwksUrl, "JWKS URL", &spec.jwks_url),
        (
            SpecField::EndSessionUrl,
            "end-session URL",
            &spec.end_session_url,
        ),
        (SpecField::ParUrl, "PAR URL", &spec.par_url),
    ];
    for (field, label, value) in endpoints {
        if let Some(value) = value.as_deref() {
            problems.check(field, || {
                let url = parse_endpoint(label, value)?;
                transport::check(label, &url, spec.allow_http)
            });
        }
    }
    match context.api_url {
        Some(api) if api.trim().is_empty() => {
            problems.add(SpecField::ApiUrl, "give the API's URL".to_owned());
        }
        Some(api) => problems.check(SpecField::ApiUrl, || {
            let url = parse_endpoint("API URL", api)?;
            transport::check("API URL", &url, spec.allow_http)
        }),
        None if spec.issuer.as_deref().is_none() && spec.token_url.as_deref().is_none() => {
            problems.add(
                SpecField::TokenUrl,
                ProviderError::MissingTokenEndpoint.to_string(),
            );
        }
        None => {}
    }
    if let Some(value) = spec.redirect_uri.as_deref() {
        problems.check(SpecField::RedirectUri, || {
            parse_redirect_uri(value).map(drop)
        });
    }
    if let Some(value) = spec.post_logout_redirect_uri.as_deref() {
        problems.check(SpecField::PostLogoutRedirectUri, || {
            parse_post_logout_redirect_uri(value).map(drop)
        });
    }
}

/// The rules that span fields (the auth method and the secrets held, the security profile),
/// by building the provider as a preview. What discovery may still supply is not held against
/// a spec with an issuer (or an API URL): the server's PAR endpoint, its DPoP algorithms.
fn check_whole(spec: &ProviderSpec, context: DraftContext<'_>, problems: &mut Problems) {
    let mut shown = spec.clone();
    let discovers = shown.issuer.is_some() || context.api_url.is_some();
    if context.api_url.is_some() && shown.token_url.is_none() {
        // The metadata names the server: stand in for its token endpoint.
        shown.token_url = context.api_url.map(|u| u.trim().to_owned());
    }
    let Ok(name) = shown.name.trim().parse::<ProviderName>() else {
        return;
    };
    let Err(error) = preview(name, &shown, context.held) else {
        return;
    };
    let field = match &error {
        ProviderError::ParWithoutEndpoint | ProviderError::DpopAlgUnsupported { .. }
            if discovers =>
        {
            return;
        }
        ProviderError::ParWithoutEndpoint => {
            if shown.par == Some(ParMode::On) {
                SpecField::ParUrl
            } else {
                SpecField::Par
            }
        }
        ProviderError::SecretRequired(_)
        | ProviderError::PrivateKeyRequired
        | ProviderError::CertificateRequired(_)
        | ProviderError::SecretUnused
        | ProviderError::CertificateHalf => SpecField::AuthMethod,
        ProviderError::RequestObjectNeedsKey => SpecField::RequestObject,
        _ => SpecField::Form,
    };
    problems.add(field, error.to_string());
}

/// The problems found so far, the first per field.
#[derive(Default)]
struct Problems {
    list: Vec<SpecProblem>,
}

impl Problems {
    fn add(&mut self, field: SpecField, message: String) {
        if !self.list.iter().any(|p| p.field == field) {
            self.list.push(SpecProblem { field, message });
        }
    }

    fn check(&mut self, field: SpecField, rule: impl FnOnce() -> Result<(), ProviderError>) {
        if let Err(e) = rule() {
            self.add(field, e.to_string());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::AuthMethod;

    fn base() -> ProviderSpec {
        ProviderSpec {
            name: "op".into(),
            issuer: Some("https://op.example".into()),
            client_id: "app".into(),
            ..ProviderSpec::default()
        }
    }

    fn at(spec: &ProviderSpec, context: DraftContext<'_>, field: SpecField) -> Option<String> {
        check_spec(spec, context)
            .into_iter()
            .find(|p| p.field == field)
            .map(|p| p.message)
    }

    fn field(spec: &ProviderSpec, field: SpecField) -> Option<String> {
        at(spec, DraftContext::default(), field)
    }

    #[test]
    fn a_minimal_discovery_provider_has_no_problem() {
        assert_eq!(check_spec(&base(), DraftContext::default()), []);
    }

    #[test]
    fn every_field_says_its_own_problem_at_once() {
        let spec = ProviderSpec {
            name: "my op".into(),
            client_id: "  ".into(),
            issuer: Some("op.example".into()),
            token_url: Some("ftp://x/token".into()),
            ..base()
        };
        let problems = check_spec(&spec, DraftContext::default());
        let fields: Vec<SpecField> = problems.iter().map(|p| p.field).collect();
        assert_eq!(
            fields,
            [
                SpecField::Name,
                SpecField::ClientId,
                SpecField::Issuer,
                SpecField::TokenUrl
            ]
        );
        assert!(
            problems[0].message.contains("letters, digits"),
            "{problems:?}"
        );
        assert_eq!(problems[1].message, "the client id is empty");
        assert!(problems[2].message.contains("not a URL"), "{problems:?}");
        assert!(
            problems[3].message.contains("only http and https"),
            "{problems:?}"
        );
        assert_eq!(
            field(
                &ProviderSpec {
                    name: String::new(),
                    ..base()
                },
                SpecField::Name
            )
            .as_deref(),
            Some("a provider needs a name")
        );
        assert!(
            field(
                &ProviderSpec {
                    name: "..".into(),
                    ..base()
                },
                SpecField::Name
            )
            .is_some()
        );
    }

    #[test]
    fn https_off_this_machine_unless_allowed() {
        let plain = ProviderSpec {
            issuer: Some("http://op.example".into()),
            ..base()
        };
        assert!(field(&plain, SpecField::Issuer).is_some_and(|m| m.contains("use https")));
        let allowed = ProviderSpec {
            allow_http: true,
            ..plain
        };
        assert_eq!(field(&allowed, SpecField::Issuer), None);
        let loopback = ProviderSpec {
            issuer: Some("http://127.0.0.1:3000".into()),
            ..base()
        };
        assert_eq!(check_spec(&loopback, DraftContext::default()), []);
    }

    #[test]
    fn an_issuer_or_a_token_url_or_an_api_url() {
        let neither = ProviderSpec {
            issuer: Some("  ".into()),
            ..base()
        };
        assert!(
            field(&neither, SpecField::TokenUrl).is_some_and(|m| m.contains("issuer")),
            "a blank issuer is no issuer"
        );
        let token = ProviderSpec {
            token_url: Some("https://op.example/token".into()),
            ..neither.clone()
        };
        assert_eq!(check_spec(&token, DraftContext::default()), []);
        let from_api = |url| DraftContext {
            api_url: Some(url),
            ..DraftContext::default()
        };
        assert_eq!(check_spec(&neither, from_api("https://api.example/v1")), []);
        assert_eq!(
            at(&neither, from_api(" "), SpecField::ApiUrl).as_deref(),
            Some("give the API's URL")
        );
        assert!(at(&neither, from_api("http://api.example"), SpecField::ApiUrl).is_some());
    }

    #[test]
    fn the_sign_out_return_is_on_this_machine() {
        let with = |uri: &str| ProviderSpec {
            post_logout_redirect_uri: Some(uri.into()),
            ..base()
        };
        assert_eq!(
            field(
                &with("http://127.0.0.1:4711/bye"),
                SpecField::PostLogoutRedirectUri
            ),
            None
        );
        assert!(
            field(
                &with("https://app.example/bye"),
                SpecField::PostLogoutRedirectUri
            )
            .is_some_and(|m| m.contains("this machine"))
        );
    }

    #[test]
    fn parameters_are_key_value_and_not_ours() {
        let spec = ProviderSpec {
            params: vec!["prompt=login".into(), "oops".into()],
            token_params: vec!["audience=x".into()],
            ..base()
        };
        assert!(field(&spec, SpecField::Params).is_some_and(|m| m.contains("oops")));
        let spec = ProviderSpec {
            params: vec!["state=fixed".into()],
            ..base()
        };
        assert!(field(&spec, SpecField::Params).is_some_and(|m| m.contains("state")));
    }

    #[test]
    fn authorization_details_in_the_engines_words() {
        let with = |text: &str| ProviderSpec {
            authorization_details: Some(text.into()),
            ..base()
        };
        assert_eq!(field(&with(" "), SpecField::AuthorizationDetails), None);
        assert_eq!(
            field(
                &with(r#"[{"type":"payment"}]"#),
                SpecField::AuthorizationDetails
            ),
            None
        );
        for bad in ["[{", r#"{"type":"x"}"#, "[]", r#"[{"kind":"x"}]"#] {
            assert!(
                field(&with(bad), SpecField::AuthorizationDetails).is_some(),
                "{bad}"
            );
        }
    }

    #[test]
    fn the_auth_method_needs_what_it_sends() {
        let spec = ProviderSpec {
            auth_method: Some(AuthMethod::ClientSecretBasic),
            ..base()
        };
        assert!(
            field(&spec, SpecField::AuthMethod)
                .is_some_and(|m| m.contains("needs a client secret"))
        );
        let held = DraftContext {
            held: Held::secret(true),
            ..DraftContext::default()
        };
        assert_eq!(check_spec(&spec, held), []);
        let signed = ProviderSpec {
            request_object: Some(super::super::security::RequestObjectMode::Signed),
            ..base()
        };
        assert!(field(&signed, SpecField::RequestObject).is_some());
    }

    #[test]
    fn what_discovery_may_supply_is_not_held_against_an_issuer() {
        let par = ProviderSpec {
            par: Some(ParMode::On),
            ..base()
        };
        assert_eq!(check_spec(&par, DraftContext::default()), []);
        let by_hand = ProviderSpec {
            issuer: None,
            token_url: Some("https://op.example/token".into()),
            ..par
        };
        assert!(field(&by_hand, SpecField::ParUrl).is_some_and(|m| m.contains("PAR")));
    }
}
