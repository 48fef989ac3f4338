//! Reading who may change a folder on Windows: its owner and the allow entries of its DACL, as
//! text for [`writers::judge`](super::writers::judge) to weigh.

use std::io;
use std::path::Path;

use windows_sys::Win32::Foundation::LocalFree;
use windows_sys::Win32::Security::Authorization::{GetNamedSecurityInfoW, SE_FILE_OBJECT};
use windows_sys::Win32::Security::{
    ACCESS_ALLOWED_ACE, ACE_HEADER, ACL, DACL_SECURITY_INFORMATION, GetAce,
    OWNER_SECURITY_INFORMATION, PSECURITY_DESCRIPTOR, PSID,
};

use super::identity::{check, sid_string, wide_path};
use super::writers::{Access, Allowed};

/// `ACCESS_ALLOWED_ACE_TYPE` and `ACCESS_ALLOWED_CALLBACK_ACE_TYPE`: the allow entries a file
/// system DACL holds, both laid out as `ACCESS_ALLOWED_ACE` (the object types are for
/// directory services).
const ALLOW_TYPES: [u8; 2] = [0, 9];

/// The owner and allow entries of the file or folder at `path`.
pub(super) fn of(path: &Path) -> io::Result<Access> {
    let name = wide_path(path);
    let mut owner: PSID = std::ptr::null_mut();
    let mut dacl: *mut ACL = std::ptr::null_mut();
    let mut descriptor: PSECURITY_DESCRIPTOR = std::ptr::null_mut();
    // SAFETY: `name` is NUL-terminated; `owner` and `dacl` point into `descriptor`, which is
    // freed below, after they were read.
    let status = unsafe {
        GetNamedSecurityInfoW(
            name.as_ptr(),
            SE_FILE_OBJECT,
            OWNER_SECURITY_INFORMATION | DACL_SECURITY_INFORMATION,
            &mut owner,
            std::ptr::null_mut(),
            &mut dacl,
            std::ptr::null_mut(),
            &mut descriptor,
        )
    };
    if status != 0 {
        return Err(io::Error::from_raw_os_error(status as i32));
    }
    // SAFETY: both point into `descriptor`, alive until the LocalFree below.
    let access = unsafe { read(owner, dacl) };
    // SAFETY: allocated by GetNamedSecurityInfoW with LocalAlloc, freed once.
    unsafe { LocalFree(descriptor) };
    access
}

/// # Safety
/// `owner` is a valid SID and `dacl` a valid ACL or null, both alive for the call.
unsafe fn read(owner: PSID, dacl: *const ACL) -> io::Result<Access> {
    let owner = sid_string(owner)?;
    if dacl.is_null() {
        return Ok(Access {
            owner,
            allowed: None,
        });
    }
    // SAFETY: the caller's ACL is valid.
    let count = unsafe { (*dacl).AceCount };
    let mut allowed = Vec::with_capacity(usize::from(count));
    for index in 0..u32::from(count) {
        let mut ace = std::ptr::null_mut();
        // SAFETY: `index` is below the ACL's entry count; `ace` points into the ACL.
        check(unsafe { GetAce(dacl, index, &mut ace) })?;
        // SAFETY: every entry starts with an ACE_HEADER.
        let header = unsafe { *ace.cast::<ACE_HEADER>() };
        if !ALLOW_TYPES.contains(&header.AceType) {
            continue;
        }
        let entry = ace.cast::<ACCESS_ALLOWED_ACE>();
        // SAFETY: an allow entry is an ACCESS_ALLOWED_ACE whose SID starts at `SidStart` and
        // runs to the entry's end, inside the ACL.
        let (mask, sid) = unsafe { ((*entry).Mask, (&raw mut (*entry).SidStart).cast()) };
        allowed.push(Allowed {
            mask,
            sid: sid_string(sid)?,
        });
    }
    Ok(Access {
        owner,
        allowed: Some(allowed),
    })
}
