//! `cargo xtask bench [--quick]`: baresock measured beside raw rustix, std, socket2, nix and C
//! over glibc, in one run, as instruction counts and ratios (never as asserted times).
//!
//! 1. user-space instructions per operation, with callgrind: (Ir(N) − Ir(0)) / N;
//! 2. wall-clock per operation, several runs, min/median/max, and ratios to baresock;
//! 3. loopback UDP throughput: per call, batched, GSO/GRO; one sender and several;
//! 4. capture on a veth pair in a network namespace (root): ring, recv_from, libpcap;
//! 5. lookup latency against a local dnsmasq: baresock's resolver and glibc's getaddrinfo;
//! 6. serving many connections: a TCP echo server on baresock's poller, baresock's reactor
//!    under embassy, mio and tokio: round trips per second and p99 latency with 1, 100 and
//!    1,000 connections ([`echo`]).
//!
//! The programs are the `baresock-bench` crate (`bench/`) and `bench/c/ops.c`; this file builds
//! them once, runs them, prints the tables and writes them to `BENCHMARKS.md`. `--quick` runs
//! every part once with tiny counts (seconds, for CI) and writes nothing; with
//! `BAREBENCH_ONLY=echo` in the environment, section 6 alone is measured and printed (nothing
//! written).

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use crate::host::{ensure_package, is_root};
use crate::report::{Counts, Report, Row, Tier, HOST_ARCH};

mod echo;

const IMPLS: [&str; 6] = ["baresock", "rustix", "std", "socket2", "nix", "C"];
const OPS: [(&str, &str); 5] = [
    ("a", "A: UDP send_to + recv_from, 64 B, loopback"),
    ("b", "B: AF_UNIX stream pair write + read, 64 B"),
    ("c", "C: setsockopt + getsockopt SO_RCVBUF"),
    ("d", "D: TCP connect + accept + close, loopback"),
    (
        "e",
        "E: write + recv in deadline mode (5 s), AF_UNIX stream",
    ),
];
/// Senders in the multi-sender throughput runs.
const SENDERS: usize = 4;
/// How the capture is measured: the rate asked of the sender (frames/s) and the cores the
/// sender and the capture may use (`taskset -c`; `None`: all).
struct Scenario {
    name: &'static str,
    pps: u64,
    cpus: Option<&'static str>,
}

const SCENARIOS: [Scenario; 3] = [
    Scenario {
        name: "A: 300 k/s asked, all cores",
        pps: 300_000,
        cpus: None,
    },
    Scenario {
        name: "B: the sender flat out (4 M/s asked), all cores",
        pps: 4_000_000,
        cpus: None,
    },
    Scenario {
        name: "C: the sender flat out, sender and capture on one core",
        pps: 4_000_000,
        cpus: Some("0"),
    },
];
/// How long each capture run sends, in ms.
const CAPTURE_MS: u64 = 2_000;

/// Iterations per op for the instruction counts (callgrind) and the wall clock.
fn counts(op: &str, quick: bool) -> (u64, u64) {
    if quick {
        return (20, 20);
    }
    match op {
        // Each connection leaves a socket in TIME_WAIT: fewer.
        "d" => (2_000, 3_000),
        "a" => (20_000, 50_000),
        _ => (20_000, 100_000),
    }
}

struct Bins {
    ops: PathBuf,
    ops_c: PathBuf,
    tput: PathBuf,
    echo: PathBuf,
    callgrind_dir: PathBuf,
}

impl Bins {
    /// The command for one op of one implementation: the same arguments for all.
    fn op(&self, imp: &str, op: &str, n: u64) -> Command {
        let mut c = if imp == "C" {
            let mut c = Command::new(&self.ops_c);
            // Symbols bound at start, as Rust's binaries are linked (`-z now`): no lazy
            // binding inside the loop.
            c.arg("c").env("LD_BIND_NOW", "1");
            c
        } else {
            let mut c = Command::new(&self.ops);
            c.arg(imp);
            c
        };
        c.args([op, &n.to_string()]);
        c
    }
}

