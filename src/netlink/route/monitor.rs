//! [`RouteMonitor`]: the kernel's rtnetlink notifications (what `ip monitor` prints), read as
//! typed [`RouteEvent`]s.

use core::fmt;

use super::addr::{RTM_DELADDR, RTM_NEWADDR};
use super::link::{RTM_DELLINK, RTM_NEWLINK};
use super::route::{RTM_DELROUTE, RTM_NEWROUTE};
use super::{Address, Link, Route};
use crate::netlink::{align, Message, Messages, NetlinkError, NetlinkProtocol, NetlinkSocket};
use crate::time::Deadline;
use crate::{Errno, Error, NetlinkAddr, Result};

bitflags::bitflags! {
    /// The rtnetlink multicast groups a [`RouteMonitor`] joins: bit `n - 1` is group `n`
    /// (`RTNLGRP_*` of linux/rtnetlink.h), the kernel's legacy `RTMGRP_*` masks. The named
    /// ones are the groups whose events the monitor types; any other bit (1 to 32) is joined
    /// too and its messages come as [`RouteEvent::Other`]. Groups past 32: join them on
    /// [`RouteMonitor::socket`] ([`NetlinkSocket::join_group`]).
    ///
    /// ```
    /// use baresock::netlink::route::RouteGroups;
    /// let g = RouteGroups::LINK | RouteGroups::IPV4_ADDRESS;
    /// assert_eq!(g.bits(), 0x11); // RTMGRP_LINK | RTMGRP_IPV4_IFADDR
    /// assert_eq!(RouteGroups::from_group(11), Some(RouteGroups::IPV6_ROUTE));
    /// assert_eq!(RouteGroups::from_group(33), None);
    /// ```
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
    pub struct RouteGroups: u32 {
        /// Links created, changed, deleted (`RTNLGRP_LINK`, 1).
        #[doc(alias = "RTNLGRP_LINK")]
        #[doc(alias = "RTMGRP_LINK")]
        const LINK = 1 << 0;
        /// IPv4 addresses added, deleted (`RTNLGRP_IPV4_IFADDR`, 5).
        #[doc(alias = "RTNLGRP_IPV4_IFADDR")]
        #[doc(alias = "RTMGRP_IPV4_IFADDR")]
        const IPV4_ADDRESS = 1 << 4;
        /// IPv4 routes added, deleted (`RTNLGRP_IPV4_ROUTE`, 7).
        #[doc(alias = "RTNLGRP_IPV4_ROUTE")]
        #[doc(alias = "RTMGRP_IPV4_ROUTE")]
        const IPV4_ROUTE = 1 << 6;
        /// IPv6 addresses added, deleted (`RTNLGRP_IPV6_IFADDR`, 9).
        #[doc(alias = "RTNLGRP_IPV6_IFADDR")]
        #[doc(alias = "RTMGRP_IPV6_IFADDR")]
        const IPV6_ADDRESS = 1 << 8;
        /// IPv6 routes added, deleted (`RTNLGRP_IPV6_ROUTE`, 11).
        #[doc(alias = "RTNLGRP_IPV6_ROUTE")]
        #[doc(alias = "RTMGRP_IPV6_ROUTE")]
        const IPV6_ROUTE = 1 << 10;
        /// Both families' addresses.
        const ADDRESSES = Self::IPV4_ADDRESS.bits() | Self::IPV6_ADDRESS.bits();
        /// Both families' routes.
        const ROUTES = Self::IPV4_ROUTE.bits() | Self::IPV6_ROUTE.bits();
        /// What `ip monitor link address route` watches: links, addresses, routes.
        const ALL = Self::LINK.bits() | Self::ADDRESSES.bits() | Self::ROUTES.bits();
        const _ = !0;
    }
}

#[cfg(feature = "defmt")]
impl defmt::Format for RouteGroups {
    fn format(&self, f: defmt::Formatter<'_>) {
        defmt::write!(f, "RouteGroups({=u32:#x})", self.bits())
    }
}

impl RouteGroups {
    /// The set of group `group` alone (`RTNLGRP_*`, 1 to 32); `None` past 32 or for 0.
    pub const fn from_group(group: u32) -> Option<RouteGroups> {
        match group {
            1..=32 => Some(RouteGroups::from_bits_retain(1 << (group - 1))),
            _ => None,
        }
    }

