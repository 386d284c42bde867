//! The `#![no_std]` `ip`-like tool of `examples/nostd-echo` (`nostd-ip`: `link show`,
//! `link set`, `address add`, `route add` on baresock's rtnetlink calls): built by the same
//! cargo run as the echo servers ([`echo::build`](super::echo::build) with [`NOSTD_IP`] among
//! the programs), proved static and free of libc as they are, run under qemu-user (`link show`
//! against the kernel's own list of links, `/sys/class/net`), and measured by `cargo xtask
//! size` beside Debian's busybox (its `ip` applet) and iproute2's `ip` ([`Ip::get`]). The VMs
//! run it for real (`vm_smoke_nostd_ip` in tests/vm_guest.rs).

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use super::apt::first_suite;
use super::proc::{run_limited, run_stdout};
use super::targets::Target;
use super::Ws;
use crate::report::Row;

/// The program's name (a `[[bin]]` of the example crate).
pub const NOSTD_IP: &str = "nostd-ip";
/// The longest one run of the tool may take.
const RUN_LIMIT: Duration = Duration::from_secs(30);
/// The Debian packages measured beside it.
const PACKAGES: [&str; 2] = ["busybox-static", "iproute2"];

/// The row of `t` in the qemu-user tier: the program static, no undefined symbol, no libc;
/// then [`exercise`] under qemu-user, and natively where `t` is the host's architecture.
pub fn row(ws: &Ws, t: &Target, built: bool) -> Row {
    super::user::echo_row(ws, t, built, NOSTD_IP, "no_std ip", exercise)
}

/// Runs `argv` with `args`: its exit code and what it printed.
fn run(argv: &[&OsStr], args: &[&str]) -> Result<(Option<i32>, String), String> {
    let mut cmd = Command::new(argv[0]);
    cmd.args(&argv[1..]).args(args);
    let done = run_limited(&mut cmd, RUN_LIMIT).map_err(|e| format!("cannot run: {e}"))?;
    if let Some(why) = done.killed {
        return Err(format!("nostd-ip {}: killed: {why}", args.join(" ")));
    }
    Ok((done.code, done.output))
}

/// The links the kernel lists in `/sys/class/net`: index to name and MTU.
fn sys_links() -> SysLinks {
    let mut links = BTreeMap::new();
    let Ok(dir) = fs::read_dir("/sys/class/net") else {
        return links;
    };
    for e in dir.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let read = |f: &str| -> Option<u32> {
            fs::read_to_string(e.path().join(f))
                .ok()
                .and_then(|s| s.trim().parse().ok())
        };
        if let (Some(index), Some(mtu)) = (read("ifindex"), read("mtu")) {
            links.insert(index, (name, mtu));
        }
    }
    links
}

/// Whether the ELF file `path` is big-endian (`EI_DATA` is `ELFDATA2MSB`).
fn big_endian(path: &OsStr) -> bool {
    fs::read(path).is_ok_and(|d| d.get(5) == Some(&2))
}

/// The links of `/sys/class/net`, by index: name and MTU.
type SysLinks = BTreeMap<u32, (String, u32)>;

/// Checks `nostd-ip link show`'s lines against `/sys/class/net` read `before` and `after` it
/// ran (links another process adds or removes meanwhile do not count): every link there in
/// both readings has its line, `INDEX: NAME: <...> mtu MTU`, and every line names a link of
/// either reading. Returns how many lines it checked.
fn check_show(out: &str, before: &SysLinks, after: &SysLinks) -> Result<usize, String> {
    let mut seen = Vec::new();
    for line in out.lines() {
        let (index, rest) = line
            .split_once(": ")
            .ok_or_else(|| format!("not a link line: {line:?}"))?;
        let index: u32 = index.parse().map_err(|_| format!("no index in {line:?}"))?;
        let (name, mtu) = before
            .get(&index)
            .or_else(|| after.get(&index))
            .ok_or_else(|| format!("{line:?}: no link {index} in /sys/class/net"))?;
        if !rest.starts_with(&format!("{name}: <")) || !rest.contains(&format!("> mtu {mtu}")) {
            return Err(format!("{line:?}: /sys/class/net has {name}, mtu {mtu}"));
        }
        seen.push(index);
    }
    for (index, (name, _)) in before {
        if after.get(index).is_some_and(|(n, _)| n == name) && !seen.contains(index) {
            return Err(format!("no line for link {index} ({name}):\n{out}"));
        }
    }
    Ok(seen.len())
}

/// The tool's checks that need no privilege and leave the host as it is: without arguments
/// and with a bad one it exits 2; `link show` prints the host's links (under qemu-user on a
/// big-endian guest it may exit 1 instead: qemu leaves the last empty attribute of a link
/// reply unswapped, which the library rejects; tests/common's `qemu_netlink_links_gap`), and
/// `link show dev` of a link that is not there exits 1 with the kernel's `ENODEV`.
fn exercise(argv: &[&OsStr]) -> Result<String, String> {
    for args in [&[][..], &["link", "frob"]] {
        let (code, said) = run(argv, args)?;
        if code != Some(2) {
            return Err(format!(
                "nostd-ip {args:?} ended with {code:?}, not 2: {said}"
            ));
        }
    }
    let (code, said) = run(argv, &["link", "show", "dev", "xtask-none0"])?;
    if code != Some(1) || !said.contains("ENODEV") {
        return Err(format!("link show of no link: {code:?}, {said}"));
    }
    let qemu_gap = argv.len() > 1 && big_endian(argv[argv.len() - 1]);
    let before = sys_links();
    let (code, said) = run(argv, &["link", "show"])?;
    match code {
        Some(0) => {
            check_show(&said, &before, &sys_links()).map(|n| format!("link show: {n} links"))
        }
        Some(1) if qemu_gap => Ok(format!(
            "link show refused as qemu-user's big-endian link replies are ({})",
            said.trim()
        )),
        _ => Err(format!("link show ended with {code:?}: {said}")),
    }
}

