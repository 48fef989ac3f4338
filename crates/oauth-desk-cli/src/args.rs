//! The command line: every command and flag, as clap reads them. The handlers are in
//! `cmd/`, one module per group.

use clap::{Args, Parser, Subcommand};
use oauth_desk::{
    AssertionAudience, AuthMethod, AuthorizeMethod, DpopAlg, ImportFormat, ParMode, PkceMode,
    RequestObjectMode, ResponseMode, ResponseType, TokenFormat, TokenKind,
};

fn parse_format(s: &str) -> Result<TokenFormat, String> {
    s.parse()
}

fn parse_import_format(s: &str) -> Result<ImportFormat, String> {
    s.parse()
}

/// A setting's value as the engine reads it (short spellings included).
fn parse_choice<T: std::str::FromStr<Err = oauth_desk::provider::ProviderError>>(
    s: &str,
) -> Result<T, String> {
    s.parse()
        .map_err(|e: oauth_desk::provider::ProviderError| e.to_string())
}

#[derive(Parser)]
#[command(
    name = "oauth-desk",
    version,
    about = "OAuth 2.0 / OpenID Connect token manager: sign in, inspect and refresh tokens",
    long_about = "OAuth 2.0 / OpenID Connect token manager: sign in, inspect and refresh tokens.\n\n\
        Files live in the platform config and data directories, or in $OAUTH_DESK_HOME. \
        Secrets are kept in a vault encrypted with a key from the OS keyring \
        (or from $OAUTH_DESK_PASSPHRASE when set).",
    after_help = "Quick start:\n  oauth-desk provider add myidp --issuer https://idp.example --client-id my-app\n  oauth-desk login myidp\n  oauth-desk token myidp"
)]
pub(crate) struct Cli {
    /// More log output on stderr (-v info, -vv debug). Tokens are never logged.
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    pub verbose: u8,
    /// The project file (default: oauth-desk.toml in this folder or above, up to the home
    /// folder; also $OAUTH_DESK_PROJECT; "" for none)
    #[arg(long, global = true, value_name = "FILE")]
    pub project: Option<std::ffi::OsString>,
    /// The project environment for this command (also after most commands, and
    /// $OAUTH_DESK_ENV; default: the one `env use` chose, else the file's first)
    #[arg(long, value_name = "ENV")]
    pub env: Option<String>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub(crate) enum Command {
    /// Add, list, show, remove, export and import providers
    #[command(subcommand)]
    Provider(ProviderCommand),
    /// Sign in with the authorization-code flow (PKCE) in a browser
    Login(LoginArgs),
    /// Print a fresh access token, refreshing it first when it is about to expire
    Token {
        name: String,
        #[command(flatten)]
        at: At,
        /// raw (the token), header (Authorization: …), json, env (export NAME_ACCESS_TOKEN=…)
        /// or curl (-H 'Authorization: …')
        #[arg(long, default_value = "raw", value_parser = parse_format)]
        format: TokenFormat,
    },
    /// Print the headers a request needs: Authorization (Bearer or DPoP) and a DPoP proof
    #[command(after_help = "One header per line, ready for curl:
  oauth-desk headers api --url https://api.example/me | curl -H @- https://api.example/me
        A DPoP proof is made for this method and URL (htm, htu, ath, the server's nonce when known) and is good for one request.")]
    Headers {
        name: String,
        #[command(flatten)]
        at: At,
        /// The URL the request goes to (its query and fragment are not part of the proof)
        #[arg(long, value_name = "URL")]
        url: String,
        /// The request's method
        #[arg(long, value_name = "M", default_value = "GET")]
        method: String,
    },
    /// Send a request with a fresh token and print the response (exit 0 for 2xx)
    #[command(
        after_help = "The token goes as the provider's tokens need: Bearer, or DPoP with a proof (a nonce asked for is retried once), over a connection presenting the client certificate when there is one.
        A WWW-Authenticate challenge is explained on stderr with the sign-in that would satisfy it."
    )]
    Call(CallArgs),
    /// Run a command with a fresh access token in its environment ($OAUTH_DESK_TOKEN)
    #[command(
        after_help = "Example: oauth-desk exec api -- sh -c 'curl -H \"Authorization: Bearer $OAUTH_DESK_TOKEN\" https://api.example/me'\n\
        The command replaces this process: its stdin, stdout, stderr, signals and exit status are its own."
    )]
    Exec {
        name: String,
        /// The environment variable that holds the token
        #[arg(long, value_name = "VAR", default_value = "OAUTH_DESK_TOKEN")]
        env: String,
        /// The command and its arguments, after --
        #[arg(last = true, required = true, value_name = "CMD")]
        command: Vec<String>,
    },
    /// Hand a fresh token to kubectl or git, in their credential-helper protocols
    #[command(subcommand)]
    Credential(CredentialCommand),
    /// Show the decoded tokens, expiry, scopes and ID-token checks
    Show {
        name: String,
        #[command(flatten)]
        at: At,
        /// Machine-readable output (stable format, documented in the README)
        #[arg(long)]
        json: bool,
        /// Include the token values
        #[arg(long)]
        reveal: bool,
    },
    /// Refresh the tokens now, even if not due
    Refresh {
        name: String,
        #[command(flatten)]
        at: At,
    },
    /// Forget the tokens of a provider (the provider and its client secret stay)
    Logout {
        name: String,
        #[command(flatten)]
        at: At,
        /// End the session at the provider first (RP-initiated logout, in the browser)
        #[arg(long)]
        end_session: bool,
        /// With --end-session: print the URL instead of opening a browser
        #[arg(long, requires = "end_session")]
        no_browser: bool,
    },
    /// Sign in with the device authorization grant (RFC 8628)
    Device {
        name: String,
        #[command(flatten)]
        at: At,
        /// Only print the verification URL and code; don't open a browser
        #[arg(long)]
        no_browser: bool,
        /// Scopes for this sign-in, sent exactly as written
        #[arg(long)]
        scope: Option<String>,
    },
    /// Get tokens for the client itself (client credentials grant)
    ClientCredentials {
        name: String,
        #[command(flatten)]
        at: At,
        #[arg(long)]
        scope: Option<String>,
    },
    /// Exchange another provider's token for this provider's (RFC 8693 token exchange)
    #[command(
        after_help = "The result becomes NAME's tokens, shown and renewed like any others: exchanged again when due if the server gave no refresh token."
    )]
    Exchange(ExchangeArgs),
    /// Get tokens with a JWT assertion (RFC 7523 JWT-bearer grant)
    #[command(
        after_help = "The assertion: another provider's ID token (--assertion-from), one read from stdin (--assertion-stdin), \
        or, with neither, one signed with NAME's private key (iss and sub = the client id unless --issuer/--subject, \
        aud = the token endpoint, a 2-minute exp, a fresh jti)."
    )]
    JwtBearer {
        name: String,
        #[command(flatten)]
        at: At,
        /// Use this provider's ID token as the assertion
        #[arg(long, value_name = "OTHER", conflicts_with = "assertion_stdin")]
        assertion_from: Option<String>,
        /// Read the assertion from stdin
        #[arg(long)]
        assertion_stdin: bool,
        /// The self-signed assertion's sub (default: the client id)
        #[arg(long, conflicts_with_all = ["assertion_from", "assertion_stdin"])]
        subject: Option<String>,
        /// The self-signed assertion's iss (default: the client id)
        #[arg(long, conflicts_with_all = ["assertion_from", "assertion_stdin"])]
        issuer: Option<String>,
        #[arg(long)]
        scope: Option<String>,
    },
    /// Get tokens with a user's password (RFC 6749 §4.3, legacy: RFC 9700 forbids it)
    #[command(
        after_help = "The password is read from stdin, sent once, and never stored or logged."
    )]
    Password {
        name: String,
        #[command(flatten)]
        at: At,
        #[arg(long)]
        username: String,
        #[arg(long)]
        scope: Option<String>,
    },
    /// Revoke the refresh and access tokens at the server (RFC 7009); `logout` forgets them
    Revoke {
        name: String,
        #[command(flatten)]
        at: At,
    },
    /// Ask the server about the access token, or the refresh token (RFC 7662)
    Introspect {
        name: String,
        #[command(flatten)]
        at: At,
        /// Introspect the refresh token instead of the access token
        #[arg(long, conflicts_with = "id")]
        refresh: bool,
        /// The ID token (not introspectable: says so, and why)
        #[arg(long)]
        id: bool,
    },
    /// Call the userinfo endpoint with a fresh access token
    Userinfo {
        name: String,
        #[command(flatten)]
        at: At,
    },
    /// Review the provider's authorization server against the RFCs: without signing in
    /// (metadata, JWKS, token responses in the last trace, resource metadata), and with
    /// --active by probing it through four sign-ins
    #[command(
        after_help = "Each finding: pass, warn, fail or skip, with the RFC section and the evidence. \
        Exit 0 when nothing fails. The checks are listed in docs/audit.md.\n\n\
        --active signs in four times (fresh sessions, through $BROWSER or the system browser) and \
        exchanges the codes the ways a correct client never does: twice, without or with a \
        wrong PKCE verifier, with another redirect_uri; a public client's refresh token is used \
        again after rotation. Nothing is stored, but a server that answers the replayed code by \
        revoking the grant revokes the provider's own tokens with it. So --active first names the \
        server and each probe and asks y/N on the terminal; --yes skips the question (scripts), \
        and without a terminal --yes is needed."
    )]
    Audit {
        name: String,
        #[command(flatten)]
        at: At,
        /// Also probe the server with sign-ins (see below)
        #[arg(long)]
        active: bool,
        /// With --active: probe without asking first (for scripts)
        #[arg(long, requires = "active")]
        yes: bool,
        /// With --active: print the sign-in URLs instead of opening a browser
        #[arg(long, requires = "active")]
        no_browser: bool,
        #[arg(long)]
        json: bool,
        /// Also write the findings as a JUnit XML report (one test case per finding)
        #[arg(long, value_name = "FILE")]
        junit: Option<std::path::PathBuf>,
    },
    /// Show the last flow's HTTP exchanges (secrets redacted), or write them as HAR 1.2
    Trace {
        name: String,
        #[command(flatten)]
        at: At,
        /// Write a HAR file (importable in browser devtools) instead of printing
        #[arg(long, value_name = "FILE")]
        har: Option<std::path::PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// Run a consent test plan: each case a sign-in with a fresh session, judged
    #[command(
        after_help = "Each case of the plan is a sign-in with a fresh session (prompt=login unless the case sets its own prompt), \
        a device or a client-credentials grant; its tokens never replace the provider's and are revoked afterwards. \
        One line per case; exit 0 only when every case passes. Runs are kept (the last 20) and compared with the previous one.\n\
        `oauth-desk lab --example` prints a plan to start from; docs/lab.md describes the format."
    )]
    Lab(LabArgs),
    /// Run the background refresh keeper (and the agent `token` asks first) in the foreground
    Keeper,
    /// A provider's identities (test users), each with its own tokens: NAME@IDENTITY
    #[command(subcommand)]
    Identity(IdentityCommand),
    /// The project file's environments: list them, choose one
    #[command(subcommand)]
    Env(EnvCommand),
    /// The project's named secrets, kept in the vault (a project file names them, never holds them)
    #[command(subcommand)]
    Secret(SecretCommand),
    /// Trust a project file: nothing is sent for one until its user allows it as it is
    #[command(subcommand)]
    Project(ProjectCommand),
    /// Decode a JWT given as an argument or on stdin
    Decode {
        /// The token, or - (the default) to read it from stdin
        token: Option<String>,
        #[arg(long)]
        json: bool,
    },
}

