//! The grants a provider's client makes without a person at a login page: token exchange
//! (RFC 8693) with another provider's token as the subject, the JWT-bearer grant (RFC 7523)
//! with another provider's ID token, a given assertion or one signed here, and the legacy
//! password grant. Each stores its tokens like a sign-in, with how to have them again when the
//! server gives no refresh token (the subject's token exchanged again, a new assertion).

use serde_json::{Map, Value};

use super::advice::Endpoint;
use super::error::no_endpoint;
use super::signin::{Destination, chosen_scope as chosen};
use super::{ClientContext, Desk, DeskError};
use crate::clock::now;
use crate::flow::grants::{ExchangeTargets, ExchangeTokenType, assertion_claims, sign_assertion};
use crate::flow::{Client, FlowError};
use crate::http::Http;
use oauth_desk_core::grant::{AssertionSource, ExchangeRequest, JwtBearerRequest, Renewal};
use oauth_desk_core::provider::ProviderRef;
use oauth_desk_core::provider::{Provider, Scope};
use oauth_desk_core::secret::Secret;
use oauth_desk_core::token::{Grant, TokenKind, TokenResponse, TokenSet};

/// The grants of this module, for their errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum OtherGrant {
    TokenExchange,
    JwtBearer,
    Password,
}

impl OtherGrant {
    pub fn title(self) -> &'static str {
        match self {
            OtherGrant::TokenExchange => "token exchange",
            OtherGrant::JwtBearer => "JWT-bearer grant",
            OtherGrant::Password => "password grant",
        }
    }
}

fn failed(grant: OtherGrant) -> impl FnOnce(FlowError) -> DeskError {
    move |source| DeskError::Grant { grant, source }
}

impl Desk {
    /// Exchanges another provider's token (RFC 8693) for tokens of provider `name`, stored as
    /// its tokens and exchanged again when due if no refresh token came back.
    pub async fn exchange(
        &self,
        reference: &ProviderRef,
        request: ExchangeRequest,
    ) -> Result<TokenSet, DeskError> {
        let context = self.client(reference).await?;
        let target = context.target.clone();
        let scope = chosen(request.scope.as_ref(), &context.provider.scope);
        let recorder = context.recorder.clone();
        let result = async {
            let response = self
                .exchange_response(
                    &context.client,
                    &self.http.recording(&recorder),
                    &request,
                    &scope,
                    &recorder,
                )
                .await?;
            let renewal = Renewal::Exchange(Box::new(request));
            self.store_new(
                &target,
                response,
                &scope,
                (Grant::TokenExchange, Some(renewal)),
                Destination::Provider,
            )
            .await
        }
        .await;
        self.save_trace(&target, "token exchange", &recorder);
        self.published(&target, result).await
    }

    async fn exchange_response(
        &self,
        client: &Client,
        http: &Http,
        request: &ExchangeRequest,
        scope: &Scope,
        recorder: &oauth_desk_core::trace::Recorder,
    ) -> Result<TokenResponse, DeskError> {
        let subject = self
            .token_of(&request.subject_from, request.subject_token)
            .await?;
        recorder.secret(&subject.0);
        let actor = match &request.actor_from {
            Some(actor) => {
                let token = self.token_of(actor, request.actor_token).await?;
                recorder.secret(&token.0);
                Some(token)
            }
            None => None,
        };
        let targets = ExchangeTargets {
            audience: request.audience.clone(),
            resource: request.resource.clone(),
            scope: Some(scope.clone()),
            requested_token_type: request.requested_token_type.clone(),
        };
        client
            .token_exchange(
                http,
                (&subject.0, subject.1),
                actor.as_ref().map(|(t, k)| (t, *k)),
                &targets,
            )
            .await
            .map_err(failed(OtherGrant::TokenExchange))
    }

    /// One of another provider's tokens, with its RFC 8693 type; the access token fresh. A
    /// provider without it is named as the other one, not this action's.
    async fn token_of(
        &self,
        provider: &ProviderRef,
        kind: TokenKind,
    ) -> Result<(Secret, ExchangeTokenType), DeskError> {
        self.own_token_of(provider, kind)
            .await
            .map_err(|e| match e {
                DeskError::NotSignedIn { name } => DeskError::OtherNotSignedIn {
                    provider: name,
                    problem: "is not signed in".into(),
                },
                DeskError::SignInNeeded { name, reason } => DeskError::OtherNotSignedIn {
                    provider: name,
                    problem: format!("needs a new sign-in ({reason})"),
                },
                other => other,
            })
    }

    async fn own_token_of(
        &self,
        provider: &ProviderRef,
        kind: TokenKind,
    ) -> Result<(Secret, ExchangeTokenType), DeskError> {
        if kind == TokenKind::Access {
            return Ok((
                self.fresh_token(provider).await?.token,
                ExchangeTokenType::Access,
            ));
        }
        let tokens = self
            .tokens(provider)
            .await?
            .ok_or_else(|| DeskError::NotSignedIn {
                name: provider.to_string(),
            })?;
        let missing = |what: &str| DeskError::SignInNeeded {
            name: provider.to_string(),
            reason: format!("it holds no {what}"),
        };
        match kind {
            TokenKind::Id => Ok((
                tokens
                    .id_token
                    .ok_or_else(|| missing("ID token"))?
                    .into_secret(),
                ExchangeTokenType::Id,
            )),
            _ => Ok((
                tokens
                    .refresh_token
                    .ok_or_else(|| missing("refresh token"))?
                    .into_secret(),
                ExchangeTokenType::Refresh,
            )),
        }
    }

