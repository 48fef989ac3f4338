//! The readers on realistic files made in each tool's documented format
//! (`tests/fixtures/import/`): every mapped field, and the report's lines.

use super::*;
use crate::provider::{AuthMethod, PkceMode};

fn file(path: &str, text: &str) -> ImportFile {
    ImportFile {
        path: path.into(),
        text: text.into(),
    }
}

const POSTMAN: &str =
    include_str!("../../../../tests/fixtures/import/shop.postman_collection.json");
const POSTMAN_ENV: &str =
    include_str!("../../../../tests/fixtures/import/shop.postman_environment.json");
const INSOMNIA_V4: &str = include_str!("../../../../tests/fixtures/import/insomnia-v4.json");
const INSOMNIA_V5: &str = include_str!("../../../../tests/fixtures/import/insomnia-v5.yaml");

fn bruno_files() -> Vec<ImportFile> {
    vec![
        file(
            "bruno/bruno.json",
            include_str!("../../../../tests/fixtures/import/bruno/bruno.json"),
        ),
        file(
            "bruno/collection.bru",
            include_str!("../../../../tests/fixtures/import/bruno/collection.bru"),
        ),
        file(
            "bruno/requests/stock.bru",
            include_str!("../../../../tests/fixtures/import/bruno/requests/stock.bru"),
        ),
        file(
            "bruno/requests/restock.bru",
            include_str!("../../../../tests/fixtures/import/bruno/requests/restock.bru"),
        ),
    ]
}

fn bruno_env() -> ImportFile {
    file(
        "bruno/environments/local.bru",
        include_str!("../../../../tests/fixtures/import/bruno/environments/local.bru"),
    )
}

fn reasons(parsed: &Parsed) -> Vec<String> {
    parsed
        .notes
        .iter()
        .map(|n| format!("{} | {} | {}", n.source, n.setting, n.reason))
        .collect()
}

