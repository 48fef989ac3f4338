//! Text rendering for the terminal. Presentation only: every fact comes from the engine.

use std::fmt::Write;

use oauth_desk::jwt::DecodedJwt;
use oauth_desk::provider::Provider;
use oauth_desk::report::{AccessTokenReport, IdTokenReport, Report, Status};
use oauth_desk::token::{Grant, ScopeDiff};
use oauth_desk::trace::Trace;
use oauth_desk::{CheckResult, PollEvent, TokenSet};
use serde::Serialize;
use serde_json::{Map, Value};

/// Prints to stdout: on a terminal with control characters escaped (nothing a server sent —
/// a claim, an error page, a token — can drive the terminal), into a pipe exactly as it is.
pub fn out(text: &str) {
    use std::io::IsTerminal;
    if std::io::stdout().is_terminal() {
        print!("{}", oauth_desk::printable_text(text));
    } else {
        print!("{text}");
    }
}

/// [`out`], then a line break.
pub fn out_line(text: &str) {
    out(text);
    println!();
}

/// One line per device-flow wait; on a terminal it rewrites itself.
pub fn poll_event(event: PollEvent, interactive: bool) {
    let line = match event {
        PollEvent::Waiting {
            interval,
            remaining,
        } => format!(
            "Waiting for approval… next check in {} s, code valid for {}",
            interval.as_secs(),
            duration(remaining.as_secs() as i64)
        ),
        PollEvent::SlowDown { interval } => {
            format!(
                "The server asked to slow down: checking every {} s",
                interval.as_secs()
            )
        }
        PollEvent::Retrying { interval } => {
            format!("Network error; retrying in {} s", interval.as_secs())
        }
    };
    if interactive {
        eprint!("\r\x1b[2K{line}");
    } else if !matches!(event, PollEvent::Waiting { .. }) {
        eprintln!("{line}");
    }
}

/// One log line per keeper event (tokens never appear in events).
/// One log line per keeper event; `reference` is the event's provider, identity and
/// environment (`None` when it is gone).
pub fn keeper_event(
    event: &oauth_desk::keeper::KeeperEvent,
    reference: Option<&oauth_desk::ProviderRef>,
) {
    use oauth_desk::keeper::KeeperEvent::*;
    let now = oauth_desk::now();
    let title = reference.map(ToString::to_string);
    let provider = title.as_deref().unwrap_or(event.provider().as_str());
    let login = match reference {
        Some(r) => match r.env() {
            Some(env) => format!("{} --env {env}", r.typed()),
            None => r.typed(),
        },
        None => event.provider().to_string(),
    };
    match event {
        Refreshed { expires_at, .. } => {
            tracing::info!("{provider}: refreshed, {}", expiry_phrase(*expires_at, now))
        }
        RefreshFailed {
            reason,
            retry_in_secs,
            ..
        } => {
            tracing::warn!("{provider}: refresh failed ({reason}); retrying in {retry_in_secs} s")
        }
        ExpiringSoon { expires_at, .. } => {
            tracing::warn!(
                "{provider}: the access token {} before the next try",
                expiry_phrase(Some(*expires_at), now)
            )
        }
        Expired { .. } => tracing::warn!("{provider}: the access token expired"),
        SignInNeeded { reason, .. } => {
            tracing::warn!("{provider}: sign-in needed ({reason}): run `oauth-desk login {login}`")
        }
        Stopped { reason, .. } => tracing::warn!("{provider}: refresh stopped: {reason}"),
    }
}

/// A trace as a timeline: one line per exchange, then its request and response.
pub fn trace(t: &Trace) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} · {} · {} · {} exchanges (secrets redacted)",
        t.provider,
        t.flow,
        local_time(t.started_at_ms / 1000),
        t.exchanges.len()
    );
    for e in &t.exchanges {
        let status = e.status.map_or_else(
            || e.error.clone().unwrap_or_else(|| "(browser)".into()),
            |s| s.to_string(),
        );
        let _ = writeln!(
            out,
            "\n{} {} → {} · {} ms · {}",
            e.method, e.url, status, e.duration_ms, e.label
        );
        for (n, v) in &e.request.headers {
            let _ = writeln!(out, "  > {n}: {v}");
        }
        if let Some(body) = &e.request.body {
            let _ = writeln!(out, "  > {body}");
        }
        if let Some(r) = &e.response {
            for (n, v) in &r.headers {
                let _ = writeln!(out, "  < {n}: {v}");
            }
            if let Some(body) = r.body.as_deref().filter(|b| !b.is_empty()) {
                let _ = writeln!(out, "  < {}", body.trim());
            }
        }
    }
    out
}

