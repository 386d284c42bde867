//! What the host needs for a tier, and installing what is missing.
//!
//! - Rust: the target's standard library (`rustup target add`), or for build-std targets the
//!   nightly toolchain's `rust-src`; for the qemu-user and VM tiers and `cargo xtask size`,
//!   nightly's `rust-src` in any case (the no_std echo builds core). rustup needs no root.
//! - Debian packages from the host's own sources: the targets' cross gcc, xz.
//! - qemu (user and system) from `<codename>-backports`, through a private apt state. Machines
//!   of this kind come with `qemu-utils` 10 from backports, which `Breaks` the
//!   `qemu-system-common` 7.2 of Debian 12 itself, so qemu-system can only come from there;
//!   qemu-user comes along so both are one qemu version (qemu-user 10 also fixes two socket
//!   bugs of 7.2, see the notes). The `qemu-user` package is static binaries, and we leave out
//!   `qemu-user-binfmt`: the runners are set explicitly, nothing is registered with the kernel.
//!
//! As root on Debian, whatever is missing is installed (one `apt-get update` first); otherwise
//! (or with `XTASK_NO_INSTALL=1`) each target that lacks something fails with the commands
//! that would install it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use super::apt::{Apt, HostSources};
use super::proc::{run_stdout, run_visible, show};
use super::targets::Target;
use super::Ws;
use crate::report::Row;
pub use crate::report::Tier;

/// The Debian package with the qemu-user emulators.
const QEMU_USER_PACKAGE: &str = "qemu-user";

/// `XTASK_NO_INSTALL=1`: never install anything, only say what is missing.
pub fn may_install() -> bool {
    std::env::var_os("XTASK_NO_INSTALL").is_none_or(|v| v.is_empty() || v == "0")
}

pub fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("Uid:"))
                .map(|u| u.split_whitespace().next() == Some("0"))
        })
        .unwrap_or(false)
}

fn is_debian() -> bool {
    Path::new("/etc/debian_version").exists()
}

/// `name` on `PATH`.
pub fn which(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}

/// The qemu-user emulator for `t`: Debian names it `qemu-aarch64` (qemu-user) or
/// `qemu-aarch64-static` (older qemu-user-static).
pub fn qemu_user(t: &Target) -> Option<PathBuf> {
    which(&t.qemu_user).or_else(|| which(&format!("{}-static", t.qemu_user)))
}

fn dpkg_installed(package: &str) -> bool {
    Command::new("dpkg-query")
        .args(["-W", "-f=${Status}", package])
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains("install ok installed"))
}

/// The rustup toolchain to name for `t`: `None` for `stable`, meaning the workspace's own
/// toolchain (the one running `cargo xtask`).
pub fn toolchain(t: &Target) -> Option<&str> {
    (t.toolchain != "stable").then_some(t.toolchain.as_str())
}

/// `rustc --print sysroot` of a toolchain.
fn sysroot(ws: &Ws, tc: Option<&str>) -> Result<PathBuf, String> {
    let mut cmd = rustup_run(tc, "rustc");
    cmd.args(["--print", "sysroot"]).current_dir(&ws.root);
    Ok(PathBuf::from(run_stdout(&mut cmd)?.trim()))
}

/// `program` of toolchain `tc` (`rustup run tc program`), or of the workspace's toolchain.
pub fn rustup_run(tc: Option<&str>, program: &str) -> Command {
    match tc {
        None => Command::new(program),
        Some(tc) => {
            let mut cmd = Command::new("rustup");
            cmd.args(["run", tc, program]);
            // Let rustup pick the tools of `tc`, not those of the toolchain running us.
            for var in [
                "RUSTUP_TOOLCHAIN",
                "RUSTC",
                "RUSTDOC",
                "CARGO",
                "RUSTC_WRAPPER",
            ] {
                cmd.env_remove(var);
            }
            cmd
        }
    }
}

/// What one target lacks.
#[derive(Default)]
struct Lacks {
    /// Rust components, each as the rustup command that adds it.
    rust: Vec<Vec<String>>,
    /// Debian packages from the host's sources.
    apt: BTreeSet<String>,
    /// Debian packages from backports.
    backports: BTreeSet<String>,
}

