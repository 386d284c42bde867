//! Tier 3: the test binaries in a real Debian kernel of each architecture, booted under TCG.
//!
//! Per architecture:
//! 1. fetch (once, cached in `target/xtask-cache/vm/<arch>/`) the Debian kernel package,
//!    `busybox-static`, `can-utils` and `libc6` with a private apt state, and unpack the
//!    kernel image, the networking modules, busybox, and the CAN tools with the loader and
//!    libraries they need (on [`PYTHON_MACHINES`] also Debian's python3 and its standard
//!    library);
//! 2. build the initramfs: one cpio with busybox, `qemu/init`, the modules of
//!    `qemu/modules.txt` (plus their dependencies, in order), can-utils under
//!    `/opt/can-utils` with a wrapper per tool in `/bin`, the gnu targets' loader and
//!    libraries; a second cpio, appended, with this run's test binaries and the stripped
//!    no_std echo servers ([`GUEST_ECHOES`], waited for: a failed echo build fails the row);
//!    the machines of [`KVASER_MACHINES`] also get two `kvaser_pci` CAN cards on one bus;
//! 3. boot it under TCG (never KVM), as many VMs at once as there are cores ([`vm_jobs`]; each
//!    is one single-threaded process whose tests spend much of their time waiting: when the VMs
//!    ran alone, three at once on two cores took 420 s for the seven, two at once about 630 s,
//!    but the other tiers now fill that idle time; `XTASK_VM_JOBS` overrides), with time limits so a hung guest fails
//!    the row instead of hanging CI; the init script runs every test binary as root and
//!    reports on the console (markers `@@xtask ...`, see `qemu/init`). In `cargo xtask test`
//!    the VMs do not wait for the other tiers: each boots as soon as its build is done, beside
//!    the host tier and qemu-user ([`schedule`](super::schedule));
//! 4. read the console ([`judge`]): per binary, its `--list` count and its libtest output;
//!    each must report every test it has and exit 0 ([`account`]). In the VM every test must
//!    run: one that printed `skipped:` is a failure, unless its binary and name are on
//!    [`ALLOWED_SKIPS`] with that reason (something the guest genuinely lacks) and its name
//!    does not start with `vm_smoke_` (those never skip here). The kernel's log (`dmesg`,
//!    printed at the end) fails the row on an oops, a BUG or a WARN taken during the run
//!    ([`kernel_trouble`]).

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::apt::{first_suite, Apt};
use super::build::{build, Built, TEST_LIMIT};
use super::cpio::Cpio;
use super::elf;
use super::proc::{run_watched, tail};
use super::targets::Target;
use super::{skip_note, Ws};
use crate::report::{account, panics, Counts, Exit, Report, Row};

pub(super) const TIER: &str = "vm";
/// The guest must reach /init by then (about 2-6 s normally).
const BOOT_LIMIT: Duration = Duration::from_secs(120);
/// Nothing at all on the console for this long: the guest hung.
const SILENCE_LIMIT: Duration = Duration::from_secs(TEST_LIMIT.as_secs() + 60);
/// Tests whose names start with this must run in the VM: not even an allowed reason excuses
/// their skip.
const MUST_RUN_PREFIX: &str = "vm_smoke_";

/// A skip that does not fail a VM row: one of `tests` of the test binary `binary` skipped
/// with a reason starting with `reason`, in a guest kernel older than `before_kernel` (any
/// kernel when `None`). Another test skipping for the same reason, or the same test in another
/// binary, fails the row.
struct AllowedSkip {
    /// The test binary as the build names it: `resolve`, `baresock-lib`.
    binary: &'static str,
    /// Test names as libtest prints them (`module::test` inside the library).
    tests: &'static [&'static str],
    reason: &'static str,
    before_kernel: Option<(u32, u32)>,
    /// The machines (target names) where this skip fails the row all the same: those that
    /// have what the others lack.
    not_on: &'static [&'static str],
}

/// The only skips a VM row accepts. Every one is something the guest genuinely does not have;
/// any other skip there fails the row, so a test that gives up in the VM is seen.
const ALLOWED_SKIPS: &[AllowedSkip] = &[
    // The resolver's DNS tests start Debian's dnsmasq; the guest has none (they run on the
    // host tier, and under qemu-user with the host's dnsmasq).
    AllowedSkip {
        binary: "dnsmasq_fixture",
        tests: &[
            "addresses_of_both_families_with_their_ttl",
            "cname_chain_in_one_answer",
            "nxdomain_and_empty_answers",
            "reverse_lookups",
            "search_list_finds_the_short_name_under_the_second_domain",
            "servfail_and_refused",
            "tcp_answers_the_other_cases_too",
            "too_big_for_udp_is_truncated_and_whole_over_tcp",
            "zones_can_grow_and_servers_run_side_by_side",
        ],
        reason: "dnsmasq is not installed",
        before_kernel: None,
        not_on: &[],
    },
    AllowedSkip {
        binary: "resolve",
        tests: &[
            "a_and_aaaa_from_a_real_server",
            "a_truncated_reply_is_asked_again_over_tcp",
            "aliases_are_followed_to_the_canonical_name",
            "each_answer_kind_has_its_error",
            "name_info_asks_dns_and_can_require_a_name",
            "reverse_lookups_by_ptr",
            "search_list_and_ndots",
        ],
        reason: "dnsmasq is not installed",
        before_kernel: None,
        not_on: &[],
    },
    // Comparing with glibc's getaddrinfo (tests/resolve_glibc.rs) needs getent, unshare, mount
    // and ip from util-linux, iproute2 and glibc; the guest's busybox lacks getent at least
    // (the host tier runs it). The test's reason goes on to name what is missing.
    AllowedSkip {
        binary: "resolve_glibc",
        tests: &[
            "hosts_files_match_glibc",
            "policy_table_differs_for_ula_and_ipv4",
        ],
        reason: "unshare/mount/getent unavailable here",
        before_kernel: None,
        not_on: &[],
    },
    // tests/syscalls_doc.rs checks docs/syscalls.md against src/sys: it reads the source
    // tree, which the guest does not have (the host tier and qemu-user run it).
    AllowedSkip {
        binary: "syscalls_doc",
        tests: &[
            "every_system_call_is_documented_and_every_documented_one_is_made",
            "every_documented_sys_function_exists",
            "nothing_outside_sys_enters_the_kernel",
        ],
        reason: "the source tree is not on this machine",
        before_kernel: None,
        not_on: &[],
    },
    // The initramfs has busybox, can-utils and the tests, and Python only on
    // [`PYTHON_MACHINES`]: elsewhere the test that passes fds to a python3 peer runs on the
    // host tier (on those machines it runs in the VM too).
    AllowedSkip {
        binary: "msg",
        tests: &["fds_pass_to_and_from_python"],
        reason: "no python3 on this machine",
        before_kernel: None,
        not_on: &[],
    },
    // CAN XL came with Linux 6.2: older guest kernels answer `ENOPROTOOPT`, which the
    // test checks before it skips. From 6.2 on it must run.
    AllowedSkip {
        binary: "can",
        tests: &["xl_frames_where_the_kernel_has_them"],
        reason: "this kernel has no CAN XL",
        before_kernel: Some((6, 2)),
        not_on: &[],
    },
    // Two real CAN controllers (QEMU's SJA1000-based `kvaser_pci`) exist only in the machines
    // of [`KVASER_MACHINES`]; where they are, the test must run.
    AllowedSkip {
        binary: "vm_guest",
        tests: &["kvaser::kvaser_pci_controllers_exchange_frames"],
        reason: "no kvaser_pci controllers",
        before_kernel: None,
        not_on: KVASER_MACHINES,
    },
    // The VMs have the vsock loopback transport, and those of [`PYTHON_MACHINES`] Debian's
    // python3 (the host tier has python3 but no loopback transport): there the Python peer
    // must run.
    AllowedSkip {
        binary: "vsock",
        tests: &["python_peer_both_ways"],
        reason: "no python3 in this VM",
        before_kernel: None,
        not_on: PYTHON_MACHINES,
    },
];

/// The machines (target names) that get two SJA1000-based PCI CAN cards (QEMU's `kvaser_pci`)
/// on one shared `can-bus`, which the guest's `kvaser_pci` driver makes can0 and can1. They
/// need a PCI bus with I/O space the driver can map: x86_64's `q35`, aarch64's and riscv64's
/// `virt` (measured). armv7's `virt` assigns the cards' I/O BARs but `kvaser_pci` stops after
/// "enabling device" with no can0; s390x has no `kvaser_pci` in QEMU (qemu/README.md has the
/// rest).
const KVASER_MACHINES: &[&str] = &["x86_64", "aarch64", "riscv64"];

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

/// The no_std programs (`examples/nostd-echo`) put, stripped, into the guest's
/// [`ECHO_DIR`]: `qemu/init` exports each one's path to the tests (tests/vm_guest.rs runs
/// the echo servers against 1,000 TCP connections and a UDP client inside the guest, and
/// `nostd-ip`'s commands against the library's view of their effect).
const GUEST_ECHOES: [&str; 3] = [
    super::echo::ECHO,
    super::async_echo::ASYNC_ECHO,
    super::nostd_ip::NOSTD_IP,
];
/// Where the guest has the [`GUEST_ECHOES`].
const ECHO_DIR: &str = "opt/echo";

