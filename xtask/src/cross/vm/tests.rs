//! The VM tier's own tests.

use super::pool::*;
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
    // (The allowed skip itself: `skips_are_allowed_per_binary_and_test_not_per_reason`.)
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
    let xl = "this kernel has no CAN XL (needs Linux 6.2)";
    let t = "xl_frames_where_the_kernel_has_them";
    assert!(skip_allowed("x86_64", "can", t, xl, old));
    assert!(!skip_allowed("x86_64", "can", t, xl, "6.2.0"));
    assert!(!skip_allowed("x86_64", "can", t, xl, "6.12.57+deb13-s390x"));
    assert!(!skip_allowed("x86_64", "can", t, xl, "unknown"));
    assert!(skip_allowed("x86_64", "can", t, xl, "5.10.0-32-amd64"));
    // The old wording, without the version it needs, no longer passes.
    let old_xl = "this kernel has no CAN XL (Linux 6.2+): ENOPROTOOPT, as it should";
    assert!(!skip_allowed("x86_64", "can", t, old_xl, old));
    // MPTCP: Debian's 5.10 is built without it; from 6.1 on its kernels have it.
    let mp = "the kernel refuses MPTCP sockets (the kernel lacks MPTCP (Linux 5.6), or has it \
              switched off: EPROTONOSUPPORT: Protocol not supported (os error 93))";
    let t = "happy_eyeballs_connects_over_mptcp";
    assert!(skip_allowed("x86_64", "mptcp", t, mp, "5.10.0-32-amd64"));
    assert!(!skip_allowed("x86_64", "mptcp", t, mp, old));
    assert!(!skip_allowed(
        "x86_64",
        "mptcp",
        t,
        mp,
        "6.12.117+deb13-amd64"
    ));
    assert!(!skip_allowed(
        "x86_64",
        "mptcp",
        "other",
        mp,
        "5.10.0-32-amd64"
    ));
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

const KMSG: &str = "[    0.00] Linux version 6.1.0-50-amd64\n[    2.10] xtask: the run starts\n";
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
    let targets =
        super::super::targets::load(&ws.root.join("targets"), &["x86_64".into(), "s390x".into()])
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

/// Every skip allowed only before some kernel names that kernel in its reason.
#[test]
fn a_kernel_skip_names_the_kernel_it_needs() {
    let broken: Vec<String> = ALLOWED_SKIPS
        .iter()
        .filter_map(kernel_rule_broken)
        .collect();
    assert!(broken.is_empty(), "{broken:#?}");
    assert!(ALLOWED_SKIPS.iter().any(|a| a.before_kernel.is_some()));
    // The rule itself.
    let skip = |reason, before| AllowedSkip {
        binary: "can",
        tests: &["t"],
        reason,
        before_kernel: before,
        debian_builds_from: None,
        not_on: &[],
    };
    assert_eq!(kernel_rule_broken(&skip("no python3 here", None)), None);
    assert_eq!(
        kernel_rule_broken(&skip("no CAN XL (needs Linux 6.2)", Some((6, 2)))),
        None
    );
    for (reason, before) in [
        ("this kernel has no CAN XL", Some((6, 2))),
        ("no CAN XL (needs Linux 6.1)", Some((6, 2))),
        ("no CAN XL (needs Linux 6.21)", Some((6, 2))),
        ("no CAN XL (needs 6.2)", Some((6, 2))),
    ] {
        let e = kernel_rule_broken(&skip(reason, before));
        assert!(
            e.as_deref().is_some_and(|e| e.contains("Linux 6.2")),
            "{reason}: {e:?}"
        );
    }
}

