//! The refresh keeper: one task that keeps every provider's tokens fresh.
//!
//! It sleeps until the soonest due renewal — no polling, no wake-up while nothing is due —
//! renews at the token's margin before expiry (`min(max(30 s, 10 %), 50 %)` of the lifetime,
//! see [`crate::token::TokenSet::refresh_margin`]), retries network errors and 5xx with capped
//! exponential backoff and jitter (saying so when the token will expire before the next try),
//! stops on a refused grant ("sign-in needed"), and re-arms at once when told the schedule
//! changed (sign-in, sign-out, provider edit, resume from suspend). Everything it does is
//! published as [`KeeperEvent`]s on a broadcast channel.
//!
//! The keeper knows nothing of vaults or HTTP: it drives a [`Renewer`] (the `Desk` in real
//! use, a fake in tests, under tokio's paused clock).

use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;

use crate::provider::Slot;
use tokio::sync::{broadcast, mpsc};

/// When one provider needs renewing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub provider: Slot,
    /// Unix seconds at which to renew (or, for a token that can't be renewed, to warn).
    pub due_at: i64,
    pub expires_at: Option<i64>,
    /// False for tokens without a way to renew them (no refresh token): the keeper then only
    /// announces "expiring soon" at `due_at` and "expired" at `expires_at`.
    pub renewable: bool,
}

/// Why a renewal failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RenewError {
    /// Worth retrying later (network, timeout, 5xx).
    Transient(String),
    /// Retrying won't help; `sign_in_needed` when only a new sign-in will.
    Fatal {
        reason: String,
        sign_in_needed: bool,
    },
}

/// What the keeper renews. The `Desk` implements it; tests fake it.
pub trait Renewer: Send + Sync + 'static {
    /// Every provider that should be kept fresh, with its due time.
    fn plans(&self) -> impl Future<Output = Vec<Plan>> + Send;
    /// Renews one provider; returns its next plan (none when it needs no more renewals).
    fn renew(
        &self,
        provider: &Slot,
    ) -> impl Future<Output = Result<Option<Plan>, RenewError>> + Send;
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum KeeperEvent {
    Refreshed {
        provider: Slot,
        expires_at: Option<i64>,
    },
    RefreshFailed {
        provider: Slot,
        reason: String,
        retry_in_secs: u64,
    },
    /// The access token will expire before the next retry.
    ExpiringSoon {
        provider: Slot,
        expires_at: i64,
    },
    Expired {
        provider: Slot,
    },
    SignInNeeded {
        provider: Slot,
        reason: String,
    },
    /// A failure that is not the refresh token's (e.g. `invalid_client`): not retried.
    Stopped {
        provider: Slot,
        reason: String,
    },
}

impl KeeperEvent {
    /// The provider the event is about.
    pub fn provider(&self) -> &Slot {
        match self {
            KeeperEvent::Refreshed { provider, .. }
            | KeeperEvent::RefreshFailed { provider, .. }
            | KeeperEvent::ExpiringSoon { provider, .. }
            | KeeperEvent::Expired { provider }
            | KeeperEvent::SignInNeeded { provider, .. }
            | KeeperEvent::Stopped { provider, .. } => provider,
        }
    }
}

/// Backoff: 5 s, doubling, capped at 5 minutes, ±20 % jitter so many clients don't retry in step.
pub const BACKOFF_BASE: Duration = Duration::from_secs(5);
pub const BACKOFF_CAP: Duration = Duration::from_secs(300);

pub fn backoff(attempt: u32, jitter_seed: u64) -> Duration {
    let base = BACKOFF_BASE.as_millis() as u64;
    let raw = base
        .saturating_mul(1u64 << attempt.min(16))
        .min(BACKOFF_CAP.as_millis() as u64);
    // jitter in [-20 %, +20 %], from a seed (a counter hashed), no RNG needed for this.
    let spread = raw / 5;
    let mixed = jitter_seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 33;
    let offset = if spread == 0 {
        0
    } else {
        mixed % (2 * spread + 1)
    };
    Duration::from_millis(raw - spread + offset)
}

