//! `cargo xtask`: the project's only build and test driver besides cargo.
//!
//! ```text
//! cargo xtask test [--quick] [--tier host|qemu-user|vm]... [--target ARCH]...
//! cargo xtask bench [--quick]
//! cargo xtask fuzz --seconds N [--target NAME]...
//! cargo xtask fuzz --runs N [--target NAME]...
//! cargo xtask size [--target ARCH]...
//! cargo xtask miri [--quick]
//! cargo xtask soak
//! ```
//!
//! `test` runs every tier and prints one summary table; it exits non-zero if anything failed.
//! Its host tier also runs the unit tests of the modules with `unsafe` under Miri
//! ([`miri::TEST_FILTERS`]), `bench --quick` and a short fuzz pass (every target for
//! [`fuzz::SHORT_PASS_SECONDS`] seconds, [`fuzz::SHORT_PASS_JOBS`] at once).
//!
//! Schedule: the foreign tiers' installs come first; then two lanes run side by side, so
//! that the second core never waits for a sleeping test. One is the host tier, Miri, the
//! bench harness and the fuzz pass, in that order. The other builds each architecture's tests
//! in turn and runs them under qemu-user beside the next build, and boots each VM
//! (`XTASK_VM_JOBS` at once) as soon as its build is done (see `cross/schedule.rs`). The
//! table's rows stay in the same order whatever finishes first; progress lines interleave,
//! each naming its row. `XTASK_SERIAL=1` runs the two lanes one after the other instead.
//! `--tier` picks tiers (repeatable), `--target` picks architectures for the foreign tiers,
//! `--quick` is the inner loop: the host without the slow checks.
//!
//! `bench` measures baresock beside raw rustix, std, socket2, nix and C (see `bench.rs`),
//! prints the tables and writes `BENCHMARKS.md`; `bench --quick` runs every part once with
//! tiny counts, to check the harness end to end, and writes nothing.
//! `fuzz` runs each cargo-fuzz target of `fuzz/` (or those named with `--target`) for N
//! seconds, one after the other, and prints a table of executions, exec/s, corpus sizes and
//! crashes; it exits non-zero on a crash (see [`fuzz`]).
//! `size` prints the no_std echo server's size per architecture beside the same server on
//! rustix alone, with std and in C, and the size goals; it exits non-zero if a build failed
//! or a goal was missed.
//! `miri` runs the pure modules' unit tests under Miri ([`miri`]; `--quick`: the share that
//! `test` runs); `soak` the bounded soak on
//! loopback ([`soak`]). Both print the same summary table.

mod bench;
mod cross;
mod fuzz;
mod host;
mod miri;
mod report;
mod soak;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use report::{Report, Tier};

/// What `cargo xtask test` was asked to run.
struct Options {
    quick: bool,
    tiers: Vec<Tier>,
    targets: Vec<String>,
}

/// Every command and flag the xtask takes: its synopsis and what it does. `--help` prints
/// this table; a command line that fits none of it prints it too and exits 2.
const COMMANDS: &[(&str, &str)] = &[
    (
        "test [--quick] [--tier host|qemu-user|vm]... [--target ARCH]...",
        "every tier (the README's test command; CI runs it): host checks and tests, the MSRV \
         and package steps, Miri, bench --quick and a short fuzz pass, every architecture under \
         qemu-user and in a VM. --tier and --target (repeatable) pick; --quick is the inner \
         loop: the host without the slow checks, and s390x (big-endian) unless --target says \
         otherwise",
    ),
    (
        "bench [--quick]",
        "baresock beside rustix, std, socket2, nix and C, and writes BENCHMARKS.md; --quick \
         checks the harness with tiny counts and writes nothing",
    ),
    (
        "fuzz (--seconds N | --runs N) [--target NAME]...",
        "every cargo-fuzz target (or those named) for N seconds or runs",
    ),
    (
        "size [--target ARCH]...",
        "the no_std echo servers and nostd-ip per architecture beside rustix, std, C, busybox \
         and iproute2",
    ),
    (
        "miri [--quick]",
        "the pure modules' unit tests under Miri; --quick: the share `test` runs",
    ),
    ("soak", "the bounded soak on loopback"),
    ("help | --help | -h", "this list"),
];

