//! The skips the VM tier allows: a test that skips in a VM fails its row unless its binary, name and reason are here.

use super::*;

/// Tests whose names start with this must run in the VM: not even an allowed reason excuses
/// their skip.
pub(super) const MUST_RUN_PREFIX: &str = "vm_smoke_";

/// A skip that does not fail a VM row: one of `tests` of the test binary `binary` skipped
/// with a reason starting with `reason`, in a guest kernel older than `before_kernel` (any
/// kernel when `None`; when `Some((x, y))`, `reason` must say `Linux x.y`, the kernel the
/// feature needs: [`kernel_rule_broken`]). Another test skipping for the same reason, or the same test in another
/// binary, fails the row.
pub(super) struct AllowedSkip {
    /// The test binary as the build names it: `resolve`, `baresock-lib`.
    pub(super) binary: &'static str,
    /// Test names as libtest prints them (`module::test` inside the library).
    pub(super) tests: &'static [&'static str],
    pub(super) reason: &'static str,
    pub(super) before_kernel: Option<(u32, u32)>,
    /// Debian builds the feature into its kernels only from this version on (its config
    /// leaves it out before, though the kernel has it since `before_kernel`): the skip also
    /// passes on an older kernel than this. Only with `before_kernel`, whose version the
    /// reason still names.
    pub(super) debian_builds_from: Option<(u32, u32)>,
    /// The machines (target names) where this skip fails the row all the same: those that
    /// have what the others lack.
    pub(super) not_on: &'static [&'static str],
}

/// The only skips a VM row accepts. Every one is something the guest genuinely does not have;
/// any other skip there fails the row, so a test that gives up in the VM is seen.
pub(super) const ALLOWED_SKIPS: &[AllowedSkip] = &[
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
        debian_builds_from: None,
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
        debian_builds_from: None,
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
        debian_builds_from: None,
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
        debian_builds_from: None,
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
        debian_builds_from: None,
        not_on: &[],
    },
    // The features newer than the oldest kernel of the matrix (5.10, the `[[vm.kernels]]` of
    // targets/*.toml): each skips only before the version its reason names (the rule:
    // `a_kernel_skip_names_the_kernel_it_needs`), and the test checks the crate's named
    // error (`KernelFeature`) before it skips. From that version on it must run.
    //
    // CAN XL came with Linux 6.2: older kernels answer `ENOPROTOOPT`.
    AllowedSkip {
        binary: "can",
        tests: &["xl_frames_where_the_kernel_has_them"],
        reason: "this kernel has no CAN XL (needs Linux 6.2)",
        before_kernel: Some((6, 2)),
        debian_builds_from: None,
        not_on: &[],
    },
    // vsock's SOCK_SEQPACKET came with Linux 5.14.
    AllowedSkip {
        binary: "vsock",
        tests: &["seqpacket_keeps_boundaries_and_a_cut_is_truncated"],
        reason: "this kernel has no vsock seqpacket (needs Linux 5.14)",
        before_kernel: Some((5, 14)),
        debian_builds_from: None,
        not_on: &[],
    },
    // MPTCP came with Linux 5.6, but Debian 11's 5.10 is built without it (its
    // config-5.10.0-32-amd64: `# CONFIG_MPTCP is not set`; Debian 12's 6.1 has it): there
    // the kernel refuses MPTCP sockets, the library names it (`KernelFeature::Mptcp`), and
    // every test that needs one skips.
    AllowedSkip {
        binary: "mptcp",
        tests: &[
            "a_dual_stack_mptcp_server_with_reuse_port_takes_ipv4_clients",
            "a_plain_tcp_client_reaches_an_mptcp_server_which_sees_the_fallback",
            "a_typed_stream_takes_an_mptcp_socket",
            "an_mptcp_client_to_a_plain_server_falls_back",
            "happy_eyeballs_connects_over_mptcp",
            "mptcp_server_and_client_exchange_data_over_ipv4",
            "mptcp_server_and_client_exchange_data_over_ipv6",
            "switched_off_require_is_the_named_error_and_prefer_plain_tcp",
            "the_listener_answers_mptcp_info",
        ],
        reason: "the kernel refuses MPTCP sockets (the kernel lacks MPTCP (Linux 5.6)",
        before_kernel: Some((5, 6)),
        debian_builds_from: Some((6, 1)),
        not_on: &[],
    },
    // MPTCP_INFO on a listener came with Linux 5.16.
    AllowedSkip {
        binary: "mptcp",
        tests: &["the_listener_answers_mptcp_info"],
        reason: "this kernel has no MPTCP_INFO (needs Linux 5.16)",
        before_kernel: Some((5, 16)),
        debian_builds_from: None,
        not_on: &[],
    },
    // Two real CAN controllers (QEMU's SJA1000-based `kvaser_pci`) exist only in the machines
    // of [`KVASER_MACHINES`]; where they are, the test must run.
    AllowedSkip {
        binary: "vm_guest",
        tests: &["kvaser::kvaser_pci_controllers_exchange_frames"],
        reason: "no kvaser_pci controllers",
        before_kernel: None,
        debian_builds_from: None,
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
        debian_builds_from: None,
        not_on: PYTHON_MACHINES,
    },
];

/// Whether the skip of `test` of the binary `binary` with `reason` is accepted in the guest of
/// target `arch` running `release` (`6.1.0-50-amd64`).
pub(super) fn skip_allowed(
    arch: &str,
    binary: &str,
    test: &str,
    reason: &str,
    release: &str,
) -> bool {
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
            && a.before_kernel.is_none_or(|before| {
                let before = before.max(a.debian_builds_from.unwrap_or(before));
                kernel.is_some_and(|k| k < before)
            })
            // An entry that does not name its kernel excuses nothing (the unit test says which).
            && kernel_rule_broken(a).is_none()
    })
}

/// `(major, minor)` of a kernel release string: `6.1.0-50-amd64` gives `(6, 1)`.
pub(super) fn kernel_version(release: &str) -> Option<(u32, u32)> {
    let mut parts = release.split(|c: char| !c.is_ascii_digit());
    let major = parts.next()?.parse().ok()?;
    let minor = parts.next()?.parse().ok()?;
    Some((major, minor))
}

/// Why `a` breaks the rule for kernel skips, if it does: one allowed only before Linux x.y
/// must say `Linux x.y` in its reason (the issue: a skip on an older kernel is fine only when
/// its reason names the kernel version the feature needs).
pub(super) fn kernel_rule_broken(a: &AllowedSkip) -> Option<String> {
    let Some((major, minor)) = a.before_kernel else {
        return a
            .debian_builds_from
            .map(|_| format!("{}: debian_builds_from without before_kernel", a.binary));
    };
    let want = format!("Linux {major}.{minor}");
    // `Linux 6.2` must not be found inside `Linux 6.21`.
    let named = a
        .reason
        .match_indices(&want)
        .any(|(at, _)| !a.reason[at + want.len()..].starts_with(|c: char| c.is_ascii_digit()));
    (!named).then(|| {
        format!(
            "{}: {:?}: allowed before {want}, but its reason does not say `{want}`",
            a.binary, a.reason
        )
    })
}