pub fn json<T: Serialize>(value: &T) -> String {
    serde_json::to_string_pretty(value).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}

/// "3m 58s", "1h 02m", "2d 3h".
pub fn duration(secs: i64) -> String {
    let s = secs.abs();
    match s {
        0..60 => format!("{s}s"),
        60..3600 => format!("{}m {:02}s", s / 60, s % 60),
        3600..86400 => format!("{}h {:02}m", s / 3600, (s % 3600) / 60),
        _ => format!("{}d {}h", s / 86400, (s % 86400) / 3600),
    }
}

pub fn local_time(unix: i64) -> String {
    match jiff::Timestamp::from_second(unix) {
        Ok(ts) => ts
            .to_zoned(jiff::tz::TimeZone::system())
            .strftime("%Y-%m-%d %H:%M:%S %Z")
            .to_string(),
        Err(_) => unix.to_string(),
    }
}

pub fn expiry_phrase(expires_at: Option<i64>, now: i64) -> String {
    match expires_at {
        None => "expiry unknown (the server sent no expires_in)".into(),
        Some(at) if at > now => format!("expires {} (in {})", local_time(at), duration(at - now)),
        Some(at) => format!("expired {} ({} ago)", local_time(at), duration(now - at)),
    }
}

pub fn signed_in(name: &str, tokens: &TokenSet, now: i64) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "Signed in to {name}.");
    let _ = writeln!(
        out,
        "  access token   {} · {}",
        tokens.token_type,
        expiry_phrase(tokens.expires_at, now)
    );
    let _ = writeln!(
        out,
        "  refresh token  {}",
        match (&tokens.refresh_token, tokens.grant) {
            (Some(_), _) => "yes",
            (None, Grant::ClientCredentials) => "none (`token` asks for a new one when due)",
            (None, _) => "none (sign in again when the access token expires)",
        }
    );
    if tokens.id_token.is_some() {
        let _ = writeln!(
            out,
            "  ID token       yes (`oauth-desk show {name}` checks it)"
        );
    }
    let diff = tokens.scopes();
    if !diff.granted.is_empty() {
        let _ = writeln!(out, "  scopes         {}", diff.granted.join(" "));
    }
    if !diff.not_granted.is_empty() {
        let _ = writeln!(out, "  NOT granted    {}", diff.not_granted.join(" "));
    }
    if let Some(details) = tokens.details() {
        if !details.granted.is_empty() {
            let _ = writeln!(out, "  details        {}", details.granted.join(" "));
        }
        if !details.not_granted.is_empty() {
            let _ = writeln!(out, "  NOT granted    {}", details_not_granted(&details));
        }
    }
    out
}

/// The authorization details' types not granted, and how that is known.
fn details_not_granted(d: &oauth_desk::token::DetailsDiff) -> String {
    let how = if d.server_listed {
        "authorization details the response does not list"
    } else {
        "the response has no authorization_details (RFC 9396 §7 returns what is granted)"
    };
    format!("{} ({how})", d.not_granted.join(" "))
}

