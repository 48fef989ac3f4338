//! Signing in: the code flow and its page, the sessions in progress, front-channel responses, pushed and signed requests, sign-out, the login windows' profiles.

#[allow(
    unused_imports,
    reason = "the desk's names, for the room's files (`super::Desk`, `super::target`, ...)"
)]
use super::*;

pub(super) mod browser_profile;
pub(super) mod front_channel;
pub(super) mod protect;
pub(super) mod session;
pub(super) mod signin;
pub(super) mod signout;
