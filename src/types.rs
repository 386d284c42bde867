//! Address families, socket types and protocols: the three numbers `socket(2)` takes.

use crate::{Error, Result};
use linux_raw_sys::net as k;

/// An address family (`AF_*`), the first argument of `socket(2)`.
///
/// The discriminants are the kernel's numbers. Numbers coming from outside (an fd's
/// `SO_DOMAIN`, a received address) enter through [`TryFrom`], and a family this crate does not
/// support is [`Error::UnknownFamily`].
///
/// ```
/// use baresock::Family;
/// assert_eq!(Family::Inet6.as_raw(), 10);
/// assert_eq!(Family::try_from(29).unwrap(), Family::Can);
/// assert!(Family::try_from(16).is_err()); // AF_NETLINK is not a family of this crate
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[repr(u16)]
#[non_exhaustive]
pub enum Family {
    /// Local sockets between processes of one host (`AF_UNIX`; unix(7)).
    Unix = k::AF_UNIX as u16,
    /// IPv4 (`AF_INET`; ip(7)).
    Inet = k::AF_INET as u16,
    /// IPv6 (`AF_INET6`; ipv6(7)).
    Inet6 = k::AF_INET6 as u16,
    /// Link-layer packets (`AF_PACKET`; packet(7)).
    Packet = k::AF_PACKET as u16,
    /// Controller Area Network (`AF_CAN`; the kernel's Documentation/networking/can.rst).
    Can = k::AF_CAN as u16,
    /// A family this crate has no name for: what [`SockAddr::family`](crate::SockAddr::family)
    /// says of a [`SockAddr::Other`](crate::SockAddr::Other) of such a family (its number
    /// is [`RawAddr::family`](crate::RawAddr::family)). Never a number from the kernel:
    /// [`from_raw`](Family::from_raw) does not give it, and its own number, `u16::MAX`, is no
    /// kernel family (a socket of it fails with `EAFNOSUPPORT`).
    Other = u16::MAX,
}

impl Family {
    /// The kernel's number for this family.
    #[inline]
    pub const fn as_raw(self) -> u16 {
        self as u16
    }

    /// The family with this kernel number, if this crate supports it.
    ///
    /// ```
    /// use baresock::Family;
    /// assert_eq!(Family::from_raw(10), Some(Family::Inet6));
    /// assert_eq!(Family::from_raw(9999), None);
    /// ```
    #[inline]
    pub const fn from_raw(raw: u16) -> Option<Family> {
        Some(match raw as u32 {
            k::AF_UNIX => Family::Unix,
            k::AF_INET => Family::Inet,
            k::AF_INET6 => Family::Inet6,
            k::AF_PACKET => Family::Packet,
            k::AF_CAN => Family::Can,
            _ => return None,
        })
    }
}

impl TryFrom<i32> for Family {
    type Error = Error;

    fn try_from(raw: i32) -> Result<Family> {
        u16::try_from(raw)
            .ok()
            .and_then(Family::from_raw)
            .ok_or(Error::UnknownFamily(raw))
    }
}

/// A socket type (`SOCK_*`), the second argument of `socket(2)`.
///
/// ```
/// use baresock::Type;
/// assert_eq!(Type::SeqPacket.as_raw(), 5);
/// assert_eq!(Type::try_from(2).unwrap(), Type::Dgram);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[repr(u8)]
#[non_exhaustive]
pub enum Type {
    /// A reliable, ordered byte stream (`SOCK_STREAM`): TCP, Unix stream.
    Stream = k::SOCK_STREAM as u8,
    /// Datagrams (`SOCK_DGRAM`): UDP, Unix datagram, cooked packets, CAN BCM.
    Dgram = k::SOCK_DGRAM as u8,
    /// Raw protocol access (`SOCK_RAW`): raw IP, link-layer packets with headers, CAN raw.
    Raw = k::SOCK_RAW as u8,
    /// Reliable, ordered datagrams with boundaries (`SOCK_SEQPACKET`).
    SeqPacket = k::SOCK_SEQPACKET as u8,
}

impl Type {
    /// The kernel's number for this type.
    #[inline]
    pub const fn as_raw(self) -> u32 {
        self as u32
    }

    /// The type with this kernel number, if this crate supports it.
    ///
    /// ```
    /// use baresock::Type;
    /// assert_eq!(Type::from_raw(2), Some(Type::Dgram));
    /// ```
    #[inline]
    pub const fn from_raw(raw: u32) -> Option<Type> {
        Some(match raw {
            k::SOCK_STREAM => Type::Stream,
            k::SOCK_DGRAM => Type::Dgram,
            k::SOCK_RAW => Type::Raw,
            k::SOCK_SEQPACKET => Type::SeqPacket,
            _ => return None,
        })
    }

    /// Whether each receive returns one whole message (every type but [`Type::Stream`]), so
    /// that a message longer than the buffer can be detected.
    ///
    /// ```
    /// use baresock::Type;
    /// assert!(Type::Dgram.has_boundaries());
    /// assert!(!Type::Stream.has_boundaries());
    /// ```
    #[inline]
    pub const fn has_boundaries(self) -> bool {
        !matches!(self, Type::Stream)
    }
}

impl TryFrom<i32> for Type {
    type Error = Error;

    fn try_from(raw: i32) -> Result<Type> {
        u32::try_from(raw)
            .ok()
            .and_then(Type::from_raw)
            .ok_or(Error::UnknownType(raw))
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

    /// The protocol of a packet socket for an EtherType given in host order ([`ether`]
    /// constants): the kernel takes it in network order.
    ///
    /// [`ether`]: crate::ether
    ///
    /// ```
    /// use baresock::{ether, Protocol};
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