pub fn provider(p: &Provider) -> String {
    let mut out = String::new();
    let mut line = |k: &str, v: String| {
        if !v.is_empty() {
            let _ = writeln!(out, "  {k:<20} {v}");
        }
    };
    let url = |u: &Option<url::Url>| u.as_ref().map(|u| u.to_string()).unwrap_or_default();
    line("name", p.name.to_string());
    line(
        "issuer",
        p.issuer
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default(),
    );
    line("authorize endpoint", url(&p.endpoints.authorization));
    line("token endpoint", url(&p.endpoints.token));
    line("device endpoint", url(&p.endpoints.device_authorization));
    line("revocation endpoint", url(&p.endpoints.revocation));
    line("introspection", url(&p.endpoints.introspection));
    line("userinfo endpoint", url(&p.endpoints.userinfo));
    line("JWKS", url(&p.endpoints.jwks));
    line("client id", p.client_id.to_string());
    line(
        "client auth",
        format!(
            "{}{}",
            p.auth_method,
            if p.has_client_secret {
                " (secret in the vault)"
            } else {
                ""
            }
        ),
    );
    line("scope", p.scope.to_string());
    line("PKCE", format!("{:?}", p.pkce).to_uppercase());
    line("redirect URI", p.redirect_uri.to_string());
    if let Some(uri) = &p.post_logout_redirect_uri {
        line("sign-out return", uri.to_string());
    }
    line(
        "authorize method",
        format!("{:?}", p.authorize_method).to_uppercase(),
    );
    let params = |ps: &[oauth_desk::provider::Param]| {
        ps.iter()
            .map(|oauth_desk::provider::Param(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(" ")
    };
    line("authorize params", params(&p.authorize_params));
    line("token params", params(&p.token_params));
    line("resources", p.resources.join(" "));
    line("client made", client_origin(p.client_origin.as_ref()));
    line(
        "from resource",
        p.resource_metadata
            .as_deref()
            .map(|m| format!("metadata {m} (RFC 9728)"))
            .unwrap_or_default(),
    );
    line("PAR endpoint", url(&p.endpoints.pushed_authorization));
    security_lines(&mut line, p);
    for url in p.insecure_endpoints() {
        line(
            "⚠ insecure",
            format!("{url} is plain http (allowed with --allow-http)"),
        );
    }
    out
}

/// The security profile's lines of `provider show`.
fn security_lines(line: &mut impl FnMut(&str, String), p: &Provider) {
    let s = &p.security;
    let server = &p.server_security;
    line(
        "PAR",
        format!(
            "{}{}",
            s.par,
            if server.requires_par {
                " (the server requires it)"
            } else {
                ""
            }
        ),
    );
    if s.request_object != oauth_desk::RequestObjectMode::Off
        || server.requires_signed_request_object
    {
        line("request object", s.request_object.to_string());
    }
    if let Some(alg) = s.dpop {
        line("DPoP", format!("on, {alg} key in the vault"));
    }
    if s.client_certificate {
        line("client certificate", "in the vault (mutual TLS)".into());
    }
    if p.auth_method.uses_assertion() {
        line("assertion audience", s.assertion_audience.to_string());
    }
    if let Some(details) = &s.authorization_details {
        line("authorization details", details.clone());
    }
}

/// `claims` one per line; those the engine marks as times (`times`) with their date.
fn claims_table(out: &mut String, claims: &Map<String, Value>, times: &[String], now: i64) {
    let width = claims.keys().map(String::len).max().unwrap_or(0).min(24);
    for (k, v) in claims {
        let shown = match v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        let note = match oauth_desk::jwt::numeric(v) {
            Some(t) if times.contains(k) => {
                let rel = if t > now {
                    format!("in {}", duration(t - now))
                } else {
                    format!("{} ago", duration(now - t))
                };
                format!("  ({}, {rel})", local_time(t))
            }
            _ => String::new(),
        };
        let _ = writeln!(out, "      {k:<width$}  {shown}{note}");
    }
}

pub fn jwt(decoded: &DecodedJwt, now: i64) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "header");
    claims_table(&mut out, &decoded.header, &[], now);
    let _ = writeln!(out, "claims");
    claims_table(&mut out, &decoded.claims, &decoded.time_claims(), now);
    let _ = writeln!(
        out,
        "signature\n      {} bytes (not verified: decoding only)",
        decoded.signature_len
    );
    out
}

