//! The `#![no_std]` UDP echo server of `examples/nostd-echo`: building it for the targets,
//! proving each build static and self-contained, and running it against a client.
//!
//! One `cargo +nightly build --release` builds it for every target at once (the example's
//! `.cargo/config.toml` has the flags: `-Zbuild-std=core`, linked by rust-lld alone, static,
//! not position-independent), into the shared target directory, so `cargo xtask size` and
//! `cargo xtask test` reuse each other's build (`cargo xtask test` builds one target at a
//! time, each right after its test build: [`build_planned`]). cargo leaves the symbols in (the proof reads
//! them); the copy that runs and is measured is stripped with `rust-objcopy --strip-all`.

use std::collections::BTreeMap;
use std::io::Read;
use std::net::UdpSocket;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use super::elf;
use super::install::rustup_run;
use super::proc::{run_limited, run_stdout, show, tail};
use super::targets::Target;
use super::Ws;

/// The example crate, from the workspace root.
pub const CRATE_DIR: &str = "examples/nostd-echo";
/// `-Zbuild-std` needs nightly.
pub const TOOLCHAIN: &str = "nightly";
/// The program on baresock, and the same program on rustix alone (the size baseline).
pub const ECHO: &str = "nostd-echo";
pub const BASELINE: &str = "rustix-echo";
/// A cold build of core and baresock for seven targets takes minutes on two cores.
const BUILD_LIMIT: Duration = Duration::from_secs(30 * 60);
/// Symbols that only a C library defines: one in a symbol table means libc was linked.
const LIBC_SYMBOLS: &[&str] = &[
    "__libc_start_main",
    "__errno_location",
    "errno",
    "environ",
    "__environ",
    "__stack_chk_fail",
    "malloc",
    "free",
    "getauxval",
    "socket",
    "recvfrom",
    "sendto",
];

/// `cargo build --release` of the example for every target in `targets`, in one run; `bins`
/// limits it to those programs. Returns the build's output (for a log).
pub fn build(ws: &Ws, targets: &[&Target], bins: &[&str]) -> Result<String, String> {
    let triples: Vec<&str> = targets.iter().map(|t| t.triple.as_str()).collect();
    build_triples(ws, &triples, bins)
}

/// The target the crate's docs name for a `no_std` program with no libc at all.
pub const LINUX_NONE: &str = "x86_64-unknown-linux-none";

/// The echo built exactly as the crate's docs tell a user to build a `no_std` program
/// (`cargo +nightly build --release --target x86_64-unknown-linux-none` in the example's
/// directory, the flags from its `.cargo/config.toml`), proved static and free of libc, and
/// run natively against the client. x86_64 hosts only.
pub fn linux_none(ws: &Ws) -> Result<String, String> {
    let output = build_triples(ws, &[LINUX_NONE], &[ECHO])?;
    ws.log("no_std-echo-linux-none-build.log", &output);
    let path = ws.target_dir.join(LINUX_NONE).join("release").join(ECHO);
    check_static(&path)?;
    let note = exercise(&[path.as_os_str()])?;
    let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    Ok(format!("{note}; {size} bytes with symbols"))
}

/// [`build`] for target triples.
fn build_triples(ws: &Ws, triples: &[&str], bins: &[&str]) -> Result<String, String> {
    let mut cmd = rustup_run(Some(TOOLCHAIN), "cargo");
    cmd.current_dir(ws.root.join(CRATE_DIR))
        .args(["build", "--release"])
        .env("CARGO_TARGET_DIR", &ws.target_dir)
        // The proof reads the symbol table; the measured copy is stripped afterwards.
        .env("CARGO_PROFILE_RELEASE_STRIP", "false")
        // The example's .cargo/config.toml has the flags; flags from the environment would
        // replace them.
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS");
    for t in triples {
        cmd.args(["--target", t]);
        cmd.env_remove(format!(
            "CARGO_TARGET_{}_RUSTFLAGS",
            t.to_uppercase().replace(['-', '.'], "_")
        ));
    }
    for b in bins {
        cmd.args(["--bin", b]);
    }
    eprintln!("xtask: [no_std echo / build] $ {}", show(&cmd));
    let done = run_limited(&mut cmd, BUILD_LIMIT).map_err(|e| format!("cannot run cargo: {e}"))?;
    if done.success() {
        Ok(done.output)
    } else {
        eprintln!("{}", tail(&done.output, 40));
        Err(format!("cargo build failed ({})", done.describe()))
    }
}

