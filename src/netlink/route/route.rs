//! Routes (`RTM_NEWROUTE`, `RTM_DELROUTE`, `RTM_GETROUTE`; what `ip route` does): the
//! [`Route`] view with its [`Nexthops`], the [`RouteSpec`] request, the [`Routes`] dump, and
//! the named values of a route: [`RouteTable`], [`RouteType`], [`RouteProtocol`].

use core::net::IpAddr;

use super::addr::{check_prefix, family_name, filter_family, ip_of, put_ip, same_family};
use super::addr::{AF_INET, AF_INET6};
use super::{RouteProtocol, RouteTable, RouteType, Rtnl, Scope};
use crate::netlink::wire::nl;
use crate::netlink::{align, Attrs, Dump, Message, MessageFlags, MessageWriter, NetlinkError};
use crate::{Family, Result};

/// `RTM_NEWROUTE`, `RTM_DELROUTE`, `RTM_GETROUTE` (linux/rtnetlink.h).
pub(super) const RTM_NEWROUTE: u16 = 24;
pub(super) const RTM_DELROUTE: u16 = 25;
const RTM_GETROUTE: u16 = 26;

/// `struct rtmsg`: family, dst_len, src_len, tos, table, protocol, scope, type, flags.
const RTMSG: usize = 12;

/// The `RTA_*` attributes (linux/rtnetlink.h).
const RTA_DST: u16 = 1;
const RTA_SRC: u16 = 2;
const RTA_OIF: u16 = 4;
const RTA_GATEWAY: u16 = 5;
const RTA_PRIORITY: u16 = 6;
const RTA_PREFSRC: u16 = 7;
const RTA_MULTIPATH: u16 = 9;
const RTA_TABLE: u16 = 15;

/// `struct rtnexthop`: len, flags, hops, ifindex.
const RTNEXTHOP: usize = 8;

/// A route: a zero-copy view over an `RTM_NEWROUTE` message (`struct rtmsg` and its `RTA_*`
/// attributes), from [`Rtnl::routes`] or [`Rtnl::route_to`]. Each attribute is checked when
/// read: a missing one is `None`, one of the wrong size an error.
#[derive(Clone, Copy, Debug)]
pub struct Route<'a> {
    header: [u8; RTMSG],
    attrs: Attrs<'a>,
}