/// stdout of a command that must succeed.
fn output(cmd: &mut Command) -> Result<String, String> {
    let out = cmd
        .output()
        .map_err(|e| format!("{:?}: {e}", cmd.get_program()))?;
    if !out.status.success() {
        return Err(format!(
            "{:?} {:?} failed: {}{}",
            cmd.get_program(),
            cmd.get_args().collect::<Vec<_>>(),
            String::from_utf8_lossy(&out.stdout).trim(),
            tail(&String::from_utf8_lossy(&out.stderr))
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

fn tail(s: &str) -> String {
    let t = crate::cross::proc::tail(s, 5).replace('\n', " | ");
    if t.is_empty() {
        t
    } else {
        format!(" ({t})")
    }
}

/// The `key=value` pairs of a line.
fn kv(line: &str) -> HashMap<String, String> {
    line.split_whitespace()
        .filter_map(|w| w.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// A `skipped=<reason>` line keeps spaces: the reason is the rest of the line.
fn skipped(out: &str) -> Option<String> {
    out.lines()
        .find_map(|l| l.strip_prefix("skipped="))
        .map(str::to_owned)
}

fn get(m: &HashMap<String, String>, k: &str) -> Result<f64, String> {
    m.get(k)
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| format!("no `{k}` in the output"))
}

fn target_dir(root: &Path) -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(d) => root.join(d),
        None => root.join("target"),
    }
}

fn build(root: &Path) -> Result<Bins, String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    output(Command::new(&cargo).current_dir(root).args([
        "build",
        "--quiet",
        "--profile",
        "bench-perf",
        "-p",
        "baresock-bench",
    ]))?;
    let dir = target_dir(root).join("bench-perf");
    ensure_package("gcc", "gcc")?;
    let ops_c = dir.join("ops-c");
    output(
        Command::new("gcc")
            .args(["-O2", "-Wall", "-o"])
            .arg(&ops_c)
            .arg(root.join("bench/c/ops.c")),
    )?;
    let callgrind_dir = dir.join("callgrind");
    std::fs::create_dir_all(&callgrind_dir).map_err(|e| e.to_string())?;
    Ok(Bins {
        ops: dir.join("ops"),
        ops_c,
        tput: dir.join("tput"),
        echo: dir.join("echo"),
        callgrind_dir,
    })
}

/// Instructions executed by the whole program, from callgrind's `summary:`/`totals:` line.
fn instructions(bins: &Bins, imp: &str, op: &str, n: u64) -> Result<Option<u64>, String> {
    let out_file = bins.callgrind_dir.join(format!("{imp}-{op}-{n}.out"));
    let mut cmd = Command::new("valgrind");
    cmd.args(["--tool=callgrind", "--collect-atstart=yes"])
        .arg(format!("--callgrind-out-file={}", out_file.display()));
    let inner = bins.op(imp, op, n);
    cmd.arg(inner.get_program()).args(inner.get_args());
    for (k, v) in inner.get_envs() {
        if let Some(v) = v {
            cmd.env(k, v);
        }
    }
    let stdout = output(&mut cmd)?;
    if stdout.trim() == "n/a" {
        return Ok(None);
    }
    callgrind_total(&out_file).map(Some)
}

/// The instructions of a callgrind file, from its `summary:`/`totals:` line.
fn callgrind_total(out_file: &Path) -> Result<u64, String> {
    let text = std::fs::read_to_string(out_file).map_err(|e| e.to_string())?;
    text.lines()
        .find_map(|l| {
            l.strip_prefix("summary:")
                .or_else(|| l.strip_prefix("totals:"))
        })
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .ok_or_else(|| format!("no totals in {}", out_file.display()))
}

/// Per-op instruction counts, `[op][impl]`.
type Grid = Vec<Vec<Option<f64>>>;

fn instruction_grid(bins: &Bins, quick: bool) -> Result<Grid, String> {
    let mut grid = Vec::new();
    for (op, _) in OPS {
        let (n, _) = counts(op, quick);
        let mut row = Vec::new();
        for imp in IMPLS {
            row.push(per_op(bins, imp, op, n)?);
        }
        grid.push(row);
    }
    Ok(grid)
}

/// Instructions per op: (Ir(n) − Ir(0)) / n; `None` where the implementation has no such op.
fn per_op(bins: &Bins, imp: &str, op: &str, n: u64) -> Result<Option<f64>, String> {
    let full = instructions(bins, imp, op, n)?;
    let zero = instructions(bins, imp, op, 0)?;
    Ok(full
        .zip(zero)
        .map(|(f, z)| (f as f64 - z as f64) / n as f64))
}

/// baresock's op A with `recv_from` (the sender decoded): instructions per op.
fn decoded_a(bins: &Bins, quick: bool) -> Result<Option<f64>, String> {
    per_op(bins, "baresock", "f", counts("a", quick).0)
}

/// The probes of what a return right after a system call costs (`ops-c c x|y|z`).
const RET_PROBES: [(&str, &str); 3] = [
    ("x", "`syscall` inlined into the loop"),
    (
        "y",
        "the same in a function of its own (call, syscall, ret)",
    ),
    ("z", "glibc's `getppid`"),
];

/// Rounds, and calls per run, of [`syscall_return`].
fn ret_counts(quick: bool) -> (usize, u64) {
    if quick {
        (1, 1_000)
    } else {
        (5, 1_000_000)
    }
}

/// ns per `getppid` for each of [`RET_PROBES`], round-robin like the wall-clock grid.
fn syscall_return(bins: &Bins, quick: bool) -> Result<Vec<Option<Spread>>, String> {
    let (rounds, n) = ret_counts(quick);
    let mut samples = vec![Vec::new(); RET_PROBES.len()];
    for _ in 0..rounds {
        for (i, (op, _)) in RET_PROBES.iter().enumerate() {
            let out = output(&mut bins.op("C", op, n))?;
            if out.trim() == "n/a" {
                continue;
            }
            samples[i].push(get(&kv(&out), "elapsed_ns")? / n as f64);
        }
    }
    Ok(samples.into_iter().map(spread).collect())
}

/// min, median, max.
#[derive(Clone, Copy)]
struct Spread {
    min: f64,
    median: f64,
    max: f64,
}

fn spread(mut v: Vec<f64>) -> Option<Spread> {
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    Some(Spread {
        min: v[0],
        median: v[v.len() / 2],
        max: v[v.len() - 1],
    })
}

/// Nanoseconds per op, `[op][impl]`, over `rounds` runs taken round-robin (each round runs
/// every implementation once, so load that comes and goes hits them all alike).
fn wall_grid(bins: &Bins, quick: bool) -> Result<Vec<Vec<Option<Spread>>>, String> {
    let rounds = if quick { 1 } else { 5 };
    let mut samples = vec![vec![Vec::new(); IMPLS.len()]; OPS.len()];
    for _ in 0..rounds {
        for (o, (op, _)) in OPS.iter().enumerate() {
            let (_, n) = counts(op, quick);
            for (i, imp) in IMPLS.iter().enumerate() {
                let out = output(&mut bins.op(imp, op, n))?;
                if out.trim() == "n/a" {
                    continue;
                }
                let ns = get(&kv(&out), "elapsed_ns")?;
                samples[o][i].push(ns / n as f64);
            }
        }
    }
    Ok(samples
        .into_iter()
        .map(|row| row.into_iter().map(spread).collect())
        .collect())
}

/// One run of one throughput configuration.
struct Run {
    sent: f64,
    received: f64,
    bytes: f64,
    secs: f64,
}

struct Flow {
    mode: &'static str,
    what: &'static str,
    payload: u32,
    senders: usize,
    runs: Vec<Run>,
}

impl Flow {
    fn spread(&self, f: impl Fn(&Run) -> f64) -> Spread {
        spread(self.runs.iter().map(f).collect()).unwrap_or(Spread {
            min: 0.0,
            median: 0.0,
            max: 0.0,
        })
    }
}

/// Runs of each configuration, taken round-robin like the wall-clock ones.
fn rounds(quick: bool) -> usize {
    if quick {
        1
    } else {
        3
    }
}

fn throughput(bins: &Bins, quick: bool) -> Result<Vec<Flow>, String> {
    let ms = if quick { 100 } else { 2_000 };
    let modes = [
        ("std", "std send_to / recv_from, per call", 64),
        ("baresock", "baresock send_to / recv_from, per call", 64),
        ("mmsg", "baresock send_mmsg / recv_mmsg, 32 per call", 64),
        ("std-1200", "std send_to / recv_from, per call", 1200),
        (
            "gso",
            "baresock UDP_SEGMENT (32 per send) + UDP_GRO, recv_msg",
            1200,
        ),
    ];
    let mut flows = Vec::new();
    for senders in [1, SENDERS] {
        for (mode, what, payload) in modes {
            flows.push(Flow {
                mode,
                what,
                payload,
                senders,
                runs: Vec::new(),
            });
        }
    }
    for _ in 0..rounds(quick) {
        for f in &mut flows {
            let out = output(Command::new(&bins.tput).args([
                "udp",
                f.mode,
                &f.senders.to_string(),
                &ms.to_string(),
            ]))?;
            let m = kv(&out);
            f.runs.push(Run {
                sent: get(&m, "sent")?,
                received: get(&m, "received")?,
                bytes: get(&m, "bytes")?,
                secs: get(&m, "secs")?.max(1e-9),
            });
        }
    }
    Ok(flows)
}

struct Captured {
    /// Index into [`SCENARIOS`].
    scenario: usize,
    method: &'static str,
    /// offered, rate, captured, kernel drops, seconds the sender took: one per run.
    runs: Vec<[f64; 5]>,
}

impl Captured {
    fn spread(&self, i: usize) -> Spread {
        spread(self.runs.iter().map(|r| r[i]).collect()).unwrap_or(Spread {
            min: 0.0,
            median: 0.0,
            max: 0.0,
        })
    }
}

/// What a part of the bench came to: measured, skipped where the machine lacks what it needs
/// (not a failure), or failed.
enum Outcome<T> {
    Done(T),
    Skipped(String),
    Failed(String),
}

impl<T> Outcome<T> {
    /// The bench row's verdict: a skip passes, with its reason as the note.
    fn verdict(&self) -> Result<String, String> {
        match self {
            Outcome::Done(_) => Ok(String::new()),
            Outcome::Skipped(why) => Ok(format!("skipped: {why}")),
            Outcome::Failed(e) => Err(e.clone()),
        }
    }
}

/// `?` for a function that returns an [`Outcome`]: an error is [`Outcome::Failed`].
macro_rules! tri {
    ($e:expr) => {
        match $e {
            Ok(v) => v,
            Err(e) => return Outcome::Failed(e),
        }
    };
}

fn capture(bins: &Bins, quick: bool) -> Outcome<Vec<Captured>> {
    if !is_root() {
        return Outcome::Skipped("network namespaces and packet sockets need root".into());
    }
    tri!(ensure_package("tcpdump", "tcpdump"));
    let ms = if quick { 100 } else { CAPTURE_MS };
    let mut rows: Vec<Captured> = (0..SCENARIOS.len())
        .flat_map(|scenario| {
            ["ring", "recvfrom", "tcpdump"].map(|method| Captured {
                scenario,
                method,
                runs: Vec::new(),
            })
        })
        .collect();
    for _ in 0..rounds(quick) {
        for c in &mut rows {
            let sc = &SCENARIOS[c.scenario];
            // tcpdump is the program's child: pinned with it.
            let mut cmd = match sc.cpus {
                Some(cpus) => {
                    let mut t = Command::new("taskset");
                    t.args(["-c", cpus]).arg(&bins.tput);
                    t
                }
                None => Command::new(&bins.tput),
            };
            cmd.args(["capture", c.method, &sc.pps.to_string(), &ms.to_string()]);
            let out = tri!(output(&mut cmd));
            if let Some(why) = skipped(&out) {
                return Outcome::Skipped(why);
            }
            let m = kv(&out);
            let (offered, rate) = (tri!(get(&m, "offered")), tri!(get(&m, "rate")));
            c.runs.push([
                offered,
                rate,
                tri!(get(&m, "captured")),
                tri!(get(&m, "kernel_drops")),
                if rate > 0.0 { offered / rate } else { 0.0 },
            ]);
        }
    }
    Outcome::Done(rows)
}

fn capture_name(method: &str) -> &'static str {
    match method {
        "ring" => "baresock RxRing (TPACKET_V3, 8 × 256 KiB)",
        "recvfrom" => "baresock PacketSocket::recv_from, per packet",
        _ => "libpcap: tcpdump -B 2048 -w /dev/null",
    }
}

/// (side, spread in µs, lookups)
type Lookups = Vec<(&'static str, Spread, f64)>;

fn resolver(bins: &Bins, quick: bool) -> Outcome<Lookups> {
    if !is_root() {
        return Outcome::Skipped("dnsmasq on port 53 and a mount namespace need root".into());
    }
    tri!(ensure_package("dnsmasq", "dnsmasq-base"));
    let n = if quick { 10 } else { 2_000 };
    let out = tri!(output(
        Command::new(&bins.tput).args(["resolve", &n.to_string()])
    ));
    if let Some(why) = skipped(&out) {
        return Outcome::Skipped(why);
    }
    let m = kv(&out);
    let mut rows = Vec::new();
    for side in ["glibc", "baresock", "baresock-kept"] {
        let s = Spread {
            min: tri!(get(&m, &format!("{side}_min"))),
            median: tri!(get(&m, &format!("{side}_median"))),
            max: tri!(get(&m, &format!("{side}_max"))),
        };
        rows.push((side, s, tri!(get(&m, &format!("{side}_n")))));
    }
    Outcome::Done(rows)
}

fn first_word(cmd: &str, args: &[&str]) -> String {
    Command::new(cmd)
        .args(args)
        .output()
        .ok()
        .map(|o| {
            String::from_utf8_lossy(&o.stdout)
                .lines()
                .next()
                .unwrap_or("")
                .trim()
                .to_string()
        })
        .unwrap_or_default()
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| {
            c.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, v)| v.trim().to_string())
        })
        .unwrap_or_default();
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    format!(
        "{} cores ({cpu}), Linux {}, {}, {}, {}",
        cores,
        first_word("uname", &["-r"]),
        first_word("rustc", &["--version"]),
        first_word("gcc", &["--version"]),
        first_word("valgrind", &["--version"]),
    )
}

