//! Addresses as the kernel's bytes, for families (or forms) the crate has no typed address for.

use crate::AddressError;
use core::fmt;

use crate::{Error, Result, SockAddr};

/// The most bytes a [`RawAddr`] holds: `sizeof(struct sockaddr_storage)`, the room the kernel
/// fills with any family's address.
pub const RAW_ADDR_MAX: usize = 128;

/// A socket address as the kernel's bytes (`struct sockaddr`, the family field first, in
/// native byte order), up to [`RAW_ADDR_MAX`] of them.
///
/// What a receive gives, as [`SockAddr::Other`](crate::SockAddr::Other), for a sender of
/// a family this crate has no typed address for (an `AF_NETLINK` socket wrapped with
/// `From<OwnedFd>`, for one), or of a known family whose bytes do not fit its typed form: the
/// data is never thrown away because the sender's address could not be decoded. It can also be
/// sent to: the bytes go to the kernel as they are, and the kernel judges them.
///
/// ```
/// use baresock::{RawAddr, SockAddr};
/// // A `sockaddr_nl` (linux/netlink.h): family 16, padding, port id 0 (the kernel), groups 0.
/// let mut nl = [0u8; 12];
/// nl[..2].copy_from_slice(&16u16.to_ne_bytes());
/// let raw = RawAddr::new(&nl)?;
/// assert_eq!(raw.family(), 16);
/// assert_eq!(raw.as_bytes(), &nl);
/// assert_eq!(SockAddr::from(raw).as_raw(), Some(&raw));
/// assert!(RawAddr::new(&[0; 129]).is_err());
/// # Ok::<(), baresock::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct RawAddr {
    /// The bytes, zero past `len` (so that the derived comparisons see only the address).
    bytes: [u8; RAW_ADDR_MAX],
    len: u8,
}

impl RawAddr {
    /// An address of these bytes. Fails with
    /// [`AddressError::TooLong`](crate::AddressError::TooLong) past [`RAW_ADDR_MAX`] bytes.
    pub const fn new(bytes: &[u8]) -> Result<RawAddr> {
        if bytes.len() > RAW_ADDR_MAX {
            return Err(Error::Address(AddressError::TooLong {
                len: crate::error::sat32(bytes.len()),
                max: RAW_ADDR_MAX as u16,
            }));
        }
        Ok(RawAddr::capped(bytes))
    }

    /// The first [`RAW_ADDR_MAX`] bytes of `bytes`, as an address: what the receives keep of
    /// an address the kernel says is longer than the room it was given (it never is).
    pub(crate) const fn capped(bytes: &[u8]) -> RawAddr {
        let len = if bytes.len() < RAW_ADDR_MAX {
            bytes.len()
        } else {
            RAW_ADDR_MAX
        };
        let mut out = [0u8; RAW_ADDR_MAX];
        let mut i = 0;
        while i < len {
            out[i] = bytes[i];
            i += 1;
        }
        RawAddr {
            bytes: out,
            len: len as u8,
        }
    }

    /// The family field (`sa_family`, an `AF_*` number); 0 (`AF_UNSPEC`) if the address is
    /// shorter than the field.
    pub const fn family(&self) -> u16 {
        if self.len < 2 {
            return 0;
        }
        u16::from_ne_bytes([self.bytes[0], self.bytes[1]])
    }

    /// The bytes, the family field first.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len as usize]
    }

    /// How many bytes the address has.
    pub const fn len(&self) -> usize {
        self.len as usize
    }

    /// Whether the address has no bytes at all.
    pub const fn is_empty(&self) -> bool {
        self.len == 0
    }
}

/// Decodes the kernel's bytes of an address, as [`SockAddr::decode`](crate::SockAddr::decode)
/// does, but never fails: bytes it refuses (a family without a typed address, a length that
/// does not fit) come back as [`SockAddr::Other`], the first [`RAW_ADDR_MAX`] of them. What
/// every receive uses, so that none fails for its sender's address.
#[inline]
pub(crate) fn decode_or_raw(bytes: &[u8]) -> SockAddr {
    match crate::addr::codec::decode(bytes) {
        Ok(a) => a,
        Err(_) => SockAddr::Other(RawAddr::capped(bytes)),
    }
}

impl fmt::Display for RawAddr {
    /// `family 16: 10 00 00 00 ...`: the family's number, then every byte in hex.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "family {}:", self.family())?;
        for b in self.as_bytes() {
            write!(f, " {b:02x}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for RawAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RawAddr")
            .field("family", &self.family())
            .field("bytes", &self.as_bytes())
            .finish()
    }
}