/// Where cargo put program `bin` for `t`.
pub fn built(ws: &Ws, t: &Target, bin: &str) -> PathBuf {
    ws.target_dir.join(&t.triple).join("release").join(bin)
}

/// The workspace toolchain's sysroot and its host tools directory
/// (`<sysroot>/lib/rustlib/<host>/bin`: rust-lld, rust-objcopy, `gcc-ld/ld.lld`).
pub fn host_tools(ws: &Ws) -> Result<(PathBuf, PathBuf), String> {
    let rustc = || {
        let mut c = rustup_run(None, "rustc");
        c.current_dir(&ws.root);
        c
    };
    let sysroot = PathBuf::from(run_stdout(rustc().args(["--print", "sysroot"]))?.trim());
    let info = run_stdout(rustc().arg("-vV"))?;
    let host = info
        .lines()
        .find_map(|l| l.strip_prefix("host: "))
        .ok_or("rustc -vV names no host")?;
    let bin = sysroot.join("lib/rustlib").join(host).join("bin");
    Ok((sysroot, bin))
}

/// `rust-objcopy` of the workspace's toolchain (it ships with rustc; it needs the toolchain's
/// own `lib/` on the library path).
fn objcopy(ws: &Ws) -> Result<Command, String> {
    let (sysroot, bin) = host_tools(ws)?;
    let tool = bin.join("rust-objcopy");
    if !tool.is_file() {
        return Err(format!("{} is missing", tool.display()));
    }
    let mut cmd = Command::new(tool);
    cmd.env("LD_LIBRARY_PATH", sysroot.join("lib"));
    Ok(cmd)
}

/// Copies `from` to `to` without symbols or non-loaded sections (`rust-objcopy
/// --strip-all`), the same for every program measured; returns the stripped size.
pub fn strip(ws: &Ws, from: &Path, to: &Path) -> Result<u64, String> {
    if let Some(dir) = to.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    let mut cmd = objcopy(ws)?;
    run_stdout(cmd.arg("--strip-all").arg(from).arg(to))?;
    std::fs::metadata(to)
        .map(|m| m.len())
        .map_err(|e| format!("{}: {e}", to.display()))
}

/// Where the stripped copy of `bin` for `arch` goes.
pub fn stripped(ws: &Ws, arch: &str, bin: &str) -> PathBuf {
    ws.target_dir.join("xtask-size").join(arch).join(bin)
}

/// Proves the program at `path` (with its symbols) static and free of libc: no interpreter, no
/// dynamic section, no undefined symbol (`nm -u` prints nothing), no libc symbol.
pub fn check_static(path: &Path) -> Result<(), String> {
    let data = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let l = elf::linkage(&data)?;
    if l.interp || l.dynamic {
        return Err("not static: it has an interpreter or a dynamic section".into());
    }
    let symbols = l.symbols.ok_or("no symbol table to check")?;
    let undefined: Vec<&str> = symbols
        .iter()
        .filter(|s| s.undefined && !s.name.is_empty())
        .map(|s| s.name.as_str())
        .collect();
    if !undefined.is_empty() {
        return Err(format!("undefined symbols: {}", undefined.join(" ")));
    }
    if let Some(s) = symbols
        .iter()
        .find(|s| LIBC_SYMBOLS.contains(&s.name.as_str()))
    {
        return Err(format!("a libc symbol is linked in: {}", s.name));
    }
    Ok(())
}

/// The datagrams the client sends: empty, short, a full Ethernet payload, the largest IPv4
/// datagram.
const SIZES: [usize; 4] = [0, 10, 1472, 65507];

/// Runs the echo server `program` (the command runs it: the program itself, or qemu with its
/// arguments) against a client on loopback: a run with no arguments must exit 2; then a run
/// told to echo `SIZES.len()` datagrams must echo each byte for byte and exit 0.
pub fn exercise(program: &[&std::ffi::OsStr]) -> Result<String, String> {
    exercise_with(program, Duration::from_secs(60), echo_run)
}

