//! Tier 3: the test binaries in a real Debian kernel of each architecture, booted under TCG.
//!
//! The kernel matrix: every architecture boots the kernel of Debian's current stable release
//! (13 "trixie", Linux 6.12; the first of its `[vm] suites` whose kernel downloads), and a
//! target's `[[vm.kernels]]` add rows of their own with the same test binaries (x86_64 and
//! armv7: Debian 11's 5.10 and unstable's), each a [`Run`]: its steps are `fetch <name>` and
//! `test <name>`, its cache `vm/<arch>@<name>`, and only its kernel comes from its suites (the
//! userland is the target's). i686 boots trixie's amd64 kernel (`kernel_arch`) with an i386
//! userland: Debian 13 has no i386 kernel.
//!
//! Per VM row:
//! 1. fetch (once, cached in `target/xtask-cache/vm/<arch>[@<kernel>]/`) the Debian kernel
//!    package (or, when the image its metapackage names does not download, the newest other
//!    of its flavour in that suite), `busybox-static`, `can-utils` and `libc6` with a private
//!    apt state (a suite is chosen once its downloads worked), and unpack the
//!    kernel image, the networking modules, busybox, and the CAN tools with the loader and
//!    libraries they need (on [`PYTHON_MACHINES`] also Debian's python3 and its standard
//!    library);
//! 2. build the initramfs: one cpio with busybox, `qemu/init`, the modules of
//!    `qemu/modules.txt` (plus their dependencies, in order), can-utils under
//!    `/opt/can-utils` with a wrapper per tool in `/bin`, the gnu targets' loader and
//!    libraries; a second cpio, appended, with this run's test binaries and the stripped
//!    no_std echo servers ([`GUEST_ECHOES`], waited for: a failed echo build fails the row);
//!    the machines of [`KVASER_MACHINES`] also get two `kvaser_pci` CAN cards on one bus;
//! 3. boot it under TCG (never KVM), as many VMs at once as there are cores, more once the
//!    host tier, the builder and qemu-user are done and while the cores have idle time (the
//!    [`pool`]: the rows left are fetched ahead once the builder is done; each VM is one single-threaded process whose
//!    tests spend much of their time waiting; `XTASK_VM_JOBS` sets how many), with time limits so a hung guest fails
//!    the row instead of hanging CI; the init script runs every test binary as root and
//!    reports on the console (markers `@@xtask ...`, see `qemu/init`). In `cargo xtask test`
//!    the VMs do not wait for the other tiers: each boots as soon as its build is done, beside
//!    the host tier and qemu-user ([`schedule`](super::schedule));
//! 4. read the console ([`judge`]): per binary, its `--list` count and its libtest output;
//!    each must report every test it has and exit 0 ([`account`]). In the VM every test must
//!    run: one that printed `skipped:` is a failure, unless its binary and name are on
//!    [`ALLOWED_SKIPS`] with that reason (something the guest genuinely lacks; a kernel too
//!    old for a feature only with `Linux x.y` in the reason) and its name does not start with
//!    `vm_smoke_` (those never skip here). The kernel's log (`dmesg`,
//!    printed at the end) fails the row on an oops, a BUG or a WARN taken during the run
//!    ([`kernel_trouble`]).

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::apt::{why_not, Apt, HostSources};
use super::build::{build, Built, TEST_LIMIT};
use super::cpio::Cpio;
use super::elf;
use super::proc::{run_watched, tail, Finished};
use super::targets::{ExtraKernel, Target};
use super::{skip_note, Ws};
use crate::report::{account, panics, Counts, Exit, Report, Row, Tier};

mod guest;
mod initramfs;
mod judge;
mod kernel;
mod pool;
mod skips;
#[cfg(test)]
mod tests;

use guest::*;
use initramfs::*;
use judge::*;
use kernel::*;
use skips::*;

pub(super) use pool::run_pool;
pub use pool::BusyLane;

