//! OAuth Desk's core: every protocol, storage and scheduling mechanism — providers and
//! discovery, the grants' flows, the loopback listener, the HTTP client and its redacted
//! traces, token parsing and validation, the vault and its files, the keeper's scheduler, the
//! platform seam. GUI-free and door-free: the desk crate (`oauth-desk`, the root package) is
//! its only user, and the front ends depend on the desk alone, so a mechanic named by a front
//! end is a compile error, not a test's finding. `docs/architecture.md` draws the layers.
#![warn(unreachable_pub)]

pub mod audit;
pub mod browser;
pub mod callback;
pub mod child;
pub mod clock;
pub mod dpop;
pub mod flow;
pub mod grant;
pub mod http;
pub mod import;
pub mod jwks;
pub mod jwt;
pub mod keeper;
pub mod lab;
pub mod lines;
pub mod login;
pub mod mtls;
pub mod platform;
pub mod printable;
pub mod project;
pub mod provider;
pub mod redact;
pub mod report;
pub mod secret;
pub mod store;
pub mod token;
pub mod token_kind;
pub mod trace;
pub mod verify;

/// How many cases each property test runs: its CI default, or `OAUTH_DESK_FUZZ_CASES` for the
/// long runs of `benches/fuzz.sh` (a million per property).
#[cfg(test)]
pub(crate) fn fuzz_cases(ci_default: u32) -> u32 {
    std::env::var("OAUTH_DESK_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(ci_default)
}
