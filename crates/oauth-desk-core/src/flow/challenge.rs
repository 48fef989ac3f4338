//! `WWW-Authenticate` challenges (RFC 9110 §11.6.1): a scheme and its auth-params, several
//! challenges in one header. Read tolerantly: quoted or bare values, any spacing.

/// One challenge: its scheme (`Bearer`, `DPoP`) and parameters (names lower-cased).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Challenge {
    pub scheme: String,
    pub params: Vec<(String, String)>,
}

impl Challenge {
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Every challenge in a `WWW-Authenticate` value.
pub fn parse(header: &str) -> Vec<Challenge> {
    let mut challenges: Vec<Challenge> = Vec::new();
    let mut rest = header.trim();
    while !rest.is_empty() {
        rest = rest.trim_start_matches([',', ' ', '\t']);
        if rest.is_empty() {
            break;
        }
        let token_end = rest
            .find(|c: char| c == '=' || c == ',' || c.is_whitespace())
            .unwrap_or(rest.len());
        let token = &rest[..token_end];
        let after = rest[token_end..].trim_start();
        if after.starts_with('=') && !challenges.is_empty() {
            // name=value of the current challenge.
            let (value, remaining) = read_value(after[1..].trim_start());
            if let Some(current) = challenges.last_mut() {
                current.params.push((token.to_ascii_lowercase(), value));
            }
            rest = remaining;
        } else {
            challenges.push(Challenge {
                scheme: token.to_owned(),
                params: Vec::new(),
            });
            rest = after;
        }
    }
    challenges
}

fn read_value(text: &str) -> (String, &str) {
    if let Some(quoted) = text.strip_prefix('"') {
        let mut value = String::new();
        let mut chars = quoted.char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                '\\' => {
                    if let Some((_, next)) = chars.next() {
                        value.push(next);
                    }
                }
                '"' => return (value, &quoted[i + 1..]),
                _ => value.push(c),
            }
        }
        (value, "")
    } else {
        let end = text.find(',').unwrap_or(text.len());
        (text[..end].trim().to_owned(), &text[end..])
    }
}

/// The `resource_metadata` of a `WWW-Authenticate` challenge (RFC 9728 §5.1), when it is a URL.
pub fn resource_metadata(header: &str) -> Option<url::Url> {
    parse(header)
        .iter()
        .find_map(|c| c.param("resource_metadata").map(str::to_owned))
        .and_then(|u| url::Url::parse(&u).ok())
        .filter(|u| matches!(u.scheme(), "https" | "http"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn challenges_are_read_as_rfc_9110_writes_them() {
        let parsed = parse(
            r#"DPoP algs="ES256 PS256", error="use_dpop_nonce", error_description="Resource server requires nonce in DPoP proof", Bearer realm="api",error=insufficient_scope, scope="read write""#,
        );
        assert_eq!(parsed.len(), 2);
        assert_eq!(parsed[0].scheme, "DPoP");
        assert_eq!(parsed[0].param("algs"), Some("ES256 PS256"));
        assert_eq!(parsed[0].param("error"), Some("use_dpop_nonce"));
        assert_eq!(parsed[1].scheme, "Bearer");
        assert_eq!(parsed[1].param("error"), Some("insufficient_scope"));
        assert_eq!(parsed[1].param("scope"), Some("read write"));
        assert_eq!(parse("Bearer")[0].params, vec![]);
        assert_eq!(
            parse(r#"Bearer error_description="a \"quoted\" word""#)[0].param("error_description"),
            Some(r#"a "quoted" word"#)
        );
        assert!(parse("").is_empty());
    }

    #[test]
    fn a_challenge_names_its_metadata() {
        assert_eq!(
            resource_metadata(
                r#"Bearer error="invalid_token", resource_metadata="https://api.example/.well-known/oauth-protected-resource""#
            )
            .unwrap()
            .as_str(),
            "https://api.example/.well-known/oauth-protected-resource"
        );
        assert_eq!(resource_metadata(r#"Bearer realm="x""#), None);
        assert_eq!(
            resource_metadata(r#"Bearer resource_metadata="file:///etc""#),
            None
        );
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(crate::fuzz_cases(256)))]
        /// Any header reads as challenges whose every parameter is one the header holds.
        #[test]
        fn reading_any_header_never_panics(header in "[ -~]{0,120}") {
            for challenge in parse(&header) {
                for (_, value) in &challenge.params {
                    let plain = value.replace('"', "");
                    let header_plain = header.replace(['"', '\\'], "");
                    proptest::prop_assert!(header_plain.contains(&plain.replace('\\', "")));
                }
            }
        }
    }
}
