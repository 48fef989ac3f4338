//! Providers: adding (one request, whatever makes the client), editing, importing, registering, and the views a front end shows.

#[allow(
    unused_imports,
    reason = "the desk's names, for the room's files (`super::Desk`, `super::target`, ...)"
)]
use super::*;

pub(super) mod draft;
pub(super) mod edit;
pub(super) mod from_resource;
pub(super) mod importing;
pub(super) mod registration;
pub(super) mod view;