impl Lacks {
    fn is_empty(&self) -> bool {
        self.rust.is_empty() && self.apt.is_empty() && self.backports.is_empty()
    }
}

/// The rustup command that gives toolchain `tc` its `rust-src` (installing the toolchain if
/// need be), or `None` when it has it.
fn rust_src(ws: &Ws, tc: Option<&str>) -> Option<Vec<String>> {
    let tc_name = tc.unwrap_or("stable");
    let cmd: &[&str] = match sysroot(ws, tc) {
        Err(_) => &[
            "rustup",
            "toolchain",
            "install",
            tc_name,
            "--profile",
            "minimal",
            "--component",
            "rust-src",
        ],
        Ok(root) if !root.join("lib/rustlib/src/rust/library").is_dir() => &[
            "rustup",
            "component",
            "add",
            "--toolchain",
            tc_name,
            "rust-src",
        ],
        Ok(_) => return None,
    };
    Some(cmd.iter().map(|s| s.to_string()).collect())
}

fn lacks(ws: &Ws, t: &Target, tier: Tier) -> Lacks {
    let mut l = Lacks::default();
    let tc = toolchain(t);
    let tc_name = tc.unwrap_or("stable");
    if matches!(tier, Tier::QemuUser | Tier::Vm | Tier::Size) {
        // The no_std echo (`examples/nostd-echo`) builds core with nightly; the VM's initramfs
        // has it too (a run of the VM tier alone failed its echo build without rust-src).
        l.rust.extend(rust_src(ws, Some(super::echo::TOOLCHAIN)));
    }
    match sysroot(ws, tc) {
        Err(_) if t.build_std => l.rust.extend(rust_src(ws, tc)),
        Err(_) => {
            let mut cmd: Vec<String> = [
                "rustup",
                "toolchain",
                "install",
                tc_name,
                "--profile",
                "minimal",
            ]
            .map(String::from)
            .into();
            cmd.extend(["--target".into(), t.triple.clone()]);
            l.rust.push(cmd);
        }
        Ok(_) if t.build_std => l.rust.extend(rust_src(ws, tc)),
        Ok(root) => {
            if !root
                .join("lib/rustlib")
                .join(&t.triple)
                .join("lib")
                .is_dir()
            {
                let mut cmd: Vec<String> = ["rustup", "target", "add"].map(String::from).into();
                if let Some(tc) = tc {
                    cmd.extend(["--toolchain".into(), tc.into()]);
                }
                cmd.push(t.triple.clone());
                l.rust.push(cmd);
            }
        }
    }
    // `size` links with rust-lld alone: no cross gcc.
    for p in t.host_packages.iter().filter(|_| tier != Tier::Size) {
        if !dpkg_installed(p) {
            l.apt.insert(p.clone());
        }
    }
    match tier {
        Tier::QemuUser => {
            if qemu_user(t).is_none() {
                l.backports.insert(QEMU_USER_PACKAGE.into());
            }
        }
        Tier::Vm => {
            if which(&t.vm.qemu).is_none() {
                l.backports.insert(t.vm.qemu_package.clone());
            }
            // Kernels that compress their modules (riscv64's): decompressed with xz.
            if which("xz").is_none() {
                l.apt.insert("xz-utils".into());
            }
        }
        // The host's own tiers install through `host.rs`, not per target.
        Tier::Host | Tier::Bench | Tier::Fuzz => {}
        Tier::Size => {
            // The C echo's compiler (the musl it links comes from Debian's archive, fetched
            // by `size` itself).
            if which(&t.c_gcc).is_none() {
                l.apt.insert(gcc_package(&t.c_gcc));
            }
        }
    }
    l
}

/// The Debian package with the gcc program `program`: `aarch64-linux-gnu-gcc` is in
/// `gcc-aarch64-linux-gnu` (underscores become hyphens: `gcc-x86-64-linux-gnu`, which on amd64
/// is the native `gcc` under another name; apt installs that).
pub fn gcc_package(program: &str) -> String {
    let triple = program.strip_suffix("-gcc").unwrap_or(program);
    format!("gcc-{}", triple.replace('_', "-"))
}

