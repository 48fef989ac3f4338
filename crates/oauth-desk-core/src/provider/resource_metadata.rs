//! OAuth 2.0 Protected Resource Metadata (RFC 9728): where an API says which authorization
//! servers issue its tokens and which scopes it knows. Reading and checking the document; the
//! fetching is the desk's (`Desk::resource_metadata`).

use serde::Deserialize;
use url::Url;

/// The well-known path segment (RFC 9728 §3).
const WELL_KNOWN: &str = "/.well-known/oauth-protected-resource";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ResourceError {
    #[error("{0} is not an http(s) URL")]
    NotAUrl(String),
    #[error("the resource metadata at {url} is not a JSON document with a resource: {reason}")]
    Unreadable { url: String, reason: String },
    #[error("the resource metadata at {url} answered {status}")]
    Status { url: String, status: u16 },
    #[error(
        "the resource metadata names the resource {resource}, which does not cover {url} (RFC 9728 §3.3: the same origin, and a prefix of its path)"
    )]
    Mismatch { resource: String, url: String },
    #[error("the resource metadata lists no authorization server")]
    NoServer,
    #[error("the resource names several authorization servers ({0}): choose one with its issuer")]
    SeveralServers(String),
    #[error("the resource does not name {chosen} among its authorization servers ({known})")]
    UnknownServer { chosen: String, known: String },
}

/// The document's fields OAuth Desk uses (RFC 9728 §2).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ResourceMetadata {
    /// The resource identifier, exactly as written (it is sent as the RFC 8707 indicator).
    pub resource: String,
    #[serde(default)]
    pub authorization_servers: Vec<String>,
    #[serde(default)]
    pub scopes_supported: Vec<String>,
    #[serde(default)]
    pub resource_name: Option<String>,
    #[serde(default)]
    pub bearer_methods_supported: Vec<String>,
    #[serde(default)]
    pub dpop_bound_access_tokens_required: bool,
}

/// `https://api.example/.well-known/oauth-protected-resource/v1` for `https://api.example/v1`:
/// the well-known segment between the host and the path (RFC 9728 §3.1), no query.
pub fn well_known_url(resource: &Url) -> Url {
    let mut url = resource.clone();
    let path = resource.path().trim_end_matches('/');
    url.set_path(&format!("{WELL_KNOWN}{path}"));
    url.set_query(None);
    url.set_fragment(None);
    url
}

/// Where to look when the resource names no metadata: the well-known URL of its path, then of
/// each shorter path up to the origin's (an API's metadata names the API, not each endpoint),
/// at most eight.
pub fn well_known_candidates(url: &Url) -> Vec<Url> {
    let mut out = Vec::new();
    let mut current = url.clone();
    current.set_query(None);
    loop {
        let candidate = well_known_url(&current);
        if !out.contains(&candidate) {
            out.push(candidate);
        }
        let path = current.path().trim_end_matches('/').to_owned();
        match path.rfind('/') {
            Some(i) if !path.is_empty() && out.len() < 8 => current.set_path(&path[..i]),
            _ => break,
        }
    }
    out
}

/// Reads the document at `url` (what `fetched` answered).
pub fn parse(url: &Url, body: &[u8]) -> Result<ResourceMetadata, ResourceError> {
    serde_json::from_slice::<ResourceMetadata>(body).map_err(|e| ResourceError::Unreadable {
        url: url.to_string(),
        reason: crate::printable::printable(&e.to_string()).into_owned(),
    })
}

/// The metadata's resource must cover `url`: the same origin, and its path a prefix of the
/// URL's at a segment boundary (RFC 9728 §3.3 as its revision draft and the MCP SDKs read it:
/// an API's metadata names the API, not each endpoint).
pub fn check_covers(metadata: &ResourceMetadata, url: &Url) -> Result<(), ResourceError> {
    let mismatch = || ResourceError::Mismatch {
        resource: crate::printable::printable(&metadata.resource).into_owned(),
        url: url.to_string(),
    };
    let resource = Url::parse(&metadata.resource).map_err(|_| mismatch())?;
    if resource.origin() != url.origin() {
        return Err(mismatch());
    }
    let prefix = resource.path().trim_end_matches('/');
    let path = url.path();
    let covered = prefix.is_empty()
        || path == prefix
        || path
            .strip_prefix(prefix)
            .is_some_and(|rest| rest.starts_with('/'));
    covered.then_some(()).ok_or_else(mismatch)
}

