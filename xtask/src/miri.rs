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
//! Tests that make system calls, which Miri cannot run, need no marking: see [`run_miri`].
//! Miri stops at the first one; the xtask names that test as not run under Miri (a system
//! call) and starts Miri again on the tests after it. A few tests carry
//! `#[cfg_attr(miri, ignore = ...)]` (reading files, opening sockets, looking interfaces up):
//! that only saves a Miri start each. `cargo xtask test` runs the share in [`TEST_FILTERS`]
//! (the modules with `unsafe`) to stay within CI's time; `cargo xtask miri` all of [`FILTERS`].

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use crate::host::{cargo, first_line, is_root, run, show, tail};
use crate::report::{Counts, Report, Row, Tier, HOST_ARCH};

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
    "poll::tests::",
    "resolve::",
    "sys::epoll::",
    "sys::pin::",
    "sys::ring::",
    "sys::waker::",
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
        report.push(Row::new(
            Tier::Host,
            HOST_ARCH,
            "install miri (nightly)",
            false,
            start.elapsed(),
            note,
        ));
    }
    ok
}

/// The share of [`FILTERS`] that `cargo xtask test` runs (its host tier, after the native
/// tests), to stay within CI's time: every module with `unsafe` (`sys::addr`, `sys::msg`,
/// `sys::ring`, `sys::epoll`, `sys::waker`, `sys::pin`, each matched by a filter below) and the decoders built on it. Safe code with
/// no `sys` underneath (the resolver's codecs and parsers, `name`, `bpf`, `error`: most of the
/// full run's time) runs in `cargo xtask miri` only.
pub const TEST_FILTERS: &[&str] = &[
    "addr::",
    "can::",
    "msg::",
    "net::packet::tests::",
    "net::raw::tests::",
    "net::ring::tests::",
    "poll::tests::",
    "sys::epoll::",
    "sys::pin::",
    "sys::ring::",
    "sys::waker::",
    "tcp_info::",
];

/// How Miri reports what it cannot run: a system call, made through inline assembly (the
/// `syscalls` crate, rustix's `linux_raw`), a foreign function (libc), or a file or clock
/// call refused under isolation. Undefined behaviour is never one of these.
const SYSTEM_CALL: &[&str] = &[
    "unsupported operation: inline assembly",
    "unsupported operation: can't call foreign function",
    "not available when isolation is enabled",
];

/// What one Miri process did.
#[derive(Debug, Default, PartialEq, Eq)]
struct MiriRun {
    passed: Vec<String>,
    failed: Vec<String>,
    ignored: Vec<String>,
    /// The test Miri stopped in, if it stopped: it printed `test <name> ... ` and no verdict.
    stopped_in: Option<String>,
}

/// Reads a Miri run's libtest output (stdout, run with `--test-threads=1`, so that a test's
/// line is printed before it runs).
fn read_run(stdout: &str) -> MiriRun {
    let mut r = MiriRun::default();
    for line in stdout.lines() {
        let Some((name, status)) = line
            .strip_prefix("test ")
            .and_then(|rest| rest.split_once(" ..."))
        else {
            continue;
        };
        let name = name.to_owned();
        match status.trim() {
            "ok" => r.passed.push(name),
            "FAILED" => r.failed.push(name),
            s if s.starts_with("ignored") => r.ignored.push(name),
            _ => r.stopped_in = Some(name),
        }
    }
    if r.stopped_in
        .as_ref()
        .is_some_and(|s| r.passed.contains(s) || r.failed.contains(s) || r.ignored.contains(s))
    {
        r.stopped_in = None;
    }
    r
}

/// Whether Miri stopped because the program made a system call (its error on stderr).
fn stopped_at_system_call(stderr: &str) -> bool {
    stderr
        .lines()
        .filter(|l| l.starts_with("error: "))
        .take(1)
        .any(|l| SYSTEM_CALL.iter().any(|s| l.contains(s)))
}