pub(super) const TIER: Tier = Tier::Vm;
/// The guest must reach /init by then (about 2-6 s normally).
const BOOT_LIMIT: Duration = Duration::from_secs(120);
/// Nothing at all on the console for this long: the guest hung.
const SILENCE_LIMIT: Duration = Duration::from_secs(TEST_LIMIT.as_secs() + 60);
/// The machines (target names) that get two SJA1000-based PCI CAN cards (QEMU's `kvaser_pci`)
/// on one shared `can-bus`, which the guest's `kvaser_pci` driver makes can0 and can1. They
/// need a PCI bus with I/O space the driver can map: x86_64's `q35`, aarch64's and riscv64's
/// `virt` (measured). armv7's `virt` assigns the cards' I/O BARs but `kvaser_pci` stops after
/// "enabling device" with no can0; s390x has no `kvaser_pci` in QEMU (qemu/README.md has the
/// rest).
const KVASER_MACHINES: &[&str] = &["x86_64", "i686", "aarch64", "riscv64"];

/// QEMU's arguments for the two `kvaser_pci` cards on one bus.
const KVASER_ARGS: [&str; 6] = [
    "-object",
    "can-bus,id=canbus0",
    "-device",
    "kvaser_pci,canbus=canbus0",
    "-device",
    "kvaser_pci,canbus=canbus0",
];

/// Whether the VM of `t` gets the `kvaser_pci` cards.
fn has_kvaser(t: &Target) -> bool {
    KVASER_MACHINES.contains(&t.name.as_str())
}

/// One VM row: a target and the kernel it boots (its own, or one of its `[[vm.kernels]]`).
#[derive(Clone, Copy)]
pub(super) struct Run<'t> {
    pub(super) t: &'t Target,
    /// `None`: the target's own kernel, from its `[vm] suites`.
    pub(super) kernel: Option<&'t ExtraKernel>,
}

impl<'t> Run<'t> {
    /// The runs of `t`: its own kernel first, then each of its `[[vm.kernels]]`.
    pub(super) fn all(t: &'t Target) -> Vec<Run<'t>> {
        std::iter::once(None)
            .chain(t.vm.kernels.iter().map(Some))
            .map(|kernel| Run { t, kernel })
            .collect()
    }

    /// The step `base` of this run: `test`, or `test 5.10` for an extra kernel named `5.10`.
    pub(super) fn step(&self, base: &str) -> String {
        step_name(base, self.kernel.map(|k| k.name.as_str()))
    }

    /// The suites the kernel comes from.
    pub(super) fn kernel_suites(&self) -> &'t [String] {
        self.kernel.map_or(&self.t.vm.suites, |k| &k.suites)
    }

    /// The kernel's metapackage.
    pub(super) fn kernel_package(&self) -> &'t str {
        self.kernel
            .and_then(|k| k.kernel_package.as_deref())
            .unwrap_or(&self.t.vm.kernel_package)
    }

    /// This run's cache directory: `vm/<arch>`, or `vm/<arch>@<kernel>` for an extra kernel.
    pub(super) fn dir(&self, ws: &Ws) -> PathBuf {
        ws.cache.join("vm").join(self.label("@"))
    }

    /// `x86_64`, or `x86_64<sep>5.10`.
    pub(super) fn label(&self, sep: &str) -> String {
        match self.kernel {
            None => self.t.name.clone(),
            Some(k) => format!("{}{sep}{}", self.t.name, k.name),
        }
    }
}

/// `base`, or `base <kernel>` for the row of an extra kernel.
pub(super) fn step_name(base: &str, kernel: Option<&str>) -> String {
    match kernel {
        None => base.to_owned(),
        Some(k) => format!("{base} {k}"),
    }
}

pub(super) fn row(arch: &str, step: &str, ok: bool, time: Duration, note: String) -> Row {
    Row::new(Tier::Vm, arch, step, ok, time, note)
}

