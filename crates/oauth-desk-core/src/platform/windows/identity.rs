//! Who a Windows process runs as (its user's SID, as text), and a security descriptor that
//! lets only this user in — for the agent's named pipe, for files that hold secrets and for the
//! folders that hold them, each given it as it is made.

use std::io;

use windows_sys::Win32::Foundation::{CloseHandle, HANDLE, LocalFree};
use windows_sys::Win32::Security::Authorization::{
    ConvertSidToStringSidW, ConvertStringSecurityDescriptorToSecurityDescriptorW, SDDL_REVISION_1,
};
use windows_sys::Win32::Security::{
    GetTokenInformation, PSECURITY_DESCRIPTOR, PSID, SECURITY_ATTRIBUTES, TOKEN_QUERY, TOKEN_USER,
    TokenUser,
};
use windows_sys::Win32::System::Threading::{
    GetCurrentProcess, OpenProcess, OpenProcessToken, PROCESS_QUERY_LIMITED_INFORMATION,
};

pub(super) fn check(ok: i32) -> io::Result<()> {
    if ok == 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(())
    }
}

fn wide(text: &str) -> Vec<u16> {
    text.encode_utf16().chain(std::iter::once(0)).collect()
}

/// `path` as a NUL-terminated UTF-16 string, for the `…W` calls.
pub(super) fn wide_path(path: &std::path::Path) -> Vec<u16> {
    use std::os::windows::ffi::OsStrExt;
    path.as_os_str().encode_wide().chain(Some(0)).collect()
}

/// The user (SID string, `S-1-5-21-…`) this process runs as.
pub(super) fn my_user() -> io::Result<String> {
    // SAFETY: the pseudo handle of the current process needs no closing.
    user_of_process_handle(unsafe { GetCurrentProcess() })
}

/// The user process `pid` runs as.
pub(super) fn user_of_process(pid: u32) -> io::Result<String> {
    // SAFETY: a plain query; the handle is closed below.
    let process = unsafe { OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, 0, pid) };
    if process.is_null() {
        return Err(io::Error::last_os_error());
    }
    let user = user_of_process_handle(process);
    // SAFETY: `process` was opened above and is closed once.
    unsafe { CloseHandle(process) };
    user
}

fn user_of_process_handle(process: HANDLE) -> io::Result<String> {
    let mut token: HANDLE = std::ptr::null_mut();
    // SAFETY: `token` receives a handle we close below.
    check(unsafe { OpenProcessToken(process, TOKEN_QUERY, &mut token) })?;
    let user = user_of_token(token);
    // SAFETY: opened above, closed once.
    unsafe { CloseHandle(token) };
    user
}

fn user_of_token(token: HANDLE) -> io::Result<String> {
    // TOKEN_USER plus the SID it points into: 256 bytes hold any SID (at most 68 bytes).
    let mut buffer = [0u64; 32];
    let mut needed = 0u32;
    // SAFETY: the buffer is writable for the length given and 8-byte aligned.
    check(unsafe {
        GetTokenInformation(
            token,
            TokenUser,
            buffer.as_mut_ptr().cast(),
            std::mem::size_of_val(&buffer) as u32,
            &mut needed,
        )
    })?;
    // SAFETY: GetTokenInformation filled a TOKEN_USER at the start of the buffer.
    let sid = unsafe { (*buffer.as_ptr().cast::<TOKEN_USER>()).User.Sid };
    // `sid` points into `buffer`, alive here.
    sid_string(sid)
}

/// A SID as text (`S-1-5-…`); `sid` must point to a valid SID.
pub(super) fn sid_string(sid: PSID) -> io::Result<String> {
    let mut text: *mut u16 = std::ptr::null_mut();
    // SAFETY: the caller's SID is valid; `text` is freed with LocalFree.
    check(unsafe { ConvertSidToStringSidW(sid, &mut text) })?;
    // SAFETY: a NUL-terminated UTF-16 string from ConvertSidToStringSidW.
    let string = unsafe {
        let len = (0..).take_while(|&i| *text.add(i) != 0).count();
        String::from_utf16_lossy(std::slice::from_raw_parts(text, len))
    };
    // SAFETY: allocated by ConvertSidToStringSidW with LocalAlloc.
    unsafe { LocalFree(text.cast()) };
    Ok(string)
}

/// A security descriptor whose DACL grants `user` everything and nobody else anything (no
/// inherited entries): `D:P(A;;GA;;;S-…)`; for a folder, handed down to what is made inside
/// (`D:P(A;OICI;GA;;;S-…)`).
pub(super) struct OwnerOnly(PSECURITY_DESCRIPTOR);

// SAFETY: the descriptor is immutable once made and freed once, on drop.
unsafe impl Send for OwnerOnly {}
unsafe impl Sync for OwnerOnly {}

impl OwnerOnly {
    pub(super) fn for_user(user: &str) -> io::Result<OwnerOnly> {
        Self::from_sddl(&format!("D:P(A;;GA;;;{user})"))
    }

    /// For a folder: the same entry, inherited by the files and folders made in it.
    pub(super) fn for_folder(user: &str) -> io::Result<OwnerOnly> {
        Self::from_sddl(&format!("D:P(A;OICI;GA;;;{user})"))
    }

    pub(super) fn from_sddl(sddl: &str) -> io::Result<OwnerOnly> {
        let sddl = wide(sddl);
        let mut descriptor: PSECURITY_DESCRIPTOR = std::ptr::null_mut();
        // SAFETY: `sddl` is NUL-terminated; the descriptor is freed on drop.
        check(unsafe {
            ConvertStringSecurityDescriptorToSecurityDescriptorW(
                sddl.as_ptr(),
                SDDL_REVISION_1,
                &mut descriptor,
                std::ptr::null_mut(),
            )
        })?;
        Ok(OwnerOnly(descriptor))
    }

    /// Security attributes pointing at this descriptor (valid while `self` is).
    pub(super) fn attributes(&self) -> SECURITY_ATTRIBUTES {
        SECURITY_ATTRIBUTES {
            nLength: std::mem::size_of::<SECURITY_ATTRIBUTES>() as u32,
            lpSecurityDescriptor: self.0,
            bInheritHandle: 0,
        }
    }
}

impl Drop for OwnerOnly {
    fn drop(&mut self) {
        // SAFETY: allocated by ConvertStringSecurityDescriptorToSecurityDescriptorW.
        unsafe { LocalFree(self.0) };
    }
}
