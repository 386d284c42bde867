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
    /// Where it ran.
    pub tier: Tier,
    /// What ran: `fmt`, `clippy`, `test`, `test (no-default-features)`, ...
    pub step: String,
    pub counts: Counts,
    /// A step that is not a test run (fmt, clippy, a build) passes or fails as a whole.
    pub ok: bool,
    pub time: Duration,
    /// Why it failed, or a remark (e.g. the skip reasons seen).
    pub note: String,
    /// For a run of libtest binaries: the tests that ran (`<binary>::<test>`, ignored ones
    /// left out), so the summary can say how many distinct tests ran and on how many rows.
    /// `None` for every other step (fmt, clippy, builds, bench, fuzz, self-checking examples):
    /// those are not tests and stay out of the test count.
    pub tests: Option<Vec<String>>,
}

/// The machine the xtask runs on, named as its file in `targets/` is (`i686` for `x86`,
/// `armv7` for `arm`, `powerpc64le` for `powerpc64`): the `arch` of the host's rows.
pub const HOST_ARCH: &str = if cfg!(target_arch = "x86") {
    "i686"
} else if cfg!(target_arch = "arm") {
    "armv7"
} else if cfg!(target_arch = "powerpc64") {
    "powerpc64le"
} else {
    std::env::consts::ARCH
};

impl Row {
    /// A step that passes or fails as a whole (fmt, clippy, a build, a self-check): no
    /// counts and no tests until [`counts`](Row::counts) or [`tests`](Row::tests) add them.
    pub fn new(
        tier: Tier,
        arch: &str,
        step: impl Into<String>,
        ok: bool,
        time: Duration,
        note: impl Into<String>,
    ) -> Row {
        Row {
            arch: arch.into(),
            tier,
            step: step.into(),
            counts: Counts::default(),
            ok,
            time,
            note: note.into(),
            tests: None,
        }
    }

    /// A step's row from its outcome: ok with a remark, or failed with why.
    pub fn outcome(
        tier: Tier,
        arch: &str,
        step: impl Into<String>,
        time: Duration,
        outcome: Result<String, String>,
    ) -> Row {
        let ok = outcome.is_ok();
        Row::new(tier, arch, step, ok, time, outcome.unwrap_or_else(|e| e))
    }

    /// The row with this time.
    pub fn time(mut self, time: Duration) -> Row {
        self.time = time;
        self
    }

    /// The row with these counts (a step that counts what it checked: benches, echoes).
    pub fn counts(mut self, counts: Counts) -> Row {
        self.counts = counts;
        self
    }

    /// The row of a test run: its counts and the tests that ran.
    pub fn tests(mut self, counts: Counts, ran: Vec<String>) -> Row {
        self.counts = counts;
        self.tests = Some(ran);
        self
    }
}

/// Where a row ran: the three tiers of `cargo xtask test` (what `--tier` picks), and the
/// other commands whose rows share the table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Tier {
    /// The build machine itself: fmt, clippy, tests, examples, Miri, MSRV, package.
    Host,
    /// Every architecture's tests under qemu-user.
    QemuUser,
    /// Every architecture's tests in a VM with a Debian kernel.
    Vm,
    /// `bench` (also `bench --quick` inside `test`).
    Bench,
    /// `fuzz` (also the short pass inside `test`).
    Fuzz,
    /// `size`.
    Size,
}

impl Tier {
    /// The tiers `cargo xtask test --tier` takes, in the order they run.
    pub const SELECTABLE: [Tier; 3] = [Tier::Host, Tier::QemuUser, Tier::Vm];

    /// The name in the table, in logs and on the command line.
    pub const fn name(self) -> &'static str {
        match self {
            Tier::Host => "host",
            Tier::QemuUser => "qemu-user",
            Tier::Vm => "vm",
            Tier::Bench => "bench",
            Tier::Fuzz => "fuzz",
            Tier::Size => "size",
        }
    }

    /// A selectable tier by its name.
    pub fn parse(name: &str) -> Option<Tier> {
        Tier::SELECTABLE.into_iter().find(|t| t.name() == name)
    }
}

