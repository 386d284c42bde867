//! Address families, socket types and protocols: the three numbers `socket(2)` takes.
//!
//! All three are open: any number the kernel knows can be used, as Python's
//! `socket(family, type, proto)` takes any. Named constants cover the common ones; a family
//! this crate has no typed address for still makes a [`Socket`](crate::Socket), and its
//! addresses travel as bytes ([`RawAddr`](crate::RawAddr)).

use linux_raw_sys::net as k;

/// Defines the named constants of an open number type, a `name()` that gives the kernel's
/// name of each, and `Debug` and `defmt::Format` that print it (or `Type(n)` for a number
/// without one).
macro_rules! named_numbers {
    ($ty:ident($raw:ty) { $($(#[$doc:meta])* $name:ident = $value:expr, $kname:literal;)* }) => {
        impl $ty {
            $($(#[$doc])* pub const $name: $ty = $ty($value as $raw);)*

            /// The kernel's name of this number (`"AF_INET"`, `"SOCK_STREAM"`), if it is one
            /// this crate names.
            pub const fn name(self) -> Option<&'static str> {
                match self.0 {
                    $(x if x == $value as $raw => Some($kname),)*
                    _ => None,
                }
            }
        }

        impl core::fmt::Debug for $ty {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                match self.name() {
                    Some(name) => f.write_str(name),
                    None => write!(f, concat!(stringify!($ty), "({})"), self.0),
                }
            }
        }

        #[cfg(feature = "defmt")]
        impl defmt::Format for $ty {
            fn format(&self, f: defmt::Formatter<'_>) {
                match self.name() {
                    Some(name) => defmt::write!(f, "{=str}", name),
                    None => defmt::write!(f, "{=str}({})", stringify!($ty), self.0),
                }
            }
        }
    };
}

/// An address family (`AF_*`), the first argument of `socket(2)`.
///
/// Open: any family number the kernel knows can be used, named ones as constants
/// ([`Family::INET`], ...), others with [`Family::from_raw`]. An fd of any family can be
/// wrapped in a [`Socket`](crate::Socket); the typed sockets check theirs.
///
/// ```
/// use baresock::{Family, Protocol, Socket, Type};
/// assert_eq!(Family::INET6.as_raw(), 10);
/// assert_eq!(Family::from_raw(29), Family::CAN);
/// assert_eq!(Family::from_raw(16), Family::NETLINK);
/// assert_eq!(format!("{:?}", Family::from_raw(16)), "AF_NETLINK");
/// assert_eq!(format!("{:?}", Family::from_raw(200)), "Family(200)");
///
/// // Any family makes a `Socket`: a netlink one (its typed form is `netlink::NetlinkSocket`).
/// let s = Socket::new(Family::NETLINK, Type::RAW, Protocol::from_raw(0))?;
/// assert_eq!(s.family()?, Family::NETLINK);
/// # Ok::<(), baresock::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Family(u16);

named_numbers!(Family(u16) {
    /// No family (`AF_UNSPEC`): `connect` to it dissolves a datagram socket's association.
    UNSPEC = k::AF_UNSPEC, "AF_UNSPEC";
    /// Local sockets between processes of one host (`AF_UNIX`; unix(7)).
    UNIX = k::AF_UNIX, "AF_UNIX";
    /// IPv4 (`AF_INET`; ip(7)).
    INET = k::AF_INET, "AF_INET";
    /// IPv6 (`AF_INET6`; ipv6(7)).
    INET6 = k::AF_INET6, "AF_INET6";
    /// Kernel and user-space messaging (`AF_NETLINK`; netlink(7)).
    NETLINK = k::AF_NETLINK, "AF_NETLINK";
    /// Link-layer packets (`AF_PACKET`; packet(7)).
    PACKET = k::AF_PACKET, "AF_PACKET";
    /// Controller Area Network (`AF_CAN`; the kernel's Documentation/networking/can.rst).
    CAN = k::AF_CAN, "AF_CAN";
    /// TIPC cluster communication (`AF_TIPC`).
    TIPC = k::AF_TIPC, "AF_TIPC";
    /// Bluetooth (`AF_BLUETOOTH`).
    BLUETOOTH = k::AF_BLUETOOTH, "AF_BLUETOOTH";
    /// The kernel's crypto API (`AF_ALG`).
    ALG = k::AF_ALG, "AF_ALG";
    /// Virtual machine sockets (`AF_VSOCK`; vsock(7)).
    VSOCK = k::AF_VSOCK, "AF_VSOCK";
    /// Reliable datagram sockets (`AF_RDS`).
    RDS = k::AF_RDS, "AF_RDS";
    /// Qualcomm IPC router (`AF_QIPCRTR`).
    QIPCRTR = k::AF_QIPCRTR, "AF_QIPCRTR";
    /// Express data path sockets (`AF_XDP`).
    XDP = k::AF_XDP, "AF_XDP";
});

impl Family {
    /// The family of an IP socket address: `INET` or `INET6`.
    #[inline]
    pub(crate) const fn of_ip(addr: &core::net::SocketAddr) -> Family {
        match addr {
            core::net::SocketAddr::V4(_) => Family::INET,
            core::net::SocketAddr::V6(_) => Family::INET6,
        }
    }

    /// The family with this kernel number (any number: the kernel decides whether it has it).
    #[inline]
    pub const fn from_raw(raw: u16) -> Family {
        Family(raw)
    }

    /// The kernel's number for this family.
    #[inline]
    pub const fn as_raw(self) -> u16 {
        self.0
    }
}

/// A socket type (`SOCK_*`), the second argument of `socket(2)`, without its flags.
///
/// Open as [`Family`] is. `SOCK_NONBLOCK` and `SOCK_CLOEXEC` are not part of it: every
/// socket is made close-on-exec, and blocking is the [timeout mode](crate::Socket#timeouts).
///
/// ```
/// use baresock::Type;
/// assert_eq!(Type::SEQPACKET.as_raw(), 5);
/// assert_eq!(Type::from_raw(Type::DGRAM.as_raw()), Type::DGRAM);
/// assert_eq!(format!("{:?}", Type::STREAM), "SOCK_STREAM");
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Type(u32);

named_numbers!(Type(u32) {
    /// A reliable, ordered byte stream (`SOCK_STREAM`): TCP, Unix stream.
    STREAM = k::SOCK_STREAM, "SOCK_STREAM";
    /// Datagrams (`SOCK_DGRAM`): UDP, Unix datagram, cooked packets, CAN BCM.
    DGRAM = k::SOCK_DGRAM, "SOCK_DGRAM";
    /// Raw protocol access (`SOCK_RAW`): raw IP, link-layer packets with headers, CAN raw.
    RAW = k::SOCK_RAW, "SOCK_RAW";
    /// Reliable datagrams without order (`SOCK_RDM`; RDS, TIPC).
    RDM = k::SOCK_RDM, "SOCK_RDM";
    /// Reliable, ordered datagrams with boundaries (`SOCK_SEQPACKET`).
    SEQPACKET = k::SOCK_SEQPACKET, "SOCK_SEQPACKET";
});

impl Type {
    /// The type with this kernel number. Flag bits (`SOCK_NONBLOCK`, `SOCK_CLOEXEC`) are not
    /// types: `from_raw` keeps the type bits only (`SOCK_TYPE_MASK`, 0xf).
    ///
    /// ```
    /// use baresock::Type;
    /// const SOCK_NONBLOCK: u32 = 0o4000; // on most architectures
    /// assert_eq!(Type::from_raw(Type::STREAM.as_raw() | SOCK_NONBLOCK), Type::STREAM);
    /// ```
    #[inline]
    pub const fn from_raw(raw: u32) -> Type {
        Type(raw & 0xf)
    }

    /// The kernel's number for this type.
    #[inline]
    pub const fn as_raw(self) -> u32 {
        self.0
    }

    /// Whether each receive returns one whole message (every type but [`Type::STREAM`]), so
    /// that a message longer than the buffer can be detected.
    ///
    /// ```
    /// use baresock::Type;
    /// assert!(Type::DGRAM.has_boundaries());
    /// assert!(!Type::STREAM.has_boundaries());
    /// ```
    #[inline]
    pub const fn has_boundaries(self) -> bool {
        self.0 != k::SOCK_STREAM
    }
}

/// A protocol number, the third argument of `socket(2)`.
///
/// Open-ended: any number the kernel accepts can be used. [`Protocol::DEFAULT`] (0) lets the
/// kernel pick the family's usual protocol for the type.
///
/// ```
/// use baresock::Protocol;
/// assert_eq!(Protocol::TCP.as_raw(), 6);
/// assert_eq!(Protocol::from_raw(17), Protocol::UDP);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Protocol(i32);

impl Protocol {
    /// Let the kernel choose (0).
    pub const DEFAULT: Protocol = Protocol(0);
    /// ICMP for IPv4 (`IPPROTO_ICMP`).
    pub const ICMP: Protocol = Protocol(k::IPPROTO_ICMP as i32);
    /// TCP (`IPPROTO_TCP`).
    pub const TCP: Protocol = Protocol(k::IPPROTO_TCP as i32);
    /// UDP (`IPPROTO_UDP`).
    pub const UDP: Protocol = Protocol(k::IPPROTO_UDP as i32);
    /// ICMPv6 (`IPPROTO_ICMPV6`).
    pub const ICMPV6: Protocol = Protocol(k::IPPROTO_ICMPV6 as i32);
    /// Raw IP: send with your own IP header (`IPPROTO_RAW`).
    pub const RAW: Protocol = Protocol(k::IPPROTO_RAW as i32);
    /// Multipath TCP (`IPPROTO_MPTCP`, 262): a `SOCK_STREAM` socket over IPv4 or IPv6 that the
    /// kernel runs over several paths (Linux 5.6). [`create_server`](crate::create_server) and
    /// [`create_connection_mptcp`](crate::create_connection_mptcp) make such sockets, with a
    /// fallback to plain TCP if asked ([`MptcpMode`](crate::MptcpMode)).
    ///
    /// ```
    /// use baresock::{Family, Protocol, Socket, Type};
    /// assert_eq!(Protocol::MPTCP.as_raw(), 262);
    /// let s = Socket::new(Family::INET, Type::STREAM, Protocol::MPTCP);
    /// // A kernel without MPTCP, or with it switched off, is a named error.
    /// if let Err(e) = &s {
    ///     assert!(e.is_unsupported());
    /// }
    /// # Ok::<(), baresock::Error>(())
    /// ```
    pub const MPTCP: Protocol = Protocol(k::IPPROTO_MPTCP as i32);

    /// The protocol of a packet socket for an EtherType given in host order ([`ether`]
    /// constants): the kernel takes it in network order.
    ///
    /// [`ether`]: crate::ether
    ///
    /// ```
    /// use baresock::Protocol;
    /// use baresock::packet::ether;
    /// // Packet sockets take the EtherType in network byte order.
    /// assert_eq!(Protocol::ethertype(ether::ALL).as_raw(), 0x0300);
    /// ```
    pub const fn ethertype(t: u16) -> Protocol {
        Protocol(t.to_be() as i32)
    }

    /// A protocol from its number.
    #[inline]
    pub const fn from_raw(raw: i32) -> Protocol {
        Protocol(raw)
    }

    /// The protocol's number.
    #[inline]
    pub const fn as_raw(self) -> i32 {
        self.0
    }
}