fn f1(v: Option<f64>) -> String {
    v.map_or("n/a".into(), |v| format!("{v:.1}"))
}

fn ratio(a: Option<f64>, b: Option<f64>) -> String {
    match (a, b) {
        (Some(a), Some(b)) if b > 0.0 => format!("{:.2}×", a / b),
        _ => "n/a".into(),
    }
}

fn si(v: f64) -> String {
    if v >= 1e9 {
        format!("{:.2} G", v / 1e9)
    } else if v >= 1e6 {
        format!("{:.2} M", v / 1e6)
    } else if v >= 1e3 {
        format!("{:.1} k", v / 1e3)
    } else {
        format!("{v:.0}")
    }
}

/// The results as Markdown: what `BENCHMARKS.md` holds and the terminal shows.
struct Results {
    instr: Result<Grid, String>,
    /// baresock's `a` with the sender decoded (`ops baresock f`): instructions per op.
    decoded: Result<Option<f64>, String>,
    /// ns per `getppid`: inlined `syscall`, the same in a function, glibc's (`ops-c c x|y|z`).
    ret: Result<Vec<Option<Spread>>, String>,
    wall: Result<Vec<Vec<Option<Spread>>>, String>,
    flows: Result<Vec<Flow>, String>,
    capture: Outcome<Vec<Captured>>,
    lookups: Outcome<Lookups>,
    echo: Result<echo::Echo, String>,
    echo_where: Result<echo::Where, String>,
}

