//! A provider form being filled in, checked by the engine as the person types: every field's
//! problem in the words saving would use, without asking any server (the rules are
//! `provider::check`'s, which are `provider::build`'s).

use serde::{Deserialize, Serialize};

use super::Desk;
use oauth_desk_core::provider::ProviderSpec;
use oauth_desk_core::provider::build::Held;
use oauth_desk_core::provider::check::{DraftContext, SpecProblem, check_spec};

/// The form as it stands: the settings, which secrets the provider will hold once saved
/// (typed in now, or kept from the provider being edited), and the API URL it is made from.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ProviderDraft {
    pub spec: ProviderSpec,
    pub client_secret: bool,
    pub private_key: bool,
    pub client_certificate: bool,
    /// Made from an API's URL (RFC 9728) instead of an issuer or a token URL.
    pub api_url: Option<String>,
}

impl Desk {
    /// What is wrong with `draft`, field by field (empty when it can be saved, discovery
    /// permitting). Cheap and local: meant to be called on every keystroke.
    pub fn check_provider_draft(&self, draft: &ProviderDraft) -> Vec<SpecProblem> {
        check_spec(
            &draft.spec,
            DraftContext {
                held: Held {
                    secret: draft.client_secret,
                    private_key: draft.private_key,
                    certificate: draft.client_certificate,
                },
                api_url: draft.api_url.as_deref(),
            },
        )
    }
}
