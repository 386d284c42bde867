//! The named values of a route: its [`RouteTable`], [`RouteType`] and [`RouteProtocol`]
//! (linux/rtnetlink.h).

#[cfg(doc)]
use super::RouteSpec;

/// A routing table's id (`RT_TABLE_*`; `RTA_TABLE` holds ids above 255).
///
/// ```
/// use baresock::netlink::route::RouteTable;
/// assert_eq!(RouteTable::MAIN.raw(), 254);
/// assert_eq!(RouteTable::from_raw(1000).raw(), 1000);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct RouteTable(u32);

impl RouteTable {
    /// Every table, in a dump's filter (`RT_TABLE_UNSPEC`: `ip route show table all`).
    #[doc(alias = "RT_TABLE_UNSPEC")]
    pub const ALL: RouteTable = RouteTable(0);
    /// The default table (`RT_TABLE_DEFAULT`, 253), empty on most systems.
    #[doc(alias = "RT_TABLE_DEFAULT")]
    pub const DEFAULT: RouteTable = RouteTable(253);
    /// The main table (`RT_TABLE_MAIN`, 254): what `ip route` shows.
    #[doc(alias = "RT_TABLE_MAIN")]
    pub const MAIN: RouteTable = RouteTable(254);
    /// The local table (`RT_TABLE_LOCAL`, 255): local and broadcast addresses.
    #[doc(alias = "RT_TABLE_LOCAL")]
    pub const LOCAL: RouteTable = RouteTable(255);

    /// The table of id `raw`.
    pub const fn from_raw(raw: u32) -> RouteTable {
        RouteTable(raw)
    }

    /// Its id.
    pub const fn raw(self) -> u32 {
        self.0
    }
}

/// A route's type (`rtm_type`, `RTN_*`): what happens to a packet it matches.
///
/// ```
/// use baresock::netlink::route::RouteType;
/// assert_eq!(RouteType::BLACKHOLE.name(), Some("blackhole"));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct RouteType(u8);

impl RouteType {
    /// Unknown (`RTN_UNSPEC`).
    #[doc(alias = "RTN_UNSPEC")]
    pub const UNSPEC: RouteType = RouteType(0);
    /// Forwarded, by a gateway or directly (`RTN_UNICAST`).
    #[doc(alias = "RTN_UNICAST")]
    pub const UNICAST: RouteType = RouteType(1);
    /// Accepted locally (`RTN_LOCAL`).
    #[doc(alias = "RTN_LOCAL")]
    pub const LOCAL: RouteType = RouteType(2);
    /// Accepted locally as broadcast, sent as broadcast (`RTN_BROADCAST`).
    #[doc(alias = "RTN_BROADCAST")]
    pub const BROADCAST: RouteType = RouteType(3);
    /// Accepted locally as broadcast, sent as unicast (`RTN_ANYCAST`).
    #[doc(alias = "RTN_ANYCAST")]
    pub const ANYCAST: RouteType = RouteType(4);
    /// A multicast route (`RTN_MULTICAST`).
    #[doc(alias = "RTN_MULTICAST")]
    pub const MULTICAST: RouteType = RouteType(5);
    /// Dropped silently (`RTN_BLACKHOLE`).
    #[doc(alias = "RTN_BLACKHOLE")]
    pub const BLACKHOLE: RouteType = RouteType(6);
    /// Unreachable: `EHOSTUNREACH`, ICMP host unreachable (`RTN_UNREACHABLE`).
    #[doc(alias = "RTN_UNREACHABLE")]
    pub const UNREACHABLE: RouteType = RouteType(7);
    /// Prohibited: `EACCES`, ICMP administratively prohibited (`RTN_PROHIBIT`).
    #[doc(alias = "RTN_PROHIBIT")]
    pub const PROHIBIT: RouteType = RouteType(8);
    /// Not in this table: the lookup goes on in the next (`RTN_THROW`).
    #[doc(alias = "RTN_THROW")]
    pub const THROW: RouteType = RouteType(9);
    /// Address translation (`RTN_NAT`, no longer supported).
    #[doc(alias = "RTN_NAT")]
    pub const NAT: RouteType = RouteType(10);
    /// An external resolver (`RTN_XRESOLVE`, not implemented).
    #[doc(alias = "RTN_XRESOLVE")]
    pub const XRESOLVE: RouteType = RouteType(11);

