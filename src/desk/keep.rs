//! The `Desk` as the keeper's [`Renewer`]: plans come from the vault's token sets, renewals are
//! [`Desk::refresh`] (single-flight across processes, rotated token persisted first).

use super::{Desk, DeskError};
use crate::keeper::{Plan, RenewError, Renewer};
use crate::provider::Provider;
use crate::token::{Grant, TokenSet, TokenStatus};

/// The keeper's plan for a token set: at the margin before expiry, renew it — or, when it
/// can't be renewed, announce that it is about to expire.
pub fn plan_for(provider: &Provider, tokens: &TokenSet) -> Option<Plan> {
    if tokens.status != TokenStatus::Active {
        return None;
    }
    let renewable = tokens.refresh_token.is_some() || tokens.grant == Grant::ClientCredentials;
    let expires_at = tokens.expires_at?;
    let margin = tokens
        .refresh_margin_with(provider.refresh_margin_secs)
        .unwrap_or(0);
    Some(Plan {
        provider: provider.name.to_string(),
        due_at: expires_at - margin,
        expires_at: Some(expires_at),
        renewable,
    })
}

impl Renewer for Desk {
    async fn plans(&self) -> Vec<Plan> {
        let providers = match self.providers() {
            Ok(p) => p,
            Err(e) => {
                tracing::warn!("keeper: could not read the providers: {e}");
                return vec![];
            }
        };
        let data = match self.read_vault().await {
            Ok(d) => d,
            Err(e) => {
                tracing::warn!("keeper: could not read the vault: {e}");
                return vec![];
            }
        };
        providers
            .iter()
            .filter(|p| p.auto_refresh)
            .filter_map(|p| {
                let tokens = data.provider(p.name.as_str())?.tokens.as_ref()?;
                plan_for(p, tokens)
            })
            .collect()
    }

    async fn renew(&self, provider: &str) -> Result<Option<Plan>, RenewError> {
        match self.refresh(provider, false).await {
            Ok(tokens) => Ok(self
                .provider(provider)
                .ok()
                .and_then(|p| plan_for(&p, &tokens))),
            Err(e) if e.is_transient() => Err(RenewError::Transient(e.to_string())),
            Err(e) => {
                let sign_in_needed =
                    matches!(
                        e,
                        DeskError::SignInNeeded { .. } | DeskError::NotSignedIn { .. }
                    ) || e.oauth_error().is_some_and(|o| o.error == "invalid_grant");
                Err(RenewError::Fatal {
                    reason: e.to_string(),
                    sign_in_needed,
                })
            }
        }
    }
}