/// A command for a message, without the `-o` options that only tune the download.
fn show_short(cmd: &Command) -> String {
    let mut short = Command::new(cmd.get_program());
    let args: Vec<_> = cmd.get_args().collect();
    let mut i = 0;
    while i < args.len() {
        let tuning = args[i] == "-o"
            && args.get(i + 1).is_some_and(|v| {
                let v = v.to_string_lossy();
                v.starts_with("Acquire::") || v.starts_with("APT::Sandbox")
            });
        if tuning {
            i += 2;
        } else {
            short.arg(args[i]);
            i += 1;
        }
    }
    show(&short)
}

/// The private apt state used to install from backports.
fn backports(ws: &Ws) -> Result<(Apt, String), String> {
    let host = HostSources::read()?;
    let c = &host.codename;
    let mut lines = vec![
        format!("{} {c} main", host.main),
        format!("{} {c}-updates main", host.main),
        format!("{} {c}-backports main", host.main),
    ];
    if let Some(sec) = &host.security {
        lines.push(format!("{sec} {c}-security main"));
    }
    let apt = Apt::new(
        &ws.cache.join(format!("apt/host-{c}-backports")),
        None,
        &lines,
    )?;
    Ok((apt, format!("{c}-backports")))
}

static APT_UPDATED: AtomicBool = AtomicBool::new(false);

/// What [`prepare`] did.
pub struct Prepared {
    /// For each target that still cannot run: why, with the commands that would fix it.
    pub missing: BTreeMap<String, String>,
    /// When something was installed: a row saying what, and how long it took.
    pub row: Option<Row>,
}

/// Installs what `targets` lack for `tier` (as root on Debian).
pub fn prepare(ws: &Ws, targets: &[Target], tier: Tier) -> Prepared {
    let start = Instant::now();
    let (missing, installed) = install_missing(ws, targets, tier);
    let row = (!installed.is_empty()).then(|| {
        Row::new(
            tier,
            "all",
            "install",
            missing.is_empty(),
            start.elapsed(),
            installed.join(", "),
        )
    });
    Prepared { missing, row }
}

/// `rustup target add` commands that differ only in their triple, as one command.
fn merge_target_adds(cmds: Vec<Vec<String>>) -> Vec<Vec<String>> {
    // Each output command as (everything but the triples, triples); only target adds get
    // triples.
    let mut out: Vec<(Vec<String>, Vec<String>)> = Vec::new();
    for mut cmd in cmds {
        if cmd.len() > 3 && cmd[..3] == ["rustup", "target", "add"] {
            let triple = cmd.pop().unwrap_or_default();
            if let Some((_, triples)) = out.iter_mut().find(|(p, t)| *p == cmd && !t.is_empty()) {
                triples.push(triple);
            } else {
                out.push((cmd, vec![triple]));
            }
        } else {
            out.push((cmd, Vec::new()));
        }
    }
    out.into_iter()
        .map(|(mut cmd, triples)| {
            cmd.extend(triples);
            cmd
        })
        .collect()
}

