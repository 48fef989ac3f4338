//! Who besides the user may change a folder on Windows, judged from its owner and the allow
//! entries of its DACL (read by `access`): Unix's "not writable by group or others", in ACLs.
//!
//! Trusted besides the user: SYSTEM and the administrators (who can take any file anyway), and
//! the placeholders that match nobody on the folder itself (CREATOR OWNER, CREATOR GROUP, and
//! OWNER RIGHTS, which is the owner, judged on its own). Anyone else granted a right that adds,
//! deletes or renames an entry, or rewrites the DACL or the owner, makes the folder unsafe —
//! inheritable entries included, since what is made inside would carry them. Deny entries are
//! not weighed: a folder whose safety rests on one is refused all the same (the stricter side).
//! Reading is harmless, as on Unix: every file that holds a secret is made for its owner alone.

/// A folder's owner and DACL, SIDs as text (`S-1-5-…`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Access {
    pub owner: String,
    /// The allow entries; `None` when the folder has no DACL at all (everyone may do anything).
    pub allowed: Option<Vec<Allowed>>,
}

/// One allow entry: its access mask and whom it grants it to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Allowed {
    pub mask: u32,
    pub sid: String,
}

/// Why a folder is not private.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Problem {
    /// Another user owns it (and so may rewrite its DACL at any time).
    Owner(String),
    /// These may add, delete or rename its entries, or change who may.
    Writers(Vec<String>),
}

/// SYSTEM, the administrators.
const TRUSTED: &[&str] = &["S-1-5-18", "S-1-5-32-544"];
/// CREATOR OWNER, CREATOR GROUP, OWNER RIGHTS.
const PLACEHOLDERS: &[&str] = &["S-1-3-0", "S-1-3-1", "S-1-3-4"];

/// The rights that change what a folder holds or who may: add a file (`FILE_ADD_FILE`), add a
/// folder (`FILE_ADD_SUBDIRECTORY`), delete a child (`FILE_DELETE_CHILD`), delete or rename the
/// folder (`DELETE`), rewrite its DACL or owner (`WRITE_DAC`, `WRITE_OWNER`), and the generic
/// rights that include them (`GENERIC_WRITE`, `GENERIC_ALL`).
pub(super) const WRITE_RIGHTS: u32 = 0x0000_0002
    | 0x0000_0004
    | 0x0000_0040
    | 0x0001_0000
    | 0x0004_0000
    | 0x0008_0000
    | 0x4000_0000
    | 0x1000_0000;

/// Whether `access` keeps the folder to `me` (and the trusted), or who else may change it.
pub(super) fn judge(me: &str, access: &Access) -> Result<(), Problem> {
    if access.owner != me && !TRUSTED.contains(&access.owner.as_str()) {
        return Err(Problem::Owner(access.owner.clone()));
    }
    let Some(allowed) = &access.allowed else {
        return Err(Problem::Writers(vec![
            "everyone: the folder has no DACL".into(),
        ]));
    };
    let mut writers: Vec<String> = Vec::new();
    for entry in allowed {
        let sid = entry.sid.as_str();
        let other = sid != me && !TRUSTED.contains(&sid) && !PLACEHOLDERS.contains(&sid);
        let name = name(sid);
        if other && entry.mask & WRITE_RIGHTS != 0 && !writers.contains(&name) {
            writers.push(name);
        }
    }
    if writers.is_empty() {
        Ok(())
    } else {
        Err(Problem::Writers(writers))
    }
}

/// The name of a well-known group everyone has, or the SID itself.
fn name(sid: &str) -> String {
    match sid {
        "S-1-1-0" => "Everyone".into(),
        "S-1-5-11" => "Authenticated Users".into(),
        "S-1-5-32-545" => "Users".into(),
        "S-1-5-4" => "INTERACTIVE".into(),
        other => other.to_owned(),
    }
}