pub fn report(r: &Report) -> String {
    let mut out = String::new();
    report_status(&mut out, r);
    if r.status == Status::NotSignedIn {
        let _ = writeln!(out, "  Sign in with `oauth-desk login {}`.", r.provider);
        return out;
    }
    if let Some(at) = &r.access_token {
        access_token(&mut out, at, r.now);
    }
    if let Some(rt) = &r.refresh_token {
        let _ = writeln!(
            out,
            "\nREFRESH TOKEN  {}",
            if rt.present {
                format!(
                    "present · refreshed {}× · rotated {}×",
                    rt.refresh_count, rt.rotations
                )
            } else {
                "none".into()
            }
        );
        if let Some(v) = &rt.value {
            let _ = writeln!(out, "  value  {v}");
        }
    }
    if let Some(id) = &r.id_token {
        id_token(&mut out, id, r.now);
    }
    if let Some(s) = &r.scopes {
        scopes(&mut out, s);
    }
    if let Some(warning) = r.clock.as_ref().and_then(|c| c.warning.as_ref()) {
        let _ = writeln!(out, "\n⚠ {warning}");
    }
    if let Some(d) = r.details.as_ref().filter(|d| !d.not_granted.is_empty()) {
        let _ = writeln!(out, "\nAUTHORIZATION DETAILS");
        let _ = writeln!(out, "  requested      {}", d.requested.join(" "));
        let _ = writeln!(out, "  ✗ not granted  {}", details_not_granted(d));
    }
    if let Some(details) = &r.authorization_details {
        let _ = writeln!(out, "\nAUTHORIZATION DETAILS (granted, RFC 9396)");
        let pretty = serde_json::to_string_pretty(details).unwrap_or_default();
        for line in pretty.lines() {
            let _ = writeln!(out, "  {line}");
        }
    }
    if !r.extra.is_empty() {
        let _ = writeln!(out, "\nOTHER RESPONSE FIELDS");
        claims_table(&mut out, &r.extra, &[], r.now);
    }
    out
}

fn check_mark(result: CheckResult) -> &'static str {
    match result {
        CheckResult::Pass => "✓",
        CheckResult::Fail => "✗",
        CheckResult::Skip => "–",
    }
}

/// The first lines: name, status, issuer, warnings.
fn report_status(out: &mut String, r: &Report) {
    let status = match r.status {
        Status::SignedIn => "● signed in",
        Status::NotSignedIn => "○ not signed in",
        Status::SignInNeeded => "▲ sign-in needed",
        Status::Error => "✗ error",
    };
    let _ = writeln!(out, "{}  {status}", r.provider);
    if let Some(detail) = &r.status_detail {
        let _ = writeln!(out, "  {detail}");
    }
    if let Some(issuer) = &r.issuer {
        let _ = writeln!(out, "  issuer {issuer} · client {}", r.client_id);
    }
    for url in &r.insecure_transport {
        let _ = writeln!(
            out,
            "  ⚠ insecure transport: {url} is plain http (allowed with --allow-http)"
        );
    }
    if let Some(front) = &r.front_channel {
        let kinds: Vec<&str> = front.tokens.iter().map(|k| k.title()).collect();
        let _ = writeln!(out, "  ⚠ the {} {}", kinds.join(" and "), front.note);
    }
    if let Some(failure) = &r.last_refresh_error {
        let retry = match failure.next_attempt_at {
            Some(at) if at > r.now => format!(", retrying in {}", duration(at - r.now)),
            Some(_) => ", retrying now".into(),
            None => String::new(),
        };
        let _ = writeln!(out, "  ⚠ last refresh failed: {}{retry}", failure.message);
    }
}

fn access_token(out: &mut String, at: &AccessTokenReport, now: i64) {
    let alg = at
        .header
        .as_ref()
        .and_then(|h| h.get("alg"))
        .and_then(Value::as_str)
        .map(|a| format!(" {a}"))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "\nACCESS TOKEN  {}{alg} · {} · {}",
        at.format.to_uppercase(),
        at.token_type,
        expiry_phrase(at.expires_at, now)
    );
    if let Some(l) = at.lifetime {
        let _ = writeln!(out, "  lifetime {}", duration(l));
    }
    if !at.audience.is_empty() {
        let _ = writeln!(out, "  audience {}", at.audience.join(", "));
    }
    if let Some(c) = &at.signature {
        let _ = writeln!(out, "  {} signature {}", check_mark(c.result), c.detail);
    }
    for b in &at.binding {
        let _ = writeln!(
            out,
            "  {} {} binding: {}",
            check_mark(b.check.result),
            b.kind,
            b.check.detail
        );
    }
    if let Some(v) = &at.value {
        let _ = writeln!(out, "  value  {v}");
    }
    if let Some(claims) = &at.claims {
        let _ = writeln!(out, "  claims");
        claims_table(out, claims, &at.time_claims, now);
    }
}