/// Whether the skip of `test` of the binary `binary` with `reason` is accepted in the guest of
/// target `arch` running `release` (`6.1.0-50-amd64`).
fn skip_allowed(arch: &str, binary: &str, test: &str, reason: &str, release: &str) -> bool {
    let short = test.rsplit("::").next().unwrap_or(test);
    if short.starts_with(MUST_RUN_PREFIX) {
        return false;
    }
    let kernel = kernel_version(release);
    ALLOWED_SKIPS.iter().any(|a| {
        a.binary == binary
            && a.tests.contains(&test)
            && reason.starts_with(a.reason)
            && !a.not_on.contains(&arch)
            && a.before_kernel
                .is_none_or(|before| kernel.is_some_and(|k| k < before))
    })
}

/// `(major, minor)` of a kernel release string: `6.1.0-50-amd64` gives `(6, 1)`.
fn kernel_version(release: &str) -> Option<(u32, u32)> {
    let mut parts = release.split(|c: char| !c.is_ascii_digit());
    let major = parts.next()?.parse().ok()?;
    let minor = parts.next()?.parse().ok()?;
    Some((major, minor))
}
/// The glibc libraries a Rust test binary may load, besides the loader (`ld*.so*`).
const GNU_LIBS: &[&str] = &[
    "libc.so.6",
    "libm.so.6",
    "libgcc_s.so.1",
    "libpthread.so.0",
    "libdl.so.2",
    "librt.so.1",
    "libutil.so.1",
    "libresolv.so.2",
    "libnss_files.so.2",
    "libnss_dns.so.2",
];
/// Fetched with the kernel, from the same suite: the CAN tools the tests talk to, and the C
/// library they are linked against (the initramfs has none of its own for musl targets).
const CAN_UTILS_PACKAGES: [&str; 2] = ["can-utils", "libc6"];
/// Where can-utils lives in the guest: `bin/` the tools, `lib/` Debian's loader and libraries,
/// apart from the gnu targets' own in `/lib` (two glibc builds must never mix).
const CAN_UTILS_DIR: &str = "opt/can-utils";
/// Fetched with can-utils: iproute2 (its `ip`, which the kvaser test reads a CAN link's bit
/// timing back with: busybox's `ip` has no `-details`) and the libraries `ip` needs, each
/// `a|b` the first name the suite has (trixie renamed libelf1 for the 64-bit time_t move).
/// Only the libraries `ip` and they name are copied (trixie's `ip` also links libselinux,
/// which links libpcre2-8; bookworm's links neither, and they are left out of its guests).
const IPROUTE2_PACKAGES: [&str; 11] = [
    "iproute2",
    "libbpf1",
    "libelf1|libelf1t64",
    "libmnl0",
    "libbsd0",
    "libmd0",
    "libcap2",
    "zlib1g",
    "libzstd1",
    "libselinux1",
    "libpcre2-8-0",
];
/// The guest's wrapper of Debian's `ip` (`/bin/iproute2-ip`): busybox's `ip` keeps `/bin/ip`.
const IPROUTE2_WRAPPER: &str = "iproute2-ip";
/// The machines whose guest also gets Debian's python3 (`/bin/python3`), for the tests with a
/// Python peer (tests/vsock.rs): one is enough, the interpreter is 13 MB.
const PYTHON_MACHINES: &[&str] = &["x86_64"];
/// Fetched with can-utils on [`PYTHON_MACHINES`]: the interpreter (`_socket` is built into
/// it), its standard library, and the expat it links (zlib comes with iproute2's libraries);
/// `a|b` bookworm's or trixie's name.
const PYTHON_PACKAGES: [&str; 3] = [
    "python3.11-minimal|python3.13-minimal",
    "libpython3.11-minimal|libpython3.13-minimal",
    "libexpat1",
];

/// Runs the VM of each of `list` (the test row saying why not for those in `missing`),
/// [`vm_jobs`] at once, in `list`'s order: each fetches its guest, waits for its build if that
/// is still being made, then boots. Returns each target's rows (fetch, test), in `list`'s order.
pub(super) fn run_pool(
    ws: &Ws,
    list: &[Target],
    missing: &BTreeMap<String, String>,
) -> Vec<Vec<Row>> {
    // Each VM is one single-threaded TCG process: see the module's docs for how many at once.
    let jobs = vm_jobs();
    let next = AtomicUsize::new(0);
    let done: Mutex<Vec<(usize, Vec<Row>)>> = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..jobs.min(list.len()) {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(t) = list.get(i) else { break };
                let mut rows = Report::default();
                match missing.get(&t.name) {
                    Some(why) => {
                        rows.push(row(&t.name, "test", false, Duration::ZERO, why.clone()))
                    }
                    None => {
                        let r = run_one(ws, t, &mut rows);
                        rows.push(r);
                    }
                }
                done.lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .push((i, rows.rows));
            });
        }
    });
    let mut done = done.into_inner().unwrap_or_else(|p| p.into_inner());
    done.sort_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, rows)| rows).collect()
}

