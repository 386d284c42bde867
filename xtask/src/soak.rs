//! `cargo xtask soak`: the bounded soak of `tests/soak.rs` (100 000 connect/accept/close
//! cycles and 1 000 000 datagrams on loopback, no error, no fd growth), built with
//! optimisations. Its tests are `#[ignore]`d, so a plain `cargo test` skips them.

use std::path::Path;

use crate::host::{cargo, first_line, run, tail};
use crate::report::{parse_libtest, Report, Row, Tier, HOST_ARCH};

pub fn run_soak(root: &Path, report: &mut Report) {
    let r = run(cargo(root, None).args([
        "test",
        "--release",
        "-p",
        "baresock",
        "--test",
        "soak",
        "--",
        "--ignored",
        "--nocapture",
        "--test-threads=1",
    ]));
    let (counts, _) = parse_libtest(&r.output);
    let ok = r.ok && counts.failed == 0 && counts.passed > 0;
    if !ok {
        eprintln!("{}", tail(&r.output, 60));
    }
    // The figures each soak printed (with --nocapture, maybe after libtest's `test ... `).
    let figures: Vec<&str> = r
        .output
        .lines()
        .filter_map(|l| l.find("soak: ").map(|at| &l[at + "soak: ".len()..]))
        .collect();
    for f in &figures {
        println!("{f}");
    }
    let note = if ok {
        figures.join("; ")
    } else {
        first_line(&r.output)
    };
    report.push(
        Row::new(Tier::Host, HOST_ARCH, "soak", ok, r.time, note).tests(
            counts,
            crate::report::ran(&r.output)
                .into_iter()
                .map(|t| format!("soak::{t}"))
                .collect(),
        ),
    );
}
