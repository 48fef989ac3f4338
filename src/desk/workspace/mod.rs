//! Who and where: references placed in the workspace, identities, environments, a project's secrets, and trust in its file.

#[allow(
    unused_imports,
    reason = "the desk's names, for the room's files (`super::Desk`, `super::target`, ...)"
)]
use super::*;

pub(super) mod environments;
pub(super) mod identities;
pub(super) mod secrets;
pub(super) mod target;
pub(super) mod trust;
