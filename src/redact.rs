//! Redaction of secrets in text that leaves the process (error messages, excerpts of unexpected
//! responses, later traces). One function, tested, used everywhere.
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
    fn keys_inside_other_words_are_left_alone() {
        assert_eq!(redact_text("barcode=1"), "barcode=1");
    }
}