impl std::fmt::Display for Tier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(self.name())
    }
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

/// Prints the progress line of a finished row.
pub fn announce(row: &Row) {
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
}

#[derive(Default)]
pub struct Report {
    pub rows: Vec<Row>,
    pub fuzz: Vec<FuzzRow>,
}

impl Report {
    pub fn push(&mut self, row: Row) {
        announce(&row);
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
            .map(|r| r.tier.name().len())
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
        for r in &self.rows {
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
        let _ = writeln!(out, "{}", self.test_summary());
        let others: Vec<&Row> = self.rows.iter().filter(|r| r.tests.is_none()).collect();
        let _ = writeln!(
            out,
            "other steps (lints, builds, bench, fuzz, self-checks): {} ok, {} failed; \
             {} rows in all, {:.0}s",
            others.iter().filter(|r| r.ok).count(),
            others.iter().filter(|r| !r.ok).count(),
            self.rows.len(),
            secs
        );
        out.push_str(&self.time_by_tier());
        out
    }

    /// Where the time went: per tier (in the order tiers first appear), its rows, the time
    /// its rows took summed, and its longest row. The lanes run side by side (see the xtask's
    /// docs), so the sums add up to more than the wall time.
    pub fn time_by_tier(&self) -> String {
        let mut tiers: Vec<(Tier, usize, f64, f64, &Row)> = Vec::new();
        for r in &self.rows {
            let t = r.time.as_secs_f64();
            let label = r;
            match tiers.iter_mut().find(|(name, ..)| *name == r.tier) {
                Some((_, n, sum, max, longest)) => {
                    *n += 1;
                    *sum += t;
                    if t > *max {
                        *max = t;
                        *longest = label;
                    }
                }
                None => tiers.push((r.tier, 1, t, t, label)),
            }
        }
        let w = tiers
            .iter()
            .map(|t| t.0.name().len())
            .max()
            .unwrap_or(4)
            .max(4);
        let mut out = format!(
            "\ntime by tier (rows summed; lanes overlap)\n{:w$}  {:>4}  {:>7}  longest row\n",
            "tier", "rows", "time"
        );
        for (name, n, sum, max, longest) in tiers {
            // The architecture too: one arch has several VM rows (`test`, `test 5.10`).
            let _ = writeln!(
                out,
                "{name:w$}  {n:>4}  {sum:>6.0}s  {} {} ({max:.0}s)",
                longest.arch, longest.step
            );
        }
        out
    }

    /// The footer line about tests: the distinct tests that ran, over which test rows, how
    /// many rows ran each, and the passed / failed / skipped counts of those rows only.
    pub fn test_summary(&self) -> String {
        let test_rows: Vec<&Row> = self.rows.iter().filter(|r| r.tests.is_some()).collect();
        let mut total = Counts::default();
        let mut seen: std::collections::BTreeMap<&str, usize> = Default::default();
        for r in &test_rows {
            total.add(r.counts);
            let mut mine: Vec<&str> = r.tests.iter().flatten().map(String::as_str).collect();
            mine.sort_unstable();
            mine.dedup();
            for t in mine {
                *seen.entry(t).or_default() += 1;
            }
        }
        let mut tiers: Vec<(Tier, usize)> = Vec::new();
        for r in &test_rows {
            match tiers.iter_mut().find(|(t, _)| *t == r.tier) {
                Some((_, n)) => *n += 1,
                None => tiers.push((r.tier, 1)),
            }
        }
        let tiers: Vec<String> = tiers
            .iter()
            .map(|(t, n)| {
                if *n == 1 {
                    t.to_string()
                } else {
                    format!("{t} x{n}")
                }
            })
            .collect();
        // How many tests ran on how many rows, most rows first.
        let mut by_rows: std::collections::BTreeMap<usize, usize> = Default::default();
        for n in seen.values() {
            *by_rows.entry(*n).or_default() += 1;
        }
        let spread: Vec<String> = by_rows
            .iter()
            .rev()
            .map(|(rows, tests)| {
                format!("{tests} on {rows} row{}", if *rows == 1 { "" } else { "s" })
            })
            .collect();
        format!(
            "tests: {} distinct, run on {} row{} ({}){}; {} passed, {} failed, {} skipped",
            seen.len(),
            test_rows.len(),
            if test_rows.len() == 1 { "" } else { "s" },
            tiers.join(", "),
            if spread.is_empty() {
                String::new()
            } else {
                format!(": {}", spread.join(", "))
            },
            total.passed,
            total.failed,
            total.skipped
        )
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
/// distinct skip reasons. Tests of the same name in two binaries are two tests (each binary's
/// skips are counted up to its own `test result:` line).
pub fn parse_libtest(output: &str) -> (Counts, Vec<String>) {
    let mut counts = Counts::default();
    let mut reasons: Vec<String> = Vec::new();
    for (_, reason) in skips(output) {
        if !reasons.contains(&reason) {
            reasons.push(reason);
        }
    }
    for r in results(output) {
        counts.passed += r.passed;
        counts.failed += r.failed;
    }
    let skipped = skips(output).len() as u32;
    counts.skipped = skipped;
    counts.passed = counts.passed.saturating_sub(skipped);
    (counts, reasons)
}

/// The tests whose captured output has a `skipped: ` line (libtest's `---- <name> stdout ----`
/// sections, as printed with `--show-output`), each with its reason; a name is kept once per
/// binary (up to each `test result:` line), so equal names in two binaries are both kept.
pub fn skips(output: &str) -> Vec<(String, String)> {
    let mut current: Option<&str> = None;
    let mut out: Vec<(String, String)> = Vec::new();
    let mut binary_start = 0;
    for line in output.lines() {
        let line = line.trim_end();
        if let Some(rest) = line.strip_prefix("---- ") {
            current = rest.strip_suffix(" stdout ----");
        } else if let (Some(reason), Some(name)) = (line.strip_prefix("skipped: "), current) {
            if !out[binary_start..].iter().any(|(n, _)| n == name) {
                out.push((name.to_owned(), reason.to_owned()));
            }
        } else if line.starts_with("test result: ") {
            current = None;
            binary_start = out.len();
        }
    }
    out
}

/// One `test result:` line.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ResultLine {
    pub passed: u32,
    pub failed: u32,
    pub ignored: u32,
    pub measured: u32,
    pub filtered: u32,
}

impl ResultLine {
    /// Every test the binary has, by its own account.
    pub fn total(&self) -> u32 {
        self.passed + self.failed + self.ignored + self.measured + self.filtered
    }
}

/// The `test result:` lines of some libtest output, in order.
pub fn results(output: &str) -> Vec<ResultLine> {
    let mut out = Vec::new();
    for line in output.lines() {
        // A line may carry other output before libtest's (a child's stderr).
        let Some((_, rest)) = line.trim_end().split_once("test result: ") else {
            continue;
        };
        // "ok. 12 passed; 0 failed; 1 ignored; 0 measured; 0 filtered out; finished in 0.01s"
        let Some(rest) = rest
            .strip_prefix("ok. ")
            .or_else(|| rest.strip_prefix("FAILED. "))
        else {
            continue;
        };
        let mut r = ResultLine::default();
        for part in rest.split(';') {
            let mut it = part.split_whitespace();
            if let (Some(n), Some(what)) = (it.next(), it.next()) {
                let n: u32 = n.parse().unwrap_or(0);
                match what {
                    "passed" => r.passed = n,
                    "failed" => r.failed = n,
                    "ignored" => r.ignored = n,
                    "measured" => r.measured = n,
                    "filtered" => r.filtered = n,
                    _ => {}
                }
            }
        }
        out.push(r);
    }
    out
}

/// The number of tests (and benchmarks) `<binary> --list` printed: its closing line
/// `N tests, M benchmarks`. `None` when that line is missing (the listing did not finish).
pub fn listed(output: &str) -> Option<u32> {
    output.lines().rev().find_map(|l| {
        let (tests, benches) = l.trim().split_once(", ")?;
        let tests = tests
            .strip_suffix(" tests")
            .or_else(|| tests.strip_suffix(" test"))?;
        let benches = benches
            .strip_suffix(" benchmarks")
            .or_else(|| benches.strip_suffix(" benchmark"))?;
        Some(tests.parse::<u32>().ok()? + benches.parse::<u32>().ok()?)
    })
}

/// The tests that ran in some libtest output (`test <name> ... ok` or `FAILED`; not the
/// ignored ones). A line cut by a child's output still names its test.
pub fn ran(output: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in output.lines() {
        let Some(rest) = line.trim_end().strip_prefix("test ") else {
            continue;
        };
        let Some((name, status)) = rest.split_once(" ... ") else {
            continue;
        };
        if status.starts_with("ignored") || name.is_empty() {
            continue;
        }
        out.push(name.to_owned());
    }
    out.sort();
    out.dedup();
    out
}

/// How a test binary ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Exit {
    /// It exited with this code.
    Code(i32),
    /// A signal killed it.
    Signal(i32),
    /// The xtask stopped it (a time limit), or it never finished for the reason given.
    Stopped(String),
}

impl Exit {
    /// From a shell's `$?` (the VM's init runs the binaries): above 128 is a signal.
    pub fn from_shell(status: i32) -> Exit {
        if status > 128 {
            Exit::Signal(status - 128)
        } else {
            Exit::Code(status)
        }
    }

