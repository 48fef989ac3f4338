//! The consent lab against the test OP: scopes that release different claims, a silent
//! sign-in that must fail, a refused consent, device and client-credentials cases, one wrong
//! expectation (exit 1, exactly one JUnit failure, read with an XML parser); the provider's
//! own tokens untouched; runs kept and compared; plans checked before anything runs.

use serde_json::Value;

use crate::harness::{Home, Op};

const LAB_SECRET: &str = "lab-secret-0123456789";

const PLAN: &str = r#"
[[case]]
name = "profile releases the name"
scope = "openid profile"
expect_granted = ["openid", "profile"]
expect_not_granted = ["email"]
expect_claims = ["name"]
expect_absent_claims = ["email"]

[[case]]
name = "email only"
scope = "openid email"
expect_granted = ["openid", "email"]
expect_not_granted = ["profile"]
expect_claims = ["email"]
expect_absent_claims = ["name"]

[[case]]
name = "silent sign-in needs a session"
scope = "openid"
params = { prompt = "none" }
expect_error = "login_required"

[[case]]
name = "mallory refuses consent"
scope = "openid email"
params = { login_hint = "mallory" }
expect_error = "access_denied"

[[case]]
name = "device releases the profile"
grant = "device"
scope = "openid profile"
expect_claims = ["name"]

[[case]]
name = "machine scope"
grant = "client_credentials"
scope = "api:read"
expect_granted = ["api:read"]

[[case]]
name = "wrong expectation"
scope = "openid profile"
expect_claims = ["email"]
"#;

fn lab_home(op: &Op) -> Home {
    let mut home = Home::new();
    home.set("BROWSER_DENY_USERS", "mallory");
    home.run_with_stdin(
        &[
            "provider",
            "add",
            "lab",
            "--issuer",
            &op.issuer,
            "--client-id",
            "lab-app",
            "--client-secret-stdin",
            "--scope",
            "openid offline_access profile",
            "--param",
            "prompt=consent",
        ],
        LAB_SECRET,
    )
    .ok();
    home
}

fn write(home: &Home, file: &str, text: &str) -> String {
    let path = home.path().join(file);
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

fn case<'a>(cases: &'a Value, name: &str) -> &'a Value {
    cases
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no case {name}: {cases}"))
}

fn strings(value: &Value) -> Vec<&str> {
    value
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect()
}

