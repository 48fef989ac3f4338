//! What the compiler cannot keep of the architecture, checked by reading the sources
//! (docs/architecture.md explains it). The walls themselves are crates now: a front end
//! naming a mechanic (`oauth_desk::flow`, `oauth_desk::http`…) fails to compile, and the core
//! crate cannot reach up into the desk, which it does not depend on. Left here: front ends never
//! re-arm the keeper or announce changes by hand; the engine's modules import one another
//! without a circle; and no engine message names a CLI flag (the remedy is each front end's to
//! word). Function length is clippy's (`too_many_lines` at 80, `[workspace.lints]`).

use std::path::{Path, PathBuf};

use crate::harness::repo;

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

fn front_end_files() -> Vec<(PathBuf, String)> {
    [
        repo().join("crates/oauth-desk-cli/src"),
        repo().join("src-tauri/src"),
    ]
    .iter()
    .flat_map(|dir| rust_files(dir))
    .map(|p| {
        let text = std::fs::read_to_string(&p).unwrap();
        (p, text)
    })
    .collect()
}

/// The code of a file without its comments (a comment may mention anything).
fn code_of(text: &str) -> String {
    text.lines()
        .map(|l| match l.find("//") {
            Some(i) if !l[..i].contains('"') => &l[..i],
            _ => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn front_ends_announce_no_change_by_hand() {
    let mut offences = Vec::new();
    for (path, text) in front_end_files() {
        let code = code_of(&text);
        for manual in [".rearm(", "changed(&app", "Request::Rearm"] {
            if code.contains(manual) {
                offences.push(format!(
                    "{} announces a change by hand (`{manual}`): the engine publishes its changes",
                    path.display()
                ));
            }
        }
    }
    assert!(
        offences.is_empty(),
        "front ends call the Desk and show what it returns:\n{}",
        offences.join("\n")
    );
}

/// The engine's roots: the core crate's sources and the desk's.
fn engine_roots() -> [PathBuf; 2] {
    [
        repo().join("crates/oauth-desk-core/src"),
        repo().join("src"),
    ]
}

/// The engine's own code: every `.rs` of the core crate and the desk (not the CLI), without
/// its unit tests.
fn engine_files() -> Vec<(PathBuf, String)> {
    engine_roots()
        .iter()
        .flat_map(|root| rust_files(root))
        .filter(|p| {
            !p.starts_with(repo().join("crates/oauth-desk-cli/src")) && !p.ends_with("tests.rs")
        })
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            let code = match text.find("#[cfg(test)]\nmod tests") {
                Some(i) => text[..i].to_owned(),
                None => text,
            };
            (p, code)
        })
        .collect()
}

/// The top-level engine module a file belongs to (`flow` for `…/src/flow/par.rs`).
fn module_of(path: &Path) -> String {
    let rel = engine_roots()
        .iter()
        .find_map(|root| path.strip_prefix(root).ok())
        .unwrap();
    let first = rel
        .components()
        .next()
        .unwrap()
        .as_os_str()
        .to_string_lossy();
    first.trim_end_matches(".rs").to_owned()
}

/// Module → the top-level modules it names with `crate::`.
fn module_graph() -> std::collections::BTreeMap<String, std::collections::BTreeSet<String>> {
    let mut graph: std::collections::BTreeMap<String, std::collections::BTreeSet<String>> =
        Default::default();
    for (path, text) in engine_files() {
        let from = module_of(&path);
        if from == "lib" {
            continue;
        }
        let code = code_of(&text);
        let edges = graph.entry(from.clone()).or_default();
        for (i, _) in code.match_indices("crate::") {
            let name: String = code[i + 7..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() && name != from && name.chars().next().unwrap().is_lowercase() {
                edges.insert(name);
            }
        }
    }
    graph
}

/// A circle of modules in `graph`, if there is one.
fn find_cycle(
    graph: &std::collections::BTreeMap<String, std::collections::BTreeSet<String>>,
) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &std::collections::BTreeMap<String, std::collections::BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut std::collections::BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|n| n == node) {
            let mut cycle = path[at..].to_vec();
            cycle.push(node.to_owned());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_owned());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, graph, path, done) {
                return Some(cycle);
            }
        }
        path.pop();
        done.insert(node.to_owned());
        None
    }
    let mut done = Default::default();
    graph
        .keys()
        .find_map(|n| visit(n, graph, &mut Vec::new(), &mut done))
}