/// How many VMs run at once: `XTASK_VM_JOBS`, else as many as there are cores. On its own a
/// single-vCPU TCG guest leaves its core idle while its tests wait on timeouts and peers (one
/// VM more than the cores filled that), but in `cargo xtask test` the host tier, qemu-user
/// and the builds fill it now; a third VM beside them starved the guests (the lib tests of the
/// s390x and powerpc64le VMs passed their 120 s limit on two cores).
fn vm_jobs() -> usize {
    std::env::var("XTASK_VM_JOBS")
        .ok()
        .and_then(|j| j.parse().ok())
        .filter(|&j| j > 0)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

pub(super) fn row(arch: &str, step: &str, ok: bool, time: Duration, note: String) -> Row {
    Row {
        tests: None,
        arch: arch.into(),
        tier: TIER.into(),
        step: step.into(),
        counts: Counts::default(),
        ok,
        time,
        note,
    }
}

fn run_one(ws: &Ws, t: &Target, report: &mut Report) -> Row {
    // The guest first: fetching it (or finding it cached) goes on while the build is made.
    let start = Instant::now();
    let guest = match Guest::get(ws, t) {
        Ok((guest, fetched)) => {
            if let Some(time) = fetched {
                report.push(row(&t.name, "fetch", true, time, guest.describe()));
            }
            guest
        }
        Err(e) => return row(&t.name, "fetch", false, start.elapsed(), e),
    };
    let built = build(ws, t);
    let Ok(built) = built.as_ref() else {
        return row(
            &t.name,
            "test",
            false,
            Duration::ZERO,
            "not run: the build failed".into(),
        );
    };
    // The no_std echoes go into the initramfs: without them the VM still runs every other test,
    // but the row fails (and the echo tests, finding no program, skip where they must not).
    let mut problems = Vec::new();
    let echoes = match super::echo::wait_built(&t.name).and_then(|()| strip_echoes(ws, t)) {
        Ok(echoes) => echoes,
        Err(e) => {
            problems.push(format!("no no_std echo in the guest: {e}"));
            Vec::new()
        }
    };
    let start = Instant::now();
    let (initrd, mut warnings) = match initramfs(ws, t, &guest, built, &echoes) {
        Ok(x) => x,
        Err(e) => {
            return row(
                &t.name,
                "test",
                false,
                start.elapsed(),
                format!("initramfs: {e}"),
            )
        }
    };
    eprintln!(
        "xtask: [{} / {TIER} / test] booting kernel {} under TCG",
        t.name, guest.release
    );
    let limit =
        Duration::from_secs(60) + (TEST_LIMIT + Duration::from_secs(10)) * built.bins.len() as u32;
    // A guest that hangs before /init (seen now and then under TCG, before any test ran) is
    // booted once more; a run that reached /init is never repeated, whatever its result.
    let mut attempt = 0;
    let (done, console) = loop {
        attempt += 1;
        let mut cmd = qemu_command(t, &guest, &initrd);
        let mut watch = Watch::default();
        let done = match run_watched(&mut cmd, &mut |out, elapsed| {
            watch.check(out, elapsed, limit)
        }) {
            Ok(done) => done,
            Err(e) => {
                return row(
                    &t.name,
                    "test",
                    false,
                    start.elapsed(),
                    format!("{}: {e}", t.vm.qemu),
                )
            }
        };
        let console = done.output.replace('\r', "");
        let reached_init = console
            .lines()
            .any(|l| l.trim().starts_with("@@xtask boot"));
        if reached_init || attempt == 2 {
            break (done, console);
        }
        eprintln!(
            "xtask: [{} / {TIER} / test] the guest hung before /init; booting it once more",
            t.name
        );
        warnings.push("the first boot hung before /init and was retried".to_owned());
    };
    let log = ws.log(&format!("{TIER}-{}.log", t.name), &console);

    let names: Vec<&str> = built.bins.iter().map(|b| b.name.as_str()).collect();
    let judged = judge(&t.name, &console, &names, &guest.release);
    if !judged.booted {
        problems.push("the guest never reached /init".to_owned());
    } else if !judged.finished {
        problems.push(format!("the guest did not finish ({})", done.describe()));
    }
    problems.extend(judged.problems);
    warnings.extend(judged.warnings);
    let counts = judged.counts;
    let ok = problems.is_empty() && counts.failed == 0;
    if !ok {
        problems.extend(panics(&console, 3));
    }
    if !ok {
        eprintln!(
            "xtask: [{} / {TIER}] console (last 60 lines; all in {}):\n{}",
            t.name,
            log.display(),
            tail(&console, 60)
        );
    }
    let mut notes = vec![format!(
        "kernel {}, {}",
        guest.release,
        guest.can_utils_version()
    )];
    notes.extend(problems);
    notes.extend(warnings.into_iter().map(|w| format!("warning: {w}")));
    let skips = skip_note(&console);
    if !skips.is_empty() {
        notes.push(skips);
    }
    if !ok {
        notes.push(format!("log: {}", log.display()));
    }
    Row {
        tests: Some(judged.ran),
        arch: t.name.clone(),
        tier: TIER.into(),
        step: "test".into(),
        counts,
        ok,
        time: start.elapsed(),
        note: notes.join("; "),
    }
}

/// What the console of one VM run says.
#[derive(Debug, Default)]
struct Judged {
    booted: bool,
    finished: bool,
    counts: Counts,
    /// The tests that ran, `<binary>::<test>`.
    ran: Vec<String>,
    /// What fails the row (besides failed tests).
    problems: Vec<String>,
    warnings: Vec<String>,
}

/// Reads a VM's console (the markers of `qemu/init`): each of `binaries` must have run and
/// been accounted for ([`account`]: a report covering its `--list` count, exit 0), its skips
/// must be on [`ALLOWED_SKIPS`] for that binary and test, and the kernel's log must show no
/// oops, BUG or WARN taken during the run ([`kernel_trouble`]).
fn judge(arch: &str, console: &str, binaries: &[&str], release: &str) -> Judged {
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
const RUN_STARTS: &str = "xtask: the run starts";

/// What the kernel says when it hits a bug: an oops, `BUG()`, `WARN()`, a fault in kernel
/// mode, a panic, and the stack dump (`Call Trace:`) that also comes with lockups and stalls.
const KERNEL_TROUBLE: &[&str] = &[
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
fn is_printk(line: &str) -> bool {
    kernel_text(line).is_some()
}

/// The message of a kernel log line, without its `<level>` and `[  time]`; `None` when the
/// line has no timestamp (a continuation line of a multi-line message has one too).
fn kernel_text(line: &str) -> Option<&str> {
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
fn kernel_trouble(log: &str) -> (Option<String>, Option<String>) {
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
/// ("Initramfs unpacking failed: write error"). Not 2 GiB for all: i686's 32-bit kernel then
/// hung before `/init`. TCG takes the host's memory only as the guest touches it.
fn guest_memory(initrd: &Path) -> &'static str {
    match fs::metadata(initrd) {
        Ok(m) if m.len() > 200 << 20 => "2048",
        _ => "1024",
    }
}

fn qemu_command(t: &Target, guest: &Guest, initrd: &Path) -> Command {
    let mut append = Vec::new();
    if !t.vm.console.is_empty() {
        append.push(format!("console={}", t.vm.console));
    }
    append.extend(["quiet", "panic=-1", "rdinit=/init"].map(String::from));
    append.extend(t.vm.append.split_whitespace().map(String::from));
    let mut cmd = Command::new(&t.vm.qemu);
    cmd.args(["-accel", "tcg", "-m", guest_memory(initrd), "-smp", "1"])
        // The console on stdio; no display, no monitor, no network card, no reboot (a
        // kernel panic reboots at once with panic=-1, so qemu exits).
        .args([
            "-display", "none", "-serial", "stdio", "-monitor", "none", "-nic", "none",
        ])
        .args(["-no-reboot", "-no-user-config"])
        .args(&t.vm.machine)
        .args(if has_kvaser(t) { &KVASER_ARGS[..] } else { &[] })
        .arg("-kernel")
        .arg(&guest.kernel)
        .arg("-initrd")
        .arg(initrd)
        .arg("-append")
        .arg(append.join(" "));
    cmd
}

/// A kernel and busybox of one architecture, unpacked in the cache.
struct Guest {
    kernel: PathBuf,
    busybox: PathBuf,
    /// The unpacked `lib/modules/<release>` directory.
    modules: PathBuf,
    release: String,
    /// `linux-image-6.1.0-50-arm64 6.1.176-1 (bookworm)`.
    source: String,
    /// The unpacked can-utils: `bin/` (the tools) and `lib/` (the loader and libraries).
    can_utils: PathBuf,
    /// The loader's file name in `can_utils/lib` (`ld-linux-x86-64.so.2`).
    loader: String,
    /// `can-utils 2020.11.0-1, libc6 2.36-9+deb12u14`.
    can_utils_source: String,
}

impl Guest {
    fn describe(&self) -> String {
        format!("{}; {}", self.source, self.can_utils_source)
    }

    /// `can-utils 2020.11.0-1`.
    fn can_utils_version(&self) -> &str {
        let s = &self.can_utils_source;
        s.split(',').next().unwrap_or(s)
    }

    /// The cached guest of `t`, or a freshly fetched one (then with the time it took).
    fn get(ws: &Ws, t: &Target) -> Result<(Guest, Option<Duration>), String> {
        let dir = ws.cache.join("vm").join(&t.name);
        let stamp = dir.join("guest.txt");
        // What the cache holds must match what the data file asks for.
        let key = format!(
            "{} {} {} decompress={} with={}",
            t.vm.debian_arch,
            t.vm.suites.join(","),
            t.vm.kernel_package,
            t.vm.decompress_kernel,
            CAN_UTILS_PACKAGES.join(","),
        ) + " "
            + &IPROUTE2_PACKAGES.join(",")
            + &python_key(t);
        if let Ok(text) = fs::read_to_string(&stamp) {
            let field = |k: &str| super::stamp_field(&text, k);
            if field("key=") == key {
                let g = Guest {
                    kernel: dir.join(field("kernel=")),
                    busybox: dir.join(field("busybox=")),
                    modules: dir.join(field("modules=")),
                    release: field("release="),
                    source: field("source="),
                    can_utils: dir.join(field("can_utils=")),
                    loader: field("loader="),
                    can_utils_source: field("can_utils_source="),
                };
                let loader = g.can_utils.join("lib").join(&g.loader);
                let python = !wants_python(t) || g.can_utils.join("bin/python3").is_file();
                if g.kernel.is_file()
                    && python
                    && g.can_utils.join("bin/ip").is_file()
                    && g.busybox.is_file()
                    && g.modules.is_dir()
                    && !g.loader.is_empty()
                    && loader.is_file()
                {
                    return Ok((g, None));
                }
            }
        }
        let start = Instant::now();
        eprintln!(
            "xtask: fetching the {} kernel, busybox and can-utils ({})",
            t.vm.debian_arch, t.vm.kernel_package
        );
        let _ = fs::remove_dir_all(&dir);
        let mut g = fetch(ws, t, &dir)?;
        if t.vm.decompress_kernel {
            let elf = dir.join("vmlinux-pvh");
            extract_pvh_elf(&g.kernel, &elf)?;
            g.kernel = elf;
        }
        let rel = |p: &Path| p.strip_prefix(&dir).unwrap_or(p).display().to_string();
        let text = format!(
            "key={key}\nkernel={}\nbusybox={}\nmodules={}\nrelease={}\nsource={}\n\
             can_utils={}\nloader={}\ncan_utils_source={}\n",
            rel(&g.kernel),
            rel(&g.busybox),
            rel(&g.modules),
            g.release,
            g.source,
            rel(&g.can_utils),
            g.loader,
            g.can_utils_source
        );
        fs::write(&stamp, text).map_err(|e| format!("{}: {e}", stamp.display()))?;
        Ok((g, Some(start.elapsed())))
    }
}

/// Downloads and unpacks the guest of `t` into `dir`, from the first of its suites that has
/// it.
fn fetch(ws: &Ws, t: &Target, dir: &Path) -> Result<Guest, String> {
    let (apt, suite, (mut packages, version)) = first_suite(
        &ws.cache,
        &t.vm.debian_arch,
        &t.vm.suites,
        &t.vm.kernel_package,
        |apt| {
            let packages = apt.resolve_kernel(&t.vm.kernel_package)?;
            let version = apt.version(&packages[0]).unwrap_or_default();
            apt.show("busybox-static")?;
            Ok((packages, version))
        },
    )?;
    let debs = dir.join("debs");
    let source = format!("{} {version} ({suite})", packages[0]);
    packages.push("busybox-static".into());
    apt.download(&packages, &debs)?;
    let guest = unpack(dir, &debs)?;
    let _ = fs::remove_dir_all(&debs);
    // can-utils and its libc from the suite the kernel came from.
    let mut iproute2 = iproute2_packages(&apt)?;
    if wants_python(t) {
        iproute2.extend(first_of_each(&apt, &PYTHON_PACKAGES)?);
    }
    let (can_utils, loader) = fetch_can_utils(&apt, dir, &iproute2)?;
    let can_utils_source = CAN_UTILS_PACKAGES
        .iter()
        .chain(["iproute2"].iter())
        .map(|p| Ok(format!("{p} {}", apt.version(p)?)))
        .collect::<Result<Vec<_>, String>>()?
        .join(", ");
    Ok(Guest {
        source,
        can_utils,
        loader,
        can_utils_source,
        ..guest
    })
}

/// Unpacks the kernel image, the networking modules and busybox from the packages in `debs`.
fn unpack(dir: &Path, debs: &Path) -> Result<Guest, String> {
    let root = dir.join("root");
    fs::create_dir_all(&root).map_err(|e| e.to_string())?;
    let entries = fs::read_dir(debs).map_err(|e| format!("{}: {e}", debs.display()))?;
    for deb in entries.flatten().map(|e| e.path()) {
        let name = deb
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        if name.starts_with("busybox") {
            let mut cmd = Command::new("dpkg-deb");
            cmd.arg("-x").arg(&deb).arg(&root);
            super::proc::run_stdout(&mut cmd)?;
        } else {
            // The kernel: its image (in /boot, or since Debian 14 beside its modules), and the
            // modules under kernel/net and kernel/drivers/net (CAN, veth and what they depend
            // on), not the other ~100 MB.
            let mut deb_tar = Command::new("dpkg-deb")
                .arg("--fsys-tarfile")
                .arg(&deb)
                .stdout(Stdio::piped())
                .spawn()
                .map_err(|e| format!("dpkg-deb: {e}"))?;
            // tar exits 2 when a pattern matched nothing (a split kernel package has its image
            // and its modules in two packages): what counts is what we find afterwards.
            let _ = Command::new("tar")
                .args(["-x", "--wildcards", "-C"])
                .arg(&root)
                .args([
                    "./boot/vmlinu*",
                    "*/modules/*/vmlinu*",
                    "*/kernel/net/*",
                    "*/kernel/drivers/net/*",
                ])
                .arg("*/modules.builtin")
                .stdin(deb_tar.stdout.take().ok_or("dpkg-deb: no stdout")?)
                .stderr(Stdio::null())
                .status()
                .map_err(|e| format!("tar: {e}"))?;
            let status = deb_tar.wait().map_err(|e| format!("dpkg-deb: {e}"))?;
            if !status.success() {
                return Err(format!("dpkg-deb --fsys-tarfile {name} failed ({status})"));
            }
        }
    }
    // Compressed modules (trixie and later): decompress once, here.
    let mut compressed: Vec<PathBuf> = Vec::new();
    walk(&root, &mut |p| {
        let n = p.to_string_lossy();
        if n.ends_with(".ko.xz") || n.ends_with(".ko.zst") {
            compressed.push(p.to_path_buf());
        }
    });
    for (ext, tool) in [("xz", "xz"), ("zst", "zstd")] {
        let files: Vec<&PathBuf> = compressed
            .iter()
            .filter(|p| p.extension().is_some_and(|e| e == ext))
            .collect();
        if !files.is_empty() {
            let mut cmd = Command::new(tool);
            cmd.args(["-d", "-q", "-f"]).args(files);
            if tool == "zstd" {
                cmd.arg("--rm");
            }
            super::proc::run_stdout(&mut cmd)?;
        }
    }

    let mut kernel = None;
    let mut busybox = None;
    let mut modules = None;
    walk(&root, &mut |p| {
        let name = p.file_name().unwrap_or_default().to_string_lossy();
        let dir_name = |d: Option<&Path>| {
            d.and_then(Path::file_name)
                .map(|n| n.to_string_lossy().into_owned())
        };
        let parent = dir_name(p.parent());
        let grandparent = dir_name(p.parent().and_then(Path::parent));
        // /boot/vmlinuz-<release>, or /usr/lib/modules/<release>/vmlinuz.
        let image_dir =
            parent.as_deref() == Some("boot") || grandparent.as_deref() == Some("modules");
        if image_dir
            && name.starts_with("vmlinu")
            && (name.starts_with("vmlinuz") || kernel.is_none())
        {
            kernel = Some(p.to_path_buf());
        }
        if name == "busybox" && parent.as_deref() == Some("bin") {
            busybox = Some(p.to_path_buf());
        }
        // <...>/modules/<release>/kernel/...: the modules directory is <release>.
        if modules.is_none() && name.contains(".ko") {
            modules = p
                .ancestors()
                .find(|a| {
                    dir_name(Some(a)).as_deref() == Some("kernel")
                        && dir_name(a.parent().and_then(Path::parent)).as_deref() == Some("modules")
                })
                .and_then(Path::parent)
                .map(Path::to_path_buf);
        }
    });
    let kernel = kernel.ok_or("no kernel image in the package")?;
    let busybox = busybox.ok_or("no busybox in busybox-static")?;
    let modules = modules.ok_or("no modules directory in the kernel package")?;
    let release = modules
        .file_name()
        .unwrap_or_default()
        .to_string_lossy()
        .into_owned();
    Ok(Guest {
        kernel,
        busybox,
        modules,
        release,
        source: String::new(),
        can_utils: PathBuf::new(),
        loader: String::new(),
        can_utils_source: String::new(),
    })
}

/// [`IPROUTE2_PACKAGES`] as `apt` names them: of each `a|b`, the first it has.
fn iproute2_packages(apt: &Apt) -> Result<Vec<String>, String> {
    first_of_each(apt, &IPROUTE2_PACKAGES)
}

/// Whether the guest of `t` gets python3 ([`PYTHON_MACHINES`]).
fn wants_python(t: &Target) -> bool {
    PYTHON_MACHINES.contains(&t.name.as_str())
}

/// The python part of the guest cache's key: empty where the guest has none.
fn python_key(t: &Target) -> String {
    if wants_python(t) {
        format!(" {}", PYTHON_PACKAGES.join(","))
    } else {
        String::new()
    }
}

/// Of each `a|b` in `list`, the first package the suite has.
fn first_of_each(apt: &Apt, list: &[&str]) -> Result<Vec<String>, String> {
    list.iter()
        .map(|alts| {
            alts.split('|')
                // A real package, with a version: `apt-cache show` of a purely virtual one
                // (trixie's `libelf1`, provided by `libelf1t64`) succeeds with nothing.
                .find(|p| apt.version(p).is_ok())
                .map(String::from)
                .ok_or_else(|| format!("no package {alts} in this suite"))
        })
        .collect()
}

/// Downloads can-utils and libc6 (and `iproute2`, the packages of iproute2 and the libraries
/// its `ip` needs) and keeps, in `dir/can-utils`, every tool (`bin/`), iproute2's `ip`
/// (`bin/ip`) and only the loader and libraries those name (`lib/`; libc6 has ~10 MB more).
/// Returns that directory and the loader's file name.
fn fetch_can_utils(
    apt: &Apt,
    dir: &Path,
    iproute2: &[String],
) -> Result<(PathBuf, String), String> {
    let debs = dir.join("debs-can-utils");
    let mut packages: Vec<String> = CAN_UTILS_PACKAGES.map(String::from).into();
    packages.extend(iproute2.iter().cloned());
    apt.download(&packages, &debs)?;
    // Each package unpacked apart, so that the tools are exactly can-utils' own.
    let unpacked = dir.join("unpacked");
    fs::create_dir_all(&unpacked).map_err(|e| format!("{}: {e}", unpacked.display()))?;
    for p in &packages {
        let deb = fs::read_dir(&debs)
            .map_err(|e| format!("{}: {e}", debs.display()))?
            .flatten()
            .map(|e| e.path())
            .find(|d| {
                d.file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with(&format!("{p}_")))
            })
            .ok_or_else(|| format!("apt-get download {p}: no .deb"))?;
        // The libraries (libc6's and those of iproute2's `ip`) into one tree; python3 and
        // its standard library into another.
        let into = if p == "can-utils" || p == "iproute2" {
            p.as_str()
        } else if p.starts_with("python3") || p.starts_with("libpython3") {
            "python"
        } else {
            "libc6"
        };
        let mut cmd = Command::new("dpkg-deb");
        cmd.arg("-x").arg(&deb).arg(unpacked.join(into));
        super::proc::run_stdout(&mut cmd)?;
    }
    let out = dir.join("can-utils");
    let loader = select_can_utils(
        &unpacked.join("can-utils"),
        &unpacked.join("iproute2"),
        &unpacked.join("python"),
        &unpacked.join("libc6"),
        &out,
    );
    let _ = fs::remove_dir_all(&unpacked);
    let _ = fs::remove_dir_all(&debs);
    Ok((out, loader?))
}

/// Copies the programs under `tools/usr/bin` to `out/bin`, the `ip` of the unpacked
/// `iproute2` to `out/bin/ip`, and from `libs` the loader they name and the libraries they
/// need to `out/lib`. Returns the loader's file name.
fn select_can_utils(
    tools: &Path,
    iproute2: &Path,
    python: &Path,
    libs: &Path,
    out: &Path,
) -> Result<String, String> {
    let (bin, lib) = (out.join("bin"), out.join("lib"));
    for d in [&bin, &lib] {
        fs::create_dir_all(d).map_err(|e| format!("{}: {e}", d.display()))?;
    }
    let (loader, mut needed) = copy_programs(&tools.join("usr/bin"), &bin)?;
    // `ip` is in /bin (bookworm) or /usr/bin, /usr/sbin (later): the one regular file.
    let mut ip = None;
    walk(iproute2, &mut |p| {
        if p.file_name().is_some_and(|n| n == "ip") {
            ip = Some(p.to_path_buf());
        }
    });
    let ip = ip.ok_or_else(|| format!("{}: no ip", iproute2.display()))?;
    let needs = elf::needs(&read(&ip)?).map_err(|e| format!("{}: {e}", ip.display()))?;
    let interp = needs.interp.unwrap_or_default();
    if interp.rsplit('/').next() != Some(loader.as_str()) {
        return Err(format!(
            "iproute2's ip wants {interp}, not can-utils' {loader}"
        ));
    }
    needed.extend(needs.needed);
    copy(&ip, &bin.join("ip"))?;
    if python.is_dir() {
        needed.extend(select_python(python, &loader, out)?);
    }
    copy_libraries(libs, needed, &lib)?;
    Ok(loader)
}

/// From the unpacked python3 packages in `python`: the interpreter to `out/bin/python3` and
/// its standard library to `out/python/lib/python3.N` (what `PYTHONHOME=out/python` finds).
/// Returns the libraries the interpreter needs.
fn select_python(python: &Path, loader: &str, out: &Path) -> Result<Vec<String>, String> {
    let usr = python.join("usr");
    let mut interpreter = None;
    walk(&usr.join("bin"), &mut |p| {
        let n = p.file_name().unwrap_or_default().to_string_lossy();
        if n.starts_with("python3.") && !n.contains('-') {
            interpreter = Some(p.to_path_buf());
        }
    });
    let interpreter = interpreter.ok_or_else(|| format!("{}: no python3.N", usr.display()))?;
    let version = interpreter
        .file_name()
        .unwrap_or_default()
        .to_string_lossy()
        .into_owned();
    let needs =
        elf::needs(&read(&interpreter)?).map_err(|e| format!("{}: {e}", interpreter.display()))?;
    let interp = needs.interp.unwrap_or_default();
    if interp.rsplit('/').next() != Some(loader) {
        return Err(format!("python3 wants {interp}, not can-utils' {loader}"));
    }
    copy(&interpreter, &out.join("bin/python3"))?;
    let stdlib = usr.join("lib").join(&version);
    let to = out.join("python/lib");
    fs::create_dir_all(&to).map_err(|e| format!("{}: {e}", to.display()))?;
    let mut cmd = Command::new("cp");
    cmd.arg("-r").arg(&stdlib).arg(&to);
    super::proc::run_stdout(&mut cmd)?;
    Ok(needs.needed)
}

/// Copies every program in `from` to `to`; returns the file name of the one loader they all
/// name, and what they need: that loader and their `DT_NEEDED` libraries.
fn copy_programs(from: &Path, to: &Path) -> Result<(String, Vec<String>), String> {
    let mut programs = Vec::new();
    walk(from, &mut |p| programs.push(p.to_path_buf()));
    if programs.is_empty() {
        return Err(format!("{}: no programs", from.display()));
    }
    let mut loaders = BTreeSet::new();
    let mut needed = Vec::new();
    for p in &programs {
        let needs = elf::needs(&read(p)?).map_err(|e| format!("{}: {e}", p.display()))?;
        if let Some(interp) = needs.interp {
            loaders.insert(interp.rsplit('/').next().unwrap_or(&interp).to_owned());
        }
        needed.extend(needs.needed);
        copy(p, &to.join(p.file_name().unwrap_or_default()))?;
    }
    if loaders.len() != 1 {
        return Err(format!("can-utils: not one loader but {loaders:?}"));
    }
    let loader = loaders.pop_first().unwrap_or_default();
    needed.push(loader.clone());
    Ok((loader, needed))
}

/// Copies the libraries named in `needed`, and those they need in turn, from the unpacked
/// package in `libs` to `to`, each under its file name.
fn copy_libraries(libs: &Path, mut needed: Vec<String>, to: &Path) -> Result<(), String> {
    // Where the package has several files of one name (glibc-hwcaps variants), the baseline
    // one, nearest the root. libc6 has a real file of every name; other libraries' sonames
    // (`libcap.so.2`) are symlinks to their real file, taken where it is in `libs`.
    let mut found: BTreeMap<String, PathBuf> = BTreeMap::new();
    walk(libs, &mut |p| {
        let name = p.file_name().unwrap_or_default().to_string_lossy();
        let depth = |p: &Path| p.components().count();
        if found.get(name.as_ref()).is_none_or(|q| depth(p) < depth(q)) {
            found.insert(name.into_owned(), p.to_path_buf());
        }
    });
    let root = fs::canonicalize(libs).map_err(|e| format!("{}: {e}", libs.display()))?;
    for (name, target) in symlinks(libs) {
        if let Ok(real) = fs::canonicalize(&target) {
            if real.starts_with(&root) && real.is_file() {
                found.entry(name).or_insert(real);
            }
        }
    }
    let mut copied = BTreeSet::new();
    while let Some(name) = needed.pop() {
        if !copied.insert(name.clone()) {
            continue;
        }
        let path = found
            .get(&name)
            .ok_or_else(|| format!("can-utils or ip needs {name}, which no package fetched has"))?;
        let needs = elf::needs(&read(path)?).map_err(|e| format!("{}: {e}", path.display()))?;
        needed.extend(needs.needed);
        copy(path, &to.join(&name))?;
    }
    Ok(())
}

fn copy(from: &Path, to: &Path) -> Result<(), String> {
    fs::copy(from, to)
        .map(|_| ())
        .map_err(|e| format!("{} -> {}: {e}", from.display(), to.display()))
}

/// Writes the ELF kernel inside an x86 bzImage to `out`, checking that it has a PVH entry
/// point (the `Xen` ELF note XEN_ELFNOTE_PHYS32_ENTRY, which qemu boots directly).
fn extract_pvh_elf(bzimage: &Path, out: &Path) -> Result<(), String> {
    let data = read(bzimage)?;
    let find = |magic: &[u8]| data.windows(magic.len()).position(|w| w == magic);
    for (magic, tool) in [
        (&b"\xfd7zXZ\x00"[..], "xz"),
        (b"\x28\xb5\x2f\xfd", "zstd"),
        (b"\x1f\x8b\x08", "gzip"),
    ] {
        let Some(at) = find(magic) else { continue };
        let file = fs::File::create(out).map_err(|e| format!("{}: {e}", out.display()))?;
        let mut child = Command::new(tool)
            .args(["-d", "-c", "-q"])
            .stdin(Stdio::piped())
            .stdout(file)
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("{tool}: {e}"))?;
        if let Some(mut stdin) = child.stdin.take() {
            use std::io::Write as _;
            // The payload is followed by the rest of the bzImage: the decompressor complains
            // about that trailing data, but has written the whole kernel by then.
            let _ = stdin.write_all(&data[at..]);
        }
        let _ = child.wait();
        let elf = read(out)?;
        // A note header: namesz 4, descsz, type 18 (XEN_ELFNOTE_PHYS32_ENTRY), name "Xen".
        let pvh = elf
            .windows(16)
            .any(|w| w[..4] == [4, 0, 0, 0] && w[8..] == *b"\x12\0\0\0Xen\0");
        if elf.starts_with(b"\x7fELF") && pvh {
            return Ok(());
        }
    }
    let _ = fs::remove_file(out);
    Err(format!(
        "{}: no ELF kernel with a PVH entry inside",
        bzimage.display()
    ))
}

/// Calls `f` on every file under `dir`, recursively (symlinks not followed).
fn walk(dir: &Path, f: &mut dyn FnMut(&Path)) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        match e.file_type() {
            Ok(ft) if ft.is_dir() => walk(&p, f),
            Ok(ft) if ft.is_file() => f(&p),
            _ => {}
        }
    }
}

