//! Addresses (`RTM_NEWADDR`, `RTM_DELADDR`, `RTM_GETADDR`; what `ip address` does): the
//! [`Address`] view, the [`AddressSpec`] request, the [`Addresses`] dump and the [`Scope`]
//! an address or a route has.

use core::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use super::Rtnl;
use crate::error::AddressError;
use crate::netlink::wire::nl;
use crate::netlink::{Attr, Attrs, Dump, Message, MessageFlags, MessageWriter, NetlinkError};
use crate::{Error, Family, Result};

/// `RTM_NEWADDR`, `RTM_DELADDR`, `RTM_GETADDR` (linux/rtnetlink.h).
pub(super) const RTM_NEWADDR: u16 = 20;
pub(super) const RTM_DELADDR: u16 = 21;
const RTM_GETADDR: u16 = 22;

/// `struct ifaddrmsg`: family, prefix length, flags, scope, index.
const IFADDRMSG: usize = 8;

/// The `IFA_*` attributes (linux/if_addr.h).
const IFA_ADDRESS: u16 = 1;
const IFA_LOCAL: u16 = 2;
const IFA_LABEL: u16 = 3;
const IFA_BROADCAST: u16 = 4;
const IFA_CACHEINFO: u16 = 6;
const IFA_FLAGS: u16 = 8;

/// `AF_INET`, `AF_INET6` as the family byte of rtnetlink's headers.
pub(crate) const AF_INET: u8 = 2;
pub(crate) const AF_INET6: u8 = 10;

/// The most bytes of an interface label (`IFNAMSIZ` less its NUL).
const LABEL_MAX: usize = 15;

/// The scope of an address or a route (`RT_SCOPE_*`, linux/rtnetlink.h): how far it is
/// valid. Values between the named ones are user-defined.
///
/// ```
/// use baresock::netlink::route::Scope;
/// assert_eq!(Scope::LINK.raw(), 253);
/// assert_eq!(Scope::from_raw(0), Scope::UNIVERSE);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Scope(u8);

impl Scope {
    /// Everywhere (`RT_SCOPE_UNIVERSE`, what `ip` prints as `global`).
    #[doc(alias = "RT_SCOPE_UNIVERSE")]
    pub const UNIVERSE: Scope = Scope(0);
    /// Within the site (`RT_SCOPE_SITE`; IPv6 site-local).
    #[doc(alias = "RT_SCOPE_SITE")]
    pub const SITE: Scope = Scope(200);
    /// On the link (`RT_SCOPE_LINK`): a device route, an IPv6 link-local address.
    #[doc(alias = "RT_SCOPE_LINK")]
    pub const LINK: Scope = Scope(253);
    /// On this host (`RT_SCOPE_HOST`): a loopback address, a local route.
    #[doc(alias = "RT_SCOPE_HOST")]
    pub const HOST: Scope = Scope(254);
    /// Nowhere (`RT_SCOPE_NOWHERE`): the destination does not exist.
    #[doc(alias = "RT_SCOPE_NOWHERE")]
    pub const NOWHERE: Scope = Scope(255);

    /// The scope of value `raw`.
    pub const fn from_raw(raw: u8) -> Scope {
        Scope(raw)
    }

    /// Its value.
    pub const fn raw(self) -> u8 {
        self.0
    }

    /// The name `ip` prints (`global`, `site`, `link`, `host`, `nowhere`), `None` for a
    /// user-defined value.
    ///
    /// ```
    /// use baresock::netlink::route::Scope;
    /// assert_eq!(Scope::UNIVERSE.name(), Some("global"));
    /// assert_eq!(Scope::from_raw(7).name(), None);
    /// ```
    pub const fn name(self) -> Option<&'static str> {
        match self.0 {
            0 => Some("global"),
            200 => Some("site"),
            253 => Some("link"),
            254 => Some("host"),
            255 => Some("nowhere"),
            _ => None,
        }
    }
}

