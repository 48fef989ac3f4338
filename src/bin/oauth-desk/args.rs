//! The command line: every command and flag, as clap reads them. The handlers are in
//! `cmd/`, one module per group.

use clap::{Args, Parser, Subcommand};
use oauth_desk::{
    AuthMethod, AuthorizeMethod, DpopAlg, ImportFormat, ParMode, PkceMode, RequestObjectMode,
    ResponseMode, ResponseType, TokenFormat, TokenKind,
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
        /// Machine-readable output (stable format, documented in the README)
        #[arg(long)]
        json: bool,
        /// Include the token values
        #[arg(long)]
        reveal: bool,
    },
    /// Refresh the tokens now, even if not due
    Refresh { name: String },
    /// Forget the tokens of a provider (the provider and its client secret stay)
    Logout {
        name: String,
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
        #[arg(long)]
        username: String,
        #[arg(long)]
        scope: Option<String>,
    },
    /// Revoke the refresh and access tokens at the server (RFC 7009); `logout` forgets them
    Revoke { name: String },
    /// Ask the server about the access token, or the refresh token (RFC 7662)
    Introspect {
        name: String,
        /// Introspect the refresh token instead of the access token
        #[arg(long, conflicts_with = "id")]
        refresh: bool,
        /// The ID token (not introspectable: says so, and why)
        #[arg(long)]
        id: bool,
    },
    /// Call the userinfo endpoint with a fresh access token
    Userinfo { name: String },
    /// Show the last flow's HTTP exchanges (secrets redacted), or write them as HAR 1.2
    Trace {
        name: String,
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
    /// Decode a JWT given as an argument or on stdin
    Decode {
        /// The token, or - (the default) to read it from stdin
        token: Option<String>,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
pub(crate) enum CredentialCommand {
    /// Print a kubectl ExecCredential (kubeconfig: users[].user.exec runs this)
    #[command(
        after_help = "kubeconfig:\n  users:\n  - name: me\n    user:\n      exec:\n        apiVersion: client.authentication.k8s.io/v1\n        command: oauth-desk\n        args: [credential, kubectl, NAME]\n        interactiveMode: Never"
    )]
    Kubectl { name: String },
    /// git's credential helper (git config credential.https://HOST.helper "!oauth-desk credential git NAME")
    Git {
        name: String,
        /// What git asks: get answers with the token; store and erase change nothing
        #[arg(default_value = "get", value_parser = ["get", "store", "erase"])]
        action: String,
    },
}

#[derive(Subcommand)]
pub(crate) enum ProviderCommand {
    /// Add a provider, by issuer discovery or with manual endpoints
    Add(Box<AddArgs>),
    /// List the providers
    List {
        #[arg(long)]
        json: bool,
    },
    /// Show a provider's settings (never a secret)
    Show {
        name: String,
        #[arg(long)]
        json: bool,
    },
    /// Remove a provider with its tokens and client secret
    Remove { name: String },
    /// Write a provider's settings, without secrets, as a shareable JSON file
    Export {
        name: String,
        /// Write to this file instead of stdout
        #[arg(short, long)]
        output: Option<std::path::PathBuf>,
    },
    /// Add a provider from an export file (- for stdin)
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
    /// Issuer URL: endpoints come from its discovery document
    #[arg(long)]
    pub issuer: Option<String>,
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
    #[arg(long)]
    pub client_id: String,
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
}

#[derive(Args)]
pub(crate) struct LoginArgs {
    /// The provider to sign in to
    pub name: String,
    /// Print the URL instead of opening a browser
    #[arg(long)]
    pub no_browser: bool,
    /// Scopes for this sign-in, sent exactly as written
    #[arg(long)]
    pub scope: Option<String>,
    /// Extra authorization parameter for this sign-in, k=v (repeatable)
    #[arg(long = "param", value_name = "K=V")]
    pub params: Vec<String>,
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
            Command::JwtBearer { name, .. } | Command::Password { name, .. } => Some(name),
            Command::Token { name, .. }
            | Command::Headers { name, .. }
            | Command::Call(CallArgs { name, .. })
            | Command::Exec { name, .. }
            | Command::Credential(
                CredentialCommand::Kubectl { name } | CredentialCommand::Git { name, .. },
            )
            | Command::Show { name, .. }
            | Command::Refresh { name }
            | Command::Logout { name, .. }
            | Command::Device { name, .. }
            | Command::ClientCredentials { name, .. }
            | Command::Revoke { name }
            | Command::Introspect { name, .. }
            | Command::Userinfo { name }
            | Command::Trace { name, .. } => Some(name),
            Command::Provider(cmd) => match cmd {
                ProviderCommand::Add(args) => Some(&args.name),
                ProviderCommand::Show { name, .. }
                | ProviderCommand::Remove { name }
                | ProviderCommand::Export { name, .. }
                | ProviderCommand::SetSecret { name }
                | ProviderCommand::SetCertificate { name, .. } => Some(name),
                _ => None,
            },
            Command::Keeper | Command::Decode { .. } => None,
        }
    }
}
