//! The `oauth-desk` CLI: parses arguments, calls the engine (`oauth_desk::Desk`), prints.
//! No protocol or storage rule lives here. Exit codes: 0 ok, 1 error, 2 usage.

mod render;

use std::io::{BufRead, IsTerminal, Read};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use oauth_desk::desk::now;
use oauth_desk::flow::endpoints::{TokenKind, UserInfo};
use oauth_desk::login::{Capture, LoginOptions};
use oauth_desk::provider::Param;
use oauth_desk::{ClientSecrets, Desk, DeskError, ProviderSpec, Secret, agent};

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
struct Cli {
    /// More log output on stderr (-v info, -vv debug). Tokens are never logged.
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    verbose: u8,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Add, list, show, remove, export and import providers
    #[command(subcommand)]
    Provider(ProviderCommand),
    /// Sign in with the authorization-code flow (PKCE) in a browser
    Login(LoginArgs),
    /// Print a fresh access token, refreshing it first when it is about to expire
    Token { name: String },
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
    Logout { name: String },
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
    /// Revoke the refresh and access tokens at the server (RFC 7009); `logout` forgets them
    Revoke { name: String },
    /// Ask the server about the access token, or the refresh token (RFC 7662)
    Introspect {
        name: String,
        /// Introspect the refresh token instead of the access token
        #[arg(long)]
        refresh: bool,
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
enum ProviderCommand {
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
    Import {
        file: String,
        /// Import it under another name
        #[arg(long)]
        name: Option<String>,
    },
    /// Set or replace a provider's client secret, read from stdin
    SetSecret { name: String },
    /// List the built-in templates and their quirks
    Templates,
}

#[derive(Args)]
struct AddArgs {
    /// A short identifier: letters, digits, '_', '.', '-'
    name: String,
    /// Start from a built-in template (google, entra, github, ...: see `provider templates`)
    #[arg(long)]
    template: Option<String>,
    /// Issuer URL: endpoints come from its discovery document
    #[arg(long)]
    issuer: Option<String>,
    #[arg(long, value_name = "URL")]
    authorize_url: Option<String>,
    #[arg(long, value_name = "URL")]
    token_url: Option<String>,
    #[arg(long, value_name = "URL")]
    device_url: Option<String>,
    #[arg(long, value_name = "URL")]
    revocation_url: Option<String>,
    #[arg(long, value_name = "URL")]
    introspection_url: Option<String>,
    #[arg(long, value_name = "URL")]
    userinfo_url: Option<String>,
    #[arg(long, value_name = "URL")]
    jwks_url: Option<String>,
    #[arg(long)]
    client_id: String,
    /// Read the client secret from stdin (it goes to the encrypted vault)
    #[arg(long)]
    client_secret_stdin: bool,
    /// Client authentication: none, post (client_secret_post), basic (client_secret_basic)
    /// or private_key_jwt
    #[arg(long, value_name = "METHOD")]
    auth_method: Option<String>,
    /// PEM private key (RSA, EC or Ed25519) for private_key_jwt; stored in the vault
    #[arg(long, value_name = "PEM")]
    private_key_file: Option<std::path::PathBuf>,
    /// Scopes, sent exactly as written ("openid profile", or "a,b" for servers that want commas)
    #[arg(long)]
    scope: Option<String>,
    /// Redirect URI; default http://127.0.0.1/callback with a random port
    #[arg(long, value_name = "URI")]
    redirect_uri: Option<String>,
    /// PKCE: s256 (default), plain or off
    #[arg(long)]
    pkce: Option<String>,
    /// How the authorization request is sent: get (default) or post
    #[arg(long, value_name = "METHOD")]
    authorize_method: Option<String>,
    /// Extra authorization request parameter, k=v (repeatable)
    #[arg(long = "param", value_name = "K=V")]
    params: Vec<String>,
    /// Extra parameter for every token request, k=v (repeatable)
    #[arg(long = "token-param", value_name = "K=V")]
    token_params: Vec<String>,
    /// Seconds to wait for the sign-in response (default 300)
    #[arg(long, value_name = "SECS")]
    callback_timeout: Option<u64>,
    /// Don't let the keeper refresh this provider in the background
    #[arg(long)]
    no_auto_refresh: bool,
    /// Refresh this many seconds before expiry (default: max(30 s, 10 % of the lifetime),
    /// at most half the lifetime)
    #[arg(long, value_name = "SECS")]
    refresh_margin: Option<u64>,
    /// In the desktop app, sign in with the system browser instead of the embedded login
    /// window (for providers that refuse embedded browsers, e.g. Google)
    #[arg(long)]
    system_browser: bool,
}

#[derive(Args)]
struct LoginArgs {
    /// The provider to sign in to
    name: String,
    /// Print the URL instead of opening a browser
    #[arg(long)]
    no_browser: bool,
    /// Scopes for this sign-in, sent exactly as written
    #[arg(long)]
    scope: Option<String>,
    /// Extra authorization parameter for this sign-in, k=v (repeatable)
    #[arg(long = "param", value_name = "K=V")]
    params: Vec<String>,
    /// Ask the server for a new login rather than an existing session (prompt=login)
    #[arg(long)]
    fresh: bool,
    /// Seconds to wait for the sign-in response (default: the provider's, 300)
    #[arg(long, value_name = "SECS")]
    timeout: Option<u64>,
}

/// A failure, with the exit code it deserves.
struct Failure {
    code: u8,
    message: String,
}

impl From<DeskError> for Failure {
    fn from(e: DeskError) -> Self {
        let code = match e {
            DeskError::Provider(_) => 2,
            _ => 1,
        };
        Failure {
            code,
            message: oauth_desk::explain::sentence(&e),
        }
    }
}

fn usage(message: impl Into<String>) -> Failure {
    Failure {
        code: 2,
        message: message.into(),
    }
}

fn failure(message: impl Into<String>) -> Failure {
    Failure {
        code: 1,
        message: message.into(),
    }
}

fn main() -> ExitCode {
    // Fast path: `oauth-desk token NAME` answered by a running keeper, before the argument
    // parser, the async runtime and the HTTP client exist. Anything else takes the full path.
    if let Some(code) = token_from_agent() {
        return code;
    }
    let cli = Cli::parse();
    // The keeper logs each refresh at info level; other commands stay quiet unless asked.
    let keeper = matches!(cli.command, Command::Keeper);
    init_logging(cli.verbose.max(u8::from(keeper)));
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: could not start the async runtime: {e}");
            return ExitCode::from(1);
        }
    };
    match runtime.block_on(run(cli.command)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            eprintln!("error: {}", f.message);
            ExitCode::from(f.code)
        }
    }
}

