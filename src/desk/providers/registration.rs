//! A client without a console: registered dynamically as a native app (RFC 7591) — or named
//! by its Client ID Metadata Document where the server takes those — and deleted at the server
//! again (RFC 7592). The registration access token stays in the vault.

use super::error::{Asked, Internal, InvalidInput, Unsupported};
use super::{ClientSecrets, Desk, DeskError};
use crate::flow::registration::{self, RegistrationError};
use crate::store::vault::StoredRegistration;
use oauth_desk_core::provider::discovery::discover;
use oauth_desk_core::provider::{
    ClientOrigin, DEFAULT_REDIRECT_URI, Provider, ProviderError, ProviderRef, ProviderSpec,
    RedirectTarget, redirect_target, transport,
};
use oauth_desk_core::secret::Secret;

/// One request to add a provider, whatever makes it: the settings as given, an API's URL whose
/// metadata (RFC 9728) names the server, a client OAuth Desk makes (registration, RFC 7591, or
/// a Client ID Metadata Document). Which of them applies is the engine's rule, not the front
/// end's ([`Desk::add_provider`]).
#[derive(Debug, Default)]
pub struct AddProvider {
    pub spec: ProviderSpec,
    pub secrets: ClientSecrets,
    /// How to make a client when the spec has none, or registration is asked for.
    pub make: MakeClient,
    /// The API's URL the provider starts from, when it does.
    pub from_resource: Option<String>,
}

impl AddProvider {
    /// A provider from its settings as given.
    pub fn new(spec: ProviderSpec, secrets: ClientSecrets) -> AddProvider {
        AddProvider {
            spec,
            secrets,
            ..AddProvider::default()
        }
    }
}

/// How a client is to be made when the spec has no client id, or `register` asks for one.
#[derive(Debug, Clone, Default)]
pub struct MakeClient {
    /// Register a client (RFC 7591) rather than use the spec's client id.
    pub register: bool,
    /// RFC 7591 §3's initial access token, for servers that need one.
    pub initial_access_token: Option<Secret>,
    /// A Client ID Metadata Document URL, used when the server takes those.
    pub client_metadata_url: Option<String>,
}

impl From<RegistrationError> for DeskError {
    fn from(e: RegistrationError) -> Self {
        DeskError::Registration(e)
    }
}

/// The registration endpoint the server's metadata names: the initial access token goes
/// there and the client secret comes back from it, so it is held to the https rule of every
/// endpoint (plain http only on this machine, or with the provider's `allow_http`).
fn check_registration_endpoint(
    endpoint: &url::Url,
    document: &url::Url,
    allow_http: bool,
) -> Result<(), ProviderError> {
    let named_by = format!("registration_endpoint in {document}");
    transport::check_named("registration endpoint", endpoint, &named_by, allow_http)
}

/// A Client ID Metadata Document URL: the client's id, and where the server reads the
/// client's redirect URIs — the https rule, as for an endpoint.
fn metadata_document_url(url: &str, allow_http: bool) -> Result<url::Url, ProviderError> {
    let field = "Client ID Metadata Document URL";
    let parsed = oauth_desk_core::provider::parse_endpoint(field, url)?;
    transport::check(field, &parsed, allow_http)?;
    Ok(parsed)
}

/// What a registration left to keep once the provider is saved.
struct Made {
    origin: ClientOrigin,
    management: Option<StoredRegistration>,
}

impl Desk {
    /// Adds a provider from wherever its settings start: an API's URL (RFC 9728) when given,
    /// a client made by OAuth Desk when `make.register` asks or the spec has no client id, else
    /// the settings as given (template, discovery, the https rule, secrets to the vault).
    pub async fn add_provider(&self, request: AddProvider) -> Result<Provider, DeskError> {
        let AddProvider {
            spec,
            secrets,
            make,
            from_resource,
        } = request;
        match from_resource {
            Some(url) => {
                self.add_provider_from_resource(&url, spec, secrets, make)
                    .await
            }
            None if make.register || spec.client_id.trim().is_empty() => {
                self.add_provider_registered(spec, secrets, make).await
            }
            None => self.save_new_provider(spec, secrets).await,
        }
    }