impl<'a> Route<'a> {
    /// The view of `message` (an `RTM_NEWROUTE` or `RTM_DELROUTE`, from a dump or an event):
    /// [`NetlinkError::Short`] if it cannot hold an `rtmsg`.
    ///
    /// ```
    /// use baresock::netlink::route::{Route, RouteTable, RouteType};
    /// use baresock::netlink::Messages;
    /// // An RTM_NEWROUTE: 0.0.0.0/0 blackhole in the main table, no attributes.
    /// let mut m = [0u8; 28];
    /// m[0..4].copy_from_slice(&28u32.to_ne_bytes());
    /// m[4..6].copy_from_slice(&24u16.to_ne_bytes());
    /// m[16..24].copy_from_slice(&[2, 0, 0, 0, 254, 4, 0, 6]);
    /// let msg = Messages::new(&m)?.into_iter().next().unwrap();
    /// let r = Route::from_message(msg)?;
    /// assert!(r.is_default());
    /// assert_eq!((r.table()?, r.kind()), (RouteTable::MAIN, RouteType::BLACKHOLE));
    /// assert_eq!(r.gateway()?, None);
    /// # Ok::<(), baresock::Error>(())
    /// ```
    pub fn from_message(message: Message<'a>) -> Result<Route<'a>> {
        let (h, attrs) = message.split(RTMSG)?;
        let mut header = [0u8; RTMSG];
        header.copy_from_slice(h);
        Ok(Route { header, attrs })
    }

    /// The family (`rtm_family`): [`Family::INET`] or [`Family::INET6`].
    pub fn family(&self) -> Family {
        family_name(self.header[0])
    }

    /// The destination's prefix length (`rtm_dst_len`): 0 for a default route.
    pub fn prefix_len(&self) -> u8 {
        self.header[1]
    }

    /// The source prefix's length (`rtm_src_len`, IPv6 source routing).
    pub fn source_len(&self) -> u8 {
        self.header[2]
    }

    /// The type of service (`rtm_tos`).
    pub fn tos(&self) -> u8 {
        self.header[3]
    }

    /// The table: `RTA_TABLE` where the kernel gives it (ids above 255), else `rtm_table`.
    #[doc(alias = "RTA_TABLE")]
    pub fn table(&self) -> Result<RouteTable> {
        match self.attrs.find(RTA_TABLE) {
            Some(a) => Ok(RouteTable::from_raw(a.u32()?)),
            None => Ok(RouteTable::from_raw(self.header[4] as u32)),
        }
    }

    /// Who installed it (`rtm_protocol`).
    pub fn protocol(&self) -> RouteProtocol {
        RouteProtocol::from_raw(self.header[5])
    }

    /// The scope (`rtm_scope`).
    pub fn scope(&self) -> Scope {
        Scope::from_raw(self.header[6])
    }

    /// The type (`rtm_type`).
    #[doc(alias = "rtm_type")]
    pub fn kind(&self) -> RouteType {
        RouteType::from_raw(self.header[7])
    }

    /// The flags (`rtm_flags`, `RTM_F_*` and `RTNH_F_*`).
    pub fn flags(&self) -> u32 {
        u32::from_ne_bytes([
            self.header[8],
            self.header[9],
            self.header[10],
            self.header[11],
        ])
    }

    /// Whether it is a default route (prefix length 0).
    pub fn is_default(&self) -> bool {
        self.header[1] == 0
    }

    fn ip(&self, kind: u16) -> Result<Option<IpAddr>> {
        self.attrs
            .find(kind)
            .map(|a| ip_of(a, self.header[0]))
            .transpose()
    }

    fn u32(&self, kind: u16) -> Result<Option<u32>> {
        self.attrs.find(kind).map(|a| a.u32()).transpose()
    }

    /// The destination (`RTA_DST`); `None` for a default route.
    #[doc(alias = "RTA_DST")]
    pub fn destination(&self) -> Result<Option<IpAddr>> {
        self.ip(RTA_DST)
    }

    /// The source prefix (`RTA_SRC`, IPv6 source routing).
    #[doc(alias = "RTA_SRC")]
    pub fn source(&self) -> Result<Option<IpAddr>> {
        self.ip(RTA_SRC)
    }

    /// The gateway (`RTA_GATEWAY`); `None` for a device route (and a multipath route: see
    /// [`nexthops`](Route::nexthops)).
    #[doc(alias = "RTA_GATEWAY")]
    pub fn gateway(&self) -> Result<Option<IpAddr>> {
        self.ip(RTA_GATEWAY)
    }

    /// The preferred source address (`RTA_PREFSRC`: `ip route`'s `src`).
    #[doc(alias = "RTA_PREFSRC")]
    pub fn preferred_source(&self) -> Result<Option<IpAddr>> {
        self.ip(RTA_PREFSRC)
    }

    /// The output interface's index (`RTA_OIF`: `ip route`'s `dev`).
    #[doc(alias = "RTA_OIF")]
    pub fn output_interface(&self) -> Result<Option<u32>> {
        self.u32(RTA_OIF)
    }

    /// The priority (`RTA_PRIORITY`: `ip route`'s `metric`).
    #[doc(alias = "RTA_PRIORITY")]
    pub fn priority(&self) -> Result<Option<u32>> {
        self.u32(RTA_PRIORITY)
    }

    /// The next hops of a multipath route (`RTA_MULTIPATH`).
    #[doc(alias = "RTA_MULTIPATH")]
    pub fn nexthops(&self) -> Option<Nexthops<'a>> {
        self.attrs.find(RTA_MULTIPATH).map(|a| Nexthops {
            rest: a.bytes(),
            family: self.header[0],
        })
    }

    /// The attributes, for those this view has no getter for.
    pub fn attrs(&self) -> Attrs<'a> {
        self.attrs
    }
}