#[test]
fn a_plan_runs_every_grant_and_reports_one_wrong_expectation() {
    let op = Op::start();
    let home = lab_home(&op);
    home.run(&["login", "lab"]).ok();
    let vault_before = home.read("vault.bin");
    let stored = || {
        let show = home.run(&["show", "lab", "--json", "--reveal"]).ok().json();
        [
            show["access_token"]["value"].clone(),
            show["access_token"]["obtained_at"].clone(),
            show["refresh_token"]["value"].clone(),
            show["id_token"]["value"].clone(),
            show["scopes"].clone(),
        ]
    };
    let stored_before = stored();
    assert!(!vault_before.is_empty());

    let plan = write(&home, "plan.toml", PLAN);
    let junit = home.path().join("junit.xml");
    let run = home
        .run(&[
            "lab",
            "lab",
            "--plan",
            &plan,
            "--junit",
            &junit.display().to_string(),
            "--json",
        ])
        .fails(1, "1 of 7 cases failed");
    let cases = run.json();
    assert_eq!(cases.as_array().unwrap().len(), 7, "{cases}");

    let profile = case(&cases, "profile releases the name");
    assert_eq!(profile["result"], "pass", "{profile}");
    assert!(strings(&profile["claims"]).contains(&"name"));
    assert_eq!(profile["error"], Value::Null);
    assert_eq!(profile["failures"], serde_json::json!([]));
    let email = case(&cases, "email only");
    assert_eq!(email["result"], "pass", "{email}");
    assert!(strings(&email["claims"]).contains(&"email"));
    assert!(!strings(&email["claims"]).contains(&"name"));
    assert_eq!(
        case(&cases, "silent sign-in needs a session")["error"],
        "login_required"
    );
    assert_eq!(
        case(&cases, "silent sign-in needs a session")["result"],
        "pass"
    );
    let refused = case(&cases, "mallory refuses consent");
    assert_eq!(refused["error"], "access_denied", "{refused}");
    assert_eq!(refused["result"], "pass");
    assert_eq!(
        case(&cases, "device releases the profile")["result"],
        "pass"
    );
    let machine = case(&cases, "machine scope");
    assert_eq!(machine["result"], "pass", "{machine}");
    assert_eq!(strings(&machine["granted"]), ["api:read"]);
    let wrong = case(&cases, "wrong expectation");
    assert_eq!(wrong["result"], "fail");
    assert_eq!(
        strings(&wrong["failures"]),
        ["claim `email` is in neither the ID token nor the userinfo response"]
    );
    // ID-token checks were made and passed for a case that signed a person in.
    let checks = profile["checks"].as_array().unwrap();
    assert!(
        checks
            .iter()
            .any(|c| c["name"] == "nonce" && c["result"] == "pass"),
        "{checks:?}"
    );

    // The case lines went to stderr (stdout is the JSON), with the reason of the failure.
    assert!(
        run.stderr.contains("FAIL  wrong expectation")
            && run.stderr.contains("✗ claim `email` is in neither"),
        "{}",
        run.stderr
    );

    // JUnit, read by an XML parser: seven cases, exactly one failure, on the wrong one.
    let xml = std::fs::read_to_string(&junit).unwrap();
    let doc = roxmltree::Document::parse(&xml).expect("the JUnit report is XML");
    let testcases: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("testcase"))
        .collect();
    assert_eq!(testcases.len(), 7);
    let failures: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("failure"))
        .collect();
    assert_eq!(failures.len(), 1, "{xml}");
    assert_eq!(
        failures[0].parent().unwrap().attribute("name"),
        Some("wrong expectation")
    );
    let suite = doc
        .descendants()
        .find(|n| n.has_tag_name("testsuite"))
        .unwrap();
    assert_eq!(suite.attribute("failures"), Some("1"));
    assert_eq!(suite.attribute("tests"), Some("7"));

    // The provider's own tokens: byte for byte the same, the vault never rewritten.
    assert_eq!(
        home.read("vault.bin"),
        vault_before,
        "the vault was rewritten"
    );
    assert_eq!(stored(), stored_before);
    // The cases' tokens were revoked (refresh token first when there was one).
    let revocations = op.revocations();
    let access = revocations
        .iter()
        .filter(|r| r["token_type_hint"] == "access_token" && r["status"] == 200)
        .count();
    assert_eq!(access, 5, "one per case that got tokens: {revocations:?}");
    // Nothing of a token in what the run wrote.
    let kept = String::from_utf8(home.read("lab/lab.json")).unwrap();
    for token in ["access_token", "refresh_token", "id_token"] {
        assert!(!kept.contains(&format!("\"{token}\"")), "{token} in {kept}");
    }
}

