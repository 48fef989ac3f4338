//! The engine's advice in the CLI's words: the flag or the command that fixes it.

use oauth_desk::{Advice, Endpoint, Explained};

/// What to do, for a CLI user. `provider` is the provider the command was about (`NAME` when
/// the command names none).
#[expect(
    clippy::too_many_lines,
    reason = "one table, a sentence for each kind of advice"
)]
pub fn advice(advice: &Advice, provider: Option<&str>) -> String {
    let name = provider.unwrap_or("NAME");
    match advice {
        Advice::SignIn => format!("Sign in again: `oauth-desk login {name}`."),
        Advice::SignInInteractively => format!(
            "Sign in without prompt=none: `oauth-desk login {name}` (drop any --param prompt=none)."
        ),
        Advice::AddEndpoint { endpoint } => {
            let flag = match endpoint {
                Endpoint::Authorization => "--authorize-url URL",
                Endpoint::Token => "--token-url URL (or --issuer URL)",
                Endpoint::DeviceAuthorization => "--device-url URL",
                Endpoint::Revocation => "--revocation-url URL",
                Endpoint::Introspection => "--introspection-url URL",
                Endpoint::Userinfo => "--userinfo-url URL",
                Endpoint::EndSession => "--end-session-url URL",
                Endpoint::PushedAuthorization => "--par-url URL",
            };
            format!(
                "Add the {endpoint}: remove and add the provider again with {flag}, or with an --issuer whose discovery lists it."
            )
        }
        Advice::GiveIssuerOrTokenUrl => {
            "Give --issuer URL (discovery), or --authorize-url URL --token-url URL.".into()
        }
        Advice::GiveIssuer => "Give --issuer URL.".into(),
        Advice::SetClientSecret => format!(
            "Store the client secret: `oauth-desk provider set-secret {name}` (reads stdin), or add the provider with --client-secret-stdin."
        ),
        Advice::SetPrivateKey => "Add the provider with --private-key-file PEM.".into(),
        Advice::ChooseSecretAuthMethod => {
            "Choose --auth-method post or basic, or leave the secret out.".into()
        }
        Advice::ListTemplates => "See `oauth-desk provider templates`.".into(),
        Advice::AddProvider => {
            "Add one with `oauth-desk provider add NAME --issuer URL --client-id ID`.".into()
        }
        Advice::RemoveReservedParam { param } => {
            format!("Leave {param} out of --param: OAuth Desk sets it itself.")
        }
        Advice::ChangePkce => "Check the provider's PKCE setting (--pkce s256|plain|off).".into(),
        Advice::CheckClientCredentials => {
            "Check the client id and secret, and the client auth method (--auth-method basic or post must be the one registered).".into()
        }
        Advice::RegisterRedirectUri { .. } => {
            "Register it, or pin a registered one with --redirect-uri http://127.0.0.1:PORT/callback.".into()
        }
        Advice::FewerScopes => "Try fewer scopes with --scope.".into(),
        Advice::UseSystemBrowser => {
            "Sign in with the system browser (the CLI always does; in the app, use --system-browser).".into()
        }
        Advice::WaitLonger => "Set OAUTH_DESK_HTTP_TIMEOUT (seconds) to wait longer.".into(),
        Advice::UseHttps => {
            "Use https, or accept plain http for this provider with --allow-http.".into()
        }
        Advice::SignInTo { provider } => {
            format!("Sign in to it first: `oauth-desk login {provider}`.")
        }
        Advice::UsePar => format!(
            "Let it push: add the provider again with --par auto (the default) or --par on (now: `oauth-desk provider show {name}`)."
        ),
        Advice::SetClientCertificate => "Add the provider with --client-cert PEM --client-key PEM (the certificate registered for the client).".into(),
        Advice::SetNamedSecret { name } => {
            format!("Set it: `oauth-desk secret set {name}` (reads stdin).")
        }
        Advice::EditProjectFile { file, line } => format!("Edit {file} at line {line}."),
        Advice::AllowProject { file } => format!(
            "Look at what it will do and allow it: `oauth-desk project allow --project {file}` (or work without it: --project \"\")."
        ),
        Advice::AddIdentity { reference } => format!(
            "Add it: `oauth-desk identity add {reference} [--login-hint HINT]` (`oauth-desk identity list` shows the others)."
        ),
        Advice::ChangeAssertionAudience { other, .. } => format!(
            "Check the client's key or secret; if the server wants the other audience, add the provider again with --assertion-audience {other} (security.assertion_audience in a project file)."
        ),
        Advice::PinSignOutReturn { sent } => format!(
            "Register {sent} at the server, or give the provider a registered return: --post-logout-redirect-uri http://127.0.0.1:PORT/PATH (post_logout_redirect_uri in a project file)."
        ),
        Advice::ChooseEnvironment { known } => format!(
            "Choose one of {}: --env ENV, or `oauth-desk env use ENV`.",
            known.join(", ")
        ),
        Advice::WriteLabPlan => format!(
            "Give one with `oauth-desk lab {name} --plan PLAN.toml` (add --save-plan to keep it with the provider; `oauth-desk lab --example` prints one to start from)."
        ),
    }
}

