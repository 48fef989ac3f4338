//! What the terminal does for the engine's sign-ins: open the browser (or print the URL), read
//! a pasted redirect from stdin, show a device code and the polling.

use std::io::IsTerminal;

use oauth_desk::lab::{Case, CaseResult};
use oauth_desk::{Capture, DeviceCode, DeviceHost, LabHost, PollEvent, SignInHost, SignInPage};

use crate::render;

#[derive(Default)]
pub struct Terminal {
    /// Print URLs instead of opening a browser.
    pub no_browser: bool,
    /// Stdout carries the command's results (a lab run): URLs and codes go to stderr.
    pub stdout_for_results: bool,
    /// The results are JSON on stdout: the lines per case go to stderr.
    pub results_as_json: bool,
}

impl Terminal {
    fn interactive() -> bool {
        std::io::stderr().is_terminal()
    }

    /// A URL or code a script may pick up: on stdout, unless stdout is for results.
    fn hand_out(&self, text: &str) {
        if self.stdout_for_results {
            eprintln!("{text}");
        } else {
            println!("{text}");
        }
    }
}

impl SignInHost for Terminal {
    fn open(&self, page: &SignInPage) -> Result<(), String> {
        let name = &page.provider;
        let to = if page.sign_out {
            "sign out of"
        } else {
            "sign in to"
        };
        if self.no_browser {
            eprintln!("Open this URL in a browser to {to} {name}:");
            self.hand_out(page.url.as_str());
            if let Some(secs) = page.expires_in {
                eprintln!("(It names a pushed request: open it within {secs} s, once.)");
            }
        } else if let Err(e) = oauth_desk::open_in_browser(page.url.as_str()) {
            eprintln!("{e}. Open this URL in a browser instead:");
            self.hand_out(page.url.as_str());
        } else {
            eprintln!("Opened the browser to {to} {name}.");
        }
        match page.capture {
            Capture::Loopback if page.sign_out => eprintln!(
                "Waiting for {name} to send the browser back to {} (up to {} s; Ctrl-C to cancel)...",
                page.redirect_uri,
                page.timeout.as_secs()
            ),
            Capture::Loopback => eprintln!(
                "Waiting for the sign-in response on {} (up to {} s; Ctrl-C to cancel)...",
                page.redirect_uri,
                page.timeout.as_secs()
            ),
            Capture::Redirect => eprintln!(
                "After you sign in, the browser goes to {} (the page may not load).\n\
                 Copy the full address from the address bar and paste it here, then press Enter:",
                page.redirect_uri
            ),
        }
        Ok(())
    }

    fn note(&self, text: &str) {
        eprintln!("{text}");
    }

    async fn pasted_redirect(&self) -> Option<String> {
        tokio::task::spawn_blocking(|| read_line().ok())
            .await
            .ok()
            .flatten()
    }
}

impl DeviceHost for Terminal {
    fn show_code(&self, code: &DeviceCode) {
        eprintln!(
            "To sign in to {}, open {} and enter the code:",
            code.provider, code.verification_uri
        );
        eprintln!();
        eprintln!("    {}", code.user_code);
        eprintln!();
        // The code on stdout too, alone on its line, for scripts.
        self.hand_out(&code.user_code);
        if !self.no_browser
            && let Err(e) = oauth_desk::open_in_browser(&code.open_uri)
        {
            eprintln!("{e}");
        }
    }

    fn progress(&self, event: PollEvent) {
        render::poll_event(event, Self::interactive());
    }
}

impl LabHost for Terminal {
    fn case_started(&self, case: &Case, index: usize, total: usize) {
        eprintln!("{}", render::lab_case_started(case, index, total));
    }

    fn case_finished(&self, result: &CaseResult) {
        let line = render::lab_case(result);
        if self.results_as_json {
            eprint!("{line}");
        } else {
            print!("{line}");
        }
    }
}

/// Reads one line from stdin (the pasted redirect URL, a token), trimmed. EOF or a blank line
/// is an error.
pub fn read_line() -> Result<String, String> {
    let mut line = String::new();
    let n = std::io::BufRead::read_line(&mut std::io::stdin().lock(), &mut line)
        .map_err(|e| format!("could not read stdin: {e}"))?;
    if n == 0 || line.trim().is_empty() {
        return Err("nothing was read from stdin".to_owned());
    }
    Ok(line.trim().to_owned())
}
