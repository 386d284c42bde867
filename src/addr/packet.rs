//! Link-layer addresses (`sockaddr_ll`, packet(7)).

use crate::AddressError;
use core::fmt;

use crate::{Error, Result};

/// The most hardware-address bytes a [`LinkAddr`] holds: the kernel's `MAX_ADDR_LEN`. A
/// `sockaddr_ll` declares 8 (`sll_addr[8]`), enough for Ethernet's 6; longer ones (IP over
/// InfiniBand's 20) run on past it, and the kernel gives and takes them that way.
pub const LINK_ADDR_MAX: usize = 32;

/// `offsetof(struct sockaddr_ll, sll_addr)`.
const SLL_ADDR: usize = 12;
/// `sizeof(struct sockaddr_ll)`: the least the kernel takes (`bind`, `sendto`).
const SOCKADDR_LL_LEN: usize = 20;
/// A `sockaddr_ll` with the longest hardware address.
pub(crate) const SOCKADDR_LL_MAX: usize = SLL_ADDR + LINK_ADDR_MAX;

/// EtherTypes (`ETH_P_*`, linux/if_ether.h), in host byte order as this crate takes them; the
/// crate swaps them to network order where the kernel wants it.
pub mod ether {
    /// Every protocol: what a capture socket asks for (`ETH_P_ALL`).
    pub const ALL: u16 = linux_raw_sys::if_ether::ETH_P_ALL as u16;
    /// IPv4 (`ETH_P_IP`).
    pub const IPV4: u16 = linux_raw_sys::if_ether::ETH_P_IP as u16;
    /// ARP (`ETH_P_ARP`).
    pub const ARP: u16 = linux_raw_sys::if_ether::ETH_P_ARP as u16;
    /// IPv6 (`ETH_P_IPV6`).
    pub const IPV6: u16 = linux_raw_sys::if_ether::ETH_P_IPV6 as u16;
    /// 802.1Q VLAN tag (`ETH_P_8021Q`).
    pub const VLAN: u16 = linux_raw_sys::if_ether::ETH_P_8021Q as u16;
    /// A protocol number no one uses, for tests and private links (`ETH_P_802_EX1`, the local
    /// experimental EtherType).
    pub const EXPERIMENTAL: u16 = linux_raw_sys::if_ether::ETH_P_802_EX1 as u16;
}

/// Which way a packet went, as the kernel classifies it (`PACKET_*` of `sll_pkttype`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum PacketType {
    /// Addressed to this host (`PACKET_HOST`).
    #[default]
    Host,
    /// Link-layer broadcast (`PACKET_BROADCAST`).
    Broadcast,
    /// Link-layer multicast (`PACKET_MULTICAST`).
    Multicast,
    /// Addressed to another host, seen in promiscuous mode (`PACKET_OTHERHOST`).
    OtherHost,
    /// Sent by this host (`PACKET_OUTGOING`).
    Outgoing,
    /// Looped back (`PACKET_LOOPBACK`).
    Loopback,
    /// To user space (`PACKET_USER`).
    User,
    /// To the kernel (`PACKET_KERNEL`).
    Kernel,
    /// A value this crate does not name.
    Unknown(u8),
}

impl PacketType {
    /// From the kernel's number.
    pub const fn from_raw(v: u8) -> PacketType {
        match v {
            0 => PacketType::Host,
            1 => PacketType::Broadcast,
            2 => PacketType::Multicast,
            3 => PacketType::OtherHost,
            4 => PacketType::Outgoing,
            5 => PacketType::Loopback,
            6 => PacketType::User,
            7 => PacketType::Kernel,
            v => PacketType::Unknown(v),
        }
    }

    /// The kernel's number.
    pub const fn as_raw(self) -> u8 {
        match self {
            PacketType::Host => 0,
            PacketType::Broadcast => 1,
            PacketType::Multicast => 2,
            PacketType::OtherHost => 3,
            PacketType::Outgoing => 4,
            PacketType::Loopback => 5,
            PacketType::User => 6,
            PacketType::Kernel => 7,
            PacketType::Unknown(v) => v,
        }
    }
}

/// A link-layer address (`sockaddr_ll`, packet(7)): interface index, EtherType, hardware
/// type, packet type, and a hardware address of up to [`LINK_ADDR_MAX`] (32) bytes: 6 for
/// Ethernet, 20 for IP over InfiniBand.
///
/// To bind a packet socket or send from one, [`LinkAddr::new`] with the interface and the
/// EtherType is enough; add the destination's hardware address with
/// [`with_address`](LinkAddr::with_address) to send a `SOCK_DGRAM` packet. Received addresses
/// carry all fields.
///
/// ```
/// use baresock::LinkAddr;
/// use baresock::packet::ether;
/// let to = LinkAddr::new(2, ether::IPV4).with_address(&[0xff; 6])?;
/// assert_eq!(to.address(), &[0xff; 6]);
/// // IP over InfiniBand's 20-byte hardware address fits too; 33 bytes do not.
/// assert_eq!(LinkAddr::new(5, ether::IPV4).with_address(&[0x80; 20])?.address().len(), 20);
/// assert!(LinkAddr::new(2, ether::IPV4).with_address(&[0; 33]).is_err());
/// # Ok::<(), baresock::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct LinkAddr {
    ifindex: u32,
    protocol: u16,
    hatype: u16,
    pkttype: PacketType,
    addr: [u8; LINK_ADDR_MAX],
    len: u8,
}

