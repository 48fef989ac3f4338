//! Looking at things: `show`, `userinfo`, `trace`, `decode`.

use std::io::IsTerminal;

use oauth_desk::{Desk, UserInfo, now};

use super::{Failure, failure, read_line_stdin};
use crate::render;

pub async fn show(desk: &Desk, name: &str, json: bool, reveal: bool) -> Result<(), Failure> {
    let mut report = desk.report(name).await?;
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

pub async fn userinfo(desk: &Desk, name: &str) -> Result<(), Failure> {
    match desk.userinfo(name).await? {
        UserInfo::Claims(claims) => println!("{}", render::json(&claims)),
        UserInfo::Jwt(jwt) => match oauth_desk::jwt::decode(&jwt) {
            Ok(decoded) => print!("{}", render::jwt(&decoded, now())),
            Err(_) => println!("{jwt}"),
        },
    }
    Ok(())
}

pub fn trace(
    desk: &Desk,
    name: &str,
    har: Option<std::path::PathBuf>,
    json: bool,
) -> Result<(), Failure> {
    let trace = desk.trace(name)?.ok_or_else(|| {
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

pub fn decode(token: Option<String>, json: bool) -> Result<(), Failure> {
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