/// One VM row: its guest (`fetched`: see [`pool`]), then its build, then the boot.
fn run_one(
    ws: &Ws,
    run: Run,
    fetched: Result<(Guest, Option<Duration>), (String, Duration)>,
    report: &mut Report,
) -> Row {
    let t = run.t;
    let test = run.step("test");
    let guest = match fetched {
        Ok((guest, fetched)) => {
            if let Some(time) = fetched {
                report.push(row(
                    &t.name,
                    &run.step("fetch"),
                    true,
                    time,
                    guest.describe(),
                ));
            }
            guest
        }
        Err((e, time)) => return row(&t.name, &run.step("fetch"), false, time, e),
    };
    let built = build(ws, t);
    let Ok(built) = built.as_ref() else {
        return row(
            &t.name,
            &test,
            false,
            Duration::ZERO,
            "not run: the build failed".into(),
        );
    };
    // The no_std echoes go into the initramfs: without them the VM still runs every other test,
    // but the row fails (and the echo tests, finding no program, skip where they must not).
    let mut problems = Vec::new();
    let dir = run.dir(ws);
    let echoes = match super::echo::wait_built(&t.name).and_then(|()| strip_echoes(ws, t, &dir)) {
        Ok(echoes) => echoes,
        Err(e) => {
            problems.push(format!("no no_std echo in the guest: {e}"));
            Vec::new()
        }
    };
    let start = Instant::now();
    let (initrd, mut warnings) = match initramfs(ws, t, &dir, &guest, built, &echoes) {
        Ok(x) => x,
        Err(e) => {
            return row(
                &t.name,
                &test,
                false,
                start.elapsed(),
                format!("initramfs: {e}"),
            )
        }
    };
    eprintln!(
        "xtask: [{} / {TIER} / {test}] booting kernel {} under TCG",
        t.name, guest.release
    );
    let limit =
        Duration::from_secs(60) + (TEST_LIMIT + Duration::from_secs(10)) * built.bins.len() as u32;
    let (done, console) = match boot(run, &guest, &initrd, limit, &mut warnings) {
        Ok(x) => x,
        Err(e) => return row(&t.name, &test, false, start.elapsed(), e),
    };
    let log = ws.log(&format!("{TIER}-{}.log", run.label("-")), &console);

    let names: Vec<&str> = built.bins.iter().map(|b| b.name.as_str()).collect();
    let judged = judge(&t.name, &console, &names, &guest.release);
    verdict(
        run, &guest, judged, &done, &console, &log, problems, warnings,
    )
    .time(start.elapsed())
}

/// Boots the guest of `t` until it powers off, `limit` passes or it goes silent (see
/// [`Watch`]); its console, without carriage returns. A guest that hangs before /init (seen
/// now and then under TCG, before any test ran) is booted once more, and `warnings` says so;
/// a run that reached /init is never repeated, whatever its result.
fn boot(
    run: Run,
    guest: &Guest,
    initrd: &Path,
    limit: Duration,
    warnings: &mut Vec<String>,
) -> Result<(Finished, String), String> {
    let t = run.t;
    let mut attempt = 0;
    loop {
        attempt += 1;
        let mut cmd = qemu_command(run, guest, initrd);
        let mut watch = Watch::default();
        let done = run_watched(&mut cmd, &mut |out, elapsed| {
            watch.check(out, elapsed, limit)
        })
        .map_err(|e| format!("{}: {e}", t.vm.qemu))?;
        let console = done.output.replace('\r', "");
        let reached_init = console
            .lines()
            .any(|l| l.trim().starts_with("@@xtask boot"));
        if reached_init || attempt == 2 {
            return Ok((done, console));
        }
        eprintln!(
            "xtask: [{} / {TIER} / {}] the guest hung before /init; booting it once more",
            t.name,
            run.step("test")
        );
        warnings.push("the first boot hung before /init and was retried".to_owned());
    }
}

/// The test row of `t` from what its console says (`judged`), with the `problems` and
/// `warnings` found before the boot; its time is the caller's to set.
#[allow(clippy::too_many_arguments)]
fn verdict(
    run: Run,
    guest: &Guest,
    judged: Judged,
    done: &Finished,
    console: &str,
    log: &Path,
    mut problems: Vec<String>,
    mut warnings: Vec<String>,
) -> Row {
    let t = run.t;
    if !judged.booted {
        problems.push("the guest never reached /init".to_owned());
    } else if !judged.finished {
        problems.push(format!("the guest did not finish ({})", done.describe()));
    }
    problems.extend(judged.problems);
    // A target's own row on a fallback suite's kernel still runs, but says so: the matrix
    // wants the first suite's (Debian's stable release).
    let first = run.kernel_suites().first();
    if let Some(first) = first.filter(|f| run.kernel.is_none() && **f != guest.kernel_suite) {
        warnings.push(format!(
            "the kernel is {}'s, not {first}'s (see the fetch row)",
            guest.kernel_suite
        ));
    }
    warnings.extend(judged.warnings);
    let counts = judged.counts;
    let ok = problems.is_empty() && counts.failed == 0;
    if !ok {
        problems.extend(panics(console, 3));
    }
    if !ok {
        eprintln!(
            "xtask: [{} / {TIER} / {}] console (last 60 lines; all in {}):\n{}",
            t.name,
            run.step("test"),
            log.display(),
            tail(console, 60)
        );
    }
    let mut notes = vec![format!(
        "kernel {} ({}), {}",
        guest.release,
        guest.kernel_suite,
        guest.can_utils_version()
    )];
    notes.extend(problems);
    notes.extend(warnings.into_iter().map(|w| format!("warning: {w}")));
    let skips = skip_note(console);
    if !skips.is_empty() {
        notes.push(skips);
    }
    if !ok {
        notes.push(format!("log: {}", log.display()));
    }
    Row::new(
        Tier::Vm,
        &t.name,
        run.step("test"),
        ok,
        Duration::ZERO,
        notes.join("; "),
    )
    .tests(counts, judged.ran)
}

