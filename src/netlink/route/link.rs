//! Links (`ip link show`): a zero-copy view of an `RTM_NEWLINK` message ([`Link`]), its
//! flags, operational state and statistics, and the calls that list and look links up.
//!
//! Constants are those of linux/rtnetlink.h, linux/if.h and linux/if_link.h (written here:
//! linux-raw-sys has them only as bindgen enums behind features the crate does not enable).

use super::Rtnl;
use crate::netlink::{Attrs, Dump, Message, MessageFlags, NetlinkError};
use crate::{Error, Result, ShortName};

pub(crate) const RTM_NEWLINK: u16 = 16;
pub(crate) const RTM_DELLINK: u16 = 17;
pub(crate) const RTM_GETLINK: u16 = 18;

/// `struct ifinfomsg`: family, pad, type, index, flags, change.
pub(crate) const IFINFOMSG_LEN: usize = 16;

pub(crate) const IFLA_ADDRESS: u16 = 1;
pub(crate) const IFLA_BROADCAST: u16 = 2;
pub(crate) const IFLA_IFNAME: u16 = 3;
pub(crate) const IFLA_MTU: u16 = 4;
pub(crate) const IFLA_LINK: u16 = 5;
pub(crate) const IFLA_QDISC: u16 = 6;
pub(crate) const IFLA_MASTER: u16 = 10;
pub(crate) const IFLA_TXQLEN: u16 = 13;
pub(crate) const IFLA_OPERSTATE: u16 = 16;
pub(crate) const IFLA_LINKINFO: u16 = 18;
pub(crate) const IFLA_NET_NS_PID: u16 = 19;
pub(crate) const IFLA_IFALIAS: u16 = 20;
pub(crate) const IFLA_STATS64: u16 = 23;
pub(crate) const IFLA_NET_NS_FD: u16 = 28;
pub(crate) const IFLA_CARRIER: u16 = 33;
pub(crate) const IFLA_LINK_NETNSID: u16 = 37;
pub(crate) const IFLA_MIN_MTU: u16 = 50;
pub(crate) const IFLA_MAX_MTU: u16 = 51;
pub(crate) const IFLA_INFO_KIND: u16 = 1;
pub(crate) const IFLA_INFO_DATA: u16 = 2;
pub(crate) const IFLA_VLAN_ID: u16 = 1;
pub(crate) const IFLA_VLAN_PROTOCOL: u16 = 5;

/// `struct ifinfomsg` for link `index`, with `flags` under the mask `change`.
pub(crate) fn ifinfomsg(index: u32, flags: u32, change: u32) -> [u8; IFINFOMSG_LEN] {
    let mut m = [0u8; IFINFOMSG_LEN];
    m[4..8].copy_from_slice(&index.to_ne_bytes());
    m[8..12].copy_from_slice(&flags.to_ne_bytes());
    m[12..16].copy_from_slice(&change.to_ne_bytes());
    m
}

/// Checks a link name before the kernel sees it: at most 15 bytes, no NUL
/// ([`AddressError::NameTooLong`](crate::AddressError::NameTooLong),
/// [`AddressError::NameNul`](crate::AddressError::NameNul)).
pub(crate) fn check_name(name: &str) -> Result<()> {
    ShortName::new(name.as_bytes()).map(|_| ())
}

