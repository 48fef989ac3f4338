//! Built-in provider templates: endpoints or issuer, default scopes, client authentication and
//! the quirks each server is known for, so `provider add NAME --template google --client-id ID`
//! is enough. A template only fills what the user did not give.

use super::{AuthMethod, ProviderSpec};

#[derive(Debug, Clone, Copy)]
pub struct Template {
    pub name: &'static str,
    pub title: &'static str,
    /// The issuer, for discovery; `{tenant}`-style issuers are user-specific and left to
    /// `--issuer`.
    pub issuer: Option<&'static str>,
    /// Manual endpoints for servers without discovery: authorize, token, device, userinfo,
    /// revocation.
    pub endpoints: Option<[Option<&'static str>; 5]>,
    pub scope: &'static str,
    /// `post` or `basic` when the server wants one; `None` keeps the default.
    pub auth_method: Option<AuthMethod>,
    pub params: &'static [&'static str],
    /// Whether the user must give `--issuer` (tenant or domain specific).
    pub needs_issuer: bool,
    pub quirks: &'static str,
}

pub const TEMPLATES: &[Template] = &[
    Template {
        name: "google",
        title: "Google",
        issuer: Some("https://accounts.google.com"),
        endpoints: None,
        scope: "openid email profile",
        auth_method: Some(AuthMethod::ClientSecretPost),
        params: &["access_type=offline", "prompt=consent"],
        needs_issuer: false,
        quirks: "Refresh tokens only with access_type=offline and prompt=consent (set by the template). \
                 Embedded browsers are refused with disallowed_useragent: sign in with the system browser.",
    },
    Template {
        name: "entra",
        title: "Microsoft Entra ID",
        issuer: None,
        endpoints: None,
        scope: "openid profile email offline_access",
        auth_method: None,
        params: &[],
        needs_issuer: true,
        quirks: "Give the issuer https://login.microsoftonline.com/<tenant id>/v2.0 (the 'common' issuer \
                 is a template whose documents name each tenant). Refresh tokens need offline_access; \
                 a scope of another resource (api://…/.default) yields that resource's access token.",
    },
    Template {
        name: "github",
        title: "GitHub (OAuth app)",
        issuer: None,
        endpoints: Some([
            Some("https://github.com/login/oauth/authorize"),
            Some("https://github.com/login/oauth/access_token"),
            Some("https://github.com/login/device/code"),
            Some("https://api.github.com/user"),
            None,
        ]),
        scope: "read:user",
        auth_method: Some(AuthMethod::ClientSecretPost),
        params: &[],
        needs_issuer: false,
        quirks: "No OpenID Connect: no discovery, no ID token. The token endpoint answers form-encoded \
                 unless asked for JSON (OAuth Desk asks) and reports errors with HTTP 200. Scopes are \
                 comma-separated in responses. OAuth app tokens do not expire unless expiration is enabled.",
    },
    Template {
        name: "gitlab",
        title: "GitLab",
        issuer: Some("https://gitlab.com"),
        endpoints: None,
        scope: "openid profile read_user",
        auth_method: None,
        params: &[],
        needs_issuer: false,
        quirks: "Self-managed instances: give the issuer https://gitlab.example. Refresh tokens rotate.",
    },
    Template {
        name: "okta",
        title: "Okta",
        issuer: None,
        endpoints: None,
        scope: "openid profile email offline_access",
        auth_method: None,
        params: &[],
        needs_issuer: true,
        quirks: "Give the issuer https://<org>.okta.com/oauth2/default (a custom authorization server) \
                 or https://<org>.okta.com (the org server, whose access tokens only Okta's APIs accept).",
    },
    Template {
        name: "auth0",
        title: "Auth0",
        issuer: None,
        endpoints: None,
        scope: "openid profile email offline_access",
        auth_method: Some(AuthMethod::ClientSecretPost),
        params: &[],
        needs_issuer: true,
        quirks: "Give the issuer https://<tenant>.auth0.com/ (with the trailing slash Auth0 uses). \
                 Without an audience parameter (audience=https://api among the extra parameters) the access token is \
                 opaque and only good for userinfo.",
    },
    Template {
        name: "keycloak",
        title: "Keycloak",
        issuer: None,
        endpoints: None,
        scope: "openid profile email",
        auth_method: None,
        params: &[],
        needs_issuer: true,
        quirks: "Give the issuer https://<host>/realms/<realm>. offline_access gives offline tokens that \
                 survive SSO session ends.",
    },
    Template {
        name: "apple",
        title: "Sign in with Apple",
        issuer: Some("https://appleid.apple.com"),
        endpoints: None,
        scope: "openid email name",
        auth_method: Some(AuthMethod::ClientSecretPost),
        params: &["response_mode=form_post"],
        needs_issuer: false,
        quirks: "Requesting name or email forces response_mode=form_post: the response is POSTed to the \
                 redirect URI, which must be a registered https URL (no loopback). The client secret is \
                 a JWT you sign with your Apple key and renew every 6 months at most.",
    },
    Template {
        name: "slack",
        title: "Slack (Sign in with Slack)",
        issuer: Some("https://slack.com"),
        endpoints: None,
        scope: "openid profile email",
        auth_method: Some(AuthMethod::ClientSecretPost),
        params: &[],
        needs_issuer: false,
        quirks: "Redirect URIs must be https; register a non-loopback URI and paste the final URL. \
                 Token rotation, when enabled for the app, makes access tokens expire after 12 hours.",
    },
    Template {
        name: "salesforce",
        title: "Salesforce",
        issuer: Some("https://login.salesforce.com"),
        endpoints: None,
        scope: "openid api refresh_token",
        auth_method: None,
        params: &[],
        needs_issuer: false,
        quirks: "Sandboxes: the issuer is https://test.salesforce.com. Refresh tokens need the refresh_token \
                 scope; access tokens carry no expires_in (OAuth Desk shows the expiry as unknown).",
    },
];

