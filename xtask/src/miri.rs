//! `cargo xtask miri`: the pure code's unit tests under Miri (nightly), which checks them for
//! undefined behaviour: out-of-bounds and misaligned reads, uninitialised memory, aliasing,
//! in the codecs and in the `unsafe` of `sys` that decodes kernel bytes.
//!
//! Selected by module, with libtest's name filters ([`FILTERS`]): the DNS codec and names,
//! resolv.conf, hosts and services parsers, the line reader over text, RFC 6724 sorting;
//! socket addresses (`addr`, `sys::addr`); CAN frames, BCM messages and can-utils' text;
//! the BPF checker; control messages (`sys::msg`, auxdata); ring frame parsing and layouts;
//! `TCP_INFO` decoding; errors. Not selected: `time` and `sys::sockopt`, which make system
//! calls in every test.
//!
//! Inside the selection, the tests that make system calls are ignored under `cfg(miri)`,
//! with the reason (Miri runs no socket, file or interface call): those that read files
//! (`resolve::{conf,hosts,services,file}`), open sockets (`resolve::sort::loopback_probe`)
//! or look interface names up (`resolve::conf::scope_by_system_interface`). libtest lists
//! them as ignored, with the reason.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use crate::host::{cargo, first_line, is_root, run, show, tail};
use crate::report::{parse_libtest, Counts, Report, Row};

/// Test-name filters (substrings, any of which selects a test) for the pure modules.
pub const FILTERS: &[&str] = &[
    "addr::",
    "bpf::",
    "can::",
    "error::",
    "msg::",
    "name::",
    "net::packet::tests::",
    "net::raw::tests::",
    "net::ring::tests::",
    "resolve::",
    "sys::ring::",
    "tcp_info::",
];

/// Makes sure nightly has Miri: as root, installs it; otherwise says which command would.
fn ensure_miri(report: &mut Report) -> bool {
    let installed = Command::new("rustup")
        .args(["component", "list", "--installed", "--toolchain", "nightly"])
        .output()
        .map(|o| {
            String::from_utf8_lossy(&o.stdout)
                .lines()
                .any(|l| l.starts_with("miri"))
        })
        .unwrap_or(false);
    if installed {
        return true;
    }
    let mut cmd = Command::new("rustup");
    cmd.args(["+nightly", "component", "add", "miri"]);
    let start = Instant::now();
    let (ok, note) = if is_root() {
        let r = run(&mut cmd);
        (r.ok, first_line(&r.output))
    } else {
        (
            false,
            format!("Miri is missing; install it with: {}", show(&cmd)),
        )
    };
    if !ok {
        report.push(Row {
            arch: "x86_64".into(),
            tier: "host".into(),
            step: "install miri (nightly)".into(),
            counts: Counts::default(),
            ok: false,
            time: start.elapsed(),
            note,
        });
    }
    ok
}

/// Runs the selected unit tests under Miri and pushes one row.
pub fn run_miri(root: &Path, report: &mut Report) {
    if !ensure_miri(report) {
        return;
    }
    let mut cmd = cargo(root, Some("nightly"));
    cmd.args(["miri", "test", "-p", "baresock", "--lib", "--"])
        .args(FILTERS);
    let r = run(&mut cmd);
    let (counts, _) = parse_libtest(&r.output);
    let ran_any = counts.passed + counts.failed > 0;
    let ok = r.ok && counts.failed == 0 && ran_any;
    if !ok {
        eprintln!("{}", tail(&r.output, 60));
    }
    let ignored = r
        .output
        .lines()
        .filter(|l| l.starts_with("test ") && l.contains(" ... ignored"))
        .count();
    let note = if ok {
        format!("{ignored} ignored under Miri (system calls)")
    } else if !ran_any {
        format!("no test ran: {}", first_line(&r.output))
    } else {
        first_line(&r.output)
    };
    report.push(Row {
        arch: "x86_64".into(),
        tier: "host".into(),
        step: "miri (pure modules)".into(),
        counts,
        ok,
        time: r.time,
        note,
    });
}