bitflags::bitflags! {
    /// A link's flags (`ifi_flags`, `IFF_*` of linux/if.h, netdevice(7)). Bits this type
    /// has no name for are kept.
    ///
    /// ```
    /// use baresock::netlink::route::LinkFlags;
    /// let f = LinkFlags::from_bits_retain(0x1_0049);
    /// assert!(f.contains(LinkFlags::UP | LinkFlags::LOOPBACK | LinkFlags::RUNNING));
    /// assert!(f.contains(LinkFlags::LOWER_UP));
    /// ```
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
    pub struct LinkFlags: u32 {
        /// Administratively up (`IFF_UP`).
        const UP = 0x1;
        /// Has a broadcast address (`IFF_BROADCAST`).
        const BROADCAST = 0x2;
        /// Debugging (`IFF_DEBUG`).
        const DEBUG = 0x4;
        /// The loopback link (`IFF_LOOPBACK`).
        const LOOPBACK = 0x8;
        /// A point-to-point link (`IFF_POINTOPOINT`).
        const POINTOPOINT = 0x10;
        /// Avoids trailers (`IFF_NOTRAILERS`).
        const NOTRAILERS = 0x20;
        /// Operationally up (`IFF_RUNNING`).
        const RUNNING = 0x40;
        /// No ARP (`IFF_NOARP`).
        const NOARP = 0x80;
        /// Receives every packet (`IFF_PROMISC`).
        const PROMISC = 0x100;
        /// Receives every multicast packet (`IFF_ALLMULTI`).
        const ALLMULTI = 0x200;
        /// The master of a load balancer (`IFF_MASTER`).
        const MASTER = 0x400;
        /// A slave of a load balancer (`IFF_SLAVE`).
        const SLAVE = 0x800;
        /// Supports multicast (`IFF_MULTICAST`).
        const MULTICAST = 0x1000;
        /// Can set its media type (`IFF_PORTSEL`).
        const PORTSEL = 0x2000;
        /// Selects its media automatically (`IFF_AUTOMEDIA`).
        const AUTOMEDIA = 0x4000;
        /// Addresses lost when it goes down (`IFF_DYNAMIC`).
        const DYNAMIC = 0x8000;
        /// The carrier is up (`IFF_LOWER_UP`).
        const LOWER_UP = 0x1_0000;
        /// Dormant (`IFF_DORMANT`).
        const DORMANT = 0x2_0000;
        /// Echoes sent packets (`IFF_ECHO`: CAN).
        const ECHO = 0x4_0000;
        const _ = !0;
    }
}

/// A link's operational state (`IFLA_OPERSTATE`, RFC 2863: `IF_OPER_*`).
///
/// ```
/// use baresock::netlink::route::OperState;
/// assert_eq!(OperState::from_raw(6), OperState::Up);
/// assert_eq!(OperState::from_raw(42).as_raw(), 42);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum OperState {
    /// `IF_OPER_UNKNOWN` (what virtual links without carrier state say).
    Unknown,
    /// `IF_OPER_NOTPRESENT`.
    NotPresent,
    /// `IF_OPER_DOWN`.
    Down,
    /// `IF_OPER_LOWERLAYERDOWN`: a link it sits on is down.
    LowerLayerDown,
    /// `IF_OPER_TESTING`.
    Testing,
    /// `IF_OPER_DORMANT`.
    Dormant,
    /// `IF_OPER_UP`.
    Up,
    /// A value this type has no name for.
    Other(u8),
}

impl OperState {
    /// The state of the kernel's value.
    pub const fn from_raw(v: u8) -> OperState {
        match v {
            0 => OperState::Unknown,
            1 => OperState::NotPresent,
            2 => OperState::Down,
            3 => OperState::LowerLayerDown,
            4 => OperState::Testing,
            5 => OperState::Dormant,
            6 => OperState::Up,
            v => OperState::Other(v),
        }
    }

    /// The kernel's value.
    pub const fn as_raw(self) -> u8 {
        match self {
            OperState::Unknown => 0,
            OperState::NotPresent => 1,
            OperState::Down => 2,
            OperState::LowerLayerDown => 3,
            OperState::Testing => 4,
            OperState::Dormant => 5,
            OperState::Up => 6,
            OperState::Other(v) => v,
        }
    }
}