#[derive(Debug)]
enum Command {
    Rearm,
    Stop,
}

/// A handle to a running keeper.
#[derive(Debug, Clone)]
pub struct KeeperHandle {
    commands: mpsc::UnboundedSender<Command>,
    events: broadcast::Sender<KeeperEvent>,
}

impl KeeperHandle {
    /// The schedule changed: reload the plans and re-arm the timer now.
    pub fn rearm(&self) {
        let _ = self.commands.send(Command::Rearm);
    }

    pub fn stop(&self) {
        let _ = self.commands.send(Command::Stop);
    }

    pub fn subscribe(&self) -> broadcast::Receiver<KeeperEvent> {
        self.events.subscribe()
    }
}

/// How the keeper tells time and how long it may sleep in one go.
#[derive(Clone)]
pub struct KeeperClock {
    /// Unix seconds now.
    pub now: Arc<dyn Fn() -> i64 + Send + Sync>,
    /// The longest single sleep while something is scheduled: the monotonic clock stops during
    /// suspend, so a long sleep could overshoot a due time by the suspend's length. `None`
    /// sleeps exactly until the due time. Nothing scheduled means no wake-up at all.
    pub max_sleep: Option<Duration>,
}

impl Default for KeeperClock {
    fn default() -> Self {
        KeeperClock {
            now: Arc::new(crate::clock::now),
            max_sleep: Some(Duration::from_secs(600)),
        }
    }
}

/// Statistics, for tests and benchmarks.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct KeeperStats {
    /// Timer wake-ups.
    pub wakeups: u64,
    /// Wake-ups that found nothing due (only after a capped sleep).
    pub idle_wakeups: u64,
    pub renewals: u64,
}

/// Starts the keeper on the current tokio runtime.
pub fn spawn<R: Renewer>(
    renewer: Arc<R>,
    clock: KeeperClock,
) -> (KeeperHandle, tokio::task::JoinHandle<KeeperStats>) {
    let (commands, rx) = mpsc::unbounded_channel();
    let (events, _) = broadcast::channel(256);
    let handle = KeeperHandle {
        commands,
        events: events.clone(),
    };
    let task = tokio::spawn(run(renewer, clock, rx, events));
    (handle, task)
}

struct Entry {
    plan: Plan,
    attempts: u32,
    /// A non-renewable token's "expiring soon" was announced; next comes "expired".
    warned: bool,
}

async fn run<R: Renewer>(
    renewer: Arc<R>,
    clock: KeeperClock,
    mut commands: mpsc::UnboundedReceiver<Command>,
    events: broadcast::Sender<KeeperEvent>,
) -> KeeperStats {
    let mut stats = KeeperStats::default();
    let mut entries = load(&*renewer).await;
    let mut jitter = 0u64;
    loop {
        let now = (clock.now)();
        let soonest = entries.values().map(|e| e.plan.due_at).min();
        let sleep = soonest.map(|due| {
            let wait = Duration::from_secs(due.saturating_sub(now).max(0) as u64);
            clock.max_sleep.map_or(wait, |cap| wait.min(cap))
        });
        tokio::select! {
            command = commands.recv() => match command {
                Some(Command::Rearm) => entries = reload(entries, load(&*renewer).await),
                Some(Command::Stop) | None => return stats,
            },
            () = sleep_for(sleep) => {
                stats.wakeups += 1;
                let now = (clock.now)();
                let due: Vec<Slot> = entries
                    .iter()
                    .filter(|(_, e)| e.plan.due_at <= now)
                    .map(|(name, _)| name.clone())
                    .collect();
                if due.is_empty() {
                    stats.idle_wakeups += 1;
                }
                for name in due {
                    if announce_only(&mut entries, &events, &name) {
                        continue;
                    }
                    stats.renewals += 1;
                    jitter += 1;
                    let result = renewer.renew(&name).await;
                    let now = (clock.now)();
                    handle_result(&mut entries, &events, &name, result, now, jitter);
                }
            }
        }
    }
}

async fn sleep_for(duration: Option<Duration>) {
    match duration {
        Some(d) => tokio::time::sleep(d).await,
        None => std::future::pending().await,
    }
}

