//! The keeper at work: the `Desk` as its [`Renewer`] (plans come from the vault's token sets,
//! renewals are [`Desk::refresh`], single-flight across processes, rotated token persisted
//! first), and [`Desk::start_keeper`], which wires it to the change stream and the agent.

use std::sync::Arc;

use tokio::sync::broadcast;

use super::agent::{self, AgentError};
use super::changes::Change;
use super::error::Internal;
use super::{Desk, DeskError};
use crate::clock::now;
use oauth_desk_core::keeper::{
    KeeperClock, KeeperEvent, KeeperHandle, KeeperStats, Plan, RenewError, Renewer,
};
use oauth_desk_core::provider::{Provider, Slot};
use oauth_desk_core::token::{TokenSet, TokenStatus};

/// The keeper's plan for a token set (slot `slot`): at the margin before expiry, renew it —
/// or, when it can't be renewed, announce that it is about to expire.
pub(crate) fn plan_for(slot: &Slot, provider: &Provider, tokens: &TokenSet) -> Option<Plan> {
    if tokens.status != TokenStatus::Active {
        return None;
    }
    let renewable = tokens.renewable();
    let expires_at = tokens.expires_at?;
    let margin = tokens
        .refresh_margin_with(provider.refresh_margin_secs)
        .unwrap_or(0);
    Some(Plan {
        provider: slot.clone(),
        due_at: expires_at - margin,
        expires_at: Some(expires_at),
        renewable,
    })
}

impl Renewer for Desk {
    /// Every slot of the vault with tokens — every identity of every provider, the config's
    /// and every project's in every environment that has been signed in — whose provider still
    /// exists and is kept fresh.
    async fn plans(&self) -> Vec<Plan> {
        let data = match self.read_vault().await {
            Ok(d) => d,
            Err(e) => {
                tracing::warn!("keeper: could not read the vault: {e}");
                return vec![];
            }
        };
        let mut plans = Vec::new();
        for (client_key, secrets) in &data.providers {
            let identities = std::iter::once(None).chain(secrets.identities.keys().map(Some));
            for identity in identities {
                let Some(tokens) = secrets.tokens_of(identity.map(String::as_str)) else {
                    continue;
                };
                let key = match identity {
                    Some(id) => format!("{client_key}@{id}"),
                    None => client_key.clone(),
                };
                // A vault entry no version's key reads back as is no one's to renew.
                let Some(slot) = Slot::parse(&key) else {
                    continue;
                };
                let Some(reference) = self.reference_of_key(&slot) else {
                    continue;
                };
                match self.target(&reference).await {
                    Ok(target)
                        if target.provider.auto_refresh
                            && super::tokens::check_bound(&target, tokens).is_ok() =>
                    {
                        plans.extend(plan_for(&slot, &target.provider, tokens));
                    }
                    Ok(_) => {}
                    Err(e) => tracing::debug!("keeper: {slot} is not kept fresh: {e}"),
                }
            }
        }
        plans
    }

    async fn renew(&self, slot: &Slot) -> Result<Option<Plan>, RenewError> {
        let Some(reference) = self.reference_of_key(slot) else {
            return Err(RenewError::Fatal {
                reason: format!("{slot} names no provider"),
                sign_in_needed: false,
            });
        };
        match self.refresh(&reference, false).await {
            Ok(tokens) => Ok(self
                .target(&reference)
                .await
                .ok()
                .and_then(|t| plan_for(slot, &t.provider, &tokens))),
            Err(e) if e.is_transient() => Err(RenewError::Transient(e.to_string())),
            Err(e) => {
                let sign_in_needed =
                    matches!(
                        e,
                        DeskError::SignInNeeded { .. }
                            | DeskError::NotSignedIn { .. }
                            | DeskError::BindingChanged { .. }
                            | DeskError::NotAllowed(_)
                    ) || e.oauth_error().is_some_and(|o| o.error == "invalid_grant");
                Err(RenewError::Fatal {
                    reason: e.to_string(),
                    sign_in_needed,
                })
            }
        }
    }
}

/// The keeper at work in this process: renewing tokens, re-arming from the change stream,
/// publishing its events there, and serving the agent socket.
pub struct KeeperService {
    handle: KeeperHandle,
    keeper: tokio::task::JoinHandle<KeeperStats>,
    listeners: Vec<tokio::task::JoinHandle<()>>,
    agent: tokio::task::JoinHandle<Result<(), AgentError>>,
    socket: std::path::PathBuf,
}

impl Desk {
    /// Starts the background keeper on the current runtime: it renews every provider's tokens
    /// before they expire, re-plans whenever the change stream says tokens or providers changed
    /// (here or, through the agent socket, in another process), and publishes what it does as
    /// [`Change::Keeper`]. It also serves the agent socket, so other processes' `token` asks it.
    pub fn start_keeper(self: &Arc<Self>) -> KeeperService {
        let (handle, keeper) = oauth_desk_core::keeper::spawn(self.clone(), KeeperClock::default());
        let mut changes = self.subscribe();
        let rearm = handle.clone();
        let replan = tokio::spawn(async move {
            loop {
                match changes.recv().await {
                    Ok(change) if change.moves_schedule() => rearm.rearm(),
                    Ok(_) => {}
                    Err(broadcast::error::RecvError::Lagged(_)) => rearm.rearm(),
                    Err(broadcast::error::RecvError::Closed) => break,
                }
            }
        });
        let mut events = handle.subscribe();
        let desk = self.clone();
        let forward = tokio::spawn(async move {
            loop {
                let event = match events.recv().await {
                    Ok(event) => event,
                    Err(broadcast::error::RecvError::Lagged(_)) => continue,
                    Err(broadcast::error::RecvError::Closed) => break,
                };
                if let KeeperEvent::RefreshFailed {
                    provider,
                    retry_in_secs,
                    ..
                } = &event
                {
                    // Noted before it is announced, so readers of the event see the schedule.
                    let at = now() + i64::try_from(*retry_in_secs).unwrap_or(i64::MAX / 2);
                    desk.note_next_attempt(provider, at).await;
                }
                desk.publish_local(Change::Keeper { event });
            }
        });
        let agent = tokio::spawn(agent::serve(self.clone()));
        KeeperService {
            handle,
            keeper,
            listeners: vec![replan, forward],
            agent,
            socket: self.paths.agent_socket.clone(),
        }
    }
}

impl KeeperService {
    /// Waits until the agent socket stops serving (another keeper holds it, or it failed) and
    /// says why. The keeper itself goes on.
    pub async fn agent_stopped(&mut self) -> DeskError {
        match (&mut self.agent).await {
            Ok(Err(e)) => DeskError::Agent(e),
            Ok(Ok(())) => Internal::AgentStopped(None).into(),
            Err(e) => Internal::AgentStopped(Some(e)).into(),
        }
    }

    /// Stops the keeper and the agent socket (removing it).
    pub async fn stop(self) -> KeeperStats {
        self.handle.stop();
        let serving = !self.agent.is_finished();
        self.agent.abort();
        if serving {
            let _ = std::fs::remove_file(&self.socket);
        }
        for listener in &self.listeners {
            listener.abort();
        }
        self.keeper.await.unwrap_or_default()
    }
}
