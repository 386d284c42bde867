//! Section 6 of `cargo xtask bench`: serving many connections, a TCP echo server per
//! implementation against the same load client (`bench/src/bin/echo/`), round trips per second
//! and latency with 1, 100 and 1,000 connections, server and client pinned to a core each.
//!
//! A server is one entry of [`IMPLS`] (its name as `echo run` takes it); the table gets its
//! columns, and each `baresock` entry a ratio column against every other entry, from there.

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

use super::markdown::{ratio, si};
use super::{get, kv, output, spread};

/// One server: the name `echo run` takes, its column heading, and whether it is baresock's
/// (ratio columns: each baresock server over each other one).
pub struct Impl {
    pub name: &'static str,
    pub label: &'static str,
    pub baresock: bool,
}

pub const IMPLS: [Impl; 4] = [
    Impl {
        name: "poller",
        label: "baresock poller",
        baresock: true,
    },
    Impl {
        name: "async",
        label: "baresock async (embassy)",
        baresock: true,
    },
    Impl {
        name: "mio",
        label: "mio",
        baresock: false,
    },
    Impl {
        name: "tokio",
        label: "tokio current_thread",
        baresock: false,
    },
];

/// Connections per run.
pub const CONNS: [usize; 3] = [1, 100, 1_000];

/// ms counted per run (a fifth more of warm-up comes first), and runs of each cell: 3, or
/// `BAREBENCH_ECHO_ROUNDS` of them (more runs, a steadier median on a busy machine).
fn shape(quick: bool) -> (u64, usize) {
    if quick {
        (60, 1)
    } else {
        let rounds = std::env::var("BAREBENCH_ECHO_ROUNDS")
            .ok()
            .and_then(|r| r.parse().ok())
            .filter(|&r| r > 0)
            .unwrap_or(3);
        (2_000, rounds)
    }
}

/// One cell's runs: round trips per second, p50 and p99 in µs.
#[derive(Default)]
pub struct Cell {
    rate: Vec<f64>,
    p50: Vec<f64>,
    p99: Vec<f64>,
}

/// `[connections][impl]`, and how the runs were pinned.
pub struct Echo {
    cells: Vec<Vec<Cell>>,
    pinned: String,
}

/// Every cell, runs taken round-robin (each round runs every connection count on every
/// server once). A run that fails (a wrong echo, a stall, a server that died) or completes no
/// round trip fails the section.
pub fn measure(echo: &Path, quick: bool) -> Result<Echo, String> {
    let (ms, rounds) = shape(quick);
    let mut cells: Vec<Vec<Cell>> = CONNS
        .iter()
        .map(|_| IMPLS.iter().map(|_| Cell::default()).collect())
        .collect();
    let mut pinned = String::new();
    for _ in 0..rounds {
        for (c, conns) in CONNS.iter().enumerate() {
            for (i, imp) in IMPLS.iter().enumerate() {
                let out = output(Command::new(echo).args([
                    "run",
                    imp.name,
                    &conns.to_string(),
                    &ms.to_string(),
                ]))?;
                let m = kv(&out);
                let trips = get(&m, "round_trips")?;
                if trips < 1.0 {
                    return Err(format!(
                        "echo run {} {conns}: no round trip completed",
                        imp.name
                    ));
                }
                let cell = &mut cells[c][i];
                cell.rate.push(get(&m, "rate")?);
                cell.p50.push(get(&m, "p50_us")?);
                cell.p99.push(get(&m, "p99_us")?);
                pinned = m.get("pinned").cloned().unwrap_or_default();
            }
        }
    }
    Ok(Echo { cells, pinned })
}

/// Round trips of the two counting runs at `conns` connections: a short and a long one; per
/// round trip = (count(long) − count(short)) / (long − short), so that start-up, the
/// connections' set-up and the end cancel.
fn trips(conns: usize, quick: bool) -> (u64, u64) {
    let base = 2 * conns as u64 + if quick { 100 } else { 1_000 };
    (base, base + if quick { 500 } else { 20_000 })
}

/// One system call's count in a run: calls, and how many failed (`EAGAIN`, mostly).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Calls {
    pub name: String,
    pub calls: f64,
    pub errors: f64,
}

