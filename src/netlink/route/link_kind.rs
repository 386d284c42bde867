//! Changing, creating and deleting links (`ip link set`, `ip link add`, `ip link del`): the
//! request builders [`LinkChange`] and [`NewLink`], plain values the handle turns into
//! attributes.

use rustix::fd::{AsRawFd, BorrowedFd};

use super::link::*;
use super::Rtnl;
use crate::netlink::{MessageFlags, MessageWriter};
use crate::Result;

/// `VETH_INFO_PEER` (linux/veth.h) and `VXCAN_INFO_PEER` (linux/can/vxcan.h).
const INFO_PEER: u16 = 1;

/// A network namespace to move a link into, or to create a peer in.
#[derive(Clone, Copy, Debug)]
pub enum Netns<'a> {
    /// The namespace of process or thread `pid` (`IFLA_NET_NS_PID`).
    #[doc(alias = "IFLA_NET_NS_PID")]
    Pid(u32),
    /// The namespace an fd of `/proc/<pid>/ns/net` (or a bind mount of one) refers to
    /// (`IFLA_NET_NS_FD`).
    #[doc(alias = "IFLA_NET_NS_FD")]
    Fd(BorrowedFd<'a>),
}

impl Netns<'_> {
    fn put(&self, w: &mut MessageWriter<'_>) {
        match *self {
            Netns::Pid(pid) => w.put_u32(IFLA_NET_NS_PID, pid),
            Netns::Fd(fd) => w.put_u32(IFLA_NET_NS_FD, fd.as_raw_fd() as u32),
        };
    }
}

/// What to change on a link (`ip link set`): each field set is one attribute of one
/// `RTM_NEWLINK` request, all applied by [`Rtnl::set_link`] or none.
///
/// ```no_run
/// use baresock::netlink::route::{LinkChange, Rtnl};
/// let mut buf = [0u8; baresock::netlink::RECOMMENDED_BUFFER];
/// let mut rtnl = Rtnl::new(&mut buf)?;
/// let index = rtnl.index_of("dummy0")?;
/// rtnl.set_link(index, &LinkChange::new().mtu(1400).txqlen(500).up(true))?;
/// # Ok::<(), baresock::Error>(())
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct LinkChange<'a> {
    up: Option<bool>,
    mtu: Option<u32>,
    name: Option<&'a str>,
    address: Option<&'a [u8]>,
    txqlen: Option<u32>,
    alias: Option<&'a str>,
    netns: Option<Netns<'a>>,
}

impl<'a> LinkChange<'a> {
    /// No change.
    pub const fn new() -> LinkChange<'a> {
        LinkChange {
            up: None,
            mtu: None,
            name: None,
            address: None,
            txqlen: None,
            alias: None,
            netns: None,
        }
    }

    /// Up (`IFF_UP`) or down.
    pub const fn up(mut self, up: bool) -> Self {
        self.up = Some(up);
        self
    }

    /// The MTU (`IFLA_MTU`).
    #[doc(alias = "IFLA_MTU")]
    pub const fn mtu(mut self, mtu: u32) -> Self {
        self.mtu = Some(mtu);
        self
    }

    /// A new name (`IFLA_IFNAME`; the link must be down), checked before the kernel sees it.
    #[doc(alias = "IFLA_IFNAME")]
    pub const fn name(mut self, name: &'a str) -> Self {
        self.name = Some(name);
        self
    }

    /// The hardware address (`IFLA_ADDRESS`).
    #[doc(alias = "IFLA_ADDRESS")]
    pub const fn address(mut self, address: &'a [u8]) -> Self {
        self.address = Some(address);
        self
    }

    /// The transmit queue length (`IFLA_TXQLEN`).
    #[doc(alias = "IFLA_TXQLEN")]
    pub const fn txqlen(mut self, txqlen: u32) -> Self {
        self.txqlen = Some(txqlen);
        self
    }

    /// The alias (`IFLA_IFALIAS`; an empty one removes it).
    #[doc(alias = "IFLA_IFALIAS")]
    pub const fn alias(mut self, alias: &'a str) -> Self {
        self.alias = Some(alias);
        self
    }

    /// Moves the link into another network namespace (`ip link set ... netns`).
    pub const fn netns(mut self, netns: Netns<'a>) -> Self {
        self.netns = Some(netns);
        self
    }

    fn put(&self, w: &mut MessageWriter<'_>) {
        if let Some(mtu) = self.mtu {
            w.put_u32(IFLA_MTU, mtu);
        }
        if let Some(name) = self.name {
            w.put_str(IFLA_IFNAME, name);
        }
        if let Some(a) = self.address {
            w.put_bytes(IFLA_ADDRESS, a);
        }
        if let Some(q) = self.txqlen {
            w.put_u32(IFLA_TXQLEN, q);
        }
        if let Some(a) = self.alias {
            // The kernel takes the alias without a NUL (an NLA_STRING of up to 128 bytes).
            w.put_bytes(IFLA_IFALIAS, a.as_bytes());
        }
        if let Some(ns) = self.netns {
            ns.put(w);
        }
    }
}

