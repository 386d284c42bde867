//! `cargo xtask fuzz`: the cargo-fuzz targets in `fuzz/` (one per parser), each for a set
//! time, one at a time (the short pass of `cargo xtask test`: [`SHORT_PASS_JOBS`] at once),
//! with a summary table.
//!
//! ```text
//! cargo xtask fuzz --seconds N [--target NAME]...
//! cargo xtask fuzz --runs N [--target NAME]...
//! ```
//!
//! Every target is built once, with nightly (`cargo fuzz build --debug-assertions`: optimized,
//! debug assertions and overflow checks on, AddressSanitizer), then each runs for N seconds
//! (libFuzzer's `-max_total_time`), or for N inputs (`--runs`, libFuzzer's `-runs`: the long
//! run that shows a count of executions per target; both may be given, the first reached ends
//! the target, with `-rss_limit_mb` and a per-input `-timeout`). A target
//! reads its committed seeds, `fuzz/corpus/<target>/`, and grows its corpus in
//! `<target dir>/fuzz/corpus/<target>/`, kept from run to run, so that the committed corpora
//! stay small. The table gives, per target, the inputs run and their rate (libFuzzer's closing
//! statistics), that corpus's size after the run and what the run added to it, and whether it
//! crashed. A crash fails the row; its input is kept in `<target dir>/fuzz/artifacts/` and
//! named in the note, with the panic; every run's whole output is in
//! `<target dir>/fuzz/logs/<target>.log`.
//!
//! cargo-fuzz is installed when it is missing (`cargo install cargo-fuzz --locked`), as root;
//! otherwise the row says the command. `XTASK_NO_INSTALL=1` installs nothing.

use std::path::Path;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::cross::install::{is_root, may_install, rustup_run};
use crate::cross::proc::{lower_priority, run_limited, show, tail};
use crate::cross::Ws;
use crate::report::{parse_libfuzzer, Counts, FuzzRow, FuzzStats, Report, Row, Tier, HOST_ARCH};

const NIGHTLY: &str = "nightly";
/// libFuzzer's memory limit per target.
const RSS_LIMIT_MB: u32 = 2048;
/// An input that takes longer than this is a hang, reported as a crash.
const INPUT_TIMEOUT_S: u32 = 30;

/// What `cargo xtask fuzz` was asked to run.
pub struct FuzzOptions {
    /// Time per target; 0 for no limit (then `runs` is set).
    pub seconds: u64,
    /// Inputs per target; 0 for no limit (then `seconds` is set).
    pub runs: u64,
    /// Targets to run; empty for all.
    pub targets: Vec<String>,
    /// How many targets run at once (`cargo xtask fuzz`: 1; the short pass:
    /// [`SHORT_PASS_JOBS`]).
    pub jobs: usize,
}

/// Parses `--seconds N` and/or `--runs N`, then `[--target NAME]...`.
pub fn parse(args: &[String]) -> Option<FuzzOptions> {
    let mut o = FuzzOptions {
        seconds: 0,
        runs: 0,
        targets: Vec::new(),
        jobs: 1,
    };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--seconds" => o.seconds = it.next()?.parse().ok().filter(|&s| s > 0)?,
            "--runs" => o.runs = it.next()?.parse().ok().filter(|&s| s > 0)?,
            "--target" => o.targets.push(it.next()?.clone()),
            _ => return None,
        }
    }
    (o.seconds > 0 || o.runs > 0).then_some(o)
}

