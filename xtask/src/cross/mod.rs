//! The cross-architecture tiers of `cargo xtask test`.
//!
//! - [`user`] (tier 2): the library's test binaries for each architecture, run under
//!   qemu-user on the host kernel.
//! - [`vm`] (tier 3): the same binaries in a real Debian kernel of each architecture,
//!   booted under TCG from an initramfs, as root, with CAN and veth.
//! - [`run_size`] (`cargo xtask size`): the no_std echo server's size per architecture, beside
//!   the same server on rustix alone, with std and in C ([`echo`] builds and runs it; the
//!   qemu-user tier runs it too).
//!
//! What each architecture needs is data: `targets/<arch>.toml` (read by [`targets`]) and
//! `qemu/` (the guest's init script and module list). Each target is built once per process
//! ([`build`]) and both tiers run that build. Both tiers run beside the host tier, each
//! architecture's runs starting as soon as its build is done ([`schedule`] has the order). Everything fetched is cached under
//! `target/xtask-cache/`; logs of every run go to `target/xtask-logs/`.
//!
//! Whatever the host lacks (rustup targets, rust-src, cross gcc, qemu) is installed when the
//! xtask runs as root on Debian; otherwise the row fails with the commands that would install
//! it ([`install`]).
//!
//! Environment: `XTASK_VERBOSE=1` echoes test and console output as it comes;
//! `XTASK_NO_INSTALL=1` installs nothing; `XTASK_VM_JOBS=N` runs N VMs at once (default: as
//! many as there are cores); `XTASK_SERIAL=1` starts these tiers after the host tier instead of
//! beside it; `CARGO_TARGET_DIR` moves `target/` as for cargo.

mod apt;
mod async_echo;
mod build;
mod cpio;
mod echo;
mod elf;
pub(crate) mod install;
mod musl;
mod nostd_ip;
pub(crate) mod proc;
mod schedule;
mod size;
mod targets;
mod user;
mod vm;

use std::path::{Path, PathBuf};

pub use size::run_size;

/// The `no_std` echo built for `x86_64-unknown-linux-none` as the crate's docs say, checked
/// static and run natively ([`echo::linux_none`]).
pub fn nostd_linux_none() -> Result<String, String> {
    echo::linux_none(&Ws::find())
}
pub use schedule::{prepare as prepare_foreign, run as run_foreign};
pub use vm::BusyLane;

/// Where things are: the workspace root, cargo's target directory, and the xtask's cache and
/// log directories inside it.
pub(crate) struct Ws {
    pub root: PathBuf,
    pub target_dir: PathBuf,
    pub cache: PathBuf,
    pub logs: PathBuf,
}

impl Ws {
    pub fn find() -> Ws {
        let root = workspace_root();
        // Honour CARGO_TARGET_DIR as cargo itself does, so the builds below land where cargo
        // puts them.
        let target_dir = match std::env::var_os("CARGO_TARGET_DIR") {
            Some(dir) if !dir.is_empty() => root.join(dir),
            _ => root.join("target"),
        };
        let cache = target_dir.join("xtask-cache");
        let logs = target_dir.join("xtask-logs");
        Ws {
            root,
            target_dir,
            cache,
            logs,
        }
    }

    /// Writes a log file and returns its path (for messages).
    pub fn log(&self, name: &str, text: &str) -> PathBuf {
        let path = self.logs.join(name);
        let _ = std::fs::create_dir_all(&self.logs);
        let _ = std::fs::write(&path, text);
        path
    }
}

/// The directory holding the workspace's `Cargo.toml`: searched upwards from the current
/// directory (cargo runs the xtask from wherever it was invoked), else the xtask's parent.
fn workspace_root() -> PathBuf {
    if let Ok(cwd) = std::env::current_dir() {
        for dir in cwd.ancestors() {
            let manifest = dir.join("Cargo.toml");
            if std::fs::read_to_string(&manifest).is_ok_and(|t| t.contains("[workspace]")) {
                return dir.to_path_buf();
            }
        }
    }
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap_or(Path::new("."))
        .to_path_buf()
}

/// Distinct skip reasons, shortened for the table's note column.
pub(crate) fn skip_note(output: &str) -> String {
    let (_, reasons) = crate::report::parse_libtest(output);
    if reasons.is_empty() {
        return String::new();
    }
    let mut note = format!("skipped: {}", reasons.join("; "));
    if note.len() > 160 {
        let mut cut = 157;
        while !note.is_char_boundary(cut) {
            cut -= 1;
        }
        note.truncate(cut);
        note.push_str("...");
    }
    note
}

/// The value of `key` (`name=`, with its `=`) in a cache's stamp file of `name=value` lines,
/// or empty.
pub fn stamp_field(text: &str, key: &str) -> String {
    text.lines()
        .find_map(|l| l.strip_prefix(key))
        .unwrap_or("")
        .to_owned()
}

#[cfg(test)]
mod tests {
    #[test]
    fn stamp_fields() {
        let text = "key=amd64 bookworm\ngcc=x86_64-linux-gnu-gcc\nempty=\n";
        assert_eq!(super::stamp_field(text, "gcc="), "x86_64-linux-gnu-gcc");
        assert_eq!(super::stamp_field(text, "key="), "amd64 bookworm");
        assert_eq!(super::stamp_field(text, "empty="), "");
        assert_eq!(super::stamp_field(text, "absent="), "");
    }
}