/// A link's counters (`IFLA_STATS64`, `struct rtnl_link_stats64` of linux/if_link.h).
///
/// Kernels before 4.6 send 23 counters, before 5.19 24: the ones they lack are 0. Counters a
/// later kernel adds past these 25 are ignored.
///
/// ```
/// use baresock::netlink::route::LinkStats;
/// let mut raw = [0u8; 200];
/// raw[..8].copy_from_slice(&7u64.to_ne_bytes());
/// let s = LinkStats::from_bytes(&raw).unwrap();
/// assert_eq!(s.rx_packets, 7);
/// assert!(LinkStats::from_bytes(&raw[..100]).is_err());
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct LinkStats {
    /// Packets received.
    pub rx_packets: u64,
    /// Packets sent.
    pub tx_packets: u64,
    /// Bytes received.
    pub rx_bytes: u64,
    /// Bytes sent.
    pub tx_bytes: u64,
    /// Bad packets received.
    pub rx_errors: u64,
    /// Packets not sent for an error.
    pub tx_errors: u64,
    /// Packets received but dropped (no room, unknown protocol...).
    pub rx_dropped: u64,
    /// Packets dropped before sending.
    pub tx_dropped: u64,
    /// Multicast packets received.
    pub multicast: u64,
    /// Collisions on the medium.
    pub collisions: u64,
    /// Packets received with a bad length.
    pub rx_length_errors: u64,
    /// Receive ring overruns.
    pub rx_over_errors: u64,
    /// Packets received with a bad CRC.
    pub rx_crc_errors: u64,
    /// Frame alignment errors.
    pub rx_frame_errors: u64,
    /// Receive FIFO overruns.
    pub rx_fifo_errors: u64,
    /// Packets the device missed (no buffer).
    pub rx_missed_errors: u64,
    /// Transmissions aborted.
    pub tx_aborted_errors: u64,
    /// Carrier lost while sending.
    pub tx_carrier_errors: u64,
    /// Transmit FIFO underruns.
    pub tx_fifo_errors: u64,
    /// Heartbeat (SQE) errors.
    pub tx_heartbeat_errors: u64,
    /// Late collisions.
    pub tx_window_errors: u64,
    /// Compressed packets received.
    pub rx_compressed: u64,
    /// Compressed packets sent.
    pub tx_compressed: u64,
    /// Packets dropped for want of a handler (Linux 4.6; 0 before).
    pub rx_nohandler: u64,
    /// Packets for another host dropped (Linux 5.19; 0 before).
    pub rx_otherhost_dropped: u64,
}

impl LinkStats {
    /// The counters of an `IFLA_STATS64` payload: at least 23 counters (184 bytes), else
    /// [`NetlinkError::AttributeSize`].
    pub fn from_bytes(b: &[u8]) -> Result<LinkStats> {
        const MIN: usize = 23 * 8;
        if b.len() < MIN {
            return Err(Error::Netlink(NetlinkError::AttributeSize {
                kind: IFLA_STATS64,
                expected: 25 * 8,
                got: b.len().min(u16::MAX as usize) as u16,
            }));
        }
        let mut v = [0u64; 25];
        for (slot, chunk) in v.iter_mut().zip(b.chunks_exact(8)) {
            let mut a = [0u8; 8];
            a.copy_from_slice(chunk);
            *slot = u64::from_ne_bytes(a);
        }
        let [rx_packets, tx_packets, rx_bytes, tx_bytes, rx_errors, tx_errors, rx_dropped, tx_dropped, multicast, collisions, rx_length_errors, rx_over_errors, rx_crc_errors, rx_frame_errors, rx_fifo_errors, rx_missed_errors, tx_aborted_errors, tx_carrier_errors, tx_fifo_errors, tx_heartbeat_errors, tx_window_errors, rx_compressed, tx_compressed, rx_nohandler, rx_otherhost_dropped] =
            v;
        Ok(LinkStats {
            rx_packets,
            tx_packets,
            rx_bytes,
            tx_bytes,
            rx_errors,
            tx_errors,
            rx_dropped,
            tx_dropped,
            multicast,
            collisions,
            rx_length_errors,
            rx_over_errors,
            rx_crc_errors,
            rx_frame_errors,
            rx_fifo_errors,
            rx_missed_errors,
            tx_aborted_errors,
            tx_carrier_errors,
            tx_fifo_errors,
            tx_heartbeat_errors,
            tx_window_errors,
            rx_compressed,
            tx_compressed,
            rx_nohandler,
            rx_otherhost_dropped,
        })
    }
}

