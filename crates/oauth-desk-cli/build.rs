//! Links the `oauth-desk` CLI with GCC's unwinder built in (as `-static-libgcc` would) on
//! Linux with glibc, so the CLI needs no `libgcc_s.so.1` at run time.
//!
//! Why: kubectl and git start the CLI for every operation, and a dynamic start pays for each
//! library it maps. libgcc_s costs more than the others: besides being mapped and its symbols
//! looked up, its constructor asks the CPU what it supports (`__cpu_indicator_init`, a run of
//! `cpuid` instructions, which a virtual machine answers slowly). Rust's standard library
//! names `-lgcc_s` itself, so the compiler driver's `-static-libgcc` has no effect; instead the
//! linker is shown, ahead of the system's directories, a directory where `libgcc_s` is GCC's
//! static unwinder (`libgcc_eh.a`, the one a `crt-static` build links). Panics still unwind and
//! backtraces still print; "CLI start-up" in the README has the measurements.
//!
//! Only the CLI binary: the desktop app loads WebKitGTK's C++ libraries, which use the shared
//! unwinder, and one unwinder per process is the safe rule. Where the compiler has no
//! `libgcc_eh.a`, or the target is another system or already static, nothing changes.

use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-env-changed=CC");
    let target_os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let target_env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    let features = std::env::var("CARGO_CFG_TARGET_FEATURE").unwrap_or_default();
    let static_build = features.split(',').any(|f| f == "crt-static");
    // `cc` below is the host's compiler: a cross build would find the wrong machine's file.
    let native = std::env::var("HOST").ok() == std::env::var("TARGET").ok();
    if target_os != "linux" || target_env != "gnu" || static_build || !native {
        return;
    }
    let Some(unwinder) = static_unwinder() else {
        return;
    };
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let dir = out.join("static-unwinder");
    let copied = std::fs::create_dir_all(&dir)
        .and_then(|()| std::fs::copy(&unwinder, dir.join("libgcc_s.a")));
    if copied.is_ok() {
        println!("cargo::rustc-link-arg-bin=oauth-desk=-L{}", dir.display());
    }
}

/// GCC's static unwinder, as the C compiler that links for this target reports it.
fn static_unwinder() -> Option<PathBuf> {
    let cc = std::env::var("CC").unwrap_or_else(|_| "cc".to_owned());
    let output = Command::new(cc)
        .arg("-print-file-name=libgcc_eh.a")
        .output()
        .ok()?;
    let printed = String::from_utf8(output.stdout).ok()?;
    let path = Path::new(printed.trim());
    // A compiler without the file prints the bare name back.
    (path.is_absolute() && path.is_file()).then(|| path.to_path_buf())
}
