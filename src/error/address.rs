//! [`AddressError`]: addresses and names the crate refuses, or cannot read from the kernel.

use core::fmt;

use crate::Family;

/// An address or a name was refused before the kernel saw it, or the kernel gave back one
/// that cannot be read ([`Error::Address`](crate::Error::Address)).
///
/// ```
/// use baresock::{AddressError, Error, UnixAddr};
///
/// match UnixAddr::new(&[b'a'; 200]) {
///     Err(Error::Address(AddressError::UnixPathTooLong { len, max })) => {
///         assert_eq!((len, max), (200, 108))
///     }
///     other => panic!("unexpected: {other:?}"),
/// }
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AddressError {
    /// A Unix socket path is longer than the kernel's `sun_path` (108 bytes; 107 for an
    /// abstract name, which is preceded by a NUL byte).
    UnixPathTooLong {
        /// The length the caller gave (saturated at `u32::MAX`).
        len: u32,
        /// The most this kind of name can hold: 108 for a path, 107 for an abstract name.
        max: u8,
    },
    /// A Unix socket path name contains a NUL byte, which would cut it short in the kernel.
    UnixPathNul,
    /// A Unix socket path name is empty (use [`UnixAddr::unnamed`](crate::UnixAddr::unnamed)
    /// for an unnamed address).
    UnixPathEmpty,
    /// A link-layer address is longer than the field it goes into: 32 bytes in a
    /// [`LinkAddr`](crate::LinkAddr) (`MAX_ADDR_LEN`), 8 in a packet membership
    /// (`packet_mreq`).
    LinkAddrTooLong {
        /// The length that was given (saturated at `u32::MAX`).
        len: u32,
        /// The most the field holds.
        max: u16,
    },
    /// An interface or congestion-control name is longer than the kernel's 15 bytes.
    NameTooLong {
        /// The length that was given (saturated at `u32::MAX`).
        len: u32,
    },
    /// An interface or congestion-control name contains a NUL byte.
    NameNul,
    /// An address of one family was given to a socket of another.
    FamilyMismatch {
        /// The socket's family.
        socket: Family,
        /// The address's family.
        addr: Family,
    },
    /// An entry of a batch ([`Socket::send_mmsg`](crate::Socket::send_mmsg)) has a
    /// destination of another family than the socket's. The entries before it were sent (the
    /// call returned their count); this is the error when it is the first.
    BatchFamilyMismatch {
        /// The entry's index in the slice given (0: a batch stops before a bad entry that is
        /// not the first, and returns the count sent).
        index: u16,
        /// The socket's family.
        socket: Family,
        /// The entry's address's family.
        addr: Family,
    },
    /// The kernel gave no address where one always comes (a datagram's sender on an IP socket,
    /// an accepted peer).
    Missing,
    /// A text address is not an IP address and port (`"192.0.2.1:80"`, `"[2001:db8::1]:443"`).
    /// A host name (`"localhost:80"`) needs the resolver: [`resolve`](crate::resolve) or
    /// [`create_connection`](crate::create_connection).
    Invalid,
    /// An address of bytes ([`RawAddr`](crate::RawAddr)) longer than `sockaddr_storage`.
    TooLong {
        /// The length that was given (saturated at `u32::MAX`).
        len: u32,
        /// The most an address holds (128).
        max: u16,
    },
    /// [`SockAddr::decode`](crate::SockAddr::decode) was given an address of a family this crate
    /// does not decode. (The receives never fail for this: they give the address as
    /// [`SockAddr::Other`](crate::SockAddr::Other).)
    Unsupported {
        /// The `sa_family` the kernel gave.
        family: u16,
    },
    /// The kernel handed back an address whose length is impossible for its family (from
    /// [`SockAddr::decode`](crate::SockAddr::decode), or where an IP address is the only
    /// answer: [`UdpSocket::recv_from`](crate::UdpSocket::recv_from) on an fd that is not IP).
    Malformed {
        /// The `sa_family` the kernel gave.
        family: u16,
        /// The length the kernel gave.
        len: u32,
    },
    /// A prefix length longer than its address (32 bits for IPv4, 128 for IPv6).
    PrefixTooLong {
        /// The prefix length given.
        len: u8,
        /// The address's bits.
        max: u8,
    },
    /// Addresses of two families where one family is needed (an IPv4 address with an IPv6
    /// peer or gateway).
    MixedFamilies {
        /// The family of the first address (the one the others must match).
        expected: Family,
        /// The family of the other.
        found: Family,
    },
}

impl fmt::Display for AddressError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            AddressError::UnixPathTooLong { len, max } => write!(
                f,
                "Unix socket name of {len} bytes is longer than the {max} bytes it can hold \
                 (sun_path is 108 bytes; an abstract name starts with a NUL)"
            ),
            AddressError::UnixPathNul => f.write_str("Unix socket path contains a NUL byte"),
            AddressError::UnixPathEmpty => f.write_str("Unix socket path is empty"),
            AddressError::NameTooLong { len } => {
                write!(f, "name of {len} bytes is longer than the kernel's 15")
            }
            AddressError::NameNul => f.write_str("name contains a NUL byte"),
            AddressError::LinkAddrTooLong { len, max } => write!(
                f,
                "link-layer address of {len} bytes is longer than the {max} its field holds"
            ),
            AddressError::FamilyMismatch { socket, addr } => write!(
                f,
                "an address of family {addr:?} given to a socket of family {socket:?}"
            ),
            AddressError::BatchFamilyMismatch {
                index,
                socket,
                addr,
            } => write!(
                f,
                "batch entry {index}: an address of family {addr:?} for a socket of family \
                 {socket:?}"
            ),
            AddressError::Missing => {
                f.write_str("the kernel gave no address where one was expected")
            }
            AddressError::Invalid => f.write_str(
                "not an IP address and port; a host name such as \"localhost:80\" needs the \
                 resolver (baresock::resolve, or create_connection)",
            ),
            AddressError::TooLong { len, max } => {
                write!(
                    f,
                    "address of {len} bytes is longer than the {max} one holds"
                )
            }
            AddressError::Unsupported { family } => write!(
                f,
                "the kernel returned an address of unsupported family {family}"
            ),
            AddressError::Malformed { family, len } => write!(
                f,
                "the kernel returned a {len}-byte address, impossible for family {family}"
            ),
            AddressError::PrefixTooLong { len, max } => {
                write!(
                    f,
                    "prefix length {len} is longer than the address's {max} bits"
                )
            }
            AddressError::MixedFamilies { expected, found } => write!(
                f,
                "an address of family {found:?} where one of family {expected:?} is needed"
            ),
        }
    }
}
