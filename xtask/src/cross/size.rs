//! `cargo xtask size`: the size of the `#![no_std]` UDP echo server on baresock, per
//! architecture, beside the same server
//! - on rustix alone (`rustix-echo`, the same crate): what baresock itself adds;
//! - with std on musl (`examples/size-compare/std-echo`), where rustup serves a musl std here
//!   (x86_64, i686, aarch64);
//! - in C with musl (`examples/size-compare/echo.c`), on every architecture: Debian's
//!   `musl-dev` of that architecture, fetched and unpacked by the xtask ([`super::musl`]), and
//!   compiled by Debian's gcc for it (`[size] c_gcc`, installed as root like the other tools)
//!   through the package's own musl-gcc specs, i.e. as `<multiarch>-gcc` (Debian's musl-gcc
//!   for that architecture) would. Each C program is proven static (no interpreter, no dynamic
//!   section) and, where qemu-user is there (the host's own architecture runs natively), run
//!   once against a client.
//!
//! Same linker settings in every column of an architecture: rust-lld links every program,
//! static and not position-independent, with `--gc-sections -z relro -z now` (what rustc
//! passes; the C build passes the same), no unwind tables, and every program is stripped the
//! same way (`rust-objcopy --strip-all`). For reference only, the C program as
//! `musl-gcc -Os -static` builds it with the architecture's Debian ld (which pads to its
//! largest page size: 64 KiB on aarch64 and powerpc64le); n/a when musl-dev is not from the
//! host's Debian release.
//!
//! A second table (issue 20) sets TCP echo servers that serve many connections side by side,
//! static and stripped the same way: tokio's (`examples/size-compare/tokio-echo`: the very
//! server `cargo xtask bench` measures, `bench/src/bin/echo/srv_tokio.rs`, on the current-thread
//! runtime, std, musl; the musl targets, as std-echo) beside baresock's static async echo
//! (`examples/nostd-echo/src/bin/async-echo.rs`: the reactor and embassy-executor, a task per
//! connection, `no_std`, no allocator, no libc).
//!
//! A third table (issue 21) sets `nostd-ip` (`examples/nostd-echo/src/bin/nostd-ip.rs`: a static
//! `ip`-like tool on baresock's rtnetlink calls, `no_std`, no allocator, no libc) beside
//! Debian's `busybox-static` of the same architecture (one multi-call binary: its whole size,
//! the `ip` applet with every other) and Debian's iproute2 `ip` (its own file only: it links
//! glibc, libbpf, libmnl, libelf and more dynamically, none counted), both stripped the same
//! way ([`nostd_ip::Ip`] fetches them). No goal: the x86_64 figure is printed with the goals.
//!
//! Goals: at most 3 KiB on x86_64 for the UDP echo (issue 10), under 20 KiB for the async TCP
//! echo (issue 20), and the UDP echo smaller than C + musl on every architecture
//! (where there is a figure). Exits non-zero when a build fails or a goal is missed.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use super::apt::HostSources;
use super::echo;
use super::elf;
use super::install::{self, qemu_user, Tier};
use super::musl::Musl;
use super::nostd_ip::{Ip, NOSTD_IP};
use super::proc::{run_limited, show, tail};
use super::targets::{self, Target};
use super::Ws;