fn id_token(out: &mut String, id: &IdTokenReport, now: i64) {
    let count = |result| id.checks.iter().filter(|c| c.result == result).count();
    let (passed, failed) = (count(CheckResult::Pass), count(CheckResult::Fail));
    let _ = writeln!(
        out,
        "\nID TOKEN  {} {passed} passed, {failed} failed",
        if failed == 0 { "✓" } else { "✗" }
    );
    if let Some(e) = &id.error {
        let _ = writeln!(out, "  {e}");
    }
    for c in &id.checks {
        let _ = writeln!(out, "  {} {:<9} {}", check_mark(c.result), c.name, c.detail);
    }
    if let Some(claims) = &id.claims {
        let _ = writeln!(out, "  claims");
        claims_table(out, claims, &id.time_claims, now);
    }
    if let Some(v) = &id.value {
        let _ = writeln!(out, "  value  {v}");
    }
}

fn scopes(out: &mut String, s: &ScopeDiff) {
    let _ = writeln!(out, "\nSCOPES");
    let _ = writeln!(out, "  requested      {}", s.requested.join(" "));
    let _ = writeln!(
        out,
        "  granted        {}{}",
        s.granted.join(" "),
        if s.server_listed {
            ""
        } else {
            " (the server did not list scopes: as requested)"
        }
    );
    if !s.not_granted.is_empty() {
        let _ = writeln!(out, "  ✗ not granted  {}", s.not_granted.join(" "));
    }
    if !s.extra_granted.is_empty() {
        let _ = writeln!(out, "  + extra        {}", s.extra_granted.join(" "));
    }
}

/// What an import found, did, and could not map.
pub fn import_report(r: &oauth_desk::ImportReport) -> String {
    let mut out = String::new();
    let from = r
        .collection
        .as_deref()
        .map(|c| format!(" from {c}"))
        .unwrap_or_default();
    let verb = if r.saved { "Imported" } else { "Would import" };
    let _ = writeln!(out, "{verb} {} provider(s){from}:", r.providers.len());
    for p in &r.providers {
        let secret = if p.has_client_secret {
            " · client secret in the vault"
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "  {:<24} {} · {}{secret}",
            p.name, p.grant, p.token_url
        );
        let _ = writeln!(out, "  {:<24} from {}", "", p.source);
        if p.needs_client_secret {
            let _ = writeln!(
                out,
                "  {:<24} set its client secret with `oauth-desk provider set-secret {}` (reads stdin)",
                "", p.name
            );
        }
    }
    if !r.notes.is_empty() {
        let _ = writeln!(out, "Not mapped:");
        for n in &r.notes {
            let _ = writeln!(out, "  {} · {}: {}", n.source, n.setting, n.reason);
        }
    }
    out
}

// ---- the consent lab ---------------------------------------------------------------------

/// "[2/3] email only: signing in (scope "openid email")…", on stderr while a case runs.
pub fn lab_case_started(case: &oauth_desk::lab::Case, index: usize, total: usize) -> String {
    use oauth_desk::lab::CaseGrant;
    let how = match case.grant {
        CaseGrant::Code => "signing in with a fresh session",
        CaseGrant::Device => "device sign-in",
        CaseGrant::ClientCredentials => "client credentials",
    };
    format!(
        "[{}/{total}] {}: {how}, scope \"{}\"…",
        index + 1,
        case.name,
        case.scope
    )
}