pub fn run(opts: &FuzzOptions, report: &mut Report) {
    let ws = Ws::find();
    if !ensure_nightly(report) || !ensure_cargo_fuzz(report) {
        return;
    }
    let all = match targets(&ws.root) {
        Ok(t) => t,
        Err(e) => return step_failed(report, "cargo fuzz list", Duration::ZERO, e),
    };
    let chosen: Vec<String> = if opts.targets.is_empty() {
        all.clone()
    } else {
        match opts.targets.iter().find(|t| !all.contains(t)) {
            Some(bad) => {
                let why = format!("no fuzz target {bad}; there are: {}", all.join(", "));
                return step_failed(report, "fuzz targets", Duration::ZERO, why);
            }
            None => opts.targets.clone(),
        }
    };

    // One build for every target.
    let build_dir = ws.root.join("fuzz/target");
    let start = Instant::now();
    let mut build = rustup_run(Some(NIGHTLY), "cargo");
    build
        .args(["fuzz", "build", "--debug-assertions", "--target-dir"])
        .arg(&build_dir)
        .current_dir(&ws.root);
    eprintln!("xtask: [fuzz / build] $ {}", show(&build));
    match run_limited(&mut build, Duration::from_secs(3600)) {
        Ok(f) if f.success() => {}
        Ok(f) => {
            let log = ws.log("fuzz-build.log", &f.output);
            let why = format!(
                "{} ({}): {}",
                f.describe(),
                log.display(),
                tail(&f.output, 1)
            );
            return step_failed(report, "fuzz build", start.elapsed(), why);
        }
        Err(e) => return step_failed(report, "fuzz build", start.elapsed(), e.to_string()),
    }
    let bin_dir = match host_triple() {
        Ok(triple) => build_dir.join(triple).join("release"),
        Err(e) => return step_failed(report, "fuzz build", start.elapsed(), e),
    };

    let scratch = ws.target_dir.join("fuzz");
    // `opts.jobs` targets at once (each libFuzzer process uses one core), rows in `chosen`'s
    // order.
    let next = AtomicUsize::new(0);
    let done: Mutex<Vec<(usize, FuzzRow)>> = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..opts.jobs.max(1).min(chosen.len()) {
            s.spawn(|| {
                if opts.jobs > 1 {
                    // Beside the other steps of `cargo xtask test`: batch work, filling
                    // idle cores (libFuzzer's time limit stays the same).
                    lower_priority();
                }
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(target) = chosen.get(i) else { break };
                    let row = run_target(&ws.root, &bin_dir, &scratch, target, opts);
                    done.lock()
                        .unwrap_or_else(|p| p.into_inner())
                        .push((i, row));
                }
            });
        }
    });
    let mut done = done.into_inner().unwrap_or_else(|p| p.into_inner());
    done.sort_by_key(|(i, _)| *i);
    for (_, row) in done {
        report.push_fuzz(row);
    }
}

/// Seconds per target of the short pass in `cargo xtask test`: a smoke test that every target
/// builds and runs (tens of thousands of inputs each); `cargo xtask fuzz` is the fuzzing. Ten
/// until 2026-12-08, when the run's 30-minute budget needed the CPU.
pub const SHORT_PASS_SECONDS: u64 = 5;
/// Targets fuzzed at once in the short pass: one per core of the CI machines (`cargo xtask
/// fuzz` runs them one after the other, each on a core of its own).
pub const SHORT_PASS_JOBS: usize = 2;

/// The short pass of `cargo xtask test`: every target for [`SHORT_PASS_SECONDS`], each a row
/// of the test table (one test that passes when the target ran without a crash).
pub fn run_short_pass(report: &mut Report) {
    let mut own = Report::default();
    let opts = FuzzOptions {
        seconds: SHORT_PASS_SECONDS,
        runs: 0,
        targets: Vec::new(),
        jobs: SHORT_PASS_JOBS,
    };
    run(&opts, &mut own);
    report.rows.extend(own.rows);
    for f in own.fuzz {
        report.rows.push(
            Row::new(
                Tier::Fuzz,
                HOST_ARCH,
                f.target,
                f.ok,
                f.time,
                if f.ok {
                    format!(
                        "{} executions, {} exec/s, corpus {} (+{})",
                        f.stats.executions, f.stats.exec_per_sec, f.corpus_files, f.new_files
                    )
                } else {
                    f.note
                },
            )
            .counts(Counts {
                passed: u32::from(f.ok),
                failed: u32::from(!f.ok),
                skipped: 0,
            }),
        );
    }
}