#[test]
fn kernel_images_of_one_flavour_newest_first() {
    assert_eq!(
        image_abi("linux-image-6.12.107+deb13-s390x", "s390x").as_deref(),
        Some("6.12.107+deb13")
    );
    assert_eq!(
        image_abi("linux-image-6.1.0-50-amd64", "amd64").as_deref(),
        Some("6.1.0-50")
    );
    for other in [
        "linux-image-6.12.107+deb13-cloud-amd64",
        "linux-image-6.12.107+deb13-amd64-dbg",
        "linux-image-6.12.107+deb13-amd64-unsigned",
        "linux-image-amd64",
        "linux-image-cloud-amd64",
        "linux-image-6.12.107+deb13-rt-amd64",
    ] {
        assert_eq!(image_abi(other, "amd64"), None, "{other}");
    }
    assert_eq!(
        image_abi("linux-image-5.10.0-32-armmp-lpae", "armmp-lpae").as_deref(),
        Some("5.10.0-32")
    );
    assert_eq!(image_abi("linux-image-5.10.0-32-armmp-lpae", "armmp"), None);
    assert!(version_key("6.12.117+deb13") > version_key("6.12.107+deb13"));
    assert!(version_key("6.12.9+deb13") < version_key("6.12.10+deb13"));
}

#[test]
fn rows_of_extra_kernels_are_named_apart() {
    assert_eq!(step_name("test", None), "test");
    assert_eq!(step_name("test", Some("5.10")), "test 5.10");
    assert_eq!(step_name("fetch", Some("unstable")), "fetch unstable");
}

#[test]
fn the_extra_vm_waits_for_the_other_lanes() {
    let lane = BusyLane::start();
    let (tx, rx) = std::sync::mpsc::channel();
    let waiter = std::thread::spawn(move || {
        wait_for_the_other_lanes(|| false);
        tx.send(()).unwrap();
    });
    // Still waiting while a lane is busy...
    assert!(rx.recv_timeout(Duration::from_millis(1200)).is_err());
    drop(lane);
    // ...and free once none is.
    rx.recv_timeout(Duration::from_secs(5)).unwrap();
    waiter.join().unwrap();
    // Nothing left to run: no wait, busy lanes or not.
    let _lane = BusyLane::start();
    wait_for_the_other_lanes(|| true);
}

#[test]
fn cpu_times_read_proc_stat() {
    let stat = "cpu  100 5 50 800 20 3 2 0 7 0\ncpu0 50 2 25 400 10 1 1 0 3 0\n\
                cpu1 50 3 25 400 10 2 1 0 4 0\nintr 12345 0\nctxt 99\n";
    // nice + idle + iowait; the first eight fields summed (guest time is within user's).
    assert_eq!(cpu_times(stat), Some((825, 980, 2)));
    assert_eq!(cpu_times("intr 1 2\n"), None);
    assert_eq!(cpu_times("cpu  1 2 x 4\n"), None);
    assert_eq!(cpu_times("cpu  1 2 3\n"), None);
    // Two cores, half the time idle: one idle core.
    assert_eq!(idle_between((825, 980, 2), (925, 1180, 2)), Some(1.0));
    // A counter that went back, or no time passed: nothing measured.
    assert_eq!(idle_between((825, 980, 2), (800, 1180, 2)), None);
    assert_eq!(idle_between((825, 980, 2), (825, 980, 2)), None);
    // This machine's: between none and all of its cores.
    let idle = idle_cores(Duration::from_millis(300)).expect("/proc/stat reads");
    let cpus = cpu_times(&fs::read_to_string("/proc/stat").unwrap())
        .unwrap()
        .2;
    assert!(
        (0.0..=cpus as f64 + 0.01).contains(&idle),
        "{idle} of {cpus}"
    );
}

#[test]
fn one_more_vm_starts_only_on_idle_cores() {
    let gate = IdleGate::default();
    // Busy cores: measured again until they are idle enough.
    let mut seen = vec![0.2, IDLE_CORES - 0.1, IDLE_CORES].into_iter();
    let mut measured = 0;
    assert!(gate.admit_with(
        || false,
        Duration::ZERO,
        || {
            measured += 1;
            seen.next()
        }
    ));
    assert_eq!(measured, 3);
    // Not before `settle` has passed since the last start.
    gate.started();
    let start = Instant::now();
    assert!(gate.admit_with(|| false, Duration::from_millis(300), || Some(2.0)));
    assert!(start.elapsed() >= Duration::from_millis(300));
    // Nothing left to run, or no measure here: no VM more.
    assert!(!gate.admit_with(|| true, Duration::ZERO, || Some(2.0)));
    assert!(!gate.admit_with(|| false, Duration::ZERO, || None));
}
