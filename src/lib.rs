//! OAuth Desk's engine: providers, flows, token parsing, validation, storage. GUI-free: the
//! CLI (`src/bin/oauth-desk.rs`) and the desktop shell (`src-tauri/`) are thin layers over
//! [`desk::Desk`].

pub mod agent;
pub mod browser;
pub mod callback;
pub mod desk;
pub mod explain;
pub mod flow;
pub mod http;
pub mod jwks;
pub mod jwt;
pub mod keeper;
pub mod login;
pub mod provider;
pub mod redact;
pub mod report;
pub mod secret;
pub mod store;
pub mod token;
pub mod trace;
pub mod verify;

pub use desk::{ClientSecrets, Desk, DeskError, ProviderSpec};
pub use login::{Capture, LoginOptions, PendingLogin};
pub use secret::Secret;

/// How many cases each property test runs: its CI default, or `OAUTH_DESK_FUZZ_CASES` for the
/// long runs of `benches/fuzz.sh` (a million per property).
#[cfg(test)]
pub(crate) fn fuzz_cases(ci_default: u32) -> u32 {
    std::env::var("OAUTH_DESK_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(ci_default)
}
