//! Redaction of secrets in text that leaves the process: error messages and excerpts of
//! unexpected responses ([`redact_text`], aggressive), and flow traces ([`Redactor`], which
//! knows the flow's secrets and keeps the rest readable). Both share the key-based masking.
//!
//! Rules: values of known secret keys in JSON and form bodies are masked; any remaining long
//! token-like run (20+ base64url/JWT characters) is masked too, since unknown servers put
//! tokens under unknown names.

/// Keys whose values are secrets wherever they appear.
const SECRET_KEYS: &[&str] = &[
    "access_token",
    "refresh_token",
    "id_token",
    "code",
    "code_verifier",
    "client_secret",
    "client_assertion",
    "device_code",
    "password",
    "assertion",
    "token",
    "subject_token",
    "actor_token",
    "registration_access_token",
    "initial_access_token",
];

pub const MASK: &str = "[redacted]";

pub fn is_secret_key(key: &str) -> bool {
    SECRET_KEYS.iter().any(|k| k.eq_ignore_ascii_case(key))
}

/// A short, secret-free excerpt of a response body for an error message.
pub fn body_excerpt(body: &[u8], max_chars: usize) -> String {
    let text = String::from_utf8_lossy(body);
    let redacted = redact_text(&text);
    let collapsed: String = redacted.split_whitespace().collect::<Vec<_>>().join(" ");
    if collapsed.chars().count() > max_chars {
        let cut: String = collapsed.chars().take(max_chars).collect();
        format!("{cut}…")
    } else {
        collapsed
    }
}

/// Masks secrets in free text: `"key": "value"` and `key=value` for secret keys, then any
/// token-like run of 20 or more characters.
pub fn redact_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut String| {
        if run.len() >= 20 {
            out.push_str(MASK);
        } else {
            out.push_str(run);
        }
        run.clear();
    };
    for c in mask_secret_values(text).chars() {
        if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '~' | '+' | '/' | '=') {
            run.push(c);
        } else {
            flush(&mut run, &mut out);
            out.push(c);
        }
    }
    flush(&mut run, &mut out);
    out
}

/// Headers whose values are credentials.
pub fn is_secret_header(name: &str) -> bool {
    [
        "authorization",
        "cookie",
        "set-cookie",
        "proxy-authorization",
        "dpop",
    ]
    .iter()
    .any(|h| h.eq_ignore_ascii_case(name))
}

/// The redaction of one flow's trace: values of secret keys are masked, every secret the flow
/// handled is masked wherever it appears (as is, form-encoded, percent-encoded), and so is
/// anything shaped like a JWT. Unlike [`redact_text`] it keeps other long values (client ids,
/// state, URLs) readable, since a trace is for debugging.
#[derive(Clone, Default)]
pub struct Redactor {
    secrets: Vec<zeroize::Zeroizing<String>>,
}

impl std::fmt::Debug for Redactor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Redactor({} secrets)", self.secrets.len())
    }
}

impl Redactor {
    /// Remembers a secret (and its encoded forms: form, percent, JSON-escaped) to mask.
    pub fn add(&mut self, secret: &crate::secret::Secret) {
        let raw = secret.expose();
        if raw.len() < 4 {
            return; // too short to mask without masking ordinary text
        }
        let form: String = url::form_urlencoded::byte_serialize(raw.as_bytes()).collect();
        let percent = form.replace('+', "%20");
        // Inside a JSON body a secret with quotes or backslashes appears escaped.
        let json = serde_json::to_string(raw)
            .map(|j| j[1..j.len() - 1].to_owned())
            .unwrap_or_default();
        for form in [raw.to_owned(), form, percent, json] {
            if !self.secrets.iter().any(|s| **s == form) {
                self.secrets.push(zeroize::Zeroizing::new(form));
            }
        }
        // Longest first, so a secret containing another is masked whole.
        self.secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
    }

    pub fn apply(&self, text: &str) -> String {
        let mut out = mask_secret_values(text);
        for secret in &self.secrets {
            if out.contains(secret.as_str()) {
                out = out.replace(secret.as_str(), MASK);
            }
        }
        mask_jwts(&out)
    }
}

/// Masks `xxx.yyy.zzz` runs whose first part starts like a JWS header (`eyJ`).
fn mask_jwts(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("eyJ") {
        let (before, from) = rest.split_at(i);
        out.push_str(before);
        let len = from
            .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '=')))
            .unwrap_or(from.len());
        if from[..len].matches('.').count() >= 2 {
            out.push_str(MASK);
        } else {
            out.push_str(&from[..len]);
        }
        rest = &from[len..];
    }
    out.push_str(rest);
    out
}

fn mask_secret_values(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < text.len() {
        let Some(value_start) = secret_value_start(text, i) else {
            let ch = text[i..].chars().next().unwrap_or(' ');
            out.push(ch);
            i += ch.len_utf8();
            continue;
        };
        out.push_str(&text[i..value_start]);
        // The value: a quoted JSON string, or a form value up to `&` / whitespace.
        if bytes.get(value_start) == Some(&b'"') {
            let mut j = value_start + 1;
            while j < bytes.len() && bytes[j] != b'"' {
                j += if bytes[j] == b'\\' { 2 } else { 1 };
            }
            out.push('"');
            out.push_str(MASK);
            out.push('"');
            i = (j + 1).min(text.len());
        } else {
            let end = text[value_start..]
                .find(|c: char| c == '&' || c == ',' || c == '}' || c.is_whitespace())
                .map_or(text.len(), |n| value_start + n);
            out.push_str(MASK);
            i = end;
        }
    }
    out
}