/// The next hops of a multipath route ([`Route::nexthops`]): an iterator of
/// `struct rtnexthop`s, each length checked; a malformed one is an error, then the end.
#[derive(Clone, Copy, Debug)]
pub struct Nexthops<'a> {
    rest: &'a [u8],
    family: u8,
}

impl<'a> Iterator for Nexthops<'a> {
    type Item = Result<Nexthop<'a>>;

    fn next(&mut self) -> Option<Result<Nexthop<'a>>> {
        if self.rest.is_empty() {
            return None;
        }
        let len = match self.rest.first_chunk::<2>() {
            Some(b) => u16::from_ne_bytes(*b) as usize,
            None => 0,
        };
        if len < RTNEXTHOP || len > self.rest.len() {
            let left = crate::error::sat32(self.rest.len());
            self.rest = &[];
            return Some(Err(nl(NetlinkError::AttributeLength {
                len: len as u16,
                left,
            })));
        }
        let (this, rest) = self.rest.split_at(len);
        self.rest = rest.get(align(len) - len..).unwrap_or(&[]);
        let mut header = [0u8; RTNEXTHOP];
        header.copy_from_slice(&this[..RTNEXTHOP]);
        Some(match Attrs::new(&this[RTNEXTHOP..]) {
            Ok(attrs) => Ok(Nexthop {
                header,
                attrs,
                family: self.family,
            }),
            Err(e) => {
                self.rest = &[];
                Err(e)
            }
        })
    }
}

/// One next hop of a multipath route (`struct rtnexthop` and its attributes).
#[derive(Clone, Copy, Debug)]
pub struct Nexthop<'a> {
    header: [u8; RTNEXTHOP],
    attrs: Attrs<'a>,
    family: u8,
}

impl<'a> Nexthop<'a> {
    /// The output interface's index (`rtnh_ifindex`).
    pub fn index(&self) -> u32 {
        u32::from_ne_bytes([
            self.header[4],
            self.header[5],
            self.header[6],
            self.header[7],
        ])
    }

    /// Its weight (`rtnh_hops` + 1, as `ip route`'s `weight`).
    pub fn weight(&self) -> u16 {
        self.header[3] as u16 + 1
    }

    /// Its flags (`rtnh_flags`, `RTNH_F_*`: dead, pervasive, onlink, linkdown...).
    pub fn flags(&self) -> u8 {
        self.header[2]
    }

    /// The gateway (`RTA_GATEWAY`).
    pub fn gateway(&self) -> Result<Option<IpAddr>> {
        self.attrs
            .find(RTA_GATEWAY)
            .map(|a| ip_of(a, self.family))
            .transpose()
    }

    /// The attributes.
    pub fn attrs(&self) -> Attrs<'a> {
        self.attrs
    }
}

/// A route to add or delete: a plain value ([`Rtnl::add_route`], [`Rtnl::delete_route`]),
/// checked before the kernel sees it. Defaults: the main table, [`RouteProtocol::STATIC`],
/// [`RouteType::UNICAST`], the scope `ip` would choose.
///
/// ```
/// use baresock::netlink::route::{RouteSpec, RouteType};
/// // ip route add default via 192.0.2.1
/// let default = RouteSpec::default_v4().via("192.0.2.1".parse().unwrap());
/// // ip route add 198.51.100.0/24 dev 2 metric 50
/// let device = RouteSpec::new("198.51.100.0".parse().unwrap(), 24).dev(2).priority(50);
/// // ip route add blackhole 203.0.113.0/24
/// let hole = RouteSpec::new("203.0.113.0".parse().unwrap(), 24).kind(RouteType::BLACKHOLE);
/// assert_eq!(hole.prefix_len, 24);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RouteSpec {
    /// The destination (`RTA_DST`; the unspecified address with prefix 0 for a default route).
    pub destination: IpAddr,
    /// The destination's prefix length: at most 32 (IPv4) or 128 (IPv6).
    pub prefix_len: u8,
    /// The gateway (`RTA_GATEWAY`: `via`).
    pub gateway: Option<IpAddr>,
    /// The output interface's index (`RTA_OIF`: `dev`).
    pub output_interface: Option<u32>,
    /// The preferred source address (`RTA_PREFSRC`: `src`).
    pub preferred_source: Option<IpAddr>,
    /// The priority (`RTA_PRIORITY`: `metric`).
    pub priority: Option<u32>,
    /// The table (ids above 255 go in `RTA_TABLE`).
    pub table: RouteTable,
    /// Who installs it.
    pub protocol: RouteProtocol,
    /// The type.
    pub kind: RouteType,
    /// The scope (`None`: as `ip` chooses: [`Scope::LINK`] for a unicast route without a
    /// gateway, [`Scope::HOST`] for a local one, [`Scope::UNIVERSE`] else).
    pub scope: Option<Scope>,
}

