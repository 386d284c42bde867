use super::*;

#[test]
#[cfg_attr(
    miri,
    ignore = "under Miri rustix takes its libc backend, whose Errno is wider than linux_raw's"
)]
fn small_and_copy() {
    // Two words on 64-bit targets. On 32-bit ones it is 16 bytes too, not 8: a J1939 NAME
    // (64 bits, in `CanInputError::J1939AddressNotClaimed`) and its tag need more than 8.
    assert_eq!(core::mem::size_of::<Error>(), 16);
    // Every group fits beside the top-level tag: 12 bytes at most, 4-byte aligned.
    assert!(core::mem::size_of::<AddressError>() <= 12);
    assert!(core::mem::size_of::<InputError>() <= 12);
    #[cfg(feature = "can")]
    assert!(core::mem::size_of::<CanInputError>() <= 12);
    #[cfg(feature = "resolve")]
    assert!(core::mem::size_of::<ResolveError>() <= 12);
    assert!(core::mem::size_of::<BpfError>() <= 12);
    assert!(core::mem::size_of::<RingError>() <= 12);
    assert!(core::mem::size_of::<PollError>() <= 12);
    assert!(core::mem::size_of::<Unsupported>() <= 12);
    #[cfg(feature = "netlink")]
    assert!(core::mem::size_of::<NetlinkError>() <= 12);
    let e = Error::Timeout;
    let f = e;
    assert_eq!(e, f);
}

#[test]
fn eagain_is_would_block() {
    assert_eq!(Error::from(Errno::AGAIN), Error::WouldBlock);
    assert_eq!(Error::from(Errno::PIPE), Error::Os(Errno::PIPE));
    assert_eq!(Error::WouldBlock.errno(), Some(Errno::AGAIN));
}

#[test]
fn partial_keeps_cause() {
    let e = Error::Timeout.after(7);
    assert_eq!(
        e,
        Error::Partial {
            sent: 7,
            cause: PartialCause::Timeout
        }
    );
    assert!(e.is_timeout());
    assert_eq!(e.bytes_sent(), Some(7));
    let e = Error::Os(Errno::PIPE).after(3);
    assert_eq!(e.errno(), Some(Errno::PIPE));
    assert!(!e.is_timeout());
}

#[test]
fn errnos_are_os_and_named_by_helpers() {
    let nodev = Error::from(Errno::NODEV);
    assert_eq!(nodev, Error::Os(Errno::NODEV));
    assert!(nodev.is_no_such_interface());
    assert!(!nodev.is_not_a_socket());
    assert!(Error::Os(Errno::NOTSOCK).is_not_a_socket());
    assert!(Error::Os(Errno::PIPE).after(3).is_errno(Errno::PIPE));
    assert!(Error::Os(Errno::NOPROTOOPT).is_unsupported());
    assert!(Error::Os(Errno::AFNOSUPPORT).is_unsupported());
    assert!(!Error::Timeout.is_unsupported());
    assert!(!Error::Address(AddressError::Invalid).is_no_such_interface());
    #[cfg(feature = "can")]
    {
        let unclaimed = Error::Can(CanInputError::J1939AddressNotClaimed {
            name: J1939Name::new(0x50),
            party: J1939Party::Source,
        });
        assert_eq!(unclaimed.errno(), Some(Errno::ADDRNOTAVAIL));
    }
    assert_eq!(Error::Address(AddressError::Missing).errno(), None);
}

#[test]
fn groups_convert_into_their_variant() {
    assert_eq!(
        Error::from(AddressError::UnixPathNul),
        Error::Address(AddressError::UnixPathNul)
    );
    assert_eq!(
        Error::from(InputError::ZeroTimeout),
        Error::Input(InputError::ZeroTimeout)
    );
    #[cfg(feature = "can")]
    assert_eq!(
        Error::from(CanInputError::MalformedBcm),
        Error::Can(CanInputError::MalformedBcm)
    );
    assert_eq!(
        Error::from(RingError::Malformed),
        Error::Ring(RingError::Malformed)
    );
    assert_eq!(Error::from(BpfError::Empty), Error::Bpf(BpfError::Empty));
    assert_eq!(
        Error::from(PollError::NotAdded),
        Error::Poll(PollError::NotAdded)
    );
    #[cfg(feature = "resolve")]
    assert_eq!(
        Error::from(NameError::Empty),
        Error::Resolve(ResolveError::InvalidName(NameError::Empty))
    );
    #[cfg(feature = "resolve")]
    assert_eq!(
        Error::from(WireError::Short),
        Error::Resolve(ResolveError::MalformedDns(WireError::Short))
    );
}

#[test]
fn an_invalid_address_points_to_the_resolver() {
    extern crate std;
    use std::string::ToString;
    let text = Error::Address(AddressError::Invalid).to_string();
    assert!(text.contains("localhost:80"), "{text}");
    assert!(text.contains("baresock::resolve"), "{text}");
    assert!(text.contains("create_connection"), "{text}");
}

/// The crate docs' `# Kernel versions` table (src/kernel_versions.md) has one row for every
/// [`KernelFeature`], with the version its `since()` gives.
#[test]
fn the_kernel_versions_table_names_every_feature_with_its_version() {
    let table = include_str!("../kernel_versions.md");
    let all = KernelFeature::ALL;
    for f in all {
        let name = std::format!("`KernelFeature::{f:?}`");
        let rows: std::vec::Vec<&str> = table.lines().filter(|l| l.contains(&name)).collect();
        assert_eq!(rows.len(), 1, "{name}: {rows:?}");
        let (major, minor) = f.since();
        let version = std::format!("| {major}.{minor} |");
        assert!(
            rows[0].contains(&version),
            "{name} needs {version}: {}",
            rows[0]
        );
    }
    // Every variant is in `ALL` (a new one without a row fails here, not silently).
    let count = table.matches("`KernelFeature::").count();
    assert_eq!(count, all.len(), "table rows naming a KernelFeature");
    for (i, f) in all.iter().enumerate() {
        assert!(!all[..i].contains(f), "{f:?} twice in ALL");
        // A match with no wildcard: a variant missing from `ALL` still compiles, but a new
        // variant must be added here, next to `ALL`.
        match f {
            KernelFeature::Mptcp
            | KernelFeature::VsockTransport
            | KernelFeature::VsockDatagram
            | KernelFeature::VsockSeqpacket
            | KernelFeature::CanXl
            | KernelFeature::MptcpInfo => {}
        }
    }
}
