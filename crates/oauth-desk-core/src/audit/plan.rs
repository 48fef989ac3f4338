//! What `audit` with its active probes will do to a server, said before anything is sent. The
//! probes are real sign-ins whose codes are used the ways a correct client never does, and a
//! server that answers a replayed code as it should (RFC 6749 §4.1.2: revoke what the code
//! gave) may revoke the whole grant — the tokens OAuth Desk keeps for the provider with it. So
//! the front ends show this plan and ask for a yes; its words are decided here, once, so the
//! CLI and the app say the same. The probes themselves are `Desk::audit_active`'s.

use serde::Serialize;
use url::Url;

use crate::provider::{AuthMethod, PkceMode, Provider};

/// What the active audit will do: the server it probes and each probe, for the person to
/// agree to first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "ActiveAuditPlan"))]
pub struct ActivePlan {
    pub provider: String,
    /// The server probed, as a host (and port): the issuer's, else the token endpoint's.
    pub server: String,
    /// The URL the server's host was read from, said as "the issuer https://…".
    pub server_from: String,
    /// How many fresh sign-ins the probes take.
    pub sign_ins: usize,
    /// One sentence: what is about to happen and what it can cost.
    pub summary: String,
    /// What each probe does, in the order they run.
    pub probes: Vec<String>,
}

/// The plan for `provider` (named `reference` in the words), as `Desk::audit_active` runs it.
pub fn active(reference: &str, provider: &Provider) -> ActivePlan {
    let (server, server_from) = server_of(provider);
    if provider.endpoints.authorization.is_none() {
        return ActivePlan {
            summary: format!(
                "{reference} has no authorization endpoint, so the probes, which need sign-ins, are skipped: only the metadata and JWKS of {server} are read"
            ),
            provider: reference.to_owned(),
            server,
            server_from,
            sign_ins: 0,
            probes: Vec::new(),
        };
    }
    let pkce = provider.pkce != PkceMode::Off;
    let sign_ins = if pkce { 4 } else { 2 };
    let mut probes = vec![
        format!(
            "{sign_ins} fresh sign-ins at {server}, each in a new session: you sign in (and may be asked to consent) each time"
        ),
        format!(
            "sign-in 1's code is exchanged twice: a server may answer by revoking that whole grant, and the tokens kept for {reference} with it"
        ),
    ];
    if provider.auth_method == AuthMethod::None {
        probes.push(
            "a refresh-token rotation check: sign-in 1's refresh token, if one is issued, is used once, then the old one again".to_owned(),
        );
    }
    if pkce {
        probes.push(
            "sign-in 2's code is exchanged without its PKCE verifier, sign-in 3's with a wrong one"
                .to_owned(),
        );
    }
    probes.push(format!(
        "sign-in {sign_ins}'s code is exchanged with a redirect URI other than its request's"
    ));
    ActivePlan {
        summary: format!(
            "The active audit probes {server} ({server_from}) with {sign_ins} fresh sign-ins, and exchanges one code twice, which can make the server revoke that grant, the tokens kept for {reference} with it"
        ),
        provider: reference.to_owned(),
        server,
        server_from,
        sign_ins,
        probes,
    }
}

/// The server's host (and port), and the URL it was read from.
fn server_of(provider: &Provider) -> (String, String) {
    let issuer = provider
        .issuer
        .as_ref()
        .and_then(|i| Some((Url::parse(i.as_str()).ok()?, i.as_str())));
    match (issuer, &provider.endpoints.token) {
        (Some((url, issuer)), _) => (authority(&url), format!("the issuer {issuer}")),
        (None, Some(token)) => (authority(token), format!("the token endpoint {token}")),
        (None, None) => (
            "(no server known)".to_owned(),
            "the provider has neither an issuer nor a token endpoint".to_owned(),
        ),
    }
}

/// `host` or `host:port`, as the person would recognise the server.
fn authority(url: &Url) -> String {
    let host = crate::printable::printable_text(url.host_str().unwrap_or_default()).into_owned();
    match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::{ProviderName, ProviderSpec, build::Held};

    fn provider(edit: impl FnOnce(&mut ProviderSpec)) -> Provider {
        let mut spec = ProviderSpec {
            client_id: "app".into(),
            token_url: Some("https://as.example:8443/token".into()),
            authorization_url: Some("https://as.example:8443/authorize".into()),
            ..ProviderSpec::default()
        };
        edit(&mut spec);
        crate::provider::build::build(
            "op".parse::<ProviderName>().unwrap(),
            &spec,
            None,
            Held::secret(spec.auth_method.is_some_and(|m| m != AuthMethod::None)),
        )
        .unwrap()
    }

    #[test]
    fn the_plan_names_the_server_and_the_replay_that_can_revoke_the_grant() {
        let plan = active("op", &provider(|_| {}));
        assert_eq!(plan.server, "as.example:8443", "the host the person knows");
        assert!(plan.server_from.contains("https://as.example:8443/token"));
        assert_eq!(plan.sign_ins, 4);
        assert!(
            plan.summary.contains("as.example:8443")
                && plan.summary.contains("revoke")
                && plan.summary.contains("op"),
            "the one sentence a refusal can quote names the server and the risk: {}",
            plan.summary
        );
        let all = plan.probes.join("\n");
        for what in [
            "4 fresh sign-ins",
            "exchanged twice",
            "tokens kept for op",
            "refresh-token rotation",
            "without its PKCE verifier",
            "with a wrong one",
            "redirect URI other than",
        ] {
            assert!(all.contains(what), "the person is told of {what:?}: {all}");
        }
    }

    #[test]
    fn the_plan_says_only_what_runs() {
        let plan = active(
            "op",
            &provider(|s| {
                s.pkce = Some(PkceMode::Off);
                s.auth_method = Some(AuthMethod::ClientSecretBasic);
            }),
        );
        assert_eq!(plan.sign_ins, 2, "no PKCE probe: two sign-ins fewer");
        let all = plan.probes.join("\n");
        assert!(!all.contains("PKCE"), "{all}");
        assert!(
            !all.contains("rotation"),
            "a confidential client's refresh token is not probed: {all}"
        );
        assert!(all.contains("sign-in 2's code is exchanged with a redirect URI"));

        let none = active("op", &provider(|s| s.authorization_url = None));
        assert_eq!(none.sign_ins, 0);
        assert!(none.probes.is_empty());
        assert!(none.summary.contains("no authorization endpoint"));
    }
}
