use super::*;
use crate::flow::response::ResponseShape;
use crate::provider::{AuthMethod, Endpoints, PkceMode, Provider};

fn provider(pkce: PkceMode, iss_supported: bool) -> Provider {
    Provider {
        name: "p".parse().unwrap(),
        issuer: Some(crate::provider::Issuer::new("https://as.example")),
        endpoints: Endpoints {
            authorization: Some(Url::parse("https://as.example/authorize?tenant=a b").unwrap()),
            token: Some(Url::parse("https://as.example/token").unwrap()),
            ..Endpoints::default()
        },
        client_id: crate::provider::ClientId::new("client one"),
        auth_method: AuthMethod::None,
        has_client_secret: false,
        has_private_key: false,
        template: None,
        scope: "openid profile".into(),
        pkce,
        redirect_uri: Url::parse("http://127.0.0.1/callback").unwrap(),
        authorize_method: AuthorizeMethod::Get,
        authorize_params: vec![Param("prompt".into(), "consent".into())],
        token_params: vec![],
        resources: vec![],
        resource_metadata: None,
        client_origin: None,
        security: Default::default(),
        server_security: Default::default(),
        iss_parameter_supported: iss_supported,
        callback_timeout_secs: 300,
        auto_refresh: true,
        refresh_margin_secs: None,
        system_browser: false,
        allow_http: false,
        git_username: None,
        post_logout_redirect_uri: None,
        lab_plan: None,
        identities: Vec::new(),
    }
}

fn request(pkce: PkceMode, iss: bool) -> AuthorizationRequest {
    let redirect = Url::parse("http://127.0.0.1:4567/callback").unwrap();
    AuthorizationRequest::new(
        &provider(pkce, iss),
        redirect,
        &"openid,email".into(),
        &[Param("prompt".into(), "login".into())],
        ResponseShape::default(),
    )
    .unwrap()
}

fn response(req: &AuthorizationRequest, query: &str) -> Url {
    Url::parse(&format!("{}?{query}", req.redirect_uri)).unwrap()
}

#[test]
fn the_url_carries_every_parameter_encoded() {
    let req = request(PkceMode::S256, false);
    let url = req.url();
    let pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    let get = |k: &str| {
        pairs
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.as_str())
    };
    assert_eq!(
        get("tenant"),
        Some("a b"),
        "existing query parameters are kept (RFC 6749 §3.1)"
    );
    assert_eq!(get("client_id"), Some("client one"));
    assert_eq!(
        get("scope"),
        Some("openid,email"),
        "the scope is sent exactly as written"
    );
    assert_eq!(get("redirect_uri"), Some("http://127.0.0.1:4567/callback"));
    assert_eq!(get("code_challenge_method"), Some("S256"));
    assert_eq!(get("state"), Some(req.state.expose()));
    assert!(
        get("nonce").is_some(),
        "openid in a comma list still asks for a nonce"
    );
    assert_eq!(
        get("prompt"),
        Some("login"),
        "a sign-in's param replaces the provider's"
    );
    assert_eq!(pairs.iter().filter(|(k, _)| k == "prompt").count(), 1);
    assert!(!url.as_str().contains(' '), "values are percent-encoded");
}

#[test]
fn no_pkce_and_no_nonce_when_not_wanted() {
    let mut p = provider(PkceMode::Off, false);
    p.scope = "read write".into();
    let req = AuthorizationRequest::new(
        &p,
        p.redirect_uri.clone(),
        &"read write".into(),
        &[],
        ResponseShape::default(),
    )
    .unwrap();
    let url = req.url().to_string();
    assert!(
        !url.contains("code_challenge") && !url.contains("nonce="),
        "{url}"
    );
}

#[test]
fn reserved_params_are_refused() {
    let p = provider(PkceMode::S256, false);
    let err = AuthorizationRequest::new(
        &p,
        p.redirect_uri.clone(),
        &"".into(),
        &[Param("state".into(), "x".into())],
        ResponseShape::default(),
    )
    .unwrap_err();
    assert!(err.to_string().contains("state"), "{err}");
}

#[test]
fn a_good_response_yields_the_code() {
    let req = request(PkceMode::S256, false);
    let url = response(&req, &format!("code=abc&state={}", req.state.expose()));
    assert_eq!(req.accept(&url).unwrap().expose(), "abc");
}