bitflags::bitflags! {
    /// An address's flags (`IFA_F_*`, linux/if_addr.h; the 32-bit `IFA_FLAGS` where the
    /// kernel gives it, else the header's 8 bits).
    ///
    /// ```
    /// use baresock::netlink::route::AddressFlags;
    /// assert_eq!(AddressFlags::PERMANENT.bits(), 0x80);
    /// ```
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
    pub struct AddressFlags: u32 {
        /// A secondary address of its subnet (IPv4), a temporary address (IPv6)
        /// (`IFA_F_SECONDARY`, `IFA_F_TEMPORARY`).
        #[doc(alias = "IFA_F_SECONDARY")]
        const SECONDARY = 0x01;
        /// No duplicate address detection (`IFA_F_NODAD`, IPv6).
        #[doc(alias = "IFA_F_NODAD")]
        const NODAD = 0x02;
        /// Optimistic DAD (`IFA_F_OPTIMISTIC`, IPv6).
        #[doc(alias = "IFA_F_OPTIMISTIC")]
        const OPTIMISTIC = 0x04;
        /// Duplicate address detection failed (`IFA_F_DADFAILED`).
        #[doc(alias = "IFA_F_DADFAILED")]
        const DADFAILED = 0x08;
        /// A mobile IPv6 home address (`IFA_F_HOMEADDRESS`).
        #[doc(alias = "IFA_F_HOMEADDRESS")]
        const HOMEADDRESS = 0x10;
        /// Its preferred lifetime ran out (`IFA_F_DEPRECATED`).
        #[doc(alias = "IFA_F_DEPRECATED")]
        const DEPRECATED = 0x20;
        /// Duplicate address detection has not finished (`IFA_F_TENTATIVE`).
        #[doc(alias = "IFA_F_TENTATIVE")]
        const TENTATIVE = 0x40;
        /// Configured, not learned; no lifetime (`IFA_F_PERMANENT`).
        #[doc(alias = "IFA_F_PERMANENT")]
        const PERMANENT = 0x80;
        /// The kernel manages temporary addresses from it (`IFA_F_MANAGETEMPADDR`).
        #[doc(alias = "IFA_F_MANAGETEMPADDR")]
        const MANAGETEMPADDR = 0x100;
        /// No prefix route for it (`IFA_F_NOPREFIXROUTE`).
        #[doc(alias = "IFA_F_NOPREFIXROUTE")]
        const NOPREFIXROUTE = 0x200;
        /// Joins the multicast group automatically (`IFA_F_MCAUTOJOIN`).
        #[doc(alias = "IFA_F_MCAUTOJOIN")]
        const MCAUTOJOIN = 0x400;
        /// A stable-privacy address (`IFA_F_STABLE_PRIVACY`).
        #[doc(alias = "IFA_F_STABLE_PRIVACY")]
        const STABLE_PRIVACY = 0x800;
    }
}

#[cfg(feature = "defmt")]
impl defmt::Format for AddressFlags {
    fn format(&self, f: defmt::Formatter<'_>) {
        defmt::write!(f, "AddressFlags({=u32:#x})", self.bits())
    }
}

/// An address's lifetimes (`struct ifa_cacheinfo`), in seconds from now;
/// [`FOREVER`](AddressLifetimes::FOREVER) for a permanent address.
///
/// ```
/// use baresock::netlink::route::AddressLifetimes;
/// let l = AddressLifetimes { valid: 3600, preferred: 1800 };
/// assert!(!l.is_forever());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[doc(alias = "ifa_cacheinfo")]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct AddressLifetimes {
    /// Seconds until the address goes away (`ifa_valid`).
    pub valid: u32,
    /// Seconds until it is deprecated (`ifa_prefered`), at most `valid`.
    pub preferred: u32,
}

impl AddressLifetimes {
    /// The value of a lifetime that never ends (`INFINITY_LIFE_TIME`).
    pub const FOREVER: u32 = u32::MAX;

    /// Whether both lifetimes are [`FOREVER`](AddressLifetimes::FOREVER).
    pub const fn is_forever(&self) -> bool {
        self.valid == Self::FOREVER && self.preferred == Self::FOREVER
    }
}

