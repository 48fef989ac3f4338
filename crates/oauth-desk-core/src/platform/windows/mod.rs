//! Windows: private folders (made for their owner alone; an existing one refused when another
//! user owns it or may write it, as on Unix) here; who may write a folder (`access` reads it,
//! `writers` judges it), files, processes and the agent's transport beside.

mod access;
mod files;
mod identity;
mod process;
mod transport;
mod writers;

pub use files::{open_no_follow, open_private, replace, sync_dir};
pub use process::stop_requested;
pub use transport::{AgentListener, AgentStream, agent_address, connect, connect_blocking};

use std::fs::Metadata;
use std::io;
use std::path::Path;

use windows_sys::Win32::Foundation::ERROR_ALREADY_EXISTS;
use windows_sys::Win32::Storage::FileSystem::CreateDirectoryW;

use super::protection::Unsafe;
use identity::{OwnerOnly, my_user, wide_path};

/// Makes `dir` and its missing parents, each with an owner-only DACL that what is made inside
/// inherits (as Unix makes them 0700). Folders already there are left as they are.
pub(super) fn create_private_dir(dir: &Path) -> io::Result<()> {
    let descriptor = OwnerOnly::for_folder(&my_user()?)?;
    create_dirs(dir, &descriptor)
}

fn create_dirs(dir: &Path, descriptor: &OwnerOnly) -> io::Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    if let Some(parent) = dir.parent().filter(|p| !p.as_os_str().is_empty()) {
        create_dirs(parent, descriptor)?;
    }
    let attributes = descriptor.attributes();
    let name = wide_path(dir);
    // SAFETY: `name` is NUL-terminated; `attributes` and its descriptor outlive the call.
    if unsafe { CreateDirectoryW(name.as_ptr(), &attributes) } == 0 {
        let e = io::Error::last_os_error();
        // Made by another process meanwhile.
        if e.raw_os_error() == Some(ERROR_ALREADY_EXISTS as i32) && dir.is_dir() {
            return Ok(());
        }
        return Err(e);
    }
    Ok(())
}

/// An existing folder must be a folder, owned by the user (or SYSTEM or the administrators),
/// and writable by nobody else (see `writers`).
pub(super) fn keep_private_dir(dir: &Path, meta: &Metadata) -> Result<(), Unsafe> {
    let unsafe_because = |problem: String| Unsafe {
        path: dir.display().to_string(),
        problem,
    };
    if !meta.is_dir() {
        return Err(unsafe_because("is not a directory".into()));
    }
    let unreadable = |e: io::Error| unsafe_because(format!("could not be checked: {e}"));
    let me = my_user().map_err(unreadable)?;
    let access = access::of(dir).map_err(unreadable)?;
    writers::judge(&me, &access).map_err(|problem| unsafe_because(problem.sentence(dir, &me)))
}

pub(super) fn shared_file_problem(_meta: &Metadata) -> Option<String> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Wine (where CI runs these) keeps no security descriptor on a Unix file system: it shows
    /// one made from the file's mode (the user and SYSTEM). There, what is checked is that
    /// nobody else may write; on Windows, that the DACL is the user's entry alone. Wine sets
    /// `WINECONFIGDIR` in every process it starts.
    fn exact_dacls() -> bool {
        std::env::var_os("WINECONFIGDIR").is_none()
    }

    /// `path` is its owner's alone: nobody else may write it, and on Windows (not Wine) its
    /// DACL lets in the user alone.
    fn assert_mine_alone(path: &Path) {
        let me = my_user().unwrap();
        let access = access::of(path).unwrap();
        assert_eq!(access.owner, me, "{}", path.display());
        assert_eq!(
            writers::judge(&me, &access),
            Ok(()),
            "nobody else may write {}",
            path.display()
        );
        let allowed = access.allowed.expect("a DACL");
        if exact_dacls() {
            assert!(
                !allowed.is_empty() && allowed.iter().all(|entry| entry.sid == me),
                "made for the user alone, given at creation, not inherited: {} has {allowed:?}",
                path.display()
            );
        }
    }

    #[test]
    fn a_new_folder_is_the_users_alone_and_kept() {
        let temp = tempfile::tempdir().unwrap();
        let dir = temp.path().join("a").join("b");
        create_private_dir(&dir).unwrap();
        for made in [temp.path().join("a"), dir.clone()] {
            assert_mine_alone(&made);
            keep_private_dir(&made, &std::fs::metadata(&made).unwrap())
                .expect("a folder made private is kept");
        }
        create_private_dir(&dir).expect("an existing folder is no error");
    }

    #[test]
    fn a_folder_everyone_may_write_is_refused() {
        let temp = tempfile::tempdir().unwrap();
        let dir = temp.path().join("open");
        let me = my_user().unwrap();
        // The user's entry, and Everyone's full control (WD).
        let open = OwnerOnly::from_sddl(&format!("D:P(A;OICI;GA;;;{me})(A;OICI;GA;;;WD)")).unwrap();
        create_dirs(&dir, &open).unwrap();
        // Wine keeps no DACL given at creation (see `exact_dacls`): the rule itself is tested
        // on every OS in `writers`.
        if exact_dacls() {
            let err = keep_private_dir(&dir, &std::fs::metadata(&dir).unwrap())
                .unwrap_err()
                .to_string();
            assert!(
                err.contains("is writable by other users (Everyone)") && err.contains("icacls"),
                "others could swap the vault or a lock file for their own: {err}"
            );
        }
        let file = dir.join("not-a-folder");
        std::fs::write(&file, "x").unwrap();
        let err = keep_private_dir(&file, &std::fs::metadata(&file).unwrap()).unwrap_err();
        assert!(err.to_string().contains("is not a directory"), "{err}");
    }

    #[test]
    fn a_private_file_is_made_with_its_owner_only_dacl() {
        use std::io::{Read, Write};
        let temp = tempfile::tempdir().unwrap();
        let path = temp.path().join("secret");
        let mut file = open_private(&path, crate::platform::PrivateOpen::CreateNew).unwrap();
        file.write_all(b"s3cret").unwrap();
        drop(file);
        assert_mine_alone(&path);
        assert!(
            open_private(&path, crate::platform::PrivateOpen::CreateNew).is_err(),
            "a new file is new"
        );
        let mut again = open_private(&path, crate::platform::PrivateOpen::OpenOrCreate).unwrap();
        let mut text = String::new();
        again.read_to_string(&mut text).unwrap();
        assert_eq!(text, "s3cret", "opened, not truncated");
    }
}
