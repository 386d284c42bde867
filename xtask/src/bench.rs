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
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use crate::host::{ensure_package, is_root};
use crate::report::{Counts, Report, Row, Tier, HOST_ARCH};

mod echo;
mod markdown;

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
    let md = markdown::markdown(
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
    use super::markdown::ratio;
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
