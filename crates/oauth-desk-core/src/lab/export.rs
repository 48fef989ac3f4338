//! A run in the formats QA hands on: JSON (the CLI's `--json`, stable), JUnit XML for CI,
//! CSV for spreadsheets, Markdown for tickets.

use std::fmt::Write;

use serde::{Deserialize, Serialize};

use super::run::{LabRun, Verdict};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum LabFormat {
    Json,
    Junit,
    Csv,
    Markdown,
}

impl LabFormat {
    /// The usual file extension.
    pub fn extension(self) -> &'static str {
        match self {
            LabFormat::Json => "json",
            LabFormat::Junit => "xml",
            LabFormat::Csv => "csv",
            LabFormat::Markdown => "md",
        }
    }
}

impl LabRun {
    pub fn export(&self, format: LabFormat) -> String {
        match format {
            LabFormat::Json => json(self),
            LabFormat::Junit => junit(self),
            LabFormat::Csv => csv(self),
            LabFormat::Markdown => markdown(self),
        }
    }
}

/// The cases as the contract's array (`name`, `result`, `granted`, `claims`, `error`,
/// `failures`, and more).
fn json(run: &LabRun) -> String {
    serde_json::to_string_pretty(&run.cases).unwrap_or_default() + "\n"
}

fn junit(run: &LabRun) -> String {
    let seconds = |ms: u64| format!("{:.3}", ms as f64 / 1000.0);
    let total_ms: u64 = run.cases.iter().map(|c| c.duration_ms).sum();
    let failures = run.count(Verdict::Fail);
    let skipped = run.count(Verdict::Skipped);
    let name = xml(&run.provider);
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"oauth-desk lab\" tests=\"{}\" failures=\"{failures}\" errors=\"0\" skipped=\"{skipped}\" time=\"{}\">",
        run.cases.len(),
        seconds(total_ms)
    );
    let _ = writeln!(
        out,
        "  <testsuite name=\"{name}\" tests=\"{}\" failures=\"{failures}\" errors=\"0\" skipped=\"{skipped}\" time=\"{}\" timestamp=\"{}\">",
        run.cases.len(),
        seconds(total_ms),
        timestamp(run.started_at)
    );
    for case in &run.cases {
        let _ = write!(
            out,
            "    <testcase name=\"{}\" classname=\"oauth-desk.lab.{name}\" time=\"{}\">",
            xml(&case.name),
            seconds(case.duration_ms)
        );
        match case.result {
            Verdict::Pass => {}
            Verdict::Fail => {
                let first = case.failures.first().map_or("", String::as_str);
                let _ = write!(
                    out,
                    "\n      <failure message=\"{}\" type=\"expectation\">{}</failure>",
                    xml(first),
                    xml(&case.failures.join("\n"))
                );
            }
            Verdict::Skipped => {
                out.push_str("\n      <skipped message=\"the run was cancelled\"/>")
            }
        }
        let _ = write!(
            out,
            "\n      <system-out>{}</system-out>\n    </testcase>\n",
            xml(&format!(
                "requested: {}\ngranted: {}\nclaims: {}{}",
                case.requested.join(" "),
                case.granted.join(" "),
                case.claims.join(" "),
                case.error
                    .as_ref()
                    .map(|e| format!("\nerror: {e}"))
                    .unwrap_or_default()
            ))
        );
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}

/// Text safe inside XML attributes and elements (characters XML 1.0 forbids are dropped).
pub(crate) fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' | '\t' => out.push(c),
            c if (c as u32) < 0x20 => {}
            c => out.push(c),
        }
    }
    out
}

fn timestamp(unix: i64) -> String {
    jiff::Timestamp::from_second(unix)
        .map(|t| t.to_string())
        .unwrap_or_default()
}

fn csv(run: &LabRun) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let _ = writer.write_record([
        "case",
        "result",
        "grant",
        "requested",
        "granted",
        "not_granted",
        "extra_granted",
        "claims",
        "error",
        "failures",
        "duration_ms",
    ]);
    for case in &run.cases {
        let _ = writer.write_record([
            case.name.as_str(),
            verdict(case.result),
            case.grant.title(),
            &case.requested.join(" "),
            &case.granted.join(" "),
            &case.not_granted.join(" "),
            &case.extra_granted.join(" "),
            &case.claims.join(" "),
            case.error.as_deref().unwrap_or(""),
            &case.failures.join("; "),
            &case.duration_ms.to_string(),
        ]);
    }
    String::from_utf8(writer.into_inner().unwrap_or_default()).unwrap_or_default()
}

fn verdict(v: Verdict) -> &'static str {
    match v {
        Verdict::Pass => "pass",
        Verdict::Fail => "fail",
        Verdict::Skipped => "skipped",
    }
}