/// The symlinks under `dir`: each one's file name and path.
fn symlinks(dir: &Path) -> Vec<(String, PathBuf)> {
    let mut out = Vec::new();
    let Ok(entries) = fs::read_dir(dir) else {
        return out;
    };
    for e in entries.flatten() {
        let p = e.path();
        match e.file_type() {
            Ok(ft) if ft.is_dir() => out.extend(symlinks(&p)),
            Ok(ft) if ft.is_symlink() => {
                out.push((e.file_name().to_string_lossy().into_owned(), p));
            }
            _ => {}
        }
    }
    out
}

/// A module's name as the kernel compares them: `-` and `_` are the same.
fn module_key(name: &str) -> String {
    name.replace('_', "-")
}

/// The `depends=` field of a module's `.modinfo` section.
fn module_depends(ko: &[u8]) -> Vec<String> {
    let needle = b"depends=";
    let Some(at) = ko.windows(needle.len()).position(|w| w == needle) else {
        return Vec::new();
    };
    let rest = &ko[at + needle.len()..];
    let end = rest.iter().position(|&b| b == 0).unwrap_or(rest.len());
    String::from_utf8_lossy(&rest[..end])
        .split(',')
        .filter(|s| !s.is_empty())
        .map(module_key)
        .collect()
}

