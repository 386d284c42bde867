//! The summary every tier reports into: one row per (architecture, tier, step), and the parser
//! that turns libtest's output into passed / failed / skipped counts.

use std::fmt::Write as _;
use std::time::Duration;

/// Test counts of one run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub passed: u32,
    pub failed: u32,
    /// Tests that passed without claiming anything: they printed a line `skipped: <reason>`.
    pub skipped: u32,
}

impl Counts {
    pub fn add(&mut self, other: Counts) {
        self.passed += other.passed;
        self.failed += other.failed;
        self.skipped += other.skipped;
    }
}

/// One line of the summary table.
#[derive(Clone, Debug)]
pub struct Row {
    /// Architecture name (`x86_64`, `s390x`, ...).
    pub arch: String,
    /// `host`, `qemu-user`, `vm`.
    pub tier: String,
    /// What ran: `fmt`, `clippy`, `test`, `test (no-default-features)`, ...
    pub step: String,
    pub counts: Counts,
    /// A step that is not a test run (fmt, clippy, a build) passes or fails as a whole.
    pub ok: bool,
    pub time: Duration,
    /// Why it failed, or a remark (e.g. the skip reasons seen).
    pub note: String,
}

#[derive(Default)]
pub struct Report {
    pub rows: Vec<Row>,
}

impl Report {
    pub fn push(&mut self, row: Row) {
        let status = if row.ok { "ok" } else { "FAILED" };
        eprintln!(
            "xtask: [{} / {} / {}] {} in {:.1}s{}",
            row.arch,
            row.tier,
            row.step,
            status,
            row.time.as_secs_f64(),
            if row.note.is_empty() {
                String::new()
            } else {
                format!(" ({})", row.note)
            }
        );
        self.rows.push(row);
    }

    pub fn failed(&self) -> bool {
        self.rows.iter().any(|r| !r.ok)
    }

    /// The table printed at the end of `cargo xtask test`.
    pub fn table(&self) -> String {
        let mut out = String::new();
        let w_arch = self
            .rows
            .iter()
            .map(|r| r.arch.len())
            .max()
            .unwrap_or(4)
            .max(4);
        let w_tier = self
            .rows
            .iter()
            .map(|r| r.tier.len())
            .max()
            .unwrap_or(4)
            .max(4);
        let w_step = self
            .rows
            .iter()
            .map(|r| r.step.len())
            .max()
            .unwrap_or(4)
            .max(4);
        let _ = writeln!(
            out,
            "{:w_arch$}  {:w_tier$}  {:w_step$}  {:>6}  {:>6}  {:>7}  {:>7}  result",
            "arch", "tier", "step", "passed", "failed", "skipped", "time"
        );
        let mut total = Counts::default();
        for r in &self.rows {
            total.add(r.counts);
            let _ = writeln!(
                out,
                "{:w_arch$}  {:w_tier$}  {:w_step$}  {:>6}  {:>6}  {:>7}  {:>6.1}s  {}{}",
                r.arch,
                r.tier,
                r.step,
                r.counts.passed,
                r.counts.failed,
                r.counts.skipped,
                r.time.as_secs_f64(),
                if r.ok { "ok" } else { "FAILED" },
                if r.note.is_empty() {
                    String::new()
                } else {
                    format!(": {}", r.note)
                },
            );
        }
        let secs: f64 = self.rows.iter().map(|r| r.time.as_secs_f64()).sum();
        let _ = writeln!(
            out,
            "{} passed, {} failed, {} skipped ({} steps, {:.0}s)",
            total.passed,
            total.failed,
            total.skipped,
            self.rows.len(),
            secs
        );
        out
    }
}

/// Parses the output of one or more libtest binaries run with `--show-output`.
///
/// Counts come from the `test result:` lines; a passing test whose captured stdout has a line
/// starting with `skipped: ` counts as skipped instead of passed. Returns the counts and the
/// distinct skip reasons.
pub fn parse_libtest(output: &str) -> (Counts, Vec<String>) {
    let mut counts = Counts::default();
    let mut reasons: Vec<String> = Vec::new();
    let mut skipped_tests: Vec<String> = Vec::new();
    let mut current: Option<String> = None;
    for line in output.lines() {
        let line = line.trim_end();
        if let Some(rest) = line.strip_prefix("---- ") {
            current = rest.strip_suffix(" stdout ----").map(str::to_owned);
            continue;
        }
        if let Some(reason) = line.strip_prefix("skipped: ") {
            if let Some(name) = &current {
                if !skipped_tests.contains(name) {
                    skipped_tests.push(name.clone());
                }
            }
            if !reasons.iter().any(|r| r == reason) {
                reasons.push(reason.to_owned());
            }
            continue;
        }
        if let Some(rest) = line.strip_prefix("test result: ") {
            // "ok. 12 passed; 0 failed; 1 ignored; 0 measured; 0 filtered out; finished in 0.01s"
            for part in rest.split(';') {
                let part = part
                    .trim()
                    .trim_start_matches("ok. ")
                    .trim_start_matches("FAILED. ");
                let mut it = part.split_whitespace();
                if let (Some(n), Some(what)) = (it.next(), it.next()) {
                    let n: u32 = n.parse().unwrap_or(0);
                    match what {
                        "passed" => counts.passed += n,
                        "failed" => counts.failed += n,
                        _ => {}
                    }
                }
            }
            current = None;
        }
    }
    let skipped = skipped_tests.len() as u32;
    counts.skipped = skipped;
    counts.passed = counts.passed.saturating_sub(skipped);
    (counts, reasons)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_skips() {
        let out = "running 3 tests\ntest a ... ok\ntest b ... ok\ntest c ... ok\n\nsuccesses:\n\n---- b stdout ----\nskipped: no CAN on this kernel\n\n---- c stdout ----\nhello\n\nsuccesses:\n    a\n    b\n    c\n\ntest result: ok. 3 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s\n\nrunning 1 test\ntest d ... FAILED\n\ntest result: FAILED. 0 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s\n";
        let (c, reasons) = parse_libtest(out);
        assert_eq!(
            c,
            Counts {
                passed: 2,
                failed: 1,
                skipped: 1
            }
        );
        assert_eq!(reasons, vec!["no CAN on this kernel".to_owned()]);
    }
}