#[test]
fn runs_are_kept_and_compared_with_the_previous_one() {
    let op = Op::start();
    let home = lab_home(&op);
    let first = "[[case]]\nname = \"email\"\nscope = \"openid email\"\n";
    let plan = write(&home, "plan.toml", first);
    let run = home
        .run(&["lab", "lab", "--plan", &plan, "--save-plan"])
        .ok();
    assert!(
        run.stdout
            .contains("pass  email — granted: openid email; claims: email email_verified"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("All 1 cases passed."), "{}", run.stdout);

    // The plan was kept with the provider: `lab NAME` runs it; the same results are said so.
    let again = home.run(&["lab", "lab"]).ok();
    assert!(
        again.stdout.contains("Same results as the run of"),
        "{}",
        again.stdout
    );

    // A changed plan: the case now grants profile too, and releases the name.
    let plan = write(
        &home,
        "plan.toml",
        "[[case]]\nname = \"email\"\nscope = \"openid email profile\"\n\n[[case]]\nname = \"more\"\nscope = \"openid\"\n",
    );
    let changed = home
        .run(&["lab", "lab", "--plan", &plan, "--case", "email"])
        .ok();
    assert!(
        changed
            .stdout
            .contains("case \"email\" now grants `profile`, before it did not"),
        "{}",
        changed.stdout
    );
    assert!(
        changed
            .stdout
            .contains("case \"email\" now releases claim `name`, before it did not"),
        "{}",
        changed.stdout
    );
    assert!(
        !changed.stdout.contains("more"),
        "only the chosen case ran: {}",
        changed.stdout
    );
    let kept: Value = serde_json::from_slice(&home.read("lab/lab.json")).unwrap();
    assert_eq!(kept.as_array().unwrap().len(), 3);

    // The kept plan travels with an export (no secrets) and is read again on import.
    let export = home.run(&["provider", "export", "lab"]).ok().stdout;
    assert!(export.contains("lab_plan"), "{export}");
    assert!(!export.contains(LAB_SECRET));
    let other = Home::new();
    let file = write(&other, "lab.json", &export);
    other.run(&["provider", "import", &file]).ok();
    let mut broken: Value = serde_json::from_str(&export).unwrap();
    broken["provider"]["lab_plan"] = "[[case]]\nname = \"x\"\n".into();
    let file = write(&other, "broken.json", &broken.to_string());
    other
        .run(&["provider", "import", &file, "--name", "b"])
        .fails(1, "consent test plan");

    // Removing the provider removes its runs.
    home.run(&["provider", "remove", "lab"]).ok();
    assert!(!home.path().join("lab/lab.json").exists());
}

#[test]
fn bad_plans_are_refused_before_anything_runs() {
    let op = Op::start();
    let home = lab_home(&op);
    let cases = [
        (
            "[[case]]\nname = \"a\"\nscope = \"openid\"\nexpect_grant = [\"openid\"]\n",
            "line 4",
            "expect_grant",
        ),
        (
            "[[case]]\nname = \"a\"\nscope = \"openid\"\n[[case]]\nname = \"a\"\nscope = \"openid\"\n",
            "line 5",
            "used twice",
        ),
        (
            "[[case]]\nname = \"a\"\nscope = \"\"\n",
            "line 3",
            "empty scope",
        ),
        ("[[case]]\nname = \"a\"\nscope = [\n", "line 3", "not valid"),
    ];
    for (text, line, needle) in cases {
        let plan = write(&home, "bad.toml", text);
        let run = home.run(&["lab", "lab", "--plan", &plan]).fails(1, line);
        assert!(run.stderr.contains(needle), "{needle}: {}", run.stderr);
    }
    assert!(op.token_log().is_empty(), "nothing ran");
    assert!(!home.path().join("lab/lab.json").exists());

    // No plan given and none kept: said so, with what to do.
    home.run(&["lab", "lab"]).fails(1, "--plan PLAN.toml");
    // An unknown case.
    let plan = write(
        &home,
        "plan.toml",
        "[[case]]\nname = \"a\"\nscope = \"openid\"\n",
    );
    home.run(&["lab", "lab", "--plan", &plan, "--case", "b"])
        .fails(1, "no case named \"b\"");
    // The example plan reads.
    let example = home.run(&["lab", "--example"]).ok().stdout;
    let plan = write(&home, "example.toml", &example);
    let text = std::fs::read_to_string(&plan).unwrap();
    assert!(text.contains("[[case]]"));
    home.run(&["lab", "--plan", &plan]).fails(2, "NAME");

    // A JUnit file that can't be written: the results are still printed, and said so.
    let plan = write(
        &home,
        "machine.toml",
        "[[case]]\nname = \"m\"\ngrant = \"client_credentials\"\nscope = \"api:read\"\n",
    );
    let run = home
        .run(&[
            "lab",
            "lab",
            "--plan",
            &plan,
            "--junit",
            "/nonexistent/dir/junit.xml",
        ])
        .fails(1, "could not write the JUnit report");
    assert!(run.stdout.contains("pass  m"), "{}", run.stdout);
}

/// Through the engine: a person at a browser (browser.js) for each case, who may cancel one.
mod engine {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{Arc, Mutex};
    use std::time::Duration;

    use oauth_desk::lab::{CaseResult, Disposal, Verdict};
    use oauth_desk::{
        Change, ClientSecrets, Desk, DeviceCode, DeviceHost, LabHost, LabProgress, LabRequest,
        ProviderSpec, Secret, SignInHost, SignInPage,
    };

    use super::LAB_SECRET;
    use crate::harness::{Op, browser_js, p};

    struct Person {
        desk: Arc<Desk>,
        /// The sign-in (0-based) at which the person cancels the run instead of signing in.
        cancel_at: Option<usize>,
        opened: AtomicUsize,
        finished: Mutex<Vec<String>>,
    }

    impl Person {
        fn browse(&self, url: &str) {
            let mut browser = std::process::Command::new("node")
                .arg(browser_js())
                .arg(url)
                .spawn()
                .expect("browser.js starts");
            // Reaped in the background: the sign-in waits for its redirect, not for the browser.
            std::thread::spawn(move || browser.wait());
        }
    }

    impl SignInHost for Person {
        fn open(&self, page: &SignInPage) -> Result<(), String> {
            let n = self.opened.fetch_add(1, Ordering::SeqCst);
            if self.cancel_at == Some(n) {
                let desk = self.desk.clone();
                std::thread::spawn(move || {
                    std::thread::sleep(Duration::from_millis(300));
                    assert!(desk.cancel_sign_in(&p("lab")), "a run was in progress");
                });
            } else {
                self.browse(page.url.as_str());
            }
            Ok(())
        }
    }

    impl DeviceHost for Person {
        fn show_code(&self, code: &DeviceCode) {
            self.browse(&code.open_uri);
        }
    }

    impl LabHost for Person {
        fn case_finished(&self, result: &CaseResult) {
            self.finished.lock().unwrap().push(result.name.clone());
        }
    }

    async fn lab_desk(op: &Op, dir: &std::path::Path) -> Arc<Desk> {
        let desk = Arc::new(Desk::in_dir(dir, Secret::new("pw")).unwrap());
        let spec = ProviderSpec {
            name: "lab".into(),
            issuer: Some(op.issuer.clone()),
            client_id: "lab-app".into(),
            scope: Some("openid".into()),
            ..ProviderSpec::default()
        };
        let secrets = ClientSecrets {
            client_secret: Some(Secret::new(LAB_SECRET)),
            ..ClientSecrets::default()
        };
        desk.add_provider(oauth_desk::AddProvider::new(spec, secrets))
            .await
            .unwrap();
        desk
    }

    const THREE: &str = "[[case]]\nname = \"a\"\nscope = \"openid profile\"\nexpect_claims = [\"name\"]\n\n\
        [[case]]\nname = \"b\"\nscope = \"openid email\"\n\n[[case]]\nname = \"c\"\nscope = \"openid\"\n";

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn kept_tokens_can_be_inspected_and_progress_is_announced() {
        let op = Op::start();
        let dir = tempfile::tempdir().unwrap();
        let desk = lab_desk(&op, dir.path()).await;
        let mut changes = desk.subscribe();
        let person = Person {
            desk: desk.clone(),
            cancel_at: None,
            opened: AtomicUsize::new(0),
            finished: Mutex::new(vec![]),
        };
        let request = LabRequest {
            plan: Some(THREE.into()),
            only: Some("a".into()),
            keep_tokens: true,
            ..LabRequest::default()
        };
        let run = desk.run_lab(&p("lab"), request, &person).await.unwrap();
        assert!(run.passed(), "{run:?}");
        assert_eq!(run.cases.len(), 1, "only the chosen case ran");
        assert_eq!(run.cases[0].tokens, Disposal::Kept);
        let revocations = tokio::task::block_in_place(|| op.revocations());
        assert!(revocations.is_empty(), "kept tokens are not revoked");
        let report = desk.lab_case_report(&p("lab"), "a").await.unwrap();
        let claims = report.id_token.unwrap().claims.unwrap();
        assert_eq!(claims["sub"], "alice");
        assert!(desk.lab_case_report(&p("lab"), "b").await.is_err());
        assert!(
            desk.tokens(&p("lab")).await.unwrap().is_none(),
            "a lab case never becomes the provider's tokens"
        );
        let lab: Vec<LabProgress> = std::iter::from_fn(|| changes.try_recv().ok())
            .filter_map(|c| match c {
                Change::Lab { progress, .. } => Some(progress),
                _ => None,
            })
            .collect();
        assert!(
            matches!(
                &lab[..],
                [
                    LabProgress::CaseStarted {
                        index: 0,
                        total: 1,
                        ..
                    },
                    LabProgress::CaseFinished { .. },
                    LabProgress::Finished { passed: true }
                ]
            ),
            "{lab:?}"
        );
        assert_eq!(*person.finished.lock().unwrap(), ["a"]);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn cancelling_ends_the_case_and_skips_the_rest() {
        let op = Op::start();
        let dir = tempfile::tempdir().unwrap();
        let desk = lab_desk(&op, dir.path()).await;
        let person = Person {
            desk: desk.clone(),
            cancel_at: Some(1),
            opened: AtomicUsize::new(0),
            finished: Mutex::new(vec![]),
        };
        let request = LabRequest {
            plan: Some(THREE.into()),
            ..LabRequest::default()
        };
        let run = desk.run_lab(&p("lab"), request, &person).await.unwrap();
        assert!(run.cancelled);
        assert!(!run.passed());
        let verdicts: Vec<Verdict> = run.cases.iter().map(|c| c.result).collect();
        assert_eq!(
            verdicts,
            [Verdict::Pass, Verdict::Skipped, Verdict::Skipped]
        );
        assert_eq!(
            person.opened.load(Ordering::SeqCst),
            2,
            "case c never opened"
        );
        assert_eq!(
            desk.lab_runs(&p("lab")).await.unwrap().len(),
            1,
            "a cancelled run is kept too"
        );
    }
}
