//! Socket addresses of every family the crate supports, encoded to and decoded from the
//! kernel's bytes without allocation (the bytes in [`codec`], pure functions).

pub(crate) mod can;
pub(crate) mod codec;
mod dest;
pub(crate) mod netlink;
mod packet;
mod raw;
mod unix;
pub(crate) mod vsock;

use crate::AddressError;
use core::fmt;
use core::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};

pub use can::CanAddr;
pub(crate) use can::{J1939_NO_ADDR, J1939_NO_NAME};
pub use dest::Destination;
pub(crate) use dest::Encoded;
pub use netlink::NetlinkAddr;
pub use packet::{ether, LinkAddr, PacketType, LINK_ADDR_MAX};
pub(crate) use raw::decode_or_raw;
pub use raw::{RawAddr, RAW_ADDR_MAX};
pub use unix::{UnixAddr, UnixAddrKind, UNIX_PATH_MAX};
pub use vsock::VsockAddr;

use crate::{Error, Family, Result};

/// A socket address of any family this crate supports.
///
/// IPv4 and IPv6 addresses are `core::net`'s, so `std::net` addresses convert for free; Unix
/// addresses are [`UnixAddr`], link-layer ones [`LinkAddr`], CAN ones [`CanAddr`], vsock ones
/// [`VsockAddr`]. Anything
/// else the kernel gives, a family without a typed address here or bytes that do not fit their
/// family's typed form, is [`SockAddr::Other`]: the kernel's bytes, so that no receive fails
/// for its sender's address.
///
/// ```
/// use baresock::{SockAddr, Family};
/// use core::net::{Ipv4Addr, SocketAddrV4};
///
/// let a = SockAddr::from(SocketAddrV4::new(Ipv4Addr::LOCALHOST, 8080));
/// assert_eq!(a.family(), Family::INET);
/// assert_eq!(a.to_string(), "127.0.0.1:8080");
/// let a: SockAddr = "[::1]:53".parse()?;
/// assert_eq!(a.port(), Some(53));
/// # Ok::<(), core::net::AddrParseError>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
#[doc(alias = "SocketAddr")]
pub enum SockAddr {
    /// An IPv4 address and port (`sockaddr_in`).
    V4(SocketAddrV4),
    /// An IPv6 address, port, flow info and scope id (`sockaddr_in6`).
    V6(SocketAddrV6),
    /// A Unix socket address (`sockaddr_un`).
    Unix(UnixAddr),
    /// A link-layer address (`sockaddr_ll`).
    Packet(LinkAddr),
    /// A CAN address (`sockaddr_can`).
    Can(CanAddr),
    /// A netlink address (`sockaddr_nl`).
    Netlink(NetlinkAddr),
    /// A vsock address (`sockaddr_vm`).
    Vsock(VsockAddr),
    /// Any other address, as the kernel's bytes: of a family this crate has no typed address
    /// for (`AF_BLUETOOTH`, ...), or of a known family whose bytes do not fit its typed form.
    /// Receives give it rather than fail; it can be sent to as it is.
    Other(RawAddr),
}

impl SockAddr {
    /// Decodes a `sockaddr` from the kernel's bytes (family field first, in native byte order)
    /// into its typed form.
    ///
    /// The decoder every address the crate receives goes through; public so that tools and
    /// fuzzers can feed it bytes. Never panics: a length that does not fit the family is
    /// [`AddressError::Malformed`], an unknown family [`AddressError::Unsupported`]. The
    /// receives (and `local_addr`, `peer_addr`, `accept`) never fail on those: where this fails
    /// they give the bytes as [`SockAddr::Other`], which is also what to wrap bytes in oneself
    /// ([`RawAddr::new`]).
    ///
    /// ```
    /// use baresock::{AddressError, Error, RawAddr, SockAddr};
    /// let bluetooth = [31u16.to_ne_bytes()[0], 31u16.to_ne_bytes()[1], 0, 0, 0, 0, 0, 0];
    /// assert_eq!(
    ///     SockAddr::decode(&bluetooth),
    ///     Err(Error::Address(AddressError::Unsupported { family: 31 }))
    /// );
    /// let kept = SockAddr::from(RawAddr::new(&bluetooth)?);
    /// assert_eq!(kept.as_raw().map(|r| r.family()), Some(31));
    /// # Ok::<(), baresock::Error>(())
    /// ```
    #[doc(alias = "decode_sockaddr")]
    pub fn decode(bytes: &[u8]) -> Result<SockAddr> {
        codec::decode(bytes)
    }

