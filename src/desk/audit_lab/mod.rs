//! Testing a server: the audit (passive and with probing sign-ins) and the consent lab.

#[allow(
    unused_imports,
    reason = "the desk's names, for the room's files (`super::Desk`, `super::target`, ...)"
)]
use super::*;

pub(super) mod audit;
pub(super) mod audit_active;
pub(super) mod lab;
