//! `{{variables}}` in API clients' settings: Postman's and Bruno's `{{name}}`, Insomnia's
//! `{{ _.name }}` (and `{{name}}`). A value that still names an unknown variable is not
//! guessed at: the setting is reported and left out. Variables may refer to variables, within
//! limits every expansion keeps: at most [`MAX_DEPTH`] deep, no circle, at most [`MAX_OUTPUT`]
//! bytes and [`MAX_SUBSTITUTIONS`] substitutions.

use std::collections::HashMap;

use super::ImportNote;

/// How deep variables may refer to variables.
const MAX_DEPTH: usize = 8;
/// The longest a setting may grow by expansion: 64 KiB (a URL, a scope).
const MAX_OUTPUT: usize = 64 * 1024;
/// How many substitutions one setting may take (empty values doubling would otherwise run
/// for ever without growing the output).
const MAX_SUBSTITUTIONS: usize = 10_000;

/// Why a setting's variables could not be expanded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
enum Problem {
    #[error("unknown variable {0}")]
    Unknown(String),
    #[error("{}", cycle_words(.0))]
    Cycle(Vec<String>),
    #[error("the variable {{{{{0}}}}} refers to variables more than {MAX_DEPTH} deep")]
    TooDeep(String),
    #[error("its variables expand to more than {} KiB", MAX_OUTPUT / 1024)]
    TooLong,
    #[error("its variables take more than {MAX_SUBSTITUTIONS} substitutions")]
    TooMany,
}

/// "`a` refers to itself through `b`", or "`a` refers to itself".
fn cycle_words(chain: &[String]) -> String {
    let first = chain.first().map(String::as_str).unwrap_or_default();
    let through: Vec<&str> = chain
        .iter()
        .skip(1)
        .take(chain.len().saturating_sub(2))
        .map(String::as_str)
        .collect();
    if through.is_empty() {
        format!("the variable {{{{{first}}}}} refers to itself")
    } else {
        format!(
            "the variable {{{{{first}}}}} refers to itself through {}",
            through
                .iter()
                .map(|n| format!("{{{{{n}}}}}"))
                .collect::<Vec<_>>()
                .join(", ")
        )
    }
}

/// One setting's expansion under way: its output, the variables being expanded (innermost
/// last), and the substitutions so far.
#[derive(Default)]
struct Expansion {
    out: String,
    stack: Vec<String>,
    substitutions: usize,
}

impl Expansion {
    fn push(&mut self, text: &str) -> Result<(), Problem> {
        if self.out.len() + text.len() > MAX_OUTPUT {
            return Err(Problem::TooLong);
        }
        self.out.push_str(text);
        Ok(())
    }
}

#[derive(Debug, Clone, Default)]
pub struct Vars(HashMap<String, String>);

impl Vars {
    pub fn new() -> Vars {
        Vars::default()
    }

    /// Adds `name = value`; an earlier definition wins (pass the most specific first).
    pub fn define(&mut self, name: &str, value: &str) {
        self.0
            .entry(name.trim().to_owned())
            .or_insert_with(|| value.to_owned());
    }

    /// `text` with every variable replaced, or `None` (and a note saying why) when one is
    /// unknown, refers to itself, nests too deep, or the result grows too large. A collection
    /// from elsewhere is input like any other: its variables may be circular (`a = {{b}}`,
    /// `b = {{a}}`) or double at each level (`v2 = {{v1}}{{v1}}`); both end with a note.
    pub fn resolve(
        &self,
        text: &str,
        source: &str,
        setting: &str,
        notes: &mut Vec<ImportNote>,
    ) -> Option<String> {
        let mut expansion = Expansion::default();
        match self.expand(text, &mut expansion) {
            Ok(()) => Some(expansion.out),
            Err(Problem::Unknown(name)) => self.unresolved(&name, source, setting, notes),
            Err(problem) => {
                notes.push(ImportNote {
                    source: source.to_owned(),
                    setting: setting.to_owned(),
                    reason: problem.to_string(),
                });
                None
            }
        }
    }

    /// Appends `text` expanded to `e.out`, within the limits.
    fn expand(&self, text: &str, e: &mut Expansion) -> Result<(), Problem> {
        let mut rest = text;
        while let Some(start) = rest.find("{{") {
            e.push(&rest[..start])?;
            let Some(end) = rest[start..].find("}}") else {
                return e.push(&rest[start..]);
            };
            let inner = rest[start + 2..start + end].trim();
            let name = inner.strip_prefix("_.").unwrap_or(inner).trim();
            let value = self
                .0
                .get(name)
                .ok_or_else(|| Problem::Unknown(name.to_owned()))?;
            if let Some(at) = e.stack.iter().position(|n| n == name) {
                let mut chain = e.stack[at..].to_vec();
                chain.push(name.to_owned());
                return Err(Problem::Cycle(chain));
            }
            if e.stack.len() >= MAX_DEPTH {
                return Err(Problem::TooDeep(e.stack[0].clone()));
            }
            e.substitutions += 1;
            if e.substitutions > MAX_SUBSTITUTIONS {
                return Err(Problem::TooMany);
            }
            e.stack.push(name.to_owned());
            self.expand(value, e)?;
            e.stack.pop();
            rest = &rest[start + end + 2..];
        }
        e.push(rest)
    }