    /// The JWT-bearer grant (RFC 7523 §2.1): another provider's ID token, a given assertion, or
    /// one signed with this provider's private key.
    pub async fn jwt_bearer(
        &self,
        reference: &ProviderRef,
        request: JwtBearerRequest,
    ) -> Result<TokenSet, DeskError> {
        let context = self.client(reference).await?;
        let target = context.target.clone();
        let scope = chosen(request.scope.as_ref(), &context.provider.scope);
        let recorder = context.recorder.clone();
        let result = async {
            let assertion = self
                .assertion(&context.provider, &context.client, &request.assertion)
                .await?;
            recorder.secret(&assertion);
            let response = context
                .client
                .jwt_bearer(&self.http.recording(&recorder), &assertion, &scope)
                .await
                .map_err(failed(OtherGrant::JwtBearer))?;
            let renewal = request.assertion.renewal();
            self.store_new(
                &target,
                response,
                &scope,
                (Grant::JwtBearer, renewal),
                Destination::Provider,
            )
            .await
        }
        .await;
        self.save_trace(&target, "JWT bearer", &recorder);
        self.published(&target, result).await
    }

    /// The claims a self-signed assertion of provider `name` would carry, for a front end to
    /// show before signing (the `jti`, `iat` and `exp` are made anew when it is signed).
    pub async fn assertion_preview(
        &self,
        reference: &ProviderRef,
        subject: Option<&str>,
        issuer: Option<&str>,
    ) -> Result<Map<String, Value>, DeskError> {
        let provider = self.provider(reference).await?;
        let audience = provider
            .token_endpoint()
            .ok_or_else(|| no_endpoint(&reference.to_string(), Endpoint::Token))?;
        assertion_claims(
            provider.client_id.as_str(),
            issuer,
            subject,
            audience,
            now(),
        )
        .map_err(DeskError::Flow)
    }

    async fn assertion(
        &self,
        provider: &Provider,
        client: &Client,
        source: &AssertionSource,
    ) -> Result<Secret, DeskError> {
        match source {
            AssertionSource::Given(assertion) => Ok(assertion.clone()),
            AssertionSource::IdTokenOf(other) => Ok(self.token_of(other, TokenKind::Id).await?.0),
            AssertionSource::SelfSigned { subject, issuer } => {
                let key = client
                    .credentials
                    .private_key
                    .as_ref()
                    .ok_or(DeskError::Flow(FlowError::MissingPrivateKey))?;
                let claims = assertion_claims(
                    provider.client_id.as_str(),
                    issuer.as_deref(),
                    subject.as_deref(),
                    &client.token_endpoint,
                    now(),
                )
                .map_err(DeskError::Flow)?;
                Ok(sign_assertion(&claims, key).map_err(DeskError::Flow)?)
            }
        }
    }

    /// The password grant (RFC 6749 §4.3; RFC 9700 forbids it — see
    /// [`oauth_desk_core::grant::PASSWORD_GRANT_WARNING`]). The password is sent once and never kept.
    pub async fn password_grant(
        &self,
        reference: &ProviderRef,
        username: &str,
        password: Secret,
        scope: Option<&Scope>,
    ) -> Result<TokenSet, DeskError> {
        let ClientContext {
            target,
            provider,
            client,
            recorder,
            ..
        } = self.client(reference).await?;
        let scope = chosen(scope, &provider.scope);
        recorder.secret(&password);
        let result = async {
            let response = client
                .password(&self.http.recording(&recorder), username, &password, &scope)
                .await
                .map_err(failed(OtherGrant::Password))?;
            self.store_new(
                &target,
                response,
                &scope,
                (Grant::Password, None),
                Destination::Provider,
            )
            .await
        }
        .await;
        self.save_trace(&target, "password", &recorder);
        self.published(&target, result).await
    }

    /// Tokens without a refresh token, had again the way they were first had (client
    /// credentials, an exchange, an assertion); `None` when they can't be.
    pub(in crate::desk) async fn request_again(
        &self,
        context: &ClientContext,
        http: &Http,
        tokens: &TokenSet,
    ) -> Option<Result<TokenResponse, DeskError>> {
        let scope = &tokens.requested_scope;
        let client = &context.client;
        Some(match (&tokens.grant, &tokens.renewal) {
            (Grant::ClientCredentials, _) => client
                .client_credentials(http, scope)
                .await
                .map_err(DeskError::Flow),
            (Grant::TokenExchange, Some(Renewal::Exchange(request))) => {
                self.exchange_response(client, http, request, scope, &context.recorder)
                    .await
            }
            (Grant::JwtBearer, Some(renewal)) => {
                let source = match renewal {
                    Renewal::IdTokenOf { provider } => AssertionSource::IdTokenOf(provider.clone()),
                    Renewal::SelfSigned { subject, issuer } => AssertionSource::SelfSigned {
                        subject: subject.clone(),
                        issuer: issuer.clone(),
                    },
                    Renewal::Exchange(_) => return None,
                };
                async {
                    let assertion = self.assertion(&context.provider, client, &source).await?;
                    context.recorder.secret(&assertion);
                    client
                        .jwt_bearer(http, &assertion, scope)
                        .await
                        .map_err(failed(OtherGrant::JwtBearer))
                }
                .await
            }
            _ => return None,
        })
    }
}
