//! `audit --active`: the passive audit, then sign-ins made to probe the server (each a fresh
//! session through the front end's host — the login window or `$BROWSER`), whose codes are
//! exchanged the ways a correct client never does. Nothing is stored: the provider's tokens
//! and trace stay as they were. [`oauth_desk_core::audit::active`] judges what the server answered.

use super::signin::{Destination, SignInRequest};
use super::target::Target;
use super::{Desk, DeskError, SignInHost};
use crate::flow::{Client, FlowError};
use crate::login::AuthorizedCode;
use oauth_desk_core::audit::active::{self, Answer, Rotation};
use oauth_desk_core::audit::{AuditReport, Finding};
use oauth_desk_core::provider::{AuthMethod, Param, PkceMode, ProviderRef};
use oauth_desk_core::secret::{PkceVerifier, random_urlsafe};
use oauth_desk_core::token::{TokenError, TokenResponse};

impl Desk {
    /// What [`Desk::audit_active`] will do to the provider's server — the server named, each
    /// probe said — for the front ends to show and have agreed to before they call it (a
    /// replayed code can make the server revoke the grant, the provider's tokens with it).
    /// Signs in nowhere and makes no token request.
    pub async fn active_audit_plan(
        &self,
        reference: &ProviderRef,
    ) -> Result<oauth_desk_core::audit::ActivePlan, DeskError> {
        let provider = self.provider_to_use(reference).await?;
        Ok(oauth_desk_core::audit::plan::active(
            &reference.to_string(),
            &provider,
        ))
    }

    /// [`Desk::audit`], then the active probes: the fresh sign-ins
    /// [`Desk::active_audit_plan`] lists, through `host`. A sign-in that fails skips the probes that needed it, saying why.
    pub async fn audit_active(
        &self,
        reference: &ProviderRef,
        host: &impl SignInHost,
    ) -> Result<AuditReport, DeskError> {
        let mut report = self.audit(reference).await?;
        let target = self.target(reference).await?;
        let findings = if target.provider.endpoints.authorization.is_none() {
            let why = "the provider has no authorization endpoint: the probes need sign-ins";
            every_probe_skipped(why)
        } else {
            self.probes(&target, host).await
        };
        report.findings.extend(findings);
        Ok(report)
    }