/// Decides, every 20 ms, whether the VM has to be stopped.
#[derive(Default)]
struct Watch {
    last_len: usize,
    last_change: Duration,
    booted: bool,
    done_at: Option<Duration>,
}

impl Watch {
    fn check(&mut self, out: &[u8], elapsed: Duration, limit: Duration) -> Option<String> {
        if out.len() != self.last_len {
            // Look for the markers in what is new (and a marker's length before it).
            let new = &out[self.last_len.saturating_sub(16)..];
            let has = |needle: &[u8]| new.windows(needle.len()).any(|w| w == needle);
            self.booted |= has(b"@@xtask boot");
            if self.done_at.is_none() && has(b"@@xtask done") {
                self.done_at = Some(elapsed);
            }
            self.last_len = out.len();
            self.last_change = elapsed;
        }
        if let Some(at) = self.done_at {
            // `poweroff -f` normally ends qemu at once.
            return (elapsed > at + Duration::from_secs(20))
                .then(|| "finished but did not power off".into());
        }
        if elapsed > limit {
            return Some(format!(
                "still running after the {} s limit",
                limit.as_secs()
            ));
        }
        if elapsed > BOOT_LIMIT && !self.booted {
            return Some(format!("did not reach /init in {} s", BOOT_LIMIT.as_secs()));
        }
        if elapsed - self.last_change > SILENCE_LIMIT {
            return Some(format!(
                "no console output for {} s",
                SILENCE_LIMIT.as_secs()
            ));
        }
        None
    }
}

/// The guest's memory, in MiB, for the initramfs `initrd`: 1 GiB, or 2 GiB for one over
/// 200 MB. The initramfs holds every test binary and is unpacked into RAM beside itself: at
/// 1 GiB powerpc64le's (330 MB; its binaries are 2.6x x86_64's) failed to unpack
/// ("Initramfs unpacking failed: write error"). Not 2 GiB for all: i686's 32-bit kernel (before
/// it booted the amd64 one) then hung before `/init`. TCG takes the host's memory only as the guest touches it.
fn guest_memory(initrd: &Path) -> &'static str {
    match fs::metadata(initrd) {
        Ok(m) if m.len() > 200 << 20 => "2048",
        _ => "1024",
    }
}

fn qemu_command(run: Run, guest: &Guest, initrd: &Path) -> Command {
    let t = run.t;
    let machine = run
        .kernel
        .and_then(|k| k.machine.as_ref())
        .unwrap_or(&t.vm.machine);
    let extra = run
        .kernel
        .and_then(|k| k.append.as_deref())
        .unwrap_or(&t.vm.append);
    let mut append = Vec::new();
    if !t.vm.console.is_empty() {
        append.push(format!("console={}", t.vm.console));
    }
    append.extend(["quiet", "panic=-1", "rdinit=/init"].map(String::from));
    append.extend(extra.split_whitespace().map(String::from));
    let mut cmd = Command::new(&t.vm.qemu);
    cmd.args(["-accel", "tcg", "-m", guest_memory(initrd), "-smp", "1"])
        // The console on stdio; no display, no monitor, no network card, no reboot (a
        // kernel panic reboots at once with panic=-1, so qemu exits).
        .args([
            "-display", "none", "-serial", "stdio", "-monitor", "none", "-nic", "none",
        ])
        .args(["-no-reboot", "-no-user-config"])
        .args(machine)
        .args(if has_kvaser(t) { &KVASER_ARGS[..] } else { &[] })
        .arg("-kernel")
        .arg(&guest.kernel)
        .arg("-initrd")
        .arg(initrd)
        .arg("-append")
        .arg(append.join(" "));
    cmd
}