impl Problem {
    /// The sentence after the folder's path, with what to run for `me`.
    pub(super) fn sentence(&self, dir: &std::path::Path, me: &str) -> String {
        match self {
            Problem::Owner(owner) => format!(
                "belongs to another user ({}): OAuth Desk keeps its files only in a directory of yours",
                name(owner)
            ),
            Problem::Writers(writers) => format!(
                "is writable by other users ({}): run `icacls \"{}\" /inheritance:r /grant:r *{me}:(OI)(CI)F`, remove any other user it still lists, or choose another directory",
                writers.join(", "),
                dir.display()
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ME: &str = "S-1-5-21-1-2-3-1001";
    /// FILE_ALL_ACCESS, and "modify" and "read and execute" as Explorer grants them.
    const FULL: u32 = 0x001F_01FF;
    const MODIFY: u32 = 0x0013_01BF;
    const READ: u32 = 0x0012_00A9;

    fn allow(sid: &str, mask: u32) -> Allowed {
        Allowed {
            mask,
            sid: sid.into(),
        }
    }

    fn folder(owner: &str, allowed: Vec<Allowed>) -> Access {
        Access {
            owner: owner.into(),
            allowed: Some(allowed),
        }
    }

    #[test]
    fn a_profile_folder_and_one_made_for_the_user_are_private() {
        // %LOCALAPPDATA% as Windows makes it, and what create_private_dir makes.
        let profile = folder(
            ME,
            vec![
                allow("S-1-5-18", FULL),
                allow("S-1-5-32-544", FULL),
                allow(ME, FULL),
            ],
        );
        assert_eq!(judge(ME, &profile), Ok(()));
        assert_eq!(judge(ME, &folder(ME, vec![allow(ME, 0x1000_0000)])), Ok(()));
        // Made by an elevated process: owned by the administrators.
        assert_eq!(
            judge(ME, &folder("S-1-5-32-544", vec![allow(ME, FULL)])),
            Ok(())
        );
    }

    #[test]
    fn others_who_may_only_read_are_no_matter() {
        let shared_for_reading = folder(
            ME,
            vec![
                allow(ME, FULL),
                allow("S-1-5-32-545", READ),
                allow("S-1-1-0", READ),
            ],
        );
        assert_eq!(
            judge(ME, &shared_for_reading),
            Ok(()),
            "reading is harmless: each secret file is the user's alone"
        );
        // CREATOR OWNER's full control is for what each user makes inside, not for the folder.
        assert_eq!(
            judge(
                ME,
                &folder(ME, vec![allow(ME, FULL), allow("S-1-3-0", FULL)])
            ),
            Ok(())
        );
    }

    #[test]
    fn a_folder_others_may_write_is_refused_naming_them() {
        // A folder made under C:\ inherits "Authenticated Users: Modify".
        let under_the_drive_root = folder(
            ME,
            vec![
                allow(ME, FULL),
                allow("S-1-5-11", MODIFY),
                allow("S-1-5-32-545", READ),
            ],
        );
        assert_eq!(
            judge(ME, &under_the_drive_root),
            Err(Problem::Writers(vec!["Authenticated Users".into()])),
            "others could swap the vault or a lock file for their own"
        );
        for (what, mask) in [
            ("add a file", 0x2),
            ("add a folder", 0x4),
            ("delete a child", 0x40),
            ("rename the folder", 0x1_0000),
            ("rewrite the DACL", 0x4_0000),
            ("take ownership", 0x8_0000),
            ("GENERIC_WRITE", 0x4000_0000),
            ("GENERIC_ALL", 0x1000_0000),
        ] {
            let other = "S-1-5-21-1-2-3-1002";
            assert_eq!(
                judge(ME, &folder(ME, vec![allow(ME, FULL), allow(other, mask)])),
                Err(Problem::Writers(vec![other.into()])),
                "another user who may {what} may change the folder"
            );
        }
    }

    #[test]
    fn another_owner_or_no_dacl_is_refused() {
        let other = "S-1-5-21-1-2-3-1002";
        assert_eq!(
            judge(ME, &folder(other, vec![allow(ME, FULL)])),
            Err(Problem::Owner(other.into())),
            "an owner may rewrite the DACL whenever it likes"
        );
        let open = Access {
            owner: ME.into(),
            allowed: None,
        };
        assert!(matches!(judge(ME, &open), Err(Problem::Writers(_))));
    }

    #[test]
    fn the_sentence_names_who_and_what_to_run() {
        let problem = Problem::Writers(vec!["Everyone".into(), "Users".into()]);
        let sentence = problem.sentence(std::path::Path::new(r"C:\data"), ME);
        assert_eq!(
            sentence,
            format!(
                "is writable by other users (Everyone, Users): run `icacls \"C:\\data\" /inheritance:r /grant:r *{ME}:(OI)(CI)F`, remove any other user it still lists, or choose another directory"
            )
        );
        assert!(
            Problem::Owner("S-1-5-32-545".into())
                .sentence(std::path::Path::new("x"), ME)
                .starts_with("belongs to another user (Users)")
        );
    }
}