/// Where a command works: the project environment, when it differs from the default.
#[derive(Args, Default, Clone)]
pub(crate) struct At {
    /// The project environment (default: the one `env use` chose, else the file's first)
    #[arg(long, value_name = "ENV")]
    pub env: Option<String>,
}

#[derive(Subcommand)]
pub(crate) enum IdentityCommand {
    /// Add an identity (a test user) to a provider; its sign-ins send its login hint
    #[command(
        after_help = "Example: oauth-desk identity add api@admin --login-hint admin@example.com\n         oauth-desk login api@admin; oauth-desk token api@admin"
    )]
    Add {
        /// NAME@IDENTITY
        name: String,
        /// Sent as login_hint with this identity's sign-ins
        #[arg(long, value_name = "HINT")]
        login_hint: Option<String>,
        #[command(flatten)]
        at: At,
    },
    /// List a provider's identities and where their tokens stand
    List {
        name: String,
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        at: At,
    },
    /// Remove an identity with its tokens (the provider and its other identities stay)
    Remove {
        /// NAME@IDENTITY
        name: String,
        #[command(flatten)]
        at: At,
    },
}

#[derive(Subcommand)]
pub(crate) enum EnvCommand {
    /// The project's environments, the current one marked
    List {
        #[arg(long)]
        json: bool,
    },
    /// Work in ENV from now on in this project (remembered on this machine, not in the file)
    Use { env: String },
}

