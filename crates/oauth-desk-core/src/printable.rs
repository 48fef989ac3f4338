//! Text from elsewhere — a server's `error_description`, a claim, a response body, a file — made
//! safe to show: control characters (C0, DEL, C1 such as the 8-bit CSI), and the invisible
//! Unicode that reorders or hides text (bidirectional overrides and isolates, zero-width
//! characters, the soft hyphen, the Mongolian vowel separator, the invisible operators from the
//! word joiner to the invisible plus, and the tag characters that can spell a hidden ASCII
//! message), written as visible escapes. A terminal then can't be made to clear the screen,
//! write the clipboard (OSC 52), recolour or retitle itself, and a window can't be shown text
//! that reads differently from what it is.

use std::borrow::Cow;

/// Whether `c` must not reach a terminal or a window as it is.
fn hostile(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{200B}'..='\u{200F}'   // zero-width space/joiners, LRM, RLM
            | '\u{202A}'..='\u{202E}' // bidi embeddings and overrides
            | '\u{2066}'..='\u{2069}' // bidi isolates
            | '\u{061C}'              // Arabic letter mark
            | '\u{FEFF}'              // zero-width no-break space
            | '\u{00AD}'              // soft hyphen
            | '\u{180E}'              // Mongolian vowel separator
            | '\u{2060}'..='\u{2064}' // word joiner, invisible times, separator, plus
            | '\u{E0000}'..='\u{E007F}' // tag characters (hidden ASCII)
        )
}

fn escape(text: &str, keep: impl Fn(char) -> bool) -> Cow<'_, str> {
    if !text.chars().any(|c| hostile(c) && !keep(c)) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            c if !hostile(c) || keep(c) => out.push(c),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
        }
    }
    Cow::Owned(out)
}

/// One line of text: every control character escaped, line breaks included (a message that
/// could otherwise forge lines of its own).
pub fn printable(text: &str) -> Cow<'_, str> {
    escape(text, |_| false)
}

/// Text of several lines (a response body): line breaks and tabs kept, the rest escaped.
pub fn printable_text(text: &str) -> Cow<'_, str> {
    escape(text, |c| c == '\n' || c == '\t')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_reach_no_terminal() {
        let osc52 = "bad\u{1b}]52;c;aGVsbG8=\u{7}\u{1b}[2J\u{1b}[31mred\u{9b}31m";
        let shown = printable(osc52);
        assert_eq!(
            shown,
            "bad\\u{1b}]52;c;aGVsbG8=\\u{7}\\u{1b}[2J\\u{1b}[31mred\\u{9b}31m"
        );
        assert!(!shown.chars().any(char::is_control));
        assert_eq!(
            printable("two\nlines"),
            "two\\nlines",
            "a message can't forge a line"
        );
        assert_eq!(printable_text("two\nlines\t!"), "two\nlines\t!");
        assert_eq!(printable("evil\u{202E}txt.exe"), "evil\\u{202e}txt.exe");
        assert!(matches!(printable("plain, café"), Cow::Borrowed(_)));
    }

    #[test]
    fn invisible_format_characters_are_shown() {
        for (c, shown) in [
            ('\u{AD}', "\\u{ad}"),
            ('\u{180E}', "\\u{180e}"),
            ('\u{2060}', "\\u{2060}"),
            ('\u{2064}', "\\u{2064}"),
            ('\u{E0000}', "\\u{e0000}"),
            ('\u{E007F}', "\\u{e007f}"),
        ] {
            assert_eq!(
                printable(&format!("a{c}b")),
                format!("a{shown}b"),
                "U+{:04X} is invisible: it must be seen",
                c as u32
            );
        }
        // "hi" in tag characters after a visible word: a message a person can't see but a
        // model reading the text can.
        let hidden = "ok\u{E0001}\u{E0068}\u{E0069}\u{E007F}";
        assert_eq!(
            printable_text(hidden),
            "ok\\u{e0001}\\u{e0068}\\u{e0069}\\u{e007f}"
        );
        // Their neighbours are left as they are.
        for kept in [
            "\u{AC}",
            "\u{AE}",
            "\u{205F}",
            "\u{2065}",
            "\u{E0080}",
            "\u{1800}",
        ] {
            assert!(
                matches!(printable(kept), Cow::Borrowed(_)),
                "{kept:?} is not one of them"
            );
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(crate::fuzz_cases(2000)))]
        #[test]
        fn nothing_hostile_survives(text in "\\PC*|[\\x00-\\x1f\\x7f-\\u{ad}\\u{180e}\\u{202a}-\\u{202e}\\u{2060}-\\u{2064}\\u{e0000}-\\u{e007f}a ]{0,40}") {
            proptest::prop_assert!(!printable(&text).chars().any(hostile));
            proptest::prop_assert!(!printable_text(&text).chars().any(|c| hostile(c) && c != '\n' && c != '\t'));
        }
    }
}
