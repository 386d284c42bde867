//! The summary every tier reports into: one row per (architecture, tier, step), and the parser
//! that turns libtest's output into passed / failed / skipped counts; for `cargo xtask fuzz`,
//! one row per fuzz target, and the parser of libFuzzer's closing statistics.

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

/// One fuzz target's run, for the table `cargo xtask fuzz` prints.
#[derive(Clone, Debug)]
pub struct FuzzRow {
    pub target: String,
    pub stats: FuzzStats,
    /// Inputs in the target's run corpus (`<target dir>/fuzz/corpus/<target>`) afterwards.
    pub corpus_files: usize,
    /// How many of them this run added (libFuzzer replaces inputs it shrinks, so this is
    /// less than `stats.new_units`).
    pub new_files: usize,
    /// Ran for its time without a crash.
    pub ok: bool,
    pub time: Duration,
    /// The crash (artifact path and panic message), or why the run failed.
    pub note: String,
}

/// What libFuzzer says at the end of a run (`-print_final_stats=1`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FuzzStats {
    /// Inputs run (`stat::number_of_executed_units`).
    pub executions: u64,
    /// `stat::average_exec_per_sec`.
    pub exec_per_sec: u64,
    /// Inputs in the corpus at the end (`corp:` of the last status line).
    pub corpus: u64,
    /// Inputs added to the corpus by this run (`stat::new_units_added`).
    pub new_units: u64,
    /// Where libFuzzer wrote the input that crashed (`Test unit written to ...`).
    pub artifact: Option<String>,
    /// The panic: where, and the message's first line.
    pub panic: Option<String>,
}