/// One link, a view of an `RTM_NEWLINK` message in the handle's buffer (`ip link show`).
///
/// Each getter reads its attribute when called: a missing attribute is `None`, one of the
/// wrong size or not a string a [`NetlinkError`], never a panic.
///
/// ```no_run
/// use baresock::netlink::route::{LinkFlags, Rtnl};
/// let mut buf = [0u8; baresock::netlink::RECOMMENDED_BUFFER];
/// let mut rtnl = Rtnl::new(&mut buf)?;
/// let lo = rtnl.link_by_name("lo")?;
/// assert!(lo.flags().contains(LinkFlags::LOOPBACK));
/// println!("{} {} mtu {:?}", lo.index(), lo.name()?, lo.mtu()?);
/// # Ok::<(), baresock::Error>(())
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Link<'a> {
    header: [u8; IFINFOMSG_LEN],
    attrs: Attrs<'a>,
}

impl<'a> Link<'a> {
    /// The link of an `RTM_NEWLINK` message (its type is not checked: a notification of
    /// `RTM_DELLINK` reads the same way). A message shorter than `struct ifinfomsg` or with
    /// malformed attributes is a [`NetlinkError`].
    pub fn from_message(m: Message<'a>) -> Result<Link<'a>> {
        let (h, attrs) = m.split(IFINFOMSG_LEN)?;
        let mut header = [0u8; IFINFOMSG_LEN];
        header.copy_from_slice(h.get(..IFINFOMSG_LEN).ok_or(Error::Netlink(
            NetlinkError::Short {
                needed: IFINFOMSG_LEN as u32,
                got: h.len() as u32,
            },
        ))?);
        Ok(Link { header, attrs })
    }

    fn u32_at(&self, at: usize) -> u32 {
        let mut a = [0u8; 4];
        a.copy_from_slice(&self.header[at..at + 4]);
        u32::from_ne_bytes(a)
    }

    /// The interface index (`ifi_index`).
    #[doc(alias = "ifi_index")]
    pub fn index(&self) -> u32 {
        self.u32_at(4)
    }

    /// The link type (`ifi_type`, `ARPHRD_*` of linux/if_arp.h: 1 Ethernet, 772 loopback,
    /// 280 CAN, 1 for a veth).
    #[doc(alias = "ifi_type")]
    pub fn link_type(&self) -> u16 {
        u16::from_ne_bytes([self.header[2], self.header[3]])
    }

    /// The flags (`ifi_flags`).
    #[doc(alias = "ifi_flags")]
    pub fn flags(&self) -> LinkFlags {
        LinkFlags::from_bits_retain(self.u32_at(8))
    }

    /// Every attribute, for those this view has no getter for.
    pub fn attrs(&self) -> Attrs<'a> {
        self.attrs
    }

    fn u32_attr(&self, kind: u16) -> Result<Option<u32>> {
        self.attrs.find(kind).map(|a| a.u32()).transpose()
    }

