//! What a front end shows of a provider, decided here once: its kind ("Google", "OpenID
//! Connect", "OAuth 2.0"), which actions its endpoints allow, where its tokens stand; and the
//! templates with the form each pre-fills.

use oauth_desk_core::provider::Slot;
use serde::Serialize;

use super::identities::IdentityView;
use super::{Desk, DeskError};
use oauth_desk_core::provider::templates::{self, TEMPLATES, Template};
use oauth_desk_core::provider::{
    AuthMethod, Endpoint, Provider, ProviderRef, ProviderSpec, RedirectTarget, ServerSecurity,
};
use oauth_desk_core::report::Report;

/// A provider as a front end shows it: its settings (as the form edits them), what it can do,
/// and where its tokens stand.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ProviderView {
    pub name: String,
    /// Which provider, identity and environment this view (its report) is of.
    pub reference: ProviderRef,
    /// Its slot key: what the change stream and the keeper name it by.
    pub key: Slot,
    /// Where its settings are: the project file and line for a project's provider (edited
    /// there only), `None` for the config's.
    pub defined_in: Option<DefinedIn>,
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
    /// Its identities, the default one first, each with where its tokens stand.
    pub identities: Vec<IdentityView>,
    /// A project's provider whose file is not allowed as it is now: shown from the file
    /// alone (no server asked, no secret read), and nothing runs for it.
    pub waiting_for_trust: bool,
    /// A project's provider that hides one of the config's of the same name (reach that one
    /// without the project).
    pub hides_config_provider: bool,
}

/// Where a project's provider is written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DefinedIn {
    pub file: String,
    pub line: usize,
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

impl ProviderView {
    /// What `provider` shows for `reference`: its settings, kind and allowed grants; no
    /// identities, nothing about where it is defined (the caller adds those).
    fn of(
        provider: &Provider,
        reference: ProviderRef,
        report: Report,
        security: SecurityView,
    ) -> ProviderView {
        ProviderView {
            key: reference.slot_key(),
            reference,
            defined_in: None,
            name: provider.name.to_string(),
            kind: kind_of(provider),
            spec: ProviderSpec::of(provider),
            has_client_secret: provider.has_client_secret,
            has_private_key: provider.has_private_key,
            loopback_redirect: matches!(
                provider.redirect_target(),
                RedirectTarget::Loopback { .. }
            ),
            grants: Grants::of(provider),
            security,
            report,
            identities: Vec::new(),
            waiting_for_trust: false,
            hides_config_provider: false,
        }
    }
}

impl SecurityView {
    /// Nothing known of the server, no key read: a project file not allowed yet.
    fn unknown() -> SecurityView {
        SecurityView {
            dpop_thumbprint: None,
            certificate_thumbprint: None,
            par_available: false,
            server: ServerSecurity::default(),
        }
    }
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
    /// One provider's identity as a front end shows it (its report included: signatures
    /// checked).
    pub async fn provider_view(&self, reference: &ProviderRef) -> Result<ProviderView, DeskError> {
        let hides_config_provider =
            reference.project.is_some() && self.config.load()?.get(reference.name.as_str()).is_ok();
        if let Some(place) = &reference.project {
            let project = self.projects.load(&place.file)?;
            if !self.is_allowed(&project) {
                let mut view = self.preview_view(reference, &project)?;
                view.hides_config_provider = hides_config_provider;
                return Ok(view);
            }
        }
        let target = self.target(reference).await?;
        let provider = target.provider.clone();
        let report = self.report(reference).await?;
        let security = self.security_view(reference).await?;
        let identities = self.identities(reference).await?;
        let defined_in = target.reference.project.as_ref().map(|place| DefinedIn {
            file: place.file.display().to_string(),
            line: self
                .projects
                .load(&place.file)
                .ok()
                .and_then(|p| p.provider_line(&reference.name))
                .unwrap_or(1),
        });
        let mut view = ProviderView::of(&provider, target.reference.clone(), report, security);
        view.identities = identities;
        view.defined_in = defined_in;
        view.hides_config_provider = hides_config_provider;
        Ok(view)
    }