    pub fn describe(&self) -> String {
        match self {
            Exit::Code(c) => format!("exit {c}"),
            Exit::Signal(s) => format!("killed by signal {s}{}", signal_name(*s)),
            Exit::Stopped(why) => why.clone(),
        }
    }
}

/// ` (SIGSEGV)` for the signals a test binary meets, else nothing.
fn signal_name(n: i32) -> &'static str {
    match n {
        1 => " (SIGHUP)",
        2 => " (SIGINT)",
        3 => " (SIGQUIT)",
        4 => " (SIGILL)",
        5 => " (SIGTRAP)",
        6 => " (SIGABRT)",
        7 => " (SIGBUS)",
        8 => " (SIGFPE)",
        9 => " (SIGKILL)",
        11 => " (SIGSEGV)",
        13 => " (SIGPIPE)",
        14 => " (SIGALRM)",
        15 => " (SIGTERM)",
        31 => " (SIGSYS)",
        _ => "",
    }
}

/// One test binary's run, accounted for.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BinaryRun {
    pub counts: Counts,
    /// The tests that ran, as `<binary>::<test>`.
    pub ran: Vec<String>,
    /// (test, reason) of the tests that skipped.
    pub skips: Vec<(String, String)>,
    /// Why this run fails its row: a missing or short report, a signal, an exit code.
    pub problems: Vec<String>,
}

