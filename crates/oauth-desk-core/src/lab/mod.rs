//! The consent lab's rules, apart from running: reading a plan ([`plan`]), judging a case
//! ([`judge`]), a run's results and matrix ([`run`]), what changed since the previous run
//! ([`compare`]), the export formats ([`export`]) and the kept runs ([`history`]). The Desk
//! runs the cases (`desk/lab.rs`).

pub mod compare;
pub mod export;
pub mod history;
pub mod judge;
pub mod plan;
pub mod run;

pub use export::LabFormat;
pub use plan::{Case, CaseGrant, ChecksMode, EXAMPLE_PLAN, Plan};
pub use run::{CaseResult, Disposal, LabRun, Matrix, MatrixRow, ScopeCell, Verdict};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LabError {
    /// The plan can't be run; `line` is 1-based.
    #[error("{}", plan_message(*.line, .message))]
    Plan {
        line: Option<usize>,
        message: String,
    },
    #[error("the plan has no case named {0:?}")]
    UnknownCase(String),
    #[error("{0} keeps no consent test plan")]
    NoPlan(String),
    #[error("no kept lab run started at {0}")]
    UnknownRun(i64),
    #[error("the tokens of case {0:?} were not kept (run the case again keeping its tokens)")]
    NotKept(String),
}

fn plan_message(line: Option<usize>, message: &str) -> String {
    match line {
        Some(line) => format!("the test plan is not valid: line {line}: {message}"),
        None => format!("the test plan is not valid: {message}"),
    }
}
