//! Section 6 of `cargo xtask bench`: serving many connections, a TCP echo server per
//! implementation against the same load client (`bench/src/bin/echo/`), round trips per second
//! and latency with 1, 100 and 1,000 connections, server and client pinned to a core each.
//!
//! A server is one entry of [`IMPLS`] (its name as `echo run` takes it); the table gets its
//! columns, and each `baresock` entry a ratio column against every other entry, from there.

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

use super::{get, kv, output, ratio, si, spread};

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

/// ms counted per run (a fifth more of warm-up comes first), and runs of each cell.
fn shape(quick: bool) -> (u64, usize) {
    if quick {
        (60, 1)
    } else {
        (2_000, 3)
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

/// The section's Markdown.
pub fn markdown(s: &mut String, r: &Result<Echo, String>, quick: bool) {
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
         connection, a 4096-byte buffer per connection, read then write back fully, drained \
         until the read would block (edge-triggered). baresock poller: `baresock::poll::Poller`, \
         the connections in a fixed array; baresock async: `baresock::reactor` under \
         embassy-executor (`reactor::Executor`), a task per connection, `read` + `write_all`, \
         everything in statics; mio: `Poll`, a `Token` slab; tokio: current-thread \
         runtime, a task per connection, `read` + `write_all`. Round trips per second and the \
         99th percentile (p99) of the round-trip latency (a log-linear histogram, within 3 %), median of {rounds} \
         run(s) taken round-robin. The client costs about what a server costs per round trip \
         (a write and a read), so the figures are of the pair; the ratios are of the servers, \
         both measured against the same client. Ratios: a baresock server's round trips per \
         second over the other's (above 1: baresock serves more). Programs: \
         `bench/src/bin/echo/`.\n",
        (ms / 5).max(10)
    );
    let echo = match r {
        Ok(e) => e,
        Err(e) => {
            let _ = writeln!(s, "Not measured: {e}");
            return;
        }
    };
    let pairs: Vec<(usize, usize)> = IMPLS
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
        .collect();
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
        let mut s = String::new();
        markdown(&mut s, &Ok(echo), false);
        assert!(
            s.contains("| baresock poller ÷ mio | baresock poller ÷ tokio current_thread | baresock async (embassy) ÷ mio | baresock async (embassy) ÷ tokio current_thread |"),
            "{s}"
        );
        assert!(s.contains("| 1000 | 30.0 k/s, 80.0 µs | 40.0 k/s, 70.0 µs | 20.0 k/s, 1.5 ms | 15.0 k/s, 90.0 µs | 1.50× | 2.00× | 2.00× | 2.67× |"), "{s}");
        assert!(s.contains("Pinned: server:0,client:1."), "{s}");
        let mut s = String::new();
        markdown(&mut s, &Err("echo: wrong echo".into()), true);
        assert!(s.contains("Not measured: echo: wrong echo"), "{s}");
    }
}