/// Accounts for one test binary: `output` is its libtest output alone, `listed` what its
/// `--list` counted (in the same place, the same way), `exit` how it ended. Every binary must
/// print exactly one `test result:` line covering every test `--list` gives and exit 0; a
/// binary that printed nothing, stopped early (even with exit 0), reported fewer tests than it
/// has, or was killed fails.
pub fn account(binary: &str, listed: Option<u32>, output: &str, exit: &Exit) -> BinaryRun {
    let (counts, _) = parse_libtest(output);
    let mut problems = Vec::new();
    let reports = results(output);
    match (reports.as_slice(), listed) {
        ([], _) => problems.push(format!(
            "{binary}: no test result ({}{})",
            exit.describe(),
            if output.trim().is_empty() {
                ", no output"
            } else {
                ""
            }
        )),
        ([r], Some(n)) if r.total() != n || r.filtered != 0 => problems.push(format!(
            "{binary}: reported {} of the {n} tests --list gives",
            r.total() - r.filtered
        )),
        ([_], None) => problems.push(format!("{binary}: --list gave no count")),
        ([_], Some(_)) => {}
        (many, _) => problems.push(format!("{binary}: {} test results", many.len())),
    }
    match exit {
        Exit::Code(0) => {}
        // libtest's own exit for failed tests, already counted (unless no report came).
        Exit::Code(101) if counts.failed > 0 => {}
        _ if reports.is_empty() => {}
        e => problems.push(format!("{binary}: {}", e.describe())),
    }
    BinaryRun {
        counts,
        ran: ran(output)
            .into_iter()
            .map(|t| format!("{binary}::{t}"))
            .collect(),
        skips: skips(output),
        problems,
    }
}