/// Where a server's time goes, per round trip: system calls by kind (most first), and
/// user-space instructions.
#[derive(Default)]
pub struct Cost {
    pub syscalls: Vec<Calls>,
    pub instructions: Option<f64>,
    /// The server's CPU time (user and kernel, `perf stat`'s `task-clock`) in ns.
    pub cpu_ns: Option<f64>,
}

impl Cost {
    fn total(&self) -> f64 {
        self.syscalls.iter().map(|c| c.calls).sum()
    }
}

/// `[connections][impl]`.
pub struct Where {
    cells: Vec<Vec<Cost>>,
}

/// The system calls counted by kind (`perf stat`, a tracepoint each); the others are counted
/// together (`raw_syscalls:sys_enter` less these).
const KINDS: [&str; 9] = [
    "recvfrom",
    "sendto",
    "read",
    "write",
    "epoll_wait",
    "epoll_pwait",
    "epoll_ctl",
    "accept4",
    "futex",
];
/// The calls whose failures with `EAGAIN` are counted (a tracepoint on their exit, filtered).
const FAILING: [&str; 5] = ["recvfrom", "sendto", "read", "write", "accept4"];

/// `perf stat`'s arguments (before the program): the counting tracepoints, written to `out` as
/// CSV. Counting in the kernel: no ptrace, no sampling, no extra work in the server.
fn perf_args(out: &Path) -> Vec<String> {
    let mut a: Vec<String> = ["perf", "stat", "-x", ",", "-o"].map(String::from).to_vec();
    a.push(out.display().to_string());
    a.extend(["-e".into(), "task-clock".into()]);
    a.extend(["-e".into(), "raw_syscalls:sys_enter".into()]);
    for k in KINDS {
        a.extend(["-e".into(), format!("syscalls:sys_enter_{k}")]);
    }
    for k in FAILING {
        a.extend([
            "-e".into(),
            format!("syscalls:sys_exit_{k}"),
            "--filter".into(),
            "ret == -11".into(),
        ]);
    }
    a.push("--".into());
    a
}

/// `perf stat -x,`'s counts as calls by kind (failures with `EAGAIN` beside), and `other`;
/// and the task clock in ns.
pub fn perf_counts(text: &str) -> (Vec<Calls>, Option<f64>) {
    let mut total = 0.0;
    let mut clock = None;
    let mut v: Vec<Calls> = Vec::new();
    for l in text.lines() {
        let f: Vec<&str> = l.split(',').collect();
        let (Some(n), Some(event)) = (f.first().and_then(|n| n.parse::<f64>().ok()), f.get(2))
        else {
            continue;
        };
        if *event == "task-clock" {
            // In msec.
            clock = Some(n * 1e6);
        } else if *event == "raw_syscalls:sys_enter" {
            total = n;
        } else if let Some(k) = event.strip_prefix("syscalls:sys_enter_") {
            v.push(Calls {
                name: k.into(),
                calls: n,
                errors: 0.0,
            });
        } else if let Some(k) = event.strip_prefix("syscalls:sys_exit_") {
            if let Some(c) = v.iter_mut().find(|c| c.name == k) {
                c.errors = n;
            }
        }
    }
    let known: f64 = v.iter().map(|c| c.calls).sum();
    v.push(Calls {
        name: "other".into(),
        calls: total - known,
        errors: 0.0,
    });
    (v, clock)
}

/// `long − short` per round trip, by name; kinds under 0.005 per round trip left out.
fn per_trip(short: &[Calls], long: &[Calls], trips: f64) -> Vec<Calls> {
    let mut v: Vec<Calls> = long
        .iter()
        .map(|l| {
            let s = short
                .iter()
                .find(|s| s.name == l.name)
                .cloned()
                .unwrap_or_default();
            Calls {
                name: l.name.clone(),
                calls: (l.calls - s.calls) / trips,
                errors: (l.errors - s.errors) / trips,
            }
        })
        .filter(|c| c.calls >= 0.005)
        .collect();
    v.sort_by(|a, b| b.calls.total_cmp(&a.calls));
    v
}

/// One `echo count` run under `wrap`; fails unless it made `trips` round trips.
fn count_run(
    echo: &Path,
    imp: &str,
    conns: usize,
    trips: u64,
    wrap: &[String],
) -> Result<(), String> {
    let out = output(
        Command::new(echo)
            .args(["count", imp, &conns.to_string(), &trips.to_string()])
            .args(wrap),
    )?;
    let got = get(&kv(&out), "round_trips")?;
    if got != trips as f64 {
        return Err(format!(
            "echo count {imp} {conns} {trips}: {got} round trips"
        ));
    }
    Ok(())
}