/// The family byte of `ip`.
pub(crate) fn family_of(ip: IpAddr) -> u8 {
    match ip {
        IpAddr::V4(_) => AF_INET,
        IpAddr::V6(_) => AF_INET6,
    }
}

/// The socket family of a family byte.
pub(crate) fn family_name(family: u8) -> Family {
    Family::from_raw(family as u16)
}

/// Puts `ip` as attribute `kind` (4 or 16 bytes).
pub(crate) fn put_ip(w: &mut MessageWriter<'_>, kind: u16, ip: IpAddr) {
    match ip {
        IpAddr::V4(a) => w.put_bytes(kind, &a.octets()),
        IpAddr::V6(a) => w.put_bytes(kind, &a.octets()),
    };
}

/// The IP address of attribute `a` in a message of `family`: 4 bytes for `AF_INET`, 16 for
/// `AF_INET6`, else [`NetlinkError::AttributeSize`].
pub(crate) fn ip_of(a: Attr<'_>, family: u8) -> Result<IpAddr> {
    Ok(match family {
        AF_INET => IpAddr::V4(Ipv4Addr::from(a.array::<4>()?)),
        _ => IpAddr::V6(Ipv6Addr::from(a.array::<16>()?)),
    })
}

/// Checks that `other` is of the family of `first`.
pub(crate) fn same_family(first: IpAddr, other: IpAddr) -> Result<()> {
    match family_of(first) == family_of(other) {
        true => Ok(()),
        false => Err(Error::Address(AddressError::MixedFamilies {
            expected: family_name(family_of(first)),
            found: family_name(family_of(other)),
        })),
    }
}

/// Checks a prefix length against `ip`'s bits.
pub(crate) fn check_prefix(ip: IpAddr, len: u8) -> Result<()> {
    let max = match ip {
        IpAddr::V4(_) => 32,
        IpAddr::V6(_) => 128,
    };
    match len <= max {
        true => Ok(()),
        false => Err(Error::Address(AddressError::PrefixTooLong { len, max })),
    }
}

/// An address of a link: a zero-copy view over an `RTM_NEWADDR` message (`struct ifaddrmsg`
/// and its `IFA_*` attributes), from [`Rtnl::addresses`]. Each attribute is checked when read:
/// a missing one is `None`, one of the wrong size an error.
///
/// On most links [`local`](Address::local) and [`address`](Address::address) are the same;
/// on a point-to-point link `local` is ours and `address` the peer's.
#[derive(Clone, Copy, Debug)]
pub struct Address<'a> {
    header: [u8; IFADDRMSG],
    attrs: Attrs<'a>,
}

