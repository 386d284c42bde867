//! [`NetlinkSocket`]: an `AF_NETLINK` socket of one protocol, its address, groups and options.

use rustix::fd::AsFd;

use crate::net::typed_socket;
use crate::socket::Wait;
use crate::sys::addr::{self, AddrRoom};
use crate::sys::sockopt;
use crate::time::{self, Deadline};
use crate::{AddressError, Error, Family, NetlinkAddr, Protocol, Result, SockAddr, Socket, Type};

/// `MSG_TRUNC` (linux/socket.h): a receive returns the datagram's true length.
const MSG_TRUNC: u32 = 0x20;

/// `SOL_NETLINK` (linux/socket.h).
const SOL_NETLINK: u32 = 270;
/// The `SOL_NETLINK` options (linux/netlink.h).
const NETLINK_ADD_MEMBERSHIP: u32 = 1;
const NETLINK_DROP_MEMBERSHIP: u32 = 2;
const NETLINK_BROADCAST_ERROR: u32 = 4;
const NETLINK_NO_ENOBUFS: u32 = 5;
const NETLINK_LISTEN_ALL_NSID: u32 = 8;
const NETLINK_CAP_ACK: u32 = 10;
const NETLINK_EXT_ACK: u32 = 11;
const NETLINK_GET_STRICT_CHK: u32 = 12;

/// A netlink protocol (`NETLINK_*`, linux/netlink.h), the third argument of `socket(2)`:
/// which kernel subsystem the socket talks to. Open: any number can be used.
///
/// ```
/// use baresock::netlink::NetlinkProtocol;
/// assert_eq!(NetlinkProtocol::ROUTE.as_raw(), 0);
/// assert_eq!(NetlinkProtocol::KOBJECT_UEVENT.as_raw(), 15);
/// assert_eq!(NetlinkProtocol::from_raw(16), NetlinkProtocol::GENERIC);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct NetlinkProtocol(i32);

impl NetlinkProtocol {
    /// Links, addresses, routes, neighbours, rules, qdiscs (`NETLINK_ROUTE`, rtnetlink(7)).
    pub const ROUTE: NetlinkProtocol = NetlinkProtocol(0);
    /// Reserved for user-space protocols (`NETLINK_USERSOCK`).
    pub const USERSOCK: NetlinkProtocol = NetlinkProtocol(2);
    /// Socket monitoring (`NETLINK_SOCK_DIAG`, `NETLINK_INET_DIAG`, sock_diag(7)).
    pub const SOCK_DIAG: NetlinkProtocol = NetlinkProtocol(4);
    /// Netfilter's packet log (`NETLINK_NFLOG`).
    pub const NFLOG: NetlinkProtocol = NetlinkProtocol(5);
    /// IPsec (`NETLINK_XFRM`).
    pub const XFRM: NetlinkProtocol = NetlinkProtocol(6);
    /// SELinux events (`NETLINK_SELINUX`).
    pub const SELINUX: NetlinkProtocol = NetlinkProtocol(7);
    /// Open-iSCSI (`NETLINK_ISCSI`).
    pub const ISCSI: NetlinkProtocol = NetlinkProtocol(8);
    /// Auditing (`NETLINK_AUDIT`).
    pub const AUDIT: NetlinkProtocol = NetlinkProtocol(9);
    /// FIB lookups (`NETLINK_FIB_LOOKUP`).
    pub const FIB_LOOKUP: NetlinkProtocol = NetlinkProtocol(10);
    /// The kernel connector (`NETLINK_CONNECTOR`).
    pub const CONNECTOR: NetlinkProtocol = NetlinkProtocol(11);
    /// Netfilter (`NETLINK_NETFILTER`: nftables, conntrack).
    pub const NETFILTER: NetlinkProtocol = NetlinkProtocol(12);
    /// Kernel uevents (`NETLINK_KOBJECT_UEVENT`; see [`uevent`](super::uevent)).
    pub const KOBJECT_UEVENT: NetlinkProtocol = NetlinkProtocol(15);
    /// Generic netlink (`NETLINK_GENERIC`, genetlink).
    pub const GENERIC: NetlinkProtocol = NetlinkProtocol(16);
    /// SCSI transports (`NETLINK_SCSITRANSPORT`).
    pub const SCSITRANSPORT: NetlinkProtocol = NetlinkProtocol(18);
    /// eCryptfs (`NETLINK_ECRYPTFS`).
    pub const ECRYPTFS: NetlinkProtocol = NetlinkProtocol(19);
    /// RDMA (`NETLINK_RDMA`).
    pub const RDMA: NetlinkProtocol = NetlinkProtocol(20);
    /// The crypto layer (`NETLINK_CRYPTO`).
    pub const CRYPTO: NetlinkProtocol = NetlinkProtocol(21);
    /// SMC monitoring (`NETLINK_SMC`).
    pub const SMC: NetlinkProtocol = NetlinkProtocol(22);