    fn unresolved(
        &self,
        name: &str,
        source: &str,
        setting: &str,
        notes: &mut Vec<ImportNote>,
    ) -> Option<String> {
        notes.push(ImportNote {
            source: source.to_owned(),
            setting: setting.to_owned(),
            reason: format!(
                "the variable {{{{{name}}}}} has no value (give the tool's environment file)"
            ),
        });
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> Vars {
        let mut v = Vars::new();
        for (k, val) in pairs {
            v.define(k, val);
        }
        v
    }

    fn resolve(v: &Vars, text: &str) -> (Option<String>, Vec<String>) {
        let mut notes = Vec::new();
        let out = v.resolve(text, "col", "token URL", &mut notes);
        (out, notes.into_iter().map(|n| n.reason).collect())
    }

    #[test]
    fn nested_variables_resolve() {
        let v = vars(&[
            ("host", "{{scheme}}://as.example"),
            ("scheme", "https"),
            ("path", "/token"),
        ]);
        assert_eq!(
            resolve(&v, "{{host}}{{ _.path }}").0.as_deref(),
            Some("https://as.example/token")
        );
        let (out, notes) = resolve(&v, "{{nope}}/x");
        assert_eq!(out, None);
        assert!(notes[0].contains("{{nope}} has no value"), "{notes:?}");
    }

    #[test]
    fn circles_are_named() {
        let v = vars(&[
            ("a", "{{b}}"),
            ("b", "{{c}}"),
            ("c", "{{a}}"),
            ("me", "x{{me}}"),
        ]);
        let (out, notes) = resolve(&v, "{{a}}");
        assert_eq!(out, None);
        assert_eq!(
            notes,
            ["the variable {{a}} refers to itself through {{b}}, {{c}}"]
        );
        let (_, notes) = resolve(&v, "{{me}}");
        assert_eq!(notes, ["the variable {{me}} refers to itself"]);
    }

    #[test]
    fn doubling_values_are_stopped_quickly() {
        let mut pairs = vec![("v1".to_owned(), "xxxxxxxx".to_owned())];
        let mut empty = vec![("e1".to_owned(), String::new())];
        for i in 2..=40 {
            pairs.push((
                format!("v{i}"),
                format!("{{{{v{}}}}}{{{{v{}}}}}", i - 1, i - 1),
            ));
            empty.push((
                format!("e{i}"),
                format!("{{{{e{}}}}}{{{{e{}}}}}", i - 1, i - 1),
            ));
        }
        let mut v = Vars::new();
        for (k, val) in pairs.iter().chain(&empty) {
            v.define(k, val);
        }
        let (out, notes) = resolve(&v, "{{v40}}");
        assert_eq!(out, None);
        assert!(
            notes[0].contains("more than 8 deep") || notes[0].contains("KiB"),
            "{notes:?}"
        );
        assert_eq!(
            resolve(&v, "{{v8}}").0.map(|s| s.len()),
            Some(1024),
            "8 levels of doubling is 1 KiB: fine"
        );
        let (out, notes) = resolve(&v, "{{v9}}");
        assert_eq!(out, None, "9 levels deep is not");
        assert!(notes[0].contains("deep"), "{notes:?}");
        let (out, _) = resolve(&v, "{{e9}}");
        assert_eq!(out, None);
        // Wide instead of deep: 200 × 200 empty substitutions.
        let wide = vars(&[
            ("a", &"{{b}}".repeat(200)),
            ("b", &"{{c}}".repeat(200)),
            ("c", ""),
        ]);
        let (out, notes) = resolve(&wide, "{{a}}");
        assert_eq!(out, None);
        assert!(notes[0].contains("substitutions"), "{notes:?}");
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(crate::fuzz_cases(2000)))]
        /// Any variables (circular, doubling, malformed braces) resolve or are refused with a
        /// note, never a panic, and never past the output cap.
        #[test]
        fn resolving_is_bounded(
            defs in proptest::collection::vec(("[a-d]", "[a-d{} ]{0,24}"), 0..8),
            text in "[a-d{} ._]{0,40}",
        ) {
            let mut v = Vars::new();
            for (k, val) in &defs {
                v.define(k, val);
            }
            let mut notes = Vec::new();
            match v.resolve(&text, "s", "setting", &mut notes) {
                Some(out) => proptest::prop_assert!(out.len() <= MAX_OUTPUT),
                None => proptest::prop_assert_eq!(notes.len(), 1),
            }
        }
    }
}