/// The modules to load, in order: `qemu/modules.txt`, each preceded by the dependencies
/// its `.modinfo` names. Returns (name, file) pairs and warnings for modules that are missing.
fn module_order(wanted: &[String], modules_dir: &Path) -> (Vec<(String, PathBuf)>, Vec<String>) {
    let mut files: BTreeMap<String, PathBuf> = BTreeMap::new();
    walk(modules_dir, &mut |p| {
        let name = p.file_name().unwrap_or_default().to_string_lossy();
        if let Some(stem) = name.strip_suffix(".ko") {
            files.insert(module_key(stem), p.to_path_buf());
        }
    });
    let builtin: BTreeSet<String> = fs::read_to_string(modules_dir.join("modules.builtin"))
        .unwrap_or_default()
        .lines()
        .filter_map(|l| l.rsplit('/').next())
        .map(|n| module_key(n.trim_end_matches(".ko")))
        .collect();
    let mut order = Vec::new();
    let mut warnings = Vec::new();
    let mut seen = BTreeSet::new();
    fn visit(
        name: &str,
        files: &BTreeMap<String, PathBuf>,
        builtin: &BTreeSet<String>,
        seen: &mut BTreeSet<String>,
        order: &mut Vec<(String, PathBuf)>,
        warnings: &mut Vec<String>,
    ) {
        if !seen.insert(name.to_owned()) || builtin.contains(name) {
            return;
        }
        let Some(path) = files.get(name) else {
            warnings.push(format!("module {name} is not in this kernel"));
            return;
        };
        for dep in module_depends(&fs::read(path).unwrap_or_default()) {
            visit(&dep, files, builtin, seen, order, warnings);
        }
        order.push((name.to_owned(), path.clone()));
    }
    for w in wanted {
        visit(
            &module_key(w),
            &files,
            &builtin,
            &mut seen,
            &mut order,
            &mut warnings,
        );
    }
    (order, warnings)
}

