//! File protection: directories that hold secrets are the user's alone; files read from
//! elsewhere (a project file) must not be writable by others.

use std::path::Path;

use super::os;

/// A place that is not safe to use, and why (a sentence to show).
#[derive(Debug, thiserror::Error)]
#[error("{path} {problem}")]
pub struct Unsafe {
    pub path: String,
    pub problem: String,
}

/// Creates `dir` (and its parents) for the user alone; an existing one must be the user's and
/// writable by nobody else.
pub fn ensure_private_dir(dir: &Path) -> Result<(), Unsafe> {
    let failed = |e: std::io::Error| Unsafe {
        path: dir.display().to_string(),
        problem: format!("could not be used: {e}"),
    };
    match std::fs::metadata(dir) {
        Ok(meta) => os::keep_private_dir(dir, &meta),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            os::create_private_dir(dir).map_err(failed)
        }
        Err(e) => Err(failed(e)),
    }
}

/// Why a file others could have written must not be read, if it must not.
pub fn shared_file_problem(meta: &std::fs::Metadata) -> Option<String> {
    os::shared_file_problem(meta)
}

/// Why the upward search for a project file stops before `dir` (`start` is the folder it
/// started in): another filesystem, a folder not the user's, a drive's root (on Windows, where
/// any local user may write there). `None` when it may look in `dir`.
pub fn search_stops_at(dir: &Path, start: &std::fs::Metadata) -> Option<&'static str> {
    let Ok(meta) = std::fs::metadata(dir) else {
        return Some("it can't be read");
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if meta.dev() != start.dev() {
            return Some("it is on another filesystem");
        }
        if !os::is_mine(&meta) {
            return Some("it is not the user's");
        }
    }
    #[cfg(windows)]
    {
        let _ = (&meta, start);
        if dir.parent().is_none() {
            return Some("it is a drive's root");
        }
    }
    None
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn the_project_search_stops_at_another_filesystem() {
        let temp = tempfile::tempdir().unwrap();
        let start = std::fs::metadata(temp.path()).unwrap();
        assert_eq!(search_stops_at(temp.path(), &start), None);
        // /proc is its own filesystem wherever the temp folder is.
        assert_eq!(
            search_stops_at(Path::new("/proc"), &start),
            Some("it is on another filesystem")
        );
    }

    #[test]
    fn a_new_directory_is_the_users_alone() {
        let temp = tempfile::tempdir().unwrap();
        let dir = temp.path().join("a/b");
        ensure_private_dir(&dir).unwrap();
        assert_eq!(mode(&dir), 0o700);
    }

    #[test]
    fn a_directory_others_can_write_is_refused_and_left_as_it_is() {
        let temp = tempfile::tempdir().unwrap();
        for open in [0o777, 0o770, 0o1777] {
            std::fs::set_permissions(temp.path(), std::fs::Permissions::from_mode(open)).unwrap();
            let err = ensure_private_dir(temp.path()).unwrap_err().to_string();
            assert!(err.contains("is writable by other users"), "{err}");
            assert!(err.contains("chmod go-w"), "{err}");
        }
        std::fs::set_permissions(temp.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        ensure_private_dir(temp.path())
            .expect("readable by others is fine: its secret files are 0600");
        assert_eq!(
            mode(temp.path()),
            0o755,
            "not changed behind the user's back"
        );
    }

    #[test]
    fn a_file_where_the_directory_should_be_is_refused() {
        let temp = tempfile::NamedTempFile::new().unwrap();
        let err = ensure_private_dir(temp.path()).unwrap_err().to_string();
        assert!(err.contains("is not a directory"), "{err}");
    }

    #[test]
    fn a_directory_of_another_user_is_refused() {
        use std::os::unix::fs::MetadataExt;
        let temp = tempfile::tempdir().unwrap();
        let meta = std::fs::metadata(temp.path()).unwrap();
        let someone_else = meta.uid() + 1;
        let err = super::os::judge_private_dir(temp.path(), &meta, someone_else)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains(&format!("belongs to another user (uid {})", meta.uid())),
            "{err}"
        );
        super::os::judge_private_dir(temp.path(), &meta, meta.uid()).expect("the owner's own");
    }
}