fn markdown(r: &Results, quick: bool) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "# Benchmarks\n");
    let _ = writeln!(
        s,
        "Written by `cargo xtask bench`{} on {}: {}. Each figure says how it was measured. \
         Rust code is built once with the `bench-perf` profile (release, `panic = \"abort\"`, \
         fat LTO, one codegen unit: std's and every crate's code can inline into the \
         benchmark loops alike); the C program with the system gcc at `-O2` against glibc \
         (dynamically linked; run with `LD_BIND_NOW=1`, as Rust binaries are linked with \
         `-z now`). Programs: `bench/src/bin/ops.rs`, `bench/c/ops.c`, `bench/src/bin/tput/`, \
         `bench/src/bin/echo/`.\n",
        if quick {
            " --quick (tiny counts: figures mean nothing)"
        } else {
            ""
        },
        first_word("date", &["-u", "+%Y-%m-%d"]),
        machine()
    );
    let _ = writeln!(
        s,
        "## 1. User-space instructions per operation (lower is better)\n"
    );
    let _ = writeln!(
        s,
        "Method: `valgrind --tool=callgrind --collect-atstart=yes`, per op = (Ir(N) − Ir(0)) / N \
         of the same program (`ops <impl> <op> <N>`: identical set-up, then the op N times), so \
         start-up and set-up cancel; N = 20000 (D: 2000). Kernel time is not counted. The \
         callgrind files stay in `target/bench-perf/callgrind/` for `callgrind_annotate`. \
         std has no SO_RCVBUF option (C: n/a). In E the others `poll` then read; std uses \
         `set_read_timeout` (SO_RCVTIMEO) and reads; baresock is in deadline mode \
         (`set_timeout(Some(5 s))`) and reads.\n"
    );
    match &r.instr {
        Ok(grid) => {
            let _ = writeln!(
                s,
                "| op | {} | best other | baresock − best |",
                IMPLS.join(" | ")
            );
            let _ = writeln!(s, "|---|{}---|---|", "---:|".repeat(IMPLS.len()));
            for ((_, name), row) in OPS.iter().zip(grid) {
                let best = row[1..]
                    .iter()
                    .flatten()
                    .copied()
                    .fold(f64::INFINITY, f64::min);
                let cells: Vec<String> = row.iter().map(|v| f1(*v)).collect();
                let diff = row[0].map(|b| b - best);
                let _ = writeln!(
                    s,
                    "| {name} | {} | {best:.1} | {} |",
                    cells.join(" | "),
                    diff.map_or("n/a".into(), |d| format!("{d:+.1}"))
                );
            }
        }
        Err(e) => {
            let _ = writeln!(s, "Not measured: {e}");
        }
    }
    match &r.decoded {
        Ok(Some(v)) => {
            let _ = writeln!(
                s,
                "\nIn A, baresock sends to a `Destination` (the address encoded once) and has the \
                 kernel write the sender into another (`UdpSocket::recv_from_into`), as the C \
                 program keeps its `struct sockaddr_in`s. With `recv_from` instead, which \
                 decodes the sender into an address value as rustix, std and nix do, the same loop \
                 takes {v:.1} instructions per op (`ops baresock f`)."
            );
        }
        Ok(None) => {}
        Err(e) => {
            let _ = writeln!(s, "\nA with `recv_from`: not measured: {e}");
        }
    }
    let _ = writeln!(s, "\n## 2. Wall-clock per operation (noisy)\n");
    let _ = writeln!(
        s,
        "Method: the same programs run natively, the loop timed inside (`CLOCK_MONOTONIC`), \
         N = 50000 (A), 3000 (D), 100000 (others); 5 runs each, taken round-robin over the \
         implementations; ns per op as min / **median** / max. Two cores shared with other \
         work: compare within a run, not across runs. Ratios are the other's median over \
         baresock's: above 1 means baresock is faster.\n"
    );
    match &r.wall {
        Ok(grid) => {
            let _ = writeln!(s, "| op | {} |", IMPLS.join(" | "));
            let _ = writeln!(s, "|---|{}", "---:|".repeat(IMPLS.len()));
            for ((_, name), row) in OPS.iter().zip(grid) {
                let cells: Vec<String> = row
                    .iter()
                    .map(|v| {
                        v.map_or("n/a".into(), |v| {
                            format!("{:.0} / **{:.0}** / {:.0}", v.min, v.median, v.max)
                        })
                    })
                    .collect();
                let _ = writeln!(s, "| {name} | {} |", cells.join(" | "));
            }
            let _ = writeln!(
                s,
                "\n| op | std ÷ baresock | rustix ÷ baresock | socket2 ÷ baresock | nix ÷ baresock | C ÷ baresock |"
            );
            let _ = writeln!(s, "|---|---:|---:|---:|---:|---:|");
            for ((_, name), row) in OPS.iter().zip(grid) {
                let med = |i: usize| row[i].map(|v| v.median);
                let _ = writeln!(
                    s,
                    "| {name} | {} | {} | {} | {} | {} |",
                    ratio(med(2), med(0)),
                    ratio(med(1), med(0)),
                    ratio(med(3), med(0)),
                    ratio(med(4), med(0)),
                    ratio(med(5), med(0)),
                );
            }
        }
        Err(e) => {
            let _ = writeln!(s, "Not measured: {e}");
        }
    }
    let _ = writeln!(
        s,
        "\nWhat a return right after a system call costs on this machine (the reason an \
         inlined system call can beat a libc stub by 20 % or more where return-stack \
         mitigations make that return dear): one `getppid` N = {} times, {} runs \
         round-robin, ns per call as min / **median** / max (`ops-c c x|y|z`).\n",
        ret_counts(quick).1,
        ret_counts(quick).0
    );
    match &r.ret {
        Ok(cells) => {
            let _ = writeln!(s, "| the call | ns per call |");
            let _ = writeln!(s, "|---|---:|");
            for ((_, what), v) in RET_PROBES.iter().zip(cells) {
                let cell = v.map_or("n/a".into(), |v| {
                    format!("{:.1} / **{:.1}** / {:.1}", v.min, v.median, v.max)
                });
                let _ = writeln!(s, "| {what} | {cell} |");
            }
            if let (Some(inl), Some(stub)) = (cells[0], cells[1]) {
                let _ = writeln!(
                    s,
                    "\nThe return after the system call costs {:+.1} ns here ({:+.1} % of the \
                     call), where the notes measured 120–420 ns on an earlier machine of this \
                     kind. A–D's user-space share is a few dozen instructions per op (section 1), \
                     a few ns against the times above, so where that return is cheap their \
                     wall-clock ratios can only sit near 1.0×; E's gain is a whole system call \
                     saved (no `poll`).",
                    stub.median - inl.median,
                    (stub.median / inl.median - 1.0) * 100.0
                );
            }
        }
        Err(e) => {
            let _ = writeln!(s, "Not measured: {e}");
        }
    }
    let _ = writeln!(s, "\n## 3. UDP throughput on loopback (noisy)\n");
    let _ = writeln!(
        s,
        "Method: `tput udp <mode> <senders> 2000`: one receiving socket on 127.0.0.1 (default \
         receive buffer) on a thread of its own; 1 or {SENDERS} sender threads, each with its \
         own socket, send as fast as they can for 2 s; the receiver counts until nothing came \
         for 200 ms. Rates are received datagrams (GRO buffers counted by segment) and payload \
         bytes over the time to the last one; drops = sent − received (the receive buffer \
         overflowed). 3 runs each, round-robin.\n"
    );
    match &r.flows {
        Ok(flows) => {
            let _ = writeln!(
                s,
                "| mode | payload | senders | datagrams/s min / **median** / max | bytes/s (median) | drops = sent − received (median) |"
            );
            let _ = writeln!(s, "|---|---:|---:|---:|---:|---:|");
            for f in flows {
                let rate = f.spread(|r| r.received / r.secs);
                let bps = f.spread(|r| r.bytes / r.secs);
                let drops = f.spread(|r| r.sent - r.received);
                let share = f.spread(|r| (r.sent - r.received) / r.sent.max(1.0));
                let _ = writeln!(
                    s,
                    "| {} | {} B | {} | {} / **{}** / {} | {}B/s | {} ({:.0} % of sent) |",
                    f.what,
                    f.payload,
                    f.senders,
                    si(rate.min),
                    si(rate.median),
                    si(rate.max),
                    si(bps.median),
                    si(drops.median),
                    100.0 * share.median
                );
            }
            let bps = |mode: &str, senders: usize| {
                flows
                    .iter()
                    .find(|f| f.mode == mode && f.senders == senders)
                    .map(|f| f.spread(|r| r.bytes / r.secs).median)
            };
            for senders in [1, SENDERS] {
                let _ = writeln!(
                    s,
                    "\nGSO/GRO bytes/s, {senders} sender(s): {} std per call with the same 1200 B datagrams, {} std per call with 64 B.",
                    ratio(bps("gso", senders), bps("std-1200", senders)),
                    ratio(bps("gso", senders), bps("std", senders)),
                );
            }
        }
        Err(e) => {
            let _ = writeln!(s, "Not measured: {e}");
        }
    }
    let _ = writeln!(s, "\n## 4. Capture on a veth (root; noisy)\n");
    let _ = writeln!(
        s,
        "Method: `tput capture <method> <frames/s> {CAPTURE_MS}`, each in a network namespace \
         of its own with a veth pair `bs0`/`bs1` (IPv6 off: only the sender's frames cross). A \
         sender thread sends 64-byte frames out of `bs0` in batches of 32 (`send_mmsg` on a \
         packet socket), each batch when its time comes, until it has sent {CAPTURE_MS} ms' \
         worth at the rate asked (flat out, it takes longer); the capture listens on `bs1` for \
         every protocol (`ETH_P_ALL`), with the same memory where it can: the ring 2 MiB, \
         libpcap 2 MiB (`-B 2048`); recv_from has the default receive buffer. The kernel \
         delivers each frame to the capture in the sender's own system call, so what a capture \
         costs the kernel per frame also slows the sender. Three scenarios: A, a rate every \
         method keeps up with; B, the sender flat out on two cores; C, the same with sender and \
         capture (tcpdump too) pinned to one core (`taskset -c 0`), as on a busy appliance. \
         Kernel drops are the socket's `PACKET_STATISTICS` (tcpdump's \"dropped by kernel\"); \
         missed = offered − captured (also what tcpdump had not read when stopped); captured/s \
         = captured over the time the sender took. 3 runs each, round-robin.\n"
    );
    match &r.capture {
        Outcome::Done(rows) => {
            let _ = writeln!(
                s,
                "| scenario | method | offered (median) | sender's rate (median) | captured min / **median** / max | captured/s (median) | kernel drops (median) | missed (median) |"
            );
            let _ = writeln!(s, "|---|---|---:|---:|---:|---:|---:|---:|");
            let per_second = |c: &Captured| {
                spread(
                    c.runs
                        .iter()
                        .map(|r| if r[4] > 0.0 { r[2] / r[4] } else { 0.0 })
                        .collect(),
                )
                .map_or(0.0, |m| m.median)
            };
            for c in rows {
                let (offered, rate, got, drops) =
                    (c.spread(0), c.spread(1), c.spread(2), c.spread(3));
                let missed = spread(c.runs.iter().map(|r| r[0] - r[2]).collect());
                let _ = writeln!(
                    s,
                    "| {} | {} | {} | {}/s | {} / **{}** / {} | {}/s | {} | {} |",
                    SCENARIOS[c.scenario].name,
                    capture_name(c.method),
                    offered.median,
                    si(rate.median),
                    got.min,
                    got.median,
                    got.max,
                    si(per_second(c)),
                    drops.median,
                    missed.map_or(0.0, |m| m.median)
                );
            }
            let _ = writeln!(s);
            for (i, sc) in SCENARIOS.iter().enumerate() {
                let find = |m: &str| rows.iter().find(|c| c.scenario == i && c.method == m);
                if let (Some(ring), Some(rf), Some(pcap)) =
                    (find("ring"), find("recvfrom"), find("tcpdump"))
                {
                    let ratio = per_second(ring) / per_second(rf).max(1.0);
                    let missed = |c: &Captured| {
                        spread(c.runs.iter().map(|r| r[0] - r[2]).collect())
                            .map_or(0.0, |m| m.median)
                    };
                    let _ = writeln!(
                        s,
                        "{}: the ring captures {ratio:.2}× as many frames per second as recv_from; \
                         frames not captured (median) ring {}, recv_from {}, libpcap {}.\n",
                        sc.name,
                        missed(ring),
                        missed(rf),
                        missed(pcap)
                    );
                }
            }
        }
        Outcome::Skipped(why) => {
            let _ = writeln!(s, "skipped: {why}");
        }
        Outcome::Failed(e) => {
            let _ = writeln!(s, "Not measured: {e}");
        }
    }
    let _ = writeln!(s, "\n## 5. Name lookup latency (root; noisy)\n");
    let _ = writeln!(
        s,
        "Method: `tput resolve 2000`: dnsmasq (Debian's dnsmasq-base) on 127.77.0.53:53 serves \
         one name with an A and an AAAA record. Each side runs in a mount namespace of its own \
         (`unshare -m --propagation private`) where a bind-mounted /etc/resolv.conf names only \
         that server, in 5 alternating rounds; each lookup asks for both families, stream \
         sockets, port 80, and is timed alone. glibc: `(name, 80).to_socket_addrs()` (std → \
         getaddrinfo: /etc/hosts, then DNS). baresock: `resolve::lookup` (/etc/hosts, then DNS; \
         reads /etc/resolv.conf on every call) and a `Resolver::system()` kept across lookups \
         (resolv.conf read once, as glibc keeps it). µs per lookup.\n"
    );
    match &r.lookups {
        Outcome::Done(rows) => {
            let glibc = rows.first().map(|r| r.1.median);
            let _ = writeln!(
                s,
                "| side | min | median | max | lookups | median ÷ glibc's |"
            );
            let _ = writeln!(s, "|---|---:|---:|---:|---:|---:|");
            for (side, sp, n) in rows {
                let what = match *side {
                    "glibc" => "glibc getaddrinfo (std ToSocketAddrs)",
                    "baresock" => "baresock resolve::lookup",
                    _ => "baresock Resolver kept",
                };
                let _ = writeln!(
                    s,
                    "| {what} | {:.1} | **{:.1}** | {:.1} | {n} | {} |",
                    sp.min,
                    sp.median,
                    sp.max,
                    ratio(Some(sp.median), glibc)
                );
            }
        }
        Outcome::Skipped(why) => {
            let _ = writeln!(s, "skipped: {why}");
        }
        Outcome::Failed(e) => {
            let _ = writeln!(s, "Not measured: {e}");
        }
    }
    echo::markdown(&mut s, &r.echo, &r.echo_where, quick);
    s
}