#[derive(Subcommand)]
pub(crate) enum ProjectCommand {
    /// Show what the project file will do (hosts, variables, files, named secrets), then
    /// allow it as it is now (asks first on a terminal)
    #[command(
        after_help = "The allowance is for the file's exact content (its SHA-256), recorded on this machine, never in the file: after any change, nothing is sent for the file until it is allowed again."
    )]
    Allow {
        /// Allow without asking (scripts, CI)
        #[arg(long)]
        yes: bool,
    },
    /// Take the allowance away: nothing is sent for the file as it is now
    Deny,
    /// Whether the project file is allowed, changed since, denied or never allowed
    Status {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
pub(crate) enum SecretCommand {
    /// Set a named secret of the project from stdin (into the encrypted vault)
    Set { name: String },
    /// The project's named secrets (names only) and the ones its file names but lacks
    List {
        #[arg(long)]
        json: bool,
    },
    /// Remove a named secret of the project
    Remove { name: String },
}

#[derive(Subcommand)]
pub(crate) enum CredentialCommand {
    /// Print a kubectl ExecCredential (kubeconfig: users[].user.exec runs this)
    #[command(
        after_help = "kubeconfig:\n  users:\n  - name: me\n    user:\n      exec:\n        apiVersion: client.authentication.k8s.io/v1\n        command: oauth-desk\n        args: [credential, kubectl, NAME]\n        interactiveMode: Never"
    )]
    Kubectl {
        name: String,
        #[command(flatten)]
        at: At,
    },
    /// git's credential helper (git config credential.https://HOST.helper "!oauth-desk credential git NAME")
    Git {
        name: String,
        #[command(flatten)]
        at: At,
        /// What git asks: get answers with the token; store and erase change nothing
        #[arg(default_value = "get", value_parser = ["get", "store", "erase"])]
        action: String,
    },
}