/// Debian's busybox-static and iproute2's `ip` of one architecture, unpacked under
/// `target/xtask-cache/ip/<arch>`: the same packages the VMs' guests have (vm.rs fetches them
/// with the kernel; here only these two, from the first suite of `targets/<arch>.toml` that
/// has iproute2).
pub struct Ip {
    /// busybox-static's `busybox` (`/bin` or `/usr/bin`): one multi-call binary, every
    /// applet in it.
    pub busybox: PathBuf,
    /// iproute2's `ip` (`/bin/ip` or `/usr/sbin/ip`), dynamically linked.
    pub ip: PathBuf,
    /// `busybox-static 1:1.35.0-4+b3, iproute2 6.1.0-3 (bookworm)`.
    pub source: String,
}

impl Ip {
    /// The cached programs of `t`, or freshly fetched ones.
    pub fn get(ws: &Ws, t: &Target) -> Result<Ip, String> {
        let dir = ws.cache.join("ip").join(&t.name);
        let stamp = dir.join("ip.txt");
        let key = format!("{} {}", t.vm.debian_arch, t.vm.suites.join(","));
        if let Ok(text) = fs::read_to_string(&stamp) {
            let field = |k: &str| super::stamp_field(&text, k);
            let ip = Ip {
                busybox: dir.join(field("busybox=")),
                ip: dir.join(field("ip=")),
                source: field("source="),
            };
            if field("key=") == key && ip.busybox.is_file() && ip.ip.is_file() {
                return Ok(ip);
            }
        }
        let _ = fs::remove_dir_all(&dir);
        let (apt, suite, ()) = first_suite(
            &ws.cache,
            &t.vm.debian_arch,
            &t.vm.suites,
            "iproute2",
            |apt| PACKAGES.iter().try_for_each(|p| apt.show(p).map(|_| ())),
        )?;
        let debs = dir.join("debs");
        let packages: Vec<String> = PACKAGES.map(String::from).into();
        apt.download(&packages, &debs)?;
        let root = dir.join("root");
        for deb in fs::read_dir(&debs)
            .map_err(|e| format!("{}: {e}", debs.display()))?
            .flatten()
        {
            let mut cmd = Command::new("dpkg-deb");
            run_stdout(cmd.arg("-x").arg(deb.path()).arg(&root))?;
        }
        let _ = fs::remove_dir_all(&debs);
        // Where the package puts it: `/bin` in bookworm, `/usr/bin` or `/usr/sbin` in trixie
        // (merged /usr); the real file, not a link to it.
        let find = |name: &str| {
            ["bin", "sbin", "usr/bin", "usr/sbin"]
                .iter()
                .map(|d| Path::new("root").join(d).join(name))
                .find(|p| dir.join(p).is_file() && !dir.join(p).is_symlink())
                .ok_or(format!("no {name} in {}", PACKAGES.join(", ")))
        };
        let ip = find("ip")?;
        let busybox = find("busybox")?;
        let versions = PACKAGES
            .iter()
            .map(|p| Ok(format!("{p} {}", apt.version(p)?)))
            .collect::<Result<Vec<_>, String>>()?;
        let source = format!("{} ({suite})", versions.join(", "));
        let text = format!(
            "key={key}\nip={}\nbusybox={}\nsource={source}\n",
            ip.display(),
            busybox.display()
        );
        fs::write(&stamp, text).map_err(|e| format!("{}: {e}", stamp.display()))?;
        Ok(Ip {
            busybox: dir.join(busybox),
            ip: dir.join(ip),
            source,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_show_against_sys() {
        let mut sys = BTreeMap::new();
        sys.insert(1, ("lo".to_string(), 65536));
        sys.insert(4, ("eth0".to_string(), 1400));
        let good = "1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 state UNKNOWN\n\
                    4: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1400 state UP\n";
        assert_eq!(check_show(good, &sys, &sys), Ok(2));
        let bad = "1: lo: <LOOPBACK> mtu 1500 state UNKNOWN\n";
        assert!(check_show(bad, &sys, &sys)
            .unwrap_err()
            .contains("mtu 65536"));
        assert!(check_show("junk\n", &sys, &sys)
            .unwrap_err()
            .contains("not a link line"));
        // A link missing from the output counts only if it was there before and after.
        let only_lo = "1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 state UNKNOWN\n";
        assert!(check_show(only_lo, &sys, &sys)
            .unwrap_err()
            .contains("no line for link 4"));
        let mut gone = sys.clone();
        gone.remove(&4);
        assert_eq!(check_show(only_lo, &sys, &gone), Ok(1));
        // A line for a link that came meanwhile is fine; one for no link is not.
        assert_eq!(check_show(good, &gone, &sys), Ok(2));
        let ghost = "9: ghost0: <UP> mtu 1500 state UP\n";
        assert!(check_show(ghost, &gone, &gone)
            .unwrap_err()
            .contains("no link 9"));
    }
}
