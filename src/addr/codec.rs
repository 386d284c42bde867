//! The kernel's `sockaddr` bytes, encoded and decoded: pure functions over bytes, with no
//! system call and no `unsafe`, so that they can be tested and fuzzed without a kernel. The
//! calls that hand these bytes to the kernel, or have it write them, are in `sys`.

use core::mem::size_of;
use core::net::{Ipv4Addr, Ipv6Addr, SocketAddrV4, SocketAddrV6};

use linux_raw_sys::net as k;

use crate::{AddressError, CanAddr, Error, LinkAddr, Result, SockAddr, UnixAddr};

/// The family field's size (`sa_family_t`).
pub(crate) const FAMILY_LEN: usize = size_of::<u16>();
/// `sizeof(struct sockaddr_in6)`, the larger IP address.
pub(crate) const INET_STORAGE_LEN: usize = 28;
/// `sizeof(struct sockaddr_in)`.
pub(crate) const SOCKADDR_IN_LEN: u32 = 16;
/// `sizeof(struct sockaddr_in6)`.
pub(crate) const SOCKADDR_IN6_LEN: u32 = INET_STORAGE_LEN as u32;
/// `sizeof(struct sockaddr_un)`: the family and `sun_path`.
pub(crate) const SOCKADDR_UN_LEN: usize = FAMILY_LEN + crate::UNIX_PATH_MAX;

/// Decodes an IPv4 or IPv6 `sockaddr` from the kernel's bytes: `None` for another family,
/// [`AddressError::Malformed`] for a length too short for its family.
#[inline]
pub(crate) fn decode_inet(bytes: &[u8]) -> Option<Result<core::net::SocketAddr>> {
    let &[f0, f1] = bytes.first_chunk::<2>()?;
    let family = u16::from_ne_bytes([f0, f1]);
    let malformed = || {
        Err(Error::Address(AddressError::Malformed {
            family,
            len: bytes.len() as u32,
        }))
    };
    match u32::from(family) {
        k::AF_INET => {
            let Some(b) = bytes.first_chunk::<8>() else {
                return Some(malformed());
            };
            Some(Ok(v4(b).into()))
        }
        k::AF_INET6 => {
            let Some(b) = bytes.first_chunk::<28>() else {
                return Some(malformed());
            };
            Some(Ok(v6(b).into()))
        }
        _ => None,
    }
}

/// A `sockaddr_in`'s address: family, port (be16), address (4); the padding is not read.
#[inline(always)]
pub(crate) fn v4(b: &[u8; 8]) -> SocketAddrV4 {
    let port = u16::from_be_bytes([b[2], b[3]]);
    SocketAddrV4::new(Ipv4Addr::new(b[4], b[5], b[6], b[7]), port)
}

/// A `sockaddr_in6`'s address: family, port (be16), flowinfo (be32), address (16), scope id.
#[inline(always)]
pub(crate) fn v6(b: &[u8; 28]) -> SocketAddrV6 {
    let port = u16::from_be_bytes([b[2], b[3]]);
    let flowinfo = u32::from_be_bytes([b[4], b[5], b[6], b[7]]);
    let mut ip = [0u8; 16];
    ip.copy_from_slice(&b[8..24]);
    // One 16-byte value, not 16 bytes: keeps the merge with the IPv4 path in few registers.
    let ip = Ipv6Addr::from_bits(u128::from_be_bytes(ip));
    let scope_id = u32::from_ne_bytes([b[24], b[25], b[26], b[27]]);
    SocketAddrV6::new(ip, port, flowinfo, scope_id)
}

/// The error for a sender that is not a plain IP address: `bytes` as the kernel wrote them
/// (capped at the room), `len` the length it gave. [`AddressError::Missing`] for none, else
/// [`AddressError::Malformed`] with the family where the kernel wrote one (0 under 2 bytes).
pub(crate) fn odd_sender(bytes: &[u8], len: u32) -> Error {
    let family = match bytes.first_chunk::<2>() {
        Some(&f) => u16::from_ne_bytes(f),
        None => 0,
    };
    match len {
        0 => Error::Address(AddressError::Missing),
        len => Error::Address(AddressError::Malformed { family, len }),
    }
}

/// An IPv4 address as the kernel reads it (`struct sockaddr_in`, linux/in.h): family, port
/// (be16), address, 8 zero bytes. Built as one 16-byte integer: written with one or two
/// stores, where field by field it would take four.
#[inline(always)]
pub(crate) const fn sockaddr_in(a: &SocketAddrV4) -> [u8; SOCKADDR_IN_LEN as usize] {
    let [f0, f1] = (k::AF_INET as u16).to_ne_bytes();
    let [p0, p1] = a.port().to_be_bytes();
    let [i0, i1, i2, i3] = a.ip().octets();
    let head = u64::from_ne_bytes([f0, f1, p0, p1, i0, i1, i2, i3]);
    // `head` in the first 8 bytes in memory, zeros after.
    #[cfg(target_endian = "little")]
    let whole = head as u128;
    #[cfg(target_endian = "big")]
    let whole = (head as u128) << 64;
    whole.to_ne_bytes()
}

