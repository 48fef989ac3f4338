//! The fast path's reading of the command line: the four commands a running keeper answers
//! whole (`token`, `headers`, `credential kubectl`, `credential git`), read without building
//! clap's parser (most of the start-up's work). It reads a subset of what clap reads, with the
//! same meaning, from the same table of names: the tests below check every form it accepts
//! against `Cli::try_parse_from`, so a command or flag changed in `args.rs` and not here fails
//! a test, never a user. Anything it does not take whole goes to clap.

use oauth_desk::TokenFormat;

/// One command the fast path reads: its words, the flags it takes (each with one value), and
/// the one word it may end with.
struct Shape {
    words: &'static [&'static str],
    flags: &'static [&'static str],
    trailing: Option<&'static str>,
}

/// The flag every one of them takes, before the command (the CLI's) or after it (the
/// command's own, which wins).
const ENV: &str = "--env";

const SHAPES: [Shape; 4] = [
    Shape {
        words: &["token"],
        flags: &["--format"],
        trailing: None,
    },
    Shape {
        words: &["headers"],
        flags: &["--url", "--method"],
        trailing: None,
    },
    Shape {
        words: &["credential", "kubectl"],
        flags: &[],
        trailing: None,
    },
    Shape {
        words: &["credential", "git"],
        flags: &[],
        trailing: Some("get"),
    },
];

/// What the fast path was asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Ask<'a> {
    Token { format: TokenFormat },
    Headers { url: &'a str, method: &'a str },
    Kubectl,
    Git,
}

/// A command line the fast path takes whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Fast<'a> {
    pub name: &'a str,
    pub ask: Ask<'a>,
    pub env: Option<&'a str>,
}

/// Reads `args` (without the program's name), or `None` for anything the fast path does not
/// take whole: the full path (clap) then reads it, and says what is wrong if anything is.
pub(crate) fn read<'a>(args: &[&'a str]) -> Option<Fast<'a>> {
    let mut rest = args;
    let mut env = None;
    // The CLI's own --env, before the command (once: clap refuses it twice).
    if let Some((value, after)) = flag_value(rest, ENV) {
        env = Some(value);
        rest = after;
    }
    let shape = SHAPES
        .iter()
        .find(|s| rest.len() >= s.words.len() && rest[..s.words.len()] == *s.words)?;
    rest = &rest[shape.words.len()..];
    let mut values: Vec<(&str, &str)> = Vec::new();
    let mut command_env = None;
    let mut positional: Vec<&str> = Vec::new();
    while let Some(word) = rest.first() {
        if let Some((flag, value, after)) = shape
            .flags
            .iter()
            .chain([&ENV])
            .find_map(|flag| flag_value(rest, flag).map(|(v, after)| (*flag, v, after)))
        {
            // Given twice: clap refuses it, and says so.
            if flag == ENV {
                if command_env.replace(value).is_some() {
                    return None;
                }
            } else if values.iter().any(|(f, _)| *f == flag) {
                return None;
            } else {
                values.push((flag, value));
            }
            rest = after;
        } else if word.starts_with('-') {
            return None;
        } else {
            positional.push(word);
            rest = &rest[1..];
        }
    }
    let (name, trailing) = match positional.as_slice() {
        [name] => (*name, None),
        [name, last] => (*name, Some(*last)),
        _ => return None,
    };
    if name.is_empty() || (trailing.is_some() && trailing != shape.trailing) {
        return None;
    }
    let value = |flag: &str| values.iter().find(|(f, _)| *f == flag).map(|(_, v)| *v);
    let ask = match shape.words {
        ["token"] => Ask::Token {
            format: value("--format").unwrap_or("raw").parse().ok()?,
        },
        ["headers"] => Ask::Headers {
            url: value("--url")?,
            method: value("--method").unwrap_or("GET"),
        },
        ["credential", "kubectl"] => Ask::Kubectl,
        _ => Ask::Git,
    };
    Some(Fast {
        name,
        ask,
        env: command_env.or(env),
    })
}

