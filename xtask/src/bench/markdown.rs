//! `BENCHMARKS.md`: the results as Markdown, one function per section.

use std::fmt::Write as _;

use super::{
    echo, first_word, ret_counts, spread, Captured, Outcome, Results, CAPTURE_MS, IMPLS, OPS,
    RET_PROBES, SCENARIOS, SENDERS,
};

/// The results as Markdown: what `BENCHMARKS.md` holds and the terminal shows.
pub(super) fn markdown(r: &Results, quick: bool) -> String {
    let mut s = String::new();
    header(&mut s, quick);
    instructions(&mut s, r);
    wall_clock(&mut s, r, quick);
    throughput(&mut s, r);
    capture(&mut s, r);
    lookups(&mut s, r);
    echo::markdown(&mut s, &r.echo, &r.echo_where, quick);
    s
}

/// The title, the date and machine, and how the programs are built.
fn header(s: &mut String, quick: bool) {
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
}

/// 1. User-space instructions per operation (callgrind).
fn instructions(s: &mut String, r: &Results) {
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
}

/// 2. Wall-clock per operation.
fn wall_clock(s: &mut String, r: &Results, quick: bool) {
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
}

/// 3. UDP throughput on loopback.
fn throughput(s: &mut String, r: &Results) {
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
}

/// 4. Capture on a veth.
fn capture(s: &mut String, r: &Results) {
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
}

/// 5. Name lookup latency.
fn lookups(s: &mut String, r: &Results) {
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
}

fn f1(v: Option<f64>) -> String {
    v.map_or("n/a".into(), |v| format!("{v:.1}"))
}

pub(super) fn ratio(a: Option<f64>, b: Option<f64>) -> String {
    match (a, b) {
        (Some(a), Some(b)) if b > 0.0 => format!("{:.2}×", a / b),
        _ => "n/a".into(),
    }
}

pub(super) fn si(v: f64) -> String {
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

fn capture_name(method: &str) -> &'static str {
    match method {
        "ring" => "baresock RxRing (TPACKET_V3, 8 × 256 KiB)",
        "recvfrom" => "baresock PacketSocket::recv_from, per packet",
        _ => "libpcap: tcpdump -B 2048 -w /dev/null",
    }
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