/// A case's line (and one indented line per failed expectation).
pub fn lab_case(result: &oauth_desk::lab::CaseResult) -> String {
    use oauth_desk::lab::{Disposal, Verdict};
    let mut out = String::new();
    let mark = match result.result {
        Verdict::Pass => "pass",
        Verdict::Fail => "FAIL",
        Verdict::Skipped => "skip",
    };
    let what = match (&result.error, result.result) {
        (_, Verdict::Skipped) => "not run".to_owned(),
        (Some(error), _) => format!("refused: {error}"),
        (None, _) if result.granted.is_empty() && result.result == Verdict::Fail => {
            "no tokens".to_owned()
        }
        (None, _) => {
            let claims: Vec<&str> = result.user_claims().map(String::as_str).collect();
            format!(
                "granted: {}; claims: {}",
                list(&result.granted),
                if claims.is_empty() {
                    "none".to_owned()
                } else {
                    claims.join(" ")
                }
            )
        }
    };
    let _ = writeln!(
        out,
        "{mark}  {} — {what} ({:.1} s)",
        result.name,
        result.duration_ms as f64 / 1000.0
    );
    for failure in result
        .failures
        .iter()
        .filter(|_| result.result == Verdict::Fail)
    {
        let _ = writeln!(out, "      ✗ {failure}");
    }
    if result.tokens == Disposal::RevocationFailed
        && let Some(note) = &result.tokens_note
    {
        let _ = writeln!(out, "      note: {note}");
    }
    out
}

fn list(items: &[String]) -> String {
    if items.is_empty() {
        "nothing".to_owned()
    } else {
        items.join(" ")
    }
}

/// After the cases: the total when all passed, and what changed since the previous run.
pub fn lab_summary(run: &oauth_desk::lab::LabRun) -> String {
    use oauth_desk::lab::Verdict;
    let mut out = String::new();
    if run.passed() {
        let _ = writeln!(out, "All {} cases passed.", run.cases.len());
    }
    if run.cases.iter().any(|c| c.result != Verdict::Skipped) {
        match run.compared_with {
            Some(at) if run.differences.is_empty() => {
                let _ = writeln!(out, "Same results as the run of {}.", local_time(at));
            }
            Some(at) => {
                let _ = writeln!(out, "Since the run of {}:", local_time(at));
                for d in &run.differences {
                    let _ = writeln!(out, "  - {d}");
                }
            }
            None => {}
        }
    }
    out
}

/// The error line of a run that did not pass.
pub fn lab_verdict(run: &oauth_desk::lab::LabRun) -> String {
    use oauth_desk::lab::Verdict;
    let failed = run.count(Verdict::Fail);
    let skipped = run.count(Verdict::Skipped);
    let total = run.cases.len();
    match (failed, run.cancelled) {
        (_, true) => format!(
            "the lab run was cancelled: {failed} of {total} cases failed, {skipped} not run"
        ),
        (1, false) => format!("1 of {total} cases failed"),
        (n, false) => format!("{n} of {total} cases failed"),
    }
}

/// `call --json`: status, headers (a name's values joined), body (JSON when it is JSON), and
/// the challenge explained.
pub fn call_json(result: &oauth_desk::CallResult) -> String {
    let mut headers = Map::new();
    for (name, value) in &result.headers {
        match headers.get_mut(name) {
            Some(Value::String(existing)) => {
                existing.push_str(", ");
                existing.push_str(value);
            }
            _ => {
                headers.insert(name.clone(), Value::String(value.clone()));
            }
        }
    }
    let body = serde_json::from_str::<Value>(&result.body)
        .unwrap_or_else(|_| Value::String(result.body.clone()));
    let mut out = serde_json::json!({
        "status": result.status,
        "headers": headers,
        "body": body,
        "presented_as": result.presented_as,
        "elapsed_ms": result.elapsed_ms,
        "truncated": result.truncated,
    });
    if let Some(challenge) = &result.challenge {
        out["challenge"] = serde_json::to_value(challenge).unwrap_or(Value::Null);
    }
    serde_json::to_string_pretty(&out).unwrap_or_default()
}