/// An IPv6 address as the kernel reads it (`struct sockaddr_in6`, linux/in6.h): family, port
/// (be16), flowinfo (be32), address, scope id (native order). Whole arrays, no loops.
#[inline(always)]
pub(crate) const fn sockaddr_in6(a: &SocketAddrV6) -> [u8; INET_STORAGE_LEN] {
    let [f0, f1] = (k::AF_INET6 as u16).to_ne_bytes();
    let [p0, p1] = a.port().to_be_bytes();
    let [w0, w1, w2, w3] = a.flowinfo().to_be_bytes();
    let [s0, s1, s2, s3] = a.scope_id().to_ne_bytes();
    let ip = a.ip().octets();
    let mut b = [0u8; INET_STORAGE_LEN];
    (b[0], b[1], b[2], b[3]) = (f0, f1, p0, p1);
    (b[4], b[5], b[6], b[7]) = (w0, w1, w2, w3);
    let mut i = 0;
    while i < 16 {
        b[8 + i] = ip[i];
        i += 1;
    }
    (b[24], b[25], b[26], b[27]) = (s0, s1, s2, s3);
    b
}

/// A Unix address as the kernel reads it (`struct sockaddr_un`, linux/un.h), and how many of
/// its bytes are meaningful: the family and the `sun_path` bytes in use (2 to 110).
#[inline]
pub(crate) fn sockaddr_un(a: &UnixAddr) -> ([u8; SOCKADDR_UN_LEN], usize) {
    let mut b = [0u8; SOCKADDR_UN_LEN];
    b[..FAMILY_LEN].copy_from_slice(&(k::AF_UNIX as u16).to_ne_bytes());
    b[FAMILY_LEN..].copy_from_slice(a.raw_sun_path());
    (b, FAMILY_LEN + a.sun_path().len())
}