    fn str_attr(&self, kind: u16) -> Result<Option<&'a str>> {
        self.attrs.find(kind).map(|a| a.str()).transpose()
    }

    /// The name; the kernel always sends it: missing, it is
    /// [`NetlinkError::MissingAttribute`].
    #[doc(alias = "IFLA_IFNAME")]
    pub fn name(&self) -> Result<&'a str> {
        self.attrs.require(IFLA_IFNAME)?.str()
    }

    /// The MTU.
    #[doc(alias = "IFLA_MTU")]
    pub fn mtu(&self) -> Result<Option<u32>> {
        self.u32_attr(IFLA_MTU)
    }

    /// The smallest MTU the device takes (Linux 4.18).
    #[doc(alias = "IFLA_MIN_MTU")]
    pub fn min_mtu(&self) -> Result<Option<u32>> {
        self.u32_attr(IFLA_MIN_MTU)
    }

    /// The largest MTU the device takes (Linux 4.18).
    #[doc(alias = "IFLA_MAX_MTU")]
    pub fn max_mtu(&self) -> Result<Option<u32>> {
        self.u32_attr(IFLA_MAX_MTU)
    }

    /// The hardware address, as bytes (6 for Ethernet; none for CAN).
    #[doc(alias = "IFLA_ADDRESS")]
    pub fn address(&self) -> Option<&'a [u8]> {
        self.attrs.find(IFLA_ADDRESS).map(|a| a.bytes())
    }

    /// The hardware broadcast address.
    #[doc(alias = "IFLA_BROADCAST")]
    pub fn broadcast(&self) -> Option<&'a [u8]> {
        self.attrs.find(IFLA_BROADCAST).map(|a| a.bytes())
    }

    /// The index of the link's master (a bridge, a bond).
    #[doc(alias = "IFLA_MASTER")]
    pub fn master(&self) -> Result<Option<u32>> {
        self.u32_attr(IFLA_MASTER)
    }

    /// The index of the link this one sits on or is paired with (a vlan's parent, a veth's
    /// peer), in the namespace [`link_netnsid`](Link::link_netnsid) names if it is there.
    #[doc(alias = "IFLA_LINK")]
    pub fn parent(&self) -> Result<Option<u32>> {
        self.u32_attr(IFLA_LINK)
    }

    /// The id, in this namespace, of the namespace the [`parent`](Link::parent) is in, where
    /// it is another one.
    #[doc(alias = "IFLA_LINK_NETNSID")]
    pub fn link_netnsid(&self) -> Result<Option<i32>> {
        self.attrs
            .find(IFLA_LINK_NETNSID)
            .map(|a| a.i32())
            .transpose()
    }

    /// The transmit queue length.
    #[doc(alias = "IFLA_TXQLEN")]
    pub fn txqlen(&self) -> Result<Option<u32>> {
        self.u32_attr(IFLA_TXQLEN)
    }

    /// The root queueing discipline's kind (`"noqueue"`, `"pfifo_fast"`, ...).
    #[doc(alias = "IFLA_QDISC")]
    pub fn qdisc(&self) -> Result<Option<&'a str>> {
        self.str_attr(IFLA_QDISC)
    }

    /// The alias (`ip link set ... alias`), if one is set.
    #[doc(alias = "IFLA_IFALIAS")]
    pub fn alias(&self) -> Result<Option<&'a str>> {
        self.str_attr(IFLA_IFALIAS)
    }

    /// Whether the carrier is up.
    #[doc(alias = "IFLA_CARRIER")]
    pub fn carrier(&self) -> Result<Option<bool>> {
        self.attrs
            .find(IFLA_CARRIER)
            .map(|a| a.u8().map(|c| c != 0))
            .transpose()
    }

    /// The operational state.
    #[doc(alias = "IFLA_OPERSTATE")]
    pub fn operstate(&self) -> Result<Option<OperState>> {
        self.attrs
            .find(IFLA_OPERSTATE)
            .map(|a| a.u8().map(OperState::from_raw))
            .transpose()
    }

    /// The counters.
    #[doc(alias = "IFLA_STATS64")]
    #[doc(alias = "rtnl_link_stats64")]
    pub fn stats(&self) -> Result<Option<LinkStats>> {
        self.attrs
            .find(IFLA_STATS64)
            .map(|a| LinkStats::from_bytes(a.bytes()))
            .transpose()
    }

    pub(crate) fn link_info(&self) -> Result<Option<Attrs<'a>>> {
        self.attrs
            .find(IFLA_LINKINFO)
            .map(|a| a.nested())
            .transpose()
    }

    /// The kind of a virtual or driver-typed link (`"veth"`, `"dummy"`, `"vlan"`, `"vcan"`,
    /// `"vxcan"`, `"can"`, ...); `None` for a plain device.
    #[doc(alias = "IFLA_INFO_KIND")]
    pub fn kind(&self) -> Result<Option<&'a str>> {
        match self.link_info()? {
            Some(info) => info.find(IFLA_INFO_KIND).map(|a| a.str()).transpose(),
            None => Ok(None),
        }
    }

    /// The kind's own attributes (`IFLA_INFO_DATA`: a vlan's id, a CAN link's bit timing).
    #[doc(alias = "IFLA_INFO_DATA")]
    pub fn info_data(&self) -> Result<Option<Attrs<'a>>> {
        match self.link_info()? {
            Some(info) => info.find(IFLA_INFO_DATA).map(|a| a.nested()).transpose(),
            None => Ok(None),
        }
    }

    /// A vlan's id (802.1Q VID).
    #[doc(alias = "IFLA_VLAN_ID")]
    pub fn vlan_id(&self) -> Result<Option<u16>> {
        match self.info_data()? {
            Some(d) if self.kind()? == Some("vlan") => {
                d.find(IFLA_VLAN_ID).map(|a| a.u16()).transpose()
            }
            _ => Ok(None),
        }
    }

    /// A vlan's tag protocol: `0x8100` (802.1Q) or `0x88a8` (802.1ad).
    #[doc(alias = "IFLA_VLAN_PROTOCOL")]
    pub fn vlan_protocol(&self) -> Result<Option<u16>> {
        match self.info_data()? {
            Some(d) if self.kind()? == Some("vlan") => {
                d.find(IFLA_VLAN_PROTOCOL).map(|a| a.u16_be()).transpose()
            }
            _ => Ok(None),
        }
    }
}