#[test]
fn engine_modules_import_one_another_without_a_circle() {
    let graph = module_graph();
    assert!(
        graph.contains_key("desk") && graph.contains_key("flow"),
        "{graph:?}"
    );
    assert_eq!(
        find_cycle(&graph),
        None,
        "the engine's modules form layers: a circle means two of them can't be understood apart"
    );
}

#[test]
fn the_cycle_check_can_fail() {
    let mut graph = module_graph();
    graph
        .entry("token".into())
        .or_default()
        .insert("desk".into());
    assert!(find_cycle(&graph).is_some());
}

#[test]
fn engine_messages_name_no_cli_flag() {
    let mut offences = Vec::new();
    for (path, text) in engine_files() {
        for line in code_of(&text).lines() {
            // A string literal with a `--flag` in it.
            for literal in line.split('"').skip(1).step_by(2) {
                let flagged = literal.match_indices("--").any(|(i, _)| {
                    literal[i + 2..].starts_with(|c: char| c.is_ascii_lowercase())
                        && (i == 0 || !literal.as_bytes()[i - 1].is_ascii_alphanumeric())
                });
                if flagged {
                    offences.push(format!("{}: {literal}", path.display()));
                }
            }
        }
    }
    assert!(
        offences.is_empty(),
        "the engine words what went wrong; the CLI's flags are the CLI's words (words.rs): {offences:#?}"
    );
}

/// The `Desk`'s public methods: `pub fn` / `pub async fn` inside `impl Desk` blocks.
fn public_desk_methods() -> std::collections::BTreeSet<String> {
    let mut methods = std::collections::BTreeSet::new();
    for path in rust_files(&repo().join("src/desk")) {
        let text = std::fs::read_to_string(&path).unwrap();
        let mut in_desk = false;
        for line in text.lines() {
            if line.starts_with("impl") {
                in_desk = line.starts_with("impl Desk {");
            }
            let Some(rest) = line
                .strip_prefix("    pub fn ")
                .or_else(|| line.strip_prefix("    pub async fn "))
            else {
                continue;
            };
            if in_desk {
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                methods.insert(name);
            }
        }
    }
    methods
}

#[test]
fn every_public_desk_method_is_in_the_architecture_page() {
    let page = std::fs::read_to_string(repo().join("docs/architecture.md")).unwrap();
    let methods = public_desk_methods();
    assert!(methods.len() > 40, "the scan finds the door: {methods:?}");
    let missing: Vec<&String> = methods
        .iter()
        .filter(|m| !page.contains(&format!("`{m}(")) && !page.contains(&format!("`{m}`")))
        .collect();
    assert!(
        missing.is_empty(),
        "docs/architecture.md draws the door: name each public Desk method there (as `name(…)` or `name`): {missing:?}"
    );
}

/// The relative links of the README and the book (`docs/`), and the file each should reach.
fn book_links() -> Vec<(PathBuf, String)> {
    let mut pages = vec![repo().join("README.md")];
    for entry in std::fs::read_dir(repo().join("docs")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "md") {
            pages.push(path);
        }
    }
    let mut links = Vec::new();
    for page in pages {
        let text = std::fs::read_to_string(&page).unwrap();
        for (i, _) in text.match_indices("](") {
            let target: String = text[i + 2..]
                .chars()
                .take_while(|c| *c != ')' && !c.is_whitespace())
                .collect();
            let local = !target.starts_with("http://")
                && !target.starts_with("https://")
                && !target.starts_with('#');
            if local {
                links.push((page.clone(), target));
            }
        }
    }
    links
}

#[test]
fn every_link_of_the_book_reaches_a_file() {
    let links = book_links();
    assert!(
        links.len() > 20,
        "the scan finds the book's links: {links:?}"
    );
    let broken: Vec<String> = links
        .iter()
        .filter(|(page, target)| {
            let path = target.split('#').next().unwrap_or_default();
            !page.parent().unwrap().join(path).exists()
        })
        .map(|(page, target)| format!("{}: {target}", page.display()))
        .collect();
    assert!(
        broken.is_empty(),
        "a reader following these links finds nothing: {broken:#?}"
    );
}