/// The usage text: each command's synopsis, then what it does.
fn usage_text() -> String {
    let mut out = String::from("usage: cargo xtask <command>\n");
    let mut arches: Vec<String> = std::fs::read_dir(root().join("targets"))
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            e.file_name()
                .to_str()?
                .strip_suffix(".toml")
                .map(str::to_owned)
        })
        .collect();
    arches.sort();
    for (synopsis, what) in COMMANDS {
        out.push_str(&format!("\n  cargo xtask {synopsis}\n"));
        let mut line = String::from("     ");
        for word in what.split_whitespace() {
            if line.len() + word.len() > 95 {
                out.push_str(&line);
                out.push('\n');
                line = String::from("     ");
            }
            line.push(' ');
            line.push_str(word);
        }
        out.push_str(&line);
        out.push('\n');
    }
    out.push_str(&format!(
        "\nARCH: a file name in targets/ ({}).\n",
        arches.join(", ")
    ));
    out.push_str(
        "Environment: XTASK_SERIAL=1 runs the host lane before the foreign tiers; XTASK_NO_INSTALL=1 \
         installs nothing; \
         XTASK_VM_JOBS=N boots N VMs at once.\n",
    );
    out
}

/// A command line that fits no command: the usage on stderr, exit code 2.
fn usage() -> ExitCode {
    eprint!("{}", usage_text());
    ExitCode::from(2)
}

/// `cargo xtask size [--target ARCH]...`
fn size(args: &[String]) -> ExitCode {
    let mut targets = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match (a.as_str(), it.next()) {
            ("--target", Some(t)) => targets.push(t.clone()),
            _ => return usage(),
        }
    }
    if cross::run_size(&targets) {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn parse(args: &[String]) -> Option<Options> {
    let mut o = Options {
        quick: false,
        tiers: Vec::new(),
        targets: Vec::new(),
    };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--quick" => o.quick = true,
            "--tier" => o.tiers.push(Tier::parse(it.next()?)?),
            "--target" => o.targets.push(it.next()?.clone()),
            _ => return None,
        }
    }
    if o.tiers.is_empty() {
        o.tiers = Tier::SELECTABLE.to_vec();
    }
    Some(o)
}

/// The workspace root: xtask lives in `<root>/xtask`.
fn root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().map(PathBuf::from).unwrap_or(manifest)
}

