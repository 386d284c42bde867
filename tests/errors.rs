//! Error values: Display, conversions with std::io::Error, and the named errors that need a
//! hostile environment to appear.
#![allow(unsafe_code)] // a test or example may use libc and raw fds itself; the library may not

mod common;

#[cfg(feature = "can")]
use baresock::can::CanInputError;
#[cfg(feature = "resolve")]
use baresock::resolve::ResolveError;
use baresock::{AddressError, InputError};
use common::fork::Child;
use std::net::SocketAddr;

#[cfg(feature = "resolve")]
use baresock::resolve::{HostError, HostErrorKind, LookupCause, LookupError, LookupErrorKind};
use baresock::{create_server, Errno, Error, Family, PartialCause, ServerOptions, SockAddr, Type};

fn every_variant() -> Vec<Error> {
    #[allow(unused_mut)] // without `resolve` and `can` nothing is added
    let mut v = vec![
        Error::Os(Errno::CONNREFUSED),
        Error::WouldBlock,
        Error::Timeout,
        Error::Partial {
            sent: 5,
            cause: PartialCause::Os(Errno::PIPE),
        },
        Error::Partial {
            sent: 6,
            cause: PartialCause::Timeout,
        },
        Error::Partial {
            sent: 7,
            cause: PartialCause::WouldBlock,
        },
        Error::Truncated { len: 9000 },
        Error::Address(AddressError::UnixPathTooLong { len: 200, max: 108 }),
        Error::Address(AddressError::UnixPathNul),
        Error::Address(AddressError::UnixPathEmpty),
        Error::Address(AddressError::FamilyMismatch {
            socket: Family::INET,
            addr: Family::INET6,
        }),
        Error::Input(InputError::TypeMismatch {
            expected: Type::STREAM,
            found: Type::DGRAM,
        }),
        Error::Input(InputError::WrongFamily {
            expected: Family::INET,
            found: Family::UNIX,
        }),
        Error::Address(AddressError::Missing),
        Error::Address(AddressError::Invalid),
        Error::Os(Errno::NOTSOCK),
        Error::Address(AddressError::Unsupported { family: 16 }),
        Error::Address(AddressError::TooLong { len: 129, max: 128 }),
        Error::Address(AddressError::LinkAddrTooLong { len: 33, max: 32 }),
        Error::Address(AddressError::Malformed { family: 2, len: 4 }),
        Error::Input(InputError::OptionSize {
            expected: 16,
            got: 4,
        }),
        Error::Bpf(baresock::bpf::BpfError::NoFinalReturn),
        Error::Input(InputError::BufferTooSmall { needed: 32 }),
        Error::Input(InputError::TooManyFds { count: 254 }),
        Error::Input(InputError::DurationOutOfRange),
        Error::Input(InputError::ZeroTimeout),
        Error::Input(InputError::NoAddresses),
        Error::Input(InputError::DualStackNeedsIpv6),
        Error::Os(Errno::AFNOSUPPORT),
    ];
    #[cfg(feature = "resolve")]
    v.extend([
        Error::Resolve(ResolveError::Lookup(LookupError::new(
            LookupErrorKind::NoName,
            LookupCause::NxDomain,
        ))),
        Error::Resolve(ResolveError::Lookup(LookupError::new(
            LookupErrorKind::TryAgain,
            LookupCause::NoReply { tries: 4 },
        ))),
        Error::Resolve(ResolveError::Host(HostError::new(
            HostErrorKind::NotFound,
            LookupCause::NxDomain,
        ))),
        Error::Resolve(ResolveError::InvalidName(
            baresock::resolve::NameError::TooLong,
        )),
    ]);
    #[cfg(feature = "can")]
    v.extend([
        Error::Can(CanInputError::TooManyFilters { count: 513 }),
        Error::Can(CanInputError::InvalidId { id: 0x800 }),
        Error::Can(CanInputError::InvalidLength { len: 9 }),
    ]);
    v
}

#[test]
fn display_names_the_errno_and_the_details() {
    assert_eq!(
        Error::Os(Errno::PIPE).to_string(),
        "EPIPE: Broken pipe (os error 32)"
    );
    assert_eq!(
        Error::Partial {
            sent: 5,
            cause: PartialCause::Os(Errno::PIPE)
        }
        .to_string(),
        "stopped after sending 5 bytes: EPIPE: Broken pipe (os error 32)"
    );
    assert!(
        Error::Address(AddressError::UnixPathTooLong { len: 200, max: 108 })
            .to_string()
            .contains("200")
    );
    assert!(Error::Os(Errno::AFNOSUPPORT)
        .to_string()
        .contains("EAFNOSUPPORT"));
    assert!(Error::Os(Errno::from_raw_os_error(4000))
        .to_string()
        .contains("4000"));
    for e in every_variant() {
        assert!(!e.to_string().is_empty(), "{e:?}");
        let _: &dyn std::error::Error = &e;
    }
}