#[derive(Subcommand)]
pub(crate) enum ProviderCommand {
    /// Add a provider, by issuer discovery or with manual endpoints
    Add(Box<AddArgs>),
    /// List the providers (the project file's and the config's)
    List {
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        at: At,
    },
    /// Show a provider's settings (never a secret)
    Show {
        name: String,
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        at: At,
    },
    /// Remove a provider with its tokens and client secret
    Remove { name: String },
    /// Delete a client OAuth Desk registered at the server (RFC 7592), then remove the provider
    Unregister { name: String },
    /// Send a registered client's current settings (redirect URI, scope) to the server
    /// (RFC 7592 update), keeping a new registration access token if it gives one
    UpdateRegistration { name: String },
    /// Write a provider's settings, without secrets, as a shareable JSON file
    Export {
        name: String,
        #[command(flatten)]
        at: At,
        /// Write to this file instead of stdout
        #[arg(short, long)]
        output: Option<std::path::PathBuf>,
    },
    /// Add providers from an OAuth Desk export (- for stdin), or from the OAuth 2.0 settings of
    /// a Postman collection, an Insomnia export or a Bruno collection (folder or .bru file)
    Import {
        file: String,
        /// What FILE is: auto (recognise it), oauth-desk, postman, insomnia or bruno
        #[arg(long, default_value = "auto", value_parser = parse_import_format)]
        from: ImportFormat,
        /// The tool's environment file, for the collection's {{variables}}
        #[arg(long, value_name = "FILE")]
        env: Option<std::path::PathBuf>,
        /// Import an OAuth Desk export under another name
        #[arg(long)]
        name: Option<String>,
        /// Only report what would be imported
        #[arg(long)]
        dry_run: bool,
    },
    /// Set or replace a provider's client secret, read from stdin
    SetSecret { name: String },
    /// Set or replace a provider's mutual-TLS client certificate and key (PEM files; both go
    /// to the vault), e.g. after an import
    SetCertificate {
        name: String,
        #[arg(long, value_name = "PEM")]
        client_cert: std::path::PathBuf,
        #[arg(long, value_name = "PEM")]
        client_key: std::path::PathBuf,
    },
    /// List the built-in templates and their quirks
    Templates,
}