    async fn probes(&self, target: &Target, host: &impl SignInHost) -> Vec<Finding> {
        let provider = &target.provider;
        let issuer = provider.issuer.as_ref().map_or("", |i| i.as_str());
        let mut findings = Vec::new();
        let mut sign_ins = 0;
        let mut iss = None;

        // 1: a code exchanged twice; the first tokens' refresh token used again after rotation.
        host.note("audit: sign-in 1 of 4 — the code will be exchanged twice");
        match self.probe_sign_in(target, host).await {
            Ok((client, code)) => {
                sign_ins += 1;
                iss.clone_from(&code.response.iss);
                match self.probe_exchange(&client, &code, Exchange::AsIs).await {
                    Ok(tokens) => {
                        // Rotation first: a server that answers a replayed code by revoking
                        // the grant (as it should) would leave no refresh token to rotate.
                        findings.push(self.rotation(&client, target, &tokens).await);
                        let second = self.probe_exchange(&client, &code, Exchange::AsIs).await;
                        let active = self.still_active(&client, target, &tokens).await;
                        findings.push(active::code_replay(&answer(second), active));
                    }
                    Err(e) => {
                        let why = format!("the first exchange failed: {e}");
                        findings.push(skip(active::CODE_REPLAY, &why));
                        findings.push(skip(active::REFRESH_ROTATION, &why));
                    }
                }
            }
            Err(e) => {
                let why = sign_in_failed(&e);
                findings.push(skip(active::CODE_REPLAY, &why));
                findings.push(skip(active::REFRESH_ROTATION, &why));
            }
        }

        // 2 and 3: a code without its verifier, another with a wrong one.
        if provider.pkce == PkceMode::Off {
            let why = "PKCE is off for this provider: nothing to downgrade";
            findings.push(skip(active::PKCE_DOWNGRADE, why));
        } else {
            let mut answers = Vec::new();
            for (n, how, exchange) in [
                (2, "without its PKCE verifier", Exchange::NoVerifier),
                (3, "with a wrong PKCE verifier", Exchange::WrongVerifier),
            ] {
                host.note(&format!(
                    "audit: sign-in {n} of 4 — the code will be exchanged {how}"
                ));
                match self.probe_sign_in(target, host).await {
                    Ok((client, code)) => {
                        sign_ins += 1;
                        answers.push(answer(self.probe_exchange(&client, &code, exchange).await));
                    }
                    Err(e) => answers.push(Answer::Unknown(sign_in_failed(&e))),
                }
            }
            findings.push(active::pkce_downgrade(&answers[0], &answers[1]));
        }

        // 4: a code at the token endpoint with another redirect URI.
        host.note("audit: sign-in 4 of 4 — the code will be exchanged with another redirect_uri");
        match self.probe_sign_in(target, host).await {
            Ok((client, code)) => {
                sign_ins += 1;
                let other = other_redirect_uri(&code.request.redirect_uri);
                let result = self
                    .probe_exchange(&client, &code, Exchange::RedirectUri(other.clone()))
                    .await;
                findings.push(active::redirect_mismatch(other.as_str(), &answer(result)));
            }
            Err(e) => findings.push(skip(active::REDIRECT_MISMATCH, &sign_in_failed(&e))),
        }

        if sign_ins > 0 {
            findings.push(active::iss_response(
                iss.as_deref(),
                provider.iss_parameter_supported,
                issuer,
            ));
            findings.push(active::state_echo(sign_ins));
        } else {
            let why = "no sign-in succeeded";
            findings.push(skip(active::ISS_RESPONSE, why));
            findings.push(skip(active::STATE_ECHO, why));
        }
        findings
    }

    /// One fresh sign-in, up to its authorization response (the code not yet exchanged).
    async fn probe_sign_in(
        &self,
        target: &Target,
        host: &impl SignInHost,
    ) -> Result<(Client, AuthorizedCode), DeskError> {
        // OpenID Connect Core §11: offline_access counts only with prompt=consent, and the
        // rotation probe needs the refresh token it brings.
        let offline = target
            .provider
            .scope
            .as_str()
            .split_whitespace()
            .any(|s| s == "offline_access");
        let request = SignInRequest {
            fresh: true,
            params: if offline {
                vec![Param("prompt".into(), "login consent".into())]
            } else {
                Vec::new()
            },
            ..SignInRequest::default()
        };
        self.authorized(
            target,
            &request,
            host,
            Destination::Lab,
            async |client, authorized| Ok((client.clone(), authorized)),
        )
        .await
    }

    /// The code exchanged as `how` says.
    async fn probe_exchange(
        &self,
        client: &Client,
        authorized: &AuthorizedCode,
        how: Exchange,
    ) -> Result<TokenResponse, FlowError> {
        let Some(code) = &authorized.response.code else {
            return Err(FlowError::MissingEndpoint(
                "code in the authorization response",
            ));
        };
        let http = self.http.recording(&authorized.recorder);
        let request = &authorized.request;
        let own = request.pkce.as_ref().map(|p| p.verifier.clone());
        let (redirect_uri, verifier) = match how {
            Exchange::AsIs => (request.redirect_uri.clone(), own),
            Exchange::NoVerifier => (request.redirect_uri.clone(), None),
            Exchange::WrongVerifier => (
                request.redirect_uri.clone(),
                Some(PkceVerifier::new(random_urlsafe(32)?)),
            ),
            Exchange::RedirectUri(other) => (other, own),
        };
        client
            .exchange_code(&http, code, &redirect_uri, verifier.as_ref())
            .await
    }

