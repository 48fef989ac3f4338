//! What changed between two runs of a provider's plan, case by case: "case X now grants
//! `email`, before it did not". Cases only in one run, or skipped in either, are not compared
//! beyond being named.

use super::run::{CaseResult, LabRun, Verdict};

/// The differences of `now` from the runs before it (oldest first), one sentence each, and
/// when the latest run compared against was made. Each case is compared with the latest run
/// that ran it (a run of one case leaves the others' last results standing).
pub fn differences(past: &[LabRun], now: &LabRun) -> (Vec<String>, Option<i64>) {
    let mut out = Vec::new();
    let mut compared_with = None;
    if past.is_empty() {
        return (out, None);
    }
    for case in now.cases.iter().filter(|c| c.result != Verdict::Skipped) {
        let last = past.iter().rev().find_map(|run| {
            run.cases
                .iter()
                .find(|c| c.name == case.name && c.result != Verdict::Skipped)
                .map(|c| (run.started_at, c))
        });
        let Some((at, old)) = last else {
            out.push(format!(
                "case {:?} is new since the previous run",
                case.name
            ));
            continue;
        };
        compared_with = compared_with.max(Some(at));
        compare_case(old, case, &mut out);
    }
    (out, compared_with)
}

fn compare_case(old: &CaseResult, new: &CaseResult, out: &mut Vec<String>) {
    let name = &new.name;
    if old.result != new.result {
        out.push(format!(
            "case {name:?} now {}, before it {}",
            verdict_word(new.result),
            verdict_word(old.result)
        ));
    }
    for scope in new.granted.iter().filter(|s| !old.granted.contains(s)) {
        out.push(format!(
            "case {name:?} now grants `{scope}`, before it did not"
        ));
    }
    for scope in old.granted.iter().filter(|s| !new.granted.contains(s)) {
        out.push(format!(
            "case {name:?} no longer grants `{scope}`, before it did"
        ));
    }
    let (old_claims, new_claims): (Vec<_>, Vec<_>) =
        (old.user_claims().collect(), new.user_claims().collect());
    for claim in new_claims.iter().filter(|c| !old_claims.contains(c)) {
        out.push(format!(
            "case {name:?} now releases claim `{claim}`, before it did not"
        ));
    }
    for claim in old_claims.iter().filter(|c| !new_claims.contains(c)) {
        out.push(format!(
            "case {name:?} no longer releases claim `{claim}`, before it did"
        ));
    }
    if old.error != new.error {
        let word = |e: &Option<String>| match e {
            Some(e) => format!("the error `{e}`"),
            None => "no error".to_owned(),
        };
        out.push(format!(
            "case {name:?} now ends with {}, before with {}",
            word(&new.error),
            word(&old.error)
        ));
    }
}

fn verdict_word(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Pass => "passes",
        Verdict::Fail => "fails",
        Verdict::Skipped => "was skipped",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lab::run::tests::result;

    fn run(cases: Vec<CaseResult>) -> LabRun {
        run_at(0, cases)
    }

    fn run_at(started_at: i64, cases: Vec<CaseResult>) -> LabRun {
        LabRun {
            provider: "op".into(),
            started_at,
            finished_at: 0,
            cancelled: false,
            cases,
            differences: vec![],
            compared_with: None,
        }
    }

    #[test]
    fn a_newly_granted_scope_and_claim_are_named() {
        let before = run(vec![result(
            "x",
            &["openid", "email"],
            &["openid"],
            &["sub"],
        )]);
        let mut case = result(
            "x",
            &["openid", "email"],
            &["openid", "email"],
            &["sub", "email"],
        );
        case.result = Verdict::Fail;
        let now = run(vec![case, result("y", &["openid"], &["openid"], &[])]);
        assert_eq!(
            differences(std::slice::from_ref(&before), &now).0,
            [
                "case \"x\" now fails, before it passes",
                "case \"x\" now grants `email`, before it did not",
                "case \"x\" now releases claim `email`, before it did not",
                "case \"y\" is new since the previous run",
            ]
        );
        assert_eq!(
            differences(std::slice::from_ref(&now), &now).0,
            Vec::<String>::new()
        );
        assert_eq!(
            differences(&[], &now),
            (vec![], None),
            "a first run has nothing to compare"
        );
        assert_eq!(
            differences(std::slice::from_ref(&now), &before).0,
            [
                "case \"x\" now passes, before it fails",
                "case \"x\" no longer grants `email`, before it did",
                "case \"x\" no longer releases claim `email`, before it did",
            ]
        );
    }

    #[test]
    fn each_case_is_compared_with_the_last_run_that_ran_it() {
        let full = run_at(
            1,
            vec![
                result("a", &["openid"], &["openid"], &[]),
                result("b", &["email"], &[], &[]),
            ],
        );
        let only_a = run_at(2, vec![result("a", &["openid"], &["openid"], &[])]);
        let now = run_at(
            3,
            vec![
                result("a", &["openid"], &["openid"], &[]),
                result("b", &["email"], &["email"], &[]),
            ],
        );
        let (sentences, at) = differences(&[full, only_a], &now);
        assert_eq!(
            sentences,
            ["case \"b\" now grants `email`, before it did not"]
        );
        assert_eq!(at, Some(2));
    }
}