impl RouteSpec {
    /// A unicast route to `destination`/`prefix_len` in the main table.
    pub const fn new(destination: IpAddr, prefix_len: u8) -> RouteSpec {
        RouteSpec {
            destination,
            prefix_len,
            gateway: None,
            output_interface: None,
            preferred_source: None,
            priority: None,
            table: RouteTable::MAIN,
            protocol: RouteProtocol::STATIC,
            kind: RouteType::UNICAST,
            scope: None,
        }
    }

    /// The IPv4 default route (`0.0.0.0/0`).
    pub const fn default_v4() -> RouteSpec {
        RouteSpec::new(IpAddr::V4(core::net::Ipv4Addr::UNSPECIFIED), 0)
    }

    /// The IPv6 default route (`::/0`).
    pub const fn default_v6() -> RouteSpec {
        RouteSpec::new(IpAddr::V6(core::net::Ipv6Addr::UNSPECIFIED), 0)
    }

    /// Through `gateway`.
    pub const fn via(mut self, gateway: IpAddr) -> Self {
        self.gateway = Some(gateway);
        self
    }

    /// Out of the link of index `index`.
    pub const fn dev(mut self, index: u32) -> Self {
        self.output_interface = Some(index);
        self
    }

    /// With a preferred source address.
    pub const fn source(mut self, source: IpAddr) -> Self {
        self.preferred_source = Some(source);
        self
    }

    /// With a priority (metric).
    pub const fn priority(mut self, priority: u32) -> Self {
        self.priority = Some(priority);
        self
    }

    /// In table `table`.
    pub const fn table(mut self, table: RouteTable) -> Self {
        self.table = table;
        self
    }

    /// Installed by `protocol`.
    pub const fn protocol(mut self, protocol: RouteProtocol) -> Self {
        self.protocol = protocol;
        self
    }

    /// Of type `kind` (blackhole, unreachable, prohibit...).
    pub const fn kind(mut self, kind: RouteType) -> Self {
        self.kind = kind;
        self
    }

    /// With scope `scope`.
    pub const fn scope(mut self, scope: Scope) -> Self {
        self.scope = Some(scope);
        self
    }

    /// Checks the prefix length and the families.
    fn check(&self) -> Result<()> {
        check_prefix(self.destination, self.prefix_len)?;
        if let Some(g) = self.gateway {
            same_family(self.destination, g)?;
        }
        if let Some(s) = self.preferred_source {
            same_family(self.destination, s)?;
        }
        Ok(())
    }

    /// The scope `ip` would choose.
    fn chosen_scope(&self) -> Scope {
        if let Some(s) = self.scope {
            return s;
        }
        match self.kind {
            RouteType::LOCAL | RouteType::NAT => Scope::HOST,
            RouteType::BROADCAST | RouteType::MULTICAST | RouteType::ANYCAST => Scope::LINK,
            RouteType::UNICAST | RouteType::UNSPEC if self.gateway.is_none() => Scope::LINK,
            _ => Scope::UNIVERSE,
        }
    }

