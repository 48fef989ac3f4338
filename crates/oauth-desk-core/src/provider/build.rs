//! Turning what the user typed (and what discovery found) into a valid [`Provider`]:
//! explicit values win over discovered ones, defaults are the secure ones (PKCE S256, loopback
//! redirect with a random port), and contradictions are refused before anything is saved.

use super::discovery::Discovered;
use super::security::{ParMode, RequestObjectMode, SecurityProfile, parse_authorization_details};
use super::{
    AuthMethod, ClientId, DEFAULT_CALLBACK_TIMEOUT_SECS, DEFAULT_REDIRECT_URI, Endpoints, Issuer,
    Param, Provider, ProviderError, ProviderName, ProviderSpec, RESERVED_PARAMS, Scope,
    parse_endpoint, parse_post_logout_redirect_uri, parse_redirect_uri, transport,
};

/// Which secrets the vault holds (or will) for the provider: the rules depend on them.
#[derive(Debug, Clone, Copy, Default)]
pub struct Held {
    pub secret: bool,
    pub private_key: bool,
    /// A client certificate and its key (RFC 8705).
    pub certificate: bool,
}

impl Held {
    pub fn secret(secret: bool) -> Held {
        Held {
            secret,
            ..Held::default()
        }
    }
}

pub fn build(
    name: ProviderName,
    spec: &ProviderSpec,
    discovered: Option<Discovered>,
    held: Held,
) -> Result<Provider, ProviderError> {
    let (has_secret, has_private_key) = (held.secret, held.private_key);
    if spec.client_id.trim().is_empty() {
        return Err(ProviderError::EmptyClientId);
    }
    let endpoints = endpoints(spec, discovered.as_ref())?;
    let auth_method = auth_method(spec, discovered.as_ref(), held)?;
    let server = discovered
        .as_ref()
        .map(|d| d.security.clone())
        .unwrap_or_default();
    check_aliases(&server.mtls_aliases, spec.allow_http)?;
    let security = security_profile(
        spec,
        &server,
        held,
        endpoints.pushed_authorization.is_some(),
    )?;
    let authorize_params = authorize_params(spec)?;
    let default_scope = match &discovered {
        Some(d) if d.document_url.path().ends_with("openid-configuration") => "openid".to_owned(),
        _ => String::new(),
    };
    Ok(Provider {
        name,
        issuer: discovered.as_ref().map(|d| Issuer::new(d.issuer.clone())),
        endpoints,
        client_id: ClientId::new(spec.client_id.trim()),
        auth_method,
        has_client_secret: has_secret,
        has_private_key,
        template: spec.template.clone(),
        scope: Scope::new(spec.scope.clone().unwrap_or(default_scope)),
        pkce: spec.pkce.unwrap_or_default(),
        redirect_uri: parse_redirect_uri(
            spec.redirect_uri.as_deref().unwrap_or(DEFAULT_REDIRECT_URI),
        )?,
        authorize_method: spec.authorize_method.unwrap_or_default(),
        authorize_params,
        token_params: params(&spec.token_params)?,
        resources: resources(spec)?,
        resource_metadata: spec.resource_metadata.clone(),
        security,
        server_security: server,
        iss_parameter_supported: discovered
            .as_ref()
            .is_some_and(|d| d.iss_parameter_supported),
        post_logout_redirect_uri: spec
            .post_logout_redirect_uri
            .as_deref()
            .map(parse_post_logout_redirect_uri)
            .transpose()?,
        callback_timeout_secs: spec
            .callback_timeout_secs
            .unwrap_or(DEFAULT_CALLBACK_TIMEOUT_SECS),
        auto_refresh: !spec.no_auto_refresh,
        refresh_margin_secs: spec.refresh_margin_secs,
        system_browser: spec.system_browser,
        allow_http: spec.allow_http,
        git_username: spec
            .git_username
            .as_deref()
            .map(str::trim)
            .filter(|u| !u.is_empty())
            .map(str::to_owned),
        lab_plan: None,
        identities: Vec::new(),
        client_origin: None,
    })
}