/// The output of `cargo test` cut per test binary: each part starts at cargo's
/// `     Running <what> (<path>)` or `   Doc-tests <crate>` line, keyed by the binary's name as
/// the cross tiers call it (`baresock-lib`, `udp`, `bin-xtask`, `doctest-baresock`). Needs
/// stdout and stderr in one stream, in order.
pub fn cargo_sections(output: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for line in output.lines() {
        if let Some(name) = cargo_binary(line) {
            out.push((name, String::new()));
        } else if let Some((_, text)) = out.last_mut() {
            text.push_str(line);
            text.push('\n');
        }
    }
    out
}

/// The binary a cargo `Running` / `Doc-tests` line starts (cargo aligns its status words
/// right, to 12 columns).
fn cargo_binary(line: &str) -> Option<String> {
    if let Some(krate) = line.strip_prefix("   Doc-tests ") {
        return Some(format!("doctest-{}", krate.trim()));
    }
    let rest = line.strip_prefix("     Running ")?.trim_end();
    let (what, path) = rest.strip_suffix(')')?.rsplit_once(" (")?;
    let file = path.rsplit('/').next()?;
    // `<name>-<hash>`; cargo's file names have `_` for `-`.
    let stem = file.rsplit_once('-').map_or(file, |(s, _)| s);
    let source = what.strip_prefix("unittests ").unwrap_or(what);
    Some(if what.starts_with("unittests ") {
        if source.ends_with("src/lib.rs") {
            format!("{stem}-lib")
        } else if source.starts_with("examples/") {
            format!("example-{stem}")
        } else if source.starts_with("benches/") {
            format!("bench-{stem}")
        } else {
            format!("bin-{stem}")
        }
    } else {
        stem.to_owned()
    })
}