impl<'a> Address<'a> {
    /// The view of `message` (an `RTM_NEWADDR` or `RTM_DELADDR`, from a dump or an event):
    /// [`NetlinkError::Short`] if it cannot hold an `ifaddrmsg`.
    ///
    /// ```
    /// use baresock::netlink::route::Address;
    /// use baresock::netlink::Messages;
    /// // An RTM_NEWADDR of 127.0.0.1/8 on link 1, with IFA_LOCAL only.
    /// let mut m = [0u8; 32];
    /// m[0..4].copy_from_slice(&32u32.to_ne_bytes());
    /// m[4..6].copy_from_slice(&20u16.to_ne_bytes());
    /// m[16..24].copy_from_slice(&[2, 8, 0x80, 254, 1, 0, 0, 0]);
    /// m[20..24].copy_from_slice(&1u32.to_ne_bytes());
    /// m[24..26].copy_from_slice(&8u16.to_ne_bytes()); // IFA_LOCAL, 4 bytes
    /// m[26..28].copy_from_slice(&2u16.to_ne_bytes());
    /// m[28..32].copy_from_slice(&[127, 0, 0, 1]);
    /// let msg = Messages::new(&m)?.into_iter().next().unwrap();
    /// let a = Address::from_message(msg)?;
    /// assert_eq!((a.index(), a.prefix_len()), (1, 8));
    /// assert_eq!(a.local()?, Some("127.0.0.1".parse()?));
    /// assert_eq!(a.address()?, None);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_message(message: Message<'a>) -> Result<Address<'a>> {
        let (h, attrs) = message.split(IFADDRMSG)?;
        let mut header = [0u8; IFADDRMSG];
        header.copy_from_slice(h);
        Ok(Address { header, attrs })
    }

    /// The family (`ifa_family`): [`Family::INET`] or [`Family::INET6`].
    pub fn family(&self) -> Family {
        family_name(self.header[0])
    }

    /// The prefix length (`ifa_prefixlen`).
    pub fn prefix_len(&self) -> u8 {
        self.header[1]
    }

    /// The scope (`ifa_scope`).
    pub fn scope(&self) -> Scope {
        Scope(self.header[3])
    }

    /// The link's index (`ifa_index`).
    pub fn index(&self) -> u32 {
        u32::from_ne_bytes([
            self.header[4],
            self.header[5],
            self.header[6],
            self.header[7],
        ])
    }

    /// The flags: `IFA_FLAGS` (32 bits) where the kernel gives it, else `ifa_flags`.
    #[doc(alias = "IFA_FLAGS")]
    pub fn flags(&self) -> Result<AddressFlags> {
        let bits = match self.attrs.find(IFA_FLAGS) {
            Some(a) => a.u32()?,
            None => self.header[2] as u32,
        };
        Ok(AddressFlags::from_bits_retain(bits))
    }

    fn ip(&self, kind: u16) -> Result<Option<IpAddr>> {
        self.attrs
            .find(kind)
            .map(|a| ip_of(a, self.header[0]))
            .transpose()
    }

    /// The address (`IFA_ADDRESS`): ours, or on a point-to-point link the peer's.
    #[doc(alias = "IFA_ADDRESS")]
    pub fn address(&self) -> Result<Option<IpAddr>> {
        self.ip(IFA_ADDRESS)
    }

    /// Our address on a point-to-point link, and on IPv4 links the same as
    /// [`address`](Address::address) (`IFA_LOCAL`).
    #[doc(alias = "IFA_LOCAL")]
    pub fn local(&self) -> Result<Option<IpAddr>> {
        self.ip(IFA_LOCAL)
    }

    /// Our own address, whatever the link: [`local`](Address::local), else
    /// [`address`](Address::address) (IPv6 gives only `IFA_ADDRESS` unless there is a
    /// peer). [`NetlinkError::MissingAttribute`] if neither is there.
    pub fn ip_addr(&self) -> Result<IpAddr> {
        match self.local()? {
            Some(ip) => Ok(ip),
            None => self
                .address()?
                .ok_or(nl(NetlinkError::MissingAttribute { kind: IFA_ADDRESS })),
        }
    }

    /// The peer's address on a point-to-point link: `IFA_ADDRESS` where it differs from
    /// `IFA_LOCAL`.
    pub fn peer(&self) -> Result<Option<IpAddr>> {
        match (self.local()?, self.address()?) {
            (Some(l), Some(a)) if l != a => Ok(Some(a)),
            _ => Ok(None),
        }
    }

    /// The broadcast address (`IFA_BROADCAST`, IPv4).
    #[doc(alias = "IFA_BROADCAST")]
    pub fn broadcast(&self) -> Result<Option<Ipv4Addr>> {
        self.attrs
            .find(IFA_BROADCAST)
            .map(|a| a.array::<4>().map(Ipv4Addr::from))
            .transpose()
    }

    /// The label (`IFA_LABEL`, IPv4): the link's name, or an alias such as `eth0:1`.
    #[doc(alias = "IFA_LABEL")]
    pub fn label(&self) -> Result<Option<&'a str>> {
        self.attrs.find(IFA_LABEL).map(|a| a.str()).transpose()
    }

    /// The lifetimes (`IFA_CACHEINFO`).
    #[doc(alias = "IFA_CACHEINFO")]
    pub fn lifetimes(&self) -> Result<Option<AddressLifetimes>> {
        let Some(a) = self.attrs.find(IFA_CACHEINFO) else {
            return Ok(None);
        };
        let b = a.array::<16>()?;
        Ok(Some(AddressLifetimes {
            preferred: u32::from_ne_bytes([b[0], b[1], b[2], b[3]]),
            valid: u32::from_ne_bytes([b[4], b[5], b[6], b[7]]),
        }))
    }

    /// The attributes, for those this view has no getter for.
    pub fn attrs(&self) -> Attrs<'a> {
        self.attrs
    }
}