/// The comparisons' directory, from the workspace root.
const COMPARE_DIR: &str = "examples/size-compare";
/// x86_64's goal.
const X86_64_GOAL: u64 = 3 * 1024;
/// Issue 20's goal: the static async TCP echo (a task per connection) under 20 KiB on x86_64.
const ASYNC_X86_64_GOAL: u64 = 20 * 1024;
/// The C build (after `-specs <musl-gcc.specs>`), linked by rust-lld (through gcc's
/// `-fuse-ld=lld` and rustc's `gcc-ld` directory) with rustc's flags. musl's specs always name
/// a dynamic linker, which lld would honour even in a static link: `--no-dynamic-linker` drops
/// it.
const C_FLAGS: &[&str] = &[
    "-Os",
    "-static",
    "-fno-pie",
    "-no-pie",
    "-fno-asynchronous-unwind-tables",
    "-ffunction-sections",
    "-fdata-sections",
    "-fuse-ld=lld",
    "-Wl,--no-dynamic-linker,--gc-sections,-z,relro,-z,now,--eh-frame-hdr,-z,noexecstack",
];
/// The std build's flags, as the no_std example's `.cargo/config.toml` has them for the same
/// linker settings (the musl targets link self-contained: musl's crt and libc from rustup).
const STD_FLAGS: &[&str] = &[
    "-Clinker=rust-lld",
    "-Crelocation-model=static",
    "-Ctarget-feature=+crt-static",
    "-Cforce-unwind-tables=no",
];

/// The reference C build: what `musl-gcc -Os -static` does.
const C_DEFAULT_FLAGS: &[&str] = &["-Os", "-static"];

/// One cell of the table: bytes, or why there is no figure.
enum Cell {
    Bytes(u64),
    NotApplicable(String),
    Failed(String),
}

impl Cell {
    fn bytes(&self) -> Option<u64> {
        match self {
            Cell::Bytes(n) => Some(*n),
            _ => None,
        }
    }

    fn show(&self) -> String {
        match self {
            Cell::Bytes(n) => thousands(*n),
            Cell::NotApplicable(_) => "n/a".into(),
            Cell::Failed(_) => "FAILED".into(),
        }
    }
}

/// `12,345`.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// One architecture's row.
struct Sizes {
    arch: String,
    nostd: Cell,
    rustix: Cell,
    std: Cell,
    c: Cell,
    c_default: Cell,
    /// tokio's TCP echo (std, musl).
    tokio: Cell,
    /// baresock's static async TCP echo (no_std). The hook for issue 20's static async echo
    /// server: build it beside [`echo::ECHO`] and fill this cell; until then n/a.
    async_echo: Cell,
    /// The static `ip`-like tool (no_std), busybox-static (all of it) and iproute2's `ip`
    /// (without its libraries), and where the last two come from.
    nostd_ip: Cell,
    busybox: Cell,
    iproute2: Cell,
    ip_source: Option<String>,
    /// Where the C figures come from (`musl-dev 1.2.3-1 (bookworm), gcc 12`), and how the C
    /// echo ran (`qemu-aarch64`, `natively`; `None`: it did not run).
    c_source: Option<String>,
    c_ran: Option<String>,
}