/// The links of a dump, a lending iterator ([`Rtnl::links`]).
pub struct Links<'a> {
    dump: Dump<'a>,
}

impl Links<'_> {
    /// The next link, `None` at the end. (The dump's messages are the kernel's answer to
    /// this request, checked by the client: each is read as a link.)
    #[allow(clippy::should_implement_trait)] // a lending iterator
    pub fn next(&mut self) -> Result<Option<Link<'_>>> {
        match self.dump.next()? {
            None => Ok(None),
            Some(m) => Link::from_message(m).map(Some),
        }
    }
}

impl core::fmt::Debug for Links<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Links").field("dump", &self.dump).finish()
    }
}

impl<'b> Rtnl<'b> {
    /// Every link of the namespace, a dump (`ip link show`): a lending iterator whose links
    /// live until its next step.
    ///
    /// ```no_run
    /// use baresock::netlink::route::Rtnl;
    /// let mut buf = [0u8; baresock::netlink::RECOMMENDED_BUFFER];
    /// let mut rtnl = Rtnl::new(&mut buf)?;
    /// let mut links = rtnl.links()?;
    /// while let Some(link) = links.next()? {
    ///     println!("{}: {}", link.index(), link.name()?);
    /// }
    /// # Ok::<(), baresock::Error>(())
    /// ```
    #[doc(alias = "RTM_GETLINK")]
    pub fn links(&mut self) -> Result<Links<'_>> {
        let dump = self.dump_with(RTM_GETLINK, &ifinfomsg(0, 0, 0), |_| {})?;
        Ok(Links { dump })
    }

    /// The link with index `index` (one `RTM_GETLINK`); none is `ENODEV`
    /// ([`Error::is_no_such_interface`]).
    ///
    /// ```no_run
    /// use baresock::netlink::route::Rtnl;
    /// let mut buf = [0u8; baresock::netlink::RECOMMENDED_BUFFER];
    /// let mut rtnl = Rtnl::new(&mut buf)?;
    /// assert_eq!(rtnl.link(1)?.name()?, "lo");
    /// # Ok::<(), baresock::Error>(())
    /// ```
    pub fn link(&mut self, index: u32) -> Result<Link<'_>> {
        if index == 0 || index > i32::MAX as u32 {
            return Err(Error::Os(crate::Errno::NODEV));
        }
        let m = self.request_with(
            RTM_GETLINK,
            MessageFlags::empty(),
            &ifinfomsg(index, 0, 0),
            |_| {},
        )?;
        Link::from_message(m)
    }

    /// The link called `name` (one `RTM_GETLINK` with `IFLA_IFNAME`); none is `ENODEV`
    /// ([`Error::is_no_such_interface`]), a name past 15 bytes
    /// [`AddressError::NameTooLong`](crate::AddressError::NameTooLong) before the kernel
    /// sees it (as [`interface_index`](crate::interface_index) says).
    ///
    /// ```no_run
    /// use baresock::netlink::route::Rtnl;
    /// let mut buf = [0u8; baresock::netlink::RECOMMENDED_BUFFER];
    /// let mut rtnl = Rtnl::new(&mut buf)?;
    /// assert_eq!(rtnl.link_by_name("lo")?.index(), 1);
    /// # Ok::<(), baresock::Error>(())
    /// ```
    pub fn link_by_name(&mut self, name: &str) -> Result<Link<'_>> {
        check_name(name)?;
        let m = self.request_with(
            RTM_GETLINK,
            MessageFlags::empty(),
            &ifinfomsg(0, 0, 0),
            |w| {
                w.put_str(IFLA_IFNAME, name);
            },
        )?;
        Link::from_message(m)
    }

    /// The index of the link called `name`: what [`interface_index`](crate::interface_index)
    /// answers by ioctl, over netlink (the same errors).
    pub fn index_of(&mut self, name: &str) -> Result<u32> {
        self.link_by_name(name).map(|l| l.index())
    }

    /// Calls `each` with the index and name of every link (Python's `socket.if_nameindex()`,
    /// if_nameindex(3)), without heap: a dump, read as it comes.
    ///
    /// ```no_run
    /// use baresock::netlink::route::Rtnl;
    /// let mut buf = [0u8; baresock::netlink::RECOMMENDED_BUFFER];
    /// let mut rtnl = Rtnl::new(&mut buf)?;
    /// rtnl.name_index(|index, name| println!("{index} {name}"))?;
    /// # Ok::<(), baresock::Error>(())
    /// ```
    #[doc(alias = "if_nameindex")]
    pub fn name_index(&mut self, mut each: impl FnMut(u32, &str)) -> Result<()> {
        let mut links = self.links()?;
        while let Some(link) = links.next()? {
            each(link.index(), link.name()?);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::netlink::tests::le_headers;

    /// An RTM_NEWLINK message of `attrs` (each: type, payload) for link 7.
    fn message(attrs: &[(u16, &[u8])]) -> [u8; 512] {
        let mut m = [0u8; 512];
        let mut at = 16 + IFINFOMSG_LEN;
        m[16..32].copy_from_slice(&ifinfomsg(7, 0x1_0043, 0));
        for (kind, payload) in attrs {
            let len = 4 + payload.len();
            m[at..at + 2].copy_from_slice(&(len as u16).to_ne_bytes());
            m[at + 2..at + 4].copy_from_slice(&kind.to_ne_bytes());
            m[at + 4..at + len].copy_from_slice(payload);
            at += crate::netlink::align(len);
        }
        m[0..4].copy_from_slice(&(at as u32).to_ne_bytes());
        m[4..6].copy_from_slice(&RTM_NEWLINK.to_ne_bytes());
        m
    }

    fn with<R>(attrs: &[(u16, &[u8])], f: impl FnOnce(Link<'_>) -> R) -> R {
        let m = message(attrs);
        let msg = Message::first(&m).unwrap();
        f(Link::from_message(msg).unwrap())
    }

    #[test]
    fn a_link_reads_its_attributes() {
        let mut info = [
            9, 0, 1, 0, b'v', b'l', b'a', b'n', 0, 0, 0, 0, // IFLA_INFO_KIND "vlan"
            20, 0, 2, 0, // IFLA_INFO_DATA
            6, 0, 1, 0, 0, 0, 0, 0, // IFLA_VLAN_ID (42, below)
            6, 0, 5, 0, 0x88, 0xa8, 0, 0, // IFLA_VLAN_PROTOCOL 802.1ad (big-endian)
        ];
        le_headers(&mut info);
        le_headers(&mut info[16..]);
        info[20..22].copy_from_slice(&42u16.to_ne_bytes());
        let mut stats = [0u8; 200];
        stats[8..16].copy_from_slice(&3u64.to_ne_bytes());
        with(
            &[
                (IFLA_IFNAME, b"x0\0"),
                (IFLA_MTU, &1500u32.to_ne_bytes()),
                (IFLA_OPERSTATE, &[6]),
                (IFLA_CARRIER, &[1]),
                (IFLA_ADDRESS, &[2, 0, 0, 0, 0, 1]),
                (IFLA_LINKINFO, &info),
                (IFLA_STATS64, &stats),
            ],
            |l| {
                assert_eq!(l.index(), 7);
                assert!(l.flags().contains(LinkFlags::UP | LinkFlags::RUNNING));
                assert!(l.flags().contains(LinkFlags::LOWER_UP));
                assert_eq!(l.name().unwrap(), "x0");
                assert_eq!(l.mtu().unwrap(), Some(1500));
                assert_eq!(l.operstate().unwrap(), Some(OperState::Up));
                assert_eq!(l.carrier().unwrap(), Some(true));
                assert_eq!(l.address(), Some(&[2, 0, 0, 0, 0, 1][..]));
                assert_eq!(l.kind().unwrap(), Some("vlan"));
                assert_eq!(l.vlan_id().unwrap(), Some(42));
                assert_eq!(l.vlan_protocol().unwrap(), Some(0x88a8));
                assert_eq!(l.stats().unwrap().unwrap().tx_packets, 3);
                assert_eq!(l.master().unwrap(), None);
                assert_eq!(l.alias().unwrap(), None);
            },
        );
    }

    #[test]
    fn hostile_attributes_are_named_errors() {
        with(
            &[
                (IFLA_MTU, &[1, 2]),
                (IFLA_STATS64, &[0; 100]),
                (IFLA_QDISC, b"no-nul"),
                (IFLA_LINKINFO, &[200, 0, 1, 0]),
                (IFLA_OPERSTATE, &[]),
            ],
            |l| {
                let size =
                    |e: Error| matches!(e, Error::Netlink(NetlinkError::AttributeSize { .. }));
                assert!(matches!(
                    l.name(),
                    Err(Error::Netlink(NetlinkError::MissingAttribute {
                        kind: IFLA_IFNAME
                    }))
                ));
                assert!(size(l.mtu().unwrap_err()));
                assert!(size(l.stats().unwrap_err()));
                assert!(size(l.operstate().unwrap_err()));
                assert!(matches!(
                    l.qdisc(),
                    Err(Error::Netlink(NetlinkError::BadString { .. }))
                ));
                assert!(l.kind().is_err());
                assert!(l.vlan_id().is_err());
            },
        );
    }

    #[test]
    fn a_message_shorter_than_ifinfomsg_is_refused() {
        let mut m = [0u8; 24];
        m[0..4].copy_from_slice(&24u32.to_ne_bytes());
        let msg = Message::first(&m).unwrap();
        assert!(Link::from_message(msg).is_err());
    }
}