/// `cargo xtask test` builds without incremental compilation (`CARGO_INCREMENTAL=0` for every
/// cargo it runs, unless the caller set it): the run builds each of its configurations once,
/// and the incremental caches only cost. A cold test build for aarch64 took 64.5 s of CPU
/// instead of 88.3 s (2026-12-08); the host's builds of the workspace gain alike. Called
/// before any thread starts.
fn no_incremental() {
    if std::env::var_os("CARGO_INCREMENTAL").is_none() {
        std::env::set_var("CARGO_INCREMENTAL", "0");
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let rest = match args.split_first().map(|(c, r)| (c.as_str(), r)) {
        Some(("test", rest)) => rest,
        Some(("bench", [])) => return bench(false),
        Some(("bench", [q])) if q == "--quick" => return bench(true),
        Some(("fuzz", rest)) => return fuzz_main(rest),
        Some(("size", rest)) => return size(rest),
        Some(("miri", [])) => {
            let start = Instant::now();
            let mut report = Report::default();
            miri::run_miri(&root(), miri::FILTERS, "miri (pure modules)", &mut report);
            return finish(&report, start);
        }
        // The share `cargo xtask test` runs.
        Some(("miri", [q])) if q == "--quick" => {
            let start = Instant::now();
            let mut report = Report::default();
            miri::run_miri(
                &root(),
                miri::TEST_FILTERS,
                "miri (modules with unsafe)",
                &mut report,
            );
            return finish(&report, start);
        }
        Some(("help" | "--help" | "-h", _)) => {
            print!("{}", usage_text());
            return ExitCode::SUCCESS;
        }
        Some(("soak", [])) => {
            let start = Instant::now();
            let mut report = Report::default();
            soak::run_soak(&root(), &mut report);
            return finish(&report, start);
        }
        _ => return usage(),
    };
    let Some(opts) = parse(rest) else {
        return usage();
    };
    no_incremental();
    let start = Instant::now();
    let root = root();
    // `--quick` is the inner loop: the host, and one big-endian foreign architecture.
    let targets = if opts.quick && opts.targets.is_empty() {
        vec!["s390x".to_string()]
    } else {
        opts.targets.clone()
    };
    let tier = |t: Tier| opts.tiers.contains(&t);
    // The foreign tiers' installs first, then those tiers beside the host's steps (see the
    // crate docs): rows are gathered per lane and merged in a fixed order.
    let foreign = (tier(Tier::QemuUser) || tier(Tier::Vm))
        .then(|| cross::prepare_foreign(&targets, tier(Tier::QemuUser), tier(Tier::Vm)));
    // `XTASK_SERIAL=1`: the host lane first, then the foreign tiers (the schedule before they
    // overlapped; with `XTASK_VM_JOBS=3` on two cores, the old one), to tell whether a failure
    // comes from the overlap.
    let serial = std::env::var_os("XTASK_SERIAL").is_some_and(|v| v == "1");
    let (mut report, foreign) = std::thread::scope(|s| {
        let mut report = Report::default();
        if serial && tier(Tier::Host) {
            run_host_lane(&root, opts.quick, &mut report);
        }
        // Counted before the VM pool starts: it boots more VMs once this lane is done.
        let host_lane = (!serial && tier(Tier::Host)).then(cross::BusyLane::start);
        let foreign = foreign.map(|plan| s.spawn(move || cross::run_foreign(plan)));
        if let Some(busy) = host_lane {
            run_host_lane(&root, opts.quick, &mut report);
            drop(busy);
        }
        let rows = foreign.map(|lane| {
            lane.join().unwrap_or_else(|_| {
                vec![report::Row::new(
                    report::Tier::QemuUser,
                    "all",
                    "foreign tiers (qemu-user, vm)",
                    false,
                    start.elapsed(),
                    "the xtask's thread running them panicked (see above)",
                )]
            })
        });
        (report, rows.unwrap_or_default())
    });
    report.rows.extend(foreign);
    finish(&report, start)
}

/// The host tier, then Miri, the bench harness and the short fuzz pass, one after the other.
fn run_host_lane(root: &std::path::Path, quick: bool, report: &mut Report) {
    host::run_host(root, quick, report);
    if quick {
        return;
    }
    // Miri over the modules with `unsafe`, so that it cannot rot (`cargo xtask miri` runs
    // the whole selection).
    miri::run_miri(
        root,
        miri::TEST_FILTERS,
        "miri (modules with unsafe)",
        report,
    );
    // The benchmark harness end to end with tiny counts, so it does not rot (its figures
    // mean nothing at that size and are not kept).
    bench::run_bench(root, true, report);
    // Every fuzz target for a few seconds, so none rots; `cargo xtask fuzz` runs them for
    // long.
    fuzz::run_short_pass(report);
}

/// Prints the summary table; the exit code says whether anything failed.
fn finish(report: &Report, start: Instant) -> ExitCode {
    println!("\n{}", report.table());
    println!("total wall time: {:.0}s", start.elapsed().as_secs_f64());
    if report.failed() {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn bench(quick: bool) -> ExitCode {
    let start = Instant::now();
    let mut report = Report::default();
    bench::run_bench(&root(), quick, &mut report);
    finish(&report, start)
}

fn fuzz_main(args: &[String]) -> ExitCode {
    let Some(opts) = fuzz::parse(args) else {
        return usage();
    };
    let start = Instant::now();
    let mut report = Report::default();
    fuzz::run(&opts, &mut report);
    if !report.rows.is_empty() {
        println!("\n{}", report.table());
    }
    if !report.fuzz.is_empty() {
        println!("\n{}", report.fuzz_table());
    }
    println!("total wall time: {:.0}s", start.elapsed().as_secs_f64());
    if report.failed() || report.fuzz.is_empty() {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
