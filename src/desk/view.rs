//! What a front end shows of a provider, decided here once: its kind ("Google", "OpenID
//! Connect", "OAuth 2.0"), which actions its endpoints allow, where its tokens stand; and the
//! templates with the form each pre-fills.

use serde::Serialize;

use super::{Desk, DeskError};
use crate::provider::templates::{self, TEMPLATES, Template};
use crate::provider::{
    AuthMethod, Endpoint, Provider, ProviderSpec, RedirectTarget, ServerSecurity,
};
use crate::report::Report;

/// A provider as a front end shows it: its settings (as the form edits them), what it can do,
/// and where its tokens stand.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ProviderView {
    pub name: String,
    /// The template's title ("Google"), or "OpenID Connect" / "OAuth 2.0".
    pub kind: String,
    pub spec: ProviderSpec,
    pub has_client_secret: bool,
    pub has_private_key: bool,
    /// The redirect comes back to a loopback listener (else a login window intercepts it, or
    /// the person pastes it).
    pub loopback_redirect: bool,
    pub grants: Grants,
    pub security: SecurityView,
    pub report: Report,
}

/// The provider's security profile as shown: its keys' public thumbprints and what the
/// server announced (the form pre-sets its choices from it).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SecurityView {
    /// The DPoP key's JWK thumbprint (RFC 7638), when DPoP is on.
    pub dpop_thumbprint: Option<String>,
    /// The client certificate's SHA-256 thumbprint (`x5t#S256`), when there is one.
    pub certificate_thumbprint: Option<String>,
    /// Whether the server has a pushed authorization request endpoint.
    pub par_available: bool,
    pub server: ServerSecurity,
}

/// Which actions the provider's endpoints and client allow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Grants {
    pub authorization_code: bool,
    pub device: bool,
    pub client_credentials: bool,
    pub revoke: bool,
    pub introspect: bool,
    pub userinfo: bool,
    /// RP-initiated logout: the provider has an end-session endpoint.
    pub end_session: bool,
}

impl Grants {
    pub fn of(provider: &Provider) -> Grants {
        let e = &provider.endpoints;
        Grants {
            authorization_code: e.authorization.is_some(),
            device: e.device_authorization.is_some(),
            // A public client has nothing to authenticate the grant with (RFC 6749 §4.4).
            client_credentials: provider.auth_method != AuthMethod::None,
            revoke: e.revocation.is_some(),
            introspect: e.introspection.is_some(),
            userinfo: e.userinfo.is_some(),
            end_session: e.end_session.is_some(),
        }
    }
}

/// The kind of server, as a person would name it.
pub fn kind_of(provider: &Provider) -> String {
    match provider.template.as_deref().and_then(templates::find) {
        Some(t) => t.title.to_owned(),
        None if provider.issuer.is_some() => "OpenID Connect".into(),
        None => "OAuth 2.0".into(),
    }
}

/// A built-in template, with the provider form it pre-fills.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TemplateView {
    pub name: String,
    pub title: String,
    pub quirks: String,
    /// The person must give the issuer (tenant or domain specific).
    pub needs_issuer: bool,
    pub spec: ProviderSpec,
}

impl TemplateView {
    fn new(template: &Template) -> TemplateView {
        let mut spec = ProviderSpec {
            template: Some(template.name.to_owned()),
            ..ProviderSpec::default()
        };
        templates::apply(template, &mut spec);
        TemplateView {
            name: template.name.to_owned(),
            title: template.title.to_owned(),
            quirks: template.quirks.to_owned(),
            needs_issuer: template.needs_issuer,
            spec,
        }
    }
}

impl Desk {
    /// One provider as a front end shows it (its report included: signatures checked).
    pub async fn provider_view(&self, name: &str) -> Result<ProviderView, DeskError> {
        let provider = self.provider(name)?;
        let report = self.report(name).await?;
        let security = self.security_view(name).await?;
        Ok(ProviderView {
            security,
            name: provider.name.to_string(),
            kind: kind_of(&provider),
            spec: ProviderSpec::of(&provider),
            has_client_secret: provider.has_client_secret,
            has_private_key: provider.has_private_key,
            loopback_redirect: matches!(
                provider.redirect_target(),
                RedirectTarget::Loopback { .. }
            ),
            grants: Grants::of(&provider),
            report,
        })
    }

    /// The provider's security profile as shown: its keys' public thumbprints, what the
    /// server announced.
    pub async fn security_view(&self, name: &str) -> Result<SecurityView, DeskError> {
        let provider = self.provider(name)?;
        let secrets = self.secrets(name).await?;
        let dpop_thumbprint = match (provider.security.dpop, &secrets.dpop_key) {
            (Some(_), Some(key)) => crate::dpop::DpopKey::from_secret(key)
                .ok()
                .map(|k| k.thumbprint().to_owned()),
            _ => None,
        };
        let certificate_thumbprint = match (&secrets.client_certificate, &secrets.client_key) {
            (Some(certificate), Some(key)) => {
                crate::mtls::ClientCertificate::new(certificate.clone(), key.clone())
                    .and_then(|c| c.thumbprint())
                    .ok()
            }
            _ => None,
        };
        Ok(SecurityView {
            dpop_thumbprint,
            certificate_thumbprint,
            par_available: provider.endpoint(Endpoint::PushedAuthorization).is_some(),
            server: provider.server_security.clone(),
        })
    }

    /// Every provider as a front end shows it, in the configured order.
    pub async fn provider_views(&self) -> Result<Vec<ProviderView>, DeskError> {
        let mut views = Vec::new();
        for provider in self.providers()? {
            views.push(self.provider_view(provider.name.as_str()).await?);
        }
        Ok(views)
    }

    /// The built-in templates.
    pub fn templates(&self) -> Vec<TemplateView> {
        TEMPLATES.iter().map(TemplateView::new).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::build::build;

    #[test]
    fn kind_and_grants_follow_the_configuration() {
        let spec = ProviderSpec {
            name: "p".into(),
            client_id: "id".into(),
            authorization_url: Some("https://as.example/authorize".into()),
            token_url: Some("https://as.example/token".into()),
            revocation_url: Some("https://as.example/revoke".into()),
            ..ProviderSpec::default()
        };
        let public = build("p".parse().unwrap(), &spec, None, Default::default()).unwrap();
        assert_eq!(kind_of(&public), "OAuth 2.0");
        let grants = Grants::of(&public);
        assert!(grants.authorization_code && grants.revoke);
        assert!(
            !grants.client_credentials,
            "a public client can't use client credentials"
        );
        assert!(!grants.device && !grants.introspect && !grants.userinfo);
        let confidential = build(
            "p".parse().unwrap(),
            &spec,
            None,
            crate::provider::build::Held::secret(true),
        )
        .unwrap();
        assert!(Grants::of(&confidential).client_credentials);
        let mut google = public.clone();
        google.template = Some("google".into());
        assert_eq!(kind_of(&google), "Google");
    }
}