#[derive(Args)]
pub(crate) struct AddArgs {
    /// A short identifier: letters, digits, '_', '.', '-'
    pub name: String,
    /// Start from a built-in template (google, entra, github, ...: see `provider templates`)
    #[arg(long)]
    pub template: Option<String>,
    /// Issuer URL: endpoints come from its discovery document (with --from-resource: which of
    /// the resource's authorization servers, when it names several)
    #[arg(long)]
    pub issuer: Option<String>,
    /// Start from an API's URL: its protected resource metadata (RFC 9728) names the
    /// authorization server, the resource indicator and the scopes
    #[arg(long, value_name = "URL")]
    pub from_resource: Option<String>,
    #[arg(long, value_name = "URL")]
    pub authorize_url: Option<String>,
    #[arg(long, value_name = "URL")]
    pub token_url: Option<String>,
    #[arg(long, value_name = "URL")]
    pub device_url: Option<String>,
    #[arg(long, value_name = "URL")]
    pub revocation_url: Option<String>,
    #[arg(long, value_name = "URL")]
    pub introspection_url: Option<String>,
    #[arg(long, value_name = "URL")]
    pub userinfo_url: Option<String>,
    #[arg(long, value_name = "URL")]
    pub jwks_url: Option<String>,
    /// The end-session endpoint (RP-initiated logout; `logout --end-session`)
    #[arg(long, value_name = "URL")]
    pub end_session_url: Option<String>,
    /// The pushed authorization request endpoint (RFC 9126), when discovery has none
    #[arg(long, value_name = "URL")]
    pub par_url: Option<String>,
    /// The client id (without it, or with --register, OAuth Desk registers a client)
    #[arg(long)]
    pub client_id: Option<String>,
    /// Register a client at the server (RFC 7591) as a native app, keeping its registration
    /// access token in the vault (RFC 7592: `provider unregister` deletes it)
    #[arg(long)]
    pub register: bool,
    /// Read the registration's initial access token from stdin (servers that need one)
    #[arg(
        long = "registration-token-stdin",
        alias = "registration-token",
        requires = "register",
        conflicts_with = "client_secret_stdin"
    )]
    pub registration_token: bool,
    /// A Client ID Metadata Document URL: the client id where the server takes those
    /// (client_id_metadata_document_supported), else a registration
    #[arg(long, value_name = "URL")]
    pub client_metadata_url: Option<String>,
    /// Read the client secret from stdin (it goes to the encrypted vault)
    #[arg(long)]
    pub client_secret_stdin: bool,
    /// Client authentication: none, post (client_secret_post), basic (client_secret_basic),
    /// private_key_jwt, client_secret_jwt (an HS256 assertion signed with the secret),
    /// tls_client_auth or self_signed_tls_client_auth (mutual TLS, RFC 8705)
    #[arg(long, value_name = "METHOD", value_parser = parse_choice::<AuthMethod>)]
    pub auth_method: Option<AuthMethod>,
    /// PEM private key (RSA, EC or Ed25519) for private_key_jwt; stored in the vault
    #[arg(long, value_name = "PEM")]
    pub private_key_file: Option<std::path::PathBuf>,
    /// PEM client certificate (chain) for mutual TLS (RFC 8705): presented to every endpoint
    /// and resource, its mtls_endpoint_aliases used; needs --client-key
    #[arg(long, value_name = "PEM", requires = "client_key")]
    pub client_cert: Option<std::path::PathBuf>,
    /// PEM private key of --client-cert; stored in the vault
    #[arg(long, value_name = "PEM", requires = "client_cert")]
    pub client_key: Option<std::path::PathBuf>,
    /// Scopes, sent exactly as written ("openid profile", or "a,b" for servers that want commas)
    #[arg(long)]
    pub scope: Option<String>,
    /// Redirect URI; default http://127.0.0.1/callback with a random port
    #[arg(long, value_name = "URI")]
    pub redirect_uri: Option<String>,
    /// Where `logout --end-session` has the browser return, as registered at the server
    /// (http://127.0.0.1:PORT/PATH); default http://127.0.0.1/logged-out with a random port
    #[arg(long, value_name = "URI")]
    pub post_logout_redirect_uri: Option<String>,
    /// PKCE: s256 (default), plain or off
    #[arg(long, value_parser = parse_choice::<PkceMode>)]
    pub pkce: Option<PkceMode>,
    /// How the authorization request is sent: get (default) or post
    #[arg(long, value_name = "METHOD", value_parser = parse_choice::<AuthorizeMethod>)]
    pub authorize_method: Option<AuthorizeMethod>,
    /// Extra authorization request parameter, k=v (repeatable)
    #[arg(long = "param", value_name = "K=V")]
    pub params: Vec<String>,
    /// Extra parameter for every token request, k=v (repeatable)
    #[arg(long = "token-param", value_name = "K=V")]
    pub token_params: Vec<String>,
    /// Resource indicator (RFC 8707) for the authorization request and every token request
    /// (repeatable)
    #[arg(long = "resource", value_name = "URI")]
    pub resources: Vec<String>,
    /// Seconds to wait for the sign-in response (default 300)
    #[arg(long, value_name = "SECS")]
    pub callback_timeout: Option<u64>,
    /// Don't let the keeper refresh this provider in the background
    #[arg(long)]
    pub no_auto_refresh: bool,
    /// Refresh this many seconds before expiry (default: max(30 s, 10 % of the lifetime),
    /// at most half the lifetime)
    #[arg(long, value_name = "SECS")]
    pub refresh_margin: Option<u64>,
    /// In the desktop app, sign in with the system browser instead of the embedded login
    /// window (for providers that refuse embedded browsers, e.g. Google)
    #[arg(long)]
    pub system_browser: bool,
    /// Accept plain-http endpoints on hosts that are not loopback (insecure: the provider then
    /// shows a warning everywhere)
    #[arg(long)]
    pub allow_http: bool,
    /// The username `credential git` answers with (default oauth2)
    #[arg(long, value_name = "NAME")]
    pub git_username: Option<String>,
    /// Pushed authorization requests (RFC 9126): auto (default: when the server requires
    /// them, or refuses a plain request asking for one), on or off
    #[arg(long, value_name = "MODE", value_parser = parse_choice::<ParMode>)]
    pub par: Option<ParMode>,
    /// Send the authorization request as a request object (RFC 9101): off (default) or
    /// signed (with the private key, or HS256 with the client secret)
    #[arg(long, value_name = "MODE", value_parser = parse_choice::<RequestObjectMode>)]
    pub request_object: Option<RequestObjectMode>,
    /// The `aud` of client assertions (private_key_jwt, client_secret_jwt): issuer (default,
    /// draft-ietf-oauth-rfc7523bis) or token-endpoint (what older servers demand)
    #[arg(long, value_name = "AUD", value_parser = parse_choice::<AssertionAudience>)]
    pub assertion_audience: Option<AssertionAudience>,
    /// Bind tokens to a DPoP key made for this provider and kept in the vault (RFC 9449)
    #[arg(long)]
    pub dpop: bool,
    /// The DPoP key's algorithm: ES256 (default), EdDSA or PS256 (implies --dpop)
    #[arg(long, value_name = "ALG", value_parser = parse_choice::<DpopAlg>)]
    pub dpop_alg: Option<DpopAlg>,
    /// Rich authorization request (RFC 9396): a JSON array of objects with a "type", or
    /// @FILE to read it from a file
    #[arg(long, value_name = "JSON|@FILE")]
    pub authorization_details: Option<String>,
}

