//! Getting tokens: `login`, `device`, `client-credentials`, `exchange`, `jwt-bearer`,
//! `password`.

use oauth_desk::provider::Scope;
use std::io::IsTerminal;
use std::time::Duration;

use oauth_desk::grant::{
    AssertionSource, ExchangeRequest, JwtBearerRequest, PASSWORD_GRANT_WARNING,
};
use oauth_desk::{Desk, SignInRequest, now};

use super::{Failure, at};
use crate::args::{ExchangeArgs, LoginArgs};
use crate::host::Terminal;
use crate::render;

pub async fn login(desk: &Desk, args: LoginArgs) -> Result<(), Failure> {
    let request = SignInRequest {
        scope: args.scope.map(Scope::from),
        params: args.params,
        fresh: args.fresh,
        timeout: args.timeout.map(Duration::from_secs),
        system_browser: None,
        response_type: args.response_type,
        response_mode: args.response_mode,
    };
    let host = Terminal {
        no_browser: args.no_browser,
        ..Terminal::default()
    };
    let tokens = desk.sign_in(&at(desk, &args.name)?, request, &host).await?;
    crate::render::out(&render::signed_in(&args.name, &tokens, now()));
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
    let reference = at(desk, name)?;
    let scope = scope.map(Scope::from);
    let signing_in = desk.device_sign_in(&reference, scope.as_ref(), &host);
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
    crate::render::out(&render::signed_in(name, &tokens?, now()));
    Ok(())
}

pub async fn client_credentials(
    desk: &Desk,
    name: &str,
    scope: Option<String>,
) -> Result<(), Failure> {
    let tokens = desk
        .client_credentials(&at(desk, name)?, scope.map(Scope::from).as_ref())
        .await?;
    crate::render::out(&render::signed_in(name, &tokens, now()));
    Ok(())
}

pub async fn exchange(desk: &Desk, args: ExchangeArgs) -> Result<(), Failure> {
    let actor_from = match &args.actor_from {
        Some(actor) => Some(at(desk, actor)?),
        None => None,
    };
    let request = ExchangeRequest {
        subject_from: at(desk, &args.subject_from)?,
        subject_token: args.subject_token,
        actor_from,
        actor_token: args.actor_token,
        audience: args.audience,
        resource: args.resource,
        scope: args.scope.map(Scope::from),
        requested_token_type: args.requested_token_type,
    };
    let tokens = desk.exchange(&at(desk, &args.name)?, request).await?;
    crate::render::out(&render::signed_in(&args.name, &tokens, now()));
    Ok(())
}

pub async fn jwt_bearer(
    desk: &Desk,
    name: &str,
    assertion: AssertionSource,
    scope: Option<String>,
) -> Result<(), Failure> {
    let tokens = desk
        .jwt_bearer(
            &at(desk, name)?,
            JwtBearerRequest {
                assertion,
                scope: scope.map(Scope::from),
            },
        )
        .await?;
    crate::render::out(&render::signed_in(name, &tokens, now()));
    Ok(())
}

pub async fn password(
    desk: &Desk,
    name: &str,
    username: &str,
    scope: Option<String>,
) -> Result<(), Failure> {
    eprintln!("warning: {PASSWORD_GRANT_WARNING}.");
    if std::io::stdin().is_terminal() {
        eprintln!("Password for {username} (then Enter and Ctrl-D):");
    }
    let password = super::read_secret_stdin_as("the password")?;
    let tokens = desk
        .password_grant(
            &at(desk, name)?,
            username,
            password,
            scope.map(Scope::from).as_ref(),
        )
        .await?;
    crate::render::out(&render::signed_in(name, &tokens, now()));
    Ok(())
}
