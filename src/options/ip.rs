//! IPv4 options (`IPPROTO_IP`): ip(7).

use crate::InputError;
use core::net::Ipv4Addr;

use linux_raw_sys::net as k;
use rustix::fd::AsFd;

use crate::sys::sockopt::{self, IpMreqn};
use crate::{Error, Result, Socket};

use super::{get_int, index_arg, set_int, IP};

/// IPv4 options (`IPPROTO_IP`): ip(7).
impl Socket {
    int_option!(
        /// The time-to-live of outgoing unicast packets, 1 to 255 (`IP_TTL`). The kernel refuses
        /// other values with `EINVAL`.
        ///
        /// ```
        /// use baresock::{Family, Protocol, Socket, Type};
        /// let s = Socket::new(Family::INET, Type::DGRAM, Protocol::UDP)?;
        /// s.set_ttl_v4(1)?; // never leaves the local network
        /// assert_eq!(s.ttl_v4()?, 1);
        /// # Ok::<(), baresock::Error>(())
        /// ```
        ["IP_TTL", "set_ttl", "ttl"], IP, k::IP_TTL, ttl_v4, set_ttl_v4, u32, ip
    );
}

/// Which interface a multicast group is joined on, or sent from (IPv4).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum MulticastInterface {
    /// Let the kernel choose by its routing table.
    #[default]
    Any,
    /// The interface with this local address.
    Address(Ipv4Addr),
    /// The interface with this index.
    Index(u32),
}

#[cfg(feature = "defmt")]
impl defmt::Format for MulticastInterface {
    fn format(&self, f: defmt::Formatter<'_>) {
        match self {
            MulticastInterface::Any => defmt::write!(f, "Any"),
            MulticastInterface::Address(a) => defmt::write!(f, "Address({})", a.octets()),
            MulticastInterface::Index(i) => defmt::write!(f, "Index({})", i),
        }
    }
}

impl MulticastInterface {
    fn mreqn(self, group: Ipv4Addr) -> Result<IpMreqn> {
        let (address, ifindex) = match self {
            MulticastInterface::Any => (Ipv4Addr::UNSPECIFIED, 0),
            MulticastInterface::Address(a) => (a, 0),
            MulticastInterface::Index(i) => (Ipv4Addr::UNSPECIFIED, index_arg(i)?),
        };
        Ok(IpMreqn {
            multiaddr: group.octets(),
            address: address.octets(),
            ifindex,
        })
    }
}

/// IPv4 options (`IPPROTO_IP`) beyond the TTL: ip(7).
impl Socket {
    int_option!(
        /// The type-of-service byte of outgoing packets: DSCP and ECN (`IP_TOS`).
        ///
        /// ```
        /// use baresock::{Family, Protocol, Socket, Type};
        /// let s = Socket::new(Family::INET, Type::DGRAM, Protocol::UDP)?;
        /// s.set_tos_v4(0x10)?; // low delay
        /// assert_eq!(s.tos_v4()?, 0x10);
        /// # Ok::<(), baresock::Error>(())
        /// ```
        ["IP_TOS", "set_tos", "tos"], IP, k::IP_TOS, tos_v4, set_tos_v4, u8, ip
    );

    /// Joins a multicast group on an interface (`IP_ADD_MEMBERSHIP`).
    ///
    /// ```
    /// use baresock::{MulticastInterface, UdpSocket};
    /// use core::net::{Ipv4Addr, SocketAddr};
    /// let s = UdpSocket::bind("0.0.0.0:0")?;
    /// let group = Ipv4Addr::new(239, 255, 0, 1);
    /// s.as_socket().join_multicast_v4(group, MulticastInterface::Any)?;
    /// s.as_socket().leave_multicast_v4(group, MulticastInterface::Any)?;
    /// # Ok::<(), baresock::Error>(())
    /// ```
    ///
    #[doc = man!(setsockopt(2), ip(7))]
    #[doc(alias = "IP_ADD_MEMBERSHIP")]
    pub fn join_multicast_v4(&self, group: Ipv4Addr, interface: MulticastInterface) -> Result<()> {
        sockopt::set(
            self.as_fd(),
            IP,
            k::IP_ADD_MEMBERSHIP,
            &interface.mreqn(group)?,
        )
    }

    /// Leaves a multicast group (`IP_DROP_MEMBERSHIP`).
    ///
    #[doc = man!(setsockopt(2), ip(7))]
    #[doc(alias = "IP_DROP_MEMBERSHIP")]
    pub fn leave_multicast_v4(&self, group: Ipv4Addr, interface: MulticastInterface) -> Result<()> {
        sockopt::set(
            self.as_fd(),
            IP,
            k::IP_DROP_MEMBERSHIP,
            &interface.mreqn(group)?,
        )
    }

    /// The interface outgoing multicast leaves by (`IP_MULTICAST_IF`).
    ///
    #[doc = man!(setsockopt(2), ip(7))]
    #[doc(alias = "IP_MULTICAST_IF")]
    pub fn set_multicast_if_v4(&self, interface: MulticastInterface) -> Result<()> {
        sockopt::set(
            self.as_fd(),
            IP,
            k::IP_MULTICAST_IF,
            &interface.mreqn(Ipv4Addr::UNSPECIFIED)?,
        )
    }

    /// The local address outgoing multicast leaves from (`IP_MULTICAST_IF`); unspecified when
    /// the kernel chooses (or an index was set).
    ///
    #[doc = man!(getsockopt(2), ip(7))]
    #[doc(alias = "IP_MULTICAST_IF")]
    pub fn multicast_if_v4(&self) -> Result<Ipv4Addr> {
        let mut b = [0u8; 4];
        let n = sockopt::get_bytes(self.as_fd(), IP, k::IP_MULTICAST_IF, &mut b)?;
        if n != 4 {
            return Err(Error::Input(InputError::OptionSize {
                expected: 4,
                got: n as u32,
            }));
        }
        Ok(Ipv4Addr::from(b))
    }

    int_option!(
        /// The TTL of outgoing multicast, 0 to 255 (`IP_MULTICAST_TTL`).
        ["IP_MULTICAST_TTL"], IP, k::IP_MULTICAST_TTL, multicast_ttl_v4, set_multicast_ttl_v4, u8, ip
    );

    bool_option!(
        /// Loops outgoing multicast back to local listeners (`IP_MULTICAST_LOOP`).
        "IP_MULTICAST_LOOP", IP, k::IP_MULTICAST_LOOP, multicast_loop_v4, set_multicast_loop_v4, ip
    );
    bool_option!(
        /// Allows binding to an address not (yet) on any interface (`IP_FREEBIND`).
        ["IP_FREEBIND", "freebind", "set_freebind"], IP, k::IP_FREEBIND, freebind_v4, set_freebind_v4, ip
    );
    bool_option!(
        /// Transparent proxying: bind to and accept for foreign addresses (`IP_TRANSPARENT`);
        /// needs `CAP_NET_ADMIN` or `CAP_NET_RAW`.
        ["IP_TRANSPARENT", "transparent", "set_transparent"], IP, k::IP_TRANSPARENT, transparent_v4, set_transparent_v4, ip
    );
    bool_option!(
        /// Queues extended error reports, read with `MSG_ERRQUEUE` (`IP_RECVERR`).
        ["IP_RECVERR", "recv_err", "set_recv_err"], IP, k::IP_RECVERR, recv_err_v4, set_recv_err_v4, ip
    );
}