/// Runs the unit tests matching `filters` under Miri and pushes one row named `step`.
///
/// The rule for tests that make system calls, which Miri cannot run: none is marked by hand
/// (a few carry `#[cfg_attr(miri, ignore = ...)]`, which only saves time). Miri stops the
/// whole process at the first system call; the tests run one at a time (`--test-threads=1`),
/// so libtest's last `test <name> ... ` line names the test it stopped in. When Miri's error
/// is a system call ([`SYSTEM_CALL`]), that test is counted as not run under Miri and named
/// in the row's note, and a new Miri process runs the tests after it (named exactly, from
/// `--list`). Any other stop (undefined behaviour, a panic outside a test) fails that test
/// and the row. So a new test that opens a socket costs one more Miri start, and never stops
/// the run.
pub fn run_miri(root: &Path, filters: &[&str], step: &str, report: &mut Report) {
    let start = Instant::now();
    if !ensure_miri(report) {
        return;
    }
    let miri = |args: &[&str]| {
        let mut cmd = cargo(root, Some("nightly"));
        cmd.args(["miri", "test", "-p", "baresock", "--lib", "--"])
            .args(args);
        eprintln!("xtask: [x86_64 / host / miri] $ {}", show(&cmd));
        cmd.output()
    };
    let fail = |report: &mut Report, note: String| {
        report.push(Row::new(
            Tier::Host,
            HOST_ARCH,
            step,
            false,
            start.elapsed(),
            note,
        ))
    };
    let mut list_args = vec!["--list", "--format", "terse"];
    list_args.extend(filters);
    let names: Vec<String> = match miri(&list_args) {
        Ok(o) if o.status.success() => String::from_utf8_lossy(&o.stdout)
            .lines()
            .filter_map(|l| l.strip_suffix(": test"))
            .map(String::from)
            .collect(),
        Ok(o) => {
            let err = String::from_utf8_lossy(&o.stderr).into_owned();
            eprintln!("{}", tail(&err, 40));
            return fail(report, format!("--list failed: {}", first_line(&err)));
        }
        Err(e) => return fail(report, format!("cannot run cargo miri: {e}")),
    };
    let mut remaining = names.clone();
    let mut total = MiriRun::default();
    let mut system_calls: Vec<String> = Vec::new();
    let mut problems: Vec<String> = Vec::new();
    while !remaining.is_empty() {
        let mut args = vec!["--test-threads=1", "--exact"];
        args.extend(remaining.iter().map(String::as_str));
        let out = match miri(&args) {
            Ok(o) => o,
            Err(e) => return fail(report, format!("cannot run cargo miri: {e}")),
        };
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        let run = read_run(&stdout);
        let done: Vec<&String> = run
            .passed
            .iter()
            .chain(&run.failed)
            .chain(&run.ignored)
            .chain(&run.stopped_in)
            .collect();
        let before = remaining.len();
        remaining.retain(|n| !done.contains(&n));
        if remaining.len() == before && !out.status.success() {
            // Nothing of what was asked ran: starting again would do the same.
            eprintln!("{}", tail(&format!("{stdout}{stderr}"), 60));
            problems.push(format!(
                "Miri ran none of the tests: {}",
                first_line(&stderr)
            ));
            break;
        }
        let stopped_in = run.stopped_in.clone();
        total.passed.extend(run.passed);
        total.failed.extend(run.failed);
        total.ignored.extend(run.ignored);
        match stopped_in {
            None if out.status.success() => break,
            None => {
                eprintln!("{}", tail(&format!("{stdout}{stderr}"), 60));
                problems.push(format!(
                    "Miri stopped outside a test: {}",
                    first_line(&stderr)
                ));
                break;
            }
            Some(test) if stopped_at_system_call(&stderr) => system_calls.push(test),
            Some(test) => {
                eprintln!("{}", tail(&format!("{stdout}{stderr}"), 60));
                let why = stderr
                    .lines()
                    .find(|l| l.starts_with("error: "))
                    .unwrap_or("stopped")
                    .to_owned();
                problems.push(format!("{test}: {why}"));
                total.failed.push(test);
            }
        }
    }
    let counts = Counts {
        passed: total.passed.len() as u32,
        failed: total.failed.len() as u32,
        skipped: 0,
    };
    let ran_any = counts.passed + counts.failed > 0;
    let ok = problems.is_empty() && counts.failed == 0 && ran_any;
    let mut note = problems;
    if !ran_any {
        note.push(format!("no test ran ({} selected)", names.len()));
    }
    if !system_calls.is_empty() {
        note.push(format!(
            "{} not run (system calls): {}",
            system_calls.len(),
            system_calls.join(", ")
        ));
    }
    note.push(format!("{} ignored under Miri", total.ignored.len()));
    report.push(
        Row::new(
            Tier::Host,
            HOST_ARCH,
            step,
            ok,
            start.elapsed(),
            note.join("; "),
        )
        .tests(
            counts,
            total
                .passed
                .iter()
                .chain(&total.failed)
                .map(|t| format!("baresock-lib::{t}"))
                .collect(),
        ),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_system_call_names_its_test_and_undefined_behaviour_is_not_one() {
        let stdout = "running 3 tests\ntest addr::can::tests::round_trips ... ok\ntest addr::x::ignored_one ... ignored, opens sockets\ntest addr::dest::tests::a_failed_receive_restores_the_length ... ";
        let run = read_run(stdout);
        assert_eq!(run.passed, vec!["addr::can::tests::round_trips".to_owned()]);
        assert_eq!(run.ignored, vec!["addr::x::ignored_one".to_owned()]);
        assert_eq!(
            run.stopped_in.as_deref(),
            Some("addr::dest::tests::a_failed_receive_restores_the_length")
        );
        assert!(stopped_at_system_call(
            "error: unsupported operation: inline assembly is not supported\n  --> syscalls/src/x86_64.rs:90:5\n"
        ));
        assert!(stopped_at_system_call(
            "error: unsupported operation: can't call foreign function `socket` on OS `linux`\n"
        ));
        assert!(stopped_at_system_call(
            "error: unsupported operation: `open` not available when isolation is enabled\n"
        ));
        assert!(!stopped_at_system_call(
            "error: Undefined Behavior: memory access failed: alloc1 has size 4, so pointer to 8 bytes starting at offset 0 is out-of-bounds\n"
        ));
        // A finished run stops nowhere.
        let run = read_run(
            "test a ... ok\ntest b ... FAILED\n\ntest result: FAILED. 1 passed; 1 failed;\n",
        );
        assert_eq!(run.stopped_in, None);
        assert_eq!(run.failed, vec!["b".to_owned()]);
    }
}
