//! `lab`: runs a consent test plan through the engine and prints a line per case as it ends,
//! then what changed since the previous run; `--json` and `--junit` as the contract says.

use oauth_desk::lab::{LabFormat, LabRun};
use oauth_desk::{Desk, LabRequest};

use super::{Failure, at, failure};
use crate::args::LabArgs;
use crate::host::Terminal;
use crate::render;

pub async fn run(desk: &Desk, args: LabArgs) -> Result<(), Failure> {
    let reference = at(desk, args.name.as_deref().unwrap_or_default())?;
    let plan = match &args.plan {
        Some(path) => Some(std::fs::read_to_string(path).map_err(|e| {
            failure(format!(
                "could not read the test plan {}: {e}",
                path.display()
            ))
        })?),
        None => None,
    };
    let request = LabRequest {
        plan,
        only: args.case.clone(),
        keep_tokens: args.keep_tokens,
        save_plan: args.save_plan,
    };
    let host = Terminal {
        no_browser: args.no_browser,
        stdout_for_results: true,
        results_as_json: args.json,
    };
    let running = desk.run_lab(&reference, request, &host);
    tokio::pin!(running);
    // Ctrl-C ends the case in progress and skips the rest; the run is still reported and kept.
    let run = tokio::select! {
        run = &mut running => run,
        _ = tokio::signal::ctrl_c() => {
            desk.cancel_sign_in(&reference);
            eprintln!("\nCancelling the lab run…");
            running.await
        }
    }?;
    // The results first: a report file that can't be written must not hide them.
    report(&run, &args);
    if let Some(path) = &args.junit {
        std::fs::write(path, run.export(LabFormat::Junit)).map_err(|e| {
            failure(format!(
                "could not write the JUnit report {}: {e} (the run itself is kept)",
                path.display()
            ))
        })?;
    }
    if run.passed() {
        Ok(())
    } else {
        Err(Failure {
            code: 1,
            message: render::lab_verdict(&run),
        })
    }
}

fn report(run: &LabRun, args: &LabArgs) {
    if args.json {
        crate::render::out(&run.export(LabFormat::Json));
        eprint!("{}", render::lab_summary(run));
    } else {
        crate::render::out(&render::lab_summary(run));
    }
}
