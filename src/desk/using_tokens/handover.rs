//! Tokens handed over where they are used, by the protocols the tools speak: a kubectl
//! `ExecCredential` (client-go's credential plugins) and git's credential-helper protocol.
//! Both answer with a fresh access token (renewed first when due, by the running keeper when
//! there is one) and never start a sign-in: a tool asking in the background can't show a
//! browser, so a provider that needs one is an error whose advice says how to sign in.

use serde_json::{Value, json};

use super::error::Unsupported;
use super::{Desk, DeskError};
use oauth_desk_core::secret::Secret;

/// The `apiVersion`s of client-go's exec credential plugins, newest first.
const EXEC_API_VERSIONS: &[&str] = &[
    "client.authentication.k8s.io/v1",
    "client.authentication.k8s.io/v1beta1",
    "client.authentication.k8s.io/v1alpha1",
];

/// The username git is given when the provider sets none: what GitHub, GitLab and Gitea accept
/// with an OAuth token as the password.
pub(in crate::desk) const DEFAULT_GIT_USERNAME: &str = "oauth2";

/// What git asked, as the credential-helper protocol's `key=value` lines
/// (git-credential(1), "INPUT/OUTPUT FORMAT").
#[derive(Debug, Default, PartialEq, Eq)]
pub struct GitRequest {
    /// `username`, when git already has one (from the URL or configuration).
    pub username: Option<String>,
    /// git ≥ 2.46 can take a bearer credential instead of a password (`capability[]=authtype`).
    pub authtype_capable: bool,
    /// `protocol` and `host`: where git would send the token.
    pub protocol: Option<String>,
    pub host: Option<String>,
}

impl GitRequest {
    /// Reads git's request; unknown keys are ignored, as the protocol asks.
    pub fn parse(input: &str) -> GitRequest {
        let mut request = GitRequest::default();
        for line in input.lines() {
            match line.split_once('=') {
                Some(("username", value)) if !value.is_empty() => {
                    request.username = Some(value.to_owned());
                }
                Some(("capability[]", "authtype")) => request.authtype_capable = true,
                Some(("protocol", value)) => request.protocol = Some(value.to_owned()),
                Some(("host", value)) => request.host = Some(value.to_owned()),
                _ => {}
            }
        }
        request
    }
}

impl Desk {
    /// A kubectl `ExecCredential` for `name`: `status.token` and, when the expiry is known,
    /// `status.expirationTimestamp` (RFC 3339), so kubectl caches it exactly as long as it is
    /// valid. `exec_info` is `$KUBERNETES_EXEC_INFO`: its `apiVersion` is answered in (older
    /// kubectl speaks `v1beta1`); without it, `v1`.
    pub async fn kube_credential(
        &self,
        reference: &oauth_desk_core::provider::ProviderRef,
        exec_info: Option<&str>,
    ) -> Result<Secret, DeskError> {
        let api_version = exec_info
            .and_then(|info| serde_json::from_str::<Value>(info).ok())
            .and_then(|info| info["apiVersion"].as_str().map(str::to_owned))
            .filter(|v| EXEC_API_VERSIONS.contains(&v.as_str()))
            .unwrap_or_else(|| EXEC_API_VERSIONS[0].to_owned());
        let fresh = self.fresh_token(reference).await?;
        let mut status = json!({ "token": fresh.token.expose() });
        if let Some(at) = fresh.expires_at.and_then(rfc3339) {
            status["expirationTimestamp"] = Value::String(at);
        }
        let credential = json!({
            "apiVersion": api_version,
            "kind": "ExecCredential",
            "status": status,
        });
        Ok(Secret::new(credential.to_string()))
    }

    /// git's credential helper, `get`: the lines to answer `request` with — `username` and
    /// `password=<token>` with `password_expiry_utc`, or for a git that can take it,
    /// `authtype=Bearer` and `credential=<token>`. (`store` and `erase` need no answer: the
    /// token is the engine's to keep and renew.)
    pub async fn git_credential(
        &self,
        reference: &oauth_desk_core::provider::ProviderRef,
        request: &GitRequest,
    ) -> Result<Secret, DeskError> {
        git_may_have_a_token(request)?;
        let username = self
            .provider(reference)
            .await?
            .git_username
            .or_else(|| request.username.clone())
            .unwrap_or_else(|| DEFAULT_GIT_USERNAME.to_owned());
        let fresh = self.fresh_token(reference).await?;
        let token = fresh.token.expose();
        let mut answer = String::new();
        if request.authtype_capable {
            answer.push_str(&format!(
                "capability[]=authtype\nauthtype=Bearer\ncredential={token}\n"
            ));
        } else {
            answer.push_str(&format!("username={username}\npassword={token}\n"));
        }
        if let Some(at) = fresh.expires_at {
            answer.push_str(&format!("password_expiry_utc={at}\n"));
        }
        Ok(Secret::new(answer))
    }
}

/// A token goes to git only over https, or plain http to this machine (a local test remote):
/// a helper configured without a URL scope is asked for every remote, and an `http://` one
/// would carry the token in the clear.
fn git_may_have_a_token(request: &GitRequest) -> Result<(), DeskError> {
    let host = request.host.as_deref().unwrap_or_default();
    let host_only = host.rsplit_once(':').map_or(host, |(h, _)| h);
    let loopback = matches!(host_only, "localhost" | "[::1]")
        || host_only
            .parse::<std::net::Ipv4Addr>()
            .is_ok_and(|ip| ip.is_loopback());
    match request.protocol.as_deref() {
        Some("https") | None => Ok(()),
        Some("http") if loopback => Ok(()),
        Some(other) => Err(Unsupported::GitInTheClear {
            scheme: other.to_owned(),
            host: host.to_owned(),
        }
        .into()),
    }
}

/// Unix seconds as RFC 3339 in UTC (`2026-11-30T23:11:20Z`).
fn rfc3339(unix: i64) -> Option<String> {
    jiff::Timestamp::from_second(unix)
        .ok()
        .map(|t| t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn git_requests_are_read_as_the_protocol_says() {
        let request = GitRequest::parse(
            "protocol=https\nhost=git.example\nusername=alice\ncapability[]=authtype\nwwwauth[]=Bearer realm=x\n",
        );
        assert_eq!(
            request,
            GitRequest {
                username: Some("alice".into()),
                authtype_capable: true,
                protocol: Some("https".into()),
                host: Some("git.example".into()),
            }
        );
        assert_eq!(GitRequest::parse("username=\n").username, None);
    }

    #[test]
    fn git_gets_a_token_over_https_or_to_this_machine_only() {
        let ask = |text: &str| git_may_have_a_token(&GitRequest::parse(text));
        assert!(ask("protocol=https\nhost=git.example\n").is_ok());
        assert!(ask("protocol=http\nhost=127.0.0.1:8080\n").is_ok());
        assert!(ask("protocol=http\nhost=localhost\n").is_ok());
        let err = ask("protocol=http\nhost=git.example\n")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("http://git.example") && err.contains("never in the clear"),
            "{err}"
        );
        assert!(ask("protocol=ssh\nhost=git.example\n").is_err());
    }

    #[test]
    fn expiry_is_rfc_3339_utc() {
        assert_eq!(rfc3339(0).as_deref(), Some("1970-01-01T00:00:00Z"));
        assert_eq!(
            rfc3339(1_767_000_000).as_deref(),
            Some("2025-12-29T09:20:00Z")
        );
    }
}