    /// The `rtmsg` of a request to add (`delete`: to delete, matching any protocol, and a
    /// type only when it is not unicast).
    fn header(&self, delete: bool) -> [u8; RTMSG] {
        let family = super::addr::family_of(self.destination);
        let table = u8::try_from(self.table.raw()).unwrap_or(0);
        let (protocol, scope, kind) = match delete {
            false => (
                self.protocol.raw(),
                self.chosen_scope().raw(),
                self.kind.raw(),
            ),
            true => {
                let kind = match self.kind {
                    RouteType::UNICAST => 0,
                    k => k.raw(),
                };
                (0, Scope::NOWHERE.raw(), kind)
            }
        };
        let mut h = [0u8; RTMSG];
        h[..8].copy_from_slice(&[family, self.prefix_len, 0, 0, table, protocol, scope, kind]);
        h
    }

    /// The attributes.
    fn write(&self, w: &mut MessageWriter<'_>) {
        if self.prefix_len > 0 || !self.destination.is_unspecified() {
            put_ip(w, RTA_DST, self.destination);
        }
        w.put_u32(RTA_TABLE, self.table.raw());
        if let Some(g) = self.gateway {
            put_ip(w, RTA_GATEWAY, g);
        }
        if let Some(i) = self.output_interface {
            w.put_u32(RTA_OIF, i);
        }
        if let Some(s) = self.preferred_source {
            put_ip(w, RTA_PREFSRC, s);
        }
        if let Some(p) = self.priority {
            w.put_u32(RTA_PRIORITY, p);
        }
    }
}

/// The routes of a dump ([`Rtnl::routes`]), a lending iterator: each [`Route`] borrows the
/// handle's buffer until the next.
#[derive(Debug)]
pub struct Routes<'a> {
    dump: Dump<'a>,
    family: u8,
    table: u32,
}

impl Routes<'_> {
    /// The next route, `None` at the end of the dump. Errors: those of
    /// [`Dump::next`](crate::netlink::Dump::next), and a message too short for an `rtmsg`.
    #[allow(clippy::should_implement_trait)] // a lending iterator: `Iterator` cannot lend
    pub fn next(&mut self) -> Result<Option<Route<'_>>> {
        let (family, table) = (self.family, self.table);
        let keep = |m: Message<'_>| {
            if m.kind() != RTM_NEWROUTE {
                return false;
            }
            let Ok(r) = Route::from_message(m) else {
                return true; // the error is the caller's
            };
            let f = r.header[0];
            let family_ok = match family {
                0 => f == AF_INET || f == AF_INET6,
                _ => f == family,
            };
            let table_ok = table == 0 || r.table().map_or(true, |t| t.raw() == table);
            family_ok && table_ok
        };
        match self.dump.next_where(keep)? {
            Some(m) => Route::from_message(m).map(Some),
            None => Ok(None),
        }
    }
}

/// Routes.
impl<'b> Rtnl<'b> {
    /// Adds a route (`ip route add`): `EEXIST` if the table has it already (the request
    /// carries `NLM_F_EXCL`), `ENETUNREACH` for a gateway no route reaches, `ENODEV` for a
    /// link that does not exist. The prefix length and the families are checked first
    /// ([`AddressError::PrefixTooLong`](crate::AddressError::PrefixTooLong),
    /// [`AddressError::MixedFamilies`](crate::AddressError::MixedFamilies)).
    ///
    /// ```no_run
    /// use baresock::netlink::route::{RouteSpec, Rtnl};
    /// let mut buf = [0u8; baresock::netlink::RECOMMENDED_BUFFER];
    /// let mut rtnl = Rtnl::new(&mut buf)?;
    /// rtnl.add_route(&RouteSpec::default_v4().via("192.0.2.1".parse().unwrap()))?;
    /// # Ok::<(), baresock::Error>(())
    /// ```
    #[doc(alias = "RTM_NEWROUTE")]
    pub fn add_route(&mut self, spec: &RouteSpec) -> Result<()> {
        spec.check()?;
        let flags = MessageFlags::CREATE | MessageFlags::EXCL;
        self.ack_with(RTM_NEWROUTE, flags, &spec.header(false), |w| spec.write(w))
    }