/// `provider show --json`: the provider, and its keys' public thumbprints under `keys`.
pub fn provider_json(provider: &Provider, keys: &oauth_desk::SecurityView) -> String {
    let mut value = serde_json::to_value(provider).unwrap_or(Value::Null);
    if let Value::Object(map) = &mut value {
        map.insert(
            "keys".into(),
            serde_json::json!({
                "dpop_thumbprint": keys.dpop_thumbprint,
                "certificate_thumbprint": keys.certificate_thumbprint,
            }),
        );
    }
    serde_json::to_string_pretty(&value).unwrap_or_default()
}

/// The keys' public thumbprints under `provider show`.
pub fn provider_keys(keys: &oauth_desk::SecurityView) -> String {
    let mut out = String::new();
    if let Some(jkt) = &keys.dpop_thumbprint {
        let _ = writeln!(out, "  {:<20} {jkt}", "DPoP key (jkt)");
    }
    if let Some(x5t) = &keys.certificate_thumbprint {
        let _ = writeln!(out, "  {:<20} {x5t}", "certificate x5t#S256");
    }
    out
}

/// `provider list --json`: a provider's settings, and for a project's provider where it is
/// defined (`project`, `environment`).
pub fn provider_list_item(reference: &oauth_desk::ProviderRef, provider: &Provider) -> Value {
    let mut value = serde_json::to_value(provider).unwrap_or(Value::Null);
    if let (Value::Object(map), Some(place)) = (&mut value, &reference.project) {
        map.insert("project".into(), place.file.display().to_string().into());
        map.insert(
            "environment".into(),
            place.env.as_ref().map(ToString::to_string).into(),
        );
    }
    value
}

/// `identity list`: one line per identity, the default first.
pub fn identities(views: &[oauth_desk::IdentityView], now: i64) -> String {
    let mut out = String::new();
    for v in views {
        let status = match v.status {
            Status::SignedIn => match v.expires_at {
                Some(at) => format!("signed in, {}", expiry_phrase(Some(at), now)),
                None => "signed in".to_owned(),
            },
            Status::NotSignedIn => "not signed in".to_owned(),
            Status::SignInNeeded => "sign-in needed".to_owned(),
            Status::Error => "error".to_owned(),
        };
        let who = v
            .subject
            .as_deref()
            .map(|s| format!(" as {s}"))
            .unwrap_or_default();
        let hint = v
            .login_hint
            .as_deref()
            .map(|h| format!("  login_hint {h}"))
            .unwrap_or_default();
        let origin = match &v.origin {
            oauth_desk::IdentityOrigin::Default => String::new(),
            oauth_desk::IdentityOrigin::Config => String::new(),
            oauth_desk::IdentityOrigin::ProjectFile { line } => {
                format!("  (project file, line {line})")
            }
            oauth_desk::IdentityOrigin::ThisMachine => "  (added on this machine)".to_owned(),
        };
        let _ = writeln!(out, "{:<24} {status}{who}{hint}{origin}", v.typed);
    }
    out
}

/// `env list`: the project file, then one line per environment, the current one marked.
pub fn environments(view: &oauth_desk::ProjectView) -> String {
    let mut out = format!("Project {}\n", view.file);
    if view.envs.is_empty() {
        out.push_str("  (no environments: the file defines no [env.NAME] table)\n");
    }
    for env in &view.envs {
        let mark = if env.current { "*" } else { " " };
        let why = match (env.current, view.chosen_by) {
            (true, oauth_desk::EnvChoice::ThisProcess) => "  (chosen for this command)",
            (true, oauth_desk::EnvChoice::Remembered) => "  (env use)",
            (true, oauth_desk::EnvChoice::FirstInFile) => "  (the file's first: none chosen)",
            _ => "",
        };
        let _ = writeln!(out, "{mark} {}{why}", env.name);
        if let Some(problem) = &env.problem {
            let _ = writeln!(out, "    ✗ {problem}");
        }
    }
    out
}