/// Runs `cargo xtask size` for the architectures named in `selected` (all when empty);
/// returns whether everything built and every goal was met.
pub fn run_size(selected: &[String]) -> bool {
    let ws = Ws::find();
    let list = match targets::load(&ws.root.join("targets"), selected) {
        Ok(list) => list,
        Err(e) => {
            eprintln!("xtask: {e}");
            return false;
        }
    };
    let prepared = install::prepare(&ws, &list, Tier::Size);
    for (arch, why) in &prepared.missing {
        eprintln!("xtask: {arch}: {why}");
    }
    let ready: Vec<&Target> = list
        .iter()
        .filter(|t| !prepared.missing.contains_key(&t.name))
        .collect();

    let nostd = if ready.is_empty() {
        Err("nothing to build".to_string())
    } else {
        echo::build(
            &ws,
            &ready,
            &[
                echo::ECHO,
                echo::BASELINE,
                super::async_echo::ASYNC_ECHO,
                NOSTD_IP,
            ],
        )
    };
    let musl: Vec<&Target> = ready.iter().copied().filter(|t| t.libc == "musl").collect();
    let std_built = if musl.is_empty() {
        Ok(())
    } else {
        build_std(&ws, STD_ECHO, &musl)
    };
    let tokio_built = if musl.is_empty() {
        Ok(())
    } else {
        build_std(&ws, TOKIO_ECHO, &musl)
    };

    let mut rows = Vec::new();
    for t in &list {
        let missing = prepared.missing.get(&t.name);
        let rust = |bin: &str| -> Cell {
            if let Some(why) = missing {
                return Cell::Failed(why.clone());
            }
            if let Err(e) = &nostd {
                return Cell::Failed(e.clone());
            }
            let path = echo::built(&ws, t, bin);
            let checked = echo::check_static(&path)
                .map_err(|e| format!("{bin}: {e}"))
                .and_then(|()| echo::strip(&ws, &path, &echo::stripped(&ws, &t.name, bin)));
            checked.map_or_else(Cell::Failed, Cell::Bytes)
        };
        let std_cell = |bin: &str, built: &Result<(), String>| {
            if t.libc != "musl" {
                Cell::NotApplicable("rustup serves no musl std for this architecture here".into())
            } else if let Some(why) = missing {
                Cell::Failed(why.clone())
            } else {
                match built {
                    Err(e) => Cell::Failed(e.clone()),
                    Ok(()) => {
                        let path = ws.target_dir.join(&t.triple).join("release").join(bin);
                        echo::strip(&ws, &path, &echo::stripped(&ws, &t.name, bin))
                            .map_or_else(Cell::Failed, Cell::Bytes)
                    }
                }
            }
        };
        let std = std_cell(STD_ECHO, &std_built);
        let tokio = std_cell(TOKIO_ECHO, &tokio_built);
        let c = match missing {
            Some(why) => CBuild::failed(why.clone()),
            None => build_c(&ws, t),
        };
        // Debian's programs, stripped as ours are.
        let debian = |which: &str, from: &Path| -> Cell {
            echo::strip(&ws, from, &echo::stripped(&ws, &t.name, which))
                .map_or_else(Cell::Failed, Cell::Bytes)
        };
        let (busybox, iproute2, ip_source) = match Ip::get(&ws, t) {
            Ok(ip) => (
                debian("busybox", &ip.busybox),
                debian("iproute2-ip", &ip.ip),
                Some(ip.source),
            ),
            Err(e) => (Cell::Failed(e.clone()), Cell::Failed(e), None),
        };
        rows.push(Sizes {
            arch: t.name.clone(),
            nostd: rust(echo::ECHO),
            rustix: rust(echo::BASELINE),
            std,
            c: c.c,
            c_default: c.c_default,
            tokio,
            async_echo: rust(super::async_echo::ASYNC_ECHO),
            nostd_ip: rust(NOSTD_IP),
            busybox,
            iproute2,
            ip_source,
            c_source: c.source,
            c_ran: c.ran,
        });
    }
    println!("\n{}", table(&rows));
    println!("{}", tcp_table(&rows));
    println!("{}", ip_table(&rows));
    let (report, met) = goals(&rows);
    println!("{report}");
    let failures: Vec<String> = rows
        .iter()
        .flat_map(|r| {
            [
                &r.nostd,
                &r.rustix,
                &r.std,
                &r.c,
                &r.c_default,
                &r.tokio,
                &r.async_echo,
                &r.nostd_ip,
                &r.busybox,
                &r.iproute2,
            ]
            .into_iter()
            .filter_map(move |c| match c {
                Cell::Failed(why) => Some(format!("{}: {why}", r.arch)),
                _ => None,
            })
        })
        .collect();
    for f in &failures {
        println!("FAILED {f}");
    }
    failures.is_empty() && met
}

/// The std programs: the UDP echo, and tokio's TCP echo (their directories under
/// [`COMPARE_DIR`], and their binaries).
const STD_ECHO: &str = "std-echo";
const TOKIO_ECHO: &str = "tokio-echo";

