//! Reading what is to be imported from disk: one file, or a Bruno collection folder's `.bru`
//! files and `bruno.json`, found by walking the folder.
//!
//! A collection folder comes from elsewhere (a clone, an archive), so the walk stays inside it:
//! a symbolic link is followed only when where it leads — resolved all the way — is inside the
//! folder; one leading out (to `/etc/passwd`, to a home folder) or nowhere is not read, and
//! said in a note naming the link. The folder's own tree is walked first and links to folders
//! after it, each folder and file read once by its real path: a link back to a folder already
//! walked (a loop, or a second way in) ends there, also with a note. Hidden folders and
//! `node_modules` are not walked.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use super::{ImportFile, ImportNote};

#[derive(Debug, thiserror::Error)]
pub enum FolderError {
    #[error("could not read {path}: {reason}")]
    Read { path: String, reason: String },
    #[error("{0} is a folder without a Bruno collection (no bruno.json or .bru file)")]
    NoCollection(String),
}

/// The files read, and a note for each link not followed.
#[derive(Debug, Default)]
pub struct Collection {
    pub files: Vec<ImportFile>,
    pub notes: Vec<ImportNote>,
}

/// Reads `path`: the file itself, or the collection files of the folder it names.
pub fn read(path: &Path) -> Result<Collection, FolderError> {
    if !path.is_dir() {
        return Ok(Collection {
            files: vec![ImportFile {
                path: path.display().to_string(),
                text: read_text(path, path)?,
            }],
            notes: Vec::new(),
        });
    }
    let root = std::fs::canonicalize(path).map_err(|e| read_error(path, &e))?;
    let mut walk = Walk {
        source: format!("folder {}", path.display()),
        root: root.clone(),
        shown_root: path.to_path_buf(),
        dirs_seen: HashSet::from([root.clone()]),
        files_seen: HashSet::new(),
        found: Collection::default(),
    };
    // Folders of the tree itself, then those reached through a link (so that a folder's real
    // path is always the one read, whatever order the system lists entries in).
    let mut dirs = vec![(path.to_path_buf(), root)];
    let mut linked: Vec<(PathBuf, PathBuf)> = Vec::new();
    loop {
        let (shown, real) = if let Some(dir) = dirs.pop() {
            dir
        } else if let Some((shown, target)) = linked.pop() {
            if !walk.dirs_seen.insert(target.clone()) {
                walk.note(
                    &shown,
                    "a link to a folder already read (a loop, or another way in): not followed"
                        .into(),
                );
                continue;
            }
            (shown, target)
        } else {
            break;
        };
        let entries = std::fs::read_dir(&real).map_err(|e| read_error(&shown, &e))?;
        for entry in entries.flatten() {
            match walk.entry(&entry, &shown, &real)? {
                Next::Nothing => {}
                Next::Dir(dir) => dirs.push(dir),
                Next::LinkedDir(dir) => linked.push(dir),
            }
        }
    }
    let mut found = walk.found;
    if found.files.is_empty() {
        return Err(FolderError::NoCollection(path.display().to_string()));
    }
    found.files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(found)
}

/// What to do after an entry.
enum Next {
    Nothing,
    /// A folder of the tree, to walk: as shown, and its real path.
    Dir((PathBuf, PathBuf)),
    /// A link inside to a folder: walked after the tree, unless its folder was read already.
    LinkedDir((PathBuf, PathBuf)),
}

/// A walk under way: the folder's real path, what was read, and what was seen.
struct Walk {
    /// "folder PATH", for the notes.
    source: String,
    root: PathBuf,
    shown_root: PathBuf,
    dirs_seen: HashSet<PathBuf>,
    files_seen: HashSet<PathBuf>,
    found: Collection,
}

impl Walk {
    /// Takes one entry of the folder `real` (shown as `shown`): reads it if it is a collection
    /// file, returns it if it is a folder to walk, notes it if it is a link not followed.
    fn entry(
        &mut self,
        entry: &std::fs::DirEntry,
        shown: &Path,
        real: &Path,
    ) -> Result<Next, FolderError> {
        let name = entry.file_name().to_string_lossy().into_owned();
        let shown = shown.join(&name);
        let Ok(kind) = entry.file_type() else {
            return Ok(Next::Nothing);
        };
        let wanted_dir = !name.starts_with('.') && name != "node_modules";
        let wanted_file = name.ends_with(".bru") || name == "bruno.json";
        let (target, is_dir) = if kind.is_symlink() {
            let resolved = std::fs::canonicalize(&shown);
            let is_dir = resolved.as_ref().is_ok_and(|t| t.is_dir());
            if !(wanted_file || is_dir && wanted_dir) {
                return Ok(Next::Nothing);
            }
            match resolved {
                Ok(target) if target.starts_with(&self.root) => (target, is_dir),
                Ok(target) => {
                    self.note(
                        &shown,
                        format!(
                            "a link to {}, outside the collection folder: not followed",
                            target.display()
                        ),
                    );
                    return Ok(Next::Nothing);
                }
                Err(e) => {
                    self.note(&shown, format!("a link that leads nowhere ({e}): not read"));
                    return Ok(Next::Nothing);
                }
            }
        } else {
            (real.join(&name), kind.is_dir())
        };
        if is_dir {
            if kind.is_symlink() {
                return Ok(Next::LinkedDir((shown, target)));
            }
            if !wanted_dir {
                return Ok(Next::Nothing);
            }
            self.dirs_seen.insert(target.clone());
            return Ok(Next::Dir((shown, target)));
        }
        if wanted_file && self.files_seen.insert(target.clone()) {
            let text = read_text(&target, &shown)?;
            self.found.files.push(ImportFile {
                path: shown.display().to_string(),
                text,
            });
        }
        Ok(Next::Nothing)
    }