/// Where the time goes: every server at every connection count, two fixed-length runs each
/// (see [`trips`]) under `perf stat` (system calls by kind) and two under callgrind
/// (user-space instructions, the files kept in `dir`).
pub fn where_time(echo: &Path, dir: &Path, quick: bool) -> Result<Where, String> {
    let mut cells = Vec::new();
    for &conns in &CONNS {
        let (short, long) = trips(conns, quick);
        let d = (long - short) as f64;
        let mut row = Vec::new();
        for imp in &IMPLS {
            let mut runs = Vec::new();
            let mut clock = Vec::new();
            let mut ir = Vec::new();
            for n in [short, long] {
                let st = dir.join(format!("echo-{}-{conns}-{n}.perf", imp.name));
                count_run(echo, imp.name, conns, n, &perf_args(&st))?;
                let text = std::fs::read_to_string(&st).map_err(|e| e.to_string())?;
                let (calls, ns) = perf_counts(&text);
                runs.push(calls);
                clock.push(ns);
                let cg = dir.join(format!("echo-{}-{conns}-{n}.out", imp.name));
                let wrap = vec![
                    "valgrind".to_string(),
                    "-q".into(),
                    "--tool=callgrind".into(),
                    format!("--callgrind-out-file={}", cg.display()),
                ];
                count_run(echo, imp.name, conns, n, &wrap)?;
                ir.push(super::callgrind_total(&cg)?);
            }
            row.push(Cost {
                syscalls: per_trip(&runs[0], &runs[1], d),
                instructions: Some((ir[1] as f64 - ir[0] as f64) / d),
                cpu_ns: clock[0].zip(clock[1]).map(|(a, b)| (b - a) / d),
            });
        }
        cells.push(row);
    }
    Ok(Where { cells })
}

/// The "where the time goes" table.
fn where_markdown(s: &mut String, w: &Result<Where, String>, quick: bool) {
    let (short, long) = trips(1, quick);
    let _ = writeln!(
        s,
        "\n### Where the time goes (per round trip, deterministic)\n\n\
         Method: `echo count <server> <connections> <round trips> <wrapper>`: the same server \
         and client as above, exactly N round trips (every echo awaited), then the server \
         ended; the server under `perf stat` counting system-call tracepoints \
         (`raw_syscalls:sys_enter`, `syscalls:sys_enter_<call>`, and `syscalls:sys_exit_<call>` \
         filtered on `ret == -11`: the calls that said `EAGAIN`, in brackets; counted in the \
         kernel, the server runs at its speed) or under `valgrind --tool=callgrind` (user-space \
         instructions; the kernel's are not counted); `perf stat`'s `task-clock` gives the \
         server's CPU time (user and kernel; a time, so noisy like the rates, but of the server \
         alone, not of the pair and the machine's other work). Per round trip = (count(N₂) − \
         count(N₁)) / (N₂ − N₁), so that start-up and the connections' set-up cancel: N₁ = 2 × \
         connections + {}, N₂ = N₁ + {}. How many connections one wait finds ready depends on \
         timing (more under callgrind, where the server is the slow side), so the waits per \
         round trip at 100 and 1000 connections vary from run to run; the reads and writes \
         per round trip do not. The callgrind files stay in `target/bench-perf/callgrind/` \
         (`echo-*`).\n",
        short - 2,
        long - short
    );
    let w = match w {
        Ok(w) => w,
        Err(e) => {
            let _ = writeln!(s, "Not measured: {e}");
            return;
        }
    };
    let _ = writeln!(
        s,
        "| connections | server | system calls per round trip | by kind (failed) | user-space instructions per round trip | server CPU per round trip |\n|---:|---|---:|---|---:|---:|"
    );
    for (conns, row) in CONNS.iter().zip(&w.cells) {
        for (imp, cost) in IMPLS.iter().zip(row) {
            let kinds: Vec<String> = cost
                .syscalls
                .iter()
                .map(|c| {
                    if c.errors >= 0.005 {
                        format!("{} {:.2} ({:.2})", c.name, c.calls, c.errors)
                    } else {
                        format!("{} {:.2}", c.name, c.calls)
                    }
                })
                .collect();
            let _ = writeln!(
                s,
                "| {conns} | {} | {:.2} | {} | {} | {} |",
                imp.label,
                cost.total(),
                kinds.join(", "),
                cost.instructions
                    .map_or("n/a".into(), |i| format!("{i:.0}")),
                cost.cpu_ns
                    .map_or("n/a".into(), |ns| format!("{:.2} µs", ns / 1e3))
            );
        }
    }
}

