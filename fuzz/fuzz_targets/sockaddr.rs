//! `baresock::SockAddr::decode` on arbitrary bytes: every family.
//!
//! Asserts: the result's family is the bytes' family field; every field is the one the
//! kernel's layout puts there (`sockaddr_in`, `sockaddr_in6`, `sockaddr_un`, `sockaddr_ll`,
//! `sockaddr_can`, `sockaddr_nl`, `sockaddr_vm`); a length that does not fit is `AddressError::Malformed` with the family and length,
//! an unknown family `AddressError::Unsupported`; the accessors and `Display`/`Debug` agree and never
//! panic; and the address encoded again the way the system calls take it (`SocketAddrArg`)
//! decodes to the same address.
#![no_main]

use baresock::AddressError;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use baresock::{Error, Family, SockAddr, UnixAddrKind, UNIX_PATH_MAX};
use libfuzzer_sys::fuzz_target;
use rustix::net::addr::SocketAddrArg;

const AF_UNIX: u16 = 1;
const AF_INET: u16 = 2;
const AF_INET6: u16 = 10;
const AF_PACKET: u16 = 17;
const AF_CAN: u16 = 29;
const AF_NETLINK: u16 = 16;
const AF_VSOCK: u16 = 40;

fuzz_target!(|data: &[u8]| {
    let ne16 = |at: usize| u16::from_ne_bytes([data[at], data[at + 1]]);
    let ne32 = |at: usize| u32::from_ne_bytes(data[at..at + 4].try_into().unwrap());
    let result = SockAddr::decode(data);
    let _ = format!("{result:?}");
    if data.len() < 2 {
        assert_eq!(
            result,
            Err(Error::Address(AddressError::Malformed {
                family: 0,
                len: data.len() as u32
            }))
        );
        return;
    }
    let family = ne16(0);
    let malformed = Err(Error::Address(AddressError::Malformed {
        family,
        len: data.len() as u32,
    }));
    let addr = match family {
        AF_INET if data.len() < 8 => return assert_eq!(result, malformed),
        AF_INET6 if data.len() < 28 => return assert_eq!(result, malformed),
        // Past `sockaddr_un` (110 bytes), whatever the path holds, but for the one such length
        // the kernel gives: a full 108-byte path name and the NUL it appends (unix(7), BUGS).
        AF_UNIX if data.len() > 2 + UNIX_PATH_MAX && !full_path_and_nul(data) => {
            return assert_eq!(result, malformed);
        }
        AF_CAN if data.len() < 8 => return assert_eq!(result, malformed),
        AF_PACKET if data.len() < 12 || data[11] > 32 || data.len() < 12 + data[11] as usize => {
            return assert_eq!(result, malformed);
        }
        AF_NETLINK if data.len() != 12 => return assert_eq!(result, malformed),
        AF_VSOCK if data.len() != 16 => return assert_eq!(result, malformed),
        AF_INET | AF_INET6 | AF_UNIX | AF_CAN | AF_PACKET | AF_NETLINK | AF_VSOCK => {
            result.expect("a well-formed address of a known family")
        }
        _ => {
            return assert_eq!(
                result,
                Err(Error::Address(AddressError::Unsupported { family }))
            )
        }
    };

    let _ = format!("{addr} {addr:?}");
    assert_eq!(addr.family().as_raw(), family);
    assert_eq!(Family::from_raw(family), addr.family());
    assert_eq!(addr.as_inet().map(|a| a.ip()), addr.ip());
    assert_eq!(addr.as_inet().map(|a| a.port()), addr.port());
    match &addr {
        SockAddr::V4(a) => {
            assert_eq!(family, AF_INET);
            assert_eq!(a.port(), u16::from_be_bytes([data[2], data[3]]));
            assert_eq!(*a.ip(), Ipv4Addr::new(data[4], data[5], data[6], data[7]));
            assert_eq!(addr.family(), Family::INET);
        }
        SockAddr::V6(a) => {
            assert_eq!(family, AF_INET6);
            assert_eq!(a.port(), u16::from_be_bytes([data[2], data[3]]));
            assert_eq!(
                a.flowinfo(),
                u32::from_be_bytes(data[4..8].try_into().unwrap())
            );
            let ip: [u8; 16] = data[8..24].try_into().unwrap();
            assert_eq!(addr.ip(), Some(IpAddr::V6(Ipv6Addr::from(ip))));
            assert_eq!(a.scope_id(), ne32(24));
        }
        SockAddr::Unix(u) => {
            assert_eq!(family, AF_UNIX);
            assert_eq!(addr.as_unix(), Some(u));
            let path = &data[2..];
            match u.kind() {
                UnixAddrKind::Unnamed => assert!(path.is_empty() && u.is_unnamed()),
                UnixAddrKind::Abstract(name) => {
                    assert_eq!(path[0], 0);
                    assert_eq!(name, &path[1..]);
                    assert_eq!(u.as_abstract(), Some(name));
                }
                UnixAddrKind::Pathname(p) => {
                    let end = path.iter().position(|&b| b == 0).unwrap_or(path.len());
                    assert_eq!(p, &path[..end]);
                    assert!(!p.is_empty());
                    assert_eq!(u.as_pathname(), Some(p));
                    assert_eq!(u.as_path().map(|p| p.as_os_str().len()), Some(p.len()));
                }
            }
            assert!(u.sun_path().len() <= UNIX_PATH_MAX);
            let _ = format!("{u} {u:?}");
        }
        SockAddr::Packet(l) => {
            assert_eq!(family, AF_PACKET);
            assert_eq!(l.protocol(), u16::from_be_bytes([data[2], data[3]]));
            assert_eq!(l.ifindex(), ne32(4));
            assert_eq!(l.hardware_type(), ne16(8));
            assert_eq!(l.packet_type().as_raw(), data[10]);
            assert_eq!(l.address(), &data[12..12 + data[11] as usize]);
            let _ = format!("{l} {l:?}");
        }
        SockAddr::Can(c) => {
            assert_eq!(family, AF_CAN);
            assert_eq!(c.ifindex(), ne32(4));
            let mut union = [0u8; 16];
            let rest = &data[8..data.len().min(24)];
            union[..rest.len()].copy_from_slice(rest);
            let word = |i: usize| u32::from_ne_bytes(union[i..i + 4].try_into().unwrap());
            assert_eq!(c.isotp_ids(), (word(0), word(4)));
            let name = u64::from_ne_bytes(union[..8].try_into().unwrap());
            assert_eq!(c.j1939_parts(), (name, word(8), union[12]));
            let _ = format!("{c} {c:?}");
        }
        SockAddr::Netlink(n) => {
            assert_eq!(family, AF_NETLINK);
            assert_eq!((n.port_id(), n.groups()), (ne32(4), ne32(8)));
            let _ = format!("{n} {n:?}");
        }
        SockAddr::Vsock(v) => {
            assert_eq!(family, AF_VSOCK);
            assert_eq!((v.port(), v.cid(), v.flags()), (ne32(4), ne32(8), data[12]));
            assert_eq!(v.to_host(), data[12] & 1 != 0);
            // The text form reads back as the same address.
            assert_eq!(v.to_string().parse::<baresock::VsockAddr>(), Ok(*v));
            let _ = format!("{v:?}");
        }
        _ => {}
    }

    // Encoded as the system calls take it, it decodes to the same address.
    let any = addr.as_any();
    let len = any.addr_len() as usize;
    // SAFETY: a `SocketAddrAny` holds storage whose first `addr_len()` bytes were written by
    // the encoder; the length is within the storage.
    let bytes = unsafe { std::slice::from_raw_parts(any.as_ptr().cast::<u8>(), len) };
    assert_eq!(SockAddr::decode(bytes), Ok(addr), "re-encoded as {bytes:?}");
});

/// 111 bytes: the family, 108 bytes of path name without a NUL, and the NUL the kernel
/// appends to a full path name past `sun_path` (what `getsockname` gives for one).
fn full_path_and_nul(data: &[u8]) -> bool {
    data.len() == 2 + UNIX_PATH_MAX + 1
        && data[2] != 0
        && !data[2..2 + UNIX_PATH_MAX].contains(&0)
        && data[2 + UNIX_PATH_MAX] == 0
}