/// A vlan's tag protocol (`IFLA_VLAN_PROTOCOL`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum VlanProtocol {
    /// 802.1Q, EtherType 0x8100 (the default).
    #[default]
    Dot1Q,
    /// 802.1ad ("QinQ"), EtherType 0x88a8.
    Dot1Ad,
}

impl VlanProtocol {
    /// The EtherType.
    pub const fn ethertype(self) -> u16 {
        match self {
            VlanProtocol::Dot1Q => 0x8100,
            VlanProtocol::Dot1Ad => 0x88a8,
        }
    }
}

/// The kind of a [`NewLink`] and what it needs.
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub enum NewLinkKind<'a> {
    /// `dummy`.
    Dummy,
    /// `veth`, with its peer's name and, if not this one, its namespace.
    Veth {
        /// The peer's name.
        peer: &'a str,
        /// The peer's namespace.
        peer_netns: Option<Netns<'a>>,
    },
    /// `vlan` on link `parent`.
    Vlan {
        /// The parent link's index.
        parent: u32,
        /// The VLAN id (1 to 4094).
        id: u16,
        /// The tag protocol.
        protocol: VlanProtocol,
    },
    /// `vcan`, a virtual CAN link (its MTU says what it carries: 16 classic CAN, 72 CAN FD,
    /// 2060 CAN XL where the kernel has it).
    Vcan,
    /// `vxcan`, a pair of CAN links across namespaces, with its peer's name and namespace.
    Vxcan {
        /// The peer's name.
        peer: &'a str,
        /// The peer's namespace.
        peer_netns: Option<Netns<'a>>,
    },
}

impl NewLinkKind<'_> {
    fn name(&self) -> &'static str {
        match self {
            NewLinkKind::Dummy => "dummy",
            NewLinkKind::Veth { .. } => "veth",
            NewLinkKind::Vlan { .. } => "vlan",
            NewLinkKind::Vcan => "vcan",
            NewLinkKind::Vxcan { .. } => "vxcan",
        }
    }
}

/// A link to create (`ip link add`), by [`Rtnl::new_link`].
///
/// ```no_run
/// use baresock::netlink::route::{NewLink, Rtnl};
/// let mut buf = [0u8; baresock::netlink::RECOMMENDED_BUFFER];
/// let mut rtnl = Rtnl::new(&mut buf)?;
/// rtnl.new_link(&NewLink::veth("veth0", "veth1"))?;
/// rtnl.new_link(&NewLink::vcan("vcan0").mtu(72))?;
/// # Ok::<(), baresock::Error>(())
/// ```
#[derive(Clone, Copy, Debug)]
pub struct NewLink<'a> {
    name: &'a str,
    kind: NewLinkKind<'a>,
    mtu: Option<u32>,
    up: bool,
}