/// `87.5 µs`, `20.5 ms`.
fn micros(us: f64) -> String {
    if us >= 1_000.0 {
        format!("{:.1} ms", us / 1_000.0)
    } else {
        format!("{us:.1} µs")
    }
}

fn median(v: &[f64]) -> Option<f64> {
    spread(v.to_vec()).map(|s| s.median)
}

/// The section's Markdown: the rates, then where the time goes.
pub fn markdown(s: &mut String, r: &Result<Echo, String>, w: &Result<Where, String>, quick: bool) {
    let (ms, rounds) = shape(quick);
    let _ = writeln!(s, "\n## 6. Serving many connections: TCP echo (noisy)\n");
    let _ = writeln!(
        s,
        "Method: `echo run <server> <connections> {ms}`: the server (`echo serve`, one thread, \
         one event loop) is pinned to one core and the load client to the other \
         (`sched_setaffinity`); RLIMIT_NOFILE's soft limit raised to the hard one on both sides. \
         The client (the same for every server: one thread, mio, edge-triggered) opens the \
         connections to 127.0.0.1, then keeps ONE 64-byte message in flight on each (send, wait \
         for the whole echo, check every byte, send the next): {} ms of warm-up, then {ms} ms \
         counted (on until at least one round trip per connection was). Every server: listener made alike (backlog 1024), `TCP_NODELAY` on each \
         connection, a 4096-byte buffer per connection, read then write back fully, \
         edge-triggered. baresock poller: `baresock::poll::Poller`, the connections in a fixed \
         array, each drained until a read would block or comes back short (fewer bytes than \
         asked: the socket was empty then, and what comes later is a new edge; done in the \
         server's loop, as a user of the poller may); baresock async: `baresock::reactor` under \
         embassy-executor (`reactor::Executor`), a task per connection, `read` + `write_all`, \
         everything in statics (the reactor clears readiness on a short read or write itself); \
         mio: `Poll`, a `Token` slab, each connection drained until a read would block (what \
         mio's docs tell its users to do: one read per round trip more); tokio: current-thread \
         runtime, a task per connection, `read` + `write_all` (tokio clears readiness on a short \
         read itself). Round trips per second and the \
         99th percentile (p99) of the round-trip latency (a log-linear histogram, within 3 %), median of {rounds} \
         run(s) taken round-robin. The client costs about what a server costs per round trip \
         (a write and a read), so the figures are of the pair; the ratios are of the servers, \
         both measured against the same client. Ratios: a baresock server's round trips per \
         second over the other's (above 1: baresock serves more). Programs: \
         `bench/src/bin/echo/`.\n",
        (ms / 5).max(10)
    );
    match r {
        Ok(e) => rates(s, e),
        Err(e) => {
            let _ = writeln!(s, "Not measured: {e}");
        }
    }
    where_markdown(s, w, quick);
    if let (Ok(e), Ok(w)) = (r, w) {
        below_one(s, e, w);
    }
}