fn read(path: &Path) -> Result<Vec<u8>, String> {
    fs::read(path).map_err(|e| format!("{}: {e}", path.display()))
}

/// Examples copied into the guest's `/examples`, for the interop tests in tests/can_utils.rs.
const GUEST_EXAMPLES: [&str; 3] = ["candump", "cansend", "can_async"];

/// Writes `target/xtask-cache/vm/<arch>/initrd.cpio` for this run (with the stripped no_std
/// `echoes`, see [`run_archive`]); returns its path and warnings (missing modules).
fn initramfs(
    ws: &Ws,
    t: &Target,
    guest: &Guest,
    built: &Built,
    echoes: &[(&str, PathBuf)],
) -> Result<(PathBuf, Vec<String>), String> {
    let qemu_dir = ws.root.join("qemu");
    let mut c = Cpio::new();
    for d in [
        "bin",
        "proc",
        "sys",
        "tmp",
        "run",
        "root",
        "etc/xtask",
        "lib/modules",
        "tests",
    ] {
        c.dir(d);
    }
    // The kernel opens /dev/console for init before anything mounts devtmpfs.
    c.char_dev("dev/console", 0o600, 5, 1);
    c.char_dev("dev/null", 0o666, 1, 3);
    c.file("init", 0o755, &read(&qemu_dir.join("init"))?);
    c.file("bin/busybox", 0o755, &read(&guest.busybox)?);

    let text = fs::read_to_string(qemu_dir.join("modules.txt"))
        .map_err(|e| format!("qemu/modules.txt: {e}"))?;
    let wanted = wanted_modules(&text, has_kvaser(t))?;
    let (order, warnings) = module_order(&wanted, &guest.modules);
    let mut list = String::new();
    for (name, path) in &order {
        c.file(&format!("lib/modules/{name}.ko"), 0o644, &read(path)?);
        list.push_str(name);
        list.push('\n');
    }
    c.file("etc/xtask/modules", 0o644, list.as_bytes());

    // A plausible minimal /etc for the tests.
    c.file(
        "etc/hosts",
        0o644,
        b"127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n",
    );
    c.file("etc/passwd", 0o644, b"root:x:0:0:root:/root:/bin/sh\n");
    c.file("etc/group", 0o644, b"root:x:0:\n");
    c.file(
        "etc/nsswitch.conf",
        0o644,
        b"hosts: files dns\nservices: files\nprotocols: files\n",
    );
    for f in ["etc/services", "etc/protocols"] {
        if let Ok(data) = fs::read(Path::new("/").join(f)) {
            c.file(f, 0o644, &data);
        }
    }

    add_can_utils(&mut c, guest)?;

    // gnu targets: the loader and libraries from the cross sysroot, where the loader looks.
    if t.libc == "gnu" {
        let lib = Path::new(&t.sysroot).join("lib");
        let entries = fs::read_dir(&lib).map_err(|e| format!("{}: {e}", lib.display()))?;
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if (name.starts_with("ld") && name.contains(".so")) || GNU_LIBS.contains(&name.as_str())
            {
                c.file(&format!("lib/{name}"), 0o755, &read(&e.path())?);
            }
        }
        c.symlink("lib64", "lib");
        c.dir("usr");
        c.symlink("usr/lib", "../lib");
    }
    let mut bytes = c.finish();

    // This run's tests, as a second archive appended to the first.
    bytes.extend(run_archive(t, built, echoes)?);

    let dir = ws.cache.join("vm").join(&t.name);
    let path = dir.join("initrd.cpio");
    fs::write(&path, bytes).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok((path, warnings))
}

/// The modules named in `modules.txt` (its `text`), in order: a line is a module name, or a
/// name and a condition; `kvaser` (the module drives the `kvaser_pci` cards) holds where
/// `kvaser` is true.
fn wanted_modules(text: &str, kvaser: bool) -> Result<Vec<String>, String> {
    let mut wanted = Vec::new();
    for line in text.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut words = line.split_whitespace();
        let name = words.next().unwrap_or_default();
        let wanted_here = match words.next() {
            None => true,
            Some("kvaser") => kvaser,
            Some(other) => {
                return Err(format!(
                    "qemu/modules.txt: unknown condition `{other}` for {name}"
                ))
            }
        };
        if wanted_here {
            wanted.push(name.to_owned());
        }
    }
    Ok(wanted)
}

/// Strips the [`GUEST_ECHOES`] of `t` (built by [`echo::build_planned`](super::echo::build_planned))
/// into this VM's cache; returns each program's name and the stripped copy.
fn strip_echoes(ws: &Ws, t: &Target) -> Result<Vec<(&'static str, PathBuf)>, String> {
    GUEST_ECHOES
        .iter()
        .map(|&bin| {
            let to = ws.cache.join("vm").join(&t.name).join("echo").join(bin);
            super::echo::strip(ws, &super::echo::built(ws, t, bin), &to)?;
            Ok((bin, to))
        })
        .collect()
}

/// The second, appended cpio: this run's test binaries and the examples they run, the no_std
/// `echoes` in [`ECHO_DIR`], and the knobs `qemu/init` reads (`/etc/xtask/config`).
fn run_archive(t: &Target, built: &Built, echoes: &[(&str, PathBuf)]) -> Result<Vec<u8>, String> {
    let mut c = Cpio::new();
    // The examples the guest's tests run (the CAN tools), not all of them: the initrd stays
    // small.
    for ex in built
        .examples
        .iter()
        .filter(|e| GUEST_EXAMPLES.contains(&e.name.as_str()))
    {
        c.file(&format!("examples/{}", ex.name), 0o755, &read(&ex.path)?);
    }
    for bin in &built.bins {
        c.file(&format!("tests/{}", bin.name), 0o755, &read(&bin.path)?);
    }
    for (name, path) in echoes {
        c.file(&format!("{ECHO_DIR}/{name}"), 0o755, &read(path)?);
    }
    let mut config = format!(
        "TEST_TIMEOUT={}\nTEST_ARGS=\"--show-output --test-threads=1\"\n",
        TEST_LIMIT.as_secs()
    );
    if has_kvaser(t) {
        // `qemu/init` checks that can0 and can1 came up, and tells the tests.
        config.push_str("KVASER=can0,can1\n");
    }
    c.file("etc/xtask/config", 0o644, config.as_bytes());
    Ok(c.finish())
}

/// Adds can-utils under `/opt/can-utils` and, for each tool, a wrapper `/bin/<tool>` that
/// starts it with Debian's loader and libraries (never those in `/lib`); iproute2's `ip`
/// beside them, its wrapper [`IPROUTE2_WRAPPER`].
fn add_can_utils(c: &mut Cpio, guest: &Guest) -> Result<(), String> {
    for sub in ["lib", "bin"] {
        let dir = guest.can_utils.join(sub);
        let mut names: Vec<String> = fs::read_dir(&dir)
            .map_err(|e| format!("{}: {e}", dir.display()))?
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        // The archive is the same bytes every time.
        names.sort();
        for name in names {
            let data = read(&dir.join(&name))?;
            c.file(&format!("{CAN_UTILS_DIR}/{sub}/{name}"), 0o755, &data);
            if sub == "bin" {
                let wrapper = if name == "ip" {
                    IPROUTE2_WRAPPER
                } else {
                    &name
                };
                let mut script = can_utils_wrapper(&guest.loader, &name);
                if name == "python3" {
                    // Its standard library, where the interpreter run by the loader does not
                    // look by itself.
                    script = script.replace(
                        "exec ",
                        &format!("PYTHONHOME=/{CAN_UTILS_DIR}/python exec "),
                    );
                }
                c.file(&format!("bin/{wrapper}"), 0o755, script.as_bytes());
            }
        }
    }
    // python3's standard library, file by file, in a stable order.
    let python = guest.can_utils.join("python");
    let mut files = Vec::new();
    walk(&python, &mut |p| files.push(p.to_path_buf()));
    files.sort();
    for f in files {
        let rel = f.strip_prefix(&guest.can_utils).unwrap_or(&f);
        c.file(
            &format!("{CAN_UTILS_DIR}/{}", rel.display()),
            0o644,
            &read(&f)?,
        );
    }
    Ok(())
}