#[cfg(feature = "defmt")]
impl defmt::Format for RawAddr {
    fn format(&self, f: defmt::Formatter<'_>) {
        defmt::write!(
            f,
            "RawAddr {{ family: {=u16}, bytes: {=[u8]:02x} }}",
            self.family(),
            self.as_bytes()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_and_family() {
        let a = RawAddr::new(&[16, 0, 0, 0, 1, 2, 3, 4]).unwrap();
        assert_eq!(a.as_bytes(), &[16, 0, 0, 0, 1, 2, 3, 4]);
        assert_eq!(a.len(), 8);
        assert_eq!(a.family(), u16::from_ne_bytes([16, 0]));
        assert_eq!(RawAddr::new(&[7]).unwrap().family(), 0);
        assert!(RawAddr::new(&[]).unwrap().is_empty());
        assert_eq!(
            RawAddr::new(&[0; 129]),
            Err(Error::Address(AddressError::TooLong { len: 129, max: 128 }))
        );
        let full = RawAddr::new(&[9; 128]).unwrap();
        assert_eq!(full.len(), 128);
        assert_eq!(RawAddr::capped(&[9; 200]), full);
    }

    /// A `sockaddr_ll` as packet_recvmsg writes it: 12 bytes of fields, then `halen` bytes.
    fn sockaddr_ll(halen: u8) -> std::vec::Vec<u8> {
        let mut b = std::vec![0u8; 12 + halen as usize];
        b[..2].copy_from_slice(&(linux_raw_sys::net::AF_PACKET as u16).to_ne_bytes());
        b[2..4].copy_from_slice(&0x0800u16.to_be_bytes());
        b[4..8].copy_from_slice(&4i32.to_ne_bytes());
        b[8..10].copy_from_slice(&32u16.to_ne_bytes()); // ARPHRD_INFINIBAND
        b[11] = halen;
        for (i, x) in b[12..].iter_mut().enumerate() {
            *x = 0xa0 + i as u8;
        }
        b
    }

    /// Issue 17, item 7: a sender the typed forms cannot hold is kept as bytes, never an error. IP
    /// over InfiniBand's 20-byte hardware address is a `LinkAddr` (it used to be
    /// `AddressError::Malformed`); a `sockaddr_ll` claiming more than `MAX_ADDR_LEN` (32), which
    /// the kernel never writes, is raw; so is every family without a typed address, and an address
    /// longer than `sockaddr_storage` is capped at its 128 bytes.
    #[test]
    fn what_does_not_decode_is_kept_raw() {
        let ipoib = sockaddr_ll(20);
        match decode_or_raw(&ipoib) {
            SockAddr::Packet(l) => {
                assert_eq!(l.address(), &ipoib[12..]);
                assert_eq!(l.hardware_type(), 32);
            }
            other => panic!("a 20-byte hardware address is a LinkAddr: {other:?}"),
        }
        let long = sockaddr_ll(33);
        assert_eq!(
            crate::SockAddr::decode(&long),
            Err(Error::Address(AddressError::Malformed {
                family: linux_raw_sys::net::AF_PACKET as u16,
                len: 45
            })),
            "SockAddr::decode keeps its contract"
        );
        let kept = decode_or_raw(&long);
        assert_eq!(kept.as_raw().map(RawAddr::as_bytes), Some(&long[..]));
        assert_eq!(kept.family(), crate::Family::PACKET);
        assert_eq!(
            crate::LinkAddr::try_from(kept),
            Err(Error::Address(AddressError::Malformed {
                family: linux_raw_sys::net::AF_PACKET as u16,
                len: 45
            }))
        );
        // AF_BLUETOOTH: no typed address.
        let mut bt = [0u8; 12];
        bt[..2].copy_from_slice(&31u16.to_ne_bytes());
        let a = decode_or_raw(&bt);
        assert_eq!(a.as_raw().map(RawAddr::as_bytes), Some(&bt[..]));
        assert_eq!(a.family(), crate::Family::from_raw(31));
        assert!(matches!(
            crate::UnixAddr::try_from(a),
            Err(Error::Address(AddressError::FamilyMismatch { .. }))
        ));
        let mut huge = [7u8; 200];
        huge[..2].copy_from_slice(&(linux_raw_sys::net::AF_NETLINK as u16).to_ne_bytes());
        assert_eq!(decode_or_raw(&huge).as_raw().map(RawAddr::len), Some(128));
        assert_eq!(decode_or_raw(&[]).as_raw().map(RawAddr::len), Some(0));
    }

    #[test]
    fn equal_by_the_bytes_only() {
        let a = RawAddr::new(&[1, 2, 3]).unwrap();
        assert_eq!(a, RawAddr::capped(&[1, 2, 3]));
        assert_ne!(a, RawAddr::new(&[1, 2, 3, 0]).unwrap(), "the length counts");
        let text = std::format!("{a} {a:?}");
        assert!(text.starts_with("family "), "{text}");
    }
}