#[test]
fn state_is_checked() {
    let req = request(PkceMode::S256, false);
    assert_eq!(
        req.accept(&response(&req, "code=abc&state=forged")),
        Err(AuthorizationError::StateMismatch)
    );
    assert_eq!(
        req.accept(&response(&req, "code=abc")),
        Err(AuthorizationError::MissingState)
    );
}

#[test]
fn errors_are_reported_with_their_fields() {
    let req = request(PkceMode::S256, false);
    let url = response(
        &req,
        &format!(
            "error=access_denied&error_description=End-User+aborted+interaction&state={}",
            req.state.expose()
        ),
    );
    let Err(AuthorizationError::Denied(e)) = req.accept(&url) else {
        panic!("expected Denied")
    };
    assert_eq!(e.error, "access_denied");
    assert_eq!(
        e.error_description.as_deref(),
        Some("End-User aborted interaction")
    );
}

#[test]
fn issuer_is_checked_when_present_or_promised() {
    let req = request(PkceMode::S256, false);
    let s = req.state.expose().to_owned();
    let bad = response(
        &req,
        &format!("code=a&state={s}&iss=https%3A%2F%2Fevil.example"),
    );
    assert!(matches!(
        req.accept(&bad),
        Err(AuthorizationError::IssuerMismatch { .. })
    ));
    let good = response(
        &req,
        &format!("code=a&state={s}&iss=https%3A%2F%2Fas.example"),
    );
    assert!(req.accept(&good).is_ok());
    assert!(
        req.accept(&response(&req, &format!("code=a&state={s}")))
            .is_ok()
    );

    let strict = request(PkceMode::S256, true);
    let s = strict.state.expose().to_owned();
    assert_eq!(
        strict.accept(&response(&strict, &format!("code=a&state={s}"))),
        Err(AuthorizationError::MissingIssuer)
    );
}

#[test]
fn a_url_elsewhere_is_not_a_response() {
    let req = request(PkceMode::S256, false);
    let url = Url::parse(&format!(
        "http://127.0.0.1:4567/other?code=a&state={}",
        req.state.expose()
    ))
    .unwrap();
    assert!(matches!(
        req.accept(&url),
        Err(AuthorizationError::WrongRedirect { .. })
    ));
}

#[test]
fn the_post_form_escapes_values() {
    let mut p = provider(PkceMode::S256, false);
    p.authorize_params = vec![Param("login_hint".into(), "\"><script>".into())];
    let req = AuthorizationRequest::new(
        &p,
        p.redirect_uri.clone(),
        &"openid".into(),
        &[],
        ResponseShape::default(),
    )
    .unwrap();
    let html = req.post_form_html();
    assert!(!html.contains("\"><script>"), "values must be HTML-escaped");
    assert!(html.contains(r#"method="post""#));
}

#[test]
fn pasted_urls_are_trimmed() {
    assert!(parse_pasted_url("  'https://shop.example/?code=a'\n").is_ok());
    assert!(parse_pasted_url("not a url").is_err());
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(crate::fuzz_cases(2000)))]
    /// Whatever arrives at the redirect URI, checking it never panics, and a code is only
    /// accepted with this sign-in's state.
    #[test]
    fn callback_checking_never_panics_nor_accepts_a_foreign_state(query in "[ -~]{0,200}") {
        let req = request(PkceMode::S256, false);
        let mut url = req.redirect_uri.clone();
        url.set_query(Some(&query));
        if req.accept(&url).is_ok() {
            let state = url.query_pairs().find(|(k, _)| k == "state").map(|(_, v)| v.into_owned());
            proptest::prop_assert_eq!(state.as_deref(), Some(req.state.expose()));
        }
        let _ = parse_pasted_url(&query);
    }
}

#[test]
fn a_redirect_is_matched_on_origin_and_path_only() {
    let r: Url = "https://shop.example/cb".parse().unwrap();
    let is = |u: &str| is_redirect_to(&u.parse().unwrap(), &r);
    assert!(is("https://shop.example/cb?code=1&state=2"));
    assert!(is("https://shop.example:443/cb#x"));
    assert!(!is("https://shop.example/cb2?code=1"));
    assert!(!is("http://shop.example/cb?code=1"));
    assert!(!is("https://evil.example/cb?code=1"));
}