#[cfg(feature = "std")]
#[test]
fn io_error_conversions_keep_the_kind() {
    use std::io::ErrorKind;
    let io = std::io::Error::from(Error::Timeout);
    assert_eq!(io.kind(), ErrorKind::TimedOut);
    assert_eq!(Error::from(io), Error::Timeout);
    let io = std::io::Error::from(Error::WouldBlock);
    assert_eq!(io.kind(), ErrorKind::WouldBlock);
    assert_eq!(Error::from(io), Error::WouldBlock);
    let io = std::io::Error::from(Error::Os(Errno::CONNREFUSED));
    assert_eq!(io.kind(), ErrorKind::ConnectionRefused);
    assert_eq!(io.raw_os_error(), Some(111));
    assert_eq!(Error::from(io), Error::Os(Errno::CONNREFUSED));
    assert_eq!(
        std::io::Error::from(Error::Address(AddressError::UnixPathNul)).kind(),
        ErrorKind::InvalidInput
    );
    assert_eq!(
        std::io::Error::from(Error::Os(Errno::NOTSOCK)).raw_os_error(),
        Some(Errno::NOTSOCK.raw_os_error())
    );
    assert_eq!(
        std::io::Error::from(Error::Partial {
            sent: 1,
            cause: PartialCause::Timeout
        })
        .kind(),
        ErrorKind::TimedOut
    );
    assert_eq!(
        Error::from(std::io::Error::from(ErrorKind::InvalidInput)),
        Error::Os(Errno::INVAL)
    );
    assert_eq!(
        Error::from(std::io::Error::other("x")),
        Error::Os(Errno::IO)
    );
    // Every variant survives the round trip with its errno, timeout and would-block kinds.
    for e in every_variant() {
        let back = Error::from(std::io::Error::from(e));
        assert_eq!(
            back.errno().is_some(),
            e.errno().is_some() || !e.is_timeout(),
            "{e:?} -> {back:?}"
        );
        if let Some(errno) = e.errno() {
            assert_eq!(back.errno(), Some(errno), "{e:?} -> {back:?}");
        }
        assert_eq!(back.is_timeout(), e.is_timeout(), "{e:?} -> {back:?}");
        assert_eq!(
            back.is_would_block(),
            e.is_would_block(),
            "{e:?} -> {back:?}"
        );
    }
}

#[test]
fn malformed_kernel_addresses_are_named() {
    assert_eq!(
        SockAddr::decode(&[]),
        Err(Error::Address(AddressError::Malformed {
            family: 0,
            len: 0
        }))
    );
    let inet = (libc::AF_INET as u16).to_ne_bytes();
    assert_eq!(
        SockAddr::decode(&[inet[0], inet[1], 0]),
        Err(Error::Address(AddressError::Malformed {
            family: libc::AF_INET as u16,
            len: 3
        }))
    );
    let x = (libc::AF_X25 as u16).to_ne_bytes();
    assert_eq!(
        SockAddr::decode(&[x[0], x[1], 0, 0]),
        Err(Error::Address(AddressError::Unsupported {
            family: libc::AF_X25 as u16
        }))
    );
}

/// Runs `child` in a forked process under a seccomp filter that makes `socket(AF_INET6, ..)`
/// fail with `EAFNOSUPPORT`, as on a host without IPv6: what it reported, or a skip where
/// seccomp filters cannot be installed.
fn without_ipv6(child: fn() -> Result<(), String>) -> Result<Child, String> {
    // Offsets in `struct seccomp_data`: nr at 0, args[0] at 16 (its low word at 20 on big-endian).
    const ARG0_LOW: u32 = if cfg!(target_endian = "big") { 20 } else { 16 };
    let f = |code: u16, jt: u8, jf: u8, k: u32| libc::sock_filter { code, jt, jf, k };
    let ld = (libc::BPF_LD | libc::BPF_W | libc::BPF_ABS) as u16;
    let jeq = (libc::BPF_JMP | libc::BPF_JEQ | libc::BPF_K) as u16;
    let ret = (libc::BPF_RET | libc::BPF_K) as u16;
    let prog = [
        f(ld, 0, 0, 0),
        f(jeq, 0, 3, libc::SYS_socket as u32),
        f(ld, 0, 0, ARG0_LOW),
        f(jeq, 0, 1, libc::AF_INET6 as u32),
        f(
            ret,
            0,
            0,
            libc::SECCOMP_RET_ERRNO | libc::EAFNOSUPPORT as u32,
        ),
        f(ret, 0, 0, libc::SECCOMP_RET_ALLOW),
    ];
    let fprog = libc::sock_fprog {
        len: prog.len() as u16,
        filter: prog.as_ptr() as *mut _,
    };
    common::fork::in_child(|| {
        // SAFETY: plain prctl calls with a filter that outlives them.
        let installed = unsafe {
            libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0
                && libc::prctl(libc::PR_SET_SECCOMP, libc::SECCOMP_MODE_FILTER, &fprog) == 0
        };
        if !installed {
            return Ok(Child::Skipped(format!(
                "seccomp filters are not available here ({})",
                std::io::Error::last_os_error()
            )));
        }
        child().map(|()| Child::Passed)
    })
}

#[test]
fn dual_stack_unavailable_is_named() {
    if common::under_qemu_user() {
        skip!("qemu-user does not run seccomp filters");
    }
    let outcome = without_ipv6(|| {
        let any6: SocketAddr = "[::]:0".parse().unwrap();
        match create_server(
            any6,
            ServerOptions {
                dual_stack: true,
                ..Default::default()
            },
        ) {
            Err(Error::Os(e)) if e == Errno::AFNOSUPPORT => Ok(()),
            other => Err(format!("expected Os(EAFNOSUPPORT), got {other:?}")),
        }
    });
    match outcome {
        Ok(Child::Skipped(why)) => skip!("{why}"),
        Ok(Child::Passed) => {}
        Err(why) => panic!("{why}"),
    }
}