    /// Adds a provider whose client OAuth Desk makes: a Client ID Metadata Document URL when
    /// the server advertises them and one is given, else dynamic registration as a native app
    /// (`none` auth when the server takes it). A registration whose provider can't be saved is
    /// deleted at the server again.
    pub(in crate::desk) async fn add_provider_registered(
        &self,
        mut spec: ProviderSpec,
        mut secrets: ClientSecrets,
        how: MakeClient,
    ) -> Result<Provider, DeskError> {
        let made = self.make_client(&mut spec, &mut secrets, how).await?;
        let saved = self.save_new_provider(spec, secrets).await;
        let provider = match saved {
            Ok(p) => p,
            Err(e) => {
                if let Some(m) = &made.management
                    && let Ok(uri) = url::Url::parse(&m.client_uri)
                {
                    let _ = registration::delete(&self.http, &uri, &m.access_token).await;
                }
                return Err(e);
            }
        };
        let name = provider.name.to_string();
        if let Some(management) = made.management {
            self.update_client(&name, move |s| s.registration = Some(management))
                .await?;
        }
        let origin = made.origin;
        self.config.update(|config| {
            config.get_mut(&name)?.client_origin = Some(origin);
            Ok::<_, crate::store::config::ConfigError>(())
        })?;
        self.provider(&ProviderRef::local(provider.name)).await
    }

    async fn make_client(
        &self,
        spec: &mut ProviderSpec,
        secrets: &mut ClientSecrets,
        how: MakeClient,
    ) -> Result<Made, DeskError> {
        let issuer = spec
            .issuer
            .clone()
            .ok_or_else(|| DeskError::from(Unsupported::RegistrationNeedsIssuer))?;
        let discovered = discover(&self.http, &issuer, spec.allow_http).await?;
        if let Some(url) = how.client_metadata_url.filter(|u| !u.trim().is_empty())
            && discovered.client_id_metadata_document_supported
        {
            metadata_document_url(&url, spec.allow_http)?;
            spec.client_id = url.trim().to_owned();
            spec.auth_method = Some(oauth_desk_core::provider::AuthMethod::None);
            return Ok(Made {
                origin: ClientOrigin::MetadataDocument {
                    url: spec.client_id.clone(),
                },
                management: None,
            });
        }
        let endpoint = discovered.registration_endpoint.ok_or_else(|| {
            DeskError::from(Unsupported::NoRegistrationEndpoint {
                issuer: issuer.to_string(),
            })
        })?;
        check_registration_endpoint(&endpoint, &discovered.document_url, spec.allow_http)?;
        let redirect = spec.redirect_uri.as_deref().unwrap_or(DEFAULT_REDIRECT_URI);
        let mut redirect = url::Url::parse(redirect).map_err(|e| {
            DeskError::from(InvalidInput::RedirectUri {
                uri: redirect.to_string(),
                reason: e.to_string(),
            })
        })?;
        // Many servers compare a redirect URI exactly, port included (RFC 8252 §7.3
        // notwithstanding): a client that registers itself registers the port it will listen
        // on, and keeps it.
        if redirect_target(&redirect) == (RedirectTarget::Loopback { port: None }) {
            let port = free_loopback_port().map_err(|e| InvalidInput::RedirectUri {
                uri: redirect.to_string(),
                reason: format!("no free port on 127.0.0.1 to register: {e}"),
            })?;
            let _ = redirect.set_port(Some(port));
            spec.redirect_uri = Some(redirect.to_string());
        }
        let method = registration::native_auth_method(&discovered.token_endpoint_auth_methods);
        let metadata = registration::native_metadata(&redirect, method, spec.scope.as_deref());
        let registered = registration::register(
            &self.http,
            &endpoint,
            &metadata,
            how.initial_access_token.as_ref(),
        )
        .await?;
        spec.client_id = registered.client_id;
        spec.auth_method = registered.token_endpoint_auth_method.parse().ok();
        // A secret beside a registered `none` is never sent: not kept either (the answer is
        // what was registered, RFC 7591 §3.2.1).
        secrets.client_secret = registered
            .client_secret
            .filter(|_| spec.auth_method != Some(oauth_desk_core::provider::AuthMethod::None));
        let management = match (
            registered.registration_access_token,
            registered.registration_client_uri,
        ) {
            (Some(access_token), Some(uri)) => Some(StoredRegistration {
                access_token,
                client_uri: uri.to_string(),
            }),
            _ => None,
        };
        Ok(Made {
            origin: ClientOrigin::Registered {
                at: crate::clock::now(),
                managed: management.is_some(),
            },
            management,
        })
    }