/// The frame of an echo server's row, for this UDP echo and the async TCP one: `program` (the
/// program itself, or qemu with its arguments) run without arguments must exit 2 within
/// `usage_limit`; then `run` runs it against its client, on another port up to three times
/// when `run` says one may help (the port the kernel just gave out was taken first).
pub fn exercise_with(
    program: &[&std::ffi::OsStr],
    usage_limit: Duration,
    mut run: impl FnMut(&mut Command) -> Result<String, (bool, String)>,
) -> Result<String, String> {
    let command = || {
        let mut c = Command::new(program[0]);
        c.args(&program[1..]);
        c
    };
    let usage =
        run_limited(&mut command(), usage_limit).map_err(|e| format!("cannot run it: {e}"))?;
    if usage.code != Some(2) {
        return Err(format!(
            "without arguments it should exit 2, not {} {}",
            usage.describe(),
            tail(&usage.output, 3)
        ));
    }
    let mut last = String::new();
    for _ in 0..3 {
        match run(&mut command()) {
            Ok(note) => return Ok(note),
            Err((retry, why)) => {
                last = why;
                if !retry {
                    break;
                }
            }
        }
    }
    Err(last)
}

/// One run of the server with a client; the error says whether another port may help.
fn echo_run(cmd: &mut Command) -> Result<String, (bool, String)> {
    let fail = |why: String| (false, why);
    let port = UdpSocket::bind("127.0.0.1:0")
        .and_then(|s| s.local_addr())
        .map_err(|e| fail(format!("no free port: {e}")))?
        .port();
    let mut child = cmd
        .arg(port.to_string())
        .arg(SIZES.len().to_string())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| fail(format!("cannot run it: {e}")))?;
    let result = talk(&mut child, port);
    let (status, said) = reap(&mut child, Instant::now() + Duration::from_secs(20));
    match (result, status.and_then(|s| s.code())) {
        (Ok(note), Some(0)) => Ok(note),
        (Ok(_), code) => Err(fail(format!(
            "echoed all, but then exited {code:?} instead of 0{said}"
        ))),
        // Exit 1 before binding: the port was taken.
        (Err(Talk::NotBound), Some(1)) => Err((true, format!("could not bind port {port}{said}"))),
        (Err(Talk::NotBound), code) => Err(fail(format!(
            "never bound port {port} (exit {code:?}){said}"
        ))),
        (Err(Talk::Failed(why)), code) => Err(fail(format!("{why} (exit {code:?}){said}"))),
    }
}

/// Waits for the server `child` to exit, until `deadline` (then kills it: `None`), and reads
/// what it printed: its exit status, and the last lines of its output as `": ..."` (empty when
/// it said nothing), for the row's note.
pub(super) fn reap(
    child: &mut std::process::Child,
    deadline: Instant,
) -> (Option<std::process::ExitStatus>, String) {
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(5)),
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
        }
    };
    let mut output = String::new();
    for pipe in [
        child.stdout.take().map(|p| Box::new(p) as Box<dyn Read>),
        child.stderr.take().map(|p| Box::new(p) as Box<dyn Read>),
    ]
    .into_iter()
    .flatten()
    {
        let _ = pipe.take(4096).read_to_string(&mut output);
    }
    let said = if output.trim().is_empty() {
        String::new()
    } else {
        format!(": {}", tail(output.trim(), 3))
    };
    (status, said)
}

enum Talk {
    NotBound,
    Failed(String),
}