#[test]
fn formats_are_recognised() {
    let one = |p: &str, t: &str| recognise(&[file(p, t)]);
    assert_eq!(one("a.json", POSTMAN), Some(ImportFormat::Postman));
    assert_eq!(one("a.json", INSOMNIA_V4), Some(ImportFormat::Insomnia));
    assert_eq!(one("a.yaml", INSOMNIA_V5), Some(ImportFormat::Insomnia));
    assert_eq!(recognise(&bruno_files()), Some(ImportFormat::Bruno));
    assert_eq!(
        one("x.json", r#"{"oauth_desk_export":1,"provider":{}}"#),
        Some(ImportFormat::OauthDesk)
    );
    assert_eq!(one("x.json", r#"{"hello":"world"}"#), None);
    assert!(matches!(
        parse(&[file("x.json", "{}")], ImportFormat::Auto, None),
        Err(ImportError::Unrecognised(_))
    ));
    assert!(
        matches!(
            parse(&[file("i.json", INSOMNIA_V4)], ImportFormat::Postman, None),
            Err(ImportError::NotThatFormat { .. })
        ),
        "a file of another format is refused, not half-read"
    );
}

#[test]
fn a_postman_collection_maps_every_level() {
    let parsed = parse(
        &[file("shop.json", POSTMAN)],
        ImportFormat::Auto,
        Some(&file("env.json", POSTMAN_ENV)),
    )
    .unwrap();
    assert_eq!(parsed.collection.as_deref(), Some("Shop API"));
    let names: Vec<&str> = parsed.found.iter().map(|f| f.spec.name.as_str()).collect();
    assert_eq!(
        names,
        ["shop-api", "shop-api-back-office"],
        "the collection's and the folder's configurations; the inheriting request adds none"
    );
    let web = &parsed.found[0];
    assert_eq!(
        web.spec.authorization_url.as_deref(),
        Some("https://auth.shop.example/authorize"),
        "the environment's variable wins over the collection's"
    );
    assert_eq!(
        web.spec.token_url.as_deref(),
        Some("https://auth.shop.example/oauth/token")
    );
    assert_eq!(web.spec.client_id, "shop-web");
    assert_eq!(
        web.spec.scope.as_deref(),
        Some("openid profile orders:read")
    );
    assert_eq!(web.spec.pkce, Some(PkceMode::S256));
    assert_eq!(web.spec.auth_method, Some(AuthMethod::ClientSecretPost));
    assert_eq!(
        web.client_secret.as_ref().map(|s| s.expose()),
        Some("shop-secret-0123456789")
    );
    assert_eq!(
        web.spec.redirect_uri, None,
        "Postman's own callback page is no use"
    );
    assert_eq!(
        web.spec.params,
        ["audience=https://api.shop.example"],
        "enabled extra parameters only"
    );
    let bo = &parsed.found[1];
    assert_eq!(bo.spec.authorization_url, None);
    assert_eq!(bo.spec.client_id, "shop-backoffice");
    assert_eq!(bo.spec.auth_method, Some(AuthMethod::ClientSecretBasic));
    let report = reasons(&parsed);
    for expected in [
        "collection Shop API | callback URL | https://oauth.pstmn.io/v1/callback is the API client's own page",
        "collection Shop API | state | fixed values are not kept",
        "collection Shop API › request Legacy widget | grant type | \"implicit\" is not supported",
        "collection Shop API › request Partner | access token URL | the variable {{partner_host}} has no value",
        "collection Shop API › request Partner | access token URL | missing: not imported",
    ] {
        assert!(
            report.iter().any(|r| r.starts_with(expected)),
            "missing report line {expected:?} in {report:#?}"
        );
    }
}

#[test]
fn without_its_environment_a_postman_collection_says_what_is_missing() {
    let parsed = parse(&[file("shop.json", POSTMAN)], ImportFormat::Postman, None).unwrap();
    let web = &parsed.found[0];
    assert_eq!(
        web.spec.authorization_url.as_deref(),
        Some("https://wrong.example/authorize"),
        "the collection's own variables still apply"
    );
    assert!(web.client_secret.is_none());
    assert!(
        reasons(&parsed)
            .iter()
            .any(|r| r.contains("client secret") && r.contains("{{shop_secret}}"))
    );
}

#[test]
fn insomnia_v4_and_v5_exports_map() {
    let v4 = parse(&[file("i.json", INSOMNIA_V4)], ImportFormat::Auto, None).unwrap();
    assert_eq!(v4.collection.as_deref(), Some("Billing"));
    assert_eq!(v4.found.len(), 1, "{:#?}", reasons(&v4));
    let f = &v4.found[0];
    assert_eq!(f.spec.name, "invoices");
    assert_eq!(
        f.spec.authorization_url.as_deref(),
        Some("https://idp.billing.example/oauth2/authorize")
    );
    assert_eq!(f.spec.client_id, "billing-cli", "nested {{ _.client.id }}");
    assert_eq!(
        f.spec.redirect_uri.as_deref(),
        Some("http://127.0.0.1:8765/callback")
    );
    assert_eq!(f.spec.pkce, Some(PkceMode::S256));
    assert_eq!(f.spec.auth_method, None, "a public client");
    assert_eq!(f.spec.params, ["audience=https://api.billing.example"]);
    assert!(
        reasons(&v4)
            .iter()
            .any(|r| r.contains("request Sync | grant type | \"password\" is not supported"))
    );

    let v5 = parse(&[file("p.yaml", INSOMNIA_V5)], ImportFormat::Auto, None).unwrap();
    assert_eq!(v5.collection.as_deref(), Some("Payroll"));
    let f = &v5.found[0];
    assert_eq!(f.spec.name, "list-employees");
    assert_eq!(
        f.spec.token_url.as_deref(),
        Some("https://idp.payroll.example/token")
    );
    assert_eq!(f.spec.auth_method, Some(AuthMethod::ClientSecretPost));
    assert_eq!(
        f.spec.token_params,
        ["resource=https://api.payroll.example"],
        "client credentials send the resource with the token request"
    );
    assert_eq!(
        f.client_secret.as_ref().map(|s| s.expose()),
        Some("payroll-secret-0123456789")
    );
}

#[test]
fn a_bruno_collection_maps_its_collection_and_request_auth() {
    let parsed = parse(&bruno_files(), ImportFormat::Auto, Some(&bruno_env())).unwrap();
    assert_eq!(parsed.collection.as_deref(), Some("Warehouse"));
    let names: Vec<&str> = parsed.found.iter().map(|f| f.spec.name.as_str()).collect();
    assert_eq!(names, ["warehouse", "warehouse-restock"]);
    let app = &parsed.found[0];
    assert_eq!(
        app.spec.authorization_url.as_deref(),
        Some("https://idp.warehouse.example/authorize")
    );
    assert_eq!(
        app.spec.redirect_uri.as_deref(),
        Some("http://127.0.0.1/callback")
    );
    assert_eq!(app.spec.pkce, Some(PkceMode::S256));
    assert!(app.client_secret.is_none());
    let restock = &parsed.found[1];
    assert_eq!(
        restock.spec.token_url.as_deref(),
        Some("https://idp.warehouse.example/token"),
        "from the environment file"
    );
    assert_eq!(restock.spec.auth_method, Some(AuthMethod::ClientSecretPost));
    // Without the environment, the request's variable is unresolved: reported, not guessed.
    let parsed = parse(&bruno_files(), ImportFormat::Bruno, None).unwrap();
    assert_eq!(parsed.found.len(), 1);
    assert!(
        reasons(&parsed)
            .iter()
            .any(|r| r.contains("request Restock") && r.contains("{{tokenHost}}"))
    );
}

#[test]
fn names_become_provider_names() {
    assert_eq!(
        provider_name("Shop API — Back office"),
        "shop-api-back-office"
    );
    assert_eq!(provider_name("  "), "imported");
    assert_eq!(provider_name("v1.2_beta"), "v1.2_beta");
}
