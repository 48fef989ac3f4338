//! Using and renewing tokens: `token`, `refresh`, `revoke`, `logout`, `introspect`.

use oauth_desk::{Desk, TokenFormat, TokenKind, now};

use super::at;

use super::Failure;
use crate::render;

pub async fn token(desk: &Desk, name: &str, format: TokenFormat) -> Result<(), Failure> {
    let text = desk
        .token_text(&at(desk, name)?, TokenKind::Access, format)
        .await?;
    crate::render::out_line(text.expose());
    Ok(())
}

pub async fn refresh(desk: &Desk, name: &str) -> Result<(), Failure> {
    let fresh = desk.refresh_now(&at(desk, name)?).await?;
    println!(
        "Refreshed {name}: {}.",
        render::expiry_phrase(fresh.expires_at, now())
    );
    Ok(())
}

pub async fn logout(desk: &Desk, name: &str) -> Result<(), Failure> {
    if desk.logout(&at(desk, name)?).await? {
        println!("Signed out of {name}: its tokens are forgotten.");
    } else {
        println!("{name} was not signed in.");
    }
    Ok(())
}

/// RP-initiated logout: the provider's end-session page in the browser, then the tokens go.
pub async fn end_session(desk: &Desk, name: &str, no_browser: bool) -> Result<(), Failure> {
    let host = crate::host::Terminal {
        no_browser,
        ..crate::host::Terminal::default()
    };
    desk.end_session(&at(desk, name)?, &host).await?;
    println!(
        "Signed out of {name} at the provider too: its session ended, its tokens are forgotten."
    );
    Ok(())
}

pub async fn revoke(desk: &Desk, name: &str) -> Result<(), Failure> {
    let revoked = desk.revoke(&at(desk, name)?).await?;
    let what: Vec<&str> = revoked.iter().map(|k| k.title()).collect();
    println!(
        "Revoked the {} of {name}. `oauth-desk introspect {name}` shows the server's view; `oauth-desk logout {name}` forgets them.",
        what.join(" and ")
    );
    Ok(())
}

pub async fn introspect(desk: &Desk, name: &str, refresh: bool, id: bool) -> Result<(), Failure> {
    let kind = match (refresh, id) {
        (true, _) => TokenKind::Refresh,
        (_, true) => TokenKind::Id,
        _ => TokenKind::Access,
    };
    let answer = desk.introspect(&at(desk, name)?, kind).await?;
    crate::render::out_line(&render::json(&answer));
    Ok(())
}