#[derive(Args)]
pub(crate) struct CallArgs {
    pub name: String,
    #[command(flatten)]
    pub at: At,
    pub url: String,
    #[arg(long, value_name = "M")]
    pub method: Option<String>,
    /// The request body, or @FILE to read it from a file
    #[arg(long, value_name = "BODY|@FILE")]
    pub data: Option<String>,
    /// An extra request header, "Name: value" (repeatable)
    #[arg(long = "header", short = 'H', value_name = "K: V")]
    pub headers: Vec<String>,
    /// Print status, headers and body as JSON
    #[arg(long)]
    pub json: bool,
    /// Read at most this many bytes of the answer (default 16 MiB); the rest is cut, and said
    #[arg(long, value_name = "BYTES")]
    pub max_bytes: Option<usize>,
}

#[derive(Args)]
pub(crate) struct LoginArgs {
    /// The provider to sign in to (NAME@IDENTITY for one of its identities)
    pub name: String,
    #[command(flatten)]
    pub at: At,
    /// Print the URL instead of opening a browser
    #[arg(long)]
    pub no_browser: bool,
    /// Scopes for this sign-in, sent exactly as written
    #[arg(long)]
    pub scope: Option<String>,
    /// Extra authorization parameter for this sign-in, k=v (repeatable)
    #[arg(long = "param", value_name = "K=V", value_parser = parse_choice::<oauth_desk::provider::Param>)]
    pub params: Vec<oauth_desk::provider::Param>,
    /// Ask the server for a new login rather than an existing session (prompt=login)
    #[arg(long)]
    pub fresh: bool,
    /// Seconds to wait for the sign-in response (default: the provider's, 300)
    #[arg(long, value_name = "SECS")]
    pub timeout: Option<u64>,
    /// code (default), or for debugging implicit and hybrid flows: "code id_token",
    /// "code token", "code id_token token", id_token, "id_token token", token
    #[arg(long, value_name = "TYPE", default_value = "code", value_parser = parse_response_type)]
    pub response_type: ResponseType,
    /// query, fragment or form_post (default: query for code, fragment otherwise)
    #[arg(long, value_name = "MODE", value_parser = parse_response_mode)]
    pub response_mode: Option<ResponseMode>,
}

