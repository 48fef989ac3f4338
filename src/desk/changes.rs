//! The change stream: what changed, published by the `Desk` after every action that changes
//! something, so no front end has to announce it. The keeper re-arms from it, the app forwards
//! it to its window, and a `Desk` in another process (the CLI) pokes the running agent, which
//! publishes the change on its own stream.

use serde::{Deserialize, Serialize};

use oauth_desk_core::keeper::KeeperEvent;
use oauth_desk_core::lab::CaseResult;
use oauth_desk_core::provider::Slot;

/// A consent-lab run's progress.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum LabProgress {
    CaseStarted {
        case: String,
        index: usize,
        total: usize,
    },
    CaseFinished {
        result: Box<CaseResult>,
    },
    Finished {
        passed: bool,
    },
}

/// Where a sign-in stands, for a front end showing it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum SignInState {
    /// Waiting for the person in the login window or the browser.
    Waiting,
    /// The provider refuses embedded browsers: sign in with the system browser.
    EmbeddedRefused,
    /// A response that was not this sign-in's reached the loopback listener and was ignored
    /// (the message says why); the sign-in goes on waiting.
    IgnoredResponse,
    Finished,
}

/// What changed, keyed by the [`Slot`] of the token set concerned (its `provider` field,
/// named so on the wire for the front ends).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Change {
    /// Providers were added, edited, removed or reordered; `provider` when it is one.
    Providers { provider: Option<Slot> },
    /// A provider's tokens changed: signed in, refreshed, revoked, forgotten.
    Tokens { provider: Slot },
    /// A renewal of a provider's tokens started.
    Refreshing { provider: Slot },
    /// A sign-in's progress.
    SignIn {
        provider: Slot,
        state: SignInState,
        message: Option<String>,
    },
    /// What the background keeper did.
    Keeper { event: KeeperEvent },
    /// A consent-lab run's progress (this process only).
    Lab {
        provider: Slot,
        progress: LabProgress,
    },
}

impl Change {
    /// Whether the keeper's schedule may be different after this change.
    pub fn moves_schedule(&self) -> bool {
        matches!(self, Change::Providers { .. } | Change::Tokens { .. })
    }

    /// The provider concerned, if one is.
    pub fn provider(&self) -> Option<&Slot> {
        match self {
            Change::Providers { provider } => provider.as_ref(),
            Change::Tokens { provider }
            | Change::Refreshing { provider }
            | Change::SignIn { provider, .. }
            | Change::Lab { provider, .. } => Some(provider),
            Change::Keeper { event } => Some(event.provider()),
        }
    }
}
