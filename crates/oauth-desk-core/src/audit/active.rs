//! The active probes' verdicts: what the server answered to exchanges a correct client never
//! makes (a code without its verifier, twice, at another redirect URI; a refresh token used
//! again after rotation), and what its authorization responses carried. The sign-ins and
//! exchanges are the desk's (`Desk::audit` with `active`); the judging here is pure.

use super::{Finding, Verdict, finding};

/// What the token endpoint answered to one probing request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// Refused: the OAuth error (or status) it gave.
    Refused(String),
    /// Tokens issued: which (never their values).
    Issued(String),
    /// No answer that says either way (a network failure, a timeout): why.
    Unknown(String),
}

impl Answer {
    fn says(&self) -> String {
        match self {
            Answer::Refused(why) => format!("refused ({why})"),
            Answer::Issued(what) => format!("tokens issued ({what})"),
            Answer::Unknown(why) => format!("no answer ({why})"),
        }
    }
}

/// A probe that could not run, and why (the sign-in it needed failed, the client type makes
/// it meaningless).
pub fn skipped(id: &'static str, title: &'static str, rfc: &'static str, why: &str) -> Finding {
    finding(id, title, rfc, Verdict::Skip, why)
}

pub const PKCE_DOWNGRADE: (&str, &str, &str) = (
    "pkce-downgrade",
    "A code is refused without its PKCE verifier, and with a wrong one",
    "RFC 9700 §2.1.1, RFC 7636 §4.6",
);

/// `without`: the code exchanged with no `code_verifier`; `wrong`: another sign-in's code
/// with a verifier that is not its own.
pub fn pkce_downgrade(without: &Answer, wrong: &Answer) -> Finding {
    let (id, title, rfc) = PKCE_DOWNGRADE;
    let evidence = format!(
        "without code_verifier: {}; with a wrong code_verifier: {}",
        without.says(),
        wrong.says()
    );
    finding(id, title, rfc, refused_both(without, wrong), evidence)
}

fn refused_both(a: &Answer, b: &Answer) -> Verdict {
    match (a, b) {
        (Answer::Issued(_), _) | (_, Answer::Issued(_)) => Verdict::Fail,
        (Answer::Refused(_), Answer::Refused(_)) => Verdict::Pass,
        _ => Verdict::Warn,
    }
}

pub const CODE_REPLAY: (&str, &str, &str) = (
    "code-replay",
    "A code is refused the second time (and what it gave is revoked)",
    "RFC 6749 §4.1.2, §10.5; RFC 9700 §4.2.4",
);

/// `second`: the same code exchanged again after a successful exchange; `first_active`:
/// whether the first exchange's access token was still active afterwards (introspection or
/// userinfo), when that could be seen.
pub fn code_replay(second: &Answer, first_active: Option<bool>) -> Finding {
    let (id, title, rfc) = CODE_REPLAY;
    let afterwards = match first_active {
        Some(true) => "the first exchange's access token is still active (SHOULD be revoked)",
        Some(false) => "the first exchange's access token was revoked",
        None => {
            "whether the first tokens were revoked could not be seen (no introspection endpoint, or it does not answer this client)"
        }
    };
    let verdict = match (second, first_active) {
        (Answer::Issued(_), _) => Verdict::Fail,
        (Answer::Refused(_), Some(true)) | (Answer::Unknown(_), _) => Verdict::Warn,
        (Answer::Refused(_), _) => Verdict::Pass,
    };
    let evidence = format!("second exchange: {}; {afterwards}", second.says());
    finding(id, title, rfc, verdict, evidence)
}

pub const REDIRECT_MISMATCH: (&str, &str, &str) = (
    "redirect-mismatch",
    "A code is refused with another redirect_uri than its authorization request's",
    "RFC 6749 §4.1.3",
);

pub fn redirect_mismatch(sent: &str, answer: &Answer) -> Finding {
    let (id, title, rfc) = REDIRECT_MISMATCH;
    let verdict = match answer {
        Answer::Issued(_) => Verdict::Fail,
        Answer::Refused(_) => Verdict::Pass,
        Answer::Unknown(_) => Verdict::Warn,
    };
    let evidence = format!(
        "redirect_uri={sent} at the token endpoint: {}",
        answer.says()
    );
    finding(id, title, rfc, verdict, evidence)
}

pub const REFRESH_ROTATION: (&str, &str, &str) = (
    "refresh-rotation",
    "A public client's refresh token is rotated (or sender-constrained), the old one refused",
    "RFC 9700 §4.14.2",
);

/// What a public client's refresh showed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rotation {
    /// The refresh gave a new refresh token; the old one, used again, got `reuse`.
    Rotated { reuse: Answer },
    /// The refresh kept the same refresh token (or gave none): bound to a DPoP key or a
    /// certificate (`bound`) or not.
    Kept { bound: bool },
    /// The refresh itself failed.
    RefreshFailed(String),
}

