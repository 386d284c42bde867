//! Reading a guest's console: each binary's accounting, the skips, and the kernel's log.

use super::*;

/// What the console of one VM run says.
#[derive(Debug, Default)]
pub(super) struct Judged {
    pub(super) booted: bool,
    pub(super) finished: bool,
    pub(super) counts: Counts,
    /// The tests that ran, `<binary>::<test>`.
    pub(super) ran: Vec<String>,
    /// What fails the row (besides failed tests).
    pub(super) problems: Vec<String>,
    pub(super) warnings: Vec<String>,
}

/// Reads a VM's console (the markers of `qemu/init`): each of `binaries` must have run and
/// been accounted for ([`account`]: a report covering its `--list` count, exit 0), its skips
/// must be on [`ALLOWED_SKIPS`] for that binary and test, and the kernel's log must show no
/// oops, BUG or WARN taken during the run ([`kernel_trouble`]).
pub(super) fn judge(arch: &str, console: &str, binaries: &[&str], release: &str) -> Judged {
    let mut j = Judged::default();
    let mut listed: BTreeMap<&str, Option<u32>> = BTreeMap::new();
    let mut sections: BTreeMap<&str, (String, Option<&str>)> = BTreeMap::new();
    let mut current: Option<&str> = None;
    let mut dmesg: Option<String> = None;
    let mut in_dmesg = false;
    let mut printk = String::new();
    for line in console.lines() {
        // A binary whose output does not end its last line leaves the marker mid-line.
        let Some(at) = line.find("@@xtask ") else {
            if in_dmesg {
                let d = dmesg.get_or_insert_with(String::new);
                d.push_str(line);
                d.push('\n');
            } else {
                if is_printk(line) {
                    // Printed by the kernel on the console itself (an emergency, a panic).
                    printk.push_str(line);
                    printk.push('\n');
                }
                if let Some(name) = current {
                    let s = &mut sections.entry(name).or_default().0;
                    s.push_str(line);
                    s.push('\n');
                }
            }
            continue;
        };
        if let Some(name) = current {
            let s = &mut sections.entry(name).or_default().0;
            s.push_str(&line[..at]);
            s.push('\n');
        }
        let marker = &line[at + "@@xtask ".len()..];
        let (word, rest) = marker.split_once(' ').unwrap_or((marker, ""));
        match word.trim() {
            "boot" => j.booted = true,
            "warn" => j.warnings.push(rest.trim().to_owned()),
            "list" => {
                let (name, count) = rest.trim().split_once(' ').unwrap_or((rest.trim(), ""));
                listed.insert(name, crate::report::listed(count));
            }
            "begin" => {
                let name = rest.trim();
                sections.entry(name).or_default();
                current = Some(name);
            }
            "end" => {
                let mut words = rest.split_whitespace();
                if let (Some(name), Some(status)) = (words.next(), words.next()) {
                    sections.entry(name).or_default().1 = Some(status);
                }
                current = None;
            }
            "dmesg" => {
                in_dmesg = true;
                dmesg.get_or_insert_with(String::new);
            }
            "dmesg-end" => in_dmesg = false,
            "done" => j.finished = true,
            _ => {}
        }
    }
    for &bin in binaries {
        let (output, exit) = match sections.get(bin) {
            Some((output, Some(status))) => {
                let exit = match status.parse::<i32>() {
                    // `timeout -s KILL` at the limit.
                    Ok(137) => Exit::Stopped(format!(
                        "killed by signal 9 (SIGKILL): the {} s limit, or out of memory",
                        TEST_LIMIT.as_secs()
                    )),
                    Ok(s) => Exit::from_shell(s),
                    Err(_) => Exit::Stopped(format!("exit status {status}")),
                };
                (output.as_str(), exit)
            }
            Some((output, None)) => (
                output.as_str(),
                Exit::Stopped("did not finish: the guest stopped".into()),
            ),
            None if j.finished => {
                j.problems.push(format!("{bin}: did not run"));
                continue;
            }
            // The guest stopped before it: said above.
            None => continue,
        };
        let mut run = account(bin, listed.get(bin).copied().flatten(), output, &exit);
        for (test, reason) in &run.skips {
            if !skip_allowed(arch, bin, test, reason, release) {
                run.counts.skipped = run.counts.skipped.saturating_sub(1);
                run.counts.failed += 1;
                run.problems.push(format!(
                    "{bin}::{test} must run in the VM but skipped: {reason}"
                ));
            }
        }
        j.counts.add(run.counts);
        j.ran.extend(run.ran);
        j.problems.extend(run.problems);
    }
    let (during, before) = kernel_trouble(dmesg.as_deref().unwrap_or(""));
    // What the kernel printed on the console came after `@@xtask boot`: during the run.
    let (on_console, _) = kernel_trouble(&format!("[0] {RUN_STARTS}\n{printk}"));
    if let Some(line) = on_console.or(during) {
        j.problems.push(format!("kernel: {line}"));
    }
    if let Some(line) = before {
        j.warnings.push(format!("kernel, while booting: {line}"));
    }
    if j.finished && dmesg.is_none() {
        j.problems
            .push("no kernel log (`@@xtask dmesg`) on the console".into());
    }
    j
}