/// Waits until the server has bound `port`, then sends each of `SIZES` and checks the echo.
fn talk(child: &mut std::process::Child, port: u16) -> Result<String, Talk> {
    let start = Instant::now();
    while !udp_port_bound(port) {
        if start.elapsed() > Duration::from_secs(30) || !matches!(child.try_wait(), Ok(None)) {
            return Err(Talk::NotBound);
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let failed = |what: &str, e: std::io::Error| Talk::Failed(format!("{what}: {e}"));
    let client = UdpSocket::bind("127.0.0.1:0").map_err(|e| failed("client bind", e))?;
    client
        .connect(("127.0.0.1", port))
        .map_err(|e| failed("client connect", e))?;
    client
        .set_read_timeout(Some(Duration::from_secs(10)))
        .map_err(|e| failed("client timeout", e))?;
    let mut reply = vec![0u8; 70000];
    for (i, &size) in SIZES.iter().enumerate() {
        let sent: Vec<u8> = (0..size).map(|j| (j * 7 + i) as u8).collect();
        client.send(&sent).map_err(|e| failed("send", e))?;
        let n = client
            .recv(&mut reply)
            .map_err(|e| failed(&format!("no echo of the {size}-byte datagram"), e))?;
        if reply[..n] != sent[..] {
            return Err(Talk::Failed(format!(
                "the {size}-byte datagram came back as {n} different bytes"
            )));
        }
    }
    Ok(format!(
        "{} datagrams echoed ({}-{} B)",
        SIZES.len(),
        SIZES[0],
        SIZES[SIZES.len() - 1]
    ))
}

/// Whether a UDP socket is bound to `port` on 0.0.0.0 (the kernel's `/proc/net/udp`, as the
/// server sees the host kernel under qemu-user too).
fn udp_port_bound(port: u16) -> bool {
    let want = format!("00000000:{port:04X}");
    std::fs::read_to_string("/proc/net/udp").is_ok_and(|t| {
        t.lines()
            .skip(1)
            .any(|l| l.split_whitespace().nth(1) == Some(want.as_str()))
    })
}

/// The no_std echo builds of `cargo xtask test`, one per target: the scheduler's builder makes
/// each right after that target's test build ([`build_planned`]), so that its VM, which puts
/// the programs in its initramfs, waits for its own build only ([`wait_built`]), not for the
/// test builds of the targets after it. `None`: planned, not made yet.
static BUILDS: Mutex<BTreeMap<String, Option<Result<(), String>>>> = Mutex::new(BTreeMap::new());
/// Signalled whenever an echo build is done.
static BUILT: Condvar = Condvar::new();

fn builds() -> MutexGuard<'static, BTreeMap<String, Option<Result<(), String>>>> {
    BUILDS.lock().unwrap_or_else(|p| p.into_inner())
}

/// Marks the echo of the targets named in `names` as to be built by [`build_planned`].
pub fn plan<'a>(names: impl IntoIterator<Item = &'a str>) {
    let mut b = builds();
    for name in names {
        b.entry(name.to_owned()).or_insert(None);
    }
}

/// Builds the no_std programs ([`ECHO`], the async echo and `nostd-ip`) for `t` (the
/// builder's side of [`plan`]), logs cargo's output, and records the outcome for
/// [`wait_built`].
pub fn build_planned(ws: &Ws, t: &Target) -> Result<(), String> {
    let start = Instant::now();
    let bins = [
        ECHO,
        super::async_echo::ASYNC_ECHO,
        super::nostd_ip::NOSTD_IP,
    ];
    let result = build(ws, &[t], &bins).map(|output| {
        ws.log(&format!("no_std-echo-build-{}.log", t.name), &output);
    });
    eprintln!(
        "xtask: [{} / no_std echo build] {} in {:.1}s",
        t.name,
        if result.is_ok() { "ok" } else { "FAILED" },
        start.elapsed().as_secs_f64()
    );
    builds().insert(t.name.clone(), Some(result.clone()));
    BUILT.notify_all();
    result
}

/// Waits until the echo of the target named `name` is built (planned builds only; one never
/// planned is an error at once), and returns how it went.
pub fn wait_built(name: &str) -> Result<(), String> {
    let mut b = builds();
    loop {
        match b.get(name) {
            Some(Some(result)) => return result.clone(),
            Some(None) => b = BUILT.wait(b).unwrap_or_else(|p| p.into_inner()),
            None => return Err("the no_std echo was not built for this target".into()),
        }
    }
}

/// Whether every planned echo build is done (or none was planned).
pub fn all_done() -> bool {
    builds().values().all(Option::is_some)
}

/// Records every planned echo build of `names` that never ran as failed (`why`), so that
/// nobody waits for it for ever (the builder calls it last, also when it stops early).
pub fn abandon<'a>(names: impl IntoIterator<Item = &'a str>, why: &str) {
    let mut b = builds();
    for name in names {
        if let Some(slot @ None) = b.get_mut(name) {
            *slot = Some(Err(why.to_owned()));
        }
    }
    drop(b);
    BUILT.notify_all();
}