/// An address to add or delete: a plain value ([`Rtnl::add_address`],
/// [`Rtnl::delete_address`]), checked before the kernel sees it.
///
/// ```
/// use baresock::netlink::route::{AddressFlags, AddressSpec, Scope};
/// let spec = AddressSpec::new(2, "192.0.2.1".parse().unwrap(), 24)
///     .broadcast("192.0.2.255".parse().unwrap())
///     .label("eth0:web")
///     .scope(Scope::UNIVERSE)
///     .flags(AddressFlags::NOPREFIXROUTE);
/// assert_eq!(spec.prefix_len, 24);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AddressSpec<'a> {
    /// The link's index.
    pub index: u32,
    /// Our address (`IFA_LOCAL`).
    pub ip: IpAddr,
    /// The prefix length: at most 32 (IPv4) or 128 (IPv6).
    pub prefix_len: u8,
    /// The peer's address on a point-to-point link (`IFA_ADDRESS`; `None`: `ip`).
    pub peer: Option<IpAddr>,
    /// The broadcast address (IPv4, `IFA_BROADCAST`).
    pub broadcast: Option<Ipv4Addr>,
    /// The label (IPv4, `IFA_LABEL`): the link's name or `name:alias`, at most 15 bytes.
    pub label: Option<&'a str>,
    /// The scope (`None`: [`Scope::UNIVERSE`], or [`Scope::HOST`] for a loopback address,
    /// as `ip` does).
    pub scope: Option<Scope>,
    /// Flags (`IFA_FLAGS`): [`NODAD`](AddressFlags::NODAD),
    /// [`NOPREFIXROUTE`](AddressFlags::NOPREFIXROUTE), ...
    pub flags: AddressFlags,
    /// The lifetimes (`IFA_CACHEINFO`; `None`: forever).
    pub lifetimes: Option<AddressLifetimes>,
}