    /// Adds a route or replaces the one with its destination, table, type of service and
    /// priority (`ip route replace`).
    ///
    /// ```no_run
    /// use baresock::netlink::route::{RouteSpec, Rtnl};
    /// let mut buf = [0u8; baresock::netlink::RECOMMENDED_BUFFER];
    /// let mut rtnl = Rtnl::new(&mut buf)?;
    /// rtnl.replace_route(&RouteSpec::default_v4().via("192.0.2.254".parse().unwrap()))?;
    /// # Ok::<(), baresock::Error>(())
    /// ```
    pub fn replace_route(&mut self, spec: &RouteSpec) -> Result<()> {
        spec.check()?;
        let flags = MessageFlags::CREATE | MessageFlags::REPLACE;
        self.ack_with(RTM_NEWROUTE, flags, &spec.header(false), |w| spec.write(w))
    }

    /// Deletes a route (`ip route del`): the one with `spec`'s destination and prefix in
    /// its table, matching its gateway, interface and priority where set, and its type
    /// unless unicast (any protocol); `ESRCH` if there is none such.
    ///
    /// ```no_run
    /// use baresock::netlink::route::{RouteSpec, Rtnl};
    /// let mut buf = [0u8; baresock::netlink::RECOMMENDED_BUFFER];
    /// let mut rtnl = Rtnl::new(&mut buf)?;
    /// rtnl.delete_route(&RouteSpec::default_v4())?;
    /// # Ok::<(), baresock::Error>(())
    /// ```
    #[doc(alias = "RTM_DELROUTE")]
    pub fn delete_route(&mut self, spec: &RouteSpec) -> Result<()> {
        spec.check()?;
        self.ack_with(
            RTM_DELROUTE,
            MessageFlags::empty(),
            &spec.header(true),
            |w| spec.write(w),
        )
    }