/// A notice in one line for stderr.
pub fn notice(notice: &oauth_desk::Notice) -> String {
    match notice {
        oauth_desk::Notice::Shadows { name, file } => format!(
            "note: {name} is the project's provider (from {file}), which hides your own {name}; to use yours, add --project \"\"."
        ),
        oauth_desk::Notice::SkippedProjectFile { file, reason } => {
            format!("note: the project file {file} was not read: it {reason}.")
        }
    }
}

/// A failure in one line for stderr: the sentence, then what to do.
pub fn failure(explained: &Explained, provider: Option<&str>) -> String {
    match &explained.advice {
        Some(a) => format!("{}. {}", explained.message, advice(a, provider)),
        None => explained.message.clone(),
    }
}

/// A resource's challenge explained, with the command that satisfies it.
pub fn challenge(challenge: &oauth_desk::ChallengeView, name: &str) -> String {
    let remedy = match &challenge.remedy {
        Some(oauth_desk::Remedy::SignIn { scope, params }) => {
            let mut command = format!("oauth-desk login {name}");
            if let Some(scope) = scope {
                command.push_str(&format!(" --scope {}", shell_word(scope)));
            }
            for param in params {
                command.push_str(&format!(" --param {}", shell_word(param)));
            }
            format!("\nTo satisfy it: `{command}`")
        }
        Some(oauth_desk::Remedy::ClientCredentials { scope }) => {
            let mut command = format!("oauth-desk client-credentials {name}");
            if let Some(scope) = scope {
                command.push_str(&format!(" --scope {}", shell_word(scope)));
            }
            format!("\nTo satisfy it: `{command}`")
        }
        Some(oauth_desk::Remedy::Renew) => format!(
            "\nTo satisfy it: `oauth-desk refresh {name}` (or `oauth-desk login {name}` when it can't be renewed)"
        ),
        Some(oauth_desk::Remedy::AddFromResource { url, .. }) => format!(
            "\nTo satisfy it: `oauth-desk provider add NEW-NAME --from-resource {} --client-id ID` (your client at that server), then `oauth-desk call NEW-NAME {}`",
            shell_word(url),
            shell_word(url)
        ),
        None => String::new(),
    };
    format!("{}{remedy}", challenge.explanation)
}

/// `s` as one shell word: bare when safe, else single-quoted.
fn shell_word(s: &str) -> String {
    if !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.:/=@%+,".contains(&b))
    {
        s.to_owned()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_advice_has_cli_words() {
        for a in oauth_desk::Advice::every() {
            let text = advice(&a, Some("op"));
            assert!(text.ends_with('.'), "one sentence: {text}");
            assert!(
                text.contains("--") || text.contains("oauth-desk") || text.contains("OAUTH_DESK"),
                "CLI advice names the flag, command or variable that fixes it: {text}"
            );
        }
    }
}