impl<'a> AddressSpec<'a> {
    /// `ip`/`prefix_len` on link `index`, nothing else set.
    pub const fn new(index: u32, ip: IpAddr, prefix_len: u8) -> AddressSpec<'a> {
        AddressSpec {
            index,
            ip,
            prefix_len,
            peer: None,
            broadcast: None,
            label: None,
            scope: None,
            flags: AddressFlags::empty(),
            lifetimes: None,
        }
    }

    /// With the peer's address (`ip address add A peer P`).
    pub const fn peer(mut self, peer: IpAddr) -> Self {
        self.peer = Some(peer);
        self
    }

    /// With a broadcast address.
    pub const fn broadcast(mut self, broadcast: Ipv4Addr) -> Self {
        self.broadcast = Some(broadcast);
        self
    }

    /// With a label.
    pub const fn label(mut self, label: &'a str) -> Self {
        self.label = Some(label);
        self
    }

    /// With a scope.
    pub const fn scope(mut self, scope: Scope) -> Self {
        self.scope = Some(scope);
        self
    }

    /// With flags.
    pub const fn flags(mut self, flags: AddressFlags) -> Self {
        self.flags = flags;
        self
    }

    /// With lifetimes (seconds).
    pub const fn lifetimes(mut self, valid: u32, preferred: u32) -> Self {
        self.lifetimes = Some(AddressLifetimes { valid, preferred });
        self
    }

    /// Checks what the kernel would take silently or refuse without naming: the prefix
    /// length, the families, the label's length.
    fn check(&self) -> Result<()> {
        check_prefix(self.ip, self.prefix_len)?;
        if let Some(p) = self.peer {
            same_family(self.ip, p)?;
        }
        if self.broadcast.is_some() {
            same_family(self.ip, IpAddr::V4(Ipv4Addr::UNSPECIFIED))?;
        }
        if let Some(l) = self.label {
            if l.len() > LABEL_MAX {
                return Err(Error::Address(AddressError::NameTooLong {
                    len: crate::error::sat32(l.len()),
                }));
            }
            if l.as_bytes().contains(&0) {
                return Err(Error::Address(AddressError::NameNul));
            }
        }
        Ok(())
    }

    /// The `ifaddrmsg`.
    fn header(&self) -> [u8; IFADDRMSG] {
        let scope = match self.scope {
            Some(s) => s.0,
            None if self.ip.is_loopback() => Scope::HOST.0,
            None => 0,
        };
        let i = self.index.to_ne_bytes();
        [
            family_of(self.ip),
            self.prefix_len,
            self.flags.bits() as u8,
            scope,
            i[0],
            i[1],
            i[2],
            i[3],
        ]
    }

    /// The attributes.
    fn write(&self, w: &mut MessageWriter<'_>) {
        put_ip(w, IFA_LOCAL, self.ip);
        put_ip(w, IFA_ADDRESS, self.peer.unwrap_or(self.ip));
        if let Some(b) = self.broadcast {
            w.put_bytes(IFA_BROADCAST, &b.octets());
        }
        if let Some(l) = self.label {
            w.put_str(IFA_LABEL, l);
        }
        if !self.flags.is_empty() {
            w.put_u32(IFA_FLAGS, self.flags.bits());
        }
        if let Some(l) = self.lifetimes {
            let mut c = [0u8; 16];
            c[0..4].copy_from_slice(&l.preferred.to_ne_bytes());
            c[4..8].copy_from_slice(&l.valid.to_ne_bytes());
            w.put_bytes(IFA_CACHEINFO, &c);
        }
    }
}

/// The addresses of a dump ([`Rtnl::addresses`]), a lending iterator: each
/// [`Address`] borrows the handle's buffer until the next.
#[derive(Debug)]
pub struct Addresses<'a> {
    dump: Dump<'a>,
    family: u8,
    index: u32,
}

impl Addresses<'_> {
    /// The next address, `None` at the end of the dump. Errors: those of
    /// [`Dump::next`](crate::netlink::Dump::next), and a message too short for an
    /// `ifaddrmsg`.
    #[allow(clippy::should_implement_trait)] // a lending iterator: `Iterator` cannot lend
    pub fn next(&mut self) -> Result<Option<Address<'_>>> {
        let (family, index) = (self.family, self.index);
        let keep = |m: Message<'_>| {
            let p = m.payload();
            m.kind() == RTM_NEWADDR
                && (family == 0 || p.first() == Some(&family))
                && (index == 0
                    || p.get(4..8)
                        .map(|b| u32::from_ne_bytes([b[0], b[1], b[2], b[3]]))
                        == Some(index))
        };
        match self.dump.next_where(keep)? {
            Some(m) => Address::from_message(m).map(Some),
            None => Ok(None),
        }
    }
}

/// The family byte of a filter: `INET`, `INET6`, or 0 for both.
pub(crate) fn filter_family(family: Option<Family>) -> u8 {
    match family {
        Some(f) => u8::try_from(f.as_raw()).unwrap_or(u8::MAX),
        None => 0,
    }
}