/// Runs one target for the time or the number of inputs asked.
fn run_target(
    root: &Path,
    bin_dir: &Path,
    scratch: &Path,
    target: &str,
    opts: &FuzzOptions,
) -> FuzzRow {
    let corpus = scratch.join("corpus").join(target);
    let artifacts = scratch.join("artifacts").join(target);
    let logs = scratch.join("logs");
    for dir in [&corpus, &artifacts, &logs] {
        let _ = std::fs::create_dir_all(dir);
    }
    let seeds = root.join("fuzz/corpus").join(target);
    let files = |dir: &Path| std::fs::read_dir(dir).map_or(0, |d| d.count());
    let before = files(&corpus);
    let mut cmd = Command::new(bin_dir.join(target));
    cmd.arg(&corpus).arg(&seeds);
    if opts.seconds > 0 {
        cmd.arg(format!("-max_total_time={}", opts.seconds));
    }
    if opts.runs > 0 {
        cmd.arg(format!("-runs={}", opts.runs));
    }
    cmd.arg(format!("-rss_limit_mb={RSS_LIMIT_MB}"))
        .arg(format!("-timeout={INPUT_TIMEOUT_S}"))
        .arg("-print_final_stats=1")
        .arg(format!("-artifact_prefix={}/", artifacts.display()))
        .current_dir(root);
    eprintln!("xtask: [fuzz / {target}] $ {}", show(&cmd));
    let start = Instant::now();
    // Loading a large corpus takes time beyond the fuzzing itself; a count of inputs gets
    // the slowest target's rate (about 4 000/s) and a half more.
    let limit = if opts.seconds > 0 {
        Duration::from_secs(opts.seconds + 300)
    } else {
        Duration::from_secs(opts.runs / 2_600 + 300)
    };
    let finished = run_limited(&mut cmd, limit);
    let time = start.elapsed();
    let f = match finished {
        Ok(f) => f,
        Err(e) => {
            return FuzzRow {
                target: target.into(),
                stats: FuzzStats::default(),
                corpus_files: before,
                new_files: 0,
                ok: false,
                time,
                note: format!("could not run {}: {e}", show(&cmd)),
            }
        }
    };
    let log = logs.join(format!("{target}.log"));
    let _ = std::fs::write(&log, &f.output);
    let stats = parse_libfuzzer(&f.output);
    let (ok, note) = match (&stats.artifact, f.success()) {
        (Some(path), _) => (false, finding(path, stats.panic.as_deref())),
        (None, true) if stats.executions > 0 => (true, String::new()),
        (None, true) => (false, format!("no executions counted ({})", log.display())),
        (None, false) => (
            false,
            format!(
                "{} ({}): {}",
                f.describe(),
                log.display(),
                tail(&f.output, 1)
            ),
        ),
    };
    let after = files(&corpus);
    FuzzRow {
        target: target.into(),
        stats,
        corpus_files: after,
        new_files: after.saturating_sub(before),
        ok,
        time,
        note,
    }
}

/// What libFuzzer's artifact is, from its name (`crash-`, `timeout-`, `slow-unit-`, `oom-`,
/// `leak-`), with the panic if there was one. A timeout or slow unit measures wall-clock time:
/// a process stopped or starved while it ran one input shows up as one too; run the input
/// again (`<target binary> <artifact>`) to tell.
fn finding(path: &str, panic: Option<&str>) -> String {
    let name = Path::new(path)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let kind = match name.split('-').next().unwrap_or("") {
        "timeout" => "timeout (an input ran past the limit)",
        "slow" => "slow input (past 10 s)",
        "oom" => "out of memory",
        "leak" => "leak",
        _ => "crash",
    };
    format!("{kind}: {path}: {}", panic.unwrap_or("see the log"))
}

