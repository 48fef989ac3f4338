//! The error explainer: for failures with a known signature, one more sentence on what to do.
//! Kept apart from the errors so the CLI and the app show the same advice.

use crate::desk::DeskError;

/// The error in one sentence, with the advice when there is some.
pub fn sentence(error: &DeskError) -> String {
    match hint(error) {
        Some(hint) => format!("{error}. {hint}"),
        None => error.to_string(),
    }
}

/// Advice for `error`, or `None` when there is nothing useful to add.
pub fn hint(error: &DeskError) -> Option<String> {
    if let DeskError::CodeExchange {
        redirect_uri,
        source,
    } = error
        && let Some(e) = source.oauth_error()
        && is_redirect_error(&e.error, e.error_description.as_deref())
    {
        return Some(format!(
            "The redirect URI sent was {redirect_uri}: it must be registered at the server exactly (scheme, host, port, path); for a loopback URI with a random port the server must allow any port (RFC 8252 §7.3), or pin one with --redirect-uri http://127.0.0.1:PORT/callback."
        ));
    }
    if let Some(e) = error.oauth_error() {
        let during_refresh = matches!(error, DeskError::Refresh { .. });
        return oauth_hint(&e.error, e.error_description.as_deref(), during_refresh);
    }
    match error {
        DeskError::Flow(crate::flow::FlowError::Http(crate::http::HttpError::Timeout {
            ..
        })) => Some("Set OAUTH_DESK_HTTP_TIMEOUT to wait longer.".into()),
        _ => None,
    }
}

fn is_redirect_error(error: &str, description: Option<&str>) -> bool {
    matches!(error, "redirect_uri_mismatch" | "invalid_redirect_uri")
        || description.is_some_and(|d| d.to_ascii_lowercase().contains("redirect_uri"))
}

/// Advice for an OAuth `error` code.
pub fn oauth_hint(error: &str, description: Option<&str>, during_refresh: bool) -> Option<String> {
    let d = description.unwrap_or_default().to_ascii_lowercase();
    let text = match error {
        "invalid_grant" if during_refresh => {
            "The refresh token is no longer valid (expired, revoked, rotated away, or the session ended): sign in again."
        }
        "invalid_grant"
            if d.contains("pkce") || d.contains("code_verifier") || d.contains("verifier") =>
        {
            "The PKCE verifier was refused: check the provider's PKCE setting (--pkce s256|plain|off)."
        }
        "invalid_grant" => {
            "The code was refused: codes are single-use and short-lived, and the redirect URI and PKCE verifier must match the authorization request; sign in again."
        }
        "invalid_client" | "unauthorized_client" => {
            "The server did not accept the client's credentials: check the client id and secret, and the client auth method (--auth-method basic or post must be the one registered)."
        }
        "redirect_uri_mismatch" | "invalid_redirect_uri" => {
            "The redirect URI must be registered at the server exactly as sent (scheme, host, port, path)."
        }
        "disallowed_useragent" => {
            "This provider refuses embedded browsers: sign in with the system browser (the CLI always does)."
        }
        "invalid_scope" => {
            "A requested scope is unknown or not allowed for this client: try fewer scopes with --scope."
        }
        "invalid_request" if d.contains("code_challenge") || d.contains("pkce") => {
            "The server's PKCE rules differ: try --pkce s256, or --pkce off for servers without PKCE."
        }
        "unsupported_grant_type" => "This client is not allowed this grant at the server.",
        "access_denied" => {
            "The sign-in was declined; start again and approve the requested access."
        }
        "consent_required" | "login_required" | "interaction_required" => {
            "The server needs the person to interact: sign in without prompt=none."
        }
        "unsupported_token_type" => {
            "The server can't revoke or introspect this kind of token (JWT access tokens often can't be)."
        }
        _ => return None,
    };
    Some(text.to_owned())
}

/// Whether a page the login window navigated to is a provider refusing embedded browsers
/// (Google's `disallowed_useragent` error page and its kin).
pub fn refuses_embedded_browser(url: &url::Url) -> bool {
    let text = url.as_str();
    text.contains("disallowed_useragent") || text.contains("embedded_browser")
}

/// A sentence about a large clock difference, if there is one.
pub fn clock_skew(offset_secs: i64) -> Option<String> {
    (offset_secs.abs() > 30).then(|| {
        format!(
            "The server's clock is {} s {} this machine's: token times may look wrong and strict validators reject tokens; check the clock (NTP).",
            offset_secs.abs(),
            if offset_secs > 0 { "ahead of" } else { "behind" }
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_browser_refusals_are_recognised() {
        let refuses = |u: &str| refuses_embedded_browser(&u.parse().unwrap());
        assert!(refuses(
            "https://accounts.google.com/signin/oauth/error?authError=disallowed_useragent"
        ));
        assert!(!refuses("https://accounts.google.com/o/oauth2/auth"));
    }

    #[test]
    fn known_errors_get_advice() {
        assert!(
            oauth_hint("invalid_grant", None, true)
                .unwrap()
                .contains("sign in again")
        );
        assert!(
            oauth_hint("invalid_client", None, false)
                .unwrap()
                .contains("auth method")
        );
        assert!(
            oauth_hint("disallowed_useragent", None, false)
                .unwrap()
                .contains("system browser")
        );
        assert!(
            oauth_hint("invalid_grant", Some("PKCE verification failed"), false)
                .unwrap()
                .contains("--pkce")
        );
        assert_eq!(oauth_hint("server_error", None, false), None);
        assert_eq!(clock_skew(10), None);
        assert!(clock_skew(-120).unwrap().contains("behind"));
    }
}