/// When a secret key starts at `i` (as `"key":` or `key=`), returns where its value starts.
fn secret_value_start(text: &str, i: usize) -> Option<usize> {
    let rest = &text[i..];
    let prev_is_word = text[..i]
        .chars()
        .next_back()
        .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
    if prev_is_word {
        return None;
    }
    let (quoted, body) = match rest.strip_prefix('"') {
        Some(b) => (true, b),
        None => (false, rest),
    };
    let key_len = body
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(body.len());
    let key = &body[..key_len];
    if key.is_empty() || !is_secret_key(key) {
        return None;
    }
    let mut j = i + usize::from(quoted) + key_len;
    if quoted {
        if text[j..].starts_with('"') {
            j += 1;
        } else {
            return None;
        }
        let after = &text[j..];
        let colon = after.len() - after.trim_start().len();
        if !after.trim_start().starts_with(':') {
            return None;
        }
        j += colon + 1;
        let after = &text[j..];
        j += after.len() - after.trim_start().len();
        Some(j)
    } else if text[j..].starts_with('=') {
        Some(j + 1)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_secret_values_are_masked() {
        let body = r#"{"access_token": "abc", "token_type":"Bearer", "refresh_token":"r\"x"}"#;
        let out = redact_text(body);
        assert!(!out.contains("abc") && !out.contains("r\\\"x"), "{out}");
        assert!(
            out.contains("Bearer"),
            "non-secret values stay readable: {out}"
        );
    }

    #[test]
    fn form_secret_values_are_masked() {
        let out = redact_text("code=xyz&state=ok&client_secret=s3&scope=a");
        assert_eq!(
            out,
            "code=[redacted]&state=ok&client_secret=[redacted]&scope=a"
        );
    }

    #[test]
    fn long_token_like_runs_are_masked() {
        let jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhIn0.c2lnbmF0dXJlc2lnbmF0dXJl";
        let out = redact_text(&format!("<p>unexpected {jwt}</p>"));
        assert!(!out.contains("eyJ"), "{out}");
        assert!(out.contains("unexpected"));
    }

    #[test]
    fn excerpt_is_short_and_single_line() {
        let body = format!("<html>\n<body>{}</body></html>", "word ".repeat(200));
        let out = body_excerpt(body.as_bytes(), 50);
        assert!(out.chars().count() <= 51 && !out.contains('\n'), "{out}");
    }

    #[test]
    fn the_redactor_masks_known_secrets_in_any_encoding() {
        let mut r = Redactor::default();
        r.add(&crate::secret::Secret::new("p a:s/s+w"));
        let text = "Basic-ish p a:s/s+w and p+a%3As%2Fs%2Bw and p%20a%3As%2Fs%2Bw client_id=long-client-id-1234567890";
        let out = r.apply(text);
        assert!(
            !out.contains("p a:s") && !out.contains("p+a%3A") && !out.contains("p%20a"),
            "{out}"
        );
        assert!(
            out.contains("long-client-id-1234567890"),
            "ordinary values stay readable: {out}"
        );
        let jwt = "x eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig y";
        assert_eq!(r.apply(jwt), "x [redacted] y");
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(crate::fuzz_cases(256)))]
        #[test]
        fn no_known_secret_survives_the_redactor(secret in "[ -~]{4,40}", before in "[ -~]{0,30}", after in "[ -~]{0,30}") {
            let mut r = Redactor::default();
            let s = crate::secret::Secret::new(secret.clone());
            r.add(&s);
            let form: String = url::form_urlencoded::byte_serialize(secret.as_bytes()).collect();
            let out = r.apply(&format!("{before}{secret}{after}&x={form}"));
            proptest::prop_assert!(!out.contains(&secret), "raw secret survived: {}", out);
            proptest::prop_assert!(!out.contains(&form), "form-encoded secret survived: {}", out);
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(crate::fuzz_cases(256)))]
        /// The grants beyond sign-in: whatever the value, a subject or actor token, an
        /// assertion or a password in a form body or a JSON body never survives, even when
        /// nothing told the redactor the value.
        #[test]
        fn grant_secrets_are_masked_by_their_names(
            value in "[A-Za-z0-9._~+/=-]{1,60}",
            key in proptest::sample::select(vec!["subject_token", "actor_token", "assertion", "password", "client_assertion"]),
            before in "[a-z_]{1,12}",
        ) {
            let encoded: String = url::form_urlencoded::byte_serialize(value.as_bytes()).collect();
            let form = redact_text(&format!("{before}=1&{key}={encoded}&grant_type=x"));
            proptest::prop_assert!(form.contains(&format!("{key}={MASK}")), "{}", form);
            let json = redact_text(&format!(r#"{{"{before}": 1, "{key}": "{value}"}}"#));
            let parsed: serde_json::Value = serde_json::from_str(&json).unwrap_or_default();
            proptest::prop_assert_eq!(parsed[key].as_str(), Some(MASK), "{}", json);
        }
    }

    #[test]
    fn keys_inside_other_words_are_left_alone() {
        assert_eq!(redact_text("barcode=1"), "barcode=1");
    }
}