fn row(report: &mut Report, step: &str, start: Instant, res: Result<String, String>) {
    let (ok, note, counts) = match res {
        Ok(note) => {
            let skip = note.starts_with("skipped");
            (
                true,
                note,
                Counts {
                    passed: u32::from(!skip),
                    skipped: u32::from(skip),
                    failed: 0,
                },
            )
        }
        Err(e) => (
            false,
            e,
            Counts {
                failed: 1,
                ..Counts::default()
            },
        ),
    };
    report.push(Row::new(Tier::Bench, HOST_ARCH, step, ok, start.elapsed(), note).counts(counts));
}

/// Set to `echo`, `cargo xtask bench` measures section 6 alone (to repeat the noisy echo
/// runs): it prints the section's Markdown and leaves `BENCHMARKS.md` alone.
const ONLY: &str = "BAREBENCH_ONLY";

pub fn run_bench(root: &Path, quick: bool, report: &mut Report) {
    let start = Instant::now();
    if std::env::var(ONLY).is_ok_and(|v| v == "echo") {
        return echo_alone(root, quick, report);
    }
    let bins = build(root);
    let bins = match bins {
        Ok(b) => {
            row(report, "build", start, Ok(String::new()));
            b
        }
        Err(e) => return row(report, "build", start, Err(e)),
    };
    let t = Instant::now();
    let instr = match ensure_package("valgrind", "valgrind") {
        Ok(()) => instruction_grid(&bins, quick),
        Err(e) => Err(e),
    };
    row(
        report,
        "instructions (callgrind)",
        t,
        instr.as_ref().map(|_| String::new()).map_err(Clone::clone),
    );
    let decoded = match &instr {
        Ok(_) => decoded_a(&bins, quick),
        Err(e) => Err(e.clone()),
    };
    let t = Instant::now();
    let wall = wall_grid(&bins, quick);
    row(
        report,
        "wall-clock",
        t,
        wall.as_ref().map(|_| String::new()).map_err(Clone::clone),
    );
    let t = Instant::now();
    let ret = syscall_return(&bins, quick);
    row(
        report,
        "return after a syscall",
        t,
        ret.as_ref().map(|_| String::new()).map_err(Clone::clone),
    );
    let t = Instant::now();
    let flows = throughput(&bins, quick);
    row(
        report,
        "UDP throughput",
        t,
        flows.as_ref().map(|_| String::new()).map_err(Clone::clone),
    );
    let t = Instant::now();
    let capture = capture(&bins, quick);
    row(report, "capture", t, capture.verdict());
    let t = Instant::now();
    let lookups = resolver(&bins, quick);
    row(report, "resolver", t, lookups.verdict());
    let (echo, echo_where) = echo_sections(&bins, quick, report);
    let md = markdown(
        &Results {
            instr,
            decoded,
            ret,
            wall,
            flows,
            capture,
            lookups,
            echo,
            echo_where,
        },
        quick,
    );
    println!("\n{md}");
    if !quick && !report.failed() {
        let t = Instant::now();
        let res = std::fs::write(root.join("BENCHMARKS.md"), &md)
            .map(|_| "BENCHMARKS.md written".to_string())
            .map_err(|e| e.to_string());
        row(report, "write BENCHMARKS.md", t, res);
    }
}