    /// The address's family. For [`SockAddr::Other`], the family its bytes name.
    ///
    /// ```
    /// use baresock::{Family, RawAddr, SockAddr, UnixAddr};
    /// use core::net::SocketAddr;
    /// let v6: SockAddr = "[::1]:80".parse::<SocketAddr>().unwrap().into();
    /// assert_eq!(v6.family(), Family::INET6);
    /// assert_eq!(SockAddr::from(UnixAddr::unnamed()).family(), Family::UNIX);
    /// let netlink = RawAddr::new(&[16u16.to_ne_bytes()[0], 16u16.to_ne_bytes()[1], 0, 0])?;
    /// assert_eq!(SockAddr::from(netlink).family(), Family::NETLINK);
    /// # Ok::<(), baresock::Error>(())
    /// ```
    #[inline(always)]
    pub const fn family(&self) -> Family {
        match self {
            SockAddr::V4(_) => Family::INET,
            SockAddr::V6(_) => Family::INET6,
            SockAddr::Unix(_) => Family::UNIX,
            SockAddr::Packet(_) => Family::PACKET,
            SockAddr::Can(_) => Family::CAN,
            SockAddr::Netlink(_) => Family::NETLINK,
            SockAddr::Vsock(_) => Family::VSOCK,
            SockAddr::Other(r) => Family::from_raw(r.family()),
        }
    }

    /// The kernel's number for the address's family (the one [`RawAddr::family`] reads for
    /// [`SockAddr::Other`]).
    #[inline(always)]
    pub(crate) const fn raw_family(&self) -> u16 {
        match self {
            SockAddr::Other(r) => r.family(),
            a => a.family().as_raw(),
        }
    }

    /// The address as the kernel's bytes, for [`SockAddr::Other`].
    ///
    /// ```
    /// use baresock::{RawAddr, SockAddr};
    /// use core::net::SocketAddr;
    /// let raw = RawAddr::new(&[16, 0, 0, 0])?;
    /// assert_eq!(SockAddr::from(raw).as_raw(), Some(&raw));
    /// assert_eq!(SockAddr::from("127.0.0.1:1".parse::<SocketAddr>().unwrap()).as_raw(), None);
    /// # Ok::<(), baresock::Error>(())
    /// ```
    pub const fn as_raw(&self) -> Option<&RawAddr> {
        match self {
            SockAddr::Other(a) => Some(a),
            _ => None,
        }
    }

    /// The IP address and port, for IPv4 and IPv6.
    ///
    /// ```
    /// use baresock::SockAddr;
    /// use core::net::SocketAddr;
    /// let inet: SocketAddr = "192.0.2.1:53".parse().unwrap();
    /// let any = SockAddr::from(inet);
    /// assert_eq!(any.as_inet(), Some(inet));
    /// assert_eq!(any.port(), Some(53));
    /// ```
    pub const fn as_inet(&self) -> Option<SocketAddr> {
        match *self {
            SockAddr::V4(a) => Some(SocketAddr::V4(a)),
            SockAddr::V6(a) => Some(SocketAddr::V6(a)),
            _ => None,
        }
    }

    /// The Unix address, for Unix sockets.
    pub const fn as_unix(&self) -> Option<&UnixAddr> {
        match self {
            SockAddr::Unix(a) => Some(a),
            _ => None,
        }
    }

    /// The IP address, for IPv4 and IPv6.
    pub const fn ip(&self) -> Option<IpAddr> {
        match self {
            SockAddr::V4(a) => Some(IpAddr::V4(*a.ip())),
            SockAddr::V6(a) => Some(IpAddr::V6(*a.ip())),
            _ => None,
        }
    }

    /// The port, for IPv4 and IPv6.
    pub const fn port(&self) -> Option<u16> {
        match self {
            SockAddr::V4(a) => Some(a.port()),
            SockAddr::V6(a) => Some(a.port()),
            _ => None,
        }
    }