/// The authorization server to use: `chosen` when the metadata lists it, else the only one.
pub fn choose_server(
    metadata: &ResourceMetadata,
    chosen: Option<&str>,
) -> Result<String, ResourceError> {
    let known = || metadata.authorization_servers.join(", ");
    match (chosen, metadata.authorization_servers.as_slice()) {
        (_, []) => Err(ResourceError::NoServer),
        (Some(c), servers) => servers
            .iter()
            .find(|s| s.trim_end_matches('/') == c.trim_end_matches('/'))
            .cloned()
            .ok_or_else(|| ResourceError::UnknownServer {
                chosen: c.to_owned(),
                known: known(),
            }),
        (None, [only]) => Ok(only.clone()),
        (None, _) => Err(ResourceError::SeveralServers(known())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta(resource: &str, servers: &[&str]) -> ResourceMetadata {
        ResourceMetadata {
            resource: resource.into(),
            authorization_servers: servers.iter().map(|s| s.to_string()).collect(),
            scopes_supported: vec![],
            resource_name: None,
            bearer_methods_supported: vec![],
            dpop_bound_access_tokens_required: false,
        }
    }

    #[test]
    fn the_well_known_segment_goes_before_the_path() {
        let url = |s: &str| well_known_url(&Url::parse(s).unwrap()).to_string();
        assert_eq!(
            url("https://api.example/v1/items?x=1"),
            "https://api.example/.well-known/oauth-protected-resource/v1/items"
        );
        assert_eq!(
            url("https://api.example/"),
            "https://api.example/.well-known/oauth-protected-resource"
        );
        assert_eq!(
            url("http://127.0.0.1:8080/mcp/"),
            "http://127.0.0.1:8080/.well-known/oauth-protected-resource/mcp"
        );
    }

    #[test]
    fn without_a_challenge_each_shorter_path_is_tried() {
        let urls: Vec<String> =
            well_known_candidates(&Url::parse("https://a.example/v1/items/7?x").unwrap())
                .iter()
                .map(Url::to_string)
                .collect();
        assert_eq!(
            urls,
            [
                "https://a.example/.well-known/oauth-protected-resource/v1/items/7",
                "https://a.example/.well-known/oauth-protected-resource/v1/items",
                "https://a.example/.well-known/oauth-protected-resource/v1",
                "https://a.example/.well-known/oauth-protected-resource",
            ]
        );
        assert_eq!(
            well_known_candidates(&Url::parse("https://a.example").unwrap()).len(),
            1
        );
        let deep = Url::parse(&format!("https://a.example{}", "/x".repeat(50))).unwrap();
        assert_eq!(well_known_candidates(&deep).len(), 8);
    }

    #[test]
    fn the_resource_must_cover_the_url() {
        let url = Url::parse("https://api.example/v1/items").unwrap();
        for ok in [
            "https://api.example",
            "https://api.example/",
            "https://api.example/v1",
            "https://api.example/v1/items",
        ] {
            assert_eq!(check_covers(&meta(ok, &[]), &url), Ok(()), "{ok}");
        }
        for bad in [
            "https://api.example/v1/item",
            "https://api.example/v2",
            "https://evil.example/v1",
            "http://api.example/v1",
            "https://api.example:8443/v1",
            "not a url",
        ] {
            assert!(check_covers(&meta(bad, &[]), &url).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_server_is_chosen_or_asked_for() {
        let one = meta("https://r", &["https://as.example"]);
        assert_eq!(choose_server(&one, None).unwrap(), "https://as.example");
        assert_eq!(
            choose_server(&one, Some("https://as.example/")).unwrap(),
            "https://as.example"
        );
        assert!(matches!(
            choose_server(&one, Some("https://other")),
            Err(ResourceError::UnknownServer { .. })
        ));
        let two = meta("https://r", &["https://a", "https://b"]);
        assert_eq!(
            choose_server(&two, None),
            Err(ResourceError::SeveralServers("https://a, https://b".into()))
        );
        assert_eq!(choose_server(&two, Some("https://b")).unwrap(), "https://b");
        assert_eq!(
            choose_server(&meta("https://r", &[]), None),
            Err(ResourceError::NoServer)
        );
    }

    #[test]
    fn a_document_is_read_leniently_and_its_resource_kept_as_written() {
        let url = Url::parse("https://api.example/.well-known/oauth-protected-resource").unwrap();
        let m = parse(
            &url,
            br#"{"resource":"https://api.example","authorization_servers":["https://as"],"scopes_supported":["read"],"extra":1}"#,
        )
        .unwrap();
        assert_eq!(m.resource, "https://api.example", "no slash added");
        assert_eq!(m.scopes_supported, ["read"]);
        assert!(parse(&url, b"<html>").is_err());
        assert!(parse(&url, br#"{"authorization_servers":[]}"#).is_err());
    }
}