/// The provider `spec` describes, built without asking any server — for showing a project's
/// provider before its file is allowed. An issuer's endpoints are not known then: the issuer
/// stands in for the token endpoint while the rules are checked, and the preview has none.
pub fn preview(
    name: ProviderName,
    spec: &ProviderSpec,
    held: Held,
) -> Result<Provider, ProviderError> {
    let mut shown = spec.clone();
    let undiscovered = shown.token_url.is_none() && shown.issuer.is_some();
    if undiscovered {
        shown.token_url = shown.issuer.clone();
    }
    let mut provider = build(name, &shown, None, held)?;
    if undiscovered {
        provider.endpoints.token = None;
    }
    provider.issuer = spec.issuer.clone().map(Issuer::new);
    Ok(provider)
}

/// The mTLS aliases carry the same secrets as the endpoints: the same https rule (RFC 8705 §5).
fn check_aliases(aliases: &super::MtlsAliases, allow_http: bool) -> Result<(), ProviderError> {
    for (field, url) in aliases.all() {
        if let Some(url) = url {
            transport::check(field, url, allow_http)?;
        }
    }
    Ok(())
}

/// The extra authorization parameters, none of them one OAuth Desk sets itself.
pub(crate) fn authorize_params(spec: &ProviderSpec) -> Result<Vec<Param>, ProviderError> {
    let list = params(&spec.params)?;
    if let Some(Param(k, _)) = list
        .iter()
        .find(|Param(k, _)| RESERVED_PARAMS.contains(&k.as_str()))
    {
        return Err(ProviderError::ReservedParam(k.clone()));
    }
    Ok(list)
}

/// `key=value` parameters.
pub(crate) fn params(list: &[String]) -> Result<Vec<Param>, ProviderError> {
    list.iter().map(|p| p.parse()).collect()
}

/// Resource indicators exactly as written (servers compare strings), each an absolute URI
/// without a fragment (RFC 8707 §2).
pub(crate) fn resources(spec: &ProviderSpec) -> Result<Vec<String>, ProviderError> {
    spec.resources
        .iter()
        .map(|r| {
            let r = r.trim();
            url::Url::parse(r)
                .ok()
                .filter(|u| u.fragment().is_none())
                .map(|_| r.to_owned())
                .ok_or_else(|| ProviderError::InvalidResource(r.to_owned()))
        })
        .collect()
}

/// The endpoints: each given one, else the discovered one; a token endpoint there must be,
/// and each must pass the https rule.
fn endpoints(
    spec: &ProviderSpec,
    discovered: Option<&Discovered>,
) -> Result<Endpoints, ProviderError> {
    let url = |field: &'static str, value: &Option<String>| {
        value
            .as_deref()
            .map(|v| parse_endpoint(field, v))
            .transpose()
    };
    let found = discovered.map(|d| d.endpoints.clone()).unwrap_or_default();
    let endpoints = Endpoints {
        authorization: url("authorize URL", &spec.authorization_url)?.or(found.authorization),
        token: url("token URL", &spec.token_url)?.or(found.token),
        device_authorization: url("device URL", &spec.device_url)?.or(found.device_authorization),
        revocation: url("revocation URL", &spec.revocation_url)?.or(found.revocation),
        introspection: url("introspection URL", &spec.introspection_url)?.or(found.introspection),
        userinfo: url("userinfo URL", &spec.userinfo_url)?.or(found.userinfo),
        jwks: url("JWKS URL", &spec.jwks_url)?.or(found.jwks),
        end_session: url("end-session URL", &spec.end_session_url)?.or(found.end_session),
        pushed_authorization: url("PAR URL", &spec.par_url)?.or(found.pushed_authorization),
    };
    if endpoints.token.is_none() {
        return Err(ProviderError::MissingTokenEndpoint);
    }
    for (field, url) in [
        ("authorization endpoint", &endpoints.authorization),
        ("token endpoint", &endpoints.token),
        (
            "device authorization endpoint",
            &endpoints.device_authorization,
        ),
        ("revocation endpoint", &endpoints.revocation),
        ("introspection endpoint", &endpoints.introspection),
        ("userinfo endpoint", &endpoints.userinfo),
        ("JWKS URL", &endpoints.jwks),
        ("end-session endpoint", &endpoints.end_session),
        ("PAR endpoint", &endpoints.pushed_authorization),
    ] {
        if let Some(url) = url {
            transport::check(field, url, spec.allow_http)?;
        }
    }
    Ok(endpoints)
}