pub fn find(name: &str) -> Option<&'static Template> {
    TEMPLATES.iter().find(|t| t.name.eq_ignore_ascii_case(name))
}

/// Fills what `spec` leaves empty from the template.
pub fn apply(template: &Template, spec: &mut ProviderSpec) {
    if spec.issuer.is_none()
        && spec.token_url.is_none()
        && let Some(issuer) = template.issuer
    {
        spec.issuer = Some(issuer.to_owned());
    }
    if let Some([authorize, token, device, userinfo, revocation]) = template.endpoints {
        let fill = |slot: &mut Option<String>, value: Option<&str>| {
            if slot.is_none() {
                *slot = value.map(str::to_owned);
            }
        };
        fill(&mut spec.authorization_url, authorize);
        fill(&mut spec.token_url, token);
        fill(&mut spec.device_url, device);
        fill(&mut spec.userinfo_url, userinfo);
        fill(&mut spec.revocation_url, revocation);
    }
    if spec.scope.is_none() {
        spec.scope = Some(template.scope.to_owned());
    }
    if spec.auth_method.is_none() {
        spec.auth_method = template.auth_method;
    }
    for param in template.params {
        let key = param.split('=').next().unwrap_or_default();
        if !spec.params.iter().any(|p| p.split('=').next() == Some(key)) {
            spec.params.push((*param).to_owned());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ten_templates_exist_with_their_quirks() {
        for name in [
            "google",
            "entra",
            "github",
            "gitlab",
            "okta",
            "auth0",
            "keycloak",
            "apple",
            "slack",
            "salesforce",
        ] {
            let t = find(name).unwrap_or_else(|| panic!("no {name} template"));
            assert!(!t.quirks.is_empty(), "{name} documents its quirks");
            assert!(
                t.issuer.is_some() || t.endpoints.is_some() || t.needs_issuer,
                "{name} says where its server is"
            );
        }
    }

    #[test]
    fn a_template_fills_only_what_is_missing() {
        let mut spec = ProviderSpec {
            scope: Some("openid".into()),
            params: vec!["prompt=select_account".into()],
            ..ProviderSpec::default()
        };
        apply(find("google").unwrap(), &mut spec);
        assert_eq!(spec.issuer.as_deref(), Some("https://accounts.google.com"));
        assert_eq!(
            spec.scope.as_deref(),
            Some("openid"),
            "the user's scope wins"
        );
        assert_eq!(
            spec.params,
            ["prompt=select_account", "access_type=offline"],
            "the user's prompt wins"
        );

        let mut spec = ProviderSpec::default();
        apply(find("github").unwrap(), &mut spec);
        assert_eq!(
            spec.token_url.as_deref(),
            Some("https://github.com/login/oauth/access_token")
        );
        assert_eq!(spec.issuer, None, "GitHub has no discovery");
    }
}