/// `project status` / `project allow`: where the file stands and what it will do, server text
/// escaped (a file's strings are shown to a person deciding whether to trust it).
pub fn project_trust(view: &oauth_desk::ProjectTrustView) -> String {
    use oauth_desk::TrustState;
    let state = match &view.state {
        TrustState::Allowed => "allowed as it is".to_owned(),
        TrustState::Changed { added } if added.is_empty() => {
            "changed since it was allowed (adding no host, variable, file or secret)".to_owned()
        }
        TrustState::Changed { added } => format!(
            "changed since it was allowed: it now also {}",
            oauth_desk::printable(&added.summary())
        ),
        TrustState::Denied => "denied".to_owned(),
        TrustState::Never => "never allowed on this machine".to_owned(),
    };
    let mut out = format!(
        "Project file {}: {state}\n",
        oauth_desk::printable(&view.file)
    );
    let f = &view.footprint;
    let mut list = |title: &str, items: &std::collections::BTreeSet<String>, prefix: &str| {
        if !items.is_empty() {
            let _ = writeln!(out, "  {title}:");
            for item in items {
                let _ = writeln!(out, "    {prefix}{}", oauth_desk::printable(item));
            }
        }
    };
    if let TrustState::Changed { added } = &view.state {
        list(
            "Changed or added since it was allowed",
            &added.endpoints,
            "",
        );
    }
    list("Talks to", &f.hosts, "");
    list("Reads the environment variables", &f.env_vars, "$");
    list("Reads the files", &f.files, "");
    list("Uses the project's named secrets", &f.secrets, "");
    list("Every URL it names", &f.endpoints, "");
    if f.is_empty() {
        let _ = writeln!(out, "  Names no host, variable, file or secret.");
    }
    for problem in &f.problems {
        let _ = writeln!(out, "  ✗ {}", oauth_desk::printable(problem));
    }
    out
}

/// `secret list`: names and when they were set, never values.
pub fn named_secrets(set: &[oauth_desk::NamedSecretView], missing: &[String]) -> String {
    let mut out = String::new();
    for s in set {
        let used = if s.used_by.is_empty() {
            "not used by the project file".to_owned()
        } else {
            format!("used by {}", s.used_by.join(", "))
        };
        let _ = writeln!(out, "{:<24} set {}  {used}", s.name, local_time(s.set_at));
    }
    for name in missing {
        let _ = writeln!(
            out,
            "{name:<24} NOT SET: the project file names it (oauth-desk secret set {name})"
        );
    }
    if out.is_empty() {
        out.push_str("No named secrets: the project file names none.\n");
    }
    out
}

/// How OAuth Desk made the client, when it did.
fn client_origin(origin: Option<&oauth_desk::provider::ClientOrigin>) -> String {
    use oauth_desk::provider::ClientOrigin;
    match origin {
        None => String::new(),
        Some(ClientOrigin::Registered { at, managed }) => format!(
            "registered by OAuth Desk (RFC 7591) on {}{}",
            local_time(*at),
            if *managed {
                "; `provider unregister` deletes it (RFC 7592)"
            } else {
                "; the server gave no registration access token"
            }
        ),
        Some(ClientOrigin::MetadataDocument { url }) => {
            format!("its client id is its metadata document {url}")
        }
    }
}

/// An audit's findings: the verdict, the id and what it checks (with its RFC), the evidence.
pub fn audit(report: &oauth_desk::audit::AuditReport) -> String {
    use oauth_desk::audit::Verdict;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Audit of {}{}",
        report.provider,
        report
            .issuer
            .as_deref()
            .map(|i| format!(" ({i})"))
            .unwrap_or_default()
    );
    for f in &report.findings {
        let mark = match f.verdict {
            Verdict::Pass => "✓ pass",
            Verdict::Warn => "! warn",
            Verdict::Fail => "✗ fail",
            Verdict::Skip => "- skip",
        };
        let _ = writeln!(out, "  {mark}  {:<18} {} ({})", f.id, f.title, f.rfc);
        let _ = writeln!(out, "          {:<18} {}", "", f.evidence);
    }
    let count = |v| report.count(v);
    let _ = writeln!(
        out,
        "{} pass, {} warn, {} fail, {} skip",
        count(Verdict::Pass),
        count(Verdict::Warn),
        count(Verdict::Fail),
        count(Verdict::Skip)
    );
    out
}