/// The `/bin/<tool>` script: the loader run as a program takes the library path to use.
fn can_utils_wrapper(loader: &str, tool: &str) -> String {
    let d = CAN_UTILS_DIR;
    format!(
        "#!/bin/busybox sh\nexec /{d}/lib/{loader} --library-path /{d}/lib /{d}/bin/{tool} \"$@\"\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn can_utils_wrapper_runs_debians_loader() {
        assert_eq!(
            can_utils_wrapper("ld64.so.1", "cansend"),
            "#!/bin/busybox sh\nexec /opt/can-utils/lib/ld64.so.1 --library-path \
             /opt/can-utils/lib /opt/can-utils/bin/cansend \"$@\"\n"
        );
    }

    /// The vsock Python peer may skip only where the guest has no python3.
    #[test]
    fn the_vsock_python_peer_must_run_where_python_is() {
        let (test, why, k) = ("python_peer_both_ways", "no python3 in this VM", "6.1.0-50");
        assert!(skip_allowed("s390x", "vsock", test, why, k));
        assert!(!skip_allowed("x86_64", "vsock", test, why, k));
        assert!(!skip_allowed("s390x", "vsock", "stream_echo", why, k));
        assert!(!skip_allowed(
            "s390x",
            "vsock",
            "stream_echo",
            "no vsock loopback transport (EADDRNOTAVAIL)",
            k
        ));
    }

    #[test]
    fn only_listed_skips_pass_in_the_vm() {
        assert_eq!(kernel_version("6.1.0-50-amd64"), Some((6, 1)));
        assert_eq!(kernel_version("6.12.57+deb13-s390x"), Some((6, 12)));
        assert_eq!(kernel_version("7.2"), Some((7, 2)));
        assert_eq!(kernel_version("x"), None);
        let old = "6.1.0-50-amd64";
        let py = "no python3 on this machine";
        assert!(skip_allowed(
            "x86_64",
            "msg",
            "fds_pass_to_and_from_python",
            py,
            old
        ));
        assert!(!skip_allowed(
            "x86_64",
            "can",
            "filters",
            "no vcan in this kernel (ENODEV)",
            old
        ));
        assert!(!skip_allowed(
            "x86_64",
            "udp",
            "x",
            "network namespaces need root",
            "6.12.1"
        ));
        // CAN XL may be missing before 6.2 only.
        let xl = "this kernel has no CAN XL (Linux 6.2+): ENOPROTOOPT, as it should";
        let t = "xl_frames_where_the_kernel_has_them";
        assert!(skip_allowed("x86_64", "can", t, xl, old));
        assert!(!skip_allowed("x86_64", "can", t, xl, "6.2.0"));
        assert!(!skip_allowed("x86_64", "can", t, xl, "6.12.57+deb13-s390x"));
        assert!(!skip_allowed("x86_64", "can", t, xl, "unknown"));
        // vm_smoke_* never skip, whatever the reason.
        assert!(!skip_allowed(
            "x86_64",
            "vm_smoke",
            "vm_smoke_can_utils",
            py,
            old
        ));
    }

    #[test]
    fn skips_are_allowed_per_binary_and_test_not_per_reason() {
        let old = "6.1.0-50-amd64";
        let py = "no python3 on this machine";
        // The allowed test, in its binary.
        assert!(skip_allowed(
            "x86_64",
            "msg",
            "fds_pass_to_and_from_python",
            py,
            old
        ));
        // The same reason for another test of that binary, or for any test elsewhere.
        assert!(!skip_allowed(
            "x86_64",
            "msg",
            "fds_pass_to_a_new_peer",
            py,
            old
        ));
        assert!(!skip_allowed("x86_64", "udp", "anything", py, old));
        // The same test name in another binary.
        assert!(!skip_allowed(
            "x86_64",
            "unix",
            "fds_pass_to_and_from_python",
            py,
            old
        ));
        let dns = "dnsmasq is not installed; install it with: apt-get install dnsmasq-base";
        assert!(skip_allowed(
            "x86_64",
            "resolve",
            "search_list_and_ndots",
            dns,
            old
        ));
        assert!(!skip_allowed(
            "x86_64",
            "dnsmasq_fixture",
            "search_list_and_ndots",
            dns,
            old
        ));
        assert!(!skip_allowed(
            "x86_64",
            "tcp",
            "search_list_and_ndots",
            dns,
            old
        ));

        // On a console: `fds_pass_to_and_from_python` skips in `msg` (allowed) and in `unix`
        // (not); once merged by name, the second went unseen.
        let console = "@@xtask boot 6.1.0-50-amd64 x86_64\n\
            @@xtask list msg 1 test, 0 benchmarks\n@@xtask begin msg\n\
            running 1 test\ntest fds_pass_to_and_from_python ... ok\n\nsuccesses:\n\n\
            ---- fds_pass_to_and_from_python stdout ----\nskipped: no python3 on this machine\n\n\
            test result: ok. 1 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.01s\n\
            @@xtask end msg 0\n\
            @@xtask list unix 2 tests, 0 benchmarks\n@@xtask begin unix\n\
            running 2 tests\ntest fds_pass_to_and_from_python ... ok\ntest other ... ok\n\nsuccesses:\n\n\
            ---- fds_pass_to_and_from_python stdout ----\nskipped: no python3 on this machine\n\n\
            test result: ok. 2 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.01s\n\
            @@xtask end unix 0\n@@xtask dmesg\n[    1.0] xtask: the run starts\n@@xtask dmesg-end\n@@xtask done\n";
        let j = judge("x86_64", console, &["msg", "unix"], old);
        assert_eq!(
            j.problems,
            vec![
                "unix::fds_pass_to_and_from_python must run in the VM but skipped: no python3 on this machine"
                    .to_owned()
            ]
        );
        assert_eq!(
            j.counts,
            Counts {
                passed: 1,
                failed: 1,
                skipped: 1
            }
        );
        assert_eq!(
            j.ran,
            vec![
                "msg::fds_pass_to_and_from_python".to_owned(),
                "unix::fds_pass_to_and_from_python".to_owned(),
                "unix::other".to_owned()
            ]
        );
    }

    /// A console with one binary `name` listed as `listed`, its output, and its end status.
    fn one_binary(name: &str, listed: &str, output: &str, status: &str, dmesg: &str) -> String {
        format!(
            "@@xtask boot 6.1.0-50-amd64 x86_64\n@@xtask list {name} {listed}\n\
             @@xtask begin {name}\n{output}@@xtask end {name} {status}\n\
             @@xtask dmesg\n{dmesg}@@xtask dmesg-end\n@@xtask done\n"
        )
    }

    const KMSG: &str =
        "[    0.00] Linux version 6.1.0-50-amd64\n[    2.10] xtask: the run starts\n";
    const REPORT_2: &str = "running 2 tests\ntest a ... ok\ntest b ... ok\n\n\
        test result: ok. 2 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s\n";

    #[test]
    fn every_binary_is_accounted_for_in_the_vm() {
        let judge1 = |console: &str| judge("x86_64", console, &["udp"], "6.1.0-50-amd64");
        // Complete.
        let j = judge1(&one_binary(
            "udp",
            "2 tests, 0 benchmarks",
            REPORT_2,
            "0",
            KMSG,
        ));
        assert!(j.problems.is_empty(), "{:?}", j.problems);
        assert_eq!((j.counts.passed, j.ran.len()), (2, 2));
        // Exit 0 and no report at all: it used to pass.
        let j = judge1(&one_binary("udp", "2 tests, 0 benchmarks", "", "0", KMSG));
        assert_eq!(
            j.problems,
            vec!["udp: no test result (exit 0, no output)".to_owned()]
        );
        // Exit 0 and a report short of the --list count.
        let j = judge1(&one_binary(
            "udp",
            "3 tests, 0 benchmarks",
            REPORT_2,
            "0",
            KMSG,
        ));
        assert_eq!(
            j.problems,
            vec!["udp: reported 2 of the 3 tests --list gives".to_owned()]
        );
        // No --list count.
        let j = judge1(&one_binary("udp", "", REPORT_2, "0", KMSG));
        assert_eq!(j.problems, vec!["udp: --list gave no count".to_owned()]);
        // Killed by a signal in the middle.
        let j = judge1(&one_binary(
            "udp",
            "2 tests, 0 benchmarks",
            "running 2 tests\ntest a ... ok\n",
            "139",
            KMSG,
        ));
        assert_eq!(
            j.problems,
            vec!["udp: no test result (killed by signal 11 (SIGSEGV))".to_owned()]
        );
        // Killed at the time limit.
        let j = judge1(&one_binary(
            "udp",
            "2 tests, 0 benchmarks",
            "running 2 tests\ntest a ... ok\n",
            "137",
            KMSG,
        ));
        assert!(j.problems[0].contains("SIGKILL"), "{:?}", j.problems);
        // A binary the guest never ran.
        let j = judge(
            "x86_64",
            &one_binary("udp", "2 tests, 0 benchmarks", REPORT_2, "0", KMSG),
            &["udp", "tcp"],
            "6.1.0-50-amd64",
        );
        assert_eq!(j.problems, vec!["tcp: did not run".to_owned()]);
        // A marker after output without its newline is still seen.
        let console = one_binary("udp", "2 tests, 0 benchmarks", REPORT_2, "0", KMSG).replace(
            "finished in 0.00s\n@@xtask end",
            "finished in 0.00s\nno newline@@xtask end",
        );
        assert!(judge1(&console).problems.is_empty());
        // No kernel log.
        let console = one_binary("udp", "2 tests, 0 benchmarks", REPORT_2, "0", "")
            .replace("@@xtask dmesg\n@@xtask dmesg-end\n", "");
        assert_eq!(
            judge1(&console).problems,
            vec!["no kernel log (`@@xtask dmesg`) on the console".to_owned()]
        );
    }

    #[test]
    fn kernel_oopses_bugs_and_warnings_fail_the_vm_row() {
        // What the kernel says on a good run: modules, CAN, veth, namespaces, audit of the
        // seccomp test, netlink leftovers. None of it matches.
        let benign = "[    0.000000] Linux version 6.1.0-50-amd64 (debian-kernel@lists.debian.org)\n\
            [    0.512345] Spectre V2 : Mitigation: Retpolines\n\
            [    2.100000] xtask: the run starts\n\
            [    2.200000] can: controller area network core\n\
            [    2.210000] NET: Registered PF_CAN protocol family\n\
            [    2.220000] can: raw protocol\n\
            [    2.230000] can: broadcast manager protocol\n\
            [    2.240000] can: netlink gateway - max_hops=1\n\
            [    2.250000] vcan: Virtual CAN interface driver\n\
            [    2.260000] CAN device driver interface\n\
            [    2.270000] can: isotp protocol\n\
            [    2.280000] can: SAE J1939\n\
            [    3.000000] IPv6: ADDRCONF(NETDEV_CHANGE): veth1: link becomes ready\n\
            [    3.100000] netlink: 4 bytes leftover after parsing attributes in process `ip'.\n\
            [    3.200000] audit: type=1326 audit(1700000000.123:2): auid=4294967295 uid=0 gid=0 ses=4294967295 pid=99 comm=\"errors-1a2b\" exe=\"/tests/errors\" sig=31 arch=c000003e syscall=41 compat=0 ip=0x4a1b code=0x0\n\
            [    3.300000] TCP: request_sock_TCP: Possible SYN flooding on port 127.0.0.1:4000. Sending cookies.\n\
            [    3.400000] device veth0 entered promiscuous mode\n\
            [    3.500000] ping: process `udp-1234' is using deprecated sysctl\n\
            [   30.563525] vc0: tx drop: invalid sa for name 0x00a0000000123456\n\
            [   50.462783] VFS: file-max limit 1 reached\n\
            [  107.393925] device bs1 entered promiscuous mode\n";
        assert_eq!(kernel_trouble(benign), (None, None));
        let j = judge(
            "x86_64",
            &one_binary("udp", "2 tests, 0 benchmarks", REPORT_2, "0", benign),
            &["udp"],
            "6.1.0-50-amd64",
        );
        assert!(j.problems.is_empty(), "{:?}", j.problems);

        for (line, first) in [
            (
                "[   12.345678] BUG: kernel NULL pointer dereference, address: 0000000000000008",
                "BUG: kernel NULL pointer dereference, address: 0000000000000008",
            ),
            (
                "[   12.345678] Oops: 0002 [#1] PREEMPT SMP NOPTI",
                "Oops: 0002 [#1] PREEMPT SMP NOPTI",
            ),
            (
                "[   12.345678] WARNING: CPU: 0 PID: 97 at net/can/af_can.c:123 can_rcv+0x50/0x60 [can]",
                "WARNING: CPU: 0 PID: 97 at net/can/af_can.c:123 can_rcv+0x50/0x60 [can]",
            ),
            (
                "<4>[   12.345678] kernel BUG at net/core/skbuff.c:200!",
                "kernel BUG at net/core/skbuff.c:200!",
            ),
            (
                "[   12.3] general protection fault, probably for non-canonical address 0xdead: 0000 [#1]",
                "general protection fault, probably for non-canonical address 0xdead: 0000 [#1]",
            ),
            (
                "[   12.3] Unable to handle kernel NULL pointer dereference at virtual address 0000000000000000",
                "Unable to handle kernel NULL pointer dereference at virtual address 0000000000000000",
            ),
            (
                "[   12.3] Internal error: Oops: 0000000096000004 [#1] SMP",
                "Internal error: Oops: 0000000096000004 [#1] SMP",
            ),
            ("[   12.3] Call Trace:", "Call Trace:"),
            (
                "[   40.0] watchdog: BUG: soft lockup - CPU#0 stuck for 22s! [udp-1234:99]",
                "watchdog: BUG: soft lockup - CPU#0 stuck for 22s! [udp-1234:99]",
            ),
        ] {
            let log = format!("{benign}{line}\n[   12.4] another line\n");
            assert_eq!(kernel_trouble(&log), (Some(first.to_owned()), None), "{line}");
            let j = judge(
            "x86_64",
                &one_binary("udp", "2 tests, 0 benchmarks", REPORT_2, "0", &log),
                &["udp"],
                "6.1.0-50-amd64",
            );
            assert_eq!(j.problems, vec![format!("kernel: {first}")]);
        }
        // Before the run (the kernel's own boot): a warning, not a failure.
        let boot = "[    0.5] WARNING: CPU: 0 PID: 0 at arch/x86/kernel/fpu/xstate.c:1 x\n[    2.1] xtask: the run starts\n";
        assert_eq!(
            kernel_trouble(boot),
            (
                None,
                Some("WARNING: CPU: 0 PID: 0 at arch/x86/kernel/fpu/xstate.c:1 x".to_owned())
            )
        );
        // An oops the kernel printed on the console itself (the guest then died): seen too.
        let console = "@@xtask boot 6.1 x86_64\n@@xtask list udp 2 tests, 0 benchmarks\n@@xtask begin udp\nrunning 2 tests\n[   12.3] Kernel panic - not syncing: Fatal exception\n";
        let j = judge("x86_64", console, &["udp"], "6.1");
        assert!(!j.finished);
        assert!(
            j.problems
                .contains(&"kernel: Kernel panic - not syncing: Fatal exception".to_owned()),
            "{:?}",
            j.problems
        );
    }

    #[test]
    fn the_initramfs_has_the_no_std_echoes_and_the_kvaser_knob() {
        let dir = std::env::temp_dir().join(format!("xtask-vm-initramfs-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let file = |name: &str| {
            let p = dir.join(name);
            fs::write(&p, name).unwrap();
            p
        };
        let built = Built {
            bins: vec![super::super::build::TestBin {
                name: "vm_guest".into(),
                path: file("vm_guest"),
            }],
            examples: Vec::new(),
        };
        let echoes: Vec<(&str, PathBuf)> = GUEST_ECHOES.iter().map(|&e| (e, file(e))).collect();
        let ws = Ws::find();
        let targets = super::super::targets::load(
            &ws.root.join("targets"),
            &["x86_64".into(), "s390x".into()],
        )
        .unwrap();
        for t in &targets {
            let archive = run_archive(t, &built, &echoes).unwrap();
            let names = super::super::cpio::names(&archive);
            for want in [
                "tests/vm_guest",
                "opt/echo/async-echo",
                "opt/echo/nostd-echo",
                "opt/echo/nostd-ip",
            ] {
                assert!(
                    names.iter().any(|n| n == want),
                    "{}: {want} not in {names:?}",
                    t.name
                );
            }
            let text = String::from_utf8_lossy(&archive);
            assert_eq!(
                text.contains("KVASER=can0,can1\n"),
                t.name == "x86_64",
                "{}",
                t.name
            );
        }
        let _ = fs::remove_dir_all(&dir);

        // The modules: `kvaser_pci` only where the cards are.
        let text = fs::read_to_string(ws.root.join("qemu/modules.txt")).unwrap();
        assert!(wanted_modules(&text, true)
            .unwrap()
            .contains(&"kvaser_pci".to_owned()));
        assert!(!wanted_modules(&text, false)
            .unwrap()
            .contains(&"kvaser_pci".to_owned()));
        assert!(wanted_modules("vcan\nx maybe\n", true).is_err());
        // The skip of the cards' test is allowed elsewhere only.
        let t = "kvaser::kvaser_pci_controllers_exchange_frames";
        let why = "no kvaser_pci controllers (BARESOCK_KVASER is not set)";
        assert!(skip_allowed("s390x", "vm_guest", t, why, "6.1.0-50-s390x"));
        assert!(!skip_allowed(
            "x86_64",
            "vm_guest",
            t,
            why,
            "6.1.0-50-amd64"
        ));
        assert!(!skip_allowed(
            "aarch64",
            "vm_guest",
            t,
            why,
            "6.1.0-50-arm64"
        ));
    }

    #[test]
    fn modinfo_depends() {
        let ko = b"\x7fELF....\0license=GPL\0depends=can-dev,can_raw\0intree=Y\0";
        assert_eq!(
            module_depends(ko),
            vec!["can-dev".to_owned(), "can-raw".to_owned()]
        );
        assert!(module_depends(b"\0depends=\0").is_empty());
    }

    #[test]
    fn watch_stops_hung_guests() {
        let limit = Duration::from_secs(1000);
        let mut w = Watch::default();
        assert_eq!(w.check(b"", Duration::from_secs(1), limit), None);
        assert!(w
            .check(b"", BOOT_LIMIT + Duration::from_secs(1), limit)
            .is_some());
        let mut w = Watch::default();
        assert_eq!(
            w.check(b"@@xtask boot 6.1 s390x\n", Duration::from_secs(2), limit),
            None
        );
        assert!(w
            .check(
                b"@@xtask boot 6.1 s390x\n",
                Duration::from_secs(2) + SILENCE_LIMIT + Duration::from_secs(1),
                limit
            )
            .is_some());
        let mut w = Watch::default();
        assert_eq!(
            w.check(
                b"@@xtask boot\n@@xtask done\n",
                Duration::from_secs(3),
                limit
            ),
            None
        );
        assert!(w
            .check(
                b"@@xtask boot\n@@xtask done\n",
                Duration::from_secs(30),
                limit
            )
            .is_some());
    }
}
