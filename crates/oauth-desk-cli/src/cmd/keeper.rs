//! `keeper`: the background keeper and the agent socket in the foreground.

use std::sync::Arc;

use oauth_desk::{Change, Desk};
use tokio::sync::broadcast::error::RecvError;

use super::{Failure, failure};
use crate::render;

/// Runs until Ctrl-C or SIGTERM (on Windows: Ctrl-C, Ctrl-Break, the console closing), logging
/// what the keeper does.
pub async fn run(desk: Desk) -> Result<(), Failure> {
    let desk = Arc::new(desk);
    let mut changes = desk.subscribe();
    let mut keeper = desk.start_keeper();
    eprintln!(
        "Keeper running: tokens are refreshed before they expire; `oauth-desk token` asks it at {}. Ctrl-C stops it.",
        desk.agent_socket().display()
    );
    let stop = oauth_desk::stop_requested();
    tokio::pin!(stop);
    let outcome = loop {
        tokio::select! {
            stopped = &mut stop => match stopped {
                Ok(()) => break Ok(()),
                Err(e) => break Err(failure(format!("could not watch for a stop request: {e}"))),
            },
            stopped = keeper.agent_stopped() => break Err(Failure::from(stopped)),
            change = changes.recv() => match change {
                Ok(Change::Keeper { event }) => {
                    render::keeper_event(&event, desk.slot_reference(event.provider()).as_ref())
                }
                Ok(_) | Err(RecvError::Lagged(_)) => {}
                Err(RecvError::Closed) => break Ok(()),
            },
        }
    };
    keeper.stop().await;
    if outcome.is_ok() {
        eprintln!("Keeper stopped.");
    }
    outcome
}
