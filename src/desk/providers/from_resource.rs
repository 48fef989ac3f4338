//! Starting from an API's URL (RFC 9728): the resource says where its metadata is (the
//! `resource_metadata` of a 401's challenge, else the well-known URL), the metadata names the
//! authorization server and the scopes, and the provider is made from those with the resource
//! indicator (RFC 8707) exactly as the metadata writes it.

use url::Url;

use super::{ClientSecrets, Desk, DeskError};
use oauth_desk_core::provider::resource_metadata::{self, ResourceError, ResourceMetadata};
use oauth_desk_core::provider::{Provider, ProviderSpec, transport};

/// What a resource said about itself, and where.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ResourceFound {
    /// The metadata document's URL.
    pub metadata_url: String,
    /// Whether the resource's own 401 named it (else the well-known URL was asked).
    pub from_challenge: bool,
    pub metadata: ResourceMetadata,
}

impl From<ResourceError> for DeskError {
    fn from(e: ResourceError) -> Self {
        DeskError::Resource(e)
    }
}

impl Desk {
    /// Reads the protected resource metadata of the API at `url`: asks the URL without a token
    /// and follows its challenge's `resource_metadata`, else the well-known URL; checks that the
    /// metadata's resource covers the URL.
    pub async fn resource_metadata(
        &self,
        url: &str,
        allow_http: bool,
    ) -> Result<ResourceFound, DeskError> {
        let url = Url::parse(url.trim())
            .ok()
            .filter(|u| matches!(u.scheme(), "https" | "http"))
            .ok_or_else(|| ResourceError::NotAUrl(url.to_owned()))?;
        transport::check("resource URL", &url, allow_http)?;
        let http = &self.http;
        // A resource that answers its 401 with a large page is still asked at the well-known
        // URL: the probe's failure is not the resource's answer.
        let named = match http.get_json("resource", &url).await {
            Ok(r) if r.status == 401 => r
                .header("www-authenticate")
                .and_then(crate::flow::challenge::resource_metadata),
            _ => None,
        };
        let from_challenge = named.is_some();
        let candidates = match named {
            Some(named) => vec![named],
            None => resource_metadata::well_known_candidates(&url),
        };
        let mut last = None;
        let mut found = None;
        let named_by = if from_challenge {
            format!("resource_metadata in the WWW-Authenticate of {url}'s 401")
        } else {
            format!("the well-known location for {url}")
        };
        for candidate in candidates {
            transport::check_named("resource metadata URL", &candidate, &named_by, allow_http)?;
            let response = http.get_json("resource metadata", &candidate).await?;
            if response.is_success() {
                found = Some((candidate, response));
                break;
            }
            last = Some(ResourceError::Status {
                url: candidate.to_string(),
                status: response.status,
            });
        }
        let Some((metadata_url, response)) = found else {
            return Err(last.unwrap_or(ResourceError::NoServer).into());
        };
        let metadata = resource_metadata::parse(&metadata_url, &response.body)?;
        resource_metadata::check_covers(&metadata, &url)?;
        Ok(ResourceFound {
            metadata_url: metadata_url.to_string(),
            from_challenge,
            metadata,
        })
    }

    /// Adds a provider for the API at `url`: its authorization server (the spec's issuer
    /// chooses among several), the resource indicator as the metadata writes it, and the
    /// resource's scopes unless the spec names some. Without a client id the client is made
    /// as `make` says ([`Desk::add_provider_registered`]).
    pub(in crate::desk) async fn add_provider_from_resource(
        &self,
        url: &str,
        mut spec: ProviderSpec,
        secrets: ClientSecrets,
        make: super::MakeClient,
    ) -> Result<Provider, DeskError> {
        let found = self.resource_metadata(url, spec.allow_http).await?;
        let metadata = &found.metadata;
        let server = resource_metadata::choose_server(
            metadata,
            spec.issuer.as_deref().filter(|i| !i.trim().is_empty()),
        )?;
        if let Ok(server_url) = Url::parse(&server) {
            let named_by = format!("authorization_servers in {}", found.metadata_url);
            transport::check_named(
                "authorization server",
                &server_url,
                &named_by,
                spec.allow_http,
            )?;
        }
        spec.issuer = Some(server);
        if !spec.resources.contains(&metadata.resource) {
            spec.resources.push(metadata.resource.clone());
        }
        if spec.scope.as_deref().is_none_or(|s| s.trim().is_empty())
            && !metadata.scopes_supported.is_empty()
        {
            spec.scope = Some(metadata.scopes_supported.join(" "));
        }
        spec.resource_metadata = Some(found.metadata_url.clone());
        if spec.client_id.trim().is_empty() {
            return self.add_provider_registered(spec, secrets, make).await;
        }
        self.save_new_provider(spec, secrets).await
    }
}