fn parse_response_type(s: &str) -> Result<ResponseType, String> {
    s.parse()
}

fn parse_response_mode(s: &str) -> Result<ResponseMode, String> {
    s.parse()
}

#[derive(Args)]
pub(crate) struct ExchangeArgs {
    /// The provider whose tokens the exchange gives
    pub name: String,
    #[command(flatten)]
    pub at: At,
    /// The provider whose token is the subject
    #[arg(long, value_name = "OTHER")]
    pub subject_from: String,
    /// Which of its tokens: access (default), id or refresh
    #[arg(long, value_name = "KIND", default_value = "access", value_parser = parse_kind)]
    pub subject_token: TokenKind,
    /// The provider whose token is the actor (delegation)
    #[arg(long, value_name = "OTHER")]
    pub actor_from: Option<String>,
    /// Which of the actor's tokens: access (default), id or refresh
    #[arg(long, value_name = "KIND", default_value = "access", value_parser = parse_kind)]
    pub actor_token: TokenKind,
    /// The logical name of the target service (repeatable)
    #[arg(long)]
    pub audience: Vec<String>,
    /// The URI of the target resource (repeatable)
    #[arg(long)]
    pub resource: Vec<String>,
    #[arg(long)]
    pub scope: Option<String>,
    /// A token type URN, e.g. urn:ietf:params:oauth:token-type:access_token
    #[arg(long, value_name = "URN")]
    pub requested_token_type: Option<String>,
}

fn parse_kind(s: &str) -> Result<TokenKind, String> {
    match s {
        "access" => Ok(TokenKind::Access),
        "id" => Ok(TokenKind::Id),
        "refresh" => Ok(TokenKind::Refresh),
        other => Err(format!(
            "{other:?} is not a token kind: access, id or refresh"
        )),
    }
}