/// Decodes a `sockaddr` of any supported family from the kernel's bytes.
///
/// Fails with [`AddressError::Malformed`] when the length does not fit the family, and
/// [`AddressError::Unsupported`] for a family this crate does not decode. Never panics. (The
/// receives keep such bytes instead, as [`SockAddr::Other`]: `addr::decode_or_raw`.)
pub(crate) fn decode(bytes: &[u8]) -> Result<SockAddr> {
    if let Some(inet) = decode_inet(bytes) {
        return inet.map(SockAddr::from);
    }
    let malformed = |family: u16| {
        Error::Address(AddressError::Malformed {
            family,
            len: bytes.len() as u32,
        })
    };
    let Some(&[f0, f1]) = bytes.first_chunk::<2>() else {
        return Err(malformed(0));
    };
    let family = u16::from_ne_bytes([f0, f1]);
    match u32::from(family) {
        k::AF_UNIX => UnixAddr::from_kernel(&bytes[FAMILY_LEN..])
            .map(SockAddr::Unix)
            .ok_or(malformed(family)),
        k::AF_CAN => CanAddr::from_bytes(bytes)
            .map(SockAddr::Can)
            .ok_or(malformed(family)),
        k::AF_NETLINK => crate::NetlinkAddr::from_bytes(bytes)
            .map(SockAddr::Netlink)
            .ok_or(malformed(family)),
        k::AF_PACKET => LinkAddr::from_bytes(bytes)
            .map(SockAddr::Packet)
            .ok_or(malformed(family)),
        k::AF_VSOCK => crate::VsockAddr::from_bytes(bytes)
            .map(SockAddr::Vsock)
            .ok_or(malformed(family)),
        _ => Err(Error::Address(AddressError::Unsupported { family })),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sockaddr_in_is_the_kernel_struct() {
        let a = SocketAddrV4::new(Ipv4Addr::new(192, 0, 2, 7), 0x1234);
        let mut want = [0u8; 16];
        want[..2].copy_from_slice(&(k::AF_INET as u16).to_ne_bytes());
        want[2..4].copy_from_slice(&[0x12, 0x34]);
        want[4..8].copy_from_slice(&[192, 0, 2, 7]);
        assert_eq!(sockaddr_in(&a), want);
        assert_eq!(
            &crate::addr::Encoded::new(&a.into()).0[..16],
            &want[..],
            "the same bytes as a Destination's"
        );
    }

    #[test]
    fn sockaddr_un_is_the_kernel_struct() {
        assert_eq!(SOCKADDR_UN_LEN, size_of::<k::sockaddr_un>());
        assert_eq!(FAMILY_LEN, core::mem::offset_of!(k::sockaddr_un, sun_path));
    }

    #[test]
    fn sockaddr_in6_is_the_kernel_struct() {
        let ip = Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 1);
        let b = sockaddr_in6(&SocketAddrV6::new(ip, 443, 0x000a_bcde, 7));
        assert_eq!(&b[..2], &(k::AF_INET6 as u16).to_ne_bytes());
        assert_eq!(&b[2..8], &[0x01, 0xbb, 0x00, 0x0a, 0xbc, 0xde]);
        assert_eq!(&b[8..24], &ip.octets());
        assert_eq!(&b[24..28], &7u32.to_ne_bytes());
        assert_eq!(size_of_val(&b), size_of::<k::sockaddr_in6>());
    }

    #[test]
    fn bad_bytes_are_named_errors() {
        assert_eq!(
            decode(&[]),
            Err(Error::Address(AddressError::Malformed {
                family: 0,
                len: 0
            }))
        );
        assert_eq!(
            decode(&[2]),
            Err(Error::Address(AddressError::Malformed {
                family: 0,
                len: 1
            }))
        );
        let inet = (k::AF_INET as u16).to_ne_bytes();
        assert_eq!(
            decode(&[inet[0], inet[1], 0, 80]),
            Err(Error::Address(AddressError::Malformed {
                family: k::AF_INET as u16,
                len: 4
            }))
        );
        let mut v6 = [0u8; 27];
        v6[..2].copy_from_slice(&(k::AF_INET6 as u16).to_ne_bytes());
        assert!(matches!(
            decode(&v6),
            Err(Error::Address(AddressError::Malformed { len: 27, .. }))
        ));
        let mut un = [0u8; 111];
        un[..2].copy_from_slice(&(k::AF_UNIX as u16).to_ne_bytes());
        assert!(matches!(
            decode(&un),
            Err(Error::Address(AddressError::Malformed { len: 111, .. }))
        ));
        let nl = (k::AF_NETLINK as u16).to_ne_bytes();
        assert_eq!(
            decode(&[nl[0], nl[1], 0, 0]),
            Err(Error::Address(AddressError::Malformed {
                family: k::AF_NETLINK as u16,
                len: 4
            }))
        );
        let mut vm = [0u8; 17];
        vm[..2].copy_from_slice(&(k::AF_VSOCK as u16).to_ne_bytes());
        for len in [2, 15, 17] {
            assert_eq!(
                decode(&vm[..len]),
                Err(Error::Address(AddressError::Malformed {
                    family: k::AF_VSOCK as u16,
                    len: len as u32
                }))
            );
        }
        assert_eq!(
            decode(&vm[..16]),
            Ok(SockAddr::Vsock(crate::VsockAddr::new(0, 0)))
        );
        let bt = 31u16.to_ne_bytes();
        assert_eq!(
            decode(&[bt[0], bt[1], 0, 0]),
            Err(Error::Address(AddressError::Unsupported { family: 31 }))
        );
    }

    /// Found by the `sockaddr` fuzz target (fuzz/findings/sockaddr-unix-longer-than-sockaddr_un):
    /// a path name that ends at a NUL decoded even when the length is past `sockaddr_un`
    /// (110 bytes); `decode` promises `MalformedAddress` for a length that does not fit the
    /// family (as it does for an abstract name of that length). The one such length the
    /// kernel gives, a 108-byte path and the NUL it appends (111 bytes), still decodes.
    #[test]
    fn unix_longer_than_sockaddr_un_is_malformed() {
        let mut un = [0u8; 111];
        un[..2].copy_from_slice(&(k::AF_UNIX as u16).to_ne_bytes());
        un[2] = b'a';
        let malformed = |len| {
            Err(Error::Address(AddressError::Malformed {
                family: k::AF_UNIX as u16,
                len,
            }))
        };
        assert_eq!(decode(&un), malformed(111));
        // 108 bytes of path and the kernel's NUL: what getsockname gives for a full path.
        un[2..110].fill(b'p');
        let full = SockAddr::from(UnixAddr::new(&[b'p'; 108]).unwrap());
        assert_eq!(decode(&un), Ok(full));
        // Anything past that NUL, or in its place, does not fit.
        let mut long = [b'p'; 112];
        long[..2].copy_from_slice(&(k::AF_UNIX as u16).to_ne_bytes());
        long[110] = 0;
        assert_eq!(decode(&long), malformed(112));
        assert_eq!(decode(&long[..111]), Ok(full));
        long[110] = b'p';
        assert_eq!(decode(&long[..111]), malformed(111));
    }
}