/// Returns the targets that still lack something, and what was installed.
fn install_missing(
    ws: &Ws,
    targets: &[Target],
    tier: Tier,
) -> (BTreeMap<String, String>, Vec<String>) {
    let mut all = Lacks::default();
    let mut per_target = Vec::new();
    for t in targets {
        let l = lacks(ws, t, tier);
        for cmd in &l.rust {
            if !all.rust.contains(cmd) {
                all.rust.push(cmd.clone());
            }
        }
        all.apt.extend(l.apt.iter().cloned());
        all.backports.extend(l.backports.iter().cloned());
        per_target.push((t, l));
    }
    if all.is_empty() {
        return (BTreeMap::new(), Vec::new());
    }
    let mut installed = Vec::new();

    // rustup installs into the user's own toolchains: no root needed.
    let rustup_cmds = if may_install() {
        merge_target_adds(all.rust.clone())
    } else {
        Vec::new()
    };
    for cmd in rustup_cmds {
        eprintln!("xtask: installing: {}", cmd.join(" "));
        let mut c = Command::new(&cmd[0]);
        c.args(&cmd[1..]).current_dir(&ws.root);
        match run_visible(&mut c) {
            Ok(()) => installed.push(cmd[1..].join(" ")),
            Err(e) => eprintln!("xtask: {e}"),
        }
    }
    let can_apt = is_root() && is_debian() && may_install();
    if can_apt && !all.apt.is_empty() {
        if !APT_UPDATED.swap(true, Ordering::SeqCst) {
            eprintln!("xtask: apt-get update");
            let _ = run_visible(Command::new("apt-get").args(["-q", "update"]));
        }
        let pkgs: Vec<String> = all.apt.iter().cloned().collect();
        eprintln!("xtask: installing {}", pkgs.join(" "));
        match run_visible(
            Command::new("apt-get")
                .args(["-q", "-y", "--no-install-recommends", "install"])
                .args(&pkgs)
                .env("DEBIAN_FRONTEND", "noninteractive"),
        ) {
            Ok(()) => installed.push(format!("apt: {}", pkgs.join(" "))),
            Err(e) => eprintln!("xtask: {e}"),
        }
    }
    if can_apt && !all.backports.is_empty() {
        let pkgs: Vec<String> = all.backports.iter().cloned().collect();
        eprintln!("xtask: installing {} from backports", pkgs.join(" "));
        let result = backports(ws).and_then(|(apt, release)| {
            apt.update()?;
            apt.install(&release, &pkgs)?;
            apt.clean();
            Ok(release)
        });
        match result {
            Ok(release) => installed.push(format!("{release}: {}", pkgs.join(" "))),
            Err(e) => eprintln!("xtask: {e}"),
        }
    }

    // Check again, and say what is still missing.
    let mut errors = BTreeMap::new();
    for (t, before) in per_target {
        if before.is_empty() {
            continue;
        }
        let l = lacks(ws, t, tier);
        if l.is_empty() {
            continue;
        }
        let mut fixes: Vec<String> = l.rust.iter().map(|c| c.join(" ")).collect();
        if !l.apt.is_empty() {
            let pkgs: Vec<&str> = l.apt.iter().map(String::as_str).collect();
            fixes.push(format!(
                "apt-get install -y --no-install-recommends {}",
                pkgs.join(" ")
            ));
        }
        if !l.backports.is_empty() {
            let pkgs: Vec<String> = l.backports.iter().cloned().collect();
            let cmd = match backports(ws) {
                Ok((apt, release)) => {
                    format!(
                        "{} && {}",
                        show_short(&apt.update_command()),
                        show_short(&apt.install_command(&release, &pkgs))
                    )
                }
                Err(e) => format!("(backports: {e}) apt-get install {}", pkgs.join(" ")),
            };
            fixes.push(cmd);
        }
        let how = if can_apt {
            "installing failed; try"
        } else {
            "run as root on Debian (without XTASK_NO_INSTALL), or"
        };
        errors.insert(
            t.name.clone(),
            format!("missing tools; {how}: {}", fixes.join(" && ")),
        );
    }
    (errors, installed)
}

#[cfg(test)]
mod tests {
    use super::{gcc_package, merge_target_adds};

    #[test]
    fn gcc_packages() {
        assert_eq!(
            gcc_package("aarch64-linux-gnu-gcc"),
            "gcc-aarch64-linux-gnu"
        );
        assert_eq!(
            gcc_package("arm-linux-gnueabihf-gcc"),
            "gcc-arm-linux-gnueabihf"
        );
        assert_eq!(gcc_package("x86_64-linux-gnu-gcc"), "gcc-x86-64-linux-gnu");
    }

    #[test]
    fn target_adds_merge() {
        let cmd = |s: &str| s.split(' ').map(String::from).collect::<Vec<_>>();
        let merged = merge_target_adds(vec![
            cmd("rustup target add a"),
            cmd("rustup target add --toolchain nightly c"),
            cmd("rustup component add --toolchain nightly rust-src"),
            cmd("rustup target add b"),
            cmd("rustup target add --toolchain nightly d"),
        ]);
        assert_eq!(
            merged,
            vec![
                cmd("rustup target add a b"),
                cmd("rustup target add --toolchain nightly c d"),
                cmd("rustup component add --toolchain nightly rust-src"),
            ]
        );
    }
}