    /// The group numbers in the set (`RTNLGRP_*`), lowest first.
    ///
    /// ```
    /// use baresock::netlink::route::RouteGroups;
    /// let v: Vec<u32> = RouteGroups::ROUTES.groups().collect();
    /// assert_eq!(v, [7, 11]);
    /// ```
    pub fn groups(self) -> impl Iterator<Item = u32> {
        (1..=32u32).filter(move |g| self.bits() & (1 << (g - 1)) != 0)
    }
}

/// One change the kernel announced, as a [`RouteMonitor`] reads it: a zero-copy view that
/// borrows the monitor's buffer until its next read.
///
/// `RTM_NEWLINK` announces a change as well as a creation (the link's whole state after
/// it), as `ip monitor` shows; the `New*` variants are both. [`Other`](RouteEvent::Other)
/// is any message this enum does not type (another group's, say), whole;
/// [`Overrun`](RouteEvent::Overrun) says that the kernel dropped events.
///
/// `Display` writes one line like `ip monitor`'s: `Deleted ` for a deletion, then the
/// [`Link`], [`Address`] or [`Route`] as their own `Display` writes it (a short subset of
/// `ip`'s; the monitor has no link names for addresses and routes, so it writes indexes):
///
/// | Event | Line |
/// |---|---|
/// | link | `[Deleted ]2: nlm0: <BROADCAST,NOARP,UP,LOWER_UP> mtu 1500 state UNKNOWN` (flags in `ip`'s order, `NO-CARRIER` for up but not running; `mtu`, `state` where the message has them) |
/// | address | `[Deleted ]10.0.0.1/24 dev 2 scope global` (`peer P` after the address where it has one) |
/// | route | `[Deleted ][TYPE ]10.1.0.0/24 [via G] [dev N] [table T] [proto P] [scope S] [metric M]` (`default` for /0, `TYPE` but for unicast, `table` but for main, `scope` but for global) |
/// | other | `message type N (L bytes)` |
/// | overrun | `events were lost (ENOBUFS): dump again` |
///
/// A field the message has malformed is written `?`: `Display` never fails on it.
///
/// ```no_run
/// use baresock::netlink::route::{RouteEvent, RouteGroups, RouteMonitor};
/// let mut buf = [0u8; baresock::netlink::RECOMMENDED_BUFFER];
/// let mut monitor = RouteMonitor::new(RouteGroups::ALL, &mut buf)?;
/// loop {
///     match monitor.recv()? {
///         RouteEvent::Overrun => println!("lost events: dump links, addresses, routes again"),
///         event => println!("{event}"),
///     }
/// }
/// # Ok::<(), baresock::Error>(())
/// ```
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub enum RouteEvent<'a> {
    /// A link created or changed (`RTM_NEWLINK`).
    #[doc(alias = "RTM_NEWLINK")]
    NewLink(Link<'a>),
    /// A link deleted (`RTM_DELLINK`).
    #[doc(alias = "RTM_DELLINK")]
    DeletedLink(Link<'a>),
    /// An address added or changed (`RTM_NEWADDR`).
    #[doc(alias = "RTM_NEWADDR")]
    NewAddress(Address<'a>),
    /// An address deleted (`RTM_DELADDR`).
    #[doc(alias = "RTM_DELADDR")]
    DeletedAddress(Address<'a>),
    /// A route added or changed (`RTM_NEWROUTE`).
    #[doc(alias = "RTM_NEWROUTE")]
    NewRoute(Route<'a>),
    /// A route deleted (`RTM_DELROUTE`).
    #[doc(alias = "RTM_DELROUTE")]
    DeletedRoute(Route<'a>),
    /// A message of a type not typed here, whole.
    Other(Message<'a>),
    /// The socket's receive queue overflowed and the kernel dropped events (the receive
    /// gave `ENOBUFS`): what the caller knows of links, addresses or routes may be stale;
    /// dump them again. The events still queued follow. Never seen after
    /// [`NetlinkSocket::set_no_enobufs`]`(true)`, where the kernel drops them silently.
    #[doc(alias = "ENOBUFS")]
    Overrun,
}

impl<'a> RouteEvent<'a> {
    /// The event of one message: typed by its type, an `Other` for the rest. A typed
    /// message too short for its family header, or with malformed attributes, is a
    /// [`NetlinkError`] (never a panic).
    ///
    /// ```
    /// use baresock::netlink::route::RouteEvent;
    /// use baresock::netlink::Messages;
    /// // An RTM_DELADDR of 10.0.0.1/24 on link 2, with IFA_LOCAL only.
    /// let mut m = [0u8; 32];
    /// m[0..4].copy_from_slice(&32u32.to_ne_bytes());
    /// m[4..6].copy_from_slice(&21u16.to_ne_bytes());
    /// m[16..20].copy_from_slice(&[2, 24, 0, 0]);
    /// m[20..24].copy_from_slice(&2u32.to_ne_bytes());
    /// m[24..26].copy_from_slice(&8u16.to_ne_bytes()); // IFA_LOCAL, 4 bytes
    /// m[26..28].copy_from_slice(&2u16.to_ne_bytes());
    /// m[28..32].copy_from_slice(&[10, 0, 0, 1]);
    /// let msg = Messages::new(&m)?.into_iter().next().unwrap();
    /// let e = RouteEvent::from_message(msg)?;
    /// assert!(matches!(e, RouteEvent::DeletedAddress(_)));
    /// assert_eq!(e.to_string(), "Deleted 10.0.0.1/24 dev 2 scope global");
    /// // The same type without its ifaddrmsg: named, not a panic.
    /// let mut short = [0u8; 16];
    /// short[0..4].copy_from_slice(&16u32.to_ne_bytes());
    /// short[4..6].copy_from_slice(&21u16.to_ne_bytes());
    /// let msg = Messages::new(&short)?.into_iter().next().unwrap();
    /// assert!(RouteEvent::from_message(msg).is_err());
    /// # Ok::<(), baresock::Error>(())
    /// ```
    pub fn from_message(m: Message<'a>) -> Result<RouteEvent<'a>> {
        Ok(match m.kind() {
            RTM_NEWLINK => RouteEvent::NewLink(Link::from_message(m)?),
            RTM_DELLINK => RouteEvent::DeletedLink(Link::from_message(m)?),
            RTM_NEWADDR => RouteEvent::NewAddress(Address::from_message(m)?),
            RTM_DELADDR => RouteEvent::DeletedAddress(Address::from_message(m)?),
            RTM_NEWROUTE => RouteEvent::NewRoute(Route::from_message(m)?),
            RTM_DELROUTE => RouteEvent::DeletedRoute(Route::from_message(m)?),
            _ => RouteEvent::Other(m),
        })
    }

    /// Whether the event is a deletion (`RTM_DEL*`).
    ///
    /// ```
    /// use baresock::netlink::route::RouteEvent;
    /// assert!(!RouteEvent::Overrun.is_deletion());
    /// ```
    pub fn is_deletion(&self) -> bool {
        matches!(
            self,
            RouteEvent::DeletedLink(_)
                | RouteEvent::DeletedAddress(_)
                | RouteEvent::DeletedRoute(_)
        )
    }
}

impl fmt::Display for RouteEvent<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_deletion() {
            f.write_str("Deleted ")?;
        }
        match self {
            RouteEvent::NewLink(l) | RouteEvent::DeletedLink(l) => l.fmt(f),
            RouteEvent::NewAddress(a) | RouteEvent::DeletedAddress(a) => a.fmt(f),
            RouteEvent::NewRoute(r) | RouteEvent::DeletedRoute(r) => r.fmt(f),
            RouteEvent::Other(m) => write!(
                f,
                "message type {} ({} bytes)",
                m.kind(),
                m.as_bytes().len()
            ),
            RouteEvent::Overrun => f.write_str("events were lost (ENOBUFS): dump again"),
        }
    }
}

/// A `NETLINK_ROUTE` socket bound to the multicast groups the caller picks
/// ([`RouteGroups`]), reading the kernel's notifications into the caller's buffer as typed
/// [`RouteEvent`]s: what `ip monitor` does.
///
/// - **from the kernel only**: a datagram whose sender's port id is not 0 (a user-space
///   process can send to our port id, or to a group with `CAP_NET_ADMIN`) is ignored and
///   counted ([`ignored`](RouteMonitor::ignored)), as [`UeventSocket`](crate::netlink::uevent::UeventSocket) does;
/// - **every message**: a datagram may hold several messages, each is an event of its own
///   (read from the buffer without waiting);
/// - **bounded**: [`recv`](RouteMonitor::recv) waits as the socket's read timeout says
///   ([`NetlinkSocket::set_timeout`]), one deadline for the whole call, and says
///   [`Error::Timeout`] when it passes (as [`UeventSocket::recv`](crate::netlink::uevent::UeventSocket::recv)
///   and every read of the crate do);
/// - **nothing lost silently**: the kernel's `ENOBUFS` (it dropped events: the queue was
///   full) is [`RouteEvent::Overrun`]; a datagram longer than the buffer is
///   [`NetlinkError::ReplyTooLarge`] with its length (its events are gone: give the
///   monitor [`RECOMMENDED_BUFFER`](crate::netlink::RECOMMENDED_BUFFER) bytes and dump
///   again); a malformed datagram or message is a [`NetlinkError`], the rest of that
///   datagram dropped, and the next call reads on.
///
/// ```no_run
/// use std::time::Duration;
/// use baresock::netlink::route::{RouteEvent, RouteGroups, RouteMonitor};
/// use baresock::Error;
///
/// let mut buf = [0u8; baresock::netlink::RECOMMENDED_BUFFER];
/// let mut monitor = RouteMonitor::new(RouteGroups::LINK | RouteGroups::IPV4_ROUTE, &mut buf)?;
/// monitor.socket().set_timeout(Some(Duration::from_secs(1)))?;
/// match monitor.recv() {
///     Ok(RouteEvent::NewLink(link)) => println!("link {} changed", link.index()),
///     Ok(event) => println!("{event}"),
///     Err(Error::Timeout) => println!("nothing changed for a second"),
///     Err(e) => return Err(e),
/// }
/// # Ok::<(), baresock::Error>(())
/// ```
pub struct RouteMonitor<'b> {
    socket: NetlinkSocket,
    groups: RouteGroups,
    buf: &'b mut [u8],
    /// The next message's offset in `buf`, and the datagram's length.
    at: usize,
    len: usize,
    ignored: u32,
}

impl fmt::Debug for RouteMonitor<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RouteMonitor")
            .field("socket", &self.socket)
            .field("groups", &self.groups)
            .field("buffer", &self.buf.len())
            .field("ignored", &self.ignored)
            .finish()
    }
}

impl<'b> RouteMonitor<'b> {
    /// A monitor on a new `NETLINK_ROUTE` socket in the calling thread's network namespace
    /// (bound to a port id the kernel picks), in each group of `groups`
    /// (`NETLINK_ADD_MEMBERSHIP`), reading into `buf`. No read timeout: set one on
    /// [`socket`](RouteMonitor::socket) to bound [`recv`](RouteMonitor::recv).
    ///
    /// ```no_run
    /// use baresock::netlink::route::{RouteGroups, RouteMonitor};
    /// let mut buf = [0u8; baresock::netlink::RECOMMENDED_BUFFER];
    /// let monitor = RouteMonitor::new(RouteGroups::ADDRESSES, &mut buf)?;
    /// assert_eq!(monitor.groups(), RouteGroups::ADDRESSES);
    /// # Ok::<(), baresock::Error>(())
    /// ```
    ///
    #[doc = man!(socket(2), bind(2), setsockopt(2), netlink(7), rtnetlink(7))]
    pub fn new(groups: RouteGroups, buf: &'b mut [u8]) -> Result<RouteMonitor<'b>> {
        let socket = NetlinkSocket::new(NetlinkProtocol::ROUTE)?;
        socket.bind(NetlinkAddr::new(0, 0))?;
        for g in groups.groups() {
            socket.join_group(g)?;
        }
        Ok(RouteMonitor {
            socket,
            groups,
            buf,
            at: 0,
            len: 0,
            ignored: 0,
        })
    }

    /// The socket: its read timeout, its receive buffer (`SO_RCVBUF`), opting out of
    /// overrun reports ([`set_no_enobufs`](NetlinkSocket::set_no_enobufs)), more groups.
    ///
    /// ```no_run
    /// use baresock::netlink::route::{RouteGroups, RouteMonitor};
    /// let mut buf = [0u8; baresock::netlink::RECOMMENDED_BUFFER];
    /// let monitor = RouteMonitor::new(RouteGroups::LINK, &mut buf)?;
    /// monitor.socket().as_socket().set_recv_buffer_size(1 << 20)?; // fewer overruns on a busy host
    /// # Ok::<(), baresock::Error>(())
    /// ```
    pub fn socket(&self) -> &NetlinkSocket {
        &self.socket
    }

    /// The groups joined at [`new`](RouteMonitor::new).
    pub fn groups(&self) -> RouteGroups {
        self.groups
    }

    /// How many datagrams from senders other than the kernel were ignored.
    ///
    /// ```no_run
    /// use baresock::netlink::route::{RouteGroups, RouteMonitor};
    /// let mut buf = [0u8; 8192];
    /// let monitor = RouteMonitor::new(RouteGroups::LINK, &mut buf)?;
    /// assert_eq!(monitor.ignored(), 0);
    /// # Ok::<(), baresock::Error>(())
    /// ```
    pub fn ignored(&self) -> u32 {
        self.ignored
    }

    /// The next event: the next message of the datagram last read, else of the next
    /// datagram from the kernel, waiting as the socket's read timeout says
    /// ([`Error::Timeout`] when it passes; without a timeout, until an event comes). The
    /// event borrows the monitor's buffer until the next call.
    ///
    /// Errors: [`Error::Timeout`]; [`NetlinkError::ReplyTooLarge`] for a datagram longer
    /// than the buffer (dropped); a [`NetlinkError`] for a malformed datagram or message
    /// (the rest of the datagram dropped); the socket's errors. The kernel's `ENOBUFS` is
    /// the event [`RouteEvent::Overrun`], not an error.
    ///
    /// ```no_run
    /// use baresock::netlink::route::{RouteEvent, RouteGroups, RouteMonitor};
    /// let mut buf = [0u8; baresock::netlink::RECOMMENDED_BUFFER];
    /// let mut monitor = RouteMonitor::new(RouteGroups::ROUTES, &mut buf)?;
    /// if let RouteEvent::NewRoute(r) = monitor.recv()? {
    ///     println!("{:?}/{} via {:?}", r.destination()?, r.prefix_len(), r.gateway()?);
    /// }
    /// # Ok::<(), baresock::Error>(())
    /// ```
    ///
    #[doc = man!(recvfrom(2), netlink(7))]
    pub fn recv(&mut self) -> Result<RouteEvent<'_>> {
        let mut deadline = Deadline::default();
        let (start, end) = loop {
            if let Some(place) = next_message(self.buf, &mut self.at, self.len) {
                break place;
            }
            self.at = 0;
            self.len = 0;
            let n = match self
                .socket
                .recv_from_kernel(self.buf, &mut deadline, &mut self.ignored)
            {
                Err(e) if e.errno() == Some(Errno::NOBUFS) => return Ok(RouteEvent::Overrun),
                r => r?,
            };
            if n > self.buf.len() {
                return Err(Error::Netlink(NetlinkError::ReplyTooLarge {
                    needed: crate::error::sat32(n),
                }));
            }
            Messages::new(&self.buf[..n])?;
            self.len = n;
        };
        let buf: &[u8] = self.buf;
        match Message::first(buf.get(start..end).unwrap_or(&[])) {
            Some(m) => RouteEvent::from_message(m),
            // Checked by `Messages::new` above; never trusted into a panic.
            None => Err(Error::Netlink(NetlinkError::Short {
                needed: crate::netlink::HEADER_LEN as u32,
                got: crate::error::sat32(end - start),
            })),
        }
    }
}

/// The place of the message at `*at` in the datagram `buf[..len]` (checked by `Messages::new`),
/// `*at` moved past it; `None` (and `*at` at `len`) when none is left.
fn next_message(buf: &[u8], at: &mut usize, len: usize) -> Option<(usize, usize)> {
    let rest = buf.get(*at..len).unwrap_or(&[]);
    let Some(m) = Message::first(rest) else {
        *at = len;
        return None;
    };
    let (start, n) = (*at, m.as_bytes().len());
    *at = at.saturating_add(align(n)).min(len);
    Some((start, start + n))
}

#[cfg(test)]
#[path = "monitor_tests.rs"]
mod tests;