/// How the client authenticates: as given, else none without a secret, else Basic (RFC 6749
/// §2.3.1: servers must support it) unless discovery lists only `client_secret_post`; and
/// what the chosen method needs, held.
fn auth_method(
    spec: &ProviderSpec,
    discovered: Option<&Discovered>,
    held: Held,
) -> Result<AuthMethod, ProviderError> {
    let auth_method = match spec.auth_method {
        Some(m) => m,
        None if !held.secret => AuthMethod::None,
        None => match discovered {
            Some(d)
                if !d.token_endpoint_auth_methods.is_empty()
                    && !d
                        .token_endpoint_auth_methods
                        .iter()
                        .any(|m| m == "client_secret_basic")
                    && d.token_endpoint_auth_methods
                        .iter()
                        .any(|m| m == "client_secret_post") =>
            {
                AuthMethod::ClientSecretPost
            }
            _ => AuthMethod::ClientSecretBasic,
        },
    };
    if auth_method == AuthMethod::None && held.secret {
        return Err(ProviderError::SecretUnused);
    }
    if auth_method.needs_secret() && !held.secret {
        return Err(ProviderError::SecretRequired(auth_method));
    }
    if auth_method == AuthMethod::PrivateKeyJwt && !held.private_key {
        return Err(ProviderError::PrivateKeyRequired);
    }
    if auth_method.is_mtls() && !held.certificate {
        return Err(ProviderError::CertificateRequired(auth_method));
    }
    Ok(auth_method)
}

