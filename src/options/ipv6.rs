//! IPv6 options (`IPPROTO_IPV6`): ipv6(7).

use core::net::Ipv6Addr;

use linux_raw_sys::net as k;
use rustix::fd::AsFd;

use crate::sys::sockopt::{self, Ipv6Mreq};
use crate::{Result, Socket};

use super::{get_int, index_arg, set_int, IPV6};

/// IPv6 options (`IPPROTO_IPV6`): ipv6(7).
impl Socket {
    int_option!(
        /// The hop limit of outgoing unicast packets, 1 to 255 (`IPV6_UNICAST_HOPS`). The kernel
        /// refuses other values with `EINVAL`.
        ///
        /// ```
        /// use baresock::{Family, Protocol, Socket, Type};
        /// let s = Socket::new(Family::INET6, Type::DGRAM, Protocol::UDP)?;
        /// s.set_unicast_hops_v6(16)?;
        /// assert_eq!(s.unicast_hops_v6()?, 16);
        /// # Ok::<(), baresock::Error>(())
        /// ```
        ["IPV6_UNICAST_HOPS", "set_unicast_hops", "unicast_hops"], IPV6, k::IPV6_UNICAST_HOPS, unicast_hops_v6, set_unicast_hops_v6, u32, ipv6
    );

    bool_option!(
        /// Restricts an IPv6 socket to IPv6; off, it also takes IPv4 as v4-mapped addresses
        /// (`IPV6_V6ONLY`). Set it before `bind`.
        ///
        /// ```
        /// use baresock::{Family, Protocol, Socket, Type};
        /// let s = Socket::new(Family::INET6, Type::STREAM, Protocol::TCP)?;
        /// s.set_only_v6(false)?; // also take IPv4 clients, as ::ffff:a.b.c.d
        /// assert!(!s.only_v6()?);
        /// # Ok::<(), baresock::Error>(())
        /// ```
        "IPV6_V6ONLY", k::IPPROTO_IPV6 as u32, k::IPV6_V6ONLY, only_v6, set_only_v6, ipv6
    );
}

/// IPv6 options (`IPPROTO_IPV6`) beyond hops and v6-only: ipv6(7).
impl Socket {
    int_option!(
        /// The traffic class of outgoing packets (`IPV6_TCLASS`).
        ["IPV6_TCLASS"], IPV6, k::IPV6_TCLASS, tclass_v6, set_tclass_v6, u8, ipv6
    );

    /// Joins a multicast group on the interface with this index; 0 lets the kernel choose
    /// (`IPV6_ADD_MEMBERSHIP`).
    ///
    #[doc = man!(setsockopt(2), ipv6(7))]
    #[doc(alias = "IPV6_ADD_MEMBERSHIP")]
    pub fn join_multicast_v6(&self, group: &Ipv6Addr, interface: u32) -> Result<()> {
        let m = Ipv6Mreq {
            multiaddr: group.octets(),
            ifindex: index_arg(interface)?,
        };
        sockopt::set(self.as_fd(), IPV6, k::IPV6_ADD_MEMBERSHIP, &m)
    }

    /// Leaves a multicast group (`IPV6_DROP_MEMBERSHIP`).
    ///
    #[doc = man!(setsockopt(2), ipv6(7))]
    #[doc(alias = "IPV6_DROP_MEMBERSHIP")]
    pub fn leave_multicast_v6(&self, group: &Ipv6Addr, interface: u32) -> Result<()> {
        let m = Ipv6Mreq {
            multiaddr: group.octets(),
            ifindex: index_arg(interface)?,
        };
        sockopt::set(self.as_fd(), IPV6, k::IPV6_DROP_MEMBERSHIP, &m)
    }

    /// The index of the interface outgoing multicast leaves by; 0 lets the kernel choose
    /// (`IPV6_MULTICAST_IF`).
    ///
    #[doc = man!(setsockopt(2), ipv6(7))]
    #[doc(alias = "IPV6_MULTICAST_IF")]
    pub fn set_multicast_if_v6(&self, interface: u32) -> Result<()> {
        set_int(
            self.as_fd(),
            IPV6,
            k::IPV6_MULTICAST_IF,
            index_arg(interface)?,
        )
    }

    /// The index of the interface outgoing multicast leaves by (`IPV6_MULTICAST_IF`).
    ///
    #[doc = man!(getsockopt(2), ipv6(7))]
    #[doc(alias = "IPV6_MULTICAST_IF")]
    pub fn multicast_if_v6(&self) -> Result<u32> {
        get_int(self.as_fd(), IPV6, k::IPV6_MULTICAST_IF).map(|v| v.max(0) as u32)
    }

    int_option!(
        /// The hop limit of outgoing multicast, 0 to 255 (`IPV6_MULTICAST_HOPS`).
        ["IPV6_MULTICAST_HOPS"], IPV6, k::IPV6_MULTICAST_HOPS, multicast_hops_v6, set_multicast_hops_v6, u8, ipv6
    );

    bool_option!(
        /// Loops outgoing multicast back to local listeners (`IPV6_MULTICAST_LOOP`).
        "IPV6_MULTICAST_LOOP", IPV6, k::IPV6_MULTICAST_LOOP, multicast_loop_v6, set_multicast_loop_v6, ipv6
    );
    bool_option!(
        /// Allows binding to an address not (yet) on any interface (`IPV6_FREEBIND`).
        "IPV6_FREEBIND", IPV6, k::IPV6_FREEBIND, freebind_v6, set_freebind_v6, ipv6
    );
    bool_option!(
        /// Transparent proxying (`IPV6_TRANSPARENT`); needs `CAP_NET_ADMIN` or `CAP_NET_RAW`.
        "IPV6_TRANSPARENT", IPV6, k::IPV6_TRANSPARENT, transparent_v6, set_transparent_v6, ipv6
    );
    bool_option!(
        /// Queues extended error reports, read with `MSG_ERRQUEUE` (`IPV6_RECVERR`).
        "IPV6_RECVERR", IPV6, k::IPV6_RECVERR, recv_err_v6, set_recv_err_v6, ipv6
    );
}