    /// The routes (`ip route show`): of `family` ([`Family::INET`] or [`Family::INET6`];
    /// `None`: both) in `table` ([`RouteTable::MAIN`] for what `ip route` shows,
    /// [`RouteTable::ALL`] for every table), as a lending iterator. The kernel filters
    /// (strict checking); where it cannot, the iterator does.
    ///
    /// ```no_run
    /// use baresock::netlink::route::{RouteTable, Rtnl};
    /// use baresock::Family;
    /// let mut buf = [0u8; baresock::netlink::RECOMMENDED_BUFFER];
    /// let mut rtnl = Rtnl::new(&mut buf)?;
    /// let mut routes = rtnl.routes(Some(Family::INET), RouteTable::MAIN)?;
    /// while let Some(r) = routes.next()? {
    ///     println!("{:?}/{} via {:?} dev {:?}", r.destination()?, r.prefix_len(),
    ///         r.gateway()?, r.output_interface()?);
    /// }
    /// # Ok::<(), baresock::Error>(())
    /// ```
    #[doc(alias = "RTM_GETROUTE")]
    pub fn routes(&mut self, family: Option<Family>, table: RouteTable) -> Result<Routes<'_>> {
        let family = filter_family(family);
        let mut header = [0u8; RTMSG];
        header[0] = family;
        let dump = self.dump_with(RTM_GETROUTE, &header, |w| {
            if table.raw() != 0 {
                w.put_u32(RTA_TABLE, table.raw());
            }
        })?;
        Ok(Routes {
            dump,
            family,
            table: table.raw(),
        })
    }

    /// The route the kernel would take to `destination` (`ip route get`): one lookup, its
    /// answer with the output interface, the gateway and the preferred source address.
    /// `ENETUNREACH` where no route reaches it.
    ///
    /// ```no_run
    /// use baresock::netlink::route::Rtnl;
    /// let mut buf = [0u8; baresock::netlink::RECOMMENDED_BUFFER];
    /// let mut rtnl = Rtnl::new(&mut buf)?;
    /// let r = rtnl.route_to("192.0.2.7".parse().unwrap())?;
    /// println!("dev {:?} via {:?} src {:?}", r.output_interface()?, r.gateway()?,
    ///     r.preferred_source()?);
    /// # Ok::<(), baresock::Error>(())
    /// ```
    pub fn route_to(&mut self, destination: IpAddr) -> Result<Route<'_>> {
        let mut header = [0u8; RTMSG];
        header[0] = super::addr::family_of(destination);
        header[1] = match destination {
            IpAddr::V4(_) => 32,
            IpAddr::V6(_) => 128,
        };
        let m = self.request_with(RTM_GETROUTE, MessageFlags::empty(), &header, |w| {
            put_ip(w, RTA_DST, destination)
        })?;
        Route::from_message(m)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::netlink::tests::le_headers;

    #[test]
    fn nexthops_are_read_and_a_bad_length_ends_them() {
        // Two hops: index 3 weight 1 with a gateway, index 4 weight 3 without.
        let mut b = [0u8; 24];
        b[0..2].copy_from_slice(&16u16.to_ne_bytes());
        b[4..8].copy_from_slice(&3u32.to_ne_bytes());
        b[8..10].copy_from_slice(&8u16.to_ne_bytes()); // RTA_GATEWAY
        b[10..12].copy_from_slice(&5u16.to_ne_bytes());
        b[12..16].copy_from_slice(&[10, 0, 0, 1]);
        b[16..18].copy_from_slice(&8u16.to_ne_bytes());
        b[19] = 2;
        b[20..24].copy_from_slice(&4u32.to_ne_bytes());
        let mut hops = Nexthops {
            rest: &b,
            family: AF_INET,
        };
        let v = [hops.next().unwrap().unwrap(), hops.next().unwrap().unwrap()];
        assert!(hops.next().is_none());
        assert_eq!((v[0].index(), v[0].weight()), (3, 1));
        assert_eq!(v[0].gateway().unwrap(), Some("10.0.0.1".parse().unwrap()));
        assert_eq!(
            (v[1].index(), v[1].weight(), v[1].gateway().unwrap()),
            (4, 3, None)
        );
        // A length past the end, then one below the header: an error each, then nothing.
        for bad in [200u16, 4] {
            let mut c = b;
            c[16..18].copy_from_slice(&bad.to_ne_bytes());
            let mut hops = Nexthops {
                rest: &c,
                family: AF_INET,
            };
            assert!(hops.next().unwrap().is_ok());
            assert!(hops.next().unwrap().is_err());
            assert!(hops.next().is_none());
        }
    }

    #[test]
    fn a_hostile_route_is_errors_not_panics() {
        // A gateway of 3 bytes in an IPv4 route; an IPv6 destination of 4 bytes.
        let mut attrs = [7u8, 0, 5, 0, 1, 2, 3, 0, 8, 0, 1, 0, 1, 2, 3, 4];
        le_headers(&mut attrs);
        for family in [AF_INET, AF_INET6] {
            let r = Route {
                header: [family, 0, 0, 0, 254, 0, 0, 1, 0, 0, 0, 0],
                attrs: Attrs::new(&attrs).unwrap(),
            };
            assert!(r.gateway().is_err());
            assert_eq!(r.destination().is_err(), family == AF_INET6);
            assert!(r.nexthops().is_none());
        }
    }

    #[test]
    fn specs_are_checked_before_the_kernel() {
        let v4 = RouteSpec::new("10.0.0.0".parse().unwrap(), 33);
        assert!(v4.check().is_err());
        let mixed = RouteSpec::default_v4().via("::1".parse().unwrap());
        assert!(mixed.check().is_err());
        assert_eq!(RouteSpec::default_v4().chosen_scope(), Scope::LINK);
        let gw = RouteSpec::default_v4().via("10.0.0.1".parse().unwrap());
        assert_eq!(gw.chosen_scope(), Scope::UNIVERSE);
        let hole = RouteSpec::default_v6().kind(RouteType::BLACKHOLE);
        assert_eq!(hole.chosen_scope(), Scope::UNIVERSE);
        let big = RouteSpec::default_v4().table(RouteTable::from_raw(1000));
        assert_eq!(big.header(false)[4], 0);
    }
}
