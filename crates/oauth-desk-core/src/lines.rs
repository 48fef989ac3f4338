//! Where in a text a byte offset is: the 1-based line, for errors that name the line of a
//! TOML file (a lab plan, a project file).

/// The 1-based line of a byte offset.
pub(crate) fn line_of(text: &str, offset: usize) -> usize {
    let offset = offset.min(text.len());
    text.as_bytes()[..offset]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

#[cfg(test)]
mod tests {
    #[test]
    fn lines_count_from_one() {
        assert_eq!(super::line_of("a\nb\nc", 0), 1);
        assert_eq!(super::line_of("a\nb\nc", 2), 2);
        assert_eq!(
            super::line_of("a\nb\nc", 99),
            3,
            "past the end is the last line"
        );
    }
}
