//! Tier 2: every test binary of every architecture under qemu-user, on the host's kernel.
//!
//! qemu-user translates system calls, so this covers the ABI (layouts, endianness, 32-bit)
//! quickly, but not the kernel features the host lacks (CAN), and qemu has its own bugs in
//! socket options (the notes list them). The tests see `BARESOCK_QEMU_USER=1` and skip what
//! qemu-user cannot do, saying why.

use std::process::Command;
use std::time::Instant;

use super::build::{build, TEST_LIMIT};
use super::install::{self, Tier};
use super::proc::{run_limited, tail};
use super::targets::{self, Target};
use super::{skip_note, Ws};
use crate::report::{parse_libtest, Counts, Report, Row};

const TIER: &str = "qemu-user";

/// Runs the qemu-user tier for the architectures named in `targets` (all of `targets/` when
/// empty), pushing a build row and a test row per architecture into `report`.
pub fn run_user(targets: &[String], report: &mut Report) {
    let ws = Ws::find();
    let list = match targets::load(&ws.root.join("targets"), targets) {
        Ok(list) => list,
        Err(e) => return report.push(fail_row("all", "load targets", e)),
    };
    let prepared = install::prepare(&ws, &list, Tier::User);
    if let Some(row) = prepared.row {
        report.push(row);
    }
    let missing = prepared.missing;
    for t in &list {
        if let Some(why) = missing.get(&t.name) {
            report.push(fail_row(&t.name, "test", why.clone()));
            continue;
        }
        let row = run_one(&ws, t, report);
        report.push(row);
    }
}

fn fail_row(arch: &str, step: &str, note: String) -> Row {
    Row {
        arch: arch.into(),
        tier: TIER.into(),
        step: step.into(),
        counts: Counts::default(),
        ok: false,
        time: Default::default(),
        note,
    }
}

fn run_one(ws: &Ws, t: &Target, report: &mut Report) -> Row {
    let (built, build_row) = build(ws, t, TIER);
    if let Some(row) = build_row {
        report.push(row);
    }
    let built = match built.as_ref() {
        Ok(b) => b,
        Err(_) => return fail_row(&t.name, "test", "not run: the build failed".into()),
    };
    let Some(qemu) = install::qemu_user(t) else {
        return fail_row(&t.name, "test", format!("{} not found", t.qemu_user));
    };

    let start = Instant::now();
    let mut log = String::new();
    let mut problems = Vec::new();
    for bin in &built.bins {
        let mut cmd = Command::new(&qemu);
        if !t.sysroot.is_empty() {
            cmd.arg("-L").arg(&t.sysroot);
        }
        // Run from the package root, as `cargo test` does.
        cmd.arg(&bin.path)
            .arg("--show-output")
            .current_dir(&ws.root)
            .env("BARESOCK_QEMU_USER", "1");
        log.push_str(&format!("==== {} ({})\n", bin.name, bin.path.display()));
        match run_limited(&mut cmd, TEST_LIMIT) {
            Ok(done) => {
                log.push_str(&done.output);
                if !done.success() {
                    problems.push(format!("{}: {}", bin.name, done.describe()));
                    eprintln!(
                        "xtask: [{} / {TIER}] {} failed ({}):\n{}",
                        t.name,
                        bin.name,
                        done.describe(),
                        tail(&done.output, 40)
                    );
                }
            }
            Err(e) => problems.push(format!("{}: cannot run: {e}", bin.name)),
        }
    }
    let path = ws.log(&format!("{TIER}-{}.log", t.name), &log);
    let (counts, _) = parse_libtest(&log);
    let mut note = skip_note(&log);
    if !problems.is_empty() {
        note = format!("{} (log: {})", problems.join("; "), path.display());
    }
    Row {
        arch: t.name.clone(),
        tier: TIER.into(),
        step: "test".into(),
        counts,
        ok: problems.is_empty() && counts.failed == 0,
        time: start.elapsed(),
        note,
    }
}