impl LinkAddr {
    /// An address on interface `ifindex` (0: any) for EtherType `protocol` (host order).
    ///
    /// ```
    /// use baresock::LinkAddr;
    /// use baresock::packet::ether;
    /// // Where to send an IPv4 frame on interface 2, to a given MAC address.
    /// let to = LinkAddr::new(2, ether::IPV4).with_address(&[0x02, 0, 0, 0, 0, 1])?;
    /// assert_eq!(to.address(), &[0x02, 0, 0, 0, 0, 1]);
    /// assert_eq!(to.protocol(), 0x0800);
    /// # Ok::<(), baresock::Error>(())
    /// ```
    pub const fn new(ifindex: u32, protocol: u16) -> LinkAddr {
        LinkAddr {
            ifindex,
            protocol,
            hatype: 0,
            pkttype: PacketType::Host,
            addr: [0; LINK_ADDR_MAX],
            len: 0,
        }
    }

    /// With a hardware address (6 bytes for Ethernet). Fails with
    /// [`AddressError::LinkAddrTooLong`](crate::AddressError::LinkAddrTooLong) past
    /// [`LINK_ADDR_MAX`] (32) bytes.
    pub const fn with_address(mut self, addr: &[u8]) -> Result<LinkAddr> {
        if addr.len() > LINK_ADDR_MAX {
            return Err(Error::Address(AddressError::LinkAddrTooLong {
                len: crate::error::sat32(addr.len()),
                max: LINK_ADDR_MAX as u16,
            }));
        }
        let mut i = 0;
        while i < LINK_ADDR_MAX {
            self.addr[i] = if i < addr.len() { addr[i] } else { 0 };
            i += 1;
        }
        self.len = addr.len() as u8;
        Ok(self)
    }

    /// With a hardware type (`ARPHRD_*`; `sll_hatype`).
    pub const fn with_hardware_type(mut self, hatype: u16) -> LinkAddr {
        self.hatype = hatype;
        self
    }

    /// With a packet type (`sll_pkttype`).
    pub const fn with_packet_type(mut self, pkttype: PacketType) -> LinkAddr {
        self.pkttype = pkttype;
        self
    }

    /// The interface index (`sll_ifindex`).
    pub const fn ifindex(&self) -> u32 {
        self.ifindex
    }

    /// The EtherType, in host byte order (`sll_protocol`).
    pub const fn protocol(&self) -> u16 {
        self.protocol
    }

    /// The hardware type (`sll_hatype`, `ARPHRD_*`: 1 is Ethernet, 772 loopback).
    pub const fn hardware_type(&self) -> u16 {
        self.hatype
    }

    /// The packet type (`sll_pkttype`).
    pub const fn packet_type(&self) -> PacketType {
        self.pkttype
    }

    /// The hardware address (`sll_addr`, `sll_halen` bytes of it).
    pub fn address(&self) -> &[u8] {
        &self.addr[..self.len as usize]
    }

    /// The `sockaddr_ll` bytes as the kernel takes them, and how many: 20 (a whole
    /// `sockaddr_ll`), or 12 + the address's length for an address past 8 bytes.
    pub(crate) fn to_bytes(self) -> ([u8; SOCKADDR_LL_MAX], usize) {
        let mut b = [0u8; SOCKADDR_LL_MAX];
        b[0..2].copy_from_slice(&(linux_raw_sys::net::AF_PACKET as u16).to_ne_bytes());
        b[2..4].copy_from_slice(&self.protocol.to_be_bytes());
        b[4..8].copy_from_slice(&(self.ifindex as i32).to_ne_bytes());
        b[8..10].copy_from_slice(&self.hatype.to_ne_bytes());
        b[10] = self.pkttype.as_raw();
        b[11] = self.len;
        b[SLL_ADDR..].copy_from_slice(&self.addr);
        let len = SOCKADDR_LL_LEN.max(SLL_ADDR + self.len as usize);
        (b, len)
    }

    /// Decodes `sockaddr_ll` bytes (the family included); `None` if too short for the fields
    /// or the hardware address it claims, or if that address is longer than
    /// [`LINK_ADDR_MAX`].
    pub(crate) fn from_bytes(b: &[u8]) -> Option<LinkAddr> {
        let h: &[u8; 12] = b.first_chunk()?;
        let halen = h[11];
        let addr = b.get(12..12 + halen as usize)?;
        let la = LinkAddr {
            ifindex: i32::from_ne_bytes([h[4], h[5], h[6], h[7]]) as u32,
            protocol: u16::from_be_bytes([h[2], h[3]]),
            hatype: u16::from_ne_bytes([h[8], h[9]]),
            pkttype: PacketType::from_raw(h[10]),
            addr: [0; LINK_ADDR_MAX],
            len: 0,
        };
        la.with_address(addr).ok()
    }
}