/// Section 6 alone (`BAREBENCH_ONLY=echo`): printed, not written.
fn echo_alone(root: &Path, quick: bool, report: &mut Report) {
    let start = Instant::now();
    let bins = match build(root) {
        Ok(b) => b,
        Err(e) => return row(report, "build", start, Err(e)),
    };
    row(report, "build", start, Ok(String::new()));
    let (echo, echo_where) = echo_sections(&bins, quick, report);
    let mut s = String::new();
    echo::markdown(&mut s, &echo, &echo_where, quick);
    println!("\n{s}");
}

/// Section 6's two measurements, each a row of the report.
fn echo_sections(
    bins: &Bins,
    quick: bool,
    report: &mut Report,
) -> (Result<echo::Echo, String>, Result<echo::Where, String>) {
    let t = Instant::now();
    let echo = echo::measure(&bins.echo, quick);
    row(
        report,
        "echo, many connections",
        t,
        echo.as_ref().map(|_| String::new()).map_err(Clone::clone),
    );
    let t = Instant::now();
    let echo_where = ensure_package("perf", "linux-perf")
        .and_then(|()| ensure_package("valgrind", "valgrind"))
        .and_then(|()| echo::where_time(&bins.echo, &bins.callgrind_dir, quick));
    row(
        report,
        "echo, where the time goes (perf stat, callgrind)",
        t,
        echo_where
            .as_ref()
            .map(|_| String::new())
            .map_err(Clone::clone),
    );
    (echo, echo_where)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_values_and_spread() {
        let m = kv("sent=10 received=8 bytes=512 secs=1.5");
        assert_eq!(get(&m, "received").unwrap(), 8.0);
        assert!(get(&m, "nope").is_err());
        assert_eq!(
            skipped("skipped=needs root, sorry\n").as_deref(),
            Some("needs root, sorry")
        );
        let s = spread(vec![3.0, 1.0, 2.0]).unwrap();
        assert_eq!((s.min, s.median, s.max), (1.0, 2.0, 3.0));
        assert!(spread(Vec::new()).is_none());
        assert_eq!(ratio(Some(3.0), Some(2.0)), "1.50×");
        assert_eq!(ratio(None, Some(2.0)), "n/a");
    }
}
