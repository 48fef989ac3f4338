//! OAuth Desk's desk: the one door the front ends — the CLI (`crates/oauth-desk-cli/`) and the
//! desktop shell (`src-tauri/`) — go through: [`Desk`], its requests, the views it returns and
//! its errors. The mechanics (flows, the loopback listener, HTTP, storage, verification) are
//! the core crate's (`crates/oauth-desk-core`), used here and re-exported by none of the
//! names below but the view types a front end needs: a front end cannot name them.
//! `docs/architecture.md` draws the door.

mod desk;

// The core's mechanics, for the desk alone (`crate::flow` and the rest keep their paths
// inside it; the modules `door` names below are `oauth_desk_core::…` inside the desk).
use oauth_desk_core::{
    browser, callback, child, clock, dpop, flow, http, import, jwks, login, mtls, platform,
    printable, project, store, verify,
};

/// The values and views of the core a front end shows or fills in, by their core module's
/// name (`oauth_desk::token::TokenSet`) — and nothing else of those modules: no function that
/// does a step of a flow, no store, no keeper mechanics. A front end naming one does not
/// compile; the benches that measure a mechanic use the core crate.
mod door {
    pub mod audit {
        pub use oauth_desk_core::audit::{ActivePlan, AuditFormat, AuditReport, Finding, Verdict};
    }
    pub mod grant {
        pub use oauth_desk_core::grant::{
            AssertionSource, ExchangeRequest, JwtBearerRequest, PASSWORD_GRANT_WARNING,
        };
    }
    /// Decoding a JWT to show it (no signature is checked here: the report's checks do that).
    pub mod jwt {
        pub use oauth_desk_core::jwt::{DecodedJwt, JwtError, decode, numeric};
    }
    pub mod keeper {
        pub use oauth_desk_core::keeper::KeeperEvent;
    }
    pub mod lab {
        pub use oauth_desk_core::lab::{
            Case, CaseGrant, CaseResult, ChecksMode, Disposal, EXAMPLE_PLAN, LabFormat, LabRun,
            Matrix, MatrixRow, Plan, ScopeCell, Verdict,
        };
    }
    pub mod provider {
        pub use oauth_desk_core::provider::check::{SpecField, SpecProblem};
        pub use oauth_desk_core::provider::{
            AssertionAudience, AuthMethod, AuthorizeMethod, ClientId, ClientOrigin, DpopAlg,
            Endpoint, Endpoints, EnvName, IdentityName, Issuer, MtlsAliases, ParMode, Param,
            PkceMode, ProjectPlace, Provider, ProviderError, ProviderName, ProviderRef,
            ProviderSpec, RequestObjectMode, Scope, SecurityProfile, ServerSecurity, Slot,
        };
        /// The built-in templates, to show their quirks.
        pub mod templates {
            pub use oauth_desk_core::provider::templates::{Template, find};
        }
    }
    pub mod report {
        pub use oauth_desk_core::report::{
            AccessTokenReport, Binding, ClockReport, FrontChannelReport, IdTokenReport,
            RefreshTokenReport, Report, Status,
        };
    }
    pub mod secret {
        pub use oauth_desk_core::secret::{
            AccessToken, AuthorizationCode, CsrfState, IdToken, Nonce, PkceVerifier, RefreshToken,
            Secret,
        };
    }
    pub mod token {
        pub use oauth_desk_core::token::{
            DetailsDiff, Grant, RefreshFailure, RefreshRecord, ScopeDiff, TokenKind, TokenSet,
        };
    }
    /// A sign-in's recorded exchanges (redacted as recorded), and the HAR they export as.
    pub mod trace {
        pub use oauth_desk_core::trace::{Exchange, Message, Trace, to_har};
    }
}
pub use door::{audit, grant, jwt, keeper, lab, provider, report, secret, token, trace};

pub use child::{keep_from_children, scrubbed as without_our_secrets};
pub use clock::now;
pub use desk::{
    AddProvider, Advice, AgentError, Asked, BrowserProfile, CallRequest, CallResult, Capture,
    ChallengeView, Change, ClientSecrets, DefinedIn, DeskError, DeviceCode, DeviceHost, EnvChoice,
    EnvView, ErrorKind, Explained, FreshToken, GitRequest, Grants, IdentityOrigin, IdentityView,
    ImportOptions, ImportReport, ImportedProvider, Internal, InvalidInput, KeeperService, LabHost,
    LabPlanView, LabProgress, LabRequest, MakeClient, NamedSecretView, Navigation, NotAllowed,
    Notice, ProjectTrustView, ProjectView, ProviderDraft, ProviderView, Remedy, ResourceFound,
    SecretsEdit, SecurityView, SessionId, SignInHost, SignInPage, SignInRequest, SignInState,
    TemplateView, TokenFormat, Unsupported, Workspace, format_token, open_in_browser,
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