/// Addresses.
impl<'b> Rtnl<'b> {
    /// Adds an address (`ip address add`): `EEXIST` if the link has it already (the
    /// request carries `NLM_F_EXCL`), `ENODEV` for a link that does not exist. The prefix
    /// length, the families and the label are checked first
    /// ([`AddressError::PrefixTooLong`], [`AddressError::MixedFamilies`],
    /// [`AddressError::NameTooLong`]).
    ///
    /// ```no_run
    /// use baresock::netlink::route::{AddressSpec, Rtnl};
    /// let mut buf = [0u8; baresock::netlink::RECOMMENDED_BUFFER];
    /// let mut rtnl = Rtnl::new(&mut buf)?;
    /// rtnl.add_address(&AddressSpec::new(2, "192.0.2.1".parse().unwrap(), 24))?;
    /// rtnl.add_address(&AddressSpec::new(2, "2001:db8::1".parse().unwrap(), 64))?;
    /// # Ok::<(), baresock::Error>(())
    /// ```
    #[doc(alias = "RTM_NEWADDR")]
    pub fn add_address(&mut self, spec: &AddressSpec<'_>) -> Result<()> {
        spec.check()?;
        let flags = MessageFlags::CREATE | MessageFlags::EXCL;
        self.ack_with(RTM_NEWADDR, flags, &spec.header(), |w| spec.write(w))
    }

    /// Adds an address or changes the one there (`ip address replace`: its flags,
    /// lifetimes, label).
    ///
    /// ```no_run
    /// use baresock::netlink::route::{AddressSpec, Rtnl};
    /// let mut buf = [0u8; baresock::netlink::RECOMMENDED_BUFFER];
    /// let mut rtnl = Rtnl::new(&mut buf)?;
    /// let spec = AddressSpec::new(2, "192.0.2.1".parse().unwrap(), 24).lifetimes(600, 300);
    /// rtnl.replace_address(&spec)?;
    /// # Ok::<(), baresock::Error>(())
    /// ```
    pub fn replace_address(&mut self, spec: &AddressSpec<'_>) -> Result<()> {
        spec.check()?;
        let flags = MessageFlags::CREATE | MessageFlags::REPLACE;
        self.ack_with(RTM_NEWADDR, flags, &spec.header(), |w| spec.write(w))
    }

    /// Deletes an address (`ip address del`): the link's address `spec.ip` with
    /// `spec.prefix_len` (and `spec.peer`, if set); `EADDRNOTAVAIL` if it has none such.
    ///
    /// ```no_run
    /// use baresock::netlink::route::{AddressSpec, Rtnl};
    /// let mut buf = [0u8; baresock::netlink::RECOMMENDED_BUFFER];
    /// let mut rtnl = Rtnl::new(&mut buf)?;
    /// rtnl.delete_address(&AddressSpec::new(2, "192.0.2.1".parse().unwrap(), 24))?;
    /// # Ok::<(), baresock::Error>(())
    /// ```
    #[doc(alias = "RTM_DELADDR")]
    pub fn delete_address(&mut self, spec: &AddressSpec<'_>) -> Result<()> {
        check_prefix(spec.ip, spec.prefix_len)?;
        if let Some(p) = spec.peer {
            same_family(spec.ip, p)?;
        }
        let mut header = spec.header();
        header[2] = 0;
        header[3] = 0;
        self.ack_with(RTM_DELADDR, MessageFlags::empty(), &header, |w| {
            put_ip(w, IFA_LOCAL, spec.ip);
            if let Some(p) = spec.peer {
                put_ip(w, IFA_ADDRESS, p);
            }
        })
    }