impl<'a> NewLink<'a> {
    /// A link `name` of `kind`.
    pub const fn new(name: &'a str, kind: NewLinkKind<'a>) -> NewLink<'a> {
        NewLink {
            name,
            kind,
            mtu: None,
            up: false,
        }
    }

    /// `ip link add <name> type dummy`.
    pub const fn dummy(name: &'a str) -> NewLink<'a> {
        NewLink::new(name, NewLinkKind::Dummy)
    }

    /// `ip link add <name> type veth peer name <peer>`.
    pub const fn veth(name: &'a str, peer: &'a str) -> NewLink<'a> {
        NewLink::new(
            name,
            NewLinkKind::Veth {
                peer,
                peer_netns: None,
            },
        )
    }

    /// `ip link add <name> type veth peer name <peer> netns <ns>`.
    pub const fn veth_to(name: &'a str, peer: &'a str, peer_netns: Netns<'a>) -> NewLink<'a> {
        NewLink::new(
            name,
            NewLinkKind::Veth {
                peer,
                peer_netns: Some(peer_netns),
            },
        )
    }

    /// `ip link add link <parent> name <name> type vlan id <id>` (802.1Q).
    pub const fn vlan(name: &'a str, parent: u32, id: u16) -> NewLink<'a> {
        NewLink::new(
            name,
            NewLinkKind::Vlan {
                parent,
                id,
                protocol: VlanProtocol::Dot1Q,
            },
        )
    }

    /// `ip link add link <parent> name <name> type vlan protocol <protocol> id <id>`.
    pub const fn vlan_with(
        name: &'a str,
        parent: u32,
        id: u16,
        protocol: VlanProtocol,
    ) -> NewLink<'a> {
        NewLink::new(
            name,
            NewLinkKind::Vlan {
                parent,
                id,
                protocol,
            },
        )
    }

    /// `ip link add <name> type vcan` (give it an MTU: 72 for CAN FD).
    pub const fn vcan(name: &'a str) -> NewLink<'a> {
        NewLink::new(name, NewLinkKind::Vcan)
    }

    /// `ip link add <name> type vxcan peer name <peer>`.
    pub const fn vxcan(name: &'a str, peer: &'a str) -> NewLink<'a> {
        NewLink::new(
            name,
            NewLinkKind::Vxcan {
                peer,
                peer_netns: None,
            },
        )
    }

    /// `ip link add <name> type vxcan peer name <peer> netns <ns>`.
    pub const fn vxcan_to(name: &'a str, peer: &'a str, peer_netns: Netns<'a>) -> NewLink<'a> {
        NewLink::new(
            name,
            NewLinkKind::Vxcan {
                peer,
                peer_netns: Some(peer_netns),
            },
        )
    }

    /// With MTU `mtu`.
    pub const fn mtu(mut self, mtu: u32) -> Self {
        self.mtu = Some(mtu);
        self
    }

    /// Up at once (`IFF_UP`; a veth or vxcan peer stays down).
    pub const fn up(mut self) -> Self {
        self.up = true;
        self
    }

    fn check(&self) -> Result<()> {
        check_name(self.name)?;
        match self.kind {
            NewLinkKind::Veth { peer, .. } | NewLinkKind::Vxcan { peer, .. } => check_name(peer),
            _ => Ok(()),
        }
    }

    fn put(&self, w: &mut MessageWriter<'_>) {
        w.put_str(IFLA_IFNAME, self.name);
        if let Some(mtu) = self.mtu {
            w.put_u32(IFLA_MTU, mtu);
        }
        if let NewLinkKind::Vlan { parent, .. } = self.kind {
            w.put_u32(IFLA_LINK, parent);
        }
        let info = w.begin_nested(IFLA_LINKINFO);
        w.put_str(IFLA_INFO_KIND, self.kind.name());
        match self.kind {
            NewLinkKind::Veth { peer, peer_netns } | NewLinkKind::Vxcan { peer, peer_netns } => {
                let data = w.begin_nested(IFLA_INFO_DATA);
                // The peer: its own `struct ifinfomsg`, then its attributes.
                let p = w.begin_nested(INFO_PEER);
                w.fixed(&ifinfomsg(0, 0, 0));
                w.put_str(IFLA_IFNAME, peer);
                if let Some(ns) = peer_netns {
                    ns.put(w);
                }
                w.end_nested(p);
                w.end_nested(data);
            }
            NewLinkKind::Vlan { id, protocol, .. } => {
                let data = w.begin_nested(IFLA_INFO_DATA);
                w.put_u16(IFLA_VLAN_ID, id);
                w.put_u16_be(IFLA_VLAN_PROTOCOL, protocol.ethertype());
                w.end_nested(data);
            }
            NewLinkKind::Dummy | NewLinkKind::Vcan => {}
        }
        w.end_nested(info);
    }
}

const IFF_UP: u32 = 0x1;

impl<'b> Rtnl<'b> {
    /// Applies `change` to link `index` (`ip link set`), in one request: all of it or, the
    /// kernel refusing, none of it (with the attribute the extended ack names). No such link
    /// is `ENODEV`; a new name past 15 bytes
    /// [`AddressError::NameTooLong`](crate::AddressError::NameTooLong) before the kernel.
    ///
    /// ```no_run
    /// use baresock::netlink::route::{LinkChange, Rtnl};
    /// let mut buf = [0u8; baresock::netlink::RECOMMENDED_BUFFER];
    /// let mut rtnl = Rtnl::new(&mut buf)?;
    /// rtnl.set_link(2, &LinkChange::new().alias("uplink"))?;
    /// # Ok::<(), baresock::Error>(())
    /// ```
    #[doc(alias = "RTM_NEWLINK")]
    pub fn set_link(&mut self, index: u32, change: &LinkChange<'_>) -> Result<()> {
        if let Some(name) = change.name {
            check_name(name)?;
        }
        let (flags, mask) = match change.up {
            Some(true) => (IFF_UP, IFF_UP),
            Some(false) => (0, IFF_UP),
            None => (0, 0),
        };
        self.ack_with(
            RTM_NEWLINK,
            MessageFlags::empty(),
            &ifinfomsg(index, flags, mask),
            |w| change.put(w),
        )
    }

    /// `ip link set <index> up`.
    ///
    /// ```no_run
    /// # let mut buf = [0u8; 4096];
    /// # let mut rtnl = baresock::netlink::route::Rtnl::new(&mut buf)?;
    /// rtnl.set_up(1)?;
    /// # Ok::<(), baresock::Error>(())
    /// ```
    pub fn set_up(&mut self, index: u32) -> Result<()> {
        self.set_link(index, &LinkChange::new().up(true))
    }

    /// `ip link set <index> down`.
    ///
    /// ```no_run
    /// # let mut buf = [0u8; 4096];
    /// # let mut rtnl = baresock::netlink::route::Rtnl::new(&mut buf)?;
    /// rtnl.set_down(2)?;
    /// # Ok::<(), baresock::Error>(())
    /// ```
    pub fn set_down(&mut self, index: u32) -> Result<()> {
        self.set_link(index, &LinkChange::new().up(false))
    }

    /// `ip link set <index> mtu <mtu>`; one the device does not take is refused
    /// (`EINVAL`, the extended ack naming `IFLA_MTU`).
    ///
    /// ```no_run
    /// # let mut buf = [0u8; 4096];
    /// # let mut rtnl = baresock::netlink::route::Rtnl::new(&mut buf)?;
    /// rtnl.set_mtu(2, 1400)?;
    /// # Ok::<(), baresock::Error>(())
    /// ```
    pub fn set_mtu(&mut self, index: u32, mtu: u32) -> Result<()> {
        self.set_link(index, &LinkChange::new().mtu(mtu))
    }

    /// `ip link set <index> netns <ns>`: moves the link into another namespace.
    ///
    /// ```no_run
    /// use baresock::netlink::route::{Netns, Rtnl};
    /// # let mut buf = [0u8; 4096];
    /// # let mut rtnl = Rtnl::new(&mut buf)?;
    /// rtnl.set_netns(2, Netns::Pid(1))?;
    /// # Ok::<(), baresock::Error>(())
    /// ```
    pub fn set_netns(&mut self, index: u32, netns: Netns<'_>) -> Result<()> {
        self.set_link(index, &LinkChange::new().netns(netns))
    }

    /// Creates `link` (`ip link add`; one that exists already is `EEXIST`, a kind the kernel
    /// has not `EOPNOTSUPP`). Names are checked before the kernel sees them.
    ///
    /// ```no_run
    /// use baresock::netlink::route::{NewLink, Rtnl};
    /// # let mut buf = [0u8; 4096];
    /// # let mut rtnl = Rtnl::new(&mut buf)?;
    /// rtnl.new_link(&NewLink::dummy("dummy0").up())?;
    /// # Ok::<(), baresock::Error>(())
    /// ```
    pub fn new_link(&mut self, link: &NewLink<'_>) -> Result<()> {
        link.check()?;
        let (flags, mask) = if link.up { (IFF_UP, IFF_UP) } else { (0, 0) };
        self.ack_with(
            RTM_NEWLINK,
            MessageFlags::CREATE | MessageFlags::EXCL,
            &ifinfomsg(0, flags, mask),
            |w| link.put(w),
        )
    }

    /// Deletes link `index` (`ip link del`; a veth's or vxcan's peer goes with it).
    ///
    /// ```no_run
    /// # let mut buf = [0u8; 4096];
    /// # let mut rtnl = baresock::netlink::route::Rtnl::new(&mut buf)?;
    /// rtnl.delete_link(5)?;
    /// # Ok::<(), baresock::Error>(())
    /// ```
    #[doc(alias = "RTM_DELLINK")]
    pub fn delete_link(&mut self, index: u32) -> Result<()> {
        self.ack_with(
            RTM_DELLINK,
            MessageFlags::empty(),
            &ifinfomsg(index, 0, 0),
            |_| {},
        )
    }

    /// Deletes the link called `name` (`ip link del <name>`).
    ///
    /// ```no_run
    /// # let mut buf = [0u8; 4096];
    /// # let mut rtnl = baresock::netlink::route::Rtnl::new(&mut buf)?;
    /// rtnl.delete_link_by_name("dummy0")?;
    /// # Ok::<(), baresock::Error>(())
    /// ```
    pub fn delete_link_by_name(&mut self, name: &str) -> Result<()> {
        check_name(name)?;
        self.ack_with(
            RTM_DELLINK,
            MessageFlags::empty(),
            &ifinfomsg(0, 0, 0),
            |w| {
                w.put_str(IFLA_IFNAME, name);
            },
        )
    }
}