/// A std program (`std-echo`, `tokio-echo`) for the musl targets, in one cargo run (the
/// workspace's own toolchain).
fn build_std(ws: &Ws, name: &str, targets: &[&Target]) -> Result<(), String> {
    let mut cmd = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    cmd.current_dir(ws.root.join(COMPARE_DIR).join(name))
        .args(["build", "--release"])
        .env("CARGO_TARGET_DIR", &ws.target_dir)
        .env("CARGO_PROFILE_RELEASE_STRIP", "false")
        .env_remove("RUSTFLAGS")
        .env("CARGO_ENCODED_RUSTFLAGS", STD_FLAGS.join("\u{1f}"));
    for t in targets {
        cmd.args(["--target", &t.triple]);
    }
    eprintln!("xtask: $ {}", show(&cmd));
    let done = run_limited(&mut cmd, Duration::from_secs(20 * 60))
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if done.success() {
        Ok(())
    } else {
        eprintln!("{}", tail(&done.output, 40));
        Err(format!("{name}: cargo build failed ({})", done.describe()))
    }
}

/// One architecture's C figures.
struct CBuild {
    c: Cell,
    c_default: Cell,
    source: Option<String>,
    ran: Option<String>,
}

impl CBuild {
    fn failed(why: String) -> CBuild {
        CBuild {
            c: Cell::Failed(why.clone()),
            c_default: Cell::Failed(why),
            source: None,
            ran: None,
        }
    }
}

/// The C echo for `t` with Debian's musl-dev of its architecture, compiled by `t`'s gcc
/// through musl-dev's own specs: linked by rust-lld with the Rust programs' flags (then run
/// once, where it can run), and for reference as `musl-gcc -Os -static` links it with
/// Debian's ld. Both stripped alike.
fn build_c(ws: &Ws, t: &Target) -> CBuild {
    let musl = match Musl::get(ws, t) {
        Ok(m) => m,
        Err(e) => return CBuild::failed(format!("C: {e}")),
    };
    if musl.gcc != t.c_gcc {
        return CBuild::failed(format!(
            "C: musl-dev's musl-gcc runs {}, targets/{}.toml says {}",
            musl.gcc, t.name, t.c_gcc
        ));
    }
    let gcc_version = {
        let mut cmd = Command::new(&t.c_gcc);
        super::proc::run_stdout(cmd.arg("-dumpversion"))
            .map(|v| v.trim().to_owned())
            .unwrap_or_else(|_| "?".into())
    };
    let source = format!(
        "musl-dev {} ({}), gcc {gcc_version}",
        musl.version, musl.suite
    );
    let source_file = ws.root.join(COMPARE_DIR).join("echo.c");
    let dir = ws.target_dir.join("xtask-size").join(&t.name);
    let _ = std::fs::create_dir_all(&dir);
    // Builds, proves static and strips; returns the stripped program and its size.
    let compile =
        |name: &str, flags: &[&str], lld: Option<&Path>| -> Result<(PathBuf, u64), String> {
            let out = dir.join(format!("{name}.unstripped"));
            let mut cmd = Command::new(&t.c_gcc);
            cmd.arg("-specs").arg(&musl.specs).args(flags);
            if let Some(dir) = lld {
                cmd.arg("-B").arg(dir);
            }
            cmd.arg("-o").arg(&out).arg(&source_file);
            eprintln!("xtask: $ {}", show(&cmd));
            let done = run_limited(&mut cmd, Duration::from_secs(120))
                .map_err(|e| format!("{name}: {e}"))?;
            if !done.success() {
                return Err(format!(
                    "{name}: {} {}",
                    done.describe(),
                    tail(&done.output, 5)
                ));
            }
            check_no_loader(&out).map_err(|e| format!("{name}: {e}"))?;
            let stripped = dir.join(name);
            let bytes = echo::strip(ws, &out, &stripped)?;
            Ok((stripped, bytes))
        };
    let lld = match echo::host_tools(ws) {
        Ok((_, bin)) => bin.join("gcc-ld"),
        Err(e) => return CBuild::failed(e),
    };
    let mut ran = None;
    let c = match compile("c-echo", C_FLAGS, Some(&lld)) {
        Err(e) => Cell::Failed(e),
        Ok((program, bytes)) => match run_c(t, &program) {
            Ok(how) => {
                ran = how;
                Cell::Bytes(bytes)
            }
            Err(e) => Cell::Failed(format!("c-echo built, but {e}")),
        },
    };
    let host = HostSources::read().map(|h| h.codename).unwrap_or_default();
    let c_default = if musl.suite != host {
        // A newer release's objects with this release's ld is nobody's musl-gcc (bookworm's
        // riscv64 ld crashes on trixie's libc.a).
        Cell::NotApplicable(format!(
            "musl-dev is {}'s, the host's ld {host}'s: not one Debian release's musl-gcc",
            musl.suite
        ))
    } else {
        compile("c-echo-debian-ld", C_DEFAULT_FLAGS, None)
            .map_or_else(Cell::Failed, |(_, bytes)| Cell::Bytes(bytes))
    };
    CBuild {
        c,
        c_default,
        source: Some(source),
        ran,
    }
}