    /// Whether the first exchange's access token is still active (introspection), when the
    /// server lets this client ask.
    async fn still_active(
        &self,
        client: &Client,
        target: &Target,
        tokens: &TokenResponse,
    ) -> Option<bool> {
        let endpoint = target.provider.endpoints.introspection.as_ref()?;
        let token = tokens.access_token.clone().into_secret();
        let fields = crate::flow::endpoints::introspect(
            client,
            &self.http,
            endpoint,
            &token,
            "access_token",
        )
        .await
        .ok()?;
        fields.get("active").and_then(serde_json::Value::as_bool)
    }

    /// A public client's refresh token: refreshed, then the old one used again.
    async fn rotation(&self, client: &Client, target: &Target, tokens: &TokenResponse) -> Finding {
        if target.provider.auth_method != AuthMethod::None {
            return skip(
                active::REFRESH_ROTATION,
                "a confidential client: its refresh token is bound to its credentials (RFC 9700 §4.14.2 asks rotation of public clients)",
            );
        }
        let Some(old) = &tokens.refresh_token else {
            return skip(
                active::REFRESH_ROTATION,
                "no refresh token was issued (ask for offline_access, or the server gives none to this client)",
            );
        };
        let rotation = match client.refresh(&self.http, old).await {
            Err(e) => Rotation::RefreshFailed(e.to_string()),
            Ok(refreshed) => match &refreshed.refresh_token {
                Some(new) if new.expose() != old.expose() => Rotation::Rotated {
                    reuse: answer(client.refresh(&self.http, old).await),
                },
                _ => Rotation::Kept {
                    bound: !refreshed.presented.is_empty()
                        || refreshed.token_type.eq_ignore_ascii_case("dpop"),
                },
            },
        };
        active::refresh_rotation(&rotation)
    }
}

/// How a probe exchanges its code.
enum Exchange {
    AsIs,
    NoVerifier,
    WrongVerifier,
    RedirectUri(url::Url),
}

/// The redirect URI with another path: registered nowhere (RFC 8252 lets a loopback port vary,
/// never the path).
fn other_redirect_uri(own: &url::Url) -> url::Url {
    let mut other = own.clone();
    other.set_path("/oauth-desk-audit-mismatch");
    other
}

/// What the token endpoint's answer says, without token values.
fn answer(result: Result<TokenResponse, FlowError>) -> Answer {
    match result {
        Ok(tokens) => {
            let mut what = vec![format!("an access token ({})", tokens.token_type)];
            if tokens.refresh_token.is_some() {
                what.push("a refresh token".into());
            }
            if tokens.id_token.is_some() {
                what.push("an ID token".into());
            }
            Answer::Issued(what.join(", "))
        }
        Err(e) => match (e.oauth_error(), &e) {
            (Some(oauth), _) => Answer::Refused(match oauth.status {
                Some(status) => format!("{oauth}, HTTP {status}"),
                None => oauth.to_string(),
            }),
            (None, FlowError::Token(TokenError::OAuth(_) | TokenError::NotOAuth { .. })) => {
                Answer::Refused(e.to_string())
            }
            (None, _) => Answer::Unknown(e.to_string()),
        },
    }
}

fn skip((id, title, rfc): (&'static str, &'static str, &'static str), why: &str) -> Finding {
    active::skipped(id, title, rfc, why)
}

fn sign_in_failed(e: &DeskError) -> String {
    format!("the sign-in failed: {e}")
}

fn every_probe_skipped(why: &str) -> Vec<Finding> {
    [
        active::CODE_REPLAY,
        active::REFRESH_ROTATION,
        active::PKCE_DOWNGRADE,
        active::REDIRECT_MISMATCH,
        active::ISS_RESPONSE,
        active::STATE_ECHO,
    ]
    .into_iter()
    .map(|probe| skip(probe, why))
    .collect()
}