/// A table cell: pipes escaped, lines joined.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

fn markdown(run: &LabRun) -> String {
    let mut out = format!(
        "# Consent lab: {}\n\n{} passed, {} failed{} — {}\n\n",
        run.provider,
        run.count(Verdict::Pass),
        run.count(Verdict::Fail),
        match run.count(Verdict::Skipped) {
            0 => String::new(),
            n => format!(", {n} skipped (cancelled)"),
        },
        timestamp(run.started_at)
    );
    out.push_str("| Case | Result | Granted | Not granted | Extra | Error | Why it failed |\n");
    out.push_str("|---|---|---|---|---|---|---|\n");
    for c in &run.cases {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} |",
            cell(&c.name),
            verdict(c.result),
            cell(&c.granted.join(" ")),
            cell(&c.not_granted.join(" ")),
            cell(&c.extra_granted.join(" ")),
            cell(c.error.as_deref().unwrap_or("")),
            cell(&c.failures.join("; "))
        );
    }
    let matrix = run.matrix();
    if !matrix.scopes.is_empty() || !matrix.claims.is_empty() {
        out.push_str("\n## Matrix\n\n✓ granted · ✗ asked, not granted · + granted unasked · ● claim released\n\n| Case |");
        for s in matrix.scopes.iter().chain(&matrix.claims) {
            let _ = write!(out, " {} |", cell(s));
        }
        out.push_str("\n|---|");
        out.push_str(&"---|".repeat(matrix.scopes.len() + matrix.claims.len()));
        out.push('\n');
        for row in &matrix.rows {
            let _ = write!(out, "| {} |", cell(&row.case));
            for s in &row.scopes {
                let _ = write!(out, " {} |", s.symbol());
            }
            for &released in &row.claims {
                let _ = write!(out, " {} |", if released { "●" } else { "" });
            }
            out.push('\n');
        }
    }
    if !run.differences.is_empty() {
        out.push_str("\n## Since the previous run\n\n");
        for d in &run.differences {
            let _ = writeln!(out, "- {d}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lab::run::tests::result;

    fn sample() -> LabRun {
        let mut failed = result(
            "email <only> & \"more\"",
            &["openid", "email"],
            &["openid"],
            &["sub"],
        );
        failed.result = Verdict::Fail;
        failed.failures = vec![
            "`email` was not granted".into(),
            "claim `email` is missing".into(),
        ];
        LabRun {
            provider: "op".into(),
            started_at: 1_767_000_000,
            finished_at: 1_767_000_010,
            cancelled: false,
            cases: vec![
                result(
                    "profile",
                    &["openid", "profile"],
                    &["openid", "profile"],
                    &["name"],
                ),
                failed,
            ],
            differences: vec!["case \"profile\" now grants `profile`, before it did not".into()],
            compared_with: Some(1_766_000_000),
        }
    }

    #[test]
    fn json_is_the_contracts_array() {
        let value: serde_json::Value =
            serde_json::from_str(&sample().export(LabFormat::Json)).unwrap();
        let cases = value.as_array().unwrap();
        assert_eq!(cases.len(), 2);
        for key in ["name", "result", "granted", "claims", "error", "failures"] {
            assert!(cases[1].get(key).is_some(), "{key} missing");
        }
        assert_eq!(cases[1]["result"], "fail");
        assert_eq!(cases[0]["error"], serde_json::Value::Null);
    }

    #[test]
    fn junit_escapes_and_counts() {
        let xml = sample().export(LabFormat::Junit);
        assert!(xml.contains("failures=\"1\""), "{xml}");
        assert!(
            xml.contains("name=\"email &lt;only&gt; &amp; &quot;more&quot;\""),
            "{xml}"
        );
        assert_eq!(xml.matches("<testcase ").count(), 2);
        assert_eq!(xml.matches("<failure ").count(), 1);
        assert!(xml.contains("message=\"`email` was not granted\""), "{xml}");
        assert!(xml.contains("timestamp=\"2025-12-29T09:20:00Z\""), "{xml}");
    }

    #[test]
    fn csv_quotes_and_markdown_tables() {
        let csv = sample().export(LabFormat::Csv);
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines.len(), 3);
        assert!(
            lines[2].starts_with("\"email <only> & \"\"more\"\"\",fail,"),
            "{csv}"
        );
        let md = sample().export(LabFormat::Markdown);
        assert!(md.contains("1 passed, 1 failed"), "{md}");
        assert!(md.contains("| profile | pass | openid profile |"), "{md}");
        assert!(
            md.contains("| Case | openid | profile | email | name |"),
            "{md}"
        );
        assert!(md.contains("- case \"profile\" now grants"), "{md}");
    }
}
