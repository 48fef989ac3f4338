//! OAuth Desk's engine: providers, flows, token parsing, validation, storage, the keeper.
//! GUI-free. The front ends — the CLI (`src/bin/oauth-desk/`) and the desktop shell
//! (`src-tauri/`) — go through one door, [`Desk`], and the view types it returns; the
//! mechanics (flows, the loopback listener, HTTP, storage, verification) stay private.
//! `docs/architecture.md` draws the door.

// The door and what it shows.
pub mod audit;
pub mod desk;
pub mod grant;
pub mod jwt;
pub mod keeper;
pub mod lab;
pub mod provider;
pub mod report;
pub mod secret;
pub mod token;
pub mod trace;

// Mechanics, private to the engine (benchmarks reach some with the `internals` feature).
mod browser;
mod callback;
mod child;
mod clock;
#[cfg(feature = "internals")]
pub mod dpop;
#[cfg(not(feature = "internals"))]
mod dpop;
#[cfg(feature = "internals")]
pub mod flow;
#[cfg(not(feature = "internals"))]
mod flow;
#[cfg(feature = "internals")]
pub mod http;
#[cfg(not(feature = "internals"))]
mod http;
mod import;
mod jwks;
mod lines;
mod login;
mod mtls;
mod platform;
mod printable;
mod project;
mod redact;
mod store;
mod token_kind;
mod verify;

pub use child::{exec_with_token, keep_from_children};
pub use clock::now;
pub use desk::{
    Advice, BrowserProfile, CallRequest, CallResult, Capture, ChallengeView, Change, ClientSecrets,
    DefinedIn, DeskError, DeviceCode, DeviceHost, EnvChoice, EnvView, ErrorKind, Explained,
    FreshToken, GitRequest, Grants, IdentityOrigin, IdentityView, ImportOptions, ImportReport,
    ImportedProvider, KeeperService, LabHost, LabPlanView, LabProgress, LabRequest, MakeClient,
    NamedSecretView, Navigation, NotAllowed, Notice, ProjectTrustView, ProjectView, ProviderView,
    Remedy, ResourceFound, SecretsEdit, SecurityView, SessionId, SignInHost, SignInPage,
    SignInRequest, SignInState, TemplateView, TokenFormat, Workspace, format_token,
    open_in_browser,
};
pub use desk::{Desk, QuickAsk, quick_handover, quick_token, take_quick_notices};
pub use flow::device::PollEvent;
pub use flow::endpoints::UserInfo;
pub use flow::response::{ResponseMode, ResponseType};
pub use import::{ImportFile, ImportFormat, ImportNote};
pub use platform::stop_requested;
pub use printable::{printable, printable_text};
pub use project::absolute as project_path;
pub use project::trust::{Footprint, TrustState};
pub use provider::{
    AssertionAudience, AuthMethod, AuthorizeMethod, ClientId, DpopAlg, Endpoint, EnvName,
    IdentityName, Issuer, ParMode, PkceMode, ProjectPlace, ProviderRef, ProviderSpec,
    RequestObjectMode, Scope,
};
pub use secret::{
    AccessToken, AuthorizationCode, CsrfState, IdToken, Nonce, PkceVerifier, RefreshToken, Secret,
};
pub use token::{TokenKind, TokenSet};
pub use verify::{Check, CheckResult};

/// How many cases each property test runs: its CI default, or `OAUTH_DESK_FUZZ_CASES` for the
/// long runs of `benches/fuzz.sh` (a million per property).
#[cfg(test)]
pub(crate) fn fuzz_cases(ci_default: u32) -> u32 {
    std::env::var("OAUTH_DESK_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(ci_default)
}