    /// The unspecified address of a family, port 0 (`0.0.0.0:0`, `[::]:0`), or the unnamed Unix
    /// address; `None` for families without one.
    ///
    /// ```
    /// use baresock::{Family, SockAddr};
    /// let any = SockAddr::unspecified(Family::INET).unwrap();
    /// assert_eq!(any.to_string(), "0.0.0.0:0");
    /// ```
    pub const fn unspecified(family: Family) -> Option<SockAddr> {
        Some(match family {
            Family::INET => SockAddr::V4(SocketAddrV4::new(Ipv4Addr::UNSPECIFIED, 0)),
            Family::INET6 => SockAddr::V6(SocketAddrV6::new(Ipv6Addr::UNSPECIFIED, 0, 0, 0)),
            Family::UNIX => SockAddr::Unix(UnixAddr::unnamed()),
            _ => return None,
        })
    }
}

impl From<SocketAddrV4> for SockAddr {
    fn from(a: SocketAddrV4) -> Self {
        SockAddr::V4(a)
    }
}

impl From<SocketAddrV6> for SockAddr {
    fn from(a: SocketAddrV6) -> Self {
        SockAddr::V6(a)
    }
}

impl From<SocketAddr> for SockAddr {
    fn from(a: SocketAddr) -> Self {
        match a {
            SocketAddr::V4(a) => SockAddr::V4(a),
            SocketAddr::V6(a) => SockAddr::V6(a),
        }
    }
}

impl<I: Into<IpAddr>> From<(I, u16)> for SockAddr {
    fn from((ip, port): (I, u16)) -> Self {
        SocketAddr::new(ip.into(), port).into()
    }
}

impl TryFrom<SockAddr> for SocketAddr {
    type Error = Error;

    /// Fails with [`AddressError::FamilyMismatch`] for addresses that are not IP, and
    /// [`AddressError::Malformed`] for IP addresses that do not fit their form (as raw bytes).
    fn try_from(a: SockAddr) -> Result<Self> {
        if let Some(inet) = a.as_inet() {
            return Ok(inet);
        }
        Err(match (a.family(), a) {
            (Family::INET | Family::INET6, SockAddr::Other(r)) => malformed(&r),
            (addr, _) => Error::Address(AddressError::FamilyMismatch {
                socket: Family::INET,
                addr,
            }),
        })
    }
}

/// The error for raw bytes of a family that has a typed address, which they do not fit.
fn malformed(r: &RawAddr) -> Error {
    Error::Address(AddressError::Malformed {
        family: r.family(),
        len: r.len() as u32,
    })
}

/// `From<T> for SockAddr` and `TryFrom<SockAddr> for T` for each family's address type: the
/// conversion back fails with [`AddressError::FamilyMismatch`](crate::AddressError::FamilyMismatch)
/// for an address of another family.
macro_rules! variant_conversions {
    ($($t:ty => $variant:ident, $family:ident);* $(;)?) => {$(
        impl From<$t> for SockAddr {
            fn from(a: $t) -> Self {
                SockAddr::$variant(a)
            }
        }

        impl TryFrom<SockAddr> for $t {
            type Error = Error;

            /// Fails with [`AddressError::FamilyMismatch`](crate::AddressError::FamilyMismatch) for
            /// an address of another family, and
            /// [`AddressError::Malformed`](crate::AddressError::Malformed) for raw bytes of this
            /// family that do not fit it.
            fn try_from(a: SockAddr) -> Result<Self> {
                match a {
                    SockAddr::$variant(v) => Ok(v),
                    SockAddr::Other(r) if r.family() == Family::$family.as_raw() => Err(malformed(&r)),
                    other => Err(Error::Address(AddressError::FamilyMismatch {
                        socket: Family::$family,
                        addr: other.family(),
                    })),
                }
            }
        }
    )*};
}

impl From<RawAddr> for SockAddr {
    fn from(a: RawAddr) -> Self {
        SockAddr::Other(a)
    }
}

