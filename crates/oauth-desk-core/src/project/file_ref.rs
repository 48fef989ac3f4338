//! `{ file = "PATH" }` in a project file: a PEM key or certificate beside the project, never
//! anything else on the disk. The path is relative to the file's folder and stays inside it —
//! no absolute path, no `..`, no symbolic link leading out — and names a regular file of at
//! most 1 MiB. Checked when the file is read (the error names its line) and again when the
//! secret is read (the disk may have changed in between).

use std::path::{Component, Path, PathBuf};

/// The largest secret file read (a PEM key or certificate chain is a few KiB).
pub const MAX_SECRET_FILE_BYTES: u64 = 1024 * 1024;

/// Why a path is refused, as the rest of a sentence ("… is refused: it is absolute").
pub fn lexical_problem(path: &Path) -> Option<&'static str> {
    if path.as_os_str().is_empty() {
        return Some("it is empty");
    }
    for component in path.components() {
        match component {
            Component::Prefix(_) | Component::RootDir => {
                return Some("it is absolute; name a file in the project's folder");
            }
            Component::ParentDir => {
                return Some("it leaves the project's folder (..)");
            }
            Component::CurDir | Component::Normal(_) => {}
        }
    }
    None
}

/// `path` in `folder`, checked on the disk as it is now: inside the folder once symbolic links
/// are followed. `Ok(None)` when it does not exist (yet).
pub fn resolve_inside(folder: &Path, path: &Path) -> Result<Option<PathBuf>, String> {
    if let Some(problem) = lexical_problem(path) {
        return Err(problem.into());
    }
    let joined = folder.join(path);
    let real = match std::fs::canonicalize(&joined) {
        Ok(real) => real,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("it can't be read: {e}")),
    };
    let root = std::fs::canonicalize(folder).map_err(|e| format!("its folder: {e}"))?;
    if !real.starts_with(&root) {
        return Err(format!(
            "a symbolic link leads out of the project's folder (to {})",
            real.display()
        ));
    }
    Ok(Some(real))
}

/// Reads the secret file `path` of `folder` under the rules of the module.
pub fn read_inside(folder: &Path, path: &Path) -> Result<String, String> {
    use std::io::Read;
    let real = resolve_inside(folder, path)?.ok_or_else(|| "it does not exist".to_owned())?;
    // Checked through the open handle: a link or FIFO swapped in after the check above is
    // refused, not followed or waited on.
    let file = crate::platform::open_no_follow(&real)
        .map_err(|e| format!("it can't be read (or became a link): {e}"))?;
    let meta = file
        .metadata()
        .map_err(|e| format!("it can't be read: {e}"))?;
    if !meta.is_file() {
        return Err("it is not a regular file".into());
    }
    if meta.len() > MAX_SECRET_FILE_BYTES {
        return Err(format!(
            "it is {} bytes; a key or certificate file is at most 1 MiB",
            meta.len()
        ));
    }
    let mut text = String::new();
    file.take(MAX_SECRET_FILE_BYTES)
        .read_to_string(&mut text)
        .map_err(|e| format!("it can't be read: {e}"))?;
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absolute_paths_and_parent_steps_are_refused_before_the_disk_is_asked() {
        assert!(lexical_problem(Path::new("/home/dev/keys/svc.pem")).is_some());
        assert!(lexical_problem(Path::new("../keys/svc.pem")).is_some());
        assert!(lexical_problem(Path::new("keys/../../svc.pem")).is_some());
        assert!(lexical_problem(Path::new("")).is_some());
        assert_eq!(lexical_problem(Path::new("keys/svc.pem")), None);
        assert_eq!(lexical_problem(Path::new("./svc.pem")), None);
    }

    #[cfg(unix)]
    #[test]
    fn a_symbolic_link_out_is_refused_and_one_inside_is_followed() {
        let outside = tempfile::tempdir().expect("temp dir");
        let secret = outside.path().join("svc.pem");
        std::fs::write(&secret, "PRIVATE").expect("write");
        let project = tempfile::tempdir().expect("temp dir");
        std::os::unix::fs::symlink(&secret, project.path().join("out.pem")).expect("link");
        std::fs::write(project.path().join("in.pem"), "KEY").expect("write");
        std::os::unix::fs::symlink("in.pem", project.path().join("alias.pem")).expect("link");
        let refused = read_inside(project.path(), Path::new("out.pem"))
            .expect_err("a link out of the folder must not be read");
        assert!(refused.contains("symbolic link"), "{refused}");
        assert_eq!(
            read_inside(project.path(), Path::new("alias.pem")).as_deref(),
            Ok("KEY")
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_is_refused_without_waiting_for_a_writer() {
        let project = tempfile::tempdir().expect("temp dir");
        let fifo = project.path().join("key.pem");
        let status = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .expect("mkfifo runs");
        assert!(status.success());
        let refused = read_inside(project.path(), Path::new("key.pem"))
            .expect_err("a FIFO is no key file, and reading it must not hang");
        assert!(refused.contains("not a regular file"), "{refused}");
    }

    #[test]
    fn a_folder_or_a_huge_file_is_not_read() {
        let project = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir(project.path().join("keys")).expect("dir");
        assert!(read_inside(project.path(), Path::new("keys")).is_err());
        let big = std::fs::File::create(project.path().join("big.pem")).expect("file");
        big.set_len(MAX_SECRET_FILE_BYTES + 1).expect("size");
        assert!(
            read_inside(project.path(), Path::new("big.pem"))
                .expect_err("over 1 MiB")
                .contains("1 MiB")
        );
    }
}
