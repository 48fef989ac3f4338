//! Getting tokens: `login`, `device`, `client-credentials`.

use std::io::IsTerminal;
use std::time::Duration;

use oauth_desk::{Desk, SignInRequest, now};

use super::Failure;
use crate::args::LoginArgs;
use crate::host::Terminal;
use crate::render;

pub async fn login(desk: &Desk, args: LoginArgs) -> Result<(), Failure> {
    let request = SignInRequest {
        scope: args.scope,
        params: args.params,
        fresh: args.fresh,
        timeout: args.timeout.map(Duration::from_secs),
        system_browser: None,
    };
    let host = Terminal {
        no_browser: args.no_browser,
        ..Terminal::default()
    };
    let tokens = desk.sign_in(&args.name, request, &host).await?;
    print!("{}", render::signed_in(&args.name, &tokens, now()));
    Ok(())
}

pub async fn device(
    desk: &Desk,
    name: &str,
    no_browser: bool,
    scope: Option<String>,
) -> Result<(), Failure> {
    let host = Terminal {
        no_browser,
        ..Terminal::default()
    };
    let signing_in = desk.device_sign_in(name, scope.as_deref(), &host, Duration::from_secs(1));
    // Ctrl-C ends the wait at once, not after the current interval.
    let tokens = tokio::select! {
        tokens = signing_in => tokens,
        _ = tokio::signal::ctrl_c() => {
            return Err(super::failure("the device sign-in was cancelled"));
        }
    };
    if std::io::stderr().is_terminal() {
        eprintln!();
    }
    print!("{}", render::signed_in(name, &tokens?, now()));
    Ok(())
}

pub async fn client_credentials(
    desk: &Desk,
    name: &str,
    scope: Option<String>,
) -> Result<(), Failure> {
    let tokens = desk.client_credentials(name, scope.as_deref()).await?;
    print!("{}", render::signed_in(name, &tokens, now()));
    Ok(())
}