/// The line `qemu/init` writes to the kernel's log before it loads modules and runs tests:
/// what the kernel logs after it belongs to the run.
pub(super) const RUN_STARTS: &str = "xtask: the run starts";

/// What the kernel says when it hits a bug: an oops, `BUG()`, `WARN()`, a fault in kernel
/// mode, a panic, and the stack dump (`Call Trace:`) that also comes with lockups and stalls.
pub(super) const KERNEL_TROUBLE: &[&str] = &[
    "Oops",
    "BUG:",
    "WARNING:",
    "Call Trace:",
    "kernel BUG at",
    "general protection fault",
    "Unable to handle kernel",
    "Kernel panic",
];

/// Whether a console line was printed by the kernel: `[    1.234567] ...`.
pub(super) fn is_printk(line: &str) -> bool {
    kernel_text(line).is_some()
}

/// The message of a kernel log line, without its `<level>` and `[  time]`; `None` when the
/// line has no timestamp (a continuation line of a multi-line message has one too).
pub(super) fn kernel_text(line: &str) -> Option<&str> {
    let line = line.trim_start();
    let line = match line.strip_prefix('<') {
        Some(rest) => rest.split_once('>').map_or(line, |(_, r)| r),
        None => line,
    };
    let (stamp, text) = line.strip_prefix('[')?.split_once(']')?;
    let stamp = stamp.trim();
    (!stamp.is_empty() && stamp.chars().all(|c| c.is_ascii_digit() || c == '.'))
        .then_some(text.trim())
}

/// The first kernel log line (of `dmesg` output) that says the kernel hit a bug during the
/// run, that is after [`RUN_STARTS`], and the first one before it (while booting: not ours,
/// but worth a warning). The kernel's everyday messages (modules, CAN, veth, audit) never
/// match: see the test.
pub(super) fn kernel_trouble(log: &str) -> (Option<String>, Option<String>) {
    let mut started = false;
    let mut during = None;
    let mut before = None;
    for line in log.lines() {
        let Some(text) = kernel_text(line) else {
            continue;
        };
        if text.contains(RUN_STARTS) {
            started = true;
            continue;
        }
        let bad = KERNEL_TROUBLE.iter().any(|p| text.starts_with(p))
            || text.contains("Internal error: Oops")
            || text.contains(": BUG: ");
        if !bad {
            continue;
        }
        let slot = if started { &mut during } else { &mut before };
        if slot.is_none() {
            *slot = Some(text.chars().take(160).collect());
        }
    }
    (during, before)
}