variant_conversions!(
    UnixAddr => Unix, UNIX;
    LinkAddr => Packet, PACKET;
    CanAddr => Can, CAN;
    NetlinkAddr => Netlink, NETLINK;
    VsockAddr => Vsock, VSOCK;
);

impl core::str::FromStr for SockAddr {
    type Err = core::net::AddrParseError;

    /// Parses an IPv4 or IPv6 socket address (`1.2.3.4:80`, `[::1]:80`).
    fn from_str(s: &str) -> core::result::Result<Self, Self::Err> {
        s.parse::<SocketAddr>().map(Into::into)
    }
}

impl fmt::Display for SockAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SockAddr::V4(a) => a.fmt(f),
            SockAddr::V6(a) => a.fmt(f),
            SockAddr::Unix(a) => a.fmt(f),
            SockAddr::Packet(a) => a.fmt(f),
            SockAddr::Can(a) => a.fmt(f),
            SockAddr::Netlink(a) => a.fmt(f),
            SockAddr::Vsock(a) => a.fmt(f),
            SockAddr::Other(a) => a.fmt(f),
        }
    }
}

impl fmt::Debug for SockAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SockAddr::V4(a) => a.fmt(f),
            SockAddr::V6(a) => a.fmt(f),
            SockAddr::Unix(a) => a.fmt(f),
            SockAddr::Packet(a) => a.fmt(f),
            SockAddr::Can(a) => a.fmt(f),
            SockAddr::Netlink(a) => a.fmt(f),
            SockAddr::Vsock(a) => a.fmt(f),
            SockAddr::Other(a) => a.fmt(f),
        }
    }
}

#[cfg(feature = "defmt")]
impl defmt::Format for SockAddr {
    fn format(&self, f: defmt::Formatter<'_>) {
        match self {
            SockAddr::V4(a) => defmt::write!(f, "{}:{}", a.ip().octets(), a.port()),
            SockAddr::V6(a) => defmt::write!(f, "[{}]:{}", a.ip().segments(), a.port()),
            SockAddr::Unix(a) => a.format(f),
            SockAddr::Packet(a) => a.format(f),
            SockAddr::Can(a) => a.format(f),
            SockAddr::Netlink(a) => a.format(f),
            SockAddr::Vsock(a) => a.format(f),
            SockAddr::Other(a) => a.format(f),
        }
    }
}

/// Values that name one or more socket addresses to try in turn, like `std::net::ToSocketAddrs`
/// but without allocation: [`create_connection`](crate::create_connection) tries each.
///
/// Implemented for every address type of this crate and of `core::net`, `(ip, port)` pairs,
/// slices and arrays of [`SockAddr`], and text holding an IP address and port
/// (`"127.0.0.1:80"`, `"[::1]:443"`).
///
/// # Only numeric addresses
///
/// Unlike `std`'s, this trait never resolves a host name (that would read files and ask DNS
/// servers behind a plain `connect`): text such as `"localhost:80"` compiles, and fails at
/// run time with [`AddressError::Invalid`](crate::AddressError::Invalid). To connect by name, use
/// [`resolve::connect`](crate::resolve::connect) (Python's `create_connection` with a host
/// name: every address tried, Happy Eyeballs); to bind or send by name, look the addresses up
/// first with [`resolve::lookup`](crate::resolve::lookup) and pass them on.
///
/// ```
/// use baresock::{AddressError, Error, TcpListener, TcpStream, ToSocketAddrs};
/// use core::time::Duration;
///
/// let mut it = "127.0.0.1:8080".to_socket_addrs()?;
/// assert_eq!(it.next().and_then(|a| a.port()), Some(8080));
///
/// // A host name is not an address here...
/// assert_eq!("localhost:80".to_socket_addrs().err(), Some(Error::Address(AddressError::Invalid)));
/// assert_eq!(TcpStream::connect("localhost:80").err(), Some(Error::Address(AddressError::Invalid)));
///
/// // ...the resolver takes it (/etc/hosts, then DNS).
/// # #[cfg(feature = "resolve")] {
/// let listener = TcpListener::bind("127.0.0.1:0")?;
/// let port = listener.local_addr()?.port();
/// let stream = baresock::resolve::connect("localhost", port, Some(Duration::from_secs(5)), None)?;
/// assert!(stream.peer_addr()?.ip().is_loopback());
/// # }
/// # Ok::<(), baresock::Error>(())
/// ```
pub trait ToSocketAddrs {
    /// The addresses, in the order to try them.
    type Iter<'a>: Iterator<Item = SockAddr>
    where
        Self: 'a;