    /// The type of value `raw`.
    pub const fn from_raw(raw: u8) -> RouteType {
        RouteType(raw)
    }

    /// Its value.
    pub const fn raw(self) -> u8 {
        self.0
    }

    /// The name `ip` prints, `None` for an unknown value.
    pub const fn name(self) -> Option<&'static str> {
        Some(match self.0 {
            0 => "none",
            1 => "unicast",
            2 => "local",
            3 => "broadcast",
            4 => "anycast",
            5 => "multicast",
            6 => "blackhole",
            7 => "unreachable",
            8 => "prohibit",
            9 => "throw",
            10 => "nat",
            11 => "xresolve",
            _ => return None,
        })
    }
}

/// Who installed a route (`rtm_protocol`, `RTPROT_*`): the kernel reads only the first
/// values; the others label routing daemons' routes.
///
/// ```
/// use baresock::netlink::route::RouteProtocol;
/// assert_eq!(RouteProtocol::DHCP.name(), Some("dhcp"));
/// assert_eq!(RouteProtocol::from_raw(4), RouteProtocol::STATIC);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct RouteProtocol(u8);

impl RouteProtocol {
    /// Unknown (`RTPROT_UNSPEC`).
    #[doc(alias = "RTPROT_UNSPEC")]
    pub const UNSPEC: RouteProtocol = RouteProtocol(0);
    /// Installed by an ICMP redirect (`RTPROT_REDIRECT`).
    #[doc(alias = "RTPROT_REDIRECT")]
    pub const REDIRECT: RouteProtocol = RouteProtocol(1);
    /// Installed by the kernel (`RTPROT_KERNEL`): an address's prefix route.
    #[doc(alias = "RTPROT_KERNEL")]
    pub const KERNEL: RouteProtocol = RouteProtocol(2);
    /// Installed at boot (`RTPROT_BOOT`): `ip route add`'s default.
    #[doc(alias = "RTPROT_BOOT")]
    pub const BOOT: RouteProtocol = RouteProtocol(3);
    /// Installed by the administrator (`RTPROT_STATIC`): [`RouteSpec`]'s default.
    #[doc(alias = "RTPROT_STATIC")]
    pub const STATIC: RouteProtocol = RouteProtocol(4);
    /// Router advertisements (`RTPROT_RA`).
    #[doc(alias = "RTPROT_RA")]
    pub const RA: RouteProtocol = RouteProtocol(9);
    /// A DHCP client (`RTPROT_DHCP`).
    #[doc(alias = "RTPROT_DHCP")]
    pub const DHCP: RouteProtocol = RouteProtocol(16);
    /// BGP (`RTPROT_BGP`).
    #[doc(alias = "RTPROT_BGP")]
    pub const BGP: RouteProtocol = RouteProtocol(186);
    /// OSPF (`RTPROT_OSPF`).
    #[doc(alias = "RTPROT_OSPF")]
    pub const OSPF: RouteProtocol = RouteProtocol(188);

    /// The protocol of value `raw`.
    pub const fn from_raw(raw: u8) -> RouteProtocol {
        RouteProtocol(raw)
    }

    /// Its value.
    pub const fn raw(self) -> u8 {
        self.0
    }

    /// The name `ip` prints (from iproute2's `rt_protos`), `None` for a value it has none
    /// for.
    pub const fn name(self) -> Option<&'static str> {
        Some(match self.0 {
            0 => "unspec",
            1 => "redirect",
            2 => "kernel",
            3 => "boot",
            4 => "static",
            8 => "gated",
            9 => "ra",
            10 => "mrt",
            11 => "zebra",
            12 => "bird",
            13 => "dnrouted",
            14 => "xorp",
            15 => "ntk",
            16 => "dhcp",
            17 => "mrouted",
            18 => "keepalived",
            42 => "babel",
            99 => "openr",
            186 => "bgp",
            187 => "isis",
            188 => "ospf",
            189 => "rip",
            192 => "eigrp",
            _ => return None,
        })
    }
}