    /// A project's provider whose file is not allowed: its settings from the file, no tokens
    /// used, nothing asked of a server.
    fn preview_view(
        &self,
        reference: &ProviderRef,
        project: &crate::project::Project,
    ) -> Result<ProviderView, DeskError> {
        let provider = self.project_preview(reference, project)?;
        let report = Report::build(&provider, None, None, None, crate::clock::now());
        let reference = reference.default_identity();
        let identity = IdentityView {
            key: reference.slot_key(),
            typed: reference.typed(),
            reference: reference.clone(),
            login_hint: None,
            origin: super::target::IdentityOrigin::Default,
            status: report.status,
            expires_at: None,
            subject: None,
        };
        let mut view = ProviderView::of(&provider, reference, report, SecurityView::unknown());
        view.defined_in = Some(DefinedIn {
            file: project.file.display().to_string(),
            line: project.provider_line(&view.reference.name).unwrap_or(1),
        });
        view.identities = vec![identity];
        view.waiting_for_trust = true;
        Ok(view)
    }

    /// The provider's security profile as shown: its keys' public thumbprints, what the
    /// server announced.
    pub async fn security_view(&self, reference: &ProviderRef) -> Result<SecurityView, DeskError> {
        if let Some(place) = &reference.project
            && !self.is_allowed(&*self.projects.load(&place.file)?)
        {
            // Nothing known of the server, no secret read, before the file is allowed.
            return Ok(SecurityView::unknown());
        }
        let target = self.target(reference).await?;
        let provider = &target.provider;
        let data = self.read_vault().await?;
        let stored = data
            .provider(&target.client_key)
            .cloned()
            .unwrap_or_default();
        let secrets = super::secrets::client_secrets(&target, &stored, &data).unwrap_or_default();
        let dpop_thumbprint = match (provider.security.dpop, &stored.dpop_key) {
            (Some(_), Some(key)) => crate::dpop::DpopKey::from_secret(key)
                .ok()
                .map(|k| k.thumbprint().to_owned()),
            _ => None,
        };
        let certificate_thumbprint = match &secrets.client_certificate {
            Some((certificate, key)) => {
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

    /// Every provider as a front end shows it: the project's (in the current environment),
    /// then the config's in their order — but for those a project provider of the same name
    /// hides.
    pub async fn provider_views(&self) -> Result<Vec<ProviderView>, DeskError> {
        let mut views = Vec::new();
        for reference in self.references()? {
            match self.provider_view(&reference).await {
                Ok(view) => views.push(view),
                // A project file with an error in this environment: its providers wait for
                // the fix (the project view says where), the others are still shown.
                Err(DeskError::Project(e)) if reference.project.is_some() => {
                    tracing::debug!("{reference} is not shown: {e}");
                }
                Err(e) => return Err(e),
            }
        }
        Ok(views)
    }

    /// Every provider this desk works with (default identities), as [`Desk::provider_views`]
    /// lists them.
    pub fn references(&self) -> Result<Vec<ProviderRef>, DeskError> {
        let mut out = Vec::new();
        let project = self.current_project()?;
        if let Some((project, env)) = &project {
            for name in project.provider_names() {
                out.push(ProviderRef {
                    name,
                    identity: None,
                    project: Some(oauth_desk_core::provider::ProjectPlace {
                        file: project.file.clone(),
                        env: env.clone(),
                    }),
                });
            }
        }
        for provider in self.providers()? {
            let hidden = project
                .as_ref()
                .is_some_and(|(p, _)| p.has_provider(&provider.name));
            if !hidden {
                out.push(ProviderRef::local(provider.name));
            }
        }
        Ok(out)
    }

    /// The built-in templates.
    pub fn templates(&self) -> Vec<TemplateView> {
        TEMPLATES.iter().map(TemplateView::new).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use oauth_desk_core::provider::build::build;

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
            oauth_desk_core::provider::build::Held::secret(true),
        )
        .unwrap();
        assert!(Grants::of(&confidential).client_credentials);
        let mut google = public.clone();
        google.template = Some("google".into());
        assert_eq!(kind_of(&google), "Google");
    }
}