/// `--flag VALUE` or `--flag=VALUE` at the start of `args`: the value and what follows. A
/// value that looks like a flag is clap's to refuse.
fn flag_value<'a, 'b>(args: &'b [&'a str], flag: &str) -> Option<(&'a str, &'b [&'a str])> {
    let first = *args.first()?;
    if first == flag {
        let value = *args.get(1)?;
        (!value.starts_with('-')).then_some((value, &args[2..]))
    } else {
        let value = first.strip_prefix(flag)?.strip_prefix('=')?;
        Some((value, &args[1..]))
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;
    use crate::args::{Cli, Command, CredentialCommand};

    /// What clap reads from the same command line, in the fast path's terms (`None` when it
    /// is not one of the fast path's commands).
    fn as_clap_reads(cli: &Cli) -> Option<Fast<'_>> {
        let (name, ask) = match &cli.command {
            Command::Token { name, format, .. } => (name, Ask::Token { format: *format }),
            Command::Headers {
                name, url, method, ..
            } => (name, Ask::Headers { url, method }),
            Command::Credential(CredentialCommand::Kubectl { name, .. }) => (name, Ask::Kubectl),
            Command::Credential(CredentialCommand::Git { name, action, .. }) if action == "get" => {
                (name, Ask::Git)
            }
            _ => return None,
        };
        Some(Fast {
            name,
            ask,
            env: cli.command.env().or(cli.env.as_deref()),
        })
    }

    /// Every command line the fast path takes, clap takes too, and reads the same way.
    fn agrees(args: &[&str]) {
        let Some(fast) = read(args) else {
            return;
        };
        let line = std::iter::once("oauth-desk").chain(args.iter().copied());
        match Cli::try_parse_from(line) {
            Ok(cli) => assert_eq!(
                Some(fast),
                as_clap_reads(&cli),
                "the fast path reads {args:?} otherwise than clap"
            ),
            Err(e) => panic!("the fast path takes {args:?}, which clap refuses: {e}"),
        }
    }

    /// A flag in each form clap reads, and in those it refuses (a value like a flag, no
    /// value, given twice).
    fn flag_forms(flag: &str) -> Vec<Vec<String>> {
        let value = match flag {
            "--format" => ["json", "nope"],
            "--url" => ["https://api.example/a?b=c", "-u"],
            _ => ["POST", "post"],
        };
        vec![
            vec![flag.to_owned(), value[0].to_owned()],
            vec![format!("{flag}={}", value[0])],
            vec![flag.to_owned(), value[1].to_owned()],
            vec![flag.to_owned()],
            vec![
                flag.to_owned(),
                value[0].to_owned(),
                flag.to_owned(),
                value[0].to_owned(),
            ],
        ]
    }

    /// What may follow a shape's words besides the name: nothing, each flag in each form, both
    /// flags in either order, and what clap refuses or the fast path leaves to it.
    fn options(shape: &Shape) -> Vec<Vec<String>> {
        let mut options: Vec<Vec<String>> = vec![vec![]];
        for flag in shape.flags {
            options.extend(flag_forms(flag));
        }
        if let [a, b] = shape.flags {
            let (a, b) = ((*a).to_owned(), (*b).to_owned());
            let (url, method) = ("https://x.example".to_owned(), "PUT".to_owned());
            options.push(vec![a.clone(), url.clone(), b.clone(), method.clone()]);
            options.push(vec![b, method, a, url]);
        }
        options.extend([vec!["--nope".into()], vec!["-v".into()], vec!["--".into()]]);
        options
    }

    /// Command lines around each shape: the options before and after the name, the
    /// environment before the command and after it.
    fn lines() -> Vec<Vec<String>> {
        let envs: [&[&str]; 6] = [
            &[],
            &["--env", "dev"],
            &["--env=dev"],
            &["--env", "-x"],
            &["--env"],
            &["--env", "dev", "--env", "stage"],
        ];
        let names: [&[&str]; 5] = [
            &["op"],
            &["op@admin"],
            &[""],
            &["op", "get"],
            &["op", "store"],
        ];
        let owned = |words: &[&str]| words.iter().map(|w| (*w).to_owned()).collect::<Vec<_>>();
        let mut lines = Vec::new();
        for shape in &SHAPES {
            for option in options(shape) {
                for before in envs {
                    for after in envs {
                        for name in names {
                            let head = [owned(before), owned(shape.words)].concat();
                            let (name, after) = (owned(name), owned(after));
                            lines.push(
                                [head.clone(), name.clone(), option.clone(), after.clone()]
                                    .concat(),
                            );
                            lines.push([head, option.clone(), after, name].concat());
                        }
                    }
                }
            }
        }
        lines
    }

    #[test]
    fn the_fast_path_reads_only_what_clap_reads_the_same_way() {
        let lines = lines();
        let mut taken = 0;
        for line in &lines {
            let args: Vec<&str> = line.iter().map(String::as_str).collect();
            agrees(&args);
            taken += usize::from(read(&args).is_some());
        }
        // Enough of them to say the fast path is not dead (the canonical lines: next test).
        assert!(
            taken > 300,
            "the fast path takes {taken} of {} lines",
            lines.len()
        );
    }

    #[test]
    fn the_commands_tools_run_take_the_fast_path() {
        fn fast(line: &'static str) -> Option<Fast<'static>> {
            read(&line.split(' ').collect::<Vec<_>>())
        }
        assert_eq!(
            fast("token api --format json --env dev"),
            Some(Fast {
                name: "api",
                ask: Ask::Token {
                    format: TokenFormat::Json
                },
                env: Some("dev"),
            })
        );
        assert_eq!(
            fast("--env stage headers api --method POST --url https://api.example/x")
                .map(|f| f.ask),
            Some(Ask::Headers {
                url: "https://api.example/x",
                method: "POST"
            })
        );
        assert_eq!(
            fast("credential kubectl k8s").map(|f| f.ask),
            Some(Ask::Kubectl)
        );
        assert_eq!(
            fast("credential git repo get").map(|f| f.ask),
            Some(Ask::Git)
        );
        for full in [
            "credential git repo store",
            "credential --env dev kubectl k8s",
            "token api --format nope",
            "token -v api",
            "--project p.toml token api",
            "headers api",
        ] {
            assert_eq!(fast(full), None, "{full} is clap's to read");
        }
    }
}