    /// The addresses (`ip address show`): of `family` ([`Family::INET`] or
    /// [`Family::INET6`]; `None`: both) on link `index` (`None`: every link), as a lending
    /// iterator. The kernel filters (strict checking); where it cannot, the iterator does.
    ///
    /// ```no_run
    /// use baresock::netlink::route::Rtnl;
    /// use baresock::Family;
    /// let mut buf = [0u8; baresock::netlink::RECOMMENDED_BUFFER];
    /// let mut rtnl = Rtnl::new(&mut buf)?;
    /// let mut addresses = rtnl.addresses(Some(Family::INET6), None)?;
    /// while let Some(a) = addresses.next()? {
    ///     println!("{}: {}/{} {:?}", a.index(), a.ip_addr()?, a.prefix_len(), a.scope().name());
    /// }
    /// # Ok::<(), baresock::Error>(())
    /// ```
    #[doc(alias = "RTM_GETADDR")]
    pub fn addresses(
        &mut self,
        family: Option<Family>,
        index: Option<u32>,
    ) -> Result<Addresses<'_>> {
        let family = filter_family(family);
        let index = index.unwrap_or(0);
        let i = index.to_ne_bytes();
        let header = [family, 0, 0, 0, i[0], i[1], i[2], i[3]];
        let dump = self.dump_with(RTM_GETADDR, &header, |_| {})?;
        Ok(Addresses {
            dump,
            family,
            index,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::netlink::tests::le_headers;

    fn view(family: u8, attrs: &[u8]) -> Address<'_> {
        let i = 2u32.to_ne_bytes();
        Address {
            header: [family, 24, 0x80, 0, i[0], i[1], i[2], i[3]],
            attrs: Attrs::new(attrs).unwrap(),
        }
    }

    #[test]
    fn a_hostile_address_is_errors_not_panics() {
        // IFA_ADDRESS of 5 bytes, IFA_LABEL without its NUL, IFA_CACHEINFO of 4 bytes,
        // IFA_FLAGS of 2 bytes.
        let mut attrs = [
            9u8, 0, 1, 0, 1, 2, 3, 4, 5, 0, 0, 0, //
            6, 0, 3, 0, b'a', b'b', 0, 0, //
            8, 0, 6, 0, 1, 2, 3, 4, //
            6, 0, 8, 0, 1, 0, 0, 0,
        ];
        le_headers(&mut attrs);
        for family in [AF_INET, AF_INET6] {
            let a = view(family, &attrs);
            assert!(a.address().is_err());
            assert!(a.ip_addr().is_err());
            assert!(a.label().is_err());
            assert!(a.lifetimes().is_err());
            assert!(a.flags().is_err());
            assert_eq!(a.local().unwrap(), None);
            assert_eq!(a.broadcast().unwrap(), None);
        }
        let empty = view(AF_INET, &[]);
        assert_eq!(
            empty.ip_addr(),
            Err(nl(NetlinkError::MissingAttribute { kind: IFA_ADDRESS }))
        );
        assert_eq!(empty.flags().unwrap(), AddressFlags::PERMANENT);
        assert_eq!((empty.index(), empty.prefix_len()), (2, 24));
    }

    #[test]
    fn a_peer_is_the_address_that_differs() {
        let mut attrs = [8u8, 0, 2, 0, 10, 0, 0, 1, 8, 0, 1, 0, 10, 0, 0, 2];
        le_headers(&mut attrs);
        let a = view(AF_INET, &attrs);
        assert_eq!(a.ip_addr().unwrap(), IpAddr::from([10, 0, 0, 1]));
        assert_eq!(a.peer().unwrap(), Some(IpAddr::from([10, 0, 0, 2])));
    }

    #[test]
    fn specs_are_checked_before_the_kernel() {
        let v4 = IpAddr::from([192, 0, 2, 1]);
        let v6 = IpAddr::V6(Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 1));
        let too_long = Error::Address(AddressError::PrefixTooLong { len: 33, max: 32 });
        assert_eq!(AddressSpec::new(1, v4, 33).check(), Err(too_long));
        assert!(AddressSpec::new(1, v6, 128).check().is_ok());
        assert!(AddressSpec::new(1, v6, 129).check().is_err());
        assert!(AddressSpec::new(1, v4, 24).peer(v6).check().is_err());
        let bcast = AddressSpec::new(1, v6, 64).broadcast(Ipv4Addr::BROADCAST);
        assert!(bcast.check().is_err());
        assert!(AddressSpec::new(1, v4, 24).label("x\0y").check().is_err());
        assert!(AddressSpec::new(1, v4, 24)
            .label("0123456789abcdef")
            .check()
            .is_err());
        assert!(AddressSpec::new(1, v4, 24)
            .label("0123456789abcde")
            .check()
            .is_ok());
        // The scope `ip` chooses: host for a loopback address.
        let lo = AddressSpec::new(1, IpAddr::from([127, 0, 0, 2]), 8);
        assert_eq!(lo.header()[3], Scope::HOST.raw());
        assert_eq!(AddressSpec::new(1, v4, 24).header()[3], 0);
    }
}