/// The security profile `spec` asks for, checked against what the server announced.
fn security_profile(
    spec: &ProviderSpec,
    server: &super::ServerSecurity,
    held: Held,
    has_par_endpoint: bool,
) -> Result<SecurityProfile, ProviderError> {
    let par = spec.par.unwrap_or_default();
    if par == ParMode::On && !has_par_endpoint {
        return Err(ProviderError::ParWithoutEndpoint);
    }
    // A server that requires signed request objects gets them unless told otherwise.
    let request_object = spec
        .request_object
        .unwrap_or(if server.requires_signed_request_object {
            RequestObjectMode::Signed
        } else {
            RequestObjectMode::Off
        });
    if request_object == RequestObjectMode::Signed && !held.private_key && !held.secret {
        return Err(ProviderError::RequestObjectNeedsKey);
    }
    let dpop = (spec.dpop || spec.dpop_alg.is_some()).then(|| spec.dpop_alg.unwrap_or_default());
    if let Some(alg) = dpop
        && !alg.listed_in(&server.dpop_algs)
    {
        return Err(ProviderError::DpopAlgUnsupported {
            alg,
            supported: server.dpop_algs.join(", "),
        });
    }
    Ok(SecurityProfile {
        par,
        request_object,
        dpop,
        authorization_details: spec
            .authorization_details
            .as_deref()
            .filter(|d| !d.trim().is_empty())
            .map(parse_authorization_details)
            .transpose()?,
        client_certificate: held.certificate,
        assertion_audience: spec.assertion_audience.unwrap_or_default(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> ProviderSpec {
        ProviderSpec {
            name: "p".into(),
            client_id: "id".into(),
            authorization_url: Some("https://as.example/authorize".into()),
            token_url: Some("https://as.example/token".into()),
            ..ProviderSpec::default()
        }
    }

    #[test]
    fn defaults_are_the_secure_ones() {
        let p = build("p".parse().unwrap(), &spec(), None, Held::default()).unwrap();
        assert_eq!(p.auth_method, AuthMethod::None);
        assert_eq!(p.pkce, super::super::PkceMode::S256);
        assert_eq!(p.redirect_uri.as_str(), "http://127.0.0.1/callback");
        let p = build("p".parse().unwrap(), &spec(), None, Held::secret(true)).unwrap();
        assert_eq!(
            p.auth_method,
            AuthMethod::ClientSecretBasic,
            "RFC 6749 §2.3.1 default"
        );
    }

    #[test]
    fn contradictions_are_refused() {
        let mut s = spec();
        s.auth_method = Some(AuthMethod::ClientSecretPost);
        assert_eq!(
            build("p".parse().unwrap(), &s, None, Held::default()),
            Err(ProviderError::SecretRequired(AuthMethod::ClientSecretPost))
        );
        s.auth_method = Some(AuthMethod::None);
        assert_eq!(
            build("p".parse().unwrap(), &s, None, Held::secret(true)),
            Err(ProviderError::SecretUnused)
        );
        let mut s = spec();
        s.token_url = None;
        assert_eq!(
            build("p".parse().unwrap(), &s, None, Held::default()),
            Err(ProviderError::MissingTokenEndpoint)
        );
        let mut s = spec();
        s.params = vec!["state=fixed".into()];
        assert!(
            build("p".parse().unwrap(), &s, None, Held::default()).is_err(),
            "state is never user-set"
        );
        let mut s = spec();
        s.token_url = Some("http://as.example/token".into());
        assert!(
            matches!(
                build("p".parse().unwrap(), &s, None, Held::default()),
                Err(ProviderError::InsecureTransport { .. })
            ),
            "plain http off loopback is refused"
        );
        s.allow_http = true;
        let p = build("p".parse().unwrap(), &s, None, Held::default()).unwrap();
        assert_eq!(p.insecure_endpoints(), ["http://as.example/token"]);
        let mut s = spec();
        s.client_id = " ".into();
        assert_eq!(
            build("p".parse().unwrap(), &s, None, Held::default()),
            Err(ProviderError::EmptyClientId)
        );
    }

    #[test]
    fn the_security_profile_is_checked() {
        let mut s = spec();
        s.par = Some(ParMode::On);
        assert_eq!(
            build("p".parse().unwrap(), &s, None, Held::default()),
            Err(ProviderError::ParWithoutEndpoint)
        );
        s.par_url = Some("https://as.example/par".into());
        let p = build("p".parse().unwrap(), &s, None, Held::default()).unwrap();
        assert_eq!(p.security.par, ParMode::On);
        let mut s = spec();
        s.request_object = Some(RequestObjectMode::Signed);
        assert_eq!(
            build("p".parse().unwrap(), &s, None, Held::default()),
            Err(ProviderError::RequestObjectNeedsKey),
            "a public client has nothing to sign with"
        );
        let mut s = spec();
        s.dpop = true;
        let p = build("p".parse().unwrap(), &s, None, Held::default()).unwrap();
        assert_eq!(p.security.dpop, Some(super::super::DpopAlg::ES256));
        s.authorization_details = Some("{}".into());
        assert!(matches!(
            build("p".parse().unwrap(), &s, None, Held::default()),
            Err(ProviderError::InvalidAuthorizationDetails(_))
        ));
        let mut s = spec();
        s.auth_method = Some(AuthMethod::TlsClientAuth);
        assert_eq!(
            build("p".parse().unwrap(), &s, None, Held::default()),
            Err(ProviderError::CertificateRequired(
                AuthMethod::TlsClientAuth
            ))
        );
        let held = Held {
            certificate: true,
            ..Held::default()
        };
        let p = build("p".parse().unwrap(), &s, None, held).unwrap();
        assert!(p.security.client_certificate);
    }
}