    /// A protocol from its number.
    pub const fn from_raw(raw: i32) -> NetlinkProtocol {
        NetlinkProtocol(raw)
    }

    /// The protocol's number.
    pub const fn as_raw(self) -> i32 {
        self.0
    }
}

typed_socket!(
    /// A netlink socket (`AF_NETLINK`, `SOCK_RAW`, netlink(7)) of one
    /// [`NetlinkProtocol`]: datagrams to and from the kernel and other netlink sockets.
    ///
    /// For request/reply exchanges with the kernel, wrap it in a
    /// [`Client`](super::Client); for notifications, [`join_group`](NetlinkSocket::join_group)
    /// and [`recv_from`](NetlinkSocket::recv_from).
    ///
    /// ```
    /// use baresock::netlink::{NetlinkProtocol, NetlinkSocket};
    /// use baresock::NetlinkAddr;
    /// let s = NetlinkSocket::new(NetlinkProtocol::ROUTE)?;
    /// s.bind(NetlinkAddr::new(0, 0))?; // the kernel picks the port id
    /// assert_ne!(s.port_id()?, 0);
    /// # Ok::<(), baresock::Error>(())
    /// ```
    NetlinkSocket, [NETLINK], [RAW, DGRAM]
);

impl NetlinkSocket {
    /// A socket of `protocol` (`socket(AF_NETLINK, SOCK_RAW, protocol)`), unbound: it gets
    /// a port id on [`bind`](NetlinkSocket::bind) or its first send.
    ///
    #[doc = man!(socket(2), netlink(7))]
    pub fn new(protocol: NetlinkProtocol) -> Result<NetlinkSocket> {
        Socket::new(
            Family::NETLINK,
            Type::RAW,
            Protocol::from_raw(protocol.as_raw()),
        )
        .map(|inner| NetlinkSocket { inner })
    }

    /// Binds to `addr`: port id 0 lets the kernel choose one; its groups (1 to 32) are
    /// joined.
    ///
    #[doc = man!(bind(2), netlink(7))]
    pub fn bind(&self, addr: NetlinkAddr) -> Result<()> {
        self.inner.bind(addr)
    }

    /// The socket's address (`getsockname`): its port id (0 until bound or autobound) and
    /// groups 1 to 32 it is in.
    ///
    #[doc = man!(getsockname(2))]
    pub fn local_addr(&self) -> Result<NetlinkAddr> {
        match self.inner.local_addr()? {
            SockAddr::Netlink(a) => Ok(a),
            other => Err(Error::Address(AddressError::FamilyMismatch {
                socket: Family::NETLINK,
                addr: other.family(),
            })),
        }
    }

    /// The socket's port id (`nl_pid` of [`local_addr`](NetlinkSocket::local_addr)).
    pub fn port_id(&self) -> Result<u32> {
        self.local_addr().map(|a| a.port_id())
    }

    /// Sends a datagram to `to` (the kernel: [`NetlinkAddr::KERNEL`]).
    ///
    #[doc = man!(sendto(2), netlink(7))]
    pub fn send_to(&self, buf: &[u8], to: NetlinkAddr) -> Result<usize> {
        self.inner.send_to(buf, to)
    }

