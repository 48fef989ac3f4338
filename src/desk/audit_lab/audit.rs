//! `audit`: fetches what a passive review of the provider's server needs — its metadata
//! document, its JWKS, the provider's last trace, the resource metadata it came from — and has
//! [`oauth_desk_core::audit`] judge them.

use serde_json::{Map, Value};

use super::{Desk, DeskError};
use oauth_desk_core::audit::{AuditReport, Finding, Verdict};
use oauth_desk_core::provider::discovery::{document_urls, parse_issuer};
use oauth_desk_core::provider::resource_metadata::{ResourceMetadata, choose_server};
use oauth_desk_core::provider::{Provider, ProviderRef, transport};

impl Desk {
    /// Audits the provider's authorization server without signing in.
    pub async fn audit(&self, reference: &ProviderRef) -> Result<AuditReport, DeskError> {
        let provider = self.provider_to_use(reference).await?;
        let mut findings = Vec::new();
        let issuer = provider.issuer.as_ref().map(ToString::to_string);
        match &issuer {
            Some(issuer) => {
                let (url, doc) = self.metadata_document(issuer).await;
                match doc {
                    Ok(doc) => {
                        let openid = url.ends_with("openid-configuration");
                        findings.extend(oauth_desk_core::audit::metadata_findings(
                            &url, &doc, issuer, openid,
                        ));
                        let jwks_url = doc.get("jwks_uri").and_then(Value::as_str);
                        let jwks = match jwks_url {
                            Some(u) => {
                                let named_by = format!("jwks_uri in {url}");
                                self.named_document(u, "JWKS URI", &named_by, provider.allow_http)
                                    .await
                            }
                            None => Err(String::new()),
                        };
                        findings.extend(oauth_desk_core::audit::jwks_findings(
                            jwks_url,
                            jwks.as_ref().map_err(Clone::clone),
                        ));
                    }
                    Err(why) => findings.push(unreadable_metadata(&url, &why)),
                }
            }
            None => findings.push(no_issuer()),
        }
        findings.push(oauth_desk_core::audit::no_store_finding(
            self.trace(reference).await?.as_ref(),
        ));
        findings.push(self.resource_finding(&provider).await);
        Ok(AuditReport {
            provider: reference.to_string(),
            issuer,
            findings,
        })
    }

    /// The first metadata document that answers: the OpenID one, then RFC 8414's.
    async fn metadata_document(
        &self,
        issuer: &str,
    ) -> (String, Result<Map<String, Value>, String>) {
        let Ok(issuer_url) = parse_issuer(issuer) else {
            return (issuer.to_owned(), Err("the issuer is not a URL".into()));
        };
        let (oidc, oauth) = document_urls(&issuer_url);
        let mut last = (oidc.to_string(), Err("not tried".to_owned()));
        for url in std::iter::once(oidc).chain(oauth) {
            let answer = self.json_document(url.as_str()).await.and_then(|v| {
                v.as_object()
                    .cloned()
                    .ok_or_else(|| "not a JSON object".to_owned())
            });
            let found = answer.is_ok();
            last = (url.to_string(), answer);
            if found {
                break;
            }
        }
        last
    }

    /// A JSON document a server's document named, held to the https rule first (plain http
    /// only on this machine, unless `allow_http`): refused, it is not fetched, and why is the
    /// evidence.
    async fn named_document(
        &self,
        url: &str,
        field: &'static str,
        named_by: &str,
        allow_http: bool,
    ) -> Result<Value, String> {
        let parsed = url::Url::parse(url).map_err(|e| format!("not a URL: {e}"))?;
        transport::check_named(field, &parsed, named_by, allow_http)
            .map_err(|e| format!("not fetched: {e}"))?;
        self.json_document(url).await
    }

    /// A JSON document, or why it could not be read.
    async fn json_document(&self, url: &str) -> Result<Value, String> {
        let url = url::Url::parse(url).map_err(|e| format!("not a URL: {e}"))?;
        let response = self
            .http
            .get_json("audit", &url)
            .await
            .map_err(|e| e.to_string())?;
        if !response.is_success() {
            return Err(format!("answered {}", response.status));
        }
        serde_json::from_slice(&response.body).map_err(|e| format!("not JSON: {e}"))
    }

    /// The resource metadata the provider was made from (RFC 9728) still names its server and
    /// its resource.
    async fn resource_finding(&self, provider: &Provider) -> Finding {
        let title = "The resource's metadata names this server and resource";
        let Some(url) = &provider.resource_metadata else {
            return finding(
                "resource-metadata",
                title,
                Verdict::Skip,
                "the provider was not made from an API's URL".into(),
            );
        };
        let issuer = provider.issuer.as_ref().map(ToString::to_string);
        let named_by = "the provider's resource_metadata, as the API named it when the provider was made from it";
        let fetched = self
            .named_document(url, "resource metadata URL", named_by, provider.allow_http)
            .await;
        let (verdict, evidence) = match fetched.and_then(|doc| {
            serde_json::from_value::<ResourceMetadata>(doc)
                .map_err(|e| format!("not resource metadata: {e}"))
        }) {
            Err(why) => (Verdict::Fail, format!("{url}: {why}")),
            Ok(meta) => {
                let listed = choose_server(&meta, issuer.as_deref()).is_ok();
                let ours = provider.resources.contains(&meta.resource);
                (
                    if listed && ours {
                        Verdict::Pass
                    } else {
                        Verdict::Fail
                    },
                    format!(
                        "{url}: resource {:?}, authorization_servers {:?}",
                        meta.resource, meta.authorization_servers
                    ),
                )
            }
        };
        finding("resource-metadata", title, verdict, evidence)
    }
}

fn finding(id: &'static str, title: &'static str, verdict: Verdict, evidence: String) -> Finding {
    Finding {
        id,
        title,
        verdict,
        rfc: "RFC 9728 §3.3",
        evidence: crate::printable::printable_text(&evidence).into_owned(),
    }
}

fn unreadable_metadata(url: &str, why: &str) -> Finding {
    Finding {
        id: "metadata-readable",
        title: "The server's metadata document can be read",
        verdict: Verdict::Fail,
        rfc: "RFC 8414 §3",
        evidence: crate::printable::printable_text(&format!("{url}: {why}")).into_owned(),
    }
}

fn no_issuer() -> Finding {
    Finding {
        id: "metadata-readable",
        title: "The server's metadata document can be read",
        verdict: Verdict::Skip,
        rfc: "RFC 8414 §3",
        evidence: "the provider has no issuer (manual endpoints): nothing to discover".into(),
    }
}