async fn load<R: Renewer>(renewer: &R) -> HashMap<Slot, Entry> {
    renewer
        .plans()
        .await
        .into_iter()
        .map(|plan| {
            (
                plan.provider.clone(),
                Entry {
                    plan,
                    attempts: 0,
                    warned: false,
                },
            )
        })
        .collect()
}

/// The new plans, except that a provider in backoff whose tokens did not change (same expiry)
/// keeps its retry schedule: a re-arm for some other reason must not turn a backoff into an
/// immediate retry.
fn reload(old: HashMap<Slot, Entry>, mut new: HashMap<Slot, Entry>) -> HashMap<Slot, Entry> {
    for (name, entry) in old {
        if entry.attempts > 0
            && let Some(fresh) = new.get(&name)
            && fresh.plan.expires_at == entry.plan.expires_at
        {
            new.insert(name, entry);
        }
    }
    new
}

/// For a token that can't be renewed: announces "expiring soon", then "expired". Returns
/// whether `name` was such a token.
fn announce_only(
    entries: &mut HashMap<Slot, Entry>,
    events: &broadcast::Sender<KeeperEvent>,
    name: &Slot,
) -> bool {
    let Some(entry) = entries.get_mut(name) else {
        return false;
    };
    if entry.plan.renewable {
        return false;
    }
    let provider = name.to_owned();
    match (entry.warned, entry.plan.expires_at) {
        (false, Some(expires_at)) => {
            let _ = events.send(KeeperEvent::ExpiringSoon {
                provider,
                expires_at,
            });
            entry.warned = true;
            entry.plan.due_at = expires_at;
        }
        _ => {
            let _ = events.send(KeeperEvent::Expired { provider });
            entries.remove(name);
        }
    }
    true
}

fn handle_result(
    entries: &mut HashMap<Slot, Entry>,
    events: &broadcast::Sender<KeeperEvent>,
    name: &Slot,
    result: Result<Option<Plan>, RenewError>,
    now: i64,
    jitter: u64,
) {
    let provider = name.to_owned();
    match result {
        Ok(next) => {
            let expires_at = next.as_ref().and_then(|p| p.expires_at);
            tracing::debug!(provider = name.as_str(), expires_at, "refreshed");
            let _ = events.send(KeeperEvent::Refreshed {
                provider,
                expires_at,
            });
            match next {
                Some(plan) => {
                    entries.insert(
                        name.to_owned(),
                        Entry {
                            plan,
                            attempts: 0,
                            warned: false,
                        },
                    );
                }
                None => {
                    entries.remove(name);
                }
            }
        }
        Err(RenewError::Transient(reason)) => {
            let Some(entry) = entries.get_mut(name) else {
                return;
            };
            let wait = backoff(entry.attempts, jitter);
            entry.attempts += 1;
            entry.plan.due_at = now + wait.as_secs().max(1) as i64;
            tracing::debug!(
                provider = name.as_str(),
                retry_in_secs = wait.as_secs(),
                "refresh failed: {reason}"
            );
            let _ = events.send(KeeperEvent::RefreshFailed {
                provider: provider.clone(),
                reason,
                retry_in_secs: wait.as_secs(),
            });
            match entry.plan.expires_at {
                Some(at) if at <= now => {
                    let _ = events.send(KeeperEvent::Expired { provider });
                }
                Some(at) if at < entry.plan.due_at => {
                    let _ = events.send(KeeperEvent::ExpiringSoon {
                        provider,
                        expires_at: at,
                    });
                }
                _ => {}
            }
        }
        Err(RenewError::Fatal {
            reason,
            sign_in_needed,
        }) => {
            entries.remove(name);
            tracing::debug!(provider = name.as_str(), "refresh stopped: {reason}");
            let event = if sign_in_needed {
                KeeperEvent::SignInNeeded { provider, reason }
            } else {
                KeeperEvent::Stopped { provider, reason }
            };
            let _ = events.send(event);
        }
    }
}

#[cfg(test)]
mod tests;
