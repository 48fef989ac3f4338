//! What tokens and secrets are bound to: the server and client they were obtained or first
//! used for. A token set remembers the issuer, the client id and every endpoint it may be sent
//! to (token, revocation, introspection, userinfo, end-session, PAR, device) — the endpoint an
//! mTLS client calls included. When the provider's settings change (a project file pulled from
//! git, `provider edit`), the tokens stay where they are and are sent nowhere: what changed is
//! named and a new sign-in binds the new tokens to the new settings. A named secret remembers
//! the same of the client it was first used with — every endpoint it authenticates at, the PAR
//! endpoint included — for the same reason.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{Endpoint, Provider};

/// The endpoints tokens travel to, by the name a person reads.
const SENT_TO: &[(Endpoint, &str)] = &[
    (Endpoint::Token, "token endpoint"),
    (Endpoint::Revocation, "revocation endpoint"),
    (Endpoint::Introspection, "introspection endpoint"),
    (Endpoint::Userinfo, "userinfo endpoint"),
    (Endpoint::EndSession, "end-session endpoint"),
    (Endpoint::PushedAuthorization, "PAR endpoint"),
    (
        Endpoint::DeviceAuthorization,
        "device authorization endpoint",
    ),
];

/// The server and client a token set belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Binding {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer: Option<String>,
    pub client_id: String,
    /// Endpoint name → URL, for each endpoint the provider has.
    pub endpoints: BTreeMap<String, String>,
}

impl Binding {
    /// What `provider`'s settings bind tokens to now.
    pub fn of(provider: &Provider) -> Binding {
        Binding {
            issuer: provider.issuer.as_ref().map(|i| i.as_str().to_owned()),
            client_id: provider.client_id.as_str().to_owned(),
            endpoints: SENT_TO
                .iter()
                .filter_map(|(which, name)| {
                    provider
                        .endpoint(*which)
                        .map(|url| ((*name).to_owned(), url.to_string()))
                })
                .collect(),
        }
    }

    /// Each setting that differs between `self` (the tokens') and `now` (the provider's), as
    /// "the token endpoint (was A, now B)"; empty when they are the same.
    pub fn changes_to(&self, now: &Binding) -> Vec<String> {
        let mut changes = Vec::new();
        let mut differ = |what: &str, was: Option<&str>, now: Option<&str>| {
            if was != now {
                changes.push(format!(
                    "the {what} (was {}, now {})",
                    was.unwrap_or("none"),
                    now.unwrap_or("none")
                ));
            }
        };
        differ("issuer", self.issuer.as_deref(), now.issuer.as_deref());
        differ(
            "client id",
            Some(self.client_id.as_str()),
            Some(now.client_id.as_str()),
        );
        for (_, name) in SENT_TO {
            differ(
                name,
                self.endpoints.get(*name).map(String::as_str),
                now.endpoints.get(*name).map(String::as_str),
            );
        }
        changes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn binding(token: &str, userinfo: Option<&str>) -> Binding {
        let mut endpoints = BTreeMap::from([("token endpoint".to_owned(), token.to_owned())]);
        if let Some(u) = userinfo {
            endpoints.insert("userinfo endpoint".into(), u.into());
        }
        Binding {
            issuer: Some("https://as.example".into()),
            client_id: "app".into(),
            endpoints,
        }
    }

    #[test]
    fn the_same_settings_change_nothing() {
        let b = binding("https://as.example/token", None);
        assert!(b.changes_to(&b.clone()).is_empty());
    }

    #[test]
    fn a_moved_token_endpoint_and_an_added_userinfo_endpoint_are_both_named() {
        let was = binding("https://as.example/token", None);
        let now = binding(
            "https://attacker.example/token",
            Some("https://attacker.example/me"),
        );
        let changes = was.changes_to(&now);
        assert_eq!(
            changes,
            [
                "the token endpoint (was https://as.example/token, now https://attacker.example/token)",
                "the userinfo endpoint (was none, now https://attacker.example/me)",
            ],
            "an endpoint added where tokens may now travel is a change as much as a moved one"
        );
    }
}