    /// Deletes the provider's registered client at the server (RFC 7592 §2.3), then forgets
    /// the provider. A server that refuses leaves the provider as it was.
    pub async fn unregister_provider(&self, reference: &ProviderRef) -> Result<(), DeskError> {
        // A project's provider is never the config's registered client, whatever its name.
        self.refuse_project_edit(reference, "the registered client")?;
        let provider = self.provider_to_use(&reference.default_identity()).await?;
        let stored = self
            .client_secrets_stored(reference.name.as_str())
            .await?
            .registration;
        let Some(stored) = stored else {
            return Err(Unsupported::NotRegisteredHere {
                provider: provider.name.to_string(),
                asked: Asked::Remove,
            }
            .into());
        };
        let uri = url::Url::parse(&stored.client_uri).map_err(|e| Internal::StoredUri {
            what: "registration client URI",
            reason: e.to_string(),
        })?;
        transport::check("registration client URI", &uri, provider.allow_http)?;
        registration::delete(&self.http, &uri, &stored.access_token).await?;
        self.remove_provider(reference).await
    }

    /// Sends the provider's current settings (redirect URI, scope) to its registered client
    /// (RFC 7592 §2.2) and keeps what comes back: a new registration access token, client URI
    /// or secret replaces the stored one. Says whether the registration access token changed.
    pub async fn update_registration(&self, reference: &ProviderRef) -> Result<bool, DeskError> {
        self.refuse_project_edit(reference, "the registered client")?;
        let provider = self.provider_to_use(&reference.default_identity()).await?;
        let name = reference.name.to_string();
        let stored = self.client_secrets_stored(&name).await?;
        let Some(management) = stored.registration else {
            return Err(Unsupported::NotRegisteredHere {
                provider: provider.name.to_string(),
                asked: Asked::Change,
            }
            .into());
        };
        let uri = url::Url::parse(&management.client_uri).map_err(|e| Internal::StoredUri {
            what: "registration client URI",
            reason: e.to_string(),
        })?;
        transport::check("registration client URI", &uri, provider.allow_http)?;
        let mut metadata = registration::native_metadata(
            &provider.redirect_uri,
            &provider.auth_method.to_string(),
            Some(provider.scope.as_str()),
        );
        metadata["client_id"] = provider.client_id.as_str().into();
        if let Some(secret) = &stored.client_secret {
            metadata["client_secret"] = secret.expose().into();
        }
        let updated =
            registration::update(&self.http, &uri, &management.access_token, &metadata).await?;
        let rotated = updated
            .registration_access_token
            .as_ref()
            .is_some_and(|t| t.expose() != management.access_token.expose());
        self.update_client(&name, move |s| {
            if let Some(kept) = &mut s.registration {
                if let Some(token) = updated.registration_access_token {
                    kept.access_token = token;
                }
                if let Some(uri) = updated.registration_client_uri {
                    kept.client_uri = uri.to_string();
                }
            }
            if updated.client_secret.is_some() {
                s.client_secret = updated.client_secret;
            }
        })
        .await?;
        Ok(rotated)
    }
}

/// A port free on 127.0.0.1 now (the system's choice), for a redirect URI to register.
fn free_loopback_port() -> std::io::Result<u16> {
    Ok(std::net::TcpListener::bind(("127.0.0.1", 0))?
        .local_addr()?
        .port())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> url::Url {
        url::Url::parse(s).unwrap()
    }

    #[test]
    fn a_plain_http_registration_endpoint_off_loopback_is_refused_naming_the_metadata() {
        let document = url("https://idp.example/.well-known/openid-configuration");
        let e = check_registration_endpoint(&url("http://idp.example/reg"), &document, false)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("http://idp.example/reg")
                && e.contains(&format!("registration_endpoint in {document}")),
            "the initial access token would travel in the clear; the refusal names the URL and the document: {e}"
        );
        for ok in [
            "https://idp.example/reg",
            "http://127.0.0.1:8080/reg",
            "http://[::1]/reg",
        ] {
            assert!(
                check_registration_endpoint(&url(ok), &document, false).is_ok(),
                "{ok}"
            );
        }
        assert!(
            check_registration_endpoint(&url("http://idp.example/reg"), &document, true).is_ok(),
            "the provider's allow_http covers its registration endpoint"
        );
    }

    #[test]
    fn a_client_metadata_document_url_is_https_unless_on_this_machine() {
        let e = metadata_document_url("http://app.example/client.json", false)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("Client ID Metadata Document URL http://app.example/client.json"),
            "{e}"
        );
        assert!(metadata_document_url("https://app.example/client.json", false).is_ok());
        assert!(metadata_document_url("http://localhost:3000/client.json", false).is_ok());
        assert!(metadata_document_url("http://app.example/client.json", true).is_ok());
        assert!(
            metadata_document_url("not a url", false).is_err(),
            "a client id that is to be a URL must be one"
        );
    }
}