    /// A note on the link at `shown`, named from the folder.
    fn note(&mut self, shown: &Path, reason: String) {
        let setting = shown.strip_prefix(&self.shown_root).unwrap_or(shown);
        self.found.notes.push(ImportNote {
            source: self.source.clone(),
            setting: setting.display().to_string(),
            reason,
        });
    }
}

/// The text of `path`, an error naming `shown`.
fn read_text(path: &Path, shown: &Path) -> Result<String, FolderError> {
    std::fs::read_to_string(path).map_err(|e| read_error(shown, &e))
}

fn read_error(path: &Path, e: &std::io::Error) -> FolderError {
    FolderError::Read {
        path: path.display().to_string(),
        reason: e.to_string(),
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    const REQUEST: &str = "meta {\n  name: Stock\n}\n";

    /// A collection folder with a good request, next to a secret file outside it.
    fn collection() -> (tempfile::TempDir, PathBuf, PathBuf) {
        let temp = tempfile::tempdir().unwrap();
        let secret = temp.path().join("passwd");
        std::fs::write(&secret, "root:x:0:0:root:/root:/bin/sh\n").unwrap();
        let dir = temp.path().join("shop");
        std::fs::create_dir_all(dir.join("requests")).unwrap();
        std::fs::write(dir.join("bruno.json"), r#"{"name":"Shop"}"#).unwrap();
        std::fs::write(dir.join("requests/stock.bru"), REQUEST).unwrap();
        (temp, dir, secret)
    }

    fn paths(found: &Collection) -> Vec<String> {
        found.files.iter().map(|f| f.path.clone()).collect()
    }

    #[test]
    fn links_out_of_the_folder_and_loops_are_not_followed() {
        let (_temp, dir, secret) = collection();
        // A request file that is really the system's password file, a folder that is the
        // whole outside, and a folder that is the collection itself.
        symlink(&secret, dir.join("requests/passwd.bru")).unwrap();
        symlink(dir.parent().unwrap(), dir.join("outside")).unwrap();
        symlink(&dir, dir.join("requests/loop")).unwrap();
        symlink(dir.join("gone.bru"), dir.join("dangling.bru")).unwrap();

        let found = read(&dir).unwrap();

        let shown = |p: &str| dir.join(p).display().to_string();
        assert_eq!(
            paths(&found),
            [shown("bruno.json"), shown("requests/stock.bru")],
            "the good files are read, once each, and nothing from outside"
        );
        assert!(
            found.files.iter().all(|f| !f.text.contains("root:")),
            "the password file must never be read through a link"
        );
        let notes: Vec<(String, String)> = found
            .notes
            .iter()
            .map(|n| (n.setting.clone(), n.reason.clone()))
            .collect();
        for (link, says) in [
            ("requests/passwd.bru", "outside the collection folder"),
            ("outside", "outside the collection folder"),
            ("requests/loop", "a loop"),
            ("dangling.bru", "leads nowhere"),
        ] {
            assert!(
                notes.iter().any(|(l, r)| l == link && r.contains(says)),
                "each link not followed is named, with why: {link} in {notes:?}"
            );
        }
        assert_eq!(notes.len(), 4, "{notes:?}");
        assert!(found.notes.iter().all(|n| n.source.starts_with("folder ")));
    }

    #[test]
    fn links_inside_the_folder_are_followed_once() {
        let (_temp, dir, _) = collection();
        std::fs::create_dir(dir.join("shared")).unwrap();
        std::fs::write(dir.join("shared/restock.bru"), REQUEST).unwrap();
        symlink(dir.join("shared"), dir.join("requests/more")).unwrap();
        symlink(dir.join("requests/stock.bru"), dir.join("stock-again.bru")).unwrap();

        let found = read(&dir).unwrap();

        assert_eq!(
            found.files.len(),
            3,
            "bruno.json, stock.bru and restock.bru, each read once: {:?}",
            paths(&found)
        );
        assert!(
            found
                .notes
                .iter()
                .any(|n| n.reason.contains("already read")),
            "the second way into shared/ is said, whichever is listed first: {:?}",
            found.notes
        );
    }

    #[test]
    fn a_file_is_read_as_it_is_and_an_empty_folder_is_refused() {
        let (_temp, dir, _) = collection();
        let one = read(&dir.join("requests/stock.bru")).unwrap();
        assert_eq!(one.files.len(), 1);
        assert_eq!(one.files[0].text, REQUEST);
        let empty = dir.join("requests/empty");
        std::fs::create_dir(&empty).unwrap();
        assert!(matches!(read(&empty), Err(FolderError::NoCollection(_))));
        assert!(matches!(
            read(&dir.join("missing.bru")),
            Err(FolderError::Read { .. })
        ));
    }
}