    /// The addresses, in the order to try them.
    fn to_socket_addrs(&self) -> Result<Self::Iter<'_>>;

    /// The one IP address this names, if that is all it names: the crate's shortcut past
    /// [`SockAddr`] (a large enum, costly to move) when connecting. Not callable or
    /// overridable outside the crate (its token type cannot be named).
    #[doc(hidden)]
    #[inline]
    fn single_inet(&self, _: sealed::Token) -> Option<SocketAddr> {
        None
    }
}

/// The token of [`ToSocketAddrs::single_inet`]: public, in a private module.
mod sealed {
    #[derive(Clone, Copy)]
    pub struct Token;
}

pub(crate) use sealed::Token;

impl ToSocketAddrs for str {
    type Iter<'a> = core::iter::Once<SockAddr>;
    fn to_socket_addrs(&self) -> Result<Self::Iter<'_>> {
        let a = self
            .parse::<SocketAddr>()
            .map_err(|_| Error::Address(AddressError::Invalid))?;
        Ok(core::iter::once(a.into()))
    }
}

#[cfg(feature = "std")]
impl ToSocketAddrs for std::string::String {
    type Iter<'a> = core::iter::Once<SockAddr>;
    fn to_socket_addrs(&self) -> Result<Self::Iter<'_>> {
        self.as_str().to_socket_addrs()
    }
}

macro_rules! single_addr {
    ($($t:ty),*) => {$(
        impl ToSocketAddrs for $t {
            type Iter<'a> = core::iter::Once<SockAddr>;
            fn to_socket_addrs(&self) -> Result<Self::Iter<'_>> {
                Ok(core::iter::once(SockAddr::from(*self)))
            }
        }
    )*};
}
single_addr!(UnixAddr, LinkAddr, CanAddr, VsockAddr, RawAddr);

/// [`single_addr`] for a type that may be (or always is) one IP address.
macro_rules! single_inet {
    ($($t:ty: $a:ident => $inet:expr),* $(,)?) => {$(
        impl ToSocketAddrs for $t {
            type Iter<'a> = core::iter::Once<SockAddr>;
            fn to_socket_addrs(&self) -> Result<Self::Iter<'_>> {
                Ok(core::iter::once(SockAddr::from(*self)))
            }
            #[inline]
            fn single_inet(&self, _: sealed::Token) -> Option<SocketAddr> {
                let $a = *self;
                $inet
            }
        }
    )*};
}
single_inet!(
    SockAddr: a => a.as_inet(),
    SocketAddrV4: a => Some(a.into()),
    SocketAddrV6: a => Some(a.into()),
    SocketAddr: a => Some(a),
    (IpAddr, u16): a => Some(a.into()),
    (Ipv4Addr, u16): a => Some(a.into()),
    (Ipv6Addr, u16): a => Some(a.into()),
);

impl ToSocketAddrs for [SockAddr] {
    type Iter<'a> = core::iter::Copied<core::slice::Iter<'a, SockAddr>>;
    fn to_socket_addrs(&self) -> Result<Self::Iter<'_>> {
        Ok(self.iter().copied())
    }
}

impl<const N: usize> ToSocketAddrs for [SockAddr; N] {
    type Iter<'a> = core::iter::Copied<core::slice::Iter<'a, SockAddr>>;
    fn to_socket_addrs(&self) -> Result<Self::Iter<'_>> {
        Ok(self.iter().copied())
    }
}

impl<T: ToSocketAddrs + ?Sized> ToSocketAddrs for &T {
    type Iter<'a>
        = T::Iter<'a>
    where
        Self: 'a;
    fn to_socket_addrs(&self) -> Result<Self::Iter<'_>> {
        (**self).to_socket_addrs()
    }
    #[inline]
    fn single_inet(&self, t: sealed::Token) -> Option<SocketAddr> {
        (**self).single_inet(t)
    }
}