/// Every ratio under 1, with what the counts say of the two servers: where the time goes.
fn below_one(s: &mut String, echo: &Echo, w: &Where) {
    let mut lines = Vec::new();
    for (c, conns) in CONNS.iter().enumerate() {
        for (b, o) in pairs() {
            let (rb, ro) = (
                median(&echo.cells[c][b].rate),
                median(&echo.cells[c][o].rate),
            );
            let (Some(rb), Some(ro)) = (rb, ro) else {
                continue;
            };
            if rb >= ro {
                continue;
            }
            let (cb, co) = (&w.cells[c][b], &w.cells[c][o]);
            let cpu = |x: &Cost| {
                x.cpu_ns
                    .map_or("n/a".into(), |ns| format!("{:.2} µs", ns / 1e3))
            };
            let ir = |x: &Cost| x.instructions.map_or("n/a".into(), |i| format!("{i:.0}"));
            let less = matches!((cb.cpu_ns, co.cpu_ns), (Some(b), Some(o)) if b < o);
            lines.push(format!(
                "- {conns} connection(s), {} ÷ {} {}: per round trip {:.2} system calls against \
                 {:.2}, {} user-space instructions against {}, server CPU {} against {}.{}",
                IMPLS[b].label,
                IMPLS[o].label,
                ratio(Some(rb), Some(ro)),
                cb.total(),
                co.total(),
                ir(cb),
                ir(co),
                cpu(cb),
                cpu(co),
                if less {
                    " Less server CPU per round trip than the other: the gap is in the timing of \
                     the pair (wake-ups, the load of a shared machine), not in the server's work."
                } else {
                    ""
                }
            ));
        }
    }
    if !lines.is_empty() {
        let _ = writeln!(
            s,
            "\nRatios under 1 in this run, and what the counts say of the two servers:\n\n{}",
            lines.join("\n")
        );
    }
}

/// (baresock server, other server): the ratio columns, in order.
fn pairs() -> Vec<(usize, usize)> {
    IMPLS
        .iter()
        .enumerate()
        .filter(|(_, b)| b.baresock)
        .flat_map(|(b, _)| {
            IMPLS
                .iter()
                .enumerate()
                .filter(|(_, o)| !o.baresock)
                .map(move |(o, _)| (b, o))
        })
        .collect()
}