fn token_from_agent() -> Option<ExitCode> {
    let mut args = std::env::args_os().skip(1);
    let (Some(command), Some(name), None) = (args.next(), args.next(), args.next()) else {
        return None;
    };
    let name = name.into_string().ok()?;
    if command != "token" || name.starts_with('-') {
        return None;
    }
    let paths = oauth_desk::store::paths::Paths::from_env().ok()?;
    let answer = agent::ask_blocking(&paths, &agent::Request::Token { provider: name })?;
    Some(match (answer.token, answer.error) {
        (Some(token), _) => {
            println!("{token}");
            ExitCode::SUCCESS
        }
        (None, error) => {
            eprintln!(
                "error: {}",
                error.unwrap_or_else(|| "the keeper gave no token".into())
            );
            ExitCode::from(1)
        }
    })
}

fn init_logging(verbose: u8) {
    let default = match verbose {
        0 => "warn",
        1 => "info",
        _ => "debug",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("OAUTH_DESK_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(format!("oauth_desk={default}")));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .with_target(false)
        .init();
}

async fn run(command: Command) -> Result<(), Failure> {
    if let Command::Decode { token, json } = command {
        return decode(token, json);
    }
    let desk = Desk::from_env()?;
    match command {
        Command::Provider(cmd) => provider(&desk, cmd).await,
        Command::Login(args) => login(&desk, args).await,
        Command::Token { name } => {
            // A running keeper answers from its unlocked vault; else do it here.
            let request = agent::Request::Token {
                provider: name.clone(),
            };
            if let Some(answer) = agent::ask(desk.paths(), &request).await {
                return match (answer.token, answer.error) {
                    (Some(token), _) => {
                        println!("{token}");
                        Ok(())
                    }
                    (None, error) => Err(failure(
                        error.unwrap_or_else(|| "the keeper gave no token".into()),
                    )),
                };
            }
            let token = desk.access_token(&name).await?;
            println!("{}", token.expose());
            Ok(())
        }
        Command::Keeper => keeper(desk).await,
        Command::Show { name, json, reveal } => {
            let mut report = desk.report(&name).await?;
            if reveal {
                report.reveal();
            }
            if json {
                println!("{}", render::json(&report));
            } else {
                print!("{}", render::report(&report));
            }
            Ok(())
        }
        Command::Refresh { name } => {
            // A running keeper refreshes from its unlocked vault; else do it here.
            let request = agent::Request::Refresh {
                provider: name.clone(),
            };
            let expires_at = match agent::ask(desk.paths(), &request).await {
                Some(answer) => match answer.error {
                    Some(error) => return Err(failure(error)),
                    None => answer.expires_at,
                },
                None => desk.refresh(&name, true).await?.expires_at,
            };
            println!(
                "Refreshed {name}: {}.",
                render::expiry_phrase(expires_at, now())
            );
            Ok(())
        }
        Command::Logout { name } => {
            let had = desk.logout(&name).await?;
            rearm(&desk).await;
            if had {
                println!("Signed out of {name}: its tokens are forgotten.");
            } else {
                println!("{name} was not signed in.");
            }
            Ok(())
        }
        Command::Device {
            name,
            no_browser,
            scope,
        } => device(&desk, &name, no_browser, scope).await,
        Command::ClientCredentials { name, scope } => {
            let tokens = desk.client_credentials(&name, scope.as_deref()).await?;
            rearm(&desk).await;
            print!("{}", render::signed_in(&name, &tokens, now()));
            Ok(())
        }
        Command::Revoke { name } => {
            let revoked = desk.revoke(&name).await?;
            rearm(&desk).await;
            let what: Vec<&str> = revoked.iter().map(|k| k.hint()).collect();
            println!(
                "Revoked the {} of {name}. `oauth-desk introspect {name}` shows the server's view; `oauth-desk logout {name}` forgets them.",
                what.join(" and ")
            );
            Ok(())
        }
        Command::Introspect { name, refresh } => {
            let kind = if refresh {
                TokenKind::Refresh
            } else {
                TokenKind::Access
            };
            let answer = desk.introspect(&name, kind).await?;
            println!("{}", render::json(&answer));
            Ok(())
        }
        Command::Userinfo { name } => {
            match desk.userinfo(&name).await? {
                UserInfo::Claims(claims) => println!("{}", render::json(&claims)),
                UserInfo::Jwt(jwt) => match oauth_desk::jwt::decode(&jwt) {
                    Ok(decoded) => print!("{}", render::jwt(&decoded, now())),
                    Err(_) => println!("{jwt}"),
                },
            }
            Ok(())
        }
        Command::Trace { name, har, json } => {
            let trace = desk.trace(&name)?.ok_or_else(|| {
                failure(format!(
                    "no trace yet for {name}: traces are kept from the next flow on"
                ))
            })?;
            match har {
                Some(path) => {
                    let text = render::json(&oauth_desk::trace::to_har(&trace));
                    std::fs::write(&path, text)
                        .map_err(|e| failure(format!("could not write {}: {e}", path.display())))?;
                    eprintln!(
                        "Wrote {} exchanges to {} (HAR 1.2, secrets redacted).",
                        trace.exchanges.len(),
                        path.display()
                    );
                }
                None if json => println!("{}", render::json(&trace)),
                None => print!("{}", render::trace(&trace)),
            }
            Ok(())
        }
        Command::Decode { .. } => unreachable!("handled above"),
    }
}

/// Runs the keeper and the agent socket until Ctrl-C or SIGTERM.
async fn keeper(desk: Desk) -> Result<(), Failure> {
    let desk = std::sync::Arc::new(desk);
    let (handle, task) =
        oauth_desk::keeper::spawn(desk.clone(), oauth_desk::keeper::KeeperClock::default());
    let mut events = handle.subscribe();
    let path = agent::socket_path(desk.paths());
    let mut server = tokio::spawn(agent::serve(desk.clone(), handle.clone(), path.clone()));
    eprintln!(
        "Keeper running: tokens are refreshed before they expire; `oauth-desk token` asks it at {}. Ctrl-C stops it.",
        path.display()
    );
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .map_err(|e| failure(format!("could not watch SIGTERM: {e}")))?;
    loop {
        tokio::select! {
            _ = tokio::signal::ctrl_c() => break,
            _ = term.recv() => break,
            served = &mut server => {
                handle.stop();
                return Err(match served {
                    Ok(Err(e)) => failure(e.to_string()),
                    _ => failure("the agent socket stopped"),
                });
            }
            event = events.recv() => match event {
                Ok(e) => render::keeper_event(&e),
                Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
                Err(_) => break,
            },
        }
    }
    handle.stop();
    server.abort();
    let _ = std::fs::remove_file(&path);
    let _ = task.await;
    eprintln!("Keeper stopped.");
    Ok(())
}

/// Tells a running keeper that tokens changed (best effort: there may be none).
async fn rearm(desk: &Desk) {
    let _ = agent::ask(desk.paths(), &agent::Request::Rearm).await;
}

async fn device(
    desk: &Desk,
    name: &str,
    no_browser: bool,
    scope: Option<String>,
) -> Result<(), Failure> {
    let login = desk.begin_device(name, scope.as_deref()).await?;
    let auth = &login.authorization;
    eprintln!(
        "To sign in to {name}, open {} and enter the code:",
        auth.verification_uri
    );
    eprintln!();
    eprintln!("    {}", auth.user_code);
    eprintln!();
    // The code on stdout too, alone on its line, for scripts.
    println!("{}", auth.user_code);
    if !no_browser
        && let Ok(url) = url::Url::parse(auth.open_uri())
        && let Err(e) = oauth_desk::browser::open(&url)
    {
        eprintln!("{e}");
    }
    let interactive = std::io::stderr().is_terminal();
    let polling = desk.finish_device(
        login,
        std::time::Duration::from_secs(1),
        |event| render::poll_event(event, interactive),
        || false,
    );
    // Ctrl-C ends the wait at once, not after the current interval.
    let tokens = tokio::select! {
        tokens = polling => tokens,
        _ = tokio::signal::ctrl_c() => {
            if interactive {
                eprintln!();
            }
            return Err(failure("the device sign-in was cancelled"));
        }
    };
    if interactive {
        eprintln!();
    }
    let tokens = tokens?;
    rearm(desk).await;
    print!("{}", render::signed_in(name, &tokens, now()));
    Ok(())
}

async fn provider(desk: &Desk, cmd: ProviderCommand) -> Result<(), Failure> {
    match cmd {
        ProviderCommand::Add(args) => {
            let secret = if args.client_secret_stdin {
                Some(read_secret_stdin()?)
            } else {
                None
            };
            let private_key = match &args.private_key_file {
                Some(path) => Some(Secret::new(std::fs::read_to_string(path).map_err(|e| {
                    DeskError::PrivateKeyFile {
                        path: path.display().to_string(),
                        reason: e.to_string(),
                    }
                })?)),
                None => None,
            };
            let spec = ProviderSpec {
                name: args.name,
                template: args.template,
                issuer: args.issuer,
                authorization_url: args.authorize_url,
                token_url: args.token_url,
                device_url: args.device_url,
                revocation_url: args.revocation_url,
                introspection_url: args.introspection_url,
                userinfo_url: args.userinfo_url,
                jwks_url: args.jwks_url,
                client_id: args.client_id,
                auth_method: args.auth_method,
                scope: args.scope,
                redirect_uri: args.redirect_uri,
                pkce: args.pkce,
                authorize_method: args.authorize_method,
                params: args.params,
                token_params: args.token_params,
                callback_timeout_secs: args.callback_timeout,
                no_auto_refresh: args.no_auto_refresh,
                refresh_margin_secs: args.refresh_margin,
                system_browser: args.system_browser,
            };
            if spec.issuer.is_none() && spec.token_url.is_none() && spec.template.is_none() {
                return Err(usage(
                    "give --issuer URL (discovery), --authorize-url URL --token-url URL, or --template NAME",
                ));
            }
            let provider = desk
                .add_provider(
                    spec,
                    ClientSecrets {
                        client_secret: secret,
                        private_key,
                    },
                )
                .await?;
            if let Some(t) = provider
                .template
                .as_deref()
                .and_then(oauth_desk::provider::templates::find)
            {
                eprintln!("{} quirks: {}", t.title, t.quirks);
            }
            println!("Added provider {}.", provider.name);
            print!("{}", render::provider(&provider));
            Ok(())
        }
        ProviderCommand::List { json } => {
            let providers = desk.providers()?;
            if json {
                println!("{}", render::json(&providers));
            } else if providers.is_empty() {
                println!(
                    "No providers yet. Add one with `oauth-desk provider add NAME --issuer URL --client-id ID`."
                );
            } else {
                for p in providers {
                    let place = p
                        .issuer
                        .clone()
                        .or(p.endpoints.token.as_ref().map(|u| u.to_string()))
                        .unwrap_or_default();
                    println!("{:<20} {:<24} {place}", p.name.as_str(), p.client_id);
                }
            }
            Ok(())
        }
        ProviderCommand::Show { name, json } => {
            let provider = desk.provider(&name)?;
            if json {
                println!("{}", render::json(&provider));
            } else {
                print!("{}", render::provider(&provider));
            }
            Ok(())
        }
        ProviderCommand::Remove { name } => {
            desk.remove_provider(&name).await?;
            println!("Removed provider {name} with its tokens and client secret.");
            Ok(())
        }
        ProviderCommand::Export { name, output } => {
            let text = desk.export_provider(&name)?;
            match output {
                Some(path) => {
                    std::fs::write(&path, text)
                        .map_err(|e| failure(format!("could not write {}: {e}", path.display())))?;
                    eprintln!("Exported {name} to {} (no secrets).", path.display());
                }
                None => print!("{text}"),
            }
            Ok(())
        }
        ProviderCommand::Import { file, name } => {
            let text = if file == "-" {
                let mut text = String::new();
                std::io::stdin()
                    .read_to_string(&mut text)
                    .map_err(|e| failure(format!("could not read stdin: {e}")))?;
                text
            } else {
                std::fs::read_to_string(&file)
                    .map_err(|e| failure(format!("could not read {file}: {e}")))?
            };
            let provider = desk.import_provider(&file, &text, name.as_deref())?;
            println!("Imported provider {}.", provider.name);
            if provider.auth_method != oauth_desk::provider::AuthMethod::None {
                println!(
                    "It uses {}: set its client secret with `oauth-desk provider set-secret {}` (reads stdin).",
                    provider.auth_method, provider.name
                );
            }
            Ok(())
        }
        ProviderCommand::Templates => {
            for t in oauth_desk::provider::templates::TEMPLATES {
                println!("{:<11} {}", t.name, t.title);
                println!("            {}", t.quirks);
            }
            Ok(())
        }
        ProviderCommand::SetSecret { name } => {
            let secret = read_secret_stdin()?;
            desk.set_client_secret(&name, secret).await?;
            println!("Stored the client secret of {name} in the vault.");
            Ok(())
        }
    }
}

async fn login(desk: &Desk, args: LoginArgs) -> Result<(), Failure> {
    let mut params: Vec<Param> = args
        .params
        .iter()
        .map(|p| p.parse())
        .collect::<Result<_, _>>()
        .map_err(|e: oauth_desk::provider::ProviderError| usage(e.to_string()))?;
    if args.fresh {
        params.push(Param("prompt".into(), "login".into()));
    }
    let options = LoginOptions {
        scope: args.scope,
        params,
        timeout: args.timeout.map(std::time::Duration::from_secs),
    };
    let pending = desk.begin_login(&args.name, &options).await?;
    let url = pending.open_url().clone();
    if args.no_browser {
        eprintln!("Open this URL in a browser to sign in to {}:", args.name);
        println!("{url}");
    } else if let Err(e) = oauth_desk::browser::open(&url) {
        eprintln!("{e}. Open this URL in a browser instead:");
        println!("{url}");
    } else {
        eprintln!("Opened the browser to sign in to {}.", args.name);
    }
    let authorized = match pending.capture() {
        Capture::Loopback => {
            eprintln!(
                "Waiting for the sign-in response on {} (up to {} s; Ctrl-C to cancel)...",
                pending.redirect_uri(),
                pending.timeout().as_secs()
            );
            desk.wait_for_code(pending, None).await?
        }
        Capture::Paste => {
            eprintln!(
                "After you sign in, the browser goes to {} (the page may not load).\n\
                 Copy the full address from the address bar and paste it here, then press Enter:",
                pending.redirect_uri()
            );
            let line = read_line_stdin()?;
            pending.accept_url(&line).map_err(DeskError::from)?
        }
    };
    let tokens = desk.finish_login(authorized).await?;
    rearm(desk).await;
    print!("{}", render::signed_in(&args.name, &tokens, now()));
    Ok(())
}

fn decode(token: Option<String>, json: bool) -> Result<(), Failure> {
    let text = match token.as_deref() {
        Some(t) if t != "-" => t.to_owned(),
        _ => {
            if std::io::stdin().is_terminal() {
                eprintln!("Paste the JWT, then press Enter:");
            }
            read_line_stdin()?
        }
    };
    let decoded = oauth_desk::jwt::decode(&text).map_err(|e| failure(e.to_string()))?;
    if json {
        println!(
            "{}",
            render::json(
                &serde_json::json!({ "header": decoded.header, "claims": decoded.claims })
            )
        );
    } else {
        print!("{}", render::jwt(&decoded, now()));
    }
    Ok(())
}

/// Reads one line from stdin (the pasted redirect URL, a token). EOF is an error.
fn read_line_stdin() -> Result<String, Failure> {
    let mut line = String::new();
    let n = std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| failure(format!("could not read stdin: {e}")))?;
    if n == 0 || line.trim().is_empty() {
        return Err(failure("nothing was read from stdin"));
    }
    Ok(line.trim().to_owned())
}

/// Reads a secret from stdin: the whole input, without the trailing newline.
fn read_secret_stdin() -> Result<Secret, Failure> {
    if std::io::stdin().is_terminal() {
        eprintln!("Type or paste the client secret, then press Enter and Ctrl-D:");
    }
    let mut text = zeroize::Zeroizing::new(String::new());
    std::io::stdin()
        .read_to_string(&mut text)
        .map_err(|e| failure(format!("could not read the client secret from stdin: {e}")))?;
    let secret = text.trim_end_matches(['\n', '\r']);
    if secret.is_empty() {
        return Err(usage("the client secret read from stdin is empty"));
    }
    Ok(Secret::new(secret))
}