/// How cargo says a test binary ended, from its part of the output: `process didn't exit
/// successfully: `...` (exit status: 101)` or `(signal: 11, SIGSEGV: ...)`; exit 0 otherwise.
pub fn cargo_exit(section: &str) -> Exit {
    for line in section.lines() {
        let Some((_, rest)) = line.split_once("process didn't exit successfully: ") else {
            continue;
        };
        if let Some((_, n)) = rest.rsplit_once("(exit status: ") {
            if let Ok(c) = n.trim_end_matches(')').trim().parse() {
                return Exit::Code(c);
            }
        }
        if let Some((_, n)) = rest.rsplit_once("(signal: ") {
            let n = n.split([',', ')']).next().unwrap_or("").trim();
            if let Ok(s) = n.parse() {
                return Exit::Signal(s);
            }
        }
        return Exit::Stopped(format!("did not exit successfully: {}", rest.trim()));
    }
    Exit::Code(0)
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
    const FULL: &str = "running 2 tests\ntest a ... ok\ntest m::b ... ignored, needs root\n\ntest result: ok. 1 passed; 0 failed; 1 ignored; 0 measured; 0 filtered out; finished in 0.00s\n";

    #[test]
    fn the_same_test_name_in_two_binaries_is_two_tests() {
        let two = "---- t stdout ----\nskipped: no CAN\n\ntest result: ok. 1 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s\n---- t stdout ----\nskipped: no CAN\n\ntest result: ok. 1 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s\n";
        assert_eq!(
            parse_libtest(two).0,
            Counts {
                passed: 0,
                failed: 0,
                skipped: 2
            }
        );
        assert_eq!(skips(two).len(), 2);
    }

    #[test]
    fn every_binary_must_report_what_its_list_has() {
        assert_eq!(
            listed("a: test\nb: test\n\n2 tests, 0 benchmarks\n"),
            Some(2)
        );
        assert_eq!(listed("1 test, 1 benchmark\n"), Some(2));
        assert_eq!(listed("0 tests, 0 benchmarks\n"), Some(0));
        assert_eq!(listed("a: test\n"), None);

        let run = account("udp", Some(2), FULL, &Exit::Code(0));
        assert!(run.problems.is_empty(), "{:?}", run.problems);
        assert_eq!(run.ran, vec!["udp::a".to_owned()]);
        assert_eq!(run.counts.passed, 1);
        // Printed nothing and exited 0: it used to count as passed.
        let run = account("udp", Some(2), "", &Exit::Code(0));
        assert_eq!(
            run.problems,
            vec!["udp: no test result (exit 0, no output)".to_owned()]
        );
        // Stopped early with exit 0, after some tests.
        let run = account(
            "udp",
            Some(2),
            "running 2 tests\ntest a ... ok\n",
            &Exit::Code(0),
        );
        assert_eq!(
            run.problems,
            vec!["udp: no test result (exit 0)".to_owned()]
        );
        // A report short of the --list count (or filtered).
        let run = account("udp", Some(3), FULL, &Exit::Code(0));
        assert_eq!(
            run.problems,
            vec!["udp: reported 2 of the 3 tests --list gives".to_owned()]
        );
        let filtered = FULL.replace("0 filtered out", "1 filtered out");
        let run = account("udp", Some(3), &filtered, &Exit::Code(0));
        assert_eq!(
            run.problems,
            vec!["udp: reported 2 of the 3 tests --list gives".to_owned()]
        );
        // No count from --list.
        let run = account("udp", None, FULL, &Exit::Code(0));
        assert_eq!(run.problems, vec!["udp: --list gave no count".to_owned()]);
        // Killed by a signal, before or after its report.
        let run = account("udp", Some(2), "running 2 tests\n", &Exit::Signal(11));
        assert_eq!(
            run.problems,
            vec!["udp: no test result (killed by signal 11 (SIGSEGV))".to_owned()]
        );
        let run = account("udp", Some(2), FULL, &Exit::Signal(6));
        assert_eq!(
            run.problems,
            vec!["udp: killed by signal 6 (SIGABRT)".to_owned()]
        );
        // Failed tests: libtest's exit 101 is expected, the failures are counted.
        let failed = "test a ... FAILED\ntest b ... ok\n\ntest result: FAILED. 1 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s\n";
        let run = account("udp", Some(2), failed, &Exit::Code(101));
        assert!(run.problems.is_empty());
        assert_eq!(run.counts.failed, 1);
        // Two reports in one binary's output.
        let run = account("udp", Some(2), &format!("{FULL}{FULL}"), &Exit::Code(0));
        assert_eq!(run.problems, vec!["udp: 2 test results".to_owned()]);
    }

    #[test]
    fn cargo_output_is_cut_per_binary() {
        let out = "   Compiling baresock v0.1.0\n    Finished `test` profile\n\
            \x20    Running unittests src/lib.rs (target/debug/deps/baresock-0a1b2c)\n\
            running 1 test\ntest a ... ok\n\ntest result: ok. 1 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s\n\n\
            \x20    Running tests/udp.rs (target/debug/deps/udp-3d4e5f)\n\
            running 2 tests\ntest x ... ok\n\
            error: test failed, to rerun pass `--test udp`\n\nCaused by:\n  process didn't exit successfully: `/w/target/debug/deps/udp-3d4e5f --show-output` (signal: 11, SIGSEGV: invalid memory reference)\n\
            \x20    Running unittests src/main.rs (target/debug/deps/xtask-9f8e7d)\n\
            test result: FAILED. 0 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s\n\
            error: test failed, to rerun pass `-p xtask --bin xtask`\n\nCaused by:\n  process didn't exit successfully: `/w/target/debug/deps/xtask-9f8e7d` (exit status: 101)\n\
            \x20  Doc-tests baresock\n\nrunning 0 tests\n\ntest result: ok. 0 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s\n\
            Running this line is a test's own output\n";
        let parts = cargo_sections(out);
        let names: Vec<&str> = parts.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            ["baresock-lib", "udp", "bin-xtask", "doctest-baresock"]
        );
        assert_eq!(cargo_exit(&parts[0].1), Exit::Code(0));
        assert_eq!(cargo_exit(&parts[1].1), Exit::Signal(11));
        assert_eq!(cargo_exit(&parts[2].1), Exit::Code(101));
        assert!(parts[3].1.contains("a test's own output"));
        assert_eq!(
            cargo_binary(
                "     Running unittests examples/tour.rs (target/debug/examples/tour-01ab)"
            ),
            Some("example-tour".to_owned())
        );
    }

    fn test_row(tier: Tier, tests: &[&str], counts: Counts) -> Row {
        Row::new(
            tier,
            "x86_64",
            "test",
            true,
            Duration::from_secs(1),
            String::new(),
        )
        .tests(counts, tests.iter().map(|t| t.to_string()).collect())
    }

    #[test]
    fn the_summary_counts_distinct_tests_and_leaves_other_steps_out() {
        let c = |passed| Counts {
            passed,
            failed: 0,
            skipped: 0,
        };
        let mut r = Report::default();
        r.rows
            .push(test_row(Tier::Host, &["lib::a", "lib::b", "udp::a"], c(3)));
        r.rows
            .push(test_row(Tier::QemuUser, &["lib::a", "lib::b"], c(2)));
        r.rows
            .push(test_row(Tier::QemuUser, &["lib::a", "lib::b"], c(2)));
        r.rows.push(test_row(Tier::Vm, &["lib::a"], c(1)));
        for step in ["build", "bench --quick", "fuzz dns", "example tokio_echo"] {
            let (ok, time) = (true, Duration::from_secs(1));
            r.rows
                .push(Row::new(Tier::Host, "x86_64", step, ok, time, "").counts(c(1)));
        }
        assert_eq!(
            r.test_summary(),
            "tests: 3 distinct, run on 4 rows (host, qemu-user x2, vm): \
             1 on 4 rows, 1 on 3 rows, 1 on 1 row; 8 passed, 0 failed, 0 skipped"
        );
        let table = r.table();
        assert!(table.contains("other steps (lints, builds, bench, fuzz, self-checks): 4 ok, 0 failed; 8 rows in all"), "{table}");
        // Time by tier: host has 5 rows of 1 s, qemu-user 2, vm 1, in that order.
        let times = r.time_by_tier();
        let lines: Vec<&str> = times.lines().skip(3).collect();
        assert_eq!(lines.len(), 3, "{times}");
        assert!(
            lines[0].starts_with("host") && lines[0].contains("   5       5s  x86_64 test (1s)"),
            "{times}"
        );
        assert!(
            lines[1].starts_with("qemu-user") && lines[1].contains("   2       2s"),
            "{times}"
        );
        assert!(
            lines[2].starts_with("vm") && lines[2].contains("   1       1s"),
            "{times}"
        );
    }
}
