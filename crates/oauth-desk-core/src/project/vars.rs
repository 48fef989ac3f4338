//! `${VAR}` in a project file's values, from the chosen environment's table. One pass, no
//! recursion: a variable's value is used as written (a `${` inside one is refused), so there
//! is no cycle to detect and the output is at most the input times the longest value.
//! `$$` writes a `$`; a `$` before anything else is itself.

use std::collections::BTreeMap;

/// Why a value could not be expanded (the caller adds the line).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VarError {
    /// `${` without its `}`.
    Unterminated,
    /// `${}` or a name that is not a variable name.
    BadName(String),
    /// The variable is not defined in the chosen environment.
    Undefined(String),
}

/// An environment's variables.
pub type Vars = BTreeMap<String, String>;

/// `value` with every `${NAME}` replaced by `vars[NAME]`.
pub fn expand(value: &str, vars: &Vars) -> Result<String, VarError> {
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        if let Some(tail) = after.strip_prefix('$') {
            out.push('$');
            rest = tail;
        } else if let Some(tail) = after.strip_prefix('{') {
            let end = tail.find('}').ok_or(VarError::Unterminated)?;
            let name = &tail[..end];
            if !is_var_name(name) {
                return Err(VarError::BadName(name.to_owned()));
            }
            out.push_str(
                vars.get(name)
                    .ok_or_else(|| VarError::Undefined(name.to_owned()))?,
            );
            rest = &tail[end + 1..];
        } else {
            out.push('$');
            rest = after;
        }
    }
    out.push_str(rest);
    Ok(out)
}

/// Letters, digits, `_`, `-`, `.`: what an `[env.X]` key may be.
pub fn is_var_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars() -> Vars {
        [("issuer", "http://127.0.0.1:9100"), ("tenant", "t1")]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect()
    }

    #[test]
    fn variables_expand_once() {
        assert_eq!(
            expand("${issuer}", &vars()).unwrap(),
            "http://127.0.0.1:9100"
        );
        assert_eq!(
            expand("https://${tenant}.example/${tenant}", &vars()).unwrap(),
            "https://t1.example/t1"
        );
        assert_eq!(
            expand("cost $5 and $${x}", &vars()).unwrap(),
            "cost $5 and ${x}"
        );
        assert_eq!(expand("plain", &vars()).unwrap(), "plain");
    }

    #[test]
    fn unknown_and_malformed_variables_are_errors() {
        assert_eq!(
            expand("${nope}", &vars()),
            Err(VarError::Undefined("nope".into()))
        );
        assert_eq!(expand("${issuer", &vars()), Err(VarError::Unterminated));
        assert_eq!(
            expand("${}", &vars()),
            Err(VarError::BadName(String::new()))
        );
        assert_eq!(
            expand("${a b}", &vars()),
            Err(VarError::BadName("a b".into()))
        );
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(crate::fuzz_cases(2000)))]
        /// Any value expands or is refused, never panics, and its output is bounded by the input
        /// times the longest variable (no recursion, so no blow-up).
        #[test]
        fn expansion_is_bounded(value in "[ -~]{0,200}", v1 in "[ -~]{0,50}", v2 in "[ -~]{0,50}") {
            let vars: Vars = [("a".to_owned(), v1.clone()), ("issuer".to_owned(), v2.clone())].into_iter().collect();
            if let Ok(out) = expand(&value, &vars) {
                let longest = v1.len().max(v2.len()).max(1);
                proptest::prop_assert!(out.len() <= value.len() * longest);
            }
        }
    }
}
