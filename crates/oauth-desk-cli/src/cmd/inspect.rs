//! Looking at things: `show`, `userinfo`, `trace`, `decode`, `audit`.

use std::io::IsTerminal;

use oauth_desk::{Desk, UserInfo, now};

use super::{Failure, at, failure, read_line_stdin};
use crate::render;

pub async fn show(desk: &Desk, name: &str, json: bool, reveal: bool) -> Result<(), Failure> {
    let mut report = desk.report(&at(desk, name)?).await?;
    if reveal {
        report.reveal();
    }
    if json {
        crate::render::out_line(&render::json(&report));
    } else {
        crate::render::out(&render::report(&report));
    }
    Ok(())
}

pub async fn userinfo(desk: &Desk, name: &str) -> Result<(), Failure> {
    match desk.userinfo(&at(desk, name)?).await? {
        UserInfo::Claims(claims) => render::out_line(&render::json(&claims)),
        UserInfo::Jwt(jwt) => match oauth_desk::jwt::decode(&jwt) {
            Ok(decoded) => render::out(&render::jwt(&decoded, now())),
            Err(_) => crate::render::out_line(&jwt),
        },
    }
    Ok(())
}

pub async fn trace(
    desk: &Desk,
    name: &str,
    har: Option<std::path::PathBuf>,
    json: bool,
) -> Result<(), Failure> {
    let trace = desk.trace(&at(desk, name)?).await?.ok_or_else(|| {
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
        None if json => crate::render::out_line(&render::json(&trace)),
        None => crate::render::out(&render::trace(&trace)),
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
        render::out_line(&render::json(
            &serde_json::json!({ "header": decoded.header, "claims": decoded.claims }),
        ));
    } else {
        crate::render::out(&render::jwt(&decoded, now()));
    }
    Ok(())
}

/// `audit NAME [--active [--yes]]`: the findings, a line each (or JSON), a JUnit report on
/// request; exit 1 when one fails. `probes`: the terminal that hosts the active probes'
/// sign-ins, which are agreed to first (`yes`, or y on the terminal).
pub async fn audit(
    desk: &Desk,
    name: &str,
    probes: Option<crate::host::Terminal>,
    yes: bool,
    json: bool,
    junit: Option<std::path::PathBuf>,
) -> Result<(), Failure> {
    let reference = at(desk, name)?;
    let report = match &probes {
        Some(host) => {
            agree_to_probes(&desk.active_audit_plan(&reference).await?, yes)?;
            desk.audit_active(&reference, host).await?
        }
        None => desk.audit(&reference).await?,
    };
    if json {
        crate::render::out_line(&render::json(&report));
    } else {
        crate::render::out(&render::audit(&report));
    }
    if let Some(path) = junit {
        std::fs::write(&path, report.junit())
            .map_err(|e| failure(format!("could not write {}: {e}", path.display())))?;
    }
    if report.passed() {
        Ok(())
    } else {
        Err(Failure {
            code: 1,
            message: format!(
                "{} finding(s) failed: the evidence is above",
                report.count(oauth_desk::audit::Verdict::Fail)
            ),
        })
    }
}

/// The active audit's plan shown, and a yes asked for on the terminal (stderr, default no);
/// `yes` agrees beforehand. Without a terminal to ask, nothing is probed: a usage error.
fn agree_to_probes(plan: &oauth_desk::audit::ActivePlan, yes: bool) -> Result<(), Failure> {
    if yes {
        return Ok(());
    }
    if !std::io::stdin().is_terminal() {
        return Err(super::usage(format!(
            "{}; with no terminal to ask, nothing was probed: add --yes to go ahead",
            plan.summary
        )));
    }
    eprintln!("{}:", plan.summary);
    for probe in &plan.probes {
        eprintln!("  - {probe}");
    }
    eprint!("Probe {}? [y/N] ", plan.server);
    let mut answer = String::new();
    std::io::stdin()
        .read_line(&mut answer)
        .map_err(|e| failure(format!("could not read the answer: {e}")))?;
    if matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes") {
        Ok(())
    } else {
        Err(failure(format!(
            "the active audit was not run: nothing was sent to {}",
            plan.server
        )))
    }
}
