//! Tokens in use: renewal, the keeper and its agent, the CLI's fast path, formats, the other grants, and tokens at the point of use (`headers`, `call`, kubectl, git).

#[allow(
    unused_imports,
    reason = "the desk's names, for the room's files (`super::Desk`, `super::target`, ...)"
)]
use super::*;

pub(super) mod agent;
pub(super) mod call;
pub(super) mod copy;
pub(super) mod grants;
pub(super) mod handover;
pub(super) mod keep;
pub(super) mod quick;
pub(super) mod tokens;
