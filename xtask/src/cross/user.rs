//! Tier 2: every test binary of every architecture under qemu-user, on the host's kernel.
//!
//! qemu-user translates system calls, so this covers the ABI (layouts, endianness, 32-bit)
//! quickly, but not the kernel features the host lacks (CAN), and qemu has its own bugs in
//! socket options (the notes list them). The tests see `BARESOCK_QEMU_USER=1` and skip what
//! qemu-user cannot do, saying why.
//!
//! Then per architecture the `#![no_std]` echo server of `examples/nostd-echo` (built once for
//! all of them, see [`echo`](super::echo)): proved static with no undefined symbol, and run
//! under qemu-user (and natively on the host's own architecture) against a client; and its
//! async TCP twin, `async-echo`, against 1,000 connections at once ([`async_echo`](super::async_echo)),
//! and the static `ip`-like tool, `nostd-ip` ([`nostd_ip`](super::nostd_ip)).

use std::process::Command;
use std::time::{Duration, Instant};

use super::build::{build, TEST_LIMIT};
use super::echo;
use super::install;
use super::proc::{run_limited, tail};
use super::targets::Target;
use super::{skip_note, Ws};
use crate::report::{account, listed, panics, Counts, Exit, Row, Tier};

pub(super) const TIER: Tier = Tier::QemuUser;

/// The row of the no_std echo builds for `targets` (not empty), filed under `tier`: the
/// scheduler's builder made one per target, each right after that target's test build
/// ([`echo::build_planned`]), taking `time` in all. Fails if any failed, naming them.
pub(super) fn echo_build_row(tier: Tier, targets: &[&Target], time: Duration) -> Row {
    let mut failed = Vec::new();
    for t in targets {
        if let Err(e) = echo::wait_built(&t.name) {
            failed.push(format!("{}: {e}", t.name));
        }
    }
    let names: Vec<&str> = targets.iter().map(|t| t.name.as_str()).collect();
    let ok = failed.is_empty();
    Row::new(
        tier,
        "all",
        "no_std echo build",
        ok,
        time,
        if ok {
            format!("nightly, -Zbuild-std=core, for {}", names.join(", "))
        } else {
            failed.join("; ")
        },
    )
}

/// The no_std echo of `t`: static, no undefined symbol, no libc; then echoing datagrams under
/// qemu-user, and natively where `t` is the host's architecture.
pub(super) fn run_echo(ws: &Ws, t: &Target, built: bool) -> Row {
    echo_row(ws, t, built, echo::ECHO, "no_std echo", echo::exercise)
}

/// The row of one no_std echo program `bin` of `t` (the UDP echo, the async TCP echo): static,
/// no undefined symbol, no libc; then `exercise` runs it under qemu-user, and natively where
/// `t` is the host's architecture. `built`: whether the example's build worked.
pub(super) fn echo_row(
    ws: &Ws,
    t: &Target,
    built: bool,
    bin: &str,
    step: &str,
    exercise: fn(&[&std::ffi::OsStr]) -> Result<String, String>,
) -> Row {
    let start = Instant::now();
    let result = (|| -> Result<String, String> {
        if !built {
            return Err("not run: the build failed".into());
        }
        let path = echo::built(ws, t, bin);
        echo::check_static(&path)?;
        let stripped = echo::stripped(ws, &t.name, bin);
        let size = echo::strip(ws, &path, &stripped)?;
        let qemu = install::qemu_user(t).ok_or(format!("{} not found", t.qemu_user))?;
        let served = exercise(&[qemu.as_os_str(), stripped.as_os_str()])
            .map_err(|e| format!("under qemu: {e}"))?;
        let mut note = format!("{size} B stripped, static, nm -u empty; {served} under qemu");
        if t.name == std::env::consts::ARCH {
            exercise(&[stripped.as_os_str()]).map_err(|e| format!("native: {e}"))?;
            note.push_str(" and natively");
        }
        Ok(note)
    })();
    let ok = result.is_ok();
    Row::new(
        Tier::QemuUser,
        &t.name,
        step,
        ok,
        start.elapsed(),
        result.unwrap_or_else(|e| e),
    )
    .counts(Counts {
        passed: u32::from(ok),
        failed: u32::from(!ok),
        skipped: 0,
    })
}

pub(super) fn fail_row(arch: &str, step: &str, note: String) -> Row {
    Row::new(Tier::QemuUser, arch, step, false, Default::default(), note)
}

/// The test row of `t`: every test binary of its build (waited for if it is still being made)
/// under qemu-user.
pub(super) fn run_one(ws: &Ws, t: &Target) -> Row {
    let built = build(ws, t);
    let built = match built.as_ref() {
        Ok(b) => b,
        Err(_) => return fail_row(&t.name, "test", "not run: the build failed".into()),
    };
    let Some(qemu) = install::qemu_user(t) else {
        return fail_row(&t.name, "test", format!("{} not found", t.qemu_user));
    };

    eprintln!(
        "xtask: [{} / {TIER} / test] running {} test binaries",
        t.name,
        built.bins.len()
    );
    let start = Instant::now();
    let mut log = String::new();
    let mut problems = Vec::new();
    let mut counts = Counts::default();
    let mut ran = Vec::new();
    let command = |args: &[&str]| {
        let mut cmd = Command::new(&qemu);
        if !t.sysroot.is_empty() {
            cmd.arg("-L").arg(&t.sysroot);
        }
        // Run from the package root, as `cargo test` does.
        cmd.args(args)
            .current_dir(&ws.root)
            .env("BARESOCK_QEMU_USER", "1");
        cmd
    };
    for bin in &built.bins {
        let path = bin.path.to_string_lossy();
        // What the binary has, listed by the same build under the same qemu: its report must
        // cover every one (cfgs differ between architectures, so no other list will do).
        let listed = run_limited(&mut command(&[&path, "--list"]), TEST_LIMIT)
            .ok()
            .and_then(|l| listed(&l.output));
        log.push_str(&format!(
            "==== {} ({}), --list: {}\n",
            bin.name,
            bin.path.display(),
            listed.map_or("no count".to_owned(), |n| n.to_string())
        ));
        let (output, exit) = match run_limited(&mut command(&[&path, "--show-output"]), TEST_LIMIT)
        {
            Ok(done) => {
                let exit = match (&done.killed, done.code) {
                    (Some(why), _) => Exit::Stopped(format!("killed: {why}")),
                    (None, Some(c)) => Exit::Code(c),
                    (None, None) => Exit::Signal(done.signal.unwrap_or(0)),
                };
                (done.output, exit)
            }
            Err(e) => (String::new(), Exit::Stopped(format!("cannot run: {e}"))),
        };
        log.push_str(&output);
        let run = account(&bin.name, listed, &output, &exit);
        counts.add(run.counts);
        ran.extend(run.ran);
        if !run.problems.is_empty() || run.counts.failed > 0 {
            eprintln!(
                "xtask: [{} / {TIER}] {} failed ({}):\n{}",
                t.name,
                bin.name,
                exit.describe(),
                tail(&output, 40)
            );
            problems.extend(run.problems);
            problems.extend(panics(&output, 3));
        }
    }
    let path = ws.log(&format!("{TIER}-{}.log", t.name), &log);
    let mut note = skip_note(&log);
    if !problems.is_empty() {
        note = format!("{} (log: {})", problems.join("; "), path.display());
    }
    Row::new(
        Tier::QemuUser,
        &t.name,
        "test",
        problems.is_empty() && counts.failed == 0,
        start.elapsed(),
        note,
    )
    .tests(counts, ran)
}
