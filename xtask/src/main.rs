//! `cargo xtask`: the project's only build and test driver besides cargo.
//!
//! ```text
//! cargo xtask test [--quick] [--tier host|qemu-user|vm]... [--target ARCH]...
//! cargo xtask miri
//! cargo xtask soak
//! ```
//!
//! `test` runs every tier and prints one summary table; it exits non-zero if anything failed.
//! `--tier` picks tiers (repeatable), `--target` picks architectures for the foreign tiers,
//! `--quick` is the inner loop: the host without the slow checks.
//! `miri` runs the pure modules' unit tests under Miri ([`miri`]); `soak` the bounded soak on
//! loopback ([`soak`]). Both print the same summary table.

mod cross;
mod host;
mod miri;
mod report;
mod soak;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use report::Report;

/// What `cargo xtask test` was asked to run.
struct Options {
    quick: bool,
    tiers: Vec<String>,
    targets: Vec<String>,
}

const TIERS: [&str; 3] = ["host", "qemu-user", "vm"];

fn usage() -> ExitCode {
    eprintln!(
        "usage: cargo xtask test [--quick] [--tier host|qemu-user|vm]... [--target ARCH]...\n       \
         cargo xtask miri\n       cargo xtask soak"
    );
    ExitCode::from(2)
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
            "--tier" => {
                let t = it.next()?;
                if !TIERS.contains(&t.as_str()) {
                    return None;
                }
                o.tiers.push(t.clone());
            }
            "--target" => o.targets.push(it.next()?.clone()),
            _ => return None,
        }
    }
    if o.tiers.is_empty() {
        o.tiers = TIERS.iter().map(|t| t.to_string()).collect();
    }
    Some(o)
}

/// The workspace root: xtask lives in `<root>/xtask`.
fn root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().map(PathBuf::from).unwrap_or(manifest)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let start = Instant::now();
    let mut report = Report::default();
    let root = root();
    let rest = match args.split_first().map(|(c, r)| (c.as_str(), r)) {
        Some(("test", rest)) => rest,
        Some(("miri", [])) => {
            miri::run_miri(&root, &mut report);
            return finish(&report, start);
        }
        Some(("soak", [])) => {
            soak::run_soak(&root, &mut report);
            return finish(&report, start);
        }
        _ => return usage(),
    };
    let Some(opts) = parse(rest) else {
        return usage();
    };
    if opts.tiers.iter().any(|t| t == "host") {
        host::run_host(&root, opts.quick, &mut report);
    }
    // `--quick` is the inner loop: the host, and one big-endian foreign architecture.
    let targets = if opts.quick && opts.targets.is_empty() {
        vec!["s390x".to_string()]
    } else {
        opts.targets.clone()
    };
    for tier in opts.tiers.iter().filter(|t| *t != "host") {
        match tier.as_str() {
            "qemu-user" => cross::run_user(&targets, &mut report),
            "vm" => cross::run_vm(&targets, &mut report),
            _ => {}
        }
    }
    finish(&report, start)
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