impl fmt::Display for LinkAddr {
    /// `if2/0x0800/aa:bb:cc:dd:ee:ff`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "if{}/{:#06x}/", self.ifindex, self.protocol)?;
        for (i, b) in self.address().iter().enumerate() {
            if i > 0 {
                f.write_str(":")?;
            }
            write!(f, "{b:02x}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for LinkAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LinkAddr")
            .field("ifindex", &self.ifindex)
            .field("protocol", &format_args!("{:#06x}", self.protocol))
            .field("hatype", &self.hatype)
            .field("pkttype", &self.pkttype)
            .field("address", &self.address())
            .finish()
    }
}

#[cfg(feature = "defmt")]
impl defmt::Format for LinkAddr {
    fn format(&self, f: defmt::Formatter<'_>) {
        defmt::write!(
            f,
            "LinkAddr {{ ifindex: {}, protocol: {=u16:#x}, hatype: {}, pkttype: {}, address: {=[u8]:02x} }}",
            self.ifindex,
            self.protocol,
            self.hatype,
            self.pkttype,
            self.address()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use core::mem::{offset_of, size_of};
    use linux_raw_sys::if_packet::sockaddr_ll as K;

    #[test]
    fn layout_matches_uapi() {
        assert_eq!(size_of::<K>(), 20);
        assert_eq!(offset_of!(K, sll_protocol), 2);
        assert_eq!(offset_of!(K, sll_ifindex), 4);
        assert_eq!(offset_of!(K, sll_hatype), 8);
        assert_eq!(offset_of!(K, sll_pkttype), 10);
        assert_eq!(offset_of!(K, sll_halen), 11);
        assert_eq!(offset_of!(K, sll_addr), 12);
    }

    #[test]
    fn golden_bytes() {
        let a = LinkAddr::new(3, 0x0800)
            .with_address(&[1, 2, 3, 4, 5, 6])
            .unwrap()
            .with_hardware_type(1)
            .with_packet_type(PacketType::Broadcast);
        let (b, len) = a.to_bytes();
        assert_eq!(len, 20, "a whole sockaddr_ll");
        assert_eq!(&b[2..4], &[0x08, 0x00], "EtherType in network order");
        assert_eq!(&b[4..8], &3i32.to_ne_bytes());
        assert_eq!((b[10], b[11]), (1, 6));
        assert_eq!(&b[12..18], &[1, 2, 3, 4, 5, 6]);
        assert_eq!(
            LinkAddr::from_bytes(&b[..18]),
            Some(a),
            "the kernel gives 12 + halen bytes"
        );
    }

    #[test]
    fn bad_bytes() {
        let (mut b, _) = LinkAddr::new(1, 3)
            .with_address(&[9; 6])
            .unwrap()
            .to_bytes();
        assert_eq!(LinkAddr::from_bytes(&b[..11]), None);
        assert_eq!(
            LinkAddr::from_bytes(&b[..17]),
            None,
            "shorter than halen says"
        );
        b[11] = 21;
        assert_eq!(
            LinkAddr::from_bytes(&b[..32]),
            None,
            "shorter than halen says"
        );
        b[11] = 33;
        assert_eq!(LinkAddr::from_bytes(&b), None, "halen past MAX_ADDR_LEN");
        assert_eq!(PacketType::from_raw(42), PacketType::Unknown(42));
        assert_eq!(PacketType::Unknown(42).as_raw(), 42);
    }

    /// IP over InfiniBand: a 20-byte hardware address, past `sll_addr`'s 8. The kernel gives
    /// 12 + 20 bytes (packet_recvmsg) and takes them back the same way (packet_snd checks
    /// `msg_namelen >= 12 + sll_halen`).
    #[test]
    fn long_hardware_address() {
        let hw: [u8; 20] = core::array::from_fn(|i| i as u8 + 1);
        let mut b = [0u8; 32];
        b[0..2].copy_from_slice(&(linux_raw_sys::net::AF_PACKET as u16).to_ne_bytes());
        b[2..4].copy_from_slice(&0x0800u16.to_be_bytes());
        b[4..8].copy_from_slice(&7i32.to_ne_bytes());
        b[8..10].copy_from_slice(&32u16.to_ne_bytes()); // ARPHRD_INFINIBAND
        b[10] = 0;
        b[11] = 20;
        b[12..].copy_from_slice(&hw);
        let a = LinkAddr::from_bytes(&b).expect("a 20-byte hardware address decodes");
        assert_eq!(a.address(), &hw);
        assert_eq!(
            (a.ifindex(), a.protocol(), a.hardware_type()),
            (7, 0x0800, 32)
        );
        let (back, len) = a.to_bytes();
        assert_eq!(len, 32);
        assert_eq!(&back[..len], &b);
        assert_eq!(
            LinkAddr::new(1, 1).with_address(&[0; 33]),
            Err(Error::Address(AddressError::LinkAddrTooLong {
                len: 33,
                max: 32
            }))
        );
    }
}