pub fn refresh_rotation(rotation: &Rotation) -> Finding {
    let (id, title, rfc) = REFRESH_ROTATION;
    let (verdict, evidence) = match rotation {
        Rotation::Rotated {
            reuse: Answer::Issued(what),
        } => (
            Verdict::Fail,
            format!("rotated, but the old refresh token still works: tokens issued ({what})"),
        ),
        Rotation::Rotated {
            reuse: Answer::Refused(why),
        } => (
            Verdict::Pass,
            format!("rotated; the old refresh token was refused ({why})"),
        ),
        Rotation::Rotated {
            reuse: Answer::Unknown(why),
        } => (
            Verdict::Warn,
            format!("rotated; no answer to the old refresh token ({why})"),
        ),
        Rotation::Kept { bound: true } => (
            Verdict::Pass,
            "not rotated, but sender-constrained (DPoP or mTLS): a stolen copy is useless".into(),
        ),
        Rotation::Kept { bound: false } => (
            Verdict::Fail,
            "the refresh answered with the same refresh token (or none), and it is not sender-constrained: a stolen copy works until it expires".into(),
        ),
        Rotation::RefreshFailed(why) => (Verdict::Warn, format!("the refresh failed: {why}")),
    };
    finding(id, title, rfc, verdict, evidence)
}

pub const ISS_RESPONSE: (&str, &str, &str) = (
    "iss-response",
    "The authorization response carries the issuer (iss)",
    "RFC 9207 §2",
);

/// `sent`: the `iss` of a real authorization response; `advertised`: the metadata's
/// `authorization_response_iss_parameter_supported`.
pub fn iss_response(sent: Option<&str>, advertised: bool, issuer: &str) -> Finding {
    let (id, title, rfc) = ISS_RESPONSE;
    let (verdict, evidence) = match (sent, advertised) {
        (Some(iss), _) => (
            Verdict::Pass,
            format!("iss={iss}, the issuer {issuer} (compared by the sign-in)"),
        ),
        (None, true) => (
            Verdict::Fail,
            "the metadata advertises authorization_response_iss_parameter_supported, but the response had no iss".into(),
        ),
        (None, false) => (
            Verdict::Warn,
            "no iss in the response (and none advertised): a client talking to several servers has no mix-up defence".into(),
        ),
    };
    finding(id, title, rfc, verdict, evidence)
}

pub const STATE_ECHO: (&str, &str, &str) = (
    "state-echo",
    "The authorization response returns state unchanged",
    "RFC 6749 §4.1.2",
);

/// The sign-ins got their responses, so each `state` came back as sent (a sign-in refuses
/// any other).
pub fn state_echo(sign_ins: usize) -> Finding {
    let (id, title, rfc) = STATE_ECHO;
    finding(
        id,
        title,
        rfc,
        Verdict::Pass,
        format!("{sign_ins} sign-ins, each response's state equal to its request's"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused() -> Answer {
        Answer::Refused("invalid_grant".into())
    }

    fn issued() -> Answer {
        Answer::Issued("access token".into())
    }

    #[test]
    fn pkce_downgrade_fails_when_either_exchange_gets_tokens() {
        assert_eq!(
            pkce_downgrade(&refused(), &refused()).verdict,
            Verdict::Pass
        );
        assert_eq!(pkce_downgrade(&issued(), &refused()).verdict, Verdict::Fail);
        assert_eq!(pkce_downgrade(&refused(), &issued()).verdict, Verdict::Fail);
        let unknown = Answer::Unknown("timed out".into());
        let finding = pkce_downgrade(&refused(), &unknown);
        assert_eq!(finding.verdict, Verdict::Warn);
        assert!(
            finding.evidence.contains("no answer (timed out)"),
            "{}",
            finding.evidence
        );
    }

    #[test]
    fn a_replayed_code_fails_and_unrevoked_first_tokens_warn() {
        assert_eq!(code_replay(&issued(), Some(false)).verdict, Verdict::Fail);
        assert_eq!(code_replay(&refused(), Some(false)).verdict, Verdict::Pass);
        assert_eq!(code_replay(&refused(), None).verdict, Verdict::Pass);
        let warn = code_replay(&refused(), Some(true));
        assert_eq!(warn.verdict, Verdict::Warn);
        assert!(warn.evidence.contains("still active"), "{}", warn.evidence);
    }

    #[test]
    fn another_redirect_uri_must_be_refused() {
        assert_eq!(
            redirect_mismatch("http://127.0.0.1:1/other", &refused()).verdict,
            Verdict::Pass
        );
        let fail = redirect_mismatch("http://127.0.0.1:1/other", &issued());
        assert_eq!(fail.verdict, Verdict::Fail);
        assert!(fail.evidence.contains("/other"), "{}", fail.evidence);
    }

    #[test]
    fn rotation_kept_unbound_fails_bound_passes() {
        assert_eq!(
            refresh_rotation(&Rotation::Rotated { reuse: refused() }).verdict,
            Verdict::Pass
        );
        assert_eq!(
            refresh_rotation(&Rotation::Rotated { reuse: issued() }).verdict,
            Verdict::Fail
        );
        assert_eq!(
            refresh_rotation(&Rotation::Kept { bound: true }).verdict,
            Verdict::Pass
        );
        assert_eq!(
            refresh_rotation(&Rotation::Kept { bound: false }).verdict,
            Verdict::Fail
        );
        assert_eq!(
            refresh_rotation(&Rotation::RefreshFailed("invalid_grant".into())).verdict,
            Verdict::Warn
        );
    }

    #[test]
    fn iss_sent_passes_advertised_but_missing_fails() {
        assert_eq!(
            iss_response(Some("https://as"), false, "https://as").verdict,
            Verdict::Pass
        );
        assert_eq!(
            iss_response(None, true, "https://as").verdict,
            Verdict::Fail
        );
        assert_eq!(
            iss_response(None, false, "https://as").verdict,
            Verdict::Warn
        );
    }
}
