//! OAuth Desk's desk: the one door the front ends — the CLI (`src/bin/oauth-desk/`) and the
//! desktop shell (`src-tauri/`) — go through: [`Desk`], its requests, the views it returns and
//! its errors. The mechanics (flows, the loopback listener, HTTP, storage, verification) are
//! the core crate's (`crates/oauth-desk-core`), used here and re-exported by none of the
//! names below but the view types a front end needs: a front end cannot name them.
//! `docs/architecture.md` draws the door.

// What the door shows: view and value modules of the core, as they were.
pub use oauth_desk_core::{audit, grant, jwt, keeper, lab, provider, report, secret, token, trace};

pub mod desk;

// The mechanics, for the desk alone (`crate::flow` and the rest keep their paths inside it).
use oauth_desk_core::{
    browser, callback, child, clock, dpop, flow, http, import, jwks, login, mtls, platform,
    printable, project, store, verify,
};

pub use child::{keep_from_children, scrubbed as without_our_secrets};
pub use clock::now;
pub use desk::{
    AddProvider, Advice, BrowserProfile, CallRequest, CallResult, Capture, ChallengeView, Change,
    ClientSecrets, DefinedIn, DeskError, DeviceCode, DeviceHost, EnvChoice, EnvView, ErrorKind,
    Explained, FreshToken, GitRequest, Grants, IdentityOrigin, IdentityView, ImportOptions,
    ImportReport, ImportedProvider, KeeperService, LabHost, LabPlanView, LabProgress, LabRequest,
    MakeClient, NamedSecretView, Navigation, NotAllowed, Notice, ProjectTrustView, ProjectView,
    ProviderView, Remedy, ResourceFound, SecretsEdit, SecurityView, SessionId, SignInHost,
    SignInPage, SignInRequest, SignInState, TemplateView, TokenFormat, Workspace, format_token,
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