/// The rates table and the p50 line.
fn rates(s: &mut String, echo: &Echo) {
    let pairs = pairs();
    let mut head = String::from("| connections |");
    let mut rule = String::from("|---:|");
    for imp in &IMPLS {
        let _ = write!(head, " {} round trips/s, p99 |", imp.label);
        rule.push_str("---:|");
    }
    for &(b, o) in &pairs {
        let _ = write!(head, " {} ÷ {} |", IMPLS[b].label, IMPLS[o].label);
        rule.push_str("---:|");
    }
    let _ = writeln!(s, "{head}\n{rule}");
    for (conns, row) in CONNS.iter().zip(&echo.cells) {
        let _ = write!(s, "| {conns} |");
        for cell in row {
            let _ = write!(
                s,
                " {}/s, {} |",
                median(&cell.rate).map_or("n/a".into(), si),
                median(&cell.p99).map_or("n/a".into(), micros)
            );
        }
        for &(b, o) in &pairs {
            let _ = write!(
                s,
                " {} |",
                ratio(median(&row[b].rate), median(&row[o].rate))
            );
        }
        let _ = writeln!(s);
    }
    let _ = writeln!(
        s,
        "\np50 (median of the runs): {}. Pinned: {}.",
        CONNS
            .iter()
            .zip(&echo.cells)
            .map(|(conns, row)| {
                let cells: Vec<String> = IMPLS
                    .iter()
                    .zip(row)
                    .map(|(imp, c)| {
                        format!(
                            "{} {}",
                            imp.label,
                            median(&c.p50).map_or("n/a".into(), micros)
                        )
                    })
                    .collect();
                format!("{conns} connection(s): {}", cells.join(", "))
            })
            .collect::<Vec<_>>()
            .join("; "),
        if echo.pinned.is_empty() {
            "no"
        } else {
            &echo.pinned
        }
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_has_a_ratio_per_baresock_server_and_other() {
        let cell = |rate: f64, p99: f64| Cell {
            rate: vec![rate, rate * 2.0, rate / 2.0],
            p50: vec![10.0; 3],
            p99: vec![p99; 3],
        };
        let echo = Echo {
            cells: CONNS
                .iter()
                .map(|_| {
                    vec![
                        cell(30_000.0, 80.0),
                        cell(40_000.0, 70.0),
                        cell(20_000.0, 1_500.0),
                        cell(15_000.0, 90.0),
                    ]
                })
                .collect(),
            pinned: "server:0,client:1".into(),
        };
        let cost = |n: f64| Cost {
            syscalls: vec![
                Calls {
                    name: "recvfrom".into(),
                    calls: n,
                    errors: n - 1.0,
                },
                Calls {
                    name: "sendto".into(),
                    calls: 1.0,
                    errors: 0.0,
                },
            ],
            instructions: Some(1234.4),
            cpu_ns: Some(2_345.0),
        };
        let costs = Where {
            cells: CONNS
                .iter()
                .map(|_| IMPLS.iter().map(|_| cost(2.0)).collect())
                .collect(),
        };
        let mut s = String::new();
        let costs2 = Where {
            cells: CONNS
                .iter()
                .map(|_| IMPLS.iter().map(|_| cost(2.0)).collect())
                .collect(),
        };
        markdown(&mut s, &Ok(echo), &Ok(costs2), false);
        assert!(
            s.contains("| 100 | mio | 3.00 | recvfrom 2.00 (1.00), sendto 1.00 | 1234 | 2.35 µs |"),
            "{s}"
        );
        // Every baresock server serves more than mio and tokio here: no ratio under 1.
        assert!(!s.contains("Ratios under 1"), "{s}");
        // mio faster than both baresock servers: each such ratio gets its line.
        let mut fast_mio = Echo {
            cells: Vec::new(),
            pinned: String::new(),
        };
        for _ in CONNS {
            fast_mio.cells.push(vec![
                cell(30_000.0, 80.0),
                cell(40_000.0, 70.0),
                cell(50_000.0, 70.0),
                cell(15_000.0, 90.0),
            ]);
        }
        let mut m = String::new();
        markdown(&mut m, &Ok(fast_mio), &Ok(costs), false);
        assert!(
            m.contains("- 1 connection(s), baresock poller ÷ mio 0.60×: per round trip 3.00 system calls against 3.00, 1234 user-space instructions against 1234, server CPU 2.35 µs against 2.35 µs."),
            "{m}"
        );
        assert_eq!(m.matches("\n- ").count(), 6, "{m}");
        assert!(
            s.contains("| baresock poller ÷ mio | baresock poller ÷ tokio current_thread | baresock async (embassy) ÷ mio | baresock async (embassy) ÷ tokio current_thread |"),
            "{s}"
        );
        assert!(s.contains("| 1000 | 30.0 k/s, 80.0 µs | 40.0 k/s, 70.0 µs | 20.0 k/s, 1.5 ms | 15.0 k/s, 90.0 µs | 1.50× | 2.00× | 2.00× | 2.67× |"), "{s}");
        assert!(s.contains("Pinned: server:0,client:1."), "{s}");
        let mut s = String::new();
        markdown(
            &mut s,
            &Err("echo: wrong echo".into()),
            &Err("no strace".into()),
            true,
        );
        assert!(s.contains("Not measured: echo: wrong echo"), "{s}");
        assert!(s.contains("Not measured: no strace"), "{s}");
    }

    #[test]
    fn perf_counts_and_per_trip() {
        let text = "# started on Mon Dec  7 05:48:17 2026\n\n\
            23.85,msec,task-clock,23845200,100.00,0.244,CPUs utilized\n\
            30000,,raw_syscalls:sys_enter,514189645,100.00,,\n\
            27584,,syscalls:sys_enter_recvfrom,514189645,100.00,,\n\
            2000,,syscalls:sys_enter_sendto,514189645,100.00,,\n\
            7573,,syscalls:sys_exit_recvfrom,514189645,100.00,,\n";
        let (c, clock) = perf_counts(text);
        assert_eq!(c.len(), 3, "{c:?}");
        assert_eq!(clock, Some(23.85e6));
        assert_eq!(
            c[0],
            Calls {
                name: "recvfrom".into(),
                calls: 27584.0,
                errors: 7573.0
            }
        );
        assert_eq!((c[2].name.as_str(), c[2].calls), ("other", 416.0));
        let args = perf_args(Path::new("/x"));
        assert_eq!(args.last().map(String::as_str), Some("--"));
        assert!(args.iter().any(|a| a == "ret == -11"));
        assert!(args.iter().any(|a| a == "task-clock"));
        let short = [Calls {
            name: "recvfrom".into(),
            calls: 584.0,
            errors: 73.0,
        }];
        let p = per_trip(&short, &c, 1000.0);
        assert_eq!(p[0].name, "recvfrom");
        assert_eq!((p[0].calls, p[0].errors), (27.0, 7.5));
        assert_eq!(p[1].calls, 2.0);
        assert_eq!(p.len(), 3);
    }
}