/// Proves the C program at `path` static: no interpreter, no dynamic section. (It has libc in
/// it, and musl's weak references stay undefined, so not [`echo::check_static`].)
fn check_no_loader(path: &Path) -> Result<(), String> {
    let data = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let l = elf::linkage(&data)?;
    if l.interp || l.dynamic {
        return Err("not static: it has an interpreter or a dynamic section".into());
    }
    Ok(())
}

/// Runs the C echo against a client ([`echo::exercise`]): natively on the host's own
/// architecture, otherwise under qemu-user when it is installed. Returns how it ran, or `None`
/// when it could not run here.
fn run_c(t: &Target, program: &Path) -> Result<Option<String>, String> {
    let native = t.name == std::env::consts::ARCH;
    let qemu = match (native, qemu_user(t)) {
        (true, _) => None,
        (false, Some(q)) => Some(q),
        (false, None) => return Ok(None),
    };
    let mut argv: Vec<&OsStr> = qemu.iter().map(|q| q.as_os_str()).collect();
    argv.push(program.as_os_str());
    echo::exercise(&argv)?;
    Ok(Some(if native {
        "natively".into()
    } else {
        t.qemu_user.clone()
    }))
}

fn table(rows: &[Sizes]) -> String {
    let mut out = String::from(
        "UDP echo server, static, stripped (bytes). Same linker settings in every column but \
         the last:\nrust-lld, static non-PIE, --gc-sections -z relro -z now, no unwind tables, \
         rust-objcopy --strip-all.\n\n",
    );
    let head = [
        "arch",
        "no_std baresock",
        "no_std rustix",
        "baresock adds",
        "std, musl",
        "C, musl",
        "C, musl, Debian ld",
    ];
    let mut lines: Vec<[String; 7]> = vec![head.map(String::from)];
    for r in rows {
        let adds = match (r.nostd.bytes(), r.rustix.bytes()) {
            (Some(a), Some(b)) if a >= b => format!("+{}", thousands(a - b)),
            (Some(a), Some(b)) => format!("-{}", thousands(b - a)),
            _ => "-".into(),
        };
        lines.push([
            r.arch.clone(),
            r.nostd.show(),
            r.rustix.show(),
            adds,
            r.std.show(),
            r.c.show(),
            r.c_default.show(),
        ]);
    }
    let widths: Vec<usize> = (0..7)
        .map(|i| lines.iter().map(|l| l[i].len()).max().unwrap_or(0))
        .collect();
    for l in &lines {
        let mut line = format!("{:w$}", l[0], w = widths[0]);
        for i in 1..7 {
            line.push_str(&format!("  {:>w$}", l[i], w = widths[i]));
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    let mut notes: Vec<String> = Vec::new();
    for (what, cell) in [("std", 0), ("C", 1), ("C, Debian ld", 2)] {
        let na = |r: &Sizes| match [&r.std, &r.c, &r.c_default][cell] {
            Cell::NotApplicable(why) => Some(why.clone()),
            _ => None,
        };
        let mut whys: Vec<String> = Vec::new();
        for why in rows.iter().filter_map(na) {
            if !whys.contains(&why) {
                whys.push(why);
            }
        }
        for why in whys {
            let which = archs(rows, |r| na(r).as_ref() == Some(&why));
            notes.push(format!("{what} n/a ({which}): {why}"));
        }
    }
    // Where the C figures come from, and how the C echo ran.
    let mut sources: Vec<&str> = Vec::new();
    for s in rows.iter().filter_map(|r| r.c_source.as_deref()) {
        if !sources.contains(&s) {
            sources.push(s);
        }
    }
    let sources: Vec<String> = sources
        .iter()
        .map(|s| {
            format!(
                "{s} ({})",
                archs(rows, |r| r.c_source.as_deref() == Some(s))
            )
        })
        .collect();
    if !sources.is_empty() {
        notes.push(format!(
            "C: Debian's musl-dev through its musl-gcc specs, Debian's gcc: {}",
            sources.join("; ")
        ));
    }
    let built = |r: &Sizes| r.c.bytes().is_some();
    let native = archs(rows, |r| built(r) && r.c_ran.as_deref() == Some("natively"));
    let qemu = archs(rows, |r| {
        built(r) && r.c_ran.as_deref().is_some_and(|h| h != "natively")
    });
    let ran: Vec<String> = [("natively", native), ("under qemu-user", qemu)]
        .into_iter()
        .filter(|(_, a)| !a.is_empty())
        .map(|(how, a)| format!("{how} ({a})"))
        .collect();
    if !ran.is_empty() {
        notes.push(format!("C echo run against a client: {}", ran.join(", ")));
    }
    let not_run = archs(rows, |r| built(r) && r.c_ran.is_none());
    if !not_run.is_empty() {
        notes.push(format!("C echo not run, no qemu-user here: {not_run}"));
    }
    for n in notes {
        out.push_str(&format!("{n}.\n"));
    }
    out
}

/// The TCP echo servers that serve many connections: baresock's static async one beside
/// tokio's, with why a column has no figure.
fn tcp_table(rows: &[Sizes]) -> String {
    let mut out = String::from(
        "TCP echo server, many connections, static, stripped (bytes), the same settings:\n\n",
    );
    let head = [
        "arch",
        "baresock async, no_std",
        "tokio current_thread, std, musl",
    ];
    let mut lines: Vec<[String; 3]> = vec![head.map(String::from)];
    for r in rows {
        lines.push([r.arch.clone(), r.async_echo.show(), r.tokio.show()]);
    }
    let widths: Vec<usize> = (0..3)
        .map(|i| lines.iter().map(|l| l[i].len()).max().unwrap_or(0))
        .collect();
    for l in &lines {
        let line = format!(
            "{:w0$}  {:>w1$}  {:>w2$}",
            l[0],
            l[1],
            l[2],
            w0 = widths[0],
            w1 = widths[1],
            w2 = widths[2]
        );
        out.push_str(line.trim_end());
        out.push('\n');
    }
    for (what, pick) in [
        (
            "baresock async",
            (|r: &Sizes| &r.async_echo) as fn(&Sizes) -> &Cell,
        ),
        ("tokio", |r: &Sizes| &r.tokio),
    ] {
        let mut whys: Vec<&str> = Vec::new();
        for r in rows {
            if let Cell::NotApplicable(why) = pick(r) {
                if !whys.contains(&why.as_str()) {
                    whys.push(why);
                }
            }
        }
        for why in whys {
            let which = archs(
                rows,
                |r| matches!(pick(r), Cell::NotApplicable(w) if w == why),
            );
            out.push_str(&format!("{what} n/a ({which}): {why}.\n"));
        }
    }
    out
}

/// The `ip` tools: baresock's static `nostd-ip` beside busybox-static and iproute2's `ip`,
/// with where those come from.
fn ip_table(rows: &[Sizes]) -> String {
    let mut out = String::from("ip tools, stripped (bytes; rust-objcopy --strip-all on each):\n\n");
    let head = [
        "arch",
        "nostd-ip, no_std, static",
        "busybox-static (multi-call: all applets)",
        "iproute2 ip (dynamic: libraries not counted)",
    ];
    let mut lines: Vec<[String; 4]> = vec![head.map(String::from)];
    for r in rows {
        lines.push([
            r.arch.clone(),
            r.nostd_ip.show(),
            r.busybox.show(),
            r.iproute2.show(),
        ]);
    }
    let widths: Vec<usize> = (0..4)
        .map(|i| lines.iter().map(|l| l[i].len()).max().unwrap_or(0))
        .collect();
    for l in &lines {
        let mut line = format!("{:w$}", l[0], w = widths[0]);
        for i in 1..4 {
            line.push_str(&format!("  {:>w$}", l[i], w = widths[i]));
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out.push_str(
        "busybox-static: one multi-call binary, its whole size (the ip applet with every \
         other). iproute2's ip: the program alone; it links glibc, libbpf, libmnl, libelf \
         (and what they need) dynamically, none of them counted.\n",
    );
    let mut sources: Vec<&str> = Vec::new();
    for s in rows.iter().filter_map(|r| r.ip_source.as_deref()) {
        if !sources.contains(&s) {
            sources.push(s);
        }
    }
    for s in sources {
        let which = archs(rows, |r| r.ip_source.as_deref() == Some(s));
        out.push_str(&format!("Debian: {s} ({which}).\n"));
    }
    out
}

/// The architectures of the rows that `pick` selects: `x86_64, i686`.
fn archs(rows: &[Sizes], pick: impl Fn(&Sizes) -> bool) -> String {
    let names: Vec<&str> = rows
        .iter()
        .filter(|r| pick(r))
        .map(|r| r.arch.as_str())
        .collect();
    names.join(", ")
}

/// The goal check: its text and whether every goal was met.
fn goals(rows: &[Sizes]) -> (String, bool) {
    let mut out = String::from("Goals:\n");
    let mut met = true;
    let mut verdict = |ok: bool| {
        met &= ok;
        if ok {
            "met"
        } else {
            "MISSED"
        }
    };
    for r in rows {
        if r.arch == "x86_64" {
            if let Some(n) = r.nostd.bytes() {
                out.push_str(&format!(
                    "  x86_64 no_std echo <= {} B: {} B, {}\n",
                    thousands(X86_64_GOAL),
                    thousands(n),
                    verdict(n <= X86_64_GOAL)
                ));
            }
            if let Some(n) = r.async_echo.bytes() {
                out.push_str(&format!(
                    "  x86_64 static async echo < {} B: {} B, {}\n",
                    thousands(ASYNC_X86_64_GOAL),
                    thousands(n),
                    verdict(n < ASYNC_X86_64_GOAL)
                ));
            }
            if let Some(n) = r.nostd_ip.bytes() {
                let other = |what: &str, c: &Cell| {
                    c.bytes()
                        .map(|b| format!(", {what} {} B", thousands(b)))
                        .unwrap_or_default()
                };
                out.push_str(&format!(
                    "  x86_64 nostd-ip: {} B (no goal{}{})\n",
                    thousands(n),
                    other("busybox-static", &r.busybox),
                    other("iproute2's ip", &r.iproute2)
                ));
            }
        }
        if let (Some(n), Some(c)) = (r.nostd.bytes(), r.c.bytes()) {
            out.push_str(&format!(
                "  {} no_std echo smaller than C + musl: {} B vs {} B, {}\n",
                r.arch,
                thousands(n),
                thousands(c),
                verdict(n < c)
            ));
        }
    }
    (out, met)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(366720), "366,720");
        assert_eq!(thousands(1234567), "1,234,567");
    }

    fn row(arch: &str, nostd: u64, c: Option<u64>) -> Sizes {
        let na = || Cell::NotApplicable("none".into());
        Sizes {
            arch: arch.into(),
            nostd: Cell::Bytes(nostd),
            rustix: Cell::Bytes(1000),
            std: na(),
            c: c.map_or_else(na, Cell::Bytes),
            c_default: na(),
            tokio: na(),
            async_echo: na(),
            nostd_ip: na(),
            busybox: na(),
            iproute2: na(),
            ip_source: None,
            c_source: None,
            c_ran: None,
        }
    }

    #[test]
    fn goal_check() {
        let (text, met) = goals(&[row("x86_64", 3072, Some(4568)), row("s390x", 9000, None)]);
        assert!(met, "{text}");
        assert!(!text.contains("s390x"), "{text}");
        let (text, met) = goals(&[row("x86_64", 3073, Some(4568))]);
        assert!(!met);
        assert!(text.contains("3,073 B, MISSED"), "{text}");
        let (_, met) = goals(&[row("aarch64", 2000, Some(1999))]);
        assert!(!met);
        // Equal is not smaller.
        let (text, met) = goals(&[row("i686", 4924, Some(4924))]);
        assert!(!met);
        assert!(
            text.contains("i686 no_std echo smaller than C + musl: 4,924 B vs 4,924 B, MISSED"),
            "{text}"
        );
        let t = table(&[row("x86_64", 3072, Some(4568)), row("s390x", 9000, None)]);
        assert!(t.contains("+2,072"), "{t}");
        assert!(t.contains("C n/a (s390x): none."), "{t}");
    }

    #[test]
    fn table_notes() {
        let mut rows = vec![
            row("x86_64", 3000, Some(4568)),
            row("i686", 3500, Some(4924)),
            row("aarch64", 3600, Some(5760)),
            row("riscv64", 3700, Some(5152)),
            row("s390x", 3200, Some(6816)),
        ];
        let bookworm = "musl-dev 1.2.3-1 (bookworm), gcc 12";
        for (r, (source, ran)) in rows.iter_mut().zip(
            [
                bookworm,
                bookworm,
                bookworm,
                "musl-dev 1.2.5-3 (trixie), gcc 12",
                bookworm,
            ]
            .into_iter()
            .zip([
                Some("natively"),
                Some("qemu-i386"),
                None,
                Some("qemu-riscv64"),
                Some("qemu-s390x"),
            ]),
        ) {
            r.c_source = Some(source.into());
            r.c_ran = ran.map(String::from);
            r.c_default = Cell::Bytes(13232);
        }
        rows[3].c_default = Cell::NotApplicable("not one release".into());
        rows[0].std = Cell::Bytes(366720);
        let t = table(&rows);
        // One note per reason, naming every architecture it holds for.
        assert!(
            t.contains("std n/a (i686, aarch64, riscv64, s390x): none.\n"),
            "{t}"
        );
        assert!(
            t.contains("C, Debian ld n/a (riscv64): not one release.\n"),
            "{t}"
        );
        assert!(!t.contains("C n/a"), "{t}");
        assert!(
            t.contains(
                "C: Debian's musl-dev through its musl-gcc specs, Debian's gcc: \
             musl-dev 1.2.3-1 (bookworm), gcc 12 (x86_64, i686, aarch64, s390x); \
             musl-dev 1.2.5-3 (trixie), gcc 12 (riscv64).\n"
            ),
            "{t}"
        );
        assert!(t.contains(
            "C echo run against a client: natively (x86_64), under qemu-user (i686, riscv64, s390x).\n"
        ), "{t}");
        assert!(
            t.contains("C echo not run, no qemu-user here: aarch64.\n"),
            "{t}"
        );
        let line = t.lines().find(|l| l.starts_with("riscv64")).unwrap();
        let cells: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(cells[cells.len() - 2..], ["5,152", "n/a"], "{line}");
    }
}