    /// Sends a datagram to the kernel.
    ///
    #[doc = man!(send(2), netlink(7))]
    pub fn send(&self, buf: &[u8]) -> Result<usize> {
        self.inner.send_to(buf, NetlinkAddr::KERNEL)
    }

    /// Receives a datagram and its sender (port id 0: the kernel; a group bit set: sent to a
    /// group); [`Error::Truncated`] with its length if longer than `buf`.
    ///
    #[doc = man!(recvfrom(2), netlink(7))]
    pub fn recv_from(&self, buf: &mut [u8]) -> Result<(usize, NetlinkAddr)> {
        let (n, from) = self.inner.recv_from(buf)?;
        match from {
            Some(SockAddr::Netlink(a)) => Ok((n, a)),
            _ => Err(Error::Address(AddressError::Missing)),
        }
    }

    /// Receives the next datagram from the kernel (sender port id 0) into `buf`, under one
    /// `deadline` for the whole call (the socket's read timeout): datagrams from any other
    /// sender are dropped and counted in `ignored`, and a flood of them cannot stretch the
    /// wait. Returns the datagram's true length (`MSG_TRUNC`: above `buf.len()` when it was
    /// cut; the caller names that).
    pub(crate) fn recv_from_kernel(
        &self,
        buf: &mut [u8],
        deadline: &mut Deadline,
        ignored: &mut u32,
    ) -> Result<usize> {
        loop {
            let mut from = AddrRoom::new();
            let n = self.inner.io(deadline, Wait::Read, false, |fd| {
                addr::recvfrom(fd, buf, MSG_TRUNC, &mut from)
            })?;
            let sender = match from.bytes() {
                b if b.len() >= 8 => u32::from_ne_bytes([b[4], b[5], b[6], b[7]]),
                _ => u32::MAX,
            };
            if sender == 0 {
                return Ok(n);
            }
            *ignored = ignored.wrapping_add(1);
            // A flood of foreign datagrams never waits, so the deadline is checked here.
            if let Some(t) = self.inner.read_timeout() {
                if !t.is_zero() && deadline.left(time::encode(Some(t))).is_none() {
                    return Err(Error::Timeout);
                }
            }
        }
    }

    /// Joins multicast group `group` (any number, also past 32:
    /// `NETLINK_ADD_MEMBERSHIP`).
    ///
    #[doc = man!(setsockopt(2), netlink(7))]
    #[doc(alias = "NETLINK_ADD_MEMBERSHIP")]
    pub fn join_group(&self, group: u32) -> Result<()> {
        sockopt::set(self.as_fd(), SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &group)
    }

    /// Leaves multicast group `group` (`NETLINK_DROP_MEMBERSHIP`).
    ///
    #[doc = man!(setsockopt(2), netlink(7))]
    #[doc(alias = "NETLINK_DROP_MEMBERSHIP")]
    pub fn leave_group(&self, group: u32) -> Result<()> {
        sockopt::set(self.as_fd(), SOL_NETLINK, NETLINK_DROP_MEMBERSHIP, &group)
    }

    fn set_flag(&self, name: u32, on: bool) -> Result<()> {
        sockopt::set(self.as_fd(), SOL_NETLINK, name, &i32::from(on))
    }

    fn flag(&self, name: u32) -> Result<bool> {
        sockopt::get::<i32>(self.as_fd(), SOL_NETLINK, name).map(|v| v != 0)
    }

    /// Asks for extended acks: the kernel's message text and the offending attribute in its
    /// errors (`NETLINK_EXT_ACK`, Linux 4.12). A [`Client`](super::Client) turns it on.
    ///
    #[doc = man!(setsockopt(2), netlink(7))]
    #[doc(alias = "NETLINK_EXT_ACK")]
    pub fn set_ext_ack(&self, on: bool) -> Result<()> {
        self.set_flag(NETLINK_EXT_ACK, on)
    }

