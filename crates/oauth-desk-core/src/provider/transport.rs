//! The transport rule: endpoints must be `https`, except on loopback hosts (127.0.0.0/8,
//! `[::1]`, `localhost`), where plain `http` is what RFC 8252 §7.3 and local test servers use.
//! A provider may opt out (`allow_http`), and then carries an "insecure transport" warning.

use url::{Host, Url};

use super::ProviderError;

/// Whether `url`'s host is this machine.
pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Ipv4(ip)) => ip.is_loopback(),
        Some(Host::Ipv6(ip)) => ip.is_loopback(),
        Some(Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

/// Whether `url` travels in the clear over a network: plain http to a host that is not this
/// machine.
pub fn is_insecure(url: &Url) -> bool {
    url.scheme() == "http" && !is_loopback(url)
}

/// Whether `url` may be opened in the person's browser: a web page, `https`, or `http` on this
/// machine (a verification URI, an end-session page, a sign-in page). A server naming
/// `file:///etc/passwd`, `javascript:` or a custom scheme gets it shown, never opened.
pub fn is_openable(url: &Url) -> bool {
    match url.scheme() {
        "https" => url.host_str().is_some_and(|h| !h.is_empty()),
        "http" => is_loopback(url),
        _ => false,
    }
}

/// Refuses a plain-http endpoint off loopback unless the provider allows it.
pub fn check(field: &'static str, url: &Url, allow_http: bool) -> Result<(), ProviderError> {
    refuse_insecure(field, url, None, allow_http)
}

/// [`check`] for a URL a server's document named (a metadata document's `jwks_uri` or
/// `registration_endpoint`, a 401's `resource_metadata`): the same rule, and the refusal says
/// which document named it, since the person never typed it.
pub fn check_named(
    field: &'static str,
    url: &Url,
    named_by: &str,
    allow_http: bool,
) -> Result<(), ProviderError> {
    refuse_insecure(field, url, Some(named_by), allow_http)
}

fn refuse_insecure(
    field: &'static str,
    url: &Url,
    named_by: Option<&str>,
    allow_http: bool,
) -> Result<(), ProviderError> {
    if is_insecure(url) && !allow_http {
        return Err(ProviderError::InsecureTransport {
            field,
            url: url.to_string(),
            named_by: named_by.map(|d| crate::printable::printable_text(d).into_owned()),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> Url {
        s.parse().unwrap()
    }

    #[test]
    fn loopback_hosts_may_use_http() {
        for ok in [
            "http://127.0.0.1:8080/token",
            "http://127.1.2.3/token",
            "http://[::1]:9000/token",
            "http://localhost/token",
            "http://LOCALHOST:3000/token",
            "https://idp.example/token",
        ] {
            assert!(check("token URL", &url(ok), false).is_ok(), "{ok} is fine");
        }
    }

    #[test]
    fn http_elsewhere_needs_the_opt_out() {
        for bad in [
            "http://idp.example/token",
            "http://10.0.0.1/token",
            "http://localhost.example/token",
            "http://128.0.0.1/token",
        ] {
            let e = check("token URL", &url(bad), false).unwrap_err();
            assert!(e.to_string().contains("https"), "{e} names https");
            assert!(
                check("token URL", &url(bad), true).is_ok(),
                "allow_http accepts {bad}"
            );
        }
    }

    #[test]
    fn a_url_a_document_named_is_refused_naming_the_document() {
        let named_by = "jwks_uri in https://idp.example/.well-known/openid-configuration";
        let e = check_named(
            "JWKS URI",
            &url("http://keys.example/jwks"),
            named_by,
            false,
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.contains("http://keys.example/jwks") && e.contains(named_by),
            "the person never typed the URL, so the refusal says where it came from: {e}"
        );
        assert_eq!(e.matches(". ").count(), 0, "one sentence: {e}");
        for ok in ["https://keys.example/jwks", "http://127.0.0.1:9/jwks"] {
            assert!(
                check_named("JWKS URI", &url(ok), named_by, false).is_ok(),
                "{ok} is https or on this machine"
            );
        }
        assert!(
            check_named("JWKS URI", &url("http://keys.example/jwks"), named_by, true).is_ok(),
            "a provider that allows http allows it from its documents too"
        );
    }
}