#[derive(Args)]
pub(crate) struct LabArgs {
    /// The provider to test
    #[arg(required_unless_present = "example")]
    pub name: Option<String>,
    #[command(flatten)]
    pub at: At,
    /// The test plan (TOML); without it, the plan kept with the provider
    #[arg(long, value_name = "PLAN.toml")]
    pub plan: Option<std::path::PathBuf>,
    /// Write a JUnit XML report (one <testcase> per case)
    #[arg(long, value_name = "FILE")]
    pub junit: Option<std::path::PathBuf>,
    /// Print the results as JSON (stable format, documented in the README)
    #[arg(long)]
    pub json: bool,
    /// Print the sign-in URLs instead of opening a browser
    #[arg(long)]
    pub no_browser: bool,
    /// Don't revoke the cases' tokens (they stay valid at the server until they expire)
    #[arg(long)]
    pub keep_tokens: bool,
    /// Keep the plan with the provider (exported and imported with it)
    #[arg(long, requires = "plan")]
    pub save_plan: bool,
    /// Run only the case of this name
    #[arg(long, value_name = "NAME")]
    pub case: Option<String>,
    /// Print an example plan and exit
    #[arg(long, exclusive = true)]
    pub example: bool,
}

impl Command {
    /// The provider the command is about, if it names one.
    pub fn provider(&self) -> Option<&str> {
        match self {
            Command::Login(args) => Some(&args.name),
            Command::Lab(args) => args.name.as_deref(),
            Command::Exchange(args) => Some(&args.name),
            Command::Call(args) => Some(&args.name),
            Command::JwtBearer { name, .. }
            | Command::Password { name, .. }
            | Command::Token { name, .. }
            | Command::Headers { name, .. }
            | Command::Exec { name, .. }
            | Command::Credential(
                CredentialCommand::Kubectl { name, .. } | CredentialCommand::Git { name, .. },
            )
            | Command::Show { name, .. }
            | Command::Refresh { name, .. }
            | Command::Logout { name, .. }
            | Command::Device { name, .. }
            | Command::ClientCredentials { name, .. }
            | Command::Revoke { name, .. }
            | Command::Introspect { name, .. }
            | Command::Userinfo { name, .. }
            | Command::Trace { name, .. }
            | Command::Audit { name, .. }
            | Command::Identity(
                IdentityCommand::Add { name, .. }
                | IdentityCommand::List { name, .. }
                | IdentityCommand::Remove { name, .. },
            ) => Some(name),
            Command::Provider(cmd) => match cmd {
                ProviderCommand::Add(args) => Some(&args.name),
                ProviderCommand::Show { name, .. }
                | ProviderCommand::Remove { name }
                | ProviderCommand::Export { name, .. }
                | ProviderCommand::SetSecret { name }
                | ProviderCommand::SetCertificate { name, .. } => Some(name),
                _ => None,
            },
            Command::Keeper
            | Command::Decode { .. }
            | Command::Env(_)
            | Command::Secret(_)
            | Command::Project(_) => None,
        }
    }

    /// The environment the command asks for after its name (`token api --env stage`).
    pub fn env(&self) -> Option<&str> {
        let at = match self {
            Command::Login(args) => &args.at,
            Command::Lab(args) => &args.at,
            Command::Exchange(args) => &args.at,
            Command::Call(args) => &args.at,
            Command::JwtBearer { at, .. }
            | Command::Password { at, .. }
            | Command::Token { at, .. }
            | Command::Headers { at, .. }
            | Command::Credential(
                CredentialCommand::Kubectl { at, .. } | CredentialCommand::Git { at, .. },
            )
            | Command::Show { at, .. }
            | Command::Refresh { at, .. }
            | Command::Logout { at, .. }
            | Command::Device { at, .. }
            | Command::ClientCredentials { at, .. }
            | Command::Revoke { at, .. }
            | Command::Introspect { at, .. }
            | Command::Userinfo { at, .. }
            | Command::Trace { at, .. }
            | Command::Audit { at, .. }
            | Command::Identity(
                IdentityCommand::Add { at, .. }
                | IdentityCommand::List { at, .. }
                | IdentityCommand::Remove { at, .. },
            )
            | Command::Provider(
                ProviderCommand::Show { at, .. }
                | ProviderCommand::List { at, .. }
                | ProviderCommand::Export { at, .. },
            ) => at,
            _ => return None,
        };
        at.env.as_deref()
    }
}