    /// Whether `NETLINK_EXT_ACK` is on.
    #[doc(alias = "NETLINK_EXT_ACK")]
    pub fn ext_ack(&self) -> Result<bool> {
        self.flag(NETLINK_EXT_ACK)
    }

    /// Asks the kernel to check dump requests strictly: header fields it would ignore are
    /// refused, and filter attributes are honoured (`NETLINK_GET_STRICT_CHK`, Linux 4.20).
    ///
    #[doc = man!(setsockopt(2), netlink(7))]
    #[doc(alias = "NETLINK_GET_STRICT_CHK")]
    pub fn set_strict_check(&self, on: bool) -> Result<()> {
        self.set_flag(NETLINK_GET_STRICT_CHK, on)
    }

    /// Whether `NETLINK_GET_STRICT_CHK` is on.
    #[doc(alias = "NETLINK_GET_STRICT_CHK")]
    pub fn strict_check(&self) -> Result<bool> {
        self.flag(NETLINK_GET_STRICT_CHK)
    }

    /// Drops notifications silently when the receive queue is full, instead of reporting
    /// `ENOBUFS` on the next receive (`NETLINK_NO_ENOBUFS`).
    ///
    #[doc = man!(setsockopt(2), netlink(7))]
    #[doc(alias = "NETLINK_NO_ENOBUFS")]
    pub fn set_no_enobufs(&self, on: bool) -> Result<()> {
        self.set_flag(NETLINK_NO_ENOBUFS, on)
    }

    /// Whether `NETLINK_NO_ENOBUFS` is on.
    #[doc(alias = "NETLINK_NO_ENOBUFS")]
    pub fn no_enobufs(&self) -> Result<bool> {
        self.flag(NETLINK_NO_ENOBUFS)
    }

    /// Receives the notifications of every network namespace that has an id in ours
    /// (`NETLINK_LISTEN_ALL_NSID`, Linux 4.2; needs `CAP_NET_BROADCAST`).
    ///
    #[doc = man!(setsockopt(2), netlink(7))]
    #[doc(alias = "NETLINK_LISTEN_ALL_NSID")]
    pub fn set_listen_all_nsid(&self, on: bool) -> Result<()> {
        self.set_flag(NETLINK_LISTEN_ALL_NSID, on)
    }

    /// Whether `NETLINK_LISTEN_ALL_NSID` is on.
    #[doc(alias = "NETLINK_LISTEN_ALL_NSID")]
    pub fn listen_all_nsid(&self) -> Result<bool> {
        self.flag(NETLINK_LISTEN_ALL_NSID)
    }

    /// Asks for errors without the request's payload echoed (`NETLINK_CAP_ACK`, Linux 4.3):
    /// smaller errors, but the offending attribute cannot be named from the echo (the
    /// client resolves it against its own copy of the request either way).
    ///
    #[doc = man!(setsockopt(2), netlink(7))]
    #[doc(alias = "NETLINK_CAP_ACK")]
    pub fn set_cap_ack(&self, on: bool) -> Result<()> {
        self.set_flag(NETLINK_CAP_ACK, on)
    }

    /// Whether `NETLINK_CAP_ACK` is on.
    #[doc(alias = "NETLINK_CAP_ACK")]
    pub fn cap_ack(&self) -> Result<bool> {
        self.flag(NETLINK_CAP_ACK)
    }

    /// Reports a failed delivery of our multicast sends as an error of the send
    /// (`NETLINK_BROADCAST_ERROR`).
    ///
    #[doc = man!(setsockopt(2), netlink(7))]
    #[doc(alias = "NETLINK_BROADCAST_ERROR")]
    pub fn set_broadcast_error(&self, on: bool) -> Result<()> {
        self.set_flag(NETLINK_BROADCAST_ERROR, on)
    }

    /// Whether `NETLINK_BROADCAST_ERROR` is on.
    #[doc(alias = "NETLINK_BROADCAST_ERROR")]
    pub fn broadcast_error(&self) -> Result<bool> {
        self.flag(NETLINK_BROADCAST_ERROR)
    }
}