#[derive(Default)]
pub struct Report {
    pub rows: Vec<Row>,
    pub fuzz: Vec<FuzzRow>,
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
            suffix(" (", &row.note, ")")
        );
        self.rows.push(row);
    }

    pub fn failed(&self) -> bool {
        self.rows.iter().any(|r| !r.ok) || self.fuzz.iter().any(|r| !r.ok)
    }

    pub fn push_fuzz(&mut self, row: FuzzRow) {
        eprintln!(
            "xtask: [fuzz / {}] {} in {:.1}s: {} executions, {} exec/s{}",
            row.target,
            if row.ok { "ok" } else { "FAILED" },
            row.time.as_secs_f64(),
            row.stats.executions,
            row.stats.exec_per_sec,
            suffix(" (", &row.note, ")")
        );
        self.fuzz.push(row);
    }

    /// The table printed at the end of `cargo xtask fuzz`.
    pub fn fuzz_table(&self) -> String {
        let mut out = String::new();
        let w = self
            .fuzz
            .iter()
            .map(|r| r.target.len())
            .max()
            .unwrap_or(6)
            .max(6);
        let _ = writeln!(
            out,
            "{:w$}  {:>12}  {:>7}  {:>6}  {:>5}  {:>5}  {:>7}  result",
            "target", "executions", "exec/s", "corpus", "+new", "crash", "time"
        );
        let mut total = 0;
        for r in &self.fuzz {
            total += r.stats.executions;
            let crashed = r.stats.artifact.is_some();
            let _ = writeln!(
                out,
                "{:w$}  {:>12}  {:>7}  {:>6}  {:>5}  {:>5}  {:>6.1}s  {}{}",
                r.target,
                r.stats.executions,
                r.stats.exec_per_sec,
                r.corpus_files,
                r.new_files,
                if crashed { "yes" } else { "no" },
                r.time.as_secs_f64(),
                if r.ok { "ok" } else { "FAILED" },
                suffix(": ", &r.note, ""),
            );
        }
        let failed = self.fuzz.iter().filter(|r| !r.ok).count();
        let _ = writeln!(
            out,
            "{} passed, {} failed ({} targets, {} executions)",
            self.fuzz.len() - failed,
            failed,
            self.fuzz.len(),
            total
        );
        out
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
                suffix(": ", &r.note, ""),
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

/// `note` between `before` and `after`, or nothing for an empty note.
fn suffix(before: &str, note: &str, after: &str) -> String {
    if note.is_empty() {
        String::new()
    } else {
        format!("{before}{note}{after}")
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

/// The failed tests' panics in libtest output, each as `test: file:line: message` (the
/// message's first line, cut at 160 characters), at most `max`. The summary table carries
/// them, since a CI log may keep only the end of the output.
pub fn panics(output: &str, max: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut lines = output.lines().peekable();
    while let Some(line) = lines.next() {
        if out.len() >= max {
            break;
        }
        // "thread 'name' panicked at tests/netem.rs:292:13:" then the message on the next line.
        let Some((thread, at)) = line.split_once(" panicked at ") else {
            continue;
        };
        let name = thread
            .trim()
            .strip_prefix("thread '")
            .and_then(|t| t.strip_suffix('\''))
            .unwrap_or(thread.trim());
        let message: String = lines
            .peek()
            .map(|m| m.trim())
            .unwrap_or("")
            .chars()
            .take(160)
            .collect();
        out.push(format!("{name}: {} {message}", at.trim()));
    }
    out
}

/// Reads libFuzzer's output (run with `-print_final_stats=1`): the closing statistics, the
/// corpus size of the last status line (`#N DONE cov: .. corp: 316/21Kb ..`), and, after a
/// crash, the artifact's path and the panic. Without the closing statistics (an older
/// libFuzzer, a killed run), executions and exec/s come from the last status line.
pub fn parse_libfuzzer(output: &str) -> FuzzStats {
    let mut s = FuzzStats::default();
    let number = |text: &str| -> u64 {
        text.trim()
            .trim_start_matches('#')
            .split(|c: char| !c.is_ascii_digit())
            .next()
            .and_then(|n| n.parse().ok())
            .unwrap_or(0)
    };
    let mut last_status: Option<&str> = None;
    let mut lines = output.lines().peekable();
    while let Some(line) = lines.next() {
        if let Some(v) = line.strip_prefix("stat::number_of_executed_units:") {
            s.executions = number(v);
        } else if let Some(v) = line.strip_prefix("stat::average_exec_per_sec:") {
            s.exec_per_sec = number(v);
        } else if let Some(v) = line.strip_prefix("stat::new_units_added:") {
            s.new_units = number(v);
        } else if line.starts_with('#') && line.contains(" corp: ") {
            last_status = Some(line);
        } else if let Some((_, path)) = line.split_once("Test unit written to ") {
            s.artifact = Some(path.trim().to_owned());
        } else if let Some((_, at)) = line.split_once(" panicked at ") {
            if s.panic.is_none() {
                let message = lines.peek().map(|m| m.trim()).unwrap_or("");
                s.panic = Some(format!("{} {message}", at.trim_end_matches(':')));
            }
        }
    }
    if let Some(status) = last_status {
        let field = |name: &str| status.split_once(name).map(|(_, v)| number(v));
        s.corpus = field(" corp: ").unwrap_or(0);
        if s.executions == 0 {
            s.executions = number(status);
        }
        if s.exec_per_sec == 0 {
            s.exec_per_sec = field(" exec/s: ").unwrap_or(0);
        }
    }
    s
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

    #[test]
    fn libfuzzer_stats() {
        let done = "INFO: Seed: 1\n#2\tINITED cov: 12 ft: 13 corp: 8/400b exec/s: 0 rss: 30Mb\n#264853\tDONE   cov: 842 ft: 2855 corp: 316/21Kb lim: 923 exec/s: 12612 rss: 455Mb\nDone 264853 runs in 21 second(s)\nstat::number_of_executed_units: 264853\nstat::average_exec_per_sec:     12612\nstat::new_units_added:          308\nstat::slowest_unit_time_sec:    0\nstat::peak_rss_mb:              455\n";
        assert_eq!(
            parse_libfuzzer(done),
            FuzzStats {
                executions: 264_853,
                exec_per_sec: 12_612,
                corpus: 316,
                new_units: 308,
                artifact: None,
                panic: None,
            }
        );
        let crash = "#12\tNEW    cov: 431 ft: 611 corp: 7/103b lim: 17 exec/s: 0 rss: 37Mb L: 14/17 MS: 1 CMP-\n\nthread '<unnamed>' (21517) panicked at fuzz_targets/cmsg.rs:112:9:\nassertion `left == right` failed: an fd leaked\n  left: 9\n==21517== ERROR: libFuzzer: deadly signal\nartifact_prefix='/t/artifacts/cmsg/'; Test unit written to /t/artifacts/cmsg/crash-f40e\nBase64: HwMCCQ==\nstat::number_of_executed_units: 13\nstat::average_exec_per_sec:     0\nstat::new_units_added:          6\n";
        let s = parse_libfuzzer(crash);
        assert_eq!((s.executions, s.corpus, s.new_units), (13, 7, 6));
        assert_eq!(s.artifact.as_deref(), Some("/t/artifacts/cmsg/crash-f40e"));
        assert_eq!(
            s.panic.as_deref(),
            Some("fuzz_targets/cmsg.rs:112:9 assertion `left == right` failed: an fd leaked")
        );
        // Killed before the closing statistics: the last status line.
        let s =
            parse_libfuzzer("#4096\tpulse  cov: 1 ft: 2 corp: 3/4b lim: 4 exec/s: 2048 rss: 5Mb\n");
        assert_eq!((s.executions, s.exec_per_sec, s.corpus), (4096, 2048, 3));
    }

    #[test]
    fn panics_name_the_test_the_place_and_the_message() {
        let out = "running 2 tests\ntest a ... ok\ntest b ... FAILED\n\nfailures:\n\n---- b stdout ----\nthread 'b' panicked at tests/netem.rs:292:13:\n610 of 1000 datagrams arrived\nnote: run with `RUST_BACKTRACE=1`\n\nthread 'c' panicked at src/x.rs:1:1:\nboom\n";
        assert_eq!(
            panics(out, 5),
            vec![
                "b: tests/netem.rs:292:13: 610 of 1000 datagrams arrived".to_string(),
                "c: src/x.rs:1:1: boom".to_string()
            ]
        );
        assert_eq!(panics(out, 1).len(), 1);
        assert!(panics(out, 0).is_empty());
        assert!(panics("test result: ok.", 5).is_empty());
    }
}
