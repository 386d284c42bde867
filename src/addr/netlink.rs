//! Netlink addresses (`sockaddr_nl`, linux/netlink.h): a port id and a bitmask of multicast
//! groups.

use core::fmt;

/// `sizeof(struct sockaddr_nl)`.
pub(crate) const SOCKADDR_NL_LEN: usize = 12;

/// A netlink socket address (`sockaddr_nl`): the port id (`nl_pid`; 0 is the kernel, or "let
/// the kernel choose" in a bind) and a bitmask of the multicast groups 1 to 32 (`nl_groups`;
/// [`NetlinkSocket::join_group`](crate::netlink::NetlinkSocket::join_group) joins any group).
///
/// ```
/// use baresock::{NetlinkAddr, SockAddr};
/// let kernel = NetlinkAddr::KERNEL;
/// assert_eq!((kernel.port_id(), kernel.groups()), (0, 0));
/// let a = NetlinkAddr::new(1234, 1);
/// assert_eq!(SockAddr::from(a).to_string(), "netlink:1234/0x1");
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Default)]
#[doc(alias = "sockaddr_nl")]
pub struct NetlinkAddr {
    port_id: u32,
    groups: u32,
}

impl NetlinkAddr {
    /// The kernel: port id 0, no groups.
    pub const KERNEL: NetlinkAddr = NetlinkAddr::new(0, 0);

    /// An address of port id `port_id` and the groups whose bits are set in `groups` (bit
    /// `n - 1` for group `n`).
    pub const fn new(port_id: u32, groups: u32) -> NetlinkAddr {
        NetlinkAddr { port_id, groups }
    }

    /// The port id (`nl_pid`).
    #[doc(alias = "nl_pid")]
    pub const fn port_id(&self) -> u32 {
        self.port_id
    }

    /// The groups bitmask (`nl_groups`).
    #[doc(alias = "nl_groups")]
    pub const fn groups(&self) -> u32 {
        self.groups
    }

    /// The kernel's 12 bytes.
    pub(crate) fn to_bytes(self) -> [u8; SOCKADDR_NL_LEN] {
        let mut b = [0u8; SOCKADDR_NL_LEN];
        b[0..2].copy_from_slice(&(linux_raw_sys::net::AF_NETLINK as u16).to_ne_bytes());
        b[4..8].copy_from_slice(&self.port_id.to_ne_bytes());
        b[8..12].copy_from_slice(&self.groups.to_ne_bytes());
        b
    }

    /// From the kernel's bytes (family checked by the caller): exactly 12 of them.
    pub(crate) fn from_bytes(b: &[u8]) -> Option<NetlinkAddr> {
        let b: &[u8; SOCKADDR_NL_LEN] = b.try_into().ok()?;
        Some(NetlinkAddr {
            port_id: u32::from_ne_bytes([b[4], b[5], b[6], b[7]]),
            groups: u32::from_ne_bytes([b[8], b[9], b[10], b[11]]),
        })
    }
}

impl fmt::Display for NetlinkAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "netlink:{}/{:#x}", self.port_id, self.groups)
    }
}

#[cfg(feature = "defmt")]
impl defmt::Format for NetlinkAddr {
    fn format(&self, f: defmt::Formatter<'_>) {
        defmt::write!(f, "netlink:{}/{=u32:#x}", self.port_id, self.groups)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_round_trip() {
        let a = NetlinkAddr::new(0x0102_0304, 0x8000_0001);
        let b = a.to_bytes();
        assert_eq!(NetlinkAddr::from_bytes(&b), Some(a));
        assert_eq!(NetlinkAddr::from_bytes(&b[..11]), None);
        assert_eq!(u16::from_ne_bytes([b[0], b[1]]), 16);
    }
}
