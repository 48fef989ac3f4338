//! The authorization request's protections, applied between making the request and opening
//! it: the DPoP key it binds the code to (`dpop_jkt`, RFC 9449 §10), a signed request object
//! (RFC 9101) and a pushed request (RFC 9126) — in that order, so a request object is what
//! gets pushed when both are on. Whether to push is decided here too, and so is reading a
//! refusal as "this client must push".

use super::{Desk, DeskError};
use crate::flow::authorize::AuthorizationError;
use crate::flow::request_object::{self, RequestSigner};
use crate::flow::{Client, FlowError};
use crate::login::{LoginError, Prepared};
use oauth_desk_core::provider::{Endpoint, ParMode, Provider, RequestObjectMode};

/// Whether a sign-in pushes its request from the start: always with `on`; with `auto` when
/// the server's metadata requires it.
pub(in crate::desk) fn pushes_first(provider: &Provider) -> bool {
    match provider.security.par {
        ParMode::On => true,
        ParMode::Off => false,
        ParMode::Auto => provider.server_security.requires_par,
    }
}

/// Whether `error` is the server refusing a plain authorization request because this client
/// must push it (RFC 9126 §6: `invalid_request`; servers word the reason their own way).
pub(in crate::desk) fn is_par_required_refusal(error: &DeskError) -> bool {
    let DeskError::Login(LoginError::Flow(FlowError::Authorization(AuthorizationError::Denied(e)))) =
        error
    else {
        return false;
    };
    let description = e
        .error_description
        .as_deref()
        .unwrap_or_default()
        .to_ascii_lowercase();
    // "Pushed Authorization Request must be used" (oidc-provider), "… requires pushed
    // authorization requests (PAR)", "PAR required".
    let says_par = description
        .split(|c: char| !c.is_ascii_alphanumeric())
        .any(|word| word == "par");
    e.error == "invalid_request" && (description.contains("pushed") || says_par)
}

/// What the front end is told before a sign-in is tried again with PAR.
pub const PAR_RETRY_NOTE: &str = "the server requires this client to push its authorization requests (RFC 9126): signing in again with a pushed request";

impl Desk {
    /// Applies the provider's protections to the prepared request, pushing it when `push`;
    /// returns how many seconds a pushed request stays usable.
    pub(in crate::desk) async fn protect(
        &self,
        prepared: &mut Prepared,
        client: &Client,
        push: bool,
    ) -> Result<Option<u64>, DeskError> {
        let provider = &prepared.provider;
        if let Some(dpop) = &client.dpop {
            prepared.request.bind_to_dpop_key(dpop.key.thumbprint());
        }
        if provider.security.request_object == RequestObjectMode::Signed {
            let signer = match (&client.credentials.private_key, &client.credentials.secret) {
                (Some(key), _) => RequestSigner::PrivateKey(key.clone()),
                (None, Some(secret)) => RequestSigner::Secret(secret.clone()),
                (None, None) => {
                    return Err(FlowError::from(request_object::RequestObjectError::NoKey).into());
                }
            };
            // The request object's audience is the issuer (RFC 9101 §4); without discovery,
            // the authorization endpoint's origin is the best guess.
            let audience = provider.issuer.as_ref().map_or_else(
                || prepared.request.endpoint.origin().ascii_serialization(),
                ToString::to_string,
            );
            let jwt = request_object::sign(
                prepared.request.params(),
                provider.client_id.as_str(),
                &audience,
                &signer,
                &provider.server_security.request_object_algs,
            )
            .map_err(FlowError::from)?;
            prepared.recorder.secret(&jwt);
            prepared.request.use_request_object(&jwt);
        }
        if push {
            let endpoint = provider
                .endpoint(Endpoint::PushedAuthorization)
                .cloned()
                .ok_or_else(|| {
                    super::error::no_endpoint(provider.name.as_str(), Endpoint::PushedAuthorization)
                })?;
            let http = self.http.recording(&prepared.recorder);
            let pushed = client
                .push_authorization_request(&http, &endpoint, prepared.request.params())
                .await?;
            prepared.request.use_pushed(&pushed.request_uri);
            // The request_uri is single-use and short-lived: the page to open says until when
            // (every attempt pushes anew).
            return Ok(pushed.expires_in);
        }
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use oauth_desk_core::token::OAuthError;

    fn refusal(error: &str, description: &str) -> DeskError {
        DeskError::Login(LoginError::Flow(FlowError::Authorization(
            AuthorizationError::Denied(OAuthError {
                error: error.into(),
                error_description: Some(description.into()),
                error_uri: None,
                status: None,
            }),
        )))
    }

    #[test]
    fn a_refusal_asking_for_par_is_recognised_as_servers_word_it() {
        for said in [
            "Pushed Authorization Request must be used",
            "The authorization server requires pushed authorization requests (PAR)",
            "PAR required",
        ] {
            assert!(
                is_par_required_refusal(&refusal("invalid_request", said)),
                "{said}"
            );
        }
        assert!(!is_par_required_refusal(&refusal(
            "invalid_request",
            "missing parameter: scope"
        )));
        assert!(!is_par_required_refusal(&refusal(
            "access_denied",
            "pushed"
        )));
    }
}