/// The targets `cargo fuzz list` names.
fn targets(root: &Path) -> Result<Vec<String>, String> {
    let mut cmd = rustup_run(Some(NIGHTLY), "cargo");
    cmd.args(["fuzz", "list"]).current_dir(root);
    let out = cmd.output().map_err(|e| format!("{}: {e}", show(&cmd)))?;
    if !out.status.success() {
        return Err(format!(
            "{} failed: {}",
            show(&cmd),
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect())
}

/// The host triple of the nightly toolchain: where cargo-fuzz puts the binaries.
fn host_triple() -> Result<String, String> {
    let mut cmd = rustup_run(Some(NIGHTLY), "rustc");
    cmd.arg("-vV");
    let out = cmd.output().map_err(|e| format!("{}: {e}", show(&cmd)))?;
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("host: "))
        .map(str::to_owned)
        .ok_or_else(|| format!("{} names no host", show(&cmd)))
}

/// Whether `cmd` runs and succeeds.
fn works(cmd: &mut Command) -> bool {
    cmd.output().is_ok_and(|o| o.status.success())
}

fn ensure_nightly(report: &mut Report) -> bool {
    if works(rustup_run(Some(NIGHTLY), "rustc").arg("--version")) {
        return true;
    }
    let mut install = Command::new("rustup");
    install.args(["toolchain", "install", NIGHTLY, "--profile", "minimal"]);
    install_step(report, "install nightly", &mut install)
}

/// cargo-fuzz, installed from crates.io when missing.
fn ensure_cargo_fuzz(report: &mut Report) -> bool {
    if works(rustup_run(Some(NIGHTLY), "cargo").args(["fuzz", "--version"])) {
        return true;
    }
    let mut install = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    install.args(["install", "cargo-fuzz", "--locked"]);
    install_step(report, "install cargo-fuzz", &mut install)
}

/// Runs an install command as root (a failing row if it fails); otherwise a failing row that
/// says the command.
fn install_step(report: &mut Report, step: &str, cmd: &mut Command) -> bool {
    let start = Instant::now();
    if !is_root() || !may_install() {
        let why = format!("missing; install it with: {}", short(cmd));
        step_failed(report, step, start.elapsed(), why);
        return false;
    }
    eprintln!("xtask: [fuzz / {step}] $ {}", show(cmd));
    match run_limited(cmd, Duration::from_secs(3600)) {
        Ok(f) if f.success() => {
            report.push(row(step, true, start.elapsed(), String::new()));
            true
        }
        Ok(f) => {
            let why = format!(
                "`{}` failed ({}): {}",
                show(cmd),
                f.describe(),
                tail(&f.output, 1)
            );
            step_failed(report, step, start.elapsed(), why);
            false
        }
        Err(e) => {
            step_failed(report, step, start.elapsed(), format!("{}: {e}", show(cmd)));
            false
        }
    }
}

/// A command as a person would type it: the program by its name, not its path.
fn short(cmd: &Command) -> String {
    let full = show(cmd);
    let program = Path::new(cmd.get_program());
    match program.file_name() {
        Some(name) => full.replacen(&*program.to_string_lossy(), &name.to_string_lossy(), 1),
        None => full,
    }
}

fn row(step: &str, ok: bool, time: Duration, note: String) -> Row {
    Row::new(Tier::Fuzz, HOST_ARCH, step, ok, time, note)
}

fn step_failed(report: &mut Report, step: &str, time: Duration, why: String) {
    eprintln!("{why}");
    report.push(row(step, false, time, why));
}

#[cfg(test)]
mod tests {
    #[test]
    fn findings_are_named_by_their_kind() {
        let f = |p: &str| super::finding(p, Some("boom"));
        assert!(f("/a/crash-12ab").starts_with("crash: /a/crash-12ab: boom"));
        assert!(f("/a/timeout-12ab").starts_with("timeout"));
        assert!(f("/a/slow-unit-12ab").starts_with("slow input"));
        assert!(f("/a/oom-12ab").starts_with("out of memory"));
        assert!(super::finding("/a/leak-1", None).ends_with("see the log"));
    }
}
