//! `{{variables}}` in API clients' settings: Postman's and Bruno's `{{name}}`, Insomnia's
//! `{{ _.name }}` (and `{{name}}`). A value that still names an unknown variable is not
//! guessed at: the setting is reported and left out.

use std::collections::HashMap;

use super::ImportNote;

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

    /// `text` with every variable replaced, or `None` (and a note) when one is unknown.
    pub fn resolve(
        &self,
        text: &str,
        source: &str,
        setting: &str,
        notes: &mut Vec<ImportNote>,
    ) -> Option<String> {
        let mut out = String::new();
        let mut rest = text;
        while let Some(start) = rest.find("{{") {
            out.push_str(&rest[..start]);
            let Some(end) = rest[start..].find("}}") else {
                out.push_str(&rest[start..]);
                rest = "";
                break;
            };
            let inner = rest[start + 2..start + end].trim();
            let name = inner.strip_prefix("_.").unwrap_or(inner).trim();
            // Values may refer to other variables; a bounded depth stops cycles.
            match self.0.get(name) {
                Some(value) if !value.contains("{{") => out.push_str(value),
                Some(value) => {
                    let nested = self.resolve(value, source, setting, &mut Vec::new());
                    match nested {
                        Some(v) if !v.contains("{{") => out.push_str(&v),
                        _ => return self.unresolved(name, source, setting, notes),
                    }
                }
                None => return self.unresolved(name, source, setting, notes),
            }
            rest = &rest[start + end + 2..];
        }
        out.push_str(rest);
        Some(out)
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
                "the variable {{{{{name}}}}} has no value (give the environment file with --env)"
            ),
        });
        None
    }
}
